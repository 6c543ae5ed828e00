/* Asymmetrical packets' extra replies, draft-ietf-ippm-asymmetrical-pkts-14
 * §3 ("Number of Reflected Packets", "Interval"): a small fixed table of
 * replies still to be sent again, and the global budget that bounds them
 * (RFC 8762 §6: the reflector must not become an amplifier). */
#include "stamp_repeat.h"

#include <string.h>

#include "../common/ippm_cur.h"

static struct ippm_rate repeat_rate(const struct stamp_repeat_config *c)
{
    struct ippm_rate rate = c->budget;
    if (rate.pps == 0)
        rate.pps = STAMP_REPEAT_PPS;
    if (rate.burst == 0)
        rate.burst = rate.pps;
    return rate;
}

static struct stamp_repeat_slot *free_slot(struct stamp_repeat *rp)
{
    for (size_t i = 0; i < STAMP_REPEAT_SLOTS; i++)
        if (!rp->slot[i].left)
            return &rp->slot[i];
    return NULL;
}

/* see stamp_repeat.h */
uint16_t stamp_repeat_allowance(struct stamp_reflector *r, uint64_t now_ns)
{
    const struct stamp_repeat_config *c = &r->cfg.repeat;
    struct stamp_repeat *rp = &r->repeat;
    uint16_t max = c->max_count;
    if (max <= 1 || (r->cfg.mode != STAMP_MODE_AUTH && !c->open) ||
        !free_slot(rp))
        return 1;
    struct ippm_rate rate = repeat_rate(c);
    if (!rp->budget_primed) {
        ippm_bucket_fill(&rp->budget, &rate, now_ns);
        rp->budget_primed = true;
    }
    uint64_t avail = ippm_bucket_avail(&rp->budget, &rate, now_ns);
    if (avail < (uint64_t)max - 1u)
        max = (uint16_t)(avail + 1u);
    return max ? max : 1;
}

/* see stamp_repeat.h */
void stamp_repeat_schedule(struct stamp_reflector *r, const uint8_t *pkt,
                           size_t len, const struct ippm_rx_meta *m,
                           uint32_t seq, int16_t tos, uint16_t count,
                           uint32_t interval_ns, uint64_t now_ns)
{
    struct stamp_repeat *rp = &r->repeat;
    struct stamp_repeat_slot *sl = free_slot(rp);
    struct ippm_rate rate = repeat_rate(&r->cfg.repeat);
    /* stamp_repeat_allowance said yes at this now: slot and budget hold. */
    if (count < 2 || !sl || len > STAMP_REPEAT_MAX_LEN ||
        !ippm_bucket_take_n(&rp->budget, &rate, now_ns, count - 1u))
        return;
    memcpy(sl->pkt, pkt, len);
    sl->len = (uint16_t)len;
    sl->left = (uint16_t)(count - 1u);
    sl->interval_ns = interval_ns;
    sl->due_ns = now_ns + interval_ns;
    sl->seq = seq;
    sl->tos = tos;
    sl->dest.peer = m->peer;
    sl->dest.local = m->local;
    rp->counters.scheduled++;
}

static const struct stamp_repeat_slot *earliest(const struct stamp_repeat *rp)
{
    const struct stamp_repeat_slot *best = NULL;
    for (size_t i = 0; i < STAMP_REPEAT_SLOTS; i++)
        if (rp->slot[i].left && (!best || rp->slot[i].due_ns < best->due_ns))
            best = &rp->slot[i];
    return best;
}

/* see stamp_repeat.h */
uint64_t stamp_repeat_next(const struct stamp_repeat *rp)
{
    const struct stamp_repeat_slot *sl = earliest(rp);
    return sl ? sl->due_ns : UINT64_MAX;
}

/* The copy's own Timestamp (the first reply's sender fields and TLVs
 * stay: the HMAC TLV covers the Sequence Number and TLVs only, RFC 8972
 * §4.8), and authenticated mode's HMAC over the base anew (RFC 8762
 * §4.4: the Timestamp is in its 96 octets). */
static bool restamp(const struct stamp_reflector *r, uint8_t *tx, size_t len,
                    uint64_t ts)
{
    const struct stamp_span sp =
        stamp_layout_get(STAMP_PKT_REFLECTOR, r->cfg.mode)->field[STAMP_F_TS];
    ippm_store_u64(tx + sp.off, ts);
    if (r->cfg.mode != STAMP_MODE_AUTH)
        return true;
    return stamp_hmac_compute(&r->cfg.key, tx, len,
                              tx + STAMP_AUTH_HMAC_OFF) == IPPM_OK;
}

/* see stamp_repeat.h */
size_t stamp_repeat_take(struct stamp_reflector *r, uint64_t now_ns,
                         uint8_t *tx, size_t tx_cap, uint64_t *ts,
                         uint32_t *seq, int16_t *tos)
{
    struct stamp_repeat *rp = &r->repeat;
    struct stamp_repeat_slot *sl = (struct stamp_repeat_slot *)earliest(rp);
    if (!sl || sl->due_ns > now_ns)
        return 0;
    sl->left--;
    sl->due_ns += sl->interval_ns;
    if (tx_cap < sl->len)
        return 0;
    memcpy(tx, sl->pkt, sl->len);
    *ts = ippm_ts_from_ns(now_ns, r->cfg.tsfmt);
    if (!restamp(r, tx, sl->len, *ts))
        return 0;
    *seq = sl->seq;
    *tos = sl->tos;
    rp->dest = sl->dest;
    rp->counters.copies++;
    return sl->len;
}

/* ---- Session-Sender ---- */

/* see stamp_repeat.h */
void stamp_repeat_asked(const uint8_t *tlvs, size_t len, uint16_t *count,
                        uint32_t *interval_ns)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    struct stamp_tlv_refl_control c;
    *count = 0;
    *interval_ns = 0;
    if (!tlvs)
        return;
    stamp_tlv_iter_init(&it, tlvs, len);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        if (stamp_tlv_refl_control_decode(&t, &c) == IPPM_OK) {
            *count = c.count;
            *interval_ns = c.interval_ns;
            return;
        }
}

/* see stamp_repeat.h */
uint64_t stamp_repeat_span(uint16_t count, uint32_t interval_ns)
{
    return count > 1 ? (uint64_t)(count - 1u) * interval_ns : 0;
}

/* see stamp_repeat.h */
bool stamp_repeat_expected(struct stamp_result *r,
                           const struct stamp_reflector_pkt *rep,
                           uint16_t count)
{
    if (count < 2 || r->copies >= count - 1u)
        return false;
    struct ippm_errest ee = ippm_errest_decode(rep->errest);
    enum ippm_tsfmt fmt = ee.z ? IPPM_TS_PTP : IPPM_TS_NTP;
    bool ok_rx, ok_tx;
    uint64_t t2 = ippm_ns_from_ts(rep->rx_ts, fmt, &ok_rx);
    uint64_t t3 = ippm_ns_from_ts(rep->ts, fmt, &ok_tx);
    if (!ok_rx || !ok_tx || r->ts_malformed || t2 != r->t2_ns ||
        t3 == r->t3_ns)
        return false;
    r->copies++;
    return true;
}

/* see stamp_repeat.h */
bool stamp_repeat_refused(const uint8_t *tlvs, size_t len)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    if (!tlvs)
        return true;
    stamp_tlv_iter_init(&it, tlvs, len);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        if (t.type == STAMP_TLV_REFL_CONTROL)
            return (t.flags & (STAMP_TLV_C | STAMP_TLV_U)) != 0;
    return true;
}
