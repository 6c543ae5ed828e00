/* owtw_link.c on a loopback TCP connection with a toy machine: bytes in
 * any split reach it, its SEND_BYTES go out, a machine with two things to
 * say keeps its deadline at now and is called again, CLOSE closes, the
 * peer's close becomes CLOSED, and an idle connection is closed. */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "impl/owtw/owtw_link.h"

/* Answers every 4 octets received with "ok" and then "!" (two actions:
 * the second on the TIMER it asks for at once); "quit" closes. Like a
 * real machine it buffers what arrives and takes one message per event. */
struct toy {
    uint8_t buf[64];
    size_t n;
    int pending; /* '!' still to send */
    uint64_t now;
    uint8_t tx[8];
    int closed_seen, actions;
};

static enum ippm_err toy_handle(void *mv, const struct ippm_event *ev,
                                struct ippm_action *act)
{
    struct toy *m = mv;
    m->now = ev->now_ns;
    if (ev->kind == IPPM_EV_CLOSED) {
        m->closed_seen++;
        ippm_action_set(act, IPPM_ACT_CLOSE, 0, IPPM_ERR_PEER_CLOSED, 0);
        return IPPM_OK;
    }
    if (ev->kind == IPPM_EV_BYTES) {
        assert_true(m->n + ev->len <= sizeof(m->buf));
        memcpy(m->buf + m->n, ev->data, ev->len);
        m->n += ev->len;
    }
    if (m->pending) {
        m->pending = 0;
        m->tx[0] = '!';
        ippm_action_set(act, IPPM_ACT_SEND_BYTES, 1, IPPM_OK, 0);
        return IPPM_OK;
    }
    if (m->n >= 4) {
        bool quit = memcmp(m->buf, "quit", 4) == 0;
        memmove(m->buf, m->buf + 4, m->n - 4);
        m->n -= 4;
        if (quit) {
            ippm_action_set(act, IPPM_ACT_CLOSE, 0, IPPM_OK, 0);
            return IPPM_OK;
        }
        memcpy(m->tx, "ok", 2);
        m->pending = 1;
        ippm_action_set(act, IPPM_ACT_SEND_BYTES, 2, IPPM_OK, 0);
        return IPPM_OK;
    }
    ippm_action_set(act, IPPM_ACT_NONE, 0, IPPM_OK, 0);
    return IPPM_OK;
}

static uint64_t toy_deadline(const void *mv)
{
    const struct toy *m = mv;
    return m->pending || m->n >= 4 ? m->now : UINT64_MAX;
}

static const uint8_t *toy_tx(const void *mv)
{
    return ((const struct toy *)mv)->tx;
}

static void toy_on_action(void *user, const struct ippm_action *act)
{
    if (act->kind != IPPM_ACT_NONE)
        ((struct toy *)user)->actions++;
}

static const struct owtw_link_ops toy_ops = {toy_handle, toy_deadline, toy_tx,
                                             NULL, toy_on_action};

/* A connected pair: *client and the server's side in c. */
static void pair(struct ippm_sock *client, struct owtw_link *c, struct toy *m,
                 uint64_t idle_ns)
{
    char err[IPPM_NET_ERRLEN];
    struct ippm_sock l, a;
    struct ippm_addr lo = {.family = IPPM_AF_INET, .ip = {127, 0, 0, 1}};
    struct ippm_addr peer;
    assert_int_equal(ippm_tcp_listen(&l, &lo, 0, err, sizeof(err)), 0);
    lo.port = l.local.port;
    assert_int_equal(ippm_tcp_connect(client, &lo, NULL, 1000000000ull, err,
                                      sizeof(err)),
                     0);
    assert_int_equal(ippm_net_wait(&l, 1000000000ull), 1);
    assert_int_equal(ippm_tcp_accept(&l, &a, &peer), 1);
    ippm_net_close(&l);
    memset(m, 0, sizeof(*m));
    owtw_link_init(c, &a, &peer, m, &toy_ops, m, idle_ns, 1000);
}

static void read_n(const struct ippm_sock *s, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        assert_int_equal(ippm_net_wait(s, 1000000000ull), 1);
        ssize_t r = ippm_tcp_read(s, (uint8_t *)buf + got, n - got);
        assert_true(r > 0);
        got += (size_t)r;
    }
}

