/* What the OWAMP/TWAMP server and client machines share: the octet
 * accumulator, the channels, sealing, receiving and the session array. */
#include "owtw_conn.h"

#include <string.h>

/* see owtw_conn.h */
void owtw_conn_init(struct owtw_conn *c, enum owtw_proto proto,
                    const struct ippm_crypto *crypto,
                    const struct owtw_bufs *bufs, uint64_t timeout_ns)
{
    memset(c, 0, sizeof *c);
    c->proto = proto;
    c->crypto = crypto;
    c->bufs = *bufs;
    c->timeout_ns = timeout_ns;
    owtw_chan_init_open(&c->tx);
    owtw_chan_init_open(&c->rx);
    ippm_stream_init(&c->in, bufs->in, bufs->in_cap);
    owtw_rx_init(&c->msg, bufs->plain, bufs->plain_cap);
    for (size_t i = 0; i < bufs->max_sessions; i++)
        memset(&bufs->sessions[i], 0, sizeof bufs->sessions[i]);
}

/* see owtw_conn.h */
void owtw_conn_free(struct owtw_conn *c)
{
    owtw_chan_free(&c->tx);
    owtw_chan_free(&c->rx);
    memset(&c->sk, 0, sizeof c->sk);
}

/* see owtw_conn.h */
void owtw_act_reset(struct owtw_action *act)
{
    memset(act, 0, sizeof *act);
    ippm_action_set(&act->io, IPPM_ACT_NONE, 0, IPPM_OK, 0);
    act->session = -1;
}

/* see owtw_conn.h */
enum ippm_err owtw_conn_close(struct owtw_conn *c, int closed_state,
                              enum ippm_err why, struct owtw_action *act)
{
    if (c->state != closed_state) {
        c->state = closed_state;
        c->close_why = why;
    }
    c->close_pending = false;
    c->more = false;
    ippm_action_set(&act->io, IPPM_ACT_CLOSE, 0, c->close_why, 0);
    return c->close_why;
}

/* see owtw_conn.h */
size_t owtw_conn_room(const struct owtw_conn *c)
{
    return c->bufs.in_cap - ippm_stream_buffered(&c->in);
}

/* see owtw_conn.h */
bool owtw_conn_front(struct owtw_conn *c, int closed_state,
                     const struct ippm_event *ev, struct owtw_action *act,
                     enum ippm_err *ret)
{
    owtw_act_reset(act);
    *ret = IPPM_OK;
    if (c->state == closed_state || c->close_pending) {
        *ret = owtw_conn_close(c, closed_state, c->close_why, act);
        return true;
    }
    switch (ev->kind) {
    case IPPM_EV_STOP:
        owtw_conn_close(c, closed_state, IPPM_OK, act);
        return true;
    case IPPM_EV_CLOSED:
        *ret = owtw_conn_close(c, closed_state, IPPM_ERR_PEER_CLOSED, act);
        return true;
    case IPPM_EV_BYTES:
        if (ev->len > owtw_conn_room(c)) {
            *ret = owtw_conn_close(c, closed_state, IPPM_ERR_TOO_LONG, act);
            return true;
        }
        ippm_stream_feed(&c->in, ev->data, ev->len);
        if (ev->len || !c->clock)
            c->last_rx_ns = ev->now_ns;
        return false;
    default:
        return false;
    }
}

/* see owtw_conn.h */
enum ippm_err owtw_conn_seal(struct owtw_conn *c, size_t off, size_t len,
                             enum owtw_msg kind)
{
    size_t macs[4];
    size_t n = owtw_msg_macs(kind, c->bufs.tx + off, len, macs);
    return owtw_chan_seal(&c->tx, c->bufs.tx + off, len, macs, n);
}

/* see owtw_conn.h */
void owtw_act_send(struct owtw_action *act, size_t len)
{
    ippm_action_set(&act->io, IPPM_ACT_SEND_BYTES, len, IPPM_OK, 0);
}

/* see owtw_conn.h */
enum ippm_err owtw_conn_recv(struct owtw_conn *c, enum owtw_msg kind,
                             size_t total)
{
    if (!c->receiving) {
        if (ippm_stream_buffered(&c->in) == 0)
            return IPPM_ERR_AGAIN;
        if (kind == OWTW_MSG_COUNT_)
            owtw_rx_expect_command(&c->msg, c->proto);
        else
            owtw_rx_expect(&c->msg, kind, total);
        c->receiving = true;
    }
    return owtw_rx_take(&c->msg, &c->rx, &c->in);
}

