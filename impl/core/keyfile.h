/* Shared secrets on disk: the file holds the raw key on one line; a
 * trailing newline (LF or CRLF) is not part of it. Used by every
 * authenticated mode (STAMP, TWAMP, OWAMP, udpst). */
#ifndef IPPM_KEYFILE_H
#define IPPM_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPPM_KEY_MAX 1024 /* octets; longer files are refused */

/* The other key source: the raw key in this environment variable (as
 * stamp-suite takes it), for services whose key arrives that way
 * (systemd credentials, container secrets). Never in a config file. */
#define IPPM_AUTH_KEY_ENV "IPPM_AUTH_KEY"

/* A key file whose first line is exactly this (LF or CRLF after it) is a
 * test fixture, a key published with the code (pcaps/stamp/test.key): the
 * line is not part of the key, which is the line after it, and the file
 * may be readable by anyone without a warning, since that is what a
 * published key is. A checkout cannot keep a fixture at mode 0600 (git
 * records only 644 and 755), so the file itself says what it is. */
#define IPPM_KEY_FIXTURE_LINE "# ippm test fixture: not a secret"

/* Reads the key at path into key (IPPM_KEY_MAX octets) and its length
 * into *len. Warns on stderr when group or others may read the file,
 * unless it is a test fixture (IPPM_KEY_FIXTURE_LINE).
 * Returns 0, or -1 after printing one line on stderr (unreadable, empty,
 * longer than IPPM_KEY_MAX); the caller exits with IPPM_EXIT_USAGE. */
int ippm_keyfile_read(const char *opt, const char *path,
                      uint8_t key[IPPM_KEY_MAX], size_t *len);

/* true when a key is given: path is not NULL, or IPPM_AUTH_KEY is set and
 * not empty. Decides the mode before the key is read. */
bool ippm_key_given(const char *path);

/* The key from the key file at path (opt names it, "--auth-key-file") or
 * from IPPM_AUTH_KEY; an empty IPPM_AUTH_KEY counts as unset.
 * Returns 1 with the key in key/len, 0 when neither gives one (*len = 0),
 * or -1 after printing one line on stderr: both give one (ambiguous, as
 * stamp-suite refuses too), the variable is longer than IPPM_KEY_MAX, or
 * an ippm_keyfile_read error. The caller exits with IPPM_EXIT_USAGE. */
int ippm_key_load(const char *opt, const char *path, uint8_t key[IPPM_KEY_MAX],
                  size_t *len);

/* ---- keys files: many KeyIDs (TWAMP, OWAMP) ----
 *
 * One key a line, as perfSONAR's pfstore(1) writes owampd.pfs, so one
 * file serves owampd, twampd and ippm alike:
 *
 *   # comment lines start with '#' (after any white space)
 *   ippmtest 7465737470617373
 *
 * a KeyID (1-80 octets, RFC 4656 §3.1, no white space), white space, and
 * the shared secret (the passphrase PBKDF2 takes) in hex; nothing else on
 * the line. Unlike a single key file, a keys file readable by group or
 * others is refused, as owampd's users expect of a server's secrets,
 * unless it is a test fixture (first line IPPM_KEY_FIXTURE_LINE, itself a
 * comment to pfstore). */
#define IPPM_KEYID_MAX 80
#define IPPM_KEYS_FILE_MAX (1 << 20) /* octets; larger files are refused */

struct ippm_keys_entry {
    char id[IPPM_KEYID_MAX + 1]; /* NUL-terminated */
    size_t id_len;
    uint8_t secret[IPPM_KEY_MAX];
    size_t len;
};

struct ippm_keys {
    struct ippm_keys_entry *e; /* allocated */
    size_t n;
};

/* Reads the keys file at path (opt names it: "--keys"). Returns 0, or -1
 * after one line on stderr naming the file and line (unreadable, readable
 * by others, a line that is no `KEYID HEX`, a KeyID twice, no key at
 * all); the caller exits with IPPM_EXIT_USAGE. Free with ippm_keys_free. */
int ippm_keys_read(const char *opt, const char *path, struct ippm_keys *out);

/* The entry for KeyID id (id_len octets; trailing NULs, as the 80-octet
 * wire field pads it, are not part of it), NULL when none. */
const struct ippm_keys_entry *ippm_keys_find(const struct ippm_keys *k,
                                             const uint8_t *id, size_t id_len);

/* Wipes the secrets and frees; safe on a zeroed k. */
void ippm_keys_free(struct ippm_keys *k);

#endif
