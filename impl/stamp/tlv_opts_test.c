/* tlv_opts.c: stamp_tlv_opts_json_full, what `ippm pcap dump` prints of a
 * TLV block: every field whatever the flags, hex for what has none, and
 * the failures of a walk as facts. Blocks are built with proto's
 * encoders, or by hand where an encoder refuses the fault. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "proto/stamp/stamp.h"
#include "impl/stamp/tlv_opts.h"

static json_int_t int_of(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static const char *str_of(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

/* A reflector's answers: each type by its fields, the C flag kept. */
static void test_full_decodes_each_type_by_its_fields(void **state)
{
    (void)state;
    uint8_t b[256];
    size_t off = 0;
    uint8_t dm[12] = {0, 0, 0, 7, 0, 0, 0, 9, 0, 0, 0, 10};
    uint8_t cos[4] = {0xb8, 0xa9, 0, 0}; /* DSCP1 46, DSCP2 10, ECN 2, RP 1 */
    uint8_t ms[4] = {0, 17, 0, 23};
    assert_int_equal(stamp_tlv_put(b, sizeof b, &off, 0, STAMP_TLV_DIRECT,
                                   dm, sizeof dm), IPPM_OK);
    assert_int_equal(stamp_tlv_put(b, sizeof b, &off, STAMP_TLV_C,
                                   STAMP_TLV_COS, cos, sizeof cos), IPPM_OK);
    assert_int_equal(stamp_tlv_put(b, sizeof b, &off, 0,
                                   STAMP_TLV_MICRO_SESSION, ms, sizeof ms),
                     IPPM_OK);
    json_t *a = stamp_tlv_opts_json_full(b, off, IPPM_TS_NTP);
    assert_int_equal(json_array_size(a), 3);
    json_t *t = json_array_get(a, 0);
    assert_int_equal(int_of(t, "off"), 0);
    assert_int_equal(int_of(t, "type"), STAMP_TLV_DIRECT);
    assert_string_equal(str_of(t, "name"), "dm");
    assert_int_equal(int_of(t, "length"), 12);
    assert_int_equal(int_of(t, "s_tx"), 7);
    assert_int_equal(int_of(t, "r_rx"), 9);
    assert_int_equal(int_of(t, "r_tx"), 10);
    t = json_array_get(a, 1);
    assert_int_equal(int_of(t, "off"), 16);
    assert_string_equal(str_of(t, "flags"), "C");
    assert_int_equal(int_of(t, "dscp1"), 46);
    assert_int_equal(int_of(t, "dscp2"), 10);
    assert_int_equal(int_of(t, "ecn"), 2);
    assert_int_equal(int_of(t, "rp"), 1);
    assert_true(json_is_false(json_object_get(t, "reserved_nonzero")));
    t = json_array_get(a, 2);
    assert_int_equal(int_of(t, "sid"), 17);
    assert_int_equal(int_of(t, "rid"), 23);
    json_decref(a);
}

/* A sender's TLV (U set) is still decoded; the sender's own reading of a
 * reply (stamp_tlv_opts_json) keeps leaving its value out. */
static void test_full_decodes_whatever_the_flags(void **state)
{
    (void)state;
    uint8_t b[64];
    size_t off = 0;
    assert_int_equal(stamp_tlv_put_micro_session(b, sizeof b, &off, 5, 6),
                     IPPM_OK);
    b[0] |= 0x01; /* a reserved flag bit */
    json_t *a = stamp_tlv_opts_json_full(b, off, IPPM_TS_NTP);
    json_t *t = json_array_get(a, 0);
    assert_string_equal(str_of(t, "flags"), "U");
    assert_int_equal(int_of(t, "flags_raw"), STAMP_TLV_U | 0x01);
    assert_int_equal(int_of(t, "sid"), 5);
    assert_int_equal(int_of(t, "rid"), 6);
    json_decref(a);
    a = stamp_tlv_opts_json(b, off, IPPM_TS_NTP);
    assert_null(json_object_get(json_array_get(a, 0), "sid"));
    json_decref(a);
}

/* Sub-TLVs of a Return Path, RFC 9503 §4.1, each with its fields, or
 * with an error when its Length is not one the type allows. */
