#include "owtw_cli.h"

#include <string.h>

#include "impl/commands.h"
#include "impl/core/config.h"

#include "impl/core/cli.h"
#include "impl/core/keyfile.h"
#include "proto/common/ippm_time.h"

#define MAX_COUNT 100000000u  /* a session's packets (32-bit seq space) */
#define MAX_PADDING 65000u    /* octets after a test packet */

#define COMMON_SERVER_OPTS                                                  \
    {"port", required_argument, NULL, OWTW_OPT_PORT},                       \
    {"listen", required_argument, NULL, OWTW_OPT_LISTEN},                   \
    {"modes", required_argument, NULL, OWTW_OPT_MODES},                     \
    {"keys", required_argument, NULL, OWTW_OPT_KEYS},                       \
    {"test-ports", required_argument, NULL, OWTW_OPT_TEST_PORTS},           \
    {"servwait", required_argument, NULL, OWTW_OPT_SERVWAIT},               \
    {"max-conns", required_argument, NULL, OWTW_OPT_MAX_CONNS},             \
    OWTW_LIMITS_LONGOPTS,                                                   \
    {"quiet", no_argument, NULL, OWTW_OPT_QUIET},                           \
    {"metrics", required_argument, NULL, OWTW_OPT_METRICS},                 \
    {"help", no_argument, NULL, OWTW_OPT_HELP}

/* see owtw_cli.h; --refwait is TWAMP's, and harmless to OWAMP's parser
 * (its server never reflects), so one table serves both. */
const struct option owtw_server_longopts[] = {
    COMMON_SERVER_OPTS,
    {"refwait", required_argument, NULL, OWTW_OPT_REFWAIT},
    {NULL, 0, NULL, 0},
};

#define COMMON_CLIENT_OPTS                                                  \
    {"port", required_argument, NULL, OWTW_OPT_PORT},                       \
    {"modes", required_argument, NULL, OWTW_OPT_MODES},                     \
    {"keys", required_argument, NULL, OWTW_OPT_KEYS},                       \
    {"key-id", required_argument, NULL, OWTW_OPT_KEY_ID},                   \
    {"count", required_argument, NULL, OWTW_OPT_COUNT},                     \
    {"interval", required_argument, NULL, OWTW_OPT_INTERVAL},               \
    {"poisson", required_argument, NULL, OWTW_OPT_POISSON},                 \
    {"padding", required_argument, NULL, OWTW_OPT_PADDING},                 \
    {"dscp", required_argument, NULL, OWTW_OPT_DSCP},                       \
    {"wait", required_argument, NULL, OWTW_OPT_WAIT},                       \
    {"start-delay", required_argument, NULL, OWTW_OPT_START_DELAY},         \
    {"connect-timeout", required_argument, NULL, OWTW_OPT_CONNECT_TIMEOUT}, \
    {"test-port", required_argument, NULL, OWTW_OPT_TEST_PORT},             \
    {"test-via", required_argument, NULL, OWTW_OPT_TEST_VIA},               \
    {"json", required_argument, NULL, OWTW_OPT_JSON},                       \
    {"jsonl", required_argument, NULL, OWTW_OPT_JSONL},                     \
    {"html", required_argument, NULL, OWTW_OPT_HTML},                       \
    {"per-packet", no_argument, NULL, OWTW_OPT_PER_PACKET},                 \
    {"histogram", no_argument, NULL, OWTW_OPT_HISTOGRAM},                   \
    {"no-progress", no_argument, NULL, OWTW_OPT_NO_PROGRESS},               \
    {"help", no_argument, NULL, OWTW_OPT_HELP}

/* see owtw_cli.h */
const struct option owtw_twamp_client_longopts[] = {
    COMMON_CLIENT_OPTS,
    {NULL, 0, NULL, 0},
};

