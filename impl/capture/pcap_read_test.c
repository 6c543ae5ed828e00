/* Tests of pcap_read.c: every link type and network header it knows, and
 * every frame cut short at every length, each frame ending flush against
 * a PROT_NONE page so an over-read faults (picohttpparser test.c). */
/* first: it defines _GNU_SOURCE for mmap's MAP_ANONYMOUS */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pcap_read.h"

#define DLT_NULL_ 0
#define DLT_EN10MB_ 1
#define DLT_RAW_ 12
#define DLT_LOOP_ 108
#define DLT_SLL_ 113
#define DLT_SLL2_ 276

static const uint8_t payload[44] = {0, 0, 0, 7, 0xee, 0xb1};

/* IPv4 + UDP 40000 -> 862 carrying payload, TTL 63, TOS 0xb8. */
static size_t ipv4_udp(uint8_t *b)
{
    size_t tot = 20 + 8 + sizeof payload;
    memset(b, 0, tot);
    b[0] = 0x45;
    b[1] = 0xb8;
    b[2] = (uint8_t)(tot >> 8);
    b[3] = (uint8_t)tot;
    b[6] = 0x40; /* DF */
    b[8] = 63;
    b[9] = 17;
    memcpy(b + 12, (uint8_t[]){192, 0, 2, 10, 192, 0, 2, 20}, 8);
    b[20] = 40000 >> 8;
    b[21] = 40000 & 0xff;
    b[22] = 862 >> 8;
    b[23] = 862 & 0xff;
    b[24] = 0;
    b[25] = 8 + sizeof payload;
    memcpy(b + 28, payload, sizeof payload);
    return tot;
}

/* IPv6 with a Destination Options header, hop limit 5, then UDP. */
static size_t ipv6_udp(uint8_t *b)
{
    size_t plen = 8 + 8 + sizeof payload;
    memset(b, 0, 40 + plen);
    b[0] = 0x6a; /* traffic class 0xa3 */
    b[1] = 0x30;
    b[4] = (uint8_t)(plen >> 8);
    b[5] = (uint8_t)plen;
    b[6] = 60; /* Destination Options */
    b[7] = 5;
    b[8] = 0x20;
    b[23] = 0x10;
    b[24] = 0x20;
    b[39] = 0x20;
    b[40] = 17; /* next: UDP; length 0 = 8 octets; PadN fills it */
    b[41] = 0;
    b[42] = 1;
    b[43] = 4;
    uint8_t *u = b + 48;
    u[0] = 40000 >> 8;
    u[1] = 40000 & 0xff;
    u[2] = 862 >> 8;
    u[3] = 862 & 0xff;
    u[5] = 8 + sizeof payload;
    memcpy(u + 8, payload, sizeof payload);
    return 40 + plen;
}

/* Parses buf[0..caplen) placed against a guard page. */
static enum ippm_pcap_frame parse_guarded(int dlt, const uint8_t *buf,
                                          size_t caplen, size_t wirelen,
                                          struct ippm_pcap_dgram *d)
{
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, buf, caplen);
    memset(d, 0, sizeof *d);
    enum ippm_pcap_frame k = ippm_pcap_parse_frame(dlt, p, caplen, wirelen, d);
    if (k == IPPM_PCAP_UDP) {
        /* the view must lie inside the frame */
        assert_true(d->payload >= p && d->payload + d->len <= p + caplen);
        if (d->len == sizeof payload)
            assert_memory_equal(d->payload, payload, sizeof payload);
    }
    ippm_guard_free(&g);
    return k;
}

/* The whole frame parses; every prefix is TRUNCATED when the wire length
 * says more followed, and never UDP. */
static void check_all_lengths(int dlt, const uint8_t *f, size_t len,
                              int family, int ttl)
{
    struct ippm_pcap_dgram d;
    assert_int_equal(parse_guarded(dlt, f, len, len, &d), IPPM_PCAP_UDP);
    assert_int_equal(d.src.family, family);
    assert_int_equal(d.src.port, 40000);
    assert_int_equal(d.dst.port, 862);
    assert_int_equal(d.ttl, ttl);
    assert_int_equal(d.len, sizeof payload);
    for (size_t n = 0; n < len; n++) {
        enum ippm_pcap_frame k = parse_guarded(dlt, f, n, len, &d);
        assert_int_equal(k, IPPM_PCAP_TRUNCATED);
        /* the same prefix claiming to be whole is malformed, not UDP */
        k = parse_guarded(dlt, f, n, n, &d);
        assert_int_not_equal(k, IPPM_PCAP_UDP);
    }
}

