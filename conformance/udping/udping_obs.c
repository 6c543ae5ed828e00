/* What every UDPing check reads: the ext, a datagram's header fields,
 * the port streams, and a receiver's statsd datagrams parsed. */
#include "udping_checks.h"
#include "udping_obs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/common/ippm_cur.h"

/* see udping_obs.h */
const struct udping_obs_ext *udping_obs_ext(const struct ippm_obs *obs)
{
    return (const struct udping_obs_ext *)ippm_obs_ext_find(obs,
                                                            UDPING_OBS_EXT);
}

/* see udping_checks.h */
bool udping_obs_is_legacy(const struct ippm_obs *obs)
{
    const struct udping_obs_ext *x = udping_obs_ext(obs);
    return x && x->legacy;
}

/* see udping_checks.h */
bool udping_view_of(const struct ippm_exchange *e, struct udping_view *v)
{
    memset(v, 0, sizeof *v);
    if (!e->req || e->req_len < UDPING_V1_LEN)
        return false;
    const uint8_t *p = e->req;
    v->p = p;
    v->len = e->req_len;
    v->version = p[UDPING_OFF_VERSION];
    v->start = (int64_t)ippm_load_le64(p + UDPING_OFF_START);
    memcpy(v->guid, p + UDPING_OFF_GUID, UDPING_V1_GUID);
    v->guid[UDPING_V1_GUID] = '\0';
    v->guid_nul = p[UDPING_OFF_GUID + UDPING_V1_GUID] == 0;
    v->seq = ippm_load_le32(p + UDPING_OFF_SEQ);
    v->sec = (int64_t)ippm_load_le64(p + UDPING_OFF_SEC);
    v->nsec = (int64_t)ippm_load_le64(p + UDPING_OFF_NSEC);
    v->size = ippm_load_le32(p + UDPING_OFF_SIZE);
    return true;
}

/* see udping_checks.h */
bool udping_same_stream(const struct ippm_exchange *a,
                        const struct ippm_exchange *b)
{
    return ippm_addr_equal(&a->req_src, &b->req_src) &&
           ippm_addr_equal(&a->req_dst, &b->req_dst);
}

/* see udping_checks.h */
bool udping_pair_of(const struct ippm_obs *obs, const uint32_t *prev,
                    size_t i, struct udping_view *v, struct udping_view *w)
{
    return prev[i] != UDPING_NONE && udping_view_of(&obs->ex[i], v) &&
           udping_view_of(&obs->ex[prev[i]], w);
}

/* Where e's guid is: octet 16 (version 1) or 0 (the 2017 format). */
static size_t guid_at(const struct ippm_exchange *e)
{
    bool v1 = e->req_len >= UDPING_V1_LEN && e->req[0] == 1 &&
              e->req[UDPING_OFF_GUID + UDPING_V1_GUID] == 0;
    return !v1 && udping_obs_legacy_shape(e->req, e->req_len)
               ? 0
               : UDPING_OFF_GUID;
}

/* see udping_checks.h */
void udping_tally(const struct ippm_exchange *ex, size_t n, size_t *sources,
                  size_t *guids)
{
    *sources = *guids = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ippm_exchange *e = &ex[i];
        size_t at = guid_at(e);
        bool src_new = true,
             guid_new = e->req_len >= at + UDPING_V1_GUID &&
                        e->req_len >= UDPING_LEG_LEN;
        for (size_t k = i; k-- > 0 && (src_new || guid_new);) {
            const struct ippm_exchange *f = &ex[k];
            bool same = ippm_addr_equal(&f->req_src, &e->req_src);
            src_new = src_new && !same;
            if (guid_new && same && f->req_len >= UDPING_LEG_LEN &&
                guid_at(f) == at &&
                !memcmp(f->req + at, e->req + at, UDPING_V1_GUID))
                guid_new = false;
        }
        *sources += src_new;
        *guids += guid_new;
    }
}

static uint64_t stream_hash(const struct ippm_exchange *e)
{
    uint8_t k[2 * IPPM_ADDR_KEY_LEN];
    ippm_addr_key(k, &e->req_src);
    ippm_addr_key(k + IPPM_ADDR_KEY_LEN, &e->req_dst);
    uint64_t h = 0xcbf29ce484222325ull ^ e->req_src.port ^
                 ((uint64_t)e->req_dst.port << 16);
    for (size_t i = 0; i < sizeof k; i++)
        h = (h ^ k[i]) * 0x100000001b3ull;
    return h;
}

