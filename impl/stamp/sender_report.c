/* `ippm stamp sender`'s output: the per-packet lines, the summary, the
 * --json and --html reports (sender.h). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/stamp/stamp.h"
#include "impl/core/atomic_file.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/commands.h"
#include "impl/report/clock_report.h"
#include "impl/report/histogram.h"
#include "impl/report/html_report.h"
#include "impl/report/summary.h"
#include "impl/stamp/sender.h"
#include "impl/stamp/sender_dirs.h"
#include "impl/stamp/sender_copies.h"
#include "impl/stamp/tlv_opts.h"

/* ---- per-packet lines ---- */

static double ms(int64_t ns)
{
    return (double)ns / 1e6;
}

/* A received reply's one-way delays in ms: forward t2 - t1, backward
 * t4 - t3. False when the reflector's timestamps could not be read: then
 * they are no samples (issue 10 item 8: they printed as -4294967299294
 * ms), only the whole round trip is (stamp_result_rtt). */
static bool oneway_ms(const struct stamp_result *r, double *fwd, double *bwd)
{
    if (r->ts_malformed)
        return false;
    *fwd = ms((int64_t)(r->t2_ns - r->t1_ns));
    *bwd = ms((int64_t)(r->t4_ns - r->t3_ns));
    return true;
}

static const char *tlv_status_name(uint8_t st)
{
    switch (st) {
    case STAMP_TLVS_OK: return "ok";
    case STAMP_TLVS_MALFORMED: return "malformed";
    case STAMP_TLVS_INTEGRITY: return "integrity-failed";
    default: return "none";
    }
}

/* see sender.h */
void sender_print_reply(const struct sender *x, uint32_t seq,
                        const struct stamp_result *r, const json_t *tlvs)
{
    double fwd, bwd;
    printf("seq=%u rtt=%.3f ms", seq, ms(stamp_result_rtt(r)));
    if (oneway_ms(r, &fwd, &bwd))
        printf(" fwd=%.3f ms bwd=%.3f ms", fwd, bwd);
    else /* the rtt then includes the reflector's residence time */
        printf(" fwd=n/a bwd=n/a ts=malformed");
    /* ttl: the reply's, as ping; refl_ttl: the request's on arrival at
     * the reflector (its Ses-Sender TTL), where --ttl shows. */
    if (r->rx_ttl >= 0)
        printf(" ttl=%d", r->rx_ttl);
    if (!r->refl_ttl_absent)
        printf(" refl_ttl=%u", r->refl_ttl);
    printf(" refl_seq=%u%s", r->refl_seq, r->reordered ? " (reordered)" : "");
    /* Short of the base: TWAMP-Light or truncated (the summary says). */
    if (r->short_len)
        printf(" len=%u", r->short_len);
    /* RFC 8972 §4: what each TLV came back with. */
    if (tlvs)
        stamp_tlv_opts_print(stdout, tlvs);
    if (x->o.tlv_len && r->tlv_status != STAMP_TLVS_OK)
        printf(" tlvs=%s", tlv_status_name(r->tlv_status));
    putchar('\n');
}

/* ---- summary ---- */

/* No sample (every reply's timestamps malformed): n/a, not zeros. */
static void print_summary_line(const char *name, const struct ippm_summary *s)
{
    printf("%-8s min/avg/median/p95/p99/max/stddev = ", name);
    if (!s->n) {
        printf("n/a (no sample)\n");
        return;
    }
    printf("%.3f/%.3f/%.3f/%.3f/%.3f/%.3f/%.3f ms\n", ms(s->min), s->mean / 1e6,
           ms(s->median), ms(s->p95), ms(s->p99), ms(s->max), s->stddev / 1e6);
}

static void print_drops(const struct sender *x)
{
    const struct stamp_sender_counters *c = &x->s.counters;
    if (c->dropped == 0)
        return;
    printf("replies not accepted: %llu (", (unsigned long long)c->dropped);
    const char *sep = "";
    for (int e = 0; e < STAMP_ERR_COUNT_; e++) {
        if (c->drop_by[e] && e != IPPM_ERR_DUPLICATE) {
            /* Names of the enum stay in --json; people read the text. */
            printf("%s%llu ", sep, (unsigned long long)c->drop_by[e]);
            if (e == IPPM_ERR_SHORT && x->mode == STAMP_MODE_OPEN)
                printf("shorter than the %d octets that carry the copied "
                       "sequence number and the timestamps",
                       STAMP_REPLY_MIN_LEN);
            else if (e == IPPM_ERR_SHORT)
                printf("shorter than the %zu-octet base packet",
                       stamp_base_len(x->mode));
            else
                printf("%s", stamp_err_str((enum ippm_err)e));
            sep = ", ";
        }
    }
    printf(")\n");
}

