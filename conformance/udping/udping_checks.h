/* UDPing checks (../shared/notes/udping.md), cited by
 * conformance/cases/udping.c. The sender checks read the datagrams of
 * obs->ex; the receiver checks what the receiver reported for them
 * (udping_obs.h). */
#ifndef IPPM_UDPING_CHECKS_H
#define IPPM_UDPING_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"
#include "conformance/udping/udping_obs.h"

#define UDPING_CHECK(name)                                                     \
    enum ippm_verdict name(const struct ippm_obs *obs,                         \
                           const struct ippm_case_arg *arg, char *detail,      \
                           size_t cap)

/* ---- helpers (udping_obs.c) ---- */

/* The datagrams are the 2017 format (udping_obs_ext.legacy). */
bool udping_obs_is_legacy(const struct ippm_obs *obs);

/* Starts a version-1 check: n/a when the observation is the 2017
 * format, which the UDPING-8- cases grade. */
#define UDPING_V1_ONLY()                                                       \
    do {                                                                       \
        if (udping_obs_is_legacy(obs))                                         \
            return stamp_na(detail, cap, "the 2017 format (notes §8): "       \
                                         "graded by the UDPING-8- cases");     \
    } while (0)

/* A datagram's version-1 fields, read from its octets whatever they
 * hold. */
struct udping_view {
    const uint8_t *p;
    size_t len;
    uint8_t version;
    int64_t start;
    char guid[UDPING_V1_GUID + 1]; /* the 20 octets, NUL-terminated here */
    bool guid_nul;                 /* octet 36 is NUL */
    uint32_t seq;
    int64_t sec, nsec;
    uint32_t size;
};

/* False when e holds no whole header (shorter than 72 octets). */
bool udping_view_of(const struct ippm_exchange *e, struct udping_view *v);

#define UDPING_NONE UINT32_MAX

/* For each datagram of obs, the one before it from the same source to
 * the same destination (a sender's port stream), or UDPING_NONE: an
 * array of obs->n_ex to free(), NULL when out of memory or empty. */
uint32_t *udping_prev_links(const struct ippm_obs *obs);

/* Datagram i of obs and the one before it on its stream (prev of
 * udping_prev_links) into v and w; false when i is its stream's first or
 * either holds no whole header. */
bool udping_pair_of(const struct ippm_obs *obs, const uint32_t *prev,
                    size_t i, struct udping_view *v, struct udping_view *w);

/* The source ports (sources: source addresses and ports) and guids (per
 * source) among ex (n datagrams), for summaries. Quadratic in the
 * worst case; stops looking back at the first match. */
void udping_tally(const struct ippm_exchange *ex, size_t n, size_t *sources,
                  size_t *guids);

/* Datagrams i and j come from the same stream. */
bool udping_same_stream(const struct ippm_exchange *a,
                        const struct ippm_exchange *b);

/* ---- the sender (udping_checks_sender.c) ---- */

/* arg.type: 0 protoVersion is 1. */
UDPING_CHECK(udping_chk_version);
/* arg.type 0: at least 72 octets; 1: at most 2000. */
UDPING_CHECK(udping_chk_length);
/* The size field holds the UDP payload length. */
UDPING_CHECK(udping_chk_size_field);
/* arg.type 0: the header's padding is zero; 1: the payload after it. */
UDPING_CHECK(udping_chk_zero);
/* arg.type 0: the guid ends in a NUL at octet 36 after 20 characters;
 * 1: its 20 characters are lowercase hex. */
UDPING_CHECK(udping_chk_guid);
/* arg.type 0: seqNum + 1 per packet within a guid; 1: across a guid
 * change (not reset). */
UDPING_CHECK(udping_chk_seq);
/* Each guid belongs to one source port and is never taken up again. */
UDPING_CHECK(udping_chk_guid_own);
/* Guids change at, and only at, epoch-aligned interval boundaries. */
UDPING_CHECK(udping_chk_guid_interval);
/* arg.type 0: clientStartTime constant per port; 1: not after the
 * first packet's sent time. */
UDPING_CHECK(udping_chk_start);
/* arg.type 0: tv_nsec in [0, 1e9) and tv_sec > 0; 1: sent times never go
 * back within a port; 2: sent within clock tolerance of when seen. */
UDPING_CHECK(udping_chk_sent);
/* Raw frames: arg.type 0 TTL 255; 1 IPv4 header checksum; 2 UDP
 * checksum. */
UDPING_CHECK(udping_chk_raw);

/* ---- the 2017 format (udping_checks_legacy.c) ---- */

/* arg.type 0: a ping has timestampCount 1, size >= 65 and = its length;
 * 1: a control packet has controlPacket 1, timestampCount 0, sent zero,
 * size and length 64; 2: its seqNum is the pings of its guid + 1;
 * 3: pings count from 1 under each guid. */
UDPING_CHECK(udping_chk_legacy);

/* ---- the receiver (udping_checks_recv.c) ---- */

/* arg.type 0: each report's count is its session's datagrams; 1: its
 * targetCount follows the sequence rule of notes §5. */
UDPING_CHECK(udping_chk_rep_counts);
/* Every session idle past the keepalive before watching ended was
 * reported. */
UDPING_CHECK(udping_chk_rep_all);
/* The latency sum and max agree with the datagrams' sent and seen times
 * (the receiver's clock reads later than the capture, by at most the
 * tolerance). */
UDPING_CHECK(udping_chk_rep_latency);
/* arg.type 0: plain statsd's five lines; 1: tagged statsd's. */
UDPING_CHECK(udping_chk_rep_statsd);

#endif
