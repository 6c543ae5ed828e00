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

/* ---- port detection: flows in a hash table over the caller's slots,
 * each slot a flow index + 1 (0 empty), at most half full ---- */

struct detect {
    struct stamp_flow *flows;
    size_t nf, cap;
    uint32_t *slot;
    size_t n_slots;
};

/* The slot of flow src -> dst: the one that holds it, else the empty one
 * where it goes. */
static uint32_t *detect_slot(const struct detect *t,
                             const struct ippm_addr *src,
                             const struct ippm_addr *dst)
{
    size_t n = t->n_slots;
    for (size_t i = (size_t)(stamp_pairing_flow_hash(src, dst) % n);;
         i = i + 1 == n ? 0 : i + 1) {
        if (t->slot[i] == 0)
            return &t->slot[i];
        const struct stamp_flow *f = &t->flows[t->slot[i] - 1];
        if (ippm_addr_equal(&f->src, src) && ippm_addr_equal(&f->dst, dst))
            return &t->slot[i];
    }
}

/* The slot of the first flow to port, else the empty one where it goes
 * (the table then holds ports, not flows). */
static uint32_t *detect_port_slot(const struct detect *t, uint16_t port)
{
    size_t n = t->n_slots;
    for (size_t i = (size_t)((port * 0x9e3779b1u) % n);;
         i = i + 1 == n ? 0 : i + 1)
        if (t->slot[i] == 0 || t->flows[t->slot[i] - 1].dst.port == port)
            return &t->slot[i];
}

/* Every flow of the test-sized datagrams of d (n). false when flows is
 * full. */
static bool detect_flows(struct detect *t, const struct stamp_dgram *d,
                         size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (d[i].len < STAMP_PAIRING_MIN_TEST_LEN)
            continue;
        uint32_t *s = detect_slot(t, &d[i].src, &d[i].dst);
        if (*s == 0) {
            if (t->nf == t->cap)
                return false;
            t->flows[t->nf] = (struct stamp_flow){.src = d[i].src,
                                                  .dst = d[i].dst,
                                                  .first_ns = d[i].ts_ns};
            *s = (uint32_t)++t->nf;
        }
        t->flows[*s - 1].n++;
    }
    return true;
}

/* How strongly each port looks like a reflector's, into the port_score
 * of the first flow to it: over each flow to the port and the opposite
 * flow from it, the datagrams that could be answered ones, unless the
 * port answered before it was asked. */
static void detect_scores(struct detect *t)
{
    for (size_t x = 0; x < t->nf; x++) {
        struct stamp_flow *f = &t->flows[x];
        uint32_t *s = detect_slot(t, &f->dst, &f->src);
        const struct stamp_flow *y = *s ? &t->flows[*s - 1] : NULL;
        f->answered = y == NULL || f->first_ns > y->first_ns ? 0
                      : f->n < y->n                          ? f->n
                                                             : y->n;
    }
    memset(t->slot, 0, t->n_slots * sizeof *t->slot);
    for (size_t x = 0; x < t->nf; x++) {
        uint32_t *s = detect_port_slot(t, t->flows[x].dst.port);
        if (*s == 0)
            *s = (uint32_t)x + 1;
        t->flows[*s - 1].port_score += t->flows[x].answered;
    }
}

