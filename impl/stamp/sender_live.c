/* `ippm stamp sender`'s output while it runs: interval lines and --jsonl
 * (sender_live.h). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/common/ippm_interval.h"
#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/stamp/sender.h"
#include "impl/stamp/sender_live.h"

/* ---- --jsonl ---- */

/* Writes one record on a line of its own and flushes it, so a pipeline
 * tailing the file sees it at once. Takes the reference to rec. */
static void jsonl_put(struct sender *x, json_t *rec)
{
    FILE *f = x->live.jsonl;
    if (!f || !rec) {
        x->live.jsonl_failed |= f && !rec;
        json_decref(rec);
        return;
    }
    char *text = json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(rec);
    if (!text || fputs(text, f) == EOF || fputc('\n', f) == EOF ||
        fflush(f) == EOF)
        x->live.jsonl_failed = true;
    free(text);
}

/* A record: "type" first, then the object's members. */
static json_t *jsonl_record(const char *type, json_t *body)
{
    json_t *rec = json_pack("{s:s}", "type", type);
    if (rec && body)
        json_object_update(rec, body);
    json_decref(body);
    return rec;
}

/* see sender_live.h */
int sender_live_open(struct sender *x)
{
    const char *path = x->o.jsonl;
    if (!path)
        return -1;
    if (strcmp(path, "-") == 0) {
        /* stdout carries the records alone, for a pipe; the text the
         * sender prints goes to stderr instead. */
        int fd = dup(STDOUT_FILENO);
        x->live.jsonl = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (x->live.jsonl &&
            (fflush(stdout) != 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)) {
            fclose(x->live.jsonl);
            x->live.jsonl = NULL;
        }
    } else {
        x->live.jsonl = fopen(path, "w");
    }
    if (!x->live.jsonl) {
        ippm_cli_error("--jsonl: cannot write '%s': %s", path, strerror(errno));
        return IPPM_EXIT_RUNTIME;
    }
    return -1;
}

/* see sender_live.h */
void sender_live_start(struct sender *x, uint64_t t0_ns)
{
    x->live.intervals = x->o.report_interval_ns > 0;
    if (x->live.intervals)
        ippm_ivals_init(&x->live.iv, t0_ns, x->o.report_interval_ns,
                        x->o.wait_ns);
    if (!x->live.jsonl)
        return;
    /* The settings of --json's report, before any packet. */
    json_t *s = sender_json_summary(x);
    json_t *start = json_object();
    static const char *const keep[] = {
        "ippm_version", "schema_version", "protocol", "role",      "host",
        "peer",         "port",           "mode",     "timestamp", "size",
        "count",        "interval_s",     "wait_s"};
    for (size_t i = 0; s && start && i < sizeof keep / sizeof keep[0]; i++)
        json_object_set(start, keep[i], json_object_get(s, keep[i]));
    json_decref(s);
    if (start)
        json_object_set_new(
            start, "report_interval_s",
            x->live.intervals ? json_real((double)x->o.report_interval_ns / 1e9)
                              : json_null());
    jsonl_put(x, jsonl_record("start", start));
}

/* see sender_live.h */
void sender_live_sent(struct sender *x, uint64_t sent_ns)
{
    if (x->live.intervals)
        ippm_ivals_sent(&x->live.iv, sent_ns);
}

/* see sender_live.h */
void sender_live_reply(struct sender *x, uint32_t seq,
                       const struct stamp_result *r, const json_t *tlvs)
{
    if (x->live.intervals)
        ippm_ivals_reply(&x->live.iv, r->t1_ns, seq, stamp_result_rtt(r));
    if (!x->live.jsonl)
        return;
    json_t *p = sender_json_packet(x, seq, r);
    if (p && x->o.tlv_len)
        json_object_set_new(p, "tlvs",
                            tlvs ? json_deep_copy(tlvs) : json_array());
    jsonl_put(x, jsonl_record("reply", p));
}

/* ---- interval lines ---- */

static double ms(double ns)
{
    return ns / 1e6;
}

/* One line per interval, as iperf3 -i prints them. */
static void interval_print(const struct ippm_ival_report *r)
{
    printf("[%6.2f-%6.2f s] sent %llu, received %llu, lost %llu (%.1f%%)",
           (double)r->start_ns / 1e9, (double)r->end_ns / 1e9,
           (unsigned long long)r->sent, (unsigned long long)r->received,
           (unsigned long long)r->lost, r->loss_pct);
    if (r->rtt_n)
        printf(", rtt min/avg/max %.3f/%.3f/%.3f ms", ms((double)r->rtt_min),
               ms(r->rtt_mean), ms((double)r->rtt_max));
    else
        printf(", rtt n/a");
    if (r->ipdv_n)
        printf(", jitter %.3f ms\n", ms(r->jitter_ns));
    else
        printf(", jitter n/a\n");
    fflush(stdout);
}

static json_t *interval_json(const struct ippm_ival_report *r)
{
    json_t *o = json_pack(
        "{s:I, s:f, s:f, s:I, s:I, s:I, s:f}", "index", (json_int_t)r->index,
        "start_s", (double)r->start_ns / 1e9, "end_s", (double)r->end_ns / 1e9,
        "sent", (json_int_t)r->sent, "received", (json_int_t)r->received,
        "lost", (json_int_t)r->lost, "loss_pct", r->loss_pct);
    if (!o)
        return NULL;
    json_object_set_new(
        o, "rtt_ms",
        r->rtt_n ? json_pack("{s:I, s:f, s:f, s:f}", "n", (json_int_t)r->rtt_n,
                             "min", ms((double)r->rtt_min), "avg",
                             ms(r->rtt_mean), "max", ms((double)r->rtt_max))
                 : json_null());
    json_object_set_new(o, "jitter_ms",
                        r->ipdv_n ? json_real(ms(r->jitter_ns)) : json_null());
    return o;
}

static void intervals_emit(struct sender *x, uint64_t now_ns, bool end)
{
    struct ippm_ival_report r;
    while (ippm_ivals_next(&x->live.iv, now_ns, end, &r)) {
        interval_print(&r);
        if (x->live.jsonl)
            jsonl_put(x, jsonl_record("interval", interval_json(&r)));
    }
}

/* see sender_live.h */
uint64_t sender_live_tick(struct sender *x, uint64_t now_ns)
{
    if (!x->live.intervals)
        return UINT64_MAX;
    intervals_emit(x, now_ns, false);
    return ippm_ivals_deadline(&x->live.iv);
}

/* see sender_live.h */
int sender_live_end(struct sender *x, uint64_t now_ns)
{
    if (x->live.intervals)
        intervals_emit(x, now_ns, true);
    FILE *f = x->live.jsonl;
    if (!f)
        return IPPM_EXIT_OK;
    jsonl_put(x, jsonl_record("summary", sender_json_summary(x)));
    x->live.jsonl = NULL;
    if (fclose(f) != 0)
        x->live.jsonl_failed = true;
    if (x->live.jsonl_failed) {
        ippm_cli_error("--jsonl: cannot write '%s'", x->o.jsonl);
        return IPPM_EXIT_RUNTIME;
    }
    return IPPM_EXIT_OK;
}
