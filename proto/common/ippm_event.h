/* The event contract every protocol state machine speaks: one event in,
 * one action out, and one `<proto>_<role>_deadline()` saying when the
 * driver must next send a TIMER event.
 *
 * Proto reads no clock, owns no socket and no timer: the driver reads
 * datagrams or stream bytes, stamps them with its clock and hands them in;
 * the machine answers with what to write, close or drop (ngtcp2's
 * read_pkt / write_pkt / get_expiry / handle_expiry; BearSSL's engine,
 * whose flags say "send a record" / "closed"). A datagram protocol
 * (STAMP, TWAMP-Light, UDPST, UDPing) sees DATAGRAM, TIMER and STOP; a
 * control connection (TWAMP/OWAMP, UDPST control, RMBT) also sees BYTES
 * and CLOSED, and feeds BYTES through an ippm_stream accumulator.
 *
 * One event gives at most one action. The deadline is UINT64_MAX when a
 * machine wants no TIMER; a machine with more to send than one action
 * carries (a late schedule, a batch) keeps its deadline at or before now,
 * so the driver sends TIMER again at once, as it calls ngtcp2's
 * write_pkt until there is nothing left. */
#ifndef IPPM_EVENT_H
#define IPPM_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "ippm_addr.h"
#include "ippm_err.h"

enum ippm_ev_kind {
    IPPM_EV_DATAGRAM, /* one datagram in data/len, meta describes it */
    IPPM_EV_TIMER,    /* the machine's deadline has passed */
    IPPM_EV_STOP,     /* the driver is shutting down (signal, --duration) */
    IPPM_EV_BYTES,    /* octets of a stream, in order, any split */
    IPPM_EV_CLOSED    /* the peer closed its side of the stream */
};

/* What the driver hands in. The views are valid during the call only. */
struct ippm_event {
    enum ippm_ev_kind kind;
    uint64_t now_ns;     /* driver's clock, Unix ns */
    const uint8_t *data; /* DATAGRAM, BYTES */
    size_t len;
    const struct ippm_rx_meta *meta; /* DATAGRAM: kernel time, TTL, TOS,
                                      * peer and local addresses; BYTES:
                                      * may be NULL */
};

enum ippm_act_kind {
    IPPM_ACT_NONE,          /* nothing to do */
    IPPM_ACT_SEND_DATAGRAM, /* send len octets of tx as one datagram */
    IPPM_ACT_SEND_BYTES,    /* write len octets of tx to the stream */
    IPPM_ACT_CLOSE,         /* close the stream; why says why (IPPM_OK:
                             * an orderly end) */
    IPPM_ACT_DROP,          /* the input was discarded; why names the rule */
    IPPM_ACT_DONE           /* the session is finished */
};

/* What the machine answers. Fields a kind does not name are zero, NULL
 * or -1 (tos). */
struct ippm_action {
    enum ippm_act_kind kind;
    size_t len;        /* SEND_*: octets of the caller's tx */
    enum ippm_err why; /* DROP, CLOSE: which rule; a protocol's own
                        * reasons sit in its IPPM_ERR_PROTO_* range */
    uint32_t seq;      /* the test packet's sequence number sent or
                        * matched (every datagram protocol has one) */
    int16_t tos;       /* SEND_DATAGRAM: TOS / Traffic Class to send with,
                        * -1 to leave the socket's */
    /* DATAGRAM: a view into ev->data the protocol points out (STAMP: the
     * reply's TLVs), valid during the call. */
    const uint8_t *view;
    size_t view_len;
};

/* Sets act to kind, len, why and seq, with tos -1 and no view. */
static inline void ippm_action_set(struct ippm_action *act,
                                   enum ippm_act_kind kind, size_t len,
                                   enum ippm_err why, uint32_t seq)
{
    act->kind = kind;
    act->len = len;
    act->why = why;
    act->seq = seq;
    act->tos = -1;
    act->view = NULL;
    act->view_len = 0;
}

#endif
