/* Unit tests of ippm_rand.c: xoshiro256** and splitmix64 against their
 * authors' reference outputs, determinism, the bounded draw, and
 * Algorithm S over a counting source (its Appendix B vectors over AES
 * stay in proto/owtw/owtw_schedule_test.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proto/common/ippm_rand.h"

/* splitmix64 from state 0: the reference C file's first outputs
 * (prng.di.unimi.it/splitmix64.c). */
static void test_ippm_splitmix64_reference(void **state)
{
    (void)state;
    uint64_t x = 0;
    assert_true(ippm_splitmix64(&x) == 0xe220a8397b1dcdafull);
    assert_true(ippm_splitmix64(&x) == 0x6e789e6aa1b965f4ull);
    assert_true(ippm_splitmix64(&x) == 0x06c45d188009454full);
}

/* xoshiro256** from the state {1, 2, 3, 4}: 11520, 0, 1509978240,
 * 1215971899390074240 (the reference implementation's outputs). */
static void test_ippm_rng_next_reference(void **state)
{
    (void)state;
    struct ippm_rng g = {{1, 2, 3, 4}};
    assert_true(ippm_rng_next(&g) == 11520u);
    assert_true(ippm_rng_next(&g) == 0u);
    assert_true(ippm_rng_next(&g) == 1509978240u);
    assert_true(ippm_rng_next(&g) == 1215971899390074240ull);
}

static void test_ippm_rng_seed_is_deterministic(void **state)
{
    (void)state;
    struct ippm_rng a, b, c;
    ippm_rng_seed(&a, 42);
    ippm_rng_seed(&b, 42);
    ippm_rng_seed(&c, 43);
    bool differ = false;
    for (int i = 0; i < 16; i++) {
        uint64_t va = ippm_rng_next(&a), vb = ippm_rng_next(&b);
        assert_true(va == vb);
        differ |= va != ippm_rng_next(&c);
    }
    assert_true(differ);
    /* The state is splitmix64's outputs; seed 0 gives a working one. */
    ippm_rng_seed(&a, 0);
    assert_true(a.s[0] == 0xe220a8397b1dcdafull);
    assert_true(a.s[2] == 0x06c45d188009454full);
    assert_true((a.s[0] | a.s[1] | a.s[2] | a.s[3]) != 0);
    assert_true(ippm_rng_next(&a) != ippm_rng_next(&a));
}

static void test_ippm_rng_u32_unit_below(void **state)
{
    (void)state;
    struct ippm_rng g, h;
    ippm_rng_seed(&g, 7);
    ippm_rng_seed(&h, 7);
    assert_true(ippm_rng_u32(&g) == (uint32_t)(ippm_rng_next(&h) >> 32));
    unsigned seen[5] = {0};
    for (int i = 0; i < 10000; i++) {
        double u = ippm_rng_unit(&g);
        assert_true(u > 0.0 && u < 1.0);
        uint32_t k = ippm_rng_below(&g, 5);
        assert_true(k < 5);
        seen[k]++;
    }
    for (int k = 0; k < 5; k++) /* 2000 expected, sd 40 */
        assert_true(seen[k] > 1800 && seen[k] < 2200);
    /* n = 2^31 + 1 rejects almost half the draws: still below n, and
     * both halves reached */
    bool low = false, high = false;
    for (int i = 0; i < 200; i++) {
        uint32_t k = ippm_rng_below(&g, 0x80000001u);
        assert_true(k <= 0x80000000u);
        low |= k < 0x40000000u;
        high |= k >= 0x40000000u;
    }
    assert_true(low && high);
    assert_int_equal(ippm_rng_below(&g, 0), 0);
    assert_int_equal(ippm_rng_below(&g, 1), 0);
}