/* see owtw_cli.h */
const struct option owtw_owamp_client_longopts[] = {
    COMMON_CLIENT_OPTS,
    {"to", no_argument, NULL, OWTW_OPT_TO},
    {"from", no_argument, NULL, OWTW_OPT_FROM},
    {"both", no_argument, NULL, OWTW_OPT_BOTH},
    {NULL, 0, NULL, 0},
};

static const struct {
    const char *name;
    uint32_t bit;
} mode_names[] = {
    {"open", OWTW_CLI_OPEN},
    {"unauthenticated", OWTW_CLI_OPEN},
    {"auth", OWTW_CLI_AUTH},
    {"authenticated", OWTW_CLI_AUTH},
    {"encrypted", OWTW_CLI_ENCRYPTED},
    {"mixed", OWTW_CLI_MIXED},
};

#define N_MODE_NAMES (sizeof(mode_names) / sizeof(mode_names[0]))

/* What mode_item fills: the bits, and whether RFC 5618 mixed (TWAMP
 * only) is a mode of the program at all. */
struct mode_parse {
    uint32_t bits;
    bool twamp;
};

static int mode_item(const char *opt, char *item, void *arg)
{
    struct mode_parse *mp = arg;
    if (strcmp(item, "all") == 0) {
        mp->bits |= OWTW_CLI_OPEN | OWTW_CLI_AUTH | OWTW_CLI_ENCRYPTED |
                    (mp->twamp ? OWTW_CLI_MIXED : 0);
        return 0;
    }
    for (size_t i = 0; i < N_MODE_NAMES; i++) {
        char num[4];
        snprintf(num, sizeof(num), "%u", (unsigned)mode_names[i].bit);
        if (strcmp(item, mode_names[i].name) != 0 && strcmp(item, num) != 0)
            continue;
        if (mode_names[i].bit == OWTW_CLI_MIXED && !mp->twamp) {
            ippm_cli_error("%s: '%s': mixed mode is TWAMP's (RFC 5618), "
                           "OWAMP has open, auth, encrypted", opt, item);
            return -1;
        }
        mp->bits |= mode_names[i].bit;
        return 0;
    }
    ippm_cli_error("%s: '%s' is not a mode (open, auth, encrypted, mixed, "
                   "all, or 1, 2, 4, 8)",
                   opt, item);
    return -1;
}

/* see owtw_cli.h */
int owtw_cli_modes_of(const char *opt, const char *s, bool twamp,
                      uint32_t *out)
{
    struct mode_parse mp = {0, twamp};
    if (ippm_cli_each(opt, s, "a list of modes", mode_item, &mp) != 0)
        return -1;
    *out = mp.bits;
    return 0;
}

/* see owtw_cli.h */
int owtw_cli_modes(const char *opt, const char *s, uint32_t *out)
{
    return owtw_cli_modes_of(opt, s, true, out);
}

/* see owtw_cli.h */
const char *owtw_cli_mode_name(uint32_t bits)
{
    if (bits & OWTW_CLI_ENCRYPTED)
        return "encrypted";
    if (bits & OWTW_CLI_MIXED)
        return "mixed";
    if (bits & OWTW_CLI_AUTH)
        return "auth";
    return bits & OWTW_CLI_OPEN ? "open" : "none";
}

/* see owtw_cli.h */
void owtw_server_defaults(struct owtw_server_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->modes = OWTW_CLI_OPEN;
    o->servwait_ns = 900 * IPPM_NS_PER_SEC;
    o->refwait_ns = 900 * IPPM_NS_PER_SEC;
    o->max_conns = 64;
    owtw_limits_defaults(&o->lim);
}

/* see owtw_cli.h */
void owtw_client_defaults(struct owtw_client_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->modes = OWTW_CLI_OPEN;
    o->count = 100;
    o->interval_ns = IPPM_NS_PER_SEC / 10;
    o->dscp = -1;
    o->wait_ns = 2 * IPPM_NS_PER_SEC;
    o->start_delay_ns = IPPM_NS_PER_SEC;
    o->connect_timeout_ns = 5 * IPPM_NS_PER_SEC;
}

