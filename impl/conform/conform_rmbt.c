/* `ippm conform rmbt-server HOST[:PORT] --seed S [--ip IP]` and the
 * self-test of ippm's own RMBT server: every row of the notes' §4 table
 * (../shared/notes/rmbt-udp-ping.md) sent once, times relative to our
 * clock as each probe leaves, graded by the RMBT cases. Never more than
 * one datagram of at most 25 octets per row, so the prober amplifies
 * nothing either. */
#include "impl/conform/conform_rmbt.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conformance/rmbt/rmbt_pairing.h"
#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/core/crypto_openssl.h"
#include "impl/core/net.h"
#include "impl/rmbt/rmbt_cmd.h"
#include "proto/rmbt/rmbt.h"

/* What a probe carries. */
enum probe_kind {
    PK_OK,       /* right key, our address */
    PK_OTHER_IP, /* right key, another address's IP hash */
    PK_KEY,      /* another key */
    PK_MAGIC,    /* RP02 */
    PK_SHORT,    /* 23 octets */
    PK_LONG,     /* 25 octets */
    PK_ZERO,     /* octets 8..23 zero */
};

struct probe {
    uint32_t bit;       /* IPPM_PROBE_RMBT_* */
    enum probe_kind kind;
    int32_t dt;         /* t = now + dt, whole seconds */
};

/* The notes' §4 table, and the window's boundaries a second either side. */
static const struct probe probes[] = {
    {IPPM_PROBE_RMBT_VALID, PK_OK, 0},
    {IPPM_PROBE_RMBT_VALID, PK_OK, 0},
    {IPPM_PROBE_RMBT_VALID, PK_OK, -14400 + 60},
    {IPPM_PROBE_RMBT_VALID, PK_OK, 25},
    {IPPM_PROBE_RMBT_IP, PK_OTHER_IP, 0},
    {IPPM_PROBE_RMBT_KEY, PK_KEY, 0},
    {IPPM_PROBE_RMBT_SHAPE, PK_MAGIC, 0},
    {IPPM_PROBE_RMBT_SHAPE, PK_SHORT, 0},
    {IPPM_PROBE_RMBT_SHAPE, PK_LONG, 0},
    {IPPM_PROBE_RMBT_EDGES, PK_OK, -14400},
    {IPPM_PROBE_RMBT_EDGES, PK_OK, 30},
    {IPPM_PROBE_RMBT_EDGES, PK_OK, -14401},
    {IPPM_PROBE_RMBT_EDGES, PK_OK, 31},
    {IPPM_PROBE_RMBT_FAR, PK_OK, -14400 - 10},
    {IPPM_PROBE_RMBT_FAR, PK_OK, 40},
    {IPPM_PROBE_RMBT_FAR, PK_ZERO, 0},
    {IPPM_PROBE_RMBT_VALID, PK_OK, 0},
};
#define N_PROBES (sizeof probes / sizeof probes[0])

/* Not the server's secret, for the wrong-key row. */
static const char wrong_secret[] = "ippm conform: not the secret";

#define NS NS_PER_S

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / NS), (long)(ns % NS)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR &&
           !ippm_net_stopping())
        ;
}

/* The second boundaries cannot fall among the probes: they start in the
 * first half of a second and take a few milliseconds. */
static void align_to_second(void)
{
    uint64_t frac = ippm_clock_realtime() % NS;
    if (frac > NS / 2)
        sleep_ns(NS - frac + NS / 100);
}

/* One more datagram of the run, its octets copied; NULL when full. */
static struct stamp_dgram *keep(struct rmbt_probe_run *run,
                                const uint8_t *p, size_t len)
{
    if (run->n_d == RMBT_PROBE_DGRAMS) {
        run->dropped++;
        return NULL;
    }
    size_t k = run->n_d++;
    struct stamp_dgram *d = &run->d[k];
    memset(d, 0, sizeof *d);
    size_t n = len < RMBT_PROBE_BUF ? len : RMBT_PROBE_BUF;
    memcpy(run->buf[k], p, n);
    d->data = run->buf[k];
    d->len = n;
    d->ttl = d->tos = -1;
    return d;
}

