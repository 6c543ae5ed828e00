/* atomic_file.c: a result file appears whole, with the usual mode, or
 * not at all, and no temporary is left behind. */
#include <dirent.h>
#include <errno.h>
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

#include "impl/core/atomic_file.h"

static char dir[] = "/tmp/ippm-atomic-test-XXXXXX";
static char target[sizeof dir + 16];

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(target, sizeof target, "%s/out", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(target);
    return rmdir(dir);
}

/* Entries in dir, "." and ".." aside. */
static int entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void slurp(char *buf, size_t cap)
{
    FILE *f = fopen(target, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static int fill_hello(FILE *f, void *arg)
{
    return fputs(arg, f) < 0 ? -1 : 0;
}

static int fill_fails(FILE *f, void *arg)
{
    fputs(arg, f);
    return -1;
}

static void test_ippm_atomic_write_replaces_whole_file_0644(void **state)
{
    (void)state;
    char buf[64];
    struct stat st;
    assert_int_equal(ippm_atomic_write(target, fill_hello, "old\n"), 0);
    assert_int_equal(ippm_atomic_write(target, fill_hello, "new\n"), 0);
    slurp(buf, sizeof buf);
    assert_string_equal(buf, "new\n");
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(entries(), 1);
}

static void test_ippm_atomic_write_failed_fill_keeps_target(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(ippm_atomic_write(target, fill_hello, "kept\n"), 0);
    assert_int_equal(ippm_atomic_write(target, fill_fails, "half"), -1);
    slurp(buf, sizeof buf);
    assert_string_equal(buf, "kept\n");
    assert_int_equal(entries(), 1);
}

static void test_ippm_atomic_open_streams_until_commit(void **state)
{
    (void)state;
    char buf[64];
    struct ippm_atomic_file a;
    unlink(target);
    FILE *f = ippm_atomic_open(&a, target);
    assert_non_null(f);
    fputs("line 1\n", f);
    fflush(f);
    assert_int_equal(access(target, F_OK), -1); /* not there yet */
    fputs("line 2\n", f);
    assert_int_equal(ippm_atomic_commit(&a, true), 0);
    assert_null(a.f);
    slurp(buf, sizeof buf);
    assert_string_equal(buf, "line 1\nline 2\n");
    assert_int_equal(entries(), 1);
}

static void test_ippm_atomic_commit_not_ok_and_discard_keep_target(void **state)
{
    (void)state;
    char buf[64];
    struct ippm_atomic_file a;
    assert_int_equal(ippm_atomic_write(target, fill_hello, "kept\n"), 0);
    assert_non_null(ippm_atomic_open(&a, target));
    fputs("lost\n", a.f);
    assert_int_equal(ippm_atomic_commit(&a, false), -1);
    assert_non_null(ippm_atomic_open(&a, target));
    fputs("lost\n", a.f);
    ippm_atomic_discard(&a);
    ippm_atomic_discard(&a);
    slurp(buf, sizeof buf);
    assert_string_equal(buf, "kept\n");
    assert_int_equal(entries(), 1);
}

static void test_ippm_atomic_open_fails_in_missing_dir(void **state)
{
    (void)state;
    struct ippm_atomic_file a;
    assert_null(ippm_atomic_open(&a, "/nonexistent-ippm-dir/out"));
    assert_null(a.f);
    assert_null(a.tmp);
}

static void test_ippm_atomic_probe_leaves_nothing_behind(void **state)
{
    (void)state;
    int before = entries(); /* the target the tests above left, if any */
    assert_int_equal(ippm_atomic_probe(target), 0);
    assert_int_equal(entries(), before); /* no temporary left behind */
}

static void test_ippm_atomic_probe_refuses_missing_dir_and_dir(void **state)
{
    (void)state;
    assert_int_equal(ippm_atomic_probe("/nonexistent-ippm-dir/out"), -1);
    assert_int_equal(errno, ENOENT);
    /* rename() over a directory would only fail at the end of a run. */
    assert_int_equal(ippm_atomic_probe(dir), -1);
    assert_int_equal(errno, EISDIR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_atomic_write_replaces_whole_file_0644),
        cmocka_unit_test(test_ippm_atomic_write_failed_fill_keeps_target),
        cmocka_unit_test(test_ippm_atomic_open_streams_until_commit),
        cmocka_unit_test(
            test_ippm_atomic_commit_not_ok_and_discard_keep_target),
        cmocka_unit_test(test_ippm_atomic_open_fails_in_missing_dir),
        cmocka_unit_test(test_ippm_atomic_probe_leaves_nothing_behind),
        cmocka_unit_test(test_ippm_atomic_probe_refuses_missing_dir_and_dir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
