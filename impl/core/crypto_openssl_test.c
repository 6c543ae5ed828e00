/* Known-answer tests for crypto_openssl.c: RFC 4231 / RFC 2202 HMAC,
 * FIPS-197 AES, RFC 3602 AES-CBC, RFC 6070 PBKDF2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto_openssl.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
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

static const uint8_t jefe[] = "Jefe";
static const char what[] = "what do ya want for nothing?";

/* RFC 4231 §4.3, split over two pieces to exercise the iov walk. */
static void test_hmac_sha256_rfc4231_case2_split(void **state)
{
    struct ippm_crypto *c = *state;
    struct ippm_iov iov[2] = {{(const uint8_t *)what, 10},
                              {(const uint8_t *)what + 10, strlen(what) - 10}};
    uint8_t out[IPPM_HASH_MAX_LEN], want[32];
    hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        want, 32);
    assert_int_equal(c->hmac(c->ctx, IPPM_HASH_SHA256, jefe, 4, iov, 2, out),
                     IPPM_OK);
    assert_memory_equal(out, want, 32);
}

/* RFC 2202 §3 test case 2. */
static void test_hmac_sha1_rfc2202_case2(void **state)
{
    struct ippm_crypto *c = *state;
    struct ippm_iov iov = {(const uint8_t *)what, strlen(what)};
    uint8_t out[IPPM_HASH_MAX_LEN], want[20];
    hex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", want, 20);
    assert_int_equal(c->hmac(c->ctx, IPPM_HASH_SHA1, jefe, 4, &iov, 1, out),
                     IPPM_OK);
    assert_memory_equal(out, want, 20);
}

/* FIPS-197 Appendix C.1, both directions. */
static void test_aes128_ecb_fips197(void **state)
{
    struct ippm_crypto *c = *state;
    uint8_t key[16], pt[16], ct[16], out[16];
    hex("000102030405060708090a0b0c0d0e0f", key, 16);
    hex("00112233445566778899aabbccddeeff", pt, 16);
    hex("69c4e0d86a7b0430d8cdb78070b4c55a", ct, 16);
    assert_int_equal(c->aes128_ecb(c->ctx, 1, key, pt, out), IPPM_OK);
    assert_memory_equal(out, ct, 16);
    assert_int_equal(c->aes128_ecb(c->ctx, 0, key, ct, out), IPPM_OK);
    assert_memory_equal(out, pt, 16);
}

/* RFC 3602 §4 case 2, encrypted in two calls: the IV carried between them
 * must give the one-shot ciphertext (OWAMP-Control streams this way). */
static void test_aes128_cbc_rfc3602_iv_carries(void **state)
{
    struct ippm_crypto *c = *state;
    uint8_t key[16], iv[16], iv0[16], pt[32], ct[32], out[32];
    hex("c286696d887c9aa0611bbb3e2025a45a", key, 16);
    hex("562e17996d093d28ddb3ba695a2e6f58", iv0, 16);
    hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        pt, 32);
    hex("d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1",
        ct, 32);
    memcpy(iv, iv0, 16);
    assert_int_equal(c->aes128_cbc(c->ctx, 1, key, iv, pt, out, 16), IPPM_OK);
    assert_int_equal(c->aes128_cbc(c->ctx, 1, key, iv, pt + 16, out + 16, 16),
                     IPPM_OK);
    assert_memory_equal(out, ct, 32);
    assert_memory_equal(iv, ct + 16, 16);
    /* Decrypt in place, again in two calls. */
    memcpy(iv, iv0, 16);
    assert_int_equal(c->aes128_cbc(c->ctx, 0, key, iv, out, out, 16), IPPM_OK);
    assert_int_equal(c->aes128_cbc(c->ctx, 0, key, iv, out + 16, out + 16, 16),
                     IPPM_OK);
    assert_memory_equal(out, pt, 32);
    assert_memory_equal(iv, ct + 16, 16);
}

static void test_aes128_cbc_rejects_partial_block(void **state)
{
    struct ippm_crypto *c = *state;
    uint8_t key[16] = {0}, iv[16] = {0}, buf[20] = {0};
    assert_int_equal(c->aes128_cbc(c->ctx, 1, key, iv, buf, buf, 20),
                     IPPM_ERR_BAD_ARG);
}

/* RFC 6070 cases 1 and 2. */
static void test_pbkdf2_sha1_rfc6070(void **state)
{
    struct ippm_crypto *c = *state;
    uint8_t out[20], want[20];
    hex("0c60c80f961f0e71f3a9b524af6012062fe037a6", want, 20);
    assert_int_equal(c->pbkdf2(c->ctx, IPPM_HASH_SHA1,
                               (const uint8_t *)"password", 8,
                               (const uint8_t *)"salt", 4, 1, out, 20),
                     IPPM_OK);
    assert_memory_equal(out, want, 20);
    hex("ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957", want, 20);
    assert_int_equal(c->pbkdf2(c->ctx, IPPM_HASH_SHA1,
                               (const uint8_t *)"password", 8,
                               (const uint8_t *)"salt", 4, 2, out, 20),
                     IPPM_OK);
    assert_memory_equal(out, want, 20);
}

static void test_random_fills_and_differs(void **state)
{
    struct ippm_crypto *c = *state;
    uint8_t a[32] = {0}, b[32] = {0};
    assert_int_equal(c->random(c->ctx, a, sizeof(a)), IPPM_OK);
    assert_int_equal(c->random(c->ctx, b, sizeof(b)), IPPM_OK);
    assert_memory_not_equal(a, b, sizeof(a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_sha256_rfc4231_case2_split),
        cmocka_unit_test(test_hmac_sha1_rfc2202_case2),
        cmocka_unit_test(test_aes128_ecb_fips197),
        cmocka_unit_test(test_aes128_cbc_rfc3602_iv_carries),
        cmocka_unit_test(test_aes128_cbc_rejects_partial_block),
        cmocka_unit_test(test_pbkdf2_sha1_rfc6070),
        cmocka_unit_test(test_random_fills_and_differs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
