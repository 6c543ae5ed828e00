/* TCP reassembly: split and coalesced messages, retransmissions,
 * overlaps, segments out of order, the bounds, FIN/RST and a capture
 * that begins mid-connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "impl/capture/tcp_reasm.h"

#define SYN 0x02
#define ACK 0x10
#define FIN 0x01
#define RST 0x04

static uint8_t text[8192];

static struct ippm_pcap_dgram seg(bool from_client, uint32_t seq,
                                  size_t off, size_t len, uint8_t flags,
                                  uint64_t ns)
{
    struct ippm_pcap_dgram d;
    memset(&d, 0, sizeof d);
    struct ippm_addr a = {.family = IPPM_AF_INET, .ip = {127, 0, 0, 1},
                          .port = 40000};
    struct ippm_addr b = a;
    b.port = 862;
    d.src = from_client ? a : b;
    d.dst = from_client ? b : a;
    d.tcp = true;
    d.tcp_seq = seq;
    d.tcp_flags = flags;
    d.payload = text + off;
    d.len = len;
    d.ts_ns = ns;
    return d;
}

static void add(struct ippm_tcp_reasm *r, struct ippm_pcap_dgram d)
{
    assert_int_equal(ippm_tcp_reasm_add(r, &d), 0);
}

static void setup_text(void)
{
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (uint8_t)(i * 7 + 3);
}

/* Handshake, one 64-octet message in three pieces from the server, two
 * client messages coalesced in one segment, a FIN. */
static void test_split_and_coalesced(void **state)
{
    (void)state;
    setup_text();
    struct ippm_tcp_reasm r;
    ippm_tcp_reasm_init(&r);
    add(&r, seg(true, 1000, 0, 0, SYN, 1));
    add(&r, seg(false, 5000, 0, 0, SYN | ACK, 2));
    add(&r, seg(false, 5001, 0, 20, ACK, 3));
    add(&r, seg(false, 5021, 20, 20, ACK, 4));
    add(&r, seg(false, 5041, 40, 24, ACK, 5));
    add(&r, seg(true, 1001, 100, 196, ACK, 6));
    add(&r, seg(true, 1197, 0, 0, FIN | ACK, 7));
    assert_int_equal(r.n, 1);
    struct ippm_tcp_conn *c = &r.conn[0];
    assert_int_equal(c->client.port, 40000);
    assert_true(c->syn_seen);
    assert_int_equal(c->dir[IPPM_TCP_S2C].len, 64);
    assert_memory_equal(c->dir[IPPM_TCP_S2C].data, text, 64);
    assert_int_equal(c->dir[IPPM_TCP_C2S].len, 196);
    assert_memory_equal(c->dir[IPPM_TCP_C2S].data, text + 100, 196);
    /* when octet 63 (the message's last) was had: the third piece */
    assert_int_equal(ippm_tcp_dir_ns_at(&c->dir[IPPM_TCP_S2C], 63), 5);
    assert_int_equal(ippm_tcp_dir_ns_at(&c->dir[IPPM_TCP_S2C], 19), 3);
    assert_int_equal(c->close_ns, 7);
    assert_int_equal(c->closed_by, IPPM_TCP_C2S);
    ippm_tcp_reasm_free(&r);
}

/* A retransmission, an overlap, and segments that come early. */
static void test_retransmit_overlap_reorder(void **state)
{
    (void)state;
    setup_text();
    struct ippm_tcp_reasm r;
    ippm_tcp_reasm_init(&r);
    add(&r, seg(true, 1000, 0, 0, SYN, 1));
    add(&r, seg(true, 1001, 0, 16, ACK, 2));
    add(&r, seg(true, 1001, 0, 16, ACK, 3));  /* retransmitted */
    add(&r, seg(true, 1033, 32, 16, ACK, 4)); /* early: 1017..1032 missing */
    add(&r, seg(true, 1049, 48, 16, ACK, 5)); /* early too */
    assert_int_equal(r.conn[0].dir[0].len, 16);
    add(&r, seg(true, 1009, 8, 24, ACK, 6));  /* overlaps, fills the hole */
    struct ippm_tcp_dir *d = &r.conn[0].dir[0];
    assert_int_equal(d->len, 64);
    assert_memory_equal(d->data, text, 64);
    assert_int_equal(d->n_held, 0);
    assert_int_equal(d->retrans, 16 + 8);
    /* the held octets count as had when the hole filled */
    assert_int_equal(ippm_tcp_dir_ns_at(d, 63), 6);
    ippm_tcp_reasm_free(&r);
}

/* Mid-connection, no SYN: the first sender is the client; a RST closes. */
static void test_mid_connection_and_rst(void **state)
{
    (void)state;
    setup_text();
    struct ippm_tcp_reasm r;
    ippm_tcp_reasm_init(&r);
    add(&r, seg(false, 77, 0, 10, ACK, 1));
    add(&r, seg(true, 9, 10, 5, ACK, 2));
    add(&r, seg(false, 87, 0, 0, RST, 3));
    struct ippm_tcp_conn *c = &r.conn[0];
    assert_false(c->syn_seen);
    assert_int_equal(c->client.port, 862); /* as seen: the first sender */
    assert_int_equal(c->dir[0].len, 10);
    assert_int_equal(c->dir[1].len, 5);
    assert_int_equal(c->closed_by, 0);
    assert_true(c->dir[0].rst);
    ippm_tcp_reasm_free(&r);
}

/* Bounds: early segments past IPPM_TCP_HELD_MAX and a new connection on
 * the same 4-tuple after a close. */
static void test_bounds_and_reuse(void **state)
{
    (void)state;
    setup_text();
    struct ippm_tcp_reasm r;
    ippm_tcp_reasm_init(&r);
    add(&r, seg(true, 0, 0, 0, SYN, 1));
    for (uint32_t i = 0; i < IPPM_TCP_HELD_MAX + 5; i++)
        add(&r, seg(true, 100 + 2 * i, 0, 1, ACK, 2)); /* all after a hole */
    struct ippm_tcp_dir *d = &r.conn[0].dir[0];
    assert_int_equal(d->n_held, IPPM_TCP_HELD_MAX);
    assert_int_equal(d->dropped, 5);
    assert_int_equal(d->len, 0);
    add(&r, seg(true, 500, 0, 0, FIN, 3));
    add(&r, seg(true, 9000, 0, 0, SYN, 4));
    assert_int_equal(r.n, 2);
    ippm_tcp_reasm_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_and_coalesced),
        cmocka_unit_test(test_retransmit_overlap_reorder),
        cmocka_unit_test(test_mid_connection_and_rst),
        cmocka_unit_test(test_bounds_and_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
