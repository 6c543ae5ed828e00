/* STAMP TLV checks, RFC 8972 §4.3 Timestamp Information, §4.4 Class of
 * Service, §4.5 Direct Measurement, §4.6 Access Report, §4.7 Follow-Up
 * Telemetry and §4.8 HMAC. Table: cases/stamp_8972.c. */
#include "stamp_tlv_checks_base.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"

/* ================= §4.3 Timestamp Information ================= */

static bool code_ok(uint8_t v)
{
    return v != 0 && v != 255;
}

/* Sync Src (Table 7) or Timestamp method (Table 9), In and Out: rule->k
 * is the table, rule->what the field's name. */
PAIR(p_ts_codes)
{
    (void)q;
    struct stamp_tlv_tsinfo ti;
    if (!r)
        return stamp_tlvck_missing(STAMP_TLV_TSINFO, why, n);
    if (stamp_tlv_tsinfo_decode(r, &ti) != IPPM_OK)
        return -1;
    bool sync = rule->k == 7;
    uint8_t in = sync ? ti.sync_in : ti.ts_in;
    uint8_t out = sync ? ti.sync_out : ti.ts_out;
    if (!code_ok(in) || !code_ok(out))
        return stamp_tlvck_fail(why, n,
                                "%s In %u, Out %u (expected values of Table "
                                "%u, not the reserved 0 or 255)",
                                rule->what, in, out, rule->k);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ts_sync = {
    .pair = p_ts_codes,
    .none = "no request carried a Timestamp Information TLV",
    .what = "Sync Src",
    .k = 7};
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ts_method = {
    .pair = p_ts_codes,
    .none = "no request carried a Timestamp Information TLV",
    .what = "Timestamp",
    .k = 9};

SEND(s_ts_zero)
{
    UNUSED4;
    (void)qs;
    if (t->len >= 4 && !stamp_tlv_all_zero(t->value, 4))
        return stamp_tlvck_fail(
            why, n,
            "Timestamp Information sent with fields filled in "
            "(expected zeros)");
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_ts_zero = {
    .send = s_ts_zero, .none = "no packet carried a Timestamp Information TLV"};

/* ================= §4.4 Class of Service ================= */

PAIR(p_present)
{
    UNUSED4;
    return r ? 1 : stamp_tlvck_missing(q->type, why, n);
}

/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_present = {
    .pair = p_present, .none = "no request carried a CoS TLV"};

PAIR(p_cos_dscp2)
{
    (void)o, (void)q;
    struct stamp_tlv_cos c;
    if (!e->tos_known)
        return -1;
    if (!r)
        return stamp_tlvck_missing(STAMP_TLV_COS, why, n);
    if (stamp_tlv_cos_decode(r, &c) != IPPM_OK)
        return -1;
    if (c.dscp2 != e->req_tos >> 2 || c.ecn != (e->req_tos & 3))
        return stamp_tlvck_fail(
            why, n,
            "DSCP2 %u, ECN %u; the request arrived with DSCP "
            "%u, ECN %u (expected those)",
            c.dscp2, c.ecn, e->req_tos >> 2, e->req_tos & 3);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_dscp2 = {
    .pair = p_cos_dscp2, .none = "no CoS TLV whose request TOS is known",
    .path = IPPM_PATH_REMARK};

PAIR(p_cos_dscp1_used)
{
    (void)o;
    struct stamp_tlv_cos cq, cr;
    if (!e->tos_known || !r || stamp_tlv_cos_decode(q, &cq) != IPPM_OK ||
        stamp_tlv_cos_decode(r, &cr) != IPPM_OK || cr.rp != 0)
        return -1;
    if (e->rep_tos >> 2 != cq.dscp1)
        return stamp_tlvck_fail(
            why, n,
            "RP = 0 but the reply carried DSCP %u (expected "
            "DSCP1 = %u)",
            e->rep_tos >> 2, cq.dscp1);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_dscp1_used = {
    .pair = p_cos_dscp1_used, .none = "no CoS reply with RP = 0 and known TOS",
    .path = IPPM_PATH_REMARK};

PAIR(p_cos_rp)
{
    (void)o, (void)q;
    struct stamp_tlv_cos cr;
    if (!e->tos_known || !r || stamp_tlv_cos_decode(r, &cr) != IPPM_OK ||
        cr.rp == 0)
        return -1;
    if (cr.rp != 1 || e->rep_tos >> 2 != e->req_tos >> 2)
        return stamp_tlvck_fail(
            why, n,
            "RP = %u, reply DSCP %u, request DSCP %u (expected "
            "RP = 1 and the request's DSCP)",
            cr.rp, e->rep_tos >> 2, e->req_tos >> 2);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_rp = {
    .pair = p_cos_rp, .none = "no CoS reply refused DSCP1 (RP set)",
    .path = IPPM_PATH_REMARK};

SEND(s_cos_rp)
{
    UNUSED4;
    (void)qs;
    struct stamp_tlv_cos c;
    if (stamp_tlv_cos_decode(t, &c) != IPPM_OK)
        return -1;
    if (c.rp)
        return stamp_tlvck_fail(why, n,
                                "CoS TLV sent with RP = %u (expected 0)", c.rp);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_cos_rp = {
    .send = s_cos_rp, .none = "no packet carried a CoS TLV"};

PAIR(p_cos_reserved)
{
    UNUSED4;
    (void)q;
    struct stamp_tlv_cos c;
    if (!r || stamp_tlv_cos_decode(r, &c) != IPPM_OK)
        return -1;
    if (c.reserved_nonzero)
        return stamp_tlvck_fail(why, n,
                                "CoS Reserved field is not zero (expected 0)");
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_reserved = {
    .pair = p_cos_reserved, .none = "no request carried a CoS TLV"};

/* ================= §4.5 Direct Measurement ================= */

/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dm_present = {
    .pair = p_present, .none = "no request carried a Direct Measurement TLV"};

PAIR(p_dm_stxc)
{
    UNUSED4;
    struct stamp_tlv_direct a, b;
    if (!r)
        return stamp_tlvck_missing(q->type, why, n);
    if (stamp_tlv_direct_decode(q, &a) != IPPM_OK ||
        stamp_tlv_direct_decode(r, &b) != IPPM_OK)
        return -1;
    if (a.s_txc != b.s_txc)
        return stamp_tlvck_fail(why, n,
                                "S_TxC %" PRIu32 " came back as %" PRIu32
                                " (expected a copy)",
                                a.s_txc, b.s_txc);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dm_stxc = {
    .pair = p_dm_stxc, .none = "no request carried a Direct Measurement TLV"};

/* A reflector counter: not zero once this packet counted, and never
 * below what the previous reply of the session said. rule->k is its
 * offset in the value (4 R_RxC, 8 R_TxC), rule->what its name. */
PAIR(p_dm_counter)
{
    (void)q;
    size_t field = rule->k;
    const char *name = rule->what;
    struct stamp_tlv_direct d;
    if (!r || stamp_tlv_direct_decode(r, &d) != IPPM_OK)
        return -1;
    uint32_t v = field == 4 ? d.r_rxc : d.r_txc;
    if (v == 0)
        return stamp_tlvck_fail(why, n,
                                "%s is 0 (expected the count, this packet "
                                "included)",
                                name);
    const struct ippm_exchange *p = stamp_tlvck_prev_in_session(o, e, false);
    struct side ps;
    struct stamp_tlv pt;
    if (p && stamp_tlvck_region(o, p->rep, p->rep_len, &ps) &&
        stamp_tlvck_nth(&ps, STAMP_TLV_DIRECT, 0, &pt) && pt.len == 12) {
        uint32_t pv = ippm_load_u32(pt.value + field);
        if (v <= pv)
            return stamp_tlvck_fail(why, n,
                                    "%s %" PRIu32 " after %" PRIu32 " in the "
                                    "previous reply (expected it to grow)",
                                    name, v, pv);
    }
    return 1;
}

/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dm_rrxc = {
    .pair = p_dm_counter,
    .none = "no request carried a Direct Measurement TLV",
    .what = "R_RxC",
    .k = 4};
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dm_rtxc = {
    .pair = p_dm_counter,
    .none = "no request carried a Direct Measurement TLV",
    .what = "R_TxC",
    .k = 8};

SEND(s_dm_stxc)
{
    (void)why;
    (void)qs;
    struct stamp_tlv_direct d;
    if (stamp_tlv_direct_decode(t, &d) != IPPM_OK)
        return -1;
    if (d.s_txc == 0)
        return stamp_tlvck_fail(
            why, n,
            "S_TxC is 0 (expected the packets sent, this one "
            "included)");
    const struct ippm_exchange *p = stamp_tlvck_prev_in_session(o, e, true);
    struct side ps;
    struct stamp_tlv pt;
    if (p && stamp_tlvck_region(o, p->req, p->req_len, &ps) &&
        stamp_tlvck_nth(&ps, STAMP_TLV_DIRECT, 0, &pt) && pt.len == 12 &&
        d.s_txc <= ippm_load_u32(pt.value))
        return stamp_tlvck_fail(why, n,
                                "S_TxC %" PRIu32 " after %" PRIu32 " in the "
                                "previous packet (expected it to grow)",
                                d.s_txc, ippm_load_u32(pt.value));
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_dm_stxc = {
    .send = s_dm_stxc, .none = "no packet carried a Direct Measurement TLV"};

SEND(s_dm_zero)
{
    UNUSED4;
    (void)qs;
    struct stamp_tlv_direct d;
    if (stamp_tlv_direct_decode(t, &d) != IPPM_OK)
        return -1;
    if (d.r_rxc || d.r_txc)
        return stamp_tlvck_fail(why, n,
                                "R_RxC %" PRIu32 ", R_TxC %" PRIu32
                                " (expected 0 "
                                "from the sender)",
                                d.r_rxc, d.r_txc);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_dm_zero = {
    .send = s_dm_zero, .none = "no packet carried a Direct Measurement TLV"};

/* ================= §4.6 Access Report ================= */

/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ar_present = {
    .pair = p_present, .none = "no request carried an Access Report TLV"};

PAIR(p_ar_copy)
{
    UNUSED4;
    struct stamp_tlv_access a, b;
    if (!r)
        return stamp_tlvck_missing(q->type, why, n);
    if (stamp_tlv_access_decode(q, &a) != IPPM_OK ||
        stamp_tlv_access_decode(r, &b) != IPPM_OK || (a.id != 1 && a.id != 2))
        return -1;
    if (a.id != b.id || a.code != b.code)
        return stamp_tlvck_fail(
            why, n,
            "Access ID %u, Return Code %u came back as %u, %u "
            "(expected equal)",
            a.id, a.code, b.id, b.code);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ar_copy = {
    .pair = p_ar_copy, .none = "no request carried a valid Access Report TLV"};

SEND(s_ar_id)
{
    UNUSED4;
    (void)qs;
    struct stamp_tlv_access a;
    if (stamp_tlv_access_decode(t, &a) != IPPM_OK)
        return -1;
    if (a.id != 1 && a.id != 2)
        return stamp_tlvck_fail(why, n, "Access ID %u (expected 1 or 2)", a.id);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_ar_id = {
    .send = s_ar_id, .none = "no packet carried an Access Report TLV"};

SEND(s_ar_resv)
{
    UNUSED4;
    (void)qs;
    struct stamp_tlv_access a;
    if (stamp_tlv_access_decode(t, &a) != IPPM_OK)
        return -1;
    if (a.reserved_nonzero)
        return stamp_tlvck_fail(why, n,
                                "Access Report Resv or Reserved not zero "
                                "(expected 0)");
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_ar_resv = {
    .send = s_ar_resv, .none = "no packet carried an Access Report TLV"};

/* ================= §4 Private Use TLVs ================= */

/* RFC 8972 §5.1 (Table 10): STAMP TLV Types 252-254 are Private Use; the
 * first four value octets are then the vendor's Enterprise Code. */
SEND(s_private_len)
{
    UNUSED4;
    (void)qs;
    if (t->type < 252 || t->type > 254)
        return -1;
    if (t->len < 4)
        return stamp_tlvck_fail(why, n,
                                "Private Use TLV type %u sent with Length %u "
                                "(expected at least 4, the Enterprise Code)",
                                t->type, t->len);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_private_len = {
    .send = s_private_len,
    .none = "no packet carried a Private Use TLV (types 252-254)"};

/* ================= §4.7 Follow-Up Telemetry ================= */

SEND(s_fu_zero)
{
    UNUSED4;
    (void)qs;
    struct stamp_tlv_followup f;
    if (stamp_tlv_followup_decode(t, &f) != IPPM_OK)
        return -1;
    if (f.seq || f.ts)
        return stamp_tlvck_fail(why, n,
                                "Follow-Up Sequence Number %" PRIu32
                                ", Timestamp "
                                "0x%016" PRIx64 " (expected zeros)",
                                f.seq, f.ts);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_fu_zero = {
    .send = s_fu_zero, .none = "no packet carried a Follow-Up Telemetry TLV"};

PAIR(p_fu_stateless)
{
    UNUSED4;
    (void)q;
    struct stamp_tlv_followup f;
    if (!r)
        return stamp_tlvck_missing(STAMP_TLV_FOLLOWUP, why, n);
    if (stamp_tlv_followup_decode(r, &f) != IPPM_OK)
        return -1;
    if (f.seq || f.ts)
        return stamp_tlvck_fail(
            why, n,
            "stateless reflector reported Follow-Up Sequence "
            "Number %" PRIu32 " (expected it and the Timestamp zeroed)",
            f.seq);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_fu_stateless = {
    .pair = p_fu_stateless, .none = "no request carried a Follow-Up TLV"};

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_refl_fu_malformed)
{
    enum ippm_verdict v =
        stamp_tlvck_malformed(obs, detail, cap, STAMP_TLV_FOLLOWUP, false);
    if (v != IPPM_PASS)
        return v;
    /* And the two fields, as far as they go, zeroed. */
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct side q, r;
        size_t off;
        int mt;
        if (!e->rep || !stamp_tlvck_region(obs, e->req, e->req_len, &q) ||
            !stamp_tlvck_first_malformed(&q, &off, &mt) ||
            mt != STAMP_TLV_FOLLOWUP)
            continue;
        stamp_tlvck_region(obs, e->rep, e->rep_len, &r);
        size_t l = ippm_load_u16(q.p + off + 2);
        size_t z = l < 12 ? l : 12;
        a.n++;
        if (r.n < off + 4 + z || !stamp_tlv_all_zero(r.p + off + 4, z))
            stamp_acc_fail(
                &a,
                "seq %" PRIu32 ": stamp_tlvck_malformed Follow-Up TLV came "
                "back with its Sequence Number or Timestamp not zeroed",
                stamp_req_seq(e));
    }
    return stamp_acc_end(
        &a, "no request carried a stamp_tlvck_malformed Follow-Up TLV");
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
        !rep_pkt(o, stamp_tlvck_prev_in_session(o, e, false), &prev))
        return -1;
    if (prev.seq + 1 != cur.seq)
        return -1; /* the previous reply was not seen */
    if (f.seq != prev.seq)
        return stamp_tlvck_fail(why, n,
                                "Follow-Up Sequence Number %" PRIu32
                                ", previous "
                                "reply was %" PRIu32 " (expected that)",
                                f.seq, prev.seq);
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
        !rep_pkt(o, stamp_tlvck_prev_in_session(o, e, false), &prev) ||
        prev.seq + 1 != cur.seq || f.seq != prev.seq)
        return -1;
    uint64_t t = ts_ns(f.ts, cur.errest);
    uint64_t lo = ts_ns(prev.ts, prev.errest), hi = ts_ns(cur.ts, cur.errest);
    if (t < lo || t > hi)
        return stamp_tlvck_fail(
            why, n,
            "Follow-Up Timestamp is %s the previous reply's "
            "Timestamp window (expected between its Timestamp and this "
            "reply's)",
            t < lo ? "before" : "after");
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
    if (!code_ok(f.mode))
        return stamp_tlvck_fail(why, n,
                                "Timestamp M %u with a Follow-Up Timestamp "
                                "(expected a Table 9 value)",
                                f.mode);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_fu_mode = {
    .pair = p_fu_mode, .none = "no Follow-Up reply carried a timestamp"};

SEND(s_fu_len)
{
    UNUSED4;
    (void)qs;
    if (t->len != 16)
        return stamp_tlvck_fail(why, n,
                                "Follow-Up Telemetry TLV Length %u (expected "
                                "16)",
                                t->len);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_fu_len = {
    .send = s_fu_len, .none = "no packet carried a Follow-Up Telemetry TLV"};

/* The three Reserved octets after Timestamp M; who names the role. */
static int fu_reserved(const struct stamp_tlv *t, const char *who, char *why,
                       size_t n)
{
    struct stamp_tlv_followup f;
    if (stamp_tlv_followup_decode(t, &f) != IPPM_OK)
        return -1;
    if (f.reserved_nonzero)
        return stamp_tlvck_fail(why, n,
                                "%s Follow-Up Telemetry TLV has a non-zero "
                                "Reserved field",
                                who);
    return 1;
}
SEND(s_fu_reserved)
{
    UNUSED4;
    (void)qs;
    return fu_reserved(t, "sent", why, n);
}
PAIR(p_fu_reserved)
{
    UNUSED4;
    (void)q;
    if (!r)
        return stamp_tlvck_missing(STAMP_TLV_FOLLOWUP, why, n);
    return fu_reserved(r, "reflected", why, n);
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_fu_reserved = {
    .send = s_fu_reserved,
    .none = "no packet carried a well-formed Follow-Up Telemetry TLV"};
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_fu_reserved = {
    .pair = p_fu_reserved,
    .none = "no reply carried a well-formed Follow-Up Telemetry TLV"};

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

enum hm_kind {
    HM_PRESENT = STAMP_TLV_HMAC_PRESENT,
    HM_LAST = STAMP_TLV_HMAC_LAST,
    HM_VALID = STAMP_TLV_HMAC_VALID
};

static enum ippm_verdict hmac_side(const struct ippm_obs *o, char *d,
                                   size_t cap, bool reply, enum hm_kind k)
{
    if (k == HM_PRESENT && !o->auth)
        return stamp_na(d, cap,
                        "unauthenticated mode: the HMAC TLV is optional");
    if (k == HM_VALID && !stamp_obs_has_key(o))
        return stamp_na(d, cap, "no key given: HMAC TLVs cannot be checked");
    struct stamp_acc a = stamp_acc_make(d, cap);
    struct ippm_hmac_key key = stamp_obs_key(o);
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        const uint8_t *pkt = reply ? e->rep : e->req;
        size_t len = reply ? e->rep_len : e->req_len;
        struct side s, q;
        struct stamp_tlv t;
        if (!stamp_tlvck_region(o, pkt, len, &s))
            continue;
        if (reply &&
            (!stamp_tlvck_region(o, e->req, e->req_len, &q) ||
             (stamp_tlvck_flags_or(&s) & (STAMP_TLV_I | STAMP_TLV_M)) ||
             stamp_tlvck_req_hmac_bad(o, e, &q)))
            continue;
        bool has = stamp_tlvck_nth(&s, STAMP_TLV_HMAC, 0, &t);
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
            if (!stamp_tlvck_hmac_last(&s))
                stamp_acc_fail(
                    &a,
                    "seq %" PRIu32 ": a TLV other than Extra "
                    "Padding follows the HMAC TLV (expected it last)",
                    stamp_req_seq(e));
            break;
        case HM_VALID:
            if (!has || t.len != 16)
                continue;
            a.n++;
            if (stamp_tlv_hmac_check(&key, pkt, len, stamp_obs_base(o),
                                     t.off) != IPPM_OK)
                stamp_acc_fail(&a,
                               "seq %" PRIu32 ": HMAC TLV does not verify over "
                               "the Sequence Number and the TLVs before it",
                               stamp_req_seq(e));
            break;
        }
    }
    return stamp_acc_end(&a, k == HM_PRESENT
                                 ? "no packet with TLVs needing an HMAC"
                                 : "no packet carried an HMAC TLV");
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_hmac)
{
    if ((arg->flags & STAMP_TLV_ROW_REFL) &&
        stamp_tlvck_uncopied(obs, detail, cap))
        return IPPM_NA;
    if ((arg->flags & STAMP_TLV_ROW_AWARE) && !stamp_tlvck_aware(obs))
        return stamp_na(detail, cap, STAMP_TLVCK_NOT_AWARE);
    return hmac_side(obs, detail, cap, (arg->flags & STAMP_TLV_ROW_REFL) != 0,
                     (enum hm_kind)arg->type);
}

/* A request that fails its HMAC TLV: misplaced, one followed by a TLV
 * other than Extra Padding (§4.8 "any other position"); else one whose
 * digest does not verify. */
static bool req_hmac_fails(const struct ippm_obs *o,
                           const struct ippm_exchange *e, const struct side *q,
                           bool misplaced)
{
    struct stamp_tlv t;
    if (misplaced)
        return stamp_tlvck_nth(q, STAMP_TLV_HMAC, 0, &t) &&
               !stamp_tlvck_hmac_last(q);
    return stamp_tlvck_req_hmac_bad(o, e, q);
}

/* Requests whose HMAC TLV fails: I on every reply TLV, or the TLVs
 * copied (flags aside). */
static enum ippm_verdict hmac_failed(const struct ippm_obs *o, char *d,
                                     size_t cap, bool copied, bool misplaced)
{
    if (!stamp_obs_has_key(o))
        return stamp_na(d, cap, "no key given: HMAC TLVs cannot be checked");
    if (stamp_tlvck_uncopied(o, d, cap))
        return IPPM_NA;
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        struct side q, r;
        if (!e->rep || !stamp_tlvck_region(o, e->req, e->req_len, &q) ||
            !req_hmac_fails(o, e, &q, misplaced))
            continue;
        stamp_tlvck_region(o, e->rep, e->rep_len, &r);
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
    return stamp_acc_end(&a, misplaced ? "no request with an HMAC TLV before "
                                         "another TLV was answered"
                                       : "no request with a failing HMAC TLV "
                                         "was answered");
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_hmac_failed)
{
    return hmac_failed(obs, detail, cap,
                       (arg->flags & STAMP_TLV_ROW_COPIED) != 0,
                       (arg->flags & STAMP_TLV_ROW_MISPLACED) != 0);
}

SEND(s_hmac_len)
{
    UNUSED4;
    (void)qs;
    if (t->len != 16)
        return stamp_tlvck_fail(why, n, "HMAC TLV Length %u (expected 16)",
                                t->len);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_hmac_len = {
    .send = s_hmac_len, .none = "no packet carried an HMAC TLV"};