/* RFC 8762 §4.3: a reply is the base packet or longer. Replies that
 * stopped short were measured as far as they go; why the peer is not
 * STAMP anyway, in one line (empty when every reply was whole). */
static void short_notice(const struct sender *x, char *buf, size_t cap)
{
    const struct stamp_sender_counters *c = &x->s.counters;
    char lens[32], share[64] = "";
    buf[0] = '\0';
    if (!c->short_replies)
        return;
    if (c->short_len_min == c->short_len_max)
        snprintf(lens, sizeof lens, "%u-octet", c->short_len_min);
    else
        snprintf(lens, sizeof lens, "%u- to %u-octet", c->short_len_min,
                 c->short_len_max);
    if (c->short_replies < c->received)
        snprintf(share, sizeof share, "%llu of %llu; ",
                 (unsigned long long)c->short_replies,
                 (unsigned long long)c->received);
    const char *why =
        c->short_len_min >= STAMP_TWL_REFLECTOR_LEN
            ? "TWAMP-Light, RFC 5357 §4.2.1"
        : c->short_len_max >= STAMP_TWL_REFLECTOR_LEN
            ? "TWAMP-Light, RFC 5357 §4.2.1, some truncated: no Ses-Sender TTL"
            : "truncated below TWAMP-Light's 41, RFC 5357 §4.2.1: no "
              "Ses-Sender TTL";
    snprintf(buf, cap,
             "reflector sent %s replies (%s%s), not the %d-octet STAMP base "
             "(RFC 8762 §4.3): measured, but not STAMP-conformant",
             lens, share, why, STAMP_BASE_LEN);
}

/* --histogram: RTT, and the one-way delays when the clocks allow, from
 * the streaming statistics (no per-packet storage). */
static void print_histograms(const struct sender *x)
{
    ippm_histogram_print(stdout, "rtt", &x->s.acc.rtt);
    if (!ippm_owd_trusted(&x->st.clocks))
        return;
    ippm_histogram_print(stdout, "forward", &x->s.acc.fwd);
    ippm_histogram_print(stdout, "backward", &x->s.acc.bwd);
}

/* see sender.h */
void sender_print_summary(const struct sender *x)
{
    const struct stamp_stats *st = &x->st;
    char as[IPPM_ADDR_STRLEN];
    printf("--- %s %s statistics%s ---\n",
           ippm_addr_fmt(&x->peer, as, sizeof(as)), x->o.front->proto,
           x->interrupted    ? " (interrupted)"
           : x->zero_ssid_stop ? " (stopped: zeroed SSID)"
                               : "");
    printf("%llu sent, %llu received, %llu lost (%.1f%%), %llu duplicated, "
           "%llu reordered\n",
           (unsigned long long)st->sent, (unsigned long long)st->received,
           (unsigned long long)st->lost, st->loss_pct,
           (unsigned long long)st->duplicated,
           (unsigned long long)st->reordered);
    char notice[256];
    short_notice(x, notice, sizeof notice);
    if (notice[0])
        printf("%s\n", notice);
    stamp_dir_print(st, x->o.dirs.reflector);
    stamp_copies_print(st);
    if (st->received > 0) {
        print_summary_line("rtt", &st->rtt);
        if (st->ipdv.n)
            print_summary_line("ipdv", &st->ipdv);
        if (st->ipdv.n)
            printf("jitter   = %.3f ms (mean |IPDV| of RTT, RFC 3393)\n",
                   st->jitter_ns / 1e6);
        else
            printf("jitter   = n/a (no two consecutive replies)\n");
        print_summary_line("forward", &st->fwd);
        print_summary_line("backward", &st->bwd);
        char clocks[256];
        printf("%s\n", ippm_owd_trust_line(&st->clocks, "sender",
                                           "reflector", clocks,
                                           sizeof clocks));
        if (x->o.histogram)
            print_histograms(x);
        if (x->o.tx_timestamps)
            printf("T1: the kernel's transmit time for %llu of %llu sent "
                   "(SO_TIMESTAMPING%s)\n",
                   (unsigned long long)x->txts.used,
                   (unsigned long long)st->sent,
                   x->txts.kind == IPPM_TXTS_NONE ? ", refused" : "");
    }
    print_drops(x);
    if (x->zero_ssid)
        printf("zeroed SSID: %llu replies (the reflector does not support "
               "RFC 8972 §3)\n",
               (unsigned long long)x->zero_ssid);
    if (x->send_failed)
        printf("send failed: %llu\n", (unsigned long long)x->send_failed);
    if (x->icmp_errors)
        printf("ICMP errors: %llu (is a reflector listening?)\n",
               (unsigned long long)x->icmp_errors);
}

