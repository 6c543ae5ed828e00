/* One self-contained HTML file per run: a title, a few facts, the verdict
 * table of a conformance run (report.h) and plots drawn as inline SVG.
 * Nothing is fetched when the file is viewed: no script, no font, no
 * style sheet from elsewhere. Nothing here knows a protocol: a sender
 * hands in time series (seconds since start, milliseconds), a conformance
 * run hands in its struct ippm_report and, when it has them, its
 * exchanges. Files are written whole or not at all (atomic_file.h). */
#ifndef IPPM_HTML_REPORT_H
#define IPPM_HTML_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"
#include "report.h"

/* Per-point marks of a series. */
#define IPPM_MARK_LOST      0x01u /* no reply: y is not a value */
#define IPPM_MARK_REORDERED 0x02u /* arrived after a later-sent packet */
#define IPPM_MARK_DUPLICATE 0x04u /* more than one reply came */

/* One measured quantity over time, struct of arrays: x[i] seconds since
 * the start of the run, y[i] milliseconds, marks[i] IPPM_MARK_*. */
struct ippm_series {
    const char *name; /* legend: "RTT", "forward one-way delay" */
    double *x;
    double *y;
    uint8_t *marks;
    size_t n;
};

/* Allocates x, y and marks for n points, zeroed. Returns 0, or -1 (ENOMEM)
 * with s left empty. */
int ippm_series_alloc(struct ippm_series *s, const char *name, size_t n);

/* Frees what ippm_series_alloc allocated; s becomes empty. */
void ippm_series_free(struct ippm_series *s);

/* One time series from request/reply exchanges, for any protocol: x is
 * req_ns since the first request, y is rep_ns - req_ns (the round trip as
 * seen where the times were taken). Unanswered exchanges are LOST, those
 * with n_replies > 1 DUPLICATE, and a reply seen before the reply to an
 * earlier request is REORDERED. Only exchanges whose probe bit is in
 * probe_mask are taken (0: every exchange). Returns 0, or -1 (ENOMEM). */
int ippm_series_from_exchanges(struct ippm_series *s, const char *name,
                               const struct ippm_exchange *ex, size_t n,
                               uint32_t probe_mask);

enum ippm_plot_kind {
    IPPM_PLOT_TIME, /* y over time: lost as red ticks on the time axis,
                       reordered as orange rings, duplicates as triangles */
    IPPM_PLOT_CDF   /* cumulative distribution of every series' y */
};

/* One chart; its series share the axes (at most IPPM_HTML_MAX_SERIES). */
#define IPPM_HTML_MAX_SERIES 4 /* also the size of the palette */
struct ippm_html_plot {
    const char *title;   /* "Round-trip time" */
    const char *y_label; /* time plots: "RTT (ms)"; CDF: the x axis */
    enum ippm_plot_kind kind;
    const struct ippm_series *s[IPPM_HTML_MAX_SERIES];
    size_t n_s;
    size_t colour0; /* s[k] takes palette colour colour0 + k */
};

/* A line of the facts box at the top: "sent" / "100". */
struct ippm_html_fact {
    const char *key;
    const char *value;
};

struct ippm_html {
    const char *title;                  /* page and heading */
    const char *subtitle;               /* NULL: none */
    const struct ippm_html_fact *facts; /* n_facts lines, may be 0 */
    size_t n_facts;
    const struct ippm_report *report;   /* NULL: no verdict table */
    const struct ippm_html_plot *plots; /* n_plots charts, may be 0 */
    size_t n_plots;
    const char *note; /* a closing remark, NULL: none */
};

/* Fills plots (room for 3) with the usual charts of a round-trip
 * measurement: rtt over time, fwd and bwd over time (when either is
 * non-NULL) and the CDF of rtt. Returns how many it filled. */
size_t ippm_html_standard_plots(struct ippm_html_plot *plots,
                                const struct ippm_series *rtt,
                                const char *rtt_label,
                                const struct ippm_series *fwd,
                                const struct ippm_series *bwd);

/* The page of a conformance run, as `ippm conform` and `ippm pcap check`
 * write it: title, the suite and target, the verdict table of r, and when
 * ex is non-NULL the round trips of its exchanges (probe_mask and the
 * marks as in ippm_series_from_exchanges) over time and as a CDF, with
 * rtt_label on their axes. Returns 0, or -1 with errno set. */
int ippm_html_write_verdicts(const char *path, const char *title,
                             const struct ippm_report *r,
                             const struct ippm_exchange *ex, size_t n_ex,
                             uint32_t probe_mask, const char *rtt_label);

/* Writes the page to path. Every text is escaped for HTML. Returns 0, or
 * -1 with errno set (path untouched). */
int ippm_html_write(const char *path, const struct ippm_html *h);

#endif
