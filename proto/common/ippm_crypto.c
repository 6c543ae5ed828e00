#include "ippm_crypto.h"

#include <string.h>

/* see ippm_crypto.h */
size_t ippm_hash_len(enum ippm_hash hash)
{
    return hash == IPPM_HASH_SHA1 ? 20 : 32;
}

/* see ippm_crypto.h */
enum ippm_err ippm_hmac_key_init(struct ippm_hmac_key *k,
                                 const struct ippm_crypto *crypto,
                                 enum ippm_hash hash, const uint8_t *key,
                                 size_t len)
{
    memset(k, 0, sizeof(*k));
    if (!crypto || !crypto->hmac_key_init || !crypto->hmac_init ||
        !crypto->hmac_update || !crypto->hmac_final || (!key && len))
        return IPPM_ERR_NO_KEY;
    void *handle = NULL;
    if (crypto->hmac_key_init(crypto->ctx, hash, key, len, &handle) !=
            IPPM_OK ||
        !handle)
        return IPPM_ERR_CRYPTO;
    k->crypto = crypto;
    k->hash = hash;
    k->handle = handle;
    return IPPM_OK;
}

/* see ippm_crypto.h */
void ippm_hmac_key_free(struct ippm_hmac_key *k)
{
    if (k->handle && k->crypto && k->crypto->hmac_key_free)
        k->crypto->hmac_key_free(k->crypto->ctx, k->handle);
    memset(k, 0, sizeof(*k));
}

/* see ippm_crypto.h */
bool ippm_hmac_key_ready(const struct ippm_hmac_key *k)
{
    return k && k->crypto && k->handle;
}

/* see ippm_crypto.h */
enum ippm_err ippm_hmac_init(const struct ippm_hmac_key *k)
{
    if (!ippm_hmac_key_ready(k))
        return IPPM_ERR_NO_KEY;
    return k->crypto->hmac_init(k->crypto->ctx, k->handle) == IPPM_OK
               ? IPPM_OK
               : IPPM_ERR_CRYPTO;
}

/* see ippm_crypto.h */
enum ippm_err ippm_hmac_update(const struct ippm_hmac_key *k, const uint8_t *p,
                               size_t len)
{
    if (!ippm_hmac_key_ready(k))
        return IPPM_ERR_NO_KEY;
    if (len == 0)
        return IPPM_OK;
    return k->crypto->hmac_update(k->crypto->ctx, k->handle, p, len) ==
                   IPPM_OK
               ? IPPM_OK
               : IPPM_ERR_CRYPTO;
}

/* see ippm_crypto.h */
enum ippm_err ippm_hmac_final(const struct ippm_hmac_key *k,
                              uint8_t out[IPPM_HASH_MAX_LEN])
{
    if (!ippm_hmac_key_ready(k))
        return IPPM_ERR_NO_KEY;
    return k->crypto->hmac_final(k->crypto->ctx, k->handle, out) == IPPM_OK
               ? IPPM_OK
               : IPPM_ERR_CRYPTO;
}

/* see ippm_crypto.h */
enum ippm_err ippm_hmac_iov(const struct ippm_hmac_key *k,
                            const struct ippm_iov *iov, size_t n,
                            uint8_t out[IPPM_HASH_MAX_LEN])
{
    enum ippm_err e = ippm_hmac_init(k);
    for (size_t i = 0; e == IPPM_OK && i < n; i++)
        e = ippm_hmac_update(k, iov[i].p, iov[i].len);
    return e == IPPM_OK ? ippm_hmac_final(k, out) : e;
}

/* see ippm_crypto.h */
enum ippm_err ippm_aes_key_init(struct ippm_aes_key *k,
                                const struct ippm_crypto *crypto,
                                const uint8_t key[IPPM_AES128_KEY_LEN])
{
    memset(k, 0, sizeof(*k));
    if (!crypto || !crypto->aes_key_init || !crypto->aes128_ecb ||
        !crypto->aes128_cbc || !key)
        return IPPM_ERR_NO_KEY;
    void *handle = NULL;
    if (crypto->aes_key_init(crypto->ctx, key, &handle) != IPPM_OK || !handle)
        return IPPM_ERR_CRYPTO;
    k->crypto = crypto;
    k->handle = handle;
    return IPPM_OK;
}

/* see ippm_crypto.h */
void ippm_aes_key_free(struct ippm_aes_key *k)
{
    if (k->handle && k->crypto && k->crypto->aes_key_free)
        k->crypto->aes_key_free(k->crypto->ctx, k->handle);
    memset(k, 0, sizeof(*k));
}

static enum ippm_err aes_args(const struct ippm_aes_key *k, size_t len)
{
    if (!k || !k->crypto || !k->handle)
        return IPPM_ERR_NO_KEY;
    return len % IPPM_AES_BLOCK == 0 ? IPPM_OK : IPPM_ERR_BAD_ARG;
}

/* see ippm_crypto.h */
enum ippm_err ippm_aes128_ecb(const struct ippm_aes_key *k, bool encrypt,
                              const uint8_t *in, uint8_t *out, size_t len)
{
    enum ippm_err e = aes_args(k, len);
    if (e != IPPM_OK || len == 0)
        return e;
    return k->crypto->aes128_ecb(k->crypto->ctx, k->handle, encrypt, in, out,
                                 len) == IPPM_OK
               ? IPPM_OK
               : IPPM_ERR_CRYPTO;
}

/* see ippm_crypto.h */
enum ippm_err ippm_aes128_cbc(const struct ippm_aes_key *k, bool encrypt,
                              uint8_t iv[IPPM_AES_BLOCK], const uint8_t *in,
                              uint8_t *out, size_t len)
{
    enum ippm_err e = aes_args(k, len);
    if (e != IPPM_OK || len == 0)
        return e;
    return k->crypto->aes128_cbc(k->crypto->ctx, k->handle, encrypt, iv, in,
                                 out, len) == IPPM_OK
               ? IPPM_OK
               : IPPM_ERR_CRYPTO;
}

/* see ippm_crypto.h */
enum ippm_err ippm_pbkdf2(const struct ippm_crypto *crypto, enum ippm_hash hash,
                          const uint8_t *pass, size_t pass_len,
                          const uint8_t *salt, size_t salt_len,
                          uint32_t iterations, uint8_t *out, size_t out_len)
{
    if (!crypto || !crypto->pbkdf2)
        return IPPM_ERR_NO_KEY;
    if (iterations == 0 || out_len == 0)
        return IPPM_ERR_BAD_ARG;
    enum ippm_err e = crypto->pbkdf2(crypto->ctx, hash, pass, pass_len, salt,
                                     salt_len, iterations, out, out_len);
    return e == IPPM_OK || e == IPPM_ERR_BAD_ARG ? e : IPPM_ERR_CRYPTO;
}

/* see ippm_crypto.h */
enum ippm_err ippm_random(const struct ippm_crypto *crypto, uint8_t *out,
                          size_t len)
{
    if (!crypto || !crypto->random)
        return IPPM_ERR_NO_KEY;
    return crypto->random(crypto->ctx, out, len) == IPPM_OK ? IPPM_OK
                                                             : IPPM_ERR_CRYPTO;
}

/* see ippm_crypto.h */
int ippm_ct_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    volatile uint8_t acc = 0;
    for (size_t i = 0; i < len; i++)
        acc |= (uint8_t)(a[i] ^ b[i]);
    return acc == 0;
}
