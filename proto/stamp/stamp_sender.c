/* The STAMP Session-Sender (RFC 8762 §4.2) as an event-in, action-out
 * state machine, and the statistics it keeps in bounded memory. The
 * Session-Reflector is in stamp_session.c. */
#include "stamp.h"
#include "stamp_repeat.h"

#include <string.h>

#include "../common/ippm_cur.h"

/* ---- Session-Sender ---- */

/* RFC 8972 §4.6 defaults: the Access Report retransmission timer and how
 * many times a packet is sent again. */
#define STAMP_AR_TIMER_NS (3ull * 1000000000ull)
#define STAMP_AR_RETRANSMITS 4

/* The n octets of TLVs at p hold one of this type. */
static bool tlvs_carry(const uint8_t *p, size_t n, uint8_t type)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    if (!p)
        return false;
    stamp_tlv_iter_init(&it, p, n);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        if (t.type == type)
            return true;
    return false;
}

/* see stamp.h */
enum ippm_err stamp_sender_init(struct stamp_sender *s,
                                const struct stamp_sender_config *cfg,
                                struct stamp_result *res, size_t n_res)
{
    bool twl = cfg->flavour == STAMP_FLAVOUR_TWAMP_LIGHT;
    size_t min_len = !twl            ? stamp_base_len(cfg->mode)
                     : cfg->twl_auth ? cfg->twl_auth->sender_base
                                     : STAMP_TWL_SENDER_LEN;
    if (cfg->pkt_len < min_len || cfg->pkt_len > STAMP_MAX_LEN ||
        cfg->count == 0 || !res || n_res == 0)
        return IPPM_ERR_BAD_ARG;
    /* TWAMP-Light: open mode, and neither SSID nor TLVs to carry them. */
    if (twl && (cfg->mode != STAMP_MODE_OPEN || cfg->ssid ||
                (cfg->tlvs && cfg->tlvs_len)))
        return IPPM_ERR_BAD_ARG;
    if (cfg->mode == STAMP_MODE_AUTH && !ippm_hmac_key_ready(&cfg->key))
        return IPPM_ERR_BAD_ARG;
    if (cfg->tlvs && cfg->tlvs_len) {
        size_t room = cfg->pkt_len - stamp_base_len(cfg->mode);
        /* The TLVs fit, and what is left holds an Extra Padding TLV. */
        if (cfg->tlvs_len > room ||
            (room - cfg->tlvs_len && room - cfg->tlvs_len < STAMP_TLV_HDR_LEN))
            return IPPM_ERR_BAD_ARG;
    }
    memset(s, 0, sizeof(*s));
    s->cfg = *cfg;
    if (s->cfg.errest.mult == 0)
        s->cfg.errest.mult = 1;
    /* RFC 8972 §4.6: "three seconds", "up to four times". */
    if (s->cfg.ar_timer_ns == 0)
        s->cfg.ar_timer_ns = STAMP_AR_TIMER_NS;
    if (s->cfg.ar_retransmits == 0)
        s->cfg.ar_retransmits = STAMP_AR_RETRANSMITS;
    s->has_ar = tlvs_carry(cfg->tlvs, cfg->tlvs_len, STAMP_TLV_ACCESS);
    stamp_repeat_asked(cfg->tlvs, cfg->tlvs_len, &s->asked_replies,
                       &s->asked_interval_ns);
    s->cfg.errest.z = cfg->tsfmt == IPPM_TS_PTP;
    s->ring = n_res < cfg->count ? (uint32_t)n_res : cfg->count;
    s->res = res;
    memset(res, 0, sizeof(*res) * s->ring);
    s->next_send_ns = cfg->start_ns;
    ippm_dist_init(&s->acc.rtt);
    ippm_dist_init(&s->acc.fwd);
    ippm_dist_init(&s->acc.bwd);
    ippm_dist_init(&s->acc.ipdv);
    ippm_dir_loss_init(&s->acc.dir_loss);
    return IPPM_OK;
}

static struct stamp_result *slot_of(const struct stamp_sender *s,
                                    uint32_t seq)
{
    return &s->res[seq % s->ring];
}

/* see stamp.h */
const struct stamp_result *stamp_sender_result(const struct stamp_sender *s,
                                               uint32_t seq)
{
    if (seq < s->retired || seq >= s->next_seq)
        return NULL;
    return slot_of(s, seq);
}

