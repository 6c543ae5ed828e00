/* net.c: address conversion, and a loopback exchange proving that the
 * kernel metadata arrives and that a reply leaves from the address the
 * request was sent to. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net.h"

static void test_ippm_addr_from_sockaddr_unmaps_v4(void **state)
{
    (void)state;
    struct sockaddr_in6 in6 = {0};
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(862);
    inet_pton(AF_INET6, "::ffff:192.0.2.1", &in6.sin6_addr);
    struct ippm_addr a;
    ippm_addr_from_sockaddr(&a, (struct sockaddr *)&in6);
    assert_int_equal(a.family, IPPM_AF_INET);
    assert_int_equal(a.port, 862);
    assert_memory_equal(a.ip, "\xc0\x00\x02\x01", 4);
}

static void test_ippm_addr_to_sockaddr_maps_v4_on_v6_socket(void **state)
{
    (void)state;
    struct ippm_addr a = {.family = IPPM_AF_INET, .ip = {192, 0, 2, 1},
                          .port = 862};
    struct sockaddr_storage ss;
    assert_int_equal(ippm_addr_to_sockaddr(&a, AF_INET6, &ss),
                     sizeof(struct sockaddr_in6));
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, buf,
              sizeof(buf));
    assert_string_equal(buf, "::ffff:192.0.2.1");
    assert_int_equal(ippm_addr_to_sockaddr(&a, AF_INET, &ss),
                     sizeof(struct sockaddr_in));
    a.family = IPPM_AF_INET6;
    assert_int_equal(ippm_addr_to_sockaddr(&a, AF_INET, &ss), 0);
}

/* A zone prints as the interface's name (RFC 4007 §11), or its index
 * once no interface has it; it survives the trip through sockaddr_in6. */
static void test_ippm_addr_fmt_zone(void **state)
{
    (void)state;
    struct ippm_addr a;
    struct sockaddr_storage ss;
    char buf[IPPM_ADDR_STRLEN];
    memset(&a, 0, sizeof(a));
    a.family = IPPM_AF_INET6;
    a.ip[0] = 0xfe, a.ip[1] = 0x80, a.ip[15] = 1;
    a.port = 862;
    a.scope_id = if_nametoindex("lo");
    assert_string_equal(ippm_addr_fmt(&a, buf, sizeof(buf)), "[fe80::1%lo]:862");
    assert_int_equal(ippm_addr_to_sockaddr(&a, AF_INET6, &ss),
                     sizeof(struct sockaddr_in6));
    assert_int_equal(((struct sockaddr_in6 *)&ss)->sin6_scope_id, a.scope_id);
    struct ippm_addr back;
    ippm_addr_from_sockaddr(&back, (struct sockaddr *)&ss);
    assert_true(ippm_addr_equal(&back, &a));
    a.scope_id = 4000000;
    assert_string_equal(ippm_addr_fmt(&a, buf, sizeof(buf)),
                        "[fe80::1%4000000]:862");
    assert_string_equal(ippm_addr_ip_fmt(&a, buf, sizeof(buf)),
                        "fe80::1%4000000");
}

static void test_ippm_addr_fmt_brackets_v6(void **state)
{
    (void)state;
    struct ippm_addr a;
    char err[IPPM_NET_ERRLEN], buf[IPPM_ADDR_STRLEN];
    assert_int_equal(ippm_net_resolve("2001:db8::1", 862, IPPM_AF_NONE, &a,
                                      err, sizeof(err)),
                     0);
    assert_string_equal(ippm_addr_fmt(&a, buf, sizeof(buf)), "[2001:db8::1]:862");
    assert_int_equal(ippm_net_resolve("192.0.2.7", 9, IPPM_AF_NONE, &a, err,
                                      sizeof(err)),
                     0);
    assert_string_equal(ippm_addr_fmt(&a, buf, sizeof(buf)), "192.0.2.7:9");
    assert_string_equal(ippm_addr_ip_fmt(&a, buf, sizeof(buf)), "192.0.2.7");
    assert_int_equal(ippm_net_resolve("host.invalid", 9, IPPM_AF_NONE, &a, err,
                                      sizeof(err)),
                     -1);
}

