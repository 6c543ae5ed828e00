/* Unit tests of owtw_tap.c: the six perfSONAR control streams, fed as a
 * capture reader would (both directions, in pieces, in either order),
 * come out as every message decrypted with its MACs matched, in protocol
 * order, with the Token's keys; a tampered MAC is noted and the tap goes
 * on; an unknown KeyID stops it after the Set-Up-Response. */
#include "owtw_machine_test.h"
#include "owtw_captures_test.h"

struct tcap {
    enum owtw_proto proto;
    const uint8_t *c2s, *s2c;
    size_t c2s_len, s2c_len;
};

#define TCAP(p, n) {p, n##_c2s, n##_s2c, sizeof n##_c2s, sizeof n##_s2c}

static const struct tcap TCAPS[] = {
    TCAP(OWTW_TWAMP, twamp_O), TCAP(OWTW_TWAMP, twamp_A),
    TCAP(OWTW_TWAMP, twamp_E), TCAP(OWTW_OWAMP, owamp_O),
    TCAP(OWTW_OWAMP, owamp_A), TCAP(OWTW_OWAMP, owamp_E),
};

static const enum owtw_msg TW_ORDER[] = {
    OWTW_MSG_GREETING, OWTW_MSG_SETUP, OWTW_MSG_SERVER_START,
    OWTW_MSG_REQUEST_TW, OWTW_MSG_START, OWTW_MSG_STOP_TW,
    OWTW_MSG_ACCEPT_SESSION, OWTW_MSG_START_ACK};
static const enum owtw_msg OW_ORDER[] = {
    OWTW_MSG_GREETING, OWTW_MSG_SETUP, OWTW_MSG_SERVER_START,
    OWTW_MSG_REQUEST, OWTW_MSG_REQUEST, OWTW_MSG_START, OWTW_MSG_STOP,
    OWTW_MSG_FETCH, OWTW_MSG_ACCEPT_SESSION, OWTW_MSG_ACCEPT_SESSION,
    OWTW_MSG_START_ACK, OWTW_MSG_STOP, OWTW_MSG_FETCH_ACK, OWTW_MSG_REQUEST,
    OWTW_MSG_FETCH_SKIPS, OWTW_MSG_FETCH_RECORDS};

struct tap_mem {
    uint8_t in[2][1024], plain[2][512];
    struct owtw_tap t;
};

static void tap_open(struct tap_mem *tm, enum owtw_proto proto,
                     const struct owtw_key *keys, size_t n)
{
    struct owtw_tap_bufs b = {tm->in[0], tm->in[1], tm->plain[0],
                              tm->plain[1], 1024, 512};
    owtw_tap_init(&tm->t, proto, &crypto, keys, n, &b);
}

/* Feeds both streams (server's first when s2c_first, else client's)
 * in pieces of 41 and collects what comes out; returns how many. */
static size_t tap_run(struct tap_mem *tm, const struct tcap *c,
                      const uint8_t *c2s, bool s2c_first,
                      struct owtw_tap_msg *out, size_t max, bool *all_ok,
                      enum ippm_err *last)
{
    size_t n = 0, off[2] = {0, 0};
    const uint8_t *src[2] = {c2s, c->s2c};
    size_t len[2] = {c->c2s_len, c->s2c_len};
    *all_ok = true;
    for (int round = 0; round < 2; round++) {
        int d = (round == 0) == s2c_first ? 1 : 0;
        while (off[d] < len[d]) {
            size_t k = len[d] - off[d] < 41 ? len[d] - off[d] : 41;
            assert_int_equal(owtw_tap_feed(&tm->t, d == 0, src[d] + off[d], k),
                             IPPM_OK);
            off[d] += k;
            struct owtw_tap_msg m;
            while ((*last = owtw_tap_next(&tm->t, &m)) == IPPM_OK) {
                assert_true(n < max);
                out[n++] = m;
                *all_ok &= m.mac_ok;
            }
            if (*last != IPPM_ERR_AGAIN)
                return n;
        }
    }
    return n;
}

