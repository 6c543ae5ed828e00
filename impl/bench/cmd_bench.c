/* ippm bench: the two halves of ci/bench.sh.
 *
 *   ippm bench echo [--listen ADDR] --port P [--batch N] [--seconds S]
 *                   [--meta]
 *       A bare batched UDP echo: recvmmsg, then sendmmsg the same buffers
 *       back to their sources, with no parsing. It is the baseline that
 *       `ippm stamp reflector` is measured against. Runs until SIGINT or
 *       SIGTERM (or S seconds), then prints its counters as one JSON line.
 *       --meta asks the kernel for what a STAMP reflector needs (receive
 *       timestamp, TTL, TOS, destination address) and replies from that
 *       address with IP_PKTINFO, still without parsing: it separates the
 *       kernel's share of the reflector's cost from proto's.
 *
 *   ippm bench load HOST --port P [--seconds S] [--batch N] [--size L]
 *                   [--window W]
 *       A batched load generator of valid unauthenticated STAMP
 *       Session-Sender packets (RFC 8762 §4.2.1) of L octets (default 44),
 *       keeping at most W unanswered, for S seconds (default 10). Prints
 *       one JSON line: replies/s and received/sent.
 *       --rmbt-token HEX sends RMBT UDP ping requests instead (notes
 *       rmbt-udp-ping §1: RP01, the sequence number, the 16-octet token
 *       in every packet, as the original client's token mode does).
 *
 * Deliberately independent of impl/core/net.c: the baseline must not share
 * code, or a slow path there would slow both sides of the ratio. */
#include <errno.h>
#include <inttypes.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/crypto_openssl.h"
#include "impl/core/keyfile.h"
#include "impl/core/zone.h"
#include "proto/stamp/stamp.h"

#define BENCH_MAX_BATCH 1024
#define BENCH_CTRL      256       /* room for the control messages of --meta */
#define BENCH_SLOT      9216      /* one datagram buffer: a jumbo frame */
#define BENCH_SOCKBUF   (4 << 20) /* asked for; the kernel may cap it */
#define BENCH_DRAIN_NS  (1000 * 1000 * 1000ull) /* wait for stragglers */
/* Window full and nothing back for this long: presume what is out lost,
 * so one lost datagram does not shrink the window for good. */
#define BENCH_STALL_MS 20
/* Never more than this many windows really out (a starved server gets
 * late, not flooded), until nothing has come back for BENCH_GIVEUP_MS:
 * then what is out is given up for good. */
#define BENCH_HARD_WINDOWS 4
#define BENCH_GIVEUP_MS    200

static volatile sig_atomic_t bench_stop;

static void bench_on_signal(int sig)
{
    (void)sig;
    bench_stop = 1;
}

static uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t bench_realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void bench_usage(FILE *f)
{
    fputs("usage: ippm bench echo [--listen ADDR] --port P [--batch N] "
          "[--seconds S] [--meta]\n"
          "       ippm bench load HOST --port P [--seconds S] [--batch N] "
          "[--size L] [--window W]\n"
          "                  [--tlv-padding N] [--hmac-tlv-key FILE]\n"
          "Measure this implementation's throughput (ci/bench.sh): echo "
          "is the bare\nbatched UDP echo the reflector is compared with, "
          "load offers STAMP\npackets to a reflector and counts replies; "
          "each prints one JSON line.\n"
          "  --port P               UDP port (required)\n"
          "  --listen ADDR          echo: bind this address (default "
          "0.0.0.0)\n"
          "  --batch N              datagrams per recvmmsg / sendmmsg "
          "(default 64)\n"
          "  --seconds S            how long (load default 10; echo 0: "
          "until SIGINT)\n"
          "  --meta                 echo: take the receive metadata a "
          "reflector needs\n"
          "                         and reply from the address asked "
          "(IP_PKTINFO)\n"
          "  --size L               load: STAMP packet size (default 44)\n"
          "  --window W             load: packets in flight at most "
          "(default 256)\n"
          "  --tlv-padding N        load: add an Extra Padding TLV of N "
          "octets\n"
          "  --hmac-tlv-key FILE    load: add an HMAC TLV keyed from FILE\n"
          "  --rmbt-token HEX       load: RMBT UDP ping requests of this "
          "token (32 hex\n"
          "                         digits) instead of STAMP packets\n"
          "  -h, --help             this text\n"
          "Exit status: 0 done, 1 load got no reply, 2 on a bad command "
          "line, 3 when\nit could not run (socket, bind, key).\n",
          f);
}

