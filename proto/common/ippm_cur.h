/* Bounds-checked cursors over caller-owned buffers: big-endian (network
 * order, ippm_rd_u32) and little-endian (ippm_rd_le32, for formats that
 * put a host struct on the wire, like UDPing's header).
 *
 * A read past the end sets the cursor's error flag and yields zero instead
 * of touching memory, so a decoder can read a whole fixed layout and check
 * once at the end (ngtcp2 ngtcp2_pkt.c does the check up front; we do
 * both). Everything is inline: these are the innermost loops. */
#ifndef IPPM_CUR_H
#define IPPM_CUR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ippm_rcur {
    const uint8_t *p;
    size_t len;
    size_t off;
    bool overrun;
};

struct ippm_wcur {
    uint8_t *p;
    size_t cap;
    size_t off;
    bool overrun;
};

static inline struct ippm_rcur ippm_rcur_make(const uint8_t *p, size_t len)
{
    struct ippm_rcur c = {p, len, 0, false};
    return c;
}

static inline struct ippm_wcur ippm_wcur_make(uint8_t *p, size_t cap)
{
    struct ippm_wcur c = {p, cap, 0, false};
    return c;
}

static inline size_t ippm_rcur_left(const struct ippm_rcur *c)
{
    return c->overrun ? 0 : c->len - c->off;
}

static inline bool ippm_rcur_take(struct ippm_rcur *c, size_t n,
                                  const uint8_t **out)
{
    if (c->overrun || c->len - c->off < n) {
        c->overrun = true;
        *out = NULL;
        return false;
    }
    *out = c->p + c->off;
    c->off += n;
    return true;
}

static inline uint8_t ippm_rd_u8(struct ippm_rcur *c)
{
    const uint8_t *b;
    return ippm_rcur_take(c, 1, &b) ? b[0] : 0;
}

static inline uint16_t ippm_rd_u16(struct ippm_rcur *c)
{
    const uint8_t *b;
    if (!ippm_rcur_take(c, 2, &b))
        return 0;
    return (uint16_t)((uint16_t)b[0] << 8 | b[1]);
}

static inline uint32_t ippm_rd_u32(struct ippm_rcur *c)
{
    const uint8_t *b;
    if (!ippm_rcur_take(c, 4, &b))
        return 0;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
           (uint32_t)b[2] << 8 | b[3];
}

static inline uint64_t ippm_rd_u64(struct ippm_rcur *c)
{
    const uint8_t *b;
    uint64_t v = 0;
    /* One take of 8: a short buffer yields 0, not the high half. */
    if (!ippm_rcur_take(c, 8, &b))
        return 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

/* Skips n octets and reports whether any of them was non-zero. */
static inline bool ippm_rd_skip_nonzero(struct ippm_rcur *c, size_t n)
{
    const uint8_t *b;
    uint8_t acc = 0;
    if (!ippm_rcur_take(c, n, &b))
        return false;
    for (size_t i = 0; i < n; i++)
        acc |= b[i];
    return acc != 0;
}

static inline uint8_t *ippm_wcur_take(struct ippm_wcur *c, size_t n)
{
    if (c->overrun || c->cap - c->off < n) {
        c->overrun = true;
        return NULL;
    }
    uint8_t *b = c->p + c->off;
    c->off += n;
    return b;
}

static inline void ippm_wr_u8(struct ippm_wcur *c, uint8_t v)
{
    uint8_t *b = ippm_wcur_take(c, 1);
    if (b)
        b[0] = v;
}

static inline void ippm_wr_u16(struct ippm_wcur *c, uint16_t v)
{
    uint8_t *b = ippm_wcur_take(c, 2);
    if (b) {
        b[0] = (uint8_t)(v >> 8);
        b[1] = (uint8_t)v;
    }
}

static inline void ippm_wr_u32(struct ippm_wcur *c, uint32_t v)
{
    uint8_t *b = ippm_wcur_take(c, 4);
    if (b) {
        b[0] = (uint8_t)(v >> 24);
        b[1] = (uint8_t)(v >> 16);
        b[2] = (uint8_t)(v >> 8);
        b[3] = (uint8_t)v;
    }
}

static inline void ippm_wr_u64(struct ippm_wcur *c, uint64_t v)
{
    /* One take of 8: no half-written value when only 4 octets are left. */
    uint8_t *b = ippm_wcur_take(c, 8);
    if (b)
        for (int i = 0; i < 8; i++)
            b[i] = (uint8_t)(v >> (56 - 8 * i));
}

static inline void ippm_wr_zero(struct ippm_wcur *c, size_t n)
{
    uint8_t *b = ippm_wcur_take(c, n);
    if (b)
        memset(b, 0, n);
}

static inline void ippm_wr_bytes(struct ippm_wcur *c, const uint8_t *src,
                                 size_t n)
{
    uint8_t *b = ippm_wcur_take(c, n);
    if (b && n)
        memmove(b, src, n);
}

/* Big-endian loads and stores at a fixed offset, for callers that have
 * already checked the length. */
static inline uint16_t ippm_load_u16(const uint8_t *b)
{
    return (uint16_t)((uint16_t)b[0] << 8 | b[1]);
}

static inline uint32_t ippm_load_u32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
           (uint32_t)b[2] << 8 | b[3];
}

