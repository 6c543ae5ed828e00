/* What every STAMP TLV check builds on: the TLV region past the base,
 * walking and pairing request and reply TLVs, the rows' shared checks
 * (stamp_tlv_chk_pairs, _sends). */
#include "stamp_tlv_checks_base.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conformance/stamp/stamp_checks_base.h"
#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"

/* see stamp_tlv_checks_base.h */
const char STAMP_TLVCK_NOT_AWARE[] =
    "no reply shows RFC 8972 TLV processing (every TLV came back exactly "
    "as sent): the reflector does not support TLVs";

/* ---- packets and TLV regions ---- */

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_region(const struct ippm_obs *o, const uint8_t *pkt,
                        size_t len, struct side *s)
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

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_tlv_ok(const struct stamp_tlv *t)
{
    switch (t->type) {
    case STAMP_TLV_LOCATION:
        return t->len >= 4 &&
               stamp_tlv_subs_ok(t->value + 4, t->len - 4u, true);
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
        return t->len && stamp_tlv_subs_ok(t->value, t->len, false);
    case STAMP_TLV_REFL_CONTROL:
        return t->len >= 12;
    case STAMP_TLV_BER_PATTERN:
        return t->len > 0;
    }
    return true;
}

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_known_type(uint8_t type)
{
    return (type >= STAMP_TLV_PADDING && type <= STAMP_TLV_REFL_CONTROL) ||
           type == STAMP_TLV_BER_PATTERN || type == STAMP_TLV_BER_COUNT ||
           type == STAMP_TLV_BER_BURST || type == STAMP_TLV_EXT_HDR ||
           type == STAMP_TLV_IP_HDR;
}

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_wellformed(const struct side *s)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    stamp_tlv_iter_init(&it, s->p, s->n);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK)
        if (!stamp_tlvck_tlv_ok(&t))
            return false;
    return e == IPPM_ERR_DONE;
}

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_first_malformed(const struct side *s, size_t *off, int *type)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    stamp_tlv_iter_init(&it, s->p, s->n);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK)
        if (!stamp_tlvck_tlv_ok(&t)) {
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

/* see stamp_tlv_checks_base.h */
unsigned stamp_tlvck_count_type(const struct side *s, uint8_t type)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    unsigned n = 0;
    stamp_tlv_iter_init(&it, s->p, s->n);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        n += t.type == type;
    return n;
}

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_hmac_last(const struct side *s)
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

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_nth(const struct side *s, uint8_t type, unsigned k,
                     struct stamp_tlv *out)
{
    struct stamp_tlv_iter it;
    stamp_tlv_iter_init(&it, s->p, s->n);
    while (stamp_tlv_next(&it, out) == IPPM_OK)
        if (out->type == type && k-- == 0)
            return true;
    return false;
}

/* see stamp_tlv_checks_base.h */
uint8_t stamp_tlvck_flags_or(const struct side *s)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    uint8_t f = 0;
    stamp_tlv_iter_init(&it, s->p, s->n);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        f |= t.flags;
    return f;
}

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_aware(const struct ippm_obs *o)
{
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        struct side q, r;
        if (!stamp_tlvck_region(o, e->req, e->req_len, &q) ||
            !stamp_tlvck_region(o, e->rep, e->rep_len, &r))
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

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_uncopied(const struct ippm_obs *o, char *d, size_t cap)
{
    unsigned lost = 0;
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        struct side q, r;
        if (!e->rep || !stamp_tlvck_region(o, e->req, e->req_len, &q) ||
            stamp_ck_req_shapes_reply(o, e))
            continue;
        if (stamp_tlvck_region(o, e->rep, e->rep_len, &r))
            return false;
        lost++;
    }
    if (!lost)
        return false;
    stamp_na(d, cap,
             "the reflector does not return the octets past the base packet "
             "(RFC 8762 §4.3, STAMP-8762-4.3-02): TLVs cannot be graded");
    return true;
}

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_rep_tlv_u(const struct ippm_obs *o,
                           const struct ippm_exchange *e, uint8_t type)
{
    struct side r;
    struct stamp_tlv t;
    return stamp_tlvck_region(o, e->rep, e->rep_len, &r) &&
           stamp_tlvck_nth(&r, type, 0, &t) && (t.flags & STAMP_TLV_U);
}

