/* Unit tests of ippm_err.c, with the two other small helpers of
 * proto/common: ippm_ct_equal (ippm_crypto.c) and ippm_addr_equal
 * (ippm_addr.c). */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ippm_addr.h"
#include "ippm_crypto.h"
#include "ippm_err.h"

static void test_ippm_err_str_text(void **state)
{
    (void)state;
    assert_string_equal(ippm_err_str(IPPM_OK), "ok");
    assert_string_equal(ippm_err_str(IPPM_ERR_SHORT),
                        "packet shorter than its format");
    assert_string_equal(ippm_err_str(IPPM_ERR_HMAC), "HMAC does not match");
    assert_string_equal(ippm_err_str(IPPM_ERR_DONE), "session finished");
}

static void test_ippm_err_name_is_enumerator(void **state)
{
    (void)state;
    assert_string_equal(ippm_err_name(IPPM_OK), "IPPM_OK");
    assert_string_equal(ippm_err_name(IPPM_ERR_SHORT), "IPPM_ERR_SHORT");
    assert_string_equal(ippm_err_name(IPPM_ERR_NOSPACE), "IPPM_ERR_NOSPACE");
    assert_string_equal(ippm_err_name(IPPM_ERR_DONE), "IPPM_ERR_DONE");
}

/* Every enumerator, from the X-macros themselves. */
#define NAME_(name, fatal, text) {name, #name, fatal, text},
static const struct {
    enum ippm_err e;
    const char *name;
    bool fatal;
    const char *text;
} ALL[] = {IPPM_ERRORS(NAME_) IPPM_ERRORS_TAIL(NAME_)};
#undef NAME_

static void test_ippm_err_every_value_matches_table(void **state)
{
    (void)state;
    size_t n = sizeof ALL / sizeof ALL[0];
    assert_int_equal(n + (IPPM_ERR_PROTO_LAST - IPPM_ERR_PROTO_FIRST + 1),
                     IPPM_ERR_COUNT_);
    for (size_t i = 0; i < n; i++) {
        assert_false(ippm_err_is_proto(ALL[i].e));
        assert_string_equal(ippm_err_name(ALL[i].e), ALL[i].name);
        assert_string_equal(ippm_err_str(ALL[i].e), ALL[i].text);
        assert_int_equal(ippm_err_is_fatal(ALL[i].e), ALL[i].fatal);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(ippm_err_str(ALL[i].e),
                                    ippm_err_str(ALL[j].e));
    }
}

/* Reports, metrics labels and SNMP indexes count by value: the values
 * that existed before the protocol range was carved out never move. */
static void test_ippm_err_values_are_stable(void **state)
{
    (void)state;
    assert_int_equal(IPPM_OK, 0);
    assert_int_equal(IPPM_ERR_SHORT, 1);
    assert_int_equal(IPPM_ERR_HMAC, 4);
    assert_int_equal(IPPM_ERR_BAD_ARG, 8);
    assert_int_equal(IPPM_ERR_DUPLICATE, 12);
    assert_int_equal(IPPM_ERR_DONE, 14);
    assert_int_equal(IPPM_ERR_PROTO_FIRST, 15);
    assert_int_equal(IPPM_ERR_PROTO_LAST, 30);
    assert_int_equal(IPPM_ERR_AGAIN, 31);
}

/* A protocol's own codes read as protocol-specific, never as another
 * protocol's; the stream codes say what they are. */
static void test_ippm_err_proto_range_and_stream_codes(void **state)
{
    (void)state;
    for (int e = IPPM_ERR_PROTO_FIRST; e <= IPPM_ERR_PROTO_LAST; e++) {
        assert_true(ippm_err_is_proto((enum ippm_err)e));
        assert_string_equal(ippm_err_name((enum ippm_err)e), "IPPM_ERR_PROTO");
        assert_string_equal(ippm_err_str((enum ippm_err)e),
                            "protocol-specific reason");
        assert_false(ippm_err_is_fatal((enum ippm_err)e));
    }
    assert_false(ippm_err_is_proto(IPPM_ERR_DONE));
    assert_false(ippm_err_is_proto(IPPM_ERR_AGAIN));
    assert_false(ippm_err_is_fatal(IPPM_ERR_AGAIN));
    assert_true(ippm_err_is_fatal(IPPM_ERR_PEER_CLOSED));
    assert_true(ippm_err_is_fatal(IPPM_ERR_REFUSED));
    assert_true(ippm_err_is_fatal(IPPM_ERR_TIMEOUT));
    assert_string_equal(ippm_err_name(IPPM_ERR_AGAIN), "IPPM_ERR_AGAIN");
    assert_string_equal(ippm_err_str(IPPM_ERR_AGAIN), "need more bytes");
}

static void test_ippm_err_is_fatal(void **state)
{
    (void)state;
    assert_true(ippm_err_is_fatal(IPPM_ERR_CRYPTO));
    assert_true(ippm_err_is_fatal(IPPM_ERR_STATE));
    assert_false(ippm_err_is_fatal(IPPM_OK));
    assert_false(ippm_err_is_fatal(IPPM_ERR_SHORT));
    assert_false(ippm_err_is_fatal(IPPM_ERR_HMAC));
}

