/* Unit tests of TWAMP-Light on STAMP's code (stamp_twl.c and the
 * TWAMP-Light flavour of the reflector and sender): RFC 5357 §4.1.2,
 * §4.2.1, Appendix I, and the padding rules of RFC 6038 §5.1.3, §5.1.4,
 * §5.2.1. Packets are built and read at the RFC's offsets by hand; every
 * packet handed to proto ends flush against a PROT_NONE page. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../common/ippm_cur.h"
#include "stamp.h"

#define NS IPPM_NS_PER_SEC
#define US 1000ull
#define T0 (1795608068ull * NS)

/* RFC 5357 §4.2.1 unauthenticated reply offsets. */
enum { R_SEQ = 0, R_TS = 4, R_ERREST = 12, R_MBZ1 = 14, R_RXTS = 16,
       R_SSSEQ = 24, R_SSTS = 28, R_SSERR = 36, R_MBZ2 = 38, R_TTL = 40,
       R_PAD = 41 };

/* A 14-octet request and len - 14 octets of padding: 0x80 + i at i. */
static void mk_request(uint8_t *b, size_t len, uint32_t seq, uint64_t ts,
                       uint16_t errest)
{
    for (size_t i = 0; i < len; i++)
        b[i] = (uint8_t)(0x80 + i);
    ippm_store_u32(b, seq);
    ippm_store_u64(b + 4, ts);
    ippm_store_u16(b + 12, errest);
}

static struct ippm_rx_meta meta_of(uint64_t rx_ns, int ttl)
{
    struct ippm_rx_meta m;
    memset(&m, 0, sizeof m);
    m.rx_ns = rx_ns;
    m.ttl = (int16_t)ttl;
    m.tos = -1;
    m.peer.family = IPPM_AF_INET;
    m.peer.ip[0] = 192, m.peer.ip[1] = 0, m.peer.ip[2] = 2, m.peer.ip[3] = 9;
    m.peer.port = 40000;
    m.local.family = IPPM_AF_INET;
    m.local.ip[0] = 198, m.local.ip[1] = 51, m.local.ip[2] = 100;
    m.local.ip[3] = 1;
    m.local.port = STAMP_PORT;
    return m;
}

static struct stamp_reflector R;
static uint8_t reply[2048];

static void refl_init(bool stateful, bool symmetrical)
{
    struct stamp_reflector_config c;
    memset(&c, 0, sizeof c);
    c.mode = STAMP_MODE_OPEN;
    c.flavour = STAMP_FLAVOUR_TWAMP_LIGHT;
    c.twl_symmetrical = symmetrical;
    c.stateful = stateful;
    c.tsfmt = IPPM_TS_NTP;
    c.errest.synced = true;
    c.errest.scale = 9;
    c.errest.mult = 5;
    c.session_timeout_ns = NS;
    c.tlv = true; /* ignored in TWAMP-Light */
    stamp_reflector_init(&R, &c);
}

/* Hands len octets of req to the reflector, both it and tx guarded. */
static struct ippm_action refl_rx(const uint8_t *req, size_t len, int ttl,
                                   uint64_t now)
{
    struct ippm_guard gp, gt;
    const uint8_t *p = ippm_guard_copy(&gp, req, len);
    static uint8_t dirty[2048];
    memset(dirty, 0xee, sizeof dirty);
    size_t cap = len > R_PAD ? len : R_PAD;
    uint8_t *tx = ippm_guard_copy(&gt, dirty, cap);
    struct ippm_rx_meta m = meta_of(now - 10 * US, ttl);
    struct ippm_event ev = {IPPM_EV_DATAGRAM, now, p, len, &m};
    struct ippm_action act;
    memset(&act, 0, sizeof act);
    assert_int_equal(stamp_reflector_handle(&R, &ev, tx, cap, &act), IPPM_OK);
    memset(reply, 0, sizeof reply);
    if (act.kind == IPPM_ACT_SEND_DATAGRAM)
        memcpy(reply, tx, act.len);
    ippm_guard_free(&gp);
    ippm_guard_free(&gt);
    return act;
}

/* RFC 5357 §4.2.1: a 14-octet request gets a 41-octet reply with the
 * sender's fields copied, both timestamps, the TTL, and MBZ zero. */
static void test_twl_reflector_answers_14_with_41(void **state)
{
    (void)state;
    uint8_t req[14];
    refl_init(false, false);
    mk_request(req, sizeof req, 7, 0x1122334455667788ull, 0x8001);
    struct ippm_action a = refl_rx(req, sizeof req, 61, T0);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(a.len, STAMP_TWL_REFLECTOR_LEN);
    assert_int_equal(ippm_load_u32(reply + R_SEQ), 7); /* Appendix I */
    assert_int_equal(ippm_load_u32(reply + R_SSSEQ), 7);
    assert_true(ippm_load_u64(reply + R_SSTS) == 0x1122334455667788ull);
    assert_int_equal(ippm_load_u16(reply + R_SSERR), 0x8001);
    assert_int_equal(reply[R_TTL], 61);
    assert_int_equal(ippm_load_u16(reply + R_MBZ1), 0);
    assert_int_equal(ippm_load_u16(reply + R_MBZ2), 0);
    assert_true(ippm_load_u64(reply + R_RXTS) ==
                ippm_ts_from_ns(T0 - 10 * US, IPPM_TS_NTP));
    assert_true(ippm_load_u64(reply + R_TS) ==
                ippm_ts_from_ns(T0, IPPM_TS_NTP));
    assert_int_equal(ippm_load_u16(reply + R_ERREST) & 0x8000, 0x8000);
}

