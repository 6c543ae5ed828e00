/* Unit tests of udping_session.c: per-session counters and latency, the
 * 1..9 rule for minSeq/maxSeq (burst loss of 10, reorder, wrap at 2^32),
 * targetCount, flush after keepalive, the successor rule, a full table,
 * every drop reason counted, and the 2017 control packets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proto/udping/udping.h"

#define CAP 8
#define S   1000000000ull
#define T0  (1700000000ull * S)
#define KEEP (2 * S)

struct fx {
    struct udping_server s;
    struct udping_session slots[CAP];
    uint64_t mem[UDPING_SERVER_MEM(CAP) / 8 + 1];
    struct ippm_addr peer;
};

static const uint8_t SEED[IPPM_TABLE_SEED_LEN] = {1, 2, 3, 4, 5, 6, 7, 8};

static void fx_init_cap(struct fx *f, size_t cap, bool legacy)
{
    memset(f, 0, sizeof *f);
    assert_int_equal(udping_server_init(&f->s, f->slots, cap, f->mem,
                                        sizeof f->mem, SEED, KEEP, legacy),
                     IPPM_OK);
    f->peer.family = IPPM_AF_INET;
    f->peer.ip[0] = 127;
    f->peer.ip[3] = 1;
    f->peer.port = 5000;
}

static void fx_init(struct fx *f)
{
    fx_init_cap(f, CAP, false);
}

/* A v1 packet of guid g, seq, client start, sent at sent_ns. */
static size_t pkt(uint8_t *b, const char *g, uint32_t seq, int64_t start,
                  uint64_t sent_ns)
{
    struct udping_hdr h = {.version = 1, .client_start = start, .seq = seq,
                           .sent_sec = (int64_t)(sent_ns / S),
                           .sent_nsec = (int64_t)(sent_ns % S), .size = 72};
    memcpy(h.guid, g, UDPING_GUID_LEN);
    assert_int_equal(udping_encode(b, 72, &h), IPPM_OK);
    return 72;
}

/* Sends seq from g at now, 1 ms latency; asserts no report. */
static void put(struct fx *f, const char *g, uint32_t seq, uint64_t now)
{
    uint8_t b[72];
    struct udping_report r[UDPING_TAKE_REPORTS_MAX];
    size_t n = 99;
    pkt(b, g, seq, 1700000000, now - 1000000);
    assert_int_equal(udping_server_take(&f->s, b, 72, &f->peer, now, r, &n),
                     IPPM_OK);
    assert_int_equal(n, 0);
}

static const char *const G1 = "aaaaaaaaaaaaaaaaaaaa";
static const char *const G2 = "bbbbbbbbbbbbbbbbbbbb";
static const char *const G3 = "cccccccccccccccccccc";

/* Flushes everything and returns the report of guid g. */
static struct udping_report flush_one(struct fx *f, const char *g)
{
    struct udping_report r[CAP];
    size_t n = udping_server_flush(&f->s, 0, true, r, CAP);
    for (size_t i = 0; i < n; i++)
        if (memcmp(r[i].guid, g, UDPING_GUID_LEN) == 0)
            return r[i];
    fail_msg("no report for %s", g);
    return r[0];
}

static void test_udping_server_counts_and_latency(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    uint8_t b[72];
    /* latencies 1, 2, 3 ms */
    for (uint32_t i = 0; i < 3; i++) {
        pkt(b, G1, i, 1700000000, T0 + i * S);
        assert_int_equal(udping_server_take(&f.s, b, 72, &f.peer,
                                            T0 + i * S + (i + 1) * 1000000,
                                            NULL, NULL),
                         IPPM_OK);
    }
    assert_int_equal(udping_server_sessions(&f.s), 1);
    struct udping_report r = flush_one(&f, G1);
    assert_string_equal(r.guid, G1);
    assert_true(r.count == 3 && r.target == 3);
    assert_true(r.sum_ms > 5.999 && r.sum_ms < 6.001);
    assert_true(r.sos_ms > 13.999 && r.sos_ms < 14.001);
    assert_true(r.max_ms > 2.999 && r.max_ms < 3.001);
    assert_true(r.client_start == 1700000000);
    assert_true(ippm_addr_equal(&r.peer, &f.peer));
    assert_false(r.early);
    assert_true(f.s.taken == 3 && f.s.started == 1 && f.s.reported == 1);
    assert_int_equal(udping_server_sessions(&f.s), 0);
}

