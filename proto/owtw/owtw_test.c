/* OWAMP-Test / TWAMP-Test packets: keys, layouts, the sender codec,
 * sealing and opening. RFC 4656 §4.1.2, RFC 5357 §4.1.2, §4.2.1. */
#include "owtw_test.h"

#include <string.h>

#include "../common/ippm_cur.h"

/* ---- keys ---- */

/* see owtw_test.h */
enum ippm_err owtw_test_key_octets(const struct ippm_crypto *crypto,
                                   const uint8_t sid[OWTW_SID_LEN],
                                   const uint8_t aes_sk[OWTW_AES_SK_LEN],
                                   const uint8_t hmac_sk[OWTW_HMAC_SK_LEN],
                                   uint8_t t_aes[OWTW_AES_SK_LEN],
                                   uint8_t t_hmac[OWTW_HMAC_SK_LEN])
{
    struct ippm_aes_key by_sid;
    enum ippm_err e = ippm_aes_key_init(&by_sid, crypto, sid);
    if (e != IPPM_OK)
        return e;
    /* RFC 4656 §4.1.2: "a single-block ECB encryption" of the AES
     * Session-key and "a two-block CBC encryption, always performed with
     * IV=0" of the HMAC Session-key, both keyed by the SID. */
    uint8_t iv[IPPM_AES_BLOCK] = {0};
    e = ippm_aes128_ecb(&by_sid, true, aes_sk, t_aes, OWTW_AES_SK_LEN);
    if (e == IPPM_OK)
        e = ippm_aes128_cbc(&by_sid, true, iv, hmac_sk, t_hmac,
                            OWTW_HMAC_SK_LEN);
    ippm_aes_key_free(&by_sid);
    return e;
}

static bool mode_known(enum owtw_test_mode mode)
{
    return mode == OWTW_TEST_OPEN || mode == OWTW_TEST_AUTH ||
           mode == OWTW_TEST_ENCRYPTED;
}

/* see owtw_test.h */
enum ippm_err owtw_test_keys_init(struct owtw_test_keys *k,
                                  const struct ippm_crypto *crypto,
                                  enum owtw_test_mode mode,
                                  const uint8_t sid[OWTW_SID_LEN],
                                  const uint8_t aes_sk[OWTW_AES_SK_LEN],
                                  const uint8_t hmac_sk[OWTW_HMAC_SK_LEN])
{
    memset(k, 0, sizeof *k);
    if (!mode_known(mode))
        return IPPM_ERR_BAD_ARG;
    k->mode = mode;
    if (mode == OWTW_TEST_OPEN)
        return IPPM_OK;
    if (!sid || !aes_sk || !hmac_sk)
        return IPPM_ERR_BAD_ARG;
    uint8_t t_aes[OWTW_AES_SK_LEN], t_hmac[OWTW_HMAC_SK_LEN];
    enum ippm_err e =
        owtw_test_key_octets(crypto, sid, aes_sk, hmac_sk, t_aes, t_hmac);
    if (e == IPPM_OK)
        e = ippm_aes_key_init(&k->aes, crypto, t_aes);
    if (e == IPPM_OK)
        e = ippm_hmac_key_init(&k->hmac, crypto, IPPM_HASH_SHA1, t_hmac,
                               sizeof t_hmac);
    memset(t_aes, 0, sizeof t_aes);
    memset(t_hmac, 0, sizeof t_hmac);
    if (e != IPPM_OK) {
        owtw_test_keys_free(k);
        k->mode = mode;
    }
    return e;
}

/* see owtw_test.h */
void owtw_test_keys_free(struct owtw_test_keys *k)
{
    ippm_aes_key_free(&k->aes);
    ippm_hmac_key_free(&k->hmac);
    memset(k, 0, sizeof *k);
}

/* ---- layouts ---- */

/* The tables read as the RFC figures: */
/* clang-format off */
#define F(o, l) {(o), (l)}

/* RFC 4656 §4.1.2 authenticated and encrypted modes, which RFC 5357
 * §4.1.2 takes for the Session-Sender. */
static const struct stamp_layout sender_auth = {
    STAMP_PKT_SENDER, STAMP_MODE_AUTH, OWTW_SENDER_AUTH_LEN,
    {[STAMP_F_SEQ] = F(0, 4), [STAMP_F_TS] = F(16, 8),
     [STAMP_F_ERREST] = F(24, 2), [STAMP_F_HMAC] = F(32, 16)},
    {"seq", [STAMP_F_TS] = "ts", [STAMP_F_ERREST] = "errest",
     [STAMP_F_HMAC] = "hmac"},
    {F(4, 12), F(26, 6)}, 2};

/* RFC 5357 §4.2.1 authenticated and encrypted modes: RFC 8762 Figure 6
 * with MBZ in place of the SSID. */