/* Probe p's octets into buf; returns its length. */
static size_t build(const struct probe *p, const struct rmbt_probe_opts *po,
                    const struct ippm_hmac_key *wrong, uint32_t seq,
                    uint64_t now_ns, uint8_t *buf, size_t cap)
{
    static const struct ippm_addr other = {IPPM_AF_INET, {192, 0, 2, 1}, 0, 0};
    static const struct ippm_addr other2 = {IPPM_AF_INET, {198, 51, 100, 1},
                                            0, 0};
    uint32_t t = (uint32_t)((int64_t)(now_ns / NS) + p->dt);
    const struct ippm_addr *ip = &po->ip;
    if (p->kind == PK_OTHER_IP)
        ip = ippm_addr_equal(&po->ip, &other) ? &other2 : &other;
    uint8_t tok[RMBT_TOKEN_LEN];
    memset(tok, 0, sizeof tok);
    if (p->kind != PK_ZERO)
        (void)rmbt_token_mint(p->kind == PK_KEY ? wrong : po->secret, t, ip,
                              tok);
    memset(buf, 0, cap);
    (void)rmbt_request_encode(buf, cap, seq, tok);
    if (p->kind == PK_MAGIC)
        buf[3] = '2';
    return p->kind == PK_SHORT  ? RMBT_REQ_LEN - 1
           : p->kind == PK_LONG ? RMBT_REQ_LEN + 1
                                : RMBT_REQ_LEN;
}

/* Everything waiting on s, kept as replies to self (our address and
 * port as the server sees them). */
static void drain(const struct ippm_sock *s, struct ippm_rx_batch *rx,
                  const struct ippm_clock *clk, const struct ippm_addr *self,
                  struct rmbt_probe_run *run)
{
    int got;
    while ((got = ippm_net_recv(s, rx, clk)) > 0)
        for (int i = 0; i < got; i++) {
            struct stamp_dgram *d =
                keep(run, ippm_rx_batch_buf(rx, (size_t)i), rx->len[i]);
            if (!d)
                continue;
            d->ts_ns = ippm_clock_realtime();
            d->src = rx->meta[i].peer;
            d->dst = *self;
            d->ttl = rx->meta[i].ttl;
            d->tos = rx->meta[i].tos;
        }
}

/* Our address on the route to target, by a connected socket's name. */
static int route_source(const struct ippm_addr *target, struct ippm_addr *out,
                        char *err, size_t errcap)
{
    struct ippm_sock c;
    if (ippm_net_open_connected(&c, target, err, errcap) != 0)
        return -1;
    *out = c.local;
    out->port = 0;
    ippm_net_close(&c);
    return 0;
}

/* An unconnected socket on our route's address: replies from any port
 * are seen, so one from the wrong port is graded, not lost. */
static int open_prober(const struct rmbt_probe_opts *po,
                       struct ippm_sock *s, struct ippm_addr *me, char *err,
                       size_t errcap)
{
    struct ippm_addr local;
    if (route_source(&po->target, &local, err, errcap) != 0 ||
        ippm_net_open_bound(s, &local, 0, err, errcap) != 0)
        return -1;
    *me = po->ip.family != IPPM_AF_NONE ? po->ip : local;
    return 0;
}

/* The probes from self (po->ip and our port), one datagram each, a
 * millisecond apart. */
static int send_probes(const struct rmbt_probe_opts *po,
                       const struct ippm_addr *self,
                       const struct ippm_sock *s, struct ippm_tx_batch *tx,
                       struct ippm_rx_batch *rx, const struct ippm_clock *clk,
                       struct rmbt_probe_run *run, char *err, size_t errcap)
{
    struct ippm_hmac_key wrong = {0};
    if (ippm_hmac_key_init(&wrong, po->secret->crypto, IPPM_HASH_SHA256,
                           (const uint8_t *)wrong_secret,
                           sizeof wrong_secret - 1) != IPPM_OK) {
        snprintf(err, errcap, "cannot key HMAC-SHA-256");
        return -1;
    }
    uint32_t seq0 = (uint32_t)ippm_clock_realtime() ^ 0x5a5a0000u;
    align_to_second();
    int rc = 0;
    for (size_t i = 0; i < N_PROBES && !ippm_net_stopping(); i++) {
        /* a boundary probe, late on a loaded machine, is not sent near a
         * second's end, where the server's second could be the next one */
        if (probes[i].bit == IPPM_PROBE_RMBT_EDGES)
            align_to_second();
        uint8_t *slot = ippm_tx_batch_slot(tx);
        uint64_t now = ippm_clock_realtime();
        size_t len = build(&probes[i], po, &wrong, seq0 + (uint32_t)i, now,
                           slot, RMBT_PROBE_BUF);
        struct stamp_dgram *d = keep(run, slot, len);
        if (!d) /* flooded with replies: what was kept is graded */
            break;
        d->ts_ns = now;
        d->src = *self;
        d->dst = po->target;
        ippm_tx_batch_commit(tx, s, len, &po->target, NULL);
        int e = 0;
        if (ippm_net_send(s, tx, &e) != 1) {
            snprintf(err, errcap, "send to the server: %s", strerror(e));
            rc = -1;
            break;
        }
        run->sent++;
        run->obs.probes_run |= probes[i].bit;
        sleep_ns(NS / 1000);
        drain(s, rx, clk, self, run);
    }
    ippm_hmac_key_free(&wrong);
    return rc;
}

