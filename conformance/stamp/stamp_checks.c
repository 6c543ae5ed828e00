/* STAMP checks, RFC 8762 and RFC 8972 §3. The tables that cite them are
 * cases/stamp_8762.c and cases/stamp_8972.c.
 *
 * A check classifies exchanges by what they contain: a request shorter
 * than the base, one with MBZ set, one in PTP format, garbage (a timestamp
 * that reads as no time near the exchange, or a zero Multiplier). The
 * decoders report facts; the judging is done here. */
#include "stamp_checks.h"

#include "stamp_check_util.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"

/* ---- decoding and classification ---- */

/* ---- replies shorter than the base packet ----
 * A reply shorter than Figure 5 (6) still carries the fields that end
 * within it (a TWAMP-Light style 38-octet echo has everything up to the
 * Session-Sender Error Estimate). Field cases grade what is there; a field
 * that is missing from the reply to a request of base length or more (one
 * the reflector should have answered in full) fails the case, and a reply
 * to a shorter request is left to STAMP-8762-4.2-02. */

enum rep_field {
    RF_SEQ,
    RF_TS,
    RF_ERREST,
    RF_RXTS,
    RF_SS_SEQ,
    RF_SS_TS,
    RF_SS_ERREST,
    RF_TTL
};

/* Each field's name in details and its place in the reflector layout. */
static const struct {
    const char *name;
    enum stamp_field f;
} rep_fields[] = {
    [RF_SEQ] = {"Sequence Number", STAMP_F_SEQ},
    [RF_TS] = {"Timestamp", STAMP_F_TS},
    [RF_ERREST] = {"Error Estimate", STAMP_F_ERREST},
    [RF_RXTS] = {"Receive Timestamp", STAMP_F_RX_TS},
    [RF_SS_SEQ] = {"Session-Sender Sequence Number", STAMP_F_SS_SEQ},
    [RF_SS_TS] = {"Session-Sender Timestamp", STAMP_F_SS_TS},
    [RF_SS_ERREST] = {"Session-Sender Error Estimate", STAMP_F_SS_ERREST},
    [RF_TTL] = {"Ses-Sender TTL", STAMP_F_SS_TTL},
};

static struct stamp_span field_span(const struct ippm_obs *o,
                                    enum rep_field f)
{
    return stamp_obs_layout(o, STAMP_PKT_REFLECTOR)->field[rep_fields[f].f];
}

static size_t field_end(const struct ippm_obs *o, enum rep_field f)
{
    struct stamp_span sp = field_span(o, f);
    return (size_t)sp.off + sp.len;
}

/* "octets 24-27", "octet 40". */
static const char *field_octets(const struct ippm_obs *o, enum rep_field f,
                                char *buf, size_t cap)
{
    struct stamp_span sp = field_span(o, f);
    unsigned a = sp.off, b = (unsigned)sp.off + sp.len;
    if (b - a == 1)
        snprintf(buf, cap, "octet %u", a);
    else
        snprintf(buf, cap, "octets %u-%u", a, b - 1);
    return buf;
}

/* Decodes the reply of e as far as field f (and every field before it):
 * a shorter reply is read as if zero-padded to the base. False when there
 * is no reply or it ends before f does. */
static bool dec_rep_upto(const struct ippm_obs *o,
                         const struct ippm_exchange *e,
                         struct stamp_reflector_pkt *p, enum rep_field f)
{
    size_t base = stamp_obs_base(o);
    if (!e->rep || e->rep_len < field_end(o, f))
        return false;
    if (e->rep_len >= base)
        return stamp_dec_rep(o, e, p);
    if (!e->req || e->req_len < base)
        return false; /* a short reply to a short request: 4.2-02's */
    uint8_t buf[STAMP_AUTH_BASE_LEN] = {0};
    memcpy(buf, e->rep, e->rep_len);
    bool ok = stamp_reflector_pkt_decode(p, buf, base, stamp_obs_mode(o)) == IPPM_OK;
    p->extra = NULL; /* a view into buf: not valid past this call */
    p->extra_len = 0;
    p->hmac = NULL;
    return ok;
}

/* A reply to a request of base length or more that ends before field f:
 * the field is missing from a reply that must carry it. */
static bool rep_lacks(const struct ippm_obs *o, const struct ippm_exchange *e,
                      enum rep_field f)
{
    return e->rep && e->req && e->req_len >= stamp_obs_base(o) &&
           e->rep_len < field_end(o, f);
}

static void acc_fail_lacks(struct stamp_acc *a, const struct ippm_obs *o,
                           const struct ippm_exchange *e, enum rep_field f);

