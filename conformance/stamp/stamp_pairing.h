/* STAMP request/reply pairing: captured UDP datagrams into the
 * struct ippm_exchange list the catalogue grades.
 *
 * Pure C: no I/O, no allocation. The caller owns every array (the
 * datagrams, the exchanges, the flow scratch space) and says how large
 * it is; an array too small is IPPM_ERR_NOSPACE, never a silent cut.
 * The exchanges point into the datagrams' bytes, which must outlive them.
 * Field offsets come from proto/stamp's layout table. */
#ifndef IPPM_STAMP_PAIRING_H
#define IPPM_STAMP_PAIRING_H

#include <stddef.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"
#include "proto/common/ippm_err.h"
#include "proto/stamp/stamp.h"

/* One UDP datagram as captured. */
struct stamp_dgram {
    const uint8_t *data;
    size_t len;
    uint64_t ts_ns;             /* capture time */
    struct ippm_addr src, dst;
    int16_t ttl;                /* IP TTL / Hop Limit, -1 unknown */
    int16_t tos;                /* IPv4 TOS / IPv6 Traffic Class, -1 unknown */
    bool src_mac_known;         /* link-layer source, RFC 8972 §4.2.2 */
    uint8_t src_mac[6];
};

/* The shortest datagram the port detection counts: a TWAMP-Light test
 * packet's Sequence Number, Timestamp and Error Estimate (RFC 5357
 * §4.1.2), the least a sender sends; reflectors in the wild send 41
 * octets and fewer, not STAMP's 44 (RFC 8762 §4.3). */
#define STAMP_PAIRING_MIN_TEST_LEN 14

/* Scratch space of stamp_pairing_detect_port: one per distinct
 * (source, destination) of the datagrams, at most one per datagram. */
struct stamp_flow {
    struct ippm_addr src, dst;
    uint64_t n;                 /* test-sized datagrams */
    uint64_t first_ns;          /* first of them */
};

/* What the pairing saw. */
struct stamp_pairing_counts {
    uint64_t requests;          /* datagrams to the reflector port */
    uint64_t replies;           /* datagrams from it */
    uint64_t matched;           /* replies attached to a request */
    uint64_t duplicates;        /* replies to an answered request */
    uint64_t unmatched;         /* replies that answer no request */
};

/* How one reply was taken by stamp_pairing_reply. */
enum stamp_pairing_fate {
    STAMP_PAIRING_MATCHED,      /* first reply of its exchange */
    STAMP_PAIRING_DUPLICATE,    /* counted in its exchange's n_replies */
    STAMP_PAIRING_UNMATCHED     /* answers no request */
};

/* The reflector's port in d (n datagrams): the default port 862 when any
 * datagram goes to it; else the port that receives datagrams of
 * STAMP_PAIRING_MIN_TEST_LEN octets or more
 * and answers them (for each pair of opposite flows, the side spoken to
 * first), 862 winning a tie. *port is 0 when nothing looks like an
 * exchange. flows (flow_cap entries) is scratch space; n entries always
 * suffice. Returns IPPM_OK, or IPPM_ERR_NOSPACE (flows too small; *port
 * untouched). */
enum ippm_err stamp_pairing_detect_port(const struct stamp_dgram *d, size_t n,
                                        struct stamp_flow *flows,
                                        size_t flow_cap, uint16_t *port);

/* True when dg goes to the reflector at port (a request), false for a
 * reply or a datagram between two ports that are both port. */
bool stamp_pairing_is_request(const struct stamp_dgram *dg, uint16_t port);

/* True when dg comes from the reflector at port (a reply). */
bool stamp_pairing_is_reply(const struct stamp_dgram *dg, uint16_t port);

/* How many requests to port d holds: the exchanges stamp_pairing_run
 * needs. */
size_t stamp_pairing_count_requests(const struct stamp_dgram *d, size_t n,
                                    uint16_t port);

/* Attaches one reply to ex (n_ex exchanges, requests of every flow) and
 * says how: the first unanswered request of the reply's flow (its 4-tuple
 * reversed) whose Sequence Number equals the reply's Session-Sender
 * Sequence Number (RFC 8762 §4.3, offsets of mode), unless its
 * Timestamp differs from the reply's Session-Sender Timestamp and the
 * one request of the flow with that Timestamp is unanswered: then that
 * request (pairing by content: a wrong copy of the number is graded by
 * the copy case, not read as a lost packet); else, when an
 * answered one has that number, a duplicate of the latest such; else,
 * when no request has the number (a reply too short to carry it, or a
 * wrong copy), the latest unanswered request of the flow sent before the
 * reply, so the catalogue can grade the copy; else unmatched. */
enum stamp_pairing_fate stamp_pairing_reply(struct ippm_exchange *ex,
                                            size_t n_ex,
                                            const struct stamp_dgram *rep,
                                            enum stamp_mode mode);

/* Pairs a whole capture: one exchange per request to port, in capture
 * order, into ex (ex_cap entries, written to *n_ex), then every reply
 * from port in capture order through stamp_pairing_reply; tallies into
 * *counts. The exchanges point into d's bytes. Returns IPPM_OK, or
 * IPPM_ERR_NOSPACE when ex_cap is below stamp_pairing_count_requests
 * (nothing written). */
enum ippm_err stamp_pairing_run(const struct stamp_dgram *d, size_t n,
                                uint16_t port, enum stamp_mode mode,
                                struct ippm_exchange *ex, size_t ex_cap,
                                size_t *n_ex,
                                struct stamp_pairing_counts *counts);

/* The reply timeout of a capture: a request with no reply sent less than
 * this before the capture ended may still have been answered. */
#define STAMP_PAIRING_REPLY_TIMEOUT_NS 1000000000ull

/* Marks in flight (ippm_exchange.in_flight) every exchange of ex (n_ex,
 * requests in capture order) that has no reply, was sent less than
 * timeout_ns before end_ns (the capture's last datagram) and after every
 * reply seen on its flow: a capture cut right after a request says
 * nothing of its reply. Returns how many it marked. */
size_t stamp_pairing_mark_in_flight(struct ippm_exchange *ex, size_t n_ex,
                                    uint64_t end_ns, uint64_t timeout_ns);

#endif
