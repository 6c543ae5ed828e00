/* Kernel transmit timestamps: SO_TIMESTAMPING on send, read back from the
 * socket's error queue (Documentation/networking/timestamping.rst). */
#include "net.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* Room for one error-queue message's control data: the timestamps and
 * the extended error that carries the index. */
#define TXTS_CTRL_LEN 512

/* How timestamps are reported; which packets get one is apart. */
#define TXTS_REPORT                                                       \
    (SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_RAW_HARDWARE |           \
     SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY)
#define TXTS_EVERY (SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_TX_HARDWARE)

/* see net.h */
enum ippm_txts_kind ippm_net_txts_enable(const struct ippm_sock *s,
                                         bool every)
{
    int flags = TXTS_REPORT | (every ? TXTS_EVERY : 0);
#ifdef SOF_TIMESTAMPING_OPT_RX_FILTER
    /* Reporting software timestamps would add an SCM_TIMESTAMPING to
     * every received datagram too; the filter keeps receive as it is.
     * Kernels before 5.19 refuse the flag: then without it. */
    int filtered = flags | SOF_TIMESTAMPING_OPT_RX_FILTER;
    if (setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPING, &filtered,
                   sizeof filtered) == 0)
        return IPPM_TXTS_SOFTWARE;
#endif
    if (setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPING, &flags,
                   sizeof flags) == 0)
        return IPPM_TXTS_SOFTWARE;
    return IPPM_TXTS_NONE;
}

static uint64_t ns_of_ts(const struct timespec *t)
{
    return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

/* The extended error of a timestamp, from either family's cmsg. */
static const struct sock_extended_err *ts_err(const struct cmsghdr *c)
{
    bool v4 = c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR;
    bool v6 = c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR;
    if (!v4 && !v6)
        return NULL;
    const struct sock_extended_err *e = (const void *)CMSG_DATA(c);
    return e->ee_errno == ENOMSG &&
                   e->ee_origin == SO_EE_ORIGIN_TIMESTAMPING
               ? e
               : NULL;
}

/* One message's timestamp; false when it carries none. */
static bool parse_txts(struct msghdr *h, struct ippm_txts *out)
{
    const struct scm_timestamping *ts = NULL;
    const struct sock_extended_err *err = NULL;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING)
            ts = (const void *)CMSG_DATA(c);
        else if (!err)
            err = ts_err(c);
    }
    if (!ts || !err)
        return false;
    /* ts[2] is the raw hardware time, ts[0] software; ts[1] is unused. */
    struct timespec t;
    bool hw = ts->ts[2].tv_sec || ts->ts[2].tv_nsec;
    memcpy(&t, hw ? &ts->ts[2] : &ts->ts[0], sizeof t);
    if (!t.tv_sec && !t.tv_nsec)
        return false;
    out->id = err->ee_data;
    out->ns = ns_of_ts(&t);
    out->kind = hw ? IPPM_TXTS_HARDWARE : IPPM_TXTS_SOFTWARE;
    return true;
}

/* Messages per recvmmsg: the reflector's batch. */
#define TXTS_BATCH IPPM_NET_BATCH

/* see net.h */
int ippm_net_txts_read(const struct ippm_sock *s, struct ippm_txts *out,
                       size_t n)
{
    /* One recvmmsg per TXTS_BATCH timestamps, not a recvmsg each: the
     * reflector reads one per reply. */
    static _Thread_local union {
        struct cmsghdr align;
        uint8_t buf[TXTS_CTRL_LEN];
    } ctrl[TXTS_BATCH];
    uint8_t data[TXTS_BATCH][64]; /* OPT_TSONLY: none; an ICMP error's */
    struct iovec iov[TXTS_BATCH];
    struct mmsghdr m[TXTS_BATCH];
    size_t got = 0;
    while (got < n) {
        size_t want = n - got < TXTS_BATCH ? n - got : TXTS_BATCH;
        memset(m, 0, sizeof(m[0]) * want);
        for (size_t i = 0; i < want; i++) {
            iov[i] = (struct iovec){.iov_base = data[i],
                                    .iov_len = sizeof data[i]};
            m[i].msg_hdr.msg_iov = &iov[i];
            m[i].msg_hdr.msg_iovlen = 1;
            m[i].msg_hdr.msg_control = ctrl[i].buf;
            m[i].msg_hdr.msg_controllen = sizeof ctrl[i].buf;
        }
        int r = recvmmsg(s->fd, m, (unsigned)want,
                         MSG_ERRQUEUE | MSG_DONTWAIT, NULL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return got ? (int)got : -1;
        }
        for (int i = 0; i < r; i++)
            got += parse_txts(&m[i].msg_hdr, &out[got]);
        if ((size_t)r < want)
            break;
    }
    return (int)got;
}
