/* `ippm stamp reflector`: a loop around stamp_reflector_handle. Receive a
 * batch, hand each datagram to proto with the kernel's receive time, send
 * every reply in one sendmmsg from the address the request arrived at.
 * It never reads a STAMP field: what to answer is proto's business. */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "proto/stamp/stamp.h"
#include "impl/core/admit_opts.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/commands.h"
#include "impl/core/config.h"
#include "impl/core/driver_common.h"
#include "impl/core/keyfile.h"
#include "impl/core/net.h"
#include "impl/core/workers.h"
#include "impl/stamp/driver.h"
#include "impl/stamp/metrics.h"
#include "impl/stamp/refl_lists.h"
#include "impl/stamp/refl_repeat.h"
#include "impl/stamp/txts.h"

#define DEFAULT_SESSION_TIMEOUT_S 60.0
#define DEFAULT_MAX_SESSIONS 4096
/* One address's share of the table: enough for many SSIDs or ports of
 * one host (or a few behind a NAT), far from the whole default table. */
#define DEFAULT_MAX_PER_SOURCE 64
/* After the first short request or refused source, at most one line of
 * the kind per this long. */
#define LOG_PERIOD_NS (10 * IPPM_NS_PER_SEC)
/* How often worker 0 publishes the pool's metrics when idle. */
#define REFL_POOL_PUBLISH_NS (100 * 1000000ull)
/* Work per wakeup: 16 batches of IPPM_NET_BATCH, about a millisecond. */
#define REFL_BATCHES_PER_WAKEUP 16

struct refl_opts {
    const struct stamp_front *front; /* `ippm stamp` or TWAMP-Light */
    bool symmetrical;              /* TWAMP-Light: RFC 6038 §5.1.4 padding */
    bool encrypted;                /* TWAMP-Light: mode E, not A */
    const char *listen;
    uint16_t port;
    bool stateful;
    const char *key_file;
    enum ippm_tsfmt tsfmt;
    uint64_t session_timeout_ns;
    uint64_t max_sessions;         /* stateful: session table size */
    uint64_t max_per_source;       /* stateful: one address's sessions */
    bool reply_to_short;
    bool quiet;
    struct ippm_export_opts exp;   /* --metrics, --agentx */
    bool no_tlv;                   /* RFC 8762 only: octets copied */
    bool no_tx_timestamps;         /* Follow-Up: the Timestamp field */
    size_t max_reply_len;          /* asymmetrical cap, 0: request's */
    uint16_t micro_session_id;     /* RFC 9534, 0: none */
    uint64_t dscp_permitted;       /* CoS: bit d = DSCP d allowed */
    const char *hmac_key_file;     /* open mode's HMAC TLV key */
    bool require_hmac_tlv;         /* RFC 8972 §4.8 in open mode */
    struct ippm_src_policy src;    /* --allow-src-port */
    uint16_t ssids[STAMP_REFLECTOR_SSIDS_MAX]; /* --ssid-set, RFC 8972 §3 */
    size_t n_ssids;
    struct ippm_admit_opts admit;  /* RFC 8762 §6: --allow-from, --rate-limit */
    unsigned threads;              /* --threads, 0 or 1: no pool */
    struct ippm_cpu_list cpus;     /* --cpus */
    struct stamp_repeat_config repeat; /* asymmetrical packets' copies */
};

struct refl_counters {
    uint64_t received;
    uint64_t replied;
    uint64_t send_failed;
    uint64_t dropped;
    uint64_t drop_by[STAMP_ERR_COUNT_];
};

/* What a worker shares of its state for --metrics (under snap_lock) and
 * what the workers add up to. */
struct refl_snap {
    struct refl_counters c;
    uint64_t sessions, evicted, refused;  /* stateful table */
    uint64_t rate_sources, rate_forgotten; /* --rate-limit */
};

/* A rate limit on a kind of log line: the first at once, then at most
 * one per LOG_PERIOD_NS with the count since. */
struct refl_log_limit {
    bool logged;       /* the first line is out */
    uint64_t last_ns;  /* when the last line went out */
    uint64_t unlogged; /* events since that line */
};

/* Everything the loop touches, allocated once. */
struct refl {
    struct refl_opts o;
    struct ippm_sock sock;
    struct ippm_clock clk;
    struct ippm_errest_watch clock_watch; /* our Error Estimate, re-read */
    struct stamp_txts txts;     /* Follow-Up: kernel transmit times */
    struct ippm_driver_key key; /* may be open mode's HMAC TLV key */
    struct stamp_reflector r;
    /* TWAMP Light in mode A or E: the front's operations and state. */
    const struct stamp_twl_auth *twl_auth;
    void *twl_state;
    void *sessions; /* stamp_reflector_store_size(max_sessions) octets */
    struct ippm_ratelimit *ratelimit; /* --rate-limit, NULL: none */
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
    struct refl_counters c;
    /* `ippm stamp reflector` (not stamp_reflector_serve): short requests
     * and refused sources on stderr as they come, rate-limited. */
    bool log_drops;
    struct refl_log_limit log_by[STAMP_ERR_COUNT_];
    struct stamp_refl_metrics met; /* published only when exp.on */
    struct ippm_export exp;
    struct refl_pool *pool; /* --threads N > 1, worker 0: the others */
    const atomic_bool *stop; /* workers 1..N-1: the pool's stop flag */
    unsigned idx;            /* and their number */
    /* A worker of a pool whose worker 0 exports metrics: it copies its
     * state to snap after each batch, under its own lock, which only
     * worker 0's publishing takes besides (no lock between workers). */
    bool share;
    pthread_mutex_t snap_lock;
    struct refl_snap snap;
};

static void refl_snap_take(const struct refl *x, struct refl_snap *t);
static void refl_pool_add_shared(struct refl_pool *p, struct refl_snap *t);
static void refl_share(struct refl *x);
static int refl_pool_open(struct refl *x);
static void refl_pool_free(struct refl_pool *p);
static int refl_run(struct refl *x);
static void refl_pool_summary(const struct refl *x);
static uint64_t refl_pool_rate_sources(const struct refl *x);

/* What one session costs in the table, octets (its state, its key, its
 * links and its source's share), for --help. */
static size_t refl_session_octets(void)
{
    size_t n = STAMP_REFLECTOR_SESSIONS_MAX;
    return (stamp_reflector_store_size(n) + n - 1) / n;
}

