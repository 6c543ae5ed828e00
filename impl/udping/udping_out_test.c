/* udping_out.c against the exact lines of ../shared/notes/udping.md §6
 * and the two statsd datagrams the original server sent in
 * udping-replay-statsd.pcap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "impl/udping/udping_out.h"

/* The session of notes §6: 22 packets from localhost:5002 to port 6000.
 * The reals are chosen so that %lf and %g give the notes' digits. */
static void notes_session(struct udping_names *n, struct udping_report *r)
{
    memset(n, 0, sizeof *n);
    memset(r, 0, sizeof *r);
    strcpy(n->from_host, "localhost");
    strcpy(n->from_port, "5002");
    strcpy(n->to_host, "localhost");
    strcpy(n->to_port, "6000");
    strcpy(r->guid, "0adf129d27e9b9b45d84");
    r->count = 22;
    r->target = 22;
    r->sum_ms = 1.10351623;
    r->sos_ms = 0.08103440;
    r->max_ms = 0.126528;
}

static void test_udping_fmt_json_is_the_notes_line(void **state)
{
    (void)state;
    struct udping_names n;
    struct udping_report r;
    notes_session(&n, &r);
    char buf[512];
    const char *want =
        "{\"from_host\":\"localhost\",\"from_port\":\"5002\",\"to_host\":"
        "\"localhost\",\"to_port\":\"6000\",\"guid\":\"0adf129d27e9b9b45d84\","
        "\"count\":\"22\",\"targetCount\":\"22\",\"sum\":\"1.103516\","
        "\"sumOfSquares\":\"0.081034\",\"max\":\"0.126528\"}";
    assert_int_equal(udping_fmt_json(buf, sizeof buf, &n, &r), strlen(want));
    assert_string_equal(buf, want);
}

/* The datagram the original sent to 127.0.0.1:8125 in the capture. */
static void test_udping_fmt_statsd_is_the_captured_datagram(void **state)
{
    (void)state;
    struct udping_names n;
    struct udping_report r;
    notes_session(&n, &r);
    char buf[512];
    const char *want = "localhost.5002.localhost.6000.count:22|c\n"
                       "localhost.5002.localhost.6000.targetCount:22|c\n"
                       "localhost.5002.localhost.6000.sum:1.10352|c\n"
                       "localhost.5002.localhost.6000.sos:0.0810344|c\n"
                       "localhost.5002.localhost.6000.max:0.126528|g\n";
    assert_int_equal(udping_fmt_statsd(buf, sizeof buf, &n, &r, UDPING_LEVEL_PORT), strlen(want));
    assert_string_equal(buf, want);
}

/* ... and the tagged one to 127.0.0.1:8126. */
static void test_udping_fmt_statsd_tagged_is_the_captured_datagram(void **state)
{
    (void)state;
    struct udping_names n;
    struct udping_report r;
    notes_session(&n, &r);
    char buf[1024];
    const char *tags =
        ",from_host=localhost,from_port=5002,to_host=localhost,to_port=6000";
    char want[1024];
    snprintf(want, sizeof want,
             "udping.count%s:22|c\nudping.targetCount%s:22|c\n"
             "udping.sum%s:1.10352|c\nudping.sos%s:0.0810344|c\n"
             "udping.max%s:0.126528|g\n",
             tags, tags, tags, tags, tags);
    assert_int_equal(udping_fmt_statsd_tagged(buf, sizeof buf, "udping", &n, &r, UDPING_LEVEL_PORT),
                     strlen(want));
    assert_string_equal(buf, want);
}

/* --statsd-level host: the names without the two ports. */
static void test_udping_fmt_statsd_host_level(void **state)
{
    (void)state;
    struct udping_names n;
    struct udping_report r;
    notes_session(&n, &r);
    char buf[1024];
    const char *want = "localhost.localhost.count:22|c\n"
                       "localhost.localhost.targetCount:22|c\n"
                       "localhost.localhost.sum:1.10352|c\n"
                       "localhost.localhost.sos:0.0810344|c\n"
                       "localhost.localhost.max:0.126528|g\n";
    assert_int_equal(udping_fmt_statsd(buf, sizeof buf, &n, &r, UDPING_LEVEL_HOST),
                     strlen(want));
    assert_string_equal(buf, want);
    assert_true(udping_fmt_statsd_tagged(buf, sizeof buf, "udping", &n, &r,
                                         UDPING_LEVEL_HOST) > 0);
    assert_memory_equal(buf, "udping.count,from_host=localhost,to_host=localhost:22|c\n"
                        "udping.targetCount,", 75);
}

