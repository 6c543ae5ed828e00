#include "ippm_addr.h"

#include <string.h>

/* see ippm_addr.h */
bool ippm_addr_equal(const struct ippm_addr *a, const struct ippm_addr *b)
{
    size_t n = a->family == IPPM_AF_INET ? 4 : 16;
    return a->family == b->family && a->port == b->port &&
           memcmp(a->ip, b->ip, n) == 0;
}
