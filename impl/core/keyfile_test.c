/* keyfile.c: one line, trailing LF or CRLF stripped, limits enforced. */
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

/* Reads path with stderr in a file; returns what was printed there. */
static const char *read_capturing_stderr(uint8_t *key, size_t *len, int *rc)
{
    static char said[512];
    FILE *cap = tmpfile();
    assert_non_null(cap);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(cap), STDERR_FILENO) >= 0);
    *rc = ippm_keyfile_read("--k", path, key, len);
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    rewind(cap);
    size_t n = fread(said, 1, sizeof said - 1, cap);
    said[n] = '\0';
    fclose(cap);
    return said;
}

/* issue 11: the corpus's key warned on every run; a real key still does. */
static void test_ippm_keyfile_read_warns_for_a_shared_key(void **state)
{
    (void)state;
    uint8_t key[IPPM_KEY_MAX];
    size_t len = 0;
    int rc;
    put("secret\n", 7);
    assert_int_equal(chmod(path, 0644), 0);
    assert_non_null(strstr(read_capturing_stderr(key, &len, &rc),
                           "readable by group or others"));
    assert_int_equal(rc, 0);
    assert_int_equal(chmod(path, 0600), 0);
    assert_string_equal(read_capturing_stderr(key, &len, &rc), "");
}

static void test_ippm_keyfile_read_fixture_line_is_no_key_and_no_warning(
    void **state)
{
    (void)state;
    uint8_t key[IPPM_KEY_MAX];
    size_t len = 0;
    int rc;
    static const char lf[] = IPPM_KEY_FIXTURE_LINE "\npublished\n";
    static const char crlf[] = IPPM_KEY_FIXTURE_LINE "\r\npublished\r\n";
    put(lf, sizeof lf - 1);
    assert_int_equal(chmod(path, 0644), 0);
    assert_string_equal(read_capturing_stderr(key, &len, &rc), "");
    assert_int_equal(rc, 0);
    assert_int_equal(len, 9);
    assert_memory_equal(key, "published", 9);
    put(crlf, sizeof crlf - 1);
    assert_string_equal(read_capturing_stderr(key, &len, &rc), "");
    assert_int_equal(len, 9);
    /* Not the whole line: an ordinary key, warned about. */
    put("# ippm test fixture\nx\n", 22);
    assert_non_null(strstr(read_capturing_stderr(key, &len, &rc),
                           "readable by group or others"));
    /* The line alone leaves no key. */
    put(IPPM_KEY_FIXTURE_LINE "\n", sizeof IPPM_KEY_FIXTURE_LINE);
    read_capturing_stderr(key, &len, &rc);
    assert_int_equal(rc, -1);
}

/* ---- keys files ---- */

/* put() for a keys file: its secrets only its owner's to read. */
static void put_private(const char *text)
{
    put(text, strlen(text));
    assert_int_equal(chmod(path, 0600), 0);
}

static void test_ippm_keys_read_pfstore_lines(void **state)
{
    (void)state;
    /* What pfstore writes for ippmtest / testpass, with comments. */
    static const char text[] = "# owampd.pfs\n"
                               "  # indented comment\n"
                               "\n"
                               "ippmtest 7465737470617373\n"
                               "other\tAABB\r\n";
    put_private(text);
    struct ippm_keys k;
    assert_int_equal(ippm_keys_read("--keys", path, &k), 0);
    assert_int_equal(k.n, 2);
    uint8_t wire[80] = "ippmtest"; /* the KeyID field, zero padded */
    const struct ippm_keys_entry *e = ippm_keys_find(&k, wire, sizeof(wire));
    assert_non_null(e);
    assert_int_equal(e->len, 8);
    assert_memory_equal(e->secret, "testpass", 8);
    e = ippm_keys_find(&k, (const uint8_t *)"other", 5);
    assert_non_null(e);
    assert_int_equal(e->len, 2);
    assert_memory_equal(e->secret, "\xaa\xbb", 2);
    assert_null(ippm_keys_find(&k, (const uint8_t *)"ippm", 4));
    ippm_keys_free(&k);
    assert_int_equal(k.n, 0);
}

static void test_ippm_keys_read_refuses_bad_lines(void **state)
{
    (void)state;
    struct ippm_keys k;
    static const char *const bad[] = {
        "ippmtest\n",                     /* no secret */
        "ippmtest 746\n",                 /* odd hex */
        "ippmtest 74zz\n",                /* not hex */
        "ippmtest 7465 extra\n",          /* more on the line */
        "a 00\na 01\n",                   /* the same KeyID twice */
        "# only comments\n",              /* no key */
        "0123456789012345678901234567890123456789"
        "01234567890123456789012345678901234567891 00\n", /* 81 octets */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        put_private(bad[i]);
        assert_int_equal(ippm_keys_read("--keys", path, &k), -1);
        assert_null(k.e);
    }
}

/* A server's secrets others can read are refused, not warned about;
 * a published fixture says what it is and passes. */
static void test_ippm_keys_read_refuses_readable_by_others(void **state)
{
    (void)state;
    struct ippm_keys k;
    put_private("ippmtest 7465737470617373\n");
    assert_int_equal(ippm_keys_read("--keys", path, &k), 0);
    ippm_keys_free(&k);
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(ippm_keys_read("--keys", path, &k), -1);
    assert_int_equal(chmod(path, 0604), 0);
    assert_int_equal(ippm_keys_read("--keys", path, &k), -1);
    static const char fixture[] = IPPM_KEY_FIXTURE_LINE "\n"
                                  "ippmtest 7465737470617373\n";
    put(fixture, sizeof(fixture) - 1);
    assert_int_equal(ippm_keys_read("--keys", path, &k), 0);
    assert_int_equal(k.n, 1);
    ippm_keys_free(&k);
    assert_int_equal(chmod(path, 0600), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_keyfile_read_strips_lf_and_crlf),
        cmocka_unit_test(test_ippm_keyfile_read_rejects_empty_and_missing),
        cmocka_unit_test(test_ippm_keyfile_read_limit_is_1024_octets),
        cmocka_unit_test(test_ippm_keyfile_read_warns_for_a_shared_key),
        cmocka_unit_test(
            test_ippm_keyfile_read_fixture_line_is_no_key_and_no_warning),
        cmocka_unit_test(test_ippm_keys_read_pfstore_lines),
        cmocka_unit_test(test_ippm_keys_read_refuses_bad_lines),
        cmocka_unit_test(test_ippm_keys_read_refuses_readable_by_others),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