static void refl_usage(FILE *f)
{
    fprintf(f,
        "usage: ippm stamp reflector [options]\n"
        "Answer STAMP (RFC 8762) test packets.\n"
        "  --listen ADDR[:PORT]   bind one address (default: every IPv4 and IPv6)\n"
        "  --port PORT            UDP port (default 862)\n"
        "  --stateful             own sequence counter per session (RFC 8762 §4)\n"
        "  --auth-key-file FILE   authenticated mode, HMAC key from FILE\n"
        "                         (or from $IPPM_AUTH_KEY; not both)\n"
        "  --timestamp ntp|ptp    timestamp format (default ntp)\n"
        "  --session-timeout S    stateful: idle session lifetime (default 60)\n"
        "  --max-sessions N       stateful: sessions held at once (default 4096,\n"
        "                         at most %u; %zu octets each, allocated at\n"
        "                         start); when full, a new one evicts the\n"
        "                         least recently used\n"
        "  --max-sessions-per-source N\n"
        "                         stateful: live sessions one source address\n"
        "                         (IPv6: one /64) may hold (default %u, 0: no\n"
        "                         limit); a new one beyond them is dropped\n"
        "                         until one idles\n"
        "  --reply-to-short       answer packets below the base length (§4.6)\n"
        "  --no-tlv               plain RFC 8762: copy octets past the base,\n"
        "                         process no RFC 8972 TLV\n"
        "  --no-tx-timestamps     stateful: Follow-Up TLVs report the previous\n"
        "                         reply's Timestamp field, not its kernel\n"
        "                         transmit time (SO_TIMESTAMPING)\n"
        "  --max-reply-len N      largest reply a Reflected Test Packet Control\n"
        "                         TLV may ask for (default: the request's\n"
        "                         length, no amplification)\n"
        "  --micro-session ID     RFC 9534 Reflector Micro-session ID of this\n"
        "                         member link (1-65535)\n"
        "  --dscp-permitted LIST  DSCPs a Class of Service TLV may set on the\n"
        "                         reply: all, none, or N,N-M,... (default\n"
        "                         0-47,49-55,57-63: no CS6/CS7, network control)\n"
        "  --hmac-key-file FILE   open mode: key of the HMAC TLV (RFC 8972\n"
        "                         §4.8); authenticated mode uses its own\n"
        "  --require-hmac-tlv     open mode: TLVs without a good HMAC TLV are\n"
        "                         answered with I set (needs --hmac-key-file)\n"
        "  --allow-src-port P[,P..]  answer requests from these source ports\n"
        "                         though they are the reflector's own port or\n"
        "                         a reflecting service's (7, 13, 17, 19, 37, 53,\n"
        "                         111, 123, 137, 161, 389, 862, 1900, 5353,\n"
        "                         11211); repeatable, up to 16 ports. A request\n"
        "                         from the reflector's own address and port is\n"
        "                         never answered\n"
        "  --ssid-set N[,N]       the SSIDs provisioned (RFC 8972 §3): a\n"
        "                         request with another non-zero SSID is\n"
        "                         discarded (default: every SSID answered)\n"
        IPPM_ADMIT_USAGE
        REFL_REPEAT_USAGE
        "  --threads N            N worker threads, each with its own\n"
        "                         SO_REUSEPORT socket, state and counters\n"
        "                         (default 1, at most %d); a flow stays on\n"
        "                         one worker (the kernel hashes its 4-tuple)\n"
        "  --cpus LIST            pin worker i to the i-th CPU of LIST\n"
        "                         (0-1,4), round robin\n"
        IPPM_EXPORT_USAGE
        "  --quiet                no startup line\n"
        "  --config FILE          options from FILE ([stamp-reflector] and\n"
        "                         global keys); the command line wins\n"
        "  --help                 this text\n"
        "Exit status: 0 after a clean stop (SIGINT, SIGTERM), 2 on a bad\n"
        "command line, 3 when it could not run (a name that does not\n"
        "resolve, a port it cannot bind, a key it cannot read).\n",
        STAMP_REFLECTOR_SESSIONS_MAX, refl_session_octets(),
        DEFAULT_MAX_PER_SOURCE, IPPM_WORKERS_MAX);
}

enum { OPT_LISTEN = 256, OPT_PORT, OPT_STATEFUL, OPT_KEY, OPT_TS,
       OPT_TIMEOUT, OPT_SHORT, OPT_QUIET, OPT_HELP, OPT_METRICS,
       OPT_AGENTX, OPT_NO_TLV, OPT_MAX_REPLY, OPT_MICRO, OPT_DSCP_OK,
       OPT_HMAC_KEY, OPT_REQ_HMAC, OPT_MAX_SESSIONS, OPT_MAX_PER_SOURCE,
       OPT_ALLOW_SRC, OPT_SSID_SET, OPT_NO_TXTS, OPT_SYMMETRICAL,
       OPT_ENCRYPTED,
       OPT_ADMIT = 512 /* IPPM_ADMIT_LONGOPTS */,
       OPT_THREADS = 540, OPT_CPUS,
       OPT_REPEAT = 560 /* REFL_REPEAT_LONGOPTS */ };

static const struct option refl_longopts[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"port", required_argument, NULL, OPT_PORT},
    {"stateful", no_argument, NULL, OPT_STATEFUL},
    {"auth-key-file", required_argument, NULL, OPT_KEY},
    {"timestamp", required_argument, NULL, OPT_TS},
    {"session-timeout", required_argument, NULL, OPT_TIMEOUT},
    {"max-sessions", required_argument, NULL, OPT_MAX_SESSIONS},
    {"max-sessions-per-source", required_argument, NULL, OPT_MAX_PER_SOURCE},
    {"reply-to-short", no_argument, NULL, OPT_SHORT},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {"metrics", required_argument, NULL, OPT_METRICS},
    {"agentx", required_argument, NULL, OPT_AGENTX},
    {"no-tlv", no_argument, NULL, OPT_NO_TLV},
    {"no-tx-timestamps", no_argument, NULL, OPT_NO_TXTS},
    {"max-reply-len", required_argument, NULL, OPT_MAX_REPLY},
    {"micro-session", required_argument, NULL, OPT_MICRO},
    {"dscp-permitted", required_argument, NULL, OPT_DSCP_OK},
    {"hmac-key-file", required_argument, NULL, OPT_HMAC_KEY},
    {"require-hmac-tlv", no_argument, NULL, OPT_REQ_HMAC},
    {"allow-src-port", required_argument, NULL, OPT_ALLOW_SRC},
    {"ssid-set", required_argument, NULL, OPT_SSID_SET},
    {"symmetrical", no_argument, NULL, OPT_SYMMETRICAL},
    {"encrypted", no_argument, NULL, OPT_ENCRYPTED},
    IPPM_ADMIT_LONGOPTS(OPT_ADMIT),
    REFL_REPEAT_LONGOPTS(OPT_REPEAT),
    {"threads", required_argument, NULL, OPT_THREADS},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {NULL, 0, NULL, 0},
};

