#include "owtw_server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"

/* Wake at least this often, so a stop is seen even if ppoll misses it. */
#define MAX_WAIT_NS (1000ull * 1000000ull)

struct loop {
    const struct ippm_sock *listener;
    const struct owtw_server_hooks *h;
    void *ctx;
    struct owtw_link *conns;
    size_t max;
    uint64_t idle_ns;
    const struct ippm_clock *clk;
    struct owtw_server_counters *cnt;
    struct pollfd *p;    /* listener, conns, test sockets */
    size_t *conn_of;     /* pollfd index - 1 -> conn index */
    const struct owtw_limits *lim; /* NULL: --max-conns only */
    uint64_t *born;      /* conn index -> when it was accepted */
};

static void conn_finish(struct loop *l, struct owtw_link *c)
{
    l->cnt->closed++;
    if (c->why == IPPM_ERR_TIMEOUT)
        l->cnt->timed_out++;
    l->h->conn_end(l->ctx, c);
    c->m = NULL;
}

/* A new connection into a free slot, or closed at once when none. */
static void accept_one(struct loop *l, const struct ippm_sock *s,
                       const struct ippm_addr *peer, uint64_t now)
{
    struct owtw_link *c = NULL;
    for (size_t i = 0; i < l->max && !c; i++)
        if (!l->conns[i].m)
            c = &l->conns[i];
    if (!c || !owtw_limits_admit_conn(l->lim, l->conns, l->max, peer)) {
        struct ippm_sock t = *s;
        ippm_net_close(&t);
        l->cnt->refused++;
        return;
    }
    owtw_link_init(c, s, peer, NULL, l->h->ops, NULL, l->idle_ns, now);
    l->born[c - l->conns] = now;
    c->m = l->h->conn_new(l->ctx, c, now);
    if (!c->m) {
        owtw_link_close(c);
        l->cnt->refused++;
        return;
    }
    l->cnt->accepted++;
    /* The greeting goes out at once (the machine's deadline is now). */
    if (owtw_link_due(c, now) != 0)
        conn_finish(l, c);
}

/* Accepts every connection waiting. Returns 0, or -1 on a lasting error. */
static int accept_all(struct loop *l, uint64_t now)
{
    for (;;) {
        struct ippm_sock s;
        struct ippm_addr peer;
        int rc = ippm_tcp_accept(l->listener, &s, &peer);
        if (rc == 0)
            return 0;
        if (rc < 0) {
            /* Out of descriptors or memory: wait for some to free up. */
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                errno == ENOMEM)
                return 0;
            return -1;
        }
        accept_one(l, &s, &peer, now);
    }
}

/* Fills the pollfds; returns how many and the earliest deadline. */
static size_t fill(struct loop *l, uint64_t *deadline)
{
    size_t n = 0;
    l->p[n++] = (struct pollfd){.fd = l->listener->fd, .events = POLLIN};
    for (size_t i = 0; i < l->max; i++) {
        struct owtw_link *c = &l->conns[i];
        if (!c->m)
            continue;
        uint64_t d = owtw_link_deadline(c);
        uint64_t setup = owtw_limits_setup_deadline(l->lim, c, l->born[i]);
        if (setup < d)
            d = setup;
        if (d < *deadline)
            *deadline = d;
        l->conn_of[n - 1] = i;
        l->p[n++] = (struct pollfd){.fd = c->sock.fd, .events = POLLIN};
    }
    if (l->h->test_fds)
        n += l->h->test_fds(l->ctx, l->p + n, OWTW_SERVER_TEST_FDS, deadline);
    return n;
}

/* Everything that became due or ready. */
static void dispatch(struct loop *l, size_t n_conn_fds, uint64_t now)
{
    for (size_t k = 1; k < n_conn_fds; k++) {
        struct owtw_link *c = &l->conns[l->conn_of[k - 1]];
        int rc = 0;
        if (l->p[k].revents & (POLLIN | POLLHUP | POLLERR))
            rc = owtw_link_readable(c, now);
        if (rc == 0)
            rc = owtw_link_due(c, now);
        if (rc == 0 && owtw_limits_setup_deadline(
                           l->lim, c, l->born[l->conn_of[k - 1]]) <= now) {
            owtw_link_close(c);
            c->why = IPPM_ERR_TIMEOUT; /* counted as timed out */
            rc = -1;
        }
        if (rc != 0)
            conn_finish(l, c);
    }
}

static size_t count_conns(const struct loop *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->max; i++)
        n += l->conns[i].m != NULL;
    return n;
}

static int loop_run(struct loop *l, const char *prog)
{
    while (!ippm_net_stopping()) {
        uint64_t now = ippm_clock_now(l->clk), deadline = UINT64_MAX;
        size_t n = fill(l, &deadline);
        size_t n_conn_fds = 1 + count_conns(l);
        uint64_t wait = deadline <= now ? 0 : deadline - now;
        if (wait > MAX_WAIT_NS)
            wait = MAX_WAIT_NS;
        if (ippm_net_poll(l->p, n, wait) < 0) {
            ippm_cli_error("%s: %s", prog, strerror(errno));
            return IPPM_EXIT_RUNTIME;
        }
        now = ippm_clock_now(l->clk);
        if (l->h->test_ready && n > n_conn_fds)
            l->h->test_ready(l->ctx, l->p + n_conn_fds, n - n_conn_fds, now);
        dispatch(l, n_conn_fds, now);
        if ((l->p[0].revents & POLLIN) && accept_all(l, now) != 0) {
            ippm_cli_error("%s: accept: %s", prog, strerror(errno));
            return IPPM_EXIT_RUNTIME;
        }
    }
    return IPPM_EXIT_OK;
}

/* see owtw_server.h */
int owtw_server_run(const struct ippm_sock *listener,
                    const struct owtw_server_hooks *hooks, void *ctx,
                    struct owtw_link *conns, size_t max_conns,
                    uint64_t idle_ns, const struct ippm_clock *clk,
                    struct owtw_server_counters *counters, const char *prog)
{
    return owtw_server_run_limited(listener, hooks, ctx, conns, max_conns,
                                   idle_ns, NULL, clk, counters, prog);
}

/* see owtw_server.h */
int owtw_server_run_limited(const struct ippm_sock *listener,
                            const struct owtw_server_hooks *hooks, void *ctx,
                            struct owtw_link *conns, size_t max_conns,
                            uint64_t idle_ns, const struct owtw_limits *lim,
                            const struct ippm_clock *clk,
                            struct owtw_server_counters *counters,
                            const char *prog)
{
    struct owtw_server_counters dummy;
    memset(&dummy, 0, sizeof(dummy));
    struct loop l = {listener, hooks, ctx, conns, max_conns, idle_ns, clk,
                     counters ? counters : &dummy, NULL, NULL, lim, NULL};
    size_t cap = 1 + max_conns + OWTW_SERVER_TEST_FDS;
    l.p = calloc(cap, sizeof(*l.p));
    l.conn_of = calloc(max_conns + 1, sizeof(*l.conn_of));
    l.born = calloc(max_conns + 1, sizeof(*l.born));
    int rc = IPPM_EXIT_RUNTIME;
    if (!l.p || !l.conn_of || !l.born)
        ippm_cli_error("%s: out of memory", prog);
    else
        rc = loop_run(&l, prog);
    for (size_t i = 0; i < max_conns; i++)
        if (conns[i].m) {
            owtw_link_close(&conns[i]);
            conns[i].why = IPPM_OK;
            conn_finish(&l, &conns[i]);
        }
    free(l.p);
    free(l.conn_of);
    free(l.born);
    return rc;
}
