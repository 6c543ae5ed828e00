/* Unit tests of twamp_wire.c and twamp_session.c: the Session-Reflector
 * packet against the perfSONAR captures (twamp-owamp-fixtures.md §3, A
 * and E), the reflector's truncation and padding reuse (RFC 5357 §4.2.1,
 * RFC 6038 §5.2.1, fixtures §2), RFC 7750 and RFC 9533 fields, REFWAIT.
 * OpenSSL is the crypto backend. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proto/common/ippm_time.h"
#include "proto/twamp/twamp.h"
#include "testsupport/owtw_fixtures.h"

static void keys_of(const struct owtw_fixture *f, struct owtw_test_keys *k)
{
    assert_int_equal(owtw_fixture_keys(f, k), IPPM_OK);
}

static uint64_t ns_of(uint64_t ntp)
{
    return ippm_ns_from_ntp(ntp);
}

/* |a - b| <= 5 fraction units (1.2 ns): a timestamp through ns and back. */
static void assert_ts_near(uint64_t a, uint64_t b)
{
    assert_true(a - b <= 5 || b - a <= 5);
}

/* The reflection of packet 0 in plaintext, as the capture shows it. */
static struct stamp_reflector_pkt capture_reply(const struct owtw_fixture *f)
{
    struct stamp_reflector_pkt p = {.seq = 0,
                                    .ts = f->r_ts,
                                    .errest = 1,
                                    .rx_ts = f->r_rx_ts,
                                    .ss_seq = 0,
                                    .ss_ts = f->ts,
                                    .ss_errest = 1,
                                    .ss_ttl = 255};
    return p;
}

static void test_twamp_reflector_seal_reproduces_captures(void **state)
{
    (void)state;
    unsigned n = 0;
    for (size_t i = 0; i < OWTW_N_FIXTURES; i++) {
        const struct owtw_fixture *f = &owtw_fixtures[i];
        if (!f->reflector_wire)
            continue;
        uint8_t wire[128], buf[128];
        size_t len = owtw_unhex(f->reflector_wire, wire, sizeof wire);
        assert_int_equal(len, 112);
        struct owtw_test_keys k;
        keys_of(f, &k);
        struct stamp_reflector_pkt p = capture_reply(f);
        assert_int_equal(
            twamp_reflector_pkt_encode(buf, sizeof buf, len, &p, k.mode),
            IPPM_OK);
        assert_int_equal(owtw_test_seal(&k, STAMP_PKT_REFLECTOR, buf, len),
                         IPPM_OK);
        assert_memory_equal(buf, wire, len);
        owtw_test_keys_free(&k);
        n++;
    }
    assert_int_equal(n, 2);
}

static void test_twamp_reflector_open_decodes_captures(void **state)
{
    (void)state;
    for (size_t i = 0; i < OWTW_N_FIXTURES; i++) {
        const struct owtw_fixture *f = &owtw_fixtures[i];
        if (!f->reflector_wire)
            continue;
        uint8_t wire[128];
        size_t len = owtw_unhex(f->reflector_wire, wire, sizeof wire);
        struct ippm_guard g;
        uint8_t *b = ippm_guard_copy(&g, wire, len);
        struct owtw_test_keys k;
        keys_of(f, &k);
        assert_int_equal(owtw_test_open(&k, STAMP_PKT_REFLECTOR, b, len),
                         IPPM_OK);
        struct stamp_reflector_pkt p;
        assert_int_equal(twamp_reflector_pkt_decode(&p, b, len, k.mode),
                         IPPM_OK);
        assert_true(p.ts == f->r_ts && p.rx_ts == f->r_rx_ts);
        assert_true(p.ss_ts == f->ts);
        assert_int_equal(p.ss_ttl, 255);
        assert_int_equal(p.ss_errest, 1);
        assert_false(p.mbz_nonzero);
        assert_ptr_equal(p.hmac, b + 96);
        assert_null(p.extra);
        ippm_guard_free(&g);
        owtw_test_keys_free(&k);
    }
}

/* twamp_reflector_reflect on the captured sender packet gives the
 * captured reply: every octet but the two timestamps, which go through
 * ns and come back within rounding (A mode sends them in clear). */
