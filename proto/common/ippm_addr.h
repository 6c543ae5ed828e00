/* Addresses and receive metadata, without sockaddr: proto never sees the
 * socket API, so the driver converts at the edge (impl/core/net.c). */
#ifndef IPPM_ADDR_H
#define IPPM_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ippm_family { IPPM_AF_NONE = 0, IPPM_AF_INET = 4, IPPM_AF_INET6 = 6 };

struct ippm_addr {
    uint8_t family;  /* enum ippm_family */
    uint8_t ip[16];  /* IPv4 in the first four octets */
    uint16_t port;   /* host order */
    /* The zone of an IPv6 link-local address (RFC 4007 §11: fe80::1%eth0),
     * as the kernel's interface index (sin6_scope_id); 0 = none. The same
     * link-local address on two links is two addresses. */
    uint32_t scope_id;
};

/* The IPv6 extension headers kept per datagram (RFC 8200 §4.1 allows one
 * Hop-by-Hop, two Destination Options and one Routing header before the
 * upper layer); any beyond are not reported. */
#define IPPM_RX_EXT_HDRS 4

/* One IPv6 extension header as the kernel received it, whole: Next
 * Header, Hdr Ext Len, then the rest ((Hdr Ext Len + 1) * 8 octets). */
struct ippm_rx_ext_hdr {
    const uint8_t *p;  /* into the driver's receive buffers: valid only
                        * while the datagram is being handled */
    uint16_t len;      /* octets at p */
    uint8_t kind;      /* its protocol number: 0 Hop-by-Hop, 43 Routing,
                        * 60 Destination Options */
};

/* What the driver knows about a received datagram. */
struct ippm_rx_meta {
    uint64_t rx_ns;        /* kernel receive time, Unix ns on the driver's clock */
    int16_t ttl;           /* IPv4 TTL or IPv6 Hop Limit; -1 when unknown */
    int16_t tos;           /* IPv4 TOS / IPv6 Traffic Class; -1 when unknown */
    struct ippm_addr peer; /* source of the datagram */
    struct ippm_addr local;/* destination it was sent to (family NONE if unknown) */
    bool from_host;        /* came in on the loopback interface: this host
                            * sent it, from any of its addresses */
    uint8_t n_ext_hdrs;    /* IPv6 extension headers received, in packet
                            * order (0 for IPv4, or when none) */
    struct ippm_rx_ext_hdr ext_hdrs[IPPM_RX_EXT_HDRS];
};

/* Same family, address, port and (IPv6) zone. */
bool ippm_addr_equal(const struct ippm_addr *a, const struct ippm_addr *b);

/* True for an IPv6 link-local unicast address (fe80::/10), which needs
 * a zone to be reached or bound. */
bool ippm_addr_is_link_local(const struct ippm_addr *a);

/* An address without its port, as a hash-table key: the family octet,
 * 16 octets (an IPv4 address in the first four, the rest zero, as
 * ippm_addr_equal ignores them), then the zone, 4 octets big-endian.
 * Returns IPPM_ADDR_KEY_LEN. */
#define IPPM_ADDR_KEY_LEN 21
size_t ippm_addr_key(uint8_t k[IPPM_ADDR_KEY_LEN], const struct ippm_addr *a);

/* The source a server counts a peer as, for its per-source limits (the
 * STAMP reflector's sessions, every server's rate limit): an IPv4 address;
 * an IPv6 address's /64, which one host usually holds whole (SLAAC,
 * privacy addresses) and can send from any address of, as rate limits of
 * IPv6 commonly count; but an IPv4-mapped address (::ffff:0:0/96) whole,
 * as it is one IPv4 host, and a link-local one (fe80::/10) whole with its
 * zone, as every host on a link shares fe80::/64. The key is laid out as
 * ippm_addr_key's. */
#define IPPM_ADDR_SOURCE_KEY_LEN IPPM_ADDR_KEY_LEN
void ippm_addr_source_key(uint8_t k[IPPM_ADDR_SOURCE_KEY_LEN],
                          const struct ippm_addr *peer);

/* True when a lies in the prefix net/len of its family (len bits; 0
 * matches the whole family). An IPv4-mapped IPv6 address (::ffff:a.b.c.d,
 * a dual-stack socket's IPv4 peer) is the IPv4 address: IPv4 prefixes
 * match it, IPv6 ones never do. */
bool ippm_addr_in_prefix(const struct ippm_addr *a,
                         const struct ippm_addr *net, unsigned len);

#endif
