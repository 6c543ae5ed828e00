/* `ippm rmbt server`: a loop around rmbt_server_handle (notes
 * rmbt-udp-ping §4). Every worker thread owns one SO_REUSEPORT socket per
 * bound address (impl/core/workers.h), receives a batch with recvmmsg,
 * hands each datagram to proto with the kernel's receive time and sends
 * the replies in one sendmmsg; it sleeps in poll while nothing comes (the
 * original v1 woke every millisecond to look). It never reads an RMBT
 * field: what to answer is proto's business, this file counts and logs.
 *
 * Logging is the original's: `<unix-seconds> [LEVEL] message` on stderr,
 * debug lines per request while debug is on (-d at start, SIGUSR1
 * toggles it). */
#include "impl/rmbt/rmbt_server.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "proto/rmbt/rmbt.h"
#include "impl/commands.h"
#include "impl/core/admit_opts.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/core/config.h"
#include "impl/core/crypto_openssl.h"
#include "impl/core/net.h"
#include "impl/core/workers.h"
#include "impl/report/export.h"

#define PROG "rmbt server"
#define BINDS_MAX 16
/* notes §4: the original reads into 1024-octet buffers; anything longer
 * is cut by the kernel and its length then is not 24 (dropped). */
#define RX_BUF 1024
/* Work per wakeup and socket: 16 batches, then the stop flag is looked at
 * even under a flood that keeps the socket full. */
#define BATCHES_PER_WAKEUP 16
/* How often worker 0 publishes the other workers' counters when idle,
 * with --metrics. */
#define PUBLISH_NS (100 * 1000000ull)
/* A debug line shows at most this much of a datagram. */
#define HEX_MAX 64

/* What a worker counts, by index, so that sharing is one loop. */
enum rmbt_count {
    C_RECEIVED,
    C_RR01,
    C_RE01,
    C_SEND_FAILED,
    C_DROP_LENGTH,  /* the drop reasons in RMBT_ERR_* order */
    C_DROP_MAGIC,
    C_DROP_EXPIRED,
    C_DROP_FUTURE,
    C_DROP_HASH,
    C_DROP_DENIED,  /* --allow-from / --deny-from */
    C_DROP_RATE,    /* --rate-limit */
    C_DROP_OTHER,   /* anything proto may add later */
    C_COUNT_
};
#define C_DROP_FIRST C_DROP_LENGTH

static const char *const drop_name[C_COUNT_ - C_DROP_FIRST] = {
    "length", "magic", "expired", "future", "hash", "denied", "rate-limited",
    "other"};

struct rmbt_opts {
    const char *cli_secret[RMBT_SECRETS_MAX]; /* -s, in order */
    size_t n_cli_secret;
    const char *secret_file[RMBT_SECRETS_MAX]; /* -f, in order */
    size_t n_secret_file;
    uint16_t port;
    const char *bind[BINDS_MAX];
    size_t n_bind;
    unsigned threads; /* 0: not given */
    struct ippm_cpu_list cpus;
    bool debug;
    struct ippm_admit_opts admit;
    struct ippm_export_opts exp;
};

struct rmbt_srv;

/* One worker: its sockets, its key contexts (an expanded HMAC key is not
 * shared between threads), its batches and counters. */
struct rmbt_worker {
    struct rmbt_srv *srv;
    unsigned idx;
    struct ippm_sock sock[BINDS_MAX];
    size_t n_sock;
    struct ippm_hmac_key keys[RMBT_SECRETS_MAX];
    struct rmbt_server proto;
    struct ippm_ratelimit *rl;
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
    uint64_t c[C_COUNT_];            /* the worker's own */
    _Atomic uint64_t shared[C_COUNT_]; /* its copy for worker 0's publish */
};

struct rmbt_srv {
    struct rmbt_opts o;
    struct rmbt_secrets secrets;
    struct ippm_crypto crypto;
    bool have_crypto;
    struct ippm_clock clk;
    struct ippm_addr bind[BINDS_MAX]; /* resolved -b; none: [::] */
    atomic_bool debug;
    atomic_bool failed; /* a worker could not go on: exit 3 */
    int stop_fd;   /* eventfd: readable once the workers are to stop */
    int sig_fd;    /* signalfd of SIGUSR1, read by worker 0 */
    struct ippm_workers pool;
    struct rmbt_worker *w[IPPM_WORKERS_MAX];
    unsigned n_workers;
    struct ippm_metrics reg;
    struct ippm_metric *m[C_COUNT_];
    struct ippm_export exp;
};

/* ---- logging: `<unix-seconds> [LEVEL] message` ---- */

/* One whole line in one write(2), so the workers' lines never mix. */
static void rmbt_log(const char *level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void rmbt_log(const char *level, const char *fmt, ...)
{
    char line[1024];
    int k = snprintf(line, sizeof line, "%lld [%s] ", (long long)time(NULL),
                     level);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + k, sizeof line - (size_t)k - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)k + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}