/* Why a field case graded nothing, as true as the exchanges allow. */
static const char *none_why(const struct ippm_obs *o, enum rep_field f,
                            const char *fallback, char *buf, size_t cap)
{
    unsigned replies = 0, short_rep = 0;
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        if (!e->rep)
            continue;
        replies++;
        short_rep += e->rep_len < field_end(o, f);
    }
    if (!replies)
        return "no reply was seen";
    if (short_rep == replies) {
        char oc[24];
        snprintf(buf, cap, "every reply (%u) is too short to carry the %s (%s)",
                 replies, rep_fields[f].name,
                 field_octets(o, f, oc, sizeof oc));
        return buf;
    }
    return fallback;
}

/* Decodes e's reply up to field f for a field case. A reply that lacks
 * the field although it should carry it is counted and failed into a. */
static bool rep_get(const struct ippm_obs *o, const struct ippm_exchange *e,
                    struct stamp_reflector_pkt *p, enum rep_field f,
                    struct stamp_acc *a)
{
    if (dec_rep_upto(o, e, p, f))
        return true;
    if (rep_lacks(o, e, f)) {
        a->n++;
        acc_fail_lacks(a, o, e, f);
    }
    return false;
}

static void acc_fail_lacks(struct stamp_acc *a, const struct ippm_obs *o,
                           const struct ippm_exchange *e, enum rep_field f)
{
    char oc[24];
    stamp_acc_fail(a,
             "seq %" PRIu32 ": %zu-octet reply to a %zu-octet request is too "
             "short to carry the %s (%s; expected a reply of %zu octets at "
             "least)",
             stamp_req_seq(e), e->rep_len, e->req_len, rep_fields[f].name,
             field_octets(o, f, oc, sizeof oc), stamp_obs_base(o));
}

/* Authenticated mode with a key: base-packet HMACs can be checked. */
static bool have_key(const struct ippm_obs *o)
{
    return o->auth && stamp_obs_has_key(o);
}

/* Auth with a known key and an HMAC that does not verify. */
static bool req_hmac_bad(const struct ippm_obs *o,
                         const struct ippm_exchange *e)
{
    if (!have_key(o) || !e->req || e->req_len < STAMP_AUTH_BASE_LEN)
        return false;
    struct stamp_key k = stamp_obs_key(o);
    return stamp_hmac_check(&k, e->req, e->req_len) == IPPM_ERR_HMAC;
}

static bool errest_z(uint16_t v) { return (v & 0x4000u) != 0; }
static uint8_t errest_mult(uint16_t v) { return (uint8_t)v; }

/* Signed offset of a wire timestamp from ref_ns. A PTP timestamp may count
 * TAI while ref counts UTC: the smaller reading wins. *ok is false for a
 * malformed PTP timestamp. */
static int64_t ts_offset(uint64_t ts, bool ptp, uint64_t ref_ns, bool *ok)
{
    uint64_t ns = ippm_ns_from_ts(ts, ptp ? IPPM_TS_PTP : IPPM_TS_NTP, ok);
    int64_t d = (int64_t)(ns - ref_ns);
    if (ptp) {
        int64_t t = d - STAMP_TAI_UTC_NS;
        if ((t < 0 ? -t : t) < (d < 0 ? -d : d))
            d = t;
    }
    return d;
}

/* A timestamp off by the NTP-Unix epoch gap (70 years) was written from
 * the other format's epoch. Returns the hint for a failure detail, or "";
 * *raw is the offset from ref_ns without the TAI allowance. */
static const char *epoch_hint(uint64_t ts, bool ptp, uint64_t ref_ns,
                              int64_t *raw)
{
    bool ok;
    uint64_t ns = ippm_ns_from_ts(ts, ptp ? IPPM_TS_PTP : IPPM_TS_NTP, &ok);
    *raw = (int64_t)(ns - ref_ns);
    int64_t gap = (int64_t)IPPM_NTP_UNIX_OFFSET * 1000000000ll;
    int64_t x = ptp ? *raw - gap : *raw + gap;
    if (!ok || (x < 0 ? -x : x) > (int64_t)STAMP_FORMAT_WINDOW_NS)
        return "";
    return ptp ? "; the timestamp looks like NTP-epoch seconds in a PTP "
                 "field (Z=1, but counted from 1900)"
               : "; the timestamp looks like PTP-epoch seconds in an NTP "
                 "field (Z=0, but counted from 1970)";
}

