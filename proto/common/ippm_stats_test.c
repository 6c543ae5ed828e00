/* Unit tests of ippm_stats.c: sorting, nearest-rank summaries, the square
 * root, and RFC 4737 §3.3 reordering. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ippm_stats.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* cmocka 1.1.5 has no assert_double_equal. */
#define assert_near(got, want, eps)                                          \
    do {                                                                     \
        double g_ = (got), w_ = (want), d_ = g_ > w_ ? g_ - w_ : w_ - g_;    \
        if (!(d_ <= (eps)))                                                  \
            fail_msg("%s = %.17g, want %.17g (+-%g)", #got, g_, w_,          \
                     (double)(eps));                                         \
    } while (0)

static void assert_sorted_equal(int64_t *v, const int64_t *want, size_t n)
{
    ippm_sort_i64(v, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i], want[i]);
}

static void test_ippm_sort_i64_small_cases(void **state)
{
    (void)state;
    ippm_sort_i64(NULL, 0);
    int64_t one[] = {7};
    const int64_t one_w[] = {7};
    assert_sorted_equal(one, one_w, 1);
    int64_t two[] = {9, -9};
    const int64_t two_w[] = {-9, 9};
    assert_sorted_equal(two, two_w, 2);
    int64_t rev[] = {5, 4, 3, 2, 1, 0, -1};
    const int64_t rev_w[] = {-1, 0, 1, 2, 3, 4, 5};
    assert_sorted_equal(rev, rev_w, N_OF(rev));
    int64_t dup[] = {3, 1, 3, 1, 2, 2, 3};
    const int64_t dup_w[] = {1, 1, 2, 2, 3, 3, 3};
    assert_sorted_equal(dup, dup_w, N_OF(dup));
    int64_t ext[] = {INT64_MAX, 0, INT64_MIN, -1, 1, INT64_MIN + 1};
    const int64_t ext_w[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX};
    assert_sorted_equal(ext, ext_w, N_OF(ext));
}

static void test_ippm_sort_i64_random_matches_insertion_sort(void **state)
{
    (void)state;
    static int64_t v[2000], w[2000];
    uint64_t x = 0x2545f4914f6cdd1dull;
    for (size_t n = 0; n <= 2000; n = n ? n * 3 + 1 : 1) {
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* Many duplicates in half the runs. */
            v[i] = (n & 1) ? (int64_t)(x % 17) - 8 : (int64_t)x;
            w[i] = v[i];
        }
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && w[j - 1] > w[j]; j--) {
                int64_t t = w[j];
                w[j] = w[j - 1];
                w[j - 1] = t;
            }
        ippm_sort_i64(v, n);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(v[i], w[i]);
    }
}

static void test_ippm_summary_compute_empty_is_zero(void **state)
{
    (void)state;
    struct ippm_summary s;
    memset(&s, 0xa5, sizeof s);
    ippm_summary_compute(NULL, 0, &s);
    assert_int_equal(s.n, 0);
    assert_int_equal(s.min, 0);
    assert_int_equal(s.max, 0);
    assert_int_equal(s.median, 0);
    assert_int_equal(s.p95, 0);
    assert_int_equal(s.p99, 0);
    assert_true(s.mean == 0.0);
    assert_true(s.stddev == 0.0);
}

static void test_ippm_summary_compute_single_value(void **state)
{
    (void)state;
    int64_t v[] = {-42};
    struct ippm_summary s;
    ippm_summary_compute(v, 1, &s);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.min, -42);
    assert_int_equal(s.max, -42);
    assert_int_equal(s.median, -42);
    assert_int_equal(s.p95, -42);
    assert_int_equal(s.p99, -42);
    assert_true(s.mean == -42.0);
    assert_true(s.stddev == 0.0);
}

static void test_ippm_summary_compute_population_stddev(void **state)
{
    (void)state;
    /* The textbook set: mean 5, population standard deviation exactly 2
     * (the sample one would be 2.138). */
    int64_t v[] = {9, 4, 2, 5, 4, 7, 4, 5};
    struct ippm_summary s;
    ippm_summary_compute(v, N_OF(v), &s);
    assert_int_equal(s.n, 8);
    assert_int_equal(s.min, 2);
    assert_int_equal(s.max, 9);
    /* Nearest rank: ceil(0.5 * 8) = 4th = 4; ceil(0.95 * 8) = 8th = 9. */
    assert_int_equal(s.median, 4);
    assert_int_equal(s.p95, 9);
    assert_int_equal(s.p99, 9);
    assert_near(s.mean, 5.0, 1e-12);
    assert_near(s.stddev, 2.0, 1e-9);
    /* Sorted in place. */
    const int64_t w[] = {2, 4, 4, 4, 5, 5, 7, 9};
    for (size_t i = 0; i < N_OF(v); i++)
        assert_int_equal(v[i], w[i]);
}

