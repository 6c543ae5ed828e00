/* Fuzzes the Session-Reflector state machine: arbitrary octets become a
 * configuration and a run of events.
 *
 * Input layout: every configuration that changes the code path comes
 * from the first two octets (issue 10 item 12):
 *   [0] flags  bit0 auth         bit1 stateful     bit2 reply_to_short
 *              bit3 PTP (Z)      bit4 fix the HMAC of each auth packet
 *              bit5 small tx     bit6 short idle timeout
 *              bit7 prefill: the octet after [1], N, makes 240+N%32
 *                   harness-built sessions first (stateful: fills and
 *                   evicts the table), and 4*(N>>5) sessions per source
 *                   address at most (0: no limit), so per-source refusals
 *                   are reached
 *   [1] cfg    bit0 RFC 8972 TLVs (cfg.tlv)
 *              bit1 open mode: an HMAC TLV key (cfg.key)
 *              bit2 open mode: require the HMAC TLV (cfg.tlv_hmac)
 *              bit3 reply in place: tx is the request's own buffer
 *              bit4 micro-session ID 7 (RFC 9534)
 *              bit5 max_reply_len 1500 (asymmetrical packets)
 *              bit6 DSCPs permitted: the default (no CS6/CS7), else all
 *              bit7 sources from the reflector itself, its own port and
 *                   reflecting services' ports, port 53 allowed; and
 *                   the admission rules (RFC 8762 §6): 10.0.0.24/29 and
 *                   fd00::/8 minus fd00::/16 denied, a rate limit of one
 *                   packet a second, burst 3, over a table of 4 sources
 *   then records, while input lasts:
 *     [0] peer  bits0-4 source port/address index (cfg bit7: index 0
 *               is the reflector itself, 1-7 a port of SRC_PORTS, 8-15
 *               the same from this host), bit5 IPv6,
 *               bit6 TTL unknown, bit7 not RX: TIMER (even len) or STOP
 *               (odd len; ends the run)
 *     [1] TTL   [2] time step in ms   [3..4] payload length, big-endian
 *     payload (cut to what is left)
 *
 * Postconditions for every RX (STYLE.md; RFC 8762 §4.3):
 *  - handle returns IPPM_OK and the action is SEND or DROP, counted once
 *    (rx, and tx or dropped with drop_by[why]);
 *  - a source ippm_src_check refuses is dropped under its reason, before
 *    anything else; then one the prefix list denies, as SOURCE_DENIED;
 *    RATE_LIMITED only with a rate limit, whose table never outgrows
 *    its 4 sources; no other request is dropped for its source;
 *  - SEND: the reply fits tx_cap (tx is exactly tx_cap on the heap, so
 *    ASan sees an overrun), is at least the base length, and is never
 *    longer than the request unless reply_to_short, or with TLVs a
 *    Reflected Test Packet Control TLV within max_reply_len; it decodes,
 *    its HMAC
 *    checks (auth), it carries the sender's sequence number, timestamp,
 *    Error Estimate and SSID, the TTL from meta, the Receive Timestamp
 *    from meta->rx_ns and the Timestamp from now_ns in the configured
 *    format; stateless, its own sequence number is the sender's;
 *    stateful, it is the session's next (0 when the table forgot the
 *    session): a request dropped after its session took a number (the
 *    TLV path) gave the number back;
 *  - DROP: why is not IPPM_OK; SHORT only below the base, HMAC only in
 *    auth mode; an open base-length request with room is never dropped
 *    by a stateless reflector, nor an auth one with a good HMAC, unless
 *    its TLVs ask for no reply, name another member link or need more
 *    room than tx has.
 * Open mode gets no crypto table at all: touching it would crash. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"

#define SMALL_TX 60
#define BIG_TX   STAMP_MAX_LEN
#define SEQS     512 /* stateful sessions the harness follows */

/* cfg bit7: source ports of records 1-15 by index % 8 (0 is the
 * reflector itself). */
static const uint16_t SRC_PORTS[8] = {0,   STAMP_PORT, 7,     53,
                                      123, 0,          11211, 40000};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* The next number a stateful session should send, by its key. */
