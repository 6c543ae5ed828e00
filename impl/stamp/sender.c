/* `ippm stamp sender`: drives stamp_sender with TIMER events when its
 * deadline passes and DATAGRAM events carrying the kernel's receive time, then
 * prints (and optionally writes as JSON) what stamp_sender_stats makes of
 * the results. Like the reflector it never reads a STAMP field. Records
 * live in a ring of SEND_RING; each one's per-packet output is written as
 * it leaves the ring, so memory does not grow with --count (--html aside:
 * its plots hold a point per packet). Its output is sender_report.c. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/stamp/stamp.h"
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
#include "impl/stamp/sender.h"
#include "impl/stamp/tlv_opts.h"

#define MAX_COUNT 10000000u
/* Records awaiting replies: a reply is matched while its request is among
 * the last SEND_RING sent (at 1 Mpps, 65 ms; at the default 10 pps, 1.8
 * hours), later it is unexpected. About 112 octets each. */
#define SEND_RING 65536u
#define MAX_UDP_PAYLOAD 65507u   /* IPv4: 65535 - 20 - 8 */

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

static void send_usage(FILE *f)
{
    fputs(
        "usage: ippm stamp sender HOST[:PORT] [options]\n"
        "Send STAMP (RFC 8762) test packets to a reflector and report.\n"
        "  --port PORT            reflector's UDP port (default 862)\n"
        "  --count N              packets to send (default 100; 0: until\n"
        "                         interrupted, SIGINT prints the summary)\n"
        "  --duration D           send for D (10s, 5m, 1h), then wait and\n"
        "                         report; without --count, as many as D takes\n"
        "  --report-interval T    a summary line per T seconds of sending\n"
        "                         (interval, sent, received, loss, rtt, jitter)\n"
        "  --jsonl FILE|-         JSON Lines: a record per reply and interval,\n"
        "                         flushed each (- stdout; text then on stderr)\n"
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
        STAMP_DIR_USAGE
        "  --per-packet           one line per reply, ping style: ttl= the "
        "reply's\n"
        "                         TTL, refl_ttl= the TTL our packet arrived "
        "with at\n"
        "                         the reflector (its Ses-Sender TTL)\n"
        "  --json FILE            write the summary and every packet as JSON\n"
        "  --html FILE            write a self-contained HTML report with "
        "plots\n"
        "  --no-progress          no progress line on the terminal\n"
        "  --histogram            text histograms of RTT (and one-way "
        "delays when\n"
        "                         both clocks are synchronised) in the "
        "summary\n"
        "  --tx-timestamps        T1 from the kernel's transmit timestamp\n"
        "                         (SO_TIMESTAMPING; hardware when the NIC is\n"
        "                         set up for it), not the clock read before "
        "send\n"
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
       OPT_HTML, OPT_NO_PROGRESS, OPT_METRICS, OPT_AGENTX, OPT_ZERO_SSID,
       OPT_HISTOGRAM, OPT_TXTS, OPT_REPORT_INTERVAL, OPT_JSONL,
       OPT_DURATION, OPT_SYMMETRICAL, OPT_ENCRYPTED };

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
    {"histogram", no_argument, NULL, OPT_HISTOGRAM},
    {"tx-timestamps", no_argument, NULL, OPT_TXTS},
    {"on-zero-ssid", required_argument, NULL, OPT_ZERO_SSID},
    {"metrics", required_argument, NULL, OPT_METRICS},
    {"agentx", required_argument, NULL, OPT_AGENTX},
    {"report-interval", required_argument, NULL, OPT_REPORT_INTERVAL},
    {"jsonl", required_argument, NULL, OPT_JSONL},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"symmetrical", no_argument, NULL, OPT_SYMMETRICAL},
    {"encrypted", no_argument, NULL, OPT_ENCRYPTED},
    {"help", no_argument, NULL, OPT_HELP},
