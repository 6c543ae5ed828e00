/* `ippm relay`: the driver around proto/netem.
 *
 * One socket on --listen; one upstream socket per client address (a flow,
 * as a NAT keeps), connected to --to. Datagrams arrive in recvmmsg
 * batches with the kernel's receive time; netem_decide says what becomes
 * of each; survivors are copied into a preallocated slot and queued in
 * the release heap; due slots leave in sendmmsg batches.
 *
 * Timing: ppoll sleeps until spin_ns (default 100 us) before the next
 * release, with the timer slack at 1 ns, then the loop spins on the
 * clock, polling the sockets without blocking, until the release is due.
 * The cost is CPU: with a release due every 100 us or less (10,000 pps
 * with any delay) the relay spins all the time, one core at 100%.
 * --spin-us 0 sleeps only (lateness then is the kernel's wakeup latency,
 * tens of us). Every send's lateness (send time minus intended release,
 * itself kernel arrival + delay) goes into a histogram reported at exit.
 *
 * Datagrams are received into 64 KiB buffers, so a datagram over
 * --max-size is never cut and the truth file records its true length.
 *
 * At a stop, what is still queued is not sent: the truth file says so
 * with a "discarded" line per copy after the "delayed" (or other) line
 * that queued it, and the summary counts them.
 *
 * Memory: every buffer is allocated and touched before the first packet,
 * so the relay's RSS does not grow with traffic, garbage included. The
 * truth file streams through a preallocated stdio buffer into a
 * temporary file renamed over --truth at exit (whole or not at all). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "proto/stamp/stamp.h"
#include "impl/core/atomic_file.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/commands.h"
#include "impl/core/net.h"
#include "impl/netem/relay.h"

#define LAT_BUCKETS 20000        /* 1 us each: lateness up to 20 ms */
#define RX_BATCHES_PER_WAKE 4    /* then release what is due */
#define TRUTH_BUF (1u << 20)
/* Every UDP payload fits (IPv4 65507, IPv6 65527 octets): the true
 * length of a datagram too big to relay is known. */
#define RX_BUF_SIZE 65536u

static const char *const dir_name[NETEM_DIRS] = {"fwd", "rev"};

struct flow {
    bool used;
    struct ippm_addr client;     /* where replies go */
    struct ippm_addr local;      /* the address the client sent to */
    struct ippm_sock up;         /* connected to --to */
    uint64_t last_ns;
    uint32_t queued;             /* slots waiting in the heap */
};

struct pkt_meta {
    uint32_t flow;
    uint32_t len;
    int16_t tos;                 /* TOS / Traffic Class to send, -1 default */
    int16_t ttl;                 /* TTL / Hop Limit it arrived with, -1 unknown */
    bool queued;                 /* in the scheduler, not yet sent */
    uint64_t idx;                /* the datagram's, for the truth file */
    int64_t seq;                 /* its sequence number, -1 unknown */
};

struct dir_counts {
    uint64_t received;           /* datagrams seen (the next index) */
    uint64_t forwarded;          /* datagrams queued for release */
    uint64_t sent;               /* copies the kernel took */
    uint64_t send_failed;
    uint64_t dropped;
    uint64_t drop_by[NETEM_WHY_COUNT_];
    uint64_t duplicated, corrupted, mutated, held, delayed;
    uint64_t discarded;          /* copies still queued at the stop */
    uint64_t icmp_errors;        /* REV: upstream socket got ECONNREFUSED */
};

struct lat_hist {
    uint64_t n, over, max;
    uint64_t b[LAT_BUCKETS];
};

/* One pending send: the intended release, for the lateness histogram. */
struct tx_pending {
    uint64_t intended;
    uint8_t dir;
};

