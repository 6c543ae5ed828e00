/* Text into reports: the one place that decides how a name or detail
 * (a capture's file name, a host, a peer's bytes) is written in XML (the
 * JUnit writer), HTML, JSON and on a terminal. One rule for all four: an
 * octet that does not start a valid UTF-8 character (RFC 3629) becomes
 * U+FFFD, so every report is valid UTF-8 whatever the input; then each
 * format escapes or replaces what it cannot hold. */
#ifndef IPPM_ESCAPE_H
#define IPPM_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Octets in the UTF-8 character s starts with (1 to 4), or 0 when s does
 * not start one (a stray continuation, a truncated sequence, an overlong
 * form, a surrogate, above U+10FFFF). *s must not be NUL. */
size_t ippm_utf8_char_len(const char *s);

/* Writes s (NULL: nothing) to f escaped for an XML 1.0 attribute value
 * or element: & < > " ' as entities, tab, LF and CR as character
 * references (so an attribute keeps them), other controls (C0 and C1),
 * DEL, U+FFFE, U+FFFF and invalid UTF-8 as &#xFFFD;. */
void ippm_xml_put(FILE *f, const char *s);

/* Writes s (NULL: nothing) to f escaped for HTML content and attribute
 * values: & < > " ' as entities (' as &#39;, which HTML 4 also knows),
 * tab and LF as they are, other controls (CR too, C0 and C1), DEL and
 * invalid UTF-8 as &#xFFFD;. */
void ippm_html_put(FILE *f, const char *s);

/* s (NULL: "") for a terminal, in a string the caller frees (NULL when
 * out of memory): tab and LF as they are, other controls (ESC would drive
 * the terminal), DEL, the C1 controls U+0080-U+009F and invalid UTF-8 as
 * U+FFFD. */
char *ippm_text_dup(const char *s);

/* s (NULL: "") as valid UTF-8 for a JSON string, in a string the caller
 * frees (NULL when out of memory): invalid UTF-8 as U+FFFD, everything
 * else as it is (the JSON writer escapes controls). */
char *ippm_utf8_dup(const char *s);

#endif
