#include "summary.h"

static double ms(int64_t ns)
{
    return (double)ns / 1e6;
}

/* see summary.h */
json_t *ippm_json_summary_ms(const struct ippm_summary *s)
{
    if (!s->n)
        return json_pack("{s:I, s:n, s:n, s:n, s:n, s:n, s:n, s:n}", "n",
                         (json_int_t)0, "min", "avg", "median", "p95", "p99",
                         "max", "stddev");
    return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "n",
                     (json_int_t)s->n, "min", ms(s->min), "avg", s->mean / 1e6,
                     "median", ms(s->median), "p95", ms(s->p95), "p99",
                     ms(s->p99), "max", ms(s->max), "stddev", s->stddev / 1e6);
}
