/* Every test packet of the six perfSONAR captures through the test
 * layer (owtw_test_packets_test.h, cut by pcaps/owtw/extract_test.py):
 * - TWAMP: each Session-Sender packet opens under the session keys with
 *   the next sequence number; each reflection opens, names that packet,
 *   and is exactly what twamp_reflector_reflect answers to it given the
 *   same receive and transmit times (padding reuse, layout, MAC, mode E
 *   encryption of 96 octets);
 * - OWAMP: each of the two sessions' packets opens under its own keys
 *   and not under the other's, numbered 0-9, each sent 80-300 us after
 *   its RFC 4656 §5 scheduled instant, as fixtures §2 says.
 * OpenSSL is the crypto backend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "owtw_test_packets_test.h"
#include "proto/common/ippm_time.h"
#include "proto/owtw/owtw_test.h"
#include "proto/twamp/twamp.h"
#include "testsupport/owtw_fixtures.h"

#define MAX_PKT 128

struct pkt {
    uint8_t b[MAX_PKT];
    size_t len;
};

static void pkt_of(const struct owtw_cap_pkt *c, struct pkt *p)
{
    p->len = owtw_unhex(c->hex, p->b, sizeof p->b);
}

static const struct owtw_cap *cap_named(const char *name)
{
    for (size_t i = 0; i < 6; i++)
        if (strcmp(owtw_caps[i].name, name) == 0)
            return &owtw_caps[i];
    fail_msg("no capture %s", name);
    return NULL;
}

/* The fixture whose name is prefix, or prefix-1 / prefix-2 (which). */
static const struct owtw_fixture *fixture_named(const char *prefix, int which)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < OWTW_N_FIXTURES; i++) {
        const char *f = owtw_fixtures[i].name;
        if (strncmp(f, prefix, n) != 0)
            continue;
        if (which == 0 ? f[n] == '\0'
                       : f[n] == '-' && f[n + 1] == '0' + which &&
                             f[n + 2] == '\0')
            return &owtw_fixtures[i];
    }
    fail_msg("no fixture %s-%d", prefix, which);
    return NULL;
}

/* Opens and decodes a reflection; the plaintext stays in p. */
static void open_reply(const struct owtw_test_keys *k, struct pkt *p,
                       struct stamp_reflector_pkt *out)
{
    assert_int_equal(owtw_test_open(k, STAMP_PKT_REFLECTOR, p->b, p->len),
                     IPPM_OK);
    assert_int_equal(twamp_reflector_pkt_decode(out, p->b, p->len, k->mode),
                     IPPM_OK);
}

/* What our reflector answers to the sender packet sent, at the
 * reflection's own receive and transmit times, opened and with those
 * times exact (they went through ns), resealed: the captured octets. */
static void assert_we_reflect_alike(struct twamp_reflector *r,
                                    const struct pkt *sent, uint8_t ttl,
                                    const struct pkt *wire)
{
    const struct owtw_test_keys *k = r->cfg.keys;
    struct pkt want = *wire, ours;
    struct stamp_reflector_pkt w, o;
    open_reply(k, &want, &w);
    assert_int_equal(twamp_reflector_reflect(r, sent->b, sent->len,
                                             ippm_ns_from_ntp(w.rx_ts), ttl, -1,
                                             ippm_ns_from_ntp(w.ts), ours.b,
                                             sizeof ours.b, &ours.len),
                     IPPM_OK);
    assert_int_equal(ours.len, wire->len);
    open_reply(k, &ours, &o);
    o.ts = w.ts;
    o.rx_ts = w.rx_ts;
    assert_int_equal(twamp_reflector_pkt_encode(ours.b, sizeof ours.b, ours.len,
                                                &o, k->mode),
                     IPPM_OK);
    assert_int_equal(owtw_test_seal(k, STAMP_PKT_REFLECTOR, ours.b, ours.len),
                     IPPM_OK);
    assert_memory_equal(ours.b, wire->b, wire->len);
}

static void check_twamp(const char *name)
{
    const struct owtw_cap *c = cap_named(name);
    const struct owtw_fixture *f = fixture_named(name, 0);
    struct owtw_test_keys k;
    assert_int_equal(owtw_fixture_keys(f, &k), IPPM_OK);
    struct twamp_reflector_config cfg = {.keys = &k, .errest = 1};
    struct twamp_reflector r;
    twamp_reflector_init(&r, &cfg, 0);
    uint16_t client = c->pkt[0].sport;
    struct pkt sent[10];
    uint64_t sent_ts[10];
    uint8_t sent_ttl[10];
    uint32_t n_sent = 0, n_refl = 0;
    for (size_t i = 0; i < c->n; i++) {
        struct pkt p;
        pkt_of(&c->pkt[i], &p);
        if (c->pkt[i].sport == client) {
            assert_true(n_sent < 10);
            sent[n_sent] = p;
            sent_ttl[n_sent] = c->pkt[i].ttl;
            assert_int_equal(owtw_test_open(&k, STAMP_PKT_SENDER, p.b, p.len),
                             IPPM_OK);
            struct stamp_sender_pkt s;
            assert_int_equal(owtw_sender_pkt_decode(&s, p.b, p.len, k.mode),
                             IPPM_OK);
            assert_int_equal(s.seq, n_sent);
            assert_false(s.mbz_nonzero);
            sent_ts[n_sent++] = s.ts;
            continue;
        }
        struct pkt q = p;
        struct stamp_reflector_pkt rp;
        open_reply(&k, &q, &rp);
        assert_int_equal(rp.seq, n_refl);
        assert_true(rp.ss_seq < n_sent);
        assert_true(rp.ss_ts == sent_ts[rp.ss_seq]);
        assert_int_equal(rp.ss_ttl, sent_ttl[rp.ss_seq]);
        assert_true(rp.rx_ts <= rp.ts);
        assert_false(rp.mbz_nonzero);
        assert_we_reflect_alike(&r, &sent[rp.ss_seq], sent_ttl[rp.ss_seq], &p);
        n_refl++;
    }
    assert_int_equal(n_sent, 10);
    assert_int_equal(n_refl, 10);
    owtw_test_keys_free(&k);
}