struct seq_slot {
    bool used;
    uint8_t peer; /* record's peer octet, bits 0-5 */
    uint16_t ssid;
    uint32_t next;
};

#define RATE_SOURCES 4
#define SENT_LOG 4096

struct run {
    struct stamp_reflector r; /* big: keep it off the stack */
    struct ippm_ratelimit rl;
    uint64_t rl_mem[IPPM_RATELIMIT_SIZE(RATE_SOURCES) / 8 + 1];
    struct ippm_hmac_key key;
    bool fix_hmac;
    bool in_place;
    bool src_rules;
    size_t tx_cap;
    uint8_t *tx;
    uint64_t now;
    struct seq_slot seqs[SEQS];
    /* The Timestamp of every reply sent in this input (a ring past
     * SENT_LOG): what STAMP_ERR_OWN_REPLY may only ever find. */
    uint64_t sent[SENT_LOG];
    size_t n_sent;
};

static struct run run;

/* The n octets at p, read as one of the reflector's replies, carry a
 * Timestamp it sent where a reply has its Timestamp or its Session-Sender
 * Timestamp: the only requests it may refuse as its own replies. */
static bool carries_sent_ts(const uint8_t *p, size_t n, enum stamp_mode mode)
{
    const struct stamp_layout *l = stamp_layout_get(STAMP_PKT_REFLECTOR, mode);
    const enum stamp_field fields[] = {STAMP_F_TS, STAMP_F_SS_TS};
    size_t kept = run.n_sent < SENT_LOG ? run.n_sent : SENT_LOG;
    for (size_t k = 0; k < 2; k++) {
        struct stamp_span sp = l->field[fields[k]];
        if (n < (size_t)sp.off + sp.len)
            continue;
        uint64_t v = ippm_load_u64(p + sp.off);
        for (size_t i = 0; v && i < kept; i++)
            if (run.sent[i] == v)
                return true;
    }
    return false;
}

static void make_meta(struct ippm_rx_meta *m, uint8_t peer, uint8_t ttl,
                      uint64_t rx_ns)
{
    memset(m, 0, sizeof *m);
    m->rx_ns = rx_ns;
    m->ttl = (peer & 0x40) ? -1 : (int16_t)ttl;
    m->tos = 0;
    m->peer.family = (peer & 0x20) ? IPPM_AF_INET6 : IPPM_AF_INET;
    m->peer.ip[0] = (peer & 0x20) ? 0xfd : 10;
    m->peer.ip[3] = (uint8_t)(peer & 0x1f);
    m->peer.ip[15] = (uint8_t)(peer & 0x1f);
    m->peer.port = (uint16_t)(40000 + (peer & 0x1f));
    m->local.family = m->peer.family;
    m->local.ip[0] = m->peer.ip[0];
    m->local.ip[3] = 1;
    m->local.ip[15] = 1;
    m->local.port = STAMP_PORT;
    if (run.src_rules && (peer & 0x1f) < 16) {
        m->peer.port = SRC_PORTS[peer & 7];
        m->from_host = (peer & 0x1f) >= 8;
        if ((peer & 0x1f) == 0)
            m->peer = m->local;
    }
}

/* The drop reason a refused source must get (proto/common/ippm_srcguard.h
 * verdicts, as STAMP names them). */
static enum ippm_err source_reason(enum ippm_src_verdict v)
{
    switch (v) {
    case IPPM_SRC_SELF:
        return STAMP_ERR_SELF_SOURCE;
    case IPPM_SRC_OWN_PORT:
        return STAMP_ERR_OWN_PORT;
    case IPPM_SRC_REFLECTING_PORT:
        return STAMP_ERR_REFLECTING_PORT;
    default:
        return IPPM_OK;
    }
}

static bool is_source_reason(enum ippm_err e)
{
    return e == STAMP_ERR_SELF_SOURCE || e == STAMP_ERR_OWN_PORT ||
           e == STAMP_ERR_REFLECTING_PORT;
}

