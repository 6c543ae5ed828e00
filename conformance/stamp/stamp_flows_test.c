/* stamp_flows.c: exchanges of two interleaved flows come out grouped,
 * each flow with its own replies and unmatched ones; too little room is
 * IPPM_ERR_NOSPACE; the flows seen are listed with counts and lengths;
 * details get the flow's name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "conformance/stamp/stamp_flows.h"

static const struct ippm_addr snd_a = {IPPM_AF_INET, {10, 0, 0, 1}, 40000, 0};
static const struct ippm_addr snd_b = {IPPM_AF_INET, {10, 0, 0, 1}, 40001, 0};
static const struct ippm_addr refl = {IPPM_AF_INET, {10, 0, 0, 9}, 862, 0};

static struct stamp_dgram dg(const struct ippm_addr *src,
                             const struct ippm_addr *dst, size_t len)
{
    static const uint8_t zeros[64];
    struct stamp_dgram d = {zeros, len, 0, *src, *dst, 64, -1, false, {0}};
    return d;
}

static void test_stamp_flows_group_keeps_flows_apart(void **st)
{
    (void)st;
    /* a, b, a requests; a answered once, b answered and once more by a
     * reply no request of b's took (unmatched). */
    struct stamp_dgram d[] = {
        dg(&snd_a, &refl, 44), dg(&snd_b, &refl, 44), dg(&snd_a, &refl, 44),
        dg(&refl, &snd_a, 44), dg(&refl, &snd_b, 44), dg(&refl, &snd_b, 41),
    };
    struct ippm_exchange ex[3], out[3];
    memset(ex, 0, sizeof ex);
    ex[0].req_src = snd_a, ex[0].req_dst = refl, ex[0].n_replies = 1;
    ex[1].req_src = snd_b, ex[1].req_dst = refl, ex[1].n_replies = 1;
    ex[2].req_src = snd_a, ex[2].req_dst = refl, ex[2].req_len = 7;
    struct stamp_flow_group f[3];
    size_t nf = 0;
    uint32_t scratch[STAMP_FLOWS_SCRATCH(3)];
    assert_int_equal(stamp_flows_group(d, 6, 862, ex, 3, out, f, 3, &nf,
                                       scratch, STAMP_FLOWS_SCRATCH(3)),
                     IPPM_OK);
    assert_int_equal(nf, 2);
    assert_int_equal(f[0].first, 0);
    assert_int_equal(f[0].n, 2);
    assert_int_equal(f[0].replies, 1);
    assert_int_equal(f[0].unmatched, 0);
    assert_int_equal(f[1].first, 2);
    assert_int_equal(f[1].n, 1);
    assert_int_equal(f[1].replies, 2);
    assert_int_equal(f[1].unmatched, 1);
    assert_int_equal(out[1].req_len, 7); /* a's second request moved up */
    assert_int_equal(out[2].req_src.port, 40001);
    assert_int_equal(f[1].snd.port, 40001);
    assert_int_equal(f[1].refl.port, 862);
}

static void test_stamp_flows_group_reports_nospace(void **st)
{
    (void)st;
    struct stamp_dgram d[] = {dg(&snd_a, &refl, 44), dg(&snd_b, &refl, 44)};
    struct ippm_exchange ex[2], out[2];
    memset(ex, 0, sizeof ex);
    ex[0].req_src = snd_a, ex[0].req_dst = refl;
    ex[1].req_src = snd_b, ex[1].req_dst = refl;
    struct stamp_flow_group f[1];
    size_t nf = 0;
    uint32_t scratch[STAMP_FLOWS_SCRATCH(2)];
    assert_int_equal(stamp_flows_group(d, 2, 862, ex, 2, out, f, 1, &nf,
                                       scratch, STAMP_FLOWS_SCRATCH(2)),
                     IPPM_ERR_NOSPACE);
    struct stamp_flow_group f2[2];
    assert_int_equal(stamp_flows_group(d, 2, 862, ex, 2, out, f2, 2, &nf,
                                       scratch, STAMP_FLOWS_SCRATCH(2) - 1),
                     IPPM_ERR_NOSPACE);
}

static void test_stamp_flows_seen_and_named(void **st)
{
    (void)st;
    struct stamp_dgram d[] = {
        dg(&snd_a, &refl, 14), dg(&refl, &snd_a, 38), dg(&snd_a, &refl, 44),
        dg(&snd_b, &refl, 44),
    };
    struct stamp_flow_seen s[2];
    uint64_t more = 9;
    assert_int_equal(stamp_flows_seen(d, 4, s, 2, &more), 2);
    assert_int_equal(s[0].src.port, 40000);
    assert_int_equal(s[0].n, 2);
    assert_int_equal(s[0].lo, 14);
    assert_int_equal(s[0].hi, 44);
    assert_int_equal(s[1].src.port, 862);
    assert_int_equal(s[1].n, 1);
    assert_int_equal(more, 1); /* snd_b's datagram, past the two */
    assert_int_equal(stamp_flows_seen(d, 0, s, 2, &more), 0);
    assert_int_equal(more, 0);
    struct ippm_case_result r[1];
    memset(r, 0, sizeof r);
    strcpy(r[0].detail, "seq 0: bad");
    stamp_flows_name_details(r, 1, "A -> B");
    assert_string_equal(r[0].detail, "A -> B: seq 0: bad");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stamp_flows_group_keeps_flows_apart),
        cmocka_unit_test(test_stamp_flows_group_reports_nospace),
        cmocka_unit_test(test_stamp_flows_seen_and_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
