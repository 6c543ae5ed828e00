/* STAMP TLV checks, RFC 9534: Micro-session ID. Table:
 * cases/stamp_9534.c. */
#include "stamp_tlv_checks_base.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"

/* ================= RFC 9534 ================= */

SEND(s_ms_len)
{
    UNUSED4;
    (void)qs;
    if (t->len != 4)
        return stamp_tlvck_fail(
            why, n, "Micro-session ID TLV Length %u (expected 4)", t->len);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_ms_len = {
    .send = s_ms_len, .none = "no packet carried a Micro-session ID TLV"};

/* A Micro-session ID field in a packet's first such TLV. */
static bool ms_field(const struct ippm_obs *o, const uint8_t *pkt, size_t len,
                     size_t field, uint16_t *v)
{
    struct side s;
    struct stamp_tlv t;
    if (!stamp_tlvck_region(o, pkt, len, &s) ||
        !stamp_tlvck_nth(&s, STAMP_TLV_MICRO_SESSION, 0, &t) || t.len != 4)
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
    const struct ippm_exchange *p = stamp_tlvck_prev_in_session(o, e, true);
    if (!p || !ms_field(o, p->req, p->req_len, 0, &prev))
        return -1;
    if (cur != prev)
        return stamp_tlvck_fail(
            why, n,
            "Sender Micro-session ID %u after %u in the same "
            "session (expected the session's member link)",
            cur, prev);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_ms_constant = {
    .send = s_ms_constant, .none = "no session sent two Micro-session ID TLVs"};

PAIR(p_ms_sender)
{
    UNUSED4;
    if (!r)
        return stamp_tlvck_missing(q->type, why, n);
    if (r->len != 4 || q->len != 4)
        return -1;
    if (ippm_load_u16(r->value) != ippm_load_u16(q->value))
        return stamp_tlvck_fail(why, n,
                                "Sender Micro-session ID %u came back as %u "
                                "(expected a copy)",
                                ippm_load_u16(q->value),
                                ippm_load_u16(r->value));
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ms_sender_copied = {
    .pair = p_ms_sender, .none = "no request carried a Micro-session ID TLV"};

PAIR(p_ms_discard)
{
    UNUSED4;
    if (q->len != 4 || ippm_load_u16(q->value + 2) == 0 || !r || r->len != 4)
        return -1;
    if (ippm_load_u16(r->value + 2) != ippm_load_u16(q->value + 2))
        return stamp_tlvck_fail(
            why, n,
            "request named Reflector Micro-session ID %u, the "
            "reply is from member link %u (expected the packet "
            "discarded)",
            ippm_load_u16(q->value + 2), ippm_load_u16(r->value + 2));
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
    const struct ippm_exchange *p = stamp_tlvck_prev_in_session(o, e, false);
    if (!p || !ms_field(o, p->rep, p->rep_len, 2, &prev))
        return -1;
    if (ippm_load_u16(r->value + 2) != prev)
        return stamp_tlvck_fail(
            why, n,
            "Reflector Micro-session ID %u after %u in the same "
            "session (expected one member link)",
            ippm_load_u16(r->value + 2), prev);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_refl_ms_constant = {
    .pair = p_ms_constant,
    .none = "no session had two Micro-session ID replies"};