static const struct stamp_layout reflector_auth = {
    STAMP_PKT_REFLECTOR, STAMP_MODE_AUTH, TWAMP_REFLECTOR_AUTH_LEN,
    {F(0, 4), F(16, 8), F(24, 2), F(0, 0), F(32, 8), F(48, 4), F(64, 8),
     F(72, 2), F(80, 1), F(96, 16)},
    {"seq", "ts", "errest", NULL, "rx-ts", "ss-seq", "ss-ts", "ss-errest",
     "ttl", "hmac"},
    {F(4, 12), F(26, 6), F(40, 8), F(52, 12), F(74, 6), F(81, 15)}, 6};
/* clang-format on */

/* see owtw_test.h */
const struct stamp_layout *owtw_test_layout(enum stamp_pkt_kind kind,
                                            enum owtw_test_mode mode)
{
    if (!mode_known(mode))
        return NULL;
    if (mode == OWTW_TEST_OPEN)
        return stamp_layout_twamp_light(kind);
    return kind == STAMP_PKT_REFLECTOR ? &reflector_auth : &sender_auth;
}

/* see owtw_test.h */
size_t owtw_test_base_len(enum stamp_pkt_kind kind, enum owtw_test_mode mode)
{
    const struct stamp_layout *l = owtw_test_layout(kind, mode);
    return l ? l->base_len : 0;
}

/* see owtw_test.h */
size_t owtw_test_protected_len(enum stamp_pkt_kind kind,
                               enum owtw_test_mode mode)
{
    if (mode == OWTW_TEST_AUTH)
        return IPPM_AES_BLOCK;
    if (mode == OWTW_TEST_ENCRYPTED)
        return kind == STAMP_PKT_REFLECTOR ? TWAMP_REFLECTOR_MAC_OFF
                                           : OWTW_SENDER_MAC_OFF;
    return 0;
}

/* ---- layout-driven codecs ---- */

/* see owtw_test.h */
void owtw_span_store(uint8_t *buf, struct stamp_span s, uint64_t v)
{
    uint8_t *b = buf + s.off;
    switch (s.len) {
    case 1:
        b[0] = (uint8_t)v;
        break;
    case 2:
        ippm_store_u16(b, (uint16_t)v);
        break;
    case 4:
        ippm_store_u32(b, (uint32_t)v);
        break;
    case 8:
        ippm_store_u64(b, v);
        break;
    default:
        break; /* absent from this layout */
    }
}

/* see owtw_test.h */
uint64_t owtw_span_load(const uint8_t *buf, struct stamp_span s)
{
    const uint8_t *b = buf + s.off;
    switch (s.len) {
    case 1:
        return b[0];
    case 2:
        return ippm_load_u16(b);
    case 4:
        return ippm_load_u32(b);
    case 8:
        return ippm_load_u64(b);
    default:
        return 0;
    }
}

/* see owtw_test.h */
bool owtw_layout_mbz_set(const struct stamp_layout *l, const uint8_t *buf)
{
    uint8_t acc = 0;
    for (unsigned r = 0; r < l->n_mbz; r++)
        for (unsigned i = 0; i < l->mbz[r].len; i++)
            acc |= buf[l->mbz[r].off + i];
    return acc != 0;
}

/* see owtw_test.h */
enum ippm_err owtw_test_frame(uint8_t *buf, size_t cap, size_t total_len,
                              const struct stamp_layout *l, size_t extra_off,
                              const uint8_t *extra, size_t extra_len)
{
    if (!extra)
        extra_len = 0;
    if (!l || extra_off < l->base_len || total_len < extra_off ||
        total_len > OWTW_TEST_MAX_LEN || extra_len > total_len - extra_off)
        return IPPM_ERR_BAD_ARG;
    if (cap < total_len)
        return IPPM_ERR_NOSPACE;
    /* The padding first: it may lie in buf past the base (a reflector
     * answering in place). Then what precedes it, MBZ and the MAC slot
     * included, zeroed for the fields. */
    if (extra_len)
        memmove(buf + extra_off, extra, extra_len);
    memset(buf + extra_off + extra_len, 0, total_len - extra_off - extra_len);
    memset(buf, 0, extra_off);
    return IPPM_OK;
}

/* see owtw_test.h */
enum ippm_err owtw_sender_pkt_encode_at(uint8_t *buf, size_t cap,
                                        size_t total_len,
                                        const struct stamp_sender_pkt *pkt,
                                        enum owtw_test_mode mode,
                                        size_t pad_off)
{
    const struct stamp_layout *l = owtw_test_layout(STAMP_PKT_SENDER, mode);
    enum ippm_err e = owtw_test_frame(buf, cap, total_len, l, pad_off,
                                      pkt->extra, pkt->extra_len);
    if (e != IPPM_OK)
        return e;
    /* RFC 4656 §4.1.2: Sequence Number, Timestamp, Error Estimate. */
    owtw_span_store(buf, l->field[STAMP_F_SEQ], pkt->seq);
    owtw_span_store(buf, l->field[STAMP_F_TS], pkt->ts);
    owtw_span_store(buf, l->field[STAMP_F_ERREST], pkt->errest);
    return IPPM_OK;
}

