/* The TWAMP-Test cases (cases/twamp_test.c) on TWAMP-Light exchanges made
 * by proto/stamp's reflector in its TWAMP-Light flavour: every case
 * passes (or is n/a for the other reflector mode), and each one fails
 * once its reply is mutated the way the case forbids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"
#include "conformance/ippm_conform.h"
#include "conformance/cases/cases.h"
#include "conformance/stamp/stamp_obs.h"

#define NS 1000000000ull
#define US 1000ull
#define T0 (1795608068ull * NS)
#define N_EX 8
#define MAX_LEN 64

struct fx {
    uint8_t req[N_EX][MAX_LEN];
    uint8_t rep[N_EX][MAX_LEN];
    struct ippm_exchange ex[N_EX];
    struct stamp_obs_pkt pkt;
    struct ippm_obs obs;
    struct stamp_reflector r;
};

static struct fx g;

static struct ippm_addr addr(uint8_t host, uint16_t port)
{
    struct ippm_addr a;
    memset(&a, 0, sizeof a);
    a.family = IPPM_AF_INET;
    a.ip[0] = 192, a.ip[1] = 0, a.ip[2] = 2, a.ip[3] = host;
    a.port = port;
    return a;
}

/* N_EX requests of 14 octets and, every other one, 60, answered by a
 * TWAMP-Light reflector (stateful or not). */
static void build(bool stateful)
{
    memset(&g, 0, sizeof g);
    struct stamp_reflector_config c;
    memset(&c, 0, sizeof c);
    c.flavour = STAMP_FLAVOUR_TWAMP_LIGHT;
    c.stateful = stateful;
    c.tsfmt = IPPM_TS_NTP;
    c.errest.synced = true;
    c.errest.mult = 1;
    c.session_timeout_ns = 10 * NS;
    stamp_reflector_init(&g.r, &c);
    for (uint32_t i = 0; i < N_EX; i++) {
        size_t len = i % 2 ? 60 : STAMP_TWL_SENDER_LEN;
        uint64_t t = T0 + i * 10 * US * 1000;
        struct stamp_sender_pkt p = {
            .seq = i, .ts = ippm_ts_from_ns(t, IPPM_TS_NTP), .errest = 0x8001};
        assert_int_equal(
            stamp_twl_sender_pkt_encode(g.req[i], MAX_LEN, len, &p), IPPM_OK);
        struct ippm_rx_meta m;
        memset(&m, 0, sizeof m);
        m.rx_ns = t + 50 * US;
        m.ttl = 63;
        m.tos = -1;
        m.peer = addr(9, 40000);
        m.local = addr(1, STAMP_PORT);
        struct ippm_event ev = {IPPM_EV_DATAGRAM, t + 60 * US, g.req[i], len,
                                &m};
        struct ippm_action a;
        assert_int_equal(
            stamp_reflector_handle(&g.r, &ev, g.rep[i], MAX_LEN, &a), IPPM_OK);
        assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
        struct ippm_exchange *e = &g.ex[i];
        e->req = g.req[i];
        e->req_len = len;
        e->req_ns = t;
        e->req_ttl = 63;
        e->req_src = m.peer;
        e->req_dst = m.local;
        e->rep = g.rep[i];
        e->rep_len = a.len;
        e->rep_ns = t + 110 * US;
        e->n_replies = 1;
        e->rep_src = m.local;
        e->rep_ttl = 255; /* RFC 5357 §4.2.1, as sent on loopback */
    }
    g.pkt.ext.name = STAMP_OBS_PKT;
    g.pkt.sender = stamp_layout_twamp_light(STAMP_PKT_SENDER);
    g.pkt.reflector = stamp_layout_twamp_light(STAMP_PKT_REFLECTOR);
    g.obs.protocol = "twamp";
    g.obs.role = IPPM_ROLE_REFLECTOR;
    g.obs.ex = g.ex;
    g.obs.n_ex = N_EX;
    g.obs.expect_stateful = stateful;
    g.obs.clock_tolerance_ns = NS;
    g.obs.ext = &g.pkt.ext;
}

static enum ippm_verdict verdict_of(const char *id, char *detail)
{
    struct ippm_case_result res[64];
    size_t n = ippm_catalogue_run(&g.obs, id, res, 64);
    assert_int_equal(n, 1);
    strcpy(detail, res[0].detail);
    return res[0].verdict;
}

/* A row of the TWAMP-Test table (the TWAMP-Control rows grade control
 * connections, which these fixtures have none of). */
static bool test_row(const char *id)
{
    for (size_t k = 0; k < ippm_cases_twamp_test_n; k++)
        if (strcmp(id, ippm_cases_twamp_test[k].id) == 0)
            return true;
    return false;
}

