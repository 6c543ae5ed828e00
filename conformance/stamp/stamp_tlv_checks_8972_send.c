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
#define AR_TIMER_NS     (3ull * 1000000000ull)
#define AR_TIMER_TOL_NS (500ull * 1000000ull)
/* A retransmission that left before the reply reached the sender
 * crossed it: only one sent this long after the reply was seen counts. */
#define AR_CROSSING_NS (1000ull * 1000000ull)
/* RFC 8972 §4.6: "repeated up to four times". */
#define AR_RETX_MAX 4u

/* One request that carries an Access Report TLV. */
struct ar_item {
    const struct ippm_exchange *e;
    uint64_t t;  /* arrival */
    size_t sess; /* session ordinal (4-tuple and SSID) */
    size_t pos;  /* index in the list in session and time order */
    uint32_t seq;
    uint8_t report[2]; /* Access ID and Resv, Return Code */
};

/* The Access Report requests of obs, in session and time order (a
 * malloc'd array, *n of them; NULL when none or out of memory). */
static struct ar_item *ar_items(const struct ippm_obs *o, size_t *n)
{
    size_t nv;
    struct sess_item *v = stamp_ck_sessions(o, false, true, &nv);
    struct ar_item *a = v ? malloc(nv * sizeof *a) : NULL;
    *n = 0;
    for (size_t i = 0, sess = 0; a && i < nv; i++) {
        struct stamp_tlv t;
        if (i && stamp_ck_sess_key_cmp(&v[i - 1], &v[i]))
            sess++;
        if (!stamp_tlvck_req_first(o, v[i].e, STAMP_TLV_ACCESS, &t) ||
            t.len != 4)
            continue;
        a[*n] = (struct ar_item){v[i].e,
                                 v[i].t,
                                 sess,
                                 *n,
                                 stamp_req_seq(v[i].e),
                                 {t.value[0], t.value[1]}};
        (*n)++;
    }
    free(v);
    return a;
}

/* Session, then Sequence Number, then time: the transmissions of one
 * packet side by side. */
static int ar_cmp(const void *pa, const void *pb)
{
    const struct ar_item *a = pa, *b = pb;
    if (a->sess != b->sess)
        return a->sess < b->sess ? -1 : 1;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return a->t < b->t ? -1 : a->t > b->t;
}

/* One packet's transmissions: g[0] the first, g[1..n-1] its re-sends. */
struct ar_group {
    const struct ar_item *g;
    size_t n;
};

/* When the first reply to any transmission of gr was seen; 0 none. */
static uint64_t ar_answered(const struct ar_group *gr)
{
    uint64_t first = 0;
    for (size_t k = 0; k < gr->n; k++) {
        const struct ippm_exchange *e = gr->g[k].e;
        if (e->rep && (!first || e->rep_ns < first))
            first = e->rep_ns;
    }
    return first;
}

/* The same report (Access ID and Return Code) rides on a later packet
 * of the session with another Sequence Number within the timer: a sender
 * that reports in every packet. a: the list in time order. */
static bool ar_reported_again(const struct ar_item *a, size_t n,
                              const struct ar_item *first)
{
    for (size_t k = first->pos + 1;
         k < n && a[k].sess == first->sess &&
         a[k].t - first->t <= AR_TIMER_NS + AR_TIMER_TOL_NS;
         k++)
        if (a[k].seq != first->seq &&
            memcmp(a[k].report, first->report, 2) == 0)
            return true;
    return false;
}

/* What one rule needs besides the group. */
struct ar_ctx {
    const struct ar_item *a; /* every Access Report request, time order */
    size_t n;
    uint64_t end; /* the last time anything was seen */
    struct stamp_acc *acc;
    unsigned skip; /* groups left out for want of evidence */
};

static void ar_retransmits(struct ar_ctx *c, const struct ar_group *gr)
{
    const struct ar_item *f = &gr->g[0];
    if (f->e->rep || f->e->in_flight)
        return;
    if (gr->n > 1) {
        c->acc->n++;
        return;
    }
    if (ar_reported_again(c->a, c->n, f) ||
        c->end < f->t + AR_TIMER_NS + AR_TIMER_TOL_NS) {
        c->skip++;
        return;
    }
    c->acc->n++;
    stamp_acc_fail(c->acc,
                   "seq %" PRIu32 ": Access Report packet got no reply and "
                   "was never sent again (%.1f s seen after it; expected a "
                   "retransmission when the timer expired)",
                   f->seq, (double)(c->end - f->t) / 1e9);
}

