/* The driver of one TWAMP or OWAMP control connection, either role: the
 * bytes that arrive go to the control state machine as BYTES events (the
 * peer's close as CLOSED), its SEND_BYTES actions are written to the
 * socket and CLOSE closes it, and TIMER goes in whenever the machine's
 * deadline passes (proto/common/ippm_event.h). It never looks at a
 * message: the machine is reached only through struct owtw_link_ops, so
 * the server and the client, OWAMP and TWAMP, run the same loop. */
#ifndef IPPM_OWTW_LINK_H
#define IPPM_OWTW_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "impl/core/net.h"
#include "proto/common/ippm_event.h"

/* How the driver reaches a machine. */
struct owtw_link_ops {
    /* Hands ev to machine m; *act is what to do. tx is where a
     * SEND_BYTES action's octets are. */
    enum ippm_err (*handle)(void *m, const struct ippm_event *ev,
                            struct ippm_action *act);
    /* When m next wants a TIMER (UINT64_MAX: never). */
    uint64_t (*deadline)(const void *m);
    /* The octets of m's last SEND_BYTES action. */
    const uint8_t *(*tx)(const void *m);
    /* Octets the next BYTES event may carry (the machine's buffer). */
    size_t (*room)(const void *m);
    /* Every action, NONE included, before the driver does its part
     * (writes, closes): the program's hook, which finds what else the
     * machine said (a session requested, accepted, started) in its own
     * copy of the machine's answer, and may answer at once with
     * owtw_link_perform (written before this action's octets). May be
     * NULL. */
    void (*on_action)(void *user, const struct ippm_action *act);
};

/* How long a write of one action's octets may wait for room. */
#define OWTW_LINK_WRITE_TIMEOUT_NS (10ull * 1000000000ull)

struct owtw_link {
    struct ippm_sock sock;     /* fd -1 once closed */
    struct ippm_addr peer;
    struct ippm_idle idle;     /* limit 0: the machine times itself */
    void *m;
    const struct owtw_link_ops *ops;
    void *user;                /* for ops->on_action */
    bool peer_closed;          /* CLOSED was handed in */
    enum ippm_err why;         /* the CLOSE action's reason, or the I/O
                                * failure that closed it */
    int io_errno;              /* errno of a failed read or write, else 0 */
    /* Until the first octets arrive, only the idle limit times the link
     * and the machine gets no TIMER; then the limit is lifted. For a
     * client awaiting the Server-Greeting: its machine counts a reply's
     * wait from the last octets received, which is none yet. */
    bool first_bytes_pending;
    uint64_t octets_in, octets_out;
};

/* Takes over an open socket (connected or accepted) for machine m. */
void owtw_link_init(struct owtw_link *c, const struct ippm_sock *sock,
                    const struct ippm_addr *peer, void *m,
                    const struct owtw_link_ops *ops, void *user,
                    uint64_t idle_ns, uint64_t now_ns);

/* True while the socket is open. */
bool owtw_link_open(const struct owtw_link *c);

/* Does an action the program got from the machine outside an event (an
 * answer call: Accept-Session, Start-Ack ...): writes or closes, then
 * sends TIMER while the deadline is at or before now_ns. Returns as
 * owtw_link_event. */
int owtw_link_perform(struct owtw_link *c, const struct ippm_action *act,
                      uint64_t now_ns);

/* Hands ev to the machine and does what it answers, then sends TIMER as
 * long as the machine's deadline is at or before ev->now_ns (a machine
 * with more to say than one action). Returns 0, or -1 once the
 * connection is closed (by the machine, the peer or an I/O error). */
int owtw_link_event(struct owtw_link *c, const struct ippm_event *ev);

/* The socket is readable: reads what waits and hands it in as BYTES,
 * or CLOSED at the end of the stream. Returns as owtw_link_event. */
int owtw_link_readable(struct owtw_link *c, uint64_t now_ns);

/* Sends TIMER when the machine's deadline has passed, and closes the
 * connection (why IPPM_ERR_TIMEOUT) when it has been idle past its limit.
 * Returns as owtw_link_event. */
int owtw_link_due(struct owtw_link *c, uint64_t now_ns);

/* The earliest of the machine's deadline and the idle limit. */
uint64_t owtw_link_deadline(const struct owtw_link *c);

/* Closes the socket (if open). */
void owtw_link_close(struct owtw_link *c);

#endif
