/* The test plane of a TWAMP session on loopback, without control: the
 * client's sender (impl/owtw/owtw_send) against the server's reflecting
 * session (impl/twamp/twamp_refl), in each mode, every packet counted
 * exactly both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "impl/core/crypto_openssl.h"
#include "impl/owtw/owtw_send.h"
#include "impl/twamp/twamp_refl.h"
#include "proto/common/ippm_time.h"

#define COUNT 20

static const uint8_t sid[16] = {127, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
static const uint8_t aes_sk[16] = {0xa5, 1, 2, 3};
static const uint8_t hmac_sk[32] = {0x5a, 9, 8, 7};

static void run_mode(enum owtw_test_mode mode, size_t pkt_len)
{
    struct ippm_crypto crypto;
    assert_int_equal(ippm_crypto_openssl_init(&crypto), 0);
    struct ippm_clock clk;
    ippm_clock_init(&clk, IPPM_TS_NTP);
    struct ippm_addr lo = {.family = IPPM_AF_INET, .ip = {127, 0, 0, 1}};
    char err[IPPM_NET_ERRLEN];
    static struct twamp_refl t;
    struct twamp_refl_params rp = {.mode = mode, .sid = sid,
                                   .aes_sk = aes_sk, .hmac_sk = hmac_sk,
                                   .refwait_ns = 5000000000ull};
    assert_int_equal(twamp_refl_open(&t, &lo, 0, 0, 0, &crypto, &rp, err,
                                     sizeof(err)), 0);
    static struct owtw_send s;
    assert_int_equal(owtw_send_open(&s, &lo, err, sizeof(err)), 0);
    uint64_t now = ippm_clock_now(&clk);
    twamp_refl_start(&t, &clk, now);
    struct owtw_slot slot = {.type = OWTW_SLOT_FIXED,
                             .param = ippm_ntp_from_ns(1000000) -
                                      ippm_ntp_from_ns(0)};
    struct owtw_send_params sp = {.mode = mode, .sid = sid, .aes_sk = aes_sk,
                                  .hmac_sk = hmac_sk, .slots = &slot,
                                  .n_slots = 1,
                                  .start_ntp = ippm_ntp_from_ns(now),
                                  .count = COUNT, .pkt_len = pkt_len,
                                  .dscp = -1, .twamp = true,
                                  .timeout_ns = 2000000000ull,
                                  .peer = t.sock.local};
    sp.peer.family = IPPM_AF_INET;
    assert_int_equal(owtw_send_start(&s, &crypto, &sp, &clk, err,
                                     sizeof(err)), 0);
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
    assert_int_equal(ippm_rx_batch_init(&rx, 8, 2048), 0);
    assert_int_equal(ippm_tx_batch_init(&tx, 8, 2048), 0);
    uint64_t drops[IPPM_ERR_COUNT_] = {0};
    while (!owtw_send_finished(&s, now = ippm_clock_now(&clk))) {
        struct pollfd p[2] = {{.fd = s.sock.fd, .events = POLLIN},
                              {.fd = t.sock.fd, .events = POLLIN}};
        uint64_t d = owtw_send_deadline(&s);
        uint64_t wait = d <= now ? 0 : d - now;
        if (wait > 100000000ull)
            wait = 100000000ull;
        assert_true(ippm_net_poll(p, 2, wait) >= 0);
        now = ippm_clock_now(&clk);
        owtw_send_due(&s, &tx, &clk, now);
        if (p[1].revents & POLLIN)
            twamp_refl_drain(&t, &rx, &tx, &clk, drops);
        if (p[0].revents & POLLIN)
            owtw_send_drain(&s, &rx, &clk);
    }
    assert_int_equal(s.sent, COUNT);
    assert_int_equal(t.received, COUNT);
    assert_int_equal(t.sent, COUNT);
    assert_int_equal(s.received, COUNT);
    assert_int_equal(s.dropped, 0);
    assert_int_equal(s.fwd->received, COUNT);
    assert_int_equal(s.bwd->received, COUNT);
    assert_int_equal(s.rtt->received, COUNT);
    /* Loopback: sent with TTL 255, no hop. */
    assert_int_equal(s.fwd->ttl_min, 255);
    assert_int_equal(s.bwd->ttl_max, 255);
    assert_true(s.rtt->delay.min >= 0);
    owtw_send_close(&s);
    twamp_refl_close(&t);
    ippm_rx_batch_free(&rx);
    ippm_tx_batch_free(&tx);
    ippm_crypto_openssl_free(&crypto);
}

static void test_open_mode(void **state)
{
    (void)state;
    run_mode(OWTW_TEST_OPEN, 14);
}

static void test_authenticated_mode(void **state)
{
    (void)state;
    run_mode(OWTW_TEST_AUTH, 48);
}

static void test_encrypted_mode_with_padding(void **state)
{
    (void)state;
    run_mode(OWTW_TEST_ENCRYPTED, 112);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_mode),
        cmocka_unit_test(test_authenticated_mode),
        cmocka_unit_test(test_encrypted_mode_with_padding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
