/* STAMP packet codecs, RFC 8762 §4.2 and §4.3, SSID of RFC 8972 §3. */
#include "stamp.h"

#include <string.h>

#include "../common/ippm_cur.h"

/* see stamp.h */
size_t stamp_base_len(enum stamp_mode mode)
{
    return mode == STAMP_MODE_AUTH ? STAMP_AUTH_BASE_LEN : STAMP_BASE_LEN;
}

/* The base packet of mode at buf as a cursor for a layout reader below;
 * false when len is short of it. */
static bool base_cur(const uint8_t *buf, size_t len, enum stamp_mode mode,
                     struct ippm_rcur *c)
{
    size_t base = stamp_base_len(mode);
    if (len < base)
        return false;
    *c = ippm_rcur_make(buf, base);
    return true;
}

/* After a layout reader: the octets past the base (padding, TLVs) as
 * *extra, NULL when none. Returns IPPM_OK, or IPPM_ERR_SHORT when the
 * reader failed (ok false). */
static enum ippm_err base_end(bool ok, const uint8_t *buf, size_t len,
                              enum stamp_mode mode, const uint8_t **extra,
                              size_t *extra_len)
{
    if (!ok)
        return IPPM_ERR_SHORT;
    size_t base = stamp_base_len(mode);
    *extra_len = len - base;
    *extra = *extra_len ? buf + base : NULL;
    return IPPM_OK;
}

/* The fields both packets start with: Sequence Number, in authenticated
 * mode 12 MBZ octets, Timestamp, Error Estimate, SSID (RFC 8972 §3).
 * Returns true when an MBZ octet was set. */
static bool rd_head(struct ippm_rcur *c, bool auth, uint32_t *seq,
                    uint64_t *ts, uint16_t *errest, uint16_t *ssid)
{
    *seq = ippm_rd_u32(c);
    bool mbz = auth ? ippm_rd_skip_nonzero(c, 12) : false;
    *ts = ippm_rd_u64(c);
    *errest = ippm_rd_u16(c);
    *ssid = ippm_rd_u16(c);
    return mbz;
}

/* The HMAC that ends an authenticated base packet (RFC 8762 §4.4).
 * Returns true when the layout read ended exactly at that base. */
static bool rd_hmac_end(struct ippm_rcur *c, const uint8_t **hmac)
{
    ippm_rcur_take(c, STAMP_HMAC_LEN, hmac);
    return !c->overrun && c->off == STAMP_AUTH_BASE_LEN;
}

/* RFC 8762 Figure 2 with the SSID of RFC 8972 Figure 1. */
static bool decode_sender_open(struct stamp_sender_pkt *p, struct ippm_rcur *c)
{
    rd_head(c, false, &p->seq, &p->ts, &p->errest, &p->ssid);
    p->mbz_nonzero = ippm_rd_skip_nonzero(c, 28);
    return !c->overrun && c->off == STAMP_BASE_LEN;
}

/* RFC 8762 Figure 4 with the SSID of RFC 8972 Figure 3. */
static bool decode_sender_auth(struct stamp_sender_pkt *p, struct ippm_rcur *c)
{
    bool mbz = rd_head(c, true, &p->seq, &p->ts, &p->errest, &p->ssid);
    mbz |= ippm_rd_skip_nonzero(c, 68);
    p->mbz_nonzero = mbz;
    return rd_hmac_end(c, &p->hmac);
}

/* see stamp.h */
enum ippm_err stamp_sender_pkt_decode(struct stamp_sender_pkt *out,
                                      const uint8_t *buf, size_t len,
                                      enum stamp_mode mode)
{
    struct stamp_sender_pkt p = {0};
    struct ippm_rcur c;
    bool ok = base_cur(buf, len, mode, &c) &&
              (mode == STAMP_MODE_AUTH ? decode_sender_auth(&p, &c)
                                       : decode_sender_open(&p, &c));
    enum ippm_err e = base_end(ok, buf, len, mode, &p.extra, &p.extra_len);
    if (e == IPPM_OK)
        *out = p;
    return e;
}

