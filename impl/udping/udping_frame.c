/* Raw Ethernet frames for the UDPing client (udping_frame.h). */
#include "impl/udping/udping_frame.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "impl/core/cli.h"

#define ETHERTYPE_IP4 0x0800
#define ETHERTYPE_IP6 0x86dd
#define PROTO_UDP     17
#define HOP_LIMIT     255 /* notes §3: the original's TTL */

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* see udping_frame.h */
size_t udping_frame_hdr_len(enum ippm_family fam)
{
    return UDPING_ETH_LEN + UDPING_UDP_LEN +
           (fam == IPPM_AF_INET6 ? UDPING_IP6_LEN : UDPING_IP4_LEN);
}

/* see udping_frame.h */
uint32_t udping_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    size_t i = 0;
    for (; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (i < len)
        sum += (uint32_t)p[i] << 8; /* odd last octet, padded with zero */
    /* Fold now and then so that a long chain cannot overflow. */
    return (sum & 0xffff) + (sum >> 16);
}

/* see udping_frame.h */
uint16_t udping_csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The UDP header and its checksum over the pseudo-header (RFC 768 for
 * IPv4, RFC 8200 §8.1 for IPv6) and the whole datagram. */
static void put_udp(uint8_t *udp, const struct udping_frame_ends *e,
                    size_t udp_len)
{
    put16(udp, e->src.port);
    put16(udp + 2, e->dst.port);
    put16(udp + 4, (uint32_t)udp_len);
    put16(udp + 6, 0);
    uint8_t pseudo[40];
    size_t plen;
    if (e->dst.family == IPPM_AF_INET6) {
        memcpy(pseudo, e->src.ip, 16);
        memcpy(pseudo + 16, e->dst.ip, 16);
        pseudo[32] = (uint8_t)(udp_len >> 24);
        pseudo[33] = (uint8_t)(udp_len >> 16);
        put16(pseudo + 34, (uint32_t)udp_len);
        memset(pseudo + 36, 0, 3);
        pseudo[39] = PROTO_UDP;
        plen = 40;
    } else {
        memcpy(pseudo, e->src.ip, 4);
        memcpy(pseudo + 4, e->dst.ip, 4);
        pseudo[8] = 0;
        pseudo[9] = PROTO_UDP;
        put16(pseudo + 10, (uint32_t)udp_len);
        plen = 12;
    }
    uint16_t ck = udping_csum_fold(
        udping_csum_add(udping_csum_add(0, pseudo, plen), udp, udp_len));
    /* RFC 768: a computed zero goes as all ones (the original sends 0,
     * which IPv4 reads as "no checksum" and IPv6 forbids). */
    put16(udp + 6, ck ? ck : 0xffff);
}

static void put_ip4(uint8_t *ip, const struct udping_frame_ends *e,
                    size_t udp_len)
{
    ip[0] = 0x45; /* version 4, IHL 5 */
    ip[1] = 0;    /* TOS */
    put16(ip + 2, (uint32_t)(UDPING_IP4_LEN + udp_len));
    put16(ip + 4, 0); /* ID 0 and no DF, as the original (notes §3) */
    put16(ip + 6, 0);
    ip[8] = HOP_LIMIT;
    ip[9] = PROTO_UDP;
    put16(ip + 10, 0);
    memcpy(ip + 12, e->src.ip, 4);
    memcpy(ip + 16, e->dst.ip, 4);
    put16(ip + 10, udping_csum_fold(udping_csum_add(0, ip, UDPING_IP4_LEN)));
}

static void put_ip6(uint8_t *ip, const struct udping_frame_ends *e,
                    size_t udp_len)
{
    ip[0] = 0x60; /* version 6, traffic class 0, flow label 0 */
    memset(ip + 1, 0, 3);
    put16(ip + 4, (uint32_t)udp_len);
    ip[6] = PROTO_UDP;
    ip[7] = HOP_LIMIT;
    memcpy(ip + 8, e->src.ip, 16);
    memcpy(ip + 24, e->dst.ip, 16);
}

/* see udping_frame.h */
size_t udping_frame_build(uint8_t *frame, const struct udping_frame_ends *e,
                          size_t payload_len)
{
    bool v6 = e->dst.family == IPPM_AF_INET6;
    size_t ip_len = v6 ? UDPING_IP6_LEN : UDPING_IP4_LEN;
    size_t udp_len = UDPING_UDP_LEN + payload_len;
    if (udp_len + (v6 ? 0 : ip_len) > 0xffff)
        return 0;
    memcpy(frame, e->dst_mac, UDPING_MAC_LEN);
    memcpy(frame + UDPING_MAC_LEN, e->src_mac, UDPING_MAC_LEN);
    put16(frame + 12, v6 ? ETHERTYPE_IP6 : ETHERTYPE_IP4);
    uint8_t *ip = frame + UDPING_ETH_LEN;
    put_udp(ip + ip_len, e, udp_len);
    if (v6)
        put_ip6(ip, e, udp_len);
    else
        put_ip4(ip, e, udp_len);
    return UDPING_ETH_LEN + ip_len + udp_len;
}

/* see udping_frame.h */
int udping_mac_parse(const char *s, uint8_t out[UDPING_MAC_LEN])
{
    uint8_t m[UDPING_MAC_LEN];
    for (size_t i = 0; i < UDPING_MAC_LEN; i++) {
        const char *p = s + 3 * i;
        int hi = ippm_cli_hex_digit(p[0]);
        int lo = hi < 0 ? -1 : ippm_cli_hex_digit(p[1]);
        if (lo < 0)
            return -1;
        char sep = p[2];
        if (i + 1 < UDPING_MAC_LEN ? sep != ':' && sep != '-' : sep != '\0')
            return -1;
        m[i] = (uint8_t)(hi << 4 | lo);
    }
    memcpy(out, m, UDPING_MAC_LEN);
    return 0;
}

/* see udping_frame.h */
const char *udping_mac_fmt(const uint8_t mac[UDPING_MAC_LEN], char *buf,
                           size_t len)
{
    snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
             mac[2], mac[3], mac[4], mac[5]);
    return buf;
}
