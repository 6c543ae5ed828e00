/* The UDP socket of one test session on a server: bound to the address
 * the control connection reached, on a port of --test-ports (or any),
 * with the kernel's receive metadata (impl/core/net.h). */
#ifndef IPPM_OWTW_TESTPORT_H
#define IPPM_OWTW_TESTPORT_H

#include <stddef.h>
#include <stdint.h>

#include "impl/core/net.h"

/* Opens s on local (its port ignored): want when it is in [lo, hi] (or
 * any range when lo is 0) and free, else the first free port of [lo, hi]
 * from a pseudo-random start, else (lo 0) an ephemeral one. Returns 0,
 * or -1 with the reason in err (every port of the range taken). */
int owtw_testport_open(struct ippm_sock *s, const struct ippm_addr *local,
                       uint16_t lo, uint16_t hi, uint16_t want, char *err,
                       size_t err_len);

#endif
