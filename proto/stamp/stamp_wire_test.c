/* Unit tests of stamp_wire.c, written from stamp.h and RFC 8762 §4.2-4.4
 * (Figures 2, 4, 5, 6) with the SSID of RFC 8972 §3. Packets are built and
 * read here by hand, at the RFC's offsets, so the codec is checked against
 * the RFC rather than against itself. Every decode input ends flush
 * against a PROT_NONE page. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../common/ippm_cur.h"
#include "testsupport/fake_crypto.h"
#include "stamp.h"

#define OPEN STAMP_MODE_OPEN
#define AUTH STAMP_MODE_AUTH

/* ---- the RFC's layouts ---- */

struct layout {
    size_t seq, ts, errest, ssid, rx_ts, ss_seq, ss_ts, ss_errest, ttl;
};

/* RFC 8762 Figure 2 / RFC 8972 §3 Figure 1. */
static const struct layout SND_OPEN = {0, 4, 12, 14, 0, 0, 0, 0, 0};
/* Figure 4 / RFC 8972 Figure 3. */
static const struct layout SND_AUTH = {0, 16, 24, 26, 0, 0, 0, 0, 0};
/* Figure 5 / RFC 8972 Figure 2. */
static const struct layout REF_OPEN = {0, 4, 12, 14, 16, 24, 28, 36, 40};
/* Figure 6 / RFC 8972 Figure 4. */
static const struct layout REF_AUTH = {0, 16, 24, 26, 32, 48, 64, 72, 80};

static bool in(size_t i, size_t lo, size_t hi)
{
    return i >= lo && i <= hi;
}

/* MBZ octets of the base packet (the SSID is not MBZ, RFC 8972 §3). */
static bool sender_mbz(enum stamp_mode m, size_t i)
{
    if (m == OPEN)
        return in(i, 16, 43);
    return in(i, 4, 15) || in(i, 28, 95);
}

static bool reflector_mbz(enum stamp_mode m, size_t i)
{
    if (m == OPEN)
        return in(i, 38, 39) || in(i, 41, 43);
    return in(i, 4, 15) || in(i, 28, 31) || in(i, 40, 47) ||
           in(i, 52, 63) || in(i, 74, 79) || in(i, 81, 95);
}

static void put_sender(uint8_t *b, enum stamp_mode m, uint32_t seq,
                       uint64_t ts, uint16_t errest, uint16_t ssid)
{
    const struct layout *l = m == OPEN ? &SND_OPEN : &SND_AUTH;
    ippm_store_u32(b + l->seq, seq);
    ippm_store_u64(b + l->ts, ts);
    ippm_store_u16(b + l->errest, errest);
    ippm_store_u16(b + l->ssid, ssid);
}

struct rfields {
    uint32_t seq;
    uint64_t ts;
    uint16_t errest, ssid;
    uint64_t rx_ts;
    uint32_t ss_seq;
    uint64_t ss_ts;
    uint16_t ss_errest;
    uint8_t ttl;
};

static const struct rfields RF = {
    0x01020304u, 0x1112131415161718ull, 0x2122, 0x3132,
    0x4142434445464748ull, 0x51525354u, 0x6162636465666768ull, 0x7172, 0x81,
};

static void put_reflector(uint8_t *b, enum stamp_mode m,
                          const struct rfields *f)
{
    const struct layout *l = m == OPEN ? &REF_OPEN : &REF_AUTH;
    ippm_store_u32(b + l->seq, f->seq);
    ippm_store_u64(b + l->ts, f->ts);
    ippm_store_u16(b + l->errest, f->errest);
    ippm_store_u16(b + l->ssid, f->ssid);
    ippm_store_u64(b + l->rx_ts, f->rx_ts);
    ippm_store_u32(b + l->ss_seq, f->ss_seq);
    ippm_store_u64(b + l->ss_ts, f->ss_ts);
    ippm_store_u16(b + l->ss_errest, f->ss_errest);
    b[l->ttl] = f->ttl;
}

static void assert_reflector_fields(const struct stamp_reflector_pkt *p,
                                    const struct rfields *f)
{
    assert_int_equal(p->seq, f->seq);
    assert_int_equal(p->ts, f->ts);
    assert_int_equal(p->errest, f->errest);
    assert_int_equal(p->ssid, f->ssid);
    assert_int_equal(p->rx_ts, f->rx_ts);
    assert_int_equal(p->ss_seq, f->ss_seq);
    assert_int_equal(p->ss_ts, f->ss_ts);
    assert_int_equal(p->ss_errest, f->ss_errest);
    assert_int_equal(p->ss_ttl, f->ttl);
}

/* ---- crypto ---- */

static const uint8_t KEY[32] = {
    0x4b, 0x65, 0x79, 0x20, 0x66, 0x6f, 0x72, 0x20, 0x53, 0x54, 0x41,
    0x4d, 0x50, 0x20, 0x74, 0x65, 0x73, 0x74, 0x73, 0x2c, 0x20, 0x33,
    0x32, 0x20, 0x6f, 0x63, 0x74, 0x65, 0x74, 0x73, 0x2e, 0x0a,
};
static const uint8_t KEY2[32] = {0x01};

static struct fake_crypto_ctx fctx;
static struct ippm_crypto fcrypto;

static struct ippm_hmac_key make_key(const uint8_t *k, size_t len)
{
    fcrypto = fake_crypto_make(&fctx);
    return fake_crypto_key(&fcrypto, k, len);
}

/* The first 16 octets of HMAC-SHA-256 over the first 96 (RFC 8762 §4.4). */
static void ref_stamp_hmac(const uint8_t *k, size_t klen, const uint8_t *pkt,
                           uint8_t out[16])
{
    uint8_t full[32];
    ref_hmac_sha256(k, klen, pkt, 96, full);
    memcpy(out, full, 16);
}

/* ---- helpers around the guard ---- */

static enum ippm_err dec_sender(struct stamp_sender_pkt *out,
                                struct ippm_guard *g, const uint8_t *src,
                                size_t len, enum stamp_mode m)
{
    const uint8_t *p = ippm_guard_copy(g, src, len);
    memset(out, 0, sizeof *out);
    return stamp_sender_pkt_decode(out, p, len, m);
}

static enum ippm_err dec_reflector(struct stamp_reflector_pkt *out,
                                   struct ippm_guard *g, const uint8_t *src,
                                   size_t len, enum stamp_mode m)
{
    const uint8_t *p = ippm_guard_copy(g, src, len);
    memset(out, 0, sizeof *out);
    return stamp_reflector_pkt_decode(out, p, len, m);
}

static uint8_t buf_a[2048], buf_b[2048];

/* ---- the exported layout table against the figures above ---- */

static void check_layout(enum stamp_pkt_kind kind, enum stamp_mode m,
                         const struct layout *want)
{
    const struct stamp_layout *l = stamp_layout_get(kind, m);
    uint8_t cover[STAMP_AUTH_BASE_LEN] = {0};
    assert_int_equal(l->kind, kind);
    assert_int_equal(l->mode, m);
    assert_int_equal(l->base_len, stamp_base_len(m));
    assert_int_equal(l->field[STAMP_F_SEQ].off, want->seq);
    assert_int_equal(l->field[STAMP_F_TS].off, want->ts);
    assert_int_equal(l->field[STAMP_F_ERREST].off, want->errest);
    assert_int_equal(l->field[STAMP_F_SSID].off, want->ssid);
    if (kind == STAMP_PKT_REFLECTOR) {
        assert_int_equal(l->field[STAMP_F_RX_TS].off, want->rx_ts);
        assert_int_equal(l->field[STAMP_F_SS_SEQ].off, want->ss_seq);
        assert_int_equal(l->field[STAMP_F_SS_TS].off, want->ss_ts);
        assert_int_equal(l->field[STAMP_F_SS_ERREST].off, want->ss_errest);
        assert_int_equal(l->field[STAMP_F_SS_TTL].off, want->ttl);
    } else {
        assert_int_equal(l->field[STAMP_F_RX_TS].len, 0);
        assert_int_equal(l->field[STAMP_F_SS_TTL].len, 0);
    }
    /* every octet of the base is one field or one MBZ octet, once */
    for (size_t f = 0; f < STAMP_F_COUNT_; f++)
        for (size_t i = 0; i < l->field[f].len; i++)
            cover[l->field[f].off + i]++;
    for (size_t r = 0; r < l->n_mbz; r++)
        for (size_t i = 0; i < l->mbz[r].len; i++) {
            size_t o = l->mbz[r].off + i;
            assert_true(kind == STAMP_PKT_SENDER ? sender_mbz(m, o)
                                                 : reflector_mbz(m, o));
            cover[o]++;
        }
    for (size_t i = 0; i < l->base_len; i++)
        assert_int_equal(cover[i], 1);
}

