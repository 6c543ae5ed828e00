/* The OWAMP send schedule: Algorithm Unif, Algorithm S on 32.32 fixed
 * point, and the slot list. RFC 4656 §3.6, §5, Appendix A. */
#include "owtw_test.h"

#include <string.h>

#include "../common/ippm_cur.h"

/* RFC 4656 §5.2: Q[1..11] scaled by 2^32, the exact values every
 * implementation MUST use; Q[0] is a placeholder. */
static const uint64_t owtw_q[12] = {
    0,          0xB17217F8, 0xEEF193F7, 0xFD271862, 0xFF9D6DD0, 0xFFF4CFD0,
    0xFFFEE819, 0xFFFFE7FF, 0xFFFFFE2B, 0xFFFFFFE0, 0xFFFFFFFE, 0xFFFFFFFF};
#define OWTW_LN2 0xB17217F8ull
#define OWTW_Q_K 12 /* Appendix A: K - 1 is the first k with Q[k] ~ 1 */

/* see owtw_test.h */
enum ippm_err owtw_unif_init(struct owtw_unif *u,
                             const struct ippm_crypto *crypto,
                             const uint8_t sid[OWTW_SID_LEN])
{
    memset(u, 0, sizeof *u);
    return ippm_aes_key_init(&u->key, crypto, sid);
}

/* see owtw_test.h */
void owtw_unif_free(struct owtw_unif *u)
{
    ippm_aes_key_free(&u->key);
    memset(u, 0, sizeof *u);
}

/* see owtw_test.h */
enum ippm_err owtw_unif_next(struct owtw_unif *u, uint32_t *out)
{
    /* U2: a new block when the counter is a multiple of 4: the counter
     * itself is encrypted, so the blocks are E(0), E(4), E(8)... */
    unsigned i = u->counter[15] & 3u;
    if (i == 0) {
        enum ippm_err e =
            ippm_aes128_ecb(&u->key, true, u->counter, u->out, sizeof u->out);
        if (e != IPPM_OK)
            return e;
    }
    /* U3: the counter is one 128-bit number in network order. */
    for (int j = 15; j >= 0; j--)
        if (++u->counter[j])
            break;
    /* U4: the i-th quartet, high-order octets first. */
    *out = ippm_load_u32(u->out + 4 * i);
    return IPPM_OK;
}

/* see owtw_test.h */
uint64_t owtw_num64_mul(uint64_t a, uint64_t b)
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
static enum ippm_err min_of_uniforms(struct owtw_unif *u, unsigned k,
                                     uint64_t *v)
{
    uint32_t x;
    enum ippm_err e = owtw_unif_next(u, &x);
    *v = x;
    for (unsigned i = 2; e == IPPM_OK && i <= k; i++) {
        e = owtw_unif_next(u, &x);
        if (x < *v)
            *v = x;
    }
    return e;
}

/* see owtw_test.h */
enum ippm_err owtw_exp_next(struct owtw_unif *u, uint64_t *out)
{
    uint32_t x;
    enum ippm_err e = owtw_unif_next(u, &x);
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
    if (U < OWTW_LN2) {
        *out = owtw_num64_mul(J, OWTW_LN2) + U;
        return IPPM_OK;
    }
    /* S3: the least k >= 2 with U < Q[k] (K - 1 at most). */
    unsigned k;
    for (k = 2; k < OWTW_Q_K; k++)
        if (U < owtw_q[k])
            break;
    uint64_t V;
    e = min_of_uniforms(u, k, &V);
    if (e != IPPM_OK)
        return e;
    /* S4 */
    *out = owtw_num64_mul(J + V, OWTW_LN2);
    return IPPM_OK;
}

/* see owtw_test.h */
enum ippm_err owtw_schedule_init(struct owtw_schedule *s,
                                 const struct ippm_crypto *crypto,
                                 const uint8_t sid[OWTW_SID_LEN],
                                 const struct owtw_slot *slots,
                                 uint32_t n_slots, uint64_t start)
{
    memset(s, 0, sizeof *s);
    if (!slots || n_slots == 0)
        return IPPM_ERR_BAD_ARG;
    for (uint32_t i = 0; i < n_slots; i++)
        if (slots[i].type != OWTW_SLOT_EXP && slots[i].type != OWTW_SLOT_FIXED)
            return IPPM_ERR_BAD_ARG;
    s->slots = slots;
    s->n_slots = n_slots;
    s->at = start;
    return owtw_unif_init(&s->unif, crypto, sid);
}

/* see owtw_test.h */
void owtw_schedule_free(struct owtw_schedule *s)
{
    owtw_unif_free(&s->unif);
    memset(s, 0, sizeof *s);
}

/* see owtw_test.h */
enum ippm_err owtw_schedule_next(struct owtw_schedule *s, uint64_t *send_at)
{
    const struct owtw_slot *slot = &s->slots[s->next % s->n_slots];
    uint64_t wait = slot->param;
    if (slot->type == OWTW_SLOT_EXP) {
        uint64_t x;
        enum ippm_err e = owtw_exp_next(&s->unif, &x);
        if (e != IPPM_OK)
            return e;
        /* §5.1: "If a variate with some mean mu ... multiplied by mu". */
        wait = owtw_num64_mul(x, slot->param);
    }
    /* RFC 4656 §3.6: wait, then send: packet 0 too. */
    s->at += wait;
    s->next++;
    *send_at = s->at;
    return IPPM_OK;
}

/* see owtw_test.h */
enum ippm_err owtw_schedule_fill(struct owtw_schedule *s, uint64_t *due,
                                 uint32_t n)
{
    enum ippm_err e = IPPM_OK;
    for (uint32_t i = 0; i < n && e == IPPM_OK; i++)
        e = owtw_schedule_next(s, &due[i]);
    return e;
}