/* RFC 8762 Figure 5 with the SSID of RFC 8972 Figure 2. */
static bool decode_reflector_open(struct stamp_reflector_pkt *p,
                                  struct ippm_rcur *c)
{
    rd_head(c, false, &p->seq, &p->ts, &p->errest, &p->ssid);
    p->rx_ts = ippm_rd_u64(c);
    p->ss_seq = ippm_rd_u32(c);
    p->ss_ts = ippm_rd_u64(c);
    p->ss_errest = ippm_rd_u16(c);
    bool mbz = ippm_rd_skip_nonzero(c, 2);
    p->ss_ttl = ippm_rd_u8(c);
    mbz |= ippm_rd_skip_nonzero(c, 3);
    p->mbz_nonzero = mbz;
    return !c->overrun && c->off == STAMP_BASE_LEN;
}

/* RFC 8762 Figure 6 with the SSID of RFC 8972 Figure 4. */
static bool decode_reflector_auth(struct stamp_reflector_pkt *p,
                                  struct ippm_rcur *c)
{
    bool mbz = rd_head(c, true, &p->seq, &p->ts, &p->errest, &p->ssid);
    mbz |= ippm_rd_skip_nonzero(c, 4);
    p->rx_ts = ippm_rd_u64(c);
    mbz |= ippm_rd_skip_nonzero(c, 8);
    p->ss_seq = ippm_rd_u32(c);
    mbz |= ippm_rd_skip_nonzero(c, 12);
    p->ss_ts = ippm_rd_u64(c);
    p->ss_errest = ippm_rd_u16(c);
    mbz |= ippm_rd_skip_nonzero(c, 6);
    p->ss_ttl = ippm_rd_u8(c);
    mbz |= ippm_rd_skip_nonzero(c, 15);
    p->mbz_nonzero = mbz;
    return rd_hmac_end(c, &p->hmac);
}

/* see stamp.h */
enum ippm_err stamp_reflector_pkt_decode(struct stamp_reflector_pkt *out,
                                         const uint8_t *buf, size_t len,
                                         enum stamp_mode mode)
{
    struct stamp_reflector_pkt p = {0};
    struct ippm_rcur c;
    bool ok = base_cur(buf, len, mode, &c) &&
              (mode == STAMP_MODE_AUTH ? decode_reflector_auth(&p, &c)
                                       : decode_reflector_open(&p, &c));
    enum ippm_err e = base_end(ok, buf, len, mode, &p.extra, &p.extra_len);
    if (e == IPPM_OK)
        *out = p;
    return e;
}

/* The fields of l that lie wholly within the first len octets, as bits
 * (1u << STAMP_F_x). */
static uint32_t fields_within(const struct stamp_layout *l, size_t len)
{
    uint32_t have = 0;
    for (unsigned f = 0; f < STAMP_F_COUNT_; f++)
        if (l->field[f].len && (size_t)l->field[f].off + l->field[f].len <= len)
            have |= 1u << f;
    return have;
}

/* see stamp.h */
enum ippm_err stamp_reflector_pkt_decode_prefix(struct stamp_reflector_pkt *out,
                                                const uint8_t *buf, size_t len,
                                                enum stamp_mode mode,
                                                uint32_t *have)
{
    const struct stamp_layout *l = stamp_layout_get(STAMP_PKT_REFLECTOR, mode);
    if (len >= l->base_len) {
        enum ippm_err e = stamp_reflector_pkt_decode(out, buf, len, mode);
        if (e == IPPM_OK)
            *have = fields_within(l, len);
        return e;
    }
    /* Authenticated mode: no HMAC to check, nothing to trust. */
    if (mode != STAMP_MODE_OPEN || len < STAMP_REPLY_MIN_LEN)
        return IPPM_ERR_SHORT;
    uint8_t whole[STAMP_BASE_LEN] = {0};
    memcpy(whole, buf, len);
    struct stamp_reflector_pkt p;
    enum ippm_err e = stamp_reflector_pkt_decode(&p, whole, sizeof whole, mode);
    if (e != IPPM_OK)
        return e;
    p.extra = NULL;
    p.extra_len = 0;
    *have = fields_within(l, len);
    /* A field cut in two is not there either (all below 28 are). */
    if (!(*have & (1u << STAMP_F_SS_TS)))
        p.ss_ts = 0;
    if (!(*have & (1u << STAMP_F_SS_ERREST)))
        p.ss_errest = 0;
    *out = p;
    return IPPM_OK;
}

