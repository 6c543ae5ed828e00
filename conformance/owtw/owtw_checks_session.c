/* Checks of session requests, Start, Stop and Fetch (RFC 4656 §3.5-§3.9,
 * RFC 5357 §3.5-§3.8) and the SERVWAIT/REFWAIT timeouts (RFC 5357 §3.1,
 * §4.2). */
#include "owtw_checks.h"

#include <stdio.h>
#include <string.h>

#include "owtw_check_util.h"
#include "proto/owtw/owtw.h"

#define NS 1000000000ull

static bool is_request(int type)
{
    return type == OWTW_OBS_REQ_SESSION || type == OWTW_OBS_REQ_TW ||
           type == OWTW_OBS_REQ_MICRO;
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_answered)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (struct owtw_walk w = {obs, 0, 0, NULL, NULL, false};
         owtw_walk_next(&w, OWTW_OBS_UNKNOWN, -1);) {
        size_t c = w.c, i = w.i;
        const struct ippm_transcript *t = w.t;
        const struct ippm_ctrl_msg *m = w.m;
        if (m->type != arg->type || m->dir != IPPM_DIR_TO_SERVER ||
            m->mac < 0)
            continue;
        const struct ippm_ctrl_msg *r = owtw_reply(t, i, NULL);
        /* The client leaving before the answer could come, or a
         * capture cut short, leaves nothing to grade. */
        if (!r && !owtw_server_closed(t))
            continue;
        a.n++;
        if (!r || r->type != (int)arg->flags)
            stamp_acc_fail(&a, "connection %zu message %zu: %s", c + 1,
                           i + 1, r ? "answered by another message"
                                    : "the server closed without an "
                                      "answer");
    }
    return stamp_acc_end(&a, "no such command observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_reject_keeps_open)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (struct owtw_walk w = {obs, 0, 0, NULL, NULL, false};
         owtw_walk_next(&w, OWTW_OBS_UNKNOWN, -1);) {
        size_t c = w.c, i = w.i;
        const struct ippm_transcript *t = w.t;
        const struct ippm_ctrl_msg *m = w.m;
        if (m->type != OWTW_OBS_ACCEPT || owtw_accept_of(t, m) <= 0)
            continue;
        a.n++;
        bool last = i + 1 == t->n_msg;
        if (last && owtw_server_closed(t))
            stamp_acc_fail(&a, "connection %zu: the server closed the "
                           "connection after refusing a session (Accept "
                           "%d)", c + 1, owtw_accept_of(t, m));
    }
    return stamp_acc_end(&a, "no refused session request observed");
}

/* Calls fn for every readable request the client sent; returns how many
 * were hidden (encrypted without a key). */
typedef void (*req_fn)(const struct ippm_transcript *t, size_t i,
                       const uint8_t *p, struct stamp_acc *a, int type);

static unsigned each_request(const struct ippm_obs *obs, struct stamp_acc *a,
                             req_fn fn, int type)
{
    unsigned hidden = 0;
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        for (size_t i = 0; i < t->n_msg; i++) {
            if (!is_request(t->msg[i].type))
                continue;
            const uint8_t *p = owtw_clear(t, &t->msg[i], 96);
            if (!p) {
                hidden++;
                continue;
            }
            fn(t, i, p, a, type);
        }
    }
    return hidden;
}

static enum ippm_verdict end_requests(struct stamp_acc *a, unsigned hidden,
                                      char *d, size_t cap)
{
    if (!a->n && hidden)
        return stamp_na(d, cap, "the requests were encrypted and no key was "
                                "given (--keys)");
    return stamp_acc_end(a, "no session request observed");
}

static void req_conf(const struct ippm_transcript *t, size_t i,
                     const uint8_t *p, struct stamp_acc *a, int type)
{
    (void)t;
    uint8_t s = p[OWTW_REQ_CONF_S], r = p[OWTW_REQ_CONF_R];
    a->n++;
    if (type == 0 && (s > 1 || r > 1))
        stamp_acc_fail(a, "message %zu: Conf-Sender %u, Conf-Receiver %u",
                       i + 1, s, r);
    else if (type == 1 && !s && !r)
        stamp_acc_fail(a, "message %zu: Conf-Sender and Conf-Receiver both "
                       "0", i + 1);
    else if (type == 2 && (s || r))
        stamp_acc_fail(a, "message %zu: Conf-Sender %u, Conf-Receiver %u, "
                       "expected 0 and 0", i + 1, s, r);
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_req_conf)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    unsigned hidden = each_request(obs, &a, req_conf, arg->type);
    return end_requests(&a, hidden, d, cap);
}

