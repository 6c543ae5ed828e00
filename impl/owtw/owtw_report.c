#include "owtw_report.h"

#include <errno.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/core/atomic_file.h"
#include "impl/core/cli.h"
#include "impl/report/report.h"

/* see owtw_report.h */
void owtw_report_sid_hex(const uint8_t sid[16], char buf[33])
{
    for (int i = 0; i < 16; i++)
        snprintf(buf + 2 * i, 3, "%02x", sid[i]);
}

/* see owtw_report.h */
void owtw_report_print(FILE *f, const struct owtw_report *r)
{
    char sid[33], when[32];
    owtw_report_sid_hex(r->sid, sid);
    ippm_report_iso8601(r->start_ns, when, sizeof(when));
    fprintf(f, "--- %s statistics from %s to %s ---\n", r->header, r->from,
            r->to);
    fprintf(f, "SID:\t%s\nmode:\t%s\nstart:\t%s\n", sid, r->mode, when);
    for (size_t i = 0; i < r->n_ways; i++) {
        if (r->n_ways > 1)
            fprintf(f, "%s:\n", r->way[i]->name);
        owtw_way_print(f, r->way[i], r->what[i], r->histogram);
    }
}

/* see owtw_report.h */
json_t *owtw_report_json(const struct owtw_report *r)
{
    char sid[33], when[32];
    owtw_report_sid_hex(r->sid, sid);
    ippm_report_iso8601(r->start_ns, when, sizeof(when));
    json_t *ways = json_array();
    for (size_t i = 0; ways && i < r->n_ways; i++)
        json_array_append_new(ways, owtw_way_json(r->way[i]));
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
                          "schema_version", OWTW_REPORT_SCHEMA_VERSION,
                          "ippm_version", IPPM_VERSION, "command", r->prog,
                          "from", r->from, "to", r->to, "sid", sid, "mode",
                          r->mode, "start", when, "directions", ways);
    if (o && r->packets)
        json_object_set(o, "packets", r->packets);
    return o;
}

static int fill_json(FILE *f, void *arg)
{
    return json_dumpf(arg, f, JSON_INDENT(2)) == 0 && fputc('\n', f) != EOF
               ? 0
               : -1;
}

/* see owtw_report.h */
int owtw_report_write_json(const char *path, const struct owtw_report *r)
{
    json_t *o = owtw_report_json(r);
    int rc = o ? ippm_atomic_write(path, fill_json, o) : -1;
    json_decref(o);
    if (rc != 0) {
        ippm_cli_error("--json: cannot write '%s': %s", path,
                       o ? strerror(errno) : "cannot build JSON");
        return IPPM_EXIT_RUNTIME;
    }
    return IPPM_EXIT_OK;
}

/* see owtw_report.h */
int owtw_report_write_html(const char *path, const struct owtw_report *r,
                           const struct ippm_series *rtt,
                           const struct ippm_series *fwd,
                           const struct ippm_series *bwd)
{
    char sid[33], when[32], title[256], sent[32], lost[32];
    owtw_report_sid_hex(r->sid, sid);
    ippm_report_iso8601(r->start_ns, when, sizeof(when));
    snprintf(title, sizeof(title), "ippm %s: %s to %s", r->prog, r->from,
             r->to);
    const struct owtw_way *w0 = r->n_ways ? r->way[0] : NULL;
    snprintf(sent, sizeof(sent), "%llu",
             (unsigned long long)(w0 ? w0->sent : 0));
    snprintf(lost, sizeof(lost), "%llu",
             (unsigned long long)(w0 ? owtw_way_lost(w0) : 0));
    struct ippm_html_fact facts[] = {{"SID", sid}, {"mode", r->mode},
                                     {"start", when}, {"sent", sent},
                                     {"lost", lost}};
    struct ippm_html_plot plots[3];
    size_t np =
        ippm_html_standard_plots(plots, rtt, "round-trip time (ms)", fwd, bwd);
    struct ippm_html h = {title, NULL, facts, sizeof(facts) / sizeof(facts[0]),
                          NULL, plots, np, NULL};
    if (ippm_html_write(path, &h) != 0) {
        ippm_cli_error("--html: cannot write '%s': %s", path, strerror(errno));
        return IPPM_EXIT_RUNTIME;
    }
    return IPPM_EXIT_OK;
}