static bool sender_all_sent(const struct stamp_sender *s)
{
    return s->next_seq >= s->cfg.count;
}

/* see stamp.h */
void stamp_sender_end_sending(struct stamp_sender *s)
{
    if (s->next_seq < s->cfg.count)
        s->cfg.count = s->next_seq;
}

/* ---- RFC 8972 §4.6 Access Report retransmission timers ---- */

/* Arms seq's timer, in a free place or the one armed longest ago. */
static void ar_arm(struct stamp_sender *s, uint32_t seq, uint64_t now)
{
    struct stamp_ar_timer *t = &s->ar[0];
    for (size_t k = 0; k < STAMP_SENDER_AR_PENDING; k++) {
        struct stamp_ar_timer *c = &s->ar[k];
        if (!c->armed || (t->armed && c->due_ns < t->due_ns))
            t = c;
        if (!c->armed)
            break;
    }
    *t = (struct stamp_ar_timer){true, s->cfg.ar_retransmits, seq,
                                 now + s->cfg.ar_timer_ns};
}

/* The reply to seq came: its timer is disarmed. */
static void ar_disarm(struct stamp_sender *s, uint32_t seq)
{
    for (size_t k = 0; k < STAMP_SENDER_AR_PENDING; k++)
        if (s->ar[k].armed && s->ar[k].seq == seq)
            s->ar[k].armed = false;
}

/* The armed timer that expires first; NULL when none is armed. */
static struct stamp_ar_timer *ar_next(const struct stamp_sender *s)
{
    const struct stamp_ar_timer *t = NULL;
    for (size_t k = 0; k < STAMP_SENDER_AR_PENDING; k++)
        if (s->ar[k].armed && (!t || s->ar[k].due_ns < t->due_ns))
            t = &s->ar[k];
    return (struct stamp_ar_timer *)t;
}

/* The end of the wait after the last send: the grace for late copies
 * once every packet has its reply (issue 11), else the whole wait. */
static uint64_t sender_wait_end(const struct stamp_sender *s)
{
    uint64_t wait = s->cfg.wait_ns;
    if (s->counters.received >= s->counters.sent) {
        uint64_t grace = s->cfg.grace_ns;
        if (!grace) {
            grace = 3 * s->rtt_max_ns;
            if (grace < STAMP_GRACE_MIN_NS)
                grace = STAMP_GRACE_MIN_NS;
        }
        /* Asymmetrical packets: the last request's copies too. */
        grace += stamp_repeat_span(s->asked_replies, s->asked_interval_ns);
        if (grace < wait)
            wait = grace;
    }
    return s->last_send_ns + wait;
}

/* see stamp.h */
uint64_t stamp_sender_deadline(const struct stamp_sender *s)
{
    if (s->done)
        return UINT64_MAX;
    const struct stamp_ar_timer *t = ar_next(s);
    /* Not done while a timer is armed: the wait ends after it. */
    if (sender_all_sent(s))
        return t ? t->due_ns : sender_wait_end(s);
    return t && t->due_ns < s->next_send_ns ? t->due_ns : s->next_send_ns;
}

/* The configured TLVs into tx past the base, per packet fields filled:
 * Direct Measurement S_TxC (RFC 8972 §4.5). Returns the octets written
 * and the HMAC TLV's offset (SIZE_MAX none) in *hmac_off. */
static size_t sender_tlvs(const struct stamp_sender *s, uint8_t *tx,
                          size_t *hmac_off)
{
    size_t base = stamp_base_len(s->cfg.mode);
    size_t n = s->cfg.tlvs_len;
    size_t room = s->cfg.pkt_len - base;
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    *hmac_off = SIZE_MAX;
    memcpy(tx + base, s->cfg.tlvs, n);
    stamp_tlv_iter_init(&it, tx + base, n);
    while (stamp_tlv_next(&it, &t) == IPPM_OK) {
        uint8_t *v = tx + base + t.off + STAMP_TLV_HDR_LEN;
        if (t.type == STAMP_TLV_DIRECT && t.len == 12) {
            ippm_store_u32(v, (uint32_t)(s->counters.sent + 1));
            memset(v + 4, 0, 8);
        } else if (t.type == STAMP_TLV_HMAC && *hmac_off == SIZE_MAX) {
            *hmac_off = t.off;
        }
    }
    if (room > n)
        (void)stamp_tlv_put_padding(tx + base, room, &n,
                                    room - n - STAMP_TLV_HDR_LEN);
    return n;
}

