/* ippm pcap check on UDPing (../shared/notes/udping.md): the version-1
 * datagrams of a capture found on any port, graded with the UDPing
 * sender cases; the statsd datagrams a receiver sent about them parsed
 * into reports and graded with the receiver cases; and the datagrams
 * replayed through proto/udping's receiver at the capture's times, to
 * print the metrics a server would have printed and to compare them with
 * what the capture's receiver sent. */
#include "impl/conform/cmd_pcap_udping.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/udping/udping_checks.h"
#include "conformance/udping/udping_obs.h"
#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/net.h"
#include "impl/report/report.h"
#include "proto/udping/udping.h"

/* The receiver's reports are compared with the capture, up to this much
 * later (the capture sees a datagram before the server reads its clock). */
#define LATENCY_TOL_NS UDPING_OBS_LATENCY_TOL_NS
/* The replay's -k: long enough that no pause in a capture splits a
 * session; the metrics do not depend on it. */
#define REPLAY_KEEPALIVE_NS (10ull * 1000000000ull)
#define MAX_RECEIVERS 16
#define AGREE_LEN 512

/* One receiver address and port the datagrams go to. */
struct receiver {
    struct ippm_addr addr;
    uint64_t looks, strict, all;
};

/* A session the replay reported. */
struct replayed {
    struct udping_report r;
    uint16_t to_port;
    const struct ippm_addr *to;
    int statsd;  /* the statsd report it agrees with, -1 none */
};

struct udping_pcap {
    const struct capture *cap;
    struct receiver rx[MAX_RECEIVERS];
    size_t n_rx;
    struct ippm_exchange *ex;
    struct udping_obs_frame *frame;
    size_t n_ex;
    struct udping_obs_report *rep;
    size_t n_rep, statsd_dgrams;
    struct udping_obs_ext ext;
    size_t n_sources, n_guids;
    struct replayed *replay;
    size_t n_replay;
    uint64_t replay_dropped;
    char (*agree)[AGREE_LEN]; /* per statsd report: how it compares */
    size_t n_agree_ok;
};

/* Looks like a UDPing header, whatever its faults: a whole header and a
 * guid of printable characters (the corpus's broken datagrams too). */
static bool looks(const struct stamp_dgram *d)
{
    if (d->len < UDPING_V1_LEN || d->data[0] > 15)
        return false;
    for (size_t i = 0; i < UDPING_V1_GUID; i++)
        if (d->data[UDPING_OFF_GUID + i] <= 0x20 ||
            d->data[UDPING_OFF_GUID + i] >= 0x7f)
            return false;
    return true;
}

/* What the original server takes: version 1, a guid ending in NUL and
 * the size field right. */
static bool strict(const struct stamp_dgram *d)
{
    return looks(d) && d->data[0] == 1 &&
           d->data[UDPING_OFF_GUID + UDPING_V1_GUID] == 0 &&
           (d->data[UDPING_OFF_SIZE] | d->data[UDPING_OFF_SIZE + 1] << 8 |
            d->data[UDPING_OFF_SIZE + 2] << 16 |
            (uint32_t)d->data[UDPING_OFF_SIZE + 3] << 24) == d->len;
}

static struct receiver *rx_of(struct udping_pcap *p, const struct ippm_addr *a,
                              bool add)
{
    for (size_t i = 0; i < p->n_rx; i++)
        if (ippm_addr_equal(&p->rx[i].addr, a))
            return &p->rx[i];
    if (!add || p->n_rx == MAX_RECEIVERS)
        return NULL;
    p->rx[p->n_rx].addr = *a;
    return &p->rx[p->n_rx++];
}

/* The receivers: destinations to which a UDPing datagram the original
 * would take went, and to which most datagrams look like UDPing. */
static void find_receivers(struct udping_pcap *p, const struct check_opts *o)
{
    const struct capture *c = p->cap;
    struct udping_pcap tmp = {.cap = c};
    for (size_t i = 0; i < c->n; i++) {
        const struct stamp_dgram *d = &c->d[i];
        if (o->port && d->dst.port != o->port)
            continue;
        bool leg = udping_obs_legacy_shape(d->data, d->len);
        bool l = looks(d) || leg;
        struct receiver *r = rx_of(&tmp, &d->dst, l);
        if (!r)
            continue;
        r->all++;
        r->looks += l;
        r->strict += strict(d) || leg;
    }
    for (size_t i = 0; i < tmp.n_rx; i++)
        if ((tmp.rx[i].strict || o->port) &&
            2 * tmp.rx[i].looks >= tmp.rx[i].all)
            p->rx[p->n_rx++] = tmp.rx[i];
}

