/* Helpers shared by the STAMP Session-Reflector and Session-Sender
 * checks (stamp_checks_refl.c, stamp_checks_sender.c), defined in
 * stamp_checks_base.c. Private to conformance/stamp/. */
#ifndef IPPM_STAMP_CHECKS_BASE_H
#define IPPM_STAMP_CHECKS_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/stamp/stamp_check_util.h"
#include "conformance/stamp/stamp_checks.h"

/* The reply fields a field case reads (RFC 8762 Figures 5 and 6). */
enum rep_field {
    RF_SEQ,
    RF_TS,
    RF_ERREST,
    RF_RXTS,
    RF_SS_SEQ,
    RF_SS_TS,
    RF_SS_ERREST,
    RF_TTL
};

/* One exchange of a session, as stamp_ck_sessions() orders them. */
struct sess_item {
    const struct ippm_exchange *e;
    size_t idx;
    uint64_t t;
    uint16_t ssid; /* part of the key only when sessions() was asked */
};

/* Decodes the reply of e as far as field f (and every field before it):
 * a shorter reply is read as if zero-padded to the base. False when there
 * is no reply or it ends before f does. */
bool stamp_ck_dec_rep_upto(const struct ippm_obs *o,
                           const struct ippm_exchange *e,
                           struct stamp_reflector_pkt *p, enum rep_field f);

/* A reply to a request of base length or more that ends before field f:
 * the field is missing from a reply that must carry it. */
bool stamp_ck_rep_lacks(const struct ippm_obs *o, const struct ippm_exchange *e,
                        enum rep_field f);

/* Why a field case graded nothing, as true as the exchanges allow. */
const char *stamp_ck_none_why(const struct ippm_obs *o, enum rep_field f,
                              const char *fallback, char *buf, size_t cap);

/* Decodes e's reply up to field f for a field case. A reply that lacks
 * the field although it should carry it is counted and failed into a. */
bool stamp_ck_rep_get(const struct ippm_obs *o, const struct ippm_exchange *e,
                      struct stamp_reflector_pkt *p, enum rep_field f,
                      struct stamp_acc *a);

/* Steps *i past the next exchange whose reply stamp_ck_rep_get() decodes
 * up to field f (failing into a the replies that lack it on the way);
 * NULL when none is left. */
const struct ippm_exchange *stamp_ck_next_rep(const struct ippm_obs *o,
                                              size_t *i, enum rep_field f,
                                              struct stamp_acc *a,
                                              struct stamp_reflector_pkt *p);

/* Ends a field case: stamp_acc_end() with stamp_ck_none_why() as the
 * N/A reason. */
enum ippm_verdict stamp_ck_field_end(struct stamp_acc *a,
                                     const struct ippm_obs *o, enum rep_field f,
                                     const char *fallback);

/* The base-packet HMAC of every request (reply false: the sender's
 * rows) or every reply, with the session key; N/A as stamp_ck_na_auth()
 * says. A reply too short to hold the HMAC fails; such a request is
 * left to the length rows. */
enum ippm_verdict stamp_ck_hmac_valid(const struct ippm_obs *obs, char *detail,
                                      size_t cap, bool reply);

/* Fails e into a: its reply is too short to carry field f. */
void stamp_ck_acc_fail_lacks(struct stamp_acc *a, const struct ippm_obs *o,
                             const struct ippm_exchange *e, enum rep_field f);

/* Authenticated mode with a key: base-packet HMACs can be checked. */
bool stamp_ck_have_key(const struct ippm_obs *o);

/* Auth with a known key and an HMAC that does not verify. */
bool stamp_ck_req_hmac_bad(const struct ippm_obs *o,
                           const struct ippm_exchange *e);

/* Error Estimate Z bit (PTP format) and Multiplier, RFC 4656 §4.1.2. */
bool stamp_ck_errest_z(uint16_t v);
uint8_t stamp_ck_errest_mult(uint16_t v);

/* Signed offset of a wire timestamp from ref_ns. A PTP timestamp may count
 * TAI while ref counts UTC: the smaller reading wins. *ok is false for a
 * malformed PTP timestamp. */
int64_t stamp_ck_ts_offset(uint64_t ts, bool ptp, uint64_t ref_ns, bool *ok);

/* A timestamp off by the NTP-Unix epoch gap (70 years) was written from
 * the other format's epoch. Returns the hint for a failure detail, or "";
 * *raw is the offset from ref_ns without the TAI allowance. */
const char *stamp_ck_epoch_hint(uint64_t ts, bool ptp, uint64_t ref_ns,
                                int64_t *raw);

/* A wire timestamp against a capture clock, as the timestamp rows grade
 * it: d the stamp_ck_ts_offset() from the clock, shown the offset a
 * detail reports (the raw one where the epoch hint explains it). */
