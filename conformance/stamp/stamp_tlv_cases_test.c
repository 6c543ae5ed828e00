/* Every STAMP TLV case (RFC 8972 §4 on, RFC 9503, RFC 9534, the drafts)
 * on exchanges: PASS on a conforming fixture, FAIL once a mutation breaks
 * that case's rule. The reflector fixtures are answered by proto's own
 * Session-Reflector (stamp_reflector_handle), so the catalogue grades our
 * reflector too; sender fixtures are built with the stamp_tlv_put_*
 * encoders. A mutation edits octets afterwards, as a faulty peer would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"
#include "conformance/ippm_conform.h"
#include "testsupport/fake_crypto.h"

#define NS     1000000000ull
#define MS     1000000ull
#define T0     (1764000000ull * NS)
#define MAXEX  32
#define MAXLEN 600

/* ---- crypto: testsupport/fake_crypto.h ---- */

static struct fake_crypto_fixture t_crypto;
static const uint8_t t_key[] = "a shared secret for STAMP TLV tests";

/* ---- fixtures ---- */

struct fx {
    uint8_t req[MAXEX][MAXLEN];
    uint8_t rep[MAXEX][MAXLEN];
    struct ippm_exchange ex[MAXEX];
    struct ippm_obs obs;
    struct stamp_reflector r;
    bool auth;
    uint32_t seq;
};

static struct fx g; /* large: off the stack */

static const struct ippm_hmac_key *t_keyed(void)
{
    return fake_crypto_fixture_key(&t_crypto, t_key, sizeof t_key - 1);
}

static struct ippm_hmac_key key(void)
{
    return *t_keyed();
}

static const struct ippm_addr SRC = {IPPM_AF_INET, {192, 0, 2, 7}, 40001, 0};
static const struct ippm_addr DST = {IPPM_AF_INET, {198, 51, 100, 1}, 862, 0};
static const struct ippm_addr OTHER = {IPPM_AF_INET, {203, 0, 113, 5}, 0, 0};

static void fx_init(struct fx *f, enum ippm_role role, bool auth, bool stateful)
{
    memset(f, 0, sizeof *f);
    f->auth = auth;
    f->obs.protocol = "stamp";
    f->obs.role = role;
    f->obs.ex = f->ex;
    f->obs.auth = auth;
    f->obs.key = t_keyed();
    f->obs.expect_stateful = stateful;
    f->obs.clock_tolerance_ns = NS;
    struct stamp_reflector_config c;
    memset(&c, 0, sizeof c);
    c.mode = auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    c.stateful = stateful;
    c.tlv = true;
    c.errest.mult = 1;
    c.sync_src = STAMP_SYNC_NTP;
    c.dscp_permitted = 1ull << 46;
    c.micro_session_id = 0x0102;
    c.max_reply_len = 512;
    c.repeat.max_count = 4; /* asymmetrical copies: X_ASYMN */
    c.repeat.open = true;
    c.key = key();
    stamp_reflector_init(&f->r, &c);
}

static size_t base(const struct fx *f)
{
    return f->auth ? STAMP_AUTH_BASE_LEN : STAMP_BASE_LEN;
}

/* Adds a request with these TLVs (HMAC TLV signed, bad_hmac: then
 * spoiled) and, for a reflector fixture, our reflector's answer. */
static size_t add(struct fx *f, const uint8_t *tlv, size_t n, uint16_t ssid,
                  bool bad_hmac)
{
    size_t i = f->obs.n_ex++;
    assert_true(i < MAXEX);
    struct ippm_exchange *e = &f->ex[i];
    struct ippm_hmac_key k = key();
    enum stamp_mode mode = f->auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    uint64_t t = T0 + (i + 1) * MS;
    struct stamp_sender_pkt sp = {.seq = f->seq++,
                                  .ts = ippm_ntp_from_ns(t),
                                  .errest = 0x8001,
                                  .ssid = ssid,
                                  .extra = tlv,
                                  .extra_len = n};
    size_t len = base(f) + n;
    uint8_t *q = f->req[i];
    assert_int_equal(stamp_sender_pkt_encode(q, MAXLEN, len, &sp, mode, &k),
                     IPPM_OK);
    struct stamp_tlv_iter it;
    struct stamp_tlv tt;
    stamp_tlv_iter_init(&it, q + base(f), n);
    while (stamp_tlv_next(&it, &tt) == IPPM_OK)
        if (tt.type == STAMP_TLV_HMAC && tt.len == 16) {
            assert_int_equal(stamp_tlv_hmac_sign(&k, q, len, base(f), tt.off),
                             IPPM_OK);
            if (bad_hmac)
                q[base(f) + tt.off + 4] ^= 0xff;
            break;
        }
    e->req = q;
    e->req_len = len;
    e->req_ns = t;
    e->req_ttl = 64;
    e->req_src = SRC;
    e->req_dst = DST;
    e->tos_known = true;
    e->req_tos = 0x2d; /* DSCP 11, ECN 1 */
    if (f->obs.role != IPPM_ROLE_REFLECTOR)
        return i;
    struct ippm_rx_meta m = {t + 100000, 64, 0x2d, SRC, DST, false, 0, {{0}}};
    struct ippm_event ev = {IPPM_EV_DATAGRAM, t + 200000, q, len, &m};
    struct ippm_action act;
    assert_int_equal(
        stamp_reflector_handle(&f->r, &ev, f->rep[i], MAXLEN, &act), IPPM_OK);
    if (act.kind == IPPM_ACT_SEND_DATAGRAM) {
        e->rep = f->rep[i];
        e->rep_len = act.len;
        e->rep_ns = t + 300000;
        e->n_replies = 1;
        e->rep_src = DST;
        e->rep_tos = act.tos >= 0 ? (uint8_t)act.tos : 0x2d;
    }
    return i;
}

/* TLV header of the first TLV of type in a request / reply. */
static uint8_t *find(uint8_t *pkt, size_t len, size_t b, uint8_t type)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    stamp_tlv_iter_init(&it, pkt + b, len - b);
    while (stamp_tlv_next(&it, &t) == IPPM_OK)
        if (t.type == type)
            return pkt + b + t.off;
    fail_msg("no TLV of type %u", type);
    return NULL;
}

static uint8_t *qt(size_t i, uint8_t type)
{
    return find(g.req[i], g.ex[i].req_len, base(&g), type);
}

static uint8_t *rt(size_t i, uint8_t type)
{
    assert_non_null(g.ex[i].rep);
    return find(g.rep[i], g.ex[i].rep_len, base(&g), type);
}

#define PUT(call) assert_int_equal(call, IPPM_OK)
#define B_        (sizeof b)

/* The main request: most TLVs of RFC 8972, 9503 and 9534 at once. */
static size_t main_tlvs(uint8_t *b, size_t cap)
{
    size_t n = 0;
    static const uint8_t unk[4] = {1, 2, 3, 4};
    struct stamp_return_path rp = {.addr = SRC};
    PUT(stamp_tlv_put_padding(b, cap, &n, 8));
    PUT(stamp_tlv_put(b, cap, &n, STAMP_TLV_U, 199, unk, 4));
    PUT(stamp_tlv_put_tsinfo(b, cap, &n));
    PUT(stamp_tlv_put_cos(b, cap, &n, 46));
    PUT(stamp_tlv_put_direct(b, cap, &n, 1));
    PUT(stamp_tlv_put_access(b, cap, &n, 1, 2));
    PUT(stamp_tlv_put_followup(b, cap, &n));
    PUT(stamp_tlv_put_location(b, cap, &n, true, true, true));
    PUT(stamp_tlv_put_dest_addr(b, cap, &n, &DST));
    PUT(stamp_tlv_put_return_path(b, cap, &n, &rp));
    PUT(stamp_tlv_put_micro_session(b, cap, &n, 0x0a0b, 0));
    return n;
}

