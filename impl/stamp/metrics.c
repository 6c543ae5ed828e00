/* The STAMP drivers' series. OIDs are below IPPM_SNMP_ROOT and match
 * packaging/IPPM-MIB.txt: ippmObjects(1).ippmStamp(1), then
 * ippmStampReflector(1) or ippmStampSender(2). Scalars end in .0. */
#include "impl/stamp/metrics.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define OID_REFL         1, 1, 1
#define OID_SEND         1, 1, 2
#define DROP_ENTRY       1 /* xxxDropTable.1 = xxxDropEntry */
#define DROP_COL_NAME    2
#define DROP_COL_PACKETS 3

/* "IPPM_ERR_HMAC" -> "hmac": the reason label and the SNMP name column. */
static void reason_name(enum ippm_err e, char *out, size_t cap)
{
    const char *n = stamp_err_name(e);
    if (strncmp(n, "IPPM_ERR_", 9) == 0)
        n += 9;
    size_t i = 0;
    for (; n[i] && i + 1 < cap; i++)
        out[i] = (char)tolower((unsigned char)n[i]);
    out[i] = '\0';
}

/* One series per reason (every error but IPPM_OK), as table rows under
 * base (the xxxDropTable OID) indexed by the error code. */
static void drop_rows(struct ippm_metrics *reg, struct ippm_metric **by,
                      const char *family, const char *help,
                      const uint32_t *base, size_t base_len)
{
    for (int e = 1; e < STAMP_ERR_COUNT_; e++) {
        char name[32], labels[IPPM_METRIC_LABELS_LEN] = "";
        uint32_t oid[IPPM_METRIC_OID_MAX];
        reason_name((enum ippm_err)e, name, sizeof(name));
        ippm_metric_label(labels, sizeof(labels), "reason", name);
        by[e] = ippm_metric_add(reg, IPPM_METRIC_COUNTER, family, help, labels);
        memcpy(oid, base, base_len * sizeof(*oid));
        oid[base_len] = DROP_ENTRY;
        oid[base_len + 2] = (uint32_t)e;
        oid[base_len + 1] = DROP_COL_PACKETS;
        ippm_metric_snmp(by[e], IPPM_SNMP_COUNTER64, oid, base_len + 3);
        oid[base_len + 1] = DROP_COL_NAME;
        ippm_metric_snmp_label(by[e], name, oid, base_len + 3);
    }
}

/* One series of a driver's registry, in the order they are added (the
 * order of the Prometheus text). */
struct series_def {
    size_t at; /* offsetof its struct ippm_metric * (DROPS: the array) */
    enum ippm_metric_type type;
    enum ippm_snmp_kind kind; /* DROPS: a table of drop_rows */
    uint32_t leaf;            /* below the role's OID; a scalar adds .0 */
    const char *family, *help;
};

#define DROPS IPPM_SNMP_NONE

/* Adds the series of defs to reg, their pointers into m, under the
 * role's OID (OID_REFL or OID_SEND). */
static void add_series(struct ippm_metrics *reg, void *m, const uint32_t *role,
                       const struct series_def *defs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct series_def *d = &defs[i];
        uint32_t oid[] = {role[0], role[1], role[2], d->leaf, 0};
        void *at = (char *)m + d->at;
        if (d->kind == DROPS) {
            drop_rows(reg, at, d->family, d->help, oid, 4);
            continue;
        }
        struct ippm_metric *x =
            ippm_metric_add(reg, d->type, d->family, d->help, NULL);
        ippm_metric_snmp(x, d->kind, oid, 5);
        *(struct ippm_metric **)at = x;
    }
}

