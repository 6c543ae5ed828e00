/* Helpers every STAMP check file uses. */
#include "stamp_check_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto/common/ippm_cur.h"

/* see stamp_check_util.h */
struct stamp_acc stamp_acc_make(char *d, size_t cap)
{
    struct stamp_acc a = {d, cap, 0, 0, NULL, 0};
    if (cap)
        d[0] = '\0';
    return a;
}

/* see stamp_check_util.h */
void stamp_acc_fail(struct stamp_acc *a, const char *fmt, ...)
{
    if (a->bad++ == 0 && a->cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(a->d, a->cap, fmt, ap);
        va_end(ap);
    }
}

/* see stamp_check_util.h */
enum ippm_verdict stamp_acc_end(struct stamp_acc *a, const char *none)
{
    if (a->bad) {
        size_t l = strlen(a->d);
        if (a->n > 1 && l < a->cap)
            snprintf(a->d + l, a->cap - l, " [%u of %u failed]", a->bad, a->n);
        return IPPM_FAIL;
    }
    if (a->n == 0 && a->in_flight) {
        snprintf(a->d, a->cap,
                 "%u request%s in flight when the capture ended: no reply "
                 "could be seen yet",
                 a->in_flight, a->in_flight == 1 ? " was" : "s were");
        return IPPM_NA;
    }
    if (a->n == 0) {
        snprintf(a->d, a->cap, "%s", none);
        return IPPM_NA;
    }
    snprintf(a->d, a->cap, "%u checked%s%s", a->n, a->note ? "; " : "",
             a->note ? a->note : "");
    size_t l = strlen(a->d);
    if (a->in_flight && l < a->cap)
        snprintf(a->d + l, a->cap - l,
                 "; %u in flight when the capture ended, not graded",
                 a->in_flight);
    return IPPM_PASS;
}

/* see stamp_check_util.h */
enum ippm_verdict stamp_na(char *d, size_t cap, const char *why)
{
    snprintf(d, cap, "%s", why);
    return IPPM_NA;
}

/* see stamp_obs.h */
const struct stamp_layout *stamp_obs_pkt_layout(const struct ippm_obs *obs,
                                                enum stamp_pkt_kind kind)
{
    const struct ippm_obs_ext *x = ippm_obs_ext_find(obs, STAMP_OBS_PKT);
    if (x) {
        /* ext is the first member of struct stamp_obs_pkt */
        const struct stamp_obs_pkt *p = (const struct stamp_obs_pkt *)x;
        const struct stamp_layout *l =
            kind == STAMP_PKT_REFLECTOR ? p->reflector : p->sender;
        if (l)
            return l;
    }
    return stamp_layout_get(kind,
                            obs->auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN);
}

/* see stamp_check_util.h */
enum stamp_mode stamp_obs_mode(const struct ippm_obs *o)
{
    return stamp_obs_pkt_layout(o, STAMP_PKT_REFLECTOR)->mode;
}

/* see stamp_check_util.h */
bool stamp_obs_twamp_light(const struct ippm_obs *o)
{
    const struct stamp_layout *l = stamp_obs_pkt_layout(o, STAMP_PKT_REFLECTOR);
    return l != stamp_layout_get(STAMP_PKT_REFLECTOR, l->mode);
}

/* see stamp_check_util.h */
size_t stamp_obs_base(const struct ippm_obs *o)
{
    if (stamp_obs_twamp_light(o))
        return stamp_obs_pkt_layout(o, STAMP_PKT_SENDER)->base_len;
    return stamp_base_len(stamp_obs_mode(o));
}

/* The big-endian value of span s of p (1, 2, 4 or 8 octets; 0 absent). */
static uint64_t span_load(const uint8_t *p, struct stamp_span s)
{
    uint64_t v = 0;
    for (size_t i = 0; i < s.len && s.len <= 8; i++)
        v = v << 8 | p[s.off + i];
    return v;
}

/* Some octet of l's MBZ runs is set in p (which holds l's base). */
static bool layout_mbz(const struct stamp_layout *l, const uint8_t *p)
{
    for (size_t k = 0; k < l->n_mbz; k++)
        for (size_t i = 0; i < l->mbz[k].len; i++)
            if (p[l->mbz[k].off + i])
                return true;
    return false;
}

/* What both packets of a TWAMP layout start and end with. */
struct layout_head {
    uint32_t seq;
    uint64_t ts;
    uint16_t errest, ssid;
    bool mbz;
    const uint8_t *hmac, *extra;
    size_t extra_len;
};

/* A TWAMP packet (TWAMP Light's, or TWAMP's authenticated ones in
 * plaintext) read field by field from its layout: the head fields, the
 * MBZ runs, the HMAC view, the octets past the base. False when len is
 * short of the base. */
static bool layout_head(const struct stamp_layout *l, const uint8_t *p,
                        size_t len, struct layout_head *h)
{
    if (len < l->base_len)
        return false;
    h->seq = (uint32_t)span_load(p, l->field[STAMP_F_SEQ]);
    h->ts = span_load(p, l->field[STAMP_F_TS]);
    h->errest = (uint16_t)span_load(p, l->field[STAMP_F_ERREST]);
    h->ssid = (uint16_t)span_load(p, l->field[STAMP_F_SSID]);
    h->mbz = layout_mbz(l, p);
    h->hmac = l->field[STAMP_F_HMAC].len ? p + l->field[STAMP_F_HMAC].off
                                         : NULL;
    h->extra_len = len - l->base_len;
    h->extra = h->extra_len ? p + l->base_len : NULL;
    return true;
}

