/* Checks of how a side meets bad input: a failed HMAC, a Token under
 * another key, a message cut short (RFC 4656 §3, §6.10), and whether the
 * server still serves afterwards. */
#include "owtw_checks.h"

#include <stdio.h>

#include "owtw_check_util.h"
#include "proto/owtw/owtw.h"

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_bad_mac_drop)
{
    (void)arg;
    enum ippm_dir mine = owtw_graded_dir(obs);
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (struct owtw_walk w = {obs, 0, 0, NULL, NULL, false};
         owtw_walk_next(&w, OWTW_OBS_UNKNOWN, -1);) {
        size_t c = w.c, i = w.i;
        const struct ippm_transcript *t = w.t;
        const struct ippm_ctrl_msg *m = w.m;
        if (m->dir == mine || m->mac >= 0 || m->type == OWTW_OBS_SETUP)
            continue;
        a.n++;
        const struct ippm_ctrl_msg *r = owtw_reply(t, i, NULL);
        bool dropped = t->close_ns && t->closed_by == (int)mine;
        if (r)
            stamp_acc_fail(&a, "connection %zu: message %zu failed its "
                           "HMAC and was answered", c + 1, i + 1);
        else if (!dropped)
            stamp_acc_fail(&a, "connection %zu: message %zu failed its "
                           "HMAC and the connection was not dropped",
                           c + 1, i + 1);
        break;
    }
    return stamp_acc_end(&a, "no message whose HMAC failed observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_bad_key_refused)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        size_t at;
        const struct ippm_ctrl_msg *s = owtw_find(t, OWTW_OBS_SETUP, 0, &at);
        if (!s || s->mac >= 0)
            continue;
        a.n++;
        bool accepted = false;
        for (size_t i = at + 1; i < t->n_msg && !accepted; i++)
            accepted = t->msg[i].dir == IPPM_DIR_TO_CLIENT &&
                       t->msg[i].type != OWTW_OBS_SERVER_START &&
                       t->msg[i].mac >= 0;
        if (accepted)
            stamp_acc_fail(&a, "connection %zu: the server went on under a "
                           "key the client's Token was not made with",
                           c + 1);
        else if (!owtw_server_closed(t) && !owtw_refused_after(t, at))
            stamp_acc_fail(&a, "connection %zu: Token under another key, "
                           "and the server neither refused nor closed",
                           c + 1);
    }
    return stamp_acc_end(&a, "no Set-Up-Response under a wrong key "
                             "observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_macs_verify)
{
    (void)arg;
    enum ippm_dir mine = owtw_graded_dir(obs);
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (struct owtw_walk w = {obs, 0, 0, NULL, NULL, false};
         owtw_walk_next(&w, OWTW_OBS_UNKNOWN, -1);) {
        size_t c = w.c, i = w.i;
        const struct ippm_ctrl_msg *m = w.m;
        if (m->dir != mine || m->mac == 0 || m->type == OWTW_OBS_SETUP)
            continue;
        a.n++;
        if (m->mac < 0)
            stamp_acc_fail(&a, "connection %zu message %zu: HMAC does "
                           "not verify", c + 1, i + 1);
    }
    return stamp_acc_end(&a, "no HMAC checked (modes A and E, with --keys)");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_partial_unanswered)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        size_t at;
        const struct ippm_ctrl_msg *p = owtw_find(t, OWTW_OBS_PARTIAL, 0, &at);
        if (!p || p->dir != IPPM_DIR_TO_SERVER)
            continue;
        a.n++;
        for (size_t j = at + 1; j < t->n_msg; j++)
            if (t->msg[j].dir == IPPM_DIR_TO_CLIENT) {
                stamp_acc_fail(&a, "connection %zu: a message cut short "
                               "after %zu octets was answered", c + 1,
                               p->len);
                break;
            }
    }
    return stamp_acc_end(&a, "no client message cut short observed");
}

/* The connection ended in a refusal, a drop or misbehaviour. */
static bool went_wrong(const struct ippm_transcript *t)
{
    if (owtw_server_closed(t))
        return true;
    for (size_t i = 0; i < t->n_msg; i++) {
        const struct ippm_ctrl_msg *m = &t->msg[i];
        if (m->mac < 0 || m->type == OWTW_OBS_PARTIAL || m->type == OWTW_OBS_BAD_CMD ||
            owtw_accept_of(t, m) > 0)
            return true;
    }
    return false;
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_survives)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c + 1 < obs->n_ctrl; c++) {
        if (!went_wrong(&obs->ctrl[c]))
            continue;
        /* the next connection opened after this one ended */
        const struct ippm_transcript *n = NULL;
        for (size_t e = c + 1; e < obs->n_ctrl && !n; e++)
            if (!obs->ctrl[c].close_ns ||
                obs->ctrl[e].open_ns >= obs->ctrl[c].close_ns)
                n = &obs->ctrl[e];
        if (!n)
            continue;
        a.n++;
        if (!owtw_find(n, OWTW_OBS_GREETING, 0, NULL))
            stamp_acc_fail(&a, "connection %zu went wrong, and the next "
                           "connection got no Server Greeting", c + 1);
    }
    return stamp_acc_end(&a, "no connection was refused or dropped before "
                             "another one");
}
