#include "net.h"
#include "net_priv.h"
#include "zone.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/net_tstamp.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Room for every control message we ask for: timestamp, TTL, TOS, pktinfo
 * of either family. */
#define CTRL_LEN 256
/* A received datagram's control room: the metadata above, and its IPv6
 * extension headers up to this many octets in all (one header may take
 * 2048; one that does not fit arrives cut and is not reported). */
#define RX_EXT_ROOM 1024
#define RX_CTRL_LEN (CTRL_LEN + RX_EXT_ROOM)

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0,
                                            0, 0, 0, 0, 0xff, 0xff};

/* see net.h */
void ippm_addr_from_sockaddr(struct ippm_addr *out, const struct sockaddr *sa)
{
    memset(out, 0, sizeof(*out));
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        out->family = IPPM_AF_INET;
        memcpy(out->ip, &in->sin_addr, 4);
        out->port = ntohs(in->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        const uint8_t *ip = in6->sin6_addr.s6_addr;
        out->port = ntohs(in6->sin6_port);
        if (memcmp(ip, v4mapped_prefix, 12) == 0) {
            out->family = IPPM_AF_INET;
            memcpy(out->ip, ip + 12, 4);
        } else {
            out->family = IPPM_AF_INET6;
            memcpy(out->ip, ip, 16);
            out->scope_id = in6->sin6_scope_id;
        }
    }
}

/* see net.h */
socklen_t ippm_addr_to_sockaddr(const struct ippm_addr *a, int sock_family,
                                struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (sock_family == AF_INET) {
        if (a->family != IPPM_AF_INET)
            return 0;
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        in->sin_family = AF_INET;
        in->sin_port = htons(a->port);
        memcpy(&in->sin_addr, a->ip, 4);
        return sizeof(*in);
    }
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(a->port);
    if (a->family == IPPM_AF_INET) {
        memcpy(in6->sin6_addr.s6_addr, v4mapped_prefix, 12);
        memcpy(in6->sin6_addr.s6_addr + 12, a->ip, 4);
    } else if (a->family == IPPM_AF_INET6) {
        memcpy(in6->sin6_addr.s6_addr, a->ip, 16);
        in6->sin6_scope_id = a->scope_id;
    } else {
        return 0;
    }
    return sizeof(*in6);
}

/* see net.h */
const char *ippm_addr_ip_fmt(const struct ippm_addr *a, char *buf,
                             size_t len)
{
    char ip[INET6_ADDRSTRLEN] = "?", zone[IF_NAMESIZE + 12] = "";
    if (a->family == IPPM_AF_INET)
        inet_ntop(AF_INET, a->ip, ip, sizeof(ip));
    else if (a->family == IPPM_AF_INET6)
        inet_ntop(AF_INET6, a->ip, ip, sizeof(ip));
    if (a->family == IPPM_AF_INET6 && a->scope_id) {
        zone[0] = '%';
        ippm_zone_name(a->scope_id, zone + 1, sizeof(zone) - 1);
    }
    snprintf(buf, len, "%s%s", ip, zone);
    return buf;
}

/* see net.h */
const char *ippm_addr_fmt(const struct ippm_addr *a, char *buf, size_t len)
{
    char ip[INET6_ADDRSTRLEN + IF_NAMESIZE + 12];
    ippm_addr_ip_fmt(a, ip, sizeof ip);
    if (a->family == IPPM_AF_INET6)
        snprintf(buf, len, "[%s]:%u", ip, (unsigned)a->port);
    else
        snprintf(buf, len, "%s:%u", ip, (unsigned)a->port);
    return buf;
}

