/* Unit tests of ippm_cur.h: big- and little-endian order and sticky
 * overrun flags.
 * Inputs end flush against a PROT_NONE page, so a read past the end
 * faults instead of passing quietly. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ippm_cur.h"
#include "testsupport/udping_vectors.h"

static const uint8_t SEQ15[15] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                  0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
                                  0x0f};

static void test_ippm_rd_big_endian(void **state)
{
    (void)state;
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, SEQ15, sizeof SEQ15);
    struct ippm_rcur c = ippm_rcur_make(p, sizeof SEQ15);
    assert_int_equal(ippm_rd_u8(&c), 0x01);
    assert_int_equal(ippm_rd_u16(&c), 0x0203);
    assert_int_equal(ippm_rd_u32(&c), 0x04050607u);
    assert_int_equal(ippm_rd_u64(&c), 0x08090a0b0c0d0e0full);
    assert_int_equal(c.off, 15);
    assert_false(c.overrun);
    assert_int_equal(ippm_rcur_left(&c), 0);
    ippm_guard_free(&g);
}

static void test_ippm_rd_high_bit_values(void **state)
{
    (void)state;
    static const uint8_t ff[8] = {0xff, 0xfe, 0x80, 0x00,
                                  0x80, 0x00, 0x00, 0x01};
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, ff, sizeof ff);
    struct ippm_rcur c = ippm_rcur_make(p, sizeof ff);
    assert_int_equal(ippm_rd_u64(&c), 0xfffe800080000001ull);
    c = ippm_rcur_make(p, sizeof ff);
    assert_int_equal(ippm_rd_u16(&c), 0xfffe);
    assert_int_equal(ippm_rd_u32(&c), 0x80008000u);
    ippm_guard_free(&g);
}

static void test_ippm_rd_u32_overrun_sets_flag_and_yields_zero(void **state)
{
    (void)state;
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, SEQ15, 3);
    struct ippm_rcur c = ippm_rcur_make(p, 3);
    assert_int_equal(ippm_rd_u32(&c), 0);
    assert_true(c.overrun);
    assert_int_equal(ippm_rcur_left(&c), 0);
    /* Sticky: a read that would fit now still fails. */
    assert_int_equal(ippm_rd_u8(&c), 0);
    assert_int_equal(ippm_rd_u16(&c), 0);
    assert_true(c.overrun);
    ippm_guard_free(&g);
}

static void test_ippm_rd_each_width_overruns_by_one(void **state)
{
    (void)state;
    struct ippm_guard g;
    for (size_t w = 1; w <= 8; w *= 2) {
        const uint8_t *p = ippm_guard_copy(&g, SEQ15, w - 1);
        struct ippm_rcur c = ippm_rcur_make(p, w - 1);
        uint64_t v = w == 1 ? ippm_rd_u8(&c)
                   : w == 2 ? ippm_rd_u16(&c)
                   : w == 4 ? ippm_rd_u32(&c)
                            : ippm_rd_u64(&c);
        assert_int_equal(v, 0);
        assert_true(c.overrun);
        ippm_guard_free(&g);
    }
}

static void test_ippm_rd_u64_half_overrun_yields_zero(void **state)
{
    (void)state;
    /* Six octets: the high half reads, the low half does not. The value
     * must still be 0, not the high half shifted. */
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, SEQ15, 6);
    struct ippm_rcur c = ippm_rcur_make(p, 6);
    uint64_t v = ippm_rd_u64(&c);
    assert_true(c.overrun);
    assert_int_equal(v, 0);
    ippm_guard_free(&g);
}

static void test_ippm_rcur_take(void **state)
{
    (void)state;
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, SEQ15, 5);
    struct ippm_rcur c = ippm_rcur_make(p, 5);
    const uint8_t *b = NULL;
    assert_true(ippm_rcur_take(&c, 2, &b));
    assert_ptr_equal(b, p);
    assert_int_equal(ippm_rcur_left(&c), 3);
    assert_true(ippm_rcur_take(&c, 3, &b));
    assert_ptr_equal(b, p + 2);
    assert_true(ippm_rcur_take(&c, 0, &b));
    assert_false(c.overrun);
    assert_false(ippm_rcur_take(&c, 1, &b));
    assert_null(b);
    assert_true(c.overrun);
    ippm_guard_free(&g);
    /* A length that would wrap the offset must not pass. */
    uint8_t buf[4] = {0};
    c = ippm_rcur_make(buf, 4);
    (void)ippm_rd_u8(&c);
    assert_false(ippm_rcur_take(&c, SIZE_MAX, &b));
    assert_true(c.overrun);
}

