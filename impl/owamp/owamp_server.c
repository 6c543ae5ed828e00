/* ippm owamp server: OWAMP-Control (RFC 4656 §3) on a TCP port through
 * proto/owtw's server machine, one per connection; a receiving session
 * (owamp_recv, records kept for Fetch-Session) per Conf-Receiver request
 * and a sending session (owtw_send) per Conf-Sender request, all in one
 * poll loop (owtw_server). The driver answers the machine's notes and
 * moves octets; it reads no message itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/driver_common.h"
#include "impl/owamp/owamp_prog.h"
#include "impl/owamp/owamp_recv.h"
#include "impl/owtw/owtw_ctl.h"
#include "impl/owtw/owtw_metrics.h"
#include "impl/owtw/owtw_prog.h"
#include "impl/owtw/owtw_send.h"
#include "impl/owtw/owtw_server.h"
#include "impl/report/export.h"
#include "proto/common/ippm_time.h"

#define PROG "owamp server"
#define MAX_SKIPS 64          /* skip ranges kept per session */
#define FETCH_CHUNK 128       /* records per Fetch reply chunk */
/* Finished receiving sessions kept after their connection closes, for a
 * Fetch-Session on a later one (powstream and owfetch fetch so): the
 * most recent ones, the oldest forgotten first. */
#define KEPT_MAX 64

struct ows;

/* One test session of a connection, either way. */
struct ow_sess {
    bool used, receiving;     /* receiving: Conf-Receiver, else we send */
    struct owamp_recv recv;
    struct owtw_send send;
    struct owtw_request req;  /* as requested (for Fetch's reproduction) */
    struct owtw_slot slots[OWTW_CTL_MAX_SLOTS]; /* the request's schedule */
    struct owamp_skip skips[MAX_SKIPS]; /* the sender's, from Stop */
    size_t n_skips;
};

struct owc {
    struct owtw_server m;
    struct owtw_action act;
    struct owtw_ctl_bufs bufs;
    struct ow_sess sess[OWTW_CTL_MAX_SESSIONS];
    struct owtw_link *link;
    struct ows *srv;
    bool started, stop_sent;
};

struct ows {
    struct owtw_server_base b;
    struct owc *fd_conn[OWTW_SERVER_TEST_FDS];
    int fd_sess[OWTW_SERVER_TEST_FDS];
    struct ow_sess *kept[KEPT_MAX]; /* kept[0] the oldest */
    size_t n_kept;
};

static const char usage_head[] =
    "usage: ippm owamp server [options]\n"
    "Answer OWAMP (RFC 4656) clients: OWAMP-Control on TCP; test sessions\n"
    "received (records kept for Fetch-Session) or sent on UDP.\n";
static const char usage_tail[] =
    "Exit status: 0 after a clean stop (SIGINT, SIGTERM), 2 on a bad\n"
    "command line or keys file, 3 when it could not run (a port it cannot\n"
    "bind, an address that does not resolve).\n";

static const struct owtw_prog prog = {PROG, "owamp-server",
                                      OWTW_DEFAULT_PORT_OWAMP, false,
                                      usage_head, usage_tail};

/* ---- the machine, as owtw_link drives it ---- */

static enum ippm_err m_handle(void *mv, const struct ippm_event *ev,
                              struct ippm_action *act)
{
    struct owc *c = mv;
    enum ippm_err e = owtw_server_handle(&c->m, ev, &c->act);
    *act = c->act.io;
    return e;
}

static uint64_t m_deadline(const void *mv)
{
    return owtw_server_deadline(&((const struct owc *)mv)->m);
}

static const uint8_t *m_tx(const void *mv)
{
    return ((const struct owc *)mv)->bufs.tx;
}

static size_t m_room(const void *mv)
{
    return owtw_server_room(&((const struct owc *)mv)->m);
}

static void answer(struct owc *c, struct owtw_action *a, enum ippm_err e,
                   uint64_t now)
{
    if (e == IPPM_OK)
        (void)owtw_link_perform(c->link, &a->io, now);
}

static void kept_free(struct ow_sess *k)
{
    owamp_recv_close(&k->recv);
    free(k);
}

/* A finished receiving session outlives its connection: its records
 * move to the server's store (socket and keys closed). */