enum {
    X_MAIN,
    X_MAIN2,
    X_BADDM,
    X_OVER,
    X_BADTS,
    X_BADFU,
    X_BADLOC,
    X_COSRP,
    X_DNAOTHER,
    X_RPOTHER,
    X_RPNONE,
    X_MSBAD,
    X_MSGOOD,
    X_ASYM,
    X_ASYM0,
    X_BER,
    X_HDR,
    X_BADCOS,
    X_BADMS,
    X_BADDNA,
    X_BADRP,
    X_RPNONE_ADDR,
    X_RPSAME_ADDR,
    X_RP2_REPLY,
    X_RP2_SILENT,
    X_ASYMN
};

/* The request just added asked for copies: our reflector's TIMER sends
 * them (draft-ietf-ippm-asymmetrical-pkts-14 §3), seen as the pairing
 * counts them. */
static void add_copies(struct fx *f, size_t i)
{
    struct ippm_exchange *e = &f->ex[i];
    uint8_t scratch[MAXLEN];
    uint64_t due;
    while ((due = stamp_reflector_deadline(&f->r)) != UINT64_MAX) {
        struct ippm_event ev = {IPPM_EV_TIMER, due, NULL, 0, NULL};
        struct ippm_action act;
        assert_int_equal(
            stamp_reflector_handle(&f->r, &ev, scratch, MAXLEN, &act),
            IPPM_OK);
        assert_int_equal(act.kind, IPPM_ACT_SEND_DATAGRAM);
        e->n_replies++;
        e->last_rep_ns = due + 100000;
    }
}

static void fx_reflector(bool stateful)
{
    struct fx *f = &g;
    uint8_t b[400];
    size_t n;
    fx_init(f, IPPM_ROLE_REFLECTOR, false, stateful);
    n = main_tlvs(b, B_);
    add(f, b, n, 5, false); /* X_MAIN */
    n = main_tlvs(b, B_);
    ippm_store_u32(b + 12 + 8 + 8 + 4, 2); /* S_TxC 2 */
    add(f, b, n, 5, false);                /* X_MAIN2 */
    if (!stateful)
        return;
    n = 0; /* X_BADDM: CoS, Direct Measurement of 8, TS info */
    PUT(stamp_tlv_put_cos(b, B_, &n, 46));
    PUT(stamp_tlv_put(b, B_, &n, STAMP_TLV_U, STAMP_TLV_DIRECT, "12345678", 8));
    PUT(stamp_tlv_put_tsinfo(b, B_, &n));
    add(f, b, n, 5, false);
    n = 0; /* X_OVER: CoS whose length runs past the end */
    PUT(stamp_tlv_put_cos(b, B_, &n, 46));
    b[3] = 40;
    add(f, b, n, 5, false);
    n = 0; /* X_BADTS */
    PUT(stamp_tlv_put(b, B_, &n, STAMP_TLV_U, STAMP_TLV_TSINFO, NULL, 2));
    PUT(stamp_tlv_put_padding(b, B_, &n, 2));
    add(f, b, n, 5, false);
    n = 0; /* X_BADFU */
    PUT(stamp_tlv_put(b, B_, &n, STAMP_TLV_U, STAMP_TLV_FOLLOWUP, "abcdefgh",
                      8));
    add(f, b, n, 5, false);
    n = 0; /* X_BADLOC: a sub-TLV runs past the Location value */
    PUT(stamp_tlv_put_location(b, B_, &n, false, true, false));
    ippm_store_u16(b + 4 + 4 + 2, 17);
    add(f, b, n, 5, false);
    n = 0; /* X_COSRP: DSCP1 10 is not permitted */
    PUT(stamp_tlv_put_cos(b, B_, &n, 10));
    add(f, b, n, 5, false);
    n = 0; /* X_DNAOTHER */
    PUT(stamp_tlv_put_dest_addr(b, B_, &n, &OTHER));
    add(f, b, n, 5, false);
    n = 0; /* X_RPOTHER */
    struct stamp_return_path rp = {.addr = OTHER};
    PUT(stamp_tlv_put_return_path(b, B_, &n, &rp));
    add(f, b, n, 5, false);
    n = 0; /* X_RPNONE */
    struct stamp_return_path none = {.has_control = true, .control = 0};
    PUT(stamp_tlv_put_return_path(b, B_, &n, &none));
    add(f, b, n, 5, false);
    n = 0; /* X_MSBAD */
    PUT(stamp_tlv_put_micro_session(b, B_, &n, 0x0a0b, 0x0999));
    add(f, b, n, 5, false);
    n = 0; /* X_MSGOOD */
    PUT(stamp_tlv_put_micro_session(b, B_, &n, 0x0a0b, 0x0102));
    add(f, b, n, 5, false);
    n = 0; /* X_ASYM */
    PUT(stamp_tlv_put_refl_control(b, B_, &n, 298, 1, 0));
    PUT(stamp_tlv_put_padding(b, B_, &n, 20));
    add(f, b, n, 5, false);
    n = 0; /* X_ASYM0 */
    PUT(stamp_tlv_put_refl_control(b, B_, &n, 100, 0, 0));
    add(f, b, n, 5, false);
    n = 0; /* X_BER */
    static const uint8_t pat[2] = {0xaa, 0x55};
    PUT(stamp_tlv_put_ber_pattern(b, B_, &n, pat, 2));
    PUT(stamp_tlv_put_ber_count(b, B_, &n));
    PUT(stamp_tlv_put_ber_burst(b, B_, &n));
    size_t pad = n;
    PUT(stamp_tlv_put_ber_padding(b, B_, &n, pat, 2, 32));
    b[pad + 4 + 3] ^= 0x07;
    add(f, b, n, 5, false);
    n = 0; /* X_HDR */
    PUT(stamp_tlv_put(b, B_, &n, STAMP_TLV_U, STAMP_TLV_IP_HDR, NULL, 24));
    PUT(stamp_tlv_put(b, B_, &n, STAMP_TLV_U, STAMP_TLV_EXT_HDR, NULL, 12));
    add(f, b, n, 5, false);
    n = 0; /* X_BADCOS */
    PUT(stamp_tlv_put(b, B_, &n, STAMP_TLV_U, STAMP_TLV_COS, "abc", 3));
    PUT(stamp_tlv_put_padding(b, B_, &n, 1));
    add(f, b, n, 5, false);
    n = 0; /* X_BADMS */
    PUT(stamp_tlv_put(b, B_, &n, STAMP_TLV_U, STAMP_TLV_MICRO_SESSION, "ab",
                      2));
    PUT(stamp_tlv_put_padding(b, B_, &n, 2));
    add(f, b, n, 5, false);
    n = 0; /* X_BADDNA */
    PUT(stamp_tlv_put(b, B_, &n, STAMP_TLV_U, STAMP_TLV_DEST_ADDR, NULL, 8));
    add(f, b, n, 5, false);
    n = 0; /* X_BADRP: SRv6 list of 20 octets */
    uint8_t sub[24] = {STAMP_TLV_U, STAMP_RP_SRV6, 0, 20};
    PUT(stamp_tlv_put(b, B_, &n, STAMP_TLV_U, STAMP_TLV_RETURN_PATH, sub, 24));
    add(f, b, n, 5, false);
    /* X_RPNONE_ADDR, X_RPSAME_ADDR: a Control Code 0x0 / 0x1 beside a
     * Return Address (RFC 9503 §4.1.1: the address is ignored) */
    for (uint8_t reply = 0; reply < 2; reply++) {
        uint8_t cc[16] = {
            STAMP_TLV_U, STAMP_RP_CONTROL, 0, 4, 0,   0, 0,   reply,
            STAMP_TLV_U, STAMP_RP_ADDR,    0, 4, 203, 0, 113, 5};
        n = 0;
        PUT(stamp_tlv_put(b, B_, &n, STAMP_TLV_U, STAMP_TLV_RETURN_PATH, cc,
                          sizeof cc));
        add(f, b, n, 5, false);
    }
    /* X_RP2_REPLY, X_RP2_SILENT: two Return Path TLVs, a Return Address
     * that is the source and a Control Code 0x0, in both orders (RFC 9503
     * §4: only the first is followed) */
    struct stamp_return_path self = {.addr = SRC};
    n = 0;
    PUT(stamp_tlv_put_return_path(b, B_, &n, &self));
    PUT(stamp_tlv_put_return_path(b, B_, &n, &none));
    add(f, b, n, 5, false);
    n = 0;
    PUT(stamp_tlv_put_return_path(b, B_, &n, &none));
    PUT(stamp_tlv_put_return_path(b, B_, &n, &self));
    add(f, b, n, 5, false);
    n = 0; /* X_ASYMN: three replies 2 ms apart */
    PUT(stamp_tlv_put_refl_control(b, B_, &n, 0, 3, 2000000));
    add_copies(f, add(f, b, n, 5, false));
}

