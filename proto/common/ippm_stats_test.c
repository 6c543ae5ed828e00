/* Unit tests of ippm_stats.c: sorting, nearest-rank summaries, the square
 * root, exact sums, the histogram's error bound against exact order
 * statistics, Welford's variance, RFC 4737 §3.3 reordering, the duplicate
 * window and RFC 3393 IPDV. */
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


/* ---- exact sums ---- */

static void test_ippm_sum_carries_past_64_bits(void **state)
{
    (void)state;
    struct ippm_sum s = {0};
    for (int i = 0; i < 4; i++)
        ippm_sum_add(&s, INT64_MAX);
    /* 4 * (2^63 - 1) = 2^65 - 4 */
    assert_int_equal(s.hi, 1);
    assert_int_equal(s.lo, UINT64_MAX - 3);
    assert_near(ippm_sum_value(&s), 36893488147419103228.0, 1e5);
    for (int i = 0; i < 4; i++)
        ippm_sum_add(&s, INT64_MIN);
    /* -4 exactly: the magnitude is converted, not 2^64 - 4. */
    assert_true(ippm_sum_value(&s) == -4.0);
    struct ippm_sum t = {0};
    ippm_sum_add(&t, -5);
    ippm_sum_add(&t, 2);
    assert_true(ippm_sum_value(&t) == -3.0);
    ippm_sum_add(&t, 3);
    assert_true(ippm_sum_value(&t) == 0.0);
}

/* ---- the histogram against exact order statistics ---- */

static uint64_t rng_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

enum shape { UNIFORM, EXPONENTIAL, BIMODAL, NEGATIVE, ONE, ALL_EQUAL };

/* One sample of a shape, in ns. EXPONENTIAL: a geometric number of halvings
 * of a 50 ms scale with uniform noise, so every octave holds values. */
