/* The HTML report: plain HTML, a little inline CSS and SVG drawn here.
 * No script, so it renders the same in a browser, a mail client or a CI
 * artefact viewer, and it needs no network to view. */
#include "html_report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "impl/core/atomic_file.h"
#include "impl/report/escape.h"
#include "impl/commands.h"

/* Chart geometry, in SVG user units (the SVG scales to the page width). */
#define SVG_W           960.0
#define SVG_H           320.0
#define PLOT_X0         78.0 /* left edge of the plot area: room for y labels */
#define PLOT_X1         940.0
#define PLOT_Y0         34.0  /* top: room for the legend */
#define PLOT_Y1         262.0 /* bottom: room for x labels and the axis title */
#define MAX_LINE_POINTS 2000  /* beyond this a series is drawn per column */

static const char *const palette[IPPM_HTML_MAX_SERIES] = {"#1f77b4", "#2ca02c",
                                                          "#9467bd", "#8c564b"};

static const char *series_colour(const struct ippm_html_plot *p, size_t k)
{
    return palette[(p->colour0 + k) % IPPM_HTML_MAX_SERIES];
}
#define COLOUR_LOST      "#d62728"
#define COLOUR_REORDERED "#ff7f0e"
#define COLOUR_DUPLICATE "#17becf"

/* see html_report.h */
int ippm_series_alloc(struct ippm_series *s, const char *name, size_t n)
{
    memset(s, 0, sizeof *s);
    size_t m = n ? n : 1;
    s->x = calloc(m, sizeof *s->x);
    s->y = calloc(m, sizeof *s->y);
    s->marks = calloc(m, sizeof *s->marks);
    if (!s->x || !s->y || !s->marks) {
        ippm_series_free(s);
        errno = ENOMEM;
        return -1;
    }
    s->name = name;
    s->n = n;
    return 0;
}

/* see html_report.h */
void ippm_series_free(struct ippm_series *s)
{
    free(s->x);
    free(s->y);
    free(s->marks);
    memset(s, 0, sizeof *s);
}

/* see html_report.h */
int ippm_series_from_exchanges(struct ippm_series *s, const char *name,
                               const struct ippm_exchange *ex, size_t n,
                               uint32_t probe_mask)
{
    size_t m = 0;
    uint64_t t0 = UINT64_MAX;
    for (size_t i = 0; i < n; i++) {
        if (probe_mask && !(ex[i].probe & probe_mask))
            continue;
        m++;
        if (ex[i].req_ns < t0)
            t0 = ex[i].req_ns;
    }
    if (ippm_series_alloc(s, name, m) != 0)
        return -1;
    /* Exchanges are kept in send order; a reply earlier than the latest
     * reply to an earlier request overtook it (RFC 4737 §3.3 in time). */
    uint64_t latest_rep = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ippm_exchange *e = &ex[i];
        if (probe_mask && !(e->probe & probe_mask))
            continue;
        s->x[k] = (double)(e->req_ns - t0) / 1e9;
        if (!e->rep) {
            s->marks[k] = IPPM_MARK_LOST;
        } else {
            s->y[k] = ((double)e->rep_ns - (double)e->req_ns) / 1e6;
            if (e->rep_ns < latest_rep)
                s->marks[k] |= IPPM_MARK_REORDERED;
            if (e->rep_ns > latest_rep)
                latest_rep = e->rep_ns;
            if (e->n_replies > 1)
                s->marks[k] |= IPPM_MARK_DUPLICATE;
        }
        k++;
    }
    return 0;
}

/* A plot of the RTT series alone, over time or as a CDF. */
static struct ippm_html_plot rtt_plot(const char *title, const char *label,
                                      enum ippm_plot_kind kind,
                                      const struct ippm_series *rtt)
{
    return (struct ippm_html_plot){
        .title = title,
        .y_label = label ? label : "RTT (ms)",
        .kind = kind,
        .s = {rtt},
        .n_s = 1,
    };
}

