/* keyfile.c: one line, trailing LF or CRLF stripped, limits enforced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "keyfile.h"

static char path[] = "/tmp/ippm-keyfile-test-XXXXXX";

static void put(const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static void test_ippm_keyfile_read_strips_lf_and_crlf(void **state)
{
    (void)state;
    uint8_t key[IPPM_KEY_MAX];
    size_t len = 0;
    put("secret\n", 7);
    assert_int_equal(ippm_keyfile_read("--k", path, key, &len), 0);
    assert_int_equal(len, 6);
    assert_memory_equal(key, "secret", 6);
    put("secret\r\n", 8);
    assert_int_equal(ippm_keyfile_read("--k", path, key, &len), 0);
    assert_int_equal(len, 6);
    put("secret", 6);
    assert_int_equal(ippm_keyfile_read("--k", path, key, &len), 0);
    assert_int_equal(len, 6);
}

static void test_ippm_keyfile_read_rejects_empty_and_missing(void **state)
{
    (void)state;
    uint8_t key[IPPM_KEY_MAX];
    size_t len = 0;
    put("\n", 1);
    assert_int_equal(ippm_keyfile_read("--k", path, key, &len), -1);
    assert_int_equal(ippm_keyfile_read("--k", "/nonexistent/k", key, &len), -1);
}

static void test_ippm_keyfile_read_limit_is_1024_octets(void **state)
{
    (void)state;
    static uint8_t big[IPPM_KEY_MAX + 2];
    uint8_t key[IPPM_KEY_MAX];
    size_t len = 0;
    memset(big, 'k', sizeof(big));
    big[IPPM_KEY_MAX] = '\n';
    put(big, IPPM_KEY_MAX + 1);
    assert_int_equal(ippm_keyfile_read("--k", path, key, &len), 0);
    assert_int_equal(len, IPPM_KEY_MAX);
    memset(big, 'k', sizeof(big));
    put(big, IPPM_KEY_MAX + 1);
    assert_int_equal(ippm_keyfile_read("--k", path, key, &len), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_keyfile_read_strips_lf_and_crlf),
        cmocka_unit_test(test_ippm_keyfile_read_rejects_empty_and_missing),
        cmocka_unit_test(test_ippm_keyfile_read_limit_is_1024_octets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