struct rl {
    const struct relay_opts *o;
    struct ippm_clock clk;
    struct netem r;
    struct netem_sched s;
    struct netem_slot *slots;
    struct ippm_timer *timers;   /* per slot: release times */
    uint32_t *heap, *freel;
    uint8_t *bufs;               /* pool * max_size */
    struct pkt_meta *meta;       /* per slot */
    struct flow *flows;
    uint32_t last_flow;          /* lookup cache */
    struct ippm_sock lsock;
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx_front, tx_up;
    struct tx_pending pend_front[IPPM_NET_BATCH], pend_up[IPPM_NET_BATCH];
    int32_t tx_up_flow;
    struct pollfd *pfd;
    uint32_t *pfd_flow;          /* pfd[i] (i >= 1) serves this flow */
    nfds_t nfds;
    bool pfd_dirty;
    sigset_t wait_mask;
    FILE *truth;                 /* truth_file.f while it is open */
    struct ippm_atomic_file truth_file;
    char *truth_buf;
    bool truth_failed;
    bool flow_err_said;          /* upstream socket errors: said once */
    struct dir_counts c[NETEM_DIRS];
    struct lat_hist lat[NETEM_DIRS];
};

/* ---- truth file ---- */

static int truth_open(struct rl *x)
{
    x->truth_buf = malloc(TRUTH_BUF);
    if (!x->truth_buf || !ippm_atomic_open(&x->truth_file, x->o->truth))
        return -1;
    x->truth = x->truth_file.f;
    memset(x->truth_buf, 0, TRUTH_BUF);
    setvbuf(x->truth, x->truth_buf, _IOFBF, TRUTH_BUF);
    return 0;
}

/* Drops the temporary file: the target stays as it was. */
static void truth_discard(struct rl *x)
{
    ippm_atomic_discard(&x->truth_file);
    x->truth = NULL;
}

static int truth_commit(struct rl *x)
{
    x->truth = NULL;
    return ippm_atomic_commit(&x->truth_file, !x->truth_failed);
}

/* The sequence number a known protocol carries, read by its own decoder:
 * a STAMP request's Sequence Number (FWD), a reply's Session-Sender
 * Sequence Number (REV). -1 when unknown or undecodable. */
static int64_t pkt_seq(const struct rl *x, enum netem_dir dir,
                       const uint8_t *p, size_t len)
{
    bool twl = x->o->proto == RELAY_PROTO_TWAMP_LIGHT;
    if (x->o->proto != RELAY_PROTO_STAMP && !twl)
        return -1;
    enum stamp_mode mode = x->o->auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    if (dir == NETEM_FWD) {
        struct stamp_sender_pkt req;
        if ((twl ? stamp_twl_sender_pkt_decode(&req, p, len)
                 : stamp_sender_pkt_decode(&req, p, len, mode)) != IPPM_OK)
            return -1;
        return req.seq;
    }
    struct stamp_reflector_pkt rep;
    if ((twl ? stamp_twl_reflector_pkt_decode(&rep, p, len)
             : stamp_reflector_pkt_decode(&rep, p, len, mode)) != IPPM_OK)
        return -1;
    return rep.ss_seq;
}

static const char *action_name(const struct netem_decision *d)
{
    if (d->why == NETEM_DROP_QUEUE || d->why == NETEM_DROP_POOL)
        return "queue-drop";
    if (d->why != NETEM_PASS)
        return "dropped";
    if (d->mutate)
        return "mutated";
    if (d->corrupt)
        return "corrupted";
    if (d->duplicated)
        return "duplicated";
    if (d->delay_ns > 0 || d->hold > 0)
        return "delayed";
    return "forwarded";
}

static void truth_line(struct rl *x, const struct netem_decision *d,
                       uint64_t arrival, size_t len, int64_t seq, int tos_in)
{
    FILE *f = x->truth;
    if (!f || x->truth_failed)
        return;
    int rc = fprintf(f,
                     "{\"dir\":\"%s\",\"idx\":%llu,\"arrival_ns\":%llu,"
                     "\"len\":%zu,\"action\":\"%s\"",
                     dir_name[d->dir], (unsigned long long)d->idx,
                     (unsigned long long)arrival, len, action_name(d));
    if (d->why != NETEM_PASS) {
        fprintf(f, ",\"why\":\"%s\"", netem_why_name(d->why));
    } else {
        fprintf(f, ",\"delay_ns\":%llu,\"release_ns\":%llu,\"copies\":%u",
                (unsigned long long)d->delay_ns,
                (unsigned long long)d->release_ns, d->copies);
        if (d->queue_ns)
            fprintf(f, ",\"queue_ns\":%llu", (unsigned long long)d->queue_ns);
        if (d->duplicated)
            fputs(",\"duplicated\":true", f);
        if (d->hold)
            fprintf(f, ",\"held\":%u", d->hold);
        if (d->corrupt) {
            fputs(",\"corrupt_offsets\":[", f);
            for (uint32_t i = 0; i < d->n_corrupt; i++)
                fprintf(f, "%s%u", i ? "," : "", d->corrupt_off[i]);
            fputc(']', f);
        }
        if (d->mutate)
            fputs(",\"mutated\":true", f);
        if (x->r.cfg.dir[d->dir].remark)
            fprintf(f, ",\"tos_in\":%d,\"tos_out\":%d", tos_in,
                    netem_tos(&x->r, d->dir, tos_in));
    }
    if (seq >= 0)
        fprintf(f, ",\"seq\":%lld", (long long)seq);
    if (fputs("}\n", f) == EOF || rc < 0)
        x->truth_failed = true;
}

