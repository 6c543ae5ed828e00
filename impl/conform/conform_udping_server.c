/* ippm conform udping-server HOST[:PORT] --statsd [ADDR:]PORT: send a
 * UDPing server three streams (proto/udping's sender machine, one socket
 * per source port, -d 5 -i 1 for 2.5 s) with losses made on purpose (a
 * datagram in 13 on the first port, a burst of 12 on the second, past
 * the 1..9 rule of notes §5) and, on the third, now and then a datagram
 * it must drop (notes §1), listen for the statsd datagrams the server
 * sends about them, and grade the receiver cases on what was sent and
 * what was reported. The self-test runs it against `ippm udping server`.
 * The sessions' truth is worked out by the checks from the datagrams
 * sent, never from proto/udping's receiver. */
#include "impl/conform/conform_udping.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conformance/udping/udping_checks.h"
#include "conformance/udping/udping_obs.h"
#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/core/net.h"
#include "proto/udping/udping.h"

#define PORTS 3
#define SEND_NS (2500ull * 1000000ull)
#define MAX_SENT 4096
#define MAX_REPORTS 256
#define STATSD_BUF 4096

struct srv_run {
    struct udping_client c;
    struct udping_port ports[PORTS];
    struct ippm_sock s[PORTS];
    size_t n_open;
    struct ippm_sock statsd;
    bool statsd_open;
    struct ippm_exchange ex[MAX_SENT];
    uint8_t *sent[MAX_SENT];
    size_t n_ex, lost, malformed;
    uint32_t port_pkts[PORTS];
    uint8_t *statsd_buf[2 * MAX_REPORTS];
    size_t n_statsd;
    struct udping_obs_report rep[MAX_REPORTS];
    size_t n_rep;
};

static void run_free(struct srv_run *r)
{
    for (size_t i = 0; i < r->n_open; i++)
        ippm_net_close(&r->s[i]);
    if (r->statsd_open)
        ippm_net_close(&r->statsd);
    for (size_t i = 0; i < r->n_ex; i++)
        free(r->sent[i]);
    for (size_t i = 0; i < r->n_statsd; i++)
        free(r->statsd_buf[i]);
}

/* The losses made on purpose: packet k of port p is not sent. */
static bool dropped(size_t p, uint32_t k)
{
    return (p == 0 && k % 13 == 5) || (p == 1 && k >= 40 && k < 52);
}

/* A datagram the receiver must drop (notes §1), sent after packet k of
 * the third port now and then, in turn: shorter than the header, a size
 * field that is not the length, version 2, a guid without its NUL. Its
 * length, 0 for none. */
static size_t malformed(size_t p, uint32_t k, uint8_t *b, size_t len)
{
    if (p != 2 || k % 29 != 7 || len < UDPING_HDR_LEN)
        return 0;
    switch ((k / 29) % 4) {
    case 0:
        return UDPING_HDR_LEN - 8;
    case 1:
        b[64] ^= 0x01;
        return len;
    case 2:
        b[0] = 2;
        return len;
    default:
        b[36] = 'x';
        return len;
    }
}

/* Keeps a copy of the datagram b sent from port p at now in r. 0, or -1
 * when out of memory. */
static int keep(struct srv_run *r, size_t p, const uint8_t *b, size_t len,
                uint64_t now)
{
    if (r->n_ex == MAX_SENT)
        return 0;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    memcpy(copy, b, len);
    struct ippm_exchange *e = &r->ex[r->n_ex];
    memset(e, 0, sizeof *e);
    r->sent[r->n_ex++] = copy;
    e->req = copy;
    e->req_len = len;
    e->req_ns = now; /* its sent stamp: seen as it left */
    e->req_ttl = -1;
    e->req_src = r->s[p].local; /* req_dst: the target, later */
    return 0;
}

