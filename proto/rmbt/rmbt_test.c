/* Unit tests of rmbt_wire.c, rmbt_token.c and rmbt_server.c: every vector
 * of rmbt-udp-ping notes §7 (tokens, keys, requests, replies, base64) and
 * every row of the notes §4 table, with the clock injected and OpenSSL as
 * the crypto backend. Decoder inputs end at a guard page. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "impl/core/crypto_openssl.h"
#include "proto/common/ippm_cur.h"
#include "proto/rmbt/rmbt.h"

#define NS 1000000000ull
#define T0 1700000000u /* 0x6553f100, the notes' vector time */

static struct ippm_crypto ossl;

static int ossl_setup(void **state)
{
    (void)state;
    return ippm_crypto_openssl_init(&ossl);
}

static int ossl_teardown(void **state)
{
    (void)state;
    ippm_crypto_openssl_free(&ossl);
    return 0;
}

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (; hex[0] && hex[1]; hex += 2) {
        if (*hex == ' ') {
            hex--;
            continue;
        }
        unsigned v = 0;
        for (int i = 0; i < 2; i++) {
            char c = hex[i];
            v = v << 4 | (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        }
        assert_true(n < cap);
        out[n++] = (uint8_t)v;
    }
    return n;
}

static void assert_hex(const uint8_t *p, size_t len, const char *hex)
{
    uint8_t want[64];
    assert_int_equal(unhex(hex, want, sizeof want), len);
    assert_memory_equal(p, want, len);
}

static struct ippm_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct ippm_addr x = {.family = IPPM_AF_INET, .port = 40000};
    x.ip[0] = a;
    x.ip[1] = b;
    x.ip[2] = c;
    x.ip[3] = d;
    return x;
}

static struct ippm_addr v6(const char *hex32)
{
    struct ippm_addr x = {.family = IPPM_AF_INET6, .port = 40000};
    assert_int_equal(unhex(hex32, x.ip, 16), 16);
    return x;
}

#define V6_LOOPBACK         "00000000000000000000000000000001"
#define V6_MAPPED_192_0_2_1 "00000000000000000000ffffc0000201"
#define V6_MAPPED_127_0_0_1 "00000000000000000000ffff7f000001"
#define V6_DOC              "20010db8000000000000000000000001"

static void key_of(struct ippm_hmac_key *k, const char *secret, size_t len)
{
    assert_int_equal(ippm_hmac_key_init(k, &ossl, IPPM_HASH_SHA256,
                                        (const uint8_t *)secret, len),
                     IPPM_OK);
}

static void mint(const char *secret, size_t slen, uint32_t t,
                 const struct ippm_addr *ip, uint8_t token[RMBT_TOKEN_LEN])
{
    struct ippm_hmac_key k;
    key_of(&k, secret, slen);
    assert_int_equal(rmbt_token_mint(&k, t, ip, token), IPPM_OK);
    ippm_hmac_key_free(&k);
}

/* Notes §7: the token of each address under "topsecret" at 0x6553f100,
 * in hex and base64, the IPv4-mapped form equal to plain IPv4. */
static void test_rmbt_token_mint_reproduces_notes_vectors(void **state)
{
    (void)state;
    struct {
        struct ippm_addr ip;
        const char *hex, *b64;
    } v[] = {
        {v4(127, 0, 0, 1), "6553f1004cc4accebe54193778fcb688",
         "ZVPxAEzErM6+VBk3ePy2iA=="},
        {v6(V6_LOOPBACK), "6553f1004cc4accebe5419379a996b70",
         "ZVPxAEzErM6+VBk3mplrcA=="},
        {v4(192, 0, 2, 1), "6553f1004cc4accebe54193776d74248",
         "ZVPxAEzErM6+VBk3dtdCSA=="},
        {v6(V6_MAPPED_192_0_2_1), "6553f1004cc4accebe54193776d74248",
         "ZVPxAEzErM6+VBk3dtdCSA=="},
        {v6(V6_DOC), "6553f1004cc4accebe5419371e3c58ab",
         "ZVPxAEzErM6+VBk3HjxYqw=="},
        {v4(62, 1, 2, 3), "6553f1004cc4accebe5419371e64f33f",
         "ZVPxAEzErM6+VBk3HmTzPw=="},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t tok[RMBT_TOKEN_LEN], back[RMBT_TOKEN_LEN];
        char b64[RMBT_TOKEN_B64_LEN + 1];
        mint("topsecret", 9, T0, &v[i].ip, tok);
        assert_hex(tok, 16, v[i].hex);
        assert_int_equal(rmbt_token_time(tok), T0);
        rmbt_token_b64(tok, b64);
        assert_string_equal(b64, v[i].b64);
        assert_int_equal(rmbt_token_from_b64(b64, strlen(b64), back), IPPM_OK);
        assert_memory_equal(back, tok, 16);
    }
}