/* The RFC 8972 / RFC 9534 / asymmetrical-packets options. */
static int refl_parse_tlv(struct refl_opts *o, int c, const char *arg)
{
    uint64_t v;
    int rc = 0;
    switch (c) {
    case OPT_NO_TLV: o->no_tlv = true; break;
    case OPT_NO_TXTS: o->no_tx_timestamps = true; break;
    case OPT_SYMMETRICAL: o->symmetrical = true; break;
    case OPT_ENCRYPTED: o->encrypted = true; break;
    case OPT_MAX_REPLY:
        rc = ippm_cli_uint("--max-reply-len", arg, STAMP_BASE_LEN, 65507,
                           "a reply length", &v);
        o->max_reply_len = (size_t)v;
        break;
    case OPT_MICRO:
        rc = ippm_cli_u16("--micro-session", arg, 1, 65535,
                          "a Micro-session ID", &o->micro_session_id);
        break;
    case OPT_DSCP_OK: rc = refl_parse_dscp_list(arg, &o->dscp_permitted); break;
    case OPT_HMAC_KEY: o->hmac_key_file = arg; break;
    case OPT_REQ_HMAC: o->require_hmac_tlv = true; break;
    case OPT_SSID_SET:
        rc = ippm_cli_u16_list("--ssid-set", arg, 1, 65535, "an SSID",
                               o->ssids, STAMP_REFLECTOR_SSIDS_MAX,
                               &o->n_ssids);
        break;
    case OPT_THREADS:
        rc = ippm_cli_uint("--threads", arg, 1, IPPM_WORKERS_MAX,
                           "a thread count", &v);
        o->threads = (unsigned)v;
        break;
    case OPT_CPUS: rc = ippm_cli_cpus("--cpus", arg, &o->cpus); break;
    default:
        if (c >= OPT_ADMIT && c < OPT_ADMIT + IPPM_ADMIT_OPT_COUNT_)
            return ippm_admit_opt_parse(&o->admit, c - OPT_ADMIT, arg);
        if (c >= OPT_REPEAT && c < OPT_REPEAT + REFL_REPEAT_OPT_COUNT_)
            return refl_repeat_opt_parse(&o->repeat, c - OPT_REPEAT, arg);
        return -1;
    }
    return rc;
}

/* Combinations, once every option is known. */
static int refl_check(const struct refl_opts *o)
{
    bool auth = ippm_key_given(o->key_file);
    if (o->hmac_key_file && auth) {
        ippm_cli_error("--hmac-key-file: authenticated mode keys the HMAC "
                       "TLV with its own key; drop one");
        return -1;
    }
    if (o->require_hmac_tlv && !o->hmac_key_file) {
        ippm_cli_error("--require-hmac-tlv: needs --hmac-key-file (open "
                       "mode; authenticated mode always requires it)");
        return -1;
    }
    if (o->no_tlv && (o->max_reply_len || o->micro_session_id ||
                      o->hmac_key_file || o->require_hmac_tlv ||
                      o->dscp_permitted != STAMP_DSCP_PERMITTED_DEFAULT)) {
        ippm_cli_error("--no-tlv: the TLV options do nothing without TLVs");
        return -1;
    }
    if (o->front->auth_open && ippm_key_given(o->key_file) &&
        o->threads > 1) {
        ippm_cli_error("--threads: one thread in TWAMP Light's modes A and E "
                       "(one key context for the test session)");
        return -1;
    }
    if ((o->admit.rate.burst || o->admit.sources) && !o->admit.rate.pps) {
        ippm_cli_error("--rate-burst, --rate-sources: need --rate-limit");
        return -1;
    }
    return 0;
}

/* What `ippm stamp reflector` runs with when no option says otherwise. */
static void refl_defaults(struct refl_opts *o)
{
    o->port = 0; /* --port; else --listen's, else 862 (refl_setup) */
    o->tsfmt = IPPM_TS_NTP;
    o->session_timeout_ns =
        (uint64_t)(DEFAULT_SESSION_TIMEOUT_S * IPPM_NS_PER_SEC);
    o->dscp_permitted = STAMP_DSCP_PERMITTED_DEFAULT;
    o->max_sessions = DEFAULT_MAX_SESSIONS;
    o->max_per_source = DEFAULT_MAX_PER_SOURCE;
    refl_repeat_defaults(&o->repeat);
}

/* `ippm stamp reflector` itself: every option but TWAMP-Light's. */
static const char *const stamp_only_drop[] = {"symmetrical", "encrypted",
                                              NULL};
static const struct stamp_front refl_front_stamp = {
    .prog = "stamp reflector", .section = "stamp-reflector",
    .proto = "STAMP", .json_proto = "stamp",
    .flavour = STAMP_FLAVOUR_STAMP, .usage = refl_usage,
    .drop = stamp_only_drop};

/* TWAMP-Light's operand [HOST:]PORT, as --listen or --port. */
static int refl_operand(struct refl_opts *o, int argc, char **argv)
{
    if (optind >= argc || o->front->flavour != STAMP_FLAVOUR_TWAMP_LIGHT)
        return 0;
    const char *a = argv[optind++];
    if (strspn(a, "0123456789") == strlen(a))
        return ippm_cli_port("PORT", a, &o->port);
    o->listen = a;
    return 0;
}