/* ---- JSON ---- */

static const char *res_state_name(uint8_t state)
{
    return state == STAMP_RES_RECEIVED ? "received" : "lost";
}

/* see sender.h */
json_t *sender_json_packet(const struct sender *x, uint32_t seq,
                           const struct stamp_result *r)
{
    json_t *p = json_pack("{s:I, s:s}", "seq", (json_int_t)seq, "state",
                          res_state_name(r->state));
    json_object_set_new(p, "t1_ns", json_integer((json_int_t)r->t1_ns));
    if (r->state != STAMP_RES_RECEIVED)
        return p;
    double fwd, bwd;
    bool valid = oneway_ms(r, &fwd, &bwd);
    /* Not valid: null, never a number (the reflector's t2 and t3 too). */
    json_object_update_new(
        p, json_pack("{s:f, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, "
                     "s:b, s:b, s:I}",
                     "rtt_ms", ms(stamp_result_rtt(r)), "fwd_ms",
                     valid ? json_real(fwd) : json_null(), "bwd_ms",
                     valid ? json_real(bwd) : json_null(), "t2_ns",
                     valid ? json_integer((json_int_t)r->t2_ns) : json_null(),
                     "t3_ns",
                     valid ? json_integer((json_int_t)r->t3_ns) : json_null(),
                     "t4_ns", (json_int_t)r->t4_ns, "ttl",
                     (json_int_t)r->rx_ttl, "refl_ttl", (json_int_t)r->refl_ttl,
                     "refl_seq", (json_int_t)r->refl_seq, "refl_ssid",
                     (json_int_t)r->refl_ssid, "reordered", r->reordered,
                     "ts_malformed", r->ts_malformed, "duplicates",
                     (json_int_t)r->duplicates));
    /* A reply short of the base (the report's "not_stamp_conformant"). */
    if (r->short_len)
        json_object_set_new(p, "reply_len", json_integer(r->short_len));
    if (r->refl_ttl_absent)
        json_object_set_new(p, "refl_ttl", json_null());
    if (x->o.tlv_len) {
        json_object_set_new(p, "tlv_status",
                            json_string(tlv_status_name(r->tlv_status)));
        json_t *t = x->pkt_tlvs ? x->pkt_tlvs[seq % x->ring] : NULL;
        json_object_set_new(p, "tlvs", t ? json_incref(t) : json_array());
    }
    return p;
}

static json_t *json_drops(const struct sender *x)
{
    json_t *o = json_object();
    for (int e = 0; e < STAMP_ERR_COUNT_; e++)
        if (x->s.counters.drop_by[e])
            json_object_set_new(o, stamp_err_name((enum ippm_err)e),
                                json_integer((json_int_t)x->s.counters.drop_by[e]));
    return o;
}