static char *hex(const uint8_t *p, size_t n, char *out, size_t cap)
{
    static const char d[] = "0123456789abcdef";
    size_t k = 0;
    for (size_t i = 0; i < n && k + 3 <= cap; i++) {
        out[k++] = d[p[i] >> 4];
        out[k++] = d[p[i] & 15];
    }
    out[k] = '\0';
    return out;
}

/* An address as the original shows it; with mapped, an IPv4 client as
 * ::ffff:a.b.c.d, the form the IP hash covers (notes §2), whatever the
 * socket's family (v2.2 does so with -b 127.0.0.1 too). */
static void source_text(const struct ippm_addr *a, bool mapped, char *out,
                        size_t cap)
{
    char as[IPPM_ADDR_STRLEN];
    snprintf(out, cap, "%s%s",
             a->family == IPPM_AF_INET && mapped ? "::ffff:" : "",
             ippm_addr_ip_fmt(a, as, sizeof as));
}

/* The v2.2 debug lines for one request (notes §5), as far as the
 * decision went. */
static void log_request(const struct rmbt_srv *x, const uint8_t *p,
                        size_t len,
                        const struct ippm_addr *peer,
                        const struct rmbt_decision *d, const uint8_t *reply,
                        size_t reply_len)
{
    char h[2 * HEX_MAX + 1], h2[2 * 32 + 1];
    rmbt_log("DEBUG", "Received (len=%zu): %s%s", len,
             hex(p, len < HEX_MAX ? len : HEX_MAX, h, sizeof h),
             len > HEX_MAX ? "..." : "");
    /* v2.2 says nothing more of a bad length or magic; a reason helps. */
    if (d->why == RMBT_ERR_LENGTH || d->why == RMBT_ERR_MAGIC) {
        rmbt_log("DEBUG", "Bad %s — dropping", rmbt_err_str(d->why));
        return;
    }
    rmbt_log("DEBUG", "Time difference: %.3f s", (double)d->age_s);
    if (d->why == RMBT_ERR_EXPIRED || d->why == RMBT_ERR_FUTURE) {
        rmbt_log("DEBUG", "Packet too %s — dropping",
                 d->why == RMBT_ERR_EXPIRED ? "late" : "early");
        return;
    }
    uint8_t ip[16];
    char st[IPPM_ADDR_STRLEN + 8];
    rmbt_ip128(peer, ip);
    source_text(peer, true, st, sizeof st);
    rmbt_log("DEBUG", "Source address: %s (%s)", st, hex(ip, 16, h, sizeof h));
    if (x->secrets.n) {
        rmbt_log("DEBUG", "HMAC packet received=%s expected=%s",
                 hex(p + 12, 8, h, sizeof h),
                 hex(d->hash_want, 8, h2, sizeof h2));
        if (d->why == RMBT_ERR_HASH) {
            rmbt_log("DEBUG", "HMAC packet mismatch for all secrets — "
                              "dropping");
            return;
        }
        if (d->secret >= 0 && (size_t)d->secret < x->secrets.n)
            rmbt_log("TRACE", "Secret matched: %s",
                     x->secrets.s[d->secret].label);
        rmbt_log("DEBUG", "HMAC IP received=%s expected=%s",
                 hex(p + 20, 4, h, sizeof h),
                 hex(d->ip_hash_want, 4, h2, sizeof h2));
    }
    if (d->why != IPPM_OK)
        rmbt_log("DEBUG", "Dropped: %s", rmbt_err_str(d->why));
    else
        rmbt_log("DEBUG", "Sending response: %s",
                 hex(reply, reply_len, h, sizeof h));
}

/* ---- the packet path ---- */

static enum rmbt_count drop_count(enum ippm_err why)
{
    int i = (int)why - (int)IPPM_ERR_PROTO_FIRST;
    return i >= 0 && i <= C_DROP_HASH - C_DROP_FIRST
               ? (enum rmbt_count)(C_DROP_FIRST + i)
               : C_DROP_OTHER;
}

/* Admission (--allow-from, --deny-from, --rate-limit) before any HMAC:
 * true to go on. */
static bool admitted(struct rmbt_worker *w, const struct ippm_rx_meta *m,
                     bool dbg)
{
    const struct rmbt_opts *o = &w->srv->o;
    if (!o->admit.prefixes.n && !w->rl)
        return true;
    enum ippm_admit_verdict v =
        ippm_admit_check(&o->admit.prefixes, w->rl, &m->peer, m->rx_ns);
    if (v == IPPM_ADMIT_OK)
        return true;
    enum rmbt_count c = v == IPPM_ADMIT_DENIED ? C_DROP_DENIED : C_DROP_RATE;
    w->c[c]++;
    if (dbg)
        rmbt_log("DEBUG", "Dropped: %s", drop_name[c - C_DROP_FIRST]);
    return false;
}