/* see udping_checks.h */
uint32_t *udping_prev_links(const struct ippm_obs *obs)
{
    size_t n = obs->n_ex;
    if (n == 0 || n >= UDPING_NONE)
        return NULL;
    size_t slots = 16;
    while (slots < 2 * n)
        slots <<= 1;
    uint32_t *prev = malloc(n * sizeof *prev);
    uint32_t *last = malloc(slots * sizeof *last); /* latest of a stream */
    if (!prev || !last) {
        free(prev);
        free(last);
        return NULL;
    }
    for (size_t s = 0; s < slots; s++)
        last[s] = UDPING_NONE;
    for (size_t i = 0; i < n; i++) {
        size_t s = (size_t)stream_hash(&obs->ex[i]) & (slots - 1);
        while (last[s] != UDPING_NONE &&
               !udping_same_stream(&obs->ex[last[s]], &obs->ex[i]))
            s = (s + 1) & (slots - 1);
        prev[i] = last[s];
        last[s] = (uint32_t)i;
    }
    free(last);
    return prev;
}

/* ---- statsd ---- */

static bool parse_u16(const char *s, size_t n, uint16_t *out)
{
    unsigned v = 0;
    if (n == 0 || n > 5)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > 65535)
        return false;
    *out = (uint16_t)v;
    return true;
}

/* The value of tag key= in tags[0..n), false when absent. */
static bool tag(const char *tags, size_t n, const char *key, const char **v,
                size_t *vn)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i + kl < n; i++) {
        if ((i == 0 || tags[i - 1] == ',') && memcmp(tags + i, key, kl) == 0 &&
            tags[i + kl] == '=') {
            *v = tags + i + kl + 1;
            const char *end = memchr(*v, ',', n - (i + kl + 1));
            *vn = end ? (size_t)(end - *v) : n - (i + kl + 1);
            return true;
        }
    }
    return false;
}

/* One line "NAME:VALUE|TYPE": its metric name and ports into *metric,
 * *from, *to; value into *val. */
static bool parse_line(const char *l, size_t n, bool *tagged, char *metric,
                       size_t mcap, uint16_t *from, uint16_t *to, double *val)
{
    const char *bar = memchr(l, '|', n);
    if (!bar)
        return false;
    const char *colon = NULL;
    for (const char *c = l; c < bar; c++)
        if (*c == ':')
            colon = c;
    if (!colon || colon == l)
        return false;
    char num[48];
    size_t vn = (size_t)(bar - colon - 1);
    if (vn == 0 || vn >= sizeof num)
        return false;
    memcpy(num, colon + 1, vn);
    num[vn] = '\0';
    char *end;
    *val = strtod(num, &end);
    if (*end)
        return false;
    size_t name_n = (size_t)(colon - l);
    const char *comma = memchr(l, ',', name_n);
    const char *mname, *mend;
    if (comma) { /* tagged: PREFIX.METRIC,from_host=..,from_port=.. */
        *tagged = true;
        mend = comma;
        mname = mend;
        while (mname > l && mname[-1] != '.')
            mname--;
        const char *v;
        size_t vl;
        const char *tags = comma + 1;
        size_t tn = (size_t)(colon - tags);
        if (!tag(tags, tn, "from_port", &v, &vl) || !parse_u16(v, vl, from) ||
            !tag(tags, tn, "to_port", &v, &vl) || !parse_u16(v, vl, to))
            return false;
    } else { /* plain: FROM_HOST.FROM_PORT.TO_HOST.TO_PORT.METRIC */
        *tagged = false;
        const char *dot[4];
        int k = 0;
        for (const char *c = colon; c > l && k < 4; c--)
            if (c[-1] == '.')
                dot[k++] = c - 1;
        if (k < 4)
            return false;
        mname = dot[0] + 1;
        mend = colon;
        if (!parse_u16(dot[1] + 1, (size_t)(dot[0] - dot[1] - 1), to) ||
            !parse_u16(dot[3] + 1, (size_t)(dot[2] - dot[3] - 1), from))
            return false;
    }
    size_t ml = (size_t)(mend - mname);
    if (ml == 0 || ml >= mcap)
        return false;
    memcpy(metric, mname, ml);
    metric[ml] = '\0';
    return true;
}

/* see udping_obs.h */
bool udping_obs_parse_statsd(const uint8_t *p, size_t len,
                             struct udping_obs_report *r, bool *is_tagged)
{
    static const char *const names[5] = {"count", "targetCount", "sum", "sos",
                                         "max"};
    memset(r, 0, sizeof *r);
    const char *s = (const char *)p;
    size_t off = 0;
    unsigned seen = 0;
    for (int line = 0; off < len && line < 8; line++) {
        const char *nl = memchr(s + off, '\n', len - off);
        size_t n = nl ? (size_t)(nl - (s + off)) : len - off;
        char metric[32];
        uint16_t from, to;
        double v;
        bool tagged;
        if (!parse_line(s + off, n, &tagged, metric, sizeof metric, &from, &to,
                        &v))
            return false;
        if (seen == 0) {
            r->from_port = from;
            r->to_port = to;
            *is_tagged = tagged;
        } else if (from != r->from_port || to != r->to_port ||
                   tagged != *is_tagged) {
            return false;
        }
        for (unsigned m = 0; m < 5; m++) {
            if (strcmp(metric, names[m]) != 0)
                continue;
            seen |= 1u << m;
            if (m == 0)
                r->count = v < 0 ? 0 : (uint64_t)v;
            else if (m == 1)
                r->target = v < 0 ? 0 : (uint64_t)v;
            else if (m == 2)
                r->sum_ms = v;
            else if (m == 3)
                r->sos_ms = v;
            else
                r->max_ms = v;
        }
        off += n + (nl != NULL);
    }
    return seen == 0x1f;
}

