/* The metrics registry and the Prometheus text format. */
#include "metrics.h"

#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "proto/common/ippm_stats.h"

/* see metrics.h */
void ippm_metrics_init(struct ippm_metrics *reg)
{
    memset(reg, 0, sizeof(*reg));
    atomic_init(&reg->seq, 0);
}

/* see metrics.h */
int ippm_metric_label(char *buf, size_t cap, const char *key, const char *value)
{
    size_t len = strlen(buf), at = len;
    char tmp[IPPM_METRIC_LABELS_LEN];
    size_t k = 0;
    /* Exposition format 0.0.4: label values escape \, " and newline. */
    for (const char *p = value; *p; p++) {
        if (k + 3 > sizeof(tmp))
            return -1;
        if (*p == '\\' || *p == '"') {
            tmp[k++] = '\\';
            tmp[k++] = *p;
        } else if (*p == '\n') {
            tmp[k++] = '\\';
            tmp[k++] = 'n';
        } else {
            tmp[k++] = *p;
        }
    }
    tmp[k] = '\0';
    int w =
        snprintf(buf + at, cap - at, "%s%s=\"%s\"", len ? "," : "", key, tmp);
    if (w < 0 || (size_t)w >= cap - at) {
        buf[len] = '\0';
        return -1;
    }
    return 0;
}

static struct ippm_metric *metric_new(struct ippm_metrics *reg,
                                      enum ippm_metric_type type,
                                      const char *family, const char *help,
                                      const char *suffix, const char *labels)
{
    if (reg->n >= IPPM_METRICS_MAX)
        return NULL;
    if (labels && strlen(labels) >= IPPM_METRIC_LABELS_LEN)
        return NULL;
    struct ippm_metric *m = &reg->m[reg->n];
    m->family = family;
    m->help = help;
    m->type = type;
    m->suffix = suffix;
    snprintf(m->labels, sizeof(m->labels), "%s", labels ? labels : "");
    atomic_init(&m->value, 0);
    reg->n++;
    return m;
}

/* see metrics.h */
struct ippm_metric *ippm_metric_add(struct ippm_metrics *reg,
                                    enum ippm_metric_type type,
                                    const char *family, const char *help,
                                    const char *labels)
{
    return metric_new(reg, type, family, help, "", labels);
}

/* see metrics.h */
void ippm_metric_snmp(struct ippm_metric *m, enum ippm_snmp_kind kind,
                      const uint32_t *oid, size_t n)
{
    if (!m || n > IPPM_METRIC_OID_MAX)
        return;
    m->snmp = kind;
    m->oid_len = (uint8_t)n;
    memcpy(m->oid, oid, n * sizeof(*oid));
}

/* see metrics.h */
void ippm_metric_snmp_label(struct ippm_metric *m, const char *value,
                            const uint32_t *oid, size_t n)
{
    if (!m || n > IPPM_METRIC_OID_MAX)
        return;
    snprintf(m->label_value, sizeof(m->label_value), "%s", value);
    m->label_oid_len = (uint8_t)n;
    memcpy(m->label_oid, oid, n * sizeof(*oid));
}

/* see metrics.h */
int ippm_metric_summary_add(struct ippm_metrics *reg,
                            struct ippm_summary_metric *s, const char *family,
                            const char *help, const char *labels)
{
    static const char *const qs[] = {"0.5", "0.95", "0.99"};
    struct ippm_metric **slot[] = {&s->q50, &s->q95, &s->q99};
    if (reg->n + 5 > IPPM_METRICS_MAX)
        return -1;
    memset(s, 0, sizeof(*s));
    for (size_t i = 0; i < 3; i++) {
        char l[IPPM_METRIC_LABELS_LEN];
        snprintf(l, sizeof(l), "%s", labels ? labels : "");
        if (ippm_metric_label(l, sizeof(l), "quantile", qs[i]) != 0)
            return -1;
        *slot[i] = metric_new(reg, IPPM_METRIC_SUMMARY, family, help, "", l);
        (*slot[i])->real = true;
        /* No observation yet: NaN, as Prometheus client libraries say. */
        ippm_metric_set_real(*slot[i], NAN);
    }
    s->sum = metric_new(reg, IPPM_METRIC_SUMMARY, family, help, "_sum", labels);
    s->sum->real = true;
    s->count =
        metric_new(reg, IPPM_METRIC_SUMMARY, family, help, "_count", labels);
    return 0;
}

/* see metrics.h */
void ippm_metric_summary_observe(struct ippm_summary_metric *s, int64_t ns)
{
    s->ring[s->ring_pos] = ns;
    s->ring_pos = (s->ring_pos + 1) % IPPM_SUMMARY_WINDOW;
    if (s->ring_n < IPPM_SUMMARY_WINDOW)
        s->ring_n++;
    s->sum_ns += ns;
    s->n++;
    s->dirty = true;
}

