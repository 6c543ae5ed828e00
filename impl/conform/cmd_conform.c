/* `ippm conform`: grade a live implementation against the catalogue.
 *
 *   ippm conform stamp-reflector HOST[:PORT] ...  probe somebody's reflector
 *   ippm conform stamp-sender ...                 grade somebody's sender
 *   ippm conform                                  ippm's own reflector and
 *                                                 sender in every mode, then
 *                                                 the pcap corpus
 *
 * Everything protocol-specific lives in conform_live.c; this file parses
 * options, runs the catalogue and writes the reports. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "proto/stamp/stamp.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/commands.h"
#include "impl/conform/conform_cmd.h"
#include "impl/conform/conform_rmbt.h"
#include "impl/conform/conform_udping.h"
#include "conform_live.h"
#include "impl/core/crypto_openssl.h"
#include "impl/report/html_report.h"
#include "impl/core/keyfile.h"
#include "impl/core/net.h"
#include "impl/capture/pcap_read.h"
#include "impl/report/report.h"
#include "impl/twamp/light.h"
#include "proto/owtw/owtw.h"

enum {
    OPT_ONLY = 256,
    OPT_STRICT,
    OPT_JUNIT,
    OPT_JSON,
    OPT_KEY,
    OPT_STATEFUL,
    OPT_STATELESS,
    OPT_TIMESTAMP,
    OPT_TIMEOUT,
    OPT_TOLERANCE,
    OPT_LISTEN,
    OPT_PORT,
    OPT_COUNT,
    OPT_TTL,
    OPT_NO_PCAP,
    OPT_MANIFEST,
    OPT_LIST,
    OPT_HELP,
    OPT_HTML,
    OPT_HMAC_KEY,
    OPT_VERBOSE,
    OPT_PATH,
    OPT_SENDER_DEFAULTS,
    OPT_SSID_SET,
    OPT_KEYS,
    OPT_MODE,
    OPT_SEED,
    OPT_IP,
    OPT_DURATION,
    OPT_STATSD
};

static const struct option long_opts[] = {
    {"only", required_argument, NULL, OPT_ONLY},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"json", required_argument, NULL, OPT_JSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"auth-key-file", required_argument, NULL, OPT_KEY},
    {"hmac-key-file", required_argument, NULL, OPT_HMAC_KEY},
    {"stateful", no_argument, NULL, OPT_STATEFUL},
    {"stateless", no_argument, NULL, OPT_STATELESS},
    {"timestamp", required_argument, NULL, OPT_TIMESTAMP},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"clock-tolerance", required_argument, NULL, OPT_TOLERANCE},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"port", required_argument, NULL, OPT_PORT},
    {"count", required_argument, NULL, OPT_COUNT},
    {"ttl", required_argument, NULL, OPT_TTL},
    {"no-pcap", no_argument, NULL, OPT_NO_PCAP},
    {"pcap-manifest", required_argument, NULL, OPT_MANIFEST},
    {"list", no_argument, NULL, OPT_LIST},
    {"help", no_argument, NULL, OPT_HELP},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"path", required_argument, NULL, OPT_PATH},
    {"sender-defaults", no_argument, NULL, OPT_SENDER_DEFAULTS},
    {"ssid-set", required_argument, NULL, OPT_SSID_SET},
    {"keys", required_argument, NULL, OPT_KEYS},
    {"mode", required_argument, NULL, OPT_MODE},
    {"seed", required_argument, NULL, OPT_SEED},
    {"ip", required_argument, NULL, OPT_IP},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"statsd", required_argument, NULL, OPT_STATSD},
    {NULL, 0, NULL, 0},
};

/* --help: the targets from the table (conform_targets), then the
 * options. */
static void usage(FILE *f);

