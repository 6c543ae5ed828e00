/* STAMP TLV checks, RFC 9503: Destination Node Address (§3) and Return
 * Path (§4). Table: cases/stamp_9503.c. */
#include "stamp_tlv_checks_base.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"

/* ================= RFC 9503 ================= */

SEND(s_dna_ssid)
{
    UNUSED4;
    (void)t, (void)qs;
    size_t off =
        stamp_obs_pkt_layout(o, STAMP_PKT_SENDER)->field[STAMP_F_SSID].off;
    if (ippm_load_u16(e->req + off) == 0)
        return stamp_tlvck_fail(why, n,
                                "Destination Node Address TLV sent with SSID 0 "
                                "(expected an SSID)");
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_dna_ssid = {
    .send = s_dna_ssid,
    .none = "no packet carried a Destination Node Address TLV"};

/* RFC 9503 §3, §4: the reply's U says whether the reflector could do
 * what the request TLV q asked. rule->k is the U the reply must carry
 * for a request the caller picked, rule->what the failure. */
static int u_as_promised(const struct stamp_tlv_rule *rule,
                         const struct stamp_tlv *q, const struct stamp_tlv *r,
                         char *why, size_t n)
{
    if (!r)
        return stamp_tlvck_missing(q->type, why, n);
    if (((r->flags & STAMP_TLV_U) != 0) != (rule->k != 0))
        return stamp_tlvck_fail(why, n, "%s", rule->what);
    return 1;
}

PAIR(p_dna_u_other)
{
    (void)o;
    if (e->req_dst.family == IPPM_AF_NONE ||
        stamp_tlvck_same_ip(&e->req_dst, q->value, q->len))
        return -1;
    return u_as_promised(rule, q, r, why, n);
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dna_u_other = {
    .pair = p_dna_u_other,
    .none = "no Destination Node Address TLV named another node",
    .what = "Destination Node Address is not the reflector's, "
            "the reply says U = 0 (expected 1)",
    .k = 1};

PAIR(p_dna_u_self)
{
    (void)o;
    if (!stamp_tlvck_same_ip(&e->req_dst, q->value, q->len))
        return -1;
    return u_as_promised(rule, q, r, why, n);
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dna_u_self = {
    .pair = p_dna_u_self,
    .none = "no Destination Node Address TLV named the reflector",
    .what = "Destination Node Address is the one the request "
            "went to, the reply says U = 1 (expected 0)",
    .k = 0};

/* The Destination Node Address is the reflector's (the request went to
 * it): the reply should come from it. */
PAIR(p_dna_src)
{
    (void)o;
    if (!r || !stamp_tlvck_same_ip(&e->req_dst, q->value, q->len) ||
        e->rep_src.family == IPPM_AF_NONE)
        return -1;
    if (!stamp_tlvck_same_ip(&e->rep_src, q->value, q->len))
        return stamp_tlvck_fail(why, n,
                                "the reply came from another address than "
                                "the Destination Node Address, which is the "
                                "reflector's (expected it as the source)");
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_dna_src = {
    .pair = p_dna_src,
    .none = "no reply to a Destination Node Address TLV naming the "
            "reflector, from a known address",
    .path = IPPM_PATH_NAT};

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_send_rp_one)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct side q;
        unsigned c;
        if (!stamp_tlvck_region(obs, e->req, e->req_len, &q) ||
            !(c = stamp_tlvck_count_type(&q, STAMP_TLV_RETURN_PATH)))
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
        stamp_tlvck_same_ip(&e->req_src, c.first_addr->value,
                            c.first_addr->len))
        return -1;
    /* The reply came back to the request's source, not to the Return
     * Address: the path was not followed. */
    return u_as_promised(rule, q, r, why, n);
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_rp_u_cannot = {
    .pair = p_rp_u_cannot,
    .none = "no Return Path TLV asked for another return address",
    .what = "reply came to the sender, not the Return Address, "
            "with U = 0 (expected 1)",
    .k = 1};

PAIR(p_rp_u_can)
{
    (void)o;
    struct rp_count c;
    rp_count(q, &c);
    if (c.control || c.seg || c.addr != 1 ||
        !stamp_tlvck_same_ip(&e->req_src, c.first_addr->value,
                             c.first_addr->len))
        return -1;
    return u_as_promised(rule, q, r, why, n);
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_rp_u_can = {
    .pair = p_rp_u_can,
    .none = "no Return Path TLV named the sender's own address",
    .what = "Return Address is the sender's own and the reply "
            "came there, with U = 1 (expected 0)",
    .k = 0};

SEND(s_rp_sub_once)
{
    UNUSED4;
    (void)qs;
    struct rp_count c;
    rp_count(t, &c);
    if (c.control > 1 || c.addr > 1 || c.seg > 1)
        return stamp_tlvck_fail(
            why, n,
            "Return Path with %u control code, %u address, %u "
            "segment list sub-TLVs (expected one of each at most)",
            c.control, c.addr, c.seg);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_rp_sub_once = {
    .send = s_rp_sub_once, .none = "no packet carried a Return Path TLV"};

SEND(s_rp_exclusive)
{
    UNUSED4;
    (void)qs;
    struct rp_count c;
    rp_count(t, &c);
    if (c.control && (c.addr || c.seg))
        return stamp_tlvck_fail(
            why, n,
            "Return Path with a Control Code and an address or "
            "segment list (expected the control code alone)");
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_rp_exclusive = {
    .send = s_rp_exclusive, .none = "no packet carried a Return Path TLV"};

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_refl_rp_no_reply)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    unsigned unrecognised = 0;
    bool is_aware = stamp_tlvck_aware(obs);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_tlv t;
        struct rp_count c;
        if (!stamp_tlvck_req_first(obs, e, STAMP_TLV_RETURN_PATH, &t))
            continue;
        rp_count(&t, &c);
        if (!c.control || c.reply_bit)
            continue;
        if (stamp_tlvck_replied_anyway(obs, e, STAMP_TLV_RETURN_PATH, is_aware,
                                       &a, &unrecognised))
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": Control Code asked for no reply, "
                           "a %zu-octet reply came (expected none)",
                           stamp_req_seq(e), e->rep_len);
    }
    return stamp_acc_end(&a, unrecognised ? STAMP_TLVCK_UNRECOGNISED
                                          : "no request asked for no reply");
}

/* A request whose first Return Path TLV holds a Control Code with the
 * Reply Request flag reply_bit and other sub-TLVs beside it (RFC 9503
 * §4.1.1: those MUST be ignored). */
static bool rp_control_with_others(const struct ippm_obs *o,
                                   const struct ippm_exchange *e,
                                   bool reply_bit)
{
    struct stamp_tlv t;
    struct rp_count c;
    if (!stamp_tlvck_req_first(o, e, STAMP_TLV_RETURN_PATH, &t))
        return false;
    rp_count(&t, &c);
    return c.control == 1 && c.reply_bit == reply_bit && (c.addr || c.seg);
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_refl_rp_others_ignored)
{
    bool reply_bit = arg->type == 1;
    if (!stamp_tlvck_aware(obs))
        return stamp_na(detail, cap, STAMP_TLVCK_NOT_AWARE);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    unsigned unrecognised = 0;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!rp_control_with_others(obs, e, reply_bit))
            continue;
        if (e->in_flight) {
            a.in_flight++;
            continue;
        }
        if (!reply_bit) {
            if (stamp_tlvck_replied_anyway(obs, e, STAMP_TLV_RETURN_PATH, true,
                                           &a, &unrecognised))
                stamp_acc_fail(&a,
                               "seq %" PRIu32 ": Control Code 0x0 beside "
                               "other sub-TLVs, a %zu-octet reply came "
                               "(expected none: the others ignored)",
                               stamp_req_seq(e), e->rep_len);
            continue;
        }
        a.n++;
        if (!e->rep)
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": Control Code 0x1 beside other "
                           "sub-TLVs, no reply came back (expected one on "
                           "the same link: the others ignored)",
                           stamp_req_seq(e));
    }
    return stamp_acc_end(&a, unrecognised
                                 ? STAMP_TLVCK_UNRECOGNISED
                                 : "no request held a Control Code beside "
                                   "other Return Path sub-TLVs");
}

