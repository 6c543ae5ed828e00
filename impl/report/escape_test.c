/* escape.c: the XML, HTML, text and JSON escapes, octet for octet (the JUnit
 * and HTML reports' bytes depend on them). */
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

static void test_utf8_char_len_refuses_what_rfc3629_does(void **state)
{
    (void)state;
    assert_int_equal(ippm_utf8_char_len("a"), 1);
    assert_int_equal(ippm_utf8_char_len("\xc2\xa7"), 2);
    assert_int_equal(ippm_utf8_char_len("\xef\xbf\xbd"), 3);
    assert_int_equal(ippm_utf8_char_len("\xf4\x8f\xbf\xbf"), 4);
    assert_int_equal(ippm_utf8_char_len("\x80"), 0);             /* stray */
    assert_int_equal(ippm_utf8_char_len("\xc3("), 0);            /* cut */
    assert_int_equal(ippm_utf8_char_len("\xe2\x82"), 0);         /* at NUL */
    assert_int_equal(ippm_utf8_char_len("\xc0\xaf"), 0);         /* overlong */
    assert_int_equal(ippm_utf8_char_len("\xe0\x80\xaf"), 0);     /* overlong */
    assert_int_equal(ippm_utf8_char_len("\xed\xa0\x80"), 0);     /* surrogate */
    assert_int_equal(ippm_utf8_char_len("\xf4\x90\x80\x80"), 0); /* > 10FFFF */
    assert_int_equal(ippm_utf8_char_len("\xff"), 0);
}

/* Issue 10 item 6: a file name that is not UTF-8 made the JUnit report
 * ill-formed. Each octet that starts no character is one U+FFFD. */
static void test_escapes_replace_what_is_not_utf8(void **state)
{
    (void)state;
    expect(ippm_xml_put, "a\xff\xc3(b\xed\xa0\x80",
           "a&#xFFFD;&#xFFFD;(b&#xFFFD;&#xFFFD;&#xFFFD;");
    expect(ippm_html_put, "\xfe<", "&#xFFFD;&lt;");
    /* C1 controls, as the C0 ones. */
    expect(ippm_xml_put, "\xc2\x85\xc2\x9b", "&#xFFFD;&#xFFFD;");
    expect(ippm_html_put, "\xc2\x9f\xc2\xa0", "&#xFFFD;\xc2\xa0");
    /* U+FFFE and U+FFFF are UTF-8 but no XML Char. */
    expect(ippm_xml_put, "\xef\xbf\xbe\xef\xbf\xbf", "&#xFFFD;&#xFFFD;");
}

static void test_text_dup_keeps_tab_lf_and_replaces_controls(void **state)
{
    (void)state;
    char *t = ippm_text_dup("a<&\"]]>\t\n\x1b[31m\r\x7f\xff\xc2\xa7");
    assert_string_equal(t, "a<&\"]]>\t\n\xef\xbf\xbd[31m\xef\xbf\xbd"
                           "\xef\xbf\xbd\xef\xbf\xbd\xc2\xa7");
    free(t);
    t = ippm_text_dup("\xc2\x9b"
                      "31m\xc2\xa0"); /* CSI; NBSP stays */
    assert_string_equal(t, "\xef\xbf\xbd"
                           "31m\xc2\xa0");
    free(t);
    t = ippm_text_dup(NULL);
    assert_string_equal(t, "");
    free(t);
}

static void test_utf8_dup_replaces_only_invalid(void **state)
{
    (void)state;
    char *t = ippm_utf8_dup("\x01<\r\xff\xc2\xa7");
    assert_string_equal(t, "\x01<\r\xef\xbf\xbd\xc2\xa7");
    free(t);
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
        cmocka_unit_test(test_utf8_char_len_refuses_what_rfc3629_does),
        cmocka_unit_test(test_escapes_replace_what_is_not_utf8),
        cmocka_unit_test(test_text_dup_keeps_tab_lf_and_replaces_controls),
        cmocka_unit_test(test_utf8_dup_replaces_only_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
