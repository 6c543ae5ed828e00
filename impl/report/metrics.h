/* A registry of counters, gauges and summaries that a driver updates and
 * exporters read: the Prometheus text format (metrics_http.c) and an
 * AgentX sub-agent (snmp_agentx.c). Nothing here knows a protocol.
 *
 * Threads. One writer (the driver's loop) and any number of readers (the
 * exporters' own threads). The writer never waits: it brackets a burst of
 * updates with ippm_metrics_begin/_end, a sequence lock whose readers
 * retry, so a reader sees every series of one publication or of the next,
 * never half of each. Values are relaxed atomics; no lock anywhere.
 *
 * Life. Every series is added before the first exporter starts and the
 * registry outlives the exporters: readers walk m[0..n) without a lock.
 *
 * Names follow Prometheus: family "ippm_stamp_reflector_packets_received_
 * total", labels `reason="hmac"`. A summary is a family with quantile
 * series and _sum and _count series. Each series may also carry an SNMP
 * OID (arcs below the exporter's root) to appear under in the MIB. */
#ifndef IPPM_METRICS_H
#define IPPM_METRICS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IPPM_METRICS_MAX       128 /* series in one registry */
#define IPPM_METRIC_LABELS_LEN 160 /* `k="v",k2="v2"`, escaped, with NUL */
#define IPPM_METRIC_OID_MAX    8   /* arcs below the exporter's root */
/* A summary's quantiles are over its latest this many observations. */
#define IPPM_SUMMARY_WINDOW 1024

enum ippm_metric_type {
    IPPM_METRIC_COUNTER,
    IPPM_METRIC_GAUGE,
    IPPM_METRIC_SUMMARY
};

/* How SNMP shows a series' value. */
enum ippm_snmp_kind {
    IPPM_SNMP_NONE = 0,  /* not exported */
    IPPM_SNMP_COUNTER64, /* the value as is */
    IPPM_SNMP_GAUGE32,   /* the value, capped at 2^32 - 1 */
    IPPM_SNMP_MICROS32,  /* a real in seconds, as Gauge32 microseconds */
    IPPM_SNMP_MICROS64   /* a real in seconds, as Counter64 microseconds */
};

/* One series: a family name, its labels, a value. */
struct ippm_metric {
    const char *family; /* static string */
    const char *help;   /* static string */
    enum ippm_metric_type type;
    const char *suffix; /* "", "_sum" or "_count" (summaries) */
    char labels[IPPM_METRIC_LABELS_LEN];
    bool real; /* value holds a double's bits */
    _Atomic uint64_t value;
    /* SNMP: value at root.oid; with label_oid_len, the label's value as a
     * DisplayString at root.label_oid (a table's name column). */
    enum ippm_snmp_kind snmp;
    uint8_t oid_len, label_oid_len;
    uint32_t oid[IPPM_METRIC_OID_MAX];
    uint32_t label_oid[IPPM_METRIC_OID_MAX];
    char label_value[32]; /* the string shown at label_oid */
};

struct ippm_metrics {
    _Atomic uint64_t seq; /* odd while the writer publishes */
    size_t n;
    struct ippm_metric m[IPPM_METRICS_MAX];
};

/* A summary's writer side: a window of the latest observations, and the
 * series it publishes them to. Owned by the writer. */
struct ippm_summary_metric {
    struct ippm_metric *q50, *q95, *q99, *sum, *count;
    int64_t ring[IPPM_SUMMARY_WINDOW]; /* ns */
    int64_t scratch[IPPM_SUMMARY_WINDOW];
    size_t ring_n, ring_pos;
    int64_t sum_ns;
    uint64_t n;
    bool dirty; /* observed since quantiles were published */
};

void ippm_metrics_init(struct ippm_metrics *reg);

/* Appends `key="value"` (value escaped as the text format requires: \\,
 * \" and \n) to the label set in buf, with a comma when buf is not empty.
 * Returns 0, or -1 when it does not fit (buf unchanged). */
int ippm_metric_label(char *buf, size_t cap, const char *key,
                      const char *value);

/* Adds a counter or gauge series with the given label set (NULL or "" for
 * none). Returns it, or NULL when the registry is full. */
struct ippm_metric *ippm_metric_add(struct ippm_metrics *reg,
                                    enum ippm_metric_type type,
                                    const char *family, const char *help,
                                    const char *labels);

/* Gives a series an SNMP OID (n arcs below the root, n <= IPPM_METRIC_OID_
 * MAX) and a kind. Does nothing when m is NULL. */
void ippm_metric_snmp(struct ippm_metric *m, enum ippm_snmp_kind kind,
                      const uint32_t *oid, size_t n);

/* Also shows value, a string, at root.oid (n arcs): a table's name
 * column. Does nothing when m is NULL. */
void ippm_metric_snmp_label(struct ippm_metric *m, const char *value,
                            const uint32_t *oid, size_t n);

/* Adds a summary family in seconds with quantiles 0.5, 0.95, 0.99 (nearest
 * rank over the latest IPPM_SUMMARY_WINDOW observations), _sum and _count
 * (over every observation). labels are added to every series. Returns 0,
 * or -1 when the registry is full. */
int ippm_metric_summary_add(struct ippm_metrics *reg,
                            struct ippm_summary_metric *s, const char *family,
                            const char *help, const char *labels);

/* Records one observation in ns (writer only; published by
 * ippm_metric_summary_publish). */
void ippm_metric_summary_observe(struct ippm_summary_metric *s, int64_t ns);

/* ---- the writer ---- */

/* Opens and closes a publication. Between them, set values freely; a
 * reader snapshot never straddles the two. Writer only, never nested. */
void ippm_metrics_begin(struct ippm_metrics *reg);
void ippm_metrics_end(struct ippm_metrics *reg);

static inline void ippm_metric_set(struct ippm_metric *m, uint64_t v)
{
    if (m)
        atomic_store_explicit(&m->value, v, memory_order_relaxed);
}

void ippm_metric_set_real(struct ippm_metric *m, double v);

/* Sets the sum and count series of s and, when quantiles is true and
 * there are new observations, computes and sets its quantiles (a sort of
 * the window: a caller at a high rate may want to do that less often).
 * Call inside begin/end. */
void ippm_metric_summary_publish(struct ippm_summary_metric *s, bool quantiles);

/* ---- readers ---- */

/* Copies every value (reg->n of them, raw bits) into out, all from one
 * publication. Any thread. */
void ippm_metrics_snapshot(const struct ippm_metrics *reg, uint64_t *out);

/* A snapshot value as a double (reals decoded, integers converted). */
double ippm_metric_value(const struct ippm_metric *m, uint64_t raw);

/* Writes the registry in the Prometheus text exposition format 0.0.4:
 * per family `# HELP` and `# TYPE`, then its series. Families appear in
 * the order of their first series. Returns 0, or -1 on a write error. */
int ippm_metrics_write_text(const struct ippm_metrics *reg, FILE *f);

#endif
