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
#include "impl/report/html_report.h"
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
static const struct ippm_case c_advisory = {
    "STAMP-8762-ADV-01", "RFC 8762 §4.3.1", IPPM_ADVISORY, IPPM_ROLE_REFLECTOR,
    "Timestamp differs from Receive Timestamp", "q", 0, never, {0}};
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
    struct ippm_report r = {.suite = "stamp-reflector",
                            .target = "127.0.0.1:862",
                            .res = res,
                            .n = 3};
    struct ippm_report_totals t;
    ippm_report_totals(&r, &t);
    assert_int_equal(t.pass, 1);
    assert_int_equal(t.fail, 0); /* the SHOULD failure is a warn */
    assert_int_equal(t.warn, 1);
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
    struct ippm_report r = {
        .suite = "stamp-reflector", .target = "x", .res = res, .n = 2};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ippm_report_print(f, &r);
    fclose(f);
    assert_non_null(strstr(buf, "STAMP-8762-4.3.1-03  RFC 8762 §4.3.1  MUST    "
                                "fail  Session-Sender"));
    assert_non_null(strstr(buf, "\n    seq 1: observed 7 (expected 1)\n"));
    assert_non_null(strstr(buf, "n/a"));
    assert_non_null(strstr(buf, "2 cases: 0 pass, 1 fail, 0 warn, 1 n/a "
                                "(not met: 1 MUST, 0 SHOULD, 0 MAY, 0 ADVISORY) "
                                "-> FAIL"));
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
    struct ippm_report r = {.suite = "stamp-reflector",
                            .target = "[::1]:862",
                            .res = res,
                            .n = 2,
                            .start_ns = 1764000000000000000ull,
                            .duration_ns = 1500000000ull};
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
                        "warn");
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
    struct ippm_report r = {.suite = "stamp-reflector",
                            .target = "t&t",
                            .res = res,
                            .n = 3,
                            .strict = true};
    assert_int_equal(ippm_report_write_junit(path, &r), 0);
    char *x = slurp(path);
    assert_non_null(strstr(x, "<testsuite name=\"stamp-reflector\" tests=\"3\" "
                              "failures=\"1\" skipped=\"1\""));
    assert_non_null(strstr(x, "classname=\"RFC 8762 §4.3\""));
    assert_non_null(strstr(x, "<failure message=\"a&lt;b &amp; c&gt;&quot;d"
                              "&quot; &apos;e&apos;&#xFFFD;\" type=\"SHOULD\""));
    assert_non_null(strstr(x, "<skipped message=\"unauthenticated mode\"/>"));
    assert_non_null(strstr(x, "<system-out>verdict: pass&#10;level: MUST&#10;"
                              "role: reflector"));
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
    struct ippm_report r = {
        .suite = "stamp-reflector", .target = "x", .res = res, .n = 2};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ippm_report_print(f, &r);
    fclose(f);
    assert_non_null(strstr(buf, "SHOULD  warn  At most one reply"));
    assert_non_null(strstr(buf, "\n    seq 3: 2 replies\n"));
    assert_non_null(strstr(buf, "2 cases: 1 pass, 0 fail, 1 warn, 0 n/a "
                                "(not met: 0 MUST, 1 SHOULD, 0 MAY, 0 ADVISORY) "
                                "-> PASS"));
    free(buf);
    r.strict = true;
    f = open_memstream(&buf, &len);
    ippm_report_print(f, &r);
    fclose(f);
    assert_non_null(strstr(buf, "SHOULD  fail  At most one reply"));
    assert_non_null(strstr(buf, "1 fail, 0 warn, 0 n/a (not met: 0 MUST, "
                                "1 SHOULD, 0 MAY, 0 ADVISORY) [strict]"));
    assert_non_null(strstr(buf, "-> FAIL"));
    free(buf);
}

static void test_write_failure_leaves_nothing(void **state)
{
    (void)state;
    struct ippm_report r = {.suite = "s", .target = "t", .res = NULL, .n = 0};
    assert_int_equal(ippm_report_write_json("/nonexistent-dir/x.json", &r), -1);
    assert_int_equal(ippm_report_write_junit("/nonexistent-dir/x.xml", &r), -1);
}

/* The shown verdict of the one case "STAMP-8762-4.3-04" in a JSON report,
 * and its totals. */
