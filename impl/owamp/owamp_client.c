/* ippm owamp client: OWAMP sessions (RFC 4656) as owping runs them:
 * OWAMP-Control through proto/owtw's client machine (owtw_cl); --to
 * sends (owtw_send) and fetches the server's records with Fetch-Session,
 * --from receives (owamp_recv), --both does both at once; then the
 * report, one direction each (owtw_report). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/driver_common.h"
#include "impl/core/progress.h"
#include "impl/owamp/owamp_prog.h"
#include "impl/owamp/owamp_recv.h"
#include "impl/owtw/owtw_client.h"
#include "impl/owtw/owtw_report.h"
#include "impl/owtw/owtw_send.h"
#include "proto/common/ippm_time.h"

#define PROG "owamp client"

static const char usage_head[] =
    "usage: ippm owamp client HOST[:PORT] [options]\n"
    "Measure one-way delays to and from an OWAMP (RFC 4656) server, as\n"
    "owping does: OWAMP-Control on TCP, test sessions on UDP, the server's\n"
    "records fetched with Fetch-Session.\n";
static const char usage_tail[] =
    "Exit status: 0 when any packet arrived, 1 when none did, 2 on a bad\n"
    "command line or keys file, 3 when the sessions could not run (no\n"
    "connection, no common mode, refused), 5 when interrupted.\n";

static const struct owtw_prog prog = {PROG, "owamp-client",
                                      OWTW_DEFAULT_PORT_OWAMP, false,
                                      usage_head, usage_tail};

enum phase { PH_SETUP, PH_REQUESTING, PH_STARTING, PH_TESTING, PH_STOPPING,
             PH_FETCHING, PH_DONE };

struct owcl {
    struct owtw_cl cl;
    enum phase phase;
    bool to, from;              /* the sessions asked for */
    bool to_accepted, from_accepted;
    uint64_t start_ns;
    struct owtw_slot slot;      /* --interval or --poisson */
    struct owtw_send send;      /* --to */
    uint8_t to_sid[OWTW_SID_LEN];
    uint16_t to_port;
    struct owamp_recv recv;     /* --from */
    uint16_t from_port;
    bool server_stopped;        /* the server's Stop-Sessions came */
    uint64_t from_end_ns;       /* --from: last send time + Timeout */
    uint32_t from_sent;         /* its Next Seqno for our session */
    bool stop_sent;
    struct owtw_way *way_to, *way_from;
    uint64_t fetched;           /* records fetched */
    struct ippm_series s_to, s_from; /* --html */
    FILE *jsonl;                /* --jsonl */
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
    struct ippm_progress progress;
    int rc;
};

static size_t packet_len(const struct owcl *t, enum owtw_test_mode mode)
{
    return owtw_test_base_len(STAMP_PKT_SENDER, mode) + t->cl.b.o.padding;
}

/* The request both sessions share: schedule, count, times, padding. */
static void base_request(struct owcl *t, struct owtw_request *req)
{
    const struct owtw_client_opts *o = &t->cl.b.o;
    enum owtw_test_mode mode = owtw_ctl_test_mode(t->cl.mode);
    memset(req, 0, sizeof(*req));
    req->cmd = OWTW_CMD_REQUEST_SESSION;
    req->ipvn = t->cl.b.server.family == IPPM_AF_INET6 ? 6 : 4;
    req->n_slots = 1;
    req->n_packets = o->count;
    req->padding_len = (uint32_t)(packet_len(t, mode) -
                                  owtw_test_base_len(STAMP_PKT_SENDER, mode));
    req->start_time = ippm_ntp_from_ns(t->start_ns);
    req->timeout = owtw_ctl_interval(o->wait_ns);
    req->type_p = o->dscp >= 0 ? owtw_type_p_from_dscp((uint8_t)o->dscp) : 0;
}

