/* The HTML writer on hand-made input: every text escaped, section links
 * matching their anchors, marks counted in the legend, empty and odd
 * series drawn without a crash, and nothing written on failure. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "html_report.h"

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

static const struct ippm_case c_odd = {
    "X-1 <b>",   "RFC 0 §1 & \"2\"",
    IPPM_MUST,   IPPM_ROLE_REFLECTOR,
    "title <i>", "quote <script>alert(1)</script>",
    0,           never, {0}};
static const struct ippm_case c_should = {"STAMP-8762-4.3-04",
                                          "RFC 8762 §4.3",
                                          IPPM_SHOULD,
                                          IPPM_ROLE_REFLECTOR,
                                          "At most one reply per request",
                                          "q",
                                          0,
                                          never, {0}};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static void tmp_path(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
}

static void test_verdicts_escaped_and_linked(void **state)
{
    (void)state;
    struct ippm_case_result res[2] = {
        {&c_odd, IPPM_FAIL, "got <tag> & 'x'\x01"},
        {&c_should, IPPM_FAIL, "seq 3: 2 replies"},
    };
    struct ippm_report r = {"stamp-reflector", "h<o>st", res, 2, 0, 0, false,
                            false, NULL, 0};
    char path[] = "/tmp/ippm-html-test-XXXXXX";
    tmp_path(path);
    assert_int_equal(
        ippm_html_write_verdicts(path, "t&t", &r, NULL, 0, 0, NULL), 0);
    char *h = slurp(path);
    assert_null(strstr(h, "<script"));
    assert_null(strstr(h, "X-1 <b>"));
    assert_null(strstr(h, "title <i>"));
    assert_non_null(strstr(h, "X-1 &lt;b&gt;"));
    assert_non_null(strstr(h, "title &lt;i&gt;"));
    assert_null(strstr(h, "\x01"));
    assert_non_null(strstr(h, "quote &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(h, "got &lt;tag&gt; &amp; &#39;x&#39;&#xFFFD;"));
    assert_non_null(strstr(h, "RFC 0 §1 &amp; &quot;2&quot;"));
    assert_non_null(strstr(h, "<title>t&amp;t</title>"));
    assert_non_null(strstr(h, "h&lt;o&gt;st"));
    /* an ID that is no fragment is made one, the same on both ends */
    assert_non_null(strstr(h, "href=\"#quote-X-1__b_\""));
    assert_non_null(strstr(h, "id=\"quote-X-1__b_\""));
    assert_non_null(strstr(h, "href=\"#quote-STAMP-8762-4.3-04\""));
    assert_non_null(strstr(h, "id=\"quote-STAMP-8762-4.3-04\""));
    /* a MUST failure fails the run, the SHOULD one is a warning */
    assert_non_null(strstr(h, "class=\"b fail\">FAIL</span></h2>"));
    assert_non_null(strstr(h, "class=\"b fail\">FAIL</span></td>"));
    assert_non_null(strstr(h, "class=\"b warn\">fail (warning)"));
    assert_int_equal(count(h, "<svg"), 0); /* no exchanges: no plots */
    assert_non_null(strstr(h, "</html>"));
    unlink(path);
}