/* RFC 6038 §5.1.3, §5.2.1: from 41 octets up the reply is as long as the
 * request, its padding the request's from octet 14, less the last 27. */
static void test_twl_reflector_truncates_padding(void **state)
{
    (void)state;
    static const size_t lens[] = {15, 40, 41, 42, 100, 1000};
    refl_init(false, false);
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        uint8_t req[1000];
        mk_request(req, lens[k], (uint32_t)k, 1, 1);
        struct ippm_action a = refl_rx(req, lens[k], 64, T0);
        size_t want = lens[k] > 41 ? lens[k] : 41;
        assert_int_equal(a.len, want);
        assert_memory_equal(reply + R_PAD, req + 14, want - R_PAD);
        /* the fields of the reply sit where the request's padding was */
        assert_int_equal(ippm_load_u32(reply + R_SSSEQ), k);
    }
}

/* RFC 6038 §5.1.4, §5.2.3: in the symmetrical format the padding to
 * reflect follows 27 MBZ octets and comes back at the same place. */
static void test_twl_reflector_symmetrical_copies_from_41(void **state)
{
    (void)state;
    uint8_t req[64];
    refl_init(false, true);
    mk_request(req, sizeof req, 3, 1, 1);
    struct ippm_action a = refl_rx(req, sizeof req, 64, T0);
    assert_int_equal(a.len, sizeof req);
    assert_memory_equal(reply + R_PAD, req + R_PAD, sizeof req - R_PAD);
}

/* Below 14 octets there is no request to answer; STAMP's SSID octets are
 * padding, never matched (no unknown-session drop). */
static void test_twl_reflector_short_and_ssid(void **state)
{
    (void)state;
    uint8_t req[44];
    refl_init(false, false);
    mk_request(req, 13, 1, 1, 1);
    struct ippm_action a = refl_rx(req, 13, 64, T0);
    assert_int_equal(a.kind, IPPM_ACT_DROP);
    assert_int_equal(a.why, IPPM_ERR_SHORT);
    R.cfg.ssids[0] = 5;
    R.cfg.n_ssids = 1;
    mk_request(req, 44, 1, 1, 1); /* octets 14-15: 0x8e8f */
    a = refl_rx(req, 44, 64, T0);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(ippm_load_u16(reply + R_MBZ1), 0);
}

/* RFC 5357 §4.2.1: a stateful reflector numbers its replies from zero,
 * independent of the requests' numbers. */
static void test_twl_reflector_stateful_numbers(void **state)
{
    (void)state;
    uint8_t req[41];
    refl_init(true, false);
    for (uint32_t k = 0; k < 3; k++) {
        mk_request(req, sizeof req, 100 + 2 * k, 1, 1);
        struct ippm_action a = refl_rx(req, sizeof req, 64, T0 + k * US);
        assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
        assert_int_equal(ippm_load_u32(reply + R_SEQ), k);
        assert_int_equal(ippm_load_u32(reply + R_SSSEQ), 100 + 2 * k);
    }
}

/* The codecs: a reply's MBZ is reported, the padding is a view from 41,
 * and the sender's packet carries no SSID. */