static void test_twamp_reflector_reflect_answers_captures(void **state)
{
    (void)state;
    for (size_t i = 0; i < OWTW_N_FIXTURES; i++) {
        const struct owtw_fixture *f = &owtw_fixtures[i];
        if (!f->reflector_wire)
            continue;
        uint8_t rx[128], want[128], tx[256];
        size_t rx_len = owtw_unhex(f->sender_wire, rx, sizeof rx);
        size_t want_len = owtw_unhex(f->reflector_wire, want, sizeof want);
        struct owtw_test_keys k;
        keys_of(f, &k);
        struct twamp_reflector_config cfg = {.keys = &k, .errest = 1};
        struct twamp_reflector r;
        twamp_reflector_init(&r, &cfg, 0);
        size_t len = 0;
        assert_int_equal(
            twamp_reflector_reflect(&r, rx, rx_len, ns_of(f->r_rx_ts), 255, 0,
                                    ns_of(f->r_ts), tx, sizeof tx, &len),
            IPPM_OK);
        /* max(75, 112): no room left for padding (fixtures §2). */
        assert_int_equal(len, want_len);
        assert_int_equal(owtw_test_open(&k, STAMP_PKT_REFLECTOR, tx, len),
                         IPPM_OK);
        struct stamp_reflector_pkt p;
        assert_int_equal(twamp_reflector_pkt_decode(&p, tx, len, k.mode),
                         IPPM_OK);
        assert_ts_near(p.ts, f->r_ts);
        assert_ts_near(p.rx_ts, f->r_rx_ts);
        p.ts = f->r_ts;
        p.rx_ts = f->r_rx_ts;
        uint8_t again[128];
        assert_int_equal(
            twamp_reflector_pkt_encode(again, sizeof again, len, &p, k.mode),
            IPPM_OK);
        assert_int_equal(owtw_test_seal(&k, STAMP_PKT_REFLECTOR, again, len),
                         IPPM_OK);
        assert_memory_equal(again, want, len);
        assert_int_equal(r.next_seq, 1);
        owtw_test_keys_free(&k);
    }
}

/* RFC 5357 §4.2.1 unauthenticated: 41 octets, the TWAMP-O capture's. */
static void test_twamp_reflector_open_mode_is_41_octets(void **state)
{
    (void)state;
    const struct owtw_fixture *f = &owtw_fixtures[0];
    struct stamp_reflector_pkt p = capture_reply(f);
    p.ssid = 0xffff; /* TWAMP has none: must not be sent */
    uint8_t buf[41];
    assert_int_equal(
        twamp_reflector_pkt_encode(buf, sizeof buf, 41, &p, OWTW_TEST_OPEN),
        IPPM_OK);
    static const uint8_t want[41] = {
        0,    0,    0,    0, 0xee, 0xb1, 0x4c, 0x51, 0x85, 0x27, 0xd4,
        0x5a, 0,    1,    0, 0,    0xee, 0xb1, 0x4c, 0x51, 0x85, 0x26,
        0x95, 0x95, 0,    0, 0,    0,    0xee, 0xb1, 0x4c, 0x51, 0x85,
        0x1f, 0x60, 0x17, 0, 1,    0,    0,    0xff};
    assert_memory_equal(buf, want, 41);
    /* STAMP's prefix decoder reads it too (TWAMP-Light replies). */
    struct stamp_reflector_pkt s;
    uint32_t have;
    assert_int_equal(
        stamp_reflector_pkt_decode_prefix(&s, buf, 41, STAMP_MODE_OPEN, &have),
        IPPM_OK);
    assert_true(s.ss_ts == f->ts);
    struct ippm_guard g;
    uint8_t *b = ippm_guard_copy(&g, want, 41);
    struct stamp_reflector_pkt d;
    assert_int_equal(twamp_reflector_pkt_decode(&d, b, 41, OWTW_TEST_OPEN),
                     IPPM_OK);
    assert_true(d.rx_ts == f->r_rx_ts);
    assert_null(d.hmac);
    assert_int_equal(twamp_reflector_pkt_decode(&d, b + 1, 40, OWTW_TEST_OPEN),
                     IPPM_ERR_SHORT);
    ippm_guard_free(&g);
    uint8_t mbz[41];
    memcpy(mbz, want, 41);
    mbz[15] = 1; /* MBZ where STAMP has the SSID */
    assert_int_equal(twamp_reflector_pkt_decode(&d, mbz, 41, OWTW_TEST_OPEN),
                     IPPM_OK);
    assert_true(d.mbz_nonzero);
}