static void test_ippm_err_out_of_range_never_null(void **state)
{
    (void)state;
    assert_non_null(ippm_err_str(IPPM_ERR_COUNT_));
    assert_non_null(ippm_err_str((enum ippm_err)1000));
    assert_non_null(ippm_err_str((enum ippm_err)-1));
    assert_non_null(ippm_err_name(IPPM_ERR_COUNT_));
    assert_non_null(ippm_err_name((enum ippm_err)1000));
    (void)ippm_err_is_fatal((enum ippm_err)1000);
}

static void test_ippm_ct_equal(void **state)
{
    (void)state;
    uint8_t a[16], b[16];
    for (int i = 0; i < 16; i++)
        a[i] = b[i] = (uint8_t)(i * 29 + 1);
    struct ippm_guard ga, gb;
    uint8_t *pa = ippm_guard_copy(&ga, a, 16);
    uint8_t *pb = ippm_guard_copy(&gb, b, 16);
    assert_int_equal(ippm_ct_equal(pa, pb, 16), 1);
    assert_int_equal(ippm_ct_equal(pa, pb, 0), 1);
    for (int i = 0; i < 16; i++)
        for (int bit = 0; bit < 8; bit++) {
            pb[i] ^= (uint8_t)(1u << bit);
            assert_int_equal(ippm_ct_equal(pa, pb, 16), 0);
            pb[i] ^= (uint8_t)(1u << bit);
        }
    assert_int_equal(ippm_ct_equal(pa, pb, 16), 1);
    ippm_guard_free(&ga);
    ippm_guard_free(&gb);
}

static void test_ippm_addr_equal(void **state)
{
    (void)state;
    struct ippm_addr a, b;
    memset(&a, 0, sizeof a);
    a.family = IPPM_AF_INET;
    a.ip[0] = 192, a.ip[1] = 0, a.ip[2] = 2, a.ip[3] = 1;
    a.port = 862;
    b = a;
    assert_true(ippm_addr_equal(&a, &b));
    b.port = 863;
    assert_false(ippm_addr_equal(&a, &b));
    b = a;
    b.ip[3] = 2;
    assert_false(ippm_addr_equal(&a, &b));
    b = a;
    b.family = IPPM_AF_INET6;
    assert_false(ippm_addr_equal(&a, &b));

    struct ippm_addr c, d;
    memset(&c, 0, sizeof c);
    c.family = IPPM_AF_INET6;
    c.ip[0] = 0x20, c.ip[1] = 0x01, c.ip[2] = 0x0d, c.ip[3] = 0xb8;
    c.ip[15] = 1;
    c.port = 40000;
    d = c;
    assert_true(ippm_addr_equal(&c, &d));
    d.ip[15] = 2;
    assert_false(ippm_addr_equal(&c, &d));
}

/* RFC 4007 §11: fe80::1%2 and fe80::1%3 are two addresses on two links. */
static void test_ippm_addr_zone_separates(void **state)
{
    (void)state;
    struct ippm_addr a, b;
    memset(&a, 0, sizeof a);
    a.family = IPPM_AF_INET6;
    a.ip[0] = 0xfe, a.ip[1] = 0x80, a.ip[15] = 1;
    a.port = 862;
    a.scope_id = 2;
    b = a;
    assert_true(ippm_addr_equal(&a, &b));
    b.scope_id = 3;
    assert_false(ippm_addr_equal(&a, &b));
    uint8_t ka[IPPM_ADDR_KEY_LEN], kb[IPPM_ADDR_KEY_LEN];
    assert_int_equal(ippm_addr_key(ka, &a), IPPM_ADDR_KEY_LEN);
    ippm_addr_key(kb, &b);
    assert_memory_not_equal(ka, kb, IPPM_ADDR_KEY_LEN);
    /* Per-source limits: the zone counts, and so does the whole
     * link-local address (every host on a link shares fe80::/64). */
    ippm_addr_source_key(ka, &a);
    ippm_addr_source_key(kb, &b);
    assert_memory_not_equal(ka, kb, IPPM_ADDR_SOURCE_KEY_LEN);
    b.scope_id = 2;
    b.ip[15] = 2;
    ippm_addr_source_key(kb, &b);
    assert_memory_not_equal(ka, kb, IPPM_ADDR_SOURCE_KEY_LEN);
    /* A global address keeps its /64. */
    a.ip[0] = 0x20, a.ip[1] = 0x01, a.scope_id = 0;
    b = a;
    b.ip[15] = 2;
    ippm_addr_source_key(ka, &a);
    ippm_addr_source_key(kb, &b);
    assert_memory_equal(ka, kb, IPPM_ADDR_SOURCE_KEY_LEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_err_str_text),
        cmocka_unit_test(test_ippm_err_name_is_enumerator),
        cmocka_unit_test(test_ippm_err_every_value_matches_table),
        cmocka_unit_test(test_ippm_err_values_are_stable),
        cmocka_unit_test(test_ippm_err_proto_range_and_stream_codes),
        cmocka_unit_test(test_ippm_err_is_fatal),
        cmocka_unit_test(test_ippm_err_out_of_range_never_null),
        cmocka_unit_test(test_ippm_ct_equal),
        cmocka_unit_test(test_ippm_addr_equal),
        cmocka_unit_test(test_ippm_addr_zone_separates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