static void handle_one(struct rmbt_worker *w, const struct ippm_sock *s,
                       size_t i, bool dbg)
{
    const struct ippm_rx_meta *m = &w->rx.meta[i];
    const uint8_t *p = ippm_rx_batch_buf(&w->rx, i);
    size_t len = w->rx.len[i];
    w->c[C_RECEIVED]++;
    if (!admitted(w, m, dbg))
        return;
    uint8_t *slot = ippm_tx_batch_slot(&w->tx);
    if (!slot) { /* cannot happen: tx holds a batch, emptied per batch */
        w->c[C_DROP_OTHER]++;
        return;
    }
    struct ippm_event ev = {.kind = IPPM_EV_DATAGRAM,
                            .now_ns = m->rx_ns,
                            .data = p,
                            .len = len,
                            .meta = m};
    struct ippm_action act;
    struct rmbt_decision d;
    rmbt_server_handle(&w->proto, &ev, slot, w->tx.buf_size, &act, &d);
    /* Never more than 8 octets back for 24 in (notes §4): whatever proto
     * says, a longer reply is not sent. */
    bool send = act.kind == IPPM_ACT_SEND_DATAGRAM && act.len > 0 &&
                act.len <= RMBT_REP_LEN && len == RMBT_REQ_LEN;
    if (dbg)
        log_request(w->srv, p, len, &m->peer, &d, slot,
                    send ? act.len : 0);
    if (!send) {
        w->c[act.kind == IPPM_ACT_DROP ? drop_count(act.why)
                                       : C_DROP_OTHER]++;
        return;
    }
    w->c[d.tag == RMBT_RR01 ? C_RR01 : C_RE01]++;
    ippm_tx_batch_commit(&w->tx, s, act.len, &m->peer, &m->local);
}

/* The worker's counters for worker 0's next publish. */
static void share(struct rmbt_worker *w)
{
    for (int c = 0; c < C_COUNT_; c++)
        atomic_store_explicit(&w->shared[c], w->c[c], memory_order_relaxed);
}

/* Reads s until it is empty, stop is asked or BATCHES_PER_WAKEUP batches
 * are done. Returns 0, or -1 with errno on a receive error. */
static int drain(struct rmbt_worker *w, const struct ippm_sock *s,
                 const atomic_bool *stop)
{
    struct rmbt_srv *x = w->srv;
    for (int b = 0; b < BATCHES_PER_WAKEUP; b++) {
        if (stop ? atomic_load(stop) : ippm_net_stopping())
            return 0;
        int n = ippm_net_recv(s, &w->rx, &x->clk);
        if (n < 0)
            return errno == EINTR || errno == EAGAIN ? 0 : -1;
        bool dbg = atomic_load_explicit(&x->debug, memory_order_relaxed);
        for (int i = 0; i < n; i++)
            handle_one(w, s, (size_t)i, dbg);
        size_t queued = w->tx.n;
        if (queued)
            w->c[C_SEND_FAILED] += queued - ippm_net_send(s, &w->tx, NULL);
        share(w);
        if ((size_t)n < w->rx.cap)
            return 0;
    }
    return 0;
}

/* Drains every readable socket of fds[0..n_sock). */
static int drain_ready(struct rmbt_worker *w, const struct pollfd *fds,
                       const atomic_bool *stop)
{
    for (size_t k = 0; k < w->n_sock; k++)
        if (fds[k].revents && drain(w, &w->sock[k], stop) != 0)
            return -1;
    return 0;
}

/* A worker that cannot go on stops the whole server: its sockets would
 * stay in the SO_REUSEPORT group, and the flows the kernel hashes to them
 * would get no reply. SIGTERM wakes worker 0, which then exits 3. */
static void *worker_fail(struct rmbt_srv *x)
{
    atomic_store(&x->failed, true);
    kill(getpid(), SIGTERM);
    return NULL;
}

/* Workers 1..N-1: block in poll until a datagram or the stop eventfd. */
static void *worker_main(void *arg)
{
    struct rmbt_worker *w = arg;
    struct rmbt_srv *x = w->srv;
    if (ippm_workers_pin(&x->o.cpus, w->idx, PROG) != 0)
        return worker_fail(x);
    struct pollfd fds[BINDS_MAX + 1];
    for (size_t k = 0; k < w->n_sock; k++)
        fds[k] = (struct pollfd){.fd = w->sock[k].fd, .events = POLLIN};
    fds[w->n_sock] = (struct pollfd){.fd = x->stop_fd, .events = POLLIN};
    while (!atomic_load(&x->pool.stop)) {
        int r = poll(fds, w->n_sock + 1, -1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 || drain_ready(w, fds, &x->pool.stop) != 0) {
            rmbt_log("ERROR", "worker %u: %s", w->idx, strerror(errno));
            return worker_fail(x);
        }
    }
    return NULL;
}

/* ---- metrics ---- */

