/* rmbt_server_opts.c: the secrets of -s and -f in the order they are
 * tried, with their labels (notes rmbt-udp-ping §5, v2.2), and v1's
 * --cpus list sorted, deduplicated and cut to the CPUs present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "impl/rmbt/rmbt_server.h"

static char path[] = "/tmp/ippm-rmbt-secrets-XXXXXX";

static void put(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    strcpy(path, "/tmp/ippm-rmbt-secrets-XXXXXX");
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

static void assert_secret(const struct rmbt_secrets *s, size_t i,
                          const char *key, const char *label)
{
    assert_true(i < s->n);
    assert_int_equal(s->s[i].len, strlen(key));
    assert_memory_equal(s->s[i].key, key, strlen(key));
    assert_string_equal(s->s[i].label, label);
}

static void test_rmbt_secrets_cli_first_then_file_in_order(void **state)
{
    (void)state;
    static struct rmbt_secrets s;
    memset(&s, 0, sizeof s);
    put("# comment\n\n  alpha  ops\nbeta\n\t# indented comment\r\n"
        "gamma   lab 2  \r\n");
    assert_int_equal(rmbt_secrets_add(&s, "--secret", " topsecret\n", 11,
                                      NULL),
                     0);
    assert_int_equal(rmbt_secrets_load(&s, "--secret-file", path), 0);
    assert_int_equal(s.n, 4);
    assert_secret(&s, 0, "topsecret", "secret_1");
    assert_secret(&s, 1, "alpha", "ops");
    assert_secret(&s, 2, "beta", "secret_3");
    assert_secret(&s, 3, "gamma", "lab 2");
    rmbt_secrets_wipe(&s);
    assert_int_equal(s.n, 0);
}

static void test_rmbt_secrets_refuses_empty(void **state)
{
    (void)state;
    static struct rmbt_secrets s;
    memset(&s, 0, sizeof s);
    assert_int_equal(rmbt_secrets_add(&s, "--secret", "", 0, NULL), -1);
    assert_int_equal(rmbt_secrets_add(&s, "--secret", " \t", 2, NULL), -1);
    put("# only comments\n\n   \n");
    assert_int_equal(rmbt_secrets_load(&s, "--secret-file", path), -1);
    put("");
    assert_int_equal(rmbt_secrets_load(&s, "--secret-file", path), -1);
    assert_int_equal(
        rmbt_secrets_load(&s, "--secret-file", "/nonexistent/secrets"), -1);
    assert_int_equal(s.n, 0);
}

static void test_rmbt_secrets_limits(void **state)
{
    (void)state;
    static struct rmbt_secrets s;
    memset(&s, 0, sizeof s);
    static char big[RMBT_SECRET_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    assert_int_equal(rmbt_secrets_add(&s, "--secret", big, sizeof big - 1,
                                      NULL),
                     -1);
    assert_int_equal(rmbt_secrets_add(&s, "--secret", big, RMBT_SECRET_MAX,
                                      NULL),
                     0);
    for (size_t i = 1; i < RMBT_SECRETS_MAX; i++)
        assert_int_equal(rmbt_secrets_add(&s, "--secret", "k", 1, NULL), 0);
    assert_int_equal(rmbt_secrets_add(&s, "--secret", "k", 1, NULL), -1);
    assert_string_equal(s.s[RMBT_SECRETS_MAX - 1].label, "secret_64");
}

/* A secret file with the v2.0 one-line form is a v2.2 file of one. */
static void test_rmbt_secrets_v2_0_one_line(void **state)
{
    (void)state;
    static struct rmbt_secrets s;
    memset(&s, 0, sizeof s);
    put("topsecret");
    assert_int_equal(rmbt_secrets_load(&s, "--seed-file", path), 0);
    assert_int_equal(s.n, 1);
    assert_secret(&s, 0, "topsecret", "secret_1");
}

static bool present_0_to_3(unsigned cpu, void *arg)
{
    (void)arg;
    return cpu <= 3;
}

static void test_rmbt_cpus_sorted_deduped_present(void **state)
{
    (void)state;
    static struct ippm_cpu_list l;
    assert_int_equal(ippm_cli_cpus("--cpus", "5-8,3,1,1,2-3", &l), 0);
    assert_int_equal(rmbt_cpus_filter(&l, present_0_to_3, NULL), 3);
    assert_int_equal(l.cpu[0], 1);
    assert_int_equal(l.cpu[1], 2);
    assert_int_equal(l.cpu[2], 3);
    assert_int_equal(ippm_cli_cpus("--cpus", "9,10", &l), 0);
    assert_int_equal(rmbt_cpus_filter(&l, present_0_to_3, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_rmbt_secrets_cli_first_then_file_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rmbt_secrets_refuses_empty,
                                        setup, teardown),
        cmocka_unit_test(test_rmbt_secrets_limits),
        cmocka_unit_test_setup_teardown(test_rmbt_secrets_v2_0_one_line,
                                        setup, teardown),
        cmocka_unit_test(test_rmbt_cpus_sorted_deduped_present),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
