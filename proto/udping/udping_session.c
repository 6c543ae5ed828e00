/* The UDPing receiver: sessions by guid in a bounded table, the 1..9
 * sequence rule, successor closure, flush after keepalive, and the 2017
 * control packets (notes §5, §8). */
#include "udping.h"

#include <string.h>

/* see udping.h */
enum ippm_err udping_server_init(struct udping_server *s,
                                 struct udping_session *slots, size_t cap,
                                 void *mem, size_t mem_len,
                                 const uint8_t seed[IPPM_TABLE_SEED_LEN],
                                 uint64_t keepalive_ns, bool legacy)
{
    if (!slots || cap == 0 || cap > IPPM_TABLE_MAX_ENTRIES || !mem ||
        mem_len < UDPING_SERVER_MEM(cap))
        return IPPM_ERR_BAD_ARG;
    memset(s, 0, sizeof *s);
    uint8_t *m = mem;
    size_t g_len = IPPM_TABLE_SIZE(cap, UDPING_GUID_LEN);
    size_t p_len = IPPM_TABLE_SIZE(cap, UDPING_PEER_KEY_LEN);
    enum ippm_err e =
        ippm_table_init(&s->by_guid, m, g_len, cap, UDPING_GUID_LEN, seed);
    if (e == IPPM_OK)
        e = ippm_table_init(&s->by_peer, m + g_len, p_len, cap,
                            UDPING_PEER_KEY_LEN, seed);
    if (e != IPPM_OK)
        return e;
    s->latest = (uint32_t *)(void *)(m + g_len + p_len);
    memset(slots, 0, cap * sizeof *slots);
    s->slots = slots;
    s->cap = cap;
    s->keepalive_ns = keepalive_ns;
    s->legacy = legacy;
    return IPPM_OK;
}

/* The peer:port key: the address key, then the port big-endian. */
static void peer_key(uint8_t k[UDPING_PEER_KEY_LEN], const struct ippm_addr *a)
{
    ippm_addr_key(k, a);
    k[IPPM_ADDR_KEY_LEN] = (uint8_t)(a->port >> 8);
    k[IPPM_ADDR_KEY_LEN + 1] = (uint8_t)a->port;
}

/* Notes §5: maxSeq moves forward and minSeq back only by 1..9 (u32
 * difference), so a burst loss of 10 or more freezes them. */
static void seq_see(struct udping_session *x, uint32_t seq)
{
    uint32_t up = seq - x->max_seq, down = x->min_seq - seq;
    if (up >= 1 && up <= UDPING_SEQ_STEP_MAX)
        x->max_seq = seq;
    if (down >= 1 && down <= UDPING_SEQ_STEP_MAX)
        x->min_seq = seq;
}

/* Latency in ms, as doubles from the start so that no hostile sent time
 * overflows an integer. */
static double latency_ms(uint64_t now_ns, int64_t sec, int64_t nsec)
{
    double ds = (double)(now_ns / 1000000000u) - (double)sec;
    double dn = (double)(now_ns % 1000000000u) - (double)nsec;
    return ds * 1e3 + dn / 1e6;
}

static void sample(struct udping_session *x, double ms)
{
    x->max_ms = x->count == 0 || ms > x->max_ms ? ms : x->max_ms;
    x->count++;
    x->sum_ms += ms;
    x->sos_ms += ms * ms;
}

/* Fills r from slot i; the successor closes the expected count first. */
static void report_fill(struct udping_server *s, uint32_t i,
                        struct udping_report *r, bool early)
{
    struct udping_session *x = &s->slots[i];
    if (!s->legacy && x->succ != UDPING_NIL)
        seq_see(x, s->slots[x->succ].min_seq - 1u);
    memset(r, 0, sizeof *r);
    memcpy(r->guid, x->guid, sizeof r->guid);
    r->peer = x->peer;
    r->client_start = x->client_start;
    r->count = x->count;
    r->target = s->legacy ? x->expected_legacy
                          : (uint32_t)(1u + x->max_seq - x->min_seq);
    r->sum_ms = x->sum_ms;
    r->sos_ms = x->sos_ms;
    r->max_ms = x->max_ms;
    r->min_seq = x->min_seq;
    r->max_seq = x->max_seq;
    r->early = early;
}

