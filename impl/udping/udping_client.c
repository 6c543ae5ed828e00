/* ippm udping client: the sender of yahoo/UDPing (notes §2-§4, §7). The
 * stream itself (guids, sequence numbers, sizes, exponential gaps) is
 * proto/udping's client machine; this driver waits for its deadline
 * (a timerfd on the absolute time, no polling), hands it TIMER with the
 * clock's reading and sends what it answers: from an ordinary UDP
 * socket bound to the packet's source port, or, with -a, as a whole
 * Ethernet frame built here (udping_frame.h) on an AF_PACKET socket
 * (udping_link.h). It counts what it sent; the server measures. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "impl/commands.h"
#include "impl/core/atomic_file.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/core/net.h"
#include "impl/report/summary.h"
#include "impl/udping/udping_client_opts.h"
#include "impl/udping/udping_cmd.h"
#include "impl/udping/udping_frame.h"
#include "impl/udping/udping_link.h"
#include "proto/common/ippm_stats.h"
#include "proto/udping/udping.h"

#define PROG "udping client"
#define PLURAL(n) ((n) == 1 ? "" : "s")
#define FRAME_CAP (UDPING_ETH_LEN + UDPING_IP6_LEN + UDPING_UDP_LEN + \
                   UDPING_MAX_PKT)

struct run {
    struct udping_client_opts o;
    struct udping_client m;
    struct udping_port *ports;
    int *fds;                    /* plain mode: one socket per port */
    struct sockaddr_storage to;  /* plain mode: the destination */
    socklen_t to_len;
    bool raw;
    struct udping_link link;
    struct udping_frame_ends ends;
    size_t hdr_len;              /* raw: octets before the payload */
    uint8_t frame[FRAME_CAP];
    int tfd;
    /* Counters. */
    uint64_t sent, refused, octets;
    uint64_t resyncs;            /* clock steps and stalls skipped */
    int first_errno;
    uint64_t *port_sent;
    uint64_t start_ns, last_ns;
    struct ippm_dist gaps;       /* between sends, as sent */
    struct ippm_dist late;       /* wakeup past the deadline */
};

/* ---- set-up ---- */

/* Room for one descriptor per source port and a few more. */
static int raise_fd_limit(size_t need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return -1;
    if (rl.rlim_cur >= need)
        return 0;
    if (rl.rlim_max < need) {
        ippm_cli_error("%s: %zu source ports need %zu descriptors; the hard "
                       "limit is %llu (ulimit -Hn)",
                       PROG, need - 16, need, (unsigned long long)rl.rlim_max);
        return -1;
    }
    rl.rlim_cur = need;
    return setrlimit(RLIMIT_NOFILE, &rl);
}

/* Plain mode: a socket bound to each source port, on -l or on every
 * address of the destination's family. */
