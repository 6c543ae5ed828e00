#include "zone.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The index of an all-digit zone, or 0 when zone is not all digits. */
static unsigned long zone_number(const char *zone)
{
    if (zone[strspn(zone, "0123456789")] != '\0')
        return 0;
    return strtoul(zone, NULL, 10);
}

/* see zone.h */
enum ippm_zone_rc ippm_zone_split(char *host, uint32_t *scope, char *err,
                                  size_t err_len)
{
    char *pct = strchr(host, '%');
    *scope = 0;
    if (!pct)
        return IPPM_ZONE_OK;
    const char *zone = pct + 1;
    if (!*zone) {
        snprintf(err, err_len, "'%s' has an empty zone after '%%'", host);
        return IPPM_ZONE_SYNTAX;
    }
    unsigned long n = zone_number(zone);
    char name[IF_NAMESIZE];
    unsigned idx = n && n <= UINT32_MAX && if_indextoname((unsigned)n, name)
                       ? (unsigned)n
                       : if_nametoindex(zone);
    if (idx == 0) {
        snprintf(err, err_len, "no interface '%s' on this host (zone of '%s')",
                 zone, host);
        return IPPM_ZONE_NO_IF;
    }
    *pct = '\0';
    *scope = idx;
    return IPPM_ZONE_OK;
}

/* see zone.h */
const char *ippm_zone_name(uint32_t scope, char *buf, size_t len)
{
    char name[IF_NAMESIZE];
    if (if_indextoname(scope, name))
        snprintf(buf, len, "%s", name);
    else
        snprintf(buf, len, "%u", (unsigned)scope);
    return buf;
}
