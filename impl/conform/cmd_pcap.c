/* ippm pcap: grade a capture of STAMP traffic against the catalogue.
 *
 *   ippm pcap check FILE [--port PORT] [--auth-key-file FILE] [--auth]
 *                        [--role reflector|sender|both] [--stateful|--stateless]
 *                        [--clock-tolerance SECONDS] [--timestamp ntp|ptp]
 *                        [--only PREFIX] [--sender-defaults]
 *                        [--ssid-set N[,N]]
 *                        [--strict] [--junit FILE] [--json FILE]
 *                        [--html FILE] [--quiet] [-v|--verbose]
 *   ippm pcap check --manifest MANIFEST
 *   ippm pcap dump FILE [--port PORT] [--auth-key-file FILE] [--auth]
 *
 * check pairs requests (to the reflector port) with replies (from it) and
 * builds the same struct ippm_obs a live run builds; the catalogue grades
 * it. dump prints each STAMP datagram as decoded by proto/stamp, one JSON
 * object a line, for pcaps/interop/ to compare with other decoders.
 *
 * A capture is assumed taken at the Session-Reflector (or on loopback):
 * the IP TTL of a request in the file is the TTL the reflector saw. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "conformance/ippm_conform.h"
#include "conformance/stamp/stamp_flows.h"
#include "conformance/stamp/stamp_obs.h"
#include "conformance/stamp/stamp_pairing.h"
#include "proto/stamp/stamp.h"
#include "impl/core/cli.h"
#include "impl/commands.h"
#include "impl/core/crypto_openssl.h"
#include "impl/report/html_report.h"
#include "impl/core/keyfile.h"
#include "impl/core/net.h"
#include "impl/capture/pcap_read.h"
#include "impl/conform/cmd_pcap.h"
#include "impl/conform/cmd_pcap_owtw.h"
#include "impl/conform/cmd_pcap_rmbt.h"
#include "impl/conform/cmd_pcap_udping.h"
#include "impl/conform/conform_cmd.h"
#include "impl/report/report.h"

/* Default for --clock-tolerance: the capture clock and the reflector's
 * clock are the same host's on loopback, but a tap elsewhere is not. */
#define PCAP_CLOCK_TOLERANCE_NS (1000000000ull)

/* ---- options ---- */

enum {
    OPT_PORT = 1000, OPT_KEY, OPT_AUTH, OPT_ROLE, OPT_STATEFUL,
    OPT_STATELESS, OPT_TOL, OPT_ONLY, OPT_STRICT, OPT_JUNIT, OPT_JSON,
    OPT_MANIFEST, OPT_QUIET, OPT_TSFMT, OPT_HELP, OPT_HTML, OPT_VERBOSE,
    OPT_PATH, OPT_SENDER_DEFAULTS, OPT_SSID_SET, OPT_PROTOCOL, OPT_KEYS,
    OPT_SEED
};

static const struct option check_longopts[] = {
    {"port", required_argument, NULL, OPT_PORT},
    {"auth-key-file", required_argument, NULL, OPT_KEY},
    {"auth", no_argument, NULL, OPT_AUTH},
    {"role", required_argument, NULL, OPT_ROLE},
    {"stateful", no_argument, NULL, OPT_STATEFUL},
    {"stateless", no_argument, NULL, OPT_STATELESS},
    {"clock-tolerance", required_argument, NULL, OPT_TOL},
    {"timestamp", required_argument, NULL, OPT_TSFMT},
    {"only", required_argument, NULL, OPT_ONLY},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"json", required_argument, NULL, OPT_JSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"manifest", required_argument, NULL, OPT_MANIFEST},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"path", required_argument, NULL, OPT_PATH},
    {"sender-defaults", no_argument, NULL, OPT_SENDER_DEFAULTS},
    {"ssid-set", required_argument, NULL, OPT_SSID_SET},
    {"protocol", required_argument, NULL, OPT_PROTOCOL},
    {"keys", required_argument, NULL, OPT_KEYS},
    {"seed", required_argument, NULL, OPT_SEED},
    {NULL, 0, NULL, 0}
};

static void usage(FILE *f)
{
    fputs("usage: ippm pcap check FILE [options]   grade the STAMP exchanges "
          "in FILE\n"
          "       ippm pcap check --manifest MANIFEST  every capture a "
          "corpus lists\n"
          "       ippm pcap dump FILE [options]    each STAMP packet as a "
          "JSON line\n"
          "  --port PORT            the STAMP port (default: 862, and any "
          "UDP port\n"
          "                         whose traffic reads as STAMP)\n"
          "  --auth-key-file FILE   authenticated mode; check HMACs with "
          "this key\n"
          "  --auth                 authenticated mode without the key\n"
          "  --role reflector|sender|both   whose packets to grade "
          "(default both)\n"
          "  --stateful|--stateless the reflector's mode (default: "
          "inferred)\n"
          "  --clock-tolerance S    allowed offset between the clocks "
          "(default 1s)\n"
          "  --timestamp ntp|ptp    the timestamp format expected\n"
          "  --only PREFIX[,...]    grade only cases whose ID starts so\n"
          "  --strict               a SHOULD failure fails the run\n"
          "  --path nat,remark      the capture's path holds a NAT or "
          "remarks DSCP\n"
          "  --sender-defaults      the sender ran with no port and no "
          "format given\n"
          "  --ssid-set N[,N]       the SSIDs the reflector is provisioned "
          "with\n"
          "  --protocol stamp|twamp-light|udping|auto   the test packets "
          "(default "
          "auto:\n"
          "                         TWAMP-Light when short requests get "
          "41-octet\n"
          "                         replies; graded by the TWAMP-Test cases)\n"
          "  --keys FILE            OWAMP/TWAMP: `KEYID HEX-SECRET` lines, "
          "to decrypt\n"
          "                         and check modes A and E\n"
          "  --seed SECRET          RMBT UDP ping: the server's secret "
          "(repeat for\n"
          "                         several), to check the hashes\n"
          "  --junit FILE, --json FILE, --html FILE   write the results so\n"
          "  --manifest MANIFEST    check every capture the corpus lists "
          "against\n"
          "                         its expected verdicts\n"
          "  --quiet                no table, only the verdict\n"
          "  -v, --verbose          every n/a case's reason under it\n"
          "  --help                 this text\n"
          "Exit status: 0 every MUST passed (dump: written), 1 a MUST "
          "failed (or a\n"
          "SHOULD with --strict), 2 on a bad command line, 3 when the "
          "capture cannot\n"
          "be read, 4 nothing graded, 5 interrupted (SIGINT, SIGTERM).\n",
          f);
    ippm_cli_short_usage(f, check_longopts);
}

