/* Fuzzes the report escapes of impl/report/escape.h: every writer's one
 * UTF-8 rule (issue 10 item 6).
 *
 * Input: any octets, taken up to the first NUL as the name or detail a
 * report writes.
 *
 * Postconditions, for each of the four outputs: it is valid UTF-8
 * (ippm_utf8_char_len reads every character) with no C0 or C1 control
 * or DEL except as listed:
 *   XML:  no < > " ', & only to open one of the entities it writes, no
 *         U+FFFE or U+FFFF;
 *   HTML: no < > " ', & likewise; tab and LF kept;
 *   text: tab and LF kept, nothing else escaped;
 *   JSON (ippm_utf8_dup): every control kept (jansson escapes them), and
 *         input that is valid UTF-8 comes back unchanged. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* open_memstream */
#endif
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "impl/report/escape.h"

#define MAX_NAME 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static const char *const entities[] = {
    "&amp;", "&lt;", "&gt;",  "&quot;", "&apos;",
    "&#39;", "&#9;", "&#10;", "&#13;",  "&#xFFFD;",
};

/* The length of the entity s starts with, 0 when none. */
static size_t entity_len(const char *s)
{
    for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++)
        if (strncmp(s, entities[i], strlen(entities[i])) == 0)
            return strlen(entities[i]);
    return 0;
}

/* True when the character at s (len octets) is a control other than
 * those keep allows, or, for XML, a noncharacter it refuses. */
static bool forbidden(const unsigned char *s, size_t len, const char *keep,
                      bool xml)
{
    if (len == 1)
        return (s[0] < 0x20 || s[0] == 0x7f) && !strchr(keep, s[0]);
    if (len == 2)
        return s[0] == 0xc2 && s[1] <= 0x9f;
    return xml && len == 3 && s[0] == 0xef && s[1] == 0xbf &&
           (s[2] & 0xfe) == 0xbe;
}

enum out_kind { OUT_XML, OUT_HTML, OUT_TEXT, OUT_JSON };

/* out is valid UTF-8 holding no forbidden character; markup: no raw
 * < > " ' and & only before an entity. */
static void check_out(const char *out, const char *keep, enum out_kind k)
{
    bool markup = k == OUT_XML || k == OUT_HTML;
    for (const char *p = out; *p;) {
        size_t n = ippm_utf8_char_len(p);
        FUZZ_CHECK(n > 0);
        if (k != OUT_JSON)
            FUZZ_CHECK(
                !forbidden((const unsigned char *)p, n, keep, k == OUT_XML));
        if (markup && n == 1) {
            FUZZ_CHECK(!strchr("<>\"'", *p));
            if (*p == '&') {
                size_t e = entity_len(p);
                FUZZ_CHECK(e > 0);
                n = e;
            }
        }
        p += n;
    }
}

static char *put_to_string(void (*put)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    FUZZ_CHECK(f != NULL);
    put(f, s);
    FUZZ_CHECK(fclose(f) == 0);
    return buf;
}

static bool valid_utf8(const char *s)
{
    for (size_t n; *s; s += n)
        if ((n = ippm_utf8_char_len(s)) == 0)
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len > MAX_NAME)
        return 0;
    char *s = malloc(len + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, len);
    s[len] = '\0';

    char *xml = put_to_string(ippm_xml_put, s);
    check_out(xml, "", OUT_XML);
    char *html = put_to_string(ippm_html_put, s);
    check_out(html, "\t\n", OUT_HTML);
    char *text = ippm_text_dup(s);
    FUZZ_CHECK(text != NULL);
    check_out(text, "\t\n", OUT_TEXT);
    char *json = ippm_utf8_dup(s);
    FUZZ_CHECK(json != NULL);
    check_out(json, "", OUT_JSON);
    if (valid_utf8(s))
        FUZZ_CHECK(strcmp(json, s) == 0);

    free(xml);
    free(html);
    free(text);
    free(json);
    free(s);
    return 0;
}
