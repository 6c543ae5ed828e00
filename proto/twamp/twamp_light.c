/* TWAMP Light in modes A and E (RFC 5357 Appendix I): the operations of
 * struct stamp_twl_auth (proto/stamp/stamp.h) over one test session's
 * keys, so that STAMP's machines run authenticated and encrypted TWAMP
 * Light with TWAMP's own packet code (owtw_test.h, twamp_session.c). */
#include "twamp.h"

#include <string.h>

/* The request's Sequence Number, from its first block opened in a copy
 * (the MAC is checked again when it is reflected). */
static enum ippm_err request_seq(const struct twamp_light_auth *a,
                                 const uint8_t *rx, size_t len, uint32_t *seq)
{
    uint8_t plain[OWTW_SENDER_AUTH_LEN];
    if (len < sizeof plain)
        return IPPM_ERR_SHORT;
    memcpy(plain, rx, sizeof plain);
    enum ippm_err e = owtw_test_open(a->keys, STAMP_PKT_SENDER, plain,
                                     sizeof plain);
    struct stamp_sender_pkt p;
    if (e == IPPM_OK)
        e = owtw_sender_pkt_decode(&p, plain, sizeof plain, a->keys->mode);
    if (e == IPPM_OK)
        *seq = p.seq;
    return e;
}

static enum ippm_err light_reflect(void *ctx, const struct ippm_event *ev,
                                   uint64_t rx_ns, uint64_t tx_ns,
                                   bool copy_seq, uint32_t seq, uint8_t *tx,
                                   size_t tx_cap, size_t *tx_len,
                                   uint32_t *ss_seq)
{
    struct twamp_light_auth *a = ctx;
    const struct ippm_rx_meta *m = ev->meta;
    /* the reflector numbers from next_seq: ours, or the request's */
    enum ippm_err e = copy_seq ? request_seq(a, ev->data, ev->len, &seq)
                               : IPPM_OK;
    if (e != IPPM_OK)
        return e;
    a->refl.next_seq = seq;
    e = twamp_reflector_reflect(&a->refl, ev->data, ev->len,
                                              rx_ns, m->ttl, m->tos, tx_ns,
                                              tx, tx_cap, tx_len);
    if (e == IPPM_OK)
        *ss_seq = a->refl.last_ss_seq;
    return e;
}

static enum ippm_err light_encode(void *ctx, uint8_t *buf, size_t cap,
                                  size_t total_len,
                                  const struct stamp_sender_pkt *pkt)
{
    const struct twamp_light_auth *a = ctx;
    enum ippm_err e =
        owtw_sender_pkt_encode(buf, cap, total_len, pkt, a->keys->mode);
    if (e != IPPM_OK)
        return e;
    return owtw_test_seal(a->keys, STAMP_PKT_SENDER, buf, total_len);
}

/* The reply's base opened in a copy (buf is the caller's, read-only),
 * then decoded; the padding stays a view into buf. */
static enum ippm_err light_decode(void *ctx, const uint8_t *buf, size_t len,
                                  struct stamp_reflector_pkt *out)
{
    const struct twamp_light_auth *a = ctx;
    enum owtw_test_mode mode = a->keys->mode;
    size_t base = owtw_test_base_len(STAMP_PKT_REFLECTOR, mode);
    uint8_t plain[TWAMP_REFLECTOR_AUTH_LEN];
    if (base == 0 || base > sizeof plain)
        return IPPM_ERR_BAD_ARG;
    if (len < base)
        return IPPM_ERR_SHORT;
    memcpy(plain, buf, base);
    enum ippm_err e = owtw_test_open(a->keys, STAMP_PKT_REFLECTOR, plain,
                                     base);
    struct stamp_reflector_pkt p;
    if (e == IPPM_OK)
        e = twamp_reflector_pkt_decode(&p, plain, base, mode);
    if (e != IPPM_OK)
        return e;
    p.hmac = buf + TWAMP_REFLECTOR_MAC_OFF;
    p.extra_len = len - base;
    p.extra = p.extra_len ? buf + base : NULL;
    *out = p;
    return IPPM_OK;
}

static enum ippm_err light_open(void *ctx, enum stamp_pkt_kind kind,
                                uint8_t *buf, size_t len)
{
    const struct twamp_light_auth *a = ctx;
    return owtw_test_open(a->keys, kind, buf, len);
}

/* see twamp.h */
enum ippm_err twamp_light_auth_init(struct twamp_light_auth *a,
                                    const struct owtw_test_keys *keys,
                                    uint16_t errest, bool symmetrical,
                                    uint64_t now_ns)
{
    if (!keys || (keys->mode != OWTW_TEST_AUTH &&
                  keys->mode != OWTW_TEST_ENCRYPTED))
        return IPPM_ERR_BAD_ARG;
    memset(a, 0, sizeof *a);
    a->keys = keys;
    struct twamp_reflector_config c = {
        .keys = keys,
        .errest = errest,
        .symmetrical = symmetrical,
    };
    twamp_reflector_init(&a->refl, &c, now_ns);
    a->ops = (struct stamp_twl_auth){
        .ctx = a,
        .sender_base = owtw_test_base_len(STAMP_PKT_SENDER, keys->mode),
        .reflector_base = owtw_test_base_len(STAMP_PKT_REFLECTOR, keys->mode),
        .reflect = light_reflect,
        .encode = light_encode,
        .decode = light_decode,
        .open = light_open,
    };
    return IPPM_OK;
}