enum { A_GOOD, A_BAD, A_PAD, A_LATE };

static void fx_auth(void)
{
    uint8_t b[128];
    size_t n = 0;
    fx_init(&g, IPPM_ROLE_REFLECTOR, true, false);
    PUT(stamp_tlv_put_cos(b, B_, &n, 46));
    PUT(stamp_tlv_put_hmac(b, B_, &n));
    PUT(stamp_tlv_put_padding(b, B_, &n, 8));
    add(&g, b, n, 5, false); /* A_GOOD */
    add(&g, b, n, 5, true);  /* A_BAD */
    n = 0;
    PUT(stamp_tlv_put_padding(b, B_, &n, 12));
    add(&g, b, n, 5, false); /* A_PAD */
    n = 0; /* A_LATE: a TLV after the HMAC TLV (§4.8: a failure) */
    PUT(stamp_tlv_put_cos(b, B_, &n, 46));
    PUT(stamp_tlv_put_hmac(b, B_, &n));
    PUT(stamp_tlv_put_tsinfo(b, B_, &n));
    add(&g, b, n, 5, false);
}

/* Sender fixtures: three packets of one session. */
static void fx_sender(bool auth)
{
    static const uint8_t pat[2] = {0xaa, 0x55};
    fx_init(&g, IPPM_ROLE_SENDER, auth, false);
    for (uint32_t i = 0; i < 3; i++) {
        uint8_t b[400];
        size_t n = 0;
        PUT(stamp_tlv_put_direct(b, B_, &n, i + 1));
        PUT(stamp_tlv_put_cos(b, B_, &n, 46));
        if (!auth) {
            uint32_t lse[2] = {0x00010100, 0x000201ff};
            uint8_t sid[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
            struct stamp_return_path rp = {.addr = SRC};
            if (i == 1)
                rp = (struct stamp_return_path){.lse = lse, .n_lse = 2};
            if (i == 2)
                rp = (struct stamp_return_path){
                    .addr = SRC, .sid = sid, .n_sid = 1};
            PUT(stamp_tlv_put_tsinfo(b, B_, &n));
            PUT(stamp_tlv_put_followup(b, B_, &n));
            PUT(stamp_tlv_put_location(b, B_, &n, true, true, true));
            PUT(stamp_tlv_put_access(b, B_, &n, 1, 1));
            PUT(stamp_tlv_put_dest_addr(b, B_, &n, &DST));
            PUT(stamp_tlv_put_return_path(b, B_, &n, &rp));
            PUT(stamp_tlv_put_micro_session(b, B_, &n, 7, 0));
            PUT(stamp_tlv_put_refl_control(b, B_, &n, 100, 1, 0));
            PUT(stamp_tlv_put_ber_pattern(b, B_, &n, pat, 2));
            /* Private Use: Enterprise Code 32473, then 4 octets */
            PUT(stamp_tlv_put(b, B_, &n, STAMP_TLV_U, 252,
                              "\0\0\x7e\x99"
                              "abcd",
                              8));
        }
        PUT(stamp_tlv_put_hmac(b, B_, &n));
        /* The BER pattern fills the padding only in a BER test (the
         * open fixture's); else zeros (RFC 8972 §4.1). */
        if (auth)
            PUT(stamp_tlv_put_padding(b, B_, &n, 8));
        else
            PUT(stamp_tlv_put_ber_padding(b, B_, &n, pat, 2, 8));
        add(&g, b, n, 9, false);
    }
}

/* A sender padding with Extra Padding TLVs (RFC 8972 §4.1): zeros, then
 * pseudorandom octets; SSID 9 shows RFC 8972 support. */
enum { P_ZERO, P_RANDOM, P_AFTER_COS };

static void fx_sender_padding(void)
{
    fx_init(&g, IPPM_ROLE_SENDER, false, false);
    uint8_t rnd[16];
    uint32_t x = 7;
    for (size_t i = 0; i < sizeof rnd; i++) {
        x = x * 1103515245u + 12345u;
        rnd[i] = (uint8_t)(x >> 16);
    }
    for (int k = P_ZERO; k <= P_AFTER_COS; k++) {
        uint8_t b[64];
        size_t n = 0;
        if (k == P_AFTER_COS)
            PUT(stamp_tlv_put_cos(b, B_, &n, 46));
        PUT(stamp_tlv_put(b, B_, &n, STAMP_TLV_U, STAMP_TLV_PADDING,
                          k == P_ZERO ? NULL : rnd, sizeof rnd));
        add(&g, b, n, 9, false);
    }
}

/* RFC 8972 §4.6: a sender whose replies were withheld. Packet 0 with an
 * Access Report, sent at 0 s and again every 3 s, four times
 * (AR_FIRST..AR_LAST); packet 1 reported at 13 s and answered; packet 2
 * at 20 s with a 4-octet Extra Padding TLV where a report would be. */
enum { AR_FIRST, AR_LAST = 4, AR_ANSWERED, AR_PLAIN };

/* A request with an Access Report (1, 1) as packet seq, sent at ms. */
static size_t add_ar(uint32_t seq, uint64_t ms)
{
    uint8_t b[16];
    size_t n = 0;
    PUT(stamp_tlv_put_access(b, B_, &n, 1, 1));
    size_t i = add(&g, b, n, 9, false);
    ippm_store_u32(g.req[i], seq);
    g.ex[i].req_ns = T0 + ms * MS;
    return i;
}

static void fx_sender_ar(void)
{
    fx_init(&g, IPPM_ROLE_SENDER, false, false);
    for (uint32_t k = AR_FIRST; k <= AR_LAST; k++)
        add_ar(0, 3000 * k);
    size_t i = add_ar(1, 13000);
    memcpy(g.rep[i], g.req[i], g.ex[i].req_len);
    g.ex[i].rep = g.rep[i];
    g.ex[i].rep_len = g.ex[i].req_len;
    g.ex[i].rep_ns = g.ex[i].req_ns + MS;
    i = add_ar(2, 20000);
    g.req[i][base(&g) + 1] = STAMP_TLV_PADDING;
}

/* A capture's view of X_MAIN (RFC 8972 §4.2.2): the request came from
 * this link-layer source, which the reflector reported in its EUI-48
 * sub-TLV (the first sub-TLV of the Location TLV, after the ports). */
static const uint8_t MAC[6] = {0x02, 0, 0x5e, 0x10, 0x20, 0x30};

static uint8_t *eui48(void)
{
    uint8_t *sub = rt(X_MAIN, STAMP_TLV_LOCATION) + 4 + 4;
    assert_int_equal(sub[1], STAMP_LOC_SRC_EUI48);
    return sub + 4;
}

static void fx_reflector_mac(void)
{
    fx_reflector(true);
    /* Our reflector sees no MAC on a UDP socket and answers a zero
     * EUI-64; one that saw the Ethernet source answers EUI-48. */
    rt(X_MAIN, STAMP_TLV_LOCATION)[4 + 4 + 1] = STAMP_LOC_SRC_EUI48;
    g.ex[X_MAIN].req_mac_known = true;
    memcpy(g.ex[X_MAIN].req_mac, MAC, sizeof MAC);
    memcpy(eui48(), MAC, sizeof MAC);
}

enum fxkind { F_R, F_RS, F_A, F_S, F_SA, F_SP, F_SAR, F_RMAC };

static void build(enum fxkind k)
{
    switch (k) {
    case F_R:
        fx_reflector(true);
        break;
    case F_RS:
        fx_reflector(false);
        break;
    case F_A:
        fx_auth();
        break;
    case F_S:
        fx_sender(false);
        break;
    case F_SA:
        fx_sender(true);
        break;
    case F_SP:
        fx_sender_padding();
        break;
    case F_SAR:
        fx_sender_ar();
        break;
    case F_RMAC:
        fx_reflector_mac();
        break;
    }
}

/* ---- mutations ---- */

#define M(name) static void name(void)
#define BB      base(&g)
#define RP_(i)  g.rep[i]

M(m_u_unknown)
{
    rt(X_MAIN, 199)[0] &= (uint8_t)~STAMP_TLV_U;
}
M(m_u_cleared)
{
    rt(X_MAIN, STAMP_TLV_TSINFO)[0] |= STAMP_TLV_U;
}
M(m_m_malformed)
{
    RP_(X_OVER)[BB] &= (uint8_t)~STAMP_TLV_M;
}
M(m_m_remainder)
{
    RP_(X_BADDM)[BB + 8 + 6] ^= 1;
}
M(m_m_cleared)
{
    rt(X_MAIN, STAMP_TLV_COS)[0] |= STAMP_TLV_M;
}
M(m_i_cleared)
{
    rt(X_MAIN, STAMP_TLV_COS)[0] |= STAMP_TLV_I;
}
M(m_unknown_copied)
{
    rt(X_MAIN, 199)[4] ^= 1;
}
M(m_reserved)
{
    rt(X_MAIN, STAMP_TLV_COS)[0] |= 0x01;
}
M(m_in_order)
{
    rt(X_MAIN, STAMP_TLV_TSINFO)[1] = 250;
}
M(m_s_u)
{
    qt(0, STAMP_TLV_COS)[0] &= (uint8_t)~STAMP_TLV_U;
}
M(m_s_m)
{
    qt(0, STAMP_TLV_COS)[0] |= STAMP_TLV_M;
}
M(m_s_i)
{
    qt(0, STAMP_TLV_COS)[0] |= STAMP_TLV_I;
}
M(m_s_reserved)
{
    qt(0, STAMP_TLV_COS)[0] |= 0x02;
}
M(m_padding_len)
{
    rt(X_MAIN, STAMP_TLV_PADDING)[1] = 200;
}
M(m_loc_len)
{
    ippm_store_u16(rt(X_MAIN, STAMP_TLV_LOCATION) + 2, 52);
}
M(m_loc_ports)
{
    rt(X_MAIN, STAMP_TLV_LOCATION)[5] ^= 1;
}
M(m_s_loc_zero)
{
    qt(0, STAMP_TLV_LOCATION)[4] = 1;
}
M(m_loc_dst_family)
{
    rt(X_MAIN, STAMP_TLV_LOCATION)[4 + 16 + 1] = 6;
}
M(m_loc_dst_value)
{
    rt(X_MAIN, STAMP_TLV_LOCATION)[4 + 16 + 4] ^= 1;
}
M(m_loc_src_family)
{
    rt(X_MAIN, STAMP_TLV_LOCATION)[4 + 36 + 1] = 9;
}
M(m_loc_src_value)
{
    rt(X_MAIN, STAMP_TLV_LOCATION)[4 + 36 + 4] ^= 1;
}
M(m_loc_mac)
{
    rt(X_MAIN, STAMP_TLV_LOCATION)[4 + 4 + 1] = 1;
}
M(m_loc_malformed)
{
    RP_(X_BADLOC)[BB] &= (uint8_t)~STAMP_TLV_M;
}
M(m_loc_sub_i)
{
    rt(X_MAIN, STAMP_TLV_LOCATION)[4 + 4] |= STAMP_TLV_I;
}
M(m_s_loc_sub_i)
{
    qt(0, STAMP_TLV_LOCATION)[4 + 4] |= STAMP_TLV_I;
}
M(m_loc_sub_len8)
{
    ippm_store_u16(rt(X_MAIN, STAMP_TLV_LOCATION) + 4 + 4 + 2, 9);
}
M(m_loc_sub_len16)
{
    ippm_store_u16(rt(X_MAIN, STAMP_TLV_LOCATION) + 4 + 16 + 2, 12);
}
M(m_s_loc_sub_len8)
{
    ippm_store_u16(qt(0, STAMP_TLV_LOCATION) + 4 + 4 + 2, 9);
}
M(m_s_loc_sub_len16)
{
    ippm_store_u16(qt(0, STAMP_TLV_LOCATION) + 4 + 16 + 2, 12);
}
M(m_s_fu_len)
{
    ippm_store_u16(qt(0, STAMP_TLV_FOLLOWUP) + 2, 12);
}
M(m_s_fu_reserved)
{
    qt(0, STAMP_TLV_FOLLOWUP)[4 + 13] = 1;
}
M(m_fu_reserved)
{
    rt(X_MAIN, STAMP_TLV_FOLLOWUP)[4 + 15] = 1;
}
M(m_s_private_len)
{
    ippm_store_u16(qt(0, 252) + 2, 2);
}
M(m_rp_others_no_reply)
{
    g.ex[X_RPNONE_ADDR].rep = g.rep[X_MAIN];
    g.ex[X_RPNONE_ADDR].rep_len = g.ex[X_MAIN].rep_len;
}
M(m_rp_others_reply)
{
    g.ex[X_RPSAME_ADDR].rep = NULL;
}
M(m_hmac_late)
{
    rt(A_LATE, STAMP_TLV_TSINFO)[0] &= (uint8_t)~STAMP_TLV_I;
}
M(m_dna_src)
{
    g.ex[X_MAIN].rep_src = OTHER;
}
M(m_rp_first_only)
{
    g.ex[X_RP2_REPLY].rep = NULL;
}
M(m_ts_sync)
{
    rt(X_MAIN, STAMP_TLV_TSINFO)[4] = 0;
}
M(m_ts_method)
{
    rt(X_MAIN, STAMP_TLV_TSINFO)[5] = 255;
}
M(m_ts_malformed)
{
    RP_(X_BADTS)[BB] &= (uint8_t)~STAMP_TLV_M;
}
M(m_s_ts_zero)
{
    qt(0, STAMP_TLV_TSINFO)[4] = 1;
}
M(m_cos_present)
{
    rt(X_MAIN, STAMP_TLV_COS)[1] = 200;
}
M(m_cos_dscp2)
{
    rt(X_MAIN, STAMP_TLV_COS)[5] ^= 0x10;
}
M(m_cos_dscp1)
{
    g.ex[X_MAIN].rep_tos = 0;
}
M(m_cos_rp)
{
    g.ex[X_COSRP].rep_tos = 10 << 2;
}
M(m_s_cos_rp)
{
    qt(0, STAMP_TLV_COS)[5] |= 1;
}
M(m_cos_reserved)
{
    rt(X_MAIN, STAMP_TLV_COS)[6] = 1;
}
M(m_cos_malformed)
{
    RP_(X_BADCOS)[BB] &= (uint8_t)~STAMP_TLV_M;
}
M(m_dm_present)
{
    rt(X_MAIN, STAMP_TLV_DIRECT)[1] = 200;
}
M(m_dm_stxc)
{
    rt(X_MAIN, STAMP_TLV_DIRECT)[7] ^= 1;
}
M(m_dm_rrxc)
{
    ippm_store_u32(rt(X_MAIN2, STAMP_TLV_DIRECT) + 8, 1);
}
M(m_dm_rtxc)
{
    ippm_store_u32(rt(X_MAIN2, STAMP_TLV_DIRECT) + 12, 1);
}
M(m_s_dm_stxc)
{
    ippm_store_u32(qt(1, STAMP_TLV_DIRECT) + 4, 1);
}
M(m_s_dm_zero)
{
    ippm_store_u32(qt(0, STAMP_TLV_DIRECT) + 12, 5);
}
M(m_dm_malformed)
{
    RP_(X_BADDM)[BB + 8] &= (uint8_t)~STAMP_TLV_M;
}
M(m_ar_present)
{
    rt(X_MAIN, STAMP_TLV_ACCESS)[1] = 200;
}
M(m_ar_copy)
{
    rt(X_MAIN, STAMP_TLV_ACCESS)[5] ^= 1;
}
M(m_s_ar_id)
{
    qt(0, STAMP_TLV_ACCESS)[4] = 0x30;
}
M(m_s_ar_resv)
{
    qt(0, STAMP_TLV_ACCESS)[4] |= 0x01;
}
M(m_s_fu_zero)
{
    qt(0, STAMP_TLV_FOLLOWUP)[4] = 1;
}
M(m_fu_stateless)
{
    rt(X_MAIN, STAMP_TLV_FOLLOWUP)[7] = 1;
}
M(m_fu_malformed)
{
    RP_(X_BADFU)[BB] &= (uint8_t)~STAMP_TLV_M;
}
M(m_fu_seq)
{
    ippm_store_u32(rt(X_MAIN2, STAMP_TLV_FOLLOWUP) + 4, 5);
}
M(m_fu_ts)
{
    ippm_store_u64(rt(X_MAIN2, STAMP_TLV_FOLLOWUP) + 8,
                   ippm_ntp_from_ns(T0 + 10 * NS));
}
M(m_fu_mode)
{
    rt(X_MAIN2, STAMP_TLV_FOLLOWUP)[4 + 12] = 0;
}
M(m_s_hmac_present)
{
    qt(0, STAMP_TLV_HMAC)[1] = 200;
}
M(m_hmac_present)
{
    rt(A_GOOD, STAMP_TLV_HMAC)[1] = 200;
}
M(m_s_hmac_last)
{
    qt(0, STAMP_TLV_PADDING)[1] = 200;
}
M(m_hmac_last)
{
    rt(A_GOOD, STAMP_TLV_PADDING)[1] = 200;
}
M(m_s_hmac_valid)
{
    qt(0, STAMP_TLV_HMAC)[4] ^= 1;
}
M(m_hmac_valid)
{
    rt(A_GOOD, STAMP_TLV_HMAC)[4] ^= 1;
}
M(m_hmac_i)
{
    rt(A_BAD, STAMP_TLV_COS)[0] &= (uint8_t)~STAMP_TLV_I;
}
M(m_hmac_copied)
{
    rt(A_BAD, STAMP_TLV_COS)[5] ^= 1;
}
M(m_s_hmac_len)
{
    ippm_store_u16(qt(0, STAMP_TLV_HMAC) + 2, 12);
}
M(m_s_dna_ssid)
{
    ippm_store_u16(g.req[0] + STAMP_OPEN_SSID_OFF, 0);
}
M(m_dna_other)
{
    rt(X_DNAOTHER, STAMP_TLV_DEST_ADDR)[0] &= (uint8_t)~STAMP_TLV_U;
}
M(m_dna_self)
{
    rt(X_MAIN, STAMP_TLV_DEST_ADDR)[0] |= STAMP_TLV_U;
}
M(m_dna_malformed)
{
    RP_(X_BADDNA)[BB] &= (uint8_t)~STAMP_TLV_M;
}
M(m_s_rp_one)
{
    qt(0, STAMP_TLV_COS)[1] = STAMP_TLV_RETURN_PATH;
}
M(m_rp_cannot)
{
    rt(X_RPOTHER, STAMP_TLV_RETURN_PATH)[0] &= (uint8_t)~STAMP_TLV_U;
}
M(m_rp_can)
{
    rt(X_MAIN, STAMP_TLV_RETURN_PATH)[0] |= STAMP_TLV_U;
}
M(m_rp_malformed)
{
    RP_(X_BADRP)[BB] &= (uint8_t)~STAMP_TLV_M;
}
/* Packet 2's Return Path: address (8 octets), then SRv6 (20). */
M(m_s_rp_once)
{
    qt(2, STAMP_TLV_RETURN_PATH)[4 + 1] = STAMP_RP_SRV6;
}
M(m_s_rp_excl)
{
    qt(2, STAMP_TLV_RETURN_PATH)[4 + 1] = STAMP_RP_CONTROL;
}
M(m_rp_no_reply)
{
    g.ex[X_RPNONE].rep = g.rep[X_MAIN];
    g.ex[X_RPNONE].rep_len = g.ex[X_MAIN].rep_len;
}
M(m_s_rp_empty)
{
    ippm_store_u16(qt(1, STAMP_TLV_RETURN_PATH) + 4 + 2, 0);
}
M(m_s_rp_mpls)
{
    ippm_store_u16(qt(1, STAMP_TLV_RETURN_PATH) + 4 + 2, 6);
}
M(m_s_rp_srv6)
{
    ippm_store_u16(qt(2, STAMP_TLV_RETURN_PATH) + 12 + 2, 12);
}
M(m_s_ms_len)
{
    ippm_store_u16(qt(0, STAMP_TLV_MICRO_SESSION) + 2, 2);
}
M(m_ms_malformed)
{
    RP_(X_BADMS)[BB] &= (uint8_t)~STAMP_TLV_M;
}
M(m_s_ms_constant)
{
    ippm_store_u16(qt(1, STAMP_TLV_MICRO_SESSION) + 4, 8);
}
M(m_ms_sender)
{
    rt(X_MAIN, STAMP_TLV_MICRO_SESSION)[4] ^= 1;
}
M(m_ms_discard)
{
    g.ex[X_MSBAD].rep = g.rep[X_MSGOOD];
    g.ex[X_MSBAD].rep_len = g.ex[X_MSGOOD].rep_len;
}
M(m_ms_constant)
{
    ippm_store_u16(rt(X_MAIN2, STAMP_TLV_MICRO_SESSION) + 6, 0x0203);
}
M(m_asym_len)
{
    g.ex[X_ASYM].rep_len -= 4;
}
M(m_asym_zero)
{
    g.ex[X_ASYM0].rep = g.rep[X_MAIN];
    g.ex[X_ASYM0].rep_len = g.ex[X_MAIN].rep_len;
}
M(m_asym_count)
{
    g.ex[X_ASYMN].n_replies--; /* a copy never sent */
}
M(m_asym_padding)
{
    uint8_t *p = rt(X_ASYM, STAMP_TLV_PADDING);
    ippm_store_u16(p + 2, (uint16_t)(ippm_load_u16(p + 2) + 10));
}
M(m_s_asym_c)
{
    qt(0, STAMP_TLV_REFL_CONTROL)[0] |= STAMP_TLV_C;
}
M(m_s_asym_min)
{
    ippm_store_u16(qt(0, STAMP_TLV_REFL_CONTROL) + 2, 8);
}
M(m_asym_cap)
{
    g.ex[X_MAIN].rep_len += 8;
}
M(m_hdr_len)
{
    ippm_store_u16(rt(X_HDR, STAMP_TLV_IP_HDR) + 2, 20);
}
M(m_hdr_flag)
{
    rt(X_HDR, STAMP_TLV_EXT_HDR)[0] &= (uint8_t)~STAMP_TLV_U;
}
M(m_ber_count)
{
    ippm_store_u32(rt(X_BER, STAMP_TLV_BER_COUNT) + 4, 99);
}
M(m_ber_burst)
{
    ippm_store_u32(rt(X_BER, STAMP_TLV_BER_BURST) + 4, 99);
}
M(m_ber_repair)
{
    rt(X_BER, STAMP_TLV_PADDING)[4] ^= 1;
}
M(m_s_ber)
{
    qt(0, STAMP_TLV_PADDING)[4] ^= 1;
}

/* A fill of one octet repeated: not pseudorandom. */
M(m_s_pad_fill)
{
    memset(qt(P_RANDOM, STAMP_TLV_PADDING) + 4, 0xab, 16);
}
/* Plain octets past the base where the TLVs were (a Length that runs
 * past the end: no TLV walk). */
M(m_s_pad_plain)
{
    ippm_store_u16(g.req[P_AFTER_COS] + BB + 2, 0xffff);
}

/* Another address than the request's link-layer source. */
M(m_loc_mac_copy)
{
    eui48()[5] ^= 0xff;
}
/* The re-sends stop carrying the report: never retransmitted. */
M(m_ar_never)
{
    for (size_t i = AR_FIRST + 1; i <= AR_LAST; i++)
        g.req[i][BB + 1] = STAMP_TLV_PADDING;
}
/* Packet 1 sent again 7 s after its reply came. */
M(m_ar_after_reply)
{
    g.req[AR_PLAIN][BB + 1] = STAMP_TLV_ACCESS;
    ippm_store_u32(g.req[AR_PLAIN], 1);
}
/* A fifth retransmission. */
M(m_ar_fifth)
{
    add_ar(0, 15000);
}
/* The second retransmission a second after the first. */
M(m_ar_timer)
{
    g.ex[AR_FIRST + 2].req_ns = T0 + 4000 * MS;
}

struct case_test {
    const char *id;
    enum fxkind fx;
    void (*mutate)(void);
};

static const struct case_test case_tests[] = {
    {"STAMP-8972-4-01", F_R, m_u_unknown},
    {"STAMP-8972-4-02", F_R, m_u_cleared},
    {"STAMP-8972-4-03", F_R, m_m_malformed},
    {"STAMP-8972-4-04", F_R, m_m_remainder},
    {"STAMP-8972-4-05", F_R, m_m_cleared},
    {"STAMP-8972-4-06", F_R, m_i_cleared},
    {"STAMP-8972-4-07", F_R, m_unknown_copied},
    {"STAMP-8972-4-08", F_R, m_reserved},
    {"STAMP-8972-4-09", F_R, m_in_order},
    {"STAMP-8972-4-10", F_S, m_s_u},
    {"STAMP-8972-4-11", F_S, m_s_m},
    {"STAMP-8972-4-12", F_S, m_s_i},
    {"STAMP-8972-4-13", F_S, m_s_reserved},
    {"STAMP-8972-4-14", F_S, m_s_private_len},
    {"STAMP-8972-4.1-01", F_R, m_padding_len},
    {"STAMP-8972-4.1-02", F_SP, m_s_pad_fill},
    {"STAMP-8972-4.1-03", F_SP, m_s_pad_plain},
    {"STAMP-8972-4.2-01", F_R, m_loc_len},
    {"STAMP-8972-4.2-02", F_R, m_loc_ports},
    {"STAMP-8972-4.2-03", F_S, m_s_loc_zero},
    {"STAMP-8972-4.2-04", F_R, m_loc_dst_family},
    {"STAMP-8972-4.2-05", F_R, m_loc_dst_value},
    {"STAMP-8972-4.2-06", F_R, m_loc_src_family},
    {"STAMP-8972-4.2-07", F_R, m_loc_src_value},
    {"STAMP-8972-4.2-08", F_R, m_loc_mac},
    {"STAMP-8972-4.2-10", F_RMAC, m_loc_mac_copy},
    {"STAMP-8972-4.2-09", F_R, m_loc_malformed},
    {"STAMP-8972-4.2.1-01", F_R, m_loc_sub_i},
    {"STAMP-8972-4.2.1-02", F_S, m_s_loc_sub_i},
    {"STAMP-8972-4.2.1-03", F_R, m_loc_sub_len8},
    {"STAMP-8972-4.2.1-04", F_R, m_loc_sub_len16},
    {"STAMP-8972-4.2.1-05", F_S, m_s_loc_sub_len8},
    {"STAMP-8972-4.2.1-06", F_S, m_s_loc_sub_len16},
    {"STAMP-8972-4.3-01", F_R, m_ts_sync},
    {"STAMP-8972-4.3-02", F_R, m_ts_method},
    {"STAMP-8972-4.3-03", F_R, m_ts_malformed},
    {"STAMP-8972-4.3-04", F_S, m_s_ts_zero},
    {"STAMP-8972-4.4-01", F_R, m_cos_present},
    {"STAMP-8972-4.4-02", F_R, m_cos_dscp2},
    {"STAMP-8972-4.4-03", F_R, m_cos_dscp1},
    {"STAMP-8972-4.4-04", F_R, m_cos_rp},
    {"STAMP-8972-4.4-05", F_S, m_s_cos_rp},
    {"STAMP-8972-4.4-06", F_R, m_cos_reserved},
    {"STAMP-8972-4.4-07", F_R, m_cos_malformed},
    {"STAMP-8972-4.5-01", F_R, m_dm_present},
    {"STAMP-8972-4.5-02", F_R, m_dm_stxc},
    {"STAMP-8972-4.5-03", F_R, m_dm_rrxc},
    {"STAMP-8972-4.5-04", F_R, m_dm_rtxc},
    {"STAMP-8972-4.5-05", F_S, m_s_dm_stxc},
    {"STAMP-8972-4.5-06", F_S, m_s_dm_zero},
    {"STAMP-8972-4.5-07", F_R, m_dm_malformed},
    {"STAMP-8972-4.6-01", F_R, m_ar_present},
    {"STAMP-8972-4.6-02", F_R, m_ar_copy},
    {"STAMP-8972-4.6-03", F_S, m_s_ar_id},
    {"STAMP-8972-4.6-04", F_S, m_s_ar_resv},
    {"STAMP-8972-4.6-05", F_SAR, m_ar_never},
    {"STAMP-8972-4.6-06", F_SAR, m_ar_after_reply},
    {"STAMP-8972-4.6-07", F_SAR, m_ar_fifth},
    {"STAMP-8972-4.6-08", F_SAR, m_ar_timer},
    {"STAMP-8972-4.7-01", F_S, m_s_fu_zero},
    {"STAMP-8972-4.7-02", F_RS, m_fu_stateless},
    {"STAMP-8972-4.7-03", F_R, m_fu_malformed},
    {"STAMP-8972-4.7-04", F_R, m_fu_seq},
    {"STAMP-8972-4.7-05", F_R, m_fu_ts},
    {"STAMP-8972-4.7-06", F_R, m_fu_mode},
    {"STAMP-8972-4.7-07", F_S, m_s_fu_len},
    {"STAMP-8972-4.7-08", F_S, m_s_fu_reserved},
    {"STAMP-8972-4.7-09", F_R, m_fu_reserved},
    {"STAMP-8972-4.8-01", F_SA, m_s_hmac_present},
    {"STAMP-8972-4.8-02", F_A, m_hmac_present},
    {"STAMP-8972-4.8-03", F_SA, m_s_hmac_last},
    {"STAMP-8972-4.8-04", F_A, m_hmac_last},
    {"STAMP-8972-4.8-05", F_SA, m_s_hmac_valid},
    {"STAMP-8972-4.8-06", F_A, m_hmac_valid},
    {"STAMP-8972-4.8-07", F_A, m_hmac_i},
    {"STAMP-8972-4.8-08", F_A, m_hmac_copied},
    {"STAMP-8972-4.8-10", F_A, m_hmac_late},
    {"STAMP-8972-4.8-09", F_S, m_s_hmac_len},
    {"STAMP-9503-3-01", F_S, m_s_dna_ssid},
    {"STAMP-9503-3-02", F_R, m_dna_other},
    {"STAMP-9503-3-03", F_R, m_dna_self},
    {"STAMP-9503-3-04", F_R, m_dna_malformed},
    {"STAMP-9503-3-05", F_R, m_dna_src},
    {"STAMP-9503-4-01", F_S, m_s_rp_one},
    {"STAMP-9503-4-02", F_R, m_rp_cannot},
    {"STAMP-9503-4-03", F_R, m_rp_can},
    {"STAMP-9503-4-04", F_R, m_rp_malformed},
    {"STAMP-9503-4-05", F_R, m_rp_first_only},
    {"STAMP-9503-4.1-01", F_S, m_s_rp_once},
    {"STAMP-9503-4.1-02", F_S, m_s_rp_excl},
    {"STAMP-9503-4.1.1-01", F_R, m_rp_no_reply},
    {"STAMP-9503-4.1.1-02", F_R, m_rp_others_no_reply},
    {"STAMP-9503-4.1.1-03", F_R, m_rp_others_reply},
    {"STAMP-9503-4.1.3-01", F_S, m_s_rp_empty},
    {"STAMP-9503-4.1.3.1-01", F_S, m_s_rp_mpls},
    {"STAMP-9503-4.1.3.2-01", F_S, m_s_rp_srv6},
    {"STAMP-9534-3.1-01", F_S, m_s_ms_len},
    {"STAMP-9534-3.1-02", F_R, m_ms_malformed},
    {"STAMP-9534-3.2-01", F_S, m_s_ms_constant},
    {"STAMP-9534-3.2-02", F_R, m_ms_sender},
    {"STAMP-9534-3.2-03", F_R, m_ms_discard},
    {"STAMP-9534-3.2-04", F_R, m_ms_constant},
    {"STAMP-ASYM-3-01", F_R, m_asym_len},
    {"STAMP-ASYM-3-02", F_R, m_asym_zero},
    {"STAMP-ASYM-3-03", F_R, m_asym_padding},
    {"STAMP-ASYM-3-04", F_S, m_s_asym_c},
    {"STAMP-ASYM-3-05", F_S, m_s_asym_min},
    {"STAMP-ASYM-3-06", F_R, m_asym_cap},
    {"STAMP-ASYM-3-07", F_R, m_asym_count},
    {"STAMP-HDR-3-01", F_R, m_hdr_len},
    {"STAMP-HDR-3-02", F_R, m_hdr_flag},
    {"STAMP-BER-4.2-01", F_R, m_ber_count},
    {"STAMP-BER-4.2-02", F_R, m_ber_burst},
    {"STAMP-BER-4.2-03", F_R, m_ber_repair},
    {"STAMP-BER-4.1-01", F_S, m_s_ber},
};

#define N_CASE_TESTS (sizeof case_tests / sizeof case_tests[0])

static enum ippm_verdict run(const char *id, char *detail)
{
    const struct ippm_case *c = ippm_case_find(id);
    assert_non_null(c);
    assert_int_equal(c->role, g.obs.role);
    detail[0] = '\0';
    return c->check(&g.obs, &c->arg, detail, IPPM_DETAIL_MAX);
}

static void expect(const char *id, enum ippm_verdict want)
{
    char d[IPPM_DETAIL_MAX];
    enum ippm_verdict v = run(id, d);
    if (v != want)
        fail_msg("%s: %s, expected %s (%s)", id, ippm_verdict_str(v),
                 ippm_verdict_str(want), d);
    if (v != IPPM_PASS)
        assert_true(d[0] != '\0');
}

static void test_case_pass_then_fail(void **state)
{
    const struct case_test *t = *state;
    build(t->fx);
    expect(t->id, IPPM_PASS);
    t->mutate();
    expect(t->id, IPPM_FAIL);
}

static bool tlv_case(const char *id)
{
    return strncmp(id, "STAMP-8762-", 11) != 0 &&
           strncmp(id, "STAMP-8972-3-", 13) != 0 &&
           strncmp(id, "STAMP-", 6) == 0;
}

/* draft-ietf-ippm-stamp-ext-hdr-07 §3: a type-246 TLV filled with the
 * header received (here a Hop-by-Hop of PadN, whose octets 4-7 are the
 * zeros sent) passes with U = 0; one whose header does not fit does not. */
static void test_ext_hdr_filled_passes(void **state)
{
    (void)state;
    static const uint8_t hbh[8] = {17, 0, 1, 4, 0, 0, 0, 0};
    build(F_R);
    uint8_t *t = rt(X_HDR, STAMP_TLV_EXT_HDR);
    assert_int_equal(ippm_load_u16(t + 2), 12);
    memcpy(t + 4, hbh, sizeof hbh);
    t[0] &= (uint8_t)~STAMP_TLV_U;
    expect("STAMP-HDR-3-02", IPPM_PASS);
    t[4 + 1] = 1; /* 16 octets in 12 */
    expect("STAMP-HDR-3-02", IPPM_FAIL);
}

/* Every TLV case has a test above, and reads right. */
static void test_every_tlv_case_is_tested(void **state)
{
    (void)state;
    size_t n, tlv = 0;
    const struct ippm_case *c = ippm_catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        if (!tlv_case(c[i].id))
            continue;
        tlv++;
        bool found = false;
        for (size_t j = 0; j < N_CASE_TESTS; j++)
            found |= strcmp(case_tests[j].id, c[i].id) == 0;
        if (!found)
            fail_msg("%s has no unit test", c[i].id);
        assert_non_null(c[i].check);
        assert_non_null(c[i].quote);
        assert_true(strncmp(c[i].section, "RFC ", 4) == 0 ||
                    strncmp(c[i].section, "draft-", 6) == 0);
        /* A draft case names its revision. */
        if (strncmp(c[i].section, "draft-", 6) == 0)
            assert_non_null(strchr(c[i].section, ' '));
    }
    assert_true(tlv >= 60);
    assert_int_equal(tlv, N_CASE_TESTS);
}

