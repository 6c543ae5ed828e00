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
};

struct ippm_report {
    const char *suite;      /* "stamp-reflector", "stamp-sender", "pcap" */
    const char *target;     /* "127.0.0.1:862", a file name */
    const struct ippm_case_result *res;
    size_t n;
    uint64_t start_ns;      /* Unix ns */
    uint64_t duration_ns;
    bool strict;            /* SHOULD failures fail the run */
    bool graded_nothing;    /* no exchange graded: IPPM_EXIT_NOTHING */
    const struct ippm_report_flow *flows; /* graded; JSON "flows" when n */
    size_t n_flows;
};

struct ippm_report_totals {
    size_t pass, fail, na, must_fail, should_fail, may_fail;
};

void ippm_report_totals(const struct ippm_report *r,
                        struct ippm_report_totals *t);

/* One line per case: ID, section, level, verdict, and on failure the
 * observed-vs-expected detail; then a totals line. */
void ippm_report_print(FILE *f, const struct ippm_report *r);

/* The totals line alone: "N cases: P pass, F fail[, W warn] (M MUST, S
 * SHOULD, Y MAY), X n/a -> PASS|FAIL". W counts failures that do not fail
 * the run (a SHOULD without strict, a MAY), shown as "warn". */
void ippm_report_print_totals(FILE *f, const struct ippm_report *r);

/* Returns 0, or -1 with errno set. */
int ippm_report_write_json(const char *path, const struct ippm_report *r);
int ippm_report_write_junit(const char *path, const struct ippm_report *r);

/* IPPM_EXIT_OK, or IPPM_EXIT_FAIL when a MUST failed (any failure when
 * strict), or IPPM_EXIT_NOTHING when graded_nothing. */
int ippm_report_exit_status(const struct ippm_report *r);

#endif