/* --to: we send, the server receives (Conf-Receiver). */
static void request_to(struct owcl *t, uint64_t now)
{
    struct owtw_cl *cl = &t->cl;
    char err[IPPM_NET_ERRLEN];
    if (owtw_send_open(&t->send, &cl->link.sock.local, err, sizeof(err))) {
        ippm_cli_error("%s: test socket: %s", PROG, err);
        t->rc = IPPM_EXIT_RUNTIME;
        return;
    }
    struct owtw_request req;
    base_request(t, &req);
    req.conf_receiver = 1;
    req.sender_port = t->send.sock.local.port;
    req.receiver_port = cl->b.o.test_port;
    memcpy(req.sender_addr, cl->link.sock.local.ip, 16);
    memcpy(req.receiver_addr, cl->b.server.ip, 16);
    struct owtw_action a;
    (void)owtw_cl_send(cl, owtw_client_request(&cl->m, now, &req, &t->slot,
                                               &a),
                       &a, now, "Request-Session");
}

/* --from: the server sends (Conf-Sender), we receive: our socket and
 * our SID, as the receiver makes it (RFC 4656 §3.5). */
static void request_from(struct owcl *t, uint64_t now)
{
    struct owtw_cl *cl = &t->cl;
    char err[IPPM_NET_ERRLEN];
    uint8_t sid[OWTW_SID_LEN];
    const struct owtw_session_keys *sk = &cl->m.rnd.sk;
    bool keyed = owtw_ctl_test_mode(cl->mode) != OWTW_TEST_OPEN;
    struct owamp_recv_params p = {owtw_ctl_test_mode(cl->mode), sid,
                                  keyed ? sk->aes_sk : NULL,
                                  keyed ? sk->hmac_sk : NULL, cl->b.o.count,
                                  owtw_ctl_interval(cl->b.o.wait_ns)};
    if (owtw_ctl_make_sid(sid, &cl->link.sock.local, now, &cl->b.crypto) !=
            IPPM_OK ||
        owamp_recv_open(&t->recv, &cl->link.sock.local, 0, 0, 0,
                        &cl->b.crypto, &p, &cl->b.clk, err, sizeof(err))) {
        ippm_cli_error("%s: test socket: %s", PROG, err);
        t->rc = IPPM_EXIT_RUNTIME;
        return;
    }
    struct owtw_request req;
    base_request(t, &req);
    req.conf_sender = 1;
    req.receiver_port = t->recv.sock.local.port;
    memcpy(req.sender_addr, cl->b.server.ip, 16);
    memcpy(req.receiver_addr, cl->link.sock.local.ip, 16);
    memcpy(req.sid, sid, OWTW_SID_LEN);
    struct owtw_action a;
    (void)owtw_cl_send(cl, owtw_client_request(&cl->m, now, &req, &t->slot,
                                               &a),
                       &a, now, "Request-Session");
}

static void on_ready(struct owcl *t, uint64_t now)
{
    const struct owtw_client_opts *o = &t->cl.b.o;
    t->start_ns = now + o->start_delay_ns;
    t->slot.type = o->poisson ? OWTW_SLOT_EXP : OWTW_SLOT_FIXED;
    t->slot.param = owtw_ctl_interval(o->interval_ns);
    t->phase = PH_REQUESTING;
    if (t->to)
        request_to(t, now);
    else
        request_from(t, now);
}

static void on_accept(struct owcl *t, uint64_t now)
{
    struct owtw_cl *cl = &t->cl;
    const struct owtw_accept_session *acc = &cl->act.accept;
    if (acc->accept != OWTW_ACCEPT_OK) {
        ippm_cli_error("%s: the server refused the session: Accept %u (%s)",
                       PROG, (unsigned)acc->accept,
                       owtw_accept_name(acc->accept));
        t->rc = IPPM_EXIT_RUNTIME;
        t->phase = PH_DONE;
        return;
    }
    if (t->to && !t->to_accepted) {
        t->to_accepted = true;
        memcpy(t->to_sid, acc->sid, OWTW_SID_LEN);
        t->to_port = acc->port;
        if (t->from) {
            request_from(t, now);
            return;
        }
    } else {
        t->from_accepted = true;
        t->from_port = acc->port;
    }
    struct owtw_action a;
    t->phase = PH_STARTING;
    (void)owtw_cl_send(cl, owtw_client_start(&cl->m, now, &a), &a, now,
                       "Start-Sessions");
}

/* When the server's packets to us are over: the schedule's last send
 * time (proto/owtw computes it as the server does) and the Timeout. */
