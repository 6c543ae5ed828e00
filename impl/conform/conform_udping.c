/* ippm conform udping-sender: listen where a UDPing sender sends, keep
 * every datagram with its arrival time and source, and grade them with
 * the UDPing sender cases (conformance/cases/udping.c); and the
 * self-test's run of ippm's own UDPing sender (proto/udping's client
 * machine, one socket per source port) into the same listener. */
#include "impl/conform/conform_udping.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conformance/udping/udping_checks.h"
#include "conformance/udping/udping_obs.h"
#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/core/net.h"
#include "proto/udping/udping.h"

/* Datagrams kept at most: a day at 10 packets a second. */
#define UDPING_LIVE_MAX 1000000u
#define SELF_PORTS 3
#define SELF_RUN_NS (2500ull * 1000000ull)

struct live {
    struct ippm_exchange *ex;
    size_t n, cap;
};

static void live_free(struct live *l)
{
    for (size_t i = 0; i < l->n; i++)
        free((void *)l->ex[i].req);
    free(l->ex);
    memset(l, 0, sizeof *l);
}

/* Keeps one datagram. 0, or -1 when out of memory. */
static int live_keep(struct live *l, const uint8_t *p, size_t len,
                     const struct ippm_rx_meta *m)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 1024;
        struct ippm_exchange *ne = realloc(l->ex, nc * sizeof *ne);
        if (!ne)
            return -1;
        l->ex = ne;
        l->cap = nc;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    memcpy(copy, p, len);
    struct ippm_exchange *e = &l->ex[l->n++];
    memset(e, 0, sizeof *e);
    e->req = copy;
    e->req_len = len;
    e->req_ns = m->rx_ns;
    e->req_ttl = m->ttl;
    e->req_src = m->peer;
    e->req_dst = m->local;
    return 0;
}

/* ippm's own sender: proto/udping's client machine on SELF_PORTS
 * sockets connected to the listener. */
struct self_sender {
    struct udping_client c;
    struct udping_port ports[SELF_PORTS];
    struct ippm_sock s[SELF_PORTS];
    size_t n_open;
    uint64_t end_ns;
    uint8_t tx[UDPING_MAX_PKT];
};

static int self_sender_start(struct self_sender *x, const struct ippm_addr *to,
                             uint64_t seed, char *err, size_t errlen)
{
    memset(x, 0, sizeof *x);
    for (; x->n_open < SELF_PORTS; x->n_open++) {
        if (ippm_net_open_connected(&x->s[x->n_open], to, err, errlen) != 0)
            return -1;
        x->ports[x->n_open].port = x->s[x->n_open].local.port;
    }
    /* -d 5 -i 1 -m 300: some 500 packets over two guid rollovers */
    struct udping_client_cfg cfg = {.mean_gap_ms = 5, .interval_s = 1,
                                    .max_size = 300, .seed = seed};
    uint64_t now = ippm_clock_realtime();
    x->end_ns = now + SELF_RUN_NS;
    if (udping_client_init(&x->c, &cfg, x->ports, SELF_PORTS, now) !=
        IPPM_OK) {
        snprintf(err, errlen, "the sender machine refused its settings");
        return -1;
    }
    return 0;
}

static void self_sender_stop(struct self_sender *x)
{
    for (size_t i = 0; i < x->n_open; i++)
        ippm_net_close(&x->s[i]);
    x->n_open = 0;
}

/* Sends what is due by now; the next deadline (UINT64_MAX: done). */
static uint64_t self_sender_run(struct self_sender *x)
{
    uint64_t now = ippm_clock_realtime();
    while (now < x->end_ns && udping_client_deadline(&x->c) <= now) {
        struct ippm_event ev = {.kind = IPPM_EV_TIMER, .now_ns = now};
        struct ippm_action act = {0};
        size_t port = 0;
        udping_client_handle(&x->c, &ev, x->tx, sizeof x->tx, &act, &port);
        if (act.kind != IPPM_ACT_SEND_DATAGRAM)
            break;
        (void)send(x->s[port].fd, x->tx, act.len, 0);
        now = ippm_clock_realtime();
    }
    return now >= x->end_ns ? UINT64_MAX : udping_client_deadline(&x->c);
}

