/* Every STAMP case on hand-made exchanges: PASS on a conforming fixture,
 * FAIL once the fixture breaks that case's rule (a check that cannot fail
 * is a defect). Fixtures are built with the STAMP encoders; a mutation
 * edits the bytes afterwards, as a faulty peer would have sent them.
 * Then the runner: role and protocol selection, the --only prefix, N/A. */
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
#include "conformance/cases/cases.h"
#include "testsupport/fake_crypto.h"

#define NS 1000000000ull
#define T0 (1764000000ull * NS) /* 2025-11-24 */
#define MS 1000000ull
#define MAXEX 32
#define MAXLEN 1100

/* ---- crypto for HMAC fixtures: testsupport/fake_crypto.h ---- */

static struct fake_crypto_fixture t_crypto;
static const uint8_t t_key[] = "a shared secret for STAMP tests";

/* ---- fixtures ---- */

struct fx {
    uint8_t req[MAXEX][MAXLEN];
    uint8_t rep[MAXEX][MAXLEN];
    struct ippm_exchange ex[MAXEX];
    struct ippm_obs obs;
    bool auth;
    bool stateful;
    uint32_t refl_count[8]; /* stateful counters, by session port - 40000 */
    uint32_t ssid_b_count;  /* port 40006's second SSID (RFC 8972 §3) */
};

struct spec {
    uint32_t seq;
    size_t len;        /* request length */
    bool ptp;
    uint16_t ssid;
    bool mbz;          /* set a sender MBZ octet */
    bool garbage;      /* 0xA5 everywhere */
    bool bad_hmac;
    uint16_t port;     /* source port */
    bool reply;
    uint64_t t;        /* send time */
};

static const struct ippm_hmac_key *t_keyed(void)
{
    return fake_crypto_fixture_key(&t_crypto, t_key, sizeof t_key - 1);
}

static struct ippm_hmac_key key_of(const struct fx *f)
{
    struct ippm_hmac_key k = {0};
    if (f->auth)
        k = *t_keyed();
    return k;
}

static void fx_init(struct fx *f, bool auth, bool stateful,
                    enum ippm_role role)
{
    memset(f, 0, sizeof *f);
    f->auth = auth;
    f->stateful = stateful;
    f->obs.protocol = "stamp";
    f->obs.role = role;
    f->obs.ex = f->ex;
    f->obs.auth = auth;
    f->obs.key = auth ? t_keyed() : NULL;
    f->obs.expect_stateful = stateful;
    f->obs.clock_tolerance_ns = NS;
}

static struct ippm_addr addr(uint8_t last, uint16_t port)
{
    struct ippm_addr a = {IPPM_AF_INET, {127, 0, 0, last}, port, 0};
    return a;
}

/* Port 40006 carries two SSIDs (RFC 8972 §3: a session is the 4-tuple
 * and the SSID); the conforming reflector counts each apart. */
#define SSID_A 0x0a0a
#define SSID_B 0x0b0b

static struct ippm_exchange *fx_add(struct fx *f, const struct spec *s)
{
    size_t i = f->obs.n_ex++;
    assert_true(i < MAXEX);
    struct ippm_exchange *e = &f->ex[i];
    enum stamp_mode mode = f->auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    size_t base = stamp_base_len(mode);
    struct ippm_hmac_key key = key_of(f);
    uint8_t *q = f->req[i];
    uint64_t t = s->t;
    enum ippm_tsfmt fmt = s->ptp ? IPPM_TS_PTP : IPPM_TS_NTP;
    struct ippm_errest ee = {true, s->ptp, 10, 3};

    struct stamp_sender_pkt sp = {.seq = s->seq,
                                  .ts = ippm_ts_from_ns(t, fmt),
                                  .errest = ippm_errest_encode(&ee),
                                  .ssid = s->ssid};
    uint8_t pad[MAXLEN];
    uint32_t x = 1; /* pseudorandom, as RFC 8972 §4.1 would have it */
    for (size_t k = 0; k < sizeof pad; k++) {
        x = x * 1103515245u + 12345u;
        pad[k] = (uint8_t)(x >> 16);
    }
    if (s->len > base) {
        sp.extra = pad;
        sp.extra_len = s->len - base;
    }
    if (s->garbage) {
        memset(q, 0xA5, s->len);
    } else if (s->len < base) {
        uint8_t full[MAXLEN];
        assert_int_equal(stamp_sender_pkt_encode(full, sizeof full, base, &sp,
                                                 mode, &key),
                         IPPM_OK);
        memcpy(q, full, s->len);
    } else {
        assert_int_equal(stamp_sender_pkt_encode(q, MAXLEN, s->len, &sp, mode,
                                                 &key),
                         IPPM_OK);
        if (s->mbz) {
            q[f->auth ? 40 : 30] = 0x5a;
            if (f->auth) { /* keep the HMAC valid over the MBZ */
                uint8_t mac[STAMP_HMAC_LEN];
                assert_int_equal(stamp_hmac_compute(&key, q, s->len, mac),
                                 IPPM_OK);
                memcpy(q + STAMP_AUTH_HMAC_OFF, mac, sizeof mac);
            }
        }
        if (s->bad_hmac)
            q[STAMP_AUTH_HMAC_OFF] ^= 0xff;
    }
    e->req = q;
    e->req_len = s->len;
    e->req_ns = t;
    e->req_ttl = 64;
    e->req_src = addr(1, s->port);
    e->req_dst = addr(2, STAMP_PORT);
    e->probe = 0;
    if (!s->reply)
        return e;

    /* A conforming reply. */
    struct stamp_sender_pkt in;
    size_t rlen = s->len;
    bool dec = stamp_sender_pkt_decode(&in, q, s->len, mode) == IPPM_OK;
    if (!dec) { /* garbage or short: reply with what the octets say */
        memset(&in, 0, sizeof in);
        in.seq = ippm_load_u32(q);
        if (rlen < base)
            rlen = base;
    }
    uint32_t *cnt = s->port == 40006 && s->ssid == SSID_B
                        ? &f->ssid_b_count
                        : &f->refl_count[s->port - 40000];
    struct ippm_errest re = {true, false, 10, 2};
    struct stamp_reflector_pkt rp = {
        .seq = f->stateful ? (*cnt)++ : in.seq,
        .ts = ippm_ntp_from_ns(t + 200000),
        .errest = ippm_errest_encode(&re),
        .ssid = in.ssid,
        .rx_ts = ippm_ntp_from_ns(t + 100000),
        .ss_seq = in.seq,
        .ss_ts = in.ts,
        .ss_errest = in.errest,
        .ss_ttl = 64,
        .extra = in.extra,
        .extra_len = in.extra_len,
    };
    assert_int_equal(stamp_reflector_pkt_encode(f->rep[i], MAXLEN, rlen, &rp,
                                                mode, &key),
                     IPPM_OK);
    e->rep = f->rep[i];
    e->rep_len = rlen;
    e->rep_ns = t + 300000;
    e->n_replies = 1;
    e->rep_src = addr(2, STAMP_PORT);
    return e;
}

/* Indices of the reflector fixture, open and auth alike. */
enum {
    RX_BASE0, RX_BASE1, RX_BASE2, RX_PAD, RX_SHORT, RX_GARBAGE, RX_AFTER,
    RX_MBZ, RX_PTP, RX_SSID, RX_BADHMAC
};
/* The first of the two-SSID exchanges (after RX_BADHMAC in auth mode). */
#define RX_TWO_SSID(f) (RX_BADHMAC + ((f)->auth ? 1 : 0))

