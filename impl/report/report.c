/* Report writers: terminal table, JSON (jansson), JUnit XML. Nothing here
 * knows a protocol: a case is an ID, a section, a level, a verdict. */
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "impl/core/atomic_file.h"
#include "impl/report/escape.h"
#include "impl/commands.h"

/* see report.h */
enum ippm_shown ippm_report_verdict(const struct ippm_case_result *x,
                                    bool strict)
{
    switch (x->verdict) {
    case IPPM_PASS:
        return IPPM_SHOWN_PASS;
    case IPPM_FAIL:
        return ippm_result_fails_run(x, strict) ? IPPM_SHOWN_FAIL
                                                : IPPM_SHOWN_WARN;
    case IPPM_NA:
        break;
    }
    return IPPM_SHOWN_NA;
}

/* see report.h */
const char *ippm_shown_str(enum ippm_shown v)
{
    switch (v) {
    case IPPM_SHOWN_PASS:
        return "pass";
    case IPPM_SHOWN_FAIL:
        return "fail";
    case IPPM_SHOWN_WARN:
        return "warn";
    case IPPM_SHOWN_NA:
        break;
    }
    return "n/a";
}

/* see report.h */
void ippm_report_totals(const struct ippm_report *r,
                        struct ippm_report_totals *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < r->n; i++) {
        const struct ippm_case_result *x = &r->res[i];
        switch (ippm_report_verdict(x, r->strict)) {
        case IPPM_SHOWN_PASS:
            t->pass++;
            break;
        case IPPM_SHOWN_NA:
            t->na++;
            break;
        case IPPM_SHOWN_FAIL:
            t->fail++;
            break;
        case IPPM_SHOWN_WARN:
            t->warn++;
            break;
        }
        if (x->verdict != IPPM_FAIL)
            continue;
        if (x->c->level == IPPM_MUST)
            t->must_fail++;
        else if (x->c->level == IPPM_SHOULD)
            t->should_fail++;
        else if (x->c->level == IPPM_ADVISORY)
            t->advisory_fail++;
        else
            t->may_fail++;
    }
}

#ifndef IPPM_VERSION
#define IPPM_VERSION "0.1.0"
#endif

/* see report.h */
void ippm_report_set_obs(struct ippm_report *r, const struct ippm_obs *obs)
{
    r->reflector_mode = ippm_obs_reflector_mode(obs, &r->reflector_mode_how);
}

/* Appends arg to buf (len used of cap), single-quoted when a shell would
 * split or expand it. False when it does not fit. */
