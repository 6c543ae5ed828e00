/* Asymmetrical packets' extra replies (draft-ietf-ippm-asymmetrical-pkts-14
 * §3): the reflector sends what the Reflected Test Packet Control TLV
 * asks within its count, interval, slot and budget limits, each copy at
 * its deadline with its own Timestamp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../common/ippm_cur.h"
#include "testsupport/fake_crypto.h"
#include "stamp.h"

#define NS IPPM_NS_PER_SEC
#define MS 1000000ull
#define T0 (1795608068ull * NS)

static const uint8_t KEY[] = "sixteen byte key and then some";
static struct fake_crypto_ctx fc_ctx;
static struct ippm_crypto fc;
static struct stamp_reflector R;
static uint8_t rep[2048];

static struct ippm_hmac_key key(void)
{
    fc = fake_crypto_make(&fc_ctx);
    return fake_crypto_key(&fc, KEY, sizeof KEY - 1);
}

static struct ippm_rx_meta meta4(void)
{
    struct ippm_rx_meta m;
    memset(&m, 0, sizeof m);
    m.rx_ns = T0;
    m.ttl = 60;
    m.tos = -1;
    m.peer = (struct ippm_addr){IPPM_AF_INET, {192, 0, 2, 7}, 40001, 0};
    m.local = (struct ippm_addr){IPPM_AF_INET, {198, 51, 100, 1}, STAMP_PORT, 0};
    return m;
}

static struct stamp_reflector_config cfg(enum stamp_mode mode)
{
    struct stamp_reflector_config c;
    memset(&c, 0, sizeof c);
    c.mode = mode;
    c.tlv = true;
    c.errest.mult = 1;
    c.key = key();
    c.repeat.max_count = 4;
    c.repeat.open = true;
    return c;
}

/* A request asking for count replies interval_ns apart. */
static size_t mk_req(uint8_t *q, enum stamp_mode mode, uint16_t count,
                     uint32_t interval_ns)
{
    struct ippm_hmac_key k = key();
    uint8_t tl[64];
    size_t n = 0;
    stamp_tlv_put_refl_control(tl, sizeof tl, &n, 0, count, interval_ns);
    size_t hmac_at = n;
    /* Authenticated mode's TLVs are read only under an HMAC TLV (§4.8). */
    if (mode == STAMP_MODE_AUTH)
        stamp_tlv_put_hmac(tl, sizeof tl, &n);
    struct stamp_sender_pkt sp = {.seq = 9,
                                  .ts = ippm_ntp_from_ns(T0 - NS),
                                  .errest = 1,
                                  .extra = tl,
                                  .extra_len = n};
    size_t len = stamp_base_len(mode) + n;
    assert_int_equal(stamp_sender_pkt_encode(q, 2048, len, &sp, mode, &k),
                     IPPM_OK);
    if (mode == STAMP_MODE_AUTH)
        assert_int_equal(stamp_tlv_hmac_sign(&k, q, len, stamp_base_len(mode),
                                             hmac_at),
                         IPPM_OK);
    return len;
}

static struct ippm_action send_ev(enum ippm_ev_kind kind, uint64_t now,
                                  const uint8_t *q, size_t len)
{
    struct ippm_rx_meta m = meta4();
    struct ippm_event ev = {kind, now, q, len, q ? &m : NULL};
    struct ippm_action a;
    assert_int_equal(stamp_reflector_handle(&R, &ev, rep, sizeof rep, &a),
                     IPPM_OK);
    return a;
}

/* The C flag of the reply's Reflected Test Packet Control TLV. */
static uint8_t c_flag(enum stamp_mode mode)
{
    return rep[stamp_base_len(mode)] & STAMP_TLV_C;
}

static uint64_t reply_ts(enum stamp_mode mode)
{
    return ippm_load_u64(
        rep + stamp_layout_get(STAMP_PKT_REFLECTOR, mode)->field[STAMP_F_TS]
                  .off);
}