/* The conforming fixtures fail nothing in the whole catalogue: our own
 * reflector and sender pass every case that applies. */
static void test_fixtures_fail_nothing(void **state)
{
    (void)state;
    static const enum fxkind kinds[] = {F_R, F_RS, F_A, F_S, F_SA};
    static struct ippm_case_result res[512];
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        build(kinds[k]);
        size_t n = ippm_catalogue_run(&g.obs, NULL, res, 512);
        assert_true(n > 0);
        for (size_t i = 0; i < n; i++)
            if (res[i].verdict == IPPM_FAIL && tlv_case(res[i].c->id))
                fail_msg("fixture %zu: %s failed: %s", k, res[i].c->id,
                         res[i].detail);
    }
}

/* A reflector that copies TLVs as sent (RFC 8762 only) makes the
 * processing cases N/A, not FAIL. */
static void test_copying_reflector_is_na(void **state)
{
    (void)state;
    build(F_R);
    for (size_t i = 0; i < g.obs.n_ex; i++) {
        struct ippm_exchange *e = &g.ex[i];
        memcpy(g.rep[i] + base(&g), e->req + base(&g), e->req_len - base(&g));
        e->rep = g.rep[i];
        e->rep_len = e->req_len;
        e->rep_tos = e->req_tos;
    }
    char d[IPPM_DETAIL_MAX];
    assert_int_equal(run("STAMP-8972-4-02", d), IPPM_NA);
    assert_non_null(strstr(d, "does not support TLVs"));
    assert_int_equal(run("STAMP-8972-4.4-02", d), IPPM_NA);
    assert_int_equal(run("STAMP-8972-4-03", d), IPPM_NA);
    /* ... but copying an unknown TLV is right either way. */
    assert_int_equal(run("STAMP-8972-4-07", d), IPPM_PASS);
}

