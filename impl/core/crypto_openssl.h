/* struct ippm_crypto backed by OpenSSL 3: the only file that includes an
 * OpenSSL header (ngtcp2 crypto/, BearSSL br_hash_class). */
#ifndef IPPM_CRYPTO_OPENSSL_H
#define IPPM_CRYPTO_OPENSSL_H

#include "proto/common/ippm_crypto.h"

/* Fills c with the OpenSSL implementation; c->ctx holds the algorithm
 * handles fetched once (HMAC, AES-128-ECB, AES-128-CBC) and no key, and
 * nothing in it changes after init, so threads may share the table. Keys
 * live in the callers' key contexts (ippm_hmac_key_init,
 * ippm_aes_key_init), one per session and thread; each holds its own
 * OpenSSL context and is freed before the table. Returns 0, or -1 when
 * OpenSSL cannot provide HMAC or AES (the table is then left unusable
 * and must still be freed). */
int ippm_crypto_openssl_init(struct ippm_crypto *c);

/* Releases what init allocated; c may be half-initialised. */
void ippm_crypto_openssl_free(struct ippm_crypto *c);

#endif