static void ar_disarmed(struct ar_ctx *c, const struct ar_group *gr)
{
    uint64_t answered = ar_answered(gr);
    if (!answered)
        return;
    c->acc->n++;
    for (size_t k = 0; k < gr->n; k++)
        if (gr->g[k].t > answered + AR_CROSSING_NS) {
            stamp_acc_fail(c->acc,
                           "seq %" PRIu32 ": Access Report packet sent again "
                           "%.2f s after its reply was seen (expected the "
                           "timer disarmed by the reply)",
                           gr->g[0].seq, (double)(gr->g[k].t - answered) / 1e9);
            return;
        }
}

static void ar_count(struct ar_ctx *c, const struct ar_group *gr)
{
    if (gr->n < 2)
        return;
    c->acc->n++;
    if (gr->n - 1 > AR_RETX_MAX)
        stamp_acc_fail(c->acc,
                       "seq %" PRIu32 ": Access Report packet retransmitted "
                       "%zu times (expected up to %u)",
                       gr->g[0].seq, gr->n - 1, AR_RETX_MAX);
}

static void ar_timer(struct ar_ctx *c, const struct ar_group *gr)
{
    if (gr->n < 2)
        return;
    c->acc->n++;
    for (size_t k = 1; k < gr->n; k++) {
        uint64_t gap = gr->g[k].t - gr->g[k - 1].t;
        if (gap + AR_TIMER_TOL_NS < AR_TIMER_NS ||
            gap > AR_TIMER_NS + AR_TIMER_TOL_NS) {
            stamp_acc_fail(c->acc,
                           "seq %" PRIu32 ": retransmission %zu sent %.2f s "
                           "after the one before (expected the default "
                           "timer, 3 s)",
                           gr->g[0].seq, k, (double)gap / 1e9);
            return;
        }
    }
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

/* see stamp_tlv_checks.h */
STAMP_CHECK(stamp_tlv_chk_send_ar_retx)
{
    static void (*const grade[])(struct ar_ctx *, const struct ar_group *) = {
        [STAMP_TLV_AR_RETRANSMITS] = ar_retransmits,
        [STAMP_TLV_AR_DISARMED] = ar_disarmed,
        [STAMP_TLV_AR_COUNT] = ar_count,
        [STAMP_TLV_AR_TIMER] = ar_timer,
    };
    static const char *const none[] = {
        [STAMP_TLV_AR_RETRANSMITS] = "no Access Report packet went unanswered",
        [STAMP_TLV_AR_DISARMED] = "no Access Report packet was answered",
        [STAMP_TLV_AR_COUNT] = "no Access Report packet was retransmitted",
        [STAMP_TLV_AR_TIMER] = "no Access Report packet was retransmitted",
    };
    enum stamp_tlv_ar_rule r = (enum stamp_tlv_ar_rule)arg->type;
    struct stamp_acc acc = stamp_acc_make(detail, cap);
    struct ar_ctx c = {.end = obs_end(obs), .acc = &acc};
    struct ar_item *a = ar_items(obs, &c.n);
    struct ar_item *b = a ? malloc(c.n * sizeof *b) : NULL;
    c.a = a;
    if (b) {
        memcpy(b, a, c.n * sizeof *b);
        qsort(b, c.n, sizeof *b, ar_cmp);
    }
    /* Runs of one session and Sequence Number, cut where the next
     * transmission is further than the window from the run's first. */
    for (size_t i = 0, j; b && i < c.n; i = j) {
        for (j = i + 1; j < c.n && b[j].sess == b[i].sess &&
                        b[j].seq == b[i].seq && b[j].t - b[i].t <= AR_WINDOW_NS;
             j++)
            ;
        struct ar_group gr = {&b[i], j - i};
        grade[r](&c, &gr);
    }
    free(b);
    free(a);
    if (!acc.n && c.skip)
        return stamp_na(detail, cap,
                        "every unanswered Access Report packet was followed "
                        "by the same report in the next packets, or by the "
                        "end of the capture within the timer: no "
                        "retransmission was due");
    return stamp_acc_end(&acc, none[r]);
}
