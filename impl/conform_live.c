/* Live conformance runs; see conform_live.h. */
#include "conform_live.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../proto/common/ippm_cur.h"
#include "../proto/stamp/stamp.h"
#include "clock.h"
#include "net.h"

#define MS 1000000ull
#define PROBE_SSID 0x5354 /* "ST" */

/* One socket, one session, per probe. */
enum probe_sock {
    PS_BASE, PS_PAD, PS_SHORT, PS_GARBAGE, PS_MBZ, PS_PTP, PS_SSID,
    PS_SESSION2, PS_BADHMAC, PS_N
};

static const uint32_t probe_bit[PS_N] = {
    IPPM_PROBE_STAMP_BASE,    IPPM_PROBE_STAMP_PAD,  IPPM_PROBE_STAMP_SHORT,
    IPPM_PROBE_STAMP_GARBAGE, IPPM_PROBE_STAMP_MBZ,  IPPM_PROBE_STAMP_PTP,
    IPPM_PROBE_STAMP_SSID,    IPPM_PROBE_STAMP_SESSION2,
    IPPM_PROBE_STAMP_BADHMAC,
};

struct prober {
    const struct conform_reflector_opts *o;
    struct conform_run *run;
    enum stamp_mode mode;
    struct stamp_key key;
    struct ippm_clock clk;
    struct ippm_sock sock[PS_N];
    bool open[PS_N];
    struct ippm_rx_batch rx;
    /* per exchange, beside run->ex */
    uint8_t ex_sock[CONFORM_LIVE_MAX_EX];
    uint32_t ex_seq[CONFORM_LIVE_MAX_EX];
    int16_t rep_ttl[CONFORM_LIVE_MAX_EX];
};

static void *dup_bytes(const void *p, size_t len)
{
    void *d = malloc(len ? len : 1);
    if (d && len)
        memcpy(d, p, len);
    return d;
}

/* see conform_live.h */
void conform_run_free(struct conform_run *run)
{
    for (size_t i = 0; i < run->obs.n_ex; i++) {
        free((void *)run->ex[i].req);
        free((void *)run->ex[i].rep);
        run->ex[i].req = run->ex[i].rep = NULL;
    }
    run->obs.n_ex = 0;
}

/* ---- replies ---- */

static void on_reply(struct prober *p, size_t si, const uint8_t *b, size_t len,
                     const struct ippm_rx_meta *m)
{
    struct conform_run *run = p->run;
    size_t base = stamp_base_len(p->mode);
    long match = -1;
    run->received++;
    /* Session-Sender Sequence Number: octets 24-27 (48-51 auth), RFC 8762
     * Figures 5 and 6. A reply shorter than the base that still carries
     * it (a TWAMP-Light style 38-octet echo) pairs by it too, as pcap
     * check pairs, so the catalogue grades its length. */
    size_t ss_off = p->mode == STAMP_MODE_AUTH ? 48 : 24;
    if (len >= ss_off + 4) {
        /* Pair by (socket, Session-Sender Sequence Number). */
        uint32_t ss = ippm_load_u32(b + ss_off);
        for (size_t i = 0; i < run->obs.n_ex; i++) {
            if (p->ex_sock[i] != si || p->ex_seq[i] != ss)
                continue;
            if (match < 0 || (run->ex[match].rep && !run->ex[i].rep))
                match = (long)i;
        }
    }
    if (match < 0 && len < base) {
        /* Too short to carry the copy, or a copy that names no request:
         * an echo of an unanswered request of the same length, if any. */
        for (size_t i = 0; i < run->obs.n_ex && match < 0; i++)
            if (p->ex_sock[i] == si && run->ex[i].req_len == len &&
                !run->ex[i].rep)
                match = (long)i;
    }
    if (match < 0) {
        run->obs.unmatched_replies++;
        return;
    }
    struct ippm_exchange *e = &run->ex[match];
    if (e->rep) {
        e->n_replies++;
        return;
    }
    e->rep = dup_bytes(b, len);
    if (!e->rep)
        return;
    e->rep_len = len;
    e->rep_ns = m->rx_ns;
    e->n_replies = 1;
    e->rep_src = m->peer;
    p->rep_ttl[match] = m->ttl;
}

