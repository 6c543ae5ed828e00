/* Statistical tests of the UDPing sender, pure and clockless: the machine is
 * driven at its own deadlines.
 *
 * - Gaps: one-sample Kolmogorov-Smirnov of the gaps between consecutive
 *   deadlines (all ports together, notes §4) against the exponential of
 *   mean d capped at 10 d (F(x) = 1 - e^(-x/d) below 10 d, 1 from there).
 *   n = 20,000 per seed, three fixed seeds. Rejected when D exceeds the
 *   asymptotic critical value K / sqrt(n) at alpha = 0.001, K = sqrt(-ln
 *   (alpha / 2) / 2) = 1.9495 (0.0138 at this n): a correct generator
 *   fails one seed with probability 0.001.
 * - Ports: chi-square of the packets per source port against equal
 *   shares, 5 ports (4 degrees of freedom), rejected above 18.467, the
 *   0.999 quantile of chi-square(4); and the mean gap seen by one port
 *   within 3 % of 5 d (about 4 standard errors).
 * Negative controls show both tests can fail: uniform gaps of the same
 * mean and exponential gaps of mean 1.1 d fail KS; a source that gives
 * port 0 twice the share of the others fails chi-square. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proto/common/ippm_math.h"
#include "proto/common/ippm_stats.h"
#include "proto/udping/udping.h"

#define N        20000
#define PORTS    5
#define D_NS     20000000.0 /* -d 20 */
#define ALPHA    0.001
#define CHI2_4_999 18.467   /* chi-square(4) 0.999 quantile */

static int64_t gaps[N]; /* ns */

/* The capped exponential's CDF. */
static double cdf(double x, double mean)
{
    return x >= 10 * mean ? 1.0 : 1.0 - ippm_exp(-x / mean);
}

/* KS statistic D of n values (sorted here) against cdf(., mean). */
static double ks(int64_t *a, size_t n, double mean)
{
    ippm_sort_i64(a, n);
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        double f = cdf((double)a[i], mean);
        double lo = f - (double)i / (double)n;
        double hi = (double)(i + 1) / (double)n - f;
        if (lo > d)
            d = lo;
        if (hi > d)
            d = hi;
    }
    return d;
}

static double ks_critical(size_t n)
{
    return ippm_sqrt(-ippm_ln(ALPHA / 2) / 2) / ippm_sqrt((double)n);
}

/* Drives a client of PORTS ports at its deadlines: the gaps into gaps[],
 * packets per port into counts[], the mean gap of port 0 in *port0_mean. */
static void run_client(uint64_t seed, uint64_t counts[PORTS],
                       double *port0_mean)
{
    struct udping_client c;
    struct udping_port p[PORTS];
    memset(p, 0, sizeof p);
    for (int i = 0; i < PORTS; i++)
        p[i].port = (uint16_t)(5000 + i);
    struct udping_client_cfg cfg = {.mean_gap_ms = D_NS / 1e6,
                                    .interval_s = 60, .max_size = 300,
                                    .seed = seed};
    uint64_t t0 = 1700000000ull * 1000000000ull;
    assert_int_equal(udping_client_init(&c, &cfg, p, PORTS, t0), IPPM_OK);
    memset(counts, 0, PORTS * sizeof counts[0]);
    static uint8_t tx[UDPING_MAX_PKT];
    uint64_t first0 = 0, last0 = 0, n0 = 0;
    for (size_t i = 0; i <= N; i++) {
        uint64_t due = udping_client_deadline(&c);
        struct ippm_event ev = {.kind = IPPM_EV_TIMER, .now_ns = due};
        struct ippm_action act;
        size_t port = PORTS;
        udping_client_handle(&c, &ev, tx, sizeof tx, &act, &port);
        assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
        assert_true(port < PORTS);
        if (i < N) {
            gaps[i] = (int64_t)(udping_client_deadline(&c) - due);
            counts[port]++;
        }
        if (port == 0) {
            if (n0++ == 0)
                first0 = due;
            last0 = due;
        }
    }
    *port0_mean = (double)(last0 - first0) / (double)(n0 - 1);
}

