/* Test support: a struct ippm_crypto whose HMAC is OpenSSL's, with a call
 * counter and an injectable failure, plus an independent one-shot
 * reference HMAC-SHA-256 to check proto's output against. Test code only:
 * the proto library itself links no crypto (STYLE.md). */
#ifndef IPPM_FAKE_CRYPTO_H
#define IPPM_FAKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "proto/common/ippm_crypto.h"

struct fake_crypto_ctx {
    unsigned calls;          /* hmac calls made */
    bool fail;               /* make hmac return IPPM_ERR_CRYPTO */
    enum ippm_hash last_hash;
    size_t last_msg_len;     /* octets covered by the last hmac call */
};

/* HMAC through the streaming EVP_MAC API, one update per piece. */
static inline enum ippm_err fake_crypto_hmac(void *vctx, enum ippm_hash hash,
                                             const uint8_t *key,
                                             size_t key_len,
                                             const struct ippm_iov *iov,
                                             size_t n_iov,
                                             uint8_t out[IPPM_HASH_MAX_LEN])
{
    struct fake_crypto_ctx *c = vctx;
    enum ippm_err rc = IPPM_ERR_CRYPTO;
    char md[16];
    EVP_MAC *mac = NULL;
    EVP_MAC_CTX *mctx = NULL;
    size_t out_len = 0;
    /* A zero-length key is still a key; OpenSSL wants a non-NULL pointer. */
    static const uint8_t empty = 0;

    c->calls++;
    c->last_hash = hash;
    c->last_msg_len = 0;
    for (size_t i = 0; i < n_iov; i++)
        c->last_msg_len += iov[i].len;
    if (c->fail)
        return IPPM_ERR_CRYPTO;
    strcpy(md, hash == IPPM_HASH_SHA1 ? "SHA1" : "SHA256");
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, md, 0),
        OSSL_PARAM_construct_end(),
    };
    mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!mac)
        goto out;
    mctx = EVP_MAC_CTX_new(mac);
    if (!mctx || !EVP_MAC_init(mctx, key_len ? key : &empty, key_len, params))
        goto out;
    for (size_t i = 0; i < n_iov; i++)
        if (iov[i].len && !EVP_MAC_update(mctx, iov[i].p, iov[i].len))
            goto out;
    if (!EVP_MAC_final(mctx, out, &out_len, IPPM_HASH_MAX_LEN))
        goto out;
    rc = IPPM_OK;
out:
    EVP_MAC_CTX_free(mctx);
    EVP_MAC_free(mac);
    return rc;
}

/* A table with only HMAC filled in: STAMP needs nothing else. */
static inline struct ippm_crypto fake_crypto_make(struct fake_crypto_ctx *c)
{
    struct ippm_crypto t;
    memset(&t, 0, sizeof t);
    memset(c, 0, sizeof *c);
    t.ctx = c;
    t.hmac = fake_crypto_hmac;
    return t;
}

/* Reference: full HMAC-SHA-256 of one buffer, by the one-shot API. */
static inline void ref_hmac_sha256(const uint8_t *key, size_t key_len,
                                   const uint8_t *msg, size_t len,
                                   uint8_t out[32])
{
    unsigned int out_len = 0;
    static const uint8_t empty = 0;
    HMAC(EVP_sha256(), key_len ? key : &empty, (int)key_len, msg, len, out,
         &out_len);
}

#endif