/* Parses a decimal in [lo, hi]. Returns 0, or -1 with a message. */
static int bench_num(const char *opt, const char *s, unsigned long lo,
                     unsigned long hi, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (s == NULL) {
        fprintf(stderr, "ippm bench: %s needs a value\n", opt);
        return -1;
    }
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < lo ||
        v > hi) {
        fprintf(stderr, "ippm bench: %s must be %lu..%lu, not '%s'\n", opt, lo,
                hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

struct bench_opts {
    const char *host; /* load: target; echo: listen address */
    unsigned long port;
    unsigned long batch;
    unsigned long seconds;
    unsigned long size;
    unsigned long window;
    bool meta; /* echo: kernel metadata on, reply via IP_PKTINFO */
    unsigned long tlv_padding;   /* load: Extra Padding TLV of this length */
    const char *hmac_key_file;   /* load: HMAC TLV signed with this key */
    const char *rmbt_token;      /* load: RMBT requests of this token */
    char numeric[INET6_ADDRSTRLEN + IF_NAMESIZE + 12]; /* host, resolved */
};

/* host as every command reads it (ippm_cli_addr: HOST:PORT, [V6]:PORT,
 * a bare V6), resolved into o->numeric for bench_socket. Returns -1 to
 * go on, else the exit status. */
static int bench_addr(struct bench_opts *o, const char *opt, bool have_port)
{
    struct ippm_addr a;
    int rc =
        ippm_cli_addr(opt, o->host, have_port ? (uint16_t)o->port : 0, 0, &a);
    if (rc != 0)
        return rc;
    inet_ntop(a.family == IPPM_AF_INET6 ? AF_INET6 : AF_INET, a.ip, o->numeric,
              sizeof o->numeric);
    if (a.scope_id) { /* fe80::1%eth0, which getaddrinfo reads back */
        size_t n = strlen(o->numeric);
        o->numeric[n] = '%';
        ippm_zone_name(a.scope_id, o->numeric + n + 1,
                       sizeof o->numeric - n - 1);
    }
    o->host = o->numeric;
    o->port = a.port;
    return -1;
}

/* Parses argv[first..] into o. Returns -1 to run, else the exit status
 * (after --help, or after a one-line error). */
static int bench_parse(int argc, char **argv, int first, bool load,
                       struct bench_opts *o)
{
    bool have_port = false;

    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            bench_usage(stdout);
            return IPPM_EXIT_OK;
        } else if (strcmp(a, "--port") == 0) {
            rc = bench_num(a, v, 1, 65535, &o->port);
            have_port = true;
        } else if (strcmp(a, "--batch") == 0) {
            rc = bench_num(a, v, 1, BENCH_MAX_BATCH, &o->batch);
        } else if (strcmp(a, "--seconds") == 0) {
            rc = bench_num(a, v, load ? 1 : 0, 86400, &o->seconds);
        } else if (load && strcmp(a, "--size") == 0) {
            rc = bench_num(a, v, STAMP_BASE_LEN, BENCH_SLOT, &o->size);
        } else if (load && strcmp(a, "--tlv-padding") == 0) {
            rc = bench_num(a, v, 0, BENCH_SLOT - STAMP_BASE_LEN - 64,
                           &o->tlv_padding);
        } else if (load && strcmp(a, "--hmac-tlv-key") == 0) {
            if (v == NULL) {
                fprintf(stderr, "ippm bench: --hmac-tlv-key needs a file\n");
                return IPPM_EXIT_USAGE;
            }
            o->hmac_key_file = v;
        } else if (load && strcmp(a, "--rmbt-token") == 0) {
            if (v == NULL || strlen(v) != 32 ||
                strspn(v, "0123456789abcdefABCDEF") != 32) {
                fprintf(stderr, "ippm bench: --rmbt-token needs 32 hex "
                                "digits\n");
                return IPPM_EXIT_USAGE;
            }
            o->rmbt_token = v;
        } else if (load && strcmp(a, "--window") == 0) {
            rc = bench_num(a, v, 1, 1u << 20, &o->window);
        } else if (!load && strcmp(a, "--meta") == 0) {
            o->meta = true;
            continue;
        } else if (!load && strcmp(a, "--listen") == 0) {
            if (v == NULL) {
                fprintf(stderr, "ippm bench: --listen needs an address\n");
                return IPPM_EXIT_USAGE;
            }
            o->host = v;
        } else if (load && a[0] != '-' && o->host == NULL) {
            o->host = a;
            continue;
        } else {
            fprintf(stderr, "ippm bench: unknown argument '%s'\n", a);
            return IPPM_EXIT_USAGE;
        }
        if (rc != 0)
            return IPPM_EXIT_USAGE;
        i++;
    }
    if (load && o->host == NULL) {
        fprintf(stderr, "ippm bench load: HOST is required\n");
        return IPPM_EXIT_USAGE;
    }
    if (o->host)
        return bench_addr(o, load ? "bench load" : "--listen", have_port);
    if (!have_port) {
        fprintf(stderr, "ippm bench: --port is required\n");
        return IPPM_EXIT_USAGE;
    }
    return -1;
}

