/* STAMP Session-Sender checks, RFC 8762 and RFC 8972 §3, graded on the
 * requests a sender sent. The tables that cite them are
 * cases/stamp_8762.c and cases/stamp_8972.c. */
#include "stamp_checks.h"

#include "stamp_checks_base.h"
#include "stamp_tlv_checks_base.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"

/* ================= Session-Sender, RFC 8762 ================= */

/* Steps *i past the next exchange whose request decodes into *s (and,
 * with clocked, whose arrival time is known); NULL when none is left. */
static const struct ippm_exchange *next_req(const struct ippm_obs *o, size_t *i,
                                            bool clocked,
                                            struct stamp_sender_pkt *s)
{
    while (*i < o->n_ex) {
        const struct ippm_exchange *e = &o->ex[(*i)++];
        if ((!clocked || e->req_ns) && stamp_dec_req(o, e, s))
            return e;
    }
    return NULL;
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_min_len)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t base = stamp_obs_base(obs);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->req)
            continue;
        a.n++;
        if (e->req_len < base)
            stamp_acc_fail(
                &a,
                "packet %zu: %zu octets (expected at least %zu in %s "
                "mode)",
                i, e->req_len, base,
                obs->auth ? "authenticated" : "unauthenticated");
    }
    return stamp_acc_end(&a, "no packet was received from the sender");
}

/* One MBZ region of a sender packet; ssid at ssid_off is skipped. */
static enum ippm_verdict send_mbz(const struct ippm_obs *obs, char *detail,
                                  size_t cap, const struct stamp_layout *l,
                                  size_t off, size_t len)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t ssid_off = l->field[STAMP_F_SSID].off;
    struct stamp_sender_pkt s;
    const struct ippm_exchange *e;
    for (size_t i = 0; (e = next_req(obs, &i, false, &s));) {
        a.n++;
        for (size_t k = off; k < off + len; k++) {
            /* RFC 8972 §3: the first two MBZ octets became the SSID. */
            if (k == ssid_off || k == ssid_off + 1)
                continue;
            if (e->req[k]) {
                stamp_acc_fail(&a,
                               "seq %" PRIu32 ": MBZ octet %zu (of %zu-%zu) is "
                               "0x%02x (expected zero)",
                               s.seq, k, off, off + len - 1, e->req[k]);
                break;
            }
        }
    }
    return stamp_acc_end(&a, "no sender packet of base length or more");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_mbz)
{
    const struct stamp_layout *l;
    size_t off, len;
    if (!stamp_ck_mbz_row(obs, STAMP_PKT_SENDER, arg, detail, cap, &l, &off,
                          &len))
        return IPPM_NA;
    return send_mbz(obs, detail, cap, l, off, len);
}

/* RFC 8972 §4.6: an Access Report packet sent again keeps its Sequence
 * Number (an earlier one than the session's next). */
static bool ar_resent(const struct ippm_obs *obs, const struct ippm_exchange *e,
                      uint32_t seq, uint32_t want)
{
    struct stamp_tlv t;
    return seq < want && stamp_tlvck_req_first(obs, e, STAMP_TLV_ACCESS, &t);
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_seq)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t n;
    struct sess_item *v = stamp_ck_sessions(obs, false, false, &n);
    uint32_t want = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || stamp_ck_sess_key_cmp(&v[i - 1], &v[i]))
            want = 0;
        uint32_t seq = stamp_req_seq(v[i].e);
        if (ar_resent(obs, v[i].e, seq, want))
            continue;
        a.n++;
        if (seq != want)
            stamp_acc_fail(
                &a,
                "session from port %u: packet has Sequence Number %" PRIu32
                " (expected %" PRIu32 ": from zero, up by one per packet)",
                v[i].e->req_src.port, seq, want);
        want = seq + 1;
    }
    free(v);
    return stamp_acc_end(&a, "no sender packet of base length or more");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_errest_mult)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    struct stamp_sender_pkt s;
    for (size_t i = 0; next_req(obs, &i, false, &s);) {
        a.n++;
        if (!stamp_ck_errest_mult(s.errest))
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": Error Estimate 0x%04x has Multiplier "
                           "0 (expected non-zero)",
                           s.seq, s.errest);
    }
    return stamp_acc_end(&a, "no sender packet of base length or more");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_errest_z)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    char why[160];
    struct stamp_sender_pkt s;
    const struct ippm_exchange *e;
    for (size_t i = 0; (e = next_req(obs, &i, true, &s));) {
        a.n++;
        if (!stamp_ck_z_consistent(s.ts, stamp_ck_errest_z(s.errest), e->req_ns,
                                   why, sizeof why))
            stamp_acc_fail(&a, "seq %" PRIu32 ": Timestamp: %s", s.seq, why);
    }
    return stamp_acc_end(&a, "no sender packet with a known arrival time");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_ts_plausible)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    int64_t tol = (int64_t)obs->clock_tolerance_ns;
    struct stamp_sender_pkt s;
    const struct ippm_exchange *e;
    for (size_t i = 0; (e = next_req(obs, &i, true, &s));) {
        a.n++;
        struct stamp_ck_ts_vs v;
        if (stamp_ck_ts_against(&a, s.seq, "Timestamp", s.ts, s.errest,
                                e->req_ns, &v) &&
            (v.d > tol || v.d < -tol))
            stamp_acc_fail(
                &a,
                "seq %" PRIu32 ": Timestamp %+.6f s from the arrival "
                "time (expected within %.6f s)%s",
                s.seq, stamp_ck_sec(v.shown), stamp_ck_sec(tol), v.hint);
    }
    return stamp_acc_end(&a, "no sender packet with a known arrival time");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_hmac_valid)
{
    return stamp_ck_hmac_valid(obs, detail, cap, false);
}