struct stamp_ck_ts_vs {
    int64_t d;
    int64_t shown;
    const char *hint; /* stamp_ck_epoch_hint(), or "" */
};

/* Fills *v for ts (format from errest's Z bit) against clock_ns; a
 * zero timestamp instead fails "seq N: <name> is zero (not set)" (not a
 * time in 2036: RFC 5905 §6), and a malformed PTP time "seq N: <name>
 * 0x... is not a PTPv2 time", into a and returns false. */
bool stamp_ck_ts_against(struct stamp_acc *a, uint32_t seq, const char *name,
                         uint64_t ts, uint16_t errest, uint64_t clock_ns,
                         struct stamp_ck_ts_vs *v);

/* The timestamp is within window of ref_ns (in its format). */
bool stamp_ck_ts_near(uint64_t ts, bool ptp, uint64_t ref_ns, uint64_t window);

/* A sender packet that reads as STAMP: Multiplier set and a timestamp in
 * its own format near the time the exchange happened. */
bool stamp_ck_req_plausible(const struct ippm_exchange *e,
                            const struct stamp_sender_pkt *p);

/* A request a reflector has no reason to drop. */
bool stamp_ck_req_valid(const struct ippm_obs *o, const struct ippm_exchange *e,
                        struct stamp_sender_pkt *p);

/* Shorter than the base, undecodable or implausible. */
bool stamp_ck_req_malformed(const struct ippm_obs *o,
                            const struct ippm_exchange *e);

/* Nanoseconds as seconds, for details. */
double stamp_ck_sec(int64_t ns);

/* Orders addresses and sessions (4-tuple, then SSID) for grouping. */
int stamp_ck_addr_cmp(const struct ippm_addr *a, const struct ippm_addr *b);
int stamp_ck_sess_key_cmp(const struct sess_item *a, const struct sess_item *b);

/* Exchanges with a reply that carries its Sequence Number, short ones
 * included (by_reply, ordered by when it was seen), or all
 * exchanges with a decodable request (ordered by arrival), grouped by
 * session: the 4-tuple, and with by_ssid the request's SSID too (RFC 8972
 * §3). Returns a malloc'd array (NULL when empty or out of memory). */
struct sess_item *stamp_ck_sessions(const struct ippm_obs *o, bool by_reply,
                                    bool by_ssid, size_t *n);

/* RFC 8972 TLVs other than Extra Padding (type 1) may legitimately be
 * rewritten by a reflector that supports them, and so may the flags of
 * any TLV a sender marked (U, M, I, RFC 8972 §4), Extra Padding's too.
 * Zero padding parses as type-0 TLVs and stays a plain copy; so does
 * padding that only looks like TLVs up to where the walk breaks, unless
 * a marked TLV of another type came first (a malformed TLV list, which
 * an RFC 8972 reflector flags with M). */
bool stamp_ck_extra_has_tlvs(const uint8_t *x, size_t len);

/* TLVs that change what a reply may be: an RFC 9503 §4.1.1 Control Code
 * 0x0 (no reply), a draft-ietf-ippm-asymmetrical-pkts Reflected Test
 * Packet Control TLV (another length, or none), an RFC 9534 Reflector
 * Micro-session ID (discarded unless the reflector's). The RFC 8762
 * length and answer cases leave such requests to the TLV cases. */
bool stamp_ck_req_shapes_reply(const struct ippm_obs *o,
                               const struct ippm_exchange *e);

/* Whether a timestamp reads, in the format its Z bit names, as a time
 * near ref; on failure writes why into why. */
bool stamp_ck_z_consistent(uint64_t ts, bool z, uint64_t ref, char *why,
                           size_t cap);

/* The region a row names in layout l: MBZ run arg->type (-1: none), from
 * the SSID field with STAMP_ROW_FROM_SSID. False when l has no such run. */
bool stamp_ck_mbz_region(const struct stamp_layout *l,
                         const struct ippm_case_arg *arg, size_t *off,
                         size_t *len);

/* stamp_ck_mbz_region() in the layout (*l) of the packet kind, for a
 * row whose mode (STAMP_ROW_AUTH) is the capture's. False, with the N/A
 * reason written into detail, when the region is not in this capture. */
bool stamp_ck_mbz_row(const struct ippm_obs *obs, enum stamp_pkt_kind kind,
                      const struct ippm_case_arg *arg, char *detail, size_t cap,
                      const struct stamp_layout **l, size_t *off, size_t *len);

/* N/A (with *stop set) in unauthenticated mode or without a key. */
enum ippm_verdict stamp_ck_na_auth(const struct ippm_obs *obs, char *detail,
                                   size_t cap, bool *stop);

/* N/A details of an MBZ row whose region the mode lacks. */
extern const char STAMP_CK_NA_NOT_AUTH[];
extern const char STAMP_CK_NA_NOT_OPEN[];

#endif
