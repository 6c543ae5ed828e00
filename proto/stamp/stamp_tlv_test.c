/* Unit tests of stamp_tlv.c: the TLV walker, every TLV codec, the
 * Session-Reflector's TLV handling (RFC 8972 §4, RFC 9503, RFC 9534, the
 * drafts) through stamp_reflector_handle, and the Session-Sender's TLV
 * block. Every input a decoder or the walker reads ends flush against a
 * PROT_NONE page. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../common/ippm_cur.h"
#include "testsupport/fake_crypto.h"
#include "stamp.h"

#define NS IPPM_NS_PER_SEC
#define MS 1000000ull
#define T0 (1795608068ull * NS)
#define B  STAMP_BASE_LEN

static const uint8_t KEY[] = "sixteen byte key and then some";
static struct fake_crypto_ctx fc_ctx;
static struct ippm_crypto fc;

static struct ippm_hmac_key key(void)
{
    fc = fake_crypto_make(&fc_ctx);
    return fake_crypto_key(&fc, KEY, sizeof KEY - 1);
}

/* ---- walker ---- */

/* Walks len octets (guarded) and returns the error that ends it; *n gets
 * the TLVs read. */
static enum ippm_err walk(const uint8_t *p, size_t len, size_t *n,
                          struct stamp_tlv *last)
{
    struct ippm_guard g;
    const uint8_t *q = ippm_guard_copy(&g, p, len);
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    *n = 0;
    stamp_tlv_iter_init(&it, q, len);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK) {
        (*n)++;
        if (t.len)
            assert_ptr_equal(t.value, q + t.off + 4);
    }
    /* The walk stays put after an error. */
    assert_int_equal(stamp_tlv_next(&it, &t), e);
    if (last)
        *last = t;
    ippm_guard_free(&g);
    return e;
}

static void test_stamp_tlv_next_walks_in_order(void **state)
{
    (void)state;
    uint8_t b[64];
    size_t off = 0, n;
    assert_int_equal(stamp_tlv_put_padding(b, sizeof b, &off, 3), IPPM_OK);
    assert_int_equal(stamp_tlv_put_cos(b, sizeof b, &off, 46), IPPM_OK);
    assert_int_equal(stamp_tlv_put(b, sizeof b, &off, 0, 200, NULL, 0),
                     IPPM_OK);
    assert_int_equal(off, 7 + 8 + 4);
    assert_int_equal(walk(b, off, &n, NULL), IPPM_ERR_DONE);
    assert_int_equal(n, 3);
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    stamp_tlv_iter_init(&it, b, off);
    assert_int_equal(stamp_tlv_next(&it, &t), IPPM_OK);
    assert_int_equal(t.type, STAMP_TLV_PADDING);
    assert_int_equal(t.flags, STAMP_TLV_U); /* §4: sender sets U */
    assert_int_equal(t.len, 3);
    assert_int_equal(stamp_tlv_next(&it, &t), IPPM_OK);
    assert_int_equal(t.type, STAMP_TLV_COS);
    assert_int_equal(t.off, 7);
    assert_int_equal(stamp_tlv_next(&it, &t), IPPM_OK);
    assert_int_equal(t.type, 200);
    assert_null(t.value);
    assert_int_equal(stamp_tlv_next(&it, &t), IPPM_ERR_DONE);
}

static void test_stamp_tlv_next_rejects_truncated_header(void **state)
{
    (void)state;
    uint8_t b[8] = {0x80, 1, 0, 0, 0x80, 4, 0};
    size_t n;
    struct stamp_tlv t;
    for (size_t tail = 1; tail <= 3; tail++) {
        assert_int_equal(walk(b, 4 + tail, &n, &t), IPPM_ERR_SHORT);
        assert_int_equal(n, 1);
        assert_int_equal(t.off, 4);
        assert_int_equal(t.flags, 0x80);
    }
}

static void test_stamp_tlv_next_rejects_length_past_end(void **state)
{
    (void)state;
    uint8_t b[12] = {0x80, 5, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8};
    size_t n;
    struct stamp_tlv t;
    assert_int_equal(walk(b, 12, &n, &t), IPPM_ERR_TOO_LONG);
    assert_int_equal(n, 0);
    assert_int_equal(t.type, 5);
    assert_int_equal(t.len, 12);
    assert_null(t.value);
    /* 0xFFFF never wraps. */
    ippm_store_u16(b + 2, 0xffff);
    assert_int_equal(walk(b, 12, &n, &t), IPPM_ERR_TOO_LONG);
    /* Exactly to the end is fine. */
    ippm_store_u16(b + 2, 8);
    assert_int_equal(walk(b, 12, &n, &t), IPPM_ERR_DONE);
    assert_int_equal(n, 1);
    assert_int_equal(walk(b, 0, &n, &t), IPPM_ERR_DONE);
}

