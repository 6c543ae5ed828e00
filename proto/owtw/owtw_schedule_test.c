/* Unit tests of owtw_schedule.c: RFC 4656 Appendix B's published sums of
 * 1,000,000 deviates, and the send times of every OWAMP session of the
 * perfSONAR captures (twamp-owamp-fixtures.md §3 `schedule:` lines),
 * with OpenSSL as the crypto backend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proto/owtw/owtw_test.h"
#include "testsupport/owtw_fixtures.h"

/* RFC 4656 §5.2: (u * v) >> 32 exactly, wrapping as Appendix A's does. */
static void test_owtw_num64_mul_is_exact(void **state)
{
    (void)state;
    assert_true(owtw_num64_mul(1ull << 32, 1ull << 32) == 1ull << 32);
    assert_true(owtw_num64_mul(3ull << 32, 0x80000000ull) == 0x180000000ull);
    /* ln2 * 1 = ln2; 0.5 * 0.5 = 0.25 */
    assert_true(owtw_num64_mul(1ull << 32, 0xB17217F8ull) == 0xB17217F8ull);
    assert_true(owtw_num64_mul(0x80000000ull, 0x80000000ull) == 0x40000000ull);
    /* (2^64 - 1)^2 = 2^128 - 2^65 + 1: bits 32..95 are 2^64 - 2^33 */
    assert_true(owtw_num64_mul(UINT64_MAX, UINT64_MAX) ==
                0xfffffffe00000000ull);
    assert_true(owtw_num64_mul(0xffffffffull, 0xffffffffull) == 0xfffffffeull);
}