static void test_pcap_parse_ethernet_ipv4_every_length(void **state)
{
    (void)state;
    uint8_t f[256] = {0};
    f[12] = 0x08;
    size_t n = 14 + ipv4_udp(f + 14);
    check_all_lengths(DLT_EN10MB_, f, n, 4, 63);
    struct ippm_pcap_dgram d;
    assert_int_equal(parse_guarded(DLT_EN10MB_, f, n, n, &d), IPPM_PCAP_UDP);
    assert_int_equal(d.tos, 0xb8);
    assert_memory_equal(d.src.ip, ((uint8_t[]){192, 0, 2, 10}), 4);
    assert_memory_equal(d.dst.ip, ((uint8_t[]){192, 0, 2, 20}), 4);
}

static void test_pcap_parse_ethernet_padding_ignored(void **state)
{
    (void)state;
    uint8_t f[256] = {0};
    f[12] = 0x08;
    size_t n = 14 + ipv4_udp(f + 14);
    memset(f + n, 0xaa, 16); /* trailer past the IP total length */
    struct ippm_pcap_dgram d;
    assert_int_equal(parse_guarded(DLT_EN10MB_, f, n + 16, n + 16, &d),
                     IPPM_PCAP_UDP);
    assert_int_equal(d.len, sizeof payload);
}

static void test_pcap_parse_two_vlan_tags_ipv6_every_length(void **state)
{
    (void)state;
    uint8_t f[256] = {0};
    f[12] = 0x88;
    f[13] = 0xa8;
    f[16] = 0x81;
    f[17] = 0x00;
    f[20] = 0x86;
    f[21] = 0xdd;
    size_t n = 22 + ipv6_udp(f + 22);
    check_all_lengths(DLT_EN10MB_, f, n, 6, 5);
    struct ippm_pcap_dgram d;
    parse_guarded(DLT_EN10MB_, f, n, n, &d);
    assert_int_equal(d.tos, 0xa3);
}

static void test_pcap_parse_sll_sll2_null_loop_raw(void **state)
{
    (void)state;
    uint8_t f[256] = {0};
    f[14] = 0x08; /* SLL: protocol last */
    size_t n = 16 + ipv4_udp(f + 16);
    check_all_lengths(DLT_SLL_, f, n, 4, 63);

    memset(f, 0, sizeof f);
    f[0] = 0x86; /* SLL2: protocol first */
    f[1] = 0xdd;
    n = 20 + ipv6_udp(f + 20);
    check_all_lengths(DLT_SLL2_, f, n, 6, 5);

    memset(f, 0, sizeof f);
    f[0] = 2; /* DLT_NULL, host order AF_INET */
    n = 4 + ipv4_udp(f + 4);
    check_all_lengths(DLT_NULL_, f, n, 4, 63);

    memset(f, 0, sizeof f);
    f[3] = 30; /* DLT_LOOP, network order, a BSD AF_INET6 */
    n = 4 + ipv6_udp(f + 4);
    check_all_lengths(DLT_LOOP_, f, n, 6, 5);

    memset(f, 0, sizeof f);
    n = ipv4_udp(f);
    check_all_lengths(DLT_RAW_, f, n, 4, 63);
}

/* RFC 8972 §4.2.2 grades the copied MAC: the link-layer source of
 * Ethernet, SLL and SLL2 frames (6-octet addresses); none on raw IP. */
static void test_pcap_parse_link_source_mac(void **state)
{
    (void)state;
    static const uint8_t mac[6] = {0x02, 0, 0x5e, 1, 2, 3};
    struct ippm_pcap_dgram d;
    uint8_t f[256] = {0};
    memcpy(f + 6, mac, 6); /* Ethernet: destination, then source */
    f[12] = 0x08;
    size_t n = 14 + ipv4_udp(f + 14);
    assert_int_equal(parse_guarded(DLT_EN10MB_, f, n, n, &d), IPPM_PCAP_UDP);
    assert_true(d.src_mac_known);
    assert_memory_equal(d.src_mac, mac, 6);

    memset(f, 0, sizeof f);
    f[5] = 6; /* SLL: address length, then the address */
    memcpy(f + 6, mac, 6);
    f[14] = 0x08;
    n = 16 + ipv4_udp(f + 16);
    assert_int_equal(parse_guarded(DLT_SLL_, f, n, n, &d), IPPM_PCAP_UDP);
    assert_true(d.src_mac_known);
    assert_memory_equal(d.src_mac, mac, 6);

    memset(f, 0, sizeof f);
    f[0] = 0x08; /* SLL2: protocol first, address length 11, address 12 */
    f[11] = 6;
    memcpy(f + 12, mac, 6);
    n = 20 + ipv4_udp(f + 20);
    assert_int_equal(parse_guarded(DLT_SLL2_, f, n, n, &d), IPPM_PCAP_UDP);
    assert_true(d.src_mac_known);
    assert_memory_equal(d.src_mac, mac, 6);
    f[11] = 8; /* another address length: not a MAC we can compare */
    assert_int_equal(parse_guarded(DLT_SLL2_, f, n, n, &d), IPPM_PCAP_UDP);
    assert_false(d.src_mac_known);

    memset(f, 0, sizeof f);
    n = ipv4_udp(f);
    assert_int_equal(parse_guarded(DLT_RAW_, f, n, n, &d), IPPM_PCAP_UDP);
    assert_false(d.src_mac_known);
}