static void fx_reflector(struct fx *f, bool auth, bool stateful)
{
    fx_init(f, auth, stateful, IPPM_ROLE_REFLECTOR);
    size_t base = auth ? STAMP_AUTH_BASE_LEN : STAMP_BASE_LEN;
    uint64_t t = T0;
    for (uint32_t s = 0; s < 3; s++)
        fx_add(f, &(struct spec){.seq = s, .len = base, .port = 40000,
                                 .reply = true, .t = t += MS});
    fx_add(f, &(struct spec){.seq = 3, .len = base + 84, .port = 40000,
                             .reply = true, .t = t += MS});
    fx_add(f, &(struct spec){.seq = 4, .len = 30, .port = 40000,
                             .t = t += MS});
    fx_add(f, &(struct spec){.len = base, .garbage = true, .port = 40001,
                             .t = t += MS});
    fx_add(f, &(struct spec){.seq = 0, .len = base, .port = 40001,
                             .reply = true, .t = t += MS});
    fx_add(f, &(struct spec){.seq = 0, .len = base, .mbz = true,
                             .port = 40002, .reply = true, .t = t += MS});
    fx_add(f, &(struct spec){.seq = 0, .len = base, .ptp = true,
                             .port = 40003, .reply = true, .t = t += MS});
    fx_add(f, &(struct spec){.seq = 0, .len = base, .ssid = 0x1234,
                             .port = 40004, .reply = true, .t = t += MS});
    if (auth)
        fx_add(f, &(struct spec){.seq = 0, .len = base, .bad_hmac = true,
                                 .port = 40005, .t = t += MS});
    /* RX_TWO_SSID(f): SSID A 0, B 0, A 1, B 1 on one 4-tuple */
    for (uint32_t k = 0; k < 4; k++)
        fx_add(f, &(struct spec){.seq = k / 2, .len = base,
                                 .ssid = k % 2 ? SSID_B : SSID_A,
                                 .port = 40006, .reply = true, .t = t += MS});
}

/* Sender role: what somebody's Session-Sender sent us. */
static void fx_sender(struct fx *f, bool auth)
{
    fx_init(f, auth, false, IPPM_ROLE_SENDER);
    size_t base = auth ? STAMP_AUTH_BASE_LEN : STAMP_BASE_LEN;
    uint64_t t = T0;
    for (uint32_t s = 0; s < 5; s++)
        fx_add(f, &(struct spec){.seq = s, .len = base, .port = 40000,
                                 .t = t += MS});
    for (uint32_t s = 0; s < 3; s++) {
        /* RFC 8972 (an SSID): the 16 octets are an Extra Padding TLV. */
        struct ippm_exchange *e =
            fx_add(f, &(struct spec){.seq = s, .len = base + 16, .ssid = 7,
                                     .port = 40001, .t = t += MS});
        uint8_t *q = (uint8_t *)e->req + base;
        q[0] = 0x80; /* U, as a sender sets it */
        q[1] = 1;
        ippm_store_u16(q + 2, 12);
    }
    for (uint32_t s = 0; s < 2; s++) /* another SSID (RFC 8972 §3) */
        fx_add(f, &(struct spec){.seq = s, .len = base, .ssid = 9,
                                 .port = 40002, .t = t += MS});
    /* Arrival a little after the send. */
    for (size_t i = 0; i < f->obs.n_ex; i++)
        f->ex[i].req_ns += 150000;
}

static uint8_t *rq(struct fx *f, size_t i) { return f->req[i]; }
static uint8_t *rp(struct fx *f, size_t i) { return f->rep[i]; }

/* ---- running one case ---- */

static enum ippm_verdict run(const char *id, const struct ippm_obs *obs,
                             char *detail)
{
    const struct ippm_case *c = ippm_case_find(id);
    assert_non_null(c);
    assert_int_equal(c->role, obs->role);
    detail[0] = '\0';
    return c->check(obs, &c->arg, detail, IPPM_DETAIL_MAX);
}

static void expect(const char *id, const struct ippm_obs *obs,
                   enum ippm_verdict want)
{
    char d[IPPM_DETAIL_MAX];
    enum ippm_verdict v = run(id, obs, d);
    if (v != want)
        fail_msg("%s: %s, expected %s (%s)", id, ippm_verdict_str(v),
                 ippm_verdict_str(want), d);
    if (v != IPPM_PASS)
        assert_true(d[0] != '\0');
}

enum fxkind {
    F_OPEN, F_AUTH, F_OPEN_STATEFUL, F_SEND_OPEN, F_SEND_AUTH,
    F_OPEN_TTL, /* F_OPEN with one request one hop further (TTL 63) */
    F_SEND_DEFAULTS, /* F_SEND_OPEN run with no port or format given */
    F_OPEN_SSIDSET /* F_OPEN provisioned with its SSIDs, one outsider */
};

/* RFC 8972 §3: the SSIDs F_OPEN_SSIDSET's reflector is provisioned with;
 * m_ssid_discard leaves out the last. */
static const uint16_t ssid_set[] = {SSID_A, SSID_B, 0x1234};

static void build(struct fx *f, enum fxkind k)
{
    switch (k) {
    case F_OPEN: fx_reflector(f, false, false); break;
    case F_AUTH: fx_reflector(f, true, false); break;
    case F_OPEN_STATEFUL: fx_reflector(f, false, true); break;
    case F_SEND_OPEN: fx_sender(f, false); break;
    case F_SEND_AUTH: fx_sender(f, true); break;
    case F_OPEN_SSIDSET:
        fx_reflector(f, false, false);
        f->obs.ssid_set = ssid_set;
        f->obs.n_ssid_set = sizeof ssid_set / sizeof ssid_set[0];
        fx_add(f, &(struct spec){.seq = 0, .len = STAMP_BASE_LEN,
                                 .ssid = 0x7777, .port = 40007,
                                 .t = T0 + 100 * MS});
        break;
    case F_SEND_DEFAULTS:
        fx_sender(f, false);
        f->obs.sender_defaults = true;
        break;
    case F_OPEN_TTL:
        fx_reflector(f, false, false);
        f->ex[RX_BASE1].req_ttl = 63;
        rp(f, RX_BASE1)[40] = 63;
        break;
    }
}

/* ---- mutations: each breaks one rule ---- */

static void m_port(struct fx *f) { f->ex[RX_BASE1].rep_src.port = 8620; }
static void m_symmetric(struct fx *f) { f->ex[RX_PAD].rep_len -= 4; }
/* RFC 8762 §4.6: the base packet answers a short request. Conforming
 * for 4.2-02, 4.3-03 and the advisory 4.6-01. */