static void test_twamp_reflector_pkt_refuses_bad_sizes(void **state)
{
    (void)state;
    struct stamp_reflector_pkt p = {0};
    uint8_t buf[112];
    assert_int_equal(
        twamp_reflector_pkt_encode(buf, 112, 111, &p, OWTW_TEST_AUTH),
        IPPM_ERR_BAD_ARG);
    assert_int_equal(
        twamp_reflector_pkt_encode(buf, 111, 112, &p, OWTW_TEST_AUTH),
        IPPM_ERR_NOSPACE);
    assert_int_equal(
        twamp_reflector_pkt_decode(&p, buf, 111, OWTW_TEST_ENCRYPTED),
        IPPM_ERR_SHORT);
    assert_int_equal(
        twamp_reflector_pkt_decode(&p, buf, 112, (enum owtw_test_mode)3),
        IPPM_ERR_BAD_ARG);
}

/* RFC 5357 §4.2.1 and perfSONAR: the reply is max(received, base) and its
 * padding is the leading part of the sender's. */
static void test_twamp_reflect_len_and_padding_reuse(void **state)
{
    (void)state;
    assert_int_equal(twamp_reflect_len(41, 41, 0), 41);
    assert_int_equal(twamp_reflect_len(75, 112, 0), 112);
    assert_int_equal(twamp_reflect_len(200, 112, 0), 200);
    assert_int_equal(twamp_reflect_len(30, 41, 20), 61); /* RFC 6038 */
    uint8_t rx[200], out[40];
    for (int i = 0; i < 200; i++)
        rx[i] = (uint8_t)i;
    twamp_reflect_padding(out, 40, rx, 100, OWTW_TEST_OPEN, false);
    assert_int_equal(out[0], 14);
    assert_int_equal(out[39], 53);
    /* RFC 6038 §5.1.4: a symmetrical sender pads after 27 MBZ. */
    twamp_reflect_padding(out, 40, rx, 100, OWTW_TEST_OPEN, true);
    assert_int_equal(out[0], 41);
    twamp_reflect_padding(out, 40, rx, 200, OWTW_TEST_AUTH, true);
    assert_int_equal(out[0], 104);
    assert_int_equal(out[39], 143);
    twamp_reflect_padding(out, 40, rx, 120, OWTW_TEST_AUTH, true);
    assert_int_equal(out[15], 119);
    assert_int_equal(out[16], 0); /* past what the sender sent: zeros */
    twamp_reflect_padding(out, 40, rx, 60, OWTW_TEST_AUTH, false);
    assert_int_equal(out[0], 48);
    assert_int_equal(out[11], 59);
    assert_int_equal(out[12], 0);
}

/* RFC 6038 §5.1.4/§5.1.5: a Symmetrical Size sender puts 27 (56) MBZ
 * octets after its header, then the padding to be reflected; a
 * reflector in that mode reflects it from there, and the sizes match. */
