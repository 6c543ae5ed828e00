/* The driver's clock: the kernel's clock discipline read into an Error
 * Estimate, re-read periodically rather than per packet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "impl/core/clock.h"

static void test_ippm_clock_errest_is_the_disciplines(void **state)
{
    (void)state;
    struct ippm_clock c;
    ippm_clock_init(&c, IPPM_TS_NTP);
    struct ippm_clock_state st;
    assert_int_equal(ippm_clock_discipline(&st), 0);
    assert_true(st.esterror_us >= 0);
    assert_true(st.maxerror_us >= 0);
    /* Whatever this host's state, the estimate is the pure conversion of
     * it (proto/common/ippm_time_test.c tests that conversion). */
    struct ippm_errest e = ippm_clock_errest(&c);
    struct ippm_errest want = ippm_errest_from_clock(&st, IPPM_TS_NTP);
    assert_int_equal(ippm_errest_encode(&e), ippm_errest_encode(&want));
    assert_int_not_equal(e.mult, 0);
    assert_false(e.z);
    ippm_clock_init(&c, IPPM_TS_PTP);
    assert_true(ippm_clock_errest(&c).z);
}

static void test_ippm_clock_errest_due_once_per_period(void **state)
{
    (void)state;
    struct ippm_clock c;
    ippm_clock_init(&c, IPPM_TS_NTP);
    struct ippm_errest_watch w = {0};
    uint64_t t = 5 * IPPM_NS_PER_SEC;
    assert_true(ippm_clock_errest_due(&c, &w, t));       /* never read */
    assert_int_not_equal(w.e.mult, 0);
    assert_false(ippm_clock_errest_due(&c, &w, t));
    assert_false(ippm_clock_errest_due(
        &c, &w, t + IPPM_CLOCK_ERREST_REFRESH_NS - 1));
    assert_true(ippm_clock_errest_due(&c, &w,
                                      t + IPPM_CLOCK_ERREST_REFRESH_NS));
    assert_false(ippm_clock_errest_due(
        &c, &w, t + IPPM_CLOCK_ERREST_REFRESH_NS + 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_clock_errest_is_the_disciplines),
        cmocka_unit_test(test_ippm_clock_errest_due_once_per_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