/* Lateness quantile q (0-1) from the histogram, ns, at 1 us resolution;
 * a quantile past the last bucket (20 ms) reads as the maximum. */
static uint64_t lat_quantile(const struct lat_hist *h, double q)
{
    if (h->n == 0)
        return 0;
    uint64_t want = (uint64_t)(q * (double)(h->n - 1)) + 1, seen = 0;
    for (uint32_t i = 0; i < LAT_BUCKETS; i++) {
        seen += h->b[i];
        if (seen >= want)
            return (uint64_t)i * 1000 + 500;
    }
    return h->max;
}

static void print_counts(FILE *f, const struct dir_counts *c, bool json)
{
    if (json) {
        fprintf(f,
                "{\"received\":%llu,\"forwarded\":%llu,\"sent\":%llu,"
                "\"send_failed\":%llu,\"dropped\":%llu,\"duplicated\":%llu,"
                "\"corrupted\":%llu,\"mutated\":%llu,\"held\":%llu,"
                "\"delayed\":%llu,\"discarded\":%llu,\"icmp_errors\":%llu,"
                "\"dropped_by\":{",
                (unsigned long long)c->received,
                (unsigned long long)c->forwarded, (unsigned long long)c->sent,
                (unsigned long long)c->send_failed,
                (unsigned long long)c->dropped,
                (unsigned long long)c->duplicated,
                (unsigned long long)c->corrupted,
                (unsigned long long)c->mutated, (unsigned long long)c->held,
                (unsigned long long)c->delayed,
                (unsigned long long)c->discarded,
                (unsigned long long)c->icmp_errors);
        const char *sep = "";
        for (int w = 1; w < NETEM_WHY_COUNT_; w++) {
            fprintf(f, "%s\"%s\":%llu", sep, netem_why_name((enum netem_why)w),
                    (unsigned long long)c->drop_by[w]);
            sep = ",";
        }
        fputs("}}", f);
        return;
    }
    fprintf(f,
            "received %llu, forwarded %llu, sent %llu, dropped %llu, "
            "duplicated %llu, corrupted %llu, mutated %llu, held %llu",
            (unsigned long long)c->received, (unsigned long long)c->forwarded,
            (unsigned long long)c->sent, (unsigned long long)c->dropped,
            (unsigned long long)c->duplicated,
            (unsigned long long)c->corrupted, (unsigned long long)c->mutated,
            (unsigned long long)c->held);
    if (c->dropped) {
        const char *sep = " (";
        for (int w = 1; w < NETEM_WHY_COUNT_; w++) {
            if (!c->drop_by[w])
                continue;
            fprintf(f, "%s%s %llu", sep, netem_why_name((enum netem_why)w),
                    (unsigned long long)c->drop_by[w]);
            sep = ", ";
        }
        fputc(')', f);
    }
    if (c->send_failed)
        fprintf(f, ", send failed %llu", (unsigned long long)c->send_failed);
    if (c->discarded)
        fprintf(f, ", discarded %llu (queued at the stop)",
                (unsigned long long)c->discarded);
    fputc('\n', f);
}