static int test_ports(struct owtw_server_opts *o, const char *arg)
{
    char item[64];
    uint64_t lo, hi;
    if (strlen(arg) >= sizeof(item)) {
        ippm_cli_error("--test-ports: '%s' is not a port range", arg);
        return -1;
    }
    strcpy(item, arg);
    if (ippm_cli_range("--test-ports", item, 1, 65535, "a port", &lo, &hi))
        return -1;
    o->test_lo = (uint16_t)lo;
    o->test_hi = (uint16_t)hi;
    return 0;
}

/* see owtw_cli.h */
int owtw_server_opt(struct owtw_server_opts *o, int id, const char *arg)
{
    switch (id) {
    case OWTW_OPT_PORT: return ippm_cli_port("--port", arg, &o->port);
    case OWTW_OPT_LISTEN: o->listen = arg; return 0;
    case OWTW_OPT_MODES:
        o->modes_given = true;
        return owtw_cli_modes("--modes", arg, &o->modes);
    case OWTW_OPT_KEYS: o->keys = arg; return 0;
    case OWTW_OPT_TEST_PORTS: return test_ports(o, arg);
    case OWTW_OPT_SERVWAIT:
        return ippm_cli_seconds("--servwait", arg, 1, 86400, &o->servwait_ns);
    case OWTW_OPT_REFWAIT:
        return ippm_cli_seconds("--refwait", arg, 1, 86400, &o->refwait_ns);
    case OWTW_OPT_MAX_CONNS:
        return ippm_cli_u32("--max-conns", arg, 1, 4096, "a connection count",
                            &o->max_conns);
    case OWTW_OPT_QUIET: o->quiet = true; return 0;
    case OWTW_OPT_METRICS:
        o->exp.metrics = arg;
        return ippm_export_check_metrics(arg);
    default: return owtw_limits_opt(&o->lim, id, arg) == 0 ? 0 : -1;
    }
}

/* The options that take a number. */
static int client_number(struct owtw_client_opts *o, int id, const char *arg)
{
    uint8_t d;
    switch (id) {
    case OWTW_OPT_PORT: return ippm_cli_port("--port", arg, &o->port);
    case OWTW_OPT_COUNT:
        return ippm_cli_u32("--count", arg, 1, MAX_COUNT, "a count", &o->count);
    case OWTW_OPT_INTERVAL:
        return ippm_cli_seconds("--interval", arg, 0, 3600, &o->interval_ns);
    case OWTW_OPT_POISSON:
        o->poisson = true;
        return ippm_cli_seconds("--poisson", arg, 1e-6, 3600, &o->interval_ns);
    case OWTW_OPT_PADDING:
        o->padding_given = true;
        return ippm_cli_u32("--padding", arg, 0, MAX_PADDING, "a padding length",
                            &o->padding);
    case OWTW_OPT_DSCP:
        if (ippm_cli_dscp("--dscp", arg, &d) != 0)
            return -1;
        o->dscp = d;
        return 0;
    case OWTW_OPT_WAIT:
        return ippm_cli_seconds("--wait", arg, 0, 3600, &o->wait_ns);
    case OWTW_OPT_START_DELAY:
        return ippm_cli_seconds("--start-delay", arg, 0, 3600,
                                &o->start_delay_ns);
    case OWTW_OPT_CONNECT_TIMEOUT:
        return ippm_cli_seconds("--connect-timeout", arg, 0.001, 3600,
                                &o->connect_timeout_ns);
    case OWTW_OPT_TEST_PORT:
        return ippm_cli_port("--test-port", arg, &o->test_port);
    case OWTW_OPT_TEST_VIA:
        return ippm_cli_addr("--test-via", arg, 0, 0, &o->test_via) == 0 ? 0
                                                                       : -1;
    default: return 1;
    }
}

