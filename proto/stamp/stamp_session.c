/* STAMP test sessions: the Session-Reflector (RFC 8762 §4.3) and the
 * Session-Sender (§4.2) as event-in, action-out state machines. */
#include "stamp.h"

#include <string.h>

static void set_action(struct stamp_action *act, enum stamp_act_kind kind,
                       size_t len, enum ippm_err why, uint32_t seq)
{
    act->kind = kind;
    act->len = len;
    act->why = why;
    act->seq = seq;
}

/* ---- Session-Reflector ---- */

/* see stamp.h */
void stamp_reflector_init(struct stamp_reflector *r,
                          const struct stamp_reflector_config *cfg)
{
    memset(r, 0, sizeof(*r));
    r->cfg = *cfg;
    /* RFC 4656 §4.1.2: Multiplier MUST NOT be zero. */
    if (r->cfg.errest.mult == 0)
        r->cfg.errest.mult = 1;
    /* RFC 8762 §4.3.1: Z tells the format of the reflector's timestamps. */
    r->cfg.errest.z = cfg->tsfmt == IPPM_TS_PTP;
}

static bool session_matches(const struct stamp_reflector_session *s,
                            const struct ippm_rx_meta *m, uint16_t ssid)
{
    return s->used && s->ssid == ssid && ippm_addr_equal(&s->peer, &m->peer) &&
           ippm_addr_equal(&s->local, &m->local);
}

/* A free slot, else the least recently used one if it has been idle past
 * the timeout (counted as evicted); NULL when every session is live. The
 * table never grows, so a flood of new source ports costs no memory, and
 * RFC 8762 §4 state of live sessions is never thrown away. */
static struct stamp_reflector_session *session_slot(struct stamp_reflector *r,
                                                    uint64_t now)
{
    struct stamp_reflector_session *lru = &r->sessions[0];
    for (size_t i = 0; i < STAMP_REFLECTOR_SESSIONS; i++) {
        struct stamp_reflector_session *s = &r->sessions[i];
        if (!s->used)
            return s;
        if (s->last_ns < lru->last_ns)
            lru = s;
    }
    if (!r->cfg.session_timeout_ns ||
        now - lru->last_ns <= r->cfg.session_timeout_ns)
        return NULL;
    r->counters.sessions_evicted++;
    return lru;
}

/* RFC 8972 §3: a session is the 4-tuple together with the SSID. */
static struct stamp_reflector_session *
session_lookup(struct stamp_reflector *r, const struct ippm_rx_meta *m,
               uint16_t ssid, uint64_t now)
{
    for (size_t i = 0; i < STAMP_REFLECTOR_SESSIONS; i++) {
        struct stamp_reflector_session *s = &r->sessions[i];
        if (!session_matches(s, m, ssid))
            continue;
        /* An idle session that comes back is a new test session. */
        if (r->cfg.session_timeout_ns &&
            now - s->last_ns > r->cfg.session_timeout_ns)
            s->next_seq = 0;
        return s;
    }
    struct stamp_reflector_session *s = session_slot(r, now);
    if (!s)
        return NULL;
    memset(s, 0, sizeof(*s));
    s->used = true;
    s->peer = m->peer;
    s->local = m->local;
    s->ssid = ssid;
    return s;
}

/* RFC 8762 §4.3.1: stateless copies the sender's number; stateful counts
 * the packets it transmits in this session, from zero. */
static bool reflector_seq(struct stamp_reflector *r,
                          const struct stamp_sender_pkt *req,
                          const struct ippm_rx_meta *m, uint64_t now,
                          uint32_t *seq)
{
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
                                            const struct stamp_event *ev,
                                            struct stamp_sender_pkt *req,
                                            size_t *reply_len)
{
    enum stamp_mode mode = r->cfg.mode;
    size_t base = stamp_base_len(mode);
    if (ev->len < base) {
        if (!r->cfg.reply_to_short || mode != STAMP_MODE_OPEN)
            return IPPM_ERR_SHORT;
        decode_short_request(req, ev->pkt, ev->len);
        *reply_len = base;
        return IPPM_OK;
    }
    /* RFC 8762 §4.4: HMAC MUST be verified as early as possible. */
    if (mode == STAMP_MODE_AUTH) {
        enum ippm_err e = stamp_hmac_check(&r->cfg.key, ev->pkt, ev->len);
        if (e != IPPM_OK)
            return e;
    }
    *reply_len = ev->len;
    return stamp_sender_pkt_decode(req, ev->pkt, ev->len, mode);
}