/* see stamp_pairing.h */
enum ippm_err stamp_pairing_detect_port(const struct stamp_dgram *d, size_t n,
                                        struct stamp_flow *flows,
                                        size_t flow_cap, uint32_t *slots,
                                        size_t n_slots, uint16_t *port)
{
    /* RFC 8762 §4.1: the default port, when it carries anything. */
    for (size_t i = 0; i < n; i++) {
        if (d[i].dst.port == STAMP_PORT) {
            *port = STAMP_PORT;
            return IPPM_OK;
        }
    }
    if (flow_cap >= UINT32_MAX ||
        n_slots < STAMP_PAIRING_DETECT_SLOTS(flow_cap))
        return IPPM_ERR_NOSPACE;
    struct detect t = {flows, 0, flow_cap, slots, n_slots};
    memset(slots, 0, n_slots * sizeof *slots);
    if (!detect_flows(&t, d, n))
        return IPPM_ERR_NOSPACE;
    detect_scores(&t);
    uint16_t best = 0;
    uint64_t best_score = 0;
    for (size_t a = 0; a < t.nf; a++) {
        uint16_t p = flows[a].dst.port;
        uint64_t score = flows[*detect_port_slot(&t, p) - 1].port_score;
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

/* see stamp_pairing.h */
void stamp_pairing_exchange_init(struct ippm_exchange *e,
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
    e->rep_ttl = r->ttl > 0 && r->ttl <= 255 ? (uint8_t)r->ttl : 0;
    e->n_replies = 1;
    e->last_rep_ns = r->ts_ns;
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

/* ---- the index ---- */

/* The two keys of the index: a request's Sequence Number, its Timestamp
 * (RFC 8762 §4.3: the reply copies both). */
enum ix_key { IX_SEQ, IX_TS };

static const enum stamp_field ix_field[2] = {STAMP_F_SEQ, STAMP_F_TS};

/* A key: the flow (the request's source and destination) and the field's
 * octets, at most 8 (both fields have a fixed length). */
struct ix_probe {
    const struct ippm_addr *src, *dst;
    const uint8_t *val;
    size_t len;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

/* Hashes what ippm_addr_equal compares: an IPv4 address's first four
 * octets only, whatever the other twelve hold; an IPv6 one's zone. */
static uint64_t mix_addr(uint64_t h, const struct ippm_addr *a)
{
    uint64_t lo = 0, hi = 0, zone = 0;
    if (a->family == IPPM_AF_INET) {
        memcpy(&lo, a->ip, 4);
    } else {
        memcpy(&lo, a->ip, 8);
        memcpy(&hi, a->ip + 8, 8);
        zone = (uint64_t)a->scope_id << 32;
    }
    return mix(mix(mix(h, lo), hi),
               zone | ((uint64_t)a->family << 16) | a->port);
}

/* see stamp_pairing.h */
uint64_t stamp_pairing_flow_hash(const struct ippm_addr *src,
                                 const struct ippm_addr *dst)
{
    uint64_t h = mix_addr(mix_addr(0, src), dst);
    return h ^ (h >> 29);
}

static uint64_t ix_hash(const struct ix_probe *k)
{
    uint64_t v = 0;
    memcpy(&v, k->val, k->len);
    uint64_t h = mix(mix_addr(mix_addr(0, k->src), k->dst), v);
    return h ^ (h >> 29);
}

/* The slots of one key's table. */
static struct stamp_pairing_slot *ix_table(const struct stamp_pairing_index *ix,
                                           enum ix_key key, size_t *n)
{
    *n = ix->n_slots / 2;
    return ix->slot + (key == IX_SEQ ? 0 : *n);
}

static uint32_t *ix_next(const struct stamp_pairing_index *ix,
                         enum ix_key key)
{
    return ix->next + (key == IX_SEQ ? 0 : ix->ex_cap);
}

/* True when request e has key k. */
static bool ix_is(const struct stamp_pairing_index *ix,
                  const struct ippm_exchange *e, enum ix_key key,
                  const struct ix_probe *k)
{
    const struct stamp_layout *sl = stamp_layout_get(STAMP_PKT_SENDER,
                                                     ix->mode);
    const uint8_t *v = field_at(e->req, e->req_len, sl, ix_field[key]);
    return v != NULL && memcmp(v, k->val, k->len) == 0 &&
           ippm_addr_equal(&e->req_src, k->src) &&
           ippm_addr_equal(&e->req_dst, k->dst);
}

/* The slot of key k: the one that holds it, else the empty one where it
 * goes. Never NULL: a table is at most half full. */
static struct stamp_pairing_slot *ix_find(const struct stamp_pairing_index *ix,
                                          const struct ippm_exchange *ex,
                                          enum ix_key key,
                                          const struct ix_probe *k)
{
    size_t n;
    struct stamp_pairing_slot *t = ix_table(ix, key, &n);
    for (size_t i = (size_t)(ix_hash(k) % n);; i = i + 1 == n ? 0 : i + 1)
        if (t[i].head == 0 || ix_is(ix, &ex[t[i].head - 1], key, k))
            return &t[i];
}

/* The chain of a flow's requests, and the links of its stack. */
static uint32_t *flow_next(const struct stamp_pairing_index *ix)
{
    return ix->next + 2 * ix->ex_cap;
}

static uint32_t *flow_below(const struct stamp_pairing_index *ix)
{
    return ix->next + 3 * ix->ex_cap;
}

/* The flow of requests from src to dst: the one that holds it, else the
 * empty one where it goes. Never NULL: at most half full. */
static struct stamp_pairing_flow *
flow_find(const struct stamp_pairing_index *ix, const struct ippm_exchange *ex,
          const struct ippm_addr *src, const struct ippm_addr *dst)
{
    size_t n = ix->n_flows;
    for (size_t i = (size_t)(stamp_pairing_flow_hash(src, dst) % n);;
         i = i + 1 == n ? 0 : i + 1) {
        struct stamp_pairing_flow *f = &ix->flow[i];
        if (f->head == 0)
            return f;
        const struct ippm_exchange *e = &ex[f->head - 1];
        if (ippm_addr_equal(&e->req_src, src) &&
            ippm_addr_equal(&e->req_dst, dst))
            return f;
    }
}

/* Appends request k of ex to its flow. */
static void flow_add(const struct stamp_pairing_index *ix,
                     const struct ippm_exchange *ex, size_t k)
{
    const struct ippm_exchange *e = &ex[k];
    struct stamp_pairing_flow *f = flow_find(ix, ex, &e->req_src,
                                             &e->req_dst);
    uint32_t id = (uint32_t)k + 1;
    flow_next(ix)[k] = 0;
    if (f->head == 0) {
        *f = (struct stamp_pairing_flow){.head = id, .tail = id,
                                         .ordered = true};
        return;
    }
    if (ex[f->tail - 1].req_ns > e->req_ns)
        f->ordered = false;
    flow_next(ix)[f->tail - 1] = id;
    f->tail = id;
}

/* see stamp_pairing.h */
enum ippm_err stamp_pairing_index_init(struct stamp_pairing_index *ix,
                                       struct stamp_pairing_slot *slots,
                                       size_t n_slots,
                                       struct stamp_pairing_flow *flows,
                                       size_t n_flows, uint32_t *next,
                                       size_t n_next, size_t ex_cap,
                                       enum stamp_mode mode)
{
    if (ex_cap >= UINT32_MAX || ex_cap > (SIZE_MAX - 8) / 4)
        return IPPM_ERR_BAD_ARG;
    if (n_slots < STAMP_PAIRING_INDEX_SLOTS(ex_cap) ||
        n_flows < STAMP_PAIRING_INDEX_FLOWS(ex_cap) ||
        n_next < STAMP_PAIRING_INDEX_NEXT(ex_cap))
        return IPPM_ERR_NOSPACE;
    memset(slots, 0, n_slots * sizeof *slots);
    memset(flows, 0, n_flows * sizeof *flows);
    ix->slot = slots;
    ix->n_slots = n_slots;
    ix->flow = flows;
    ix->n_flows = n_flows;
    ix->next = next;
    ix->ex_cap = ex_cap;
    ix->n_added = 0;
    ix->mode = mode;
    return IPPM_OK;
}

/* see stamp_pairing.h */
enum ippm_err stamp_pairing_index_add(struct stamp_pairing_index *ix,
                                      const struct ippm_exchange *ex)
{
    if (ix->n_added >= ix->ex_cap)
        return IPPM_ERR_NOSPACE;
    size_t k = ix->n_added++;
    const struct ippm_exchange *e = &ex[k];
    const struct stamp_layout *sl = stamp_layout_get(STAMP_PKT_SENDER,
                                                     ix->mode);
    for (enum ix_key key = IX_SEQ; key <= IX_TS; key++) {
        uint32_t *next = ix_next(ix, key);
        next[k] = 0;
        struct ix_probe p = {&e->req_src, &e->req_dst,
                             field_at(e->req, e->req_len, sl, ix_field[key]),
                             sl->field[ix_field[key]].len};
        if (p.val == NULL)
            continue; /* too short to carry the field: no key */
        struct stamp_pairing_slot *s = ix_find(ix, ex, key, &p);
        uint32_t id = (uint32_t)k + 1;
        if (s->head == 0)
            s->head = s->open = id;
        else
            next[s->tail - 1] = id;
        if (s->open == 0)
            s->open = id;
        s->tail = id;
    }
    flow_add(ix, ex, k);
    return IPPM_OK;
}

/* The requests of ex (indexed in ix) on the reply's flow whose key field
 * holds val (len octets), NULL when none does. */
static struct stamp_pairing_slot *
ix_lookup(const struct stamp_pairing_index *ix, const struct ippm_exchange *ex,
          enum ix_key key, const struct stamp_dgram *rep, const uint8_t *val,
          size_t len)
{
    if (val == NULL || len > sizeof(uint64_t) ||
        len != stamp_layout_get(STAMP_PKT_SENDER, ix->mode)
                   ->field[ix_field[key]].len)
        return NULL;
    struct ix_probe p = {&rep->dst, &rep->src, val, len};
    struct stamp_pairing_slot *s = ix_find(ix, ex, key, &p);
    return s->head ? s : NULL;
}

/* The first unanswered request of s's chain, NULL when all are. Moves
 * s->open past the answered ones: a request once answered stays so, and
 * each is passed once, so matching a capture stays linear. */
static struct ippm_exchange *first_open(const struct stamp_pairing_index *ix,
                                        struct ippm_exchange *ex,
                                        enum ix_key key,
                                        struct stamp_pairing_slot *s)
{
    const uint32_t *next = ix_next(ix, key);
    while (s->open != 0 && ex[s->open - 1].rep != NULL)
        s->open = next[s->open - 1];
    return s->open ? &ex[s->open - 1] : NULL;
}

/* The request of the reply's flow whose Timestamp the reply copied as its
 * Session-Sender Timestamp, when exactly one request of the flow has it
 * and it is unanswered; else NULL. Pairs by content a reply whose copied
 * Sequence Number is wrong (RFC 8762 §4.3: both are copies), so the copy
 * is graded by the case that checks it, not read as a lost packet. */
static struct ippm_exchange *by_content(const struct stamp_pairing_index *ix,
                                        struct ippm_exchange *ex,
                                        const struct stamp_dgram *rep,
                                        const uint8_t *ss_ts, size_t len)
{
    struct stamp_pairing_slot *s = ix_lookup(ix, ex, IX_TS, rep, ss_ts, len);
    if (s == NULL || s->head != s->tail)
        return NULL; /* none, or two requests alike: content does not tell */
    struct ippm_exchange *only = &ex[s->head - 1];
    return only->rep == NULL ? only : NULL;
}

/* latest_open by a scan of every exchange. */
static struct ippm_exchange *latest_open_scan(struct ippm_exchange *ex,
                                              size_t n_ex,
                                              const struct stamp_dgram *rep)
{
    struct ippm_exchange *last = NULL;
    for (size_t k = 0; k < n_ex; k++) {
        struct ippm_exchange *e = &ex[k];
        if (e->rep == NULL && e->req_ns <= rep->ts_ns &&
            ippm_addr_equal(&e->req_src, &rep->dst) &&
            ippm_addr_equal(&e->req_dst, &rep->src))
            last = e;
    }
    return last;
}

/* The latest unanswered request of the reply's flow among ex (n_ex, all
 * in ix) sent before the reply, NULL when none was: for a reply whose
 * number and Timestamp name no request. While the flow's requests were
 * added, and its replies come, in time order, the requests sent before
 * the reply are a prefix of the flow that only grows: each is pushed on
 * the flow's stack once and popped once answered, so the top is the
 * answer in amortised constant time. Else a scan. */
static struct ippm_exchange *latest_open(const struct stamp_pairing_index *ix,
                                         struct ippm_exchange *ex, size_t n_ex,
                                         const struct stamp_dgram *rep)
{
    struct stamp_pairing_flow *f = flow_find(ix, ex, &rep->dst, &rep->src);
    if (f->head == 0)
        return NULL; /* no request on the reply's flow */
    if (!f->ordered || rep->ts_ns < f->last_ns)
        return latest_open_scan(ex, n_ex, rep);
    const uint32_t *next = flow_next(ix);
    uint32_t *below = flow_below(ix);
    uint32_t x = f->pushed ? next[f->pushed - 1] : f->head;
    for (; x != 0 && x <= n_ex && ex[x - 1].req_ns <= rep->ts_ns;
         x = next[x - 1]) {
        below[x - 1] = f->top;
        f->top = f->pushed = x;
    }
    while (f->top != 0 && ex[f->top - 1].rep != NULL)
        f->top = below[f->top - 1];
    f->last_ns = rep->ts_ns;
    return f->top ? &ex[f->top - 1] : NULL;
}

/* see stamp_pairing.h */
enum stamp_pairing_fate stamp_pairing_reply(struct ippm_exchange *ex,
                                            size_t n_ex,
                                            struct stamp_pairing_index *ix,
                                            const struct stamp_dgram *rep,
                                            size_t *at)
{
    const struct stamp_layout *rl = stamp_layout_get(STAMP_PKT_REFLECTOR,
                                                     ix->mode);
    const struct stamp_layout *sl = stamp_layout_get(STAMP_PKT_SENDER,
                                                     ix->mode);
    const uint8_t *ss_seq = field_at(rep->data, rep->len, rl, STAMP_F_SS_SEQ);
    const uint8_t *ss_ts = field_at(rep->data, rep->len, rl, STAMP_F_SS_TS);
    struct ippm_exchange *hit = NULL, *dup = NULL;
    struct stamp_pairing_slot *s =
        ix_lookup(ix, ex, IX_SEQ, rep, ss_seq, rl->field[STAMP_F_SS_SEQ].len);
    if (s != NULL) {
        hit = first_open(ix, ex, IX_SEQ, s);
        if (hit == NULL)
            dup = &ex[s->tail - 1]; /* the latest with this number */
    }
    /* The number names one request, the copied Timestamp another: the
     * content wins, the number is the reply's error. */
    struct ippm_exchange *content = NULL;
    if ((hit == NULL || ts_differs(hit, ss_ts, sl)) &&
        (content = by_content(ix, ex, rep, ss_ts,
                              rl->field[STAMP_F_SS_TS].len)) != NULL)
        hit = content;
    if (hit == NULL && dup == NULL)
        hit = latest_open(ix, ex, n_ex, rep);
    if (hit != NULL) {
        attach_reply(hit, rep);
        *at = (size_t)(hit - ex);
        return STAMP_PAIRING_MATCHED;
    }
    if (dup != NULL) {
        dup->n_replies++;
        dup->last_rep_ns = rep->ts_ns;
        *at = (size_t)(dup - ex);
        return STAMP_PAIRING_DUPLICATE;
    }
    return STAMP_PAIRING_UNMATCHED;
}

/* see stamp_pairing.h */
enum ippm_err stamp_pairing_run(const struct stamp_dgram *d, size_t n,
                                uint16_t port, struct stamp_pairing_index *ix,
                                struct ippm_exchange *ex, size_t ex_cap,
                                size_t *n_ex,
                                struct stamp_pairing_counts *counts)
{
    size_t nreq = stamp_pairing_count_requests(d, n, port);
    if (nreq > ex_cap || nreq > ix->ex_cap - ix->n_added)
        return IPPM_ERR_NOSPACE;
    memset(counts, 0, sizeof *counts);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!stamp_pairing_is_request(&d[i], port))
            continue;
        stamp_pairing_exchange_init(&ex[k++], &d[i]);
        (void)stamp_pairing_index_add(ix, ex); /* room checked above */
    }
    *n_ex = k;
    counts->requests = k;
    for (size_t i = 0; i < n; i++) {
        if (!stamp_pairing_is_reply(&d[i], port))
            continue;
        counts->replies++;
        size_t at;
        switch (stamp_pairing_reply(ex, k, ix, &d[i], &at)) {
        case STAMP_PAIRING_MATCHED: counts->matched++; break;
        case STAMP_PAIRING_DUPLICATE: counts->duplicates++; break;
        case STAMP_PAIRING_UNMATCHED: counts->unmatched++; break;
        }
    }
    return IPPM_OK;
}

/* see stamp_pairing.h */
size_t stamp_pairing_mark_in_flight(struct ippm_exchange *ex, size_t n_ex,
                                    uint64_t end_ns, uint64_t timeout_ns)
{
    /* A reply on the flow seen after a request: its own reply was lost,
     * not still on its way. */
    uint64_t last_rep_ns = 0;
    bool any_rep = false;
    for (size_t k = 0; k < n_ex; k++) {
        if (ex[k].rep != NULL && (!any_rep || ex[k].rep_ns > last_rep_ns))
            last_rep_ns = ex[k].rep_ns;
        any_rep = any_rep || ex[k].rep != NULL;
    }
    size_t marked = 0;
    for (size_t k = 0; k < n_ex; k++) {
        struct ippm_exchange *e = &ex[k];
        if (e->rep != NULL || e->req_ns > end_ns ||
            end_ns - e->req_ns >= timeout_ns ||
            (any_rep && last_rep_ns > e->req_ns))
            continue;
        e->in_flight = true;
        marked++;
    }
    return marked;
}

/* see stamp_pairing.h */
bool stamp_pairing_looks_twamp_light(const struct ippm_exchange *ex,
                                     size_t n_ex)
{
    bool light = false;
    for (size_t i = 0; i < n_ex; i++) {
        const struct ippm_exchange *e = &ex[i];
        if (!e->rep || e->req_len >= STAMP_BASE_LEN)
            continue;
        if (e->rep_len >= STAMP_BASE_LEN)
            return false;
        light = light || e->rep_len == STAMP_TWL_REFLECTOR_LEN;
    }
    return light;
}
