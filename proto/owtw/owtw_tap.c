/* A passive observer of one OWAMP/TWAMP-Control connection: both
 * directions in, every message out decrypted with its MAC verdict
 * (owtw.h, "a passive observer"). The server's replies are told apart by
 * the client's commands, as the protocol orders them (RFC 4656 §3.4-3.9,
 * RFC 5357 §3.4-3.8, RFC 5938 §3). */
#include "owtw_conn.h"

#include <string.h>

#include "../common/ippm_cur.h"

#define C2S 0
#define S2C 1

enum tap_phase {
    TP_SETUP = 0, /* C->S: Set-Up-Response; S->C: Server-Greeting */
    TP_START,     /* S->C: Server-Start */
    TP_MESSAGES,  /* commands / replies */
    TP_END        /* S->C after a refusing Server-Start */
};

/* see owtw.h */
void owtw_tap_init(struct owtw_tap *t, enum owtw_proto proto,
                   const struct ippm_crypto *crypto,
                   const struct owtw_key *keys, size_t n_keys,
                   const struct owtw_tap_bufs *bufs)
{
    memset(t, 0, sizeof *t);
    t->proto = proto;
    t->crypto = crypto;
    t->keys = keys;
    t->n_keys = n_keys;
    ippm_stream_init(&t->side[C2S].in, bufs->c2s_in, bufs->in_cap);
    ippm_stream_init(&t->side[S2C].in, bufs->s2c_in, bufs->in_cap);
    owtw_rx_init(&t->side[C2S].rx, bufs->c2s_plain, bufs->plain_cap);
    owtw_rx_init(&t->side[S2C].rx, bufs->s2c_plain, bufs->plain_cap);
    for (int i = 0; i < 2; i++) {
        owtw_chan_init_open(&t->side[i].chan);
        t->side[i].rx.keep_going = true;
    }
}

/* see owtw.h */
void owtw_tap_free(struct owtw_tap *t)
{
    owtw_chan_free(&t->side[C2S].chan);
    owtw_chan_free(&t->side[S2C].chan);
    memset(&t->sk, 0, sizeof t->sk);
}

/* see owtw.h */
size_t owtw_tap_room(const struct owtw_tap *t, bool from_client)
{
    const struct ippm_stream *in = &t->side[from_client ? C2S : S2C].in;
    return in->cap - ippm_stream_buffered(in);
}

/* see owtw.h */
enum ippm_err owtw_tap_feed(struct owtw_tap *t, bool from_client,
                            const uint8_t *data, size_t len)
{
    if (len > owtw_tap_room(t, from_client))
        return IPPM_ERR_TOO_LONG;
    ippm_stream_feed(&t->side[from_client ? C2S : S2C].in, data, len);
    return IPPM_OK;
}

/* see owtw.h */
const struct owtw_session_keys *owtw_tap_keys(const struct owtw_tap *t)
{
    return &t->sk;
}

/* A clear message of n octets at the front of side d, copied to its
 * plain buffer: true when it was there. */
static bool take_clear(struct owtw_tap *t, int d, size_t n,
                       struct owtw_tap_msg *m, enum owtw_msg kind)
{
    struct owtw_tap_side *sd = &t->side[d];
    const uint8_t *p;
    if (n > sd->rx.cap || ippm_stream_peek(&sd->in, n, &p) != IPPM_OK)
        return false;
    memcpy(sd->rx.plain, p, n);
    ippm_stream_consume(&sd->in, n);
    *m = (struct owtw_tap_msg){d == C2S, kind, sd->rx.plain, n, sd->offset,
                               true};
    sd->offset += n;
    return true;
}

/* ---- the client's side ---- */

static enum ippm_err on_setup(struct owtw_tap *t, struct owtw_tap_msg *m)
{
    if (!(t->side[S2C].phase > TP_SETUP)) /* the greeting comes first */
        return IPPM_ERR_AGAIN;
    if (!take_clear(t, C2S, OWTW_SETUP_LEN, m, OWTW_MSG_SETUP))
        return IPPM_ERR_AGAIN;
    struct owtw_setup su;
    owtw_setup_decode(&su, m->plain, OWTW_SETUP_LEN);
    t->mode = su.mode;
    t->side[C2S].phase = TP_MESSAGES;
    uint32_t sec = su.mode & (t->proto == OWTW_OWAMP ? 7u
                                                     : OWTW_MODE_SECURITY_MASK);
    if (!(sec & ~OWTW_MODE_OPEN))
        return IPPM_OK; /* open (or no) mode: nothing to key */
    const struct owtw_key *k = owtw_key_find(
        t->keys, t->n_keys, su.keyid, (su.mode & OWTW_MODE_IKEV2) != 0);
    enum ippm_err e = OWTW_ERR_KEYID;
    /* PBKDF2 needs a Count, and a capture's cannot be allowed to cost
     * what it likes (the client's bound). */
    if (k && (t->greeting.count == 0 || t->greeting.count > OWTW_TAP_MAX_COUNT))
        e = OWTW_ERR_WEAK_COUNT;
    else if (k)
        e = owtw_key_open_token(t->crypto, k, t->greeting.salt,
                                t->greeting.count, t->greeting.challenge,
                                su.token, &t->sk);
    if (e == IPPM_OK)
        e = owtw_chan_init(&t->side[C2S].chan, t->crypto, &t->sk,
                           su.client_iv);
    if (e != IPPM_OK)
        t->err_next = e; /* this message out, then nothing can be read */
    return IPPM_OK;
}