/* see sender.h */
json_t *sender_json_summary(const struct sender *x)
{
    const struct stamp_stats *st = &x->st;
    char as[IPPM_ADDR_STRLEN];
    json_t *root = json_pack(
        "{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:f, s:f, s:b}",
        "protocol", x->o.front->json_proto, "role", "sender", "host", x->o.host, "peer",
        ippm_addr_fmt(&x->peer, as, sizeof(as)), "port", (json_int_t)x->o.port,
        "mode", sender_mode_name(x),
        "timestamp", ippm_clock_fmt_name(x->o.tsfmt), "size",
        (json_int_t)x->o.size, "count",
        (json_int_t)(x->o.continuous ? 0 : x->o.count), "interval_s",
        (double)x->o.interval_ns / 1e9, "wait_s", (double)x->o.wait_ns / 1e9,
        "interrupted", x->interrupted);
    /* What wrote it, and which schema it follows (sender_live.h). */
    json_object_set_new(root, "ippm_version", json_string(IPPM_VERSION));
    json_object_set_new(root, "schema_version",
                        json_integer(IPPM_SENDER_SCHEMA_VERSION));
    json_object_update_new(
        root, json_pack("{s:I, s:I, s:I, s:f, s:I, s:I, s:I, s:I}", "sent",
                        (json_int_t)st->sent, "received",
                        (json_int_t)st->received, "lost", (json_int_t)st->lost,
                        "loss_pct", st->loss_pct, "duplicated",
                        (json_int_t)st->duplicated, "reordered",
                        (json_int_t)st->reordered, "send_failed",
                        (json_int_t)x->send_failed, "icmp_errors",
                        (json_int_t)x->icmp_errors));
    stamp_dir_json(root, st);
    stamp_copies_json(root, st);
    json_object_set_new(root, "rtt_ms", ippm_json_summary_ms(&st->rtt));
    json_object_set_new(root, "ipdv_ms", ippm_json_summary_ms(&st->ipdv));
    json_object_set_new(root, "jitter_ms",
                        st->ipdv.n ? json_real(st->jitter_ns / 1e6)
                                   : json_null());
    json_object_set_new(root, "fwd_ms", ippm_json_summary_ms(&st->fwd));
    json_object_set_new(root, "bwd_ms", ippm_json_summary_ms(&st->bwd));
    json_object_set_new(root, "one_way_clocks",
                        ippm_owd_trust_json(&st->clocks, "sender",
                                            "reflector"));
    json_object_set_new(
        root, "tx_timestamps",
        !x->o.tx_timestamps
            ? json_null()
            : json_pack("{s:b, s:I}", "kernel",
                        x->txts.kind != IPPM_TXTS_NONE, "t1_from_kernel",
                        (json_int_t)x->txts.used));
    json_object_set_new(root, "dropped_by", json_drops(x));
    json_object_set_new(root, "zero_ssid_replies",
                        json_integer((json_int_t)x->zero_ssid));
    json_object_set_new(root, "stopped_on_zero_ssid",
                        json_boolean(x->zero_ssid_stop));
    const struct stamp_sender_counters *c = &x->s.counters;
    char notice[256];
    short_notice(x, notice, sizeof notice);
    if (notice[0])
        json_object_set_new(
            root, "not_stamp_conformant",
            json_pack("{s:s, s:I, s:I, s:I}", "reason", notice,
                      "short_replies", (json_int_t)c->short_replies,
                      "reply_len_min", (json_int_t)c->short_len_min,
                      "reply_len_max", (json_int_t)c->short_len_max));
    /* "packets" comes last; json_fill appends it from x->pkt_json. */
    return root;
}

#define JSON_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(12))

/* Appends one packet to the "packets" array in x->pkt_json, laid out as
 * json_dumpf lays out an element of a member of the root (indented by
 * four), so the report is the one a whole array would give. Sent packets
 * only: an interrupted run leaves the rest unsent. */
/* see sender.h */
void sender_json_stream_packet(struct sender *x, uint32_t seq,
                               const struct stamp_result *r)
{
    json_t *p = sender_json_packet(x, seq, r);
    char *text = p ? json_dumps(p, JSON_FLAGS) : NULL;
    json_decref(p);
    if (!text) {
        x->pkt_json_failed = true;
        return;
    }
    FILE *f = x->pkt_json;
    fputs(x->pkt_json_n++ ? ",\n    " : "    ", f);
    for (const char *c = text; *c; c++) {
        fputc(*c, f);
        if (*c == '\n')
            fputs("    ", f);
    }
    free(text);
}

/* Copies the packets written so far into f. */
static int json_copy_packets(FILE *f, FILE *pk)
{
    char buf[65536];
    size_t n;
    if (fflush(pk) != 0 || fseek(pk, 0, SEEK_SET) != 0)
        return -1;
    while ((n = fread(buf, 1, sizeof buf, pk)) > 0)
        if (fwrite(buf, 1, n, f) != n)
            return -1;
    return ferror(pk) ? -1 : 0;
}

struct json_out {
    json_t *root;
    const struct sender *x;
};