/* The harness's record of the session (peer octet, SSID), made when
 * absent with next 0; NULL once SEQS sessions are followed. */
static struct seq_slot *seq_slot(uint8_t peer, uint16_t ssid)
{
    size_t h = ((size_t)(peer & 0x3f) * 40503u + ssid) % SEQS;
    for (size_t i = 0; i < SEQS; i++, h = (h + 1) % SEQS) {
        struct seq_slot *s = &run.seqs[h];
        if (s->used && (s->peer != (peer & 0x3f) || s->ssid != ssid))
            continue;
        if (!s->used) {
            s->used = true;
            s->peer = peer & 0x3f;
            s->ssid = ssid;
            s->next = 0;
        }
        return s;
    }
    return NULL;
}

/* Stateful: the reply's number is its session's next, or 0 for a session
 * the table forgot (idle, evicted) and began again. */
static void check_stateful_seq(uint8_t peer, uint16_t ssid, uint32_t seq)
{
    struct seq_slot *s = seq_slot(peer, ssid);
    if (!s)
        return;
    FUZZ_CHECK(seq == s->next || seq == 0);
    s->next = seq + 1;
}

static void rx_one(uint8_t *pkt, size_t len, const struct ippm_rx_meta *meta,
                   int peer)
{
    const struct stamp_reflector_config *cfg = &run.r.cfg;
    size_t base = stamp_base_len(cfg->mode);
    struct stamp_reflector_counters before = run.r.counters;
    struct stamp_sender_pkt req;
    bool req_ok, hmac_ok = false;
    struct ippm_event ev;
    struct ippm_action act;
    enum ippm_err rc;

    if (cfg->mode == STAMP_MODE_AUTH && len >= base) {
        if (run.fix_hmac) {
            uint8_t mac[STAMP_HMAC_LEN];
            FUZZ_CHECK(stamp_hmac_compute(&run.key, pkt, len, mac) == IPPM_OK);
            memcpy(pkt + STAMP_AUTH_HMAC_OFF, mac, sizeof mac);
        }
        hmac_ok = stamp_hmac_check(&run.key, pkt, len) == IPPM_OK;
    }
    req_ok = stamp_sender_pkt_decode(&req, pkt, len, cfg->mode) == IPPM_OK;
    FUZZ_CHECK(req_ok == (len >= base));
    enum ippm_err refused = source_reason(ippm_src_check(&cfg->src, meta));
    if (refused == IPPM_OK && !ippm_prefix_allows(&cfg->prefixes, &meta->peer))
        refused = STAMP_ERR_SOURCE_DENIED;
    /* In place the request's buffer is tx: the driver's receive buffer,
     * as large as its transmit one. */
    uint8_t *tx = run.in_place ? pkt : run.tx;

    memset(&ev, 0, sizeof ev);
    ev.kind = IPPM_EV_DATAGRAM;
    ev.now_ns = run.now;
    ev.data = pkt;
    ev.len = len;
    ev.meta = meta;
    memset(&act, 0xA5, sizeof act);
    rc = stamp_reflector_handle(&run.r, &ev, tx, run.tx_cap, &act);
    FUZZ_CHECK(rc == IPPM_OK);
    FUZZ_CHECK(act.kind == IPPM_ACT_SEND_DATAGRAM || act.kind == IPPM_ACT_DROP);
    FUZZ_CHECK(run.r.counters.rx == before.rx + 1);
    if (cfg->ratelimit)
        FUZZ_CHECK(ippm_ratelimit_sources(cfg->ratelimit) <= RATE_SOURCES);
    if (refused != IPPM_OK)
        FUZZ_CHECK(act.kind == IPPM_ACT_DROP && act.why == refused);

    if (act.kind == IPPM_ACT_DROP) {
        FUZZ_CHECK(act.why != IPPM_OK && (unsigned)act.why < STAMP_ERR_COUNT_);
        FUZZ_CHECK(run.r.counters.dropped == before.dropped + 1);
        FUZZ_CHECK(run.r.counters.tx == before.tx);
        FUZZ_CHECK(run.r.counters.drop_by[act.why] ==
                   before.drop_by[act.why] + 1);
        if (refused != IPPM_OK)
            return;
        FUZZ_CHECK(!is_source_reason(act.why) &&
                   act.why != STAMP_ERR_SOURCE_DENIED);
        if (act.why == STAMP_ERR_RATE_LIMITED) {
            FUZZ_CHECK(cfg->ratelimit != NULL);
            return;
        }
        if (act.why == STAMP_ERR_OWN_REPLY) {
            FUZZ_CHECK(carries_sent_ts(pkt, len, cfg->mode));
            return;
        }
        if (act.why == IPPM_ERR_SHORT)
            FUZZ_CHECK(len < base);
        if (act.why == IPPM_ERR_HMAC)
            FUZZ_CHECK(cfg->mode == STAMP_MODE_AUTH && !hmac_ok);
        if (len < base && !cfg->reply_to_short)
            FUZZ_CHECK(act.why == IPPM_ERR_SHORT);
        /* RFC 9503 Control Code 0, RFC 9534 another link, or a reply the
         * TLVs make larger than tx: reasons only TLVs give. */
        bool tlv_reason = cfg->tlv && (act.why == STAMP_ERR_NO_REPLY ||
                                       act.why == STAMP_ERR_MEMBER_LINK ||
                                       act.why == IPPM_ERR_NOSPACE);
        if (!cfg->tlv)
            FUZZ_CHECK(act.why != STAMP_ERR_NO_REPLY &&
                       act.why != STAMP_ERR_MEMBER_LINK);
        /* Dropped for its TLVs, a request sent nothing: its session, new
         * or not, keeps the number it had (the rollback). */
        if (tlv_reason && cfg->stateful && req_ok && peer >= 0)
            (void)seq_slot((uint8_t)peer, req.ssid);
        if (!cfg->stateful && req_ok && run.tx_cap >= len && !tlv_reason &&
            (cfg->mode == STAMP_MODE_OPEN || hmac_ok)) {
            fprintf(stderr, "dropped a good request: %s\n",
                    stamp_err_name(act.why));
            FUZZ_CHECK(0);
        }
        return;
    }

    /* SEND */
    struct stamp_reflector_pkt rep;
    size_t n = act.len;

    FUZZ_CHECK(run.r.counters.tx == before.tx + 1);
    FUZZ_CHECK(run.r.counters.dropped == before.dropped);
    FUZZ_CHECK(n <= run.tx_cap);
    FUZZ_CHECK(n >= base);
    /* No amplification: the request's length (the base for a short one
     * answered), more only as a Reflected Test Packet Control TLV asks
     * and never past max_reply_len. */
    size_t most = cfg->reply_to_short && len < base ? base : len;
    if (cfg->tlv && cfg->max_reply_len > most)
        most = cfg->max_reply_len;
    FUZZ_CHECK(n <= most);
    if (cfg->mode == STAMP_MODE_AUTH) {
        FUZZ_CHECK(req_ok ? hmac_ok : true);
        FUZZ_CHECK(stamp_hmac_check(&run.key, tx, n) == IPPM_OK);
    }
    FUZZ_CHECK(stamp_reflector_pkt_decode(&rep, tx, n, cfg->mode) == IPPM_OK);
    FUZZ_CHECK(rep.rx_ts == ippm_ts_from_ns(meta->rx_ns, cfg->tsfmt));
    FUZZ_CHECK(rep.ts == ippm_ts_from_ns(run.now, cfg->tsfmt));
    run.sent[run.n_sent++ % SENT_LOG] = rep.ts;
    if (meta->ttl >= 0 && meta->ttl <= 255)
        FUZZ_CHECK(rep.ss_ttl == (uint8_t)meta->ttl);
    if (req_ok) {
        FUZZ_CHECK(rep.ss_seq == req.seq);
        FUZZ_CHECK(rep.ss_ts == req.ts);
        FUZZ_CHECK(rep.ss_errest == req.errest);
        FUZZ_CHECK(rep.ssid == req.ssid);
        if (!cfg->stateful)
            FUZZ_CHECK(rep.seq == req.seq);
    }
    /* A short request answered takes a number too; the reply's SSID is
     * the one its session is keyed by (copied, RFC 8972 §3). */
    if (cfg->stateful && peer >= 0)
        check_stateful_seq((uint8_t)peer, rep.ssid, rep.seq);
}

