/* STAMP Session-Reflector checks, RFC 8762 and RFC 8972 §3. The tables
 * that cite them are cases/stamp_8762.c and cases/stamp_8972.c.
 *
 * A check classifies exchanges by what they contain: a request shorter
 * than the base, one with MBZ set, one in PTP format, garbage (a timestamp
 * that reads as no time near the exchange, or a zero Multiplier). The
 * decoders report facts; the judging is done here. */
#include "stamp_checks.h"

#include "stamp_checks_base.h"
#include "stamp_pairing.h"
#include "stamp_tlv_checks_base.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"

/* ================= Session-Reflector, RFC 8762 ================= */

/* RFC 8972 §3: e's request carries a non-zero SSID the reflector was
 * not provisioned with (obs->ssid_set given), so it must be discarded. */
static bool req_ssid_unprovisioned(const struct ippm_obs *obs,
                                   const struct ippm_exchange *e)
{
    struct stamp_sender_pkt s;
    if (!obs->n_ssid_set || !stamp_dec_req(obs, e, &s) || !s.ssid)
        return false;
    for (size_t k = 0; k < obs->n_ssid_set; k++)
        if (obs->ssid_set[k] == s.ssid)
            return false;
    return true;
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_port_862)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    unsigned to862 = 0, answered = 0;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (e->req_dst.family == IPPM_AF_NONE ||
            e->req_dst.port != STAMP_PORT || req_ssid_unprovisioned(obs, e))
            continue;
        if (e->in_flight) { /* no reply could be seen yet */
            a.in_flight++;
            continue;
        }
        to862++;
        if (!e->rep)
            continue;
        answered++;
        a.n++;
        if (e->rep_src.family != IPPM_AF_NONE && e->rep_src.port != STAMP_PORT)
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": reply came from UDP port %u to a "
                           "request sent to port 862 (expected 862)",
                           stamp_req_seq(e), e->rep_src.port);
    }
    if (to862 && !answered) {
        snprintf(detail, cap,
                 "%u requests sent to UDP port 862, no reply (expected the "
                 "reflector to receive on port 862 by default)",
                 to862);
        return IPPM_FAIL;
    }
    return stamp_acc_end(&a, "no request was sent to UDP port 862: the port in "
                             "use was chosen by configuration");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_symmetric)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t base = stamp_obs_base(obs);
    bool twl = stamp_obs_twamp_light(obs);
    size_t rbase = stamp_obs_pkt_layout(obs, STAMP_PKT_REFLECTOR)->base_len;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->req || e->req_len < base || !e->rep ||
            stamp_ck_req_shapes_reply(obs, e))
            continue;
        a.n++;
        /* TWAMP-Light: the 41-octet reply header is the least (RFC 5357
         * §4.2.1); from there the length equals the request's (RFC 6038
         * §5.2.1 truncates the padding by 27). */
        size_t want = e->req_len;
        if (twl && want < rbase)
            want = rbase;
        if (e->rep_len != want && want == e->req_len)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": reply length %zu, request length %zu "
                           "(expected equal)",
                           stamp_req_seq(e), e->rep_len, e->req_len);
        else if (e->rep_len != want)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": reply length %zu to a %zu-octet request "
                           "(expected the %zu-octet reply of RFC 5357 §4.2.1)",
                           stamp_req_seq(e), e->rep_len, e->req_len, rbase);
    }
    return stamp_acc_end(&a, "no answered request of base length or more");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_short_dropped)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t base = stamp_obs_base(obs);
    unsigned based = 0;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->req || e->req_len >= base)
            continue;
        a.n++;
        /* RFC 8762 §4.6: the base packet (Figure 5) answers a short
         * request; not answering is ippm's own default (deviations.md). */
        if (e->rep && e->rep_len == base)
            based++;
        else if (e->rep)
            stamp_acc_fail(&a,
                           "%zu-octet request (base is %zu) answered with %zu "
                           "octets (expected no reply, or the %zu-octet base "
                           "packet of RFC 8762 §4.6)",
                           e->req_len, base, e->rep_len, base);
    }
    a.note = based ? "answered with the base packet (RFC 8762 §4.6)" : NULL;
    return stamp_acc_end(&a, "no request shorter than the base packet");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_answers_valid)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_sender_pkt p;
        /* PTP and SSID requests have cases of their own. */
        if (!stamp_ck_req_valid(obs, e, &p) || p.ssid ||
            stamp_ck_errest_z(p.errest) || stamp_ck_req_shapes_reply(obs, e))
            continue;
        if (e->in_flight) { /* the capture ended before its reply */
            a.in_flight++;
            continue;
        }
        a.n++;
        if (!e->rep)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": valid %zu-octet request got no reply "
                           "(expected a reflected packet)",
                           p.seq, e->req_len);
    }
    return stamp_acc_end(&a,
                         "no valid NTP-format request without SSID was sent");
}

