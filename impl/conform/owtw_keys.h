/* A keys file for OWAMP/TWAMP conformance runs (pcap check --keys,
 * conform twamp-server --keys), read by ippm_keys_read (impl/core/
 * keyfile.h: perfSONAR's `KEYID HEX` lines, the servers' rules) into
 * fixed arrays the conformance code keeps views into. Private to
 * impl/conform. */
#ifndef IPPM_OWTW_KEYS_H
#define IPPM_OWTW_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "proto/owtw/owtw.h"

#define OWTW_KEYS_MAX 64
#define OWTW_SECRET_MAX 128

struct owtw_keyring {
    struct owtw_key key[OWTW_KEYS_MAX]; /* views into the arrays below */
    uint8_t secret[OWTW_KEYS_MAX][OWTW_SECRET_MAX];
    char keyid[OWTW_KEYS_MAX][OWTW_KEYID_LEN + 1];
    size_t n;
};

/* Reads path into kr (zeroed by the caller); opt names the option.
 * Returns 0, or -1 after one line on stderr. */
int owtw_keys_load(const char *opt, const char *path, struct owtw_keyring *kr);

/* Wipes the secrets. */
void owtw_keys_wipe(struct owtw_keyring *kr);

#endif