/* One datagram from a to b; returns what b received in its batch. */
static void one_way(const struct ippm_sock *from, const struct ippm_sock *to,
                    struct ippm_rx_batch *rx, const struct ippm_addr *peer,
                    const struct ippm_addr *local, const char *msg)
{
    struct ippm_clock clk;
    ippm_clock_init(&clk, IPPM_TS_NTP);
    struct ippm_tx_batch tx;
    assert_int_equal(ippm_tx_batch_init(&tx, 2, 64), 0);
    memcpy(ippm_tx_batch_slot(&tx), msg, strlen(msg));
    ippm_tx_batch_commit(&tx, from, strlen(msg), peer, local);
    int err = 0;
    assert_int_equal(ippm_net_send(from, &tx, &err), 1);
    assert_int_equal(ippm_net_wait(to, IPPM_NS_PER_SEC), 1);
    assert_int_equal(ippm_net_recv(to, rx, &clk), 1);
    uint64_t now = ippm_clock_now(&clk);
    assert_true(rx->meta[0].rx_ns <= now);
    assert_true(now - rx->meta[0].rx_ns < IPPM_NS_PER_SEC);
    assert_int_equal(rx->len[0], strlen(msg));
    assert_memory_equal(ippm_rx_batch_buf(rx, 0), msg, strlen(msg));
    ippm_tx_batch_free(&tx);
}

/* The client talks to 127.0.0.2 and is connected, so it accepts only a
 * reply whose source is 127.0.0.2: the server must answer from the
 * address the request arrived at, not the kernel's default 127.0.0.1. */
static void test_dual_stack_reply_leaves_from_request_destination(void **state)
{
    (void)state;
    char err[IPPM_NET_ERRLEN];
    struct ippm_sock srv, cli;
    struct ippm_rx_batch rx;
    assert_int_equal(ippm_net_open_bound(&srv, NULL, 0, err, sizeof(err)), 0);
    struct ippm_addr dst;
    assert_int_equal(ippm_net_resolve("127.0.0.2", srv.local.port,
                                      IPPM_AF_NONE, &dst, err, sizeof(err)),
                     0);
    assert_int_equal(ippm_net_open_connected(&cli, &dst, err, sizeof(err)), 0);
    assert_int_equal(ippm_rx_batch_init(&rx, 4, 128), 0);

    one_way(&cli, &srv, &rx, NULL, NULL, "ping");
    struct ippm_rx_meta m = rx.meta[0];
    assert_int_equal(m.peer.family, IPPM_AF_INET); /* not ::ffff:... */
    assert_true(ippm_addr_equal(&m.peer, &cli.local));
    assert_true(ippm_addr_equal(&m.local, &dst));
    assert_int_equal(m.ttl, 64);
    assert_int_equal(m.tos, 0);

    one_way(&srv, &cli, &rx, &m.peer, &m.local, "pong");
    assert_true(ippm_addr_equal(&rx.meta[0].peer, &dst));

    ippm_rx_batch_free(&rx);
    ippm_net_close(&srv);
    ippm_net_close(&cli);
}

static void test_ttl_and_tos_reach_the_receiver(void **state)
{
    (void)state;
    char err[IPPM_NET_ERRLEN];
    struct ippm_sock srv, cli;
    struct ippm_rx_batch rx;
    struct ippm_addr lo;
    assert_int_equal(ippm_net_resolve("127.0.0.1", 0, IPPM_AF_NONE, &lo, err,
                                      sizeof(err)),
                     0);
    assert_int_equal(ippm_net_open_bound(&srv, &lo, 0, err, sizeof(err)), 0);
    assert_int_equal(ippm_net_open_connected(&cli, &srv.local, err, sizeof(err)),
                     0);
    assert_int_equal(ippm_net_set_ttl(&cli, 9), 0);
    assert_int_equal(ippm_net_set_tos(&cli, 46 << 2), 0);
    assert_int_equal(ippm_rx_batch_init(&rx, 4, 128), 0);
    one_way(&cli, &srv, &rx, NULL, NULL, "x");
    assert_int_equal(rx.meta[0].ttl, 9);
    assert_int_equal(rx.meta[0].tos, 46 << 2);
    ippm_rx_batch_free(&rx);
    ippm_net_close(&srv);
    ippm_net_close(&cli);
}

