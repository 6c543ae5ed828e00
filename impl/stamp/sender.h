/* What the `ippm stamp sender` driver (sender.c) and its output
 * (sender_report.c: per-packet lines, summary, --json, --html) share.
 * Private to impl/stamp. */
#ifndef IPPM_STAMP_SENDER_H
#define IPPM_STAMP_SENDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto/stamp/stamp.h"
#include "impl/core/clock.h"
#include "impl/core/driver_common.h"
#include "impl/core/net.h"
#include "impl/core/progress.h"
#include "impl/report/html_report.h"
#include "impl/stamp/driver.h"
#include "impl/stamp/metrics.h"
#include "impl/stamp/sender_dirs.h"
#include "impl/stamp/sender_live.h"
#include "impl/stamp/tlv_opts.h"
#include "impl/stamp/txts.h"

/* RFC 8972 §3: "An implementation of a Session-Sender MUST support control
 * of its behavior" when a reply carries a zeroed SSID (a reflector without
 * RFC 8972). */
enum zero_ssid { ZS_WARN = 0, ZS_CONTINUE, ZS_STOP };

struct send_opts {
    const struct stamp_front *front; /* `ippm stamp` or TWAMP-Light */
    bool symmetrical;            /* TWAMP-Light: pad to 41, RFC 6038 */
    bool encrypted;              /* TWAMP-Light: mode E, not A */
    const char *host;
    uint16_t port;
    uint32_t count;
    uint64_t interval_ns;
    size_t size;                 /* 0: the mode's base length */
    const char *key_file;
    enum ippm_tsfmt tsfmt;
    int dscp;                    /* -1: leave alone */
    int ttl;                     /* -1: leave alone */
    uint16_t ssid;
    uint64_t wait_ns;
    bool per_packet;
    const char *json;
    const char *html;
    bool no_progress;
    bool histogram;              /* --histogram: in the summary */
    bool tx_timestamps;          /* --tx-timestamps: T1 from the kernel */
    bool continuous;             /* --count 0: count is the seq space */
    bool count_given;            /* --count was given */
    uint64_t duration_ns;        /* --duration, 0: none */
    uint64_t report_interval_ns; /* --report-interval, 0: none */
    const char *jsonl;           /* --jsonl FILE, "-" stdout */
    struct ippm_export_opts exp;   /* --metrics, --agentx */
    enum zero_ssid on_zero_ssid;   /* --on-zero-ssid */
    struct stamp_tlv_opts tlv;     /* --cos, --location, ... */
    struct stamp_dir_opts dirs;    /* --reflector, --grace */
    uint8_t *tlv_block;            /* built once from tlv */
    size_t tlv_len;
};

struct sender {
    struct send_opts o;
    struct ippm_addr peer;
    struct ippm_sock sock;
    struct ippm_clock clk;
    struct ippm_errest_watch clock_watch; /* our Error Estimate, re-read */
    struct stamp_txts txts;     /* --tx-timestamps */
    struct ippm_driver_key key; /* may be open mode's HMAC TLV key */
    enum stamp_mode mode;
    /* TWAMP Light in mode A or E: the front's operations and state. */
    const struct stamp_twl_auth *twl_auth;
    void *twl_state;
    struct stamp_sender s;
    struct stamp_result *res;   /* the ring, ring entries */
    uint32_t ring;
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
    uint64_t send_failed;
    uint64_t icmp_errors;
    bool interrupted;
    bool failed;            /* proto refused to build a packet */
    uint64_t zero_ssid;     /* replies with a zeroed SSID (--ssid set) */
    bool duration_over;     /* --duration passed: sending ended */
    bool zero_ssid_stop;    /* --on-zero-ssid stop: end the session */
    struct stamp_stats st;
    struct ippm_progress prog;
    uint32_t lost_cursor;   /* progress: sequence numbers judged so far */
    uint64_t lost_so_far;
    struct stamp_send_metrics met; /* published only when exp.on */
    struct ippm_export exp;
    json_t **pkt_tlvs;      /* --json: each reply's TLVs, by ring slot */
    FILE *pkt_json;         /* --json: the packets array so far */
    uint64_t pkt_json_n;
    bool pkt_json_failed;
    /* --html: a point per h_stride packets, at most SEND_HTML_POINTS, so
     * the plots' memory does not grow with --count either. */
    struct ippm_series h_rtt, h_fwd, h_bwd;
    uint32_t h_stride;      /* packets per point, a power of two */
    uint64_t h_t0;          /* first send time */
    struct sender_live live; /* --report-interval, --jsonl */
};

/* --per-packet: one reply's line; tlvs its TLVs as JSON, NULL none. */
void sender_print_reply(const struct sender *x, uint32_t seq,
                        const struct stamp_result *r, const json_t *tlvs);

/* The statistics after the run, ping-style. */
void sender_print_summary(const struct sender *x);

/* --json: appends a packet leaving the ring to x->pkt_json. */
void sender_json_stream_packet(struct sender *x, uint32_t seq,
                               const struct stamp_result *r);

/* A packet's JSON object, as in --json's "packets" (a new reference). */
json_t *sender_json_packet(const struct sender *x, uint32_t seq,
                           const struct stamp_result *r);

/* --json's report without "packets": settings, ippm and schema version,
 * the summary (a new reference). */
json_t *sender_json_summary(const struct sender *x);

/* --json: writes the report. Returns the exit status. */
int sender_write_json(const struct sender *x);

/* --html: the plots' series, a point per packet to be sent. Returns 0 or
 * -1. */
int sender_html_alloc(struct sender *x);

/* --html: a packet leaving the ring into the series. */
void sender_html_point(struct sender *x, uint32_t i,
                       const struct stamp_result *r);

/* --html: writes the report. Returns the exit status. */
int sender_write_html(struct sender *x);

/* The mode as reports name it: "open", "authenticated", "encrypted". */
static inline const char *sender_mode_name(const struct sender *x)
{
    if (x->twl_state)
        return x->o.front->auth_mode_name(x->twl_state);
    return x->mode == STAMP_MODE_AUTH ? "authenticated" : "open";
}

#endif