/* Packet seq as sent now into tx (pkt_len octets). */
static enum ippm_err sender_encode(struct stamp_sender *s, uint32_t seq,
                                   uint64_t now, uint8_t *tx, size_t tx_cap)
{
    struct stamp_sender_pkt pkt = {
        .seq = seq, /* RFC 8762 §4.2.1: from zero, up by one */
        .ts = ippm_ts_from_ns(now, s->cfg.tsfmt),
        .errest = ippm_errest_encode(&s->cfg.errest),
        .ssid = s->cfg.ssid,
    };
    size_t base = stamp_base_len(s->cfg.mode);
    size_t hmac_off = SIZE_MAX;
    if (s->cfg.tlvs && s->cfg.tlvs_len) {
        if (tx_cap < s->cfg.pkt_len)
            return IPPM_ERR_NOSPACE;
        pkt.extra = tx + base;
        pkt.extra_len = sender_tlvs(s, tx, &hmac_off);
    }
    const struct stamp_twl_auth *a = s->cfg.twl_auth;
    if (s->cfg.flavour == STAMP_FLAVOUR_TWAMP_LIGHT)
        return a ? a->encode(a->ctx, tx, tx_cap, s->cfg.pkt_len, &pkt)
                 : stamp_twl_sender_pkt_encode(tx, tx_cap, s->cfg.pkt_len,
                                               &pkt);
    enum ippm_err e = stamp_sender_pkt_encode(tx, tx_cap, s->cfg.pkt_len, &pkt,
                                              s->cfg.mode, &s->cfg.key);
    /* RFC 8972 §4.8: signed over the Sequence Number and the TLVs. */
    if (e == IPPM_OK && hmac_off != SIZE_MAX)
        e = stamp_tlv_hmac_sign(&s->cfg.key, tx, s->cfg.pkt_len, base,
                                hmac_off);
    return e;
}

static enum ippm_err sender_send(struct stamp_sender *s, uint64_t now,
                                 uint8_t *tx, size_t tx_cap,
                                 struct ippm_action *act)
{
    uint32_t seq = s->next_seq;
    enum ippm_err e = sender_encode(s, seq, now, tx, tx_cap);
    if (e != IPPM_OK)
        return e;
    /* The slot's previous request leaves the ring before it is reused. */
    while (seq - s->retired >= s->ring)
        (void)stamp_sender_retire(s, true, NULL, NULL);
    struct stamp_result *r = slot_of(s, seq);
    memset(r, 0, sizeof(*r));
    r->state = STAMP_RES_SENT;
    r->t1_ns = now;
    r->rx_ttl = -1;
    s->next_seq++;
    s->counters.sent++;
    s->last_send_ns = now;
    /* Keep the schedule: a late timer does not shift later sends. */
    s->next_send_ns += s->cfg.interval_ns;
    if (s->has_ar)
        ar_arm(s, seq, now);
    ippm_action_set(act, IPPM_ACT_SEND_DATAGRAM, s->cfg.pkt_len, IPPM_OK, seq);
    return IPPM_OK;
}

/* RFC 8972 §4.6: t expired before the reply came; its packet is sent
 * again (the measured packet is the latest one: t1 moves with it),
 * unless its record left the ring or it was sent again enough. */
static enum ippm_err sender_retransmit(struct stamp_sender *s,
                                       struct stamp_ar_timer *t, uint64_t now,
                                       uint8_t *tx, size_t tx_cap,
                                       struct ippm_action *act)
{
    if (!t->left || t->seq < s->retired) {
        t->armed = false;
        return IPPM_OK;
    }
    enum ippm_err e = sender_encode(s, t->seq, now, tx, tx_cap);
    if (e != IPPM_OK)
        return e;
    slot_of(s, t->seq)->t1_ns = now;
    t->left--;
    t->due_ns = now + s->cfg.ar_timer_ns;
    s->last_send_ns = now;
    s->ar_retransmitted++;
    ippm_action_set(act, IPPM_ACT_SEND_DATAGRAM, s->cfg.pkt_len, IPPM_OK,
                    t->seq);
    return IPPM_OK;
}