/* Checks sizes shared by both encoders. */
static enum ippm_err check_encode_args(size_t cap, size_t total_len,
                                       size_t extra_len, enum stamp_mode mode,
                                       const struct ippm_hmac_key *key)
{
    size_t base = stamp_base_len(mode);
    if (total_len < base || total_len > STAMP_MAX_LEN)
        return IPPM_ERR_BAD_ARG;
    if (extra_len > total_len - base)
        return IPPM_ERR_BAD_ARG;
    if (cap < total_len)
        return IPPM_ERR_NOSPACE;
    if (mode == STAMP_MODE_AUTH && !ippm_hmac_key_ready(key))
        return IPPM_ERR_NO_KEY;
    return IPPM_OK;
}

/* Copies the extra octets after the base and zero-fills the rest. The
 * source may overlap the destination (a reflector answering in place). */
static void write_tail(uint8_t *buf, size_t base, size_t total_len,
                       const uint8_t *extra, size_t extra_len)
{
    if (extra_len)
        memmove(buf + base, extra, extra_len);
    memset(buf + base + extra_len, 0, total_len - base - extra_len);
}

static enum ippm_err sign_if_auth(uint8_t *buf, size_t len,
                                  enum stamp_mode mode,
                                  const struct ippm_hmac_key *key)
{
    if (mode != STAMP_MODE_AUTH)
        return IPPM_OK;
    return stamp_hmac_compute(key, buf, len, buf + STAMP_AUTH_HMAC_OFF);
}

static void encode_sender_base(struct ippm_wcur *c,
                               const struct stamp_sender_pkt *p,
                               enum stamp_mode mode)
{
    ippm_wr_u32(c, p->seq);
    if (mode == STAMP_MODE_AUTH)
        ippm_wr_zero(c, 12);
    ippm_wr_u64(c, p->ts);
    ippm_wr_u16(c, p->errest);
    ippm_wr_u16(c, p->ssid);
    /* RFC 8762 §4.2.1, §4.2.2: MBZ zeroed on transmission; in auth mode
     * the HMAC slot is zeroed here and filled by sign_if_auth. */
    ippm_wr_zero(c, mode == STAMP_MODE_AUTH ? 68 + STAMP_HMAC_LEN : 28);
}

/* see stamp.h */
enum ippm_err stamp_sender_pkt_encode(uint8_t *buf, size_t cap,
                                      size_t total_len,
                                      const struct stamp_sender_pkt *pkt,
                                      enum stamp_mode mode,
                                      const struct ippm_hmac_key *key)
{
    size_t extra_len = pkt->extra ? pkt->extra_len : 0;
    enum ippm_err e = check_encode_args(cap, total_len, extra_len, mode, key);
    if (e != IPPM_OK)
        return e;
    size_t base = stamp_base_len(mode);
    /* The tail first: pkt->extra may point into buf past the base. */
    write_tail(buf, base, total_len, pkt->extra, extra_len);
    struct ippm_wcur c = ippm_wcur_make(buf, base);
    encode_sender_base(&c, pkt, mode);
    return sign_if_auth(buf, total_len, mode, key);
}

