/* Unit tests of rmbt_ping.c, the pinger's bookkeeping (rmbt-udp-ping
 * notes §6): numbering and wire sequences from a random start with the
 * 2^32 wrap, replies matched to pending packets, RE01 counted received,
 * late, duplicate and unknown replies ignored, the 5000 ms wait, the
 * bounded window, the statistics with population mdev. No crypto. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proto/rmbt/rmbt.h"

#define MS 1000000ull
#define T0 (1700000000ull * 1000000000ull)

/* Big (the RTT distribution's histogram): one, not on the stack. */
static struct rmbt_ping ping;

static void reply_of(uint32_t seq, enum rmbt_tag tag, uint8_t out[8])
{
    struct rmbt_reply r = {tag, seq};
    assert_int_equal(rmbt_reply_encode(out, 8, &r), IPPM_OK);
}

static struct rmbt_ping_event send_one(struct rmbt_ping *p, uint64_t now)
{
    struct rmbt_ping_event ev;
    assert_int_equal(rmbt_ping_sent(p, now, &ev), IPPM_OK);
    return ev;
}

static enum ippm_err answer(struct rmbt_ping *p, uint32_t seq,
                            enum rmbt_tag tag, uint64_t now,
                            struct rmbt_ping_event *ev)
{
    uint8_t buf[8];
    reply_of(seq, tag, buf);
    return rmbt_ping_reply(p, buf, sizeof buf, now, ev);
}

/* Notes §6: numbers count from 1, the wire sequence from a random start,
 * one more per packet, wrapping at 2^32. */
static void test_rmbt_ping_numbers_and_wraps_sequences(void **state)
{
    (void)state;
    rmbt_ping_init(&ping, 0xfffffffeu, 0);
    assert_int_equal(ping.wait_ns, RMBT_PING_WAIT_NS);
    struct rmbt_ping_event ev = send_one(&ping, T0);
    assert_int_equal(ev.number, 1);
    assert_int_equal(ev.seq, 0xfffffffeu);
    ev = send_one(&ping, T0 + 1000 * MS);
    assert_int_equal(ev.seq, 0xffffffffu);
    ev = send_one(&ping, T0 + 2000 * MS);
    assert_int_equal(ev.number, 3);
    assert_int_equal(ev.seq, 0);
    /* The reply of the wrapped packet finds it. */
    struct rmbt_ping_event got;
    assert_int_equal(answer(&ping, 0, RMBT_RR01, T0 + 2000 * MS + 273000, &got),
                     IPPM_OK);
    assert_int_equal(got.number, 3);
    assert_int_equal(got.rtt_ns, 273000);
    assert_int_equal(
        answer(&ping, 0xfffffffeu, RMBT_RR01, T0 + 2100 * MS, &got), IPPM_OK);
    assert_int_equal(got.number, 1);
    assert_int_equal(got.rtt_ns, 2100 * MS);
    assert_int_equal(rmbt_ping_pending(&ping), 1);
}

/* Notes §6: RE01 is an "Error response" but counts as received. */
static void test_rmbt_ping_re01_counts_received(void **state)
{
    (void)state;
    rmbt_ping_init(&ping, 7, 0);
    struct rmbt_ping_event got;
    send_one(&ping, T0);
    send_one(&ping, T0 + 1000 * MS);
    assert_int_equal(answer(&ping, 7, RMBT_RE01, T0 + MS, &got), IPPM_OK);
    assert_int_equal(got.tag, RMBT_RE01);
    assert_int_equal(answer(&ping, 8, RMBT_RR01, T0 + 1002 * MS, &got),
                     IPPM_OK);
    struct rmbt_ping_stats st;
    rmbt_ping_stats(&ping, &st);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.received, 2);
    assert_int_equal(st.rr01, 1);
    assert_int_equal(st.re01, 1);
    assert_int_equal(st.lost, 0);
    assert_true(st.loss_pct == 0.0);
}

/* The original drops a reply whose packet is not pending: a second copy,
 * one after the wait, one never sent; and what is no reply at all. */
