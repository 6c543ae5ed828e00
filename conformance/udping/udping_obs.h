/* What a UDPing observation (../shared/notes/udping.md) adds to struct
 * ippm_obs, and the offsets of the version-1 header the checks read.
 *
 * UDPing is one-way: every exchange of obs->ex is one datagram a sender
 * sent (req, req_len, req_ns, req_src, req_dst; never a reply), in the
 * order it was seen. The sender cases (IPPM_ROLE_SENDER) read those. The
 * receiver cases (IPPM_ROLE_REFLECTOR: the server) read what a receiver
 * reported for them: statsd datagrams, or JSON lines, parsed into
 * struct udping_obs_report by whoever built the obs (pcap replay, the
 * live run, a fixture). */
#ifndef IPPM_UDPING_OBS_H
#define IPPM_UDPING_OBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"

/* The version-1 header, notes §1: field offsets, as proto/udping's
 * udping_layout has them (udping_cases_test.c holds them equal; the pad
 * check reads that table's "pad" rows). The checks read the octets
 * themselves, so that a datagram the decoder refuses is still graded
 * field by field. */
#define UDPING_OFF_VERSION 0
#define UDPING_OFF_START   8
#define UDPING_OFF_GUID    16
#define UDPING_OFF_SEQ     40
#define UDPING_OFF_SEC     48
#define UDPING_OFF_NSEC    56
#define UDPING_OFF_SIZE    64
#define UDPING_V1_LEN      72
#define UDPING_V1_GUID     20
#define UDPING_V1_MAX      2000
/* The 2017 header (notes §8), as udping_legacy_layout has them. */
#define UDPING_LEG_CONTROL 24
#define UDPING_LEG_SEQ     28
#define UDPING_LEG_TSCOUNT 32
#define UDPING_LEG_SENT    40
#define UDPING_LEG_SIZE    56
#define UDPING_LEG_LEN     64

/* One captured frame's facts that the payload cannot show, per exchange
 * (udping_obs_ext.frame[i] goes with obs->ex[i]). */
struct udping_obs_frame {
    bool raw;        /* built by hand and sent on a packet socket, as the
                        original does (notes §3): captured on Ethernet,
                        IPv4, ID 0 and DF clear */
    int8_t ip_csum;  /* IPv4 header checksum: 1 good, -1 bad, 0 unknown */
    int8_t udp_csum; /* UDP checksum: 1 good, -1 bad, 0 unknown or none */
};

/* One finished session as a receiver reported it (notes §6). */
struct udping_obs_report {
    uint64_t ns;            /* when the report was seen */
    uint16_t from_port;     /* the sender's source port */
    uint16_t to_port;       /* the receiver's port */
    bool has_guid;          /* JSON lines name it; statsd does not */
    char guid[UDPING_V1_GUID + 1];
    uint64_t count, target;
    double sum_ms, sos_ms, max_ms;
    /* The statsd datagrams of the report as received, [0] plain (-s),
     * [1] tagged (-t); NULL: not sent that way (a JSON line). The format
     * cases read them. */
    const uint8_t *raw[2];
    size_t raw_len[2];
};

#define UDPING_OBS_EXT "udping"
struct udping_obs_ext {
    struct ippm_obs_ext base;   /* name UDPING_OBS_EXT */
    const struct udping_obs_frame *frame; /* obs->n_ex of them; NULL none */
    /* The sender's -i when known (a live run of our own client); 0:
     * inferred from the guid changes. */
    uint32_t interval_s;
    /* The receiver's reports, in the order seen. */
    const struct udping_obs_report *rep;
    size_t n_rep;
    bool reports_seen;          /* the receiver's output was watched: no
                                   report at all is then a finding */
    uint64_t keepalive_ns;      /* the receiver's -k; 0: inferred from
                                   the reports */
    uint64_t end_ns;            /* when watching ended (capture's end) */
    /* Latency the receiver may add to the capture's view of a datagram
     * (capture time to the receiver's clock reading); 0: the default. */
    uint64_t latency_tol_ns;
    /* The datagrams are the 2017 format (notes §8): its cases grade them,
     * version 1's are n/a (udping_obs_looks_legacy tells). */
    bool legacy;
};

/* The default of latency_tol_ns: 5 ms. The original server read its
 * clock 24 µs after the capture on average in udping-replay-statsd.pcap,
 * but up to 1.9 ms later on a loaded host (its sweep runs after every
 * datagram); a wrong unit or formula is off by orders of magnitude. */
#define UDPING_OBS_LATENCY_TOL_NS 5000000ull

/* p (len octets) has the 2017 header's shape: a printable guid and its
 * NUL first, controlPacket and timestampCount 0 or 1. */
bool udping_obs_legacy_shape(const uint8_t *p, size_t len);

/* True when most of ex (n datagrams) have the 2017 header's shape (a
 * guid and its NUL first, controlPacket and timestampCount 0 or 1) and
 * none is a version-1 datagram. */
bool udping_obs_looks_legacy(const struct ippm_exchange *ex, size_t n);

/* The ext of obs, NULL when absent. */
const struct udping_obs_ext *udping_obs_ext(const struct ippm_obs *obs);

/* Parses one statsd datagram of a UDPing receiver (plain or tagged, notes
 * §6) into r (ns and raw left to the caller) and *tagged. Returns true
 * when it is one: five metric lines naming the same sender and receiver
 * ports; the format cases judge the rest from raw. */
bool udping_obs_parse_statsd(const uint8_t *p, size_t len,
                             struct udping_obs_report *r, bool *tagged);

/* Adds the statsd datagram p (len octets, seen at ns; kept, not copied)
 * to rep (*n of cap): a tagged one that repeats a report just made with
 * the same ports and counts (-s and -t send each session both ways)
 * joins it. False when p is no such datagram or rep is full. */
bool udping_obs_add_statsd(struct udping_obs_report *rep, size_t *n,
                           size_t cap, const uint8_t *p, size_t len,
                           uint64_t ns);

/* Whether the latency a receiver reported (r: sum, sos, max) is what the
 * datagrams' sent and seen times give (seen: count, sum, sos, max), read
 * up to tol_ms later than they were seen (a capture sees a datagram
 * before the receiver reads its clock). On false, why says which. */
bool udping_obs_latency_agrees(const struct udping_obs_report *r,
                               const struct udping_obs_report *seen,
                               double tol_ms, char *why, size_t cap);

#endif