static uint64_t from_end(struct owcl *t)
{
    struct owtw_schedule sched;
    uint64_t at = ippm_ntp_from_ns(t->start_ns);
    if (owtw_schedule_init(&sched, &t->cl.b.crypto, t->recv.sid, &t->slot, 1,
                           at) != IPPM_OK)
        return UINT64_MAX;
    for (uint32_t i = 0; i < t->cl.b.o.count; i++)
        if (owtw_schedule_next(&sched, &at) != IPPM_OK)
            break;
    owtw_schedule_free(&sched);
    return ippm_ns_from_ntp(at) + t->cl.b.o.wait_ns;
}

static void on_start_ack(struct owcl *t)
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
    const struct owtw_session_keys *sk = &cl->m.rnd.sk;
    if (t->to) {
        struct owtw_send_params p = {
            .mode = mode, .sid = t->to_sid, .aes_sk = sk->aes_sk,
            .hmac_sk = sk->hmac_sk, .slots = &t->slot, .n_slots = 1,
            .start_ntp = ippm_ntp_from_ns(t->start_ns), .count = o->count,
            .pkt_len = packet_len(t, mode), .dscp = o->dscp, .twamp = false,
            .timeout_ns = o->wait_ns, .peer = cl->b.server};
        p.peer.port = t->to_port;
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
    }
    if (t->from) {
        t->recv.started = true;
        t->from_end_ns = from_end(t);
    }
    t->phase = PH_TESTING;
    double expected = (double)(t->start_ns - ippm_clock_now(&cl->b.clk) +
                               (uint64_t)o->count * o->interval_ns) / 1e9;
    ippm_progress_start(&t->progress, expected, o->no_progress);
}

static void after_stops(struct owcl *t, uint64_t now);

/* The server's Stop-Sessions: how many it sent us; after ours, the
 * records of the session we sent can be fetched. */
static void on_stop(struct owcl *t, uint64_t now)
{
    const struct owtw_stop *st = &t->cl.act.stop;
    struct owtw_stop_record r;
    size_t off = 0;
    while (owtw_stop_record_next(st, &off, &r) == IPPM_OK) {
        if (!t->from || memcmp(r.sid, t->recv.sid, OWTW_SID_LEN) != 0)
            continue;
        t->from_sent = r.next_seqno;
        struct owtw_schedule sched;
        if (owtw_schedule_init(&sched, &t->cl.b.crypto, t->recv.sid, &t->slot,
                               1, ippm_ntp_from_ns(t->start_ns)) == IPPM_OK) {
            (void)owamp_receiver_finish(&t->recv.r, &sched, r.next_seqno,
                                        NULL, 0, now);
            owtw_schedule_free(&sched);
        }
        t->recv.finished = true;
    }
    t->server_stopped = true;
    if (t->phase == PH_STOPPING)
        after_stops(t, now);
}

/* A record that arrived: --per-packet's line, --jsonl's record, and
 * --html's point (ms by seconds since the Start Time). */
static void series_point(struct owcl *t, struct ippm_series *s,
                         uint64_t send_ns, uint64_t recv_ns, uint32_t seq,
                         int ttl)
{
    const char *dir = s == &t->s_to ? "to" : "from";
    double ms = (double)(int64_t)(recv_ns - send_ns) / 1e6;
    if (t->cl.b.o.per_packet)
        printf("%s seq=%u delay=%.3f ms hops=%d\n", dir, seq, ms,
               OWTW_TTL_SENT - ttl);
    if (t->jsonl) {
        fprintf(t->jsonl,
                "{\"direction\":\"%s\",\"seq\":%u,\"delay_ms\":%.6f,"
                "\"ttl\":%d}\n",
                dir, seq, ms, ttl);
        fflush(t->jsonl);
    }
    if (!t->cl.b.o.html || s->n >= t->cl.b.o.count)
        return;
    s->x[s->n] = (double)(int64_t)(send_ns - t->start_ns) / 1e9;
    s->y[s->n] = (double)(int64_t)(recv_ns - send_ns) / 1e6;
    s->n++;
}