/* usage() after the targets: the options and the exit status. */
#define USAGE_OPTIONS \
        "\n" \
        "  --auth-key-file FILE   authenticated mode with this key\n" \
        "  --hmac-key-file FILE   stamp-reflector, open mode: sign the RFC " \
        "8972 §4.8\n" \
        "                         HMAC TLV probes with this key (none sent " \
        "without)\n" \
        "  --stateful|--stateless the reflector's mode (default: inferred)\n" \
        "  --timestamp ntp|ptp    the reflector's timestamp format (default: " \
        "either)\n" \
        "  --only PREFIX[,...]    run only cases whose ID starts so\n" \
        "  --strict               a SHOULD failure fails the run\n" \
        "  --path nat,remark      the path to the peer holds a NAT or " \
        "remarks the\n" \
        "                         DSCP: the Location or CoS cases that read " \
        "what it\n" \
        "                         rewrites are n/a\n" \
        "  --json FILE            write the results as JSON\n" \
        "  --junit FILE           write the results as JUnit XML\n" \
        "  --html FILE            write the results as a self-contained HTML " \
        "page\n" \
        "  --timeout S            wait for replies (reflector, default 1) or " \
        "for\n" \
        "                         the next packet (sender, default 10)\n" \
        "  --clock-tolerance S    allowed offset between the clocks (default " \
        "1)\n" \
        "  --ttl N                TTL / Hop Limit of the probes (default 64;\n" \
        "                         base packets 5-9 one lower, for ADV-06)\n" \
        "  --port PORT            stamp-reflector: the reflector's port, as " \
        "HOST:PORT;\n" \
        "                         stamp-sender: the port to listen on " \
        "(default 862)\n" \
        "  --ssid-set N[,N]       stamp-reflector: the SSIDs the reflector " \
        "is\n" \
        "                         provisioned with; one outside them must " \
        "get\n" \
        "                         no reply (RFC 8972 §3)\n" \
        "  --sender-defaults      stamp-sender only: the sender runs with " \
        "no port\n" \
        "                         and no timestamp format given; grade " \
        "its\n" \
        "                         defaults (UDP port 862, NTP)\n" \
        "  --listen ADDR, --count N   stamp-sender only: where to listen " \
        "(default\n" \
        "                         every address) and how many packets to " \
        "grade\n" \
        "                         (default 10)\n" \
        "  --stateful|--stateless, --timestamp   stamp-reflector only; " \
        "--ttl\n" \
        "                         stamp-reflector and no target; an option " \
        "a\n" \
        "                         subcommand does not take is an error\n" \
        "  --no-pcap, --pcap-manifest FILE   no target: skip or choose the " \
        "corpus\n" \
        "                         (default pcaps/stamp/MANIFEST, then\n" \
        "                         twamp, rmbt, udping, owtw, reference,\n" \
        "                         interop)\n" \
        "  --keys FILE            twamp-server, owamp-server: `KEYID HEX` " \
        "lines;\n" \
        "                         the first key drives modes A and E, every " \
        "one\n" \
        "                         decrypts (default: open mode only)\n" \
        "  --mode open|auth|encrypted|mixed   twamp-server, owamp-server: " \
        "the\n" \
        "                         (twamp-light-reflector with --auth-key-file: " \
        "auth\n" \
        "                         or encrypted, RFC 5357 Appendix I)\n" \
        "                         security mode (default: the strongest " \
        "offered\n" \
        "                         that --keys allows)\n" \
        "  --seed SECRET, --ip IP   rmbt-server only: the server's secret " \
        "and our\n" \
        "                         address as it sees it (default: the " \
        "route's)\n" \
        "  --listen [ADDR:]PORT, --duration S   udping-sender: where to " \
        "listen,\n" \
        "                         and how long (default: until --timeout " \
        "passes\n" \
        "                         without a datagram; --count N stops " \
        "sooner)\n" \
        "  --statsd [ADDR:]PORT   udping-server: where its statsd (-s, -t) " \
        "sends;\n" \
        "                         --timeout S: wait for reports (default " \
        "10)\n" \
        "  --list                 print the catalogue (--only filters it) " \
        "and exit\n" \
        "  -v, --verbose          every n/a case's reason under it (by " \
        "default\n" \
        "                         grouped after the table when many)\n" \
        "\n" \
        "Exit status: 0 every MUST passed, 1 a MUST failed (or a SHOULD " \
        "with\n" \
        "--strict), 2 usage, 3 could not run (no reply at all from the " \
        "target),\n" \
        "4 nothing graded, 5 interrupted (SIGINT, SIGTERM): the report of " \
        "what came\nbefore the signal, marked so.\n"

/* Options a subcommand does not take, 0-terminated: refused rather than
 * silently ignored (a --port that probes port 862 instead). */
static const int deny_reflector[] = {OPT_LISTEN,   OPT_COUNT,
                                     OPT_NO_PCAP,  OPT_MANIFEST,
                                     OPT_LIST,     OPT_SENDER_DEFAULTS,
                                     OPT_KEYS,     OPT_MODE, 0};
static const int deny_sender[] = {OPT_STATEFUL, OPT_STATELESS, OPT_TIMESTAMP,
                                  OPT_TTL,      OPT_NO_PCAP,   OPT_MANIFEST,
                                  OPT_LIST,     OPT_HMAC_KEY,  OPT_SSID_SET,
                                  OPT_KEYS,     OPT_MODE,      0};
/* TWAMP-Light has no SSID or TLV to give (RFC 5357 Appendix I); its key
 * is --auth-key-file's, its mode --mode auth|encrypted. */
static const int deny_twamp_light[] = {
    OPT_LISTEN,  OPT_COUNT, OPT_NO_PCAP,     OPT_MANIFEST,
    OPT_LIST,    OPT_SENDER_DEFAULTS, OPT_HMAC_KEY,
    OPT_SSID_SET, OPT_KEYS, 0};
/* The self-test runs every mode itself (conform_self_suite). */
static const int deny_self[] = {
    OPT_LISTEN,    OPT_PORT,      OPT_COUNT,    OPT_STATEFUL,
    OPT_STATELESS, OPT_TIMESTAMP, OPT_HMAC_KEY, OPT_SENDER_DEFAULTS,
    OPT_SSID_SET,  OPT_KEYS,      OPT_MODE,     0};
/* An OWAMP/TWAMP server: the control protocol only (conform_owtw.c). */
static const int deny_owtw_server[] = {
    OPT_LISTEN,   OPT_COUNT, OPT_NO_PCAP,  OPT_MANIFEST, OPT_LIST,
    OPT_SENDER_DEFAULTS, OPT_KEY, OPT_HMAC_KEY, OPT_SSID_SET, OPT_STATEFUL,
    OPT_STATELESS, OPT_TIMESTAMP, OPT_TTL, OPT_PATH, OPT_TOLERANCE, 0};

/* An RMBT UDP ping server: --seed and --ip are its alone. */
static const int deny_rmbt_server[] = {
    OPT_LISTEN, OPT_COUNT, OPT_NO_PCAP, OPT_MANIFEST, OPT_LIST,
    OPT_SENDER_DEFAULTS, OPT_KEY, OPT_HMAC_KEY, OPT_SSID_SET, OPT_STATEFUL,
    OPT_STATELESS, OPT_TIMESTAMP, OPT_TTL, OPT_KEYS, OPT_MODE, 0};
/* UDPing's sender listens for a time and has no port or key to give. */
static const int deny_udping_sender[] = {
    OPT_STATEFUL, OPT_STATELESS, OPT_TIMESTAMP, OPT_TTL, OPT_NO_PCAP,
    OPT_MANIFEST, OPT_LIST, OPT_HMAC_KEY, OPT_SSID_SET, OPT_KEYS, OPT_MODE,
    OPT_KEY, OPT_PORT, OPT_SENDER_DEFAULTS, OPT_PATH, 0};
