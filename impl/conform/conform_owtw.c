/* see conform_owtw.h. Each probe is one TCP connection to the server:
 * the conforming exchanges through proto/owtw's client machine, the
 * misbehaviour (Mode 0, a mode not offered, an unknown command, a broken
 * HMAC, a Token under another key, a message cut short, an early close)
 * made by hand or by spoiling what the machine sealed. Every octet each
 * side sent is recorded with its time, then cut and graded as a capture
 * would be. */
#include "impl/conform/conform_owtw.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "impl/core/clock.h"
#include "impl/core/net.h"
#include "proto/common/ippm_cur.h"
#include "proto/common/ippm_time.h"

#define NS 1000000000ull

/* One connection being driven and recorded. */
struct probe {
    const struct owtw_probe_opts *o;
    struct owtw_probe_run *run;
    struct ippm_tcp_conn *rec;
    int fd;
    bool peer_closed;
    /* the client machine, when the probe uses it */
    struct owtw_client cl;
    bool cl_on;
    uint8_t in[2048], plain[4096], tx[2048];
    struct owtw_session sessions[4];
    struct owtw_action act;
    struct owtw_greeting greet;
};

static uint64_t now_ns(void)
{
    return ippm_clock_realtime();
}

/* Records octets a side sent: dir IPPM_TCP_C2S ours, S2C the server's. */
static void record(struct probe *p, int dir, const uint8_t *b, size_t n)
{
    ippm_tcp_dir_append(&p->rec->dir[dir], b, n, now_ns());
}

static void record_close(struct probe *p, int by)
{
    if (!p->rec->close_ns) {
        p->rec->close_ns = now_ns();
        p->rec->closed_by = by;
    }
}

/* Opens connection k of the run to the target. 0, or -1 with err. */
static int probe_open(struct probe *p, const char *name, char *err,
                      size_t errlen)
{
    struct owtw_probe_run *run = p->run;
    if (run->n == OWTW_PROBES_MAX) {
        snprintf(err, errlen, "too many probes");
        return -1;
    }
    p->rec = &run->tcp[run->n];
    memset(p->rec, 0, sizeof *p->rec);
    p->rec->closed_by = -1;
    run->probe[run->n] = name;
    struct sockaddr_storage ss;
    int fam = p->o->target.family == IPPM_AF_INET6 ? AF_INET6 : AF_INET;
    socklen_t sl = ippm_addr_to_sockaddr(&p->o->target, fam, &ss);
    p->fd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (p->fd < 0 || sl == 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    int rc = connect(p->fd, (struct sockaddr *)&ss, sl);
    if (rc != 0 && errno == EINPROGRESS) {
        struct pollfd pf = {p->fd, POLLOUT, 0};
        int soerr = 0;
        socklen_t el = sizeof soerr;
        rc = poll(&pf, 1, (int)(p->o->wait_ns / 1000000)) == 1 &&
                     getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &soerr, &el) ==
                         0 &&
                     soerr == 0
                 ? 0
                 : -1;
        errno = soerr ? soerr : ETIMEDOUT;
    }
    if (rc != 0) {
        snprintf(err, errlen, "connect: %s", strerror(errno));
        close(p->fd);
        p->fd = -1;
        return -1;
    }
    struct sockaddr_storage me;
    socklen_t ml = sizeof me;
    getsockname(p->fd, (struct sockaddr *)&me, &ml);
    ippm_addr_from_sockaddr(&p->rec->client, (struct sockaddr *)&me);
    p->rec->server = p->o->target;
    p->rec->syn_seen = true;
    p->rec->open_ns = now_ns();
    run->n++;
    return 0;
}

static void send_raw(struct probe *p, const uint8_t *b, size_t n)
{
    size_t off = 0;
    while (off < n && !p->peer_closed) {
        ssize_t w = send(p->fd, b + off, n - off, MSG_NOSIGNAL);
        if (w > 0) {
            off += (size_t)w;
        } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd pf = {p->fd, POLLOUT, 0};
            if (poll(&pf, 1, (int)(p->o->wait_ns / 1000000)) != 1)
                break;
        } else {
            p->peer_closed = true;
            record_close(p, IPPM_TCP_S2C);
        }
    }
    if (off)
        record(p, IPPM_TCP_C2S, b, off);
}

/* Reads what the server sends within wait_ns (until want octets came,
 * 0: until it closes or the wait ends) into buf; returns how many. */