/* A reply that returns nothing but zeros (or nothing) where its request
 * carried octets past the base, unless a TLV asked for another reply. */
static bool rep_drops_extra(const struct ippm_obs *o,
                            const struct ippm_exchange *e, size_t base)
{
    if (stamp_ck_req_shapes_reply(o, e))
        return false;
    for (size_t k = base; k < e->rep_len; k++)
        if (e->rep[k])
            return false;
    return true;
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_padding_copied)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t base = stamp_obs_base(obs);
    unsigned tlv = 0;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->req || e->req_len <= base || !e->rep)
            continue;
        /* A reflector may rewrite TLVs, not drop them all (the TLV cases
         * that need them are N/A then, stamp_tlvck_uncopied()). */
        if (stamp_ck_extra_has_tlvs(e->req + base, e->req_len - base) &&
            !rep_drops_extra(obs, e, base)) {
            tlv++;
            continue;
        }
        a.n++;
        size_t m = e->rep_len < e->req_len ? e->rep_len : e->req_len;
        size_t k = base;
        while (k < m && e->rep[k] == e->req[k])
            k++;
        if (k < m)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": octet %zu of the reply is 0x%02x, the "
                           "request's is 0x%02x (expected the padding copied "
                           "byte for byte)",
                           stamp_req_seq(e), k, e->rep[k], e->req[k]);
        else if (e->rep_len < e->req_len)
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": reply carries %zu octets past the "
                           "base, request %zu (expected all of it copied)",
                           stamp_req_seq(e),
                           e->rep_len > base ? e->rep_len - base : 0,
                           e->req_len - base);
    }
    if (!a.n && tlv)
        return stamp_na(detail, cap,
                        "every padded request carries RFC 8972 TLVs, which a "
                        "reflector may rewrite");
    return stamp_acc_end(&a, "no answered request longer than the base packet");
}

/* Larger than its request: an amplifying reply. */
static bool rep_larger(const struct ippm_exchange *e)
{
    return e->req && e->rep && e->rep_len > e->req_len;
}

/* Replies larger than their request, the base reply to a short request
 * aside: RFC 8762 §4.6 prescribes that one, so a reflector that sends it
 * is not flagged. why ends each failure line. */
static enum ippm_verdict larger_replies(const struct ippm_obs *obs,
                                        char *detail, size_t cap,
                                        const char *why)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t base = stamp_obs_base(obs);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->req || !e->rep)
            continue;
        if (e->req_len < base && e->rep_len == base)
            continue;
        a.n++;
        if (rep_larger(e))
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": %zu-octet reply to a %zu-octet "
                           "request %s",
                           stamp_req_seq(e), e->rep_len, e->req_len, why);
    }
    return stamp_acc_end(&a,
                         "no reply was seen, other than base packets to short "
                         "requests (RFC 8762 §4.6)");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_no_amplification)
{
    (void)arg;
    return larger_replies(obs, detail, cap, "(expected no larger)");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_amplification_advice)
{
    (void)arg;
    return larger_replies(
        obs, detail, cap,
        "(advice: a reply larger than its request amplifies spoofed traffic; "
        "RFC 8762 §4.6 allows the base packet, ippm's reflector sends it only "
        "with --reply-to-short)");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_one_reply)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->rep)
            continue;
        a.n++;
        /* Asymmetrical packets: the replies asked for are STAMP-ASYM-3-07's. */
        if (e->n_replies > 1 && e->n_replies != stamp_tlvck_asked_replies(obs, e))
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": %u replies to one request (expected "
                           "one)",
                           stamp_req_seq(e), e->n_replies);
    }
    return stamp_acc_end(&a, "no reply was seen");
}

