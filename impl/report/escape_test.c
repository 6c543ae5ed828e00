/* escape.c: the XML and HTML escapes, octet for octet (the JUnit and HTML
 * reports' bytes depend on them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "impl/report/escape.h"

/* What put writes for s, in a string the caller frees. */
static char *escaped(void (*put)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    put(f, s);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void expect(void (*put)(FILE *, const char *), const char *in,
                   const char *want)
{
    char *got = escaped(put, in);
    assert_string_equal(got, want);
    free(got);
}

static void test_ippm_xml_put_escapes_markup_and_quotes(void **state)
{
    (void)state;
    expect(ippm_xml_put, "a<b>&\"c'", "a&lt;b&gt;&amp;&quot;c&apos;");
}

static void test_ippm_xml_put_keeps_whitespace_as_references(void **state)
{
    (void)state;
    expect(ippm_xml_put, "a\tb\nc\rd", "a&#9;b&#10;c&#13;d");
}

static void test_ippm_xml_put_replaces_other_controls(void **state)
{
    (void)state;
    expect(ippm_xml_put, "\x01x\x1f\x7f", "&#xFFFD;x&#xFFFD;&#xFFFD;");
}

static void test_ippm_html_put_escapes_markup_and_quotes(void **state)
{
    (void)state;
    expect(ippm_html_put, "a<b>&\"c'", "a&lt;b&gt;&amp;&quot;c&#39;");
}

static void test_ippm_html_put_keeps_tab_and_lf_not_cr(void **state)
{
    (void)state;
    expect(ippm_html_put, "a\tb\nc\rd", "a\tb\nc&#xFFFD;d");
    expect(ippm_html_put, "\x01\x7f", "&#xFFFD;&#xFFFD;");
}

static void test_escapes_keep_utf8_and_ignore_null(void **state)
{
    (void)state;
    expect(ippm_xml_put,
           "RFC 8762 \xc2\xa7"
           "4.2",
           "RFC 8762 \xc2\xa7"
           "4.2");
    expect(ippm_html_put, "\xc2\xb5s", "\xc2\xb5s");
    expect(ippm_xml_put, NULL, "");
    expect(ippm_html_put, NULL, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_xml_put_escapes_markup_and_quotes),
        cmocka_unit_test(test_ippm_xml_put_keeps_whitespace_as_references),
        cmocka_unit_test(test_ippm_xml_put_replaces_other_controls),
        cmocka_unit_test(test_ippm_html_put_escapes_markup_and_quotes),
        cmocka_unit_test(test_ippm_html_put_keeps_tab_and_lf_not_cr),
        cmocka_unit_test(test_escapes_keep_utf8_and_ignore_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
