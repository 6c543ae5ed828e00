/* Unit tests of udping_wire.c: the first frame of udping-loopback.pcap
 * (notes §1) decoded and rebuilt octet for octet, each of the server's
 * checks in order, padding and payload facts, the 2017 format (notes
 * §8), the layout tables and the error names.
 * Inputs end flush against a PROT_NONE page, so an over-read faults. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proto/udping/udping.h"
#include "testsupport/udping_vectors.h"

#define FRAME1_HDR UDPING_FRAME1_HDR
#define FRAME1_LEN UDPING_FRAME1_LEN

static void frame1(uint8_t *b)
{
    memset(b, 0, FRAME1_LEN);
    memcpy(b, FRAME1_HDR, sizeof FRAME1_HDR);
}

static enum ippm_err decode_guarded(const uint8_t *b, size_t len,
                                    struct udping_hdr *h)
{
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, b, len);
    enum ippm_err e = udping_decode(p, len, h);
    ippm_guard_free(&g);
    return e;
}

static void test_udping_decode_capture_first_frame(void **state)
{
    (void)state;
    uint8_t b[FRAME1_LEN];
    frame1(b);
    struct udping_hdr h;
    assert_int_equal(decode_guarded(b, sizeof b, &h), IPPM_OK);
    assert_int_equal(h.version, 1);
    assert_true(h.client_start == 0x6b06c9e0);
    assert_string_equal(h.guid, "71e673360037e65ac0e1");
    assert_int_equal(h.seq, 0);
    assert_true(h.sent_sec == 0x6b06c9e0);
    assert_true(h.sent_nsec == 789501179);
    assert_int_equal(h.size, 270);
    assert_false(h.pad_nonzero);
    assert_false(h.payload_nonzero);
}

static void test_udping_encode_rebuilds_capture_first_frame(void **state)
{
    (void)state;
    uint8_t want[FRAME1_LEN], got[FRAME1_LEN + 8];
    frame1(want);
    memset(got, 0xaa, sizeof got);
    struct udping_hdr h = {.version = 1,
                           .client_start = 0x6b06c9e0,
                           .guid = "71e673360037e65ac0e1",
                           .seq = 0,
                           .sent_sec = 0x6b06c9e0,
                           .sent_nsec = 789501179,
                           .size = 270};
    assert_int_equal(udping_encode(got, sizeof got, &h), IPPM_OK);
    assert_memory_equal(got, want, FRAME1_LEN);
    assert_int_equal(got[FRAME1_LEN], 0xaa); /* nothing past size */
}

static void test_udping_encode_rejects_bad_args(void **state)
{
    (void)state;
    uint8_t b[UDPING_MAX_PKT + 1];
    struct udping_hdr h = {.version = 1, .guid = "71e673360037e65ac0e1",
                           .size = 71};
    assert_int_equal(udping_encode(b, sizeof b, &h), IPPM_ERR_BAD_ARG);
    h.size = UDPING_MAX_PKT + 1;
    assert_int_equal(udping_encode(b, sizeof b, &h), IPPM_ERR_BAD_ARG);
    h.size = 100;
    assert_int_equal(udping_encode(b, 99, &h), IPPM_ERR_NOSPACE);
    strcpy(h.guid, "short");
    assert_int_equal(udping_encode(b, sizeof b, &h), IPPM_ERR_BAD_ARG);
    strcpy(h.guid, "71e673360037e65ac0e1");
    h.size = 72;
    assert_int_equal(udping_encode(b, 72, &h), IPPM_OK);
    h.size = UDPING_MAX_PKT;
    assert_int_equal(udping_encode(b, sizeof b, &h), IPPM_OK);
}

/* Notes §1: every length below 72 is short, including 0. */
static void test_udping_decode_rejects_every_short_length(void **state)
{
    (void)state;
    uint8_t b[FRAME1_LEN];
    frame1(b);
    struct udping_hdr h;
    for (size_t n = 0; n < UDPING_HDR_LEN; n++)
        assert_int_equal(decode_guarded(b, n, &h), UDPING_ERR_SHORT);
}

/* Check 3 comes before check 4: a wrong size with a wrong version is
 * "size"; the right size with a wrong version is "version". */
