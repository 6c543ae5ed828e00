/* Unit tests of twamp_light.c: authenticated and encrypted TWAMP Light
 * (RFC 5357 Appendix I) on STAMP's reflector and sender. perfSONAR's
 * captured test packets (twamp-owamp-fixtures.md §3, A and E) are read
 * by both roles with the session's keys, and the two roles talk to each
 * other; a packet whose MAC does not check is dropped. OpenSSL is the
 * crypto backend. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proto/common/ippm_cur.h"
#include "proto/common/ippm_time.h"
#include "proto/twamp/twamp.h"
#include "testsupport/owtw_fixtures.h"

#define NS 1000000000ull
#define US 1000ull

static struct ippm_rx_meta meta_at(uint64_t rx_ns)
{
    struct ippm_rx_meta m;
    memset(&m, 0, sizeof m);
    m.rx_ns = rx_ns;
    m.ttl = 255;
    m.tos = -1;
    m.peer.family = IPPM_AF_INET;
    m.peer.ip[0] = 127, m.peer.ip[3] = 1;
    m.peer.port = 40000;
    m.local = m.peer;
    m.local.port = 18862;
    return m;
}

static void reflector_init(struct stamp_reflector *r,
                           const struct twamp_light_auth *a)
{
    struct stamp_reflector_config c;
    memset(&c, 0, sizeof c);
    c.flavour = STAMP_FLAVOUR_TWAMP_LIGHT;
    c.twl_auth = &a->ops;
    c.tsfmt = IPPM_TS_NTP;
    c.errest.mult = 1;
    stamp_reflector_init(r, &c);
}

/* perfSONAR's packet 0 (the Session-Sender's, then the reflection) read
 * by our reflector and by our sender's decoder. */
static void test_twamp_light_auth_reads_perfsonar(void **state)
{
    (void)state;
    unsigned n = 0;
    for (size_t i = 0; i < OWTW_N_FIXTURES; i++) {
        const struct owtw_fixture *f = &owtw_fixtures[i];
        if (!f->twamp || f->mode == OWTW_TEST_OPEN)
            continue;
        struct owtw_test_keys k;
        struct twamp_light_auth a;
        static struct stamp_reflector r;
        assert_int_equal(owtw_fixture_keys(f, &k), IPPM_OK);
        assert_int_equal(twamp_light_auth_init(&a, &k, 0x0001, false, 0),
                         IPPM_OK);
        uint8_t req[256], rep[256], tx[256];
        size_t req_len = owtw_unhex(f->sender_wire, req, sizeof req);
        size_t rep_len = owtw_unhex(f->reflector_wire, rep, sizeof rep);
        /* their reply, our decoder */
        struct stamp_reflector_pkt p;
        assert_int_equal(a.ops.decode(a.ops.ctx, rep, rep_len, &p), IPPM_OK);
        assert_int_equal(p.ss_seq, 0);
        assert_true(p.ss_ts == f->ts);
        assert_true(p.ts == f->r_ts);
        assert_true(p.rx_ts == f->r_rx_ts);
        assert_int_equal(p.ss_ttl, 255);
        /* their request, our reflector */
        reflector_init(&r, &a);
        struct ippm_rx_meta m = meta_at(ippm_ns_from_ntp(f->r_rx_ts));
        struct ippm_event ev = {IPPM_EV_DATAGRAM, m.rx_ns + 20 * US, req,
                                req_len, &m};
        struct ippm_action act;
        assert_int_equal(stamp_reflector_handle(&r, &ev, tx, sizeof tx, &act),
                         IPPM_OK);
        assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
        assert_int_equal(act.len, 112 > req_len ? 112 : req_len);
        assert_int_equal(a.ops.decode(a.ops.ctx, tx, act.len, &p), IPPM_OK);
        assert_true(p.ss_ts == f->ts);
        assert_int_equal(p.ss_seq, 0);
        assert_int_equal(p.seq, 0);
        /* a MAC that does not check: dropped */
        req[OWTW_SENDER_MAC_OFF] ^= 1;
        assert_int_equal(stamp_reflector_handle(&r, &ev, tx, sizeof tx, &act),
                         IPPM_OK);
        assert_int_equal(act.kind, IPPM_ACT_DROP);
        assert_int_equal(act.why, IPPM_ERR_HMAC);
        rep[TWAMP_REFLECTOR_MAC_OFF + 3] ^= 1;
        assert_int_equal(a.ops.decode(a.ops.ctx, rep, rep_len, &p),
                         IPPM_ERR_HMAC);
        owtw_test_keys_free(&k);
        n++;
    }
    assert_int_equal(n, 2); /* A and E */
}