static bool ts_near(uint64_t ts, bool ptp, uint64_t ref_ns, uint64_t window)
{
    bool ok;
    int64_t d = ts_offset(ts, ptp, ref_ns, &ok);
    uint64_t ad = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
    return ok && ad <= window;
}

/* A sender packet that reads as STAMP: Multiplier set and a timestamp in
 * its own format near the time the exchange happened. */
static bool req_plausible(const struct ippm_exchange *e,
                          const struct stamp_sender_pkt *p)
{
    return errest_mult(p->errest) != 0 &&
           ts_near(p->ts, errest_z(p->errest), e->req_ns,
                   STAMP_FORMAT_WINDOW_NS);
}

/* A request a reflector has no reason to drop. */
static bool req_valid(const struct ippm_obs *o, const struct ippm_exchange *e,
                      struct stamp_sender_pkt *p)
{
    return stamp_dec_req(o, e, p) && req_plausible(e, p) && !p->mbz_nonzero &&
           !req_hmac_bad(o, e);
}

/* Shorter than the base, undecodable or implausible. */
static bool req_malformed(const struct ippm_obs *o,
                          const struct ippm_exchange *e)
{
    struct stamp_sender_pkt p;
    return !stamp_dec_req(o, e, &p) || !req_plausible(e, &p);
}

static double sec(int64_t ns) { return (double)ns / 1e9; }

/* ---- sessions: the 4-tuple of RFC 8762 §4 ---- */

struct sess_item {
    const struct ippm_exchange *e;
    size_t idx;
    uint64_t t;
    uint16_t ssid; /* part of the key only when sessions() was asked */
};

static int addr_cmp(const struct ippm_addr *a, const struct ippm_addr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    int c = memcmp(a->ip, b->ip, sizeof a->ip);
    if (c)
        return c;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    return 0;
}

static int sess_key_cmp(const struct sess_item *a, const struct sess_item *b)
{
    int c = addr_cmp(&a->e->req_src, &b->e->req_src);
    if (!c)
        c = addr_cmp(&a->e->req_dst, &b->e->req_dst);
    if (!c && a->ssid != b->ssid)
        c = a->ssid < b->ssid ? -1 : 1;
    return c;
}

static int sess_item_cmp(const void *pa, const void *pb)
{
    const struct sess_item *a = pa, *b = pb;
    int c = sess_key_cmp(a, b);
    if (c)
        return c;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Exchanges with a reply (by_reply, ordered by when it was seen) or all
 * exchanges with a decodable request (ordered by arrival), grouped by
 * session: the 4-tuple, and with by_ssid the request's SSID too (RFC 8972
 * §3). Returns a malloc'd array (NULL when empty or out of memory). */
static struct sess_item *sessions(const struct ippm_obs *o, bool by_reply,
                                  bool by_ssid, size_t *n)
{
    *n = 0;
    if (!o->n_ex)
        return NULL;
    struct sess_item *v = calloc(o->n_ex, sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < o->n_ex; i++) {
        const struct ippm_exchange *e = &o->ex[i];
        struct stamp_reflector_pkt rp;
        struct stamp_sender_pkt sp;
        if (by_reply ? !stamp_dec_rep(o, e, &rp) : !stamp_dec_req(o, e, &sp))
            continue;
        v[*n].e = e;
        v[*n].idx = i;
        v[*n].t = by_reply ? e->rep_ns : e->req_ns;
        v[*n].ssid = 0;
        if (by_ssid && (!by_reply || stamp_dec_req(o, e, &sp)))
            v[*n].ssid = sp.ssid;
        (*n)++;
    }
    qsort(v, *n, sizeof *v, sess_item_cmp);
    return v;
}

/* RFC 8972 TLVs other than Extra Padding (type 1) may legitimately be
 * rewritten by a reflector that supports them, and so may the flags of
 * any TLV a sender marked (U, M, I, RFC 8972 §4), Extra Padding's too.
 * Zero padding parses as type-0 TLVs and stays a plain copy; so does
 * padding that only looks like TLVs up to where the walk breaks, unless
 * a marked TLV of another type came first (a malformed TLV list, which
 * an RFC 8972 reflector flags with M). */
static bool extra_has_tlvs(const uint8_t *x, size_t len)
{
    size_t off = 0;
    bool other = false, marked_other = false;
    while (len - off >= 4) {
        uint8_t flags = x[off], type = x[off + 1];
        size_t l = ippm_load_u16(x + off + 2);
        if (len - off - 4 < l)
            return marked_other;
        if (type > 1 || (type == 1 && (flags & 0xe0)))
            other = true;
        if (type > 1 && (flags & 0x80))
            marked_other = true;
        off += 4 + l;
    }
    return off == len ? other : marked_other;
}

