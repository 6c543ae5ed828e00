/* Unit tests of ippm_admit.c: the prefix list, the token bucket and the
 * per-source bucket table (issue 11, a reflector safe to expose). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ippm_admit.h"

#define SEC 1000000000ull

static struct ippm_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct ippm_addr x;
    memset(&x, 0, sizeof x);
    x.family = IPPM_AF_INET;
    x.ip[0] = a, x.ip[1] = b, x.ip[2] = c, x.ip[3] = d;
    return x;
}

/* 2001:db8:<g3>::<last> */
static struct ippm_addr v6(uint16_t g3, uint16_t last)
{
    struct ippm_addr x;
    memset(&x, 0, sizeof x);
    x.family = IPPM_AF_INET6;
    x.ip[0] = 0x20, x.ip[1] = 0x01, x.ip[2] = 0x0d, x.ip[3] = 0xb8;
    x.ip[4] = (uint8_t)(g3 >> 8), x.ip[5] = (uint8_t)g3;
    x.ip[14] = (uint8_t)(last >> 8), x.ip[15] = (uint8_t)last;
    return x;
}

/* ::ffff:a.b.c.d, as a dual-stack socket names an IPv4 peer. */
static struct ippm_addr mapped(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct ippm_addr x;
    memset(&x, 0, sizeof x);
    x.family = IPPM_AF_INET6;
    x.ip[10] = 0xff, x.ip[11] = 0xff;
    x.ip[12] = a, x.ip[13] = b, x.ip[14] = c, x.ip[15] = d;
    return x;
}

static void test_prefix_empty_allows_all(void **state)
{
    (void)state;
    struct ippm_prefix_list l;
    memset(&l, 0, sizeof l);
    struct ippm_addr a = v4(192, 0, 2, 1), b = v6(1, 1);
    assert_true(ippm_prefix_allows(&l, &a));
    assert_true(ippm_prefix_allows(&l, &b));
}

/* Deny rules only: what they name is refused, the rest answered. */
static void test_prefix_deny_list(void **state)
{
    (void)state;
    struct ippm_prefix_list l;
    memset(&l, 0, sizeof l);
    struct ippm_addr net = v4(198, 51, 100, 77);
    assert_int_equal(ippm_prefix_add(&l, &net, 24, false), IPPM_OK);
    struct ippm_addr in = v4(198, 51, 100, 9), out = v4(198, 51, 101, 9);
    assert_false(ippm_prefix_allows(&l, &in));
    assert_true(ippm_prefix_allows(&l, &out));
    /* Host bits were cleared: the rule is 198.51.100.0/24. */
    assert_int_equal(l.rule[0].net.ip[3], 0);
}

/* One allow rule makes an allow list: unmatched sources are denied. */
static void test_prefix_allow_list_denies_rest(void **state)
{
    (void)state;
    struct ippm_prefix_list l;
    memset(&l, 0, sizeof l);
    struct ippm_addr net = v4(10, 0, 0, 0);
    assert_int_equal(ippm_prefix_add(&l, &net, 8, true), IPPM_OK);
    struct ippm_addr in = v4(10, 200, 3, 4), out = v4(11, 0, 0, 1);
    struct ippm_addr six = v6(1, 1);
    assert_true(ippm_prefix_allows(&l, &in));
    assert_false(ippm_prefix_allows(&l, &out));
    assert_false(ippm_prefix_allows(&l, &six));
}

/* Longest match, whatever the order; deny wins a tie. */
static void test_prefix_longest_match(void **state)
{
    (void)state;
    struct ippm_prefix_list a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    struct ippm_addr wide = v4(10, 0, 0, 0), narrow = v4(10, 9, 0, 0),
                     host = v4(10, 9, 8, 7);
    assert_int_equal(ippm_prefix_add(&a, &wide, 8, true), IPPM_OK);
    assert_int_equal(ippm_prefix_add(&a, &narrow, 16, false), IPPM_OK);
    assert_int_equal(ippm_prefix_add(&a, &host, 32, true), IPPM_OK);
    assert_int_equal(ippm_prefix_add(&b, &host, 32, true), IPPM_OK);
    assert_int_equal(ippm_prefix_add(&b, &narrow, 16, false), IPPM_OK);
    assert_int_equal(ippm_prefix_add(&b, &wide, 8, true), IPPM_OK);
    struct ippm_addr other = v4(10, 9, 8, 6), near = v4(10, 8, 1, 1);
    for (int i = 0; i < 2; i++) {
        const struct ippm_prefix_list *l = i ? &b : &a;
        assert_true(ippm_prefix_allows(l, &host));
        assert_false(ippm_prefix_allows(l, &other));
        assert_true(ippm_prefix_allows(l, &near));
    }
    struct ippm_prefix_list t;
    memset(&t, 0, sizeof t);
    assert_int_equal(ippm_prefix_add(&t, &narrow, 16, true), IPPM_OK);
    assert_int_equal(ippm_prefix_add(&t, &narrow, 16, false), IPPM_OK);
    assert_false(ippm_prefix_allows(&t, &host));
}