static void m_answer_short(struct fx *f)
{
    /* The reflector read the short request's Sequence Number (4) and
     * zeros past its end: as base packet 0's reply, with that number. */
    size_t len = f->ex[RX_BASE0].rep_len;
    uint8_t *r = rp(f, RX_SHORT);
    memcpy(r, rp(f, RX_BASE0), len);
    ippm_store_u32(r, 4);
    ippm_store_u32(r + (f->auth ? 48 : 24), 4);
    /* Its own times, so the timestamps still advance (STAMP-8762-ADV-02). */
    uint64_t t = f->ex[RX_SHORT].req_ns;
    ippm_store_u64(r + (f->auth ? 16 : 4), ippm_ntp_from_ns(t + 200000));
    ippm_store_u64(r + (f->auth ? 32 : 16), ippm_ntp_from_ns(t + 100000));
    if (f->auth) {
        struct ippm_hmac_key key = key_of(f);
        uint8_t mac[STAMP_HMAC_LEN];
        assert_int_equal(stamp_hmac_compute(&key, r, len, mac), IPPM_OK);
        memcpy(r + STAMP_AUTH_HMAC_OFF, mac, sizeof mac);
    }
    f->ex[RX_SHORT].rep = r;
    f->ex[RX_SHORT].rep_len = len;
    f->ex[RX_SHORT].rep_ns = f->ex[RX_SHORT].req_ns + 300000;
    f->ex[RX_SHORT].rep_src = f->ex[RX_BASE0].rep_src;
    f->ex[RX_SHORT].n_replies = 1;
}
/* Neither no reply nor the base packet: a TWAMP-Light style 38 octets. */
static void m_answer_short_38(struct fx *f)
{
    m_answer_short(f);
    f->ex[RX_SHORT].rep_len = 38;
}
static void m_rep_longer(struct fx *f) { f->ex[RX_BASE1].rep_len += 16; }
static void m_send_short(struct fx *f) { f->ex[2].req_len = 40; }
static void m_send_open_mbz(struct fx *f) { rq(f, 1)[43] = 1; }
static void m_send_seq(struct fx *f) { ippm_store_u32(rq(f, 3), 7); }
static void m_send_mult(struct fx *f) { rq(f, 2)[13] = 0; }
static void m_send_z(struct fx *f) { rq(f, 2)[12] |= 0x40; }
static void m_send_ts(struct fx *f) { f->ex[4].req_ns += 5 * NS; }
static void m_send_port(struct fx *f) { f->ex[6].req_dst.port = 20862; }
static void m_drop(struct fx *f, size_t i) { f->ex[i].rep = NULL; }
static void m_ign_mbz(struct fx *f) { m_drop(f, RX_MBZ); }
static void m_ptp(struct fx *f) { m_drop(f, RX_PTP); }
static void m_tsfmt(struct fx *f) { f->obs.expect_tsfmt = 1 + IPPM_TS_PTP; }
static void m_send_auth_mbz12(struct fx *f) { rq(f, 1)[5] = 1; }
static void m_send_auth_mbz70(struct fx *f) { rq(f, 1)[90] = 1; }
static void m_answer(struct fx *f) { m_drop(f, RX_BASE1); }
static void m_padding(struct fx *f)
{
    rp(f, RX_PAD)[f->auth ? 120 : 60] ^= 0xff;
}
static void m_dup(struct fx *f) { f->ex[RX_BASE2].n_replies = 2; }
static void m_garbage(struct fx *f) { m_drop(f, RX_AFTER); }
static void m_refl_seq(struct fx *f)
{
    ippm_store_u32(rp(f, RX_BASE2), ippm_load_u32(rp(f, RX_BASE2)) + 5);
}
static void m_copy_seq(struct fx *f)
{
    rp(f, RX_BASE1)[f->auth ? 51 : 27] ^= 1;
}
static void m_copy_ts(struct fx *f)
{
    rp(f, RX_BASE1)[f->auth ? 71 : 35] ^= 1;
}
static void m_copy_errest(struct fx *f)
{
    rp(f, RX_BASE1)[f->auth ? 73 : 37] ^= 1;
}
static void m_ttl(struct fx *f) { rp(f, RX_BASE1)[f->auth ? 80 : 40] = 63; }
static void m_rxts(struct fx *f)
{
    ippm_store_u64(rp(f, RX_BASE1) + 16,
                   ippm_ntp_from_ns(f->ex[RX_BASE1].req_ns - 3 * NS));
    ippm_store_u64(rp(f, RX_BASE1) + 4,
                   ippm_ntp_from_ns(f->ex[RX_BASE1].req_ns - 3 * NS));
}
static void m_ts_rx(struct fx *f)
{
    ippm_store_u64(rp(f, RX_BASE1) + 4,
                   ippm_ntp_from_ns(f->ex[RX_BASE1].req_ns + 50000));
}
static void m_ts_seen(struct fx *f)
{
    ippm_store_u64(rp(f, RX_BASE1) + 4,
                   ippm_ntp_from_ns(f->ex[RX_BASE1].rep_ns + 3 * NS));
}
static void m_open_mbz14(struct fx *f) { rp(f, RX_BASE0)[15] = 1; }
static void m_open_mbz38(struct fx *f) { rp(f, RX_BASE0)[39] = 1; }
static void m_open_mbz41(struct fx *f) { rp(f, RX_BASE0)[43] = 1; }
static void m_mult(struct fx *f) { rp(f, RX_BASE0)[f->auth ? 25 : 13] = 0; }
static void m_z(struct fx *f) { rp(f, RX_BASE0)[f->auth ? 24 : 12] |= 0x40; }
static void m_auth_mbz4(struct fx *f) { rp(f, RX_BASE0)[15] = 1; }
static void m_auth_mbz26(struct fx *f) { rp(f, RX_BASE0)[27] = 1; }
static void m_auth_mbz40(struct fx *f) { rp(f, RX_BASE0)[47] = 1; }
static void m_auth_mbz52(struct fx *f) { rp(f, RX_BASE0)[52] = 1; }
static void m_auth_mbz74(struct fx *f) { rp(f, RX_BASE0)[79] = 1; }
static void m_auth_mbz81(struct fx *f) { rp(f, RX_BASE0)[95] = 1; }
static void m_refl_hmac(struct fx *f) { rp(f, RX_BASE2)[100] ^= 1; }
static void m_bad_hmac(struct fx *f)
{
    f->ex[RX_BADHMAC].rep = rp(f, RX_BASE0);
    f->ex[RX_BADHMAC].rep_len = f->ex[RX_BASE0].rep_len;
}
static void m_send_hmac(struct fx *f) { rq(f, 3)[110] ^= 1; }
static void m_ssid(struct fx *f)
{
    ippm_store_u16(rp(f, RX_SSID) + (f->auth ? 26 : 14), 0x4321);
}
/* 0x1234 not provisioned: RX_SSID's answer should not have come. */
static void m_ssid_discard(struct fx *f) { f->obs.n_ssid_set = 2; }
static void m_send_ssid(struct fx *f) { ippm_store_u16(rq(f, 7) + 14, 8); }
/* SSID B's first reply numbered as if one counter served the 4-tuple. */
static void m_refl_ssid_sessions(struct fx *f)
{
    ippm_store_u32(rp(f, RX_TWO_SSID(f) + 1), 1);
}
static void m_send_ssid_reused(struct fx *f)
{
    ippm_store_u16(rq(f, 8) + 14, 7);
    ippm_store_u16(rq(f, 9) + 14, 7);
}

/* ADVISORY (open layout: Timestamp at 4, Error Estimate at 12, Receive
 * Timestamp at 16, Ses-Sender TTL at 40). */
static void m_adv_ts_once(struct fx *f)
{
    for (size_t i = 0; i < f->obs.n_ex; i++)
        if (f->ex[i].rep && f->ex[i].rep_len >= 24)
            memcpy(rp(f, i) + 4, rp(f, i) + 16, 8);
}
static void m_adv_ts_stuck(struct fx *f)
{
    memcpy(rp(f, RX_BASE2) + 4, rp(f, RX_BASE1) + 4, 8);
}
static void m_adv_rxts_back(struct fx *f)
{
    ippm_store_u64(rp(f, RX_BASE2) + 16,
                   ippm_load_u64(rp(f, RX_BASE1) + 16) - (1ull << 22));
}
/* S=1, Scale 63, Multiplier 255: 255 * 2^31 s. */
static void m_adv_errest(struct fx *f)
{
    rp(f, RX_BASE1)[12] = 0xbf;
    rp(f, RX_BASE1)[13] = 0xff;
}
static void m_adv_send_errest(struct fx *f)
{
    rq(f, 1)[12] = 0xbf;
    rq(f, 1)[13] = 0xff;
}
static void m_adv_ttl_const(struct fx *f) { rp(f, RX_BASE1)[40] = 64; }
/* About a millisecond (2^22 / 2^32 s) before the previous packet's. */
static void m_adv_send_ts_back(struct fx *f)
{
    ippm_store_u64(rq(f, 3) + 4, ippm_load_u64(rq(f, 2) + 4) - (1ull << 22));
}

struct case_test {
    const char *id;
    enum fxkind fx;
    void (*mutate)(struct fx *f);
};

