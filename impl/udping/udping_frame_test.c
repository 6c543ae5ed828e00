/* udping_frame.c: the raw frames' headers, checksums that verify, a
 * zero UDP checksum sent as 0xffff, MAC parsing; and the port
 * descriptors of udping_client_opts.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "impl/udping/udping_client_opts.h"
#include "impl/udping/udping_frame.h"

static void ends4(struct udping_frame_ends *e)
{
    memset(e, 0, sizeof(*e));
    memcpy(e->dst_mac, "\x02\x00\x00\x00\x00\x02", 6);
    memcpy(e->src_mac, "\x02\x00\x00\x00\x00\x01", 6);
    e->src.family = e->dst.family = IPPM_AF_INET;
    memcpy(e->src.ip, "\x0a\x00\x00\x01", 4);
    memcpy(e->dst.ip, "\x0a\x00\x00\x02", 4);
    e->src.port = 5000;
    e->dst.port = 6000;
}

static void ends6(struct udping_frame_ends *e)
{
    ends4(e);
    e->src.family = e->dst.family = IPPM_AF_INET6;
    memcpy(e->src.ip, "\xfd\x00\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    memcpy(e->dst.ip, "\xfd\x00\0\0\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
}

/* The UDP checksum verifies: pseudo-header plus datagram sum to 0xffff. */
static uint16_t udp_verify(const uint8_t *f, int v6)
{
    const uint8_t *ip = f + UDPING_ETH_LEN;
    const uint8_t *udp = ip + (v6 ? UDPING_IP6_LEN : UDPING_IP4_LEN);
    size_t ulen = (size_t)(udp[4] << 8 | udp[5]);
    uint8_t ph[40] = {0};
    size_t n;
    if (v6) {
        memcpy(ph, ip + 8, 32);
        ph[34] = (uint8_t)(ulen >> 8);
        ph[35] = (uint8_t)ulen;
        ph[39] = 17;
        n = 40;
    } else {
        memcpy(ph, ip + 12, 8);
        ph[9] = 17;
        ph[10] = (uint8_t)(ulen >> 8);
        ph[11] = (uint8_t)ulen;
        n = 12;
    }
    return udping_csum_fold(udping_csum_add(udping_csum_add(0, ph, n), udp,
                                            ulen));
}

static void test_csum_rfc1071_example(void **state)
{
    (void)state;
    /* The IPv4 header of Wikipedia's checksum example: b861. */
    const uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
                           0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
                           0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    assert_int_equal(udping_csum_fold(udping_csum_add(0, h, 20)), 0xb861);
}

static void test_frame_ipv4_as_the_original(void **state)
{
    (void)state;
    struct udping_frame_ends e;
    ends4(&e);
    uint8_t f[200];
    memset(f, 0, sizeof f);
    f[42] = 1; /* the payload's version octet */
    assert_int_equal(udping_frame_build(f, &e, 101), 14 + 20 + 8 + 101);
    assert_memory_equal(f, e.dst_mac, 6);
    assert_memory_equal(f + 6, e.src_mac, 6);
    assert_int_equal(f[12] << 8 | f[13], 0x0800);
    const uint8_t *ip = f + 14;
    assert_int_equal(ip[0], 0x45);
    assert_int_equal(ip[2] << 8 | ip[3], 20 + 8 + 101);
    assert_int_equal(ip[4] | ip[5] | ip[6] | ip[7], 0); /* ID 0, no DF */
    assert_int_equal(ip[8], 255);
    assert_int_equal(ip[9], 17);
    assert_int_equal(udping_csum_fold(udping_csum_add(0, ip, 20)), 0);
    const uint8_t *udp = ip + 20;
    assert_int_equal(udp[0] << 8 | udp[1], 5000);
    assert_int_equal(udp[2] << 8 | udp[3], 6000);
    assert_int_equal(udp[4] << 8 | udp[5], 8 + 101); /* odd: padded sum */
    assert_int_equal(udp_verify(f, 0), 0);
}

