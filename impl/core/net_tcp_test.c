/* net_tcp.c: a loopback connection through the dual-stack listener,
 * bytes both ways in any split, the peer's close, a refused connect and
 * one to nowhere that gives up at its timeout. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "net.h"

static struct ippm_addr loopback4(uint16_t port)
{
    struct ippm_addr a = {.family = IPPM_AF_INET, .ip = {127, 0, 0, 1},
                          .port = port};
    return a;
}

/* Accepts within a second (the connect is already done by the kernel). */
static void accept_one(const struct ippm_sock *l, struct ippm_sock *c,
                       struct ippm_addr *peer)
{
    assert_int_equal(ippm_net_wait(l, 1000000000ull), 1);
    assert_int_equal(ippm_tcp_accept(l, c, peer), 1);
}

/* Reads exactly n octets, waiting for each part. */
static void read_exact(const struct ippm_sock *s, uint8_t *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        assert_int_equal(ippm_net_wait(s, 1000000000ull), 1);
        ssize_t r = ippm_tcp_read(s, buf + got, n - got);
        assert_true(r > 0);
        got += (size_t)r;
    }
}

static void test_dual_stack_listener_carries_bytes_and_close(void **state)
{
    (void)state;
    char err[IPPM_NET_ERRLEN];
    struct ippm_sock l, c, a;
    assert_int_equal(ippm_tcp_listen(&l, NULL, 0, err, sizeof(err)), 0);
    assert_int_not_equal(l.local.port, 0);
    struct ippm_addr to = loopback4(l.local.port);
    assert_int_equal(ippm_tcp_connect(&c, &to, NULL, 1000000000ull, err,
                                      sizeof(err)),
                     0);
    struct ippm_addr peer;
    accept_one(&l, &a, &peer);
    /* The IPv4 client reached the [::] listener and reads as IPv4. */
    assert_int_equal(peer.family, IPPM_AF_INET);
    assert_int_equal(peer.port, c.local.port);
    uint8_t big[200000], back[200000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7);
    /* Nothing waits yet: EAGAIN, not a close. */
    assert_int_equal(ippm_tcp_read(&a, back, 1), -1);
    assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
    assert_int_equal(ippm_tcp_write_all(&c, (const uint8_t *)"hello", 5,
                                        1000000000ull),
                     0);
    read_exact(&a, back, 5);
    assert_memory_equal(back, "hello", 5);
    /* More than the socket buffers hold at once: write_all waits for
     * room while the other side reads (a child reads, to keep it simple). */
    pid_t pid = fork();
    if (pid == 0) {
        uint8_t got[sizeof(big)];
        size_t n = 0;
        while (n < sizeof(got)) {
            if (ippm_net_wait(&a, 2000000000ull) != 1)
                _exit(2);
            ssize_t r = ippm_tcp_read(&a, got + n, sizeof(got) - n);
            if (r <= 0)
                _exit(3);
            n += (size_t)r;
        }
        _exit(memcmp(got, big, sizeof(big)) == 0 ? 0 : 4);
    }
    assert_int_equal(ippm_tcp_write_all(&c, big, sizeof(big), 5000000000ull),
                     0);
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(status, 0);
    ippm_net_close(&c);
    assert_int_equal(ippm_net_wait(&a, 1000000000ull), 1);
    assert_int_equal(ippm_tcp_read(&a, back, sizeof(back)), 0);
    ippm_net_close(&a);
    ippm_net_close(&l);
}

static void test_connect_refused_names_the_peer(void **state)
{
    (void)state;
    char err[IPPM_NET_ERRLEN];
    struct ippm_sock l, c;
    /* A port just freed: nobody listens there. */
    assert_int_equal(ippm_tcp_listen(&l, NULL, 0, err, sizeof(err)), 0);
    struct ippm_addr to = loopback4(l.local.port);
    ippm_net_close(&l);
    assert_int_equal(ippm_tcp_connect(&c, &to, NULL, 1000000000ull, err,
                                      sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "connect 127.0.0.1:"));
    assert_non_null(strstr(err, "refused"));
    assert_int_equal(c.fd, -1);
}

static void test_accept_with_nothing_waiting_is_zero(void **state)
{
    (void)state;
    char err[IPPM_NET_ERRLEN];
    struct ippm_sock l, c;
    struct ippm_addr lo = loopback4(0), peer;
    assert_int_equal(ippm_tcp_listen(&l, &lo, 0, err, sizeof(err)), 0);
    assert_int_equal(l.local.family, IPPM_AF_INET);
    assert_int_equal(ippm_tcp_accept(&l, &c, &peer), 0);
    ippm_net_close(&l);
}

static void test_idle_deadline(void **state)
{
    (void)state;
    struct ippm_idle t = {.limit_ns = 0};
    ippm_idle_touch(&t, 100);
    assert_true(ippm_idle_deadline(&t) == UINT64_MAX);
    t.limit_ns = 50;
    assert_true(ippm_idle_deadline(&t) == 150);
    ippm_idle_touch(&t, 400);
    assert_true(ippm_idle_deadline(&t) == 450);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dual_stack_listener_carries_bytes_and_close),
        cmocka_unit_test(test_connect_refused_names_the_peer),
        cmocka_unit_test(test_accept_with_nothing_waiting_is_zero),
        cmocka_unit_test(test_idle_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