static void test_owtw_tap_follows_every_capture(void **state)
{
    (void)state;
    for (size_t i = 0; i < 6; i++) {
        const struct tcap *c = &TCAPS[i];
        for (int order = 0; order < 2; order++) {
            static struct tap_mem tm;
            tap_open(&tm, c->proto, KEYS, 2);
            struct owtw_tap_msg out[32];
            bool ok;
            enum ippm_err last;
            size_t n = tap_run(&tm, c, c->c2s, order, out, 32, &ok, &last);
            assert_int_equal(last, IPPM_ERR_AGAIN);
            assert_true(ok);
            assert_int_equal(n, c->proto == OWTW_TWAMP ? 8 : 16);
            /* Per direction, every octet once, in order. */
            size_t at[2] = {0, 0};
            for (size_t j = 0; j < n; j++) {
                int d = out[j].from_client ? 0 : 1;
                assert_int_equal(out[j].offset, at[d]);
                at[d] += out[j].len;
            }
            assert_int_equal(at[0], c->c2s_len);
            assert_int_equal(at[1], c->s2c_len);
            owtw_tap_free(&tm.t);
        }
    }
}

/* The sequence of kinds per direction matches the protocol's. */
static void test_owtw_tap_kinds_in_order(void **state)
{
    (void)state;
    for (size_t i = 0; i < 6; i++) {
        const struct tcap *c = &TCAPS[i];
        static struct tap_mem tm;
        tap_open(&tm, c->proto, KEYS, 2);
        struct owtw_tap_msg out[32];
        bool ok;
        enum ippm_err last;
        size_t n = tap_run(&tm, c, c->c2s, false, out, 32, &ok, &last);
        bool tw = c->proto == OWTW_TWAMP;
        const enum owtw_msg *want = tw ? TW_ORDER : OW_ORDER;
        /* want lists the client's commands (after SETUP) before the
         * server's replies; split both the same way. */
        enum owtw_msg got_c[16], got_s[16], want_c[16], want_s[16];
        size_t nc = 0, ns = 0, wc = 0, ws = 0;
        for (size_t j = 0; j < n; j++) {
            if (out[j].from_client)
                got_c[nc++] = out[j].kind;
            else
                got_s[ns++] = out[j].kind;
        }
        size_t n_cmd = tw ? 3 : 5;
        for (size_t j = 0; j < (tw ? 8u : 16u); j++) {
            bool client = want[j] == OWTW_MSG_SETUP ||
                          (j >= 3 && j < 3 + n_cmd);
            if (client)
                want_c[wc++] = want[j];
            else
                want_s[ws++] = want[j];
        }
        assert_int_equal(nc, wc);
        assert_int_equal(ns, ws);
        assert_memory_equal(got_c, want_c, nc * sizeof got_c[0]);
        assert_memory_equal(got_s, want_s, ns * sizeof got_s[0]);
        owtw_tap_free(&tm.t);
    }
}

/* The keys the test-packet checks need, and the decrypted Start-Time. */
static void test_owtw_tap_keys_and_plaintext(void **state)
{
    (void)state;
    static struct tap_mem tm;
    const struct tcap *c = &TCAPS[5]; /* owamp-E */
    tap_open(&tm, c->proto, KEYS, 2);
    struct owtw_tap_msg out[32];
    bool ok;
    enum ippm_err last;
    size_t n = tap_run(&tm, c, c->c2s, true, out, 32, &ok, &last);
    assert_int_equal(n, 16);
    const uint8_t aes_sk[16] = {0x7c, 0x6a, 0x8b, 0xec, 0x4c, 0xc0, 0xed, 0x06,
                                0xa2, 0xda, 0x40, 0xdc, 0x0c, 0x03, 0x59, 0x14};
    assert_memory_equal(owtw_tap_keys(&tm.t)->aes_sk, aes_sk, 16);
    owtw_tap_free(&tm.t);
    /* Server-Start block 3 in plaintext: eeb14c69.56ad0c3d then MBZ. */
    tap_open(&tm, c->proto, KEYS, 2);
    struct owtw_tap_msg m;
    assert_int_equal(owtw_tap_feed(&tm.t, false, c->s2c, 112), IPPM_OK);
    assert_int_equal(owtw_tap_next(&tm.t, &m), IPPM_OK);
    assert_int_equal(m.kind, OWTW_MSG_GREETING);
    assert_int_equal(owtw_tap_next(&tm.t, &m), IPPM_ERR_AGAIN);
    assert_int_equal(owtw_tap_feed(&tm.t, true, c->c2s, 164), IPPM_OK);
    assert_int_equal(owtw_tap_next(&tm.t, &m), IPPM_OK);
    assert_int_equal(m.kind, OWTW_MSG_SETUP);
    assert_int_equal(owtw_tap_next(&tm.t, &m), IPPM_OK);
    assert_int_equal(m.kind, OWTW_MSG_SERVER_START);
    struct owtw_server_start ss;
    assert_int_equal(owtw_server_start_decode(&ss, m.plain, m.len), IPPM_OK);
    assert_true(ss.start_time == 0xeeb14c6956ad0c3dull);
    assert_false(ss.mbz_nonzero);
    owtw_tap_free(&tm.t);
}

