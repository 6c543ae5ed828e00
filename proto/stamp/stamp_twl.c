/* TWAMP-Light's unauthenticated TWAMP-Test packets, RFC 5357 §4.1.2 and
 * §4.2.1, on STAMP's open-mode codecs: the fields sit at the same offsets
 * (stamp_layout_twamp_light), so each call goes through a STAMP base
 * packet in a scratch buffer and keeps the octets TWAMP-Light has. */
#include "stamp.h"

#include <string.h>

/* Any octet of the layout's MBZ runs that lies within len is set. */
static bool layout_mbz_set(const struct stamp_layout *l, const uint8_t *buf,
                           size_t len)
{
    for (size_t k = 0; k < l->n_mbz; k++)
        for (size_t i = l->mbz[k].off;
             i < (size_t)l->mbz[k].off + l->mbz[k].len && i < len; i++)
            if (buf[i])
                return true;
    return false;
}

/* The first octets of buf (up to a STAMP base) in a zeroed base. */
static void to_base(uint8_t base[STAMP_BASE_LEN], const uint8_t *buf,
                    size_t len)
{
    memset(base, 0, STAMP_BASE_LEN);
    memcpy(base, buf, len < STAMP_BASE_LEN ? len : STAMP_BASE_LEN);
}

/* see stamp.h */
enum ippm_err stamp_twl_sender_pkt_decode(struct stamp_sender_pkt *out,
                                          const uint8_t *buf, size_t len)
{
    if (len < STAMP_TWL_SENDER_LEN)
        return IPPM_ERR_SHORT;
    uint8_t base[STAMP_BASE_LEN];
    struct stamp_sender_pkt p;
    to_base(base, buf, len);
    (void)stamp_sender_pkt_decode(&p, base, sizeof base, STAMP_MODE_OPEN);
    p.ssid = 0;           /* padding in TWAMP-Light */
    p.mbz_nonzero = false;
    p.extra_len = len - STAMP_TWL_SENDER_LEN;
    p.extra = p.extra_len ? buf + STAMP_TWL_SENDER_LEN : NULL;
    *out = p;
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_twl_reflector_pkt_decode(struct stamp_reflector_pkt *out,
                                             const uint8_t *buf, size_t len)
{
    if (len < STAMP_TWL_REFLECTOR_LEN)
        return IPPM_ERR_SHORT;
    uint8_t base[STAMP_BASE_LEN];
    struct stamp_reflector_pkt p;
    to_base(base, buf, len);
    (void)stamp_reflector_pkt_decode(&p, base, sizeof base, STAMP_MODE_OPEN);
    p.ssid = 0;
    p.mbz_nonzero = layout_mbz_set(
        stamp_layout_twamp_light(STAMP_PKT_REFLECTOR), buf, len);
    p.extra_len = len - STAMP_TWL_REFLECTOR_LEN;
    p.extra = p.extra_len ? buf + STAMP_TWL_REFLECTOR_LEN : NULL;
    *out = p;
    return IPPM_OK;
}

/* Sizes both encoders check: the header, the padding's room, the buffer. */
static enum ippm_err twl_check(size_t cap, size_t total_len, size_t head,
                               size_t extra_len)
{
    if (total_len < head || total_len > STAMP_MAX_LEN ||
        extra_len > total_len - head)
        return IPPM_ERR_BAD_ARG;
    return cap < total_len ? IPPM_ERR_NOSPACE : IPPM_OK;
}

/* The padding first (extra may lie in buf, past or before head: memmove),
 * zeros after it, then the head octets of the STAMP base in base. */
static void twl_put(uint8_t *buf, size_t total_len, size_t head,
                    const uint8_t *extra, size_t extra_len,
                    const uint8_t base[STAMP_BASE_LEN])
{
    if (extra_len)
        memmove(buf + head, extra, extra_len);
    memset(buf + head + extra_len, 0, total_len - head - extra_len);
    memcpy(buf, base, head);
}

/* see stamp.h */
enum ippm_err stamp_twl_sender_pkt_encode(uint8_t *buf, size_t cap,
                                          size_t total_len,
                                          const struct stamp_sender_pkt *pkt)
{
    size_t extra_len = pkt->extra ? pkt->extra_len : 0;
    enum ippm_err e =
        twl_check(cap, total_len, STAMP_TWL_SENDER_LEN, extra_len);
    if (e != IPPM_OK)
        return e;
    uint8_t base[STAMP_BASE_LEN];
    struct stamp_sender_pkt h = *pkt;
    h.extra = NULL;
    h.extra_len = 0;
    (void)stamp_sender_pkt_encode(base, sizeof base, sizeof base, &h,
                                  STAMP_MODE_OPEN, NULL);
    twl_put(buf, total_len, STAMP_TWL_SENDER_LEN, pkt->extra, extra_len,
            base);
    return IPPM_OK;
}

/* see stamp.h */
enum ippm_err stamp_twl_reflector_pkt_encode(
    uint8_t *buf, size_t cap, size_t total_len,
    const struct stamp_reflector_pkt *pkt)
{
    size_t extra_len = pkt->extra ? pkt->extra_len : 0;
    enum ippm_err e =
        twl_check(cap, total_len, STAMP_TWL_REFLECTOR_LEN, extra_len);
    if (e != IPPM_OK)
        return e;
    uint8_t base[STAMP_BASE_LEN];
    struct stamp_reflector_pkt h = *pkt;
    h.ssid = 0; /* RFC 5357 §4.2.1: MBZ after the Error Estimate */
    h.extra = NULL;
    h.extra_len = 0;
    (void)stamp_reflector_pkt_encode(base, sizeof base, sizeof base, &h,
                                     STAMP_MODE_OPEN, NULL);
    twl_put(buf, total_len, STAMP_TWL_REFLECTOR_LEN, pkt->extra, extra_len,
            base);
    return IPPM_OK;
}