/* A reflector that does not copy the octets past the base packet (RFC
 * 8762 §4.3), truncating its replies or zeroing them, fails that case
 * (and the length case); the TLV cases that read those octets are N/A
 * with that reason, not more failures. */
static void test_uncopied_padding_charged_once(void **state)
{
    (void)state;
    static const enum fxkind kinds[] = {F_R, F_RS, F_A};
    static struct ippm_case_result res[512];
    for (size_t k = 0; k < 2 * sizeof kinds / sizeof kinds[0]; k++) {
        bool zeroed = k % 2;
        build(kinds[k / 2]);
        static struct ippm_case_result was[512];
        size_t n0 = ippm_catalogue_run(&g.obs, NULL, was, 512);
        for (size_t i = 0; i < g.obs.n_ex; i++) {
            struct ippm_exchange *e = &g.ex[i];
            if (!e->rep || e->rep_len <= base(&g) ||
                e->rep_len != e->req_len) /* asymmetrical replies aside */
                continue;
            if (zeroed)
                memset(g.rep[i] + base(&g), 0, e->rep_len - base(&g));
            else
                e->rep_len = base(&g);
            /* A reflector returning no TLVs undertakes none: no copies. */
            e->n_replies = 1;
        }
        size_t n = ippm_catalogue_run(&g.obs, NULL, res, 512);
        unsigned na = 0;
        for (size_t i = 0; i < n; i++) {
            const char *id = res[i].c->id;
            assert_true(i < n0 && was[i].c == res[i].c);
            if (res[i].verdict == IPPM_FAIL && was[i].verdict != IPPM_FAIL &&
                strcmp(id, "STAMP-8762-4.3-02") != 0 &&
                (zeroed || strcmp(id, "STAMP-8762-4.2-01") != 0))
                fail_msg("fixture %zu: %s failed: %s", k, id, res[i].detail);
            if (res[i].verdict == IPPM_NA &&
                strstr(res[i].detail, "does not return the octets past the "
                                      "base packet (RFC 8762 §4.3, "
                                      "STAMP-8762-4.3-02)"))
                na++;
            if (!strcmp(id, "STAMP-8762-4.3-02"))
                assert_int_equal(res[i].verdict, IPPM_FAIL);
        }
        assert_true(na >= 6);
    }
}