/* Notes §7: "topsecret" at 0x67ac5975 for 62.1.2.3. */
static void test_rmbt_token_mint_readme_time(void **state)
{
    (void)state;
    uint8_t tok[RMBT_TOKEN_LEN];
    struct ippm_addr ip = v4(62, 1, 2, 3);
    mint("topsecret", 9, 0x67ac5975u, &ip, tok);
    assert_hex(tok, 16, "67ac5975f89ef651a010d0c6055fa9f8");
}

/* Notes §2, §7: a key over 64 octets is hashed first (100 x "a"), and a
 * key is its UTF-8 octets ("kéy"). */
static void test_rmbt_token_mint_long_and_utf8_keys(void **state)
{
    (void)state;
    char a100[100];
    memset(a100, 'a', sizeof a100);
    uint8_t tok[RMBT_TOKEN_LEN];
    struct ippm_addr lo = v4(127, 0, 0, 1);
    mint(a100, sizeof a100, T0, &lo, tok);
    assert_hex(tok, 16, "6553f100884e5fbb277058f28219c030");
    mint("k\xc3\xa9y", 4, T0, &lo, tok);
    assert_hex(tok, 16, "6553f100230f411af16b2d7cff0644a5");
}

/* Notes §2: ip128 of IPv4 is ::ffff:a.b.c.d; of IPv6 the address, with
 * no zone. */
static void test_rmbt_ip128_maps_ipv4_and_drops_zone(void **state)
{
    (void)state;
    uint8_t out[16];
    struct ippm_addr a = v4(192, 0, 2, 1);
    rmbt_ip128(&a, out);
    assert_hex(out, 16, V6_MAPPED_192_0_2_1);
    a = v6("fe800000000000000000000000000001");
    a.scope_id = 7;
    rmbt_ip128(&a, out);
    assert_hex(out, 16, "fe800000000000000000000000000001");
    a = v6(V6_LOOPBACK);
    rmbt_ip128(&a, out);
    assert_hex(out, 16, V6_LOOPBACK);
}

static void test_rmbt_token_mint_rejects_no_family(void **state)
{
    (void)state;
    struct ippm_hmac_key k;
    key_of(&k, "topsecret", 9);
    uint8_t tok[RMBT_TOKEN_LEN];
    memset(tok, 0x5a, sizeof tok);
    struct ippm_addr none = {0};
    assert_int_equal(rmbt_token_mint(&k, T0, &none, tok), IPPM_ERR_BAD_ARG);
    assert_int_equal(tok[0], 0x5a);
    ippm_hmac_key_free(&k);
    struct ippm_hmac_key unkeyed = {0};
    struct ippm_addr lo = v4(127, 0, 0, 1);
    assert_int_equal(rmbt_token_mint(&unkeyed, T0, &lo, tok), IPPM_ERR_NO_KEY);
    assert_int_equal(tok[0], 0x5a);
}

/* Notes §3: exactly 16 octets, else the client refuses the token. */
static void test_rmbt_token_from_b64_rejects_other_lengths(void **state)
{
    (void)state;
    uint8_t tok[RMBT_TOKEN_LEN];
    memset(tok, 0x5a, sizeof tok);
    static const char *bad[] = {
        "",
        "ZVPxAEzErM6+VBk3ePy2iA",       /* no padding */
        "ZVPxAEzErM6+VBk3ePy2iA=",      /* short padding */
        "ZVPxAEzErM6+VBk3ePy2iAA=",     /* 17 octets */
        "ZVPxAEzErM6+VBk3ePy2iAAA",     /* 18 octets */
        "ZVPxAEzErM6+VBk3ePy2",         /* 15 octets */
        "ZVPxAEzErM6-VBk3ePy2iA==",     /* URL-safe alphabet */
        "ZVPxAEzErM6+VBk3ePy2i===",     /* padding too early */
        "ZVPxAEzErM6+VBk3ePy2iA==AAAA", /* 19 octets */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ippm_guard g;
        const char *p =
            (const char *)ippm_guard_copy(&g, bad[i], strlen(bad[i]));
        assert_int_equal(rmbt_token_from_b64(p, strlen(bad[i]), tok),
                         IPPM_ERR_BAD_ARG);
        ippm_guard_free(&g);
        assert_int_equal(tok[0], 0x5a);
    }
    /* Python's decoder ignores the two spare bits of the last character. */
    assert_int_equal(rmbt_token_from_b64("ZVPxAEzErM6+VBk3ePy2iB==", 24, tok),
                     IPPM_OK);
    assert_hex(tok, 16, "6553f1004cc4accebe54193778fcb688");
}

