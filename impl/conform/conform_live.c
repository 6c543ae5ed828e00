/* Live conformance runs: the buffers of a run, and the sender under
 * test (we play the reflector); see conform_live.h. The prober is in
 * conform_prober.c and conform_probes_tlv.c, ippm's own reflector and
 * sender in conform_self.c. */
#include "impl/conform/conform_live.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl/conform/conform_prober.h"
#include "impl/core/clock.h"
#include "impl/core/net.h"
#include "proto/stamp/stamp.h"

/* see conform_prober.h */
void *conform_dup_bytes(const void *p, size_t len)
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
    ippm_hmac_key_free(&run->key);
}

/* see conform_live.h */
struct ippm_hmac_key conform_key_ctx(const struct ippm_crypto *crypto,
                                     const uint8_t *key, size_t len)
{
    struct ippm_hmac_key k = {0};
    if (crypto && key && len &&
        ippm_hmac_key_init(&k, crypto, IPPM_HASH_SHA256, key, len) != IPPM_OK)
        memset(&k, 0, sizeof k);
    return k;
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
        int e = errno; /* for ippm_cli_bind_error */
        ippm_rx_batch_free(&rx);
        ippm_tx_batch_free(&tx);
        free(r);
        errno = e;
        return -1;
    }
    ippm_clock_init(&clk, IPPM_TS_NTP);
    struct stamp_reflector_config cfg = {0};
    cfg.mode = o->auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    cfg.tsfmt = IPPM_TS_NTP;
    cfg.errest = ippm_clock_errest(&clk);
    run->key = conform_key_ctx(o->crypto, o->key, o->key_len);
    cfg.key = run->key;
    cfg.session_timeout_ns = 60 * 1000 * MS;
    stamp_reflector_init(r, &cfg);
    if (!o->quiet) {
        char a[IPPM_ADDR_STRLEN];
        fprintf(stderr,
                "conform stamp-sender: listening on %s; waiting for %u "
                "packets\n",
                ippm_addr_fmt(&s.local, a, sizeof a), o->count);
    }

    /* cmd_conform caught SIGINT and SIGTERM (conform_catch_stop). */
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
            e->req = conform_dup_bytes(b, rx.len[i]);
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
            struct ippm_event ev = {.kind = IPPM_EV_DATAGRAM, .data = b,
                                     .len = rx.len[i], .meta = m};
            struct ippm_action act = {0};
            ev.now_ns = ippm_clock_now(&clk);
            if (slot && !rx.trunc[i] &&
                stamp_reflector_handle(r, &ev, slot, tx.buf_size, &act) ==
                    IPPM_OK &&
                act.kind == IPPM_ACT_SEND_DATAGRAM) {
                e->rep = conform_dup_bytes(slot, act.len);
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
    obs->key = ippm_hmac_key_ready(&run->key) ? &run->key : NULL;
    obs->expect_stateful = -1;
    obs->clock_tolerance_ns = o->tolerance_ns;
    obs->live = true;
    return 0;
}

