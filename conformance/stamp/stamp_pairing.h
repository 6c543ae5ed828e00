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
    uint64_t answered;          /* of them, those the opposite flow answers */
    uint64_t port_score;        /* first flow to its port: the port's score */
};

/* The hash slots stamp_pairing_detect_port needs beside flow_cap flows. */
#define STAMP_PAIRING_DETECT_SLOTS(flow_cap) (2 * (size_t)(flow_cap) + 1)

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
 * exchange. flows (flow_cap entries; n always suffice) and slots
 * (n_slots, at least STAMP_PAIRING_DETECT_SLOTS(flow_cap)) are scratch
 * space: a hash table of the flows, so that a capture of many flows is
 * still read in linear time. Returns IPPM_OK, or IPPM_ERR_NOSPACE (flows
 * or slots too small; *port untouched). */
enum ippm_err stamp_pairing_detect_port(const struct stamp_dgram *d, size_t n,
                                        struct stamp_flow *flows,
                                        size_t flow_cap, uint32_t *slots,
                                        size_t n_slots, uint16_t *port);

/* True when dg goes to the reflector at port (a request), false for a
 * reply or a datagram between two ports that are both port. */
bool stamp_pairing_is_request(const struct stamp_dgram *dg, uint16_t port);

/* True when dg comes from the reflector at port (a reply). */
bool stamp_pairing_is_reply(const struct stamp_dgram *dg, uint16_t port);

/* How many requests to port d holds: the exchanges stamp_pairing_run
 * needs. */
size_t stamp_pairing_count_requests(const struct stamp_dgram *d, size_t n,
                                    uint16_t port);

/* One slot of a stamp_pairing_index: the requests that share a key, in
 * the order they were added, chained through the index's next array.
 * Each field is an exchange index plus one; 0 is none. */
struct stamp_pairing_slot {
    uint32_t head;          /* first request with the key */
    uint32_t tail;          /* last one, where the next is appended */
    uint32_t open;          /* every request before it is answered */
};

/* One flow of a stamp_pairing_index: its requests in order, and a stack
 * of those sent before the flow's latest reply, for the reply that names
 * no request (it answers the latest unanswered one). Fields holding an
 * exchange are its index plus one; 0 is none. */
struct stamp_pairing_flow {
    uint32_t head, tail;    /* every request of the flow */
    uint32_t pushed;        /* the last one put on the stack */
    uint32_t top;           /* the stack's top */
    uint64_t last_ns;       /* the reply the stack was built for */
    bool ordered;           /* requests added in time order */
};

/* The requests of the exchanges by (flow, Sequence Number), by (flow,
 * Timestamp) and by flow, so that a reply finds its request without a
 * scan over every exchange (issue 10: pairing was quadratic). Open
 * addressing over the caller's arrays, at most half full. */
struct stamp_pairing_index {
    struct stamp_pairing_slot *slot;  /* half by number, half by Timestamp */
    size_t n_slots;
    struct stamp_pairing_flow *flow;
    size_t n_flows;
    uint32_t *next;         /* per exchange: the chains and the stacks */
    size_t ex_cap;
    size_t n_added;         /* exchanges [0, n_added) are in the index */
    enum stamp_mode mode;   /* where the fields are */
};

/* The slots, flows and next entries a stamp_pairing_index of ex_cap
 * exchanges needs (constant expressions, for arrays sized at compile
 * time). */
#define STAMP_PAIRING_INDEX_SLOTS(ex_cap) (4 * (size_t)(ex_cap) + 8)
#define STAMP_PAIRING_INDEX_FLOWS(ex_cap) (2 * (size_t)(ex_cap) + 4)
#define STAMP_PAIRING_INDEX_NEXT(ex_cap) (4 * (size_t)(ex_cap))

/* A hash of the flow from src to dst, for tables of flows. */
uint64_t stamp_pairing_flow_hash(const struct ippm_addr *src,
                                 const struct ippm_addr *dst);

/* Makes ix an empty index for up to ex_cap exchanges of packets of mode,
 * over slots, flows and next (n_slots, n_flows and n_next entries, at
 * least STAMP_PAIRING_INDEX_SLOTS, _FLOWS and _NEXT), which the caller
 * owns and keeps while ix is used. Clears slots and flows. Returns
 * IPPM_OK, IPPM_ERR_NOSPACE (an array too small) or IPPM_ERR_BAD_ARG
 * (ex_cap of 2^32 - 1 or more). */