static size_t recv_some(struct probe *p, uint8_t *buf, size_t cap,
                        size_t want, uint64_t wait_ns)
{
    uint64_t end = now_ns() + wait_ns;
    size_t got = 0;
    while (!p->peer_closed && got < cap && (!want || got < want)) {
        uint64_t now = now_ns();
        if (now >= end || ippm_net_stopping())
            break;
        struct pollfd pf = {p->fd, POLLIN, 0};
        if (poll(&pf, 1, (int)((end - now) / 1000000) + 1) != 1)
            continue;
        ssize_t r = recv(p->fd, buf + got, want ? want - got : cap - got, 0);
        if (r > 0) {
            record(p, IPPM_TCP_S2C, buf + got, (size_t)r);
            got += (size_t)r;
        } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
            p->peer_closed = true;
            record_close(p, IPPM_TCP_S2C);
        }
    }
    return got;
}

static void probe_close(struct probe *p)
{
    if (p->fd >= 0) {
        if (!p->peer_closed)
            record_close(p, IPPM_TCP_C2S);
        close(p->fd);
    }
    p->fd = -1;
    if (p->cl_on)
        owtw_client_free(&p->cl);
    p->cl_on = false;
}

/* Reads the greeting (raw probes). true when whole. */
static bool read_greeting(struct probe *p)
{
    uint8_t g[OWTW_GREETING_LEN];
    return recv_some(p, g, sizeof g, sizeof g, p->o->wait_ns) == sizeof g &&
           owtw_greeting_decode(&p->greet, g, sizeof g) == IPPM_OK;
}

/* ---- through the client machine ---- */

/* Hands ev to the machine and acts on its action: SEND writes, CLOSE
 * closes. Returns the note. */
static enum owtw_note machine(struct probe *p, const struct ippm_event *ev)
{
    enum ippm_err e = owtw_client_handle(&p->cl, ev, &p->act);
    if (p->act.io.kind == IPPM_ACT_SEND_BYTES)
        send_raw(p, p->tx, p->act.io.len);
    if (p->act.io.kind == IPPM_ACT_CLOSE || e != IPPM_OK) {
        /* The machine may decide on a message's first blocks (a refusing
         * Server-Start): what the server sent after them is recorded
         * too, so the transcript holds whole messages. */
        uint8_t rest[256];
        recv_some(p, rest, sizeof rest, 0, p->o->wait_ns / 4);
        probe_close(p);
        return OWTW_NOTE_NONE;
    }
    return p->act.note;
}

/* Feeds the server's octets to the machine until it gives note want (or
 * another note, a close, the wait). Returns the note seen. */
static enum owtw_note pump(struct probe *p, enum owtw_note want)
{
    uint64_t end = now_ns() + p->o->wait_ns;
    while (p->fd >= 0 && now_ns() < end && !ippm_net_stopping()) {
        /* Only the machine's "more to do" deadline: the reply timeout
         * is this loop's own wait. */
        if (owtw_client_deadline(&p->cl) == 0) {
            struct ippm_event t = {IPPM_EV_TIMER, now_ns(), NULL, 0, NULL};
            enum owtw_note n = machine(p, &t);
            if (n != OWTW_NOTE_NONE)
                return n;
            continue;
        }
        uint8_t b[512];
        size_t room = owtw_client_room(&p->cl);
        size_t got = recv_some(p, b, room < sizeof b ? room : sizeof b, 1,
                               end - now_ns());
        struct ippm_event ev = {got ? IPPM_EV_BYTES : IPPM_EV_CLOSED,
                                now_ns(), b, got, NULL};
        if (!got && !p->peer_closed)
            continue;
        enum owtw_note n = machine(p, &ev);
        if (n != OWTW_NOTE_NONE || !got)
            return n;
        (void)want;
    }
    return OWTW_NOTE_NONE;
}

