/* Shared by the fuzz targets: a deterministic stand-in for the crypto
 * table, and an assertion that survives NDEBUG.
 *
 * Fuzzing needs no real HMAC, only a keyed function that depends on every
 * input octet, so a wrong span or a missed piece changes the result. This
 * one is a 4-lane FNV-1a/xorshift mix; it is not a MAC and must never
 * leave fuzz/. */
#ifndef IPPM_FUZZ_COMMON_H
#define IPPM_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/common/ippm_crypto.h"

/* abort() on failure even in release builds: libFuzzer reports it. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: postcondition failed: %s\n", __FILE__,     \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

static inline uint64_t fuzz_mix(uint64_t h, uint8_t b)
{
    h ^= b;
    h *= 0x100000001b3ull;
    h ^= h >> 29;
    return h;
}

/* The one key context of a fuzz run (a target keys one key at a time):
 * the lanes after the hash and the key, and the message's so far. */
struct fuzz_hmac_state {
    enum ippm_hash hash;
    uint64_t keyed[4];
    uint64_t h[4];
};

static inline enum ippm_err fuzz_fake_key_init(void *ctx, enum ippm_hash hash,
                                               const uint8_t *key,
                                               size_t key_len, void **handle)
{
    static struct fuzz_hmac_state st;
    static const uint64_t seed[4] = {0xcbf29ce484222325ull,
                                     0x9e3779b97f4a7c15ull,
                                     0xbf58476d1ce4e5b9ull,
                                     0x94d049bb133111ebull};
    (void)ctx;
    st.hash = hash;
    for (int l = 0; l < 4; l++) {
        st.keyed[l] = fuzz_mix(seed[l], (uint8_t)hash);
        for (size_t i = 0; i < key_len; i++)
            st.keyed[l] = fuzz_mix(st.keyed[l], key[i]);
    }
    *handle = &st;
    return IPPM_OK;
}

static inline void fuzz_fake_key_free(void *ctx, void *handle)
{
    (void)ctx;
    memset(handle, 0, sizeof(struct fuzz_hmac_state));
}

static inline enum ippm_err fuzz_fake_hmac_init(void *ctx, void *handle)
{
    struct fuzz_hmac_state *st = handle;
    (void)ctx;
    memcpy(st->h, st->keyed, sizeof st->h);
    return IPPM_OK;
}

static inline enum ippm_err fuzz_fake_hmac_update(void *ctx, void *handle,
                                                  const uint8_t *p, size_t len)
{
    struct fuzz_hmac_state *st = handle;
    (void)ctx;
    for (int l = 0; l < 4; l++)
        for (size_t i = 0; i < len; i++)
            st->h[l] = fuzz_mix(st->h[l], (uint8_t)(p[i] + l));
    return IPPM_OK;
}

static inline enum ippm_err fuzz_fake_hmac_final(void *ctx, void *handle,
                                                 uint8_t out[IPPM_HASH_MAX_LEN])
{
    struct fuzz_hmac_state *st = handle;
    size_t out_len = st->hash == IPPM_HASH_SHA1 ? 20 : 32;
    (void)ctx;
    memset(out, 0, IPPM_HASH_MAX_LEN);
    for (size_t i = 0; i < out_len; i++)
        out[i] = (uint8_t)(st->h[i % 4] >> (8 * (i / 4)));
    return IPPM_OK;
}

static inline enum ippm_err fuzz_fake_random(void *ctx, uint8_t *out,
                                             size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        out[i] = (uint8_t)(i * 131u + 7u);
    return IPPM_OK;
}

/* The members of fuzz_crypto, for a target's table that adds more
 * (fuzz_owtw_crypto.h adds AES). */
#define FUZZ_CRYPTO_HMAC_MEMBERS                                               \
    .ctx = NULL, .hmac_key_init = fuzz_fake_key_init,                          \
    .hmac_key_free = fuzz_fake_key_free, .hmac_init = fuzz_fake_hmac_init,     \
    .hmac_update = fuzz_fake_hmac_update, .hmac_final = fuzz_fake_hmac_final,  \
    .random = fuzz_fake_random

static const struct ippm_crypto fuzz_crypto = {FUZZ_CRYPTO_HMAC_MEMBERS};

static const uint8_t fuzz_key_octets[16] = "ippm-fuzz-key-01";

/* The fuzz key, keyed for HMAC-SHA-256 on fuzz_crypto. */
static inline struct ippm_hmac_key fuzz_key(void)
{
    struct ippm_hmac_key k;
    FUZZ_CHECK(ippm_hmac_key_init(&k, &fuzz_crypto, IPPM_HASH_SHA256,
                                  fuzz_key_octets,
                                  sizeof fuzz_key_octets) == IPPM_OK);
    return k;
}

/* True when every octet of p[0..n) is v. */
static inline int fuzz_all(const void *p, uint8_t v, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != v)
            return 0;
    return 1;
}

/* A copy of data[0..n) on the heap, sized exactly, so ASan sees any read
 * past the end (libFuzzer's own buffer is exact too, but copies we make
 * for re-encoding must be as strict). */
static inline uint8_t *fuzz_dup(const uint8_t *data, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    if (p == NULL)
        abort();
    if (n)
        memcpy(p, data, n);
    return p;
}

#endif