static void req_tw(const struct ippm_transcript *t, size_t i,
                   const uint8_t *p, struct stamp_acc *a, int type)
{
    static const uint8_t zero[16];
    if (t->msg[i].type != OWTW_OBS_REQ_TW)
        return;
    a->n++;
    uint32_t slots = ippm_load_u32(p + OWTW_REQ_SLOTS);
    uint32_t pkts = ippm_load_u32(p + OWTW_REQ_PACKETS);
    if (type == 0 && (slots || pkts))
        stamp_acc_fail(a, "message %zu: Number of Schedule Slots %u, Number "
                       "of Packets %u, expected 0", i + 1, (unsigned)slots,
                       (unsigned)pkts);
    else if (type == 1 && memcmp(p + OWTW_REQ_SID, zero, 16) != 0)
        stamp_acc_fail(a, "message %zu: SID not zero", i + 1);
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_req_tw_fields)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    unsigned hidden = each_request(obs, &a, req_tw, arg->type);
    return end_requests(&a, hidden, d, cap);
}

static void req_pad(const struct ippm_transcript *t, size_t i,
                    const uint8_t *p, struct stamp_acc *a, int type)
{
    (void)t, (void)type;
    static const uint8_t zero[12];
    if ((p[OWTW_REQ_IPVN] & 0xf) != 4)
        return;
    a->n++;
    if (memcmp(p + OWTW_REQ_SADDR + 4, zero, 12) != 0 ||
        memcmp(p + OWTW_REQ_RADDR + 4, zero, 12) != 0)
        stamp_acc_fail(a, "message %zu: IPVN 4, but the 12 octets after an "
                       "address are not zero", i + 1);
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_req_addr_pad)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    unsigned hidden = each_request(obs, &a, req_pad, 0);
    return end_requests(&a, hidden, d, cap);
}

/* The reply to msg[i] must be an Accept-Session carrying Accept 3. */
static void want_accept3(const struct ippm_transcript *t, size_t i,
                         struct stamp_acc *a, const char *what)
{
    const struct ippm_ctrl_msg *r = owtw_reply(t, i, NULL);
    if (!r && !owtw_server_closed(t))
        return; /* the client left first */
    a->n++;
    int v = r ? owtw_accept_of(t, r) : -1;
    if (!r || r->type != OWTW_OBS_ACCEPT)
        stamp_acc_fail(a, "message %zu (%s): %s, expected Accept-Session "
                       "with Accept 3", i + 1, what,
                       r ? "answered by another message"
                         : "the server closed without an answer");
    else if (v >= 0 && v != OWTW_ACCEPT_NOT_SUPPORTED)
        stamp_acc_fail(a, "message %zu (%s): Accept %d, expected 3", i + 1,
                       what, v);
}

static void conf_nonzero(const struct ippm_transcript *t, size_t i,
                         const uint8_t *p, struct stamp_acc *a, int type)
{
    (void)type;
    if (t->msg[i].type == OWTW_OBS_REQ_TW &&
        (p[OWTW_REQ_CONF_S] || p[OWTW_REQ_CONF_R]))
        want_accept3(t, i, a, "non-zero Conf-Sender or Conf-Receiver");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_conf_nonzero_accept3)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    unsigned hidden = each_request(obs, &a, conf_nonzero, 0);
    if (!a.n && hidden)
        return stamp_na(d, cap, "the requests were encrypted and no key was "
                                "given (--keys)");
    return stamp_acc_end(&a, "no Request-TW-Session with non-zero Conf "
                             "fields observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_bad_cmd_accept3)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        for (size_t i = 0; i < t->n_msg; i++)
            if (t->msg[i].type == OWTW_OBS_BAD_CMD)
                want_accept3(t, i, &a, "unknown command number");
    }
    return stamp_acc_end(&a, "no unknown command number observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_reject_port_zero)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (struct owtw_walk w = {obs, 0, 0, NULL, NULL, false};
         owtw_walk_next(&w, OWTW_OBS_UNKNOWN, -1);) {
        size_t c = w.c;
        const struct ippm_transcript *t = w.t;
        const struct ippm_ctrl_msg *m = w.m;
        const uint8_t *p = m->type == OWTW_OBS_ACCEPT ? owtw_clear(t, m, 4)
                                                  : NULL;
        if (!p || p[0] == 0)
            continue;
        a.n++;
        if (ippm_load_u16(p + OWTW_ACC_PORT))
            stamp_acc_fail(&a, "connection %zu: Accept %u with Port %u, "
                           "expected 0", c + 1, p[0],
                           ippm_load_u16(p + OWTW_ACC_PORT));
    }
    return stamp_acc_end(&a, "no readable refusing Accept-Session observed");
}