/* Returns -1 to run, else the exit status. */
static int refl_parse(struct refl_opts *o, int argc, char **argv)
{
    const struct stamp_front *f = o->front;
    const char *prog = f->prog;
    struct option longopts[sizeof refl_longopts / sizeof refl_longopts[0]];
    stamp_front_longopts(f, refl_longopts, longopts);
    int crc = ippm_config_expand(&argc, &argv, longopts, f->section, prog);
    if (crc >= 0)
        return crc;
    refl_defaults(o);
    o->front = f;
    int c, first = 1, rc = 0;
    while ((c = ippm_cli_next(argc, argv, "h", longopts, prog, first)) !=
           -1) {
        first = 0;
        switch (c) {
        case OPT_LISTEN: o->listen = optarg; break;
        case OPT_PORT: rc = ippm_cli_port("--port", optarg, &o->port); break;
        case OPT_STATEFUL: o->stateful = true; break;
        case OPT_KEY: o->key_file = optarg; break;
        case OPT_TS: rc = ippm_cli_tsfmt("--timestamp", optarg, &o->tsfmt); break;
        case OPT_TIMEOUT:
            rc = ippm_cli_seconds("--session-timeout", optarg, 0.001, 86400,
                                  &o->session_timeout_ns);
            break;
        case OPT_MAX_SESSIONS:
            rc = ippm_cli_uint("--max-sessions", optarg, 1,
                               STAMP_REFLECTOR_SESSIONS_MAX, "a session count",
                               &o->max_sessions);
            break;
        case OPT_MAX_PER_SOURCE:
            rc = ippm_cli_uint("--max-sessions-per-source", optarg, 0,
                               STAMP_REFLECTOR_SESSIONS_MAX, "a session count",
                               &o->max_per_source);
            break;
        case OPT_SHORT: o->reply_to_short = true; break;
        case OPT_QUIET: o->quiet = true; break;
        case OPT_METRICS:
            o->exp.metrics = optarg;
            rc = ippm_export_check_metrics(optarg);
            break;
        case OPT_AGENTX: o->exp.agentx = optarg; break;
        case OPT_ALLOW_SRC: rc = refl_parse_allow_src(optarg, &o->src); break;
        case 'h':
        case OPT_HELP:
            f->usage(stdout);
            ippm_cli_short_usage(stdout, longopts);
            return IPPM_EXIT_OK;
        case '?': return IPPM_EXIT_USAGE;
        default: rc = refl_parse_tlv(o, c, optarg); break;
        }
        if (rc != 0)
            return IPPM_EXIT_USAGE;
    }
    if (refl_operand(o, argc, argv) != 0)
        return IPPM_EXIT_USAGE;
    if (optind < argc) {
        ippm_cli_error("%s: unexpected argument '%s' (see --help)", prog,
                       argv[optind]);
        return IPPM_EXIT_USAGE;
    }
    return refl_check(o) == 0 ? -1 : IPPM_EXIT_USAGE;
}

/* TWAMP Light's modes A and E: the front loads the key and readies the
 * operations, with this clock's Error Estimate. Returns as refl_setup. */
static int refl_twl_auth(struct refl *x)
{
    struct ippm_clock c;
    ippm_clock_init(&c, x->o.tsfmt);
    struct ippm_errest e = ippm_clock_errest(&c);
    return x->o.front->auth_open(x->o.front->prog, x->o.key_file,
                                 x->o.encrypted, x->o.symmetrical,
                                 ippm_errest_encode(&e), &x->twl_auth,
                                 &x->twl_state);
}

/* Key, crypto, socket: what must work before the first packet. */
static int refl_setup(struct refl *x)
{
    char err[IPPM_NET_ERRLEN];
    int rc = x->o.front->auth_open
                 ? refl_twl_auth(x)
                 : ippm_driver_key_load(&x->key, "stamp reflector",
                                        x->o.key_file, x->o.hmac_key_file);
    if (rc >= 0)
        return rc;
    struct ippm_addr local = {.port = x->o.port ? x->o.port : STAMP_PORT};
    if (x->o.listen && (rc = ippm_cli_addr("--listen", x->o.listen, x->o.port,
                                           STAMP_PORT, &local)) != 0)
        return rc;
    if ((x->o.threads > 1 ? ippm_net_open_shared : ippm_net_open_bound)(
            &x->sock, x->o.listen ? &local : NULL, local.port, err,
            sizeof(err)) != 0) {
        ippm_cli_bind_error(x->o.front->prog, err, "--port");
        return IPPM_EXIT_RUNTIME;
    }
    rc = ippm_driver_batches_init(&x->rx, &x->tx, IPPM_NET_BATCH,
                                  IPPM_NET_MAX_DGRAM, "stamp reflector");
    if (rc >= 0)
        return rc;
    stamp_refl_metrics_init(&x->met);
    return ippm_export_start(&x->exp, &x->met.reg, &x->o.exp);
}

static void refl_proto_init(struct refl *x)
{
    struct stamp_reflector_config cfg = {0};
    ippm_clock_init(&x->clk, x->o.tsfmt);
    cfg.mode = x->key.auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    cfg.stateful = x->o.stateful;
    cfg.tsfmt = x->o.tsfmt;
    cfg.errest = ippm_clock_errest(&x->clk);
    cfg.key = x->key.hmac;
    cfg.session_timeout_ns = x->o.session_timeout_ns;
    cfg.reply_to_short = x->o.reply_to_short;
    /* TWAMP-Light (RFC 5357 Appendix I): its packets, no TLVs, and the
     * replies' TTL 255 (§4.2.1 SHOULD). */
    cfg.flavour = x->o.front->flavour;
    cfg.twl_symmetrical = x->o.symmetrical;
    cfg.twl_auth = x->twl_auth;
    if (cfg.flavour == STAMP_FLAVOUR_TWAMP_LIGHT) {
        x->o.no_tlv = true;
        if (ippm_net_set_ttl(&x->sock, 255) != 0)
            ippm_cli_error("warning: %s: TTL 255: %s", x->o.front->prog,
                           strerror(errno));
    }
    /* RFC 8972 TLVs: processed unless --no-tlv. Timestamps are software
     * ones (the kernel's SCM_TIMESTAMPNS in, the clock read before send
     * out); --dscp-permitted DSCPs may mark a reply (all but CS6 and CS7
     * by default, STAMP_DSCP_PERMITTED_DEFAULT); no
     * reply grows past its request unless --max-reply-len allows. */
    cfg.tlv = !x->o.no_tlv;
    cfg.tlv_hmac = x->o.require_hmac_tlv;
    cfg.sync_src = cfg.errest.synced ? STAMP_SYNC_NTP : STAMP_SYNC_FREE;
    cfg.ts_in = STAMP_TSM_SW;
    cfg.ts_out = STAMP_TSM_SW;
    /* RFC 8972 §4.7: only a stateful reflector's Follow-Up reports a
     * previous reply, so only then is the transmit time worth asking. */
    stamp_txts_start(&x->txts, &x->sock,
                     x->o.stateful && !x->o.no_tlv && !x->o.no_tx_timestamps,
                     false);
    cfg.dscp_permitted = x->o.dscp_permitted;
    cfg.micro_session_id = x->o.micro_session_id;
    cfg.max_reply_len = x->o.max_reply_len;
    cfg.repeat = x->o.repeat;
    /* Issue 10 item 1: never our own address and port; not our port nor
     * a reflecting service's unless --allow-src-port. The bound address
     * stands in when a datagram's local address is unknown. */
    cfg.src = x->o.src;
    cfg.src.self = x->sock.local;
    memcpy(cfg.ssids, x->o.ssids, sizeof cfg.ssids);
    cfg.n_ssids = x->o.n_ssids;
    cfg.prefixes = x->o.admit.prefixes;
    cfg.ratelimit = x->ratelimit;
    stamp_reflector_init(&x->r, &cfg);
}