/* --only against the catalogue and the report paths, before the capture
 * is read: a typo fails at once, not after grading. 0, or -1 after one
 * line. */
static int check_before_grading(const struct check_opts *o)
{
    unsigned roles = (o->roles & ROLE_REFLECTOR ? 1u << IPPM_ROLE_REFLECTOR
                                                : 0) |
                     (o->roles & ROLE_SENDER ? 1u << IPPM_ROLE_SENDER : 0);
    const char *scope = o->roles == ROLE_BOTH        ? "stamp"
                        : o->roles == ROLE_REFLECTOR ? "stamp reflector"
                                                     : "stamp sender";
    const struct ippm_cli_output outs[] = {
        {"--json", o->json}, {"--junit", o->junit}, {"--html", o->html}};
    /* TWAMP-Light's cases are TWAMP's; auto takes --only's word. */
    bool twamp = o->proto == PCAP_PROTO_TWL ||
                 (o->proto == PCAP_PROTO_AUTO && o->only &&
                  strncasecmp(o->only, "TWAMP", 5) == 0);
    if (twamp)
        scope = "twamp";
    if (conform_check_only(o->only, twamp ? "twamp" : "stamp", roles,
                           scope) != 0 ||
        ippm_cli_outputs(outs, sizeof outs / sizeof outs[0]) != 0)
        return -1;
    return 0;
}

/* Parses argv (argv[0] the subcommand) into o. Returns 0, 1 after --help,
 * or -1 after one line on stderr. */
int parse_opts(int argc, char **argv, const char *prog,
               struct check_opts *o)
{
    memset(o, 0, sizeof *o);
    o->roles = ROLE_BOTH;
    o->stateful = -1;
    o->tol_ns = PCAP_CLOCK_TOLERANCE_NS;
    int c, first = 1;
    while ((c = ippm_cli_next(argc, argv, "v", check_longopts, prog, first)) !=
           -1) {
        first = 0;
        switch (c) {
        case OPT_PORT:
            if (ippm_cli_port("--port", optarg, &o->port) != 0)
                return -1;
            break;
        case OPT_KEY: o->key_file = optarg; o->auth = true; break;
        case OPT_AUTH: o->auth = true; break;
        case OPT_ROLE:
            if (strcmp(optarg, "reflector") == 0)
                o->roles = ROLE_REFLECTOR;
            else if (strcmp(optarg, "sender") == 0)
                o->roles = ROLE_SENDER;
            else if (strcmp(optarg, "both") == 0)
                o->roles = ROLE_BOTH;
            else {
                ippm_cli_error("--role: '%s' is not reflector, sender or "
                               "both", optarg);
                return -1;
            }
            break;
        case OPT_STATEFUL:
        case OPT_STATELESS:
            /* Contradicting modes: the last one must not silently win. */
            if (o->stateful == (c == OPT_STATELESS)) {
                ippm_cli_error("%s: --stateful and --stateless: give one",
                               prog);
                return -1;
            }
            o->stateful = c == OPT_STATEFUL;
            break;
        case OPT_TOL:
            if (ippm_cli_seconds("--clock-tolerance", optarg, 0, 86400,
                                 &o->tol_ns) != 0)
                return -1;
            o->tol_given = true;
            break;
        case OPT_TSFMT: {
            enum ippm_tsfmt fmt;
            if (ippm_cli_tsfmt("--timestamp", optarg, &fmt) != 0)
                return -1;
            o->expect_tsfmt = (uint8_t)(1 + fmt);
            break;
        }
        case OPT_ONLY: o->only = optarg; break;
        case OPT_STRICT: o->strict = true; break;
        case OPT_PATH:
            if (conform_path_parse("--path", optarg, &o->path_flags) != 0)
                return -1;
            break;
        case OPT_SENDER_DEFAULTS: o->sender_defaults = true; break;
        case OPT_KEYS: o->keys_file = optarg; break;
        case OPT_SEED:
            if (o->n_seed == PCAP_SEEDS_MAX || !*optarg) {
                ippm_cli_error("--seed: %s", *optarg ? "given too often"
                                                     : "an empty secret");
                return -1;
            }
            o->seed[o->n_seed++] = optarg;
            break;
        case OPT_SSID_SET:
            if (ippm_cli_u16_list("--ssid-set", optarg, 1, 65535, "an SSID",
                                  o->ssid_set, CONFORM_SSID_SET_MAX,
                                  &o->n_ssid_set) != 0)
                return -1;
            break;
        case OPT_PROTOCOL:
            if (strcmp(optarg, "stamp") == 0)
                o->proto = PCAP_PROTO_STAMP;
            else if (strcmp(optarg, "twamp-light") == 0)
                o->proto = PCAP_PROTO_TWL;
            else if (strcmp(optarg, "auto") == 0)
                o->proto = PCAP_PROTO_AUTO;
            else if (strcmp(optarg, "udping") == 0)
                o->proto = PCAP_PROTO_UDPING;
            else {
                ippm_cli_error("--protocol: '%s' is not stamp, twamp-light, "
                               "udping or auto", optarg);
                return -1;
            }
            break;
        case OPT_JUNIT: o->junit = optarg; break;
        case OPT_JSON: o->json = optarg; break;
        case OPT_HTML: o->html = optarg; break;
        case OPT_MANIFEST: o->manifest = optarg; break;
        case OPT_QUIET: o->quiet = true; break;
        case OPT_VERBOSE: case 'v': o->verbose = true; break;
        case OPT_HELP: usage(stdout); return 1;
        default: return -1;
        }
    }
    if (optind < argc)
        o->file = argv[optind++];
    if (optind < argc) {
        ippm_cli_error("%s: unexpected argument '%s'", prog, argv[optind]);
        return -1;
    }
    if (o->proto == PCAP_PROTO_TWL && o->auth) {
        ippm_cli_error("%s: --protocol twamp-light: unauthenticated only "
                       "(no key for TWAMP-Light's test packets yet)", prog);
        return -1;
    }
    if (o->file == NULL && o->manifest == NULL) {
        ippm_cli_error("%s: needs a capture FILE (see --help)", prog);
        return -1;
    }
    if (o->file != NULL && o->manifest != NULL) {
        ippm_cli_error("%s: give a FILE or --manifest, not both", prog);
        return -1;
    }
    /* A MANIFEST grades each capture by its own line and writes no
     * report: these would be ignored without a word. */
    const char *ignored = o->only    ? "--only"
                          : o->json  ? "--json"
                          : o->junit ? "--junit"
                          : o->html  ? "--html"
                          : o->strict ? "--strict"
                                      : NULL;
    if (o->manifest != NULL && access(o->manifest, R_OK) != 0) {
        ippm_cli_error("--manifest: cannot read '%s': %s", o->manifest,
                       strerror(errno));
        return -1;
    }
    if (o->manifest != NULL && ignored != NULL) {
        ippm_cli_error("%s: %s does nothing with --manifest (each MANIFEST "
                       "line gives its capture's options)",
                       prog, ignored);
        return -1;
    }
    return check_before_grading(o);
}