/* Sends what is due by now. 0, or -1 when out of memory. */
static int send_due(struct srv_run *r, uint64_t end)
{
    uint8_t tx[UDPING_MAX_PKT];
    uint64_t now = ippm_clock_realtime();
    while (now < end && udping_client_deadline(&r->c) <= now &&
           r->n_ex < MAX_SENT) {
        struct ippm_event ev = {.kind = IPPM_EV_TIMER, .now_ns = now};
        struct ippm_action act = {0};
        size_t p = 0;
        udping_client_handle(&r->c, &ev, tx, sizeof tx, &act, &p);
        if (act.kind != IPPM_ACT_SEND_DATAGRAM)
            break;
        uint32_t k = r->port_pkts[p]++;
        if (dropped(p, k)) {
            r->lost++;
        } else {
            (void)send(r->s[p].fd, tx, act.len, 0);
            if (keep(r, p, tx, act.len, now) != 0)
                return -1;
            size_t bad = malformed(p, k, tx, act.len);
            if (bad) {
                (void)send(r->s[p].fd, tx, bad, 0);
                r->malformed++;
                if (keep(r, p, tx, bad, now) != 0)
                    return -1;
            }
        }
        now = ippm_clock_realtime();
    }
    return 0;
}

/* Takes the statsd datagrams waiting. 0, or -1 when out of memory. */
static int take_statsd(struct srv_run *r)
{
    uint8_t buf[STATSD_BUF];
    for (;;) {
        ssize_t got = recv(r->statsd.fd, buf, sizeof buf, MSG_DONTWAIT);
        if (got <= 0 || r->n_statsd == 2 * MAX_REPORTS)
            return 0;
        uint8_t *copy = malloc((size_t)got);
        if (!copy)
            return -1;
        memcpy(copy, buf, (size_t)got);
        r->statsd_buf[r->n_statsd++] = copy;
        (void)udping_obs_add_statsd(r->rep, &r->n_rep, MAX_REPORTS, copy,
                                    (size_t)got, ippm_clock_realtime());
    }
}

/* Sessions sent (source and guid), to know when all are reported. */
static size_t sessions_sent(const struct srv_run *r)
{
    size_t sources, guids;
    udping_tally(r->ex, r->n_ex, &sources, &guids);
    return guids;
}

/* Sends for SEND_NS, then waits for the reports: until every session
 * sent was reported (plain and tagged count once), wait_ns passed
 * without one, or a stop signal. */