/* see owtw_cli.h */
int owtw_client_opt(struct owtw_client_opts *o, int id, const char *arg)
{
    int rc = client_number(o, id, arg);
    if (rc != 1)
        return rc;
    switch (id) {
    case OWTW_OPT_MODES:
        o->modes_given = true;
        return owtw_cli_modes("--modes", arg, &o->modes);
    case OWTW_OPT_KEYS: o->keys = arg; return 0;
    case OWTW_OPT_KEY_ID:
        if (!*arg || strlen(arg) > IPPM_KEYID_MAX) {
            ippm_cli_error("--key-id: '%s' is not a KeyID (1-%d octets)", arg,
                           IPPM_KEYID_MAX);
            return -1;
        }
        o->key_id = arg;
        return 0;
    case OWTW_OPT_JSON: o->json = arg; return 0;
    case OWTW_OPT_JSONL: o->jsonl = arg; return 0;
    case OWTW_OPT_HTML: o->html = arg; return 0;
    case OWTW_OPT_PER_PACKET: o->per_packet = true; return 0;
    case OWTW_OPT_HISTOGRAM: o->histogram = true; return 0;
    case OWTW_OPT_NO_PROGRESS: o->no_progress = true; return 0;
    case OWTW_OPT_TO: o->dir = OWTW_DIR_TO; return 0;
    case OWTW_OPT_FROM: o->dir = OWTW_DIR_FROM; return 0;
    case OWTW_OPT_BOTH: o->dir = OWTW_DIR_BOTH; return 0;
    default: return -1;
    }
}

static const uint32_t keyed_modes =
    OWTW_CLI_AUTH | OWTW_CLI_ENCRYPTED | OWTW_CLI_MIXED;

/* see owtw_cli.h */
int owtw_server_check(struct owtw_server_opts *o, const char *prog)
{
    if (!o->modes_given && o->keys)
        o->modes = OWTW_CLI_OPEN | OWTW_CLI_AUTH | OWTW_CLI_ENCRYPTED;
    if ((o->modes & keyed_modes) && !o->keys) {
        ippm_cli_error("%s: --modes %s needs --keys FILE", prog,
                       owtw_cli_mode_name(o->modes & keyed_modes));
        return -1;
    }
    return 0;
}

/* see owtw_cli.h */
int owtw_client_check(struct owtw_client_opts *o, const char *prog)
{
    if (!o->modes_given && o->keys)
        o->modes = OWTW_CLI_AUTH | OWTW_CLI_ENCRYPTED;
    if (o->key_id && !o->keys) {
        ippm_cli_error("%s: --key-id needs --keys FILE", prog);
        return -1;
    }
    if ((o->modes & keyed_modes) && !o->keys) {
        ippm_cli_error("%s: --modes %s needs --keys FILE and --key-id ID",
                       prog, owtw_cli_mode_name(o->modes & keyed_modes));
        return -1;
    }
    if (o->keys && !o->key_id) {
        ippm_cli_error("%s: --keys needs --key-id ID (the KeyID to use)",
                       prog);
        return -1;
    }
    const struct ippm_cli_output outs[] = {
        {"--json", o->json},
        {"--jsonl", o->jsonl && strcmp(o->jsonl, "-") != 0 ? o->jsonl : NULL},
        {"--html", o->html},
    };
    return ippm_cli_outputs(outs, sizeof(outs) / sizeof(outs[0]));
}

