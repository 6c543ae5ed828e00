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
#include "proto/owtw/owtw_test_packets_test.h"
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
    assert_int_equal(owamp_skips_decode(d, 3, buf, 23, 3, &f), IPPM_ERR_SHORT);
    /* zero ranges: still a list, of zero octets (fixtures §4.12) */
    assert_int_equal(owamp_skips_decode(d, 0, buf, 0, 0, &f), IPPM_OK);
}

static void test_owamp_send_log_merges_skips(void **state)
{
    (void)state;
    struct owamp_skip s[2];
    struct owamp_send_log log;
    owamp_send_log_init(&log, s, 2);
    static const bool sent[10] = {false, false, true,  false, true,
                                  true,  false, false, false, true};
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
    assert_int_equal(owamp_receiver_take(&r, rx, 47, rx_ns, 1), IPPM_ERR_SHORT);
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
        assert_int_equal(
            owamp_receiver_take(&r, b, len,
                                ippm_ns_from_ntp(t[order[i]]) + 1000, 64),
            IPPM_OK);
    }
    uint8_t sid[16];
    owtw_unhex(f->sid, sid, sizeof sid);
    const struct owtw_slot slot = {OWTW_SLOT_EXP, 0x0cccccccull};
    struct owtw_schedule s;
    assert_int_equal(
        owtw_schedule_init(&s, &owtw_ossl, sid, &slot, 1, f->start), IPPM_OK);
    const struct owamp_skip skip = {5, 5};
    uint64_t now = ippm_ns_from_ntp(t[7] / 2 + t[8] / 2 + TIMEOUT_2S);
    assert_int_equal(owamp_receiver_finish(&r, &s, 10, &skip, 1, now), IPPM_OK);
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
static void
test_owamp_receiver_checks_packets_against_the_schedule(void **state)
{
    (void)state;
    const struct owtw_fixture *f = &owtw_fixtures[3]; /* owamp-O-1 */
    const uint64_t *t = f->schedule;
    uint8_t sid[16];
    owtw_unhex(f->sid, sid, sizeof sid);
    const struct owtw_slot slot = {OWTW_SLOT_EXP, 0x0cccccccull};
    struct owtw_schedule s;
    assert_int_equal(
        owtw_schedule_init(&s, &owtw_ossl, sid, &slot, 1, f->start), IPPM_OK);
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

/* End to end: owampd's receiver recorded session 1 of owamp-perfsonar-O
 * and sent the records in its Fetch-Session reply. Ours, given the same
 * packets at the same receive times and TTLs, records the same. */
static void test_owamp_receiver_records_as_owampd_fetched(void **state)
{
    (void)state;
    uint8_t wire[256];
    owtw_unhex(OWTW_OWAMP_O_RECORDS, wire, sizeof wire);
    struct owamp_record want[10], rec[10];
    struct owamp_list_facts facts;
    assert_int_equal(owamp_records_decode(want, 10, wire, 256, 10, &facts),
                     IPPM_OK);
    struct owtw_test_keys k;
    keys_of(&owtw_fixtures[3], &k); /* owamp-O-1 */
    struct owamp_receiver_config cfg = {&k, 10, TIMEOUT_2S, 0x0001, NULL};
    uint64_t seen[1];
    struct owamp_receiver r;
    assert_int_equal(owamp_receiver_init(&r, &cfg, rec, 10, seen, 1), IPPM_OK);
    const struct owtw_cap *c = &owtw_caps[3];
    assert_string_equal(c->name, "owamp-O");
    size_t got = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->pkt[i].dport != 19234) /* session 1's receive port */
            continue;
        uint8_t b[64];
        size_t len = owtw_unhex(c->pkt[i].hex, b, sizeof b);
        const struct owamp_record *w = &want[got++];
        assert_int_equal(owamp_receiver_take(&r, b, len,
                                             ippm_ns_from_ntp(w->recv_ts),
                                             c->pkt[i].ttl),
                         IPPM_OK);
    }
    assert_int_equal(got, 10);
    uint8_t sid[16] = {0};
    const struct owtw_slot slot = {OWTW_SLOT_FIXED, 0};
    struct owtw_schedule s;
    owtw_schedule_init(&s, &owtw_ossl, sid, &slot, 1, 0);
    assert_int_equal(owamp_receiver_finish(&r, &s, 10, NULL, 0,
                                           ippm_ns_from_ntp(want[9].recv_ts) +
                                               3 * IPPM_NS_PER_SEC),
                     IPPM_OK);
    owtw_schedule_free(&s);
    assert_int_equal(r.n, 10);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(rec[i].seq, want[i].seq);
        assert_true(rec[i].send_ts == want[i].send_ts);
        assert_int_equal(rec[i].send_errest, want[i].send_errest);
        assert_int_equal(rec[i].recv_errest, want[i].recv_errest);
        assert_int_equal(rec[i].ttl, want[i].ttl);
        uint64_t d = rec[i].recv_ts - want[i].recv_ts;
        assert_true(d <= 5 || -d <= 5); /* through ns and back */
        rec[i].recv_ts = want[i].recv_ts;
    }
    uint8_t again[256];
    size_t w;
    assert_int_equal(owamp_records_encode(again, sizeof again, rec, 10, &w),
                     IPPM_OK);
    assert_memory_equal(again, wire, 256);
}