static const struct case_test case_tests[] = {
    {"STAMP-8762-4.1-01", F_OPEN, m_port},
    {"STAMP-8762-4.1-02", F_SEND_DEFAULTS, m_send_port},
    {"STAMP-8762-4.2-01", F_OPEN, m_symmetric},
    {"STAMP-8762-4.2-02", F_OPEN, m_answer_short_38},
    {"STAMP-8762-4.2-03", F_SEND_OPEN, m_send_short},
    {"STAMP-8762-4.2.1-01", F_SEND_OPEN, m_send_open_mbz},
    {"STAMP-8762-4.2.1-02", F_SEND_OPEN, m_send_seq},
    {"STAMP-8762-4.2.1-03", F_SEND_OPEN, m_send_mult},
    {"STAMP-8762-4.2.1-04", F_SEND_OPEN, m_send_z},
    {"STAMP-8762-4.2.1-05", F_SEND_OPEN, m_send_ts},
    {"STAMP-8762-4.2.1-06", F_OPEN, m_ign_mbz},
    {"STAMP-8762-4.2.1-07", F_OPEN, m_ptp},
    {"STAMP-8762-4.2.1-08", F_OPEN, m_tsfmt},
    {"STAMP-8762-4.2.1-09", F_SEND_DEFAULTS, m_send_z},
    {"STAMP-8762-4.2.2-01", F_SEND_AUTH, m_send_auth_mbz12},
    {"STAMP-8762-4.2.2-02", F_SEND_AUTH, m_send_auth_mbz70},
    {"STAMP-8762-4.3-01", F_OPEN, m_answer},
    {"STAMP-8762-4.3-02", F_OPEN, m_padding},
    {"STAMP-8762-4.3-03", F_OPEN, m_rep_longer},
    {"STAMP-8762-4.3-04", F_OPEN, m_dup},
    {"STAMP-8762-4.3-05", F_OPEN, m_garbage},
    {"STAMP-8762-4.3.1-01", F_OPEN, m_refl_seq},
    {"STAMP-8762-4.3.1-02", F_OPEN_STATEFUL, m_refl_seq},
    {"STAMP-8762-4.3.1-03", F_OPEN, m_copy_seq},
    {"STAMP-8762-4.3.1-04", F_OPEN, m_copy_ts},
    {"STAMP-8762-4.3.1-05", F_OPEN, m_copy_errest},
    {"STAMP-8762-4.3.1-06", F_OPEN, m_ttl},
    {"STAMP-8762-4.3.1-07", F_OPEN, m_rxts},
    {"STAMP-8762-4.3.1-08", F_OPEN, m_ts_rx},
    {"STAMP-8762-4.3.1-09", F_OPEN, m_ts_seen},
    {"STAMP-8762-4.3.1-10", F_OPEN, m_open_mbz14},
    {"STAMP-8762-4.3.1-11", F_OPEN, m_open_mbz38},
    {"STAMP-8762-4.3.1-12", F_OPEN, m_open_mbz41},
    {"STAMP-8762-4.3.1-13", F_OPEN, m_mult},
    {"STAMP-8762-4.3.1-14", F_OPEN, m_z},
    {"STAMP-8762-4.3.2-01", F_AUTH, m_auth_mbz4},
    {"STAMP-8762-4.3.2-02", F_AUTH, m_auth_mbz26},
    {"STAMP-8762-4.3.2-03", F_AUTH, m_auth_mbz40},
    {"STAMP-8762-4.3.2-04", F_AUTH, m_auth_mbz52},
    {"STAMP-8762-4.3.2-05", F_AUTH, m_auth_mbz74},
    {"STAMP-8762-4.3.2-06", F_AUTH, m_auth_mbz81},
    {"STAMP-8762-4.4-01", F_AUTH, m_refl_hmac},
    {"STAMP-8762-4.4-02", F_AUTH, m_bad_hmac},
    {"STAMP-8762-4.4-03", F_SEND_AUTH, m_send_hmac},
    {"STAMP-8762-4.6-01", F_OPEN, m_rep_longer},
    {"STAMP-8762-ADV-01", F_OPEN, m_adv_ts_once},
    {"STAMP-8762-ADV-02", F_OPEN, m_adv_ts_stuck},
    {"STAMP-8762-ADV-03", F_OPEN, m_adv_rxts_back},
    {"STAMP-8762-ADV-04", F_OPEN, m_adv_errest},
    {"STAMP-8762-ADV-05", F_SEND_OPEN, m_adv_send_errest},
    {"STAMP-8762-ADV-06", F_OPEN_TTL, m_adv_ttl_const},
    {"STAMP-8762-ADV-07", F_SEND_OPEN, m_adv_send_ts_back},
    {"STAMP-8972-3-01", F_OPEN, m_ssid},
    {"STAMP-8972-3-04", F_OPEN_STATEFUL, m_refl_ssid_sessions},
    {"STAMP-8972-3-05", F_OPEN_SSIDSET, m_ssid_discard},
    {"STAMP-8972-3-02", F_SEND_OPEN, m_send_ssid},
    {"STAMP-8972-3-03", F_SEND_OPEN, m_send_ssid_reused},
};

#define N_CASE_TESTS (sizeof case_tests / sizeof case_tests[0])

static struct fx g_fx; /* large: keep it off the stack */

/* One cmocka test per case; state points at its case_test. */
static void test_case_pass_then_fail(void **state)
{
    const struct case_test *t = *state;
    build(&g_fx, t->fx);
    if (t->mutate == m_tsfmt) /* configured: the conforming run says NTP */
        g_fx.obs.expect_tsfmt = 1 + IPPM_TS_NTP;
    expect(t->id, &g_fx.obs, IPPM_PASS);
    t->mutate(&g_fx);
    expect(t->id, &g_fx.obs, IPPM_FAIL);
}

/* Every case in the catalogue has a test above. */
static void test_every_case_is_tested(void **state)
{
    (void)state;
    size_t n;
    const struct ippm_case *c = ippm_catalogue(&n);
    assert_true(n >= 40);
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        /* TLV cases (RFC 8972 §4 on, 9503, 9534, drafts) are tested in
         * stamp_tlv_cases_test.c. */
        if (strncmp(c[i].id, "STAMP-8762-", 11) != 0 &&
            strncmp(c[i].id, "STAMP-8972-3-", 13) != 0)
            continue;
        for (size_t j = 0; j < N_CASE_TESTS; j++)
            found |= strcmp(case_tests[j].id, c[i].id) == 0;
        if (!found)
            fail_msg("%s has no unit test", c[i].id);
        assert_non_null(c[i].check);
        assert_non_null(c[i].quote);
        assert_true(strncmp(c[i].section, "RFC ", 4) == 0);
        for (size_t j = 0; j < i; j++)
            if (strcmp(c[i].id, c[j].id) == 0)
                fail_msg("duplicate ID %s", c[i].id);
    }
}

/* ---- N/A, failure detail and the runner ---- */

static void test_short_reply_detail(void **state)
{
    (void)state;
    build(&g_fx, F_OPEN);
    m_symmetric(&g_fx);
    char d[IPPM_DETAIL_MAX];
    assert_int_equal(run("STAMP-8762-4.2-01", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "seq 3: reply length 124, request length 128 "
                              "(expected equal)"));
}