static void test_rmbt_ping_ignores_duplicate_late_unknown(void **state)
{
    (void)state;
    rmbt_ping_init(&ping, 100, 0);
    struct rmbt_ping_event got;
    uint8_t buf[9];
    reply_of(100, RMBT_RR01, buf);
    /* nothing sent yet */
    assert_int_equal(rmbt_ping_reply(&ping, buf, 8, T0, &got),
                     IPPM_ERR_UNEXPECTED);
    send_one(&ping, T0);
    send_one(&ping, T0 + 1000 * MS);
    assert_int_equal(answer(&ping, 100, RMBT_RR01, T0 + MS, &got), IPPM_OK);
    assert_int_equal(answer(&ping, 100, RMBT_RR01, T0 + 2 * MS, &got),
                     IPPM_ERR_UNEXPECTED);
    assert_int_equal(answer(&ping, 102, RMBT_RR01, T0 + 2 * MS, &got),
                     IPPM_ERR_UNEXPECTED);
    assert_int_equal(answer(&ping, 99, RMBT_RR01, T0 + 2 * MS, &got),
                     IPPM_ERR_UNEXPECTED);
    /* packet 2 times out at 1000 + 5000 ms, then its reply is late */
    assert_false(rmbt_ping_expire(&ping, T0 + 5999 * MS, false, &got));
    assert_int_equal(rmbt_ping_deadline(&ping), T0 + 6000 * MS);
    assert_true(rmbt_ping_expire(&ping, T0 + 6000 * MS, false, &got));
    assert_int_equal(got.number, 2);
    assert_int_equal(got.seq, 101);
    assert_false(rmbt_ping_expire(&ping, T0 + 9000 * MS, false, &got));
    assert_int_equal(rmbt_ping_deadline(&ping), UINT64_MAX);
    assert_int_equal(answer(&ping, 101, RMBT_RR01, T0 + 6001 * MS, &got),
                     IPPM_ERR_UNEXPECTED);
    /* not replies: the request's magic, a short and a long datagram */
    buf[0] = 'R';
    buf[1] = 'P';
    assert_int_equal(rmbt_ping_reply(&ping, buf, 8, T0, &got), RMBT_ERR_MAGIC);
    reply_of(101, RMBT_RR01, buf);
    assert_int_equal(rmbt_ping_reply(&ping, buf, 7, T0, &got), RMBT_ERR_LENGTH);
    assert_int_equal(rmbt_ping_reply(&ping, buf, 9, T0, &got), RMBT_ERR_LENGTH);
    assert_int_equal(ping.ignored, 5);
    assert_int_equal(ping.malformed, 3);
    assert_int_equal(ping.timed_out, 1);
    struct rmbt_ping_stats st;
    rmbt_ping_stats(&ping, &st);
    assert_int_equal(st.received, 1);
    assert_int_equal(st.lost, 1);
    assert_true(st.loss_pct == 50.0);
}

/* Timeouts come oldest first, one per call, after the wait. */
static void test_rmbt_ping_expires_oldest_first(void **state)
{
    (void)state;
    rmbt_ping_init(&ping, 1, 5000 * MS);
    for (int i = 0; i < 8; i++)
        send_one(&ping, T0 + (uint64_t)i * 1000 * MS);
    struct rmbt_ping_event got;
    assert_int_equal(answer(&ping, 2, RMBT_RR01, T0 + 1500 * MS, &got),
                     IPPM_OK);
    uint64_t want[] = {1, 3, 4};
    for (size_t i = 0; i < 3; i++) {
        assert_true(rmbt_ping_expire(&ping, T0 + 8500 * MS, false, &got));
        assert_int_equal(got.number, want[i]);
    }
    assert_false(rmbt_ping_expire(&ping, T0 + 8500 * MS, false, &got));
    assert_int_equal(rmbt_ping_deadline(&ping), T0 + 9000 * MS);
    assert_int_equal(rmbt_ping_pending(&ping), 4);
}

/* The window is bounded: with RMBT_PING_PENDING unanswered, a send is
 * refused until the oldest is reported lost (full), never overwritten. */
static void test_rmbt_ping_full_window_expires_oldest(void **state)
{
    (void)state;
    rmbt_ping_init(&ping, 0, 0);
    struct rmbt_ping_event got;
    for (uint64_t i = 0; i < RMBT_PING_PENDING; i++)
        send_one(&ping, T0 + i * MS);
    assert_int_equal(rmbt_ping_sent(&ping, T0 + 2 * 1000 * MS, &got),
                     IPPM_ERR_SESSION_FULL);
    assert_false(rmbt_ping_expire(&ping, T0 + 1024 * MS, false, &got));
    assert_true(rmbt_ping_expire(&ping, T0 + 1024 * MS, true, &got));
    assert_int_equal(got.number, 1);
    assert_false(rmbt_ping_expire(&ping, T0 + 1024 * MS, true, &got));
    send_one(&ping, T0 + 1024 * MS);
    /* packet 1's sequence now belongs to nobody; packet 1025's to 1025 */
    assert_int_equal(answer(&ping, 0, RMBT_RR01, T0 + 1025 * MS, &got),
                     IPPM_ERR_UNEXPECTED);
    assert_int_equal(answer(&ping, 1024, RMBT_RR01, T0 + 1025 * MS, &got),
                     IPPM_OK);
    assert_int_equal(got.number, 1025);
    assert_int_equal(got.rtt_ns, MS);
    /* A reply to a packet further back than the window is unknown. */
    assert_int_equal(answer(&ping, 0xffffffffu, RMBT_RR01, T0, &got),
                     IPPM_ERR_UNEXPECTED);
}