/* IPv6 prefixes, odd lengths, /0, and IPv4-mapped peers matched as IPv4. */
static void test_prefix_v6_and_mapped(void **state)
{
    (void)state;
    struct ippm_prefix_list l;
    memset(&l, 0, sizeof l);
    struct ippm_addr net = v6(0x0100, 0);
    assert_int_equal(ippm_prefix_add(&l, &net, 39, false), IPPM_OK);
    struct ippm_addr in = v6(0x01ff, 5), out = v6(0x0200, 5);
    assert_false(ippm_prefix_allows(&l, &in));
    assert_true(ippm_prefix_allows(&l, &out));
    struct ippm_prefix_list m;
    memset(&m, 0, sizeof m);
    struct ippm_addr v4net = v4(192, 0, 2, 0);
    assert_int_equal(ippm_prefix_add(&m, &v4net, 24, false), IPPM_OK);
    struct ippm_addr p = mapped(192, 0, 2, 55), q = mapped(192, 0, 3, 55);
    assert_false(ippm_prefix_allows(&m, &p));
    assert_true(ippm_prefix_allows(&m, &q));
    struct ippm_addr any6 = v6(0, 0);
    assert_int_equal(ippm_prefix_add(&m, &any6, 0, false), IPPM_OK);
    assert_false(ippm_prefix_allows(&m, &out));
    assert_true(ippm_prefix_allows(&m, &q)); /* /0 of IPv6 only */
}

static void test_prefix_refusals(void **state)
{
    (void)state;
    struct ippm_prefix_list l;
    memset(&l, 0, sizeof l);
    struct ippm_addr a = v4(1, 2, 3, 4), six = v6(1, 1), none;
    memset(&none, 0, sizeof none);
    assert_int_equal(ippm_prefix_add(&l, &a, 33, true), IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_prefix_add(&l, &six, 129, true), IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_prefix_add(&l, &none, 0, true), IPPM_ERR_BAD_ARG);
    for (int i = 0; i < IPPM_PREFIX_MAX; i++)
        assert_int_equal(ippm_prefix_add(&l, &a, 32, false), IPPM_OK);
    assert_int_equal(ippm_prefix_add(&l, &a, 32, false), IPPM_ERR_NOSPACE);
}

/* burst at once, then pps per second, refilled exactly, never above burst. */
static void test_bucket_rate_and_burst(void **state)
{
    (void)state;
    struct ippm_rate r = {.pps = 10, .burst = 5};
    struct ippm_bucket b;
    ippm_bucket_fill(&b, &r, 100 * SEC);
    for (int i = 0; i < 5; i++)
        assert_true(ippm_bucket_take(&b, &r, 100 * SEC));
    assert_false(ippm_bucket_take(&b, &r, 100 * SEC));
    /* 99.9 ms: not yet one token; 100 ms: one. */
    assert_false(ippm_bucket_take(&b, &r, 100 * SEC + 99999999));
    assert_true(ippm_bucket_take(&b, &r, 100 * SEC + 100000000));
    assert_false(ippm_bucket_take(&b, &r, 100 * SEC + 100000000));
    /* An hour idle: burst tokens, not more. */
    uint64_t t = 3700 * SEC;
    int got = 0;
    while (ippm_bucket_take(&b, &r, t))
        got++;
    assert_int_equal(got, 5);
    /* A second at full rate: 10 packets more. */
    got = 0;
    for (uint64_t ns = 1000000; ns <= SEC; ns += 1000000)
        got += ippm_bucket_take(&b, &r, t + ns);
    assert_int_equal(got, 10);
    /* The clock going back refills nothing. */
    assert_false(ippm_bucket_take(&b, &r, SEC));
}

/* The largest rate and burst do not overflow. */
static void test_bucket_extremes(void **state)
{
    (void)state;
    struct ippm_rate r = {.pps = IPPM_RATE_PPS_MAX,
                          .burst = IPPM_RATE_BURST_MAX};
    struct ippm_bucket b;
    ippm_bucket_fill(&b, &r, 0);
    assert_true(ippm_bucket_take(&b, &r, UINT64_MAX));
    assert_int_equal(b.credit, (IPPM_RATE_BURST_MAX - 1) * SEC);
    struct ippm_rate slow = {.pps = 1, .burst = 1};
    ippm_bucket_fill(&b, &slow, 0);
    assert_true(ippm_bucket_take(&b, &slow, 0));
    assert_false(ippm_bucket_take(&b, &slow, SEC - 1));
    assert_true(ippm_bucket_take(&b, &slow, UINT64_MAX));
}

#define N 4
static uint64_t mem[IPPM_RATELIMIT_SIZE(N) / 8 + 1];
static const uint8_t seed[IPPM_TABLE_SEED_LEN] = {1, 2, 3};

/* One bucket per source: a flooder empties its own, not another's; an
 * IPv6 /64 is one source. */