static void test_stamp_tlv_put_nospace_writes_nothing(void **state)
{
    (void)state;
    uint8_t b[10];
    memset(b, 0xee, sizeof b);
    size_t off = 3;
    assert_int_equal(stamp_tlv_put_cos(b, sizeof b, &off, 1), IPPM_ERR_NOSPACE);
    assert_int_equal(off, 3);
    for (size_t i = 0; i < sizeof b; i++)
        assert_int_equal(b[i], 0xee);
    assert_int_equal(stamp_tlv_put_cos(b, sizeof b, &off, 64),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(stamp_tlv_put_access(b, sizeof b, &off, 16, 1),
                     IPPM_ERR_BAD_ARG);
    struct ippm_addr none = {0};
    assert_int_equal(stamp_tlv_put_dest_addr(b, sizeof b, &off, &none),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(stamp_tlv_put_ber_pattern(b, sizeof b, &off, NULL, 0),
                     IPPM_ERR_BAD_ARG);
}

/* ---- codecs: encode, then decode from a guarded copy ---- */

static struct stamp_tlv first(const uint8_t *b, size_t len,
                              struct ippm_guard *g)
{
    const uint8_t *q = ippm_guard_copy(g, b, len);
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    stamp_tlv_iter_init(&it, q, len);
    assert_int_equal(stamp_tlv_next(&it, &t), IPPM_OK);
    return t;
}

static void test_stamp_tlv_codecs_round_trip(void **state)
{
    (void)state;
    uint8_t b[256];
    size_t off;
    struct ippm_guard g;
    struct stamp_tlv t;

    off = 0;
    stamp_tlv_put_cos(b, sizeof b, &off, 46);
    t = first(b, off, &g);
    struct stamp_tlv_cos cos;
    assert_int_equal(stamp_tlv_cos_decode(&t, &cos), IPPM_OK);
    assert_int_equal(cos.dscp1, 46);
    assert_int_equal(cos.dscp2 | cos.ecn | cos.rp, 0);
    assert_false(cos.reserved_nonzero);
    struct stamp_tlv_direct dm;
    assert_int_equal(stamp_tlv_direct_decode(&t, &dm), IPPM_ERR_BAD_ARG);
    ippm_guard_free(&g);

    off = 0;
    stamp_tlv_put_direct(b, sizeof b, &off, 77);
    t = first(b, off, &g);
    assert_int_equal(stamp_tlv_direct_decode(&t, &dm), IPPM_OK);
    assert_int_equal(dm.s_txc, 77);
    assert_int_equal(dm.r_rxc | dm.r_txc, 0);
    ippm_guard_free(&g);

    off = 0;
    stamp_tlv_put_followup(b, sizeof b, &off);
    t = first(b, off, &g);
    struct stamp_tlv_followup fu;
    assert_int_equal(stamp_tlv_followup_decode(&t, &fu), IPPM_OK);
    assert_int_equal(fu.seq, 0);
    assert_int_equal(fu.ts, 0);
    ippm_guard_free(&g);

    off = 0;
    stamp_tlv_put_tsinfo(b, sizeof b, &off);
    t = first(b, off, &g);
    struct stamp_tlv_tsinfo ti;
    assert_int_equal(stamp_tlv_tsinfo_decode(&t, &ti), IPPM_OK);
    assert_int_equal(ti.sync_in | ti.ts_in | ti.sync_out | ti.ts_out, 0);
    ippm_guard_free(&g);

    off = 0;
    stamp_tlv_put_access(b, sizeof b, &off, 2, 1);
    t = first(b, off, &g);
    struct stamp_tlv_access ar;
    assert_int_equal(stamp_tlv_access_decode(&t, &ar), IPPM_OK);
    assert_int_equal(ar.id, 2);
    assert_int_equal(ar.code, 1);
    ippm_guard_free(&g);

    off = 0;
    stamp_tlv_put_micro_session(b, sizeof b, &off, 0x1234, 0x5678);
    t = first(b, off, &g);
    uint16_t sid, rid;
    assert_int_equal(stamp_tlv_micro_decode(&t, &sid, &rid), IPPM_OK);
    assert_int_equal(sid, 0x1234);
    assert_int_equal(rid, 0x5678);
    ippm_guard_free(&g);

    struct ippm_addr a6 = {
        IPPM_AF_INET6, {0x20, 0x01, 0x0d, 0xb8, [15] = 9}, 0, 0};
    off = 0;
    stamp_tlv_put_dest_addr(b, sizeof b, &off, &a6);
    t = first(b, off, &g);
    struct ippm_addr got;
    assert_int_equal(t.len, 16);
    assert_int_equal(stamp_tlv_dest_addr_decode(&t, &got), IPPM_OK);
    assert_true(ippm_addr_equal(&got, &a6));
    ippm_guard_free(&g);

    off = 0;
    stamp_tlv_put_refl_control(b, sizeof b, &off, 1500, 1, 1000);
    t = first(b, off, &g);
    struct stamp_tlv_refl_control rc;
    assert_int_equal(t.len, 12);
    assert_int_equal(stamp_tlv_refl_control_decode(&t, &rc), IPPM_OK);
    assert_int_equal(rc.reply_len, 1500);
    assert_int_equal(rc.count, 1);
    assert_int_equal(rc.interval_ns, 1000);
    assert_int_equal(rc.sub_len, 4);
    ippm_guard_free(&g);

    off = 0;
    stamp_tlv_put_location(b, sizeof b, &off, true, true, true);
    t = first(b, off, &g);
    uint16_t dp, sp;
    struct stamp_tlv_iter sub;
    struct stamp_tlv s;
    assert_int_equal(t.len, 4 + 12 + 20 + 20);
    assert_int_equal(stamp_tlv_location_decode(&t, &dp, &sp, &sub), IPPM_OK);
    assert_int_equal(stamp_tlv_next(&sub, &s), IPPM_OK);
    assert_int_equal(s.type, STAMP_LOC_SRC_MAC);
    assert_int_equal(s.len, stamp_loc_sub_len(s.type));
    assert_int_equal(stamp_tlv_next(&sub, &s), IPPM_OK);
    assert_int_equal(s.type, STAMP_LOC_DST_IP);
    assert_int_equal(stamp_tlv_next(&sub, &s), IPPM_OK);
    assert_int_equal(s.type, STAMP_LOC_SRC_IP);
    assert_int_equal(stamp_tlv_next(&sub, &s), IPPM_ERR_DONE);
    assert_int_equal(stamp_loc_sub_len(99), 0);
    ippm_guard_free(&g);

    const uint32_t lse[2] = {0x00010100, 0x000201ff};
    struct stamp_return_path rp = {
        .lse = lse, .n_lse = 2, .addr = {IPPM_AF_INET, {10, 0, 0, 1}, 0}};
    off = 0;
    assert_int_equal(stamp_tlv_put_return_path(b, sizeof b, &off, &rp),
                     IPPM_OK);
    t = first(b, off, &g);
    assert_int_equal(t.len, 8 + 12);
    stamp_tlv_iter_init(&sub, t.value, t.len);
    assert_int_equal(stamp_tlv_next(&sub, &s), IPPM_OK);
    assert_int_equal(s.type, STAMP_RP_ADDR);
    assert_int_equal(stamp_rp_sub_check(&s), IPPM_OK);
    assert_int_equal(stamp_tlv_next(&sub, &s), IPPM_OK);
    assert_int_equal(s.type, STAMP_RP_MPLS);
    assert_int_equal(ippm_load_u32(s.value + 4), 0x000201ff);
    assert_int_equal(stamp_rp_sub_check(&s), IPPM_OK);
    ippm_guard_free(&g);
    /* §4.1: a control code goes alone. */
    rp.has_control = true;
    assert_int_equal(stamp_tlv_put_return_path(b, sizeof b, &off, &rp),
                     IPPM_ERR_BAD_ARG);
}

static void test_stamp_tlv_decoders_reject_bad_lengths(void **state)
{
    (void)state;
    static const uint8_t z[32];
    struct stamp_tlv t = {0, STAMP_TLV_COS, 3, z, 0};
    struct stamp_tlv_cos cos;
    assert_int_equal(stamp_tlv_cos_decode(&t, &cos), IPPM_ERR_BAD_VALUE);
    struct stamp_tlv_direct dm;
    t.type = STAMP_TLV_DIRECT, t.len = 8;
    assert_int_equal(stamp_tlv_direct_decode(&t, &dm), IPPM_ERR_BAD_VALUE);
    struct stamp_tlv_followup fu;
    t.type = STAMP_TLV_FOLLOWUP, t.len = 12;
    assert_int_equal(stamp_tlv_followup_decode(&t, &fu), IPPM_ERR_BAD_VALUE);
    struct stamp_tlv_tsinfo ti;
    t.type = STAMP_TLV_TSINFO, t.len = 3;
    assert_int_equal(stamp_tlv_tsinfo_decode(&t, &ti), IPPM_ERR_BAD_VALUE);
    t.len = 8; /* optional sub-TLVs */
    assert_int_equal(stamp_tlv_tsinfo_decode(&t, &ti), IPPM_OK);
    struct stamp_tlv_access ar;
    t.type = STAMP_TLV_ACCESS, t.len = 2;
    assert_int_equal(stamp_tlv_access_decode(&t, &ar), IPPM_ERR_BAD_VALUE);
    uint16_t a, b2;
    t.type = STAMP_TLV_MICRO_SESSION, t.len = 2;
    assert_int_equal(stamp_tlv_micro_decode(&t, &a, &b2), IPPM_ERR_BAD_VALUE);
    struct ippm_addr ad;
    t.type = STAMP_TLV_DEST_ADDR, t.len = 8;
    assert_int_equal(stamp_tlv_dest_addr_decode(&t, &ad), IPPM_ERR_BAD_VALUE);
    struct stamp_tlv_refl_control rc;
    t.type = STAMP_TLV_REFL_CONTROL, t.len = 8;
    assert_int_equal(stamp_tlv_refl_control_decode(&t, &rc),
                     IPPM_ERR_BAD_VALUE);
    uint16_t dp, sp;
    struct stamp_tlv_iter it;
    t.type = STAMP_TLV_LOCATION, t.len = 2;
    assert_int_equal(stamp_tlv_location_decode(&t, &dp, &sp, &it),
                     IPPM_ERR_BAD_VALUE);
    struct stamp_tlv s = {0, STAMP_RP_CONTROL, 8, z, 0};
    assert_int_equal(stamp_rp_sub_check(&s), IPPM_ERR_BAD_VALUE);
    s.type = STAMP_RP_ADDR, s.len = 6;
    assert_int_equal(stamp_rp_sub_check(&s), IPPM_ERR_BAD_VALUE);
    s.type = STAMP_RP_MPLS, s.len = 0;
    assert_int_equal(stamp_rp_sub_check(&s), IPPM_ERR_BAD_VALUE);
    s.len = 6;
    assert_int_equal(stamp_rp_sub_check(&s), IPPM_ERR_BAD_VALUE);
    s.type = STAMP_RP_SRV6, s.len = 20;
    assert_int_equal(stamp_rp_sub_check(&s), IPPM_ERR_BAD_VALUE);
    s.type = 77;
    assert_int_equal(stamp_rp_sub_check(&s), IPPM_ERR_BAD_ARG);
}

/* Words of a value in network order, none past its end (a 6-octet label
 * stack has one entry). */
static void test_stamp_tlv_u32_at_reads_whole_words(void **state)
{
    (void)state;
    static const uint8_t v[6] = {0x03, 0xe8, 0x11, 0x40, 0xff, 0xff};
    struct stamp_tlv s = {0, STAMP_RP_MPLS, 6, v, 0};
    uint32_t w = 0;
    assert_int_equal(stamp_tlv_u32_at(&s, 0, &w), IPPM_OK);
    assert_int_equal(w, 0x03e81140u);
    w = 7;
    assert_int_equal(stamp_tlv_u32_at(&s, 1, &w), IPPM_ERR_SHORT);
    assert_int_equal(w, 7);
    s.len = 0, s.value = NULL;
    assert_int_equal(stamp_tlv_u32_at(&s, 0, &w), IPPM_ERR_SHORT);
}

/* ---- HMAC TLV ---- */

static void test_stamp_tlv_hmac_sign_and_check(void **state)
{
    (void)state;
    uint8_t p[B + 64] = {0, 0, 0, 9};
    size_t off = 0;
    struct ippm_hmac_key k = key();
    stamp_tlv_put_cos(p + B, 64, &off, 10);
    size_t h = off;
    stamp_tlv_put_hmac(p + B, 64, &off);
    size_t len = B + off;
    assert_int_equal(stamp_tlv_hmac_sign(&k, p, len, B, h), IPPM_OK);
    /* The reference: HMAC over seq || preceding TLVs. */
    uint8_t msg[4 + 8], full[32];
    memcpy(msg, p, 4);
    memcpy(msg + 4, p + B, 8);
    ref_hmac_sha256(KEY, sizeof KEY - 1, msg, sizeof msg, full);
    assert_memory_equal(p + B + h + 4, full, 16);
    struct ippm_guard g;
    uint8_t *q = ippm_guard_copy(&g, p, len);
    assert_int_equal(stamp_tlv_hmac_check(&k, q, len, B, h), IPPM_OK);
    q[3] ^= 1; /* the Sequence Number is covered */
    assert_int_equal(stamp_tlv_hmac_check(&k, q, len, B, h), IPPM_ERR_HMAC);
    q[3] ^= 1;
    q[B + 5] ^= 1; /* and the TLVs before it */
    assert_int_equal(stamp_tlv_hmac_check(&k, q, len, B, h), IPPM_ERR_HMAC);
    assert_int_equal(stamp_tlv_hmac_check(&k, q, len, B, 0), IPPM_ERR_BAD_ARG);
    assert_int_equal(stamp_tlv_hmac_check(NULL, q, len, B, h), IPPM_ERR_NO_KEY);
    ippm_guard_free(&g);
}

/* ---- the Session-Reflector ---- */

static struct stamp_reflector R;
static uint8_t rep[2048];
static size_t rep_len;

static struct ippm_rx_meta meta4(int tos)
{
    struct ippm_rx_meta m;
    memset(&m, 0, sizeof m);
    m.rx_ns = T0;
    m.ttl = 60;
    m.tos = (int16_t)tos;
    m.peer = (struct ippm_addr){IPPM_AF_INET, {192, 0, 2, 7}, 40001, 0};
    m.local = (struct ippm_addr){IPPM_AF_INET, {198, 51, 100, 1}, STAMP_PORT, 0};
    return m;
}

static void refl_init(enum stamp_mode mode, bool stateful)
{
    struct stamp_reflector_config c;
    memset(&c, 0, sizeof c);
    c.mode = mode;
    c.stateful = stateful;
    c.tlv = true;
    c.errest.mult = 1;
    c.sync_src = STAMP_SYNC_NTP;
    c.dscp_permitted = 1ull << 46 | 1ull << 0;
    c.micro_session_id = 0x0102;
    c.key = key();
    stamp_reflector_init(&R, &c);
}

/* A request: the base, then tlvs, then (to len) nothing. */
static size_t mk_req(uint8_t *q, enum stamp_mode mode, uint32_t seq,
                     const uint8_t *tlvs, size_t n)
{
    struct ippm_hmac_key k = key();
    struct stamp_sender_pkt sp = {.seq = seq,
                                  .ts = ippm_ntp_from_ns(T0),
                                  .errest = 1,
                                  .ssid = 5,
                                  .extra = tlvs,
                                  .extra_len = n};
    size_t len = stamp_base_len(mode) + n;
    assert_int_equal(stamp_sender_pkt_encode(q, 2048, len, &sp, mode, &k),
                     IPPM_OK);
    return len;
}

static struct ippm_action reflect(const uint8_t *q, size_t len,
                                   const struct ippm_rx_meta *m, size_t cap)
{
    struct ippm_guard gp, gt;
    const uint8_t *p = ippm_guard_copy(&gp, q, len);
    uint8_t *tx = ippm_guard_copy(&gt, rep, cap);
    struct ippm_event ev = {IPPM_EV_DATAGRAM, T0 + MS, p, len, m};
    struct ippm_action act;
    assert_int_equal(stamp_reflector_handle(&R, &ev, tx, cap, &act), IPPM_OK);
    rep_len = act.kind == IPPM_ACT_SEND_DATAGRAM ? act.len : 0;
    memcpy(rep, tx, rep_len);
    ippm_guard_free(&gp);
    ippm_guard_free(&gt);
    return act;
}

/* The reply's TLV at index i. */
static struct stamp_tlv rtlv(size_t base, size_t i)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    stamp_tlv_iter_init(&it, rep + base, rep_len - base);
    for (size_t k = 0; k <= i; k++)
        assert_int_equal(stamp_tlv_next(&it, &t), IPPM_OK);
    return t;
}

static void test_reflector_tlvs_in_order_with_flags(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    uint8_t tl[256], q[2048];
    size_t n = 0;
    stamp_tlv_put_padding(tl, sizeof tl, &n, 8);
    stamp_tlv_put(tl, sizeof tl, &n, STAMP_TLV_U, 199, "abcd", 4);
    stamp_tlv_put_tsinfo(tl, sizeof tl, &n);
    stamp_tlv_put_cos(tl, sizeof tl, &n, 46);
    stamp_tlv_put_direct(tl, sizeof tl, &n, 5);
    stamp_tlv_put_access(tl, sizeof tl, &n, 1, 2);
    stamp_tlv_put_followup(tl, sizeof tl, &n);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 3, tl, n);
    struct ippm_rx_meta m = meta4(0x2d); /* DSCP 11, ECN 1 */
    struct ippm_action a = reflect(q, len, &m, 2048);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(a.len, len); /* symmetric */
    struct stamp_tlv t = rtlv(B, 0);
    assert_int_equal(t.type, STAMP_TLV_PADDING);
    assert_int_equal(t.flags, 0); /* understood: U cleared */
    /* No BER TLV: the padding is copied, not "repaired". */
    assert_true(stamp_tlv_all_zero(t.value, t.len));
    t = rtlv(B, 1);
    assert_int_equal(t.type, 199);
    assert_int_equal(t.flags, STAMP_TLV_U);
    assert_memory_equal(t.value, "abcd", 4);
    t = rtlv(B, 2);
    struct stamp_tlv_tsinfo ti;
    assert_int_equal(stamp_tlv_tsinfo_decode(&t, &ti), IPPM_OK);
    assert_int_equal(ti.sync_in, STAMP_SYNC_NTP);
    assert_int_equal(ti.ts_in, STAMP_TSM_SW);
    assert_int_equal(ti.ts_out, STAMP_TSM_SW);
    t = rtlv(B, 3);
    struct stamp_tlv_cos cos;
    assert_int_equal(stamp_tlv_cos_decode(&t, &cos), IPPM_OK);
    assert_int_equal(cos.dscp1, 46);
    assert_int_equal(cos.dscp2, 11);
    assert_int_equal(cos.ecn, 1);
    assert_int_equal(cos.rp, 0);
    assert_int_equal(a.tos, 46 << 2);
    t = rtlv(B, 4);
    struct stamp_tlv_direct dm;
    assert_int_equal(stamp_tlv_direct_decode(&t, &dm), IPPM_OK);
    assert_int_equal(dm.s_txc, 5);
    assert_int_equal(dm.r_rxc, 1);
    assert_int_equal(dm.r_txc, 1);
    t = rtlv(B, 5);
    struct stamp_tlv_access ar;
    assert_int_equal(stamp_tlv_access_decode(&t, &ar), IPPM_OK);
    assert_int_equal(ar.id, 1);
    assert_int_equal(ar.code, 2);
    assert_int_equal(t.flags, 0);
    t = rtlv(B, 6);
    struct stamp_tlv_followup fu;
    assert_int_equal(stamp_tlv_followup_decode(&t, &fu), IPPM_OK);
    assert_int_equal(fu.seq, 0); /* stateless: zero */
    assert_int_equal(fu.ts, 0);
}