/* A tampered MAC block: that message says mac_ok false, the tap goes
 * on; an unknown KeyID: the Set-Up-Response comes out, then
 * OWTW_ERR_KEYID, sticky. */
static void test_owtw_tap_bad_mac_and_unknown_key(void **state)
{
    (void)state;
    static struct tap_mem tm;
    const struct tcap *c = &TCAPS[2]; /* twamp-E */
    uint8_t c2s[340];
    memcpy(c2s, c->c2s, sizeof c2s);
    c2s[164 + 96 + 3] ^= 0x10; /* the request's MAC block */
    tap_open(&tm, c->proto, KEYS, 2);
    struct owtw_tap_msg out[32];
    bool ok;
    enum ippm_err last;
    size_t n = tap_run(&tm, c, c2s, true, out, 32, &ok, &last);
    assert_int_equal(n, 8);
    assert_false(ok);
    /* CBC carries the flip into the next block, the Start-Sessions'
     * first: both MACs fail, the Stop-Sessions' holds. */
    size_t bad = 0;
    for (size_t j = 0; j < n; j++)
        if (!out[j].mac_ok) {
            assert_int_equal(out[j].kind, bad++ ? OWTW_MSG_START
                                                : OWTW_MSG_REQUEST_TW);
        }
    assert_int_equal(bad, 2);
    owtw_tap_free(&tm.t);

    tap_open(&tm, c->proto, KEYS, 1); /* only "other" */
    n = tap_run(&tm, c, c->c2s, true, out, 32, &ok, &last);
    assert_int_equal(last, OWTW_ERR_KEYID);
    assert_int_equal(n, 2);
    assert_int_equal(out[1].kind, OWTW_MSG_SETUP);
    struct owtw_tap_msg m;
    assert_int_equal(owtw_tap_next(&tm.t, &m), OWTW_ERR_KEYID);
    owtw_tap_free(&tm.t);
}

/* A captured greeting's Count 0 (or a huge one) cannot key PBKDF2: the
 * tap stops with OWTW_ERR_WEAK_COUNT (found by fuzz_owtw_tap). */
static void test_owtw_tap_refuses_to_derive_with_bad_counts(void **state)
{
    (void)state;
    static const uint32_t counts[] = {0, OWTW_TAP_MAX_COUNT + 1};
    for (size_t i = 0; i < 2; i++) {
        static struct tap_mem tm;
        tap_open(&tm, OWTW_TWAMP, KEYS, 2);
        struct owtw_greeting g = {.modes = 7, .count = counts[i]};
        struct owtw_setup su = {.mode = OWTW_MODE_AUTH};
        memcpy(su.keyid, KEYID, 8);
        uint8_t gb[64], sb[164];
        size_t n;
        owtw_greeting_encode(gb, sizeof gb, &n, &g);
        owtw_setup_encode(sb, sizeof sb, &n, &su);
        assert_int_equal(owtw_tap_feed(&tm.t, false, gb, 64), IPPM_OK);
        assert_int_equal(owtw_tap_feed(&tm.t, true, sb, 164), IPPM_OK);
        struct owtw_tap_msg m;
        assert_int_equal(owtw_tap_next(&tm.t, &m), IPPM_OK); /* greeting */
        assert_int_equal(owtw_tap_next(&tm.t, &m), IPPM_OK); /* set-up */
        assert_int_equal(owtw_tap_next(&tm.t, &m), OWTW_ERR_WEAK_COUNT);
        owtw_tap_free(&tm.t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owtw_tap_follows_every_capture),
        cmocka_unit_test(test_owtw_tap_kinds_in_order),
        cmocka_unit_test(test_owtw_tap_keys_and_plaintext),
        cmocka_unit_test(test_owtw_tap_bad_mac_and_unknown_key),
        cmocka_unit_test(test_owtw_tap_refuses_to_derive_with_bad_counts),
    };
    return cmocka_run_group_tests(tests, owtw_test_setup, owtw_test_teardown);
}