/* see net.h */
int ippm_net_resolve(const char *host, uint16_t port, enum ippm_family fam,
                     struct ippm_addr *out, char *err, size_t err_len)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_family = fam == IPPM_AF_INET    ? AF_INET
                      : fam == IPPM_AF_INET6 ? AF_INET6
                                             : AF_UNSPEC;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0) {
        snprintf(err, err_len, "cannot resolve '%s': %s", host,
                 gai_strerror(rc));
        return -1;
    }
    int found = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
            continue;
        ippm_addr_from_sockaddr(out, ai->ai_addr);
        out->port = port;
        found = 0;
        break;
    }
    freeaddrinfo(res);
    if (found != 0)
        snprintf(err, err_len, "cannot resolve '%s': no IPv4 or IPv6 address",
                 host);
    return found;
}

static void set_int(int fd, int level, int name, int v)
{
    /* Best effort: a kernel without one of these still measures, only
     * with less metadata. */
    (void)setsockopt(fd, level, name, &v, sizeof(v));
}

static void enlarge_buffers(int fd)
{
    int v = IPPM_NET_SOCKBUF;
    /* The FORCE variants pass rmem_max/wmem_max when we may (root). */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) != 0)
        set_int(fd, SOL_SOCKET, SO_RCVBUF, v);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) != 0)
        set_int(fd, SOL_SOCKET, SO_SNDBUF, v);
}

/* A socket bound (or connected) to one address: it receives only what is
 * sent to that address and sends from it, so the kernel need not tell us
 * the destination of each datagram nor be told the source of each reply
 * (ci/bench.sh measures the difference). */
static bool bound_to_one_address(const struct ippm_sock *s)
{
    static const uint8_t any[16];
    size_t n = s->local.family == IPPM_AF_INET ? 4 : 16;
    return s->local.family != IPPM_AF_NONE && memcmp(s->local.ip, any, n) != 0;
}

/* Asks for every piece of receive metadata. IPv4 options are set on an
 * AF_INET6 socket too: Linux reports IPv4-level cmsgs for IPv4 datagrams
 * arriving at a dual-stack socket. */
static void enable_rx_meta(int fd, int family, bool want_pktinfo)
{
    set_int(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
    if (want_pktinfo)
        set_int(fd, IPPROTO_IP, IP_PKTINFO, 1);
    set_int(fd, IPPROTO_IP, IP_RECVTTL, 1);
    set_int(fd, IPPROTO_IP, IP_RECVTOS, 1);
    if (family == AF_INET6) {
        if (want_pktinfo)
            set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
        set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
        set_int(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, 1);
        /* Extension headers, for STAMP's reflected-header TLV (type
         * 246): cmsgs only when a datagram carries them. */
        set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPOPTS, 1);
        set_int(fd, IPPROTO_IPV6, IPV6_RECVDSTOPTS, 1);
        set_int(fd, IPPROTO_IPV6, IPV6_RECVRTHDR, 1);
    }
}

/* see net.h */
int ippm_net_rx_lean(const struct ippm_sock *s)
{
    int rc = setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){0},
                        sizeof(int));
    rc |= setsockopt(s->fd, IPPROTO_IP, IP_RECVTTL, &(int){0}, sizeof(int));
    rc |= setsockopt(s->fd, IPPROTO_IP, IP_RECVTOS, &(int){0}, sizeof(int));
    if (s->family == AF_INET6) {
        static const int opts[] = {IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS,
                                   IPV6_RECVHOPOPTS, IPV6_RECVDSTOPTS,
                                   IPV6_RECVRTHDR};
        for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
            rc |= setsockopt(s->fd, IPPROTO_IPV6, opts[i], &(int){0},
                             sizeof(int));
    }
    return rc ? -1 : 0;
}

static int fail(char *err, size_t err_len, const char *what, int fd)
{
    int e = errno;
    snprintf(err, err_len, "%s: %s", what, strerror(e));
    if (fd >= 0)
        close(fd);
    errno = e;
    return -1;
}

/* fail() for a bind: "bind [::]:862: Permission denied", the address
 * (with its zone) and the port both named (issue 11). */
