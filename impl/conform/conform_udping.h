/* ippm conform udping-sender, and the self-test's run of ippm's own
 * UDPing sender (conform_udping.c). Private to impl/conform/. */
#ifndef IPPM_CONFORM_UDPING_H
#define IPPM_CONFORM_UDPING_H

#include <stddef.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"
#include "impl/conform/conform_cmd.h"

/* Listens on local (NULL: every address) and port for duration_ns (0:
 * until o->timeout_ns passes without a datagram, default 10 s) or
 * o->count datagrams, then grades them with the UDPing sender cases and
 * writes o's reports. name prefixes messages. Returns the exit status:
 * IPPM_EXIT_NOTHING when no datagram came. */
int conform_udping_sender(const struct conform_opts *o,
                          const struct ippm_addr *local, uint16_t port,
                          uint64_t duration_ns, const char *name);

/* ippm's own sender (`ippm udping client` as a child process, three
 * source ports, -d 5 -i 1 -m 300 for 2.5 s, --seed seed) into a listener
 * on 127.0.0.1, graded: the results into *res (calloc'd, *n cases). */
int conform_udping_self(const struct conform_opts *o, uint64_t seed,
                        struct ippm_case_result **res, size_t *n);

#endif