/* A UDP socket bound (passive) or connected to host:port. Returns the fd,
 * or -1 after a message. */
static int bench_socket(const char *host, unsigned long port, bool passive)
{
    struct addrinfo hints, *res, *ai;
    char serv[8];
    int fd = -1, rc, one = 1, buf = BENCH_SOCKBUF;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    snprintf(serv, sizeof serv, "%lu", port);
    rc = getaddrinfo(host, serv, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "ippm bench: %s: %s\n", host ? host : "*",
                gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0)
            continue;
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
        (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
        if (passive) {
            (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0)
                break;
        } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        fprintf(stderr, "ippm bench: %s %s port %lu: %s\n",
                passive ? "bind" : "connect", host ? host : "*", port,
                strerror(errno));
    freeaddrinfo(res);
    return fd;
}

static void bench_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = bench_on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: recvmmsg must return EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    bench_stop = 0;
}

/* Buffers of one batch, heap-allocated once. */
struct bench_batch {
    size_t n;
    uint8_t *bufs;
    struct mmsghdr *msgs;
    struct iovec *iovs;
    struct sockaddr_storage *names;
    uint8_t *ctrl;  /* --meta: received control messages */
    uint8_t *sctrl; /* --meta: control messages to send */
};

static int bench_batch_init(struct bench_batch *b, size_t n)
{
    b->n = n;
    b->bufs = calloc(n, BENCH_SLOT);
    b->msgs = calloc(n, sizeof *b->msgs);
    b->iovs = calloc(n, sizeof *b->iovs);
    b->names = calloc(n, sizeof *b->names);
    b->ctrl = calloc(n, BENCH_CTRL);
    b->sctrl = calloc(n, BENCH_CTRL);
    if (!b->bufs || !b->msgs || !b->iovs || !b->names || !b->ctrl ||
        !b->sctrl) {
        fprintf(stderr, "ippm bench: out of memory\n");
        return -1;
    }
    return 0;
}

static void bench_batch_free(struct bench_batch *b)
{
    free(b->bufs);
    free(b->msgs);
    free(b->iovs);
    free(b->names);
    free(b->ctrl);
    free(b->sctrl);
}

/* Points message i at its slot for receiving. */
static void bench_batch_arm_rx(struct bench_batch *b, size_t n, bool names,
                               bool meta)
{
    for (size_t i = 0; i < n; i++) {
        b->iovs[i].iov_base = b->bufs + i * BENCH_SLOT;
        b->iovs[i].iov_len = BENCH_SLOT;
        memset(&b->msgs[i].msg_hdr, 0, sizeof b->msgs[i].msg_hdr);
        b->msgs[i].msg_hdr.msg_iov = &b->iovs[i];
        b->msgs[i].msg_hdr.msg_iovlen = 1;
        if (names) {
            b->msgs[i].msg_hdr.msg_name = &b->names[i];
            b->msgs[i].msg_hdr.msg_namelen = sizeof b->names[i];
        }
        if (meta) {
            b->msgs[i].msg_hdr.msg_control = b->ctrl + i * BENCH_CTRL;
            b->msgs[i].msg_hdr.msg_controllen = BENCH_CTRL;
        }
        b->msgs[i].msg_len = 0;
    }
}

/* Sends msgs[0..n) with sendmmsg, retrying partial sends. A datagram the
 * kernel refuses (ENOBUFS, ECONNREFUSED from an earlier ICMP error) is
 * skipped and counted in *errors: UDP promises nothing. Returns how many
 * went out; stops early on any other error. */