/* A long run: memory is the struct's, counts stay exact. Every seventh
 * packet is lost, every thirteenth answered RE01, replies come 2 ms
 * late; one million packets at 1 ms. */
static void test_rmbt_ping_long_run_is_bounded_and_exact(void **state)
{
    (void)state;
    rmbt_ping_init(&ping, 0xfff00000u, 0);
    uint64_t lost = 0, re = 0;
    struct rmbt_ping_event got;
    for (uint64_t i = 0; i < 1000000; i++) {
        uint64_t now = T0 + i * MS;
        while (rmbt_ping_expire(&ping, now, true, &got))
            ;
        struct rmbt_ping_event ev = send_one(&ping, now);
        if (ev.number % 7 == 0) {
            lost++;
            continue;
        }
        enum rmbt_tag tag = ev.number % 13 == 0 ? RMBT_RE01 : RMBT_RR01;
        re += tag == RMBT_RE01;
        assert_int_equal(answer(&ping, ev.seq, tag, now + 2 * MS, &got),
                         IPPM_OK);
    }
    struct rmbt_ping_stats st;
    rmbt_ping_stats(&ping, &st);
    assert_int_equal(st.sent, 1000000);
    assert_int_equal(st.lost, lost);
    assert_int_equal(st.received, 1000000 - lost);
    assert_int_equal(st.re01, re);
    assert_int_equal(st.rtt.min, 2 * MS);
    assert_int_equal(st.rtt.max, 2 * MS);
    assert_true(st.rtt.stddev == 0.0);
    /* the lost ones after the last wait are reported; the rest pending */
    assert_true(ping.timed_out + rmbt_ping_pending(&ping) == lost);
    assert_true(rmbt_ping_pending(&ping) <= RMBT_PING_PENDING);
}

/* Notes §6: min/avg/max/mdev, mdev the population deviation:
 * 1, 2, 3, 4 ms give 2.5 and sqrt(1.25) = 1.118 ms. Nothing sent: 0 %. */
static void test_rmbt_ping_stats_population_mdev(void **state)
{
    (void)state;
    rmbt_ping_init(&ping, 5, 0);
    struct rmbt_ping_stats st;
    rmbt_ping_stats(&ping, &st);
    assert_int_equal(st.sent, 0);
    assert_true(st.loss_pct == 0.0);
    assert_int_equal(st.rtt.n, 0);
    struct rmbt_ping_event got;
    for (uint64_t i = 0; i < 5; i++)
        send_one(&ping, T0 + i * 1000 * MS);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(answer(&ping, 5 + i, RMBT_RR01,
                                T0 + i * 1000 * MS + (i + 1) * MS, &got),
                         IPPM_OK);
    rmbt_ping_stats(&ping, &st);
    assert_int_equal(st.sent, 5);
    assert_int_equal(st.received, 4);
    assert_int_equal(st.lost, 1);
    assert_true(st.loss_pct == 20.0);
    assert_int_equal(st.rtt.min, 1 * MS);
    assert_int_equal(st.rtt.max, 4 * MS);
    assert_true(st.rtt.mean > 2.5e6 - 1 && st.rtt.mean < 2.5e6 + 1);
    assert_true(st.rtt.stddev > 1118033.0 && st.rtt.stddev < 1118034.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rmbt_ping_numbers_and_wraps_sequences),
        cmocka_unit_test(test_rmbt_ping_re01_counts_received),
        cmocka_unit_test(test_rmbt_ping_ignores_duplicate_late_unknown),
        cmocka_unit_test(test_rmbt_ping_expires_oldest_first),
        cmocka_unit_test(test_rmbt_ping_full_window_expires_oldest),
        cmocka_unit_test(test_rmbt_ping_long_run_is_bounded_and_exact),
        cmocka_unit_test(test_rmbt_ping_stats_population_mdev),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
