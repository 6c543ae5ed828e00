/* STAMP test sessions: the Session-Reflector (RFC 8762 §4.3) and the
 * Session-Sender (§4.2) as event-in, action-out state machines. */
#include "stamp.h"
#include "stamp_repeat.h"

#include <string.h>

#include "../common/ippm_cur.h"

/* ---- Session-Reflector ---- */

/* Carves mem into the sessions, the per-source counts and the two
 * tables, in the order of STAMP_REFLECTOR_STORE_SIZE. */
static enum ippm_err sessions_carve(struct stamp_reflector *r, uint8_t *mem,
                                    size_t mem_len, size_t n)
{
    size_t need = stamp_reflector_store_size(n);
    if (!mem || need == 0 || mem_len < need || (uintptr_t)mem % 8 != 0)
        return IPPM_ERR_BAD_ARG;
    const uint8_t *seed = r->cfg.session_seed;
    size_t key_mem = IPPM_TABLE_SIZE(n, STAMP_REFLECTOR_SESSION_KEY_LEN);
    size_t src_mem = IPPM_TABLE_SIZE(n, STAMP_REFLECTOR_SOURCE_KEY_LEN);
    uint8_t *counts = mem + n * sizeof(struct stamp_reflector_session);
    uint8_t *key_at = counts + (n * 4 + 7) / 8 * 8;
    if (ippm_table_init(&r->by_key, key_at, key_mem, n,
                        STAMP_REFLECTOR_SESSION_KEY_LEN, seed) != IPPM_OK ||
        ippm_table_init(&r->by_source, key_at + key_mem, src_mem, n,
                        STAMP_REFLECTOR_SOURCE_KEY_LEN, seed) != IPPM_OK)
        return IPPM_ERR_BAD_ARG;
    r->sessions = (struct stamp_reflector_session *)(void *)mem;
    r->source_sessions = (uint32_t *)(void *)counts;
    r->n_sessions = n;
    r->sessions_used = 0;
    return IPPM_OK;
}

/* see stamp.h */
void stamp_reflector_init(struct stamp_reflector *r,
                          const struct stamp_reflector_config *cfg)
{
    memset(r, 0, sizeof(*r));
    r->cfg = *cfg;
    (void)sessions_carve(r, (uint8_t *)r->store, sizeof(r->store),
                         STAMP_REFLECTOR_SESSIONS);
    /* RFC 4656 §4.1.2: Multiplier MUST NOT be zero. */
    if (r->cfg.errest.mult == 0)
        r->cfg.errest.mult = 1;
    /* RFC 8762 §4.3.1: Z tells the format of the reflector's timestamps. */
    r->cfg.errest.z = cfg->tsfmt == IPPM_TS_PTP;
}

/* see stamp.h */
size_t stamp_reflector_store_size(size_t n)
{
    if (n == 0 || n > STAMP_REFLECTOR_SESSIONS_MAX)
        return 0;
    return STAMP_REFLECTOR_STORE_SIZE(n);
}

/* see stamp.h */
enum ippm_err stamp_reflector_set_sessions(struct stamp_reflector *r, void *mem,
                                           size_t mem_len, size_t n)
{
    return sessions_carve(r, mem, mem_len, n);
}

/* Packs an address with its zone (ippm_addr_key): fe80::1 on two links
 * is two peers. */
static size_t put_addr(uint8_t *k, const struct ippm_addr *a)
{
    return ippm_addr_key(k, a);
}

static size_t put_u16(uint8_t *k, uint16_t v)
{
    k[0] = (uint8_t)(v >> 8);
    k[1] = (uint8_t)v;
    return 2;
}

/* RFC 8972 §3: a session is the 4-tuple together with the SSID. */
static void session_key(uint8_t k[STAMP_REFLECTOR_SESSION_KEY_LEN],
                        const struct ippm_rx_meta *m, uint16_t ssid)
{
    size_t n = put_addr(k, &m->peer);
    n += put_u16(k + n, m->peer.port);
    n += put_addr(k + n, &m->local);
    n += put_u16(k + n, m->local.port);
    put_u16(k + n, ssid);
}