/* Fetched records into the --to direction. */
static void on_records(struct owcl *t)
{
    const struct owtw_action *a = &t->cl.act;
    struct owamp_record rec[64];
    size_t n = a->n_records;
    for (size_t k = 0; k < n; k += 64) {
        size_t m = n - k < 64 ? n - k : 64;
        struct owamp_list_facts facts;
        if (owamp_records_decode(rec, 64, a->view + k * OWAMP_RECORD_LEN,
                                 a->view_len - k * OWAMP_RECORD_LEN, m,
                                 &facts) != IPPM_OK)
            return;
        for (size_t i = 0; i < m; i++) {
            t->fetched++;
            if (owamp_record_is_lost(&rec[i]))
                continue;
            uint64_t tx = owtw_ts_decode(rec[i].send_ts, rec[i].send_errest,
                                         NULL),
                     rx = owtw_ts_decode(rec[i].recv_ts, rec[i].recv_errest,
                                         NULL);
            owtw_way_add(t->way_to, rec[i].seq, tx, rx, rec[i].ttl,
                         rec[i].send_errest, rec[i].recv_errest);
            series_point(t, &t->s_to, tx, rx, rec[i].seq, rec[i].ttl);
        }
    }
    if (a->last)
        t->phase = PH_DONE;
}

static void on_note(struct owtw_cl *cl, enum owtw_note note, uint64_t now)
{
    struct owcl *t = cl->user;
    switch (note) {
    case OWTW_NOTE_READY: on_ready(t, now); break;
    case OWTW_NOTE_ACCEPT: on_accept(t, now); break;
    case OWTW_NOTE_START_ACK: on_start_ack(t); break;
    case OWTW_NOTE_STOP: on_stop(t, now); break;
    case OWTW_NOTE_FETCH_ACK:
        if (cl->act.fetch_ack.accept != OWTW_ACCEPT_OK) {
            ippm_cli_error("%s: Fetch-Session refused: Accept %u (%s)", PROG,
                           (unsigned)cl->act.fetch_ack.accept,
                           owtw_accept_name(cl->act.fetch_ack.accept));
            t->phase = PH_DONE;
        } else if (cl->act.fetch_ack.n_records == 0) {
            t->phase = PH_DONE;
        }
        break;
    case OWTW_NOTE_FETCH_RECORDS: on_records(t); break;
    default: break;
    }
}

/* ---- the run ---- */

/* Our Stop-Sessions: a record for the session we sent. */
static void stop_sessions(struct owcl *t, uint64_t now)
{
    struct owtw_stop_record rec;
    memset(&rec, 0, sizeof(rec));
    memcpy(rec.sid, t->to_sid, OWTW_SID_LEN);
    rec.next_seqno = t->send.next_seq;
    /* what was too late to send (RFC 4656 §4.1.1) */
    uint8_t skips[OWTW_SEND_SKIPS_LEN];
    rec.n_skips = owtw_send_skips(&t->send, skips, sizeof(skips));
    rec.skips = skips;
    struct owtw_action a;
    t->stop_sent = true;
    (void)owtw_cl_send(&t->cl,
                       owtw_client_stop(&t->cl.m, now, OWTW_ACCEPT_OK, &rec,
                                        t->to ? 1 : 0, &a),
                       &a, now, "Stop-Sessions");
}

static void fetch(struct owcl *t, uint64_t now)
{
    struct owtw_fetch f = {.cmd = OWTW_CMD_FETCH_SESSION, .begin_seq = 0,
                           .end_seq = 0xffffffffu};
    memcpy(f.sid, t->to_sid, OWTW_SID_LEN);
    struct owtw_action a;
    t->phase = PH_FETCHING;
    (void)owtw_cl_send(&t->cl, owtw_client_fetch(&t->cl.m, now, &f, &a), &a,
                       now, "Fetch-Session");
}

/* Both Stop-Sessions are out: fetch what the server received, or done. */
static void after_stops(struct owcl *t, uint64_t now)
{
    if (t->to)
        fetch(t, now);
    else
        t->phase = PH_DONE;
}

/* What the test phase waits for before Stop-Sessions: our packets sent
 * and their timeout passed, and the server's Stop-Sessions for its. */
