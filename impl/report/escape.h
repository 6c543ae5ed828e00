/* Text into markup: the one place that escapes for XML (the JUnit
 * writer) and HTML (the HTML report). Both keep UTF-8 as it is and turn
 * the control characters their format cannot hold into U+FFFD. */
#ifndef IPPM_ESCAPE_H
#define IPPM_ESCAPE_H

#include <stdio.h>

/* Writes s (NULL: nothing) to f escaped for an XML 1.0 attribute value
 * or element: & < > " ' as entities, tab, LF and CR as character
 * references (so an attribute keeps them), other controls and DEL as
 * &#xFFFD;. */
void ippm_xml_put(FILE *f, const char *s);

/* Writes s (NULL: nothing) to f escaped for HTML content and attribute
 * values: & < > " ' as entities (' as &#39;, which HTML 4 also knows),
 * tab and LF as they are, other controls (CR too) and DEL as &#xFFFD;. */
void ippm_html_put(FILE *f, const char *s);

#endif