/* see html_report.h */
size_t ippm_html_standard_plots(struct ippm_html_plot *plots,
                                const struct ippm_series *rtt,
                                const char *rtt_label,
                                const struct ippm_series *fwd,
                                const struct ippm_series *bwd)
{
    size_t n = 0;
    if (rtt)
        plots[n++] = rtt_plot("Round-trip time over time", rtt_label,
                              IPPM_PLOT_TIME, rtt);
    if (fwd || bwd) {
        struct ippm_html_plot *p = &plots[n++];
        memset(p, 0, sizeof *p);
        p->title = "One-way delay over time (needs synchronised clocks)";
        p->y_label = "one-way delay (ms)";
        p->kind = IPPM_PLOT_TIME;
        p->colour0 = 1; /* not RTT's colour */
        if (fwd)
            p->s[p->n_s++] = fwd;
        if (bwd)
            p->s[p->n_s++] = bwd;
    }
    if (rtt)
        plots[n++] = rtt_plot("Round-trip time distribution (CDF)", rtt_label,
                              IPPM_PLOT_CDF, rtt);
    return n;
}

/* ---- text ---- */

/* An element id from a case ID: letters, digits, '.', '-' and '_' kept,
 * anything else '_', so the fragment needs no URL escaping. */
static void id_put(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        char ch = *s;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
                  ch == '_';
        fputc(ok ? ch : '_', f);
    }
}

/* ---- axes ---- */

struct axis {
    double lo, hi, step;
    int decimals;
};

/* A step of 1, 2 or 5 times a power of ten giving about target ticks. */
static void axis_fit(struct axis *a, double lo, double hi, int target)
{
    if (!(hi > lo)) {
        double pad = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1.0;
        lo -= pad;
        hi += pad;
        if (lo < 0 && lo + pad >= 0)
            lo = 0;
    }
    double raw = (hi - lo) / target;
    double mag = pow(10, floor(log10(raw)));
    double norm = raw / mag;
    double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
    a->step = step;
    a->lo = floor(lo / step) * step;
    a->hi = ceil(hi / step) * step;
    if (a->hi <= a->lo)
        a->hi = a->lo + step;
    int d = (int)-floor(log10(step) + 1e-9);
    a->decimals = d > 0 ? (d < 6 ? d : 6) : 0;
}

static double sx(const struct axis *a, double v)
{
    return PLOT_X0 + (v - a->lo) / (a->hi - a->lo) * (PLOT_X1 - PLOT_X0);
}

static double sy(const struct axis *a, double v)
{
    return PLOT_Y1 - (v - a->lo) / (a->hi - a->lo) * (PLOT_Y1 - PLOT_Y0);
}

static void draw_axes(FILE *f, const struct axis *ax, const struct axis *ay,
                      const char *x_label, const char *y_label, bool y_pct)
{
    /* grid and tick labels */
    for (int i = 0; i < 100; i++) {
        double v = ay->lo + i * ay->step;
        if (v > ay->hi + ay->step / 2)
            break;
        double y = sy(ay, v);
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "class=\"grid\"/>",
                PLOT_X0, y, PLOT_X1, y);
        if (y_pct)
            fprintf(f,
                    "<text x=\"%.1f\" y=\"%.1f\" class=\"tl\" "
                    "text-anchor=\"end\">%.0f%%</text>\n",
                    PLOT_X0 - 6, y + 4, v * 100);
        else
            fprintf(f,
                    "<text x=\"%.1f\" y=\"%.1f\" class=\"tl\" "
                    "text-anchor=\"end\">%.*f</text>\n",
                    PLOT_X0 - 6, y + 4, ay->decimals, fabs(v) < 1e-12 ? 0 : v);
    }
    for (int i = 0; i < 100; i++) {
        double v = ax->lo + i * ax->step;
        if (v > ax->hi + ax->step / 2)
            break;
        double x = sx(ax, v);
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "class=\"grid\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" class=\"tl\" "
                "text-anchor=\"middle\">%.*f</text>\n",
                x, PLOT_Y0, x, PLOT_Y1, x, PLOT_Y1 + 16, ax->decimals,
                fabs(v) < 1e-12 ? 0 : v);
    }
    fprintf(f,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "class=\"frame\"/>\n",
            PLOT_X0, PLOT_Y0, PLOT_X1 - PLOT_X0, PLOT_Y1 - PLOT_Y0);
    fprintf(f,
            "<text x=\"%.1f\" y=\"%.1f\" class=\"al\" "
            "text-anchor=\"middle\">",
            (PLOT_X0 + PLOT_X1) / 2, PLOT_Y1 + 40);
    ippm_html_put(f, x_label);
    fprintf(f,
            "</text>\n<text transform=\"translate(18 %.1f) rotate(-90)\" "
            "class=\"al\" text-anchor=\"middle\">",
            (PLOT_Y0 + PLOT_Y1) / 2);
    ippm_html_put(f, y_label);
    fputs("</text>\n", f);
}