/* RFC 8972 §4: I = 1 only when the HMAC TLV failed; a reflector that
 * sets it although the request's HMAC TLV verified breaks 4-06, in
 * authenticated mode and in open mode with a key. */
static void test_i_set_with_good_hmac(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    for (int open = 0; open < 2; open++) {
        build(F_A);
        if (open) { /* the same TLVs, HMAC TLV included, in open mode */
            uint8_t b[128];
            size_t n = 0;
            fx_init(&g, IPPM_ROLE_REFLECTOR, false, false);
            PUT(stamp_tlv_put_cos(b, B_, &n, 46));
            PUT(stamp_tlv_put_hmac(b, B_, &n));
            add(&g, b, n, 5, false);
        }
        assert_int_equal(run("STAMP-8972-4-06", d), IPPM_PASS);
        for (int resign = 0; resign < 2; resign++) {
            uint8_t saved[MAXLEN];
            memcpy(saved, g.rep[0], g.ex[0].rep_len);
            rt(0, STAMP_TLV_COS)[0] |= STAMP_TLV_I;
            if (resign) { /* a reflector signing what it sends */
                struct ippm_hmac_key k = key();
                size_t off =
                    (size_t)(rt(0, STAMP_TLV_HMAC) - g.rep[0]) - base(&g);
                assert_int_equal(stamp_tlv_hmac_sign(&k, g.rep[0],
                                                     g.ex[0].rep_len, base(&g),
                                                     off),
                                 IPPM_OK);
            }
            assert_int_equal(run("STAMP-8972-4-06", d), IPPM_FAIL);
            assert_non_null(strstr(d, "seq 0: a TLV came back with I = 1, "
                                      "the request's HMAC TLV verifies"));
            assert_int_equal(run("STAMP-8972-4-04", d), IPPM_NA);
            memcpy(g.rep[0], saved, g.ex[0].rep_len);
        }
    }
}