static int json_fill(FILE *f, void *arg)
{
    const struct json_out *o = arg;
    char *text = json_dumps(o->root, JSON_FLAGS);
    size_t len = text ? strlen(text) : 0;
    /* The root without "packets" ends "\n}"; the member goes before. */
    int rc = len >= 2 && text[len - 1] == '}' ? 0 : -1;
    if (rc == 0 && (fwrite(text, 1, len - 2, f) != len - 2 ||
                    fputs(",\n  \"packets\": [", f) == EOF))
        rc = -1;
    free(text);
    if (rc == 0 && o->x->pkt_json_n &&
        (fputc('\n', f) == EOF || json_copy_packets(f, o->x->pkt_json) != 0 ||
         fputs("\n  ", f) == EOF))
        rc = -1;
    if (rc == 0 && fputs("]\n}\n", f) == EOF)
        rc = -1;
    return rc;
}

/* see sender.h */
int sender_write_json(const struct sender *x)
{
    json_t *root = x->pkt_json_failed ? NULL : sender_json_summary(x);
    struct json_out out = {root, x};
    int rc = root ? ippm_atomic_write(x->o.json, json_fill, &out) : -1;
    json_decref(root);
    if (rc != 0) {
        ippm_cli_error("--json: cannot write '%s': %s", x->o.json,
                       root ? strerror(errno) : "cannot build JSON");
        return IPPM_EXIT_RUNTIME;
    }
    return IPPM_EXIT_OK;
}

/* ---- HTML ---- */

/* The most points a plot series holds: 16 of them fill a pixel column
 * of a 4,000-pixel-wide plot, and 3 series of them take 3.3 MB. */
#define SEND_HTML_POINTS 65536u

/* see sender.h */
int sender_html_alloc(struct sender *x)
{
    size_t n = x->o.count < SEND_HTML_POINTS ? x->o.count : SEND_HTML_POINTS;
    x->h_stride = 1;
    if (ippm_series_alloc(&x->h_rtt, "RTT", n) != 0 ||
        ippm_series_alloc(&x->h_fwd, "forward (to reflector)", n) != 0 ||
        ippm_series_alloc(&x->h_bwd, "backward (to sender)", n) != 0)
        return -1;
    x->h_rtt.n = x->h_fwd.n = x->h_bwd.n = 0;
    return 0;
}

/* Keeps every other point of s (the packets whose number is a multiple
 * of twice the old stride). */
static void series_halve(struct ippm_series *s)
{
    size_t k = 0;
    for (size_t j = 0; j < s->n; j += 2, k++) {
        s->x[k] = s->x[j];
        s->y[k] = s->y[j];
        s->marks[k] = s->marks[j];
    }
    s->n = k;
}

/* RTT and one-way delays of a packet leaving the ring (in sequence order),
 * by send time; every h_stride-th packet only, and when the series are
 * full every other point goes and the stride doubles. */
/* see sender.h */
void sender_html_point(struct sender *x, uint32_t i,
                       const struct stamp_result *r)
{
    struct ippm_series *rtt = &x->h_rtt, *fwd = &x->h_fwd, *bwd = &x->h_bwd;
    if (i == 0)
        x->h_t0 = r->t1_ns;
    if (i % x->h_stride)
        return;
    if (rtt->n == SEND_HTML_POINTS) {
        series_halve(rtt);
        series_halve(fwd);
        series_halve(bwd);
        x->h_stride *= 2;
        if (i % x->h_stride)
            return;
    }
    size_t k = rtt->n;
    rtt->n = fwd->n = bwd->n = k + 1;
    uint8_t m = 0;
    if (r->state != STAMP_RES_RECEIVED)
        m = IPPM_MARK_LOST;
    if (r->reordered)
        m |= IPPM_MARK_REORDERED;
    if (r->duplicates)
        m |= IPPM_MARK_DUPLICATE;
    double t = (double)(int64_t)(r->t1_ns - x->h_t0) / 1e9;
    rtt->x[k] = fwd->x[k] = bwd->x[k] = t;
    rtt->marks[k] = fwd->marks[k] = bwd->marks[k] = m;
    rtt->y[k] = fwd->y[k] = bwd->y[k] = 0;
    if (m & IPPM_MARK_LOST)
        return;
    rtt->y[k] = ms(stamp_result_rtt(r));
    /* No point where the one-way delays are no samples. */
    if (!oneway_ms(r, &fwd->y[k], &bwd->y[k]))
        fwd->y[k] = bwd->y[k] = NAN;
}