static void test_stamp_layout_matches_the_figures(void **state)
{
    (void)state;
    check_layout(STAMP_PKT_SENDER, OPEN, &SND_OPEN);
    check_layout(STAMP_PKT_SENDER, AUTH, &SND_AUTH);
    check_layout(STAMP_PKT_REFLECTOR, OPEN, &REF_OPEN);
    check_layout(STAMP_PKT_REFLECTOR, AUTH, &REF_AUTH);
}

static void test_stamp_layout_find_by_name(void **state)
{
    (void)state;
    const struct stamp_layout *l =
        stamp_layout_get(STAMP_PKT_REFLECTOR, AUTH);
    struct stamp_span sp;
    assert_int_equal(stamp_layout_find(l, "ss-ts", 5, &sp), IPPM_OK);
    assert_int_equal(sp.off, 64);
    assert_int_equal(sp.len, 8);
    assert_int_equal(stamp_layout_find(l, "hmac", 4, &sp), IPPM_OK);
    assert_int_equal(sp.off, STAMP_AUTH_HMAC_OFF);
    assert_int_equal(stamp_layout_find(l, "mbz", 3, &sp), IPPM_OK);
    assert_int_equal(sp.off, 4);
    /* a prefix is not a name; the open sender has no HMAC */
    assert_int_equal(stamp_layout_find(l, "ss", 2, &sp), IPPM_ERR_BAD_ARG);
    l = stamp_layout_get(STAMP_PKT_SENDER, OPEN);
    assert_int_equal(stamp_layout_find(l, "hmac", 4, &sp), IPPM_ERR_BAD_ARG);
    assert_int_equal(stamp_layout_find(l, "rx-ts", 5, &sp), IPPM_ERR_BAD_ARG);
}

/* RFC 5357 §4.1.2 and §4.2.1, unauthenticated: STAMP's open offsets,
 * 14 and 41 octets, MBZ where STAMP has the SSID. */
static void test_stamp_layout_twamp_light(void **state)
{
    (void)state;
    const struct stamp_layout *r = stamp_layout_twamp_light(STAMP_PKT_REFLECTOR);
    const struct stamp_layout *s = stamp_layout_twamp_light(STAMP_PKT_SENDER);
    uint8_t cover[STAMP_TWL_REFLECTOR_LEN] = {0};
    assert_int_equal(STAMP_TWL_REFLECTOR_LEN, 41);
    assert_int_equal(r->kind, STAMP_PKT_REFLECTOR);
    assert_int_equal(r->base_len, 41);
    assert_int_equal(s->kind, STAMP_PKT_SENDER);
    assert_int_equal(s->base_len, 14);
    assert_int_equal(r->field[STAMP_F_SSID].len, 0);
    assert_int_equal(s->field[STAMP_F_SSID].len, 0);
    assert_int_equal(r->field[STAMP_F_RX_TS].off, REF_OPEN.rx_ts);
    assert_int_equal(r->field[STAMP_F_SS_SEQ].off, REF_OPEN.ss_seq);
    assert_int_equal(r->field[STAMP_F_SS_TS].off, REF_OPEN.ss_ts);
    assert_int_equal(r->field[STAMP_F_SS_ERREST].off, REF_OPEN.ss_errest);
    assert_int_equal(r->field[STAMP_F_SS_TTL].off, REF_OPEN.ttl);
    assert_int_equal(s->field[STAMP_F_ERREST].off, SND_OPEN.errest);
    /* every octet of the 41 is one field or one MBZ octet, once */
    for (size_t f = 0; f < STAMP_F_COUNT_; f++)
        for (size_t i = 0; i < r->field[f].len; i++)
            cover[r->field[f].off + i]++;
    for (size_t k = 0; k < r->n_mbz; k++)
        for (size_t i = 0; i < r->mbz[k].len; i++)
            cover[r->mbz[k].off + i]++;
    for (size_t i = 0; i < sizeof cover; i++)
        assert_int_equal(cover[i], 1);
    struct stamp_span sp;
    assert_int_equal(stamp_layout_find(r, "mbz", 3, &sp), IPPM_OK);
    assert_int_equal(sp.off, 14);
    assert_int_equal(stamp_layout_find(r, "ssid", 4, &sp), IPPM_ERR_BAD_ARG);
}

/* The shortest measurable reply ends with the Session-Sender Sequence
 * Number, after both reflector timestamps (RFC 8762 Figure 5). */
static void test_stamp_reply_min_len_is_the_end_of_ss_seq(void **state)
{
    (void)state;
    const struct stamp_layout *l = stamp_layout_get(STAMP_PKT_REFLECTOR, OPEN);
    static const enum stamp_field need[] = {STAMP_F_SEQ, STAMP_F_TS,
                                            STAMP_F_ERREST, STAMP_F_RX_TS,
                                            STAMP_F_SS_SEQ};
    size_t end = 0;
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        size_t e = (size_t)l->field[need[i]].off + l->field[need[i]].len;
        end = e > end ? e : end;
    }
    assert_int_equal(STAMP_REPLY_MIN_LEN, end);
    assert_int_equal(STAMP_REPLY_MIN_LEN, 28);
}

/* ---- constants ---- */

static void test_stamp_base_len(void **state)
{
    (void)state;
    assert_int_equal(stamp_base_len(OPEN), 44);
    assert_int_equal(stamp_base_len(AUTH), 112);
    assert_int_equal(STAMP_BASE_LEN, 44);
    assert_int_equal(STAMP_AUTH_BASE_LEN, 112);
    assert_int_equal(STAMP_OPEN_SSID_OFF, 14);
    assert_int_equal(STAMP_AUTH_SSID_OFF, 26);
    assert_int_equal(STAMP_AUTH_HMAC_OFF, 96);
    assert_int_equal(STAMP_HMAC_SPAN, 96);
    assert_int_equal(STAMP_HMAC_LEN, 16);
    assert_int_equal(STAMP_PORT, 862);
}

/* ---- decode: lengths ---- */

static void test_stamp_sender_pkt_decode_rejects_43_octets(void **state)
{
    (void)state;
    struct stamp_sender_pkt p;
    struct ippm_guard g;
    memset(buf_a, 0, sizeof buf_a);
    for (size_t len = 0; len < 44; len++) {
        assert_int_equal(dec_sender(&p, &g, buf_a, len, OPEN),
                         IPPM_ERR_SHORT);
        ippm_guard_free(&g);
    }
}

static void test_stamp_sender_pkt_decode_rejects_111_octets_auth(void **state)
{
    (void)state;
    struct stamp_sender_pkt p;
    struct ippm_guard g;
    memset(buf_a, 0, sizeof buf_a);
    for (size_t len = 0; len < 112; len++) {
        assert_int_equal(dec_sender(&p, &g, buf_a, len, AUTH),
                         IPPM_ERR_SHORT);
        ippm_guard_free(&g);
    }
}

static void test_stamp_reflector_pkt_decode_rejects_43_octets(void **state)
{
    (void)state;
    struct stamp_reflector_pkt p;
    struct ippm_guard g;
    memset(buf_a, 0, sizeof buf_a);
    for (size_t len = 0; len < 44; len++) {
        assert_int_equal(dec_reflector(&p, &g, buf_a, len, OPEN),
                         IPPM_ERR_SHORT);
        ippm_guard_free(&g);
    }
}

static void
test_stamp_reflector_pkt_decode_rejects_111_octets_auth(void **state)
{
    (void)state;
    struct stamp_reflector_pkt p;
    struct ippm_guard g;
    memset(buf_a, 0, sizeof buf_a);
    for (size_t len = 0; len < 112; len++) {
        assert_int_equal(dec_reflector(&p, &g, buf_a, len, AUTH),
                         IPPM_ERR_SHORT);
        ippm_guard_free(&g);
    }
}

static enum ippm_err dec_prefix(struct stamp_reflector_pkt *out,
                                struct ippm_guard *g, const uint8_t *src,
                                size_t len, enum stamp_mode m, uint32_t *have)
{
    const uint8_t *p = ippm_guard_copy(g, src, len);
    memset(out, 0, sizeof *out);
    *have = 0xdeadbeefu;
    return stamp_reflector_pkt_decode_prefix(out, p, len, m, have);
}

