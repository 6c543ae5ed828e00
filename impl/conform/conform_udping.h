/* ippm conform udping-sender, and the self-test's run of ippm's own
 * UDPing sender (conform_udping.c). Private to impl/conform/. */
#ifndef IPPM_CONFORM_UDPING_H
#define IPPM_CONFORM_UDPING_H

#include <stdbool.h>
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
 * source ports, -d 5 -i 1 -m 300 for 2.5 s, --seed seed, with legacy the
 * 2017 format) into a listener on 127.0.0.1, graded: the results into
 * *res (calloc'd, *n cases). */
int conform_udping_self(const struct conform_opts *o, uint64_t seed,
                        bool legacy, struct ippm_case_result **res,
                        size_t *n);

/* Sends the UDPing server at target three streams with losses made on
 * purpose, listens for its statsd datagrams on statsd (NULL: every
 * address) and port until every session is reported or o->timeout_ns
 * (default 10 s) passes without a report, and grades the receiver cases.
 * With res NULL, prints the table and writes o's reports (shown names
 * the target); else the results go into *res (calloc'd, *n). Returns the
 * exit status: IPPM_EXIT_NOTHING when no report came. */
int conform_udping_server(const struct conform_opts *o,
                          const struct ippm_addr *target,
                          const struct ippm_addr *statsd, uint16_t port,
                          const char *name, const char *shown,
                          struct ippm_case_result **res, size_t *n);

/* The same against `ippm udping server -k 1` (a child process) with
 * statsd, plain and tagged, to us. */
int conform_udping_server_self(const struct conform_opts *o,
                               struct ippm_case_result **res, size_t *n);

#endif