/* Reads replies until wait_ns has passed. */
static void collect(struct prober *p, uint64_t wait_ns)
{
    uint64_t end = ippm_clock_realtime() + wait_ns;
    for (;;) {
        struct pollfd pfd[PS_N];
        size_t idx[PS_N], n = 0;
        for (size_t i = 0; i < PS_N; i++) {
            if (!p->open[i])
                continue;
            pfd[n].fd = p->sock[i].fd;
            pfd[n].events = POLLIN;
            pfd[n].revents = 0;
            idx[n++] = i;
        }
        uint64_t now = ippm_clock_realtime();
        int ms = now >= end ? 0 : (int)((end - now + MS - 1) / MS);
        int r = poll(pfd, n, ms);
        if (r < 0 && errno != EINTR)
            return;
        for (size_t k = 0; r > 0 && k < n; k++) {
            if (!pfd[k].revents)
                continue;
            for (;;) {
                int got = ippm_net_recv(&p->sock[idx[k]], &p->rx, &p->clk);
                if (got < 0) {
                    if (errno == ECONNREFUSED) {
                        p->run->icmp_refused++;
                        continue;
                    }
                    break;
                }
                for (int j = 0; j < got; j++)
                    if (!p->rx.trunc[j])
                        on_reply(p, idx[k],
                                 ippm_rx_batch_buf(&p->rx, (size_t)j),
                                 p->rx.len[j], &p->rx.meta[j]);
                if ((size_t)got < p->rx.cap)
                    break;
            }
        }
        if (ippm_clock_realtime() >= end)
            return;
    }
}

/* ---- requests ---- */

enum req_kind { RQ_VALID, RQ_MBZ, RQ_BADHMAC };

/* Builds a request of len octets (>= base) into buf. Padding beyond the
 * base is an RFC 8972 Extra Padding TLV around a counting pattern, which
 * a reflector with or without RFC 8972 copies unchanged. */
static enum ippm_err build_req(struct prober *p, uint8_t *buf, size_t len,
                               uint32_t seq, enum ippm_tsfmt fmt,
                               uint16_t ssid, enum req_kind kind)
{
    size_t base = stamp_base_len(p->mode);
    uint8_t extra[1024];
    struct ippm_errest ee = ippm_clock_errest(&p->clk);
    ee.z = fmt == IPPM_TS_PTP;
    if (!ee.mult)
        ee.mult = 1;
    struct stamp_sender_pkt s = {
        .seq = seq,
        .ts = ippm_ts_from_ns(ippm_clock_realtime(), fmt),
        .errest = ippm_errest_encode(&ee),
        .ssid = ssid,
    };
    if (len > base) {
        size_t x = len - base;
        if (x > sizeof extra)
            return IPPM_ERR_BAD_ARG;
        for (size_t i = 0; i < x; i++)
            extra[i] = (uint8_t)(i * 31 + 7);
        if (x >= 4) {
            extra[0] = 0;    /* flags */
            extra[1] = 1;    /* Extra Padding, RFC 8972 §4.1 */
            ippm_store_u16(extra + 2, (uint16_t)(x - 4));
        }
        s.extra = extra;
        s.extra_len = x;
    }
    enum ippm_err rc = stamp_sender_pkt_encode(buf, len, len, &s, p->mode,
                                               &p->key);
    if (rc != IPPM_OK)
        return rc;
    if (kind == RQ_MBZ) {
        /* A sender MBZ octet set; the reflector MUST ignore it. */
        buf[p->mode == STAMP_MODE_AUTH ? 40 : 30] = 0x5a;
        if (p->mode == STAMP_MODE_AUTH) {
            uint8_t mac[STAMP_HMAC_LEN];
            rc = stamp_hmac_compute(&p->key, buf, len, mac);
            if (rc != IPPM_OK)
                return rc;
            memcpy(buf + STAMP_AUTH_HMAC_OFF, mac, sizeof mac);
        }
    } else if (kind == RQ_BADHMAC) {
        buf[STAMP_AUTH_HMAC_OFF + 3] ^= 0x5a;
    }
    return IPPM_OK;
}

/* Records and sends one datagram. */
static void send_raw(struct prober *p, size_t si, const uint8_t *buf,
                     size_t len)
{
    struct conform_run *run = p->run;
    if (run->obs.n_ex >= CONFORM_LIVE_MAX_EX)
        return;
    size_t i = run->obs.n_ex;
    struct ippm_exchange *e = &run->ex[i];
    memset(e, 0, sizeof *e);
    e->req = dup_bytes(buf, len);
    if (!e->req)
        return;
    e->req_len = len;
    e->req_ttl = -1;
    e->req_src = p->sock[si].local;
    e->req_dst = p->o->target;
    e->probe = probe_bit[si];
    p->ex_sock[i] = (uint8_t)si;
    p->ex_seq[i] = len >= 4 ? ippm_load_u32(buf) : 0;
    p->rep_ttl[i] = -1;
    run->obs.n_ex++;
    run->obs.probes_run |= probe_bit[si];
    e->req_ns = ippm_clock_realtime();
    if (send(p->sock[si].fd, buf, len, 0) == (ssize_t)len)
        run->sent++;
}

