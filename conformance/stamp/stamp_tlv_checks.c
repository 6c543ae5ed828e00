/* STAMP TLV checks: RFC 8972 §4, RFC 9503, RFC 9534, and the drafts
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
#include "stamp_tlv_checks.h"

#include "stamp_check_util.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"

static const char NOT_AWARE[] =
    "no reply shows RFC 8972 TLV processing (every TLV came back exactly "
    "as sent): the reflector does not support TLVs";

/* ---- packets and TLV regions ---- */

struct side {
    const uint8_t *p;
    size_t n;
};

/* The TLVs past the base; false for none or RFC 8762 zero padding. */
static bool region(const struct ippm_obs *o, const uint8_t *pkt, size_t len,
                   struct side *s)
{
    size_t b = stamp_obs_base(o);
    s->p = NULL;
    s->n = 0;
    if (!pkt || len <= b || stamp_tlv_all_zero(pkt + b, len - b))
        return false;
    s->p = pkt + b;
    s->n = len - b;
    return true;
}

static bool sub_walk_ok(const uint8_t *p, size_t n, bool location)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    stamp_tlv_iter_init(&it, p, n);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK) {
        if (location) {
            size_t want = stamp_loc_sub_len(t.type);
            if (want && t.len != want)
                return false;
        } else if (stamp_rp_sub_check(&t) == IPPM_ERR_BAD_VALUE) {
            return false;
        }
    }
    return e == IPPM_ERR_DONE;
}

/* A Length (and nested sub-TLVs) the type allows. */
static bool tlv_ok(const struct stamp_tlv *t)
{
    switch (t->type) {
    case STAMP_TLV_LOCATION:
        return t->len >= 4 && sub_walk_ok(t->value + 4, t->len - 4u, true);
    case STAMP_TLV_TSINFO:
        return t->len >= 4;
    case STAMP_TLV_COS:
    case STAMP_TLV_ACCESS:
    case STAMP_TLV_MICRO_SESSION:
    case STAMP_TLV_BER_COUNT:
    case STAMP_TLV_BER_BURST:
        return t->len == 4;
    case STAMP_TLV_DIRECT:
        return t->len == 12;
    case STAMP_TLV_FOLLOWUP:
    case STAMP_TLV_HMAC:
        return t->len == 16;
    case STAMP_TLV_DEST_ADDR:
        return t->len == 4 || t->len == 16;
    case STAMP_TLV_RETURN_PATH:
        return t->len && sub_walk_ok(t->value, t->len, false);
    case STAMP_TLV_REFL_CONTROL:
        return t->len >= 12;
    case STAMP_TLV_BER_PATTERN:
        return t->len > 0;
    }
    return true;
}

static bool known_type(uint8_t type)
{
    return (type >= STAMP_TLV_PADDING && type <= STAMP_TLV_REFL_CONTROL) ||
           type == STAMP_TLV_BER_PATTERN || type == STAMP_TLV_BER_COUNT ||
           type == STAMP_TLV_BER_BURST || type == STAMP_TLV_EXT_HDR ||
           type == STAMP_TLV_IP_HDR;
}

/* Walks cleanly and every TLV is well formed. */
static bool wellformed(const struct side *s)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    stamp_tlv_iter_init(&it, s->p, s->n);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK)
        if (!tlv_ok(&t))
            return false;
    return e == IPPM_ERR_DONE;
}

/* The first malformation: a walk error or a bad Length. *type gets the
 * TLV's type (-1 for a walk error). */
static bool first_malformed(const struct side *s, size_t *off, int *type)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    stamp_tlv_iter_init(&it, s->p, s->n);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK)
        if (!tlv_ok(&t)) {
            *off = t.off;
            *type = t.type;
            return true;
        }
    if (e == IPPM_ERR_DONE)
        return false;
    *off = t.off;
    *type = -1;
    return true;
}

static unsigned count_type(const struct side *s, uint8_t type)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    unsigned n = 0;
    stamp_tlv_iter_init(&it, s->p, s->n);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        n += t.type == type;
    return n;
}

/* The k-th TLV of this type (from 0), as far as the walk goes. */
static bool nth(const struct side *s, uint8_t type, unsigned k,
                struct stamp_tlv *out)
{
    struct stamp_tlv_iter it;
    stamp_tlv_iter_init(&it, s->p, s->n);
    while (stamp_tlv_next(&it, out) == IPPM_OK)
        if (out->type == type && k-- == 0)
            return true;
    return false;
}

static uint8_t flags_or(const struct side *s)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    uint8_t f = 0;
    stamp_tlv_iter_init(&it, s->p, s->n);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        f |= t.flags;
    return f;
}

/* Did the reflector touch any TLV? A flags octet that differs at the
 * same offset is the mark of RFC 8972 processing. */
static bool aware(const struct ippm_obs *o)
{
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        struct side q, r;
        if (!region(o, e->req, e->req_len, &q) ||
            !region(o, e->rep, e->rep_len, &r))
            continue;
        struct stamp_tlv_iter it;
        struct stamp_tlv t;
        stamp_tlv_iter_init(&it, q.p, q.n);
        while (stamp_tlv_next(&it, &t) == IPPM_OK)
            if (t.off < r.n && r.p[t.off] != q.p[t.off])
                return true;
        if (r.n != q.n)
            return true;
    }
    return false;
}

/* The reply's first TLV of this type came back with U = 1: the reflector
 * did not recognise it (RFC 8972 §4), so what it asks was not promised. */
static bool rep_tlv_u(const struct ippm_obs *o, const struct ippm_exchange *e,
                      uint8_t type)
{
    struct side r;
    struct stamp_tlv t;
    return region(o, e->rep, e->rep_len, &r) && nth(&r, type, 0, &t) &&
           (t.flags & STAMP_TLV_U);
}

static const char UNRECOGNISED[] =
    "the reflector answered, copying the TLV as sent or with U = 1: it does "
    "not recognise it (RFC 8972 §4), so it need not follow it";

static bool same_ip(const struct ippm_addr *a, const uint8_t *v, size_t n)
{
    size_t l = a->family == IPPM_AF_INET    ? 4
               : a->family == IPPM_AF_INET6 ? 16
                                            : 0;
    return l && l == n && memcmp(a->ip, v, l) == 0;
}

/* The HMAC TLV of a request verifies (or there is none / no key). */
static bool req_hmac_bad(const struct ippm_obs *o,
                         const struct ippm_exchange *e, const struct side *q)
{
    struct stamp_tlv t;
    if (!stamp_obs_has_key(o) || !nth(q, STAMP_TLV_HMAC, 0, &t) || t.len != 16)
        return false;
    struct stamp_key k = stamp_obs_key(o);
    return stamp_tlv_hmac_check(&k, e->req, e->req_len, stamp_obs_base(o), t.off) !=
           IPPM_OK;
}

/* The previous exchange of the same session (4-tuple and SSID, RFC 8972
 * §3) with a reply, by reply time; by_req: by request time. */
static const struct ippm_exchange *
prev_in_session(const struct ippm_obs *o, const struct ippm_exchange *e,
                bool by_req)
{
    const struct ippm_exchange *best = NULL;
    const struct stamp_span *sf =
        &stamp_obs_layout(o, STAMP_PKT_SENDER)->field[STAMP_F_SSID];
    size_t ssid_end = (size_t)sf->off + sf->len;
    uint16_t ssid = e->req_len >= ssid_end ? ippm_load_u16(e->req + sf->off)
                                           : 0;
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *x = &o->ex[i];
        if (x == e || !x->req || x->req_len < ssid_end || (!by_req && !x->rep))
            continue;
        if (!ippm_addr_equal(&x->req_src, &e->req_src) ||
            !ippm_addr_equal(&x->req_dst, &e->req_dst) ||
            ippm_load_u16(x->req + sf->off) != ssid)
            continue;
        uint64_t tx = by_req ? x->req_ns : x->rep_ns;
        uint64_t te = by_req ? e->req_ns : e->rep_ns;
        if (tx < te && (!best || tx > (by_req ? best->req_ns : best->rep_ns)))
            best = x;
    }
    return best;
}

/* ---- the two iterations ---- */

/* 1 pass, 0 fail (why written), -1 not applicable. r NULL: the reply
 * has no TLV of the type at that rank. */
typedef int (*pair_fn)(const struct ippm_obs *o, const struct ippm_exchange *e,
                       const struct stamp_tlv *q, const struct stamp_tlv *r,
                       char *why, size_t n);

enum {
    P_AWARE = STAMP_TLV_ROW_AWARE,
    P_WELLFORMED = STAMP_TLV_ROW_WELLFORMED,
    P_BADLEN = 4
};

static enum ippm_verdict pairs(const struct ippm_obs *o, char *d, size_t cap,
                               int type, unsigned fl, pair_fn fn,
                               const char *none)
{
    if ((fl & P_AWARE) && !aware(o))
        return stamp_na(d, cap, NOT_AWARE);
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        struct side q, r;
        if (!e->rep || !region(o, e->req, e->req_len, &q))
            continue;
        region(o, e->rep, e->rep_len, &r);
        if ((fl & P_WELLFORMED) &&
            (!wellformed(&q) || (flags_or(&r) & STAMP_TLV_I) ||
             req_hmac_bad(o, e, &q)))
            continue;
        struct stamp_tlv_iter it;
        struct stamp_tlv t, rt;
        unsigned rank[256] = {0};
        stamp_tlv_iter_init(&it, q.p, q.n);
        while (stamp_tlv_next(&it, &t) == IPPM_OK) {
            unsigned k = rank[t.type]++;
            if (type >= 0 && t.type != type)
                continue;
            if ((fl & P_BADLEN) && tlv_ok(&t))
                continue;
            bool hr = nth(&r, t.type, k, &rt);
            char why[200] = "";
            int v = fn(o, e, &t, hr ? &rt : NULL, why, sizeof why);
            if (v < 0)
                continue;
            a.n++;
            if (!v)
                stamp_acc_fail(&a, "seq %" PRIu32 ": %s", stamp_req_seq(e), why);
        }
    }
    return stamp_acc_end(&a, none);
}