static int bind_fail_addr(char *err, size_t err_len, const struct ippm_addr *a,
                          int fd)
{
    char what[IPPM_ADDR_STRLEN + 8], as[IPPM_ADDR_STRLEN];
    snprintf(what, sizeof(what), "bind %s", ippm_addr_fmt(a, as, sizeof(as)));
    return fail(err, err_len, what, fd);
}

/* see net_priv.h */
int ippm_net_fail(char *err, size_t err_len, const char *what, int fd)
{
    return fail(err, err_len, what, fd);
}

/* see net_priv.h */
int ippm_net_bind_fail(char *err, size_t err_len, const struct ippm_addr *a,
                       int fd)
{
    return bind_fail_addr(err, err_len, a, fd);
}

static int bind_fail(char *err, size_t err_len, int family, const void *ip,
                     uint16_t port, int fd)
{
    struct ippm_addr a = {0};
    a.family = family == AF_INET6 ? IPPM_AF_INET6 : IPPM_AF_INET;
    memcpy(a.ip, ip, family == AF_INET6 ? 16 : 4);
    a.port = port;
    return bind_fail_addr(err, err_len, &a, fd);
}

static int finish_open(struct ippm_sock *s, int fd, int family, char *err,
                       size_t err_len)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
        return fail(err, err_len, "getsockname", fd);
    enlarge_buffers(fd);
    s->fd = fd;
    s->family = family;
    /* Keep the wildcard as the family of the socket: a dual-stack [::]
     * must not read as 0.0.0.0. */
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
        memset(&s->local, 0, sizeof(s->local));
        s->local.family = IPPM_AF_INET6;
        memcpy(s->local.ip, in6->sin6_addr.s6_addr, 16);
        s->local.port = ntohs(in6->sin6_port);
        s->local.scope_id = in6->sin6_scope_id;
        if (memcmp(s->local.ip, v4mapped_prefix, 12) == 0)
            ippm_addr_from_sockaddr(&s->local, (struct sockaddr *)&ss);
    } else {
        ippm_addr_from_sockaddr(&s->local, (struct sockaddr *)&ss);
    }
    enable_rx_meta(fd, family, !bound_to_one_address(s));
    s->lo_ifindex = if_nametoindex("lo");
    return 0;
}

/* socket(2) with SO_REUSEPORT on when reuse (ippm_net_open_shared). */
static int socket_for(int family, bool reuse)
{
    int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && reuse)
        set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1);
    return fd;
}

static int open_any(struct ippm_sock *s, uint16_t port, bool reuse, char *err,
                    size_t err_len)
{
    int fd = socket_for(AF_INET6, reuse);
    if (fd >= 0) {
        set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
        struct sockaddr_in6 in6 = {0};
        in6.sin6_family = AF_INET6;
        in6.sin6_addr = in6addr_any;
        in6.sin6_port = htons(port);
        if (bind(fd, (struct sockaddr *)&in6, sizeof(in6)) == 0)
            return finish_open(s, fd, AF_INET6, err, err_len);
        /* IPv6 disabled at runtime fails the bind with EADDRNOTAVAIL. */
        if (errno != EADDRNOTAVAIL && errno != EAFNOSUPPORT)
            return bind_fail(err, err_len, AF_INET6, &in6addr_any, port, fd);
        close(fd);
    } else if (errno != EAFNOSUPPORT) {
        return fail(err, err_len, "socket", -1);
    }
    fd = socket_for(AF_INET, reuse);
    if (fd < 0)
        return fail(err, err_len, "socket", -1);
    struct sockaddr_in in = {0};
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = htonl(INADDR_ANY);
    in.sin_port = htons(port);
    if (bind(fd, (struct sockaddr *)&in, sizeof(in)) != 0)
        return bind_fail(err, err_len, AF_INET, &in.sin_addr, port, fd);
    return finish_open(s, fd, AF_INET, err, err_len);
}

