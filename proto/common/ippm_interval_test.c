/* ippm_interval.c: which interval a packet and its reply count in, when
 * each interval is reported, and what its line says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proto/common/ippm_interval.h"

#define MS 1000000ull
#define S  (1000 * MS)
#define T0 (1000 * S) /* the run's first send, on the driver's clock */

/* seqs packets, 10 a second from T0, each answered after 1 or 2 ms
 * (even or odd sequence number) except those in lost[]. */
static void send_run(struct ippm_ivals *iv, uint64_t seqs, const int *lost,
                     size_t n_lost)
{
    for (uint64_t i = 0; i < seqs; i++) {
        uint64_t t = T0 + i * 100 * MS;
        assert_true(ippm_ivals_sent(iv, t));
        bool drop = false;
        for (size_t j = 0; j < n_lost; j++)
            drop |= (uint64_t)lost[j] == i;
        if (!drop)
            assert_true(ippm_ivals_reply(iv, t, i, (int64_t)(MS + i % 2 * MS)));
    }
}

static void test_ippm_ivals_counts_packets_in_their_send_interval(void **st)
{
    (void)st;
    struct ippm_ivals iv;
    struct ippm_ival_report r;
    ippm_ivals_init(&iv, T0, 1 * S, 2 * S);
    const int lost[] = {3, 12, 13};
    send_run(&iv, 25, lost, 3); /* 2.5 s: intervals 0, 1 and half of 2 */
    /* interval 0 is due at its end (1 s) plus the grace (2 s) */
    assert_int_equal(ippm_ivals_deadline(&iv), T0 + 3 * S);
    assert_false(ippm_ivals_next(&iv, T0 + 3 * S - 1, false, &r));
    assert_true(ippm_ivals_next(&iv, T0 + 3 * S, false, &r));
    assert_int_equal(r.index, 0);
    assert_int_equal(r.start_ns, 0);
    assert_int_equal(r.end_ns, 1 * S);
    assert_int_equal(r.sent, 10);
    assert_int_equal(r.received, 9);
    assert_int_equal(r.lost, 1);
    assert_true(r.loss_pct > 9.99 && r.loss_pct < 10.01);
    assert_int_equal(r.rtt_min, MS);
    assert_int_equal(r.rtt_max, 2 * MS);
    /* RTTs 1,2,1,-,1,2,1,2,1,2 ms: 9 replies, 5 of 1 ms and 4 of 2 */
    assert_true(r.rtt_mean > 1.444 * MS && r.rtt_mean < 1.445 * MS);
    /* pairs 0-1, 1-2, 4-5 ... 8-9: 7 of them, each 1 ms apart */
    assert_int_equal(r.ipdv_n, 7);
    assert_true(r.jitter_ns > 0.999 * MS && r.jitter_ns < 1.001 * MS);
    assert_false(ippm_ivals_next(&iv, T0 + 3 * S, false, &r));
    /* the end of the run: interval 1 whole, interval 2 up to the end */
    assert_true(ippm_ivals_next(&iv, T0 + 3 * S + 500 * MS, true, &r));
    assert_int_equal(r.index, 1);
    assert_int_equal(r.sent, 10);
    assert_int_equal(r.lost, 2);
    assert_int_equal(r.ipdv_n, 6); /* 10-11, 14-15 ... 18-19 */
    assert_true(ippm_ivals_next(&iv, T0 + 3 * S + 500 * MS, true, &r));
    assert_int_equal(r.index, 2);
    assert_int_equal(r.sent, 5);
    assert_int_equal(r.lost, 0);
    assert_int_equal(r.end_ns, 3 * S);
    assert_false(ippm_ivals_next(&iv, T0 + 3 * S + 500 * MS, true, &r));
}

static void
test_ippm_ivals_interrupted_run_ends_its_last_interval_early(void **st)
{
    (void)st;
    struct ippm_ivals iv;
    struct ippm_ival_report r;
    ippm_ivals_init(&iv, T0, 10 * S, 2 * S);
    send_run(&iv, 25, NULL, 0);
    assert_true(ippm_ivals_next(&iv, T0 + 2500 * MS, true, &r));
    assert_int_equal(r.index, 0);
    assert_int_equal(r.end_ns, 2500 * MS);
    assert_int_equal(r.sent, 25);
    assert_int_equal(r.lost, 0);
    assert_false(ippm_ivals_next(&iv, T0 + 2500 * MS, true, &r));
}