/* see owtw_conn.h */
void owtw_conn_next(struct owtw_conn *c)
{
    c->receiving = false;
    c->more = ippm_stream_buffered(&c->in) > 0;
}

/* see owtw_conn.h */
int owtw_conn_free_session(const struct owtw_conn *c)
{
    for (size_t i = 0; i < c->bufs.max_sessions; i++) {
        enum owtw_sess_state st = c->bufs.sessions[i].state;
        if (st == OWTW_SESS_FREE || st == OWTW_SESS_STOPPED)
            return (int)i;
    }
    return -1;
}

/* see owtw_conn.h */
int owtw_conn_find_session(const struct owtw_conn *c, const uint8_t *sid)
{
    for (size_t i = 0; i < c->bufs.max_sessions; i++) {
        const struct owtw_session *s = &c->bufs.sessions[i];
        if (s->state != OWTW_SESS_FREE && s->state != OWTW_SESS_PENDING &&
            memcmp(s->sid, sid, OWTW_SID_LEN) == 0)
            return (int)i;
    }
    return -1;
}

/* see owtw_conn.h */
bool owtw_conn_any_started(const struct owtw_conn *c)
{
    for (size_t i = 0; i < c->bufs.max_sessions; i++)
        if (c->bufs.sessions[i].state == OWTW_SESS_STARTED)
            return true;
    return false;
}

/* see owtw_conn.h */
void owtw_conn_sessions_set(struct owtw_conn *c, enum owtw_sess_state from1,
                            enum owtw_sess_state from2,
                            enum owtw_sess_state to)
{
    for (size_t i = 0; i < c->bufs.max_sessions; i++) {
        struct owtw_session *s = &c->bufs.sessions[i];
        if (s->state == from1 || s->state == from2)
            s->state = to;
    }
}

/* see owtw_conn.h */
void owtw_conn_sids_set(struct owtw_conn *c, const uint8_t *sids, uint32_t n,
                        enum owtw_sess_state to)
{
    for (uint32_t i = 0; i < n; i++) {
        int k = owtw_conn_find_session(c, sids + (size_t)i * OWTW_SID_LEN);
        if (k >= 0)
            c->bufs.sessions[k].state = to;
    }
}

/* see owtw.h */
const struct owtw_session_keys *owtw_conn_keys(const struct owtw_conn *c)
{
    return &c->sk;
}

/* see owtw.h */
uint32_t owtw_test_security(uint32_t mode)
{
    static const uint32_t order[] = {OWTW_MODE_ENCRYPTED, OWTW_MODE_AUTH,
                                     OWTW_MODE_MIXED, OWTW_MODE_OPEN};
    uint32_t sec = mode & OWTW_MODE_SECURITY_MASK;
    for (size_t i = 0; i < 4; i++)
        if (sec == order[i])
            return order[i] == OWTW_MODE_MIXED ? OWTW_MODE_OPEN : order[i];
    return 0;
}

/* see owtw_conn.h */
const struct owtw_key *owtw_key_find(const struct owtw_key *keys, size_t n,
                                     const uint8_t keyid[OWTW_KEYID_LEN],
                                     bool ikev2)
{
    size_t cmp = ikev2 ? 16 : OWTW_KEYID_LEN;
    for (size_t i = 0; i < n; i++) {
        if (keys[i].keyid_len > OWTW_KEYID_LEN)
            continue;
        uint8_t padded[OWTW_KEYID_LEN] = {0};
        memcpy(padded, keys[i].keyid, keys[i].keyid_len);
        if (memcmp(padded, keyid, cmp) == 0)
            return &keys[i];
    }
    return NULL;
}

/* see owtw_conn.h */
enum ippm_err owtw_key_open_token(const struct ippm_crypto *crypto,
                                  const struct owtw_key *k,
                                  const uint8_t salt[OWTW_SALT_LEN],
                                  uint32_t count,
                                  const uint8_t challenge[OWTW_CHALLENGE_LEN],
                                  const uint8_t token[OWTW_TOKEN_LEN],
                                  struct owtw_session_keys *sk)
{
    uint8_t key[OWTW_AES_SK_LEN];
    enum ippm_err e = owtw_derive_key(crypto, k->secret, k->secret_len, salt,
                                      count, key);
    if (e == IPPM_OK)
        e = owtw_token_open(crypto, key, token, challenge, sk);
    memset(key, 0, sizeof key);
    return e;
}