/* Notes §7: the full requests. */
static void test_rmbt_request_encode_reproduces_notes_vectors(void **state)
{
    (void)state;
    uint8_t tok[RMBT_TOKEN_LEN], buf[RMBT_REQ_LEN];
    struct ippm_addr lo = v4(127, 0, 0, 1), lo6 = v6(V6_LOOPBACK);
    mint("topsecret", 9, T0, &lo, tok);
    assert_int_equal(rmbt_request_encode(buf, sizeof buf, 0, tok), IPPM_OK);
    assert_hex(buf, 24, "52503031 00000000 6553f100 4cc4accebe541937 78fcb688");
    assert_int_equal(rmbt_request_encode(buf, sizeof buf, 1, tok), IPPM_OK);
    assert_hex(buf, 24, "52503031000000016553f1004cc4accebe54193778fcb688");
    assert_int_equal(rmbt_request_encode(buf, sizeof buf, 0x12345678, tok),
                     IPPM_OK);
    assert_hex(buf, 24, "52503031123456786553f1004cc4accebe54193778fcb688");
    mint("topsecret", 9, T0, &lo6, tok);
    assert_int_equal(rmbt_request_encode(buf, sizeof buf, 0x12345678, tok),
                     IPPM_OK);
    assert_hex(buf, 24, "52503031123456786553f1004cc4accebe5419379a996b70");
    assert_int_equal(rmbt_request_encode(buf, 23, 0, tok), IPPM_ERR_NOSPACE);
}

static void test_rmbt_request_decode_checks_length_then_magic(void **state)
{
    (void)state;
    uint8_t wire[32];
    unhex("52503031123456786553f1004cc4accebe54193778fcb688", wire, 24);
    struct ippm_guard g;
    struct rmbt_request r;
    const uint8_t *p = ippm_guard_copy(&g, wire, 24);
    assert_int_equal(rmbt_request_decode(p, 24, &r), IPPM_OK);
    assert_int_equal(r.seq, 0x12345678);
    assert_hex(r.token, 16, "6553f1004cc4accebe54193778fcb688");
    ippm_guard_free(&g);
    for (size_t len = 0; len < sizeof wire; len++) {
        if (len == 24)
            continue;
        p = ippm_guard_copy(&g, wire, len);
        assert_int_equal(rmbt_request_decode(p, len, &r), RMBT_ERR_LENGTH);
        ippm_guard_free(&g);
    }
    /* 3-octet magic prefix with a wrong length: the length is named. */
    wire[3] = '2';
    p = ippm_guard_copy(&g, wire, 24);
    assert_int_equal(rmbt_request_decode(p, 24, &r), RMBT_ERR_MAGIC);
    ippm_guard_free(&g);
    p = ippm_guard_copy(&g, wire, 25);
    assert_int_equal(rmbt_request_decode(p, 25, &r), RMBT_ERR_LENGTH);
    ippm_guard_free(&g);
}

/* Notes §7: the replies RR01 and RE01. */
static void test_rmbt_reply_codec_reproduces_notes_vectors(void **state)
{
    (void)state;
    uint8_t buf[RMBT_REP_LEN];
    struct rmbt_reply r = {RMBT_RR01, 0x12345678};
    assert_int_equal(rmbt_reply_encode(buf, sizeof buf, &r), IPPM_OK);
    assert_hex(buf, 8, "5252303112345678");
    r.tag = RMBT_RE01;
    assert_int_equal(rmbt_reply_encode(buf, sizeof buf, &r), IPPM_OK);
    assert_hex(buf, 8, "5245303112345678");
    assert_int_equal(rmbt_reply_encode(buf, 7, &r), IPPM_ERR_NOSPACE);
    r.tag = (enum rmbt_tag)7;
    assert_int_equal(rmbt_reply_encode(buf, 8, &r), IPPM_ERR_BAD_ARG);

    struct ippm_guard g;
    struct rmbt_reply d;
    uint8_t wire[9];
    unhex("5252303112345678", wire, 8);
    const uint8_t *p = ippm_guard_copy(&g, wire, 8);
    assert_int_equal(rmbt_reply_decode(p, 8, &d), IPPM_OK);
    assert_int_equal(d.tag, RMBT_RR01);
    assert_int_equal(d.seq, 0x12345678);
    ippm_guard_free(&g);
    unhex("5245303187654321", wire, 8);
    p = ippm_guard_copy(&g, wire, 8);
    assert_int_equal(rmbt_reply_decode(p, 8, &d), IPPM_OK);
    assert_int_equal(d.tag, RMBT_RE01);
    assert_int_equal(d.seq, 0x87654321);
    ippm_guard_free(&g);
    p = ippm_guard_copy(&g, wire, 7);
    assert_int_equal(rmbt_reply_decode(p, 7, &d), RMBT_ERR_LENGTH);
    ippm_guard_free(&g);
    wire[8] = 0;
    p = ippm_guard_copy(&g, wire, 9);
    assert_int_equal(rmbt_reply_decode(p, 9, &d), RMBT_ERR_LENGTH);
    ippm_guard_free(&g);
    /* The request's magic, and RX01, are not replies. */
    unhex("5250303112345678", wire, 8);
    p = ippm_guard_copy(&g, wire, 8);
    assert_int_equal(rmbt_reply_decode(p, 8, &d), RMBT_ERR_MAGIC);
    ippm_guard_free(&g);
    unhex("5258303112345678", wire, 8);
    p = ippm_guard_copy(&g, wire, 8);
    assert_int_equal(rmbt_reply_decode(p, 8, &d), RMBT_ERR_MAGIC);
    ippm_guard_free(&g);
}