/* ---- pairing: conformance/stamp/stamp_pairing.h ---- */

struct pairing {
    struct ippm_exchange *ex;
    size_t n_ex;
    struct stamp_pairing_counts k;
};

/* Pairs the capture into p (p->ex malloc'd), through an index sized
 * from the number of requests (issue 10: a scan per reply was
 * quadratic). Returns 0, or -1 when out of memory. */
static int pair(const struct capture *c, uint16_t port, bool auth,
                struct pairing *p)
{
    memset(p, 0, sizeof *p);
    size_t nreq = stamp_pairing_count_requests(c->d, c->n, port);
    if (nreq >= UINT32_MAX || nreq > SIZE_MAX / 4 - 8)
        return -1;
    size_t n_slots = STAMP_PAIRING_INDEX_SLOTS(nreq);
    size_t n_flows = STAMP_PAIRING_INDEX_FLOWS(nreq);
    size_t n_next = STAMP_PAIRING_INDEX_NEXT(nreq);
    struct stamp_pairing_slot *slots = malloc(n_slots * sizeof *slots);
    struct stamp_pairing_flow *flows = malloc(n_flows * sizeof *flows);
    uint32_t *next = malloc((n_next ? n_next : 1) * sizeof *next);
    p->ex = calloc(nreq ? nreq : 1, sizeof *p->ex);
    enum stamp_mode mode = auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    struct stamp_pairing_index ix;
    int rc = -1;
    if (slots != NULL && flows != NULL && next != NULL && p->ex != NULL &&
        stamp_pairing_index_init(&ix, slots, n_slots, flows, n_flows, next,
                                 n_next, nreq, mode) == IPPM_OK &&
        stamp_pairing_run(c->d, c->n, port, &ix, p->ex, nreq, &p->n_ex,
                          &p->k) == IPPM_OK)
        rc = 0;
    free(slots);
    free(flows);
    free(next);
    if (rc != 0) {
        free(p->ex);
        p->ex = NULL;
    }
    return rc;
}

/* Orders p->ex flow by flow (stamp_flows_group) into a new array, and
 * lists the flows into *flows (malloc'd, *n_flows entries). Returns 0,
 * or -1 when out of memory (p untouched). */
static int group_flows(const struct capture *c, uint16_t port,
                       struct pairing *p, struct stamp_flow_group **flows,
                       size_t *n_flows)
{
    size_t n = p->n_ex ? p->n_ex : 1;
    if (n >= UINT32_MAX)
        return -1;
    struct ippm_exchange *g = calloc(n, sizeof *g);
    struct stamp_flow_group *f = calloc(n, sizeof *f);
    uint32_t *scratch = malloc(STAMP_FLOWS_SCRATCH(n) * sizeof *scratch);
    if (g == NULL || f == NULL || scratch == NULL ||
        stamp_flows_group(c->d, c->n, port, p->ex, p->n_ex, g, f, n,
                          n_flows, scratch,
                          STAMP_FLOWS_SCRATCH(n)) != IPPM_OK) {
        free(g);
        free(f);
        free(scratch);
        return -1;
    }
    free(scratch);
    free(p->ex);
    p->ex = g;
    *flows = f;
    return 0;
}

/* Room for "A -> B". */
#define FLOW_NAME_MAX (2 * IPPM_ADDR_STRLEN + 8)

/* "A -> B", for the flow from a to b, into out (cap octets). */
static void flow_name(const struct ippm_addr *a, const struct ippm_addr *b,
                      char *out, size_t cap)
{
    char x[IPPM_ADDR_STRLEN], y[IPPM_ADDR_STRLEN];
    snprintf(out, cap, "%s -> %s", ippm_addr_fmt(a, x, sizeof x),
             ippm_addr_fmt(b, y, sizeof y));
}

/* How many flows flows_seen names; the rest are counted. */
#define FLOWS_SEEN_MAX 6

/* Every UDP flow of c, the first few in full: "A -> B (3 datagrams,
 * 14-41 octets), ..." into out (cap octets). */