static void testing_step(struct owcl *t, bool ready, uint64_t now)
{
    if (t->to)
        owtw_send_due(&t->send, &t->tx, &t->cl.b.clk, now);
    if (t->from && ready)
        owamp_recv_drain(&t->recv, &t->rx, &t->cl.b.clk);
    if (ippm_progress_due(&t->progress))
        ippm_progress_update(&t->progress, t->send.sent,
                             t->from ? t->recv.r.counters.received : 0, 0,
                             -1);
    bool sent_all = !t->to || owtw_send_finished(&t->send, now);
    bool got_all = !t->from || t->server_stopped || now >= t->from_end_ns;
    if (!sent_all || !got_all || t->stop_sent)
        return;
    stop_sessions(t, now);
    if (t->server_stopped)
        after_stops(t, now);
    else
        t->phase = PH_STOPPING; /* the server's Stop-Sessions answers */
}

static int run(struct owcl *t)
{
    struct owtw_cl *cl = &t->cl;
    while (t->phase != PH_DONE && !cl->failed && t->rc < 0) {
        if (ippm_net_stopping()) {
            t->rc = IPPM_EXIT_INTERRUPTED;
            break;
        }
        bool testing = t->phase == PH_TESTING, ready = false;
        uint64_t d = UINT64_MAX;
        if (testing && t->to) {
            d = owtw_send_deadline(&t->send);
            if (owtw_send_end_ns(&t->send) < d)
                d = owtw_send_end_ns(&t->send);
        }
        if (testing && t->from && t->from_end_ns < d)
            d = t->from_end_ns;
        int fd = testing && t->from ? t->recv.sock.fd : -1;
        if (owtw_cl_step(cl, fd, d, 100000000ull, &ready) != 0) {
            if (t->phase != PH_DONE) {
                ippm_cli_error("%s: control connection: %s", PROG,
                               owtw_cl_why(cl));
                t->rc = IPPM_EXIT_RUNTIME;
            }
            break;
        }
        if (t->phase == PH_TESTING)
            testing_step(t, ready, ippm_clock_now(&cl->b.clk));
    }
    ippm_progress_end(&t->progress);
    return cl->failed ? IPPM_EXIT_RUNTIME : t->rc;
}

/* The --from direction from our receiver's records. */
static void from_way(struct owcl *t)
{
    const struct owamp_receiver *r = &t->recv.r;
    for (size_t i = 0; i < r->n; i++) {
        const struct owamp_record *x = &r->rec[i];
        if (owamp_record_is_lost(x))
            continue;
        uint64_t tx = owtw_ts_decode(x->send_ts, x->send_errest, NULL),
                 rx = owtw_ts_decode(x->recv_ts, x->recv_errest, NULL);
        owtw_way_add(t->way_from, x->seq, tx, rx, x->ttl, x->send_errest,
                     x->recv_errest);
        series_point(t, &t->s_from, tx, rx, x->seq, x->ttl);
    }
    t->way_from->sent = t->server_stopped ? t->from_sent : r->next_seqno;
}

/* One direction's owping block. */
static void print_one(struct owcl *t, struct owtw_way *w, uint16_t peer_port,
                      const uint8_t *sid, bool to_server)
{
    struct owtw_report r;
    memset(&r, 0, sizeof(r));
    r.prog = PROG;
    r.header = "owping";
    struct ippm_addr server = t->cl.b.server;
    server.port = peer_port;
    const struct ippm_addr *local =
        to_server ? &t->send.sock.local : &t->recv.sock.local;
    ippm_addr_fmt(to_server ? local : &server, r.from, sizeof(r.from));
    ippm_addr_fmt(to_server ? &server : local, r.to, sizeof(r.to));
    memcpy(r.sid, sid, 16);
    r.mode = owtw_cli_mode_name(t->cl.mode & OWTW_MODE_SECURITY_MASK);
    r.start_ns = t->start_ns;
    r.way[0] = w;
    r.what[0] = "one-way delay";
    r.n_ways = 1;
    r.histogram = t->cl.b.o.histogram;
    owtw_report_print(stdout, &r);
}

/* --json, --html: both directions in one report, between the two ends
 * of the control connection. */