/* A UDPing server: we send, and listen for its statsd. */
static const int deny_udping_server[] = {
    OPT_STATEFUL, OPT_STATELESS, OPT_TIMESTAMP, OPT_TTL, OPT_NO_PCAP,
    OPT_MANIFEST, OPT_LIST, OPT_HMAC_KEY, OPT_SSID_SET, OPT_KEYS, OPT_MODE,
    OPT_KEY, OPT_SENDER_DEFAULTS, OPT_PATH, OPT_LISTEN, OPT_COUNT,
    OPT_DURATION, 0};
/* 0, or IPPM_EXIT_USAGE after one line when c belongs to one target
 * only (deny names the target) and this is another. */
static int refuse_foreign(int c, const int *deny, const char *prog)
{
    const char *owner = NULL;
    if ((c == OPT_SEED || c == OPT_IP) && deny != deny_rmbt_server)
        owner = "rmbt-server";
    else if (c == OPT_DURATION && deny != deny_udping_sender)
        owner = "udping-sender";
    else if (c == OPT_STATSD && deny != deny_udping_server)
        owner = "udping-server";
    if (!owner)
        return 0;
    const char *name = c == OPT_SEED       ? "seed"
                       : c == OPT_IP       ? "ip"
                       : c == OPT_DURATION ? "duration"
                                           : "statsd";
    ippm_cli_error("%s: --%s is %s's option (see --help)", prog, name, owner);
    return IPPM_EXIT_USAGE;
}

/* 0, or IPPM_EXIT_USAGE after one line when deny holds c. */
static int refuse(int c, const int *deny, const char *prog)
{
    for (; deny && *deny; deny++) {
        if (*deny != c)
            continue;
        const char *name = "?";
        for (const struct option *lo = long_opts; lo->name; lo++)
            if (lo->val == c)
                name = lo->name;
        ippm_cli_error("%s: --%s is not an option of %s (see --help)", prog,
                       name, prog);
        return IPPM_EXIT_USAGE;
    }
    return 0;
}

/* Returns -1 to go on, else the exit status. */
static int parse(struct conform_opts *o, int argc, char **argv,
                 const char *prog, const int *deny)
{
    int c;
    int first = 1;
    while ((c = ippm_cli_next(argc, argv, "hv", long_opts, prog, first)) !=
           -1) {
        first = 0;
        if (refuse_foreign(c, deny, prog) || refuse(c, deny, prog))
            return IPPM_EXIT_USAGE;
        switch (c) {
        case OPT_ONLY:
            o->only = optarg;
            break;
        case OPT_STRICT:
            o->strict = true;
            break;
        case OPT_PATH:
            if (conform_path_parse("--path", optarg, &o->path_flags) != 0)
                return IPPM_EXIT_USAGE;
            break;
        case OPT_SENDER_DEFAULTS:
            o->sender_defaults = true;
            break;
        case OPT_SSID_SET:
            if (ippm_cli_u16_list("--ssid-set", optarg, 1, 65535, "an SSID",
                                  o->ssid_set, CONFORM_SSID_SET_MAX,
                                  &o->n_ssid_set) != 0)
                return IPPM_EXIT_USAGE;
            break;
        case OPT_JUNIT:
            o->junit = optarg;
            break;
        case OPT_JSON:
            o->json = optarg;
            break;
        case OPT_HTML:
            o->html = optarg;
            break;
        case OPT_KEY:
            o->key_file = optarg;
            break;
        case OPT_HMAC_KEY:
            o->hmac_key_file = optarg;
            break;
        case OPT_KEYS:
            o->keys_file = optarg;
            break;
        case OPT_MODE:
            if (conform_owtw_mode("--mode", optarg, &o->owtw_mode) != 0)
                return IPPM_EXIT_USAGE;
            break;
        case OPT_SEED:
            o->rmbt_seed = optarg;
            break;
        case OPT_IP:
            o->rmbt_ip = optarg;
            break;
        case OPT_STATEFUL:
        case OPT_STATELESS:
            /* Contradicting modes: the last one must not silently win. */
            if (o->stateful == (c == OPT_STATELESS)) {
                ippm_cli_error("%s: --stateful and --stateless: give one",
                               prog);
                return IPPM_EXIT_USAGE;
            }
            o->stateful = c == OPT_STATEFUL;
            break;
        case OPT_TIMESTAMP: {
            enum ippm_tsfmt f;
            if (ippm_cli_tsfmt("--timestamp", optarg, &f) != 0)
                return IPPM_EXIT_USAGE;
            o->tsfmt = (uint8_t)(1 + f);
            break;
        }
        case OPT_TIMEOUT:
            if (ippm_cli_seconds("--timeout", optarg, 0.01, 3600,
                                 &o->timeout_ns) != 0)
                return IPPM_EXIT_USAGE;
            break;
        case OPT_TOLERANCE:
            if (ippm_cli_seconds("--clock-tolerance", optarg, 0, 86400,
                                 &o->tolerance_ns) != 0)
                return IPPM_EXIT_USAGE;
            o->tolerance_given = true;
            break;
        case OPT_LISTEN:
            o->listen = optarg;
            break;
        case OPT_PORT:
            if (ippm_cli_port("--port", optarg, &o->port) != 0)
                return IPPM_EXIT_USAGE;
            o->port_given = true;
            break;
        case OPT_COUNT:
            if (ippm_cli_u32("--count", optarg, 1, CONFORM_LIVE_MAX_EX,
                             "a count", &o->count) != 0)
                return IPPM_EXIT_USAGE;
            break;
        case OPT_TTL:
            if (ippm_cli_ttl("--ttl", optarg, &o->ttl) != 0)
                return IPPM_EXIT_USAGE;
            break;
        case OPT_NO_PCAP:
            o->no_pcap = true;
            break;
        case OPT_STATSD:
            o->statsd = optarg;
            break;
        case OPT_DURATION:
            if (ippm_cli_duration("--duration", optarg, NS_PER_S / 100,
                                  365ull * 86400 * NS_PER_S, true,
                                  &o->duration_ns) != 0)
                return IPPM_EXIT_USAGE;
            break;
        case OPT_MANIFEST:
            o->manifest = optarg;
            break;
        case OPT_LIST:
            o->list = true;
            break;
        case OPT_VERBOSE:
        case 'v':
            o->verbose = true;
            break;
        case OPT_HELP:
        case 'h':
            usage(stdout);
            return IPPM_EXIT_OK;
        default:
            return IPPM_EXIT_USAGE;
        }
    }
    return -1;
}

