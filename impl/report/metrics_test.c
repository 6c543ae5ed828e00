/* metrics.c: label escaping, the text format, summaries, and snapshots
 * that never mix two publications while a writer runs. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"

/* The registry as text, in a buffer the caller frees. */
static char *render(const struct ippm_metrics *reg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(ippm_metrics_write_text(reg, f), 0);
    fclose(f);
    return buf;
}

static void test_metric_label_escapes_quote_backslash_newline(void **state)
{
    (void)state;
    char l[IPPM_METRIC_LABELS_LEN] = "";
    assert_int_equal(ippm_metric_label(l, sizeof(l), "a", "x\"y\\z\nw"), 0);
    assert_int_equal(ippm_metric_label(l, sizeof(l), "b", "2"), 0);
    assert_string_equal(l, "a=\"x\\\"y\\\\z\\nw\",b=\"2\"");
}

static void test_metric_label_refuses_overflow_and_keeps_buf(void **state)
{
    (void)state;
    char l[16] = "";
    assert_int_equal(ippm_metric_label(l, sizeof(l), "k", "v"), 0);
    assert_int_equal(ippm_metric_label(l, sizeof(l), "long", "0123456789"), -1);
    assert_string_equal(l, "k=\"v\"");
}

static void test_metrics_write_text_groups_families(void **state)
{
    (void)state;
    static struct ippm_metrics reg;
    ippm_metrics_init(&reg);
    struct ippm_metric *a =
        ippm_metric_add(&reg, IPPM_METRIC_COUNTER, "x_total", "X.", "r=\"a\"");
    struct ippm_metric *g =
        ippm_metric_add(&reg, IPPM_METRIC_GAUGE, "y", "Y\\ \nnext", NULL);
    struct ippm_metric *b =
        ippm_metric_add(&reg, IPPM_METRIC_COUNTER, "x_total", "X.", "r=\"b\"");
    ippm_metrics_begin(&reg);
    ippm_metric_set(a, 1);
    ippm_metric_set(b, 18446744073709551615ull);
    ippm_metric_set(g, 3);
    ippm_metrics_end(&reg);
    char *t = render(&reg);
    assert_string_equal(t, "# HELP x_total X.\n"
                           "# TYPE x_total counter\n"
                           "x_total{r=\"a\"} 1\n"
                           "x_total{r=\"b\"} 18446744073709551615\n"
                           "# HELP y Y\\\\ \\nnext\n"
                           "# TYPE y gauge\n"
                           "y 3\n");
    free(t);
}

static void test_metric_summary_nan_then_nearest_rank(void **state)
{
    (void)state;
    static struct ippm_metrics reg;
    static struct ippm_summary_metric s;
    ippm_metrics_init(&reg);
    assert_int_equal(
        ippm_metric_summary_add(&reg, &s, "rtt_seconds", "R.", "peer=\"p\""),
        0);
    char *t = render(&reg);
    assert_non_null(
        strstr(t, "rtt_seconds{peer=\"p\",quantile=\"0.5\"} NaN\n"));
    assert_non_null(strstr(t, "rtt_seconds_count{peer=\"p\"} 0\n"));
    free(t);
    /* 1..100 ms: median 50, p95 95, p99 99 by nearest rank. */
    for (int i = 100; i >= 1; i--)
        ippm_metric_summary_observe(&s, (int64_t)i * 1000000);
    ippm_metrics_begin(&reg);
    ippm_metric_summary_publish(&s, true);
    ippm_metrics_end(&reg);
    t = render(&reg);
    assert_non_null(strstr(t, "# TYPE rtt_seconds summary\n"));
    assert_non_null(
        strstr(t, "rtt_seconds{peer=\"p\",quantile=\"0.5\"} 0.05\n"));
    assert_non_null(
        strstr(t, "rtt_seconds{peer=\"p\",quantile=\"0.95\"} 0.095\n"));
    assert_non_null(strstr(t, "rtt_seconds_sum{peer=\"p\"} 5.05\n"));
    assert_non_null(strstr(t, "rtt_seconds_count{peer=\"p\"} 100\n"));
    free(t);
}

