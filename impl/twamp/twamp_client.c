/* ippm twamp client: one TWAMP session (RFC 5357) as twping runs it:
 * TWAMP-Control through proto/owtw's client machine (owtw_cl), then the
 * Session-Sender (owtw_send) at the schedule's times, Stop-Sessions, and
 * the report: round trip and each direction (owtw_report). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/driver_common.h"
#include "impl/core/progress.h"
#include "impl/owtw/owtw_client.h"
#include "impl/owtw/owtw_report.h"
#include "impl/owtw/owtw_send.h"
#include "impl/twamp/twamp_prog.h"
#include "proto/common/ippm_time.h"
#include "impl/owtw/owtw_proto.h"

#define PROG "twamp client"

static const char usage_head[] =
    "usage: ippm twamp client HOST[:PORT] [options]\n"
    "Measure round-trip and one-way delays to a TWAMP (RFC 5357) server,\n"
    "as twping does: TWAMP-Control on TCP, one test session on UDP.\n";
static const char usage_tail[] =
    "Exit status: 0 when any packet came back, 1 when none did, 2 on a bad\n"
    "command line or keys file, 3 when the session could not run (no\n"
    "connection, no common mode, refused), 5 when interrupted.\n";

static const struct owtw_prog prog = {PROG, "twamp-client",
                                      OWTW_DEFAULT_PORT_TWAMP, true,
                                      usage_head, usage_tail};

enum phase { PH_SETUP, PH_REQUESTED, PH_STARTING, PH_TESTING, PH_DONE };

struct twcl {
    struct owtw_cl cl;
    struct owtw_send send;
    enum phase phase;
    uint64_t start_ns;          /* the session's Start Time */
    struct owtw_slot slot; /* --interval or --poisson */
    struct owtw_accept_session accept;
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
    struct ippm_progress progress;
    json_t *packets;            /* --json */
    FILE *jsonl;                /* --jsonl */
    struct ippm_series s_rtt, s_fwd, s_bwd; /* --html */
    int rc;                     /* an exit status decided on the way */
};

/* The sender packet's length: the mode's base and --padding, by default
 * as much as makes the reflection as long as the request (perfSONAR
 * pads A/E requests to 112, fixtures §4.6). */
static size_t packet_len(const struct twcl *t, enum owtw_test_mode mode)
{
    size_t base = owtw_test_base_len(STAMP_PKT_SENDER, mode);
    if (t->cl.b.o.padding_given)
        return base + t->cl.b.o.padding;
    return owtw_test_base_len(STAMP_PKT_REFLECTOR, mode);
}

static void on_reply(void *user, const struct owtw_reply *r);

/* READY: the socket of the session, then Request-TW-Session. */
static void request(struct twcl *t, uint64_t now)
{
    struct owtw_cl *cl = &t->cl;
    const struct owtw_client_opts *o = &cl->b.o;
    char err[IPPM_NET_ERRLEN];
    if (owtw_send_open(&t->send, &cl->link.sock.local, err, sizeof(err)) !=
        0) {
        ippm_cli_error("%s: test socket: %s", PROG, err);
        t->rc = IPPM_EXIT_RUNTIME;
        return;
    }
    t->send.on_reply = on_reply;
    t->send.user = t;
    enum owtw_test_mode mode = owtw_ctl_test_mode(cl->mode);
    t->start_ns = now + o->start_delay_ns;
    struct owtw_request req;
    memset(&req, 0, sizeof(req));
    req.cmd = OWTW_CMD_REQUEST_TW_SESSION;
    req.ipvn = cl->b.server.family == IPPM_AF_INET6 ? 6 : 4;
    req.sender_port = t->send.sock.local.port;
    req.receiver_port = o->test_port;
    memcpy(req.sender_addr, cl->link.sock.local.ip, 16);
    memcpy(req.receiver_addr, cl->b.server.ip, 16);
    req.padding_len = (uint32_t)(packet_len(t, mode) -
                                 owtw_test_base_len(STAMP_PKT_SENDER, mode));
    req.start_time = ippm_ntp_from_ns(t->start_ns);
    req.timeout = owtw_ctl_interval(o->wait_ns);
    req.type_p = o->dscp >= 0 ? owtw_type_p_from_dscp((uint8_t)o->dscp) : 0;
    struct owtw_action a;
    t->phase = PH_REQUESTED;
    (void)owtw_cl_send(cl, owtw_client_request(&cl->m, now, &req, NULL, &a),
                       &a, now, "Request-TW-Session");
}

