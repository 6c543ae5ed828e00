/* STAMP test sessions: the Session-Reflector (RFC 8762 §4.3) as an
 * event-in, action-out state machine, and the clock settings both roles
 * take from the driver. The Session-Sender is in stamp_sender.c. */
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

/* TWAMP-Light, RFC 5357 §4.2.1: a request of 14 octets and up is answered
 * with max(its length, 41) octets (RFC 6038 §5.1.3: 27 octets of the
 * padding are truncated), the padding re-used from the request (RFC 6038
 * §5.2.1): from octet 14, or from 41 in the symmetrical format (RFC 6038
 * §5.1.4). req->extra becomes that padding. */
static enum ippm_err twl_read_request(const struct stamp_reflector *r,
                                      const struct ippm_event *ev,
                                      struct stamp_sender_pkt *req,
                                      size_t *reply_len)
{
    if (r->cfg.mode != STAMP_MODE_OPEN)
        return IPPM_ERR_BAD_ARG;
    enum ippm_err e = stamp_twl_sender_pkt_decode(req, ev->data, ev->len);
    if (e != IPPM_OK)
        return e;
    size_t len = ev->len > STAMP_TWL_REFLECTOR_LEN ? ev->len
                                                    : STAMP_TWL_REFLECTOR_LEN;
    size_t pad_off = r->cfg.twl_symmetrical ? STAMP_TWL_REFLECTOR_LEN
                                            : STAMP_TWL_SENDER_LEN;
    req->extra_len = len - STAMP_TWL_REFLECTOR_LEN;
    req->extra = req->extra_len ? ev->data + pad_off : NULL;
    *reply_len = len;
    return IPPM_OK;
}

static enum ippm_err reflector_read_request(const struct stamp_reflector *r,
                                            const struct ippm_event *ev,
                                            struct stamp_sender_pkt *req,
                                            size_t *reply_len)
{
    enum stamp_mode mode = r->cfg.mode;
    if (r->cfg.flavour == STAMP_FLAVOUR_TWAMP_LIGHT)
        return twl_read_request(r, ev, req, reply_len);
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

/* TWAMP Light in mode A or E: the key holder reflects (RFC 5357 §4.2);
 * this machine keeps the source rules, the counters and the action. */
static enum ippm_err twl_auth_rx(struct stamp_reflector *r,
                                 const struct ippm_event *ev, uint8_t *tx,
                                 size_t tx_cap, struct ippm_action *act)
{
    const struct stamp_twl_auth *a = r->cfg.twl_auth;
    uint64_t rx_ns = ev->meta->rx_ns ? ev->meta->rx_ns : ev->now_ns;
    uint64_t tx_ns = ev->now_ns > rx_ns ? ev->now_ns : rx_ns;
    size_t len = 0;
    uint32_t ss_seq = 0, seq = 0;
    /* RFC 5357 §4.2.1 / Appendix I: the session's own numbers when
     * stateful (the 4-tuple's, no SSID), else the request's. */
    struct stamp_sender_pkt none = {0};
    struct stamp_reflector_session *sess = NULL;
    if (!reflector_seq(r, &none, ev->meta, ev->now_ns, &seq, &sess)) {
        reflector_drop(r, IPPM_ERR_SESSION_FULL, act);
        return IPPM_OK;
    }
    enum ippm_err e = r->cfg.mode != STAMP_MODE_OPEN
                          ? IPPM_ERR_BAD_ARG
                          : a->reflect(a->ctx, ev, rx_ns, tx_ns,
                                       !r->cfg.stateful, seq, tx, tx_cap,
                                       &len, &ss_seq);
    if (e != IPPM_OK) {
        if (sess) /* nothing was transmitted: no number used */
            sess->next_seq--;
        reflector_drop(r, e, act);
        return IPPM_OK;
    }
    r->counters.tx++;
    r->last_tx = (struct stamp_tx_ref){0};
    ippm_action_set(act, IPPM_ACT_SEND_DATAGRAM, len, IPPM_OK, ss_seq);
    return IPPM_OK;
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
    if (r->cfg.flavour == STAMP_FLAVOUR_TWAMP_LIGHT && r->cfg.twl_auth)
        return twl_auth_rx(r, ev, tx, tx_cap, act);
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
    bool twl = r->cfg.flavour == STAMP_FLAVOUR_TWAMP_LIGHT;
    if (r->cfg.tlv && !twl && req.extra_len) {
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
    e = twl ? stamp_twl_reflector_pkt_encode(tx, tx_cap, reply_len, &rep)
            : stamp_reflector_pkt_encode(tx, tx_cap, reply_len, &rep,
                                         r->cfg.mode, &r->cfg.key);
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
