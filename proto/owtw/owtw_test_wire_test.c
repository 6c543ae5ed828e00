/* Unit tests of owtw_test.c: test-session keys (RFC 4656 §4.1.2, RFC 5357
 * §4.2.1), the sender packet codec and sealing/opening, checked against
 * every A/E session of the perfSONAR captures
 * (twamp-owamp-fixtures.md §3) with OpenSSL as the crypto backend.
 * Decode inputs end flush against a PROT_NONE page. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proto/owtw/owtw_test.h"
#include "testsupport/owtw_fixtures.h"

struct keys_raw {
    uint8_t aes_sk[16], hmac_sk[32], sid[16];
};

static void raw_of(const struct owtw_fixture *f, struct keys_raw *r)
{
    owtw_unhex(f->aes_sk, r->aes_sk, sizeof r->aes_sk);
    owtw_unhex(f->hmac_sk, r->hmac_sk, sizeof r->hmac_sk);
    owtw_unhex(f->sid, r->sid, sizeof r->sid);
}

static void keys_of(const struct owtw_fixture *f, struct owtw_test_keys *k)
{
    assert_int_equal(owtw_fixture_keys(f, k), IPPM_OK);
}

/* ---- keys ---- */

static void test_owtw_test_key_octets_match_every_capture(void **state)
{
    (void)state;
    for (size_t i = 0; i < OWTW_N_FIXTURES; i++) {
        const struct owtw_fixture *f = &owtw_fixtures[i];
        if (f->mode == OWTW_TEST_OPEN)
            continue;
        struct keys_raw r;
        uint8_t t_aes[16], t_hmac[32], want_aes[16], want_hmac[32];
        raw_of(f, &r);
        owtw_unhex(f->t_aes, want_aes, sizeof want_aes);
        owtw_unhex(f->t_hmac, want_hmac, sizeof want_hmac);
        assert_int_equal(owtw_test_key_octets(&owtw_ossl, r.sid, r.aes_sk,
                                              r.hmac_sk, t_aes, t_hmac),
                         IPPM_OK);
        assert_memory_equal(t_aes, want_aes, 16);
        assert_memory_equal(t_hmac, want_hmac, 32);
    }
}

static void
test_owtw_test_keys_init_refuses_bad_mode_and_no_crypto(void **state)
{
    (void)state;
    struct owtw_test_keys k;
    uint8_t z[32] = {0};
    assert_int_equal(
        owtw_test_keys_init(&k, &owtw_ossl, (enum owtw_test_mode)3, z, z, z),
        IPPM_ERR_BAD_ARG);
    assert_int_equal(
        owtw_test_keys_init(&k, &owtw_ossl, OWTW_TEST_AUTH, NULL, z, z),
        IPPM_ERR_BAD_ARG);
    assert_int_equal(owtw_test_keys_init(&k, NULL, OWTW_TEST_AUTH, z, z, z),
                     IPPM_ERR_NO_KEY);
    assert_false(ippm_hmac_key_ready(&k.hmac));
    owtw_test_keys_free(&k);
}

/* ---- layouts ---- */

static void test_owtw_test_layouts_match_the_rfc_figures(void **state)
{
    (void)state;
    const struct stamp_layout *s =
        owtw_test_layout(STAMP_PKT_SENDER, OWTW_TEST_AUTH);
    const struct stamp_layout *r =
        owtw_test_layout(STAMP_PKT_REFLECTOR, OWTW_TEST_ENCRYPTED);
    assert_int_equal(owtw_test_base_len(STAMP_PKT_SENDER, OWTW_TEST_OPEN), 14);
    assert_int_equal(s->base_len, 48);
    assert_int_equal(owtw_test_base_len(STAMP_PKT_REFLECTOR, OWTW_TEST_OPEN),
                     41);
    assert_int_equal(r->base_len, 112);
    /* RFC 4656 §4.1.2: Timestamp after 4 + 12 MBZ, HMAC at 32. */
    assert_int_equal(s->field[STAMP_F_TS].off, 16);
    assert_int_equal(s->field[STAMP_F_HMAC].off, 32);
    /* RFC 5357 §4.2.1: no SSID in TWAMP: octets 26-31 are MBZ. */
    assert_int_equal(r->field[STAMP_F_SSID].len, 0);
    assert_int_equal(r->mbz[1].off, 26);
    assert_int_equal(r->mbz[1].len, 6);
    assert_int_equal(r->field[STAMP_F_SS_TTL].off, 80);
    assert_int_equal(r->field[STAMP_F_HMAC].off, 96);
    assert_null(owtw_test_layout(STAMP_PKT_SENDER, (enum owtw_test_mode)8));
    assert_int_equal(owtw_test_protected_len(STAMP_PKT_SENDER, OWTW_TEST_AUTH),
                     16);
    assert_int_equal(
        owtw_test_protected_len(STAMP_PKT_SENDER, OWTW_TEST_ENCRYPTED), 32);
    assert_int_equal(
        owtw_test_protected_len(STAMP_PKT_REFLECTOR, OWTW_TEST_ENCRYPTED), 96);
}