static void test_series_marks_in_legend(void **state)
{
    (void)state;
    struct ippm_series rtt, fwd, bwd;
    assert_int_equal(ippm_series_alloc(&rtt, "RTT", 6), 0);
    assert_int_equal(ippm_series_alloc(&fwd, "fwd", 6), 0);
    assert_int_equal(ippm_series_alloc(&bwd, "bwd", 6), 0);
    for (size_t i = 0; i < 6; i++) {
        rtt.x[i] = fwd.x[i] = bwd.x[i] = (double)i * 0.1;
        rtt.y[i] = 1.0 + (double)i;
        fwd.y[i] = bwd.y[i] = rtt.y[i] / 2;
    }
    rtt.marks[2] = fwd.marks[2] = bwd.marks[2] = IPPM_MARK_LOST;
    rtt.marks[4] = fwd.marks[4] = bwd.marks[4] = IPPM_MARK_REORDERED;
    rtt.marks[5] = fwd.marks[5] = bwd.marks[5] = IPPM_MARK_DUPLICATE;
    rtt.y[3] = NAN; /* not drawn, not fatal */
    struct ippm_html_plot plots[3];
    size_t n = ippm_html_standard_plots(plots, &rtt, NULL, &fwd, &bwd);
    assert_int_equal(n, 3);
    struct ippm_html h = {.title = "s", .plots = plots, .n_plots = n};
    char path[] = "/tmp/ippm-html-test-XXXXXX";
    tmp_path(path);
    assert_int_equal(ippm_html_write(path, &h), 0);
    char *s = slurp(path);
    assert_int_equal(count(s, "<svg"), 3);
    /* both time plots count one lost packet, not one per series */
    assert_int_equal(count(s, ">lost (1)<"), 2);
    assert_int_equal(count(s, ">reordered (1)<"), 2);
    assert_int_equal(count(s, ">duplicated (1)<"), 2);
    assert_null(strstr(s, "nan"));
    assert_null(strstr(s, "inf"));
    unlink(path);
    ippm_series_free(&rtt);
    ippm_series_free(&fwd);
    ippm_series_free(&bwd);
}

static void test_empty_series_and_exchanges(void **state)
{
    (void)state;
    uint8_t req[44] = {0}, rep[44] = {0};
    struct ippm_exchange ex[4] = {
        {.req = req,
         .req_len = 44,
         .req_ns = 1000000000,
         .rep = rep,
         .rep_len = 44,
         .rep_ns = 1003000000,
         .n_replies = 1,
         .probe = 1},
        {.req = req, .req_len = 44, .req_ns = 1010000000, .probe = 1},
        {.req = req,
         .req_len = 44,
         .req_ns = 1020000000,
         .rep = rep,
         .rep_len = 44,
         .rep_ns = 1002000000 + 0,
         .n_replies = 2,
         .probe = 1},
        {.req = req,
         .req_len = 44,
         .req_ns = 1030000000,
         .rep = rep,
         .rep_len = 44,
         .rep_ns = 1031000000,
         .n_replies = 1,
         .probe = 2},
    };
    struct ippm_series s;
    assert_int_equal(ippm_series_from_exchanges(&s, "rt", ex, 4, 1), 0);
    assert_int_equal(s.n, 3); /* probe 2 left out */
    assert_true(fabs(s.x[1] - 0.01) < 1e-9);
    assert_true(fabs(s.y[0] - 3.0) < 1e-9);
    assert_int_equal(s.marks[0], 0);
    assert_int_equal(s.marks[1], IPPM_MARK_LOST);
    /* its reply came before the first request's reply */
    assert_int_equal(s.marks[2], IPPM_MARK_REORDERED | IPPM_MARK_DUPLICATE);
    ippm_series_free(&s);

    struct ippm_series none;
    assert_int_equal(ippm_series_alloc(&none, "RTT", 0), 0);
    struct ippm_html_plot plots[3];
    size_t n = ippm_html_standard_plots(plots, &none, NULL, NULL, NULL);
    assert_int_equal(n, 2);
    struct ippm_html h = {.title = "e", .plots = plots, .n_plots = n};
    char path[] = "/tmp/ippm-html-test-XXXXXX";
    tmp_path(path);
    assert_int_equal(ippm_html_write(path, &h), 0);
    assert_int_equal(count(slurp(path), ">no replies<"), 2);
    unlink(path);
    ippm_series_free(&none);
}

static void test_write_failure_leaves_nothing(void **state)
{
    (void)state;
    struct ippm_html h = {.title = "x"};
    assert_int_equal(ippm_html_write("/nonexistent-dir/x.html", &h), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts_escaped_and_linked),
        cmocka_unit_test(test_series_marks_in_legend),
        cmocka_unit_test(test_empty_series_and_exchanges),
        cmocka_unit_test(test_write_failure_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
