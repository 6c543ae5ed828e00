/* Helpers the OWAMP/TWAMP control checks share: who sent a message, the
 * connection's modes, a message's octets in the clear, the reply to a
 * command. Private to conformance/owtw/. Verdicts accumulate with
 * struct stamp_acc (conformance/stamp/stamp_check_util.h), the one
 * accumulator every protocol's checks use. */
#ifndef IPPM_OWTW_CHECK_UTIL_H
#define IPPM_OWTW_CHECK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"
#include "conformance/owtw/owtw_obs.h"
#include "conformance/stamp/stamp_check_util.h"
#include "proto/common/ippm_cur.h"

/* The direction the graded side sends in: the server's (TO_CLIENT) when
 * the reflector role is graded, the client's otherwise. */
enum ippm_dir owtw_graded_dir(const struct ippm_obs *o);

/* A walk over every message of every connection of an observation:
 * struct owtw_walk w = {obs}; while (owtw_walk_next(&w, type, dir)) ... */
struct owtw_walk {
    const struct ippm_obs *obs;
    size_t c, i;                    /* connection and message index of m */
    const struct ippm_transcript *t;
    const struct ippm_ctrl_msg *m;
    bool started;
};

/* The next message of type (OWTW_OBS_UNKNOWN: any) sent in dir (-1:
 * either) into w; false after the last. */
bool owtw_walk_next(struct owtw_walk *w, int type, int dir);

/* The first message of type at or after index from, with its index in
 * *at (may be NULL); NULL when none. */
const struct ippm_ctrl_msg *owtw_find(const struct ippm_transcript *t,
                                      int type, size_t from, size_t *at);

/* Modes the Server Greeting offered; false when no greeting was seen. */
bool owtw_offered(const struct ippm_transcript *t, uint32_t *modes);

/* Mode the Set-Up-Response chose; false when none was seen. */
bool owtw_chosen(const struct ippm_transcript *t, uint32_t *mode);

/* The first end octets of m as sent in the clear, or NULL: the greeting
 * and Set-Up-Response are clear, Server-Start's first 32 octets are, and
 * every later message is in unauthenticated mode; otherwise only the
 * decryption (m->plain) shows them. NULL also when m is shorter. */
const uint8_t *owtw_clear(const struct ippm_transcript *t,
                          const struct ippm_ctrl_msg *m, size_t end);

/* The other side's first message after index i (its reply to msg[i]),
 * its index in *at; NULL when none came. */
const struct ippm_ctrl_msg *owtw_reply(const struct ippm_transcript *t,
                                       size_t i, size_t *at);

/* The Accept of the other side's reply to msg[i], or -1 when none came
 * or it cannot be read. */
int owtw_reply_accept(const struct ippm_transcript *t, size_t i);

/* The Accept field of a server message, or -1 when the type has none or
 * it cannot be read in the clear. */
int owtw_accept_of(const struct ippm_transcript *t,
                   const struct ippm_ctrl_msg *m);

/* The server refused what msg[i] asked: its reply carries a non-zero
 * Accept, or it closed the connection without an accepting reply. */
bool owtw_refused_after(const struct ippm_transcript *t, size_t i);

/* The server closed the connection (FIN or RST seen from it). */
bool owtw_server_closed(const struct ippm_transcript *t);

/* The extension of the observation, or the defaults when absent. */
struct owtw_obs_ext owtw_obs_ext(const struct ippm_obs *o);

#endif
