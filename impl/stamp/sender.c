/* `ippm stamp sender`: drives stamp_sender with TIMER events when its
 * deadline passes and DATAGRAM events carrying the kernel's receive time, then
 * prints (and optionally writes as JSON) what stamp_sender_stats makes of
 * the results. Like the reflector it never reads a STAMP field. Records
 * live in a ring of SEND_RING; each one's per-packet output is written as
 * it leaves the ring, so memory does not grow with --count (--html aside:
 * its plots hold a point per packet). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/stamp/stamp.h"
#include "impl/core/atomic_file.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/commands.h"
#include "impl/core/config.h"
#include "impl/core/driver_common.h"
#include "impl/report/html_report.h"
#include "impl/core/keyfile.h"
#include "impl/core/net.h"
#include "impl/core/progress.h"
#include "impl/stamp/driver.h"
#include "impl/stamp/metrics.h"
#include "impl/stamp/tlv_opts.h"

#define MAX_COUNT 10000000u
/* Records awaiting replies: a reply is matched while its request is among
 * the last SEND_RING sent (at 1 Mpps, 65 ms; at the default 10 pps, 1.8
 * hours), later it is unexpected. About 80 octets each. */
#define SEND_RING 65536u
#define MAX_UDP_PAYLOAD 65507u   /* IPv4: 65535 - 20 - 8 */

/* RFC 8972 §3: "An implementation of a Session-Sender MUST support control
 * of its behavior" when a reply carries a zeroed SSID (a reflector without
 * RFC 8972). */
enum zero_ssid { ZS_WARN = 0, ZS_CONTINUE, ZS_STOP };

static int parse_zero_ssid(const char *s, enum zero_ssid *out)
{
    if (strcmp(s, "warn") == 0)
        *out = ZS_WARN;
    else if (strcmp(s, "continue") == 0)
        *out = ZS_CONTINUE;
    else if (strcmp(s, "stop") == 0)
        *out = ZS_STOP;
    else {
        ippm_cli_error("--on-zero-ssid: '%s' is not continue, stop or warn",
                       s);
        return -1;
    }
    return 0;
}

struct send_opts {
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
    struct ippm_export_opts exp;   /* --metrics, --agentx */
    enum zero_ssid on_zero_ssid;   /* --on-zero-ssid */
    struct stamp_tlv_opts tlv;     /* --cos, --location, ... */
    uint8_t *tlv_block;            /* built once from tlv */
    size_t tlv_len;
};

struct sender {
    struct send_opts o;
    struct ippm_addr peer;
    struct ippm_sock sock;
    struct ippm_clock clk;
    struct ippm_driver_key key; /* may be open mode's HMAC TLV key */
    enum stamp_mode mode;
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
    struct ippm_series h_rtt, h_fwd, h_bwd; /* --html: a point per packet */
    uint64_t h_t0;          /* first send time */
};

static void send_usage(FILE *f)
{
    fputs(
        "usage: ippm stamp sender HOST [options]\n"
        "Send STAMP (RFC 8762) test packets to a reflector and report.\n"
        "  --port PORT            reflector's UDP port (default 862)\n"
        "  --count N              packets to send (default 100)\n"
        "  --interval SECONDS     between sends (default 0.1)\n"
        "  --size OCTETS          UDP payload (default 44 open, 112 auth)\n"
        "  --auth-key-file FILE   authenticated mode, HMAC key from FILE\n"
        "                         (or from $IPPM_AUTH_KEY; not both)\n"
        "  --timestamp ntp|ptp    timestamp format (default ntp)\n"
        "  --dscp N               DSCP of test packets (0-63)\n"
        "  --ttl N                TTL / Hop Limit of test packets (1-255)\n"
        "  --ssid N               Session-Sender Identifier, RFC 8972 (0 = none)\n"
        "  --on-zero-ssid continue|stop|warn   with --ssid, a reply whose "
        "SSID is\n"
        "                         zero (a reflector without RFC 8972 §3): "
        "carry on,\n"
        "                         end the session, or carry on after one "
        "warning\n"
        "                         (default warn)\n"
        "  --wait SECONDS         wait for replies after the last send (default 2)\n"
        "  --per-packet           one line per reply, ping style: ttl= the "
        "reply's\n"
        "                         TTL, refl_ttl= the TTL our packet arrived "
        "with at\n"
        "                         the reflector (its Ses-Sender TTL)\n"
        "  --json FILE            write the summary and every packet as JSON\n"
        "  --html FILE            write a self-contained HTML report with "
        "plots\n"
        "  --no-progress          no progress line on the terminal\n"
        STAMP_TLV_USAGE
        IPPM_EXPORT_USAGE
        "  --config FILE          options from FILE ([stamp-sender] and\n"
        "                         global keys); the command line wins\n"
        "  --help                 this text\n"
        "Exit status: 0 when any reply came back, 1 when none did, 2 on a bad\n"
        "command line, 3 when the run could not start.\n",
        f);
}

enum { OPT_PORT = 256, OPT_COUNT, OPT_INTERVAL, OPT_SIZE, OPT_KEY, OPT_TS,
       OPT_DSCP, OPT_TTL, OPT_SSID, OPT_WAIT, OPT_PER, OPT_JSON, OPT_HELP,
       OPT_HTML, OPT_NO_PROGRESS, OPT_METRICS, OPT_AGENTX, OPT_ZERO_SSID };