/* see stamp_tlv_checks_base.h */
const char STAMP_TLVCK_UNRECOGNISED[] =
    "the reflector answered, copying the TLV as sent or with U = 1: it does "
    "not recognise it (RFC 8972 §4), so it need not follow it";

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_req_first(const struct ippm_obs *o,
                           const struct ippm_exchange *e, uint8_t type,
                           struct stamp_tlv *t)
{
    struct side q;
    return stamp_tlvck_region(o, e->req, e->req_len, &q) &&
           stamp_tlvck_wellformed(&q) && stamp_tlvck_nth(&q, type, 0, t);
}

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_replied_anyway(const struct ippm_obs *o,
                                const struct ippm_exchange *e, uint8_t type,
                                bool aware, struct stamp_acc *a,
                                unsigned *unrecognised)
{
    if (e->rep && (!aware || stamp_tlvck_rep_tlv_u(o, e, type))) {
        (*unrecognised)++;
        return false;
    }
    a->n++;
    return e->rep != NULL;
}

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_same_ip(const struct ippm_addr *a, const uint8_t *v, size_t n)
{
    size_t l = a->family == IPPM_AF_INET    ? 4
               : a->family == IPPM_AF_INET6 ? 16
                                            : 0;
    return l && l == n && memcmp(a->ip, v, l) == 0;
}

/* see stamp_tlv_checks_base.h */
bool stamp_tlvck_req_hmac_bad(const struct ippm_obs *o,
                              const struct ippm_exchange *e,
                              const struct side *q)
{
    struct stamp_tlv t;
    if (!stamp_obs_has_key(o) || !stamp_tlvck_nth(q, STAMP_TLV_HMAC, 0, &t) ||
        t.len != 16)
        return false;
    struct ippm_hmac_key k = stamp_obs_key(o);
    return stamp_tlv_hmac_check(&k, e->req, e->req_len, stamp_obs_base(o),
                                t.off) != IPPM_OK;
}

/* see stamp_tlv_checks_base.h */
const struct ippm_exchange *
stamp_tlvck_prev_in_session(const struct ippm_obs *o,
                            const struct ippm_exchange *e, bool by_req)
{
    const struct ippm_exchange *best = NULL;
    const struct stamp_span *sf =
        &stamp_obs_pkt_layout(o, STAMP_PKT_SENDER)->field[STAMP_F_SSID];
    size_t ssid_end = (size_t)sf->off + sf->len;
    uint16_t ssid =
        e->req_len >= ssid_end ? ippm_load_u16(e->req + sf->off) : 0;
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

/* Counts one graded TLV into a: v and why as a pair_fn / send_fn gave
 * them. */
static void tally(struct stamp_acc *a, const struct ippm_exchange *e, int v,
                  const char *why)
{
    if (v < 0)
        return;
    a->n++;
    if (!v)
        stamp_acc_fail(a, "seq %" PRIu32 ": %s", stamp_req_seq(e), why);
}

/* see stamp_tlv_checks_base.h */
enum ippm_verdict stamp_tlvck_pairs(const struct ippm_obs *o, char *d,
                                    size_t cap, int type, unsigned fl,
                                    const struct stamp_tlv_rule *rule)
{
    if (stamp_tlvck_uncopied(o, d, cap))
        return IPPM_NA;
    if ((fl & P_AWARE) && !stamp_tlvck_aware(o))
        return stamp_na(d, cap, STAMP_TLVCK_NOT_AWARE);
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        struct side q, r;
        if (!e->rep || !stamp_tlvck_region(o, e->req, e->req_len, &q))
            continue;
        stamp_tlvck_region(o, e->rep, e->rep_len, &r);
        if ((fl & P_WELLFORMED) && (!stamp_tlvck_wellformed(&q) ||
                                    (stamp_tlvck_flags_or(&r) & STAMP_TLV_I) ||
                                    stamp_tlvck_req_hmac_bad(o, e, &q)))
            continue;
        struct stamp_tlv_iter it;
        struct stamp_tlv t, rt;
        unsigned rank[256] = {0};
        stamp_tlv_iter_init(&it, q.p, q.n);
        while (stamp_tlv_next(&it, &t) == IPPM_OK) {
            unsigned k = rank[t.type]++;
            if (type >= 0 && t.type != type)
                continue;
            if ((fl & P_BADLEN) && stamp_tlvck_tlv_ok(&t))
                continue;
            bool hr = stamp_tlvck_nth(&r, t.type, k, &rt);
            char why[200] = "";
            int v =
                rule->pair(rule, o, e, &t, hr ? &rt : NULL, why, sizeof why);
            tally(&a, e, v, why);
        }
    }
    return stamp_acc_end(&a, rule->none);
}