static void test_rmbt_err_str_names_reasons(void **state)
{
    (void)state;
    assert_string_equal(rmbt_err_str(RMBT_ERR_LENGTH), "length");
    assert_string_equal(rmbt_err_str(RMBT_ERR_MAGIC), "magic");
    assert_string_equal(rmbt_err_str(RMBT_ERR_EXPIRED), "expired");
    assert_string_equal(rmbt_err_str(RMBT_ERR_FUTURE), "future");
    assert_string_equal(rmbt_err_str(RMBT_ERR_HASH), "hash");
    assert_string_equal(rmbt_err_str(IPPM_ERR_SHORT),
                        ippm_err_str(IPPM_ERR_SHORT));
}

/* ---- the server (notes §4) ---- */

/* A server with up to three secrets, keyed from text. */
struct fixture {
    struct ippm_hmac_key keys[3];
    struct rmbt_server srv;
};

static void fixture_init(struct fixture *f, const char *const *secrets,
                         size_t n)
{
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < n; i++)
        key_of(&f->keys[i], secrets[i], strlen(secrets[i]));
    f->srv.secrets = f->keys;
    f->srv.n_secrets = n;
}

static void fixture_free(struct fixture *f)
{
    for (size_t i = 0; i < 3; i++)
        ippm_hmac_key_free(&f->keys[i]);
}

/* A request of seq 0x12345678 at time t for ip under secret. */
static void request(const char *secret, uint32_t t, const struct ippm_addr *ip,
                    uint8_t wire[RMBT_REQ_LEN])
{
    uint8_t tok[RMBT_TOKEN_LEN];
    mint(secret, strlen(secret), t, ip, tok);
    assert_int_equal(rmbt_request_encode(wire, RMBT_REQ_LEN, 0x12345678, tok),
                     IPPM_OK);
}

/* The decision on wire (len octets, from a guard page) from src at now. */
static struct rmbt_decision decide(const struct fixture *f, const uint8_t *wire,
                                   size_t len, const struct ippm_addr *src,
                                   uint64_t now_ns)
{
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, wire, len);
    struct rmbt_decision d;
    memset(&d, 0x5a, sizeof d);
    rmbt_server_decide(&f->srv, p, len, src, now_ns, &d);
    ippm_guard_free(&g);
    return d;
}

static const char *const topsecret[] = {"topsecret"};

/* §4 row "valid": RR01, from IPv4, IPv6, and IPv4 seen on a dual-stack
 * socket as ::ffff:127.0.0.1. */
static void test_rmbt_server_valid_gets_rr01(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, topsecret, 1);
    uint8_t wire[RMBT_REQ_LEN];
    struct ippm_addr lo = v4(127, 0, 0, 1), lo6 = v6(V6_LOOPBACK),
                     mapped = v6(V6_MAPPED_127_0_0_1);
    request("topsecret", T0, &lo, wire);
    struct rmbt_decision d = decide(&f, wire, 24, &lo, (uint64_t)T0 * NS);
    assert_int_equal(d.why, IPPM_OK);
    assert_int_equal(d.tag, RMBT_RR01);
    assert_int_equal(d.seq, 0x12345678);
    assert_int_equal(d.secret, 0);
    assert_int_equal(d.age_s, 0);
    assert_hex(d.hash_want, 8, "4cc4accebe541937");
    assert_hex(d.ip_hash_want, 4, "78fcb688");
    d = decide(&f, wire, 24, &mapped, (uint64_t)T0 * NS);
    assert_int_equal(d.why, IPPM_OK);
    assert_int_equal(d.tag, RMBT_RR01);
    request("topsecret", T0, &lo6, wire);
    d = decide(&f, wire, 24, &lo6, (uint64_t)T0 * NS + 5);
    assert_int_equal(d.why, IPPM_OK);
    assert_int_equal(d.tag, RMBT_RR01);
    assert_hex(d.ip_hash_want, 4, "9a996b70");
    fixture_free(&f);
}

/* §4 row "IP hash for 192.0.2.1": a good packet_hash from another
 * address gets RE01. */