/* The stateful session table, sized once: a flood of new sessions then
 * costs no memory, only evictions and per-source refusals. Its hash is
 * keyed afresh each run, so no sender can aim its keys at one chain. */
static int refl_sessions_init(struct refl *x)
{
    if (!x->o.stateful)
        return 0;
    x->r.cfg.max_sessions_per_source = (uint32_t)x->o.max_per_source;
    uint8_t *seed = x->r.cfg.session_seed;
    if (getrandom(seed, IPPM_TABLE_SEED_LEN, 0) != IPPM_TABLE_SEED_LEN) {
        ippm_cli_error("stamp reflector: no random seed: %s", strerror(errno));
        return -1;
    }
    size_t len = stamp_reflector_store_size(x->o.max_sessions);
    x->sessions = len ? calloc(1, len) : NULL;
    if (!x->sessions || stamp_reflector_set_sessions(
                            &x->r, x->sessions, len, x->o.max_sessions) !=
                            IPPM_OK) {
        ippm_cli_error("stamp reflector: no memory for %llu sessions",
                       (unsigned long long)x->o.max_sessions);
        return -1;
    }
    return 0;
}

/* --rate-limit: this reflector's own token buckets (before
 * refl_proto_init, which hands them to proto). */
static int refl_admit_init(struct refl *x)
{
    int err;
    x->ratelimit = ippm_admit_ratelimit_new(&x->o.admit, "stamp reflector",
                                            &err);
    return err;
}

static void refl_drop(struct refl *x, enum ippm_err why)
{
    x->c.dropped++;
    x->c.drop_by[why < STAMP_ERR_COUNT_ ? why : IPPM_ERR_BAD_ARG]++;
}

/* Counts one event of the kind; true when a line is due: the first, or
 * LOG_PERIOD_NS after the last. The caller then calls refl_log_done. */
static bool refl_log_due(struct refl_log_limit *l, bool on, uint64_t now)
{
    l->unlogged++;
    return on && (!l->logged || now - l->last_ns >= LOG_PERIOD_NS);
}

static void refl_log_done(struct refl_log_limit *l, uint64_t now)
{
    l->logged = true;
    l->last_ns = now;
    l->unlogged = 0;
}

/* A request below the base is usually a TWAMP-Light sender (14 octets
 * and up) pointed at a STAMP reflector that does not answer them: say so
 * when the first arrives, not only at shutdown, then at most once per
 * LOG_PERIOD_NS with the count since. */
static void refl_log_short(struct refl *x, size_t len,
                           const struct ippm_addr *peer, uint64_t now)
{
    struct refl_log_limit *l = &x->log_by[IPPM_ERR_SHORT];
    if (!refl_log_due(l, x->log_drops, now))
        return;
    char as[IPPM_ADDR_STRLEN];
    bool twl = x->o.front->flavour == STAMP_FLAVOUR_TWAMP_LIGHT;
    /* STAMP: a TWAMP-Light sender, usually; TWAMP Light: its own base,
     * 14 octets, or the 48 of modes A and E. */
    bool open = !x->key.auth && !twl;
    size_t base = twl ? (x->twl_auth ? x->twl_auth->sender_base
                                     : STAMP_TWL_SENDER_LEN)
                      : stamp_base_len(x->key.auth ? STAMP_MODE_AUTH
                                                   : STAMP_MODE_OPEN);
    ippm_addr_fmt(peer, as, sizeof as);
    if (!l->logged)
        fprintf(stderr,
                "ippm %s: dropped a %zu-octet request from %s: "
                "below the %zu-octet base packet%s\n",
                x->o.front->prog, len, as, base,
                open ? " (a TWAMP-Light sender? --reply-to-short answers "
                       "it, RFC 8762 §4.6)"
                     : "");
    else
        fprintf(stderr,
                "ippm %s: dropped %llu more requests below the "
                "%zu-octet base packet, the last one %zu octets from %s\n",
                x->o.front->prog, (unsigned long long)l->unlogged, base, len,
                as);
    refl_log_done(l, now);
}

/* A refused source (issue 10 item 1) is a spoofed datagram or a
 * misconfigured peer: the first of each kind at once, then rate-limited
 * like short requests. */
static void refl_log_source(struct refl *x, enum ippm_err why,
                            const struct ippm_addr *peer, uint64_t now)
{
    struct refl_log_limit *l = &x->log_by[why];
    if (!refl_log_due(l, x->log_drops, now))
        return;
    char as[IPPM_ADDR_STRLEN];
    ippm_addr_fmt(peer, as, sizeof as);
    if (!l->logged)
        fprintf(stderr,
                "ippm stamp reflector: not answering a request from %s: "
                "%s%s\n",
                as, stamp_err_str(why),
                why == STAMP_ERR_SELF_SOURCE
                    ? " (spoofed: the reply would loop)"
                : why == STAMP_ERR_OWN_REPLY
                    ? " (another reflector or an echo service answered it)"
                    : " (--allow-src-port answers it)");
    else
        fprintf(stderr,
                "ippm stamp reflector: not answering %llu more requests: "
                "%s, the last from %s\n",
                (unsigned long long)l->unlogged, stamp_err_str(why), as);
    refl_log_done(l, now);
}

/* One datagram: proto decides; we queue what it built. */
static void refl_one(struct refl *x, size_t i)
{
    const struct ippm_rx_meta *m = &x->rx.meta[i];
    x->c.received++;
    if (x->rx.trunc[i]) {
        refl_drop(x, IPPM_ERR_TOO_LONG);
        return;
    }
    uint8_t *slot = ippm_tx_batch_slot(&x->tx);
    struct ippm_event ev = {
        .kind = IPPM_EV_DATAGRAM,
        .data = ippm_rx_batch_buf(&x->rx, i),
        .len = x->rx.len[i],
        .meta = m,
    };
    struct ippm_action act = {0};
    /* Read last: the reply leaves right after, so this is its Timestamp. */
    ev.now_ns = ippm_clock_now(&x->clk);
    enum ippm_err rc =
        stamp_reflector_handle(&x->r, &ev, slot, x->tx.buf_size, &act);
    if (rc != IPPM_OK) {
        refl_drop(x, rc);
        return;
    }
    if (act.kind == IPPM_ACT_SEND_DATAGRAM) {
        ippm_tx_batch_commit(&x->tx, &x->sock, act.len, &m->peer, &m->local);
        stamp_txts_refl_queued(&x->txts, &x->r, &x->tx);
        /* RFC 8972 §4.4: proto chose the reply's DSCP. */
        if (act.tos >= 0)
            ippm_tx_batch_set_tos(&x->tx, &m->peer, act.tos);
    }
    else if (act.kind == IPPM_ACT_DROP) {
        refl_drop(x, act.why);
        if (act.why == IPPM_ERR_SHORT)
            refl_log_short(x, ev.len, &m->peer, ev.now_ns);
        else if (act.why == STAMP_ERR_SELF_SOURCE ||
                 act.why == STAMP_ERR_OWN_PORT ||
                 act.why == STAMP_ERR_REFLECTING_PORT ||
                 act.why == STAMP_ERR_OWN_REPLY)
            refl_log_source(x, act.why, &m->peer, ev.now_ns);
    }
}

