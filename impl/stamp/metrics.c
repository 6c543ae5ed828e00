/* The STAMP drivers' series. OIDs are below IPPM_SNMP_ROOT and match
 * packaging/IPPM-MIB.txt: ippmObjects(1).ippmStamp(1), then
 * ippmStampReflector(1) or ippmStampSender(2). Scalars end in .0. */
#include "impl/stamp/metrics.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "impl/core/cli.h"
#include "impl/commands.h"

#define OID_REFL         1, 1, 1
#define OID_SEND         1, 1, 2
#define DROP_ENTRY       1 /* xxxDropTable.1 = xxxDropEntry */
#define DROP_COL_NAME    2
#define DROP_COL_PACKETS 3

/* see stamp_metrics.h */
int stamp_export_check_metrics(const char *arg)
{
    char host[256];
    uint16_t port;
    return ippm_metrics_http_parse("--metrics", arg, host, sizeof(host), &port);
}

/* see stamp_metrics.h */
int stamp_export_start(struct stamp_export *e, const struct ippm_metrics *reg,
                       const struct stamp_export_opts *o)
{
    int rc = -1;
    memset(e, 0, sizeof(*e));
    if (o->metrics) {
        e->http = ippm_metrics_http_start(reg, "--metrics", o->metrics, &rc);
        if (!e->http)
            return rc;
    }
    if (o->agentx) {
        if (!o->agentx[0]) {
            ippm_cli_error("--agentx: the master's socket is empty");
            ippm_metrics_http_stop(e->http);
            e->http = NULL;
            return IPPM_EXIT_USAGE;
        }
        e->ax = ippm_agentx_start(reg, "--agentx", o->agentx, &rc);
        if (!e->ax) {
            ippm_metrics_http_stop(e->http);
            e->http = NULL;
            return rc;
        }
    }
    e->on = e->http || e->ax;
    return -1;
}

/* see stamp_metrics.h */
void stamp_export_stop(struct stamp_export *e)
{
    ippm_agentx_stop(e->ax);
    ippm_metrics_http_stop(e->http);
    e->ax = NULL;
    e->http = NULL;
    e->on = false;
}

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

