/* Unit tests of the reflector's source rules (cfg.src, issue 10 item 1):
 * a request from the reflector itself, from its own port or from a
 * reflecting service is dropped before anything of it is read, and
 * counted under its own reason. Separate from stamp_session_test.c, which
 * tests the session table. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proto/stamp/stamp.h"
#include "testsupport/fake_crypto.h"

#define NS 1000000000ull
#define T0 (1700000000ull * NS)

static const uint8_t KEY[32] = "0123456789abcdef0123456789ABCDEF";
static struct fake_crypto_ctx fctx;
static struct ippm_crypto fcrypto;
static struct stamp_reflector R;

static void refl_init(enum stamp_mode mode, const struct ippm_src_policy *src)
{
    struct stamp_reflector_config c;
    memset(&c, 0, sizeof c);
    c.mode = mode;
    c.tsfmt = IPPM_TS_NTP;
    c.tlv = true;
    c.dscp_permitted = STAMP_DSCP_PERMITTED_DEFAULT;
    if (mode == STAMP_MODE_AUTH) {
        fcrypto = fake_crypto_make(&fctx);
        c.key = fake_crypto_key(&fcrypto, KEY, sizeof KEY);
    }
    if (src)
        c.src = *src;
    stamp_reflector_init(&R, &c);
}

static struct ippm_addr v4(uint8_t d, uint16_t port)
{
    struct ippm_addr a;
    memset(&a, 0, sizeof a);
    a.family = IPPM_AF_INET;
    a.ip[0] = 192, a.ip[1] = 0, a.ip[2] = 2, a.ip[3] = d;
    a.port = port;
    return a;
}

static struct ippm_rx_meta meta(struct ippm_addr peer, struct ippm_addr local)
{
    struct ippm_rx_meta m;
    memset(&m, 0, sizeof m);
    m.rx_ns = T0;
    m.ttl = 64;
    m.tos = -1;
    m.peer = peer;
    m.local = local;
    return m;
}

/* A valid request of the mode (signed in authenticated mode). */
static size_t request(uint8_t *b, size_t cap, enum stamp_mode mode)
{
    struct stamp_sender_pkt p = {.seq = 7, .ts = 1, .errest = 1};
    size_t len = stamp_base_len(mode);
    assert_int_equal(stamp_sender_pkt_encode(b, cap, len, &p, mode, &R.cfg.key),
                     IPPM_OK);
    return len;
}

/* Hands len octets of pkt (against a guard page) to R; tx (also
 * guarded) must stay untouched on a drop. */
static struct ippm_action handle(const uint8_t *pkt, size_t len,
                                 const struct ippm_rx_meta *m, uint8_t *out)
{
    struct ippm_guard gp, gt;
    static uint8_t dirty[256];
    memset(dirty, 0xee, sizeof dirty);
    const uint8_t *p = ippm_guard_copy(&gp, pkt, len);
    uint8_t *tx = ippm_guard_copy(&gt, dirty, sizeof dirty);
    struct ippm_event ev = {IPPM_EV_DATAGRAM, T0 + 1000, p, len, m};
    struct ippm_action act;
    assert_int_equal(stamp_reflector_handle(&R, &ev, tx, sizeof dirty, &act),
                     IPPM_OK);
    if (act.kind != IPPM_ACT_SEND_DATAGRAM)
        assert_memory_equal(tx, dirty, sizeof dirty);
    if (out)
        memcpy(out, tx, act.kind == IPPM_ACT_SEND_DATAGRAM ? act.len : 0);
    ippm_guard_free(&gp);
    ippm_guard_free(&gt);
    return act;
}

static void assert_refused(const struct ippm_action *a, enum ippm_err why)
{
    assert_int_equal(a->kind, IPPM_ACT_DROP);
    assert_int_equal(a->why, why);
}