/* Frees slot i: unlinks it from its neighbours and the peer's entry. */
static void session_remove(struct udping_server *s, uint32_t i)
{
    struct udping_session *x = &s->slots[i];
    if (x->pred != UDPING_NIL)
        s->slots[x->pred].succ = UDPING_NIL;
    if (x->succ != UDPING_NIL)
        s->slots[x->succ].pred = UDPING_NIL;
    uint8_t k[UDPING_PEER_KEY_LEN];
    peer_key(k, &x->peer);
    uint32_t e = ippm_table_find(&s->by_peer, k);
    if (e != IPPM_TABLE_NIL && s->latest[e] == i)
        ippm_table_remove(&s->by_peer, e);
    ippm_table_remove(&s->by_guid, i);
    memset(x, 0, sizeof *x);
}

/* Reports slot i into r and frees it. */
static void session_finish(struct udping_server *s, uint32_t i,
                           struct udping_report *r, bool early)
{
    report_fill(s, i, r, early);
    session_remove(s, i);
    s->reported++;
    if (early)
        s->evicted++;
}

/* Links a new session i to the peer's latest one when it is the same
 * client run (same client_start): that one's successor is i. */
static void peer_link(struct udping_server *s, uint32_t i)
{
    struct udping_session *x = &s->slots[i];
    uint8_t k[UDPING_PEER_KEY_LEN];
    peer_key(k, &x->peer);
    uint32_t e = ippm_table_find(&s->by_peer, k);
    if (e == IPPM_TABLE_NIL) {
        /* Never full: each entry names a live session, i among them. */
        if (ippm_table_add(&s->by_peer, k, &e) != IPPM_OK)
            return;
    } else {
        uint32_t j = s->latest[e];
        if (s->slots[j].client_start == x->client_start &&
            s->slots[j].succ == UDPING_NIL) {
            s->slots[j].succ = i;
            x->pred = j;
        }
    }
    s->latest[e] = i;
}

/* A slot for a new guid; a full table reports its least recently active
 * session early first. UDPING_NIL when that is impossible (no out). */
static uint32_t session_new(struct udping_server *s, const char *guid,
                            const struct ippm_addr *peer, int64_t start,
                            uint32_t seq, struct udping_report *out,
                            size_t *n_out)
{
    uint32_t i;
    if (ippm_table_count(&s->by_guid) == s->cap) {
        if (!out)
            return UDPING_NIL;
        session_finish(s, ippm_table_oldest(&s->by_guid), &out[(*n_out)++],
                       true);
    }
    if (ippm_table_add(&s->by_guid, (const uint8_t *)guid, &i) != IPPM_OK)
        return UDPING_NIL;
    struct udping_session *x = &s->slots[i];
    memset(x, 0, sizeof *x);
    x->used = true;
    memcpy(x->guid, guid, UDPING_GUID_LEN);
    x->peer = *peer;
    x->client_start = start;
    x->min_seq = x->max_seq = seq;
    x->pred = x->succ = UDPING_NIL;
    s->started++;
    peer_link(s, i);
    return i;
}

/* The session of guid, made if new; touched as the most recently active. */
static uint32_t session_get(struct udping_server *s, const char *guid,
                            const struct ippm_addr *peer, int64_t start,
                            uint32_t seq, uint64_t now_ns,
                            struct udping_report *out, size_t *n_out)
{
    uint32_t i = ippm_table_find(&s->by_guid, (const uint8_t *)guid);
    if (i == IPPM_TABLE_NIL)
        i = session_new(s, guid, peer, start, seq, out, n_out);
    else
        ippm_table_touch(&s->by_guid, i);
    if (i != UDPING_NIL)
        s->slots[i].last_ns = now_ns;
    return i;
}