static void test_ippm_num64_mul_is_exact(void **state)
{
    (void)state;
    assert_true(ippm_num64_mul(1ull << 32, 1ull << 32) == 1ull << 32);
    assert_true(ippm_num64_mul(0x80000000ull, 0x80000000ull) == 0x40000000ull);
    assert_true(ippm_num64_mul(UINT64_MAX, UINT64_MAX) ==
                0xfffffffe00000000ull);
}

/* A scripted source: the values of vals in turn, then an error. */
struct script {
    const uint32_t *vals;
    unsigned n, at;
};

static enum ippm_err script_next(void *ctx, uint32_t *out)
{
    struct script *s = ctx;
    if (s->at >= s->n)
        return IPPM_ERR_CRYPTO;
    *out = s->vals[s->at++];
    return IPPM_OK;
}

/* S2 accepts at once when the bits after the first zero are below ln 2:
 * 0x00000000 gives 0; 0x80000000 (one leading one) gives ln 2. */
static void test_ippm_exp_alg_s_immediate_acceptance(void **state)
{
    (void)state;
    static const uint32_t v[] = {0x00000000u, 0x80000000u, 0x40000000u,
                                 0x7fffffffu, 0xc0000000u, 0xffffffffu,
                                 0xffffffffu};
    struct script sc = {v, 7, 0};
    const struct ippm_u32_source src = {script_next, &sc};
    uint64_t x;
    assert_int_equal(ippm_exp_alg_s(&src, &x), IPPM_OK);
    assert_true(x == 0);
    assert_int_equal(ippm_exp_alg_s(&src, &x), IPPM_OK);
    assert_true(x == 0xB17217F8ull);
    /* 0x40000000: no leading one, U = 0x80000000 < ln2: 0.5 */
    assert_int_equal(ippm_exp_alg_s(&src, &x), IPPM_OK);
    assert_true(x == 0x80000000ull);
    /* 0x7fffffff: U = 0xfffffffe >= Q[10], so S3 takes k = 11 uniforms,
     * only three are left: the source's error comes back. */
    assert_int_equal(ippm_exp_alg_s(&src, &x), IPPM_ERR_CRYPTO);
    /* 0xc0000000: j = 2, U = 0 < ln2: 2 ln2 */
    sc.at = 4;
    assert_int_equal(ippm_exp_alg_s(&src, &x), IPPM_OK);
    assert_true(x == 2 * 0xB17217F8ull);
    /* 0xffffffff: j stops at 32 (Appendix A), U = 0: 32 ln2, the
     * largest deviate there is; then the source runs dry. */
    assert_int_equal(ippm_exp_alg_s(&src, &x), IPPM_OK);
    assert_true(x == ippm_num64_mul(32ull << 32, 0xB17217F8ull));
    assert_int_equal(ippm_exp_alg_s(&src, &x), IPPM_OK);
    assert_int_equal(ippm_exp_alg_s(&src, &x), IPPM_ERR_CRYPTO);
}

/* Over the PRNG, the mean of 200,000 deviates is 1 within 5 standard
 * errors (sd 1 / sqrt(200000) = 0.0022). */
static void test_ippm_exp_alg_s_mean_over_rng(void **state)
{
    (void)state;
    struct ippm_rng g;
    ippm_rng_seed(&g, 2026);
    double sum = 0;
    for (int i = 0; i < 200000; i++) {
        uint64_t x = ippm_rng_exp(&g);
        assert_true(x < 1ull << 38);
        sum += (double)x / 4294967296.0;
    }
    double mean = sum / 200000;
    assert_true(mean > 1 - 0.011 && mean < 1 + 0.011);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_splitmix64_reference),
        cmocka_unit_test(test_ippm_rng_next_reference),
        cmocka_unit_test(test_ippm_rng_seed_is_deterministic),
        cmocka_unit_test(test_ippm_rng_u32_unit_below),
        cmocka_unit_test(test_ippm_num64_mul_is_exact),
        cmocka_unit_test(test_ippm_exp_alg_s_immediate_acceptance),
        cmocka_unit_test(test_ippm_exp_alg_s_mean_over_rng),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