/* One of the two addresses of the connection, as a Request's 16-octet
 * address field holds it (IPv4: four octets then zeros). */
static bool addr_is(const struct ippm_addr *x, const uint8_t *f, int ipvn)
{
    if (x->family != ipvn)
        return false;
    return memcmp(x->ip, f, ipvn == 4 ? 4 : 16) == 0;
}

static void foreign(const struct ippm_transcript *t, size_t i,
                    const uint8_t *p, struct stamp_acc *a, int type)
{
    (void)type;
    static const uint8_t zero[16];
    int ipvn = p[OWTW_REQ_IPVN] & 0xf;
    const uint8_t *r = p + OWTW_REQ_RADDR;
    if (t->client.family == IPPM_AF_NONE || memcmp(r, zero, 16) == 0 ||
        addr_is(&t->client, r, ipvn) || addr_is(&t->server, r, ipvn))
        return;
    a->n++;
    const struct ippm_ctrl_msg *rep = owtw_reply(t, i, NULL);
    int v = rep ? owtw_accept_of(t, rep) : -1;
    if (rep && v == 0)
        stamp_acc_fail(a, "message %zu: a Receiver Address that is neither "
                       "the client's nor the server's was accepted", i + 1);
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_foreign_receiver)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    each_request(obs, &a, foreign, 0);
    return stamp_acc_end(&a, "no request for a third party's receiver "
                             "observed");
}

/* Sessions accepted before index end that the graded side sends. */
static unsigned send_sessions(const struct ippm_obs *obs,
                              const struct ippm_transcript *t, size_t end,
                              bool twamp, bool *hidden)
{
    unsigned n = 0;
    for (size_t i = 0; i < end; i++) {
        if (!is_request(t->msg[i].type))
            continue;
        size_t at;
        const struct ippm_ctrl_msg *r = owtw_reply(t, i, &at);
        if (!r || at >= end || r->type != OWTW_OBS_ACCEPT)
            continue;
        const uint8_t *p = owtw_clear(t, &t->msg[i], 96);
        int v = owtw_accept_of(t, r);
        if (!p || v < 0) {
            *hidden = true;
            continue;
        }
        if (v != 0)
            continue;
        if (twamp)
            n += obs->role == IPPM_ROLE_SENDER;
        else if (obs->role == IPPM_ROLE_SENDER)
            n += p[OWTW_REQ_CONF_R] != 0;
        else
            n += p[OWTW_REQ_CONF_S] != 0;
    }
    return n;
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_stop_count)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (struct owtw_walk w = {obs, 0, 0, NULL, NULL, false};
         owtw_walk_next(&w, OWTW_OBS_UNKNOWN, -1);) {
        size_t c = w.c, i = w.i;
        const struct ippm_transcript *t = w.t;
        const struct ippm_ctrl_msg *m = w.m;
        if (m->type != OWTW_OBS_STOP || m->dir != owtw_graded_dir(obs))
            continue;
        const uint8_t *p = owtw_clear(t, m, 8);
        bool hidden = false;
        unsigned want = send_sessions(obs, t, i, arg->type == 1, &hidden);
        if (!p || hidden)
            continue;
        a.n++;
        uint32_t got = ippm_load_u32(p + OWTW_STOP_NSESS);
        if (got != want)
            stamp_acc_fail(&a, "connection %zu: Stop-Sessions counts %u "
                           "sessions, %u accepted send session%s",
                           c + 1, (unsigned)got, want,
                           want == 1 ? "" : "s");
        break; /* later Stop-Sessions would count again from zero */
    }
    return stamp_acc_end(&a, "no readable Stop-Sessions observed");
}

/* Walks the session records of an OWAMP Stop-Sessions body p (len octets
 * before the HMAC); the first fault into a. */