static void truth_summary(struct rl *x)
{
    FILE *f = x->truth;
    fprintf(f, "{\"summary\":true,\"seed\":%llu",
            (unsigned long long)x->o->cfg.seed);
    for (int d = 0; d < NETEM_DIRS; d++) {
        fprintf(f, ",\"%s\":", dir_name[d]);
        print_counts(f, &x->c[d], true);
    }
    /* Lateness: send time minus intended release (kernel arrival plus
     * queue and delay), per direction. */
    fputs(",\"late_ns\":{", f);
    for (int d = 0; d < NETEM_DIRS; d++) {
        const struct lat_hist *h = &x->lat[d];
        fprintf(f,
                "%s\"%s\":{\"n\":%llu,\"median\":%llu,\"p99\":%llu,"
                "\"max\":%llu}",
                d ? "," : "", dir_name[d], (unsigned long long)h->n,
                (unsigned long long)lat_quantile(h, 0.5),
                (unsigned long long)lat_quantile(h, 0.99),
                (unsigned long long)h->max);
    }
    fputs("}}\n", f);
}

/* ---- flows ---- */

static void pfd_rebuild(struct rl *x)
{
    x->pfd[0].fd = x->lsock.fd;
    x->pfd[0].events = POLLIN;
    nfds_t n = 1;
    for (uint32_t i = 0; i < x->o->flows; i++) {
        if (!x->flows[i].used)
            continue;
        x->pfd[n].fd = x->flows[i].up.fd;
        x->pfd[n].events = POLLIN;
        x->pfd_flow[n] = i;
        n++;
    }
    x->nfds = n;
    x->pfd_dirty = false;
}

/* flow_get's failures, each its own drop reason. */
#define FLOW_TABLE_FULL -1
#define FLOW_NO_SOCKET  -2

/* The flow of a client, created (or an idle one reused) when new.
 * Returns its index, FLOW_TABLE_FULL when the table is full of busy
 * flows, or FLOW_NO_SOCKET when no upstream socket could be opened. */
static int32_t flow_get(struct rl *x, const struct ippm_rx_meta *m,
                        uint64_t now)
{
    struct flow *fl = x->flows;
    uint32_t nf = x->o->flows;
    if (fl[x->last_flow].used &&
        ippm_addr_equal(&fl[x->last_flow].client, &m->peer))
        return (int32_t)x->last_flow;
    int32_t free_i = -1, lru = -1;
    for (uint32_t i = 0; i < nf; i++) {
        if (!fl[i].used) {
            if (free_i < 0)
                free_i = (int32_t)i;
            continue;
        }
        if (ippm_addr_equal(&fl[i].client, &m->peer)) {
            x->last_flow = i;
            return (int32_t)i;
        }
        if (fl[i].queued == 0 && now - fl[i].last_ns >= x->o->flow_idle_ns &&
            (lru < 0 || fl[i].last_ns < fl[lru].last_ns))
            lru = (int32_t)i;
    }
    if (free_i < 0 && lru < 0)
        return FLOW_TABLE_FULL;
    if (free_i < 0) {
        free_i = lru;
        ippm_net_close(&fl[lru].up);
        fl[lru].used = false;
    }
    struct flow *f = &fl[free_i];
    char err[IPPM_NET_ERRLEN];
    if (ippm_net_open_connected(&f->up, &x->o->to, err, sizeof(err)) != 0) {
        /* Out of descriptors (EMFILE) under a flood of sources: said
         * once, not per packet; the datagrams count as no-upstream-socket,
         * not as a full table (the table may be nearly empty). */
        if (!x->flow_err_said)
            ippm_cli_error("relay: upstream socket: %s", err);
        x->flow_err_said = true;
        return FLOW_NO_SOCKET;
    }
    f->used = true;
    f->client = m->peer;
    f->local = m->local;
    f->queued = 0;
    f->last_ns = now;
    x->pfd_dirty = true;
    x->last_flow = (uint32_t)free_i;
    return free_i;
}

/* ---- sending ---- */

static void lat_add(struct rl *x, uint8_t dir, uint64_t late)
{
    struct lat_hist *h = &x->lat[dir];
    h->n++;
    if (late > h->max)
        h->max = late;
    if (late / 1000 < LAT_BUCKETS)
        h->b[late / 1000]++;
    else
        h->over++;
}

