/* Shared secrets on disk: the file holds the raw key on one line; a
 * trailing newline (LF or CRLF) is not part of it. Used by every
 * authenticated mode (STAMP, TWAMP, OWAMP, udpst). */
#ifndef IPPM_KEYFILE_H
#define IPPM_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define IPPM_KEY_MAX 1024 /* octets; longer files are refused */

/* Reads the key at path into key (IPPM_KEY_MAX octets) and its length
 * into *len. Warns on stderr when group or others may read the file.
 * Returns 0, or -1 after printing one line on stderr (unreadable, empty,
 * longer than IPPM_KEY_MAX); the caller exits with IPPM_EXIT_USAGE. */
int ippm_keyfile_read(const char *opt, const char *path,
                      uint8_t key[IPPM_KEY_MAX], size_t *len);

#endif