static void test_ratelimit_per_source(void **state)
{
    (void)state;
    struct ippm_ratelimit l;
    struct ippm_rate r = {.pps = 1, .burst = 3};
    assert_int_equal(ippm_ratelimit_init(&l, mem, sizeof mem, N, &r, seed),
                     IPPM_OK);
    struct ippm_addr a = v4(192, 0, 2, 1), b = v4(192, 0, 2, 2);
    int got = 0;
    for (int i = 0; i < 100; i++)
        got += ippm_ratelimit_take(&l, &a, SEC);
    assert_int_equal(got, 3);
    assert_true(ippm_ratelimit_take(&l, &b, SEC));
    struct ippm_addr h1 = v6(7, 1), h2 = v6(7, 2), other = v6(8, 1);
    got = 0;
    for (int i = 0; i < 10; i++)
        got += ippm_ratelimit_take(&l, i % 2 ? &h1 : &h2, SEC);
    assert_int_equal(got, 3);
    assert_true(ippm_ratelimit_take(&l, &other, SEC));
    assert_int_equal(ippm_ratelimit_sources(&l), 4);
    assert_int_equal(l.evicted, 0);
}

/* Bounded: past N sources the least recently seen is forgotten. */
static void test_ratelimit_bounded_lru(void **state)
{
    (void)state;
    struct ippm_ratelimit l;
    struct ippm_rate r = {.pps = 1, .burst = 1};
    assert_int_equal(ippm_ratelimit_init(&l, mem, sizeof mem, N, &r, seed),
                     IPPM_OK);
    struct ippm_addr keep = v4(203, 0, 113, 1);
    assert_true(ippm_ratelimit_take(&l, &keep, SEC));
    for (uint8_t i = 0; i < 50; i++) {
        struct ippm_addr a = v4(10, 0, 0, i);
        assert_true(ippm_ratelimit_take(&l, &a, SEC));
        /* keep is seen often: it stays, its bucket empty. */
        assert_false(ippm_ratelimit_take(&l, &keep, SEC));
    }
    assert_int_equal(ippm_ratelimit_sources(&l), N);
    /* keep and the first three fill the table; each later one evicts. */
    assert_int_equal(l.evicted, 50 - (N - 1));
}

static void test_ratelimit_refusals_and_off(void **state)
{
    (void)state;
    struct ippm_ratelimit l;
    struct ippm_rate bad = {.pps = 1, .burst = 0};
    struct ippm_rate fast = {.pps = IPPM_RATE_PPS_MAX + 1, .burst = 1};
    struct ippm_rate off = {.pps = 0, .burst = 1};
    assert_int_equal(ippm_ratelimit_init(&l, mem, sizeof mem, N, &bad, seed),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_ratelimit_init(&l, mem, sizeof mem, N, &fast, seed),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_ratelimit_init(&l, mem, 8, N, &off, seed),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_ratelimit_init(&l, mem, sizeof mem, N, &off, seed),
                     IPPM_OK);
    struct ippm_addr a = v4(192, 0, 2, 1);
    for (int i = 0; i < 10; i++)
        assert_true(ippm_ratelimit_take(&l, &a, 0));
    assert_int_equal(ippm_ratelimit_sources(&l), 0);
}

/* A denied source takes no token and no table entry. */
static void test_admit_order(void **state)
{
    (void)state;
    struct ippm_ratelimit l;
    struct ippm_rate r = {.pps = 1, .burst = 1};
    assert_int_equal(ippm_ratelimit_init(&l, mem, sizeof mem, N, &r, seed),
                     IPPM_OK);
    struct ippm_prefix_list pl;
    memset(&pl, 0, sizeof pl);
    struct ippm_addr bad = v4(198, 18, 0, 1), good = v4(192, 0, 2, 1);
    assert_int_equal(ippm_prefix_add(&pl, &bad, 15, false), IPPM_OK);
    assert_int_equal(ippm_admit_check(&pl, &l, &bad, SEC), IPPM_ADMIT_DENIED);
    assert_int_equal(ippm_ratelimit_sources(&l), 0);
    assert_int_equal(ippm_admit_check(&pl, &l, &good, SEC), IPPM_ADMIT_OK);
    assert_int_equal(ippm_admit_check(&pl, &l, &good, SEC),
                     IPPM_ADMIT_RATE_LIMITED);
    assert_int_equal(ippm_admit_check(NULL, NULL, &bad, SEC), IPPM_ADMIT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefix_empty_allows_all),
        cmocka_unit_test(test_prefix_deny_list),
        cmocka_unit_test(test_prefix_allow_list_denies_rest),
        cmocka_unit_test(test_prefix_longest_match),
        cmocka_unit_test(test_prefix_v6_and_mapped),
        cmocka_unit_test(test_prefix_refusals),
        cmocka_unit_test(test_bucket_rate_and_burst),
        cmocka_unit_test(test_bucket_extremes),
        cmocka_unit_test(test_ratelimit_per_source),
        cmocka_unit_test(test_ratelimit_bounded_lru),
        cmocka_unit_test(test_ratelimit_refusals_and_off),
        cmocka_unit_test(test_admit_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