static void test_rmbt_server_wrong_ip_gets_re01(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, topsecret, 1);
    uint8_t wire[RMBT_REQ_LEN];
    struct ippm_addr doc = v4(192, 0, 2, 1), lo = v4(127, 0, 0, 1),
                     lo6 = v6(V6_LOOPBACK);
    request("topsecret", T0, &doc, wire);
    struct rmbt_decision d = decide(&f, wire, 24, &lo, (uint64_t)T0 * NS);
    assert_int_equal(d.why, IPPM_OK);
    assert_int_equal(d.tag, RMBT_RE01);
    assert_int_equal(d.secret, 0);
    assert_hex(d.ip_hash_want, 4, "78fcb688");
    /* The v4 token from ::1 and the ::1 token from 127.0.0.1 differ. */
    request("topsecret", T0, &lo, wire);
    d = decide(&f, wire, 24, &lo6, (uint64_t)T0 * NS);
    assert_int_equal(d.tag, RMBT_RE01);
    fixture_free(&f);
}

/* §4 row "wrong key": a bad packet_hash is a silent drop. */
static void test_rmbt_server_wrong_key_drops(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, topsecret, 1);
    uint8_t wire[RMBT_REQ_LEN];
    struct ippm_addr lo = v4(127, 0, 0, 1);
    request("notsecret", T0, &lo, wire);
    struct rmbt_decision d = decide(&f, wire, 24, &lo, (uint64_t)T0 * NS);
    assert_int_equal(d.why, RMBT_ERR_HASH);
    assert_int_equal(d.secret, -1);
    assert_hex(d.hash_want, 8, "4cc4accebe541937");
    /* One flipped bit in packet_hash. */
    request("topsecret", T0, &lo, wire);
    wire[19] ^= 1;
    d = decide(&f, wire, 24, &lo, (uint64_t)T0 * NS);
    assert_int_equal(d.why, RMBT_ERR_HASH);
    fixture_free(&f);
}

/* §4 rows "magic RP02 / 23 B / 25 B": dropped, with or without secret. */
static void test_rmbt_server_bad_magic_and_lengths_drop(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 1; n++) {
        struct fixture f;
        fixture_init(&f, topsecret, n);
        uint8_t wire[RMBT_REQ_LEN + 1] = {0};
        struct ippm_addr lo = v4(127, 0, 0, 1);
        request("topsecret", T0, &lo, wire);
        struct rmbt_decision d = decide(&f, wire, 23, &lo, (uint64_t)T0 * NS);
        assert_int_equal(d.why, RMBT_ERR_LENGTH);
        d = decide(&f, wire, 25, &lo, (uint64_t)T0 * NS);
        assert_int_equal(d.why, RMBT_ERR_LENGTH);
        wire[3] = '2';
        d = decide(&f, wire, 24, &lo, (uint64_t)T0 * NS);
        assert_int_equal(d.why, RMBT_ERR_MAGIC);
        fixture_free(&f);
    }
}

/* §4 step 2 boundaries: t = now-14400 and now+30 pass, one second more
 * drops; whole seconds of now count. Also the table's rows at 4 h + 10 s,
 * 4 h - 60 s, +25 s and +40 s. */
static void test_rmbt_server_window_boundaries(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, topsecret, 1);
    uint8_t wire[RMBT_REQ_LEN];
    struct ippm_addr lo = v4(127, 0, 0, 1);
    request("topsecret", T0, &lo, wire);
    struct {
        int64_t now_minus_t;
        uint64_t frac_ns;
        enum ippm_err why;
    } rows[] = {
        {14400, 0, IPPM_OK},
        {14400, NS - 1, IPPM_OK},
        {14401, 0, RMBT_ERR_EXPIRED},
        {14410, 0, RMBT_ERR_EXPIRED},
        {14340, 0, IPPM_OK},
        {-30, 0, IPPM_OK},
        {-30, NS - 1, IPPM_OK},
        {-31, NS - 1, RMBT_ERR_FUTURE},
        {-25, 0, IPPM_OK},
        {-40, 0, RMBT_ERR_FUTURE},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint64_t now = (uint64_t)((int64_t)T0 + rows[i].now_minus_t) * NS +
                       rows[i].frac_ns;
        struct rmbt_decision d = decide(&f, wire, 24, &lo, now);
        assert_int_equal(d.why, rows[i].why);
        assert_int_equal(d.age_s, rows[i].now_minus_t);
        if (d.why == IPPM_OK)
            assert_int_equal(d.tag, RMBT_RR01);
    }
    fixture_free(&f);
}

/* §4 step 3: no secret gives RE01 to anything in the window, hash or
 * not, and the window still drops. A zero token has time 0: expired. */
