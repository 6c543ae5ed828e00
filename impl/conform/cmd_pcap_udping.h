/* ippm pcap check on UDPing captures (cmd_pcap_udping.c), called by
 * cmd_pcap.c before its STAMP pairing. Private to impl/conform/. */
#ifndef IPPM_CMD_PCAP_UDPING_H
#define IPPM_CMD_PCAP_UDPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "conformance/ippm_conform.h"
#include "impl/conform/cmd_pcap.h"

struct udping_pcap;

/* Looks for UDPing version-1 datagrams in cap (to o->port only, when
 * given; on any port otherwise) and for the statsd datagrams a receiver
 * sent about them. *out is NULL when there are none (the capture is
 * another protocol's). Returns 0, or an IPPM_EXIT_ status after one line
 * on stderr. cap must outlive *out. */
int udping_pcap_load(const struct check_opts *o, const struct capture *cap,
                     struct udping_pcap **out);

/* Grades the roles o asks for (sender: the datagrams; reflector: the
 * receiver's reports) into *res (calloc'd, *n), and replays the
 * datagrams through proto/udping's receiver at the capture's times.
 * Returns 0 or an IPPM_EXIT_ status after one line on stderr. */
int udping_pcap_grade(struct udping_pcap *p, const struct check_opts *o,
                      struct ippm_case_result **res, size_t *n);

/* What the capture held, the sessions the replay reported (one JSON
 * line each, the original server's format) and how they agree with the
 * statsd datagrams the receiver sent. */
void udping_pcap_summary(FILE *f, const struct udping_pcap *p, bool verbose);

/* True, after one line on stderr, when every case of res is n/a. */
bool udping_pcap_nothing_graded(const struct udping_pcap *p,
                                const struct ippm_case_result *res, size_t n);

void udping_pcap_free(struct udping_pcap *p);

#endif