/* The source a session is counted against: ippm_addr_source_key (an
 * IPv6 address's /64, an IPv4 or IPv4-mapped address whole). */
static void source_key(uint8_t k[STAMP_REFLECTOR_SOURCE_KEY_LEN],
                       const struct ippm_addr *peer)
{
    ippm_addr_source_key(k, peer);
}

/* Takes session i out, and its source's count down (the source leaves
 * its table with its last session). */
static void session_close(struct stamp_reflector *r, uint32_t i)
{
    uint32_t src = r->sessions[i].source;
    (void)ippm_table_remove(&r->by_key, i);
    if (--r->source_sessions[src] == 0)
        (void)ippm_table_remove(&r->by_source, src);
    r->sessions_used--;
    r->counters.sessions_evicted++;
}

static bool session_idle(const struct stamp_reflector *r,
                         const struct stamp_reflector_session *s, uint64_t now)
{
    return r->cfg.session_timeout_ns &&
           now - s->last_ns > r->cfg.session_timeout_ns;
}

/* Sessions closed for idleness at most per packet: the work a packet
 * causes stays bounded (about 0.3 ms) after a long quiet spell. */
#define EXPIRE_BATCH 1024

/* Closes sessions idle past the timeout, up to EXPIRE_BATCH: they are
 * the least recently used, so they are taken from the old end until a
 * live one. Each session is closed once: O(1) amortised per session. */
static void sessions_expire(struct stamp_reflector *r, uint64_t now)
{
    for (int n = 0; n < EXPIRE_BATCH; n++) {
        uint32_t i = ippm_table_oldest(&r->by_key);
        if (i == IPPM_TABLE_NIL || !session_idle(r, &r->sessions[i], now))
            return;
        session_close(r, i);
    }
}

/* The source address's entry, and whether it may open another session:
 * under cfg.max_sessions_per_source once its idle sessions are gone. */
static bool source_admits(struct stamp_reflector *r, const uint8_t *src_key,
                          uint64_t now)
{
    uint32_t limit = r->cfg.max_sessions_per_source;
    uint32_t src = ippm_table_find(&r->by_source, src_key);
    if (limit == 0 || src == IPPM_TABLE_NIL || r->source_sessions[src] < limit)
        return true;
    sessions_expire(r, now);
    src = ippm_table_find(&r->by_source, src_key);
    return src == IPPM_TABLE_NIL || r->source_sessions[src] < limit;
}

/* A new session for key, from m's source. When the table is full the
 * least recently used session makes room (counted), idle or not: a table
 * that refused newcomers instead could be held by whoever filled it
 * first (issue 10 item 3). NULL when the source is at its limit. */
static struct stamp_reflector_session *
session_open(struct stamp_reflector *r, const struct ippm_rx_meta *m,
             const uint8_t *key, uint64_t now)
{
    uint8_t src_key[STAMP_REFLECTOR_SOURCE_KEY_LEN];
    source_key(src_key, &m->peer);
    if (!source_admits(r, src_key, now)) {
        r->counters.sessions_refused_source++;
        return NULL;
    }
    if (ippm_table_count(&r->by_key) == r->n_sessions)
        session_close(r, ippm_table_oldest(&r->by_key));
    /* Found after the eviction, which may have taken the source's last
     * session and so its entry. Neither add can fail: a session was
     * free, and there are no more sources than sessions. */
    uint32_t src = ippm_table_find(&r->by_source, src_key), i;
    if (src == IPPM_TABLE_NIL) {
        (void)ippm_table_add(&r->by_source, src_key, &src);
        r->source_sessions[src] = 0;
    }
    (void)ippm_table_add(&r->by_key, key, &i);
    r->source_sessions[src]++;
    r->sessions_used++;
    struct stamp_reflector_session *s = &r->sessions[i];
    memset(s, 0, sizeof(*s));
    s->source = src;
    return s;
}

