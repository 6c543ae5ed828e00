#include "txts.h"

#include <string.h>

/* see txts.h */
enum ippm_txts_kind stamp_txts_start(struct stamp_txts *t,
                                     const struct ippm_sock *s, bool on,
                                     bool every)
{
    memset(t, 0, sizeof *t);
    t->kind = on ? ippm_net_txts_enable(s, every) : IPPM_TXTS_NONE;
    return t->kind;
}

static void tag_sent(struct stamp_txts *t, uint64_t tag)
{
    uint32_t i = t->next_id % STAMP_TXTS_RING;
    t->id[i] = t->next_id++;
    t->tag[i] = tag;
}

/* Reads the error queue; calls use(tag, ns, kind) for each timestamp whose
 * datagram is still known. Without force, only while timestamps are
 * outstanding: a wakeup with nothing sent reads regardless, so that one
 * we did not count cannot keep the poll awake. */
static void drain(struct stamp_txts *t, const struct ippm_sock *s,
                  const struct ippm_clock *clk, bool force,
                  void (*use)(void *, uint64_t, uint64_t, enum ippm_txts_kind),
                  void *arg)
{
    struct ippm_txts ts[IPPM_NET_BATCH];
    int n;
    do {
        /* Nothing outstanding, nothing to read: no system call (the
         * error queue holds only what we asked for). */
        if (!force && t->read >= t->next_id)
            return;
        force = false;
        n = ippm_net_txts_read(s, ts, IPPM_NET_BATCH);
        t->read += n > 0 ? (uint64_t)n : 0;
        for (int k = 0; k < n; k++) {
            uint32_t i = ts[k].id % STAMP_TXTS_RING;
            if (t->id[i] != ts[k].id || ts[k].id >= t->next_id) {
                t->stale++;
                continue;
            }
            /* Software times are CLOCK_REALTIME; hardware ones the NIC's
             * clock, taken as steered to it. */
            uint64_t ns = ts[k].kind == IPPM_TXTS_SOFTWARE
                              ? ippm_clock_from_realtime(clk, ts[k].ns)
                              : ts[k].ns;
            use(arg, t->tag[i], ns, ts[k].kind);
            t->used++;
        }
    } while (n == IPPM_NET_BATCH);
}

/* A reference packs into a tag: valid, session, number. */
static uint64_t ref_tag(struct stamp_tx_ref ref)
{
    return ref.valid ? (uint64_t)1 << 63 | (uint64_t)ref.session << 32 | ref.seq
                     : 0;
}

static void refl_use(void *arg, uint64_t tag, uint64_t ns,
                     enum ippm_txts_kind kind)
{
    struct stamp_tx_ref ref = {tag >> 63 != 0,
                               (uint32_t)(tag >> 32) & 0x7fffffffu,
                               (uint32_t)tag};
    stamp_reflector_tx_time(arg, ref, ns,
                            kind == IPPM_TXTS_HARDWARE ? STAMP_TSM_HW
                                                       : STAMP_TSM_SW);
}

/* see txts.h */
void stamp_txts_refl_queued(struct stamp_txts *t,
                            const struct stamp_reflector *r,
                            struct ippm_tx_batch *b)
{
    struct stamp_tx_ref ref = stamp_reflector_last_tx(r);
    if (t->kind == IPPM_TXTS_NONE || !ref.valid ||
        t->n_pending == IPPM_NET_BATCH)
        return;
    ippm_tx_batch_want_txts(b);
    t->pending[t->n_pending++] = ref_tag(ref);
}

/* see txts.h */
void stamp_txts_refl_sent(struct stamp_txts *t, const struct ippm_sock *s,
                          struct stamp_reflector *r,
                          const struct ippm_clock *clk, size_t sent)
{
    if (t->kind == IPPM_TXTS_NONE)
        return;
    /* A datagram the kernel refused mid-batch shifts the rest by one:
     * proto then ignores the times whose reply number does not match. */
    for (size_t i = 0; i < sent && i < t->n_pending; i++)
        tag_sent(t, t->pending[i]);
    t->n_pending = 0;
    drain(t, s, clk, sent == 0, refl_use, r);
}

static void sender_use(void *arg, uint64_t tag, uint64_t ns,
                       enum ippm_txts_kind kind)
{
    (void)kind;
    (void)stamp_sender_tx_time(arg, (uint32_t)tag, ns);
}

/* see txts.h */
void stamp_txts_sender_sent(struct stamp_txts *t, const struct ippm_sock *s,
                            struct stamp_sender *snd,
                            const struct ippm_clock *clk, uint32_t seq,
                            bool sent)
{
    if (t->kind == IPPM_TXTS_NONE)
        return;
    if (sent)
        tag_sent(t, seq);
    drain(t, s, clk, !sent, sender_use, snd);
}
