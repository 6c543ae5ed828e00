/* The OWAMP/TWAMP-Control client machine: the mirror of owtw_server.c.
 * Reads the greeting, chooses a mode from offered ∩ wanted, sends the
 * Set-Up-Response (RFC 4656 §3.1), reads Server-Start, then sends the
 * commands the driver asks for and reads their replies (RFC 4656
 * §3.5-3.9, RFC 5357 §3.5-3.8, RFC 5938 §3). */
#include "owtw_conn.h"

#include <string.h>

#include "../common/ippm_cur.h"

enum cl_state {
    CL_GREETING = 0,  /* awaiting the Server-Greeting */
    CL_SERVER_START,  /* awaiting Server-Start */
    CL_IDLE,          /* no reply due */
    CL_WAIT_ACCEPT,
    CL_WAIT_START_ACK,
    CL_WAIT_NS_ACK,
    CL_WAIT_FETCH_ACK,
    CL_FETCH_REQUEST,
    CL_FETCH_SKIPS,
    CL_FETCH_RECORDS,
    CL_WAIT_RAW,
    CL_CLOSED
};

#define NS_PER_S 1000000000ull
#define DEFAULT_TIMEOUT_NS (30 * NS_PER_S)
#define DEFAULT_MAX_COUNT (1u << 20)

/* see owtw.h */
void owtw_client_init(struct owtw_client *c, const struct owtw_client_cfg *cfg,
                      const struct owtw_bufs *bufs,
                      const struct owtw_client_random *rnd)
{
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    c->rnd = *rnd;
    owtw_conn_init(&c->c, cfg->proto, cfg->crypto, bufs,
                   cfg->timeout_ns ? cfg->timeout_ns : DEFAULT_TIMEOUT_NS);
    c->c.state = CL_GREETING;
    c->pending = -1;
}

/* see owtw.h */
void owtw_client_free(struct owtw_client *c)
{
    owtw_conn_free(&c->c);
}

/* see owtw.h */
size_t owtw_client_room(const struct owtw_client *c)
{
    return owtw_conn_room(&c->c);
}

static bool reply_due(const struct owtw_conn *c)
{
    return c->state != CL_IDLE && c->state != CL_CLOSED;
}

/* see owtw.h */
uint64_t owtw_client_deadline(const struct owtw_client *c)
{
    const struct owtw_conn *k = &c->c;
    if (k->state == CL_CLOSED)
        return UINT64_MAX;
    if (k->close_pending || k->more)
        return 0;
    if (!reply_due(k) || !k->clock)
        return UINT64_MAX;
    return k->last_rx_ns > UINT64_MAX - k->timeout_ns
               ? UINT64_MAX
               : k->last_rx_ns + k->timeout_ns;
}

static enum ippm_err fail(struct owtw_client *c, enum ippm_err why,
                          struct owtw_action *act)
{
    return owtw_conn_close(&c->c, CL_CLOSED, why, act);
}

/* ---- connection setup ---- */

/* The strongest security mode both sides accept (RFC 4656 §3.1 leaves
 * the choice to the client): encrypted, authenticated, mixed, open. */
static uint32_t choose_security(enum owtw_proto proto, uint32_t both)
{
    static const uint32_t order[] = {OWTW_MODE_ENCRYPTED, OWTW_MODE_AUTH,
                                     OWTW_MODE_MIXED, OWTW_MODE_OPEN};
    for (size_t i = 0; i < 4; i++)
        if ((both & order[i]) &&
            !(order[i] == OWTW_MODE_MIXED && proto == OWTW_OWAMP))
            return order[i];
    return 0;
}

/* Fills the Set-Up-Response for a secure mode and keys the send
 * channel. */
