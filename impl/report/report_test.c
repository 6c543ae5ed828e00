/* Report writers: the table, JSON, JUnit XML (escaping included) and the
 * exit status, on hand-made results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "impl/commands.h"
#include "report.h"

static enum ippm_verdict never(const struct ippm_obs *o,
                               const struct ippm_case_arg *arg, char *d,
                               size_t cap)
{
    (void)o;
    (void)arg;
    (void)d;
    (void)cap;
    return IPPM_NA;
}

static const struct ippm_case c_must = {
    "STAMP-8762-4.3.1-03", "RFC 8762 §4.3.1", IPPM_MUST, IPPM_ROLE_REFLECTOR,
    "Session-Sender Sequence Number copied exactly", "are copies", 0, never, {0}};
static const struct ippm_case c_should = {
    "STAMP-8762-4.3-04", "RFC 8762 §4.3", IPPM_SHOULD, IPPM_ROLE_REFLECTOR,
    "At most one reply per request", "q <&> \"x\"", 0, never, {0}};
static const struct ippm_case c_na = {
    "STAMP-8762-4.4-01", "RFC 8762 §4.4", IPPM_MUST, IPPM_ROLE_REFLECTOR,
    "Reply HMAC valid", "q", 0, never, {0}};

static void make(struct ippm_case_result *r, const struct ippm_case *c,
                 enum ippm_verdict v, const char *d)
{
    r->c = c;
    r->verdict = v;
    snprintf(r->detail, sizeof r->detail, "%s", d);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_exit_status_and_totals(void **state)
{
    (void)state;
    struct ippm_case_result res[3];
    make(&res[0], &c_must, IPPM_PASS, "10 checked");
    make(&res[1], &c_should, IPPM_FAIL, "seq 3: 2 replies");
    make(&res[2], &c_na, IPPM_NA, "unauthenticated mode");
    struct ippm_report r = {"stamp-reflector", "127.0.0.1:862", res, 3, 0, 0,
                            false, false, NULL, 0};
    struct ippm_report_totals t;
    ippm_report_totals(&r, &t);
    assert_int_equal(t.pass, 1);
    assert_int_equal(t.fail, 1);
    assert_int_equal(t.na, 1);
    assert_int_equal(t.should_fail, 1);
    assert_int_equal(t.must_fail, 0);
    /* A SHOULD failure is a warning, unless strict. */
    assert_int_equal(ippm_report_exit_status(&r), IPPM_EXIT_OK);
    r.strict = true;
    assert_int_equal(ippm_report_exit_status(&r), IPPM_EXIT_FAIL);
    r.strict = false;
    make(&res[0], &c_must, IPPM_FAIL, "seq 1: Session-Sender Sequence "
                                      "Number 7 (expected 1)");
    assert_int_equal(ippm_report_exit_status(&r), IPPM_EXIT_FAIL);
    /* Nothing graded is never a pass, strict or not (issue 9). */
    make(&res[0], &c_na, IPPM_NA, "no reply was seen");
    make(&res[1], &c_na, IPPM_NA, "no reply was seen");
    r.graded_nothing = true;
    assert_int_equal(ippm_report_exit_status(&r), IPPM_EXIT_NOTHING);
    r.strict = true;
    assert_int_equal(ippm_report_exit_status(&r), IPPM_EXIT_NOTHING);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ippm_report_print_totals(f, &r);
    fclose(f);
    assert_non_null(strstr(buf, "-> NOTHING GRADED"));
    free(buf);
}

static void test_table(void **state)
{
    (void)state;
    struct ippm_case_result res[2];
    make(&res[0], &c_must, IPPM_FAIL, "seq 1: observed 7 (expected 1)");
    make(&res[1], &c_na, IPPM_NA, "unauthenticated mode");
    struct ippm_report r = {"stamp-reflector", "x", res, 2, 0, 0, false,
                            false, NULL, 0};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ippm_report_print(f, &r);
    fclose(f);
    assert_non_null(strstr(buf, "STAMP-8762-4.3.1-03  RFC 8762 §4.3.1  MUST    "
                                "fail  Session-Sender"));
    assert_non_null(strstr(buf, "\n    seq 1: observed 7 (expected 1)\n"));
    assert_non_null(strstr(buf, "n/a"));
    assert_non_null(strstr(buf, "2 cases: 0 pass, 1 fail (1 MUST"));
    free(buf);
}