static const struct option send_longopts[] = {
    {"port", required_argument, NULL, OPT_PORT},
    {"count", required_argument, NULL, OPT_COUNT},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"size", required_argument, NULL, OPT_SIZE},
    {"auth-key-file", required_argument, NULL, OPT_KEY},
    {"timestamp", required_argument, NULL, OPT_TS},
    {"dscp", required_argument, NULL, OPT_DSCP},
    {"ttl", required_argument, NULL, OPT_TTL},
    {"ssid", required_argument, NULL, OPT_SSID},
    {"wait", required_argument, NULL, OPT_WAIT},
    {"per-packet", no_argument, NULL, OPT_PER},
    {"json", required_argument, NULL, OPT_JSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"on-zero-ssid", required_argument, NULL, OPT_ZERO_SSID},
    {"metrics", required_argument, NULL, OPT_METRICS},
    {"agentx", required_argument, NULL, OPT_AGENTX},
    {"help", no_argument, NULL, OPT_HELP},
#define TO_LONGOPT_(name, arg, id) {name, arg, NULL, id},
    STAMP_TLV_OPTIONS(TO_LONGOPT_)
#undef TO_LONGOPT_
    {NULL, 0, NULL, 0},
};

/* The options that take a number; the rest are set in send_parse. */
static int send_number(struct send_opts *o, int c, const char *arg)
{
    uint64_t v = 0;
    uint8_t d = 0;
    int rc = 0;
    switch (c) {
    case OPT_PORT: return ippm_cli_port("--port", arg, &o->port);
    case OPT_COUNT:
        rc = ippm_cli_uint("--count", arg, 1, MAX_COUNT, "a count", &v);
        o->count = (uint32_t)v;
        return rc;
    case OPT_INTERVAL:
        return ippm_cli_seconds("--interval", arg, 0, 3600, &o->interval_ns);
    case OPT_SIZE:
        rc = ippm_cli_uint("--size", arg, 1, MAX_UDP_PAYLOAD, "a size", &v);
        o->size = (size_t)v;
        return rc;
    case OPT_DSCP:
        rc = ippm_cli_dscp("--dscp", arg, &d);
        o->dscp = d;
        return rc;
    case OPT_TTL:
        rc = ippm_cli_uint("--ttl", arg, 1, 255, "a TTL", &v);
        o->ttl = (int)v;
        return rc;
    case OPT_SSID:
        rc = ippm_cli_uint("--ssid", arg, 0, 65535, "an SSID", &v);
        o->ssid = (uint16_t)v;
        return rc;
    case OPT_WAIT: return ippm_cli_seconds("--wait", arg, 0, 3600, &o->wait_ns);
    default: return -1;
    }
}

/* The TLV options: the HMAC TLV's key, then the block, built once.
 * Returns -1 to go on, else the exit status. */