/* Sender role: every request TLV of the type (all when type < 0). */
typedef int (*send_fn)(const struct ippm_obs *o, const struct ippm_exchange *e,
                       const struct side *q, const struct stamp_tlv *t,
                       char *why, size_t n);

static enum ippm_verdict sends(const struct ippm_obs *o, char *d, size_t cap,
                               int type, send_fn fn, const char *none)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        struct side q;
        if (!region(o, e->req, e->req_len, &q))
            continue;
        struct stamp_tlv_iter it;
        struct stamp_tlv t;
        stamp_tlv_iter_init(&it, q.p, q.n);
        while (stamp_tlv_next(&it, &t) == IPPM_OK) {
            if (type >= 0 && t.type != type)
                continue;
            char why[200] = "";
            int v = fn(o, e, &q, &t, why, sizeof why);
            if (v < 0)
                continue;
            a.n++;
            if (!v)
                stamp_acc_fail(&a, "seq %" PRIu32 ": %s", stamp_req_seq(e), why);
        }
    }
    return stamp_acc_end(&a, none);
}

/* see stamp_tlv_checks.h */
struct stamp_tlv_rule {
    pair_fn pair;     /* reflector rows */
    send_fn send;     /* sender rows */
    const char *none; /* the N/A reason when no TLV was graded */
};

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_pairs)
{
    const struct stamp_tlv_rule *rule = arg->data;
    if ((arg->flags & STAMP_TLV_ROW_STATELESS) && stamp_obs_stateful(obs, NULL))
        return stamp_na(detail, cap, "the reflector is stateful");
    if ((arg->flags & STAMP_TLV_ROW_STATEFUL) && !stamp_obs_stateful(obs, NULL))
        return stamp_na(detail, cap, "the reflector is stateless");
    return pairs(obs, detail, cap, arg->type,
                 arg->flags & (P_AWARE | P_WELLFORMED), rule->pair,
                 rule->none);
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_sends)
{
    const struct stamp_tlv_rule *rule = arg->data;
    return sends(obs, detail, cap, arg->type, rule->send, rule->none);
}

#define U_ __attribute__((unused))
#define PAIR(fn)                                                               \
    static int fn(U_ const struct ippm_obs *o,                                 \
                  U_ const struct ippm_exchange *e,                            \
                  U_ const struct stamp_tlv *q, U_ const struct stamp_tlv *r,  \
                  U_ char *why, U_ size_t n)
#define SEND(fn)                                                               \
    static int fn(U_ const struct ippm_obs *o,                                 \
                  U_ const struct ippm_exchange *e, U_ const struct side *qs,  \
                  U_ const struct stamp_tlv *t, U_ char *why, U_ size_t n)
#define UNUSED4 (void)0

static int missing(uint8_t type, char *why, size_t n)
{
    snprintf(why, n,
             "the reply has no type-%u TLV for the request's "
             "(expected it reflected)",
             type);
    return 0;
}

/* ================= RFC 8972 §4: flags and the walk ================= */

