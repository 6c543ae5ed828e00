/* Report escaping: one loop over UTF-8 characters, one table per format
 * of what it writes differently. */
#include "impl/report/escape.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define U_FFFD "\xef\xbf\xbd"

/* What the formats write differently. NULL: the character as it is. */
struct markup {
    const char *amp, *lt, *gt, *quot, *apos, *tab, *lf, *cr;
    const char *other_control; /* C0 but tab, LF and CR; DEL */
    const char *invalid;       /* not UTF-8, or a noncharacter XML refuses */
    bool xml_chars;            /* U+FFFE and U+FFFF are not XML Chars */
    /* U+0080-U+009F as other_control: XML 1.0 §2.2 discourages them,
     * HTML calls them parse errors, some terminals act on U+009B (CSI). */
    bool c1_controls;
};

#define MARKUP_ENTITIES                                                        \
    .amp = "&amp;", .lt = "&lt;", .gt = "&gt;", .quot = "&quot;"

static const struct markup xml = {
    MARKUP_ENTITIES,       .apos = "&apos;",  .tab = "&#9;",
    .lf = "&#10;",         .cr = "&#13;",     .other_control = "&#xFFFD;",
    .invalid = "&#xFFFD;", .xml_chars = true, .c1_controls = true,
};
static const struct markup html = {
    MARKUP_ENTITIES,       .apos = "&#39;",
    .cr = "&#xFFFD;",      .other_control = "&#xFFFD;",
    .invalid = "&#xFFFD;", .c1_controls = true,
};
static const struct markup text = {
    .cr = U_FFFD,
    .other_control = U_FFFD,
    .invalid = U_FFFD,
    .c1_controls = true,
};
static const struct markup utf8 = {.invalid = U_FFFD};

/* see escape.h */
size_t ippm_utf8_char_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len;
    uint32_t cp, min;
    if (u[0] < 0x80)
        return 1;
    if (u[0] >= 0xc2 && u[0] <= 0xdf)
        len = 2, cp = u[0] & 0x1fu, min = 0x80;
    else if (u[0] >= 0xe0 && u[0] <= 0xef)
        len = 3, cp = u[0] & 0x0fu, min = 0x800;
    else if (u[0] >= 0xf0 && u[0] <= 0xf4)
        len = 4, cp = u[0] & 0x07u, min = 0x10000;
    else
        return 0;
    for (size_t i = 1; i < len; i++) { /* stops at NUL: not 10xxxxxx */
        if ((u[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (u[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* The replacement of the one-octet character ch, or NULL to write ch. */
static const char *markup_ascii(const struct markup *m, unsigned char ch)
{
    switch (ch) {
    case '&':
        return m->amp;
    case '<':
        return m->lt;
    case '>':
        return m->gt;
    case '"':
        return m->quot;
    case '\'':
        return m->apos;
    case '\t':
        return m->tab;
    case '\n':
        return m->lf;
    case '\r':
        return m->cr;
    default:
        /* XML 1.0 §2.2 allows no other control; HTML and terminals show
         * none. */
        return ch < 0x20 || ch == 0x7f ? m->other_control : NULL;
    }
}

/* U+FFFE or U+FFFF, which XML 1.0 §2.2 leaves out of Char. */
static bool xml_nonchar(const char *s, size_t len)
{
    return len == 3 && (unsigned char)s[0] == 0xef &&
           (unsigned char)s[1] == 0xbf && ((unsigned char)s[2] & 0xfe) == 0xbe;
}

/* A C1 control, U+0080 to U+009F. */
static bool c1_control(const char *s, size_t len)
{
    return len == 2 && (unsigned char)s[0] == 0xc2 &&
           (unsigned char)s[1] <= 0x9f;
}

static void markup_put(FILE *f, const char *s, const struct markup *m)
{
    while (s && *s) {
        size_t len = ippm_utf8_char_len(s);
        const char *e =
            len == 1 ? markup_ascii(m, (unsigned char)*s)
            : len == 0 || (m->xml_chars && xml_nonchar(s, len)) ? m->invalid
            : m->c1_controls && c1_control(s, len) ? m->other_control
                                                   : NULL;
        if (len == 0)
            len = 1; /* one U+FFFD per octet that starts nothing */
        if (e)
            fputs(e, f);
        else
            fwrite(s, 1, len, f);
        s += len;
    }
}

/* What markup_put writes, in a string the caller frees. */
static char *markup_dup(const char *s, const struct markup *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    markup_put(f, s, m);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* see escape.h */
void ippm_xml_put(FILE *f, const char *s)
{
    markup_put(f, s, &xml);
}

/* see escape.h */
void ippm_html_put(FILE *f, const char *s)
{
    markup_put(f, s, &html);
}

/* see escape.h */
char *ippm_text_dup(const char *s)
{
    return markup_dup(s, &text);
}

/* see escape.h */
char *ippm_utf8_dup(const char *s)
{
    return markup_dup(s, &utf8);
}
