/* The flows of a capture; see stamp_flows.h. */
#include "conformance/stamp/stamp_flows.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ---- the flows of the exchanges by (sender, reflector): open
 * addressing over the caller's scratch, slots holding flow index + 1 ---- */

struct flow_table {
    uint32_t *slot;
    size_t n_slots;
    struct stamp_flow_group *flows;
};

/* The slot of flow snd -> refl: the one that holds it, else the empty
 * one where it goes. Never NULL: the table is at most half full. */
static uint32_t *flow_slot(const struct flow_table *t,
                           const struct ippm_addr *snd,
                           const struct ippm_addr *refl)
{
    for (size_t i = (size_t)(stamp_pairing_flow_hash(snd, refl) % t->n_slots);;
         i = i + 1 == t->n_slots ? 0 : i + 1) {
        if (t->slot[i] == 0)
            return &t->slot[i];
        const struct stamp_flow_group *f = &t->flows[t->slot[i] - 1];
        if (ippm_addr_equal(&f->snd, snd) && ippm_addr_equal(&f->refl, refl))
            return &t->slot[i];
    }
}

/* see stamp_flows.h */
enum ippm_err stamp_flows_group(const struct stamp_dgram *d, size_t n,
                                uint16_t port,
                                const struct ippm_exchange *ex, size_t n_ex,
                                struct ippm_exchange *out,
                                struct stamp_flow_group *flows,
                                size_t flow_cap, size_t *n_flows,
                                uint32_t *scratch, size_t scratch_len)
{
    if (n_ex >= UINT32_MAX || scratch_len < STAMP_FLOWS_SCRATCH(n_ex))
        return IPPM_ERR_NOSPACE;
    uint32_t *flow_of = scratch; /* n_ex: each exchange's flow */
    struct flow_table t = {scratch + n_ex, 2 * n_ex + 1, flows};
    memset(t.slot, 0, t.n_slots * sizeof *t.slot);
    size_t nf = 0;
    /* Flows in the order they first send; 'unmatched' counts the replies
     * attached to each until the end. */
    for (size_t i = 0; i < n_ex; i++) {
        uint32_t *s = flow_slot(&t, &ex[i].req_src, &ex[i].req_dst);
        if (*s == 0) {
            if (nf == flow_cap)
                return IPPM_ERR_NOSPACE;
            flows[nf] = (struct stamp_flow_group){
                .snd = ex[i].req_src, .refl = ex[i].req_dst};
            *s = (uint32_t)++nf;
        }
        flow_of[i] = *s - 1;
        flows[*s - 1].n++;
        flows[*s - 1].unmatched += ex[i].n_replies;
    }
    size_t first = 0;
    for (size_t f = 0; f < nf; f++) {
        flows[f].first = first;
        first += flows[f].n;
        flows[f].n = 0; /* counts again as the slice fills */
    }
    for (size_t i = 0; i < n_ex; i++) {
        struct stamp_flow_group *f = &flows[flow_of[i]];
        out[f->first + f->n++] = ex[i];
    }
    /* Replies from each flow's reflector to its sender. */
    for (size_t i = 0; i < n; i++) {
        if (!stamp_pairing_is_reply(&d[i], port))
            continue;
        uint32_t *s = flow_slot(&t, &d[i].dst, &d[i].src);
        if (*s != 0)
            flows[*s - 1].replies++;
    }
    for (size_t f = 0; f < nf; f++) {
        uint64_t attached = flows[f].unmatched;
        flows[f].unmatched =
            flows[f].replies > attached ? flows[f].replies - attached : 0;
    }
    *n_flows = nf;
    return IPPM_OK;
}

/* see stamp_flows.h */
size_t stamp_flows_seen(const struct stamp_dgram *dg, size_t n,
                        struct stamp_flow_seen *s, size_t cap,
                        uint64_t *more)
{
    size_t ns = 0;
    *more = 0;
    for (size_t i = 0; i < n; i++) {
        const struct stamp_dgram *d = &dg[i];
        size_t j = 0;
        while (j < ns && !(ippm_addr_equal(&s[j].src, &d->src) &&
                           ippm_addr_equal(&s[j].dst, &d->dst)))
            j++;
        if (j == ns && ns == cap) {
            (*more)++; /* datagrams of flows past the first few */
            continue;
        }
        if (j == ns)
            s[ns++] = (struct stamp_flow_seen){d->src, d->dst, 0, d->len,
                                               d->len};
        s[j].n++;
        s[j].lo = d->len < s[j].lo ? d->len : s[j].lo;
        s[j].hi = d->len > s[j].hi ? d->len : s[j].hi;
    }
    return ns;
}

/* see stamp_flows.h */
void stamp_flows_name_details(struct ippm_case_result *res, size_t n,
                              const char *name)
{
    for (size_t i = 0; i < n; i++) {
        char d[IPPM_DETAIL_MAX];
        snprintf(d, sizeof d, "%s: %s", name, res[i].detail);
        memcpy(res[i].detail, d, sizeof d);
    }
}