/* ---- the sender packet ---- */

/* Builds packet 0 of f's session in plaintext, with the capture's padding,
 * seals it and compares with the wire. */
static void test_owtw_sender_seal_reproduces_every_capture(void **state)
{
    (void)state;
    for (size_t i = 0; i < OWTW_N_FIXTURES; i++) {
        const struct owtw_fixture *f = &owtw_fixtures[i];
        if (!f->sender_wire)
            continue;
        uint8_t wire[256], buf[256];
        size_t len = owtw_unhex(f->sender_wire, wire, sizeof wire);
        struct owtw_test_keys k;
        keys_of(f, &k);
        struct stamp_sender_pkt p = {.seq = 0,
                                     .ts = f->ts,
                                     .errest = 1,
                                     .extra = wire + 48,
                                     .extra_len = len - 48};
        assert_int_equal(
            owtw_sender_pkt_encode(buf, sizeof buf, len, &p, k.mode), IPPM_OK);
        assert_int_equal(owtw_test_seal(&k, STAMP_PKT_SENDER, buf, len),
                         IPPM_OK);
        assert_memory_equal(buf, wire, len);
        owtw_test_keys_free(&k);
    }
}

static void test_owtw_sender_open_decodes_every_capture(void **state)
{
    (void)state;
    for (size_t i = 0; i < OWTW_N_FIXTURES; i++) {
        const struct owtw_fixture *f = &owtw_fixtures[i];
        if (!f->sender_wire)
            continue;
        uint8_t wire[256];
        size_t len = owtw_unhex(f->sender_wire, wire, sizeof wire);
        struct ippm_guard g;
        uint8_t *b = ippm_guard_copy(&g, wire, len);
        struct owtw_test_keys k;
        keys_of(f, &k);
        assert_int_equal(owtw_test_open(&k, STAMP_PKT_SENDER, b, len), IPPM_OK);
        struct stamp_sender_pkt p;
        assert_int_equal(owtw_sender_pkt_decode(&p, b, len, k.mode), IPPM_OK);
        assert_int_equal(p.seq, 0);
        assert_true(p.ts == f->ts);
        assert_int_equal(p.errest, 1);
        assert_false(p.mbz_nonzero);
        assert_ptr_equal(p.hmac, b + 32);
        assert_int_equal(p.extra_len, len - 48);
        ippm_guard_free(&g);
        owtw_test_keys_free(&k);
    }
}

static void test_owtw_test_open_rejects_a_flipped_bit(void **state)
{
    (void)state;
    for (size_t i = 0; i < OWTW_N_FIXTURES; i++) {
        const struct owtw_fixture *f = &owtw_fixtures[i];
        if (!f->sender_wire)
            continue;
        uint8_t wire[256];
        size_t len = owtw_unhex(f->sender_wire, wire, sizeof wire);
        struct owtw_test_keys k;
        keys_of(f, &k);
        /* Block 0 is protected in both modes; the timestamp only in E. */
        uint8_t b[256];
        memcpy(b, wire, len);
        b[3] ^= 1;
        assert_int_equal(owtw_test_open(&k, STAMP_PKT_SENDER, b, len),
                         IPPM_ERR_HMAC);
        memcpy(b, wire, len);
        b[20] ^= 1;
        assert_int_equal(owtw_test_open(&k, STAMP_PKT_SENDER, b, len),
                         k.mode == OWTW_TEST_ENCRYPTED ? IPPM_ERR_HMAC
                                                       : IPPM_OK);
        memcpy(b, wire, len);
        b[40] ^= 1; /* the MAC itself */
        assert_int_equal(owtw_test_open(&k, STAMP_PKT_SENDER, b, len),
                         IPPM_ERR_HMAC);
        assert_int_equal(owtw_test_open(&k, STAMP_PKT_SENDER, b, 47),
                         IPPM_ERR_SHORT);
        owtw_test_keys_free(&k);
    }
}