static enum ippm_err secure_setup(struct owtw_client *c,
                                  const struct owtw_greeting *g,
                                  struct owtw_setup *su)
{
    if (c->cfg.keyid_len > OWTW_KEYID_LEN)
        return IPPM_ERR_BAD_ARG;
    memcpy(su->keyid, c->cfg.keyid, c->cfg.keyid_len);
    uint8_t key[OWTW_AES_SK_LEN];
    enum ippm_err e = owtw_derive_key(c->cfg.crypto, c->cfg.secret,
                                      c->cfg.secret_len, g->salt, g->count,
                                      key);
    if (e == IPPM_OK)
        e = owtw_token_make(c->cfg.crypto, key, g->challenge, &c->rnd.sk,
                            su->token);
    memset(key, 0, sizeof key);
    memcpy(su->client_iv, c->rnd.client_iv, OWTW_IV_LEN);
    if (e == IPPM_OK)
        e = owtw_chan_init(&c->c.tx, c->cfg.crypto, &c->rnd.sk,
                           c->rnd.client_iv);
    if (e == IPPM_OK)
        c->c.sk = c->rnd.sk;
    return e;
}

/* The Set-Up-Response Mode word for this greeting, and IPPM_OK to go on
 * or why not (then the word is 0: RFC 4656 §3.1, the client will not
 * continue). */
static enum ippm_err choose_mode(const struct owtw_client *c,
                                 const struct owtw_greeting *g,
                                 uint32_t *mode)
{
    const struct owtw_conn *k = &c->c;
    uint32_t sec = choose_security(k->proto, g->modes & c->cfg.modes);
    uint32_t features = k->proto == OWTW_TWAMP
                            ? g->modes & c->cfg.modes & ~OWTW_MODE_SECURITY_MASK
                            : 0;
    *mode = c->force_mode ? c->force_mode : sec | features;
    if (c->force_mode) /* a conformance probe: this Mode, offered or not */
        sec = choose_security(OWTW_TWAMP, c->force_mode);
    else if (!sec) {
        *mode = 0;
        return OWTW_ERR_MODE;
    }
    /* RFC 4656 §3.1: Count at least 1024; our bound keeps PBKDF2 cheap. */
    uint32_t max = c->cfg.max_count ? c->cfg.max_count : DEFAULT_MAX_COUNT;
    if (sec && sec != OWTW_MODE_OPEN &&
        (g->count < OWTW_COUNT_MIN || g->count > max)) {
        *mode = 0;
        return OWTW_ERR_WEAK_COUNT;
    }
    return IPPM_OK;
}

static enum ippm_err on_greeting(struct owtw_client *c, uint64_t now,
                                 struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    const uint8_t *p;
    if (ippm_stream_peek(&k->in, OWTW_GREETING_LEN, &p) != IPPM_OK)
        return IPPM_OK;
    struct owtw_greeting g;
    owtw_greeting_decode(&g, p, OWTW_GREETING_LEN);
    ippm_stream_consume(&k->in, OWTW_GREETING_LEN);
    /* RFC 4656 §3.1: Modes 0, the client SHOULD close. */
    if (g.modes == 0)
        return fail(c, OWTW_ERR_MODE, act);
    struct owtw_setup su;
    memset(&su, 0, sizeof su);
    enum ippm_err why = choose_mode(c, &g, &su.mode);
    uint32_t sec = choose_security(OWTW_TWAMP, su.mode);
    if (why == IPPM_OK && sec && sec != OWTW_MODE_OPEN) {
        enum ippm_err e = secure_setup(c, &g, &su);
        if (e != IPPM_OK)
            return fail(c, e == IPPM_ERR_BAD_ARG ? OWTW_ERR_KEYID : e, act);
    }
    size_t n;
    if (owtw_setup_encode(k->bufs.tx, k->bufs.tx_cap, &n, &su) != IPPM_OK)
        return fail(c, IPPM_ERR_NOSPACE, act);
    k->mode = su.mode;
    owtw_act_send(act, n);
    k->last_rx_ns = now;
    if (why != IPPM_OK) {
        k->close_pending = true;
        k->close_why = why;
        return IPPM_OK;
    }
    k->state = CL_SERVER_START;
    k->more = ippm_stream_buffered(&k->in) >= OWTW_SERVER_START_LEN;
    return IPPM_OK;
}

