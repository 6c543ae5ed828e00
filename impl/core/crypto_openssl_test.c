/* Known-answer tests for crypto_openssl.c through proto's key contexts:
 * RFC 2202 HMAC-SHA-1, RFC 4231 HMAC-SHA-256 (whole and split into
 * updates at every boundary), FIPS-197 C.1 and SP 800-38A F.1.1 AES-128
 * ECB, SP 800-38A F.2.1/F.2.2 AES-128-CBC with the IV chained across
 * calls, RFC 6070 PBKDF2-HMAC-SHA1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto_openssl.h"

/* Decodes hex into out; returns the octet count. */
static size_t hex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s) / 2;
    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

static int setup(void **state)
{
    static struct ippm_crypto c;
    if (ippm_crypto_openssl_init(&c) != 0)
        return -1;
    *state = &c;
    return 0;
}

static int teardown(void **state)
{
    ippm_crypto_openssl_free(*state);
    return 0;
}

/* ---- HMAC: RFC 2202 §3 (SHA-1) and RFC 4231 §4 (SHA-256) ---- */

struct hmac_kat {
    const char *name;
    enum ippm_hash hash;
    uint8_t key_octet; /* the key is key_len copies of it, */
    size_t key_len;
    const char *key;   /* or these octets when not NULL */
    uint8_t msg_octet; /* the message likewise */
    size_t msg_len;
    const char *msg;
    const char *mac;   /* hex, full length */
};

static const char big_key_msg[] =
    "Test Using Larger Than Block-Size Key - Hash Key First";

