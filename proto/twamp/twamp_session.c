/* The full-TWAMP Session-Reflector of one test session, RFC 5357 §4.2,
 * with RFC 6038 reflection, RFC 7750 S-DSCP-ECN and RFC 8186 timestamps. */
#include "twamp.h"

#include <string.h>

/* see twamp.h */
void twamp_reflector_init(struct twamp_reflector *r,
                          const struct twamp_reflector_config *cfg,
                          uint64_t now_ns)
{
    memset(r, 0, sizeof *r);
    r->cfg = *cfg;
    if (r->cfg.refwait_ns == 0)
        r->cfg.refwait_ns = TWAMP_REFWAIT_DEFAULT_NS;
    r->last_ns = now_ns;
    r->stop_ns = UINT64_MAX;
}

/* see twamp.h */
void twamp_reflector_stop_sessions(struct twamp_reflector *r, uint64_t now_ns)
{
    uint64_t end = now_ns + r->cfg.timeout_ns;
    r->stop_ns = end < now_ns ? UINT64_MAX - 1 : end;
}

/* Opens the sender packet's base into plain (the padding is neither
 * encrypted nor MACed, so it stays where it is) and decodes it. */
static enum ippm_err open_sender(const struct owtw_test_keys *k,
                                 const uint8_t *rx, size_t rx_len,
                                 uint8_t plain[OWTW_SENDER_AUTH_LEN],
                                 struct stamp_sender_pkt *sp)
{
    size_t base = owtw_test_base_len(STAMP_PKT_SENDER, k->mode);
    if (base == 0)
        return IPPM_ERR_NO_KEY;
    if (rx_len < base)
        return IPPM_ERR_SHORT;
    memcpy(plain, rx, base);
    enum ippm_err e = owtw_test_open(k, STAMP_PKT_SENDER, plain, base);
    if (e == IPPM_OK)
        e = owtw_sender_pkt_decode(sp, plain, base, k->mode);
    return e;
}

/* The reflector's base: RFC 7750 and RFC 9533 add 3 octets in mode 1. */
static size_t reflector_base(const struct twamp_reflector_config *c)
{
    enum owtw_test_mode mode = c->keys->mode;
    if (c->micro)
        return twamp_micro_base_len(STAMP_PKT_REFLECTOR, mode);
    return c->dscp_ecn ? twamp_dscp_ecn_base_len(mode)
                       : owtw_test_base_len(STAMP_PKT_REFLECTOR, mode);
}

/* RFC 9533 §4.2.4: the sender's IDs (in the opened base, or in mode 1
 * its clear octets past the 14), and whether the packet is ours: "If the
 * Reflector Micro-session ID is not zero, the Reflector MUST use [it] to
 * validate". */
static enum ippm_err micro_ids_of(const struct twamp_reflector_config *c,
                                  const uint8_t *plain, const uint8_t *rx,
                                  size_t rx_len, uint16_t *sender_id)
{
    enum owtw_test_mode mode = c->keys->mode;
    uint16_t refl_id;
    enum ippm_err e =
        twamp_micro_ids_get(mode == OWTW_TEST_OPEN ? rx : plain, rx_len,
                            STAMP_PKT_SENDER, mode, sender_id, &refl_id);
    if (e == IPPM_OK && refl_id != 0 && refl_id != c->micro_id)
        return STAMP_ERR_MEMBER_LINK;
    return e;
}

/* What follows the RFC 5357 fields of a reply in tx: the sender's padding
 * (RFC 6038 §5.2.1, as perfSONAR reuses it, from the first octet after
 * any extension header octets), the micro-session IDs, S-DSCP-ECN. The
 * encoder has zeroed the octets between. */
static void fill_extensions(const struct twamp_reflector_config *c, uint8_t *tx,
                            size_t len, const uint8_t *rx, size_t rx_len,
                            uint16_t micro_sender, int tos)
{
    enum owtw_test_mode mode = c->keys->mode;
    size_t base = reflector_base(c);
    twamp_reflect_padding(tx + base, len - base, rx, rx_len, mode,
                          c->symmetrical);
    if (c->micro)
        (void)twamp_micro_ids_put(tx, len, STAMP_PKT_REFLECTOR, mode,
                                  micro_sender, c->micro_id);
    if (c->dscp_ecn)
        tx[twamp_dscp_ecn_off(mode)] = twamp_dscp_ecn_octet(tos);
}