static void test_ippm_summary_compute_nearest_rank_1_to_100(void **state)
{
    (void)state;
    int64_t v[100];
    /* 1..100 in a scrambled order (37 is coprime to 100). */
    for (int i = 0; i < 100; i++)
        v[i] = (i * 37) % 100 + 1;
    struct ippm_summary s;
    ippm_summary_compute(v, 100, &s);
    assert_int_equal(s.n, 100);
    assert_int_equal(s.min, 1);
    assert_int_equal(s.max, 100);
    assert_int_equal(s.median, 50);
    assert_int_equal(s.p95, 95);
    assert_int_equal(s.p99, 99);
    assert_near(s.mean, 50.5, 1e-12);
    /* sqrt((100^2 - 1) / 12) */
    assert_near(s.stddev, 28.86607004772212, 1e-9);
}

static void test_ippm_summary_compute_nearest_rank_small_n(void **state)
{
    (void)state;
    struct ippm_summary s;
    int64_t four[] = {4, 3, 2, 1};
    ippm_summary_compute(four, 4, &s);
    /* ranks: ceil(2) = 2, ceil(3.8) = 4, ceil(3.96) = 4 */
    assert_int_equal(s.median, 2);
    assert_int_equal(s.p95, 4);
    assert_int_equal(s.p99, 4);
    assert_near(s.mean, 2.5, 1e-12);
    assert_near(s.stddev, 1.118033988749895, 1e-9);

    int64_t twenty[20];
    for (int i = 0; i < 20; i++)
        twenty[i] = (20 - i) * 10;
    ippm_summary_compute(twenty, 20, &s);
    /* ranks: 10, ceil(19) = 19, ceil(19.8) = 20 */
    assert_int_equal(s.median, 100);
    assert_int_equal(s.p95, 190);
    assert_int_equal(s.p99, 200);

    int64_t three[] = {30, 10, 20};
    ippm_summary_compute(three, 3, &s);
    /* ranks: ceil(1.5) = 2, 3, 3 */
    assert_int_equal(s.median, 20);
    assert_int_equal(s.p95, 30);

    int64_t two00[200];
    for (int i = 0; i < 200; i++)
        two00[i] = 199 - i;
    ippm_summary_compute(two00, 200, &s);
    /* values 0..199; ranks 100, 190, 198 -> values 99, 189, 197 */
    assert_int_equal(s.median, 99);
    assert_int_equal(s.p95, 189);
    assert_int_equal(s.p99, 197);
}

static void test_ippm_summary_compute_negative_values(void **state)
{
    (void)state;
    int64_t v[] = {-1000, 3000, -2000, 0};
    struct ippm_summary s;
    ippm_summary_compute(v, 4, &s);
    assert_int_equal(s.min, -2000);
    assert_int_equal(s.max, 3000);
    assert_int_equal(s.median, -1000);
    assert_near(s.mean, 0.0, 1e-12);
    /* sqrt((1e6 + 9e6 + 4e6 + 0) / 4) */
    assert_near(s.stddev, 1870.8286933869706, 1e-6);
}

static void test_ippm_summary_compute_large_ns_values(void **state)
{
    (void)state;
    /* Delays in ns around one hour: the mean must not lose them. */
    int64_t base = 3600000000000ll;
    int64_t v[] = {base + 1, base + 3, base + 5, base + 7};
    struct ippm_summary s;
    ippm_summary_compute(v, 4, &s);
    assert_near(s.mean, (double)base + 4.0, 1e-3);
    assert_near(s.stddev, 2.23606797749979, 1e-3);
}

static void test_ippm_sqrt_values(void **state)
{
    (void)state;
    assert_true(ippm_sqrt(0.0) == 0.0);
    assert_near(ippm_sqrt(1.0), 1.0, 1e-15);
    assert_near(ippm_sqrt(4.0), 2.0, 1e-15);
    assert_near(ippm_sqrt(2.0), 1.4142135623730951, 1e-15);
    assert_near(ippm_sqrt(0.25), 0.5, 1e-15);
    assert_near(ippm_sqrt(1e18), 1e9, 1e-6);
    assert_near(ippm_sqrt(1e-10), 1e-5, 1e-18);
    assert_near(ippm_sqrt(833.25), 28.86607004772212, 1e-12);
    assert_near(ippm_sqrt(3.4e38), 1.8439088914585775e19, 1e5);
    for (int i = 1; i < 1000; i++) {
        double r = ippm_sqrt((double)i * i);
        assert_near(r, (double)i, 1e-9);
    }
}