/* TLVs that change what a reply may be: an RFC 9503 §4.1.1 Control Code
 * 0x0 (no reply), a draft-ietf-ippm-asymmetrical-pkts Reflected Test
 * Packet Control TLV (another length, or none), an RFC 9534 Reflector
 * Micro-session ID (discarded unless the reflector's). The RFC 8762
 * length and answer cases leave such requests to the TLV cases. */
static bool req_shapes_reply(const struct ippm_obs *o,
                             const struct ippm_exchange *e)
{
    size_t base = stamp_obs_base(o);
    if (!e->req || e->req_len <= base)
        return false;
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    stamp_tlv_iter_init(&it, e->req + base, e->req_len - base);
    while (stamp_tlv_next(&it, &t) == IPPM_OK) {
        if (t.type == STAMP_TLV_REFL_CONTROL)
            return true;
        if (t.type == STAMP_TLV_MICRO_SESSION && t.len == 4 &&
            ippm_load_u16(t.value + 2) != 0)
            return true;
        if (t.type == STAMP_TLV_RETURN_PATH) {
            struct stamp_tlv_iter si;
            struct stamp_tlv sub;
            stamp_tlv_iter_init(&si, t.value, t.len);
            while (stamp_tlv_next(&si, &sub) == IPPM_OK)
                if (sub.type == STAMP_RP_CONTROL && sub.len == 4 &&
                    !(ippm_load_u32(sub.value) & STAMP_RP_REPLY_SAME_LINK))
                    return true;
        }
    }
    return false;
}

/* ================= Session-Reflector, RFC 8762 ================= */

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_port_862)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    unsigned to862 = 0, answered = 0;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (e->req_dst.family == IPPM_AF_NONE || e->req_dst.port != STAMP_PORT)
            continue;
        to862++;
        if (!e->rep)
            continue;
        answered++;
        a.n++;
        if (e->rep_src.family != IPPM_AF_NONE &&
            e->rep_src.port != STAMP_PORT)
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
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->req || e->req_len < base || !e->rep || req_shapes_reply(obs, e))
            continue;
        a.n++;
        if (e->rep_len != e->req_len)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": reply length %zu, request length %zu "
                     "(expected equal)",
                     stamp_req_seq(e), e->rep_len, e->req_len);
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
        if (!req_valid(obs, e, &p) || p.ssid || errest_z(p.errest) ||
            req_shapes_reply(obs, e))
            continue;
        a.n++;
        if (!e->rep)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": valid %zu-octet request got no reply "
                     "(expected a reflected packet)",
                     p.seq, e->req_len);
    }
    return stamp_acc_end(&a, "no valid NTP-format request without SSID was sent");
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
        if (extra_has_tlvs(e->req + base, e->req_len - base)) {
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
                     "seq %" PRIu32 ": octet %zu of the reply is 0x%02x, the "
                     "request's is 0x%02x (expected the padding copied "
                     "byte for byte)",
                     stamp_req_seq(e), k, e->rep[k], e->req[k]);
        else if (e->rep_len < e->req_len)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": reply carries %zu octets past the "
                     "base, request %zu (expected all of it copied)",
                     stamp_req_seq(e), e->rep_len > base ? e->rep_len - base : 0,
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

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_no_amplification)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t base = stamp_obs_base(obs);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->req || !e->rep)
            continue;
        /* RFC 8762 §4.6 prescribes the base reply to a short request. */
        if (e->req_len < base && e->rep_len == base)
            continue;
        a.n++;
        if (rep_larger(e))
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": %zu-octet reply to a %zu-octet "
                     "request (expected no larger)",
                     stamp_req_seq(e), e->rep_len, e->req_len);
    }
    return stamp_acc_end(&a, "no reply was seen, other than base packets to short "
                       "requests (RFC 8762 §4.6)");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_amplification_advice)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->req || !e->rep)
            continue;
        a.n++;
        if (rep_larger(e))
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": %zu-octet reply to a %zu-octet request "
                     "(advice: a reply larger than its request amplifies "
                     "spoofed traffic; RFC 8762 §4.6 allows the base packet, "
                     "ippm's reflector sends it only with --reply-to-short)",
                     stamp_req_seq(e), e->rep_len, e->req_len);
    }
    return stamp_acc_end(&a, "no reply was seen");
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
        if (e->n_replies > 1)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": %u replies to one request (expected "
                     "one)",
                     stamp_req_seq(e), e->n_replies);
    }
    return stamp_acc_end(&a, "no reply was seen");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_after_garbage)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *g = &obs->ex[i];
        if (!g->req || !req_malformed(obs, g))
            continue;
        /* The next valid request from the same sender. */
        const struct ippm_exchange *next = NULL;
        struct stamp_sender_pkt np = {0};
        for (size_t j = 0; j < obs->n_ex; j++) {
            const struct ippm_exchange *e = &obs->ex[j];
            struct stamp_sender_pkt p;
            if (j == i || e->req_ns < g->req_ns ||
                (e->req_ns == g->req_ns && j < i) ||
                addr_cmp(&e->req_src, &g->req_src) ||
                !req_valid(obs, e, &p))
                continue;
            if (!next || e->req_ns < next->req_ns) {
                next = e;
                np = p;
            }
        }
        if (!next)
            continue;
        a.n++;
        if (!next->rep)
            stamp_acc_fail(&a,
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
        if (!stamp_dec_req(obs, e, &p) || !p.mbz_nonzero || !req_plausible(e, &p) ||
            req_hmac_bad(obs, e))
            continue;
        a.n++;
        if (!e->rep)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": request with non-zero MBZ got no reply "
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
        if (!req_valid(obs, e, &p) || !errest_z(p.errest))
            continue;
        a.n++;
        if (!e->rep)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": PTP-format request (Z=1) got no reply "
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
        if (!dec_rep_upto(obs, e, &r, RF_ERREST))
            continue;
        a.n++;
        if (errest_z(r.errest) != want_ptp)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": reply Z=%d (%s), reflector configured "
                     "for %s",
                     stamp_req_seq(e), errest_z(r.errest),
                     errest_z(r.errest) ? "PTP" : "NTP",
                     want_ptp ? "PTP" : "NTP");
    }
    char nb[160];
    return stamp_acc_end(
        &a, none_why(obs, RF_ERREST, "no reply was seen", nb, sizeof nb));
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
    char nb[160];
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_reflector_pkt r;
        if (!e->req || e->req_len < 4 || !rep_get(obs, e, &r, RF_SEQ, &a))
            continue;
        a.n++;
        if (r.seq != stamp_req_seq(e))
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": reply Sequence Number %" PRIu32
                     " (expected the request's, %" PRIu32 ")",
                     stamp_req_seq(e), r.seq, stamp_req_seq(e));
    }
    return stamp_acc_end(&a,
                   none_why(obs, RF_SEQ, "no reply was seen", nb, sizeof nb));
}