static void test_json(void **state)
{
    (void)state;
    char path[] = "/tmp/ippm-report-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct ippm_case_result res[2];
    make(&res[0], &c_must, IPPM_PASS, "10 checked");
    make(&res[1], &c_should, IPPM_FAIL, "seq 3: 2 replies \"quoted\"");
    struct ippm_report r = {"stamp-reflector", "[::1]:862", res, 2,
                            1764000000000000000ull, 1500000000ull, false,
                            false, NULL, 0};
    assert_int_equal(ippm_report_write_json(path, &r), 0);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "suite")),
                        "stamp-reflector");
    assert_string_equal(json_string_value(json_object_get(j, "result")),
                        "pass");
    json_t *cases = json_object_get(j, "cases");
    assert_int_equal(json_array_size(cases), 2);
    json_t *c1 = json_array_get(cases, 1);
    assert_string_equal(json_string_value(json_object_get(c1, "verdict")),
                        "fail");
    assert_string_equal(json_string_value(json_object_get(c1, "detail")),
                        "seq 3: 2 replies \"quoted\"");
    assert_string_equal(json_string_value(json_object_get(c1, "level")),
                        "SHOULD");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(cases, 0), "section")),
        "RFC 8762 §4.3.1");
    json_decref(j);
    unlink(path);
}

static void test_junit_escapes(void **state)
{
    (void)state;
    char path[] = "/tmp/ippm-junit-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct ippm_case_result res[3];
    make(&res[0], &c_must, IPPM_PASS, "ok");
    make(&res[1], &c_should, IPPM_FAIL, "a<b & c>\"d\" 'e'\x01");
    make(&res[2], &c_na, IPPM_NA, "unauthenticated mode");
    struct ippm_report r = {"stamp-reflector", "t&t", res, 3, 0, 0, true,
                            false, NULL, 0};
    assert_int_equal(ippm_report_write_junit(path, &r), 0);
    char *x = slurp(path);
    assert_non_null(strstr(x, "<testsuite name=\"stamp-reflector\" tests=\"3\" "
                              "failures=\"1\" skipped=\"1\""));
    assert_non_null(strstr(x, "classname=\"RFC 8762 §4.3\""));
    assert_non_null(strstr(x, "<failure message=\"a&lt;b &amp; c&gt;&quot;d"
                              "&quot; &apos;e&apos;&#xFFFD;\" type=\"SHOULD\""));
    assert_non_null(strstr(x, "<skipped message=\"unauthenticated mode\"/>"));
    assert_non_null(strstr(x, "<system-out>level: MUST&#10;role: reflector"));
    assert_non_null(strstr(x, "quote: q &lt;&amp;&gt; &quot;x&quot;"));
    assert_non_null(strstr(x, "value=\"t&amp;t\""));
    assert_null(strstr(x, "\x01"));
    /* Without --strict the SHOULD failure is a warning, not a <failure>. */
    r.strict = false;
    assert_int_equal(ippm_report_write_junit(path, &r), 0);
    x = slurp(path);
    assert_non_null(strstr(x, "tests=\"3\" failures=\"0\" skipped=\"1\""));
    assert_null(strstr(x, "<failure"));
    assert_non_null(strstr(x, "warning (does not fail the run): a&lt;b"));
    unlink(path);
}

/* A failure that does not fail the run shows as warn in the table. */
static void test_table_warn(void **state)
{
    (void)state;
    struct ippm_case_result res[2];
    make(&res[0], &c_must, IPPM_PASS, "10 checked");
    make(&res[1], &c_should, IPPM_FAIL, "seq 3: 2 replies");
    struct ippm_report r = {"stamp-reflector", "x", res, 2, 0, 0, false,
                            false, NULL, 0};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ippm_report_print(f, &r);
    fclose(f);
    assert_non_null(strstr(buf, "SHOULD  warn  At most one reply"));
    assert_non_null(strstr(buf, "\n    seq 3: 2 replies\n"));
    assert_non_null(strstr(buf, "2 cases: 1 pass, 0 fail, 1 warn (0 MUST, "
                                "1 SHOULD, 0 MAY), 0 n/a -> PASS"));
    free(buf);
    r.strict = true;
    f = open_memstream(&buf, &len);
    ippm_report_print(f, &r);
    fclose(f);
    assert_non_null(strstr(buf, "SHOULD  fail  At most one reply"));
    assert_non_null(strstr(buf, "1 fail (0 MUST, 1 SHOULD, 0 MAY)"));
    assert_non_null(strstr(buf, "-> FAIL"));
    free(buf);
}

static void test_write_failure_leaves_nothing(void **state)
{
    (void)state;
    struct ippm_report r = {"s", "t", NULL, 0, 0, 0, false, false, NULL, 0};
    assert_int_equal(ippm_report_write_json("/nonexistent-dir/x.json", &r), -1);
    assert_int_equal(ippm_report_write_junit("/nonexistent-dir/x.xml", &r), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_status_and_totals),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_table_warn),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_junit_escapes),
        cmocka_unit_test(test_write_failure_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
