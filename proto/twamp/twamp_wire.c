/* TWAMP-Test Session-Reflector packets, RFC 5357 §4.2.1, and the test
 * packet fields of RFC 6038, RFC 7750 and RFC 9533. Fields are read and
 * written where owtw_test_layout puts them, STAMP's tables, so no offset
 * of RFC 5357 is written twice. */
#include "twamp.h"

#include <string.h>

#include "../common/ippm_cur.h"

/* Stores v at span s (1, 2, 4 or 8 octets, network order). */
static void put_span(uint8_t *buf, struct stamp_span s, uint64_t v)
{
    uint8_t *b = buf + s.off;
    switch (s.len) {
    case 1: b[0] = (uint8_t)v; break;
    case 2: ippm_store_u16(b, (uint16_t)v); break;
    case 4: ippm_store_u32(b, (uint32_t)v); break;
    case 8: ippm_store_u64(b, v); break;
    default: break; /* absent from this layout */
    }
}

static uint64_t get_span(const uint8_t *buf, struct stamp_span s)
{
    const uint8_t *b = buf + s.off;
    switch (s.len) {
    case 1: return b[0];
    case 2: return ippm_load_u16(b);
    case 4: return ippm_load_u32(b);
    case 8: return ippm_load_u64(b);
    default: return 0;
    }
}

/* see twamp.h */
enum ippm_err twamp_reflector_pkt_encode(uint8_t *buf, size_t cap,
                                         size_t total_len,
                                         const struct stamp_reflector_pkt *pkt,
                                         enum owtw_test_mode mode)
{
    const struct stamp_layout *l = owtw_test_layout(STAMP_PKT_REFLECTOR, mode);
    size_t extra_len = pkt->extra ? pkt->extra_len : 0;
    if (!l || total_len < l->base_len || total_len > OWTW_TEST_MAX_LEN ||
        extra_len > total_len - l->base_len)
        return IPPM_ERR_BAD_ARG;
    if (cap < total_len)
        return IPPM_ERR_NOSPACE;
    size_t base = l->base_len;
    /* The padding first: it may be the sender's, in this very buffer. */
    if (extra_len)
        memmove(buf + base, pkt->extra, extra_len);
    memset(buf + base + extra_len, 0, total_len - base - extra_len);
    /* MBZ and the MAC slot zero, then every field at its offset. */
    memset(buf, 0, base);
    const struct stamp_span *f = l->field;
    put_span(buf, f[STAMP_F_SEQ], pkt->seq);
    put_span(buf, f[STAMP_F_TS], pkt->ts);
    put_span(buf, f[STAMP_F_ERREST], pkt->errest);
    put_span(buf, f[STAMP_F_RX_TS], pkt->rx_ts);
    put_span(buf, f[STAMP_F_SS_SEQ], pkt->ss_seq);
    put_span(buf, f[STAMP_F_SS_TS], pkt->ss_ts);
    put_span(buf, f[STAMP_F_SS_ERREST], pkt->ss_errest);
    put_span(buf, f[STAMP_F_SS_TTL], pkt->ss_ttl);
    return IPPM_OK;
}

/* True when an octet of one of l's MBZ runs is set in buf. */
static bool mbz_set(const struct stamp_layout *l, const uint8_t *buf)
{
    uint8_t acc = 0;
    for (unsigned r = 0; r < l->n_mbz; r++)
        for (unsigned i = 0; i < l->mbz[r].len; i++)
            acc |= buf[l->mbz[r].off + i];
    return acc != 0;
}