static void keep_session(struct ows *s, struct ow_sess *x)
{
    struct ow_sess *k = malloc(sizeof(*k));
    if (!k)
        return;
    ippm_net_close(&x->recv.sock);
    if (x->recv.keyed)
        owtw_test_keys_free(&x->recv.keys);
    x->recv.keyed = false;
    *k = *x;
    x->recv.rec = NULL; /* the records are k's now */
    x->recv.seen = NULL;
    if (s->n_kept == KEPT_MAX) {
        kept_free(s->kept[0]);
        memmove(s->kept, s->kept + 1, (KEPT_MAX - 1) * sizeof(*s->kept));
        s->n_kept--;
    }
    s->kept[s->n_kept++] = k;
}

static void close_session(struct owc *c, int i)
{
    struct ow_sess *x = &c->sess[i];
    if (!x->used)
        return;
    if (x->receiving && x->recv.finished)
        keep_session(c->srv, x);
    owamp_recv_close(&x->recv);
    owtw_send_close(&x->send);
    x->used = false;
    c->srv->b.sample.sessions--;
}

/* The test keys' session keys: the ones the client's Token carried. */
static const struct owtw_session_keys *session_keys(const struct owc *c)
{
    return owtw_ctl_server_keys(&c->m);
}

/* A Conf-Receiver request: a receiving socket and a new SID. */
static uint8_t open_receiving(struct owc *c, struct ow_sess *x,
                              struct owtw_accept_session *ans, uint64_t now)
{
    struct ows *s = c->srv;
    char err[IPPM_NET_ERRLEN];
    if (!owtw_limits_packets_ok(&s->b.o.lim, x->req.n_packets))
        return OWTW_ACCEPT_PERMANENT; /* a record per packet: --max-packets */
    if (owtw_ctl_make_sid(ans->sid, &c->link->sock.local, now,
                          &s->b.crypto) != IPPM_OK)
        return OWTW_ACCEPT_INTERNAL;
    const struct owtw_session_keys *sk = session_keys(c);
    struct owamp_recv_params p = {owtw_ctl_test_mode(c->m.c.mode), ans->sid,
                                  sk ? sk->aes_sk : NULL,
                                  sk ? sk->hmac_sk : NULL, x->req.n_packets,
                                  x->req.timeout};
    if (owamp_recv_open(&x->recv, &c->link->sock.local, s->b.o.test_lo,
                        s->b.o.test_hi, x->req.receiver_port, &s->b.crypto,
                        &p, &s->b.clk, err, sizeof(err)) != 0) {
        if (!s->b.o.quiet)
            fprintf(stderr, "%s: session refused: %s\n", PROG, err);
        owamp_recv_close(&x->recv);
        return OWTW_ACCEPT_TEMPORARY;
    }
    x->receiving = true;
    ans->port = x->recv.sock.local.port;
    return OWTW_ACCEPT_OK;
}

/* True when the request's Receiver Address is the control client's or
 * ours, or unset (all zero: the control connection's). RFC 4656 §6.2:
 * "the default behavior of servers MUST be to decline requests where the
 * Receiver Address field is not equal to the address that the control
 * connection was initiated from or an address of the server", lest a
 * client aim test packets at a third party. */
static bool receiver_allowed(const struct owc *c, const struct owtw_request *r)
{
    static const uint8_t zero[16];
    size_t n = r->ipvn == 6 ? 16 : 4;
    return memcmp(r->receiver_addr, zero, n) == 0 ||
           memcmp(r->receiver_addr, c->link->peer.ip, n) == 0 ||
           memcmp(r->receiver_addr, c->link->sock.local.ip, n) == 0;
}

/* A Conf-Sender request: a sending socket; the client made the SID. */
static uint8_t open_sending(struct owc *c, struct ow_sess *x,
                            struct owtw_accept_session *ans)
{
    char err[IPPM_NET_ERRLEN];
    x->send.sock.fd = -1;
    if (owtw_send_open(&x->send, &c->link->sock.local, err, sizeof(err)) !=
        0) {
        if (!c->srv->b.o.quiet)
            fprintf(stderr, "%s: session refused: %s\n", PROG, err);
        return OWTW_ACCEPT_TEMPORARY;
    }
    memcpy(ans->sid, x->req.sid, OWTW_SID_LEN);
    ans->port = x->send.sock.local.port;
    return OWTW_ACCEPT_OK;
}

