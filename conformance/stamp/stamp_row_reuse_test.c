/* A row of another protocol points at an existing STAMP packet check, and
 * the observation, not the row, picks the packet layout (issue 8).
 *
 * TWAMP-Light shares STAMP's test packet, but its unauthenticated
 * reflector packet (RFC 5357 §4.2.1) is 41 octets with MBZ at 14-15 and
 * 38-39, where STAMP's (RFC 8762 Figure 5) is 44 with the SSID at 14-15
 * and MBZ at 38-39 and 41-43. The same row, {MBZ run 0}, grades octets
 * 14-15 of a TWAMP-Light exchange and octets 38-39 of a STAMP one. The
 * rows here are test rows: the real catalogue has no TWAMP cases yet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"
#include "conformance/ippm_conform.h"
#include "conformance/stamp/stamp_checks.h"
#include "conformance/stamp/stamp_obs.h"

#define NS 1000000000ull
#define T0 (1764000000ull * NS)
#define N_EX 3
#define TWL_REFL_LEN 41 /* RFC 5357 §4.2.1, unauthenticated */

/* RFC 5357 §4.1.2 (sender) and §4.2.1 (reflector), unauthenticated:
 * no SSID, the octets after the Error Estimate are MBZ. */
static const struct stamp_layout twl_sender = {
    STAMP_PKT_SENDER, STAMP_MODE_OPEN, 14,
    {[STAMP_F_SEQ] = {0, 4}, [STAMP_F_TS] = {4, 8},
     [STAMP_F_ERREST] = {12, 2}},
    {"seq", "ts", "errest"},
    {{0, 0}}, 0};
static const struct stamp_layout twl_reflector = {
    STAMP_PKT_REFLECTOR, STAMP_MODE_OPEN, TWL_REFL_LEN,
    {[STAMP_F_SEQ] = {0, 4}, [STAMP_F_TS] = {4, 8},
     [STAMP_F_ERREST] = {12, 2}, [STAMP_F_RX_TS] = {16, 8},
     [STAMP_F_SS_SEQ] = {24, 4}, [STAMP_F_SS_TS] = {28, 8},
     [STAMP_F_SS_ERREST] = {36, 2}, [STAMP_F_SS_TTL] = {40, 1}},
    {"seq", "ts", "errest", [STAMP_F_RX_TS] = "rx-ts", "ss-seq", "ss-ts",
     "ss-errest", "ttl"},
    {{14, 2}, {38, 2}}, 2};

/* Row-shaped cases with a TWAMP ID, pointing at the STAMP checks. */
static const struct ippm_case twamp_rows[] = {
    {"TWAMP-5357-4.2.1-01", "RFC 5357 §4.2.1", IPPM_MUST,
     IPPM_ROLE_REFLECTOR, "Reflector MBZ after the Error Estimate is zero",
     "MBZ", 0, stamp_chk_refl_mbz, {0, 0, NULL}},
    {"TWAMP-5357-4.2.1-02", "RFC 5357 §4.2.1", IPPM_MUST,
     IPPM_ROLE_REFLECTOR,
     "Reflector MBZ after the Session-Sender Error Estimate is zero", "MBZ",
     0, stamp_chk_refl_mbz, {1, 0, NULL}},
};

struct fx {
    uint8_t req[N_EX][TWL_REFL_LEN];
    uint8_t rep[N_EX][STAMP_BASE_LEN];
    struct ippm_exchange ex[N_EX];
    struct stamp_obs_pkt pkt;
    struct ippm_obs obs;
};

static struct fx g;

/* n exchanges of rep_len-octet replies, every MBZ zero; with twamp the
 * obs carries the TWAMP-Light layouts. */
static void build(size_t rep_len, bool twamp)
{
    memset(&g, 0, sizeof g);
    for (size_t i = 0; i < N_EX; i++) {
        uint64_t t = T0 + i * NS;
        ippm_store_u32(g.req[i], (uint32_t)i);
        ippm_store_u64(g.req[i] + 4, ippm_ts_from_ns(t, IPPM_TS_NTP));
        ippm_store_u16(g.req[i] + 12, 0x0001);
        ippm_store_u32(g.rep[i], (uint32_t)i);
        ippm_store_u64(g.rep[i] + 4, ippm_ts_from_ns(t, IPPM_TS_NTP));
        ippm_store_u16(g.rep[i] + 12, 0x0001);
        ippm_store_u32(g.rep[i] + 24, (uint32_t)i);
        memcpy(g.rep[i] + 28, g.req[i] + 4, 10); /* sender ts, errest */
        g.rep[i][40] = 255;
        struct ippm_exchange *e = &g.ex[i];
        e->req = g.req[i];
        e->req_len = TWL_REFL_LEN; /* twping pads to the reflector size */
        e->req_ns = t;
        e->req_ttl = 255;
        e->rep = g.rep[i];
        e->rep_len = rep_len;
        e->rep_ns = t + NS / 1000;
        e->n_replies = 1;
    }
    g.obs.protocol = twamp ? "twamp" : "stamp";
    g.obs.role = IPPM_ROLE_REFLECTOR;
    g.obs.ex = g.ex;
    g.obs.n_ex = N_EX;
    g.obs.expect_stateful = -1;
    if (twamp) {
        g.pkt.ext.name = STAMP_OBS_PKT;
        g.pkt.sender = &twl_sender;
        g.pkt.reflector = &twl_reflector;
        g.obs.ext = &g.pkt.ext;
    }
}