static enum ippm_err on_server_start(struct owtw_client *c,
                                     struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    const uint8_t *p;
    if (ippm_stream_peek(&k->in, OWTW_SERVER_START_CLEAR, &p) != IPPM_OK)
        return IPPM_OK;
    uint8_t plain[OWTW_SERVER_START_LEN];
    memcpy(plain, p, OWTW_SERVER_START_CLEAR);
    /* RFC 4656 §3.1: a refusal's Start-Time is not encrypted; stop here. */
    if (plain[15] != OWTW_ACCEPT_OK)
        return fail(c, OWTW_ERR_SERVER_START, act);
    if (ippm_stream_peek(&k->in, OWTW_SERVER_START_LEN, &p) != IPPM_OK)
        return IPPM_OK;
    if (k->tx.secure) {
        struct owtw_session_keys sk = c->rnd.sk;
        if (owtw_chan_init(&k->rx, c->cfg.crypto, &sk, p + 16) != IPPM_OK)
            return fail(c, IPPM_ERR_CRYPTO, act);
    }
    if (owtw_chan_open_block(&k->rx, p + OWTW_SERVER_START_CLEAR,
                             plain + OWTW_SERVER_START_CLEAR,
                             false) != IPPM_OK)
        return fail(c, IPPM_ERR_CRYPTO, act);
    ippm_stream_consume(&k->in, OWTW_SERVER_START_LEN);
    k->state = CL_IDLE;
    k->more = ippm_stream_buffered(&k->in) > 0;
    act->note = OWTW_NOTE_READY;
    act->mode = k->mode;
    return IPPM_OK;
}

/* ---- replies ---- */

static void on_accept(struct owtw_client *c, struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    owtw_accept_session_decode(&act->accept, k->bufs.plain, k->msg.total);
    struct owtw_session *x = &k->bufs.sessions[c->pending];
    if (act->accept.accept == OWTW_ACCEPT_OK) {
        x->state = OWTW_SESS_ACCEPTED;
        x->port = act->accept.port;
        /* RFC 4656 §3.5: the receiver chooses the SID; for a session the
         * server only sends, the client's own stands (owampd echoes it,
         * notes §4.8). */
        if (!(x->conf_sender && !x->conf_receiver) || k->proto == OWTW_TWAMP)
            memcpy(x->sid, act->accept.sid, OWTW_SID_LEN);
        act->session = c->pending;
    } else {
        x->state = OWTW_SESS_FREE;
    }
    c->pending = -1;
    act->note = OWTW_NOTE_ACCEPT;
    k->state = CL_IDLE;
}

static void on_start_ack(struct owtw_client *c, struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    owtw_start_ack_decode(&act->start_ack, k->bufs.plain, k->msg.total);
    if (act->start_ack.accept == OWTW_ACCEPT_OK) {
        owtw_conn_sessions_set(k, OWTW_SESS_ACCEPTED, OWTW_SESS_ACCEPTED,
                               OWTW_SESS_STARTED);
        k->active = true;
        k->stop_sent = k->stop_received = false;
    }
    act->note = OWTW_NOTE_START_ACK;
    k->state = CL_IDLE;
    /* RFC 4656 §3.7: on a rejection the client SHOULD close. */
    if (act->start_ack.accept != OWTW_ACCEPT_OK) {
        k->close_pending = true;
        k->close_why = IPPM_ERR_REFUSED;
    }
}

/* Sessions the server is the sender of (Conf-Sender), not yet stopped. */
static uint32_t server_send_sessions(const struct owtw_conn *k)
{
    uint32_t n = 0;
    for (size_t i = 0; i < k->bufs.max_sessions; i++) {
        const struct owtw_session *x = &k->bufs.sessions[i];
        if ((x->state == OWTW_SESS_ACCEPTED ||
             x->state == OWTW_SESS_STARTED) &&
            x->conf_sender)
            n++;
    }
    return n;
}

static void stopped_if_both(struct owtw_conn *k)
{
    if (k->proto == OWTW_OWAMP && !(k->stop_sent && k->stop_received))
        return;
    owtw_conn_sessions_set(k, OWTW_SESS_ACCEPTED, OWTW_SESS_STARTED,
                           OWTW_SESS_STOPPED);
    k->active = false;
    k->stop_sent = k->stop_received = false;
}