/* Per-session counters under one grouping; the first failure into a. */
static void stateful_walk(const struct ippm_obs *obs, bool by_ssid,
                          struct stamp_acc *a)
{
    size_t n;
    struct sess_item *v = sessions(obs, true, by_ssid, &n);
    uint32_t want = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || sess_key_cmp(&v[i - 1], &v[i]))
            want = 0; /* a new session counts from zero */
        struct stamp_reflector_pkt r;
        stamp_dec_rep(obs, v[i].e, &r);
        a->n++;
        if (r.seq != want)
            stamp_acc_fail(a,
                     "session from port %u%s: reply %" PRIu32
                     " has Sequence Number %" PRIu32
                     " (expected %" PRIu32
                     ": a per-session counter from zero, up by one)",
                     v[i].e->req_src.port, by_ssid ? " (4-tuple and SSID)" : "",
                     want, r.seq, want);
        want = r.seq + 1;
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
    char nb[160];
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_sender_pkt s;
        struct stamp_reflector_pkt r;
        if (!stamp_dec_req(obs, e, &s) || !rep_get(obs, e, &r, rf, &a))
            continue;
        a.n++;
        if (f == COPY_SEQ && r.ss_seq != s.seq)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Session-Sender Sequence Number %" PRIu32
                     " (expected %" PRIu32 ")",
                     s.seq, r.ss_seq, s.seq);
        else if (f == COPY_TS && r.ss_ts != s.ts)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Session-Sender Timestamp 0x%016" PRIx64
                     " (expected 0x%016" PRIx64 ")",
                     s.seq, r.ss_ts, s.ts);
        else if (f == COPY_ERREST && r.ss_errest != s.errest)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Session-Sender Error Estimate 0x%04x "
                     "(expected 0x%04x)",
                     s.seq, r.ss_errest, s.errest);
    }
    return stamp_acc_end(&a, none_why(obs, rf,
                                "no answered request of base length or more",
                                nb, sizeof nb));
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
        if (rep_lacks(obs, e, RF_TTL)) {
            a.n++;
            acc_fail_lacks(&a, obs, e, RF_TTL);
            continue;
        }
        if (e->req_ttl < 0 || !dec_rep_upto(obs, e, &r, RF_TTL))
            continue;
        a.n++;
        if (r.ss_ttl != e->req_ttl)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Ses-Sender TTL %u, request arrived "
                     "with TTL %d (expected equal)",
                     stamp_req_seq(e), r.ss_ttl, e->req_ttl);
    }
    char nb[160];
    return stamp_acc_end(&a, none_why(obs, RF_TTL,
                                "no answered request with a known arrival "
                                "TTL",
                                nb, sizeof nb));
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_rxts_after_send)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    int64_t tol = (int64_t)obs->clock_tolerance_ns;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_reflector_pkt r;
        if (!e->req_ns || !rep_get(obs, e, &r, RF_RXTS, &a))
            continue;
        a.n++;
        bool ok;
        int64_t d = ts_offset(r.rx_ts, errest_z(r.errest), e->req_ns, &ok);
        int64_t raw;
        const char *hint =
            epoch_hint(r.rx_ts, errest_z(r.errest), e->req_ns, &raw);
        if (!ok)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Receive Timestamp 0x%016" PRIx64
                     " is not a PTPv2 time (nanoseconds >= 10^9)",
                     stamp_req_seq(e), r.rx_ts);
        else if (d < -tol)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Receive Timestamp %.6f s before the "
                     "request was sent (expected not before, tolerance "
                     "%.6f s)%s",
                     stamp_req_seq(e), sec(*hint ? -raw : -d), sec(tol), hint);
    }
    char nb[160];
    return stamp_acc_end(&a, none_why(obs, RF_RXTS,
                                "no reply to a request with a known send time",
                                nb, sizeof nb));
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_ts_after_rxts)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_reflector_pkt r;
        if (!rep_get(obs, e, &r, RF_RXTS, &a))
            continue;
        a.n++;
        enum ippm_tsfmt f = errest_z(r.errest) ? IPPM_TS_PTP : IPPM_TS_NTP;
        bool ok1, ok2;
        uint64_t t3 = ippm_ns_from_ts(r.ts, f, &ok1);
        uint64_t t2 = ippm_ns_from_ts(r.rx_ts, f, &ok2);
        if (!ok1 || !ok2)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": %s is not a PTPv2 time (nanoseconds "
                     ">= 10^9)",
                     stamp_req_seq(e), ok1 ? "Receive Timestamp" : "Timestamp");
        else if (t3 < t2)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Timestamp %.9f s before Receive "
                     "Timestamp (expected not before)",
                     stamp_req_seq(e), sec((int64_t)(t2 - t3)));
    }
    char nb[160];
    return stamp_acc_end(&a,
                   none_why(obs, RF_RXTS, "no reply was seen", nb, sizeof nb));
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_ts_before_seen)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    int64_t tol = (int64_t)obs->clock_tolerance_ns;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_reflector_pkt r;
        if (!e->rep_ns || !rep_get(obs, e, &r, RF_ERREST, &a))
            continue;
        a.n++;
        bool ok;
        int64_t d = ts_offset(r.ts, errest_z(r.errest), e->rep_ns, &ok);
        int64_t raw;
        const char *hint =
            epoch_hint(r.ts, errest_z(r.errest), e->rep_ns, &raw);
        if (!ok)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Timestamp 0x%016" PRIx64
                     " is not a PTPv2 time (nanoseconds >= 10^9)",
                     stamp_req_seq(e), r.ts);
        else if (d > tol)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Timestamp %.6f s after the reply was "
                     "seen (expected not after, tolerance %.6f s)%s",
                     stamp_req_seq(e), sec(*hint ? raw : d), sec(tol), hint);
    }
    char nb[160];
    return stamp_acc_end(&a, none_why(obs, RF_ERREST,
                                "no reply with a known arrival time", nb,
                                sizeof nb));
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_errest_mult)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_reflector_pkt r;
        if (!rep_get(obs, e, &r, RF_ERREST, &a))
            continue;
        a.n++;
        if (!errest_mult(r.errest))
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": reply Error Estimate 0x%04x has "
                     "Multiplier 0 (expected non-zero)",
                     stamp_req_seq(e), r.errest);
    }
    char nb[160];
    return stamp_acc_end(
        &a, none_why(obs, RF_ERREST, "no reply was seen", nb, sizeof nb));
}