/* A Hop-by-Hop header of PadN, and a Destination Options header with an
 * experimental option (RFC 4727: 0x1e, skipped by whoever does not know
 * it; Linux drops more than 7 octets of padding in a row): (Hdr Ext Len
 * + 1) * 8 octets each, Next Header left for the kernel to fill. */
static const uint8_t hbh_padn[8] = {0, 0, 1, 4, 0, 0, 0, 0};
static const uint8_t dst_padn[16] = {0,   1,   0x1e, 10,  'i', 'p', 'p', 'm',
                                     '-', 's', 't',  'a', 'm', 'p', 1,   0};

/* Sticky options on the sending socket; false when not allowed (Linux
 * asks CAP_NET_RAW for both) or not IPv6. */
static bool set_ext_hdrs(int fd)
{
    return setsockopt(fd, IPPROTO_IPV6, IPV6_HOPOPTS, hbh_padn,
                      sizeof hbh_padn) == 0 &&
           setsockopt(fd, IPPROTO_IPV6, IPV6_DSTOPTS, dst_padn,
                      sizeof dst_padn) == 0;
}

static void test_ipv6_extension_headers_reach_the_meta(void **state)
{
    (void)state;
    char err[IPPM_NET_ERRLEN];
    struct ippm_sock srv, cli;
    struct ippm_rx_batch rx;
    struct ippm_addr lo;
    if (ippm_net_resolve("::1", 0, IPPM_AF_INET6, &lo, err, sizeof(err)) != 0 ||
        ippm_net_open_bound(&srv, &lo, 0, err, sizeof(err)) != 0)
        skip(); /* no IPv6 loopback here */
    assert_int_equal(ippm_net_open_connected(&cli, &srv.local, err, sizeof(err)),
                     0);
    if (!set_ext_hdrs(cli.fd)) {
        ippm_net_close(&srv);
        ippm_net_close(&cli);
        skip(); /* needs CAP_NET_RAW */
    }
    assert_int_equal(ippm_rx_batch_init(&rx, 4, 128), 0);
    one_way(&cli, &srv, &rx, NULL, NULL, "x");
    const struct ippm_rx_meta *m = &rx.meta[0];
    assert_int_equal(m->n_ext_hdrs, 2);
    assert_int_equal(m->ext_hdrs[0].kind, IPPROTO_HOPOPTS);
    assert_int_equal(m->ext_hdrs[0].len, sizeof hbh_padn);
    assert_int_equal(m->ext_hdrs[0].p[0], IPPROTO_DSTOPTS); /* Next Header */
    assert_memory_equal(m->ext_hdrs[0].p + 1, hbh_padn + 1,
                        sizeof hbh_padn - 1);
    assert_int_equal(m->ext_hdrs[1].kind, IPPROTO_DSTOPTS);
    assert_int_equal(m->ext_hdrs[1].len, sizeof dst_padn);
    assert_int_equal(m->ext_hdrs[1].p[0], IPPROTO_UDP);
    assert_memory_equal(m->ext_hdrs[1].p + 1, dst_padn + 1,
                        sizeof dst_padn - 1);
    ippm_rx_batch_free(&rx);
    ippm_net_close(&srv);
    ippm_net_close(&cli);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_addr_from_sockaddr_unmaps_v4),
        cmocka_unit_test(test_ippm_addr_to_sockaddr_maps_v4_on_v6_socket),
        cmocka_unit_test(test_ippm_addr_fmt_brackets_v6),
        cmocka_unit_test(test_ippm_addr_fmt_zone),
        cmocka_unit_test(test_dual_stack_reply_leaves_from_request_destination),
        cmocka_unit_test(test_ttl_and_tos_reach_the_receiver),
        cmocka_unit_test(test_ipv6_extension_headers_reach_the_meta),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
