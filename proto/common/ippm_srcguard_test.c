/* Unit tests of ippm_srcguard.c: which sources a server answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ippm_srcguard.h"

static struct ippm_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
                           uint16_t port)
{
    struct ippm_addr x;
    memset(&x, 0, sizeof x);
    x.family = IPPM_AF_INET;
    x.ip[0] = a, x.ip[1] = b, x.ip[2] = c, x.ip[3] = d;
    x.port = port;
    return x;
}

static struct ippm_addr v6_loopback(uint16_t port)
{
    struct ippm_addr x;
    memset(&x, 0, sizeof x);
    x.family = IPPM_AF_INET6;
    x.ip[15] = 1;
    x.port = port;
    return x;
}

/* ippm_src_check on a datagram from peer to local. */
static enum ippm_src_verdict verdict(const struct ippm_src_policy *p,
                                     const struct ippm_addr *peer,
                                     const struct ippm_addr *local,
                                     bool from_host)
{
    struct ippm_rx_meta m;
    memset(&m, 0, sizeof m);
    m.peer = *peer;
    m.local = *local;
    m.from_host = from_host;
    return ippm_src_check(p, &m);
}

static void test_ippm_src_check_refuses_own_address_and_port(void **state)
{
    (void)state;
    struct ippm_src_policy p;
    memset(&p, 0, sizeof p);
    struct ippm_addr local = v4(192, 0, 2, 1, 5000);
    struct ippm_addr peer = local;
    assert_int_equal(verdict(&p, &peer, &local, false), IPPM_SRC_SELF);
    struct ippm_addr l6 = v6_loopback(5000), p6 = l6;
    assert_int_equal(verdict(&p, &p6, &l6, false), IPPM_SRC_SELF);
}

/* An explicit allowance never opens the self-addressed loop. */
static void test_ippm_src_check_self_refused_even_if_port_allowed(void **state)
{
    (void)state;
    struct ippm_src_policy p;
    memset(&p, 0, sizeof p);
    assert_int_equal(ippm_src_policy_allow(&p, 862), IPPM_OK);
    struct ippm_addr local = v4(127, 0, 0, 1, 862), peer = local;
    assert_int_equal(verdict(&p, &peer, &local, false), IPPM_SRC_SELF);
}

/* Wildcard bind, no IP_PKTINFO: the bound address stands in; an
 * unspecified one matches no peer, and the port rule still holds. */
static void test_ippm_src_check_unknown_local_uses_self(void **state)
{
    (void)state;
    struct ippm_src_policy p;
    memset(&p, 0, sizeof p);
    struct ippm_addr none;
    memset(&none, 0, sizeof none);
    p.self = v4(198, 51, 100, 7, 4000);
    struct ippm_addr peer = p.self;
    assert_int_equal(verdict(&p, &peer, &none, false), IPPM_SRC_SELF);
    p.self = v4(0, 0, 0, 0, 4000);
    peer = v4(203, 0, 113, 9, 40000);
    assert_int_equal(verdict(&p, &peer, &none, false), IPPM_SRC_OK);
    peer.port = 4000;
    assert_int_equal(verdict(&p, &peer, &none, false), IPPM_SRC_OWN_PORT);
}

/* Local known: the address is the datagram's, the port the socket's. */
static void test_ippm_src_check_local_address_socket_port(void **state)
{
    (void)state;
    struct ippm_src_policy p;
    memset(&p, 0, sizeof p);
    p.self = v4(0, 0, 0, 0, 7000);
    struct ippm_addr local = v4(10, 0, 0, 1, 0);
    struct ippm_addr peer = v4(10, 0, 0, 1, 7000);
    assert_int_equal(verdict(&p, &peer, &local, false), IPPM_SRC_SELF);
    peer = v4(10, 0, 0, 2, 7000);
    assert_int_equal(verdict(&p, &peer, &local, false), IPPM_SRC_OWN_PORT);
}

static void test_ippm_src_check_own_port_elsewhere(void **state)
{
    (void)state;
    struct ippm_src_policy p;
    memset(&p, 0, sizeof p);
    struct ippm_addr local = v4(127, 0, 0, 1, 18862);
    struct ippm_addr peer = v4(127, 0, 0, 2, 18862);
    assert_int_equal(verdict(&p, &peer, &local, false), IPPM_SRC_OWN_PORT);
    assert_int_equal(ippm_src_policy_allow(&p, 18862), IPPM_OK);
    assert_int_equal(verdict(&p, &peer, &local, false), IPPM_SRC_OK);
}

static void test_ippm_src_check_reflecting_ports(void **state)
{
    (void)state;
    static const uint16_t refused[] = {0,   7,    13,   17,   19,  37,
                                       53,  111,  123,  137,  161, 389,
                                       862, 1900, 5353, 11211};
    static const uint16_t answered[] = {
        1, 8, 9, 54, 122, 124, 863, 1024, 5000, 32768, 40000, 11212, 65535};
    struct ippm_src_policy p;
    memset(&p, 0, sizeof p);
    struct ippm_addr local = v4(192, 0, 2, 1, 18862);
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        struct ippm_addr peer = v4(203, 0, 113, 9, refused[i]);
        assert_true(ippm_src_port_reflects(refused[i]));
        assert_int_equal(verdict(&p, &peer, &local, false),
                         IPPM_SRC_REFLECTING_PORT);
    }
    for (size_t i = 0; i < sizeof answered / sizeof answered[0]; i++) {
        struct ippm_addr peer = v4(203, 0, 113, 9, answered[i]);
        assert_false(ippm_src_port_reflects(answered[i]));
        assert_int_equal(verdict(&p, &peer, &local, false), IPPM_SRC_OK);
    }
}

