/* STAMP request/reply pairing; see stamp_pairing.h. */
#include "conformance/stamp/stamp_pairing.h"

#include <string.h>

#include "proto/common/ippm_cur.h"

/* see stamp_pairing.h */
bool stamp_pairing_is_request(const struct stamp_dgram *dg, uint16_t port)
{
    return dg->dst.port == port && dg->src.port != port;
}

/* see stamp_pairing.h */
bool stamp_pairing_is_reply(const struct stamp_dgram *dg, uint16_t port)
{
    return dg->src.port == port && dg->dst.port != port;
}

/* The flow of dg in flows, added when new. NULL when flows is full. */
static struct stamp_flow *flow_of(struct stamp_flow *flows, size_t *nf,
                                  size_t cap, const struct stamp_dgram *dg)
{
    for (size_t j = 0; j < *nf; j++)
        if (ippm_addr_equal(&flows[j].src, &dg->src) &&
            ippm_addr_equal(&flows[j].dst, &dg->dst))
            return &flows[j];
    if (*nf == cap)
        return NULL;
    struct stamp_flow *f = &flows[(*nf)++];
    f->src = dg->src;
    f->dst = dg->dst;
    f->n = 0;
    f->first_ns = dg->ts_ns;
    return f;
}

/* How strongly port looks like a reflector's: over each flow to it and
 * the opposite flow from it, the datagrams that could be answered ones,
 * unless the port answered before it was asked. Few flows: quadratic. */
static uint64_t port_score(const struct stamp_flow *f, size_t nf,
                           uint16_t port)
{
    uint64_t score = 0;
    for (size_t x = 0; x < nf; x++) {
        if (f[x].dst.port != port)
            continue;
        for (size_t y = 0; y < nf; y++) {
            if (!ippm_addr_equal(&f[y].src, &f[x].dst) ||
                !ippm_addr_equal(&f[y].dst, &f[x].src))
                continue;
            if (f[x].first_ns > f[y].first_ns)
                continue;
            score += f[x].n < f[y].n ? f[x].n : f[y].n;
        }
    }
    return score;
}

/* see stamp_pairing.h */
enum ippm_err stamp_pairing_detect_port(const struct stamp_dgram *d, size_t n,
                                        struct stamp_flow *flows,
                                        size_t flow_cap, uint16_t *port)
{
    /* RFC 8762 §4.1: the default port, when it carries anything. */
    for (size_t i = 0; i < n; i++) {
        if (d[i].dst.port == STAMP_PORT) {
            *port = STAMP_PORT;
            return IPPM_OK;
        }
    }
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) {
        if (d[i].len < STAMP_PAIRING_MIN_TEST_LEN)
            continue;
        struct stamp_flow *f = flow_of(flows, &nf, flow_cap, &d[i]);
        if (f == NULL)
            return IPPM_ERR_NOSPACE;
        f->n++;
    }
    uint16_t best = 0;
    uint64_t best_score = 0;
    for (size_t a = 0; a < nf; a++) {
        uint16_t p = flows[a].dst.port;
        uint64_t score = port_score(flows, nf, p);
        if (score > best_score ||
            (score == best_score && score > 0 && p == STAMP_PORT)) {
            best = p;
            best_score = score;
        }
    }
    *port = best;
    return IPPM_OK;
}

/* see stamp_pairing.h */
size_t stamp_pairing_count_requests(const struct stamp_dgram *d, size_t n,
                                    uint16_t port)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += stamp_pairing_is_request(&d[i], port);
    return k;
}

/* A 32-bit field of a packet, when the packet is long enough to hold
 * it. */
static bool read_u32_field(const uint8_t *p, size_t len,
                           const struct stamp_layout *l, enum stamp_field f,
                           uint32_t *out)
{
    struct stamp_span s = l->field[f];
    if (s.len != 4 || len < (size_t)s.off + s.len)
        return false;
    *out = ippm_load_u32(p + s.off);
    return true;
}