/* RFC 8972 §4.6 n/a: a report in every packet, unanswered, is reported
 * again rather than retransmitted; a capture cut within the timer; and
 * §4.1: a counter fill fails, a BER test's pattern is not graded. */
static void test_sender_evidence(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    fx_init(&g, IPPM_ROLE_SENDER, false, false);
    for (uint32_t k = 0; k < 10; k++)
        add_ar(k, 100 * k);
    assert_int_equal(run("STAMP-8972-4.6-05", d), IPPM_NA);
    assert_non_null(strstr(d, "same report"));
    fx_init(&g, IPPM_ROLE_SENDER, false, false);
    add_ar(0, 0);
    add_ar(1, 2000);
    g.req[1][base(&g) + 1] = STAMP_TLV_PADDING;
    assert_int_equal(run("STAMP-8972-4.6-05", d), IPPM_NA);
    assert_int_equal(run("STAMP-8972-4.6-07", d), IPPM_NA);
    /* RFC 8972 §4.6 re-sends keep their Sequence Number: no RFC 8762
     * sequence failure; without the report they are repeats. */
    build(F_SAR);
    expect("STAMP-8762-4.2.1-02", IPPM_PASS);
    m_ar_never();
    expect("STAMP-8762-4.2.1-02", IPPM_FAIL);
    build(F_SP);
    uint8_t *v = qt(P_RANDOM, STAMP_TLV_PADDING) + 4;
    for (uint8_t k = 0; k < 16; k++)
        v[k] = (uint8_t)(3 + 5 * k);
    assert_int_equal(run("STAMP-8972-4.1-02", d), IPPM_FAIL);
    assert_non_null(strstr(d, "counts 0x03, 0x08"));
    build(F_S); /* a BER test: the padding is its pattern */
    assert_int_equal(run("STAMP-8972-4.1-02", d), IPPM_NA);
}