static enum ippm_err on_ns_ack(struct owtw_client *c, struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    struct owtw_nsessions *m = &act->nsessions;
    owtw_nsessions_decode(m, k->bufs.plain, k->msg.total);
    uint8_t want = c->last_cmd == OWTW_CMD_START_N_SESSIONS
                       ? OWTW_CMD_START_N_ACK
                       : OWTW_CMD_STOP_N_ACK;
    if (m->cmd != want || m->n_sessions > k->acks_left)
        return fail(c, OWTW_ERR_COMMAND, act);
    if (m->accept == OWTW_ACCEPT_OK)
        owtw_conn_sids_set(k, m->sids, m->n_sessions,
                           want == OWTW_CMD_START_N_ACK ? OWTW_SESS_STARTED
                                                        : OWTW_SESS_STOPPED);
    k->active = owtw_conn_any_started(k);
    k->acks_left -= m->n_sessions;
    if (k->acks_left == 0)
        k->state = CL_IDLE;
    act->note = OWTW_NOTE_NSESSIONS_ACK;
    return IPPM_OK;
}

/* The kind of the server message due in this state; OWTW_MSG_COUNT_
 * when none is (an OWAMP server's own Stop-Sessions may come while
 * active, RFC 4656 §3.8). */
static enum owtw_msg due(const struct owtw_client *c, size_t *total)
{
    const struct owtw_conn *k = &c->c;
    *total = 0;
    switch (k->state) {
    case CL_WAIT_ACCEPT: return OWTW_MSG_ACCEPT_SESSION;
    case CL_WAIT_START_ACK: return OWTW_MSG_START_ACK;
    case CL_WAIT_NS_ACK: return OWTW_MSG_NSESSIONS;
    case CL_WAIT_FETCH_ACK: return OWTW_MSG_FETCH_ACK;
    case CL_FETCH_REQUEST: return OWTW_MSG_REQUEST;
    case CL_FETCH_SKIPS:
        *total = (size_t)owtw_fetch_skips_len(k->fetch_skips);
        return OWTW_MSG_FETCH_SKIPS;
    case CL_WAIT_RAW: return c->raw_reply;
    default:
        return k->proto == OWTW_OWAMP && k->active && !k->stop_received
                   ? OWTW_MSG_STOP
                   : OWTW_MSG_COUNT_;
    }
}

static enum ippm_err on_fetch_part(struct owtw_client *c,
                                   struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    switch (k->state) {
    case CL_WAIT_FETCH_ACK:
        owtw_fetch_ack_decode(&act->fetch_ack, k->bufs.plain, k->msg.total);
        act->note = OWTW_NOTE_FETCH_ACK;
        k->fetch_skips = act->fetch_ack.n_skips;
        k->fetch_records = act->fetch_ack.n_records;
        k->state = act->fetch_ack.accept == OWTW_ACCEPT_OK ? CL_FETCH_REQUEST
                                                           : CL_IDLE;
        return IPPM_OK;
    case CL_FETCH_REQUEST:
        owtw_request_decode(&act->request, k->bufs.plain, k->msg.total);
        act->note = OWTW_NOTE_FETCH_REQUEST;
        k->state = CL_FETCH_SKIPS;
        return IPPM_OK;
    default: /* CL_FETCH_SKIPS */
        act->note = OWTW_NOTE_FETCH_SKIPS;
        act->view = k->fetch_skips ? k->bufs.plain : NULL;
        act->view_len = (size_t)k->fetch_skips * OWTW_SKIP_RANGE_LEN;
        k->fetch_left = k->fetch_records;
        k->fetch_data_left = owtw_fetch_records_len(k->fetch_records) -
                             OWTW_HMAC_LEN;
        k->carry = k->carry_done = 0;
        k->state = CL_FETCH_RECORDS;
        return IPPM_OK;
    }
}

/* The record area, in chunks of whole records as plain holds them: data
 * blocks are opened into plain after the octets kept back, the MAC
 * block last (RFC 4656 §3.9). */