/* --metrics, --agentx: the batch's counters for the exporters' threads,
 * with the other workers' last shared ones (refl_workers.c). */
static void refl_publish(struct refl *x)
{
    struct refl_snap t;
    refl_snap_take(x, &t);
    refl_pool_add_shared(x->pool, &t);
    struct stamp_refl_sample smp = {
        .received = t.c.received,
        .replied = t.c.replied,
        .send_failed = t.c.send_failed,
        .drop_by = t.c.drop_by,
        .sessions = t.sessions,
        .evicted = t.evicted,
        .refused = t.refused,
        .rate_sources = t.rate_sources,
        .rate_forgotten = t.rate_forgotten,
    };
    stamp_refl_metrics_publish(&x->met, &smp);
}

/* Reads the socket until it is empty, a stop is asked or
 * REFL_BATCHES_PER_WAKEUP batches are done: a flood that keeps the socket
 * full then still lets the loop see a signal or its stop flag (issue 10
 * item 2). Returns 0, or -1 on a receive error. */
static int refl_drain(struct refl *x)
{
    for (int b = 0; b < REFL_BATCHES_PER_WAKEUP && !ippm_net_stopping(); b++) {
        int n = ippm_net_recv(&x->sock, &x->rx, &x->clk);
        if (n < 0)
            return -1;
        if (ippm_clock_errest_due(&x->clk, &x->clock_watch,
                                  ippm_clock_now(&x->clk)))
            stamp_reflector_set_clock(&x->r, x->clock_watch.e,
                                      x->clock_watch.e.synced
                                          ? STAMP_SYNC_NTP
                                          : STAMP_SYNC_FREE);
        for (int i = 0; i < n; i++)
            refl_one(x, (size_t)i);
        size_t queued = x->tx.n, sent = 0;
        if (queued) {
            sent = ippm_net_send(&x->sock, &x->tx, NULL);
            x->c.replied += sent;
            x->c.send_failed += queued - sent;
        }
        /* Also with nothing sent: a timestamp waiting wakes the poll. */
        stamp_txts_refl_sent(&x->txts, &x->sock, &x->r, &x->clk, sent);
        if (x->exp.on)
            refl_publish(x);
        else if (x->share)
            refl_share(x);
        if ((size_t)n < x->rx.cap)
            return 0;
    }
    return 0;
}

/* Asymmetrical packets: the copies due now, sent like replies. */
static void refl_send_copies(struct refl *x)
{
    size_t queued =
        refl_repeat_queue(&x->r, &x->tx, &x->sock, ippm_clock_now(&x->clk));
    if (!queued)
        return;
    size_t sent = ippm_net_send(&x->sock, &x->tx, NULL);
    x->c.replied += sent;
    x->c.send_failed += queued - sent;
}

static void refl_summary(const struct refl *x)
{
    fprintf(stderr, "ippm %s: received %llu, replied %llu, dropped %llu",
            x->o.front->prog, (unsigned long long)x->c.received,
            (unsigned long long)x->c.replied,
            (unsigned long long)x->c.dropped);
    if (x->c.send_failed)
        fprintf(stderr, ", send failed %llu",
                (unsigned long long)x->c.send_failed);
    fputc('\n', stderr);
    for (int e = 0; e < STAMP_ERR_COUNT_; e++) {
        if (!x->c.drop_by[e])
            continue;
        fprintf(stderr, "  dropped %llu: %s",
                (unsigned long long)x->c.drop_by[e],
                stamp_err_str((enum ippm_err)e));
        /* The usual cause: a TWAMP-Light sender's 14..43-octet packets. */
        if (e == IPPM_ERR_SHORT && !x->o.reply_to_short &&
            x->o.front->flavour == STAMP_FLAVOUR_STAMP)
            fprintf(stderr,
                    " (below the %zu-octet base packet; --reply-to-short "
                    "answers them, RFC 8762 §4.6)",
                    stamp_base_len(x->key.auth ? STAMP_MODE_AUTH
                                               : STAMP_MODE_OPEN));
        if (e == STAMP_ERR_OWN_PORT || e == STAMP_ERR_REFLECTING_PORT)
            fputs(" (--allow-src-port answers them)", stderr);
        fputc('\n', stderr);
    }
    ippm_admit_summary(stderr, &x->o.admit,
                       (x->ratelimit ? ippm_ratelimit_sources(x->ratelimit)
                                     : 0) + refl_pool_rate_sources(x),
                       x->ratelimit ? x->ratelimit->evicted : 0);
    refl_repeat_summary(stderr, &x->r, &x->o.repeat);
}

/* Stateful: how the session table fared. */
static void refl_sessions_summary(const struct refl *x)
{
    if (!x->o.stateful)
        return;
    fprintf(stderr,
            "  sessions: %zu held of %llu, %llu evicted (least recently "
            "used), %llu refused (over --max-sessions-per-source %llu)\n",
            x->r.sessions_used, (unsigned long long)x->o.max_sessions,
            (unsigned long long)x->r.counters.sessions_evicted,
            (unsigned long long)x->r.counters.sessions_refused_source,
            (unsigned long long)x->o.max_per_source);
}

static void refl_banner(const struct refl *x)
{
    char as[IPPM_ADDR_STRLEN];
    char threads[24] = "";
    if (x->o.threads > 1)
        snprintf(threads, sizeof threads, ", %u threads", x->o.threads);
    printf("ippm %s listening on %s (%s, %s, %s%s)\n", x->o.front->prog,
           ippm_addr_fmt(&x->sock.local, as, sizeof(as)),
           x->o.stateful ? "stateful" : "stateless",
           x->twl_state ? x->o.front->auth_mode_name(x->twl_state)
           : x->key.auth ? "authenticated"
                         : "open",
           ippm_clock_fmt_name(x->o.tsfmt), threads);
    fflush(stdout);
}

