/* The flows of a capture; see pcap_flows.h. */
#include "impl/conform/pcap_flows.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* see pcap_flows.h */
void pcap_flow_name(const struct ippm_addr *a, const struct ippm_addr *b,
                    char *out, size_t cap)
{
    char x[IPPM_ADDR_STRLEN], y[IPPM_ADDR_STRLEN];
    snprintf(out, cap, "%s -> %s", ippm_addr_fmt(a, x, sizeof x),
             ippm_addr_fmt(b, y, sizeof y));
}

static bool same_flow(const struct ippm_exchange *e,
                      const struct pcap_flow *f)
{
    return ippm_addr_equal(&e->req_src, &f->snd) &&
           ippm_addr_equal(&e->req_dst, &f->refl);
}

/* Replies from f's reflector to its sender among d (n). */
static uint64_t flow_replies(const struct stamp_dgram *d, size_t n,
                             uint16_t port, const struct pcap_flow *f)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += stamp_pairing_is_reply(&d[i], port) &&
             ippm_addr_equal(&d[i].src, &f->refl) &&
             ippm_addr_equal(&d[i].dst, &f->snd);
    return k;
}

/* see pcap_flows.h */
int pcap_flows_group(const struct stamp_dgram *d, size_t n, uint16_t port,
                     struct ippm_exchange **ex, size_t n_ex,
                     struct pcap_flow **out, size_t *n_out)
{
    const struct ippm_exchange *e = *ex;
    struct pcap_flow *f = calloc(n_ex ? n_ex : 1, sizeof *f);
    struct ippm_exchange *g = calloc(n_ex ? n_ex : 1, sizeof *g);
    if (f == NULL || g == NULL) {
        free(f);
        free(g);
        return -1;
    }
    size_t nf = 0, ng = 0;
    for (size_t i = 0; i < n_ex; i++) {
        bool known = false;
        for (size_t j = 0; j < nf && !known; j++)
            known = same_flow(&e[i], &f[j]);
        if (known)
            continue;
        struct pcap_flow *x = &f[nf++];
        x->snd = e[i].req_src;
        x->refl = e[i].req_dst;
        x->first = ng;
        uint64_t attached = 0;
        for (size_t k = i; k < n_ex; k++) {
            if (!same_flow(&e[k], x))
                continue;
            attached += e[k].n_replies;
            g[ng++] = e[k];
        }
        x->n = ng - x->first;
        x->replies = flow_replies(d, n, port, x);
        x->unmatched = x->replies > attached ? x->replies - attached : 0;
    }
    free(*ex);
    *ex = g;
    *out = f;
    *n_out = nf;
    return 0;
}

/* How many flows pcap_flows_seen names; the rest are counted. */
#define FLOWS_SEEN_MAX 6

/* see pcap_flows.h */
void pcap_flows_seen(const struct stamp_dgram *dg, size_t n, char *out,
                     size_t cap)
{
    struct seen { struct ippm_addr src, dst; uint64_t n; size_t lo, hi; };
    struct seen s[FLOWS_SEEN_MAX];
    size_t ns = 0, more = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const struct stamp_dgram *d = &dg[i];
        size_t j = 0;
        while (j < ns && !(ippm_addr_equal(&s[j].src, &d->src) &&
                           ippm_addr_equal(&s[j].dst, &d->dst)))
            j++;
        if (j == ns && ns == FLOWS_SEEN_MAX) {
            more++; /* datagrams of flows past the first few */
            continue;
        }
        if (j == ns)
            s[ns++] = (struct seen){d->src, d->dst, 0, d->len, d->len};
        s[j].n++;
        s[j].lo = d->len < s[j].lo ? d->len : s[j].lo;
        s[j].hi = d->len > s[j].hi ? d->len : s[j].hi;
    }
    if (ns == 0) {
        snprintf(out, cap, "none (no UDP datagram)");
        return;
    }
    for (size_t j = 0; j < ns; j++) {
        char name[PCAP_FLOW_NAME_MAX];
        pcap_flow_name(&s[j].src, &s[j].dst, name, sizeof name);
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%s (%llu datagram%s, %zu-%zu octets)",
                 j ? ", " : "", name, (unsigned long long)s[j].n,
                 s[j].n == 1 ? "" : "s", s[j].lo, s[j].hi);
    }
    if (more) {
        size_t l = strlen(out);
        snprintf(out + l, cap - l, ", and %llu datagrams of other flows",
                 (unsigned long long)more);
    }
}

/* see pcap_flows.h */
void pcap_flows_name_details(struct ippm_case_result *res, size_t n,
                             const char *name)
{
    for (size_t i = 0; i < n; i++) {
        char d[IPPM_DETAIL_MAX];
        snprintf(d, sizeof d, "%s: %s", name, res[i].detail);
        memcpy(res[i].detail, d, sizeof d);
    }
}