/* Request-Session (RFC 4656 §3.5). */
static void on_request(struct owc *c, uint64_t now)
{
    int i = c->act.session;
    struct owtw_accept_session ans;
    memset(&ans, 0, sizeof(ans));
    struct ow_sess *x = i >= 0 ? &c->sess[i] : NULL;
    const struct owtw_request *req = &c->act.request;
    /* RFC 4656 §3.5: with Conf-Sender the Type-P configures what we
     * send; a PHB ID (or a reserved form) we cannot set is refused. */
    if (!x || req->n_slots == 0 || req->n_slots > OWTW_CTL_MAX_SLOTS ||
        !req->conf_sender == !req->conf_receiver ||
        (req->conf_sender && owtw_type_p_dscp(req->type_p) < 0)) {
        ans.accept = x ? OWTW_ACCEPT_NOT_SUPPORTED : OWTW_ACCEPT_TEMPORARY;
    } else {
        close_session(c, i); /* a stopped session's slot, reused: kept */
        memset(x, 0, sizeof(*x));
        x->recv.sock.fd = x->send.sock.fd = -1;
        x->req = *req;
        for (uint32_t k = 0; k < req->n_slots; k++)
            (void)owtw_slot_decode(&x->slots[k], req->slots, k);
        x->req.slots = NULL;
        ans.accept = !receiver_allowed(c, req) ? OWTW_ACCEPT_FAILURE
                     : req->conf_receiver ? open_receiving(c, x, &ans, now)
                                          : open_sending(c, x, &ans);
        if (ans.accept == OWTW_ACCEPT_OK) {
            x->used = true;
            c->srv->b.sample.sessions++;
            c->srv->b.sample.sessions_total++;
        } else {
            owtw_send_close(&x->send);
        }
    }
    if (ans.accept != OWTW_ACCEPT_OK)
        c->srv->b.sample.sessions_refused++;
    struct owtw_action a;
    answer(c, &a, owtw_server_accept(&c->m, now, &ans, &a), now);
}

/* Starts one session: receiving, or sending to the client's port. */
static void start_session(struct owc *c, struct ow_sess *x)
{
    struct ows *s = c->srv;
    if (x->receiving) {
        x->recv.started = true;
        return;
    }
    const struct owtw_session_keys *sk = session_keys(c);
    enum owtw_test_mode mode = owtw_ctl_test_mode(c->m.c.mode);
    struct owtw_send_params p = {
        .mode = mode, .sid = x->req.sid, .aes_sk = sk ? sk->aes_sk : NULL,
        .hmac_sk = sk ? sk->hmac_sk : NULL, .slots = x->slots,
        .n_slots = x->req.n_slots, .start_ntp = x->req.start_time,
        .count = x->req.n_packets,
        .pkt_len = owtw_test_base_len(STAMP_PKT_SENDER, mode) +
                   x->req.padding_len,
        /* RFC 4656 §3.5: with Conf-Sender, the Type-P Descriptor is
         * to be used to send. */
        .dscp = owtw_type_p_dscp(x->req.type_p), .twamp = false,
        .timeout_ns = owtw_ctl_interval_ns(x->req.timeout),
        .peer = c->link->peer};
    p.peer.port = x->req.receiver_port;
    char err[IPPM_NET_ERRLEN];
    if (owtw_send_start(&x->send, &s->b.crypto, &p, &s->b.clk, err,
                        sizeof(err)) != 0 &&
        !s->b.o.quiet)
        fprintf(stderr, "%s: cannot send: %s\n", PROG, err);
}

static void on_start(struct owc *c, uint64_t now)
{
    for (int i = 0; i < OWTW_CTL_MAX_SESSIONS; i++)
        if (c->sess[i].used)
            start_session(c, &c->sess[i]);
    c->started = true;
    struct owtw_action a;
    answer(c, &a, owtw_server_start_ack(&c->m, now, OWTW_ACCEPT_OK, &a), now);
}

/* Our Stop-Sessions: a record per session we sent (RFC 4656 §3.8). */
static void send_stop(struct owc *c, uint64_t now)
{
    struct owtw_stop_record recs[OWTW_CTL_MAX_SESSIONS];
    static uint8_t skips[OWTW_CTL_MAX_SESSIONS][OWTW_SEND_SKIPS_LEN];
    uint32_t n = 0;
    for (int i = 0; i < OWTW_CTL_MAX_SESSIONS; i++) {
        struct ow_sess *x = &c->sess[i];
        if (!x->used || x->receiving)
            continue;
        memset(&recs[n], 0, sizeof(recs[n]));
        memcpy(recs[n].sid, x->req.sid, OWTW_SID_LEN);
        recs[n].next_seqno = x->send.next_seq;
        /* what was too late to send (RFC 4656 §4.1.1) */
        recs[n].n_skips = owtw_send_skips(&x->send, skips[n],
                                          sizeof(skips[n]));
        recs[n].skips = skips[n];
        n++;
    }
    c->stop_sent = true;
    struct owtw_action a;
    answer(c, &a, owtw_server_stop(&c->m, now, OWTW_ACCEPT_OK, recs, n, &a),
           now);
}