/* see owtw_test.h */
enum ippm_err owtw_sender_pkt_encode(uint8_t *buf, size_t cap, size_t total_len,
                                     const struct stamp_sender_pkt *pkt,
                                     enum owtw_test_mode mode)
{
    return owtw_sender_pkt_encode_at(
        buf, cap, total_len, pkt, mode,
        owtw_test_base_len(STAMP_PKT_SENDER, mode));
}

/* see owtw_test.h */
enum ippm_err owtw_sender_pkt_decode(struct stamp_sender_pkt *out,
                                     const uint8_t *buf, size_t len,
                                     enum owtw_test_mode mode)
{
    const struct stamp_layout *l = owtw_test_layout(STAMP_PKT_SENDER, mode);
    if (!l)
        return IPPM_ERR_BAD_ARG;
    if (len < l->base_len)
        return IPPM_ERR_SHORT;
    struct stamp_sender_pkt p = {0};
    p.seq = (uint32_t)owtw_span_load(buf, l->field[STAMP_F_SEQ]);
    p.ts = owtw_span_load(buf, l->field[STAMP_F_TS]);
    p.errest = (uint16_t)owtw_span_load(buf, l->field[STAMP_F_ERREST]);
    p.mbz_nonzero = owtw_layout_mbz_set(l, buf);
    if (l->field[STAMP_F_HMAC].len)
        p.hmac = buf + l->field[STAMP_F_HMAC].off;
    p.extra_len = len - l->base_len;
    p.extra = p.extra_len ? buf + l->base_len : NULL;
    *out = p;
    return IPPM_OK;
}

/* ---- protection ---- */

/* Where the MAC of kind sits. */
static size_t mac_off(enum stamp_pkt_kind kind)
{
    return kind == STAMP_PKT_REFLECTOR ? TWAMP_REFLECTOR_MAC_OFF
                                       : OWTW_SENDER_MAC_OFF;
}

/* HMAC-SHA1(T_HMAC, the n plaintext octets at p), truncated. */
static enum ippm_err test_mac(const struct owtw_test_keys *k, const uint8_t *p,
                              size_t n, uint8_t mac[OWTW_TEST_MAC_LEN])
{
    uint8_t full[IPPM_HASH_MAX_LEN];
    struct ippm_iov iov = {p, n};
    enum ippm_err e = ippm_hmac_iov(&k->hmac, &iov, 1, full);
    if (e == IPPM_OK)
        memcpy(mac, full, OWTW_TEST_MAC_LEN);
    return e;
}

/* Encrypts or decrypts the protected octets in place: one ECB block in
 * authenticated mode, a CBC run from a zero IV in encrypted mode (each
 * packet its own chain, RFC 4656 §4.1.2). */
static enum ippm_err test_cipher(const struct owtw_test_keys *k, bool encrypt,
                                 uint8_t *p, size_t n)
{
    if (k->mode == OWTW_TEST_AUTH)
        return ippm_aes128_ecb(&k->aes, encrypt, p, p, n);
    uint8_t iv[IPPM_AES_BLOCK] = {0};
    return ippm_aes128_cbc(&k->aes, encrypt, iv, p, p, n);
}

/* The octets the mode protects in a packet of kind and len octets, into
 * *n (0 in mode 1). */
static enum ippm_err protected_span(const struct owtw_test_keys *k,
                                    enum stamp_pkt_kind kind, size_t len,
                                    size_t *n)
{
    size_t base = owtw_test_base_len(kind, k->mode);
    if (base == 0)
        return IPPM_ERR_BAD_ARG;
    if (len < base)
        return IPPM_ERR_SHORT;
    *n = owtw_test_protected_len(kind, k->mode);
    return IPPM_OK;
}

/* see owtw_test.h */
enum ippm_err owtw_test_seal(const struct owtw_test_keys *k,
                             enum stamp_pkt_kind kind, uint8_t *buf, size_t len)
{
    size_t n = 0;
    uint8_t mac[OWTW_TEST_MAC_LEN];
    enum ippm_err e = protected_span(k, kind, len, &n);
    if (e != IPPM_OK || n == 0)
        return e;
    /* The MAC is of the plaintext (fixtures §4.5), so it comes first. */
    e = test_mac(k, buf, n, mac);
    if (e == IPPM_OK)
        e = test_cipher(k, true, buf, n);
    if (e == IPPM_OK)
        memcpy(buf + mac_off(kind), mac, sizeof mac);
    return e;
}

/* see owtw_test.h */
enum ippm_err owtw_test_open(const struct owtw_test_keys *k,
                             enum stamp_pkt_kind kind, uint8_t *buf, size_t len)
{
    size_t n = 0;
    uint8_t mac[OWTW_TEST_MAC_LEN];
    enum ippm_err e = protected_span(k, kind, len, &n);
    if (e != IPPM_OK || n == 0)
        return e;
    e = test_cipher(k, false, buf, n);
    if (e == IPPM_OK)
        e = test_mac(k, buf, n, mac);
    if (e != IPPM_OK)
        return e;
    return ippm_ct_equal(mac, buf + mac_off(kind), sizeof mac) ? IPPM_OK
                                                               : IPPM_ERR_HMAC;
}
