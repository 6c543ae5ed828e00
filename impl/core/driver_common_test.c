/* driver_common.c: which key a driver ends up with, and that teardown
 * wipes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "impl/commands.h"
#include "impl/core/driver_common.h"

static char path[] = "/tmp/ippm-driver-common-test-XXXXXX";

static int setup(void **state)
{
    (void)state;
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    if (write(fd, "tlvkey\n", 7) != 7) {
        close(fd);
        return -1;
    }
    close(fd);
    chmod(path, 0600);
    unsetenv(IPPM_AUTH_KEY_ENV);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static void test_ippm_driver_key_load_open_mode_has_no_key(void **state)
{
    (void)state;
    struct ippm_driver_key k = {0};
    assert_int_equal(ippm_driver_key_load(&k, "t", NULL, NULL), -1);
    assert_false(k.auth);
    assert_false(k.have_crypto);
    assert_int_equal(k.len, 0);
    ippm_driver_key_free(&k);
}

static void test_ippm_driver_key_load_auth_key_is_auth(void **state)
{
    (void)state;
    struct ippm_driver_key k = {0};
    assert_int_equal(ippm_driver_key_load(&k, "t", path, NULL), -1);
    assert_true(k.auth);
    assert_true(k.have_crypto);
    assert_int_equal(k.len, 6);
    assert_memory_equal(k.bytes, "tlvkey", 6);
    ippm_driver_key_free(&k);
    assert_false(k.have_crypto);
    assert_int_equal(k.len, 0);
    static const uint8_t zero[6];
    assert_memory_equal(k.bytes, zero, sizeof zero);
}

static void test_ippm_driver_key_load_hmac_tlv_key_is_not_auth(void **state)
{
    (void)state;
    struct ippm_driver_key k = {0};
    assert_int_equal(ippm_driver_key_load(&k, "t", NULL, path), -1);
    assert_false(k.auth);
    assert_true(k.have_crypto);
    assert_int_equal(k.len, 6);
    ippm_driver_key_free(&k);
}

static void test_ippm_driver_key_load_missing_file_is_usage(void **state)
{
    (void)state;
    struct ippm_driver_key k = {0};
    assert_int_equal(ippm_driver_key_load(&k, "t", "/nonexistent/k", NULL),
                     IPPM_EXIT_USAGE);
    assert_int_equal(ippm_driver_key_load(&k, "t", NULL, "/nonexistent/k"),
                     IPPM_EXIT_USAGE);
    assert_false(k.have_crypto);
    ippm_driver_key_free(&k);
}

static void test_ippm_driver_io_free_is_safe_twice(void **state)
{
    (void)state;
    struct ippm_sock s = {.fd = -1};
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
    assert_int_equal(ippm_driver_batches_init(&rx, &tx, 2, 100, "t"), -1);
    assert_int_equal(rx.cap, IPPM_NET_BATCH);
    assert_int_equal(tx.cap, 2);
    assert_int_equal(tx.buf_size, 100);
    ippm_driver_io_free(&s, &rx, &tx);
    assert_null(rx.bufs);
    assert_null(tx.bufs);
    ippm_driver_io_free(&s, &rx, &tx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_driver_key_load_open_mode_has_no_key),
        cmocka_unit_test(test_ippm_driver_key_load_auth_key_is_auth),
        cmocka_unit_test(test_ippm_driver_key_load_hmac_tlv_key_is_not_auth),
        cmocka_unit_test(test_ippm_driver_key_load_missing_file_is_usage),
        cmocka_unit_test(test_ippm_driver_io_free_is_safe_twice),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