/* ACCEPT: Start-Sessions, or the refusal. */
static void accepted(struct twcl *t, uint64_t now)
{
    struct owtw_cl *cl = &t->cl;
    t->accept = cl->act.accept;
    if (t->accept.accept != OWTW_ACCEPT_OK) {
        ippm_cli_error("%s: the server refused the session: Accept %u (%s)",
                       PROG, (unsigned)t->accept.accept,
                       owtw_accept_name(t->accept.accept));
        t->rc = IPPM_EXIT_RUNTIME;
        t->phase = PH_DONE;
        return;
    }
    struct owtw_action a;
    t->phase = PH_STARTING;
    (void)owtw_cl_send(cl, owtw_client_start(&cl->m, now, &a), &a, now,
                       "Start-Sessions");
}

/* START_ACK: the sender goes. */
static void started(struct twcl *t)
{
    struct owtw_cl *cl = &t->cl;
    const struct owtw_client_opts *o = &cl->b.o;
    if (cl->act.start_ack.accept != OWTW_ACCEPT_OK) {
        ippm_cli_error("%s: the server refused to start: Accept %u (%s)", PROG,
                       (unsigned)cl->act.start_ack.accept,
                       owtw_accept_name(cl->act.start_ack.accept));
        t->rc = IPPM_EXIT_RUNTIME;
        t->phase = PH_DONE;
        return;
    }
    enum owtw_test_mode mode = owtw_ctl_test_mode(cl->mode);
    /* The session keys are ours: the Token carried them to the server. */
    const struct owtw_session_keys *sk = &cl->m.rnd.sk;
    t->slot.type = o->poisson ? OWTW_SLOT_EXP : OWTW_SLOT_FIXED;
    t->slot.param = owtw_ctl_interval(o->interval_ns);
    struct owtw_send_params p = {
        .mode = mode, .sid = t->accept.sid,
        .aes_sk = sk ? sk->aes_sk : NULL, .hmac_sk = sk ? sk->hmac_sk : NULL,
        .slots = &t->slot, .n_slots = 1,
        .start_ntp = ippm_ntp_from_ns(t->start_ns), .count = o->count,
        .pkt_len = packet_len(t, mode), .dscp = o->dscp, .twamp = true,
        .timeout_ns = o->wait_ns, .peer = cl->b.server};
    p.peer.port = t->accept.port;
    if (o->test_via.family != IPPM_AF_NONE) /* --test-via: a relay */
        p.peer = o->test_via;
    char err[IPPM_NET_ERRLEN];
    if (owtw_send_start(&t->send, &cl->b.crypto, &p, &cl->b.clk, err,
                        sizeof(err)) != 0) {
        ippm_cli_error("%s: %s", PROG, err);
        t->rc = IPPM_EXIT_RUNTIME;
        t->phase = PH_DONE;
        return;
    }
    t->phase = PH_TESTING;
    double expected = (double)(t->start_ns - ippm_clock_now(&cl->b.clk) +
                               (uint64_t)o->count * o->interval_ns) / 1e9;
    ippm_progress_start(&t->progress, expected, o->no_progress);
}

static void on_note(struct owtw_cl *cl, enum owtw_note note, uint64_t now)
{
    struct twcl *t = cl->user;
    switch (note) {
    case OWTW_NOTE_READY: request(t, now); break;
    case OWTW_NOTE_ACCEPT: accepted(t, now); break;
    case OWTW_NOTE_START_ACK: started(t); break;
    default: break;
    }
}

/* ---- per packet ---- */

static double ms(int64_t ns)
{
    return (double)ns / 1e6;
}