/* RTT and one-way delays of every sent packet, by send time. */
/* see sender.h */
int sender_write_html(struct sender *x)
{
    struct ippm_series *rtt = &x->h_rtt, *fwd = &x->h_fwd, *bwd = &x->h_bwd;
    /* The points of sent packets only (sender_html_point): an interrupted
     * run leaves the rest unsent. */
    int rc = 0;
    char note[640], notice[256];
    int nl = snprintf(note, sizeof note, "%s",
                      "RTT excludes the reflector's residence time (t3 - t2). "
                      "One-way delays compare two clocks and are only as good "
                      "as their synchronisation.");
    if (x->h_stride > 1 && nl > 0 && (size_t)nl < sizeof note)
        snprintf(note + nl, sizeof note - (size_t)nl,
                 " The plots show one packet in %u (every %u-th by "
                 "sequence number); the figures above count every packet.",
                 x->h_stride, x->h_stride);
    short_notice(x, notice, sizeof notice);
    nl = (int)strlen(note);
    if (notice[0] && (size_t)nl < sizeof note)
        snprintf(note + nl, sizeof note - (size_t)nl, " The %s.", notice);
    const struct stamp_stats *st = &x->st;
    char peer[IPPM_ADDR_STRLEN], sub[256], v[8][48];
    ippm_addr_fmt(&x->peer, peer, sizeof peer);
    double iv = (double)x->o.interval_ns / 1e9;
    snprintf(sub, sizeof sub,
             "%s to %s, %s mode, %s timestamps, %zu-octet "
             "packets every %g %s%s",
             x->o.front->flavour == STAMP_FLAVOUR_TWAMP_LIGHT
                 ? "TWAMP-Light (RFC 5357 Appendix I)"
                 : "STAMP (RFC 8762)",
             peer, sender_mode_name(x),
             ippm_clock_fmt_name(x->o.tsfmt), x->o.size,
             iv < 1e-3 ? iv * 1e6 : iv < 1 ? iv * 1e3 : iv,
             iv < 1e-3 ? "\u00b5s" : iv < 1 ? "ms" : "s",
             x->interrupted ? " (interrupted)" : "");
    snprintf(v[0], sizeof v[0], "%llu", (unsigned long long)st->sent);
    snprintf(v[1], sizeof v[1], "%llu", (unsigned long long)st->received);
    snprintf(v[2], sizeof v[2], "%llu (%.1f%%)", (unsigned long long)st->lost,
             st->loss_pct);
    snprintf(v[3], sizeof v[3], "%llu", (unsigned long long)st->reordered);
    snprintf(v[4], sizeof v[4], "%llu", (unsigned long long)st->duplicated);
    snprintf(v[5], sizeof v[5], "%.3f / %.3f / %.3f ms", ms(st->rtt.min),
             ms(st->rtt.median), ms(st->rtt.max));
    snprintf(v[6], sizeof v[6], "%.3f ms", ms(st->rtt.p99));
    if (st->ipdv.n)
        snprintf(v[7], sizeof v[7], "%.3f ms", st->jitter_ns / 1e6);
    else
        snprintf(v[7], sizeof v[7], "n/a");
    char started[32], clocks[256];
    ippm_owd_trust_line(&st->clocks, "sender", "reflector", clocks,
                        sizeof clocks);
    ippm_report_iso8601(x->s.cfg.start_ns - (uint64_t)x->clk.offset_ns,
                        started, sizeof started);
    const struct ippm_html_fact facts[] = {
        {"started (UTC)", started},
        {"sent", v[0]},      {"received", v[1]},
        {"lost", v[2]},      {"reordered", v[3]},
        {"duplicated", v[4]}, {"RTT min / median / max", v[5]},
        {"RTT p99", v[6]},   {"jitter (mean |IPDV|)", v[7]},
        {"one-way delay", clocks + strlen("one-way delay: ")},
    };
    struct ippm_html_plot plots[3];
    struct ippm_html h = {
        .title = x->o.front->flavour == STAMP_FLAVOUR_TWAMP_LIGHT
                     ? "ippm twamp light-sender"
                     : "ippm stamp sender",
        .subtitle = sub,
        .facts = facts,
        .n_facts = st->received ? 10 : 6,
        .plots = plots,
        .n_plots = rc == 0
                       ? ippm_html_standard_plots(plots, rtt, NULL, fwd, bwd)
                       : 0,
        .note = note,
    };
    if (rc == 0)
        rc = ippm_html_write(x->o.html, &h);
    int err = errno;
    if (rc != 0) {
        ippm_cli_error("--html: cannot write '%s': %s", x->o.html,
                       strerror(err));
        return IPPM_EXIT_RUNTIME;
    }
    return IPPM_EXIT_OK;
}
