/* The UDP socket layer every protocol driver uses: name resolution,
 * binding, batched receive with kernel metadata, batched send from a
 * chosen source address.
 *
 * It converts between sockaddr and struct ippm_addr (proto never sees the
 * socket API) and knows nothing of any protocol. An IPv4 peer reaching a
 * dual-stack IPv6 socket appears as IPv4 (never as ::ffff:a.b.c.d), and
 * is mapped back when sending. */
#ifndef IPPM_NET_H
#define IPPM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "proto/common/ippm_addr.h"
#include "clock.h"

#define IPPM_NET_BATCH 64          /* datagrams per recvmmsg / sendmmsg */
#define IPPM_NET_MAX_DGRAM 65535   /* largest UDP payload a buffer holds */
#define IPPM_NET_SOCKBUF (4 << 20) /* SO_RCVBUF / SO_SNDBUF we ask for */
#define IPPM_ADDR_STRLEN 80        /* "[v6%ifname]:port" with room to spare */
#define IPPM_NET_ERRLEN 256

struct ippm_sock {
    int fd;
    int family;          /* AF_INET or AF_INET6, of the socket */
    struct ippm_addr local; /* what it is bound to (port filled in) */
    unsigned lo_ifindex;    /* the loopback interface, for meta.from_host */
};

/* Resolves host (numeric, or a name through getaddrinfo) and sets port.
 * fam IPPM_AF_NONE takes the first address of any family. Returns 0, or
 * -1 with a one-line reason in err. */
int ippm_net_resolve(const char *host, uint16_t port, enum ippm_family fam,
                     struct ippm_addr *out, char *err, size_t err_len);

/* Opens a UDP socket bound to local:port with receive metadata on (kernel
 * timestamp, TTL, TOS, destination address). local NULL binds every
 * address: one AF_INET6 socket with IPV6_V6ONLY off, or AF_INET when the
 * host has no IPv6. Returns 0, or -1 with the reason in err and errno
 * set; a refused bind names the address and port ("bind [::]:862:
 * Permission denied"; ippm_cli_bind_error adds what to do). */
int ippm_net_open_bound(struct ippm_sock *s, const struct ippm_addr *local,
                        uint16_t port, char *err, size_t err_len);

/* ippm_net_open_bound with SO_REUSEPORT, for a server's worker threads:
 * each opens its own socket on the same address and port (the first may
 * take port 0, the others then its port), and the kernel spreads
 * datagrams over them by a hash of the 4-tuple, so one flow always
 * reaches the same socket. Only the same user can share the port. */
int ippm_net_open_shared(struct ippm_sock *s, const struct ippm_addr *local,
                         uint16_t port, char *err, size_t err_len);

/* Opens a UDP socket on an ephemeral port, connected to peer, with receive
 * metadata on: the kernel then delivers only peer's datagrams, and ICMP
 * errors as ECONNREFUSED. Returns 0, or -1 with the reason in err. */
int ippm_net_open_connected(struct ippm_sock *s, const struct ippm_addr *peer,
                            char *err, size_t err_len);

/* TTL / Hop Limit (1-255) and TOS / Traffic Class (0-255) of what s sends.
 * Both are set for IPv4 and IPv6 on a dual-stack socket. Return 0 or -1
 * with errno. */
int ippm_net_set_ttl(const struct ippm_sock *s, int ttl);
int ippm_net_set_tos(const struct ippm_sock *s, int tos);

void ippm_net_close(struct ippm_sock *s);

/* Turns off the receive metadata that a server reading only the peer and
 * the destination address does without: the kernel timestamp (each
 * batch's datagrams then get one clock read of ippm_net_recv), TTL, TOS
 * and IPv6 extension headers. For a protocol that uses whole seconds (the
 * RMBT ping server); it saves the kernel a control message per datagram.
 * Returns 0, or -1 with errno. */
int ippm_net_rx_lean(const struct ippm_sock *s);

/* ---- waiting, and stopping on SIGINT / SIGTERM ---- */

