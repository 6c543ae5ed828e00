/* What every protocol driver sets up before its first packet and tears
 * down after its last, whatever the protocol: the shared secret and the
 * crypto keyed by it, and the socket with its receive and send batches.
 * A driver embeds these, calls the setup functions in order and the
 * free functions once, on every path out. */
#ifndef IPPM_DRIVER_COMMON_H
#define IPPM_DRIVER_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/common/ippm_crypto.h"
#include "impl/core/keyfile.h"
#include "impl/core/net.h"

/* The key a driver runs with. auth: it came from --auth-key-file or
 * $IPPM_AUTH_KEY (authenticated mode); a key with auth false is an open
 * mode's HMAC TLV key. crypto is usable when have_crypto; hmac is the
 * HMAC-SHA-256 context keyed once with bytes, for every packet of the
 * driver's one thread (unkeyed without a key). */
struct ippm_driver_key {
    struct ippm_crypto crypto;
    struct ippm_hmac_key hmac;
    bool have_crypto;
    bool auth;
    uint8_t bytes[IPPM_KEY_MAX];
    size_t len;
};

/* Loads the authenticated mode's key (auth_file or $IPPM_AUTH_KEY, named
 * --auth-key-file), else, when hmac_file is not NULL, the open mode's
 * HMAC TLV key from it (named --hmac-key-file; RFC 8972 §4.8), and keys
 * the OpenSSL crypto when either gave one. prog prefixes the error line.
 * Returns -1 to go on, else the exit status after one line on stderr:
 * IPPM_EXIT_USAGE for a bad key source, IPPM_EXIT_RUNTIME when OpenSSL
 * has no HMAC-SHA-256. Free k with ippm_driver_key_free either way. */
int ippm_driver_key_load(struct ippm_driver_key *k, const char *prog,
                         const char *auth_file, const char *hmac_file);

/* The same with a key the caller already holds (len 0: none; auth as
 * ippm_driver_key_load sets it), for a driver started from code rather
 * than from a command line. Returns -1 to go on, else the exit status
 * after one line (IPPM_EXIT_USAGE: longer than IPPM_KEY_MAX). */
int ippm_driver_key_set(struct ippm_driver_key *k, const char *prog, bool auth,
                        const uint8_t *key, size_t len);

/* Frees the crypto and wipes the key; safe on a zeroed k. */
void ippm_driver_key_free(struct ippm_driver_key *k);

/* Allocates a receive batch of IPPM_NET_BATCH full-size datagrams and a
 * send batch of tx_cap buffers of tx_size octets. Returns -1 to go on,
 * else IPPM_EXIT_RUNTIME after "prog: out of memory" on stderr. */
int ippm_driver_batches_init(struct ippm_rx_batch *rx, struct ippm_tx_batch *tx,
                             size_t tx_cap, size_t tx_size, const char *prog);

/* Frees both batches and closes s (fd -1: never opened); safe on zeroed
 * batches. */
void ippm_driver_io_free(struct ippm_sock *s, struct ippm_rx_batch *rx,
                         struct ippm_tx_batch *tx);

#endif
