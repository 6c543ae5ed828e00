/* XML and HTML escaping: one loop, two tables of what differs. */
#include "impl/report/escape.h"

#include <stdbool.h>

/* What the two formats write differently. NULL: the character as it is. */
struct markup {
    const char *apos, *tab, *lf, *cr;
};

static const struct markup xml = {"&apos;", "&#9;", "&#10;", "&#13;"};
static const struct markup html = {"&#39;", NULL, NULL, "&#xFFFD;"};

/* The replacement of ch, or NULL to write ch itself. */
static const char *markup_entity(const struct markup *m, unsigned char ch)
{
    switch (ch) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return m->apos;
    case '\t':
        return m->tab;
    case '\n':
        return m->lf;
    case '\r':
        return m->cr;
    default:
        /* XML 1.0 §2.2 allows no other control; HTML shows none. */
        return ch < 0x20 || ch == 0x7f ? "&#xFFFD;" : NULL;
    }
}

static void markup_put(FILE *f, const char *s, const struct markup *m)
{
    for (; s && *s; s++) {
        const char *e = markup_entity(m, (unsigned char)*s);
        if (e)
            fputs(e, f);
        else
            fputc(*s, f);
    }
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
