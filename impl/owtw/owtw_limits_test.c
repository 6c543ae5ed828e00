/* owtw_limits.c: the TWAMP and OWAMP servers' limits against hostile
 * clients (issue 10's rules): connections per source address, the
 * Set-Up-Response deadline, and whom a TWAMP test session answers. The
 * live counterparts are ci/hostile.sh's conn-flood, greeting-wait,
 * self-loop and peer-loop-any. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "impl/owtw/owtw_cli.h"
#include "impl/owtw/owtw_limits.h"

#define SEC 1000000000ull

static struct ippm_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
                           uint16_t port)
{
    struct ippm_addr x;
    memset(&x, 0, sizeof(x));
    x.family = IPPM_AF_INET;
    x.ip[0] = a, x.ip[1] = b, x.ip[2] = c, x.ip[3] = d;
    x.port = port;
    return x;
}

/* conn-flood: the ninth connection of one address is refused, another
 * address's first is not; 0 lifts the limit. */
static void test_limits_conns_per_source(void **state)
{
    (void)state;
    struct owtw_limits l;
    owtw_limits_defaults(&l);
    assert_int_equal(l.per_source, 8);
    static struct owtw_link conns[16];
    static int dummy;
    struct ippm_addr bad = v4(127, 0, 0, 2, 0);
    struct ippm_addr good = v4(127, 0, 0, 1, 40000);
    for (int i = 0; i < 8; i++) {
        bad.port = (uint16_t)(30000 + i);
        assert_true(owtw_limits_admit_conn(&l, conns, 16, &bad));
        conns[i].peer = bad;
        conns[i].m = &dummy;
    }
    bad.port = 31000;
    assert_false(owtw_limits_admit_conn(&l, conns, 16, &bad));
    assert_true(owtw_limits_admit_conn(&l, conns, 16, &good));
    l.per_source = 0;
    assert_true(owtw_limits_admit_conn(&l, conns, 16, &bad));
    assert_true(owtw_limits_admit_conn(NULL, conns, 16, &bad));
}

/* greeting-wait: the deadline holds until the whole Set-Up-Response is
 * in, whatever trickles before; then none. */
static void test_limits_setup_deadline(void **state)
{
    (void)state;
    struct owtw_limits l;
    owtw_limits_defaults(&l);
    assert_int_equal(l.setup_ns, 30 * SEC);
    struct owtw_link c;
    memset(&c, 0, sizeof(c));
    assert_int_equal(owtw_limits_setup_deadline(&l, &c, 5 * SEC), 35 * SEC);
    c.octets_in = 163;
    assert_int_equal(owtw_limits_setup_deadline(&l, &c, 5 * SEC), 35 * SEC);
    c.octets_in = 164;
    assert_int_equal(owtw_limits_setup_deadline(&l, &c, 5 * SEC), UINT64_MAX);
    c.octets_in = 0;
    assert_int_equal(owtw_limits_setup_deadline(&l, &c, UINT64_MAX - 1),
                     UINT64_MAX);
    l.setup_ns = 0;
    assert_int_equal(owtw_limits_setup_deadline(&l, &c, 5 * SEC), UINT64_MAX);
}

static struct ippm_rx_meta from(struct ippm_addr peer, struct ippm_addr local)
{
    struct ippm_rx_meta m;
    memset(&m, 0, sizeof(m));
    m.peer = peer;
    m.local = local;
    m.from_host = true;
    return m;
}

/* self-loop and peer-loop-any: the session's own socket, a reflecting
 * port, another address or another port are refused; the sender named
 * is answered; --any-sender-port lifts the port rule only. */