/* Legend across the top, left to right. Returns the next x. */
static double legend_item(FILE *f, double x, const char *colour,
                          const char *shape, const char *label)
{
    double y = 16;
    if (strcmp(shape, "line") == 0)
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"%s\" stroke-width=\"2.5\"/>",
                x, y - 4, x + 22, y - 4, colour);
    else if (strcmp(shape, "tick") == 0)
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"%s\" stroke-width=\"3\"/>",
                x + 11, y - 12, x + 11, y + 3, colour);
    else if (strcmp(shape, "ring") == 0)
        fprintf(f,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"none\" "
                "stroke=\"%s\" stroke-width=\"2.5\"/>",
                x + 11, y - 4, colour);
    else
        fprintf(f, "<path d=\"M%.1f %.1fl5 -9l5 9z\" fill=\"%s\"/>", x + 6,
                y + 1, colour);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"lg\">", x + 28, y);
    ippm_html_put(f, label);
    fputs("</text>\n", f);
    return x + 28 + 7.2 * (double)strlen(label) + 22;
}

static bool finite_point(const struct ippm_series *s, size_t i)
{
    return !(s->marks && (s->marks[i] & IPPM_MARK_LOST)) && isfinite(s->y[i]);
}

/* ---- time plot ---- */

static void draw_series_line(FILE *f, const struct ippm_series *s,
                             const struct axis *ax, const struct axis *ay,
                             const char *colour)
{
    size_t good = 0;
    for (size_t i = 0; i < s->n; i++)
        good += finite_point(s, i);
    if (!good)
        return;
    fprintf(f,
            "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" "
            "stroke-linejoin=\"round\" d=\"",
            colour);
    if (good <= MAX_LINE_POINTS) {
        char cmd = 'M';
        for (size_t i = 0; i < s->n; i++) {
            if (!finite_point(s, i))
                continue;
            fprintf(f, "%c%.1f %.1f", cmd, sx(ax, s->x[i]), sy(ay, s->y[i]));
            cmd = 'L';
        }
    } else {
        /* Too many points to draw one by one: per pixel column, a
         * vertical stroke from the lowest to the highest value in it. */
        int cols = (int)(PLOT_X1 - PLOT_X0);
        double *lo = malloc((size_t)cols * sizeof *lo);
        double *hi = malloc((size_t)cols * sizeof *hi);
        if (lo && hi) {
            for (int c = 0; c < cols; c++) {
                lo[c] = INFINITY;
                hi[c] = -INFINITY;
            }
            for (size_t i = 0; i < s->n; i++) {
                if (!finite_point(s, i))
                    continue;
                int c = (int)(sx(ax, s->x[i]) - PLOT_X0);
                c = c < 0 ? 0 : c >= cols ? cols - 1 : c;
                lo[c] = s->y[i] < lo[c] ? s->y[i] : lo[c];
                hi[c] = s->y[i] > hi[c] ? s->y[i] : hi[c];
            }
            char cmd = 'M';
            for (int c = 0; c < cols; c++) {
                if (lo[c] > hi[c])
                    continue;
                fprintf(f, "%c%.1f %.1fL%.1f %.1f", cmd, PLOT_X0 + c + 0.5,
                        sy(ay, lo[c]), PLOT_X0 + c + 0.5, sy(ay, hi[c]));
                cmd = 'L';
            }
        }
        free(lo);
        free(hi);
    }
    fputs("\"/>\n", f);
    if (good <= 150) /* few points: show each one */
        for (size_t i = 0; i < s->n; i++)
            if (finite_point(s, i))
                fprintf(f,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" "
                        "fill=\"%s\"/>",
                        sx(ax, s->x[i]), sy(ay, s->y[i]), colour);
    fputc('\n', f);
}