/* The valid request from g's sender first after g in time (index order
 * breaking ties), by a scan of every exchange: the rule, for captures
 * whose timestamps go backwards. */
static const struct ippm_exchange *
next_valid_scan(const struct ippm_obs *obs, size_t i,
                struct stamp_sender_pkt *np)
{
    const struct ippm_exchange *g = &obs->ex[i], *next = NULL;
    for (size_t j = 0; j < obs->n_ex; j++) {
        const struct ippm_exchange *e = &obs->ex[j];
        struct stamp_sender_pkt p;
        if (j == i || e->req_ns < g->req_ns ||
            (e->req_ns == g->req_ns && j < i) ||
            stamp_ck_addr_cmp(&e->req_src, &g->req_src) ||
            !stamp_ck_req_valid(obs, e, &p))
            continue;
        if (!next || e->req_ns < next->req_ns) {
            next = e;
            *np = p;
        }
    }
    return next;
}

/* Exchanges in time order: the next valid request is the first after g
 * in the array. A few senders' answers are remembered (NEXT_MEMO slots
 * by source), so a run of malformed requests from one sender costs one
 * scan, not one each: a capture of 20,000 took 4.4 s (issue 10). */
#define NEXT_MEMO 64
struct next_memo {
    bool used;
    struct ippm_addr src;
    size_t at; /* index of the next valid request; n_ex: none */
};

static bool exchanges_in_time_order(const struct ippm_obs *obs)
{
    uint64_t last = 0;
    for (size_t i = 0; i < obs->n_ex; i++) {
        if (!obs->ex[i].req)
            continue;
        if (obs->ex[i].req_ns < last)
            return false;
        last = obs->ex[i].req_ns;
    }
    return true;
}

/* The pairing's address hash (zone and all), of the sender alone. */
static size_t memo_slot(const struct ippm_addr *a)
{
    return (size_t)(stamp_pairing_flow_hash(a, a) % NEXT_MEMO);
}

