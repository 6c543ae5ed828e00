/* progress.c: the time left that the progress line shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "impl/core/progress.h"

#define S 1000000000ull

static void test_progress_left_counts_packets_to_send_and_the_wait(void **st)
{
    (void)st;
    /* 10 packets at 0.1 s, then the 2 s wait */
    assert_true(ippm_progress_left_s(10, S / 10, 2 * S, 0, 5 * S) > 2.99);
    assert_true(ippm_progress_left_s(10, S / 10, 2 * S, 0, 5 * S) < 3.01);
}

static void test_progress_left_counts_down_the_wait(void **st)
{
    (void)st;
    double left = ippm_progress_left_s(0, S / 10, 2 * S, 100 * S, 101 * S);
    assert_true(left > 0.99 && left < 1.01);
}

/* issue 11: a run with loss waits to the end of --wait and one more
 * redraw came after it: last_send + wait - now wrapped round and the
 * line read "351909:41:30 left". */
static void test_progress_left_is_zero_past_the_wait(void **st)
{
    (void)st;
    assert_true(ippm_progress_left_s(0, S / 10, 2 * S, 100 * S, 102 * S) ==
                0.0);
    assert_true(ippm_progress_left_s(0, S / 10, 2 * S, 100 * S, 102 * S + 1) ==
                0.0);
    assert_true(ippm_progress_left_s(0, S / 10, 2 * S, 100 * S, 500 * S) ==
                0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_progress_left_counts_packets_to_send_and_the_wait),
        cmocka_unit_test(test_progress_left_counts_down_the_wait),
        cmocka_unit_test(test_progress_left_is_zero_past_the_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