static void test_rmbt_server_no_secret_re01_window_applies(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL, 0);
    uint8_t wire[RMBT_REQ_LEN];
    struct ippm_addr lo = v4(127, 0, 0, 1);
    request("anything", T0, &lo, wire);
    struct rmbt_decision d = decide(&f, wire, 24, &lo, (uint64_t)T0 * NS);
    assert_int_equal(d.why, IPPM_OK);
    assert_int_equal(d.tag, RMBT_RE01);
    assert_int_equal(d.secret, -1);
    d = decide(&f, wire, 24, &lo, (uint64_t)(T0 + 14400) * NS);
    assert_int_equal(d.why, IPPM_OK);
    assert_int_equal(d.tag, RMBT_RE01);
    d = decide(&f, wire, 24, &lo, (uint64_t)(T0 + 14401) * NS);
    assert_int_equal(d.why, RMBT_ERR_EXPIRED);
    d = decide(&f, wire, 24, &lo, (uint64_t)(T0 - 31) * NS);
    assert_int_equal(d.why, RMBT_ERR_FUTURE);
    memset(wire + 8, 0, 16);
    d = decide(&f, wire, 24, &lo, (uint64_t)T0 * NS);
    assert_int_equal(d.why, RMBT_ERR_EXPIRED);
    fixture_free(&f);
}

/* §4 step 4 (v2.2): secrets are tried in order, the first whose
 * packet_hash matches decides the IP hash. */
static void test_rmbt_server_tries_secrets_in_order(void **state)
{
    (void)state;
    static const char *const three[] = {"first", "topsecret", "third"};
    struct fixture f;
    fixture_init(&f, three, 3);
    uint8_t wire[RMBT_REQ_LEN];
    struct ippm_addr lo = v4(127, 0, 0, 1), doc = v4(192, 0, 2, 1);
    request("topsecret", T0, &lo, wire);
    struct rmbt_decision d = decide(&f, wire, 24, &lo, (uint64_t)T0 * NS);
    assert_int_equal(d.why, IPPM_OK);
    assert_int_equal(d.tag, RMBT_RR01);
    assert_int_equal(d.secret, 1);
    assert_hex(d.hash_want, 8, "4cc4accebe541937");
    request("third", T0, &doc, wire);
    d = decide(&f, wire, 24, &lo, (uint64_t)T0 * NS);
    assert_int_equal(d.why, IPPM_OK);
    assert_int_equal(d.tag, RMBT_RE01);
    assert_int_equal(d.secret, 2);
    request("fourth", T0, &lo, wire);
    d = decide(&f, wire, 24, &lo, (uint64_t)T0 * NS);
    assert_int_equal(d.why, RMBT_ERR_HASH);
    assert_int_equal(d.secret, -1);
    fixture_free(&f);
    /* The same secret twice: the first wins. */
    static const char *const twice[] = {"topsecret", "topsecret"};
    fixture_init(&f, twice, 2);
    request("topsecret", T0, &lo, wire);
    d = decide(&f, wire, 24, &lo, (uint64_t)T0 * NS);
    assert_int_equal(d.secret, 0);
    fixture_free(&f);
}

/* A secret the backend cannot use is reported, not matched. */
static void test_rmbt_server_unkeyed_secret_is_no_key(void **state)
{
    (void)state;
    struct ippm_hmac_key unkeyed = {0};
    struct rmbt_server srv = {&unkeyed, 1};
    uint8_t wire[RMBT_REQ_LEN];
    struct ippm_addr lo = v4(127, 0, 0, 1);
    request("topsecret", T0, &lo, wire);
    struct rmbt_decision d;
    rmbt_server_decide(&srv, wire, 24, &lo, (uint64_t)T0 * NS, &d);
    assert_int_equal(d.why, IPPM_ERR_NO_KEY);
}

/* The event contract: a DATAGRAM gives the 8-octet reply of notes §7 or
 * a DROP with the reason; other events nothing. */
static void test_rmbt_server_handle_event_contract(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, topsecret, 1);
    uint8_t wire[RMBT_REQ_LEN], tx[64];
    struct ippm_rx_meta meta = {.peer = v4(127, 0, 0, 1)};
    request("topsecret", T0, &meta.peer, wire);
    struct ippm_event ev = {IPPM_EV_DATAGRAM, (uint64_t)T0 * NS, wire, 24,
                            &meta};
    struct ippm_action act;
    struct rmbt_decision d;
    rmbt_server_handle(&f.srv, &ev, tx, sizeof tx, &act, &d);
    assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_int_equal(act.len, RMBT_REP_LEN);
    assert_int_equal(act.seq, 0x12345678);
    assert_hex(tx, 8, "5252303112345678");
    assert_int_equal(d.tag, RMBT_RR01);
    meta.peer = v4(192, 0, 2, 1);
    rmbt_server_handle(&f.srv, &ev, tx, sizeof tx, &act, NULL);
    assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
    assert_hex(tx, 8, "5245303112345678");
    /* No room for the reply: dropped, not truncated. */
    memset(tx, 0, sizeof tx);
    rmbt_server_handle(&f.srv, &ev, tx, 7, &act, &d);
    assert_int_equal(act.kind, IPPM_ACT_DROP);
    assert_int_equal(act.why, IPPM_ERR_NOSPACE);
    assert_int_equal(tx[0], 0);
    ev.len = 23;
    rmbt_server_handle(&f.srv, &ev, tx, sizeof tx, &act, &d);
    assert_int_equal(act.kind, IPPM_ACT_DROP);
    assert_int_equal(act.why, RMBT_ERR_LENGTH);
    assert_int_equal(act.len, 0);
    ev.len = 24;
    ev.meta = NULL;
    rmbt_server_handle(&f.srv, &ev, tx, sizeof tx, &act, &d);
    assert_int_equal(act.kind, IPPM_ACT_DROP);
    for (int k = IPPM_EV_TIMER; k <= IPPM_EV_CLOSED; k++) {
        ev.kind = (enum ippm_ev_kind)k;
        rmbt_server_handle(&f.srv, &ev, tx, sizeof tx, &act, &d);
        assert_int_equal(act.kind, IPPM_ACT_NONE);
    }
    fixture_free(&f);
}