static inline uint64_t ippm_load_u64(const uint8_t *b)
{
    return (uint64_t)ippm_load_u32(b) << 32 | ippm_load_u32(b + 4);
}

static inline void ippm_store_u16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static inline void ippm_store_u32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

static inline void ippm_store_u64(uint8_t *b, uint64_t v)
{
    ippm_store_u32(b, (uint32_t)(v >> 32));
    ippm_store_u32(b + 4, (uint32_t)v);
}

/* ---- little-endian: the same contract, least significant octet first ---- */

static inline uint16_t ippm_load_le16(const uint8_t *b)
{
    return (uint16_t)(b[0] | (uint16_t)b[1] << 8);
}

static inline uint32_t ippm_load_le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

static inline uint64_t ippm_load_le64(const uint8_t *b)
{
    return (uint64_t)ippm_load_le32(b) | (uint64_t)ippm_load_le32(b + 4) << 32;
}

static inline void ippm_store_le16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}

static inline void ippm_store_le32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

static inline void ippm_store_le64(uint8_t *b, uint64_t v)
{
    ippm_store_le32(b, (uint32_t)v);
    ippm_store_le32(b + 4, (uint32_t)(v >> 32));
}

static inline uint16_t ippm_rd_le16(struct ippm_rcur *c)
{
    const uint8_t *b;
    return ippm_rcur_take(c, 2, &b) ? ippm_load_le16(b) : 0;
}

static inline uint32_t ippm_rd_le32(struct ippm_rcur *c)
{
    const uint8_t *b;
    return ippm_rcur_take(c, 4, &b) ? ippm_load_le32(b) : 0;
}

static inline uint64_t ippm_rd_le64(struct ippm_rcur *c)
{
    const uint8_t *b;
    /* One take of 8: a short buffer yields 0, not the low half. */
    return ippm_rcur_take(c, 8, &b) ? ippm_load_le64(b) : 0;
}

static inline void ippm_wr_le16(struct ippm_wcur *c, uint16_t v)
{
    uint8_t *b = ippm_wcur_take(c, 2);
    if (b)
        ippm_store_le16(b, v);
}

static inline void ippm_wr_le32(struct ippm_wcur *c, uint32_t v)
{
    uint8_t *b = ippm_wcur_take(c, 4);
    if (b)
        ippm_store_le32(b, v);
}

static inline void ippm_wr_le64(struct ippm_wcur *c, uint64_t v)
{
    /* One take of 8: no half-written value when only 4 octets are left. */
    uint8_t *b = ippm_wcur_take(c, 8);
    if (b)
        ippm_store_le64(b, v);
}

#endif