static void test_ippm_rd_skip_nonzero(void **state)
{
    (void)state;
    uint8_t z[30] = {0};
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, z, sizeof z);
    struct ippm_rcur c = ippm_rcur_make(p, sizeof z);
    assert_false(ippm_rd_skip_nonzero(&c, 30));
    assert_false(c.overrun);
    assert_int_equal(c.off, 30);
    ippm_guard_free(&g);

    for (size_t i = 0; i < sizeof z; i++) {
        z[i] = 0x01;
        p = ippm_guard_copy(&g, z, sizeof z);
        c = ippm_rcur_make(p, sizeof z);
        assert_true(ippm_rd_skip_nonzero(&c, 30));
        ippm_guard_free(&g);
        z[i] = 0;
    }
    z[29] = 0x80;
    p = ippm_guard_copy(&g, z, sizeof z);
    c = ippm_rcur_make(p, sizeof z);
    assert_false(ippm_rd_skip_nonzero(&c, 31));
    assert_true(c.overrun);
    ippm_guard_free(&g);
}

static void test_ippm_wr_big_endian(void **state)
{
    (void)state;
    struct ippm_guard g;
    uint8_t *p = ippm_guard_copy(&g, SEQ15, sizeof SEQ15);
    memset(p, 0xee, sizeof SEQ15);
    struct ippm_wcur c = ippm_wcur_make(p, sizeof SEQ15);
    ippm_wr_u8(&c, 0x01);
    ippm_wr_u16(&c, 0x0203);
    ippm_wr_u32(&c, 0x04050607u);
    ippm_wr_u64(&c, 0x08090a0b0c0d0e0full);
    assert_false(c.overrun);
    assert_int_equal(c.off, 15);
    assert_memory_equal(p, SEQ15, sizeof SEQ15);
    ippm_guard_free(&g);
}

static void test_ippm_wr_overrun_is_sticky(void **state)
{
    (void)state;
    struct ippm_guard g;
    uint8_t init[6] = {0xee, 0xee, 0xee, 0xee, 0xee, 0xee};
    uint8_t *p = ippm_guard_copy(&g, init, sizeof init);
    struct ippm_wcur c = ippm_wcur_make(p, 6);
    ippm_wr_u16(&c, 0xaabb);
    ippm_wr_u32(&c, 0x11223344u);
    ippm_wr_u8(&c, 0x55); /* 0 left */
    assert_true(c.overrun);
    assert_int_equal(c.off, 6);
    ippm_guard_free(&g);

    p = ippm_guard_copy(&g, init, sizeof init);
    c = ippm_wcur_make(p, 6);
    ippm_wr_u16(&c, 0xaabb);
    ippm_wr_u32(&c, 0x11223344u);
    c.off = 2; /* room again, but a sticky flag still refuses */
    c.overrun = true;
    ippm_wr_u8(&c, 0x99);
    ippm_wr_zero(&c, 1);
    ippm_wr_bytes(&c, SEQ15, 1);
    assert_null(ippm_wcur_take(&c, 0));
    const uint8_t want[6] = {0xaa, 0xbb, 0x11, 0x22, 0x33, 0x44};
    assert_memory_equal(p, want, 6);
    ippm_guard_free(&g);
}

static void test_ippm_wr_u64_half_overrun_writes_nothing(void **state)
{
    (void)state;
    /* Four octets left: ippm_wr_u64 must not write the high half and then
     * fail on the low half, as a read past the end yields nothing. */
    struct ippm_guard g;
    uint8_t init[6] = {0xee, 0xee, 0xee, 0xee, 0xee, 0xee};
    uint8_t *p = ippm_guard_copy(&g, init, sizeof init);
    struct ippm_wcur c = ippm_wcur_make(p, 6);
    ippm_wr_u16(&c, 0xaabb);
    ippm_wr_u64(&c, 0x1122334455667788ull);
    assert_true(c.overrun);
    const uint8_t want[6] = {0xaa, 0xbb, 0xee, 0xee, 0xee, 0xee};
    assert_memory_equal(p, want, 6);
    ippm_guard_free(&g);
}

