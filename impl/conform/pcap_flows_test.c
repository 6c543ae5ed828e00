/* pcap_flows.c: exchanges of two interleaved flows come out grouped,
 * each flow with its own replies and unmatched ones; the flows seen are
 * described with counts and lengths; details get the flow's name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "impl/conform/pcap_flows.h"

static const struct ippm_addr snd_a = {IPPM_AF_INET, {10, 0, 0, 1}, 40000};
static const struct ippm_addr snd_b = {IPPM_AF_INET, {10, 0, 0, 1}, 40001};
static const struct ippm_addr refl = {IPPM_AF_INET, {10, 0, 0, 9}, 862};

static struct stamp_dgram dg(const struct ippm_addr *src,
                             const struct ippm_addr *dst, size_t len)
{
    static const uint8_t zeros[64];
    struct stamp_dgram d = {zeros, len, 0, *src, *dst, 64, -1, false, {0}};
    return d;
}

static void test_group_keeps_flows_apart(void **st)
{
    (void)st;
    /* a, b, a requests; a answered once, b answered and once more by a
     * reply no request of b's took (unmatched). */
    struct stamp_dgram d[] = {
        dg(&snd_a, &refl, 44), dg(&snd_b, &refl, 44), dg(&snd_a, &refl, 44),
        dg(&refl, &snd_a, 44), dg(&refl, &snd_b, 44), dg(&refl, &snd_b, 41),
    };
    struct ippm_exchange *ex = calloc(3, sizeof *ex);
    assert_non_null(ex);
    ex[0].req_src = snd_a, ex[0].req_dst = refl, ex[0].n_replies = 1;
    ex[1].req_src = snd_b, ex[1].req_dst = refl, ex[1].n_replies = 1;
    ex[2].req_src = snd_a, ex[2].req_dst = refl, ex[2].req_len = 7;
    struct pcap_flow *f = NULL;
    size_t nf = 0;
    assert_int_equal(pcap_flows_group(d, 6, 862, &ex, 3, &f, &nf), 0);
    assert_int_equal(nf, 2);
    assert_int_equal(f[0].first, 0);
    assert_int_equal(f[0].n, 2);
    assert_int_equal(f[0].replies, 1);
    assert_int_equal(f[0].unmatched, 0);
    assert_int_equal(f[1].first, 2);
    assert_int_equal(f[1].n, 1);
    assert_int_equal(f[1].replies, 2);
    assert_int_equal(f[1].unmatched, 1);
    assert_int_equal(ex[1].req_len, 7); /* a's second request moved up */
    assert_int_equal(ex[2].req_src.port, 40001);
    char name[PCAP_FLOW_NAME_MAX];
    pcap_flow_name(&f[1].snd, &f[1].refl, name, sizeof name);
    assert_string_equal(name, "10.0.0.1:40001 -> 10.0.0.9:862");
    free(f);
    free(ex);
}

static void test_seen_and_named(void **st)
{
    (void)st;
    struct stamp_dgram d[] = {
        dg(&snd_a, &refl, 14), dg(&refl, &snd_a, 38), dg(&snd_a, &refl, 44),
    };
    char out[512];
    pcap_flows_seen(d, 3, out, sizeof out);
    assert_string_equal(out, "10.0.0.1:40000 -> 10.0.0.9:862 (2 datagrams, "
                             "14-44 octets), 10.0.0.9:862 -> "
                             "10.0.0.1:40000 (1 datagram, 38-38 octets)");
    pcap_flows_seen(d, 0, out, sizeof out);
    assert_string_equal(out, "none (no UDP datagram)");
    struct ippm_case_result r[1];
    memset(r, 0, sizeof r);
    strcpy(r[0].detail, "seq 0: bad");
    pcap_flows_name_details(r, 1, "A -> B");
    assert_string_equal(r[0].detail, "A -> B: seq 0: bad");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_keeps_flows_apart),
        cmocka_unit_test(test_seen_and_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
