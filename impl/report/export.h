/* --metrics (Prometheus, metrics_http.h) and --agentx (SNMP,
 * snmp_agentx.h) for any driver: the two options, and starting and
 * stopping the exporters over the driver's registry (metrics.h). Which
 * series a protocol exports is its own business (impl/stamp/metrics.h). */
#ifndef IPPM_EXPORT_H
#define IPPM_EXPORT_H

#include <stdbool.h>

#include "impl/report/metrics.h"
#include "impl/report/metrics_http.h"
#include "impl/report/snmp_agentx.h"

/* The two options, as parsed. NULL: not given. */
struct ippm_export_opts {
    const char *metrics; /* --metrics ADDR:PORT */
    const char *agentx;  /* --agentx SOCKET */
};

/* Usage lines for --metrics and --agentx, for a driver's --help. */
#define IPPM_EXPORT_USAGE                                                      \
    "  --metrics ADDR:PORT    serve Prometheus metrics on http://ADDR:PORT/"   \
    "metrics\n"                                                                \
    "                         (127.0.0.1:9100, [::1]:9100, :9100 for all)\n"   \
    "  --agentx SOCKET        export the counters over SNMP as an AgentX\n"    \
    "                         sub-agent of the master at SOCKET\n"             \
    "                         (/var/agentx/master, tcp:127.0.0.1:705)\n"

/* Checks --metrics' syntax at parse time: 0, or -1 after one line. */
int ippm_export_check_metrics(const char *arg);

/* The exporters of one driver. */
struct ippm_export {
    bool on;
    struct ippm_metrics_http *http;
    struct ippm_agentx *ax;
};

/* Starts what o asks for over reg (whose series are all added). Returns
 * -1 when running (or nothing asked), else the exit status after one
 * line on stderr: IPPM_EXIT_USAGE for a bad value, IPPM_EXIT_RUNTIME when
 * the port is taken or a thread cannot start. */
int ippm_export_start(struct ippm_export *e, const struct ippm_metrics *reg,
                      const struct ippm_export_opts *o);

/* Stops both; safe on a never-started e. */
void ippm_export_stop(struct ippm_export *e);

#endif
