/* Kernel transmit timestamps in the STAMP drivers (impl/core/net.h,
 * SO_TIMESTAMPING): the reflector's Follow-Up Telemetry TLV reports when
 * the previous reply actually left (RFC 8972 §4.7), and the sender's
 * --tx-timestamps takes T1 from the kernel. Each datagram sent gets a tag
 * by its kernel index; the timestamps read back are handed to proto by
 * tag. Private to impl/stamp. */
#ifndef IPPM_STAMP_TXTS_H
#define IPPM_STAMP_TXTS_H

#include <stdint.h>

#include "proto/stamp/stamp.h"
#include "impl/core/clock.h"
#include "impl/core/net.h"

/* Datagrams whose tags are kept: far more than are ever in flight between
 * a send and its timestamp. */
#define STAMP_TXTS_RING 1024u

struct stamp_txts {
    enum ippm_txts_kind kind;   /* IPPM_TXTS_NONE: off, or refused */
    uint32_t next_id;           /* the kernel's index of the next send */
    uint32_t id[STAMP_TXTS_RING];
    uint64_t tag[STAMP_TXTS_RING];
    uint64_t pending[IPPM_NET_BATCH]; /* tags of the batch being queued */
    size_t n_pending;
    uint64_t used, stale;       /* timestamps given to proto / unmatched */
    uint64_t read;              /* every timestamp read */
};

/* Turns timestamps on for s (when on), zeroing t: for every datagram
 * (the sender) or for those stamp_txts_refl_queued marks (the reflector).
 * Returns t->kind. */
enum ippm_txts_kind stamp_txts_start(struct stamp_txts *t,
                                     const struct ippm_sock *s, bool on,
                                     bool every);

/* The reflector queued a reply (a SEND) last in b: when a Follow-Up will
 * ask when it left (r's reference is valid), marks it for a timestamp and
 * remembers the reference. */
void stamp_txts_refl_queued(struct stamp_txts *t,
                            const struct stamp_reflector *r,
                            struct ippm_tx_batch *b);

/* The batch went out, sent of its queued datagrams: tags the marked ones,
 * then reads what the error queue holds into r. (When the kernel refused
 * some, which marked ones it took is a guess: proto ignores a time whose
 * reply number does not match.) */
void stamp_txts_refl_sent(struct stamp_txts *t, const struct ippm_sock *s,
                          struct stamp_reflector *r,
                          const struct ippm_clock *clk, size_t sent);

/* The sender sent packet seq (sent: the kernel took it): tags it, then
 * reads what the error queue holds into snd (T1). */
void stamp_txts_sender_sent(struct stamp_txts *t, const struct ippm_sock *s,
                            struct stamp_sender *snd,
                            const struct ippm_clock *clk, uint32_t seq,
                            bool sent);

#endif
