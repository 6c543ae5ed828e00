/* ippm's own reflector and sender, each in a thread: the targets of
 * `ippm conform` with no target; see conform_live.h. */
#include "impl/conform/conform_live.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "impl/conform/conform_prober.h"
#include "impl/core/clock.h"
#include "impl/core/keyfile.h"
#include "impl/core/net.h"
#include "impl/stamp/driver.h"
#include "impl/twamp/light.h"
#include "proto/stamp/stamp.h"

/* Starts fn(arg) on a thread that blocks every signal, so that SIGINT and
 * SIGTERM interrupt the grading thread's poll (conform_catch_stop), not
 * a helper's. Returns pthread_create's result. */
static int start_quiet_thread(pthread_t *th, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(th, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* ---- ippm's own reflector, in a thread ----
 * The loop of `ippm stamp reflector` itself (stamp_reflector_serve), on a
 * socket bound here so that the port is known before the thread runs. */

struct conform_selfrefl {
    pthread_t th;
    atomic_bool stop;
    struct ippm_sock s;
    uint8_t key[IPPM_KEY_MAX];
    uint16_t ssids[STAMP_REFLECTOR_SSIDS_MAX];
    struct stamp_reflector_serve_opts so;
};

static void *selfrefl_main(void *arg)
{
    struct conform_selfrefl *x = arg;
    (void)stamp_reflector_serve(&x->so);
    return NULL;
}

/* see conform_live.h */
struct conform_selfrefl *
conform_selfrefl_start(const struct conform_selfrefl_opts *o, uint16_t *port,
                       char *err, size_t errlen)
{
    struct conform_selfrefl *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (o->key_len > sizeof x->key) {
        snprintf(err, errlen, "key longer than %zu octets", sizeof x->key);
        free(x);
        return NULL;
    }
    atomic_init(&x->stop, false);
    struct ippm_addr lo = {IPPM_AF_INET, {127, 0, 0, 1}, 0, 0};
    if (ippm_net_open_bound(&x->s, &lo, o->port, err, errlen) != 0) {
        free(x);
        return NULL;
    }
    if (o->key && o->key_len)
        memcpy(x->key, o->key, o->key_len);
    /* `ippm stamp reflector` with TLVs on; here it also refuses one DSCP
     * and names a member link, so the catalogue sees RFC 8972 §4.4
     * RP = 1 and RFC 9534 §3.2 at work. */
    x->so = (struct stamp_reflector_serve_opts){
        .sock = &x->s,
        .stateful = o->stateful,
        .auth = o->auth,
        .tsfmt = o->tsfmt,
        .key = o->key ? x->key : NULL,
        .key_len = o->key ? o->key_len : 0,
        .micro_session_id = CONFORM_SELFREFL_MICRO_ID,
        .dscp_permitted = ~(1ull << CONFORM_SELFREFL_REFUSED_DSCP),
        .stop = &x->stop,
        /* `ippm twamp light-reflector`: the same loop, TWAMP-Light's. */
        .front = o->twamp_light ? &twamp_light_reflector_front : NULL,
        .twl_auth = o->twl_auth,
    };
    if (o->n_ssids && o->n_ssids <= STAMP_REFLECTOR_SSIDS_MAX) {
        memcpy(x->ssids, o->ssids, o->n_ssids * sizeof *o->ssids);
        x->so.ssids = x->ssids;
        x->so.n_ssids = o->n_ssids;
    }
    int rc = start_quiet_thread(&x->th, selfrefl_main, x);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the reflector thread: %s",
                 strerror(rc));
        ippm_net_close(&x->s);
        free(x);
        return NULL;
    }
    *port = x->s.local.port;
    return x;
}

/* see conform_live.h */
void conform_selfrefl_stop(struct conform_selfrefl *x)
{
    if (!x)
        return;
    atomic_store(&x->stop, true);
    pthread_join(x->th, NULL);
    ippm_net_close(&x->s);
    explicit_bzero(x->key, sizeof x->key);
    free(x);
}

/* ---- ippm's own sender, in a thread ---- */