static void test_copies_at_their_deadlines(void **state)
{
    (void)state;
    struct stamp_reflector_config c = cfg(STAMP_MODE_OPEN);
    stamp_reflector_init(&R, &c);
    uint8_t q[2048], first[2048];
    size_t len = mk_req(q, STAMP_MODE_OPEN, 3, 2 * MS);
    assert_int_equal(stamp_reflector_deadline(&R), UINT64_MAX);
    struct ippm_action a = send_ev(IPPM_EV_DATAGRAM, T0, q, len);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(c_flag(STAMP_MODE_OPEN), 0);
    memcpy(first, rep, a.len);
    assert_int_equal(stamp_reflector_deadline(&R), T0 + 2 * MS);
    /* Not yet due: nothing. */
    a = send_ev(IPPM_EV_TIMER, T0 + MS, NULL, 0);
    assert_int_equal(a.kind, IPPM_ACT_NONE);
    for (uint64_t k = 1; k <= 2; k++) {
        a = send_ev(IPPM_EV_TIMER, T0 + 2 * k * MS, NULL, 0);
        assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
        assert_int_equal(a.len, len);
        assert_int_equal(a.seq, 9);
        /* A whole reply: its own Timestamp, the rest as the first. */
        assert_int_equal(reply_ts(STAMP_MODE_OPEN),
                         ippm_ntp_from_ns(T0 + 2 * k * MS));
        assert_memory_equal(rep + 12, first + 12, len - 12);
        assert_int_equal(rep[0], first[0]);
        struct stamp_timer_dest d = stamp_reflector_timer_dest(&R);
        struct ippm_rx_meta m = meta4();
        assert_true(ippm_addr_equal(&d.peer, &m.peer));
        assert_true(ippm_addr_equal(&d.local, &m.local));
    }
    assert_int_equal(stamp_reflector_deadline(&R), UINT64_MAX);
    assert_int_equal(R.repeat.counters.scheduled, 1);
    assert_int_equal(R.repeat.counters.copies, 2);
    assert_int_equal(R.counters.tx, 3);
}

static void test_beyond_limits_one_reply_c_set(void **state)
{
    (void)state;
    struct stamp_reflector_config c = cfg(STAMP_MODE_OPEN);
    stamp_reflector_init(&R, &c);
    uint8_t q[2048];
    /* Above --max-reflected-count. */
    size_t len = mk_req(q, STAMP_MODE_OPEN, 5, 2 * MS);
    send_ev(IPPM_EV_DATAGRAM, T0, q, len);
    assert_int_equal(c_flag(STAMP_MODE_OPEN), STAMP_TLV_C);
    assert_int_equal(stamp_reflector_deadline(&R), UINT64_MAX);
    /* Below the shortest interval (1 ms by default). */
    len = mk_req(q, STAMP_MODE_OPEN, 2, 999999);
    send_ev(IPPM_EV_DATAGRAM, T0, q, len);
    assert_int_equal(c_flag(STAMP_MODE_OPEN), STAMP_TLV_C);
    assert_int_equal(stamp_reflector_deadline(&R), UINT64_MAX);
    /* Open mode not allowed: only authenticated requests get copies. */
    c.repeat.open = false;
    stamp_reflector_init(&R, &c);
    len = mk_req(q, STAMP_MODE_OPEN, 2, 2 * MS);
    send_ev(IPPM_EV_DATAGRAM, T0, q, len);
    assert_int_equal(c_flag(STAMP_MODE_OPEN), STAMP_TLV_C);
    assert_int_equal(stamp_reflector_deadline(&R), UINT64_MAX);
    /* Off (the default max_count 0). */
    c = cfg(STAMP_MODE_OPEN);
    c.repeat.max_count = 0;
    stamp_reflector_init(&R, &c);
    send_ev(IPPM_EV_DATAGRAM, T0, q, len);
    assert_int_equal(c_flag(STAMP_MODE_OPEN), STAMP_TLV_C);
    assert_int_equal(R.repeat.counters.scheduled, 0);
}

