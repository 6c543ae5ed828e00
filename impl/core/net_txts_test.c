/* net_txts.c: kernel transmit timestamps on loopback (software: loopback
 * has no hardware clock), their indices, receive metadata left as it
 * was, and the fallback when the kernel refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "impl/core/clock.h"
#include "impl/core/net.h"

/* n datagrams; the one at index marked (-1: none) asks for a timestamp. */
static void send_n(const struct ippm_sock *from, const struct ippm_addr *peer,
                   int n, int marked)
{
    struct ippm_tx_batch tx;
    assert_int_equal(ippm_tx_batch_init(&tx, 8, 64), 0);
    for (int i = 0; i < n; i++) {
        memcpy(ippm_tx_batch_slot(&tx), "stamp", 5);
        ippm_tx_batch_commit(&tx, from, 5, peer, NULL);
        if (i == marked)
            ippm_tx_batch_want_txts(&tx);
    }
    assert_int_equal(ippm_net_send(from, &tx, NULL), (size_t)n);
    ippm_tx_batch_free(&tx);
}

/* Reads until want timestamps came (loopback stamps them during the send,
 * but do not count on it). */
static int read_all(const struct ippm_sock *s, struct ippm_txts *ts, int want)
{
    int got = 0;
    for (int tries = 0; tries < 100 && got < want; tries++) {
        int n = ippm_net_txts_read(s, ts + got, (size_t)(want - got));
        assert_true(n >= 0);
        got += n;
        if (got < want)
            ippm_net_wait(s, IPPM_NS_PER_SEC / 100);
    }
    return got;
}

/* Each datagram's index and kernel send time, between the clock reads
 * around the send, on a connected socket and on a dual-stack one
 * answering an IPv4 peer. */
static void test_txts_software_on_loopback(void **state)
{
    (void)state;
    char err[IPPM_NET_ERRLEN];
    struct ippm_sock srv, cli;
    struct ippm_addr lo;
    assert_int_equal(ippm_net_resolve("127.0.0.1", 0, IPPM_AF_NONE, &lo, err,
                                      sizeof(err)),
                     0);
    assert_int_equal(ippm_net_open_bound(&srv, NULL, 0, err, sizeof(err)), 0);
    lo.port = srv.local.port;
    assert_int_equal(ippm_net_open_connected(&cli, &lo, err, sizeof(err)), 0);
    assert_int_equal(ippm_net_txts_enable(&cli, true), IPPM_TXTS_SOFTWARE);
    assert_int_equal(ippm_net_txts_enable(&srv, false), IPPM_TXTS_SOFTWARE);

    struct ippm_txts ts[4];
    uint64_t before = ippm_clock_realtime();
    send_n(&cli, NULL, 3, -1);
    uint64_t after = ippm_clock_realtime();
    assert_int_equal(read_all(&cli, ts, 3), 3);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(ts[i].id, i);
        assert_int_equal(ts[i].kind, IPPM_TXTS_SOFTWARE);
        assert_true(ts[i].ns >= before && ts[i].ns <= after);
    }
    assert_int_equal(ippm_net_txts_read(&cli, ts, 4), 0); /* no more */

    /* The receiver's metadata is what it was without timestamping. */
    struct ippm_clock clk;
    ippm_clock_init(&clk, IPPM_TS_NTP);
    struct ippm_rx_batch rx;
    assert_int_equal(ippm_rx_batch_init(&rx, 4, 64), 0);
    assert_int_equal(ippm_net_recv(&srv, &rx, &clk), 3);
    /* Up to the end of the read, not of the send: Linux turns receive
     * timestamps on through a deferred work item (net_enable_timestamp),
     * and until it has run the kernel stamps a datagram when it is read,
     * which on a loaded machine is after the send returned. */
    uint64_t read_end = ippm_clock_realtime();
    assert_true(rx.meta[0].rx_ns >= before && rx.meta[0].rx_ns <= read_end);
    assert_int_equal(rx.meta[0].ttl, 64);

    /* The dual-stack reflector, timestamps by request: of three replies
     * to an IPv4 peer only the marked second one has a time, index 0 (the
     * index counts timestamped datagrams only). */
    before = ippm_clock_realtime();
    send_n(&srv, &rx.meta[0].peer, 3, 1);
    after = ippm_clock_realtime();
    assert_int_equal(read_all(&srv, ts, 1), 1);
    assert_int_equal(ts[0].id, 0);
    assert_true(ts[0].ns >= before && ts[0].ns <= after);
    assert_int_equal(ippm_net_txts_read(&srv, ts, 4), 0);
    assert_int_equal(ippm_net_recv(&cli, &rx, &clk), 3);

    ippm_rx_batch_free(&rx);
    ippm_net_close(&srv);
    ippm_net_close(&cli);
}

/* Without timestamps there is nothing to read; a socket the kernel
 * refuses them on says NONE, and the caller keeps its own clock. */
static void test_txts_fallback(void **state)
{
    (void)state;
    char err[IPPM_NET_ERRLEN];
    struct ippm_sock cli, bad = {.fd = -1};
    struct ippm_addr lo;
    assert_int_equal(ippm_net_resolve("127.0.0.1", 9, IPPM_AF_NONE, &lo, err,
                                      sizeof(err)),
                     0);
    assert_int_equal(ippm_net_open_connected(&cli, &lo, err, sizeof(err)), 0);
    send_n(&cli, NULL, 1, -1);
    struct ippm_txts ts[2];
    assert_int_equal(ippm_net_txts_read(&cli, ts, 2), 0);
    assert_int_equal(ippm_net_txts_enable(&bad, true), IPPM_TXTS_NONE);
    assert_int_equal(ippm_net_txts_read(&bad, ts, 2), -1);
    ippm_net_close(&cli);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_txts_software_on_loopback),
        cmocka_unit_test(test_txts_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
