/* Shared by the OWAMP/TWAMP test-packet fuzz targets: fuzz_common.h's
 * keyed mix for HMAC plus a stand-in for AES-128, and test-session keys
 * made from them.
 *
 * The stand-in block function is a keyed byte permutation with a
 * rotation: invertible, so ECB and CBC round-trip, and every output octet
 * depends on the key and the input, so a wrong span or IV shows. It is
 * not a cipher and must never leave fuzz/. Key contexts come from a
 * small pool taken in turn: a target holds at most a few keys at once. */
#ifndef IPPM_FUZZ_OWTW_CRYPTO_H
#define IPPM_FUZZ_OWTW_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/owtw/owtw_test.h"

#define FUZZ_AES_KEYS 8

struct fuzz_aes_slot {
    uint8_t key[16];
};

static inline enum ippm_err fuzz_aes_key_init(void *ctx, const uint8_t *key,
                                              void **handle)
{
    static struct fuzz_aes_slot pool[FUZZ_AES_KEYS];
    static unsigned next;
    (void)ctx;
    struct fuzz_aes_slot *s = &pool[next++ % FUZZ_AES_KEYS];
    memcpy(s->key, key, 16);
    *handle = s;
    return IPPM_OK;
}

static inline void fuzz_aes_key_free(void *ctx, void *handle)
{
    (void)ctx;
    memset(handle, 0, sizeof(struct fuzz_aes_slot));
}

/* Two rounds of out[i] = in[(i + 1) % 16] ^ key[i] ^ round. */
static inline void fuzz_block(const uint8_t key[16], bool encrypt,
                              const uint8_t in[16], uint8_t out[16])
{
    uint8_t a[16], b[16];
    memcpy(a, in, 16);
    for (int r = 0; r < 2; r++) {
        uint8_t rc = (uint8_t)(encrypt ? r + 1 : 2 - r);
        for (int i = 0; i < 16; i++) {
            if (encrypt)
                b[i] = a[(i + 1) & 15] ^ key[i] ^ rc;
            else
                b[(i + 1) & 15] = a[i] ^ key[i] ^ rc;
        }
        memcpy(a, b, 16);
    }
    memcpy(out, a, 16);
}

static inline enum ippm_err fuzz_aes_ecb(void *ctx, void *handle, bool encrypt,
                                         const uint8_t *in, uint8_t *out,
                                         size_t len)
{
    const struct fuzz_aes_slot *s = handle;
    (void)ctx;
    for (size_t off = 0; off + 16 <= len; off += 16)
        fuzz_block(s->key, encrypt, in + off, out + off);
    return IPPM_OK;
}

static inline enum ippm_err fuzz_aes_cbc(void *ctx, void *handle, bool encrypt,
                                         uint8_t iv[16], const uint8_t *in,
                                         uint8_t *out, size_t len)
{
    const struct fuzz_aes_slot *s = handle;
    (void)ctx;
    for (size_t off = 0; off + 16 <= len; off += 16) {
        uint8_t x[16], c[16];
        if (encrypt) {
            for (int i = 0; i < 16; i++)
                x[i] = in[off + (size_t)i] ^ iv[i];
            fuzz_block(s->key, true, x, out + off);
            memcpy(iv, out + off, 16);
        } else {
            memcpy(c, in + off, 16); /* in may be out */
            fuzz_block(s->key, false, c, x);
            for (int i = 0; i < 16; i++)
                out[off + (size_t)i] = x[i] ^ iv[i];
            memcpy(iv, c, 16);
        }
    }
    return IPPM_OK;
}

static const struct ippm_crypto fuzz_owtw_crypto = {
    FUZZ_CRYPTO_HMAC_MEMBERS,          .aes_key_init = fuzz_aes_key_init,
    .aes_key_free = fuzz_aes_key_free, .aes128_ecb = fuzz_aes_ecb,
    .aes128_cbc = fuzz_aes_cbc,
};

/* Test-session keys of mode on the stand-in crypto, from fixed octets. */
static inline void fuzz_owtw_keys(struct owtw_test_keys *k,
                                  enum owtw_test_mode mode)
{
    static const uint8_t sid[16] = "ippm-fuzz-sid-01";
    static const uint8_t aes[16] = "ippm-fuzz-aes-01";
    static const uint8_t hmac[32] = "ippm-fuzz-hmac-session-key-0001";
    FUZZ_CHECK(owtw_test_keys_init(k, &fuzz_owtw_crypto, mode, sid, aes,
                                   hmac) == IPPM_OK);
}

static const enum owtw_test_mode fuzz_owtw_modes[3] = {
    OWTW_TEST_OPEN, OWTW_TEST_AUTH, OWTW_TEST_ENCRYPTED};

#endif