/* ---- the sender ---- */

/* Packet 0 of owamp-perfsonar-A session 1, sent when owping sent it, is
 * the captured packet (its timestamp through ns and back, rewritten
 * exact; mode A keeps it out of the sealed block). */
static void test_owamp_sender_sends_the_captured_packet(void **state)
{
    (void)state;
    const struct owtw_fixture *f = &owtw_fixtures[5]; /* owamp-A-1 */
    struct owtw_test_keys k;
    keys_of(f, &k);
    const struct owtw_slot slot = {OWTW_SLOT_EXP, 0x0cccccccull};
    struct owamp_sender_config cfg = {.keys = &k,
                                      .slots = &slot,
                                      .n_slots = 1,
                                      .start = f->start,
                                      .npackets = 10,
                                      .timeout = TIMEOUT_2S,
                                      .pkt_len = 48,
                                      .errest = 1};
    owtw_unhex(f->sid, cfg.sid, sizeof cfg.sid);
    struct owamp_sender s;
    assert_int_equal(owamp_sender_init(&s, &owtw_ossl, &cfg), IPPM_OK);
    uint64_t due = owamp_sender_deadline(&s);
    uint64_t sent = ippm_ns_from_ntp(f->ts);
    assert_true(due < sent && sent - due < 300000); /* fixtures §2 */
    uint8_t tx[64], wire[64];
    owtw_unhex(f->sender_wire, wire, sizeof wire);
    struct ippm_action act;
    struct ippm_event t = {IPPM_EV_TIMER, due - 1, NULL, 0, NULL};
    assert_int_equal(owamp_sender_handle(&s, &t, tx, sizeof tx, &act), IPPM_OK);
    assert_int_equal(act.kind, IPPM_ACT_NONE);
    t.now_ns = sent;
    assert_int_equal(owamp_sender_handle(&s, &t, tx, 47, &act),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(owamp_sender_handle(&s, &t, tx, sizeof tx, &act), IPPM_OK);
    assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(act.len, 48);
    assert_int_equal(act.seq, 0);
    assert_int_equal(
        owtw_test_restamp(tx, 48, STAMP_PKT_SENDER, k.mode, f->ts, false),
        IPPM_OK);
    assert_memory_equal(tx, wire, 48);
    assert_true(owamp_sender_deadline(&s) > sent);
    owamp_sender_free(&s);
    owtw_test_keys_free(&k);
}

/* RFC 4656 §4.1.1: a packet due more than Timeout ago "MUST NOT" be
 * sent and goes into a Skip Range; later ones go out at once, one per
 * TIMER, each with its real departure time. */
static void test_owamp_sender_skips_what_is_too_late(void **state)
{
    (void)state;
    struct owtw_test_keys k;
    owtw_test_keys_init(&k, NULL, OWTW_TEST_OPEN, NULL, NULL, NULL);
    const struct owtw_slot slot = {OWTW_SLOT_FIXED, 1ull << 32};
    const uint8_t pad[4] = {9, 8, 7, 6};
    uint64_t start = (IPPM_NTP_UNIX_OFFSET + 1000) << 32;
    struct owamp_sender_config cfg = {.keys = &k,
                                      .slots = &slot,
                                      .n_slots = 1,
                                      .start = start,
                                      .npackets = 6,
                                      .timeout = TIMEOUT_2S,
                                      .pkt_len = 18,
                                      .padding = pad,
                                      .errest = 1};
    struct owamp_sender s;
    assert_int_equal(owamp_sender_init(&s, &owtw_ossl, &cfg), IPPM_OK);
    assert_true(owamp_sender_deadline(&s) == 1001 * IPPM_NS_PER_SEC);
    uint8_t tx[32];
    struct ippm_action act;
    uint64_t now = 1005 * IPPM_NS_PER_SEC + IPPM_NS_PER_SEC / 2;
    struct ippm_event t = {IPPM_EV_TIMER, now, NULL, 0, NULL};
    /* 1001, 1002, 1003 are 4.5, 3.5, 2.5 s late: skipped; 1004 is sent */
    assert_int_equal(owamp_sender_handle(&s, &t, tx, sizeof tx, &act), IPPM_OK);
    assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(act.seq, 3);
    struct stamp_sender_pkt p;
    assert_int_equal(owtw_sender_pkt_decode(&p, tx, 18, OWTW_TEST_OPEN),
                     IPPM_OK);
    assert_true(p.ts == ippm_ntp_from_ns(now));
    assert_memory_equal(p.extra, pad, 4);
    assert_true(owamp_sender_deadline(&s) <= now);
    assert_int_equal(owamp_sender_handle(&s, &t, tx, sizeof tx, &act), IPPM_OK);
    assert_int_equal(act.seq, 4);
    assert_int_equal(owamp_sender_handle(&s, &t, tx, sizeof tx, &act), IPPM_OK);
    assert_int_equal(act.kind, IPPM_ACT_NONE);
    assert_int_equal(s.log.next_seqno, 5);
    assert_int_equal(s.log.n, 1);
    assert_int_equal(s.skips[0].first, 0);
    assert_int_equal(s.skips[0].last, 2);
    assert_int_equal(s.counters.skipped, 3);
    t.now_ns = 1006 * IPPM_NS_PER_SEC;
    assert_int_equal(owamp_sender_handle(&s, &t, tx, sizeof tx, &act), IPPM_OK);
    assert_int_equal(act.seq, 5);
    /* the last packet is out: the driver is asked for TIMER at once, to
     * hear DONE (a deadline of UINT64_MAX would never bring it) */
    assert_true(owamp_sender_deadline(&s) <= t.now_ns);
    assert_int_equal(owamp_sender_handle(&s, &t, tx, sizeof tx, &act), IPPM_OK);
    assert_int_equal(act.kind, IPPM_ACT_DONE);
    assert_true(owamp_sender_deadline(&s) == UINT64_MAX);
    assert_int_equal(s.counters.sent, 3);
    struct ippm_event stop = {IPPM_EV_STOP, now, NULL, 0, NULL};
    owamp_sender_handle(&s, &stop, tx, sizeof tx, &act);
    assert_int_equal(act.kind, IPPM_ACT_NONE); /* DONE was said once */
    struct ippm_event d = {IPPM_EV_DATAGRAM, now, tx, 18, NULL};
    owamp_sender_handle(&s, &d, tx, sizeof tx, &act);
    assert_int_equal(act.why, IPPM_ERR_UNEXPECTED);
    owamp_sender_free(&s);
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
    assert_int_equal(
        owamp_receiver_finish(&r, &s, 4, NULL, 0, ippm_ns_from_ntp(ts)),
        IPPM_ERR_BAD_VALUE);
    owtw_schedule_free(&s);
    /* finish ended the session: STOP finds nothing left to end, and a
     * fresh receiver's STOP ends it, once */
    struct ippm_event stop = {IPPM_EV_STOP, 0, NULL, 0, NULL};
    struct ippm_action act;
    owamp_receiver_handle(&r, &stop, &act);
    assert_int_equal(act.kind, IPPM_ACT_NONE);
    assert_int_equal(owamp_receiver_init(&r, &cfg, rec, 4, seen, 1), IPPM_OK);
    owamp_receiver_handle(&r, &stop, &act);
    assert_int_equal(act.kind, IPPM_ACT_DONE);
    owamp_receiver_handle(&r, &stop, &act);
    assert_int_equal(act.kind, IPPM_ACT_NONE);
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
        cmocka_unit_test(
            test_owamp_receiver_checks_packets_against_the_schedule),
        cmocka_unit_test(test_owamp_receiver_records_as_owampd_fetched),
        cmocka_unit_test(test_owamp_sender_sends_the_captured_packet),
        cmocka_unit_test(test_owamp_sender_skips_what_is_too_late),
    };
    return cmocka_run_group_tests(tests, owtw_ossl_setup, owtw_ossl_teardown);
}