/* A reply after its interval was reported stays lost there; a reply
 * within the grace counts even when the next interval has begun. */
static void test_ippm_ivals_late_reply_counts_within_the_grace_only(void **st)
{
    (void)st;
    struct ippm_ivals iv;
    struct ippm_ival_report r;
    ippm_ivals_init(&iv, T0, 1 * S, 1 * S);
    assert_true(ippm_ivals_sent(&iv, T0 + 900 * MS));
    assert_true(ippm_ivals_sent(&iv, T0 + 950 * MS));
    assert_true(ippm_ivals_sent(&iv, T0 + 1100 * MS));
    /* packet 0's reply 1.05 s after the interval's end: within grace */
    assert_true(ippm_ivals_reply(&iv, T0 + 900 * MS, 0, 1150 * MS));
    assert_true(ippm_ivals_next(&iv, T0 + 2 * S, false, &r));
    assert_int_equal(r.received, 1);
    assert_int_equal(r.lost, 1);
    assert_false(ippm_ivals_reply(&iv, T0 + 950 * MS, 1, 1100 * MS));
    assert_true(ippm_ivals_reply(&iv, T0 + 1100 * MS, 2, 1 * MS));
}

/* Interval 0 with nothing sent in it (a period shorter than the send
 * interval): a line of zeros, no NaN. */
static void test_ippm_ivals_empty_interval_has_no_loss(void **st)
{
    (void)st;
    struct ippm_ivals iv;
    struct ippm_ival_report r;
    ippm_ivals_init(&iv, T0, 1 * S, 0);
    assert_true(ippm_ivals_sent(&iv, T0 + 1500 * MS));
    assert_true(ippm_ivals_next(&iv, T0 + 1 * S, false, &r));
    assert_int_equal(r.sent, 0);
    assert_true(r.loss_pct == 0.0);
    assert_int_equal(r.rtt_n, 0);
    assert_true(r.jitter_ns == 0.0);
}

/* A grace of an hour with 1 s intervals: capped, so the intervals that
 * wait fit in IPPM_IVAL_OPEN; memory never grows. A send beyond the open
 * intervals (the reports due were not taken) is refused, not misfiled. */
static void test_ippm_ivals_grace_is_capped_to_the_open_slots(void **st)
{
    (void)st;
    struct ippm_ivals iv;
    struct ippm_ival_report r;
    ippm_ivals_init(&iv, T0, 1 * S, 3600 * S);
    assert_int_equal(ippm_ivals_deadline(&iv),
                     T0 + 1 * S + (IPPM_IVAL_OPEN - 2) * S);
    assert_true(ippm_ivals_sent(&iv, T0 + (IPPM_IVAL_OPEN - 1) * S));
    assert_false(ippm_ivals_sent(&iv, T0 + IPPM_IVAL_OPEN * S));
    /* a day of 1 s intervals, reports taken as due */
    uint64_t lines = 0;
    for (uint64_t t = 0; t < 86400; t++) {
        while (ippm_ivals_next(&iv, T0 + t * S, false, &r))
            lines++;
        assert_true(ippm_ivals_sent(&iv, T0 + t * S));
    }
    assert_int_equal(lines, 86400 - (IPPM_IVAL_OPEN - 1));
    assert_int_equal(r.sent, 1);
    assert_int_equal(r.lost, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_ivals_counts_packets_in_their_send_interval),
        cmocka_unit_test(
            test_ippm_ivals_interrupted_run_ends_its_last_interval_early),
        cmocka_unit_test(
            test_ippm_ivals_late_reply_counts_within_the_grace_only),
        cmocka_unit_test(test_ippm_ivals_empty_interval_has_no_loss),
        cmocka_unit_test(test_ippm_ivals_grace_is_capped_to_the_open_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