static void metrics_init(struct rmbt_srv *x)
{
    ippm_metrics_init(&x->reg);
    x->m[C_RECEIVED] = ippm_metric_add(
        &x->reg, IPPM_METRIC_COUNTER, "ippm_rmbt_server_requests_received_total",
        "Datagrams received on the RMBT ping port", NULL);
    char l[64] = "";
    ippm_metric_label(l, sizeof l, "tag", "RR01");
    x->m[C_RR01] = ippm_metric_add(&x->reg, IPPM_METRIC_COUNTER,
                                   "ippm_rmbt_server_replies_total",
                                   "Replies queued, by tag", l);
    l[0] = '\0';
    ippm_metric_label(l, sizeof l, "tag", "RE01");
    x->m[C_RE01] = ippm_metric_add(&x->reg, IPPM_METRIC_COUNTER,
                                   "ippm_rmbt_server_replies_total",
                                   "Replies queued, by tag", l);
    x->m[C_SEND_FAILED] = ippm_metric_add(
        &x->reg, IPPM_METRIC_COUNTER, "ippm_rmbt_server_send_failed_total",
        "Replies the kernel refused", NULL);
    for (int c = C_DROP_FIRST; c < C_COUNT_; c++) {
        l[0] = '\0';
        ippm_metric_label(l, sizeof l, "reason", drop_name[c - C_DROP_FIRST]);
        x->m[c] = ippm_metric_add(&x->reg, IPPM_METRIC_COUNTER,
                                  "ippm_rmbt_server_dropped_total",
                                  "Requests dropped without a reply, by reason",
                                  l);
    }
}

/* Worker 0: every worker's last shared counters into the registry. */
static void metrics_publish(struct rmbt_srv *x)
{
    uint64_t sum[C_COUNT_] = {0};
    for (unsigned i = 0; i < x->n_workers; i++)
        for (int c = 0; c < C_COUNT_; c++)
            sum[c] += atomic_load_explicit(&x->w[i]->shared[c],
                                           memory_order_relaxed);
    ippm_metrics_begin(&x->reg);
    for (int c = 0; c < C_COUNT_; c++)
        ippm_metric_set(x->m[c], sum[c]);
    ippm_metrics_end(&x->reg);
}

/* ---- worker 0, on the main thread ---- */

/* SIGUSR1: debug on or off (notes §5), said on stderr as the original
 * says it, a bare line. */
static void toggle_debug(struct rmbt_srv *x)
{
    struct signalfd_siginfo si;
    while (read(x->sig_fd, &si, sizeof si) == (ssize_t)sizeof si) {
        bool on = !atomic_load(&x->debug);
        atomic_store(&x->debug, on);
        const char *line = on ? "Debug logging enabled\n"
                              : "Debug logging disabled\n";
        ssize_t w = write(STDERR_FILENO, line, strlen(line));
        (void)w;
    }
}

static int main_loop(struct rmbt_srv *x)
{
    struct rmbt_worker *w = x->w[0];
    struct pollfd fds[BINDS_MAX + 1];
    for (size_t k = 0; k < w->n_sock; k++)
        fds[k] = (struct pollfd){.fd = w->sock[k].fd, .events = POLLIN};
    fds[w->n_sock] = (struct pollfd){.fd = x->sig_fd, .events = POLLIN};
    /* Without --metrics, or alone, nothing needs a timer: sleep. */
    uint64_t wait_ns =
        x->exp.on && x->n_workers > 1 ? PUBLISH_NS : UINT64_MAX;
    while (!ippm_net_stopping()) {
        int r = ippm_net_poll(fds, w->n_sock + 1, wait_ns);
        if (r < 0 || (r > 0 && drain_ready(w, fds, NULL) != 0)) {
            ippm_cli_error("%s: %s", PROG, strerror(errno));
            return IPPM_EXIT_RUNTIME;
        }
        if (r > 0 && fds[w->n_sock].revents)
            toggle_debug(x);
        if (x->exp.on)
            metrics_publish(x);
    }
    return IPPM_EXIT_OK;
}

/* ---- options ---- */

