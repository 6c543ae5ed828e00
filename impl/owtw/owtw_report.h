/* The results of a TWAMP or OWAMP client, as twping and owping print
 * them, and as --json, --jsonl and --html write them through the shared
 * writers (impl/report: atomic files, the summary object, the HTML page
 * with plots). One report per session; its directions are owtw_way. */
#ifndef IPPM_OWTW_REPORT_H
#define IPPM_OWTW_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "impl/core/net.h"
#include "impl/owtw/owtw_way.h"
#include "impl/report/html_report.h"

#define OWTW_REPORT_WAYS 3

/* The JSON report's "schema_version" (raised when a field changes
 * meaning or goes away). */
#define OWTW_REPORT_SCHEMA_VERSION 1

/* One session's report. */
struct owtw_report {
    const char *prog;       /* "twamp client" */
    const char *header;     /* "twping", "owping": the statistics line */
    char from[IPPM_ADDR_STRLEN], to[IPPM_ADDR_STRLEN];
    uint8_t sid[16];
    const char *mode;       /* "open", "auth", "encrypted", "mixed" */
    uint64_t start_ns;      /* the session's Start Time */
    const struct owtw_way *way[OWTW_REPORT_WAYS];
    const char *what[OWTW_REPORT_WAYS]; /* "round-trip time", ... */
    size_t n_ways;
    bool histogram;
    json_t *packets;        /* per-packet objects (--json), or NULL */
};

/* The text summary on f:
 *   --- twping statistics from 127.0.0.1:40123 to 127.0.0.1:862 ---
 *   SID:    7f000001eeb14c78...
 *   first:  2026-12-06T11:20:00Z
 *   then each way's owtw_way_print block under its name. */
void owtw_report_print(FILE *f, const struct owtw_report *r);

/* The report as JSON (a new reference; NULL on ENOMEM): prog, from, to,
 * sid, mode, start, one object per way, packets when given. */
json_t *owtw_report_json(const struct owtw_report *r);

/* --json FILE: the report, written whole or not at all. Returns the exit
 * status (IPPM_EXIT_RUNTIME after one line when it cannot be written). */
int owtw_report_write_json(const char *path, const struct owtw_report *r);

/* --html FILE: the page with the round trip over time and its CDF (rtt,
 * NULL for OWAMP) and the one-way delays over time (fwd: to the server,
 * bwd: from it; either may be NULL); ms by seconds since the start.
 * Returns the exit status. */
int owtw_report_write_html(const char *path, const struct owtw_report *r,
                           const struct ippm_series *rtt,
                           const struct ippm_series *fwd,
                           const struct ippm_series *bwd);

/* "7f000001eeb14c7832940357f9dafb18" into buf (33 octets). */
void owtw_report_sid_hex(const uint8_t sid[16], char buf[33]);

#endif