/* Marks at most one of each kind per pixel column. */
static void draw_marks(FILE *f, const struct ippm_series *s,
                       const struct axis *ax, const struct axis *ay,
                       size_t counts[3])
{
    if (!s->marks)
        return;
    double last[3] = {-1e9, -1e9, -1e9};
    for (size_t i = 0; i < s->n; i++) {
        uint8_t m = s->marks[i];
        double x = sx(ax, s->x[i]);
        if (m & IPPM_MARK_LOST) {
            counts[0]++;
            if (x - last[0] >= 1) {
                /* a faint line up the plot and a bold tick on the axis */
                fprintf(f,
                        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                        "y2=\"%.1f\" stroke=\"" COLOUR_LOST "\" "
                        "stroke-opacity=\"0.22\"/>"
                        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                        "y2=\"%.1f\" stroke=\"" COLOUR_LOST "\" "
                        "stroke-width=\"3\"/>\n",
                        x, PLOT_Y0, x, PLOT_Y1, x, PLOT_Y1 - 12, x,
                        PLOT_Y1 + 4);
                last[0] = x;
            }
            continue;
        }
        if (!finite_point(s, i))
            continue;
        double y = sy(ay, s->y[i]);
        if (m & IPPM_MARK_REORDERED) {
            counts[1]++;
            if (x - last[1] >= 1) {
                fprintf(f,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" "
                        "fill=\"none\" stroke=\"" COLOUR_REORDERED "\" "
                        "stroke-width=\"2.5\"/>\n",
                        x, y);
                last[1] = x;
            }
        }
        if (m & IPPM_MARK_DUPLICATE) {
            counts[2]++;
            if (x - last[2] >= 1) {
                fprintf(f,
                        "<path d=\"M%.1f %.1fl5 -9l5 9z\" "
                        "fill=\"" COLOUR_DUPLICATE "\"/>\n",
                        x - 5, y - 8);
                last[2] = x;
            }
        }
    }
}

static void plot_time(FILE *f, const struct ippm_html_plot *p)
{
    double xmax = 0, ymin = INFINITY, ymax = -INFINITY;
    size_t good = 0;
    size_t counts[3] = {0, 0, 0};
    for (size_t k = 0; k < p->n_s; k++) {
        const struct ippm_series *s = p->s[k];
        for (size_t i = 0; i < s->n; i++) {
            xmax = s->x[i] > xmax ? s->x[i] : xmax;
            if (!finite_point(s, i))
                continue;
            good++;
            ymin = s->y[i] < ymin ? s->y[i] : ymin;
            ymax = s->y[i] > ymax ? s->y[i] : ymax;
        }
    }
    if (!good) {
        ymin = 0;
        ymax = 1;
    }
    if (ymin > 0)
        ymin = 0; /* delays read best from zero */
    struct axis ax, ay;
    axis_fit(&ax, 0, xmax > 0 ? xmax : 1, 10);
    axis_fit(&ay, ymin, ymax + (ymax - ymin) * 0.05, 6);
    draw_axes(f, &ax, &ay, "time since start (s)", p->y_label, false);
    for (size_t k = 0; k < p->n_s; k++)
        draw_series_line(f, p->s[k], &ax, &ay, series_colour(p, k));
    /* Series of one packet stream share its marks (forward and backward
     * delay of the same packets): the legend counts packets, not marks. */
    for (size_t k = 0; k < p->n_s; k++) {
        size_t c[3] = {0, 0, 0};
        draw_marks(f, p->s[k], &ax, &ay, c);
        for (int j = 0; j < 3; j++)
            counts[j] = c[j] > counts[j] ? c[j] : counts[j];
    }
    if (!good)
        fprintf(f,
                "<text x=\"%.1f\" y=\"%.1f\" class=\"empty\" "
                "text-anchor=\"middle\">no replies</text>\n",
                (PLOT_X0 + PLOT_X1) / 2, (PLOT_Y0 + PLOT_Y1) / 2);
    double lx = PLOT_X0;
    for (size_t k = 0; k < p->n_s; k++)
        lx = legend_item(f, lx, series_colour(p, k), "line", p->s[k]->name);
    char lab[64];
    if (counts[0]) {
        snprintf(lab, sizeof lab, "lost (%zu)", counts[0]);
        lx = legend_item(f, lx, COLOUR_LOST, "tick", lab);
    }
    if (counts[1]) {
        snprintf(lab, sizeof lab, "reordered (%zu)", counts[1]);
        lx = legend_item(f, lx, COLOUR_REORDERED, "ring", lab);
    }
    if (counts[2]) {
        snprintf(lab, sizeof lab, "duplicated (%zu)", counts[2]);
        legend_item(f, lx, COLOUR_DUPLICATE, "tri", lab);
    }
}