#define BIT(f) (1u << (f))
#define HAVE_28                                                              \
    (BIT(STAMP_F_SEQ) | BIT(STAMP_F_TS) | BIT(STAMP_F_ERREST) |              \
     BIT(STAMP_F_SSID) | BIT(STAMP_F_RX_TS) | BIT(STAMP_F_SS_SEQ))

/* RFC 5357 §4.2.1: a TWAMP-Light reply is 41 octets; every field up to
 * the Ses-Sender TTL is read, and nothing past the end (guard page). */
static void test_stamp_reflector_pkt_decode_prefix_41_octets(void **state)
{
    (void)state;
    memset(buf_a, 0, 44);
    put_reflector(buf_a, OPEN, &RF);
    struct stamp_reflector_pkt p;
    struct ippm_guard g;
    uint32_t have;
    assert_int_equal(dec_prefix(&p, &g, buf_a, 41, OPEN, &have), IPPM_OK);
    assert_reflector_fields(&p, &RF);
    assert_int_equal(have, HAVE_28 | BIT(STAMP_F_SS_TS) |
                               BIT(STAMP_F_SS_ERREST) | BIT(STAMP_F_SS_TTL));
    assert_false(p.mbz_nonzero);
    assert_null(p.extra);
    assert_int_equal(p.extra_len, 0);
    ippm_guard_free(&g);
}

/* Truncated replies: each field is present once its last octet is. */
static void test_stamp_reflector_pkt_decode_prefix_truncated(void **state)
{
    (void)state;
    memset(buf_a, 0, 44);
    put_reflector(buf_a, OPEN, &RF);
    struct stamp_reflector_pkt p;
    struct ippm_guard g;
    uint32_t have;
    for (size_t len = 28; len < 41; len++) {
        assert_int_equal(dec_prefix(&p, &g, buf_a, len, OPEN, &have), IPPM_OK);
        ippm_guard_free(&g);
        assert_int_equal(p.ss_seq, RF.ss_seq);
        assert_int_equal(p.rx_ts, RF.rx_ts);
        assert_int_equal(p.ts, RF.ts);
        assert_int_equal(p.ss_ttl, 0); /* not there: zero */
        uint32_t want = HAVE_28;
        if (len >= 36)
            want |= BIT(STAMP_F_SS_TS);
        if (len >= 38)
            want |= BIT(STAMP_F_SS_ERREST);
        assert_int_equal(have, want);
        assert_int_equal(p.ss_ts, len >= 36 ? RF.ss_ts : 0);
    }
}

/* Below the copied sequence number nothing can be measured; a whole
 * packet decodes as stamp_reflector_pkt_decode; authenticated mode
 * accepts only the whole packet. */
static void test_stamp_reflector_pkt_decode_prefix_limits(void **state)
{
    (void)state;
    memset(buf_a, 0, 112);
    put_reflector(buf_a, OPEN, &RF);
    struct stamp_reflector_pkt p, p0;
    struct ippm_guard g;
    uint32_t have;
    for (size_t len = 0; len < STAMP_REPLY_MIN_LEN; len++) {
        memset(&p0, 0, sizeof p0);
        assert_int_equal(dec_prefix(&p, &g, buf_a, len, OPEN, &have),
                         IPPM_ERR_SHORT);
        assert_memory_equal(&p, &p0, sizeof p);
        assert_int_equal(have, 0xdeadbeefu);
        ippm_guard_free(&g);
    }
    assert_int_equal(dec_prefix(&p, &g, buf_a, 46, OPEN, &have), IPPM_OK);
    assert_reflector_fields(&p, &RF);
    assert_int_equal(p.extra_len, 2);
    assert_int_equal(have, HAVE_28 | BIT(STAMP_F_SS_TS) |
                               BIT(STAMP_F_SS_ERREST) | BIT(STAMP_F_SS_TTL));
    ippm_guard_free(&g);
    memset(buf_a, 0, 112);
    put_reflector(buf_a, AUTH, &RF);
    for (size_t len = 28; len < 112; len++) {
        assert_int_equal(dec_prefix(&p, &g, buf_a, len, AUTH, &have),
                         IPPM_ERR_SHORT);
        ippm_guard_free(&g);
    }
    assert_int_equal(dec_prefix(&p, &g, buf_a, 112, AUTH, &have), IPPM_OK);
    assert_reflector_fields(&p, &RF);
    assert_true(have & BIT(STAMP_F_HMAC));
    ippm_guard_free(&g);
}

static void test_stamp_pkt_decode_error_leaves_output_untouched(void **state)
{
    (void)state;
    /* STYLE.md: an error leaves the output untouched. */
    struct ippm_guard g;
    struct stamp_sender_pkt s, s0;
    struct stamp_reflector_pkt r, r0;
    memset(buf_a, 0x55, 111);
    const uint8_t *p = ippm_guard_copy(&g, buf_a, 43);
    memset(&s, 0xa5, sizeof s);
    s0 = s;
    assert_int_equal(stamp_sender_pkt_decode(&s, p, 43, OPEN), IPPM_ERR_SHORT);
    assert_memory_equal(&s, &s0, sizeof s);
    memset(&r, 0xa5, sizeof r);
    r0 = r;
    assert_int_equal(stamp_reflector_pkt_decode(&r, p, 43, OPEN),
                     IPPM_ERR_SHORT);
    assert_memory_equal(&r, &r0, sizeof r);
    ippm_guard_free(&g);
    p = ippm_guard_copy(&g, buf_a, 111);
    assert_int_equal(stamp_sender_pkt_decode(&s, p, 111, AUTH),
                     IPPM_ERR_SHORT);
    assert_memory_equal(&s, &s0, sizeof s);
    assert_int_equal(stamp_reflector_pkt_decode(&r, p, 111, AUTH),
                     IPPM_ERR_SHORT);
    assert_memory_equal(&r, &r0, sizeof r);
    ippm_guard_free(&g);
}

/* ---- decode: exact base packets ---- */

static void test_stamp_sender_pkt_decode_44_octets_open(void **state)
{
    (void)state;
    memset(buf_a, 0, 44);
    put_sender(buf_a, OPEN, 0xa1b2c3d4u, 0x0102030405060708ull, 0xc1c2,
               0xe1e2);
    struct stamp_sender_pkt p;
    struct ippm_guard g;
    assert_int_equal(dec_sender(&p, &g, buf_a, 44, OPEN), IPPM_OK);
    assert_int_equal(p.seq, 0xa1b2c3d4u);
    assert_int_equal(p.ts, 0x0102030405060708ull);
    assert_int_equal(p.errest, 0xc1c2);
    assert_int_equal(p.ssid, 0xe1e2);
    assert_false(p.mbz_nonzero);
    assert_null(p.hmac);
    assert_int_equal(p.extra_len, 0);
    ippm_guard_free(&g);
}

static void test_stamp_sender_pkt_decode_112_octets_auth(void **state)
{
    (void)state;
    memset(buf_a, 0, 112);
    put_sender(buf_a, AUTH, 0xa1b2c3d4u, 0x0102030405060708ull, 0xc1c2,
               0xe1e2);
    for (size_t i = 96; i < 112; i++)
        buf_a[i] = (uint8_t)(0xf0 + i);
    struct stamp_sender_pkt p;
    struct ippm_guard g;
    assert_int_equal(dec_sender(&p, &g, buf_a, 112, AUTH), IPPM_OK);
    assert_int_equal(p.seq, 0xa1b2c3d4u);
    assert_int_equal(p.ts, 0x0102030405060708ull);
    assert_int_equal(p.errest, 0xc1c2);
    assert_int_equal(p.ssid, 0xe1e2);
    assert_false(p.mbz_nonzero);
    assert_ptr_equal(p.hmac, g.data + 96);
    assert_int_equal(p.extra_len, 0);
    ippm_guard_free(&g);
}

static void test_stamp_reflector_pkt_decode_44_octets_open(void **state)
{
    (void)state;
    memset(buf_a, 0, 44);
    put_reflector(buf_a, OPEN, &RF);
    struct stamp_reflector_pkt p;
    struct ippm_guard g;
    assert_int_equal(dec_reflector(&p, &g, buf_a, 44, OPEN), IPPM_OK);
    assert_reflector_fields(&p, &RF);
    assert_false(p.mbz_nonzero);
    assert_null(p.hmac);
    assert_int_equal(p.extra_len, 0);
    ippm_guard_free(&g);
}

