/* A streaming distribution's summary (proto/common/ippm_stats.h) in a
 * JSON report, the same object in every sender's --json: STAMP's rtt_ms,
 * TWAMP's and OWAMP's delays. */
#ifndef IPPM_SUMMARY_H
#define IPPM_SUMMARY_H

#include <jansson.h>

#include "proto/common/ippm_stats.h"

/* {"n", "min", "avg", "median", "p95", "p99", "max", "stddev"} of s (ns)
 * in ms; with no sample n 0 and every figure null, not 0. A new
 * reference, NULL on ENOMEM. */
json_t *ippm_json_summary_ms(const struct ippm_summary *s);

#endif
