/* clock_report.c: the one-way delay verdict in words and JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "impl/report/clock_report.h"

#define S_1S (0x8000 | 32 << 8 | 1)   /* synchronised, 1 s */
#define U_1S (32 << 8 | 1)            /* unsynchronised, 1 s */
#define S_25US (0x8000 | 9 << 8 | 210) /* synchronised, 25.0 us */

static void test_owd_trust_line_trusted_gives_the_bound(void **state)
{
    (void)state;
    struct ippm_owd_trust t;
    char buf[256];
    ippm_owd_trust_init(&t);
    ippm_owd_trust_add(&t, S_25US, S_25US);
    assert_string_equal(
        ippm_owd_trust_line(&t, "sender", "reflector", buf, sizeof buf),
        "one-way delay: trusted, both clocks synchronised; off by at most "
        "50.1 us (sender error 25.0 us + reflector error 25.0 us, RFC 4656 "
        "§4.1.2)");
    json_t *j = ippm_owd_trust_json(&t, "sender", "reflector");
    assert_true(json_is_true(json_object_get(j, "trusted")));
    assert_true(json_real_value(json_object_get(j, "bound_ms")) > 0.05);
    assert_true(json_is_true(
        json_object_get(json_object_get(j, "reflector"), "synced")));
    json_decref(j);
}

static void test_owd_trust_line_names_the_unsynchronised_end(void **state)
{
    (void)state;
    struct ippm_owd_trust t;
    char buf[256];
    ippm_owd_trust_init(&t);
    ippm_owd_trust_add(&t, S_1S, U_1S);
    assert_string_equal(
        ippm_owd_trust_line(&t, "sender", "reflector", buf, sizeof buf),
        "one-way delay: not trusted, the reflector clock not synchronised "
        "(S bit clear in 1 of 1 replies; sender error 1 s, reflector error "
        "1 s)");
    ippm_owd_trust_add(&t, U_1S, U_1S);
    assert_non_null(strstr(
        ippm_owd_trust_line(&t, "sender", "reflector", buf, sizeof buf),
        "not trusted, neither clock synchronised (S bit clear in 2 of 2"));
    json_t *j = ippm_owd_trust_json(&t, "sender", "reflector");
    assert_true(json_is_false(json_object_get(j, "trusted")));
    assert_true(json_is_null(json_object_get(j, "bound_ms")));
    assert_int_equal(json_integer_value(json_object_get(j, "unsynced_replies")),
                     2);
    json_decref(j);
}

static void test_owd_trust_line_without_replies(void **state)
{
    (void)state;
    struct ippm_owd_trust t;
    char buf[256];
    ippm_owd_trust_init(&t);
    assert_non_null(strstr(
        ippm_owd_trust_line(&t, "sender", "reflector", buf, sizeof buf),
        "one-way delay: no reply"));
    json_t *j = ippm_owd_trust_json(&t, "sender", "reflector");
    assert_true(json_is_null(json_object_get(j, "sender")));
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owd_trust_line_trusted_gives_the_bound),
        cmocka_unit_test(test_owd_trust_line_names_the_unsynchronised_end),
        cmocka_unit_test(test_owd_trust_line_without_replies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