static void test_stamp_reflector_refuses_its_own_address(void **state)
{
    (void)state;
    uint8_t b[128];
    refl_init(STAMP_MODE_OPEN, NULL);
    struct ippm_rx_meta m = meta(v4(1, 862), v4(1, 862));
    struct ippm_action a =
        handle(b, request(b, sizeof b, STAMP_MODE_OPEN), &m, NULL);
    assert_refused(&a, STAMP_ERR_SELF_SOURCE);
    assert_int_equal(R.counters.rx, 1);
    assert_int_equal(R.counters.dropped, 1);
    assert_int_equal(R.counters.drop_by[STAMP_ERR_SELF_SOURCE], 1);
    assert_int_equal(R.counters.tx, 0);
}

/* The same port on another address: another reflector; a reflecting
 * service's port; both answered once the port is allowed. */
static void test_stamp_reflector_refuses_reflecting_ports(void **state)
{
    (void)state;
    uint8_t b[128];
    refl_init(STAMP_MODE_OPEN, NULL);
    size_t len = request(b, sizeof b, STAMP_MODE_OPEN);
    struct ippm_rx_meta m = meta(v4(2, 862), v4(1, 862));
    struct ippm_action a = handle(b, len, &m, NULL);
    assert_refused(&a, STAMP_ERR_OWN_PORT);
    m = meta(v4(2, 123), v4(1, 862));
    a = handle(b, len, &m, NULL);
    assert_refused(&a, STAMP_ERR_REFLECTING_PORT);
    m = meta(v4(2, 40000), v4(1, 862));
    a = handle(b, len, &m, NULL);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);

    struct ippm_src_policy src;
    memset(&src, 0, sizeof src);
    assert_int_equal(ippm_src_policy_allow(&src, 862), IPPM_OK);
    assert_int_equal(ippm_src_policy_allow(&src, 123), IPPM_OK);
    refl_init(STAMP_MODE_OPEN, &src);
    m = meta(v4(2, 862), v4(1, 862));
    a = handle(b, len, &m, NULL);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    m = meta(v4(2, 123), v4(1, 862));
    a = handle(b, len, &m, NULL);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    /* never itself */
    m = meta(v4(1, 862), v4(1, 862));
    a = handle(b, len, &m, NULL);
    assert_refused(&a, STAMP_ERR_SELF_SOURCE);
}

/* Authenticated mode: the reflector's own reply verifies as a request
 * (same key, same 96 octets under the HMAC, and the fields that differ
 * are MBZ the RFC tells the reflector to ignore), so it is the source
 * rules that stop the loop. */
static void test_stamp_reflector_auth_reply_loop_stops_at_source(void **state)
{
    (void)state;
    uint8_t b[128], reply[256];
    refl_init(STAMP_MODE_AUTH, NULL);
    size_t len = request(b, sizeof b, STAMP_MODE_AUTH);
    struct ippm_rx_meta m = meta(v4(2, 40000), v4(1, 862));
    struct ippm_action a = handle(b, len, &m, reply);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(a.len, len);
    /* Fed back from elsewhere, the reply would pass as a request, but the
     * reflector knows its own Timestamp (STAMP_ERR_OWN_REPLY) ... */
    a = handle(reply, len, &m, NULL);
    assert_refused(&a, STAMP_ERR_OWN_REPLY);
    /* ... and the source rules stop it first from the reflector itself or
     * from a reflector port. */
    m = meta(v4(1, 862), v4(1, 862));
    a = handle(reply, len, &m, NULL);
    assert_refused(&a, STAMP_ERR_SELF_SOURCE);
    m = meta(v4(3, 862), v4(1, 862));
    a = handle(reply, len, &m, NULL);
    assert_refused(&a, STAMP_ERR_OWN_PORT);
}

/* No local address in meta (a wildcard bind without IP_PKTINFO): the
 * bound address in cfg.src.self stands in for the port rule. */