static void flush(struct rl *x, struct ippm_tx_batch *b,
                  const struct ippm_sock *s, struct tx_pending *pend)
{
    size_t n = b->n;
    if (n == 0)
        return;
    int err = 0;
    size_t sent = ippm_net_send(s, b, &err);
    uint64_t t = ippm_clock_now(&x->clk);
    /* The kernel refuses whole datagrams: counts are per batch. */
    for (size_t i = 0; i < n; i++) {
        lat_add(x, pend[i].dir,
                t > pend[i].intended ? t - pend[i].intended : 0);
        if (i < sent)
            x->c[pend[i].dir].sent++;
        else
            x->c[pend[i].dir].send_failed++;
    }
}

static void flush_all(struct rl *x)
{
    flush(x, &x->tx_front, &x->lsock, x->pend_front);
    if (x->tx_up_flow >= 0)
        flush(x, &x->tx_up, &x->flows[x->tx_up_flow].up, x->pend_up);
}

static void send_slot(struct rl *x, int32_t i)
{
    const struct netem_slot *sl = &x->s.slots[i];
    uint64_t intended = netem_sched_release_ns(&x->s, i);
    const struct pkt_meta *pm = &x->meta[i];
    struct flow *f = &x->flows[pm->flow];
    const uint8_t *buf = x->bufs + (size_t)i * x->o->max_size;
    f->queued--;
    x->meta[i].queued = false;
    if (sl->dir == NETEM_FWD) {
        if (x->tx_up_flow >= 0 &&
            (x->tx_up_flow != (int32_t)pm->flow || x->tx_up.n == x->tx_up.cap))
            flush(x, &x->tx_up, &x->flows[x->tx_up_flow].up, x->pend_up);
        x->tx_up_flow = (int32_t)pm->flow;
        x->pend_up[x->tx_up.n] =
            (struct tx_pending){.intended = intended, .dir = NETEM_FWD};
        memcpy(ippm_tx_batch_slot(&x->tx_up), buf, pm->len);
        ippm_tx_batch_commit(&x->tx_up, &f->up, pm->len, NULL, NULL);
        ippm_tx_batch_set_tos(&x->tx_up, &x->o->to, pm->tos);
        ippm_tx_batch_set_ttl(&x->tx_up, &x->o->to, pm->ttl);
    } else {
        if (x->tx_front.n == x->tx_front.cap)
            flush(x, &x->tx_front, &x->lsock, x->pend_front);
        x->pend_front[x->tx_front.n] =
            (struct tx_pending){.intended = intended, .dir = NETEM_REV};
        memcpy(ippm_tx_batch_slot(&x->tx_front), buf, pm->len);
        ippm_tx_batch_commit(&x->tx_front, &x->lsock, pm->len, &f->client,
                             &f->local);
        ippm_tx_batch_set_tos(&x->tx_front, &f->client, pm->tos);
        ippm_tx_batch_set_ttl(&x->tx_front, &f->client, pm->ttl);
    }
    netem_sched_free(&x->s, i);
}

static void release_due(struct rl *x, uint64_t now)
{
    int32_t i;
    while ((i = netem_sched_pop(&x->s, now)) >= 0)
        send_slot(x, i);
    flush_all(x);
}

/* ---- receiving ---- */

static void count_drop(struct rl *x, const struct netem_decision *d)
{
    struct dir_counts *c = &x->c[d->dir];
    c->dropped++;
    c->drop_by[d->why]++;
}

/* m: the datagram's arrival time, TOS / Traffic Class and TTL / Hop
 * Limit (-1 unknown); it leaves with the same TOS (netem_tos), as through
 * a router, and the same TTL, so that a reflector's TTL copy and a
 * prober's hop count (RFC 8762 §4.3.1) read through the relay as through
 * no hop. flow: its index, or flow_get's FLOW_TABLE_FULL or
 * FLOW_NO_SOCKET. */