/* Whether a timestamp reads, in the format its Z bit names, as a time
 * near ref; on failure writes why into why. */
static bool z_consistent(uint64_t ts, bool z, uint64_t ref, char *why,
                         size_t cap)
{
    if (ts_near(ts, z, ref, STAMP_FORMAT_WINDOW_NS))
        return true;
    if (ts_near(ts, !z, ref, STAMP_FORMAT_WINDOW_NS))
        snprintf(why, cap, "Z=%d says %s but the value reads as %s", z,
                 z ? "PTPv2" : "NTP", z ? "NTP" : "PTPv2");
    else
        snprintf(why, cap,
                 "Z=%d, and the value reads as no time within a day of the "
                 "exchange in either format",
                 z);
    return false;
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
        if (!ref || !rep_get(obs, e, &r, RF_RXTS, &a))
            continue;
        a.n++;
        bool z = errest_z(r.errest);
        if (!z_consistent(r.ts, z, ref, why, sizeof why))
            stamp_acc_fail(&a, "seq %" PRIu32 ": Timestamp: %s", stamp_req_seq(e), why);
        else if (!z_consistent(r.rx_ts, z, ref, why, sizeof why))
            stamp_acc_fail(&a, "seq %" PRIu32 ": Receive Timestamp: %s", stamp_req_seq(e),
                     why);
    }
    char nb[160];
    return stamp_acc_end(&a,
                   none_why(obs, RF_RXTS, "no reply with a known exchange time",
                            nb, sizeof nb));
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
                         stamp_req_seq(e), k, off, off + len - 1, e->rep[k]);
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










