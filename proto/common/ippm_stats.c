#include "ippm_stats.h"

#include <string.h>

static void sift_down(int64_t *v, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && v[child + 1] > v[child])
            child++;
        if (v[root] >= v[child])
            return;
        int64_t t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

/* see ippm_stats.h */
void ippm_sort_i64(int64_t *v, size_t n)
{
    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(v, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        int64_t t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(v, 0, end);
    }
}

/* see ippm_stats.h */
double ippm_sqrt(double x)
{
    if (!(x > 0))
        return 0;
    double r = x >= 1 ? x : 1;
    for (int i = 0; i < 200; i++) {
        double next = 0.5 * (r + x / r);
        if (next >= r)
            break;
        r = next;
    }
    return r;
}

/* Nearest-rank percentile of a sorted, non-empty array. */
static int64_t percentile(const int64_t *sorted, size_t n, unsigned pct)
{
    size_t rank = (n * pct + 99) / 100;
    return sorted[rank ? rank - 1 : 0];
}

/* see ippm_stats.h */
void ippm_summary_compute(int64_t *v, size_t n, struct ippm_summary *out)
{
    struct ippm_summary s = {0};
    if (n == 0) {
        *out = s;
        return;
    }
    ippm_sort_i64(v, n);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)v[i];
    double mean = sum / (double)n;
    double var = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)v[i] - mean;
        var += d * d;
    }
    s.n = n;
    s.min = v[0];
    s.max = v[n - 1];
    s.median = percentile(v, n, 50);
    s.p95 = percentile(v, n, 95);
    s.p99 = percentile(v, n, 99);
    s.mean = mean;
    s.stddev = ippm_sqrt(var / (double)n);
    *out = s;
}

/* see ippm_stats.h */
void ippm_sum_add(struct ippm_sum *s, int64_t v)
{
    uint64_t lo = s->lo + (uint64_t)v;
    /* Sign-extend v to 128 bits: its high half is 0 or -1. */
    s->hi += (v < 0 ? -1 : 0) + (lo < s->lo ? 1 : 0);
    s->lo = lo;
}

/* see ippm_stats.h */
double ippm_sum_value(const struct ippm_sum *s)
{
    /* Convert the magnitude, so a small negative sum (hi = -1, lo near
     * 2^64) does not lose its low digits to rounding. */
    uint64_t lo = s->lo;
    uint64_t hi = (uint64_t)s->hi;
    bool neg = s->hi < 0;
    if (neg) {
        lo = ~lo + 1;
        hi = ~hi + (lo == 0 ? 1 : 0);
    }
    double m = (double)hi * 18446744073709551616.0 + (double)lo;
    return neg ? -m : m;
}

/* ---- histogram ---- */

/* Bits needed for m (0 for 0): six halvings, not a loop per bit, since
 * every sample of a million-packet-per-second run comes through here. */
static unsigned bit_length(uint64_t m)
{
    unsigned n = 0;
    for (unsigned step = 32; step; step /= 2) {
        if (m >> step) {
            m >>= step;
            n += step;
        }
    }
    return n + (unsigned)m;
}

/* Bucket of a magnitude: e = how far it is shifted, sub its top bits. */
static size_t bucket_of(uint64_t m)
{
    unsigned len = bit_length(m);
    unsigned e = len > IPPM_HIST_SUB_BITS + 1 ? len - (IPPM_HIST_SUB_BITS + 1)
                                               : 0;
    return ((size_t)e << IPPM_HIST_SUB_BITS) + (size_t)(m >> e);
}

/* The middle magnitude of bucket i (rounded down). */
static uint64_t bucket_middle(size_t i)
{
    size_t sub_count = (size_t)1 << IPPM_HIST_SUB_BITS;
    if (i < 2 * sub_count)
        return i; /* exact region: one magnitude per bucket */
    unsigned e = (unsigned)(i >> IPPM_HIST_SUB_BITS) - 1;
    uint64_t sub = (uint64_t)(i - ((size_t)e << IPPM_HIST_SUB_BITS));
    return (sub << e) + (((uint64_t)1 << e) - 1) / 2;
}

/* see ippm_stats.h */
void ippm_hist_init(struct ippm_hist *h)
{
    memset(h, 0, sizeof(*h));
}

/* see ippm_stats.h */
void ippm_hist_add(struct ippm_hist *h, int64_t v)
{
    h->n++;
    if (v < 0)
        h->neg[bucket_of(0 - (uint64_t)v)]++;
    else
        h->pos[bucket_of((uint64_t)v)]++;
}