static void other_event(enum ippm_ev_kind kind)
{
    struct ippm_event ev;
    struct ippm_action act;
    enum ippm_err rc;

    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.now_ns = run.now;
    memset(&act, 0xA5, sizeof act);
    rc = stamp_reflector_handle(&run.r, &ev, run.tx, run.tx_cap, &act);
    FUZZ_CHECK(rc == IPPM_OK || rc == IPPM_ERR_BAD_ARG);
    if (rc == IPPM_OK)
        FUZZ_CHECK(act.kind != IPPM_ACT_SEND_DATAGRAM);
}

/* Sessions from distinct peers, built here so the table fills without the
 * fuzzer having to find 256 valid packets. */
static void prefill(unsigned count)
{
    size_t base = stamp_base_len(run.r.cfg.mode);
    uint8_t pkt[STAMP_AUTH_BASE_LEN];

    for (unsigned i = 0; i < count; i++) {
        struct stamp_sender_pkt s;
        struct ippm_rx_meta meta;

        memset(&s, 0, sizeof s);
        s.seq = i;
        s.ssid = (uint16_t)(i * 7u);
        FUZZ_CHECK(stamp_sender_pkt_encode(
                       pkt, sizeof pkt, base, &s, run.r.cfg.mode,
                       run.r.cfg.mode == STAMP_MODE_AUTH ? &run.key : NULL) ==
                   IPPM_OK);
        make_meta(&meta, (uint8_t)(i & 0x3f), 64, run.now);
        meta.peer.ip[1] = (uint8_t)(i >> 5);
        meta.peer.port = (uint16_t)(1024 + i);
        run.now += 1000;
        rx_one(pkt, base, &meta, -1);
    }
}