/* The session of the request (RFC 8972 §3: the 4-tuple and the SSID), made
 * the most recently used; a new one when there is none. */
static struct stamp_reflector_session *
session_lookup(struct stamp_reflector *r, const struct ippm_rx_meta *m,
               uint16_t ssid, uint64_t now)
{
    uint8_t key[STAMP_REFLECTOR_SESSION_KEY_LEN];
    session_key(key, m, ssid);
    uint32_t i = ippm_table_find(&r->by_key, key);
    if (i == IPPM_TABLE_NIL)
        return session_open(r, m, key, now);
    struct stamp_reflector_session *s = &r->sessions[i];
    /* An idle session that comes back is a new test session. */
    if (session_idle(r, s, now)) {
        s->next_seq = 0;
        s->have_prev = false;
    }
    ippm_table_touch(&r->by_key, i);
    return s;
}

/* RFC 8762 §4.3.1: stateless copies the sender's number; stateful counts
 * the packets it transmits in this session, from zero. */
static bool reflector_seq(struct stamp_reflector *r,
                          const struct stamp_sender_pkt *req,
                          const struct ippm_rx_meta *m, uint64_t now,
                          uint32_t *seq, struct stamp_reflector_session **sp)
{
    *sp = NULL;
    if (!r->cfg.stateful) {
        *seq = req->seq;
        return true;
    }
    struct stamp_reflector_session *s = session_lookup(r, m, req->ssid, now);
    if (!s)
        return false;
    s->last_ns = now;
    s->packets++;
    *seq = s->next_seq++;
    *sp = s;
    return true;
}

/* RFC 8762 §4.6: a TWAMP-Light packet shorter than the base is read as
 * far as it goes, and answered with a base packet. */
static void decode_short_request(struct stamp_sender_pkt *p,
                                 const uint8_t *buf, size_t len)
{
    uint8_t base[STAMP_BASE_LEN] = {0};
    memcpy(base, buf, len);
    (void)stamp_sender_pkt_decode(p, base, sizeof(base), STAMP_MODE_OPEN);
    p->extra = NULL;
    p->extra_len = 0;
}

static enum ippm_err reflector_read_request(const struct stamp_reflector *r,
                                            const struct ippm_event *ev,
                                            struct stamp_sender_pkt *req,
                                            size_t *reply_len)
{
    enum stamp_mode mode = r->cfg.mode;
    size_t base = stamp_base_len(mode);
    if (ev->len < base) {
        if (!r->cfg.reply_to_short || mode != STAMP_MODE_OPEN)
            return IPPM_ERR_SHORT;
        decode_short_request(req, ev->data, ev->len);
        *reply_len = base;
        return IPPM_OK;
    }
    /* RFC 8762 §4.4: HMAC MUST be verified as early as possible. */
    if (mode == STAMP_MODE_AUTH) {
        enum ippm_err e = stamp_hmac_check(&r->cfg.key, ev->data, ev->len);
        if (e != IPPM_OK)
            return e;
    }
    *reply_len = ev->len;
    return stamp_sender_pkt_decode(req, ev->data, ev->len, mode);
}

/* RFC 8972 §3: ssid is 0 (not used), one the reflector is provisioned
 * with, or any when none is. */
static bool reflector_ssid_matches(const struct stamp_reflector *r,
                                   uint16_t ssid)
{
    if (!ssid || !r->cfg.n_ssids)
        return true;
    for (size_t k = 0; k < r->cfg.n_ssids && k < STAMP_REFLECTOR_SSIDS_MAX;
         k++)
        if (r->cfg.ssids[k] == ssid)
            return true;
    return false;
}

static void reflector_drop(struct stamp_reflector *r, enum ippm_err why,
                           struct ippm_action *act)
{
    r->counters.dropped++;
    r->counters.drop_by[why < STAMP_ERR_COUNT_ ? why : IPPM_ERR_BAD_VALUE]++;
    ippm_action_set(act, IPPM_ACT_DROP, 0, why, 0);
}

