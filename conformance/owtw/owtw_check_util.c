/* see owtw_check_util.h */
#include "owtw_check_util.h"

#include "proto/owtw/owtw.h"

#include <string.h>

/* see owtw_check_util.h */
enum ippm_dir owtw_graded_dir(const struct ippm_obs *o)
{
    return o->role == IPPM_ROLE_REFLECTOR ? IPPM_DIR_TO_CLIENT
                                          : IPPM_DIR_TO_SERVER;
}

/* see owtw_check_util.h */
bool owtw_walk_next(struct owtw_walk *w, int type, int dir)
{
    if (w->started)
        w->i++;
    w->started = true;
    for (; w->c < w->obs->n_ctrl; w->c++, w->i = 0) {
        w->t = &w->obs->ctrl[w->c];
        for (; w->i < w->t->n_msg; w->i++) {
            w->m = &w->t->msg[w->i];
            if ((type == OWTW_OBS_UNKNOWN || w->m->type == type) &&
                (dir < 0 || (int)w->m->dir == dir))
                return true;
        }
    }
    return false;
}

/* see owtw_check_util.h */
const struct ippm_ctrl_msg *owtw_find(const struct ippm_transcript *t,
                                      int type, size_t from, size_t *at)
{
    for (size_t i = from; i < t->n_msg; i++)
        if (t->msg[i].type == type) {
            if (at)
                *at = i;
            return &t->msg[i];
        }
    return NULL;
}

/* see owtw_check_util.h */
bool owtw_offered(const struct ippm_transcript *t, uint32_t *modes)
{
    const struct ippm_ctrl_msg *g = owtw_find(t, OWTW_OBS_GREETING, 0, NULL);
    if (!g || g->len < OWTW_GREET_MODES + 4)
        return false;
    *modes = ippm_load_u32(g->wire + OWTW_GREET_MODES);
    return true;
}

/* see owtw_check_util.h */
bool owtw_chosen(const struct ippm_transcript *t, uint32_t *mode)
{
    const struct ippm_ctrl_msg *s = owtw_find(t, OWTW_OBS_SETUP, 0, NULL);
    if (!s || s->len < 4)
        return false;
    *mode = ippm_load_u32(s->wire + OWTW_SETUP_MODE);
    return true;
}

/* see owtw_check_util.h */
const uint8_t *owtw_clear(const struct ippm_transcript *t,
                          const struct ippm_ctrl_msg *m, size_t end)
{
    if (m->len < end)
        return NULL;
    if (m->plain)
        return m->plain;
    if (m->type == OWTW_OBS_GREETING || m->type == OWTW_OBS_SETUP)
        return m->wire;
    if (m->type == OWTW_OBS_SERVER_START && end <= OWTW_START_TIME)
        return m->wire;
    uint32_t mode;
    /* Unauthenticated mode (bit 0) sends everything in the clear; mixed
     * mode (RFC 5618) encrypts the control messages. */
    if (owtw_chosen(t, &mode) && (mode & 0xfu) == OWTW_MODE_OPEN)
        return m->wire;
    return NULL;
}

/* see owtw_check_util.h */
const struct ippm_ctrl_msg *owtw_reply(const struct ippm_transcript *t,
                                       size_t i, size_t *at)
{
    for (size_t j = i + 1; j < t->n_msg; j++)
        if (t->msg[j].dir != t->msg[i].dir) {
            if (at)
                *at = j;
            return &t->msg[j];
        }
    return NULL;
}

/* see owtw_check_util.h */
int owtw_accept_of(const struct ippm_transcript *t,
                   const struct ippm_ctrl_msg *m)
{
    size_t off;
    switch (m->type) {
    case OWTW_OBS_SERVER_START:
        off = OWTW_START_ACCEPT;
        break;
    case OWTW_OBS_ACCEPT:
    case OWTW_OBS_START_ACK:
    case OWTW_OBS_FETCH_ACK:
        off = 0;
        break;
    case OWTW_OBS_STOP:
    case OWTW_OBS_START_N_ACK:
    case OWTW_OBS_STOP_N_ACK:
        off = 1;
        break;
    default:
        return -1;
    }
    const uint8_t *p = owtw_clear(t, m, off + 1);
    return p ? p[off] : -1;
}

/* see owtw_check_util.h */
int owtw_reply_accept(const struct ippm_transcript *t, size_t i)
{
    const struct ippm_ctrl_msg *r = owtw_reply(t, i, NULL);
    return r ? owtw_accept_of(t, r) : -1;
}

/* see owtw_check_util.h */
bool owtw_server_closed(const struct ippm_transcript *t)
{
    return t->close_ns != 0 && t->closed_by == (int)IPPM_DIR_TO_CLIENT;
}

/* see owtw_check_util.h */
bool owtw_refused_after(const struct ippm_transcript *t, size_t i)
{
    const struct ippm_ctrl_msg *r = owtw_reply(t, i, NULL);
    if (!r)
        return owtw_server_closed(t);
    int a = owtw_accept_of(t, r);
    return a > 0;
}

/* see owtw_check_util.h */
struct owtw_obs_ext owtw_obs_ext(const struct ippm_obs *o)
{
    struct owtw_obs_ext e = {.base = {OWTW_OBS_EXT, NULL},
                             .servwait_s = 900,
                             .max_count = 32768};
    const struct ippm_obs_ext *x = ippm_obs_ext_find(o, OWTW_OBS_EXT);
    if (x) {
        /* base is the first member of struct owtw_obs_ext */
        const struct owtw_obs_ext *c = (const struct owtw_obs_ext *)x;
        for (int r = 0; r < 2; r++) {
            e.test[r] = c->test[r];
            e.n_test[r] = c->n_test[r];
        }
        e.ptp = c->ptp;
        e.test_mode = c->test_mode;
        e.test_mac[0] = c->test_mac[0];
        e.test_mac[1] = c->test_mac[1];
        if (c->servwait_s)
            e.servwait_s = c->servwait_s;
        if (c->max_count)
            e.max_count = c->max_count;
    }
    return e;
}
