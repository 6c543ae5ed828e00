#include "ippm_addr.h"

#include <string.h>

/* see ippm_addr.h */
bool ippm_addr_equal(const struct ippm_addr *a, const struct ippm_addr *b)
{
    size_t n = a->family == IPPM_AF_INET ? 4 : 16;
    return a->family == b->family && a->port == b->port &&
           memcmp(a->ip, b->ip, n) == 0 &&
           (a->family != IPPM_AF_INET6 || a->scope_id == b->scope_id);
}

/* see ippm_addr.h */
bool ippm_addr_is_link_local(const struct ippm_addr *a)
{
    return a->family == IPPM_AF_INET6 && a->ip[0] == 0xfe &&
           (a->ip[1] & 0xc0) == 0x80;
}

/* see ippm_addr.h */
size_t ippm_addr_key(uint8_t k[IPPM_ADDR_KEY_LEN], const struct ippm_addr *a)
{
    memset(k, 0, IPPM_ADDR_KEY_LEN);
    k[0] = a->family;
    memcpy(k + 1, a->ip, a->family == IPPM_AF_INET ? 4 : 16);
    if (a->family == IPPM_AF_INET6) {
        k[17] = (uint8_t)(a->scope_id >> 24);
        k[18] = (uint8_t)(a->scope_id >> 16);
        k[19] = (uint8_t)(a->scope_id >> 8);
        k[20] = (uint8_t)a->scope_id;
    }
    return IPPM_ADDR_KEY_LEN;
}

static const uint8_t v4mapped[12] = {[10] = 0xff, [11] = 0xff};

/* see ippm_addr.h */
void ippm_addr_source_key(uint8_t k[IPPM_ADDR_SOURCE_KEY_LEN],
                          const struct ippm_addr *peer)
{
    ippm_addr_key(k, peer);
    if (peer->family == IPPM_AF_INET6 && memcmp(peer->ip, v4mapped, 12) != 0 &&
        !ippm_addr_is_link_local(peer))
        memset(k + 1 + 8, 0, 8);
}

/* see ippm_addr.h */
bool ippm_addr_in_prefix(const struct ippm_addr *a,
                         const struct ippm_addr *net, unsigned len)
{
    const uint8_t *ip = a->ip;
    uint8_t family = a->family;
    if (family == IPPM_AF_INET6 && memcmp(ip, v4mapped, 12) == 0) {
        ip += 12;
        family = IPPM_AF_INET;
    }
    if (family != net->family || family == IPPM_AF_NONE ||
        len > (family == IPPM_AF_INET ? 32u : 128u))
        return false;
    size_t whole = len / 8;
    unsigned rest = len % 8;
    if (memcmp(ip, net->ip, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (ip[whole] & mask) == (net->ip[whole] & mask);
}