static void test_na_without_relevant_exchange(void **state)
{
    (void)state;
    struct fx *f = &g_fx;
    fx_init(f, false, false, IPPM_ROLE_REFLECTOR);
    fx_add(f, &(struct spec){.seq = 0, .len = 44, .port = 40000,
                             .reply = true, .t = T0});
    char d[IPPM_DETAIL_MAX];
    assert_int_equal(run("STAMP-8762-4.2-02", &f->obs, d), IPPM_NA);
    assert_non_null(strstr(d, "shorter"));
    assert_int_equal(run("STAMP-8762-4.4-01", &f->obs, d), IPPM_NA);
    assert_int_equal(run("STAMP-8762-4.3.2-01", &f->obs, d), IPPM_NA);
    assert_int_equal(run("STAMP-8972-3-01", &f->obs, d), IPPM_NA);
    assert_int_equal(run("STAMP-8762-4.2.1-08", &f->obs, d), IPPM_NA);
    assert_int_equal(run("STAMP-8972-3-05", &f->obs, d), IPPM_NA);
    assert_non_null(strstr(d, "--ssid-set"));
    /* No request to port 862: a configured port. */
    f->ex[0].req_dst.port = 5000;
    assert_int_equal(run("STAMP-8762-4.1-01", &f->obs, d), IPPM_NA);
    /* Auth without a key cannot check HMACs. */
    f->obs.auth = true;
    assert_int_equal(run("STAMP-8762-4.4-02", &f->obs, d), IPPM_NA);
    assert_non_null(strstr(d, "key"));
    /* A sender's defaults are graded only when declared. */
    build(&g_fx, F_SEND_OPEN);
    m_send_port(&g_fx);
    assert_int_equal(run("STAMP-8762-4.1-02", &g_fx.obs, d), IPPM_NA);
    assert_non_null(strstr(d, "--sender-defaults"));
    assert_int_equal(run("STAMP-8762-4.2.1-09", &g_fx.obs, d), IPPM_NA);
}

/* RFC 8762 §4.6: "will transmit the base packet (Figure 5) if it receives
 * a packet smaller than the STAMP base packet". The base reply passes the
 * RFC cases and the advisory MAY case on amplification (the sentence it
 * quotes prescribes that reply), no reply passes too (ippm's default),
 * any other size fails; the MAY case never fails the run, not even with
 * --strict. */
static void test_short_request_base_reply(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    for (int auth = 0; auth < 2; auth++) {
        build(&g_fx, auth ? F_AUTH : F_OPEN);
        expect("STAMP-8762-4.2-02", &g_fx.obs, IPPM_PASS); /* no reply */
        expect("STAMP-8762-4.6-01", &g_fx.obs, IPPM_PASS);
        m_answer_short(&g_fx);
        assert_int_equal(g_fx.ex[RX_SHORT].rep_len, auth ? 112 : 44);
        assert_int_equal(run("STAMP-8762-4.2-02", &g_fx.obs, d), IPPM_PASS);
        assert_non_null(strstr(d, "§4.6"));
        expect("STAMP-8762-4.3-03", &g_fx.obs, IPPM_PASS);
        expect("STAMP-8762-4.6-01", &g_fx.obs, IPPM_PASS);
        struct ippm_case_result r = {ippm_case_find("STAMP-8762-4.6-01"),
                                     IPPM_FAIL, ""};
        assert_int_equal(r.c->level, IPPM_MAY);
        assert_false(ippm_result_fails_run(&r, false));
        assert_false(ippm_result_fails_run(&r, true));
        /* The whole reflector table: nothing fails the run. */
        struct ippm_case_result res[128];
        size_t n = ippm_catalogue_run(&g_fx.obs, NULL, res, 128);
        for (size_t i = 0; i < n; i++)
            if (ippm_result_fails_run(&res[i], true))
                fail_msg("%s fails the run: %s", res[i].c->id,
                         res[i].detail);
        /* Any other size fails 4.2-02; a larger one 4.3-03 as well. */
        g_fx.ex[RX_SHORT].rep_len = auth ? 100 : 38;
        assert_int_equal(run("STAMP-8762-4.2-02", &g_fx.obs, d), IPPM_FAIL);
        assert_non_null(strstr(d, "expected no reply, or the"));
        expect("STAMP-8762-4.3-03", &g_fx.obs, IPPM_FAIL);
        assert_int_equal(run("STAMP-8762-4.6-01", &g_fx.obs, d), IPPM_FAIL);
        assert_non_null(strstr(d, "-octet reply to a 30-octet request"));
        g_fx.ex[RX_SHORT].rep_len = 30; /* an echo: not larger */
        expect("STAMP-8762-4.2-02", &g_fx.obs, IPPM_FAIL);
        expect("STAMP-8762-4.3-03", &g_fx.obs, IPPM_PASS);
    }
}

/* A reply shorter than the base to a base-length request (twampy's
 * 38-octet echo): fields it carries are graded, a field it lacks fails
 * its case, and n/a details say what is true. */
static void test_short_reply_fields(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    build(&g_fx, F_OPEN);
    for (size_t i = 0; i < g_fx.obs.n_ex; i++)
        if (g_fx.ex[i].rep)
            g_fx.ex[i].rep_len = 38;
    assert_int_equal(run("STAMP-8762-4.2-01", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "reply length 38, request length 44"));
    /* Octets 24-37 are there: the copies are graded and pass. */
    expect("STAMP-8762-4.3.1-03", &g_fx.obs, IPPM_PASS);
    expect("STAMP-8762-4.3.1-04", &g_fx.obs, IPPM_PASS);
    expect("STAMP-8762-4.3.1-05", &g_fx.obs, IPPM_PASS);
    expect("STAMP-8762-4.3.1-08", &g_fx.obs, IPPM_PASS);
    expect("STAMP-8762-4.3.1-14", &g_fx.obs, IPPM_PASS);
    /* Octet 40 is not: the Ses-Sender TTL is missing. */
    assert_int_equal(run("STAMP-8762-4.3.1-06", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "too short to carry the Ses-Sender TTL"));
    /* Even where the arrival TTL is unknown (a live run's estimate). */
    for (size_t i = 0; i < g_fx.obs.n_ex; i++)
        g_fx.ex[i].req_ttl = -1;
    expect("STAMP-8762-4.3.1-06", &g_fx.obs, IPPM_FAIL);
    /* MBZ octets 41-43 cannot be read: n/a, and saying why. */
    assert_int_equal(run("STAMP-8762-4.3.1-12", &g_fx.obs, d), IPPM_NA);
    assert_non_null(strstr(d, "too short to carry octets 41-43"));
    /* 20 octets: the copies are missing too. */
    for (size_t i = 0; i < g_fx.obs.n_ex; i++)
        if (g_fx.ex[i].rep)
            g_fx.ex[i].rep_len = 20;
    assert_int_equal(run("STAMP-8762-4.3.1-03", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "too short to carry the Session-Sender "
                              "Sequence Number"));
    /* No request of base length: nothing to fail, and n/a says why. */
    struct fx *f = &g_fx;
    fx_init(f, false, false, IPPM_ROLE_REFLECTOR);
    fx_add(f, &(struct spec){.seq = 0, .len = 44, .port = 40000,
                             .reply = true, .t = T0});
    f->ex[0].rep_len = 38;
    f->ex[0].req_len = 44;
    assert_int_equal(run("STAMP-8762-4.3.1-11", &f->obs, d), IPPM_NA);
    assert_non_null(strstr(d, "too short to carry octets 38-39"));
}

/* TLVs that ask for another reply length or none (asymmetrical-pkts
 * control, RFC 9503 Control Code 0x0) leave the RFC 8762 length and
 * answer cases, and an Extra Padding TLV the sender marked (U) may have
 * its flags rewritten: 4.3-02 does not grade it (deviations.md). */