static void test_stamp_reflector_unknown_local_uses_bound_port(void **state)
{
    (void)state;
    uint8_t b[128];
    struct ippm_src_policy src;
    memset(&src, 0, sizeof src);
    src.self.family = IPPM_AF_INET6; /* [::]:18862 */
    src.self.port = 18862;
    refl_init(STAMP_MODE_OPEN, &src);
    struct ippm_addr none;
    memset(&none, 0, sizeof none);
    struct ippm_rx_meta m = meta(v4(2, 18862), none);
    struct ippm_action a =
        handle(b, request(b, sizeof b, STAMP_MODE_OPEN), &m, NULL);
    assert_refused(&a, STAMP_ERR_OWN_PORT);
}

/* Two reflectors on ports nobody denies (issue 10 item 1, the loop the
 * source rules cannot see): A's reply reflected by B comes back to A with
 * A's Timestamp as its Session-Sender Timestamp, and A drops it; a reply
 * echoed back verbatim (an echo service on a high port) carries A's
 * Timestamp where a request has its own, and A drops it too. A request
 * with random octets where a reply has those fields (TWAMP-Light
 * padding) is answered. Both modes. */
static void own_reply_loop_dies(enum stamp_mode mode)
{
    static struct stamp_reflector A, B;
    uint8_t b[256], r1[256], r2[256];
    refl_init(mode, NULL);
    B = R; /* same config, its own memory of what it sent */
    refl_init(mode, NULL);
    A = R;
    size_t len = request(b, sizeof b, mode);
    struct ippm_rx_meta at_a = meta(v4(2, 40000), v4(1, 40001));
    struct ippm_rx_meta at_b = meta(v4(1, 40001), v4(2, 40000));
    R = A;
    struct ippm_action a = handle(b, len, &at_a, r1); /* the spoofed one */
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    A = R;
    R = B;
    a = handle(r1, len, &at_b, r2); /* B: a request from A */
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    B = R;
    R = A;
    a = handle(r2, len, &at_a, NULL); /* back at A: its own */
    assert_refused(&a, STAMP_ERR_OWN_REPLY);
    assert_int_equal(R.counters.drop_by[STAMP_ERR_OWN_REPLY], 1);
    a = handle(r1, len, &at_a, NULL); /* echoed */
    assert_refused(&a, STAMP_ERR_OWN_REPLY);
    /* Padding where a reply has its Session-Sender Timestamp. */
    memcpy(r2, b, len);
    if (mode == STAMP_MODE_OPEN) {
        for (size_t i = 16; i < len; i++)
            r2[i] = (uint8_t)(0x5a ^ i * 37);
        a = handle(r2, len, &at_a, NULL);
        assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    }
}

static void test_stamp_reflector_own_reply_loop_dies(void **state)
{
    (void)state;
    own_reply_loop_dies(STAMP_MODE_OPEN);
    own_reply_loop_dies(STAMP_MODE_AUTH);
}

/* RFC 8762 §6, issue 11: the allow/deny list refuses a source before
 * anything is read; others are answered. */
static void test_stamp_reflector_prefix_denies(void **state)
{
    (void)state;
    uint8_t b[128];
    refl_init(STAMP_MODE_OPEN, NULL);
    struct ippm_addr bad = v4(2, 40000), good = v4(3, 40000);
    assert_int_equal(ippm_prefix_add(&R.cfg.prefixes, &bad, 32, false),
                     IPPM_OK);
    struct ippm_rx_meta mb = meta(bad, v4(1, 862)), mg = meta(good, v4(1, 862));
    struct ippm_action a = handle(b, request(b, sizeof b, STAMP_MODE_OPEN),
                                  &mb, NULL);
    assert_refused(&a, STAMP_ERR_SOURCE_DENIED);
    a = handle(b, request(b, sizeof b, STAMP_MODE_OPEN), &mg, NULL);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(R.counters.drop_by[STAMP_ERR_SOURCE_DENIED], 1);
}

/* The rate limit: a source past its burst is refused, another is still
 * answered, and a request the loop rules refuse takes no token. */