static void test_budget_bounds_all_sources(void **state)
{
    (void)state;
    struct stamp_reflector_config c = cfg(STAMP_MODE_OPEN);
    c.repeat.budget.pps = 2;
    c.repeat.budget.burst = 4;
    stamp_reflector_init(&R, &c);
    uint8_t q[2048];
    size_t len = mk_req(q, STAMP_MODE_OPEN, 3, 10 * MS);
    /* 4 tokens: two requests of 2 extra replies each, then none. */
    for (int i = 0; i < 2; i++) {
        send_ev(IPPM_EV_DATAGRAM, T0, q, len);
        assert_int_equal(c_flag(STAMP_MODE_OPEN), 0);
    }
    send_ev(IPPM_EV_DATAGRAM, T0, q, len);
    assert_int_equal(c_flag(STAMP_MODE_OPEN), STAMP_TLV_C);
    /* A second later 2 tokens are back: one more request. */
    send_ev(IPPM_EV_DATAGRAM, T0 + NS, q, len);
    assert_int_equal(c_flag(STAMP_MODE_OPEN), 0);
    assert_int_equal(R.repeat.counters.scheduled, 3);
}

static void test_slots_bound_pending(void **state)
{
    (void)state;
    struct stamp_reflector_config c = cfg(STAMP_MODE_OPEN);
    stamp_reflector_init(&R, &c);
    uint8_t q[2048];
    size_t len = mk_req(q, STAMP_MODE_OPEN, 2, 100 * MS);
    for (int i = 0; i < STAMP_REPEAT_SLOTS; i++) {
        send_ev(IPPM_EV_DATAGRAM, T0 + (uint64_t)i, q, len);
        assert_int_equal(c_flag(STAMP_MODE_OPEN), 0);
    }
    send_ev(IPPM_EV_DATAGRAM, T0 + MS, q, len);
    assert_int_equal(c_flag(STAMP_MODE_OPEN), STAMP_TLV_C);
    /* The earliest first: the deadline is the first request's. */
    assert_int_equal(stamp_reflector_deadline(&R), T0 + 100 * MS);
    struct ippm_action a = send_ev(IPPM_EV_TIMER, T0 + 100 * MS, NULL, 0);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(stamp_reflector_deadline(&R), T0 + 100 * MS + 1);
    /* A slot free again: the next request gets its copies. */
    send_ev(IPPM_EV_DATAGRAM, T0 + 100 * MS, q, len);
    assert_int_equal(c_flag(STAMP_MODE_OPEN), 0);
}

static void test_auth_copies_signed_anew(void **state)
{
    (void)state;
    struct stamp_reflector_config c = cfg(STAMP_MODE_AUTH);
    c.repeat.open = false;
    stamp_reflector_init(&R, &c);
    uint8_t q[2048];
    size_t len = mk_req(q, STAMP_MODE_AUTH, 2, MS);
    struct ippm_action a = send_ev(IPPM_EV_DATAGRAM, T0, q, len);
    assert_int_equal(a.why, IPPM_OK);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(c_flag(STAMP_MODE_AUTH), 0);
    assert_int_equal(stamp_reflector_deadline(&R), T0 + MS);
    a = send_ev(IPPM_EV_TIMER, T0 + MS, NULL, 0);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    struct ippm_hmac_key k = key();
    assert_int_equal(stamp_hmac_check(&k, rep, a.len), IPPM_OK);
    /* The HMAC TLV covers the Sequence Number and TLVs: still valid. */
    assert_int_equal(stamp_tlv_hmac_check(&k, rep, a.len, STAMP_AUTH_BASE_LEN,
                                          STAMP_TLV_HDR_LEN + 12),
                     IPPM_OK);
    assert_int_equal(reply_ts(STAMP_MODE_AUTH), ippm_ntp_from_ns(T0 + MS));
}