static void test_reflector_cos_not_permitted_sets_rp(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    uint8_t tl[16], q[2048];
    size_t n = 0;
    stamp_tlv_put_cos(tl, sizeof tl, &n, 10);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    struct ippm_rx_meta m = meta4(46 << 2);
    struct ippm_action a = reflect(q, len, &m, 2048);
    struct stamp_tlv_cos cos;
    struct stamp_tlv t = rtlv(B, 0);
    assert_int_equal(stamp_tlv_cos_decode(&t, &cos), IPPM_OK);
    assert_int_equal(cos.rp, 1);
    assert_int_equal(cos.dscp2, 46);
    assert_int_equal(a.tos, 46 << 2); /* the DSCP it came with */
}

static void test_reflector_location_filled(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    uint8_t tl[128], q[2048];
    size_t n = 0;
    stamp_tlv_put_location(tl, sizeof tl, &n, true, true, true);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    struct ippm_rx_meta m = meta4(0);
    reflect(q, len, &m, 2048);
    assert_int_equal(rep_len, len);
    struct stamp_tlv t = rtlv(B, 0);
    uint16_t dp, sp;
    struct stamp_tlv_iter it;
    struct stamp_tlv s;
    assert_int_equal(t.flags, 0);
    assert_int_equal(stamp_tlv_location_decode(&t, &dp, &sp, &it), IPPM_OK);
    assert_int_equal(dp, STAMP_PORT);
    assert_int_equal(sp, 40001);
    assert_int_equal(stamp_tlv_next(&it, &s), IPPM_OK);
    assert_int_equal(s.type, STAMP_LOC_SRC_EUI64);
    assert_int_equal(stamp_tlv_next(&it, &s), IPPM_OK);
    assert_int_equal(s.type, STAMP_LOC_DST_IPV4);
    assert_memory_equal(s.value, m.local.ip, 4);
    assert_int_equal(s.flags, 0);
    assert_int_equal(stamp_tlv_next(&it, &s), IPPM_OK);
    assert_int_equal(s.type, STAMP_LOC_SRC_IPV4);
    assert_memory_equal(s.value, m.peer.ip, 4);
}