static size_t bench_send_all(int fd, struct mmsghdr *msgs, size_t n,
                             uint64_t *errors)
{
    size_t done = 0, ok = 0;

    while (done < n) {
        int r = sendmmsg(fd, msgs + done, (unsigned)(n - done), 0);
        if (r > 0) {
            done += (size_t)r;
            ok += (size_t)r;
            continue;
        }
        if (r < 0 && errno == EINTR && !bench_stop)
            continue;
        (*errors)++;
        if (r < 0 &&
            (errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED)) {
            done++;
            continue;
        }
        break;
    }
    return ok;
}

/* --meta: the socket options `ippm stamp reflector` sets (impl/core/net.c),
 * for both families; failures are ignored as there. */
static void bench_meta_enable(int fd)
{
    int one = 1;

    (void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    (void)setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    (void)setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof one);
    (void)setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &one, sizeof one);
    (void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    (void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one);
    (void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, sizeof one);
}

/* Makes h's control buffer hold one message of len octets from data. */
static void bench_cmsg_put(struct msghdr *h, int level, int type,
                           const void *data, size_t len)
{
    struct cmsghdr *c = CMSG_FIRSTHDR(h);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(len);
    memcpy(CMSG_DATA(c), data, len);
    h->msg_controllen = CMSG_SPACE(len);
}

/* --meta: reads every control message of a received datagram as a
 * reflector would, and points h at a reply control message (in out,
 * BENCH_CTRL octets) that sends from the address it arrived at. Returns
 * a value derived from the metadata, so the reads are not optimised
 * away. */
static uint64_t bench_meta_reply(struct msghdr *h, uint8_t *out)
{
    struct in_pktinfo pi;
    struct in6_pktinfo pi6;
    bool have4 = false, have6 = false;
    uint64_t sink = 0;

    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            sink += (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
        } else if (c->cmsg_level == IPPROTO_IP &&
                   (c->cmsg_type == IP_TTL || c->cmsg_type == IP_TOS)) {
            sink += CMSG_DATA(c)[0];
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            have4 = true;
        } else if (c->cmsg_level == IPPROTO_IPV6 &&
                   c->cmsg_type == IPV6_PKTINFO) {
            memcpy(&pi6, CMSG_DATA(c), sizeof pi6);
            have6 = true;
        } else if (c->cmsg_level == IPPROTO_IPV6) {
            int v;
            memcpy(&v, CMSG_DATA(c), sizeof v);
            sink += (uint64_t)v;
        }
    }
    memset(out, 0, BENCH_CTRL);
    h->msg_control = out;
    h->msg_controllen = BENCH_CTRL;
    if (have4) {
        struct in_pktinfo reply = {0};
        reply.ipi_spec_dst = pi.ipi_addr;
        bench_cmsg_put(h, IPPROTO_IP, IP_PKTINFO, &reply, sizeof reply);
    } else if (have6) {
        struct in6_pktinfo reply = {0};
        reply.ipi6_addr = pi6.ipi6_addr;
        bench_cmsg_put(h, IPPROTO_IPV6, IPV6_PKTINFO, &reply, sizeof reply);
    } else {
        h->msg_control = NULL;
        h->msg_controllen = 0;
    }
    return sink;
}

