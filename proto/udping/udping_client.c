/* The UDPing sender's machine: round-robin ports, a guid per port and
 * interval, exponential gaps from the due time, random sizes (notes §2,
 * §4), and the 2017 control packets (notes §8). */
#include "udping.h"

#include <string.h>

#define NS_PER_S 1000000000u

/* see udping.h */
void udping_guid_draw(struct ippm_rng *rng, char guid[UDPING_GUID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < UDPING_GUID_LEN; i++)
        guid[i] = hex[ippm_rng_below(rng, 16)];
    guid[UDPING_GUID_LEN] = 0;
}

/* see udping.h */
uint64_t udping_gap_draw(struct ippm_rng *rng, uint64_t gap_ns)
{
    uint64_t x = ippm_rng_exp(rng);
    /* x is 32.32 and below 2^38 (S1 shifts at most 32); gap_ns < 2^32,
     * so both partial products fit in 64 bits. */
    uint64_t gap = (x >> 32) * gap_ns + (((x & 0xffffffffu) * gap_ns) >> 32);
    /* Notes §4: the pause is capped at 10 x d. */
    return gap < 10 * gap_ns ? gap : 10 * gap_ns;
}

/* see udping.h */
enum ippm_err udping_client_init(struct udping_client *c,
                                 const struct udping_client_cfg *cfg,
                                 struct udping_port *ports, size_t n_ports,
                                 uint64_t start_ns)
{
    /* -d in ns must stay below 2^32 for udping_gap_draw's products. */
    if (!ports || n_ports == 0 || !(cfg->mean_gap_ms >= 0) ||
        cfg->mean_gap_ms * 1e6 >= 4294967295.0 || cfg->interval_s == 0 ||
        cfg->max_size == 0 || cfg->max_size > UDPING_MAX_PKT)
        return IPPM_ERR_BAD_ARG;
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    c->ports = ports;
    c->n_ports = n_ports;
    c->due_ns = start_ns;
    c->gap_ns = (uint64_t)(cfg->mean_gap_ms * 1e6 + 0.5);
    ippm_rng_seed(&c->rng, cfg->seed);
    for (size_t i = 0; i < n_ports; i++) {
        struct udping_port *p = &ports[i];
        udping_guid_draw(&c->rng, p->guid);
        p->client_start = (int64_t)(start_ns / NS_PER_S);
        p->seq = cfg->legacy ? 1 : 0;
        p->interval = start_ns / NS_PER_S / cfg->interval_s;
        p->legacy_sent = 0;
    }
    return IPPM_OK;
}

/* see udping.h */
uint64_t udping_client_deadline(const struct udping_client *c)
{
    return c->due_ns;
}

/* Notes §1: size = rand % m, raised to the header's length. */
static uint32_t draw_size(struct udping_client *c)
{
    uint32_t min = c->cfg.legacy ? UDPING_LEGACY_MIN_PING : UDPING_HDR_LEN;
    uint32_t size = ippm_rng_below(&c->rng, c->cfg.max_size);
    return size < min ? min : size;
}

/* The 2017 control packet closing the port's interval under its old
 * guid: seq = pings sent + 1, sent zero, 64 octets. */
static enum ippm_err legacy_control(struct udping_port *p, uint8_t *tx,
                                    size_t cap)
{
    struct udping_legacy_hdr h;
    memset(&h, 0, sizeof h);
    memcpy(h.guid, p->guid, sizeof h.guid);
    h.control = 1;
    h.seq = (int32_t)(p->legacy_sent + 1u);
    h.size = UDPING_LEGACY_HDR_LEN;
    return udping_legacy_encode(tx, cap, &h);
}