static void handle(struct rl *x, enum netem_dir dir, int32_t flow,
                   const uint8_t *pkt, size_t len, bool trunc,
                   const struct ippm_rx_meta *m)
{
    uint64_t arrival = m->rx_ns;
    int tos = m->tos;
    struct netem_decision d;
    netem_decide(&x->r, dir, len, arrival, &d);
    x->c[dir].received++;
    if (d.why == NETEM_PASS && (trunc || len > x->o->max_size))
        d.why = NETEM_DROP_TOO_BIG;
    if (d.why == NETEM_PASS && flow < 0)
        d.why = flow == FLOW_NO_SOCKET ? NETEM_DROP_NO_SOCKET
                                       : NETEM_DROP_FLOW;
    int32_t slot[NETEM_MAX_COPIES];
    uint32_t got = 0;
    if (d.why == NETEM_PASS) {
        for (; got < d.copies; got++)
            if ((slot[got] = netem_sched_alloc(&x->s)) < 0)
                break;
        if (got == 0)
            d.why = NETEM_DROP_POOL;
        d.copies = got;
        d.duplicated = d.duplicated && got > 1;
    }
    int64_t seq = x->truth ? pkt_seq(x, dir, pkt, len) : -1;
    if (d.why != NETEM_PASS) {
        count_drop(x, &d);
        truth_line(x, &d, arrival, len, seq, tos);
        return;
    }
    size_t cap = x->o->max_size;
    uint8_t *b0 = x->bufs + (size_t)slot[0] * cap;
    memcpy(b0, pkt, len);
    size_t out_len = netem_apply(&x->r, &d, b0, len, cap);
    for (uint32_t k = 0; k < got; k++) {
        if (k > 0)
            memcpy(x->bufs + (size_t)slot[k] * cap, b0, out_len);
        x->meta[slot[k]].flow = (uint32_t)flow;
        x->meta[slot[k]].len = (uint32_t)out_len;
        x->meta[slot[k]].tos = (int16_t)netem_tos(&x->r, dir, tos);
        x->meta[slot[k]].ttl = (int16_t)m->ttl;
        x->meta[slot[k]].queued = true;
        x->meta[slot[k]].idx = d.idx;
        x->meta[slot[k]].seq = seq;
        uint32_t hold = k == 0 ? d.hold : 0;
        uint64_t rel = d.release_ns + (hold ? x->r.cfg.hold_max_ns : 0);
        netem_sched_push(&x->s, slot[k], rel, dir, hold);
    }
    x->flows[flow].queued += got;
    struct dir_counts *c = &x->c[dir];
    c->forwarded++;
    c->duplicated += d.duplicated;
    c->corrupted += d.corrupt;
    c->mutated += d.mutate;
    c->held += d.hold > 0;
    c->delayed += d.delay_ns > 0;
    truth_line(x, &d, arrival, len, seq, tos);
}

static int rx_front(struct rl *x)
{
    for (int k = 0; k < RX_BATCHES_PER_WAKE; k++) {
        int n = ippm_net_recv(&x->lsock, &x->rx, &x->clk);
        if (n < 0)
            return errno == EINTR ? 0 : -1;
        uint64_t now = n > 0 ? ippm_clock_now(&x->clk) : 0;
        for (int i = 0; i < n; i++) {
            const struct ippm_rx_meta *m = &x->rx.meta[i];
            int32_t f = flow_get(x, m, now);
            if (f >= 0)
                x->flows[f].last_ns = now;
            handle(x, NETEM_FWD, f, ippm_rx_batch_buf(&x->rx, (size_t)i),
                   x->rx.len[i], x->rx.trunc[i], m);
        }
        if ((size_t)n < x->rx.cap)
            return 0;
    }
    return 0;
}

static int rx_flow(struct rl *x, uint32_t fi)
{
    struct flow *f = &x->flows[fi];
    for (int k = 0; k < RX_BATCHES_PER_WAKE; k++) {
        int n = ippm_net_recv(&f->up, &x->rx, &x->clk);
        if (n < 0 && ippm_net_icmp_error(errno)) {
            x->c[NETEM_REV].icmp_errors++;
            continue;
        }
        if (n < 0)
            return errno == EINTR ? 0 : -1;
        if (n > 0)
            f->last_ns = ippm_clock_now(&x->clk);
        for (int i = 0; i < n; i++)
            handle(x, NETEM_REV, (int32_t)fi,
                   ippm_rx_batch_buf(&x->rx, (size_t)i), x->rx.len[i],
                   x->rx.trunc[i], &x->rx.meta[i]);
        if ((size_t)n < x->rx.cap)
            return 0;
    }
    return 0;
}

/* ---- the loop ---- */