static enum ippm_err sender_timer(struct stamp_sender *s, uint64_t now,
                                  uint8_t *tx, size_t tx_cap,
                                  struct ippm_action *act)
{
    if (s->done) {
        ippm_action_set(act, IPPM_ACT_DONE, 0, IPPM_OK, 0);
        return IPPM_OK;
    }
    struct stamp_ar_timer *t = ar_next(s);
    if (t && now >= t->due_ns)
        return sender_retransmit(s, t, now, tx, tx_cap, act);
    if (!sender_all_sent(s)) {
        if (now >= s->next_send_ns)
            return sender_send(s, now, tx, tx_cap, act);
        return IPPM_OK;
    }
    if (!t && now >= sender_wait_end(s)) {
        s->done = true;
        ippm_action_set(act, IPPM_ACT_DONE, 0, IPPM_OK, 0);
    }
    return IPPM_OK;
}

static void sender_drop(struct stamp_sender *s, enum ippm_err why,
                        uint32_t seq, struct ippm_action *act)
{
    s->counters.dropped++;
    s->counters.drop_by[why]++;
    ippm_action_set(act, IPPM_ACT_DROP, 0, why, seq);
}

/* Reads the reflector's two timestamps in the format its Z bit names. */
static void record_reply(struct stamp_result *r,
                         const struct stamp_reflector_pkt *rep,
                         const struct ippm_event *ev)
{
    struct ippm_errest ee = ippm_errest_decode(rep->errest);
    enum ippm_tsfmt fmt = ee.z ? IPPM_TS_PTP : IPPM_TS_NTP;
    bool ok_rx, ok_tx;
    r->state = STAMP_RES_RECEIVED;
    r->t2_ns = ippm_ns_from_ts(rep->rx_ts, fmt, &ok_rx);
    r->t3_ns = ippm_ns_from_ts(rep->ts, fmt, &ok_tx);
    r->ts_malformed = !ok_rx || !ok_tx;
    r->t4_ns = ev->meta->rx_ns ? ev->meta->rx_ns : ev->now_ns;
    r->refl_seq = rep->seq;
    r->refl_ssid = rep->ssid;
    r->refl_ttl = rep->ss_ttl;
    r->rx_ttl = ev->meta->ttl;
    r->refl_errest = rep->errest;
    r->ss_errest = rep->ss_errest;
}

/* RFC 8972 §4: how the reply's TLVs read. U: skipped; M: stop; I or a
 * failed HMAC TLV: discard them all (§4.8). */
static void sender_read_tlvs(const struct stamp_sender *s,
                             const struct ippm_event *ev,
                             const struct stamp_reflector_pkt *rep,
                             struct stamp_result *r)
{
    size_t base = stamp_base_len(s->cfg.mode);
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    uint8_t flags = 0;
    size_t hmac_off = SIZE_MAX;
    stamp_tlv_iter_init(&it, rep->extra, rep->extra_len);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK) {
        flags |= t.flags;
        if (t.type == STAMP_TLV_HMAC && hmac_off == SIZE_MAX)
            hmac_off = t.off;
        if (t.flags & (STAMP_TLV_M | STAMP_TLV_I))
            break;
    }
    r->tlv_flags = flags;
    r->dm = false;
    if (flags & STAMP_TLV_I)
        r->tlv_status = STAMP_TLVS_INTEGRITY;
    else if ((flags & STAMP_TLV_M) || (e != IPPM_OK && e != IPPM_ERR_DONE))
        r->tlv_status = STAMP_TLVS_MALFORMED;
    else if (hmac_off != SIZE_MAX && ippm_hmac_key_ready(&s->cfg.key) &&
             stamp_tlv_hmac_check(&s->cfg.key, ev->data, ev->len, base,
                                  hmac_off) != IPPM_OK)
        r->tlv_status = STAMP_TLVS_INTEGRITY;
    else
        r->tlv_status = STAMP_TLVS_OK;
    if (r->tlv_status != STAMP_TLVS_OK)
        return;
    /* RFC 8972 §4.5: the reflector's counters, for directional loss. */
    stamp_tlv_iter_init(&it, rep->extra, rep->extra_len);
    while (stamp_tlv_next(&it, &t) == IPPM_OK) {
        struct stamp_tlv_direct d;
        if (!(t.flags & STAMP_TLV_U) &&
            stamp_tlv_direct_decode(&t, &d) == IPPM_OK) {
            r->dm = true;
            r->dm_s_txc = d.s_txc;
            r->dm_r_rxc = d.r_rxc;
            r->dm_r_txc = d.r_txc;
            break;
        }
    }
}