static void test_stamp_reflector_pkt_decode_112_octets_auth(void **state)
{
    (void)state;
    memset(buf_a, 0, 112);
    put_reflector(buf_a, AUTH, &RF);
    memset(buf_a + 96, 0xcc, 16);
    struct stamp_reflector_pkt p;
    struct ippm_guard g;
    assert_int_equal(dec_reflector(&p, &g, buf_a, 112, AUTH), IPPM_OK);
    assert_reflector_fields(&p, &RF);
    assert_false(p.mbz_nonzero);
    assert_ptr_equal(p.hmac, g.data + 96);
    assert_int_equal(p.extra_len, 0);
    ippm_guard_free(&g);
}

/* ---- decode: MBZ, octet by octet ---- */

static void test_stamp_sender_pkt_decode_reports_each_mbz_octet(void **state)
{
    (void)state;
    for (int m = OPEN; m <= AUTH; m++) {
        size_t base = stamp_base_len((enum stamp_mode)m);
        size_t span = m == AUTH ? 96 : base; /* the HMAC is not MBZ */
        for (size_t i = 0; i < span; i++) {
            for (int v = 0; v < 2; v++) {
                memset(buf_a, 0, base);
                buf_a[i] = v ? 0x80 : 0x01;
                struct stamp_sender_pkt p;
                struct ippm_guard g;
                assert_int_equal(
                    dec_sender(&p, &g, buf_a, base, (enum stamp_mode)m),
                    IPPM_OK);
                if (p.mbz_nonzero != sender_mbz((enum stamp_mode)m, i))
                    fail_msg("mode %d octet %zu: mbz_nonzero %d", m, i,
                             p.mbz_nonzero);
                ippm_guard_free(&g);
            }
        }
        /* Neither the HMAC field nor what follows the base is MBZ. */
        memset(buf_a, 0, base + 20);
        memset(buf_a + base, 0xff, 20);
        if (m == AUTH)
            memset(buf_a + 96, 0xff, 16);
        struct stamp_sender_pkt p;
        struct ippm_guard g;
        assert_int_equal(
            dec_sender(&p, &g, buf_a, base + 20, (enum stamp_mode)m),
            IPPM_OK);
        assert_false(p.mbz_nonzero);
        ippm_guard_free(&g);
    }
}

static void test_stamp_reflector_pkt_decode_reports_each_mbz_octet(void **state)
{
    (void)state;
    for (int m = OPEN; m <= AUTH; m++) {
        size_t base = stamp_base_len((enum stamp_mode)m);
        size_t span = m == AUTH ? 96 : base;
        for (size_t i = 0; i < span; i++) {
            for (int v = 0; v < 2; v++) {
                memset(buf_a, 0, base);
                buf_a[i] = v ? 0x80 : 0x01;
                struct stamp_reflector_pkt p;
                struct ippm_guard g;
                assert_int_equal(
                    dec_reflector(&p, &g, buf_a, base, (enum stamp_mode)m),
                    IPPM_OK);
                if (p.mbz_nonzero != reflector_mbz((enum stamp_mode)m, i))
                    fail_msg("mode %d octet %zu: mbz_nonzero %d", m, i,
                             p.mbz_nonzero);
                ippm_guard_free(&g);
            }
        }
        memset(buf_a, 0, base + 20);
        memset(buf_a + base, 0xff, 20);
        if (m == AUTH)
            memset(buf_a + 96, 0xff, 16);
        struct stamp_reflector_pkt p;
        struct ippm_guard g;
        assert_int_equal(
            dec_reflector(&p, &g, buf_a, base + 20, (enum stamp_mode)m),
            IPPM_OK);
        assert_false(p.mbz_nonzero);
        ippm_guard_free(&g);
    }
}

static void test_stamp_pkt_decode_mbz_does_not_stop_decoding(void **state)
{
    (void)state;
    /* A reflector MUST ignore MBZ on receipt: the fields still decode. */
    memset(buf_a, 0xff, 112);
    put_sender(buf_a, AUTH, 9, 0x0a0b0c0d0e0f1011ull, 0x0001, 0);
    struct stamp_sender_pkt p;
    struct ippm_guard g;
    assert_int_equal(dec_sender(&p, &g, buf_a, 112, AUTH), IPPM_OK);
    assert_true(p.mbz_nonzero);
    assert_int_equal(p.seq, 9);
    assert_int_equal(p.ts, 0x0a0b0c0d0e0f1011ull);
    assert_int_equal(p.errest, 1);
    assert_int_equal(p.ssid, 0);
    ippm_guard_free(&g);
}

/* ---- decode: octets beyond the base ---- */

static void test_stamp_sender_pkt_decode_extra_is_a_view(void **state)
{
    (void)state;
    static const size_t lens[] = {45, 100, 1000};
    for (int m = OPEN; m <= AUTH; m++) {
        size_t base = stamp_base_len((enum stamp_mode)m);
        for (size_t k = 0; k < 3; k++) {
            size_t len = lens[k] + (m == AUTH ? 68 : 0);
            memset(buf_a, 0, len);
            for (size_t i = base; i < len; i++)
                buf_a[i] = (uint8_t)(i * 7 + 3);
            struct stamp_sender_pkt p;
            struct ippm_guard g;
            assert_int_equal(
                dec_sender(&p, &g, buf_a, len, (enum stamp_mode)m), IPPM_OK);
            assert_ptr_equal(p.extra, g.data + base);
            assert_int_equal(p.extra_len, len - base);
            assert_false(p.mbz_nonzero);
            ippm_guard_free(&g);
        }
    }
}

static void test_stamp_reflector_pkt_decode_extra_is_a_view(void **state)
{
    (void)state;
    for (int m = OPEN; m <= AUTH; m++) {
        size_t base = stamp_base_len((enum stamp_mode)m);
        size_t len = base + 57;
        memset(buf_a, 0, len);
        put_reflector(buf_a, (enum stamp_mode)m, &RF);
        memset(buf_a + base, 0x5a, 57);
        struct stamp_reflector_pkt p;
        struct ippm_guard g;
        assert_int_equal(
            dec_reflector(&p, &g, buf_a, len, (enum stamp_mode)m), IPPM_OK);
        assert_reflector_fields(&p, &RF);
        assert_ptr_equal(p.extra, g.data + base);
        assert_int_equal(p.extra_len, 57);
        assert_false(p.mbz_nonzero);
        ippm_guard_free(&g);
    }
}

/* ---- decode: the reference capture ---- */

static size_t unhex(uint8_t *out, const char *hex)
{
    size_t n = 0;
    for (; hex[0] && hex[1]; hex += 2) {
        unsigned v;
        char two[3] = {hex[0], hex[1], 0};
        v = (unsigned)strtoul(two, NULL, 16);
        out[n++] = (uint8_t)v;
    }
    return n;
}

static void test_stamp_sender_pkt_decode_capture(void **state)
{
    (void)state;
    memset(buf_a, 0, 44);
    size_t n = unhex(buf_a, "00000000eeb14c842dcc815f0001");
    assert_int_equal(n, 14);
    struct stamp_sender_pkt p;
    struct ippm_guard g;
    assert_int_equal(dec_sender(&p, &g, buf_a, 44, OPEN), IPPM_OK);
    assert_int_equal(p.seq, 0);
    assert_int_equal(p.ts, 0xeeb14c842dcc815full);
    assert_int_equal(p.errest, 0x0001);
    assert_int_equal(p.ssid, 0);
    assert_false(p.mbz_nonzero);
    assert_int_equal(p.extra_len, 0);
    ippm_guard_free(&g);
}

static void test_stamp_reflector_pkt_decode_capture(void **state)
{
    (void)state;
    size_t n = unhex(buf_a, "00000000eeb14c842dd08b6200010000eeb14c842dcdf056"
                            "00000000eeb14c842dcc815f00010000ff000000");
    assert_int_equal(n, 44);
    struct stamp_reflector_pkt p;
    struct ippm_guard g;
    assert_int_equal(dec_reflector(&p, &g, buf_a, 44, OPEN), IPPM_OK);
    assert_int_equal(p.seq, 0);
    assert_int_equal(p.ts, 0xeeb14c842dd08b62ull);
    assert_int_equal(p.errest, 1);
    assert_int_equal(p.ssid, 0);
    assert_int_equal(p.rx_ts, 0xeeb14c842dcdf056ull);
    assert_int_equal(p.ss_seq, 0);
    assert_int_equal(p.ss_ts, 0xeeb14c842dcc815full);
    assert_int_equal(p.ss_errest, 1);
    assert_int_equal(p.ss_ttl, 255);
    assert_false(p.mbz_nonzero);
    assert_int_equal(p.extra_len, 0);
    /* The reflector's times follow the sender's: 22 us to receive,
     * 40 us more to send. */
    uint64_t t1 = ippm_ns_from_ntp(p.ss_ts), t2 = ippm_ns_from_ntp(p.rx_ts);
    uint64_t t3 = ippm_ns_from_ntp(p.ts);
    assert_int_equal(t2 - t1, 21873);
    assert_int_equal(t3 - t2, 39759);
    ippm_guard_free(&g);
}

