/* The self-test of ippm's own RMBT client: `ippm rmbt ping` runs as a
 * child against a server answering here by the notes' rules
 * (../shared/notes/rmbt-udp-ping.md §4, proto/rmbt's decision), and what
 * it sent is graded by the RMBT sender cases (24 octets, RP01, hashes
 * under the secret, time inside the window, sequence + 1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "conformance/rmbt/rmbt_pairing.h"
#include "impl/commands.h"
#include "impl/conform/conform_rmbt.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/core/net.h"
#include "proto/rmbt/rmbt.h"

#define CLIENT_COUNT "5"
/* How long the client may take, start-up included, on a loaded machine. */
#define CLIENT_RUN_NS (10 * NS_PER_S)

/* A datagram kept in run: its octets copied, false when run is full. */
static bool keep(struct rmbt_probe_run *run, const uint8_t *p, size_t len,
                 const struct ippm_addr *src, const struct ippm_addr *dst)
{
    if (run->n_d == RMBT_PROBE_DGRAMS) {
        run->dropped++;
        return false;
    }
    struct stamp_dgram *d = &run->d[run->n_d];
    size_t n = len < RMBT_PROBE_BUF ? len : RMBT_PROBE_BUF;
    memcpy(run->buf[run->n_d], p, n);
    memset(d, 0, sizeof *d);
    d->data = run->buf[run->n_d++];
    d->len = n;
    d->ts_ns = ippm_clock_realtime();
    d->src = *src;
    d->dst = *dst;
    d->ttl = d->tos = -1;
    return true;
}

/* Answers one batch on s as the notes' server does, keeping requests and
 * replies in run. */
static void answer(const struct ippm_sock *s, struct ippm_rx_batch *rx,
                   int got, struct ippm_tx_batch *tx,
                   const struct rmbt_server *srv, struct rmbt_probe_run *run)
{
    for (int i = 0; i < got; i++) {
        const uint8_t *p = ippm_rx_batch_buf(rx, (size_t)i);
        const struct ippm_addr *peer = &rx->meta[i].peer;
        if (!keep(run, p, rx->len[i], peer, &s->local))
            continue;
        struct rmbt_decision d;
        rmbt_server_decide(srv, p, rx->len[i], peer, ippm_clock_realtime(),
                           &d);
        if (d.why != IPPM_OK)
            continue;
        uint8_t *slot = ippm_tx_batch_slot(tx);
        struct rmbt_reply r = {d.tag, d.seq};
        if (!slot || rmbt_reply_encode(slot, RMBT_REP_LEN, &r) != IPPM_OK)
            continue;
        ippm_tx_batch_commit(tx, s, RMBT_REP_LEN, peer, NULL);
        keep(run, slot, RMBT_REP_LEN, &s->local, peer);
    }
    (void)ippm_net_send(s, tx, NULL);
}

/* Serves on s until the child exits (then 100 ms more for stragglers),
 * CLIENT_RUN_NS passed or a stop signal. */
static void serve(pid_t child, const struct ippm_sock *s,
                  const struct rmbt_server *srv, struct rmbt_probe_run *run)
{
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
    struct ippm_clock clk;
    ippm_clock_init(&clk, IPPM_TS_NTP);
    if (ippm_rx_batch_init(&rx, IPPM_NET_BATCH, 2048) != 0)
        return;
    if (ippm_tx_batch_init(&tx, IPPM_NET_BATCH, RMBT_REP_LEN) != 0) {
        ippm_rx_batch_free(&rx);
        return;
    }
    uint64_t until = ippm_clock_realtime() + CLIENT_RUN_NS;
    bool exited = false;
    for (uint64_t now = ippm_clock_realtime(); now < until &&
                                               !ippm_net_stopping();
         now = ippm_clock_realtime()) {
        if (!exited && waitpid(child, NULL, WNOHANG) == child) {
            exited = true;
            until = now + NS_PER_S / 10;
        }
        uint64_t left = until - now;
        if (ippm_net_wait(s, left < NS_PER_S / 20 ? left : NS_PER_S / 20) <= 0)
            continue;
        int got = ippm_net_recv(s, &rx, &clk);
        if (got > 0)
            answer(s, &rx, got, &tx, srv, run);
    }
    ippm_tx_batch_free(&tx);
    ippm_rx_batch_free(&rx);
}

/* run's datagrams paired, graded as a sender into *res (*n). */
static int grade_sender(const struct conform_opts *o,
                        const struct ippm_hmac_key *secret,
                        struct rmbt_probe_run *run,
                        struct ippm_case_result **res, size_t *n)
{
    struct rmbt_pairing_mem mem = {run->ex, run->flows, run->servers};
    rmbt_pairing_run(run->d, run->n_d, &mem, &run->n_ex, &run->n_flows,
                     &run->k);
    run->ext = (struct rmbt_obs){{RMBT_OBS_EXT, NULL}, secret, 1};
    memset(&run->obs, 0, sizeof run->obs);
    run->obs.protocol = "rmbt";
    run->obs.role = IPPM_ROLE_SENDER;
    run->obs.ex = run->ex;
    run->obs.n_ex = run->n_ex;
    run->obs.live = true;
    run->obs.ext = &run->ext.ext;
    int rc = IPPM_EXIT_OK;
    *res = conform_run_catalogue(&run->obs, o, NULL, n, &rc);
    return *res ? IPPM_EXIT_OK : rc;
}

/* see conform_rmbt.h */
int conform_rmbt_self_client(const struct conform_opts *o, const char *seed,
                             const struct ippm_hmac_key *secret,
                             struct ippm_case_result **res, size_t *n)
{
    *res = NULL;
    *n = 0;
    struct ippm_sock s;
    char err[256], target[64];
    struct ippm_addr lo = {IPPM_AF_INET, {127, 0, 0, 1}, 0, 0};
    if (ippm_net_open_bound(&s, &lo, 0, err, sizeof err) != 0) {
        ippm_cli_error("conform: own RMBT client: %s", err);
        return IPPM_EXIT_RUNTIME;
    }
    struct rmbt_probe_run *run = calloc(1, sizeof *run);
    snprintf(target, sizeof target, "127.0.0.1:%u", (unsigned)s.local.port);
    char *argv[] = {"ippm", "rmbt", "ping", target, "--seed", (char *)seed,
                    "--ip", "127.0.0.1", "-c", CLIENT_COUNT, "-i", "20ms",
                    "-W", "1s", "-q", NULL};
    pid_t child = run ? conform_spawn_self(argv) : -1;
    int rc = IPPM_EXIT_RUNTIME;
    if (child > 0) {
        struct rmbt_server srv = {secret, 1};
        serve(child, &s, &srv, run);
        conform_stop_child(child);
        if (run->n_d == 0 && !ippm_net_stopping())
            ippm_cli_error("conform: ippm's own RMBT client (ippm rmbt "
                           "ping) sent nothing");
        else if ((rc = grade_sender(o, secret, run, res, n)) == IPPM_EXIT_OK)
            printf("ippm's own RMBT client: %zu requests graded\n",
                   run->n_ex);
    } else {
        ippm_cli_error("conform: ippm's own RMBT client did not start");
    }
    ippm_net_close(&s);
    free(run);
    return rc;
}
