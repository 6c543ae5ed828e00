/* ippm conform udping-sender: listen where a UDPing sender sends, keep
 * every datagram with its arrival time and source, and grade them with
 * the UDPing sender cases (conformance/cases/udping.c); and the
 * self-test's run of ippm's own UDPing sender (proto/udping's client
 * machine, one socket per source port) into the same listener. */
#include "impl/conform/conform_udping.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conformance/udping/udping_checks.h"
#include "conformance/udping/udping_obs.h"
#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/core/net.h"

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

/* Three source ports for ippm's own client, free now, in the range the
 * original allows (1024-60000), as "-s" takes them: "P,Q,R". */
static int free_ports(uint64_t seed, char *out, size_t cap)
{
    size_t len = 0;
    int found = 0;
    for (unsigned k = 0; k < 200 && found < SELF_PORTS; k++) {
        struct ippm_sock s;
        char err[IPPM_NET_ERRLEN];
        struct ippm_addr lo = {IPPM_AF_INET, {127, 0, 0, 1}, 0, 0};
        uint16_t port = (uint16_t)(20000 + (seed + 7919u * k) % 30000);
        if (ippm_net_open_bound(&s, &lo, port, err, sizeof err) != 0)
            continue;
        ippm_net_close(&s);
        len += (size_t)snprintf(out + len, cap - len, "%s%u",
                                found ? "," : "", (unsigned)port);
        found++;
    }
    return found == SELF_PORTS && len < cap ? 0 : -1;
}

/* Starts `ippm udping client` (this binary) sending to port on
 * 127.0.0.1 for SELF_RUN_NS; its pid, -1 when it could not start. */
static pid_t spawn_client(uint16_t port, uint64_t seed, bool legacy)
{
    char port_s[8], seed_s[24], ports[64], dur[32];
    if (free_ports(seed, ports, sizeof ports) != 0)
        return -1;
    snprintf(port_s, sizeof port_s, "%u", (unsigned)port);
    snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)seed);
    snprintf(dur, sizeof dur, "%llums",
             (unsigned long long)(SELF_RUN_NS / 1000000ull));
    char *argv[] = {"ippm", "udping", "client", "-r", "127.0.0.1", "-p",
                    port_s, "-l", "127.0.0.1", "-s", ports, "-d", "5", "-i",
                    "1", "-m", "300", "--duration", dur, "--seed", seed_s,
                    "-q", legacy ? "--legacy" : NULL, NULL};
    return conform_spawn_self(argv);
}

/* Receives into l until the run ends: duration_ns after the start (0:
 * none), count datagrams (0: none), timeout_ns of silence, or a stop
 * signal. */
static int listen_loop(struct ippm_sock *s, struct live *l,
                       uint64_t duration_ns, uint32_t count,
                       uint64_t timeout_ns, char *err, size_t errlen)
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
        if (now >= end || (!duration_ns && now - last >= timeout_ns) ||
            (count && l->n >= count) || l->n >= UDPING_LIVE_MAX)
            break;
        uint64_t wake = duration_ns ? end : last + timeout_ns;
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
    x->legacy = udping_obs_looks_legacy(l->ex, l->n);
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
                         o->timeout_ns ? o->timeout_ns : 10 * NS_PER_S, err,
                         sizeof err);
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
                        bool legacy, struct ippm_case_result **res,
                        size_t *n)
{
    char err[IPPM_NET_ERRLEN];
    struct ippm_sock s;
    struct ippm_addr lo = {IPPM_AF_INET, {127, 0, 0, 1}, 0, 0};
    if (ippm_net_open_bound(&s, &lo, 0, err, sizeof err) != 0) {
        ippm_cli_error("conform: udping: %s", err);
        return IPPM_EXIT_RUNTIME;
    }
    struct live l = {0};
    int rc = IPPM_EXIT_OK;
    pid_t child = spawn_client(s.local.port, seed, legacy);
    if (child < 0) {
        ippm_cli_error("conform: ippm's own UDPing client did not start "
                       "(ippm udping client)");
        rc = IPPM_EXIT_RUNTIME;
    } else if (listen_loop(&s, &l, SELF_RUN_NS + NS_PER_S / 2, 0, 0, err,
                           sizeof err) != 0) {
        ippm_cli_error("conform: ippm's own UDPing client: %s", err);
        rc = IPPM_EXIT_RUNTIME;
    }
    if (child > 0) {
        kill(child, SIGTERM);
        waitpid(child, NULL, 0);
    }
    ippm_net_close(&s);
    if (rc == IPPM_EXIT_OK && !l.n && !ippm_net_stopping()) {
        ippm_cli_error("conform: ippm's own UDPing client sent nothing");
        rc = IPPM_EXIT_RUNTIME;
    }
    if (rc == IPPM_EXIT_OK) {
        size_t sources, guids;
        udping_tally(l.ex, l.n, &sources, &guids);
        printf("ippm's own UDPing client (-d 5 -i 1 -m 300%s, %zu ports): "
               "%zu datagrams, %zu guids graded\n",
               legacy ? " --legacy" : "", sources, l.n, guids);
        struct udping_obs_ext x;
        struct ippm_obs obs;
        obs_of(&l, o, &x, &obs);
        x.interval_s = 1; /* its -i: the guid changes are held to it */
        *res = conform_run_catalogue(&obs, o, NULL, n, &rc);
        rc = *res ? IPPM_EXIT_OK : rc;
    }
    live_free(&l);
    return rc;
}
