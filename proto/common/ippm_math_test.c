/* Unit tests of ippm_math.c: ln and exp against published
 * constants, within 1e-12 relative (absolute
 * for ln of exp near 0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proto/common/ippm_math.h"

static void near(double got, double want)
{
    double err = got > want ? got - want : want - got;
    double scale = want < 0 ? -want : want;
    if (err > 1e-12 * (scale > 1e-300 ? scale : 1))
        fail_msg("got %.17g, want %.17g", got, want);
}

static void test_ippm_ln_constants(void **state)
{
    (void)state;
    near(ippm_ln(1.0), 0.0);
    near(ippm_ln(2.0), 0.69314718055994530942);
    near(ippm_ln(10.0), 2.30258509299404568402);
    near(ippm_ln(0.5), -0.69314718055994530942);
    near(ippm_ln(1e-300), -690.77552789821370520);
    near(ippm_ln(2.71828182845904523536), 1.0);
    near(ippm_ln(1.41421356237309504880), 0.34657359027997265471);
}

static void test_ippm_exp_constants(void **state)
{
    (void)state;
    near(ippm_exp(0.0), 1.0);
    near(ippm_exp(1.0), 2.71828182845904523536);
    near(ippm_exp(-1.0), 0.36787944117144232160);
    near(ippm_exp(-10.0), 4.5399929762484851536e-05);
    near(ippm_exp(50.0), 5.1847055285870724641e+21);
    near(ippm_exp(-700.0), 9.8596765437597708e-305);
    assert_true(ippm_exp(-709.0) == 0.0);
    assert_true(ippm_exp(-1e9) == 0.0);
    /* the inverse of ln */
    for (double x = -20; x <= 20; x += 0.37) {
        double d = ippm_ln(ippm_exp(x)) - x;
        assert_true(d < 1e-12 && d > -1e-12);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_ln_constants),
        cmocka_unit_test(test_ippm_exp_constants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
