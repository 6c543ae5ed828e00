/* Addresses and receive metadata, without sockaddr: proto never sees the
 * socket API, so the driver converts at the edge (impl/core/net.c). */
#ifndef IPPM_ADDR_H
#define IPPM_ADDR_H

#include <stdbool.h>
#include <stdint.h>

enum ippm_family { IPPM_AF_NONE = 0, IPPM_AF_INET = 4, IPPM_AF_INET6 = 6 };

struct ippm_addr {
    uint8_t family;  /* enum ippm_family */
    uint8_t ip[16];  /* IPv4 in the first four octets */
    uint16_t port;   /* host order */
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
};

/* Same family, address and port. */
bool ippm_addr_equal(const struct ippm_addr *a, const struct ippm_addr *b);

#endif