/* cfg bit7: the allow/deny list and the rate limit (RFC 8762 §6), a
 * small table so that sources are forgotten too. */
static void config_admission(struct stamp_reflector_config *cfg)
{
    static const uint8_t seed[IPPM_TABLE_SEED_LEN] = {1};
    struct ippm_rate rate = {.pps = 1, .burst = 3};
    struct ippm_addr net;
    memset(&net, 0, sizeof net);
    net.family = IPPM_AF_INET;
    net.ip[0] = 10, net.ip[3] = 24;
    FUZZ_CHECK(ippm_prefix_add(&cfg->prefixes, &net, 29, false) == IPPM_OK);
    memset(&net, 0, sizeof net);
    net.family = IPPM_AF_INET6;
    net.ip[0] = 0xfd;
    FUZZ_CHECK(ippm_prefix_add(&cfg->prefixes, &net, 8, false) == IPPM_OK);
    FUZZ_CHECK(ippm_prefix_add(&cfg->prefixes, &net, 16, true) == IPPM_OK);
    FUZZ_CHECK(ippm_ratelimit_init(&run.rl, run.rl_mem, sizeof run.rl_mem,
                                   RATE_SOURCES, &rate, seed) == IPPM_OK);
    cfg->ratelimit = &run.rl;
}

/* cfg octet [1]: what RFC 8972 and the source rules add. */
static void config_tlv_and_sources(struct stamp_reflector_config *cfg,
                                   uint8_t c2)
{
    cfg->tlv = (c2 & 0x01) != 0;
    if (cfg->mode == STAMP_MODE_OPEN && (c2 & 0x02))
        cfg->key = run.key; /* the HMAC TLV's, RFC 8972 §4.8 */
    cfg->tlv_hmac = (c2 & 0x04) != 0;
    run.in_place = (c2 & 0x08) != 0;
    cfg->micro_session_id = (c2 & 0x10) ? 7 : 0;
    cfg->max_reply_len = (c2 & 0x20) ? 1500 : 0;
    cfg->dscp_permitted =
        (c2 & 0x40) ? STAMP_DSCP_PERMITTED_DEFAULT : UINT64_MAX;
    cfg->sync_src = cfg->tsfmt == IPPM_TS_PTP ? STAMP_SYNC_PTP : STAMP_SYNC_NTP;
    cfg->ts_in = STAMP_TSM_SW;
    cfg->ts_out = STAMP_TSM_SW;
    run.src_rules = (c2 & 0x80) != 0;
    if (run.src_rules) {
        FUZZ_CHECK(ippm_src_policy_allow(&cfg->src, 53) == IPPM_OK);
        config_admission(cfg);
    }
}

