/* RFC 8972 Session-Sender behaviour seen across packets rather than in
 * one TLV's fields: what fills the Extra Padding (§4.1), whether a padded
 * sender pads with the TLV (§4.1), and the Access Report retransmissions
 * (§4.6). The table citing them is cases/stamp_8972.c. */
#include "stamp_tlv_checks_base.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "proto/stamp/stamp.h"

/* ================= §4.1 Extra Padding ================= */

/* Shorter values say too little to call them pseudorandom or not. */
#define PAD_JUDGED_MIN 8
/* A pattern this short repeated is a fill, not pseudorandom octets. */
#define PAD_PERIOD_MAX 4

/* The shortest period (1..PAD_PERIOD_MAX) the n octets at v repeat
 * with; 0 when none does. */
static size_t pad_period(const uint8_t *v, size_t n)
{
    for (size_t p = 1; p <= PAD_PERIOD_MAX && p < n; p++) {
        size_t i = p;
        while (i < n && v[i] == v[i - p])
            i++;
        if (i == n)
            return p;
    }
    return 0;
}

/* The n octets at v count up or down by one step (a counter fill). */
static bool pad_counts(const uint8_t *v, size_t n)
{
    uint8_t step = (uint8_t)(v[1] - v[0]);
    if (step == 0)
        return false;
    for (size_t i = 2; i < n; i++)
        if ((uint8_t)(v[i] - v[i - 1]) != step)
            return false;
    return true;
}

SEND(s_pad_content)
{
    UNUSED4;
    /* draft-gandhi-ippm-stamp-ber fills the padding with its pattern. */
    if (stamp_tlvck_count_type(qs, STAMP_TLV_BER_PATTERN))
        return -1;
    if (t->len < PAD_JUDGED_MIN || stamp_tlv_all_zero(t->value, t->len))
        return t->len < PAD_JUDGED_MIN ? -1 : 1; /* zeros: the MAY */
    size_t p = pad_period(t->value, t->len);
    if (p) {
        char pat[2 * PAD_PERIOD_MAX + 1];
        for (size_t i = 0; i < p; i++)
            snprintf(pat + 2 * i, 3, "%02x", t->value[i]);
        return stamp_tlvck_fail(why, n,
                                "Extra Padding of %u octets is 0x%s "
                                "repeated (expected pseudorandom octets, or "
                                "all zeros)",
                                t->len, pat);
    }
    if (pad_counts(t->value, t->len))
        return stamp_tlvck_fail(why, n,
                                "Extra Padding of %u octets counts 0x%02x, "
                                "0x%02x, ... (expected pseudorandom octets, "
                                "or all zeros)",
                                t->len, t->value[0], t->value[1]);
    return 1;
}
/* see stamp_tlv_checks.h */
const struct stamp_tlv_rule stamp_tlv_rule_send_pad_content = {
    .send = s_pad_content,
    .none = "no Extra Padding TLV of 8 octets or more outside a BER test"};

/* The request shows RFC 8972 support: an SSID, or TLVs past the base. */
static bool req_uses_8972(const struct ippm_obs *o,
                          const struct ippm_exchange *e)
{
    struct stamp_sender_pkt s;
    struct side q;
    size_t off;
    int type;
    if (stamp_dec_req(o, e, &s) && s.ssid)
        return true;
    return stamp_tlvck_region(o, e->req, e->req_len, &q) &&
           !stamp_tlvck_first_malformed(&q, &off, &type);
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_send_pads_with_tlv)
{
    (void)arg;
    bool uses_8972 = false;
    for (size_t i = 0; i < obs->n_ex && !uses_8972; i++)
        uses_8972 = obs->ex[i].req && req_uses_8972(obs, &obs->ex[i]);
    if (!uses_8972)
        return stamp_na(detail, cap,
                        "the sender uses no RFC 8972 extension (no SSID, no "
                        "TLV): an RFC 8762 sender pads as §4.2 lets it");
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t base = stamp_obs_base(obs);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->req || e->req_len <= base)
            continue;
        a.n++;
        struct side q;
        size_t off;
        int type = 0;
        if (stamp_tlvck_region(obs, e->req, e->req_len, &q) &&
            !(stamp_tlvck_first_malformed(&q, &off, &type) && type < 0))
            continue;
        stamp_acc_fail(&a,
                       "seq %" PRIu32 ": %zu octets past the %zu-octet base "
                       "are plain padding, not TLVs (expected the Extra "
                       "Padding TLV)",
                       stamp_req_seq(e), e->req_len - base, base);
    }
    return stamp_acc_end(&a, "no sender packet longer than the base packet");
}
