/* STAMP TLVs: the walker, the codecs and the Session-Reflector's handling
 * of each TLV. RFC 8972 §4, RFC 9503 §3-§4, RFC 9534 §3, and the drafts
 * draft-ietf-ippm-asymmetrical-pkts-14, draft-ietf-ippm-stamp-ext-hdr-07
 * and draft-gandhi-ippm-stamp-ber-05 with stamp-suite's code points. */
#include "stamp.h"

#include <string.h>

#include "../common/ippm_cur.h"

#define FLAGS_SENDER STAMP_TLV_U /* RFC 8972 §4: U set, M and I clear */
#define FLAGS_KNOWN  (STAMP_TLV_U | STAMP_TLV_M | STAMP_TLV_I | STAMP_TLV_C)

/* ---- walker ---- */

/* see stamp.h */
void stamp_tlv_iter_init(struct stamp_tlv_iter *it, const uint8_t *p,
                         size_t len)
{
    it->p = p;
    it->len = p ? len : 0;
    it->off = 0;
}

/* see stamp.h */
enum ippm_err stamp_tlv_next(struct stamp_tlv_iter *it, struct stamp_tlv *out)
{
    size_t left = it->len - it->off;
    memset(out, 0, sizeof(*out));
    out->off = it->off;
    if (left == 0)
        return IPPM_ERR_DONE;
    const uint8_t *h = it->p + it->off;
    if (left < STAMP_TLV_HDR_LEN) {
        /* RFC 8972 §4: less than a TLV remains: malformed. */
        out->flags = h[0];
        out->type = left > 1 ? h[1] : 0;
        return IPPM_ERR_SHORT;
    }
    out->flags = h[0];
    out->type = h[1];
    out->len = ippm_load_u16(h + 2);
    if (left - STAMP_TLV_HDR_LEN < out->len)
        return IPPM_ERR_TOO_LONG;
    out->value = out->len ? h + STAMP_TLV_HDR_LEN : NULL;
    it->off += STAMP_TLV_HDR_LEN + out->len;
    return IPPM_OK;
}

/* see stamp.h */
bool stamp_tlv_all_zero(const uint8_t *p, size_t len)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < len; i++)
        acc |= p[i];
    return acc == 0;
}

/* ---- encoders ---- */

/* see stamp.h */
enum ippm_err stamp_tlv_put(uint8_t *buf, size_t cap, size_t *off,
                            uint8_t flags, uint8_t type, const void *value,
                            size_t len)
{
    if (len > UINT16_MAX)
        return IPPM_ERR_BAD_ARG;
    if (*off > cap || cap - *off < STAMP_TLV_HDR_LEN + len)
        return IPPM_ERR_NOSPACE;
    uint8_t *h = buf + *off;
    h[0] = flags;
    h[1] = type;
    ippm_store_u16(h + 2, (uint16_t)len);
    if (value && len)
        memmove(h + STAMP_TLV_HDR_LEN, value, len);
    else if (len)
        memset(h + STAMP_TLV_HDR_LEN, 0, len);
    *off += STAMP_TLV_HDR_LEN + len;
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_padding(uint8_t *buf, size_t cap, size_t *off,
                                    size_t len)
{
    /* RFC 8972 §4.1: "The field MAY be filled with all zeros." */
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_PADDING, NULL,
                         len);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_location(uint8_t *buf, size_t cap, size_t *off,
                                     bool src_mac, bool dst_ip, bool src_ip)
{
    uint8_t v[4 + 12 + 20 + 20] = {0};
    size_t n = 4; /* ports: the reflector fills them */
    /* RFC 8972 §4.2: generic sub-TLVs ask; every information field zero. */
    if (src_mac) {
        v[n] = FLAGS_SENDER;
        v[n + 1] = STAMP_LOC_SRC_MAC;
        ippm_store_u16(v + n + 2, 8);
        n += 12;
    }
    if (dst_ip) {
        v[n] = FLAGS_SENDER;
        v[n + 1] = STAMP_LOC_DST_IP;
        ippm_store_u16(v + n + 2, 16);
        n += 20;
    }
    if (src_ip) {
        v[n] = FLAGS_SENDER;
        v[n + 1] = STAMP_LOC_SRC_IP;
        ippm_store_u16(v + n + 2, 16);
        n += 20;
    }
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_LOCATION, v, n);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_tsinfo(uint8_t *buf, size_t cap, size_t *off)
{
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_TSINFO, NULL,
                         4);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_cos(uint8_t *buf, size_t cap, size_t *off,
                                uint8_t dscp1)
{
    if (dscp1 > 63)
        return IPPM_ERR_BAD_ARG;
    uint8_t v[4] = {0};
    /* RFC 8972 Figure 12: DSCP1(6) DSCP2(6) ECN(2) RP(2) Reserved(16);
     * RP MUST be 0 from the sender. */
    ippm_store_u16(v, (uint16_t)(dscp1 << 10));
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_COS, v, 4);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_direct(uint8_t *buf, size_t cap, size_t *off,
                                   uint32_t s_txc)
{
    uint8_t v[12] = {0};
    ippm_store_u32(v, s_txc);
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_DIRECT, v, 12);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_access(uint8_t *buf, size_t cap, size_t *off,
                                   uint8_t id, uint8_t code)
{
    if (id > 15)
        return IPPM_ERR_BAD_ARG;
    uint8_t v[4] = {(uint8_t)(id << 4), code, 0, 0};
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_ACCESS, v, 4);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_followup(uint8_t *buf, size_t cap, size_t *off)
{
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_FOLLOWUP, NULL,
                         16);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_hmac(uint8_t *buf, size_t cap, size_t *off)
{
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_HMAC, NULL,
                         STAMP_HMAC_LEN);
}