/* --allow-src-port 862: a reflector-to-reflector set-up. */
static void test_ippm_src_policy_allow_exempts_a_port(void **state)
{
    (void)state;
    struct ippm_src_policy p;
    memset(&p, 0, sizeof p);
    struct ippm_addr local = v4(192, 0, 2, 1, 862);
    struct ippm_addr peer = v4(192, 0, 2, 2, 862);
    struct ippm_addr dns = v4(192, 0, 2, 2, 53);
    assert_int_equal(verdict(&p, &peer, &local, false), IPPM_SRC_OWN_PORT);
    assert_int_equal(ippm_src_policy_allow(&p, 862), IPPM_OK);
    assert_int_equal(ippm_src_policy_allow(&p, 862), IPPM_OK);
    assert_int_equal(p.n_allow, 1);
    assert_int_equal(verdict(&p, &peer, &local, false), IPPM_SRC_OK);
    assert_int_equal(verdict(&p, &dns, &local, false),
                     IPPM_SRC_REFLECTING_PORT);
}

static void test_ippm_src_policy_allow_limits(void **state)
{
    (void)state;
    struct ippm_src_policy p;
    memset(&p, 0, sizeof p);
    assert_int_equal(ippm_src_policy_allow(&p, 0), IPPM_ERR_BAD_ARG);
    for (uint16_t i = 0; i < IPPM_SRC_ALLOW_MAX; i++)
        assert_int_equal(ippm_src_policy_allow(&p, (uint16_t)(100 + i)),
                         IPPM_OK);
    assert_int_equal(ippm_src_policy_allow(&p, 7), IPPM_ERR_NOSPACE);
    assert_int_equal(ippm_src_policy_allow(&p, 100), IPPM_OK);
    assert_int_equal(p.n_allow, IPPM_SRC_ALLOW_MAX);
}

/* The address family is part of the address: 127.0.0.1 is not ::1. */
static void test_ippm_src_check_family_matters(void **state)
{
    (void)state;
    struct ippm_src_policy p;
    memset(&p, 0, sizeof p);
    assert_int_equal(ippm_src_policy_allow(&p, 5000), IPPM_OK);
    struct ippm_addr local = v4(127, 0, 0, 1, 5000);
    struct ippm_addr peer = v6_loopback(5000);
    assert_int_equal(verdict(&p, &peer, &local, false), IPPM_SRC_OK);
}

/* Bound to every address, a datagram this host sent from another of its
 * addresses with our port is from this very socket: refused as SELF even
 * with the port allowed. Bound to one address, it is another server on
 * this host (an operator's reflector-to-reflector set-up). */
static void test_ippm_src_check_wildcard_host_with_own_port(void **state)
{
    (void)state;
    struct ippm_src_policy p;
    memset(&p, 0, sizeof p);
    p.self = v4(0, 0, 0, 0, 862);
    assert_int_equal(ippm_src_policy_allow(&p, 862), IPPM_OK);
    struct ippm_addr local = v4(127, 0, 0, 1, 862);
    struct ippm_addr peer = v4(127, 0, 0, 2, 862);
    assert_int_equal(verdict(&p, &peer, &local, true), IPPM_SRC_SELF);
    assert_int_equal(verdict(&p, &peer, &local, false), IPPM_SRC_OK);
    peer.port = 40000; /* a sender on this host */
    assert_int_equal(verdict(&p, &peer, &local, true), IPPM_SRC_OK);
    p.self = v4(127, 0, 0, 1, 862);
    peer.port = 862;
    assert_int_equal(verdict(&p, &peer, &local, true), IPPM_SRC_OK);
    memset(&p.self, 0, sizeof p.self); /* not known: as a wildcard */
    assert_int_equal(verdict(&p, &peer, &local, true), IPPM_SRC_SELF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_src_check_refuses_own_address_and_port),
        cmocka_unit_test(test_ippm_src_check_self_refused_even_if_port_allowed),
        cmocka_unit_test(test_ippm_src_check_unknown_local_uses_self),
        cmocka_unit_test(test_ippm_src_check_local_address_socket_port),
        cmocka_unit_test(test_ippm_src_check_own_port_elsewhere),
        cmocka_unit_test(test_ippm_src_check_reflecting_ports),
        cmocka_unit_test(test_ippm_src_policy_allow_exempts_a_port),
        cmocka_unit_test(test_ippm_src_policy_allow_limits),
        cmocka_unit_test(test_ippm_src_check_family_matters),
        cmocka_unit_test(test_ippm_src_check_wildcard_host_with_own_port),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
