#include "twamp_refl.h"

#include <stdio.h>
#include <string.h>

#include "impl/owtw/owtw_testport.h"
#include "impl/owtw/owtw_way.h"

/* see twamp_refl.h */
int twamp_refl_open(struct twamp_refl *t, const struct ippm_addr *local,
                    uint16_t lo, uint16_t hi, uint16_t want,
                    const struct ippm_crypto *crypto,
                    const struct twamp_refl_params *p, char *err,
                    size_t err_len)
{
    memset(t, 0, sizeof(*t));
    t->sock.fd = -1;
    if (owtw_testport_open(&t->sock, local, lo, hi, want, err, err_len) != 0)
        return -1;
    enum ippm_err e = owtw_test_keys_init(&t->keys, crypto, p->mode, p->sid,
                                          p->aes_sk, p->hmac_sk);
    if (e != IPPM_OK) {
        snprintf(err, err_len, "test keys: %s", ippm_err_str(e));
        ippm_net_close(&t->sock);
        return -1;
    }
    /* TTL 255, as a sender's (RFC 4656 §4.1.2): the client reads the
     * backward hops off what arrives. */
    (void)ippm_net_set_ttl(&t->sock, OWTW_TTL_SENT);
    if (p->dscp > 0)
        (void)ippm_net_set_tos(&t->sock, p->dscp << 2);
    t->cfg.keys = &t->keys;
    t->cfg.reflect_len = p->reflect_len;
    t->cfg.symmetrical = p->symmetrical;
    t->cfg.refwait_ns = p->refwait_ns;
    return 0;
}

/* see twamp_refl.h */
void twamp_refl_start(struct twamp_refl *t, const struct ippm_clock *clk,
                      uint64_t now_ns)
{
    struct ippm_errest e = ippm_clock_errest(clk);
    t->cfg.errest = ippm_errest_encode(&e);
    twamp_reflector_init(&t->r, &t->cfg, now_ns);
    t->started = true;
}

/* One datagram through the reflector; a reply is queued in tx. */
static void reflect_one(struct twamp_refl *t, const uint8_t *pkt, size_t len,
                        const struct ippm_rx_meta *meta, uint64_t now_ns,
                        struct ippm_tx_batch *tx,
                        uint64_t drop_by[IPPM_ERR_COUNT_])
{
    enum ippm_err who = owtw_test_guard_check(&t->guard, meta);
    if (who != IPPM_OK) {
        drop_by[who]++;
        return;
    }
    uint8_t *slot = ippm_tx_batch_slot(tx);
    if (!slot) {
        drop_by[IPPM_ERR_NOSPACE]++;
        return;
    }
    struct ippm_event ev = {.kind = IPPM_EV_DATAGRAM, .now_ns = now_ns,
                            .data = pkt, .len = len, .meta = meta};
    struct ippm_action act;
    (void)twamp_reflector_handle(&t->r, &ev, slot, tx->buf_size, &act);
    if (act.kind == IPPM_ACT_SEND_DATAGRAM)
        ippm_tx_batch_commit(tx, &t->sock, act.len, &meta->peer, NULL);
    else if (act.kind == IPPM_ACT_DROP)
        drop_by[act.why]++;
}

/* see twamp_refl.h */
void twamp_refl_drain(struct twamp_refl *t, struct ippm_rx_batch *rx,
                      struct ippm_tx_batch *tx, const struct ippm_clock *clk,
                      uint64_t drop_by[IPPM_ERR_COUNT_])
{
    for (int round = 0; round < 16; round++) {
        int n = ippm_net_recv(&t->sock, rx, clk);
        if (n <= 0)
            return;
        uint64_t now = ippm_clock_now(clk);
        for (int i = 0; i < n; i++) {
            t->received++;
            if (!t->started || t->done || rx->trunc[i]) {
                drop_by[t->started && !t->done ? IPPM_ERR_TOO_LONG
                                               : IPPM_ERR_STATE]++;
                continue;
            }
            reflect_one(t, ippm_rx_batch_buf(rx, (size_t)i), rx->len[i],
                        &rx->meta[i], now, tx, drop_by);
        }
        size_t queued = tx->n;
        int first_err = 0;
        size_t sent = ippm_net_send(&t->sock, tx, &first_err);
        t->sent += sent;
        t->send_failed += queued - sent;
        if ((size_t)n < rx->cap)
            return;
    }
}

/* see twamp_refl.h */
uint64_t twamp_refl_deadline(const struct twamp_refl *t)
{
    return t->started && !t->done ? twamp_reflector_deadline(&t->r)
                                  : UINT64_MAX;
}

/* see twamp_refl.h */
void twamp_refl_due(struct twamp_refl *t, uint64_t now_ns)
{
    if (!t->started || t->done || twamp_reflector_deadline(&t->r) > now_ns)
        return;
    struct ippm_event ev = {.kind = IPPM_EV_TIMER, .now_ns = now_ns};
    struct ippm_action act;
    uint8_t none[1];
    (void)twamp_reflector_handle(&t->r, &ev, none, 0, &act);
    if (act.kind == IPPM_ACT_DONE)
        t->done = true;
}

/* see twamp_refl.h */
void twamp_refl_close(struct twamp_refl *t)
{
    ippm_net_close(&t->sock);
    owtw_test_keys_free(&t->keys);
    t->done = true;
}
