/* `ippm udping server`: a loop around udping_server_take and
 * udping_server_flush. Receive a batch with the kernel's receive times,
 * hand each datagram to proto, and write what proto reports (a session
 * idle for -k, evicted from a full table, or everything at SIGTERM) in
 * the original's formats. The flush is driven by proto's deadline, not
 * by a SIGALRM that only fires when no packet came (notes §5). */
#include "impl/udping/udping_server.h"

#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/core/config.h"
#include "impl/core/net.h"
#include "impl/report/export.h"
#include "impl/udping/udping_out.h"
#include "proto/udping/udping.h"

#define US_PROG "udping server"
#define US_SECTION "udping-server"
#define US_STATSD_PORT 8125
#define US_DEFAULT_KEEPALIVE_NS (10 * IPPM_NS_PER_SEC)
#define US_DEFAULT_MAX_SESSIONS 4096
#define US_MAX_SESSIONS (1u << 22)
/* The original's receive buffer is 2000 octets; one more tells a
 * datagram over UDPING_MAX_PKT (the kernel truncates it) from one of
 * exactly that size. */
#define US_RX_BUF (UDPING_MAX_PKT + 1)
/* After the first warning of a kind, at most one per this long. */
#define US_LOG_PERIOD_NS (10 * IPPM_NS_PER_SEC)
#define US_REPORTS 64
/* One report in any format: the tagged statsd datagram's five lines
 * carry both host names (up to UDPING_HOST_MAX each) and the prefix, and
 * a JSON line's escaped names up to six times that: about 3.5 KiB at
 * most, so no report is ever cut. */
#define US_DGRAM 8192

struct us_opts {
    const char *listen;
    uint16_t port;
    uint64_t keepalive_ns;
    const char *to_host;   /* -r */
    const char *statsd;    /* -s HOST[:PORT] */
    const char *tagged;    /* -t HOST[:PORT] */
    const char *prefix;    /* -m */
    bool level_port, level_host; /* --statsd-level */
    bool verbose, quiet, numeric, legacy;
    uint64_t max_sessions;
    struct ippm_export_opts exp;
};

/* One statsd destination: a socket connected to it and a batch of
 * datagrams sent once per loop turn. */
struct us_sink {
    bool on;
    struct ippm_addr to;
    struct ippm_sock sock;
    struct ippm_tx_batch tx;
    uint64_t sent, failed;
};

/* A rate limit on one kind of warning line: the first at once, then at
 * most one per US_LOG_PERIOD_NS saying how many went unsaid. */
struct us_warn {
    uint64_t next_ns;  /* 0: the first is still to come */
    uint64_t unsaid;
};

struct us_metrics {
    struct ippm_metrics reg;
    struct ippm_metric *received, *sessions, *started, *reported, *evicted,
        *statsd_sent, *statsd_failed;
    struct ippm_metric *dropped[UDPING_ERR_COUNT_];
};

struct us {
    struct us_opts o;
    struct ippm_clock clk;
    struct ippm_sock sock;
    struct ippm_rx_batch rx;
    struct udping_server srv;
    struct udping_session *slots;
    void *mem;
    struct udping_dns_cache *dns;
    char to_host[UDPING_HOST_MAX];
    struct us_sink plain, tagged;
    struct us_warn warn[UDPING_ERR_COUNT_];
    uint64_t truncated; /* over US_RX_BUF: dropped as "size" */
    struct us_metrics met;
    struct ippm_export exp;
};

enum {
    OPT_LEGACY = 256,
    OPT_MAX_SESSIONS,
    OPT_METRICS,
    OPT_LEVEL,
};