static void test_twamp_symmetrical_sender_and_reflection(void **state)
{
    (void)state;
    const uint8_t pad[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct stamp_sender_pkt p = {
        .seq = 5, .ts = 9, .errest = 1, .extra = pad, .extra_len = 8};
    uint8_t buf[160];
    memset(buf, 0xee, sizeof buf);
    assert_int_equal(
        twamp_sender_pkt_encode(buf, sizeof buf, 49, &p, OWTW_TEST_OPEN, true),
        IPPM_OK);
    for (int i = 14; i < 41; i++)
        assert_int_equal(buf[i], 0);
    assert_memory_equal(buf + 41, pad, 8);
    assert_int_equal(
        twamp_sender_pkt_encode(buf, sizeof buf, 48, &p, OWTW_TEST_OPEN, true),
        IPPM_ERR_BAD_ARG);
    assert_int_equal(
        twamp_sender_pkt_encode(buf, sizeof buf, 112, &p, OWTW_TEST_AUTH, true),
        IPPM_OK);
    assert_memory_equal(buf + 104, pad, 8);
    for (int i = 48; i < 104; i++)
        assert_int_equal(buf[i], 0);
    /* not symmetrical: the padding right after the header */
    assert_int_equal(
        twamp_sender_pkt_encode(buf, sizeof buf, 22, &p, OWTW_TEST_OPEN, false),
        IPPM_OK);
    assert_memory_equal(buf + 14, pad, 8);
    /* and reflected: 49 in, 49 out, the 8 octets after the 41 */
    struct owtw_test_keys k;
    owtw_test_keys_init(&k, NULL, OWTW_TEST_OPEN, NULL, NULL, NULL);
    twamp_sender_pkt_encode(buf, sizeof buf, 49, &p, OWTW_TEST_OPEN, true);
    struct twamp_reflector_config cfg = {
        .keys = &k, .errest = 1, .symmetrical = true, .reflect_len = 8};
    struct twamp_reflector r;
    twamp_reflector_init(&r, &cfg, 0);
    uint8_t tx[64];
    size_t len;
    assert_int_equal(
        twamp_reflector_reflect(&r, buf, 49, 1, 64, -1, 2, tx, sizeof tx, &len),
        IPPM_OK);
    assert_int_equal(len, 49);
    assert_memory_equal(tx + 41, pad, 8);
}

/* A reflection in mode O with padding to spare and RFC 7750 on: 14 + 60
 * octets in, the reply 74 octets, its 30 padding octets (after the
 * 44-octet header) the sender's first 30. */
static void test_twamp_reflector_reflect_reuses_sender_padding(void **state)
{
    (void)state;
    struct owtw_test_keys k;
    assert_int_equal(
        owtw_test_keys_init(&k, NULL, OWTW_TEST_OPEN, NULL, NULL, NULL),
        IPPM_OK);
    uint8_t pad[60], rx[74], tx[128];
    for (int i = 0; i < 60; i++)
        pad[i] = (uint8_t)(0x80 + i);
    struct stamp_sender_pkt sp = {.seq = 9,
                                  .ts = 0x1234ull << 32,
                                  .errest = 1,
                                  .extra = pad,
                                  .extra_len = 60};
    assert_int_equal(
        owtw_sender_pkt_encode(rx, sizeof rx, 74, &sp, OWTW_TEST_OPEN),
        IPPM_OK);
    struct twamp_reflector_config cfg = {
        .keys = &k, .errest = 1, .dscp_ecn = true};
    struct twamp_reflector r;
    twamp_reflector_init(&r, &cfg, 0);
    size_t len;
    assert_int_equal(twamp_reflector_reflect(&r, rx, 74, 5, 64, 0xb9, 6, tx,
                                             sizeof tx, &len),
                     IPPM_OK);
    assert_int_equal(len, 74);
    /* RFC 7750 Figure 2: S-DSCP-ECN after Sender TTL, 2 MBZ, then the
     * padding from 44 */
    assert_int_equal(tx[40], 64);
    assert_int_equal(tx[41], 0xb9);
    assert_int_equal(tx[42] | tx[43], 0);
    assert_memory_equal(tx + 44, pad, 30);
    /* the tight buffer is refused, not overrun */
    assert_int_equal(
        twamp_reflector_reflect(&r, rx, 74, 5, 64, 0, 6, tx, 73, &len),
        IPPM_ERR_NOSPACE);
    assert_int_equal(
        twamp_reflector_reflect(&r, rx, 13, 5, 64, 0, 6, tx, sizeof tx, &len),
        IPPM_ERR_SHORT);
}

/* RFC 8186 §2.3: with Z set, the reflector's timestamps are PTPv2. */
static void test_twamp_reflector_reflect_writes_ptp_with_z(void **state)
{
    (void)state;
    struct owtw_test_keys k;
    owtw_test_keys_init(&k, NULL, OWTW_TEST_OPEN, NULL, NULL, NULL);
    uint8_t rx[41] = {0}, tx[64];
    rx[13] = 1;
    struct twamp_reflector_config cfg = {.keys = &k, .errest = 0x4001};
    struct twamp_reflector r;
    twamp_reflector_init(&r, &cfg, 0);
    size_t len;
    uint64_t rx_ns = 1700000000ull * IPPM_NS_PER_SEC + 250;
    assert_int_equal(twamp_reflector_reflect(&r, rx, 41, rx_ns, -1, -1,
                                             rx_ns + 1, tx, sizeof tx, &len),
                     IPPM_OK);
    struct stamp_reflector_pkt p;
    assert_int_equal(twamp_reflector_pkt_decode(&p, tx, len, OWTW_TEST_OPEN),
                     IPPM_OK);
    assert_true(p.rx_ts == (1700000000ull << 32 | 250));
    assert_true(p.ts == (1700000000ull << 32 | 251));
    assert_int_equal(p.errest, 0x4001);
    assert_int_equal(p.ss_ttl, 255); /* TTL unknown */
}

/* RFC 9533 Figures 2-5. */
static void test_twamp_micro_ids_sit_where_rfc_9533_puts_them(void **state)
{
    (void)state;
    size_t s, r;
    twamp_micro_ids_off(STAMP_PKT_SENDER, OWTW_TEST_OPEN, &s, &r);
    assert_int_equal(s, 16);
    assert_int_equal(r, 18);
    twamp_micro_ids_off(STAMP_PKT_REFLECTOR, OWTW_TEST_OPEN, &s, &r);
    assert_int_equal(s, 38);
    assert_int_equal(r, 42);
    twamp_micro_ids_off(STAMP_PKT_REFLECTOR, OWTW_TEST_ENCRYPTED, &s, &r);
    assert_int_equal(s, 28);
    assert_int_equal(r, 30);
    assert_int_equal(twamp_dscp_ecn_off(OWTW_TEST_AUTH), 81);
    assert_int_equal(twamp_dscp_ecn_octet(-1), 0);
    assert_int_equal(twamp_symmetric_mbz_len(OWTW_TEST_AUTH), 56);
}

/* Hostile input (issue 10, reflection loops): in modes A and E a
 * reflection fed back to a reflector of the same session is not taken
 * for a request: its octets 32..47 are not the MAC of its first block
 * (or blocks), so no reply comes back and no loop starts. (In mode O
 * nothing tells them apart: the driver's source checks must.) */
static void test_twamp_reflector_refuses_its_own_reply(void **state)
{
    (void)state;
    for (size_t i = 1; i <= 2; i++) { /* twamp-A, twamp-E */
        const struct owtw_fixture *f = &owtw_fixtures[i];
        struct owtw_test_keys k;
        keys_of(f, &k);
        uint8_t reply[128], tx[256];
        size_t len = owtw_unhex(f->reflector_wire, reply, sizeof reply);
        struct twamp_reflector_config cfg = {.keys = &k, .errest = 1};
        struct twamp_reflector r;
        twamp_reflector_init(&r, &cfg, 0);
        size_t out;
        assert_int_equal(twamp_reflector_reflect(&r, reply, len, 1, 255, -1, 2,
                                                 tx, sizeof tx, &out),
                         IPPM_ERR_HMAC);
        owtw_test_keys_free(&k);
    }
}

/* RFC 5357 §4.2: "Packets not received within the Timeout (following
 * the Stop-Sessions command) MUST be ignored by the Reflector": no
 * reply; the session ends when that Timeout has passed. */
static void
test_twamp_reflector_ignores_packets_after_stop_timeout(void **state)
{
    (void)state;
    struct owtw_test_keys k;
    owtw_test_keys_init(&k, NULL, OWTW_TEST_OPEN, NULL, NULL, NULL);
    struct twamp_reflector_config cfg = {
        .keys = &k, .errest = 1, .timeout_ns = 2000};
    struct twamp_reflector r;
    twamp_reflector_init(&r, &cfg, 0);
    uint8_t rx[41] = {0}, tx[64];
    rx[13] = 1;
    struct ippm_event ev = {IPPM_EV_DATAGRAM, 500, rx, 41, NULL};
    struct ippm_action act;
    twamp_reflector_stop_sessions(&r, 1000);
    assert_true(twamp_reflector_deadline(&r) == 3000);
    ev.now_ns = 3000; /* within the Timeout: still answered */
    twamp_reflector_handle(&r, &ev, tx, sizeof tx, &act);
    assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
    ev.now_ns = 3001;
    twamp_reflector_handle(&r, &ev, tx, sizeof tx, &act);
    assert_int_equal(act.kind, IPPM_ACT_DROP);
    assert_int_equal(act.why, IPPM_ERR_DONE);
    assert_int_equal(r.counters.drop_by[IPPM_ERR_DONE], 1);
    struct ippm_event t = {IPPM_EV_TIMER, 3001, NULL, 0, NULL};
    twamp_reflector_handle(&r, &t, tx, sizeof tx, &act);
    assert_int_equal(act.kind, IPPM_ACT_DONE);
    assert_int_equal(act.why, IPPM_OK);
}

/* RFC 9533 Figures 2 and 4: IDs written where the figures put them;
 * §4.2.4: a packet for another member link is discarded, and the reply
 * carries the Sender's ID and the reflector's own. */
static void test_twamp_reflector_micro_sessions(void **state)
{
    (void)state;
    assert_int_equal(twamp_micro_base_len(STAMP_PKT_SENDER, OWTW_TEST_OPEN),
                     20);
    assert_int_equal(twamp_micro_base_len(STAMP_PKT_REFLECTOR, OWTW_TEST_OPEN),
                     44);
    assert_int_equal(twamp_micro_base_len(STAMP_PKT_REFLECTOR, OWTW_TEST_AUTH),
                     112);
    struct owtw_test_keys k;
    owtw_test_keys_init(&k, NULL, OWTW_TEST_OPEN, NULL, NULL, NULL);
    uint8_t rx[20], tx[64];
    struct stamp_sender_pkt sp = {.seq = 3, .ts = 1ull << 32, .errest = 1};
    assert_int_equal(
        owtw_sender_pkt_encode(rx, sizeof rx, 20, &sp, OWTW_TEST_OPEN),
        IPPM_OK);
    assert_int_equal(
        twamp_micro_ids_put(rx, 19, STAMP_PKT_SENDER, OWTW_TEST_OPEN, 7, 0),
        IPPM_ERR_SHORT);
    assert_int_equal(
        twamp_micro_ids_put(rx, 20, STAMP_PKT_SENDER, OWTW_TEST_OPEN, 7, 0),
        IPPM_OK);
    assert_int_equal(rx[17], 7); /* Figure 2: the word after MBZ */
    struct twamp_reflector_config cfg = {
        .keys = &k, .errest = 1, .micro = true, .micro_id = 0x0102};
    struct twamp_reflector r;
    twamp_reflector_init(&r, &cfg, 0);
    size_t len;
    assert_int_equal(
        twamp_reflector_reflect(&r, rx, 20, 1, 64, -1, 2, tx, sizeof tx, &len),
        IPPM_OK);
    assert_int_equal(len, 44);
    uint16_t s_id, r_id;
    assert_int_equal(twamp_micro_ids_get(tx, len, STAMP_PKT_REFLECTOR,
                                         OWTW_TEST_OPEN, &s_id, &r_id),
                     IPPM_OK);
    assert_int_equal(s_id, 7);
    assert_int_equal(r_id, 0x0102);
    assert_int_equal(tx[38], 0); /* Figure 4: after Sender Error Estimate */
    assert_int_equal(tx[39], 7);
    assert_int_equal(tx[40], 64); /* Sender TTL, then MBZ, then our ID */
    assert_int_equal(tx[42], 1);
    /* the packet names the reflector's ID: fine; another: discarded */
    twamp_micro_ids_put(rx, 20, STAMP_PKT_SENDER, OWTW_TEST_OPEN, 7, 0x0102);
    assert_int_equal(
        twamp_reflector_reflect(&r, rx, 20, 1, 64, -1, 2, tx, sizeof tx, &len),
        IPPM_OK);
    twamp_micro_ids_put(rx, 20, STAMP_PKT_SENDER, OWTW_TEST_OPEN, 7, 0x0103);
    assert_int_equal(
        twamp_reflector_reflect(&r, rx, 20, 1, 64, -1, 2, tx, sizeof tx, &len),
        STAMP_ERR_MEMBER_LINK);
    assert_int_equal(
        twamp_reflector_reflect(&r, rx, 19, 1, 64, -1, 2, tx, sizeof tx, &len),
        IPPM_ERR_SHORT);
}

/* The event contract: a bad MAC is a DROP counted by why; REFWAIT after
 * the last packet ends the session. */
static void test_twamp_reflector_handle_drops_and_refwait(void **state)
{
    (void)state;
    const struct owtw_fixture *f = &owtw_fixtures[1]; /* twamp-A */
    struct owtw_test_keys k;
    keys_of(f, &k);
    struct twamp_reflector_config cfg = {
        .keys = &k, .errest = 1, .refwait_ns = 1000};
    struct twamp_reflector r;
    twamp_reflector_init(&r, &cfg, 100);
    assert_true(twamp_reflector_deadline(&r) == 1100);
    uint8_t rx[128], tx[256];
    size_t rx_len = owtw_unhex(f->sender_wire, rx, sizeof rx);
    struct ippm_rx_meta meta = {.rx_ns = 500, .ttl = 250, .tos = -1};
    struct ippm_event ev = {IPPM_EV_DATAGRAM, 600, rx, rx_len, &meta};
    struct ippm_action act;
    assert_int_equal(twamp_reflector_handle(&r, &ev, tx, sizeof tx, &act),
                     IPPM_OK);
    assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(act.len, 112);
    assert_int_equal(act.seq, 0);
    assert_true(twamp_reflector_deadline(&r) == 1600);
    rx[5] ^= 1; /* inside block 0: the MAC fails */
    assert_int_equal(twamp_reflector_handle(&r, &ev, tx, sizeof tx, &act),
                     IPPM_OK);
    assert_int_equal(act.kind, IPPM_ACT_DROP);
    assert_int_equal(act.why, IPPM_ERR_HMAC);
    assert_int_equal(r.counters.drop_by[IPPM_ERR_HMAC], 1);
    assert_int_equal(r.counters.reflected, 1);
    struct ippm_event t = {IPPM_EV_TIMER, 1599, NULL, 0, NULL};
    twamp_reflector_handle(&r, &t, tx, sizeof tx, &act);
    assert_int_equal(act.kind, IPPM_ACT_NONE);
    t.now_ns = 1600;
    twamp_reflector_handle(&r, &t, tx, sizeof tx, &act);
    assert_int_equal(act.kind, IPPM_ACT_DONE);
    assert_true(twamp_reflector_deadline(&r) == UINT64_MAX);
    struct ippm_event b = {IPPM_EV_BYTES, 0, NULL, 0, NULL};
    assert_int_equal(twamp_reflector_handle(&r, &b, tx, sizeof tx, &act),
                     IPPM_ERR_BAD_ARG);
    owtw_test_keys_free(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_twamp_reflector_seal_reproduces_captures),
        cmocka_unit_test(test_twamp_reflector_open_decodes_captures),
        cmocka_unit_test(test_twamp_reflector_reflect_answers_captures),
        cmocka_unit_test(test_twamp_reflector_open_mode_is_41_octets),
        cmocka_unit_test(test_twamp_reflector_pkt_refuses_bad_sizes),
        cmocka_unit_test(test_twamp_reflect_len_and_padding_reuse),
        cmocka_unit_test(test_twamp_reflector_reflect_reuses_sender_padding),
        cmocka_unit_test(test_twamp_reflector_reflect_writes_ptp_with_z),
        cmocka_unit_test(test_twamp_micro_ids_sit_where_rfc_9533_puts_them),
        cmocka_unit_test(test_twamp_reflector_handle_drops_and_refwait),
        cmocka_unit_test(test_twamp_reflector_micro_sessions),
        cmocka_unit_test(test_twamp_reflector_refuses_its_own_reply),
        cmocka_unit_test(
            test_twamp_reflector_ignores_packets_after_stop_timeout),
        cmocka_unit_test(test_twamp_symmetrical_sender_and_reflection),
    };
    return cmocka_run_group_tests(tests, owtw_ossl_setup, owtw_ossl_teardown);
}