/* Amplification (notes §4): never more than 8 octets back for 24 in,
 * whatever the input; every short or long datagram is dropped. */
static void test_rmbt_server_never_amplifies(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL, 0);
    uint8_t wire[64], tx[64];
    struct ippm_rx_meta meta = {.peer = v4(127, 0, 0, 1)};
    request("x", T0, &meta.peer, wire);
    memset(wire + 24, 0, sizeof wire - 24);
    for (size_t len = 0; len <= sizeof wire; len++) {
        struct ippm_event ev = {IPPM_EV_DATAGRAM, (uint64_t)T0 * NS, wire, len,
                                &meta};
        struct ippm_action act;
        rmbt_server_handle(&f.srv, &ev, tx, sizeof tx, &act, NULL);
        if (len == 24) {
            assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
            assert_int_equal(act.len, 8);
        } else {
            assert_int_equal(act.kind, IPPM_ACT_DROP);
        }
    }
    fixture_free(&f);
}

/* notes §8: every request of rmbt-loopback.pcap (the real client and
 * the real v1.1 and v2.2 servers, secret "topsecret", 127.0.0.1 and ::1)
 * decided at its capture second gives the reply the server sent, or a
 * drop where the server sent none. */
static void test_rmbt_server_reproduces_loopback_capture(void **state)
{
    (void)state;
    static const struct {
        uint64_t now_s;
        int v6;
        const char *req, *rep;
    } rows[] = {
        {1795606923, 0, "52503031f85277fe6b06c98bcfea52ed1a807cd600546bad",
         "52523031f85277fe"},
        {1795606924, 0, "52503031f85277ff6b06c98c659c09e717f1737a4abaa756",
         "52523031f85277ff"},
        {1795606925, 0, "52503031f85278006b06c98d4987b71aba7cfd12408bcdfd",
         "52523031f8527800"},
        {1795606926, 0, "52503031f85278016b06c98e76b66e2b36e8b99442608791",
         "52523031f8527801"},
        {1795606927, 0, "52503031f85278026b06c98f520431b07d4798757cb337ed",
         "52523031f8527802"},
        {1795606928, 1, "525030314af943c76b06c990dd81aa7c75939dc2724d3d8e",
         "525230314af943c7"},
        {1795606929, 1, "525030314af943c86b06c9911245c7e02ff6f33991d14596",
         "525230314af943c8"},
        {1795606930, 1, "525030314af943c96b06c9926aa8b42f53b1444b54b10633",
         "525230314af943c9"},
        {1795606931, 1, "525030314af943ca6b06c9938caa5fa222f90bba4f25e9b5",
         "525230314af943ca"},
        {1795606931, 0, "52503031f6a14ef56b06c9938caa5fa222f90bbae242a5e6",
         "52453031f6a14ef5"},
        {1795606932, 0, "52503031f6a14ef66b06c9938caa5fa222f90bbae242a5e6",
         "52453031f6a14ef6"},
        {1795606933, 0, "52503031f6a14ef76b06c9938caa5fa222f90bbae242a5e6",
         "52453031f6a14ef7"},
        {1795606934, 0, "52503031f6a14ef86b06c9938caa5fa222f90bbae242a5e6",
         "52453031f6a14ef8"},
        {1795606937, 0, "52503031000000016b06c99937d29e56049a34f63ab50706",
         "5252303100000001"},
        {1795606937, 0, "52503031000000026b06c99937d29e56049a34f6d5aedc17",
         "5245303100000002"},
        {1795606937, 0, "52503031000000036b06c99901bc056f54c7f5cfdedd2661",
         NULL},
        {1795606938, 0, "52503032000000046b06c99937d29e56049a34f63ab50706",
         NULL},
        {1795606938, 0, "52503031000000056b06c99937d29e56049a34f63ab507", NULL},
        {1795606938, 0, "52503031000000066b06c99937d29e56049a34f63ab5070600",
         NULL},
        {1795606938, 0, "52503031000000076b06914f45f9c18864c26646655e1df0",
         NULL},
        {1795606939, 0, "52503031000000086b06919527071deb650867f21615f3fd",
         "5252303100000008"},
        {1795606939, 0, "52503031000000096b06c9b20951f46a87937335f01c57cd",
         "5252303100000009"},
        {1795606939, 0, "525030310000000a6b06c9c1732f1a9f2f73361620b70fd1",
         NULL},
        {1795606939, 0, "525030310000000b00000000000000000000000000000000",
         NULL},
        {1795606939, 1, "52503031000000016b06c99beef6ec29d29ef4d1938578dc",
         "5252303100000001"},
        {1795606939, 1, "52503031000000026b06c99beef6ec29d29ef4d1db97ae25",
         "5245303100000002"},
        {1795606939, 1, "52503031000000036b06c99b871d69eff0882352cdb483f0",
         NULL},
        {1795606940, 1, "52503032000000046b06c99beef6ec29d29ef4d1938578dc",
         NULL},
        {1795606940, 1, "52503031000000056b06c99beef6ec29d29ef4d1938578", NULL},
        {1795606940, 1, "52503031000000066b06c99beef6ec29d29ef4d1938578dc00",
         NULL},
        {1795606941, 1, "52503031000000076b0691517976a2b63e096d470e6299f8",
         NULL},
        {1795606941, 1, "52503031000000086b069197243269310227c33b185c8111",
         "5252303100000008"},
        {1795606941, 1, "52503031000000096b06c9b456c186ad1acb6af3b068770f",
         "5252303100000009"},
        {1795606941, 1, "525030310000000a6b06c9c3b07376a1ffbd13812afcfde2",
         NULL},
        {1795606941, 1, "525030310000000b00000000000000000000000000000000",
         NULL},
    };
    struct fixture f;
    fixture_init(&f, topsecret, 1);
    struct ippm_addr lo = v4(127, 0, 0, 1), lo6 = v6(V6_LOOPBACK);
    unsigned replies = 0, drops = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t wire[32], tx[RMBT_REP_LEN];
        size_t len = unhex(rows[i].req, wire, sizeof wire);
        struct ippm_rx_meta meta = {.peer = rows[i].v6 ? lo6 : lo};
        struct ippm_event ev = {IPPM_EV_DATAGRAM, rows[i].now_s * NS, wire, len,
                                &meta};
        struct ippm_action act;
        rmbt_server_handle(&f.srv, &ev, tx, sizeof tx, &act, NULL);
        if (rows[i].rep) {
            assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
            assert_hex(tx, act.len, rows[i].rep);
            replies++;
        } else {
            assert_int_equal(act.kind, IPPM_ACT_DROP);
            drops++;
        }
    }
    assert_int_equal(replies, 21);
    assert_int_equal(drops, 14);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rmbt_token_mint_reproduces_notes_vectors),
        cmocka_unit_test(test_rmbt_token_mint_readme_time),
        cmocka_unit_test(test_rmbt_token_mint_long_and_utf8_keys),
        cmocka_unit_test(test_rmbt_ip128_maps_ipv4_and_drops_zone),
        cmocka_unit_test(test_rmbt_token_mint_rejects_no_family),
        cmocka_unit_test(test_rmbt_token_from_b64_rejects_other_lengths),
        cmocka_unit_test(test_rmbt_request_encode_reproduces_notes_vectors),
        cmocka_unit_test(test_rmbt_request_decode_checks_length_then_magic),
        cmocka_unit_test(test_rmbt_reply_codec_reproduces_notes_vectors),
        cmocka_unit_test(test_rmbt_err_str_names_reasons),
        cmocka_unit_test(test_rmbt_server_valid_gets_rr01),
        cmocka_unit_test(test_rmbt_server_wrong_ip_gets_re01),
        cmocka_unit_test(test_rmbt_server_wrong_key_drops),
        cmocka_unit_test(test_rmbt_server_bad_magic_and_lengths_drop),
        cmocka_unit_test(test_rmbt_server_window_boundaries),
        cmocka_unit_test(test_rmbt_server_no_secret_re01_window_applies),
        cmocka_unit_test(test_rmbt_server_tries_secrets_in_order),
        cmocka_unit_test(test_rmbt_server_unkeyed_secret_is_no_key),
        cmocka_unit_test(test_rmbt_server_handle_event_contract),
        cmocka_unit_test(test_rmbt_server_never_amplifies),
        cmocka_unit_test(test_rmbt_server_reproduces_loopback_capture),
    };
    return cmocka_run_group_tests(tests, ossl_setup, ossl_teardown);
}