static int open_bound(struct ippm_sock *s, const struct ippm_addr *local,
                      uint16_t port, bool reuse, char *err, size_t err_len)
{
    s->fd = -1;
    if (!local)
        return open_any(s, port, reuse, err, err_len);
    int family = local->family == IPPM_AF_INET6 ? AF_INET6 : AF_INET;
    int fd = socket_for(family, reuse);
    if (fd < 0)
        return fail(err, err_len, "socket", -1);
    if (family == AF_INET6)
        set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    struct ippm_addr a = *local;
    a.port = port;
    struct sockaddr_storage ss;
    socklen_t sl = ippm_addr_to_sockaddr(&a, family, &ss);
    if (bind(fd, (struct sockaddr *)&ss, sl) != 0)
        return bind_fail_addr(err, err_len, &a, fd);
    return finish_open(s, fd, family, err, err_len);
}

/* see net.h */
int ippm_net_open_bound(struct ippm_sock *s, const struct ippm_addr *local,
                        uint16_t port, char *err, size_t err_len)
{
    return open_bound(s, local, port, false, err, err_len);
}

/* see net.h */
int ippm_net_open_shared(struct ippm_sock *s, const struct ippm_addr *local,
                         uint16_t port, char *err, size_t err_len)
{
    return open_bound(s, local, port, true, err, err_len);
}

/* see net.h */
int ippm_net_open_connected(struct ippm_sock *s, const struct ippm_addr *peer,
                            char *err, size_t err_len)
{
    s->fd = -1;
    int family = peer->family == IPPM_AF_INET6 ? AF_INET6 : AF_INET;
    int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(err, err_len, "socket", -1);
    struct sockaddr_storage ss;
    socklen_t sl = ippm_addr_to_sockaddr(peer, family, &ss);
    if (connect(fd, (struct sockaddr *)&ss, sl) != 0) {
        char what[IPPM_ADDR_STRLEN + 12], as[IPPM_ADDR_STRLEN];
        snprintf(what, sizeof(what), "connect %s",
                 ippm_addr_fmt(peer, as, sizeof(as)));
        return fail(err, err_len, what, fd);
    }
    return finish_open(s, fd, family, err, err_len);
}

