#include "owtw_way.h"

#include <stdlib.h>
#include <string.h>

#include "impl/report/histogram.h"
#include "impl/report/summary.h"

/* see owtw_way.h */
struct owtw_way *owtw_way_new(const char *name)
{
    struct owtw_way *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->name = name;
    ippm_seqwin_init(&w->win);
    ippm_dist_init(&w->delay);
    ippm_dist_init(&w->ipdv);
    w->ttl_min = w->ttl_max = -1;
    ippm_owd_trust_init(&w->clocks);
    return w;
}

/* see owtw_way.h */
void owtw_way_free(struct owtw_way *w)
{
    free(w);
}

/* see owtw_way.h */
void owtw_way_add(struct owtw_way *w, uint32_t seq, uint64_t send_ns,
                  uint64_t recv_ns, int ttl, uint16_t send_errest,
                  uint16_t recv_errest)
{
    if (ippm_seqwin_observe(&w->win, seq) != IPPM_SEQ_NEW) {
        w->duplicates++;
        return;
    }
    w->received++;
    (void)ippm_reorder_observe(&w->reorder, seq);
    int64_t d = (int64_t)(recv_ns - send_ns);
    ippm_dist_add(&w->delay, d);
    int64_t v;
    if (ippm_ipdv_next(&w->ipdv_prev, seq, d, &v))
        ippm_dist_add(&w->ipdv, v);
    if (ttl >= 0) {
        if (w->ttl_min < 0 || ttl < w->ttl_min)
            w->ttl_min = ttl;
        if (ttl > w->ttl_max)
            w->ttl_max = ttl;
    }
    if (!w->first_ns || send_ns < w->first_ns)
        w->first_ns = send_ns;
    if (send_ns > w->last_ns)
        w->last_ns = send_ns;
    ippm_owd_trust_add(&w->clocks, send_errest, recv_errest);
}

/* see owtw_way.h */
uint64_t owtw_way_lost(const struct owtw_way *w)
{
    return w->sent > w->received ? w->sent - w->received : 0;
}

static double ms(int64_t ns)
{
    return (double)ns / 1e6;
}

static void print_hops(FILE *f, const struct owtw_way *w)
{
    if (w->ttl_min < 0)
        return; /* no TTL to read (a round trip's way) */
    if (w->ttl_min == w->ttl_max)
        fprintf(f, "hops = %d (consistently)\n", OWTW_TTL_SENT - w->ttl_max);
    else
        fprintf(f, "hops takes %d values; min hops = %d, max hops = %d\n",
                w->ttl_max - w->ttl_min + 1, OWTW_TTL_SENT - w->ttl_max,
                OWTW_TTL_SENT - w->ttl_min);
}

/* see owtw_way.h */
void owtw_way_print(FILE *f, const struct owtw_way *w, const char *what,
                    bool histogram)
{
    uint64_t lost = owtw_way_lost(w);
    fprintf(f, "%llu sent, %llu lost (%.3f%%), %llu duplicates\n",
            (unsigned long long)w->sent, (unsigned long long)lost,
            w->sent ? 100.0 * (double)lost / (double)w->sent : 0.0,
            (unsigned long long)w->duplicates);
    if (!w->received) {
        fprintf(f, "%s: no packet arrived\n", what);
        return;
    }
    struct ippm_summary s;
    ippm_dist_summary(&w->delay, &s);
    fprintf(f, "%s min/median/max = %.3f/%.3f/%.3f ms, (err=%.6g ms%s)\n",
            what, ms(s.min), ms(s.median), ms(s.max),
            (double)w->clocks.max_bound_ns / 1e6,
            ippm_owd_trusted(&w->clocks) ? "" : ", unsync");
    fprintf(f, "%s jitter = %.3f ms (P95-P50)", what, ms(s.p95 - s.median));
    if (w->ipdv.n) {
        struct ippm_summary v;
        ippm_dist_summary(&w->ipdv, &v);
        fprintf(f, ", IPDV min/max = %.3f/%.3f ms (RFC 3393)", ms(v.min),
                ms(v.max));
    }
    fputc('\n', f);
    print_hops(f, w);
    if (w->reorder.reordered)
        fprintf(f, "%llu reordered (RFC 4737), at most %llu late\n",
                (unsigned long long)w->reorder.reordered,
                (unsigned long long)w->reorder.max_late);
    else
        fputs("no reordering\n", f);
    if (histogram)
        ippm_histogram_print(f, what, &w->delay);
}

/* see owtw_way.h */
json_t *owtw_way_json(const struct owtw_way *w)
{
    struct ippm_summary s, v;
    ippm_dist_summary(&w->delay, &s);
    ippm_dist_summary(&w->ipdv, &v);
    uint64_t lost = owtw_way_lost(w);
    json_t *hops = w->ttl_min < 0
                       ? json_null()
                       : json_pack("{s:i, s:i}", "min",
                                   OWTW_TTL_SENT - w->ttl_max, "max",
                                   OWTW_TTL_SENT - w->ttl_min);
    json_t *o = json_pack(
        "{s:s, s:I, s:I, s:I, s:f, s:I, s:I, s:o, s:o, s:o, s:o, s:b, s:f}",
        "name", w->name, "sent", (json_int_t)w->sent, "received",
        (json_int_t)w->received, "lost", (json_int_t)lost, "loss_pct",
        w->sent ? 100.0 * (double)lost / (double)w->sent : 0.0, "duplicates",
        (json_int_t)w->duplicates, "reordered",
        (json_int_t)w->reorder.reordered, "delay_ms",
        ippm_json_summary_ms(&s), "ipdv_ms", ippm_json_summary_ms(&v),
        "jitter_ms", s.n ? json_real(ms(s.p95 - s.median)) : json_null(),
        "hops", hops, "clocks_synchronised", ippm_owd_trusted(&w->clocks),
        "err_max_ms", (double)w->clocks.max_bound_ns / 1e6);
    return o;
}
