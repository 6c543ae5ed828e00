/* Which sources a UDP server answers: the rule every ippm server applies
 * to a datagram before it replies (STAMP today; TWAMP-Test, OWAMP-Test,
 * UDPST, UDPing as they come). A server whose reply can itself be taken
 * for a request must never answer itself, nor another service that
 * answers whatever it receives: one spoofed datagram would then loop
 * forever, or be amplified at a third party's expense (issue 10 item 1).
 *
 * Pure logic, in proto/common rather than impl/core, so that a protocol's
 * state machine applies it itself (its DROP reasons, counters and fuzz
 * target then cover it, whichever driver runs it), and a driver without a
 * machine can call it all the same. */
#ifndef IPPM_SRCGUARD_H
#define IPPM_SRCGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ippm_addr.h"
#include "ippm_err.h"

#define IPPM_SRC_ALLOW_MAX 16 /* ports an operator may exempt */

enum ippm_src_verdict {
    IPPM_SRC_OK = 0,
    /* The source is the server's own address and port: its reply would
     * come back to it as a request. Never allowed. */
    IPPM_SRC_SELF,
    /* The source port is the server's own port: most likely another
     * server of the same protocol, whose answer comes back here. */
    IPPM_SRC_OWN_PORT,
    /* The source port is one of a service that answers whatever it
     * receives (ippm_src_port_reflects). */
    IPPM_SRC_REFLECTING_PORT,
    IPPM_SRC_VERDICT_COUNT_
};

/* What a server accepts. All zeroes is the safe default: every port rule
 * on, no address known beyond what each datagram's metadata says. */
struct ippm_src_policy {
    /* The address and port the server's socket is bound to. Its port is
     * the server's own; its address stands in for a datagram's local
     * address when the driver could not learn it (for a wildcard bind the
     * address is unspecified and never equals a peer). */
    struct ippm_addr self;
    /* Ports exempt from IPPM_SRC_OWN_PORT and IPPM_SRC_REFLECTING_PORT:
     * reflector-to-reflector set-ups an operator asked for. */
    uint16_t allow[IPPM_SRC_ALLOW_MAX];
    size_t n_allow;
};

/* Exempts port from the port rules (not from IPPM_SRC_SELF). Returns
 * IPPM_OK (also when it is exempt already), IPPM_ERR_BAD_ARG for port 0,
 * IPPM_ERR_NOSPACE past IPPM_SRC_ALLOW_MAX ports. */
enum ippm_err ippm_src_policy_allow(struct ippm_src_policy *p, uint16_t port);

/* True for a source port of a service known to answer any datagram, or
 * to amplify: the list and the reason for each are in ippm_srcguard.c. */
bool ippm_src_port_reflects(uint16_t port);

/* Judges a datagram by its meta: peer, local (its destination address
 * with the server's port; family IPPM_AF_NONE when unknown, then p->self
 * stands in) and from_host. Rules in order:
 *  - IPPM_SRC_SELF: the peer is local, address and port; or the server
 *    listens on every address (p->self unspecified or unknown), and a
 *    datagram this host sent (from_host) comes from its port: whichever
 *    address it names, that is this very socket;
 *  - unless the peer's port is allowed: IPPM_SRC_OWN_PORT, then
 *    IPPM_SRC_REFLECTING_PORT.
 * A protocol counts each refusal under a drop reason of its own
 * (STAMP_ERR_SELF_SOURCE ...), so reports and metrics name it. */
enum ippm_src_verdict ippm_src_check(const struct ippm_src_policy *p,
                                     const struct ippm_rx_meta *m);

#endif