static const struct hmac_kat hmac_kats[] = {
    {"RFC 2202 case 1", IPPM_HASH_SHA1, 0x0b, 20, NULL, 0, 0, "Hi There",
     "b617318655057264e28bc0b6fb378c8ef146be00"},
    {"RFC 2202 case 2", IPPM_HASH_SHA1, 0, 0, "Jefe", 0, 0,
     "what do ya want for nothing?",
     "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
    {"RFC 2202 case 3", IPPM_HASH_SHA1, 0xaa, 20, NULL, 0xdd, 50, NULL,
     "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
    {"RFC 2202 case 6", IPPM_HASH_SHA1, 0xaa, 80, NULL, 0, 0, big_key_msg,
     "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
    {"RFC 4231 case 1", IPPM_HASH_SHA256, 0x0b, 20, NULL, 0, 0, "Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
    {"RFC 4231 case 2", IPPM_HASH_SHA256, 0, 0, "Jefe", 0, 0,
     "what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    {"RFC 4231 case 3", IPPM_HASH_SHA256, 0xaa, 20, NULL, 0xdd, 50, NULL,
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
    {"RFC 4231 case 6", IPPM_HASH_SHA256, 0xaa, 131, NULL, 0, 0, big_key_msg,
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
};

struct hmac_vec {
    uint8_t key[160], msg[80], mac[IPPM_HASH_MAX_LEN];
    size_t key_len, msg_len, mac_len;
};

static void hmac_vec_load(const struct hmac_kat *t, struct hmac_vec *v)
{
    v->key_len = t->key ? strlen(t->key) : t->key_len;
    if (t->key)
        memcpy(v->key, t->key, v->key_len);
    else
        memset(v->key, t->key_octet, v->key_len);
    v->msg_len = t->msg ? strlen(t->msg) : t->msg_len;
    if (t->msg)
        memcpy(v->msg, t->msg, v->msg_len);
    else
        memset(v->msg, t->msg_octet, v->msg_len);
    v->mac_len = hex(t->mac, v->mac, sizeof v->mac);
    assert_int_equal(v->mac_len, ippm_hash_len(t->hash));
}

static void test_hmac_kats_one_shot(void **state)
{
    const struct ippm_crypto *c = *state;
    for (size_t i = 0; i < sizeof hmac_kats / sizeof hmac_kats[0]; i++) {
        const struct hmac_kat *t = &hmac_kats[i];
        struct hmac_vec v;
        struct ippm_hmac_key k;
        uint8_t out[IPPM_HASH_MAX_LEN];
        hmac_vec_load(t, &v);
        print_message("%s\n", t->name);
        assert_int_equal(ippm_hmac_key_init(&k, c, t->hash, v.key, v.key_len),
                         IPPM_OK);
        struct ippm_iov iov = {v.msg, v.msg_len};
        assert_int_equal(ippm_hmac_iov(&k, &iov, 1, out), IPPM_OK);
        assert_memory_equal(out, v.mac, v.mac_len);
        ippm_hmac_key_free(&k);
    }
}

/* Every split of the message into two updates, then odd-sized pieces
 * (1, 3, 5, 7 ... octets), each equal to the one-shot answer. One key
 * context serves every message: the pads are restored each time. */
static void test_hmac_kats_split_at_every_boundary(void **state)
{
    const struct ippm_crypto *c = *state;
    for (size_t i = 0; i < sizeof hmac_kats / sizeof hmac_kats[0]; i++) {
        const struct hmac_kat *t = &hmac_kats[i];
        struct hmac_vec v;
        struct ippm_hmac_key k;
        uint8_t out[IPPM_HASH_MAX_LEN];
        hmac_vec_load(t, &v);
        assert_int_equal(ippm_hmac_key_init(&k, c, t->hash, v.key, v.key_len),
                         IPPM_OK);
        for (size_t cut = 0; cut <= v.msg_len; cut++) {
            assert_int_equal(ippm_hmac_init(&k), IPPM_OK);
            assert_int_equal(ippm_hmac_update(&k, v.msg, cut), IPPM_OK);
            assert_int_equal(ippm_hmac_update(&k, v.msg + cut, v.msg_len - cut),
                             IPPM_OK);
            assert_int_equal(ippm_hmac_final(&k, out), IPPM_OK);
            assert_memory_equal(out, v.mac, v.mac_len);
        }
        assert_int_equal(ippm_hmac_init(&k), IPPM_OK);
        for (size_t at = 0, step = 1; at < v.msg_len; at += step, step += 2) {
            size_t n = step < v.msg_len - at ? step : v.msg_len - at;
            assert_int_equal(ippm_hmac_update(&k, v.msg + at, n), IPPM_OK);
        }
        assert_int_equal(ippm_hmac_final(&k, out), IPPM_OK);
        assert_memory_equal(out, v.mac, v.mac_len);
        ippm_hmac_key_free(&k);
    }
}

/* Two keys of one table, their messages interleaved: each key context
 * keeps its own state, the table keeps none. A message abandoned before
 * final leaves nothing behind. */
static void test_hmac_key_contexts_are_independent(void **state)
{
    const struct ippm_crypto *c = *state;
    struct hmac_vec v1, v2;
    struct ippm_hmac_key k1, k2;
    uint8_t o1[IPPM_HASH_MAX_LEN], o2[IPPM_HASH_MAX_LEN];
    hmac_vec_load(&hmac_kats[1], &v1); /* SHA-1, "Jefe" */
    hmac_vec_load(&hmac_kats[7], &v2); /* SHA-256, 131-octet key */
    assert_int_equal(ippm_hmac_key_init(&k1, c, IPPM_HASH_SHA1, v1.key,
                                        v1.key_len),
                     IPPM_OK);
    assert_int_equal(ippm_hmac_key_init(&k2, c, IPPM_HASH_SHA256, v2.key,
                                        v2.key_len),
                     IPPM_OK);
    assert_int_equal(ippm_hmac_init(&k1), IPPM_OK);
    assert_int_equal(ippm_hmac_update(&k1, (const uint8_t *)"junk", 4),
                     IPPM_OK);
    assert_int_equal(ippm_hmac_init(&k1), IPPM_OK); /* abandons "junk" */
    assert_int_equal(ippm_hmac_init(&k2), IPPM_OK);
    assert_int_equal(ippm_hmac_update(&k1, v1.msg, 5), IPPM_OK);
    assert_int_equal(ippm_hmac_update(&k2, v2.msg, 9), IPPM_OK);
    assert_int_equal(ippm_hmac_update(&k1, v1.msg + 5, v1.msg_len - 5),
                     IPPM_OK);
    assert_int_equal(ippm_hmac_update(&k2, v2.msg + 9, v2.msg_len - 9),
                     IPPM_OK);
    assert_int_equal(ippm_hmac_final(&k2, o2), IPPM_OK);
    assert_int_equal(ippm_hmac_final(&k1, o1), IPPM_OK);
    assert_memory_equal(o1, v1.mac, v1.mac_len);
    assert_memory_equal(o2, v2.mac, v2.mac_len);
    ippm_hmac_key_free(&k1);
    ippm_hmac_key_free(&k2);
}

static void test_hmac_unkeyed_context_refuses(void **state)
{
    const struct ippm_crypto *c = *state;
    struct ippm_hmac_key k;
    uint8_t out[IPPM_HASH_MAX_LEN];
    memset(&k, 0, sizeof k);
    assert_false(ippm_hmac_key_ready(&k));
    assert_int_equal(ippm_hmac_init(&k), IPPM_ERR_NO_KEY);
    assert_int_equal(ippm_hmac_iov(&k, NULL, 0, out), IPPM_ERR_NO_KEY);
    assert_int_equal(ippm_hmac_key_init(&k, NULL, IPPM_HASH_SHA256,
                                        (const uint8_t *)"k", 1),
                     IPPM_ERR_NO_KEY);
    /* An empty key is a key (RFC 2104 pads it with zeros). */
    assert_int_equal(ippm_hmac_key_init(&k, c, IPPM_HASH_SHA256, NULL, 0),
                     IPPM_OK);
    assert_true(ippm_hmac_key_ready(&k));
    ippm_hmac_key_free(&k);
    assert_false(ippm_hmac_key_ready(&k));
    ippm_hmac_key_free(&k); /* twice is harmless */
}

/* ---- AES-128 ---- */

/* FIPS-197 Appendix C.1, both directions. */
static void test_aes128_ecb_fips197_c1(void **state)
{
    const struct ippm_crypto *c = *state;
    uint8_t key[16], pt[16], ct[16], out[16];
    struct ippm_aes_key k;
    hex("000102030405060708090a0b0c0d0e0f", key, 16);
    hex("00112233445566778899aabbccddeeff", pt, 16);
    hex("69c4e0d86a7b0430d8cdb78070b4c55a", ct, 16);
    assert_int_equal(ippm_aes_key_init(&k, c, key), IPPM_OK);
    assert_int_equal(ippm_aes128_ecb(&k, true, pt, out, 16), IPPM_OK);
    assert_memory_equal(out, ct, 16);
    assert_int_equal(ippm_aes128_ecb(&k, false, ct, out, 16), IPPM_OK);
    assert_memory_equal(out, pt, 16);
    ippm_aes_key_free(&k);
}

/* SP 800-38A F.1.1 / F.2.1: key, plaintext, ECB and CBC ciphertexts. */
static const char sp_key[] = "2b7e151628aed2a6abf7158809cf4f3c";
static const char sp_iv[] = "000102030405060708090a0b0c0d0e0f";
static const char sp_pt[] = "6bc1bee22e409f96e93d7e117393172a"
                            "ae2d8a571e03ac9c9eb76fac45af8e51"
                            "30c81c46a35ce411e5fbc1191a0a52ef"
                            "f69f2445df4f9b17ad2b417be66c3710";
static const char sp_ecb[] = "3ad77bb40d7a3660a89ecaf32466ef97"
                             "f5d3d58503b9699de785895a96fdbaaf"
                             "43b1cd7f598ece23881b00e3ed030688"
                             "7b0c785e27e8ad3f8223207104725dd4";
static const char sp_cbc[] = "7649abac8119b246cee98e9b12e9197d"
                             "5086cb9b507219ee95db113a917678b2"
                             "73bed6b8e3c1743b7116e69e22229516"
                             "3ff1caa1681fac09120eca307586e1a7";

static void test_aes128_ecb_sp800_38a_f11_in_place(void **state)
{
    const struct ippm_crypto *c = *state;
    uint8_t key[16], pt[64], ct[64], buf[64];
    struct ippm_aes_key k;
    hex(sp_key, key, 16);
    hex(sp_pt, pt, 64);
    hex(sp_ecb, ct, 64);
    assert_int_equal(ippm_aes_key_init(&k, c, key), IPPM_OK);
    memcpy(buf, pt, 64);
    assert_int_equal(ippm_aes128_ecb(&k, true, buf, buf, 64), IPPM_OK);
    assert_memory_equal(buf, ct, 64);
    assert_int_equal(ippm_aes128_ecb(&k, false, buf, buf, 64), IPPM_OK);
    assert_memory_equal(buf, pt, 64);
    ippm_aes_key_free(&k);
}

/* F.2.1 (encrypt) and F.2.2 (decrypt): the four blocks in one call, then
 * in calls of one and three blocks with the IV carried between them by
 * the caller, as OWAMP-Control streams its messages (RFC 4656 §3.4). */
static void test_aes128_cbc_sp800_38a_f21_f22_iv_chained(void **state)
{
    const struct ippm_crypto *c = *state;
    uint8_t key[16], iv0[16], iv[16], pt[64], ct[64], out[64];
    struct ippm_aes_key k;
    hex(sp_key, key, 16);
    hex(sp_iv, iv0, 16);
    hex(sp_pt, pt, 64);
    hex(sp_cbc, ct, 64);
    assert_int_equal(ippm_aes_key_init(&k, c, key), IPPM_OK);

    memcpy(iv, iv0, 16);
    assert_int_equal(ippm_aes128_cbc(&k, true, iv, pt, out, 64), IPPM_OK);
    assert_memory_equal(out, ct, 64);
    assert_memory_equal(iv, ct + 48, 16);

    memset(out, 0, sizeof out);
    memcpy(iv, iv0, 16);
    assert_int_equal(ippm_aes128_cbc(&k, true, iv, pt, out, 16), IPPM_OK);
    assert_memory_equal(iv, ct, 16);
    assert_int_equal(ippm_aes128_cbc(&k, true, iv, pt + 16, out + 16, 48),
                     IPPM_OK);
    assert_memory_equal(out, ct, 64);

    memcpy(iv, iv0, 16);
    assert_int_equal(ippm_aes128_cbc(&k, false, iv, ct, out, 64), IPPM_OK);
    assert_memory_equal(out, pt, 64);

    /* Decrypt in place, three blocks then one. */
    memcpy(out, ct, 64);
    memcpy(iv, iv0, 16);
    assert_int_equal(ippm_aes128_cbc(&k, false, iv, out, out, 48), IPPM_OK);
    assert_memory_equal(iv, ct + 32, 16);
    assert_int_equal(ippm_aes128_cbc(&k, false, iv, out + 48, out + 48, 16),
                     IPPM_OK);
    assert_memory_equal(out, pt, 64);
    assert_memory_equal(iv, ct + 48, 16);
    ippm_aes_key_free(&k);
}

static void test_aes128_rejects_partial_block_and_no_key(void **state)
{
    const struct ippm_crypto *c = *state;
    uint8_t key[16] = {0}, iv[16] = {0}, buf[20] = {0};
    struct ippm_aes_key k;
    memset(&k, 0, sizeof k);
    assert_int_equal(ippm_aes128_ecb(&k, true, buf, buf, 16),
                     IPPM_ERR_NO_KEY);
    assert_int_equal(ippm_aes_key_init(&k, c, key), IPPM_OK);
    assert_int_equal(ippm_aes128_cbc(&k, true, iv, buf, buf, 20),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_aes128_ecb(&k, true, buf, buf, 17),
                     IPPM_ERR_BAD_ARG);
    ippm_aes_key_free(&k);
}

/* ---- PBKDF2-HMAC-SHA1, RFC 6070 §2 (all but the 16777216 case) ---- */

struct pbkdf2_kat {
    const char *pass;
    size_t pass_len;
    const char *salt;
    size_t salt_len;
    uint32_t c;
    const char *dk;
};

static const struct pbkdf2_kat pbkdf2_kats[] = {
    {"password", 8, "salt", 4, 1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"},
    {"password", 8, "salt", 4, 2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"},
    {"password", 8, "salt", 4, 4096,
     "4b007901b765489abead49d926f721d065a429c1"},
    {"passwordPASSWORDpassword", 24, "saltSALTsaltSALTsaltSALTsaltSALTsalt",
     36, 4096, "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"},
    {"pass\0word", 9, "sa\0lt", 5, 4096, "56fa6aa75548099dcc37d7f03425e0c3"},
};

static void test_pbkdf2_sha1_rfc6070(void **state)
{
    const struct ippm_crypto *c = *state;
    for (size_t i = 0; i < sizeof pbkdf2_kats / sizeof pbkdf2_kats[0]; i++) {
        const struct pbkdf2_kat *t = &pbkdf2_kats[i];
        uint8_t want[32], out[32];
        size_t n = hex(t->dk, want, sizeof want);
        print_message("RFC 6070 case %zu\n", i + 1);
        assert_int_equal(ippm_pbkdf2(c, IPPM_HASH_SHA1,
                                     (const uint8_t *)t->pass, t->pass_len,
                                     (const uint8_t *)t->salt, t->salt_len,
                                     t->c, out, n),
                         IPPM_OK);
        assert_memory_equal(out, want, n);
    }
    uint8_t out[20];
    assert_int_equal(ippm_pbkdf2(c, IPPM_HASH_SHA1, (const uint8_t *)"p", 1,
                                 (const uint8_t *)"s", 1, 0, out, 20),
                     IPPM_ERR_BAD_ARG);
}

static void test_random_fills_and_differs(void **state)
{
    const struct ippm_crypto *c = *state;
    uint8_t a[32] = {0}, b[32] = {0};
    assert_int_equal(ippm_random(c, a, sizeof(a)), IPPM_OK);
    assert_int_equal(ippm_random(c, b, sizeof(b)), IPPM_OK);
    assert_memory_not_equal(a, b, sizeof(a));
    assert_int_equal(ippm_random(NULL, a, sizeof(a)), IPPM_ERR_NO_KEY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_kats_one_shot),
        cmocka_unit_test(test_hmac_kats_split_at_every_boundary),
        cmocka_unit_test(test_hmac_key_contexts_are_independent),
        cmocka_unit_test(test_hmac_unkeyed_context_refuses),
        cmocka_unit_test(test_aes128_ecb_fips197_c1),
        cmocka_unit_test(test_aes128_ecb_sp800_38a_f11_in_place),
        cmocka_unit_test(test_aes128_cbc_sp800_38a_f21_f22_iv_chained),
        cmocka_unit_test(test_aes128_rejects_partial_block_and_no_key),
        cmocka_unit_test(test_pbkdf2_sha1_rfc6070),
        cmocka_unit_test(test_random_fills_and_differs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