#define COUNTER IPPM_METRIC_COUNTER, IPPM_SNMP_COUNTER64
#define REFL(field) offsetof(struct stamp_refl_metrics, field)
static const uint32_t refl_oid[] = {OID_REFL};
static const struct series_def refl_series[] = {
    {REFL(received), COUNTER, 1,
     "ippm_stamp_reflector_packets_received_total",
     "Datagrams received on the STAMP port."},
    {REFL(sent), COUNTER, 2, "ippm_stamp_reflector_packets_sent_total",
     "Reflected packets sent."},
    {REFL(send_failed), COUNTER, 3, "ippm_stamp_reflector_send_failures_total",
     "Reflected packets the kernel refused to send."},
    {REFL(drop_by), IPPM_METRIC_COUNTER, DROPS, 7,
     "ippm_stamp_reflector_packets_dropped_total",
     "Packets not reflected, by reason (ippm error name)."},
    {REFL(hmac), COUNTER, 4, "ippm_stamp_reflector_hmac_failures_total",
     "Authenticated packets whose HMAC did not match "
     "(RFC 8762 section 4.4)."},
    {REFL(sessions), IPPM_METRIC_GAUGE, IPPM_SNMP_GAUGE32, 5,
     "ippm_stamp_reflector_sessions",
     "Sessions in the stateful reflector's table."},
    {REFL(evicted), COUNTER, 6, "ippm_stamp_reflector_sessions_evicted_total",
     "Sessions evicted, least recently used first, to make room for new "
     "ones."},
    {REFL(refused), COUNTER, 8,
     "ippm_stamp_reflector_sessions_refused_total",
     "New sessions refused: their source address held "
     "--max-sessions-per-source live ones."},
    {REFL(rate_sources), IPPM_METRIC_GAUGE, IPPM_SNMP_GAUGE32, 9,
     "ippm_stamp_reflector_rate_sources",
     "Sources whose token bucket --rate-limit tracks (IPv4 addresses, "
     "IPv6 /64s), summed over worker threads."},
    {REFL(rate_forgotten), COUNTER, 10,
     "ippm_stamp_reflector_rate_sources_forgotten_total",
     "Sources forgotten, least recently seen first, to track new ones "
     "(--rate-sources)."},
};

#define SEND(field) offsetof(struct stamp_send_metrics, field)
static const uint32_t send_oid[] = {OID_SEND};
static const struct series_def send_series[] = {
    {SEND(sent), COUNTER, 1, "ippm_stamp_sender_packets_sent_total",
     "Test packets sent."},
    {SEND(received), COUNTER, 2, "ippm_stamp_sender_packets_received_total",
     "Replies received (first copies)."},
    {SEND(duplicates), COUNTER, 3, "ippm_stamp_sender_duplicates_total",
     "Duplicate replies."},
    {SEND(reordered), COUNTER, 4, "ippm_stamp_sender_reordered_total",
     "Replies reordered (RFC 4737 section 3.3)."},
    {SEND(drop_by), IPPM_METRIC_COUNTER, DROPS, 13,
     "ippm_stamp_sender_replies_dropped_total",
     "Replies not accepted, by reason (ippm error name)."},
    {SEND(hmac), COUNTER, 5, "ippm_stamp_sender_hmac_failures_total",
     "Authenticated replies whose HMAC did not match."},
    {SEND(send_failed), COUNTER, 6, "ippm_stamp_sender_send_failures_total",
     "Test packets the kernel refused to send."},
    {SEND(icmp), COUNTER, 7, "ippm_stamp_sender_icmp_errors_total",
     "ICMP errors reported for test packets."},
    {SEND(short_replies), COUNTER, 14,
     "ippm_stamp_sender_short_replies_total",
     "Replies counted as received though shorter than the 44-octet STAMP "
     "base (a TWAMP-Light peer, RFC 5357 section 4.2.1)."},
};

/* see stamp_metrics.h */
void stamp_refl_metrics_init(struct stamp_refl_metrics *m)
{
    memset(m, 0, sizeof(*m));
    ippm_metrics_init(&m->reg);
    add_series(&m->reg, m, refl_oid, refl_series,
               sizeof(refl_series) / sizeof(refl_series[0]));
}