/* see twamp.h */
enum ippm_err twamp_reflector_reflect(struct twamp_reflector *r,
                                      const uint8_t *rx, size_t rx_len,
                                      uint64_t rx_ns, int ttl, int tos,
                                      uint64_t tx_ns, uint8_t *tx,
                                      size_t tx_cap, size_t *tx_len)
{
    const struct twamp_reflector_config *c = &r->cfg;
    uint8_t plain[OWTW_SENDER_AUTH_LEN];
    struct stamp_sender_pkt sp;
    uint16_t micro_sender = 0;
    enum ippm_err e = open_sender(c->keys, rx, rx_len, plain, &sp);
    if (e == IPPM_OK && c->micro)
        e = micro_ids_of(c, plain, rx, rx_len, &micro_sender);
    if (e != IPPM_OK)
        return e;
    size_t len = twamp_reflect_len(rx_len, reflector_base(c), c->reflect_len);
    if (len > OWTW_TEST_MAX_LEN)
        return IPPM_ERR_TOO_LONG;
    if (tx_cap < len)
        return IPPM_ERR_NOSPACE;
    /* RFC 8186 §2.3: our timestamps in the format our Z bit names. */
    struct stamp_reflector_pkt p = {
        .seq = r->next_seq,
        .ts = owtw_ts_encode(tx_ns, c->errest),
        .errest = c->errest,
        .rx_ts = owtw_ts_encode(rx_ns, c->errest),
        .ss_seq = sp.seq,
        .ss_ts = sp.ts,
        .ss_errest = sp.errest,
        /* RFC 5357 §4.2: a TTL not read "MUST [be set] as 255". */
        .ss_ttl = ttl < 0 ? 255 : (uint8_t)ttl,
    };
    e = twamp_reflector_pkt_encode(tx, tx_cap, len, &p, c->keys->mode);
    if (e != IPPM_OK)
        return e;
    fill_extensions(c, tx, len, rx, rx_len, micro_sender, tos);
    /* RFC 5357 §4.2: "the HMAC MUST be calculated first, then ... the
     * packet body is encrypted" (owtw_test_seal's order). */
    e = owtw_test_seal(c->keys, STAMP_PKT_REFLECTOR, tx, len);
    if (e != IPPM_OK)
        return e;
    r->next_seq++;
    r->last_ss_seq = sp.seq;
    *tx_len = len;
    return IPPM_OK;
}

/* see twamp.h */
uint64_t twamp_reflector_deadline(const struct twamp_reflector *r)
{
    if (r->done)
        return UINT64_MAX;
    uint64_t d = r->last_ns + r->cfg.refwait_ns;
    if (d < r->last_ns)
        d = UINT64_MAX;
    return d < r->stop_ns ? d : r->stop_ns;
}

static void count_drop(struct twamp_reflector *r, enum ippm_err why)
{
    r->counters.dropped++;
    if ((unsigned)why < IPPM_ERR_COUNT_)
        r->counters.drop_by[why]++;
}

static void on_datagram(struct twamp_reflector *r, const struct ippm_event *ev,
                        uint8_t *tx, size_t tx_cap, struct ippm_action *act)
{
    const struct ippm_rx_meta *m = ev->meta;
    uint64_t rx_ns = m && m->rx_ns ? m->rx_ns : ev->now_ns;
    int ttl = m ? m->ttl : -1;
    int tos = m ? m->tos : -1;
    size_t len = 0;
    enum ippm_err e = twamp_reflector_reflect(
        r, ev->data, ev->len, rx_ns, ttl, tos, ev->now_ns, tx, tx_cap, &len);
    if (e != IPPM_OK) {
        count_drop(r, e);
        ippm_action_set(act, IPPM_ACT_DROP, 0, e, 0);
        return;
    }
    /* RFC 5357 §4.2: REFWAIT counts from the last packet received. */
    r->last_ns = ev->now_ns;
    r->counters.reflected++;
    ippm_action_set(act, IPPM_ACT_SEND_DATAGRAM, len, IPPM_OK, r->last_ss_seq);
}

/* see twamp.h */
enum ippm_err twamp_reflector_handle(struct twamp_reflector *r,
                                     const struct ippm_event *ev, uint8_t *tx,
                                     size_t tx_cap, struct ippm_action *act)
{
    ippm_action_set(act, IPPM_ACT_NONE, 0, IPPM_OK, 0);
    switch (ev->kind) {
    case IPPM_EV_DATAGRAM:
        /* "not received within the Timeout": by its arrival time */
        if (r->done ||
            (ev->meta && ev->meta->rx_ns ? ev->meta->rx_ns : ev->now_ns) >
                r->stop_ns) {
            count_drop(r, IPPM_ERR_DONE);
            ippm_action_set(act, IPPM_ACT_DROP, 0, IPPM_ERR_DONE, 0);
            return IPPM_OK;
        }
        on_datagram(r, ev, tx, tx_cap, act);
        return IPPM_OK;
    case IPPM_EV_TIMER:
        if (!r->done && ev->now_ns >= twamp_reflector_deadline(r)) {
            /* why: REFWAIT is a timeout; the end after Stop-Sessions
             * is the orderly one */
            enum ippm_err why =
                ev->now_ns >= r->stop_ns ? IPPM_OK : IPPM_ERR_TIMEOUT;
            r->done = true;
            ippm_action_set(act, IPPM_ACT_DONE, 0, why, 0);
        }
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