/* A Return Path TLV with a Control Code asking for no reply. */
static bool rp_asks_no_reply(const struct stamp_tlv *t)
{
    struct rp_count c;
    rp_count(t, &c);
    return c.control && !c.reply_bit;
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_refl_rp_first_only)
{
    (void)arg;
    if (!stamp_tlvck_aware(obs))
        return stamp_na(detail, cap, STAMP_TLVCK_NOT_AWARE);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    unsigned unrecognised = 0;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct side q;
        struct stamp_tlv first, t;
        if (!stamp_tlvck_region(obs, e->req, e->req_len, &q) ||
            !stamp_tlvck_nth(&q, STAMP_TLV_RETURN_PATH, 0, &first))
            continue;
        bool first_silent = rp_asks_no_reply(&first), later_silent = false;
        for (unsigned k = 1; stamp_tlvck_nth(&q, STAMP_TLV_RETURN_PATH, k, &t);
             k++)
            later_silent |= rp_asks_no_reply(&t);
        /* Graded when the first and a later one disagree on silence. */
        if (first_silent == later_silent || e->in_flight)
            continue;
        if (first_silent) {
            if (stamp_tlvck_replied_anyway(obs, e, STAMP_TLV_RETURN_PATH, true,
                                           &a, &unrecognised))
                stamp_acc_fail(&a,
                               "seq %" PRIu32 ": the first Return Path TLV "
                               "asked for no reply, a reply came (expected "
                               "the later ones ignored)",
                               stamp_req_seq(e));
            continue;
        }
        a.n++;
        if (!e->rep)
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": a later Return Path TLV asked "
                           "for no reply and none came (expected only the "
                           "first followed)",
                           stamp_req_seq(e));
    }
    return stamp_acc_end(&a, unrecognised
                                 ? STAMP_TLVCK_UNRECOGNISED
                                 : "no request held two Return Path TLVs, one "
                                   "asking for no reply");
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
        if ((nonempty && s.len == 0) || (mod && s.len % mod))
            return stamp_tlvck_fail(why, n,
                                    "segment list sub-TLV type %u of length %u "
                                    "(expected %s)",
                                    s.type, s.len,
                                    nonempty   ? "not 0"
                                    : mod == 4 ? "a multiple of 4"
                                               : "a multiple of 16");
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