static void test_owtw_sender_pkt_open_mode_is_14_octets(void **state)
{
    (void)state;
    /* RFC 4656 §4.1.2 unauthenticated: Sequence Number, Timestamp, Error
     * Estimate, then padding; the OWAMP-O capture's packet 0. */
    static const uint8_t want[16] = {0,    0,    0,    7,    0xee, 0xb1,
                                     0x4c, 0x6c, 0x59, 0x86, 0xa8, 0xfc,
                                     0x00, 0x01, 0xaa, 0xbb};
    const uint8_t pad[2] = {0xaa, 0xbb};
    struct stamp_sender_pkt p = {.seq = 7,
                                 .ts = 0xeeb14c6c5986a8fcull,
                                 .errest = 1,
                                 .ssid = 0xffff,
                                 .extra = pad,
                                 .extra_len = 2};
    uint8_t buf[16];
    assert_int_equal(
        owtw_sender_pkt_encode(buf, sizeof buf, 16, &p, OWTW_TEST_OPEN),
        IPPM_OK);
    assert_memory_equal(buf, want, 16);
    struct ippm_guard g;
    uint8_t *b = ippm_guard_copy(&g, want, 14);
    struct stamp_sender_pkt d;
    assert_int_equal(owtw_sender_pkt_decode(&d, b, 14, OWTW_TEST_OPEN),
                     IPPM_OK);
    assert_int_equal(d.seq, 7);
    assert_null(d.extra);
    assert_null(d.hmac);
    memset(&d, 0x5a, sizeof d);
    struct stamp_sender_pkt before = d;
    assert_int_equal(owtw_sender_pkt_decode(&d, b + 1, 13, OWTW_TEST_OPEN),
                     IPPM_ERR_SHORT);
    assert_memory_equal(&d, &before, sizeof d);
    ippm_guard_free(&g);
}