static int wait_io(struct rl *x, uint64_t wake)
{
    if (x->pfd_dirty)
        pfd_rebuild(x);
    uint64_t now = ippm_clock_now(&x->clk);
    struct timespec ts, *tsp = NULL;
    if (wake != UINT64_MAX) {
        uint64_t t = 0;
        if (wake > now + x->o->spin_ns)
            t = wake - now - x->o->spin_ns;
        ts.tv_sec = (time_t)(t / IPPM_NS_PER_SEC);
        ts.tv_nsec = (long)(t % IPPM_NS_PER_SEC);
        tsp = &ts;
    }
    int n = ppoll(x->pfd, x->nfds, tsp, &x->wait_mask);
    if (n < 0)
        return errno == EINTR ? 0 : -1;
    if (n == 0)
        return 0;
    if (x->pfd[0].revents & POLLIN && rx_front(x) != 0)
        return -1;
    for (nfds_t i = 1; i < x->nfds; i++)
        if (x->pfd[i].revents & (POLLIN | POLLERR) &&
            rx_flow(x, x->pfd_flow[i]) != 0)
            return -1;
    return 0;
}

static int loop(struct rl *x)
{
    uint64_t end = UINT64_MAX;
    if (x->o->duration_ns)
        end = ippm_clock_now(&x->clk) + x->o->duration_ns;
    for (;;) {
        if (ippm_net_stopping())
            return IPPM_EXIT_OK;
        uint64_t now = ippm_clock_now(&x->clk);
        if (now >= end)
            return IPPM_EXIT_OK;
        release_due(x, now);
        uint64_t wake = netem_sched_next(&x->s);
        if (end < wake)
            wake = end;
        if (wait_io(x, wake) != 0) {
            ippm_cli_error("relay: %s", strerror(errno));
            return IPPM_EXIT_RUNTIME;
        }
    }
}

/* ---- setup ---- */

