/* Every RMBT UDP ping case on hand-made exchanges: PASS on a conforming
 * fixture, FAIL once a mutation breaks that case's rule (a check that
 * cannot fail is a defect), and every case of the table has such a row.
 * The reflector fixture holds one request of each row of the notes' §4
 * table (../shared/notes/rmbt-udp-ping.md) with what a conforming server
 * sends back; the sender fixture is a seed-mode client's five requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conformance/cases/cases.h"
#include "conformance/ippm_conform.h"
#include "conformance/rmbt/rmbt_checks.h"
#include "conformance/rmbt/rmbt_obs.h"
#include "proto/rmbt/rmbt.h"
#include "testsupport/case_rows.h"
#include "testsupport/fake_crypto.h"

#define NS 1000000000ull
#define NOW 1795606923u /* the reference capture's first second */
#define MAXE 16

static struct fake_crypto_fixture t_crypto, t_wrong;

static const struct ippm_hmac_key *secret(void)
{
    return fake_crypto_fixture_key(&t_crypto, (const uint8_t *)"topsecret", 9);
}

static const struct ippm_hmac_key *wrong_secret(void)
{
    return fake_crypto_fixture_key(&t_wrong, (const uint8_t *)"wrongkey", 8);
}

struct fx {
    uint8_t req[MAXE][32];
    uint8_t rep[MAXE][32];
    struct ippm_exchange ex[MAXE];
    struct ippm_obs obs;
    struct rmbt_obs ext;
};

static struct fx F;

static struct ippm_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
                           uint16_t port)
{
    struct ippm_addr x;
    memset(&x, 0, sizeof x);
    x.family = IPPM_AF_INET;
    x.ip[0] = a, x.ip[1] = b, x.ip[2] = c, x.ip[3] = d;
    x.port = port;
    return x;
}

static void fx_reset(enum ippm_role role)
{
    memset(&F, 0, sizeof F);
    F.obs.protocol = "rmbt";
    F.obs.role = role;
    F.obs.ex = F.ex;
    F.ext.ext.name = RMBT_OBS_EXT;
    F.ext.secrets = secret();
    F.ext.n_secrets = 1;
    F.obs.ext = &F.ext.ext;
}

/* A request of len octets (24 normally) from 127.0.0.1:40000 to :444,
 * seq, a token for time t and address ip under key, magic "RP01". */
static struct ippm_exchange *req(const struct ippm_hmac_key *key, uint32_t t,
                                 struct ippm_addr ip, uint32_t seq,
                                 size_t len)
{
    size_t k = F.obs.n_ex++;
    assert_true(k < MAXE);
    struct ippm_exchange *ex = &F.ex[k];
    uint8_t tok[RMBT_TOKEN_LEN];
    assert_int_equal(rmbt_token_mint(key, t, &ip, tok), IPPM_OK);
    assert_int_equal(rmbt_request_encode(F.req[k], sizeof F.req[k], seq, tok),
                     IPPM_OK);
    ex->req = F.req[k];
    ex->req_len = len;
    ex->req_ns = (uint64_t)NOW * NS + 300000000ull + k * 1000000ull;
    ex->req_ttl = -1;
    ex->req_src = v4(127, 0, 0, 1, 40000);
    ex->req_dst = v4(127, 0, 0, 1, 444);
    return ex;
}

/* The conforming reply to ex: tag, ex's octets 4..7, from where ex went. */
static void reply(struct ippm_exchange *ex, const char *tag)
{
    size_t k = (size_t)(ex - F.ex);
    memcpy(F.rep[k], tag, 4);
    memcpy(F.rep[k] + 4, ex->req + 4, 4);
    ex->rep = F.rep[k];
    ex->rep_len = RMBT_REP_LEN;
    ex->rep_ns = ex->req_ns + 100000;
    ex->n_replies = 1;
    ex->rep_src = ex->req_dst;
}

/* The reflector fixture's exchanges, by row. */
enum {
    E_VALID, E_INNER, E_OTHER_IP, E_BAD_KEY, E_MAGIC, E_SHORT, E_LONG,
    E_EDGE_BACK, E_EDGE_AHEAD, E_EXPIRED, E_FUTURE, E_PAST_BACK,
    E_PAST_AHEAD, E_ZERO, E_N
};

