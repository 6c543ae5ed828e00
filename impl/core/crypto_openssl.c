#include "crypto_openssl.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Algorithm handles fetched once per table: EVP_MAC_fetch and
 * EVP_CIPHER_fetch by name cost more than an HMAC of a packet. Read-only
 * after init, and no key here: keys live in the callers' key contexts. */
struct ossl_ctx {
    EVP_MAC *mac;
    EVP_CIPHER *ecb;
    EVP_CIPHER *cbc;
};

static const char *digest_name(enum ippm_hash hash)
{
    return hash == IPPM_HASH_SHA1 ? "SHA1" : "SHA256";
}

/* ---- HMAC key contexts: one keyed EVP_MAC_CTX per key ---- */

static enum ippm_err ossl_hmac_key_init(void *vctx, enum ippm_hash hash,
                                        const uint8_t *key, size_t len,
                                        void **handle)
{
    struct ossl_ctx *x = vctx;
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(
        OSSL_MAC_PARAM_DIGEST, (char *)digest_name(hash), 0);
    params[1] = OSSL_PARAM_construct_end();
    /* OpenSSL refuses a NULL key even when it is empty. */
    static const uint8_t empty[1];
    EVP_MAC_CTX *m = EVP_MAC_CTX_new(x->mac);
    *handle = NULL;
    if (!m)
        return IPPM_ERR_CRYPTO;
    /* Keying derives the inner and outer pads once; every message after
     * restarts from them (EVP_MAC_init with a NULL key). */
    if (!EVP_MAC_init(m, len ? key : empty, len, params)) {
        EVP_MAC_CTX_free(m);
        return IPPM_ERR_CRYPTO;
    }
    *handle = m;
    return IPPM_OK;
}

static void ossl_hmac_key_free(void *vctx, void *handle)
{
    (void)vctx;
    EVP_MAC_CTX_free(handle); /* frees and cleanses the pads */
}

static enum ippm_err ossl_hmac_init(void *vctx, void *handle)
{
    (void)vctx;
    return EVP_MAC_init(handle, NULL, 0, NULL) ? IPPM_OK : IPPM_ERR_CRYPTO;
}

static enum ippm_err ossl_hmac_update(void *vctx, void *handle,
                                      const uint8_t *p, size_t len)
{
    (void)vctx;
    return EVP_MAC_update(handle, p, len) ? IPPM_OK : IPPM_ERR_CRYPTO;
}

static enum ippm_err ossl_hmac_final(void *vctx, void *handle,
                                     uint8_t out[IPPM_HASH_MAX_LEN])
{
    (void)vctx;
    size_t outl = 0;
    return EVP_MAC_final(handle, out, &outl, IPPM_HASH_MAX_LEN)
               ? IPPM_OK
               : IPPM_ERR_CRYPTO;
}

/* ---- AES-128 key contexts: the key schedule set once per direction ---- */

enum { AES_ECB_ENC, AES_ECB_DEC, AES_CBC_ENC, AES_CBC_DEC, AES_N_ };

struct ossl_aes_key {
    EVP_CIPHER_CTX *c[AES_N_];
};

static void ossl_aes_key_free(void *vctx, void *handle)
{
    (void)vctx;
    struct ossl_aes_key *k = handle;
    if (!k)
        return;
    for (int i = 0; i < AES_N_; i++)
        EVP_CIPHER_CTX_free(k->c[i]); /* cleanses the key schedule */
    free(k);
}

static enum ippm_err ossl_aes_key_init(void *vctx, const uint8_t key[16],
                                       void **handle)
{
    struct ossl_ctx *x = vctx;
    struct ossl_aes_key *k = calloc(1, sizeof(*k));
    *handle = NULL;
    if (!k)
        return IPPM_ERR_CRYPTO;
    for (int i = 0; i < AES_N_; i++) {
        const EVP_CIPHER *ciph = i < AES_CBC_ENC ? x->ecb : x->cbc;
        int enc = i == AES_ECB_ENC || i == AES_CBC_ENC;
        static const uint8_t zero_iv[16];
        k->c[i] = EVP_CIPHER_CTX_new();
        if (!k->c[i] ||
            !EVP_CipherInit_ex2(k->c[i], ciph, key,
                                ciph == x->cbc ? zero_iv : NULL, enc, NULL) ||
            !EVP_CIPHER_CTX_set_padding(k->c[i], 0)) {
            ossl_aes_key_free(vctx, k);
            return IPPM_ERR_CRYPTO;
        }
    }
    *handle = k;
    return IPPM_OK;
}

/* One update over whole blocks with padding off: every octet comes out,
 * nothing is held back for a final call. in and out may be the same. */