struct conform_selfsend {
    pthread_t th;
    atomic_bool stop;
    struct conform_selfsend_opts o;
    struct ippm_hmac_key key; /* the thread's own key context */
    struct ippm_clock clk;
    struct ippm_rx_batch rx;
    struct stamp_sender snd;
    struct stamp_result res[CONFORM_SELFSEND_COUNT];
    uint8_t tx[STAMP_AUTH_BASE_LEN + TLV_CAP];
};

/* The TLVs of session k into t, as a sender builds them (RFC 8972 §4:
 * U set, fields zero). The HMAC TLV (authenticated mode, or a key given)
 * goes after every TLV but Extra Padding (§4.8); the BER padding, the
 * pattern repeated, last. */
static void selfsend_tlvs(const struct conform_selfsend *x, size_t k,
                          const struct ippm_addr *src, struct tlvs *t)
{
    const struct conform_selfsend_opts *o = &x->o;
    uint8_t *b = t->b;
    size_t cap = sizeof t->b;
    tl_init(t);
    struct stamp_return_path rp = {0};
    const uint32_t lse[2] = {16001u << 12 | 0x1ff, 16002u << 12 | 0x1ff};
    const uint8_t sid[32] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1,
                             0x20, 0x01, 0x0d, 0xb8, [31] = 2};
    static const uint8_t pat[2] = {0xff, 0x00};
    if (k == 0) {
        tl_ok(t, stamp_tlv_put_location(b, cap, &t->n, true, true, true));
        tl_ok(t, stamp_tlv_put_tsinfo(b, cap, &t->n));
        tl_ok(t, stamp_tlv_put_cos(b, cap, &t->n, 34));
        tl_ok(t, stamp_tlv_put_direct(b, cap, &t->n, 0));
        tl_ok(t, stamp_tlv_put_access(b, cap, &t->n, 1, 1));
        tl_ok(t, stamp_tlv_put_followup(b, cap, &t->n));
        tl_ok(t, stamp_tlv_put_dest_addr(b, cap, &t->n, &o->target));
        tl_ok(t, stamp_tlv_put_micro_session(b, cap, &t->n, 0x0a0a, 0));
        tl_ok(t, stamp_tlv_put_refl_control(b, cap, &t->n, 0, 1, 0));
        tl_ok(t, stamp_tlv_put_ber_pattern(b, cap, &t->n, pat, 2));
        tl_ok(t, stamp_tlv_put_ber_count(b, cap, &t->n));
        tl_ok(t, stamp_tlv_put_ber_burst(b, cap, &t->n));
        rp.addr = *src;
    } else if (k == 1) {
        /* RFC 8972 §4.1: padding with the TLV, zeros as the MAY allows */
        tl_ok(t, stamp_tlv_put_padding(b, cap, &t->n, 16));
        rp.lse = lse;
        rp.n_lse = 2;
    } else if (k == 2) {
        rp.sid = sid;
        rp.n_sid = 2;
    } else {
        rp.has_control = true;
        rp.control = STAMP_RP_REPLY_SAME_LINK;
    }
    tl_ok(t, stamp_tlv_put_return_path(b, cap, &t->n, &rp));
    if (o->auth || o->key)
        tl_hmac(t, false);
    if (k == 0)
        tl_ok(t, stamp_tlv_put_ber_padding(b, cap, &t->n, pat, 2, 32));
}

