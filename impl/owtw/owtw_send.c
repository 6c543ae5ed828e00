#include "owtw_send.h"

#include <stdio.h>
#include <string.h>

#include "proto/common/ippm_time.h"
#include "impl/owtw/owtw_ctl.h"
#include "impl/owtw/owtw_proto.h"

/* see owtw_send.h */
int owtw_send_open(struct owtw_send *s, const struct ippm_addr *local,
                   char *err, size_t err_len)
{
    memset(s, 0, sizeof(*s));
    s->sock.fd = -1;
    return ippm_net_open_bound(&s->sock, local, 0, err, err_len);
}

static int next_time(struct owtw_send *s, char *err, size_t err_len)
{
    uint64_t at;
    enum ippm_err e = owtw_schedule_next(&s->sched, &at);
    if (e != IPPM_OK) {
        snprintf(err, err_len, "schedule: %s", ippm_err_str(e));
        return -1;
    }
    s->next_ns = ippm_ns_from_ntp(at);
    return 0;
}

static int make_ways(struct owtw_send *s)
{
    if (!s->p.twamp)
        return 0;
    s->fwd = owtw_way_new("send");
    s->bwd = owtw_way_new("reflect");
    s->rtt = owtw_way_new("round trip");
    return s->fwd && s->bwd && s->rtt ? 0 : -1;
}

/* OWAMP: proto/owamp's sender on the same keys and schedule. */
static int owamp_start(struct owtw_send *s, const struct ippm_crypto *crypto,
                       char *err, size_t err_len)
{
    struct owamp_sender_config cfg = {
        .keys = &s->keys, .slots = s->p.slots, .n_slots = s->p.n_slots,
        .start = s->p.start_ntp, .npackets = s->p.count,
        .timeout = owtw_ctl_interval(s->p.timeout_ns),
        .pkt_len = s->p.pkt_len, .errest = s->errest};
    memcpy(cfg.sid, s->p.sid, OWTW_SID_LEN);
    enum ippm_err e = owamp_sender_init(&s->ow, crypto, &cfg);
    if (e != IPPM_OK) {
        snprintf(err, err_len, "sender: %s", ippm_err_str(e));
        return -1;
    }
    s->ow_on = true;
    s->next_ns = owamp_sender_deadline(&s->ow);
    return 0;
}

/* see owtw_send.h */
int owtw_send_start(struct owtw_send *s, const struct ippm_crypto *crypto,
                    const struct owtw_send_params *p,
                    const struct ippm_clock *clk, char *err, size_t err_len)
{
    s->p = *p;
    enum ippm_err e = owtw_test_keys_init(&s->keys, crypto, p->mode, p->sid,
                                          p->aes_sk, p->hmac_sk);
    if (e != IPPM_OK) {
        snprintf(err, err_len, "test keys: %s", ippm_err_str(e));
        return -1;
    }
    s->keyed = true;
    e = owtw_schedule_init(&s->sched, crypto, p->sid, p->slots, p->n_slots,
                           p->start_ntp);
    if (e != IPPM_OK) {
        snprintf(err, err_len, "schedule: %s", ippm_err_str(e));
        return -1;
    }
    s->scheduled = true;
    if (make_ways(s) != 0) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    struct ippm_errest est = ippm_clock_errest(clk);
    s->errest = ippm_errest_encode(&est);
    (void)ippm_net_set_ttl(&s->sock, OWTW_TTL_SENT);
    if (p->dscp >= 0)
        (void)ippm_net_set_tos(&s->sock, p->dscp << 2);
    if (!p->twamp && p->count)
        return owamp_start(s, crypto, err, err_len);
    return p->count ? next_time(s, err, err_len) : 0;
}

/* see owtw_send.h */
uint64_t owtw_send_deadline(const struct owtw_send *s)
{
    return s->scheduled && s->next_seq < s->p.count ? s->next_ns : UINT64_MAX;
}

/* Builds and seals packet next_seq in slot. Returns its length, 0 when
 * proto refused. */
static size_t build(struct owtw_send *s, uint8_t *slot, size_t cap,
                    uint64_t now_ns)
{
    struct stamp_sender_pkt pkt;
    memset(&pkt, 0, sizeof(pkt));
    pkt.seq = s->next_seq;
    pkt.errest = s->errest;
    pkt.ts = owtw_ts_encode(now_ns, s->errest);
    if (owtw_sender_pkt_encode(slot, cap, s->p.pkt_len, &pkt, s->p.mode) !=
            IPPM_OK ||
        owtw_test_seal(&s->keys, STAMP_PKT_SENDER, slot, s->p.pkt_len) !=
            IPPM_OK)
        return 0;
    return s->p.pkt_len;
}

/* OWAMP: what proto/owamp's sender answers by now: a packet sent, or
 * those over Timeout late skipped (not sent, logged). */
static void owamp_due(struct owtw_send *s, struct ippm_tx_batch *tx,
                      const struct ippm_clock *clk, uint64_t now_ns)
{
    while (owtw_send_deadline(s) <= now_ns) {
        uint8_t *slot = ippm_tx_batch_slot(tx);
        if (!slot)
            break;
        uint64_t now = ippm_clock_now(clk);
        struct ippm_event ev = {.kind = IPPM_EV_TIMER, .now_ns = now};
        struct ippm_action act;
        if (owamp_sender_handle(&s->ow, &ev, slot, tx->buf_size, &act) !=
            IPPM_OK) {
            s->p.count = s->next_seq; /* the schedule broke: stop here */
            break;
        }
        s->next_seq = s->ow.log.next_seqno;
        s->next_ns = owamp_sender_deadline(&s->ow);
        if (act.kind != IPPM_ACT_SEND_DATAGRAM)
            continue;
        ippm_tx_batch_commit(tx, &s->sock, act.len, &s->p.peer, NULL);
        size_t sent = ippm_net_send(&s->sock, tx, NULL);
        s->sent += sent;
        s->send_failed += 1 - sent;
        s->last_ns = now;
    }
}

