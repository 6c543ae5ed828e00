/* Directional duplicates and loss of two-way test packets (see
 * ippm_dirs.h). */
#include "ippm_dirs.h"

/* SplitMix64's finaliser: a bijection that spreads every input bit. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

/* One reflection, as 64 bits: two distinct reflections of a request
 * collide with probability 2^-64. */
static uint64_t reflection_id(uint64_t rx_ts, uint64_t ts, uint32_t seq,
                              uint64_t other)
{
    return mix64(mix64(mix64(mix64(rx_ts) ^ ts) ^ seq) ^ other);
}

/* see ippm_dirs.h */
void ippm_dir_slot_first(struct ippm_dir_slot *d, uint64_t rx_ts,
                         uint64_t ts, uint32_t refl_seq, uint64_t other)
{
    d->id[0] = reflection_id(rx_ts, ts, refl_seq, other);
    d->n = 1;
    d->refl_lo = d->refl_hi = refl_seq;
}

/* Reflector numbers compare modulo 2^32 (a long stateful session wraps). */
static bool seq_before(uint32_t a, uint32_t b)
{
    return a != b && (uint32_t)(b - a) < 0x80000000u;
}

/* see ippm_dirs.h */
enum ippm_way ippm_dir_slot_copy(struct ippm_dir_slot *d, uint64_t rx_ts,
                                 uint64_t ts, uint32_t refl_seq,
                                 uint64_t other)
{
    uint64_t id = reflection_id(rx_ts, ts, refl_seq, other);
    for (uint8_t i = 0; i < d->n; i++)
        if (d->id[i] == id)
            return IPPM_WAY_BACKWARD;
    if (d->n < IPPM_DIR_REFLECTIONS)
        d->id[d->n++] = id;
    if (seq_before(refl_seq, d->refl_lo))
        d->refl_lo = refl_seq;
    if (seq_before(d->refl_hi, refl_seq))
        d->refl_hi = refl_seq;
    return IPPM_WAY_FORWARD;
}

/* see ippm_dirs.h */
void ippm_dir_loss_init(struct ippm_dir_loss *l)
{
    l->any = false;
    l->last_hi = 0;
    l->run = 0;
    l->forward = l->backward = 0;
}

/* see ippm_dirs.h */
void ippm_dir_loss_lost(struct ippm_dir_loss *l)
{
    l->run++;
}

/* see ippm_dirs.h */
void ippm_dir_loss_received(struct ippm_dir_loss *l, uint32_t refl_lo,
                            uint32_t refl_hi)
{
    /* Numbers the reflector used between the two replies and we never
     * saw; before the first reply, from zero (RFC 8762 §4.3.1). A
     * request reordered on the way there can number lower: no gap. */
    uint64_t unseen = 0;
    if (!l->any)
        unseen = refl_lo < 0x80000000u ? refl_lo : 0;
    else if (seq_before(l->last_hi, refl_lo))
        unseen = (uint32_t)(refl_lo - l->last_hi - 1);
    uint64_t back = unseen < l->run ? unseen : l->run;
    l->backward += back;
    l->forward += l->run - back;
    l->run = 0;
    if (!l->any || seq_before(l->last_hi, refl_hi))
        l->last_hi = refl_hi;
    l->any = true;
}

/* see ippm_dirs.h */
uint64_t ippm_dir_loss_unsplit(const struct ippm_dir_loss *l)
{
    return l->run;
}