static void reflector_drop(struct stamp_reflector *r, enum ippm_err why,
                           struct stamp_action *act)
{
    r->counters.dropped++;
    r->counters.drop_by[why < IPPM_ERR_COUNT_ ? why : IPPM_ERR_BAD_VALUE]++;
    set_action(act, STAMP_ACT_DROP, 0, why, 0);
}

static enum ippm_err reflector_rx(struct stamp_reflector *r,
                                  const struct stamp_event *ev, uint8_t *tx,
                                  size_t tx_cap, struct stamp_action *act)
{
    struct stamp_sender_pkt req;
    size_t reply_len = 0;
    const struct ippm_rx_meta *m = ev->meta;
    r->counters.rx++;
    enum ippm_err e = reflector_read_request(r, ev, &req, &reply_len);
    if (e == IPPM_OK && tx_cap < reply_len)
        e = IPPM_ERR_NOSPACE;
    if (e != IPPM_OK) {
        reflector_drop(r, e, act);
        return IPPM_OK;
    }
    uint32_t seq;
    if (!reflector_seq(r, &req, m, ev->now_ns, &seq)) {
        reflector_drop(r, IPPM_ERR_SESSION_FULL, act);
        return IPPM_OK;
    }
    uint64_t rx_ns = m->rx_ns ? m->rx_ns : ev->now_ns;
    /* Timestamp is taken at the start of transmission, which cannot
     * precede reception even if the driver's two clocks disagree. */
    uint64_t tx_ns = ev->now_ns > rx_ns ? ev->now_ns : rx_ns;
    struct stamp_reflector_pkt rep = {
        .seq = seq,
        .ts = ippm_ts_from_ns(tx_ns, r->cfg.tsfmt),
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
    if (e != IPPM_OK) {
        reflector_drop(r, e, act);
        return IPPM_OK;
    }
    r->counters.tx++;
    set_action(act, STAMP_ACT_SEND, reply_len, IPPM_OK, req.seq);
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_reflector_handle(struct stamp_reflector *r,
                                     const struct stamp_event *ev,
                                     uint8_t *tx, size_t tx_cap,
                                     struct stamp_action *act)
{
    set_action(act, STAMP_ACT_NONE, 0, IPPM_OK, 0);
    switch (ev->kind) {
    case STAMP_EV_RX:
        if (!ev->pkt || !ev->meta || !tx)
            return IPPM_ERR_BAD_ARG;
        return reflector_rx(r, ev, tx, tx_cap, act);
    case STAMP_EV_TIMER:
        return IPPM_OK;
    case STAMP_EV_STOP:
        set_action(act, STAMP_ACT_DONE, 0, IPPM_OK, 0);
        return IPPM_OK;
    }
    return IPPM_ERR_BAD_ARG;
}

/* ---- Session-Sender ---- */

/* see stamp.h */
enum ippm_err stamp_sender_init(struct stamp_sender *s,
                                const struct stamp_sender_config *cfg,
                                struct stamp_result *res, size_t n_res)
{
    if (cfg->pkt_len < stamp_base_len(cfg->mode) ||
        cfg->pkt_len > STAMP_MAX_LEN || cfg->count == 0 || !res ||
        n_res < cfg->count)
        return IPPM_ERR_BAD_ARG;
    if (cfg->mode == STAMP_MODE_AUTH &&
        (!cfg->key.crypto || !cfg->key.key))
        return IPPM_ERR_BAD_ARG;
    memset(s, 0, sizeof(*s));
    s->cfg = *cfg;
    if (s->cfg.errest.mult == 0)
        s->cfg.errest.mult = 1;
    s->cfg.errest.z = cfg->tsfmt == IPPM_TS_PTP;
    s->res = res;
    memset(res, 0, sizeof(*res) * cfg->count);
    s->next_send_ns = cfg->start_ns;
    return IPPM_OK;
}

static bool sender_all_sent(const struct stamp_sender *s)
{
    return s->next_seq >= s->cfg.count;
}

/* see stamp.h */
uint64_t stamp_sender_deadline(const struct stamp_sender *s)
{
    if (s->done)
        return UINT64_MAX;
    if (!sender_all_sent(s))
        return s->next_send_ns;
    return s->last_send_ns + s->cfg.wait_ns;
}

static enum ippm_err sender_send(struct stamp_sender *s, uint64_t now,
                                 uint8_t *tx, size_t tx_cap,
                                 struct stamp_action *act)
{
    uint32_t seq = s->next_seq;
    struct stamp_sender_pkt pkt = {
        .seq = seq, /* RFC 8762 §4.2.1: from zero, up by one */
        .ts = ippm_ts_from_ns(now, s->cfg.tsfmt),
        .errest = ippm_errest_encode(&s->cfg.errest),
        .ssid = s->cfg.ssid,
    };
    enum ippm_err e = stamp_sender_pkt_encode(tx, tx_cap, s->cfg.pkt_len, &pkt,
                                              s->cfg.mode, &s->cfg.key);
    if (e != IPPM_OK)
        return e;
    s->res[seq].state = STAMP_RES_SENT;
    s->res[seq].t1_ns = now;
    s->res[seq].rx_ttl = -1;
    s->next_seq++;
    s->counters.sent++;
    s->last_send_ns = now;
    /* Keep the schedule: a late timer does not shift later sends. */
    s->next_send_ns += s->cfg.interval_ns;
    set_action(act, STAMP_ACT_SEND, s->cfg.pkt_len, IPPM_OK, seq);
    return IPPM_OK;
}

static enum ippm_err sender_timer(struct stamp_sender *s, uint64_t now,
                                  uint8_t *tx, size_t tx_cap,
                                  struct stamp_action *act)
{
    if (s->done) {
        set_action(act, STAMP_ACT_DONE, 0, IPPM_OK, 0);
        return IPPM_OK;
    }
    if (!sender_all_sent(s)) {
        if (now >= s->next_send_ns)
            return sender_send(s, now, tx, tx_cap, act);
        return IPPM_OK;
    }
    if (now >= s->last_send_ns + s->cfg.wait_ns) {
        s->done = true;
        set_action(act, STAMP_ACT_DONE, 0, IPPM_OK, 0);
    }
    return IPPM_OK;
}

static void sender_drop(struct stamp_sender *s, enum ippm_err why,
                        uint32_t seq, struct stamp_action *act)
{
    s->counters.dropped++;
    s->counters.drop_by[why]++;
    set_action(act, STAMP_ACT_DROP, 0, why, seq);
}

/* Reads the reflector's two timestamps in the format its Z bit names. */
static void record_reply(struct stamp_result *r,
                         const struct stamp_reflector_pkt *rep,
                         const struct stamp_event *ev)
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
}

static enum ippm_err sender_rx(struct stamp_sender *s,
                               const struct stamp_event *ev,
                               struct stamp_action *act)
{
    struct stamp_reflector_pkt rep;
    enum stamp_mode mode = s->cfg.mode;
    enum ippm_err e = IPPM_OK;
    if (ev->len < stamp_base_len(mode))
        e = IPPM_ERR_SHORT;
    else if (mode == STAMP_MODE_AUTH)
        e = stamp_hmac_check(&s->cfg.key, ev->pkt, ev->len);
    if (e == IPPM_OK)
        e = stamp_reflector_pkt_decode(&rep, ev->pkt, ev->len, mode);
    if (e != IPPM_OK) {
        sender_drop(s, e, 0, act);
        return IPPM_OK;
    }
    uint32_t seq = rep.ss_seq;
    if (seq >= s->next_seq || s->res[seq].state == STAMP_RES_PENDING) {
        sender_drop(s, IPPM_ERR_UNEXPECTED, seq, act);
        return IPPM_OK;
    }
    struct stamp_result *r = &s->res[seq];
    if (r->state == STAMP_RES_RECEIVED) {
        if (r->duplicates < UINT16_MAX)
            r->duplicates++;
        s->counters.duplicates++;
        set_action(act, STAMP_ACT_DROP, 0, IPPM_ERR_DUPLICATE, seq);
        return IPPM_OK;
    }
    record_reply(r, &rep, ev);
    r->arrival = (uint32_t)s->counters.received++;
    r->reordered = ippm_reorder_observe(&s->reorder, seq);
    s->counters.reordered += r->reordered;
    set_action(act, STAMP_ACT_NONE, 0, IPPM_OK, seq);
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_sender_handle(struct stamp_sender *s,
                                  const struct stamp_event *ev, uint8_t *tx,
                                  size_t tx_cap, struct stamp_action *act)
{
    set_action(act, STAMP_ACT_NONE, 0, IPPM_OK, 0);
    switch (ev->kind) {
    case STAMP_EV_TIMER:
        if (!tx)
            return IPPM_ERR_BAD_ARG;
        return sender_timer(s, ev->now_ns, tx, tx_cap, act);
    case STAMP_EV_RX:
        if (!ev->pkt || !ev->meta)
            return IPPM_ERR_BAD_ARG;
        return sender_rx(s, ev, act);
    case STAMP_EV_STOP:
        s->done = true;
        set_action(act, STAMP_ACT_DONE, 0, IPPM_OK, 0);
        return IPPM_OK;
    }
    return IPPM_ERR_BAD_ARG;
}

/* ---- statistics ---- */

static int64_t result_rtt(const struct stamp_result *r)
{
    int64_t total = (int64_t)(r->t4_ns - r->t1_ns);
    if (r->ts_malformed)
        return total;
    /* Subtract the reflector's residence time, as TWAMP does. */
    return total - (int64_t)(r->t3_ns - r->t2_ns);
}

enum delay_kind { DELAY_RTT, DELAY_FWD, DELAY_BWD, DELAY_IPDV };

/* Collects one kind of delay sample over the received results. */
static size_t collect(const struct stamp_sender *s, enum delay_kind kind,
                      int64_t *out)
{
    size_t n = 0;
    const struct stamp_result *res = s->res;
    for (uint32_t i = 0; i < s->next_seq; i++) {
        const struct stamp_result *r = &res[i];
        if (r->state != STAMP_RES_RECEIVED)
            continue;
        switch (kind) {
        case DELAY_RTT:
            out[n++] = result_rtt(r);
            break;
        case DELAY_FWD:
            if (!r->ts_malformed)
                out[n++] = (int64_t)(r->t2_ns - r->t1_ns);
            break;
        case DELAY_BWD:
            if (!r->ts_malformed)
                out[n++] = (int64_t)(r->t4_ns - r->t3_ns);
            break;
        case DELAY_IPDV:
            /* RFC 3393 with consecutive sequence numbers as the selection
             * function: both packets of the pair must have arrived. */
            if (i + 1 < s->next_seq && res[i + 1].state == STAMP_RES_RECEIVED)
                out[n++] = result_rtt(&res[i + 1]) - result_rtt(r);
            break;
        }
    }
    return n;
}

static double mean_abs(const int64_t *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i] < 0 ? -(double)v[i] : (double)v[i];
    return n ? sum / (double)n : 0;
}

/* A stateful reflector numbers what it transmits (RFC 8762 §4), so gaps
 * in its numbers are backward loss. Its numbers differing from ours is
 * the only proof that it is stateful. */
static void directional_loss(const struct stamp_sender *s,
                             struct stamp_stats *st)
{
    bool stateful = false;
    uint32_t lo = UINT32_MAX, hi = 0;
    for (uint32_t i = 0; i < s->next_seq; i++) {
        const struct stamp_result *r = &s->res[i];
        if (r->state != STAMP_RES_RECEIVED)
            continue;
        stateful |= r->refl_seq != i;
        if (r->refl_seq < lo)
            lo = r->refl_seq;
        if (r->refl_seq > hi)
            hi = r->refl_seq;
    }
    if (!stateful || st->received == 0)
        return;
    uint64_t reflected = (uint64_t)hi - lo + 1;
    uint64_t back = reflected > st->received ? reflected - st->received : 0;
    if (back > st->lost)
        back = st->lost;
    st->directional = true;
    st->lost_backward = back;
    st->lost_forward = st->lost - back;
}

/* see stamp.h */
void stamp_sender_stats(const struct stamp_sender *s, int64_t *scratch,
                        struct stamp_stats *out)
{
    struct stamp_stats st;
    memset(&st, 0, sizeof(st));
    st.sent = s->counters.sent;
    st.received = s->counters.received;
    st.lost = st.sent - st.received;
    st.duplicated = s->counters.duplicates;
    st.reordered = s->counters.reordered;
    st.loss_pct = st.sent ? 100.0 * (double)st.lost / (double)st.sent : 0;
    directional_loss(s, &st);
    ippm_summary_compute(scratch, collect(s, DELAY_FWD, scratch), &st.fwd);
    ippm_summary_compute(scratch, collect(s, DELAY_BWD, scratch), &st.bwd);
    size_t n = collect(s, DELAY_IPDV, scratch);
    st.jitter_ns = mean_abs(scratch, n);
    ippm_summary_compute(scratch, n, &st.ipdv);
    ippm_summary_compute(scratch, collect(s, DELAY_RTT, scratch), &st.rtt);
    *out = st;
}