/* see metrics.h */
void ippm_metrics_begin(struct ippm_metrics *reg)
{
    uint64_t s = atomic_load_explicit(&reg->seq, memory_order_relaxed);
    atomic_store_explicit(&reg->seq, s + 1, memory_order_relaxed);
    /* The odd count must be visible before any value that follows. */
    atomic_thread_fence(memory_order_release);
}

/* see metrics.h */
void ippm_metrics_end(struct ippm_metrics *reg)
{
    uint64_t s = atomic_load_explicit(&reg->seq, memory_order_relaxed);
    atomic_store_explicit(&reg->seq, s + 1, memory_order_release);
}

/* see metrics.h */
void ippm_metric_set_real(struct ippm_metric *m, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    ippm_metric_set(m, bits);
}

/* see metrics.h */
void ippm_metric_summary_publish(struct ippm_summary_metric *s, bool quantiles)
{
    ippm_metric_set_real(s->sum, (double)s->sum_ns / 1e9);
    ippm_metric_set(s->count, s->n);
    if (!s->dirty || !quantiles)
        return;
    s->dirty = false;
    struct ippm_summary q;
    memcpy(s->scratch, s->ring, s->ring_n * sizeof(s->ring[0]));
    /* Exact nearest-rank percentiles over the window, as the end-of-run
     * report gives them up to IPPM_DIST_EXACT replies. */
    ippm_summary_compute(s->scratch, s->ring_n, &q);
    ippm_metric_set_real(s->q50, (double)q.median / 1e9);
    ippm_metric_set_real(s->q95, (double)q.p95 / 1e9);
    ippm_metric_set_real(s->q99, (double)q.p99 / 1e9);
}

/* see metrics.h */
void ippm_metrics_snapshot(const struct ippm_metrics *reg, uint64_t *out)
{
    /* The series count is fixed before readers start; only values move. */
    struct ippm_metrics *r = (struct ippm_metrics *)reg;
    for (;;) {
        uint64_t s1 = atomic_load_explicit(&r->seq, memory_order_acquire);
        if (s1 & 1) {
            sched_yield(); /* the writer is mid-publication */
            continue;
        }
        for (size_t i = 0; i < reg->n; i++)
            out[i] = atomic_load_explicit(&r->m[i].value, memory_order_relaxed);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&r->seq, memory_order_relaxed) == s1)
            return;
    }
}

/* see metrics.h */
double ippm_metric_value(const struct ippm_metric *m, uint64_t raw)
{
    if (m->real) {
        double d;
        memcpy(&d, &raw, sizeof(d));
        return d;
    }
    return (double)raw;
}

static const char *type_name(enum ippm_metric_type t)
{
    switch (t) {
    case IPPM_METRIC_COUNTER:
        return "counter";
    case IPPM_METRIC_GAUGE:
        return "gauge";
    default:
        return "summary";
    }
}

/* HELP text escapes \ and newline (format 0.0.4). */
static void write_help(FILE *f, const char *help)
{
    for (const char *p = help; *p; p++) {
        if (*p == '\\')
            fputs("\\\\", f);
        else if (*p == '\n')
            fputs("\\n", f);
        else
            fputc(*p, f);
    }
}

/* The shortest %g that reads back as d ("0.05", not 0.050000000000000003),
 * as Prometheus' own clients print floats. */
static const char *fmt_real(double d, char *buf, size_t cap)
{
    for (int prec = 15; prec < 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return buf;
    }
    snprintf(buf, cap, "%.17g", d);
    return buf;
}

static void write_series(FILE *f, const struct ippm_metric *m, uint64_t raw)
{
    fputs(m->family, f);
    fputs(m->suffix, f);
    if (m->labels[0])
        fprintf(f, "{%s}", m->labels);
    char num[32];
    double d = ippm_metric_value(m, raw);
    if (m->real && isnan(d))
        fputs(" NaN\n", f);
    else if (m->real)
        fprintf(f, " %s\n", fmt_real(d, num, sizeof(num)));
    else
        fprintf(f, " %llu\n", (unsigned long long)raw);
}

/* see metrics.h */
int ippm_metrics_write_text(const struct ippm_metrics *reg, FILE *f)
{
    uint64_t v[IPPM_METRICS_MAX];
    bool done[IPPM_METRICS_MAX] = {false};
    ippm_metrics_snapshot(reg, v);
    /* Every series of a family under one HELP/TYPE pair, as the format
     * requires, whatever order they were added in. */
    for (size_t i = 0; i < reg->n; i++) {
        if (done[i])
            continue;
        const struct ippm_metric *m = &reg->m[i];
        fprintf(f, "# HELP %s ", m->family);
        write_help(f, m->help);
        fprintf(f, "\n# TYPE %s %s\n", m->family, type_name(m->type));
        for (size_t j = i; j < reg->n; j++) {
            if (!done[j] && strcmp(reg->m[j].family, m->family) == 0) {
                write_series(f, &reg->m[j], v[j]);
                done[j] = true;
            }
        }
    }
    return ferror(f) ? -1 : 0;
}
