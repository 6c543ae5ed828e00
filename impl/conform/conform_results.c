/* What every `ippm conform` run ends with, whatever its target: the
 * catalogue run over an observation, the verdicts printed and written
 * (terminal, JSON, JUnit, HTML), and the capture corpora replayed after a
 * self-run. Split from cmd_conform.c, which parses and dispatches. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conformance/ippm_conform.h"
#include "impl/commands.h"
#include "impl/capture/pcap_read.h"
#include "impl/conform/conform_cmd.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/core/net.h"
#include "impl/report/html_report.h"
#include "impl/report/report.h"

#ifdef IPPM_SOURCE_DIR
#define IPPM_SOURCE_DIR_SLASH IPPM_SOURCE_DIR "/"
#else
#define IPPM_SOURCE_DIR_SLASH ""
#endif

/* True, after one line on stderr, when no case of res (n) passed or
 * failed: the run graded no exchange. */
static bool graded_nothing(const struct ippm_case_result *res, size_t n,
                           size_t n_ex)
{
    for (size_t i = 0; i < n; i++)
        if (res[i].verdict != IPPM_NA)
            return false;
    ippm_cli_error("conform: nothing graded: every case is n/a (%zu "
                   "exchanges observed, none the catalogue could grade)",
                   n_ex);
    return true;
}

/* see conform_cmd.h */
int conform_report_results(const struct conform_opts *o, const char *suite,
                           const char *target, uint64_t start_ns,
                           const struct ippm_case_result *res, size_t n,
                           const struct ippm_exchange *ex, size_t n_ex,
                           const struct ippm_obs *graded)
{
    struct ippm_report r = {
        .suite = suite,
        .target = target,
        .res = res,
        .n = n,
        .start_ns = start_ns,
        .duration_ns = ippm_clock_realtime() - start_ns,
        .strict = o->strict,
        .verbose = o->verbose,
        .graded_nothing = graded_nothing(res, n, n_ex),
        .interrupted = ippm_net_stopping(),
    };
    if (graded)
        ippm_report_set_obs(&r, graded);
    ippm_report_print(stdout, &r);
    fflush(stdout);
    int status = ippm_report_exit_status(&r);
    if (r.interrupted) {
        ippm_cli_error("conform: interrupted: the report grades the %zu "
                       "exchanges observed before the signal",
                       n_ex);
        status = IPPM_EXIT_INTERRUPTED;
    }
    if (o->json && ippm_report_write_json(o->json, &r) != 0) {
        ippm_cli_error("--json: cannot write %s: %s", o->json,
                       strerror(errno));
        status = IPPM_EXIT_RUNTIME;
    }
    if (o->junit && ippm_report_write_junit(o->junit, &r) != 0) {
        ippm_cli_error("--junit: cannot write %s: %s", o->junit,
                       strerror(errno));
        status = IPPM_EXIT_RUNTIME;
    }
    if (o->html && ippm_html_write_verdicts(o->html, "ippm conform", &r, ex,
                                            n_ex, IPPM_PROBE_STAMP_BASE,
                                            "round-trip time (ms)") != 0) {
        ippm_cli_error("--html: cannot write %s: %s", o->html, strerror(errno));
        status = IPPM_EXIT_RUNTIME;
    }
    return status;
}

/* see conform_cmd.h */
struct ippm_case_result *conform_run_catalogue(const struct ippm_obs *obs,
                                               const struct conform_opts *o,
                                               const char *suite, size_t *n,
                                               int *status)
{
    size_t n_cat;
    ippm_catalogue(&n_cat);
    struct ippm_case_result *res = calloc(n_cat ? n_cat : 1, sizeof *res);
    if (!res) {
        ippm_cli_error("conform: out of memory");
        *status = IPPM_EXIT_RUNTIME;
        return NULL;
    }
    /* --path: the declared rewrites, whoever built the observation. */
    struct ippm_obs graded = *obs;
    graded.path_flags |= o->path_flags;
    graded.sender_defaults |= o->sender_defaults;
    if (o->n_ssid_set) {
        graded.ssid_set = o->ssid_set;
        graded.n_ssid_set = o->n_ssid_set;
    }
    *n = ippm_catalogue_run(&graded, conform_default_only(&graded, o->only),
                            res, n_cat);
    if (*n == 0 && o->only && suite) {
        ippm_cli_error("--only: no %s case matches '%s'", suite, o->only);
        free(res);
        *status = IPPM_EXIT_USAGE;
        return NULL;
    }
    return res;
}

/* The capture corpus, after the live run (pcap_read.h). Only a failed
 * expectation fails `ippm conform`; an absent corpus is reported and
 * skipped, an unreadable capture is a runtime error. */
/* Where the corpus is when --pcap-manifest is not given: the current
 * directory (a checkout), the tree ippm was built from, the package. */
static const char *find_manifest(const char *rel, char *buf, size_t cap)
{
    const char *const where[] = {"", IPPM_SOURCE_DIR_SLASH,
                                 "/usr/share/ippm/"};
    for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
        snprintf(buf, cap, "%s%s", where[i], rel);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    return rel;
}

/* One corpus: its MANIFEST at m. */
static int run_one_corpus(const char *m)
{
    if (access(m, R_OK) != 0) {
        printf("\npcap corpus: %s not found; skipped (--pcap-manifest)\n", m);
        return IPPM_EXIT_OK;
    }
    printf("\npcap corpus: %s\n", m);
    fflush(stdout);
    return ippm_pcap_check_manifest(m);
}

/* The corpora replayed when no --pcap-manifest names one, in order. */
static const char *const default_manifests[] = {
    "pcaps/stamp/MANIFEST",
    "pcaps/twamp/MANIFEST",  /* TWAMP Light */
    "pcaps/rmbt/MANIFEST",   /* the RMBT UDP ping */
    "pcaps/udping/MANIFEST", /* UDPing */
    "pcaps/owtw/MANIFEST",   /* OWAMP and TWAMP control and test */
    "pcaps/reference/MANIFEST", /* the real programs' captures */
    "pcaps/interop/MANIFEST", /* ippm against real peers */
};

/* see conform_cmd.h */
int conform_run_pcap_corpus(const struct conform_opts *o)
{
    if (o->no_pcap)
        return IPPM_EXIT_OK;
    if (o->manifest)
        return run_one_corpus(o->manifest);
    int rc = IPPM_EXIT_OK;
    for (size_t i = 0; i < sizeof default_manifests / sizeof *default_manifests &&
                       !ippm_net_stopping();
         i++) {
        char buf[512];
        int one = run_one_corpus(find_manifest(default_manifests[i], buf,
                                               sizeof buf));
        rc = rc != IPPM_EXIT_OK ? rc : one;
    }
    return rc;
}