/* ---- CDF ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void plot_cdf(FILE *f, const struct ippm_html_plot *p)
{
    double *v[IPPM_HTML_MAX_SERIES] = {NULL};
    size_t nv[IPPM_HTML_MAX_SERIES] = {0};
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < p->n_s; k++) {
        const struct ippm_series *s = p->s[k];
        v[k] = malloc((s->n ? s->n : 1) * sizeof *v[k]);
        if (!v[k])
            continue;
        for (size_t i = 0; i < s->n; i++)
            if (finite_point(s, i))
                v[k][nv[k]++] = s->y[i];
        qsort(v[k], nv[k], sizeof *v[k], cmp_double);
        if (nv[k]) {
            lo = v[k][0] < lo ? v[k][0] : lo;
            hi = v[k][nv[k] - 1] > hi ? v[k][nv[k] - 1] : hi;
        }
    }
    bool any = hi >= lo;
    if (!any) {
        lo = 0;
        hi = 1;
    }
    if (lo > 0 && lo < (hi - lo) * 0.5)
        lo = 0;
    struct axis ax, ay = {0, 1, 0.25, 2};
    axis_fit(&ax, lo, hi, 10);
    draw_axes(f, &ax, &ay, p->y_label, "packets at or below (cumulative)",
              true);
    double lx = PLOT_X0;
    for (size_t k = 0; k < p->n_s; k++) {
        size_t n = nv[k];
        if (!n)
            continue;
        /* A step per value, or per quantile when there are many. */
        size_t steps = n <= MAX_LINE_POINTS ? n : MAX_LINE_POINTS;
        fprintf(
            f,
            "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"M%.1f "
            "%.1f",
            series_colour(p, k), sx(&ax, v[k][0]), sy(&ay, 0));
        for (size_t j = 0; j < steps; j++) {
            size_t i = steps == n ? j : (j * (n - 1)) / (steps - 1);
            fprintf(f, "H%.1fV%.1f", sx(&ax, v[k][i]),
                    sy(&ay, (double)(i + 1) / (double)n));
        }
        fputs("\"/>\n", f);
        if (k == 0) {
            /* median and p99 (nearest rank), dashed, with their values */
            static const double q[2] = {0.5, 0.99};
            static const char *const qn[2] = {"median", "p99"};
            for (int j = 0; j < 2; j++) {
                size_t r = (size_t)ceil(q[j] * (double)n);
                double val = v[k][r ? r - 1 : 0];
                double x = sx(&ax, val);
                /* Right of the line, where the curve has not got to yet
                 * at this height, unless that runs off the plot; a white
                 * halo keeps it legible over the grid. */
                bool right = x < PLOT_X1 - 150;
                fprintf(f,
                        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                        "y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>"
                        "<text x=\"%.1f\" y=\"%.1f\" class=\"lg\" "
                        "text-anchor=\"%s\" stroke=\"#fff\" "
                        "stroke-width=\"4\" paint-order=\"stroke\">"
                        "%s %.3f ms</text>\n",
                        x, PLOT_Y0, x, PLOT_Y1, right ? x + 5 : x - 5,
                        sy(&ay, j ? 0.62 : 0.38), right ? "start" : "end",
                        qn[j], val);
            }
        }
        lx = legend_item(f, lx, series_colour(p, k), "line", p->s[k]->name);
    }
    if (!any)
        fprintf(f,
                "<text x=\"%.1f\" y=\"%.1f\" class=\"empty\" "
                "text-anchor=\"middle\">no replies</text>\n",
                (PLOT_X0 + PLOT_X1) / 2, (PLOT_Y0 + PLOT_Y1) / 2);
    for (size_t k = 0; k < p->n_s; k++)
        free(v[k]);
}

static void plot_put(FILE *f, const struct ippm_html_plot *p)
{
    fputs("<section class=\"plot\"><h3>", f);
    ippm_html_put(f, p->title);
    fprintf(f,
            "</h3>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
            "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
            SVG_W, SVG_H);
    ippm_html_put(f, p->title);
    fputs("\">\n", f);
    if (p->kind == IPPM_PLOT_CDF)
        plot_cdf(f, p);
    else
        plot_time(f, p);
    fputs("</svg></section>\n", f);
}

