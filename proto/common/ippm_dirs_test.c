/* Unit tests of ippm_dirs.c: copies of replies against copies of
 * requests, and the loss split of a stateful reflector's numbers, checked
 * against a simulated reflector whose every decision is known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proto/common/ippm_dirs.h"

static void test_ippm_dir_copy_of_reply_is_backward(void **state)
{
    (void)state;
    struct ippm_dir_slot d;
    ippm_dir_slot_first(&d, 1000, 1010, 7, 0);
    assert_int_equal(ippm_dir_slot_copy(&d, 1000, 1010, 7, 0),
                     IPPM_WAY_BACKWARD);
    assert_int_equal(ippm_dir_slot_copy(&d, 1000, 1010, 7, 0),
                     IPPM_WAY_BACKWARD);
    assert_int_equal(d.refl_lo, 7);
    assert_int_equal(d.refl_hi, 7);
}

/* A stateless reflector copies the sender's number: only the Receive
 * Timestamp shows a second reflection. */
static void test_ippm_dir_second_reflection_is_forward(void **state)
{
    (void)state;
    struct ippm_dir_slot d;
    ippm_dir_slot_first(&d, 1000, 1010, 7, 0);
    assert_int_equal(ippm_dir_slot_copy(&d, 2000, 2010, 7, 0),
                     IPPM_WAY_FORWARD);
    /* The second reflection's reply copied on the way back. */
    assert_int_equal(ippm_dir_slot_copy(&d, 2000, 2010, 7, 0),
                     IPPM_WAY_BACKWARD);
    assert_int_equal(ippm_dir_slot_copy(&d, 1000, 1010, 7, 0),
                     IPPM_WAY_BACKWARD);
}

/* A stateful reflector numbers the second reflection apart: the numbers
 * seen span both, whatever order they came in. */
static void test_ippm_dir_stateful_numbers_span(void **state)
{
    (void)state;
    struct ippm_dir_slot d;
    ippm_dir_slot_first(&d, 1000, 1010, 9, 0);
    assert_int_equal(ippm_dir_slot_copy(&d, 900, 905, 8, 0), IPPM_WAY_FORWARD);
    assert_int_equal(d.refl_lo, 8);
    assert_int_equal(d.refl_hi, 9);
    /* Only the timestamps differ (a coarse reflector clock would not
     * do, but the number is new): still forward. */
    assert_int_equal(ippm_dir_slot_copy(&d, 1000, 1010, 10, 0),
                     IPPM_WAY_FORWARD);
    assert_int_equal(d.refl_hi, 10);
}

/* Requests 0-9: 0 and 1 lost both ways, 4 lost forward, 5 lost
 * backward, 8 and 9 lost (backward), after the last reply. */
static void test_ippm_dir_loss_gaps(void **state)
{
    (void)state;
    struct ippm_dir_loss l;
    ippm_dir_loss_init(&l);
    ippm_dir_loss_lost(&l);           /* 0: forward, takes no number */
    ippm_dir_loss_lost(&l);           /* 1: backward, number 0 */
    ippm_dir_loss_received(&l, 1, 1); /* 2 */
    ippm_dir_loss_received(&l, 2, 2); /* 3 */
    ippm_dir_loss_lost(&l);           /* 4: forward */
    ippm_dir_loss_lost(&l);           /* 5: backward, number 3 */
    ippm_dir_loss_received(&l, 4, 4); /* 6 */
    ippm_dir_loss_received(&l, 5, 5); /* 7 */
    ippm_dir_loss_lost(&l);
    ippm_dir_loss_lost(&l);
    assert_int_equal(l.forward, 2);
    assert_int_equal(l.backward, 2);
    assert_int_equal(ippm_dir_loss_unsplit(&l), 2);
}

/* A duplicated request whose second reply is lost leaves a gap with no
 * request lost beside it: no loss is made of it. */
static void test_ippm_dir_loss_dup_reply_lost(void **state)
{
    (void)state;
    struct ippm_dir_loss l;
    ippm_dir_loss_init(&l);
    ippm_dir_loss_received(&l, 0, 0); /* 0, reflected as 0 and 1 (lost) */
    ippm_dir_loss_received(&l, 2, 2); /* 1 */
    ippm_dir_loss_received(&l, 3, 3); /* 2 */
    assert_int_equal(l.forward, 0);
    assert_int_equal(l.backward, 0);
}

/* Numbers wrap modulo 2^32 in a long session. */
static void test_ippm_dir_loss_wraps(void **state)
{
    (void)state;
    struct ippm_dir_loss l;
    ippm_dir_loss_init(&l);
    ippm_dir_loss_received(&l, 0, 0);
    l.last_hi = 0xfffffffeu;
    ippm_dir_loss_lost(&l);
    ippm_dir_loss_lost(&l);
    ippm_dir_loss_received(&l, 0, 0); /* 0xffffffff unseen */
    assert_int_equal(l.backward, 1);
    assert_int_equal(l.forward, 1);
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A stateful reflector behind random loss both ways: every split matches
 * what the simulation decided, but for the requests after the last reply. */
static void test_ippm_dir_loss_random_matches_truth(void **state)
{
    (void)state;
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    for (int round = 0; round < 200; round++) {
        struct ippm_dir_loss l;
        uint32_t number = 0;
        uint64_t fwd = 0, bwd = 0, tail_f = 0, tail_b = 0;
        ippm_dir_loss_init(&l);
        int n = 1 + (int)(rng_next(&rng) % 300);
        for (int i = 0; i < n; i++) {
            bool lost_fwd = rng_next(&rng) % 100 < 15;
            bool lost_bwd = !lost_fwd && rng_next(&rng) % 100 < 15;
            if (lost_fwd || lost_bwd) {
                ippm_dir_loss_lost(&l);
                tail_f += lost_fwd;
                tail_b += lost_bwd;
                number += lost_bwd;
                continue;
            }
            ippm_dir_loss_received(&l, number, number);
            number++;
            fwd += tail_f;
            bwd += tail_b;
            tail_f = tail_b = 0;
        }
        assert_int_equal(l.forward, fwd);
        assert_int_equal(l.backward, bwd);
        assert_int_equal(ippm_dir_loss_unsplit(&l), tail_f + tail_b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_dir_copy_of_reply_is_backward),
        cmocka_unit_test(test_ippm_dir_second_reflection_is_forward),
        cmocka_unit_test(test_ippm_dir_stateful_numbers_span),
        cmocka_unit_test(test_ippm_dir_loss_gaps),
        cmocka_unit_test(test_ippm_dir_loss_dup_reply_lost),
        cmocka_unit_test(test_ippm_dir_loss_wraps),
        cmocka_unit_test(test_ippm_dir_loss_random_matches_truth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
