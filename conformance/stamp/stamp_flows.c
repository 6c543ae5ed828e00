/* The flows of a capture; see stamp_flows.h. */
#include "conformance/stamp/stamp_flows.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool same_flow(const struct ippm_exchange *e,
                      const struct stamp_flow_group *f)
{
    return ippm_addr_equal(&e->req_src, &f->snd) &&
           ippm_addr_equal(&e->req_dst, &f->refl);
}

/* Replies from f's reflector to its sender among d (n). */
static uint64_t flow_replies(const struct stamp_dgram *d, size_t n,
                             uint16_t port, const struct stamp_flow_group *f)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += stamp_pairing_is_reply(&d[i], port) &&
             ippm_addr_equal(&d[i].src, &f->refl) &&
             ippm_addr_equal(&d[i].dst, &f->snd);
    return k;
}

/* see stamp_flows.h */
enum ippm_err stamp_flows_group(const struct stamp_dgram *d, size_t n,
                                uint16_t port,
                                const struct ippm_exchange *ex, size_t n_ex,
                                struct ippm_exchange *out,
                                struct stamp_flow_group *flows,
                                size_t flow_cap, size_t *n_flows)
{
    size_t nf = 0, ng = 0;
    for (size_t i = 0; i < n_ex; i++) {
        bool known = false;
        for (size_t j = 0; j < nf && !known; j++)
            known = same_flow(&ex[i], &flows[j]);
        if (known)
            continue;
        if (nf == flow_cap)
            return IPPM_ERR_NOSPACE;
        struct stamp_flow_group *x = &flows[nf++];
        x->snd = ex[i].req_src;
        x->refl = ex[i].req_dst;
        x->first = ng;
        uint64_t attached = 0;
        for (size_t k = i; k < n_ex; k++) {
            if (!same_flow(&ex[k], x))
                continue;
            attached += ex[k].n_replies;
            out[ng++] = ex[k];
        }
        x->n = ng - x->first;
        x->replies = flow_replies(d, n, port, x);
        x->unmatched = x->replies > attached ? x->replies - attached : 0;
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