static void test_tlv_requests_shape_reply(void **state)
{
    (void)state;
    struct fx *f = &g_fx;
    char d[IPPM_DETAIL_MAX];
    fx_init(f, false, false, IPPM_ROLE_REFLECTOR);
    fx_add(f, &(struct spec){.seq = 0, .len = 44, .port = 40000,
                             .reply = true, .t = T0});
    /* A 68-octet request answered with 52: a plain copy it is not. */
    struct ippm_exchange *e = fx_add(
        f, &(struct spec){.seq = 0, .len = 68, .port = 40001, .reply = true,
                          .t = T0 + MS});
    e->rep_len = 52;
    assert_int_equal(run("STAMP-8762-4.2-01", &f->obs, d), IPPM_FAIL);
    size_t o = 0;
    assert_int_equal(stamp_tlv_put_refl_control(f->req[1] + 44, 24, &o, 52,
                                                1, 0),
                     IPPM_OK);
    assert_int_equal(stamp_tlv_put_padding(f->req[1] + 44, 24, &o, 4),
                     IPPM_OK);
    assert_int_equal(run("STAMP-8762-4.2-01", &f->obs, d), IPPM_PASS);
    /* A valid request unanswered fails 4.3-01, unless it asked for no
     * reply. */
    fx_add(f, &(struct spec){.seq = 0, .len = 56, .port = 40002,
                             .reply = false, .t = T0 + 2 * MS});
    assert_int_equal(run("STAMP-8762-4.3-01", &f->obs, d), IPPM_FAIL);
    struct stamp_return_path rp = {.has_control = true, .control = 0};
    o = 0;
    assert_int_equal(stamp_tlv_put_return_path(f->req[2] + 44, 12, &o, &rp),
                     IPPM_OK);
    assert_int_equal(o, 12);
    assert_int_equal(run("STAMP-8762-4.3-01", &f->obs, d), IPPM_PASS);
    /* Extra Padding marked U = 1 by its sender, flags cleared in the
     * reply: not a copy to grade. */
    fx_init(f, false, false, IPPM_ROLE_REFLECTOR);
    e = fx_add(f, &(struct spec){.seq = 0, .len = 56, .port = 40000,
                                 .reply = true, .t = T0});
    o = 0;
    assert_int_equal(stamp_tlv_put_padding(f->req[0] + 44, 12, &o, 8),
                     IPPM_OK);
    memcpy(f->rep[0] + 44, f->req[0] + 44, 12);
    f->rep[0][44] = 0;
    assert_int_not_equal(run("STAMP-8762-4.3-02", &f->obs, d), IPPM_FAIL);
    f->req[0][44] = 0; /* unmarked: a copy, and this one differs */
    f->rep[0][45] = 7;
    assert_int_equal(run("STAMP-8762-4.3-02", &f->obs, d), IPPM_FAIL);
}

static void test_ssid_zeroed_is_na(void **state)
{
    (void)state;
    build(&g_fx, F_OPEN);
    ippm_store_u16(rp(&g_fx, RX_SSID) + 14, 0);
    for (size_t k = 0; k < 4; k++) /* every SSID zeroed */
        ippm_store_u16(rp(&g_fx, RX_TWO_SSID(&g_fx) + k) + 14, 0);
    char d[IPPM_DETAIL_MAX];
    assert_int_equal(run("STAMP-8972-3-01", &g_fx.obs, d), IPPM_NA);
    assert_non_null(strstr(d, "RFC 8972"));
}

static void test_port_862_unanswered_fails(void **state)
{
    (void)state;
    build(&g_fx, F_OPEN);
    for (size_t i = 0; i < g_fx.obs.n_ex; i++)
        g_fx.ex[i].rep = NULL;
    expect("STAMP-8762-4.1-01", &g_fx.obs, IPPM_FAIL);
}

/* Issue 9: requests the capture ended on (in flight) are not missing
 * replies; only in flight, every case that wants a reply is n/a. */
static void test_in_flight_requests_are_na(void **state)
{
    (void)state;
    static const char *const wants_reply[] = {
        "STAMP-8762-4.1-01", "STAMP-8762-4.3-01", "STAMP-8762-4.2.1-06",
        "STAMP-8762-4.2.1-07", "STAMP-8762-4.3-05"};
    char d[IPPM_DETAIL_MAX];
    build(&g_fx, F_OPEN);
    m_answer(&g_fx);
    assert_int_equal(run("STAMP-8762-4.3-01", &g_fx.obs, d), IPPM_FAIL);
    g_fx.ex[RX_BASE1].in_flight = true;
    assert_int_equal(run("STAMP-8762-4.3-01", &g_fx.obs, d), IPPM_PASS);
    assert_non_null(strstr(d, "1 in flight when the capture ended"));
    for (size_t i = 0; i < g_fx.obs.n_ex; i++) {
        g_fx.ex[i].rep = NULL;
        g_fx.ex[i].in_flight = true;
    }
    for (size_t i = 0; i < sizeof wants_reply / sizeof *wants_reply; i++) {
        assert_int_equal(run(wants_reply[i], &g_fx.obs, d), IPPM_NA);
        assert_non_null(strstr(d, "in flight when the capture ended"));
    }
}

static void test_stateful_inferred(void **state)
{
    (void)state;
    /* Session 40001 sends seq 0 after garbage and the stateful counter
     * has already counted nothing: make a sequence gap to tell. */
    struct fx *f = &g_fx;
    fx_init(f, false, true, IPPM_ROLE_REFLECTOR);
    f->obs.expect_stateful = -1;
    uint64_t t = T0;
    fx_add(f, &(struct spec){.seq = 0, .len = 44, .port = 40000,
                             .reply = true, .t = t += MS});
    fx_add(f, &(struct spec){.seq = 5, .len = 44, .port = 40000,
                             .reply = true, .t = t += MS});
    char d[IPPM_DETAIL_MAX];
    assert_int_equal(run("STAMP-8762-4.3.1-02", &f->obs, d), IPPM_PASS);
    assert_non_null(strstr(d, "inferred"));
    assert_int_equal(run("STAMP-8762-4.3.1-01", &f->obs, d), IPPM_NA);
    /* The same replies from a stateless reflector. */
    fx_init(f, false, false, IPPM_ROLE_REFLECTOR);
    f->obs.expect_stateful = -1;
    fx_add(f, &(struct spec){.seq = 0, .len = 44, .port = 40000,
                             .reply = true, .t = t += MS});
    fx_add(f, &(struct spec){.seq = 5, .len = 44, .port = 40000,
                             .reply = true, .t = t += MS});
    assert_int_equal(run("STAMP-8762-4.3.1-01", &f->obs, d), IPPM_PASS);
    assert_int_equal(run("STAMP-8762-4.3.1-02", &f->obs, d), IPPM_NA);
}

static void test_stateful_short_replies(void **state)
{
    (void)state;
    /* A per-client counter in 38-octet replies (up to the Session-Sender
     * Error Estimate) and in 16-octet ones (no Session-Sender Sequence
     * Number: the request's tells): stateful, inferred and configured. */
    struct fx *f = &g_fx;
    char d[IPPM_DETAIL_MAX];
    for (size_t rlen = 16; rlen <= 38; rlen += 22) {
        fx_init(f, false, true, IPPM_ROLE_REFLECTOR);
        f->obs.expect_stateful = -1;
        uint64_t t = T0;
        for (uint32_t s = 3; s < 6; s++)
            fx_add(f, &(struct spec){.seq = s, .len = 44, .port = 40000,
                                     .reply = true, .t = t += MS})
                ->rep_len = rlen;
        assert_int_equal(run("STAMP-8762-4.3.1-02", &f->obs, d), IPPM_PASS);
        assert_non_null(strstr(d, "3 checked; stateful inferred"));
        assert_int_equal(run("STAMP-8762-4.3.1-01", &f->obs, d), IPPM_NA);
        f->obs.expect_stateful = 1;
        assert_int_equal(run("STAMP-8762-4.3.1-02", &f->obs, d), IPPM_PASS);
        assert_non_null(strstr(d, "3 checked"));
    }
}

/* A zero Timestamp or Receive Timestamp is NTP era 0 at zero: not set
 * (RFC 5905 §6), not a time in 2036 some 10^8 s away. */
static void test_zero_timestamp_not_set(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    build(&g_fx, F_OPEN);
    memset(rp(&g_fx, RX_BASE1) + 4, 0, 8); /* Timestamp */
    assert_int_equal(run("STAMP-8762-4.3.1-09", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "seq 1: Timestamp is zero (not set)"));
    build(&g_fx, F_OPEN);
    memset(rp(&g_fx, RX_BASE1) + 16, 0, 8); /* Receive Timestamp */
    assert_int_equal(run("STAMP-8762-4.3.1-08", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "seq 1: Receive Timestamp is zero (not set)"));
    assert_int_equal(run("STAMP-8762-4.3.1-07", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "seq 1: Receive Timestamp is zero (not set)"));
    fx_sender(&g_fx, false);
    memset(rq(&g_fx, 1) + 4, 0, 8);
    assert_int_equal(run("STAMP-8762-4.2.1-05", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "seq 1: Timestamp is zero (not set)"));
}

