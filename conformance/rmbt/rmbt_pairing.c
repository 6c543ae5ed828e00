/* RMBT exchanges out of a capture (rmbt_pairing.h). */
#include "conformance/rmbt/rmbt_pairing.h"

#include <string.h>

#include "proto/rmbt/rmbt.h"

#define NS 1000000000ull

/* see rmbt_pairing.h */
bool rmbt_pairing_looks_rmbt(const struct stamp_dgram *d)
{
    if (d->len == RMBT_REQ_LEN)
        return memcmp(d->data, "RP01", 4) == 0;
    return d->len == RMBT_REP_LEN && (memcmp(d->data, "RR01", 4) == 0 ||
                                      memcmp(d->data, "RE01", 4) == 0);
}

static bool addr_in(const struct ippm_addr *a, const struct ippm_addr *set,
                    size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ippm_addr_equal(a, &set[i]))
            return true;
    return false;
}

/* The servers: where an RP01 request goes, unless it comes from a server
 * already (a reflector echoing the request whole), and where an RR01 or
 * RE01 reply comes from, unless it goes to one. */
static size_t find_servers(const struct stamp_dgram *d, size_t n,
                           struct ippm_addr *srv)
{
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rmbt_pairing_looks_rmbt(&d[i]))
            continue;
        bool req = d[i].len == RMBT_REQ_LEN;
        const struct ippm_addr *s = req ? &d[i].dst : &d[i].src;
        const struct ippm_addr *peer = req ? &d[i].src : &d[i].dst;
        if (!addr_in(peer, srv, ns) && !addr_in(s, srv, ns))
            srv[ns++] = *s;
    }
    return ns;
}

static size_t flow_of(struct stamp_flow_group *fl, size_t *nf,
                      const struct ippm_addr *snd,
                      const struct ippm_addr *refl)
{
    for (size_t i = 0; i < *nf; i++)
        if (ippm_addr_equal(&fl[i].snd, snd) &&
            ippm_addr_equal(&fl[i].refl, refl))
            return i;
    memset(&fl[*nf], 0, sizeof fl[*nf]);
    fl[*nf].snd = *snd;
    fl[*nf].refl = *refl;
    return (*nf)++;
}

/* The request (of work[0..nw)) reply r answers, -1 none: the latest of
 * r's client with r's octets 4..7 inside the timeout, else its latest
 * unanswered one within a second. */
static long match(const struct ippm_exchange *work, size_t nw,
                  const struct stamp_dgram *r)
{
    long loose = -1;
    for (size_t j = nw; j-- > 0;) {
        const struct ippm_exchange *e = &work[j];
        if (e->req_ns > r->ts_ns)
            continue;
        if (r->ts_ns - e->req_ns > RMBT_PAIRING_TIMEOUT_NS)
            break;
        if (!ippm_addr_equal(&e->req_src, &r->dst))
            continue;
        if (e->req_len >= 8 && r->len >= 8 &&
            memcmp(e->req + 4, r->data + 4, 4) == 0)
            return (long)j;
        if (loose < 0 && !e->rep && r->ts_ns - e->req_ns <= NS)
            loose = (long)j;
    }
    return loose;
}

static void take_reply(struct ippm_exchange *e, const struct stamp_dgram *r,
                       struct stamp_pairing_counts *k)
{
    if (e->rep) {
        e->n_replies++;
        e->last_rep_ns = r->ts_ns;
        k->duplicates++;
        return;
    }
    e->rep = r->data;
    e->rep_len = r->len;
    e->rep_ns = e->last_rep_ns = r->ts_ns;
    e->n_replies = 1;
    e->rep_src = r->src;
    e->rep_ttl = r->ttl > 0 ? (uint8_t)r->ttl : 0;
    e->rep_tos = r->tos >= 0 ? (uint8_t)r->tos : 0;
    e->tos_known = e->tos_known && r->tos >= 0;
    k->matched++;
}

/* see rmbt_pairing.h */
void rmbt_pairing_run(const struct stamp_dgram *d, size_t n,
                      const struct rmbt_pairing_mem *mem, size_t *n_ex,
                      size_t *n_flows, struct stamp_pairing_counts *k)
{
    memset(k, 0, sizeof *k);
    *n_ex = *n_flows = 0;
    size_t ns = find_servers(d, n, mem->servers);
    struct ippm_exchange *work = mem->ex + n;
    size_t nw = 0;
    for (size_t i = 0; i < n; i++) {
        bool to = addr_in(&d[i].dst, mem->servers, ns);
        bool from = addr_in(&d[i].src, mem->servers, ns);
        if (to && !from) {
            k->requests++;
            stamp_pairing_exchange_init(&work[nw], &d[i]);
            /* the flow's index, kept in probe until the copy below */
            work[nw++].probe = (uint32_t)flow_of(mem->flows, n_flows,
                                                 &d[i].src, &d[i].dst);
        } else if (from && !to) {
            k->replies++;
            long j = match(work, nw, &d[i]);
            if (j < 0) {
                k->unmatched++;
                for (size_t f = 0; f < *n_flows; f++)
                    if (ippm_addr_equal(&mem->flows[f].snd, &d[i].dst)) {
                        mem->flows[f].unmatched++;
                        break;
                    }
                continue;
            }
            mem->flows[work[j].probe].replies++;
            take_reply(&work[j], &d[i], k);
        }
    }
    /* Flow by flow, capture order within each: a counting sort, with n
     * counting each flow's requests, then as the cursor that places them. */
    for (size_t j = 0; j < nw; j++)
        mem->flows[work[j].probe].n++;
    for (size_t f = 0, at = 0; f < *n_flows; f++) {
        mem->flows[f].first = at;
        at += mem->flows[f].n;
        mem->flows[f].n = 0;
    }
    for (size_t j = 0; j < nw; j++) {
        struct stamp_flow_group *g = &mem->flows[work[j].probe];
        struct ippm_exchange *e = &mem->ex[g->first + g->n++];
        *e = work[j];
        e->probe = 0;
    }
    *n_ex = nw;
}