/* What parse() cannot check alone, done before any socket is opened so
 * that a bad --only or output path costs no traffic and no result:
 * --only against the cases of roles (scope names them), and every
 * report file. Returns -1 to go on, else IPPM_EXIT_USAGE. */
static int check_before_traffic(const struct conform_opts *o,
                                const char *protocol, const char *scope,
                                unsigned roles)
{
    const struct ippm_cli_output outs[] = {
        {"--json", o->json}, {"--junit", o->junit}, {"--html", o->html}};
    if (conform_check_only(o->only, protocol, roles, scope) != 0 ||
        ippm_cli_outputs(outs, COUNT_OF(outs)) != 0)
        return IPPM_EXIT_USAGE;
    return -1;
}

/* What a live target's run holds: the key and crypto of --auth-key-file
 * or --hmac-key-file, and the run's record. */
struct live_setup {
    uint8_t key[IPPM_KEY_MAX];
    size_t key_len;
    struct ippm_crypto crypto;
    bool have_crypto;
    struct conform_run *run;
};

/* Key and crypto for authenticated mode (--auth-key-file), or for the
 * open mode's HMAC TLV (--hmac-key-file), into ls. Returns -1 to go on. */
static int load_key(const struct conform_opts *o, struct live_setup *ls)
{
    if (o->key_file && o->hmac_key_file) {
        ippm_cli_error("--hmac-key-file: open mode only; authenticated mode "
                       "signs the HMAC TLV with --auth-key-file");
        return IPPM_EXIT_USAGE;
    }
    const char *opt = o->key_file ? "--auth-key-file" : "--hmac-key-file";
    const char *file = o->key_file ? o->key_file : o->hmac_key_file;
    if (!file)
        return -1;
    if (ippm_keyfile_read(opt, file, ls->key, &ls->key_len) != 0)
        return IPPM_EXIT_USAGE;
    if (ippm_crypto_openssl_init(&ls->crypto) != 0) {
        ippm_crypto_openssl_free(&ls->crypto);
        ippm_cli_error("conform: OpenSSL has no HMAC-SHA-256");
        return IPPM_EXIT_RUNTIME;
    }
    ls->have_crypto = true;
    return -1;
}

/* The key (load_key) and an empty run for a live target. Returns -1 to
 * go on (then live_end), else the exit status. */
static int live_begin(const struct conform_opts *o, struct live_setup *ls)
{
    memset(ls, 0, sizeof *ls);
    int rc = load_key(o, ls);
    if (rc >= 0)
        return rc;
    ls->run = calloc(1, sizeof *ls->run);
    if (!ls->run) {
        ippm_cli_error("conform: out of memory");
        if (ls->have_crypto)
            ippm_crypto_openssl_free(&ls->crypto);
        return IPPM_EXIT_RUNTIME;
    }
    return -1;
}

/* Frees what live_begin made. */
static void live_end(struct live_setup *ls)
{
    conform_run_free(ls->run);
    free(ls->run);
    if (ls->have_crypto)
        ippm_crypto_openssl_free(&ls->crypto);
}

/* see conform_cmd.h */
void conform_catch_stop(void)
{
    ippm_net_stop_signals();
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &stop, NULL);
}

/* Runs the catalogue on obs, prints the table, writes the reports.
 * Returns the exit status. */
static int grade(const struct ippm_obs *obs, const struct conform_opts *o,
                 const char *suite, const char *target, uint64_t start_ns)
{
    size_t n;
    int status;
    struct ippm_case_result *res = conform_run_catalogue(obs, o, suite, &n, &status);
    if (!res)
        return status;
    /* Our own probes: the round trips of the base packets. A graded
     * sender's exchanges time only our reflector, so no plot. */
    bool probed = obs->live && obs->role == IPPM_ROLE_REFLECTOR;
    status = conform_report_results(o, suite, target, start_ns, res, n,
                            probed ? obs->ex : NULL, obs->n_ex, obs);
    free(res);
    return status;
}

/* see conform_cmd.h */
void conform_print_traffic(const struct conform_run *run)
{
    size_t answered = 0;
    for (size_t i = 0; i < run->obs.n_ex; i++)
        answered += run->ex[i].rep != NULL;
    printf("sent %zu requests, %zu answered, %llu replies in all "
           "(%llu matched no request)\n",
           run->obs.n_ex, answered, (unsigned long long)run->received,
           (unsigned long long)run->obs.unmatched_replies);
    if (run->icmp_refused)
        printf("warning: %llu ICMP port unreachable: nothing listens there\n",
               (unsigned long long)run->icmp_refused);
}

/* see conform_cmd.h */
bool conform_no_reply(const struct conform_run *run)
{
    for (size_t i = 0; i < run->obs.n_ex; i++)
        if (run->ex[i].rep)
            return false;
    return run->received == 0 || run->icmp_refused > 0;
}

/* TWAMP Light in mode A or E: the light front's keys (impl/twamp/light.c)
 * from --auth-key-file and --mode. Returns -1 to go on, else the exit
 * status after one line. */