static void exchange_from_request(struct ippm_exchange *e,
                                  const struct stamp_dgram *dg)
{
    memset(e, 0, sizeof *e);
    e->req = dg->data;
    e->req_len = dg->len;
    e->req_ns = dg->ts_ns;
    e->req_ttl = dg->ttl;
    e->req_src = dg->src;
    e->req_dst = dg->dst;
    e->req_mac_known = dg->src_mac_known;
    memcpy(e->req_mac, dg->src_mac, sizeof e->req_mac);
    /* RFC 8972 §4.4 CoS cases: TOS as captured, when both are known. */
    e->tos_known = dg->tos >= 0;
    e->req_tos = dg->tos >= 0 ? (uint8_t)dg->tos : 0;
}

static void attach_reply(struct ippm_exchange *e, const struct stamp_dgram *r)
{
    e->rep = r->data;
    e->rep_len = r->len;
    e->rep_ns = r->ts_ns;
    e->rep_src = r->src;
    e->tos_known = e->tos_known && r->tos >= 0;
    e->rep_tos = r->tos >= 0 ? (uint8_t)r->tos : 0;
    e->n_replies = 1;
}

/* The octets of field f in a packet of len, NULL when it is too short. */
static const uint8_t *field_at(const uint8_t *p, size_t len,
                               const struct stamp_layout *l,
                               enum stamp_field f)
{
    struct stamp_span s = l->field[f];
    if (s.len == 0 || len < (size_t)s.off + s.len)
        return NULL;
    return p + s.off;
}

/* True when the reply's Session-Sender Timestamp (ss_ts, NULL unknown)
 * differs from e's request Timestamp: the reply copied another packet. */
static bool ts_differs(const struct ippm_exchange *e, const uint8_t *ss_ts,
                       const struct stamp_layout *sl)
{
    const uint8_t *ts = field_at(e->req, e->req_len, sl, STAMP_F_TS);
    return ss_ts != NULL && ts != NULL &&
           memcmp(ts, ss_ts, sl->field[STAMP_F_TS].len) != 0;
}

/* The request of the reply's flow whose Timestamp the reply copied as its
 * Session-Sender Timestamp, when exactly one request of the flow has it
 * and it is unanswered; else NULL. Pairs by content a reply whose copied
 * Sequence Number is wrong (RFC 8762 §4.3: both are copies), so the copy
 * is graded by the case that checks it, not read as a lost packet. */
static struct ippm_exchange *by_content(struct ippm_exchange *ex, size_t n_ex,
                                        const struct stamp_dgram *rep,
                                        const uint8_t *ss_ts,
                                        const struct stamp_layout *sl)
{
    struct ippm_exchange *only = NULL;
    if (ss_ts == NULL)
        return NULL;
    for (size_t k = 0; k < n_ex; k++) {
        struct ippm_exchange *e = &ex[k];
        if (!ippm_addr_equal(&e->req_src, &rep->dst) ||
            !ippm_addr_equal(&e->req_dst, &rep->src) ||
            field_at(e->req, e->req_len, sl, STAMP_F_TS) == NULL ||
            ts_differs(e, ss_ts, sl))
            continue;
        if (only != NULL)
            return NULL; /* two requests alike: content does not tell */
        only = e;
    }
    return only && only->rep == NULL ? only : NULL;
}