static void send_req(struct prober *p, size_t si, size_t len, uint32_t seq,
                     enum ippm_tsfmt fmt, uint16_t ssid, enum req_kind kind)
{
    uint8_t buf[2048];
    if (build_req(p, buf, len, seq, fmt, ssid, kind) == IPPM_OK)
        send_raw(p, si, buf, len);
    collect(p, 1 * MS); /* pace, and read what has come back */
}

/* Hop count from a reply's TTL: the reflector's initial TTL is taken as
 * the next of 64, 128, 255 at or above what arrived. */
static int16_t estimate_req_ttl(int ttl_sent, int16_t rep_ttl)
{
    if (rep_ttl < 0)
        return -1;
    int init = rep_ttl <= 64 ? 64 : rep_ttl <= 128 ? 128 : 255;
    int t = ttl_sent - (init - rep_ttl);
    return t > 0 ? (int16_t)t : -1;
}

static void prober_close(struct prober *p)
{
    for (size_t i = 0; i < PS_N; i++)
        if (p->open[i])
            ippm_net_close(&p->sock[i]);
    ippm_rx_batch_free(&p->rx);
}

/* see conform_live.h */
int conform_live_reflector(const struct conform_reflector_opts *o,
                           struct conform_run *run, char *err, size_t errlen)
{
    struct prober *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->o = o;
    p->run = run;
    p->mode = o->auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    p->key.crypto = o->crypto;
    p->key.key = o->key;
    p->key.len = o->key_len;
    ippm_clock_init(&p->clk, IPPM_TS_NTP);
    if (ippm_rx_batch_init(&p->rx, 8, IPPM_NET_MAX_DGRAM) != 0) {
        snprintf(err, errlen, "out of memory");
        free(p);
        return -1;
    }
    for (size_t i = 0; i < PS_N; i++) {
        if (i == PS_BADHMAC && !o->auth)
            continue;
        if (ippm_net_open_connected(&p->sock[i], &o->target, err, errlen) !=
            0) {
            prober_close(p);
            free(p);
            return -1;
        }
        p->open[i] = true;
        if (ippm_net_set_ttl(&p->sock[i], o->ttl) != 0) {
            snprintf(err, errlen, "cannot set the TTL to %d: %s", o->ttl,
                     strerror(errno));
            prober_close(p);
            free(p);
            return -1;
        }
    }

    size_t base = stamp_base_len(p->mode);
    enum ippm_tsfmt ntp = IPPM_TS_NTP;
    /* Base packets, seq 0..9 (RFC 8762 §4.2.1: from zero, up by one). */
    for (uint32_t s = 0; s < 10; s++)
        send_req(p, PS_BASE, base, s, ntp, 0, RQ_VALID);
    /* Padding to be copied (RFC 8762 §4.3, RFC 6038 §3). */
    const size_t pads_open[3] = {60, 128, 1000};
    const size_t pads_auth[3] = {128, 240, 1000};
    for (uint32_t s = 0; s < 3; s++)
        send_req(p, PS_PAD, o->auth ? pads_auth[s] : pads_open[s], s, ntp, 0,
                 RQ_VALID);
    /* Shorter than the base: the first 30 octets of a valid packet. */
    {
        uint8_t buf[STAMP_AUTH_BASE_LEN];
        if (build_req(p, buf, base, 0, ntp, 0, RQ_VALID) == IPPM_OK)
            send_raw(p, PS_SHORT, buf, 30);
    }
    /* Garbage of base length, then a valid request. */
    {
        uint8_t buf[STAMP_AUTH_BASE_LEN];
        memset(buf, 0xa5, sizeof buf);
        send_raw(p, PS_GARBAGE, buf, base);
        collect(p, 20 * MS);
        send_req(p, PS_GARBAGE, base, 0, ntp, 0, RQ_VALID);
    }
    send_req(p, PS_MBZ, base, 0, ntp, 0, RQ_MBZ);
    for (uint32_t s = 0; s < 2; s++)
        send_req(p, PS_PTP, base, s, IPPM_TS_PTP, 0, RQ_VALID);
    for (uint32_t s = 0; s < 3; s++)
        send_req(p, PS_SSID, base, s, ntp, PROBE_SSID, RQ_VALID);
    /* A gap (2..4 never sent): a stateless reflector echoes 5 and 6, a
     * stateful one counts 2 and 3. */
    const uint32_t s2[4] = {0, 1, 5, 6};
    for (size_t k = 0; k < 4; k++)
        send_req(p, PS_SESSION2, base, s2[k], ntp, 0, RQ_VALID);
    if (o->auth)
        send_req(p, PS_BADHMAC, base, 0, ntp, 0, RQ_BADHMAC);
    if (o->target.port == STAMP_PORT)
        run->obs.probes_run |= IPPM_PROBE_STAMP_PORT;

