/* STAMP TLV checks for the drafts stamp-suite implements:
 * draft-ietf-ippm-asymmetrical-pkts-14, draft-ietf-ippm-stamp-ext-hdr-07
 * and draft-gandhi-ippm-stamp-ber-05. Table: cases/stamp_drafts.c. */
#include "stamp_tlv_checks_base.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"

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
        !stamp_tlvck_region(o, e->req, e->req_len, &q2))
        return -1;
    size_t fixed = fixed_len(o, &q2);
    size_t want = ((size_t)c.reply_len + 3u) & ~(size_t)3u;
    if (want < fixed)
        want = fixed;
    if (e->rep_len != want)
        return stamp_tlvck_fail(
            why, n,
            "reply of %zu octets, C = 0, for a request asking "
            "%u (expected %zu: the largest of %zu and the "
            "request rounded up to 4)",
            e->rep_len, c.reply_len, want, fixed);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_asym_len = {
    .pair = p_asym_len,
    .none = "no conformant (C = 0) reply to a Reflected Test Packet "
            "Control TLV"};

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_refl_asym_zero)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    unsigned unrecognised = 0;
    bool is_aware = stamp_tlvck_aware(obs);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_tlv t;
        struct stamp_tlv_refl_control c;
        if (!stamp_tlvck_req_first(obs, e, STAMP_TLV_REFL_CONTROL, &t) ||
            stamp_tlv_refl_control_decode(&t, &c) != IPPM_OK || c.count)
            continue;
        if (stamp_tlvck_replied_anyway(obs, e, STAMP_TLV_REFL_CONTROL, is_aware,
                                       &a, &unrecognised))
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": Number of Reflected Packets 0, a "
                           "reply came (expected none)",
                           stamp_req_seq(e));
    }
    return stamp_acc_end(
        &a, unrecognised ? STAMP_TLVCK_UNRECOGNISED
                         : "no request asked for zero reflected packets");
}