#define TO_LONGOPT_(name, arg, id) {name, arg, NULL, id},
    STAMP_TLV_OPTIONS(TO_LONGOPT_)
    STAMP_DIR_OPTIONS(TO_LONGOPT_)
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
        o->count_given = true;
        return ippm_cli_u32("--count", arg, 0, MAX_COUNT, "a count",
                            &o->count);
    case OPT_DURATION:
        return ippm_cli_seconds("--duration", arg, 0.001, 366 * 86400.0,
                                &o->duration_ns);
    case OPT_REPORT_INTERVAL:
        return ippm_cli_seconds("--report-interval", arg, 0.001, 86400,
                                &o->report_interval_ns);
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
        return ippm_cli_ttl("--ttl", arg, &o->ttl);
    case OPT_SSID:
        return ippm_cli_u16("--ssid", arg, 0, 65535, "an SSID", &o->ssid);
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
    const char *prog = o->front->prog;
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
    /* TWAMP-Light, RFC 5357 §4.1.2: 14 octets and the padding asked for;
     * --symmetrical pads to the reply's 41 (RFC 6038 §5.1.4). */
    if (o->front->flavour == STAMP_FLAVOUR_TWAMP_LIGHT) {
        /* modes A and E (RFC 5357 Appendix I): the 48-octet packet */
        base = ippm_key_given(o->key_file) && o->front->auth_open
                   ? o->front->auth_sender_base
                   : STAMP_TWL_SENDER_LEN;
        if (o->size == 0)
            o->size = base;
        if (o->symmetrical && o->size < STAMP_TWL_REFLECTOR_LEN)
            o->size = STAMP_TWL_REFLECTOR_LEN;
    }
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
    /* Before the first packet: a result that cannot be written is known
     * now, not after --count packets. */
    const struct ippm_cli_output outs[] = {
        {"--json", o->json}, {"--html", o->html},
        {"--jsonl", o->jsonl && strcmp(o->jsonl, "-") ? o->jsonl : NULL}};
    /* --count 0: continuous, up to the Sequence Number space; so is
     * --duration alone, which ends the sending itself. */
    o->continuous = o->count == 0 || (o->duration_ns && !o->count_given);
    if (o->continuous)
        o->count = SENDER_CONTINUOUS_COUNT;
    if (ippm_cli_outputs(outs, sizeof outs / sizeof outs[0]) != 0)
        return IPPM_EXIT_USAGE;
    return -1;
}

/* `ippm stamp sender` itself: every option but TWAMP-Light's. */
static const char *const stamp_only_drop[] = {"symmetrical", "encrypted",
                                              NULL};
static const struct stamp_front send_front_stamp = {
    .prog = "stamp sender", .section = "stamp-sender", .proto = "STAMP",
    .json_proto = "stamp", .flavour = STAMP_FLAVOUR_STAMP,
    .usage = send_usage, .drop = stamp_only_drop};