static const struct option us_longopts[] = {
    {"listen", required_argument, NULL, 'l'},
    {"port", required_argument, NULL, 'p'},
    {"keepalive", required_argument, NULL, 'k'},
    {"receive-host", required_argument, NULL, 'r'},
    {"statsd", required_argument, NULL, 's'},
    {"statsd-tagged", required_argument, NULL, 't'},
    {"metric-prefix", required_argument, NULL, 'm'},
    {"statsd-level", required_argument, NULL, OPT_LEVEL},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"numeric", no_argument, NULL, 'N'},
    {"legacy", no_argument, NULL, OPT_LEGACY},
    {"max-sessions", required_argument, NULL, OPT_MAX_SESSIONS},
    {"metrics", required_argument, NULL, OPT_METRICS},
    {"config", required_argument, NULL, 'C'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void us_usage(FILE *f)
{
    fputs(
        "usage: ippm udping server -p PORT [options]\n"
        "Receive UDPing (yahoo/UDPing) streams and report each session (one\n"
        "guid) once it has been idle for the keepalive: count, expected\n"
        "count from the sequence numbers, latency sum, sum of squares and\n"
        "max in ms, as the original udping_server writes them. Nothing is\n"
        "ever sent back to a client.\n"
        "  -l, --listen HOST[:PORT]  bind one address (default: every IPv4\n"
        "                         and IPv6 address)\n"
        "  -p, --port PORT        UDP port, 1024-65535\n"
        "  -k, --keepalive S      report a session idle this long, 1-60 s\n"
        "                         (default 10)\n"
        "  -r, --receive-host NAME  to_host in the reports (default: -l's\n"
        "                         reverse DNS name, else this host's name)\n"
        "  -s, --statsd HOST[:PORT]  a statsd datagram per session (port\n"
        "                         8125 by default): <from>.<port>.<to>.<port>.\n"
        "                         count|c targetCount|c sum|c sos|c max|g\n"
        "  -t, --statsd-tagged HOST[:PORT]  the same with tags:\n"
        "                         <prefix>.count,from_host=..,to_port=..:N|c\n"
        "  -m, --metric-prefix NAME  the tagged metrics' prefix (default udping)\n"
        "  --statsd-level port|host|both  statsd names with the two ports (the\n"
        "                         original's, default), without them (a host\n"
        "                         pair's ports add up in statsd), or both\n"
        "  -v, --verbose          a line per packet: guid:start:seq - sec:nsec\n"
        "  -q, --quiet            no JSON lines on stdout\n"
        "  -N, --numeric          host names as addresses: no reverse DNS\n"
        "  --legacy               the 2017 format with per-interval control\n"
        "                         packets (64-octet header) instead of v1\n"
        "  --max-sessions N       sessions held at once (default 4096); a new\n"
        "                         guid then reports the least recent one early\n"
        "  --metrics ADDR:PORT    serve Prometheus metrics on http://ADDR:PORT/"
        "metrics\n"
        "  --config FILE          options from FILE ([udping-server] and\n"
        "                         global keys); the command line wins\n"
        "  -h, --help             this text\n"
        "stdout: one JSON object per finished session, every value a string,\n"
        "line-buffered. Host names have '.' as '_'. Started as root, it binds\n"
        "and then runs as nobody.\n"
        "Exit status: 0 after a clean stop (SIGINT, SIGTERM: every session\n"
        "still open is reported first), 2 on a bad command line, 3 when it\n"
        "could not run.\n",
        f);
}

/* "HOST[:PORT]" of -s / -t: only the syntax here (the name resolves at
 * start, exit 3 if it does not). */
static int us_check_target(const char *opt, const char *s)
{
    char host[256];
    const char *port = NULL;
    uint16_t p;
    if (ippm_cli_split_addr(s, host, sizeof host, &port) != 0) {
        ippm_cli_error("%s: '%s' is not HOST[:PORT]", opt, s);
        return -1;
    }
    return port ? ippm_cli_port(opt, port, &p) : 0;
}

static int us_option(struct us_opts *o, int c, const char *arg)
{
    switch (c) {
    case 'l': o->listen = arg; return 0;
    case 'p':
        /* The original's range (its check says 65536 and means 65535). */
        return ippm_cli_u16("--port", arg, 1024, 65535, "a port", &o->port);
    case 'k':
        return ippm_cli_seconds("--keepalive", arg, 1, 60, &o->keepalive_ns);
    case 'r': o->to_host = arg; return 0;
    case 's': o->statsd = arg; return us_check_target("--statsd", arg);
    case 't':
        o->tagged = arg;
        return us_check_target("--statsd-tagged", arg);
    case 'm':
        if (!*arg || strlen(arg) > 64) {
            ippm_cli_error("--metric-prefix: '%s' is not a name of 1-64 "
                           "characters", arg);
            return -1;
        }
        o->prefix = arg;
        return 0;
    case 'v': o->verbose = true; return 0;
    case 'q': o->quiet = true; return 0;
    case 'N': o->numeric = true; return 0;
    case OPT_LEGACY: o->legacy = true; return 0;
    case OPT_LEVEL:
        o->level_port = !strcmp(arg, "port") || !strcmp(arg, "both");
        o->level_host = !strcmp(arg, "host") || !strcmp(arg, "both");
        if (o->level_port || o->level_host)
            return 0;
        ippm_cli_error("--statsd-level: '%s' is not port, host or both", arg);
        return -1;
    case OPT_MAX_SESSIONS:
        return ippm_cli_uint("--max-sessions", arg, 1, US_MAX_SESSIONS,
                             "a session count", &o->max_sessions);
    case OPT_METRICS:
        o->exp.metrics = arg;
        return ippm_export_check_metrics(arg);
    default: return -1;
    }
}

/* Returns -1 to run, else the exit status. */
static int us_parse(struct us_opts *o, int argc, char **argv)
{
    int rc = ippm_config_expand(&argc, &argv, us_longopts, US_SECTION, US_PROG);
    if (rc >= 0)
        return rc;
    memset(o, 0, sizeof *o);
    o->keepalive_ns = US_DEFAULT_KEEPALIVE_NS;
    o->max_sessions = US_DEFAULT_MAX_SESSIONS;
    o->prefix = "udping";
    o->level_port = true;
    int c, first = 1;
    while ((c = ippm_cli_next(argc, argv, "l:p:k:r:s:t:m:vqNh", us_longopts,
                              US_PROG, first)) != -1) {
        first = 0;
        if (c == 'h') {
            us_usage(stdout);
            ippm_cli_short_usage(stdout, us_longopts);
            return IPPM_EXIT_OK;
        }
        if (c == '?' || us_option(o, c, optarg) != 0)
            return IPPM_EXIT_USAGE;
    }
    if (optind < argc) {
        ippm_cli_error("%s: unexpected argument '%s' (see --help)", US_PROG,
                       argv[optind]);
        return IPPM_EXIT_USAGE;
    }
    if (!o->port && !o->listen) {
        ippm_cli_error("%s: no port: give -p PORT (see --help)", US_PROG);
        return IPPM_EXIT_USAGE;
    }
    return -1;
}

/* ---- metrics ---- */

static void us_metrics_init(struct us_metrics *m)
{
    struct ippm_metrics *r = &m->reg;
    ippm_metrics_init(r);
#define F_ "ippm_udping_server_"
    m->received = ippm_metric_add(r, IPPM_METRIC_COUNTER,
                                  F_ "datagrams_received_total",
                                  "Datagrams received", NULL);
    for (int i = 0; i < UDPING_ERR_COUNT_; i++) {
        char l[IPPM_METRIC_LABELS_LEN] = "";
        ippm_metric_label(l, sizeof l, "reason",
                          udping_err_str((enum ippm_err)(IPPM_ERR_PROTO_FIRST + i)));
        m->dropped[i] = ippm_metric_add(r, IPPM_METRIC_COUNTER,
                                        F_ "datagrams_dropped_total",
                                        "Malformed or unplaceable datagrams "
                                        "dropped, by reason", l);
    }
    m->sessions = ippm_metric_add(r, IPPM_METRIC_GAUGE, F_ "sessions",
                                  "Sessions (guids) open", NULL);
    m->started = ippm_metric_add(r, IPPM_METRIC_COUNTER,
                                 F_ "sessions_started_total",
                                 "Sessions (guids) seen", NULL);
    m->reported = ippm_metric_add(r, IPPM_METRIC_COUNTER,
                                  F_ "sessions_reported_total",
                                  "Sessions reported", NULL);
    m->evicted = ippm_metric_add(r, IPPM_METRIC_COUNTER,
                                 F_ "sessions_evicted_total",
                                 "Sessions reported early: table full", NULL);
    m->statsd_sent = ippm_metric_add(r, IPPM_METRIC_COUNTER,
                                     F_ "statsd_sent_total",
                                     "statsd datagrams sent", NULL);
    m->statsd_failed = ippm_metric_add(r, IPPM_METRIC_COUNTER,
                                       F_ "statsd_failed_total",
                                       "statsd datagrams the kernel refused",
                                       NULL);
#undef F_
}

static void us_publish(struct us *x)
{
    if (!x->exp.on)
        return;
    struct us_metrics *m = &x->met;
    const struct udping_server *s = &x->srv;
    ippm_metrics_begin(&m->reg);
    ippm_metric_set(m->received, s->taken + x->truncated);
    for (int i = 0; i < UDPING_ERR_COUNT_; i++)
        ippm_metric_set(m->dropped[i],
                        s->dropped[i] + (i == 1 ? x->truncated : 0));
    ippm_metric_set(m->sessions, udping_server_sessions(s));
    ippm_metric_set(m->started, s->started);
    ippm_metric_set(m->reported, s->reported);
    ippm_metric_set(m->evicted, s->evicted);
    ippm_metric_set(m->statsd_sent, x->plain.sent + x->tagged.sent);
    ippm_metric_set(m->statsd_failed, x->plain.failed + x->tagged.failed);
    ippm_metrics_end(&m->reg);
}

/* ---- output ---- */

static void us_sink_send(struct us_sink *k)
{
    if (!k->on || k->tx.n == 0)
        return;
    /* The socket is connected: an ICMP port unreachable from a collector
     * that was down for a moment stays pending and would refuse the next
     * report, which the collector, back up, would have taken. Reading
     * SO_ERROR clears it first (the original's unconnected sendto never
     * sees it). */
    int err;
    socklen_t err_len = sizeof err;
    (void)getsockopt(k->sock.fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
    size_t n = k->tx.n;
    size_t sent = ippm_net_send(&k->sock, &k->tx, &err);
    k->sent += sent;
    k->failed += n - sent;
}

static void us_sink_queue(struct us_sink *k, const char *buf, int len)
{
    if (!k->on || len < 0)
        return;
    uint8_t *slot = ippm_tx_batch_slot(&k->tx);
    if (!slot) { /* the batch is full: send it, then queue */
        us_sink_send(k);
        slot = ippm_tx_batch_slot(&k->tx);
    }
    memcpy(slot, buf, (size_t)len);
    ippm_tx_batch_commit(&k->tx, &k->sock, (size_t)len, NULL, NULL);
}

/* One finished session, in every format asked for. */
static void us_emit(struct us *x, const struct udping_report *r)
{
    struct udping_names n;
    snprintf(n.from_host, sizeof n.from_host, "%s",
             udping_dns_name(x->dns, &r->peer));
    snprintf(n.from_port, sizeof n.from_port, "%u", (unsigned)r->peer.port);
    memcpy(n.to_host, x->to_host, sizeof n.to_host);
    snprintf(n.to_port, sizeof n.to_port, "%u", (unsigned)x->sock.local.port);
    char buf[US_DGRAM];
    if (!x->o.quiet && udping_fmt_json(buf, sizeof buf, &n, r) >= 0)
        puts(buf);
    for (int lv = UDPING_LEVEL_PORT; lv <= UDPING_LEVEL_HOST; lv++) {
        if (!(lv == UDPING_LEVEL_PORT ? x->o.level_port : x->o.level_host))
            continue;
        if (x->plain.on)
            us_sink_queue(&x->plain, buf,
                          udping_fmt_statsd(buf, sizeof buf, &n, r, lv));
        if (x->tagged.on)
            us_sink_queue(&x->tagged, buf,
                          udping_fmt_statsd_tagged(buf, sizeof buf, x->o.prefix,
                                                   &n, r, lv));
    }
}

static void us_emit_all(struct us *x, const struct udping_report *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        us_emit(x, &r[i]);
}

/* The original's warning for a dropped datagram (notes §1), without
 * warn(3)'s ": Success", with the sender. */
static void us_warn(struct us *x, enum ippm_err e, const uint8_t *p,
                    size_t len, bool trunc, const struct ippm_addr *peer,
                    uint64_t now)
{
    unsigned i = (unsigned)e - (unsigned)IPPM_ERR_PROTO_FIRST;
    if (i >= UDPING_ERR_COUNT_)
        return;
    struct us_warn *w = &x->warn[i];
    if (w->next_ns && now < w->next_ns) {
        w->unsaid++;
        return;
    }
    uint32_t hdr_len = x->o.legacy ? UDPING_LEGACY_HDR_LEN : UDPING_HDR_LEN;
    char what[160], from[IPPM_ADDR_STRLEN], more[64] = "";
    /* The size field, as the decoder read it before it refused. */
    uint32_t size = 0;
    if (x->o.legacy) {
        struct udping_legacy_hdr l = {0};
        (void)udping_legacy_decode(p, len, &l);
        size = (uint32_t)l.size;
    } else {
        struct udping_hdr h = {0};
        (void)udping_decode(p, len, &h);
        size = h.size;
    }
    switch (i) {
    case 0:
        snprintf(what, sizeof what,
                 "Malformed packet - size %zu is less than header size %u",
                 len, (unsigned)hdr_len);
        break;
    case 1:
        snprintf(what, sizeof what, "Malformed packet - expected %" PRIu32
                 ", got %s%zu", size, trunc ? "more than " : "", len);
        break;
    case 2:
        snprintf(what, sizeof what,
                 "Incorrect protocol version.  Expected %d, got %u",
                 UDPING_VERSION, (unsigned)p[0]);
        break;
    case 3:
        snprintf(what, sizeof what,
                 "Malformed packet - guid is not NUL-terminated");
        break;
    default:
        snprintf(what, sizeof what,
                 "session table full (%zu): new guid dropped", x->srv.cap);
        break;
    }
    if (w->unsaid)
        snprintf(more, sizeof more, " (%" PRIu64 " more since the last)",
                 w->unsaid);
    fprintf(stderr, "ippm %s: %s (from %s)%s\n", US_PROG, what,
            ippm_addr_fmt(peer, from, sizeof from), more);
    w->unsaid = 0;
    w->next_ns = now + US_LOG_PERIOD_NS;
}

/* The -v line of an accepted datagram. */
static void us_verbose(const struct us *x, const uint8_t *p, size_t len)
{
    struct udping_hdr h;
    if (x->o.legacy) {
        struct udping_legacy_hdr l;
        if (udping_legacy_decode(p, len, &l) != IPPM_OK)
            return;
        memset(&h, 0, sizeof h);
        memcpy(h.guid, l.guid, sizeof h.guid);
        h.seq = (uint32_t)l.seq;
        h.sent_sec = l.sent_sec;
        h.sent_nsec = l.sent_nsec;
    } else if (udping_decode(p, len, &h) != IPPM_OK) {
        return;
    }
    char buf[160];
    if (udping_fmt_verbose(buf, sizeof buf, &h) >= 0)
        puts(buf);
}

/* ---- the loop ---- */

static void us_take_batch(struct us *x, int n)
{
    for (int i = 0; i < n; i++) {
        const uint8_t *p = ippm_rx_batch_buf(&x->rx, (size_t)i);
        size_t len = x->rx.len[i];
        const struct ippm_rx_meta *m = &x->rx.meta[i];
        if (x->rx.trunc[i]) {
            x->truncated++;
            us_warn(x, UDPING_ERR_SIZE, p, len, true, &m->peer, m->rx_ns);
            continue;
        }
        struct udping_report out[UDPING_TAKE_REPORTS_MAX];
        size_t n_out = 0;
        enum ippm_err e =
            udping_server_take(&x->srv, p, len, &m->peer, m->rx_ns, out, &n_out);
        if (e == IPPM_OK && x->o.verbose)
            us_verbose(x, p, len);
        else if (e != IPPM_OK)
            us_warn(x, e, p, len, false, &m->peer, m->rx_ns);
        us_emit_all(x, out, n_out);
    }
}

/* Reports every session idle at now (every one when all). */
static void us_flush(struct us *x, uint64_t now, bool all)
{
    struct udping_report out[US_REPORTS];
    size_t n;
    do {
        n = udping_server_flush(&x->srv, now, all, out, US_REPORTS);
        us_emit_all(x, out, n);
    } while (n == US_REPORTS);
}

static uint64_t us_timeout(const struct us *x)
{
    uint64_t d = udping_server_deadline(&x->srv);
    if (d == UINT64_MAX)
        return UINT64_MAX;
    uint64_t now = ippm_clock_now(&x->clk);
    return d > now ? d - now : 0;
}

static int us_loop(struct us *x)
{
    while (!ippm_net_stopping()) {
        int w = ippm_net_wait(&x->sock, us_timeout(x));
        if (w < 0 && errno != EINTR) {
            ippm_cli_error("%s: wait: %s", US_PROG, strerror(errno));
            return IPPM_EXIT_RUNTIME;
        }
        /* Work per wakeup is bounded so the flush and the stop signal
         * are never starved by a flood. */
        for (int b = 0; w > 0 && b < 16; b++) {
            int n = ippm_net_recv(&x->sock, &x->rx, &x->clk);
            if (n <= 0)
                break;
            us_take_batch(x, n);
        }
        us_flush(x, ippm_clock_now(&x->clk), false);
        us_sink_send(&x->plain);
        us_sink_send(&x->tagged);
        us_publish(x);
    }
    us_flush(x, ippm_clock_now(&x->clk), true);
    us_sink_send(&x->plain);
    us_sink_send(&x->tagged);
    us_publish(x);
    return IPPM_EXIT_OK;
}

/* ---- setup ---- */

static int us_sink_open(struct us_sink *k, const char *opt, const char *arg)
{
    if (!arg)
        return -1;
    char err[IPPM_NET_ERRLEN];
    int rc = ippm_cli_addr(opt, arg, 0, US_STATSD_PORT, &k->to);
    if (rc != 0)
        return rc;
    if (ippm_net_open_connected(&k->sock, &k->to, err, sizeof err) != 0) {
        ippm_cli_error("%s: %s: %s", US_PROG, opt, err);
        return IPPM_EXIT_RUNTIME;
    }
    if (ippm_tx_batch_init(&k->tx, 16, US_DGRAM) != 0) {
        ippm_cli_error("%s: out of memory", US_PROG);
        return IPPM_EXIT_RUNTIME;
    }
    k->on = true;
    return -1;
}

static void us_sink_close(struct us_sink *k)
{
    if (!k->on)
        return;
    ippm_tx_batch_free(&k->tx);
    ippm_net_close(&k->sock);
}

/* to_host (notes §6): -r, else -l, as its reverse name when it is an
 * address that has one; with neither, this host's name. */
static void us_to_host(struct us *x)
{
    char host[UDPING_HOST_MAX] = "";
    const char *port;
    if (x->o.to_host)
        snprintf(host, sizeof host, "%s", x->o.to_host);
    else if (!x->o.listen ||
             ippm_cli_split_addr(x->o.listen, host, sizeof host, &port) != 0)
        host[0] = '\0';
    if (!host[0] && gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "localhost");
    udping_to_host(host, x->o.numeric, x->to_host, sizeof x->to_host);
}

/* The sessions' table, keyed with a fresh SipHash seed per run. */
static int us_table(struct us *x)
{
    size_t cap = (size_t)x->o.max_sessions;
    uint8_t seed[IPPM_TABLE_SEED_LEN];
    if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed)
        memset(seed, 0x5a, sizeof seed); /* still correct, only guessable */
    x->slots = calloc(cap, sizeof *x->slots);
    x->mem = malloc(UDPING_SERVER_MEM(cap));
    x->dns = malloc(sizeof *x->dns);
    if (!x->slots || !x->mem || !x->dns) {
        ippm_cli_error("%s: out of memory for %zu sessions", US_PROG, cap);
        return IPPM_EXIT_RUNTIME;
    }
    udping_dns_init(x->dns, x->o.numeric);
    if (udping_server_init(&x->srv, x->slots, cap, x->mem,
                           UDPING_SERVER_MEM(cap), seed, x->o.keepalive_ns,
                           x->o.legacy) != IPPM_OK) {
        ippm_cli_error("%s: cannot set up %zu sessions", US_PROG, cap);
        return IPPM_EXIT_RUNTIME;
    }
    return -1;
}

/* The original switches to nobody when started as root (notes §7): the
 * sockets are bound, nothing else needs root. */
static int us_drop_root(void)
{
    if (geteuid() != 0)
        return -1;
    const struct passwd *pw = getpwnam("nobody");
    if (!pw) {
        ippm_cli_error("%s: started as root, and there is no user 'nobody' "
                       "to run as", US_PROG);
        return IPPM_EXIT_RUNTIME;
    }
    if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0) {
        ippm_cli_error("%s: cannot run as nobody: %s", US_PROG,
                       strerror(errno));
        return IPPM_EXIT_RUNTIME;
    }
    return -1;
}