/* see ippm_stats.h */
int64_t ippm_hist_at_rank(const struct ippm_hist *h, uint64_t rank)
{
    if (h->n == 0)
        return 0;
    if (rank == 0)
        rank = 1;
    if (rank > h->n)
        rank = h->n;
    uint64_t seen = 0;
    /* Ascending: the largest negative magnitudes come first. */
    for (size_t i = IPPM_HIST_HALF; i-- > 0;) {
        seen += h->neg[i];
        if (seen >= rank) {
            uint64_t m = bucket_middle(i);
            return m > (uint64_t)INT64_MAX ? INT64_MIN : (int64_t)(0 - m);
        }
    }
    for (size_t i = 0; i < IPPM_HIST_HALF; i++) {
        seen += h->pos[i];
        if (seen >= rank) {
            uint64_t m = bucket_middle(i);
            return m > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)m;
        }
    }
    return 0; /* not reached: the buckets sum to n */
}

/* see ippm_stats.h */
uint64_t ippm_rank_of(uint64_t n, uint32_t ppm)
{
    const uint64_t million = 1000000;
    if (ppm > million)
        ppm = (uint32_t)million;
    /* ceil(n * ppm / 1e6) without overflowing n * ppm. */
    uint64_t whole = (n / million) * ppm;
    uint64_t part = (n % million) * ppm;
    uint64_t rank = whole + part / million + (part % million != 0);
    return rank ? rank : 1;
}

/* ---- distribution ---- */

/* see ippm_stats.h */
void ippm_dist_init(struct ippm_dist *d)
{
    memset(d, 0, sizeof(*d));
}

/* a - b as a double, without overflowing int64 when the signs differ. */
static double difference(int64_t a, int64_t b)
{
    if ((a < 0) == (b < 0))
        return (double)(a - b);
    return (double)a - (double)b;
}

/* see ippm_stats.h */
void ippm_dist_add(struct ippm_dist *d, int64_t v)
{
    if (d->n == 0 || v < d->min)
        d->min = v;
    if (d->n == 0 || v > d->max)
        d->max = v;
    if (d->n == 0)
        d->shift = v;
    d->n++;
    ippm_sum_add(&d->sum, v);
    /* Welford on samples shifted by the first one: no catastrophic
     * cancellation of a sum of squares, and small operands even when the
     * delays sit far from zero (unsynchronised clocks). */
    double x = difference(v, d->shift);
    double delta = x - d->w_mean;
    d->w_mean += delta / (double)d->n;
    d->w_m2 += delta * (x - d->w_mean);
    ippm_hist_add(&d->hist, v);
    if (d->n <= IPPM_DIST_EXACT)
        d->first[d->n - 1] = v;
}

/* see ippm_stats.h */
double ippm_dist_mean(const struct ippm_dist *d)
{
    return d->n ? ippm_sum_value(&d->sum) / (double)d->n : 0;
}

/* see ippm_stats.h */
double ippm_dist_variance(const struct ippm_dist *d)
{
    return d->n ? d->w_m2 / (double)d->n : 0;
}

/* see ippm_stats.h */
int64_t ippm_dist_percentile(const struct ippm_dist *d, uint32_t ppm)
{
    if (d->n == 0)
        return 0;
    uint64_t rank = ippm_rank_of(d->n, ppm);
    if (d->n <= IPPM_DIST_EXACT) {
        int64_t sorted[IPPM_DIST_EXACT];
        memcpy(sorted, d->first, sizeof(sorted[0]) * d->n);
        ippm_sort_i64(sorted, (size_t)d->n);
        return sorted[rank - 1];
    }
    if (rank == 1)
        return d->min; /* the extremes are known exactly */
    if (rank == d->n)
        return d->max;
    int64_t v = ippm_hist_at_rank(&d->hist, rank);
    /* The bucket's middle may lie past the extremes; they are exact. */
    if (v < d->min)
        return d->min;
    if (v > d->max)
        return d->max;
    return v;
}

/* see ippm_stats.h */
void ippm_dist_summary(const struct ippm_dist *d, struct ippm_summary *out)
{
    struct ippm_summary s = {0};
    if (d->n) {
        s.n = d->n;
        s.min = d->min;
        s.max = d->max;
        s.median = ippm_dist_percentile(d, 500000);
        s.p95 = ippm_dist_percentile(d, 950000);
        s.p99 = ippm_dist_percentile(d, 990000);
        s.mean = ippm_dist_mean(d);
        s.stddev = ippm_sqrt(ippm_dist_variance(d));
    }
    *out = s;
}

