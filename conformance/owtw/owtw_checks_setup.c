/* Checks of the greeting, Set-Up-Response and Server-Start (RFC 4656
 * §3.1, RFC 5357 §3.1, the TWAMP-Modes registry). */
#include "owtw_checks.h"

#include <stdio.h>
#include <string.h>

#include "owtw_check_util.h"
#include "proto/owtw/owtw.h"

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_modes_mbz)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        uint32_t m;
        bool seen = arg->type == OWTW_OBS_GREETING ? owtw_offered(t, &m)
                                               : owtw_chosen(t, &m);
        if (!seen)
            continue;
        a.n++;
        if (m & ~arg->flags)
            stamp_acc_fail(&a, "connection %zu: Modes 0x%08x sets bits 0x%08x "
                           "no specification defines (known 0x%x)",
                           c + 1, (unsigned)m, (unsigned)(m & ~arg->flags),
                           arg->flags);
    }
    return stamp_acc_end(&a, arg->type == OWTW_OBS_GREETING
                                 ? "no Server Greeting observed"
                                 : "no Set-Up-Response observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_count)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_ctrl_msg *g =
            owtw_find(&obs->ctrl[c], OWTW_OBS_GREETING, 0, NULL);
        if (!g || g->len < OWTW_GREET_COUNT + 4)
            continue;
        uint32_t n = ippm_load_u32(g->wire + OWTW_GREET_COUNT);
        a.n++;
        if (arg->type == 0 && (n == 0 || (n & (n - 1)) != 0))
            stamp_acc_fail(&a, "connection %zu: Count %u is not a power of 2",
                           c + 1, (unsigned)n);
        else if (arg->type == 1 && n < 1024)
            stamp_acc_fail(&a, "connection %zu: Count %u, expected >= 1024",
                           c + 1, (unsigned)n);
    }
    return stamp_acc_end(&a, "no Server Greeting observed");
}

/* proto/owtw's layout of an observation type (the MBZ runs are its
 * fields named "mbz"); NULL for a type without one. */
static const struct owtw_layout *layout_of(const struct ippm_obs *obs,
                                           int type)
{
    bool ow = obs->protocol && obs->protocol[0] == 'o';
    switch (type) {
    case OWTW_OBS_GREETING: return owtw_layout_get(OWTW_MSG_GREETING);
    case OWTW_OBS_SERVER_START: return owtw_layout_get(OWTW_MSG_SERVER_START);
    case OWTW_OBS_REQ_SESSION: return owtw_layout_get(OWTW_MSG_REQUEST);
    case OWTW_OBS_REQ_TW: return owtw_layout_get(OWTW_MSG_REQUEST_TW);
    case OWTW_OBS_ACCEPT: return owtw_layout_get(OWTW_MSG_ACCEPT_SESSION);
    case OWTW_OBS_START: return owtw_layout_get(OWTW_MSG_START);
    case OWTW_OBS_START_ACK: return owtw_layout_get(OWTW_MSG_START_ACK);
    case OWTW_OBS_STOP:
        return owtw_layout_get(ow ? OWTW_MSG_STOP : OWTW_MSG_STOP_TW);
    case OWTW_OBS_FETCH: return owtw_layout_get(OWTW_MSG_FETCH);
    default: return NULL;
    }
}

/* A field of l that must be zero: named "mbz", or (OWTW_MBZ_RFC6038 in
 * flags) one of RFC 6038's, which OWAMP does not define. */
static bool is_mbz(const struct owtw_layout *l, size_t f, unsigned flags)
{
    const char *n = l->name[f];
    return strcmp(n, "mbz") == 0 ||
           ((flags & OWTW_MBZ_RFC6038) &&
            (strcmp(n, "reflected-octets") == 0 ||
             strcmp(n, "server-octets") == 0 ||
             strcmp(n, "octets-to-reflect") == 0 ||
             strcmp(n, "pad-to-reflect") == 0));
}