static void test_stateful_sessions_by_ssid(void **state)
{
    (void)state;
    /* One 4-tuple, two SSIDs: an RFC 8972 reflector counts each from
     * zero, an RFC 8762-only one counts them together; both pass. */
    struct fx *f = &g_fx;
    fx_init(f, false, true, IPPM_ROLE_REFLECTOR);
    uint64_t t = T0;
    fx_add(f, &(struct spec){.seq = 0, .len = 44, .ssid = 1, .port = 40000,
                             .reply = true, .t = t += MS});
    fx_add(f, &(struct spec){.seq = 0, .len = 44, .ssid = 2, .port = 40000,
                             .reply = true, .t = t += MS});
    expect("STAMP-8762-4.3.1-02", &f->obs, IPPM_PASS); /* counted 0, 1 */
    ippm_store_u32(f->rep[1], 0);
    expect("STAMP-8762-4.3.1-02", &f->obs, IPPM_PASS); /* 0 and 0 */
    ippm_store_u32(f->rep[1], 2);
    expect("STAMP-8762-4.3.1-02", &f->obs, IPPM_FAIL); /* neither */
}

static void test_ptp_tai_offset_accepted(void **state)
{
    (void)state;
    /* A PTP reflector counting TAI, 37 s ahead of our UTC clock. */
    struct fx *f = &g_fx;
    fx_init(f, false, false, IPPM_ROLE_REFLECTOR);
    struct ippm_exchange *e = fx_add(
        f, &(struct spec){.seq = 0, .len = 44, .port = 40000, .reply = true,
                          .t = T0});
    uint8_t *r = f->rep[0];
    ippm_store_u64(r + 4, ippm_ptp_from_ns(e->req_ns + 37 * NS + 200000));
    ippm_store_u64(r + 16, ippm_ptp_from_ns(e->req_ns + 37 * NS + 100000));
    r[12] |= 0x40;
    expect("STAMP-8762-4.3.1-07", &f->obs, IPPM_PASS);
    expect("STAMP-8762-4.3.1-09", &f->obs, IPPM_PASS);
    expect("STAMP-8762-4.3.1-14", &f->obs, IPPM_PASS);
}

/* A PTP timestamp counted from 1900 (RFC8762-CLI -P): the detail gives
 * the raw 70-year offset and names the likely cause. */
static void test_ntp_epoch_in_ptp_named(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    build(&g_fx, F_SEND_OPEN);
    uint8_t *q = rq(&g_fx, 0);
    uint64_t ntp = ippm_ntp_from_ns(g_fx.ex[0].req_ns);
    /* NTP seconds with nanoseconds, Z=1: the peer's PTP encoding. */
    uint64_t bad = (ntp & 0xffffffff00000000ull) |
                   (uint64_t)(g_fx.ex[0].req_ns % NS);
    ippm_store_u64(q + 4, bad);
    q[12] |= 0x40;
    assert_int_equal(run("STAMP-8762-4.2.1-05", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "+2208988800.0"));
    assert_non_null(strstr(d, "NTP-epoch seconds in a PTP field"));
    /* The reflector side: Timestamp after the reply was seen. */
    build(&g_fx, F_OPEN);
    uint8_t *r = rp(&g_fx, RX_BASE0);
    uint64_t t3 = g_fx.ex[RX_BASE0].rep_ns - 100000;
    ippm_store_u64(r + 4, (ippm_ntp_from_ns(t3) & 0xffffffff00000000ull) |
                              (uint64_t)(t3 % NS));
    ippm_store_u64(r + 16, (ippm_ntp_from_ns(t3) & 0xffffffff00000000ull) |
                               (uint64_t)(t3 % NS));
    r[12] |= 0x40;
    assert_int_equal(run("STAMP-8762-4.3.1-09", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "NTP-epoch seconds in a PTP field"));
}

/* ADVISORY cases: a finding is a warn that only --strict makes a run
 * failure; reordering and a constant arrival TTL are not findings. */
static void test_advisory_cases(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    build(&g_fx, F_OPEN);
    m_adv_ts_once(&g_fx);
    assert_int_equal(run("STAMP-8762-ADV-01", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "clock is read once"));
    struct ippm_case_result res[128];
    size_t n = ippm_catalogue_run(&g_fx.obs, "STAMP-8762-ADV", res, 128);
    assert_int_equal(n, 5); /* the reflector's five */
    bool strict_fails = false;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(res[i].c->level, IPPM_ADVISORY);
        assert_false(ippm_result_fails_run(&res[i], false));
        strict_fails |= ippm_result_fails_run(&res[i], true);
    }
    assert_true(strict_fails);
    /* Zero timestamps are not set (or an authenticated packet read in
     * the open layout without its key): nothing to grade, no finding. */
    build(&g_fx, F_OPEN);
    for (size_t i = 0; i < g_fx.obs.n_ex; i++)
        if (g_fx.ex[i].rep && g_fx.ex[i].rep_len >= 24) {
            memset(rp(&g_fx, i) + 4, 0, 8);
            memset(rp(&g_fx, i) + 16, 0, 8);
        }
    assert_int_equal(run("STAMP-8762-ADV-01", &g_fx.obs, d), IPPM_NA);
    assert_int_equal(run("STAMP-8762-ADV-02", &g_fx.obs, d), IPPM_NA);
    assert_int_equal(run("STAMP-8762-ADV-03", &g_fx.obs, d), IPPM_NA);
    /* One reply only: too little to tell a clock read once. */
    build(&g_fx, F_OPEN);
    g_fx.obs.n_ex = 1;
    assert_int_equal(run("STAMP-8762-ADV-01", &g_fx.obs, d), IPPM_NA);
    /* Every request arrived with TTL 64: nothing to follow. */
    assert_int_equal(run("STAMP-8762-ADV-06", &g_fx.obs, d), IPPM_NA);
    assert_non_null(strstr(d, "arrived with TTL 64"));
    /* An Error Estimate of 59 minutes is believable; S=1 is named. */
    build(&g_fx, F_OPEN);
    struct ippm_errest ee = ippm_errest_from_ns(3540 * NS, true, IPPM_TS_NTP);
    ippm_store_u16(rp(&g_fx, RX_BASE1) + 12, ippm_errest_encode(&ee));
    expect("STAMP-8762-ADV-04", &g_fx.obs, IPPM_PASS);
    m_adv_errest(&g_fx);
    assert_int_equal(run("STAMP-8762-ADV-04", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "S=1 says synchronized"));
    /* A sender's packets reordered on the way (seq 3 seen before seq 2),
     * and a session restarted on the same ports, are no backwards clock. */
    build(&g_fx, F_SEND_OPEN);
    uint64_t t2 = g_fx.ex[2].req_ns;
    g_fx.ex[2].req_ns = g_fx.ex[3].req_ns;
    g_fx.ex[3].req_ns = t2;
    ippm_store_u32(rq(&g_fx, 4), 0);
    expect("STAMP-8762-ADV-07", &g_fx.obs, IPPM_PASS);
    build(&g_fx, F_SEND_OPEN);
    m_adv_send_ts_back(&g_fx);
    assert_int_equal(run("STAMP-8762-ADV-07", &g_fx.obs, d), IPPM_FAIL);
    assert_non_null(strstr(d, "seq 3 has a Timestamp before seq 2's"));
}

