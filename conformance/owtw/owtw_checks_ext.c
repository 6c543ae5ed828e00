/* Checks of the TWAMP extensions' control messages: Individual Session
 * Control (RFC 5938), Reflect Octets and Symmetrical Size (RFC 6038),
 * IKEv2-derived keys (RFC 7717), PTPv2 timestamps (RFC 8186). The mode
 * bits of every extension are checked by the set-up checks with the
 * row's bit in arg.flags. */
#include "owtw_checks.h"

#include <stdio.h>
#include <string.h>

#include "owtw_check_util.h"
#include "proto/owtw/owtw.h"

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_isc_commands)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    enum ippm_dir mine = owtw_graded_dir(obs);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        uint32_t mode;
        if (!owtw_chosen(t, &mode))
            continue;
        bool isc = mode & OWTW_MODE_INDIV_SESSION;
        for (size_t i = 0; i < t->n_msg; i++) {
            int ty = t->msg[i].type;
            if (t->msg[i].dir != mine)
                continue;
            if (arg->type == 0 && isc &&
                (ty == OWTW_OBS_START || ty == OWTW_OBS_STOP ||
                 ty == OWTW_OBS_START_ACK)) {
                a.n++;
                stamp_acc_fail(&a, "connection %zu message %zu: a Start or "
                               "Stop of RFC 5357 under Individual Session "
                               "Control", c + 1, i + 1);
            } else if (arg->type == 0 && isc &&
                       (ty == OWTW_OBS_START_N || ty == OWTW_OBS_STOP_N ||
                        ty == OWTW_OBS_START_N_ACK || ty == OWTW_OBS_STOP_N_ACK)) {
                a.n++;
            } else if (arg->type == 1 &&
                       (ty == OWTW_OBS_START_N || ty == OWTW_OBS_STOP_N)) {
                a.n++;
                if (!isc)
                    stamp_acc_fail(&a, "connection %zu message %zu: "
                                   "Start-N or Stop-N-Sessions, but Mode 0x%x "
                                   "lacks bit 4", c + 1, i + 1,
                                   (unsigned)mode);
            }
        }
    }
    return stamp_acc_end(&a, "no start or stop command under Individual "
                             "Session Control observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_n_count)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (struct owtw_walk w = {obs, 0, 0, NULL, NULL, false};
         owtw_walk_next(&w, OWTW_OBS_UNKNOWN, -1);) {
        size_t c = w.c, i = w.i;
        const struct ippm_transcript *t = w.t;
        const struct ippm_ctrl_msg *m = w.m;
        const uint8_t *p = m->type == arg->type ? owtw_clear(t, m, 16)
                                                : NULL;
        if (!p)
            continue;
        a.n++;
        uint32_t n = ippm_load_u32(p + OWTW_N_NSESS);
        size_t sids = m->len >= 32 ? (m->len - 32) / 16 : 0;
        if (n == 0 || n != sids)
            stamp_acc_fail(&a, "connection %zu message %zu: Number of "
                           "Sessions %u with %zu SIDs", c + 1, i + 1,
                           (unsigned)n, sids);
    }
    return stamp_acc_end(&a, "no readable message of that type observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_n_mismatch_refused)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (struct owtw_walk w = {obs, 0, 0, NULL, NULL, false};
         owtw_walk_next(&w, OWTW_OBS_UNKNOWN, -1);) {
        size_t c = w.c, i = w.i;
        const struct ippm_transcript *t = w.t;
        const struct ippm_ctrl_msg *m = w.m;
        const uint8_t *p = m->type == OWTW_OBS_START_N ? owtw_clear(t, m, 16)
                                                   : NULL;
        size_t sids = m->len >= 32 ? (m->len - 32) / 16 : 0;
        if (!p || (ippm_load_u32(p + OWTW_N_NSESS) == sids && sids))
            continue;
        int v = owtw_reply_accept(t, i);
        if (v < 0)
            continue;
        a.n++;
        if (v == 0)
            stamp_acc_fail(&a, "connection %zu: Start-N-Sessions with a "
                           "count that does not match its SIDs was "
                           "affirmed", c + 1);
    }
    return stamp_acc_end(&a, "no Start-N-Sessions with a wrong count "
                             "observed");
}