static int session_of(const struct owc *c, const uint8_t *sid)
{
    for (int i = 0; i < OWTW_CTL_MAX_SESSIONS; i++) {
        const struct ow_sess *x = &c->sess[i];
        if (x->used && memcmp(x->receiving ? x->recv.sid : x->req.sid, sid,
                              OWTW_SID_LEN) == 0)
            return i;
    }
    return -1;
}

/* The client's Stop-Sessions: each receiving session ends with the
 * sender's Next Seqno and skips (lost records added by proto/owamp). */
static void on_stop(struct owc *c, uint64_t now)
{
    const struct owtw_stop *st = &c->act.stop;
    struct owtw_stop_record r;
    size_t off = 0;
    while (owtw_stop_record_next(st, &off, &r) == IPPM_OK) {
        int i = session_of(c, r.sid);
        if (i < 0 || !c->sess[i].receiving || c->sess[i].recv.finished)
            continue;
        struct ow_sess *x = &c->sess[i];
        size_t n = r.n_skips < MAX_SKIPS ? r.n_skips : MAX_SKIPS;
        struct owamp_list_facts facts;
        if (owamp_skips_decode(x->skips, MAX_SKIPS, r.skips,
                               (size_t)r.n_skips * OWAMP_SKIP_RANGE_LEN, n,
                               &facts) == IPPM_OK)
            x->n_skips = n;
        struct owtw_schedule sched;
        if (owtw_schedule_init(&sched, &c->srv->b.crypto, x->recv.sid,
                               x->slots, x->req.n_slots,
                               x->req.start_time) == IPPM_OK) {
            (void)owamp_receiver_finish(&x->recv.r, &sched, r.next_seqno,
                                        x->skips, x->n_skips, now);
            owtw_schedule_free(&sched);
        }
        x->recv.finished = true;
    }
    if (!c->stop_sent)
        send_stop(c, now);
}

/* Fetch-Session (RFC 4656 §3.9): the records of a receiving session. */
/* The receiving session of a SID on any connection of the server, or of
 * an earlier one (RFC 4656 §3.5: the SID "can be used in later sessions
 * as an argument for the Fetch-Session command"; powstream fetches over
 * a new connection while the session's own stays open). NULL: none. */
static struct ow_sess *receiving_of(const struct ows *s, const uint8_t *sid)
{
    for (size_t k = 0; k < s->b.o.max_conns; k++) {
        struct owc *o = s->b.links[k].m;
        int i = o ? session_of(o, sid) : -1;
        if (i >= 0 && o->sess[i].receiving)
            return &o->sess[i];
    }
    for (size_t k = 0; k < s->n_kept; k++)
        if (memcmp(s->kept[k]->recv.sid, sid, OWTW_SID_LEN) == 0)
            return s->kept[k];
    return NULL;
}

static bool in_range(const struct owamp_record *r, const struct owtw_fetch *f)
{
    return r->seq >= f->begin_seq && r->seq <= f->end_seq;
}

/* The records of f's range, in chunks, after the Fetch-Ack. */
static void send_records(struct owc *c, const struct owamp_receiver *r,
                         const struct owtw_fetch *f, uint32_t total,
                         uint64_t now)
{
    static struct owamp_record pick[FETCH_CHUNK];
    static uint8_t chunk[FETCH_CHUNK * OWAMP_RECORD_LEN + OWAMP_BLOCK];
    struct owtw_action a;
    uint32_t sent = 0;
    size_t k = 0, w;
    do {
        size_t n = 0;
        for (; k < r->n && n < FETCH_CHUNK; k++)
            if (in_range(&r->rec[k], f))
                pick[n++] = r->rec[k];
        sent += (uint32_t)n;
        bool last = sent >= total;
        (void)owamp_records_encode(chunk, sizeof(chunk), pick, n, &w);
        if (owtw_server_fetch_records(&c->m, now, chunk, (uint32_t)n, last,
                                      &a) != IPPM_OK ||
            owtw_link_perform(c->link, &a.io, now) != 0 || last)
            return;
    } while (k < r->n);
}