static enum ippm_err on_records(struct owtw_client *c, struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    uint8_t *plain = k->bufs.plain;
    if (k->carry_done) { /* the previous chunk was delivered */
        memmove(plain, plain + k->carry_done, k->carry - k->carry_done);
        k->carry -= k->carry_done;
        k->carry_done = 0;
    }
    const uint8_t *blk;
    while (k->fetch_data_left > 0 &&
           k->carry + OWTW_BLOCK <= k->bufs.plain_cap &&
           ippm_stream_peek(&k->in, OWTW_BLOCK, &blk) == IPPM_OK) {
        if (owtw_chan_open_block(&k->rx, blk, plain + k->carry, false) !=
            IPPM_OK)
            return fail(c, IPPM_ERR_CRYPTO, act);
        ippm_stream_consume(&k->in, OWTW_BLOCK);
        k->carry += OWTW_BLOCK;
        k->fetch_data_left -= OWTW_BLOCK;
    }
    size_t whole = k->carry / OWTW_FETCH_RECORD_LEN;
    if (whole > k->fetch_left)
        whole = k->fetch_left;
    bool last = false;
    if (k->fetch_data_left == 0) {
        if (ippm_stream_peek(&k->in, OWTW_BLOCK, &blk) != IPPM_OK)
            return IPPM_OK;
        uint8_t mac[OWTW_BLOCK];
        enum ippm_err e = owtw_chan_open_block(&k->rx, blk, mac, true);
        ippm_stream_consume(&k->in, OWTW_BLOCK);
        if (e != IPPM_OK)
            return fail(c, e, act);
        last = true;
        k->state = CL_IDLE;
    } else if (whole == 0 || (k->carry + OWTW_BLOCK <= k->bufs.plain_cap &&
                              ippm_stream_buffered(&k->in) >= OWTW_BLOCK)) {
        return IPPM_OK; /* fill plain further first */
    }
    act->note = OWTW_NOTE_FETCH_RECORDS;
    act->view = whole ? plain : NULL;
    act->view_len = whole * OWTW_FETCH_RECORD_LEN;
    act->n_records = (uint32_t)whole;
    act->last = last;
    k->fetch_left -= (uint32_t)whole;
    k->carry_done = act->view_len;
    k->more = ippm_stream_buffered(&k->in) > 0;
    return IPPM_OK;
}

static enum ippm_err on_message(struct owtw_client *c,
                                struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    if (k->state == CL_FETCH_RECORDS)
        return on_records(c, act);
    size_t total;
    enum owtw_msg kind = due(c, &total);
    if (kind == OWTW_MSG_COUNT_) {
        /* Nothing is due: any octet is out of turn. */
        return ippm_stream_buffered(&k->in) ? fail(c, OWTW_ERR_COMMAND, act)
                                            : IPPM_OK;
    }
    enum ippm_err e = owtw_conn_recv(k, kind, total);
    if (e == IPPM_ERR_AGAIN)
        return IPPM_OK;
    if (e != IPPM_OK)
        return fail(c, e, act);
    if (k->state == CL_WAIT_RAW) { /* a probe's reply, as it came */
        act->note = OWTW_NOTE_RAW;
        act->view = k->bufs.plain;
        act->view_len = k->msg.total;
        k->state = CL_IDLE;
        owtw_conn_next(k);
        return IPPM_OK;
    }
    enum ippm_err r = IPPM_OK;
    switch (kind) {
    case OWTW_MSG_ACCEPT_SESSION: on_accept(c, act); break;
    case OWTW_MSG_START_ACK: on_start_ack(c, act); break;
    case OWTW_MSG_NSESSIONS: r = on_ns_ack(c, act); break;
    case OWTW_MSG_STOP:
        owtw_stop_decode(&act->stop, k->proto, k->bufs.plain, k->msg.total);
        if (act->stop.cmd != OWTW_CMD_STOP_SESSIONS)
            return fail(c, OWTW_ERR_COMMAND, act);
        /* RFC 4656 §3.8: exactly the server's send sessions, else the
         * connection SHOULD be closed. */
        if (act->stop.n_sessions != server_send_sessions(k))
            return fail(c, OWTW_ERR_STOP_COUNT, act);
        act->note = OWTW_NOTE_STOP;
        k->stop_received = true;
        stopped_if_both(k);
        break;
    default: r = on_fetch_part(c, act); break;
    }
    if (k->state != CL_CLOSED)
        owtw_conn_next(k);
    return r;
}