/* see owtw_cli.h */
void owtw_server_usage(FILE *f, const char *section, uint16_t port, bool twamp)
{
    fprintf(f,
        "  --listen ADDR[:PORT]   bind one address (default: every IPv4 and IPv6)\n"
        "  --port PORT            TCP control port (default %u)\n"
        "  --modes LIST           modes offered: open, auth, encrypted,%s\n"
        "                         all, or 1,2,4%s (default open; open,auth,\n"
        "                         encrypted with --keys)\n"
        "  --keys FILE            shared secrets, one 'KEYID HEX-SECRET' a line\n"
        "                         (perfSONAR's owampd.pfs format); refused when\n"
        "                         group or others may read it\n"
        "  --test-ports LO-HI     UDP ports of test sessions (default: any)\n"
        "  --servwait SECONDS     close a control connection idle this long\n"
        "                         (default 900, RFC 5357 §3.1 SERVWAIT)\n",
        (unsigned)port, twamp ? " mixed," : "", twamp ? ",8" : "");
    if (twamp)
        fputs("  --refwait SECONDS      end a test session without packets this\n"
              "                         long (default 900, RFC 5357 §4.2 REFWAIT)\n",
              f);
    fputs(twamp ? OWTW_LIMITS_USAGE_TWAMP : OWTW_LIMITS_USAGE_OWAMP, f);
    fputs("  --max-conns N          control connections at once (default 64)\n"
          OWTW_LIMITS_USAGE
          "  --metrics ADDR:PORT    serve Prometheus metrics on http://ADDR:PORT/"
          "metrics\n"
          "                         (127.0.0.1:9100, [::1]:9100, :9100 for all)\n"
          "  --quiet                no startup line\n",
          f);
    fprintf(f,
            "  --config FILE          options from FILE ([%s] and global\n"
            "                         keys); the command line wins\n"
            "  --help                 this text\n",
            section);
}

/* see owtw_cli.h */
void owtw_client_usage(FILE *f, const char *section, uint16_t port, bool twamp)
{
    fprintf(f,
        "  --port PORT            server's TCP control port (default %u)\n"
        "  --modes LIST           modes acceptable, the strongest the server\n"
        "                         offers is used: open, auth, encrypted,%s\n"
        "                         all, or 1,2,4%s (default open; auth,encrypted\n"
        "                         with --keys)\n"
        "  --keys FILE            shared secrets, one 'KEYID HEX-SECRET' a line\n"
        "                         (perfSONAR's pfs format)\n"
        "  --key-id ID            the KeyID of FILE to authenticate with\n"
        "  --count N              test packets per session (default 100)\n"
        "  --interval SECONDS     between packets (default 0.1)\n"
        "  --poisson MEAN         exponential gaps of MEAN seconds instead\n"
        "                         (RFC 4656 §5 schedule)\n"
        "  --padding N            octets of padding in each test packet\n",
        (unsigned)port, twamp ? " mixed," : "", twamp ? ",8" : "");
    if (twamp)
        fputs("                         (default: the reply's size, so both ways\n"
              "                         carry the same)\n",
              f);
    fputs("  --dscp N               DSCP of the test packets (0-63)\n"
          "  --wait SECONDS         wait for late packets after the last one\n"
          "                         (the session's Timeout, default 2)\n"
          "  --start-delay SECONDS  Start Time this far ahead (default 1)\n"
          "  --connect-timeout SECONDS  give up connecting (default 5)\n"
          "  --test-port N          UDP port to ask for (default: any)\n"
          "  --test-via HOST:PORT   send the test packets there instead of the\n"
          "                         port the server accepted (a relay in front\n"
          "                         of it; with --test-port)\n",
          f);
    if (!twamp)
        fputs("  --to                   one session, from here to the server\n"
              "  --from                 one session, from the server to here\n"
              "  --both                 both sessions at once (the default)\n",
              f);
    fprintf(f,
            "  --per-packet           one line per packet\n"
            "  --histogram            text histograms of the delays\n"
            "  --json FILE            the report as JSON (TWAMP: every\n"
            "                         reflection too)\n"
            "  --jsonl FILE|-         JSON Lines, a record per packet\n"
            "  --html FILE            a self-contained HTML report with plots\n"
            "  --no-progress          no progress line on the terminal\n"
            "  --config FILE          options from FILE ([%s] and global\n"
            "                         keys); the command line wins\n"
            "  --help                 this text\n",
            section);
}