static const struct ippm_exchange *
next_valid_ordered(const struct ippm_obs *obs, size_t i,
                   struct next_memo *memo, struct stamp_sender_pkt *np)
{
    const struct ippm_exchange *g = &obs->ex[i];
    struct next_memo *m = &memo[memo_slot(&g->req_src)];
    size_t at = obs->n_ex;
    if (m->used && !stamp_ck_addr_cmp(&m->src, &g->req_src) && m->at > i) {
        at = m->at; /* nothing valid from this sender in between */
    } else {
        for (size_t j = i + 1; j < obs->n_ex; j++) {
            const struct ippm_exchange *e = &obs->ex[j];
            struct stamp_sender_pkt p;
            if (!stamp_ck_addr_cmp(&e->req_src, &g->req_src) &&
                stamp_ck_req_valid(obs, e, &p)) {
                at = j;
                break;
            }
        }
        *m = (struct next_memo){true, g->req_src, at};
    }
    if (at == obs->n_ex)
        return NULL;
    (void)stamp_ck_req_valid(obs, &obs->ex[at], np);
    return &obs->ex[at];
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_after_garbage)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    struct next_memo memo[NEXT_MEMO];
    memset(memo, 0, sizeof memo);
    bool ordered = exchanges_in_time_order(obs);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *g = &obs->ex[i];
        if (!g->req || !stamp_ck_req_malformed(obs, g))
            continue;
        struct stamp_sender_pkt np = {0};
        const struct ippm_exchange *next =
            ordered ? next_valid_ordered(obs, i, memo, &np)
                    : next_valid_scan(obs, i, &np);
        if (!next)
            continue;
        if (next->in_flight) {
            a.in_flight++;
            continue;
        }
        a.n++;
        if (!next->rep)
            stamp_acc_fail(
                &a,
                "seq %" PRIu32 ": valid request sent after a malformed "
                "%zu-octet one got no reply (expected the reflector to "
                "keep answering)",
                np.seq, g->req_len);
    }
    return stamp_acc_end(&a, "no malformed request followed by a valid one");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_ignores_mbz)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_sender_pkt p;
        if (!stamp_dec_req(obs, e, &p) || !p.mbz_nonzero ||
            !stamp_ck_req_plausible(e, &p) || stamp_ck_req_hmac_bad(obs, e))
            continue;
        if (e->in_flight) { /* the capture ended before its reply */
            a.in_flight++;
            continue;
        }
        a.n++;
        if (!e->rep)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": request with non-zero MBZ got no reply "
                           "(expected MBZ ignored on receipt)",
                           p.seq);
    }
    return stamp_acc_end(&a, "no request with MBZ set was sent");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_answers_ptp)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_sender_pkt p;
        if (!stamp_ck_req_valid(obs, e, &p) || !stamp_ck_errest_z(p.errest))
            continue;
        if (e->in_flight) { /* the capture ended before its reply */
            a.in_flight++;
            continue;
        }
        a.n++;
        if (!e->rep)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": PTP-format request (Z=1) got no reply "
                           "(expected a reflected packet)",
                           p.seq);
    }
    return stamp_acc_end(&a, "no valid PTP-format request was sent");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_tsfmt_config)
{
    if (!obs->expect_tsfmt)
        return stamp_na(detail, cap,
                        "the reflector's timestamp format was not given "
                        "(--timestamp ntp|ptp)");
    bool want_ptp = obs->expect_tsfmt - 1 == IPPM_TS_PTP;
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_reflector_pkt r;
        if (!stamp_ck_dec_rep_upto(obs, e, &r, RF_ERREST))
            continue;
        a.n++;
        if (stamp_ck_errest_z(r.errest) != want_ptp)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": reply Z=%d (%s), reflector configured "
                           "for %s",
                           stamp_req_seq(e), stamp_ck_errest_z(r.errest),
                           stamp_ck_errest_z(r.errest) ? "PTP" : "NTP",
                           want_ptp ? "PTP" : "NTP");
    }
    return stamp_ck_field_end(&a, obs, RF_ERREST, "no reply was seen");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_stateless_seq)
{
    const char *how;
    if (stamp_obs_stateful(obs, &how) == 1) {
        snprintf(detail, cap, "reflector is stateful (%s)", how);
        return IPPM_NA;
    }
    struct stamp_acc a = stamp_acc_make(detail, cap);
    a.note = obs->expect_stateful < 0 ? "stateless inferred" : NULL;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_reflector_pkt r;
        if (!e->req || e->req_len < 4 ||
            !stamp_ck_rep_get(obs, e, &r, RF_SEQ, &a))
            continue;
        a.n++;
        if (r.seq != stamp_req_seq(e))
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": reply Sequence Number %" PRIu32
                           " (expected the request's, %" PRIu32 ")",
                           stamp_req_seq(e), r.seq, stamp_req_seq(e));
    }
    return stamp_ck_field_end(&a, obs, RF_SEQ, "no reply was seen");
}