static void test_bytes_actions_and_close(void **state)
{
    (void)state;
    struct ippm_sock cl;
    struct owtw_link c;
    struct toy m;
    pair(&cl, &c, &m, 0);
    /* "ab" then "cd": one message in two parts. */
    assert_int_equal(ippm_tcp_write_all(&cl, (const uint8_t *)"ab", 2,
                                        1000000000ull), 0);
    assert_int_equal(ippm_net_wait(&c.sock, 1000000000ull), 1);
    assert_int_equal(owtw_link_readable(&c, 2000), 0);
    assert_int_equal(ippm_tcp_write_all(&cl, (const uint8_t *)"cdquit", 6,
                                        1000000000ull), 0);
    assert_int_equal(ippm_net_wait(&c.sock, 1000000000ull), 1);
    /* "cd" completes a message ("ok", then "!" on the TIMER at once),
     * then "quit" closes. */
    assert_int_equal(owtw_link_readable(&c, 3000), -1);
    assert_false(owtw_link_open(&c));
    assert_int_equal(c.why, IPPM_OK);
    assert_int_equal(c.octets_in, 8);
    assert_int_equal(c.octets_out, 3);
    assert_int_equal(m.actions, 3);
    char buf[4];
    read_n(&cl, buf, 3);
    assert_memory_equal(buf, "ok!", 3);
    ippm_net_close(&cl);
}

static void test_peer_close_is_closed_event(void **state)
{
    (void)state;
    struct ippm_sock cl;
    struct owtw_link c;
    struct toy m;
    pair(&cl, &c, &m, 0);
    ippm_net_close(&cl);
    assert_int_equal(ippm_net_wait(&c.sock, 1000000000ull), 1);
    assert_int_equal(owtw_link_readable(&c, 2000), -1);
    assert_int_equal(m.closed_seen, 1);
    assert_true(c.peer_closed);
    assert_int_equal(c.why, IPPM_ERR_PEER_CLOSED);
}

static void test_idle_limit_closes(void **state)
{
    (void)state;
    struct ippm_sock cl;
    struct owtw_link c;
    struct toy m;
    pair(&cl, &c, &m, 500);
    assert_int_equal(owtw_link_deadline(&c), 1500);
    assert_int_equal(owtw_link_due(&c, 1499), 0);
    assert_int_equal(owtw_link_due(&c, 1500), -1);
    assert_int_equal(c.why, IPPM_ERR_TIMEOUT);
    assert_false(owtw_link_open(&c));
    ippm_net_close(&cl);
}

/* A client's machine counts a reply's wait from the last octets it got:
 * before the greeting, none. The link sends it no TIMER until the first
 * octets, and times the wait with its own idle limit, lifted then. */
static void test_first_bytes_pending_holds_timer(void **state)
{
    (void)state;
    struct ippm_sock cl;
    struct owtw_link c;
    struct toy m;
    pair(&cl, &c, &m, 500);
    c.first_bytes_pending = true;
    m.pending = 1; /* the machine wants a TIMER at once */
    m.now = 0;
    assert_int_equal(owtw_link_deadline(&c), 1500); /* the idle limit */
    assert_int_equal(owtw_link_due(&c, 1400), 0);
    assert_int_equal(m.actions, 0);
    assert_int_equal(ippm_tcp_write_all(&cl, (const uint8_t *)"x", 1,
                                        1000000000ull), 0);
    assert_int_equal(ippm_net_wait(&c.sock, 1000000000ull), 1);
    assert_int_equal(owtw_link_readable(&c, 1450), 0);
    assert_false(c.first_bytes_pending);
    assert_int_equal(m.actions, 1); /* the held '!' went out */
    /* The limit is lifted: long past it, still open. */
    assert_int_equal(owtw_link_due(&c, 100000), 0);
    assert_true(owtw_link_open(&c));
    ippm_net_close(&cl);
    owtw_link_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytes_actions_and_close),
        cmocka_unit_test(test_peer_close_is_closed_event),
        cmocka_unit_test(test_idle_limit_closes),
        cmocka_unit_test(test_first_bytes_pending_holds_timer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