/* Fetch-Session (RFC 4656 §3.9): the records of a receiving session in
 * the range asked for (a session still running included: Finished 0). */
static void on_fetch(struct owc *c, uint64_t now)
{
    struct owtw_fetch f = c->act.fetch;
    struct owtw_fetch_ack ack;
    memset(&ack, 0, sizeof(ack));
    struct ow_sess *x = receiving_of(c->srv, f.sid);
    struct owtw_action a;
    if (!x) {
        ack.accept = OWTW_ACCEPT_FAILURE;
        answer(c, &a, owtw_server_fetch_ack(&c->m, now, &ack, NULL, NULL,
                                            NULL, &a),
               now);
        return;
    }
    const struct owamp_receiver *r = &x->recv.r;
    uint32_t total = 0;
    for (size_t k = 0; k < r->n; k++)
        total += in_range(&r->rec[k], &f);
    ack.finished = x->recv.finished;
    ack.next_seqno = r->next_seqno;
    ack.n_skips = (uint32_t)x->n_skips;
    ack.n_records = total;
    uint8_t skips[MAX_SKIPS * OWAMP_SKIP_RANGE_LEN + OWAMP_BLOCK];
    size_t w;
    (void)owamp_skips_encode(skips, sizeof(skips), x->skips, x->n_skips, &w);
    struct owtw_request repro = x->req;
    repro.receiver_port = x->recv.sock.local.port;
    memcpy(repro.sid, x->recv.sid, OWTW_SID_LEN);
    if (owtw_server_fetch_ack(&c->m, now, &ack, &repro, x->slots, skips,
                              &a) != IPPM_OK ||
        owtw_link_perform(c->link, &a.io, now) != 0)
        return;
    send_records(c, r, &f, total, now);
}

static void m_on_action(void *user, const struct ippm_action *act)
{
    (void)act;
    struct owc *c = user;
    enum owtw_note note = c->act.note;
    c->act.note = OWTW_NOTE_NONE;
    uint64_t now = ippm_clock_now(&c->srv->b.clk);
    switch (note) {
    case OWTW_NOTE_REQUEST: on_request(c, now); break;
    case OWTW_NOTE_START: on_start(c, now); break;
    case OWTW_NOTE_STOP: on_stop(c, now); break;
    case OWTW_NOTE_FETCH: on_fetch(c, now); break;
    default: break;
    }
}

static const struct owtw_link_ops ops = {m_handle, m_deadline, m_tx, m_room,
                                         m_on_action};

/* ---- the server loop's hooks ---- */

static void *conn_new(void *ctx, struct owtw_link *link, uint64_t now)
{
    (void)now; /* Start-Time is the server's start, not the connection's */
    struct ows *s = ctx;
    struct owc *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->srv = s;
    c->link = link;
    struct owtw_server_random rnd;
    if (ippm_random(&s->b.crypto, (uint8_t *)&rnd, sizeof(rnd)) != IPPM_OK) {
        free(c);
        return NULL;
    }
    struct owtw_server_cfg cfg = {
        .proto = OWTW_OWAMP, .modes = s->b.o.modes, .count = OWTW_CTL_COUNT,
        .start_time = s->b.start_ntp, .keys = s->b.key_views,
        .n_keys = s->b.keys.n, .crypto = &s->b.crypto,
        .servwait_ns = s->b.o.servwait_ns};
    struct owtw_bufs bufs = owtw_ctl_bufs(&c->bufs);
    owtw_server_init(&c->m, &cfg, &bufs, &rnd);
    explicit_bzero(&rnd, sizeof(rnd));
    link->user = c;
    s->b.sample.conns++;
    return c;
}

static void conn_end(void *ctx, struct owtw_link *link)
{
    struct ows *s = ctx;
    struct owc *c = link->m;
    for (int i = 0; i < OWTW_CTL_MAX_SESSIONS; i++)
        close_session(c, i);
    owtw_server_free(&c->m);
    free(c);
    s->b.sample.conns--;
}

static int session_fd(const struct ow_sess *x)
{
    return x->receiving ? x->recv.sock.fd : x->send.sock.fd;
}

