/* STAMP checks at the ADVISORY level: what breaks no RFC 8762 key word
 * and still makes every measurement with the peer wrong (issue 9, "Say
 * what misleads a measurement"). The rows citing them close
 * cases/stamp_8762.c. */
#include "stamp_checks_advisory.h"

#include "stamp_checks_base.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "proto/common/ippm_time.h"
#include "proto/stamp/stamp.h"

/* Unix ns of a wire timestamp in the format errest's Z bit names; false
 * for zero (not set, or an authenticated packet read in the open layout
 * for want of a key) and for a malformed PTPv2 time (the format cases
 * grade those). */
static bool ts_ns(uint64_t ts, uint16_t errest, uint64_t *ns)
{
    bool ok;
    if (!ts)
        return false;
    enum ippm_tsfmt f = stamp_ck_errest_z(errest) ? IPPM_TS_PTP : IPPM_TS_NTP;
    *ns = ippm_ns_from_ts(ts, f, &ok);
    return ok;
}

/* see stamp_checks_advisory.h */
STAMP_CHECK(stamp_chk_adv_ts_not_rxts)
{
    unsigned n = 0, same = 0;
    uint32_t first_seq = 0;
    for (size_t i = 0; i < obs->n_ex; i++) {
        struct stamp_reflector_pkt r;
        if (!stamp_ck_dec_rep_upto(obs, &obs->ex[i], &r, RF_RXTS) ||
            !r.ts || !r.rx_ts)
            continue; /* zero: not set, not read once */
        if (!n++)
            first_seq = stamp_req_seq(&obs->ex[i]);
        same += r.ts == r.rx_ts;
    }
    if (n < 2)
        return stamp_na(detail, cap,
                        "fewer than two replies carry both timestamps "
                        "(non-zero)");
    if (same < n) {
        snprintf(detail, cap,
                 "%u replies checked, %u with Timestamp different from "
                 "Receive Timestamp",
                 n, n - same);
        return IPPM_PASS;
    }
    snprintf(detail, cap,
             "Timestamp equals Receive Timestamp on every reply (%u, from seq "
             "%" PRIu32 "): the clock is read once per packet, so the "
             "reflector's residence time always reads 0 (expected the "
             "transmit time in Timestamp)",
             n, first_seq);
    return IPPM_FAIL;
}

/* see stamp_checks_advisory.h */
STAMP_CHECK(stamp_chk_adv_refl_ts_advances)
{
    bool rx = arg->type == STAMP_ADV_RXTS;
    const char *name = rx ? "Receive Timestamp" : "Timestamp";
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t n;
    struct sess_item *v = stamp_ck_sessions(obs, true, false, &n);
    uint64_t prev = 0;
    bool have_prev = false;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || stamp_ck_sess_key_cmp(&v[i - 1], &v[i]))
            have_prev = false;
        struct stamp_reflector_pkt r;
        uint64_t t;
        if (!stamp_ck_dec_rep_upto(obs, v[i].e, &r, rx ? RF_RXTS : RF_ERREST) ||
            !ts_ns(rx ? r.rx_ts : r.ts, r.errest, &t)) {
            have_prev = false;
            continue;
        }
        if (have_prev) {
            a.n++;
            if (t <= prev)
                stamp_acc_fail(
                    &a,
                    "seq %" PRIu32 ": %s %s the previous reply's of the "
                    "session (by %.9f s; expected later: a clock that does "
                    "not advance makes every delay wrong)",
                    stamp_req_seq(v[i].e), name,
                    t == prev ? "equals" : "is before",
                    stamp_ck_sec((int64_t)(prev - t)));
        }
        prev = t;
        have_prev = true;
    }
    free(v);
    return stamp_acc_end(&a, "no session with two replies carrying the "
                             "timestamp");
}

/* The Error Estimate of e (the reply's for a reflector, the request's for
 * a sender) into *ee; false when there is none. */
static bool errest_of(const struct ippm_obs *obs,
                      const struct ippm_exchange *e, uint16_t *ee)
{
    if (obs->role == IPPM_ROLE_SENDER) {
        struct stamp_sender_pkt s;
        if (!stamp_dec_req(obs, e, &s))
            return false;
        *ee = s.errest;
        return true;
    }
    struct stamp_reflector_pkt r;
    if (!stamp_ck_dec_rep_upto(obs, e, &r, RF_ERREST))
        return false;
    *ee = r.errest;
    return true;
}

