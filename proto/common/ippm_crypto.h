/* The crypto a protocol module may ask for, and nothing else.
 *
 * Proto links no crypto library: the driver fills this table (OpenSSL in
 * impl/core/crypto_openssl.c; a test may fill it with a fake), as ngtcp2's
 * crypto/ and BearSSL's br_hash_class do. One table serves every
 * protocol: STAMP needs HMAC-SHA-256, TWAMP/OWAMP HMAC-SHA-1, AES and
 * PBKDF2, the RMBT ping HMAC-SHA-256, udpst HMAC-SHA-256.
 *
 * Keys are prepared once and used for many messages: a key context
 * (struct ippm_hmac_key, struct ippm_aes_key) is owned by the caller, one
 * per session and per thread, and holds the backend's expanded key as an
 * opaque handle. Proto never allocates; the backend may allocate in its
 * key init and releases in its key free. There is no key cache anywhere. */
#ifndef IPPM_CRYPTO_H
#define IPPM_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ippm_err.h"

enum ippm_hash { IPPM_HASH_SHA1, IPPM_HASH_SHA256 };

#define IPPM_HASH_MAX_LEN 32
#define IPPM_AES_BLOCK 16
#define IPPM_AES128_KEY_LEN 16

/* A piece of a message: HMAC inputs are often split across fields. */
struct ippm_iov {
    const uint8_t *p;
    size_t len;
};

struct ippm_crypto;

/* An HMAC key expanded once (the backend's inner and outer pads). One
 * message at a time: init, update..., final, then the next. Zeroed: no
 * key. Copies share the handle; free exactly one of them. */
struct ippm_hmac_key {
    const struct ippm_crypto *crypto;
    enum ippm_hash hash;
    void *handle; /* the backend's; NULL: not keyed */
};

/* An AES-128 key expanded once, for both directions, ECB and CBC. */
struct ippm_aes_key {
    const struct ippm_crypto *crypto;
    void *handle;
};

/* The backend. ctx is the backend's own and holds no key; a key context
 * it fills belongs to one thread. */
struct ippm_crypto {
    void *ctx;
    /* Expands key (len octets, may be 0) for hash into *handle. */
    enum ippm_err (*hmac_key_init)(void *ctx, enum ippm_hash hash,
                                   const uint8_t *key, size_t len,
                                   void **handle);
    /* Releases and wipes what hmac_key_init made; handle may be NULL. */
    void (*hmac_key_free)(void *ctx, void *handle);
    /* Starts a message under the key, forgetting any unfinished one. */
    enum ippm_err (*hmac_init)(void *ctx, void *handle);
    enum ippm_err (*hmac_update)(void *ctx, void *handle, const uint8_t *p,
                                 size_t len);
    /* Full-length HMAC (20 or 32 octets, by hash) of the message. */
    enum ippm_err (*hmac_final)(void *ctx, void *handle,
                                uint8_t out[IPPM_HASH_MAX_LEN]);
    enum ippm_err (*aes_key_init)(void *ctx,
                                  const uint8_t key[IPPM_AES128_KEY_LEN],
                                  void **handle);
    void (*aes_key_free)(void *ctx, void *handle);
    /* AES-128 on len octets (a multiple of 16) block by block; in and out
     * may be the same buffer. OWAMP/TWAMP test packets (RFC 4656 §4.1.2). */
    enum ippm_err (*aes128_ecb)(void *ctx, void *handle, bool encrypt,
                                const uint8_t *in, uint8_t *out, size_t len);
    /* AES-128-CBC over len octets (a multiple of 16); iv is updated in
     * place to the last ciphertext block, so that the caller chains it
     * into the next call, as OWAMP-Control does (RFC 4656 §3.4). */
    enum ippm_err (*aes128_cbc)(void *ctx, void *handle, bool encrypt,
                                uint8_t iv[IPPM_AES_BLOCK], const uint8_t *in,
                                uint8_t *out, size_t len);
    /* PBKDF2 (RFC 2898 §5.2), OWAMP/TWAMP key derivation (RFC 4656 §3.1). */
    enum ippm_err (*pbkdf2)(void *ctx, enum ippm_hash hash, const uint8_t *pass,
                            size_t pass_len, const uint8_t *salt,
                            size_t salt_len, uint32_t iterations, uint8_t *out,
                            size_t out_len);
    /* Cryptographically strong random octets. */
    enum ippm_err (*random)(void *ctx, uint8_t *out, size_t len);
};