static int write_files(struct owcl *t)
{
    const struct owtw_client_opts *o = &t->cl.b.o;
    struct owtw_report r;
    memset(&r, 0, sizeof(r));
    r.prog = PROG;
    r.header = "owping";
    ippm_addr_fmt(&t->cl.link.sock.local, r.from, sizeof(r.from));
    ippm_addr_fmt(&t->cl.b.server, r.to, sizeof(r.to));
    memcpy(r.sid, t->to ? t->to_sid : t->recv.sid, 16);
    r.mode = owtw_cli_mode_name(t->cl.mode & OWTW_MODE_SECURITY_MASK);
    r.start_ns = t->start_ns;
    if (t->to && t->to_accepted)
        r.way[r.n_ways++] = t->way_to;
    if (t->from && t->from_accepted)
        r.way[r.n_ways++] = t->way_from;
    int rc = IPPM_EXIT_OK;
    if (o->json)
        rc = owtw_report_write_json(o->json, &r);
    if (o->html && rc == IPPM_EXIT_OK)
        rc = owtw_report_write_html(o->html, &r, NULL,
                                    t->to ? &t->s_to : NULL,
                                    t->from ? &t->s_from : NULL);
    return rc;
}

static int report(struct owcl *t, int rc)
{
    bool any = false;
    if (t->to && t->to_accepted) {
        t->way_to->sent = t->send.sent;
        print_one(t, t->way_to, t->to_port, t->to_sid, true);
        any = any || t->way_to->received;
    }
    if (t->from && t->from_accepted) {
        from_way(t);
        if (t->to && t->to_accepted)
            putchar('\n');
        print_one(t, t->way_from, t->from_port, t->recv.sid, false);
        any = any || t->way_from->received;
    }
    int wrc = t->to_accepted || t->from_accepted ? write_files(t)
                                                 : IPPM_EXIT_OK;
    if (wrc != IPPM_EXIT_OK)
        return wrc;
    if (rc >= 0)
        return rc;
    return any ? IPPM_EXIT_OK : IPPM_EXIT_FAIL;
}

static void owcl_free(struct owcl *t)
{
    owtw_send_close(&t->send);
    owamp_recv_close(&t->recv);
    owtw_cl_free(&t->cl);
    owtw_way_free(t->way_to);
    owtw_way_free(t->way_from);
    ippm_series_free(&t->s_to);
    ippm_series_free(&t->s_from);
    if (t->jsonl && t->jsonl != stdout)
        fclose(t->jsonl);
    ippm_rx_batch_free(&t->rx);
    ippm_tx_batch_free(&t->tx);
    free(t);
}

/* see owamp_prog.h */
int owamp_client_main(int argc, char **argv)
{
    struct owcl *t = calloc(1, sizeof(*t));
    if (!t) {
        ippm_cli_error("%s: out of memory", PROG);
        return IPPM_EXIT_RUNTIME;
    }
    t->send.sock.fd = t->recv.sock.fd = -1;
    t->cl.prog = PROG;
    t->cl.on_note = on_note;
    t->cl.user = t;
    t->rc = -1;
    int rc = owtw_client_parse(&t->cl.b.o, argc, argv, &prog);
    if (rc < 0) {
        t->to = t->cl.b.o.dir != OWTW_DIR_FROM;
        t->from = t->cl.b.o.dir != OWTW_DIR_TO;
        t->way_to = owtw_way_new("to server");
        t->way_from = owtw_way_new("from server");
        if (!t->way_to || !t->way_from ||
            (t->cl.b.o.html &&
             (ippm_series_alloc(&t->s_to, "to server", t->cl.b.o.count) ||
              ippm_series_alloc(&t->s_from, "from server",
                                t->cl.b.o.count))))
            rc = IPPM_EXIT_RUNTIME;
        t->s_to.n = t->s_from.n = 0;
        const char *jl = t->cl.b.o.jsonl;
        if (jl && !(t->jsonl = strcmp(jl, "-") ? fopen(jl, "w") : stdout)) {
            ippm_cli_error("--jsonl: cannot write '%s'", jl);
            rc = IPPM_EXIT_RUNTIME;
        }
    }
    if (rc < 0)
        rc = ippm_driver_batches_init(&t->rx, &t->tx, 8, IPPM_NET_MAX_DGRAM,
                                      PROG);
    if (rc < 0)
        rc = owtw_client_setup(&t->cl.b, &prog);
    if (rc < 0)
        rc = owtw_cl_start(&t->cl, OWTW_OWAMP);
    if (rc < 0)
        rc = report(t, run(t));
    owcl_free(t);
    return rc;
}
