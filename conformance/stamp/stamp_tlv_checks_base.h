/* Private to conformance/stamp/: what the STAMP TLV check files share,
 * defined in stamp_tlv_checks_base.c.
 *
 * STAMP TLV checks: RFC 8972 §4, RFC 9503, RFC 9534, and the drafts
 * draft-ietf-ippm-asymmetrical-pkts-14, draft-ietf-ippm-stamp-ext-hdr-07
 * and draft-gandhi-ippm-stamp-ber-05 (stamp-suite's code points).
 *
 * A request TLV is paired with the reply TLV of the same type and the
 * same rank among TLVs of that type: the reflector reflects TLVs in order,
 * and an asymmetrical reply may drop Extra Padding, so offsets alone do
 * not pair them. Checks that grade processing (U cleared, fields filled)
 * are N/A for a reflector that shows no RFC 8972 support at all, i.e.
 * returns every TLV exactly as sent (RFC 8972 §4 allows that: "A
 * Session-Reflector that does not support STAMP extensions will not
 * process but copy them"). */
#ifndef IPPM_STAMP_TLV_CHECKS_BASE_H
#define IPPM_STAMP_TLV_CHECKS_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/stamp/stamp_check_util.h"
#include "conformance/stamp/stamp_tlv_checks.h"

/* The TLV region of one packet: octets past the base. */
struct side {
    const uint8_t *p;
    size_t n;
};

/* 1 pass, 0 fail (why written), -1 not applicable. r NULL: the reply
 * has no TLV of the type at that rank. rule: the row's, for its data. */
typedef int (*pair_fn)(const struct stamp_tlv_rule *rule,
                       const struct ippm_obs *o, const struct ippm_exchange *e,
                       const struct stamp_tlv *q, const struct stamp_tlv *r,
                       char *why, size_t n);

/* Which requests stamp_tlvck_pairs() grades (row flags, and BADLEN:
 * only TLVs of a bad Length). */
enum {
    P_AWARE = STAMP_TLV_ROW_AWARE,
    P_WELLFORMED = STAMP_TLV_ROW_WELLFORMED,
    P_BADLEN = 4
};

/* 1 pass, 0 fail (why written), -1 not applicable: one request TLV t
 * of a sender packet whose region is q. rule: the row's, for its data. */
typedef int (*send_fn)(const struct stamp_tlv_rule *rule,
                       const struct ippm_obs *o, const struct ippm_exchange *e,
                       const struct side *q, const struct stamp_tlv *t,
                       char *why, size_t n);

/* see stamp_tlv_checks.h: what one row grades per TLV. */
struct stamp_tlv_rule {
    pair_fn pair;     /* reflector rows */
    send_fn send;     /* sender rows */
    const char *none; /* the N/A reason when no TLV was graded */
    /* Data for a body that several rules share, so that alike rules are
     * rows of data: what the body writes into a detail (a field's name,
     * or the whole failure), and which field or value it grades (each
     * such body says how it reads what and k). */
    const char *what;
    unsigned k;
    /* IPPM_PATH_* that rewrite what the rule grades: n/a when the path
     * is declared so, and a failure says the path may be the cause. */
    unsigned path;
};

/* PAIR(name) / SEND(name) define a pair_fn / send_fn. */
#define U_ __attribute__((unused))
#define PAIR(fn)                                                               \
    static int fn(                                                             \
        U_ const struct stamp_tlv_rule *rule, U_ const struct ippm_obs *o,     \
        U_ const struct ippm_exchange *e, U_ const struct stamp_tlv *q,        \
        U_ const struct stamp_tlv *r, U_ char *why, U_ size_t n)
#define SEND(fn)                                                               \
    static int fn(U_ const struct stamp_tlv_rule *rule,                        \
                  U_ const struct ippm_obs *o,                                 \
                  U_ const struct ippm_exchange *e, U_ const struct side *qs,  \
                  U_ const struct stamp_tlv *t, U_ char *why, U_ size_t n)
#define UNUSED4 (void)0

/* The TLVs past the base; false for none or RFC 8762 zero padding. */
bool stamp_tlvck_region(const struct ippm_obs *o, const uint8_t *pkt,
                        size_t len, struct side *s);

/* A type RFC 8972, RFC 9503, RFC 9534 or a draft allocates. */
bool stamp_tlvck_known_type(uint8_t type);

/* Walks cleanly and every TLV is well formed. */
bool stamp_tlvck_wellformed(const struct side *s);

/* The first malformation: a walk error or a bad Length. *type gets the
 * TLV's type (-1 for a walk error). */
bool stamp_tlvck_first_malformed(const struct side *s, size_t *off, int *type);

