/* UDPing codecs: the version-1 header and the 2017 one, field by field,
 * little-endian, padding zeroed on the way out and reported on the way
 * in (notes §1, §8). */
#include "udping.h"

#include <string.h>

#include "../common/ippm_cur.h"

/* see udping.h */
const struct udping_field udping_layout[] = {
    {"protoVersion", 0, 1}, {"pad", 1, 7},  {"clientStartTime", 8, 8},
    {"guid", 16, 21},       {"pad", 37, 3}, {"seqNum", 40, 4},
    {"pad", 44, 4},         {"sent.tv_sec", 48, 8},
    {"sent.tv_nsec", 56, 8}, {"size", 64, 4}, {"pad", 68, 4},
};
const size_t udping_layout_n = sizeof udping_layout / sizeof udping_layout[0];

/* see udping.h */
const struct udping_field udping_legacy_layout[] = {
    {"guid", 0, 21},          {"pad", 21, 3},         {"controlPacket", 24, 4},
    {"seqNum", 28, 4},        {"timestampCount", 32, 4}, {"pad", 36, 4},
    {"sent.tv_sec", 40, 8},   {"sent.tv_nsec", 48, 8}, {"size", 56, 4},
    {"pad", 60, 4},
};
const size_t udping_legacy_layout_n =
    sizeof udping_legacy_layout / sizeof udping_legacy_layout[0];

/* see udping.h */
const char *udping_err_str(enum ippm_err e)
{
    static const char *const names[UDPING_ERR_COUNT_] = {
        "short", "size", "version", "guid", "table"};
    unsigned i = (unsigned)e - (unsigned)IPPM_ERR_PROTO_FIRST;
    return i < UDPING_ERR_COUNT_ ? names[i] : ippm_err_str(e);
}

/* A guid on the wire is 20 characters and its NUL (MAX_GUID 20); the
 * client writes lowercase hex, but the server keys by any octets. (By
 * hand: proto links no string functions but mem*.) */
static bool guid_ok(const char *g)
{
    for (int i = 0; i < UDPING_GUID_LEN; i++)
        if (g[i] == 0)
            return false;
    return g[UDPING_GUID_LEN] == 0;
}

/* Zeros from off to size: the original's payload is never filled. */
static enum ippm_err finish(struct ippm_wcur *c, size_t size)
{
    ippm_wr_zero(c, size - c->off);
    return c->overrun ? IPPM_ERR_NOSPACE : IPPM_OK;
}

/* see udping.h */
enum ippm_err udping_encode(uint8_t *buf, size_t cap,
                            const struct udping_hdr *h)
{
    if (h->size < UDPING_HDR_LEN || h->size > UDPING_MAX_PKT ||
        !guid_ok(h->guid))
        return IPPM_ERR_BAD_ARG;
    if (cap < h->size)
        return IPPM_ERR_NOSPACE;
    struct ippm_wcur c = ippm_wcur_make(buf, cap);
    ippm_wr_u8(&c, h->version);
    ippm_wr_zero(&c, 7);
    ippm_wr_le64(&c, (uint64_t)h->client_start);
    ippm_wr_bytes(&c, (const uint8_t *)h->guid, UDPING_GUID_LEN + 1);
    ippm_wr_zero(&c, 3);
    ippm_wr_le32(&c, h->seq);
    ippm_wr_zero(&c, 4);
    ippm_wr_le64(&c, (uint64_t)h->sent_sec);
    ippm_wr_le64(&c, (uint64_t)h->sent_nsec);
    ippm_wr_le32(&c, h->size);
    ippm_wr_zero(&c, 4);
    return finish(&c, h->size);
}

/* True when any of the n octets at p is set. */
static bool any_set(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc != 0;
}