/* The region a row names in layout l: MBZ run arg->type (-1: none), from
 * the SSID field with STAMP_ROW_FROM_SSID. False when l has no such run. */
static bool mbz_region(const struct stamp_layout *l,
                       const struct ippm_case_arg *arg, size_t *off,
                       size_t *len)
{
    const struct stamp_span *ssid = &l->field[STAMP_F_SSID];
    if (arg->type >= (int)l->n_mbz || (arg->type < 0 &&
                                       !(arg->flags & STAMP_ROW_FROM_SSID)))
        return false;
    size_t end = arg->type >= 0
                     ? (size_t)l->mbz[arg->type].off + l->mbz[arg->type].len
                     : (size_t)ssid->off + ssid->len;
    *off = (arg->flags & STAMP_ROW_FROM_SSID) ? ssid->off
                                               : l->mbz[arg->type].off;
    *len = end - *off;
    return true;
}

static const char NA_NOT_AUTH[] =
    "unauthenticated mode: the region exists in the authenticated format "
    "only";
static const char NA_NOT_OPEN[] =
    "authenticated mode: the region exists in the unauthenticated format "
    "only";

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_mbz)
{
    const struct stamp_layout *l = stamp_obs_layout(obs, STAMP_PKT_REFLECTOR);
    bool auth = (arg->flags & STAMP_ROW_AUTH) != 0;
    size_t off, len;
    if ((l->mode == STAMP_MODE_AUTH) != auth || !mbz_region(l, arg, &off, &len))
        return stamp_na(detail, cap, auth ? NA_NOT_AUTH : NA_NOT_OPEN);
    return refl_mbz(obs, detail, cap, l, off, len,
                    (arg->flags & STAMP_ROW_FROM_SSID) != 0);
}

static enum ippm_verdict na_auth(const struct ippm_obs *obs, char *detail,
                                 size_t cap, bool *stop)
{
    *stop = true;
    if (!obs->auth)
        return stamp_na(detail, cap, "unauthenticated mode");
    if (!have_key(obs))
        return stamp_na(detail, cap,
                  "authenticated mode without a key: HMACs cannot be "
                  "checked (--auth-key-file)");
    *stop = false;
    return IPPM_NA;
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_hmac_valid)
{
    bool stop;
    enum ippm_verdict v = na_auth(obs, detail, cap, &stop);
    if (stop)
        return v;
    struct stamp_key k = stamp_obs_key(obs);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->rep)
            continue;
        a.n++;
        if (e->rep_len < STAMP_AUTH_BASE_LEN) {
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": %zu-octet reply has no room for the "
                     "HMAC (expected at least %d octets)",
                     stamp_req_seq(e), e->rep_len, STAMP_AUTH_BASE_LEN);
            continue;
        }
        enum ippm_err rc = stamp_hmac_check(&k, e->rep, e->rep_len);
        if (rc == IPPM_ERR_HMAC)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": reply HMAC does not verify with the "
                     "session key (expected HMAC-SHA-256-128 over octets "
                     "0-95)",
                     stamp_req_seq(e));
        else if (rc != IPPM_OK)
            stamp_acc_fail(&a, "seq %" PRIu32 ": HMAC could not be computed: %s",
                     stamp_req_seq(e), ippm_err_str(rc));
    }
    return stamp_acc_end(&a, "no reply was seen");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_refl_bad_hmac_dropped)
{
    bool stop;
    enum ippm_verdict v = na_auth(obs, detail, cap, &stop);
    if (stop)
        return v;
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!req_hmac_bad(obs, e))
            continue;
        a.n++;
        if (e->rep)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": request with a bad HMAC was answered "
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

