/* ippm twamp server: TWAMP-Control (RFC 5357 §3) on a TCP port through
 * proto/owtw's server machine, one per connection, and a reflecting
 * session (twamp_refl) per accepted Request-TW-Session, all in one poll
 * loop (owtw_server). The driver answers the machine's notes and moves
 * octets; it reads no message itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/driver_common.h"
#include "impl/owtw/owtw_ctl.h"
#include "impl/owtw/owtw_metrics.h"
#include "impl/owtw/owtw_prog.h"
#include "impl/owtw/owtw_server.h"
#include "impl/report/export.h"
#include "impl/twamp/twamp_prog.h"
#include "impl/twamp/twamp_refl.h"
#include "proto/common/ippm_time.h"

#define PROG "twamp server"

struct tws;

/* One control connection: its machine, buffers and test sessions. */
struct twc {
    struct owtw_server m;
    struct owtw_action act;     /* the machine's last answer */
    struct owtw_ctl_bufs bufs;
    struct twamp_refl refl[OWTW_CTL_MAX_SESSIONS];
    struct owtw_link *link;
    struct tws *srv;
};

/* The server. */
struct tws {
    struct owtw_server_base b;
    /* test_fds' pollfd i belongs to (conn, session) */
    struct twc *fd_conn[OWTW_SERVER_TEST_FDS];
    int fd_sess[OWTW_SERVER_TEST_FDS];
};

static const char usage_head[] =
    "usage: ippm twamp server [options]\n"
    "Answer TWAMP (RFC 5357) clients: TWAMP-Control on TCP, a reflecting\n"
    "session per accepted Request-TW-Session on UDP.\n";
static const char usage_tail[] =
    "Exit status: 0 after a clean stop (SIGINT, SIGTERM), 2 on a bad\n"
    "command line or keys file, 3 when it could not run (a port it cannot\n"
    "bind, an address that does not resolve).\n";

static const struct owtw_prog prog = {PROG, "twamp-server",
                                      OWTW_DEFAULT_PORT_TWAMP, true,
                                      usage_head, usage_tail};

/* ---- the machine, as owtw_link drives it ---- */

static enum ippm_err m_handle(void *mv, const struct ippm_event *ev,
                              struct ippm_action *act)
{
    struct twc *c = mv;
    enum ippm_err e = owtw_server_handle(&c->m, ev, &c->act);
    *act = c->act.io;
    return e;
}

static uint64_t m_deadline(const void *mv)
{
    return owtw_server_deadline(&((const struct twc *)mv)->m);
}

static const uint8_t *m_tx(const void *mv)
{
    return ((const struct twc *)mv)->bufs.tx;
}

static size_t m_room(const void *mv)
{
    return owtw_server_room(&((const struct twc *)mv)->m);
}

/* Performs an answer call's action (Accept-Session, Start-Ack). */
static void answer(struct twc *c, struct owtw_action *a, enum ippm_err e,
                   uint64_t now)
{
    if (e == IPPM_OK)
        (void)owtw_link_perform(c->link, &a->io, now);
}

static void close_session(struct twc *c, int i)
{
    if (c->refl[i].sock.fd < 0)
        return;
    c->srv->b.sample.sessions--;
    twamp_refl_close(&c->refl[i]);
}

/* Request-TW-Session (RFC 5357 §3.5): a socket on a test port, the keys,
 * Accept-Session with the port and a new SID; or a refusal. */
