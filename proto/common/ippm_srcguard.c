#include "ippm_srcguard.h"

/* Source ports a server refuses unless the operator allows them. Each is
 * a service that answers a datagram it did not ask for, so that a request
 * spoofed from it would make two servers answer each other for ever, or
 * makes a small datagram into a large one (the reflection and
 * amplification practice of NTP and DNS operators, US-CERT TA14-017A).
 * Sorted. */
static const uint16_t reflecting_ports[] = {
    0,     /* no service: nothing can answer it, only a spoofer sends it */
    7,     /* echo (RFC 862): answers every datagram with itself */
    13,    /* daytime (RFC 867): answers every datagram */
    17,    /* quote of the day (RFC 865): answers, larger */
    19,    /* chargen (RFC 864): answers every datagram, larger */
    37,    /* RFC 868 time service: answers every datagram */
    53,    /* DNS: answers, amplifies */
    111,   /* portmapper / rpcbind: answers, amplifies */
    123,   /* NTP: answers, amplifies (mode 7) */
    137,   /* NetBIOS name service: answers */
    161,   /* SNMP: answers, amplifies */
    389,   /* CLDAP: amplifies */
    862,   /* OWAMP-Test / TWAMP-Test / STAMP: another reflector (RFC 8762
            * §7 after RFC 8545 §6); its reply is a valid request here */
    1900,  /* SSDP: amplifies */
    5353,  /* mDNS: answers */
    11211, /* memcached: amplifies */
};

/* see ippm_srcguard.h */
bool ippm_src_port_reflects(uint16_t port)
{
    size_t n = sizeof reflecting_ports / sizeof reflecting_ports[0];
    for (size_t i = 0; i < n && reflecting_ports[i] <= port; i++)
        if (reflecting_ports[i] == port)
            return true;
    return false;
}

static bool port_allowed(const struct ippm_src_policy *p, uint16_t port)
{
    for (size_t i = 0; i < p->n_allow && i < IPPM_SRC_ALLOW_MAX; i++)
        if (p->allow[i] == port)
            return true;
    return false;
}

/* see ippm_srcguard.h */
enum ippm_err ippm_src_policy_allow(struct ippm_src_policy *p, uint16_t port)
{
    if (port == 0)
        return IPPM_ERR_BAD_ARG;
    if (port_allowed(p, port))
        return IPPM_OK;
    if (p->n_allow >= IPPM_SRC_ALLOW_MAX)
        return IPPM_ERR_NOSPACE;
    p->allow[p->n_allow++] = port;
    return IPPM_OK;
}

/* True when a is one unicast address, not unspecified nor unknown. */
static bool one_address(const struct ippm_addr *a)
{
    size_t n = a->family == IPPM_AF_INET ? 4 : 16;
    if (a->family == IPPM_AF_NONE)
        return false;
    for (size_t i = 0; i < n; i++)
        if (a->ip[i])
            return true;
    return false;
}

/* see ippm_srcguard.h */
enum ippm_src_verdict ippm_src_check(const struct ippm_src_policy *p,
                                     const struct ippm_rx_meta *m)
{
    const struct ippm_addr *peer = &m->peer;
    struct ippm_addr self = p->self;
    if (m->local.family != IPPM_AF_NONE) {
        self = m->local;
        if (p->self.port)
            self.port = p->self.port;
    }
    if (self.family != IPPM_AF_NONE && ippm_addr_equal(peer, &self))
        return IPPM_SRC_SELF;
    /* 127.0.0.2:P to 127.0.0.1:P on a socket bound to every address: the
     * reply goes to 127.0.0.2:P, which is this socket too. */
    if (m->from_host && self.port && peer->port == self.port &&
        !one_address(&p->self))
        return IPPM_SRC_SELF;
    if (port_allowed(p, peer->port))
        return IPPM_SRC_OK;
    if (self.port && peer->port == self.port)
        return IPPM_SRC_OWN_PORT;
    if (ippm_src_port_reflects(peer->port))
        return IPPM_SRC_REFLECTING_PORT;
    return IPPM_SRC_OK;
}