static void flows_seen(const struct capture *c, char *out, size_t cap)
{
    struct stamp_flow_seen s[FLOWS_SEEN_MAX];
    uint64_t more;
    size_t ns = stamp_flows_seen(c->d, c->n, s, FLOWS_SEEN_MAX, &more);
    out[0] = '\0';
    if (ns == 0) {
        snprintf(out, cap, c->counts.frames ? "none (no UDP datagram)"
                                            : "none (no frame: the file "
                                              "holds only its header)");
        return;
    }
    for (size_t j = 0; j < ns; j++) {
        char name[FLOW_NAME_MAX];
        flow_name(&s[j].src, &s[j].dst, name, sizeof name);
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%s (%llu datagram%s, %zu-%zu octets)",
                 j ? ", " : "", name, (unsigned long long)s[j].n,
                 s[j].n == 1 ? "" : "s", s[j].lo, s[j].hi);
    }
    if (more) {
        size_t l = strlen(out);
        snprintf(out + l, cap - l, ", and %llu datagrams of other flows",
                 (unsigned long long)more);
    }
}

/* The capture's last datagram: when it ended. */
static uint64_t capture_end_ns(const struct capture *c)
{
    uint64_t end = 0;
    for (size_t i = 0; i < c->n; i++)
        end = c->d[i].ts_ns > end ? c->d[i].ts_ns : end;
    return end;
}

/* ---- check ---- */

struct check_run {
    struct capture cap;
    struct pairing pr;
    struct stamp_flow_group *flows;
    size_t n_flows;
    size_t *flow_rows;      /* graded apart: flow i's rows of res start at
                               flow_rows[i], the next flow's at [i + 1] */
    size_t in_flight;       /* exchanges still in flight at the end */
    uint16_t port;
    bool port_default;      /* none detected: STAMP's default assumed */
    uint8_t key[IPPM_KEY_MAX];
    size_t key_len;
    struct ippm_crypto crypto;
    bool crypto_ok;
    struct ippm_case_result *res;
    size_t n_res;
    uint64_t start_ns, duration_ns;
    const char *refl_mode, *refl_mode_how; /* ippm_obs_reflector_mode */
    bool twl;                  /* graded as TWAMP-Light (--protocol) */
    struct stamp_obs_pkt pkt;  /* its layouts, obs.ext */
    struct owtw_pcap *owtw; /* OWAMP/TWAMP control connections, if any */
    struct rmbt_pcap_out *rmbt; /* RMBT UDP ping, if any (views above) */
    struct udping_pcap *udping; /* UDPing datagrams, if any */
};