static void usage(FILE *f)
{
    fputs(
        "usage: ippm rmbt server [options]\n"
        "Answer RMBT UDP pings (open-rmbt-udp-ping; notes rmbt-udp-ping):\n"
        "a 24-octet RP01 request whose token time lies within 4 h back and\n"
        "30 s ahead, and whose packet hash one secret gives, gets an 8-octet\n"
        "RR01 reply when its IP hash matches the source address, RE01 when\n"
        "not (RE01 for any request in the window when no secret is set).\n"
        "Anything else is dropped and counted.\n"
        "  -s, --secret S         the shared secret (v1: --seed); first of\n"
        "                         the secrets tried, named secret_1\n"
        "  -f, --secret-file FILE more secrets, one `<secret>[ <label>]` per\n"
        "                         line, tried in order; blank and # lines\n"
        "                         skipped, unlabelled ones named secret_N\n"
        "                         (v1: --seed-file)\n"
        "  -p, --port PORT        UDP port (default 444)\n"
        "  -b, --bind ADDR        listen on ADDR only, repeatable (default:\n"
        "                         every IPv4 and IPv6 address, one dual-stack\n"
        "                         socket)\n"
        "  -t, --threads N        worker threads (default: one per CPU of\n"
        "                         --cpus, else per CPU), each with its own\n"
        "                         SO_REUSEPORT socket per address\n"
        "  -c, --cpus LIST        pin worker i to the i-th CPU of LIST\n"
        "                         (5-8,10; CPUs this process may not use are\n"
        "                         skipped)\n"
        "  -d, --debug            a debug line per request from the start;\n"
        "                         SIGUSR1 toggles it\n"
        IPPM_ADMIT_USAGE
        "  --metrics ADDR:PORT    serve Prometheus metrics on http://ADDR:PORT/"
        "metrics\n"
        "                         (127.0.0.1:9104, [::1]:9104, :9104 for all)\n"
        "  --config FILE          options from FILE ([rmbt-server] and global\n"
        "                         keys; secrets only as secret-file)\n"
        "  -V, --version          ippm's version\n"
        "  -h, --help             this text\n"
        "Log lines go to stderr as `<unix-seconds> [LEVEL] message`.\n"
        "Exit status: 0 after SIGINT or SIGTERM, 2 on a bad command line, 3\n"
        "when it could not run (a port below 1024 needs\n"
        "CAP_NET_BIND_SERVICE).\n",
        f);
}

enum {
    OPT_CONFIG = 256,
    OPT_METRICS,
    OPT_ADMIT, /* IPPM_ADMIT_OPT_COUNT_ values from here */
};

#define RMBT_OPTS_COMMON                                                       \
    {"secret-file", required_argument, NULL, 'f'},                             \
    {"seed-file", required_argument, NULL, 'f'},                               \
    {"port", required_argument, NULL, 'p'},                                    \
    {"bind", required_argument, NULL, 'b'},                                    \
    {"threads", required_argument, NULL, 't'},                                 \
    {"cpus", required_argument, NULL, 'c'},                                    \
    {"debug", no_argument, NULL, 'd'},                                         \
    {"help", no_argument, NULL, 'h'},                                          \
    {"config", required_argument, NULL, OPT_CONFIG},                           \
    {"metrics", required_argument, NULL, OPT_METRICS},                         \
    IPPM_ADMIT_LONGOPTS(OPT_ADMIT)

static const struct option longopts[] = {
    {"secret", required_argument, NULL, 's'},
    {"seed", required_argument, NULL, 's'},
    RMBT_OPTS_COMMON,
    {NULL, 0, NULL, 0}};

/* What a config file may set: no secret (config.c refuses "secret"; the
 * v1 name "seed" is simply not offered). */
static const struct option config_opts[] = {RMBT_OPTS_COMMON,
                                             {NULL, 0, NULL, 0}};

static int parse_one(struct rmbt_opts *o, int c, const char *arg)
{
    uint64_t v;
    switch (c) {
    case 's':
        if (o->n_cli_secret >= RMBT_SECRETS_MAX) {
            ippm_cli_error("--secret: more than %d", RMBT_SECRETS_MAX);
            return -1;
        }
        o->cli_secret[o->n_cli_secret++] = arg;
        return 0;
    case 'f':
        if (o->n_secret_file >= RMBT_SECRETS_MAX) {
            ippm_cli_error("--secret-file: more than %d", RMBT_SECRETS_MAX);
            return -1;
        }
        o->secret_file[o->n_secret_file++] = arg;
        return 0;
    case 'p':
        return ippm_cli_port("--port", arg, &o->port);
    case 'b':
        if (o->n_bind >= BINDS_MAX) {
            ippm_cli_error("--bind: more than %d addresses", BINDS_MAX);
            return -1;
        }
        o->bind[o->n_bind++] = arg;
        return 0;
    case 't':
        if (ippm_cli_uint("--threads", arg, 1, IPPM_WORKERS_MAX,
                          "a number of threads", &v) != 0)
            return -1;
        o->threads = (unsigned)v;
        return 0;
    case 'c':
        return ippm_cli_cpus("--cpus", arg, &o->cpus);
    case 'd':
        o->debug = true;
        return 0;
    case OPT_METRICS:
        o->exp.metrics = arg;
        return ippm_export_check_metrics(arg);
    default:
        if (c >= OPT_ADMIT && c < OPT_ADMIT + IPPM_ADMIT_OPT_COUNT_)
            return ippm_admit_opt_parse(&o->admit, c - OPT_ADMIT, arg);
        return -1;
    }
}

static bool cpu_allowed(unsigned cpu, void *arg)
{
    return cpu < CPU_SETSIZE && CPU_ISSET(cpu, (cpu_set_t *)arg);
}