/* RFC 8972 §4: the reply's TLVs, built in tx past the base. The request
 * may be tx itself (a driver answering in place). */
static enum ippm_err reflector_tlvs(struct stamp_reflector *r,
                                    const struct ippm_event *ev,
                                    const struct stamp_reflector_session *s,
                                    uint8_t *tx, size_t tx_cap,
                                    struct stamp_tlv_result *tr)
{
    size_t base = stamp_base_len(r->cfg.mode);
    /* Direct Measurement, §4.5: per session when stateful, else the
     * reflector's own counts; this packet and this reply included. */
    uint64_t rx = s ? s->packets : r->counters.rx;
    uint64_t txc = s ? s->next_seq : r->counters.tx + 1;
    struct stamp_tlv_ctx c = {
        .mode = r->cfg.mode,
        .key = &r->cfg.key,
        .require_hmac = r->cfg.tlv_hmac,
        .meta = ev->meta,
        .req = ev->data,
        .req_len = ev->len,
        .base = base,
        .stateful = r->cfg.stateful,
        .rx_count = (uint32_t)rx,
        .tx_count = (uint32_t)txc,
        .have_prev = s && s->have_prev,
        .prev_seq = s ? s->prev_seq : 0,
        .prev_ts = s ? s->prev_ts : 0,
        .sync_src = r->cfg.sync_src,
        .ts_in = r->cfg.ts_in,
        .ts_out = r->cfg.ts_out,
        .fu_mode = s && s->prev_mode ? s->prev_mode : r->cfg.ts_out,
        .dscp_permitted = r->cfg.dscp_permitted,
        .micro_session_id = r->cfg.micro_session_id,
        .max_reply_len = r->cfg.max_reply_len,
        .max_count = stamp_repeat_allowance(r, ev->now_ns),
        .min_interval_ns = r->cfg.repeat.min_interval_ns
                               ? r->cfg.repeat.min_interval_ns
                               : STAMP_REPEAT_MIN_INTERVAL_NS,
    };
    if (tx_cap < base)
        return IPPM_ERR_NOSPACE;
    return stamp_tlv_reflect(&c, tx + base, tx_cap - base, tr);
}

/* The slot of sent_ts a Timestamp value goes to (Fibonacci hashing: the
 * values are consecutive clock readings; an attacker gains nothing by
 * aiming at a slot, he can only make a loop be seen one round later). */
static size_t sent_slot(uint64_t ts)
{
    return (size_t)((ts * 0x9E3779B97F4A7C15ull) >>
                    (64 - STAMP_REFLECTOR_SENT_BITS));
}

/* The reply's field f of the datagram read as one of our replies holds a
 * Timestamp this reflector sent. */
static bool carries_sent_ts(const struct stamp_reflector *r,
                            const struct ippm_event *ev, enum stamp_field f)
{
    const struct stamp_span sp =
        stamp_layout_get(STAMP_PKT_REFLECTOR, r->cfg.mode)->field[f];
    if (ev->len < (size_t)sp.off + sp.len)
        return false;
    uint64_t v = ippm_load_u64(ev->data + sp.off);
    return v != 0 && r->sent_ts[sent_slot(v)] == v;
}

/* Issue 10 item 1: a STAMP reply is a valid request (RFC 8762 §4.3 fills
 * what a request leaves MBZ, and §4.2 says to ignore MBZ on receipt), so
 * two reflectors on ports nobody denies answer each other for ever. Each
 * knows its own reply when it comes back: echoed, its Timestamp is one we
 * sent; reflected by the other, its Session-Sender Timestamp is. A
 * sender's request carries its own clock's reading in the one and zeros
 * (or TWAMP-Light padding) in the other: equal to a value we sent only by
 * a 2^-64 chance. */
