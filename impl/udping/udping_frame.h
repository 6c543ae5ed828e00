/* Raw Ethernet frames for `ippm udping client -a` (notes §3): the
 * Ethernet, IPv4 or IPv6 and UDP headers written by hand in front of a
 * UDPing payload, for an AF_PACKET socket that bypasses routing and
 * neighbour discovery, so that each frame goes to the next hop -a names.
 *
 * IPv4 as the original: ID 0, no DF, TTL 255, the header checksum.
 * IPv6 (beyond the original): traffic class and flow label 0, next
 * header 17, hop limit 255. The UDP checksum covers the pseudo-header
 * and the whole datagram; a sum of zero is sent as 0xffff (RFC 768;
 * mandatory for IPv6, RFC 8200 §8.1). Nothing here does I/O. */
#ifndef UDPING_FRAME_H
#define UDPING_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "proto/common/ippm_addr.h"

#define UDPING_MAC_LEN   6
#define UDPING_ETH_LEN   14
#define UDPING_IP4_LEN   20
#define UDPING_IP6_LEN   40
#define UDPING_UDP_LEN   8
#define UDPING_MAX_MACS  64 /* next hops -a takes */

/* Octets in front of the payload: 42 (IPv4) or 62 (IPv6). */
size_t udping_frame_hdr_len(enum ippm_family fam);

/* Both ends of the frames: MACs, addresses (family decides IPv4 or
 * IPv6; both the same family) and UDP ports. */
struct udping_frame_ends {
    uint8_t dst_mac[UDPING_MAC_LEN];
    uint8_t src_mac[UDPING_MAC_LEN];
    struct ippm_addr src, dst; /* port: UDP source and destination */
};

/* Writes the headers into frame[0..udping_frame_hdr_len) in front of
 * the payload_len octets the caller already put at frame +
 * udping_frame_hdr_len, checksums included. Returns the frame's length,
 * or 0 when the datagram would not fit an IPv4 / IPv6 length field. */
size_t udping_frame_build(uint8_t *frame, const struct udping_frame_ends *e,
                          size_t payload_len);

/* RFC 1071 one's-complement sum of len octets (an even number but in
 * the last piece of a chain), added to sum, neither folded to 16 bits
 * nor complemented: pseudo-header and datagram chain. */
uint32_t udping_csum_add(uint32_t sum, const uint8_t *p, size_t len);

/* The folded, complemented checksum of a running sum. */
uint16_t udping_csum_fold(uint32_t sum);

/* "aa:bb:cc:dd:ee:ff" (hex digits either case, ':' or '-') into out.
 * Returns 0, or -1 when s is anything else. */
int udping_mac_parse(const char *s, uint8_t out[UDPING_MAC_LEN]);

/* "aa:bb:cc:dd:ee:ff" into buf (18 octets at least); returns buf. */
const char *udping_mac_fmt(const uint8_t mac[UDPING_MAC_LEN], char *buf,
                           size_t len);

#endif