    collect(p, o->timeout_ns);

    for (size_t i = 0; i < run->obs.n_ex; i++)
        run->ex[i].req_ttl = estimate_req_ttl(o->ttl, p->rep_ttl[i]);

    struct ippm_obs *obs = &run->obs;
    obs->protocol = "stamp";
    obs->role = IPPM_ROLE_REFLECTOR;
    obs->ex = run->ex;
    obs->auth = o->auth;
    obs->crypto = o->crypto;
    obs->key = o->key;
    obs->key_len = o->key_len;
    obs->expect_stateful = o->expect_stateful;
    obs->expect_tsfmt = o->expect_tsfmt;
    obs->clock_tolerance_ns = o->tolerance_ns;
    obs->live = true;
    prober_close(p);
    free(p);
    return 0;
}

/* ---- the sender under test ---- */

/* see conform_live.h */
int conform_live_sender(const struct conform_sender_opts *o,
                        struct conform_run *run, char *err, size_t errlen)
{
    struct ippm_sock s;
    struct ippm_clock clk;
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
    struct stamp_reflector *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (ippm_rx_batch_init(&rx, 16, IPPM_NET_MAX_DGRAM) != 0 ||
        ippm_tx_batch_init(&tx, 16, IPPM_NET_MAX_DGRAM) != 0) {
        snprintf(err, errlen, "out of memory");
        free(r);
        return -1;
    }
    if (ippm_net_open_bound(&s, o->listen, o->port, err, errlen) != 0) {
        ippm_rx_batch_free(&rx);
        ippm_tx_batch_free(&tx);
        free(r);
        return -1;
    }
    ippm_clock_init(&clk, IPPM_TS_NTP);
    struct stamp_reflector_config cfg = {0};
    cfg.mode = o->auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    cfg.tsfmt = IPPM_TS_NTP;
    cfg.errest = ippm_clock_errest(&clk);
    cfg.key.crypto = o->crypto;
    cfg.key.key = o->key;
    cfg.key.len = o->key_len;
    cfg.session_timeout_ns = 60 * 1000 * MS;
    stamp_reflector_init(r, &cfg);
    if (!o->quiet) {
        char a[IPPM_ADDR_STRLEN];
        fprintf(stderr,
                "conform stamp-sender: listening on %s; waiting for %u "
                "packets\n",
                ippm_addr_fmt(&s.local, a, sizeof a), o->count);
    }

    ippm_net_stop_signals();
    while (run->obs.n_ex < o->count && run->obs.n_ex < CONFORM_LIVE_MAX_EX &&
           !ippm_net_stopping()) {
        int w = ippm_net_wait(&s, o->timeout_ns);
        if (w <= 0)
            break; /* idle timeout, signal or error */
        int n = ippm_net_recv(&s, &rx, &clk);
        if (n < 0)
            break;
        for (int i = 0; i < n && run->obs.n_ex < CONFORM_LIVE_MAX_EX; i++) {
            const struct ippm_rx_meta *m = &rx.meta[i];
            const uint8_t *b = ippm_rx_batch_buf(&rx, (size_t)i);
            struct ippm_exchange *e = &run->ex[run->obs.n_ex];
            memset(e, 0, sizeof *e);
            e->req = dup_bytes(b, rx.len[i]);
            if (!e->req)
                continue;
            e->req_len = rx.len[i];
            e->req_ns = m->rx_ns;
            e->req_ttl = m->ttl;
            e->req_src = m->peer;
            e->req_dst = m->local;
            run->obs.n_ex++;
            run->received++;
            uint8_t *slot = ippm_tx_batch_slot(&tx);
            struct stamp_event ev = {.kind = STAMP_EV_RX, .pkt = b,
                                     .len = rx.len[i], .meta = m};
            struct stamp_action act = {0};
            ev.now_ns = ippm_clock_now(&clk);
            if (slot && !rx.trunc[i] &&
                stamp_reflector_handle(r, &ev, slot, tx.buf_size, &act) ==
                    IPPM_OK &&
                act.kind == STAMP_ACT_SEND) {
                e->rep = dup_bytes(slot, act.len);
                e->rep_len = act.len;
                e->rep_ns = ev.now_ns;
                e->n_replies = 1;
                e->rep_src = m->local;
                ippm_tx_batch_commit(&tx, &s, act.len, &m->peer, &m->local);
            }
        }
        if (tx.n)
            run->sent += ippm_net_send(&s, &tx, NULL);
    }
    ippm_net_close(&s);
    ippm_rx_batch_free(&rx);
    ippm_tx_batch_free(&tx);
    free(r);

