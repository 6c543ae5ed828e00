/* The Prometheus endpoint: our own listening socket (so a port in use is
 * a clear error, not libmicrohttpd's NULL), handed to libmicrohttpd with
 * one internal polling thread. Each GET renders a fresh snapshot.
 *
 * Slow clients (issue 10 item 9): libmicrohttpd's timeout is an idle
 * timeout that every octet restarts, so sixteen clients trickling a
 * header held every connection slot forever. Now a client address holds
 * at most HTTP_PER_IP_LIMIT connections, and a watchdog thread shuts down
 * any connection that has not completed a request within
 * HTTP_REQUEST_TIME_S of its accept or of its previous request, however
 * it trickles. */
#include "metrics_http.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "impl/core/cli.h"
#include "impl/commands.h"
#include "impl/core/net.h"

#define HTTP_CONN_LIMIT     32 /* scrapers are few */
/* Connections the kernel may hold before accept: a burst of garbage
 * connections (ci/hostile tcp-garbage) must not crowd out a scraper while
 * the server thread is busy; SOMAXCONN caps it. */
#define HTTP_LISTEN_BACKLOG 256
#define HTTP_PER_IP_LIMIT   4  /* one address cannot take them all */
#define HTTP_CONN_TIMEOUT_S 10 /* an idle client is dropped after this */
/* A whole request within this of the accept or of the previous request,
 * or the connection is shut down, however slowly it sends. */
#define HTTP_REQUEST_TIME_S 5
/* Twice the limit: a slot frees when libmicrohttpd reports a connection
 * closed, which may come after it accepted the next. */
#define HTTP_CONN_SLOTS   (2 * HTTP_CONN_LIMIT)
#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* A connection the watchdog times: its own duplicate of the socket, so
 * that shutting it down can never hit an fd number libmicrohttpd closed
 * and the kernel gave to another file. */
struct http_conn {
    int fd;                /* -1: a free slot */
    struct timespec since; /* accept, or the last request */
};

struct ippm_metrics_http {
    struct MHD_Daemon *d;
    const struct ippm_metrics *reg;
    int fd;
    pthread_t watchdog;
    bool watchdog_running;
    pthread_mutex_t lock; /* the fields below */
    pthread_cond_t wake;
    bool stopping;
    struct http_conn conns[HTTP_CONN_SLOTS];
};

static struct timespec mono_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t;
}

/* libmicrohttpd's connection start and end: a slot with a duplicate of
 * the socket from the start, freed (and the duplicate closed) at the end.
 * Both run on libmicrohttpd's thread. */
static void http_notify(void *cls, struct MHD_Connection *c,
                        void **socket_context,
                        enum MHD_ConnectionNotificationCode code)
{
    struct ippm_metrics_http *h = cls;
    pthread_mutex_lock(&h->lock);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = NULL;
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        for (size_t i = 0; ci && i < HTTP_CONN_SLOTS; i++) {
            if (h->conns[i].fd >= 0)
                continue;
            h->conns[i].fd = fcntl(ci->connect_fd, F_DUPFD_CLOEXEC, 0);
            h->conns[i].since = mono_now();
            if (h->conns[i].fd >= 0)
                *socket_context = &h->conns[i];
            break;
        }
    } else if (*socket_context) {
        struct http_conn *k = *socket_context;
        close(k->fd);
        k->fd = -1;
        *socket_context = NULL;
    }
    pthread_mutex_unlock(&h->lock);
}

/* A request arrived whole on c: its time starts again. */
static void http_request_seen(struct ippm_metrics_http *h,
                              struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    pthread_mutex_lock(&h->lock);
    if (ci && ci->socket_context)
        ((struct http_conn *)ci->socket_context)->since = mono_now();
    pthread_mutex_unlock(&h->lock);
}

/* Every second, shuts down the connections past HTTP_REQUEST_TIME_S:
 * libmicrohttpd then reads the end of the stream and closes them. */
