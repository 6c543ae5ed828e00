/* The OWAMP Session-Sender, RFC 4656 §4.1: packets at their scheduled
 * times, those too late skipped and logged for Stop-Sessions. */
#include "owamp.h"

#include <string.h>

#include "../common/ippm_time.h"

/* The time of the packet after the one just handled. After the last one
 * due_ns stays where it was, already passed, so the driver's next TIMER
 * comes at once and hears DONE. */
static enum ippm_err advance(struct owamp_sender *s)
{
    if (s->log.next_seqno >= s->cfg.npackets)
        return IPPM_OK;
    uint64_t at;
    enum ippm_err e = owtw_schedule_next(&s->sched, &at);
    if (e == IPPM_OK)
        s->due_ns = ippm_ns_from_ntp(at);
    return e;
}

/* see owamp.h */
enum ippm_err owamp_sender_init(struct owamp_sender *s,
                                const struct ippm_crypto *crypto,
                                const struct owamp_sender_config *cfg)
{
    memset(s, 0, sizeof *s);
    size_t base =
        cfg->keys ? owtw_test_base_len(STAMP_PKT_SENDER, cfg->keys->mode) : 0;
    if (base == 0 || cfg->pkt_len < base || cfg->pkt_len > OWTW_TEST_MAX_LEN ||
        cfg->npackets == 0)
        return IPPM_ERR_BAD_ARG;
    s->cfg = *cfg;
    owamp_send_log_init(&s->log, s->skips, OWAMP_SENDER_SKIPS);
    enum ippm_err e = owtw_schedule_init(&s->sched, crypto, cfg->sid,
                                         cfg->slots, cfg->n_slots, cfg->start);
    if (e == IPPM_OK)
        e = advance(s);
    return e;
}

/* see owamp.h */
void owamp_sender_free(struct owamp_sender *s)
{
    owtw_schedule_free(&s->sched);
}

/* see owamp.h */
uint64_t owamp_sender_deadline(const struct owamp_sender *s)
{
    return s->done ? UINT64_MAX : s->due_ns;
}

/* Packet seq with Timestamp now_ns, sealed, into tx. */
static enum ippm_err build(const struct owamp_sender *s, uint32_t seq,
                           uint64_t now_ns, uint8_t *tx, size_t tx_cap)
{
    const struct owamp_sender_config *c = &s->cfg;
    size_t base = owtw_test_base_len(STAMP_PKT_SENDER, c->keys->mode);
    struct stamp_sender_pkt p = {
        .seq = seq,
        .ts = owtw_ts_encode(now_ns, c->errest),
        .errest = c->errest,
        .extra = c->padding,
        .extra_len = c->padding ? c->pkt_len - base : 0,
    };
    enum ippm_err e =
        owtw_sender_pkt_encode(tx, tx_cap, c->pkt_len, &p, c->keys->mode);
    if (e == IPPM_OK)
        e = owtw_test_seal(c->keys, STAMP_PKT_SENDER, tx, c->pkt_len);
    return e;
}

/* TIMER: skip what is too late, send what is due. */
static enum ippm_err on_timer(struct owamp_sender *s, uint64_t now_ns,
                              uint8_t *tx, size_t tx_cap,
                              struct ippm_action *act)
{
    uint64_t timeout = owtw_interval_ns(s->cfg.timeout);
    enum ippm_err e = IPPM_OK;
    while (e == IPPM_OK && s->log.next_seqno < s->cfg.npackets &&
           s->due_ns <= now_ns) {
        uint32_t seq = s->log.next_seqno;
        bool too_late = now_ns - s->due_ns > timeout;
        if (!too_late) {
            if (tx_cap < s->cfg.pkt_len)
                return IPPM_ERR_NOSPACE;
            e = build(s, seq, now_ns, tx, tx_cap);
            if (e != IPPM_OK)
                return e;
        }
        /* A skip the log has no room for is still not sent (overflow). */
        (void)owamp_send_log_note(&s->log, seq, !too_late);
        e = advance(s);
        if (too_late) {
            s->counters.skipped++;
            continue;
        }
        s->counters.sent++;
        ippm_action_set(act, IPPM_ACT_SEND_DATAGRAM, s->cfg.pkt_len, IPPM_OK,
                        seq);
        return e;
    }
    if (e == IPPM_OK && s->log.next_seqno >= s->cfg.npackets) {
        s->done = true;
        ippm_action_set(act, IPPM_ACT_DONE, 0, IPPM_OK, 0);
    }
    return e;
}

/* see owamp.h */
enum ippm_err owamp_sender_handle(struct owamp_sender *s,
                                  const struct ippm_event *ev, uint8_t *tx,
                                  size_t tx_cap, struct ippm_action *act)
{
    ippm_action_set(act, IPPM_ACT_NONE, 0, IPPM_OK, 0);
    switch (ev->kind) {
    case IPPM_EV_TIMER:
        return s->done ? IPPM_OK : on_timer(s, ev->now_ns, tx, tx_cap, act);
    case IPPM_EV_STOP:
        /* DONE once: a STOP after the end changes nothing */
        if (!s->done)
            ippm_action_set(act, IPPM_ACT_DONE, 0, IPPM_OK, 0);
        s->done = true;
        return IPPM_OK;
    case IPPM_EV_DATAGRAM:
        ippm_action_set(act, IPPM_ACT_DROP, 0, IPPM_ERR_UNEXPECTED, 0);
        return IPPM_OK;
    default:
        return IPPM_ERR_BAD_ARG;
    }
}
