/* The OWAMP/TWAMP-Control server machine: greeting, set-up, Server-Start
 * (RFC 4656 §3.1, RFC 5357 §3.1), then the commands (RFC 4656 §3.4-3.9,
 * RFC 5357 §3.4-3.8, RFC 5938 §3), SERVWAIT and REFWAIT (RFC 5357 §3.1,
 * §4.2). The driver decides sessions; this file keeps the protocol. */
#include "owtw_conn.h"

#include <string.h>

#include "../common/ippm_cur.h"

enum sv_state {
    SV_GREET = 0,   /* greeting not sent yet */
    SV_SETUP,       /* awaiting Set-Up-Response */
    SV_CMD,         /* reading commands */
    SV_ANSWER_REQUEST,
    SV_ANSWER_START,
    SV_ANSWER_FETCH,
    SV_FETCH_RECORDS,
    SV_ANSWER_NS,
    SV_CLOSED
};

#define NS_PER_S 1000000000ull

static uint64_t servwait_ns(const struct owtw_server *s)
{
    return s->cfg.servwait_ns ? s->cfg.servwait_ns
                              : OWTW_SERVWAIT_DEFAULT_S * NS_PER_S;
}

static uint64_t refwait_ns(const struct owtw_server *s)
{
    return s->cfg.refwait_ns ? s->cfg.refwait_ns
                             : OWTW_REFWAIT_DEFAULT_S * NS_PER_S;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* see owtw.h */
void owtw_server_init(struct owtw_server *s, const struct owtw_server_cfg *cfg,
                      const struct owtw_bufs *bufs,
                      const struct owtw_server_random *rnd)
{
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->rnd = *rnd;
    owtw_conn_init(&s->c, cfg->proto, cfg->crypto, bufs, 0);
    s->c.state = SV_GREET;
    s->pending = -1;
}

/* see owtw.h */
void owtw_server_free(struct owtw_server *s)
{
    owtw_conn_free(&s->c);
}

/* see owtw.h */
size_t owtw_server_room(const struct owtw_server *s)
{
    return owtw_conn_room(&s->c);
}

static bool waiting_driver(const struct owtw_server *s)
{
    return s->c.state >= SV_ANSWER_REQUEST && s->c.state <= SV_ANSWER_NS;
}

/* see owtw.h */
uint64_t owtw_server_deadline(const struct owtw_server *s)
{
    const struct owtw_conn *c = &s->c;
    if (c->state == SV_CLOSED)
        return UINT64_MAX;
    if (c->state == SV_GREET || c->close_pending)
        return 0;
    if (waiting_driver(s))
        return UINT64_MAX;
    if (c->more)
        return 0;
    if (c->active) /* RFC 5357 §3.1: SERVWAIT waits while tests run */
        return add_sat(s->last_test_ns, refwait_ns(s));
    return add_sat(c->last_rx_ns, servwait_ns(s));
}

static enum ippm_err fail(struct owtw_server *s, enum ippm_err why,
                          struct owtw_action *act)
{
    return owtw_conn_close(&s->c, SV_CLOSED, why, act);
}

/* ---- connection setup ---- */

static enum ippm_err send_greeting(struct owtw_server *s, uint64_t now,
                                   struct owtw_action *act)
{
    struct owtw_greeting g = {.modes = s->cfg.modes, .count = s->cfg.count};
    memcpy(g.challenge, s->rnd.challenge, OWTW_CHALLENGE_LEN);
    memcpy(g.salt, s->rnd.salt, OWTW_SALT_LEN);
    size_t n;
    if (owtw_greeting_encode(s->c.bufs.tx, s->c.bufs.tx_cap, &n, &g) != IPPM_OK)
        return fail(s, IPPM_ERR_NOSPACE, act);
    owtw_act_send(act, n);
    s->c.state = SV_SETUP;
    s->c.last_rx_ns = now;
    s->c.clock = true;
    /* RFC 4656 §3.1: Modes 0, the server does not wish to talk. */
    if (s->cfg.modes == 0) {
        s->c.close_pending = true;
        s->c.close_why = OWTW_ERR_MODE;
    }
    return IPPM_OK;
}

/* A refusing Server-Start (Start-Time zero, RFC 4656 §3.1), in clear,
 * then CLOSE with why. */
static enum ippm_err refuse_setup(struct owtw_server *s, uint8_t accept,
                                  enum ippm_err why, struct owtw_action *act)
{
    struct owtw_server_start ss = {.accept = accept};
    size_t n;
    if (owtw_server_start_encode(s->c.bufs.tx, s->c.bufs.tx_cap, &n, &ss) !=
        IPPM_OK)
        return fail(s, IPPM_ERR_NOSPACE, act);
    owtw_act_send(act, n);
    s->c.close_pending = true;
    s->c.close_why = why;
    return IPPM_OK;
}

/* The security bit the Mode word chooses, 0 when none or several. */
static uint32_t chosen_security(enum owtw_proto proto, uint32_t mode)
{
    /* RFC 4656 §3.1: OWAMP reads the last three bits only. */
    uint32_t sec = mode & (proto == OWTW_OWAMP ? 7u : OWTW_MODE_SECURITY_MASK);
    return sec && !(sec & (sec - 1)) ? sec : 0;
}

/* Keys the channels from the Token: IPPM_OK, or the Accept to refuse
 * with and the reason. */
static enum ippm_err open_keys(struct owtw_server *s,
                               const struct owtw_setup *su, uint8_t *accept)
{
    bool ikev2 = (su->mode & OWTW_MODE_IKEV2) != 0;
    const struct owtw_key *k =
        owtw_key_find(s->cfg.keys, s->cfg.n_keys, su->keyid, ikev2);
    *accept = ikev2 ? OWTW_ACCEPT_NO_IKEV2_SA : OWTW_ACCEPT_FAILURE;
    if (!k)
        return OWTW_ERR_KEYID;
    *accept = OWTW_ACCEPT_FAILURE;
    struct owtw_session_keys sk;
    enum ippm_err e = owtw_key_open_token(s->cfg.crypto, k, s->rnd.salt,
                                          s->cfg.count, s->rnd.challenge,
                                          su->token, &sk);
    if (e == IPPM_OK)
        e = owtw_chan_init(&s->c.rx, s->cfg.crypto, &sk, su->client_iv);
    if (e == IPPM_OK)
        e = owtw_chan_init(&s->c.tx, s->cfg.crypto, &sk, s->rnd.server_iv);
    if (e == IPPM_OK)
        s->c.sk = sk;
    memset(&sk, 0, sizeof sk);
    if (e != IPPM_OK && e != OWTW_ERR_TOKEN)
        *accept = OWTW_ACCEPT_INTERNAL;
    return e;
}

static enum ippm_err on_setup(struct owtw_server *s, struct owtw_action *act)
{
    const uint8_t *p;
    if (ippm_stream_peek(&s->c.in, OWTW_SETUP_LEN, &p) != IPPM_OK)
        return IPPM_OK; /* more octets will tell */
    struct owtw_setup su;
    owtw_setup_decode(&su, p, OWTW_SETUP_LEN);
    ippm_stream_consume(&s->c.in, OWTW_SETUP_LEN);
    s->c.mode = su.mode;
    uint32_t sec = chosen_security(s->cfg.proto, su.mode);
    /* RFC 4656 §3.1: no mode bit (OWAMP reads the last three only), the
     * client will not continue. */
    uint32_t any = su.mode & (s->cfg.proto == OWTW_OWAMP
                                  ? 7u
                                  : OWTW_MODE_SECURITY_MASK);
    if (any == 0)
        return fail(s, OWTW_ERR_MODE, act);
    uint32_t features = s->cfg.proto == OWTW_TWAMP
                            ? su.mode & ~OWTW_MODE_SECURITY_MASK
                            : 0;
    if (!sec || !(sec & s->cfg.modes) || (features & ~s->cfg.modes))
        return refuse_setup(s, OWTW_ACCEPT_NOT_SUPPORTED, OWTW_ERR_MODE, act);
    if (sec != OWTW_MODE_OPEN) {
        uint8_t accept;
        enum ippm_err e = open_keys(s, &su, &accept);
        if (e != IPPM_OK)
            return refuse_setup(s, accept, e, act);
    }
    struct owtw_server_start ss = {.accept = 0,
                                   .start_time = s->cfg.start_time};
    if (sec != OWTW_MODE_OPEN)
        memcpy(ss.server_iv, s->rnd.server_iv, OWTW_IV_LEN);
    size_t n;
    if (owtw_server_start_encode(s->c.bufs.tx, s->c.bufs.tx_cap, &n, &ss) !=
        IPPM_OK)
        return fail(s, IPPM_ERR_NOSPACE, act);
    /* RFC 4656 §3.4: encryption starts with the block after the IV; the
     * first MAC covers it (notes §4.4). */
    if (owtw_chan_seal(&s->c.tx, s->c.bufs.tx + OWTW_SERVER_START_CLEAR,
                       OWTW_BLOCK, NULL, 0) != IPPM_OK)
        return fail(s, IPPM_ERR_CRYPTO, act);
    owtw_act_send(act, n);
    s->c.state = SV_CMD;
    s->c.more = ippm_stream_buffered(&s->c.in) > 0;
    return IPPM_OK;
}

/* ---- commands ---- */

static uint32_t client_send_sessions(const struct owtw_conn *c)
{
    uint32_t n = 0;
    for (size_t i = 0; i < c->bufs.max_sessions; i++) {
        const struct owtw_session *x = &c->bufs.sessions[i];
        if ((x->state == OWTW_SESS_ACCEPTED ||
             x->state == OWTW_SESS_STARTED) &&
            x->conf_receiver)
            n++;
    }
    return n;
}

/* Both sides have stopped (OWAMP) or the client has (TWAMP). */
static void maybe_inactive(struct owtw_server *s, uint64_t now)
{
    struct owtw_conn *c = &s->c;
    if (c->proto == OWTW_OWAMP && !(c->stop_sent && c->stop_received))
        return;
    owtw_conn_sessions_set(c, OWTW_SESS_ACCEPTED, OWTW_SESS_STARTED,
                           OWTW_SESS_STOPPED);
    c->active = false;
    c->stop_sent = c->stop_received = false;
    c->last_rx_ns = now; /* SERVWAIT resumes */
}

/* An Accept-Session that refuses the request just read, by the
 * machine itself; the driver is not asked. */
static enum ippm_err refuse_request(struct owtw_server *s, uint8_t accept,
                                    struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    struct owtw_accept_session ans = {.accept = accept};
    size_t n;
    if (owtw_accept_session_encode(c->bufs.tx, c->bufs.tx_cap, &n, &ans) !=
        IPPM_OK)
        return fail(s, IPPM_ERR_NOSPACE, act);
    if (owtw_conn_seal(c, 0, n, OWTW_MSG_ACCEPT_SESSION) != IPPM_OK)
        return fail(s, IPPM_ERR_CRYPTO, act);
    owtw_act_send(act, n);
    owtw_conn_next(c);
    return IPPM_OK;
}

static enum ippm_err on_request(struct owtw_server *s,
                                struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    owtw_request_decode(&act->request, c->bufs.plain, c->msg.total);
    /* RFC 5357 §3.5: non-zero Conf-Sender or Conf-Receiver is an
     * improperly formatted command, answered with Accept 3. */
    if (c->proto == OWTW_TWAMP &&
        (act->request.conf_sender || act->request.conf_receiver))
        return refuse_request(s, OWTW_ACCEPT_NOT_SUPPORTED, act);
    int k = owtw_conn_free_session(c);
    if (k < 0) /* RFC 4656 §3.3: 5, temporary resource limitation */
        return refuse_request(s, OWTW_ACCEPT_TEMPORARY, act);
    struct owtw_session *x = &c->bufs.sessions[k];
    memset(x, 0, sizeof *x);
    x->state = OWTW_SESS_PENDING;
    x->conf_sender = act->request.conf_sender != 0;
    x->conf_receiver = act->request.conf_receiver != 0;
    x->n_packets = act->request.n_packets;
    s->pending = k;
    act->note = OWTW_NOTE_REQUEST;
    act->session = k;
    c->state = SV_ANSWER_REQUEST;
    return IPPM_OK;
}

static enum ippm_err on_stop(struct owtw_server *s, uint64_t now,
                             struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    owtw_stop_decode(&act->stop, c->proto, c->bufs.plain, c->msg.total);
    /* RFC 4656 §3.8: exactly the client's send sessions, else close. */
    if (c->proto == OWTW_OWAMP &&
        act->stop.n_sessions != client_send_sessions(c))
        return fail(s, OWTW_ERR_STOP_COUNT, act);
    act->note = OWTW_NOTE_STOP;
    c->stop_received = true;
    maybe_inactive(s, now);
    owtw_conn_next(c);
    return IPPM_OK;
}

/* A command number the protocol does not expect: RFC 5357 §3.5 has a
 * TWAMP server answer with an Accept-Session whose Accept is 3; the
 * rest of the message, of a length nobody knows, cannot be skipped, so
 * the connection then closes. OWAMP (RFC 4656) just closes. */
static enum ippm_err refuse_command(struct owtw_server *s,
                                    struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    if (c->proto != OWTW_TWAMP)
        return fail(s, OWTW_ERR_COMMAND, act);
    enum ippm_err e = refuse_request(s, OWTW_ACCEPT_NOT_SUPPORTED, act);
    if (e == IPPM_OK) {
        c->close_pending = true;
        c->close_why = OWTW_ERR_COMMAND;
    }
    return e;
}

static enum ippm_err on_nsessions(struct owtw_server *s,
                                  struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    owtw_nsessions_decode(&act->nsessions, c->bufs.plain, c->msg.total);
    if (!(c->mode & OWTW_MODE_INDIV_SESSION))
        return refuse_command(s, act);
    s->ns_cmd = act->nsessions.cmd;
    c->acks_left = act->nsessions.n_sessions;
    act->note = act->nsessions.cmd == OWTW_CMD_START_N_SESSIONS
                    ? OWTW_NOTE_START_N
                    : OWTW_NOTE_STOP_N;
    c->state = SV_ANSWER_NS;
    return IPPM_OK;
}

/* Whether a command may come now (RFC 4656 §3.4: only Stop-Sessions
 * while active; RFC 5938 opens requests and Start-N/Stop-N then). */
static bool command_allowed(const struct owtw_conn *c, enum owtw_msg kind)
{
    bool indiv = (c->mode & OWTW_MODE_INDIV_SESSION) != 0;
    switch (kind) {
    case OWTW_MSG_REQUEST:
    case OWTW_MSG_REQUEST_TW: return !c->active || indiv;
    case OWTW_MSG_START:
    case OWTW_MSG_FETCH: return !c->active;
    default: return true;
    }
}

static enum ippm_err on_command(struct owtw_server *s, uint64_t now,
                                struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    enum ippm_err e = owtw_conn_recv(c, OWTW_MSG_COUNT_, 0);
    if (e == IPPM_ERR_AGAIN)
        return IPPM_OK;
    if (e == OWTW_ERR_COMMAND)
        return refuse_command(s, act);
    if (e != IPPM_OK)
        return fail(s, e, act);
    enum owtw_msg kind = c->msg.kind;
    if (!command_allowed(c, kind))
        return fail(s, OWTW_ERR_COMMAND, act);
    switch (kind) {
    case OWTW_MSG_REQUEST:
    case OWTW_MSG_REQUEST_TW: return on_request(s, act);
    case OWTW_MSG_START:
        act->note = OWTW_NOTE_START;
        c->state = SV_ANSWER_START;
        return IPPM_OK;
    case OWTW_MSG_STOP:
    case OWTW_MSG_STOP_TW: return on_stop(s, now, act);
    case OWTW_MSG_FETCH:
        owtw_fetch_decode(&act->fetch, c->bufs.plain, c->msg.total);
        act->note = OWTW_NOTE_FETCH;
        c->state = SV_ANSWER_FETCH;
        return IPPM_OK;
    default: return on_nsessions(s, act);
    }
}

/* see owtw.h */
enum ippm_err owtw_server_handle(struct owtw_server *s,
                                 const struct ippm_event *ev,
                                 struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    enum ippm_err ret;
    if (owtw_conn_front(c, SV_CLOSED, ev, act, &ret))
        return ret;
    uint64_t now = ev->now_ns;
    if (c->state == SV_GREET)
        return send_greeting(s, now, act);
    if (waiting_driver(s))
        return IPPM_OK;
    c->more = false;
    if (c->active && now >= add_sat(s->last_test_ns, refwait_ns(s))) {
        /* RFC 5357 §4.2: REFWAIT ends the sessions; SERVWAIT resumes. */
        owtw_conn_sessions_set(c, OWTW_SESS_ACCEPTED, OWTW_SESS_STARTED,
                               OWTW_SESS_STOPPED);
        c->active = false;
        c->stop_sent = c->stop_received = false;
        c->last_rx_ns = now;
        act->note = OWTW_NOTE_REFWAIT;
        c->more = ippm_stream_buffered(&c->in) > 0;
        return IPPM_OK;
    }
    if (!c->active && now >= add_sat(c->last_rx_ns, servwait_ns(s)))
        return fail(s, OWTW_ERR_SERVWAIT, act);
    if (c->state == SV_SETUP)
        return on_setup(s, act);
    if (c->state == SV_CMD)
        return on_command(s, now, act);
    return IPPM_OK;
}

/* ---- the driver's answers ---- */

/* Ends an answer: seal tx[0..n) as kind, SEND, read commands again. */
static enum ippm_err answered(struct owtw_server *s, size_t n,
                              enum owtw_msg kind, struct owtw_action *act)
{
    if (owtw_conn_seal(&s->c, 0, n, kind) != IPPM_OK)
        return fail(s, IPPM_ERR_CRYPTO, act);
    owtw_act_send(act, n);
    return IPPM_OK;
}

/* see owtw.h */
enum ippm_err owtw_server_accept(struct owtw_server *s, uint64_t now_ns,
                                 const struct owtw_accept_session *ans,
                                 struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    owtw_act_reset(act);
    if (c->state != SV_ANSWER_REQUEST || s->pending < 0)
        return IPPM_ERR_STATE;
    size_t n;
    if (owtw_accept_session_encode(c->bufs.tx, c->bufs.tx_cap, &n, ans) !=
        IPPM_OK)
        return IPPM_ERR_NOSPACE;
    struct owtw_session *x = &c->bufs.sessions[s->pending];
    act->session = s->pending;
    if (ans->accept == OWTW_ACCEPT_OK) {
        x->state = OWTW_SESS_ACCEPTED;
        x->port = ans->port;
        memcpy(x->sid, ans->sid, OWTW_SID_LEN);
    } else {
        x->state = OWTW_SESS_FREE;
    }
    s->pending = -1;
    c->state = SV_CMD;
    c->last_rx_ns = now_ns;
    owtw_conn_next(c);
    return answered(s, n, OWTW_MSG_ACCEPT_SESSION, act);
}

/* see owtw.h */
enum ippm_err owtw_server_start_ack(struct owtw_server *s, uint64_t now_ns,
                                    uint8_t accept, struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    owtw_act_reset(act);
    if (c->state != SV_ANSWER_START)
        return IPPM_ERR_STATE;
    struct owtw_start_ack sa = {.accept = accept};
    size_t n;
    if (owtw_start_ack_encode(c->bufs.tx, c->bufs.tx_cap, &n, &sa) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    if (accept == OWTW_ACCEPT_OK) {
        owtw_conn_sessions_set(c, OWTW_SESS_ACCEPTED, OWTW_SESS_ACCEPTED,
                               OWTW_SESS_STARTED);
        c->active = true;
        c->stop_sent = c->stop_received = false;
        s->last_test_ns = now_ns;
    }
    c->state = SV_CMD;
    c->last_rx_ns = now_ns;
    owtw_conn_next(c);
    return answered(s, n, OWTW_MSG_START_ACK, act);
}

/* see owtw.h */
enum ippm_err owtw_server_stop(struct owtw_server *s, uint64_t now_ns,
                               uint8_t accept,
                               const struct owtw_stop_record *recs,
                               uint32_t n_recs, struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    owtw_act_reset(act);
    /* RFC 5357 §3.8: only the Control-Client stops TWAMP sessions. */
    if (c->proto != OWTW_OWAMP || c->stop_sent || c->state < SV_CMD ||
        c->state == SV_CLOSED || c->state == SV_FETCH_RECORDS)
        return IPPM_ERR_STATE;
    struct owtw_stop m = {.cmd = OWTW_CMD_STOP_SESSIONS, .accept = accept,
                          .n_sessions = n_recs};
    size_t n;
    if (owtw_stop_encode(c->bufs.tx, c->bufs.tx_cap, &n, c->proto, &m, recs) !=
        IPPM_OK)
        return IPPM_ERR_NOSPACE;
    c->stop_sent = true;
    maybe_inactive(s, now_ns);
    return answered(s, n, OWTW_MSG_STOP, act);
}

/* see owtw.h */
enum ippm_err owtw_server_fetch_ack(struct owtw_server *s, uint64_t now_ns,
                                    const struct owtw_fetch_ack *ack,
                                    const struct owtw_request *repro,
                                    const struct owtw_slot *slots,
                                    const uint8_t *skips,
                                    struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    owtw_act_reset(act);
    if (c->state != SV_ANSWER_FETCH)
        return IPPM_ERR_STATE;
    uint8_t *tx = c->bufs.tx;
    size_t cap = c->bufs.tx_cap, n, off;
    struct owtw_fetch_ack a = *ack;
    if (a.accept != OWTW_ACCEPT_OK) /* RFC 4656 §3.9: the rest is zero */
        a = (struct owtw_fetch_ack){.accept = ack->accept};
    if (!a.finished) { /* §3.9: known only once the session terminated */
        a.next_seqno = 0;
        a.n_skips = 0;
    }
    if (owtw_fetch_ack_encode(tx, cap, &n, &a) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    if (owtw_conn_seal(c, 0, n, OWTW_MSG_FETCH_ACK) != IPPM_OK)
        return fail(s, IPPM_ERR_CRYPTO, act);
    off = n;
    if (a.accept == OWTW_ACCEPT_OK) {
        if (owtw_request_encode(tx + off, cap - off, &n, OWTW_OWAMP, repro,
                                slots) != IPPM_OK)
            return fail(s, IPPM_ERR_NOSPACE, act);
        if (owtw_conn_seal(c, off, n, OWTW_MSG_REQUEST) != IPPM_OK)
            return fail(s, IPPM_ERR_CRYPTO, act);
        off += n;
        uint64_t sl = owtw_fetch_skips_len(a.n_skips);
        size_t raw = (size_t)a.n_skips * OWTW_SKIP_RANGE_LEN;
        if (sl > cap - off)
            return fail(s, IPPM_ERR_NOSPACE, act);
        memset(tx + off, 0, (size_t)sl);
        if (raw)
            memcpy(tx + off, skips, raw);
        if (owtw_conn_seal(c, off, (size_t)sl, OWTW_MSG_FETCH_SKIPS) !=
            IPPM_OK)
            return fail(s, IPPM_ERR_CRYPTO, act);
        off += (size_t)sl;
        c->fetch_left = a.n_records;
        c->carry = 0;
        c->state = SV_FETCH_RECORDS;
    } else {
        c->state = SV_CMD;
        owtw_conn_next(c);
    }
    c->last_rx_ns = now_ns;
    owtw_act_send(act, off);
    return IPPM_OK;
}

/* see owtw.h */
enum ippm_err owtw_server_fetch_records(struct owtw_server *s, uint64_t now_ns,
                                        const uint8_t *records, uint32_t n,
                                        bool last, struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    owtw_act_reset(act);
    if (c->state != SV_FETCH_RECORDS || n > c->fetch_left ||
        (last && n != c->fetch_left))
        return IPPM_ERR_STATE;
    size_t bytes = c->carry + (size_t)n * OWTW_FETCH_RECORD_LEN;
    size_t whole = bytes / OWTW_BLOCK * OWTW_BLOCK;
    size_t out = last ? (bytes + OWTW_BLOCK - 1) / OWTW_BLOCK * OWTW_BLOCK +
                            OWTW_HMAC_LEN
                      : whole;
    if (out > c->bufs.tx_cap)
        return IPPM_ERR_NOSPACE;
    uint8_t *tx = c->bufs.tx;
    memcpy(tx, c->tail, c->carry);
    if (n)
        memcpy(tx + c->carry, records, (size_t)n * OWTW_FETCH_RECORD_LEN);
    c->fetch_left -= n;
    enum ippm_err e;
    if (last) { /* RFC 4656 §3.9: zero pad to a block, then the HMAC */
        memset(tx + bytes, 0, out - bytes);
        size_t mac = out - OWTW_HMAC_LEN;
        e = owtw_chan_seal(&c->tx, tx, out, &mac, 1);
        c->carry = 0;
        c->state = SV_CMD;
        owtw_conn_next(c);
    } else {
        e = owtw_chan_seal(&c->tx, tx, whole, NULL, 0);
        c->carry = bytes - whole;
        memcpy(c->tail, tx + whole, c->carry);
    }
    if (e != IPPM_OK)
        return fail(s, IPPM_ERR_CRYPTO, act);
    c->last_rx_ns = now_ns;
    owtw_act_send(act, out);
    return IPPM_OK;
}

/* see owtw.h */
enum ippm_err owtw_server_nsessions_ack(struct owtw_server *s,
                                        uint64_t now_ns, uint8_t cmd,
                                        uint8_t accept, const uint8_t *sids,
                                        uint32_t n, struct owtw_action *act)
{
    struct owtw_conn *c = &s->c;
    owtw_act_reset(act);
    uint8_t want = s->ns_cmd == OWTW_CMD_START_N_SESSIONS
                       ? OWTW_CMD_START_N_ACK
                       : OWTW_CMD_STOP_N_ACK;
    if (c->state != SV_ANSWER_NS || cmd != want || n > c->acks_left)
        return IPPM_ERR_STATE;
    struct owtw_nsessions m = {.cmd = cmd, .accept = accept,
                               .n_sessions = n, .sids = sids};
    size_t len;
    if (owtw_nsessions_encode(c->bufs.tx, c->bufs.tx_cap, &len, &m) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    if (accept == OWTW_ACCEPT_OK)
        owtw_conn_sids_set(c, sids, n,
                           cmd == OWTW_CMD_START_N_ACK ? OWTW_SESS_STARTED
                                                       : OWTW_SESS_STOPPED);
    /* RFC 5938 §3.6: SERVWAIT waits while any session runs. */
    bool was = c->active;
    c->active = owtw_conn_any_started(c);
    if (c->active && !was)
        s->last_test_ns = now_ns;
    c->acks_left -= n;
    if (c->acks_left == 0) {
        c->state = SV_CMD;
        owtw_conn_next(c);
    }
    c->last_rx_ns = now_ns;
    return answered(s, len, OWTW_MSG_NSESSIONS, act);
}

/* see owtw.h */
void owtw_server_test_activity(struct owtw_server *s, uint64_t now_ns)
{
    if (now_ns > s->last_test_ns)
        s->last_test_ns = now_ns;
}
