/* see tcp_reasm.h */
#include "tcp_reasm.h"

#include <stdlib.h>
#include <string.h>

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* see tcp_reasm.h */
void ippm_tcp_reasm_init(struct ippm_tcp_reasm *r)
{
    memset(r, 0, sizeof *r);
}

/* see tcp_reasm.h */
void ippm_tcp_dir_free(struct ippm_tcp_dir *d)
{
    free(d->data);
    free(d->mark);
    for (size_t i = 0; i < d->n_held; i++)
        free(d->held[i].p);
    memset(d, 0, sizeof *d);
}

/* see tcp_reasm.h */
void ippm_tcp_reasm_free(struct ippm_tcp_reasm *r)
{
    for (size_t i = 0; i < r->n; i++) {
        ippm_tcp_dir_free(&r->conn[i].dir[0]);
        ippm_tcp_dir_free(&r->conn[i].dir[1]);
    }
    free(r->conn);
    memset(r, 0, sizeof *r);
}

/* The connection d belongs to and d's direction in it (*dir); a new one
 * on a SYN or a first segment; NULL when out of memory or past the
 * bound (counted). */
static struct ippm_tcp_conn *conn_of(struct ippm_tcp_reasm *r,
                                     const struct ippm_pcap_dgram *d,
                                     int *dir, bool *oom)
{
    for (size_t i = 0; i < r->n; i++) {
        struct ippm_tcp_conn *c = &r->conn[i];
        /* a SYN on a closed connection's 4-tuple starts a new one */
        bool reopen = (d->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN &&
                      c->close_ns != 0;
        if (reopen)
            continue;
        if (ippm_addr_equal(&c->client, &d->src) &&
            ippm_addr_equal(&c->server, &d->dst)) {
            *dir = IPPM_TCP_C2S;
            return c;
        }
        if (ippm_addr_equal(&c->server, &d->src) &&
            ippm_addr_equal(&c->client, &d->dst)) {
            *dir = IPPM_TCP_S2C;
            return c;
        }
    }
    if (r->n >= IPPM_TCP_CONN_MAX) {
        r->conns_dropped++;
        return NULL;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        struct ippm_tcp_conn *n = realloc(r->conn, cap * sizeof *n);
        if (!n) {
            *oom = true;
            return NULL;
        }
        r->conn = n;
        r->cap = cap;
    }
    struct ippm_tcp_conn *c = &r->conn[r->n++];
    memset(c, 0, sizeof *c);
    c->closed_by = -1;
    c->open_ns = d->ts_ns;
    /* The SYN's sender is the client; a SYN-ACK's receiver is; mid-stream,
     * the first sender is taken for it. */
    bool synack = (d->tcp_flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK);
    c->client = synack ? d->dst : d->src;
    c->server = synack ? d->src : d->dst;
    c->syn_seen = (d->tcp_flags & TCP_SYN) != 0;
    *dir = synack ? IPPM_TCP_S2C : IPPM_TCP_C2S;
    return c;
}

/* see tcp_reasm.h */
int ippm_tcp_dir_append(struct ippm_tcp_dir *d, const uint8_t *p, size_t n,
                        uint64_t ns)
{
    if (d->len + n > IPPM_TCP_STREAM_MAX) {
        size_t room = IPPM_TCP_STREAM_MAX - d->len;
        d->dropped += n - room;
        n = room;
    }
    if (n == 0)
        return 0;
    if (d->len + n > d->cap) {
        size_t cap = d->cap ? d->cap : 4096;
        while (cap < d->len + n)
            cap *= 2;
        uint8_t *nd = realloc(d->data, cap);
        if (!nd)
            return -1;
        d->data = nd;
        d->cap = cap;
    }
    memcpy(d->data + d->len, p, n);
    d->len += n;
    if (d->n_mark == d->mark_cap) {
        size_t cap = d->mark_cap ? 2 * d->mark_cap : 64;
        struct ippm_tcp_mark *m = realloc(d->mark, cap * sizeof *m);
        if (!m)
            return -1;
        d->mark = m;
        d->mark_cap = cap;
    }
    d->mark[d->n_mark++] = (struct ippm_tcp_mark){d->len, ns};
    return 0;
}

/* Takes the part of [seq, seq+n) at or after next_seq, when it begins
 * there or earlier (a retransmission overlapping new octets). Returns 1
 * when taken (or wholly old), 0 when it begins after a hole, -1 OOM. */
static int take(struct ippm_tcp_dir *d, uint32_t seq, const uint8_t *p,
                size_t n, uint64_t ns)
{
    int32_t ahead = (int32_t)(seq - d->next_seq);
    if (ahead > 0)
        return 0;
    size_t old = (size_t)-(int64_t)ahead;
    if (old >= n) {
        d->retrans += n;
        return 1;
    }
    d->retrans += old;
    if (ippm_tcp_dir_append(d, p + old, n - old, ns) != 0)
        return -1;
    d->next_seq += (uint32_t)(n - old);
    return 1;
}

/* Held segments the stream has now reached join it, in turn, as had at
 * now (when the hole before them filled). */
static int drain_held(struct ippm_tcp_dir *d, uint64_t now)
{
    for (bool again = true; again;) {
        again = false;
        for (size_t i = 0; i < d->n_held; i++) {
            struct ippm_tcp_held *h = &d->held[i];
            int rc = take(d, h->seq, h->p, h->len, now > h->ns ? now : h->ns);
            if (rc < 0)
                return -1;
            if (rc == 0)
                continue;
            free(h->p);
            d->held[i] = d->held[--d->n_held];
            again = true;
            break;
        }
    }
    return 0;
}

/* Keeps a segment that came early; past the bound it is dropped. */
static int hold(struct ippm_tcp_dir *d, uint32_t seq, const uint8_t *p,
                size_t n, uint64_t ns)
{
    if (d->n_held == IPPM_TCP_HELD_MAX) {
        d->dropped += n;
        return 0;
    }
    uint8_t *c = malloc(n);
    if (!c)
        return -1;
    memcpy(c, p, n);
    d->held[d->n_held++] = (struct ippm_tcp_held){seq, c, n, ns};
    return 0;
}

/* see tcp_reasm.h */
int ippm_tcp_reasm_add(struct ippm_tcp_reasm *r,
                       const struct ippm_pcap_dgram *seg)
{
    int di;
    bool oom = false;
    struct ippm_tcp_conn *c = conn_of(r, seg, &di, &oom);
    if (!c)
        return oom ? -1 : 0;
    struct ippm_tcp_dir *d = &c->dir[di];
    if (!d->first_ns)
        d->first_ns = seg->ts_ns;
    uint32_t seq = seg->tcp_seq;
    if (seg->tcp_flags & TCP_SYN) {
        if (!d->started) {
            d->started = true;
            d->next_seq = seq + 1;
        }
        seq++; /* the SYN takes one sequence number */
    } else if (!d->started) {
        d->started = true; /* mid-connection: start where we came in */
        d->next_seq = seq;
    }
    if (seg->len) {
        int rc = take(d, seq, seg->payload, seg->len, seg->ts_ns);
        if (rc == 0)
            rc = hold(d, seq, seg->payload, seg->len, seg->ts_ns) == 0 ? 1
                                                                       : -1;
        if (rc < 0 || drain_held(d, seg->ts_ns) != 0)
            return -1;
    }
    if (seg->tcp_flags & (TCP_FIN | TCP_RST)) {
        d->fin = d->fin || (seg->tcp_flags & TCP_FIN);
        d->rst = d->rst || (seg->tcp_flags & TCP_RST);
        if (!c->close_ns) {
            c->close_ns = seg->ts_ns;
            c->closed_by = di;
        }
    }
    return 0;
}

/* see tcp_reasm.h */
uint64_t ippm_tcp_dir_ns_at(const struct ippm_tcp_dir *d, uint64_t off)
{
    size_t lo = 0, hi = d->n_mark;
    while (lo < hi) { /* the first mark whose end passes off */
        size_t mid = lo + (hi - lo) / 2;
        if (d->mark[mid].end_off > off)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo < d->n_mark)
        return d->mark[lo].ns;
    return d->n_mark ? d->mark[d->n_mark - 1].ns : 0;
}
