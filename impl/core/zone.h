/* Zones of IPv6 link-local addresses as people type them (RFC 4007 §11):
 * fe80::1%eth0, fe80::1%2. Every command reads them through
 * ippm_cli_addr; this is the part that knows interfaces. */
#ifndef IPPM_ZONE_H
#define IPPM_ZONE_H

#include <stddef.h>
#include <stdint.h>

enum ippm_zone_rc {
    IPPM_ZONE_OK,
    IPPM_ZONE_SYNTAX, /* an empty zone ("fe80::1%") */
    IPPM_ZONE_NO_IF   /* no interface of that name or index on this host */
};

/* Cuts "%zone" off host in place and puts the interface's index in
 * *scope (0 when host has no zone). The zone is an interface name
 * (if_nametoindex) or its decimal index. On failure err gets one line
 * naming the zone and host. */
enum ippm_zone_rc ippm_zone_split(char *host, uint32_t *scope, char *err,
                                  size_t err_len);

/* The zone as people read it: the interface's name, else its index in
 * decimal (an interface gone since). Returns buf. */
const char *ippm_zone_name(uint32_t scope, char *buf, size_t len);

#endif
