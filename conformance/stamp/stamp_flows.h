/* The flows of a capture, for `ippm pcap check`: each sender/reflector
 * pair is graded apart and named in every detail (issue 9), and a
 * capture with nothing to grade lists the UDP flows it holds.
 *
 * Pure C: no I/O, no allocation. The caller owns every array and says
 * how large it is; the driver (impl/conform/cmd_pcap.c) formats the
 * addresses. */
#ifndef IPPM_STAMP_FLOWS_H
#define IPPM_STAMP_FLOWS_H

#include <stddef.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"
#include "conformance/stamp/stamp_pairing.h"
#include "proto/common/ippm_err.h"

/* One sender/reflector pair of a capture: its exchanges are the slice
 * out[first, first + n) once grouped (stamp_flows_group). */
struct stamp_flow_group {
    struct ippm_addr snd, refl;
    size_t first, n;
    uint64_t replies;       /* datagrams from refl to snd */
    uint64_t unmatched;     /* those that answer no request */
};

/* The scratch entries stamp_flows_group needs for n_ex exchanges. */
#define STAMP_FLOWS_SCRATCH(n_ex) (3 * (size_t)(n_ex) + 1)

/* Copies ex (n_ex exchanges of the datagrams d, n, paired at port) into
 * out (n_ex entries) flow by flow, in the order each flow first sends and
 * capture order within one, and lists the flows into flows (flow_cap
 * entries, *n_flows written; n_ex entries always suffice). Pairing only
 * joins a reply to a request of its own flow, so each slice is what
 * pairing that flow alone gives. scratch (scratch_len entries, at least
 * STAMP_FLOWS_SCRATCH(n_ex)) holds a hash table of the flows, so the
 * grouping is linear however many flows a capture holds. Returns IPPM_OK,
 * or IPPM_ERR_NOSPACE when flows or scratch is too small (out and flows
 * then partly written). */
enum ippm_err stamp_flows_group(const struct stamp_dgram *d, size_t n,
                                uint16_t port,
                                const struct ippm_exchange *ex, size_t n_ex,
                                struct ippm_exchange *out,
                                struct stamp_flow_group *flows,
                                size_t flow_cap, size_t *n_flows,
                                uint32_t *scratch, size_t scratch_len);

/* One UDP flow of a capture, as stamp_flows_seen describes it. */
struct stamp_flow_seen {
    struct ippm_addr src, dst;
    uint64_t n;             /* datagrams */
    size_t lo, hi;          /* shortest and longest, octets */
};

/* The first cap UDP flows of d (n datagrams), in the order they first
 * appear, into seen; *more counts the datagrams of the flows past them.
 * Returns how many it wrote. */
size_t stamp_flows_seen(const struct stamp_dgram *d, size_t n,
                        struct stamp_flow_seen *seen, size_t cap,
                        uint64_t *more);

/* Puts "NAME: " before the detail of each of res (n results). */
void stamp_flows_name_details(struct ippm_case_result *res, size_t n,
                              const char *name);

#endif