/* Per-session counters under one grouping; the first failure into a. */
static void stateful_walk(const struct ippm_obs *obs, bool by_ssid,
                          struct stamp_acc *a)
{
    size_t n;
    struct sess_item *v = stamp_ck_sessions(obs, true, by_ssid, &n);
    uint32_t want = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || stamp_ck_sess_key_cmp(&v[i - 1], &v[i]))
            want = 0; /* a new session counts from zero */
        uint32_t seq = 0;
        stamp_rep_seq(obs, v[i].e, &seq);
        a->n++;
        if (seq != want)
            stamp_acc_fail(a,
                           "session from port %u%s: reply %" PRIu32
                           " has Sequence Number %" PRIu32 " (expected %" PRIu32
                           ": a per-session counter from zero, up by one)",
                           v[i].e->req_src.port,
                           by_ssid ? " (4-tuple and SSID)" : "", want, seq,
                           want);
        want = seq + 1;
    }
    free(v);
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_stateful_seq)
{
    const char *how;
    if (stamp_obs_stateful(obs, &how) == 0) {
        snprintf(detail, cap, "reflector is stateless (%s)", how);
        return IPPM_NA;
    }
    /* A session is the 4-tuple (RFC 8762 §4), or the 4-tuple and the SSID
     * for a reflector that supports RFC 8972 §3: either counting passes. */
    struct stamp_acc a = stamp_acc_make(detail, cap);
    stateful_walk(obs, false, &a);
    if (a.bad) {
        char d2[IPPM_DETAIL_MAX];
        struct stamp_acc b = stamp_acc_make(d2, sizeof d2);
        stateful_walk(obs, true, &b);
        if (!b.bad)
            a = b, a.d = detail, a.cap = cap;
    }
    a.note = obs->expect_stateful < 0 ? "stateful inferred" : NULL;
    return stamp_acc_end(&a, "no reply was seen");
}

static bool same_tuple(const struct sess_item *a, const struct sess_item *b)
{
    return !stamp_ck_addr_cmp(&a->e->req_src, &b->e->req_src) &&
           !stamp_ck_addr_cmp(&a->e->req_dst, &b->e->req_dst);
}

/* One SSID's replies v[0..n) on a shared 4-tuple: a counter from zero. */
static void ssid_counter(const struct ippm_obs *obs, const struct sess_item *v,
                         size_t n, struct stamp_acc *a)
{
    uint32_t want = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t seq = 0;
        stamp_rep_seq(obs, v[i].e, &seq);
        a->n++;
        if (seq != want) {
            stamp_acc_fail(a,
                           "session from port %u, SSID 0x%04x: reply %" PRIu32
                           " has Sequence Number %" PRIu32 " (expected %" PRIu32
                           ": a counter per 4-tuple and SSID)",
                           v[i].e->req_src.port, v[i].ssid, want, seq, want);
            return;
        }
        want = seq + 1;
    }
}

/* Some reply copies a request's non-zero SSID: RFC 8972 §3 support. */
static bool ssid_supported(const struct ippm_obs *obs)
{
    for (size_t i = 0; i < obs->n_ex; i++) {
        struct stamp_sender_pkt s;
        struct stamp_reflector_pkt r;
        if (stamp_dec_req(obs, &obs->ex[i], &s) && s.ssid &&
            stamp_dec_rep(obs, &obs->ex[i], &r) && r.ssid == s.ssid)
            return true;
    }
    return false;
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_ssid_sessions)
{
    const char *how;
    if (stamp_obs_stateful(obs, &how) == 0) {
        snprintf(detail, cap, "reflector is stateless (%s)", how);
        return IPPM_NA;
    }
    if (!ssid_supported(obs))
        return stamp_na(detail, cap,
                        "no reply copied an SSID: the reflector does not "
                        "support RFC 8972 §3");
    size_t n;
    struct sess_item *v = stamp_ck_sessions(obs, true, true, &n);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0, end; i < n; i = end) {
        /* v is sorted by 4-tuple, then SSID, then time. */
        end = i + 1;
        unsigned ssids = v[i].ssid != 0;
        for (; end < n && same_tuple(&v[i], &v[end]); end++)
            ssids += v[end].ssid && v[end].ssid != v[end - 1].ssid;
        if (ssids < 2)
            continue;
        for (size_t g = i, ge; g < end; g = ge) {
            for (ge = g + 1; ge < end && v[ge].ssid == v[g].ssid; ge++)
                ;
            if (v[g].ssid)
                ssid_counter(obs, v + g, ge - g, &a);
        }
    }
    free(v);
    a.note = obs->expect_stateful < 0 ? "stateful inferred" : NULL;
    return stamp_acc_end(&a, "no 4-tuple carried two SSIDs with replies");
}

/* The copied fields: a reply decoded with its request. */
enum copy_field {
    COPY_SEQ = STAMP_COPY_SEQ,
    COPY_TS = STAMP_COPY_TS,
    COPY_ERREST = STAMP_COPY_ERREST
};

