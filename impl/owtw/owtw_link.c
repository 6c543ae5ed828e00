#include "owtw_link.h"

#include <errno.h>
#include <string.h>

/* Octets read per call: a few control messages. */
#define READ_CHUNK 4096

/* see owtw_link.h */
void owtw_link_init(struct owtw_link *c, const struct ippm_sock *sock,
                    const struct ippm_addr *peer, void *m,
                    const struct owtw_link_ops *ops, void *user,
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

/* see owtw_link.h */
bool owtw_link_open(const struct owtw_link *c)
{
    return c->sock.fd >= 0;
}

/* see owtw_link.h */
void owtw_link_close(struct owtw_link *c)
{
    ippm_net_close(&c->sock);
}

static void fail_io(struct owtw_link *c, enum ippm_err why)
{
    c->io_errno = errno;
    c->why = why;
    owtw_link_close(c);
}

/* Does one action's part: first tells the program (a machine's note
 * is acted on before its SEND goes out, proto/owtw/owtw.h), then writes
 * or closes. Returns 0, or -1 when the connection closed. */
static int perform(struct owtw_link *c, const struct ippm_action *act)
{
    if (c->ops->on_action)
        c->ops->on_action(c->user, act);
    if (!owtw_link_open(c))
        return -1;
    switch (act->kind) {
    case IPPM_ACT_SEND_BYTES:
        if (ippm_tcp_write_all(&c->sock, c->ops->tx(c->m), act->len,
                               OWTW_LINK_WRITE_TIMEOUT_NS) != 0) {
            fail_io(c, errno == ETIMEDOUT ? IPPM_ERR_TIMEOUT
                                          : IPPM_ERR_PEER_CLOSED);
            return -1;
        }
        c->octets_out += act->len;
        break;
    case IPPM_ACT_CLOSE:
        c->why = act->why;
        owtw_link_close(c);
        break;
    default:
        break;
    }
    return owtw_link_open(c) ? 0 : -1;
}

/* One event in, its action done. */
static int step(struct owtw_link *c, const struct ippm_event *ev)
{
    struct ippm_action act;
    memset(&act, 0, sizeof(act));
    act.kind = IPPM_ACT_NONE;
    act.tos = -1;
    (void)c->ops->handle(c->m, ev, &act);
    return perform(c, &act);
}

/* TIMER while the machine's deadline is at or before now: a machine
 * with more to send keeps it there (ippm_event.h); a bound keeps a
 * machine that never lets go from holding the loop. */
static int catch_up(struct owtw_link *c, uint64_t now_ns)
{
    for (int i = 0; i < 1024 && owtw_link_open(c) && !c->first_bytes_pending &&
                    c->ops->deadline(c->m) <= now_ns;
         i++) {
        struct ippm_event t = {.kind = IPPM_EV_TIMER, .now_ns = now_ns};
        if (step(c, &t) != 0)
            return -1;
    }
    return owtw_link_open(c) ? 0 : -1;
}

/* see owtw_link.h */
int owtw_link_event(struct owtw_link *c, const struct ippm_event *ev)
{
    if (!owtw_link_open(c) || step(c, ev) != 0)
        return -1;
    return catch_up(c, ev->now_ns);
}

/* see owtw_link.h */
int owtw_link_perform(struct owtw_link *c, const struct ippm_action *act,
                      uint64_t now_ns)
{
    if (!owtw_link_open(c) || perform(c, act) != 0)
        return -1;
    return catch_up(c, now_ns);
}

/* see owtw_link.h */
int owtw_link_readable(struct owtw_link *c, uint64_t now_ns)
{
    uint8_t buf[READ_CHUNK];
    while (owtw_link_open(c)) {
        size_t room = c->ops->room ? c->ops->room(c->m) : sizeof(buf);
        if (room == 0)
            return 0; /* the machine catches up on TIMER first */
        ssize_t n = ippm_tcp_read(&c->sock, buf,
                                  room < sizeof(buf) ? room : sizeof(buf));
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
            int rc = owtw_link_event(c, &ev);
            /* Nothing more will come: whatever the machine said, the
             * socket has nothing left to read. */
            if (rc == 0 && owtw_link_open(c)) {
                c->why = IPPM_ERR_PEER_CLOSED;
                owtw_link_close(c);
            }
            return -1;
        }
        ev.kind = IPPM_EV_BYTES;
        c->octets_in += (uint64_t)n;
        if (c->first_bytes_pending) {
            c->first_bytes_pending = false;
            c->idle.limit_ns = 0;
        }
        ippm_idle_touch(&c->idle, now_ns);
        if (owtw_link_event(c, &ev) != 0)
            return -1;
    }
    return -1;
}

/* see owtw_link.h */
uint64_t owtw_link_deadline(const struct owtw_link *c)
{
    uint64_t m = c->first_bytes_pending ? UINT64_MAX : c->ops->deadline(c->m),
             i = ippm_idle_deadline(&c->idle);
    return m < i ? m : i;
}

/* see owtw_link.h */
int owtw_link_due(struct owtw_link *c, uint64_t now_ns)
{
    if (!owtw_link_open(c))
        return -1;
    if (ippm_idle_deadline(&c->idle) <= now_ns) {
        c->why = IPPM_ERR_TIMEOUT;
        owtw_link_close(c);
        return -1;
    }
    if (c->first_bytes_pending || c->ops->deadline(c->m) > now_ns)
        return 0;
    struct ippm_event t = {.kind = IPPM_EV_TIMER, .now_ns = now_ns};
    return owtw_link_event(c, &t);
}