static void test_pcap_parse_skips_fragments(void **state)
{
    (void)state;
    uint8_t f[256];
    size_t n = ipv4_udp(f);
    struct ippm_pcap_dgram d;
    f[6] = 0x20; /* MF: first fragment, UDP payload incomplete */
    assert_int_equal(parse_guarded(DLT_RAW_, f, n, n, &d),
                     IPPM_PCAP_FRAGMENT);
    f[6] = 0x00;
    f[7] = 0x10; /* offset 128 */
    assert_int_equal(parse_guarded(DLT_RAW_, f, n, n, &d),
                     IPPM_PCAP_FRAGMENT);

    n = ipv6_udp(f);
    f[40] = 44; /* the Destination Options header becomes a Fragment one */
    f[6] = 44;
    f[40] = 17;
    f[42] = 0;
    f[43] = 1; /* M set */
    assert_int_equal(parse_guarded(DLT_RAW_, f, n, n, &d),
                     IPPM_PCAP_FRAGMENT);
    f[43] = 0; /* atomic fragment: the whole datagram */
    assert_int_equal(parse_guarded(DLT_RAW_, f, n, n, &d), IPPM_PCAP_UDP);
}

static void test_pcap_parse_rejects_lying_lengths(void **state)
{
    (void)state;
    uint8_t f[256];
    struct ippm_pcap_dgram d;
    size_t n = ipv4_udp(f);
    f[0] = 0x44; /* IHL 16 < 20 */
    assert_int_equal(parse_guarded(DLT_RAW_, f, n, n, &d),
                     IPPM_PCAP_MALFORMED);
    f[0] = 0x4f; /* IHL 60: the UDP header is read from inside the packet */
    assert_int_not_equal(parse_guarded(DLT_RAW_, f, n, n, &d),
                         IPPM_PCAP_TRUNCATED);
    n = ipv4_udp(f);
    f[3] = 200; /* total length past the frame */
    assert_int_equal(parse_guarded(DLT_RAW_, f, n, n, &d),
                     IPPM_PCAP_MALFORMED);
    n = ipv4_udp(f);
    f[25] = 200; /* UDP length past the IP packet */
    assert_int_equal(parse_guarded(DLT_RAW_, f, n, n, &d),
                     IPPM_PCAP_MALFORMED);
    f[25] = 7; /* UDP length below its header */
    assert_int_equal(parse_guarded(DLT_RAW_, f, n, n, &d),
                     IPPM_PCAP_MALFORMED);
    n = ipv6_udp(f);
    f[41] = 200; /* extension header longer than the packet */
    assert_int_equal(parse_guarded(DLT_RAW_, f, n, n, &d),
                     IPPM_PCAP_MALFORMED);
}

static void test_pcap_parse_classifies_others(void **state)
{
    (void)state;
    uint8_t f[256] = {0};
    struct ippm_pcap_dgram d;
    f[12] = 0x08;
    f[13] = 0x06; /* ARP */
    assert_int_equal(parse_guarded(DLT_EN10MB_, f, 60, 60, &d),
                     IPPM_PCAP_NOT_IP);
    f[12] = 0x00;
    f[13] = 0x40; /* 802.3 length field */
    assert_int_equal(parse_guarded(DLT_EN10MB_, f, 60, 60, &d),
                     IPPM_PCAP_NOT_IP);
    size_t n = ipv4_udp(f);
    f[9] = 6; /* TCP */
    assert_int_equal(parse_guarded(DLT_RAW_, f, n, n, &d),
                     IPPM_PCAP_NOT_UDP);
    n = ipv6_udp(f);
    f[40] = 50; /* ESP after the options: unreadable */
    assert_int_equal(parse_guarded(DLT_RAW_, f, n, n, &d),
                     IPPM_PCAP_NOT_UDP);
    assert_int_equal(parse_guarded(147 /* DLT_USER0 */, f, n, n, &d),
                     IPPM_PCAP_LINK);
    memset(f, 0, sizeof f);
    f[12] = 0x08; /* IPv4 ethertype, IPv6 packet */
    n = 14 + ipv6_udp(f + 14);
    assert_int_equal(parse_guarded(DLT_EN10MB_, f, n, n, &d),
                     IPPM_PCAP_MALFORMED);
}