static void test_limits_test_guard(void **state)
{
    (void)state;
    struct owtw_limits l;
    owtw_limits_defaults(&l);
    struct ippm_addr local = v4(127, 0, 0, 1, 50000);
    struct ippm_addr client = v4(127, 0, 0, 1, 45678);
    struct owtw_test_guard g;
    owtw_test_guard_init(&g, &l, &local, &client, 40001);
    struct ippm_rx_meta m = from(v4(127, 0, 0, 1, 40001), local);
    assert_int_equal(owtw_test_guard_check(&g, &m), IPPM_OK);
    m = from(local, local);
    assert_int_equal(owtw_test_guard_check(&g, &m), IPPM_ERR_UNEXPECTED);
    m = from(v4(127, 0, 0, 1, 123), local);
    assert_int_equal(owtw_test_guard_check(&g, &m), IPPM_ERR_UNEXPECTED);
    m = from(v4(127, 0, 0, 1, 50001), local); /* another server's session */
    assert_int_equal(owtw_test_guard_check(&g, &m), IPPM_ERR_UNKNOWN_SESSION);
    m = from(v4(127, 0, 0, 2, 40001), local);
    assert_int_equal(owtw_test_guard_check(&g, &m), IPPM_ERR_UNKNOWN_SESSION);
    l.any_sender_port = true;
    owtw_test_guard_init(&g, &l, &local, &client, 40001);
    m = from(v4(127, 0, 0, 1, 50001), local);
    assert_int_equal(owtw_test_guard_check(&g, &m), IPPM_OK);
    m = from(local, local);
    assert_int_equal(owtw_test_guard_check(&g, &m), IPPM_ERR_UNEXPECTED);
    m = from(v4(127, 0, 0, 2, 40001), local);
    assert_int_equal(owtw_test_guard_check(&g, &m), IPPM_ERR_UNKNOWN_SESSION);
    /* all zeroes: no guard (a session the server set up without one) */
    memset(&g, 0, sizeof(g));
    assert_int_equal(owtw_test_guard_check(&g, &m), IPPM_OK);
}

/* The options, through the servers' parser. */
static void test_limits_options(void **state)
{
    (void)state;
    struct owtw_server_opts o;
    owtw_server_defaults(&o);
    assert_int_equal(owtw_server_opt(&o, OWTW_LIMITS_OPT_PER_SOURCE, "3"), 0);
    assert_int_equal(o.lim.per_source, 3);
    assert_int_equal(
        owtw_server_opt(&o, OWTW_LIMITS_OPT_SETUP_TIMEOUT, "2.5"), 0);
    assert_int_equal(o.lim.setup_ns, 2500000000ull);
    assert_int_equal(owtw_server_opt(&o, OWTW_LIMITS_OPT_SETUP_TIMEOUT, "0"),
                     -1);
    assert_int_equal(
        owtw_server_opt(&o, OWTW_LIMITS_OPT_ANY_SENDER_PORT, NULL), 0);
    assert_true(o.lim.any_sender_port);
    assert_int_equal(owtw_server_opt(&o, 0x7fff, "x"), -1);
    assert_true(owtw_limits_packets_ok(&o.lim, 1u << 20));
    assert_false(owtw_limits_packets_ok(&o.lim, (1u << 20) + 1));
    assert_int_equal(owtw_server_opt(&o, OWTW_LIMITS_OPT_MAX_PACKETS, "5"), 0);
    assert_false(owtw_limits_packets_ok(&o.lim, 6));
}

/* --deny-from and --allow-from refuse a connection before it counts. */
static void test_limits_prefixes(void **state)
{
    (void)state;
    struct owtw_server_opts o;
    owtw_server_defaults(&o);
    static struct owtw_link conns[4];
    struct ippm_addr a = v4(127, 0, 0, 2, 1234), b = v4(127, 0, 0, 1, 1);
    assert_int_equal(owtw_server_opt(&o, OWTW_LIMITS_OPT_ADMIT +
                                             IPPM_ADMIT_OPT_DENY,
                                     "127.0.0.2"),
                     0);
    assert_false(owtw_limits_admit_conn(&o.lim, conns, 4, &a));
    assert_true(owtw_limits_admit_conn(&o.lim, conns, 4, &b));
    assert_int_equal(owtw_server_opt(&o, OWTW_LIMITS_OPT_ADMIT +
                                             IPPM_ADMIT_OPT_ALLOW,
                                     "10.0.0.0/8"),
                     0);
    assert_false(owtw_limits_admit_conn(&o.lim, conns, 4, &b));
    assert_int_equal(owtw_server_opt(&o, OWTW_LIMITS_OPT_ADMIT +
                                             IPPM_ADMIT_OPT_DENY,
                                     "10.0.0.0/33"),
                     -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limits_conns_per_source),
        cmocka_unit_test(test_limits_setup_deadline),
        cmocka_unit_test(test_limits_test_guard),
        cmocka_unit_test(test_limits_options),
        cmocka_unit_test(test_limits_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