/* ---- verdicts ---- */

/* The CSS class of a shown verdict ("n/a" is not a class name). */
static const char *verdict_class(enum ippm_shown v)
{
    return v == IPPM_SHOWN_NA ? "na" : ippm_shown_str(v);
}

static void verdict_row_put(FILE *f, const struct ippm_case_result *x,
                            enum ippm_shown v)
{
    const char *cls = verdict_class(v);
    fprintf(f, "<tr class=\"r-%s\"><td class=\"id\">", cls);
    ippm_html_put(f, x->c->id);
    fputs("<div class=\"ti\">", f);
    ippm_html_put(f, x->c->title);
    fputs("</div></td><td><a href=\"#quote-", f);
    id_put(f, x->c->id);
    fputs("\">", f);
    ippm_html_put(f, x->c->section);
    fprintf(f,
            "</a></td><td>%s</td><td><span class=\"b %s\">%s</span>"
            "</td><td class=\"d\">",
            ippm_level_str(x->c->level), cls, ippm_shown_str(v));
    ippm_html_put(f, x->detail);
    fputs("</td></tr>\n", f);
}

/* What the run was: the versions, the reflector mode, the command line. */
static void meta_put(FILE *f, const struct ippm_report *r)
{
    struct ippm_report_meta m;
    ippm_report_meta(r, &m);
    fputs("<p class=\"sub\">ippm ", f);
    ippm_html_put(f, m.ippm_version);
    fprintf(f, " &middot; catalogue %s (%zu cases)", m.catalogue_version,
            m.catalogue_cases);
    if (m.reflector_mode) {
        fputs(" &middot; reflector ", f);
        ippm_html_put(f, m.reflector_mode);
        if (m.reflector_mode_how) {
            fputs(" (", f);
            ippm_html_put(f, m.reflector_mode_how);
            fputs(")", f);
        }
    }
    /* The flows graded, as the JSON report lists them. */
    for (size_t i = 0; i < r->n_flows; i++) {
        const struct ippm_report_flow *fl = &r->flows[i];
        fputs(i ? ", " : "<br>flows graded: ", f);
        ippm_html_put(f, fl->sender);
        fputs(" &rarr; ", f);
        ippm_html_put(f, fl->reflector);
        fprintf(f, " (%llu requests, %llu replies)",
                (unsigned long long)fl->requests,
                (unsigned long long)fl->replies);
    }
    if (m.command_line[0]) {
        fputs("<br><code>", f);
        ippm_html_put(f, m.command_line);
        fputs("</code>", f);
    }
    fputs("</p>\n", f);
}

static void verdicts_put(FILE *f, const struct ippm_report *r)
{
    struct ippm_report_totals t;
    ippm_report_totals(r, &t);
    bool ok = ippm_report_exit_status(r) == IPPM_EXIT_OK;
    fprintf(
        f,
        "<h2>Verdicts <span class=\"b %s\">%s</span></h2>\n"
        "<p class=\"tot\">%zu cases: <span class=\"c-pass\">%zu pass</span>, "
        "<span class=\"c-fail\">%zu fail</span>, "
        "<span class=\"c-warn\">%zu warn</span>, "
        "<span class=\"c-na\">%zu n/a</span> (not met: %zu MUST, %zu SHOULD, "
        "%zu MAY, %zu ADVISORY)%s. Failures first; a section links to the requirement "
        "text.</p>\n",
        ok ? "pass" : "fail", ok ? "PASS" : "FAIL", r->n, t.pass, t.fail,
        t.warn, t.na, t.must_fail, t.should_fail, t.may_fail, t.advisory_fail,
        r->strict ? " [strict: a SHOULD or ADVISORY failure fails the run]"
                  : "");
    meta_put(f, r);
    fputs("<table class=\"v\"><thead><tr><th>ID</th><th>Section</th>"
          "<th>Level</th><th>Verdict</th><th>Observed vs expected</th>"
          "</tr></thead>\n<tbody>\n",
          f);
    /* What needs a reader's attention first: fail, warn, then what was
     * graded (pass) before what was not (n/a), each in catalogue order. */
    static const enum ippm_shown order[] = {IPPM_SHOWN_FAIL, IPPM_SHOWN_WARN,
                                            IPPM_SHOWN_PASS, IPPM_SHOWN_NA};
    for (size_t o = 0; o < sizeof order / sizeof order[0]; o++)
        for (size_t i = 0; i < r->n; i++) {
            enum ippm_shown v = ippm_report_verdict(&r->res[i], r->strict);
            if (v == order[o])
                verdict_row_put(f, &r->res[i], v);
        }
    fputs("</tbody></table>\n", f);
}

