/* Helpers every STAMP check file uses: the verdict accumulator, the
 * observation's mode and packet layout, decoding an exchange, the key.
 * Private to conformance/stamp/ (the check files include it; nothing
 * else does). */
#ifndef IPPM_STAMP_CHECK_UTIL_H
#define IPPM_STAMP_CHECK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"
#include "conformance/stamp/stamp_obs.h"
#include "proto/stamp/stamp.h"

/* ---- verdict accumulation ----
 * The first failure is described in full; the rest are counted. */
struct stamp_acc {
    char *d;
    size_t cap;
    unsigned n;       /* exchanges (or sessions, TLVs) judged */
    unsigned bad;     /* of which failed */
    const char *note; /* appended to a PASS detail; NULL: none */
    unsigned in_flight; /* not judged: the capture ended before a reply
                           could be seen (ippm_exchange.in_flight) */
};

/* An empty accumulator writing into d (cap octets). */
struct stamp_acc stamp_acc_make(char *d, size_t cap);

/* Counts a failure; the first one is formatted into the detail. */
void stamp_acc_fail(struct stamp_acc *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* FAIL with "[k of n failed]", N/A with none when nothing was judged (or
 * with the requests in flight, when only those were left out), or PASS
 * with "n checked", the note and the requests left in flight. */
enum ippm_verdict stamp_acc_end(struct stamp_acc *a, const char *none);

/* N/A with why as the detail. */
enum ippm_verdict stamp_na(char *d, size_t cap, const char *why);

/* ---- the observation ---- */

/* Authenticated or unauthenticated mode, RFC 8762 §4.2: the reply
 * layout's (struct stamp_obs_pkt), else obs->auth's. */
enum stamp_mode stamp_obs_mode(const struct ippm_obs *o);

/* The observation's packets are TWAMP's, not STAMP's: its stamp_obs_pkt
 * names layouts other than proto/stamp's STAMP ones (TWAMP Light's,
 * stamp_layout_twamp_light, RFC 5357 §4.1.2, §4.2.1; or TWAMP's
 * authenticated ones in plaintext), whose packets are read field by
 * field from the table. */
bool stamp_obs_twamp_light(const struct ippm_obs *o);

/* Base length of a request in the observation's mode (44 or 112;
 * TWAMP: its sender layout's, 14 or 48). */
size_t stamp_obs_base(const struct ippm_obs *o);

/* A keyed HMAC context was given (HMACs can be checked). */
bool stamp_obs_has_key(const struct ippm_obs *o);

/* The observation's key context as proto/stamp takes it (a copy of the
 * handle: the obs's owner keeps and frees the context). */
struct ippm_hmac_key stamp_obs_key(const struct ippm_obs *o);

/* 1 stateful, 0 stateless: configured, or inferred from the replies (a
 * reply, short ones included, whose Sequence Number differs from the
 * sender's). how (may be NULL) gets "configured" or "inferred from the
 * replies". */
int stamp_obs_stateful(const struct ippm_obs *o, const char **how);

/* ---- one exchange ---- */

/* Sequence Number of a request (first four octets), 0 when shorter. */
uint32_t stamp_req_seq(const struct ippm_exchange *e);

/* The reply's Sequence Number, read from a reply of any length that
 * carries it; false when e has no such reply. */
bool stamp_rep_seq(const struct ippm_obs *o, const struct ippm_exchange *e,
                   uint32_t *seq);

/* Decodes the request / reply of e in the observation's mode (or as
 * TWAMP-Light's packets); false when there is none or it does not
 * decode. */
bool stamp_dec_req(const struct ippm_obs *o, const struct ippm_exchange *e,
                   struct stamp_sender_pkt *p);
bool stamp_dec_rep(const struct ippm_obs *o, const struct ippm_exchange *e,
                   struct stamp_reflector_pkt *p);

#endif
