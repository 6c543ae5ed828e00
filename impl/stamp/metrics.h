/* What `ippm stamp reflector` and `ippm stamp sender` export with
 * --metrics and --agentx (impl/report/export.h): the series, their names
 * and OIDs (packaging/IPPM-MIB.txt documents the OIDs), and publishing a
 * driver's counters into them.
 *
 * A driver keeps its own plain counters on the packet path and publishes
 * them after each batch; everything here is a no-op unless one of the two
 * options was given. */
#ifndef IPPM_STAMP_METRICS_H
#define IPPM_STAMP_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/stamp/stamp.h"
#include "metrics.h"
#include "impl/report/export.h"

/* ---- the reflector ---- */

struct stamp_refl_metrics {
    struct ippm_metrics reg;
    struct ippm_metric *received, *sent, *send_failed, *hmac, *sessions,
        *evicted, *refused, *rate_sources, *rate_forgotten;
    struct ippm_metric *drop_by[STAMP_ERR_COUNT_];
};

/* The driver's own counters, as it keeps them. */
struct stamp_refl_sample {
    uint64_t received, replied, send_failed;
    const uint64_t *drop_by; /* STAMP_ERR_COUNT_ entries */
    uint64_t sessions, evicted, refused;   /* the stateful table */
    uint64_t rate_sources, rate_forgotten; /* --rate-limit's table */
};

void stamp_refl_metrics_init(struct stamp_refl_metrics *m);

/* Publishes s (summed over worker threads by the driver). */
void stamp_refl_metrics_publish(struct stamp_refl_metrics *m,
                                const struct stamp_refl_sample *s);

/* ---- the sender ---- */

struct stamp_send_metrics {
    struct ippm_metrics reg;
    struct ippm_metric *sent, *received, *duplicates, *reordered, *hmac,
        *send_failed, *icmp, *short_replies;
    struct ippm_metric *drop_by[STAMP_ERR_COUNT_];
    struct ippm_summary_metric rtt;
    uint64_t rtt_published_ns; /* driver clock of the last quantiles */
};

/* peer ("192.0.2.1:862") and ssid label the RTT summary. */
void stamp_send_metrics_init(struct stamp_send_metrics *m, const char *peer,
                             uint16_t ssid);

/* Publishes the sender's counters and the RTT summary's sum and count;
 * its quantiles only when force is set or STAMP_RTT_PUBLISH_NS passed
 * since the last time (sorting the window on every reply would cost too
 * much at high rates). Returns true when quantiles lag: the driver should
 * come back within STAMP_RTT_PUBLISH_NS. */
#define STAMP_RTT_PUBLISH_NS 100000000ull
bool stamp_send_metrics_publish(struct stamp_send_metrics *m,
                                const struct stamp_sender_counters *c,
                                uint64_t send_failed, uint64_t icmp_errors,
                                uint64_t now_ns, bool force);

#endif