static int refl_loop(struct refl *x)
{
    /* With workers, metrics include theirs even when this one is idle. */
    uint64_t wait_ns = x->pool && x->exp.on ? REFL_POOL_PUBLISH_NS : UINT64_MAX;
    while (!ippm_net_stopping()) {
        int w = ippm_net_wait(&x->sock, refl_repeat_wait(
                                             &x->r, ippm_clock_now(&x->clk),
                                             wait_ns));
        refl_send_copies(x);
        if (w == 0 && x->pool && x->exp.on)
            refl_publish(x);
        if (w < 0 || (w > 0 && refl_drain(x) != 0)) {
            ippm_cli_error("%s: %s", x->o.front->prog, strerror(errno));
            return IPPM_EXIT_RUNTIME;
        }
    }
    return IPPM_EXIT_OK;
}

static void refl_free(struct refl *x)
{
    ippm_export_stop(&x->exp);
    ippm_driver_io_free(&x->sock, &x->rx, &x->tx);
    ippm_driver_key_free(&x->key);
    if (x->o.front && x->o.front->auth_close)
        x->o.front->auth_close(x->twl_state);
    free(x->sessions);
    ippm_admit_ratelimit_free(x->ratelimit);
    refl_pool_free(x->pool);
    free(x);
}

/* see driver.h */
int stamp_reflector_main(int argc, char **argv)
{
    return stamp_reflector_front_main(argc, argv, &refl_front_stamp);
}

