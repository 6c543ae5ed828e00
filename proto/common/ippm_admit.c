#include "ippm_admit.h"

#include <string.h>

#define NS_PER_PACKET 1000000000ull /* credit of one token, nano-packets */

static unsigned family_bits(uint8_t family)
{
    return family == IPPM_AF_INET ? 32u : family == IPPM_AF_INET6 ? 128u : 0u;
}

/* see ippm_admit.h */
enum ippm_err ippm_prefix_add(struct ippm_prefix_list *l,
                              const struct ippm_addr *net, unsigned len,
                              bool allow)
{
    unsigned bits = family_bits(net->family);
    if (bits == 0 || len > bits)
        return IPPM_ERR_BAD_ARG;
    if (l->n >= IPPM_PREFIX_MAX)
        return IPPM_ERR_NOSPACE;
    struct ippm_prefix *p = &l->rule[l->n++];
    memset(p, 0, sizeof *p);
    p->net.family = net->family;
    memcpy(p->net.ip, net->ip, len / 8);
    if (len % 8)
        p->net.ip[len / 8] = (uint8_t)(net->ip[len / 8] & (0xffu << (8 - len % 8)));
    p->len = (uint8_t)len;
    p->allow = allow;
    if (allow)
        l->n_allow++;
    return IPPM_OK;
}

/* see ippm_admit.h */
bool ippm_prefix_allows(const struct ippm_prefix_list *l,
                        const struct ippm_addr *a)
{
    const struct ippm_prefix *best = NULL;
    for (size_t i = 0; i < l->n && i < IPPM_PREFIX_MAX; i++) {
        const struct ippm_prefix *p = &l->rule[i];
        if (!ippm_addr_in_prefix(a, &p->net, p->len))
            continue;
        /* Longer wins; at equal length a deny beats an allow. */
        if (!best || p->len > best->len ||
            (p->len == best->len && !p->allow))
            best = p;
    }
    return best ? best->allow : l->n_allow == 0;
}

static uint64_t bucket_cap(const struct ippm_rate *r)
{
    return r->burst * NS_PER_PACKET;
}

/* see ippm_admit.h */
void ippm_bucket_fill(struct ippm_bucket *b, const struct ippm_rate *r,
                      uint64_t now_ns)
{
    b->credit = bucket_cap(r);
    b->last_ns = now_ns;
}

/* Brings b's credit up to date at now (none when the clock went back). */
static void bucket_refill(struct ippm_bucket *b, const struct ippm_rate *r,
                          uint64_t now_ns)
{
    uint64_t cap = bucket_cap(r);
    if (now_ns > b->last_ns && b->credit < cap) {
        uint64_t elapsed = now_ns - b->last_ns;
        uint64_t need = cap - b->credit;
        /* Past need / pps + 1 the bucket is full; below, elapsed * pps is
         * at most need: no overflow either way. */
        if (elapsed > need / r->pps)
            b->credit = cap;
        else
            b->credit += elapsed * r->pps;
    }
    if (now_ns > b->last_ns)
        b->last_ns = now_ns;
}

/* see ippm_admit.h */
bool ippm_bucket_take(struct ippm_bucket *b, const struct ippm_rate *r,
                      uint64_t now_ns)
{
    return ippm_bucket_take_n(b, r, now_ns, 1);
}

/* see ippm_admit.h */
uint64_t ippm_bucket_avail(struct ippm_bucket *b, const struct ippm_rate *r,
                           uint64_t now_ns)
{
    if (r->pps == 0)
        return UINT64_MAX;
    bucket_refill(b, r, now_ns);
    return b->credit / NS_PER_PACKET;
}

/* see ippm_admit.h */
bool ippm_bucket_take_n(struct ippm_bucket *b, const struct ippm_rate *r,
                        uint64_t now_ns, uint64_t n)
{
    if (r->pps == 0)
        return true;
    bucket_refill(b, r, now_ns);
    if (b->credit / NS_PER_PACKET < n)
        return false;
    b->credit -= n * NS_PER_PACKET;
    return true;
}

/* see ippm_admit.h */
enum ippm_err ippm_ratelimit_init(struct ippm_ratelimit *l, void *mem,
                                  size_t mem_len, size_t n,
                                  const struct ippm_rate *rate,
                                  const uint8_t seed[IPPM_TABLE_SEED_LEN])
{
    if (rate->pps > IPPM_RATE_PPS_MAX || rate->burst == 0 ||
        rate->burst > IPPM_RATE_BURST_MAX || n == 0 ||
        n > IPPM_TABLE_MAX_ENTRIES || mem_len < IPPM_RATELIMIT_SIZE(n))
        return IPPM_ERR_BAD_ARG;
    size_t table_len = IPPM_TABLE_SIZE(n, IPPM_ADDR_SOURCE_KEY_LEN);
    /* The buckets first: the table's block is a multiple of 8 octets, so
     * both stay aligned whichever comes first; this way is plainer. */
    uint8_t *at = mem;
    if (ippm_table_init(&l->sources, at + n * sizeof(struct ippm_bucket),
                        table_len, n, IPPM_ADDR_SOURCE_KEY_LEN,
                        seed) != IPPM_OK)
        return IPPM_ERR_BAD_ARG;
    l->bucket = (struct ippm_bucket *)(void *)at;
    l->rate = *rate;
    l->evicted = 0;
    return IPPM_OK;
}

/* The bucket of the source key k, added with a full bucket when new
 * (after forgetting the least recently seen source if the table is
 * full). */
static struct ippm_bucket *source_bucket(struct ippm_ratelimit *l,
                                         const uint8_t *k, uint64_t now_ns)
{
    uint32_t i = ippm_table_find(&l->sources, k);
    if (i != IPPM_TABLE_NIL) {
        ippm_table_touch(&l->sources, i);
        return &l->bucket[i];
    }
    if (ippm_table_count(&l->sources) == ippm_table_capacity(&l->sources)) {
        (void)ippm_table_remove(&l->sources, ippm_table_oldest(&l->sources));
        l->evicted++;
    }
    if (ippm_table_add(&l->sources, k, &i) != IPPM_OK)
        return NULL; /* cannot happen: room was made */
    ippm_bucket_fill(&l->bucket[i], &l->rate, now_ns);
    return &l->bucket[i];
}

/* see ippm_admit.h */
bool ippm_ratelimit_take(struct ippm_ratelimit *l, const struct ippm_addr *peer,
                         uint64_t now_ns)
{
    if (l->rate.pps == 0)
        return true;
    uint8_t k[IPPM_ADDR_SOURCE_KEY_LEN];
    ippm_addr_source_key(k, peer);
    struct ippm_bucket *b = source_bucket(l, k, now_ns);
    return b && ippm_bucket_take(b, &l->rate, now_ns);
}

/* see ippm_admit.h */
size_t ippm_ratelimit_sources(const struct ippm_ratelimit *l)
{
    return ippm_table_count(&l->sources);
}

/* see ippm_admit.h */
enum ippm_admit_verdict ippm_admit_check(const struct ippm_prefix_list *pl,
                                         struct ippm_ratelimit *rl,
                                         const struct ippm_addr *peer,
                                         uint64_t now_ns)
{
    if (pl && !ippm_prefix_allows(pl, peer))
        return IPPM_ADMIT_DENIED;
    if (rl && !ippm_ratelimit_take(rl, peer, now_ns))
        return IPPM_ADMIT_RATE_LIMITED;
    return IPPM_ADMIT_OK;
}
