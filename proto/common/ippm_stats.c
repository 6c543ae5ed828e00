#include "ippm_stats.h"

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
