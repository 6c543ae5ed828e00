/* The RMBT UDP ping client's bookkeeping (rmbt-udp-ping notes §6): which
 * packets await a reply, their round-trip times, what timed out, and the
 * closing statistics, in memory that does not grow with the run. */
#include "rmbt.h"

#include <string.h>

/* The slot packet number n lives in: consecutive numbers never share
 * one while both are pending (rmbt_ping_sent refuses). */
static struct rmbt_ping_slot *ping_slot(struct rmbt_ping *p, uint64_t n)
{
    return &p->slot[n % RMBT_PING_PENDING];
}

static uint32_t ping_seq(const struct rmbt_ping *p, uint64_t n)
{
    /* Notes §6: the first sequence is random, then one more per packet,
     * mod 2^32. */
    return p->first_seq + (uint32_t)(n - 1);
}

/* Moves oldest past packets no longer pending, so that it names the
 * oldest pending one or is sent + 1. Each number is passed once. */
static void ping_advance(struct rmbt_ping *p)
{
    while (p->oldest <= p->sent && ping_slot(p, p->oldest)->number != p->oldest)
        p->oldest++;
}

/* see rmbt.h */
void rmbt_ping_init(struct rmbt_ping *p, uint32_t first_seq, uint64_t wait_ns)
{
    memset(p, 0, sizeof *p);
    p->first_seq = first_seq;
    p->wait_ns = wait_ns ? wait_ns : RMBT_PING_WAIT_NS;
    p->oldest = 1;
    ippm_dist_init(&p->rtt);
}

/* see rmbt.h */
bool rmbt_ping_expire(struct rmbt_ping *p, uint64_t now_ns, bool full,
                      struct rmbt_ping_event *out)
{
    ping_advance(p);
    if (p->oldest > p->sent)
        return false;
    struct rmbt_ping_slot *s = ping_slot(p, p->oldest);
    bool due = now_ns >= s->sent_ns && now_ns - s->sent_ns >= p->wait_ns;
    /* The next packet's slot is the oldest one's when the window is full. */
    bool crowded = full && ping_slot(p, p->sent + 1)->number != 0;
    if (!due && !crowded)
        return false;
    memset(out, 0, sizeof *out);
    out->number = p->oldest;
    out->seq = ping_seq(p, p->oldest);
    out->tag = RMBT_RE01;
    s->number = 0;
    p->timed_out++;
    ping_advance(p);
    return true;
}

/* see rmbt.h */
enum ippm_err rmbt_ping_sent(struct rmbt_ping *p, uint64_t now_ns,
                             struct rmbt_ping_event *out)
{
    uint64_t n = p->sent + 1;
    struct rmbt_ping_slot *s = ping_slot(p, n);
    if (s->number != 0)
        return IPPM_ERR_SESSION_FULL;
    s->number = n;
    s->sent_ns = now_ns;
    p->sent = n;
    memset(out, 0, sizeof *out);
    out->number = n;
    out->seq = ping_seq(p, n);
    return IPPM_OK;
}

/* see rmbt.h */
enum ippm_err rmbt_ping_reply(struct rmbt_ping *p, const uint8_t *data,
                              size_t len, uint64_t now_ns,
                              struct rmbt_ping_event *out)
{
    struct rmbt_reply r;
    enum ippm_err e = rmbt_reply_decode(data, len, &r);
    if (e != IPPM_OK) {
        p->malformed++;
        return e;
    }
    /* How many packets before the latest this reply's sequence names;
     * only the last RMBT_PING_PENDING can still be pending. */
    uint32_t back = ping_seq(p, p->sent) - r.seq;
    uint64_t n = p->sent - back;
    if (p->sent == 0 || back >= RMBT_PING_PENDING || back >= p->sent ||
        ping_slot(p, n)->number != n) {
        p->ignored++;
        return IPPM_ERR_UNEXPECTED;
    }
    struct rmbt_ping_slot *s = ping_slot(p, n);
    uint64_t rtt = now_ns > s->sent_ns ? now_ns - s->sent_ns : 0;
    s->number = 0;
    p->received++;
    if (r.tag == RMBT_RR01)
        p->rr01++;
    else
        p->re01++;
    ippm_dist_add(&p->rtt, (int64_t)rtt);
    out->number = n;
    out->seq = r.seq;
    out->tag = r.tag;
    out->rtt_ns = rtt;
    ping_advance(p);
    return IPPM_OK;
}

/* see rmbt.h */
uint64_t rmbt_ping_deadline(const struct rmbt_ping *p)
{
    if (p->oldest > p->sent)
        return UINT64_MAX;
    return p->slot[p->oldest % RMBT_PING_PENDING].sent_ns + p->wait_ns;
}

/* see rmbt.h */
uint64_t rmbt_ping_pending(const struct rmbt_ping *p)
{
    return p->sent - p->received - p->timed_out;
}

/* see rmbt.h */
void rmbt_ping_stats(const struct rmbt_ping *p, struct rmbt_ping_stats *out)
{
    memset(out, 0, sizeof *out);
    out->sent = p->sent;
    out->received = p->received;
    out->rr01 = p->rr01;
    out->re01 = p->re01;
    out->lost = p->sent - p->received;
    if (p->sent)
        out->loss_pct = 100.0 * (double)out->lost / (double)p->sent;
    ippm_dist_summary(&p->rtt, &out->rtt);
}