/* ostream's default is %g: an exponent for small and large values. */
static void test_udping_fmt_statsd_six_significant_digits(void **state)
{
    (void)state;
    struct udping_names n;
    struct udping_report r;
    notes_session(&n, &r);
    r.sum_ms = 1234567.0;
    r.sos_ms = 0.0000123456789;
    r.max_ms = -0.5;
    r.count = 12345678;
    char buf[512];
    assert_true(udping_fmt_statsd(buf, sizeof buf, &n, &r, UDPING_LEVEL_PORT) > 0);
    assert_non_null(strstr(buf, ".count:12345678|c\n"));
    assert_non_null(strstr(buf, ".sum:1.23457e+06|c\n"));
    assert_non_null(strstr(buf, ".sos:1.23457e-05|c\n"));
    assert_non_null(strstr(buf, ".max:-0.5|g\n"));
}

static void test_udping_fmt_tagged_prefix_from_m(void **state)
{
    (void)state;
    struct udping_names n;
    struct udping_report r;
    notes_session(&n, &r);
    char buf[1024];
    assert_true(udping_fmt_statsd_tagged(buf, sizeof buf, "lat.probe", &n, &r, UDPING_LEVEL_PORT) > 0);
    assert_memory_equal(buf, "lat.probe.count,from_host=", 26);
}

/* IPv6 (beyond the original): the address's colons would end a statsd
 * name; JSON keeps them. */
static void test_udping_fmt_ipv6_names(void **state)
{
    (void)state;
    struct udping_names n;
    struct udping_report r;
    notes_session(&n, &r);
    strcpy(n.from_host, "2001:db8::1");
    char buf[1024];
    assert_true(udping_fmt_statsd(buf, sizeof buf, &n, &r, UDPING_LEVEL_PORT) > 0);
    assert_memory_equal(buf, "2001_db8__1.5002.localhost.6000.count:22|c\n", 43);
    assert_true(udping_fmt_statsd_tagged(buf, sizeof buf, "udping", &n, &r, UDPING_LEVEL_PORT) > 0);
    assert_memory_equal(buf, "udping.count,from_host=2001_db8__1,", 35);
    assert_true(udping_fmt_json(buf, sizeof buf, &n, &r) > 0);
    assert_memory_equal(buf, "{\"from_host\":\"2001:db8::1\",", 27);
}

/* A PTR record is anybody's text: the JSON line stays JSON. */
static void test_udping_fmt_json_escapes_host(void **state)
{
    (void)state;
    struct udping_names n;
    struct udping_report r;
    notes_session(&n, &r);
    strcpy(n.from_host, "a\"b\\c\n");
    char buf[512];
    assert_true(udping_fmt_json(buf, sizeof buf, &n, &r) > 0);
    assert_non_null(strstr(buf, "{\"from_host\":\"a\\\"b\\\\c\\u000a\",\"from_port"));
}

static void test_udping_fmt_too_small_is_refused(void **state)
{
    (void)state;
    struct udping_names n;
    struct udping_report r;
    notes_session(&n, &r);
    char buf[64];
    assert_int_equal(udping_fmt_json(buf, sizeof buf, &n, &r), -1);
    assert_string_equal(buf, "");
    assert_int_equal(udping_fmt_statsd(buf, sizeof buf, &n, &r, UDPING_LEVEL_PORT), -1);
    assert_int_equal(udping_fmt_statsd_tagged(buf, sizeof buf, "udping", &n, &r, UDPING_LEVEL_PORT), -1);
    assert_int_equal(udping_fmt_json(buf, 0, &n, &r), -1);
}

/* The longest report any format makes (host names of 255 characters,
 * every one a control character in JSON, a 64-character prefix, extreme
 * reals) stays under 4 KiB: the driver's buffer is 8 KiB. */
static void test_udping_fmt_longest_report_fits_4k(void **state)
{
    (void)state;
    struct udping_names n;
    struct udping_report r;
    notes_session(&n, &r);
    memset(n.from_host, 'a', UDPING_HOST_MAX - 1);
    n.from_host[UDPING_HOST_MAX - 1] = '\0';
    memset(n.to_host, '\001', UDPING_HOST_MAX - 1);
    n.to_host[UDPING_HOST_MAX - 1] = '\0';
    strcpy(n.from_port, "65535");
    strcpy(n.to_port, "65535");
    r.count = r.target = UINT64_MAX;
    r.sum_ms = r.sos_ms = -1.7e308;
    r.max_ms = -9.2e21;
    char prefix[65], buf[4096];
    memset(prefix, 'p', 64);
    prefix[64] = '\0';
    assert_true(udping_fmt_statsd(buf, sizeof buf, &n, &r, UDPING_LEVEL_PORT) > 0);
    assert_true(udping_fmt_statsd_tagged(buf, sizeof buf, prefix, &n, &r, UDPING_LEVEL_PORT) > 0);
    r.sum_ms = r.sos_ms = -9.2e21; /* %lf of 1e308 is 300 digits: not a
                                    * latency sum of any real run */
    assert_true(udping_fmt_json(buf, sizeof buf, &n, &r) > 0);
}