static void feed(struct ippm_reorder *r, const uint64_t *seq,
                 const bool *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ippm_reorder_observe(r, seq[i]), want[i]);
}

static void test_ippm_reorder_observe_one_late(void **state)
{
    (void)state;
    struct ippm_reorder r;
    memset(&r, 0, sizeof r);
    const uint64_t seq[] = {1, 2, 3, 5, 4, 6};
    const bool want[] = {false, false, false, false, true, false};
    feed(&r, seq, want, N_OF(seq));
    assert_int_equal(r.reordered, 1);
    assert_int_equal(r.seen, 6);
    assert_int_equal(r.next_exp, 7);
    /* 4 arrived when NextExp was 6. */
    assert_int_equal(r.max_late, 2);
}

static void test_ippm_reorder_observe_rfc4737_table1(void **state)
{
    (void)state;
    /* RFC 4737 §7.1: packet 4 arrives when NextExp = 9. */
    struct ippm_reorder r;
    memset(&r, 0, sizeof r);
    const uint64_t seq[] = {1, 2, 3, 5, 6, 7, 8, 4, 9, 10};
    const bool want[] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
    feed(&r, seq, want, N_OF(seq));
    assert_int_equal(r.reordered, 1);
    assert_int_equal(r.max_late, 5);
    assert_int_equal(r.next_exp, 11);
    assert_int_equal(r.seen, 10);
}

static void test_ippm_reorder_observe_rfc4737_table2(void **state)
{
    (void)state;
    /* RFC 4737 §7.2: 5 and 6 arrive behind 7, both reordered, and NextExp
     * stays 8 while they do. */
    struct ippm_reorder r;
    memset(&r, 0, sizeof r);
    const uint64_t seq[] = {1, 2, 3, 4, 7, 5, 6, 8, 9, 10};
    const bool want[] = {0, 0, 0, 0, 0, 1, 1, 0, 0, 0};
    feed(&r, seq, want, N_OF(seq));
    assert_int_equal(r.reordered, 2);
    assert_int_equal(r.max_late, 3);
    assert_int_equal(r.next_exp, 11);
}

static void test_ippm_reorder_observe_rfc4737_table3(void **state)
{
    (void)state;
    struct ippm_reorder r;
    memset(&r, 0, sizeof r);
    const uint64_t seq[] = {1, 2, 3, 7, 8, 9, 10, 4, 5, 6, 11};
    const bool want[] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0};
    feed(&r, seq, want, N_OF(seq));
    assert_int_equal(r.reordered, 3);
    assert_int_equal(r.max_late, 7);
    assert_int_equal(r.next_exp, 12);
    assert_int_equal(r.seen, 11);
}

static void test_ippm_reorder_observe_from_zero_and_gaps(void **state)
{
    (void)state;
    /* Sequence numbers start at zero (STAMP); a gap is loss, not
     * reordering. */
    struct ippm_reorder r;
    memset(&r, 0, sizeof r);
    const uint64_t seq[] = {0, 1, 4, 9, 10};
    const bool want[] = {0, 0, 0, 0, 0};
    feed(&r, seq, want, N_OF(seq));
    assert_int_equal(r.reordered, 0);
    assert_int_equal(r.max_late, 0);
    assert_int_equal(r.next_exp, 11);
    /* 0 after 10 is very late. */
    assert_true(ippm_reorder_observe(&r, 2));
    assert_int_equal(r.max_late, 9);
    assert_int_equal(r.next_exp, 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_sort_i64_small_cases),
        cmocka_unit_test(test_ippm_sort_i64_random_matches_insertion_sort),
        cmocka_unit_test(test_ippm_summary_compute_empty_is_zero),
        cmocka_unit_test(test_ippm_summary_compute_single_value),
        cmocka_unit_test(test_ippm_summary_compute_population_stddev),
        cmocka_unit_test(test_ippm_summary_compute_nearest_rank_1_to_100),
        cmocka_unit_test(test_ippm_summary_compute_nearest_rank_small_n),
        cmocka_unit_test(test_ippm_summary_compute_negative_values),
        cmocka_unit_test(test_ippm_summary_compute_large_ns_values),
        cmocka_unit_test(test_ippm_sqrt_values),
        cmocka_unit_test(test_ippm_reorder_observe_one_late),
        cmocka_unit_test(test_ippm_reorder_observe_rfc4737_table1),
        cmocka_unit_test(test_ippm_reorder_observe_rfc4737_table2),
        cmocka_unit_test(test_ippm_reorder_observe_rfc4737_table3),
        cmocka_unit_test(test_ippm_reorder_observe_from_zero_and_gaps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