/* A negative latency (sender clock ahead) is kept as it is; max starts
 * at the first sample. */
static void test_udping_server_negative_latency(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    uint8_t b[72];
    pkt(b, G1, 0, 1, T0 + 5000000);
    assert_int_equal(udping_server_take(&f.s, b, 72, &f.peer, T0, NULL, NULL),
                     IPPM_OK);
    struct udping_report r = flush_one(&f, G1);
    assert_true(r.max_ms < -4.999 && r.max_ms > -5.001);
}

/* Every server check drops and counts, in the original's order. */
static void test_udping_server_drops_every_check(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    uint8_t b[80];
    pkt(b, G1, 0, 1, T0);
    assert_int_equal(udping_server_take(&f.s, b, 71, &f.peer, T0, NULL, NULL),
                     UDPING_ERR_SHORT);
    b[72] = 0;
    assert_int_equal(udping_server_take(&f.s, b, 73, &f.peer, T0, NULL, NULL),
                     UDPING_ERR_SIZE);
    b[0] = 2;
    assert_int_equal(udping_server_take(&f.s, b, 72, &f.peer, T0, NULL, NULL),
                     UDPING_ERR_VERSION);
    b[0] = 1;
    b[36] = 'z';
    assert_int_equal(udping_server_take(&f.s, b, 72, &f.peer, T0, NULL, NULL),
                     UDPING_ERR_GUID);
    assert_true(f.s.dropped[0] == 1 && f.s.dropped[1] == 1 &&
                f.s.dropped[2] == 1 && f.s.dropped[3] == 1);
    assert_true(f.s.taken == 4 && f.s.started == 0);
    assert_int_equal(udping_server_sessions(&f.s), 0);
}

/* Notes §5: a burst loss of 10 freezes maxSeq; the later packets count
 * but are not expected. A gap of 9 still moves it. */
static void test_udping_server_burst_loss_of_ten_freezes_max(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    put(&f, G1, 100, T0);
    put(&f, G1, 110, T0 + 1); /* +10: frozen */
    put(&f, G1, 111, T0 + 2);
    struct udping_report r = flush_one(&f, G1);
    assert_true(r.count == 3 && r.target == 1);
    assert_true(r.min_seq == 100 && r.max_seq == 100);

    fx_init(&f);
    put(&f, G1, 100, T0);
    put(&f, G1, 109, T0 + 1); /* +9: moves */
    put(&f, G1, 110, T0 + 2);
    r = flush_one(&f, G1);
    assert_true(r.count == 3 && r.target == 11);
}

/* Reordering: an earlier seq moves minSeq back (1..9), a late one inside
 * the range moves nothing, a duplicate counts twice. */
static void test_udping_server_reorder_and_duplicates(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    put(&f, G1, 50, T0);
    put(&f, G1, 52, T0 + 1);
    put(&f, G1, 47, T0 + 2); /* min 50 -> 47 */
    put(&f, G1, 51, T0 + 3); /* inside */
    put(&f, G1, 51, T0 + 4); /* duplicate */
    put(&f, G1, 37, T0 + 5); /* 10 before min: ignored */
    struct udping_report r = flush_one(&f, G1);
    assert_true(r.min_seq == 47 && r.max_seq == 52);
    assert_true(r.count == 6 && r.target == 6);
}

/* Sequence numbers wrap at 2^32: differences are u32. */
static void test_udping_server_wraps_at_2_32(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    put(&f, G1, UINT32_MAX - 1, T0);
    put(&f, G1, UINT32_MAX, T0 + 1);
    put(&f, G1, 0, T0 + 2);
    put(&f, G1, 3, T0 + 3);
    struct udping_report r = flush_one(&f, G1);
    assert_true(r.min_seq == UINT32_MAX - 1 && r.max_seq == 3);
    assert_true(r.count == 4 && r.target == 6);
    /* minSeq moves back across the wrap as well. */
    fx_init(&f);
    put(&f, G1, 2, T0);
    put(&f, G1, UINT32_MAX, T0 + 1);
    r = flush_one(&f, G1);
    assert_true(r.min_seq == UINT32_MAX && r.max_seq == 2);
    assert_true(r.target == 4);
}