static int setup(struct rl *x)
{
    const struct relay_opts *o = x->o;
    char err[IPPM_NET_ERRLEN];
    size_t pool = o->pool;
    x->slots = calloc(pool, sizeof(*x->slots));
    x->timers = calloc(pool, sizeof(*x->timers));
    x->heap = calloc(pool, sizeof(*x->heap));
    x->freel = calloc(pool, sizeof(*x->freel));
    x->meta = calloc(pool, sizeof(*x->meta));
    x->bufs = malloc(pool * o->max_size);
    x->flows = calloc(o->flows, sizeof(*x->flows));
    x->pfd = calloc(o->flows + 1, sizeof(*x->pfd));
    x->pfd_flow = calloc(o->flows + 1, sizeof(*x->pfd_flow));
    if (!x->slots || !x->timers || !x->heap || !x->freel || !x->meta ||
        !x->bufs || !x->flows || !x->pfd || !x->pfd_flow ||
        ippm_rx_batch_init(&x->rx, IPPM_NET_BATCH, RX_BUF_SIZE) != 0 ||
        ippm_tx_batch_init(&x->tx_front, IPPM_NET_BATCH, o->max_size) != 0 ||
        ippm_tx_batch_init(&x->tx_up, IPPM_NET_BATCH, o->max_size) != 0) {
        ippm_cli_error("relay: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    /* Touch everything now: RSS is then flat whatever arrives. */
    memset(x->bufs, 0, pool * o->max_size);
    memset(x->rx.bufs, 0, x->rx.cap * x->rx.buf_size);
    memset(x->tx_front.bufs, 0, x->tx_front.cap * x->tx_front.buf_size);
    memset(x->tx_up.bufs, 0, x->tx_up.cap * x->tx_up.buf_size);
    memset(x->meta, 0, pool * sizeof(*x->meta));
    for (uint32_t i = 0; i < o->flows; i++)
        x->flows[i].up.fd = -1;
    netem_sched_init(&x->s, x->slots, x->timers, x->heap, x->freel,
                     (uint32_t)pool);
    netem_init(&x->r, &o->cfg);
    ippm_clock_init(&x->clk, IPPM_TS_NTP);
    x->tx_up_flow = -1;
    if (ippm_net_open_bound(&x->lsock, &o->listen, o->listen.port, err,
                            sizeof(err)) != 0) {
        ippm_cli_bind_error("relay: --listen", err, "--listen");
        return IPPM_EXIT_RUNTIME;
    }
    if (o->truth && truth_open(x) != 0) {
        ippm_cli_error("relay: --truth: cannot write '%s': %s", o->truth,
                       strerror(errno));
        return IPPM_EXIT_RUNTIME;
    }
    x->pfd_dirty = true;
    /* Wake-ups on time: the default 50 us slack would eat the budget. */
    (void)prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    return -1;
}

static void teardown(struct rl *x)
{
    truth_discard(x);
    free(x->truth_buf);
    if (x->flows)
        for (uint32_t i = 0; i < x->o->flows; i++)
            if (x->flows[i].used)
                ippm_net_close(&x->flows[i].up);
    ippm_net_close(&x->lsock);
    ippm_rx_batch_free(&x->rx);
    ippm_tx_batch_free(&x->tx_front);
    ippm_tx_batch_free(&x->tx_up);
    free(x->slots);
    free(x->timers);
    free(x->heap);
    free(x->freel);
    free(x->meta);
    free(x->bufs);
    free(x->flows);
    free(x->pfd);
    free(x->pfd_flow);
    free(x);
}

/* The copies still queued at the stop are not sent: each gets a
 * "discarded" line after the one that queued it, and is counted. */
static void discard_queued(struct rl *x)
{
    for (uint32_t i = 0; i < x->o->pool; i++) {
        const struct pkt_meta *pm = &x->meta[i];
        if (!pm->queued)
            continue;
        uint8_t dir = x->s.slots[i].dir;
        x->c[dir].discarded++;
        if (!x->truth || x->truth_failed)
            continue;
        fprintf(x->truth,
                "{\"dir\":\"%s\",\"idx\":%llu,\"action\":\"discarded\","
                "\"why\":\"stopped\"",
                dir_name[dir], (unsigned long long)pm->idx);
        if (pm->seq >= 0)
            fprintf(x->truth, ",\"seq\":%lld", (long long)pm->seq);
        if (fputs("}\n", x->truth) == EOF)
            x->truth_failed = true;
    }
}

static int finish(struct rl *x, int rc)
{
    discard_queued(x);
    for (int d = 0; d < NETEM_DIRS; d++) {
        fprintf(stderr, "ippm relay: %s: ", dir_name[d]);
        print_counts(stderr, &x->c[d], false);
    }
    for (int d = 0; d < NETEM_DIRS; d++) {
        const struct lat_hist *h = &x->lat[d];
        if (h->n == 0)
            continue;
        fprintf(stderr,
                "ippm relay: %s lateness: median %.1f us, p99 %.1f us, max "
                "%.1f us over %llu sends\n",
                dir_name[d], lat_quantile(h, 0.5) / 1e3,
                lat_quantile(h, 0.99) / 1e3, h->max / 1e3,
                (unsigned long long)h->n);
    }
    if (x->truth) {
        truth_summary(x);
        if (truth_commit(x) != 0) {
            ippm_cli_error("relay: --truth: cannot write '%s': %s",
                           x->o->truth, strerror(errno));
            return IPPM_EXIT_RUNTIME;
        }
    }
    return rc;
}

/* see relay.h */
int relay_run(const struct relay_opts *o)
{
    struct rl *x = malloc(sizeof(*x));
    if (!x) {
        ippm_cli_error("relay: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    memset(x, 0, sizeof(*x));
    x->o = o;
    x->lsock.fd = -1;
    int rc = setup(x);
    if (rc < 0) {
        ippm_net_stop_signals();
        sigprocmask(SIG_BLOCK, NULL, &x->wait_mask);
        sigdelset(&x->wait_mask, SIGINT);
        sigdelset(&x->wait_mask, SIGTERM);
        if (!o->quiet) {
            char a[IPPM_ADDR_STRLEN], b[IPPM_ADDR_STRLEN];
            printf("ippm relay: listening on %s, relaying to %s, seed %llu\n",
                   ippm_addr_fmt(&x->lsock.local, a, sizeof(a)),
                   ippm_addr_fmt(&o->to, b, sizeof(b)),
                   (unsigned long long)o->cfg.seed);
            fflush(stdout);
        }
        rc = loop(x);
        /* What is still queued is not sent: the run is over
         * (discard_queued says so). */
        rc = finish(x, rc);
    }
    teardown(x);
    return rc;
}
