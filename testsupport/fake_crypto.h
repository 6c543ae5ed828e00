/* Test support: the one test crypto. A struct ippm_crypto whose HMAC key
 * contexts buffer the message and answer with OpenSSL's one-shot HMAC()
 * (a path independent of impl/core/crypto_openssl.c's streaming
 * EVP_MAC), with a call counter and an injectable failure; plus a
 * one-shot reference HMAC-SHA-256 to check proto's output against. Test
 * code only: the proto library itself links no crypto (STYLE.md).
 *
 * The fake allocates nothing: key contexts live in a pool of
 * FAKE_CRYPTO_KEYS slots in the fake's ctx, taken in turn, so the most
 * recent FAKE_CRYPTO_KEYS keys made through one ctx are valid together. */
#ifndef IPPM_FAKE_CRYPTO_H
#define IPPM_FAKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "proto/common/ippm_crypto.h"

#define FAKE_CRYPTO_KEYS 16
#define FAKE_CRYPTO_KEY_MAX 1024
#define FAKE_CRYPTO_MSG_MAX 9216

struct fake_crypto_slot {
    enum ippm_hash hash;
    size_t key_len, msg_len;
    uint8_t key[FAKE_CRYPTO_KEY_MAX];
    uint8_t msg[FAKE_CRYPTO_MSG_MAX]; /* the message so far */
};

struct fake_crypto_ctx {
    unsigned calls;          /* HMAC messages started (hmac_init calls) */
    bool fail;               /* make hmac_init return IPPM_ERR_CRYPTO */
    enum ippm_hash last_hash;
    size_t last_msg_len;     /* octets covered by the last finished HMAC */
    unsigned next_slot;      /* kept by fake_crypto_make */
    struct fake_crypto_slot slot[FAKE_CRYPTO_KEYS];
};

static inline enum ippm_err fake_crypto_key_init(void *vctx,
                                                 enum ippm_hash hash,
                                                 const uint8_t *key,
                                                 size_t len, void **handle)
{
    struct fake_crypto_ctx *c = vctx;
    if (len > FAKE_CRYPTO_KEY_MAX)
        return IPPM_ERR_CRYPTO;
    struct fake_crypto_slot *s = &c->slot[c->next_slot++ % FAKE_CRYPTO_KEYS];
    s->hash = hash;
    s->key_len = len;
    if (len)
        memcpy(s->key, key, len);
    s->msg_len = 0;
    *handle = s;
    return IPPM_OK;
}

static inline void fake_crypto_key_free(void *vctx, void *handle)
{
    (void)vctx;
    struct fake_crypto_slot *s = handle;
    memset(s->key, 0, sizeof s->key);
    s->key_len = 0;
}

static inline enum ippm_err fake_crypto_hmac_init(void *vctx, void *handle)
{
    struct fake_crypto_ctx *c = vctx;
    struct fake_crypto_slot *s = handle;
    c->calls++;
    c->last_hash = s->hash;
    s->msg_len = 0;
    return c->fail ? IPPM_ERR_CRYPTO : IPPM_OK;
}

static inline enum ippm_err fake_crypto_hmac_update(void *vctx, void *handle,
                                                    const uint8_t *p,
                                                    size_t len)
{
    (void)vctx;
    struct fake_crypto_slot *s = handle;
    if (len > FAKE_CRYPTO_MSG_MAX - s->msg_len)
        return IPPM_ERR_CRYPTO;
    memcpy(s->msg + s->msg_len, p, len);
    s->msg_len += len;
    return IPPM_OK;
}

static inline enum ippm_err fake_crypto_hmac_final(void *vctx, void *handle,
                                                   uint8_t out[IPPM_HASH_MAX_LEN])
{
    struct fake_crypto_ctx *c = vctx;
    struct fake_crypto_slot *s = handle;
    static const uint8_t empty = 0; /* OpenSSL wants a non-NULL key */
    unsigned int out_len = 0;
    const EVP_MD *md = s->hash == IPPM_HASH_SHA1 ? EVP_sha1() : EVP_sha256();
    c->last_msg_len = s->msg_len;
    if (!HMAC(md, s->key_len ? s->key : &empty, (int)s->key_len, s->msg,
              s->msg_len, out, &out_len))
        return IPPM_ERR_CRYPTO;
    return IPPM_OK;
}

/* A table with only HMAC filled in: STAMP needs nothing else. Resets the
 * counters and the failure; keys made before stay valid. */
static inline struct ippm_crypto fake_crypto_make(struct fake_crypto_ctx *c)
{
    struct ippm_crypto t;
    memset(&t, 0, sizeof t);
    c->calls = 0;
    c->fail = false;
    c->last_hash = IPPM_HASH_SHA1;
    c->last_msg_len = 0;
    t.ctx = c;
    t.hmac_key_init = fake_crypto_key_init;
    t.hmac_key_free = fake_crypto_key_free;
    t.hmac_init = fake_crypto_hmac_init;
    t.hmac_update = fake_crypto_hmac_update;
    t.hmac_final = fake_crypto_hmac_final;
    return t;
}

/* An HMAC-SHA-256 key context on table t; zeroed (no key) when key is
 * NULL or t cannot key it. */
static inline struct ippm_hmac_key fake_crypto_key(const struct ippm_crypto *t,
                                                   const uint8_t *key,
                                                   size_t len)
{
    struct ippm_hmac_key k;
    memset(&k, 0, sizeof k);
    if (key && ippm_hmac_key_init(&k, t, IPPM_HASH_SHA256, key, len) != IPPM_OK)
        memset(&k, 0, sizeof k);
    return k;
}

/* One fixed key for a whole test file (the conformance fixtures): the
 * table and the keyed context, made on first use. */
struct fake_crypto_fixture {
    struct fake_crypto_ctx ctx;
    struct ippm_crypto table;
    struct ippm_hmac_key key;
};

static inline const struct ippm_hmac_key *
fake_crypto_fixture_key(struct fake_crypto_fixture *f, const uint8_t *key,
                        size_t len)
{
    if (!ippm_hmac_key_ready(&f->key)) {
        f->table = fake_crypto_make(&f->ctx);
        f->key = fake_crypto_key(&f->table, key, len);
    }
    return &f->key;
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
