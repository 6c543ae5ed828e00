/* Statistics every sender reports, in memory that does not grow with the
 * packet count: exact counts, min, max and mean, a Welford variance, a
 * log-bucketed histogram for percentiles, RFC 4737 reordering, RFC 3393
 * IPDV and duplicate detection over a bounded window of sequence numbers.
 * Pure: the caller owns every struct; nothing allocates. */
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

/* Sorts v in place and summarises it with exact order statistics. n == 0
 * gives an all-zero summary. For a known, small set; a stream of samples
 * goes into a struct ippm_dist instead. */
void ippm_summary_compute(int64_t *v, size_t n, struct ippm_summary *out);

/* Square root by Newton's method, so proto needs no libm. */
double ippm_sqrt(double x);

/* ---- exact sums ---- */

/* A signed 128-bit sum of int64 values: exact for any count a session can
 * reach, so a mean is the same as from the whole sorted array. */
struct ippm_sum {
    uint64_t lo;
    int64_t hi;
};

/* Adds v to *s. */
void ippm_sum_add(struct ippm_sum *s, int64_t v);

/* The sum, rounded once to the nearest double. */
double ippm_sum_value(const struct ippm_sum *s);

/* ---- the histogram ---- */

/* HDR-style buckets: magnitudes below 2^(SUB_BITS+1) each have a bucket of
 * their own; above, every power of two [2^k, 2^(k+1)) splits into
 * 2^SUB_BITS buckets of equal width. A bucket is reported by its middle,
 * so a percentile is off the exact sample at that rank by at most
 * |sample| / 2^(SUB_BITS+1): with 6 bits, 1/128 = 0.79 % (within 1 %).
 * Negative values (one-way delay over unsynchronised clocks, IPDV) have
 * their own mirror-image half. */
#define IPPM_HIST_SUB_BITS 6
#define IPPM_HIST_REL_ERR_DEN (2u << IPPM_HIST_SUB_BITS) /* 1/128 */
#define IPPM_HIST_HALF ((65 - IPPM_HIST_SUB_BITS) << IPPM_HIST_SUB_BITS)

struct ippm_hist {
    uint64_t n;
    uint64_t neg[IPPM_HIST_HALF]; /* by magnitude of negative values */
    uint64_t pos[IPPM_HIST_HALF]; /* zero and up */
};

/* Empties h. */
void ippm_hist_init(struct ippm_hist *h);

/* Counts v in its bucket. */
void ippm_hist_add(struct ippm_hist *h, int64_t v);

/* The value at 1-based rank in ascending order (the middle of the bucket
 * that holds it; see IPPM_HIST_SUB_BITS). rank 0 is read as 1, a rank
 * past n as n; 0 when h is empty. */
int64_t ippm_hist_at_rank(const struct ippm_hist *h, uint64_t rank);

/* Nearest rank of the percentile ppm (parts per million: 500000 is the
 * median) among n samples: ceil(n * ppm / 1e6), at least 1. */
uint64_t ippm_rank_of(uint64_t n, uint32_t ppm);

/* ---- a distribution: exact moments plus the histogram ---- */

/* The first samples are also kept as they are: up to this many, every
 * percentile is the exact nearest-rank order statistic (short sessions
 * report what a sort would); past it, the histogram answers. */
#define IPPM_DIST_EXACT 1024u

struct ippm_dist {
    uint64_t n;
    int64_t min, max;
    struct ippm_sum sum;       /* exact: the mean */
    int64_t shift;             /* the first sample */
    double w_mean, w_m2;       /* Welford's mean (less shift) and M2 */
    struct ippm_hist hist;     /* percentiles */
    int64_t first[IPPM_DIST_EXACT]; /* the first samples, while n <= EXACT */
};

/* Empties d. */
void ippm_dist_init(struct ippm_dist *d);

/* Adds one sample. */
void ippm_dist_add(struct ippm_dist *d, int64_t v);

/* Arithmetic mean (exact sum / n, rounded once); 0 when empty. */
double ippm_dist_mean(const struct ippm_dist *d);

/* Population variance by Welford's method; 0 when empty. */
double ippm_dist_variance(const struct ippm_dist *d);

/* The percentile ppm (parts per million), nearest rank: exact while
 * n <= IPPM_DIST_EXACT; beyond, from the histogram, clamped to [min, max]
 * and within |exact| / IPPM_HIST_REL_ERR_DEN of the nearest-rank sample
 * (the lowest and highest ranks are min and max, exact). 0 when empty. */
int64_t ippm_dist_percentile(const struct ippm_dist *d, uint32_t ppm);

/* n, min, max and mean exact; median, p95, p99 as
 * ippm_dist_percentile gives them; stddev from the Welford variance. All
 * zero when empty. */
void ippm_dist_summary(const struct ippm_dist *d, struct ippm_summary *out);

/* ---- a text histogram's rows (owping -b) ---- */

/* One row: the samples in [lo, hi], inclusive. */
struct ippm_bin {
    int64_t lo, hi;
    uint64_t count;
};

/* Counts d's samples into up to n bins of equal width covering [min, max]
 * (the last may be narrower). While d->n <= IPPM_DIST_EXACT the samples
 * themselves are counted; past that, each histogram bucket by its middle,
 * clamped to [min, max], so a sample may sit one bin off when a bucket
 * (1/128 of its value wide) straddles a bin edge. The counts always sum
 * to d->n. Returns the rows written: 0 when d is empty, 1 when every
 * sample is equal, else at most n (fewer when max - min < n). Memory: none
 * beyond rows; d is read, not changed. */
size_t ippm_dist_bins(const struct ippm_dist *d, struct ippm_bin *rows,
                      size_t n);

/* ---- sequence numbers ---- */

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

/* Which sequence numbers arrived, over the IPPM_SEQWIN_SPAN numbers up to
 * the highest seen: duplicates are found there, and a number further back
 * can no longer be told apart. */
#define IPPM_SEQWIN_SPAN 4096u

struct ippm_seqwin {
    bool any;
    uint64_t top;                           /* highest number seen */
    uint64_t bits[IPPM_SEQWIN_SPAN / 64];   /* bit seq % SPAN: arrived */
};

enum ippm_seq_kind {
    IPPM_SEQ_NEW = 0,    /* first copy */
    IPPM_SEQ_DUPLICATE,  /* a copy of a number already seen */
    IPPM_SEQ_TOO_OLD     /* SPAN or more below the highest: unknown */
};

/* Empties w. */
void ippm_seqwin_init(struct ippm_seqwin *w);

/* Marks seq as arrived and says whether it is new. */
enum ippm_seq_kind ippm_seqwin_observe(struct ippm_seqwin *w, uint64_t seq);

/* RFC 3393 IPDV with consecutive sequence numbers as the selection
 * function (§3.2): the delay of packet i+1 minus that of packet i, when
 * both arrived. Feed the arrived packets in increasing sequence order. */
struct ippm_ipdv {
    bool have_prev;
    uint64_t prev_seq;
    int64_t prev_delay;
};

/* Takes packet seq's delay. Returns true with *ipdv set when seq - 1 was
 * the previous packet fed. */
bool ippm_ipdv_next(struct ippm_ipdv *p, uint64_t seq, int64_t delay,
                    int64_t *ipdv);

#endif