/* see stamp_pairing.h */
enum stamp_pairing_fate stamp_pairing_reply(struct ippm_exchange *ex,
                                            size_t n_ex,
                                            const struct stamp_dgram *rep,
                                            enum stamp_mode mode)
{
    const struct stamp_layout *rl = stamp_layout_get(STAMP_PKT_REFLECTOR, mode);
    const struct stamp_layout *sl = stamp_layout_get(STAMP_PKT_SENDER, mode);
    uint32_t ss_seq = 0;
    bool has_seq = read_u32_field(rep->data, rep->len, rl, STAMP_F_SS_SEQ,
                                  &ss_seq);
    const uint8_t *ss_ts = field_at(rep->data, rep->len, rl, STAMP_F_SS_TS);
    struct ippm_exchange *hit = NULL, *dup = NULL, *last = NULL;
    for (size_t k = 0; k < n_ex; k++) {
        struct ippm_exchange *e = &ex[k];
        if (!ippm_addr_equal(&e->req_src, &rep->dst) ||
            !ippm_addr_equal(&e->req_dst, &rep->src))
            continue;
        if (e->rep == NULL && e->req_ns <= rep->ts_ns)
            last = e; /* latest unanswered request before the reply */
        uint32_t seq;
        if (!has_seq || !read_u32_field(e->req, e->req_len, sl, STAMP_F_SEQ,
                                        &seq) || seq != ss_seq)
            continue;
        if (e->rep == NULL) {
            hit = e;
            break;
        }
        dup = e; /* the latest answered one with this number */
    }
    /* The number names one request, the copied Timestamp another: the
     * content wins, the number is the reply's error. */
    struct ippm_exchange *content = NULL;
    if ((hit == NULL || ts_differs(hit, ss_ts, sl)) &&
        (content = by_content(ex, n_ex, rep, ss_ts, sl)) != NULL)
        hit = content;
    if (hit == NULL && dup == NULL)
        hit = last;
    if (hit != NULL) {
        attach_reply(hit, rep);
        return STAMP_PAIRING_MATCHED;
    }
    if (dup != NULL) {
        dup->n_replies++;
        return STAMP_PAIRING_DUPLICATE;
    }
    return STAMP_PAIRING_UNMATCHED;
}

/* see stamp_pairing.h */
enum ippm_err stamp_pairing_run(const struct stamp_dgram *d, size_t n,
                                uint16_t port, enum stamp_mode mode,
                                struct ippm_exchange *ex, size_t ex_cap,
                                size_t *n_ex,
                                struct stamp_pairing_counts *counts)
{
    if (stamp_pairing_count_requests(d, n, port) > ex_cap)
        return IPPM_ERR_NOSPACE;
    memset(counts, 0, sizeof *counts);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (stamp_pairing_is_request(&d[i], port))
            exchange_from_request(&ex[k++], &d[i]);
    *n_ex = k;
    counts->requests = k;
    for (size_t i = 0; i < n; i++) {
        if (!stamp_pairing_is_reply(&d[i], port))
            continue;
        counts->replies++;
        switch (stamp_pairing_reply(ex, k, &d[i], mode)) {
        case STAMP_PAIRING_MATCHED: counts->matched++; break;
        case STAMP_PAIRING_DUPLICATE: counts->duplicates++; break;
        case STAMP_PAIRING_UNMATCHED: counts->unmatched++; break;
        }
    }
    return IPPM_OK;
}

/* True when a reply on e's flow was seen after e was sent: e's was lost,
 * not still on its way. */
static bool flow_answered_after(const struct ippm_exchange *ex, size_t n_ex,
                                const struct ippm_exchange *e)
{
    for (size_t k = 0; k < n_ex; k++)
        if (ex[k].rep != NULL && ex[k].rep_ns > e->req_ns &&
            ippm_addr_equal(&ex[k].req_src, &e->req_src) &&
            ippm_addr_equal(&ex[k].req_dst, &e->req_dst))
            return true;
    return false;
}

/* see stamp_pairing.h */
size_t stamp_pairing_mark_in_flight(struct ippm_exchange *ex, size_t n_ex,
                                    uint64_t end_ns, uint64_t timeout_ns)
{
    size_t marked = 0;
    for (size_t k = 0; k < n_ex; k++) {
        struct ippm_exchange *e = &ex[k];
        if (e->rep != NULL || e->req_ns > end_ns ||
            end_ns - e->req_ns >= timeout_ns ||
            flow_answered_after(ex, n_ex, e))
            continue;
        e->in_flight = true;
        marked++;
    }
    return marked;
}