/* Starts the client machine on a fresh connection; READY or not. */
static bool machine_ready(struct probe *p, const uint8_t *secret,
                          size_t secret_len)
{
    const struct owtw_probe_opts *o = p->o;
    const struct owtw_key *k = o->keys && o->keys->n ? &o->keys->key[0]
                                                     : NULL;
    uint32_t modes = o->mode ? o->mode
                     : k     ? OWTW_MODE_OPEN | OWTW_MODE_AUTH |
                               OWTW_MODE_ENCRYPTED
                             : OWTW_MODE_OPEN;
    struct owtw_client_cfg cfg = {
        o->proto, modes, k ? k->keyid : NULL, k ? k->keyid_len : 0,
        secret ? secret : (k ? k->secret : NULL),
        secret ? secret_len : (k ? k->secret_len : 0), o->crypto, 0,
        o->wait_ns};
    struct owtw_client_random rnd;
    ippm_random(o->crypto, (uint8_t *)&rnd, sizeof rnd);
    struct owtw_bufs bufs = {p->in,   sizeof p->in, p->plain, sizeof p->plain,
                             p->tx,   sizeof p->tx, p->sessions, 4};
    owtw_client_init(&p->cl, &cfg, &bufs, &rnd);
    p->cl_on = true;
    return pump(p, OWTW_NOTE_READY) == OWTW_NOTE_READY;
}

/* A request the server can accept: TWAMP to our address, OWAMP a session
 * we send (Conf-Receiver 1) of 10 packets, one exponential slot. */
static void a_request(const struct probe *p, struct owtw_request *rq,
                      struct owtw_slot *slot)
{
    memset(rq, 0, sizeof *rq);
    bool ow = p->o->proto == OWTW_OWAMP;
    rq->cmd = ow ? OWTW_CMD_REQUEST_SESSION : OWTW_CMD_REQUEST_TW_SESSION;
    rq->ipvn = p->rec->client.family == IPPM_AF_INET6 ? 6 : 4;
    size_t alen = rq->ipvn == 4 ? 4 : 16;
    memcpy(rq->sender_addr, p->rec->client.ip, alen);
    memcpy(rq->receiver_addr, p->o->target.ip, alen);
    rq->sender_port = 20000 + (uint16_t)(p->run->n % 1000);
    rq->receiver_port = ow ? 0 : rq->sender_port;
    rq->conf_receiver = ow;
    rq->n_slots = ow;
    rq->n_packets = ow ? 10 : 0;
    rq->padding_len = ow ? 0 : 27;
    rq->start_time = ippm_ts_from_ns(now_ns() + 2 * NS, IPPM_TS_NTP);
    rq->timeout = 2ull << 32;
    memset(slot, 0, sizeof *slot);
    slot->type = OWTW_SLOT_EXP;
    slot->param = 0x0ccccccdull; /* 0.05 s */
}

/* Request, Accept: the session index, -1 when refused or gone. */
static int session(struct probe *p, struct owtw_request *rq,
                   const struct owtw_slot *slot)
{
    struct owtw_action a;
    if (p->fd < 0 ||
        owtw_client_request(&p->cl, now_ns(), rq, rq->n_slots ? slot : NULL,
                            &a) != IPPM_OK)
        return -1;
    send_raw(p, p->tx, a.io.len);
    if (pump(p, OWTW_NOTE_ACCEPT) != OWTW_NOTE_ACCEPT)
        return -1;
    return p->act.accept.accept == 0 ? p->act.session : -1;
}

/* Start-Sessions, Start-Ack; then Stop-Sessions for the one session (an
 * OWAMP record of a send session that sent nothing). */
static void start_stop(struct probe *p, int s, bool fetch_first)
{
    struct owtw_action a;
    if (p->fd < 0 || owtw_client_start(&p->cl, now_ns(), &a) != IPPM_OK)
        return;
    send_raw(p, p->tx, a.io.len);
    if (pump(p, OWTW_NOTE_START_ACK) != OWTW_NOTE_START_ACK || p->fd < 0)
        return;
    if (fetch_first) { /* OWAMP: a whole session fetched while it runs */
        struct owtw_fetch f = {OWTW_CMD_FETCH_SESSION, 0, 0xffffffffu,
                               {0}, false};
        memcpy(f.sid, p->sessions[s].sid, OWTW_SID_LEN);
        if (owtw_client_fetch(&p->cl, now_ns(), &f, &a) != IPPM_OK)
            return;
        send_raw(p, p->tx, a.io.len);
        pump(p, OWTW_NOTE_FETCH_ACK);
        if (p->fd < 0)
            return;
    }
    struct owtw_stop_record rec = {{0}, 0, 0, NULL, false};
    memcpy(rec.sid, p->sessions[s].sid, OWTW_SID_LEN);
    if (owtw_client_stop(&p->cl, now_ns(), 0, &rec, 1, &a) != IPPM_OK)
        return;
    send_raw(p, p->tx, a.io.len);
    if (p->o->proto == OWTW_OWAMP) /* the server's own Stop-Sessions */
        pump(p, OWTW_NOTE_STOP);
}

