/* Interim summaries per report interval (ippm_interval.h). */
#include "ippm_interval.h"

#include <string.h>

static void acc_reset(struct ippm_ival_acc *a, uint64_t index)
{
    memset(a, 0, sizeof *a);
    a->index = index;
}

/* The open slot of interval k, NULL when k is reported or not yet open. */
static struct ippm_ival_acc *slot_of(struct ippm_ivals *iv, uint64_t k)
{
    if (k < iv->next || k - iv->next >= IPPM_IVAL_OPEN)
        return NULL;
    struct ippm_ival_acc *a = &iv->open[k % IPPM_IVAL_OPEN];
    return a->index == k ? a : NULL;
}

/* see ippm_interval.h */
void ippm_ivals_init(struct ippm_ivals *iv, uint64_t t0_ns, uint64_t period_ns,
                     uint64_t grace_ns)
{
    memset(iv, 0, sizeof *iv);
    iv->t0_ns = t0_ns;
    iv->period_ns = period_ns ? period_ns : 1;
    /* Interval k is due grace after its end; k + OPEN - 1 then opens,
     * so k's slot is free when k + OPEN's first packet goes. */
    uint64_t cap = (IPPM_IVAL_OPEN - 2) * iv->period_ns;
    iv->grace_ns = grace_ns < cap ? grace_ns : cap;
    for (uint64_t k = 0; k < IPPM_IVAL_OPEN; k++)
        acc_reset(&iv->open[k], k);
}

static uint64_t interval_of(const struct ippm_ivals *iv, uint64_t t_ns)
{
    return t_ns > iv->t0_ns ? (t_ns - iv->t0_ns) / iv->period_ns : 0;
}

/* see ippm_interval.h */
bool ippm_ivals_sent(struct ippm_ivals *iv, uint64_t sent_ns)
{
    struct ippm_ival_acc *a = slot_of(iv, interval_of(iv, sent_ns));
    if (!a)
        return false;
    a->sent++;
    uint64_t rel = sent_ns > iv->t0_ns ? sent_ns - iv->t0_ns : 0;
    if (rel > iv->last_ns)
        iv->last_ns = rel;
    return true;
}

/* see ippm_interval.h */
bool ippm_ivals_reply(struct ippm_ivals *iv, uint64_t sent_ns, uint64_t seq,
                      int64_t rtt_ns)
{
    struct ippm_ival_acc *a = slot_of(iv, interval_of(iv, sent_ns));
    if (!a || a->received >= a->sent)
        return false;
    if (a->received == 0 || rtt_ns < a->rtt_min)
        a->rtt_min = rtt_ns;
    if (a->received == 0 || rtt_ns > a->rtt_max)
        a->rtt_max = rtt_ns;
    a->received++;
    ippm_sum_add(&a->rtt_sum, rtt_ns);
    int64_t d;
    if (ippm_ipdv_next(&a->pair, seq, rtt_ns, &d)) {
        a->ipdv_n++;
        ippm_sum_add(&a->ipdv_abs, d < 0 ? -d : d);
    }
    return true;
}

/* see ippm_interval.h */
uint64_t ippm_ivals_deadline(const struct ippm_ivals *iv)
{
    return iv->t0_ns + (iv->next + 1) * iv->period_ns + iv->grace_ns;
}

static void report_fill(const struct ippm_ivals *iv,
                        const struct ippm_ival_acc *a, uint64_t end_rel,
                        struct ippm_ival_report *out)
{
    memset(out, 0, sizeof *out);
    out->index = a->index;
    out->start_ns = a->index * iv->period_ns;
    out->end_ns = out->start_ns + iv->period_ns;
    if (end_rel < out->end_ns)
        out->end_ns = end_rel > out->start_ns ? end_rel : out->start_ns;
    out->sent = a->sent;
    out->received = a->received;
    out->lost = a->sent - a->received;
    out->loss_pct = a->sent ? 100.0 * (double)out->lost / (double)a->sent : 0.0;
    out->rtt_n = a->received;
    if (a->received) {
        out->rtt_min = a->rtt_min;
        out->rtt_max = a->rtt_max;
        out->rtt_mean = ippm_sum_value(&a->rtt_sum) / (double)a->received;
    }
    out->ipdv_n = a->ipdv_n;
    if (a->ipdv_n)
        out->jitter_ns = ippm_sum_value(&a->ipdv_abs) / (double)a->ipdv_n;
}

/* see ippm_interval.h */
bool ippm_ivals_next(struct ippm_ivals *iv, uint64_t now_ns, bool end,
                     struct ippm_ival_report *out)
{
    uint64_t k = iv->next;
    uint64_t rel = now_ns > iv->t0_ns ? now_ns - iv->t0_ns : 0;
    if (end) {
        /* Nothing after the interval of the last send. */
        if (k > iv->last_ns / iv->period_ns)
            return false;
    } else if (now_ns < ippm_ivals_deadline(iv)) {
        return false;
    }
    struct ippm_ival_acc *a = &iv->open[k % IPPM_IVAL_OPEN];
    report_fill(iv, a, end ? rel : UINT64_MAX, out);
    acc_reset(a, k + IPPM_IVAL_OPEN);
    iv->next = k + 1;
    return true;
}