static int open_plain(struct run *r)
{
    if (raise_fd_limit(r->o.n_ports + 16))
        return IPPM_EXIT_RUNTIME;
    r->fds = malloc(r->o.n_ports * sizeof(*r->fds));
    if (!r->fds) {
        ippm_cli_error("%s: out of memory", PROG);
        return IPPM_EXIT_RUNTIME;
    }
    for (size_t i = 0; i < r->o.n_ports; i++)
        r->fds[i] = -1;
    struct ippm_addr any = {.family = r->o.remote.family};
    const struct ippm_addr *local =
        r->o.local.family != IPPM_AF_NONE ? &r->o.local : &any;
    for (size_t i = 0; i < r->o.n_ports; i++) {
        /* -s may name a port twice: the original sends from both
         * sessions; so do we, from the one socket. */
        for (size_t j = 0; j < i && r->fds[i] < 0; j++)
            if (r->o.ports[j] == r->o.ports[i])
                r->fds[i] = r->fds[j];
        if (r->fds[i] >= 0)
            continue;
        struct ippm_sock s;
        char err[IPPM_NET_ERRLEN];
        if (ippm_net_open_bound(&s, local, r->o.ports[i], err, sizeof err)) {
            ippm_cli_bind_error(PROG, err, "--source-ports");
            return IPPM_EXIT_RUNTIME;
        }
        r->fds[i] = s.fd;
        /* Nothing reads these sockets: whatever reaches a source port
         * should not queue megabytes per port (5000 of them). */
        int small = 1; /* the kernel's minimum */
        (void)setsockopt(s.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        if (i == 0) {
            r->to_len = ippm_addr_to_sockaddr(&r->o.remote, s.family, &r->to);
            if (r->to_len == 0) {
                ippm_cli_error("%s: cannot send to '%s' from '%s'", PROG,
                               r->o.remote_text, r->o.local_text);
                return IPPM_EXIT_RUNTIME;
            }
        }
    }
    return -1;
}

/* The largest -m whose frames fit the interface's MTU. */
static int check_mtu(const struct run *r)
{
    size_t ip = r->hdr_len - UDPING_ETH_LEN; /* IP and UDP headers */
    size_t largest = r->o.max_size > UDPING_HDR_LEN ? r->o.max_size - 1
                                                    : UDPING_HDR_LEN;
    if (ip + largest <= r->link.mtu)
        return 0;
    ippm_cli_error("--max-size: %u makes frames of up to %zu octets, over "
                   "%s's MTU of %u (raw frames are not fragmented): at most "
                   "%zu",
                   r->o.max_size, ip + largest, r->link.ifname, r->link.mtu,
                   r->link.mtu - ip + 1);
    return -1;
}

/* Raw mode: the interface of -l, the AF_PACKET socket, then no root. */
static int open_raw(struct run *r)
{
    char err[IPPM_NET_ERRLEN];
    if (udping_link_find(&r->link, &r->o.local, err, sizeof err)) {
        ippm_cli_error("%s: -l '%s': %s", PROG, r->o.local_text, err);
        return IPPM_EXIT_RUNTIME;
    }
    r->hdr_len = udping_frame_hdr_len(r->o.remote.family);
    if (check_mtu(r))
        return IPPM_EXIT_USAGE;
    int dropped;
    if (udping_link_open(&r->link, err, sizeof err) ||
        (dropped = udping_drop_privileges(err, sizeof err)) < 0) {
        ippm_cli_error("%s: %s", PROG, err);
        return IPPM_EXIT_RUNTIME;
    }
    /* The result is written at the end, as nobody: find out now. */
    if (dropped == 0 && r->o.json && ippm_atomic_probe(r->o.json) < 0) {
        ippm_cli_error("--json: user nobody cannot write '%s' (%s): with -a "
                       "the client runs as nobody once its socket is open",
                       r->o.json, strerror(errno));
        return IPPM_EXIT_RUNTIME;
    }
    memcpy(r->ends.src_mac, r->link.mac, UDPING_MAC_LEN);
    r->ends.src = r->o.local;
    r->ends.dst = r->o.remote;
    return -1;
}

static uint64_t fresh_seed(void)
{
    uint64_t s = 0;
    if (getrandom(&s, sizeof s, 0) != (ssize_t)sizeof s)
        s = ippm_clock_realtime() ^ ((uint64_t)getpid() << 32);
    return s;
}

static void banner(const struct run *r)
{
    char to[IPPM_ADDR_STRLEN], mac[18];
    ippm_addr_fmt(&r->o.remote, to, sizeof to);
    if (r->raw)
        printf("ippm udping client: %s from %s on %s (index %u, MAC %s, "
               "MTU %u), %zu source port%s, %zu next hop%s, mean gap %g ms, "
               "new guids every %u s\n",
               to, r->o.local_text, r->link.ifname, r->link.ifindex,
               udping_mac_fmt(r->link.mac, mac, sizeof mac), r->link.mtu,
               r->o.n_ports, PLURAL(r->o.n_ports), r->o.n_macs,
               PLURAL(r->o.n_macs), r->o.delay_ms, r->o.interval_s);
    else
        printf("ippm udping client: %s from %zu UDP source port%s, mean "
               "gap %g ms, new guids every %u s\n",
               to, r->o.n_ports, PLURAL(r->o.n_ports), r->o.delay_ms,
               r->o.interval_s);
    if (r->o.verbose)
        for (size_t i = 0; i < r->o.n_ports; i++)
            printf("Adding port %u\n", (unsigned)r->o.ports[i]);
    fflush(stdout);
}

static int setup(struct run *r)
{
    size_t n = r->o.n_ports;
    r->ports = calloc(n, sizeof(*r->ports));
    r->port_sent = calloc(n, sizeof(*r->port_sent));
    if (!r->ports || !r->port_sent) {
        ippm_cli_error("%s: out of memory", PROG);
        return IPPM_EXIT_RUNTIME;
    }
    r->raw = r->o.n_macs > 0;
    int rc = r->raw ? open_raw(r) : open_plain(r);
    if (rc >= 0)
        return rc;
    /* The kernel may defer a timer by the thread's slack (50 us by
     * default) to batch wakeups: at -d 1 that is 5 % of the mean gap,
     * visible in the gaps' distribution. Ask for none. */
    (void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    r->tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
    if (r->tfd < 0) {
        ippm_cli_error("%s: timerfd: %s", PROG, strerror(errno));
        return IPPM_EXIT_RUNTIME;
    }
    for (size_t i = 0; i < n; i++)
        r->ports[i].port = r->o.ports[i];
    struct udping_client_cfg cfg = {
        r->o.delay_ms, r->o.interval_s, r->o.max_size, r->o.legacy,
        r->o.have_seed ? r->o.seed : fresh_seed()};
    r->start_ns = ippm_clock_realtime();
    if (udping_client_init(&r->m, &cfg, r->ports, n, r->start_ns) !=
        IPPM_OK) {
        ippm_cli_error("%s: the options make no UDPing stream", PROG);
        return IPPM_EXIT_USAGE;
    }
    ippm_dist_init(&r->gaps);
    ippm_dist_init(&r->late);
    return -1;
}

/* ---- the loop ---- */

/* Sleeps until the absolute CLOCK_REALTIME time at_ns, or a stop
 * signal. Returns 0, or -1 with errno. */
static int sleep_until(const struct run *r, uint64_t at_ns)
{
    struct itimerspec its = {{0, 0},
                             {(time_t)(at_ns / IPPM_NS_PER_SEC),
                              (long)(at_ns % IPPM_NS_PER_SEC)}};
    /* CANCEL_ON_SET: a step of the clock wakes us (see resync). */
    if (timerfd_settime(r->tfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                        &its, NULL) < 0)
        return -1;
    struct pollfd p = {r->tfd, POLLIN, 0};
    if (ippm_net_poll(&p, 1, UINT64_MAX) < 0 && errno != EINTR)
        return -1;
    uint64_t ticks;
    if (p.revents & POLLIN)
        (void)read(r->tfd, &ticks, sizeof ticks);
    return 0;
}

static void per_packet(const struct run *r, size_t pi, const uint8_t *pkt,
                       size_t len)
{
    char mac[18], what[96];
    struct udping_hdr h;
    struct udping_legacy_hdr lh;
    if (!r->o.legacy && udping_decode(pkt, len, &h) == IPPM_OK)
        snprintf(what, sizeof what, "seq=%lu size=%lu guid=%s",
                 (unsigned long)h.seq, (unsigned long)h.size, h.guid);
    else if (r->o.legacy && udping_legacy_decode(pkt, len, &lh) == IPPM_OK)
        snprintf(what, sizeof what, "seq=%ld size=%ld guid=%s%s",
                 (long)lh.seq, (long)lh.size, lh.guid,
                 lh.control ? " control" : "");
    else
        return;
    printf("port=%u %s%s%s\n", (unsigned)r->ports[pi].port, what,
           r->raw ? " to=" : "",
           r->raw ? udping_mac_fmt(r->ends.dst_mac, mac, sizeof mac) : "");
}

/* Sends len octets of payload (already in place) from port index pi. */
static void send_one(struct run *r, size_t pi, size_t len, uint64_t now)
{
    int rc;
    if (r->raw) {
        /* Next hops round robin per port, from the first (notes §3). */
        memcpy(r->ends.dst_mac, r->o.macs[pi % r->o.n_macs], UDPING_MAC_LEN);
        r->ends.src.port = r->ports[pi].port;
        size_t flen = udping_frame_build(r->frame, &r->ends, len);
        rc = flen ? udping_link_send(&r->link, r->frame, flen) : -1;
    } else {
        rc = sendto(r->fds[pi], r->frame, len, 0,
                    (const struct sockaddr *)&r->to, r->to_len) ==
                     (ssize_t)len
                 ? 0
                 : -1;
    }
    if (rc < 0) {
        if (!r->refused++)
            r->first_errno = errno;
        return;
    }
    if (r->sent)
        ippm_dist_add(&r->gaps, (int64_t)(now - r->last_ns));
    r->sent++;
    r->port_sent[pi]++;
    r->octets += len;
    r->last_ns = now;
    if (r->o.verbose)
        per_packet(r, pi, r->frame + r->hdr_len, len);
}

/* A step of the realtime clock (settimeofday, an NTP step) moves it under
 * the schedule: forward, the machine would send every packet the jump
 * skipped at once; back, it would fall silent as long. A stall (the
 * process stopped, the host suspended) is the forward case. Gaps are
 * capped at 10 x -d, so a deadline further than that (and a second)
 * from now comes from neither: the schedule starts again from now. */
static void resync(struct run *r, uint64_t now)
{
    uint64_t slack = 10 * r->m.gap_ns + IPPM_NS_PER_SEC;
    uint64_t due = r->m.due_ns;
    if (now > due + slack || due > now + slack) {
        r->m.due_ns = now;
        r->resyncs++;
    }
}

static bool over(const struct run *r, uint64_t now)
{
    if (r->o.count && r->sent + r->refused >= r->o.count)
        return true;
    return r->o.duration_ns && now >= r->start_ns + r->o.duration_ns;
}

static int loop(struct run *r)
{
    ippm_net_stop_signals();
    uint64_t end = r->o.duration_ns ? r->start_ns + r->o.duration_ns
                                    : UINT64_MAX;
    for (;;) {
        uint64_t now = ippm_clock_realtime();
        if (ippm_net_stopping() || over(r, now))
            return 0;
        resync(r, now);
        uint64_t due = udping_client_deadline(&r->m);
        if (now < due && due - now <= r->o.spin_ns)
            continue; /* --spin-us: on the clock, to the nanosecond */
        if (now < due) {
            uint64_t wake = due - r->o.spin_ns;
            if (sleep_until(r, wake < end ? wake : end) < 0) {
                ippm_cli_error("%s: timer: %s", PROG, strerror(errno));
                return IPPM_EXIT_RUNTIME;
            }
            continue; /* read the clock again: woken, late or stopped */
        }
        struct ippm_event ev = {IPPM_EV_TIMER, now, NULL, 0, NULL};
        struct ippm_action act;
        size_t pi = 0;
        udping_client_handle(&r->m, &ev, r->frame + r->hdr_len,
                             UDPING_MAX_PKT, &act, &pi);
        if (act.kind != IPPM_ACT_SEND_DATAGRAM || pi >= r->o.n_ports)
            continue;
        ippm_dist_add(&r->late, (int64_t)(now - due));
        send_one(r, pi, act.len, now);
    }
}

/* ---- the end ---- */

static void print_dist(const char *name, const struct ippm_dist *d)
{
    struct ippm_summary s;
    ippm_dist_summary(d, &s);
    if (!s.n) {
        printf("%-5s min/avg/median/p95/p99/max/stddev = n/a\n", name);
        return;
    }
    printf("%-5s min/avg/median/p95/p99/max/stddev = "
           "%.3f/%.3f/%.3f/%.3f/%.3f/%.3f/%.3f ms\n",
           name, s.min / 1e6, s.mean / 1e6, s.median / 1e6, s.p95 / 1e6,
           s.p99 / 1e6, s.max / 1e6, s.stddev / 1e6);
}

static void port_spread(const struct run *r, uint64_t *lo, uint64_t *hi)
{
    *lo = UINT64_MAX;
    *hi = 0;
    for (size_t i = 0; i < r->o.n_ports; i++) {
        *lo = r->port_sent[i] < *lo ? r->port_sent[i] : *lo;
        *hi = r->port_sent[i] > *hi ? r->port_sent[i] : *hi;
    }
}

static void summary(const struct run *r, uint64_t end_ns)
{
    char to[IPPM_ADDR_STRLEN];
    uint64_t lo, hi;
    port_spread(r, &lo, &hi);
    printf("--- %s UDPing client statistics ---\n",
           ippm_addr_fmt(&r->o.remote, to, sizeof to));
    printf("%llu sent from %zu port%s (%llu to %llu a port) in %.3f s, "
           "%llu octets, %llu refused%s%s\n",
           (unsigned long long)r->sent, r->o.n_ports, PLURAL(r->o.n_ports),
           (unsigned long long)lo,
           (unsigned long long)hi, (double)(end_ns - r->start_ns) / 1e9,
           (unsigned long long)r->octets, (unsigned long long)r->refused,
           r->refused ? " by the kernel, the first: " : "",
           r->refused ? strerror(r->first_errno) : "");
    if (r->resyncs)
        printf("schedule restarted %llu times after a clock step or a "
               "stall, instead of a burst or a silence\n",
               (unsigned long long)r->resyncs);
    print_dist("gap", &r->gaps);
    print_dist("late", &r->late);
    printf("gap asked: exponential, mean %g ms, at most %g ms; late: wakeup "
           "past the deadline\n",
           r->o.delay_ms, 10 * r->o.delay_ms);
}

static json_t *json_report(const struct run *r, uint64_t end_ns)
{
    struct ippm_summary g, l;
    ippm_dist_summary(&r->gaps, &g);
    ippm_dist_summary(&r->late, &l);
    char to[IPPM_ADDR_STRLEN];
    json_t *per = json_array();
    for (size_t i = 0; per && i < r->o.n_ports; i++)
        json_array_append_new(per, json_pack("{s:i, s:I}", "port",
                                             (int)r->ports[i].port, "sent",
                                             (json_int_t)r->port_sent[i]));
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:f, s:f, s:i, s:i, s:o, "
        "s:o}",
        "ippm_version", IPPM_VERSION, "command", "udping client", "to",
        ippm_addr_fmt(&r->o.remote, to, sizeof to), "mode",
        r->raw ? "raw" : "udp", "sent", (json_int_t)r->sent, "refused",
        (json_int_t)r->refused, "octets", (json_int_t)r->octets, "ports", per,
        "duration_s", (double)(end_ns - r->start_ns) / 1e9, "mean_gap_ms",
        r->o.delay_ms, "interval_s", (int)r->o.interval_s, "max_size",
        (int)r->o.max_size, "gap_ms", ippm_json_summary_ms(&g), "late_ms",
        ippm_json_summary_ms(&l));
    if (o)
        json_object_set_new(o, "schedule_restarts",
                            json_integer((json_int_t)r->resyncs));
    return o;
}

static int fill_json(FILE *f, void *arg)
{
    return json_dumpf(arg, f, JSON_INDENT(2)) == 0 && fputc('\n', f) != EOF
               ? 0
               : -1;
}

static int write_json(const struct run *r, uint64_t end_ns)
{
    json_t *o = json_report(r, end_ns);
    int rc = o ? ippm_atomic_write(r->o.json, fill_json, o) : -1;
    json_decref(o);
    if (rc == 0)
        return -1;
    ippm_cli_error("--json: cannot write '%s': %s", r->o.json,
                   o ? strerror(errno) : "cannot build JSON");
    return IPPM_EXIT_RUNTIME;
}

static void teardown(struct run *r)
{
    for (size_t i = 0; r->fds && i < r->o.n_ports; i++) {
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = r->fds[j] == r->fds[i];
        if (r->fds[i] >= 0 && !dup)
            close(r->fds[i]);
    }
    free(r->fds);
    udping_link_close(&r->link);
    if (r->tfd >= 0)
        close(r->tfd);
    free(r->ports);
    free(r->port_sent);
    udping_client_opts_free(&r->o);
}

/* see udping_cmd.h */
int udping_client_main(int argc, char **argv)
{
    struct run *r = calloc(1, sizeof(*r));
    if (!r) {
        ippm_cli_error("%s: out of memory", PROG);
        return IPPM_EXIT_RUNTIME;
    }
    r->tfd = -1;
    r->link.fd = -1;
    int rc = udping_client_opts_parse(&r->o, argc, argv);
    if (rc < 0)
        rc = setup(r);
    if (rc < 0) {
        if (!r->o.quiet)
            banner(r);
        rc = loop(r);
        uint64_t end = ippm_clock_realtime();
        if (!r->o.quiet)
            summary(r, end);
        int jrc = r->o.json ? write_json(r, end) : -1;
        if (rc == 0)
            rc = jrc >= 0 ? jrc : r->refused ? IPPM_EXIT_FAIL : IPPM_EXIT_OK;
    }
    teardown(r);
    free(r);
    return rc;
}