static void on_reply(void *user, const struct owtw_reply *r)
{
    struct twcl *t = user;
    const struct owtw_client_opts *o = &t->cl.b.o;
    int64_t rtt = (int64_t)(r->t4 - r->t1) - (int64_t)(r->t3 - r->t2);
    int64_t fwd = (int64_t)(r->t2 - r->t1), bwd = (int64_t)(r->t4 - r->t3);
    if (o->per_packet)
        printf("seq=%u rtt=%.3f ms send=%.3f ms reflect=%.3f ms "
               "send_hops=%d reflect_hops=%d%s\n",
               r->seq, ms(rtt), ms(fwd), ms(bwd), OWTW_TTL_SENT - r->fwd_ttl,
               r->bwd_ttl < 0 ? -1 : OWTW_TTL_SENT - r->bwd_ttl,
               r->duplicate ? " (DUP)" : "");
    if (!t->packets && !t->jsonl && !o->html)
        return;
    json_t *j = json_pack("{s:i, s:i, s:f, s:f, s:f, s:i, s:i, s:b}", "seq",
                          (int)r->seq, "refl_seq", (int)r->refl_seq, "rtt_ms",
                          ms(rtt), "send_ms", ms(fwd), "reflect_ms", ms(bwd),
                          "send_ttl", r->fwd_ttl, "reflect_ttl", r->bwd_ttl,
                          "duplicate", r->duplicate);
    if (t->jsonl && j) {
        json_dumpf(j, t->jsonl, JSON_COMPACT);
        fputc('\n', t->jsonl);
        fflush(t->jsonl);
    }
    if (t->packets && j)
        json_array_append(t->packets, j);
    json_decref(j);
    if (o->html && !r->duplicate && t->s_rtt.n < o->count) {
        size_t k = t->s_rtt.n++;
        t->s_fwd.n = t->s_bwd.n = t->s_rtt.n;
        double x = (double)(r->t1 - t->start_ns) / 1e9;
        t->s_rtt.x[k] = t->s_fwd.x[k] = t->s_bwd.x[k] = x;
        t->s_rtt.y[k] = ms(rtt);
        t->s_fwd.y[k] = ms(fwd);
        t->s_bwd.y[k] = ms(bwd);
    }
}

/* ---- the run ---- */

static void stop_sessions(struct twcl *t, uint64_t now)
{
    struct owtw_action a;
    t->phase = PH_DONE;
    (void)owtw_cl_send(&t->cl,
                       owtw_client_stop(&t->cl.m, now, OWTW_ACCEPT_OK, NULL, 1,
                                        &a),
                       &a, now, "Stop-Sessions");
}

static void progress(struct twcl *t, uint64_t now)
{
    if (!ippm_progress_due(&t->progress))
        return;
    const struct owtw_send *s = &t->send;
    uint64_t end = owtw_send_end_ns(s);
    ippm_progress_update(&t->progress, s->sent, s->received,
                         s->sent - s->received,
                         end > now ? (double)(end - now) / 1e9 : 0);
}

/* Until the session is over, the connection closes or a signal comes. */
static int run(struct twcl *t)
{
    struct owtw_cl *cl = &t->cl;
    while (t->phase != PH_DONE && !cl->failed && t->rc < 0) {
        if (ippm_net_stopping()) {
            if (t->phase == PH_TESTING)
                stop_sessions(t, ippm_clock_now(&cl->b.clk));
            t->rc = IPPM_EXIT_INTERRUPTED;
            break;
        }
        bool testing = t->phase == PH_TESTING, ready = false;
        uint64_t d = testing ? owtw_send_deadline(&t->send) : UINT64_MAX;
        if (testing && owtw_send_end_ns(&t->send) < d)
            d = owtw_send_end_ns(&t->send);
        if (owtw_cl_step(cl, testing ? t->send.sock.fd : -1, d,
                         100000000ull, &ready) != 0) {
            if (t->phase != PH_DONE) {
                ippm_cli_error("%s: control connection: %s", PROG,
                               owtw_cl_why(cl));
                t->rc = IPPM_EXIT_RUNTIME;
            }
            break;
        }
        if (t->phase != PH_TESTING)
            continue;
        uint64_t now = ippm_clock_now(&cl->b.clk);
        owtw_send_due(&t->send, &t->tx, &cl->b.clk, now);
        if (ready)
            owtw_send_drain(&t->send, &t->rx, &cl->b.clk);
        progress(t, now);
        if (owtw_send_finished(&t->send, now))
            stop_sessions(t, now);
    }
    ippm_progress_end(&t->progress);
    return cl->failed ? IPPM_EXIT_RUNTIME : t->rc;
}