/* ---- the probes ---- */

/* A whole conforming exchange: one session requested, started, stopped. */
static void p_normal(struct probe *p, bool fetch_running)
{
    if (!machine_ready(p, NULL, 0))
        return;
    struct owtw_request rq;
    struct owtw_slot slot;
    a_request(p, &rq, &slot);
    int s = session(p, &rq, &slot);
    if (s >= 0)
        start_stop(p, s, fetch_running);
}

/* Set-Up-Response with Mode 0: the server should close. */
static void p_mode0(struct probe *p)
{
    if (!read_greeting(p))
        return;
    uint8_t su[OWTW_SETUP_LEN] = {0};
    send_raw(p, su, sizeof su);
    uint8_t b[256];
    recv_some(p, b, sizeof b, 0, p->o->wait_ns);
}

/* A mode the greeting did not offer (the first of 1, 2, 4 missing). */
static void p_unoffered(struct probe *p)
{
    if (!read_greeting(p))
        return;
    uint32_t m = !(p->greet.modes & 1u)   ? 1u
                 : !(p->greet.modes & 2u) ? 2u
                 : !(p->greet.modes & 4u) ? 4u
                                          : 0;
    if (!m)
        return; /* all offered: nothing to try */
    uint8_t su[OWTW_SETUP_LEN] = {0};
    ippm_store_u32(su, m);
    send_raw(p, su, sizeof su);
    uint8_t b[256];
    recv_some(p, b, sizeof b, 0, p->o->wait_ns);
}

/* After READY, machine-sealed octets sent spoiled: cut (only the first
 * len), or one bit of the HMAC block flipped; or a command number no
 * registry has, sealed in the client's chain. Then whatever the server
 * does within the wait. */
enum spoil { SPOIL_CUT, SPOIL_MAC, SPOIL_CMD, SPOIL_CONF };

static void p_spoiled(struct probe *p, enum spoil how)
{
    if (!machine_ready(p, NULL, 0))
        return;
    struct owtw_request rq;
    struct owtw_slot slot;
    a_request(p, &rq, &slot);
    struct owtw_action a;
    if (how == SPOIL_CONF) {
        rq.conf_sender = 1; /* TWAMP: must be 0 */
        session(p, &rq, &slot);
        return;
    }
    if (how == SPOIL_CMD) {
        uint8_t blk[OWTW_BLOCK] = {42};
        if (owtw_chan_seal(&p->cl.c.tx, blk, sizeof blk, NULL, 0) != IPPM_OK)
            return;
        send_raw(p, blk, sizeof blk);
    } else {
        if (owtw_client_request(&p->cl, now_ns(), &rq,
                                rq.n_slots ? &slot : NULL, &a) != IPPM_OK)
            return;
        if (how == SPOIL_MAC)
            p->tx[a.io.len - 1] ^= 1;
        send_raw(p, p->tx, how == SPOIL_CUT ? 50 : a.io.len);
    }
    uint8_t b[256];
    recv_some(p, b, sizeof b, 0, p->o->wait_ns);
}

/* A Token made under a key that is not the KeyID's. */
static void p_bad_key(struct probe *p)
{
    static const uint8_t wrong[] = "not the shared secret";
    if (!machine_ready(p, wrong, sizeof wrong - 1))
        return; /* refused in Server-Start, or closed */
    struct owtw_request rq;
    struct owtw_slot slot;
    a_request(p, &rq, &slot);
    session(p, &rq, &slot);
}

/* OWAMP: a session whose receiver is a third party (TEST-NET-1). */
static void p_foreign(struct probe *p)
{
    if (!machine_ready(p, NULL, 0))
        return;
    struct owtw_request rq;
    struct owtw_slot slot;
    a_request(p, &rq, &slot);
    memset(rq.receiver_addr, 0, sizeof rq.receiver_addr);
    rq.receiver_addr[0] = 192, rq.receiver_addr[2] = 2, rq.receiver_addr[3] = 1;
    rq.ipvn = 4;
    session(p, &rq, &slot);
}

/* The greeting read, then the client leaves at once. */
static void p_early_close(struct probe *p)
{
    read_greeting(p);
}