static void test_frame_ipv6(void **state)
{
    (void)state;
    struct udping_frame_ends e;
    ends6(&e);
    uint8_t f[200] = {0};
    f[62] = 1;
    assert_int_equal(udping_frame_build(f, &e, 72), 14 + 40 + 8 + 72);
    assert_int_equal(f[12] << 8 | f[13], 0x86dd);
    const uint8_t *ip = f + 14;
    assert_int_equal(ip[0], 0x60);
    assert_int_equal(ip[1] | ip[2] | ip[3], 0);
    assert_int_equal(ip[4] << 8 | ip[5], 8 + 72);
    assert_int_equal(ip[6], 17);
    assert_int_equal(ip[7], 255);
    assert_memory_equal(ip + 8, e.src.ip, 16);
    assert_memory_equal(ip + 24, e.dst.ip, 16);
    assert_int_not_equal(ip[40 + 6] << 8 | ip[40 + 7], 0);
    assert_int_equal(udp_verify(f, 1), 0);
}

/* A datagram whose sum is all ones gets 0xffff, not 0 (RFC 768). */
static void test_zero_checksum_sent_as_ffff(void **state)
{
    (void)state;
    for (int v6 = 0; v6 < 2; v6++) {
        struct udping_frame_ends e;
        if (v6)
            ends6(&e);
        else
            ends4(&e);
        size_t h = udping_frame_hdr_len(e.dst.family);
        uint8_t f[200] = {0};
        assert_int_not_equal(udping_frame_build(f, &e, 72), 0);
        /* Put the checksum into the payload: the new sum is then all
         * ones, whose complement is zero. */
        f[h + 70] = f[h - 2];
        f[h + 71] = f[h - 1];
        assert_int_not_equal(udping_frame_build(f, &e, 72), 0);
        assert_int_equal(f[h - 2] << 8 | f[h - 1], 0xffff);
        assert_int_equal(udp_verify(f, v6), 0);
    }
}

static void test_mac_parse(void **state)
{
    (void)state;
    uint8_t m[6];
    char buf[18];
    assert_int_equal(udping_mac_parse("00:1A:2b:3c:4D:ff", m), 0);
    assert_string_equal(udping_mac_fmt(m, buf, sizeof buf),
                        "00:1a:2b:3c:4d:ff");
    assert_int_equal(udping_mac_parse("00-1a-2b-3c-4d-ff", m), 0);
    const char *bad[] = {"", "00:1a:2b:3c:4d", "00:1a:2b:3c:4d:ff:", "0:1:2:3:4:5",
                         "00:1a:2b:3c:4d:fg", "001a2b3c4dff", "00:1a:2b:3c:4d:ff0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(udping_mac_parse(bad[i], m), -1);
}

static void test_port_descriptors(void **state)
{
    (void)state;
    static uint16_t p[UDPING_MAX_PORTS];
    size_t n;
    assert_int_equal(udping_ports_parse("-s", "5000", 0, p, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(udping_ports_parse("-s", "5000-5009", 0, p, &n), 0);
    assert_int_equal(n, 10);
    assert_int_equal(p[9], 5009);
    assert_int_equal(udping_ports_parse("-s", "5000,5005,5000", 0, p, &n), 0);
    assert_int_equal(n, 3); /* duplicates kept */
    assert_int_equal(p[2], 5000);
    assert_int_equal(udping_ports_parse("-s", "5000-5001,5005-5006", 0, p, &n),
                     0);
    assert_int_equal(n, 4);
    assert_int_equal(p[2], 5005);
    assert_int_equal(udping_ports_parse("-s", "5000", 4, p, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(p[3], 5003);
    assert_int_equal(udping_ports_parse("-s", "1024-6023", 0, p, &n), 0);
    assert_int_equal(n, 5000);
}

static void test_port_descriptors_refused(void **state)
{
    (void)state;
    static uint16_t p[UDPING_MAX_PORTS];
    size_t n = 7;
    const char *bad[] = {"",       "1023",      "60001",     "5009-5000",
                         "5000,",  ",5000",     "5000,,5001", "5000-",
                         "-5000",  "5000-5001-5002", "5000 ", "x",
                         "1024-6024", "5000-5004,1024-6019", "999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(udping_ports_parse("-s", bad[i], 0, p, &n), -1);
    assert_int_equal(udping_ports_parse("-s", "5000,5001", 2, p, &n), -1);
    assert_int_equal(udping_ports_parse("-s", "59999", 3, p, &n), -1);
    assert_int_equal(n, 7); /* untouched */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csum_rfc1071_example),
        cmocka_unit_test(test_frame_ipv4_as_the_original),
        cmocka_unit_test(test_frame_ipv6),
        cmocka_unit_test(test_zero_checksum_sent_as_ffff),
        cmocka_unit_test(test_mac_parse),
        cmocka_unit_test(test_port_descriptors),
        cmocka_unit_test(test_port_descriptors_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