static void base_refl(void)
{
    fx_reset(IPPM_ROLE_REFLECTOR);
    const struct ippm_hmac_key *k = secret();
    struct ippm_addr me = v4(127, 0, 0, 1, 0);
    reply(req(k, NOW, me, 1, 24), "RR01");
    reply(req(k, NOW - 14340, me, 2, 24), "RR01");
    reply(req(k, NOW, v4(192, 0, 2, 1, 0), 3, 24), "RE01");
    req(wrong_secret(), NOW, me, 4, 24);
    F.req[req(k, NOW, me, 5, 24) - F.ex][3] = '2';
    req(k, NOW, me, 6, 23);
    req(k, NOW, me, 7, 25);
    reply(req(k, NOW - 14400, me, 8, 24), "RR01");
    reply(req(k, NOW + 30, me, 9, 24), "RR01");
    req(k, NOW - 14410, me, 10, 24);
    req(k, NOW + 40, me, 11, 24);
    req(k, NOW - 14401, me, 12, 24);
    req(k, NOW + 31, me, 13, 24);
    memset(F.req[req(k, NOW, me, 14, 24) - F.ex] + 8, 0, 16);
    assert_int_equal(F.obs.n_ex, E_N);
}

/* A seed-mode client's five requests, one a second. */
static void base_snd(void)
{
    fx_reset(IPPM_ROLE_SENDER);
    for (uint32_t i = 0; i < 5; i++) {
        struct ippm_exchange *ex =
            req(secret(), NOW + i, v4(127, 0, 0, 1, 0), 0xfffffffeu + i, 24);
        ex->req_ns += i * NS;
        reply(ex, "RR01");
    }
}

static enum ippm_verdict grade(const struct ippm_case *c, char *d, size_t cap)
{
    d[0] = '\0';
    return c->check(&F.obs, &c->arg, d, cap);
}

/* ---- mutations: each breaks its case's rule ---- */

static void answer(int e, const char *tag)
{
    reply(&F.ex[e], tag);
}

static void m_valid_re01(void) { answer(E_VALID, "RE01"); }
static void m_other_ip_rr01(void) { answer(E_OTHER_IP, "RR01"); }
static void m_bad_key(void) { answer(E_BAD_KEY, "RE01"); }
static void m_magic(void) { answer(E_MAGIC, "RR01"); }
static void m_short(void) { answer(E_SHORT, "RR01"); }
static void m_long(void) { answer(E_LONG, "RR01"); }
static void m_edge_back(void) { F.ex[E_EDGE_BACK].rep = NULL; }
static void m_edge_ahead(void) { F.ex[E_EDGE_AHEAD].rep = NULL; }
static void m_expired(void) { answer(E_EXPIRED, "RR01"); }
static void m_future(void) { answer(E_FUTURE, "RR01"); }
static void m_past_back(void) { answer(E_PAST_BACK, "RR01"); }
static void m_past_ahead(void) { answer(E_PAST_AHEAD, "RR01"); }
static void m_zero(void) { answer(E_ZERO, "RE01"); }

/* The whole 24-octet request echoed back (a plain UDP echo). */
static void m_echo24(void)
{
    memcpy(F.rep[E_VALID], F.ex[E_VALID].req, 24);
    F.ex[E_VALID].rep_len = 24;
}

static void m_twice(void) { F.ex[E_VALID].n_replies = 2; }
static void m_rep_seq(void) { F.rep[E_VALID][7] ^= 1; }
static void m_rep_tag(void) { memcpy(F.rep[E_VALID], "RX01", 4); }
static void m_rep_port(void) { F.ex[E_VALID].rep_src.port = 445; }

static void m_snd_len(void) { F.ex[2].req_len = 23; }
static void m_snd_magic(void) { F.req[2][3] = '2'; }
static void m_snd_hash(void) { F.req[2][13] ^= 0x40; }
static void m_snd_ip_hash(void) { F.req[2][21] ^= 0x40; }
static void m_snd_seq(void) { F.req[2][7] += 5; }

/* A token minted 4 h and 1 s before it was sent: a valid hash, an
 * expired time. */
static void m_snd_window(void)
{
    uint8_t tok[RMBT_TOKEN_LEN];
    struct ippm_addr me = v4(127, 0, 0, 1, 0);
    assert_int_equal(rmbt_token_mint(secret(), NOW + 2 - 14401, &me, tok),
                     IPPM_OK);
    memcpy(F.req[2] + 8, tok, sizeof tok);
}