static enum ippm_verdict check_copy(const struct ippm_obs *obs, char *detail,
                                    size_t cap, enum copy_field f)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    enum rep_field rf = f == COPY_SEQ  ? RF_SS_SEQ
                        : f == COPY_TS ? RF_SS_TS
                                       : RF_SS_ERREST;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_sender_pkt s;
        struct stamp_reflector_pkt r;
        if (!stamp_dec_req(obs, e, &s) || !stamp_ck_rep_get(obs, e, &r, rf, &a))
            continue;
        a.n++;
        if (f == COPY_SEQ && r.ss_seq != s.seq)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": Session-Sender Sequence Number %" PRIu32
                           " (expected %" PRIu32 ")",
                           s.seq, r.ss_seq, s.seq);
        else if (f == COPY_TS && r.ss_ts != s.ts)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": Session-Sender Timestamp 0x%016" PRIx64
                           " (expected 0x%016" PRIx64 ")",
                           s.seq, r.ss_ts, s.ts);
        else if (f == COPY_ERREST && r.ss_errest != s.errest)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": Session-Sender Error Estimate 0x%04x "
                           "(expected 0x%04x)",
                           s.seq, r.ss_errest, s.errest);
    }
    return stamp_ck_field_end(&a, obs, rf,
                              "no answered request of base length or more");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_copy)
{
    return check_copy(obs, detail, cap, (enum copy_field)arg->type);
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_ttl)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_reflector_pkt r;
        /* A reply without the field fails whether the TTL is known or not. */
        if (stamp_ck_rep_lacks(obs, e, RF_TTL)) {
            a.n++;
            stamp_ck_acc_fail_lacks(&a, obs, e, RF_TTL);
            continue;
        }
        if (e->req_ttl < 0 || !stamp_ck_dec_rep_upto(obs, e, &r, RF_TTL))
            continue;
        a.n++;
        if (r.ss_ttl == 255 && (arg->flags & STAMP_ROW_TTL_OR_255))
            continue;
        if (r.ss_ttl != e->req_ttl)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": Ses-Sender TTL %u, request arrived "
                           "with TTL %d (expected equal%s)",
                           stamp_req_seq(e), r.ss_ttl, e->req_ttl,
                           arg->flags & STAMP_ROW_TTL_OR_255
                               ? ", or 255 when not read"
                               : "");
    }
    return stamp_ck_field_end(&a, obs, RF_TTL,
                              "no answered request with a known arrival "
                              "TTL");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_reply_ttl_255)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->rep || e->rep_ttl == 0)
            continue;
        a.n++;
        if (e->rep_ttl <= 128)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": reply seen with TTL %u (expected sent with "
                           "255: above 128 wherever it is seen)",
                           stamp_req_seq(e), e->rep_ttl);
    }
    return stamp_acc_end(&a, "no reply whose TTL is known");
}

/* A reflector timestamp against the capture clock on one side: the
 * Receive Timestamp not before the request was sent, the Timestamp not
 * after the reply was seen (clock tolerance allowed). */
struct ts_bound {
    bool reply;       /* the Timestamp against the reply's capture time */
    enum rep_field f; /* the reply field graded */
    const char *name, *where, *side, *none;
};

static const struct ts_bound RXTS_AFTER_SEND = {
    false,
    RF_RXTS,
    "Receive Timestamp",
    "before the request was sent",
    "before",
    "no reply to a request with a known send time"};
static const struct ts_bound TS_BEFORE_SEEN = {
    true,        RF_ERREST,
    "Timestamp", "after the reply was seen",
    "after",     "no reply with a known arrival time"};