/* Flush: not before keepalive has passed since the last arrival, then
 * least recently active first; the deadline says when. */
static void test_udping_server_flush_after_keepalive(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    struct udping_report r[CAP];
    assert_true(udping_server_deadline(&f.s) == UINT64_MAX);
    put(&f, G1, 0, T0);
    f.peer.port = 5001;
    put(&f, G2, 0, T0 + S);
    put(&f, G1, 1, T0 + S / 2); /* G1 active again... */
    f.peer.port = 5000;
    put(&f, G1, 2, T0 + 2 * S); /* ...and again, after G2 */
    assert_true(udping_server_deadline(&f.s) == T0 + S + KEEP + 1);
    assert_int_equal(udping_server_flush(&f.s, T0 + S + KEEP, false, r, CAP),
                     0);
    assert_int_equal(
        udping_server_flush(&f.s, T0 + S + KEEP + 1, false, r, CAP), 1);
    assert_string_equal(r[0].guid, G2);
    assert_true(udping_server_deadline(&f.s) == T0 + 2 * S + KEEP + 1);
    /* A clock that goes back flushes nothing. */
    assert_int_equal(udping_server_flush(&f.s, T0, false, r, CAP), 0);
    assert_int_equal(
        udping_server_flush(&f.s, T0 + 2 * S + KEEP + 1, false, r, CAP), 1);
    assert_string_equal(r[0].guid, G1);
    assert_true(r[0].count == 3 && r[0].target == 3);
    assert_true(f.s.reported == 2);
}

/* Every finished session is reported, cap at a time; the original
 * printed 1 of 12. */
static void test_udping_server_reports_every_session(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    char g[UDPING_GUID_LEN + 1];
    for (int i = 0; i < CAP; i++) {
        memset(g, 'a' + i, UDPING_GUID_LEN);
        g[UDPING_GUID_LEN] = 0;
        f.peer.port = (uint16_t)(5000 + i % 3);
        put(&f, g, (uint32_t)i, T0 + (uint64_t)i);
    }
    struct udping_report r[3];
    size_t total = 0, n;
    uint64_t now = T0 + 10 * KEEP;
    while ((n = udping_server_flush(&f.s, now, false, r, 3)) > 0) {
        for (size_t i = 0; i < n; i++)
            assert_int_equal(r[i].guid[0], 'a' + (int)(total + i));
        total += n;
    }
    assert_int_equal(total, CAP);
    assert_true(f.s.reported == CAP && f.s.evicted == 0);
    assert_int_equal(udping_server_flush(&f.s, now, true, r, 3), 0);
}

/* Notes §5: the successor (same peer:port and client_start, newer guid)
 * closes the session at successor.minSeq - 1, so tail loss counts. */
static void test_udping_server_successor_closes_tail(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    struct udping_report r[CAP];
    for (uint32_t i = 0; i < 5; i++) /* G1: 0..4 */
        put(&f, G1, i, T0 + i);
    /* 5..7 lost; G2 starts at 8 (seq goes on across the guid). */
    put(&f, G2, 8, T0 + 100);
    put(&f, G2, 9, T0 + 101);
    assert_int_equal(udping_server_flush(&f.s, T0 + 4 + KEEP + 1, false, r,
                                         CAP),
                     1);
    assert_string_equal(r[0].guid, G1);
    assert_true(r[0].count == 5 && r[0].target == 8); /* 0..7 */
    assert_true(r[0].max_seq == 7);
    /* G2 has no successor: its own range. */
    struct udping_report r2 = flush_one(&f, G2);
    assert_true(r2.count == 2 && r2.target == 2);
}

/* The closure obeys the 1..9 rule: a successor 11 ahead closes nothing. */
static void test_udping_server_successor_subject_to_step_rule(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    put(&f, G1, 0, T0);
    put(&f, G2, 11, T0 + 1);
    struct udping_report r = flush_one(&f, G1);
    assert_true(r.count == 1 && r.target == 1);
    /* 10 ahead: closes at 9, 9 - 0 = 9 moves. */
    fx_init(&f);
    put(&f, G1, 0, T0);
    put(&f, G2, 10, T0 + 1);
    r = flush_one(&f, G1);
    assert_true(r.target == 10);
}