static void test_pcap_parse_vlan_tag_chain_is_bounded(void **state)
{
    (void)state;
    uint8_t f[64] = {0};
    for (size_t i = 12; i + 1 < sizeof f; i += 4) {
        f[i] = 0x81;
        f[i + 1] = 0x00;
    }
    struct ippm_pcap_dgram d;
    assert_int_equal(parse_guarded(DLT_EN10MB_, f, sizeof f, sizeof f, &d),
                     IPPM_PCAP_MALFORMED);
}


/* RFC 1071 over b[0..n) plus sum, folded and complemented. */
static uint16_t csum(uint32_t sum, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)b[i] << 8 | b[i + 1];
    if (n & 1)
        sum += (uint32_t)b[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* How a frame was built, for the UDPing raw-frame cases: Ethernet, the
 * IPv4 ID and DF, and both checksums as captured (0 unknown or none). */
static void test_pcap_parse_frame_built(void **state)
{
    (void)state;
    uint8_t f[128] = {0};
    f[12] = 0x08; /* Ethernet, IPv4 */
    uint8_t *ip = f + 14;
    size_t n = 14 + ipv4_udp(ip);
    struct ippm_pcap_dgram d;
    assert_int_equal(parse_guarded(DLT_EN10MB_, f, n, n, &d), IPPM_PCAP_UDP);
    assert_true(d.ethernet && d.ip_df);
    assert_int_equal(d.ip_id, 0);
    assert_int_equal(d.ip_csum, -1); /* left zero: wrong */
    assert_int_equal(d.udp_csum, 0); /* zero: none sent */
    uint16_t h = csum(0, ip, 20);
    ip[10] = (uint8_t)(h >> 8), ip[11] = (uint8_t)h;
    size_t ulen = 8 + sizeof payload;
    uint8_t pseudo[12] = {192, 0, 2, 10, 192, 0, 2, 20, 0, 17, 0,
                          (uint8_t)ulen};
    uint32_t sum = 0;
    for (size_t i = 0; i < sizeof pseudo; i += 2)
        sum += (uint32_t)pseudo[i] << 8 | pseudo[i + 1];
    uint16_t u = csum(sum, ip + 20, ulen);
    ip[26] = (uint8_t)(u >> 8), ip[27] = (uint8_t)u;
    ip[4] = 0x12; /* an ID, after the header sum: wrong again */
    assert_int_equal(parse_guarded(DLT_EN10MB_, f, n, n, &d), IPPM_PCAP_UDP);
    assert_int_equal(d.ip_csum, -1);
    assert_int_equal(d.udp_csum, 1);
    assert_int_equal(d.ip_id, 0x1200);
    ip[4] = 0;
    ip[27] ^= 1; /* a UDP sum one bit off */
    assert_int_equal(parse_guarded(DLT_EN10MB_, f, n, n, &d), IPPM_PCAP_UDP);
    assert_int_equal(d.ip_csum, 1);
    assert_int_equal(d.udp_csum, -1);
    /* raw IP: no Ethernet */
    assert_int_equal(parse_guarded(DLT_RAW_, ip, n - 14, n - 14, &d),
                     IPPM_PCAP_UDP);
    assert_false(d.ethernet);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcap_parse_ethernet_ipv4_every_length),
        cmocka_unit_test(test_pcap_parse_ethernet_padding_ignored),
        cmocka_unit_test(test_pcap_parse_two_vlan_tags_ipv6_every_length),
        cmocka_unit_test(test_pcap_parse_sll_sll2_null_loop_raw),
        cmocka_unit_test(test_pcap_parse_link_source_mac),
        cmocka_unit_test(test_pcap_parse_skips_fragments),
        cmocka_unit_test(test_pcap_parse_rejects_lying_lengths),
        cmocka_unit_test(test_pcap_parse_classifies_others),
        cmocka_unit_test(test_pcap_parse_vlan_tag_chain_is_bounded),
        cmocka_unit_test(test_pcap_parse_frame_built),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