/* Receives into l until the run ends: duration_ns after the start (0:
 * none), count datagrams (0: none), timeout_ns of silence, the sender
 * done (then one timeout more), or a stop signal. */
static int listen_loop(struct ippm_sock *s, struct live *l,
                       uint64_t duration_ns, uint32_t count,
                       uint64_t timeout_ns, struct self_sender *snd,
                       char *err, size_t errlen)
{
    struct ippm_rx_batch b;
    struct ippm_clock clk;
    ippm_clock_init(&clk, IPPM_TS_NTP);
    if (ippm_rx_batch_init(&b, IPPM_NET_BATCH, IPPM_NET_MAX_DGRAM) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    uint64_t start = ippm_clock_realtime(), last = start;
    uint64_t end = duration_ns ? start + duration_ns : UINT64_MAX;
    int rc = 0;
    while (rc == 0 && !ippm_net_stopping()) {
        uint64_t now = ippm_clock_realtime();
        uint64_t next = snd ? self_sender_run(snd) : UINT64_MAX;
        if (snd && next == UINT64_MAX) {
            self_sender_stop(snd); /* done: what is in flight still lands */
            snd = NULL;
            last = now;
        }
        if (now >= end || (!duration_ns && now - last >= timeout_ns) ||
            (count && l->n >= count) || l->n >= UDPING_LIVE_MAX)
            break;
        uint64_t wake = duration_ns ? end : last + timeout_ns;
        wake = next < wake ? next : wake;
        int w = ippm_net_wait(s, wake > now ? wake - now : 0);
        if (w < 0 && errno != EINTR) {
            snprintf(err, errlen, "wait: %s", strerror(errno));
            rc = -1;
        }
        if (w <= 0)
            continue;
        int n = ippm_net_recv(s, &b, &clk);
        for (int i = 0; i < n && rc == 0; i++) {
            if (count && l->n >= count)
                break;
            /* a cut datagram keeps its true length unknown: not graded */
            if (!b.trunc[i] && live_keep(l, ippm_rx_batch_buf(&b, (size_t)i),
                                         b.len[i], &b.meta[i]) != 0) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
            }
        }
        if (n > 0)
            last = ippm_clock_realtime();
    }
    if (snd)
        self_sender_stop(snd);
    ippm_rx_batch_free(&b);
    return rc;
}

static void obs_of(const struct live *l, const struct conform_opts *o,
                   struct udping_obs_ext *x, struct ippm_obs *obs)
{
    memset(x, 0, sizeof *x);
    x->base.name = UDPING_OBS_EXT;
    memset(obs, 0, sizeof *obs);
    obs->protocol = "udping";
    obs->role = IPPM_ROLE_SENDER;
    obs->ex = l->ex;
    obs->n_ex = l->n;
    obs->live = true;
    obs->clock_tolerance_ns = o->tolerance_ns;
    obs->ext = &x->base;
}