static bool arg_put(char *buf, size_t cap, size_t *len, const char *arg)
{
    bool plain = *arg != '\0';
    for (const char *p = arg; *p && plain; p++)
        plain = strchr("@%+=:,./-_", *p) || (*p >= '0' && *p <= '9') ||
                (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
    char q[512];
    size_t n = 0;
    if (!plain)
        q[n++] = '\'';
    for (const char *p = arg; *p && n + 5 < sizeof q; p++) {
        if (*p == '\'' && !plain) {
            memcpy(q + n, "'\\''", 4);
            n += 4;
        } else {
            q[n++] = *p;
        }
    }
    if (!plain)
        q[n++] = '\'';
    q[n] = '\0';
    int w = snprintf(buf + *len, cap - *len, "%s%s", *len ? " " : "", q);
    if (w < 0 || (size_t)w >= cap - *len)
        return false;
    *len += (size_t)w;
    return true;
}

/* This process's arguments (/proc/self/cmdline), shell-quoted; "" when
 * they cannot be read, cut with " ..." when too long. */
static void own_command_line(char *buf, size_t cap)
{
    buf[0] = '\0';
    FILE *f = fopen("/proc/self/cmdline", "rb");
    if (!f)
        return;
    char raw[4096];
    size_t n = fread(raw, 1, sizeof raw - 1, f);
    fclose(f);
    raw[n] = '\0';
    size_t len = 0;
    for (size_t at = 0; at < n; at += strlen(raw + at) + 1) {
        const char *arg = raw + at;
        if (at == 0 && strrchr(arg, '/'))
            arg = strrchr(arg, '/') + 1; /* "ippm", not where it lives */
        if (!arg_put(buf, cap, &len, arg)) {
            if (len + 4 < cap)
                memcpy(buf + len, " ...", 5);
            return;
        }
    }
}

/* see report.h */
void ippm_report_meta(const struct ippm_report *r, struct ippm_report_meta *m)
{
    memset(m, 0, sizeof *m);
    m->ippm_version = IPPM_VERSION;
    if (r->command_line)
        snprintf(m->command_line, sizeof m->command_line, "%s",
                 r->command_line);
    else
        own_command_line(m->command_line, sizeof m->command_line);
    snprintf(m->catalogue_version, sizeof m->catalogue_version, "%016" PRIx64,
             ippm_catalogue_version());
    ippm_catalogue(&m->catalogue_cases);
    m->reflector_mode = r->reflector_mode;
    m->reflector_mode_how = r->reflector_mode ? r->reflector_mode_how : NULL;
}

/* see report.h */
int ippm_report_exit_status(const struct ippm_report *r)
{
    if (r->graded_nothing) /* never a pass, --strict or not */
        return IPPM_EXIT_NOTHING;
    for (size_t i = 0; i < r->n; i++)
        if (ippm_report_verdict(&r->res[i], r->strict) == IPPM_SHOWN_FAIL)
            return IPPM_EXIT_FAIL;
    return IPPM_EXIT_OK;
}

/* Display width of UTF-8 text: one column per code point ("§" is two
 * octets, one column). */
static size_t utf8_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

static void put_padded(FILE *f, const char *s, size_t width)
{
    fputs(s, f);
    for (size_t w = utf8_width(s); w < width; w++)
        fputc(' ', f);
}

/* see report.h */
void ippm_report_print_totals(FILE *f, const struct ippm_report *r)
{
    struct ippm_report_totals t;
    ippm_report_totals(r, &t);
    fprintf(f,
            "%zu cases: %zu pass, %zu fail, %zu warn, %zu n/a (not met: "
            "%zu MUST, %zu SHOULD, %zu MAY, %zu ADVISORY)%s -> %s%s\n",
            r->n, t.pass, t.fail, t.warn, t.na, t.must_fail, t.should_fail,
            t.may_fail, t.advisory_fail, r->strict ? " [strict]" : "",
            r->graded_nothing                          ? "NOTHING GRADED"
            : ippm_report_exit_status(r) == IPPM_EXIT_OK ? "PASS"
                                                         : "FAIL",
            !r->interrupted       ? ""
            : r->graded_nothing ? " (INTERRUPTED)"
                                : " so far (INTERRUPTED)");
}

/* The terminal table keeps every line to this many columns (issue 9:
 * under 100), wrapping titles, details and reasons at spaces. */
#define TEXT_COLUMNS 99
/* A section wider than this is printed whole and the title moves to the
 * next line, so that the RFC sections keep the table narrow. */
#define SECTION_COLUMNS 17
/* More n/a cases than this: the table groups their reasons after it, and
 * verbose puts each under its case as with fewer. */
#define NA_INLINE_MAX 12
/* Distinct n/a reasons listed when grouped. */
#define NA_REASONS_MAX 8

static void put_spaces(FILE *f, size_t n)
{
    while (n--)
        fputc(' ', f);
}

/* Prints s from column col, wrapped at spaces so that no line passes
 * TEXT_COLUMNS (a word longer than a line is cut), continuation lines
 * indented by indent; ends the line. */
static void put_wrapped(FILE *f, const char *text, size_t col, size_t indent)
{
    /* A detail may carry a peer's bytes: valid UTF-8, no control. */
    char *clean = ippm_text_dup(text);
    const char *s = clean ? clean : "(out of memory)";
    bool line_empty = true;
    for (;;) {
        s += strspn(s, " \n");
        if (!*s)
            break;
        size_t len = strcspn(s, " \n");
        size_t w = 0;
        for (size_t i = 0; i < len; i++)
            w += ((unsigned char)s[i] & 0xc0) != 0x80;
        if (!line_empty && col + 1 + w > TEXT_COLUMNS) {
            fputc('\n', f);
            put_spaces(f, indent);
            col = indent;
            line_empty = true;
        }
        if (!line_empty) {
            fputc(' ', f);
            col++;
        }
        for (size_t i = 0; i < len; i++) {
            bool starts = ((unsigned char)s[i] & 0xc0) != 0x80;
            if (starts && col >= TEXT_COLUMNS) {
                fputc('\n', f);
                put_spaces(f, indent);
                col = indent;
            }
            fputc(s[i], f);
            col += starts;
        }
        line_empty = false;
        s += len;
    }
    fputc('\n', f);
    free(clean);
}

/* "ippm 0.1.0, catalogue 0123456789abcdef (139 cases), reflector stateful
 * (inferred from the replies)". The command line is the one just typed,
 * so only the files carry it. */
/* see report.h */
void ippm_report_put_wrapped(FILE *f, size_t first, const char *text,
                             size_t indent)
{
    put_spaces(f, first);
    put_wrapped(f, text, first, indent);
}

static void print_meta(FILE *f, const struct ippm_report *r)
{
    struct ippm_report_meta m;
    ippm_report_meta(r, &m);
    char line[256];
    int n = snprintf(line, sizeof line, "ippm %s, catalogue %s (%zu cases)",
                     m.ippm_version, m.catalogue_version, m.catalogue_cases);
    if (m.reflector_mode && n >= 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, ", reflector %s%s%s%s",
                 m.reflector_mode, m.reflector_mode_how ? " (" : "",
                 m.reflector_mode_how ? m.reflector_mode_how : "",
                 m.reflector_mode_how ? ")" : "");
    put_wrapped(f, line, 0, 4);
}

/* How many n/a cases give the reason case i gives, when i is the first to
 * give it; 0 otherwise (so each reason counts once). */
static size_t na_reason_count(const struct ippm_report *r, size_t i)
{
    if (r->res[i].verdict != IPPM_NA)
        return 0;
    size_t count = 0;
    for (size_t j = 0; j < r->n; j++) {
        if (r->res[j].verdict != IPPM_NA ||
            strcmp(r->res[j].detail, r->res[i].detail) != 0)
            continue;
        if (j < i)
            return 0;
        count++;
    }
    return count;
}

/* After the table, when the n/a cases are too many to explain one by one:
 * each distinct reason once with how many cases give it, most frequent
 * first (ties in catalogue order), at most NA_REASONS_MAX. Picks the next
 * reason each round rather than sorting, so nothing is allocated. */
static void print_na_reasons(FILE *f, const struct ippm_report *r, size_t na)
{
    fprintf(f, "n/a: %zu cases, for these reasons (-v: each case's):\n", na);
    size_t distinct = 0;
    for (size_t i = 0; i < r->n; i++)
        distinct += na_reason_count(r, i) > 0;
    size_t prev = SIZE_MAX, prev_count = SIZE_MAX, shown = 0;
    for (; shown < NA_REASONS_MAX && shown < distinct; shown++) {
        size_t best = SIZE_MAX, best_count = 0;
        for (size_t i = 0; i < r->n; i++) {
            size_t count = na_reason_count(r, i);
            bool after_prev =
                count < prev_count || (count == prev_count && i > prev);
            if (count && after_prev && count > best_count)
                best = i, best_count = count;
        }
        char head[32];
        int w = snprintf(head, sizeof head, "%5zu  ", best_count);
        fputs(head, f);
        put_wrapped(f, r->res[best].detail, (size_t)w, (size_t)w);
        prev = best;
        prev_count = best_count;
    }
    if (distinct > shown)
        fprintf(f, "       and %zu more reasons\n", distinct - shown);
}

/* Before row i, the head of the flow graded apart whose rows start
 * there: which flow, its ends and how much it carried. */
static void print_flow_head(FILE *f, const struct ippm_report *r, size_t i)
{
    for (size_t k = 0; k < r->n_flows; k++) {
        const struct ippm_report_flow *fl = &r->flows[k];
        if (!fl->n_rows || fl->first_row != i)
            continue;
        char line[256];
        snprintf(line, sizeof line,
                 "-- flow %zu of %zu: %s -> %s, %llu requests, %llu "
                 "replies",
                 k + 1, r->n_flows, fl->sender, fl->reflector,
                 (unsigned long long)fl->requests,
                 (unsigned long long)fl->replies);
        put_wrapped(f, line, 0, 3);
    }
}

/* see report.h */
void ippm_report_print(FILE *f, const struct ippm_report *r)
{
    /* The level column fits "SHOULD" and its gap (8); wider only when an
     * "ADVISORY" row needs it. */
    size_t w_id = 0, w_sec = 0, w_lvl = 8, na = 0;
    for (size_t i = 0; i < r->n; i++) {
        size_t a = utf8_width(r->res[i].c->id);
        size_t b = utf8_width(r->res[i].c->section);
        size_t l = strlen(ippm_level_str(r->res[i].c->level)) + 2;
        w_id = a > w_id ? a : w_id;
        w_sec = b > w_sec && b <= SECTION_COLUMNS ? b : w_sec;
        w_lvl = l > w_lvl ? l : w_lvl;
        na += r->res[i].verdict == IPPM_NA;
    }
    bool na_inline = r->verbose || na <= NA_INLINE_MAX;
    /* A file name stays whole, to be copied, however long; a byte that
     * is not UTF-8 or a control in it is shown as U+FFFD. */
    if (r->suite || r->target) {
        char *suite = ippm_text_dup(r->suite),
             *target = ippm_text_dup(r->target);
        fprintf(f, "%s%s%s\n", suite ? suite : "",
                r->suite && r->target ? ": " : "", target ? target : "");
        free(suite);
        free(target);
    }
    print_meta(f, r);
    size_t title_col = w_id + 2 + w_sec + 2 + w_lvl + 6;
    for (size_t i = 0; i < r->n; i++) {
        const struct ippm_case_result *x = &r->res[i];
        enum ippm_shown v = ippm_report_verdict(x, r->strict);
        print_flow_head(f, r, i);
        put_padded(f, x->c->id, w_id + 2);
        size_t w = utf8_width(x->c->section);
        put_padded(f, x->c->section, (w > w_sec ? w : w_sec) + 2);
        put_padded(f, ippm_level_str(x->c->level), w_lvl);
        if (w > w_sec) { /* a long section: the title under its column */
            fprintf(f, "%s\n", ippm_shown_str(v));
            put_spaces(f, title_col);
        } else {
            put_padded(f, ippm_shown_str(v), 6);
        }
        put_wrapped(f, x->c->title, title_col, title_col);
        if (v == IPPM_SHOWN_FAIL || v == IPPM_SHOWN_WARN ||
            (v == IPPM_SHOWN_NA && na_inline)) {
            put_spaces(f, 4);
            put_wrapped(f, x->detail, 4, 4);
        }
    }
    if (!na_inline)
        print_na_reasons(f, r, na);
    ippm_report_print_totals(f, r);
}

/* ---- JSON ---- */

static json_t *jstr(const char *s)
{
    /* Not UTF-8 (a peer's bytes in a detail, a file name): U+FFFD for each
     * octet that is not, as the other writers do. */
    char *clean = ippm_utf8_dup(s);
    json_t *j = clean ? json_string(clean) : NULL;
    free(clean);
    return j ? j : json_string("(out of memory)");
}

/* see report.h */
void ippm_report_iso8601(uint64_t ns, char *buf, size_t len)
{
    time_t s = (time_t)(ns / 1000000000u);
    struct tm tm;
    if (!gmtime_r(&s, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, len, "1970-01-01T00:00:00Z");
}

/* What both reports head with: r's totals, and its start as ISO 8601. */
static void report_head(const struct ippm_report *r,
                        struct ippm_report_totals *t, char *when, size_t len)
{
    ippm_report_totals(r, t);
    ippm_report_iso8601(r->start_ns, when, len);
}

static int fill_json(FILE *f, void *arg)
{
    const struct ippm_report *r = arg;
    struct ippm_report_totals t;
    char when[32];
    report_head(r, &t, when, sizeof when);

    json_t *root = json_object();
    json_t *cases = json_array();
    if (!root || !cases) {
        json_decref(root);
        json_decref(cases);
        errno = ENOMEM;
        return -1;
    }
    struct ippm_report_meta m;
    ippm_report_meta(r, &m);
    json_object_set_new(root, "schema_version",
                        json_integer(IPPM_REPORT_SCHEMA_VERSION));
    json_object_set_new(root, "ippm_version", jstr(m.ippm_version));
    json_object_set_new(root, "command_line", jstr(m.command_line));
    json_object_set_new(root, "catalogue",
                        json_pack("{s:s,s:I}", "version", m.catalogue_version,
                                  "cases", (json_int_t)m.catalogue_cases));
    if (m.reflector_mode)
        json_object_set_new(
            root, "reflector",
            json_pack("{s:s,s:s}", "mode", m.reflector_mode, "how",
                      m.reflector_mode_how ? m.reflector_mode_how : "unknown"));
    json_object_set_new(root, "suite", jstr(r->suite));
    json_object_set_new(root, "target", jstr(r->target));
    json_object_set_new(root, "start", jstr(when));
    json_object_set_new(root, "start_ns",
                        json_integer((json_int_t)r->start_ns));
    json_object_set_new(root, "duration_s",
                        json_real((double)r->duration_ns / 1e9));
    json_object_set_new(root, "strict", json_boolean(r->strict));
    if (r->graded_nothing)
        json_object_set_new(root, "graded_nothing", json_true());
    if (r->interrupted)
        json_object_set_new(root, "interrupted", json_true());
    if (r->n_flows) {
        json_t *fl = json_array();
        for (size_t i = 0; fl && i < r->n_flows; i++)
            json_array_append_new(
                fl, json_pack("{s:s,s:s,s:I,s:I}", "sender",
                              r->flows[i].sender, "reflector",
                              r->flows[i].reflector, "requests",
                              (json_int_t)r->flows[i].requests, "replies",
                              (json_int_t)r->flows[i].replies));
        json_object_set_new(root, "flows", fl);
    }
    json_object_set_new(
        root, "result",
        jstr(ippm_report_exit_status(r) == IPPM_EXIT_OK ? "pass" : "fail"));
    json_object_set_new(root, "totals",
                        json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
                                  "cases",
                                  (json_int_t)r->n, "pass", (json_int_t)t.pass,
                                  "fail", (json_int_t)t.fail, "warn",
                                  (json_int_t)t.warn, "na", (json_int_t)t.na,
                                  "must_fail", (json_int_t)t.must_fail,
                                  "should_fail", (json_int_t)t.should_fail,
                                  "may_fail", (json_int_t)t.may_fail,
                                  "advisory_fail",
                                  (json_int_t)t.advisory_fail));
    for (size_t i = 0; i < r->n; i++) {
        const struct ippm_case_result *x = &r->res[i];
        json_t *c = json_object();
        if (!c)
            continue;
        json_object_set_new(c, "id", jstr(x->c->id));
        json_object_set_new(c, "section", jstr(x->c->section));
        json_object_set_new(c, "level", jstr(ippm_level_str(x->c->level)));
        json_object_set_new(c, "role", jstr(ippm_role_str(x->c->role)));
        json_object_set_new(c, "title", jstr(x->c->title));
        json_object_set_new(c, "quote", jstr(x->c->quote));
        enum ippm_shown v = ippm_report_verdict(x, r->strict);
        json_object_set_new(c, "verdict", jstr(ippm_shown_str(v)));
        json_object_set_new(c, "fails_run", json_boolean(v == IPPM_SHOWN_FAIL));
        json_object_set_new(c, "detail", jstr(x->detail));
        json_array_append_new(cases, c);
    }
    json_object_set_new(root, "cases", cases);
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(root);
    if (rc == 0 && fputc('\n', f) == EOF)
        rc = -1;
    return rc;
}

/* see report.h */
int ippm_report_write_json(const char *path, const struct ippm_report *r)
{
    return ippm_atomic_write(path, fill_json, (void *)r);
}

/* ---- JUnit XML ----
 * Valid against the Jenkins xUnit plugin's junit-10.xsd (conformance/
 * schema/junit-10.xsd; test junit_schema): <testsuites> carries no
 * skipped count and a <testcase> no <properties>, so a case's verdict,
 * level, role and requirement text go into its <system-out>.
 * The shown verdict maps to JUnit as: fail -> <failure>, n/a ->
 * <skipped>, pass and warn -> a passed testcase. A warn does not fail the
 * run, so a CI consumer (Jenkins, GitLab) must not count it failed, and
 * <skipped> would hide it among the cases not graded; its <system-out>
 * opens with "verdict: warn" and the suite's "warn" property counts them. */

static void junit_property_put(FILE *f, const char *name, const char *value)
{
    if (!value)
        return;
    fprintf(f, "      <property name=\"%s\" value=\"", name);
    ippm_xml_put(f, value);
    fputs("\"/>\n", f);
}

/* The run metadata as <testsuite> properties (JSON's names). */
static void junit_meta_put(FILE *f, const struct ippm_report *r)
{
    struct ippm_report_meta m;
    ippm_report_meta(r, &m);
    junit_property_put(f, "ippm_version", m.ippm_version);
    junit_property_put(f, "command_line", m.command_line);
    junit_property_put(f, "catalogue_version", m.catalogue_version);
    junit_property_put(f, "reflector_mode", m.reflector_mode);
    junit_property_put(f, "reflector_mode_how", m.reflector_mode_how);
    /* The flows graded, as JSON lists them: flow.1, flow.2, ... */
    for (size_t i = 0; i < r->n_flows; i++) {
        char name[32], value[160];
        const struct ippm_report_flow *fl = &r->flows[i];
        snprintf(name, sizeof name, "flow.%zu", i + 1);
        snprintf(value, sizeof value, "%s -> %s (%llu requests, %llu replies)",
                 fl->sender, fl->reflector, (unsigned long long)fl->requests,
                 (unsigned long long)fl->replies);
        junit_property_put(f, name, value);
    }
}

static int fill_junit(FILE *f, void *arg)
{
    const struct ippm_report *r = arg;
    struct ippm_report_totals t;
    char when[32];
    report_head(r, &t, when, sizeof when);
    const char *suite = r->suite ? r->suite : "ippm";
    char host[256];
    if (gethostname(host, sizeof host) != 0 || !host[0])
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';

    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<testsuites name=\"");
    ippm_xml_put(f, suite);
    fprintf(f,
            "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
            "time=\"%.3f\">\n",
            r->n, t.fail, (double)r->duration_ns / 1e9);
    fputs("  <testsuite name=\"", f);
    ippm_xml_put(f, suite);
    fprintf(f,
            "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" errors=\"0\" "
            "timestamp=\"%s\" time=\"%.3f\" id=\"0\" package=\"ippm\" "
            "hostname=\"",
            r->n, t.fail, t.na, when, (double)r->duration_ns / 1e9);
    ippm_xml_put(f, host);
    fputs("\">\n", f);
    fputs("    <properties>\n", f);
    junit_meta_put(f, r);
    fputs("      <property name=\"target\" value=\"", f);
    ippm_xml_put(f, r->target);
    fprintf(f,
            "\"/>\n      <property name=\"strict\" value=\"%s\"/>\n"
            "      <property name=\"warn\" value=\"%zu\"/>\n",
            r->strict ? "true" : "false", t.warn);
    if (r->interrupted)
        fputs("      <property name=\"interrupted\" value=\"true\"/>\n", f);
    fputs("    </properties>\n", f);
    for (size_t i = 0; i < r->n; i++) {
        const struct ippm_case_result *x = &r->res[i];
        fputs("    <testcase name=\"", f);
        ippm_xml_put(f, x->c->id);
        fputs(": ", f);
        ippm_xml_put(f, x->c->title);
        fputs("\" classname=\"", f);
        ippm_xml_put(f, x->c->section);
        fputs("\" time=\"0\">\n", f);
        enum ippm_shown v = ippm_report_verdict(x, r->strict);
        if (v == IPPM_SHOWN_FAIL) {
            fputs("      <failure message=\"", f);
            ippm_xml_put(f, x->detail);
            fprintf(f, "\" type=\"%s\">", ippm_level_str(x->c->level));
            ippm_xml_put(f, x->detail);
            fputs("</failure>\n", f);
        } else if (v == IPPM_SHOWN_NA) {
            fputs("      <skipped message=\"", f);
            ippm_xml_put(f, x->detail);
            fputs("\"/>\n", f);
        }
        fprintf(f,
                "      <system-out>verdict: %s&#10;level: %s&#10;role: "
                "%s&#10;quote: ",
                ippm_shown_str(v), ippm_level_str(x->c->level),
                ippm_role_str(x->c->role));
        ippm_xml_put(f, x->c->quote);
        if (x->detail[0]) {
            fputs(v == IPPM_SHOWN_WARN
                      ? "&#10;warning (does not fail the run): "
                      : "&#10;detail: ",
                  f);
            ippm_xml_put(f, x->detail);
        }
        fputs("</system-out>\n", f);
        fputs("    </testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    return ferror(f) ? -1 : 0;
}

/* see report.h */
int ippm_report_write_junit(const char *path, const struct ippm_report *r)
{
    return ippm_atomic_write(path, fill_junit, (void *)r);
}