/* see net.h */
int ippm_net_set_ttl(const struct ippm_sock *s, int ttl)
{
    int rc = setsockopt(s->fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
    if (s->family == AF_INET6) {
        /* A dual-stack socket sends IPv4 with IP_TTL and IPv6 with this. */
        rc = setsockopt(s->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
                        sizeof(ttl));
    }
    return rc;
}

/* see net.h */
int ippm_net_set_tos(const struct ippm_sock *s, int tos)
{
    int rc = setsockopt(s->fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
    if (s->family == AF_INET6)
        rc = setsockopt(s->fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
    return rc;
}

/* see net.h */
void ippm_net_close(struct ippm_sock *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

static volatile sig_atomic_t stop_flag;
static sigset_t wait_mask; /* the mask ppoll runs with: stop signals open */

static void on_stop(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* see net.h */
void ippm_net_stop_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: the wait must return */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &wait_mask);
    sigdelset(&wait_mask, SIGINT);
    sigdelset(&wait_mask, SIGTERM);
}

/* A stop signal that is pending, still blocked. ppoll delivers one only
 * when it would sleep: while the socket is never empty it returns
 * "readable" at once and the signal stays pending, so a loop that drains
 * a flood never saw SIGINT or SIGTERM (issue 10 item 2). */
static bool stop_signal_pending(void)
{
    sigset_t pending;
    if (sigpending(&pending) != 0)
        return false;
    return sigismember(&pending, SIGINT) == 1 ||
           sigismember(&pending, SIGTERM) == 1;
}

/* see net.h */
bool ippm_net_stopping(void)
{
    if (!stop_flag && stop_signal_pending())
        stop_flag = 1;
    return stop_flag != 0;
}

/* see net.h */
int ippm_net_wait(const struct ippm_sock *s, uint64_t timeout_ns)
{
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    int rc = ippm_net_poll(&p, 1, timeout_ns);
    return rc > 0 ? 1 : rc;
}

/* see net.h */
int ippm_net_poll(struct pollfd *fds, size_t n, uint64_t timeout_ns)
{
    if (ippm_net_stopping())
        return 0;
    struct timespec ts, *tsp = NULL;
    if (timeout_ns != UINT64_MAX) {
        ts.tv_sec = (time_t)(timeout_ns / IPPM_NS_PER_SEC);
        ts.tv_nsec = (long)(timeout_ns % IPPM_NS_PER_SEC);
        tsp = &ts;
    }
    int rc = ppoll(fds, (nfds_t)n, tsp, &wait_mask);
    if (rc < 0)
        return errno == EINTR ? 0 : -1;
    return rc;
}

/* ---- batches ---- */

/* One allocation per array keeps free simple; calloc zeroes the headers
 * we fill once at init. */
static int batch_alloc(size_t cap, size_t buf_size, uint8_t **bufs,
                       struct mmsghdr **msgs, struct iovec **iov,
                       struct sockaddr_storage **names, uint8_t **ctrl,
                       size_t ctrl_len)
{
    *bufs = malloc(cap * buf_size);
    *msgs = calloc(cap, sizeof(**msgs));
    *iov = calloc(cap, sizeof(**iov));
    *names = calloc(cap, sizeof(**names));
    *ctrl = calloc(cap, ctrl_len);
    if (!*bufs || !*msgs || !*iov || !*names || !*ctrl) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/* Frees what batch_alloc allocated (any of it may be NULL). */
static void batch_release(uint8_t *bufs, struct mmsghdr *msgs,
                          struct iovec *iov, struct sockaddr_storage *names,
                          uint8_t *ctrl)
{
    free(bufs);
    free(msgs);
    free(iov);
    free(names);
    free(ctrl);
}

/* see net.h */
int ippm_rx_batch_init(struct ippm_rx_batch *b, size_t cap, size_t buf_size)
{
    memset(b, 0, sizeof(*b));
    b->cap = cap;
    b->buf_size = buf_size;
    b->len = calloc(cap, sizeof(*b->len));
    b->trunc = calloc(cap, sizeof(*b->trunc));
    b->meta = calloc(cap, sizeof(*b->meta));
    if (batch_alloc(cap, buf_size, &b->bufs, &b->msgs, &b->iov, &b->names,
                    &b->ctrl, RX_CTRL_LEN) != 0 ||
        !b->len || !b->trunc || !b->meta) {
        ippm_rx_batch_free(b);
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/* see net.h */
void ippm_rx_batch_free(struct ippm_rx_batch *b)
{
    free(b->len);
    free(b->trunc);
    free(b->meta);
    batch_release(b->bufs, b->msgs, b->iov, b->names, b->ctrl);
    memset(b, 0, sizeof(*b));
}

static void rx_prepare(struct ippm_rx_batch *b)
{
    for (size_t i = 0; i < b->cap; i++) {
        struct msghdr *h = &b->msgs[i].msg_hdr;
        b->iov[i].iov_base = b->bufs + i * b->buf_size;
        b->iov[i].iov_len = b->buf_size;
        h->msg_name = &b->names[i];
        h->msg_namelen = sizeof(b->names[i]);
        h->msg_iov = &b->iov[i];
        h->msg_iovlen = 1;
        h->msg_control = b->ctrl + i * RX_CTRL_LEN;
        h->msg_controllen = RX_CTRL_LEN;
        h->msg_flags = 0;
    }
}

/* Keeps an IPv6 extension header cmsg when it arrived whole: the kernel
 * cuts a cmsg that overflows the control buffer (MSG_CTRUNC), and a cut
 * header's own length then exceeds what is there. */
static void meta_add_ext_hdr(struct ippm_rx_meta *m, const struct cmsghdr *c,
                             uint8_t kind)
{
    const uint8_t *p = CMSG_DATA(c);
    size_t len = c->cmsg_len - (size_t)(p - (const uint8_t *)c);
    if (m->n_ext_hdrs >= IPPM_RX_EXT_HDRS || len < 2 ||
        ((size_t)p[1] + 1) * 8 != len)
        return;
    m->ext_hdrs[m->n_ext_hdrs].p = p;
    m->ext_hdrs[m->n_ext_hdrs].len = (uint16_t)len;
    m->ext_hdrs[m->n_ext_hdrs].kind = kind;
    m->n_ext_hdrs++;
}

static void meta_from_cmsg(struct ippm_rx_meta *m, const struct cmsghdr *c,
                           const struct ippm_clock *clk, unsigned *ifindex)
{
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        struct timespec ts;
        memcpy(&ts, CMSG_DATA(c), sizeof(ts));
        m->rx_ns = ippm_clock_from_realtime(
            clk, (uint64_t)ts.tv_sec * IPPM_NS_PER_SEC + (uint64_t)ts.tv_nsec);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
        int v;
        memcpy(&v, CMSG_DATA(c), sizeof(v));
        m->ttl = (int16_t)v;
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS) {
        m->tos = *(const uint8_t *)CMSG_DATA(c);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        struct in_pktinfo pi;
        memcpy(&pi, CMSG_DATA(c), sizeof(pi));
        *ifindex = (unsigned)pi.ipi_ifindex;
        m->local.family = IPPM_AF_INET;
        memcpy(m->local.ip, &pi.ipi_addr, 4);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
        int v;
        memcpy(&v, CMSG_DATA(c), sizeof(v));
        m->ttl = (int16_t)v;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS) {
        int v;
        memcpy(&v, CMSG_DATA(c), sizeof(v));
        m->tos = (int16_t)v;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        struct in6_pktinfo pi;
        memcpy(&pi, CMSG_DATA(c), sizeof(pi));
        *ifindex = pi.ipi6_ifindex;
        /* Not through a sockaddr_in6 read as a struct sockaddr: with the
         * call inlined, strict aliasing let the compiler drop the family
         * store, and every IPv6 request had an unknown local address. */
        const uint8_t *ip = pi.ipi6_addr.s6_addr;
        memset(&m->local, 0, sizeof(m->local));
        if (memcmp(ip, v4mapped_prefix, 12) == 0) {
            m->local.family = IPPM_AF_INET;
            memcpy(m->local.ip, ip + 12, 4);
        } else {
            m->local.family = IPPM_AF_INET6;
            memcpy(m->local.ip, ip, 16);
            /* Only a link-local address has a zone: a global one with
             * one would differ from itself as the socket is bound. */
            if (ippm_addr_is_link_local(&m->local))
                m->local.scope_id = pi.ipi6_ifindex;
        }
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPOPTS) {
        meta_add_ext_hdr(m, c, IPPROTO_HOPOPTS);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_DSTOPTS) {
        meta_add_ext_hdr(m, c, IPPROTO_DSTOPTS);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RTHDR) {
        meta_add_ext_hdr(m, c, IPPROTO_ROUTING);
    }
}

static void rx_fill_meta(const struct ippm_sock *s, struct ippm_rx_batch *b,
                         size_t i, uint64_t fallback_ns,
                         const struct ippm_clock *clk)
{
    struct msghdr *h = &b->msgs[i].msg_hdr;
    struct ippm_rx_meta *m = &b->meta[i];
    memset(m, 0, sizeof(*m));
    m->ttl = -1;
    m->tos = -1;
    b->len[i] = b->msgs[i].msg_len;
    b->trunc[i] = (h->msg_flags & MSG_TRUNC) != 0;
    ippm_addr_from_sockaddr(&m->peer, (struct sockaddr *)h->msg_name);
    unsigned ifindex = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c))
        meta_from_cmsg(m, c, clk, &ifindex);
    /* Linux delivers what the host sends to itself, from any of its
     * addresses, on the loopback interface. */
    m->from_host = ifindex != 0 && ifindex == s->lo_ifindex;
    if (m->rx_ns == 0)
        m->rx_ns = fallback_ns;
    if (m->local.family == IPPM_AF_NONE && bound_to_one_address(s))
        m->local = s->local;
    if (m->local.family != IPPM_AF_NONE)
        m->local.port = s->local.port;
}

/* see net.h */
int ippm_net_recv(const struct ippm_sock *s, struct ippm_rx_batch *b,
                  const struct ippm_clock *clk)
{
    rx_prepare(b);
    int n = recvmmsg(s->fd, b->msgs, (unsigned)b->cap, MSG_DONTWAIT, NULL);
    if (n < 0)
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    /* Stands in only when the kernel left no timestamp (it always does
     * with SO_TIMESTAMPNS); one vDSO read per batch costs nothing. */
    uint64_t fallback = n > 0 ? ippm_clock_now(clk) : 0;
    for (int i = 0; i < n; i++)
        rx_fill_meta(s, b, (size_t)i, fallback, clk);
    return n;
}

/* see net.h */
int ippm_tx_batch_init(struct ippm_tx_batch *b, size_t cap, size_t buf_size)
{
    memset(b, 0, sizeof(*b));
    b->cap = cap;
    b->buf_size = buf_size;
    if (batch_alloc(cap, buf_size, &b->bufs, &b->msgs, &b->iov, &b->names,
                    &b->ctrl, CTRL_LEN) != 0) {
        ippm_tx_batch_free(b);
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/* see net.h */
void ippm_tx_batch_free(struct ippm_tx_batch *b)
{
    batch_release(b->bufs, b->msgs, b->iov, b->names, b->ctrl);
    memset(b, 0, sizeof(*b));
}

/* see net.h */
uint8_t *ippm_tx_batch_slot(struct ippm_tx_batch *b)
{
    if (b->n >= b->cap)
        return NULL;
    return b->bufs + b->n * b->buf_size;
}

/* Puts the source address in a control message. IPv4 uses IP_PKTINFO on
 * either socket family: for an IPv4-mapped destination Linux hands the
 * datagram to the IPv4 path, which reads IP-level cmsgs. */
static size_t set_source(uint8_t *ctrl, const struct ippm_addr *local)
{
    struct msghdr h = {0};
    h.msg_control = ctrl;
    h.msg_controllen = CTRL_LEN;
    memset(ctrl, 0, CTRL_LEN);
    struct cmsghdr *c = CMSG_FIRSTHDR(&h);
    if (local->family == IPPM_AF_INET) {
        struct in_pktinfo pi = {0};
        memcpy(&pi.ipi_spec_dst, local->ip, 4);
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(pi));
        memcpy(CMSG_DATA(c), &pi, sizeof(pi));
        return CMSG_SPACE(sizeof(pi));
    }
    struct in6_pktinfo pi6 = {0};
    memcpy(pi6.ipi6_addr.s6_addr, local->ip, 16);
    pi6.ipi6_ifindex = local->scope_id; /* a link-local source's link */
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(pi6));
    memcpy(CMSG_DATA(c), &pi6, sizeof(pi6));
    return CMSG_SPACE(sizeof(pi6));
}

/* A source of the socket's own family only: an IPv6 source cannot leave
 * an AF_INET socket, and a wildcard local means "kernel chooses". */
static bool source_usable(const struct ippm_sock *s,
                          const struct ippm_addr *local)
{
    if (!local || local->family == IPPM_AF_NONE)
        return false;
    return !(s->family == AF_INET && local->family == IPPM_AF_INET6);
}


/* see net.h */
void ippm_tx_batch_commit(struct ippm_tx_batch *b, const struct ippm_sock *s,
                          size_t len, const struct ippm_addr *peer,
                          const struct ippm_addr *local)
{
    size_t i = b->n;
    struct msghdr *h = &b->msgs[i].msg_hdr;
    memset(h, 0, sizeof(*h));
    b->iov[i].iov_base = b->bufs + i * b->buf_size;
    b->iov[i].iov_len = len;
    h->msg_iov = &b->iov[i];
    h->msg_iovlen = 1;
    if (peer) {
        h->msg_name = &b->names[i];
        h->msg_namelen = ippm_addr_to_sockaddr(peer, s->family, &b->names[i]);
    }
    if (!bound_to_one_address(s) && source_usable(s, local)) {
        h->msg_control = b->ctrl + i * CTRL_LEN;
        h->msg_controllen = set_source(h->msg_control, local);
    }
    b->n++;
}

/* see net.h */
/* Appends one int cmsg to the last queued datagram of b; dropped when
 * there is no room (the datagram then leaves with the socket's value). */
static void tx_batch_add_int_cmsg(struct ippm_tx_batch *b, int level,
                                  int type, int value)
{
    size_t i = b->n - 1;
    struct msghdr *h = &b->msgs[i].msg_hdr;
    if (!h->msg_control) {
        h->msg_control = b->ctrl + i * CTRL_LEN;
        h->msg_controllen = 0;
        memset(h->msg_control, 0, CTRL_LEN);
    }
    if (h->msg_controllen + CMSG_SPACE(sizeof(int)) > CTRL_LEN)
        return;
    struct cmsghdr *c =
        (struct cmsghdr *)((uint8_t *)h->msg_control + h->msg_controllen);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &value, sizeof(int));
    h->msg_controllen += CMSG_SPACE(sizeof(int));
}

/* see net.h */
void ippm_tx_batch_want_txts(struct ippm_tx_batch *b)
{
    if (b->n)
        tx_batch_add_int_cmsg(b, SOL_SOCKET, SO_TIMESTAMPING,
                              SOF_TIMESTAMPING_TX_SOFTWARE |
                                  SOF_TIMESTAMPING_TX_HARDWARE);
}

/* see net.h */
void ippm_tx_batch_set_tos(struct ippm_tx_batch *b,
                           const struct ippm_addr *peer, int tos)
{
    if (b->n == 0 || tos < 0 || tos > 255)
        return;
    /* RFC 8972 §4.4: the reply's DSCP. An IPv4 peer on a dual-stack
     * socket takes the IPv4 path, which reads IP-level cmsgs. */
    bool v6 = peer && peer->family == IPPM_AF_INET6;
    tx_batch_add_int_cmsg(b, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                          v6 ? IPV6_TCLASS : IP_TOS, tos);
}

/* see net.h */
void ippm_tx_batch_set_ttl(struct ippm_tx_batch *b,
                           const struct ippm_addr *peer, int ttl)
{
    if (b->n == 0 || ttl < 1 || ttl > 255)
        return;
    bool v6 = peer && peer->family == IPPM_AF_INET6;
    tx_batch_add_int_cmsg(b, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                          v6 ? IPV6_HOPLIMIT : IP_TTL, ttl);
}

/* see net.h */
size_t ippm_net_send(const struct ippm_sock *s, struct ippm_tx_batch *b,
                     int *first_err)
{
    size_t sent = 0, at = 0;
    if (first_err)
        *first_err = 0;
    while (at < b->n) {
        int n = sendmmsg(s->fd, b->msgs + at, (unsigned)(b->n - at), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            /* sendmmsg reports an error only for the first datagram; skip
             * it so one bad peer cannot hold back the rest. */
            if (first_err && *first_err == 0)
                *first_err = n < 0 ? errno : EIO;
            at++;
            continue;
        }
        sent += (size_t)n;
        at += (size_t)n;
    }
    b->n = 0;
    return sent;
}

/* see net.h */
bool ippm_net_icmp_error(int err)
{
    return err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH;
}