/* A malformed TLV: M on it, the rest copied as received, nothing after
 * it processed (RFC 8972 §4). */
static void test_reflector_malformed_stops(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    uint8_t tl[64], q[2048];
    size_t n = 0;
    stamp_tlv_put_cos(tl, sizeof tl, &n, 46);
    size_t bad = n;
    stamp_tlv_put(tl, sizeof tl, &n, STAMP_TLV_U, STAMP_TLV_DIRECT, NULL, 8);
    stamp_tlv_put_tsinfo(tl, sizeof tl, &n);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    struct ippm_rx_meta m = meta4(0);
    reflect(q, len, &m, 2048);
    assert_int_equal(rep_len, len);
    assert_int_equal(rep[B], 0); /* CoS processed */
    assert_int_equal(rep[B + bad], STAMP_TLV_U | STAMP_TLV_M);
    assert_memory_equal(rep + B + bad + 1, q + B + bad + 1, n - bad - 1);
    /* Length past the end. */
    n = 0;
    stamp_tlv_put_cos(tl, sizeof tl, &n, 46);
    tl[3] = 40;
    len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    reflect(q, len, &m, 2048);
    assert_int_equal(rep[B], STAMP_TLV_U | STAMP_TLV_M);
    assert_memory_equal(rep + B + 1, q + B + 1, n - 1);
    /* A truncated header. */
    n = 0;
    stamp_tlv_put_cos(tl, sizeof tl, &n, 46);
    tl[n++] = 0x80, tl[n++] = 4;
    len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    reflect(q, len, &m, 2048);
    assert_int_equal(rep_len, len);
    assert_int_equal(rep[B + 8], 0x80 | STAMP_TLV_M);
    /* A nested length overflow in Location. */
    n = 0;
    stamp_tlv_put_location(tl, sizeof tl, &n, false, true, false);
    ippm_store_u16(tl + 4 + 4 + 2, 17);
    len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    reflect(q, len, &m, 2048);
    assert_int_equal(rep[B], STAMP_TLV_U | STAMP_TLV_M);
    assert_memory_equal(rep + B + 1, q + B + 1, n - 1);
}

static void test_reflector_zero_padding_is_plain_copy(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    uint8_t tl[30] = {0}, q[2048];
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, sizeof tl);
    struct ippm_rx_meta m = meta4(0);
    reflect(q, len, &m, 2048);
    assert_int_equal(rep_len, len);
    assert_memory_equal(rep + B, tl, sizeof tl);
}