static void test_ippm_wr_zero_and_bytes(void **state)
{
    (void)state;
    struct ippm_guard g;
    uint8_t init[10];
    memset(init, 0xee, sizeof init);
    uint8_t *p = ippm_guard_copy(&g, init, sizeof init);
    struct ippm_wcur c = ippm_wcur_make(p, 10);
    ippm_wr_bytes(&c, SEQ15, 3);
    ippm_wr_zero(&c, 4);
    ippm_wr_bytes(&c, NULL, 0);
    ippm_wr_bytes(&c, SEQ15 + 10, 3);
    assert_false(c.overrun);
    const uint8_t want[10] = {1, 2, 3, 0, 0, 0, 0, 0x0b, 0x0c, 0x0d};
    assert_memory_equal(p, want, 10);
    ippm_wr_zero(&c, 1);
    assert_true(c.overrun);
    ippm_guard_free(&g);
}

static void test_ippm_load_store(void **state)
{
    (void)state;
    uint8_t b[8];
    ippm_store_u16(b, 0xa1b2);
    assert_int_equal(b[0], 0xa1);
    assert_int_equal(b[1], 0xb2);
    assert_int_equal(ippm_load_u16(b), 0xa1b2);
    ippm_store_u32(b, 0xdeadbeefu);
    const uint8_t w32[4] = {0xde, 0xad, 0xbe, 0xef};
    assert_memory_equal(b, w32, 4);
    assert_int_equal(ippm_load_u32(b), 0xdeadbeefu);
    ippm_store_u64(b, 0xeeb14c842dcc815full);
    const uint8_t w64[8] = {0xee, 0xb1, 0x4c, 0x84, 0x2d, 0xcc, 0x81, 0x5f};
    assert_memory_equal(b, w64, 8);
    assert_int_equal(ippm_load_u64(b), 0xeeb14c842dcc815full);
}

/* The first UDPing data packet of the capture in shared/notes/udping.md
 * §1 (testsupport/udping_vectors.h): a host struct on the wire,
 * little-endian with padding. */
#define UDPING_HDR UDPING_FRAME1_HDR

static void test_ippm_rd_le_udping_header(void **state)
{
    (void)state;
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, UDPING_HDR, sizeof UDPING_HDR);
    struct ippm_rcur c = ippm_rcur_make(p, sizeof UDPING_HDR);
    assert_int_equal(ippm_rd_u8(&c), 1);
    assert_false(ippm_rd_skip_nonzero(&c, 7));
    assert_int_equal(ippm_rd_le64(&c), 0x6b06c9e0u);
    const uint8_t *guid;
    assert_true(ippm_rcur_take(&c, 24, &guid));
    assert_memory_equal(guid, "71e673360037e65ac0e1", 21);
    assert_int_equal(ippm_rd_le32(&c), 0);     /* seqNum */
    assert_int_equal(ippm_rd_le32(&c), 0);     /* padding */
    assert_int_equal(ippm_rd_le64(&c), 0x6b06c9e0u);
    assert_int_equal(ippm_rd_le64(&c), 789501179u);
    assert_int_equal(ippm_rd_le32(&c), 270);   /* size */
    assert_int_equal(ippm_rd_le32(&c), 0);
    assert_false(c.overrun);
    assert_int_equal(ippm_rcur_left(&c), 0);
    /* The same octets read big-endian are another number. */
    assert_int_equal(ippm_load_u32(p + 64), 0x0e010000u);
    assert_int_equal(ippm_load_le32(p + 64), 270);
    ippm_guard_free(&g);
}

static void test_ippm_rd_little_endian(void **state)
{
    (void)state;
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, SEQ15, sizeof SEQ15);
    struct ippm_rcur c = ippm_rcur_make(p, sizeof SEQ15);
    assert_int_equal(ippm_rd_u8(&c), 0x01);
    assert_int_equal(ippm_rd_le16(&c), 0x0302);
    assert_int_equal(ippm_rd_le32(&c), 0x07060504u);
    assert_int_equal(ippm_rd_le64(&c), 0x0f0e0d0c0b0a0908ull);
    assert_int_equal(c.off, 15);
    assert_false(c.overrun);
    ippm_guard_free(&g);
}

static void test_ippm_rd_le_each_width_overruns_by_one(void **state)
{
    (void)state;
    struct ippm_guard g;
    for (size_t w = 2; w <= 8; w *= 2) {
        const uint8_t *p = ippm_guard_copy(&g, SEQ15, w - 1);
        struct ippm_rcur c = ippm_rcur_make(p, w - 1);
        uint64_t v = w == 2 ? ippm_rd_le16(&c)
                   : w == 4 ? ippm_rd_le32(&c)
                            : ippm_rd_le64(&c);
        assert_int_equal(v, 0);
        assert_true(c.overrun);
        assert_int_equal(c.off, 0);
        ippm_guard_free(&g);
    }
}

