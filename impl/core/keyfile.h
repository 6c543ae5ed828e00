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

#endif