static enum ippm_err encode_ping(struct udping_client *c,
                                 const struct udping_port *p, uint64_t now,
                                 uint32_t size, uint8_t *tx, size_t cap)
{
    if (c->cfg.legacy) {
        struct udping_legacy_hdr h;
        memset(&h, 0, sizeof h);
        memcpy(h.guid, p->guid, sizeof h.guid);
        h.seq = (int32_t)p->seq;
        h.ts_count = 1;
        h.sent_sec = (int64_t)(now / NS_PER_S);
        h.sent_nsec = (int64_t)(now % NS_PER_S);
        h.size = (int32_t)size;
        return udping_legacy_encode(tx, cap, &h);
    }
    struct udping_hdr h;
    memset(&h, 0, sizeof h);
    h.version = UDPING_VERSION;
    h.client_start = p->client_start;
    memcpy(h.guid, p->guid, sizeof h.guid);
    h.seq = p->seq;
    h.sent_sec = (int64_t)(now / NS_PER_S);
    h.sent_nsec = (int64_t)(now % NS_PER_S);
    h.size = size;
    return udping_encode(tx, cap, &h);
}

/* Notes §2: the rollover check, just before the port sends. Returns
 * true when a legacy control packet must go out first (in tx). */
static bool rollover(struct udping_client *c, struct udping_port *p,
                     uint64_t now, uint8_t *tx, size_t cap, size_t *len,
                     uint32_t *ctl_seq)
{
    uint64_t iv = now / NS_PER_S / c->cfg.interval_s;
    if (iv == p->interval)
        return false;
    p->interval = iv;
    bool control = false;
    if (c->cfg.legacy && p->legacy_sent > 0 &&
        legacy_control(p, tx, cap) == IPPM_OK) {
        control = true;
        *len = UDPING_LEGACY_HDR_LEN;
        *ctl_seq = p->legacy_sent + 1u;
    }
    udping_guid_draw(&c->rng, p->guid);
    if (c->cfg.legacy) {
        p->seq = 1;
        p->legacy_sent = 0;
    }
    return control;
}

/* see udping.h */
void udping_client_handle(struct udping_client *c, const struct ippm_event *ev,
                          uint8_t *tx, size_t cap, struct ippm_action *act,
                          size_t *port)
{
    ippm_action_set(act, IPPM_ACT_NONE, 0, IPPM_OK, 0);
    if (ev->kind != IPPM_EV_TIMER || ev->now_ns < c->due_ns)
        return;
    /* A driver stalled for longer than the largest gap would otherwise
     * send its whole backlog back to back; the original never catches
     * up either (it counts only the current iteration's time). */
    if (ev->now_ns - c->due_ns > 10 * c->gap_ns && c->gap_ns > 0) {
        c->due_ns = ev->now_ns;
        c->resyncs++;
    }
    size_t idx = c->next;
    struct udping_port *p = &c->ports[idx];
    *port = idx;
    size_t len = 0;
    uint32_t ctl_seq = 0;
    if (cap < UDPING_LEGACY_HDR_LEN) {
        ippm_action_set(act, IPPM_ACT_DROP, 0, IPPM_ERR_NOSPACE, p->seq);
        return;
    }
    if (rollover(c, p, ev->now_ns, tx, cap, &len, &ctl_seq)) {
        /* The ping follows on the next TIMER: the deadline stays due. */
        ippm_action_set(act, IPPM_ACT_SEND_DATAGRAM, len, IPPM_OK, ctl_seq);
        c->sent++;
        c->controls++;
        return;
    }
    uint32_t size = draw_size(c);
    enum ippm_err e = encode_ping(c, p, ev->now_ns, size, tx, cap);
    if (e != IPPM_OK) {
        ippm_action_set(act, IPPM_ACT_DROP, 0, e, p->seq);
        return;
    }
    ippm_action_set(act, IPPM_ACT_SEND_DATAGRAM, size, IPPM_OK, p->seq);
    p->seq++;
    if (c->cfg.legacy)
        p->legacy_sent++;
    c->sent++;
    c->next = (idx + 1) % c->n_ports;
    /* Notes §4: the pause counts from this packet's due time, so time
     * spent late is taken off the next gap. */
    c->last_gap_ns = udping_gap_draw(&c->rng, c->gap_ns);
    c->due_ns += c->last_gap_ns;
}