static int twl_keys(const struct conform_opts *o,
                    const struct stamp_twl_auth **ops, void **state)
{
    *ops = NULL;
    *state = NULL;
    if (o->owtw_mode && o->owtw_mode != OWTW_MODE_AUTH &&
        o->owtw_mode != OWTW_MODE_ENCRYPTED) {
        ippm_cli_error("--mode: TWAMP Light is graded open, auth or "
                       "encrypted (with --auth-key-file)");
        return IPPM_EXIT_USAGE;
    }
    if (!o->key_file && o->owtw_mode) {
        ippm_cli_error("--mode: needs --auth-key-file (the key of modes A "
                       "and E)");
        return IPPM_EXIT_USAGE;
    }
    if (!o->key_file)
        return -1;
    return twamp_light_reflector_front.auth_open(
        "conform twamp-light-reflector", o->key_file,
        o->owtw_mode == OWTW_MODE_ENCRYPTED, false, 0x0001, ops, state);
}

/* Probes the reflector at target (a STAMP or, t->protocol "twamp", a
 * TWAMP-Light one) and grades it. */
static int run_reflector_suite(const struct conform_opts *o,
                               const struct ippm_addr *target,
                               const struct conform_target *t)
{
    struct live_setup ls;
    const struct stamp_twl_auth *twl_auth = NULL;
    void *twl_state = NULL;
    bool twl = strcmp(t->protocol, "twamp") == 0;
    struct conform_opts lo = *o;
    int rc = twl ? twl_keys(o, &twl_auth, &twl_state) : -1;
    if (rc >= 0)
        return rc;
    if (twl) /* the key is the light front's, not STAMP's */
        lo.key_file = NULL;
    rc = live_begin(&lo, &ls);
    if (rc >= 0) {
        if (twl_state)
            twamp_light_reflector_front.auth_close(twl_state);
        return rc;
    }
    struct conform_run *run = ls.run;
    struct conform_reflector_opts ro = {
        .target = *target,
        .twamp_light = twl,
        .twl_auth = twl_auth,
        .auth = !twl && o->key_file != NULL,
        .crypto = ls.have_crypto ? &ls.crypto : NULL,
        .key = o->key_file ? ls.key : NULL,
        .key_len = ls.key_len,
        .expect_stateful = o->stateful,
        .expect_tsfmt = o->tsfmt,
        .timeout_ns = o->timeout_ns ? o->timeout_ns : NS_PER_S,
        .tolerance_ns = o->tolerance_ns,
        .ttl = o->ttl,
        .tlv_key = o->hmac_key_file ? ls.key : NULL,
        .tlv_key_len = o->hmac_key_file ? ls.key_len : 0,
        .ssid_set = o->ssid_set,
        .n_ssid_set = o->n_ssid_set,
    };
    char err[IPPM_NET_ERRLEN], where[IPPM_ADDR_STRLEN];
    ippm_addr_fmt(target, where, sizeof where);
    uint64_t start = ippm_clock_realtime();
    if (conform_live_reflector(&ro, run, err, sizeof err) != 0) {
        ippm_cli_error("conform %s: %s: %s", t->name, where, err);
        rc = IPPM_EXIT_RUNTIME;
    } else if (conform_no_reply(run) && !ippm_net_stopping()) {
        /* Nothing to grade is not a graded FAIL: a closed port would show
         * the same "got no reply" table as a broken reflector. Nor is it
         * a pass (issue 9): exit 4, nothing graded. */
        ippm_cli_error("conform %s: nothing graded: no reply "
                       "from %s%s: is a %s reflector listening?",
                       t->name, where,
                       run->icmp_refused ? " (ICMP port unreachable)" : "",
                       ro.twamp_light ? "TWAMP-Light" : "STAMP");
        rc = IPPM_EXIT_NOTHING;
    } else {
        conform_print_traffic(run);
        rc = grade(&run->obs, o, t->name, where, start);
    }
    live_end(&ls);
    if (twl_state)
        twamp_light_reflector_front.auth_close(twl_state);
    return rc;
}

static void defaults(struct conform_opts *o)
{
    memset(o, 0, sizeof *o);
    o->stateful = -1;
    o->port = STAMP_PORT;
    o->count = 10;
    o->ttl = 64;
    o->tolerance_ns = NS_PER_S;
}

static int cmd_reflector(const struct conform_target *t, int argc,
                         char **argv)
{
    struct conform_opts o;
    defaults(&o);
    char prog[64];
    snprintf(prog, sizeof prog, "conform %s", t->name);
    int rc = parse(&o, argc, argv, prog, t->deny);
    if (rc < 0)
        rc = check_before_traffic(&o, t->protocol, t->name, 1u << t->role);
    if (rc >= 0)
        return rc;
    if (optind >= argc) {
        ippm_cli_error("%s: missing HOST[:PORT]", prog);
        return IPPM_EXIT_USAGE;
    }
    if (optind + 1 < argc) {
        ippm_cli_error("%s: unexpected '%s'", prog, argv[optind + 1]);
        return IPPM_EXIT_USAGE;
    }
    /* --port is HOST:PORT's alternative; both must agree. */
    struct ippm_addr target;
    rc = ippm_cli_addr(prog, argv[optind], o.port_given ? o.port : 0,
                       STAMP_PORT, &target);
    if (rc != 0)
        return rc;
    return run_reflector_suite(&o, &target, t);
}