static void test_reflector_hmac_tlv_open_and_auth(void **state)
{
    (void)state;
    struct ippm_hmac_key k = key();
    for (int mode = 0; mode < 2; mode++) {
        size_t base = stamp_base_len((enum stamp_mode)mode);
        refl_init((enum stamp_mode)mode, false);
        uint8_t tl[64], q[2048];
        size_t n = 0;
        stamp_tlv_put_cos(tl, sizeof tl, &n, 46);
        size_t h = n;
        stamp_tlv_put_hmac(tl, sizeof tl, &n);
        size_t len = mk_req(q, (enum stamp_mode)mode, 7, tl, n);
        assert_int_equal(stamp_tlv_hmac_sign(&k, q, len, base, h), IPPM_OK);
        if (mode == STAMP_MODE_AUTH) /* re-sign the base after the TLVs */
            assert_int_equal(
                stamp_hmac_compute(&k, q, len, q + STAMP_AUTH_HMAC_OFF),
                IPPM_OK);
        struct ippm_rx_meta m = meta4(0);
        reflect(q, len, &m, 2048);
        assert_int_equal(rep_len, len);
        assert_int_equal(rep[base], 0);
        assert_int_equal(rep[base + h], 0);
        assert_int_equal(stamp_tlv_hmac_check(&k, rep, rep_len, base, h),
                         IPPM_OK);
        /* Corrupt the TLV HMAC: I on every TLV, copied as received. */
        q[len - 1] ^= 1;
        if (mode == STAMP_MODE_AUTH)
            stamp_hmac_compute(&k, q, len, q + STAMP_AUTH_HMAC_OFF);
        reflect(q, len, &m, 2048);
        assert_int_equal(rep_len, len);
        assert_int_equal(rep[base], STAMP_TLV_U | STAMP_TLV_I);
        assert_int_equal(rep[base + h], STAMP_TLV_U | STAMP_TLV_I);
        assert_memory_equal(rep + base + 1, q + base + 1, 7);
    }
    /* Auth mode: TLVs without an HMAC TLV fail integrity ... */
    refl_init(STAMP_MODE_AUTH, false);
    uint8_t tl[64], q[2048];
    size_t n = 0;
    stamp_tlv_put_cos(tl, sizeof tl, &n, 46);
    size_t len = mk_req(q, STAMP_MODE_AUTH, 0, tl, n);
    struct ippm_rx_meta m = meta4(0);
    reflect(q, len, &m, 2048);
    assert_int_equal(rep[STAMP_AUTH_BASE_LEN], STAMP_TLV_U | STAMP_TLV_I);
    /* ... except a lone Extra Padding TLV. */
    n = 0;
    stamp_tlv_put_padding(tl, sizeof tl, &n, 12);
    len = mk_req(q, STAMP_MODE_AUTH, 0, tl, n);
    reflect(q, len, &m, 2048);
    assert_int_equal(rep[STAMP_AUTH_BASE_LEN], 0);
    /* An HMAC TLV followed by another TLV is a verification failure. */
    n = 0;
    stamp_tlv_put_hmac(tl, sizeof tl, &n);
    stamp_tlv_put_cos(tl, sizeof tl, &n, 1);
    len = mk_req(q, STAMP_MODE_AUTH, 0, tl, n);
    stamp_tlv_hmac_sign(&k, q, len, STAMP_AUTH_BASE_LEN, 0);
    stamp_hmac_compute(&k, q, len, q + STAMP_AUTH_HMAC_OFF);
    reflect(q, len, &m, 2048);
    assert_int_equal(rep[STAMP_AUTH_BASE_LEN + 20], STAMP_TLV_U | STAMP_TLV_I);
}

static void test_reflector_dest_addr_and_return_path(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    struct ippm_rx_meta m = meta4(0);
    uint8_t tl[128], q[2048];
    size_t n = 0;
    stamp_tlv_put_dest_addr(tl, sizeof tl, &n, &m.local);
    struct ippm_addr other = {IPPM_AF_INET, {203, 0, 113, 5}, 0, 0};
    stamp_tlv_put_dest_addr(tl, sizeof tl, &n, &other);
    struct stamp_return_path rp = {.addr = other};
    stamp_tlv_put_return_path(tl, sizeof tl, &n, &rp);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    struct ippm_action a = reflect(q, len, &m, 2048);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(rtlv(B, 0).flags, 0);
    assert_int_equal(rtlv(B, 1).flags, STAMP_TLV_U);
    struct stamp_tlv t = rtlv(B, 2);
    assert_int_equal(t.flags, STAMP_TLV_U); /* cannot follow it */
    assert_int_equal(t.value[0], STAMP_TLV_U);
    /* Control code 0: no reply at all. */
    n = 0;
    struct stamp_return_path none = {.has_control = true, .control = 0};
    stamp_tlv_put_return_path(tl, sizeof tl, &n, &none);
    len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    a = reflect(q, len, &m, 2048);
    assert_int_equal(a.kind, IPPM_ACT_DROP);
    assert_int_equal(a.why, STAMP_ERR_NO_REPLY);
    /* An SRv6 list of 20 octets is malformed. */
    n = 0;
    uint8_t sub[24] = {STAMP_TLV_U, STAMP_RP_SRV6, 0, 20};
    stamp_tlv_put(tl, sizeof tl, &n, STAMP_TLV_U, STAMP_TLV_RETURN_PATH, sub,
                  24);
    len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    a = reflect(q, len, &m, 2048);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(rep[B], STAMP_TLV_U | STAMP_TLV_M);
}

static void test_reflector_micro_session(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    struct ippm_rx_meta m = meta4(0);
    uint8_t tl[16], q[2048];
    size_t n = 0;
    stamp_tlv_put_micro_session(tl, sizeof tl, &n, 0x0a0b, 0);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    struct ippm_action a = reflect(q, len, &m, 2048);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    uint16_t sid, rid;
    struct stamp_tlv t = rtlv(B, 0);
    assert_int_equal(stamp_tlv_micro_decode(&t, &sid, &rid), IPPM_OK);
    assert_int_equal(sid, 0x0a0b);
    assert_int_equal(rid, 0x0102);
    n = 0;
    stamp_tlv_put_micro_session(tl, sizeof tl, &n, 0x0a0b, 0x0999);
    len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    a = reflect(q, len, &m, 2048);
    assert_int_equal(a.kind, IPPM_ACT_DROP);
    assert_int_equal(a.why, STAMP_ERR_MEMBER_LINK);
}