/* see udping_obs.h */
bool udping_obs_add_statsd(struct udping_obs_report *rep, size_t *n,
                           size_t cap, const uint8_t *p, size_t len,
                           uint64_t ns)
{
    struct udping_obs_report r;
    bool tagged;
    if (!udping_obs_parse_statsd(p, len, &r, &tagged))
        return false;
    /* -s and -t send the same session one after the other */
    for (size_t k = *n; k-- > 0 && k + 4 >= *n;) {
        struct udping_obs_report *o = &rep[k];
        if (!o->raw[tagged] && o->from_port == r.from_port &&
            o->to_port == r.to_port && o->count == r.count &&
            o->target == r.target && ns - o->ns < 1000000000ull) {
            o->raw[tagged] = p;
            o->raw_len[tagged] = len;
            return true;
        }
    }
    if (*n >= cap)
        return false;
    r.ns = ns;
    r.raw[tagged] = p;
    r.raw_len[tagged] = len;
    rep[(*n)++] = r;
    return true;
}

static double mag(double v)
{
    return v < 0 ? -v : v;
}

/* v within [lo - slack, hi + slack]. */
static bool within(double v, double lo, double hi, double slack)
{
    return v >= lo - slack && v <= hi + slack;
}

/* see udping_obs.h */
bool udping_obs_latency_agrees(const struct udping_obs_report *r,
                               const struct udping_obs_report *seen,
                               double tol_ms, char *why, size_t cap)
{
    double c = (double)seen->count;
    /* the report's 6 significant digits; the capture's microseconds */
    double us = 0.001;
    /* each latency x_i read d_i later, 0 <= d_i <= tol: the sum grows by
     * at most c tol, the sum of squares by 2 sum(x_i d_i) + sum(d_i^2) */
    double sos_hi = seen->sos_ms + 2 * tol_ms * mag(seen->sum_ms) +
                    c * tol_ms * tol_ms;
    if (!within(r->sum_ms, seen->sum_ms, seen->sum_ms + c * tol_ms,
                1e-5 * mag(r->sum_ms) + us * c))
        snprintf(why, cap, "sum %.6f ms reported, %.6f seen (+ up to %.3f ms "
                           "a datagram)", r->sum_ms, seen->sum_ms, tol_ms);
    else if (!within(r->max_ms, seen->max_ms, seen->max_ms + tol_ms,
                     1e-5 * mag(r->max_ms) + us))
        snprintf(why, cap, "max %.6f ms reported, %.6f seen (+ up to %.3f "
                           "ms)", r->max_ms, seen->max_ms, tol_ms);
    else if (!within(r->sos_ms, seen->sos_ms, sos_hi,
                     1e-5 * mag(r->sos_ms) + 2 * us * mag(seen->sum_ms)))
        snprintf(why, cap, "sum of squares %.6f ms² reported, %.6f seen",
                 r->sos_ms, seen->sos_ms);
    else
        return true;
    return false;
}

/* see udping_obs.h */
bool udping_obs_legacy_shape(const uint8_t *p, size_t len)
{
    if (!p || len < UDPING_LEG_LEN)
        return false;
    for (size_t i = 0; i < UDPING_V1_GUID; i++)
        if (p[i] <= 0x20 || p[i] >= 0x7f)
            return false;
    return p[UDPING_V1_GUID] == 0 &&
           ippm_load_le32(p + UDPING_LEG_CONTROL) <= 1 &&
           ippm_load_le32(p + UDPING_LEG_TSCOUNT) <= 1;
}

/* see udping_obs.h */
bool udping_obs_looks_legacy(const struct ippm_exchange *ex, size_t n)
{
    size_t shaped = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ippm_exchange *e = &ex[i];
        if (e->req && e->req_len >= UDPING_V1_LEN && e->req[0] == 1 &&
            e->req[UDPING_OFF_GUID + UDPING_V1_GUID] == 0)
            return false; /* a version-1 datagram */
        shaped += udping_obs_legacy_shape(e->req, e->req_len);
    }
    return n && 2 * shaped > n;
}
