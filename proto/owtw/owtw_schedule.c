/* The OWAMP send schedule: Algorithm Unif, Algorithm S (in
 * proto/common/ippm_rand.c) on 32.32 fixed point, and the slot list. RFC 4656 §3.6, §5, Appendix A. */
#include "owtw_test.h"

#include <string.h>

#include "../common/ippm_cur.h"
#include "../common/ippm_rand.h"

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
    return ippm_num64_mul(a, b);
}

/* Algorithm S's uniform source: Unif over the session's AES key. */
static enum ippm_err unif_source(void *ctx, uint32_t *out)
{
    return owtw_unif_next(ctx, out);
}

/* see owtw_test.h */
enum ippm_err owtw_exp_next(struct owtw_unif *u, uint64_t *out)
{
    /* Algorithm S itself lives in proto/common (ippm_rand.h), shared
     * with UDPing's sender; OWAMP feeds it Unif (RFC 4656 §5.1). */
    const struct ippm_u32_source src = {unif_source, u};
    return ippm_exp_alg_s(&src, out);
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