static void test_reflector_asymmetrical_capped(void **state)
{
    (void)state;
    struct stamp_reflector_config c;
    refl_init(STAMP_MODE_OPEN, false);
    c = R.cfg;
    struct ippm_rx_meta m = meta4(0);
    uint8_t tl[64], q[2048];
    size_t n = 0;
    stamp_tlv_put_refl_control(tl, sizeof tl, &n, 300, 1, 0);
    stamp_tlv_put_padding(tl, sizeof tl, &n, 20);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    /* No cap configured: never larger than the request; C = 1. */
    struct ippm_action a = reflect(q, len, &m, 2048);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(a.len, len);
    assert_int_equal(rtlv(B, 0).flags, STAMP_TLV_C);
    /* A cap of 512: the 300 asked for, padding last. */
    c.max_reply_len = 512;
    stamp_reflector_init(&R, &c);
    a = reflect(q, len, &m, 2048);
    assert_int_equal(a.len, 300);
    assert_int_equal(rtlv(B, 0).flags, 0);
    assert_int_equal(rtlv(B, 1).type, STAMP_TLV_PADDING);
    assert_int_equal(rtlv(B, 1).len, 300 - B - 16 - 4);
    /* Smaller than the request: padding shrinks (rule a). */
    n = 0;
    stamp_tlv_put_refl_control(tl, sizeof tl, &n, 50, 1, 0);
    stamp_tlv_put_padding(tl, sizeof tl, &n, 40);
    len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    a = reflect(q, len, &m, 2048);
    assert_int_equal(a.len, 60); /* base + control TLV */
    /* Count 0: nothing sent. */
    n = 0;
    stamp_tlv_put_refl_control(tl, sizeof tl, &n, 50, 0, 0);
    len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    a = reflect(q, len, &m, 2048);
    assert_int_equal(a.kind, IPPM_ACT_DROP);
    assert_int_equal(a.why, STAMP_ERR_NO_REPLY);
    /* Count 3: one reply, C = 1. */
    n = 0;
    stamp_tlv_put_refl_control(tl, sizeof tl, &n, 50, 3, 0);
    len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    a = reflect(q, len, &m, 2048);
    assert_int_equal(rtlv(B, 0).flags, STAMP_TLV_C);
    /* A tx too small for the asked length: dropped, not truncated. */
    c.max_reply_len = 2000;
    stamp_reflector_init(&R, &c);
    n = 0;
    stamp_tlv_put_refl_control(tl, sizeof tl, &n, 1000, 1, 0);
    len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    a = reflect(q, len, &m, 500);
    assert_int_equal(a.kind, IPPM_ACT_DROP);
    assert_int_equal(a.why, IPPM_ERR_NOSPACE);
}

/* RFC 8972 §4.7 with the kernel's transmit time: the driver hands it back
 * by the SEND's reference, and the next Follow-Up reports it (and whether
 * hardware took it); a time for another reply is ignored. */
static void test_reflector_followup_kernel_tx_time(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, true);
    struct ippm_rx_meta m = meta4(0);
    uint8_t tl[64], q[2048];
    size_t n = 0;
    stamp_tlv_put_followup(tl, sizeof tl, &n);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    struct ippm_action a = reflect(q, len, &m, 2048);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    struct stamp_tx_ref ref = stamp_reflector_last_tx(&R);
    assert_true(ref.valid);
    assert_int_equal(ref.seq, 0);
    uint64_t ts0 = ippm_load_u64(rep + 4);
    uint64_t sent_ns = ippm_ns_from_ntp(ts0) + 7000; /* 7 us later */
    /* A transmit timestamp for another reply (wrong number) changes nothing ... */
    struct stamp_tx_ref other = ref;
    other.seq = 5;
    stamp_reflector_tx_time(&R, other, sent_ns + 1000, STAMP_TSM_HW);
    /* ... this one's does. */
    stamp_reflector_tx_time(&R, ref, sent_ns, STAMP_TSM_HW);
    reflect(q, len, &m, 2048);
    struct stamp_tlv_followup fu;
    struct stamp_tlv t = rtlv(B, 0);
    assert_int_equal(stamp_tlv_followup_decode(&t, &fu), IPPM_OK);
    assert_int_equal(fu.seq, 0);
    assert_true(fu.ts == ippm_ntp_from_ns(sent_ns));
    assert_true(fu.ts != ts0);
    assert_int_equal(fu.mode, STAMP_TSM_HW);
    /* No time for reply 1: the next Follow-Up falls back to its
     * Timestamp field, software. */
    uint64_t ts1 = ippm_load_u64(rep + 4);
    reflect(q, len, &m, 2048);
    t = rtlv(B, 0);
    assert_int_equal(stamp_tlv_followup_decode(&t, &fu), IPPM_OK);
    assert_int_equal(fu.seq, 1);
    assert_true(fu.ts == ts1);
    assert_int_equal(fu.mode, STAMP_TSM_SW);
    /* A request without a Follow-Up TLV: no one will ask when its reply
     * left. */
    size_t plain = mk_req(q, STAMP_MODE_OPEN, 0, NULL, 0);
    reflect(q, plain, &m, 2048);
    assert_false(stamp_reflector_last_tx(&R).valid);
    /* A stateless reflector has no reference to give. */
    refl_init(STAMP_MODE_OPEN, false);
    reflect(q, len, &m, 2048);
    assert_false(stamp_reflector_last_tx(&R).valid);
    stamp_reflector_tx_time(&R, ref, sent_ns, STAMP_TSM_HW); /* no-op */
}

static void test_reflector_followup_stateful(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, true);
    struct ippm_rx_meta m = meta4(0);
    uint8_t tl[64], q[2048];
    size_t n = 0;
    stamp_tlv_put_followup(tl, sizeof tl, &n);
    stamp_tlv_put_direct(tl, sizeof tl, &n, 1);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    struct ippm_action a = reflect(q, len, &m, 2048);
    assert_int_equal(a.why, IPPM_OK);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    struct stamp_tlv_followup fu;
    struct stamp_tlv t = rtlv(B, 0);
    assert_int_equal(stamp_tlv_followup_decode(&t, &fu), IPPM_OK);
    assert_int_equal(fu.ts, 0); /* nothing sent before */
    uint64_t ts0 = ippm_load_u64(rep + 4);
    reflect(q, len, &m, 2048);
    t = rtlv(B, 0);
    assert_int_equal(stamp_tlv_followup_decode(&t, &fu), IPPM_OK);
    assert_int_equal(fu.seq, 0);
    assert_int_equal(fu.ts, ts0);
    assert_int_equal(fu.mode, STAMP_TSM_SW);
    struct stamp_tlv_direct dm;
    t = rtlv(B, 1);
    assert_int_equal(stamp_tlv_direct_decode(&t, &dm), IPPM_OK);
    assert_int_equal(dm.r_rxc, 2);
    assert_int_equal(dm.r_txc, 2);
    /* Bad length: M, Sequence Number and Timestamp zeroed. */
    n = 0;
    stamp_tlv_put(tl, sizeof tl, &n, STAMP_TLV_U, STAMP_TLV_FOLLOWUP,
                  "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    reflect(q, len, &m, 2048);
    assert_int_equal(rep[B], STAMP_TLV_U | STAMP_TLV_M);
}

static void test_reflector_ber_counts_and_repairs(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    struct ippm_rx_meta m = meta4(0);
    static const uint8_t pat[2] = {0xaa, 0x55};
    uint8_t tl[128], q[2048];
    size_t n = 0;
    stamp_tlv_put_ber_pattern(tl, sizeof tl, &n, pat, 2);
    stamp_tlv_put_ber_count(tl, sizeof tl, &n);
    stamp_tlv_put_ber_burst(tl, sizeof tl, &n);
    size_t pad = n;
    stamp_tlv_put_ber_padding(tl, sizeof tl, &n, pat, 2, 32);
    tl[pad + 4 + 3] ^= 0x07; /* three adjacent bit errors */
    tl[pad + 4 + 20] ^= 0x80;
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    reflect(q, len, &m, 2048);
    assert_int_equal(ippm_load_u32(rtlv(B, 1).value), 4);
    assert_int_equal(ippm_load_u32(rtlv(B, 2).value), 3);
    struct stamp_tlv t = rtlv(B, 3);
    for (size_t i = 0; i < t.len; i++)
        assert_int_equal(t.value[i], pat[i % 2]);
}

static void test_reflector_ext_hdr_unprocessed(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    struct ippm_rx_meta m = meta4(0);
    uint8_t tl[64], q[2048];
    size_t n = 0;
    stamp_tlv_put(tl, sizeof tl, &n, STAMP_TLV_U, STAMP_TLV_IP_HDR, NULL, 24);
    stamp_tlv_put(tl, sizeof tl, &n, STAMP_TLV_U, STAMP_TLV_EXT_HDR, NULL, 12);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    reflect(q, len, &m, 2048);
    assert_int_equal(rep_len, len);
    assert_int_equal(rtlv(B, 0).flags, STAMP_TLV_U);
    assert_int_equal(rtlv(B, 1).flags, STAMP_TLV_U);
}