static void test_twamp_captures_every_packet(void **state)
{
    (void)state;
    check_twamp("twamp-O");
    check_twamp("twamp-A");
    check_twamp("twamp-E");
}

/* One OWAMP session's packets: opened by its keys only, in order, each
 * sent just after its scheduled time. */
struct owamp_flow {
    const struct owtw_fixture *f;
    struct owtw_test_keys k;
    struct owtw_schedule sched;
    uint16_t dport;
    uint32_t next;
};

static bool opens_with(const struct owtw_test_keys *k, const struct pkt *p)
{
    struct pkt q = *p;
    return owtw_test_open(k, STAMP_PKT_SENDER, q.b, q.len) == IPPM_OK;
}

static void take_owamp(struct owamp_flow *fl, const struct owamp_flow *other,
                       struct pkt *p)
{
    if (fl->k.mode != OWTW_TEST_OPEN)
        assert_false(opens_with(&other->k, p));
    assert_int_equal(owtw_test_open(&fl->k, STAMP_PKT_SENDER, p->b, p->len),
                     IPPM_OK);
    struct stamp_sender_pkt s;
    assert_int_equal(owtw_sender_pkt_decode(&s, p->b, p->len, fl->k.mode),
                     IPPM_OK);
    assert_int_equal(s.seq, fl->next++);
    uint64_t due;
    assert_int_equal(owtw_schedule_next(&fl->sched, &due), IPPM_OK);
    /* 80-275 us late in the notes; 300 us = 1288490 fraction units */
    assert_true(s.ts > due && s.ts - due < 1288490);
}

static void check_owamp(const char *name)
{
    const struct owtw_cap *c = cap_named(name);
    const struct owtw_slot slot = {OWTW_SLOT_EXP, 0x0cccccccull};
    struct owamp_flow fl[2];
    for (int i = 0; i < 2; i++) {
        memset(&fl[i], 0, sizeof fl[i]);
        fl[i].f = fixture_named(name, i + 1);
        assert_int_equal(owtw_fixture_keys(fl[i].f, &fl[i].k), IPPM_OK);
        uint8_t sid[16];
        owtw_unhex(fl[i].f->sid, sid, sizeof sid);
        assert_int_equal(owtw_schedule_init(&fl[i].sched, &owtw_ossl, sid,
                                            &slot, 1, fl[i].f->start),
                         IPPM_OK);
    }
    for (size_t i = 0; i < c->n; i++) {
        struct pkt p;
        pkt_of(&c->pkt[i], &p);
        /* A flow is its destination port; its session is the fixture
         * whose packet 0 it carries (the keys tell in modes A and E). */
        int which = -1;
        for (int j = 0; j < 2 && which < 0; j++)
            if (fl[j].dport == c->pkt[i].dport)
                which = j;
        for (int j = 0; j < 2 && which < 0; j++) {
            struct pkt q = p;
            struct stamp_sender_pkt s;
            if (fl[j].dport || !opens_with(&fl[j].k, &p))
                continue;
            owtw_test_open(&fl[j].k, STAMP_PKT_SENDER, q.b, q.len);
            owtw_sender_pkt_decode(&s, q.b, q.len, fl[j].k.mode);
            if (s.ts == fl[j].f->ts) {
                fl[j].dport = c->pkt[i].dport;
                which = j;
            }
        }
        assert_true(which >= 0);
        take_owamp(&fl[which], &fl[1 - which], &p);
    }
    for (int i = 0; i < 2; i++) {
        assert_int_equal(fl[i].next, 10);
        owtw_schedule_free(&fl[i].sched);
        owtw_test_keys_free(&fl[i].k);
    }
}

static void test_owamp_captures_every_packet(void **state)
{
    (void)state;
    check_owamp("owamp-O");
    check_owamp("owamp-A");
    check_owamp("owamp-E");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_twamp_captures_every_packet),
        cmocka_unit_test(test_owamp_captures_every_packet),
    };
    return cmocka_run_group_tests(tests, owtw_ossl_setup, owtw_ossl_teardown);
}