/* see stamp_metrics.h */
void stamp_refl_metrics_publish(struct stamp_refl_metrics *m,
                                const struct stamp_refl_sample *s)
{
    ippm_metrics_begin(&m->reg);
    ippm_metric_set(m->received, s->received);
    ippm_metric_set(m->sent, s->replied);
    ippm_metric_set(m->send_failed, s->send_failed);
    for (int e = 1; e < STAMP_ERR_COUNT_; e++)
        ippm_metric_set(m->drop_by[e], s->drop_by[e]);
    ippm_metric_set(m->hmac, s->drop_by[IPPM_ERR_HMAC]);
    ippm_metric_set(m->sessions, s->sessions);
    ippm_metric_set(m->evicted, s->evicted);
    ippm_metric_set(m->refused, s->refused);
    ippm_metric_set(m->rate_sources, s->rate_sources);
    ippm_metric_set(m->rate_forgotten, s->rate_forgotten);
    ippm_metrics_end(&m->reg);
}

/* see stamp_metrics.h */
void stamp_send_metrics_init(struct stamp_send_metrics *m, const char *peer,
                             uint16_t ssid)
{
    static const uint32_t rc[] = {OID_SEND, 8, 0}, rs[] = {OID_SEND, 9, 0},
                          r50[] = {OID_SEND, 10, 0}, r95[] = {OID_SEND, 11, 0},
                          r99[] = {OID_SEND, 12, 0};
    struct ippm_metrics *reg = &m->reg;
    memset(m, 0, sizeof(*m));
    ippm_metrics_init(reg);
    add_series(reg, m, send_oid, send_series,
               sizeof(send_series) / sizeof(send_series[0]));
    char labels[IPPM_METRIC_LABELS_LEN] = "", id[8];
    snprintf(id, sizeof(id), "%u", (unsigned)ssid);
    ippm_metric_label(labels, sizeof(labels), "peer", peer);
    ippm_metric_label(labels, sizeof(labels), "ssid", id);
    if (ippm_metric_summary_add(reg, &m->rtt, "ippm_stamp_sender_rtt_seconds",
                                "Round-trip time less the reflector's "
                                "residence time; quantiles over the latest "
                                "1024 replies.",
                                labels) == 0) {
        ippm_metric_snmp(m->rtt.count, IPPM_SNMP_COUNTER64, rc, 5);
        ippm_metric_snmp(m->rtt.sum, IPPM_SNMP_MICROS64, rs, 5);
        ippm_metric_snmp(m->rtt.q50, IPPM_SNMP_MICROS32, r50, 5);
        ippm_metric_snmp(m->rtt.q95, IPPM_SNMP_MICROS32, r95, 5);
        ippm_metric_snmp(m->rtt.q99, IPPM_SNMP_MICROS32, r99, 5);
    }
}

/* see stamp_metrics.h */
bool stamp_send_metrics_publish(struct stamp_send_metrics *m,
                                const struct stamp_sender_counters *c,
                                uint64_t send_failed, uint64_t icmp_errors,
                                uint64_t now_ns, bool force)
{
    bool rtt_due = m->rtt.dirty && (force || now_ns - m->rtt_published_ns >=
                                                 STAMP_RTT_PUBLISH_NS);
    ippm_metrics_begin(&m->reg);
    ippm_metric_set(m->sent, c->sent);
    ippm_metric_set(m->received, c->received);
    ippm_metric_set(m->duplicates, c->duplicates);
    ippm_metric_set(m->reordered, c->reordered);
    for (int e = 1; e < STAMP_ERR_COUNT_; e++)
        ippm_metric_set(m->drop_by[e], c->drop_by[e]);
    ippm_metric_set(m->hmac, c->drop_by[IPPM_ERR_HMAC]);
    ippm_metric_set(m->send_failed, send_failed);
    ippm_metric_set(m->icmp, icmp_errors);
    ippm_metric_set(m->short_replies, c->short_replies);
    ippm_metric_summary_publish(&m->rtt, rtt_due);
    if (rtt_due)
        m->rtt_published_ns = now_ns;
    ippm_metrics_end(&m->reg);
    return m->rtt.dirty;
}