static void test_ippm_wr_little_endian(void **state)
{
    (void)state;
    uint8_t zero[14] = {0};
    struct ippm_guard g;
    uint8_t *p = ippm_guard_copy(&g, zero, sizeof zero);
    struct ippm_wcur c = ippm_wcur_make(p, sizeof zero);
    ippm_wr_le16(&c, 0xa1b2);
    ippm_wr_le32(&c, 0xdeadbeefu);
    ippm_wr_le64(&c, 0x0102030405060708ull);
    assert_false(c.overrun);
    assert_int_equal(c.off, 14);
    const uint8_t want[14] = {0xb2, 0xa1, 0xef, 0xbe, 0xad, 0xde, 0x08,
                              0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
    assert_memory_equal(p, want, sizeof want);
    /* Full: one octet more overruns, sticky, and writes nothing. */
    ippm_wr_le16(&c, 0xffff);
    assert_true(c.overrun);
    assert_memory_equal(p, want, sizeof want);
    ippm_guard_free(&g);
}

static void test_ippm_wr_le64_half_overrun_writes_nothing(void **state)
{
    (void)state;
    uint8_t init[6] = {0x55, 0x55, 0x55, 0x55, 0x55, 0x55};
    struct ippm_guard g;
    uint8_t *p = ippm_guard_copy(&g, init, sizeof init);
    struct ippm_wcur c = ippm_wcur_make(p, sizeof init);
    ippm_wr_le64(&c, 0x0102030405060708ull);
    assert_true(c.overrun);
    assert_memory_equal(p, init, sizeof init);
    ippm_guard_free(&g);
}

/* Round trips, and the udping packet rebuilt field by field. */
static void test_ippm_load_store_le(void **state)
{
    (void)state;
    uint8_t b[8];
    ippm_store_le16(b, 0xa1b2);
    assert_int_equal(b[0], 0xb2);
    assert_int_equal(ippm_load_le16(b), 0xa1b2);
    ippm_store_le32(b, 0xdeadbeefu);
    assert_int_equal(b[0], 0xef);
    assert_int_equal(ippm_load_le32(b), 0xdeadbeefu);
    ippm_store_le64(b, 0xeeb14c842dcc815full);
    const uint8_t w64[8] = {0x5f, 0x81, 0xcc, 0x2d, 0x84, 0x4c, 0xb1, 0xee};
    assert_memory_equal(b, w64, 8);
    assert_int_equal(ippm_load_le64(b), 0xeeb14c842dcc815full);

    uint8_t pkt[72] = {0};
    struct ippm_wcur c = ippm_wcur_make(pkt, sizeof pkt);
    ippm_wr_u8(&c, 1);
    ippm_wr_zero(&c, 7);
    ippm_wr_le64(&c, 0x6b06c9e0u);
    ippm_wr_bytes(&c, (const uint8_t *)"71e673360037e65ac0e1", 21);
    ippm_wr_zero(&c, 3);
    ippm_wr_le32(&c, 0);
    ippm_wr_zero(&c, 4);
    ippm_wr_le64(&c, 0x6b06c9e0u);
    ippm_wr_le64(&c, 789501179u);
    ippm_wr_le32(&c, 270);
    ippm_wr_zero(&c, 4);
    assert_false(c.overrun);
    assert_int_equal(c.off, 72);
    assert_memory_equal(pkt, UDPING_HDR, sizeof pkt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_rd_big_endian),
        cmocka_unit_test(test_ippm_rd_high_bit_values),
        cmocka_unit_test(test_ippm_rd_u32_overrun_sets_flag_and_yields_zero),
        cmocka_unit_test(test_ippm_rd_each_width_overruns_by_one),
        cmocka_unit_test(test_ippm_rd_u64_half_overrun_yields_zero),
        cmocka_unit_test(test_ippm_rcur_take),
        cmocka_unit_test(test_ippm_rd_skip_nonzero),
        cmocka_unit_test(test_ippm_wr_big_endian),
        cmocka_unit_test(test_ippm_wr_overrun_is_sticky),
        cmocka_unit_test(test_ippm_wr_u64_half_overrun_writes_nothing),
        cmocka_unit_test(test_ippm_wr_zero_and_bytes),
        cmocka_unit_test(test_ippm_load_store),
        cmocka_unit_test(test_ippm_rd_le_udping_header),
        cmocka_unit_test(test_ippm_rd_little_endian),
        cmocka_unit_test(test_ippm_rd_le_each_width_overruns_by_one),
        cmocka_unit_test(test_ippm_wr_little_endian),
        cmocka_unit_test(test_ippm_wr_le64_half_overrun_writes_nothing),
        cmocka_unit_test(test_ippm_load_store_le),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
