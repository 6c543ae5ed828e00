/* TWAMP-Test Session-Reflector packets, RFC 5357 §4.2.1, and the test
 * packet fields of RFC 6038, RFC 7750 and RFC 9533. Fields are read and
 * written where owtw_test_layout puts them, STAMP's tables, so no offset
 * of RFC 5357 is written twice. */
#include "twamp.h"

#include <string.h>

#include "../common/ippm_cur.h"

/* see twamp.h */
enum ippm_err twamp_reflector_pkt_encode(uint8_t *buf, size_t cap,
                                         size_t total_len,
                                         const struct stamp_reflector_pkt *pkt,
                                         enum owtw_test_mode mode)
{
    const struct stamp_layout *l = owtw_test_layout(STAMP_PKT_REFLECTOR, mode);
    size_t base = l ? l->base_len : 0;
    enum ippm_err e = owtw_test_frame(buf, cap, total_len, l, base, pkt->extra,
                                      pkt->extra_len);
    if (e != IPPM_OK)
        return e;
    const struct stamp_span *f = l->field;
    owtw_span_store(buf, f[STAMP_F_SEQ], pkt->seq);
    owtw_span_store(buf, f[STAMP_F_TS], pkt->ts);
    owtw_span_store(buf, f[STAMP_F_ERREST], pkt->errest);
    owtw_span_store(buf, f[STAMP_F_RX_TS], pkt->rx_ts);
    owtw_span_store(buf, f[STAMP_F_SS_SEQ], pkt->ss_seq);
    owtw_span_store(buf, f[STAMP_F_SS_TS], pkt->ss_ts);
    owtw_span_store(buf, f[STAMP_F_SS_ERREST], pkt->ss_errest);
    owtw_span_store(buf, f[STAMP_F_SS_TTL], pkt->ss_ttl);
    return IPPM_OK;
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
    p.seq = (uint32_t)owtw_span_load(buf, f[STAMP_F_SEQ]);
    p.ts = owtw_span_load(buf, f[STAMP_F_TS]);
    p.errest = (uint16_t)owtw_span_load(buf, f[STAMP_F_ERREST]);
    p.rx_ts = owtw_span_load(buf, f[STAMP_F_RX_TS]);
    p.ss_seq = (uint32_t)owtw_span_load(buf, f[STAMP_F_SS_SEQ]);
    p.ss_ts = owtw_span_load(buf, f[STAMP_F_SS_TS]);
    p.ss_errest = (uint16_t)owtw_span_load(buf, f[STAMP_F_SS_ERREST]);
    p.ss_ttl = (uint8_t)owtw_span_load(buf, f[STAMP_F_SS_TTL]);
    p.mbz_nonzero = owtw_layout_mbz_set(l, buf);
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
enum ippm_err twamp_sender_pkt_encode(uint8_t *buf, size_t cap,
                                      size_t total_len,
                                      const struct stamp_sender_pkt *pkt,
                                      enum owtw_test_mode mode,
                                      bool symmetrical)
{
    return owtw_sender_pkt_encode_at(
        buf, cap, total_len, pkt, mode,
        twamp_sender_padding_off(mode, symmetrical));
}

/* see twamp.h */
size_t twamp_reflect_len(size_t rx_len, size_t refl_base, uint16_t reflect_len)
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

/* see twamp.h */
size_t twamp_micro_base_len(enum stamp_pkt_kind kind, enum owtw_test_mode mode)
{
    size_t sender_off, reflector_off;
    twamp_micro_ids_off(kind, mode, &sender_off, &reflector_off);
    size_t end = reflector_off + 2;
    size_t base = owtw_test_base_len(kind, mode);
    return end > base ? end : base;
}

/* see twamp.h */
enum ippm_err twamp_micro_ids_get(const uint8_t *buf, size_t len,
                                  enum stamp_pkt_kind kind,
                                  enum owtw_test_mode mode, uint16_t *sender_id,
                                  uint16_t *reflector_id)
{
    size_t s_off, r_off;
    if (len < twamp_micro_base_len(kind, mode))
        return IPPM_ERR_SHORT;
    twamp_micro_ids_off(kind, mode, &s_off, &r_off);
    *sender_id = ippm_load_u16(buf + s_off);
    *reflector_id = ippm_load_u16(buf + r_off);
    return IPPM_OK;
}

/* see twamp.h */
enum ippm_err twamp_micro_ids_put(uint8_t *buf, size_t len,
                                  enum stamp_pkt_kind kind,
                                  enum owtw_test_mode mode, uint16_t sender_id,
                                  uint16_t reflector_id)
{
    size_t s_off, r_off;
    if (len < twamp_micro_base_len(kind, mode))
        return IPPM_ERR_SHORT;
    twamp_micro_ids_off(kind, mode, &s_off, &r_off);
    ippm_store_u16(buf + s_off, sender_id);
    ippm_store_u16(buf + r_off, reflector_id);
    return IPPM_OK;
}