PAIR(p_u_unknown)
{
    UNUSED4;
    if (known_type(q->type))
        return -1;
    if (!r)
        return missing(q->type, why, n);
    if (!(r->flags & STAMP_TLV_U)) {
        snprintf(why, n,
                 "unrecognised type %u came back with U = 0 "
                 "(expected U = 1)",
                 q->type);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_u_unknown = {
    .pair = p_u_unknown,
    .none = "no request carried a TLV of an unallocated type"};

/* Types whose well-formed TLV every RFC 8972 reflector processes. */
static bool always_processed(uint8_t type)
{
    return type == STAMP_TLV_PADDING || type == STAMP_TLV_LOCATION ||
           type == STAMP_TLV_TSINFO || type == STAMP_TLV_COS ||
           type == STAMP_TLV_DIRECT || type == STAMP_TLV_FOLLOWUP;
}

PAIR(p_u_cleared)
{
    UNUSED4;
    if (!always_processed(q->type))
        return -1;
    if (!r)
        return missing(q->type, why, n);
    if (r->flags & STAMP_TLV_U) {
        snprintf(why, n,
                 "well-formed type-%u TLV came back with U = 1 "
                 "(expected 0: an RFC 8972 TLV)",
                 q->type);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_u_cleared = {
    .pair = p_u_cleared,
    .none = "no well-formed request carried RFC 8972 §4.1-§4.7 TLVs"};

/* Malformed requests: M at the offset where the malformation starts.
 * type < 0: any; else only when the first malformation is that type. */
static enum ippm_verdict malformed(const struct ippm_obs *o, char *d,
                                   size_t cap, int type, bool remainder)
{
    if (!aware(o))
        return stamp_na(d, cap, NOT_AWARE);
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        struct side q, r;
        size_t off;
        int mt;
        if (!e->rep || !region(o, e->req, e->req_len, &q) ||
            count_type(&q, STAMP_TLV_REFL_CONTROL) ||
            !first_malformed(&q, &off, &mt) || (type >= 0 && mt != type))
            continue;
        /* §4.7 has the reflector zero a malformed Follow-Up TLV's fields:
         * no plain copy to grade there. */
        if (remainder && mt == STAMP_TLV_FOLLOWUP)
            continue;
        region(o, e->rep, e->rep_len, &r);
        a.n++;
        if (r.n <= off) {
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": the reply ends before the "
                     "malformed TLV at offset %zu (expected it copied, M = 1)",
                     stamp_req_seq(e), off);
        } else if (!remainder && !(r.p[off] & STAMP_TLV_M)) {
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": malformed %s at TLV offset %zu "
                     "came back with flags 0x%02x (expected M = 1)",
                     stamp_req_seq(e), mt < 0 ? "TLV list" : "TLV", off, r.p[off]);
        } else if (remainder) {
            size_t m = r.n < q.n ? r.n : q.n;
            size_t k = off + 1;
            while (k < m && r.p[k] == q.p[k])
                k++;
            if (k < q.n)
                stamp_acc_fail(&a,
                         "seq %" PRIu32 ": octet %zu past the base "
                         "differs from the request's after the malformed "
                         "TLV at %zu (expected the remainder copied)",
                         stamp_req_seq(e), k, off);
        }
    }
    return stamp_acc_end(&a, type < 0 ? "no request carried a malformed TLV"
                                : "no request carried that TLV malformed");
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_malformed)
{
    return malformed(obs, detail, cap, arg->type,
                     (arg->flags & STAMP_TLV_ROW_REMAINDER) != 0);
}



PAIR(p_m_cleared)
{
    UNUSED4;
    if (!r)
        return -1;
    if (r->flags & STAMP_TLV_M) {
        snprintf(why, n,
                 "type-%u TLV of a well-formed request came back "
                 "with M = 1 (expected 0)",
                 q->type);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_m_cleared = {
    .pair = p_m_cleared,
    .none = "no well-formed request with TLVs was answered"};

/* see stamp_tlv_checks.h */
STAMP_CHECK(tlvchk_refl_i_cleared)
{
    if (obs->auth)
        return stamp_na(detail, cap, "authenticated mode: HMAC TLV cases grade I");
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct side q, r;
        if (!e->rep || !region(obs, e->req, e->req_len, &q) ||
            count_type(&q, STAMP_TLV_HMAC) || !wellformed(&q))
            continue;
        region(obs, e->rep, e->rep_len, &r);
        a.n++;
        if (flags_or(&r) & STAMP_TLV_I)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": a TLV came back with I = 1, the "
                     "request had no HMAC TLV (expected I = 0)",
                     stamp_req_seq(e));
    }
    return stamp_acc_end(&a, "no well-formed open-mode request without HMAC TLV");
}

PAIR(p_unknown_copied)
{
    UNUSED4;
    if (known_type(q->type))
        return -1;
    if (!r)
        return missing(q->type, why, n);
    if (r->len != q->len || (q->len && memcmp(r->value, q->value, q->len))) {
        snprintf(why, n,
                 "unrecognised type-%u TLV came back with %u "
                 "octets of value that differ from the %u sent "
                 "(expected a copy)",
                 q->type, r->len, q->len);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_unknown_copied = {
    .pair = p_unknown_copied,
    .none = "no request carried a TLV of an unallocated type"};

PAIR(p_reserved_flags)
{
    UNUSED4;
    if (!r)
        return -1;
    uint8_t mask = r->type == STAMP_TLV_REFL_CONTROL ? 0x0f : 0x1f;
    if (r->flags & mask) {
        snprintf(why, n,
                 "type-%u TLV flags 0x%02x have reserved bits set "
                 "(expected 0)",
                 r->type, r->flags);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_reserved_flags = {
    .pair = p_reserved_flags,
    .none = "no well-formed request with TLVs"};

/* see stamp_tlv_checks.h */
STAMP_CHECK(tlvchk_refl_in_order)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct side q, r;
        if (!e->rep || !region(obs, e->req, e->req_len, &q) ||
            !wellformed(&q) || count_type(&q, STAMP_TLV_REFL_CONTROL))
            continue;
        region(obs, e->rep, e->rep_len, &r);
        struct stamp_tlv_iter iq, ir;
        struct stamp_tlv tq, tr;
        stamp_tlv_iter_init(&iq, q.p, q.n);
        stamp_tlv_iter_init(&ir, r.p, r.n);
        a.n++;
        unsigned k = 0;
        while (stamp_tlv_next(&iq, &tq) == IPPM_OK) {
            if (stamp_tlv_next(&ir, &tr) != IPPM_OK || tr.type != tq.type ||
                tr.len != tq.len) {
                stamp_acc_fail(&a,
                         "seq %" PRIu32 ": TLV %u is type %u length %u "
                         "in the request, not so in the reply (expected "
                         "the same TLVs in the same order)",
                         stamp_req_seq(e), k, tq.type, tq.len);
                break;
            }
            k++;
        }
    }
    return stamp_acc_end(&a, "no well-formed request with TLVs was answered");
}

SEND(s_u_set)
{
    UNUSED4;
    (void)qs;
    if (!(t->flags & STAMP_TLV_U)) {
        snprintf(why, n, "type-%u TLV sent with U = 0 (expected 1)", t->type);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_u_set = {
    .send = s_u_set,
    .none = "no packet carried TLVs"};

SEND(s_m_clear)
{
    UNUSED4;
    (void)qs;
    if (t->flags & STAMP_TLV_M) {
        snprintf(why, n, "type-%u TLV sent with M = 1 (expected 0)", t->type);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_m_clear = {
    .send = s_m_clear,
    .none = "no packet carried TLVs"};

SEND(s_i_clear)
{
    UNUSED4;
    (void)qs;
    if (t->flags & STAMP_TLV_I) {
        snprintf(why, n, "type-%u TLV sent with I = 1 (expected 0)", t->type);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_i_clear = {
    .send = s_i_clear,
    .none = "no packet carried TLVs"};

SEND(s_reserved_flags)
{
    UNUSED4;
    (void)qs;
    /* C belongs to the reflector too (asymmetrical-pkts-14 §3). */
    if (t->flags & 0x1f) {
        snprintf(why, n,
                 "type-%u TLV sent with flags 0x%02x: reserved bits "
                 "set (expected 0)",
                 t->type, t->flags);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_reserved_flags = {
    .send = s_reserved_flags,
    .none = "no packet carried TLVs"};

/* ================= §4.1 Extra Padding, §4.2 Location ================= */

PAIR(p_padding_len)
{
    UNUSED4;
    struct side q2;
    if (!region(o, e->req, e->req_len, &q2) ||
        count_type(&q2, STAMP_TLV_REFL_CONTROL))
        return -1;
    if (!r)
        return missing(q->type, why, n);
    if (r->len != q->len) {
        snprintf(why, n,
                 "Extra Padding of %u octets came back with %u "
                 "(expected the same length)",
                 q->len, r->len);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_padding_len = {
    .pair = p_padding_len,
    .none = "no request carried an Extra Padding TLV"};

PAIR(p_loc_len)
{
    UNUSED4;
    if (!r)
        return missing(q->type, why, n);
    if (r->len != q->len) {
        snprintf(why, n,
                 "Location TLV of %u octets came back with %u "
                 "(expected equal)",
                 q->len, r->len);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_len = {
    .pair = p_loc_len,
    .none = "no request carried a well-formed Location TLV"};

PAIR(p_loc_ports)
{
    UNUSED4;
    if (!r || r->len < 4 || e->req_src.family == IPPM_AF_NONE ||
        e->req_dst.family == IPPM_AF_NONE)
        return -1;
    uint16_t dp = ippm_load_u16(r->value), sp = ippm_load_u16(r->value + 2);
    if (dp != e->req_dst.port || sp != e->req_src.port) {
        snprintf(why, n,
                 "Location ports %u/%u, the request went %u -> %u "
                 "(expected Destination Port %u, Source Port %u)",
                 dp, sp, e->req_src.port, e->req_dst.port, e->req_dst.port,
                 e->req_src.port);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_ports = {
    .pair = p_loc_ports,
    .none = "no Location TLV with known addresses"};

SEND(s_loc_zero)
{
    UNUSED4;
    (void)qs;
    if (t->len < 4)
        return -1;
    bool bad = ippm_load_u16(t->value) || ippm_load_u16(t->value + 2);
    struct stamp_tlv_iter it;
    struct stamp_tlv s;
    stamp_tlv_iter_init(&it, t->value + 4, t->len - 4u);
    while (stamp_tlv_next(&it, &s) == IPPM_OK)
        bad |= s.len && !stamp_tlv_all_zero(s.value, s.len);
    if (bad) {
        snprintf(why, n,
                 "Location TLV sent with a port or a sub-TLV value "
                 "filled in (expected zeros)");
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_loc_zero = {
    .send = s_loc_zero,
    .none = "no packet carried a Location TLV"};

/* Location sub-TLV pairs: the i-th sub-TLV of each. */
typedef int (*sub_fn)(const struct ippm_exchange *e, const struct stamp_tlv *qs,
                      const struct stamp_tlv *rs, char *why, size_t n);

static int loc_subs(const struct ippm_exchange *e, const struct stamp_tlv *q,
                    const struct stamp_tlv *r, uint8_t want, sub_fn fn,
                    char *why, size_t n)
{
    if (!r)
        return missing(q->type, why, n);
    if (r->len != q->len)
        return -1;
    struct stamp_tlv_iter iq, ir;
    struct stamp_tlv sq, sr;
    int res = -1;
    stamp_tlv_iter_init(&iq, q->value + 4, q->len - 4u);
    stamp_tlv_iter_init(&ir, r->value + 4, r->len - 4u);
    while (stamp_tlv_next(&iq, &sq) == IPPM_OK) {
        bool hr = stamp_tlv_next(&ir, &sr) == IPPM_OK;
        if (sq.type != want && want)
            continue;
        if (!hr) {
            snprintf(why, n,
                     "Location sub-TLV %u has no counterpart in "
                     "the reply",
                     sq.type);
            return 0;
        }
        res = fn(e, &sq, &sr, why, n);
        if (res == 0)
            return 0;
    }
    return res;
}

static uint8_t fam_type(const struct ippm_addr *src, uint8_t v4, uint8_t v6)
{
    return src->family == IPPM_AF_INET6 ? v6 : v4;
}

static int sf_dst_family(const struct ippm_exchange *e,
                         const struct stamp_tlv *qs, const struct stamp_tlv *rs,
                         char *why, size_t n)
{
    (void)qs;
    if (e->req_src.family == IPPM_AF_NONE)
        return -1;
    uint8_t want =
        fam_type(&e->req_src, STAMP_LOC_DST_IPV4, STAMP_LOC_DST_IPV6);
    if (rs->type != want) {
        snprintf(why, n,
                 "Destination IP Address answered with sub-TLV "
                 "type %u (expected %u for the request's family)",
                 rs->type, want);
        return 0;
    }
    return 1;
}

static int sf_dst_value(const struct ippm_exchange *e,
                        const struct stamp_tlv *qs, const struct stamp_tlv *rs,
                        char *why, size_t n)
{
    (void)qs;
    if (e->req_dst.family == IPPM_AF_NONE || rs->len != 16)
        return -1;
    size_t l = e->req_dst.family == IPPM_AF_INET ? 4 : 16;
    if (memcmp(rs->value, e->req_dst.ip, l) != 0) {
        snprintf(why, n,
                 "Destination address sub-TLV does not hold the "
                 "address the request was sent to");
        return 0;
    }
    return 1;
}

static int sf_src_family(const struct ippm_exchange *e,
                         const struct stamp_tlv *qs, const struct stamp_tlv *rs,
                         char *why, size_t n)
{
    (void)qs;
    if (e->req_src.family == IPPM_AF_NONE)
        return -1;
    uint8_t want =
        fam_type(&e->req_src, STAMP_LOC_SRC_IPV4, STAMP_LOC_SRC_IPV6);
    if (rs->type != want) {
        snprintf(why, n,
                 "Source IP Address answered with sub-TLV type %u "
                 "(expected %u for the request's family)",
                 rs->type, want);
        return 0;
    }
    return 1;
}

static int sf_src_value(const struct ippm_exchange *e,
                        const struct stamp_tlv *qs, const struct stamp_tlv *rs,
                        char *why, size_t n)
{
    (void)qs;
    if (e->req_src.family == IPPM_AF_NONE || rs->len != 16)
        return -1;
    size_t l = e->req_src.family == IPPM_AF_INET ? 4 : 16;
    if (memcmp(rs->value, e->req_src.ip, l) != 0) {
        snprintf(why, n,
                 "Source address sub-TLV does not hold the "
                 "request's source address");
        return 0;
    }
    return 1;
}

static int sf_mac(const struct ippm_exchange *e, const struct stamp_tlv *qs,
                  const struct stamp_tlv *rs, char *why, size_t n)
{
    (void)e, (void)qs;
    if ((rs->type != STAMP_LOC_SRC_EUI48 && rs->type != STAMP_LOC_SRC_EUI64) ||
        rs->len != 8) {
        snprintf(why, n,
                 "Source MAC Address answered with sub-TLV type %u "
                 "length %u (expected EUI-48 or EUI-64, length 8)",
                 rs->type, rs->len);
        return 0;
    }
    return 1;
}

static int sf_i(const struct ippm_exchange *e, const struct stamp_tlv *qs,
                const struct stamp_tlv *rs, char *why, size_t n)
{
    (void)e, (void)qs;
    if (rs->flags & STAMP_TLV_I) {
        snprintf(why, n,
                 "Location sub-TLV type %u came back with I = 1 "
                 "(expected 0)",
                 rs->type);
        return 0;
    }
    return 1;
}

PAIR(p_loc_dst_family)
{
    (void)o;
    return loc_subs(e, q, r, STAMP_LOC_DST_IP, sf_dst_family, why, n);
}
PAIR(p_loc_dst_value)
{
    (void)o;
    return loc_subs(e, q, r, STAMP_LOC_DST_IP, sf_dst_value, why, n);
}
PAIR(p_loc_src_family)
{
    (void)o;
    return loc_subs(e, q, r, STAMP_LOC_SRC_IP, sf_src_family, why, n);
}
PAIR(p_loc_src_value)
{
    (void)o;
    return loc_subs(e, q, r, STAMP_LOC_SRC_IP, sf_src_value, why, n);
}
PAIR(p_loc_mac)
{
    (void)o;
    return loc_subs(e, q, r, STAMP_LOC_SRC_MAC, sf_mac, why, n);
}
PAIR(p_loc_sub_i)
{
    (void)o;
    return loc_subs(e, q, r, 0, sf_i, why, n);
}

/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_dst_family = {
    .pair = p_loc_dst_family,
    .none = "no Location TLV asked for the Destination IP Address"};
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_dst_value = {
    .pair = p_loc_dst_value,
    .none = "no Location TLV asked for the Destination IP Address"};
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_src_family = {
    .pair = p_loc_src_family,
    .none = "no Location TLV asked for the Source IP Address"};
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_src_value = {
    .pair = p_loc_src_value,
    .none = "no Location TLV asked for the Source IP Address"};
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_mac = {
    .pair = p_loc_mac,
    .none = "no Location TLV asked for the Source MAC Address"};
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_sub_i = {
    .pair = p_loc_sub_i,
    .none = "no Location TLV with sub-TLVs"};


SEND(s_loc_sub_i)
{
    UNUSED4;
    (void)qs;
    if (t->len < 4)
        return -1;
    struct stamp_tlv_iter it;
    struct stamp_tlv s;
    int res = -1;
    stamp_tlv_iter_init(&it, t->value + 4, t->len - 4u);
    while (stamp_tlv_next(&it, &s) == IPPM_OK) {
        res = 1;
        if (s.flags & STAMP_TLV_I) {
            snprintf(why, n,
                     "Location sub-TLV type %u sent with I = 1 "
                     "(expected 0)",
                     s.type);
            return 0;
        }
    }
    return res;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_loc_sub_i = {
    .send = s_loc_sub_i,
    .none = "no packet carried a Location TLV with sub-TLVs"};

/* ================= §4.3 Timestamp Information ================= */

static bool code_ok(uint8_t v)
{
    return v != 0 && v != 255;
}

PAIR(p_ts_sync)
{
    UNUSED4;
    (void)q;
    struct stamp_tlv_tsinfo ti;
    if (!r)
        return missing(STAMP_TLV_TSINFO, why, n);
    if (stamp_tlv_tsinfo_decode(r, &ti) != IPPM_OK)
        return -1;
    if (!code_ok(ti.sync_in) || !code_ok(ti.sync_out)) {
        snprintf(why, n,
                 "Sync Src In %u, Out %u (expected values of Table "
                 "7, not the reserved 0 or 255)",
                 ti.sync_in, ti.sync_out);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ts_sync = {
    .pair = p_ts_sync,
    .none = "no request carried a Timestamp Information TLV"};

PAIR(p_ts_method)
{
    UNUSED4;
    (void)q;
    struct stamp_tlv_tsinfo ti;
    if (!r)
        return missing(STAMP_TLV_TSINFO, why, n);
    if (stamp_tlv_tsinfo_decode(r, &ti) != IPPM_OK)
        return -1;
    if (!code_ok(ti.ts_in) || !code_ok(ti.ts_out)) {
        snprintf(why, n,
                 "Timestamp In %u, Out %u (expected values of "
                 "Table 9, not the reserved 0 or 255)",
                 ti.ts_in, ti.ts_out);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ts_method = {
    .pair = p_ts_method,
    .none = "no request carried a Timestamp Information TLV"};


SEND(s_ts_zero)
{
    UNUSED4;
    (void)qs;
    if (t->len >= 4 && !stamp_tlv_all_zero(t->value, 4)) {
        snprintf(why, n,
                 "Timestamp Information sent with fields filled in "
                 "(expected zeros)");
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_ts_zero = {
    .send = s_ts_zero,
    .none = "no packet carried a Timestamp Information TLV"};

/* ================= §4.4 Class of Service ================= */

PAIR(p_present)
{
    UNUSED4;
    return r ? 1 : missing(q->type, why, n);
}

/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_present = {
    .pair = p_present,
    .none = "no request carried a CoS TLV"};

PAIR(p_cos_dscp2)
{
    (void)o, (void)q;
    struct stamp_tlv_cos c;
    if (!e->tos_known)
        return -1;
    if (!r)
        return missing(STAMP_TLV_COS, why, n);
    if (stamp_tlv_cos_decode(r, &c) != IPPM_OK)
        return -1;
    if (c.dscp2 != e->req_tos >> 2 || c.ecn != (e->req_tos & 3)) {
        snprintf(why, n,
                 "DSCP2 %u, ECN %u; the request arrived with DSCP "
                 "%u, ECN %u (expected those)",
                 c.dscp2, c.ecn, e->req_tos >> 2, e->req_tos & 3);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_dscp2 = {
    .pair = p_cos_dscp2,
    .none = "no CoS TLV whose request TOS is known"};

PAIR(p_cos_dscp1_used)
{
    (void)o;
    struct stamp_tlv_cos cq, cr;
    if (!e->tos_known || !r || stamp_tlv_cos_decode(q, &cq) != IPPM_OK ||
        stamp_tlv_cos_decode(r, &cr) != IPPM_OK || cr.rp != 0)
        return -1;
    if (e->rep_tos >> 2 != cq.dscp1) {
        snprintf(why, n,
                 "RP = 0 but the reply carried DSCP %u (expected "
                 "DSCP1 = %u)",
                 e->rep_tos >> 2, cq.dscp1);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_dscp1_used = {
    .pair = p_cos_dscp1_used,
    .none = "no CoS reply with RP = 0 and known TOS"};

PAIR(p_cos_rp)
{
    (void)o, (void)q;
    struct stamp_tlv_cos cr;
    if (!e->tos_known || !r || stamp_tlv_cos_decode(r, &cr) != IPPM_OK ||
        cr.rp == 0)
        return -1;
    if (cr.rp != 1 || e->rep_tos >> 2 != e->req_tos >> 2) {
        snprintf(why, n,
                 "RP = %u, reply DSCP %u, request DSCP %u (expected "
                 "RP = 1 and the request's DSCP)",
                 cr.rp, e->rep_tos >> 2, e->req_tos >> 2);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_rp = {
    .pair = p_cos_rp,
    .none = "no CoS reply refused DSCP1 (RP set)"};

SEND(s_cos_rp)
{
    UNUSED4;
    (void)qs;
    struct stamp_tlv_cos c;
    if (stamp_tlv_cos_decode(t, &c) != IPPM_OK)
        return -1;
    if (c.rp) {
        snprintf(why, n, "CoS TLV sent with RP = %u (expected 0)", c.rp);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_cos_rp = {
    .send = s_cos_rp,
    .none = "no packet carried a CoS TLV"};

PAIR(p_cos_reserved)
{
    UNUSED4;
    (void)q;
    struct stamp_tlv_cos c;
    if (!r || stamp_tlv_cos_decode(r, &c) != IPPM_OK)
        return -1;
    if (c.reserved_nonzero) {
        snprintf(why, n, "CoS Reserved field is not zero (expected 0)");
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_reserved = {
    .pair = p_cos_reserved,
    .none = "no request carried a CoS TLV"};


/* ================= §4.5 Direct Measurement ================= */

/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dm_present = {
    .pair = p_present,
    .none = "no request carried a Direct Measurement TLV"};

PAIR(p_dm_stxc)
{
    UNUSED4;
    struct stamp_tlv_direct a, b;
    if (!r)
        return missing(q->type, why, n);
    if (stamp_tlv_direct_decode(q, &a) != IPPM_OK ||
        stamp_tlv_direct_decode(r, &b) != IPPM_OK)
        return -1;
    if (a.s_txc != b.s_txc) {
        snprintf(why, n,
                 "S_TxC %" PRIu32 " came back as %" PRIu32 " (expected a copy)",
                 a.s_txc, b.s_txc);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dm_stxc = {
    .pair = p_dm_stxc,
    .none = "no request carried a Direct Measurement TLV"};

/* A reflector counter: not zero once this packet counted, and never
 * below what the previous reply of the session said. */
static int dm_counter(const struct ippm_obs *o, const struct ippm_exchange *e,
                      const struct stamp_tlv *r, size_t field, const char *name,
                      char *why, size_t n)
{
    struct stamp_tlv_direct d;
    if (!r || stamp_tlv_direct_decode(r, &d) != IPPM_OK)
        return -1;
    uint32_t v = field == 4 ? d.r_rxc : d.r_txc;
    if (v == 0) {
        snprintf(why, n,
                 "%s is 0 (expected the count, this packet "
                 "included)",
                 name);
        return 0;
    }
    const struct ippm_exchange *p = prev_in_session(o, e, false);
    struct side ps;
    struct stamp_tlv pt;
    if (p && region(o, p->rep, p->rep_len, &ps) &&
        nth(&ps, STAMP_TLV_DIRECT, 0, &pt) && pt.len == 12) {
        uint32_t pv = ippm_load_u32(pt.value + field);
        if (v <= pv) {
            snprintf(why, n,
                     "%s %" PRIu32 " after %" PRIu32 " in the "
                     "previous reply (expected it to grow)",
                     name, v, pv);
            return 0;
        }
    }
    return 1;
}

PAIR(p_dm_rrxc)
{
    (void)q;
    return dm_counter(o, e, r, 4, "R_RxC", why, n);
}
PAIR(p_dm_rtxc)
{
    (void)q;
    return dm_counter(o, e, r, 8, "R_TxC", why, n);
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dm_rrxc = {
    .pair = p_dm_rrxc,
    .none = "no request carried a Direct Measurement TLV"};
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dm_rtxc = {
    .pair = p_dm_rtxc,
    .none = "no request carried a Direct Measurement TLV"};

SEND(s_dm_stxc)
{
    (void)why;
    (void)qs;
    struct stamp_tlv_direct d;
    if (stamp_tlv_direct_decode(t, &d) != IPPM_OK)
        return -1;
    if (d.s_txc == 0) {
        snprintf(why, n,
                 "S_TxC is 0 (expected the packets sent, this one "
                 "included)");
        return 0;
    }
    const struct ippm_exchange *p = prev_in_session(o, e, true);
    struct side ps;
    struct stamp_tlv pt;
    if (p && region(o, p->req, p->req_len, &ps) &&
        nth(&ps, STAMP_TLV_DIRECT, 0, &pt) && pt.len == 12 &&
        d.s_txc <= ippm_load_u32(pt.value)) {
        snprintf(why, n,
                 "S_TxC %" PRIu32 " after %" PRIu32 " in the "
                 "previous packet (expected it to grow)",
                 d.s_txc, ippm_load_u32(pt.value));
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_dm_stxc = {
    .send = s_dm_stxc,
    .none = "no packet carried a Direct Measurement TLV"};

SEND(s_dm_zero)
{
    UNUSED4;
    (void)qs;
    struct stamp_tlv_direct d;
    if (stamp_tlv_direct_decode(t, &d) != IPPM_OK)
        return -1;
    if (d.r_rxc || d.r_txc) {
        snprintf(why, n,
                 "R_RxC %" PRIu32 ", R_TxC %" PRIu32 " (expected 0 "
                 "from the sender)",
                 d.r_rxc, d.r_txc);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_dm_zero = {
    .send = s_dm_zero,
    .none = "no packet carried a Direct Measurement TLV"};


/* ================= §4.6 Access Report ================= */

/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ar_present = {
    .pair = p_present,
    .none = "no request carried an Access Report TLV"};

PAIR(p_ar_copy)
{
    UNUSED4;
    struct stamp_tlv_access a, b;
    if (!r)
        return missing(q->type, why, n);
    if (stamp_tlv_access_decode(q, &a) != IPPM_OK ||
        stamp_tlv_access_decode(r, &b) != IPPM_OK || (a.id != 1 && a.id != 2))
        return -1;
    if (a.id != b.id || a.code != b.code) {
        snprintf(why, n,
                 "Access ID %u, Return Code %u came back as %u, %u "
                 "(expected equal)",
                 a.id, a.code, b.id, b.code);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ar_copy = {
    .pair = p_ar_copy,
    .none = "no request carried a valid Access Report TLV"};

SEND(s_ar_id)
{
    UNUSED4;
    (void)qs;
    struct stamp_tlv_access a;
    if (stamp_tlv_access_decode(t, &a) != IPPM_OK)
        return -1;
    if (a.id != 1 && a.id != 2) {
        snprintf(why, n, "Access ID %u (expected 1 or 2)", a.id);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_ar_id = {
    .send = s_ar_id,
    .none = "no packet carried an Access Report TLV"};

SEND(s_ar_resv)
{
    UNUSED4;
    (void)qs;
    struct stamp_tlv_access a;
    if (stamp_tlv_access_decode(t, &a) != IPPM_OK)
        return -1;
    if (a.reserved_nonzero) {
        snprintf(why, n,
                 "Access Report Resv or Reserved not zero "
                 "(expected 0)");
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_ar_resv = {
    .send = s_ar_resv,
    .none = "no packet carried an Access Report TLV"};

/* ================= §4.7 Follow-Up Telemetry ================= */

SEND(s_fu_zero)
{
    UNUSED4;
    (void)qs;
    struct stamp_tlv_followup f;
    if (stamp_tlv_followup_decode(t, &f) != IPPM_OK)
        return -1;
    if (f.seq || f.ts) {
        snprintf(why, n,
                 "Follow-Up Sequence Number %" PRIu32 ", Timestamp "
                 "0x%016" PRIx64 " (expected zeros)",
                 f.seq, f.ts);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_fu_zero = {
    .send = s_fu_zero,
    .none = "no packet carried a Follow-Up Telemetry TLV"};

PAIR(p_fu_stateless)
{
    UNUSED4;
    (void)q;
    struct stamp_tlv_followup f;
    if (!r)
        return missing(STAMP_TLV_FOLLOWUP, why, n);
    if (stamp_tlv_followup_decode(r, &f) != IPPM_OK)
        return -1;
    if (f.seq || f.ts) {
        snprintf(why, n,
                 "stateless reflector reported Follow-Up Sequence "
                 "Number %" PRIu32 " (expected it and the Timestamp zeroed)",
                 f.seq);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_fu_stateless = {
    .pair = p_fu_stateless,
    .none = "no request carried a Follow-Up TLV"};

/* see stamp_tlv_checks.h */
STAMP_CHECK(tlvchk_refl_fu_malformed)
{
    enum ippm_verdict v =
        malformed(obs, detail, cap, STAMP_TLV_FOLLOWUP, false);
    if (v != IPPM_PASS)
        return v;
    /* And the two fields, as far as they go, zeroed. */
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct side q, r;
        size_t off;
        int mt;
        if (!e->rep || !region(obs, e->req, e->req_len, &q) ||
            !first_malformed(&q, &off, &mt) || mt != STAMP_TLV_FOLLOWUP)
            continue;
        region(obs, e->rep, e->rep_len, &r);
        size_t l = ippm_load_u16(q.p + off + 2);
        size_t z = l < 12 ? l : 12;
        a.n++;
        if (r.n < off + 4 + z || !stamp_tlv_all_zero(r.p + off + 4, z))
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": malformed Follow-Up TLV came "
                     "back with its Sequence Number or Timestamp not zeroed",
                     stamp_req_seq(e));
    }
    return stamp_acc_end(&a, "no request carried a malformed Follow-Up TLV");
}

/* e may be NULL: no previous exchange. */
static bool rep_pkt(const struct ippm_obs *o, const struct ippm_exchange *e,
                    struct stamp_reflector_pkt *p)
{
    return e && stamp_dec_rep(o, e, p);
}

PAIR(p_fu_seq)
{
    (void)q;
    struct stamp_tlv_followup f;
    struct stamp_reflector_pkt cur, prev;
    if (!r || stamp_tlv_followup_decode(r, &f) != IPPM_OK ||
        !rep_pkt(o, e, &cur) ||
        !rep_pkt(o, prev_in_session(o, e, false), &prev))
        return -1;
    if (prev.seq + 1 != cur.seq)
        return -1; /* the previous reply was not seen */
    if (f.seq != prev.seq) {
        snprintf(why, n,
                 "Follow-Up Sequence Number %" PRIu32 ", previous "
                 "reply was %" PRIu32 " (expected that)",
                 f.seq, prev.seq);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_fu_seq = {
    .pair = p_fu_seq,
    .none = "no Follow-Up reply follows a reply seen in its session"};

static uint64_t ts_ns(uint64_t ts, uint16_t errest)
{
    bool ok;
    return ippm_ns_from_ts(ts, (errest & 0x4000) ? IPPM_TS_PTP : IPPM_TS_NTP,
                           &ok);
}

PAIR(p_fu_ts)
{
    (void)q;
    struct stamp_tlv_followup f;
    struct stamp_reflector_pkt cur, prev;
    if (!r || stamp_tlv_followup_decode(r, &f) != IPPM_OK ||
        !rep_pkt(o, e, &cur) ||
        !rep_pkt(o, prev_in_session(o, e, false), &prev) ||
        prev.seq + 1 != cur.seq || f.seq != prev.seq)
        return -1;
    uint64_t t = ts_ns(f.ts, cur.errest);
    uint64_t lo = ts_ns(prev.ts, prev.errest), hi = ts_ns(cur.ts, cur.errest);
    if (t < lo || t > hi) {
        snprintf(why, n,
                 "Follow-Up Timestamp is %s the previous reply's "
                 "Timestamp window (expected between its Timestamp and this "
                 "reply's)",
                 t < lo ? "before" : "after");
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_fu_ts = {
    .pair = p_fu_ts,
    .none = "no Follow-Up reply follows a reply seen in its session"};

PAIR(p_fu_mode)
{
    UNUSED4;
    (void)q;
    struct stamp_tlv_followup f;
    if (!r || stamp_tlv_followup_decode(r, &f) != IPPM_OK || !f.ts)
        return -1;
    if (!code_ok(f.mode)) {
        snprintf(why, n,
                 "Timestamp M %u with a Follow-Up Timestamp "
                 "(expected a Table 9 value)",
                 f.mode);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_fu_mode = {
    .pair = p_fu_mode,
    .none = "no Follow-Up reply carried a timestamp"};

/* ================= §4.8 HMAC TLV ================= */

/* TLVs that need an HMAC TLV: anything but a lone Extra Padding TLV. */
static bool needs_hmac(const struct side *s)
{
    struct stamp_tlv t;
    unsigned n = 0, pad = 0;
    struct stamp_tlv_iter it;
    stamp_tlv_iter_init(&it, s->p, s->n);
    while (stamp_tlv_next(&it, &t) == IPPM_OK) {
        n++;
        pad += t.type == STAMP_TLV_PADDING;
    }
    return n && !(n == 1 && pad == 1);
}

/* Only Extra Padding after the first HMAC TLV. */
static bool hmac_last(const struct side *s)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    bool seen = false;
    stamp_tlv_iter_init(&it, s->p, s->n);
    while (stamp_tlv_next(&it, &t) == IPPM_OK) {
        if (seen && t.type != STAMP_TLV_PADDING)
            return false;
        seen |= t.type == STAMP_TLV_HMAC;
    }
    return true;
}

enum hm_kind {
    HM_PRESENT = STAMP_TLV_HMAC_PRESENT,
    HM_LAST = STAMP_TLV_HMAC_LAST,
    HM_VALID = STAMP_TLV_HMAC_VALID
};

static enum ippm_verdict hmac_side(const struct ippm_obs *o, char *d,
                                   size_t cap, bool reply, enum hm_kind k)
{
    if (k == HM_PRESENT && !o->auth)
        return stamp_na(d, cap, "unauthenticated mode: the HMAC TLV is optional");
    if (k == HM_VALID && !stamp_obs_has_key(o))
        return stamp_na(d, cap, "no key given: HMAC TLVs cannot be checked");
    struct stamp_acc a = stamp_acc_make(d, cap);
    struct stamp_key key = stamp_obs_key(o);
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        const uint8_t *pkt = reply ? e->rep : e->req;
        size_t len = reply ? e->rep_len : e->req_len;
        struct side s, q;
        struct stamp_tlv t;
        if (!region(o, pkt, len, &s))
            continue;
        if (reply && (!region(o, e->req, e->req_len, &q) ||
                      (flags_or(&s) & (STAMP_TLV_I | STAMP_TLV_M)) ||
                      req_hmac_bad(o, e, &q)))
            continue;
        bool has = nth(&s, STAMP_TLV_HMAC, 0, &t);
        switch (k) {
        case HM_PRESENT:
            if (!needs_hmac(&s))
                continue;
            a.n++;
            if (!has)
                stamp_acc_fail(&a,
                         "seq %" PRIu32 ": authenticated %s with TLVs "
                         "and no HMAC TLV (expected one)",
                         stamp_req_seq(e), reply ? "reply" : "packet");
            break;
        case HM_LAST:
            if (!has)
                continue;
            a.n++;
            if (!hmac_last(&s))
                stamp_acc_fail(&a,
                         "seq %" PRIu32 ": a TLV other than Extra "
                         "Padding follows the HMAC TLV (expected it last)",
                         stamp_req_seq(e));
            break;
        case HM_VALID:
            if (!has || t.len != 16)
                continue;
            a.n++;
            if (stamp_tlv_hmac_check(&key, pkt, len, stamp_obs_base(o), t.off) !=
                IPPM_OK)
                stamp_acc_fail(&a,
                         "seq %" PRIu32 ": HMAC TLV does not verify over "
                         "the Sequence Number and the TLVs before it",
                         stamp_req_seq(e));
            break;
        }
    }
    return stamp_acc_end(&a, k == HM_PRESENT ? "no packet with TLVs needing an HMAC"
                                       : "no packet carried an HMAC TLV");
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_hmac)
{
    if ((arg->flags & STAMP_TLV_ROW_AWARE) && !aware(obs))
        return stamp_na(detail, cap, NOT_AWARE);
    return hmac_side(obs, detail, cap, (arg->flags & STAMP_TLV_ROW_REFL) != 0,
                     (enum hm_kind)arg->type);
}

/* Requests whose HMAC TLV fails: I on every reply TLV, or the TLVs
 * copied (flags aside). */
static enum ippm_verdict hmac_failed(const struct ippm_obs *o, char *d,
                                     size_t cap, bool copied)
{
    if (!stamp_obs_has_key(o))
        return stamp_na(d, cap, "no key given: HMAC TLVs cannot be checked");
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        struct side q, r;
        if (!e->rep || !region(o, e->req, e->req_len, &q) ||
            !req_hmac_bad(o, e, &q))
            continue;
        region(o, e->rep, e->rep_len, &r);
        a.n++;
        struct stamp_tlv_iter it;
        struct stamp_tlv t;
        stamp_tlv_iter_init(&it, q.p, q.n);
        while (stamp_tlv_next(&it, &t) == IPPM_OK) {
            size_t end = t.off + 4 + t.len;
            if (r.n < end) {
                stamp_acc_fail(&a,
                         "seq %" PRIu32 ": the reply lacks the TLV at "
                         "offset %zu (expected every TLV copied)",
                         stamp_req_seq(e), t.off);
                break;
            }
            if (!copied && !(r.p[t.off] & STAMP_TLV_I)) {
                stamp_acc_fail(&a,
                         "seq %" PRIu32 ": HMAC TLV failed, the type-%u "
                         "TLV came back with I = 0 (expected 1)",
                         stamp_req_seq(e), t.type);
                break;
            }
            if (copied &&
                memcmp(r.p + t.off + 1, q.p + t.off + 1, end - t.off - 1)) {
                stamp_acc_fail(&a,
                         "seq %" PRIu32 ": HMAC TLV failed, the type-%u "
                         "TLV came back changed (expected a copy)",
                         stamp_req_seq(e), t.type);
                break;
            }
        }
    }
    return stamp_acc_end(&a, "no request with a failing HMAC TLV was answered");
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_hmac_failed)
{
    return hmac_failed(obs, detail, cap,
                       (arg->flags & STAMP_TLV_ROW_COPIED) != 0);
}

SEND(s_hmac_len)
{
    UNUSED4;
    (void)qs;
    if (t->len != 16) {
        snprintf(why, n, "HMAC TLV Length %u (expected 16)", t->len);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_hmac_len = {
    .send = s_hmac_len,
    .none = "no packet carried an HMAC TLV"};

/* ================= RFC 9503 ================= */

SEND(s_dna_ssid)
{
    UNUSED4;
    (void)t, (void)qs;
    size_t off = stamp_obs_layout(o, STAMP_PKT_SENDER)->field[STAMP_F_SSID].off;
    if (ippm_load_u16(e->req + off) == 0) {
        snprintf(why, n,
                 "Destination Node Address TLV sent with SSID 0 "
                 "(expected an SSID)");
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_dna_ssid = {
    .send = s_dna_ssid,
    .none = "no packet carried a Destination Node Address TLV"};

PAIR(p_dna_u_other)
{
    (void)o;
    if (e->req_dst.family == IPPM_AF_NONE ||
        same_ip(&e->req_dst, q->value, q->len))
        return -1;
    if (!r)
        return missing(q->type, why, n);
    if (!(r->flags & STAMP_TLV_U)) {
        snprintf(why, n,
                 "Destination Node Address is not the reflector's, "
                 "the reply says U = 0 (expected 1)");
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dna_u_other = {
    .pair = p_dna_u_other,
    .none = "no Destination Node Address TLV named another node"};

PAIR(p_dna_u_self)
{
    (void)o;
    if (!same_ip(&e->req_dst, q->value, q->len))
        return -1;
    if (!r)
        return missing(q->type, why, n);
    if (r->flags & STAMP_TLV_U) {
        snprintf(why, n,
                 "Destination Node Address is the one the request "
                 "went to, the reply says U = 1 (expected 0)");
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dna_u_self = {
    .pair = p_dna_u_self,
    .none = "no Destination Node Address TLV named the reflector"};


/* see stamp_tlv_checks.h */
STAMP_CHECK(tlvchk_send_rp_one)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct side q;
        unsigned c;
        if (!region(obs, e->req, e->req_len, &q) ||
            !(c = count_type(&q, STAMP_TLV_RETURN_PATH)))
            continue;
        a.n++;
        if (c > 1)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": %u Return Path TLVs (expected one "
                     "at most)",
                     stamp_req_seq(e), c);
    }
    return stamp_acc_end(&a, "no packet carried a Return Path TLV");
}

/* The sub-TLVs of a Return Path TLV, counted by type. */
struct rp_count {
    unsigned control, addr, seg;
    bool reply_bit;
    const struct stamp_tlv *first_addr;
    struct stamp_tlv addr_tlv;
};

static void rp_count(const struct stamp_tlv *t, struct rp_count *c)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv s;
    memset(c, 0, sizeof(*c));
    stamp_tlv_iter_init(&it, t->value, t->len);
    while (stamp_tlv_next(&it, &s) == IPPM_OK) {
        if (s.type == STAMP_RP_CONTROL) {
            if (!c->control++ && s.len == 4)
                c->reply_bit = ippm_load_u32(s.value) & 1;
        } else if (s.type == STAMP_RP_ADDR) {
            if (!c->addr++) {
                c->addr_tlv = s;
                c->first_addr = &c->addr_tlv;
            }
        } else if (s.type == STAMP_RP_MPLS || s.type == STAMP_RP_SRV6) {
            c->seg++;
        }
    }
}

PAIR(p_rp_u_cannot)
{
    (void)o;
    struct rp_count c;
    rp_count(q, &c);
    if (c.control || !c.first_addr || e->req_src.family == IPPM_AF_NONE ||
        same_ip(&e->req_src, c.first_addr->value, c.first_addr->len))
        return -1;
    if (!r)
        return missing(q->type, why, n);
    /* The reply came back to the request's source, not to the Return
     * Address: the path was not followed. */
    if (!(r->flags & STAMP_TLV_U)) {
        snprintf(why, n,
                 "reply came to the sender, not the Return Address, "
                 "with U = 0 (expected 1)");
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_rp_u_cannot = {
    .pair = p_rp_u_cannot,
    .none = "no Return Path TLV asked for another return address"};

PAIR(p_rp_u_can)
{
    (void)o;
    struct rp_count c;
    rp_count(q, &c);
    if (c.control || c.seg || c.addr != 1 ||
        !same_ip(&e->req_src, c.first_addr->value, c.first_addr->len))
        return -1;
    if (!r)
        return missing(q->type, why, n);
    if (r->flags & STAMP_TLV_U) {
        snprintf(why, n,
                 "Return Address is the sender's own and the reply "
                 "came there, with U = 1 (expected 0)");
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_rp_u_can = {
    .pair = p_rp_u_can,
    .none = "no Return Path TLV named the sender's own address"};

SEND(s_rp_sub_once)
{
    UNUSED4;
    (void)qs;
    struct rp_count c;
    rp_count(t, &c);
    if (c.control > 1 || c.addr > 1 || c.seg > 1) {
        snprintf(why, n,
                 "Return Path with %u control code, %u address, %u "
                 "segment list sub-TLVs (expected one of each at most)",
                 c.control, c.addr, c.seg);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_rp_sub_once = {
    .send = s_rp_sub_once,
    .none = "no packet carried a Return Path TLV"};

SEND(s_rp_exclusive)
{
    UNUSED4;
    (void)qs;
    struct rp_count c;
    rp_count(t, &c);
    if (c.control && (c.addr || c.seg)) {
        snprintf(why, n,
                 "Return Path with a Control Code and an address or "
                 "segment list (expected the control code alone)");
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_rp_exclusive = {
    .send = s_rp_exclusive,
    .none = "no packet carried a Return Path TLV"};

/* see stamp_tlv_checks.h */
STAMP_CHECK(tlvchk_refl_rp_no_reply)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    unsigned unrecognised = 0;
    bool is_aware = aware(obs);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct side q;
        struct stamp_tlv t;
        struct rp_count c;
        if (!region(obs, e->req, e->req_len, &q) || !wellformed(&q) ||
            !nth(&q, STAMP_TLV_RETURN_PATH, 0, &t))
            continue;
        rp_count(&t, &c);
        if (!c.control || c.reply_bit)
            continue;
        /* Answered by a reflector without TLV support, or one that
         * says it did not recognise the TLV: nothing was promised. */
        if (e->rep && (!is_aware || rep_tlv_u(obs, e, STAMP_TLV_RETURN_PATH))) {
            unrecognised++;
            continue;
        }
        a.n++;
        if (e->rep)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Control Code asked for no reply, "
                     "a %zu-octet reply came (expected none)",
                     stamp_req_seq(e), e->rep_len);
    }
    return stamp_acc_end(&a, unrecognised ? UNRECOGNISED
                                    : "no request asked for no reply");
}

/* Segment lists in a Return Path TLV. */
static int rp_segs(const struct stamp_tlv *t, uint8_t type, size_t mod,
                   bool nonempty, char *why, size_t n)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv s;
    int res = -1;
    stamp_tlv_iter_init(&it, t->value, t->len);
    while (stamp_tlv_next(&it, &s) == IPPM_OK) {
        if (type ? s.type != type
                 : s.type != STAMP_RP_MPLS && s.type != STAMP_RP_SRV6)
            continue;
        res = 1;
        if ((nonempty && s.len == 0) || (mod && s.len % mod)) {
            snprintf(why, n,
                     "segment list sub-TLV type %u of length %u "
                     "(expected %s)",
                     s.type, s.len,
                     nonempty   ? "not 0"
                     : mod == 4 ? "a multiple of 4"
                                : "a multiple of 16");
            return 0;
        }
    }
    return res;
}

SEND(s_rp_seg_nonempty)
{
    UNUSED4;
    (void)qs;
    return rp_segs(t, 0, 0, true, why, n);
}
SEND(s_rp_mpls)
{
    UNUSED4;
    (void)qs;
    return rp_segs(t, STAMP_RP_MPLS, 4, false, why, n);
}
SEND(s_rp_srv6)
{
    UNUSED4;
    (void)qs;
    return rp_segs(t, STAMP_RP_SRV6, 16, false, why, n);
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_rp_seg_nonempty = {
    .send = s_rp_seg_nonempty,
    .none = "no Return Path TLV carried a segment list"};
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_rp_mpls_mod4 = {
    .send = s_rp_mpls,
    .none = "no Return Path TLV carried an SR-MPLS label stack"};
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_rp_srv6_mod16 = {
    .send = s_rp_srv6,
    .none = "no Return Path TLV carried an SRv6 segment list"};


/* ================= RFC 9534 ================= */

SEND(s_ms_len)
{
    UNUSED4;
    (void)qs;
    if (t->len != 4) {
        snprintf(why, n, "Micro-session ID TLV Length %u (expected 4)", t->len);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_ms_len = {
    .send = s_ms_len,
    .none = "no packet carried a Micro-session ID TLV"};

/* A Micro-session ID field in a packet's first such TLV. */
static bool ms_field(const struct ippm_obs *o, const uint8_t *pkt, size_t len,
                     size_t field, uint16_t *v)
{
    struct side s;
    struct stamp_tlv t;
    if (!region(o, pkt, len, &s) || !nth(&s, STAMP_TLV_MICRO_SESSION, 0, &t) ||
        t.len != 4)
        return false;
    *v = ippm_load_u16(t.value + field);
    return true;
}

SEND(s_ms_constant)
{
    UNUSED4;
    (void)qs;
    uint16_t cur, prev;
    if (t->len != 4)
        return -1;
    cur = ippm_load_u16(t->value);
    const struct ippm_exchange *p = prev_in_session(o, e, true);
    if (!p || !ms_field(o, p->req, p->req_len, 0, &prev))
        return -1;
    if (cur != prev) {
        snprintf(why, n,
                 "Sender Micro-session ID %u after %u in the same "
                 "session (expected the session's member link)",
                 cur, prev);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_ms_constant = {
    .send = s_ms_constant,
    .none = "no session sent two Micro-session ID TLVs"};

PAIR(p_ms_sender)
{
    UNUSED4;
    if (!r)
        return missing(q->type, why, n);
    if (r->len != 4 || q->len != 4)
        return -1;
    if (ippm_load_u16(r->value) != ippm_load_u16(q->value)) {
        snprintf(why, n,
                 "Sender Micro-session ID %u came back as %u "
                 "(expected a copy)",
                 ippm_load_u16(q->value), ippm_load_u16(r->value));
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ms_sender_copied = {
    .pair = p_ms_sender,
    .none = "no request carried a Micro-session ID TLV"};

PAIR(p_ms_discard)
{
    UNUSED4;
    if (q->len != 4 || ippm_load_u16(q->value + 2) == 0 || !r || r->len != 4)
        return -1;
    if (ippm_load_u16(r->value + 2) != ippm_load_u16(q->value + 2)) {
        snprintf(why, n,
                 "request named Reflector Micro-session ID %u, the "
                 "reply is from member link %u (expected the packet "
                 "discarded)",
                 ippm_load_u16(q->value + 2), ippm_load_u16(r->value + 2));
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ms_discard = {
    .pair = p_ms_discard,
    .none = "no answered request named a Reflector Micro-session ID"};

PAIR(p_ms_constant)
{
    (void)q;
    uint16_t prev;
    if (!r || r->len != 4)
        return -1;
    const struct ippm_exchange *p = prev_in_session(o, e, false);
    if (!p || !ms_field(o, p->rep, p->rep_len, 2, &prev))
        return -1;
    if (ippm_load_u16(r->value + 2) != prev) {
        snprintf(why, n,
                 "Reflector Micro-session ID %u after %u in the same "
                 "session (expected one member link)",
                 ippm_load_u16(r->value + 2), prev);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ms_constant = {
    .pair = p_ms_constant,
    .none = "no session had two Micro-session ID replies"};


/* ================= drafts ================= */

/* The octets of the base and every TLV but Extra Padding. */
static size_t fixed_len(const struct ippm_obs *o, const struct side *s)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    size_t n = stamp_obs_base(o);
    stamp_tlv_iter_init(&it, s->p, s->n);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        if (t.type != STAMP_TLV_PADDING)
            n += 4u + t.len;
    return n;
}

PAIR(p_asym_len)
{
    struct stamp_tlv_refl_control c;
    struct side q2;
    if (!r || (r->flags & STAMP_TLV_C) ||
        stamp_tlv_refl_control_decode(q, &c) != IPPM_OK || c.count == 0 ||
        !region(o, e->req, e->req_len, &q2))
        return -1;
    size_t fixed = fixed_len(o, &q2);
    size_t want = ((size_t)c.reply_len + 3u) & ~(size_t)3u;
    if (want < fixed)
        want = fixed;
    if (e->rep_len != want) {
        snprintf(why, n,
                 "reply of %zu octets, C = 0, for a request asking "
                 "%u (expected %zu: the largest of %zu and the "
                 "request rounded up to 4)",
                 e->rep_len, c.reply_len, want, fixed);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_asym_len = {
    .pair = p_asym_len,
    .none = "no conformant (C = 0) reply to a Reflected Test Packet " "Control TLV"};

/* see stamp_tlv_checks.h */
STAMP_CHECK(tlvchk_refl_asym_zero)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    unsigned unrecognised = 0;
    bool is_aware = aware(obs);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct side q;
        struct stamp_tlv t;
        struct stamp_tlv_refl_control c;
        if (!region(obs, e->req, e->req_len, &q) || !wellformed(&q) ||
            !nth(&q, STAMP_TLV_REFL_CONTROL, 0, &t) ||
            stamp_tlv_refl_control_decode(&t, &c) != IPPM_OK || c.count)
            continue;
        /* Answered by a reflector without TLV support, or one that
         * says it did not recognise the TLV: nothing was promised. */
        if (e->rep &&
            (!is_aware || rep_tlv_u(obs, e, STAMP_TLV_REFL_CONTROL))) {
            unrecognised++;
            continue;
        }
        a.n++;
        if (e->rep)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Number of Reflected Packets 0, a "
                     "reply came (expected none)",
                     stamp_req_seq(e));
    }
    return stamp_acc_end(&a, unrecognised
                           ? UNRECOGNISED
                           : "no request asked for zero reflected packets");
}

PAIR(p_asym_padding)
{
    (void)q;
    struct side r2;
    if (!r || !region(o, e->rep, e->rep_len, &r2))
        return -1;
    if (e->rep_len <= fixed_len(o, &r2))
        return -1;
    struct stamp_tlv t;
    if (!wellformed(&r2) || !nth(&r2, STAMP_TLV_PADDING, 0, &t)) {
        snprintf(why, n,
                 "reply grown to %zu octets without an Extra "
                 "Padding TLV making up the length",
                 e->rep_len);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_asym_padding = {
    .pair = p_asym_padding,
    .none = "no reply longer than its base and TLVs"};

SEND(s_asym_c)
{
    UNUSED4;
    (void)qs;
    if (t->flags & STAMP_TLV_C) {
        snprintf(why, n,
                 "Reflected Test Packet Control TLV sent with C = 1 "
                 "(expected 0)");
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_asym_c = {
    .send = s_asym_c,
    .none = "no packet carried a Reflected Test Packet Control TLV"};

SEND(s_asym_min)
{
    UNUSED4;
    (void)qs;
    if (t->len < 12) {
        snprintf(why, n,
                 "Reflected Test Packet Control TLV Length %u "
                 "(expected 12 or more)",
                 t->len);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_asym_min = {
    .send = s_asym_min,
    .none = "no packet carried a Reflected Test Packet Control TLV"};

/* see stamp_tlv_checks.h */
STAMP_CHECK(tlvchk_refl_asym_cap)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct side q;
        struct stamp_tlv t;
        struct stamp_tlv_refl_control c;
        if (!e->rep || !region(obs, e->req, e->req_len, &q))
            continue;
        size_t allowed = e->req_len;
        if (nth(&q, STAMP_TLV_REFL_CONTROL, 0, &t) &&
            stamp_tlv_refl_control_decode(&t, &c) == IPPM_OK) {
            size_t want = ((size_t)c.reply_len + 3u) & ~(size_t)3u;
            if (want > allowed)
                allowed = want;
        }
        a.n++;
        if (e->rep_len > allowed)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": %zu-octet reply to a %zu-octet "
                     "request with TLVs (expected no more than %zu: no "
                     "amplification beyond what was asked)",
                     stamp_req_seq(e), e->rep_len, e->req_len, allowed);
    }
    return stamp_acc_end(&a, "no request with TLVs was answered");
}

PAIR(p_hdr_len)
{
    UNUSED4;
    if (q->type != STAMP_TLV_EXT_HDR && q->type != STAMP_TLV_IP_HDR)
        return -1;
    if (!r)
        return missing(q->type, why, n);
    if (r->len != q->len) {
        snprintf(why, n,
                 "type-%u header TLV of %u octets came back with %u "
                 "(expected the same length)",
                 q->type, q->len, r->len);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_hdr_len = {
    .pair = p_hdr_len,
    .none = "no request carried a reflected-header TLV (246, 247)"};

PAIR(p_hdr_flag)
{
    UNUSED4;
    if (q->type != STAMP_TLV_EXT_HDR && q->type != STAMP_TLV_IP_HDR)
        return -1;
    if (!r || r->len != q->len)
        return -1;
    bool filled = q->len > 4 && memcmp(r->value + 4, q->value + 4, q->len - 4u);
    if (!filled && !(r->flags & STAMP_TLV_U)) {
        snprintf(why, n,
                 "type-%u header TLV came back unfilled with U = 0 "
                 "(expected the header, or U = 1)",
                 q->type);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_hdr_flag = {
    .pair = p_hdr_flag,
    .none = "no request carried a reflected-header TLV (246, 247)"};

/* Bit errors and the longest run of them in the request's padding, by
 * its BER pattern (0xFF00 when none is given). */
static bool ber_of(const struct side *q, uint32_t *bits, uint32_t *burst)
{
    uint8_t def[2] = {0xff, 0x00};
    const uint8_t *pat = def;
    size_t pl = 2;
    struct stamp_tlv t;
    if (nth(q, STAMP_TLV_BER_PATTERN, 0, &t) && t.len) {
        pat = t.value;
        pl = t.len;
    }
    *bits = *burst = 0;
    uint32_t run = 0;
    bool any = false;
    for (unsigned k = 0; nth(q, STAMP_TLV_PADDING, k, &t); k++) {
        any = true;
        for (size_t i = 0; i < t.len; i++) {
            uint8_t x = t.value[i] ^ pat[i % pl];
            for (int b = 7; b >= 0; b--) {
                if (x >> b & 1) {
                    (*bits)++;
                    if (++run > *burst)
                        *burst = run;
                } else {
                    run = 0;
                }
            }
        }
    }
    return any;
}

static int ber_field(const struct ippm_obs *o, const struct ippm_exchange *e,
                     const struct stamp_tlv *r, bool burst, char *why, size_t n)
{
    struct side q;
    uint32_t bits, run;
    if (!r || r->len != 4 || !region(o, e->req, e->req_len, &q) ||
        !ber_of(&q, &bits, &run))
        return -1;
    uint32_t want = burst ? run : bits, got = ippm_load_u32(r->value);
    if (got != want) {
        snprintf(why, n,
                 "%s %" PRIu32 " (expected %" PRIu32 " from the "
                 "padding received)",
                 burst ? "Max Bit Error Burst" : "Bit Error Count", got, want);
        return 0;
    }
    return 1;
}

PAIR(p_ber_count)
{
    (void)q;
    return ber_field(o, e, r, false, why, n);
}
PAIR(p_ber_burst)
{
    (void)q;
    return ber_field(o, e, r, true, why, n);
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ber_count = {
    .pair = p_ber_count,
    .none = "no request carried a BER count TLV and padding"};
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ber_burst = {
    .pair = p_ber_burst,
    .none = "no request carried a BER burst TLV and padding"};

PAIR(p_ber_repair)
{
    UNUSED4;
    struct side q2;
    struct stamp_tlv pt;
    if (!r || !region(o, e->req, e->req_len, &q2) ||
        !nth(&q2, STAMP_TLV_BER_PATTERN, 0, &pt) || !pt.len || r->len != q->len)
        return -1;
    for (size_t i = 0; i < r->len; i++)
        if (r->value[i] != pt.value[i % pt.len]) {
            snprintf(why, n,
                     "reflected padding octet %zu is 0x%02x (expected "
                     "the pattern's 0x%02x)",
                     i, r->value[i], pt.value[i % pt.len]);
            return 0;
        }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ber_repair = {
    .pair = p_ber_repair,
    .none = "no padded request carried a BER pattern"};

SEND(s_ber_pattern)
{
    UNUSED4;
    struct stamp_tlv pt;
    if (!nth(qs, STAMP_TLV_BER_PATTERN, 0, &pt) || !pt.len)
        return -1;
    for (size_t i = 0; i < t->len; i++)
        if (t->value[i] != pt.value[i % pt.len]) {
            snprintf(why, n,
                     "padding octet %zu is 0x%02x (expected the "
                     "pattern's 0x%02x)",
                     i, t->value[i], pt.value[i % pt.len]);
            return 0;
        }
    if (t->len % pt.len) {
        snprintf(why, n,
                 "padding of %u octets is no whole number of %u-octet "
                 "patterns",
                 t->len, pt.len);
        return 0;
    }
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_ber_pattern = {
    .send = s_ber_pattern,
    .none = "no padded packet carried a BER pattern"};