static void test_owtw_sender_pkt_reports_mbz_and_refuses_bad_sizes(void **state)
{
    (void)state;
    uint8_t buf[48] = {0};
    struct stamp_sender_pkt p = {.seq = 1, .ts = 2, .errest = 1};
    assert_int_equal(owtw_sender_pkt_encode(buf, 48, 47, &p, OWTW_TEST_AUTH),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(owtw_sender_pkt_encode(buf, 47, 48, &p, OWTW_TEST_AUTH),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(
        owtw_sender_pkt_encode(buf, 48, 48, &p, (enum owtw_test_mode)0),
        IPPM_ERR_BAD_ARG);
    assert_int_equal(owtw_sender_pkt_encode(buf, 48, 48, &p, OWTW_TEST_AUTH),
                     IPPM_OK);
    struct stamp_sender_pkt d;
    assert_int_equal(owtw_sender_pkt_decode(&d, buf, 48, OWTW_TEST_AUTH),
                     IPPM_OK);
    assert_false(d.mbz_nonzero);
    buf[30] = 1; /* the 6 MBZ after the Error Estimate */
    assert_int_equal(owtw_sender_pkt_decode(&d, buf, 48, OWTW_TEST_AUTH),
                     IPPM_OK);
    assert_true(d.mbz_nonzero);
    buf[30] = 0;
    buf[4] = 1; /* the 12 MBZ after the Sequence Number */
    assert_int_equal(owtw_sender_pkt_decode(&d, buf, 48, OWTW_TEST_AUTH),
                     IPPM_OK);
    assert_true(d.mbz_nonzero);
    assert_int_equal(owtw_sender_pkt_decode(&d, buf, 47, OWTW_TEST_AUTH),
                     IPPM_ERR_SHORT);
}

/* ---- RFC 8186, RFC 7820 ---- */

static void test_owtw_ts_follows_the_z_bit(void **state)
{
    (void)state;
    uint64_t ns = 1700000000ull * 1000000000ull + 500000000ull;
    /* Z clear: NTP, 0.5 s is 0x80000000; Z set: PTPv2, 500000000 ns. */
    assert_true(owtw_ts_encode(ns, 0x0001) ==
                ((1700000000ull + 2208988800ull) << 32 | 0x80000000ull));
    assert_true(owtw_ts_encode(ns, 0x4001) ==
                (1700000000ull << 32 | 500000000ull));
    bool ok = false;
    assert_true(
        owtw_ts_decode(1700000000ull << 32 | 500000000ull, 0x4001, &ok) == ns);
    assert_true(ok);
    owtw_ts_decode(1700000000ull << 32 | 1000000000ull, 0xc0ff, &ok);
    assert_false(ok);
}

/* One's-complement sum of a UDP datagram with its pseudo-header, as a
 * receiver checks it (RFC 768): equal before and after means the
 * checksum field written before still verifies. */
static uint16_t udp_sum(const uint8_t *payload, size_t len)
{
    uint8_t d[600];
    static const uint8_t pseudo[12] = {127, 0, 0, 1, 10, 0, 0, 2, 0, 17};
    memcpy(d, pseudo, 12);
    d[10] = (uint8_t)((len + 8) >> 8);
    d[11] = (uint8_t)(len + 8);
    uint8_t udp[8] = {0x12, 0x34, 0x03, 0x5e, 0, 0, 0xbe, 0xef};
    udp[4] = d[10];
    udp[5] = d[11];
    memcpy(d + 12, udp, 8);
    memcpy(d + 20, payload, len);
    return owtw_ones_sum(d, 20 + len);
}

/* RFC 7820 Appendix A: the timestamping engine changes T to T' and the
 * Complement from zero to C; the checksum stays U. Every length from 14
 * to 80, odd ones too (the field then straddles two words). */
static void test_owtw_csum_complement_keeps_the_udp_checksum(void **state)
{
    (void)state;
    for (size_t len = 14; len <= 80; len++) {
        uint8_t p[80];
        for (size_t i = 0; i < len; i++)
            p[i] = (uint8_t)(i * 37u + len);
        p[len - 2] = p[len - 1] = 0;
        uint16_t before = owtw_ones_sum(p, len);
        uint16_t u = udp_sum(p, len);
        /* T -> T': a new timestamp at octet 4 (OWAMP, TWAMP open) */
        for (int i = 0; i < 8; i++)
            p[4 + i] = (uint8_t)(0xa5 ^ (i * 11) ^ len);
        assert_int_equal(owtw_csum_complement(p, len, before), IPPM_OK);
        assert_int_equal(owtw_ones_sum(p, len) % 0xffff, before % 0xffff);
        assert_int_equal(udp_sum(p, len) % 0xffff, u % 0xffff);
    }
    uint8_t one[1] = {0};
    assert_int_equal(owtw_csum_complement(one, 1, 0), IPPM_ERR_SHORT);
}

/* RFC 4656 §4.1.2: in mode A the timestamp is outside the sealed block,
 * so it can be written after sealing and the packet still opens; with
 * RFC 7820 the sum of the payload does not move. */
static void test_owtw_test_restamp_after_sealing(void **state)
{
    (void)state;
    const struct owtw_fixture *f = &owtw_fixtures[1]; /* twamp-A */
    uint8_t wire[128];
    size_t len = owtw_unhex(f->sender_wire, wire, sizeof wire);
    struct owtw_test_keys k;
    keys_of(f, &k);
    uint16_t sum = owtw_ones_sum(wire, len);
    assert_int_equal(owtw_test_restamp(wire, len, STAMP_PKT_SENDER,
                                       OWTW_TEST_AUTH, 0x0123456789abcdefull,
                                       true),
                     IPPM_OK);
    assert_int_equal(owtw_ones_sum(wire, len) % 0xffff, sum % 0xffff);
    assert_int_equal(owtw_test_open(&k, STAMP_PKT_SENDER, wire, len), IPPM_OK);
    struct stamp_sender_pkt p;
    assert_int_equal(owtw_sender_pkt_decode(&p, wire, len, OWTW_TEST_AUTH),
                     IPPM_OK);
    assert_true(p.ts == 0x0123456789abcdefull);
    assert_int_equal(
        owtw_test_restamp(wire, 48, STAMP_PKT_SENDER, OWTW_TEST_AUTH, 1, true),
        IPPM_ERR_SHORT);
    assert_int_equal(owtw_test_restamp(wire, len, STAMP_PKT_SENDER,
                                       OWTW_TEST_ENCRYPTED, 1, false),
                     IPPM_ERR_BAD_ARG);
    owtw_test_keys_free(&k);
}

/* RFC 1071 §3's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
static void test_owtw_ones_sum_matches_rfc_1071(void **state)
{
    (void)state;
    static const uint8_t v[8] = {0x00, 0x01, 0xf2, 0x03,
                                 0xf4, 0xf5, 0xf6, 0xf7};
    assert_int_equal(owtw_ones_sum(v, 8), 0xddf2);
    static const uint8_t odd[3] = {0x01, 0x02, 0x03};
    assert_int_equal(owtw_ones_sum(odd, 3), 0x0402);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owtw_test_key_octets_match_every_capture),
        cmocka_unit_test(
            test_owtw_test_keys_init_refuses_bad_mode_and_no_crypto),
        cmocka_unit_test(test_owtw_test_layouts_match_the_rfc_figures),
        cmocka_unit_test(test_owtw_sender_seal_reproduces_every_capture),
        cmocka_unit_test(test_owtw_sender_open_decodes_every_capture),
        cmocka_unit_test(test_owtw_test_open_rejects_a_flipped_bit),
        cmocka_unit_test(test_owtw_sender_pkt_open_mode_is_14_octets),
        cmocka_unit_test(
            test_owtw_sender_pkt_reports_mbz_and_refuses_bad_sizes),
        cmocka_unit_test(test_owtw_ts_follows_the_z_bit),
        cmocka_unit_test(test_owtw_csum_complement_keeps_the_udp_checksum),
        cmocka_unit_test(test_owtw_ones_sum_matches_rfc_1071),
        cmocka_unit_test(test_owtw_test_restamp_after_sealing),
    };
    return cmocka_run_group_tests(tests, owtw_ossl_setup, owtw_ossl_teardown);
}