static int bench_echo(const struct bench_opts *o)
{
    struct bench_batch b = {0};
    uint64_t received = 0, sent = 0, batches = 0, errors = 0, truncated = 0;
    uint64_t start, deadline, meta_sink = 0;
    int fd;

    fd = bench_socket(o->host ? o->host : "0.0.0.0", o->port, true);
    if (fd < 0)
        return IPPM_EXIT_RUNTIME;
    if (o->meta)
        bench_meta_enable(fd);
    if (bench_batch_init(&b, o->batch) != 0) {
        bench_batch_free(&b);
        close(fd);
        return IPPM_EXIT_RUNTIME;
    }
    bench_signals();
    start = bench_now_ns();
    deadline = o->seconds ? start + o->seconds * 1000000000ull : UINT64_MAX;

    while (!bench_stop) {
        int r;

        if (deadline != UINT64_MAX) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            uint64_t now = bench_now_ns();
            if (now >= deadline)
                break;
            if (poll(&p, 1, (int)((deadline - now) / 1000000 + 1)) <= 0)
                continue;
        }
        bench_batch_arm_rx(&b, b.n, true, o->meta);
        r = recvmmsg(fd, b.msgs, (unsigned)b.n, MSG_WAITFORONE, NULL);
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            fprintf(stderr, "ippm bench echo: recvmmsg: %s\n", strerror(errno));
            break;
        }
        received += (uint64_t)r;
        batches++;
        /* The same buffers go back, each to its source, cut to what came. */
        for (int i = 0; i < r; i++) {
            if (b.msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
                truncated++;
            b.iovs[i].iov_len = b.msgs[i].msg_len;
            b.msgs[i].msg_hdr.msg_flags = 0;
            if (o->meta)
                meta_sink += bench_meta_reply(&b.msgs[i].msg_hdr,
                                              b.sctrl + i * BENCH_CTRL);
        }
        sent += bench_send_all(fd, b.msgs, (size_t)r, &errors);
    }

    printf("{\"mode\":\"%s\",\"port\":%lu,\"batch\":%lu,"
           "\"received\":%" PRIu64 ",\"sent\":%" PRIu64 ",\"batches\":%" PRIu64
           ",\"mean_batch\":%.2f"
           ",\"send_errors\":%" PRIu64 ",\"truncated\":%" PRIu64
           ",\"seconds\":%.3f}\n",
           o->meta ? "echo-meta" : "echo", o->port, o->batch, received, sent,
           batches, batches ? (double)received / (double)batches : 0.0, errors,
           truncated, (double)(bench_now_ns() - start) / 1e9);
    fflush(stdout);
    (void)meta_sink;
    bench_batch_free(&b);
    close(fd);
    return IPPM_EXIT_OK;
}

/* Writes the RFC 8762 §4.2.1 big-endian sequence number and NTP
 * timestamp into a packet built from the template. */
static void bench_stamp(uint8_t *p, uint32_t seq, uint64_t ntp)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(seq >> (24 - 8 * i));
    for (int i = 0; i < 8; i++)
        p[4 + i] = (uint8_t)(ntp >> (56 - 8 * i));
}

/* --rmbt-token: RP01, sequence 0, the token's 16 octets (notes
 * rmbt-udp-ping §1); per packet only the sequence number changes. */
#define BENCH_RMBT_LEN 24
static size_t bench_rmbt_template(const char *hex, uint8_t *tmpl)
{
    memcpy(tmpl, "RP01\0\0\0\0", 8);
    for (size_t i = 0; i < 16; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        tmpl[8 + i] = (uint8_t)v;
    }
    return BENCH_RMBT_LEN;
}

/* The RFC 8972 TLVs of a --tlv-padding / --hmac-tlv-key load: an Extra
 * Padding TLV, then an HMAC TLV over the Sequence Number and the padding
 * (§4.8), signed once. Returns the packet length, 0 after a message. */
static size_t bench_tlv_template(const struct bench_opts *o, uint8_t *tmpl,
                                 size_t cap, const struct stamp_sender_pkt *pkt)
{
    uint8_t tlvs[BENCH_SLOT];
    size_t off = 0, hmac_off = 0;
    enum ippm_err err = IPPM_OK;
    if (o->tlv_padding)
        err = stamp_tlv_put_padding(tlvs, sizeof tlvs, &off, o->tlv_padding);
    if (err == IPPM_OK && o->hmac_key_file) {
        hmac_off = off;
        err = stamp_tlv_put_hmac(tlvs, sizeof tlvs, &off);
    }
    struct stamp_sender_pkt p = *pkt;
    p.extra = tlvs;
    p.extra_len = off;
    if (err == IPPM_OK)
        err = stamp_sender_pkt_encode(tmpl, cap, STAMP_BASE_LEN + off, &p,
                                      STAMP_MODE_OPEN, NULL);
    if (err == IPPM_OK && o->hmac_key_file) {
        struct ippm_crypto crypto;
        uint8_t key[IPPM_KEY_MAX];
        size_t key_len;
        if (ippm_keyfile_read("--hmac-tlv-key", o->hmac_key_file, key,
                              &key_len) != 0)
            return 0;
        if (ippm_crypto_openssl_init(&crypto) != 0) {
            fprintf(stderr, "ippm bench load: OpenSSL has no HMAC\n");
            return 0;
        }
        struct ippm_hmac_key k;
        err = ippm_hmac_key_init(&k, &crypto, IPPM_HASH_SHA256, key, key_len);
        if (err == IPPM_OK)
            err = stamp_tlv_hmac_sign(&k, tmpl, STAMP_BASE_LEN + off,
                                      STAMP_BASE_LEN, hmac_off);
        ippm_hmac_key_free(&k);
        ippm_crypto_openssl_free(&crypto);
    }
    if (err != IPPM_OK) {
        fprintf(stderr, "ippm bench load: TLVs: %s\n", ippm_err_str(err));
        return 0;
    }
    return STAMP_BASE_LEN + off;
}

