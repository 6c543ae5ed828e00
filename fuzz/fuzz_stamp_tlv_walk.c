/* Fuzzes the RFC 8972 TLV walker, the TLV decoders and the reflector's
 * TLV handling (stamp_tlv_reflect) on arbitrary octets past a base packet.
 *
 * Input layout: the reflector's configuration first, so every setting
 * that changes stamp_tlv_reflect's path is fuzzed (issue 10 item 12):
 *   [0] cfg  bit0 require the HMAC TLV   bit1 stateful, a reply sent before
 *            bit2 TOS unknown            bit3 no key (cannot verify HMACs)
 *            bit4 no micro-session ID    bit5 DSCPs: the default set
 *                                             (else every other DSCP)
 *            bit6 no asymmetry: max_reply_len is the request's length
 *            bit7 IPv6 addresses (else IPv4)
 *   [1] the TOS / Traffic Class the request arrived with
 *   then the TLVs, past the base packet.
 * Postconditions:
 *  - the walk covers the input exactly: the TLVs it yields sit end to end
 *    from offset 0, each value inside the input, and it ends in DONE at
 *    the end, or SHORT (1-3 octets left) / TOO_LONG (a Length past the
 *    end) at the offset where it stopped, and repeats that error;
 *  - every decoder returns OK, BAD_ARG or BAD_VALUE, and OK only for the
 *    lengths its RFC allows; sub-TLV walks stay inside the value;
 *  - stamp_tlv_reflect in both modes, in place and out of place, gives
 *    the same octets, never more than the request's TLVs unless a
 *    Reflected Test Packet Control TLV asked (and then no more than the
 *    cap), the same length when M or I was set, and an HMAC offset that
 *    points at an HMAC TLV of the reply; a TOS for the reply is a
 *    permitted DSCP or the one received. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/stamp/stamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define CAP 512 /* the reflector's reply cap in these runs */

static void decode_all(const struct stamp_tlv *t)
{
    struct stamp_tlv_cos cos;
    struct stamp_tlv_direct dm;
    struct stamp_tlv_followup fu;
    struct stamp_tlv_tsinfo ti;
    struct stamp_tlv_access ar;
    struct stamp_tlv_refl_control rc;
    struct ippm_addr a;
    uint16_t s1, s2;
    struct stamp_tlv_iter sub;
    struct stamp_tlv s;
    enum ippm_err e;

    e = stamp_tlv_cos_decode(t, &cos);
    FUZZ_CHECK(e == (t->type != STAMP_TLV_COS ? IPPM_ERR_BAD_ARG
                     : t->len == 4            ? IPPM_OK
                                              : IPPM_ERR_BAD_VALUE));
    if (e == IPPM_OK)
        FUZZ_CHECK(cos.dscp1 < 64 && cos.dscp2 < 64 && cos.ecn < 4 &&
                   cos.rp < 4);
    e = stamp_tlv_direct_decode(t, &dm);
    FUZZ_CHECK(e != IPPM_OK || (t->type == STAMP_TLV_DIRECT && t->len == 12));
    e = stamp_tlv_followup_decode(t, &fu);
    FUZZ_CHECK(e != IPPM_OK || (t->type == STAMP_TLV_FOLLOWUP && t->len == 16));
    e = stamp_tlv_tsinfo_decode(t, &ti);
    FUZZ_CHECK(e != IPPM_OK || (t->type == STAMP_TLV_TSINFO && t->len >= 4));
    e = stamp_tlv_access_decode(t, &ar);
    FUZZ_CHECK(e != IPPM_OK || (t->type == STAMP_TLV_ACCESS && ar.id < 16));
    e = stamp_tlv_micro_decode(t, &s1, &s2);
    FUZZ_CHECK(e != IPPM_OK || t->len == 4);
    e = stamp_tlv_dest_addr_decode(t, &a);
    FUZZ_CHECK(e != IPPM_OK || t->len == 4 || t->len == 16);
    e = stamp_tlv_refl_control_decode(t, &rc);
    if (e == IPPM_OK)
        FUZZ_CHECK(rc.sub_len == t->len - 8u && rc.sub == t->value + 8);
    if (stamp_tlv_location_decode(t, &s1, &s2, &sub) == IPPM_OK) {
        while ((e = stamp_tlv_next(&sub, &s)) == IPPM_OK)
            FUZZ_CHECK(s.value == NULL ||
                       (s.value >= t->value + 4 &&
                        s.value + s.len <= t->value + t->len));
        FUZZ_CHECK(e == IPPM_ERR_DONE || e == IPPM_ERR_SHORT ||
                   e == IPPM_ERR_TOO_LONG);
    }
    if (t->type == STAMP_TLV_RETURN_PATH) {
        stamp_tlv_iter_init(&sub, t->value, t->len);
        while (stamp_tlv_next(&sub, &s) == IPPM_OK) {
            e = stamp_rp_sub_check(&s);
            FUZZ_CHECK(e == IPPM_OK || e == IPPM_ERR_BAD_VALUE ||
                       e == IPPM_ERR_BAD_ARG);
        }
    }
}