static bool queue_push(struct owtw_tap *t, enum owtw_msg kind, uint32_t acks)
{
    if (t->q_len == OWTW_TAP_QUEUE)
        return false;
    size_t i = (t->q_head + t->q_len++) % OWTW_TAP_QUEUE;
    t->queue[i] = kind;
    t->acks_left[i] = acks;
    return true;
}

static void queue_pop(struct owtw_tap *t)
{
    t->q_head = (t->q_head + 1) % OWTW_TAP_QUEUE;
    t->q_len--;
}

/* Both Stop-Sessions seen (OWAMP), or the client's (TWAMP): the
 * measurements are over (RFC 4656 §3.4). */
static void maybe_over(struct owtw_tap *t)
{
    if (t->proto == OWTW_TWAMP ? t->client_stopped
                               : t->client_stopped && t->server_stopped) {
        t->active = t->client_stopped = t->server_stopped = false;
    }
}

/* A whole command: the reply it makes due. */
static enum ippm_err on_command(struct owtw_tap *t, const struct owtw_rx *rx)
{
    bool ok = true;
    switch (rx->kind) {
    case OWTW_MSG_REQUEST:
    case OWTW_MSG_REQUEST_TW:
        ok = queue_push(t, OWTW_MSG_ACCEPT_SESSION, 0);
        break;
    case OWTW_MSG_START: ok = queue_push(t, OWTW_MSG_START_ACK, 0); break;
    case OWTW_MSG_FETCH: ok = queue_push(t, OWTW_MSG_FETCH_ACK, 0); break;
    case OWTW_MSG_NSESSIONS:
        /* RFC 5938 §3.3: one or more acks cover the SIDs. */
        ok = queue_push(t, OWTW_MSG_NSESSIONS, ippm_load_u32(rx->plain + 12));
        break;
    default: /* Stop-Sessions */
        t->client_stopped = true;
        maybe_over(t);
        break;
    }
    return ok ? IPPM_OK : OWTW_ERR_MSG_LEN;
}

/* Receives the next message of side d (a command when kind is
 * OWTW_MSG_COUNT_ on the client's side). */
static enum ippm_err tap_recv(struct owtw_tap *t, int d, enum owtw_msg kind,
                          size_t total, struct owtw_tap_msg *m)
{
    struct owtw_tap_side *sd = &t->side[d];
    if (!sd->receiving) {
        if (ippm_stream_buffered(&sd->in) == 0)
            return IPPM_ERR_AGAIN;
        if (kind == OWTW_MSG_COUNT_)
            owtw_rx_expect_command(&sd->rx, t->proto);
        else
            owtw_rx_expect(&sd->rx, kind, total);
        sd->receiving = true;
    }
    enum ippm_err e = owtw_rx_take(&sd->rx, &sd->chan, &sd->in);
    if (e != IPPM_OK)
        return e;
    sd->receiving = false;
    *m = (struct owtw_tap_msg){d == C2S, sd->rx.kind, sd->rx.plain,
                               sd->rx.total, sd->offset, !sd->rx.mac_bad};
    sd->offset += sd->rx.total;
    return IPPM_OK;
}

static enum ippm_err client_step(struct owtw_tap *t, struct owtw_tap_msg *m)
{
    if (t->side[C2S].phase == TP_SETUP)
        return on_setup(t, m);
    enum ippm_err e = tap_recv(t, C2S, OWTW_MSG_COUNT_, 0, m);
    return e == IPPM_OK ? on_command(t, &t->side[C2S].rx) : e;
}

/* ---- the server's side ---- */