static void test_udping_decode_checks_in_the_originals_order(void **state)
{
    (void)state;
    uint8_t b[FRAME1_LEN];
    frame1(b);
    struct udping_hdr h;
    assert_int_equal(decode_guarded(b, 269, &h), UDPING_ERR_SIZE);
    assert_int_equal(h.size, 270); /* the fields read so far are there */
    b[0] = 2;
    assert_int_equal(decode_guarded(b, 269, &h), UDPING_ERR_SIZE);
    assert_int_equal(decode_guarded(b, 270, &h), UDPING_ERR_VERSION);
    assert_int_equal(h.version, 2);
    b[0] = 0;
    assert_int_equal(decode_guarded(b, 270, &h), UDPING_ERR_VERSION);
    b[0] = 1;
    b[36] = 'x'; /* the guid's NUL overwritten: check 5, ours */
    assert_int_equal(decode_guarded(b, 270, &h), UDPING_ERR_GUID);
    b[36] = 0;
    b[20] = 0; /* NUL inside the 20 characters */
    assert_int_equal(decode_guarded(b, 270, &h), UDPING_ERR_GUID);
    b[20] = '7';
    /* A 72-octet datagram that says 72 is whole. */
    b[64] = 72;
    b[65] = 0;
    assert_int_equal(decode_guarded(b, 72, &h), IPPM_OK);
}

/* Padding and payload are facts, never reasons to drop. */
static void test_udping_decode_reports_padding_and_payload(void **state)
{
    (void)state;
    static const size_t pads[] = {1, 7, 37, 39, 44, 47, 68, 71};
    uint8_t b[FRAME1_LEN];
    struct udping_hdr h;
    for (size_t i = 0; i < sizeof pads / sizeof pads[0]; i++) {
        frame1(b);
        b[pads[i]] = 0x5a;
        assert_int_equal(decode_guarded(b, sizeof b, &h), IPPM_OK);
        assert_true(h.pad_nonzero);
        assert_false(h.payload_nonzero);
    }
    frame1(b);
    b[FRAME1_LEN - 1] = 1;
    assert_int_equal(decode_guarded(b, sizeof b, &h), IPPM_OK);
    assert_false(h.pad_nonzero);
    assert_true(h.payload_nonzero);
}

/* Big values survive: seq 2^32 - 1, negative times (int64 LE). */
static void test_udping_round_trip_extremes(void **state)
{
    (void)state;
    uint8_t b[80];
    struct udping_hdr in = {.version = 1, .client_start = -1,
                            .guid = "ffffffffffffffffffff",
                            .seq = UINT32_MAX, .sent_sec = INT64_MIN,
                            .sent_nsec = 999999999, .size = 80}, out;
    assert_int_equal(udping_encode(b, sizeof b, &in), IPPM_OK);
    assert_int_equal(decode_guarded(b, sizeof b, &out), IPPM_OK);
    assert_true(out.client_start == -1);
    assert_true(out.seq == UINT32_MAX);
    assert_true(out.sent_sec == INT64_MIN);
    assert_true(out.sent_nsec == 999999999);
    assert_string_equal(out.guid, in.guid);
}

static void test_udping_restamp(void **state)
{
    (void)state;
    uint8_t b[FRAME1_LEN];
    frame1(b);
    udping_restamp(b, 1700000000123456789ull);
    struct udping_hdr h;
    assert_int_equal(decode_guarded(b, sizeof b, &h), IPPM_OK);
    assert_true(h.sent_sec == 1700000000);
    assert_true(h.sent_nsec == 123456789);
    assert_true(h.client_start == 0x6b06c9e0); /* untouched */
}

/* Notes §8: guid at 0, control 24, seq 28, timestampCount 32, sent 40,
 * size 56, 64 octets. */