static void on_request(struct twc *c, uint64_t now)
{
    struct tws *s = c->srv;
    int i = c->act.session;
    const struct owtw_request *req = &c->act.request;
    struct owtw_accept_session ans = {.accept = OWTW_ACCEPT_OK};
    char err[IPPM_NET_ERRLEN];
    const struct owtw_session_keys *sk = owtw_ctl_server_keys(&c->m);
    struct twamp_refl_params p = {
        .mode = owtw_ctl_test_mode(c->m.c.mode),
        .sid = ans.sid,
        .aes_sk = sk ? sk->aes_sk : NULL,
        .hmac_sk = sk ? sk->hmac_sk : NULL,
        .reflect_len = req->pad_to_reflect,
        .symmetrical = (c->m.c.mode & OWTW_MODE_SYMMETRICAL) != 0,
        .refwait_ns = s->b.o.refwait_ns,
        /* RFC 5357 §3.5: "The same value of DSCP MUST be used in test
         * packets reflected by the Session-Reflector." */
        .dscp = owtw_type_p_dscp(req->type_p)};
    if (i < 0 || owtw_ctl_make_sid(ans.sid, &c->link->sock.local, now,
                                   &s->b.crypto) != IPPM_OK) {
        ans.accept = OWTW_ACCEPT_INTERNAL;
    } else if (req->conf_sender || req->conf_receiver) {
        /* RFC 5357 §3.5: "The Server MUST interpret any non-zero value
         * as an improperly formatted command, and MUST respond with the
         * Accept field set to 3". */
        ans.accept = OWTW_ACCEPT_NOT_SUPPORTED;
    } else if (p.dscp < 0) {
        /* A PHB ID (or a reserved form) we cannot set on reflections:
         * RFC 4656 §3.5 lets a server refuse a Type-P it cannot honour. */
        ans.accept = OWTW_ACCEPT_NOT_SUPPORTED;
    } else if (twamp_refl_open(&c->refl[i], &c->link->sock.local,
                               s->b.o.test_lo, s->b.o.test_hi,
                               req->receiver_port, &s->b.crypto, &p, err,
                               sizeof(err)) != 0) {
        ans.accept = OWTW_ACCEPT_TEMPORARY;
        if (!s->b.o.quiet)
            fprintf(stderr, "%s: session refused: %s\n", PROG, err);
    } else {
        owtw_test_guard_init(&c->refl[i].guard, &s->b.o.lim,
                             &c->refl[i].sock.local, &c->link->peer,
                             req->sender_port);
        ans.port = c->refl[i].sock.local.port;
        if (c->m.c.mode & OWTW_MODE_REFLECT_OCTETS)
            ans.reflected_octets = req->octets_to_reflect;
        s->b.sample.sessions++;
        s->b.sample.sessions_total++;
    }
    if (ans.accept != OWTW_ACCEPT_OK)
        s->b.sample.sessions_refused++;
    struct owtw_action a;
    answer(c, &a, owtw_server_accept(&c->m, now, &ans, &a), now);
}

/* Start-Sessions: every accepted session reflects from now on. */
static void on_start(struct twc *c, uint64_t now)
{
    for (int i = 0; i < OWTW_CTL_MAX_SESSIONS; i++)
        if (c->refl[i].sock.fd >= 0 && !c->refl[i].started)
            twamp_refl_start(&c->refl[i], &c->srv->b.clk, now);
    struct owtw_action a;
    answer(c, &a, owtw_server_start_ack(&c->m, now, OWTW_ACCEPT_OK, &a), now);
}

/* The session of a SID, -1 when none. */
static int session_of(const struct twc *c, const uint8_t *sid)
{
    for (int i = 0; i < OWTW_CTL_MAX_SESSIONS; i++)
        if (c->bufs.sessions[i].state != OWTW_SESS_FREE &&
            memcmp(c->bufs.sessions[i].sid, sid, OWTW_SID_LEN) == 0)
            return i;
    return -1;
}

/* Start-N-Sessions / Stop-N-Sessions (RFC 5938): the named sessions. */
static void on_nsessions(struct twc *c, uint64_t now, bool start)
{
    const struct owtw_nsessions *n = &c->act.nsessions;
    uint8_t accept = OWTW_ACCEPT_OK;
    for (uint32_t k = 0; k < n->n_sessions; k++) {
        int i = session_of(c, n->sids + (size_t)k * OWTW_SID_LEN);
        if (i < 0 || c->refl[i].sock.fd < 0)
            accept = OWTW_ACCEPT_FAILURE;
        else if (start)
            twamp_refl_start(&c->refl[i], &c->srv->b.clk, now);
        else
            close_session(c, i);
    }
    struct owtw_action a;
    answer(c, &a,
           owtw_server_nsessions_ack(&c->m, now,
                                     start ? OWTW_CMD_START_N_ACK
                                           : OWTW_CMD_STOP_N_ACK,
                                     accept, n->sids, n->n_sessions, &a),
           now);
}

static void m_on_action(void *user, const struct ippm_action *act)
{
    (void)act;
    struct twc *c = user;
    enum owtw_note note = c->act.note;
    /* Answers come back through here: act on each note once. */
    c->act.note = OWTW_NOTE_NONE;
    uint64_t now = ippm_clock_now(&c->srv->b.clk);
    switch (note) {
    case OWTW_NOTE_REQUEST: on_request(c, now); break;
    case OWTW_NOTE_START: on_start(c, now); break;
    case OWTW_NOTE_START_N: on_nsessions(c, now, true); break;
    case OWTW_NOTE_STOP_N: on_nsessions(c, now, false); break;
    case OWTW_NOTE_STOP:
    case OWTW_NOTE_REFWAIT:
        for (int i = 0; i < OWTW_CTL_MAX_SESSIONS; i++)
            close_session(c, i);
        break;
    default: break;
    }
}