static enum ippm_err on_server_start(struct owtw_tap *t,
                                     struct owtw_tap_msg *m)
{
    struct owtw_tap_side *sd = &t->side[S2C];
    const uint8_t *p;
    if (t->side[C2S].phase == TP_SETUP ||
        ippm_stream_peek(&sd->in, OWTW_SERVER_START_LEN, &p) != IPPM_OK)
        return IPPM_ERR_AGAIN;
    if (t->side[C2S].chan.secure && p[15] == OWTW_ACCEPT_OK &&
        owtw_chan_init(&sd->chan, t->crypto, &t->sk, p + 16) != IPPM_OK)
        return IPPM_ERR_CRYPTO;
    uint8_t block[OWTW_BLOCK];
    /* RFC 4656 §3.1: a refusal's Start-Time is not encrypted. */
    if (owtw_chan_open_block(&sd->chan, p + OWTW_SERVER_START_CLEAR, block,
                             false) != IPPM_OK)
        return IPPM_ERR_CRYPTO;
    take_clear(t, S2C, OWTW_SERVER_START_LEN, m, OWTW_MSG_SERVER_START);
    memcpy(sd->rx.plain + OWTW_SERVER_START_CLEAR, block, OWTW_BLOCK);
    sd->phase = m->plain[15] == OWTW_ACCEPT_OK ? TP_MESSAGES : TP_END;
    if (sd->phase == TP_END)
        t->err_next = OWTW_ERR_SERVER_START;
    return IPPM_OK;
}

/* The server message due next, OWTW_MSG_COUNT_ when none is yet. */
static enum owtw_msg server_due(const struct owtw_tap *t, size_t *total)
{
    *total = 0;
    if (t->fetch_stage == 1)
        return OWTW_MSG_REQUEST;
    if (t->fetch_stage == 2) {
        *total = (size_t)owtw_fetch_skips_len(t->fetch_skips);
        return OWTW_MSG_FETCH_SKIPS;
    }
    if (t->fetch_stage == 3) {
        *total = (size_t)owtw_fetch_records_len(t->fetch_records);
        return OWTW_MSG_FETCH_RECORDS;
    }
    /* RFC 4656 §3.4: while active, only Stop-Sessions may pass. */
    if (t->proto == OWTW_OWAMP && t->active && !t->server_stopped)
        return OWTW_MSG_STOP;
    return t->q_len ? t->queue[t->q_head] : OWTW_MSG_COUNT_;
}

/* A whole server message: what it settles. */
static void on_reply(struct owtw_tap *t, const struct owtw_tap_msg *m)
{
    const uint8_t *p = m->plain;
    switch (m->kind) {
    case OWTW_MSG_ACCEPT_SESSION: queue_pop(t); break;
    case OWTW_MSG_START_ACK:
        queue_pop(t);
        t->active = p[0] == OWTW_ACCEPT_OK;
        t->client_stopped = t->server_stopped = false;
        break;
    case OWTW_MSG_FETCH_ACK:
        queue_pop(t);
        if (p[0] == OWTW_ACCEPT_OK) {
            t->fetch_skips = ippm_load_u32(p + 8);
            t->fetch_records = ippm_load_u32(p + 12);
            t->fetch_stage = 1;
        }
        break;
    case OWTW_MSG_REQUEST:
    case OWTW_MSG_FETCH_SKIPS:
        t->fetch_stage++;
        break;
    case OWTW_MSG_FETCH_RECORDS: t->fetch_stage = 0; break;
    case OWTW_MSG_NSESSIONS: {
        uint32_t n = ippm_load_u32(p + 12);
        uint32_t *left = &t->acks_left[t->q_head];
        *left = n >= *left ? 0 : *left - n;
        if (*left == 0)
            queue_pop(t);
        break;
    }
    default: /* the server's Stop-Sessions */
        t->server_stopped = true;
        maybe_over(t);
        break;
    }
}

static enum ippm_err server_step(struct owtw_tap *t, struct owtw_tap_msg *m)
{
    struct owtw_tap_side *sd = &t->side[S2C];
    switch (sd->phase) {
    case TP_SETUP:
        if (!take_clear(t, S2C, OWTW_GREETING_LEN, m, OWTW_MSG_GREETING))
            return IPPM_ERR_AGAIN;
        owtw_greeting_decode(&t->greeting, m->plain, OWTW_GREETING_LEN);
        sd->phase = TP_START;
        return IPPM_OK;
    case TP_START: return on_server_start(t, m);
    case TP_END: return IPPM_ERR_AGAIN;
    default: break;
    }
    size_t total = 0;
    enum owtw_msg kind = sd->receiving ? sd->rx.kind : server_due(t, &total);
    if (kind == OWTW_MSG_COUNT_)
        return IPPM_ERR_AGAIN;
    enum ippm_err e = tap_recv(t, S2C, kind, sd->receiving ? 0 : total, m);
    if (e == IPPM_OK)
        on_reply(t, m);
    return e;
}

/* see owtw.h */
enum ippm_err owtw_tap_next(struct owtw_tap *t, struct owtw_tap_msg *m)
{
    if (t->err)
        return t->err;
    if (t->err_next) {
        t->err = t->err_next;
        return t->err;
    }
    /* The client's first: its commands say what the server answers. */
    enum ippm_err e = client_step(t, m);
    if (e == IPPM_ERR_AGAIN)
        e = server_step(t, m);
    if (e != IPPM_OK && e != IPPM_ERR_AGAIN)
        t->err = e;
    return e;
}