/* The first Micro-session ID TLV of a TLV block, RFC 9534 §3.1. */
static bool micro_ids(const uint8_t *p, size_t n, uint16_t *sid,
                      uint16_t *rid)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    stamp_tlv_iter_init(&it, p, n);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        if (stamp_tlv_micro_decode(&t, sid, rid) == IPPM_OK)
            return true;
    return false;
}

/* RFC 9534 §3.2: the reply must come back for our member link (Sender
 * Micro-session ID) and, when we named one, from the reflector's. */
static bool sender_micro_ok(const struct stamp_sender *s,
                            const struct stamp_reflector_pkt *rep)
{
    uint16_t sid, rid, rsid, rrid;
    if (!s->cfg.tlvs || !micro_ids(s->cfg.tlvs, s->cfg.tlvs_len, &sid, &rid))
        return true;
    if (!micro_ids(rep->extra, rep->extra_len, &rsid, &rrid))
        return true; /* not reflected: nothing to validate */
    return rsid == sid && (rid == 0 || rrid == rid);
}

/* The reply's Direct Measurement R_RxC (RFC 8972 §4.5) with bit 32 set,
 * 0 without one: a reflector counts a copy of a request as it arrives. */
static uint64_t reply_dm_rxc(const struct stamp_sender *s,
                             const struct stamp_reflector_pkt *rep)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    struct stamp_tlv_direct d;
    if (!s->cfg.tlvs)
        return 0;
    stamp_tlv_iter_init(&it, rep->extra, rep->extra_len);
    while (stamp_tlv_next(&it, &t) == IPPM_OK) {
        if (t.flags & (STAMP_TLV_U | STAMP_TLV_M | STAMP_TLV_I))
            continue;
        if (stamp_tlv_direct_decode(&t, &d) == IPPM_OK)
            return 1ull << 32 | d.r_rxc;
    }
    return 0;
}

/* Which way a copy was made (ippm_dirs.h): a copy of the reply repeats a
 * reflection, a copy of the request is reflected anew, whatever the
 * reflector. */
static void sender_dup_direction(struct stamp_sender *s,
                                 struct stamp_result *r,
                                 const struct stamp_reflector_pkt *rep)
{
    if (ippm_dir_slot_copy(&r->dir, rep->rx_ts, rep->ts, rep->seq,
                           reply_dm_rxc(s, rep)) == IPPM_WAY_BACKWARD)
        s->counters.dup_backward++;
    else
        s->counters.dup_forward++;
}

/* Reads a reply. Open mode measures one that stops short of the base
 * (a TWAMP-Light reflector's 41 octets, RFC 5357 §4.2.1, or a truncated
 * one) as long as it carries the copied sequence number and both
 * timestamps; authenticated mode wants the whole packet and its HMAC.
 * *have: the fields present (1u << STAMP_F_x). */
static enum ippm_err sender_read_reply(const struct stamp_sender *s,
                                       const struct ippm_event *ev,
                                       struct stamp_reflector_pkt *rep,
                                       uint32_t *have)
{
    enum stamp_mode mode = s->cfg.mode;
    const struct stamp_twl_auth *a = s->cfg.twl_auth;
    if (s->cfg.flavour == STAMP_FLAVOUR_TWAMP_LIGHT && a) {
        /* modes A and E: a whole, checked reply or none (RFC 4656 §4.2) */
        *have = ~(1u << STAMP_F_SSID);
        return a->decode(a->ctx, ev->data, ev->len, rep);
    }
    if (mode == STAMP_MODE_AUTH && ev->len >= stamp_base_len(mode)) {
        enum ippm_err e = stamp_hmac_check(&s->cfg.key, ev->data, ev->len);
        if (e != IPPM_OK)
            return e;
    }
    enum ippm_err e = stamp_reflector_pkt_decode_prefix(rep, ev->data,
                                                        ev->len, mode, have);
    /* TWAMP-Light: 41 octets are a whole reply (RFC 5357 §4.2.1); no SSID
     * and the padding from octet 41. */
    if (e == IPPM_OK && s->cfg.flavour == STAMP_FLAVOUR_TWAMP_LIGHT) {
        *have &= ~(1u << STAMP_F_SSID);
        if (ev->len >= STAMP_TWL_REFLECTOR_LEN)
            e = stamp_twl_reflector_pkt_decode(rep, ev->data, ev->len);
    }
    return e;
}