static void json_says(const char *path, const char *verdict, int fail, int warn,
                      const char *result, const char *level_key)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    assert_non_null(j);
    json_t *c = json_array_get(json_object_get(j, "cases"), 1);
    assert_string_equal(json_string_value(json_object_get(c, "verdict")),
                        verdict);
    assert_int_equal(json_is_true(json_object_get(c, "fails_run")),
                     strcmp(verdict, "fail") == 0);
    json_t *t = json_object_get(j, "totals");
    assert_int_equal(json_integer_value(json_object_get(t, "fail")), fail);
    assert_int_equal(json_integer_value(json_object_get(t, "warn")), warn);
    assert_int_equal(json_integer_value(json_object_get(t, "pass")), 1);
    assert_int_equal(json_integer_value(json_object_get(t, "na")), 1);
    static const char *const levels[] = {"must_fail", "should_fail",
                                         "may_fail", "advisory_fail"};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(json_integer_value(json_object_get(t, levels[i])),
                         strcmp(levels[i], level_key) == 0);
    assert_string_equal(json_string_value(json_object_get(j, "result")),
                        result);
    json_decref(j);
}

/* A failure of c (a SHOULD or an ADVISORY) reads the same in the table,
 * JSON, JUnit and HTML: warn without strict (the run passes), fail with it
 * (the run fails); title is c's first words. */
static void same_everywhere(const struct ippm_case *c, const char *title)
{
    const char *lvl = ippm_level_str(c->level);
    const char *key = c->level == IPPM_SHOULD ? "should_fail" : "advisory_fail";
    struct ippm_case_result res[3];
    make(&res[0], &c_must, IPPM_PASS, "10 checked");
    make(&res[1], c, IPPM_FAIL, "seq 3: 2 replies");
    make(&res[2], &c_na, IPPM_NA, "unauthenticated mode");
    struct ippm_report r = {
        .suite = "stamp-reflector", .target = "x", .res = res, .n = 3};
    char path[] = "/tmp/ippm-same-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    for (int strict = 0; strict <= 1; strict++) {
        r.strict = strict;
        const char *v = strict ? "fail" : "warn";
        assert_string_equal(
            ippm_shown_str(ippm_report_verdict(&res[1], r.strict)), v);
        char want[160];
        /* terminal */
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        ippm_report_print(f, &r);
        fclose(f);
        snprintf(want, sizeof want, "%s  %s  %s", lvl, v, title);
        assert_non_null(strstr(buf, want));
        snprintf(want, sizeof want,
                 "3 cases: 1 pass, %d fail, %d warn, 1 n/a (not met: 0 MUST, "
                 "%d SHOULD, 0 MAY, %d ADVISORY)%s -> %s\n",
                 strict, !strict, c->level == IPPM_SHOULD,
                 c->level == IPPM_ADVISORY, strict ? " [strict]" : "",
                 strict ? "FAIL" : "PASS");
        assert_non_null(strstr(buf, want));
        free(buf);
        /* JSON */
        assert_int_equal(ippm_report_write_json(path, &r), 0);
        json_says(path, v, strict, !strict, strict ? "fail" : "pass", key);
        /* JUnit: a fail is a <failure>, a warn a passed testcase */
        assert_int_equal(ippm_report_write_junit(path, &r), 0);
        char *x = slurp(path);
        snprintf(want, sizeof want, "tests=\"3\" failures=\"%d\" skipped=\"1\"",
                 strict);
        assert_non_null(strstr(x, want));
        snprintf(want, sizeof want, "<property name=\"warn\" value=\"%d\"/>",
                 !strict);
        assert_non_null(strstr(x, want));
        snprintf(want, sizeof want, "<system-out>verdict: %s&#10;level: %s", v,
                 lvl);
        assert_non_null(strstr(x, want));
        assert_int_equal(strstr(x, "<failure") != NULL, strict);
        /* HTML */
        assert_int_equal(
            ippm_html_write_verdicts(path, "t", &r, NULL, 0, 0, NULL), 0);
        char *h = slurp(path);
        snprintf(want, sizeof want, "class=\"b %s\">%s</span></td>", v, v);
        assert_non_null(strstr(h, want));
        snprintf(want, sizeof want,
                 "<span class=\"c-fail\">%d fail</span>, "
                 "<span class=\"c-warn\">%d warn</span>",
                 strict, !strict);
        assert_non_null(strstr(h, want));
        assert_non_null(
            strstr(h, strict ? ">FAIL</span></h2>" : ">PASS</span></h2>"));
        snprintf(want, sizeof want, "<td>%s</td>", lvl);
        assert_non_null(strstr(h, want));
    }
    unlink(path);
}

static void test_should_failure_same_everywhere(void **state)
{
    (void)state;
    same_everywhere(&c_should, "At most one reply");
}