static enum ippm_verdict ts_bound(const struct ippm_obs *obs, char *detail,
                                  size_t cap, const struct ts_bound *b)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    int64_t tol = (int64_t)obs->clock_tolerance_ns;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_reflector_pkt r;
        uint64_t clock = b->reply ? e->rep_ns : e->req_ns;
        if (!clock || !stamp_ck_rep_get(obs, e, &r, b->f, &a))
            continue;
        a.n++;
        struct stamp_ck_ts_vs v;
        if (stamp_ck_ts_against(&a, stamp_req_seq(e), b->name,
                                b->reply ? r.ts : r.rx_ts, r.errest, clock,
                                &v) &&
            (b->reply ? v.d > tol : v.d < -tol))
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": %s %.6f s %s (expected not %s, "
                           "tolerance %.6f s)%s",
                           stamp_req_seq(e), b->name,
                           stamp_ck_sec(b->reply ? v.shown : -v.shown),
                           b->where, b->side, stamp_ck_sec(tol), v.hint);
    }
    return stamp_ck_field_end(&a, obs, b->f, b->none);
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_rxts_after_send)
{
    return ts_bound(obs, detail, cap, &RXTS_AFTER_SEND);
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_ts_after_rxts)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    struct stamp_reflector_pkt r;
    const struct ippm_exchange *e;
    for (size_t i = 0; (e = stamp_ck_next_rep(obs, &i, RF_RXTS, &a, &r));) {
        a.n++;
        enum ippm_tsfmt f =
            stamp_ck_errest_z(r.errest) ? IPPM_TS_PTP : IPPM_TS_NTP;
        bool ok1, ok2;
        uint64_t t3 = ippm_ns_from_ts(r.ts, f, &ok1);
        uint64_t t2 = ippm_ns_from_ts(r.rx_ts, f, &ok2);
        if (!r.ts || !r.rx_ts) /* not set: no order to compare */
            stamp_acc_fail(&a, "seq %" PRIu32 ": %s is zero (not set)",
                           stamp_req_seq(e),
                           r.ts ? "Receive Timestamp" : "Timestamp");
        else if (!ok1 || !ok2)
            stamp_acc_fail(
                &a,
                "seq %" PRIu32 ": %s is not a PTPv2 time (nanoseconds "
                ">= 10^9)",
                stamp_req_seq(e), ok1 ? "Receive Timestamp" : "Timestamp");
        else if (t3 < t2)
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": Timestamp %.9f s before Receive "
                           "Timestamp (expected not before)",
                           stamp_req_seq(e), stamp_ck_sec((int64_t)(t2 - t3)));
    }
    return stamp_ck_field_end(&a, obs, RF_RXTS, "no reply was seen");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_ts_before_seen)
{
    return ts_bound(obs, detail, cap, &TS_BEFORE_SEEN);
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_errest_mult)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    struct stamp_reflector_pkt r;
    const struct ippm_exchange *e;
    for (size_t i = 0; (e = stamp_ck_next_rep(obs, &i, RF_ERREST, &a, &r));) {
        a.n++;
        if (!stamp_ck_errest_mult(r.errest))
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": reply Error Estimate 0x%04x has "
                           "Multiplier 0 (expected non-zero)",
                           stamp_req_seq(e), r.errest);
    }
    return stamp_ck_field_end(&a, obs, RF_ERREST, "no reply was seen");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_errest_z)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    char why[160];
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_reflector_pkt r;
        uint64_t ref = e->rep_ns ? e->rep_ns : e->req_ns;
        if (!ref || !stamp_ck_rep_get(obs, e, &r, RF_RXTS, &a))
            continue;
        a.n++;
        bool z = stamp_ck_errest_z(r.errest);
        if (!stamp_ck_z_consistent(r.ts, z, ref, why, sizeof why))
            stamp_acc_fail(&a, "seq %" PRIu32 ": Timestamp: %s",
                           stamp_req_seq(e), why);
        else if (!stamp_ck_z_consistent(r.rx_ts, z, ref, why, sizeof why))
            stamp_acc_fail(&a, "seq %" PRIu32 ": Receive Timestamp: %s",
                           stamp_req_seq(e), why);
    }
    return stamp_ck_field_end(&a, obs, RF_RXTS,
                              "no reply with a known exchange time");
}

/* One MBZ region of the reply. ssid_first: the region starts with the
 * RFC 8972 SSID, which is checked only when the request carried none. */