static enum ippm_err cipher_blocks(EVP_CIPHER_CTX *c, const uint8_t *in,
                                   uint8_t *out, size_t len)
{
    int outl = 0;
    if (len % 16 != 0 || len > INT32_MAX)
        return IPPM_ERR_BAD_ARG;
    if (!EVP_CipherUpdate(c, out, &outl, in, (int)len))
        return IPPM_ERR_CRYPTO;
    return (size_t)outl == len ? IPPM_OK : IPPM_ERR_CRYPTO;
}

static enum ippm_err ossl_ecb(void *vctx, void *handle, bool encrypt,
                              const uint8_t *in, uint8_t *out, size_t len)
{
    (void)vctx;
    struct ossl_aes_key *k = handle;
    return cipher_blocks(k->c[encrypt ? AES_ECB_ENC : AES_ECB_DEC], in, out,
                         len);
}

static enum ippm_err ossl_cbc(void *vctx, void *handle, bool encrypt,
                              uint8_t iv[16], const uint8_t *in, uint8_t *out,
                              size_t len)
{
    (void)vctx;
    struct ossl_aes_key *k = handle;
    EVP_CIPHER_CTX *c = k->c[encrypt ? AES_CBC_ENC : AES_CBC_DEC];
    if (len == 0)
        return IPPM_OK;
    if (len % 16 != 0)
        return IPPM_ERR_BAD_ARG;
    /* The next IV is the last ciphertext block: the input's when
     * decrypting, saved first because in and out may alias. */
    uint8_t next_iv[16] = {0};
    if (!encrypt)
        memcpy(next_iv, in + len - 16, 16);
    /* The caller's IV, the key schedule kept (NULL cipher and key). */
    if (!EVP_CipherInit_ex2(c, NULL, NULL, iv, -1, NULL))
        return IPPM_ERR_CRYPTO;
    enum ippm_err e = cipher_blocks(c, in, out, len);
    if (e != IPPM_OK)
        return e;
    if (encrypt)
        memcpy(next_iv, out + len - 16, 16);
    memcpy(iv, next_iv, 16);
    return IPPM_OK;
}

static enum ippm_err ossl_pbkdf2(void *vctx, enum ippm_hash hash,
                                 const uint8_t *pass, size_t pass_len,
                                 const uint8_t *salt, size_t salt_len,
                                 uint32_t iterations, uint8_t *out,
                                 size_t out_len)
{
    (void)vctx;
    const EVP_MD *md = hash == IPPM_HASH_SHA1 ? EVP_sha1() : EVP_sha256();
    if (pass_len > INT32_MAX || salt_len > INT32_MAX || out_len > INT32_MAX ||
        iterations == 0 || iterations > INT32_MAX)
        return IPPM_ERR_BAD_ARG;
    if (!PKCS5_PBKDF2_HMAC((const char *)pass, (int)pass_len, salt,
                           (int)salt_len, (int)iterations, md, (int)out_len,
                           out))
        return IPPM_ERR_CRYPTO;
    return IPPM_OK;
}

static enum ippm_err ossl_random(void *vctx, uint8_t *out, size_t len)
{
    (void)vctx;
    if (len > INT32_MAX)
        return IPPM_ERR_BAD_ARG;
    return RAND_bytes(out, (int)len) == 1 ? IPPM_OK : IPPM_ERR_CRYPTO;
}

/* see crypto_openssl.h */
int ippm_crypto_openssl_init(struct ippm_crypto *c)
{
    memset(c, 0, sizeof(*c));
    struct ossl_ctx *x = calloc(1, sizeof(*x));
    if (!x)
        return -1;
    c->ctx = x;
    x->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    x->ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
    x->cbc = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
    if (!x->mac || !x->ecb || !x->cbc)
        return -1;
    c->hmac_key_init = ossl_hmac_key_init;
    c->hmac_key_free = ossl_hmac_key_free;
    c->hmac_init = ossl_hmac_init;
    c->hmac_update = ossl_hmac_update;
    c->hmac_final = ossl_hmac_final;
    c->aes_key_init = ossl_aes_key_init;
    c->aes_key_free = ossl_aes_key_free;
    c->aes128_ecb = ossl_ecb;
    c->aes128_cbc = ossl_cbc;
    c->pbkdf2 = ossl_pbkdf2;
    c->random = ossl_random;
    return 0;
}

/* see crypto_openssl.h */
void ippm_crypto_openssl_free(struct ippm_crypto *c)
{
    struct ossl_ctx *x = c->ctx;
    if (x) {
        EVP_MAC_free(x->mac);
        EVP_CIPHER_free(x->ecb);
        EVP_CIPHER_free(x->cbc);
        free(x);
    }
    memset(c, 0, sizeof(*c));
}