static bool layout_dec_req(const struct stamp_layout *l, const uint8_t *p,
                           size_t len, struct stamp_sender_pkt *out)
{
    struct layout_head h;
    if (!layout_head(l, p, len, &h))
        return false;
    *out = (struct stamp_sender_pkt){h.seq, h.ts, h.errest, h.ssid, h.mbz,
                                     h.hmac, h.extra, h.extra_len};
    return true;
}

static bool layout_dec_rep(const struct stamp_layout *l, const uint8_t *p,
                           size_t len, struct stamp_reflector_pkt *out)
{
    struct layout_head h;
    if (!layout_head(l, p, len, &h))
        return false;
    memset(out, 0, sizeof *out);
    out->seq = h.seq;
    out->ts = h.ts;
    out->errest = h.errest;
    out->ssid = h.ssid;
    out->rx_ts = span_load(p, l->field[STAMP_F_RX_TS]);
    out->ss_seq = (uint32_t)span_load(p, l->field[STAMP_F_SS_SEQ]);
    out->ss_ts = span_load(p, l->field[STAMP_F_SS_TS]);
    out->ss_errest = (uint16_t)span_load(p, l->field[STAMP_F_SS_ERREST]);
    out->ss_ttl = (uint8_t)span_load(p, l->field[STAMP_F_SS_TTL]);
    out->mbz_nonzero = h.mbz;
    out->hmac = h.hmac;
    out->extra = h.extra;
    out->extra_len = h.extra_len;
    return true;
}

/* see stamp_check_util.h */
bool stamp_obs_has_key(const struct ippm_obs *o)
{
    return ippm_hmac_key_ready(o->key);
}

/* see stamp_check_util.h */
struct ippm_hmac_key stamp_obs_key(const struct ippm_obs *o)
{
    struct ippm_hmac_key k = {0};
    if (o->key)
        k = *o->key;
    return k;
}

/* see stamp_check_util.h */
bool stamp_rep_seq(const struct ippm_obs *o, const struct ippm_exchange *e,
                   uint32_t *seq)
{
    struct stamp_span sp =
        stamp_obs_pkt_layout(o, STAMP_PKT_REFLECTOR)->field[STAMP_F_SEQ];
    if (!e->rep || e->rep_len < (size_t)sp.off + sp.len)
        return false;
    *seq = ippm_load_u32(e->rep + sp.off);
    return true;
}

/* A reply whose Sequence Number is not the one the sender sent: the
 * Session-Sender Sequence Number it carries, or (a reply too short to
 * carry that) the request's. A short reply tells as much as a full one
 * about the reflector's counter (RFC 8762 §4.3.1, §4.3.2). */
static bool rep_counts_own(const struct ippm_obs *o,
                           const struct ippm_exchange *e)
{
    uint32_t seq;
    if (!stamp_rep_seq(o, e, &seq))
        return false;
    struct stamp_span ss =
        stamp_obs_pkt_layout(o, STAMP_PKT_REFLECTOR)->field[STAMP_F_SS_SEQ];
    if (e->rep_len >= (size_t)ss.off + ss.len)
        return seq != ippm_load_u32(e->rep + ss.off);
    return e->req && e->req_len >= 4 && seq != stamp_req_seq(e);
}

/* see stamp_check_util.h */
int stamp_obs_stateful(const struct ippm_obs *o, const char **how)
{
    const char *unused;
    if (!how)
        how = &unused;
    if (o->expect_stateful >= 0) {
        *how = "configured";
        return o->expect_stateful != 0;
    }
    *how = "inferred from the replies";
    for (size_t i = 0; i < o->n_ex; i++)
        if (rep_counts_own(o, &o->ex[i]))
            return 1;
    return 0;
}

/* see stamp_check_util.h */
uint32_t stamp_req_seq(const struct ippm_exchange *e)
{
    return e->req && e->req_len >= 4 ? ippm_load_u32(e->req) : 0;
}

/* see stamp_check_util.h */
bool stamp_dec_req(const struct ippm_obs *o, const struct ippm_exchange *e,
                   struct stamp_sender_pkt *p)
{
    if (e->req && stamp_obs_twamp_light(o))
        return layout_dec_req(stamp_obs_pkt_layout(o, STAMP_PKT_SENDER),
                              e->req, e->req_len, p);
    return e->req && stamp_sender_pkt_decode(p, e->req, e->req_len,
                                             stamp_obs_mode(o)) == IPPM_OK;
}

/* see stamp_check_util.h */
bool stamp_dec_rep(const struct ippm_obs *o, const struct ippm_exchange *e,
                   struct stamp_reflector_pkt *p)
{
    if (e->rep && stamp_obs_twamp_light(o))
        return layout_dec_rep(stamp_obs_pkt_layout(o, STAMP_PKT_REFLECTOR),
                              e->rep, e->rep_len, p);
    return e->rep && stamp_reflector_pkt_decode(p, e->rep, e->rep_len,
                                                stamp_obs_mode(o)) == IPPM_OK;
}