/* Catches SIGINT and SIGTERM from now on. They are blocked except inside
 * ippm_net_wait (ppoll swaps the mask atomically), so a signal can never
 * slip in between a check of ippm_net_stopping and the wait. */
void ippm_net_stop_signals(void);

/* True once SIGINT or SIGTERM has arrived, delivered or still pending
 * (ppoll leaves it pending while the socket is readable): a loop calls it
 * between batches, whatever ippm_net_wait returned. One sigpending call
 * until a signal is seen. */
bool ippm_net_stopping(void);

/* Waits until s is readable, timeout_ns has passed (UINT64_MAX: no
 * limit), or a stop signal arrives. Returns 1 readable, 0 otherwise, -1
 * with errno on error. */
int ippm_net_wait(const struct ippm_sock *s, uint64_t timeout_ns);

/* ippm_net_wait over n descriptors (revents filled in): the same stop
 * signal rule, so a driver with many sockets (a control server: listener,
 * connections, test sockets) stops the same way. Returns the number
 * ready, 0 on timeout or a stop signal, -1 with errno on error. */
int ippm_net_poll(struct pollfd *fds, size_t n, uint64_t timeout_ns);

/* "192.0.2.1:862", "[2001:db8::1]:862" or, with a zone,
 * "[fe80::1%eth0]:862" (the interface's index when it has no name any
 * more) into buf; returns buf. */
const char *ippm_addr_fmt(const struct ippm_addr *a, char *buf, size_t len);

/* The address alone, as ippm_addr_fmt writes it without brackets or
 * port: "192.0.2.1", "2001:db8::1", "fe80::1%eth0"; returns buf. */
const char *ippm_addr_ip_fmt(const struct ippm_addr *a, char *buf,
                             size_t len);

/* sockaddr to ippm_addr; IPv4-mapped IPv6 becomes IPv4. An unknown family
 * gives IPPM_AF_NONE. */
void ippm_addr_from_sockaddr(struct ippm_addr *out, const struct sockaddr *sa);

/* ippm_addr to a sockaddr for a socket of sock_family (IPv4 is mapped on
 * an AF_INET6 socket). Returns its length, 0 when it cannot be expressed
 * (IPv6 on an AF_INET socket). */
socklen_t ippm_addr_to_sockaddr(const struct ippm_addr *a, int sock_family,
                                struct sockaddr_storage *ss);

/* ---- batched receive ---- */

struct ippm_rx_batch {
    size_t cap;
    size_t buf_size;
    uint8_t *bufs;              /* cap * buf_size */
    size_t *len;                /* octets received, per datagram */
    bool *trunc;                /* datagram was larger than buf_size */
    struct ippm_rx_meta *meta;  /* per datagram */
    /* recvmmsg plumbing */
    struct mmsghdr *msgs;
    struct iovec *iov;
    struct sockaddr_storage *names;
    uint8_t *ctrl;
};

/* Allocates cap buffers of buf_size octets. Returns 0 or -1 (ENOMEM). */
int ippm_rx_batch_init(struct ippm_rx_batch *b, size_t cap, size_t buf_size);
void ippm_rx_batch_free(struct ippm_rx_batch *b);

static inline const uint8_t *ippm_rx_batch_buf(const struct ippm_rx_batch *b,
                                               size_t i)
{
    return b->bufs + i * b->buf_size;
}

/* Receives what is waiting, up to b->cap datagrams, without blocking.
 * Each gets len, trunc and meta: rx_ns is the kernel receive time on clk
 * (the time of this call when the kernel gave none), ttl and tos (-1 when
 * absent), peer, local (the address it was sent to, port = the
 * socket's), from_host (arrived on the loopback interface; known when
 * the socket is not bound to one address), and an IPv6 datagram's
 * extension headers (Hop-by-Hop, Destination Options, Routing, in packet
 * order, each whole; pointers into b, valid until the next call; up to
 * 1024 octets of them per datagram). Returns the count, 0 when
 * nothing waits, or -1 with errno
 * (EINTR; ECONNREFUSED on a connected socket after an ICMP error). */