/* ---- bins ---- */

/* The bin of v among bins of width w from lo (v in [lo, hi]). */
static size_t bin_of(int64_t v, int64_t lo, uint64_t w, size_t n)
{
    size_t i = (size_t)(((uint64_t)v - (uint64_t)lo) / w);
    return i < n ? i : n - 1;
}

static void bins_from_hist(const struct ippm_dist *d, struct ippm_bin *rows,
                           size_t n, uint64_t w)
{
    for (size_t i = 0; i < IPPM_HIST_HALF; i++) {
        int64_t mid = (int64_t)bucket_middle(i);
        int64_t v[2] = {-mid, mid};
        uint64_t c[2] = {d->hist.neg[i], d->hist.pos[i]};
        for (int k = 0; k < 2; k++) {
            if (!c[k])
                continue;
            int64_t x = v[k] < d->min ? d->min : v[k] > d->max ? d->max : v[k];
            rows[bin_of(x, d->min, w, n)].count += c[k];
        }
    }
}

/* see ippm_stats.h */
size_t ippm_dist_bins(const struct ippm_dist *d, struct ippm_bin *rows,
                      size_t n)
{
    if (d->n == 0 || n == 0)
        return 0;
    /* max - min + 1 distinct values, as unsigned: no overflow. */
    uint64_t span = (uint64_t)d->max - (uint64_t)d->min;
    uint64_t w = span / n + 1; /* ceil((span + 1) / n) */
    size_t used = (size_t)(span / w) + 1;
    for (size_t i = 0; i < used; i++) {
        rows[i].lo = (int64_t)((uint64_t)d->min + i * w);
        rows[i].hi = i + 1 == used ? d->max
                                   : (int64_t)((uint64_t)rows[i].lo + w - 1);
        rows[i].count = 0;
    }
    if (d->n <= IPPM_DIST_EXACT) {
        for (uint64_t i = 0; i < d->n; i++)
            rows[bin_of(d->first[i], d->min, w, used)].count++;
    } else {
        bins_from_hist(d, rows, used, w);
    }
    return used;
}

/* ---- sequence numbers ---- */

/* see ippm_stats.h */
bool ippm_reorder_observe(struct ippm_reorder *r, uint64_t seq)
{
    r->seen++;
    if (r->seen == 1 || seq >= r->next_exp) {
        r->next_exp = seq + 1;
        return false;
    }
    r->reordered++;
    uint64_t extent = r->next_exp - seq;
    if (extent > r->max_late)
        r->max_late = extent;
    return true;
}

/* see ippm_stats.h */
void ippm_seqwin_init(struct ippm_seqwin *w)
{
    memset(w, 0, sizeof(*w));
}

static void seqwin_set(struct ippm_seqwin *w, uint64_t seq, bool on)
{
    uint64_t bit = seq % IPPM_SEQWIN_SPAN;
    uint64_t mask = (uint64_t)1 << (bit % 64);
    if (on)
        w->bits[bit / 64] |= mask;
    else
        w->bits[bit / 64] &= ~mask;
}

/* see ippm_stats.h */
enum ippm_seq_kind ippm_seqwin_observe(struct ippm_seqwin *w, uint64_t seq)
{
    if (!w->any || seq > w->top) {
        /* Slide up: numbers passed over have not arrived (yet). */
        if (!w->any || seq - w->top >= IPPM_SEQWIN_SPAN)
            memset(w->bits, 0, sizeof(w->bits));
        else
            for (uint64_t s = w->top + 1; s < seq; s++)
                seqwin_set(w, s, false);
        w->any = true;
        w->top = seq;
        seqwin_set(w, seq, true);
        return IPPM_SEQ_NEW;
    }
    if (w->top - seq >= IPPM_SEQWIN_SPAN)
        return IPPM_SEQ_TOO_OLD;
    uint64_t bit = seq % IPPM_SEQWIN_SPAN;
    if (w->bits[bit / 64] & ((uint64_t)1 << (bit % 64)))
        return IPPM_SEQ_DUPLICATE;
    seqwin_set(w, seq, true);
    return IPPM_SEQ_NEW;
}

/* see ippm_stats.h */
bool ippm_ipdv_next(struct ippm_ipdv *p, uint64_t seq, int64_t delay,
                    int64_t *ipdv)
{
    bool pair = p->have_prev && seq == p->prev_seq + 1;
    if (pair)
        *ipdv = delay - p->prev_delay;
    p->have_prev = true;
    p->prev_seq = seq;
    p->prev_delay = delay;
    return pair;
}