/* see owtw.h */
enum ippm_err owtw_client_handle(struct owtw_client *c,
                                 const struct ippm_event *ev,
                                 struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    enum ippm_err ret;
    if (owtw_conn_front(k, CL_CLOSED, ev, act, &ret))
        return ret;
    if (!k->clock) { /* the first event: the greeting's wait starts now */
        k->clock = true;
        if (ev->kind != IPPM_EV_BYTES)
            k->last_rx_ns = ev->now_ns;
    }
    k->more = false;
    if (ev->kind == IPPM_EV_TIMER && reply_due(k) &&
        ev->now_ns >= owtw_client_deadline(c))
        return fail(c, IPPM_ERR_TIMEOUT, act);
    switch (k->state) {
    case CL_GREETING: return on_greeting(c, ev->now_ns, act);
    case CL_SERVER_START: return on_server_start(c, act);
    default: return on_message(c, act);
    }
}

/* ---- commands ---- */

/* A command may go: set up, no reply due, not closing. */
static enum ippm_err can_send(const struct owtw_client *c,
                              struct owtw_action *act)
{
    owtw_act_reset(act);
    const struct owtw_conn *k = &c->c;
    if (k->state != CL_IDLE || k->close_pending)
        return IPPM_ERR_STATE;
    return IPPM_OK;
}

/* Seals tx[0..n) as kind, SEND; the reply (if any) is due from now. */
static enum ippm_err sent(struct owtw_client *c, uint64_t now, size_t n,
                          enum owtw_msg kind, int next_state,
                          struct owtw_action *act)
{
    if (owtw_conn_seal(&c->c, 0, n, kind) != IPPM_OK)
        return fail(c, IPPM_ERR_CRYPTO, act);
    owtw_act_send(act, n);
    c->c.state = next_state;
    c->c.last_rx_ns = now;
    return IPPM_OK;
}

