/* The RMBT UDP ping server's decision on one datagram, in the order the
 * original checks (rmbt-udp-ping notes §4): length and magic, the time
 * window, no secret, packet_hash under each secret, then the IP hash. */
#include "rmbt.h"

#include <string.h>

#define RMBT_NS_PER_S 1000000000ull

/* Notes §4 step 2: whole seconds, 4 h back and 30 s ahead inclusive. */
static enum ippm_err rmbt_window(uint32_t t, uint64_t now_ns, int64_t *age)
{
    *age = (int64_t)(now_ns / RMBT_NS_PER_S) - (int64_t)t;
    if (*age > (int64_t)RMBT_BACK_S)
        return RMBT_ERR_EXPIRED;
    if (*age < -(int64_t)RMBT_AHEAD_S)
        return RMBT_ERR_FUTURE;
    return IPPM_OK;
}

/* Notes §4 step 4: the first secret whose packet_hash matches wins.
 * Returns IPPM_OK with *which set, RMBT_ERR_HASH, or a crypto error. */
static enum ippm_err rmbt_find_secret(const struct rmbt_server *srv,
                                      const uint8_t token[RMBT_TOKEN_LEN],
                                      struct rmbt_decision *out)
{
    for (size_t i = 0; i < srv->n_secrets; i++) {
        uint8_t want[8];
        enum ippm_err e = rmbt_packet_hash(&srv->secrets[i], token, want);
        if (e != IPPM_OK)
            return e;
        if (i == 0)
            memcpy(out->hash_want, want, 8);
        if (ippm_ct_equal(want, token + 4, 8)) {
            memcpy(out->hash_want, want, 8);
            out->secret = (int)i;
            return IPPM_OK;
        }
    }
    return RMBT_ERR_HASH;
}

/* see rmbt.h */
void rmbt_server_decide(const struct rmbt_server *srv, const uint8_t *p,
                        size_t len, const struct ippm_addr *src,
                        uint64_t now_ns, struct rmbt_decision *out)
{
    memset(out, 0, sizeof *out);
    out->secret = -1;
    out->tag = RMBT_RE01;
    struct rmbt_request req;
    out->why = rmbt_request_decode(p, len, &req);
    if (out->why != IPPM_OK)
        return;
    out->seq = req.seq;
    out->why = rmbt_window(rmbt_token_time(req.token), now_ns, &out->age_s);
    if (out->why != IPPM_OK)
        return;
    /* Notes §4 step 3: with no secret every request in the window gets
     * RE01, unchecked. */
    if (srv->n_secrets == 0)
        return;
    out->why = rmbt_find_secret(srv, req.token, out);
    if (out->why != IPPM_OK)
        return;
    /* Notes §4 step 5: the matched secret and the address the datagram
     * came from, not the one the client claimed. */
    out->why = rmbt_ip_hash(&srv->secrets[out->secret], req.token, src,
                            out->ip_hash_want);
    if (out->why != IPPM_OK)
        return;
    if (ippm_ct_equal(out->ip_hash_want, req.token + 12, 4))
        out->tag = RMBT_RR01;
}

/* see rmbt.h */
void rmbt_server_handle(const struct rmbt_server *srv,
                        const struct ippm_event *ev, uint8_t *tx, size_t cap,
                        struct ippm_action *act, struct rmbt_decision *d)
{
    struct rmbt_decision local;
    if (!d)
        d = &local;
    memset(d, 0, sizeof *d);
    d->secret = -1;
    if (ev->kind != IPPM_EV_DATAGRAM) {
        ippm_action_set(act, IPPM_ACT_NONE, 0, IPPM_OK, 0);
        return;
    }
    if (!ev->meta) {
        /* No source address: the IP hash cannot be checked. */
        d->why = IPPM_ERR_BAD_ARG;
        ippm_action_set(act, IPPM_ACT_DROP, 0, d->why, 0);
        return;
    }
    rmbt_server_decide(srv, ev->data, ev->len, &ev->meta->peer, ev->now_ns, d);
    if (d->why == IPPM_OK) {
        struct rmbt_reply r = {d->tag, d->seq};
        d->why = rmbt_reply_encode(tx, cap, &r);
    }
    if (d->why != IPPM_OK) {
        ippm_action_set(act, IPPM_ACT_DROP, 0, d->why, d->seq);
        return;
    }
    ippm_action_set(act, IPPM_ACT_SEND_DATAGRAM, RMBT_REP_LEN, IPPM_OK, d->seq);
}