/* ---- encode ---- */

static void test_stamp_sender_pkt_encode_open_layout(void **state)
{
    (void)state;
    struct stamp_sender_pkt p;
    memset(&p, 0, sizeof p);
    p.seq = 0xa1b2c3d4u;
    p.ts = 0x0102030405060708ull;
    p.errest = 0xc1c2;
    p.ssid = 0xe1e2;
    p.mbz_nonzero = true; /* decode only: ignored */
    memset(buf_a, 0xee, 64);
    assert_int_equal(stamp_sender_pkt_encode(buf_a, 64, 44, &p, OPEN, NULL),
                     IPPM_OK);
    memset(buf_b, 0, 44);
    put_sender(buf_b, OPEN, p.seq, p.ts, p.errest, p.ssid);
    assert_memory_equal(buf_a, buf_b, 44);
    for (size_t i = 44; i < 64; i++)
        assert_int_equal(buf_a[i], 0xee);
}

static void test_stamp_sender_pkt_encode_auth_layout(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    struct stamp_sender_pkt p;
    memset(&p, 0, sizeof p);
    p.seq = 7;
    p.ts = 0xeeb14c842dcc815full;
    p.errest = 0x8001;
    p.ssid = 0x1234;
    memset(buf_a, 0xee, 128);
    assert_int_equal(stamp_sender_pkt_encode(buf_a, 128, 112, &p, AUTH, &key),
                     IPPM_OK);
    memset(buf_b, 0, 112);
    put_sender(buf_b, AUTH, p.seq, p.ts, p.errest, p.ssid);
    assert_memory_equal(buf_a, buf_b, 96);
    uint8_t mac[16];
    ref_stamp_hmac(KEY, sizeof KEY, buf_b, mac);
    assert_memory_equal(buf_a + 96, mac, 16);
    for (size_t i = 112; i < 128; i++)
        assert_int_equal(buf_a[i], 0xee);
    assert_int_equal(fctx.last_hash, IPPM_HASH_SHA256);
    assert_int_equal(fctx.last_msg_len, 96);
}

static void test_stamp_reflector_pkt_encode_open_layout(void **state)
{
    (void)state;
    struct stamp_reflector_pkt p;
    memset(&p, 0, sizeof p);
    p.seq = RF.seq, p.ts = RF.ts, p.errest = RF.errest, p.ssid = RF.ssid;
    p.rx_ts = RF.rx_ts, p.ss_seq = RF.ss_seq, p.ss_ts = RF.ss_ts;
    p.ss_errest = RF.ss_errest, p.ss_ttl = RF.ttl;
    memset(buf_a, 0xee, 64);
    assert_int_equal(
        stamp_reflector_pkt_encode(buf_a, 64, 44, &p, OPEN, NULL), IPPM_OK);
    memset(buf_b, 0, 44);
    put_reflector(buf_b, OPEN, &RF);
    assert_memory_equal(buf_a, buf_b, 44);
    for (size_t i = 44; i < 64; i++)
        assert_int_equal(buf_a[i], 0xee);
}

static void test_stamp_reflector_pkt_encode_auth_layout(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    struct stamp_reflector_pkt p;
    memset(&p, 0, sizeof p);
    p.seq = RF.seq, p.ts = RF.ts, p.errest = RF.errest, p.ssid = RF.ssid;
    p.rx_ts = RF.rx_ts, p.ss_seq = RF.ss_seq, p.ss_ts = RF.ss_ts;
    p.ss_errest = RF.ss_errest, p.ss_ttl = RF.ttl;
    memset(buf_a, 0xee, 128);
    assert_int_equal(
        stamp_reflector_pkt_encode(buf_a, 128, 112, &p, AUTH, &key), IPPM_OK);
    memset(buf_b, 0, 112);
    put_reflector(buf_b, AUTH, &RF);
    assert_memory_equal(buf_a, buf_b, 96);
    uint8_t mac[16];
    ref_stamp_hmac(KEY, sizeof KEY, buf_b, mac);
    assert_memory_equal(buf_a + 96, mac, 16);
    for (size_t i = 112; i < 128; i++)
        assert_int_equal(buf_a[i], 0xee);
}

static void test_stamp_sender_pkt_encode_copies_extra_and_pads(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    uint8_t extra[10];
    for (int i = 0; i < 10; i++)
        extra[i] = (uint8_t)(0xa0 + i);
    for (int m = OPEN; m <= AUTH; m++) {
        size_t base = stamp_base_len((enum stamp_mode)m);
        struct stamp_sender_pkt p;
        memset(&p, 0, sizeof p);
        p.seq = 3;
        p.extra = extra;
        p.extra_len = sizeof extra;
        memset(buf_a, 0xee, 1100);
        assert_int_equal(stamp_sender_pkt_encode(buf_a, 1100, 1000, &p,
                                                 (enum stamp_mode)m, &key),
                         IPPM_OK);
        assert_memory_equal(buf_a + base, extra, sizeof extra);
        for (size_t i = base + sizeof extra; i < 1000; i++)
            assert_int_equal(buf_a[i], 0);
        for (size_t i = 1000; i < 1100; i++)
            assert_int_equal(buf_a[i], 0xee);
        /* No extra: all padding is zero. */
        p.extra = NULL;
        p.extra_len = 0;
        memset(buf_a, 0xee, 1100);
        assert_int_equal(stamp_sender_pkt_encode(buf_a, 1000, 1000, &p,
                                                 (enum stamp_mode)m, &key),
                         IPPM_OK);
        for (size_t i = base; i < 1000; i++)
            assert_int_equal(buf_a[i], 0);
        /* Extra filling the room exactly. */
        static uint8_t big[56];
        memset(big, 0x77, sizeof big);
        p.extra = big;
        p.extra_len = sizeof big;
        assert_int_equal(stamp_sender_pkt_encode(buf_a, base + 56, base + 56,
                                                 &p, (enum stamp_mode)m,
                                                 &key),
                         IPPM_OK);
        assert_memory_equal(buf_a + base, big, sizeof big);
    }
}

static void test_stamp_reflector_pkt_encode_copies_extra_and_pads(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    uint8_t extra[33];
    for (int i = 0; i < 33; i++)
        extra[i] = (uint8_t)(0x30 + i);
    for (int m = OPEN; m <= AUTH; m++) {
        size_t base = stamp_base_len((enum stamp_mode)m);
        struct stamp_reflector_pkt p;
        memset(&p, 0, sizeof p);
        p.extra = extra;
        p.extra_len = sizeof extra;
        memset(buf_a, 0xee, 600);
        assert_int_equal(stamp_reflector_pkt_encode(buf_a, 600, 500, &p,
                                                    (enum stamp_mode)m, &key),
                         IPPM_OK);
        assert_memory_equal(buf_a + base, extra, sizeof extra);
        for (size_t i = base + sizeof extra; i < 500; i++)
            assert_int_equal(buf_a[i], 0);
        for (size_t i = 500; i < 600; i++)
            assert_int_equal(buf_a[i], 0xee);
    }
}

