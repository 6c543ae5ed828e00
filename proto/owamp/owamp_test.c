/* Unit tests of owamp_fetch.c and owamp_session.c: the captured
 * Fetch-Session records (owamp-perfsonar-O.pcap), skip ranges, the
 * sender's log, and the Session-Receiver's bookkeeping (RFC 4656 §3.8,
 * §3.9, §4.2) on the captured A-mode packet and an O-mode session with
 * the captured schedule. OpenSSL is the crypto backend. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proto/common/ippm_cur.h"
#include "proto/common/ippm_time.h"
#include "proto/owamp/owamp.h"
#include "testsupport/owtw_fixtures.h"

/* ---- records ---- */

static void test_owamp_records_decode_the_captured_fetch(void **state)
{
    (void)state;
    uint8_t wire[256];
    size_t len = owtw_unhex(OWTW_OWAMP_O_RECORDS, wire, sizeof wire);
    assert_int_equal(len, owamp_records_len(10));
    struct ippm_guard g;
    uint8_t *b = ippm_guard_copy(&g, wire, len);
    struct owamp_record r[10];
    struct owamp_list_facts f;
    assert_int_equal(owamp_records_decode(r, 10, b, len, 10, &f), IPPM_OK);
    assert_false(f.pad_nonzero);
    /* record 0 is packet 0 of the session as sent (fixtures §3) */
    assert_int_equal(r[0].seq, 0);
    assert_true(r[0].send_ts == owtw_fixtures[3].ts);
    assert_true(r[0].recv_ts == 0xeeb14c6c598ba40dull);
    assert_int_equal(r[0].send_errest, 1);
    assert_int_equal(r[0].recv_errest, 1);
    assert_int_equal(r[0].ttl, 255);
    assert_int_equal(r[9].seq, 9);
    assert_false(owamp_record_is_lost(&r[9]));
    uint8_t again[256];
    size_t w;
    assert_int_equal(owamp_records_encode(again, sizeof again, r, 10, &w),
                     IPPM_OK);
    assert_int_equal(w, 256);
    assert_memory_equal(again, wire, 256);
    assert_int_equal(owamp_records_encode(again, 255, r, 10, &w),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(owamp_records_decode(r, 9, b, len, 10, &f),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(owamp_records_decode(r, 10, b + len - 249, 249, 10, &f),
                     IPPM_ERR_SHORT);
    /* the records alone, without their padding, read too */
    assert_int_equal(owamp_records_decode(r, 10, b, 250, 10, &f), IPPM_OK);
    ippm_guard_free(&g);
    wire[255] = 1;
    assert_int_equal(owamp_records_decode(r, 10, wire, len, 10, &f), IPPM_OK);
    assert_true(f.pad_nonzero);
}

/* RFC 4656 §3.8 example: a session started too late for its first 10
 * packets has one Skip Range, 0 to 9. */
static void test_owamp_skips_round_trip_and_report_disorder(void **state)
{
    (void)state;
    const struct owamp_skip s[3] = {{0, 9}, {12, 12}, {20, 30}};
    uint8_t buf[32];
    size_t w;
    assert_int_equal(owamp_skips_len(0), 0);
    assert_int_equal(owamp_skips_len(3), 32);
    assert_int_equal(owamp_skips_encode(buf, sizeof buf, s, 3, &w), IPPM_OK);
    assert_int_equal(w, 32);
    static const uint8_t want[8] = {0, 0, 0, 0, 0, 0, 0, 9};
    assert_memory_equal(buf, want, 8);
    struct owamp_skip d[3];
    struct owamp_list_facts f;
    assert_int_equal(owamp_skips_decode(d, 3, buf, 32, 3, &f), IPPM_OK);
    assert_false(f.disordered);
    assert_false(f.pad_nonzero);
    assert_int_equal(d[2].last, 30);
    ippm_store_u32(buf + 8, 9); /* {9,12} overlaps {0,9} */
    assert_int_equal(owamp_skips_decode(d, 3, buf, 32, 3, &f), IPPM_OK);
    assert_true(f.disordered);
    /* a Stop-Sessions record's view: the ranges without padding */
    assert_int_equal(owamp_skips_decode(d, 3, buf, 24, 3, &f), IPPM_OK);
    assert_int_equal(owamp_skips_decode(d, 3, buf, 23, 3, &f),
                     IPPM_ERR_SHORT);
    /* zero ranges: still a list, of zero octets (fixtures §4.12) */
    assert_int_equal(owamp_skips_decode(d, 0, buf, 0, 0, &f), IPPM_OK);
}

static void test_owamp_send_log_merges_skips(void **state)
{
    (void)state;
    struct owamp_skip s[2];
    struct owamp_send_log log;
    owamp_send_log_init(&log, s, 2);
    static const bool sent[10] = {false, false, true, false, true,
                                  true, false, false, false, true};
    for (uint32_t i = 0; i < 10; i++) {
        enum ippm_err e = owamp_send_log_note(&log, i, sent[i]);
        /* 6, 7, 8 make a third range: no room for it */
        assert_int_equal(e, i >= 6 && i <= 8 ? IPPM_ERR_NOSPACE : IPPM_OK);
    }
    assert_int_equal(log.next_seqno, 10);
    assert_int_equal(log.n, 2);
    assert_int_equal(s[0].first, 0);
    assert_int_equal(s[0].last, 1);
    assert_int_equal(s[1].first, 3);
    assert_true(log.overflow);
    assert_int_equal(owamp_send_log_note(&log, 12, true), IPPM_ERR_BAD_ARG);
}

/* ---- the receiver ---- */

static void keys_of(const struct owtw_fixture *f, struct owtw_test_keys *k)
{
    assert_int_equal(owtw_fixture_keys(f, k), IPPM_OK);
}

#define TIMEOUT_2S (2ull << 32)

static void test_owamp_receiver_records_the_captured_packet(void **state)
{
    (void)state;
    const struct owtw_fixture *f = &owtw_fixtures[5]; /* owamp-A-1 */
    struct owtw_test_keys k;
    keys_of(f, &k);
    struct owamp_receiver_config cfg = {&k, 10, TIMEOUT_2S, 0x0001, NULL};
    struct owamp_record rec[3];
    uint64_t seen[OWAMP_SEEN_WORDS(10)];
    struct owamp_receiver r;
    assert_int_equal(owamp_receiver_init(&r, &cfg, rec, 3, seen, 1), IPPM_OK);
    uint8_t rx[64];
    size_t len = owtw_unhex(f->sender_wire, rx, sizeof rx);
    uint64_t rx_ns = ippm_ns_from_ntp(0xeeb14c72d48e79aaull);
    struct ippm_rx_meta meta = {.rx_ns = rx_ns, .ttl = 255, .tos = -1};
    struct ippm_event ev = {IPPM_EV_DATAGRAM, rx_ns + 5, rx, len, &meta};
    struct ippm_action act;
    assert_int_equal(owamp_receiver_handle(&r, &ev, &act), IPPM_OK);
    assert_int_equal(act.kind, IPPM_ACT_NONE);
    assert_int_equal(act.why, IPPM_OK);
    assert_int_equal(r.n, 1);
    assert_true(rec[0].send_ts == f->ts);
    assert_true(rec[0].recv_ts - 0xeeb14c72d48e79aaull <= 5 ||
                0xeeb14c72d48e79aaull - rec[0].recv_ts <= 5);
    assert_int_equal(rec[0].ttl, 255);
    assert_int_equal(r.next_seqno, 1);
    /* RFC 4656 §4.2: a duplicate "MUST be recorded normally" */
    assert_int_equal(owamp_receiver_handle(&r, &ev, &act), IPPM_OK);
    assert_int_equal(act.why, IPPM_ERR_DUPLICATE);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.counters.duplicates, 1);
    /* the MAC fails: discarded */
    rx[2] ^= 0x40;
    assert_int_equal(owamp_receiver_handle(&r, &ev, &act), IPPM_OK);
    assert_int_equal(act.kind, IPPM_ACT_DROP);
    assert_int_equal(act.why, IPPM_ERR_HMAC);
    rx[2] ^= 0x40;
    /* more than Timeout after its send time: discarded */
    meta.rx_ns = rx_ns + 3 * IPPM_NS_PER_SEC;
    assert_int_equal(owamp_receiver_handle(&r, &ev, &act), IPPM_OK);
    assert_int_equal(act.why, IPPM_ERR_BAD_VALUE);
    meta.rx_ns = rx_ns;
    assert_int_equal(owamp_receiver_take(&r, rx, 47, rx_ns, 1),
                     IPPM_ERR_SHORT);
    assert_int_equal(owamp_receiver_take(&r, rx, len, rx_ns, 1),
                     IPPM_ERR_DUPLICATE);
    assert_int_equal(owamp_receiver_take(&r, rx, len, rx_ns, 1),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(r.counters.dropped, 2);
    owtw_test_keys_free(&k);
}

/* Builds packet seq of an open session sent at ts. */
static size_t open_pkt(uint8_t *buf, uint32_t seq, uint64_t ts)
{
    struct stamp_sender_pkt p = {.seq = seq, .ts = ts, .errest = 1};
    assert_int_equal(owtw_sender_pkt_encode(buf, 14, 14, &p, OWTW_TEST_OPEN),
                     IPPM_OK);
    return 14;
}

/* Stop-Sessions of the owamp-O-1 session: packets 0, 3, 1 and 9
 * arrived, 5 was skipped, and the Stop-Sessions comes when packet 8 was
 * due less than Timeout ago: lost records for 2, 4, 6, 7 with their
 * scheduled send times; 8 and 9 (and 9's record) are discarded. */
static void test_owamp_receiver_finish_writes_lost_records(void **state)
{
    (void)state;
    const struct owtw_fixture *f = &owtw_fixtures[3]; /* owamp-O-1 */
    const uint64_t *t = f->schedule;
    struct owtw_test_keys k;
    keys_of(f, &k);
    struct owamp_receiver_config cfg = {&k, 10, TIMEOUT_2S, 0x0001, NULL};
    struct owamp_record rec[10];
    uint64_t seen[1];
    struct owamp_receiver r;
    assert_int_equal(owamp_receiver_init(&r, &cfg, rec, 10, seen, 1), IPPM_OK);
    static const uint32_t order[4] = {0, 3, 1, 9};
    for (int i = 0; i < 4; i++) {
        uint8_t b[14];
        size_t len = open_pkt(b, order[i], t[order[i]]);
        assert_int_equal(owamp_receiver_take(&r, b, len,
                                             ippm_ns_from_ntp(t[order[i]]) +
                                                 1000,
                                             64),
                         IPPM_OK);
    }
    uint8_t sid[16];
    owtw_unhex(f->sid, sid, sizeof sid);
    const struct owtw_slot slot = {OWTW_SLOT_EXP, 0x0cccccccull};
    struct owtw_schedule s;
    assert_int_equal(owtw_schedule_init(&s, &owtw_ossl, sid, &slot, 1, f->start),
                     IPPM_OK);
    const struct owamp_skip skip = {5, 5};
    uint64_t now = ippm_ns_from_ntp(t[7] / 2 + t[8] / 2 + TIMEOUT_2S);
    assert_int_equal(owamp_receiver_finish(&r, &s, 10, &skip, 1, now),
                     IPPM_OK);
    static const uint32_t want[7] = {0, 3, 1, 2, 4, 6, 7};
    assert_int_equal(r.n, 7);
    for (int i = 0; i < 7; i++)
        assert_int_equal(rec[i].seq, want[i]);
    for (int i = 3; i < 7; i++) {
        assert_true(owamp_record_is_lost(&rec[i]));
        assert_true(rec[i].send_ts == t[want[i]]);
        assert_int_equal(rec[i].send_errest, OWAMP_LOST_SEND_ERREST);
        assert_int_equal(rec[i].ttl, 255);
    }
    assert_int_equal(rec[1].ttl, 64);
    owtw_schedule_free(&s);
}

/* RFC 4656 §4.2: with the schedule known, a packet whose send time is
 * more than Timeout from its scheduled time is discarded; Stop-Sessions
 * then takes the lost records' times from the same array. */
static void test_owamp_receiver_checks_packets_against_the_schedule(void **state)
{
    (void)state;
    const struct owtw_fixture *f = &owtw_fixtures[3]; /* owamp-O-1 */
    const uint64_t *t = f->schedule;
    uint8_t sid[16];
    owtw_unhex(f->sid, sid, sizeof sid);
    const struct owtw_slot slot = {OWTW_SLOT_EXP, 0x0cccccccull};
    struct owtw_schedule s;
    assert_int_equal(owtw_schedule_init(&s, &owtw_ossl, sid, &slot, 1,
                                        f->start),
                     IPPM_OK);
    uint64_t due[10];
    assert_int_equal(owtw_schedule_fill(&s, due, 10), IPPM_OK);
    assert_memory_equal(due, t, sizeof due);
    owtw_schedule_free(&s);
    struct owtw_test_keys k;
    keys_of(f, &k);
    struct owamp_receiver_config cfg = {&k, 10, TIMEOUT_2S, 0x0001, due};
    struct owamp_record rec[10];
    uint64_t seen[1];
    struct owamp_receiver r;
    assert_int_equal(owamp_receiver_init(&r, &cfg, rec, 10, seen, 1), IPPM_OK);
    uint8_t b[14];
    open_pkt(b, 2, t[2]);
    assert_int_equal(owamp_receiver_take(&r, b, 14, ippm_ns_from_ntp(t[2]), 9),
                     IPPM_OK);
    /* sent (and received) 3 s after its time: a clock jump, or replay */
    uint64_t late = t[3] + (3ull << 32);
    open_pkt(b, 3, late);
    assert_int_equal(owamp_receiver_take(&r, b, 14, ippm_ns_from_ntp(late), 9),
                     IPPM_ERR_BAD_VALUE);
    uint64_t now = ippm_ns_from_ntp(t[9] + TIMEOUT_2S + 1000);
    assert_int_equal(owamp_receiver_finish(&r, NULL, 10, NULL, 0, now),
                     IPPM_OK);
    assert_int_equal(r.n, 10);
    assert_true(rec[1].seq == 0 && rec[1].send_ts == t[0]);
    assert_true(rec[9].seq == 9 && owamp_record_is_lost(&rec[9]));
}

/* RFC 4656 §3.8: a Next Seqno below one received invalidates it all. */
static void test_owamp_receiver_finish_refuses_a_short_next_seqno(void **state)
{
    (void)state;
    struct owtw_test_keys k;
    owtw_test_keys_init(&k, NULL, OWTW_TEST_OPEN, NULL, NULL, NULL);
    struct owamp_receiver_config cfg = {&k, 10, TIMEOUT_2S, 0x0001, NULL};
    struct owamp_record rec[4];
    uint64_t seen[1];
    struct owamp_receiver r;
    assert_int_equal(owamp_receiver_init(&r, &cfg, rec, 4, seen, 0),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(owamp_receiver_init(&r, &cfg, rec, 4, seen, 1), IPPM_OK);
    uint8_t b[14];
    uint64_t ts = 0xeeb14c6c59810d8eull;
    open_pkt(b, 4, ts);
    assert_int_equal(owamp_receiver_take(&r, b, 14, ippm_ns_from_ntp(ts), 1),
                     IPPM_OK);
    open_pkt(b, 10, ts);
    assert_int_equal(owamp_receiver_take(&r, b, 14, ippm_ns_from_ntp(ts), 1),
                     IPPM_ERR_UNEXPECTED);
    uint8_t sid[16] = {0};
    const struct owtw_slot slot = {OWTW_SLOT_FIXED, 1ull << 32};
    struct owtw_schedule s;
    owtw_schedule_init(&s, &owtw_ossl, sid, &slot, 1, 0);
    assert_int_equal(owamp_receiver_finish(&r, &s, 4, NULL, 0,
                                           ippm_ns_from_ntp(ts)),
                     IPPM_ERR_BAD_VALUE);
    owtw_schedule_free(&s);
    struct ippm_event stop = {IPPM_EV_STOP, 0, NULL, 0, NULL};
    struct ippm_action act;
    owamp_receiver_handle(&r, &stop, &act);
    assert_int_equal(act.kind, IPPM_ACT_DONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owamp_records_decode_the_captured_fetch),
        cmocka_unit_test(test_owamp_skips_round_trip_and_report_disorder),
        cmocka_unit_test(test_owamp_send_log_merges_skips),
        cmocka_unit_test(test_owamp_receiver_records_the_captured_packet),
        cmocka_unit_test(test_owamp_receiver_finish_writes_lost_records),
        cmocka_unit_test(test_owamp_receiver_finish_refuses_a_short_next_seqno),
        cmocka_unit_test(test_owamp_receiver_checks_packets_against_the_schedule),
    };
    return cmocka_run_group_tests(tests, owtw_ossl_setup, owtw_ossl_teardown);
}