/* Marks the Set-Up-Response of a bad-key connection: we made its Token
 * under another key, which no reader can tell from the wire. */
static void mark_bad_key(struct owtw_probe_run *run, size_t i)
{
    struct owtw_cut_out *c = &run->cn[i].cut;
    for (size_t m = 0; m < c->n_msg; m++)
        if (c->msg[m].type == OWTW_OBS_SETUP)
            c->msg[m].mac = -1;
}

/* see conform_owtw.h */
int conform_owtw_probe(const struct owtw_probe_opts *o,
                       struct owtw_probe_run *run, char *err, size_t errlen)
{
    bool secure_ok = o->keys && o->keys->n && o->crypto &&
                     o->mode != OWTW_MODE_OPEN;
    bool ow = o->proto == OWTW_OWAMP;
    static const char *const names[] = {
        "session",   "session again", "Mode 0",      "mode not offered",
        "unknown command", "Conf-Sender 1", "message cut short",
        "bad HMAC",  "wrong key",     "third-party receiver",
        "fetch while running", "early close", "after the misbehaviour"};
    enum { P_SESSION, P_SESSION2, P_MODE0, P_UNOFFERED, P_CMD, P_CONF, P_CUT,
           P_MAC, P_KEY, P_FOREIGN, P_FETCH, P_EARLY, P_LAST, P_COUNT_ };
    for (int k = 0; k < P_COUNT_ && !ippm_net_stopping(); k++) {
        if ((k == P_CMD || k == P_CONF) && ow)
            continue; /* TWAMP's rules */
        if ((k == P_FOREIGN || k == P_FETCH) && !ow)
            continue; /* OWAMP's */
        if ((k == P_MAC || k == P_KEY) && !secure_ok)
            continue; /* HMACs and Tokens only in modes A and E */
        struct probe *p = calloc(1, sizeof *p);
        if (!p) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        p->o = o;
        p->run = run;
        p->fd = -1;
        char e[160];
        if (probe_open(p, names[k], e, sizeof e) != 0) {
            free(p);
            if (run->n == 0) {
                snprintf(err, errlen, "%s", e);
                return -1;
            }
            continue; /* the survives case reads the missing greeting */
        }
        switch (k) {
        case P_SESSION: case P_SESSION2: case P_LAST: p_normal(p, false); break;
        case P_MODE0: p_mode0(p); break;
        case P_UNOFFERED: p_unoffered(p); break;
        case P_CMD: p_spoiled(p, SPOIL_CMD); break;
        case P_CONF: p_spoiled(p, SPOIL_CONF); break;
        case P_CUT: p_spoiled(p, SPOIL_CUT); break;
        case P_MAC: p_spoiled(p, SPOIL_MAC); break;
        case P_KEY: p_bad_key(p); break;
        case P_FOREIGN: p_foreign(p); break;
        case P_FETCH: p_normal(p, true); break;
        case P_EARLY: p_early_close(p); break;
        }
        if (k == P_SESSION && run->tcp[run->n - 1].dir[1].len >= 16)
            run->offered = ippm_load_u32(run->tcp[run->n - 1].dir[1].data + 12);
        probe_close(p);
        free(p);
        size_t i = run->n - 1;
        if (owtw_ctl_conn_cut(&run->tcp[i], o->proto, o->keys, o->crypto,
                          &run->cn[i]) != 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (k == P_KEY)
            mark_bad_key(run, i);
        owtw_ctl_conn_transcript(&run->cn[i], &run->t[i]);
    }
    run->ext = (struct owtw_obs_ext){.base = {OWTW_OBS_EXT, NULL}};
    run->obs.protocol = ow ? "owamp" : "twamp";
    run->obs.role = IPPM_ROLE_REFLECTOR;
    run->obs.ctrl = run->t;
    run->obs.n_ctrl = run->n;
    run->obs.live = true;
    run->obs.auth = secure_ok;
    run->obs.ext = &run->ext.base;
    return 0;
}

/* see conform_owtw.h */
void conform_owtw_run_free(struct owtw_probe_run *run)
{
    for (size_t i = 0; i < run->n; i++) {
        owtw_ctl_conn_free(&run->cn[i]);
        ippm_tcp_dir_free(&run->tcp[i].dir[0]);
        ippm_tcp_dir_free(&run->tcp[i].dir[1]);
    }
    memset(run, 0, sizeof *run);
}