/* The sender asked for 3 replies: the reflector's two copies are
 * expected copies, not duplicates; a third copy is a duplicate. */
static void test_sender_counts_asked_copies(void **state)
{
    (void)state;
    struct stamp_reflector_config c = cfg(STAMP_MODE_OPEN);
    stamp_reflector_init(&R, &c);
    uint8_t tl[32];
    size_t n = 0;
    stamp_tlv_put_refl_control(tl, sizeof tl, &n, 0, 3, 2 * MS);
    struct stamp_sender S;
    struct stamp_result res[4];
    struct stamp_sender_config sc = {.mode = STAMP_MODE_OPEN,
                                     .pkt_len = STAMP_BASE_LEN + n,
                                     .count = 1,
                                     .interval_ns = MS,
                                     .wait_ns = NS,
                                     .start_ns = T0,
                                     .tlvs = tl,
                                     .tlvs_len = n};
    assert_int_equal(stamp_sender_init(&S, &sc, res, 4), IPPM_OK);
    uint8_t q[2048];
    struct ippm_event ev = {IPPM_EV_TIMER, T0, NULL, 0, NULL};
    struct ippm_action a;
    assert_int_equal(stamp_sender_handle(&S, &ev, q, sizeof q, &a), IPPM_OK);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    size_t qlen = a.len;
    struct ippm_rx_meta m = meta4();
    uint8_t got[4][2048];
    size_t got_len[4];
    a = send_ev(IPPM_EV_DATAGRAM, T0 + MS, q, qlen);
    memcpy(got[0], rep, got_len[0] = a.len);
    for (int k = 1; k <= 2; k++) {
        a = send_ev(IPPM_EV_TIMER, T0 + MS + 2 * MS * (uint64_t)k, NULL, 0);
        assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
        memcpy(got[k], rep, got_len[k] = a.len);
    }
    /* The last copy again: the network duplicated it. */
    memcpy(got[3], got[2], got_len[3] = got_len[2]);
    for (int k = 0; k < 4; k++) {
        struct ippm_event rx = {IPPM_EV_DATAGRAM, T0 + 10 * MS, got[k],
                                got_len[k], &m};
        assert_int_equal(stamp_sender_handle(&S, &rx, NULL, 0, &a), IPPM_OK);
    }
    struct stamp_stats st;
    stamp_sender_stats(&S, &st);
    assert_int_equal(st.received, 1);
    assert_int_equal(st.copies_asked, 3);
    assert_int_equal(st.copies_expected, 2);
    assert_int_equal(st.copies, 2);
    assert_int_equal(st.copies_refused, 0);
    assert_int_equal(st.duplicated, 1);
    /* Beyond the reflector's limits: C = 1, one reply, none expected. */
    c.repeat.max_count = 2;
    stamp_reflector_init(&R, &c);
    assert_int_equal(stamp_sender_init(&S, &sc, res, 4), IPPM_OK);
    assert_int_equal(stamp_sender_handle(&S, &ev, q, sizeof q, &a), IPPM_OK);
    a = send_ev(IPPM_EV_DATAGRAM, T0 + MS, q, qlen);
    struct ippm_event rx = {IPPM_EV_DATAGRAM, T0 + 2 * MS, rep, a.len, &m};
    assert_int_equal(stamp_sender_handle(&S, &rx, NULL, 0, &a), IPPM_OK);
    stamp_sender_stats(&S, &st);
    assert_int_equal(st.copies_refused, 1);
    assert_int_equal(st.copies_expected, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copies_at_their_deadlines),
        cmocka_unit_test(test_beyond_limits_one_reply_c_set),
        cmocka_unit_test(test_budget_bounds_all_sources),
        cmocka_unit_test(test_slots_bound_pending),
        cmocka_unit_test(test_auth_copies_signed_anew),
        cmocka_unit_test(test_sender_counts_asked_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
