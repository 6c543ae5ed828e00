/* The loop of a TWAMP or OWAMP server, without the protocol: accept
 * control connections on a listener (up to a limit), run each through
 * its own control machine (owtw_link), and wait on the program's test
 * sockets in the same poll, until SIGINT or SIGTERM. Which machine a
 * connection gets and what a test socket does is the program's, through
 * struct owtw_server_hooks; the loop only multiplexes. */
#ifndef IPPM_OWTW_SERVER_H
#define IPPM_OWTW_SERVER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "impl/core/clock.h"
#include "impl/core/net.h"
#include "impl/owtw/owtw_limits.h"
#include "impl/owtw/owtw_link.h"

/* The most descriptors of test sockets the program may wait on at once. */
#define OWTW_SERVER_TEST_FDS 1024

struct owtw_server_hooks {
    const struct owtw_link_ops *ops;
    /* A connection was accepted: returns its machine, started (its
     * greeting queued: the loop sends TIMER at once when the machine's
     * deadline says so), or NULL to refuse it (closed at once). */
    void *(*conn_new)(void *ctx, struct owtw_link *c, uint64_t now_ns);
    /* The connection closed (c->why says why): release its machine and
     * whatever sessions hang on it. */
    void (*conn_end)(void *ctx, struct owtw_link *c);
    /* The test sockets to wait on: fills up to cap pollfds, returns how
     * many, and lowers *deadline to when the program next needs to be
     * called (UINT64_MAX: only when a socket is ready). May be NULL. */
    size_t (*test_fds)(void *ctx, struct pollfd *p, size_t cap,
                       uint64_t *deadline);
    /* After each wait: the pollfds test_fds filled, with revents. */
    void (*test_ready)(void *ctx, const struct pollfd *p, size_t n,
                       uint64_t now_ns);
};

struct owtw_server_counters {
    uint64_t accepted;
    uint64_t refused;      /* over --max-conns, or conn_new said no */
    uint64_t closed;
    uint64_t timed_out;    /* of those closed, by the idle limit */
};

/* Runs until a stop signal (ippm_net_stop_signals first). Connections get
 * idle_ns as their idle limit (0: none). conns is an array of max_conns
 * connections, the caller's (so hooks can find them); counters may be
 * NULL. Returns IPPM_EXIT_OK after a stop, IPPM_EXIT_RUNTIME after one
 * line on stderr (poll or accept failed for good). */
int owtw_server_run(const struct ippm_sock *listener,
                    const struct owtw_server_hooks *hooks, void *ctx,
                    struct owtw_link *conns, size_t max_conns,
                    uint64_t idle_ns, const struct ippm_clock *clk,
                    struct owtw_server_counters *counters, const char *prog);

/* The same under lim (impl/owtw/owtw_limits.h): connections over its
 * per-source limit are refused, and those past its setup timeout closed
 * (counted as timed out). */
int owtw_server_run_limited(const struct ippm_sock *listener,
                            const struct owtw_server_hooks *hooks, void *ctx,
                            struct owtw_link *conns, size_t max_conns,
                            uint64_t idle_ns, const struct owtw_limits *lim,
                            const struct ippm_clock *clk,
                            struct owtw_server_counters *counters,
                            const char *prog);

#endif