/* The length from which a reply is whole. */
static size_t sender_reply_base(const struct stamp_sender *s)
{
    if (s->cfg.flavour != STAMP_FLAVOUR_TWAMP_LIGHT)
        return stamp_base_len(s->cfg.mode);
    return s->cfg.twl_auth ? s->cfg.twl_auth->reflector_base
                           : STAMP_TWL_REFLECTOR_LEN;
}

/* A first copy shorter than the base: what it lacks, for the summary. */
static void note_short_reply(struct stamp_sender *s, struct stamp_result *r,
                             size_t len, uint32_t have)
{
    r->short_len = 0;
    r->refl_ttl_absent = !(have & (1u << STAMP_F_SS_TTL));
    if (len >= sender_reply_base(s))
        return;
    struct stamp_sender_counters *c = &s->counters;
    r->short_len = (uint16_t)len;
    if (c->short_replies == 0 || len < c->short_len_min)
        c->short_len_min = (uint16_t)len;
    if (c->short_replies == 0 || len > c->short_len_max)
        c->short_len_max = (uint16_t)len;
    c->short_replies++;
}

static enum ippm_err sender_rx(struct stamp_sender *s,
                               const struct ippm_event *ev,
                               struct ippm_action *act)
{
    struct stamp_reflector_pkt rep;
    uint32_t have = 0;
    enum ippm_err e = sender_read_reply(s, ev, &rep, &have);
    if (e != IPPM_OK) {
        sender_drop(s, e, 0, act);
        return IPPM_OK;
    }
    uint32_t seq = rep.ss_seq;
    /* Never sent, or sent so long ago that its record left the ring: a
     * reply too late to match is not this session's any more. */
    if (seq >= s->next_seq || seq < s->retired ||
        slot_of(s, seq)->state == STAMP_RES_PENDING) {
        sender_drop(s, IPPM_ERR_UNEXPECTED, seq, act);
        return IPPM_OK;
    }
    struct stamp_result *r = slot_of(s, seq);
    if (!sender_micro_ok(s, &rep)) {
        sender_drop(s, STAMP_ERR_MEMBER_LINK, seq, act);
        return IPPM_OK;
    }
    if (r->state == STAMP_RES_RECEIVED &&
        stamp_repeat_expected(r, &rep, s->asked_replies)) {
        s->counters.copies++;
        ippm_action_set(act, IPPM_ACT_DROP, 0, IPPM_OK, seq);
        return IPPM_OK;
    }
    if (r->state == STAMP_RES_RECEIVED) {
        if (r->duplicates < UINT16_MAX)
            r->duplicates++;
        s->counters.duplicates++;
        sender_dup_direction(s, r, &rep);
        ippm_action_set(act, IPPM_ACT_DROP, 0, IPPM_ERR_DUPLICATE, seq);
        return IPPM_OK;
    }
    record_reply(r, &rep, ev);
    ar_disarm(s, seq);
    note_short_reply(s, r, ev->len, have);
    ippm_dir_slot_first(&r->dir, rep.rx_ts, rep.ts, rep.seq,
                        reply_dm_rxc(s, &rep));
    if (r->t4_ns > r->t1_ns && r->t4_ns - r->t1_ns > s->rtt_max_ns)
        s->rtt_max_ns = r->t4_ns - r->t1_ns;
    if (s->cfg.tlvs && rep.extra_len)
        sender_read_tlvs(s, ev, &rep, r);
    r->arrival = (uint32_t)s->counters.received++;
    if (s->asked_replies > 1 &&
        stamp_repeat_refused(rep.extra, rep.extra_len))
        s->counters.copies_refused++;
    r->reordered = ippm_reorder_observe(&s->reorder, seq);
    s->counters.reordered += r->reordered;
    ippm_action_set(act, IPPM_ACT_NONE, 0, IPPM_OK, seq);
    act->view = rep.extra;
    act->view_len = rep.extra_len;
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_sender_handle(struct stamp_sender *s,
                                  const struct ippm_event *ev, uint8_t *tx,
                                  size_t tx_cap, struct ippm_action *act)
{
    ippm_action_set(act, IPPM_ACT_NONE, 0, IPPM_OK, 0);
    switch (ev->kind) {
    case IPPM_EV_TIMER:
        if (!tx)
            return IPPM_ERR_BAD_ARG;
        return sender_timer(s, ev->now_ns, tx, tx_cap, act);
    case IPPM_EV_DATAGRAM:
        if (!ev->data || !ev->meta)
            return IPPM_ERR_BAD_ARG;
        return sender_rx(s, ev, act);
    case IPPM_EV_STOP:
        s->done = true;
        ippm_action_set(act, IPPM_ACT_DONE, 0, IPPM_OK, 0);
        return IPPM_OK;
    case IPPM_EV_BYTES: /* a datagram protocol: no stream */
    case IPPM_EV_CLOSED:
        break;
    }
    return IPPM_ERR_BAD_ARG;
}

/* ---- statistics ---- */

/* see stamp.h */
int64_t stamp_result_rtt(const struct stamp_result *r)
{
    int64_t total = (int64_t)(r->t4_ns - r->t1_ns);
    if (r->ts_malformed)
        return total;
    /* Subtract the reflector's residence time, as TWAMP does. */
    return total - (int64_t)(r->t3_ns - r->t2_ns);
}

/* RFC 8972 §4.5: remembers the first and the last reply carrying Direct
 * Measurement, and the requests not answered between them, as records
 * retire in sequence order. */
static void fold_dm(struct stamp_sender_acc *a, const struct stamp_result *r)
{
    if (r->state != STAMP_RES_RECEIVED) {
        a->dm_lost_run += a->dm_any;
        a->dm_lost_head += !a->dm_any;
        return;
    }
    if (!r->dm)
        return;
    if (!a->dm_any) {
        a->dm_any = true;
        a->dm_first_s_txc = r->dm_s_txc;
        a->dm_first_r_rxc = r->dm_r_rxc;
    }
    a->dm_lost_in += a->dm_lost_run;
    a->dm_lost_run = 0;
    a->dm_last_s_txc = r->dm_s_txc;
    a->dm_last_r_rxc = r->dm_r_rxc;
}

/* A record leaves the ring in its final state: into the statistics. */
static void sender_fold(struct stamp_sender *s, uint32_t seq,
                        const struct stamp_result *r)
{
    struct stamp_sender_acc *a = &s->acc;
    fold_dm(a, r);
    if (r->state != STAMP_RES_RECEIVED) {
        ippm_dir_loss_lost(&a->dir_loss);
        return;
    }
    ippm_dir_loss_received(&a->dir_loss, r->dir.refl_lo, r->dir.refl_hi);
    int64_t rtt = stamp_result_rtt(r);
    ippm_dist_add(&a->rtt, rtt);
    ippm_owd_trust_add(&a->clocks, r->ss_errest, r->refl_errest);
    if (!r->ts_malformed) {
        ippm_dist_add(&a->fwd, (int64_t)(r->t2_ns - r->t1_ns));
        ippm_dist_add(&a->bwd, (int64_t)(r->t4_ns - r->t3_ns));
    }
    /* RFC 3393 with consecutive sequence numbers as the selection
     * function: both packets of the pair must have arrived. */
    int64_t d;
    if (ippm_ipdv_next(&a->ipdv_pair, seq, rtt, &d)) {
        ippm_dist_add(&a->ipdv, d);
        ippm_sum_add(&a->ipdv_abs, d < 0 ? -d : d);
    }
    /* A stateful reflector's numbers differ from ours (RFC 8762 §4). */
    if (r->refl_seq != seq)
        a->stateful = true;
}

/* see stamp.h */
bool stamp_sender_retire(struct stamp_sender *s, bool flush, uint32_t *seq,
                         struct stamp_result *out)
{
    if (s->retired >= s->next_seq)
        return false;
    bool full = s->next_seq - s->retired >= s->ring;
    if (!flush && !(full && !sender_all_sent(s)))
        return false;
    uint32_t q = s->retired++;
    const struct stamp_result *r = slot_of(s, q);
    sender_fold(s, q, r);
    if (seq)
        *seq = q;
    if (out)
        *out = *r;
    return true;
}

/* A stateful reflector numbers what it transmits from zero (RFC 8762
 * §4.3.1): its gaps are replies lost on the way back (ippm_dirs.h). Its
 * numbers differing from ours prove it stateful; else the user may say. */
static void directional_loss(const struct stamp_sender *s,
                             struct stamp_stats *st)
{
    const struct ippm_dir_loss *l = &s->acc.dir_loss;
    if (s->acc.stateful)
        st->directional_by = STAMP_DIR_STATEFUL;
    else if (s->cfg.reflector == STAMP_REFLECTOR_STATEFUL)
        st->directional_by = STAMP_DIR_STATED;
    else
        return;
    st->directional = true;
    st->lost_forward = l->forward;
    st->lost_backward = l->backward;
    st->lost_unknown = ippm_dir_loss_unsplit(l);
}

/* RFC 8972 §4.5: between two replies carrying Direct Measurement, the
 * sender sent S_TxC(b) - S_TxC(a) requests and the reflector received
 * R_RxC(b) - R_RxC(a) of them; the rest were lost on the way there. The
 * packets sent in that span and not answered, less those, were lost on
 * the way back. Works with a stateless reflector too (whose counters
 * count every sender's packets: the split is exact while it serves only
 * us). Returns false when fewer than one reply carried the counters. */
static bool dm_directional_loss(const struct stamp_sender *s,
                                struct stamp_stats *st)
{
    const struct stamp_sender_acc *a = &s->acc;
    if (!a->dm_any)
        return false;
    uint64_t sent = (uint32_t)(a->dm_last_s_txc - a->dm_first_s_txc);
    uint64_t arrived = (uint32_t)(a->dm_last_r_rxc - a->dm_first_r_rxc);
    /* A duplicated request arrives twice: the copies seen are not
     * arrivals of requests, and loss is never negative. */
    arrived -= arrived > s->counters.dup_forward ? s->counters.dup_forward
                                                 : arrived;
    uint64_t fwd = sent > arrived ? sent - arrived : 0;
    uint64_t lost_in = a->dm_lost_in;
    if (fwd > lost_in)
        fwd = lost_in;
    st->directional = true;
    st->directional_by = STAMP_DIR_DM;
    st->lost_forward = fwd;
    st->lost_backward = lost_in - fwd;
    /* Before the first and after the last reply with counters. */
    st->lost_unknown = a->dm_lost_head + a->dm_lost_run;
    return true;
}

/* see stamp.h */
void stamp_sender_stats(struct stamp_sender *s, struct stamp_stats *out)
{
    struct stamp_stats st;
    while (stamp_sender_retire(s, true, NULL, NULL))
        ;
    memset(&st, 0, sizeof(st));
    st.sent = s->counters.sent;
    st.received = s->counters.received;
    st.lost = st.sent - st.received;
    st.duplicated = s->counters.duplicates;
    st.reordered = s->counters.reordered;
    st.dup_forward = s->counters.dup_forward;
    st.dup_backward = s->counters.dup_backward;
    if (s->asked_replies > 1) {
        st.copies_asked = s->asked_replies;
        st.copies_refused = s->counters.copies_refused;
        st.copies_expected =
            (s->asked_replies - 1u) * (st.received - st.copies_refused);
        st.copies = s->counters.copies;
    }
    st.loss_pct = st.sent ? 100.0 * (double)st.lost / (double)st.sent : 0;
    if (!dm_directional_loss(s, &st))
        directional_loss(s, &st);
    ippm_dist_summary(&s->acc.fwd, &st.fwd);
    ippm_dist_summary(&s->acc.bwd, &st.bwd);
    ippm_dist_summary(&s->acc.ipdv, &st.ipdv);
    st.jitter_ns = s->acc.ipdv.n ? ippm_sum_value(&s->acc.ipdv_abs) /
                                       (double)s->acc.ipdv.n
                                 : 0;
    ippm_dist_summary(&s->acc.rtt, &st.rtt);
    st.clocks = s->acc.clocks;
    *out = st;
}

/* see stamp.h */
bool stamp_sender_tx_time(struct stamp_sender *s, uint32_t seq,
                          uint64_t tx_ns)
{
    if (seq < s->retired || seq >= s->next_seq)
        return false;
    struct stamp_result *r = slot_of(s, seq);
    if (tx_ns < r->t1_ns || tx_ns - r->t1_ns > STAMP_TX_TIME_MAX_LAG_NS)
        return false;
    r->t1_ns = tx_ns;
    return true;
}
