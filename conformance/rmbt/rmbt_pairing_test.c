/* rmbt_pairing on hand-made datagrams: servers found by what goes to and
 * comes from them, replies joined by the echoed sequence (or, echoing
 * none, to the client's latest unanswered request within a second),
 * duplicates and strays counted, exchanges laid out flow by flow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "conformance/rmbt/rmbt_pairing.h"

#define MS 1000000ull
#define MAXD 32

static struct stamp_dgram D[MAXD];
static uint8_t B[MAXD][32];
static size_t N;
static struct ippm_exchange EX[2 * MAXD];
static struct stamp_flow_group FL[MAXD];
static struct ippm_addr SRV[MAXD];

static struct ippm_addr a4(uint8_t last, uint16_t port)
{
    struct ippm_addr a;
    memset(&a, 0, sizeof a);
    a.family = IPPM_AF_INET;
    a.ip[0] = 192, a.ip[1] = 0, a.ip[2] = 2, a.ip[3] = last;
    a.port = port;
    return a;
}

/* A datagram of len octets starting with magic, octets 4..7 = seq. */
static void dg(uint64_t ms, struct ippm_addr src, struct ippm_addr dst,
               const char *magic, uint32_t seq, size_t len)
{
    assert_true(N < MAXD && len <= sizeof B[0]);
    memset(B[N], 0, sizeof B[N]);
    memcpy(B[N], magic, 4);
    B[N][4] = (uint8_t)(seq >> 24), B[N][5] = (uint8_t)(seq >> 16);
    B[N][6] = (uint8_t)(seq >> 8), B[N][7] = (uint8_t)seq;
    memset(&D[N], 0, sizeof D[N]);
    D[N].data = B[N];
    D[N].len = len;
    D[N].ts_ns = 1767225600000000000ull + ms * MS;
    D[N].src = src;
    D[N].dst = dst;
    D[N].ttl = D[N].tos = -1;
    N++;
}

static void run(size_t *n_ex, size_t *n_flows, struct stamp_pairing_counts *k)
{
    struct rmbt_pairing_mem mem = {EX, FL, SRV};
    rmbt_pairing_run(D, N, &mem, n_ex, n_flows, k);
}

static void test_pairs_by_sequence_on_any_port(void **state)
{
    (void)state;
    N = 0;
    struct ippm_addr c = a4(10, 40000), s = a4(20, 5555), s2 = a4(20, 5556);
    dg(0, c, s, "RP01", 7, 24);
    dg(1, c, s, "RP01", 8, 24);
    dg(2, s, c, "RR01", 8, 8);   /* out of order */
    dg(3, s2, c, "RE01", 7, 8);  /* from another port */
    dg(4, s, c, "RR01", 8, 8);   /* again */
    dg(5, s, c, "RR01", 99, 8);  /* echoes nothing, nothing open: a stray */
    dg(6, c, s, "RP01", 9, 24);
    dg(7, s, c, "RR01", 77, 8);  /* echoes nothing: the latest open one */
    size_t n_ex, n_fl;
    struct stamp_pairing_counts k;
    run(&n_ex, &n_fl, &k);
    assert_int_equal(n_ex, 3);
    assert_int_equal(n_fl, 1);
    assert_int_equal(k.requests, 3);
    assert_int_equal(k.replies, 5);
    assert_int_equal(k.matched, 3);
    assert_int_equal(k.duplicates, 1);
    assert_int_equal(k.unmatched, 1);
    assert_true(EX[0].rep && EX[0].rep_src.port == 5556);
    assert_true(EX[1].rep && EX[1].n_replies == 2);
    assert_true(EX[2].rep && EX[2].rep[7] == 77); /* graded as a bad echo */
}

static void test_stray_and_flows(void **state)
{
    (void)state;
    N = 0;
    struct ippm_addr c1 = a4(10, 40000), c2 = a4(11, 40001), s = a4(20, 444);
    dg(0, c1, s, "RP01", 1, 24);
    dg(1, c2, s, "RP02", 1, 24);  /* bad magic: still a request to s */
    dg(2, c1, s, "RP01", 2, 23);  /* short: still a request */
    dg(3, s, c1, "RR01", 1, 8);
    dg(2000, s, c2, "RE01", 1, 8); /* 2 s late and echoes seq 1: joins */
    dg(9000, s, c1, "RR01", 5, 8); /* nothing within 5 s: a stray */
    size_t n_ex, n_fl;
    struct stamp_pairing_counts k;
    run(&n_ex, &n_fl, &k);
    assert_int_equal(n_fl, 2);
    assert_int_equal(n_ex, 3);
    /* flow 1 (c1) first, in capture order; then flow 2 (c2) */
    assert_int_equal(FL[0].first, 0);
    assert_int_equal(FL[0].n, 2);
    assert_int_equal(FL[1].first, 2);
    assert_int_equal(FL[1].n, 1);
    assert_int_equal(EX[1].req_len, 23);
    assert_non_null(EX[0].rep);
    assert_null(EX[1].rep);
    assert_non_null(EX[2].rep);
    assert_int_equal(k.unmatched, 1);
    assert_int_equal(FL[0].unmatched, 1);
}

/* A reflector that echoes the request whole: the echo is a reply, not a
 * request to the client. */
static void test_echo_is_a_reply(void **state)
{
    (void)state;
    N = 0;
    struct ippm_addr c = a4(10, 40000), s = a4(20, 444);
    dg(0, c, s, "RP01", 3, 24);
    dg(1, s, c, "RP01", 3, 24);
    size_t n_ex, n_fl;
    struct stamp_pairing_counts k;
    run(&n_ex, &n_fl, &k);
    assert_int_equal(n_ex, 1);
    assert_int_equal(k.matched, 1);
    assert_int_equal(EX[0].rep_len, 24);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs_by_sequence_on_any_port),
        cmocka_unit_test(test_stray_and_flows),
        cmocka_unit_test(test_echo_is_a_reply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