static int send_check_tlvs(struct send_opts *o, enum stamp_mode mode)
{
    const struct stamp_tlv_opts *t = &o->tlv;
    if (t->hmac_key_file && mode == STAMP_MODE_AUTH) {
        ippm_cli_error("--hmac-key-file: authenticated mode keys the HMAC "
                       "TLV with its own key; drop one");
        return IPPM_EXIT_USAGE;
    }
    if (t->hmac_key_file && !t->hmac) {
        ippm_cli_error("--hmac-key-file: only with --hmac-tlv");
        return IPPM_EXIT_USAGE;
    }
    if (t->hmac && mode == STAMP_MODE_OPEN && !t->hmac_key_file) {
        ippm_cli_error("--hmac-tlv: needs a key: --auth-key-file "
                       "(authenticated mode) or --hmac-key-file (open mode)");
        return IPPM_EXIT_USAGE;
    }
    if (!t->any)
        return -1;
    o->tlv_block = malloc(MAX_UDP_PAYLOAD);
    if (!o->tlv_block) {
        ippm_cli_error("stamp sender: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    size_t room = MAX_UDP_PAYLOAD - stamp_base_len(mode);
    if (stamp_tlv_opts_build(t, o->tlv_block, room, &o->tlv_len) != 0)
        return IPPM_EXIT_USAGE;
    return -1;
}

/* Checks made once every option is known. */
static int send_check(struct send_opts *o, int argc, char **argv)
{
    const char *prog = "stamp sender";
    if (optind >= argc) {
        ippm_cli_error("%s: missing HOST (see --help)", prog);
        return IPPM_EXIT_USAGE;
    }
    o->host = argv[optind];
    if (optind + 1 < argc) {
        ippm_cli_error("%s: unexpected argument '%s' (see --help)", prog,
                       argv[optind + 1]);
        return IPPM_EXIT_USAGE;
    }
    enum stamp_mode mode =
        ippm_key_given(o->key_file) ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    size_t base = stamp_base_len(mode);
    int rc = send_check_tlvs(o, mode);
    if (rc >= 0)
        return rc;
    if (o->size == 0) {
        o->size = base + o->tlv_len;
    } else if (o->tlv_len && o->size != base + o->tlv_len &&
               o->size < base + o->tlv_len + STAMP_TLV_HDR_LEN) {
        /* RFC 8972 §4.1: the octets left become an Extra Padding TLV,
         * which needs its 4-octet header. */
        ippm_cli_error("--size: '%zu' does not hold the %zu octets of TLVs "
                       "(%zu, or %zu and up)",
                       o->size, o->tlv_len, base + o->tlv_len,
                       base + o->tlv_len + 4);
        return IPPM_EXIT_USAGE;
    } else if (o->size < base) {
        ippm_cli_error("--size: '%zu' is not a size for %s mode (%zu-%u)",
                       o->size,
                       mode == STAMP_MODE_AUTH ? "authenticated" : "open", base,
                       MAX_UDP_PAYLOAD);
        return IPPM_EXIT_USAGE;
    }
    return -1;
}

/* Returns -1 to run, else the exit status. */
static int send_parse(struct send_opts *o, int argc, char **argv)
{
    int crc = ippm_config_expand(&argc, &argv, send_longopts, "stamp-sender",
                                 "stamp sender");
    if (crc >= 0)
        return crc;
    o->port = STAMP_PORT;
    o->count = 100;
    o->interval_ns = IPPM_NS_PER_SEC / 10;
    o->wait_ns = 2 * IPPM_NS_PER_SEC;
    o->tsfmt = IPPM_TS_NTP;
    o->dscp = -1;
    o->ttl = -1;
    stamp_tlv_opts_init(&o->tlv);
    int c, first = 1;
    while ((c = ippm_cli_next(argc, argv, "h", send_longopts, "stamp sender",
                              first)) != -1) {
        first = 0;
        if (c == 'h' || c == OPT_HELP) {
            send_usage(stdout);
            return IPPM_EXIT_OK;
        }
        int rc = 0;
        if (c == '?')
            rc = -1;
        else if (c == OPT_KEY)
            o->key_file = optarg;
        else if (c == OPT_TS)
            rc = ippm_cli_tsfmt("--timestamp", optarg, &o->tsfmt);
        else if (c == OPT_PER)
            o->per_packet = true;
        else if (c == OPT_JSON)
            o->json = optarg;
        else if (c == OPT_HTML)
            o->html = optarg;
        else if (c == OPT_NO_PROGRESS)
            o->no_progress = true;
        else if (c == OPT_ZERO_SSID)
            rc = parse_zero_ssid(optarg, &o->on_zero_ssid);
        else if (c == OPT_METRICS)
            rc = ippm_export_check_metrics(o->exp.metrics = optarg);
        else if (c == OPT_AGENTX)
            o->exp.agentx = optarg;
        else if (c > TO_BASE_ && c < TO_END_)
            rc = stamp_tlv_opts_parse(&o->tlv, c, optarg);
        else
            rc = send_number(o, c, optarg);
        if (rc != 0)
            return IPPM_EXIT_USAGE;
    }
    return send_check(o, argc, argv);
}

static int send_open(struct sender *x)
{
    char err[IPPM_NET_ERRLEN];
    if (ippm_net_open_connected(&x->sock, &x->peer, err, sizeof(err)) != 0) {
        ippm_cli_error("stamp sender: %s", err);
        return IPPM_EXIT_RUNTIME;
    }
    /* The user asked for these, so a refusal is an error, not a silently
     * different test. */
    if (x->o.ttl >= 0 && ippm_net_set_ttl(&x->sock, x->o.ttl) != 0) {
        ippm_cli_error("stamp sender: --ttl: %s", strerror(errno));
        return IPPM_EXIT_RUNTIME;
    }
    if (x->o.dscp >= 0 && ippm_net_set_tos(&x->sock, x->o.dscp << 2) != 0) {
        ippm_cli_error("stamp sender: --dscp: %s", strerror(errno));
        return IPPM_EXIT_RUNTIME;
    }
    return -1;
}

static int send_html_alloc(struct sender *x);

/* Key, address, socket, memory. Returns -1 to run, else the exit status. */
static int send_setup(struct sender *x)
{
    char err[IPPM_NET_ERRLEN];
    /* send_check_tlvs made sure the two keys do not meet. */
    int rc = ippm_driver_key_load(&x->key, "stamp sender", x->o.key_file,
                                  x->o.tlv.hmac_key_file);
    if (rc >= 0)
        return rc;
    if (ippm_net_resolve(x->o.host, x->o.port, IPPM_AF_NONE, &x->peer, err,
                         sizeof(err)) != 0) {
        ippm_cli_error("stamp sender: %s", err);
        return IPPM_EXIT_USAGE;
    }
    rc = send_open(x);
    if (rc >= 0)
        return rc;
    x->ring = x->o.count < SEND_RING ? x->o.count : SEND_RING;
    x->res = calloc(x->ring, sizeof(*x->res));
    if (x->o.json && x->o.tlv_len)
        x->pkt_tlvs = calloc(x->ring, sizeof(*x->pkt_tlvs));
    if (x->o.json)
        x->pkt_json = tmpfile();
    bool html_ok = !x->o.html || send_html_alloc(x) == 0;
    if (!x->res || (x->o.json && x->o.tlv_len && !x->pkt_tlvs) ||
        (x->o.json && !x->pkt_json) || !html_ok) {
        ippm_cli_error("stamp sender: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    return ippm_driver_batches_init(&x->rx, &x->tx, 1, x->o.size,
                                    "stamp sender");
}

static int send_proto_init(struct sender *x)
{
    struct stamp_sender_config cfg = {0};
    ippm_clock_init(&x->clk, x->o.tsfmt);
    x->mode = x->key.auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    cfg.mode = x->mode;
    cfg.tsfmt = x->o.tsfmt;
    cfg.errest = ippm_clock_errest(&x->clk);
    cfg.key = x->key.hmac;
    cfg.ssid = x->o.ssid;
    cfg.pkt_len = x->o.size;
    cfg.count = x->o.count;
    cfg.interval_ns = x->o.interval_ns;
    cfg.wait_ns = x->o.wait_ns;
    cfg.start_ns = ippm_clock_now(&x->clk);
    cfg.tlvs = x->o.tlv_len ? x->o.tlv_block : NULL;
    cfg.tlvs_len = x->o.tlv_len;
    enum ippm_err e = stamp_sender_init(&x->s, &cfg, x->res, x->ring);
    if (e != IPPM_OK) {
        ippm_cli_error("stamp sender: %s", ippm_err_str(e));
        return IPPM_EXIT_RUNTIME;
    }
    return -1;
}

/* ---- per-packet lines ---- */

static double ms(int64_t ns)
{
    return (double)ns / 1e6;
}

static int64_t res_rtt(const struct stamp_result *r)
{
    return ((int64_t)(r->t4_ns - r->t1_ns)) - ((int64_t)(r->t3_ns - r->t2_ns));
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

static void print_reply(const struct sender *x, uint32_t seq,
                        const struct stamp_result *r, const json_t *tlvs)
{
    printf("seq=%u rtt=%.3f ms fwd=%.3f ms bwd=%.3f ms", seq, ms(res_rtt(r)),
           ms((int64_t)(r->t2_ns - r->t1_ns)),
           ms((int64_t)(r->t4_ns - r->t3_ns)));
    /* ttl: the reply's, as ping; refl_ttl: the request's on arrival at
     * the reflector (its Ses-Sender TTL), where --ttl shows. */
    if (r->rx_ttl >= 0)
        printf(" ttl=%d", r->rx_ttl);
    printf(" refl_ttl=%u", r->refl_ttl);
    printf(" refl_seq=%u%s", r->refl_seq, r->reordered ? " (reordered)" : "");
    /* RFC 8972 §4: what each TLV came back with. */
    if (tlvs)
        stamp_tlv_opts_print(stdout, tlvs);
    if (x->o.tlv_len && r->tlv_status != STAMP_TLVS_OK)
        printf(" tlvs=%s", tlv_status_name(r->tlv_status));
    putchar('\n');
}

static void json_stream_packet(struct sender *x, uint32_t seq,
                               const struct stamp_result *r);
static void html_point(struct sender *x, uint32_t seq,
                       const struct stamp_result *r);

/* A record left the ring in its final state: its per-packet output. */
static void send_emit(struct sender *x, uint32_t seq,
                      const struct stamp_result *r)
{
    if (seq >= x->lost_cursor) {
        x->lost_so_far += r->state != STAMP_RES_RECEIVED;
        x->lost_cursor = seq + 1;
    }
    if (x->o.per_packet && r->state == STAMP_RES_SENT)
        printf("seq=%u lost\n", seq);
    if (x->pkt_json)
        json_stream_packet(x, seq, r);
    if (x->h_rtt.x)
        html_point(x, seq, r);
    if (x->pkt_tlvs) {
        json_decref(x->pkt_tlvs[seq % x->ring]);
        x->pkt_tlvs[seq % x->ring] = NULL;
    }
}

/* Retires the records due to leave the ring (all of them with flush). */
static void send_retire(struct sender *x, bool flush)
{
    uint32_t seq;
    struct stamp_result r;
    while (stamp_sender_retire(&x->s, flush, &seq, &r))
        send_emit(x, seq, &r);
}

/* ---- progress line ---- */

/* Redraws the progress line when due. A packet counts as lost once --wait
 * has passed since it was sent without a reply; a later reply is not
 * taken back (the line is an estimate, the summary is exact). */
static void send_progress(struct sender *x, uint64_t now)
{
    if (!ippm_progress_due(&x->prog))
        return;
    while (x->lost_cursor < x->s.next_seq) {
        const struct stamp_result *r =
            stamp_sender_result(&x->s, x->lost_cursor);
        if (!r || r->t1_ns + x->o.wait_ns > now)
            break;
        if (r->state != STAMP_RES_RECEIVED)
            x->lost_so_far++;
        x->lost_cursor++;
    }
    double left;
    if (x->s.next_seq < x->o.count)
        left = ((double)(x->o.count - x->s.next_seq) *
                    (double)x->o.interval_ns +
                (double)x->o.wait_ns) /
               1e9;
    else
        left = (double)(x->s.last_send_ns + x->o.wait_ns - now) / 1e9;
    ippm_progress_update(&x->prog, x->s.counters.sent, x->s.counters.received,
                         x->lost_so_far, left > 0 ? left : 0);
}

/* ---- the loop ---- */

/* --metrics, --agentx: a first reply's RTT into the summary, computed as
 * stamp_sender_stats does (the whole RTT when a timestamp was unreadable). */
static void send_observe(struct sender *x, const struct ippm_action *act)
{
    if (act->kind != IPPM_ACT_NONE)
        return;
    const struct stamp_result *r = stamp_sender_result(&x->s, act->seq);
    if (!r || r->state != STAMP_RES_RECEIVED)
        return;
    ippm_metric_summary_observe(&x->met.rtt,
                                r->ts_malformed
                                    ? (int64_t)(r->t4_ns - r->t1_ns)
                                    : res_rtt(r));
}

/* Publishes the counters; true while RTTs wait to be published. */
static bool send_publish(struct sender *x, uint64_t now, bool force)
{
    return stamp_send_metrics_publish(&x->met, &x->s.counters,
                                      x->send_failed, x->icmp_errors, now,
                                      force);
}

/* RFC 8972 §3: "The Session-Sender MAY stop the session if it receives a
 * zeroed SSID field." What to do is --on-zero-ssid; the result says what
 * the reflector sent (proto decoded it). */
static void send_zero_ssid(struct sender *x, const struct stamp_result *r)
{
    if (!x->o.ssid || r->refl_ssid != 0)
        return;
    if (x->zero_ssid++ != 0)
        return;
    if (x->o.on_zero_ssid == ZS_WARN)
        fprintf(stderr,
                "ippm: warning: the reflector returned a zeroed SSID (no RFC "
                "8972 §3 support); carrying on (--on-zero-ssid)\n");
    else if (x->o.on_zero_ssid == ZS_STOP) {
        fprintf(stderr,
                "ippm: the reflector returned a zeroed SSID (no RFC 8972 §3 "
                "support); stopping the session (--on-zero-ssid stop)\n");
        x->zero_ssid_stop = true;
    }
}

static void send_rx_one(struct sender *x, size_t i)
{
    struct ippm_action act = {0};
    struct ippm_event ev = {
        .kind = IPPM_EV_DATAGRAM,
        .data = ippm_rx_batch_buf(&x->rx, i),
        .len = x->rx.len[i],
        .meta = &x->rx.meta[i],
        .now_ns = ippm_clock_now(&x->clk),
    };
    if (x->rx.trunc[i])
        return; /* larger than any reply to us can be: not ours */
    if (stamp_sender_handle(&x->s, &ev, NULL, 0, &act) != IPPM_OK)
        return;
    if (x->exp.on)
        send_observe(x, &act);
    const struct stamp_result *r =
        act.kind == IPPM_ACT_NONE ? stamp_sender_result(&x->s, act.seq)
                                  : NULL;
    bool first = r && r->state == STAMP_RES_RECEIVED;
    if (first)
        send_zero_ssid(x, r);
    json_t *tlvs = NULL;
    if (first && x->o.tlv_len && (x->pkt_tlvs || x->o.per_packet)) {
        /* The reflector's timestamp format reads a Follow-Up TLV. */
        struct ippm_errest ee = ippm_errest_decode(r->refl_errest);
        tlvs = stamp_tlv_opts_json(act.view, act.view_len,
                                   ee.z ? IPPM_TS_PTP : IPPM_TS_NTP);
    }
    if (x->o.per_packet && first)
        print_reply(x, act.seq, r, tlvs);
    if (x->pkt_tlvs && first) {
        json_decref(x->pkt_tlvs[act.seq % x->ring]);
        x->pkt_tlvs[act.seq % x->ring] = tlvs;
    } else {
        json_decref(tlvs);
    }
    if (x->o.per_packet && act.seq < x->o.count &&
        act.kind == IPPM_ACT_DROP && act.why == IPPM_ERR_DUPLICATE)
        printf("seq=%u (DUP)\n", act.seq);
}

static int send_rx(struct sender *x)
{
    for (;;) {
        int n = ippm_net_recv(&x->sock, &x->rx, &x->clk);
        if (n < 0 && (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
                      errno == ENETUNREACH)) {
            /* An ICMP error for an earlier packet: count it, keep going. */
            x->icmp_errors++;
            continue;
        }
        if (n < 0)
            return errno == EINTR ? 0 : -1;
        for (int i = 0; i < n; i++)
            send_rx_one(x, (size_t)i);
        if ((size_t)n < x->rx.cap)
            return 0;
    }
}

/* TIMER: returns true when the session is done. */
static bool send_timer(struct sender *x, uint64_t now)
{
    struct ippm_action act = {0};
    struct ippm_event ev = {.kind = IPPM_EV_TIMER, .now_ns = now};
    /* Out before the send takes the slot of the oldest record. */
    send_retire(x, false);
    uint8_t *slot = ippm_tx_batch_slot(&x->tx);
    enum ippm_err e =
        stamp_sender_handle(&x->s, &ev, slot, x->tx.buf_size, &act);
    if (e != IPPM_OK) {
        /* Only a broken setup gets here (crypto failure): say so. */
        ippm_cli_error("stamp sender: %s", ippm_err_str(e));
        x->failed = true;
        return true;
    }
    if (act.kind == IPPM_ACT_SEND_DATAGRAM) {
        ippm_tx_batch_commit(&x->tx, &x->sock, act.len, NULL, NULL);
        if (ippm_net_send(&x->sock, &x->tx, NULL) != 1)
            x->send_failed++;
    }
    return act.kind == IPPM_ACT_DONE;
}

static int send_loop(struct sender *x)
{
    for (;;) {
        if (x->zero_ssid_stop) {
            /* RFC 8972 §3: the sender stops the session. */
            struct ippm_action act = {0};
            struct ippm_event ev = {.kind = IPPM_EV_STOP,
                                     .now_ns = ippm_clock_now(&x->clk)};
            stamp_sender_handle(&x->s, &ev, NULL, 0, &act);
            return IPPM_EXIT_OK;
        }
        if (ippm_net_stopping()) {
            struct ippm_action act = {0};
            struct ippm_event ev = {.kind = IPPM_EV_STOP,
                                     .now_ns = ippm_clock_now(&x->clk)};
            stamp_sender_handle(&x->s, &ev, NULL, 0, &act);
            x->interrupted = true;
            return IPPM_EXIT_OK;
        }
        /* Every packet sent and answered: no point waiting out --wait
         * (ping does the same; a late duplicate goes uncounted). */
        if (x->s.next_seq == x->o.count &&
            x->s.counters.received == x->o.count)
            return IPPM_EXIT_OK;
        uint64_t now = ippm_clock_now(&x->clk);
        uint64_t dl = stamp_sender_deadline(&x->s);
        if (dl == UINT64_MAX)
            return IPPM_EXIT_OK;
        send_progress(x, now);
        bool rtt_pending = x->exp.on && send_publish(x, now, false);
        if (dl <= now) {
            if (send_timer(x, now))
                return x->failed ? IPPM_EXIT_RUNTIME : IPPM_EXIT_OK;
            /* With a short interval the deadline is always due; read
             * what has come back so replies are not left to overflow
             * the socket buffer while we keep sending. */
            if (send_rx(x) != 0) {
                ippm_cli_error("stamp sender: %s", strerror(errno));
                return IPPM_EXIT_RUNTIME;
            }
            continue;
        }
        uint64_t wait = dl - now;
        /* With a progress line, wake up to redraw it during long waits. */
        if (x->prog.on && wait > IPPM_PROGRESS_PERIOD_NS)
            wait = IPPM_PROGRESS_PERIOD_NS;
        /* Come back to publish RTTs held back by the rate limit. */
        if (rtt_pending && wait > STAMP_RTT_PUBLISH_NS)
            wait = STAMP_RTT_PUBLISH_NS;
        int w = ippm_net_wait(&x->sock, wait);
        if (w < 0 || (w > 0 && send_rx(x) != 0)) {
            ippm_cli_error("stamp sender: %s", strerror(errno));
            return IPPM_EXIT_RUNTIME;
        }
    }
}

/* ---- summary ---- */

static void print_summary_line(const char *name, const struct ippm_summary *s)
{
    printf("%-8s min/avg/median/p95/p99/max/stddev = "
           "%.3f/%.3f/%.3f/%.3f/%.3f/%.3f/%.3f ms\n",
           name, ms(s->min), s->mean / 1e6, ms(s->median), ms(s->p95),
           ms(s->p99), ms(s->max), s->stddev / 1e6);
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
            if (e == IPPM_ERR_SHORT)
                printf("shorter than the %zu-octet base packet",
                       stamp_base_len(x->mode));
            else
                printf("%s", stamp_err_str((enum ippm_err)e));
            sep = ", ";
        }
    }
    printf(")\n");
}

static void print_summary(const struct sender *x)
{
    const struct stamp_stats *st = &x->st;
    char as[IPPM_ADDR_STRLEN];
    printf("--- %s STAMP statistics%s ---\n",
           ippm_addr_fmt(&x->peer, as, sizeof(as)),
           x->interrupted    ? " (interrupted)"
           : x->zero_ssid_stop ? " (stopped: zeroed SSID)"
                               : "");
    printf("%llu sent, %llu received, %llu lost (%.1f%%), %llu duplicated, "
           "%llu reordered\n",
           (unsigned long long)st->sent, (unsigned long long)st->received,
           (unsigned long long)st->lost, st->loss_pct,
           (unsigned long long)st->duplicated,
           (unsigned long long)st->reordered);
    if (st->directional)
        printf("directional loss: forward %llu, backward %llu (%s)\n",
               (unsigned long long)st->lost_forward,
               (unsigned long long)st->lost_backward,
               st->directional_by == STAMP_DIR_DM
                   ? "Direct Measurement counters, RFC 8972 §4.5"
                   : "stateful reflector");
    if (st->dup_forward || st->dup_backward)
        printf("duplicated: forward %llu, backward %llu\n",
               (unsigned long long)st->dup_forward,
               (unsigned long long)st->dup_backward);
    if (st->received > 0) {
        print_summary_line("rtt", &st->rtt);
        if (st->ipdv.n)
            print_summary_line("ipdv", &st->ipdv);
        printf("jitter   = %.3f ms (mean |IPDV| of RTT, RFC 3393)\n",
               st->jitter_ns / 1e6);
        print_summary_line("forward", &st->fwd);
        print_summary_line("backward", &st->bwd);
        printf("(one-way delay needs synchronised clocks)\n");
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

static json_t *json_summary(const struct ippm_summary *s)
{
    return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "n",
                     (json_int_t)s->n, "min", ms(s->min), "avg", s->mean / 1e6,
                     "median", ms(s->median), "p95", ms(s->p95), "p99",
                     ms(s->p99), "max", ms(s->max), "stddev", s->stddev / 1e6);
}

static const char *res_state_name(uint8_t state)
{
    return state == STAMP_RES_RECEIVED ? "received" : "lost";
}

static json_t *json_packet(const struct sender *x, uint32_t seq,
                           const struct stamp_result *r)
{
    json_t *p = json_pack("{s:I, s:s}", "seq", (json_int_t)seq, "state",
                          res_state_name(r->state));
    json_object_set_new(p, "t1_ns", json_integer((json_int_t)r->t1_ns));
    if (r->state != STAMP_RES_RECEIVED)
        return p;
    json_object_update_new(
        p, json_pack("{s:f, s:f, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
                     "s:b, s:b, s:I}",
                     "rtt_ms", ms(res_rtt(r)), "fwd_ms",
                     ms((int64_t)(r->t2_ns - r->t1_ns)), "bwd_ms",
                     ms((int64_t)(r->t4_ns - r->t3_ns)), "t2_ns",
                     (json_int_t)r->t2_ns, "t3_ns", (json_int_t)r->t3_ns,
                     "t4_ns", (json_int_t)r->t4_ns, "ttl",
                     (json_int_t)r->rx_ttl, "refl_ttl", (json_int_t)r->refl_ttl,
                     "refl_seq", (json_int_t)r->refl_seq, "refl_ssid",
                     (json_int_t)r->refl_ssid, "reordered", r->reordered,
                     "ts_malformed", r->ts_malformed, "duplicates",
                     (json_int_t)r->duplicates));
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

static json_t *json_build(const struct sender *x)
{
    const struct stamp_stats *st = &x->st;
    char as[IPPM_ADDR_STRLEN];
    json_t *root = json_pack(
        "{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:f, s:f, s:b}",
        "protocol", "stamp", "role", "sender", "host", x->o.host, "peer",
        ippm_addr_fmt(&x->peer, as, sizeof(as)), "port", (json_int_t)x->o.port,
        "mode", x->mode == STAMP_MODE_AUTH ? "authenticated" : "open",
        "timestamp", ippm_clock_fmt_name(x->o.tsfmt), "size",
        (json_int_t)x->o.size, "count", (json_int_t)x->o.count, "interval_s",
        (double)x->o.interval_ns / 1e9, "wait_s", (double)x->o.wait_ns / 1e9,
        "interrupted", x->interrupted);
    json_object_update_new(
        root, json_pack("{s:I, s:I, s:I, s:f, s:I, s:I, s:I, s:I}", "sent",
                        (json_int_t)st->sent, "received",
                        (json_int_t)st->received, "lost", (json_int_t)st->lost,
                        "loss_pct", st->loss_pct, "duplicated",
                        (json_int_t)st->duplicated, "reordered",
                        (json_int_t)st->reordered, "send_failed",
                        (json_int_t)x->send_failed, "icmp_errors",
                        (json_int_t)x->icmp_errors));
    json_object_set_new(root, "directional_loss",
                        st->directional
                            ? json_pack("{s:I, s:I}", "forward",
                                        (json_int_t)st->lost_forward,
                                        "backward",
                                        (json_int_t)st->lost_backward)
                            : json_null());
    json_object_set_new(root, "directional_loss_source",
                        !st->directional ? json_null()
                        : st->directional_by == STAMP_DIR_DM
                            ? json_string("direct-measurement")
                            : json_string("stateful-reflector"));
    json_object_set_new(root, "duplicated_by_direction",
                        json_pack("{s:I, s:I}", "forward",
                                  (json_int_t)st->dup_forward, "backward",
                                  (json_int_t)st->dup_backward));
    json_object_set_new(root, "rtt_ms", json_summary(&st->rtt));
    json_object_set_new(root, "ipdv_ms", json_summary(&st->ipdv));
    json_object_set_new(root, "jitter_ms", json_real(st->jitter_ns / 1e6));
    json_object_set_new(root, "fwd_ms", json_summary(&st->fwd));
    json_object_set_new(root, "bwd_ms", json_summary(&st->bwd));
    json_object_set_new(root, "one_way_note",
                        json_string("one-way delay needs synchronised clocks"));
    json_object_set_new(root, "dropped_by", json_drops(x));
    json_object_set_new(root, "zero_ssid_replies",
                        json_integer((json_int_t)x->zero_ssid));
    json_object_set_new(root, "stopped_on_zero_ssid",
                        json_boolean(x->zero_ssid_stop));
    /* "packets" comes last; json_fill appends it from x->pkt_json. */
    return root;
}

#define JSON_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(12))

/* Appends one packet to the "packets" array in x->pkt_json, laid out as
 * json_dumpf lays out an element of a member of the root (indented by
 * four), so the report is the one a whole array would give. Sent packets
 * only: an interrupted run leaves the rest unsent. */
static void json_stream_packet(struct sender *x, uint32_t seq,
                               const struct stamp_result *r)
{
    json_t *p = json_packet(x, seq, r);
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

static int send_json(const struct sender *x)
{
    json_t *root = x->pkt_json_failed ? NULL : json_build(x);
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

/* The plots' series, a point per packet to be sent. Returns 0 or -1. */
static int send_html_alloc(struct sender *x)
{
    uint32_t n = x->o.count;
    if (ippm_series_alloc(&x->h_rtt, "RTT", n) != 0 ||
        ippm_series_alloc(&x->h_fwd, "forward (to reflector)", n) != 0 ||
        ippm_series_alloc(&x->h_bwd, "backward (to sender)", n) != 0)
        return -1;
    return 0;
}

/* RTT and one-way delays of a packet leaving the ring, by send time. */
static void html_point(struct sender *x, uint32_t i,
                       const struct stamp_result *r)
{
    struct ippm_series *rtt = &x->h_rtt, *fwd = &x->h_fwd, *bwd = &x->h_bwd;
    if (i == 0)
        x->h_t0 = r->t1_ns;
    uint8_t m = 0;
    if (r->state != STAMP_RES_RECEIVED)
        m = IPPM_MARK_LOST;
    if (r->reordered)
        m |= IPPM_MARK_REORDERED;
    if (r->duplicates)
        m |= IPPM_MARK_DUPLICATE;
    double t = (double)(int64_t)(r->t1_ns - x->h_t0) / 1e9;
    rtt->x[i] = fwd->x[i] = bwd->x[i] = t;
    rtt->marks[i] = fwd->marks[i] = bwd->marks[i] = m;
    if (m & IPPM_MARK_LOST)
        return;
    rtt->y[i] = ms(res_rtt(r));
    fwd->y[i] = ms((int64_t)(r->t2_ns - r->t1_ns));
    bwd->y[i] = ms((int64_t)(r->t4_ns - r->t3_ns));
}

/* RTT and one-way delays of every sent packet, by send time. */
static int send_html(struct sender *x)
{
    struct ippm_series *rtt = &x->h_rtt, *fwd = &x->h_fwd, *bwd = &x->h_bwd;
    /* Sent packets only: an interrupted run leaves the rest unsent. */
    rtt->n = fwd->n = bwd->n = x->s.next_seq;
    int rc = 0;
    const struct stamp_stats *st = &x->st;
    char peer[IPPM_ADDR_STRLEN], sub[256], v[8][48];
    ippm_addr_fmt(&x->peer, peer, sizeof peer);
    double iv = (double)x->o.interval_ns / 1e9;
    snprintf(sub, sizeof sub,
             "STAMP (RFC 8762) to %s, %s mode, %s timestamps, %zu-octet "
             "packets every %g %s%s",
             peer, x->mode == STAMP_MODE_AUTH ? "authenticated" : "open",
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
    snprintf(v[7], sizeof v[7], "%.3f ms", st->jitter_ns / 1e6);
    const struct ippm_html_fact facts[] = {
        {"sent", v[0]},      {"received", v[1]},
        {"lost", v[2]},      {"reordered", v[3]},
        {"duplicated", v[4]}, {"RTT min / median / max", v[5]},
        {"RTT p99", v[6]},   {"jitter (mean |IPDV|)", v[7]},
    };
    struct ippm_html_plot plots[3];
    struct ippm_html h = {
        .title = "ippm stamp sender",
        .subtitle = sub,
        .facts = facts,
        .n_facts = st->received ? 8 : 5,
        .plots = plots,
        .n_plots = rc == 0
                       ? ippm_html_standard_plots(plots, rtt, NULL, fwd, bwd)
                       : 0,
        .note = "RTT excludes the reflector's residence time (t3 - t2). "
                "One-way delays compare two clocks and are only as good as "
                "their synchronisation.",
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

/* ---- entry ---- */

static void send_free(struct sender *x)
{
    ippm_export_stop(&x->exp);
    ippm_driver_io_free(&x->sock, &x->rx, &x->tx);
    ippm_driver_key_free(&x->key);
    if (x->pkt_tlvs)
        for (uint32_t i = 0; i < x->ring; i++)
            json_decref(x->pkt_tlvs[i]);
    free(x->pkt_tlvs);
    if (x->pkt_json)
        fclose(x->pkt_json);
    ippm_series_free(&x->h_rtt);
    ippm_series_free(&x->h_fwd);
    ippm_series_free(&x->h_bwd);
    free(x->o.tlv_block);
    free(x->res);
    free(x);
}

/* --metrics, --agentx. Returns -1 to run, else the exit status. */
static int send_export(struct sender *x)
{
    char peer[IPPM_ADDR_STRLEN];
    if (!x->o.exp.metrics && !x->o.exp.agentx)
        return -1;
    stamp_send_metrics_init(&x->met,
                            ippm_addr_fmt(&x->peer, peer, sizeof(peer)),
                            x->o.ssid);
    return ippm_export_start(&x->exp, &x->met.reg, &x->o.exp);
}

static int send_run(struct sender *x)
{
    int rc = send_proto_init(x);
    if (rc < 0)
        rc = send_export(x);
    if (rc >= 0)
        return rc;
    ippm_net_stop_signals();
    /* ping-style lines are progress enough */
    ippm_progress_start(&x->prog,
                        (double)x->o.count * (double)x->o.interval_ns / 1e9,
                        x->o.no_progress || x->o.per_packet);
    rc = send_loop(x);
    if (x->exp.on)
        send_publish(x, ippm_clock_now(&x->clk), true);
    ippm_progress_end(&x->prog);
    /* The rest leave the ring: per-packet output, lost lines last. */
    send_retire(x, true);
    stamp_sender_stats(&x->s, &x->st);
    print_summary(x);
    fflush(stdout);
    if (x->o.json) {
        int jrc = send_json(x);
        if (rc == IPPM_EXIT_OK)
            rc = jrc;
    }
    if (x->o.html) {
        int hrc = send_html(x);
        if (rc == IPPM_EXIT_OK)
            rc = hrc;
    }
    /* As ping does: no reply at all fails the run, so a CI job gating on
     * reachability needs no output parsing. */
    if (rc == IPPM_EXIT_OK && x->st.sent > 0 && x->st.received == 0)
        rc = IPPM_EXIT_FAIL;
    return rc;
}

/* see stamp_driver.h */
int stamp_sender_main(int argc, char **argv)
{
    struct sender *x = calloc(1, sizeof(*x));
    if (!x) {
        ippm_cli_error("stamp sender: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    x->sock.fd = -1;
    int rc = send_parse(&x->o, argc, argv);
    if (rc < 0)
        rc = send_setup(x);
    if (rc < 0)
        rc = send_run(x);
    send_free(x);
    return rc;
}