    struct ippm_obs *obs = &run->obs;
    obs->protocol = "stamp";
    obs->role = IPPM_ROLE_SENDER;
    obs->ex = run->ex;
    obs->auth = o->auth;
    obs->crypto = o->crypto;
    obs->key = o->key;
    obs->key_len = o->key_len;
    obs->expect_stateful = -1;
    obs->clock_tolerance_ns = o->tolerance_ns;
    obs->live = true;
    return 0;
}

/* ---- ippm's own reflector, in a thread ----
 * A small loop of its own: impl/stamp_reflector.c exposes only its
 * command-line entry point. */

struct conform_selfrefl {
    pthread_t th;
    atomic_bool stop;
    struct ippm_sock s;
    struct ippm_clock clk;
    struct stamp_reflector r;
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
};

static void *selfrefl_main(void *arg)
{
    struct conform_selfrefl *x = arg;
    while (!atomic_load(&x->stop)) {
        struct pollfd pfd = {x->s.fd, POLLIN, 0};
        if (poll(&pfd, 1, 50) <= 0)
            continue;
        int n = ippm_net_recv(&x->s, &x->rx, &x->clk);
        for (int i = 0; i < n; i++) {
            uint8_t *slot = ippm_tx_batch_slot(&x->tx);
            struct stamp_event ev = {
                .kind = STAMP_EV_RX,
                .pkt = ippm_rx_batch_buf(&x->rx, (size_t)i),
                .len = x->rx.len[i],
                .meta = &x->rx.meta[i],
            };
            struct stamp_action act = {0};
            ev.now_ns = ippm_clock_now(&x->clk);
            if (slot && !x->rx.trunc[i] &&
                stamp_reflector_handle(&x->r, &ev, slot, x->tx.buf_size,
                                       &act) == IPPM_OK &&
                act.kind == STAMP_ACT_SEND)
                ippm_tx_batch_commit(&x->tx, &x->s, act.len,
                                     &x->rx.meta[i].peer,
                                     &x->rx.meta[i].local);
        }
        if (x->tx.n)
            ippm_net_send(&x->s, &x->tx, NULL);
    }
    return NULL;
}

/* see conform_live.h */
struct conform_selfrefl *conform_selfrefl_start(uint16_t *port, char *err,
                                                size_t errlen)
{
    struct conform_selfrefl *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    atomic_init(&x->stop, false);
    struct ippm_addr lo = {IPPM_AF_INET, {127, 0, 0, 1}, 0};
    if (ippm_rx_batch_init(&x->rx, 16, IPPM_NET_MAX_DGRAM) != 0 ||
        ippm_tx_batch_init(&x->tx, 16, IPPM_NET_MAX_DGRAM) != 0) {
        snprintf(err, errlen, "out of memory");
        goto fail_batch;
    }
    if (ippm_net_open_bound(&x->s, &lo, 0, err, errlen) != 0)
        goto fail_batch;
    ippm_clock_init(&x->clk, IPPM_TS_NTP);
    struct stamp_reflector_config cfg = {0};
    cfg.mode = STAMP_MODE_OPEN;
    cfg.tsfmt = IPPM_TS_NTP;
    cfg.errest = ippm_clock_errest(&x->clk);
    cfg.session_timeout_ns = 60 * 1000 * MS;
    stamp_reflector_init(&x->r, &cfg);
    int rc = pthread_create(&x->th, NULL, selfrefl_main, x);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the reflector thread: %s",
                 strerror(rc));
        ippm_net_close(&x->s);
        goto fail_batch;
    }
    *port = x->s.local.port;
    return x;
fail_batch:
    ippm_rx_batch_free(&x->rx);
    ippm_tx_batch_free(&x->tx);
    free(x);
    return NULL;
}

/* see conform_live.h */
void conform_selfrefl_stop(struct conform_selfrefl *x)
{
    if (!x)
        return;
    atomic_store(&x->stop, true);
    pthread_join(x->th, NULL);
    ippm_net_close(&x->s);
    ippm_rx_batch_free(&x->rx);
    ippm_tx_batch_free(&x->tx);
    free(x);
}