/* Returns -1 to run, else the exit status. */
static int send_parse(struct send_opts *o, int argc, char **argv)
{
    const struct stamp_front *f = o->front;
    struct option longopts[sizeof send_longopts / sizeof send_longopts[0]];
    stamp_front_longopts(f, send_longopts, longopts);
    int crc = ippm_config_expand(&argc, &argv, longopts, f->section, f->prog);
    if (crc >= 0)
        return crc;
    o->port = 0; /* --port; else HOST:PORT's, else 862 (send_setup) */
    o->count = 100;
    o->interval_ns = IPPM_NS_PER_SEC / 10;
    o->wait_ns = 2 * IPPM_NS_PER_SEC;
    o->tsfmt = IPPM_TS_NTP;
    o->dscp = -1;
    o->ttl = -1;
    stamp_tlv_opts_init(&o->tlv);
    int c, first = 1;
    while ((c = ippm_cli_next(argc, argv, "h", longopts, f->prog, first)) !=
           -1) {
        first = 0;
        if (c == 'h' || c == OPT_HELP) {
            f->usage(stdout);
            ippm_cli_short_usage(stdout, longopts);
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
        else if (c == OPT_JSONL)
            o->jsonl = optarg;
        else if (c == OPT_NO_PROGRESS)
            o->no_progress = true;
        else if (c == OPT_HISTOGRAM)
            o->histogram = true;
        else if (c == OPT_TXTS)
            o->tx_timestamps = true;
        else if (c == OPT_SYMMETRICAL)
            o->symmetrical = true;
        else if (c == OPT_ENCRYPTED)
            o->encrypted = true;
        else if (c == OPT_ZERO_SSID)
            rc = parse_zero_ssid(optarg, &o->on_zero_ssid);
        else if (c == OPT_METRICS)
            rc = ippm_export_check_metrics(o->exp.metrics = optarg);
        else if (c == OPT_AGENTX)
            o->exp.agentx = optarg;
        else if (c > TO_BASE_ && c < TO_END_)
            rc = stamp_tlv_opts_parse(&o->tlv, c, optarg);
        else if (c > DO_BASE_ && c < DO_END_)
            rc = stamp_dir_opts_parse(&o->dirs, c, optarg);
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
        ippm_cli_error("%s: %s", x->o.front->prog, err);
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

/* Key, address, socket, memory. Returns -1 to run, else the exit status. */
static int send_setup(struct sender *x)
{
    /* send_check_tlvs made sure the two keys do not meet. TWAMP Light's
     * modes A and E: the front's keys, with this clock's Error Estimate. */
    const struct stamp_front *f = x->o.front;
    struct ippm_clock c;
    ippm_clock_init(&c, x->o.tsfmt);
    struct ippm_errest e = ippm_clock_errest(&c);
    int rc = f->auth_open
                 ? f->auth_open(f->prog, x->o.key_file, x->o.encrypted,
                                x->o.symmetrical, ippm_errest_encode(&e),
                                &x->twl_auth, &x->twl_state)
                 : ippm_driver_key_load(&x->key, "stamp sender",
                                        x->o.key_file,
                                        x->o.tlv.hmac_key_file);
    if (rc >= 0)
        return rc;
    rc = ippm_cli_addr(x->o.front->prog, x->o.host, x->o.port, STAMP_PORT,
                       &x->peer);
    if (rc != 0)
        return rc;
    x->o.port = x->peer.port;
    rc = send_open(x);
    if (rc >= 0)
        return rc;
    x->ring = x->o.count < SEND_RING ? x->o.count : SEND_RING;
    x->res = calloc(x->ring, sizeof(*x->res));
    if (x->o.json && x->o.tlv_len)
        x->pkt_tlvs = calloc(x->ring, sizeof(*x->pkt_tlvs));
    if (x->o.json)
        x->pkt_json = tmpfile();
    bool html_ok = !x->o.html || sender_html_alloc(x) == 0;
    if (!x->res || (x->o.json && x->o.tlv_len && !x->pkt_tlvs) ||
        (x->o.json && !x->pkt_json) || !html_ok) {
        ippm_cli_error("stamp sender: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    rc = sender_live_open(x);
    if (rc >= 0)
        return rc;
    return ippm_driver_batches_init(&x->rx, &x->tx, 1, x->o.size,
                                    "stamp sender");
}

static int send_proto_init(struct sender *x)
{
    struct stamp_sender_config cfg = {0};
    ippm_clock_init(&x->clk, x->o.tsfmt);
    x->mode = x->key.auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    cfg.mode = x->mode;
    cfg.flavour = x->o.front->flavour;
    cfg.twl_auth = x->twl_auth;
    cfg.tsfmt = x->o.tsfmt;
    cfg.errest = ippm_clock_errest(&x->clk);
    cfg.key = x->key.hmac;
    cfg.ssid = x->o.ssid;
    cfg.pkt_len = x->o.size;
    cfg.count = x->o.count;
    cfg.interval_ns = x->o.interval_ns;
    cfg.wait_ns = x->o.wait_ns;
    stamp_dir_opts_apply(&x->o.dirs, &cfg);
    cfg.start_ns = ippm_clock_now(&x->clk);
    sender_live_start(x, cfg.start_ns);
    cfg.tlvs = x->o.tlv_len ? x->o.tlv_block : NULL;
    cfg.tlvs_len = x->o.tlv_len;
    enum ippm_err e = stamp_sender_init(&x->s, &cfg, x->res, x->ring);
    if (e != IPPM_OK) {
        ippm_cli_error("stamp sender: %s", ippm_err_str(e));
        return IPPM_EXIT_RUNTIME;
    }
    if (x->o.tx_timestamps &&
        stamp_txts_start(&x->txts, &x->sock, true, true) == IPPM_TXTS_NONE)
        ippm_cli_error("warning: --tx-timestamps: the kernel refused (%s); "
                       "T1 is the clock read before each send",
                       strerror(errno));
    return -1;
}

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
        sender_json_stream_packet(x, seq, r);
    if (x->h_rtt.x)
        sender_html_point(x, seq, r);
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
    double left = x->o.continuous
                      ? -1
                      : ippm_progress_left_s(x->o.count - x->s.next_seq,
                                             x->o.interval_ns, x->o.wait_ns,
                                             x->s.last_send_ns, now);
    ippm_progress_update(&x->prog, x->s.counters.sent, x->s.counters.received,
                         x->lost_so_far, left);
}

/* ---- the loop ---- */

/* --metrics, --agentx: a first reply's RTT into the summary, as
 * stamp_sender_stats counts it (the whole RTT when a timestamp was
 * unreadable). */
static void send_observe(struct sender *x, const struct ippm_action *act)
{
    if (act->kind != IPPM_ACT_NONE)
        return;
    const struct stamp_result *r = stamp_sender_result(&x->s, act->seq);
    if (!r || r->state != STAMP_RES_RECEIVED)
        return;
    ippm_metric_summary_observe(&x->met.rtt, stamp_result_rtt(r));
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
    if (first && x->o.tlv_len &&
        (x->pkt_tlvs || x->o.per_packet || x->live.jsonl)) {
        /* The reflector's timestamp format reads a Follow-Up TLV. */
        struct ippm_errest ee = ippm_errest_decode(r->refl_errest);
        tlvs = stamp_tlv_opts_json(act.view, act.view_len,
                                   ee.z ? IPPM_TS_PTP : IPPM_TS_NTP);
    }
    if (x->o.per_packet && first)
        sender_print_reply(x, act.seq, r, tlvs);
    if (first)
        sender_live_reply(x, act.seq, r, tlvs);
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
    /* A late timestamp wakes the poll too: read it. */
    stamp_txts_sender_sent(&x->txts, &x->sock, &x->s, &x->clk, 0, false);
    for (;;) {
        int n = ippm_net_recv(&x->sock, &x->rx, &x->clk);
        if (n < 0 && ippm_net_icmp_error(errno)) {
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
        sender_live_sent(x, now);
        bool sent = ippm_net_send(&x->sock, &x->tx, NULL) == 1;
        x->send_failed += !sent;
        stamp_txts_sender_sent(&x->txts, &x->sock, &x->s, &x->clk, act.seq,
                               sent);
    }
    return act.kind == IPPM_ACT_DONE;
}

/* --duration: once it has passed since the first send, no more packets
 * (the replies are still awaited for --wait). Returns when it ends,
 * UINT64_MAX without one or once it has. */
static uint64_t send_duration_end(struct sender *x, uint64_t now)
{
    if (!x->o.duration_ns || x->duration_over)
        return UINT64_MAX;
    uint64_t end = x->s.cfg.start_ns + x->o.duration_ns;
    if (now < end)
        return end;
    stamp_sender_end_sending(&x->s);
    x->duration_over = true;
    return UINT64_MAX;
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
        uint64_t now = ippm_clock_now(&x->clk);
        if (ippm_clock_errest_due(&x->clk, &x->clock_watch, now))
            stamp_sender_set_errest(&x->s, x->clock_watch.e);
        uint64_t dur_end = send_duration_end(x, now);
        uint64_t dl = stamp_sender_deadline(&x->s);
        if (dl == UINT64_MAX)
            return IPPM_EXIT_OK;
        send_progress(x, now);
        uint64_t live_due = sender_live_tick(x, now);
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
        if (live_due > now && wait > live_due - now)
            wait = live_due - now; /* the next interval line */
        if (dur_end > now && wait > dur_end - now)
            wait = dur_end - now; /* --duration ends the sending */
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

/* ---- entry ---- */

static void send_free(struct sender *x)
{
    ippm_export_stop(&x->exp);
    ippm_driver_io_free(&x->sock, &x->rx, &x->tx);
    ippm_driver_key_free(&x->key);
    if (x->o.front && x->o.front->auth_close)
        x->o.front->auth_close(x->twl_state);
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
                        x->o.no_progress || x->o.per_packet ||
                            x->o.report_interval_ns);
    rc = send_loop(x);
    if (x->exp.on)
        send_publish(x, ippm_clock_now(&x->clk), true);
    ippm_progress_end(&x->prog);
    /* The rest leave the ring: per-packet output, lost lines last. */
    send_retire(x, true);
    stamp_sender_stats(&x->s, &x->st);
    /* The last interval lines before the summary, as iperf3 prints. */
    int lrc = sender_live_end(x, ippm_clock_now(&x->clk));
    if (rc == IPPM_EXIT_OK)
        rc = lrc;
    sender_print_summary(x);
    fflush(stdout);
    if (x->o.json) {
        int jrc = sender_write_json(x);
        if (rc == IPPM_EXIT_OK)
            rc = jrc;
    }
    if (x->o.html) {
        int hrc = sender_write_html(x);
        if (rc == IPPM_EXIT_OK)
            rc = hrc;
    }
    /* As ping does: no reply at all fails the run, so a CI job gating on
     * reachability needs no output parsing. */
    if (rc == IPPM_EXIT_OK && x->st.sent > 0 && x->st.received == 0)
        rc = IPPM_EXIT_FAIL;
    return rc;
}

/* see driver.h */
int stamp_sender_main(int argc, char **argv)
{
    return stamp_sender_front_main(argc, argv, &send_front_stamp);
}

/* see driver.h */
int stamp_sender_front_main(int argc, char **argv,
                            const struct stamp_front *f)
{
    struct sender *x = calloc(1, sizeof(*x));
    if (!x) {
        ippm_cli_error("stamp sender: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    x->sock.fd = -1;
    x->o.front = f;
    int rc = send_parse(&x->o, argc, argv);
    if (rc < 0)
        rc = send_setup(x);
    if (rc < 0)
        rc = send_run(x);
    send_free(x);
    return rc;
}