static bool reflector_own_reply(const struct stamp_reflector *r,
                                const struct ippm_event *ev)
{
    return carries_sent_ts(r, ev, STAMP_F_TS) ||
           carries_sent_ts(r, ev, STAMP_F_SS_TS);
}

static enum ippm_err reflector_rx(struct stamp_reflector *r,
                                  const struct ippm_event *ev, uint8_t *tx,
                                  size_t tx_cap, struct ippm_action *act)
{
    struct stamp_sender_pkt req;
    size_t reply_len = 0;
    const struct ippm_rx_meta *m = ev->meta;
    r->counters.rx++;
    if (reflector_own_reply(r, ev)) {
        reflector_drop(r, STAMP_ERR_OWN_REPLY, act);
        return IPPM_OK;
    }
    enum ippm_err e = reflector_read_request(r, ev, &req, &reply_len);
    if (e == IPPM_OK && !reflector_ssid_matches(r, req.ssid))
        e = IPPM_ERR_UNKNOWN_SESSION;
    if (e == IPPM_OK && tx_cap < reply_len)
        e = IPPM_ERR_NOSPACE;
    if (e != IPPM_OK) {
        reflector_drop(r, e, act);
        return IPPM_OK;
    }
    uint32_t seq;
    struct stamp_reflector_session *sess;
    if (!reflector_seq(r, &req, m, ev->now_ns, &seq, &sess)) {
        reflector_drop(r, IPPM_ERR_SESSION_FULL, act);
        return IPPM_OK;
    }
    uint64_t rx_ns = m->rx_ns ? m->rx_ns : ev->now_ns;
    /* Timestamp is taken at the start of transmission, which cannot
     * precede reception even if the driver's two clocks disagree. */
    uint64_t tx_ns = ev->now_ns > rx_ns ? ev->now_ns : rx_ns;
    uint64_t ts = ippm_ts_from_ns(tx_ns, r->cfg.tsfmt);
    struct stamp_tlv_result tr = {.hmac_off = SIZE_MAX, .tos = -1};
    if (r->cfg.tlv && req.extra_len) {
        e = reflector_tlvs(r, ev, sess, tx, tx_cap, &tr);
        if (e == IPPM_OK && tr.drop != IPPM_OK)
            e = tr.drop;
        if (e != IPPM_OK) {
            if (sess) /* nothing was transmitted: no number used */
                sess->next_seq--;
            reflector_drop(r, e, act);
            return IPPM_OK;
        }
        req.extra = tx + stamp_base_len(r->cfg.mode);
        req.extra_len = tr.len;
        reply_len = stamp_base_len(r->cfg.mode) + tr.len;
    }
    struct stamp_reflector_pkt rep = {
        .seq = seq,
        .ts = ts,
        .errest = ippm_errest_encode(&r->cfg.errest),
        .ssid = req.ssid, /* RFC 8972 §3: MUST copy the SSID */
        .rx_ts = ippm_ts_from_ns(rx_ns, r->cfg.tsfmt),
        .ss_seq = req.seq,
        .ss_ts = req.ts,
        .ss_errest = req.errest,
        .ss_ttl = m->ttl >= 0 ? (uint8_t)m->ttl : 0,
        /* RFC 8762 §4.3: copy the content beyond the base packet. */
        .extra = req.extra,
        .extra_len = req.extra_len,
    };
    e = stamp_reflector_pkt_encode(tx, tx_cap, reply_len, &rep, r->cfg.mode,
                                   &r->cfg.key);
    /* RFC 8972 §4.8: the HMAC TLV covers the reply's Sequence Number and
     * the TLVs before it. */
    if (e == IPPM_OK && tr.hmac_off != SIZE_MAX)
        e = stamp_tlv_hmac_sign(&r->cfg.key, tx, reply_len,
                                stamp_base_len(r->cfg.mode), tr.hmac_off);
    if (e != IPPM_OK) {
        reflector_drop(r, e, act);
        return IPPM_OK;
    }
    r->counters.tx++;
    r->sent_ts[sent_slot(ts)] = ts;
    r->last_tx = (struct stamp_tx_ref){0};
    if (sess) { /* RFC 8972 §4.7: what the next Follow-Up reports */
        sess->have_prev = true;
        sess->prev_seq = seq;
        sess->prev_ts = ts;
        sess->prev_mode = 0;
        r->last_tx = (struct stamp_tx_ref){
            tr.followup, (uint32_t)(sess - r->sessions), seq};
    }
    ippm_action_set(act, IPPM_ACT_SEND_DATAGRAM, reply_len, IPPM_OK, req.seq);
    act->tos = tr.tos;
    if (tr.count > 1) /* asymmetrical: the rest as TIMER events */
        stamp_repeat_schedule(r, tx, reply_len, m, req.seq, tr.tos, tr.count,
                              tr.interval_ns, tx_ns);
    return IPPM_OK;
}