static const struct owtw_link_ops ops = {m_handle, m_deadline, m_tx, m_room,
                                         m_on_action};

/* ---- the server loop's hooks ---- */

static void *conn_new(void *ctx, struct owtw_link *link, uint64_t now)
{
    (void)now; /* Start-Time is the server's start, not the connection's */
    struct tws *s = ctx;
    struct twc *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->srv = s;
    c->link = link;
    for (int i = 0; i < OWTW_CTL_MAX_SESSIONS; i++)
        c->refl[i].sock.fd = -1;
    struct owtw_server_random rnd;
    if (ippm_random(&s->b.crypto, (uint8_t *)&rnd, sizeof(rnd)) != IPPM_OK) {
        free(c);
        return NULL;
    }
    struct owtw_server_cfg cfg = {
        .proto = OWTW_TWAMP, .modes = s->b.o.modes, .count = OWTW_CTL_COUNT,
        .start_time = s->b.start_ntp, .keys = s->b.key_views,
        .n_keys = s->b.keys.n, .crypto = &s->b.crypto,
        .servwait_ns = s->b.o.servwait_ns, .refwait_ns = s->b.o.refwait_ns};
    struct owtw_bufs bufs = owtw_ctl_bufs(&c->bufs);
    owtw_server_init(&c->m, &cfg, &bufs, &rnd);
    explicit_bzero(&rnd, sizeof(rnd));
    link->user = c;
    s->b.sample.conns++;
    return c;
}

static void conn_end(void *ctx, struct owtw_link *link)
{
    struct tws *s = ctx;
    struct twc *c = link->m;
    for (int i = 0; i < OWTW_CTL_MAX_SESSIONS; i++)
        close_session(c, i);
    owtw_server_free(&c->m);
    free(c);
    s->b.sample.conns--;
}

static size_t test_fds(void *ctx, struct pollfd *p, size_t cap,
                       uint64_t *deadline)
{
    struct tws *s = ctx;
    size_t n = 0;
    (void)deadline; /* REFWAIT is the machine's (owtw_server_deadline) */
    for (size_t k = 0; k < s->b.o.max_conns; k++) {
        struct twc *c = s->b.links[k].m;
        for (int i = 0; c && i < OWTW_CTL_MAX_SESSIONS && n < cap; i++) {
            if (c->refl[i].sock.fd < 0)
                continue;
            s->fd_conn[n] = c;
            s->fd_sess[n] = i;
            p[n++] = (struct pollfd){.fd = c->refl[i].sock.fd,
                                     .events = POLLIN};
        }
    }
    return n;
}

static void test_ready(void *ctx, const struct pollfd *p, size_t n,
                       uint64_t now)
{
    struct tws *s = ctx;
    for (size_t k = 0; k < n; k++) {
        if (!(p[k].revents & POLLIN))
            continue;
        struct twc *c = s->fd_conn[k];
        struct twamp_refl *t = &c->refl[s->fd_sess[k]];
        uint64_t rx0 = t->received, tx0 = t->sent, f0 = t->send_failed;
        twamp_refl_drain(t, &s->b.rx, &s->b.tx, &s->b.clk, s->b.sample.drop_by);
        s->b.sample.rx += t->received - rx0;
        s->b.sample.tx += t->sent - tx0;
        s->b.sample.send_failed += t->send_failed - f0;
        if (t->received != rx0)
            owtw_server_test_activity(&c->m, now);
    }
    owtw_server_publish(&s->b);
}

static const struct owtw_server_hooks hooks = {&ops, conn_new, conn_end,
                                               test_fds, test_ready};

/* ---- main ---- */

static int serve(struct tws *s)
{
    int rc = owtw_server_serve(&s->b, &prog, &hooks, s);
    if (s->b.served && !s->b.o.quiet)
        fprintf(stderr,
                "%s: %llu connections, %llu sessions, %llu test packets "
                "reflected\n",
                PROG, (unsigned long long)s->b.cnt.accepted,
                (unsigned long long)s->b.sample.sessions_total,
                (unsigned long long)s->b.sample.tx);
    return rc;
}

/* see twamp_prog.h */
int twamp_server_main(int argc, char **argv)
{
    struct tws *s = calloc(1, sizeof(*s));
    if (!s) {
        ippm_cli_error("%s: out of memory", PROG);
        return IPPM_EXIT_RUNTIME;
    }
    int rc = owtw_server_parse(&s->b.o, argc, argv, &prog);
    if (rc < 0)
        rc = serve(s);
    owtw_server_base_free(&s->b);
    free(s);
    return rc;
}