static void walk_records(const uint8_t *p, size_t len, int what,
                         size_t conn, struct stamp_acc *a)
{
    uint32_t n = ippm_load_u32(p + OWTW_STOP_NSESS);
    size_t off = OWTW_BLOCK;
    for (uint32_t s = 0; s < n && off + 24 <= len; s++) {
        uint32_t nskip = ippm_load_u32(p + off + 20);
        size_t end = off + 24;
        uint32_t prev_last = 0;
        for (uint32_t k = 0; k < nskip && end + 8 <= len; k++, end += 8) {
            uint32_t first = ippm_load_u32(p + end), last = ippm_load_u32(p + end + 4);
            bool bad = first > last || (k && first <= prev_last);
            if (what == 1 && bad) {
                stamp_acc_fail(a, "connection %zu: session %u skip range %u "
                               "(%u..%u) out of order", conn, s + 1, k + 1,
                               (unsigned)first, (unsigned)last);
                return;
            }
            prev_last = last;
        }
        size_t padded = (end + OWTW_BLOCK - 1) / OWTW_BLOCK * OWTW_BLOCK;
        for (size_t z = end; what == 2 && z < padded && z < len; z++)
            if (p[z]) {
                stamp_acc_fail(a, "connection %zu: session %u padding octet "
                               "%zu is 0x%02x", conn, s + 1, z, p[z]);
                return;
            }
        off = padded;
    }
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_stop_records)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (struct owtw_walk w = {obs, 0, 0, NULL, NULL, false};
         owtw_walk_next(&w, OWTW_OBS_UNKNOWN, -1);) {
        size_t c = w.c;
        const struct ippm_transcript *t = w.t;
        const struct ippm_ctrl_msg *m = w.m;
        if (m->type != OWTW_OBS_STOP || m->dir != owtw_graded_dir(obs))
            continue;
        a.n++;
        if (arg->type == 0) {
            if (m->len != 2 * OWTW_BLOCK)
                stamp_acc_fail(&a, "connection %zu: Stop-Sessions of %zu "
                               "octets, expected 32 (no records)", c + 1,
                               m->len);
            continue;
        }
        const uint8_t *p = owtw_clear(t, m, m->len);
        if (!p || m->len < 2 * OWTW_BLOCK) {
            a.n--;
            continue;
        }
        walk_records(p, m->len - OWTW_BLOCK, arg->type, c + 1, &a);
    }
    return stamp_acc_end(&a, "no readable Stop-Sessions observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_fetch_ack)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (struct owtw_walk w = {obs, 0, 0, NULL, NULL, false};
         owtw_walk_next(&w, OWTW_OBS_UNKNOWN, -1);) {
        size_t c = w.c;
        const struct ippm_transcript *t = w.t;
        const struct ippm_ctrl_msg *m = w.m;
        const uint8_t *p = m->type == OWTW_OBS_FETCH_ACK
                               ? owtw_clear(t, m, OWTW_BLOCK)
                               : NULL;
        if (!p)
            continue;
        static const uint8_t zero[15];
        if (arg->type == 0 && p[0] != 0) {
            a.n++;
            if (memcmp(p + 1, zero, 15) != 0)
                stamp_acc_fail(&a, "connection %zu: Fetch-Ack refuses "
                               "(Accept %u) with non-zero fields", c + 1,
                               p[0]);
        } else if (arg->type > 0 && p[0] == 0 &&
                   p[OWTW_FACK_FINISHED] == 0) {
            a.n++;
            size_t off = arg->type == 1 ? OWTW_FACK_NEXT : OWTW_FACK_NSKIP;
            if (ippm_load_u32(p + off))
                stamp_acc_fail(&a, "connection %zu: Finished 0 with %s "
                               "%u", c + 1,
                               arg->type == 1 ? "Next Seqno"
                                              : "Number of Skip Ranges",
                               (unsigned)ippm_load_u32(p + off));
        }
    }
    return stamp_acc_end(&a, arg->type == 0
                                 ? "no readable refusing Fetch-Ack observed"
                                 : "no readable Fetch-Ack of an unfinished "
                                   "session observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_fetch_data)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (struct owtw_walk w = {obs, 0, 0, NULL, NULL, false};
         owtw_walk_next(&w, OWTW_OBS_UNKNOWN, -1);) {
        size_t c = w.c, i = w.i;
        const struct ippm_transcript *t = w.t;
        const struct ippm_ctrl_msg *m = w.m;
        if (m->type != OWTW_OBS_FETCH_ACK || owtw_accept_of(t, m) != 0)
            continue;
        const struct ippm_ctrl_msg *n =
            i + 1 < t->n_msg ? &t->msg[i + 1] : NULL;
        if (!n && !owtw_server_closed(t))
            continue; /* the capture ended first */
        a.n++;
        if (!n || n->type != OWTW_OBS_FETCH_DATA || n->dir != m->dir)
            stamp_acc_fail(&a, "connection %zu: accepting Fetch-Ack not "
                           "followed by the session data", c + 1);
    }
    return stamp_acc_end(&a, "no accepting Fetch-Ack observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_fetch_in_progress)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        size_t start;
        if (!owtw_find(t, OWTW_OBS_START_ACK, 0, &start))
            continue;
        for (size_t i = start; i < t->n_msg; i++) {
            const struct ippm_ctrl_msg *m = &t->msg[i];
            if (m->type == OWTW_OBS_STOP)
                break; /* sessions stopped: later fetches are fair */
            const uint8_t *p = m->type == OWTW_OBS_FETCH ? owtw_clear(t, m, 16)
                                                     : NULL;
            if (!p || ippm_load_u32(p + 8) != 0 || ippm_load_u32(p + 12) != 0xffffffffu)
                continue;
            int v = owtw_reply_accept(t, i);
            if (v < 0)
                continue;
            a.n++;
            if (v == 0)
                stamp_acc_fail(&a, "connection %zu: a whole session was "
                               "fetched while it ran", c + 1);
        }
    }
    return stamp_acc_end(&a, "no Fetch-Session of a running session "
                             "observed");
}