static int cmd_sender(const struct conform_target *t, int argc, char **argv)
{
    struct conform_opts o;
    defaults(&o);
    int rc = parse(&o, argc, argv, "conform stamp-sender", t->deny);
    if (rc < 0)
        rc = check_before_traffic(&o, t->protocol, t->name, 1u << t->role);
    if (rc >= 0)
        return rc;
    if (optind < argc) {
        ippm_cli_error("conform stamp-sender: unexpected '%s'", argv[optind]);
        return IPPM_EXIT_USAGE;
    }
    char err[IPPM_NET_ERRLEN];
    struct ippm_addr local = {.port = o.port};
    if (o.listen &&
        (rc = ippm_cli_addr("--listen", o.listen, o.port_given ? o.port : 0,
                            STAMP_PORT, &local)) != 0)
        return rc;
    struct live_setup ls;
    rc = live_begin(&o, &ls);
    if (rc >= 0)
        return rc;
    struct conform_run *run = ls.run;
    struct conform_sender_opts so = {
        .listen = o.listen ? &local : NULL,
        .port = local.port,
        .count = o.count,
        .timeout_ns = o.timeout_ns ? o.timeout_ns : 10 * NS_PER_S,
        .auth = o.key_file != NULL,
        .crypto = ls.have_crypto ? &ls.crypto : NULL,
        .key = o.key_file ? ls.key : NULL,
        .key_len = ls.key_len,
        .tolerance_ns = o.tolerance_ns,
    };
    uint64_t start = ippm_clock_realtime();
    if (conform_live_sender(&so, run, err, sizeof err) != 0) {
        ippm_cli_bind_error("conform stamp-sender", err, "--port");
        rc = IPPM_EXIT_RUNTIME;
    } else {
        char where[IPPM_ADDR_STRLEN] = "no sender seen";
        if (!run->obs.n_ex && !ippm_net_stopping()) {
            /* Nothing to grade is not a pass. */
            ippm_cli_error("conform stamp-sender: nothing graded: no packet "
                           "arrived within --timeout");
            rc = IPPM_EXIT_NOTHING;
        } else {
            if (run->obs.n_ex) /* none: interrupted first */
                ippm_addr_fmt(&run->ex[0].req_src, where, sizeof where);
            printf("received %zu packets\n", run->obs.n_ex);
            rc = grade(&run->obs, &o, "stamp-sender", where, start);
        }
    }
    live_end(&ls);
    return rc;
}

/* Every case, one per line: ID, section, level, role, title. */
static int list_cases(const struct conform_opts *o)
{
    size_t n;
    const struct ippm_case *c = ippm_catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        if (o->only && strncmp(c[i].id, o->only, strlen(o->only)) != 0)
            continue;
        printf("%-20s %-36s %-6s %-9s %s\n", c[i].id, c[i].section,
               ippm_level_str(c[i].level), ippm_role_str(c[i].role),
               c[i].title);
    }
    return IPPM_EXIT_OK;
}

/* ---- the targets ---- */

/* usage() lines of the no-target row. */
#define SELF_HELP                                                              \
    "ippm's own reflector on 127.0.0.1 in every mode\n"                        \
    "(open stateless on port 862 when it can, open\n"                          \
    "stateful, authenticated with a random key, PTP),\n"                       \
    "and ippm's own sender (open, authenticated,\n"                            \
    "PTP), TWAMP and OWAMP servers (open, encrypted)\n"                        \
    "and ippm udping client and server (UDPing)\n"                             \
    "graded, merged; then the pcap corpus; writes\n"                           \
    "reports/ippm-report.json and\n"                                           \
    "reports/ippm-report.junit.xml (reports/ made here\n"                      \
    "if missing)"

/* Every bit of IPPM_PROBE_STAMP_*: what the prober sends. */
#define STAMP_PROBES ((IPPM_PROBE_STAMP_TLV_BER << 1) - 1u)

/* Each live target: `ippm conform NAME` runs it; `ippm conform` runs the
 * self-test of each, in this order, and merges them into one report. */
/* ippm conform twamp-server|owamp-server HOST[:PORT]. */
static int cmd_owtw_server(const struct conform_target *t, int argc,
                           char **argv)
{
    struct conform_opts o;
    defaults(&o);
    char prog[64];
    snprintf(prog, sizeof prog, "conform %s", t->name);
    int rc = parse(&o, argc, argv, prog, t->deny);
    if (rc < 0)
        rc = check_before_traffic(&o, t->protocol, t->name, 1u << t->role);
    if (rc >= 0)
        return rc;
    if (optind + 1 != argc) {
        ippm_cli_error(optind >= argc ? "%s: missing HOST[:PORT]"
                                      : "%s: unexpected argument", prog);
        return IPPM_EXIT_USAGE;
    }
    bool ow = strcmp(t->protocol, "owamp") == 0;
    struct ippm_addr target;
    rc = ippm_cli_addr(prog, argv[optind], o.port_given ? o.port : 0,
                       ow ? 861 : 862, &target);
    if (rc != 0)
        return rc;
    return conform_owtw_server(&o, &target, ow, t->name, argv[optind]);
}

/* ippm conform rmbt-server HOST[:PORT] --seed S [--ip IP]
 * (conform_rmbt.c). */
static int cmd_rmbt_server(const struct conform_target *t, int argc,
                           char **argv)
{
    struct conform_opts o;
    defaults(&o);
    const char *prog = "conform rmbt-server";
    int rc = parse(&o, argc, argv, prog, t->deny);
    if (rc < 0)
        rc = check_before_traffic(&o, t->protocol, t->name, 1u << t->role);
    if (rc >= 0)
        return rc;
    struct ippm_addr target;
    if (optind + 1 != argc || !o.rmbt_seed || !*o.rmbt_seed) {
        ippm_cli_error(optind >= argc       ? "%s: missing HOST[:PORT]"
                       : optind + 1 != argc ? "%s: unexpected argument"
                                            : "%s: needs --seed SECRET",
                       prog);
        return IPPM_EXIT_USAGE;
    }
    rc = ippm_cli_addr(prog, argv[optind], o.port_given ? o.port : 0, 444,
                       &target);
    return rc ? rc
              : conform_rmbt_server(&o, &target, o.rmbt_seed, o.rmbt_ip,
                                    argv[optind]);
}