static void fill_report(struct twcl *t, struct owtw_report *r)
{
    memset(r, 0, sizeof(*r));
    r->prog = PROG;
    r->header = "twping";
    ippm_addr_fmt(&t->send.sock.local, r->from, sizeof(r->from));
    struct ippm_addr to = t->cl.b.server;
    to.port = t->accept.port;
    ippm_addr_fmt(&to, r->to, sizeof(r->to));
    memcpy(r->sid, t->accept.sid, 16);
    r->mode = owtw_cli_mode_name(t->cl.mode & OWTW_MODE_SECURITY_MASK);
    r->start_ns = t->start_ns;
    t->send.rtt->sent = t->send.fwd->sent = t->send.sent;
    /* The reflector numbers its packets: what it sent is what its
     * highest number says. */
    t->send.bwd->sent = t->send.bwd->reorder.next_exp;
    r->way[0] = t->send.rtt;
    r->what[0] = "round-trip time";
    r->way[1] = t->send.fwd;
    r->what[1] = "send time";
    r->way[2] = t->send.bwd;
    r->what[2] = "reflect time";
    r->n_ways = 3;
    r->histogram = t->cl.b.o.histogram;
    r->packets = t->packets;
}

static int report(struct twcl *t, int rc)
{
    if (!t->send.rtt)
        return rc;
    struct owtw_report r;
    fill_report(t, &r);
    owtw_report_print(stdout, &r);
    const struct owtw_client_opts *o = &t->cl.b.o;
    int wrc = IPPM_EXIT_OK;
    if (o->json)
        wrc = owtw_report_write_json(o->json, &r);
    if (o->html && wrc == IPPM_EXIT_OK)
        wrc = owtw_report_write_html(o->html, &r, &t->s_rtt, &t->s_fwd,
                                     &t->s_bwd);
    if (wrc != IPPM_EXIT_OK)
        return wrc;
    if (rc >= 0)
        return rc;
    return t->send.received ? IPPM_EXIT_OK : IPPM_EXIT_FAIL;
}

static int outputs_open(struct twcl *t)
{
    const struct owtw_client_opts *o = &t->cl.b.o;
    if (o->json && !(t->packets = json_array()))
        return -1;
    if (o->jsonl)
        t->jsonl = strcmp(o->jsonl, "-") == 0 ? stdout : fopen(o->jsonl, "w");
    if (o->jsonl && !t->jsonl) {
        ippm_cli_error("--jsonl: cannot write '%s'", o->jsonl);
        return -1;
    }
    if (o->html && (ippm_series_alloc(&t->s_rtt, "round trip", o->count) ||
                    ippm_series_alloc(&t->s_fwd, "send", o->count) ||
                    ippm_series_alloc(&t->s_bwd, "reflect", o->count)))
        return -1;
    t->s_rtt.n = t->s_fwd.n = t->s_bwd.n = 0;
    return 0;
}

static void twcl_free(struct twcl *t)
{
    owtw_send_close(&t->send);
    owtw_cl_free(&t->cl);
    ippm_rx_batch_free(&t->rx);
    ippm_tx_batch_free(&t->tx);
    json_decref(t->packets);
    if (t->jsonl && t->jsonl != stdout)
        fclose(t->jsonl);
    ippm_series_free(&t->s_rtt);
    ippm_series_free(&t->s_fwd);
    ippm_series_free(&t->s_bwd);
    free(t);
}

/* see twamp_prog.h */
int twamp_client_main(int argc, char **argv)
{
    struct twcl *t = calloc(1, sizeof(*t));
    if (!t) {
        ippm_cli_error("%s: out of memory", PROG);
        return IPPM_EXIT_RUNTIME;
    }
    t->send.sock.fd = -1;
    t->cl.prog = PROG;
    t->cl.on_note = on_note;
    t->cl.user = t;
    t->rc = -1;
    int rc = owtw_client_parse(&t->cl.b.o, argc, argv, &prog);
    if (rc < 0 && outputs_open(t) != 0)
        rc = IPPM_EXIT_RUNTIME;
    if (rc < 0)
        rc = ippm_driver_batches_init(&t->rx, &t->tx, 8, IPPM_NET_MAX_DGRAM,
                                      PROG);
    if (rc < 0)
        rc = owtw_client_setup(&t->cl.b, &prog);
    if (rc < 0)
        rc = owtw_cl_start(&t->cl, OWTW_TWAMP);
    if (rc < 0)
        rc = report(t, run(t));
    twcl_free(t);
    return rc;
}