/* No successor from another port, another client start or a session
 * already gone. */
static void test_udping_server_successor_needs_same_peer_and_start(void **state)
{
    (void)state;
    struct fx f;
    struct udping_report r;
    uint8_t b[72];
    /* another port */
    fx_init(&f);
    put(&f, G1, 0, T0);
    f.peer.port = 5001;
    put(&f, G2, 5, T0 + 1);
    r = flush_one(&f, G1);
    assert_true(r.target == 1);
    /* another client start (the client restarted on the same port) */
    fx_init(&f);
    put(&f, G1, 0, T0);
    pkt(b, G2, 5, 1700000001, T0);
    assert_int_equal(udping_server_take(&f.s, b, 72, &f.peer, T0 + 1, NULL,
                                        NULL),
                     IPPM_OK);
    r = flush_one(&f, G1);
    assert_true(r.target == 1);
    /* the successor idle first (G1 active again after it): its link
     * goes with it, and G1 keeps its own range */
    fx_init(&f);
    put(&f, G1, 0, T0);
    put(&f, G2, 5, T0 + 1);
    put(&f, G1, 1, T0 + 2);
    struct udping_report rr[CAP];
    assert_int_equal(udping_server_flush(&f.s, T0 + 1 + KEEP + 1, false, rr,
                                         CAP),
                     1);
    assert_string_equal(rr[0].guid, G2);
    assert_true(rr[0].target == 1);
    assert_int_equal(udping_server_flush(&f.s, T0 + 2 + KEEP + 1, false, rr,
                                         CAP),
                     1);
    assert_string_equal(rr[0].guid, G1);
    assert_true(rr[0].count == 2 && rr[0].target == 2);
}

/* A chain of three intervals: each closes at the next one's minSeq - 1. */
static void test_udping_server_successor_chain(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    put(&f, G1, 0, T0);
    put(&f, G2, 4, T0 + 1);
    put(&f, G3, 9, T0 + 2);
    struct udping_report r[CAP];
    assert_int_equal(udping_server_flush(&f.s, 0, true, r, CAP), 3);
    assert_true(r[0].target == 4 && r[1].target == 5 && r[2].target == 1);
}

/* A new guid on a full table reports the least recently active session
 * early; without room for the report it is dropped instead. */
static void test_udping_server_table_full(void **state)
{
    (void)state;
    struct fx f;
    fx_init_cap(&f, 2, false);
    uint8_t b[72];
    struct udping_report r[UDPING_TAKE_REPORTS_MAX];
    size_t n;
    put(&f, G1, 0, T0);
    put(&f, G2, 0, T0 + 1);
    put(&f, G1, 1, T0 + 2); /* G2 is now the least recently active */
    pkt(b, G3, 0, 1, T0);
    assert_int_equal(udping_server_take(&f.s, b, 72, &f.peer, T0 + 3, NULL,
                                        NULL),
                     UDPING_ERR_TABLE);
    assert_true(f.s.dropped[4] == 1);
    /* out without n_out: no early report either */
    assert_int_equal(udping_server_take(&f.s, b, 72, &f.peer, T0 + 3, r,
                                        NULL),
                     UDPING_ERR_TABLE);
    assert_int_equal(udping_server_take(&f.s, b, 72, &f.peer, T0 + 3, r, &n),
                     IPPM_OK);
    assert_int_equal(n, 1);
    assert_true(f.s.dropped[4] == 2);
    assert_string_equal(r[0].guid, G2);
    assert_true(r[0].early);
    assert_true(f.s.evicted == 1 && f.s.reported == 1);
    assert_int_equal(udping_server_sessions(&f.s), 2);
    /* the table still works: G1 and G3 flush normally */
    struct udping_report rr[2];
    assert_int_equal(udping_server_flush(&f.s, 0, true, rr, 2), 2);
    assert_string_equal(rr[0].guid, G1);
    assert_string_equal(rr[1].guid, G3);
}