static void test_stamp_pkt_encode_zeroes_mbz_over_dirty_buffer(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    for (int m = OPEN; m <= AUTH; m++) {
        size_t base = stamp_base_len((enum stamp_mode)m);
        struct stamp_sender_pkt s;
        memset(&s, 0, sizeof s);
        s.seq = 0xffffffffu, s.ts = UINT64_MAX, s.errest = 0xffff;
        s.ssid = 0xffff;
        memset(buf_a, 0xff, base);
        assert_int_equal(stamp_sender_pkt_encode(buf_a, base, base, &s,
                                                 (enum stamp_mode)m, &key),
                         IPPM_OK);
        for (size_t i = 0; i < base; i++)
            if (sender_mbz((enum stamp_mode)m, i) && buf_a[i] != 0)
                fail_msg("sender mode %d MBZ octet %zu = %#x", m, i,
                         buf_a[i]);
        struct stamp_reflector_pkt r;
        memset(&r, 0, sizeof r);
        r.seq = 0xffffffffu, r.ts = UINT64_MAX, r.errest = 0xffff;
        r.ssid = 0xffff, r.rx_ts = UINT64_MAX, r.ss_seq = 0xffffffffu;
        r.ss_ts = UINT64_MAX, r.ss_errest = 0xffff, r.ss_ttl = 0xff;
        memset(buf_a, 0xff, base);
        assert_int_equal(stamp_reflector_pkt_encode(buf_a, base, base, &r,
                                                    (enum stamp_mode)m, &key),
                         IPPM_OK);
        for (size_t i = 0; i < base; i++) {
            bool mbz = reflector_mbz((enum stamp_mode)m, i);
            if (mbz && buf_a[i] != 0)
                fail_msg("reflector mode %d MBZ octet %zu = %#x", m, i,
                         buf_a[i]);
            if (!mbz && i < 96 && buf_a[i] != 0xff)
                fail_msg("reflector mode %d field octet %zu = %#x", m, i,
                         buf_a[i]);
        }
    }
}