/* see stamp.h */
uint64_t stamp_reflector_deadline(const struct stamp_reflector *r)
{
    return stamp_repeat_next(&r->repeat);
}

/* see stamp.h */
struct stamp_timer_dest stamp_reflector_timer_dest(
    const struct stamp_reflector *r)
{
    return r->repeat.dest;
}

/* TIMER: the next asymmetrical copy due, a reply like any other. */
static enum ippm_err reflector_timer(struct stamp_reflector *r, uint64_t now,
                                     uint8_t *tx, size_t tx_cap,
                                     struct ippm_action *act)
{
    uint64_t ts;
    uint32_t seq;
    int16_t tos;
    size_t len = stamp_repeat_take(r, now, tx, tx_cap, &ts, &seq, &tos);
    if (!len)
        return IPPM_OK;
    r->counters.tx++;
    r->sent_ts[sent_slot(ts)] = ts;
    ippm_action_set(act, IPPM_ACT_SEND_DATAGRAM, len, IPPM_OK, seq);
    act->tos = tos;
    return IPPM_OK;
}

/* A reply is a valid request: in open mode the two have one length and
 * the reply's fields fall in the request's MBZ; in authenticated mode both
 * HMACs cover the first 96 octets with the same key (RFC 8762 §4.4), so a
 * reply's HMAC verifies as a request's too. The fields that tell them
 * apart are MBZ in the request (the 70 octets after its Error Estimate,
 * §4.2.2, hold the reply's Receive Timestamp, Session-Sender fields and
 * TTL, §4.3.2), and §4.2.1/§4.2.2 say MBZ "MUST be ignored on receipt":
 * a reflector may not refuse a request for them. So it refuses by source
 * instead, before reading anything (issue 10 item 1): never its own
 * address and port (a spoofed request would loop), and by default not its
 * own port nor a reflecting service's (two reflectors, or an echo
 * service, would answer each other for ever). Returns true when ev is
 * refused, with the DROP in act. */
static bool reflector_refuses_source(struct stamp_reflector *r,
                                     const struct ippm_event *ev,
                                     struct ippm_action *act)
{
    static const enum ippm_err why[IPPM_SRC_VERDICT_COUNT_] = {
        [IPPM_SRC_SELF] = STAMP_ERR_SELF_SOURCE,
        [IPPM_SRC_OWN_PORT] = STAMP_ERR_OWN_PORT,
        [IPPM_SRC_REFLECTING_PORT] = STAMP_ERR_REFLECTING_PORT,
    };
    static const enum ippm_err admit_why[] = {
        [IPPM_ADMIT_DENIED] = STAMP_ERR_SOURCE_DENIED,
        [IPPM_ADMIT_RATE_LIMITED] = STAMP_ERR_RATE_LIMITED,
    };
    enum ippm_src_verdict v = ippm_src_check(&r->cfg.src, ev->meta);
    enum ippm_admit_verdict a = IPPM_ADMIT_OK;
    /* RFC 8762 §6: the operator's list and rate after the loop rules. */
    if (v == IPPM_SRC_OK)
        a = ippm_admit_check(&r->cfg.prefixes, r->cfg.ratelimit,
                             &ev->meta->peer, ev->now_ns);
    if (v == IPPM_SRC_OK && a == IPPM_ADMIT_OK)
        return false;
    r->counters.rx++;
    reflector_drop(r, v != IPPM_SRC_OK ? why[v] : admit_why[a], act);
    return true;
}