static void test_udping_server_init_rejects_bad_args(void **state)
{
    (void)state;
    struct fx f;
    memset(&f, 0, sizeof f);
    assert_int_equal(udping_server_init(&f.s, f.slots, 0, f.mem, sizeof f.mem,
                                        SEED, KEEP, false),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(udping_server_init(&f.s, f.slots, CAP, f.mem,
                                        UDPING_SERVER_MEM(CAP) - 1, SEED,
                                        KEEP, false),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(udping_server_init(&f.s, NULL, CAP, f.mem, sizeof f.mem,
                                        SEED, KEEP, false),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(udping_server_init(&f.s, f.slots, CAP, NULL, 0, SEED,
                                        KEEP, false),
                     IPPM_ERR_BAD_ARG);
}

/* A deadline never overflows. */
static void test_udping_server_deadline_saturates(void **state)
{
    (void)state;
    struct fx f;
    memset(&f, 0, sizeof f);
    assert_int_equal(udping_server_init(&f.s, f.slots, CAP, f.mem,
                                        sizeof f.mem, SEED, UINT64_MAX - 5,
                                        false),
                     IPPM_OK);
    f.peer.family = IPPM_AF_INET;
    put(&f, G1, 0, T0);
    assert_true(udping_server_deadline(&f.s) == UINT64_MAX);
}

/* ---- the 2017 format (notes §8) ---- */

static size_t lpkt(uint8_t *b, const char *g, int32_t seq, bool control,
                   uint64_t sent_ns)
{
    struct udping_legacy_hdr h = {.control = control, .seq = seq,
                                  .ts_count = control ? 0 : 1,
                                  .size = control ? 64 : 65};
    if (!control) {
        h.sent_sec = (int64_t)(sent_ns / S);
        h.sent_nsec = (int64_t)(sent_ns % S);
    }
    memcpy(h.guid, g, UDPING_GUID_LEN);
    assert_int_equal(udping_legacy_encode(b, 65, &h), IPPM_OK);
    return (size_t)h.size;
}

/* Pings 1..3, one lost (2): control seq 4 says 3 expected; reported at
 * flush with count 2, target 3. */
static void test_udping_legacy_control_sets_expected(void **state)
{
    (void)state;
    struct fx f;
    fx_init_cap(&f, CAP, true);
    uint8_t b[65];
    struct udping_report r[UDPING_TAKE_REPORTS_MAX];
    size_t n, len;
    len = lpkt(b, G1, 1, false, T0);
    assert_int_equal(udping_server_take(&f.s, b, len, &f.peer, T0 + 2000000,
                                        r, &n),
                     IPPM_OK);
    len = lpkt(b, G1, 3, false, T0);
    assert_int_equal(udping_server_take(&f.s, b, len, &f.peer, T0 + 1000000,
                                        r, &n),
                     IPPM_OK);
    len = lpkt(b, G1, 4, true, 0);
    assert_int_equal(udping_server_take(&f.s, b, len, &f.peer, T0 + 3000000,
                                        r, &n),
                     IPPM_OK);
    assert_int_equal(n, 0);
    struct udping_report rr = flush_one(&f, G1);
    assert_true(rr.count == 2 && rr.target == 3);
    assert_true(rr.max_ms > 1.999 && rr.max_ms < 2.001);
    /* a v1 packet is not a legacy one: 72 octets whose size says 72 read
     * as a legacy size field at 56 (0): dropped as size */
    uint8_t v[72];
    pkt(v, G2, 0, 1, T0);
    assert_int_equal(udping_server_take(&f.s, v, 72, &f.peer, T0, r, &n),
                     UDPING_ERR_SIZE);
}

/* Reported at once when count == expected, before or after the control
 * packet; a control with seq 1 (no pings) reports an empty session. */
static void test_udping_legacy_reports_when_count_reaches_expected(void **state)
{
    (void)state;
    struct fx f;
    fx_init_cap(&f, CAP, true);
    uint8_t b[65];
    struct udping_report r[UDPING_TAKE_REPORTS_MAX];
    size_t n, len;
    len = lpkt(b, G1, 1, false, T0);
    udping_server_take(&f.s, b, len, &f.peer, T0, r, &n);
    len = lpkt(b, G1, 3, true, 0); /* expects 2: one still missing */
    udping_server_take(&f.s, b, len, &f.peer, T0, r, &n);
    assert_int_equal(n, 0);
    len = lpkt(b, G1, 2, false, T0); /* late ping: 2 == 2 */
    assert_int_equal(udping_server_take(&f.s, b, len, &f.peer, T0, r, &n),
                     IPPM_OK);
    assert_int_equal(n, 1);
    assert_true(r[0].count == 2 && r[0].target == 2 && !r[0].early);
    assert_int_equal(udping_server_sessions(&f.s), 0);
    len = lpkt(b, G2, 1, true, 0);
    assert_int_equal(udping_server_take(&f.s, b, len, &f.peer, T0, r, &n),
                     IPPM_OK);
    assert_int_equal(n, 1);
    assert_true(r[0].count == 0 && r[0].target == 0 && r[0].max_ms == 0);
    /* without out, the completed session waits for the flush */
    len = lpkt(b, G3, 1, true, 0);
    assert_int_equal(udping_server_take(&f.s, b, len, &f.peer, T0, NULL, NULL),
                     IPPM_OK);
    assert_int_equal(udping_server_sessions(&f.s), 1);
    /* a session flushed without its control packet: target 0 (the
     * README's "zero expected count on keepalive") */
    len = lpkt(b, G1, 1, false, T0);
    udping_server_take(&f.s, b, len, &f.peer, T0, r, &n);
    struct udping_report rr = flush_one(&f, G1);
    assert_true(rr.count == 1 && rr.target == 0);
}

/* A legacy packet of a new guid on a full table without out: dropped. */
static void test_udping_legacy_table_full(void **state)
{
    (void)state;
    struct fx f;
    fx_init_cap(&f, 1, true);
    uint8_t b[65];
    size_t len = lpkt(b, G1, 1, false, T0);
    assert_int_equal(udping_server_take(&f.s, b, len, &f.peer, T0, NULL, NULL),
                     IPPM_OK);
    len = lpkt(b, G2, 1, false, T0);
    assert_int_equal(udping_server_take(&f.s, b, len, &f.peer, T0, NULL, NULL),
                     UDPING_ERR_TABLE);
    assert_true(f.s.dropped[4] == 1);
}

/* One take can both evict and complete: two reports. */
static void test_udping_legacy_evict_and_complete(void **state)
{
    (void)state;
    struct fx f;
    fx_init_cap(&f, 1, true);
    uint8_t b[65];
    struct udping_report r[UDPING_TAKE_REPORTS_MAX];
    size_t n, len;
    len = lpkt(b, G1, 1, false, T0);
    udping_server_take(&f.s, b, len, &f.peer, T0, r, &n);
    len = lpkt(b, G2, 1, true, 0);
    assert_int_equal(udping_server_take(&f.s, b, len, &f.peer, T0, r, &n),
                     IPPM_OK);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].guid, G1);
    assert_true(r[0].early);
    assert_string_equal(r[1].guid, G2);
    assert_false(r[1].early);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udping_server_counts_and_latency),
        cmocka_unit_test(test_udping_server_negative_latency),
        cmocka_unit_test(test_udping_server_drops_every_check),
        cmocka_unit_test(test_udping_server_burst_loss_of_ten_freezes_max),
        cmocka_unit_test(test_udping_server_reorder_and_duplicates),
        cmocka_unit_test(test_udping_server_wraps_at_2_32),
        cmocka_unit_test(test_udping_server_flush_after_keepalive),
        cmocka_unit_test(test_udping_server_reports_every_session),
        cmocka_unit_test(test_udping_server_successor_closes_tail),
        cmocka_unit_test(test_udping_server_successor_subject_to_step_rule),
        cmocka_unit_test(test_udping_server_successor_needs_same_peer_and_start),
        cmocka_unit_test(test_udping_server_successor_chain),
        cmocka_unit_test(test_udping_server_table_full),
        cmocka_unit_test(test_udping_server_init_rejects_bad_args),
        cmocka_unit_test(test_udping_server_deadline_saturates),
        cmocka_unit_test(test_udping_legacy_control_sets_expected),
        cmocka_unit_test(test_udping_legacy_reports_when_count_reaches_expected),
        cmocka_unit_test(test_udping_legacy_table_full),
        cmocka_unit_test(test_udping_legacy_evict_and_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