/* Sender role: every request TLV of the type (all when type < 0). */
static enum ippm_verdict sends(const struct ippm_obs *o, char *d, size_t cap,
                               int type, const struct stamp_tlv_rule *rule)
{
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        struct side q;
        if (!stamp_tlvck_region(o, e->req, e->req_len, &q))
            continue;
        struct stamp_tlv_iter it;
        struct stamp_tlv t;
        stamp_tlv_iter_init(&it, q.p, q.n);
        while (stamp_tlv_next(&it, &t) == IPPM_OK) {
            if (type >= 0 && t.type != type)
                continue;
            char why[200] = "";
            tally(&a, e, rule->send(rule, o, e, &q, &t, why, sizeof why), why);
        }
    }
    return stamp_acc_end(&a, rule->none);
}

/* ---- a path that rewrites what a rule grades (--path) ---- */

static const char *path_na(unsigned path)
{
    return path & IPPM_PATH_NAT
               ? "the path is declared to hold a NAT (--path nat): the "
                 "reflector saw the addresses the NAT wrote"
               : "the path is declared to remark the DSCP (--path remark): "
                 "the DSCP seen is the path's, not the peer's";
}

/* A failure the same rewriting path would cause says so. */
static enum ippm_verdict path_hint(enum ippm_verdict v, unsigned path,
                                   char *detail, size_t cap)
{
    size_t len = strlen(detail);
    if (v != IPPM_FAIL || !path || len >= cap)
        return v;
    snprintf(detail + len, cap - len, "%s",
             path & IPPM_PATH_NAT
                 ? ", or a NAT on the path rewrote the addresses; --path nat "
                   "if so"
                 : ", or a hop on the path remarked the DSCP; --path remark "
                   "if so");
    return v;
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_pairs)
{
    const struct stamp_tlv_rule *rule = arg->data;
    if (rule->path & obs->path_flags)
        return stamp_na(detail, cap, path_na(rule->path & obs->path_flags));
    if ((arg->flags & STAMP_TLV_ROW_STATELESS) && stamp_obs_stateful(obs, NULL))
        return stamp_na(detail, cap, "the reflector is stateful");
    if ((arg->flags & STAMP_TLV_ROW_STATEFUL) && !stamp_obs_stateful(obs, NULL))
        return stamp_na(detail, cap, "the reflector is stateless");
    return path_hint(stamp_tlvck_pairs(obs, detail, cap, arg->type,
                                       arg->flags & (P_AWARE | P_WELLFORMED),
                                       rule),
                     rule->path, detail, cap);
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_sends)
{
    const struct stamp_tlv_rule *rule = arg->data;
    return sends(obs, detail, cap, arg->type, rule);
}

/* see stamp_tlv_checks_base.h */
int stamp_tlvck_fail(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return 0;
}

/* see stamp_tlv_checks_base.h */
int stamp_tlvck_missing(uint8_t type, char *why, size_t n)
{
    return stamp_tlvck_fail(why, n,
                            "the reply has no type-%u TLV for the request's "
                            "(expected it reflected)",
                            type);
}
