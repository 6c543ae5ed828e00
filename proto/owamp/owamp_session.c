/* The OWAMP Session-Receiver's bookkeeping, RFC 4656 §3.8, §4.2: packet
 * records in arrival order, duplicates, the highest sequence number, and
 * the lost records Stop-Sessions lets it write. */
#include "owamp.h"

#include <string.h>

#include "../common/ippm_time.h"

/* see owamp.h */
enum ippm_err owamp_receiver_init(struct owamp_receiver *r,
                                  const struct owamp_receiver_config *cfg,
                                  struct owamp_record *rec, size_t cap,
                                  uint64_t *seen, size_t seen_words)
{
    memset(r, 0, sizeof *r);
    if (!cfg->keys || !rec || cap == 0 || !seen ||
        seen_words < OWAMP_SEEN_WORDS(cfg->npackets))
        return IPPM_ERR_BAD_ARG;
    r->cfg = *cfg;
    r->rec = rec;
    r->cap = cap;
    r->seen = seen;
    memset(seen, 0, OWAMP_SEEN_WORDS(cfg->npackets) * sizeof *seen);
    return IPPM_OK;
}

static uint64_t distance(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

/* RFC 4656 §4.2: discard a packet whose send timestamp is "more than
 * Timeout in the past or in the future", or "differs by more than
 * Timeout from the time when the packet should have been sent according
 * to its sequence number"; and §4.1.2: a zero Multiplier "SHOULD be
 * considered corrupt and discarded". */
static bool send_time_ok(const struct owamp_receiver *r,
                         const struct stamp_sender_pkt *p, uint64_t rx_ns)
{
    if ((p->errest & 0xffu) == 0)
        return false;
    bool ok = true;
    uint64_t sent = owtw_ts_decode(p->ts, p->errest, &ok);
    uint64_t timeout = owtw_interval_ns(r->cfg.timeout);
    if (!ok || distance(sent, rx_ns) > timeout)
        return false;
    return !r->cfg.due ||
           distance(sent, ippm_ns_from_ntp(r->cfg.due[p->seq])) <= timeout;
}

static bool seen_get(const struct owamp_receiver *r, uint32_t seq)
{
    return r->seen[seq / 64] >> (seq % 64) & 1u;
}

/* see owamp.h */
enum ippm_err owamp_receiver_take(struct owamp_receiver *r, const uint8_t *rx,
                                  size_t rx_len, uint64_t rx_ns, int ttl)
{
    const struct owtw_test_keys *k = r->cfg.keys;
    size_t base = owtw_test_base_len(STAMP_PKT_SENDER, k->mode);
    if (base == 0)
        return IPPM_ERR_NO_KEY;
    if (rx_len < base)
        return IPPM_ERR_SHORT;
    /* Only the base is protected: open a copy of it (RFC 4656 §4.1.2). */
    uint8_t plain[OWTW_SENDER_AUTH_LEN];
    memcpy(plain, rx, base);
    struct stamp_sender_pkt p;
    enum ippm_err e = owtw_test_open(k, STAMP_PKT_SENDER, plain, base);
    if (e == IPPM_OK)
        e = owtw_sender_pkt_decode(&p, plain, base, k->mode);
    if (e != IPPM_OK)
        return e;
    if (p.seq >= r->cfg.npackets)
        return IPPM_ERR_UNEXPECTED;
    if (!send_time_ok(r, &p, rx_ns))
        return IPPM_ERR_BAD_VALUE;
    if (r->n == r->cap)
        return IPPM_ERR_NOSPACE;
    struct owamp_record *rec = &r->rec[r->n++];
    rec->seq = p.seq;
    rec->send_errest = p.errest;
    rec->send_ts = p.ts;
    rec->recv_errest = r->cfg.recv_errest;
    rec->recv_ts = owtw_ts_encode(rx_ns, r->cfg.recv_errest);
    /* RFC 4656 §4.2: a TTL not read "MUST record the TTL value as 255". */
    rec->ttl = ttl < 0 ? 255 : (uint8_t)ttl;
    if (p.seq >= r->next_seqno)
        r->next_seqno = p.seq + 1;
    if (seen_get(r, p.seq))
        return IPPM_ERR_DUPLICATE;
    r->seen[p.seq / 64] |= 1ull << (p.seq % 64);
    return IPPM_OK;
}

/* see owamp.h */
enum ippm_err owamp_receiver_handle(struct owamp_receiver *r,
                                    const struct ippm_event *ev,
                                    struct ippm_action *act)
{
    ippm_action_set(act, IPPM_ACT_NONE, 0, IPPM_OK, 0);
    switch (ev->kind) {
    case IPPM_EV_DATAGRAM: {
        const struct ippm_rx_meta *m = ev->meta;
        uint64_t rx_ns = m && m->rx_ns ? m->rx_ns : ev->now_ns;
        enum ippm_err e = r->done ? IPPM_ERR_DONE
                                  : owamp_receiver_take(r, ev->data, ev->len,
                                                        rx_ns, m ? m->ttl : -1);
        if (e == IPPM_OK || e == IPPM_ERR_DUPLICATE) {
            r->counters.received++;
            r->counters.duplicates += e == IPPM_ERR_DUPLICATE;
            act->seq = r->rec[r->n - 1].seq;
            act->why = e;
            return IPPM_OK;
        }
        r->counters.dropped++;
        r->counters.drop_by[e]++;
        ippm_action_set(act, IPPM_ACT_DROP, 0, e, 0);
        return IPPM_OK;
    }
    case IPPM_EV_TIMER:
        return IPPM_OK;
    case IPPM_EV_STOP:
        /* DONE once: a STOP after the end changes nothing */
        if (!r->done)
            ippm_action_set(act, IPPM_ACT_DONE, 0, IPPM_OK, 0);
        r->done = true;
        return IPPM_OK;
    default:
        return IPPM_ERR_BAD_ARG;
    }
}

/* Drops every record of a sequence number at or above from. */
static void drop_records_from(struct owamp_receiver *r, uint32_t from)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->rec[i].seq < from)
            r->rec[kept++] = r->rec[i];
    r->n = kept;
}

