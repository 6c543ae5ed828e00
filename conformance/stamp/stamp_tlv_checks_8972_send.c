/* RFC 8972 Session-Sender behaviour seen across packets rather than in
 * one TLV's fields: what fills the Extra Padding (§4.1), whether a padded
 * sender pads with the TLV (§4.1), and the Access Report retransmissions
 * (§4.6). The table citing them is cases/stamp_8972.c. */
#include "stamp_tlv_checks_base.h"

#include "stamp_checks_base.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ================= §4.6 Access Report retransmissions ================= */

/* A retransmission is the same test packet sent again: a later request
 * of the same session (4-tuple and SSID) with the same Sequence Number
 * and an Access Report TLV (deviations.md). Looked for this long after
 * the first transmission: the default 3 s timer four times, and more. */
#define AR_WINDOW_NS (30ull * 1000000000ull)
/* RFC 8972 §4.6: "three seconds", graded within half a second. */
#define AR_TIMER_NS (3ull * 1000000000ull)
#define AR_TIMER_TOL_NS (500ull * 1000000ull)
/* A retransmission that left before the reply reached the sender
 * crossed it: only one sent this long after the reply was seen counts. */
#define AR_CROSSING_NS (1000ull * 1000000ull)
/* RFC 8972 §4.6: "repeated up to four times". */
#define AR_RETX_MAX 4u
/* Kept per transmission group; more are counted, not kept. */
#define AR_GROUP_CAP 16u

/* One Access Report packet and its retransmissions. */
struct ar_group {
    const struct ippm_exchange *tx[AR_GROUP_CAP]; /* first, then re-sends */
    uint64_t t[AR_GROUP_CAP];
    size_t n;       /* transmissions kept */
    size_t n_all;   /* transmissions seen */
    uint32_t seq;
    struct stamp_tlv ar; /* the first transmission's TLV */
};

static bool ar_of(const struct ippm_obs *o, const struct ippm_exchange *e,
                  struct stamp_tlv *t)
{
    return stamp_tlvck_req_first(o, e, STAMP_TLV_ACCESS, t) && t->len == 4;
}

/* v[i] (sessions ordered by arrival) repeats an earlier packet of its
 * session: the same Sequence Number with an Access Report TLV. */
static bool ar_is_resend(const struct ippm_obs *o, const struct sess_item *v,
                         size_t i)
{
    uint32_t seq = stamp_req_seq(v[i].e);
    struct stamp_tlv t;
    for (size_t j = i; j-- > 0;) {
        if (stamp_ck_sess_key_cmp(&v[j], &v[i]) ||
            v[i].t - v[j].t > AR_WINDOW_NS)
            break;
        if (stamp_req_seq(v[j].e) == seq && ar_of(o, v[j].e, &t))
            return true;
    }
    return false;
}

/* The group that starts at v[i]: false when v[i] carries no Access
 * Report or repeats an earlier packet. */
static bool ar_group_at(const struct ippm_obs *o, const struct sess_item *v,
                        size_t n, size_t i, struct ar_group *g)
{
    memset(g, 0, sizeof *g);
    if (!ar_of(o, v[i].e, &g->ar) || ar_is_resend(o, v, i))
        return false;
    g->seq = stamp_req_seq(v[i].e);
    struct stamp_tlv t;
    for (size_t j = i; j < n; j++) {
        if (stamp_ck_sess_key_cmp(&v[j], &v[i]) ||
            v[j].t - v[i].t > AR_WINDOW_NS)
            break;
        if (stamp_req_seq(v[j].e) != g->seq || !ar_of(o, v[j].e, &t))
            continue;
        if (g->n < AR_GROUP_CAP) {
            g->tx[g->n] = v[j].e;
            g->t[g->n++] = v[j].t;
        }
        g->n_all++;
    }
    return true;
}

/* When the first reply to any transmission of g was seen; 0 none. */
static uint64_t ar_answered(const struct ar_group *g)
{
    uint64_t first = 0;
    for (size_t k = 0; k < g->n; k++)
        if (g->tx[k]->rep && (!first || g->tx[k]->rep_ns < first))
            first = g->tx[k]->rep_ns;
    return first;
}

/* The same report (Access ID and Return Code) rides on a later packet
 * of the session with another Sequence Number: a sender that reports in
 * every packet. */
static bool ar_reported_again(const struct ippm_obs *o,
                              const struct sess_item *v, size_t n, size_t i,
                              const struct ar_group *g)
{
    struct stamp_tlv t;
    for (size_t j = i + 1; j < n; j++) {
        if (stamp_ck_sess_key_cmp(&v[j], &v[i]) ||
            v[j].t - v[i].t > AR_TIMER_NS + AR_TIMER_TOL_NS)
            break;
        if (stamp_req_seq(v[j].e) != g->seq && ar_of(o, v[j].e, &t) &&
            memcmp(t.value, g->ar.value, 2) == 0)
            return true;
    }
    return false;
}