/* ADVISORY: below MAY, a warn that only --strict turns into a fail. */
static void test_advisory_failure_same_everywhere(void **state)
{
    (void)state;
    same_everywhere(&c_advisory, "Timestamp differs");
    struct ippm_case_result x;
    make(&x, &c_advisory, IPPM_FAIL, "d");
    assert_false(ippm_result_fails_run(&x, false));
    assert_true(ippm_result_fails_run(&x, true));
    assert_string_equal(ippm_level_str(IPPM_ADVISORY), "ADVISORY");
}

/* The HTML lists fail, then warn, then pass, then n/a. */
static void test_html_failures_first(void **state)
{
    (void)state;
    struct ippm_case_result res[4];
    make(&res[0], &c_must, IPPM_PASS, "10 checked");
    make(&res[1], &c_na, IPPM_NA, "unauthenticated mode");
    make(&res[2], &c_should, IPPM_FAIL, "seq 3: 2 replies");
    make(&res[3], &c_must, IPPM_FAIL, "seq 1: observed 7 (expected 1)");
    struct ippm_report r = {
        .suite = "stamp-reflector", .target = "x", .res = res, .n = 4};
    char path[] = "/tmp/ippm-order-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(ippm_html_write_verdicts(path, "t", &r, NULL, 0, 0, NULL),
                     0);
    char *h = slurp(path);
    const char *f = strstr(h, "<tr class=\"r-fail\">");
    const char *w = strstr(h, "<tr class=\"r-warn\">");
    const char *n = strstr(h, "<tr class=\"r-na\">");
    const char *p = strstr(h, "<tr class=\"r-pass\">");
    assert_non_null(f);
    assert_non_null(w);
    assert_non_null(n);
    assert_non_null(p);
    assert_true(f < w && w < p && p < n);
    unlink(path);
}

/* The flows graded reach JUnit and HTML as they reach JSON (issue 9:
 * every report records the flows graded). */
static void test_flows_in_every_report(void **state)
{
    (void)state;
    struct ippm_case_result res[1];
    make(&res[0], &c_must, IPPM_PASS, "10 checked");
    const struct ippm_report_flow fl[2] = {
        {"192.0.2.10:40000", "192.0.2.20:862", 3, 3, 0, 0},
        {"192.0.2.10:40001", "192.0.2.20:862", 5, 4, 0, 0}};
    struct ippm_report r = {.suite = "pcap", .target = "x", .res = res,
                            .n = 1, .flows = fl, .n_flows = 2};
    char path[] = "/tmp/ippm-flows-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(ippm_report_write_junit(path, &r), 0);
    char *x = slurp(path);
    assert_non_null(strstr(x, "<property name=\"flow.1\" value=\"192.0.2.10:"
                              "40000 -&gt; 192.0.2.20:862 (3 requests, 3 "
                              "replies)\"/>"));
    assert_non_null(strstr(x, "<property name=\"flow.2\" value=\"192.0.2.10:"
                              "40001 -&gt; 192.0.2.20:862 (5 requests, 4 "
                              "replies)\"/>"));
    assert_int_equal(ippm_html_write_verdicts(path, "t", &r, NULL, 0, 0, NULL),
                     0);
    x = slurp(path);
    assert_non_null(strstr(x, "flows graded: 192.0.2.10:40000 &rarr; "
                              "192.0.2.20:862 (3 requests, 3 replies), "
                              "192.0.2.10:40001 &rarr; 192.0.2.20:862 (5 "
                              "requests, 4 replies)"));
    unlink(path);
}

/* The catalogue version is the hash of every case, and any change to a
 * case, or to their order, changes it. */
static void test_catalogue_version(void **state)
{
    (void)state;
    size_t n;
    const struct ippm_case *cat = ippm_catalogue(&n);
    assert_true(n >= 2);
    uint64_t v = ippm_catalogue_version();
    assert_true(v == ippm_cases_version(cat, n));
    static struct ippm_case copy[1024];
    assert_true(n <= sizeof copy / sizeof copy[0]);
    memcpy(copy, cat, n * sizeof *copy);
    assert_true(ippm_cases_version(copy, n) == v);
    copy[n - 1].quote = "a quote changed by one word";
    assert_true(ippm_cases_version(copy, n) != v);
    memcpy(copy, cat, n * sizeof *copy);
    copy[0].level = copy[0].level == IPPM_MUST ? IPPM_SHOULD : IPPM_MUST;
    assert_true(ippm_cases_version(copy, n) != v);
    memcpy(copy, cat, n * sizeof *copy);
    copy[0] = cat[1];
    copy[1] = cat[0];
    assert_true(ippm_cases_version(copy, n) != v);
    assert_true(ippm_cases_version(cat, n - 1) != v);
}