static void test_stamp_reflector_rate_limits_per_source(void **state)
{
    (void)state;
    static uint64_t mem[IPPM_RATELIMIT_SIZE(8) / 8 + 1];
    static const uint8_t seed[IPPM_TABLE_SEED_LEN] = {9};
    struct ippm_ratelimit rl;
    struct ippm_rate rate = {.pps = 1, .burst = 2};
    uint8_t b[128];
    assert_int_equal(ippm_ratelimit_init(&rl, mem, sizeof mem, 8, &rate, seed),
                     IPPM_OK);
    refl_init(STAMP_MODE_OPEN, NULL);
    R.cfg.ratelimit = &rl;
    struct ippm_rx_meta echo = meta(v4(2, 7), v4(1, 862));
    struct ippm_action a = handle(b, request(b, sizeof b, STAMP_MODE_OPEN),
                                  &echo, NULL);
    assert_refused(&a, STAMP_ERR_REFLECTING_PORT);
    struct ippm_rx_meta flood = meta(v4(2, 40000), v4(1, 862));
    for (int i = 0; i < 2; i++) {
        a = handle(b, request(b, sizeof b, STAMP_MODE_OPEN), &flood, NULL);
        assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    }
    a = handle(b, request(b, sizeof b, STAMP_MODE_OPEN), &flood, NULL);
    assert_refused(&a, STAMP_ERR_RATE_LIMITED);
    struct ippm_rx_meta other = meta(v4(3, 40000), v4(1, 862));
    a = handle(b, request(b, sizeof b, STAMP_MODE_OPEN), &other, NULL);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(R.counters.drop_by[STAMP_ERR_RATE_LIMITED], 1);
    assert_int_equal(ippm_ratelimit_sources(&rl), 2);
}

static void test_stamp_err_names_source_reasons(void **state)
{
    (void)state;
    assert_int_equal(STAMP_ERR_SELF_SOURCE, 17);
    assert_int_equal(STAMP_ERR_OWN_PORT, 18);
    assert_int_equal(STAMP_ERR_REFLECTING_PORT, 19);
    assert_int_equal(STAMP_ERR_SOURCE_DENIED, 20);
    assert_int_equal(STAMP_ERR_RATE_LIMITED, 21);
    assert_int_equal(STAMP_ERR_OWN_REPLY, 22);
    assert_int_equal(STAMP_ERR_COUNT_, 23);
    assert_string_equal(stamp_err_name(STAMP_ERR_SOURCE_DENIED),
                        "IPPM_ERR_SOURCE_DENIED");
    assert_string_equal(stamp_err_name(STAMP_ERR_RATE_LIMITED),
                        "IPPM_ERR_RATE_LIMITED");
    assert_string_equal(stamp_err_name(STAMP_ERR_SELF_SOURCE),
                        "IPPM_ERR_SELF_SOURCE");
    assert_string_equal(stamp_err_name(STAMP_ERR_OWN_PORT),
                        "IPPM_ERR_OWN_PORT");
    assert_string_equal(stamp_err_name(STAMP_ERR_REFLECTING_PORT),
                        "IPPM_ERR_REFLECTING_PORT");
    assert_string_equal(stamp_err_str(STAMP_ERR_SELF_SOURCE),
                        "source is the reflector's own address and port");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stamp_reflector_refuses_its_own_address),
        cmocka_unit_test(test_stamp_reflector_refuses_reflecting_ports),
        cmocka_unit_test(test_stamp_reflector_auth_reply_loop_stops_at_source),
        cmocka_unit_test(test_stamp_reflector_unknown_local_uses_bound_port),
        cmocka_unit_test(test_stamp_reflector_own_reply_loop_dies),
        cmocka_unit_test(test_stamp_reflector_prefix_denies),
        cmocka_unit_test(test_stamp_reflector_rate_limits_per_source),
        cmocka_unit_test(test_stamp_err_names_source_reasons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