static void test_metric_summary_window_keeps_latest(void **state)
{
    (void)state;
    static struct ippm_metrics reg;
    static struct ippm_summary_metric s;
    ippm_metrics_init(&reg);
    assert_int_equal(ippm_metric_summary_add(&reg, &s, "q", "Q.", NULL), 0);
    /* A window of 1000s after many 1s: quantiles see only the window,
     * count and sum see everything. */
    for (int i = 0; i < 5000; i++)
        ippm_metric_summary_observe(&s, 1);
    for (int i = 0; i < IPPM_SUMMARY_WINDOW; i++)
        ippm_metric_summary_observe(&s, 1000);
    /* Without quantiles: sum and count move, quantiles stay. */
    uint64_t v[IPPM_METRICS_MAX];
    ippm_metrics_begin(&reg);
    ippm_metric_summary_publish(&s, false);
    ippm_metrics_end(&reg);
    ippm_metrics_snapshot(&reg, v);
    assert_true(isnan(ippm_metric_value(s.q50, v[0])));
    assert_int_equal(v[4], 5000 + IPPM_SUMMARY_WINDOW);
    ippm_metrics_begin(&reg);
    ippm_metric_summary_publish(&s, true);
    ippm_metrics_end(&reg);
    ippm_metrics_snapshot(&reg, v);
    assert_true(ippm_metric_value(s.q50, v[0]) == 1000e-9);
    assert_int_equal(v[4], 5000 + IPPM_SUMMARY_WINDOW);
    assert_true(fabs(ippm_metric_value(s.sum, v[3]) -
                     (5000 + 1000.0 * IPPM_SUMMARY_WINDOW) * 1e-9) < 1e-15);
}

static void test_metric_add_refuses_past_capacity(void **state)
{
    (void)state;
    static struct ippm_metrics reg;
    static struct ippm_summary_metric s;
    ippm_metrics_init(&reg);
    for (int i = 0; i < IPPM_METRICS_MAX - 2; i++)
        assert_non_null(
            ippm_metric_add(&reg, IPPM_METRIC_GAUGE, "g", "G.", NULL));
    assert_int_equal(ippm_metric_summary_add(&reg, &s, "s", "S.", NULL), -1);
    assert_int_equal(reg.n, IPPM_METRICS_MAX - 2);
    assert_non_null(ippm_metric_add(&reg, IPPM_METRIC_GAUGE, "g", "G.", NULL));
    assert_non_null(ippm_metric_add(&reg, IPPM_METRIC_GAUGE, "g", "G.", NULL));
    assert_null(ippm_metric_add(&reg, IPPM_METRIC_GAUGE, "g", "G.", NULL));
}

/* ---- a writer and a reader at once ---- */

static struct ippm_metrics race_reg;
static atomic_bool race_stop;

static void *race_writer(void *arg)
{
    (void)arg;
    for (uint64_t i = 1; !atomic_load(&race_stop); i++) {
        ippm_metrics_begin(&race_reg);
        for (size_t k = 0; k < race_reg.n; k++)
            ippm_metric_set(&race_reg.m[k], i);
        ippm_metrics_end(&race_reg);
    }
    return NULL;
}

static void test_metrics_snapshot_never_mixes_publications(void **state)
{
    (void)state;
    ippm_metrics_init(&race_reg);
    for (int i = 0; i < 64; i++)
        ippm_metric_add(&race_reg, IPPM_METRIC_COUNTER, "c", "C.", NULL);
    atomic_store(&race_stop, false);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, race_writer, NULL), 0);
    uint64_t v[IPPM_METRICS_MAX], last = 0;
    for (int round = 0; round < 20000; round++) {
        ippm_metrics_snapshot(&race_reg, v);
        for (size_t k = 1; k < race_reg.n; k++)
            assert_int_equal(v[k], v[0]);
        assert_true(v[0] >= last); /* and never goes back */
        last = v[0];
    }
    atomic_store(&race_stop, true);
    pthread_join(t, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metric_label_escapes_quote_backslash_newline),
        cmocka_unit_test(test_metric_label_refuses_overflow_and_keeps_buf),
        cmocka_unit_test(test_metrics_write_text_groups_families),
        cmocka_unit_test(test_metric_summary_nan_then_nearest_rank),
        cmocka_unit_test(test_metric_summary_window_keeps_latest),
        cmocka_unit_test(test_metric_add_refuses_past_capacity),
        cmocka_unit_test(test_metrics_snapshot_never_mixes_publications),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
