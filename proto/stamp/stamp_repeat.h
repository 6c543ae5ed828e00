/* Asymmetrical packets' extra replies (draft-ietf-ippm-asymmetrical-pkts-14
 * §3), inside proto/stamp: what the reflector's state machine calls. The
 * public side (limits, table, deadline) is in stamp.h. */
#ifndef STAMP_REPEAT_H
#define STAMP_REPEAT_H

#include "stamp.h"

/* How many replies a request may be given now (>= 1): the configured
 * count when the mode is allowed, a slot is free and the budget holds
 * the extra ones; else 1. */
uint16_t stamp_repeat_allowance(struct stamp_reflector *r, uint64_t now_ns);

/* Keeps the reply just built (len octets of pkt) to send count - 1 more
 * times, interval_ns apart from now, to m's source; takes the budget. */
void stamp_repeat_schedule(struct stamp_reflector *r, const uint8_t *pkt,
                           size_t len, const struct ippm_rx_meta *m,
                           uint32_t seq, int16_t tos, uint16_t count,
                           uint32_t interval_ns, uint64_t now_ns);

/* The earliest copy due, UINT64_MAX when none. */
uint64_t stamp_repeat_next(const struct stamp_repeat *rp);

/* Builds into tx the earliest copy due at now with a fresh Timestamp
 * (*ts, as on the wire) and returns its length, with its request's
 * sequence number and TOS; 0 when none is due (or tx is too small: that
 * copy is dropped). */
size_t stamp_repeat_take(struct stamp_reflector *r, uint64_t now_ns,
                         uint8_t *tx, size_t tx_cap, uint64_t *ts,
                         uint32_t *seq, int16_t *tos);

/* ---- Session-Sender ---- */

/* The Number of Reflected Packets and Interval the sender's TLVs ask for
 * (0 and 0 without a Reflected Test Packet Control TLV). */
void stamp_repeat_asked(const uint8_t *tlvs, size_t len, uint16_t *count,
                        uint32_t *interval_ns);

/* How long after the first reply the last asked-for copy comes. */
uint64_t stamp_repeat_span(uint16_t count, uint32_t interval_ns);

/* A reply to a request already answered is an asked-for copy (counted in
 * r->copies) rather than a duplicate: copies were asked, fewer than
 * count - 1 came so far, and it is the same reflection (the first
 * reply's Receive Timestamp) sent anew (another Timestamp). */
bool stamp_repeat_expected(struct stamp_result *r,
                           const struct stamp_reflector_pkt *rep,
                           uint16_t count);

/* The reply's Reflected Test Packet Control TLV says the reflector did
 * not undertake the copies: C (beyond its limits) or U (unrecognised). */
bool stamp_repeat_refused(const uint8_t *tlvs, size_t len);

#endif