/* draft-ietf-ippm-stamp-ext-hdr-07 §3: a Hop-by-Hop header of PadN and
 * a Destination Options header, as impl/core/net.c hands them over. */
static const uint8_t hbh[8] = {60, 0, 1, 4, 0, 0, 0, 0};
static const uint8_t dst[16] = {17, 1, 0x1e, 10, 'i', 'p', 'p', 'm',
                                '-', 's', 't', 'a', 'm', 'p', 1, 0};

static struct ippm_rx_meta meta6_ext(size_t n_hdrs)
{
    struct ippm_rx_meta m = meta4(0);
    m.peer.family = m.local.family = IPPM_AF_INET6;
    m.n_ext_hdrs = (uint8_t)n_hdrs;
    m.ext_hdrs[0] = (struct ippm_rx_ext_hdr){hbh, sizeof hbh, 0};
    m.ext_hdrs[1] = (struct ippm_rx_ext_hdr){dst, sizeof dst, 60};
    return m;
}

/* Each type-246 TLV in turn gets the next header received, whole, the
 * rest of its value zeroed, U = 0; type 247 still cannot be. */
static void test_reflector_ext_hdr_filled_from_meta(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    struct ippm_rx_meta m = meta6_ext(2);
    uint8_t tl[128], q[2048], ones[24];
    memset(ones, 0xee, sizeof ones);
    size_t n = 0;
    stamp_tlv_put(tl, sizeof tl, &n, 0, STAMP_TLV_EXT_HDR, NULL, 8);
    stamp_tlv_put(tl, sizeof tl, &n, 0, STAMP_TLV_EXT_HDR, ones, 24);
    stamp_tlv_put(tl, sizeof tl, &n, 0, STAMP_TLV_IP_HDR, NULL, 40);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    reflect(q, len, &m, 2048);
    assert_int_equal(rep_len, len);
    assert_int_equal(rtlv(B, 0).flags, 0);
    assert_int_equal(rtlv(B, 0).len, 8);
    assert_memory_equal(rtlv(B, 0).value, hbh, sizeof hbh);
    assert_int_equal(rtlv(B, 1).flags, 0);
    assert_int_equal(rtlv(B, 1).len, 24);
    assert_memory_equal(rtlv(B, 1).value, dst, sizeof dst);
    for (size_t i = sizeof dst; i < 24; i++)
        assert_int_equal(rtlv(B, 1).value[i], 0);
    assert_int_equal(rtlv(B, 2).flags, STAMP_TLV_U);
}

/* No header received (none sent, or IPv4): U = 1, the value as sent. */
static void test_reflector_ext_hdr_absent_says_u(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    struct ippm_rx_meta m = meta6_ext(1);
    uint8_t tl[64], q[2048], ones[16];
    memset(ones, 0xee, sizeof ones);
    size_t n = 0;
    stamp_tlv_put(tl, sizeof tl, &n, 0, STAMP_TLV_EXT_HDR, NULL, 8);
    stamp_tlv_put(tl, sizeof tl, &n, 0, STAMP_TLV_EXT_HDR, ones, 16);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    reflect(q, len, &m, 2048);
    assert_int_equal(rtlv(B, 0).flags, 0); /* the one header */
    assert_int_equal(rtlv(B, 1).flags, STAMP_TLV_U);
    assert_memory_equal(rtlv(B, 1).value, ones, sizeof ones);
    struct ippm_rx_meta v4 = meta4(0);
    reflect(q, len, &v4, 2048);
    assert_int_equal(rtlv(B, 0).flags, STAMP_TLV_U);
    assert_int_equal(rtlv(B, 1).flags, STAMP_TLV_U);
}

/* A header longer than the TLV is never cut: U = 1, value as sent; the
 * next TLV still gets the next header. */
static void test_reflector_ext_hdr_too_long_says_u(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    struct ippm_rx_meta m = meta6_ext(2);
    uint8_t tl[64], q[2048], ones[8];
    memset(ones, 0xee, sizeof ones);
    size_t n = 0;
    stamp_tlv_put(tl, sizeof tl, &n, 0, STAMP_TLV_EXT_HDR, ones, 4);
    stamp_tlv_put(tl, sizeof tl, &n, 0, STAMP_TLV_EXT_HDR, ones, 8);
    stamp_tlv_put(tl, sizeof tl, &n, 0, STAMP_TLV_EXT_HDR, NULL, 16);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    reflect(q, len, &m, 2048);
    assert_int_equal(rtlv(B, 0).flags, STAMP_TLV_U);
    assert_memory_equal(rtlv(B, 0).value, ones, 4);
    assert_int_equal(rtlv(B, 1).flags, STAMP_TLV_U); /* 16 > 8 */
    assert_memory_equal(rtlv(B, 1).value, ones, 8);
    assert_int_equal(rtlv(B, 2).flags, STAMP_TLV_U); /* no third */
}

static void test_reflector_tlv_off_copies(void **state)
{
    (void)state;
    refl_init(STAMP_MODE_OPEN, false);
    struct stamp_reflector_config c = R.cfg;
    c.tlv = false;
    stamp_reflector_init(&R, &c);
    struct ippm_rx_meta m = meta4(0);
    uint8_t tl[16], q[2048];
    size_t n = 0;
    stamp_tlv_put_cos(tl, sizeof tl, &n, 46);
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, tl, n);
    struct ippm_action a = reflect(q, len, &m, 2048);
    assert_memory_equal(rep + B, tl, n);
    assert_int_equal(a.tos, -1);
}

/* Caller storage: many sessions, each its own counter, hashed by the
 * 4-tuple and the SSID. */