/* --modes of an OWAMP program (the *_opt functions parse TWAMP's). */
static int owamp_modes(const char *arg, uint32_t *modes, bool *given)
{
    *given = true;
    return owtw_cli_modes_of("--modes", arg, false, modes);
}

/* see owtw_cli.h */
int owtw_server_parse(struct owtw_server_opts *o, int argc, char **argv,
                      const struct owtw_prog *p)
{
    int crc = ippm_config_expand(&argc, &argv, owtw_server_longopts,
                                 p->section, p->prog);
    if (crc >= 0)
        return crc;
    owtw_server_defaults(o);
    int c, first = 1;
    while ((c = ippm_cli_next(argc, argv, "h", owtw_server_longopts, p->prog,
                              first)) != -1) {
        first = 0;
        if (c == '?')
            return IPPM_EXIT_USAGE;
        if (c == 'h' || c == OWTW_OPT_HELP) {
            fputs(p->usage_head, stdout);
            owtw_server_usage(stdout, p->section, p->default_port, p->twamp);
            ippm_cli_short_usage(stdout, owtw_server_longopts);
            fputs(p->usage_tail, stdout);
            return IPPM_EXIT_OK;
        }
        if (c == OWTW_OPT_REFWAIT && !p->twamp) {
            ippm_cli_error("%s: --refwait is TWAMP's (an OWAMP server "
                           "reflects nothing)", p->prog);
            return IPPM_EXIT_USAGE;
        }
        int rc = c == OWTW_OPT_MODES && !p->twamp
                     ? owamp_modes(optarg, &o->modes, &o->modes_given)
                     : owtw_server_opt(o, c, optarg);
        if (rc != 0)
            return IPPM_EXIT_USAGE;
    }
    if (optind < argc) {
        ippm_cli_error("%s: unexpected argument '%s' (see --help)", p->prog,
                       argv[optind]);
        return IPPM_EXIT_USAGE;
    }
    return owtw_server_check(o, p->prog) == 0 ? -1 : IPPM_EXIT_USAGE;
}

/* see owtw_cli.h */
int owtw_client_parse(struct owtw_client_opts *o, int argc, char **argv,
                      const struct owtw_prog *p)
{
    const struct option *longopts =
        p->twamp ? owtw_twamp_client_longopts : owtw_owamp_client_longopts;
    int crc = ippm_config_expand(&argc, &argv, longopts, p->section, p->prog);
    if (crc >= 0)
        return crc;
    owtw_client_defaults(o);
    int c, first = 1;
    while ((c = ippm_cli_next(argc, argv, "h", longopts, p->prog, first)) !=
           -1) {
        first = 0;
        if (c == '?')
            return IPPM_EXIT_USAGE;
        if (c == 'h' || c == OWTW_OPT_HELP) {
            fputs(p->usage_head, stdout);
            owtw_client_usage(stdout, p->section, p->default_port, p->twamp);
            ippm_cli_short_usage(stdout, longopts);
            fputs(p->usage_tail, stdout);
            return IPPM_EXIT_OK;
        }
        int rc = c == OWTW_OPT_MODES && !p->twamp
                     ? owamp_modes(optarg, &o->modes, &o->modes_given)
                     : owtw_client_opt(o, c, optarg);
        if (rc != 0)
            return IPPM_EXIT_USAGE;
    }
    if (optind >= argc) {
        ippm_cli_error("%s: missing HOST[:PORT] of the server (see --help)",
                       p->prog);
        return IPPM_EXIT_USAGE;
    }
    o->host = argv[optind++];
    if (optind < argc) {
        ippm_cli_error("%s: unexpected argument '%s' (see --help)", p->prog,
                       argv[optind]);
        return IPPM_EXIT_USAGE;
    }
    return owtw_client_check(o, p->prog) == 0 ? -1 : IPPM_EXIT_USAGE;
}