enum ippm_err stamp_pairing_index_init(struct stamp_pairing_index *ix,
                                       struct stamp_pairing_slot *slots,
                                       size_t n_slots,
                                       struct stamp_pairing_flow *flows,
                                       size_t n_flows, uint32_t *next,
                                       size_t n_next, size_t ex_cap,
                                       enum stamp_mode mode);

/* Adds the request of ex[ix->n_added], the next exchange in order, to
 * ix. Returns IPPM_OK, or IPPM_ERR_NOSPACE when ix holds ex_cap. */
enum ippm_err stamp_pairing_index_add(struct stamp_pairing_index *ix,
                                      const struct ippm_exchange *ex);

/* Attaches one reply to ex (n_ex exchanges, requests of every flow) and
 * says how; *at is the exchange it attached to or counted the duplicate
 * in (untouched when unmatched). The exchange keeps rep->data, which must
 * outlive it. This is the one pairing of ippm: pcap check (through
 * stamp_pairing_run) and the live prober (impl/conform) both call it,
 * the prober as each reply arrives. The reply goes to the first
 * unanswered request of the reply's flow (its 4-tuple reversed) whose Sequence Number equals the reply's Session-Sender
 * Sequence Number (RFC 8762 §4.3, offsets of mode), unless its
 * Timestamp differs from the reply's Session-Sender Timestamp and the
 * one request of the flow with that Timestamp is unanswered: then that
 * request (pairing by content: a wrong copy of the number is graded by
 * the copy case, not read as a lost packet); else, when an
 * answered one has that number, a duplicate of the latest such; else,
 * when no request has the number (a reply too short to carry it, or a
 * wrong copy), the latest unanswered request of the flow sent before the
 * reply, so the catalogue can grade the copy; else unmatched. ix indexes
 * ex[0, n_ex) (stamp_pairing_index_add) and keys the packets: the number
 * and the Timestamp are found through it, in constant time, and so is
 * the latest unanswered request before a reply that names none, while
 * the flow's requests and replies come in time order (a scan when not). */
enum stamp_pairing_fate stamp_pairing_reply(struct ippm_exchange *ex,
                                            size_t n_ex,
                                            struct stamp_pairing_index *ix,
                                            const struct stamp_dgram *rep,
                                            size_t *at);

/* A new exchange in e for the request dg: its bytes (kept, not copied),
 * time, addresses, TTL and TOS; no reply yet. */
void stamp_pairing_exchange_init(struct ippm_exchange *e,
                                 const struct stamp_dgram *dg);

/* Pairs a whole capture: one exchange per request to port, in capture
 * order, into ex (ex_cap entries, written to *n_ex), then every reply
 * from port in capture order through stamp_pairing_reply; tallies into
 * *counts. The exchanges point into d's bytes. ix, empty and made for
 * ex_cap exchanges of mode (stamp_pairing_index_init), is filled here.
 * Returns IPPM_OK, or IPPM_ERR_NOSPACE when ex_cap is below
 * stamp_pairing_count_requests or ix is smaller than ex_cap (nothing
 * written). */
enum ippm_err stamp_pairing_run(const struct stamp_dgram *d, size_t n,
                                uint16_t port, struct stamp_pairing_index *ix,
                                struct ippm_exchange *ex, size_t ex_cap,
                                size_t *n_ex,
                                struct stamp_pairing_counts *counts);

/* The reply timeout of a capture: a request with no reply sent less than
 * this before the capture ended may still have been answered. */
#define STAMP_PAIRING_REPLY_TIMEOUT_NS 1000000000ull

/* Marks in flight (ippm_exchange.in_flight) every exchange of ex (n_ex,
 * the requests of one flow, as stamp_flows_group slices them) that has no
 * reply, was sent less than timeout_ns before end_ns (the capture's last
 * datagram) and after every reply seen on the flow: a capture cut right
 * after a request says nothing of its reply. Linear. Returns how many it
 * marked. */
size_t stamp_pairing_mark_in_flight(struct ippm_exchange *ex, size_t n_ex,
                                    uint64_t end_ns, uint64_t timeout_ns);

/* Whether paired exchanges ex (n_ex) read as TWAMP Light's: some request
 * shorter than STAMP's base (44) answered with TWAMP Light's 41 octets
 * (RFC 5357 §4.2.1), and none with 44 or more (RFC 8762 §4.6). */
bool stamp_pairing_looks_twamp_light(const struct ippm_exchange *ex,
                                     size_t n_ex);

#endif