/* see twamp.h */
enum ippm_err twamp_reflector_pkt_decode(struct stamp_reflector_pkt *out,
                                         const uint8_t *buf, size_t len,
                                         enum owtw_test_mode mode)
{
    const struct stamp_layout *l = owtw_test_layout(STAMP_PKT_REFLECTOR, mode);
    if (!l)
        return IPPM_ERR_BAD_ARG;
    if (len < l->base_len)
        return IPPM_ERR_SHORT;
    const struct stamp_span *f = l->field;
    struct stamp_reflector_pkt p = {0};
    p.seq = (uint32_t)get_span(buf, f[STAMP_F_SEQ]);
    p.ts = get_span(buf, f[STAMP_F_TS]);
    p.errest = (uint16_t)get_span(buf, f[STAMP_F_ERREST]);
    p.rx_ts = get_span(buf, f[STAMP_F_RX_TS]);
    p.ss_seq = (uint32_t)get_span(buf, f[STAMP_F_SS_SEQ]);
    p.ss_ts = get_span(buf, f[STAMP_F_SS_TS]);
    p.ss_errest = (uint16_t)get_span(buf, f[STAMP_F_SS_ERREST]);
    p.ss_ttl = (uint8_t)get_span(buf, f[STAMP_F_SS_TTL]);
    p.mbz_nonzero = mbz_set(l, buf);
    if (f[STAMP_F_HMAC].len)
        p.hmac = buf + f[STAMP_F_HMAC].off;
    p.extra_len = len - l->base_len;
    p.extra = p.extra_len ? buf + l->base_len : NULL;
    *out = p;
    return IPPM_OK;
}

/* ---- RFC 6038 ---- */

/* see twamp.h */
size_t twamp_symmetric_mbz_len(enum owtw_test_mode mode)
{
    /* RFC 6038 §5.1.5: "the Packet Padding to be reflected follows the 27
     * MBZ octets.  In Authenticated or Encrypted modes, ... the 56". */
    return mode == OWTW_TEST_OPEN ? 27 : 56;
}

/* see twamp.h */
size_t twamp_sender_padding_off(enum owtw_test_mode mode, bool symmetrical)
{
    size_t off = owtw_test_base_len(STAMP_PKT_SENDER, mode);
    return symmetrical ? off + twamp_symmetric_mbz_len(mode) : off;
}

/* see twamp.h */
size_t twamp_reflect_len(size_t rx_len, size_t refl_base,
                         uint16_t reflect_len)
{
    size_t len = rx_len > refl_base ? rx_len : refl_base;
    size_t need = refl_base + reflect_len;
    return len > need ? len : need;
}

/* see twamp.h */
void twamp_reflect_padding(uint8_t *out, size_t out_len, const uint8_t *rx,
                           size_t rx_len, enum owtw_test_mode mode,
                           bool symmetrical)
{
    size_t off = twamp_sender_padding_off(mode, symmetrical);
    size_t have = rx_len > off ? rx_len - off : 0;
    size_t n = have < out_len ? have : out_len;
    if (n)
        memmove(out, rx + off, n);
    memset(out + n, 0, out_len - n);
}

/* ---- RFC 7750 ---- */

/* see twamp.h */
size_t twamp_dscp_ecn_base_len(enum owtw_test_mode mode)
{
    /* Figure 2: Sender TTL, S-DSCP-ECN, MBZ (2) end the open header. */
    return mode == OWTW_TEST_OPEN ? 44 : TWAMP_REFLECTOR_AUTH_LEN;
}

/* see twamp.h */
size_t twamp_dscp_ecn_off(enum owtw_test_mode mode)
{
    const struct stamp_layout *l = owtw_test_layout(
        STAMP_PKT_REFLECTOR, mode == OWTW_TEST_OPEN ? mode : OWTW_TEST_AUTH);
    return (size_t)l->field[STAMP_F_SS_TTL].off + 1; /* after Sender TTL */
}

/* see twamp.h */
uint8_t twamp_dscp_ecn_octet(int tos)
{
    /* S-DSCP | S-ECN is the DS field followed by the ECN field: the TOS
     * / Traffic Class octet as it arrived. */
    return tos < 0 ? 0 : (uint8_t)tos;
}

/* ---- RFC 9533 ---- */

/* see twamp.h */
void twamp_micro_ids_off(enum stamp_pkt_kind kind, enum owtw_test_mode mode,
                         size_t *sender_id_off, size_t *reflector_id_off)
{
    if (mode != OWTW_TEST_OPEN) {
        /* Figures 3 and 5: after the Error Estimate and 2 MBZ octets. */
        *sender_id_off = 28;
        *reflector_id_off = 30;
    } else if (kind == STAMP_PKT_SENDER) {
        /* Figure 2: the word after Error Estimate | MBZ. */
        *sender_id_off = 16;
        *reflector_id_off = 18;
    } else {
        /* Figure 4: after the Sender Error Estimate; after TTL | MBZ. */
        *sender_id_off = 38;
        *reflector_id_off = 42;
    }
}
