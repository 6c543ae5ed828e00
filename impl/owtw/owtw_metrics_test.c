/* owtw_metrics.c: each protocol's families, and drop reasons folded into
 * their series ("other" for the rest), as --metrics serves them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "impl/owtw/owtw_metrics.h"

static char *text_of(const struct ippm_metrics *reg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(ippm_metrics_write_text(reg, f), 0);
    fclose(f);
    return text;
}

static void test_server_series_and_drops(void **state)
{
    (void)state;
    static struct owtw_server_metrics m;
    static struct owtw_server_sample s;
    owtw_server_metrics_init(&m, true);
    s.accepted = 3;
    s.conns = 1;
    s.rx = 100;
    s.tx = 98;
    s.drop_by[IPPM_ERR_HMAC] = 2;
    s.drop_by[IPPM_ERR_STATE] = 5;
    owtw_server_metrics_publish(&m, &s);
    char *t = text_of(&m.reg);
    assert_non_null(strstr(t, "\nippm_twamp_server_connections_accepted_total 3\n"));
    assert_non_null(strstr(t, "\nippm_twamp_server_connections 1\n"));
    assert_non_null(strstr(t, "\nippm_twamp_server_test_packets_received_total 100\n"));
    assert_non_null(strstr(t, "ippm_twamp_server_test_packets_dropped_total{reason=\"hmac\"} 2\n"));
    assert_non_null(strstr(t, "ippm_twamp_server_test_packets_dropped_total{reason=\"other\"} 5\n"));
    assert_null(strstr(t, "ippm_owamp"));
    free(t);
    owtw_server_metrics_init(&m, false);
    t = text_of(&m.reg);
    assert_non_null(strstr(t, "ippm_owamp_server_sessions_accepted_total 0\n"));
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_series_and_drops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