/* ================= Session-Sender, RFC 8972 ================= */

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_ssid_constant)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t n;
    struct sess_item *v = stamp_ck_sessions(obs, false, false, &n);
    size_t start = 0;
    while (start < n) {
        size_t end = start + 1;
        while (end < n && !stamp_ck_sess_key_cmp(&v[start], &v[end]))
            end++;
        uint16_t ssid = 0;
        for (size_t i = start; i < end && !ssid; i++) {
            struct stamp_sender_pkt s;
            stamp_dec_req(obs, v[i].e, &s);
            ssid = s.ssid;
        }
        if (ssid) {
            a.n++;
            for (size_t i = start; i < end; i++) {
                struct stamp_sender_pkt s;
                stamp_dec_req(obs, v[i].e, &s);
                if (s.ssid != ssid) {
                    stamp_acc_fail(&a,
                                   "session from port %u: seq %" PRIu32
                                   " has SSID 0x%04x (expected the session's "
                                   "0x%04x in every packet)",
                                   v[i].e->req_src.port, s.seq, s.ssid, ssid);
                    break;
                }
            }
        }
        start = end;
    }
    free(v);
    return stamp_acc_end(&a, "no session uses an SSID");
}

/* The SSID a session's packets carry: the first non-zero one, 0 none. */
static uint16_t session_ssid(const struct ippm_obs *obs,
                             const struct sess_item *v, size_t start,
                             size_t end)
{
    for (size_t i = start; i < end; i++) {
        struct stamp_sender_pkt s;
        stamp_dec_req(obs, v[i].e, &s);
        if (s.ssid)
            return s.ssid;
    }
    return 0;
}

static bool same_host(const struct ippm_addr *a, const struct ippm_addr *b)
{
    size_t l = a->family == IPPM_AF_INET ? 4 : 16;
    return a->family == b->family && memcmp(a->ip, b->ip, l) == 0;
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_ssid_distinct)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t n, n_sess = 0;
    struct sess_item *v = stamp_ck_sessions(obs, false, false, &n);
    /* Each session's first item, its SSID in .ssid (0: none used). */
    struct sess_item *first = v ? malloc(n * sizeof *first) : NULL;
    for (size_t start = 0, end; first && start < n; start = end) {
        end = start + 1;
        while (end < n && !stamp_ck_sess_key_cmp(&v[start], &v[end]))
            end++;
        first[n_sess] = v[start];
        first[n_sess++].ssid = session_ssid(obs, v, start, end);
    }
    for (size_t i = 0; i < n_sess; i++) {
        if (!first[i].ssid)
            continue;
        bool clash = false;
        unsigned others = 0;
        for (size_t j = 0; j < n_sess; j++) {
            if (j == i || !first[j].ssid ||
                !same_host(&first[j].e->req_src, &first[i].e->req_src))
                continue;
            others++;
            clash |= first[j].ssid == first[i].ssid;
        }
        if (!others)
            continue; /* one session with an SSID: nothing to compare */
        a.n++;
        if (clash)
            stamp_acc_fail(&a,
                           "sessions from port %u and another have the same "
                           "SSID 0x%04x (expected one SSID per session)",
                           first[i].e->req_src.port, first[i].ssid);
    }
    free(first);
    free(v);
    return stamp_acc_end(&a, "fewer than two sessions from one sender use an "
                             "SSID");
}

/* ================= Session-Sender defaults, RFC 8762 ================= */

/* Why the default cases cannot grade an observation without
 * --sender-defaults: a capture does not say what the sender was told. */
static const char no_defaults[] =
    "the sender's configuration was not declared: with --sender-defaults "
    "(it ran with no port and no timestamp format given) its defaults are "
    "graded";

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_default_port)
{
    if (!obs->sender_defaults)
        return stamp_na(detail, cap, no_defaults);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    struct stamp_sender_pkt s;
    const struct ippm_exchange *e;
    for (size_t i = 0; (e = next_req(obs, &i, false, &s));) {
        a.n++;
        if (e->req_dst.port != STAMP_PORT)
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": sent to UDP port %u with no "
                           "port given (expected the default, %u)",
                           s.seq, e->req_dst.port, STAMP_PORT);
    }
    return stamp_acc_end(&a, "no sender packet of base length or more");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_default_ntp)
{
    if (!obs->sender_defaults)
        return stamp_na(detail, cap, no_defaults);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    struct stamp_sender_pkt s;
    for (size_t i = 0; next_req(obs, &i, false, &s);) {
        a.n++;
        if (stamp_ck_errest_z(s.errest))
            stamp_acc_fail(&a,
                           "seq %" PRIu32 ": Z=1 (PTPv2 timestamp) with no "
                           "format given (expected NTP, Z=0: the default "
                           "format every STAMP node supports)",
                           s.seq);
    }
    return stamp_acc_end(&a, "no sender packet of base length or more");
}