/* One session on its socket s: returns when it is done or asked to stop. */
static void selfsend_session(struct conform_selfsend *x, size_t k,
                             struct ippm_sock *sp, uint64_t delay_ns)
{
    const struct conform_selfsend_opts *o = &x->o;
    struct tlvs t;
    selfsend_tlvs(x, k, &sp->local, &t);
    enum stamp_mode mode = o->auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    struct stamp_sender_config cfg = {0};
    cfg.mode = mode;
    cfg.tsfmt = o->tsfmt;
    cfg.errest = ippm_clock_errest(&x->clk);
    cfg.key = x->key;
    cfg.ssid = (uint16_t)(PROBE_SSID + k); /* RFC 9503 §3: with an SSID */
    cfg.pkt_len = stamp_base_len(mode) + t.n;
    cfg.count = CONFORM_SELFSEND_COUNT;
    cfg.interval_ns = 2 * MS;
    cfg.wait_ns = 30 * MS;
    cfg.start_ns = ippm_clock_now(&x->clk) + delay_ns;
    cfg.tlvs = t.b;
    cfg.tlvs_len = t.n;
    if (t.err || stamp_sender_init(&x->snd, &cfg, x->res,
                                   CONFORM_SELFSEND_COUNT) != IPPM_OK)
        return;
    while (!atomic_load(&x->stop)) {
        uint64_t now = ippm_clock_now(&x->clk);
        uint64_t dl = stamp_sender_deadline(&x->snd);
        if (dl == UINT64_MAX)
            break;
        if (now >= dl) {
            struct ippm_event ev = {.kind = IPPM_EV_TIMER, .now_ns = now};
            struct ippm_action act = {0};
            if (stamp_sender_handle(&x->snd, &ev, x->tx, sizeof x->tx, &act) !=
                    IPPM_OK ||
                act.kind == IPPM_ACT_DONE)
                break;
            if (act.kind == IPPM_ACT_SEND_DATAGRAM)
                (void)send(sp->fd, x->tx, act.len, 0);
            continue;
        }
        struct pollfd pfd = {sp->fd, POLLIN, 0};
        uint64_t ms = (dl - now + MS - 1) / MS;
        if (poll(&pfd, 1, (int)(ms > 50 ? 50 : ms)) <= 0)
            continue;
        int n = ippm_net_recv(sp, &x->rx, &x->clk);
        for (int i = 0; i < n; i++) {
            struct ippm_event ev = {
                .kind = IPPM_EV_DATAGRAM,
                .now_ns = ippm_clock_now(&x->clk),
                .data = ippm_rx_batch_buf(&x->rx, (size_t)i),
                .len = x->rx.len[i],
                .meta = &x->rx.meta[i],
            };
            struct ippm_action act = {0};
            if (!x->rx.trunc[i])
                (void)stamp_sender_handle(&x->snd, &ev, x->tx, sizeof x->tx,
                                          &act);
        }
    }
}

/* Every session's socket is open for the whole run: a session's source
 * port names it to the graded reflector, and a port freed by one session
 * could come back to the next, which would then read as one session. */
static void *selfsend_main(void *arg)
{
    struct conform_selfsend *x = arg;
    struct ippm_sock s[CONFORM_SELFSEND_SESSIONS];
    bool open[CONFORM_SELFSEND_SESSIONS] = {false};
    char err[IPPM_NET_ERRLEN];
    for (size_t k = 0; k < CONFORM_SELFSEND_SESSIONS; k++)
        open[k] = ippm_net_open_connected(&s[k], &x->o.target, err,
                                          sizeof err) == 0;
    for (size_t k = 0; k < CONFORM_SELFSEND_SESSIONS && !atomic_load(&x->stop);
         k++)
        if (open[k])
            selfsend_session(x, k, &s[k], k ? 0 : x->o.delay_ns);
    for (size_t k = 0; k < CONFORM_SELFSEND_SESSIONS; k++)
        if (open[k])
            ippm_net_close(&s[k]);
    return NULL;
}

/* see conform_live.h */
struct conform_selfsend *
conform_selfsend_start(const struct conform_selfsend_opts *o, char *err,
                       size_t errlen)
{
    struct conform_selfsend *x = calloc(1, sizeof *x);
    if (!x || ippm_rx_batch_init(&x->rx, 8, IPPM_NET_MAX_DGRAM) != 0) {
        snprintf(err, errlen, "out of memory");
        free(x);
        return NULL;
    }
    x->o = *o;
    x->key = conform_key_ctx(o->crypto, o->key, o->key_len);
    atomic_init(&x->stop, false);
    ippm_clock_init(&x->clk, o->tsfmt);
    int rc = start_quiet_thread(&x->th, selfsend_main, x);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the sender thread: %s",
                 strerror(rc));
        ippm_hmac_key_free(&x->key);
        ippm_rx_batch_free(&x->rx);
        free(x);
        return NULL;
    }
    return x;
}

/* see conform_live.h */
void conform_selfsend_stop(struct conform_selfsend *x)
{
    if (!x)
        return;
    atomic_store(&x->stop, true);
    pthread_join(x->th, NULL);
    ippm_hmac_key_free(&x->key);
    ippm_rx_batch_free(&x->rx);
    free(x);
}