/* draft-ietf-ippm-asymmetrical-pkts-14 §3: the copies at their Interval,
 * within the tolerance; and a request refused with C = 1 wants one. */
static void test_asym_interval(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    build(F_R);
    g.ex[X_ASYMN].last_rep_ns += 5 * MS; /* 9 ms for 2 x 2 ms */
    assert_int_equal(run("STAMP-ASYM-3-07", d), IPPM_FAIL);
    assert_non_null(strstr(d, "3 replies over 9.000 ms (expected 4.000 ms"));
    g.ex[X_ASYMN].last_rep_ns -= 4 * MS; /* 1 ms late: tolerated */
    assert_int_equal(run("STAMP-ASYM-3-07", d), IPPM_PASS);
    /* C = 1 (beyond its limits) and three replies anyway. */
    rt(X_ASYMN, STAMP_TLV_REFL_CONTROL)[0] |= STAMP_TLV_C;
    assert_int_equal(run("STAMP-ASYM-3-07", d), IPPM_FAIL);
    assert_non_null(strstr(d, "expected 1: one, beyond its limits"));
    g.ex[X_ASYMN].n_replies = 1;
    assert_int_equal(run("STAMP-ASYM-3-07", d), IPPM_PASS);
}

static void test_failure_detail(void **state)
{
    (void)state;
    build(F_R);
    m_cos_dscp2();
    char d[IPPM_DETAIL_MAX];
    assert_int_equal(run("STAMP-8972-4.4-02", d), IPPM_FAIL);
    assert_non_null(strstr(d, "seq 0: DSCP2 10, ECN 1; the request arrived "
                              "with DSCP 11, ECN 1 (expected those)"));
}

int main(void)
{
    struct CMUnitTest tests[N_CASE_TESTS + 16];
    size_t n = 0;
    for (size_t i = 0; i < N_CASE_TESTS; i++) {
        struct CMUnitTest t = {case_tests[i].id, test_case_pass_then_fail, NULL,
                               NULL, (void *)&case_tests[i]};
        tests[n++] = t;
    }
    const struct CMUnitTest more[] = {
        cmocka_unit_test(test_every_tlv_case_is_tested),
        cmocka_unit_test(test_fixtures_fail_nothing),
        cmocka_unit_test(test_ext_hdr_filled_passes),
        cmocka_unit_test(test_copying_reflector_is_na),
        cmocka_unit_test(test_failure_detail),
        cmocka_unit_test(test_asym_interval),
        cmocka_unit_test(test_sender_evidence),
        cmocka_unit_test(test_i_set_with_good_hmac),
        cmocka_unit_test(test_uncopied_padding_charged_once),
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        tests[n++] = more[i];
    return _cmocka_run_group_tests("stamp_tlv_cases", tests, n, NULL, NULL);
}