/* The catalogue's text of every case in the table, folded away; a
 * section link opens it (browsers expand a <details> holding the
 * fragment's target). */
static void quotes_put(FILE *f, const struct ippm_report *r)
{
    fprintf(f,
            "<details class=\"quotes\"><summary>Requirement text from the "
            "catalogue (%zu cases)</summary>\n",
            r->n);
    for (size_t i = 0; i < r->n; i++) {
        const struct ippm_case *c = r->res[i].c;
        fputs("<div class=\"q\" id=\"quote-", f);
        id_put(f, c->id);
        fputs("\"><div class=\"qh\"><b>", f);
        ippm_html_put(f, c->id);
        fputs("</b> &middot; ", f);
        ippm_html_put(f, c->section);
        fprintf(f, " &middot; %s &middot; %s</div><div class=\"qt\">",
                ippm_level_str(c->level), ippm_role_str(c->role));
        ippm_html_put(f, c->title);
        fputs("</div><blockquote>", f);
        ippm_html_put(f, c->quote);
        fputs("</blockquote></div>\n", f);
    }
    fputs("</details>\n", f);
}

/* ---- page ---- */

static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,"
    "'DejaVu Sans',Arial,sans-serif;margin:24px auto;max-width:1180px;"
    "padding:0 16px;color:#1d2330;background:#fff}"
    "h1{font-size:24px;margin:0 0 2px}h2{font-size:19px;margin:28px 0 6px}"
    "h3{font-size:16px;margin:22px 0 4px}"
    ".sub{color:#5b6475;margin:0 0 14px}"
    ".facts{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0}"
    ".fact{border:1px solid #d9dee7;border-radius:6px;padding:6px 10px;"
    "background:#f6f8fb}.fact b{display:block;font-size:11px;color:#5b6475;"
    "font-weight:600;text-transform:uppercase;letter-spacing:.04em}"
    ".fact span{font-size:15px;font-variant-numeric:tabular-nums}"
    "svg{width:100%;height:auto;display:block;border:1px solid #e3e7ee;"
    "border-radius:6px;background:#fff}"
    ".grid{stroke:#e8ebf0;stroke-width:1}.frame{fill:none;stroke:#8a93a3}"
    ".tl{font-size:12px;fill:#4a5263}.al{font-size:13px;fill:#1d2330;"
    "font-weight:600}.lg{font-size:12.5px;fill:#1d2330}"
    ".empty{font-size:18px;fill:#8a93a3}"
    "table.v{border-collapse:collapse;width:100%;font-size:13px}"
    "table.v th{text-align:left;background:#eef1f6;padding:6px 8px;"
    "border-bottom:2px solid #c9d0dc}"
    "table.v td{padding:5px 8px;border-bottom:1px solid #e6e9ef;"
    "vertical-align:top}"
    "td.id{font-family:ui-monospace,'DejaVu Sans Mono',monospace;"
    "white-space:nowrap}.ti{font-family:system-ui,sans-serif;color:#5b6475;"
    "white-space:normal;font-size:12px}td.d{word-break:break-word}"
    ".b{display:inline-block;border-radius:4px;padding:1px 7px;"
    "font-weight:700;font-size:12px;color:#fff;white-space:nowrap}"
    ".b.pass{background:#1e8e3e}.b.fail{background:#d62728}"
    ".b.warn{background:#e8a100}.b.na{background:#8a93a3}"
    "h2 .b{font-size:14px;vertical-align:middle}"
    "tr.r-fail{background:#fdeeee}tr.r-warn{background:#fff8e6}"
    ".c-pass{color:#1e8e3e;font-weight:600}.c-fail{color:#d62728;"
    "font-weight:600}.c-warn{color:#a86f00;font-weight:600}"
    ".c-na{color:#5b6475}"
    "details.quotes{margin:22px 0;border:1px solid #d9dee7;border-radius:6px;"
    "padding:6px 12px}details.quotes summary{cursor:pointer;font-weight:600}"
    ".q{padding:8px 6px;border-bottom:1px solid #eef1f6}"
    ".q:target{background:#fff3c4}.qh{font-size:12px;color:#5b6475}"
    ".qt{font-weight:600;margin:2px 0}blockquote{margin:4px 0 0 12px;"
    "padding-left:10px;border-left:3px solid #c9d0dc;color:#333}"
    "a{color:#1a5fb4}.note{color:#5b6475;font-size:13px}"
    "footer{margin-top:28px;color:#8a93a3;font-size:12px}";