/* ================= Session-Sender, RFC 8762 ================= */

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
            stamp_acc_fail(&a,
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
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_sender_pkt s;
        if (!stamp_dec_req(obs, e, &s))
            continue;
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
    const struct stamp_layout *l = stamp_obs_layout(obs, STAMP_PKT_SENDER);
    bool auth = (arg->flags & STAMP_ROW_AUTH) != 0;
    size_t off, len;
    if ((l->mode == STAMP_MODE_AUTH) != auth || !mbz_region(l, arg, &off, &len))
        return stamp_na(detail, cap, auth ? NA_NOT_AUTH : NA_NOT_OPEN);
    return send_mbz(obs, detail, cap, l, off, len);
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_seq)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t n;
    struct sess_item *v = sessions(obs, false, false, &n);
    uint32_t want = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || sess_key_cmp(&v[i - 1], &v[i]))
            want = 0;
        uint32_t seq = stamp_req_seq(v[i].e);
        a.n++;
        if (seq != want)
            stamp_acc_fail(&a,
                     "session from port %u: packet has Sequence Number %" PRIu32
                     " (expected %" PRIu32
                     ": from zero, up by one per packet)",
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
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_sender_pkt s;
        if (!stamp_dec_req(obs, e, &s))
            continue;
        a.n++;
        if (!errest_mult(s.errest))
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Error Estimate 0x%04x has Multiplier "
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
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_sender_pkt s;
        if (!e->req_ns || !stamp_dec_req(obs, e, &s))
            continue;
        a.n++;
        if (!z_consistent(s.ts, errest_z(s.errest), e->req_ns, why,
                          sizeof why))
            stamp_acc_fail(&a, "seq %" PRIu32 ": Timestamp: %s", s.seq, why);
    }
    return stamp_acc_end(&a, "no sender packet with a known arrival time");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_ts_plausible)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    int64_t tol = (int64_t)obs->clock_tolerance_ns;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct stamp_sender_pkt s;
        if (!e->req_ns || !stamp_dec_req(obs, e, &s))
            continue;
        a.n++;
        bool ok;
        int64_t d = ts_offset(s.ts, errest_z(s.errest), e->req_ns, &ok);
        int64_t raw;
        const char *hint =
            epoch_hint(s.ts, errest_z(s.errest), e->req_ns, &raw);
        if (!ok)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Timestamp 0x%016" PRIx64
                     " is not a PTPv2 time (nanoseconds >= 10^9)",
                     s.seq, s.ts);
        else if (d > tol || d < -tol)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": Timestamp %+.6f s from the arrival "
                     "time (expected within %.6f s)%s",
                     s.seq, sec(*hint ? raw : d), sec(tol), hint);
    }
    return stamp_acc_end(&a, "no sender packet with a known arrival time");
}

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_hmac_valid)
{
    bool stop;
    enum ippm_verdict v = na_auth(obs, detail, cap, &stop);
    if (stop)
        return v;
    struct stamp_key k = stamp_obs_key(obs);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->req || e->req_len < STAMP_AUTH_BASE_LEN)
            continue;
        a.n++;
        enum ippm_err rc = stamp_hmac_check(&k, e->req, e->req_len);
        if (rc == IPPM_ERR_HMAC)
            stamp_acc_fail(&a,
                     "seq %" PRIu32 ": HMAC does not verify with the session "
                     "key (expected HMAC-SHA-256-128 over octets 0-95)",
                     stamp_req_seq(e));
        else if (rc != IPPM_OK)
            stamp_acc_fail(&a, "seq %" PRIu32 ": HMAC could not be computed: %s",
                     stamp_req_seq(e), ippm_err_str(rc));
    }
    return stamp_acc_end(&a, "no sender packet of base length or more");
}

/* ================= Session-Sender, RFC 8972 ================= */

/* see stamp_checks.h */
STAMP_CHECK(stamp_chk_send_ssid_constant)
{
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t n;
    struct sess_item *v = sessions(obs, false, false, &n);
    size_t start = 0;
    while (start < n) {
        size_t end = start + 1;
        while (end < n && !sess_key_cmp(&v[start], &v[end]))
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
