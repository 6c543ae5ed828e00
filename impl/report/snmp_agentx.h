/* `--agentx SOCKET`: the series of a metrics registry that carry an SNMP
 * OID (ippm_metric_snmp), served read-only by an AgentX sub-agent (RFC
 * 2741, net-snmp's agent library) attached to a master agent such as
 * snmpd with `master agentx`.
 *
 * The OID tree is IPPM_SNMP_ROOT, documented in packaging/IPPM-MIB.txt:
 * netSnmpPlaypen.862, net-snmp's arc for private experiments, until ippm
 * has an enterprise number of its own. Each series' oid is below it.
 *
 * net-snmp is not thread-safe, so every call into it (set-up, requests,
 * shutdown) runs on the sub-agent's own thread; requests read the registry
 * through ippm_metrics_snapshot and never touch the driver's state. */
#ifndef IPPM_SNMP_AGENTX_H
#define IPPM_SNMP_AGENTX_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"

/* 1.3.6.1.4.1.8072.9999.9999.862: NET-SNMP-MIB::netSnmpPlaypen.862 */
#define IPPM_SNMP_ROOT                                                         \
    {                                                                          \
        1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 862                                \
    }
#define IPPM_SNMP_ROOT_LEN 10

/* How often the sub-agent pings the master, and retries when it is not
 * (yet) reachable, in seconds. */
#define IPPM_AGENTX_PING_S 5

struct ippm_agentx;

/* Starts the sub-agent thread: connects to the master at socket (net-snmp
 * syntax: "/var/agentx/master", "tcp:127.0.0.1:705") and registers every
 * series of reg with an OID. reg must outlive the sub-agent. A master
 * that is not there is not an error: the sub-agent says so on stderr and
 * retries every IPPM_AGENTX_PING_S. Returns NULL after printing one line
 * naming opt when the thread cannot start (*exit_rc IPPM_EXIT_RUNTIME).
 * The thread blocks every signal. */
struct ippm_agentx *ippm_agentx_start(const struct ippm_metrics *reg,
                                      const char *opt, const char *socket,
                                      int *exit_rc);

/* Detaches from the master, stops the thread and frees a. NULL is fine. */
void ippm_agentx_stop(struct ippm_agentx *a);

#endif