static int fill_html(FILE *f, void *arg)
{
    const struct ippm_html *h = arg;
    const char *title = h->title ? h->title : "ippm report";
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width,"
          "initial-scale=1\">\n<title>",
          f);
    ippm_html_put(f, title);
    fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<h1>", css);
    ippm_html_put(f, title);
    fputs("</h1>\n", f);
    if (h->subtitle) {
        fputs("<p class=\"sub\">", f);
        ippm_html_put(f, h->subtitle);
        fputs("</p>\n", f);
    }
    if (h->n_facts) {
        fputs("<div class=\"facts\">", f);
        for (size_t i = 0; i < h->n_facts; i++) {
            fputs("<div class=\"fact\"><b>", f);
            ippm_html_put(f, h->facts[i].key);
            fputs("</b><span>", f);
            ippm_html_put(f, h->facts[i].value);
            fputs("</span></div>", f);
        }
        fputs("</div>\n", f);
    }
    if (h->report)
        verdicts_put(f, h->report);
    if (h->n_plots)
        fputs("<h2>Measurements</h2>\n", f);
    for (size_t i = 0; i < h->n_plots; i++)
        plot_put(f, &h->plots[i]);
    if (h->report)
        quotes_put(f, h->report);
    if (h->note) {
        fputs("<p class=\"note\">", f);
        ippm_html_put(f, h->note);
        fputs("</p>\n", f);
    }
    char when[40] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    fprintf(f, "<footer>Written by ippm on %s.</footer>\n</body></html>\n",
            when);
    return ferror(f) ? -1 : 0;
}

/* see html_report.h */
int ippm_html_write(const char *path, const struct ippm_html *h)
{
    return ippm_atomic_write(path, fill_html, (void *)h);
}

/* see html_report.h */
int ippm_html_write_verdicts(const char *path, const char *title,
                             const struct ippm_report *r,
                             const struct ippm_exchange *ex, size_t n_ex,
                             uint32_t probe_mask, const char *rtt_label)
{
    struct ippm_series rtt;
    memset(&rtt, 0, sizeof rtt);
    bool have = ex &&
                ippm_series_from_exchanges(&rtt, "round trip", ex, n_ex,
                                           probe_mask) == 0 &&
                rtt.n > 0;
    char when[32] = "", dur[32], nex[64], sub[512];
    time_t s = (time_t)(r->start_ns / 1000000000u);
    struct tm tm;
    if (gmtime_r(&s, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    snprintf(dur, sizeof dur, "%.3f s", (double)r->duration_ns / 1e9);
    size_t answered = 0;
    for (size_t i = 0; ex && i < n_ex; i++)
        answered += ex[i].rep != NULL;
    snprintf(nex, sizeof nex, "%zu (%zu answered)", n_ex, answered);
    snprintf(sub, sizeof sub, "%s%s%s%s", r->suite ? r->suite : "",
             r->suite && r->target ? ": " : "", r->target ? r->target : "",
             r->interrupted ? " (interrupted: graded what came before the "
                              "signal)"
                            : "");
    const struct ippm_html_fact facts[] = {
        {"started", when},
        {"took", dur},
        {"exchanges", nex},
    };
    struct ippm_html_plot plots[3];
    struct ippm_html h = {
        .title = title,
        .subtitle = sub,
        .facts = facts,
        .n_facts = ex ? 3 : 2,
        .report = r,
        .plots = plots,
        .n_plots =
            have ? ippm_html_standard_plots(plots, &rtt, rtt_label, NULL, NULL)
                 : 0,
    };
    int rc = ippm_html_write(path, &h);
    int err = errno;
    ippm_series_free(&rtt);
    errno = err;
    return rc;
}