static void encode_reflector_open(struct ippm_wcur *c,
                                  const struct stamp_reflector_pkt *p)
{
    ippm_wr_u32(c, p->seq);
    ippm_wr_u64(c, p->ts);
    ippm_wr_u16(c, p->errest);
    ippm_wr_u16(c, p->ssid);
    ippm_wr_u64(c, p->rx_ts);
    ippm_wr_u32(c, p->ss_seq);
    ippm_wr_u64(c, p->ss_ts);
    ippm_wr_u16(c, p->ss_errest);
    ippm_wr_zero(c, 2);
    ippm_wr_u8(c, p->ss_ttl);
    ippm_wr_zero(c, 3);
}

static void encode_reflector_auth(struct ippm_wcur *c,
                                  const struct stamp_reflector_pkt *p)
{
    ippm_wr_u32(c, p->seq);
    ippm_wr_zero(c, 12);
    ippm_wr_u64(c, p->ts);
    ippm_wr_u16(c, p->errest);
    ippm_wr_u16(c, p->ssid);
    ippm_wr_zero(c, 4);
    ippm_wr_u64(c, p->rx_ts);
    ippm_wr_zero(c, 8);
    ippm_wr_u32(c, p->ss_seq);
    ippm_wr_zero(c, 12);
    ippm_wr_u64(c, p->ss_ts);
    ippm_wr_u16(c, p->ss_errest);
    ippm_wr_zero(c, 6);
    ippm_wr_u8(c, p->ss_ttl);
    ippm_wr_zero(c, 15 + STAMP_HMAC_LEN);
}

/* see stamp.h */
enum ippm_err stamp_reflector_pkt_encode(uint8_t *buf, size_t cap,
                                         size_t total_len,
                                         const struct stamp_reflector_pkt *pkt,
                                         enum stamp_mode mode,
                                         const struct ippm_hmac_key *key)
{
    size_t extra_len = pkt->extra ? pkt->extra_len : 0;
    enum ippm_err e = check_encode_args(cap, total_len, extra_len, mode, key);
    if (e != IPPM_OK)
        return e;
    size_t base = stamp_base_len(mode);
    write_tail(buf, base, total_len, pkt->extra, extra_len);
    struct ippm_wcur c = ippm_wcur_make(buf, base);
    if (mode == STAMP_MODE_AUTH)
        encode_reflector_auth(&c, pkt);
    else
        encode_reflector_open(&c, pkt);
    return sign_if_auth(buf, total_len, mode, key);
}

/* see stamp.h */
enum ippm_err stamp_hmac_compute(const struct ippm_hmac_key *key,
                                 const uint8_t *buf, size_t len,
                                 uint8_t out[STAMP_HMAC_LEN])
{
    if (len < STAMP_AUTH_BASE_LEN)
        return IPPM_ERR_SHORT;
    if (!ippm_hmac_key_ready(key) || key->hash != IPPM_HASH_SHA256)
        return IPPM_ERR_NO_KEY;
    uint8_t full[IPPM_HASH_MAX_LEN];
    /* RFC 8762 §4.4: HMAC covers the first six blocks (96 octets). */
    struct ippm_iov iov = {buf, STAMP_HMAC_SPAN};
    enum ippm_err e = ippm_hmac_iov(key, &iov, 1, full);
    if (e != IPPM_OK)
        return IPPM_ERR_CRYPTO;
    memcpy(out, full, STAMP_HMAC_LEN);
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_hmac_check(const struct ippm_hmac_key *key,
                               const uint8_t *buf, size_t len)
{
    uint8_t mac[STAMP_HMAC_LEN];
    enum ippm_err e = stamp_hmac_compute(key, buf, len, mac);
    if (e != IPPM_OK)
        return e;
    if (!ippm_ct_equal(mac, buf + STAMP_AUTH_HMAC_OFF, STAMP_HMAC_LEN))
        return IPPM_ERR_HMAC;
    return IPPM_OK;
}
