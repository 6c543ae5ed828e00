/* Helpers of the RFC 8762 / RFC 8972 §3 checks: decoding a reply as far
 * as a field, classifying requests (plausible, malformed, shaping the
 * reply), timestamps, sessions. Private to conformance/stamp/. */
#include "stamp_checks_base.h"

#include <inttypes.h>
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

static struct stamp_span field_span(const struct ippm_obs *o, enum rep_field f)
{
    return stamp_obs_pkt_layout(o, STAMP_PKT_REFLECTOR)->field[rep_fields[f].f];
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

/* see stamp_checks_base.h */
bool stamp_ck_dec_rep_upto(const struct ippm_obs *o,
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
    bool ok =
        stamp_reflector_pkt_decode(p, buf, base, stamp_obs_mode(o)) == IPPM_OK;
    p->extra = NULL; /* a view into buf: not valid past this call */
    p->extra_len = 0;
    p->hmac = NULL;
    return ok;
}

/* see stamp_checks_base.h */
bool stamp_ck_rep_lacks(const struct ippm_obs *o, const struct ippm_exchange *e,
                        enum rep_field f)
{
    return e->rep && e->req && e->req_len >= stamp_obs_base(o) &&
           e->rep_len < field_end(o, f);
}

/* see stamp_checks_base.h */
const char *stamp_ck_none_why(const struct ippm_obs *o, enum rep_field f,
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

/* see stamp_checks_base.h */
bool stamp_ck_rep_get(const struct ippm_obs *o, const struct ippm_exchange *e,
                      struct stamp_reflector_pkt *p, enum rep_field f,
                      struct stamp_acc *a)
{
    if (stamp_ck_dec_rep_upto(o, e, p, f))
        return true;
    if (stamp_ck_rep_lacks(o, e, f)) {
        a->n++;
        stamp_ck_acc_fail_lacks(a, o, e, f);
    }
    return false;
}

/* Grades the base-packet HMAC of e's request, or of its reply, into a. */
static void acc_hmac(struct stamp_acc *a, const struct ippm_hmac_key *k,
                     const struct ippm_exchange *e, bool reply)
{
    enum ippm_err rc = reply ? stamp_hmac_check(k, e->rep, e->rep_len)
                             : stamp_hmac_check(k, e->req, e->req_len);
    if (rc == IPPM_ERR_HMAC)
        stamp_acc_fail(a,
                       "seq %" PRIu32
                       ": %sHMAC does not verify with the session key "
                       "(expected HMAC-SHA-256-128 over octets 0-95)",
                       stamp_req_seq(e), reply ? "reply " : "");
    else if (rc != IPPM_OK)
        stamp_acc_fail(a, "seq %" PRIu32 ": HMAC could not be computed: %s",
                       stamp_req_seq(e), ippm_err_str(rc));
}

/* see stamp_checks_base.h */
enum ippm_verdict stamp_ck_hmac_valid(const struct ippm_obs *obs, char *detail,
                                      size_t cap, bool reply)
{
    bool stop;
    enum ippm_verdict v = stamp_ck_na_auth(obs, detail, cap, &stop);
    if (stop)
        return v;
    struct ippm_hmac_key k = stamp_obs_key(obs);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (reply ? !e->rep : (!e->req || e->req_len < STAMP_AUTH_BASE_LEN))
            continue;
        a.n++;
        if (reply && e->rep_len < STAMP_AUTH_BASE_LEN) {
            stamp_acc_fail(&a,
                           "seq %" PRIu32
                           ": %zu-octet reply has no room for the "
                           "HMAC (expected at least %d octets)",
                           stamp_req_seq(e), e->rep_len, STAMP_AUTH_BASE_LEN);
            continue;
        }
        acc_hmac(&a, &k, e, reply);
    }
    return stamp_acc_end(&a, reply ? "no reply was seen"
                                   : "no sender packet of base length or more");
}

/* see stamp_checks_base.h */
const struct ippm_exchange *stamp_ck_next_rep(const struct ippm_obs *o,
                                              size_t *i, enum rep_field f,
                                              struct stamp_acc *a,
                                              struct stamp_reflector_pkt *p)
{
    while (*i < o->n_ex) {
        const struct ippm_exchange *e = &o->ex[(*i)++];
        if (stamp_ck_rep_get(o, e, p, f, a))
            return e;
    }
    return NULL;
}

/* see stamp_checks_base.h */
enum ippm_verdict stamp_ck_field_end(struct stamp_acc *a,
                                     const struct ippm_obs *o, enum rep_field f,
                                     const char *fallback)
{
    char nb[160];
    return stamp_acc_end(a, stamp_ck_none_why(o, f, fallback, nb, sizeof nb));
}

/* see stamp_checks_base.h */
void stamp_ck_acc_fail_lacks(struct stamp_acc *a, const struct ippm_obs *o,
                             const struct ippm_exchange *e, enum rep_field f)
{
    char oc[24];
    stamp_acc_fail(
        a,
        "seq %" PRIu32 ": %zu-octet reply to a %zu-octet request is too "
        "short to carry the %s (%s; expected a reply of %zu octets at "
        "least)",
        stamp_req_seq(e), e->rep_len, e->req_len, rep_fields[f].name,
        field_octets(o, f, oc, sizeof oc), stamp_obs_base(o));
}

/* see stamp_checks_base.h */
bool stamp_ck_have_key(const struct ippm_obs *o)
{
    return o->auth && stamp_obs_has_key(o);
}

/* see stamp_checks_base.h */
bool stamp_ck_req_hmac_bad(const struct ippm_obs *o,
                           const struct ippm_exchange *e)
{
    if (!stamp_ck_have_key(o) || !e->req || e->req_len < STAMP_AUTH_BASE_LEN)
        return false;
    struct ippm_hmac_key k = stamp_obs_key(o);
    return stamp_hmac_check(&k, e->req, e->req_len) == IPPM_ERR_HMAC;
}

/* see stamp_checks_base.h */
bool stamp_ck_errest_z(uint16_t v)
{
    return (v & 0x4000u) != 0;
}
/* see stamp_checks_base.h */
uint8_t stamp_ck_errest_mult(uint16_t v)
{
    return (uint8_t)v;
}

/* see stamp_checks_base.h */
int64_t stamp_ck_ts_offset(uint64_t ts, bool ptp, uint64_t ref_ns, bool *ok)
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

/* see stamp_checks_base.h */
const char *stamp_ck_epoch_hint(uint64_t ts, bool ptp, uint64_t ref_ns,
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

/* see stamp_checks_base.h */
bool stamp_ck_ts_against(struct stamp_acc *a, uint32_t seq, const char *name,
                         uint64_t ts, uint16_t errest, uint64_t clock_ns,
                         struct stamp_ck_ts_vs *v)
{
    bool ptp = stamp_ck_errest_z(errest), ok;
    int64_t raw;
    if (ts == 0) { /* NTP era 0 at zero (RFC 5905 §6): not set, not 2036 */
        stamp_acc_fail(a, "seq %" PRIu32 ": %s is zero (not set)", seq, name);
        return false;
    }
    v->d = stamp_ck_ts_offset(ts, ptp, clock_ns, &ok);
    v->hint = stamp_ck_epoch_hint(ts, ptp, clock_ns, &raw);
    v->shown = *v->hint ? raw : v->d;
    if (!ok)
        stamp_acc_fail(a,
                       "seq %" PRIu32 ": %s 0x%016" PRIx64
                       " is not a PTPv2 time (nanoseconds >= 10^9)",
                       seq, name, ts);
    return ok;
}

/* see stamp_checks_base.h */
bool stamp_ck_ts_near(uint64_t ts, bool ptp, uint64_t ref_ns, uint64_t window)
{
    bool ok;
    int64_t d = stamp_ck_ts_offset(ts, ptp, ref_ns, &ok);
    uint64_t ad = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
    return ok && ad <= window;
}

/* see stamp_checks_base.h */
bool stamp_ck_req_plausible(const struct ippm_exchange *e,
                            const struct stamp_sender_pkt *p)
{
    return stamp_ck_errest_mult(p->errest) != 0 &&
           stamp_ck_ts_near(p->ts, stamp_ck_errest_z(p->errest), e->req_ns,
                            STAMP_FORMAT_WINDOW_NS);
}

/* see stamp_checks_base.h */
bool stamp_ck_req_valid(const struct ippm_obs *o, const struct ippm_exchange *e,
                        struct stamp_sender_pkt *p)
{
    return stamp_dec_req(o, e, p) && stamp_ck_req_plausible(e, p) &&
           !p->mbz_nonzero && !stamp_ck_req_hmac_bad(o, e);
}

/* see stamp_checks_base.h */
bool stamp_ck_req_malformed(const struct ippm_obs *o,
                            const struct ippm_exchange *e)
{
    struct stamp_sender_pkt p;
    return !stamp_dec_req(o, e, &p) || !stamp_ck_req_plausible(e, &p);
}

/* see stamp_checks_base.h */
double stamp_ck_sec(int64_t ns)
{
    return (double)ns / 1e9;
}

/* ---- stamp_ck_sessions: the 4-tuple of RFC 8762 §4 ---- */

/* see stamp_checks_base.h */
int stamp_ck_addr_cmp(const struct ippm_addr *a, const struct ippm_addr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    int c = memcmp(a->ip, b->ip, sizeof a->ip);
    if (c)
        return c;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    if (a->scope_id != b->scope_id) /* the same fe80:: on two links */
        return a->scope_id < b->scope_id ? -1 : 1;
    return 0;
}

/* see stamp_checks_base.h */
int stamp_ck_sess_key_cmp(const struct sess_item *a, const struct sess_item *b)
{
    int c = stamp_ck_addr_cmp(&a->e->req_src, &b->e->req_src);
    if (!c)
        c = stamp_ck_addr_cmp(&a->e->req_dst, &b->e->req_dst);
    if (!c && a->ssid != b->ssid)
        c = a->ssid < b->ssid ? -1 : 1;
    return c;
}

static int sess_item_cmp(const void *pa, const void *pb)
{
    const struct sess_item *a = pa, *b = pb;
    int c = stamp_ck_sess_key_cmp(a, b);
    if (c)
        return c;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* see stamp_checks_base.h */
struct sess_item *stamp_ck_sessions(const struct ippm_obs *o, bool by_reply,
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
        uint32_t rseq;
        struct stamp_sender_pkt sp;
        if (by_reply ? !stamp_rep_seq(o, e, &rseq) : !stamp_dec_req(o, e, &sp))
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

/* see stamp_checks_base.h */
bool stamp_ck_extra_has_tlvs(const uint8_t *x, size_t len)
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

/* see stamp_checks_base.h */
bool stamp_ck_req_shapes_reply(const struct ippm_obs *o,
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

/* see stamp_checks_base.h */
bool stamp_ck_z_consistent(uint64_t ts, bool z, uint64_t ref, char *why,
                           size_t cap)
{
    if (stamp_ck_ts_near(ts, z, ref, STAMP_FORMAT_WINDOW_NS))
        return true;
    if (stamp_ck_ts_near(ts, !z, ref, STAMP_FORMAT_WINDOW_NS))
        snprintf(why, cap, "Z=%d says %s but the value reads as %s", z,
                 z ? "PTPv2" : "NTP", z ? "NTP" : "PTPv2");
    else
        snprintf(why, cap,
                 "Z=%d, and the value reads as no time within a day of the "
                 "exchange in either format",
                 z);
    return false;
}

/* see stamp_checks_base.h */
bool stamp_ck_mbz_region(const struct stamp_layout *l,
                         const struct ippm_case_arg *arg, size_t *off,
                         size_t *len)
{
    const struct stamp_span *ssid = &l->field[STAMP_F_SSID];
    if (arg->type >= (int)l->n_mbz ||
        (arg->type < 0 && !(arg->flags & STAMP_ROW_FROM_SSID)))
        return false;
    size_t end = arg->type >= 0
                     ? (size_t)l->mbz[arg->type].off + l->mbz[arg->type].len
                     : (size_t)ssid->off + ssid->len;
    *off =
        (arg->flags & STAMP_ROW_FROM_SSID) ? ssid->off : l->mbz[arg->type].off;
    *len = end - *off;
    return true;
}

/* see stamp_checks_base.h */
bool stamp_ck_mbz_row(const struct ippm_obs *obs, enum stamp_pkt_kind kind,
                      const struct ippm_case_arg *arg, char *detail, size_t cap,
                      const struct stamp_layout **l, size_t *off, size_t *len)
{
    bool auth = (arg->flags & STAMP_ROW_AUTH) != 0;
    *l = stamp_obs_pkt_layout(obs, kind);
    if (((*l)->mode == STAMP_MODE_AUTH) == auth &&
        stamp_ck_mbz_region(*l, arg, off, len))
        return true;
    stamp_na(detail, cap, auth ? STAMP_CK_NA_NOT_AUTH : STAMP_CK_NA_NOT_OPEN);
    return false;
}

/* see stamp_checks_base.h */
const char STAMP_CK_NA_NOT_AUTH[] =
    "unauthenticated mode: the region exists in the authenticated format "
    "only";

/* see stamp_checks_base.h */
const char STAMP_CK_NA_NOT_OPEN[] =
    "authenticated mode: the region exists in the unauthenticated format "
    "only";

/* see stamp_checks_base.h */
enum ippm_verdict stamp_ck_na_auth(const struct ippm_obs *obs, char *detail,
                                   size_t cap, bool *stop)
{
    *stop = true;
    if (!obs->auth)
        return stamp_na(detail, cap, "unauthenticated mode");
    if (!stamp_ck_have_key(obs))
        return stamp_na(detail, cap,
                        "authenticated mode without a key: HMACs cannot be "
                        "checked (--auth-key-file)");
    *stop = false;
    return IPPM_NA;
}