static enum ippm_verdict refl_mbz(const struct ippm_obs *obs, char *detail,
                                  size_t cap, const struct stamp_layout *l,
                                  size_t off, size_t len, bool ssid_first)
{
    size_t base = l->base_len;
    struct stamp_acc a = stamp_acc_make(detail, cap);
    unsigned replies = 0;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_sender_pkt s;
        if (!e->rep)
            continue;
        if (e->rep_len < base && (!e->req || e->req_len < base))
            continue; /* a short reply to a short request: 4.2-02's */
        replies++;
        if (e->rep_len < off + len)
            continue; /* too short to carry the region */
        size_t from = off;
        if (ssid_first && stamp_dec_req(obs, e, &s) && s.ssid)
            from += 2;
        a.n++;
        for (size_t k = from; k < off + len; k++) {
            if (e->rep[k]) {
                stamp_acc_fail(&a,
                               "seq %" PRIu32 ": MBZ octet %zu (of %zu-%zu) is "
                               "0x%02x (expected zero)",
                               stamp_req_seq(e), k, off, off + len - 1,
                               e->rep[k]);
                break;
            }
        }
    }
    char nb[160];
    if (replies)
        snprintf(nb, sizeof nb,
                 "every reply (%u) is too short to carry octets %zu-%zu",
                 replies, off, off + len - 1);
    return stamp_acc_end(&a, replies ? nb : "no reply was seen");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_mbz)
{
    const struct stamp_layout *l;
    size_t off, len;
    if (!stamp_ck_mbz_row(obs, STAMP_PKT_REFLECTOR, arg, detail, cap, &l, &off,
                          &len))
        return IPPM_NA;
    return refl_mbz(obs, detail, cap, l, off, len,
                    (arg->flags & STAMP_ROW_FROM_SSID) != 0);
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_hmac_valid)
{
    return stamp_ck_hmac_valid(obs, detail, cap, true);
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_bad_hmac_dropped)
{
    bool stop;
    enum ippm_verdict v = stamp_ck_na_auth(obs, detail, cap, &stop);
    if (stop)
        return v;
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!stamp_ck_req_hmac_bad(obs, e))
            continue;
        a.n++;
        if (e->rep)
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": request with a bad HMAC was answered "
                           "with %zu octets (expected it dropped)",
                           stamp_req_seq(e), e->rep_len);
    }
    return stamp_acc_end(&a, "no request with a bad HMAC was sent");
}

/* ================= Session-Reflector, RFC 8972 ================= */

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_ssid_copied)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    unsigned zeroed = 0;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_sender_pkt s;
        struct stamp_reflector_pkt r;
        if (!stamp_dec_req(obs, e, &s) || !s.ssid || !stamp_dec_rep(obs, e, &r))
            continue;
        if (r.ssid == 0) {
            zeroed++;
            continue;
        }
        a.n++;
        if (r.ssid != s.ssid)
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": reply SSID 0x%04x, request SSID "
                           "0x%04x (expected a copy)",
                           s.seq, r.ssid, s.ssid);
    }
    if (zeroed && a.n) {
        snprintf(detail, cap,
                 "%u replies zeroed the SSID, %u carried one (expected the "
                 "SSID copied into every reply)",
                 zeroed, a.n);
        return IPPM_FAIL;
    }
    if (zeroed)
        return stamp_na(detail, cap,
                        "the reflector returns a zeroed SSID: it does not "
                        "support RFC 8972");
    return stamp_acc_end(&a, "no answered request with an SSID");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_ssid_discard)
{
    if (!obs->n_ssid_set)
        return stamp_na(detail, cap,
                        "the reflector's provisioned SSIDs were not given "
                        "(--ssid-set)");
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!req_ssid_unprovisioned(obs, e) || e->in_flight)
            continue;
        a.n++;
        struct stamp_sender_pkt s;
        if (e->rep && stamp_dec_req(obs, e, &s))
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": request with SSID 0x%04x, not "
                           "one the reflector was provisioned with, was "
                           "answered (expected it discarded)",
                           s.seq, s.ssid);
    }
    return stamp_acc_end(&a, "no request carried an SSID outside the "
                             "provisioned ones");
}