static enum ippm_verdict run(const struct ippm_case *c, char *detail)
{
    return c->check(&g.obs, &c->arg, detail, IPPM_DETAIL_MAX);
}

static void test_twamp_row_grades_twamp_light_layout(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    build(TWL_REFL_LEN, true);
    assert_int_equal(run(&twamp_rows[0], d), IPPM_PASS);
    assert_string_equal(d, "3 checked");
    assert_int_equal(run(&twamp_rows[1], d), IPPM_PASS);

    /* Octet 14 is MBZ in TWAMP-Light (the SSID only in STAMP). */
    g.rep[1][14] = 0x01;
    assert_int_equal(run(&twamp_rows[0], d), IPPM_FAIL);
    assert_string_equal(d, "seq 1: MBZ octet 14 (of 14-15) is 0x01 "
                           "(expected zero) [1 of 3 failed]");
    /* ... and the second row still looks at 38-39 only. */
    assert_int_equal(run(&twamp_rows[1], d), IPPM_PASS);

    g.rep[1][14] = 0;
    g.rep[2][39] = 0x80;
    assert_int_equal(run(&twamp_rows[0], d), IPPM_PASS);
    assert_int_equal(run(&twamp_rows[1], d), IPPM_FAIL);
    assert_string_equal(d, "seq 2: MBZ octet 39 (of 38-39) is 0x80 "
                           "(expected zero) [1 of 3 failed]");
}

/* The same row on a STAMP observation (no layout in the obs): proto's
 * RFC 8762 Figure 5 layout, whose first MBZ run is 38-39. */
static void test_same_row_on_stamp_obs_uses_stamp_layout(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    build(STAMP_BASE_LEN, false);
    g.rep[0][14] = 0x01; /* STAMP: the SSID's place, not graded here */
    assert_int_equal(run(&twamp_rows[0], d), IPPM_PASS);
    g.rep[0][38] = 0x02;
    assert_int_equal(run(&twamp_rows[0], d), IPPM_FAIL);
    assert_string_equal(d, "seq 0: MBZ octet 38 (of 38-39) is 0x02 "
                           "(expected zero) [1 of 3 failed]");
}

/* A 41-octet TWAMP-Light reply is too short for STAMP's layout: graded
 * as STAMP, the row has nothing to check; graded with the layout the obs
 * names, it passes. */
static void test_layout_decides_what_is_short(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    build(TWL_REFL_LEN, false);
    g.obs.ex = g.ex;
    for (size_t i = 0; i < N_EX; i++)
        g.ex[i].req_len = STAMP_BASE_LEN;
    assert_int_equal(run(&twamp_rows[1], d), IPPM_NA);
    assert_string_equal(d, "every reply (3) is too short to carry octets "
                           "41-43");
    build(TWL_REFL_LEN, true);
    assert_int_equal(run(&twamp_rows[1], d), IPPM_PASS);
}

/* A TWAMP observation chains more than the packet layouts (its control
 * transcript's facts, say): the STAMP check finds its extension by name
 * wherever it sits in the chain. */
static void test_layout_found_down_the_ext_chain(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    build(TWL_REFL_LEN, true);
    struct ippm_obs_ext control = {"twamp-control", &g.pkt.ext};
    g.obs.ext = &control;
    assert_ptr_equal(ippm_obs_ext_find(&g.obs, STAMP_OBS_PKT), &g.pkt.ext);
    assert_ptr_equal(ippm_obs_ext_find(&g.obs, "twamp-control"), &control);
    assert_null(ippm_obs_ext_find(&g.obs, "owamp-control"));
    g.rep[0][15] = 0x04;
    assert_int_equal(run(&twamp_rows[0], d), IPPM_FAIL);
    assert_string_equal(d, "seq 0: MBZ octet 15 (of 14-15) is 0x04 "
                           "(expected zero) [1 of 3 failed]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_twamp_row_grades_twamp_light_layout),
        cmocka_unit_test(test_same_row_on_stamp_obs_uses_stamp_layout),
        cmocka_unit_test(test_layout_decides_what_is_short),
        cmocka_unit_test(test_layout_found_down_the_ext_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