int ippm_net_recv(const struct ippm_sock *s, struct ippm_rx_batch *b,
                  const struct ippm_clock *clk);

/* True for an errno ippm_net_recv reports on a connected socket when an
 * ICMP error came back for an earlier datagram (ECONNREFUSED,
 * EHOSTUNREACH, ENETUNREACH): the socket stays usable, so a driver counts
 * it and reads on. */
bool ippm_net_icmp_error(int err);

/* ---- batched send ---- */

struct ippm_tx_batch {
    size_t cap;
    size_t buf_size;
    size_t n;                   /* queued */
    uint8_t *bufs;
    struct mmsghdr *msgs;
    struct iovec *iov;
    struct sockaddr_storage *names;
    uint8_t *ctrl;
};

int ippm_tx_batch_init(struct ippm_tx_batch *b, size_t cap, size_t buf_size);
void ippm_tx_batch_free(struct ippm_tx_batch *b);

/* The next free buffer (buf_size octets), NULL when the batch is full. */
uint8_t *ippm_tx_batch_slot(struct ippm_tx_batch *b);

/* Queues the slot's first len octets for peer (NULL on a connected
 * socket), leaving from local when it is given and not IPPM_AF_NONE (the
 * address a request arrived at, so the reply comes from where it went). */
void ippm_tx_batch_commit(struct ippm_tx_batch *b, const struct ippm_sock *s,
                          size_t len, const struct ippm_addr *peer,
                          const struct ippm_addr *local);

/* Marks the datagram queued last with this IPv4 TOS / IPv6 Traffic Class
 * (0-255), by an IP_TOS or IPV6_TCLASS control message chosen by the
 * family of peer: per packet, unlike ippm_net_set_tos. No-op on an empty
 * batch. */
void ippm_tx_batch_set_tos(struct ippm_tx_batch *b,
                           const struct ippm_addr *peer, int tos);

/* The same for the TTL / Hop Limit (1-255; anything else: the socket's):
 * what a relay carries, so TTL-based checks see through it. */
void ippm_tx_batch_set_ttl(struct ippm_tx_batch *b,
                           const struct ippm_addr *peer, int ttl);

/* Sends everything queued with sendmmsg and empties the batch. A datagram
 * the kernel refuses is skipped, not retried. Returns the number sent;
 * *first_err (if not NULL) gets the errno of the first refusal, else 0. */
size_t ippm_net_send(const struct ippm_sock *s, struct ippm_tx_batch *b,
                     int *first_err);

/* ---- kernel transmit timestamps (net_txts.c) ---- */

/* What SO_TIMESTAMPING gives on transmit: none, the kernel's software
 * time (taken as the driver hands the packet to the device), or the NIC's
 * hardware time (its PTP clock: meaningful on our clock only when
 * phc2sys or the like steers one to the other). */
enum ippm_txts_kind { IPPM_TXTS_NONE = 0, IPPM_TXTS_SOFTWARE,
                      IPPM_TXTS_HARDWARE };

/* One transmit timestamp from the error queue. */
struct ippm_txts {
    uint32_t id;   /* the datagram's index: 0 for the first sent after
                    * ippm_net_txts_enable (SOF_TIMESTAMPING_OPT_ID) */
    uint64_t ns;   /* the send time, ns since the Unix epoch (software:
                    * CLOCK_REALTIME; see ippm_clock_from_realtime) */
    enum ippm_txts_kind kind;
};

/* Asks the kernel for transmit timestamps on s: of every datagram sent
 * from now on (every), or only of those ippm_tx_batch_want_txts marks (a
 * clone of each timestamped packet costs the kernel; a reflector asks
 * only for replies someone will ask about). Software and, where the NIC
 * has been set up for it, hardware (ippm does not reconfigure a NIC);
 * reported on the error queue with the datagram's index among the
 * timestamped ones and no copy of the packet (OPT_ID, OPT_TSONLY). Returns
 * IPPM_TXTS_SOFTWARE, or IPPM_TXTS_NONE with errno when the kernel
 * refuses (callers fall back to their own clock read before the send).
 * Receive timestamps (SO_TIMESTAMPNS) are unchanged. */