static int bench_load(const struct bench_opts *o_in)
{
    struct bench_opts opts = *o_in;
    const struct bench_opts *o = &opts;
    struct bench_batch tx = {0}, rx = {0};
    uint8_t tmpl[BENCH_SLOT];
    struct stamp_sender_pkt pkt;
    enum ippm_err err;
    uint64_t sent = 0, received = 0, received_in_time = 0, errors = 0;
    uint64_t stalls = 0, short_replies = 0, presumed_lost = 0, given_up = 0;
    uint64_t start, deadline, last_rx;
    uint32_t seq = 0;
    int fd, status = IPPM_EXIT_OK;

    /* A valid packet from the codec once; per packet only the sequence
     * number and timestamp change, so the generator stays cheap. */
    memset(&pkt, 0, sizeof pkt);
    pkt.errest = ippm_errest_encode(&(struct ippm_errest){
        .synced = false, .z = false, .scale = 0, .mult = 1});
    if (o->rmbt_token) {
        opts.size = bench_rmbt_template(o->rmbt_token, tmpl);
        err = IPPM_OK;
    } else if (o->tlv_padding || o->hmac_key_file) {
        opts.size = bench_tlv_template(o, tmpl, sizeof tmpl, &pkt);
        if (opts.size == 0)
            return IPPM_EXIT_USAGE;
        err = IPPM_OK;
    } else {
        err = stamp_sender_pkt_encode(tmpl, sizeof tmpl, o->size, &pkt,
                                      STAMP_MODE_OPEN, NULL);
    }
    if (err != IPPM_OK) {
        fprintf(stderr, "ippm bench load: encode: %s\n", ippm_err_str(err));
        return IPPM_EXIT_USAGE;
    }

    fd = bench_socket(o->host, o->port, false);
    if (fd < 0)
        return IPPM_EXIT_RUNTIME;
    if (bench_batch_init(&tx, o->batch) != 0 ||
        bench_batch_init(&rx, o->batch) != 0) {
        bench_batch_free(&tx);
        bench_batch_free(&rx);
        close(fd);
        return IPPM_EXIT_RUNTIME;
    }
    for (size_t i = 0; i < tx.n; i++)
        memcpy(tx.bufs + i * BENCH_SLOT, tmpl, o->size);
    bench_signals();

    start = bench_now_ns();
    deadline = start + o->seconds * 1000000000ull;
    last_rx = start;
    for (;;) {
        uint64_t now = bench_now_ns();
        bool sending = now < deadline && !bench_stop;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        /* in flight as far as the window is concerned */
        uint64_t outstanding = sent - received - presumed_lost;
        int r, timeout;

        /* Draining: until every datagram is answered, not merely those
         * the window still counts, or late replies would read as loss. */
        if (!sending && (received >= sent || now >= deadline + BENCH_DRAIN_NS ||
                         bench_stop))
            break;

        if (sending &&
            sent - received - given_up >= BENCH_HARD_WINDOWS * o->window)
            outstanding = o->window;
        if (sending && outstanding < o->window) {
            uint64_t room = o->window - outstanding;
            size_t n = room < tx.n ? (size_t)room : tx.n;
            uint64_t ntp = ippm_ntp_from_ns(bench_realtime_ns());
            size_t done;

            for (size_t i = 0; i < n; i++) {
                uint8_t *s = tx.bufs + i * BENCH_SLOT;
                /* The HMAC TLV covers the Sequence Number: a signed
                 * template is sent as it is. */
                if (o->rmbt_token)
                    for (int k = 0; k < 4; k++) /* RMBT: octets 4..7 */
                        s[4 + k] = (uint8_t)(seq >> (24 - 8 * k));
                if (o->rmbt_token)
                    seq++;
                else if (!o->hmac_key_file)
                    bench_stamp(s, seq++, ntp);
                tx.iovs[i].iov_base = s;
                tx.iovs[i].iov_len = o->size;
                memset(&tx.msgs[i].msg_hdr, 0, sizeof tx.msgs[i].msg_hdr);
                tx.msgs[i].msg_hdr.msg_iov = &tx.iovs[i];
                tx.msgs[i].msg_hdr.msg_iovlen = 1;
            }
            done = bench_send_all(fd, tx.msgs, n, &errors);
            sent += done;
            outstanding += done;
        }

        /* Replies: don't block while there is window to fill. */
        if (sending && outstanding < o->window) {
            timeout = 0;
        } else if (sending) {
            timeout = BENCH_STALL_MS;
        } else {
            uint64_t left = deadline + BENCH_DRAIN_NS - now;
            timeout = (int)(left / 1000000 + 1);
        }
        r = poll(&p, 1, timeout);
        if (r <= 0) {
            if (r == 0 && sending && outstanding >= o->window &&
                bench_now_ns() - last_rx >= BENCH_STALL_MS * 1000000ull) {
                /* Nothing came back for a while: what is out is lost
                 * (or late: a reply after this gives it back). */
                stalls++;
                presumed_lost = sent - received;
                if (bench_now_ns() - last_rx >= BENCH_GIVEUP_MS * 1000000ull)
                    given_up = sent - received;
            }
            continue;
        }
        bench_batch_arm_rx(&rx, rx.n, false, false);
        r = recvmmsg(fd, rx.msgs, (unsigned)rx.n, MSG_DONTWAIT, NULL);
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            if (errno == ECONNREFUSED) {
                /* nobody listening (yet): an ICMP error, not a reply */
                errors++;
                continue;
            }
            fprintf(stderr, "ippm bench load: recvmmsg: %s\n", strerror(errno));
            status = IPPM_EXIT_RUNTIME;
            break;
        }
        last_rx = bench_now_ns();
        for (int i = 0; i < r; i++) {
            /* RMBT's reply is 8 octets (an echo's 24). */
            if (rx.msgs[i].msg_len <
                (o->rmbt_token ? 8u : (unsigned)STAMP_BASE_LEN))
                short_replies++;
        }
        received += (uint64_t)r;
        if (received > sent)
            received = sent; /* duplicates: UDP may, loopback will not */
        if (last_rx <= deadline)
            received_in_time += (uint64_t)r;
        if (received + presumed_lost > sent)
            presumed_lost = sent - received; /* a late one came back */
        if (received + given_up > sent)
            given_up = sent - received;
    }

    printf("{\"mode\":\"load\",\"target\":\"%s\",\"port\":%lu,"
           "\"seconds\":%lu,\"size\":%lu,\"batch\":%lu,\"window\":%lu,"
           "\"sent\":%" PRIu64 ",\"received\":%" PRIu64
           ",\"replies_per_s\":%.1f,\"received_over_sent\":%.6f"
           ",\"short_replies\":%" PRIu64 ",\"stalls\":%" PRIu64
           ",\"send_errors\":%" PRIu64 "}\n",
           o->host, o->port, o->seconds, o->size, o->batch, o->window, sent,
           received, (double)received_in_time / (double)o->seconds,
           sent ? (double)received / (double)sent : 0.0, short_replies, stalls,
           errors);
    fflush(stdout);
    bench_batch_free(&tx);
    bench_batch_free(&rx);
    close(fd);
    if (status == IPPM_EXIT_OK && received == 0) {
        fprintf(stderr, "ippm bench load: no reply from %s port %lu\n", o->host,
                o->port);
        status = IPPM_EXIT_FAIL;
    }
    return status;
}

/* see commands.h */
int cmd_bench(int argc, char **argv)
{
    struct bench_opts o = {.host = NULL,
                           .port = 0,
                           .batch = 64,
                           .seconds = 10,
                           .size = STAMP_BASE_LEN,
                           .window = 256};

    if (argc < 2) {
        bench_usage(stderr);
        return IPPM_EXIT_USAGE;
    }
    int rc;
    if (strcmp(argv[1], "echo") == 0) {
        o.seconds = 0;
        if ((rc = bench_parse(argc, argv, 2, false, &o)) >= 0)
            return rc;
        return bench_echo(&o);
    }
    if (strcmp(argv[1], "load") == 0) {
        if ((rc = bench_parse(argc, argv, 2, true, &o)) >= 0)
            return rc;
        return bench_load(&o);
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        bench_usage(stdout);
        return IPPM_EXIT_OK;
    }
    fprintf(stderr, "ippm bench: unknown mode '%s' (echo or load)\n", argv[1]);
    return IPPM_EXIT_USAGE;
}
