/* RMBT UDP ping exchanges out of a capture's datagrams, on any port: the
 * servers are the addresses RP01 requests go to and RR01/RE01 replies
 * come from; each reply joins the request of its client with the same
 * octets 4..7 (the sequence the server echoes). Pure: the caller owns
 * every array. */
#ifndef IPPM_RMBT_PAIRING_H
#define IPPM_RMBT_PAIRING_H

#include <stdbool.h>
#include <stddef.h>

#include "conformance/ippm_conform.h"
#include "conformance/stamp/stamp_flows.h"
#include "conformance/stamp/stamp_pairing.h"

/* How long after its request a reply may come, as the original client
 * waits (notes §6: 5000 ms). */
#define RMBT_PAIRING_TIMEOUT_NS 5000000000ull

/* True when d is an RMBT datagram by its shape alone: 24 octets starting
 * RP01, or 8 starting RR01 or RE01. */
bool rmbt_pairing_looks_rmbt(const struct stamp_dgram *d);

/* What rmbt_pairing_run needs for n datagrams: ex 2n entries (the second
 * half is scratch), flows n, servers n. */
struct rmbt_pairing_mem {
    struct ippm_exchange *ex;
    struct stamp_flow_group *flows;
    struct ippm_addr *servers;
};

/* Pairs the n datagrams d (capture order) into mem->ex[0..*n_ex), flow
 * by flow (a client address and port to a server address and port), in
 * the order each flow first sends and capture order within one; lists the
 * flows into mem->flows (*n_flows) and counts into k. A reply that echoes
 * no request's sequence joins the latest unanswered request of its client
 * sent within a second before it (so a wrong echo is graded, not lost);
 * else it is unmatched. Requests, replies and the request octets stay d's.
 * Each reply scans back over the requests of the last 5 s (the timeout)
 * to the latest of its client; ordering by flow is linear. */
void rmbt_pairing_run(const struct stamp_dgram *d, size_t n,
                      const struct rmbt_pairing_mem *mem, size_t *n_ex,
                      size_t *n_flows, struct stamp_pairing_counts *k);

#endif