/* ippm conform udping-sender --listen [ADDR:]PORT: grade what arrives. */
static int cmd_udping_sender(const struct conform_target *t, int argc,
                             char **argv)
{
    struct conform_opts o;
    defaults(&o);
    const char *prog = "conform udping-sender";
    o.count = 0; /* no limit unless --count: a sender sends until stopped */
    int rc = parse(&o, argc, argv, prog, t->deny);
    if (rc < 0)
        rc = check_before_traffic(&o, t->protocol, t->name, 1u << t->role);
    if (rc >= 0)
        return rc;
    if (optind < argc) {
        ippm_cli_error("%s: unexpected '%s'", prog, argv[optind]);
        return IPPM_EXIT_USAGE;
    }
    if (!o.listen) {
        ippm_cli_error("%s: --listen [ADDR:]PORT is required (where the "
                       "sender sends)", prog);
        return IPPM_EXIT_USAGE;
    }
    /* A bare port listens on every address. */
    struct ippm_addr local;
    uint16_t port = 0;
    bool bare = o.listen[0] && strspn(o.listen, "0123456789") ==
                                   strlen(o.listen);
    if (bare && ippm_cli_port("--listen", o.listen, &port) != 0)
        return IPPM_EXIT_USAGE;
    if (!bare &&
        (rc = ippm_cli_addr("--listen", o.listen, 0, 0, &local)) != 0)
        return rc;
    return conform_udping_sender(&o, bare ? NULL : &local,
                                 bare ? port : local.port, o.duration_ns,
                                 prog);
}

/* ippm conform udping-server HOST[:PORT] --statsd [ADDR:]PORT. */
static int cmd_udping_server(const struct conform_target *t, int argc,
                             char **argv)
{
    struct conform_opts o;
    defaults(&o);
    o.timeout_ns = 0; /* conform_udping_server's default */
    const char *prog = "conform udping-server";
    int rc = parse(&o, argc, argv, prog, t->deny);
    if (rc < 0)
        rc = check_before_traffic(&o, t->protocol, t->name, 1u << t->role);
    if (rc >= 0)
        return rc;
    if (optind + 1 != argc || !o.statsd) {
        ippm_cli_error(optind >= argc       ? "%s: missing HOST[:PORT]"
                       : optind + 1 != argc ? "%s: unexpected argument"
                                            : "%s: needs --statsd "
                                              "[ADDR:]PORT (where the "
                                              "server's -s or -t sends)",
                       prog);
        return IPPM_EXIT_USAGE;
    }
    struct ippm_addr target, local;
    uint16_t sport = 0;
    bool bare = o.statsd[0] &&
                strspn(o.statsd, "0123456789") == strlen(o.statsd);
    if (bare && ippm_cli_port("--statsd", o.statsd, &sport) != 0)
        return IPPM_EXIT_USAGE;
    if ((!bare &&
         (rc = ippm_cli_addr("--statsd", o.statsd, 0, 0, &local)) != 0) ||
        (rc = ippm_cli_addr(prog, argv[optind], o.port_given ? o.port : 0, 0,
                            &target)) != 0)
        return rc;
    return conform_udping_server(&o, &target, bare ? NULL : &local,
                                 bare ? sport : local.port, prog,
                                 argv[optind], NULL, NULL);
}

static const struct conform_target conform_targets[] = {
    {"stamp-reflector", "stamp", "HOST[:PORT]",
     "probe a Session-Reflector (port 862 by default;\n"
     "IPv6 as [::1]:862; or HOST --port PORT)",
     IPPM_ROLE_REFLECTOR, STAMP_PROBES, deny_reflector, cmd_reflector,
     &conform_selftest_reflector},
    {"stamp-sender", "stamp", "",
     "act as reflector and grade the Session-Sender\n"
     "that sends to us",
     IPPM_ROLE_SENDER, 0, deny_sender, cmd_sender,
     &conform_selftest_sender},
    {"twamp-light-reflector", "twamp", "HOST[:PORT]",
     "probe a TWAMP-Light Session-Reflector (RFC 5357\n"
     "Appendix I; port 862 by default): the TWAMP-Test\n"
     "cases, unauthenticated",
     IPPM_ROLE_REFLECTOR,
     IPPM_PROBE_STAMP_BASE | IPPM_PROBE_STAMP_PAD | IPPM_PROBE_STAMP_SESSION2,
     deny_twamp_light, cmd_reflector, &conform_selftest_twamp_light},
    {"twamp-server", "twamp", "HOST[:PORT]",
     "drive a TWAMP server's control protocol (RFC 5357\n"
     "§3; port 862 by default) black-box, misbehaving\n"
     "on purpose: the TWAMP-Control cases",
     IPPM_ROLE_REFLECTOR, 0, deny_owtw_server, cmd_owtw_server,
     &conform_selftest_twamp_server},
    {"owamp-server", "owamp", "HOST[:PORT]",
     "the same for an OWAMP server (RFC 4656 §3; port\n"
     "861 by default): the OWAMP-Control cases",
     IPPM_ROLE_REFLECTOR, 0, deny_owtw_server, cmd_owtw_server,
     &conform_selftest_owamp_server},
    {"rmbt-server", "rmbt", "HOST[:PORT] --seed S",
     "probe an RMBT UDP ping server (port 444 by\n"
     "default) with every row of the notes' bad-input\n"
     "table: the RMBT cases",
     IPPM_ROLE_REFLECTOR, 0, deny_rmbt_server, cmd_rmbt_server,
     &conform_selftest_rmbt_server},
    {"udping-sender", "udping", "--listen [ADDR:]PORT",
     "grade the UDPing sender (yahoo/UDPing's client)\n"
     "that sends there: its datagrams, ports, guids",
     IPPM_ROLE_SENDER, 0, deny_udping_sender, cmd_udping_sender,
     &conform_selftest_udping_sender},
    {"udping-server", "udping", "HOST[:PORT] --statsd [ADDR:]PORT",
     "send a UDPing server three streams with losses\n"
     "made on purpose and grade the sessions it\n"
     "reports by statsd (its -s or -t to --statsd)",
     IPPM_ROLE_REFLECTOR, 0, deny_udping_server, cmd_udping_server,
     &conform_selftest_udping_server},
};
#define N_TARGETS COUNT_OF(conform_targets)
_Static_assert(N_TARGETS <= CONFORM_TARGETS_MAX, "conform_selftest.c");