static void test_stamp_pkt_encode_rejects_total_below_base(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    struct stamp_sender_pkt s;
    struct stamp_reflector_pkt r;
    memset(&s, 0, sizeof s);
    memset(&r, 0, sizeof r);
    assert_int_equal(stamp_sender_pkt_encode(buf_a, 2048, 43, &s, OPEN, NULL),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(stamp_sender_pkt_encode(buf_a, 2048, 0, &s, OPEN, NULL),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(
        stamp_sender_pkt_encode(buf_a, 2048, 111, &s, AUTH, &key),
        IPPM_ERR_BAD_ARG);
    assert_int_equal(
        stamp_reflector_pkt_encode(buf_a, 2048, 43, &r, OPEN, NULL),
        IPPM_ERR_BAD_ARG);
    assert_int_equal(
        stamp_reflector_pkt_encode(buf_a, 2048, 111, &r, AUTH, &key),
        IPPM_ERR_BAD_ARG);
}

static void test_stamp_pkt_encode_rejects_cap_below_total(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    struct stamp_sender_pkt s;
    struct stamp_reflector_pkt r;
    memset(&s, 0, sizeof s);
    memset(&r, 0, sizeof r);
    /* The output buffer ends at the guard page: a write past cap faults. */
    struct ippm_guard g;
    uint8_t *out = ippm_guard_copy(&g, buf_b, 111);
    assert_int_equal(stamp_sender_pkt_encode(out + 111 - 43, 43, 44, &s, OPEN,
                                             NULL),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(stamp_reflector_pkt_encode(out + 111 - 43, 43, 44, &r,
                                                OPEN, NULL),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(stamp_sender_pkt_encode(out, 111, 112, &s, AUTH, &key),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(stamp_reflector_pkt_encode(out, 111, 112, &r, AUTH, &key),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(stamp_sender_pkt_encode(out, 111, 100, &s, OPEN, NULL),
                     IPPM_OK);
    assert_int_equal(stamp_sender_pkt_encode(out + 11, 100, 100, &s, OPEN,
                                             NULL),
                     IPPM_OK);
    assert_int_equal(stamp_sender_pkt_encode(out + 11, 100, 101, &s, OPEN,
                                             NULL),
                     IPPM_ERR_NOSPACE);
    ippm_guard_free(&g);
}

static void test_stamp_pkt_encode_rejects_total_above_max(void **state)
{
    (void)state;
    static uint8_t huge[STAMP_MAX_LEN + 2];
    struct stamp_sender_pkt s;
    struct stamp_reflector_pkt r;
    memset(&s, 0, sizeof s);
    memset(&r, 0, sizeof r);
    assert_int_equal(stamp_sender_pkt_encode(huge, sizeof huge,
                                             STAMP_MAX_LEN + 1, &s, OPEN,
                                             NULL),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(stamp_reflector_pkt_encode(huge, sizeof huge,
                                                STAMP_MAX_LEN + 1, &r, OPEN,
                                                NULL),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(stamp_sender_pkt_encode(huge, sizeof huge,
                                             STAMP_MAX_LEN, &s, OPEN, NULL),
                     IPPM_OK);
}

static void test_stamp_pkt_encode_rejects_extra_longer_than_room(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    static uint8_t extra[100];
    for (int m = OPEN; m <= AUTH; m++) {
        size_t base = stamp_base_len((enum stamp_mode)m);
        struct stamp_sender_pkt s;
        struct stamp_reflector_pkt r;
        memset(&s, 0, sizeof s);
        memset(&r, 0, sizeof r);
        s.extra = r.extra = extra;
        s.extra_len = r.extra_len = 57;
        assert_int_equal(stamp_sender_pkt_encode(buf_a, 2048, base + 56, &s,
                                                 (enum stamp_mode)m, &key),
                         IPPM_ERR_BAD_ARG);
        assert_int_equal(stamp_reflector_pkt_encode(buf_a, 2048, base + 56,
                                                    &r, (enum stamp_mode)m,
                                                    &key),
                         IPPM_ERR_BAD_ARG);
    }
}

static void test_stamp_pkt_encode_auth_needs_key(void **state)
{
    (void)state;
    struct stamp_sender_pkt s;
    struct stamp_reflector_pkt r;
    memset(&s, 0, sizeof s);
    memset(&r, 0, sizeof r);
    assert_int_equal(stamp_sender_pkt_encode(buf_a, 112, 112, &s, AUTH, NULL),
                     IPPM_ERR_NO_KEY);
    assert_int_equal(
        stamp_reflector_pkt_encode(buf_a, 112, 112, &r, AUTH, NULL),
        IPPM_ERR_NO_KEY);
    /* Open mode needs none and uses none. */
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    assert_int_equal(stamp_sender_pkt_encode(buf_a, 44, 44, &s, OPEN, &key),
                     IPPM_OK);
    assert_int_equal(
        stamp_reflector_pkt_encode(buf_a, 44, 44, &r, OPEN, &key), IPPM_OK);
    assert_int_equal(fctx.calls, 0);
}

static void test_stamp_pkt_encode_reports_crypto_failure(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    fctx.fail = true;
    struct stamp_sender_pkt s;
    struct stamp_reflector_pkt r;
    memset(&s, 0, sizeof s);
    memset(&r, 0, sizeof r);
    assert_int_equal(stamp_sender_pkt_encode(buf_a, 112, 112, &s, AUTH, &key),
                     IPPM_ERR_CRYPTO);
    assert_int_equal(
        stamp_reflector_pkt_encode(buf_a, 112, 112, &r, AUTH, &key),
        IPPM_ERR_CRYPTO);
    assert_int_equal(stamp_hmac_compute(&key, buf_a, 112, buf_b),
                     IPPM_ERR_CRYPTO);
    assert_int_equal(stamp_hmac_check(&key, buf_a, 112), IPPM_ERR_CRYPTO);
}

/* ---- round trips ---- */

static void test_stamp_sender_pkt_encode_decode_round_trip(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    static const size_t extra_lens[] = {0, 1, 56, 900};
    uint8_t extra[900];
    for (size_t i = 0; i < sizeof extra; i++)
        extra[i] = (uint8_t)(i ^ 0x5c);
    for (int m = OPEN; m <= AUTH; m++) {
        size_t base = stamp_base_len((enum stamp_mode)m);
        for (size_t k = 0; k < 4; k++) {
            struct stamp_sender_pkt in, out;
            memset(&in, 0, sizeof in);
            in.seq = 0x80000001u + (uint32_t)k;
            in.ts = 0xeeb14c842dcc815full + k;
            in.errest = (uint16_t)(0x8101 + k);
            in.ssid = (uint16_t)(0xbeef + k);
            in.extra = extra_lens[k] ? extra : NULL;
            in.extra_len = extra_lens[k];
            size_t total = base + extra_lens[k] + k; /* k octets of pad */
            assert_int_equal(stamp_sender_pkt_encode(buf_a, sizeof buf_a,
                                                     total, &in,
                                                     (enum stamp_mode)m,
                                                     &key),
                             IPPM_OK);
            struct ippm_guard g;
            assert_int_equal(
                dec_sender(&out, &g, buf_a, total, (enum stamp_mode)m),
                IPPM_OK);
            assert_int_equal(out.seq, in.seq);
            assert_int_equal(out.ts, in.ts);
            assert_int_equal(out.errest, in.errest);
            assert_int_equal(out.ssid, in.ssid);
            assert_false(out.mbz_nonzero);
            assert_int_equal(out.extra_len, total - base);
            if (extra_lens[k])
                assert_memory_equal(out.extra, extra, extra_lens[k]);
            for (size_t i = extra_lens[k]; i < out.extra_len; i++)
                assert_int_equal(out.extra[i], 0);
            if (m == AUTH) {
                assert_ptr_equal(out.hmac, g.data + 96);
                assert_int_equal(stamp_hmac_check(&key, g.data, total),
                                 IPPM_OK);
            }
            ippm_guard_free(&g);
        }
    }
}

static void test_stamp_reflector_pkt_encode_decode_round_trip(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    uint8_t extra[300];
    for (size_t i = 0; i < sizeof extra; i++)
        extra[i] = (uint8_t)(i * 13);
    for (int m = OPEN; m <= AUTH; m++) {
        size_t base = stamp_base_len((enum stamp_mode)m);
        for (size_t k = 0; k < 3; k++) {
            struct stamp_reflector_pkt in, out;
            memset(&in, 0, sizeof in);
            in.seq = RF.seq + (uint32_t)k, in.ts = RF.ts, in.errest = RF.errest;
            in.ssid = RF.ssid, in.rx_ts = RF.rx_ts, in.ss_seq = RF.ss_seq;
            in.ss_ts = RF.ss_ts + k, in.ss_errest = RF.ss_errest;
            in.ss_ttl = (uint8_t)(RF.ttl + k);
            in.extra = k ? extra : NULL;
            in.extra_len = k ? 100 * k : 0;
            size_t total = base + in.extra_len;
            assert_int_equal(stamp_reflector_pkt_encode(buf_a, sizeof buf_a,
                                                        total, &in,
                                                        (enum stamp_mode)m,
                                                        &key),
                             IPPM_OK);
            struct ippm_guard g;
            assert_int_equal(
                dec_reflector(&out, &g, buf_a, total, (enum stamp_mode)m),
                IPPM_OK);
            assert_int_equal(out.seq, in.seq);
            assert_int_equal(out.ts, in.ts);
            assert_int_equal(out.errest, in.errest);
            assert_int_equal(out.ssid, in.ssid);
            assert_int_equal(out.rx_ts, in.rx_ts);
            assert_int_equal(out.ss_seq, in.ss_seq);
            assert_int_equal(out.ss_ts, in.ss_ts);
            assert_int_equal(out.ss_errest, in.ss_errest);
            assert_int_equal(out.ss_ttl, in.ss_ttl);
            assert_false(out.mbz_nonzero);
            assert_int_equal(out.extra_len, in.extra_len);
            if (in.extra_len)
                assert_memory_equal(out.extra, extra, in.extra_len);
            if (m == AUTH)
                assert_int_equal(stamp_hmac_check(&key, g.data, total),
                                 IPPM_OK);
            ippm_guard_free(&g);
        }
    }
}

static void test_stamp_pkt_decode_encode_random_round_trip(void **state)
{
    (void)state;
    /* Random octets: whatever decodes re-encodes to the same octets, with
     * the MBZ zeroed and, in auth mode, a fresh HMAC. */
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    uint64_t x = 0x853c49e6748fea9bull;
    for (int iter = 0; iter < 2000; iter++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        enum stamp_mode m = (x & 1) ? AUTH : OPEN;
        bool refl = (x & 2) != 0;
        size_t base = stamp_base_len(m);
        size_t len = (size_t)(x >> 8) % 300;
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf_a[i] = (uint8_t)x;
        }
        struct ippm_guard g;
        enum ippm_err e;
        memset(buf_b, 0xee, len + 16);
        if (refl) {
            struct stamp_reflector_pkt p;
            e = dec_reflector(&p, &g, buf_a, len, m);
            if (e == IPPM_OK)
                assert_int_equal(stamp_reflector_pkt_encode(buf_b, len, len,
                                                            &p, m, &key),
                                 IPPM_OK);
        } else {
            struct stamp_sender_pkt p;
            e = dec_sender(&p, &g, buf_a, len, m);
            if (e == IPPM_OK)
                assert_int_equal(stamp_sender_pkt_encode(buf_b, len, len, &p,
                                                         m, &key),
                                 IPPM_OK);
        }
        ippm_guard_free(&g);
        if (len < base) {
            assert_int_equal(e, IPPM_ERR_SHORT);
            continue;
        }
        assert_int_equal(e, IPPM_OK);
        for (size_t i = 0; i < len; i++) {
            bool hmac = m == AUTH && i >= 96 && i < 112;
            bool mbz = i < base && !hmac &&
                       (refl ? reflector_mbz(m, i) : sender_mbz(m, i));
            uint8_t want = mbz ? 0 : buf_a[i];
            if (!hmac && buf_b[i] != want)
                fail_msg("iter %d octet %zu: %#x, want %#x", iter, i,
                         buf_b[i], want);
        }
        if (m == AUTH) {
            uint8_t mac[16];
            ref_stamp_hmac(KEY, sizeof KEY, buf_b, mac);
            assert_memory_equal(buf_b + 96, mac, 16);
        }
    }
}

/* ---- HMAC, RFC 8762 §4.4 ---- */

static void fill_auth(uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        b[i] = (uint8_t)(i * 31 + 7);
}

static void test_stamp_hmac_compute_is_truncated_hmac_sha256(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    fill_auth(buf_a, 112);
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, buf_a, 112);
    uint8_t mac[16], want[32];
    assert_int_equal(stamp_hmac_compute(&key, p, 112, mac), IPPM_OK);
    ref_hmac_sha256(KEY, sizeof KEY, buf_a, 96, want);
    assert_memory_equal(mac, want, 16);
    assert_int_equal(fctx.last_hash, IPPM_HASH_SHA256);
    assert_int_equal(fctx.last_msg_len, 96);
    ippm_guard_free(&g);

    /* RFC 4231 test case 2 key ("Jefe"), to pin a short key too. */
    static const uint8_t jefe[4] = {'J', 'e', 'f', 'e'};
    key = make_key(jefe, 4);
    p = ippm_guard_copy(&g, buf_a, 112);
    assert_int_equal(stamp_hmac_compute(&key, p, 112, mac), IPPM_OK);
    ref_hmac_sha256(jefe, 4, buf_a, 96, want);
    assert_memory_equal(mac, want, 16);
    ippm_guard_free(&g);
}

static void test_stamp_hmac_compute_covers_exactly_96_octets(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    fill_auth(buf_a, 200);
    uint8_t mac0[16], mac[16];
    assert_int_equal(stamp_hmac_compute(&key, buf_a, 200, mac0), IPPM_OK);
    /* Octet 0 and octet 95 are covered. */
    buf_a[95] ^= 1;
    assert_int_equal(stamp_hmac_compute(&key, buf_a, 200, mac), IPPM_OK);
    assert_memory_not_equal(mac, mac0, 16);
    buf_a[95] ^= 1;
    buf_a[0] ^= 0x80;
    assert_int_equal(stamp_hmac_compute(&key, buf_a, 200, mac), IPPM_OK);
    assert_memory_not_equal(mac, mac0, 16);
    buf_a[0] ^= 0x80;
    /* The HMAC field itself (96..111) and the padding (112+) are not. */
    for (size_t i = 96; i < 200; i++) {
        buf_a[i] ^= 0xff;
        assert_int_equal(stamp_hmac_compute(&key, buf_a, 200, mac), IPPM_OK);
        assert_memory_equal(mac, mac0, 16);
        buf_a[i] ^= 0xff;
    }
    /* Same packet, shorter padding: same HMAC. */
    assert_int_equal(stamp_hmac_compute(&key, buf_a, 112, mac), IPPM_OK);
    assert_memory_equal(mac, mac0, 16);
}

static void test_stamp_hmac_compute_rejects_111_octets(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    fill_auth(buf_a, 112);
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, buf_a, 111);
    uint8_t mac[16];
    assert_int_equal(stamp_hmac_compute(&key, p, 111, mac), IPPM_ERR_SHORT);
    assert_int_equal(stamp_hmac_check(&key, p, 111), IPPM_ERR_SHORT);
    assert_int_equal(stamp_hmac_check(&key, p + 111 - 44, 44),
                     IPPM_ERR_SHORT);
    ippm_guard_free(&g);
}

static void test_stamp_hmac_needs_key(void **state)
{
    (void)state;
    fill_auth(buf_a, 112);
    uint8_t mac[16];
    assert_int_equal(stamp_hmac_compute(NULL, buf_a, 112, mac),
                     IPPM_ERR_NO_KEY);
    assert_int_equal(stamp_hmac_check(NULL, buf_a, 112), IPPM_ERR_NO_KEY);
}

static void test_stamp_hmac_check_accepts_own_hmac(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    fill_auth(buf_a, 150);
    uint8_t want[32];
    ref_hmac_sha256(KEY, sizeof KEY, buf_a, 96, want);
    memcpy(buf_a + 96, want, 16);
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, buf_a, 150);
    assert_int_equal(stamp_hmac_check(&key, p, 150), IPPM_OK);
    ippm_guard_free(&g);
    p = ippm_guard_copy(&g, buf_a, 112);
    assert_int_equal(stamp_hmac_check(&key, p, 112), IPPM_OK);
    ippm_guard_free(&g);
    /* The full 32-octet HMAC is not what goes on the wire: octets 16..31
     * of it in the field would be wrong. */
    memcpy(buf_a + 96, want + 16, 16);
    assert_int_equal(stamp_hmac_check(&key, buf_a, 112), IPPM_ERR_HMAC);
}

static void test_stamp_hmac_check_detects_one_bit_flip(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    fill_auth(buf_a, 112);
    uint8_t want[32];
    ref_hmac_sha256(KEY, sizeof KEY, buf_a, 96, want);
    memcpy(buf_a + 96, want, 16);
    /* Every bit of the covered octets and of the HMAC field. */
    for (size_t i = 0; i < 112; i++)
        for (int bit = 0; bit < 8; bit++) {
            buf_a[i] ^= (uint8_t)(1u << bit);
            if (stamp_hmac_check(&key, buf_a, 112) != IPPM_ERR_HMAC)
                fail_msg("flip of octet %zu bit %d not detected", i, bit);
            buf_a[i] ^= (uint8_t)(1u << bit);
        }
    assert_int_equal(stamp_hmac_check(&key, buf_a, 112), IPPM_OK);
}

static void test_stamp_hmac_check_detects_wrong_key(void **state)
{
    (void)state;
    struct ippm_hmac_key key = make_key(KEY, sizeof KEY);
    fill_auth(buf_a, 112);
    uint8_t want[32];
    ref_hmac_sha256(KEY, sizeof KEY, buf_a, 96, want);
    memcpy(buf_a + 96, want, 16);
    assert_int_equal(stamp_hmac_check(&key, buf_a, 112), IPPM_OK);
    struct ippm_hmac_key wrong = make_key(KEY2, sizeof KEY2);
    assert_int_equal(stamp_hmac_check(&wrong, buf_a, 112), IPPM_ERR_HMAC);
    /* A key one octet shorter is another key. */
    struct ippm_hmac_key shorter = make_key(KEY, sizeof KEY - 1);
    assert_int_equal(stamp_hmac_check(&shorter, buf_a, 112), IPPM_ERR_HMAC);
}

/* RFC 8762 §4.4 names HMAC-SHA-256: a key context keyed for another hash
 * is no STAMP key, and an unkeyed one is none at all. */
static void test_stamp_hmac_refuses_key_of_another_hash(void **state)
{
    (void)state;
    struct ippm_hmac_key sha1;
    uint8_t mac[16];
    fcrypto = fake_crypto_make(&fctx);
    fill_auth(buf_a, 112);
    assert_int_equal(
        ippm_hmac_key_init(&sha1, &fcrypto, IPPM_HASH_SHA1, KEY, sizeof KEY),
        IPPM_OK);
    assert_int_equal(stamp_hmac_compute(&sha1, buf_a, 112, mac),
                     IPPM_ERR_NO_KEY);
    assert_int_equal(stamp_tlv_hmac_compute(&sha1, buf_a, 44, 0, mac),
                     IPPM_ERR_NO_KEY);
    ippm_hmac_key_free(&sha1);
    assert_int_equal(stamp_hmac_compute(&sha1, buf_a, 112, mac),
                     IPPM_ERR_NO_KEY);
    assert_int_equal(fctx.calls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stamp_base_len),
        cmocka_unit_test(test_stamp_layout_twamp_light),
        cmocka_unit_test(test_stamp_reply_min_len_is_the_end_of_ss_seq),
        cmocka_unit_test(test_stamp_reflector_pkt_decode_prefix_41_octets),
        cmocka_unit_test(test_stamp_reflector_pkt_decode_prefix_truncated),
        cmocka_unit_test(test_stamp_reflector_pkt_decode_prefix_limits),
        cmocka_unit_test(test_stamp_sender_pkt_decode_rejects_43_octets),
        cmocka_unit_test(test_stamp_sender_pkt_decode_rejects_111_octets_auth),
        cmocka_unit_test(test_stamp_reflector_pkt_decode_rejects_43_octets),
        cmocka_unit_test(
            test_stamp_reflector_pkt_decode_rejects_111_octets_auth),
        cmocka_unit_test(test_stamp_pkt_decode_error_leaves_output_untouched),
        cmocka_unit_test(test_stamp_sender_pkt_decode_44_octets_open),
        cmocka_unit_test(test_stamp_sender_pkt_decode_112_octets_auth),
        cmocka_unit_test(test_stamp_reflector_pkt_decode_44_octets_open),
        cmocka_unit_test(test_stamp_reflector_pkt_decode_112_octets_auth),
        cmocka_unit_test(test_stamp_sender_pkt_decode_reports_each_mbz_octet),
        cmocka_unit_test(
            test_stamp_reflector_pkt_decode_reports_each_mbz_octet),
        cmocka_unit_test(test_stamp_pkt_decode_mbz_does_not_stop_decoding),
        cmocka_unit_test(test_stamp_sender_pkt_decode_extra_is_a_view),
        cmocka_unit_test(test_stamp_reflector_pkt_decode_extra_is_a_view),
        cmocka_unit_test(test_stamp_sender_pkt_decode_capture),
        cmocka_unit_test(test_stamp_reflector_pkt_decode_capture),
        cmocka_unit_test(test_stamp_sender_pkt_encode_open_layout),
        cmocka_unit_test(test_stamp_sender_pkt_encode_auth_layout),
        cmocka_unit_test(test_stamp_reflector_pkt_encode_open_layout),
        cmocka_unit_test(test_stamp_reflector_pkt_encode_auth_layout),
        cmocka_unit_test(test_stamp_sender_pkt_encode_copies_extra_and_pads),
        cmocka_unit_test(
            test_stamp_reflector_pkt_encode_copies_extra_and_pads),
        cmocka_unit_test(test_stamp_pkt_encode_zeroes_mbz_over_dirty_buffer),
        cmocka_unit_test(test_stamp_pkt_encode_rejects_total_below_base),
        cmocka_unit_test(test_stamp_pkt_encode_rejects_cap_below_total),
        cmocka_unit_test(test_stamp_pkt_encode_rejects_total_above_max),
        cmocka_unit_test(test_stamp_pkt_encode_rejects_extra_longer_than_room),
        cmocka_unit_test(test_stamp_pkt_encode_auth_needs_key),
        cmocka_unit_test(test_stamp_pkt_encode_reports_crypto_failure),
        cmocka_unit_test(test_stamp_sender_pkt_encode_decode_round_trip),
        cmocka_unit_test(test_stamp_reflector_pkt_encode_decode_round_trip),
        cmocka_unit_test(test_stamp_pkt_decode_encode_random_round_trip),
        cmocka_unit_test(test_stamp_hmac_compute_is_truncated_hmac_sha256),
        cmocka_unit_test(test_stamp_hmac_compute_covers_exactly_96_octets),
        cmocka_unit_test(test_stamp_hmac_compute_rejects_111_octets),
        cmocka_unit_test(test_stamp_hmac_needs_key),
        cmocka_unit_test(test_stamp_hmac_check_accepts_own_hmac),
        cmocka_unit_test(test_stamp_hmac_check_detects_one_bit_flip),
        cmocka_unit_test(test_stamp_hmac_check_detects_wrong_key),
        cmocka_unit_test(test_stamp_hmac_refuses_key_of_another_hash),
        cmocka_unit_test(test_stamp_layout_matches_the_figures),
        cmocka_unit_test(test_stamp_layout_find_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