/* see owtw_send.h */
void owtw_send_due(struct owtw_send *s, struct ippm_tx_batch *tx,
                   const struct ippm_clock *clk, uint64_t now_ns)
{
    char err[64];
    if (s->ow_on) {
        owamp_due(s, tx, clk, now_ns);
        return;
    }
    while (owtw_send_deadline(s) <= now_ns) {
        uint8_t *slot = ippm_tx_batch_slot(tx);
        if (!slot)
            break;
        /* The timestamp is the moment of sending, not the schedule's. */
        uint64_t now = ippm_clock_now(clk);
        size_t len = build(s, slot, tx->buf_size, now);
        if (len) {
            ippm_tx_batch_commit(tx, &s->sock, len, &s->p.peer, NULL);
            size_t sent = ippm_net_send(&s->sock, tx, NULL);
            s->sent += sent;
            s->send_failed += 1 - sent;
        } else {
            s->send_failed++;
        }
        s->last_ns = now;
        s->next_seq++;
        if (s->next_seq < s->p.count && next_time(s, err, sizeof(err)) != 0)
            s->p.count = s->next_seq; /* the schedule broke: stop here */
    }
}

static void drop(struct owtw_send *s, enum ippm_err why)
{
    s->dropped++;
    s->drop_by[why]++;
}

/* One reflection (buf is the batch's, opened in place). */
static void take_reply(struct owtw_send *s, uint8_t *buf, size_t len,
                       const struct ippm_rx_meta *meta)
{
    enum ippm_err e = owtw_test_open(&s->keys, STAMP_PKT_REFLECTOR, buf, len);
    struct stamp_reflector_pkt pkt;
    if (e == IPPM_OK)
        e = twamp_reflector_pkt_decode(&pkt, buf, len, s->p.mode);
    if (e != IPPM_OK) {
        drop(s, e);
        return;
    }
    if (pkt.ss_seq >= s->next_seq) {
        drop(s, IPPM_ERR_UNEXPECTED);
        return;
    }
    struct owtw_reply r = {.seq = pkt.ss_seq, .refl_seq = pkt.seq};
    r.t1 = owtw_ts_decode(pkt.ss_ts, pkt.ss_errest, NULL);
    r.t2 = owtw_ts_decode(pkt.rx_ts, pkt.errest, NULL);
    r.t3 = owtw_ts_decode(pkt.ts, pkt.errest, NULL);
    r.t4 = meta->rx_ns;
    r.fwd_ttl = pkt.ss_ttl;
    r.bwd_ttl = meta->ttl;
    uint64_t dups = s->fwd->duplicates;
    owtw_way_add(s->fwd, pkt.ss_seq, r.t1, r.t2, r.fwd_ttl, pkt.ss_errest,
                 pkt.errest);
    r.duplicate = s->fwd->duplicates != dups;
    owtw_way_add(s->bwd, pkt.seq, r.t3, r.t4, r.bwd_ttl, pkt.errest,
                 s->errest);
    /* The round trip less the reflector's time, on our clock alone. */
    owtw_way_add(s->rtt, pkt.ss_seq, r.t1 + (r.t3 - r.t2), r.t4, -1,
                 s->errest, s->errest);
    if (!r.duplicate)
        s->received++;
    if (s->on_reply)
        s->on_reply(s->user, &r);
}

/* see owtw_send.h */
void owtw_send_drain(struct owtw_send *s, struct ippm_rx_batch *rx,
                     const struct ippm_clock *clk)
{
    for (int round = 0; round < 16; round++) {
        int n = ippm_net_recv(&s->sock, rx, clk);
        if (n <= 0)
            return;
        for (int i = 0; i < n; i++) {
            if (!s->p.twamp || rx->trunc[i]) {
                drop(s, IPPM_ERR_UNEXPECTED);
                continue;
            }
            take_reply(s, rx->bufs + (size_t)i * rx->buf_size, rx->len[i],
                       &rx->meta[i]);
        }
        if ((size_t)n < rx->cap)
            return;
    }
}

/* see owtw_send.h */
uint32_t owtw_send_skips(const struct owtw_send *s, uint8_t *buf, size_t cap)
{
    size_t w;
    if (!s->ow_on || owamp_skips_encode(buf, cap, s->ow.log.skips,
                                        s->ow.log.n, &w) != IPPM_OK)
        return 0;
    return (uint32_t)s->ow.log.n;
}

/* see owtw_send.h */
uint64_t owtw_send_end_ns(const struct owtw_send *s)
{
    uint64_t last = s->next_seq >= s->p.count ? s->last_ns : s->next_ns;
    return last + s->p.timeout_ns;
}

/* see owtw_send.h */
bool owtw_send_finished(const struct owtw_send *s, uint64_t now_ns)
{
    if (!s->scheduled || s->next_seq < s->p.count)
        return false;
    if (s->p.twamp && s->received >= s->sent)
        return true;
    return now_ns >= owtw_send_end_ns(s);
}

/* see owtw_send.h */
void owtw_send_close(struct owtw_send *s)
{
    ippm_net_close(&s->sock);
    if (s->keyed)
        owtw_test_keys_free(&s->keys);
    if (s->scheduled)
        owtw_schedule_free(&s->sched);
    if (s->ow_on)
        owamp_sender_free(&s->ow);
    s->keyed = s->scheduled = s->ow_on = false;
    owtw_way_free(s->fwd);
    owtw_way_free(s->bwd);
    owtw_way_free(s->rtt);
    s->fwd = s->bwd = s->rtt = NULL;
}