static void test_udping_legacy_layout_and_round_trip(void **state)
{
    (void)state;
    uint8_t b[65];
    struct udping_legacy_hdr in = {.guid = "0123456789abcdef0123",
                                   .control = 0, .seq = 5, .ts_count = 1,
                                   .sent_sec = 0x01020304,
                                   .sent_nsec = 0x0a0b0c0d, .size = 65}, out;
    assert_int_equal(udping_legacy_encode(b, sizeof b, &in), IPPM_OK);
    assert_memory_equal(b, "0123456789abcdef0123", 21);
    assert_int_equal(b[28], 5);
    assert_int_equal(b[32], 1);
    assert_int_equal(b[40], 0x04);
    assert_int_equal(b[48], 0x0d);
    assert_int_equal(b[56], 65);
    for (size_t i = 21; i < 24; i++)
        assert_int_equal(b[i], 0);
    struct ippm_guard g;
    const uint8_t *p = ippm_guard_copy(&g, b, sizeof b);
    assert_int_equal(udping_legacy_decode(p, sizeof b, &out), IPPM_OK);
    assert_int_equal(out.seq, 5);
    assert_int_equal(out.ts_count, 1);
    assert_int_equal(out.size, 65);
    assert_true(out.sent_nsec == 0x0a0b0c0d);
    assert_false(out.pad_nonzero);
    for (size_t n = 0; n < 64; n++)
        assert_int_equal(udping_legacy_decode(p, n, &out), UDPING_ERR_SHORT);
    assert_int_equal(udping_legacy_decode(p, 64, &out), UDPING_ERR_SIZE);
    ippm_guard_free(&g);
    b[20] = 'x';
    b[60] = 1;
    p = ippm_guard_copy(&g, b, sizeof b);
    assert_int_equal(udping_legacy_decode(p, sizeof b, &out), UDPING_ERR_GUID);
    assert_true(out.pad_nonzero);
    ippm_guard_free(&g);
    /* A negative size field never equals a length. */
    b[20] = 0;
    b[56] = b[57] = b[58] = b[59] = 0xff;
    assert_int_equal(udping_legacy_decode(b, sizeof b, &out), UDPING_ERR_SIZE);
    in.size = 63;
    assert_int_equal(udping_legacy_encode(b, sizeof b, &in), IPPM_ERR_BAD_ARG);
    in.size = 65;
    assert_int_equal(udping_legacy_encode(b, 64, &in), IPPM_ERR_NOSPACE);
}

/* The layout tables tile their headers: no gap, no overlap. */
static void test_udping_layouts_tile(void **state)
{
    (void)state;
    unsigned off = 0;
    for (size_t i = 0; i < udping_layout_n; i++) {
        assert_int_equal(udping_layout[i].off, off);
        off += udping_layout[i].len;
    }
    assert_int_equal(off, UDPING_HDR_LEN);
    off = 0;
    for (size_t i = 0; i < udping_legacy_layout_n; i++) {
        assert_int_equal(udping_legacy_layout[i].off, off);
        off += udping_legacy_layout[i].len;
    }
    assert_int_equal(off, UDPING_LEGACY_HDR_LEN);
}

static void test_udping_err_str(void **state)
{
    (void)state;
    assert_string_equal(udping_err_str(UDPING_ERR_SHORT), "short");
    assert_string_equal(udping_err_str(UDPING_ERR_SIZE), "size");
    assert_string_equal(udping_err_str(UDPING_ERR_VERSION), "version");
    assert_string_equal(udping_err_str(UDPING_ERR_GUID), "guid");
    assert_string_equal(udping_err_str(UDPING_ERR_TABLE), "table");
    assert_string_equal(udping_err_str(IPPM_OK), ippm_err_str(IPPM_OK));
    assert_string_equal(udping_err_str(IPPM_ERR_PROTO_FIRST + 9),
                        ippm_err_str(IPPM_ERR_PROTO_FIRST + 9));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udping_decode_capture_first_frame),
        cmocka_unit_test(test_udping_encode_rebuilds_capture_first_frame),
        cmocka_unit_test(test_udping_encode_rejects_bad_args),
        cmocka_unit_test(test_udping_decode_rejects_every_short_length),
        cmocka_unit_test(test_udping_decode_checks_in_the_originals_order),
        cmocka_unit_test(test_udping_decode_reports_padding_and_payload),
        cmocka_unit_test(test_udping_round_trip_extremes),
        cmocka_unit_test(test_udping_restamp),
        cmocka_unit_test(test_udping_legacy_layout_and_round_trip),
        cmocka_unit_test(test_udping_layouts_tile),
        cmocka_unit_test(test_udping_err_str),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