static size_t addr_len(const struct ippm_addr *a)
{
    return a->family == IPPM_AF_INET ? 4 : a->family == IPPM_AF_INET6 ? 16 : 0;
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_dest_addr(uint8_t *buf, size_t cap, size_t *off,
                                      const struct ippm_addr *a)
{
    size_t n = addr_len(a);
    if (!n)
        return IPPM_ERR_BAD_ARG;
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_DEST_ADDR,
                         a->ip, n);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_return_path(uint8_t *buf, size_t cap, size_t *off,
                                        const struct stamp_return_path *rp)
{
    size_t a = addr_len(&rp->addr);
    size_t need = (rp->has_control ? 8 : 0) + (a ? 4 + a : 0) +
                  (rp->n_lse ? 4 + 4 * rp->n_lse : 0) +
                  (rp->n_sid ? 4 + 16 * rp->n_sid : 0);
    /* RFC 9503 §4.1: no control code with an address or a segment list;
     * one segment list. */
    if (need == 0 || need > UINT16_MAX ||
        (rp->has_control && (a || rp->n_lse || rp->n_sid)) ||
        (rp->n_lse && rp->n_sid))
        return IPPM_ERR_BAD_ARG;
    if (*off > cap || cap - *off < STAMP_TLV_HDR_LEN + need)
        return IPPM_ERR_NOSPACE;
    size_t at = *off;
    size_t sub = at + STAMP_TLV_HDR_LEN;
    if (rp->has_control) {
        uint8_t v[4];
        ippm_store_u32(v, rp->control);
        stamp_tlv_put(buf, cap, &sub, FLAGS_SENDER, STAMP_RP_CONTROL, v, 4);
    }
    if (a)
        stamp_tlv_put(buf, cap, &sub, FLAGS_SENDER, STAMP_RP_ADDR, rp->addr.ip,
                      a);
    if (rp->n_lse) {
        size_t v = sub + STAMP_TLV_HDR_LEN;
        stamp_tlv_put(buf, cap, &sub, FLAGS_SENDER, STAMP_RP_MPLS, NULL,
                      4 * rp->n_lse);
        for (size_t i = 0; i < rp->n_lse; i++)
            ippm_store_u32(buf + v + 4 * i, rp->lse[i]);
    }
    if (rp->n_sid)
        stamp_tlv_put(buf, cap, &sub, FLAGS_SENDER, STAMP_RP_SRV6, rp->sid,
                      16 * rp->n_sid);
    buf[at] = FLAGS_SENDER;
    buf[at + 1] = STAMP_TLV_RETURN_PATH;
    ippm_store_u16(buf + at + 2, (uint16_t)need);
    *off = sub;
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_micro_session(uint8_t *buf, size_t cap, size_t *off,
                                          uint16_t sender_id,
                                          uint16_t reflector_id)
{
    uint8_t v[4];
    ippm_store_u16(v, sender_id);
    ippm_store_u16(v + 2, reflector_id);
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_MICRO_SESSION,
                         v, 4);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_refl_control(uint8_t *buf, size_t cap, size_t *off,
                                         uint16_t reply_len, uint16_t count,
                                         uint32_t interval_ns)
{
    uint8_t v[12] = {0};
    ippm_store_u16(v, reply_len);
    ippm_store_u16(v + 2, count);
    ippm_store_u32(v + 4, interval_ns);
    /* Octets 8-11: an empty sub-TLV, to reach the minimum of 12. */
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_REFL_CONTROL, v,
                         12);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_ber_pattern(uint8_t *buf, size_t cap, size_t *off,
                                        const uint8_t *pattern, size_t len)
{
    if (!pattern || len == 0 || len > 255)
        return IPPM_ERR_BAD_ARG;
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_BER_PATTERN,
                         pattern, len);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_ber_count(uint8_t *buf, size_t cap, size_t *off)
{
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_BER_COUNT, NULL,
                         4);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_ber_burst(uint8_t *buf, size_t cap, size_t *off)
{
    return stamp_tlv_put(buf, cap, off, FLAGS_SENDER, STAMP_TLV_BER_BURST, NULL,
                         4);
}

/* see stamp.h */
enum ippm_err stamp_tlv_put_ber_padding(uint8_t *buf, size_t cap, size_t *off,
                                        const uint8_t *pattern,
                                        size_t pattern_len, size_t len)
{
    if (!pattern || pattern_len == 0)
        return IPPM_ERR_BAD_ARG;
    size_t v = *off + STAMP_TLV_HDR_LEN;
    enum ippm_err e = stamp_tlv_put_padding(buf, cap, off, len);
    if (e != IPPM_OK)
        return e;
    for (size_t i = 0; i < len; i++)
        buf[v + i] = pattern[i % pattern_len];
    return IPPM_OK;
}

/* ---- decoders ---- */

static enum ippm_err want(const struct stamp_tlv *t, uint8_t type, size_t len)
{
    if (t->type != type)
        return IPPM_ERR_BAD_ARG;
    return t->len == len ? IPPM_OK : IPPM_ERR_BAD_VALUE;
}

/* see stamp.h */
enum ippm_err stamp_tlv_cos_decode(const struct stamp_tlv *t,
                                   struct stamp_tlv_cos *out)
{
    enum ippm_err e = want(t, STAMP_TLV_COS, 4);
    if (e != IPPM_OK)
        return e;
    uint16_t w = ippm_load_u16(t->value);
    out->dscp1 = (uint8_t)(w >> 10);
    out->dscp2 = (uint8_t)((w >> 4) & 0x3f);
    out->ecn = (uint8_t)((w >> 2) & 3);
    out->rp = (uint8_t)(w & 3);
    out->reserved_nonzero = (t->value[2] | t->value[3]) != 0;
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_tlv_direct_decode(const struct stamp_tlv *t,
                                      struct stamp_tlv_direct *out)
{
    enum ippm_err e = want(t, STAMP_TLV_DIRECT, 12);
    if (e != IPPM_OK)
        return e;
    out->s_txc = ippm_load_u32(t->value);
    out->r_rxc = ippm_load_u32(t->value + 4);
    out->r_txc = ippm_load_u32(t->value + 8);
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_tlv_followup_decode(const struct stamp_tlv *t,
                                        struct stamp_tlv_followup *out)
{
    enum ippm_err e = want(t, STAMP_TLV_FOLLOWUP, 16);
    if (e != IPPM_OK)
        return e;
    out->seq = ippm_load_u32(t->value);
    out->ts = ippm_load_u64(t->value + 4);
    out->mode = t->value[12];
    out->reserved_nonzero = (t->value[13] | t->value[14] | t->value[15]) != 0;
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_tlv_tsinfo_decode(const struct stamp_tlv *t,
                                      struct stamp_tlv_tsinfo *out)
{
    if (t->type != STAMP_TLV_TSINFO)
        return IPPM_ERR_BAD_ARG;
    /* RFC 8972 §4.3: four fields, then optional sub-TLVs. */
    if (t->len < 4)
        return IPPM_ERR_BAD_VALUE;
    out->sync_in = t->value[0];
    out->ts_in = t->value[1];
    out->sync_out = t->value[2];
    out->ts_out = t->value[3];
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_tlv_access_decode(const struct stamp_tlv *t,
                                      struct stamp_tlv_access *out)
{
    enum ippm_err e = want(t, STAMP_TLV_ACCESS, 4);
    if (e != IPPM_OK)
        return e;
    out->id = t->value[0] >> 4;
    out->code = t->value[1];
    out->reserved_nonzero =
        ((t->value[0] & 0x0f) | t->value[2] | t->value[3]) != 0;
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_tlv_micro_decode(const struct stamp_tlv *t,
                                     uint16_t *sender_id,
                                     uint16_t *reflector_id)
{
    enum ippm_err e = want(t, STAMP_TLV_MICRO_SESSION, 4);
    if (e != IPPM_OK)
        return e;
    *sender_id = ippm_load_u16(t->value);
    *reflector_id = ippm_load_u16(t->value + 2);
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_tlv_dest_addr_decode(const struct stamp_tlv *t,
                                         struct ippm_addr *out)
{
    if (t->type != STAMP_TLV_DEST_ADDR)
        return IPPM_ERR_BAD_ARG;
    if (t->len != 4 && t->len != 16)
        return IPPM_ERR_BAD_VALUE;
    memset(out, 0, sizeof(*out));
    out->family = t->len == 4 ? IPPM_AF_INET : IPPM_AF_INET6;
    memcpy(out->ip, t->value, t->len);
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_tlv_refl_control_decode(const struct stamp_tlv *t,
                                            struct stamp_tlv_refl_control *out)
{
    if (t->type != STAMP_TLV_REFL_CONTROL)
        return IPPM_ERR_BAD_ARG;
    /* asymmetrical-pkts-14 §3: the Length MUST NOT be below 12. */
    if (t->len < 12)
        return IPPM_ERR_BAD_VALUE;
    out->reply_len = ippm_load_u16(t->value);
    out->count = ippm_load_u16(t->value + 2);
    out->interval_ns = ippm_load_u32(t->value + 4);
    out->sub = t->value + 8;
    out->sub_len = t->len - 8u;
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_tlv_location_decode(const struct stamp_tlv *t,
                                        uint16_t *dst_port, uint16_t *src_port,
                                        struct stamp_tlv_iter *sub)
{
    if (t->type != STAMP_TLV_LOCATION)
        return IPPM_ERR_BAD_ARG;
    if (t->len < 4)
        return IPPM_ERR_BAD_VALUE;
    *dst_port = ippm_load_u16(t->value);
    *src_port = ippm_load_u16(t->value + 2);
    stamp_tlv_iter_init(sub, t->value + 4, t->len - 4u);
    return IPPM_OK;
}

/* see stamp.h */
size_t stamp_loc_sub_len(uint8_t type)
{
    switch (type) {
    case STAMP_LOC_SRC_MAC:
    case STAMP_LOC_SRC_EUI48:
    case STAMP_LOC_SRC_EUI64:
        return 8;
    case STAMP_LOC_DST_IP:
    case STAMP_LOC_DST_IPV4:
    case STAMP_LOC_DST_IPV6:
    case STAMP_LOC_SRC_IP:
    case STAMP_LOC_SRC_IPV4:
    case STAMP_LOC_SRC_IPV6:
        return 16;
    }
    return 0;
}

/* see stamp.h */
enum ippm_err stamp_rp_sub_check(const struct stamp_tlv *sub)
{
    switch (sub->type) {
    case STAMP_RP_CONTROL:
        return sub->len == 4 ? IPPM_OK : IPPM_ERR_BAD_VALUE;
    case STAMP_RP_ADDR:
        return sub->len == 4 || sub->len == 16 ? IPPM_OK : IPPM_ERR_BAD_VALUE;
    case STAMP_RP_MPLS:
        /* RFC 9503 §4.1.3: not 0; §4.1.3.1: a multiple of 4. */
        return sub->len && sub->len % 4 == 0 ? IPPM_OK : IPPM_ERR_BAD_VALUE;
    case STAMP_RP_SRV6:
        return sub->len && sub->len % 16 == 0 ? IPPM_OK : IPPM_ERR_BAD_VALUE;
    }
    return IPPM_ERR_BAD_ARG;
}

/* see stamp.h */
enum ippm_err stamp_tlv_u32_at(const struct stamp_tlv *t, size_t i,
                               uint32_t *out)
{
    if (i >= t->len / 4u)
        return IPPM_ERR_SHORT;
    *out = ippm_load_u32(t->value + 4 * i);
    return IPPM_OK;
}

/* ---- HMAC TLV, RFC 8972 §4.8 ---- */

/* see stamp.h */
enum ippm_err stamp_tlv_hmac_compute(const struct ippm_hmac_key *key,
                                     const uint8_t *pkt, size_t base,
                                     size_t hmac_off,
                                     uint8_t out[STAMP_HMAC_LEN])
{
    if (!ippm_hmac_key_ready(key) || key->hash != IPPM_HASH_SHA256)
        return IPPM_ERR_NO_KEY;
    uint8_t full[IPPM_HASH_MAX_LEN];
    /* The Sequence Number of the base packet, then all preceding TLVs. */
    struct ippm_iov iov[2] = {{pkt, 4}, {pkt + base, hmac_off}};
    if (ippm_hmac_iov(key, iov, 2, full) != IPPM_OK)
        return IPPM_ERR_CRYPTO;
    memcpy(out, full, STAMP_HMAC_LEN);
    return IPPM_OK;
}

static bool hmac_tlv_at(const uint8_t *pkt, size_t len, size_t base,
                        size_t hmac_off)
{
    size_t at = base + hmac_off;
    return base >= 4 && at >= base && at <= len &&
           len - at >= STAMP_TLV_HDR_LEN + STAMP_HMAC_LEN &&
           pkt[at + 1] == STAMP_TLV_HMAC &&
           ippm_load_u16(pkt + at + 2) == STAMP_HMAC_LEN;
}

/* see stamp.h */
enum ippm_err stamp_tlv_hmac_sign(const struct ippm_hmac_key *key, uint8_t *pkt,
                                  size_t len, size_t base, size_t hmac_off)
{
    if (!hmac_tlv_at(pkt, len, base, hmac_off))
        return IPPM_ERR_BAD_ARG;
    uint8_t mac[STAMP_HMAC_LEN];
    enum ippm_err e = stamp_tlv_hmac_compute(key, pkt, base, hmac_off, mac);
    if (e == IPPM_OK)
        memcpy(pkt + base + hmac_off + STAMP_TLV_HDR_LEN, mac, sizeof(mac));
    return e;
}

/* see stamp.h */
enum ippm_err stamp_tlv_hmac_check(const struct ippm_hmac_key *key,
                                   const uint8_t *pkt, size_t len, size_t base,
                                   size_t hmac_off)
{
    if (!hmac_tlv_at(pkt, len, base, hmac_off))
        return IPPM_ERR_BAD_ARG;
    uint8_t mac[STAMP_HMAC_LEN];
    enum ippm_err e = stamp_tlv_hmac_compute(key, pkt, base, hmac_off, mac);
    if (e != IPPM_OK)
        return e;
    if (!ippm_ct_equal(mac, pkt + base + hmac_off + STAMP_TLV_HDR_LEN,
                       STAMP_HMAC_LEN))
        return IPPM_ERR_HMAC;
    return IPPM_OK;
}

/* ---- the Session-Reflector ---- */

/* What a first pass over the request's TLVs found. Everything the second
 * pass needs from the request is read here, so out may alias it. */
struct survey {
    bool bad_walk; /* a TLV did not parse */
    size_t n;      /* TLVs that parsed */
    size_t n_padding;
    size_t hmac_at; /* first HMAC TLV, SIZE_MAX none */
    unsigned n_hmac;
    bool hmac_misplaced; /* something but Extra Padding after it */
    size_t fixed_len;    /* octets of TLVs but Extra Padding */
    bool has_ctrl;
    struct stamp_tlv_refl_control ctrl;
    /* BER: pattern (default 0xFF00), errors in the Extra Padding */
    uint8_t pattern[255];
    size_t pattern_len;
    bool ber; /* a BER TLV (240-242) asks for the count */
    uint32_t ber_bits, ber_burst;
};

static void survey_ber(struct survey *s, const struct stamp_tlv *t)
{
    uint32_t run = 0;
    for (size_t i = 0; i < t->len; i++) {
        uint8_t x = t->value[i] ^ s->pattern[i % s->pattern_len];
        for (int b = 7; b >= 0; b--) {
            if (x >> b & 1) {
                s->ber_bits++;
                if (++run > s->ber_burst)
                    s->ber_burst = run;
            } else {
                run = 0;
            }
        }
    }
}

static void survey(const uint8_t *in, size_t len, struct survey *s)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    memset(s, 0, sizeof(*s));
    s->hmac_at = SIZE_MAX;
    s->pattern[0] = 0xff;
    s->pattern[1] = 0x00;
    s->pattern_len = 2;
    stamp_tlv_iter_init(&it, in, len);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK) {
        s->n++;
        if (t.type == STAMP_TLV_PADDING)
            s->n_padding++;
        else
            s->fixed_len += STAMP_TLV_HDR_LEN + t.len;
        if (t.type == STAMP_TLV_HMAC) {
            if (s->n_hmac++ == 0)
                s->hmac_at = t.off;
        } else if (s->n_hmac && t.type != STAMP_TLV_PADDING) {
            s->hmac_misplaced = true;
        }
        if (t.type == STAMP_TLV_REFL_CONTROL && !s->has_ctrl &&
            stamp_tlv_refl_control_decode(&t, &s->ctrl) == IPPM_OK)
            s->has_ctrl = true;
        if (t.type == STAMP_TLV_BER_PATTERN || t.type == STAMP_TLV_BER_COUNT ||
            t.type == STAMP_TLV_BER_BURST)
            s->ber = true;
        if (t.type == STAMP_TLV_BER_PATTERN && t.len) {
            s->pattern_len =
                t.len < sizeof s->pattern ? t.len : sizeof s->pattern;
            memcpy(s->pattern, t.value, s->pattern_len);
        }
    }
    s->bad_walk = e != IPPM_ERR_DONE;
    /* Errors against the pattern, once it is known. */
    stamp_tlv_iter_init(&it, in, len);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        if (t.type == STAMP_TLV_PADDING)
            survey_ber(s, &t);
}

/* RFC 8972 §4.8: is an HMAC TLV needed, and does what came verify? */
static bool integrity_ok(const struct stamp_tlv_ctx *c, const struct survey *s,
                         bool *unverifiable)
{
    bool need = c->mode == STAMP_MODE_AUTH || c->require_hmac;
    bool only_padding = s->n == 1 && s->n_padding == 1 && !s->bad_walk;
    bool have_key = ippm_hmac_key_ready(c->key);
    *unverifiable = false;
    if (s->hmac_at == SIZE_MAX)
        return !need || only_padding;
    /* "If the HMAC TLV appears in any other position ... HMAC
     * verification failure". */
    if (s->hmac_misplaced || s->n_hmac > 1)
        return false;
    if (!have_key) {
        *unverifiable = true;
        return !need;
    }
    return stamp_tlv_hmac_check(c->key, c->req, c->req_len, c->base,
                                s->hmac_at) == IPPM_OK;
}

/* §4.8: copy every TLV, I set on each, and stop. */
static void reflect_integrity_failed(const struct stamp_tlv_ctx *c,
                                     uint8_t *out, size_t len)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    memmove(out, c->req + c->base, len);
    stamp_tlv_iter_init(&it, out, len);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        out[t.off] = (uint8_t)(t.flags | STAMP_TLV_I);
}

/* Everything the per-TLV handlers share. */
struct refl {
    const struct stamp_tlv_ctx *c;
    const struct survey *s;
    uint8_t *out;
    size_t out_len;
    struct stamp_tlv_result *res;
    bool seen_return_path;
    size_t ext_hdrs_seen;  /* type-246 TLVs so far: the nth gets the nth */
};

static void put_addr(uint8_t *v, const struct ippm_addr *a)
{
    memset(v, 0, 16);
    memcpy(v, a->ip, addr_len(a));
}

/* RFC 8972 §4.2.2: answer each generic sub-TLV with the specific one for
 * the family seen. Returns false when a sub-TLV is malformed. */
static bool reflect_location(struct refl *r, uint8_t *v, size_t len)
{
    const struct ippm_rx_meta *m = r->c->meta;
    struct stamp_tlv_iter it;
    struct stamp_tlv s;
    enum ippm_err e;
    if (len < 4)
        return false;
    stamp_tlv_iter_init(&it, v + 4, len - 4);
    /* First check every sub-TLV: a malformed one leaves all as sent (the
     * request may be this very buffer). */
    while ((e = stamp_tlv_next(&it, &s)) == IPPM_OK) {
        size_t want_len = stamp_loc_sub_len(s.type);
        if (want_len && s.len != want_len)
            return false;
    }
    if (e != IPPM_ERR_DONE)
        return false;
    /* The ports of the received packet. */
    ippm_store_u16(v, m->local.port);
    ippm_store_u16(v + 2, m->peer.port);
    stamp_tlv_iter_init(&it, v + 4, len - 4);
    while (stamp_tlv_next(&it, &s) == IPPM_OK) {
        uint8_t *h = v + 4 + s.off;
        uint8_t *val = h + STAMP_TLV_HDR_LEN;
        /* §4.2.1: I is zero on transmission; U per §4; reserved zero. */
        uint8_t fl = 0;
        switch (s.type) {
        case STAMP_LOC_SRC_MAC:
            /* A UDP socket never sees the MAC: the EUI-64 form, zeroed. */
            h[1] = STAMP_LOC_SRC_EUI64;
            memset(val, 0, 8);
            break;
        case STAMP_LOC_DST_IP:
            h[1] = m->peer.family == IPPM_AF_INET6 ? STAMP_LOC_DST_IPV6
                                                   : STAMP_LOC_DST_IPV4;
            put_addr(val, &m->local);
            break;
        case STAMP_LOC_SRC_IP:
            h[1] = m->peer.family == IPPM_AF_INET6 ? STAMP_LOC_SRC_IPV6
                                                   : STAMP_LOC_SRC_IPV4;
            put_addr(val, &m->peer);
            break;
        default:
            /* Specific or unknown types are not queries: not processed. */
            fl |= STAMP_TLV_U;
            break;
        }
        h[0] = fl;
    }
    return true;
}

static void reflect_tsinfo(const struct stamp_tlv_ctx *c, uint8_t *v)
{
    v[0] = c->sync_src;
    v[1] = c->ts_in ? c->ts_in : STAMP_TSM_SW;
    v[2] = c->sync_src;
    v[3] = c->ts_out ? c->ts_out : STAMP_TSM_SW;
}

/* RFC 8972 §4.4. */
static void reflect_cos(struct refl *r, uint8_t *v)
{
    const struct stamp_tlv_ctx *c = r->c;
    int tos = c->meta->tos;
    uint8_t dscp1 = (uint8_t)(ippm_load_u16(v) >> 10);
    uint8_t dscp2 = tos >= 0 ? (uint8_t)(tos >> 2) : 0;
    uint8_t ecn = tos >= 0 ? (uint8_t)(tos & 3) : 0;
    uint8_t rp = 0;
    if (c->dscp_permitted >> dscp1 & 1) {
        r->res->tos = (int16_t)(dscp1 << 2);
    } else {
        /* Not permitted: the DSCP received, and RP = 1. */
        r->res->tos = tos >= 0 ? (int16_t)(dscp2 << 2) : -1;
        rp = 1;
    }
    ippm_store_u16(v, (uint16_t)(dscp1 << 10 | dscp2 << 4 | ecn << 2 | rp));
    v[2] = v[3] = 0;
}

/* RFC 8972 §4.7. */
static void reflect_followup(const struct stamp_tlv_ctx *c, uint8_t *v)
{
    memset(v, 0, 16);
    /* Stateless: zero. Stateful: the previous reply's number and its
     * Timestamp (the time it was sent, as written into it). */
    if (!c->stateful || !c->have_prev)
        return;
    ippm_store_u32(v, c->prev_seq);
    ippm_store_u64(v + 4, c->prev_ts);
    v[12] = c->fu_mode ? c->fu_mode : STAMP_TSM_SW;
}

static bool same_ip(const struct ippm_addr *a, const struct stamp_tlv *t)
{
    size_t n = addr_len(a);
    return n && n == t->len && memcmp(a->ip, t->value, n) == 0;
}

/* RFC 9503 §4: returns false when malformed. */
static bool reflect_return_path(struct refl *r, uint8_t *h, size_t len,
                                uint8_t *fl)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv s;
    enum ippm_err e;
    bool control = false, reply = true, followable = true;
    stamp_tlv_iter_init(&it, h + STAMP_TLV_HDR_LEN, len);
    while ((e = stamp_tlv_next(&it, &s)) == IPPM_OK) {
        enum ippm_err k = stamp_rp_sub_check(&s);
        if (k == IPPM_ERR_BAD_VALUE)
            return false;
        if (s.type == STAMP_RP_CONTROL && !control) {
            control = true;
            reply = (ippm_load_u32(s.value) & STAMP_RP_REPLY_SAME_LINK) != 0;
        }
        /* Only a return address that is the request's source is a path
         * this reflector takes anyway. */
        if (s.type != STAMP_RP_ADDR || !same_ip(&r->c->meta->peer, &s))
            followable = false;
    }
    if (e != IPPM_ERR_DONE || len == 0)
        return false;
    if (control && !reply) {
        /* §4.1.1: "does not transmit a reply test packet". */
        r->res->drop = STAMP_ERR_NO_REPLY;
        return true;
    }
    /* This reflector answers from the socket the request came in on, to
     * its source: it can neither pin a link, nor send to another
     * address, nor push a segment list. §4: U = 1, here and on each
     * sub-TLV it did not follow; a return address that is the source
     * itself is followed (U = 0). */
    if (!followable)
        *fl |= STAMP_TLV_U;
    stamp_tlv_iter_init(&it, h + STAMP_TLV_HDR_LEN, len);
    while (stamp_tlv_next(&it, &s) == IPPM_OK)
        h[STAMP_TLV_HDR_LEN + s.off] = followable ? 0 : STAMP_TLV_U;
    return true;
}

/* draft-ietf-ippm-asymmetrical-pkts-14 §3: the reply's length, and C. */
static size_t asym_target(const struct refl *r, bool *c_flag)
{
    const struct stamp_tlv_ctx *c = r->c;
    const struct survey *s = r->s;
    size_t cap = c->max_reply_len > c->req_len ? c->max_reply_len : c->req_len;
    size_t fixed = c->base + s->fixed_len;
    size_t want = ((size_t)s->ctrl.reply_len + 3u) & ~(size_t)3u;
    size_t len = fixed > want ? fixed : want;
    *c_flag = false;
    if (len > cap) {
        *c_flag = true;
        len = cap > fixed ? cap : fixed;
    }
    /* More than one reply within the reflector's limits (its count, its
     * shortest interval, a copy it can keep); beyond them §3 says C = 1
     * and a single packet. */
    if (s->ctrl.count > 1 &&
        (s->ctrl.count > c->max_count ||
         s->ctrl.interval_ns < c->min_interval_ns ||
         len > STAMP_REPEAT_MAX_LEN))
        *c_flag = true;
    return len;
}

static bool malformed_len(uint8_t type, uint16_t len)
{
    switch (type) {
    case STAMP_TLV_LOCATION:
    case STAMP_TLV_TSINFO:
        return len < 4;
    case STAMP_TLV_COS:
    case STAMP_TLV_ACCESS:
    case STAMP_TLV_MICRO_SESSION:
    case STAMP_TLV_BER_COUNT:
    case STAMP_TLV_BER_BURST:
        return len != 4;
    case STAMP_TLV_DIRECT:
        return len != 12;
    case STAMP_TLV_FOLLOWUP:
    case STAMP_TLV_HMAC:
        return len != 16;
    case STAMP_TLV_DEST_ADDR:
        return len != 4 && len != 16;
    case STAMP_TLV_REFL_CONTROL:
        return len < 12;
    case STAMP_TLV_BER_PATTERN:
        return len == 0;
    case STAMP_TLV_EXT_HDR:
    case STAMP_TLV_IP_HDR:
        return len < 4;
    }
    return false;
}

/* see stamp.h */
bool stamp_tlv_subs_ok(const uint8_t *p, size_t n, bool location)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv s;
    enum ippm_err e;
    stamp_tlv_iter_init(&it, p, n);
    while ((e = stamp_tlv_next(&it, &s)) == IPPM_OK) {
        size_t want_len = location ? stamp_loc_sub_len(s.type) : 0;
        if (location ? want_len && s.len != want_len
                     : stamp_rp_sub_check(&s) == IPPM_ERR_BAD_VALUE)
            return false;
    }
    return e == IPPM_ERR_DONE;
}

/* The whole list walks and every TLV is well formed. */
static bool all_wellformed(const uint8_t *in, size_t len)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    stamp_tlv_iter_init(&it, in, len);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK) {
        if (malformed_len(t.type, t.len))
            return false;
        if (t.type == STAMP_TLV_LOCATION &&
            !stamp_tlv_subs_ok(t.value + 4, t.len - 4u, true))
            return false;
        if (t.type == STAMP_TLV_RETURN_PATH &&
            (!t.len || !stamp_tlv_subs_ok(t.value, t.len, false)))
            return false;
    }
    return e == IPPM_ERR_DONE;
}

/* One TLV, already copied to h. Returns false when it is malformed:
 * processing stops there. */
static bool reflect_one(struct refl *r, uint8_t *h, const struct stamp_tlv *t)
{
    const struct stamp_tlv_ctx *c = r->c;
    uint8_t *v = h + STAMP_TLV_HDR_LEN;
    /* U, M, I cleared unless set below; reserved bits zeroed (§4). */
    uint8_t fl = 0;
    if (malformed_len(t->type, t->len))
        return false;
    switch (t->type) {
    case STAMP_TLV_PADDING:
        /* BER draft: padding repaired to the pattern, so the reverse
         * path can be measured too. */
        if (r->s->ber && r->s->ber_bits)
            for (size_t i = 0; i < t->len; i++)
                v[i] = r->s->pattern[i % r->s->pattern_len];
        break;
    case STAMP_TLV_LOCATION:
        if (!reflect_location(r, v, t->len))
            return false;
        break;
    case STAMP_TLV_TSINFO:
        reflect_tsinfo(c, v);
        break;
    case STAMP_TLV_COS:
        reflect_cos(r, v);
        break;
    case STAMP_TLV_DIRECT:
        /* §4.5: S_TxC copied, R_RxC and R_TxC filled. */
        ippm_store_u32(v + 4, c->rx_count);
        ippm_store_u32(v + 8, c->tx_count);
        break;
    case STAMP_TLV_ACCESS:
        /* §4.6: ID and Return Code copied, reserved zeroed. An ID other
         * than 1 or 2 "MUST be discarded": not processed (U). */
        v[0] &= 0xf0;
        v[2] = v[3] = 0;
        if ((v[0] >> 4) != 1 && (v[0] >> 4) != 2)
            fl |= STAMP_TLV_U;
        break;
    case STAMP_TLV_FOLLOWUP:
        reflect_followup(c, v);
        r->res->followup = true;
        break;
    case STAMP_TLV_HMAC:
        /* Signed once the reply is complete; without a key, unprocessed. */
        if (ippm_hmac_key_ready(c->key) && r->res->hmac_off == SIZE_MAX)
            r->res->hmac_off = (size_t)(h - r->out);
        else
            fl |= STAMP_TLV_U;
        memset(v, 0, STAMP_HMAC_LEN);
        break;
    case STAMP_TLV_DEST_ADDR:
        /* RFC 9503 §3: U = 1 when not the intended destination. */
        if (!same_ip(&c->meta->local, t))
            fl |= STAMP_TLV_U;
        break;
    case STAMP_TLV_RETURN_PATH:
        if (r->seen_return_path) {
            fl |= STAMP_TLV_U; /* §4: only the first is processed */
            break;
        }
        r->seen_return_path = true;
        if (!reflect_return_path(r, h, t->len, &fl))
            return false;
        break;
    case STAMP_TLV_MICRO_SESSION: {
        /* RFC 9534 §3.2: a non-zero Reflector ID must be ours. */
        uint16_t rid = ippm_load_u16(v + 2);
        if (rid && rid != c->micro_session_id)
            r->res->drop = STAMP_ERR_MEMBER_LINK;
        ippm_store_u16(v + 2, c->micro_session_id);
        break;
    }
    case STAMP_TLV_REFL_CONTROL: {
        bool cflag;
        (void)asym_target(r, &cflag);
        if (r->s->ctrl.count == 0)
            r->res->drop = STAMP_ERR_NO_REPLY;
        if (cflag)
            fl |= STAMP_TLV_C;
        else if (r->s->has_ctrl && r->s->ctrl.count > 1) {
            r->res->count = r->s->ctrl.count;
            r->res->interval_ns = r->s->ctrl.interval_ns;
        }
        break;
    }
    case STAMP_TLV_BER_PATTERN:
        break;
    case STAMP_TLV_BER_COUNT:
        ippm_store_u32(v, r->s->ber_bits);
        break;
    case STAMP_TLV_BER_BURST:
        ippm_store_u32(v, r->s->ber_burst);
        break;
    case STAMP_TLV_EXT_HDR:
        if (!stamp_ext_hdr_fill(v, t->len, c->meta, r->ext_hdrs_seen++))
            fl |= STAMP_TLV_U;
        break;
    case STAMP_TLV_IP_HDR:
        /* A UDP socket hands over no IP header: cannot be reflected. */
        fl |= STAMP_TLV_U;
        break;
    default:
        /* §4: unrecognised: copied, U = 1, not processed. */
        fl |= STAMP_TLV_U;
        break;
    }
    h[0] = fl;
    return true;
}

/* §4: "copy the remainder ... set the M flag to 1". t: the TLV found
 * malformed (NULL when the walk itself failed). */
static size_t reflect_malformed(struct refl *r, size_t in_off, size_t out_off,
                                const struct stamp_tlv *t)
{
    const uint8_t *in = r->c->req + r->c->base;
    size_t rest = r->c->req_len - r->c->base - in_off;
    /* The TLV as received (handlers may have edited the copy). */
    memmove(r->out + out_off, in + in_off, rest);
    r->out[out_off] = (uint8_t)(r->out[out_off] | STAMP_TLV_M);
    /* §4.7: a Follow-Up TLV of a bad length gets its Sequence Number and
     * Timestamp zeroed, as far as they go. */
    if (t && t->type == STAMP_TLV_FOLLOWUP)
        memset(r->out + out_off + STAMP_TLV_HDR_LEN, 0,
               t->len < 12 ? t->len : 12);
    r->res->malformed = true;
    return out_off + rest;
}

/* see stamp.h */
enum ippm_err stamp_tlv_reflect(const struct stamp_tlv_ctx *c, uint8_t *out,
                                size_t out_cap, struct stamp_tlv_result *res)
{
    const uint8_t *in = c->req + c->base;
    size_t in_len = c->req_len > c->base ? c->req_len - c->base : 0;
    struct survey s;
    struct refl r = {c, &s, out, 0, res, false, 0};
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    bool unverifiable;

    memset(res, 0, sizeof(*res));
    res->hmac_off = SIZE_MAX;
    res->tos = -1;
    if (out_cap < in_len)
        return IPPM_ERR_NOSPACE;
    /* RFC 8762 zero padding is no TLV: copied as it came. */
    if (in_len == 0 || stamp_tlv_all_zero(in, in_len)) {
        memmove(out, in, in_len);
        res->len = in_len;
        return IPPM_OK;
    }
    survey(in, in_len, &s);
    /* §4.8: "HMAC MUST be verified before using any data". */
    if (!integrity_ok(c, &s, &unverifiable)) {
        reflect_integrity_failed(c, out, in_len);
        res->integrity_failed = true;
        res->len = in_len;
        return IPPM_OK;
    }
    size_t target = 0;
    bool cflag = false;
    /* Resizing applies to a well-formed list only: a malformed one is
     * copied from the malformed TLV on, so nothing before it may move. */
    if (s.has_ctrl && !all_wellformed(in, in_len))
        s.has_ctrl = false;
    if (s.has_ctrl) {
        target = asym_target(&r, &cflag) - c->base;
        if (out_cap < target)
            return IPPM_ERR_NOSPACE;
    }
    /* The walk: out never gets ahead of in, so in place is safe. */
    size_t o = 0;
    stamp_tlv_iter_init(&it, in, in_len);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK) {
        /* Asymmetrical: Extra Padding goes, and comes back at the end. */
        if (s.has_ctrl && t.type == STAMP_TLV_PADDING)
            continue;
        size_t n = STAMP_TLV_HDR_LEN + t.len;
        memmove(out + o, in + t.off, n);
        if (!reflect_one(&r, out + o, &t)) {
            o = reflect_malformed(&r, t.off, o, &t);
            goto done;
        }
        o += n;
    }
    if (e != IPPM_ERR_DONE) {
        o = reflect_malformed(&r, t.off, o, NULL);
        goto done;
    }
    if (s.has_ctrl && target > o) {
        size_t pad = target - o;
        /* Room for a TLV header, else the reply stays a little short. */
        if (pad >= STAMP_TLV_HDR_LEN)
            stamp_tlv_put(out, out_cap, &o, 0, STAMP_TLV_PADDING, NULL,
                          pad - STAMP_TLV_HDR_LEN);
    }
done:
    /* A malformed or integrity-failed walk leaves no HMAC to sign. */
    if (res->malformed)
        res->hmac_off = SIZE_MAX;
    res->len = o;
    return IPPM_OK;
}