/* see udping.h */
enum ippm_err udping_decode(const uint8_t *p, size_t len,
                            struct udping_hdr *out)
{
    memset(out, 0, sizeof *out);
    /* Notes §1, the server's order: length, size field, version. */
    if (len < UDPING_HDR_LEN)
        return UDPING_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(p, len);
    const uint8_t *g;
    out->version = ippm_rd_u8(&c);
    bool pad = ippm_rd_skip_nonzero(&c, 7);
    out->client_start = (int64_t)ippm_rd_le64(&c);
    ippm_rcur_take(&c, UDPING_GUID_LEN + 1, &g);
    pad |= ippm_rd_skip_nonzero(&c, 3);
    out->seq = ippm_rd_le32(&c);
    pad |= ippm_rd_skip_nonzero(&c, 4);
    out->sent_sec = (int64_t)ippm_rd_le64(&c);
    out->sent_nsec = (int64_t)ippm_rd_le64(&c);
    out->size = ippm_rd_le32(&c);
    pad |= ippm_rd_skip_nonzero(&c, 4);
    out->pad_nonzero = pad;
    out->payload_nonzero = any_set(p + UDPING_HDR_LEN, len - UDPING_HDR_LEN);
    memcpy(out->guid, g, UDPING_GUID_LEN);
    if (len != out->size)
        return UDPING_ERR_SIZE;
    if (out->version != UDPING_VERSION)
        return UDPING_ERR_VERSION;
    if (!guid_ok((const char *)g))
        return UDPING_ERR_GUID;
    return IPPM_OK;
}

/* see udping.h */
void udping_restamp(uint8_t *p, uint64_t unix_ns)
{
    ippm_store_le64(p + 48, unix_ns / 1000000000u);
    ippm_store_le64(p + 56, unix_ns % 1000000000u);
}

/* see udping.h */
enum ippm_err udping_legacy_encode(uint8_t *buf, size_t cap,
                                   const struct udping_legacy_hdr *h)
{
    if (h->size < UDPING_LEGACY_HDR_LEN || h->size > UDPING_MAX_PKT ||
        !guid_ok(h->guid))
        return IPPM_ERR_BAD_ARG;
    if (cap < (size_t)h->size)
        return IPPM_ERR_NOSPACE;
    struct ippm_wcur c = ippm_wcur_make(buf, cap);
    ippm_wr_bytes(&c, (const uint8_t *)h->guid, UDPING_GUID_LEN + 1);
    ippm_wr_zero(&c, 3);
    ippm_wr_le32(&c, (uint32_t)h->control);
    ippm_wr_le32(&c, (uint32_t)h->seq);
    ippm_wr_le32(&c, (uint32_t)h->ts_count);
    ippm_wr_zero(&c, 4);
    ippm_wr_le64(&c, (uint64_t)h->sent_sec);
    ippm_wr_le64(&c, (uint64_t)h->sent_nsec);
    ippm_wr_le32(&c, (uint32_t)h->size);
    ippm_wr_zero(&c, 4);
    return finish(&c, (size_t)h->size);
}

/* see udping.h */
enum ippm_err udping_legacy_decode(const uint8_t *p, size_t len,
                                   struct udping_legacy_hdr *out)
{
    memset(out, 0, sizeof *out);
    if (len < UDPING_LEGACY_HDR_LEN)
        return UDPING_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(p, len);
    const uint8_t *g;
    ippm_rcur_take(&c, UDPING_GUID_LEN + 1, &g);
    bool pad = ippm_rd_skip_nonzero(&c, 3);
    out->control = (int32_t)ippm_rd_le32(&c);
    out->seq = (int32_t)ippm_rd_le32(&c);
    out->ts_count = (int32_t)ippm_rd_le32(&c);
    pad |= ippm_rd_skip_nonzero(&c, 4);
    out->sent_sec = (int64_t)ippm_rd_le64(&c);
    out->sent_nsec = (int64_t)ippm_rd_le64(&c);
    out->size = (int32_t)ippm_rd_le32(&c);
    pad |= ippm_rd_skip_nonzero(&c, 4);
    out->pad_nonzero = pad;
    memcpy(out->guid, g, UDPING_GUID_LEN);
    if (out->size < 0 || len != (size_t)out->size)
        return UDPING_ERR_SIZE;
    if (!guid_ok((const char *)g))
        return UDPING_ERR_GUID;
    return IPPM_OK;
}