/* Every case passes on a conformant reflector, the other mode's n/a. */
static void test_twamp_light_cases_pass(void **state)
{
    (void)state;
    for (int stateful = 0; stateful < 2; stateful++) {
        build(stateful);
        struct ippm_case_result res[128];
        size_t n = ippm_catalogue_run(&g.obs, "TWAMP-", res, 128), rows = 0;
        for (size_t i = 0; i < n; i++)
            rows += test_row(res[i].c->id);
        assert_int_equal(rows, 17);
        for (size_t i = 0; i < n; i++) {
            const char *id = res[i].c->id;
            if (!test_row(id))
                continue;
            bool other_mode =
                strcmp(id, stateful ? "TWAMP-5357-I-01"
                                    : "TWAMP-5357-4.2.1-05") == 0;
            if (other_mode)
                continue;
            if (res[i].verdict != IPPM_PASS)
                fail_msg("%s (stateful %d): %s: %s", id, stateful,
                         ippm_verdict_str(res[i].verdict), res[i].detail);
        }
    }
}

/* Mutations, one per case: each applied to every reply. */
static void m_rxts(size_t i) { ippm_store_u64(g.rep[i] + 16, ippm_ts_from_ns(T0 - NS, IPPM_TS_NTP)); }
static void m_ts_early(size_t i)
{
    ippm_store_u64(g.rep[i] + 4, ippm_load_u64(g.rep[i] + 16) - (1ull << 32));
}
static void m_ts_late(size_t i)
{
    ippm_store_u64(g.rep[i] + 4, ippm_ts_from_ns(g.ex[i].rep_ns + 10 * NS,
                                                 IPPM_TS_NTP));
    ippm_store_u64(g.rep[i] + 16, ippm_load_u64(g.rep[i] + 4));
}
static void m_ttl(size_t i) { g.rep[i][40] = 255; }
static void m_drop(size_t i) { g.ex[i].rep = NULL; g.ex[i].rep_len = 0; }
static void m_ss_seq(size_t i) { g.rep[i][27] ^= 0x10; }
static void m_ss_ts(size_t i) { g.rep[i][35] ^= 1; }
static void m_ss_err(size_t i) { g.rep[i][37] ^= 2; }
static void m_seq_const(size_t i) { ippm_store_u32(g.rep[i], 5); }
static void m_mbz1(size_t i) { g.rep[i][15] = 1; }
static void m_mbz2(size_t i) { g.rep[i][39] = 1; }
static void m_mult(size_t i) { g.rep[i][13] = 0; }
static void m_z(size_t i) { g.rep[i][12] ^= 0x40; }
static void m_seq_own(size_t i) { ippm_store_u32(g.rep[i], 1000 + (uint32_t)i); }
static void m_len44(size_t i) { g.ex[i].rep_len = i % 2 ? 61 : 44; }
static void m_ttl_zero(size_t i) { g.rep[i][40] = 0; }
static void m_rep_ttl(size_t i) { g.ex[i].rep_ttl = 64; }

struct mutation {
    const char *id;
    bool stateful;
    void (*fn)(size_t i);
};

static void test_twamp_light_cases_fail(void **state)
{
    (void)state;
    static const struct mutation m[] = {
        {"TWAMP-5357-4.2-01", false, m_rxts},
        {"TWAMP-5357-4.2-02", false, m_ts_early},
        {"TWAMP-5357-4.2-03", false, m_ts_late},
        {"TWAMP-5357-4.2-04", false, m_ttl},
        {"TWAMP-5357-4.2-05", false, m_ttl_zero},
        {"TWAMP-5357-4.2.1-10", false, m_rep_ttl},
        {"TWAMP-5357-4.2.1-01", false, m_drop},
        {"TWAMP-5357-4.2.1-02", true, m_ss_seq},
        {"TWAMP-5357-4.2.1-03", false, m_ss_ts},
        {"TWAMP-5357-4.2.1-04", false, m_ss_err},
        {"TWAMP-5357-4.2.1-05", true, m_seq_const},
        {"TWAMP-5357-4.2.1-06", false, m_mbz1},
        {"TWAMP-5357-4.2.1-07", false, m_mbz2},
        {"TWAMP-5357-4.2.1-08", false, m_mult},
        {"TWAMP-5357-4.2.1-09", false, m_z},
        {"TWAMP-5357-I-01", false, m_seq_own},
        {"TWAMP-6038-5.2.1-01", false, m_len44},
    };
    char detail[IPPM_DETAIL_MAX];
    for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
        build(m[k].stateful);
        if (verdict_of(m[k].id, detail) != IPPM_PASS)
            fail_msg("%s before mutation: %s", m[k].id, detail);
        for (size_t i = 0; i < N_EX; i++)
            m[k].fn(i);
        if (verdict_of(m[k].id, detail) != IPPM_FAIL)
            fail_msg("%s after mutation: not a fail: %s", m[k].id, detail);
    }
}

/* RFC 5357 §4.2: 255 is the one other Sender TTL a reflector may report
 * (when it cannot read the TTL): the SHOULD fails, the MUST does not. */
static void test_twamp_light_ttl_255_allowed(void **state)
{
    (void)state;
    char detail[IPPM_DETAIL_MAX];
    build(false);
    for (size_t i = 0; i < N_EX; i++)
        m_ttl(i);
    assert_int_equal(verdict_of("TWAMP-5357-4.2-04", detail), IPPM_FAIL);
    assert_int_equal(verdict_of("TWAMP-5357-4.2-05", detail), IPPM_PASS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_twamp_light_cases_pass),
        cmocka_unit_test(test_twamp_light_cases_fail),
        cmocka_unit_test(test_twamp_light_ttl_255_allowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