/* The last time anything of obs was seen. */
static uint64_t obs_end(const struct ippm_obs *o)
{
    uint64_t end = 0;
    for (size_t i = 0; i < o->n_ex; i++) {
        if (o->ex[i].req_ns > end)
            end = o->ex[i].req_ns;
        if (o->ex[i].rep && o->ex[i].rep_ns > end)
            end = o->ex[i].rep_ns;
    }
    return end;
}

/* Grades group g (at v[i]) for rule r into a; *skip counts a group
 * left out for want of evidence (see the none reasons). */
static void ar_grade(const struct ippm_obs *o, const struct sess_item *v,
                     size_t n, size_t i, const struct ar_group *g,
                     enum stamp_tlv_ar_rule r, struct stamp_acc *a, unsigned *skip)
{
    uint64_t answered = ar_answered(g);
    switch (r) {
    case STAMP_TLV_AR_RETRANSMITS:
        if (g->tx[0]->rep || g->tx[0]->in_flight)
            return;
        if (g->n_all > 1) {
            a->n++;
            return;
        }
        if (ar_reported_again(o, v, n, i, g) ||
            obs_end(o) < g->t[0] + AR_TIMER_NS + AR_TIMER_TOL_NS) {
            (*skip)++;
            return;
        }
        a->n++;
        stamp_acc_fail(a,
                       "seq %" PRIu32 ": Access Report packet got no reply "
                       "and was never sent again (%.1f s seen after it; "
                       "expected a retransmission when the timer expired)",
                       g->seq,
                       (double)(obs_end(o) - g->t[0]) / 1e9);
        return;
    case STAMP_TLV_AR_DISARMED:
        if (!answered)
            return;
        a->n++;
        for (size_t k = 0; k < g->n; k++)
            if (g->t[k] > answered + AR_CROSSING_NS) {
                stamp_acc_fail(a,
                               "seq %" PRIu32 ": Access Report packet sent "
                               "again %.2f s after its reply was seen "
                               "(expected the timer disarmed by the reply)",
                               g->seq, (double)(g->t[k] - answered) / 1e9);
                return;
            }
        return;
    case STAMP_TLV_AR_COUNT:
        if (g->n_all < 2)
            return;
        a->n++;
        if (g->n_all - 1 > AR_RETX_MAX)
            stamp_acc_fail(a,
                           "seq %" PRIu32 ": Access Report packet "
                           "retransmitted %zu times (expected up to %u)",
                           g->seq, g->n_all - 1, AR_RETX_MAX);
        return;
    case STAMP_TLV_AR_TIMER:
        if (g->n < 2)
            return;
        a->n++;
        for (size_t k = 1; k < g->n; k++) {
            uint64_t gap = g->t[k] - g->t[k - 1];
            if (gap + AR_TIMER_TOL_NS < AR_TIMER_NS ||
                gap > AR_TIMER_NS + AR_TIMER_TOL_NS) {
                stamp_acc_fail(a,
                               "seq %" PRIu32 ": retransmission %zu sent "
                               "%.2f s after the one before (expected the "
                               "default timer, 3 s)",
                               g->seq, k, (double)gap / 1e9);
                return;
            }
        }
        return;
    }
}

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_send_ar_retx)
{
    static const char *const none[] = {
        [STAMP_TLV_AR_RETRANSMITS] = "no Access Report packet went unanswered",
        [STAMP_TLV_AR_DISARMED] = "no Access Report packet was answered",
        [STAMP_TLV_AR_COUNT] = "no Access Report packet was retransmitted",
        [STAMP_TLV_AR_TIMER] = "no Access Report packet was retransmitted",
    };
    enum stamp_tlv_ar_rule r = (enum stamp_tlv_ar_rule)arg->type;
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t n;
    struct sess_item *v = stamp_ck_sessions(obs, false, true, &n);
    unsigned skip = 0;
    struct ar_group g;
    for (size_t i = 0; i < n; i++)
        if (ar_group_at(obs, v, n, i, &g))
            ar_grade(obs, v, n, i, &g, r, &a, &skip);
    free(v);
    if (!a.n && skip)
        return stamp_na(detail, cap,
                        "every unanswered Access Report packet was followed "
                        "by the same report in the next packets, or by the "
                        "end of the capture within the timer: no "
                        "retransmission was due");
    return stamp_acc_end(&a, none[r]);
}