/* A writable copy of a record's payload. Out of place it is exactly plen
 * octets on the heap (ASan sees any read past it); in place it is also
 * tx, so it has the room tx has, as a driver's receive buffer would. */
static uint8_t *record_buffer(const uint8_t *p, size_t plen)
{
    if (!run.in_place)
        return fuzz_dup(p, plen);
    uint8_t *b = malloc(plen > run.tx_cap ? plen : run.tx_cap);
    FUZZ_CHECK(b != NULL);
    memcpy(b, p, plen);
    return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct stamp_reflector_config cfg;
    uint8_t flags;
    size_t off = 2;

    if (len < 1)
        return 0;
    flags = data[0];

    memset(&cfg, 0, sizeof cfg);
    cfg.mode = (flags & 0x01) ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    cfg.stateful = (flags & 0x02) != 0;
    cfg.reply_to_short = (flags & 0x04) != 0;
    cfg.tsfmt = (flags & 0x08) ? IPPM_TS_PTP : IPPM_TS_NTP;
    cfg.errest.z = cfg.tsfmt == IPPM_TS_PTP;
    cfg.errest.synced = true;
    cfg.errest.scale = 10;
    cfg.errest.mult = 1;
    cfg.session_timeout_ns =
        (flags & 0x40) ? 5 * 1000000ull : 60 * IPPM_NS_PER_SEC;
    if ((flags & 0x80) && off < len)
        cfg.max_sessions_per_source = 4u * (data[off] >> 5);
    run.key = fuzz_key();
    if (cfg.mode == STAMP_MODE_AUTH)
        cfg.key = run.key;
    run.fix_hmac = (flags & 0x10) != 0;
    run.tx_cap = (flags & 0x20) ? SMALL_TX : BIG_TX;
    memset(run.seqs, 0, sizeof run.seqs);
    config_tlv_and_sources(&cfg, len > 1 ? data[1] : 0);
    run.tx = malloc(run.tx_cap);
    FUZZ_CHECK(run.tx != NULL);
    /* a fixed, plausible clock: 2026-01-01 */
    run.now = 1767225600ull * IPPM_NS_PER_SEC;
    run.n_sent = 0;

    stamp_reflector_init(&run.r, &cfg);
    FUZZ_CHECK(run.r.counters.rx == 0 && run.r.counters.tx == 0);

    if ((flags & 0x80) && off < len)
        prefill(240u + (data[off++] & 31u));

    while (off + 5 <= len) {
        uint8_t peer = data[off], ttl = data[off + 1], dt = data[off + 2];
        size_t plen = (size_t)data[off + 3] << 8 | data[off + 4];
        struct ippm_rx_meta meta;

        off += 5;
        if (plen > len - off)
            plen = len - off;
        run.now += (uint64_t)dt * 1000000ull;
        if (peer & 0x80) {
            if (plen % 2) {
                /* STOP ends the run: what follows a STOP is undefined */
                other_event(IPPM_EV_STOP);
                break;
            }
            other_event(IPPM_EV_TIMER);
        } else {
            /* writable, for the HMAC fix-up */
            uint8_t *pkt = record_buffer(data + off, plen);
            make_meta(&meta, peer, ttl, run.now - (uint64_t)ttl * 1000);
            rx_one(pkt, plen, &meta, peer);
            free(pkt);
        }
        off += plen;
    }
    free(run.tx);
    return 0;
}