static int64_t sample(enum shape sh, uint64_t *x, size_t i)
{
    uint64_t r = rng_next(x);
    switch (sh) {
    case UNIFORM: return (int64_t)(r % 10000000);
    case EXPONENTIAL: {
        int64_t v = 50000000;
        while ((rng_next(x) & 1) && v > 1)
            v /= 2;
        return v + (int64_t)(r % (uint64_t)(v + 1));
    }
    case BIMODAL:
        return (i & 1) ? 120000 + (int64_t)(r % 5000)
                       : 80000000 + (int64_t)(r % 2000000);
    case NEGATIVE: return (int64_t)(r % 20000001) - 10000000;
    case ONE: return -123456789;
    case ALL_EQUAL: return 987654;
    }
    return 0;
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* The histogram's estimate is within |exact| / IPPM_HIST_REL_ERR_DEN of the
 * nearest-rank sample (rounded up for the integer bucket middle). */
static void assert_within_bound(int64_t got, int64_t exact, uint32_t ppm)
{
    int64_t bound = abs64(exact) / IPPM_HIST_REL_ERR_DEN;
    if (abs64(got - exact) > bound)
        fail_msg("percentile %u ppm: %lld, exact %lld (bound %lld)", ppm,
                 (long long)got, (long long)exact, (long long)bound);
}

static void check_shape(enum shape sh, size_t n)
{
    static int64_t v[200000];
    static struct ippm_dist d;
    uint64_t x = 0x9e3779b97f4a7c15ull + (uint64_t)sh;
    ippm_dist_init(&d);
    for (size_t i = 0; i < n; i++) {
        v[i] = sample(sh, &x, i);
        ippm_dist_add(&d, v[i]);
    }
    struct ippm_summary exact, got;
    ippm_summary_compute(v, n, &exact); /* sorts v */
    ippm_dist_summary(&d, &got);
    assert_int_equal(got.n, n);
    assert_int_equal(got.min, exact.min);
    assert_int_equal(got.max, exact.max);
    assert_true(got.mean == exact.mean); /* exact sum, rounded once */
    assert_near(got.stddev, exact.stddev, 1e-9 * exact.stddev + 1e-9);
    assert_within_bound(got.median, exact.median, 500000);
    assert_within_bound(got.p95, exact.p95, 950000);
    assert_within_bound(got.p99, exact.p99, 990000);
    const uint32_t ppms[] = {0,      1,      10000,  250000, 333333,
                             750000, 900000, 999000, 999999, 1000000};
    for (size_t k = 0; k < N_OF(ppms); k++) {
        uint64_t rank = ippm_rank_of(n, ppms[k]);
        assert_within_bound(ippm_dist_percentile(&d, ppms[k]), v[rank - 1],
                            ppms[k]);
    }
    /* The extremes are exact. */
    assert_int_equal(ippm_dist_percentile(&d, 0), v[0]);
    assert_int_equal(ippm_dist_percentile(&d, 1000000), v[n - 1]);
}

static void test_ippm_dist_percentiles_within_bound_uniform(void **state)
{
    (void)state;
    check_shape(UNIFORM, 200000);
    check_shape(UNIFORM, 7);
}

static void test_ippm_dist_percentiles_within_bound_exponential(void **state)
{
    (void)state;
    check_shape(EXPONENTIAL, 200000);
}

static void test_ippm_dist_percentiles_within_bound_bimodal(void **state)
{
    (void)state;
    check_shape(BIMODAL, 100001);
}

static void test_ippm_dist_percentiles_within_bound_negative(void **state)
{
    (void)state;
    check_shape(NEGATIVE, 150000);
}

static void test_ippm_dist_one_sample_and_all_equal(void **state)
{
    (void)state;
    check_shape(ONE, 1);
    check_shape(ALL_EQUAL, 5000);
    /* One sample: clamping to [min, max] makes every percentile exact. */
    static struct ippm_dist d;
    ippm_dist_init(&d);
    ippm_dist_add(&d, -123456789);
    assert_int_equal(ippm_dist_percentile(&d, 500000), -123456789);
    assert_int_equal(ippm_dist_percentile(&d, 990000), -123456789);
}

static void test_ippm_dist_exact_up_to_its_first_samples(void **state)
{
    (void)state;
    static int64_t v[IPPM_DIST_EXACT + 1];
    static struct ippm_dist d;
    uint64_t x = 4242;
    ippm_dist_init(&d);
    for (size_t i = 0; i < IPPM_DIST_EXACT; i++) {
        v[i] = (int64_t)(rng_next(&x) % 100000000) - 1000000;
        ippm_dist_add(&d, v[i]);
    }
    ippm_sort_i64(v, IPPM_DIST_EXACT);
    for (uint32_t pct = 0; pct <= 100; pct++) {
        uint64_t rank = ippm_rank_of(IPPM_DIST_EXACT, pct * 10000);
        assert_int_equal(ippm_dist_percentile(&d, pct * 10000), v[rank - 1]);
    }
    /* One more: the histogram answers, within its bound. */
    ippm_dist_add(&d, 5);
    v[IPPM_DIST_EXACT] = 5;
    ippm_sort_i64(v, IPPM_DIST_EXACT + 1);
    for (uint32_t pct = 0; pct <= 100; pct++) {
        uint64_t rank = ippm_rank_of(IPPM_DIST_EXACT + 1, pct * 10000);
        assert_within_bound(ippm_dist_percentile(&d, pct * 10000),
                            v[rank - 1], pct * 10000);
    }
}

static void test_ippm_dist_empty_is_zero(void **state)
{
    (void)state;
    static struct ippm_dist d;
    struct ippm_summary s;
    memset(&s, 0xa5, sizeof s);
    ippm_dist_init(&d);
    ippm_dist_summary(&d, &s);
    assert_int_equal(s.n, 0);
    assert_int_equal(s.min, 0);
    assert_int_equal(s.median, 0);
    assert_int_equal(s.max, 0);
    assert_true(s.mean == 0.0 && s.stddev == 0.0);
    assert_int_equal(ippm_hist_at_rank(&d.hist, 1), 0);
}

static void test_ippm_hist_small_values_exact(void **state)
{
    (void)state;
    static struct ippm_hist h;
    ippm_hist_init(&h);
    /* Magnitudes below 2^(SUB_BITS + 1) have a bucket each. */
    int64_t top = 2 << IPPM_HIST_SUB_BITS;
    for (int64_t v = -top + 1; v < top; v++)
        ippm_hist_add(&h, v);
    for (uint64_t r = 1; r <= h.n; r++)
        assert_int_equal(ippm_hist_at_rank(&h, r), -top + (int64_t)r);
    /* Extreme magnitudes land in the last buckets without overflow. */
    ippm_hist_init(&h);
    ippm_hist_add(&h, INT64_MIN);
    ippm_hist_add(&h, INT64_MAX);
    assert_true(ippm_hist_at_rank(&h, 1) < INT64_MIN / 128 * 127);
    assert_true(ippm_hist_at_rank(&h, 2) > INT64_MAX / 128 * 127);
}

static void test_ippm_rank_of_nearest_rank(void **state)
{
    (void)state;
    /* The same ranks ippm_summary_compute takes: ceil(n * pct / 100). */
    for (uint64_t n = 1; n <= 1000; n++)
        for (uint32_t pct = 1; pct <= 100; pct++)
            assert_int_equal(ippm_rank_of(n, pct * 10000),
                             (n * pct + 99) / 100);
    assert_int_equal(ippm_rank_of(5, 0), 1);
    assert_int_equal(ippm_rank_of(5, 2000000), 5);
    assert_int_equal(ippm_rank_of(UINT64_MAX, 1000000), UINT64_MAX);
}

static void test_ippm_dist_variance_against_two_pass(void **state)
{
    (void)state;
    /* A large offset with a small spread: a sum of squares would lose
     * every digit; Welford keeps them. */
    static struct ippm_dist d;
    static int64_t off[10000];
    const int64_t base = 1000000000000LL;
    uint64_t x = 12345;
    ippm_dist_init(&d);
    int64_t off_sum = 0;
    for (size_t i = 0; i < N_OF(off); i++) {
        off[i] = (int64_t)(rng_next(&x) % 1000);
        off_sum += off[i];
        ippm_dist_add(&d, base + off[i]);
    }
    /* The reference works on offsets from base, so it is exact enough to
     * judge (a plain double sum of 1e4 values of 1e12 is not). */
    double off_mean = (double)off_sum / (double)N_OF(off), var = 0;
    for (size_t i = 0; i < N_OF(off); i++)
        var += ((double)off[i] - off_mean) * ((double)off[i] - off_mean);
    var /= (double)N_OF(off);
    double mean = (double)base + off_mean;
    assert_true(var > 80000 && var < 86000); /* uniform on 0..999 */
    assert_near(ippm_dist_variance(&d), var, var * 1e-9);
    assert_near(ippm_dist_mean(&d), mean, 1e-3);
}

static void test_ippm_dist_memory_is_constant(void **state)
{
    (void)state;
    /* Everything lives in the struct: its size is fixed at compile time
     * and feeding a million samples writes nothing outside it. */
    struct guarded {
        uint64_t before[8];
        struct ippm_dist d;
        uint64_t after[8];
    };
    static struct guarded g;
    memset(&g, 0x5a, sizeof g);
    ippm_dist_init(&g.d);
    uint64_t x = 777;
    for (int i = 0; i < 1000000; i++)
        ippm_dist_add(&g.d, (int64_t)rng_next(&x));
    for (int i = 0; i < 8; i++) {
        assert_int_equal(g.before[i], 0x5a5a5a5a5a5a5a5aull);
        assert_int_equal(g.after[i], 0x5a5a5a5a5a5a5a5aull);
    }
    assert_int_equal(g.d.n, 1000000);
    assert_int_equal(sizeof(struct ippm_hist),
                     8 + 2 * 8 * (size_t)IPPM_HIST_HALF);
    assert_true(sizeof(struct ippm_dist) < 80 * 1024);
    assert_true(sizeof(struct ippm_seqwin) <= 8 + 8 + IPPM_SEQWIN_SPAN / 8 + 8);
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


static void test_ippm_seqwin_duplicates_reordering_gaps(void **state)
{
    (void)state;
    static struct ippm_seqwin w;
    ippm_seqwin_init(&w);
    assert_int_equal(ippm_seqwin_observe(&w, 5), IPPM_SEQ_NEW);
    assert_int_equal(ippm_seqwin_observe(&w, 5), IPPM_SEQ_DUPLICATE);
    assert_int_equal(ippm_seqwin_observe(&w, 9), IPPM_SEQ_NEW); /* gap */
    assert_int_equal(ippm_seqwin_observe(&w, 7), IPPM_SEQ_NEW); /* late */
    assert_int_equal(ippm_seqwin_observe(&w, 7), IPPM_SEQ_DUPLICATE);
    assert_int_equal(ippm_seqwin_observe(&w, 6), IPPM_SEQ_NEW);
    assert_int_equal(ippm_seqwin_observe(&w, 8), IPPM_SEQ_NEW);
    assert_int_equal(ippm_seqwin_observe(&w, 9), IPPM_SEQ_DUPLICATE);
    assert_int_equal(ippm_seqwin_observe(&w, 0), IPPM_SEQ_NEW);
    assert_int_equal(w.top, 9);
}

static void test_ippm_seqwin_window_wraps_and_forgets(void **state)
{
    (void)state;
    static struct ippm_seqwin w;
    ippm_seqwin_init(&w);
    const uint64_t span = IPPM_SEQWIN_SPAN;
    /* Walk three windows' worth: the bit index wraps around. */
    for (uint64_t s = 0; s < 3 * span; s += 2)
        assert_int_equal(ippm_seqwin_observe(&w, s), IPPM_SEQ_NEW);
    uint64_t top = 3 * span - 2;
    /* Odd numbers passed over are still missing, even ones seen... */
    assert_int_equal(ippm_seqwin_observe(&w, top - 1), IPPM_SEQ_NEW);
    assert_int_equal(ippm_seqwin_observe(&w, top - 2), IPPM_SEQ_DUPLICATE);
    assert_int_equal(ippm_seqwin_observe(&w, top - span + 2),
                     IPPM_SEQ_DUPLICATE);
    assert_int_equal(ippm_seqwin_observe(&w, top - span + 1), IPPM_SEQ_NEW);
    /* ...but SPAN below the top nothing is known. */
    assert_int_equal(ippm_seqwin_observe(&w, top - span), IPPM_SEQ_TOO_OLD);
    assert_int_equal(ippm_seqwin_observe(&w, 0), IPPM_SEQ_TOO_OLD);
    /* A jump of more than a window clears it. */
    assert_int_equal(ippm_seqwin_observe(&w, top + 5 * span), IPPM_SEQ_NEW);
    assert_int_equal(ippm_seqwin_observe(&w, top + 5 * span - 1),
                     IPPM_SEQ_NEW);
    /* Sliding clears the bits of numbers passed over, left set by the
     * number one window earlier. */
    ippm_seqwin_init(&w);
    assert_int_equal(ippm_seqwin_observe(&w, 3), IPPM_SEQ_NEW);
    assert_int_equal(ippm_seqwin_observe(&w, 100), IPPM_SEQ_NEW);
    assert_int_equal(ippm_seqwin_observe(&w, span + 5), IPPM_SEQ_NEW);
    assert_int_equal(ippm_seqwin_observe(&w, span + 3), IPPM_SEQ_NEW);
    assert_int_equal(ippm_seqwin_observe(&w, 3), IPPM_SEQ_TOO_OLD);
    /* Near the top of the number space. */
    ippm_seqwin_init(&w);
    assert_int_equal(ippm_seqwin_observe(&w, UINT64_MAX - 1), IPPM_SEQ_NEW);
    assert_int_equal(ippm_seqwin_observe(&w, UINT64_MAX), IPPM_SEQ_NEW);
    assert_int_equal(ippm_seqwin_observe(&w, UINT64_MAX - 1),
                     IPPM_SEQ_DUPLICATE);
}

static void test_ippm_ipdv_consecutive_pairs_only(void **state)
{
    (void)state;
    /* RFC 3393 §3.2 selection: pairs i, i+1 that both arrived. 3 lost. */
    struct ippm_ipdv p = {0};
    int64_t out = 0;
    assert_false(ippm_ipdv_next(&p, 0, 1000, &out));
    assert_true(ippm_ipdv_next(&p, 1, 1500, &out));
    assert_int_equal(out, 500);
    assert_true(ippm_ipdv_next(&p, 2, -200, &out));
    assert_int_equal(out, -1700);
    assert_false(ippm_ipdv_next(&p, 4, 900, &out)); /* 3 lost */
    assert_true(ippm_ipdv_next(&p, 5, 900, &out));
    assert_int_equal(out, 0);
}

static uint64_t bins_total(const struct ippm_bin *b, size_t n)
{
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += b[i].count;
    return t;
}

/* Exact while the samples are kept: bins of equal width from min to max. */
static void test_ippm_dist_bins_exact_samples(void **state)
{
    (void)state;
    static struct ippm_dist d;
    struct ippm_bin b[4];
    ippm_dist_init(&d);
    assert_int_equal(ippm_dist_bins(&d, b, 4), 0);
    static const int64_t v[] = {10, 11, 19, 20, 25, 49, 12};
    for (size_t i = 0; i < N_OF(v); i++)
        ippm_dist_add(&d, v[i]);
    /* 40 values from 10 to 49: four bins of 10. */
    assert_int_equal(ippm_dist_bins(&d, b, 4), 4);
    assert_int_equal(b[0].lo, 10);
    assert_int_equal(b[0].hi, 19);
    assert_int_equal(b[0].count, 4); /* 10 11 12 19 */
    assert_int_equal(b[1].lo, 20);
    assert_int_equal(b[1].count, 2); /* 20 25 */
    assert_int_equal(b[2].count, 0);
    assert_int_equal(b[3].hi, 49);
    assert_int_equal(b[3].count, 1);
}

static void test_ippm_dist_bins_narrow_and_equal(void **state)
{
    (void)state;
    static struct ippm_dist d;
    struct ippm_bin b[10];
    ippm_dist_init(&d);
    ippm_dist_add(&d, -7);
    ippm_dist_add(&d, -7);
    assert_int_equal(ippm_dist_bins(&d, b, 10), 1);
    assert_int_equal(b[0].lo, -7);
    assert_int_equal(b[0].hi, -7);
    assert_int_equal(b[0].count, 2);
    /* Three distinct values, ten bins asked: three rows of width 1. */
    ippm_dist_add(&d, -5);
    assert_int_equal(ippm_dist_bins(&d, b, 10), 3);
    assert_int_equal(b[2].lo, -5);
    assert_int_equal(b[2].count, 1);
    /* The widest span there is does not overflow. */
    ippm_dist_init(&d);
    ippm_dist_add(&d, INT64_MIN);
    ippm_dist_add(&d, INT64_MAX);
    assert_int_equal(ippm_dist_bins(&d, b, 2), 2);
    assert_int_equal(b[0].count, 1);
    assert_int_equal(b[1].count, 1);
    assert_int_equal(b[1].hi, INT64_MAX);
}

/* Past IPPM_DIST_EXACT the log histogram answers: no sample is lost, and
 * a bin differs from the exact count only by samples within a bucket's
 * width (1/128 of the value) of one of its edges. */
static int64_t bins_sample(uint64_t *x, int i)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return 1000000 + (int64_t)(*x % 200000) - (i % 3 ? 0 : 1100000);
}

static bool near_edge(int64_t v, int64_t edge)
{
    int64_t tol = (edge < 0 ? -edge : edge) / 64 + 2;
    return v >= edge - tol && v <= edge + tol;
}

static void test_ippm_dist_bins_from_histogram(void **state)
{
    (void)state;
    static struct ippm_dist d;
    struct ippm_bin b[20];
    ippm_dist_init(&d);
    uint64_t x = 7;
    for (int i = 0; i < 5000; i++)
        ippm_dist_add(&d, bins_sample(&x, i));
    size_t n = ippm_dist_bins(&d, b, 20);
    assert_int_equal(n, 20);
    assert_int_equal(bins_total(b, n), 5000);
    assert_int_equal(b[0].lo, d.min);
    assert_int_equal(b[n - 1].hi, d.max);
    for (size_t k = 0; k < n; k++) {
        uint64_t exact = 0, movable = 0;
        x = 7;
        for (int i = 0; i < 5000; i++) {
            int64_t v = bins_sample(&x, i);
            exact += v >= b[k].lo && v <= b[k].hi;
            movable += near_edge(v, b[k].lo) || near_edge(v, b[k].hi + 1);
        }
        uint64_t diff = b[k].count > exact ? b[k].count - exact
                                           : exact - b[k].count;
        assert_true(diff <= movable);
    }
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
        cmocka_unit_test(test_ippm_sum_carries_past_64_bits),
        cmocka_unit_test(test_ippm_dist_percentiles_within_bound_uniform),
        cmocka_unit_test(test_ippm_dist_percentiles_within_bound_exponential),
        cmocka_unit_test(test_ippm_dist_percentiles_within_bound_bimodal),
        cmocka_unit_test(test_ippm_dist_percentiles_within_bound_negative),
        cmocka_unit_test(test_ippm_dist_one_sample_and_all_equal),
        cmocka_unit_test(test_ippm_dist_exact_up_to_its_first_samples),
        cmocka_unit_test(test_ippm_dist_empty_is_zero),
        cmocka_unit_test(test_ippm_hist_small_values_exact),
        cmocka_unit_test(test_ippm_rank_of_nearest_rank),
        cmocka_unit_test(test_ippm_dist_variance_against_two_pass),
        cmocka_unit_test(test_ippm_dist_memory_is_constant),
        cmocka_unit_test(test_ippm_seqwin_duplicates_reordering_gaps),
        cmocka_unit_test(test_ippm_seqwin_window_wraps_and_forgets),
        cmocka_unit_test(test_ippm_ipdv_consecutive_pairs_only),
        cmocka_unit_test(test_ippm_dist_bins_exact_samples),
        cmocka_unit_test(test_ippm_dist_bins_narrow_and_equal),
        cmocka_unit_test(test_ippm_dist_bins_from_histogram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
