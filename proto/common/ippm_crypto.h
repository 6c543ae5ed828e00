/* The crypto a protocol module may ask for, and nothing else.
 *
 * Proto links no crypto library: the driver fills this table (OpenSSL in
 * impl/core/crypto_openssl.c; a test may fill it with a fake), as ngtcp2's
 * crypto/ and BearSSL's br_hash_class do. One table serves every
 * protocol: STAMP needs HMAC-SHA-256, TWAMP/OWAMP HMAC-SHA-1, AES and
 * PBKDF2, the RMBT ping HMAC-SHA-256, udpst HMAC-SHA-256. */
#ifndef IPPM_CRYPTO_H
#define IPPM_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "ippm_err.h"

enum ippm_hash { IPPM_HASH_SHA1, IPPM_HASH_SHA256 };

#define IPPM_HASH_MAX_LEN 32

/* A piece of a message: HMAC inputs are often split across fields. */
struct ippm_iov {
    const uint8_t *p;
    size_t len;
};

struct ippm_crypto {
    void *ctx;
    /* Full-length HMAC of the concatenated pieces into out (20 or 32
     * octets, by hash). */
    enum ippm_err (*hmac)(void *ctx, enum ippm_hash hash, const uint8_t *key,
                          size_t key_len, const struct ippm_iov *iov,
                          size_t n_iov, uint8_t out[IPPM_HASH_MAX_LEN]);
    /* AES-128 on one block, for OWAMP/TWAMP test-packet encryption. */
    enum ippm_err (*aes128_ecb)(void *ctx, int encrypt, const uint8_t key[16],
                                const uint8_t in[16], uint8_t out[16]);
    /* AES-128-CBC over len octets (a multiple of 16), iv updated in place
     * so a stream can continue, as OWAMP-Control does (RFC 4656 §3.4). */
    enum ippm_err (*aes128_cbc)(void *ctx, int encrypt, const uint8_t key[16],
                                uint8_t iv[16], const uint8_t *in, uint8_t *out,
                                size_t len);
    /* PBKDF2 (RFC 2898), used by OWAMP/TWAMP key derivation. */
    enum ippm_err (*pbkdf2)(void *ctx, enum ippm_hash hash, const uint8_t *pass,
                            size_t pass_len, const uint8_t *salt,
                            size_t salt_len, uint32_t iterations, uint8_t *out,
                            size_t out_len);
    /* Cryptographically strong random octets. */
    enum ippm_err (*random)(void *ctx, uint8_t *out, size_t len);
};

/* Constant-time comparison: 1 when equal, 0 otherwise. Time depends on
 * len only, so an attacker learns nothing from how early a MAC differs. */
int ippm_ct_equal(const uint8_t *a, const uint8_t *b, size_t len);

#endif