/* see owtw.h */
enum ippm_err owtw_client_request(struct owtw_client *c, uint64_t now_ns,
                                  const struct owtw_request *req,
                                  const struct owtw_slot *slots,
                                  struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    enum ippm_err e = can_send(c, act);
    bool indiv = (k->mode & OWTW_MODE_INDIV_SESSION) != 0;
    if (e != IPPM_OK || (k->active && !indiv))
        return IPPM_ERR_STATE;
    int i = owtw_conn_free_session(k);
    if (i < 0)
        return IPPM_ERR_SESSION_FULL;
    size_t n;
    if (owtw_request_encode(k->bufs.tx, k->bufs.tx_cap, &n, k->proto, req,
                            slots) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    struct owtw_session *x = &k->bufs.sessions[i];
    memset(x, 0, sizeof *x);
    x->state = OWTW_SESS_PENDING;
    x->conf_sender = req->conf_sender != 0;
    x->conf_receiver = req->conf_receiver != 0;
    x->n_packets = req->n_packets;
    memcpy(x->sid, req->sid, OWTW_SID_LEN);
    c->pending = i;
    act->session = i;
    return sent(c, now_ns, n,
                k->proto == OWTW_TWAMP ? OWTW_MSG_REQUEST_TW
                                       : OWTW_MSG_REQUEST,
                CL_WAIT_ACCEPT, act);
}

/* see owtw.h */
enum ippm_err owtw_client_start(struct owtw_client *c, uint64_t now_ns,
                                struct owtw_action *act)
{
    if (can_send(c, act) != IPPM_OK || c->c.active)
        return IPPM_ERR_STATE;
    size_t n;
    if (owtw_start_encode(c->c.bufs.tx, c->c.bufs.tx_cap, &n) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    return sent(c, now_ns, n, OWTW_MSG_START, CL_WAIT_START_ACK, act);
}

/* see owtw.h */
enum ippm_err owtw_client_stop(struct owtw_client *c, uint64_t now_ns,
                               uint8_t accept,
                               const struct owtw_stop_record *recs,
                               uint32_t n_recs, struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    if (can_send(c, act) != IPPM_OK || k->stop_sent)
        return IPPM_ERR_STATE;
    struct owtw_stop m = {.cmd = OWTW_CMD_STOP_SESSIONS, .accept = accept,
                          .n_sessions = n_recs};
    size_t n;
    if (owtw_stop_encode(k->bufs.tx, k->bufs.tx_cap, &n, k->proto, &m, recs) !=
        IPPM_OK)
        return IPPM_ERR_NOSPACE;
    k->stop_sent = true;
    enum ippm_err e = sent(c, now_ns, n,
                           k->proto == OWTW_TWAMP ? OWTW_MSG_STOP_TW
                                                  : OWTW_MSG_STOP,
                           CL_IDLE, act);
    stopped_if_both(k);
    return e;
}

/* see owtw.h */
enum ippm_err owtw_client_fetch(struct owtw_client *c, uint64_t now_ns,
                                const struct owtw_fetch *f,
                                struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    if (can_send(c, act) != IPPM_OK || k->active || k->proto != OWTW_OWAMP)
        return IPPM_ERR_STATE;
    size_t n;
    if (owtw_fetch_encode(k->bufs.tx, k->bufs.tx_cap, &n, f) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    return sent(c, now_ns, n, OWTW_MSG_FETCH, CL_WAIT_FETCH_ACK, act);
}

/* see owtw.h */
enum ippm_err owtw_client_nsessions(struct owtw_client *c, uint64_t now_ns,
                                    uint8_t cmd, const uint8_t *sids,
                                    uint32_t n, struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    if (can_send(c, act) != IPPM_OK || !(k->mode & OWTW_MODE_INDIV_SESSION) ||
        (cmd != OWTW_CMD_START_N_SESSIONS && cmd != OWTW_CMD_STOP_N_SESSIONS) ||
        n == 0)
        return IPPM_ERR_STATE;
    struct owtw_nsessions m = {.cmd = cmd, .n_sessions = n, .sids = sids};
    size_t len;
    if (owtw_nsessions_encode(k->bufs.tx, k->bufs.tx_cap, &len, &m) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    c->last_cmd = cmd;
    k->acks_left = n;
    return sent(c, now_ns, len, OWTW_MSG_NSESSIONS, CL_WAIT_NS_ACK, act);
}

/* see owtw.h */
enum ippm_err owtw_client_send_raw(struct owtw_client *c, uint64_t now_ns,
                                   const uint8_t *plain, size_t len,
                                   enum owtw_msg kind, enum owtw_msg reply,
                                   struct owtw_action *act)
{
    struct owtw_conn *k = &c->c;
    if (can_send(c, act) != IPPM_OK)
        return IPPM_ERR_STATE;
    if (len == 0 || len > k->bufs.tx_cap)
        return len ? IPPM_ERR_NOSPACE : IPPM_ERR_BAD_ARG;
    if (k->tx.secure && len % OWTW_BLOCK)
        return IPPM_ERR_BAD_ARG;
    memmove(k->bufs.tx, plain, len);
    if (k->tx.secure) {
        size_t macs[4];
        size_t n = kind < OWTW_MSG_COUNT_
                       ? owtw_msg_macs(kind, k->bufs.tx, len, macs)
                       : 0;
        if (owtw_chan_seal(&k->tx, k->bufs.tx, len, macs, n) != IPPM_OK)
            return IPPM_ERR_BAD_ARG;
    }
    c->raw_reply = reply;
    k->state = reply < OWTW_MSG_COUNT_ ? CL_WAIT_RAW : CL_IDLE;
    k->last_rx_ns = now_ns;
    owtw_act_send(act, len);
    return IPPM_OK;
}

/* see owtw.h */
void owtw_client_force_mode(struct owtw_client *c, uint32_t mode)
{
    c->force_mode = mode;
}
