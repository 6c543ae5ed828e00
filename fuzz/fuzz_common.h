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

static inline enum ippm_err fuzz_fake_hmac(void *ctx, enum ippm_hash hash,
                                           const uint8_t *key, size_t key_len,
                                           const struct ippm_iov *iov,
                                           size_t n_iov,
                                           uint8_t out[IPPM_HASH_MAX_LEN])
{
    uint64_t h[4] = {0xcbf29ce484222325ull, 0x9e3779b97f4a7c15ull,
                     0xbf58476d1ce4e5b9ull, 0x94d049bb133111ebull};
    size_t out_len = hash == IPPM_HASH_SHA1 ? 20 : 32;

    (void)ctx;
    for (int l = 0; l < 4; l++) {
        h[l] = fuzz_mix(h[l], (uint8_t)hash);
        for (size_t i = 0; i < key_len; i++)
            h[l] = fuzz_mix(h[l], key[i]);
        for (size_t v = 0; v < n_iov; v++)
            for (size_t i = 0; i < iov[v].len; i++)
                h[l] = fuzz_mix(h[l], (uint8_t)(iov[v].p[i] + l));
    }
    memset(out, 0, IPPM_HASH_MAX_LEN);
    for (size_t i = 0; i < out_len; i++)
        out[i] = (uint8_t)(h[i % 4] >> (8 * (i / 4)));
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

static const struct ippm_crypto fuzz_crypto = {
    .ctx = NULL,
    .hmac = fuzz_fake_hmac,
    .aes128_ecb = NULL,
    .aes128_cbc = NULL,
    .pbkdf2 = NULL,
    .random = fuzz_fake_random,
};

static const uint8_t fuzz_key_octets[16] = "ippm-fuzz-key-01";

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