static void test_reflector_caller_session_storage(void **state)
{
    (void)state;
    static uint64_t store[STAMP_REFLECTOR_STORE_SIZE(1000) / 8];
    refl_init(STAMP_MODE_OPEN, true);
    struct stamp_reflector_config c = R.cfg;
    c.session_timeout_ns = 10 * NS;
    stamp_reflector_init(&R, &c);
    assert_int_equal(stamp_reflector_set_sessions(&R, NULL, sizeof store, 5),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(
        stamp_reflector_set_sessions(&R, store, sizeof store - 1, 1000),
        IPPM_ERR_BAD_ARG);
    assert_int_equal(
        stamp_reflector_store_size(STAMP_REFLECTOR_SESSIONS_MAX + 1), 0);
    assert_int_equal(
        stamp_reflector_set_sessions(&R, store, sizeof store, 1000), IPPM_OK);
    uint8_t q[2048];
    size_t len = mk_req(q, STAMP_MODE_OPEN, 0, NULL, 0);
    struct ippm_rx_meta m = meta4(0);
    for (int round = 0; round < 2; round++)
        for (uint32_t i = 0; i < 1000; i++) {
            m.peer.port = (uint16_t)(20000 + i / 2);
            ippm_store_u16(q + STAMP_OPEN_SSID_OFF, (uint16_t)(i % 2));
            struct ippm_action a = reflect(q, len, &m, 2048);
            assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
            assert_int_equal(ippm_load_u32(rep), (uint32_t)round);
        }
    assert_int_equal(R.sessions_used, 1000);
    /* Full: a new session evicts the least recently used one (port
     * 20000, SSID 0), which comes back as a new session. */
    m.peer.port = 30000;
    struct ippm_action a = reflect(q, len, &m, 2048);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(ippm_load_u32(rep), 0);
    assert_int_equal(R.counters.sessions_evicted, 1);
    assert_int_equal(R.sessions_used, 1000);
    m.peer.port = 20000;
    ippm_store_u16(q + STAMP_OPEN_SSID_OFF, 0);
    a = reflect(q, len, &m, 2048);
    assert_int_equal(ippm_load_u32(rep), 0);
    ippm_store_u16(q + STAMP_OPEN_SSID_OFF, 1);
    a = reflect(q, len, &m, 2048);
    assert_int_equal(ippm_load_u32(rep), 0); /* evicted by the one above */
}

/* ---- the Session-Sender ---- */

static void test_sender_tlvs_filled_and_replies_read(void **state)
{
    (void)state;
    static struct stamp_sender S;
    static struct stamp_result res[4];
    uint8_t tl[64];
    size_t n = 0;
    stamp_tlv_put_direct(tl, sizeof tl, &n, 0);
    stamp_tlv_put_cos(tl, sizeof tl, &n, 46);
    size_t h = n;
    stamp_tlv_put_hmac(tl, sizeof tl, &n);
    struct stamp_sender_config sc;
    memset(&sc, 0, sizeof sc);
    sc.mode = STAMP_MODE_OPEN;
    sc.pkt_len = B + n + 10;
    sc.count = 2;
    sc.interval_ns = MS;
    sc.wait_ns = MS;
    sc.start_ns = T0;
    sc.key = key();
    sc.tlvs = tl;
    sc.tlvs_len = n;
    assert_int_equal(stamp_sender_init(&S, &sc, res, 4), IPPM_OK);
    uint8_t tx[256];
    struct ippm_event ev = {IPPM_EV_TIMER, T0, NULL, 0, NULL};
    struct ippm_action a;
    assert_int_equal(stamp_sender_handle(&S, &ev, tx, sizeof tx, &a), IPPM_OK);
    assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(a.len, sc.pkt_len);
    assert_int_equal(ippm_load_u32(tx + B + 4), 1); /* S_TxC */
    assert_int_equal(stamp_tlv_hmac_check(&sc.key, tx, a.len, B, h), IPPM_OK);
    assert_int_equal(tx[B + n + 1], STAMP_TLV_PADDING);
    assert_int_equal(ippm_load_u16(tx + B + n + 2), 6);
    /* Through a reflector that verifies with the same key. */
    refl_init(STAMP_MODE_OPEN, false);
    struct ippm_rx_meta m = meta4(0);
    reflect(tx, a.len, &m, 2048);
    assert_int_equal(rep[B + h], 0);
    struct ippm_event rx = {IPPM_EV_DATAGRAM, T0 + MS, rep, rep_len, &m};
    assert_int_equal(stamp_sender_handle(&S, &rx, tx, sizeof tx, &a), IPPM_OK);
    assert_int_equal(a.kind, IPPM_ACT_NONE);
    assert_int_equal(a.view_len, rep_len - B);
    assert_int_equal(res[0].tlv_status, STAMP_TLVS_OK);
    /* Too little room after the TLVs for a padding TLV. */
    sc.pkt_len = B + n + 2;
    assert_int_equal(stamp_sender_init(&S, &sc, res, 4), IPPM_ERR_BAD_ARG);
}

/* RFC 9534 §3.2: a reply for another member link is discarded. */
static void test_sender_micro_session_validated(void **state)
{
    (void)state;
    static struct stamp_sender S;
    static struct stamp_result res[4];
    uint8_t tl[16];
    size_t n = 0;
    stamp_tlv_put_micro_session(tl, sizeof tl, &n, 7, 0x0102);
    struct stamp_sender_config sc;
    memset(&sc, 0, sizeof sc);
    sc.mode = STAMP_MODE_OPEN;
    sc.pkt_len = B + n;
    sc.count = 2;
    sc.interval_ns = MS;
    sc.wait_ns = MS;
    sc.start_ns = T0;
    sc.tlvs = tl;
    sc.tlvs_len = n;
    assert_int_equal(stamp_sender_init(&S, &sc, res, 4), IPPM_OK);
    uint8_t tx[128];
    struct ippm_event ev = {IPPM_EV_TIMER, T0, NULL, 0, NULL};
    struct ippm_action a;
    stamp_sender_handle(&S, &ev, tx, sizeof tx, &a);
    refl_init(STAMP_MODE_OPEN, false); /* member link 0x0102 */
    struct ippm_rx_meta m = meta4(0);
    reflect(tx, a.len, &m, 2048);
    /* The reply names another sender link: discarded. */
    rep[B + 5] ^= 1;
    struct ippm_event rx = {IPPM_EV_DATAGRAM, T0 + MS, rep, rep_len, &m};
    stamp_sender_handle(&S, &rx, tx, sizeof tx, &a);
    assert_int_equal(a.kind, IPPM_ACT_DROP);
    assert_int_equal(a.why, STAMP_ERR_MEMBER_LINK);
    rep[B + 5] ^= 1;
    stamp_sender_handle(&S, &rx, tx, sizeof tx, &a);
    assert_int_equal(a.kind, IPPM_ACT_NONE);
    assert_int_equal(res[0].state, STAMP_RES_RECEIVED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stamp_tlv_next_walks_in_order),
        cmocka_unit_test(test_stamp_tlv_next_rejects_truncated_header),
        cmocka_unit_test(test_stamp_tlv_next_rejects_length_past_end),
        cmocka_unit_test(test_stamp_tlv_put_nospace_writes_nothing),
        cmocka_unit_test(test_stamp_tlv_codecs_round_trip),
        cmocka_unit_test(test_stamp_tlv_decoders_reject_bad_lengths),
        cmocka_unit_test(test_stamp_tlv_u32_at_reads_whole_words),
        cmocka_unit_test(test_stamp_tlv_hmac_sign_and_check),
        cmocka_unit_test(test_reflector_tlvs_in_order_with_flags),
        cmocka_unit_test(test_reflector_cos_not_permitted_sets_rp),
        cmocka_unit_test(test_reflector_location_filled),
        cmocka_unit_test(test_reflector_malformed_stops),
        cmocka_unit_test(test_reflector_zero_padding_is_plain_copy),
        cmocka_unit_test(test_reflector_hmac_tlv_open_and_auth),
        cmocka_unit_test(test_reflector_dest_addr_and_return_path),
        cmocka_unit_test(test_reflector_micro_session),
        cmocka_unit_test(test_reflector_asymmetrical_capped),
        cmocka_unit_test(test_reflector_followup_stateful),
        cmocka_unit_test(test_reflector_followup_kernel_tx_time),
        cmocka_unit_test(test_reflector_ber_counts_and_repairs),
        cmocka_unit_test(test_reflector_ext_hdr_unprocessed),
        cmocka_unit_test(test_reflector_ext_hdr_filled_from_meta),
        cmocka_unit_test(test_reflector_ext_hdr_absent_says_u),
        cmocka_unit_test(test_reflector_ext_hdr_too_long_says_u),
        cmocka_unit_test(test_reflector_tlv_off_copies),
        cmocka_unit_test(test_reflector_caller_session_storage),
        cmocka_unit_test(test_sender_tlvs_filled_and_replies_read),
        cmocka_unit_test(test_sender_micro_session_validated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