PAIR(p_asym_padding)
{
    (void)q;
    struct side r2;
    if (!r || !stamp_tlvck_region(o, e->rep, e->rep_len, &r2))
        return -1;
    if (e->rep_len <= fixed_len(o, &r2))
        return -1;
    struct stamp_tlv t;
    if (!stamp_tlvck_wellformed(&r2) ||
        !stamp_tlvck_nth(&r2, STAMP_TLV_PADDING, 0, &t))
        return stamp_tlvck_fail(why, n,
                                "reply grown to %zu octets without an Extra "
                                "Padding TLV making up the length",
                                e->rep_len);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_asym_padding = {
    .pair = p_asym_padding, .none = "no reply longer than its base and TLVs"};

SEND(s_asym_c)
{
    UNUSED4;
    (void)qs;
    if (t->flags & STAMP_TLV_C)
        return stamp_tlvck_fail(
            why, n,
            "Reflected Test Packet Control TLV sent with C = 1 "
            "(expected 0)");
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
    if (t->len < 12)
        return stamp_tlvck_fail(why, n,
                                "Reflected Test Packet Control TLV Length %u "
                                "(expected 12 or more)",
                                t->len);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_asym_min = {
    .send = s_asym_min,
    .none = "no packet carried a Reflected Test Packet Control TLV"};

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_refl_asym_cap)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct side q;
        struct stamp_tlv t;
        struct stamp_tlv_refl_control c;
        if (!e->rep || !stamp_tlvck_region(obs, e->req, e->req_len, &q))
            continue;
        size_t allowed = e->req_len;
        if (stamp_tlvck_nth(&q, STAMP_TLV_REFL_CONTROL, 0, &t) &&
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
        return stamp_tlvck_missing(q->type, why, n);
    if (r->len != q->len)
        return stamp_tlvck_fail(
            why, n,
            "type-%u header TLV of %u octets came back with %u "
            "(expected the same length)",
            q->type, q->len, r->len);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_hdr_len = {
    .pair = p_hdr_len,
    .none = "no request carried a reflected-header TLV (246, 247)"};

/* A type-246 value filled in: other than sent, and opening with a
 * whole IPv6 extension header ((Hdr Ext Len + 1) * 8 octets, RFC 8200
 * §4.3) that fits; its first octets (Next Header, Hdr Ext Len, the first
 * option) are where it differs from a zeroed request most often. */
static bool ext_hdr_filled(const struct stamp_tlv *q, const struct stamp_tlv *r)
{
    return r->len >= 8 && ((size_t)r->value[1] + 1u) * 8u <= r->len &&
           memcmp(r->value, q->value, r->len) != 0;
}

PAIR(p_hdr_flag)
{
    UNUSED4;
    if (q->type != STAMP_TLV_EXT_HDR && q->type != STAMP_TLV_IP_HDR)
        return -1;
    if (!r || r->len != q->len)
        return -1;
    bool filled =
        q->type == STAMP_TLV_EXT_HDR
            ? ext_hdr_filled(q, r)
            : q->len > 4 && memcmp(r->value + 4, q->value + 4, q->len - 4u);
    if (!filled && !(r->flags & STAMP_TLV_U))
        return stamp_tlvck_fail(
            why, n,
            "type-%u header TLV came back unfilled with U = 0 "
            "(expected the header, or U = 1)",
            q->type);
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
    if (stamp_tlvck_nth(q, STAMP_TLV_BER_PATTERN, 0, &t) && t.len) {
        pat = t.value;
        pl = t.len;
    }
    *bits = *burst = 0;
    uint32_t run = 0;
    bool any = false;
    for (unsigned k = 0; stamp_tlvck_nth(q, STAMP_TLV_PADDING, k, &t); k++) {
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
    if (!r || r->len != 4 || !stamp_tlvck_region(o, e->req, e->req_len, &q) ||
        !ber_of(&q, &bits, &run))
        return -1;
    uint32_t want = burst ? run : bits, got = ippm_load_u32(r->value);
    if (got != want)
        return stamp_tlvck_fail(
            why, n,
            "%s %" PRIu32 " (expected %" PRIu32 " from the "
            "padding received)",
            burst ? "Max Bit Error Burst" : "Bit Error Count", got, want);
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
    if (!r || !stamp_tlvck_region(o, e->req, e->req_len, &q2) ||
        !stamp_tlvck_nth(&q2, STAMP_TLV_BER_PATTERN, 0, &pt) || !pt.len ||
        r->len != q->len)
        return -1;
    for (size_t i = 0; i < r->len; i++)
        if (r->value[i] != pt.value[i % pt.len])
            return stamp_tlvck_fail(
                why, n,
                "reflected padding octet %zu is 0x%02x (expected "
                "the pattern's 0x%02x)",
                i, r->value[i], pt.value[i % pt.len]);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ber_repair = {
    .pair = p_ber_repair, .none = "no padded request carried a BER pattern"};

SEND(s_ber_pattern)
{
    UNUSED4;
    struct stamp_tlv pt;
    if (!stamp_tlvck_nth(qs, STAMP_TLV_BER_PATTERN, 0, &pt) || !pt.len)
        return -1;
    for (size_t i = 0; i < t->len; i++)
        if (t->value[i] != pt.value[i % pt.len])
            return stamp_tlvck_fail(why, n,
                                    "padding octet %zu is 0x%02x (expected the "
                                    "pattern's 0x%02x)",
                                    i, t->value[i], pt.value[i % pt.len]);
    if (t->len % pt.len)
        return stamp_tlvck_fail(
            why, n,
            "padding of %u octets is no whole number of %u-octet "
            "patterns",
            t->len, pt.len);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_ber_pattern = {
    .send = s_ber_pattern, .none = "no padded packet carried a BER pattern"};

/* see stamp_tlv_checks_base.h */
unsigned stamp_tlvck_asked_replies(const struct ippm_obs *o,
                                   const struct ippm_exchange *e)
{
    struct stamp_tlv q, r;
    struct stamp_tlv_refl_control c;
    struct side rs;
    if (!e->rep || !stamp_tlvck_req_first(o, e, STAMP_TLV_REFL_CONTROL, &q) ||
        stamp_tlv_refl_control_decode(&q, &c) != IPPM_OK || c.count < 2 ||
        !stamp_tlvck_region(o, e->rep, e->rep_len, &rs) ||
        !stamp_tlvck_nth(&rs, STAMP_TLV_REFL_CONTROL, 0, &r) ||
        (r.flags & (STAMP_TLV_U | STAMP_TLV_C)))
        return 1;
    return c.count;
}

/* How far the copies of e may stray from (count - 1) x Interval after the
 * first reply: half the span, and 2 ms for the two hosts' scheduling. */
static uint64_t asym_tolerance(uint64_t span_ns)
{
    return span_ns / 2u + 2000000u;
}

/* One request that asked for more than one reply: did it get them? */
static void asym_count_one(const struct ippm_obs *o,
                           const struct ippm_exchange *e,
                           struct stamp_acc *a)
{
    struct stamp_tlv q;
    struct stamp_tlv_refl_control c;
    if (!e->rep || !stamp_tlvck_req_first(o, e, STAMP_TLV_REFL_CONTROL, &q) ||
        stamp_tlv_refl_control_decode(&q, &c) != IPPM_OK || c.count < 2 ||
        stamp_tlvck_rep_tlv_u(o, e, STAMP_TLV_REFL_CONTROL))
        return;
    unsigned want = stamp_tlvck_asked_replies(o, e);
    a->n++;
    if (e->n_replies != want) {
        stamp_acc_fail(a,
                       "seq %" PRIu32 ": %u replies to a request asking %u, "
                       "C = %d (expected %u: %s)",
                       stamp_req_seq(e), e->n_replies, (unsigned)c.count,
                       want == 1, want,
                       want == 1 ? "one, beyond its limits"
                                 : "the number asked, within its limits");
        return;
    }
    if (want < 2 || e->in_flight || !e->last_rep_ns)
        return;
    uint64_t span = (uint64_t)(want - 1u) * c.interval_ns;
    uint64_t got = e->last_rep_ns > e->rep_ns ? e->last_rep_ns - e->rep_ns : 0;
    uint64_t off = got > span ? got - span : span - got;
    if (off > asym_tolerance(span))
        stamp_acc_fail(a,
                       "seq %" PRIu32 ": %u replies over %.3f ms (expected "
                       "%.3f ms: %u intervals of %.3f ms, +/- %.3f ms)",
                       stamp_req_seq(e), want, (double)got / 1e6,
                       (double)span / 1e6, want - 1u,
                       (double)c.interval_ns / 1e6,
                       (double)asym_tolerance(span) / 1e6);
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_refl_asym_count)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++)
        asym_count_one(obs, &obs->ex[i], &a);
    return stamp_acc_end(&a, "no request asked for more than one reflected "
                             "packet and was answered");
}