static int us_setup(struct us *x)
{
    char err[IPPM_NET_ERRLEN];
    int rc;
    struct ippm_addr local = {.port = x->o.port};
    if (x->o.listen &&
        (rc = ippm_cli_addr("--listen", x->o.listen, x->o.port, 0, &local)) != 0)
        return rc;
    if ((rc = us_sink_open(&x->plain, "--statsd", x->o.statsd)) >= 0 ||
        (rc = us_sink_open(&x->tagged, "--statsd-tagged", x->o.tagged)) >= 0)
        return rc;
    if ((rc = us_table(x)) >= 0)
        return rc;
    if (ippm_net_open_bound(&x->sock, x->o.listen ? &local : NULL, local.port,
                            err, sizeof err) != 0) {
        ippm_cli_bind_error(US_PROG, err, "--port");
        return IPPM_EXIT_RUNTIME;
    }
    if (ippm_rx_batch_init(&x->rx, IPPM_NET_BATCH, US_RX_BUF) != 0) {
        ippm_cli_error("%s: out of memory", US_PROG);
        return IPPM_EXIT_RUNTIME;
    }
    us_metrics_init(&x->met);
    if ((rc = ippm_export_start(&x->exp, &x->met.reg, &x->o.exp)) >= 0)
        return rc;
    if ((rc = us_drop_root()) >= 0)
        return rc;
    us_to_host(x);
    return -1;
}