/* Unif's first outputs are E(0)'s four quartets, then E(4)'s. */
static void test_owtw_unif_encrypts_every_fourth_counter(void **state)
{
    (void)state;
    uint8_t sid[16], blk[16], ctr[16] = {0};
    owtw_unhex("0102030405060708090a0b0c0d0e0f00", sid, sizeof sid);
    struct ippm_aes_key k;
    assert_int_equal(ippm_aes_key_init(&k, &owtw_ossl, sid), IPPM_OK);
    struct owtw_unif u;
    assert_int_equal(owtw_unif_init(&u, &owtw_ossl, sid), IPPM_OK);
    for (unsigned c = 0; c < 12; c++) {
        if (c % 4 == 0) {
            ctr[15] = (uint8_t)c;
            assert_int_equal(ippm_aes128_ecb(&k, true, ctr, blk, 16), IPPM_OK);
        }
        uint32_t x;
        assert_int_equal(owtw_unif_next(&u, &x), IPPM_OK);
        const uint8_t *q = blk + 4 * (c % 4);
        assert_int_equal(x, (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
                                (uint32_t)q[2] << 8 | q[3]);
    }
    owtw_unif_free(&u);
    ippm_aes_key_free(&k);
}

/* RFC 4656 Appendix B: "An implementation MUST produce exactly these
 * hexadecimal numbers." */
static void test_owtw_exp_next_reproduces_appendix_b(void **state)
{
    (void)state;
    static const struct {
        const char *sid;
        uint64_t sum;
    } vec[] = {
        {"2872979303ab47eeac028dab3829dab2", 0x000f4479bd317381ull},
        {"0102030405060708090a0b0c0d0e0f00", 0x000f433686466a62ull},
        {"deadbeefdeadbeefdeadbeefdeadbeef", 0x000f416c8884d2d3ull},
        {"feed0feed1feed2feed3feed4feed5ab", 0x000f3f0b4b416ec8ull},
    };
    for (size_t v = 0; v < sizeof vec / sizeof vec[0]; v++) {
        uint8_t sid[16];
        owtw_unhex(vec[v].sid, sid, sizeof sid);
        struct owtw_unif u;
        assert_int_equal(owtw_unif_init(&u, &owtw_ossl, sid), IPPM_OK);
        uint64_t sum = 0;
        for (int i = 0; i < 1000000; i++) {
            uint64_t x;
            assert_int_equal(owtw_exp_next(&u, &x), IPPM_OK);
            sum += x;
        }
        assert_true(sum == vec[v].sum);
        owtw_unif_free(&u);
    }
}

/* The OWAMP captures: one exponential slot of mean 0.05 s
 * (00000000.0ccccccc), seeded by the session's SID, from the requested
 * Start Time; packet 0 is due after X0 (fixtures §4.11). */
static void test_owtw_schedule_reproduces_every_owamp_capture(void **state)
{
    (void)state;
    const struct owtw_slot slot = {OWTW_SLOT_EXP, 0x0cccccccull};
    unsigned sessions = 0;
    for (size_t i = 0; i < OWTW_N_FIXTURES; i++) {
        const struct owtw_fixture *f = &owtw_fixtures[i];
        if (f->start == 0)
            continue;
        uint8_t sid[16];
        owtw_unhex(f->sid, sid, sizeof sid);
        struct owtw_schedule s;
        assert_int_equal(
            owtw_schedule_init(&s, &owtw_ossl, sid, &slot, 1, f->start),
            IPPM_OK);
        for (int k = 0; k < 10; k++) {
            uint64_t t;
            assert_int_equal(owtw_schedule_next(&s, &t), IPPM_OK);
            assert_true(t == f->schedule[k] || f->schedule[k] == 0);
            /* Packet 0 left 80-275 us after it was due (fixtures §2):
             * the A/E sessions, whose schedules the notes do not list. */
            if (k == 0)
                assert_true(f->ts > t && f->ts - t < 1288490 /* 300 us */);
        }
        assert_int_equal(s.next, 10);
        owtw_schedule_free(&s);
        sessions++;
    }
    assert_int_equal(sessions, 6);
}

/* RFC 4656 §3.6: fixed slots wait exactly their parameter, and the list
 * is circular. */
static void test_owtw_schedule_cycles_fixed_slots(void **state)
{
    (void)state;
    const struct owtw_slot slots[2] = {{OWTW_SLOT_FIXED, 1ull << 32},
                                       {OWTW_SLOT_FIXED, 0}};
    uint8_t sid[16] = {0};
    struct owtw_schedule s;
    assert_int_equal(
        owtw_schedule_init(&s, &owtw_ossl, sid, slots, 2, 100ull << 32),
        IPPM_OK);
    static const uint64_t want[5] = {101, 101, 102, 102, 103};
    for (int k = 0; k < 5; k++) {
        uint64_t t;
        assert_int_equal(owtw_schedule_next(&s, &t), IPPM_OK);
        assert_true(t == want[k] << 32);
    }
    owtw_schedule_free(&s);
}

static void test_owtw_schedule_init_refuses_bad_slots(void **state)
{
    (void)state;
    const struct owtw_slot bad = {2, 0};
    uint8_t sid[16] = {0};
    struct owtw_schedule s;
    assert_int_equal(owtw_schedule_init(&s, &owtw_ossl, sid, &bad, 1, 0),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(owtw_schedule_init(&s, &owtw_ossl, sid, &bad, 0, 0),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(
        owtw_schedule_init(&s, NULL, sid, &(struct owtw_slot){0, 1}, 1, 0),
        IPPM_ERR_NO_KEY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owtw_num64_mul_is_exact),
        cmocka_unit_test(test_owtw_unif_encrypts_every_fourth_counter),
        cmocka_unit_test(test_owtw_exp_next_reproduces_appendix_b),
        cmocka_unit_test(test_owtw_schedule_reproduces_every_owamp_capture),
        cmocka_unit_test(test_owtw_schedule_cycles_fixed_slots),
        cmocka_unit_test(test_owtw_schedule_init_refuses_bad_slots),
    };
    return cmocka_run_group_tests(tests, owtw_ossl_setup, owtw_ossl_teardown);
}