static void walk(const uint8_t *p, size_t len)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    size_t at = 0;
    stamp_tlv_iter_init(&it, p, len);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK) {
        FUZZ_CHECK(t.off == at);
        FUZZ_CHECK(at + STAMP_TLV_HDR_LEN + t.len <= len);
        FUZZ_CHECK(t.len == 0 ? t.value == NULL
                              : t.value == p + at + STAMP_TLV_HDR_LEN);
        FUZZ_CHECK(t.flags == p[at] && t.type == p[at + 1]);
        decode_all(&t);
        at += STAMP_TLV_HDR_LEN + t.len;
    }
    FUZZ_CHECK(t.off == at);
    if (e == IPPM_ERR_DONE)
        FUZZ_CHECK(at == len);
    else if (e == IPPM_ERR_SHORT)
        FUZZ_CHECK(len - at > 0 && len - at < STAMP_TLV_HDR_LEN);
    else
        FUZZ_CHECK(e == IPPM_ERR_TOO_LONG &&
                   len - at - STAMP_TLV_HDR_LEN < t.len && !t.value);
    struct stamp_tlv again;
    FUZZ_CHECK(stamp_tlv_next(&it, &again) == e && again.off == at);
}

static bool asked_more(const uint8_t *p, size_t len)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    stamp_tlv_iter_init(&it, p, len);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        if (t.type == STAMP_TLV_REFL_CONTROL && t.len >= 12)
            return true;
    return false;
}

/* The meta of a request from 192.0.2.7:40001 to 198.51.100.1:862, or
 * 2001:db8::7 to 2001:db8::1 (cfg bit7). */
static struct ippm_rx_meta request_meta(uint8_t cfg, uint8_t tos)
{
    struct ippm_rx_meta m = {1,
                             64,
                             (int16_t)((cfg & 0x04) ? -1 : tos),
                             {IPPM_AF_INET, {192, 0, 2, 7}, 40001, 0},
                             {IPPM_AF_INET, {198, 51, 100, 1}, 862, 0},
                             false,
                             0,
                             {{0}}};
    if (cfg & 0x80) {
        static const uint8_t net[4] = {0x20, 0x01, 0x0d, 0xb8};
        m.peer.family = m.local.family = IPPM_AF_INET6;
        memset(m.peer.ip, 0, 16);
        memset(m.local.ip, 0, 16);
        memcpy(m.peer.ip, net, 4);
        memcpy(m.local.ip, net, 4);
        m.peer.ip[15] = 7;
        m.local.ip[15] = 1;
    }
    return m;
}

static void reflect(const uint8_t *data, size_t len, enum stamp_mode mode,
                    uint8_t cfg, uint8_t tos)
{
    const struct ippm_hmac_key key = fuzz_key();
    size_t base = stamp_base_len(mode);
    size_t req_len = base + len;
    if (req_len > CAP)
        return;
    uint8_t *req = calloc(1, req_len);
    uint8_t *inplace = calloc(1, CAP);
    uint8_t out[CAP];
    if (!req || !inplace)
        abort();
    memcpy(req + base, data, len);
    memcpy(inplace, req, req_len);
    struct ippm_rx_meta m = request_meta(cfg, tos);
    struct stamp_tlv_ctx c = {
        .mode = mode,
        .key = (cfg & 0x08) ? NULL : &key,
        .require_hmac = cfg & 0x01,
        .meta = &m,
        .req = req,
        .req_len = req_len,
        .base = base,
        .stateful = (cfg & 0x02) != 0,
        .rx_count = 3,
        .tx_count = 3,
        .have_prev = (cfg & 0x02) != 0,
        .prev_seq = 2,
        .prev_ts = 77,
        .sync_src = 1,
        .dscp_permitted =
            (cfg & 0x20) ? STAMP_DSCP_PERMITTED_DEFAULT : 0x5555555555555555ull,
        .micro_session_id = (cfg & 0x10) ? 0 : 0x0102,
        .max_reply_len = (cfg & 0x40) ? req_len : CAP,
    };
    struct stamp_tlv_result r1, r2;
    memset(out, 0xA5, sizeof out);
    FUZZ_CHECK(stamp_tlv_reflect(&c, out, CAP - base, &r1) == IPPM_OK);
    FUZZ_CHECK(r1.len <= CAP - base);
    if (!asked_more(data, len) || r1.integrity_failed)
        FUZZ_CHECK(r1.len <= len);
    if (r1.malformed || r1.integrity_failed)
        FUZZ_CHECK(r1.len == len && r1.hmac_off == SIZE_MAX);
    if (r1.hmac_off != SIZE_MAX)
        FUZZ_CHECK(r1.hmac_off + STAMP_TLV_HDR_LEN + 16 <= r1.len &&
                   out[r1.hmac_off + 1] == STAMP_TLV_HMAC);
    FUZZ_CHECK(r1.tos >= -1 && r1.tos < 256);
    /* RFC 8972 §4.4: a DSCP not permitted leaves the one received. */
    if (r1.tos >= 0)
        FUZZ_CHECK((c.dscp_permitted >> (r1.tos >> 2) & 1) ||
                   (m.tos >= 0 && r1.tos == (m.tos & 0xfc)));
    if (cfg & 0x40)
        FUZZ_CHECK(r1.len <= len);
    walk(out, r1.len);
    /* In place: the same reply. */
    c.req = inplace;
    FUZZ_CHECK(stamp_tlv_reflect(&c, inplace + base, CAP - base, &r2) ==
               IPPM_OK);
    FUZZ_CHECK(r2.len == r1.len && r2.hmac_off == r1.hmac_off &&
               r2.drop == r1.drop && r2.tos == r1.tos);
    FUZZ_CHECK(memcmp(inplace + base, out, r1.len) == 0);
    free(req);
    free(inplace);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 2)
        return 0;
    uint8_t cfg = data[0], tos = data[1];
    /* exact-size copy of the TLVs: ASan sees any read past them */
    uint8_t *p = fuzz_dup(data + 2, len - 2);
    walk(p, len - 2);
    reflect(p, len - 2, STAMP_MODE_OPEN, cfg, tos);
    reflect(p, len - 2, STAMP_MODE_AUTH, cfg, tos);
    free(p);
    return 0;
}