static void us_free(struct us *x)
{
    ippm_export_stop(&x->exp);
    us_sink_close(&x->plain);
    us_sink_close(&x->tagged);
    ippm_rx_batch_free(&x->rx);
    if (x->sock.fd >= 0)
        ippm_net_close(&x->sock);
    free(x->slots);
    free(x->mem);
    free(x->dns);
}

static void us_summary(const struct us *x)
{
    const struct udping_server *s = &x->srv;
    uint64_t dropped = x->truncated;
    for (int i = 0; i < UDPING_ERR_COUNT_; i++)
        dropped += s->dropped[i];
    fprintf(stderr,
            "ippm %s: received %" PRIu64 " datagrams, %" PRIu64
            " dropped (short %" PRIu64 ", size %" PRIu64 ", version %" PRIu64
            ", guid %" PRIu64 ", table %" PRIu64 "), %" PRIu64
            " sessions reported (%" PRIu64 " early)\n",
            US_PROG, s->taken + x->truncated, dropped, s->dropped[0],
            s->dropped[1] + x->truncated, s->dropped[2], s->dropped[3],
            s->dropped[4], s->reported, s->evicted);
}

/* see udping_server.h */
int udping_server_main(int argc, char **argv)
{
    struct us *x = calloc(1, sizeof *x);
    if (!x) {
        ippm_cli_error("%s: out of memory", US_PROG);
        return IPPM_EXIT_RUNTIME;
    }
    x->sock.fd = -1;
    int rc = us_parse(&x->o, argc, argv);
    if (rc < 0) {
        /* Line-buffered: a pipe (statsd-less monitoring, a test) sees
         * each session as it ends, not when a 4 KiB buffer fills. */
        setvbuf(stdout, NULL, _IOLBF, 0);
        ippm_clock_init(&x->clk, IPPM_TS_NTP);
        ippm_net_stop_signals();
        rc = us_setup(x);
    }
    if (rc < 0) {
        char at[IPPM_ADDR_STRLEN];
        fprintf(stderr, "ippm %s listening on %s (keepalive %.3g s, %s)\n",
                US_PROG, ippm_addr_fmt(&x->sock.local, at, sizeof at),
                (double)x->o.keepalive_ns / 1e9,
                x->o.legacy ? "2017 format" : "version 1");
        rc = us_loop(x);
        us_summary(x);
    }
    us_free(x);
    free(x);
    return rc;
}