static int exchange(struct srv_run *r, const struct ippm_addr *target,
                    uint64_t wait_ns, char *err, size_t errlen)
{
    for (; r->n_open < PORTS; r->n_open++) {
        if (ippm_net_open_connected(&r->s[r->n_open], target, err, errlen) !=
            0)
            return -1;
        r->ports[r->n_open].port = r->s[r->n_open].local.port;
    }
    uint64_t start = ippm_clock_realtime(), end = start + SEND_NS;
    struct udping_client_cfg cfg = {.mean_gap_ms = 5, .interval_s = 1,
                                    .max_size = 300, .seed = start};
    if (udping_client_init(&r->c, &cfg, r->ports, PORTS, start) != IPPM_OK) {
        snprintf(err, errlen, "the sender machine refused its settings");
        return -1;
    }
    uint64_t last = end;
    size_t want = 0;
    while (!ippm_net_stopping()) {
        uint64_t now = ippm_clock_realtime();
        if (now < end && send_due(r, end) != 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (now >= end && !want)
            want = sessions_sent(r);
        if (now >= end && (r->n_rep >= want || now - last >= wait_ns))
            break;
        uint64_t wake = now < end ? udping_client_deadline(&r->c)
                                  : last + wait_ns;
        int w = ippm_net_wait(&r->statsd, wake > now ? wake - now : 0);
        if (w < 0 && errno != EINTR) {
            snprintf(err, errlen, "wait: %s", strerror(errno));
            return -1;
        }
        size_t before = r->n_rep;
        if (w > 0 && take_statsd(r) != 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (r->n_rep != before)
            last = ippm_clock_realtime();
    }
    for (size_t i = 0; i < r->n_ex; i++)
        r->ex[i].req_dst = *target;
    return 0;
}

/* see conform_udping.h */
int conform_udping_server(const struct conform_opts *o,
                          const struct ippm_addr *target,
                          const struct ippm_addr *statsd, uint16_t port,
                          const char *name, const char *shown,
                          struct ippm_case_result **res, size_t *n)
{
    char err[IPPM_NET_ERRLEN];
    struct srv_run *r = calloc(1, sizeof *r);
    if (!r) {
        ippm_cli_error("%s: out of memory", name);
        return IPPM_EXIT_RUNTIME;
    }
    int rc = IPPM_EXIT_OK;
    if (ippm_net_open_bound(&r->statsd, statsd, port, err, sizeof err) != 0) {
        ippm_cli_bind_error(name, err, "--statsd");
        free(r);
        return IPPM_EXIT_RUNTIME;
    }
    r->statsd_open = true;
    uint64_t start = ippm_clock_realtime();
    if (exchange(r, target, o->timeout_ns ? o->timeout_ns : 10 * NS_PER_S,
                 err, sizeof err) != 0) {
        ippm_cli_error("%s: %s", name, err);
        rc = IPPM_EXIT_RUNTIME;
    } else if (!r->n_rep && !ippm_net_stopping()) {
        ippm_cli_error("%s: no statsd datagram came from the server: is it "
                       "running with -s or -t naming this host and port?",
                       name);
        rc = IPPM_EXIT_NOTHING;
    }
    if (rc == IPPM_EXIT_OK) {
        printf("sent %zu datagrams from %d source ports (%zu left out and "
               "%zu malformed on purpose), %zu sessions; the server reported "
               "%zu by statsd\n",
               r->n_ex, PORTS, r->lost, r->malformed, sessions_sent(r),
               r->n_rep);
        struct udping_obs_ext x = {
            .base = {UDPING_OBS_EXT, NULL},
            .rep = r->rep,
            .n_rep = r->n_rep,
            .reports_seen = true,
            .end_ns = ippm_clock_realtime(),
        };
        struct ippm_obs obs = {
            .protocol = "udping",
            .role = IPPM_ROLE_REFLECTOR,
            .ex = r->ex,
            .n_ex = r->n_ex,
            .live = true,
            .clock_tolerance_ns = o->tolerance_ns,
            .ext = &x.base,
        };
        size_t k;
        struct ippm_case_result *got =
            conform_run_catalogue(&obs, o, res ? NULL : "udping-server", &k,
                                  &rc);
        if (got && res) {
            *res = got, *n = k;
            rc = IPPM_EXIT_OK;
        } else if (got) {
            rc = conform_report_results(o, "udping-server", shown, start, got,
                                        k, NULL, r->n_ex, &obs);
            free(got);
        }
    }
    run_free(r);
    free(r);
    return rc;
}

/* see conform_udping.h */
int conform_udping_server_self(const struct conform_opts *o,
                               struct ippm_case_result **res, size_t *n)
{
    uint16_t port = conform_free_udp_port(), sport = conform_free_udp_port();
    char port_s[8], statsd_s[32];
    if (!port || !sport) {
        ippm_cli_error("conform: no free UDP port");
        return IPPM_EXIT_RUNTIME;
    }
    snprintf(port_s, sizeof port_s, "%u", (unsigned)port);
    snprintf(statsd_s, sizeof statsd_s, "127.0.0.1:%u", (unsigned)sport);
    char *argv[] = {"ippm", "udping", "server", "-l", "127.0.0.1", "-p",
                    port_s, "-k", "1", "-s", statsd_s, "-t", statsd_s, "-N",
                    "-q", NULL};
    pid_t child = conform_spawn_self(argv);
    if (child < 0) {
        ippm_cli_error("conform: ippm's own UDPing server did not start");
        return IPPM_EXIT_RUNTIME;
    }
    /* It needs a moment to bind; a datagram before that is lost, which
     * the checks would see as a session with fewer datagrams. */
    struct timespec pause = {0, 200000000};
    nanosleep(&pause, NULL);
    struct ippm_addr target = {IPPM_AF_INET, {127, 0, 0, 1}, port, 0};
    struct ippm_addr lo = {IPPM_AF_INET, {127, 0, 0, 1}, 0, 0};
    struct conform_opts so = *o;
    so.timeout_ns = 3 * NS_PER_S; /* -k 1: every report within a second */
    int rc = conform_udping_server(&so, &target, &lo, sport,
                                   "conform: ippm's own UDPing server",
                                   "127.0.0.1", res, n);
    kill(child, SIGTERM);
    waitpid(child, NULL, 0);
    if (rc == IPPM_EXIT_OK)
        printf("ippm's own UDPing server (-k 1, statsd plain and tagged) "
               "graded\n");
    return rc;
}