/* -c: v1 skips the CPUs the machine lacks, sorts and dedupes (notes §5);
 * the default thread count follows (v1: one worker per listed CPU; v2.2:
 * one per CPU). Returns 0, or -1 after one line. */
static int parse_threads(struct rmbt_opts *o, bool cpus_given)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        CPU_SET(0, &set);
    if (cpus_given && rmbt_cpus_filter(&o->cpus, cpu_allowed, &set) == 0) {
        ippm_cli_error("--cpus: none of these CPUs is available here "
                       "(this process may use %d)",
                       CPU_COUNT(&set));
        return -1;
    }
    if (!o->threads) {
        size_t n = cpus_given ? o->cpus.n : (size_t)CPU_COUNT(&set);
        o->threads = (unsigned)(n < 1                  ? 1
                                : n > IPPM_WORKERS_MAX ? IPPM_WORKERS_MAX
                                                       : n);
    }
    if ((o->admit.rate.burst || o->admit.sources) && !o->admit.rate.pps) {
        ippm_cli_error("--rate-burst, --rate-sources: need --rate-limit");
        return -1;
    }
    return 0;
}

/* Returns -1 to go on, else the exit status (0 after --help). */
static int parse(struct rmbt_opts *o, int argc, char **argv)
{
    int rc = ippm_config_expand(&argc, &argv, config_opts, "rmbt-server",
                                PROG);
    if (rc >= 0)
        return rc;
    bool cpus_given = false;
    int c;
    for (int first = 1; (c = ippm_cli_next(argc, argv, "s:f:p:b:t:c:dh",
                                           longopts, PROG, first)) != -1;
         first = 0) {
        if (c == '?')
            return IPPM_EXIT_USAGE;
        if (c == 'h') {
            usage(stdout);
            return IPPM_EXIT_OK;
        }
        cpus_given |= c == 'c';
        if (parse_one(o, c, optarg) != 0)
            return IPPM_EXIT_USAGE;
    }
    if (optind < argc) {
        ippm_cli_error("%s: unexpected argument '%s' (try --help)", PROG,
                       argv[optind]);
        return IPPM_EXIT_USAGE;
    }
    return parse_threads(o, cpus_given) == 0 ? -1 : IPPM_EXIT_USAGE;
}

/* The secrets in the order they are tried: -s ones, then each file's.
 * Returns -1 to go on, else IPPM_EXIT_USAGE after one line. */
static int load_secrets(struct rmbt_srv *x)
{
    for (size_t i = 0; i < x->o.n_cli_secret; i++)
        if (rmbt_secrets_add(&x->secrets, "--secret", x->o.cli_secret[i],
                             strlen(x->o.cli_secret[i]), NULL) != 0)
            return IPPM_EXIT_USAGE;
    for (size_t i = 0; i < x->o.n_secret_file; i++)
        if (rmbt_secrets_load(&x->secrets, "--secret-file",
                              x->o.secret_file[i]) != 0)
            return IPPM_EXIT_USAGE;
    return -1;
}

/* -b: every address resolved before any socket. Returns -1 to go on,
 * else the exit status after one line. */
static int resolve_binds(struct rmbt_srv *x)
{
    for (size_t i = 0; i < x->o.n_bind; i++) {
        int rc = ippm_cli_addr("--bind", x->o.bind[i], x->o.port, RMBT_PORT,
                               &x->bind[i]);
        if (rc != 0)
            return rc;
    }
    return -1;
}

/* ---- setup ---- */

/* Worker i: its sockets (one per address, SO_REUSEPORT), key contexts,
 * limiter and batches. Returns 0, or -1 after one line. */
static int worker_open(struct rmbt_srv *x, struct rmbt_worker *w, unsigned i)
{
    w->srv = x;
    w->idx = i;
    size_t n = x->o.n_bind ? x->o.n_bind : 1;
    for (size_t k = 0; k < n; k++) {
        char err[IPPM_NET_ERRLEN];
        uint16_t port = x->o.n_bind ? x->bind[k].port
                                    : (x->o.port ? x->o.port : RMBT_PORT);
        if (ippm_net_open_shared(&w->sock[k], x->o.n_bind ? &x->bind[k] : NULL,
                                 port, err, sizeof err) != 0) {
            ippm_cli_bind_error(PROG, err, "--port");
            return -1;
        }
        w->n_sock = k + 1;
        /* Whole seconds and the two addresses are all it reads. */
        if (ippm_net_rx_lean(&w->sock[k]) != 0) {
            ippm_cli_error("%s: setsockopt: %s", PROG, strerror(errno));
            return -1;
        }
    }
    for (size_t k = 0; k < x->secrets.n; k++)
        if (ippm_hmac_key_init(&w->keys[k], &x->crypto, IPPM_HASH_SHA256,
                               x->secrets.s[k].key,
                               x->secrets.s[k].len) != IPPM_OK) {
            ippm_cli_error("%s: OpenSSL refused an HMAC-SHA-256 key", PROG);
            return -1;
        }
    w->proto.secrets = w->keys;
    w->proto.n_secrets = x->secrets.n;
    int err = 0;
    w->rl = ippm_admit_ratelimit_new(&x->o.admit, PROG, &err);
    if (err)
        return -1;
    if (ippm_rx_batch_init(&w->rx, IPPM_NET_BATCH, RX_BUF) != 0 ||
        ippm_tx_batch_init(&w->tx, IPPM_NET_BATCH, 16) != 0) {
        ippm_cli_error("%s: out of memory", PROG);
        return -1;
    }
    return 0;
}

