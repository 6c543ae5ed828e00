/* TCP for control connections (net.h): listen, accept, connect with a
 * timeout, nonblocking reads and whole writes. Nothing here knows a
 * protocol; the bytes go to a state machine through its driver. */
#include "net.h"
#include "net_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LISTEN_BACKLOG 64

static void set_opt(int fd, int level, int name, int v)
{
    (void)setsockopt(fd, level, name, &v, sizeof(v));
}

/* Fills s from an open descriptor: its family and local address. */
static int tcp_finish(struct ippm_sock *s, int fd, int family, char *err,
                      size_t err_len)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
        return ippm_net_fail(err, err_len, "getsockname", fd);
    s->fd = fd;
    s->family = family;
    ippm_addr_from_sockaddr(&s->local, (struct sockaddr *)&ss);
    s->lo_ifindex = 0;
    return 0;
}

/* A nonblocking TCP socket of family with SO_REUSEADDR. */
static int tcp_socket(int family)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0)
        set_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    return fd;
}

/* Binds and listens; on failure closes fd. */
static int bind_listen(int fd, const struct ippm_addr *a, int family,
                       char *err, size_t err_len)
{
    struct sockaddr_storage ss;
    socklen_t sl = ippm_addr_to_sockaddr(a, family, &ss);
    if (bind(fd, (struct sockaddr *)&ss, sl) != 0)
        return ippm_net_bind_fail(err, err_len, a, fd);
    if (listen(fd, LISTEN_BACKLOG) != 0)
        return ippm_net_fail(err, err_len, "listen", fd);
    return 0;
}

/* The wildcard: dual-stack [::], else 0.0.0.0 on a host without IPv6. */
static int listen_any(struct ippm_sock *s, uint16_t port, char *err,
                      size_t err_len)
{
    struct ippm_addr a = {.family = IPPM_AF_INET6, .port = port};
    int fd = tcp_socket(AF_INET6);
    if (fd >= 0) {
        set_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
        struct sockaddr_storage ss;
        socklen_t sl = ippm_addr_to_sockaddr(&a, AF_INET6, &ss);
        if (bind(fd, (struct sockaddr *)&ss, sl) == 0) {
            if (listen(fd, LISTEN_BACKLOG) != 0)
                return ippm_net_fail(err, err_len, "listen", fd);
            return tcp_finish(s, fd, AF_INET6, err, err_len);
        }
        if (errno != EADDRNOTAVAIL && errno != EAFNOSUPPORT)
            return ippm_net_bind_fail(err, err_len, &a, fd);
        close(fd);
    } else if (errno != EAFNOSUPPORT) {
        return ippm_net_fail(err, err_len, "socket", -1);
    }
    a.family = IPPM_AF_INET;
    fd = tcp_socket(AF_INET);
    if (fd < 0)
        return ippm_net_fail(err, err_len, "socket", -1);
    if (bind_listen(fd, &a, AF_INET, err, err_len) != 0)
        return -1;
    return tcp_finish(s, fd, AF_INET, err, err_len);
}

/* see net.h */
int ippm_tcp_listen(struct ippm_sock *s, const struct ippm_addr *local,
                    uint16_t port, char *err, size_t err_len)
{
    s->fd = -1;
    if (!local || local->family == IPPM_AF_NONE)
        return listen_any(s, port, err, err_len);
    int family = local->family == IPPM_AF_INET6 ? AF_INET6 : AF_INET;
    int fd = tcp_socket(family);
    if (fd < 0)
        return ippm_net_fail(err, err_len, "socket", -1);
    if (family == AF_INET6)
        set_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    struct ippm_addr a = *local;
    a.port = port;
    if (bind_listen(fd, &a, family, err, err_len) != 0)
        return -1;
    return tcp_finish(s, fd, family, err, err_len);
}

