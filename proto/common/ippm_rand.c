/* Seeded PRNG and Algorithm S: see ippm_rand.h. */
#include "ippm_rand.h"

/* RFC 4656 §5.2: Q[1..11] scaled by 2^32, the exact values every
 * implementation MUST use; Q[0] is a placeholder. */
static const uint64_t alg_s_q[12] = {
    0,          0xB17217F8, 0xEEF193F7, 0xFD271862, 0xFF9D6DD0, 0xFFF4CFD0,
    0xFFFEE819, 0xFFFFE7FF, 0xFFFFFE2B, 0xFFFFFFE0, 0xFFFFFFFE, 0xFFFFFFFF};
#define ALG_S_LN2 0xB17217F8ull
#define ALG_S_K   12 /* Appendix A: K - 1 is the first k with Q[k] ~ 1 */

/* see ippm_rand.h */
uint64_t ippm_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* see ippm_rand.h */
void ippm_rng_seed(struct ippm_rng *g, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        g->s[i] = ippm_splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* see ippm_rand.h */
uint64_t ippm_rng_next(struct ippm_rng *g)
{
    uint64_t *s = g->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* see ippm_rand.h */
uint32_t ippm_rng_u32(struct ippm_rng *g)
{
    return (uint32_t)(ippm_rng_next(g) >> 32);
}

/* see ippm_rand.h */
double ippm_rng_unit(struct ippm_rng *g)
{
    return ((double)(ippm_rng_next(g) >> 11) + 0.5) *
           (1.0 / 9007199254740992.0);
}

/* see ippm_rand.h */
uint32_t ippm_rng_below(struct ippm_rng *g, uint32_t n)
{
    if (n == 0)
        return 0;
    /* Lemire 2019: the high word of x * n is uniform once the low words
     * below 2^32 mod n are rejected. */
    uint32_t threshold = (uint32_t)(-n) % n;
    for (;;) {
        uint64_t m = (uint64_t)ippm_rng_u32(g) * n;
        if ((uint32_t)m >= threshold)
            return (uint32_t)(m >> 32);
    }
}

/* see ippm_rand.h */
uint64_t ippm_num64_mul(uint64_t a, uint64_t b)
{
    /* The middle 64 bits of the 128-bit product, from four 32x32
     * products (Knuth 4.3.1.M as Appendix A), carries kept exactly. */
    uint64_t al = a & 0xffffffffu, ah = a >> 32;
    uint64_t bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    uint64_t w1 = mid & 0xffffffffu;
    uint64_t w2 = (mid >> 32) + (lh >> 32) + (hl >> 32) + (hh & 0xffffffffu);
    return (w2 << 32) + w1;
}

/* S3: the least of k fresh uniforms. */
static enum ippm_err min_of_uniforms(const struct ippm_u32_source *src,
                                     unsigned k, uint64_t *v)
{
    uint32_t x;
    enum ippm_err e = src->next(src->ctx, &x);
    *v = x;
    for (unsigned i = 2; e == IPPM_OK && i <= k; i++) {
        e = src->next(src->ctx, &x);
        if (x < *v)
            *v = x;
    }
    return e;
}

/* see ippm_rand.h */
enum ippm_err ippm_exp_alg_s(const struct ippm_u32_source *src, uint64_t *out)
{
    uint32_t x;
    enum ippm_err e = src->next(src->ctx, &x);
    if (e != IPPM_OK)
        return e;
    /* S1: shift off the leading ones and the first zero; without a zero
     * the shift stops at 32 (j = 32), as Appendix A does. */
    uint64_t U = x;
    uint64_t j = 0;
    while ((U & 0x80000000u) && j < 32) {
        U <<= 1;
        j++;
    }
    U = (U << 1) & 0xffffffffu;
    uint64_t J = j << 32;
    /* S2: immediate acceptance. */
    if (U < ALG_S_LN2) {
        *out = ippm_num64_mul(J, ALG_S_LN2) + U;
        return IPPM_OK;
    }
    /* S3: the least k >= 2 with U < Q[k] (K - 1 at most). */
    unsigned k;
    for (k = 2; k < ALG_S_K; k++)
        if (U < alg_s_q[k])
            break;
    uint64_t V;
    e = min_of_uniforms(src, k, &V);
    if (e != IPPM_OK)
        return e;
    /* S4 */
    *out = ippm_num64_mul(J + V, ALG_S_LN2);
    return IPPM_OK;
}

static enum ippm_err rng_source(void *ctx, uint32_t *out)
{
    *out = ippm_rng_u32(ctx);
    return IPPM_OK;
}

/* see ippm_rand.h */
uint64_t ippm_rng_exp(struct ippm_rng *g)
{
    const struct ippm_u32_source src = {rng_source, g};
    uint64_t x = 0;
    (void)ippm_exp_alg_s(&src, &x); /* the PRNG never fails */
    return x;
}
