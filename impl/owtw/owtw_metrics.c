/* The TWAMP and OWAMP servers' series: one table, two family prefixes. */
#include "impl/owtw/owtw_metrics.h"

#include <stddef.h>
#include <string.h>

/* The reasons with a series of their own; the last row is "other". */
static const struct {
    enum ippm_err e;
    const char *name;
} drop_reasons[OWTW_METRICS_DROP_REASONS] = {
    {IPPM_ERR_SHORT, "short"},
    {IPPM_ERR_HMAC, "hmac"},
    {IPPM_ERR_UNEXPECTED, "unexpected"},
    {IPPM_ERR_DUPLICATE, "duplicate"},
    {IPPM_ERR_CRYPTO, "crypto"},
};

struct series_def {
    size_t at;
    enum ippm_metric_type type;
    const char *family[2]; /* OWAMP's, TWAMP's */
    const char *help;
};

#define AT(field) offsetof(struct owtw_server_metrics, field)
#define FAM(x) {"ippm_owamp_server_" x, "ippm_twamp_server_" x}
static const struct series_def series[] = {
    {AT(accepted), IPPM_METRIC_COUNTER, FAM("connections_accepted_total"),
     "Control connections accepted."},
    {AT(refused), IPPM_METRIC_COUNTER, FAM("connections_refused_total"),
     "Control connections closed at once: --max-conns were open."},
    {AT(closed), IPPM_METRIC_COUNTER, FAM("connections_closed_total"),
     "Control connections closed, by either side."},
    {AT(timed_out), IPPM_METRIC_COUNTER, FAM("connections_timed_out_total"),
     "Control connections closed after --servwait without a message."},
    {AT(conns), IPPM_METRIC_GAUGE, FAM("connections"),
     "Control connections open."},
    {AT(sessions), IPPM_METRIC_GAUGE, FAM("sessions"),
     "Test sessions held (accepted, not yet stopped)."},
    {AT(sessions_total), IPPM_METRIC_COUNTER, FAM("sessions_accepted_total"),
     "Test sessions accepted."},
    {AT(sessions_refused), IPPM_METRIC_COUNTER,
     FAM("sessions_refused_total"),
     "Session requests answered with a non-zero Accept."},
    {AT(rx), IPPM_METRIC_COUNTER, FAM("test_packets_received_total"),
     "Test packets received."},
    {AT(tx), IPPM_METRIC_COUNTER, FAM("test_packets_sent_total"),
     "Test packets sent (reflected, or sent to a receiving client)."},
    {AT(send_failed), IPPM_METRIC_COUNTER, FAM("send_failures_total"),
     "Test packets the kernel refused to send."},
};

static void add_drops(struct owtw_server_metrics *m, bool twamp)
{
    const char *fam = twamp ? "ippm_twamp_server_test_packets_dropped_total"
                            : "ippm_owamp_server_test_packets_dropped_total";
    for (size_t i = 0; i <= OWTW_METRICS_DROP_REASONS; i++) {
        char labels[IPPM_METRIC_LABELS_LEN] = "";
        ippm_metric_label(labels, sizeof(labels), "reason",
                          i < OWTW_METRICS_DROP_REASONS ? drop_reasons[i].name
                                                        : "other");
        m->drop_by[i] = ippm_metric_add(
            &m->reg, IPPM_METRIC_COUNTER, fam,
            "Test packets dropped, by reason (ippm error name).", labels);
    }
}

/* see owtw_metrics.h */
void owtw_server_metrics_init(struct owtw_server_metrics *m, bool twamp)
{
    memset(m, 0, sizeof(*m));
    ippm_metrics_init(&m->reg);
    for (size_t i = 0; i < sizeof(series) / sizeof(series[0]); i++)
        *(struct ippm_metric **)((char *)m + series[i].at) = ippm_metric_add(
            &m->reg, series[i].type, series[i].family[twamp], series[i].help,
            NULL);
    add_drops(m, twamp);
}

/* see owtw_metrics.h */
void owtw_server_metrics_publish(struct owtw_server_metrics *m,
                                 const struct owtw_server_sample *s)
{
    uint64_t by[OWTW_METRICS_DROP_REASONS + 1] = {0};
    for (int e = 1; e < IPPM_ERR_COUNT_; e++) {
        size_t i = 0;
        while (i < OWTW_METRICS_DROP_REASONS && (int)drop_reasons[i].e != e)
            i++;
        by[i] += s->drop_by[e];
    }
    ippm_metrics_begin(&m->reg);
    ippm_metric_set(m->accepted, s->accepted);
    ippm_metric_set(m->refused, s->refused);
    ippm_metric_set(m->closed, s->closed);
    ippm_metric_set(m->timed_out, s->timed_out);
    ippm_metric_set(m->conns, s->conns);
    ippm_metric_set(m->sessions, s->sessions);
    ippm_metric_set(m->sessions_total, s->sessions_total);
    ippm_metric_set(m->sessions_refused, s->sessions_refused);
    ippm_metric_set(m->rx, s->rx);
    ippm_metric_set(m->tx, s->tx);
    ippm_metric_set(m->send_failed, s->send_failed);
    for (size_t i = 0; i <= OWTW_METRICS_DROP_REASONS; i++)
        ippm_metric_set(m->drop_by[i], by[i]);
    ippm_metrics_end(&m->reg);
}