/* Every report records the ippm version, the command line, the catalogue
 * version and, when known, the reflector mode. */
static void test_run_metadata(void **state)
{
    (void)state;
    struct ippm_case_result res[1];
    make(&res[0], &c_must, IPPM_PASS, "10 checked");
    struct ippm_report r = {
        .suite = "stamp-reflector", .target = "x", .res = res, .n = 1};
    char ver[17];
    snprintf(ver, sizeof ver, "%016llx",
             (unsigned long long)ippm_catalogue_version());
    char path[] = "/tmp/ippm-meta-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    /* no mode known, the process's own command line */
    assert_int_equal(ippm_report_write_json(path, &r), 0);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "schema_version")),
                     IPPM_REPORT_SCHEMA_VERSION);
    assert_string_equal(json_string_value(json_object_get(j, "ippm_version")),
                        IPPM_VERSION);
    assert_non_null(strstr(
        json_string_value(json_object_get(j, "command_line")), "report_test"));
    json_t *cat = json_object_get(j, "catalogue");
    assert_string_equal(json_string_value(json_object_get(cat, "version")),
                        ver);
    size_t n_cat;
    ippm_catalogue(&n_cat);
    assert_int_equal(json_integer_value(json_object_get(cat, "cases")), n_cat);
    assert_null(json_object_get(j, "reflector"));
    json_decref(j);
    /* given: a command line to quote, and the mode */
    r.command_line = "ippm conform 'a b'";
    r.reflector_mode = "stateful";
    r.reflector_mode_how = "inferred from the replies";
    assert_int_equal(ippm_report_write_json(path, &r), 0);
    j = json_load_file(path, 0, &e);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "command_line")),
                        "ippm conform 'a b'");
    json_t *refl = json_object_get(j, "reflector");
    assert_string_equal(json_string_value(json_object_get(refl, "mode")),
                        "stateful");
    assert_string_equal(json_string_value(json_object_get(refl, "how")),
                        "inferred from the replies");
    json_decref(j);
    assert_int_equal(ippm_report_write_junit(path, &r), 0);
    char *x = slurp(path);
    char want[128];
    snprintf(want, sizeof want,
             "<property name=\"catalogue_version\" value=\"%s\"/>", ver);
    assert_non_null(strstr(x, want));
    assert_non_null(strstr(
        x, "<property name=\"ippm_version\" value=\"" IPPM_VERSION "\"/>"));
    assert_non_null(strstr(x, "<property name=\"command_line\" "
                              "value=\"ippm conform &apos;a b&apos;\"/>"));
    assert_non_null(
        strstr(x, "<property name=\"reflector_mode\" value=\"stateful\"/>"));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ippm_report_print(f, &r);
    fclose(f);
    snprintf(want, sizeof want,
             "\nippm " IPPM_VERSION ", catalogue %s (%zu cases), reflector "
             "stateful (inferred from the replies)\n",
             ver, n_cat);
    assert_non_null(strstr(buf, want));
    free(buf);
    assert_int_equal(ippm_html_write_verdicts(path, "t", &r, NULL, 0, 0, NULL),
                     0);
    x = slurp(path);
    snprintf(want, sizeof want,
             "ippm " IPPM_VERSION " &middot; catalogue %s (%zu cases) "
             "&middot; reflector stateful (inferred from the replies)",
             ver, n_cat);
    assert_non_null(strstr(x, want));
    assert_non_null(strstr(x, "<code>ippm conform &#39;a b&#39;</code>"));
    unlink(path);
}

/* Columns of a line of UTF-8 text: one per code point. */
static size_t columns(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        w += ((unsigned char)s[i] & 0xc0) != 0x80;
    return w;
}

/* The widest line of text. */
static size_t widest_line(const char *text)
{
    size_t widest = 0;
    while (*text) {
        size_t len = strcspn(text, "\n");
        size_t w = columns(text, len);
        widest = w > widest ? w : widest;
        text += len + (text[len] == '\n');
    }
    return widest;
}

/* The table of r into *buf (free it). */
static void print_into(const struct ippm_report *r, char **buf)
{
    size_t len = 0;
    *buf = NULL;
    FILE *f = open_memstream(buf, &len);
    assert_non_null(f);
    ippm_report_print(f, r);
    fclose(f);
}

