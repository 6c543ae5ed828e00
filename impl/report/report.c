/* Report writers: terminal table, JSON (jansson), JUnit XML. Nothing here
 * knows a protocol: a case is an ID, a section, a level, a verdict. */
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "impl/core/atomic_file.h"
#include "impl/report/escape.h"
#include "impl/commands.h"

/* see report.h */
void ippm_report_totals(const struct ippm_report *r,
                        struct ippm_report_totals *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < r->n; i++) {
        const struct ippm_case_result *x = &r->res[i];
        switch (x->verdict) {
        case IPPM_PASS:
            t->pass++;
            break;
        case IPPM_NA:
            t->na++;
            break;
        case IPPM_FAIL:
            t->fail++;
            if (x->c->level == IPPM_MUST)
                t->must_fail++;
            else if (x->c->level == IPPM_SHOULD)
                t->should_fail++;
            else
                t->may_fail++;
            break;
        }
    }
}

/* see report.h */
int ippm_report_exit_status(const struct ippm_report *r)
{
    if (r->graded_nothing) /* never a pass, --strict or not */
        return IPPM_EXIT_NOTHING;
    for (size_t i = 0; i < r->n; i++)
        if (ippm_result_fails_run(&r->res[i], r->strict))
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
    size_t warn = 0;
    for (size_t i = 0; i < r->n; i++)
        warn += r->res[i].verdict == IPPM_FAIL &&
                !ippm_result_fails_run(&r->res[i], r->strict);
    char w[32] = "";
    if (warn)
        snprintf(w, sizeof w, ", %zu warn", warn);
    fprintf(f,
            "%zu cases: %zu pass, %zu fail%s (%zu MUST, %zu SHOULD, %zu MAY), "
            "%zu n/a%s -> %s\n",
            r->n, t.pass, t.fail - warn, w, t.must_fail, t.should_fail,
            t.may_fail, t.na, r->strict ? " [strict]" : "",
            r->graded_nothing                          ? "NOTHING GRADED"
            : ippm_report_exit_status(r) == IPPM_EXIT_OK ? "PASS"
                                                         : "FAIL");
}

/* see report.h */
void ippm_report_print(FILE *f, const struct ippm_report *r)
{
    size_t w_id = 0, w_sec = 0;
    for (size_t i = 0; i < r->n; i++) {
        size_t a = utf8_width(r->res[i].c->id);
        size_t b = utf8_width(r->res[i].c->section);
        w_id = a > w_id ? a : w_id;
        w_sec = b > w_sec ? b : w_sec;
    }
    if (r->suite || r->target)
        fprintf(f, "%s%s%s\n", r->suite ? r->suite : "",
                r->suite && r->target ? ": " : "",
                r->target ? r->target : "");
    for (size_t i = 0; i < r->n; i++) {
        const struct ippm_case_result *x = &r->res[i];
        put_padded(f, x->c->id, w_id + 2);
        put_padded(f, x->c->section, w_sec + 2);
        put_padded(f, ippm_level_str(x->c->level), 8);
        /* A failure that does not fail the run (a SHOULD without
         * --strict, a MAY) reads as a warning; JSON keeps "fail". */
        bool warn = x->verdict == IPPM_FAIL &&
                    !ippm_result_fails_run(x, r->strict);
        put_padded(f, warn ? "warn" : ippm_verdict_str(x->verdict), 6);
        fprintf(f, "%s\n", x->c->title);
        if (x->verdict == IPPM_FAIL)
            fprintf(f, "    %s\n", x->detail);
    }
    ippm_report_print_totals(f, r);
}

/* ---- JSON ---- */

static json_t *jstr(const char *s)
{
    json_t *j = json_string(s ? s : "");
    /* Not UTF-8 (a peer's bytes in a detail): keep the field, lose the text. */
    return j ? j : json_string("(not UTF-8)");
}

static void iso8601(uint64_t ns, char *buf, size_t len)
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
    iso8601(r->start_ns, when, len);
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
    json_object_set_new(
        root, "totals",
        json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "cases", (json_int_t)r->n,
                  "pass", (json_int_t)t.pass, "fail", (json_int_t)t.fail,
                  "na", (json_int_t)t.na, "must_fail",
                  (json_int_t)t.must_fail, "should_fail",
                  (json_int_t)t.should_fail, "may_fail",
                  (json_int_t)t.may_fail));
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
        json_object_set_new(c, "verdict", jstr(ippm_verdict_str(x->verdict)));
        json_object_set_new(c, "fails_run",
                            json_boolean(ippm_result_fails_run(x, r->strict)));
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
 * skipped count and a <testcase> no <properties>, so a case's level, role
 * and requirement text go into its <system-out>. */

static int fill_junit(FILE *f, void *arg)
{
    const struct ippm_report *r = arg;
    struct ippm_report_totals t;
    char when[32];
    report_head(r, &t, when, sizeof when);
    const char *suite = r->suite ? r->suite : "ippm";
    /* Only a failure that fails the run is a JUnit <failure>: a SHOULD
     * (without strict) or a MAY is a warning in <system-out>. */
    t.fail = 0;
    for (size_t i = 0; i < r->n; i++)
        t.fail += ippm_result_fails_run(&r->res[i], r->strict);
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
    fputs("    <properties>\n      <property name=\"target\" value=\"", f);
    ippm_xml_put(f, r->target);
    fprintf(f,
            "\"/>\n      <property name=\"strict\" value=\"%s\"/>\n"
            "    </properties>\n",
            r->strict ? "true" : "false");
    for (size_t i = 0; i < r->n; i++) {
        const struct ippm_case_result *x = &r->res[i];
        fputs("    <testcase name=\"", f);
        ippm_xml_put(f, x->c->id);
        fputs(": ", f);
        ippm_xml_put(f, x->c->title);
        fputs("\" classname=\"", f);
        ippm_xml_put(f, x->c->section);
        fputs("\" time=\"0\">\n", f);
        bool warn = x->verdict == IPPM_FAIL &&
                    !ippm_result_fails_run(x, r->strict);
        if (x->verdict == IPPM_FAIL && !warn) {
            fputs("      <failure message=\"", f);
            ippm_xml_put(f, x->detail);
            fprintf(f, "\" type=\"%s\">", ippm_level_str(x->c->level));
            ippm_xml_put(f, x->detail);
            fputs("</failure>\n", f);
        } else if (x->verdict == IPPM_NA) {
            fputs("      <skipped message=\"", f);
            ippm_xml_put(f, x->detail);
            fputs("\"/>\n", f);
        }
        fprintf(f, "      <system-out>level: %s&#10;role: %s&#10;quote: ",
                ippm_level_str(x->c->level), ippm_role_str(x->c->role));
        ippm_xml_put(f, x->c->quote);
        if (x->detail[0]) {
            fputs(warn ? "&#10;warning (does not fail the run): "
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