/* The run's datagrams paired, its observation made. */
static void observe(const struct rmbt_probe_opts *po,
                    struct rmbt_probe_run *run)
{
    struct rmbt_pairing_mem mem = {run->ex, run->flows, run->servers};
    rmbt_pairing_run(run->d, run->n_d, &mem, &run->n_ex, &run->n_flows,
                     &run->k);
    /* One flow, in the order sent: each exchange's probe row (the HTML
     * report plots the valid ones' round trips). */
    for (size_t i = 0; i < run->n_ex && i < N_PROBES && run->n_flows == 1;
         i++)
        run->ex[i].probe = probes[i].bit;
    run->ext.ext.name = RMBT_OBS_EXT;
    run->ext.secrets = po->secret;
    run->ext.n_secrets = 1;
    uint32_t bits = run->obs.probes_run;
    memset(&run->obs, 0, sizeof run->obs);
    run->obs.protocol = "rmbt";
    run->obs.role = IPPM_ROLE_REFLECTOR;
    run->obs.ex = run->ex;
    run->obs.n_ex = run->n_ex;
    run->obs.live = true;
    run->obs.probes_run = bits;
    run->obs.unmatched_replies = run->k.unmatched;
    run->obs.ext = &run->ext.ext;
}

/* see conform_rmbt.h */
int conform_rmbt_probe(const struct rmbt_probe_opts *po,
                       struct rmbt_probe_run *run, char *err, size_t errcap)
{
    memset(run, 0, sizeof *run);
    struct ippm_sock s;
    struct ippm_addr me;
    if (open_prober(po, &s, &me, err, errcap) != 0)
        return -1;
    struct ippm_tx_batch tx;
    struct ippm_rx_batch rx;
    struct ippm_clock clk;
    ippm_clock_init(&clk, IPPM_TS_NTP);
    if (ippm_tx_batch_init(&tx, 1, RMBT_PROBE_BUF) != 0 ||
        ippm_rx_batch_init(&rx, IPPM_NET_BATCH, 2048) != 0) {
        ippm_tx_batch_free(&tx);
        ippm_net_close(&s);
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    /* The requests carry our address as the server sees it. */
    struct rmbt_probe_opts p = *po;
    p.ip = me;
    struct ippm_addr self = me;
    self.port = s.local.port;
    int rc = send_probes(&p, &self, &s, &tx, &rx, &clk, run, err, errcap);
    uint64_t until = ippm_clock_realtime() + po->wait_ns;
    while (rc == 0 && !ippm_net_stopping()) {
        uint64_t now = ippm_clock_realtime();
        if (now >= until || ippm_net_wait(&s, until - now) < 0)
            break;
        drain(&s, &rx, &clk, &self, run);
    }
    ippm_rx_batch_free(&rx);
    ippm_tx_batch_free(&tx);
    ippm_net_close(&s);
    if (rc == 0)
        observe(&p, run);
    return rc;
}

/* A line on what went out and came back. */
static void print_traffic(const struct rmbt_probe_run *run)
{
    printf("rmbt-server: %zu probes sent, %llu replies (%llu matched, %llu "
           "duplicate, %llu unmatched)%s\n",
           run->sent, (unsigned long long)run->k.replies,
           (unsigned long long)run->k.matched,
           (unsigned long long)run->k.duplicates,
           (unsigned long long)run->k.unmatched,
           run->dropped ? "; more replies than kept" : "");
}

/* The secret keyed on crypto. */
static int key_secret(const struct ippm_crypto *crypto, const char *seed,
                      struct ippm_hmac_key *k)
{
    memset(k, 0, sizeof *k);
    if (ippm_hmac_key_init(k, crypto, IPPM_HASH_SHA256, (const uint8_t *)seed,
                           strlen(seed)) != IPPM_OK) {
        ippm_cli_error("conform: OpenSSL cannot key HMAC-SHA-256");
        return IPPM_EXIT_RUNTIME;
    }
    return 0;
}

/* Probes po->target into run, grades it into *res (*n). Returns the exit
 * status: IPPM_EXIT_RUNTIME when nothing at all came back (a silent
 * target passes every "no reply" row, so it is no verdict). */
static int probe_and_grade(const struct conform_opts *o,
                           const struct rmbt_probe_opts *po,
                           struct rmbt_probe_run *run, const char *shown,
                           const char *suite, struct ippm_case_result **res,
                           size_t *n)
{
    char err[256];
    *res = NULL;
    if (conform_rmbt_probe(po, run, err, sizeof err) != 0) {
        ippm_cli_error("conform: rmbt-server %s: %s", shown, err);
        return IPPM_EXIT_RUNTIME;
    }
    print_traffic(run);
    if (run->k.replies == 0 && !ippm_net_stopping()) {
        ippm_cli_error("conform: rmbt-server %s: no reply to any of %zu "
                       "probes (no RMBT server there, or not this --seed)",
                       shown, run->sent);
        return IPPM_EXIT_RUNTIME;
    }
    /* The server's clock is its wall clock, compared with ours: no slack
     * unless asked, or the boundary rows could not be graded. */
    run->obs.clock_tolerance_ns = o->tolerance_given ? o->tolerance_ns : 0;
    int rc = IPPM_EXIT_OK;
    *res = conform_run_catalogue(&run->obs, o, suite, n, &rc);
    return *res ? IPPM_EXIT_OK : rc;
}

/* see conform_rmbt.h */
int conform_rmbt_server(const struct conform_opts *o,
                        const struct ippm_addr *target, const char *seed,
                        const char *ip_text, const char *shown)
{
    struct rmbt_probe_opts po = {.target = *target,
                                 .wait_ns = o->timeout_ns ? o->timeout_ns
                                                          : NS};
    if (ip_text && rmbt_cli_ip("conform rmbt-server: --ip", ip_text,
                               &po.ip) != 0)
        return IPPM_EXIT_USAGE;
    struct ippm_crypto crypto;
    struct ippm_hmac_key secret;
    memset(&crypto, 0, sizeof crypto);
    if (ippm_crypto_openssl_init(&crypto) != 0) {
        ippm_crypto_openssl_free(&crypto);
        ippm_cli_error("conform: OpenSSL has no HMAC-SHA-256");
        return IPPM_EXIT_RUNTIME;
    }
    int rc = key_secret(&crypto, seed, &secret);
    struct rmbt_probe_run *run = rc ? NULL : calloc(1, sizeof *run);
    if (!rc && !run) {
        ippm_cli_error("conform: out of memory");
        rc = IPPM_EXIT_RUNTIME;
    }
    struct ippm_case_result *res = NULL;
    size_t n = 0;
    uint64_t start = ippm_clock_realtime();
    po.secret = &secret;
    if (!rc)
        rc = probe_and_grade(o, &po, run, shown, "rmbt", &res, &n);
    if (!rc)
        rc = conform_report_results(o, "rmbt", shown, start, res, n, run->ex,
                                    run->n_ex, &run->obs);
    free(res);
    free(run);
    ippm_hmac_key_free(&secret);
    ippm_crypto_openssl_free(&crypto);
    return rc;
}

/* ---- ippm's own server ---- */

/* How long ippm's own server may take to answer after the fork: exec and
 * start-up on a loaded machine, with room to spare. */
#define SELF_START_NS (10 * NS)
#define SELF_TRY_NS   (NS / 20)

/* One valid request to the server at target, and whether an 8-octet
 * reply came within SELF_TRY_NS. Paced to SELF_TRY_NS whatever happens:
 * while nothing listens, each send brings an ICMP error that makes the
 * socket readable at once. */
static bool try_answer(const struct ippm_sock *s,
                       const struct rmbt_probe_opts *po, uint32_t seq)
{
    uint64_t until = ippm_clock_realtime() + SELF_TRY_NS;
    uint8_t tok[RMBT_TOKEN_LEN], req[RMBT_REQ_LEN], rep[64];
    uint32_t now = (uint32_t)(ippm_clock_realtime() / NS);
    bool ok = false;
    if (rmbt_token_mint(po->secret, now, &s->local, tok) == IPPM_OK &&
        rmbt_request_encode(req, sizeof req, seq, tok) == IPPM_OK &&
        send(s->fd, req, sizeof req, 0) == (ssize_t)sizeof req) {
        for (uint64_t t = ippm_clock_realtime(); !ok && t < until;
             t = ippm_clock_realtime()) {
            if (ippm_net_wait(s, until - t) <= 0)
                break;
            ok = recv(s->fd, rep, sizeof rep, MSG_DONTWAIT) == RMBT_REP_LEN;
        }
    }
    uint64_t t = ippm_clock_realtime();
    if (!ok && t < until)
        sleep_ns(until - t);
    return ok;
}

/* Waits until the server at target answers a valid request (up to
 * SELF_START_NS, or until the child exits). Returns 0 when it does. */
static int wait_answering(pid_t child, const struct rmbt_probe_opts *po)
{
    struct ippm_sock s;
    char err[128];
    if (ippm_net_open_connected(&s, &po->target, err, sizeof err) != 0)
        return -1;
    int rc = -1;
    uint64_t until = ippm_clock_realtime() + SELF_START_NS;
    for (uint32_t i = 0; rc != 0 && !ippm_net_stopping() &&
                         ippm_clock_realtime() < until;
         i++) {
        if (waitpid(child, NULL, WNOHANG) == child)
            break;
        rc = try_answer(&s, po, i) ? 0 : -1;
    }
    ippm_net_close(&s);
    return rc;
}

/* see conform_rmbt.h */
int conform_rmbt_self(const struct conform_opts *o,
                      const struct ippm_crypto *crypto,
                      struct ippm_case_result **res, size_t *n)
{
    *res = NULL;
    *n = 0;
    uint8_t raw[16];
    char seed[2 * sizeof raw + 1], port_s[8];
    uint16_t port = conform_free_udp_port();
    if (!port || ippm_random(crypto, raw, sizeof raw) != IPPM_OK) {
        ippm_cli_error("conform: no free UDP port or no random source");
        return IPPM_EXIT_RUNTIME;
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(seed + 2 * i, 3, "%02x", raw[i]);
    snprintf(port_s, sizeof port_s, "%u", (unsigned)port);
    struct ippm_hmac_key secret;
    if (key_secret(crypto, seed, &secret) != 0)
        return IPPM_EXIT_RUNTIME;
    char *argv[] = {"ippm", "rmbt", "server", "-b", "127.0.0.1", "-p", port_s,
                    "-s", seed, "-t", "1", NULL};
    pid_t child = conform_spawn_self(argv);
    struct rmbt_probe_opts po = {
        .target = {IPPM_AF_INET, {127, 0, 0, 1}, port, 0},
        .secret = &secret,
        .wait_ns = NS / 2,
    };
    struct rmbt_probe_run *run = calloc(1, sizeof *run);
    int rc = IPPM_EXIT_RUNTIME;
    bool up = child > 0 && run && wait_answering(child, &po) == 0;
    if (run && ippm_net_stopping()) {
        /* interrupted: nothing probed, every case n/a in the report */
        run->obs.protocol = "rmbt";
        run->obs.role = IPPM_ROLE_REFLECTOR;
        *res = conform_run_catalogue(&run->obs, o, NULL, n, &rc);
        rc = *res ? IPPM_EXIT_OK : rc;
    } else if (!up)
        ippm_cli_error("conform: ippm's own RMBT server did not start "
                       "(ippm rmbt server)");
    else if ((rc = probe_and_grade(o, &po, run, "ippm's own RMBT server",
                                   NULL /* --only may name another */, res,
                                   n)) == IPPM_EXIT_OK)
        printf("ippm's own RMBT server: %zu exchanges graded\n", run->n_ex);
    if (child > 0)
        conform_stop_child(child);
    free(run);
    /* then ippm's own client, as a sender, after the server's cases */
    struct ippm_case_result *snd = NULL;
    size_t n_snd = 0;
    if (rc == IPPM_EXIT_OK && !ippm_net_stopping())
        rc = conform_rmbt_self_client(o, seed, &secret, &snd, &n_snd);
    struct ippm_case_result *all =
        n_snd ? realloc(*res, (*n + n_snd) * sizeof **res) : NULL;
    if (all) {
        memcpy(all + *n, snd, n_snd * sizeof *snd);
        *res = all;
        *n += n_snd;
    } else if (n_snd) {
        ippm_cli_error("conform: out of memory");
        rc = IPPM_EXIT_RUNTIME;
    }
    free(snd);
    ippm_hmac_key_free(&secret);
    return rc;
}