static const struct case_row rows[] = {
    {"RMBT-4-01", base_refl, m_valid_re01},
    {"RMBT-4-02", base_refl, m_other_ip_rr01},
    {"RMBT-4-03", base_refl, m_bad_key},
    {"RMBT-4-04", base_refl, m_magic},
    {"RMBT-4-05", base_refl, m_short},
    {"RMBT-4-06", base_refl, m_long},
    {"RMBT-4-07", base_refl, m_edge_back},
    {"RMBT-4-08", base_refl, m_edge_ahead},
    {"RMBT-4-09", base_refl, m_expired},
    {"RMBT-4-10", base_refl, m_future},
    {"RMBT-4-11", base_refl, m_past_back},
    {"RMBT-4-12", base_refl, m_past_ahead},
    {"RMBT-4-13", base_refl, m_zero},
    {"RMBT-4-14", base_refl, m_echo24},
    {"RMBT-4-15", base_refl, m_twice},
    {"RMBT-1-01", base_refl, m_echo24},
    {"RMBT-1-02", base_refl, m_rep_seq},
    {"RMBT-1-03", base_refl, m_rep_tag},
    {"RMBT-1-04", base_refl, m_rep_port},
    {"RMBT-1-05", base_snd, m_snd_len},
    {"RMBT-1-06", base_snd, m_snd_magic},
    {"RMBT-2-01", base_snd, m_snd_hash},
    {"RMBT-2-02", base_snd, m_snd_ip_hash},
    {"RMBT-3-01", base_snd, m_snd_window},
    {"RMBT-6-01", base_snd, m_snd_seq},
};

static void test_each_case_passes_then_fails(void **state)
{
    (void)state;
    case_rows_pass_then_fail(rows, sizeof rows / sizeof rows[0], grade);
}

/* Every case of the table has a row above. */
static void test_every_case_has_a_row(void **state)
{
    (void)state;
    case_rows_cover(rows, sizeof rows / sizeof rows[0], ippm_cases_rmbt,
                    ippm_cases_rmbt_n);
}

/* The runner finds the table by protocol and role, and the conforming
 * fixtures pass every case of their role. */
static void test_runner_grades_the_fixture(void **state)
{
    (void)state;
    struct ippm_case_result res[64];
    for (int role = 0; role < 2; role++) {
        role ? base_snd() : base_refl();
        size_t n = ippm_catalogue_run(&F.obs, NULL, res, 64);
        assert_true(n > 5 && n <= 64);
        for (size_t i = 0; i < n; i++)
            if (res[i].verdict != IPPM_PASS)
                fail_msg("%s: %s (%s)", res[i].c->id,
                         ippm_verdict_str(res[i].verdict), res[i].detail);
    }
}

/* Nothing observed grades nothing; without the secret the rows that need
 * it are n/a and say why, and the others still grade. */
static void test_na_without_traffic_or_seed(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    fx_reset(IPPM_ROLE_REFLECTOR);
    for (size_t i = 0; i < ippm_cases_rmbt_n; i++) {
        assert_int_equal(grade(&ippm_cases_rmbt[i], d, sizeof d), IPPM_NA);
        assert_true(d[0] != '\0');
    }
    base_refl();
    F.ext.n_secrets = 0;
    assert_int_equal(grade(ippm_case_find("RMBT-4-01"), d, sizeof d), IPPM_NA);
    assert_non_null(strstr(d, "--seed"));
    assert_int_equal(grade(ippm_case_find("RMBT-4-09"), d, sizeof d),
                     IPPM_PASS);
    /* a NAT on the path: the address-bound rows cannot be told */
    base_refl();
    F.obs.path_flags = IPPM_PATH_NAT;
    assert_int_equal(grade(ippm_case_find("RMBT-4-02"), d, sizeof d), IPPM_NA);
    assert_int_equal(grade(ippm_case_find("RMBT-1-04"), d, sizeof d), IPPM_NA);
}

/* A clock tolerance of a second makes the boundary rows undecidable:
 * n/a, not a failure charged to the server. */
static void test_tolerance_skips_the_boundaries(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    base_refl();
    F.obs.clock_tolerance_ns = NS;
    m_edge_back();
    assert_int_equal(grade(ippm_case_find("RMBT-4-07"), d, sizeof d), IPPM_NA);
    assert_int_equal(grade(ippm_case_find("RMBT-4-01"), d, sizeof d),
                     IPPM_PASS);
}

/* The fixture's tokens are the notes' (§7 vector, 127.0.0.1). */
static void test_fixture_token_is_the_notes_vector(void **state)
{
    (void)state;
    static const uint8_t want[RMBT_TOKEN_LEN] = {
        0x65, 0x53, 0xf1, 0x00, 0x4c, 0xc4, 0xac, 0xce,
        0xbe, 0x54, 0x19, 0x37, 0x78, 0xfc, 0xb6, 0x88};
    uint8_t tok[RMBT_TOKEN_LEN];
    struct ippm_addr me = v4(127, 0, 0, 1, 0);
    assert_int_equal(rmbt_token_mint(secret(), 1700000000u, &me, tok),
                     IPPM_OK);
    assert_memory_equal(tok, want, sizeof want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_token_is_the_notes_vector),
        cmocka_unit_test(test_each_case_passes_then_fails),
        cmocka_unit_test(test_every_case_has_a_row),
        cmocka_unit_test(test_runner_grades_the_fixture),
        cmocka_unit_test(test_na_without_traffic_or_seed),
        cmocka_unit_test(test_tolerance_skips_the_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