/* see net.h */
int ippm_tcp_accept(const struct ippm_sock *l, struct ippm_sock *c,
                    struct ippm_addr *peer)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    c->fd = -1;
    int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        /* Gone before we took it, or nothing there: not the listener's
         * fault, the loop goes on. */
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED ||
            errno == EINTR)
            return 0;
        return -1;
    }
    ippm_addr_from_sockaddr(peer, (struct sockaddr *)&ss);
    /* Control messages are small and answered at once: no Nagle delay. */
    set_opt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
    char err[IPPM_NET_ERRLEN];
    if (tcp_finish(c, fd, l->family, err, sizeof(err)) != 0)
        return -1;
    return 1;
}

/* Waits for the nonblocking connect on fd to end. Returns 0 connected,
 * or -1 with errno (ETIMEDOUT, EINTR on a stop signal, the refusal). */
static int connect_wait(int fd, uint64_t timeout_ns)
{
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int rc = ippm_net_poll(&p, 1, timeout_ns);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        errno = ippm_net_stopping() ? EINTR : ETIMEDOUT;
        return -1;
    }
    int so = 0;
    socklen_t sl = sizeof(so);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) != 0)
        return -1;
    if (so != 0) {
        errno = so;
        return -1;
    }
    return 0;
}

static int connect_fail(char *err, size_t err_len, const struct ippm_addr *peer,
                        uint64_t timeout_ns, int fd)
{
    int e = errno;
    char as[IPPM_ADDR_STRLEN];
    ippm_addr_fmt(peer, as, sizeof(as));
    if (e == ETIMEDOUT && timeout_ns != UINT64_MAX)
        snprintf(err, err_len, "connect %s: no answer within %.3g s", as,
                 (double)timeout_ns / 1e9);
    else if (e == EINTR)
        snprintf(err, err_len, "connect %s: interrupted", as);
    else
        snprintf(err, err_len, "connect %s: %s", as, strerror(e));
    close(fd);
    errno = e;
    return -1;
}

/* see net.h */
int ippm_tcp_connect(struct ippm_sock *s, const struct ippm_addr *peer,
                     const struct ippm_addr *local, uint64_t timeout_ns,
                     char *err, size_t err_len)
{
    s->fd = -1;
    int family = peer->family == IPPM_AF_INET6 ? AF_INET6 : AF_INET;
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return ippm_net_fail(err, err_len, "socket", -1);
    set_opt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
    struct sockaddr_storage ss;
    socklen_t sl;
    if (local && local->family != IPPM_AF_NONE) {
        sl = ippm_addr_to_sockaddr(local, family, &ss);
        if (sl == 0 || bind(fd, (struct sockaddr *)&ss, sl) != 0)
            return ippm_net_bind_fail(err, err_len, local, fd);
    }
    sl = ippm_addr_to_sockaddr(peer, family, &ss);
    if (connect(fd, (struct sockaddr *)&ss, sl) != 0 &&
        (errno != EINPROGRESS || connect_wait(fd, timeout_ns) != 0))
        return connect_fail(err, err_len, peer, timeout_ns, fd);
    return tcp_finish(s, fd, family, err, err_len);
}

/* see net.h */
ssize_t ippm_tcp_read(const struct ippm_sock *s, uint8_t *buf, size_t cap)
{
    for (;;) {
        ssize_t n = recv(s->fd, buf, cap, 0);
        if (n >= 0 || errno != EINTR)
            return n;
    }
}

/* see net.h */
int ippm_tcp_write_all(const struct ippm_sock *s, const uint8_t *buf,
                       size_t len, uint64_t timeout_ns)
{
    struct ippm_clock mono = {.id = CLOCK_MONOTONIC};
    uint64_t start = ippm_clock_now(&mono);
    while (len > 0) {
        ssize_t n = send(s->fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        uint64_t spent = ippm_clock_now(&mono) - start;
        if (timeout_ns != UINT64_MAX && spent >= timeout_ns) {
            errno = ETIMEDOUT;
            return -1;
        }
        struct pollfd p = {.fd = s->fd, .events = POLLOUT};
        uint64_t left = timeout_ns == UINT64_MAX ? UINT64_MAX
                                                 : timeout_ns - spent;
        if (ippm_net_poll(&p, 1, left) < 0)
            return -1;
        if (ippm_net_stopping()) {
            errno = EINTR;
            return -1;
        }
    }
    return 0;
}