/* see stamp_checks_advisory.h */
STAMP_CHECK(stamp_chk_adv_errest_plausible)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        uint16_t v;
        if (!errest_of(obs, &obs->ex[i], &v) || !stamp_ck_errest_mult(v))
            continue; /* Multiplier 0 is the MUST case's */
        a.n++;
        struct ippm_errest ee = ippm_errest_decode(v);
        uint64_t err = ippm_errest_ns(&ee);
        if (err < STAMP_ADV_ERREST_MAX_NS)
            continue;
        stamp_acc_fail(&a,
                       "seq %" PRIu32 ": Error Estimate 0x%04x (S=%d, Scale "
                       "%u, Multiplier %u) claims %.3g s%s (expected under "
                       "an hour: such a clock cannot time a packet)",
                       stamp_req_seq(&obs->ex[i]), v, ee.synced, ee.scale,
                       ee.mult, (double)err / 1e9,
                       ee.synced ? " while S=1 says synchronized to UTC" : "");
    }
    return stamp_acc_end(&a, obs->role == IPPM_ROLE_SENDER
                                 ? "no sender packet of base length or more"
                                 : "no reply carries an Error Estimate");
}

/* see stamp_checks_advisory.h */
STAMP_CHECK(stamp_chk_adv_ttl_follows)
{
    unsigned n = 0;
    int req_lo = 256, req_hi = -1;
    unsigned ttl_lo = 256, ttl_hi = 0;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_reflector_pkt r;
        if (e->req_ttl < 0 || !stamp_ck_dec_rep_upto(obs, e, &r, RF_TTL))
            continue;
        n++;
        req_lo = e->req_ttl < req_lo ? e->req_ttl : req_lo;
        req_hi = e->req_ttl > req_hi ? e->req_ttl : req_hi;
        ttl_lo = r.ss_ttl < ttl_lo ? r.ss_ttl : ttl_lo;
        ttl_hi = r.ss_ttl > ttl_hi ? r.ss_ttl : ttl_hi;
    }
    if (!n)
        return stamp_na(detail, cap,
                        "no answered request with a known arrival TTL");
    if (req_lo == req_hi) {
        snprintf(detail, cap,
                 "every request (%u) arrived with TTL %d: nothing to follow",
                 n, req_lo);
        return IPPM_NA;
    }
    if (ttl_lo != ttl_hi) {
        snprintf(detail, cap,
                 "%u replies: arrival TTL %d to %d, Ses-Sender TTL %u to %u",
                 n, req_lo, req_hi, ttl_lo, ttl_hi);
        return IPPM_PASS;
    }
    snprintf(detail, cap,
             "Ses-Sender TTL %u on every reply (%u) while the requests "
             "arrived with TTL %d to %d (expected the copy of each: a "
             "constant value hides the path's hop count)",
             ttl_lo, n, req_lo, req_hi);
    return IPPM_FAIL;
}

/* see stamp_checks_advisory.h */
STAMP_CHECK(stamp_chk_adv_send_ts_advances)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t n;
    struct sess_item *v = stamp_ck_sessions(obs, false, false, &n);
    struct stamp_sender_pkt prev = {0};
    uint64_t prev_ns = 0;
    bool have_prev = false;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || stamp_ck_sess_key_cmp(&v[i - 1], &v[i]))
            have_prev = false;
        struct stamp_sender_pkt s;
        uint64_t t;
        if (!stamp_dec_req(obs, v[i].e, &s) || !ts_ns(s.ts, s.errest, &t)) {
            have_prev = false;
            continue;
        }
        /* Only a packet that arrived right after the one numbered before
         * it: reordered packets and a session restarted on the same
         * ports are no backwards clock. */
        if (have_prev && s.seq == prev.seq + 1) {
            a.n++;
            if (t <= prev_ns)
                stamp_acc_fail(&a,
                               "session from port %u: seq %" PRIu32
                               " has a Timestamp %s seq %" PRIu32 "'s (by "
                               "%.9f s; expected later)",
                               v[i].e->req_src.port, s.seq,
                               t == prev_ns ? "equal to" : "before", prev.seq,
                               stamp_ck_sec((int64_t)(prev_ns - t)));
        }
        prev = s;
        prev_ns = t;
        have_prev = true;
    }
    free(v);
    return stamp_acc_end(&a, "no session with two consecutive sender "
                             "packets");
}