static enum ippm_err drop(struct udping_server *s, enum ippm_err e)
{
    unsigned k = (unsigned)e - (unsigned)IPPM_ERR_PROTO_FIRST;
    if (k < UDPING_ERR_COUNT_)
        s->dropped[k]++;
    return e;
}

/* Notes §8: a ping counts; a control packet sets expected = seq - 1; the
 * session is reported as soon as count == expected. */
static enum ippm_err take_legacy(struct udping_server *s, const uint8_t *p,
                                 size_t len, const struct ippm_addr *peer,
                                 uint64_t now_ns, struct udping_report *out,
                                 size_t *n_out)
{
    struct udping_legacy_hdr h;
    enum ippm_err e = udping_legacy_decode(p, len, &h);
    if (e != IPPM_OK)
        return drop(s, e);
    uint32_t i = session_get(s, h.guid, peer, 0, (uint32_t)h.seq, now_ns, out,
                             n_out);
    if (i == UDPING_NIL)
        return drop(s, UDPING_ERR_TABLE);
    struct udping_session *x = &s->slots[i];
    if (h.control) {
        x->expected_legacy = h.seq > 0 ? (uint64_t)h.seq - 1u : 0;
        x->have_expected = true;
    } else {
        seq_see(x, (uint32_t)h.seq);
        sample(x, latency_ms(now_ns, h.sent_sec, h.sent_nsec));
    }
    if (x->have_expected && x->count == x->expected_legacy && out)
        session_finish(s, i, &out[(*n_out)++], false);
    return IPPM_OK;
}

/* see udping.h */
enum ippm_err udping_server_take(struct udping_server *s, const uint8_t *p,
                                 size_t len, const struct ippm_addr *peer,
                                 uint64_t now_ns, struct udping_report *out,
                                 size_t *n_out)
{
    size_t n_dummy;
    if (!n_out) {
        n_out = &n_dummy;
        out = NULL; /* reports nobody could count would be lost */
    }
    *n_out = 0;
    s->taken++;
    if (s->legacy)
        return take_legacy(s, p, len, peer, now_ns, out, n_out);
    struct udping_hdr h;
    enum ippm_err e = udping_decode(p, len, &h);
    if (e != IPPM_OK)
        return drop(s, e);
    uint32_t i = session_get(s, h.guid, peer, h.client_start, h.seq, now_ns,
                             out, n_out);
    if (i == UDPING_NIL)
        return drop(s, UDPING_ERR_TABLE);
    seq_see(&s->slots[i], h.seq);
    sample(&s->slots[i], latency_ms(now_ns, h.sent_sec, h.sent_nsec));
    return IPPM_OK;
}

/* True when slot i has been idle for longer than keepalive at now. */
static bool idle(const struct udping_server *s, uint32_t i, uint64_t now_ns)
{
    uint64_t last = s->slots[i].last_ns;
    return now_ns > last && now_ns - last > s->keepalive_ns;
}

/* see udping.h */
size_t udping_server_flush(struct udping_server *s, uint64_t now_ns, bool all,
                           struct udping_report *out, size_t cap)
{
    size_t n = 0;
    /* Least recently active first: the use order of the guid table is
     * the arrival order, so the first one not idle ends the sweep. */
    while (n < cap) {
        uint32_t i = ippm_table_oldest(&s->by_guid);
        if (i == IPPM_TABLE_NIL || !(all || idle(s, i, now_ns)))
            break;
        session_finish(s, i, &out[n++], false);
    }
    return n;
}

/* see udping.h */
uint64_t udping_server_deadline(const struct udping_server *s)
{
    uint32_t i = ippm_table_oldest(&s->by_guid);
    if (i == IPPM_TABLE_NIL)
        return UINT64_MAX;
    uint64_t last = s->slots[i].last_ns;
    if (s->keepalive_ns >= UINT64_MAX - 1 - last)
        return UINT64_MAX;
    return last + s->keepalive_ns + 1;
}

/* see udping.h */
size_t udping_server_sessions(const struct udping_server *s)
{
    return ippm_table_count(&s->by_guid);
}