/* True when seq lies in one of the ordered skip ranges; *at walks them
 * along with seq, which only grows. */
static bool skipped(const struct owamp_skip *s, size_t n, size_t *at,
                    uint32_t seq)
{
    while (*at < n && s[*at].last < seq)
        (*at)++;
    return *at < n && s[*at].first <= seq;
}

static bool skips_ordered(const struct owamp_skip *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].first > s[i].last || (i && s[i].first <= s[i - 1].last))
            return false;
    return true;
}

/* see owamp.h */
enum ippm_err owamp_receiver_finish(struct owamp_receiver *r,
                                    struct owtw_schedule *sched,
                                    uint32_t next_seqno,
                                    const struct owamp_skip *skips,
                                    size_t n_skips, uint64_t now_ns)
{
    r->done = true;
    /* RFC 4656 §3.8: a sender whose last sequence number is lower than
     * one received invalidates the whole session. */
    if (r->next_seqno > next_seqno || !skips_ordered(skips, n_skips))
        return IPPM_ERR_BAD_VALUE;
    /* Records sent within the last Timeout are discarded, lost or not. */
    uint64_t now = ippm_ntp_from_ns(now_ns);
    uint64_t cutoff = now > r->cfg.timeout ? now - r->cfg.timeout : 0;
    size_t at = 0;
    uint32_t seq;
    enum ippm_err e = IPPM_OK;
    for (seq = 0; seq < next_seqno && seq < r->cfg.npackets; seq++) {
        uint64_t due = 0;
        if (r->cfg.due)
            due = r->cfg.due[seq];
        else if (!sched)
            e = IPPM_ERR_BAD_ARG;
        else
            e = owtw_schedule_next(sched, &due);
        if (e != IPPM_OK || due > cutoff)
            break;
        if (seen_get(r, seq) || skipped(skips, n_skips, &at, seq))
            continue;
        if (r->n == r->cap) {
            e = IPPM_ERR_NOSPACE;
            break;
        }
        struct owamp_record lost = {
            seq, OWAMP_LOST_SEND_ERREST, r->cfg.recv_errest, due, 0, 255};
        r->rec[r->n++] = lost;
    }
    if (e == IPPM_OK)
        drop_records_from(r, seq);
    return e;
}