static void check_run_free(struct check_run *r)
{
    if (r->crypto_ok)
        ippm_crypto_openssl_free(&r->crypto);
    free(r->pr.ex);
    free(r->flows);
    free(r->flow_rows);
    free(r->res);
    owtw_pcap_free(r->owtw);
    free(r->rmbt);
    udping_pcap_free(r->udping);
    capture_free(&r->cap);
    memset(r->key, 0, sizeof r->key);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Runs the catalogue on obs for each role o asks for, into r->res (cap
 * entries). */
static void grade_roles(struct check_run *r, const struct check_opts *o,
                        struct ippm_obs *obs, size_t cap)
{
    if (o->roles & ROLE_REFLECTOR) {
        obs->role = IPPM_ROLE_REFLECTOR;
        r->n_res += ippm_catalogue_run(obs, conform_default_only(obs, o->only),
                                       r->res + r->n_res,
                                       cap - r->n_res);
        /* One mode per report: the first flow's that is known. */
        if (!r->refl_mode)
            r->refl_mode = ippm_obs_reflector_mode(obs, &r->refl_mode_how);
    }
    if (o->roles & ROLE_SENDER) {
        obs->role = IPPM_ROLE_SENDER;
        r->n_res += ippm_catalogue_run(obs, conform_default_only(obs, o->only),
                                       r->res + r->n_res,
                                       cap - r->n_res);
    }
}

/* The capture holds OWAMP/TWAMP control connections: their cases. */
static int check_run_owtw(const struct check_opts *o, struct check_run *r)
{
    size_t n_cat;
    ippm_catalogue(&n_cat);
    size_t cap = 2 * (n_cat ? n_cat : 1);
    r->res = calloc(cap, sizeof *r->res);
    if (r->res == NULL) {
        ippm_cli_error("pcap check: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    if (owtw_pcap_owamp_tests(r->owtw, &r->cap) != 0) {
        ippm_cli_error("pcap check: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    /* An open-mode TWAMP session: its test packets, on TWAMP-Light's
     * layouts (the same in mode O, RFC 5357 §4.1.2 and §4.2.1). */
    struct owtw_pcap_test test = {NULL, 0, 0, NULL};
    uint16_t port = owtw_pcap_open_test_port(r->owtw);
    if (port) {
        if (pair(&r->cap, port, false, &r->pr) != 0) {
            ippm_cli_error("pcap check: out of memory");
            return IPPM_EXIT_RUNTIME;
        }
        r->port = port;
        r->in_flight = stamp_pairing_mark_in_flight(
            r->pr.ex, r->pr.n_ex, capture_end_ns(&r->cap),
            STAMP_PAIRING_REPLY_TIMEOUT_NS);
        r->pkt.ext.name = STAMP_OBS_PKT;
        r->pkt.sender = stamp_layout_twamp_light(STAMP_PKT_SENDER);
        r->pkt.reflector = stamp_layout_twamp_light(STAMP_PKT_REFLECTOR);
        test = (struct owtw_pcap_test){r->pr.ex, r->pr.n_ex,
                                       r->pr.k.unmatched, &r->pkt.ext};
    }
    r->n_res = owtw_pcap_grade(r->owtw, o, port ? &test : NULL, r->res, cap);
    r->duration_ns = now_ns() - r->start_ns;
    return 0;
}

/* The capture holds RMBT UDP ping datagrams: their cases
 * (cmd_pcap_rmbt.c); r takes over what they allocated. */
static int check_run_rmbt(const struct check_opts *o, struct check_run *r)
{
    r->rmbt = calloc(1, sizeof *r->rmbt);
    int rc = r->rmbt ? rmbt_pcap_run(o, &r->cap, r->rmbt) : IPPM_EXIT_RUNTIME;
    if (r->rmbt) {
        r->res = r->rmbt->res, r->n_res = r->rmbt->n_res;
        r->flows = r->rmbt->flows, r->n_flows = r->rmbt->n_flows;
        r->flow_rows = r->rmbt->flow_rows, r->in_flight = r->rmbt->in_flight;
        r->pr.ex = r->rmbt->ex, r->pr.n_ex = r->rmbt->n_ex;
        r->pr.k = r->rmbt->k;
    }
    r->duration_ns = now_ns() - r->start_ns;
    return rc;
}

/* Loads the capture, pairs it and runs the catalogue. Returns 0, or an
 * IPPM_EXIT_ status after one line on stderr. */
static int check_run(const struct check_opts *o, struct check_run *r)
{
    char err[512];
    memset(r, 0, sizeof *r);
    r->start_ns = now_ns();
    if (o->key_file != NULL &&
        ippm_keyfile_read("--auth-key-file", o->key_file, r->key,
                          &r->key_len) != 0)
        return IPPM_EXIT_USAGE;
    if (o->auth) {
        if (ippm_crypto_openssl_init(&r->crypto) != 0) {
            ippm_crypto_openssl_free(&r->crypto);
            ippm_cli_error("pcap check: OpenSSL has no HMAC-SHA-256");
            return IPPM_EXIT_RUNTIME;
        }
        r->crypto_ok = true;
    }
    /* One pass over the file: a FIFO or a pipe cannot be read twice. */
    struct ippm_tcp_reasm tcp;
    ippm_tcp_reasm_init(&tcp);
    if (capture_load(o->file, &r->cap, &tcp, err, sizeof err) != 0) {
        ippm_tcp_reasm_free(&tcp);
        ippm_cli_error("pcap check: %s: %s", o->file, err);
        return IPPM_EXIT_RUNTIME;
    }
    int orc = owtw_pcap_load(o, &tcp, r->cap.counts.frames, &r->owtw);
    if (orc != 0)
        return orc;
    if (owtw_pcap_connections(r->owtw))
        return check_run_owtw(o, r);
    if (rmbt_pcap_found(o, &r->cap))
        return check_run_rmbt(o, r);
    if ((orc = udping_pcap_load(o, &r->cap, &r->udping)) != 0)
        return orc;
    if (r->udping) {
        orc = udping_pcap_grade(r->udping, o, &r->res, &r->n_res);
        r->duration_ns = now_ns() - r->start_ns;
        return orc;
    }
    r->port = o->port;
    if (r->port == 0 && capture_port(&r->cap, &r->port) != 0) {
        ippm_cli_error("pcap check: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    if (r->port == 0) {
        r->port = STAMP_PORT;
        r->port_default = true;
    }
    if (pair(&r->cap, r->port, o->auth, &r->pr) != 0 ||
        group_flows(&r->cap, r->port, &r->pr, &r->flows, &r->n_flows) != 0) {
        ippm_cli_error("pcap check: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    uint64_t end_ns = capture_end_ns(&r->cap);
    for (size_t i = 0; i < r->n_flows; i++)
        r->in_flight += stamp_pairing_mark_in_flight(
            r->pr.ex + r->flows[i].first, r->flows[i].n, end_ns,
            STAMP_PAIRING_REPLY_TIMEOUT_NS);
    size_t n_cat;
    ippm_catalogue(&n_cat);
    size_t cap = 2 * (n_cat ? n_cat : 1) * (r->n_flows ? r->n_flows : 1);
    r->res = calloc(cap, sizeof *r->res);
    r->flow_rows = calloc(r->n_flows + 1, sizeof *r->flow_rows);
    if (r->res == NULL || r->flow_rows == NULL) {
        ippm_cli_error("pcap check: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    struct ippm_obs obs;
    memset(&obs, 0, sizeof obs);
    obs.protocol = "stamp";
    r->twl = o->proto == PCAP_PROTO_TWL ||
             (o->proto == PCAP_PROTO_AUTO && !o->auth &&
              stamp_pairing_looks_twamp_light(r->pr.ex, r->pr.n_ex));
    if (r->twl) { /* the TWAMP-Test cases, on TWAMP-Light's layouts */
        obs.protocol = "twamp";
        r->pkt.ext.name = STAMP_OBS_PKT;
        r->pkt.sender = stamp_layout_twamp_light(STAMP_PKT_SENDER);
        r->pkt.reflector = stamp_layout_twamp_light(STAMP_PKT_REFLECTOR);
        obs.ext = &r->pkt.ext;
    }
    obs.ex = r->pr.ex;
    obs.n_ex = r->pr.n_ex;
    obs.auth = o->auth;
    /* The key expanded once for the capture, and only while it is graded:
     * r may move afterwards (the manifest's cache), the context may not. */
    struct ippm_hmac_key hkey = {0};
    if (r->crypto_ok && r->key_len &&
        ippm_hmac_key_init(&hkey, &r->crypto, IPPM_HASH_SHA256, r->key,
                           r->key_len) != IPPM_OK) {
        ippm_cli_error("pcap check: OpenSSL cannot key HMAC-SHA-256");
        return IPPM_EXIT_RUNTIME;
    }
    obs.key = ippm_hmac_key_ready(&hkey) ? &hkey : NULL;
    obs.expect_stateful = o->stateful;
    obs.clock_tolerance_ns = o->tol_ns;
    obs.live = false;
    obs.unmatched_replies = r->pr.k.unmatched;
    obs.expect_tsfmt = o->expect_tsfmt;
    obs.path_flags = o->path_flags;
    obs.sender_defaults = o->sender_defaults;
    obs.ssid_set = o->ssid_set;
    obs.n_ssid_set = o->n_ssid_set;
    if (r->n_flows <= 1) {
        grade_roles(r, o, &obs, cap);
    } else {
        /* Several senders or reflectors: each flow is a run of its own. */
        for (size_t i = 0; i < r->n_flows; i++) {
            const struct stamp_flow_group *f = &r->flows[i];
            obs.ex = r->pr.ex + f->first;
            obs.n_ex = f->n;
            obs.unmatched_replies = f->unmatched;
            size_t from = r->n_res;
            r->flow_rows[i] = from;
            grade_roles(r, o, &obs, cap);
            r->flow_rows[i + 1] = r->n_res;
            char name[FLOW_NAME_MAX];
            flow_name(&f->snd, &f->refl, name, sizeof name);
            stamp_flows_name_details(r->res + from, r->n_res - from, name);
        }
    }
    ippm_hmac_key_free(&hkey);
    r->duration_ns = now_ns() - r->start_ns;
    return 0;
}

/* Flows listed one a line before the table; more with -v. */
#define SUMMARY_FLOWS_MAX 8

/* The flows graded: one line each (the table heads them again when they
 * are graded apart), at most SUMMARY_FLOWS_MAX unless verbose. */
static void print_flows(FILE *f, const struct check_run *r, bool verbose)
{
    if (!r->n_flows)
        return;
    fprintf(f, "flows graded: %zu\n", r->n_flows);
    size_t shown = verbose || r->n_flows <= SUMMARY_FLOWS_MAX
                       ? r->n_flows
                       : SUMMARY_FLOWS_MAX - 1;
    for (size_t i = 0; i < shown; i++) {
        const struct stamp_flow_group *g = &r->flows[i];
        char name[FLOW_NAME_MAX], line[FLOW_NAME_MAX + 64];
        flow_name(&g->snd, &g->refl, name, sizeof name);
        snprintf(line, sizeof line, "%s (%zu requests, %llu replies)", name,
                 g->n, (unsigned long long)g->replies);
        ippm_report_put_wrapped(f, 4, line, 8);
    }
    if (shown < r->n_flows)
        fprintf(f, "    and %zu more (-v lists them)\n", r->n_flows - shown);
}

static void print_summary(FILE *f, const struct check_run *r, bool verbose)
{
    if (r->rmbt) {
        rmbt_pcap_summary(f, &r->cap, r->rmbt);
        print_flows(f, r, verbose);
        return;
    }
    if (r->udping) {
        udping_pcap_summary(f, r->udping, verbose);
        return;
    }
    if (owtw_pcap_connections(r->owtw)) {
        owtw_pcap_summary(f, r->owtw);
        if (r->port)
            fprintf(f, "TWAMP-Test, reflector port %u (mode O): %llu "
                       "requests, %llu replies (%llu matched)\n",
                    (unsigned)r->port,
                    (unsigned long long)r->pr.k.requests,
                    (unsigned long long)r->pr.k.replies,
                    (unsigned long long)r->pr.k.matched);
        return;
    }
    const struct ippm_pcap_counts *k = &r->cap.counts;
    char line[512];
    snprintf(line, sizeof line,
             "capture: %llu frames, %llu UDP datagrams; reflector port %u: "
             "%llu requests, %llu replies (%llu matched, %llu duplicate, "
             "%llu unmatched)",
             (unsigned long long)k->frames,
             (unsigned long long)k->by[IPPM_PCAP_UDP], (unsigned)r->port,
             (unsigned long long)r->pr.k.requests,
             (unsigned long long)r->pr.k.replies,
             (unsigned long long)r->pr.k.matched,
             (unsigned long long)r->pr.k.duplicates,
             (unsigned long long)r->pr.k.unmatched);
    ippm_report_put_wrapped(f, 0, line, 4);
    if (r->twl)
        fputs("protocol: TWAMP-Light (RFC 5357 Appendix I), graded by the "
              "TWAMP-Test cases\n",
              f);
    size_t len = 0;
    line[0] = '\0';
    for (int i = 1; i < IPPM_PCAP_FRAME_COUNT_ && len < sizeof line; i++) {
        if (k->by[i] == 0)
            continue;
        int n = snprintf(line + len, sizeof line - len, "%s%s %llu",
                         len ? ", " : "skipped: ",
                         ippm_pcap_frame_str((enum ippm_pcap_frame)i),
                         (unsigned long long)k->by[i]);
        len += n > 0 ? (size_t)n : 0;
    }
    if (line[0])
        ippm_report_put_wrapped(f, 0, line, 4);
    print_flows(f, r, verbose);
    if (r->in_flight) {
        snprintf(line, sizeof line,
                 "in flight: %zu requests sent less than %.1f s before the "
                 "capture ended, after the last reply of their flow: a "
                 "missing reply to them is n/a",
                 r->in_flight, STAMP_PAIRING_REPLY_TIMEOUT_NS / 1e9);
        ippm_report_put_wrapped(f, 0, line, 4);
    }
}

/* Why nothing of r was graded, in one line on stderr; false when
 * something was. Nothing is: every case n/a; or, the reflector graded,
 * not one request and reply paired (one direction captured, a silent
 * peer, the wrong port: its "got no reply" failures would read the same
 * as a closed port's, like a live run's dead target), unless the sender
 * failed a case. */
static bool report_nothing_graded(const struct check_run *r,
                                  enum role_sel roles)
{
    bool graded = false, sender_failed = false;
    for (size_t i = 0; i < r->n_res; i++) {
        graded = graded || r->res[i].verdict != IPPM_NA;
        sender_failed = sender_failed ||
                        (r->res[i].verdict == IPPM_FAIL &&
                         r->res[i].c->role == IPPM_ROLE_SENDER);
    }
    bool no_pair = r->pr.k.matched == 0 && (roles & ROLE_REFLECTOR);
    if (r->rmbt) /* a server that drops everything it should is graded */
        return rmbt_pcap_nothing_graded(r->rmbt);
    if (r->udping)
        return udping_pcap_nothing_graded(r->udping, r->res, r->n_res);
    if (owtw_pcap_connections(r->owtw)) {
        if (!graded)
            ippm_cli_error("pcap check: nothing graded: every OWAMP/TWAMP "
                           "case is n/a (%zu control connections; modes A "
                           "and E need --keys)",
                           owtw_pcap_connections(r->owtw));
        return !graded;
    }
    if (graded && (!no_pair || sender_failed))
        return false;
    char seen[1024];
    flows_seen(&r->cap, seen, sizeof seen);
    if (r->pr.k.matched == 0 && r->port_default && r->pr.k.requests == 0)
        ippm_cli_error("pcap check: nothing graded: no STAMP or TWAMP-Light "
                       "exchange found (no port 862, no UDP port that "
                       "answers datagrams of %u octets or more; --port "
                       "names one); flows seen: %s",
                       STAMP_PAIRING_MIN_TEST_LEN, seen);
    else if (r->pr.k.matched == 0)
        ippm_cli_error("pcap check: nothing graded: no STAMP or TWAMP-Light "
                       "exchange found (reflector port %u: %llu requests, "
                       "%llu replies); flows seen: %s",
                       (unsigned)r->port,
                       (unsigned long long)r->pr.k.requests,
                       (unsigned long long)r->pr.k.replies, seen);
    else
        ippm_cli_error("pcap check: nothing graded: every case is n/a "
                       "(%llu exchanges paired, %zu in flight at the end); "
                       "flows seen: %s",
                       (unsigned long long)r->pr.k.matched, r->in_flight,
                       seen);
    return true;
}

/* The flows of r as the reports list them, into f (r->n_flows entries)
 * and names (two IPPM_ADDR_STRLEN strings a flow). */
static void report_flows(const struct check_run *r,
                         struct ippm_report_flow *f, char *names)
{
    for (size_t i = 0; i < r->n_flows; i++) {
        char *snd = names + 2 * i * IPPM_ADDR_STRLEN;
        char *refl = snd + IPPM_ADDR_STRLEN;
        f[i].sender = ippm_addr_fmt(&r->flows[i].snd, snd, IPPM_ADDR_STRLEN);
        f[i].reflector = ippm_addr_fmt(&r->flows[i].refl, refl,
                                       IPPM_ADDR_STRLEN);
        f[i].requests = r->flows[i].n;
        f[i].replies = r->flows[i].replies;
        if (r->n_flows > 1) { /* graded apart: the table heads each */
            f[i].first_row = r->flow_rows[i];
            f[i].n_rows = r->flow_rows[i + 1] - r->flow_rows[i];
        }
    }
}

static int cmd_check_file(const struct check_opts *o)
{
    struct check_run r;
    int rc = check_run(o, &r);
    if (rc != 0) {
        check_run_free(&r);
        return rc;
    }
    size_t nf = r.n_flows ? r.n_flows : 1;
    struct ippm_report_flow *flows = calloc(nf, sizeof *flows);
    char *names = calloc(nf, 2 * IPPM_ADDR_STRLEN);
    if (flows == NULL || names == NULL) {
        free(flows);
        free(names);
        check_run_free(&r);
        ippm_cli_error("pcap check: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    report_flows(&r, flows, names);
    struct ippm_report rep = {
        .suite = "pcap", .target = o->file, .res = r.res, .n = r.n_res,
        .start_ns = r.start_ns, .duration_ns = r.duration_ns,
        .strict = o->strict,
        .reflector_mode = r.refl_mode, .reflector_mode_how = r.refl_mode_how,
        .verbose = o->verbose,
        .graded_nothing = report_nothing_graded(&r, o->roles),
        .flows = flows, .n_flows = r.n_flows,
        .interrupted = ippm_net_stopping(),
    };
    if (!o->quiet) {
        print_summary(stdout, &r, o->verbose);
        ippm_report_print(stdout, &rep);
    } else {
        ippm_report_print_totals(stdout, &rep); /* the verdict, one line */
    }
    rc = ippm_report_exit_status(&rep);
    if (rep.interrupted) {
        ippm_cli_error("pcap check: interrupted: the report grades the %llu "
                       "frames read before the signal",
                       (unsigned long long)r.cap.counts.frames);
        rc = IPPM_EXIT_INTERRUPTED;
    }
    if (o->json && ippm_report_write_json(o->json, &rep) != 0) {
        ippm_cli_error("--json: %s: %s", o->json, strerror(errno));
        rc = IPPM_EXIT_RUNTIME;
    }
    if (o->junit && ippm_report_write_junit(o->junit, &rep) != 0) {
        ippm_cli_error("--junit: %s: %s", o->junit, strerror(errno));
        rc = IPPM_EXIT_RUNTIME;
    }
    /* capture timestamps: request to reply where the capture was taken */
    if (o->html && ippm_html_write_verdicts(o->html, "ippm pcap check", &rep,
                                            r.pr.ex, r.pr.n_ex, 0,
                                            "request to reply (ms)") != 0) {
        ippm_cli_error("--html: %s: %s", o->html, strerror(errno));
        rc = IPPM_EXIT_RUNTIME;
    }
    free(flows);
    free(names);
    check_run_free(&r);
    return rc;
}

/* ---- manifest ---- */

#define MANIFEST_MAX_TOKENS 32

/* A path from the MANIFEST, relative to its folder. */
static char *manifest_path(const char *dir, const char *p)
{
    size_t n = strlen(dir) + strlen(p) + 2;
    char *s = malloc(n);
    if (s == NULL)
        return NULL;
    if (p[0] == '/')
        snprintf(s, n, "%s", p);
    else
        snprintf(s, n, "%s/%s", dir, p);
    return s;
}

struct manifest_cache {
    char *key;              /* file and options, as written */
    struct check_run run;
    int rc;
};

/* How bad a verdict is, to pick the worst over flows. */
/* The word a MANIFEST line is compared with: the check's own verdict
 * (pass, fail, n/a), or, when the line expects "warn", the verdict the
 * reports show without --strict, so that a SHOULD, MAY or ADVISORY case
 * that is not met can be written as the reports name it. */
static const char *manifest_word(const struct ippm_case_result *hit,
                                 const char *want)
{
    if (!hit)
        return "absent";
    if (strcmp(want, "warn") == 0)
        return ippm_shown_str(ippm_report_verdict(hit, false));
    return ippm_verdict_str(hit->verdict);
}

static int verdict_rank(enum ippm_verdict v)
{
    return v == IPPM_FAIL ? 2 : v == IPPM_PASS ? 1 : 0;
}

/* see pcap_read.h */
int ippm_pcap_check_manifest(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        ippm_cli_error("--manifest: %s: %s", path, strerror(errno));
        return IPPM_EXIT_RUNTIME;
    }
    char *pcopy = strdup(path);
    const char *dir = pcopy ? dirname(pcopy) : ".";
    struct manifest_cache *cache = NULL;
    size_t n_cache = 0;
    char line[2048];
    unsigned lineno = 0, checked = 0, bad = 0;
    int worst = IPPM_EXIT_OK;
    while (!ippm_net_stopping() && fgets(line, sizeof line, f) != NULL) {
        lineno++;
        char *tok[MANIFEST_MAX_TOKENS];
        int nt = 0;
        for (char *s = strtok(line, " \t\r\n"); s && nt < MANIFEST_MAX_TOKENS;
             s = strtok(NULL, " \t\r\n"))
            tok[nt++] = s;
        if (nt == 0 || tok[0][0] == '#')
            continue;
        if (nt < 3) {
            fprintf(stderr, "%s:%u: needs 'file case-id expected'\n", path,
                    lineno);
            bad++;
            if (worst < IPPM_EXIT_FAIL)
                worst = IPPM_EXIT_FAIL;
            continue;
        }
        /* the options, with paths made relative to the manifest */
        char key[1024];
        snprintf(key, sizeof key, "%s", tok[0]);
        for (int i = 3; i < nt; i++) {
            size_t l = strlen(key);
            snprintf(key + l, sizeof key - l, " %s", tok[i]);
        }
        struct manifest_cache *mc = NULL;
        for (size_t i = 0; i < n_cache; i++)
            if (strcmp(cache[i].key, key) == 0)
                mc = &cache[i];
        if (mc == NULL) {
            struct manifest_cache *nc =
                realloc(cache, (n_cache + 1) * sizeof *nc);
            if (nc == NULL)
                break;
            cache = nc;
            mc = &cache[n_cache++];
            memset(mc, 0, sizeof *mc);
            mc->key = strdup(key);
            char *argv[MANIFEST_MAX_TOKENS + 2];
            char *owned[MANIFEST_MAX_TOKENS + 2];
            int ac = 0, no = 0;
            argv[ac++] = "pcap check";
            argv[ac++] = owned[no++] = manifest_path(dir, tok[0]);
            for (int i = 3; i < nt; i++) {
                bool is_path = i > 3 &&
                               (strcmp(tok[i - 1], "--auth-key-file") == 0 ||
                                strcmp(tok[i - 1], "--keys") == 0);
                argv[ac++] = is_path ? (owned[no++] =
                                            manifest_path(dir, tok[i]))
                                     : tok[i];
            }
            argv[ac] = NULL;
            struct check_opts o;
            if (parse_opts(ac, argv, "pcap check", &o) != 0) {
                mc->rc = IPPM_EXIT_USAGE;
            } else {
                mc->rc = check_run(&o, &mc->run);
            }
            for (int i = 0; i < no; i++)
                free(owned[i]);
            if (mc->rc != 0) {
                fprintf(stderr, "%s:%u: %s: could not be checked\n", path,
                        lineno, tok[0]);
                worst = IPPM_EXIT_RUNTIME;
            }
        }
        checked++;
        if (mc->rc != 0) {
            bad++;
            continue;
        }
        /* Several flows: the case's worst verdict over them. */
        const struct ippm_case_result *hit = NULL;
        for (size_t i = 0; i < mc->run.n_res; i++)
            if (strcmp(mc->run.res[i].c->id, tok[1]) == 0 &&
                (hit == NULL ||
                 verdict_rank(mc->run.res[i].verdict) >
                     verdict_rank(hit->verdict)))
                hit = &mc->run.res[i];
        const char *got = manifest_word(hit, tok[2]);
        if (strcmp(got, tok[2]) != 0) {
            fprintf(stderr, "%s:%u: %s %s: expected %s, got %s%s%s\n", path,
                    lineno, tok[0], tok[1], tok[2], got,
                    hit && hit->detail[0] ? ": " : "",
                    hit ? hit->detail : "");
            bad++;
            if (worst < IPPM_EXIT_FAIL)
                worst = IPPM_EXIT_FAIL;
        }
    }
    fclose(f);
    for (size_t i = 0; i < n_cache; i++) {
        check_run_free(&cache[i].run);
        free(cache[i].key);
    }
    free(cache);
    free(pcopy);
    printf("manifest %s: %u expectations over %zu captures, %u mismatched%s\n",
           path, checked, n_cache, bad,
           ippm_net_stopping() ? " (interrupted)" : "");
    return ippm_net_stopping() && worst != IPPM_EXIT_RUNTIME
               ? IPPM_EXIT_INTERRUPTED
               : worst;
}

/* see commands.h */
int cmd_pcap(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? IPPM_EXIT_USAGE : IPPM_EXIT_OK;
    }
    if (strcmp(argv[1], "dump") == 0)
        return cmd_pcap_dump(argc - 1, argv + 1);
    if (strcmp(argv[1], "check") != 0) {
        ippm_cli_error("pcap: unknown subcommand '%s' (check, dump)",
                       argv[1]);
        return IPPM_EXIT_USAGE;
    }
    struct check_opts o;
    int prc = parse_opts(argc - 1, argv + 1, "pcap check", &o);
    if (prc != 0)
        return prc > 0 ? IPPM_EXIT_OK : IPPM_EXIT_USAGE;
    conform_catch_stop();
    if (o.manifest != NULL)
        return ippm_pcap_check_manifest(o.manifest);
    return cmd_check_file(&o);
}