/* One row of usage(): label, then text's lines one under the other. */
static void usage_row(FILE *f, const char *label, const char *text)
{
    fprintf(f, "  %-30s", label);
    if (strlen(label) >= 30) /* a long label gets a line of its own */
        fprintf(f, "\n%32s", "");
    for (const char *l = text; *l;) {
        const char *nl = strchr(l, '\n');
        int len = nl ? (int)(nl - l) : (int)strlen(l);
        fprintf(f, "%s%.*s\n", l == text ? "" : "                                ",
                len, l);
        l += len + (nl != NULL);
    }
}

/* see the declaration above parse() */
static void usage(FILE *f)
{
    char label[64];
    fputs("usage: ippm conform [", f);
    for (size_t t = 0; t < N_TARGETS; t++)
        fprintf(f, "%s%s%s%s", t ? " | " : "", conform_targets[t].name,
                conform_targets[t].args[0] ? " " : "", conform_targets[t].args);
    fputs("] [options]\n"
          "Grade a STAMP (RFC 8762; RFC 8972, 9503, 9534 TLVs) or TWAMP-Light "
          "(RFC 5357) implementation against the conformance catalogue.\n\n",
          f);
    for (size_t t = 0; t < N_TARGETS; t++) {
        snprintf(label, sizeof label, "%s%s%s", conform_targets[t].name,
                 conform_targets[t].args[0] ? " " : "",
                 conform_targets[t].args);
        usage_row(f, label, conform_targets[t].help);
    }
    usage_row(f, "(none)", SELF_HELP);
    fputs(USAGE_OPTIONS, f);
    ippm_cli_short_usage(f, long_opts);
}

/* "conform: unknown target 'x' (stamp-reflector, stamp-sender)". */
static void unknown_target(const char *name)
{
    char list[256] = "";
    for (size_t t = 0; t < N_TARGETS; t++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", t ? ", " : "",
                 conform_targets[t].name);
    }
    ippm_cli_error("conform: unknown target '%s' (%s)", name, list);
}

/* The protocol --only names for the self-test, which grades STAMP and
 * TWAMP Light: "twamp" when its (first) prefix is TWAMP's. */
static const char *self_protocol(const char *only)
{
    if (only && strncasecmp(only, "RMBT", 4) == 0) /* ippm rmbt server */
        return "rmbt";
    if (only && strncasecmp(only, "UDPING", 6) == 0)
        return "udping";
    return only && strncasecmp(only, "TWAMP", 5) == 0 ? "twamp" : "stamp";
}

/* `ippm conform` with no target. */
static int cmd_self(int argc, char **argv)
{
    struct conform_opts o;
    defaults(&o);
    int rc = parse(&o, argc, argv, "conform", deny_self);
    if (rc >= 0)
        return rc;
    /* A prefix that lists nothing is as much a typo as one that grades
     * nothing. */
    if (o.list)
        return conform_check_only(o.only, self_protocol(o.only),
                                  1u << IPPM_ROLE_REFLECTOR |
                                      1u << IPPM_ROLE_SENDER,
                                  "stamp") != 0
                   ? IPPM_EXIT_USAGE
                   : list_cases(&o);
    if (optind < argc) {
        unknown_target(argv[optind]);
        return IPPM_EXIT_USAGE;
    }
    if (o.key_file) {
        ippm_cli_error("conform: --auth-key-file needs a target "
                       "(stamp-reflector HOST); the self-test makes its "
                       "own key");
        return IPPM_EXIT_USAGE;
    }
    /* A corpus asked for by name must be there; only the default one may
     * be absent (run_pcap_corpus). */
    if (o.manifest && !o.no_pcap && access(o.manifest, R_OK) != 0) {
        ippm_cli_error("--pcap-manifest: cannot read '%s': %s", o.manifest,
                       strerror(errno));
        return IPPM_EXIT_USAGE;
    }
    int made = !o.json || !o.junit ? ippm_cli_reports_dir() : 0;
    if (made < 0)
        return IPPM_EXIT_RUNTIME;
    if (!o.json)
        o.json = IPPM_REPORTS_DIR "/ippm-report.json";
    if (!o.junit)
        o.junit = IPPM_REPORTS_DIR "/ippm-report.junit.xml";
    if (!o.timeout_ns)
        o.timeout_ns = NS_PER_S / 2;
    rc = check_before_traffic(&o, self_protocol(o.only), "stamp",
                              1u << IPPM_ROLE_REFLECTOR |
                                  1u << IPPM_ROLE_SENDER);
    if (rc >= 0) {
        if (made) /* a refused run leaves nothing behind */
            rmdir(IPPM_REPORTS_DIR);
        return rc;
    }
    /* --stateful, --stateless, --timestamp: every mode runs anyway. */
    rc = conform_self_suite(&o, conform_targets, N_TARGETS);
    if ((rc == IPPM_EXIT_OK || rc == IPPM_EXIT_FAIL) && !ippm_net_stopping()) {
        int prc = conform_run_pcap_corpus(&o);
        if (rc == IPPM_EXIT_OK)
            rc = prc;
    }
    return rc;
}

/* see commands.h */
int cmd_conform(int argc, char **argv)
{
    conform_catch_stop();
    for (size_t t = 0; argc > 1 && t < N_TARGETS; t++)
        if (strcmp(argv[1], conform_targets[t].name) == 0)
            return conform_targets[t].run(&conform_targets[t], argc - 1,
                                          argv + 1);
    return cmd_self(argc, argv);
}
