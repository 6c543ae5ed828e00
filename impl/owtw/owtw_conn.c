#include "owtw_conn.h"

#include <errno.h>
#include <string.h>

/* Octets read per call: a few control messages. */
#define READ_CHUNK 4096

/* see owtw_conn.h */
void owtw_conn_init(struct owtw_conn *c, const struct ippm_sock *sock,
                    const struct ippm_addr *peer, void *m,
                    const struct owtw_conn_ops *ops, void *user,
                    uint64_t idle_ns, uint64_t now_ns)
{
    memset(c, 0, sizeof(*c));
    c->sock = *sock;
    c->peer = *peer;
    c->m = m;
    c->ops = ops;
    c->user = user;
    c->idle.limit_ns = idle_ns;
    ippm_idle_touch(&c->idle, now_ns);
    c->why = IPPM_OK;
}

/* see owtw_conn.h */
bool owtw_conn_open(const struct owtw_conn *c)
{
    return c->sock.fd >= 0;
}

/* see owtw_conn.h */
void owtw_conn_close(struct owtw_conn *c)
{
    ippm_net_close(&c->sock);
}

static void fail_io(struct owtw_conn *c, enum ippm_err why)
{
    c->io_errno = errno;
    c->why = why;
    owtw_conn_close(c);
}

/* Does one action's part. Returns 0, or -1 when the connection closed. */
static int perform(struct owtw_conn *c, const struct ippm_action *act)
{
    switch (act->kind) {
    case IPPM_ACT_SEND_BYTES:
        if (ippm_tcp_write_all(&c->sock, c->ops->tx(c->m), act->len,
                               OWTW_CONN_WRITE_TIMEOUT_NS) != 0) {
            fail_io(c, errno == ETIMEDOUT ? IPPM_ERR_TIMEOUT
                                          : IPPM_ERR_PEER_CLOSED);
            return -1;
        }
        c->octets_out += act->len;
        break;
    case IPPM_ACT_CLOSE:
        c->why = act->why;
        owtw_conn_close(c);
        break;
    default:
        break;
    }
    if (act->kind != IPPM_ACT_NONE && c->ops->on_action)
        c->ops->on_action(c->user, act);
    return owtw_conn_open(c) ? 0 : -1;
}

/* One event in, its action done. */
static int step(struct owtw_conn *c, const struct ippm_event *ev)
{
    struct ippm_action act;
    memset(&act, 0, sizeof(act));
    act.kind = IPPM_ACT_NONE;
    act.tos = -1;
    (void)c->ops->handle(c->m, ev, &act);
    return perform(c, &act);
}

/* see owtw_conn.h */
int owtw_conn_event(struct owtw_conn *c, const struct ippm_event *ev)
{
    if (!owtw_conn_open(c) || step(c, ev) != 0)
        return -1;
    /* A machine with more to send keeps its deadline at or before now
     * (ippm_event.h); a bound keeps a machine that never lets go from
     * holding the loop. */
    for (int i = 0; i < 1024 && c->ops->deadline(c->m) <= ev->now_ns; i++) {
        struct ippm_event t = {.kind = IPPM_EV_TIMER, .now_ns = ev->now_ns};
        if (step(c, &t) != 0)
            return -1;
    }
    return 0;
}

/* see owtw_conn.h */
int owtw_conn_readable(struct owtw_conn *c, uint64_t now_ns)
{
    uint8_t buf[READ_CHUNK];
    while (owtw_conn_open(c)) {
        ssize_t n = ippm_tcp_read(&c->sock, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            /* A reset is the peer's close too, only ruder. */
            c->io_errno = errno;
            n = 0;
        }
        struct ippm_event ev = {.now_ns = now_ns, .data = buf,
                                .len = (size_t)n};
        if (n == 0) {
            ev.kind = IPPM_EV_CLOSED;
            c->peer_closed = true;
            int rc = owtw_conn_event(c, &ev);
            /* Nothing more will come: whatever the machine said, the
             * socket has nothing left to read. */
            if (rc == 0 && owtw_conn_open(c)) {
                c->why = IPPM_ERR_PEER_CLOSED;
                owtw_conn_close(c);
            }
            return -1;
        }
        ev.kind = IPPM_EV_BYTES;
        c->octets_in += (uint64_t)n;
        ippm_idle_touch(&c->idle, now_ns);
        if (owtw_conn_event(c, &ev) != 0)
            return -1;
    }
    return -1;
}

/* see owtw_conn.h */
uint64_t owtw_conn_deadline(const struct owtw_conn *c)
{
    uint64_t m = c->ops->deadline(c->m), i = ippm_idle_deadline(&c->idle);
    return m < i ? m : i;
}

/* see owtw_conn.h */
int owtw_conn_due(struct owtw_conn *c, uint64_t now_ns)
{
    if (!owtw_conn_open(c))
        return -1;
    if (ippm_idle_deadline(&c->idle) <= now_ns) {
        c->why = IPPM_ERR_TIMEOUT;
        owtw_conn_close(c);
        return -1;
    }
    if (c->ops->deadline(c->m) > now_ns)
        return 0;
    struct ippm_event t = {.kind = IPPM_EV_TIMER, .now_ns = now_ns};
    return owtw_conn_event(c, &t);
}
