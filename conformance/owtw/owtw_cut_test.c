/* The control-stream cutter on hand-made streams: messages in the order
 * sent, a command number no registry has, a message cut short, and a
 * greeting whose Count would buy hours of PBKDF2. (The perfSONAR
 * captures, decrypted, are cut in pcaps/owtw's MANIFEST tests.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "conformance/owtw/owtw_cut.h"
#include "conformance/owtw/owtw_obs.h"
#include "proto/common/ippm_cur.h"

static uint8_t c2s[1024], s2c[1024];
static size_t nc, ns;
/* when each direction's octets were seen: a message's first octet time */
static uint64_t t_c2s[1024], t_s2c[1024];

static uint64_t ns_at(const void *ctx, int dir, uint64_t off)
{
    (void)ctx;
    return dir == IPPM_DIR_TO_SERVER ? t_c2s[off] : t_s2c[off];
}

/* Appends len octets of msg to a direction, seen at time t. */
static void put(int dir, const uint8_t *msg, size_t len, uint64_t t)
{
    uint8_t *b = dir == IPPM_DIR_TO_SERVER ? c2s + nc : s2c + ns;
    uint64_t *tt = dir == IPPM_DIR_TO_SERVER ? t_c2s + nc : t_s2c + ns;
    memcpy(b, msg, len);
    for (size_t i = 0; i < len; i++)
        tt[i] = t;
    if (dir == IPPM_DIR_TO_SERVER)
        nc += len;
    else
        ns += len;
}

static void open_mode(uint32_t count, uint32_t mode)
{
    nc = ns = 0;
    uint8_t g[64] = {0}, su[164] = {0}, ss[48] = {0};
    ippm_store_u32(g + 12, 7);
    ippm_store_u32(g + 48, count);
    ippm_store_u32(su, mode);
    memcpy(su + 4, "ippmtest", 8);
    put(IPPM_DIR_TO_CLIENT, g, sizeof g, 1);
    put(IPPM_DIR_TO_SERVER, su, sizeof su, 2);
    put(IPPM_DIR_TO_CLIENT, ss, sizeof ss, 3);
}

static struct ippm_ctrl_msg msg[64];
static uint8_t plain[4096];

static void cut(struct owtw_cut_out *out, const struct ippm_crypto *crypto,
                const struct owtw_key *key)
{
    struct owtw_cut_in in = {{c2s, s2c}, {nc, ns}, ns_at, NULL, OWTW_TWAMP,
                             crypto, key, key ? 1 : 0};
    memset(out, 0, sizeof *out);
    out->msg = msg;
    out->cap_msg = 64;
    out->plain = plain;
    out->cap_plain = sizeof plain;
    assert_int_equal(owtw_cut(&in, out), IPPM_OK);
}

/* Request, an unknown command answered with Accept 3, then 50 octets of
 * a request the client never finished. */
static void test_order_bad_command_partial(void **state)
{
    (void)state;
    open_mode(1024, 1);
    uint8_t rq[112] = {5, 4}, acc[48] = {0}, bad[16] = {42}, acc3[48] = {3};
    put(IPPM_DIR_TO_SERVER, rq, sizeof rq, 4);
    put(IPPM_DIR_TO_CLIENT, acc, sizeof acc, 5);
    put(IPPM_DIR_TO_SERVER, bad, sizeof bad, 6);
    put(IPPM_DIR_TO_CLIENT, acc3, sizeof acc3, 7);
    put(IPPM_DIR_TO_SERVER, rq, 50, 8);
    struct owtw_cut_out out;
    cut(&out, NULL, NULL);
    static const int want[] = {OWTW_OBS_GREETING, OWTW_OBS_SETUP,
                               OWTW_OBS_SERVER_START, OWTW_OBS_REQ_TW,
                               OWTW_OBS_ACCEPT, OWTW_OBS_BAD_CMD,
                               OWTW_OBS_ACCEPT, OWTW_OBS_PARTIAL};
    assert_int_equal(out.n_msg, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < out.n_msg; i++)
        assert_int_equal(out.msg[i].type, want[i]);
    assert_int_equal(out.left_over[IPPM_DIR_TO_SERVER], 50);
    assert_int_equal(out.n_sess, 1);
    assert_int_equal(out.proto, OWTW_TWAMP);
}

/* A greeting with Count 2^31 and mode A: no key is derived (it would
 * take hours), the reader says why. */
static void test_count_too_large_derives_nothing(void **state)
{
    (void)state;
    open_mode(1u << 31, 2);
    static const struct owtw_key key = {(const uint8_t *)"ippmtest", 8,
                                        (const uint8_t *)"testpass", 8};
    /* never called: the Count is refused before any derivation */
    static const struct ippm_crypto none;
    struct owtw_cut_out out;
    cut(&out, &none, &key);
    assert_true(out.count_refused);
    assert_false(out.key_missing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_bad_command_partial),
        cmocka_unit_test(test_count_too_large_derives_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
