/* Statistics every sender reports: order statistics, RFC 4737
 * reordering. Pure: callers own every array. */
#ifndef IPPM_STATS_H
#define IPPM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ippm_summary {
    uint64_t n;
    int64_t min, max, median, p95, p99; /* nearest-rank percentiles */
    double mean, stddev;                /* population standard deviation */
};

/* Sorts v ascending in place (heap sort: no libc qsort in proto). */
void ippm_sort_i64(int64_t *v, size_t n);

/* Sorts v in place and summarises it. n == 0 gives an all-zero summary. */
void ippm_summary_compute(int64_t *v, size_t n, struct ippm_summary *out);

/* Square root by Newton's method, so proto needs no libm. */
double ippm_sqrt(double x);

/* RFC 4737 §3.3: a packet is reordered when its sequence number is below
 * NextExp, the next expected number (one more than the highest seen). */
struct ippm_reorder {
    uint64_t next_exp;
    uint64_t reordered;   /* reordered singletons */
    uint64_t max_late;    /* largest NextExp - seq seen, in sequence numbers */
    uint64_t seen;
};

/* Feeds one arrival (first copies only: drop duplicates before calling).
 * Returns true when the packet is reordered. */
bool ippm_reorder_observe(struct ippm_reorder *r, uint64_t seq);

#endif