static void test_full_lists_return_path_sub_tlvs(void **state)
{
    (void)state;
    /* The encoder puts one kind of sub-TLV per TLV: two by hand. */
    static const uint8_t control[4] = {0, 0, 0, 1};
    static const uint8_t lse[8] = {0x03, 0xe8, 0x01, 0x40,
                                   0x03, 0xe8, 0x11, 0x40};
    uint8_t v[48], b[64];
    size_t vlen = 0, off = 0;
    assert_int_equal(stamp_tlv_put(v, sizeof v, &vlen, 0, STAMP_RP_CONTROL,
                                   control, sizeof control), IPPM_OK);
    assert_int_equal(stamp_tlv_put(v, sizeof v, &vlen, 0, STAMP_RP_MPLS, lse,
                                   sizeof lse), IPPM_OK);
    /* RFC 9503 §4.1.3.1: a multiple of 4 octets; this one is not */
    assert_int_equal(stamp_tlv_put(v, sizeof v, &vlen, 0, STAMP_RP_MPLS, lse,
                                   6), IPPM_OK);
    assert_int_equal(stamp_tlv_put(b, sizeof b, &off, 0,
                                   STAMP_TLV_RETURN_PATH, v, vlen), IPPM_OK);
    json_t *a = stamp_tlv_opts_json_full(b, off, IPPM_TS_NTP);
    json_t *sub = json_object_get(json_array_get(a, 0), "sub");
    json_t *t;
    assert_int_equal(json_array_size(sub), 3);
    assert_string_equal(str_of(json_array_get(sub, 0), "name"), "control");
    assert_int_equal(int_of(json_array_get(sub, 0), "control_code"), 1);
    json_t *l = json_object_get(json_array_get(sub, 1), "lse");
    assert_int_equal(json_array_size(l), 2);
    assert_int_equal(json_integer_value(json_array_get(l, 1)), 0x03e81140);
    t = json_array_get(sub, 2);
    assert_string_equal(str_of(t, "error"), "IPPM_ERR_BAD_VALUE");
    assert_null(json_object_get(t, "lse"));
    assert_string_equal(str_of(t, "hex"), "03e8014003e8");
    json_decref(a);
}

/* An unknown type is type, flags, Length and hex; a Length the type
 * forbids is an error beside the octets; a TLV that runs past the end
 * ends the list with where it starts and what is left. */
static void test_full_keeps_what_it_cannot_read(void **state)
{
    (void)state;
    static const uint8_t b[] = {
        0x80, 99, 0, 3, 1, 2, 3,     /* unknown type 99 */
        0x00, STAMP_TLV_COS, 0, 2, 0xaa, 0xbb, /* CoS of 2 octets */
        0x00, STAMP_TLV_DIRECT, 0, 12, 0xcc}; /* 12 announced, 1 there */
    json_t *a = stamp_tlv_opts_json_full(b, sizeof b, IPPM_TS_NTP);
    assert_int_equal(json_array_size(a), 3);
    json_t *t = json_array_get(a, 0);
    assert_int_equal(int_of(t, "type"), 99);
    assert_null(json_object_get(t, "name"));
    assert_string_equal(str_of(t, "flags"), "U");
    assert_int_equal(int_of(t, "length"), 3);
    assert_string_equal(str_of(t, "hex"), "010203");
    t = json_array_get(a, 1);
    assert_string_equal(str_of(t, "error"), "IPPM_ERR_BAD_VALUE");
    assert_string_equal(str_of(t, "hex"), "aabb");
    assert_null(json_object_get(t, "dscp1"));
    t = json_array_get(a, 2);
    assert_int_equal(int_of(t, "off"), 13);
    assert_string_equal(str_of(t, "error"), "IPPM_ERR_TOO_LONG");
    assert_string_equal(str_of(t, "hex"), "0005000ccc");
    json_decref(a);
}

/* Whatever the octets, an array comes back and serialises: blocks of
 * random octets with small Lengths, so that walks go deep (run under
 * IPPM_SANITIZE to see the reads). */
static void test_full_survives_random_blocks(void **state)
{
    (void)state;
    uint32_t x = 2463534242u;
    uint8_t b[96];
    for (int n = 0; n < 20000; n++) {
        size_t len = 0;
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        size_t want = x % sizeof b;
        while (len < want) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            b[len] = (uint8_t)(len % 4 == 2 ? 0 : x);
            if (len % 4 == 3)
                b[len] %= 24;
            len++;
        }
        json_t *a = stamp_tlv_opts_json_full(b, len, IPPM_TS_NTP);
        assert_true(json_is_array(a));
        char *s = json_dumps(a, JSON_COMPACT);
        assert_non_null(s);
        free(s);
        json_decref(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_decodes_each_type_by_its_fields),
        cmocka_unit_test(test_full_decodes_whatever_the_flags),
        cmocka_unit_test(test_full_lists_return_path_sub_tlvs),
        cmocka_unit_test(test_full_keeps_what_it_cannot_read),
        cmocka_unit_test(test_full_survives_random_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