static void *http_watchdog(void *arg)
{
    struct ippm_metrics_http *h = arg;
    pthread_mutex_lock(&h->lock);
    while (!h->stopping) {
        struct timespec now = mono_now();
        for (size_t i = 0; i < HTTP_CONN_SLOTS; i++) {
            struct http_conn *k = &h->conns[i];
            if (k->fd >= 0 &&
                now.tv_sec - k->since.tv_sec >= HTTP_REQUEST_TIME_S)
                shutdown(k->fd, SHUT_RDWR);
        }
        struct timespec until = now;
        until.tv_sec += 1;
        pthread_cond_timedwait(&h->wake, &h->lock, &until);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* Frees h and the duplicates of sockets still open. */
static void http_free(struct ippm_metrics_http *h)
{
    for (size_t i = 0; i < HTTP_CONN_SLOTS; i++)
        if (h->conns[i].fd >= 0)
            close(h->conns[i].fd);
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

/* see metrics_http.h */
int ippm_metrics_http_parse(const char *opt, const char *s, char *host,
                            size_t host_cap, uint16_t *port)
{
    /* The address forms of every command (ippm_cli_split_addr), with the
     * port required, plus ":PORT" for every address. A bare "::1:9100"
     * reads as an address without a port: IPv6 needs brackets here. */
    const char *ps = NULL;
    if (s[0] == ':' && s[1] != ':' && host_cap > 0) {
        host[0] = '\0';
        ps = s + 1;
    } else if (ippm_cli_split_addr(s, host, host_cap, &ps) != 0) {
        ps = NULL;
    }
    if (!ps) {
        ippm_cli_error("%s: '%s' is not ADDR:PORT (127.0.0.1:9100, "
                       "[::1]:9100, :9100)",
                       opt, s);
        return -1;
    }
    return ippm_cli_port(opt, ps, port);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
                             const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "text/plain; charset=utf-8");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result serve(void *cls, struct MHD_Connection *c,
                             const char *url, const char *method,
                             const char *version, const char *upload,
                             size_t *upload_len, void **con_cls)
{
    struct ippm_metrics_http *h = cls;
    (void)version;
    (void)upload;
    (void)upload_len;
    (void)con_cls;
    http_request_seen(h, c);
    if (strcmp(url, "/metrics") != 0)
        return reply(c, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n");
    /* libmicrohttpd sends no body for HEAD by itself. */
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
        strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                     "method not allowed: GET /metrics\n");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    int wrc = ippm_metrics_write_text(h->reg, f);
    if (fclose(f) != 0 || wrc != 0) {
        free(buf);
        return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(buf);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, PROM_CONTENT_TYPE);
    enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return rc;
}

/* A listening TCP socket on host:port ("" = every address, dual stack
 * when the host has IPv6). Returns the fd, or -1 with *exit_rc set after
 * printing one line. */
static int http_listen(const char *opt, const char *host, uint16_t port,
                       int *exit_rc)
{
    char as[IPPM_ADDR_STRLEN];
    struct ippm_addr a;
    int family = AF_INET6;
    if (host[0]) {
        /* As every command's addresses, a link-local one's zone too. */
        int rc = ippm_cli_addr(opt, host, port, 0, &a);
        if (rc != 0) {
            *exit_rc = rc;
            return -1;
        }
        family = a.family == IPPM_AF_INET6 ? AF_INET6 : AF_INET;
    } else {
        memset(&a, 0, sizeof(a));
        a.family = IPPM_AF_INET6; /* :: */
        a.port = port;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 && !host[0]) {
        /* No IPv6 on this host: every IPv4 address instead. */
        family = AF_INET;
        a.family = IPPM_AF_INET;
        fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    }
    if (fd < 0) {
        ippm_cli_error("%s: socket: %s", opt, strerror(errno));
        *exit_rc = IPPM_EXIT_RUNTIME;
        return -1;
    }
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, host[0] ? &one : &zero,
                   sizeof(int));
    struct sockaddr_storage ss;
    socklen_t sl = ippm_addr_to_sockaddr(&a, family, &ss);
    if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, HTTP_LISTEN_BACKLOG) != 0) {
        ippm_cli_error("%s: cannot listen on %s: %s", opt,
                       ippm_addr_fmt(&a, as, sizeof(as)), strerror(errno));
        close(fd);
        *exit_rc = IPPM_EXIT_RUNTIME;
        return -1;
    }
    return fd;
}

/* see metrics_http.h */
struct ippm_metrics_http *
ippm_metrics_http_start(const struct ippm_metrics *reg, const char *opt,
                        const char *addr, int *exit_rc)
{
    char host[256];
    uint16_t port;
    if (ippm_metrics_http_parse(opt, addr, host, sizeof(host), &port) != 0) {
        *exit_rc = IPPM_EXIT_USAGE;
        return NULL;
    }
    struct ippm_metrics_http *h = calloc(1, sizeof(*h));
    if (!h) {
        ippm_cli_error("%s: out of memory", opt);
        *exit_rc = IPPM_EXIT_RUNTIME;
        return NULL;
    }
    h->reg = reg;
    pthread_mutex_init(&h->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* mono_now() */
    pthread_cond_init(&h->wake, &ca);
    pthread_condattr_destroy(&ca);
    for (size_t i = 0; i < HTTP_CONN_SLOTS; i++)
        h->conns[i].fd = -1;
    h->fd = http_listen(opt, host, port, exit_rc);
    if (h->fd < 0) {
        http_free(h);
        return NULL;
    }
    /* The server thread inherits this mask: SIGINT and SIGTERM must reach
     * the driver's ppoll, not a thread that ignores them. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    h->d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL, NULL, serve, h,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)h->fd,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONN_LIMIT,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_PER_IP_LIMIT,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONN_TIMEOUT_S,
        MHD_OPTION_NOTIFY_CONNECTION, http_notify, h, MHD_OPTION_END);
    if (h->d)
        h->watchdog_running =
            pthread_create(&h->watchdog, NULL, http_watchdog, h) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!h->d || !h->watchdog_running) {
        ippm_cli_error("%s: libmicrohttpd could not start", opt);
        if (h->d)
            MHD_stop_daemon(h->d); /* closes the listening socket */
        else
            close(h->fd);
        http_free(h);
        *exit_rc = IPPM_EXIT_RUNTIME;
        return NULL;
    }
    return h;
}

/* see metrics_http.h */
void ippm_metrics_http_stop(struct ippm_metrics_http *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    h->stopping = true;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->watchdog, NULL);
    /* MHD_stop_daemon closes the listening socket it was given, and
     * reports every connection closed (http_notify frees the slots). */
    MHD_stop_daemon(h->d);
    http_free(h);
}