static size_t test_fds(void *ctx, struct pollfd *p, size_t cap,
                       uint64_t *deadline)
{
    struct ows *s = ctx;
    size_t n = 0;
    for (size_t k = 0; k < s->b.o.max_conns; k++) {
        struct owc *c = s->b.links[k].m;
        for (int i = 0; c && i < OWTW_CTL_MAX_SESSIONS && n < cap; i++) {
            struct ow_sess *x = &c->sess[i];
            if (!x->used || session_fd(x) < 0)
                continue;
            if (!x->receiving) {
                uint64_t d = owtw_send_deadline(&x->send);
                if (x->send.scheduled && !c->stop_sent &&
                    owtw_send_end_ns(&x->send) < d)
                    d = owtw_send_end_ns(&x->send);
                if (d < *deadline)
                    *deadline = d;
            }
            s->fd_conn[n] = c;
            s->fd_sess[n] = i;
            p[n++] = (struct pollfd){.fd = session_fd(x), .events = POLLIN};
        }
    }
    return n;
}

/* Sends what is due; once every sending session of a connection is over
 * and it receives none, our Stop-Sessions (unless sent). A connection
 * that also receives waits for the client's Stop-Sessions: only the
 * client knows when its last packet and its Timeout are past, and a
 * Stop-Sessions before that would cut them off (RFC 4656 §3.8 discards
 * what was sent within Timeout of it). */
static void send_due(struct ows *s, uint64_t now)
{
    for (size_t k = 0; k < s->b.o.max_conns; k++) {
        struct owc *c = s->b.links[k].m;
        if (!c || !c->started || c->stop_sent)
            continue;
        bool any = false, all_done = true;
        for (int i = 0; i < OWTW_CTL_MAX_SESSIONS; i++) {
            struct ow_sess *x = &c->sess[i];
            if (x->used && x->receiving)
                all_done = false;
            if (!x->used || x->receiving || !x->send.scheduled)
                continue;
            uint64_t sent = x->send.sent;
            owtw_send_due(&x->send, &s->b.tx, &s->b.clk, now);
            s->b.sample.tx += x->send.sent - sent;
            any = true;
            all_done = all_done && owtw_send_finished(&x->send, now);
        }
        if (any && all_done)
            send_stop(c, now);
    }
}

static void test_ready(void *ctx, const struct pollfd *p, size_t n,
                       uint64_t now)
{
    struct ows *s = ctx;
    for (size_t k = 0; k < n; k++) {
        if (!(p[k].revents & POLLIN))
            continue;
        struct owc *c = s->fd_conn[k];
        struct ow_sess *x = &c->sess[s->fd_sess[k]];
        if (x->receiving) {
            uint64_t r0 = x->recv.r.counters.received +
                          x->recv.r.counters.dropped;
            owamp_recv_drain(&x->recv, &s->b.rx, &s->b.clk);
            s->b.sample.rx += x->recv.r.counters.received +
                            x->recv.r.counters.dropped - r0;
        } else {
            /* A sending socket gets nothing worth reading. */
            (void)ippm_net_recv(&x->send.sock, &s->b.rx, &s->b.clk);
        }
    }
    send_due(s, now);
    owtw_server_publish(&s->b);
}

static const struct owtw_server_hooks hooks = {&ops, conn_new, conn_end,
                                               test_fds, test_ready};

/* ---- main ---- */

static int serve(struct ows *s)
{
    int rc = owtw_server_serve(&s->b, &prog, &hooks, s);
    if (s->b.served && !s->b.o.quiet)
        fprintf(stderr,
                "%s: %llu connections, %llu sessions, %llu test packets "
                "received, %llu sent\n",
                PROG, (unsigned long long)s->b.cnt.accepted,
                (unsigned long long)s->b.sample.sessions_total,
                (unsigned long long)s->b.sample.rx,
                (unsigned long long)s->b.sample.tx);
    return rc;
}

/* see owamp_prog.h */
int owamp_server_main(int argc, char **argv)
{
    struct ows *s = calloc(1, sizeof(*s));
    if (!s) {
        ippm_cli_error("%s: out of memory", PROG);
        return IPPM_EXIT_RUNTIME;
    }
    int rc = owtw_server_parse(&s->b.o, argc, argv, &prog);
    if (rc < 0)
        rc = serve(s);
    for (size_t k = 0; k < s->n_kept; k++)
        kept_free(s->kept[k]);
    owtw_server_base_free(&s->b);
    free(s);
    return rc;
}