static void test_runner_filters(void **state)
{
    (void)state;
    build(&g_fx, F_OPEN);
    struct ippm_case_result res[128];
    size_t n_all, n = ippm_catalogue_run(&g_fx.obs, NULL, res, 128);
    ippm_catalogue(&n_all);
    assert_true(n > 30 && n < n_all);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(res[i].c->role, IPPM_ROLE_REFLECTOR);
        /* The conforming fixture fails nothing. */
        if (res[i].verdict == IPPM_FAIL)
            fail_msg("%s failed: %s", res[i].c->id, res[i].detail);
        if (res[i].verdict == IPPM_NA)
            assert_true(res[i].detail[0] != '\0');
    }
    /* Prefix filter. */
    n = ippm_catalogue_run(&g_fx.obs, "STAMP-8762-4.3.1", res, 128);
    assert_int_equal(n, 14);
    for (size_t i = 0; i < n; i++)
        assert_memory_equal(res[i].c->id, "STAMP-8762-4.3.1-", 17);
    /* Several prefixes. */
    n = ippm_catalogue_run(&g_fx.obs, "STAMP-8762-4.1,STAMP-8972-3", res, 128);
    assert_int_equal(n, 4); /* 4.1-01; 3-01, 3-04, 3-05 */
    size_t n_all_refl = ippm_catalogue_run(&g_fx.obs, NULL, res, 128);
    /* Nothing matches. */
    assert_int_equal(ippm_catalogue_run(&g_fx.obs, "TWAMP-", res, 128), 0);
    /* Capacity is honoured, and a cut is reported (snprintf-style). */
    struct ippm_case_result three[4];
    memset(three, 0, sizeof three);
    assert_int_equal(ippm_catalogue_run(&g_fx.obs, NULL, three, 3), n_all_refl);
    assert_ptr_equal(three[0].c, res[0].c);
    assert_ptr_equal(three[2].c, res[2].c);
    assert_null(three[3].c); /* nothing past cap was written */
    assert_int_equal(ippm_catalogue_run(&g_fx.obs, NULL, NULL, 0), n_all_refl);
    /* Another protocol runs its own cases: TWAMP-Test's reflector rows
     * (cases/twamp_test.c) and the TWAMP-Control server rows, which see no
     * control connection here and so grade nothing. */
    g_fx.obs.protocol = "twamp";
    n = ippm_catalogue_run(&g_fx.obs, NULL, res, 128);
    size_t n_twamp_test = 0;
    for (size_t i = 0; i < n; i++) {
        bool test_row = false;
        for (size_t k = 0; k < ippm_cases_twamp_test_n; k++)
            test_row |= strcmp(res[i].c->id, ippm_cases_twamp_test[k].id) == 0;
        n_twamp_test += test_row;
        if (!test_row)
            assert_int_equal(res[i].verdict, IPPM_NA);
    }
    assert_int_equal(n_twamp_test, ippm_cases_twamp_test_n);
    /* Sender role selects only sender cases. */
    build(&g_fx, F_SEND_OPEN);
    n = ippm_catalogue_run(&g_fx.obs, NULL, res, 128);
    assert_true(n >= 10);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(res[i].c->role, IPPM_ROLE_SENDER);
        if (res[i].verdict == IPPM_FAIL)
            fail_msg("%s failed: %s", res[i].c->id, res[i].detail);
    }
}

static void test_runner_na_and_run_failure(void **state)
{
    (void)state;
    struct fx *f = &g_fx;
    fx_init(f, false, false, IPPM_ROLE_REFLECTOR); /* no exchanges */
    struct ippm_case_result res[128];
    size_t n = ippm_catalogue_run(&f->obs, NULL, res, 128);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(res[i].verdict, IPPM_NA);
        assert_true(res[i].detail[0] != '\0');
        assert_false(ippm_result_fails_run(&res[i], true));
    }
    struct ippm_case_result r = {ippm_case_find("STAMP-8762-4.3-04"),
                                 IPPM_FAIL, ""};
    assert_false(ippm_result_fails_run(&r, false)); /* SHOULD */
    assert_true(ippm_result_fails_run(&r, true));
    r.c = ippm_case_find("STAMP-8762-4.6-01");
    assert_false(ippm_result_fails_run(&r, true)); /* MAY: advice */
    r.c = ippm_case_find("STAMP-8762-4.3-01");
    assert_true(ippm_result_fails_run(&r, false)); /* MUST */
    assert_null(ippm_case_find("STAMP-8762-9.9-99"));
    assert_string_equal(ippm_level_str(IPPM_SHOULD), "SHOULD");
    assert_string_equal(ippm_verdict_str(IPPM_NA), "n/a");
    assert_string_equal(ippm_role_str(IPPM_ROLE_SENDER), "sender");
}

/* Every row of every per-RFC table is in the joined catalogue: a join
 * capped below the tables' total would drop rows without a word. */
static void test_catalogue_joins_every_row(void **state)
{
    (void)state;
    size_t n, want = ippm_cases_stamp_8762_n + ippm_cases_stamp_8972_n +
                     ippm_cases_stamp_9503_n + ippm_cases_stamp_9534_n +
                     ippm_cases_stamp_drafts_n + ippm_cases_twamp_test_n +
                     ippm_cases_owamp_4656_n + ippm_cases_twamp_5357_n +
                     ippm_cases_twamp_ext_n + ippm_cases_rmbt_n;
    want += ippm_cases_udping_n;
    const struct ippm_case *c = ippm_catalogue(&n);
    assert_int_equal(n, want);
    assert_string_equal(c[n - 1].id,
                        ippm_cases_udping[ippm_cases_udping_n - 1].id);
}

/* A caller whose buffer is smaller than the selection learns it: the
 * runner returns the selection's size, never silently what fitted. */
static void test_catalogue_run_cap_below_count(void **state)
{
    (void)state;
    build(&g_fx, F_OPEN);
    size_t count = ippm_catalogue_run(&g_fx.obs, NULL, NULL, 0);
    assert_true(count > 30);
    struct ippm_case_result res[128];
    assert_true(count <= 128);
    size_t cap = count - 1;
    size_t got = ippm_catalogue_run(&g_fx.obs, NULL, res, cap);
    assert_true(got > cap); /* the cut is visible to the caller */
    assert_int_equal(got, count);
    assert_int_equal(ippm_catalogue_run(&g_fx.obs, NULL, res, count), count);
}

int main(void)
{
    struct CMUnitTest tests[N_CASE_TESTS + 48]; /* room for "more" */
    size_t n = 0;
    for (size_t i = 0; i < N_CASE_TESTS; i++) {
        struct CMUnitTest t = {case_tests[i].id, test_case_pass_then_fail,
                               NULL, NULL, (void *)&case_tests[i]};
        tests[n++] = t;
    }
    const struct CMUnitTest more[] = {
        cmocka_unit_test(test_every_case_is_tested),
        cmocka_unit_test(test_advisory_cases),
        cmocka_unit_test(test_short_reply_detail),
        cmocka_unit_test(test_short_request_base_reply),
        cmocka_unit_test(test_short_reply_fields),
        cmocka_unit_test(test_ntp_epoch_in_ptp_named),
        cmocka_unit_test(test_na_without_relevant_exchange),
        cmocka_unit_test(test_ssid_zeroed_is_na),
        cmocka_unit_test(test_tlv_requests_shape_reply),
        cmocka_unit_test(test_port_862_unanswered_fails),
        cmocka_unit_test(test_stateful_inferred),
        cmocka_unit_test(test_stateful_short_replies),
        cmocka_unit_test(test_zero_timestamp_not_set),
        cmocka_unit_test(test_stateful_sessions_by_ssid),
        cmocka_unit_test(test_ptp_tai_offset_accepted),
        cmocka_unit_test(test_in_flight_requests_are_na),
        cmocka_unit_test(test_runner_filters),
        cmocka_unit_test(test_runner_na_and_run_failure),
        cmocka_unit_test(test_catalogue_joins_every_row),
        cmocka_unit_test(test_catalogue_run_cap_below_count),
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        tests[n++] = more[i];
    return _cmocka_run_group_tests("stamp_cases", tests, n, NULL, NULL);
}