static void test_twl_codecs(void **state)
{
    (void)state;
    uint8_t b[50], out[50];
    struct stamp_reflector_pkt r;
    memset(b, 0, sizeof b);
    b[R_TTL] = 9;
    b[45] = 0xaa;
    assert_int_equal(stamp_twl_reflector_pkt_decode(&r, b, 40), IPPM_ERR_SHORT);
    assert_int_equal(stamp_twl_reflector_pkt_decode(&r, b, 50), IPPM_OK);
    assert_false(r.mbz_nonzero);
    assert_int_equal(r.ss_ttl, 9);
    assert_int_equal(r.extra_len, 9);
    assert_ptr_equal(r.extra, b + 41);
    b[39] = 1;
    assert_int_equal(stamp_twl_reflector_pkt_decode(&r, b, 41), IPPM_OK);
    assert_true(r.mbz_nonzero);
    assert_null(r.extra);
    b[39] = 0;
    b[15] = 1;
    assert_int_equal(stamp_twl_reflector_pkt_decode(&r, b, 41), IPPM_OK);
    assert_true(r.mbz_nonzero);
    assert_int_equal(r.ssid, 0);
    r.ssid = 0x1234;
    r.extra = NULL;
    assert_int_equal(stamp_twl_reflector_pkt_encode(out, 40, 41, &r),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(stamp_twl_reflector_pkt_encode(out, 50, 40, &r),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(stamp_twl_reflector_pkt_encode(out, 50, 50, &r),
                     IPPM_OK);
    assert_int_equal(ippm_load_u16(out + R_MBZ1), 0);
    assert_int_equal(out[R_TTL], 9);
    assert_int_equal(out[49], 0);

    struct stamp_sender_pkt s = {.seq = 5, .ts = 6, .errest = 7};
    assert_int_equal(stamp_twl_sender_pkt_encode(out, 50, 13, &s),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(stamp_twl_sender_pkt_encode(out, 50, 14, &s), IPPM_OK);
    assert_int_equal(ippm_load_u32(out), 5);
    assert_true(ippm_load_u64(out + 4) == 6);
    assert_int_equal(ippm_load_u16(out + 12), 7);
    struct stamp_sender_pkt d;
    assert_int_equal(stamp_twl_sender_pkt_decode(&d, out, 13), IPPM_ERR_SHORT);
    assert_int_equal(stamp_twl_sender_pkt_decode(&d, b, 50), IPPM_OK);
    assert_int_equal(d.ssid, 0);
    assert_int_equal(d.extra_len, 36);
}

/* ---- sender ---- */

static struct stamp_sender S;
static struct stamp_result RES[8];

static void snd_init(size_t len)
{
    struct stamp_sender_config c;
    memset(&c, 0, sizeof c);
    c.mode = STAMP_MODE_OPEN;
    c.flavour = STAMP_FLAVOUR_TWAMP_LIGHT;
    c.tsfmt = IPPM_TS_NTP;
    c.errest.mult = 1;
    c.pkt_len = len;
    c.count = 2;
    c.interval_ns = 1000 * US;
    c.wait_ns = NS;
    c.start_ns = T0;
    assert_int_equal(stamp_sender_init(&S, &c, RES, 8), IPPM_OK);
}

/* The sender sends 14 octets and padding, and measures a TWAMP-Light
 * reflector's 41-octet reply as a whole one; SSID and TLVs are refused. */
static void test_twl_sender_against_reflector(void **state)
{
    (void)state;
    uint8_t tx[64];
    struct ippm_action a;
    struct stamp_sender_config bad;
    memset(&bad, 0, sizeof bad);
    bad.flavour = STAMP_FLAVOUR_TWAMP_LIGHT;
    bad.pkt_len = 13;
    bad.count = 1;
    assert_int_equal(stamp_sender_init(&S, &bad, RES, 8), IPPM_ERR_BAD_ARG);
    bad.pkt_len = 14;
    bad.ssid = 1;
    assert_int_equal(stamp_sender_init(&S, &bad, RES, 8), IPPM_ERR_BAD_ARG);

    snd_init(14);
    refl_init(false, false);
    struct ippm_event t = {IPPM_EV_TIMER, T0, NULL, 0, NULL};
    assert_int_equal(stamp_sender_handle(&S, &t, tx, sizeof tx, &a), IPPM_OK);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(a.len, 14);
    a = refl_rx(tx, 14, 60, T0 + 100 * US);
    assert_int_equal(a.len, 41);
    struct ippm_rx_meta m = meta_of(T0 + 200 * US, 64);
    struct ippm_event ev = {IPPM_EV_DATAGRAM, T0 + 200 * US, reply, 41, &m};
    assert_int_equal(stamp_sender_handle(&S, &ev, tx, sizeof tx, &a),
                     IPPM_OK);
    assert_int_equal(a.kind, IPPM_ACT_NONE);
    assert_int_equal(RES[0].state, STAMP_RES_RECEIVED);
    assert_int_equal(RES[0].short_len, 0);
    assert_int_equal(RES[0].refl_ttl, 60);
    assert_int_equal(S.counters.short_replies, 0);
    /* 40 octets are short (no TTL): measured, but counted apart */
    t.now_ns = T0 + 1000 * US;
    assert_int_equal(stamp_sender_handle(&S, &t, tx, sizeof tx, &a), IPPM_OK);
    a = refl_rx(tx, 14, 60, T0 + 1100 * US);
    ev.len = 40;
    ev.now_ns = T0 + 1200 * US;
    assert_int_equal(stamp_sender_handle(&S, &ev, tx, sizeof tx, &a),
                     IPPM_OK);
    assert_int_equal(RES[1].state, STAMP_RES_RECEIVED);
    assert_int_equal(S.counters.short_replies, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_twl_reflector_answers_14_with_41),
        cmocka_unit_test(test_twl_reflector_truncates_padding),
        cmocka_unit_test(test_twl_reflector_symmetrical_copies_from_41),
        cmocka_unit_test(test_twl_reflector_short_and_ssid),
        cmocka_unit_test(test_twl_reflector_stateful_numbers),
        cmocka_unit_test(test_twl_codecs),
        cmocka_unit_test(test_twl_sender_against_reflector),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