/* The first non-zero octet of l's MBZ fields in p, or -1. */
static long mbz_bad(const struct owtw_layout *l, unsigned flags,
                    const uint8_t *p)
{
    for (size_t f = 0; f < l->n_fields; f++)
        for (size_t i = 0; is_mbz(l, f, flags) && i < l->field[f].len; i++)
            if (p[l->field[f].off + i])
                return (long)(l->field[f].off + i);
    return -1;
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_mbz)
{
    const struct owtw_layout *l = layout_of(obs, arg->type);
    if (!l)
        return stamp_na(d, cap, "no layout for this message");
    /* the HMAC is not MBZ: only the octets before it are needed */
    size_t end = 0;
    for (size_t f = 0; f < l->n_fields; f++)
        if (is_mbz(l, f, arg->flags) &&
            (size_t)l->field[f].off + l->field[f].len > end)
            end = (size_t)l->field[f].off + l->field[f].len;
    struct stamp_acc a = stamp_acc_make(d, cap);
    unsigned hidden = 0;
    for (struct owtw_walk w = {obs, 0, 0, NULL, NULL, false};
         owtw_walk_next(&w, OWTW_OBS_UNKNOWN, -1);) {
        size_t c = w.c, i = w.i;
        const struct ippm_transcript *t = w.t;
        const struct ippm_ctrl_msg *m = w.m;
        if (m->type != arg->type || m->dir != owtw_graded_dir(obs))
            continue;
        const uint8_t *p = owtw_clear(t, m, end);
        if (!p) {
            hidden++;
            continue;
        }
        a.n++;
        long at = mbz_bad(l, arg->flags, p);
        if (at >= 0)
            stamp_acc_fail(&a, "connection %zu message %zu: %s MBZ "
                           "octet %ld is 0x%02x", c + 1, i + 1,
                           l->msg_name, at, p[at]);
    }
    if (!a.n && hidden)
        return stamp_na(d, cap, "the messages were encrypted and no key was "
                                "given (--keys)");
    return stamp_acc_end(&a, "no such message observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_unique)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_ctrl_msg *m =
            owtw_find(&obs->ctrl[c], arg->type, 0, NULL);
        if (!m || m->len < arg->flags + 16)
            continue;
        if (arg->type == OWTW_OBS_SETUP &&
            (ippm_load_u32(m->wire) & 0x6u) == 0)
            continue; /* unauthenticated: the field is unused */
        for (size_t e = 0; e < c; e++) {
            const struct ippm_ctrl_msg *o =
                owtw_find(&obs->ctrl[e], arg->type, 0, NULL);
            if (!o || o->len < arg->flags + 16)
                continue;
            a.n++;
            if (memcmp(o->wire + arg->flags, m->wire + arg->flags, 16) == 0)
                stamp_acc_fail(&a, "connections %zu and %zu carry the same "
                               "16 octets at offset %u", e + 1, c + 1,
                               arg->flags);
        }
    }
    return stamp_acc_end(&a, "fewer than two connections carry the field");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_server_start_sent)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        size_t at;
        uint32_t mode;
        if (!owtw_find(t, OWTW_OBS_SETUP, 0, &at) || !owtw_chosen(t, &mode) ||
            mode == 0)
            continue;
        const struct ippm_ctrl_msg *r = owtw_reply(t, at, NULL);
        if (!r && t->closed_by == (int)IPPM_DIR_TO_SERVER)
            continue; /* the client left first: nothing to grade */
        a.n++;
        if (!r || r->type != OWTW_OBS_SERVER_START)
            stamp_acc_fail(&a, "connection %zu: Set-Up-Response (Mode %u) "
                           "answered by %s", c + 1, (unsigned)mode,
                           r ? "another message" : "no Server-Start");
    }
    return stamp_acc_end(&a, "no Set-Up-Response choosing a mode observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_start_time_same)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    const uint8_t *first = NULL;
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        const struct ippm_ctrl_msg *s = owtw_find(t, OWTW_OBS_SERVER_START, 0, NULL);
        const uint8_t *p = s ? owtw_clear(t, s, OWTW_START_TIME + 8) : NULL;
        if (!p || owtw_accept_of(t, s) != 0)
            continue;
        if (!first) {
            first = p + OWTW_START_TIME;
            continue;
        }
        a.n++;
        if (memcmp(first, p + OWTW_START_TIME, 8) != 0)
            stamp_acc_fail(&a, "connection %zu: Start-Time %08x.%08x, an "
                           "earlier connection had %08x.%08x", c + 1,
                           (unsigned)ippm_load_u32(p + OWTW_START_TIME),
                           (unsigned)ippm_load_u32(p + OWTW_START_TIME + 4),
                           (unsigned)ippm_load_u32(first),
                           (unsigned)ippm_load_u32(first + 4));
    }
    return stamp_acc_end(&a, "fewer than two readable Server-Start messages "
                             "(in modes A and E give --keys)");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_mode0_close)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        size_t at;
        uint32_t mode;
        if (!owtw_find(t, OWTW_OBS_SETUP, 0, &at) || !owtw_chosen(t, &mode) ||
            (mode & OWTW_MODE_SECURITY_MASK) != 0)
            continue; /* RFC 5618 mixed (8) is a security mode too */
        const struct ippm_ctrl_msg *r = owtw_reply(t, at, NULL);
        bool accepted = r && owtw_accept_of(t, r) == 0;
        if (!accepted && !owtw_server_closed(t))
            continue; /* the client closed first: the rule is met */
        a.n++;
        if (accepted)
            stamp_acc_fail(&a, "connection %zu: Mode 0 answered by an "
                           "accepting Server-Start", c + 1);
    }
    return stamp_acc_end(&a, "no Set-Up-Response of Mode 0 observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_unoffered_refused)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        size_t at;
        uint32_t offered, mode;
        if (!owtw_offered(t, &offered) || !owtw_chosen(t, &mode) ||
            !owtw_find(t, OWTW_OBS_SETUP, 0, &at))
            continue;
        uint32_t extra = mode & ~offered & arg->flags;
        if (!extra)
            continue;
        if (!owtw_reply(t, at, NULL) && !owtw_server_closed(t))
            continue; /* the client left before any answer */
        a.n++;
        if (!owtw_refused_after(t, at))
            stamp_acc_fail(&a, "connection %zu: Mode 0x%x chose bits 0x%x "
                           "the greeting (0x%x) did not offer, and the "
                           "server accepted", c + 1, (unsigned)mode,
                           (unsigned)extra, (unsigned)offered);
    }
    return stamp_acc_end(&a, "no Set-Up-Response chose a mode the greeting "
                             "did not offer");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_accept_known)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        for (size_t i = 0; i < t->n_msg; i++) {
            if (t->msg[i].dir != IPPM_DIR_TO_CLIENT)
                continue;
            int v = owtw_accept_of(t, &t->msg[i]);
            if (v < 0)
                continue;
            a.n++;
            if ((unsigned)v > arg->flags)
                stamp_acc_fail(&a, "connection %zu message %zu: Accept %d "
                               "is reserved (defined: 0..%u)", c + 1, i + 1,
                               v, arg->flags);
        }
    }
    return stamp_acc_end(&a, "no readable Accept field observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_setup_onebit)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        uint32_t mode;
        if (!owtw_chosen(&obs->ctrl[c], &mode))
            continue;
        a.n++;
        /* the last three bits, and RFC 5618 §3.1's fourth (mixed) */
        uint32_t low = mode & OWTW_MODE_SECURITY_MASK;
        if (low & (low - 1))
            stamp_acc_fail(&a, "connection %zu: Mode 0x%x sets more than "
                           "one of the security mode bits 0x%x", c + 1,
                           (unsigned)mode, (unsigned)low);
    }
    return stamp_acc_end(&a, "no Set-Up-Response observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_setup_offered)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        uint32_t offered, mode;
        if (!owtw_offered(&obs->ctrl[c], &offered) ||
            !owtw_chosen(&obs->ctrl[c], &mode))
            continue;
        a.n++;
        uint32_t extra = mode & ~offered & arg->flags;
        if (extra)
            stamp_acc_fail(&a, "connection %zu: Mode 0x%x sets 0x%x, which "
                           "the greeting (Modes 0x%x) did not offer", c + 1,
                           (unsigned)mode, (unsigned)extra,
                           (unsigned)offered);
    }
    return stamp_acc_end(&a, "no greeting and Set-Up-Response observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_setup_security_bit)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        uint32_t mode;
        if (!owtw_chosen(&obs->ctrl[c], &mode) || mode == 0)
            continue;
        a.n++;
        uint32_t sec = mode & 0xfu;
        if (sec == 0 || (sec & (sec - 1)))
            stamp_acc_fail(&a, "connection %zu: Mode 0x%x sets %s security "
                           "bits (0..3), expected one", c + 1,
                           (unsigned)mode, sec ? "several" : "no");
    }
    return stamp_acc_end(&a, "no Set-Up-Response choosing a mode observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_client_close_greeting)
{
    struct owtw_obs_ext x = owtw_obs_ext(obs);
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        const struct ippm_ctrl_msg *g = owtw_find(t, OWTW_OBS_GREETING, 0, NULL);
        if (!g || g->len < OWTW_GREET_COUNT + 4)
            continue;
        uint32_t modes = ippm_load_u32(g->wire + OWTW_GREET_MODES);
        uint32_t count = ippm_load_u32(g->wire + OWTW_GREET_COUNT);
        if (arg->type == 0 ? modes != 0 : count <= x.max_count)
            continue;
        a.n++;
        uint32_t mode = 0;
        if (owtw_chosen(t, &mode) && mode != 0)
            stamp_acc_fail(&a, "connection %zu: greeting with %s %u, the "
                           "client went on with Mode 0x%x", c + 1,
                           arg->type == 0 ? "Modes" : "Count",
                           (unsigned)(arg->type == 0 ? modes : count),
                           (unsigned)mode);
    }
    return stamp_acc_end(&a, arg->type == 0
                                 ? "no greeting with Modes 0 observed"
                                 : "no greeting with Count above the "
                                   "client's maximum observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_client_close_reject)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        size_t at;
        const struct ippm_ctrl_msg *s = owtw_find(t, OWTW_OBS_SERVER_START, 0, &at);
        if (!s || owtw_accept_of(t, s) <= 0)
            continue;
        a.n++;
        for (size_t j = at + 1; j < t->n_msg; j++)
            if (t->msg[j].dir == IPPM_DIR_TO_SERVER &&
                t->msg[j].type != OWTW_OBS_PARTIAL) {
                stamp_acc_fail(&a, "connection %zu: Server-Start refused "
                               "(Accept %d), the client sent more", c + 1,
                               owtw_accept_of(t, s));
                break;
            }
    }
    return stamp_acc_end(&a, "no refusing Server-Start observed");
}