static struct ippm_metric *scalar(struct ippm_metrics *reg,
                                  enum ippm_metric_type type,
                                  const char *family, const char *help,
                                  enum ippm_snmp_kind kind, const uint32_t *oid,
                                  size_t n)
{
    struct ippm_metric *m = ippm_metric_add(reg, type, family, help, NULL);
    ippm_metric_snmp(m, kind, oid, n);
    return m;
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

/* see stamp_metrics.h */
void stamp_refl_metrics_init(struct stamp_refl_metrics *m)
{
    static const uint32_t rx[] = {OID_REFL, 1, 0}, tx[] = {OID_REFL, 2, 0},
                          sf[] = {OID_REFL, 3, 0}, hm[] = {OID_REFL, 4, 0},
                          ss[] = {OID_REFL, 5, 0}, ev[] = {OID_REFL, 6, 0},
                          dt[] = {OID_REFL, 7};
    struct ippm_metrics *reg = &m->reg;
    memset(m, 0, sizeof(*m));
    ippm_metrics_init(reg);
    m->received = scalar(
        reg, IPPM_METRIC_COUNTER, "ippm_stamp_reflector_packets_received_total",
        "Datagrams received on the STAMP port.", IPPM_SNMP_COUNTER64, rx, 5);
    m->sent = scalar(reg, IPPM_METRIC_COUNTER,
                     "ippm_stamp_reflector_packets_sent_total",
                     "Reflected packets sent.", IPPM_SNMP_COUNTER64, tx, 5);
    m->send_failed = scalar(reg, IPPM_METRIC_COUNTER,
                            "ippm_stamp_reflector_send_failures_total",
                            "Reflected packets the kernel refused to send.",
                            IPPM_SNMP_COUNTER64, sf, 5);
    drop_rows(reg, m->drop_by, "ippm_stamp_reflector_packets_dropped_total",
              "Packets not reflected, by reason (ippm error name).", dt, 4);
    m->hmac = scalar(reg, IPPM_METRIC_COUNTER,
                     "ippm_stamp_reflector_hmac_failures_total",
                     "Authenticated packets whose HMAC did not match "
                     "(RFC 8762 section 4.4).",
                     IPPM_SNMP_COUNTER64, hm, 5);
    m->sessions =
        scalar(reg, IPPM_METRIC_GAUGE, "ippm_stamp_reflector_sessions",
               "Sessions in the stateful reflector's table.", IPPM_SNMP_GAUGE32,
               ss, 5);
    m->evicted = scalar(
        reg, IPPM_METRIC_COUNTER, "ippm_stamp_reflector_sessions_evicted_total",
        "Idle sessions replaced by new ones.", IPPM_SNMP_COUNTER64, ev, 5);
}

/* see stamp_metrics.h */
void stamp_refl_metrics_publish(struct stamp_refl_metrics *m,
                                const struct stamp_refl_sample *s,
                                const struct stamp_reflector *r)
{
    ippm_metrics_begin(&m->reg);
    ippm_metric_set(m->received, s->received);
    ippm_metric_set(m->sent, s->replied);
    ippm_metric_set(m->send_failed, s->send_failed);
    for (int e = 1; e < STAMP_ERR_COUNT_; e++)
        ippm_metric_set(m->drop_by[e], s->drop_by[e]);
    ippm_metric_set(m->hmac, s->drop_by[IPPM_ERR_HMAC]);
    ippm_metric_set(m->sessions, r->sessions_used);
    ippm_metric_set(m->evicted, r->counters.sessions_evicted);
    ippm_metrics_end(&m->reg);
}

/* see stamp_metrics.h */
void stamp_send_metrics_init(struct stamp_send_metrics *m, const char *peer,
                             uint16_t ssid)
{
    static const uint32_t st[] = {OID_SEND, 1, 0}, rv[] = {OID_SEND, 2, 0},
                          du[] = {OID_SEND, 3, 0}, ro[] = {OID_SEND, 4, 0},
                          hm[] = {OID_SEND, 5, 0}, sf[] = {OID_SEND, 6, 0},
                          ic[] = {OID_SEND, 7, 0}, rc[] = {OID_SEND, 8, 0},
                          rs[] = {OID_SEND, 9, 0}, r50[] = {OID_SEND, 10, 0},
                          r95[] = {OID_SEND, 11, 0}, r99[] = {OID_SEND, 12, 0},
                          dt[] = {OID_SEND, 13};
    struct ippm_metrics *reg = &m->reg;
    memset(m, 0, sizeof(*m));
    ippm_metrics_init(reg);
    m->sent =
        scalar(reg, IPPM_METRIC_COUNTER, "ippm_stamp_sender_packets_sent_total",
               "Test packets sent.", IPPM_SNMP_COUNTER64, st, 5);
    m->received = scalar(
        reg, IPPM_METRIC_COUNTER, "ippm_stamp_sender_packets_received_total",
        "Replies received (first copies).", IPPM_SNMP_COUNTER64, rv, 5);
    m->duplicates =
        scalar(reg, IPPM_METRIC_COUNTER, "ippm_stamp_sender_duplicates_total",
               "Duplicate replies.", IPPM_SNMP_COUNTER64, du, 5);
    m->reordered =
        scalar(reg, IPPM_METRIC_COUNTER, "ippm_stamp_sender_reordered_total",
               "Replies reordered (RFC 4737 section 3.3).", IPPM_SNMP_COUNTER64,
               ro, 5);
    drop_rows(reg, m->drop_by, "ippm_stamp_sender_replies_dropped_total",
              "Replies not accepted, by reason (ippm error name).", dt, 4);
    m->hmac = scalar(reg, IPPM_METRIC_COUNTER,
                     "ippm_stamp_sender_hmac_failures_total",
                     "Authenticated replies whose HMAC did not match.",
                     IPPM_SNMP_COUNTER64, hm, 5);
    m->send_failed = scalar(
        reg, IPPM_METRIC_COUNTER, "ippm_stamp_sender_send_failures_total",
        "Test packets the kernel refused to send.", IPPM_SNMP_COUNTER64, sf, 5);
    m->icmp = scalar(
        reg, IPPM_METRIC_COUNTER, "ippm_stamp_sender_icmp_errors_total",
        "ICMP errors reported for test packets.", IPPM_SNMP_COUNTER64, ic, 5);
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
    ippm_metric_summary_publish(&m->rtt, rtt_due);
    if (rtt_due)
        m->rtt_published_ns = now_ns;
    ippm_metrics_end(&m->reg);
    return m->rtt.dirty;
}