static const struct ippm_case c_long = {
    "STAMP-DRAFT-3-01",
    "draft-ietf-ippm-a-very-long-draft-name-14 §3 (RFC 8972 §4)",
    IPPM_MUST,
    IPPM_ROLE_REFLECTOR,
    "A title long enough that with the ID, section, level and verdict in "
    "front of it the row would pass a hundred columns by far",
    "q",
    0,
    never,
    {0}};

/* Long titles, sections, details and target names wrap: no line of the
 * table reaches 100 columns, and no word is lost. */
static void test_table_under_100_columns(void **state)
{
    (void)state;
    struct ippm_case_result res[3];
    make(&res[0], &c_long, IPPM_FAIL,
         "seq 1: the reply's Session-Sender Timestamp 0x0123456789abcdef "
         "differs from the request's 0x0123456789abcdee, and this detail "
         "goes on to say so at a length of two or three terminal lines "
         "0123456789012345678901234567890123456789012345678901234567890123"
         "456789012345678901234567890123456789012345678901234567890123456789");
    make(&res[1], &c_must, IPPM_PASS, "10 checked");
    make(&res[2], &c_should, IPPM_NA, "no request was ever answered twice");
    struct ippm_report r = {
        .suite = "pcap",
        .target = "/a/long/path/to/a/capture/file/somewhere/deep/in/a/"
                  "tree/of/directories/on.pcapng",
        .res = res,
        .n = 3,
        .reflector_mode = "stateless",
        .reflector_mode_how = "inferred from the replies"};
    char *buf;
    print_into(&r, &buf);
    assert_true(widest_line(buf) < 100);
    assert_non_null(strstr(buf, "pcap: /a/long/path/to/a/capture/file/"));
    assert_non_null(strstr(buf, "/on.pcapng\n"));
    assert_non_null(strstr(buf, "far\n"));
    assert_non_null(strstr(buf, "draft-ietf-ippm-a-very-long-draft-name-14 §3 "
                                "(RFC 8972 §4)  MUST    fail\n"));
    /* the 130-digit word is cut, never dropped */
    const char *digits = strstr(buf, "0123456789012345");
    assert_non_null(digits);
    assert_non_null(strstr(digits, "456789\n"));
    /* short sections keep their column */
    assert_non_null(strstr(buf, "STAMP-8762-4.3.1-03  RFC 8762 §4.3.1  MUST"));
    free(buf);
}

/* A dozen n/a cases or fewer: each reason under its case. More: the
 * distinct reasons once after the table, most frequent first; verbose
 * puts each under its case again. */
static void test_na_reasons(void **state)
{
    (void)state;
    enum { N = 16 };
    struct ippm_case_result res[N];
    make(&res[0], &c_must, IPPM_PASS, "10 checked");
    for (size_t i = 1; i < N; i++)
        make(&res[i], &c_na, IPPM_NA,
             i % 3 == 0 ? "no packet carried TLVs" : "unauthenticated mode");
    make(&res[N - 1], &c_na, IPPM_NA, "a reason given once");
    struct ippm_report r = {.suite = "pcap", .target = "x", .res = res, .n = 5};
    char *buf;
    print_into(&r, &buf);
    assert_non_null(strstr(buf, "n/a   Reply HMAC valid\n    unauthenticated "
                                "mode\n"));
    assert_null(strstr(buf, "reasons"));
    free(buf);
    r.n = N;
    print_into(&r, &buf);
    assert_null(strstr(buf, "n/a   Reply HMAC valid\n    unauthenticated"));
    assert_non_null(strstr(buf, "n/a: 15 cases, for these reasons (-v: each "
                                "case's):\n"
                                "   10  unauthenticated mode\n"
                                "    4  no packet carried TLVs\n"
                                "    1  a reason given once\n16 cases:"));
    free(buf);
    r.verbose = true;
    print_into(&r, &buf);
    assert_non_null(strstr(buf, "n/a   Reply HMAC valid\n    no packet "
                                "carried TLVs\n"));
    assert_null(strstr(buf, "reasons"));
    free(buf);
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
        cmocka_unit_test(test_should_failure_same_everywhere),
        cmocka_unit_test(test_advisory_failure_same_everywhere),
        cmocka_unit_test(test_html_failures_first),
        cmocka_unit_test(test_catalogue_version),
        cmocka_unit_test(test_run_metadata),
        cmocka_unit_test(test_flows_in_every_report),
        cmocka_unit_test(test_table_under_100_columns),
        cmocka_unit_test(test_na_reasons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