/* see stamp.h */
enum ippm_err stamp_reflector_handle(struct stamp_reflector *r,
                                     const struct ippm_event *ev,
                                     uint8_t *tx, size_t tx_cap,
                                     struct ippm_action *act)
{
    ippm_action_set(act, IPPM_ACT_NONE, 0, IPPM_OK, 0);
    switch (ev->kind) {
    case IPPM_EV_DATAGRAM:
        if (!ev->data || !ev->meta || !tx)
            return IPPM_ERR_BAD_ARG;
        if (reflector_refuses_source(r, ev, act))
            return IPPM_OK;
        return reflector_rx(r, ev, tx, tx_cap, act);
    case IPPM_EV_TIMER:
        return tx ? reflector_timer(r, ev->now_ns, tx, tx_cap, act)
                  : IPPM_ERR_BAD_ARG;
    case IPPM_EV_STOP:
        ippm_action_set(act, IPPM_ACT_DONE, 0, IPPM_OK, 0);
        return IPPM_OK;
    case IPPM_EV_BYTES: /* a datagram protocol: no stream */
    case IPPM_EV_CLOSED:
        break;
    }
    return IPPM_ERR_BAD_ARG;
}

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
    if (cfg->pkt_len < stamp_base_len(cfg->mode) ||
        cfg->pkt_len > STAMP_MAX_LEN || cfg->count == 0 || !res || n_res == 0)
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
    if (mode == STAMP_MODE_AUTH && ev->len >= stamp_base_len(mode)) {
        enum ippm_err e = stamp_hmac_check(&s->cfg.key, ev->data, ev->len);
        if (e != IPPM_OK)
            return e;
    }
    return stamp_reflector_pkt_decode_prefix(rep, ev->data, ev->len, mode,
                                             have);
}

/* A first copy shorter than the base: what it lacks, for the summary. */
static void note_short_reply(struct stamp_sender *s, struct stamp_result *r,
                             size_t len, uint32_t have)
{
    r->short_len = 0;
    r->refl_ttl_absent = !(have & (1u << STAMP_F_SS_TTL));
    if (len >= stamp_base_len(s->cfg.mode))
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

/* Keeps the Z bit: the timestamp format is the session's, not the clock's. */
static void take_errest(struct ippm_errest *dst, struct ippm_errest e)
{
    e.z = dst->z;
    if (e.mult == 0)
        e.mult = 1;
    *dst = e;
}

/* see stamp.h */
void stamp_reflector_set_clock(struct stamp_reflector *r,
                               struct ippm_errest errest, uint8_t sync_src)
{
    take_errest(&r->cfg.errest, errest);
    r->cfg.sync_src = sync_src;
}

/* see stamp.h */
void stamp_sender_set_errest(struct stamp_sender *s, struct ippm_errest e)
{
    take_errest(&s->cfg.errest, e);
}

/* see stamp.h */
struct stamp_tx_ref stamp_reflector_last_tx(const struct stamp_reflector *r)
{
    return r->last_tx;
}

/* see stamp.h */
void stamp_reflector_tx_time(struct stamp_reflector *r,
                             struct stamp_tx_ref ref, uint64_t tx_ns,
                             uint8_t mode)
{
    if (!ref.valid || ref.session >= r->n_sessions)
        return;
    struct stamp_reflector_session *s = &r->sessions[ref.session];
    if (!s->have_prev || s->prev_seq != ref.seq)
        return;
    s->prev_ts = ippm_ts_from_ns(tx_ns, r->cfg.tsfmt);
    s->prev_mode = mode;
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
