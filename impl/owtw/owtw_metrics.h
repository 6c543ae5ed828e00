/* What `ippm twamp server` and `ippm owamp server` export with --metrics
 * (impl/report/export.h, Prometheus): control connections, test
 * sessions and test packets, by protocol ("twamp", "owamp" in the family
 * names). The driver keeps plain counters and publishes them after each
 * wakeup; nothing here runs unless --metrics was given. */
#ifndef IPPM_OWTW_METRICS_H
#define IPPM_OWTW_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "impl/report/metrics.h"
#include "proto/common/ippm_err.h"

/* The ippm_err reasons a test packet is dropped for that get a series of
 * their own; any other is counted under "other". */
#define OWTW_METRICS_DROP_REASONS 5

struct owtw_server_metrics {
    struct ippm_metrics reg;
    struct ippm_metric *accepted, *refused, *closed, *timed_out, *conns,
        *sessions, *sessions_total, *sessions_refused, *rx, *tx,
        *send_failed;
    struct ippm_metric *drop_by[OWTW_METRICS_DROP_REASONS + 1];
};

/* The driver's own counters, as it keeps them. */
struct owtw_server_sample {
    uint64_t accepted, refused, closed, timed_out; /* control connections */
    uint64_t conns;                /* open now */
    uint64_t sessions;             /* test sessions held now */
    uint64_t sessions_total;       /* accepted since start */
    uint64_t sessions_refused;     /* Accept-Session non-zero */
    uint64_t rx, tx, send_failed;  /* test packets */
    uint64_t drop_by[IPPM_ERR_COUNT_]; /* test packets dropped, by reason */
};

/* twamp: the TWAMP server's families ("ippm_twamp_server_..."), else
 * OWAMP's. */
void owtw_server_metrics_init(struct owtw_server_metrics *m, bool twamp);
void owtw_server_metrics_publish(struct owtw_server_metrics *m,
                                 const struct owtw_server_sample *s);

#endif
