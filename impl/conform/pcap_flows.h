/* The flows of a capture for `ippm pcap check`: each sender/reflector
 * pair is graded apart and named in every detail (issue 9), and a
 * capture with nothing to grade lists the UDP flows it holds. */
#ifndef IPPM_PCAP_FLOWS_H
#define IPPM_PCAP_FLOWS_H

#include <stddef.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"
#include "conformance/stamp/stamp_pairing.h"
#include "impl/core/net.h"

/* Room for "A -> B". */
#define PCAP_FLOW_NAME_MAX (2 * IPPM_ADDR_STRLEN + 8)

/* One sender/reflector pair of a capture: its exchanges are the slice
 * ex[first, first + n) once grouped (pcap_flows_group). */
struct pcap_flow {
    struct ippm_addr snd, refl;
    size_t first, n;
    uint64_t replies;       /* datagrams from refl to snd */
    uint64_t unmatched;     /* those that answer no request */
};

/* "A -> B", for the flow from a to b, into out (cap octets). */
void pcap_flow_name(const struct ippm_addr *a, const struct ippm_addr *b,
                    char *out, size_t cap);

/* Orders *ex (n_ex exchanges of the datagrams d, n, paired at port) flow
 * by flow, in the order each flow first sends and capture order within
 * one, and lists the flows into *out (malloc'd, *n_out entries). Pairing
 * only joins a reply to a request of its own flow, so each slice is what
 * pairing that flow alone gives. *ex is replaced by a malloc'd array.
 * Returns 0, or -1 when out of memory (*ex untouched). */
int pcap_flows_group(const struct stamp_dgram *d, size_t n, uint16_t port,
                     struct ippm_exchange **ex, size_t n_ex,
                     struct pcap_flow **out, size_t *n_out);

/* Every UDP flow of d (n datagrams), the first few in full: "A -> B (3
 * datagrams, 14-41 octets), ..." into out (cap octets). */
void pcap_flows_seen(const struct stamp_dgram *d, size_t n, char *out,
                     size_t cap);

/* Puts "NAME: " before the detail of each of res (n results). */
void pcap_flows_name_details(struct ippm_case_result *res, size_t n,
                             const char *name);

#endif