/* Our sender to our reflector, modes A and E: measured; a reply with a
 * broken MAC is dropped and the request counts as lost. */
static void test_twamp_light_auth_sender_to_reflector(void **state)
{
    (void)state;
    for (size_t i = 0; i < OWTW_N_FIXTURES; i++) {
        const struct owtw_fixture *f = &owtw_fixtures[i];
        if (!f->twamp || f->mode == OWTW_TEST_OPEN)
            continue;
        struct owtw_test_keys k;
        struct twamp_light_auth sa, ra;
        static struct stamp_reflector r;
        static struct stamp_sender s;
        static struct stamp_result res[4];
        assert_int_equal(owtw_fixture_keys(f, &k), IPPM_OK);
        assert_int_equal(twamp_light_auth_init(&sa, &k, 1, false, 0), IPPM_OK);
        assert_int_equal(twamp_light_auth_init(&ra, &k, 1, false, 0), IPPM_OK);
        reflector_init(&r, &ra);
        uint64_t t0 = 1795608068ull * NS;
        struct stamp_sender_config c;
        memset(&c, 0, sizeof c);
        c.flavour = STAMP_FLAVOUR_TWAMP_LIGHT;
        c.twl_auth = &sa.ops;
        c.tsfmt = IPPM_TS_NTP;
        c.errest.mult = 1;
        c.pkt_len = 47;
        c.count = 2;
        c.interval_ns = NS / 100;
        c.wait_ns = NS;
        c.start_ns = t0;
        assert_int_equal(stamp_sender_init(&s, &c, res, 4), IPPM_ERR_BAD_ARG);
        c.pkt_len = 112; /* symmetrical with the reply */
        assert_int_equal(stamp_sender_init(&s, &c, res, 4), IPPM_OK);
        for (uint32_t k2 = 0; k2 < 2; k2++) {
            uint8_t tx[256], rtx[256];
            uint64_t now = t0 + k2 * (NS / 100);
            struct ippm_event t = {IPPM_EV_TIMER, now, NULL, 0, NULL};
            struct ippm_action act;
            assert_int_equal(stamp_sender_handle(&s, &t, tx, sizeof tx, &act),
                             IPPM_OK);
            assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
            assert_int_equal(act.len, 112);
            struct ippm_rx_meta m = meta_at(now + 100 * US);
            struct ippm_event ev = {IPPM_EV_DATAGRAM, now + 120 * US, tx,
                                    act.len, &m};
            assert_int_equal(
                stamp_reflector_handle(&r, &ev, rtx, sizeof rtx, &act),
                IPPM_OK);
            assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
            assert_int_equal(act.len, 112);
            if (k2 == 1)
                rtx[TWAMP_REFLECTOR_MAC_OFF] ^= 0x80;
            struct ippm_rx_meta sm = meta_at(now + 200 * US);
            struct ippm_event rev = {IPPM_EV_DATAGRAM, now + 200 * US, rtx,
                                     act.len, &sm};
            assert_int_equal(stamp_sender_handle(&s, &rev, tx, sizeof tx,
                                                 &act),
                             IPPM_OK);
            if (k2 == 0) {
                assert_int_equal(act.kind, IPPM_ACT_NONE);
                assert_int_equal(res[0].state, STAMP_RES_RECEIVED);
                assert_int_equal(res[0].t2_ns / US, (t0 + 100 * US) / US);
                assert_int_equal(res[0].short_len, 0);
            } else {
                assert_int_equal(act.kind, IPPM_ACT_DROP);
                assert_int_equal(act.why, IPPM_ERR_HMAC);
            }
        }
        struct stamp_stats st;
        stamp_sender_stats(&s, &st);
        assert_int_equal(st.received, 1);
        assert_int_equal(st.lost, 1);
        owtw_test_keys_free(&k);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_twamp_light_auth_reads_perfsonar),
        cmocka_unit_test(test_twamp_light_auth_sender_to_reflector),
    };
    return cmocka_run_group_tests(tests, owtw_ossl_setup, owtw_ossl_teardown);
}
