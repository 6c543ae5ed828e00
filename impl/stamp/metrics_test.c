/* metrics.c: the sender's series as --metrics serves them. Counters are
 * set by hand and the Prometheus text is read back: every counter of
 * struct stamp_sender_counters the summary prints has its series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "impl/stamp/metrics.h"

/* The value of the unlabelled series name in the registry's text. */
static double series_value(const struct ippm_metrics *reg, const char *name)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(ippm_metrics_write_text(reg, f), 0);
    fclose(f);
    double v = -1;
    size_t n = strlen(name);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, name, n) == 0 && line[n] == ' ')
            v = strtod(line + n + 1, NULL);
    free(text);
    return v;
}

/* A TWAMP-Light peer's 41-octet replies are counted as received and as
 * short: both show, so a dashboard can tell a lossless non-STAMP peer
 * from a STAMP one. */
static void test_sender_short_replies_series(void **state)
{
    (void)state;
    static struct stamp_send_metrics m;
    struct stamp_sender_counters c;
    memset(&c, 0, sizeof(c));
    c.sent = 5;
    c.received = 5;
    c.short_replies = 3;
    stamp_send_metrics_init(&m, "127.0.0.1:862", 0);
    stamp_send_metrics_publish(&m, &c, 0, 0, 1, true);
    assert_true(series_value(&m.reg,
                             "ippm_stamp_sender_packets_received_total") == 5);
    assert_true(series_value(&m.reg,
                             "ippm_stamp_sender_short_replies_total") == 3);
}

/* The reflector's --rate-limit table: sources tracked and forgotten
 * (the refusals are drop rows, reasons rate_limited and source_denied). */
static void test_reflector_rate_series(void **state)
{
    (void)state;
    static struct stamp_refl_metrics m;
    uint64_t drop_by[STAMP_ERR_COUNT_] = {0};
    drop_by[STAMP_ERR_RATE_LIMITED] = 7;
    struct stamp_refl_sample smp = {.received = 9, .replied = 2,
                                    .drop_by = drop_by, .rate_sources = 4,
                                    .rate_forgotten = 11};
    stamp_refl_metrics_init(&m);
    stamp_refl_metrics_publish(&m, &smp);
    assert_true(series_value(&m.reg, "ippm_stamp_reflector_rate_sources") == 4);
    assert_true(series_value(
                    &m.reg,
                    "ippm_stamp_reflector_rate_sources_forgotten_total") == 11);
    assert_true(series_value(&m.reg,
                             "ippm_stamp_reflector_packets_dropped_total"
                             "{reason=\"rate_limited\"}") == 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sender_short_replies_series),
        cmocka_unit_test(test_reflector_rate_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