/* see conform_udping.h */
int conform_udping_sender(const struct conform_opts *o,
                          const struct ippm_addr *local, uint16_t port,
                          uint64_t duration_ns, const char *name)
{
    char err[IPPM_NET_ERRLEN];
    struct ippm_sock s;
    if (ippm_net_open_bound(&s, local, port, err, sizeof err) != 0) {
        ippm_cli_bind_error(name, err, "--listen");
        return IPPM_EXIT_RUNTIME;
    }
    char where[IPPM_ADDR_STRLEN];
    ippm_addr_fmt(&s.local, where, sizeof where);
    printf("listening on %s for UDPing datagrams%s\n", where,
           duration_ns ? "" : " (until --timeout passes without one)");
    fflush(stdout);
    struct live l = {0};
    uint64_t start = ippm_clock_realtime();
    int rc = listen_loop(&s, &l, duration_ns, o->count,
                         o->timeout_ns ? o->timeout_ns : 10 * NS_PER_S, NULL,
                         err, sizeof err);
    ippm_net_close(&s);
    if (rc != 0) {
        ippm_cli_error("%s: %s", name, err);
        live_free(&l);
        return IPPM_EXIT_RUNTIME;
    }
    if (!l.n) {
        /* Nothing to grade is not a pass. */
        ippm_cli_error("%s: nothing graded: no datagram arrived on %s",
                       name, where);
        live_free(&l);
        return ippm_net_stopping() ? IPPM_EXIT_INTERRUPTED
                                   : IPPM_EXIT_NOTHING;
    }
    size_t sources, guids;
    udping_tally(l.ex, l.n, &sources, &guids);
    printf("received %zu datagrams from %zu source ports, %zu guids\n", l.n,
           sources, guids);
    struct udping_obs_ext x;
    struct ippm_obs obs;
    obs_of(&l, o, &x, &obs);
    size_t n;
    struct ippm_case_result *res =
        conform_run_catalogue(&obs, o, "udping-sender", &n, &rc);
    if (res) {
        char from[IPPM_ADDR_STRLEN];
        ippm_addr_fmt(&l.ex[0].req_src, from, sizeof from);
        rc = conform_report_results(o, "udping-sender", from, start, res, n,
                                    NULL, l.n, &obs);
        free(res);
    }
    live_free(&l);
    return rc;
}

/* see conform_udping.h */
int conform_udping_self(const struct conform_opts *o, uint64_t seed,
                        struct ippm_case_result **res, size_t *n)
{
    char err[IPPM_NET_ERRLEN];
    struct ippm_sock s;
    struct ippm_addr lo = {IPPM_AF_INET, {127, 0, 0, 1}, 0, 0};
    if (ippm_net_open_bound(&s, &lo, 0, err, sizeof err) != 0) {
        ippm_cli_error("conform: udping: %s", err);
        return IPPM_EXIT_RUNTIME;
    }
    struct self_sender *snd = calloc(1, sizeof *snd);
    struct live l = {0};
    int rc = IPPM_EXIT_OK;
    if (!snd) {
        ippm_cli_error("conform: out of memory");
        rc = IPPM_EXIT_RUNTIME;
    } else if (self_sender_start(snd, &s.local, seed, err, sizeof err) != 0) {
        ippm_cli_error("conform: own UDPing sender: %s", err);
        self_sender_stop(snd);
        rc = IPPM_EXIT_RUNTIME;
    } else if (listen_loop(&s, &l, 0, 0, NS_PER_S / 5, snd, err,
                           sizeof err) != 0) {
        ippm_cli_error("conform: own UDPing sender: %s", err);
        rc = IPPM_EXIT_RUNTIME;
    }
    ippm_net_close(&s);
    free(snd);
    if (rc == IPPM_EXIT_OK && !l.n && !ippm_net_stopping()) {
        ippm_cli_error("conform: own UDPing sender sent nothing");
        rc = IPPM_EXIT_RUNTIME;
    }
    if (rc == IPPM_EXIT_OK) {
        size_t sources, guids;
        udping_tally(l.ex, l.n, &sources, &guids);
        printf("ippm's own UDPing sender (-d 5 -i 1 -m 300, %d ports): %zu "
               "datagrams, %zu guids graded\n",
               SELF_PORTS, l.n, guids);
        struct udping_obs_ext x;
        struct ippm_obs obs;
        obs_of(&l, o, &x, &obs);
        *res = conform_run_catalogue(&obs, o, NULL, n, &rc);
        rc = *res ? IPPM_EXIT_OK : rc;
    }
    live_free(&l);
    return rc;
}