/* How many TLVs of this type the walk meets. */
unsigned stamp_tlvck_count_type(const struct side *s, uint8_t type);

/* Only Extra Padding after the first HMAC TLV (RFC 8972 §4.8); true
 * when there is none. */
bool stamp_tlvck_hmac_last(const struct side *s);

/* The k-th TLV of this type (from 0), as far as the walk goes. */
bool stamp_tlvck_nth(const struct side *s, uint8_t type, unsigned k,
                     struct stamp_tlv *out);

/* The flags of every TLV, ORed. */
uint8_t stamp_tlvck_flags_or(const struct side *s);

/* Did the reflector touch any TLV? A flags octet that differs at the
 * same offset is the mark of RFC 8972 processing. */
bool stamp_tlvck_aware(const struct ippm_obs *o);

/* No reply to a request carrying TLVs returns any octet past the base
 * (nothing, or zeros where the request's TLVs were): the reflector breaks
 * RFC 8762 §4.3 (STAMP-8762-4.3-02), and the TLV cases that read the
 * reflected octets cannot grade them. True with that N/A reason written
 * into d. */
bool stamp_tlvck_uncopied(const struct ippm_obs *o, char *d, size_t cap);

/* The reply's first TLV of this type came back with U = 1: the reflector
 * did not recognise it (RFC 8972 §4), so what it asks was not promised. */
bool stamp_tlvck_rep_tlv_u(const struct ippm_obs *o,
                           const struct ippm_exchange *e, uint8_t type);

/* a is the address in the n octets at v. */
bool stamp_tlvck_same_ip(const struct ippm_addr *a, const uint8_t *v, size_t n);

/* The HMAC TLV of a request verifies (or there is none / no key). */
bool stamp_tlvck_req_hmac_bad(const struct ippm_obs *o,
                              const struct ippm_exchange *e,
                              const struct side *q);

/* The previous exchange of the same session (4-tuple and SSID, RFC 8972
 * §3) with a reply, by reply time; by_req: by request time. */
const struct ippm_exchange *
stamp_tlvck_prev_in_session(const struct ippm_obs *o,
                            const struct ippm_exchange *e, bool by_req);

/* Reflector role: each request TLV of the type (all when type < 0)
 * with the reply TLV of the same type and rank, graded by rule->pair;
 * rule->none is the N/A reason when nothing was graded. */
enum ippm_verdict stamp_tlvck_pairs(const struct ippm_obs *o, char *d,
                                    size_t cap, int type, unsigned fl,
                                    const struct stamp_tlv_rule *rule);

/* The replies request e asked for and the reflector undertook: the
 * Number of Reflected Packets of its Reflected Test Packet Control TLV
 * when its reply's copy of the TLV has neither U nor C set
 * (draft-ietf-ippm-asymmetrical-pkts-14 §3), else 1. */
unsigned stamp_tlvck_asked_replies(const struct ippm_obs *o,
                                   const struct ippm_exchange *e);

/* The first TLV of this type in e's request, when the request is well
 * formed. */
bool stamp_tlvck_req_first(const struct ippm_obs *o,
                           const struct ippm_exchange *e, uint8_t type,
                           struct stamp_tlv *t);

/* Request e asked through its TLV of this type for no reply (the caller
 * picked it). A reply from a reflector that did not recognise the TLV
 * (no TLV processing at all, !aware, or U set) promised nothing: counts
 * *unrecognised, returns false. Else counts e into a and returns whether
 * a reply came anyway (the caller fails it). */
bool stamp_tlvck_replied_anyway(const struct ippm_obs *o,
                                const struct ippm_exchange *e, uint8_t type,
                                bool aware, struct stamp_acc *a,
                                unsigned *unrecognised);

/* Fails a pair or a send: writes why from fmt, returns 0. */
int stamp_tlvck_fail(char *why, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fails a pair whose reply lacks the TLV: writes why, returns 0. */
int stamp_tlvck_missing(uint8_t type, char *why, size_t n);

/* N/A details: no TLV processing seen; the TLV was not recognised. */
extern const char STAMP_TLVCK_NOT_AWARE[];
extern const char STAMP_TLVCK_UNRECOGNISED[];

/* A Length (and nested sub-TLVs) the type allows. */
bool stamp_tlvck_tlv_ok(const struct stamp_tlv *t);

/* Malformed requests: M at the offset where the malformation starts.
 * type < 0: any; else only when the first malformation is that type. */
enum ippm_verdict stamp_tlvck_malformed(const struct ippm_obs *o, char *d,
                                        size_t cap, int type, bool remainder);

#endif