enum ippm_txts_kind ippm_net_txts_enable(const struct ippm_sock *s,
                                         bool every);

/* Marks the datagram queued last in b for a transmit timestamp (a
 * SO_TIMESTAMPING control message), on a socket enabled without every. */
void ippm_tx_batch_want_txts(struct ippm_tx_batch *b);

/* Reads up to n transmit timestamps waiting on s's error queue, without
 * blocking; other error-queue messages (ICMP errors) are read and dropped.
 * A datagram the NIC timestamps may come twice (software, then
 * hardware): the later one is the better. Returns how many were stored,
 * 0 when none wait, or -1 with errno. */
int ippm_net_txts_read(const struct ippm_sock *s, struct ippm_txts *out,
                       size_t n);

/* ---- TCP (net_tcp.c): the control connections of TWAMP, OWAMP, ... ----
 *
 * The same struct ippm_sock, so ippm_net_wait works on a listener and a
 * connection alike. Every descriptor is nonblocking: a driver reads what
 * is there and hands it to a state machine, which never waits. */

/* Opens a listening TCP socket on local:port (local NULL: every address,
 * one dual-stack AF_INET6 socket, or AF_INET without IPv6), with
 * SO_REUSEADDR so a restarted server binds at once. Errors as
 * ippm_net_open_bound ("bind [::]:862: Permission denied"). */
int ippm_tcp_listen(struct ippm_sock *s, const struct ippm_addr *local,
                    uint16_t port, char *err, size_t err_len);

/* Accepts one waiting connection of listener l into c (nonblocking, its
 * local address filled in) and its peer into *peer. Returns 1, 0 when
 * none waits (or the peer left before it was accepted), -1 with errno. */
int ippm_tcp_accept(const struct ippm_sock *l, struct ippm_sock *c,
                    struct ippm_addr *peer);

/* Connects to peer within timeout_ns (UINT64_MAX: the kernel's own
 * limit), the wait cut short by a stop signal. local, when not NULL and
 * not IPPM_AF_NONE, is the source address. s is left nonblocking.
 * Returns 0, or -1 with one line in err ("connect 192.0.2.1:862:
 * Connection refused", "... timed out after 5 s", "... interrupted"). */
int ippm_tcp_connect(struct ippm_sock *s, const struct ippm_addr *peer,
                     const struct ippm_addr *local, uint64_t timeout_ns,
                     char *err, size_t err_len);

/* Reads what is waiting, up to cap octets, without blocking. Returns the
 * count, 0 when the peer closed its side, or -1 with errno (EAGAIN:
 * nothing yet; ECONNRESET ...). */
ssize_t ippm_tcp_read(const struct ippm_sock *s, uint8_t *buf, size_t cap);

/* Writes all len octets, waiting for room up to timeout_ns in all (a
 * control message is small; a peer that reads nothing for that long is
 * gone). Returns 0, or -1 with errno (ETIMEDOUT, EPIPE, EINTR on a stop
 * signal). Never raises SIGPIPE. */
int ippm_tcp_write_all(const struct ippm_sock *s, const uint8_t *buf,
                       size_t len, uint64_t timeout_ns);

/* An idle timer per connection: SERVWAIT and the like. */
struct ippm_idle {
    uint64_t limit_ns; /* 0: never idle */
    uint64_t last_ns;  /* the last activity */
};

/* Activity at now_ns restarts the timer. */
static inline void ippm_idle_touch(struct ippm_idle *t, uint64_t now_ns)
{
    t->last_ns = now_ns;
}

/* When the connection counts as idle: UINT64_MAX without a limit. */
static inline uint64_t ippm_idle_deadline(const struct ippm_idle *t)
{
    return t->limit_ns ? t->last_ns + t->limit_ns : UINT64_MAX;
}

#endif