static void test_udping_client_gaps_are_exponential(void **state)
{
    (void)state;
    static const uint64_t seeds[] = {1, 2026, 0x5eed5eed5eedull};
    double crit = ks_critical(N);
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        uint64_t counts[PORTS];
        double m0;
        run_client(seeds[s], counts, &m0);
        double sum = 0;
        for (size_t i = 0; i < N; i++) {
            assert_true(gaps[i] <= 10 * D_NS);
            sum += (double)gaps[i];
        }
        double d = ks(gaps, N, D_NS);
        print_message("seed %llu: mean gap %.4f ms, KS D = %.6f (critical "
                      "%.5f at alpha %.3f)\n",
                      (unsigned long long)seeds[s], sum / N / 1e6, d, crit,
                      ALPHA);
        assert_true(d < crit);
    }
}

/* Negative control 1: uniform gaps on [0, 2d), the same mean. */
static void test_udping_ks_rejects_uniform_gaps(void **state)
{
    (void)state;
    struct ippm_rng g;
    ippm_rng_seed(&g, 1);
    for (size_t i = 0; i < N; i++)
        gaps[i] = (int64_t)(ippm_rng_unit(&g) * 2 * D_NS);
    double d = ks(gaps, N, D_NS);
    print_message("uniform gaps: KS D = %.5f\n", d);
    assert_true(d > ks_critical(N));
}

/* Negative control 2: exponential gaps of the wrong mean (1.1 d), from
 * the same generator. */
static void test_udping_ks_rejects_wrong_mean(void **state)
{
    (void)state;
    struct ippm_rng g;
    ippm_rng_seed(&g, 1);
    for (size_t i = 0; i < N; i++)
        gaps[i] = (int64_t)udping_gap_draw(&g, (uint64_t)(1.1 * D_NS));
    double d = ks(gaps, N, D_NS);
    print_message("exponential of mean 1.1 d: KS D = %.5f\n", d);
    assert_true(d > ks_critical(N));
}

static double chi2(const uint64_t *counts, size_t k, uint64_t n)
{
    double e = (double)n / (double)k, x = 0;
    for (size_t i = 0; i < k; i++) {
        double diff = (double)counts[i] - e;
        x += diff * diff / e;
    }
    return x;
}

static void test_udping_client_ports_are_even(void **state)
{
    (void)state;
    uint64_t counts[PORTS];
    double m0;
    run_client(77, counts, &m0);
    double x = chi2(counts, PORTS, N);
    print_message("ports: chi-square %.3f (critical %.3f), port 0 mean gap "
                  "%.3f ms (5 d = %.1f)\n",
                  x, CHI2_4_999, m0 / 1e6, 5 * D_NS / 1e6);
    assert_true(x < CHI2_4_999);
    assert_true(m0 > 5 * D_NS * 0.97 && m0 < 5 * D_NS * 1.03);
}

/* Negative control: port 0 drawn twice as often as each other port. */
static void test_udping_chi2_rejects_uneven_ports(void **state)
{
    (void)state;
    struct ippm_rng g;
    ippm_rng_seed(&g, 1);
    uint64_t counts[PORTS] = {0};
    for (size_t i = 0; i < N; i++) {
        uint32_t k = ippm_rng_below(&g, PORTS + 1);
        counts[k == PORTS ? 0 : k]++;
    }
    double x = chi2(counts, PORTS, N);
    print_message("uneven ports: chi-square %.1f\n", x);
    assert_true(x > CHI2_4_999);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udping_client_gaps_are_exponential),
        cmocka_unit_test(test_udping_ks_rejects_uniform_gaps),
        cmocka_unit_test(test_udping_ks_rejects_wrong_mean),
        cmocka_unit_test(test_udping_client_ports_are_even),
        cmocka_unit_test(test_udping_chi2_rejects_uneven_ports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