static void worker_free(struct rmbt_worker *w)
{
    if (!w)
        return;
    for (size_t k = 0; k < w->n_sock; k++)
        ippm_net_close(&w->sock[k]);
    for (size_t k = 0; k < RMBT_SECRETS_MAX; k++)
        ippm_hmac_key_free(&w->keys[k]);
    ippm_admit_ratelimit_free(w->rl);
    ippm_rx_batch_free(&w->rx);
    ippm_tx_batch_free(&w->tx);
    free(w);
}

/* SO_REUSEPORT lets any process of the same user join a port's group
 * and take part of its flows: a second server started by mistake (or an
 * old one still running) would split the traffic silently. A plain bind
 * first fails on a port anybody holds. Returns 0, or -1 after one line. */
static int port_unused(struct rmbt_srv *x)
{
    size_t n = x->o.n_bind ? x->o.n_bind : 1;
    for (size_t k = 0; k < n; k++) {
        char err[IPPM_NET_ERRLEN];
        struct ippm_sock probe;
        uint16_t port = x->o.n_bind ? x->bind[k].port
                                    : (x->o.port ? x->o.port : RMBT_PORT);
        if (ippm_net_open_bound(&probe, x->o.n_bind ? &x->bind[k] : NULL,
                                port, err, sizeof err) != 0) {
            ippm_cli_bind_error(PROG, err, "--port");
            return -1;
        }
        ippm_net_close(&probe);
    }
    return 0;
}

/* Every worker's sockets before the first datagram, so the SO_REUSEPORT
 * group is whole (a socket joining later would move flows). Returns -1 to
 * go on, else the exit status after one line. */
static int workers_open(struct rmbt_srv *x)
{
    if (port_unused(x) != 0)
        return IPPM_EXIT_RUNTIME;
    for (unsigned i = 0; i < x->o.threads; i++) {
        x->w[i] = calloc(1, sizeof *x->w[i]);
        if (!x->w[i]) {
            ippm_cli_error("%s: out of memory", PROG);
            return IPPM_EXIT_RUNTIME;
        }
        x->n_workers = i + 1;
        for (size_t k = 0; k < BINDS_MAX; k++)
            x->w[i]->sock[k].fd = -1;
        if (worker_open(x, x->w[i], i) != 0)
            return IPPM_EXIT_RUNTIME;
    }
    return -1;
}

/* SIGUSR1 blocked in every thread and read from a signalfd by worker 0;
 * an eventfd to wake the other workers at the end. */
static int signals_open(struct rmbt_srv *x)
{
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL);
    x->sig_fd = signalfd(-1, &usr1, SFD_NONBLOCK | SFD_CLOEXEC);
    x->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (x->sig_fd < 0 || x->stop_fd < 0) {
        ippm_cli_error("%s: %s", PROG, strerror(errno));
        return IPPM_EXIT_RUNTIME;
    }
    return -1;
}

/* Crypto, secrets, addresses, sockets, exporters. Returns -1 to go on,
 * else the exit status after one line. */
static int setup(struct rmbt_srv *x)
{
    int rc = load_secrets(x);
    if (rc < 0)
        rc = resolve_binds(x);
    if (rc >= 0)
        return rc;
    if (x->secrets.n) {
        if (ippm_crypto_openssl_init(&x->crypto) != 0) {
            ippm_cli_error("%s: OpenSSL has no HMAC-SHA-256", PROG);
            return IPPM_EXIT_RUNTIME;
        }
        x->have_crypto = true;
    }
    ippm_clock_init(&x->clk, IPPM_TS_NTP);
    atomic_store(&x->debug, x->o.debug);
    rc = signals_open(x);
    if (rc < 0)
        rc = workers_open(x);
    if (rc >= 0)
        return rc;
    metrics_init(x);
    return ippm_export_start(&x->exp, &x->reg, &x->o.exp);
}

/* ---- start and end lines ---- */

