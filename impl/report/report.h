/* Report writers for conformance verdicts: the terminal table, JSON and
 * JUnit XML. Used by `ippm conform` and `ippm pcap check` alike; every
 * protocol's cases go through here unchanged. Files are written whole or
 * not at all (atomic_file.h). */
#ifndef IPPM_REPORT_H
#define IPPM_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conformance/ippm_conform.h"

/* One flow a capture's grading covered (ippm pcap check). */
struct ippm_report_flow {
    const char *sender;     /* "192.0.2.10:40000" */
    const char *reflector;  /* "192.0.2.20:862" */
    uint64_t requests, replies;
    /* Graded apart from the other flows: its rows of res (n_rows 0: the
     * flows were graded together). The text table heads them. */
    size_t first_row, n_rows;
};

struct ippm_report {
    const char *suite;      /* "stamp-reflector", "stamp-sender", "pcap" */
    const char *target;     /* "127.0.0.1:862", a file name */
    const struct ippm_case_result *res;
    size_t n;
    uint64_t start_ns;      /* Unix ns */
    uint64_t duration_ns;
    bool strict;            /* SHOULD failures fail the run */
    /* Run metadata, each optional (NULL: not known, left out of the
     * reports). The writers add the ippm and catalogue versions. */
    const char *command_line;       /* NULL: this process's own */
    const char *reflector_mode;     /* "stateful", "stateless" */
    const char *reflector_mode_how; /* "configured", "inferred from ..." */
    bool verbose; /* the table gives every n/a case's reason */
    bool graded_nothing;    /* no exchange graded: IPPM_EXIT_NOTHING */
    /* Stopped by a signal: the verdicts are of what came before it; the
     * caller exits IPPM_EXIT_INTERRUPTED. */
    bool interrupted;
    const struct ippm_report_flow *flows; /* graded; JSON "flows" when n */
    size_t n_flows;
};

/* The JSON report's "schema_version": conformance/schema/
 * ippm-report.schema.json describes it. Raised when a field changes
 * meaning or goes away; a new optional field keeps it. */
#define IPPM_REPORT_SCHEMA_VERSION 1

/* Fills r's reflector mode from the observation it graded
 * (ippm_obs_reflector_mode; unknown for a sender). */
void ippm_report_set_obs(struct ippm_report *r, const struct ippm_obs *obs);

/* What every report records about the run besides its verdicts. */
struct ippm_report_meta {
    const char *ippm_version;       /* "0.1.0" */
    char command_line[1024];        /* the arguments, shell-quoted */
    char catalogue_version[17];     /* ippm_catalogue_version(), 16 hex */
    size_t catalogue_cases;         /* cases in the whole catalogue */
    const char *reflector_mode;     /* NULL: unknown */
    const char *reflector_mode_how; /* NULL: unknown */
};

void ippm_report_meta(const struct ippm_report *r, struct ippm_report_meta *m);

/* The verdict every report shows for a case: the terminal table, JSON,
 * JUnit and HTML all name it with ippm_report_verdict(), so they never
 * disagree.
 *   pass  graded, and the requirement holds
 *   fail  the requirement does not hold and that fails the run: a MUST,
 *         or with strict a SHOULD or an ADVISORY (ippm_result_fails_run)
 *   warn  the requirement does not hold but that does not fail the run:
 *         a SHOULD or an ADVISORY without strict, a MAY
 *   n/a   not graded; the detail says why */
enum ippm_shown {
    IPPM_SHOWN_PASS,
    IPPM_SHOWN_FAIL,
    IPPM_SHOWN_WARN,
    IPPM_SHOWN_NA,
};

enum ippm_shown ippm_report_verdict(const struct ippm_case_result *x,
                                    bool strict);
const char *ippm_shown_str(enum ippm_shown v); /* "pass" "fail" "warn" "n/a" */

/* pass + fail + warn + na == the number of cases, each counted by its
 * shown verdict. must_fail, should_fail, may_fail and advisory_fail count
 * the cases whose requirement does not hold (fail and warn), by level. */
struct ippm_report_totals {
    size_t pass, fail, warn, na, must_fail, should_fail, may_fail;
    size_t advisory_fail;
};

void ippm_report_totals(const struct ippm_report *r,
                        struct ippm_report_totals *t);

/* One row per case: ID, section, level, verdict, title; under a fail or
 * warn the observed-vs-expected detail, under an n/a its reason (when
 * more than a dozen are n/a and not verbose, their distinct reasons after
 * the table instead); then a totals line. Lines stay under 100 columns:
 * long titles, details and sections wrap. */
void ippm_report_print(FILE *f, const struct ippm_report *r);

/* The totals line alone: "N cases: P pass, F fail, W warn, X n/a (not met:
 * M MUST, S SHOULD, Y MAY) -> PASS|FAIL", "-> PASS so far (INTERRUPTED)"
 * when interrupted. */
void ippm_report_print_totals(FILE *f, const struct ippm_report *r);

/* One line of the terminal's text from column first, wrapped as the table
 * wraps (under 100 columns, continuation lines indented by indent),
 * without control characters; ends the line. */
void ippm_report_put_wrapped(FILE *f, size_t first, const char *text,
                             size_t indent);

/* Returns 0, or -1 with errno set. */
int ippm_report_write_json(const char *path, const struct ippm_report *r);
int ippm_report_write_junit(const char *path, const struct ippm_report *r);

/* IPPM_EXIT_OK, or IPPM_EXIT_FAIL when a MUST failed (any failure when
 * strict), or IPPM_EXIT_NOTHING when graded_nothing. */
int ippm_report_exit_status(const struct ippm_report *r);

/* Unix ns as ISO 8601 UTC to the second ("2026-12-06T08:53:19Z"), as every
 * report heads with its start. */
void ippm_report_iso8601(uint64_t ns, char *buf, size_t len);

#endif
