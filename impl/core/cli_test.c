/* cli.c value parsers: accept exactly the documented ranges. */
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"

static void test_ippm_cli_port_accepts_1_and_65535(void **state)
{
    (void)state;
    uint16_t p = 0;
    assert_int_equal(ippm_cli_port("--port", "1", &p), 0);
    assert_int_equal(p, 1);
    assert_int_equal(ippm_cli_port("--port", "65535", &p), 0);
    assert_int_equal(p, 65535);
}

static void test_ippm_cli_port_rejects_out_of_range_and_junk(void **state)
{
    (void)state;
    uint16_t p = 7;
    const char *bad[] = {"0", "65536", "70000", "", "-1", " 1", "1 ", "0x10",
                         "1e3", "99999999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(ippm_cli_port("--port", bad[i], &p), -1);
    assert_int_equal(p, 7); /* untouched on failure */
}

static void test_ippm_cli_seconds_converts_to_ns(void **state)
{
    (void)state;
    uint64_t ns = 0;
    assert_int_equal(ippm_cli_seconds("--interval", "0.01", 0, 10, &ns), 0);
    assert_int_equal(ns, 10000000);
    assert_int_equal(ippm_cli_seconds("--interval", "2", 0, 10, &ns), 0);
    assert_int_equal(ns, 2000000000);
    assert_int_equal(ippm_cli_seconds("--interval", "1e-6", 0, 10, &ns), 0);
    assert_int_equal(ns, 1000);
}

static void test_ippm_cli_seconds_rejects_nan_inf_negative(void **state)
{
    (void)state;
    uint64_t ns = 0;
    const char *bad[] = {"nan", "inf",  "-1",   "11", "11s",
                         "",    "0x",   "0x10", " 1", "+1",
                         "1 s", "1sec", "1e",   "ms", "5mss"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(ippm_cli_seconds("--wait", bad[i], 0, 10, &ns), -1);
}

/* Issue 11: units everywhere; a bare number stays seconds. */
static void test_ippm_cli_seconds_takes_units(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        uint64_t ns;
    } ok[] = {{"1ms", 1000000},
              {"250us", 250000},
              {"10s", 10000000000ull},
              {"5m", 300000000000ull},
              {"5min", 300000000000ull},
              {"1h", 3600000000000ull},
              {"100ns", 100},
              {"1.5s", 1500000000},
              {"0.5", 500000000},
              {"0", 0}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        uint64_t ns = 7;
        assert_int_equal(ippm_cli_seconds("--interval", ok[i].s, 0, 86400, &ns),
                         0);
        assert_int_equal(ns, ok[i].ns);
    }
}

/* The relay's --delay: a bare number other than 0 has no unit to trust. */
static void test_ippm_cli_duration_unit_required(void **state)
{
    (void)state;
    uint64_t ns = 7;
    assert_int_equal(
        ippm_cli_duration("--delay", "5", 0, 3600000000000ull, false, &ns), -1);
    assert_int_equal(ns, 7);
    assert_int_equal(
        ippm_cli_duration("--delay", "0", 0, 3600000000000ull, false, &ns), 0);
    assert_int_equal(ns, 0);
    assert_int_equal(
        ippm_cli_duration("--delay", "5ms", 0, 3600000000000ull, false, &ns),
        0);
    assert_int_equal(ns, 5000000);
}

/* Issue 11: the address forms every command takes. */
static void test_ippm_cli_split_addr_forms(void **state)
{
    (void)state;
    static const struct {
        const char *s, *host, *port; /* port NULL: none written */
    } ok[] = {{"example.net", "example.net", NULL},
              {"example.net:862", "example.net", "862"},
              {"127.0.0.1:18862", "127.0.0.1", "18862"},
              {"[::1]:18862", "::1", "18862"},
              {"[::1]", "::1", NULL},
              {"::1", "::1", NULL},
              {"2001:db8::1", "2001:db8::1", NULL},
              {"fe80::1%eth0", "fe80::1%eth0", NULL},
              {"host:", "host", ""}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char host[64];
        const char *port = "x";
        assert_int_equal(ippm_cli_split_addr(ok[i].s, host, sizeof host, &port),
                         0);
        assert_string_equal(host, ok[i].host);
        if (ok[i].port)
            assert_string_equal(port, ok[i].port);
        else
            assert_null(port);
    }
    const char *bad[] = {"", "[::1", "[::1]x", "[]:5", ":5", "[::1]]"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char host[64];
        const char *port;
        assert_int_equal(ippm_cli_split_addr(bad[i], host, sizeof host, &port),
                         -1);
    }
}

/* A syntax error is 2, a name that does not resolve 3 (README). */
static void test_ippm_cli_addr_exit_statuses(void **state)
{
    (void)state;
    struct ippm_addr a;
    assert_int_equal(ippm_cli_addr("t", "127.0.0.1:5", 0, 862, &a), 0);
    assert_int_equal(a.port, 5);
    assert_int_equal(ippm_cli_addr("t", "127.0.0.1", 7, 862, &a), 0);
    assert_int_equal(a.port, 7);
    assert_int_equal(ippm_cli_addr("t", "[::1]", 0, 862, &a), 0);
    assert_int_equal(a.port, 862);
    assert_int_equal(a.family, IPPM_AF_INET6);
    assert_int_equal(ippm_cli_addr("t", "127.0.0.1", 0, 0, &a), 2);
    assert_int_equal(ippm_cli_addr("t", "127.0.0.1:5", 6, 862, &a), 2);
    assert_int_equal(ippm_cli_addr("t", "[::1", 0, 862, &a), 2);
    assert_int_equal(ippm_cli_addr("t", "host.invalid", 0, 862, &a), 3);
}

/* Issue 11: a link-local address carries its zone, by name or index; a
 * bad zone is a syntax error (2), an interface this host lacks is 3. */
static void test_ippm_cli_addr_zones(void **state)
{
    (void)state;
    struct ippm_addr a;
    unsigned lo = if_nametoindex("lo");
    assert_true(lo != 0);
    assert_int_equal(ippm_cli_addr("t", "fe80::1%lo", 0, 862, &a), 0);
    assert_int_equal(a.family, IPPM_AF_INET6);
    assert_int_equal(a.scope_id, lo);
    assert_int_equal(a.port, 862);
    assert_int_equal(a.ip[0], 0xfe);
    assert_int_equal(ippm_cli_addr("t", "[fe80::1%lo]:5", 0, 862, &a), 0);
    assert_int_equal(a.scope_id, lo);
    assert_int_equal(a.port, 5);
    char by_index[32];
    snprintf(by_index, sizeof by_index, "[fe80::2%%%u]:6", lo);
    assert_int_equal(ippm_cli_addr("t", by_index, 0, 862, &a), 0);
    assert_int_equal(a.scope_id, lo);
    assert_int_equal(a.ip[15], 2);
    assert_int_equal(ippm_cli_addr("t", "fe80::1%", 0, 862, &a), 2);
    assert_int_equal(ippm_cli_addr("t", "fe80::1", 0, 862, &a), 2);
    assert_int_equal(ippm_cli_addr("t", "2001:db8::1%lo", 0, 862, &a), 2);
    assert_int_equal(ippm_cli_addr("t", "127.0.0.1%lo", 0, 862, &a), 2);
    assert_int_equal(ippm_cli_addr("t", "fe80::1%nosuch0", 0, 862, &a), 3);
    assert_int_equal(ippm_cli_addr("t", "[fe80::1%4000000]:5", 0, 862, &a), 3);
    /* No zone on a global address: as before. */
    assert_int_equal(ippm_cli_addr("t", "2001:db8::1", 0, 862, &a), 0);
    assert_int_equal(a.scope_id, 0);
}

/* Issue 11: -c, -i, -p, ... stand for the long options a command has. */
static void test_ippm_cli_next_short_aliases(void **state)
{
    (void)state;
    const struct option lo[] = {{"count", required_argument, NULL, 300},
                                {"port", required_argument, NULL, 301},
                                {"no-progress", no_argument, NULL, 302},
                                {"help", no_argument, NULL, 303},
                                {NULL, 0, NULL, 0}};
    char *a[] = {"t", "-c", "5", "-p7", "-q", "-h", "-i", "1", NULL};
    assert_int_equal(ippm_cli_next(8, a, "", lo, "t", 1), 300);
    assert_string_equal(optarg, "5");
    assert_int_equal(ippm_cli_next(8, a, "", lo, "t", 0), 301);
    assert_string_equal(optarg, "7");
    assert_int_equal(ippm_cli_next(8, a, "", lo, "t", 0), 302);
    assert_int_equal(ippm_cli_next(8, a, "", lo, "t", 0), 303);
    /* No --interval here: -i is unknown. */
    assert_int_equal(ippm_cli_next(8, a, "", lo, "t", 0), '?');
    /* A letter the caller claims stays the caller's. */
    char *b[] = {"t", "-c", NULL};
    assert_int_equal(ippm_cli_next(2, b, "c", lo, "t", 1), 'c');
}

static void test_ippm_cli_dscp_range(void **state)
{
    (void)state;
    uint8_t d = 0;
    assert_int_equal(ippm_cli_dscp("--dscp", "46", &d), 0);
    assert_int_equal(d, 46);
    assert_int_equal(ippm_cli_dscp("--dscp", "64", &d), -1);
}

/* The narrow parsers take their whole range and leave the field alone
 * on a value outside it: a 70000 must not wrap into a uint16_t. */
static void test_ippm_cli_narrow_fields_range(void **state)
{
    (void)state;
    uint32_t n = 7;
    uint16_t s = 7;
    int ttl = 7;
    assert_int_equal(ippm_cli_u32("--count", "4000000000", 1, 4000000000u,
                                  "a count", &n), 0);
    assert_int_equal(n, 4000000000u);
    assert_int_equal(ippm_cli_u32("--count", "0", 1, 10, "a count", &n), -1);
    assert_int_equal(n, 4000000000u);
    assert_int_equal(ippm_cli_u16("--ssid", "65535", 0, 65535, "an SSID", &s),
                     0);
    assert_int_equal(s, 65535);
    assert_int_equal(ippm_cli_u16("--ssid", "70000", 0, 65535, "an SSID", &s),
                     -1);
    assert_int_equal(s, 65535);
    assert_int_equal(ippm_cli_ttl("--ttl", "255", &ttl), 0);
    assert_int_equal(ttl, 255);
    assert_int_equal(ippm_cli_ttl("--ttl", "0", &ttl), -1);
    assert_int_equal(ippm_cli_ttl("--ttl", "256", &ttl), -1);
    assert_int_equal(ttl, 255);
}

static void test_ippm_cli_u16_list(void **state)
{
    (void)state;
    uint16_t v[3];
    size_t n;
    assert_int_equal(ippm_cli_u16_list("--ssid-set", "1,4660,65535", 1, 65535,
                                       "an SSID", v, 3, &n),
                     0);
    assert_int_equal(n, 3);
    assert_int_equal(v[0], 1);
    assert_int_equal(v[1], 4660);
    assert_int_equal(v[2], 65535);
    /* too many, out of range, empty, junk, overlong */
    static const char *const bad[] = {"1,2,3,4", "0",  "1,,2",
                                      "1,x",     "",   "1234567890"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ippm_cli_u16_list("--ssid-set", bad[i], 1, 65535,
                                           "an SSID", v, 3, &n),
                         -1);
}

static void test_ippm_cli_tsfmt_names(void **state)
{
    (void)state;
    enum ippm_tsfmt f = IPPM_TS_NTP;
    assert_int_equal(ippm_cli_tsfmt("--timestamp", "ptp", &f), 0);
    assert_int_equal(f, IPPM_TS_PTP);
    assert_int_equal(ippm_cli_tsfmt("--timestamp", "ntp", &f), 0);
    assert_int_equal(f, IPPM_TS_NTP);
    assert_int_equal(ippm_cli_tsfmt("--timestamp", "PTP", &f), -1);
}

/* ippm_cli_each: the items in order, empty ones skipped, the first
 * refusal stops the walk. */
static int collect(const char *opt, char *item, void *arg)
{
    char *seen = arg;
    (void)opt;
    if (item[0] == 'x')
        return -1;
    strcat(seen, item);
    strcat(seen, "|");
    return 0;
}

static void test_ippm_cli_each_walks_a_comma_list(void **state)
{
    (void)state;
    char seen[64] = "";
    assert_int_equal(ippm_cli_each("--o", "1,,22,3", "a list", collect, seen),
                     0);
    assert_string_equal(seen, "1|22|3|");
    seen[0] = '\0';
    assert_int_equal(ippm_cli_each("--o", "1,x,3", "a list", collect, seen),
                     -1);
    assert_string_equal(seen, "1|");
    assert_int_equal(ippm_cli_each("--o", "", "a list", collect, seen), -1);
    char big[1100];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(ippm_cli_each("--o", big, "a list", collect, seen), -1);
}

static void test_ippm_cli_next_reports_unknown_and_missing(void **state)
{
    (void)state;
    static const struct option lo[] = {{"port", required_argument, NULL, 256},
                                       {NULL, 0, NULL, 0}};
    char *a1[] = {"x", "--bogus", NULL};
    assert_int_equal(ippm_cli_next(2, a1, "", lo, "t", 1), '?');
    char *a2[] = {"x", "--port", NULL};
    assert_int_equal(ippm_cli_next(2, a2, "", lo, "t", 1), '?');
    char *a3[] = {"x", "HOST", "--port", "9", NULL};
    assert_int_equal(ippm_cli_next(4, a3, "", lo, "t", 1), 256);
    assert_string_equal(optarg, "9");
    assert_int_equal(ippm_cli_next(4, a3, "", lo, "t", 0), -1);
    assert_string_equal(a3[optind], "HOST"); /* operands permuted last */
}

static void test_ippm_cli_outputs_refuses_missing_dir_and_twins(void **state)
{
    (void)state;
    char dir[] = "/tmp/ippm-cli-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char a[64], b[64];
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.xml", dir);
    const struct ippm_cli_output good[] = {
        {"--json", a}, {"--junit", b}, {"--html", NULL}};
    assert_int_equal(ippm_cli_outputs(good, 3), 0);
    const struct ippm_cli_output missing[] = {
        {"--json", a}, {"--junit", "/nonexistent-ippm-dir/b.xml"}};
    assert_int_equal(ippm_cli_outputs(missing, 2), -1);
    const struct ippm_cli_output twins[] = {{"--json", a}, {"--html", a}};
    assert_int_equal(ippm_cli_outputs(twins, 2), -1);
    /* Two spellings of one file that does not exist yet. */
    char a2[80];
    snprintf(a2, sizeof a2, "%s/../%s/a.json", dir, dir + 5);
    const struct ippm_cli_output spelt[] = {{"--json", a}, {"--html", a2}};
    assert_int_equal(ippm_cli_outputs(spelt, 2), -1);
    const struct ippm_cli_output a_dir[] = {{"--json", dir}};
    assert_int_equal(ippm_cli_outputs(a_dir, 1), -1);
    assert_int_equal(rmdir(dir), 0); /* the probes left nothing */
}

/* "N" and "N-M" items of --cpus and --dscp-permitted. */
static void test_ippm_cli_range(void **state)
{
    (void)state;
    uint64_t lo = 9, hi = 9;
    char one[] = "4", two[] = "2-7", empty[] = "7-2", big[] = "1-64",
         junk[] = "1-x";
    assert_int_equal(ippm_cli_range("--x", one, 0, 63, "a N", &lo, &hi), 0);
    assert_true(lo == 4 && hi == 4);
    assert_int_equal(ippm_cli_range("--x", two, 0, 63, "a N", &lo, &hi), 0);
    assert_true(lo == 2 && hi == 7);
    assert_int_equal(ippm_cli_range("--x", empty, 0, 63, "a N", &lo, &hi), -1);
    assert_int_equal(ippm_cli_range("--x", big, 0, 63, "a N", &lo, &hi), -1);
    assert_int_equal(ippm_cli_range("--x", junk, 0, 63, "a N", &lo, &hi), -1);
}

static int dispatch_ran_argc;
static const char *dispatch_ran_argv0;
static int dispatch_run(int argc, char **argv)
{
    dispatch_ran_argc = argc;
    dispatch_ran_argv0 = argv[0];
    return 7;
}
static int dispatch_usages;
static void dispatch_usage(FILE *f)
{
    (void)f;
    dispatch_usages++;
}

/* The table picks the subcommand, passes argv from its name on, and
 * refuses a missing or unknown one with the usage exit status. */
static void test_ippm_cli_dispatch_picks_and_refuses(void **state)
{
    (void)state;
    static const struct ippm_cli_sub subs[] = {{"a", dispatch_run, NULL},
                                               {"b", dispatch_run, NULL}};
    const struct ippm_cli_subs c = {"t", subs, 2, dispatch_usage, NULL, NULL};
    char *run[] = {"t", "b", "--x", NULL};
    assert_int_equal(ippm_cli_dispatch(&c, 3, run), 7);
    assert_int_equal(dispatch_ran_argc, 2);
    assert_string_equal(dispatch_ran_argv0, "b");
    char *help[] = {"t", "-h", NULL};
    assert_int_equal(ippm_cli_dispatch(&c, 2, help), 0);
    assert_int_equal(dispatch_usages, 1);
    char *bad[] = {"t", "c", NULL};
    assert_int_equal(ippm_cli_dispatch(&c, 2, bad), 2);
    assert_int_equal(ippm_cli_dispatch(&c, 1, bad), 2);
    assert_int_equal(dispatch_usages, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_cli_range),
        cmocka_unit_test(test_ippm_cli_port_accepts_1_and_65535),
        cmocka_unit_test(test_ippm_cli_port_rejects_out_of_range_and_junk),
        cmocka_unit_test(test_ippm_cli_narrow_fields_range),
        cmocka_unit_test(test_ippm_cli_seconds_converts_to_ns),
        cmocka_unit_test(test_ippm_cli_seconds_rejects_nan_inf_negative),
        cmocka_unit_test(test_ippm_cli_seconds_takes_units),
        cmocka_unit_test(test_ippm_cli_duration_unit_required),
        cmocka_unit_test(test_ippm_cli_split_addr_forms),
        cmocka_unit_test(test_ippm_cli_addr_exit_statuses),
        cmocka_unit_test(test_ippm_cli_addr_zones),
        cmocka_unit_test(test_ippm_cli_next_short_aliases),
        cmocka_unit_test(test_ippm_cli_dscp_range),
        cmocka_unit_test(test_ippm_cli_u16_list),
        cmocka_unit_test(test_ippm_cli_tsfmt_names),
        cmocka_unit_test(test_ippm_cli_each_walks_a_comma_list),
        cmocka_unit_test(test_ippm_cli_next_reports_unknown_and_missing),
        cmocka_unit_test(test_ippm_cli_outputs_refuses_missing_dir_and_twins),
        cmocka_unit_test(test_ippm_cli_dispatch_picks_and_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