/* The request msg[i] and its Accept-Session, readable; false otherwise. */
static bool req_and_accept(const struct ippm_transcript *t, size_t i,
                           const uint8_t **req, const uint8_t **acc)
{
    if (t->msg[i].type != OWTW_OBS_REQ_TW)
        return false;
    const struct ippm_ctrl_msg *r = owtw_reply(t, i, NULL);
    *req = owtw_clear(t, &t->msg[i], 96);
    *acc = r && r->type == OWTW_OBS_ACCEPT ? owtw_clear(t, r, 32) : NULL;
    return *req && *acc;
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_reflected_octets)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        uint32_t mode;
        if (!owtw_chosen(t, &mode) || !(mode & OWTW_MODE_REFLECT_OCTETS))
            continue;
        for (size_t i = 0; i < t->n_msg; i++) {
            const uint8_t *q, *r;
            if (!req_and_accept(t, i, &q, &r))
                continue;
            a.n++;
            if (memcmp(q + OWTW_REQ_REFLECT, r + OWTW_ACC_REFLECTED, 2) != 0)
                stamp_acc_fail(&a, "connection %zu: Reflected octets %04x, "
                               "the request's Octets to be reflected %04x",
                               c + 1, ippm_load_u16(r + OWTW_ACC_REFLECTED),
                               ippm_load_u16(q + OWTW_REQ_REFLECT));
        }
    }
    return stamp_acc_end(&a, "no readable request and answer under Reflect "
                             "Octets observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_reflect_request)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        uint32_t mode;
        if (!owtw_chosen(t, &mode))
            continue;
        bool on = mode & OWTW_MODE_REFLECT_OCTETS;
        for (size_t i = 0; i < t->n_msg; i++) {
            const struct ippm_ctrl_msg *m = &t->msg[i];
            const uint8_t *p = m->type == OWTW_OBS_REQ_TW ? owtw_clear(t, m, 96)
                                                      : NULL;
            if (!p)
                continue;
            uint16_t len = ippm_load_u16(p + OWTW_REQ_REFLECT_LEN);
            uint16_t oct = ippm_load_u16(p + OWTW_REQ_REFLECT);
            if (arg->type == 0 && on) {
                a.n++;
                if (ippm_load_u32(p + OWTW_REQ_PADLEN) <= len)
                    stamp_acc_fail(&a, "connection %zu: Padding Length %u, "
                                   "not above the %u octets to reflect",
                                   c + 1,
                                   (unsigned)ippm_load_u32(p + OWTW_REQ_PADLEN),
                                   len);
            } else if (arg->type == 1 && (len || oct)) {
                a.n++;
                if (!on)
                    stamp_acc_fail(&a, "connection %zu: Reflect Octets "
                                   "fields used, but Mode 0x%x lacks bit 5",
                                   c + 1, (unsigned)mode);
            }
        }
    }
    return stamp_acc_end(&a, "no readable request using Reflect Octets "
                             "observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_reflect_short_accept3)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        uint32_t mode;
        if (!owtw_chosen(t, &mode) ||
            !(mode & (OWTW_MODE_REFLECT_OCTETS | OWTW_MODE_SYMMETRICAL)))
            continue;
        uint32_t need0 = (mode & OWTW_MODE_OPEN) ? 27 : 56;
        for (size_t i = 0; i < t->n_msg; i++) {
            const uint8_t *q, *r;
            if (!req_and_accept(t, i, &q, &r))
                continue;
            uint32_t need = need0;
            if (mode & OWTW_MODE_REFLECT_OCTETS)
                need += ippm_load_u16(q + OWTW_REQ_REFLECT_LEN);
            if (ippm_load_u32(q + OWTW_REQ_PADLEN) >= need)
                continue;
            a.n++;
            if (r[0] != OWTW_ACCEPT_NOT_SUPPORTED)
                stamp_acc_fail(&a, "connection %zu: Padding Length %u under "
                               "%u needed, Accept %u, expected 3", c + 1,
                               (unsigned)ippm_load_u32(q + OWTW_REQ_PADLEN),
                               (unsigned)need, r[0]);
        }
    }
    return stamp_acc_end(&a, "no request too short for equal sizes "
                             "observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_ikev2)
{
    static const uint8_t zero[64];
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        const struct ippm_transcript *t = &obs->ctrl[c];
        size_t at;
        uint32_t mode;
        const struct ippm_ctrl_msg *s = owtw_find(t, OWTW_OBS_SETUP, 0, &at);
        if (!s || !owtw_chosen(t, &mode) || !(mode & OWTW_MODE_IKEV2) ||
            s->len < OWTW_SETUP_KEYID + 80)
            continue;
        if (arg->type == 0) {
            a.n++;
            if (memcmp(s->wire + OWTW_SETUP_KEYID + 16, zero, 64) != 0)
                stamp_acc_fail(&a, "connection %zu: KeyID octets 16..79 not "
                               "zero", c + 1);
            continue;
        }
        if (s->mac >= 0)
            continue; /* the SA was found */
        const struct ippm_ctrl_msg *r = owtw_reply(t, at, NULL);
        int v = r ? owtw_accept_of(t, r) : -1;
        if (v < 0)
            continue;
        a.n++;
        if (v != 6)
            stamp_acc_fail(&a, "connection %zu: unknown IKEv2 SA answered "
                           "with Accept %d, expected 6", c + 1, v);
    }
    return stamp_acc_end(&a, arg->type == 0
                                 ? "no Set-Up-Response choosing IKEv2Derived "
                                   "observed"
                                 : "no Set-Up-Response naming an unknown "
                                   "IKEv2 SA observed");
}

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_ptp_when_offered)
{
    (void)arg;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t c = 0; c < obs->n_ctrl; c++) {
        uint32_t offered, mode;
        if (!owtw_offered(&obs->ctrl[c], &offered) ||
            !(offered & OWTW_MODE_PTP) || !owtw_chosen(&obs->ctrl[c], &mode) ||
            mode == 0)
            continue;
        a.n++;
        if (!(mode & OWTW_MODE_PTP))
            stamp_acc_fail(&a, "connection %zu: the greeting offered PTPv2 "
                           "timestamps, Mode 0x%x does not set bit 9", c + 1,
                           (unsigned)mode);
    }
    return stamp_acc_end(&a, "no greeting offering PTPv2 timestamps "
                             "observed");
}