/* notes §6: `<guid>:<clientStartTime>:<seq> - <sent sec>:<sent nsec>`,
 * here the first frame of udping-loopback.pcap (notes §1). */
static void test_udping_fmt_verbose_line(void **state)
{
    (void)state;
    struct udping_hdr h = {0};
    h.version = 1;
    h.client_start = 0x6b06c9e0;
    strcpy(h.guid, "71e673360037e65ac0e1");
    h.seq = 0;
    h.sent_sec = 0x6b06c9e0;
    h.sent_nsec = 0x2f0ed4fb;
    h.size = 270;
    char buf[128];
    const char *want = "71e673360037e65ac0e1:1795607008:0 - 1795607008:789501179";
    assert_int_equal(udping_fmt_verbose(buf, sizeof buf, &h), strlen(want));
    assert_string_equal(buf, want);
}

static void test_udping_host_underscore(void **state)
{
    (void)state;
    char s[] = "127.0.0.1";
    udping_host_underscore(s);
    assert_string_equal(s, "127_0_0_1");
}

/* --numeric: the dotted address with '_', looked up once per address. */
static void test_udping_dns_numeric_cached(void **state)
{
    (void)state;
    static struct udping_dns_cache c;
    udping_dns_init(&c, true);
    struct ippm_addr a = {.family = IPPM_AF_INET, .ip = {127, 0, 0, 1},
                          .port = 5000};
    assert_string_equal(udping_dns_name(&c, &a), "127_0_0_1");
    a.port = 5001; /* another port of the same host: the cached name */
    assert_string_equal(udping_dns_name(&c, &a), "127_0_0_1");
    assert_int_equal(c.lookups, 1);
    assert_int_equal(c.hits, 1);
    struct ippm_addr b = {.family = IPPM_AF_INET6, .port = 1};
    b.ip[15] = 1;
    assert_string_equal(udping_dns_name(&c, &b), "::1");
    assert_int_equal(c.lookups, 2);
}

/* A full cache forgets the least recently used address, never grows. */
static void test_udping_dns_cache_bounded(void **state)
{
    (void)state;
    static struct udping_dns_cache c;
    udping_dns_init(&c, true);
    struct ippm_addr a = {.family = IPPM_AF_INET, .ip = {10, 0, 0, 0}};
    for (unsigned i = 0; i < UDPING_DNS_CACHE + 10; i++) {
        a.ip[2] = (uint8_t)(i >> 8);
        a.ip[3] = (uint8_t)i;
        udping_dns_name(&c, &a);
    }
    assert_int_equal(c.lookups, UDPING_DNS_CACHE + 10);
    a.ip[2] = 0;
    a.ip[3] = 0; /* the first: forgotten */
    assert_string_equal(udping_dns_name(&c, &a), "10_0_0_0");
    assert_int_equal(c.lookups, UDPING_DNS_CACHE + 11);
    a.ip[2] = (uint8_t)((UDPING_DNS_CACHE + 9) >> 8);
    a.ip[3] = (uint8_t)(UDPING_DNS_CACHE + 9); /* the last: still there */
    udping_dns_name(&c, &a);
    assert_int_equal(c.hits, 1);
}

/* to_host: a name is kept as given (with '_'); --numeric keeps an
 * address literal. */
static void test_udping_to_host(void **state)
{
    (void)state;
    char out[UDPING_HOST_MAX];
    udping_to_host("probe.example", false, out, sizeof out);
    assert_string_equal(out, "probe_example");
    udping_to_host("192.0.2.7", true, out, sizeof out);
    assert_string_equal(out, "192_0_2_7");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udping_fmt_json_is_the_notes_line),
        cmocka_unit_test(test_udping_fmt_statsd_is_the_captured_datagram),
        cmocka_unit_test(test_udping_fmt_statsd_tagged_is_the_captured_datagram),
        cmocka_unit_test(test_udping_fmt_statsd_six_significant_digits),
        cmocka_unit_test(test_udping_fmt_statsd_host_level),
        cmocka_unit_test(test_udping_fmt_tagged_prefix_from_m),
        cmocka_unit_test(test_udping_fmt_ipv6_names),
        cmocka_unit_test(test_udping_fmt_json_escapes_host),
        cmocka_unit_test(test_udping_fmt_too_small_is_refused),
        cmocka_unit_test(test_udping_fmt_longest_report_fits_4k),
        cmocka_unit_test(test_udping_fmt_verbose_line),
        cmocka_unit_test(test_udping_host_underscore),
        cmocka_unit_test(test_udping_dns_numeric_cached),
        cmocka_unit_test(test_udping_dns_cache_bounded),
        cmocka_unit_test(test_udping_to_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