/* see driver.h */
int stamp_reflector_front_main(int argc, char **argv,
                               const struct stamp_front *f)
{
    /* calloc: the session table is too large for the stack. */
    struct refl *x = calloc(1, sizeof(*x));
    if (!x) {
        ippm_cli_error("stamp reflector: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    x->sock.fd = -1;
    x->log_drops = true;
    x->o.front = f;
    int rc = refl_parse(&x->o, argc, argv);
    if (rc < 0)
        rc = refl_setup(x);
    if (rc < 0) {
        if (refl_admit_init(x) != 0)
            rc = IPPM_EXIT_RUNTIME;
        refl_proto_init(x);
        if (rc < 0 && (refl_sessions_init(x) != 0 || refl_pool_open(x) != 0))
            rc = IPPM_EXIT_RUNTIME;
    }
    if (rc < 0) {
        ippm_net_stop_signals();
        if (!x->o.quiet)
            refl_banner(x);
        rc = refl_run(x);
        refl_summary(x);
        refl_sessions_summary(x);
        refl_pool_summary(x);
    }
    refl_free(x);
    return rc;
}

/* ---- stamp_reflector_serve: the same loop, options from a struct ---- */

#define SERVE_POLL_MS 50 /* how soon a stop is seen */

/* The key, its crypto and the batches: refl_setup without the key file
 * and the socket. Returns 0, or -1 after one line. */
static int refl_serve_setup(struct refl *x,
                            const struct stamp_reflector_serve_opts *o)
{
    if (ippm_driver_key_set(&x->key, "stamp reflector", o->auth, o->key,
                            o->key ? o->key_len : 0) >= 0)
        return -1;
    return ippm_driver_batches_init(&x->rx, &x->tx, IPPM_NET_BATCH,
                                    IPPM_NET_MAX_DGRAM, "stamp reflector") < 0
               ? 0
               : -1;
}

/* refl_loop, until *stop rather than a signal: poll, not ippm_net_wait,
 * which returns at once for good after SIGINT. */
static int refl_serve_loop(struct refl *x, const atomic_bool *stop)
{
    while (!atomic_load(stop)) {
        struct pollfd p = {.fd = x->sock.fd, .events = POLLIN};
        uint64_t wait = refl_repeat_wait(&x->r, ippm_clock_now(&x->clk),
                                         SERVE_POLL_MS * 1000000ull);
        int w = poll(&p, 1, (int)((wait + 999999) / 1000000));
        refl_send_copies(x);
        if (w < 0 || (w > 0 && refl_drain(x) != 0)) {
            if (errno == EINTR)
                continue;
            ippm_cli_error("stamp reflector: %s", strerror(errno));
            return IPPM_EXIT_RUNTIME;
        }
    }
    return IPPM_EXIT_OK;
}

/* see driver.h */
int stamp_reflector_serve(const struct stamp_reflector_serve_opts *o)
{
    struct refl *x = calloc(1, sizeof(*x));
    if (!x) {
        ippm_cli_error("stamp reflector: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    refl_defaults(&x->o);
    x->o.front = o->front ? o->front : &refl_front_stamp;
    x->o.symmetrical = o->symmetrical;
    x->twl_auth = o->twl_auth; /* the caller's: not freed here */
    x->o.stateful = o->stateful;
    x->o.tsfmt = o->tsfmt;
    x->o.micro_session_id = o->micro_session_id;
    x->o.dscp_permitted = o->dscp_permitted;
    x->o.n_ssids = o->n_ssids < STAMP_REFLECTOR_SSIDS_MAX
                       ? o->n_ssids
                       : STAMP_REFLECTOR_SSIDS_MAX;
    if (x->o.n_ssids)
        memcpy(x->o.ssids, o->ssids, x->o.n_ssids * sizeof *o->ssids);
    x->o.quiet = true;
    x->sock = *o->sock;
    int rc = IPPM_EXIT_RUNTIME;
    if (refl_serve_setup(x, o) == 0) {
        refl_proto_init(x);
        if (refl_sessions_init(x) == 0)
            rc = refl_serve_loop(x, o->stop);
    }
    x->sock.fd = -1; /* the caller's socket */
    refl_free(x);
    return rc;
}

/* ---- --threads N: a pool of reflectors (impl/core/workers.h) ---- */

/* Worker 0 is the reflector of stamp_reflector_main, on the main thread;
 * workers 1..N-1 are copies with their own SO_REUSEPORT socket, key
 * context, session table, buckets and counters, so the packet path
 * shares nothing. The kernel picks a socket by a hash of the datagram's
 * 4-tuple: a session (4-tuple and SSID) always reaches one worker, whose
 * table alone holds it, and stateful numbering stays consistent. Each
 * worker's --max-sessions and --rate-sources are its own: memory is N
 * times one worker's. At the end the workers' counters are added into
 * worker 0's, which prints the one summary. */
struct refl_pool {
    struct ippm_workers threads;
    struct refl *w[IPPM_WORKERS_MAX]; /* [0] unused: the main reflector */
    unsigned n;
    uint64_t received[IPPM_WORKERS_MAX]; /* per worker, for the summary */
    uint64_t rate_sources;               /* workers 1.. at the end */
};

static void refl_counters_add(struct refl_counters *t,
                              const struct refl_counters *c)
{
    t->received += c->received;
    t->replied += c->replied;
    t->send_failed += c->send_failed;
    t->dropped += c->dropped;
    for (int e = 0; e < STAMP_ERR_COUNT_; e++)
        t->drop_by[e] += c->drop_by[e];
}

static void refl_snap_take(const struct refl *x, struct refl_snap *t)
{
    memset(t, 0, sizeof *t);
    refl_counters_add(&t->c, &x->c);
    t->sessions = x->r.sessions_used;
    t->evicted = x->r.counters.sessions_evicted;
    t->refused = x->r.counters.sessions_refused_source;
    if (x->ratelimit) {
        t->rate_sources = ippm_ratelimit_sources(x->ratelimit);
        t->rate_forgotten = x->ratelimit->evicted;
    }
}

static void refl_snap_add(struct refl_snap *t, const struct refl_snap *s)
{
    refl_counters_add(&t->c, &s->c);
    t->sessions += s->sessions;
    t->evicted += s->evicted;
    t->refused += s->refused;
    t->rate_sources += s->rate_sources;
    t->rate_forgotten += s->rate_forgotten;
}

/* A worker's state for worker 0's next publish. */
static void refl_share(struct refl *x)
{
    pthread_mutex_lock(&x->snap_lock);
    refl_snap_take(x, &x->snap);
    pthread_mutex_unlock(&x->snap_lock);
}

/* Adds what workers 1.. last shared to t (nothing without a pool). */
static void refl_pool_add_shared(struct refl_pool *p, struct refl_snap *t)
{
    for (unsigned i = 1; p && i < p->n; i++) {
        pthread_mutex_lock(&p->w[i]->snap_lock);
        refl_snap_add(t, &p->w[i]->snap);
        pthread_mutex_unlock(&p->w[i]->snap_lock);
    }
}

/* Worker i: x0's options, its own socket on x0's address and port, its
 * own key context and tables. NULL after one line. */
static struct refl *refl_worker_new(const struct refl *x0, unsigned i)
{
    char err[IPPM_NET_ERRLEN];
    struct refl *w = calloc(1, sizeof *w);
    if (!w) {
        ippm_cli_error("stamp reflector: out of memory");
        return NULL;
    }
    w->o = x0->o;
    w->sock.fd = -1;
    w->log_drops = x0->log_drops;
    w->share = x0->exp.on;
    pthread_mutex_init(&w->snap_lock, NULL);
    bool ok = ippm_driver_key_set(&w->key, "stamp reflector", x0->key.auth,
                                  x0->key.bytes, x0->key.len) < 0;
    if (ok && ippm_net_open_shared(&w->sock, x0->o.listen ? &x0->sock.local
                                                         : NULL,
                                   x0->sock.local.port, err, sizeof err) != 0) {
        ippm_cli_error("stamp reflector: worker %u: %s", i, err);
        ok = false;
    }
    ok = ok && ippm_driver_batches_init(&w->rx, &w->tx, IPPM_NET_BATCH,
                                        IPPM_NET_MAX_DGRAM,
                                        "stamp reflector") < 0;
    ok = ok && refl_admit_init(w) == 0;
    if (ok)
        refl_proto_init(w);
    if (ok && refl_sessions_init(w) == 0)
        return w;
    pthread_mutex_destroy(&w->snap_lock);
    refl_free(w);
    return NULL;
}

static void *refl_worker_main(void *arg)
{
    struct refl *w = arg;
    if (ippm_workers_pin(&w->o.cpus, w->idx, "stamp reflector") == 0)
        (void)refl_serve_loop(w, w->stop);
    return NULL;
}

/* Workers 1..n-1 stopped: their counters into x0's (freed with x0). */
static void refl_pool_end(struct refl *x0, struct refl_pool *p)
{
    p->received[0] = x0->c.received;
    for (unsigned i = 1; i < p->n; i++) {
        struct refl *w = p->w[i];
        p->received[i] = w->c.received;
        refl_counters_add(&x0->c, &w->c);
        x0->r.sessions_used += w->r.sessions_used;
        x0->r.counters.sessions_evicted += w->r.counters.sessions_evicted;
        x0->r.counters.sessions_refused_source +=
            w->r.counters.sessions_refused_source;
        if (w->ratelimit && x0->ratelimit) {
            p->rate_sources += ippm_ratelimit_sources(w->ratelimit);
            x0->ratelimit->evicted += w->ratelimit->evicted;
        }
    }
}

/* The workers still held (none after refl_pool_end), and p. */
static void refl_pool_free(struct refl_pool *p)
{
    for (unsigned i = 1; p && i < IPPM_WORKERS_MAX; i++) {
        if (!p->w[i])
            continue;
        pthread_mutex_destroy(&p->w[i]->snap_lock);
        refl_free(p->w[i]);
        p->w[i] = NULL;
    }
    free(p);
}

/* --threads N > 1: workers 1..N-1 with their sockets, before the banner,
 * so that the SO_REUSEPORT group is whole before the first datagram (a
 * socket joining later would move flows that the hash had placed).
 * Returns 0, or -1 after one line. */
static int refl_pool_open(struct refl *x)
{
    unsigned n = x->o.threads;
    if (n <= 1)
        return 0;
    struct refl_pool *p = calloc(1, sizeof *p);
    if (!p) {
        ippm_cli_error("stamp reflector: out of memory");
        return -1;
    }
    x->pool = p;
    for (p->n = 1; p->n < n; p->n++) {
        struct refl *w = refl_worker_new(x, p->n);
        if (!w)
            return -1;
        w->stop = &p->threads.stop;
        w->idx = p->n;
        p->w[p->n] = w;
    }
    return 0;
}

/* refl_loop, on the pool's threads too when --threads asks. */
static int refl_run(struct refl *x)
{
    struct refl_pool *p = x->pool;
    if (!p)
        return ippm_workers_pin(&x->o.cpus, 0, "stamp reflector") == 0
                   ? refl_loop(x)
                   : IPPM_EXIT_RUNTIME;
    int rc = IPPM_EXIT_RUNTIME;
    if (ippm_workers_start(&p->threads, p->n, refl_worker_main,
                           (void **)p->w) == 0) {
        if (ippm_workers_pin(&x->o.cpus, 0, "stamp reflector") == 0)
            rc = refl_loop(x);
        ippm_workers_stop(&p->threads);
    }
    refl_pool_end(x, p);
    return rc;
}

/* "  workers: 2 (received 60, 40)" after the summary, with --threads. */
static void refl_pool_summary(const struct refl *x)
{
    const struct refl_pool *p = x->pool;
    if (!p)
        return;
    fprintf(stderr, "  workers: %u (received", p->n);
    for (unsigned i = 0; i < p->n; i++)
        fprintf(stderr, "%s %llu", i ? "," : "",
                (unsigned long long)p->received[i]);
    fputs(")\n", stderr);
}

static uint64_t refl_pool_rate_sources(const struct refl *x)
{
    return x->pool ? x->pool->rate_sources : 0;
}