static void take(struct udping_pcap *p, const struct stamp_dgram *d,
                 uint8_t built)
{
    struct ippm_exchange *e = &p->ex[p->n_ex];
    memset(e, 0, sizeof *e);
    e->req = d->data;
    e->req_len = d->len;
    e->req_ns = d->ts_ns;
    e->req_ttl = d->ttl;
    e->req_src = d->src;
    e->req_dst = d->dst;
    struct udping_obs_frame *f = &p->frame[p->n_ex++];
    f->raw = (built & CAPTURE_ETH_ID0_NODF) != 0;
    f->ip_csum = built & CAPTURE_IP_CSUM_OK    ? 1
                 : built & CAPTURE_IP_CSUM_BAD ? -1
                                               : 0;
    f->udp_csum = built & CAPTURE_UDP_CSUM_OK    ? 1
                  : built & CAPTURE_UDP_CSUM_BAD ? -1
                                                 : 0;
}

/* see cmd_pcap_udping.h */
int udping_pcap_load(const struct check_opts *o, const struct capture *cap,
                     struct udping_pcap **out)
{
    *out = NULL;
    if (o->proto != PCAP_PROTO_AUTO && o->proto != PCAP_PROTO_UDPING)
        return 0;
    struct udping_pcap *p = calloc(1, sizeof *p);
    if (!p) {
        ippm_cli_error("pcap check: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    p->cap = cap;
    find_receivers(p, o);
    if (p->n_rx == 0 && o->proto != PCAP_PROTO_UDPING) {
        free(p);
        return 0;
    }
    size_t n = cap->n ? cap->n : 1;
    p->ex = calloc(n, sizeof *p->ex);
    p->frame = calloc(n, sizeof *p->frame);
    p->rep = calloc(n, sizeof *p->rep);
    if (!p->ex || !p->frame || !p->rep) {
        udping_pcap_free(p);
        ippm_cli_error("pcap check: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    uint64_t end = 0;
    for (size_t i = 0; i < cap->n; i++) {
        const struct stamp_dgram *d = &cap->d[i];
        end = d->ts_ns > end ? d->ts_ns : end;
        if (rx_of(p, &d->dst, false)) {
            take(p, d, cap->built ? cap->built[i] : 0);
        } else if (udping_obs_add_statsd(p->rep, &p->n_rep, n, d->data,
                                         d->len, d->ts_ns)) {
            p->statsd_dgrams++;
        }
    }
    udping_tally(p->ex, p->n_ex, &p->n_sources, &p->n_guids);
    p->ext.base.name = UDPING_OBS_EXT;
    p->ext.frame = p->frame;
    p->ext.rep = p->rep;
    p->ext.n_rep = p->n_rep;
    /* A receiver that sent statsd was told to report every session. */
    p->ext.reports_seen = p->n_rep > 0;
    p->ext.end_ns = end;
    p->ext.latency_tol_ns = LATENCY_TOL_NS;
    p->ext.legacy = udping_obs_looks_legacy(p->ex, p->n_ex);
    *out = p;
    return 0;
}

/* ---- the replay ---- */

static int replay_add(struct udping_pcap *p, const struct udping_report *r,
                      size_t n, const struct receiver *rx, size_t *cap)
{
    if (p->n_replay + n > *cap) {
        size_t nc = (*cap ? *cap * 2 : 64) + n;
        struct replayed *g = realloc(p->replay, nc * sizeof *g);
        if (!g)
            return -1;
        p->replay = g;
        *cap = nc;
    }
    for (size_t i = 0; i < n; i++)
        p->replay[p->n_replay++] = (struct replayed){
            r[i], rx->addr.port, &rx->addr, -1};
    return 0;
}

/* Every datagram to rx through proto/udping's receiver, each at the time
 * the capture saw it; every session it reports, at the end too. */
static int replay_one(struct udping_pcap *p, const struct receiver *rx,
                      size_t *cap)
{
    size_t slots_n = p->n_guids + 1;
    struct udping_session *slots = calloc(slots_n, sizeof *slots);
    size_t mem_len = UDPING_SERVER_MEM(slots_n);
    void *mem = malloc(mem_len);
    /* A replay of a file: the tables' hash key need not be secret. */
    static const uint8_t seed[IPPM_TABLE_SEED_LEN] = {0x75, 0x64, 0x70};
    struct udping_server s;
    struct udping_report out[16];
    if (!slots || !mem ||
        udping_server_init(&s, slots, slots_n, mem, mem_len, seed,
                           REPLAY_KEEPALIVE_NS, p->ext.legacy) != IPPM_OK) {
        free(slots);
        free(mem);
        return -1;
    }
    int rc = 0;
    uint64_t now = 0;
    for (size_t i = 0; i < p->n_ex && rc == 0; i++) {
        const struct ippm_exchange *e = &p->ex[i];
        if (!ippm_addr_equal(&e->req_dst, &rx->addr))
            continue;
        now = e->req_ns;
        size_t k;
        while (rc == 0 &&
               (k = udping_server_flush(&s, now, false, out, 16)) > 0) {
            rc = replay_add(p, out, k, rx, cap);
            if (k < 16)
                break;
        }
        size_t forced = 0;
        if (udping_server_take(&s, e->req, e->req_len, &e->req_src, now, out,
                               &forced) != IPPM_OK)
            p->replay_dropped++;
        if (rc == 0 && forced)
            rc = replay_add(p, out, forced, rx, cap);
    }
    size_t k;
    while (rc == 0 && (k = udping_server_flush(&s, now, true, out, 16)) > 0) {
        rc = replay_add(p, out, k, rx, cap);
        if (k < 16)
            break;
    }
    free(slots);
    free(mem);
    return rc;
}

/* How each statsd report compares with the replay's session of its
 * ports and count (the earliest one of its ports otherwise). */
static void compare(struct udping_pcap *p)
{
    for (size_t i = 0; i < p->n_rep; i++) {
        const struct udping_obs_report *r = &p->rep[i];
        struct replayed *best = NULL;
        for (size_t k = 0; k < p->n_replay; k++) {
            struct replayed *g = &p->replay[k];
            if (g->statsd >= 0 || g->r.peer.port != r->from_port ||
                (r->to_port && g->to_port != r->to_port))
                continue;
            if (g->r.count == r->count) {
                best = g;
                break;
            }
            if (!best)
                best = g;
        }
        char *a = p->agree[i];
        if (!best) {
            snprintf(a, AGREE_LEN, "port %u: no session of that port replayed",
                     (unsigned)r->from_port);
            continue;
        }
        best->statsd = (int)i;
        struct udping_obs_report seen = {.count = best->r.count,
                                         .sum_ms = best->r.sum_ms,
                                         .sos_ms = best->r.sos_ms,
                                         .max_ms = best->r.max_ms};
        char why[160];
        bool ok = r->count == best->r.count && r->target == best->r.target &&
                  udping_obs_latency_agrees(r, &seen, LATENCY_TOL_NS / 1e6,
                                            why, sizeof why);
        if (ok)
            p->n_agree_ok++;
        snprintf(a, AGREE_LEN,
                 "port %u guid %s: count %" PRIu64 "/%" PRIu64
                 ", targetCount %" PRIu64 "/%" PRIu64
                 ", sum %g/%.6f, sos %g/%.6f, max %g/%.6f: %s%s",
                 (unsigned)r->from_port, best->r.guid, r->count,
                 best->r.count, r->target, best->r.target, r->sum_ms,
                 best->r.sum_ms, r->sos_ms, best->r.sos_ms, r->max_ms,
                 best->r.max_ms, ok ? "agree" : "DIFFER: ",
                 ok ? "" : r->count != best->r.count    ? "count"
                           : r->target != best->r.target ? "targetCount"
                                                         : why);
    }
}

/* see cmd_pcap_udping.h */
int udping_pcap_grade(struct udping_pcap *p, const struct check_opts *o,
                      struct ippm_case_result **res, size_t *n)
{
    size_t n_cat;
    ippm_catalogue(&n_cat);
    size_t cap = 2 * (n_cat ? n_cat : 1);
    *res = calloc(cap, sizeof **res);
    p->agree = calloc(p->n_rep ? p->n_rep : 1, sizeof *p->agree);
    if (!*res || !p->agree) {
        ippm_cli_error("pcap check: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    struct ippm_obs obs;
    memset(&obs, 0, sizeof obs);
    obs.protocol = "udping";
    obs.ex = p->ex;
    obs.n_ex = p->n_ex;
    obs.clock_tolerance_ns = o->tol_ns;
    obs.path_flags = o->path_flags;
    obs.ext = &p->ext.base;
    *n = 0;
    if (o->roles & ROLE_SENDER) {
        obs.role = IPPM_ROLE_SENDER;
        *n += ippm_catalogue_run(&obs, o->only, *res + *n, cap - *n);
    }
    if (o->roles & ROLE_REFLECTOR) {
        obs.role = IPPM_ROLE_REFLECTOR;
        *n += ippm_catalogue_run(&obs, o->only, *res + *n, cap - *n);
    }
    size_t rcap = 0;
    for (size_t i = 0; i < p->n_rx; i++)
        if (replay_one(p, &p->rx[i], &rcap) != 0) {
            ippm_cli_error("pcap check: out of memory");
            return IPPM_EXIT_RUNTIME;
        }
    compare(p);
    return 0;
}

/* An address as the original prints a host it cannot name (notes §6):
 * the IP alone, each '.' (or ':') made '_'. */
static void host_of(const struct ippm_addr *a, char *out, size_t cap)
{
    char s[IPPM_ADDR_STRLEN];
    ippm_addr_fmt(a, s, sizeof s);
    char *colon = strrchr(s, ':'); /* the port ippm_addr_fmt appends */
    if (colon)
        *colon = '\0';
    size_t j = 0;
    for (size_t i = 0; s[i] && j + 1 < cap; i++)
        if (s[i] != '[' && s[i] != ']')
            out[j++] = s[i] == '.' || s[i] == ':' ? '_' : s[i];
    out[j] = '\0';
}

/* see cmd_pcap_udping.h */
void udping_pcap_summary(FILE *f, const struct udping_pcap *p, bool verbose)
{
    const struct ippm_pcap_counts *k = &p->cap->counts;
    char line[768];
    size_t len = (size_t)snprintf(
        line, sizeof line,
        "capture: %llu frames, %llu UDP datagrams; UDPing %s: %zu "
        "datagrams from %zu source ports, %zu guids, to",
        (unsigned long long)k->frames,
        (unsigned long long)k->by[IPPM_PCAP_UDP],
        p->ext.legacy ? "2017 format" : "version 1", p->n_ex, p->n_sources,
        p->n_guids);
    for (size_t i = 0; i < p->n_rx && len < sizeof line; i++) {
        char a[IPPM_ADDR_STRLEN];
        ippm_addr_fmt(&p->rx[i].addr, a, sizeof a);
        len += (size_t)snprintf(line + len, sizeof line - len, "%s %s",
                                i ? "," : "", a);
    }
    ippm_report_put_wrapped(f, 0, line, 4);
    size_t raw = 0;
    for (size_t i = 0; i < p->n_ex; i++)
        raw += p->frame[i].raw;
    if (raw)
        fprintf(f, "raw frames (Ethernet, IPv4 ID 0, no DF): %zu of %zu\n",
                raw, p->n_ex);
    fprintf(f, "replayed through ippm's receiver: %zu sessions%s\n",
            p->n_replay, p->replay_dropped ? "" : ", no datagram dropped");
    if (p->replay_dropped)
        fprintf(f, "    %" PRIu64 " datagrams dropped by the receiver's "
                   "checks\n", p->replay_dropped);
    size_t shown = verbose || p->n_replay <= 24 ? p->n_replay : 23;
    for (size_t i = 0; i < shown; i++) {
        const struct replayed *g = &p->replay[i];
        char from[IPPM_ADDR_STRLEN], to[IPPM_ADDR_STRLEN];
        host_of(&g->r.peer, from, sizeof from);
        host_of(g->to, to, sizeof to);
        fprintf(f,
                "{\"from_host\":\"%s\",\"from_port\":\"%u\",\"to_host\":"
                "\"%s\",\"to_port\":\"%u\",\"guid\":\"%s\",\"count\":\"%"
                PRIu64 "\",\"targetCount\":\"%" PRIu64 "\",\"sum\":\"%lf\","
                "\"sumOfSquares\":\"%lf\",\"max\":\"%lf\"}\n",
                from, (unsigned)g->r.peer.port, to, (unsigned)g->to_port,
                g->r.guid, g->r.count, g->r.target, g->r.sum_ms, g->r.sos_ms,
                g->r.max_ms);
    }
    if (shown < p->n_replay)
        fprintf(f, "    and %zu more (-v lists them)\n", p->n_replay - shown);
    if (!p->n_rep) {
        fputs("statsd: none from the receiver in the capture\n", f);
        return;
    }
    fprintf(f, "statsd: %zu datagrams from the receiver, %zu session%s "
               "reported; against the replay (reported/replayed; latency "
               "from the capture, up to %.3f ms a datagram earlier): %zu of "
               "%zu agree\n",
            p->statsd_dgrams, p->n_rep, p->n_rep == 1 ? "" : "s",
            LATENCY_TOL_NS / 1e6, p->n_agree_ok, p->n_rep);
    for (size_t i = 0; i < p->n_rep && p->agree; i++)
        ippm_report_put_wrapped(f, 4, p->agree[i], 8);
}

/* see cmd_pcap_udping.h */
bool udping_pcap_nothing_graded(const struct udping_pcap *p,
                                const struct ippm_case_result *res, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (res[i].verdict != IPPM_NA)
            return false;
    ippm_cli_error("pcap check: nothing graded: every UDPing case is n/a "
                   "(%zu datagrams of version 1 found)", p->n_ex);
    return true;
}

/* see cmd_pcap_udping.h */
void udping_pcap_free(struct udping_pcap *p)
{
    if (!p)
        return;
    free(p->ex);
    free(p->frame);
    free(p->rep);
    free(p->replay);
    free(p->agree);
    free(p);
}