/* Octets of a full HMAC with this hash: 20 or 32. */
size_t ippm_hash_len(enum ippm_hash hash);

/* ---- HMAC ---- */

/* Expands key (len octets) for hash once, into the caller's k. Returns
 * IPPM_OK, IPPM_ERR_NO_KEY (no crypto, or it has no HMAC),
 * IPPM_ERR_CRYPTO. On failure k is left unkeyed. */
enum ippm_err ippm_hmac_key_init(struct ippm_hmac_key *k,
                                 const struct ippm_crypto *crypto,
                                 enum ippm_hash hash, const uint8_t *key,
                                 size_t len);

/* Releases k's handle and zeroes k; k may be unkeyed. */
void ippm_hmac_key_free(struct ippm_hmac_key *k);

/* True when k is keyed and can compute HMACs. */
bool ippm_hmac_key_ready(const struct ippm_hmac_key *k);

/* Incremental HMAC under a keyed k: init, any number of updates, final.
 * Each returns IPPM_OK, IPPM_ERR_NO_KEY (k not ready) or IPPM_ERR_CRYPTO. */
enum ippm_err ippm_hmac_init(const struct ippm_hmac_key *k);
enum ippm_err ippm_hmac_update(const struct ippm_hmac_key *k, const uint8_t *p,
                               size_t len);
enum ippm_err ippm_hmac_final(const struct ippm_hmac_key *k,
                              uint8_t out[IPPM_HASH_MAX_LEN]);

/* One message made of n pieces: init, one update per piece, final. */
enum ippm_err ippm_hmac_iov(const struct ippm_hmac_key *k,
                            const struct ippm_iov *iov, size_t n,
                            uint8_t out[IPPM_HASH_MAX_LEN]);

/* ---- AES-128 ---- */

/* Expands a 16-octet key once into the caller's k; as ippm_hmac_key_init. */
enum ippm_err ippm_aes_key_init(struct ippm_aes_key *k,
                                const struct ippm_crypto *crypto,
                                const uint8_t key[IPPM_AES128_KEY_LEN]);
void ippm_aes_key_free(struct ippm_aes_key *k);

/* ECB over len octets (a multiple of 16). Returns IPPM_OK,
 * IPPM_ERR_BAD_ARG (len), IPPM_ERR_NO_KEY, IPPM_ERR_CRYPTO. */
enum ippm_err ippm_aes128_ecb(const struct ippm_aes_key *k, bool encrypt,
                              const uint8_t *in, uint8_t *out, size_t len);

/* CBC over len octets (a multiple of 16), iv chained by the caller: on
 * return it holds the last ciphertext block, so two calls over halves of
 * a stream equal one call over the whole (RFC 4656 §3.4). Returns as
 * ippm_aes128_ecb. */
enum ippm_err ippm_aes128_cbc(const struct ippm_aes_key *k, bool encrypt,
                              uint8_t iv[IPPM_AES_BLOCK], const uint8_t *in,
                              uint8_t *out, size_t len);

/* ---- key derivation, random ---- */

/* PBKDF2 (RFC 2898 §5.2) with HMAC-hash into out_len octets. Returns
 * IPPM_OK, IPPM_ERR_BAD_ARG (0 iterations), IPPM_ERR_NO_KEY (no backend),
 * IPPM_ERR_CRYPTO. */
enum ippm_err ippm_pbkdf2(const struct ippm_crypto *crypto, enum ippm_hash hash,
                          const uint8_t *pass, size_t pass_len,
                          const uint8_t *salt, size_t salt_len,
                          uint32_t iterations, uint8_t *out, size_t out_len);

/* len cryptographically strong random octets; as ippm_pbkdf2. */
enum ippm_err ippm_random(const struct ippm_crypto *crypto, uint8_t *out,
                          size_t len);

/* Constant-time comparison: 1 when equal, 0 otherwise. Time depends on
 * len only, so an attacker learns nothing from how early a MAC differs. */
int ippm_ct_equal(const uint8_t *a, const uint8_t *b, size_t len);

#endif