/* When the server's close came and the last activity before it. */
static uint64_t last_activity(const struct ippm_obs *obs,
                              const struct ippm_transcript *t, bool tests)
{
    uint64_t last = t->open_ns;
    for (size_t i = 0; i < t->n_msg; i++)
        if (t->msg[i].ns > last && t->msg[i].ns <= t->close_ns)
            last = t->msg[i].ns;
    for (size_t e = 0; tests && e < obs->n_ex; e++)
        if (obs->ex[e].req_ns > last && obs->ex[e].req_ns <= t->close_ns)
            last = obs->ex[e].req_ns;
    return last;
}

/* Sessions run at index end: a Start-Ack (or Start-N-Ack) accepted and
 * no Stop-Sessions since. */
static bool running(const struct ippm_transcript *t)
{
    bool run = false;
    for (size_t i = 0; i < t->n_msg; i++) {
        int ty = t->msg[i].type;
        if ((ty == OWTW_OBS_START_ACK || ty == OWTW_OBS_START_N_ACK) &&
            owtw_accept_of(t, &t->msg[i]) == 0)
            run = true;
        if (ty == OWTW_OBS_STOP || ty == OWTW_OBS_STOP_N)
            run = false;
    }
    return run;
}

/* Did sessions of t ever run (an accepting Start-Ack or Start-N-Ack)? */
static bool ran(const struct ippm_transcript *t)
{
    for (size_t i = 0; i < t->n_msg; i++) {
        int ty = t->msg[i].type;
        if ((ty == OWTW_OBS_START_ACK || ty == OWTW_OBS_START_N_ACK) &&
            owtw_accept_of(t, &t->msg[i]) == 0)
            return true;
    }
    return false;
}

/* The server's close of t was a timeout: it closed after its own last
 * message, which refused nothing, with no client message unanswered. */
static bool timed_out(const struct ippm_transcript *t)
{
    if (!owtw_server_closed(t) || !t->n_msg)
        return false;
    const struct ippm_ctrl_msg *l = &t->msg[t->n_msg - 1];
    return l->dir == IPPM_DIR_TO_CLIENT && owtw_accept_of(t, l) <= 0 &&
           l->type != OWTW_OBS_GREETING;
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_servwait)
{
    struct owtw_obs_ext x = owtw_obs_ext(obs);
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        bool run = running(t), closed = timed_out(t);
        if (arg->type == 0 ? run || !closed
                           : !ran(t) || (arg->type == 2 && !(closed && run)))
            continue;
        a.n++;
        if (!closed || (arg->type != 0 && !run))
            continue; /* sessions ran and the server kept the connection */
        uint64_t quiet = t->close_ns - last_activity(obs, t, arg->type != 0);
        uint64_t limit = arg->type == 0 ? (uint64_t)x.servwait_s * NS
                                        : 900 * NS;
        if (quiet < limit)
            stamp_acc_fail(&a, "connection %zu: the server closed after %.1f "
                           "s of silence%s, before %s (%u s)", c + 1,
                           (double)quiet / NS,
                           arg->type == 0 ? "" : " while sessions ran",
                           arg->type == 0 ? "SERVWAIT" : "REFWAIT expired",
                           (unsigned)(limit / NS));
    }
    return stamp_acc_end(&a, arg->type == 0
                                 ? "the server closed no idle connection"
                                 : arg->type == 1
                                       ? "no connection ran sessions"
                                       : "the server closed no connection "
                                         "while sessions ran");
}