static void banner(const struct rmbt_srv *x)
{
    const struct rmbt_opts *o = &x->o;
    if (o->cpus.n) {
        char l[512];
        size_t k = 0;
        for (size_t i = 0; i < o->cpus.n && k + 16 < sizeof l; i++)
            k += (size_t)snprintf(l + k, sizeof l - k, "%s%u", i ? ", " : "",
                                  o->cpus.cpu[i]);
        rmbt_log("INFO", "Using CPU cores: [%s]", o->cpus.n ? l : "");
    }
    const struct rmbt_worker *w = x->w[0];
    for (size_t k = 0; k < w->n_sock; k++) {
        char as[IPPM_ADDR_STRLEN];
        source_text(&w->sock[k].local, false, as, sizeof as);
        rmbt_log("INFO", "Listening on %s, port %u",
                 o->n_bind ? as : "all interfaces", w->sock[k].local.port);
    }
    rmbt_log("INFO", "%zu socket(s), %u worker thread(s) total",
             w->n_sock * x->n_workers, x->n_workers);
    if (!x->secrets.n)
        rmbt_log("WARN", "No secret: every request within the time window "
                         "gets RE01");
    else
        for (size_t i = 0; i < x->secrets.n; i++)
            rmbt_log("INFO", "Secret %zu: %s", i + 1, x->secrets.s[i].label);
    if (atomic_load(&x->debug)) {
        rmbt_log("INFO", "Debug logging enabled at startup");
        for (unsigned i = 0; i < x->n_workers; i++)
            if (o->cpus.n)
                rmbt_log("DEBUG", "Worker %u pinned to CPU %u", i,
                         o->cpus.cpu[i % o->cpus.n]);
            else
                rmbt_log("DEBUG", "Worker %u started", i);
    }
}

static void summary(const struct rmbt_srv *x)
{
    uint64_t t[C_COUNT_] = {0}, dropped = 0;
    char per[512] = "";
    size_t k = 0;
    for (unsigned i = 0; i < x->n_workers; i++) {
        for (int c = 0; c < C_COUNT_; c++)
            t[c] += x->w[i]->c[c];
        if (k + 24 < sizeof per)
            k += (size_t)snprintf(per + k, sizeof per - k, "%s%llu",
                                  i ? ", " : "",
                                  (unsigned long long)x->w[i]->c[C_RECEIVED]);
    }
    char why[512] = "";
    size_t j = 0;
    for (int c = C_DROP_FIRST; c < C_COUNT_; c++) {
        dropped += t[c];
        if (t[c] && j + 40 < sizeof why)
            j += (size_t)snprintf(why + j, sizeof why - j, "%s%s %llu",
                                  j ? ", " : " (", drop_name[c - C_DROP_FIRST],
                                  (unsigned long long)t[c]);
    }
    rmbt_log("INFO",
             "Stopped: received %llu, replied %llu (RR01 %llu, RE01 %llu), "
             "send failed %llu, dropped %llu%s%s; per worker received %s",
             (unsigned long long)t[C_RECEIVED],
             (unsigned long long)(t[C_RR01] + t[C_RE01] - t[C_SEND_FAILED]),
             (unsigned long long)t[C_RR01], (unsigned long long)t[C_RE01],
             (unsigned long long)t[C_SEND_FAILED],
             (unsigned long long)dropped, why, j ? ")" : "", per);
}

/* Worker 0 here, 1..N-1 on the pool's threads. */
static int run(struct rmbt_srv *x)
{
    void *args[IPPM_WORKERS_MAX];
    for (unsigned i = 0; i < x->n_workers; i++)
        args[i] = x->w[i];
    if (ippm_workers_start(&x->pool, x->n_workers, worker_main, args) != 0)
        return IPPM_EXIT_RUNTIME;
    int rc = ippm_workers_pin(&x->o.cpus, 0, PROG) == 0 ? main_loop(x)
                                                         : IPPM_EXIT_RUNTIME;
    atomic_store(&x->pool.stop, true);
    uint64_t one = 1;
    ssize_t wr = write(x->stop_fd, &one, sizeof one);
    (void)wr;
    ippm_workers_stop(&x->pool);
    return atomic_load(&x->failed) ? IPPM_EXIT_RUNTIME : rc;
}

static void srv_free(struct rmbt_srv *x)
{
    ippm_export_stop(&x->exp);
    for (unsigned i = 0; i < x->n_workers; i++)
        worker_free(x->w[i]);
    if (x->have_crypto)
        ippm_crypto_openssl_free(&x->crypto);
    if (x->sig_fd >= 0)
        close(x->sig_fd);
    if (x->stop_fd >= 0)
        close(x->stop_fd);
    rmbt_secrets_wipe(&x->secrets);
    free(x);
}

/* see rmbt_server.h */
int rmbt_server_main(int argc, char **argv)
{
    struct rmbt_srv *x = calloc(1, sizeof *x);
    if (!x) {
        ippm_cli_error("%s: out of memory", PROG);
        return IPPM_EXIT_RUNTIME;
    }
    x->sig_fd = x->stop_fd = -1;
    int rc = parse(&x->o, argc, argv);
    if (rc < 0)
        rc = setup(x);
    if (rc < 0) {
        ippm_net_stop_signals();
        banner(x);
        rc = run(x);
        summary(x);
    }
    srv_free(x);
    return rc;
}
