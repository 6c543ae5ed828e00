/* Cost of the stateful STAMP reflector's session lookup at two table
 * sizes (issue 10 item 3): ci/bench-sessions.sh builds this against the
 * proto/ sources of a tree and runs it. Not a test: it prints figures.
 *
 * For each size K the table holds exactly K sessions, all live, from K
 * different sources (so no per-source limit applies), and it measures
 * stamp_reflector_handle per packet:
 *   hit   a packet of a known session, sessions taken in a random order
 *         (the state of a busy reflector);
 *   new   a packet of a session not in the full table (a flood of new
 *         4-tuples or SSIDs): evicts the least recently used, or, in a
 *         tree from before ippm_table, scans the table and is refused.
 * Each figure is the best of 5 interleaved runs. The ratio of the large
 * size to the small is the figure to watch:
 * 1.0 is flat. Compiles against either session API, so the same program
 * measures a tree from before the change.
 *
 * usage: bench_sessions [SMALL LARGE]     (default 1000 60000) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/stamp/stamp.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Source number i: 10.a.b.c, port 40000 + i % 1000. */
static void meta_for(struct ippm_rx_meta *m, uint32_t i)
{
    memset(m, 0, sizeof(*m));
    m->ttl = 64;
    m->tos = -1;
    m->peer.family = IPPM_AF_INET;
    m->peer.ip[0] = 10;
    m->peer.ip[1] = (uint8_t)(i >> 16);
    m->peer.ip[2] = (uint8_t)(i >> 8);
    m->peer.ip[3] = (uint8_t)i;
    m->peer.port = (uint16_t)(40000 + i % 1000);
    m->local.family = IPPM_AF_INET;
    m->local.ip[0] = 127;
    m->local.ip[3] = 1;
    m->local.port = STAMP_PORT;
}

struct bench {
    struct stamp_reflector r;
    void *store;
    uint8_t req[STAMP_BASE_LEN], tx[STAMP_BASE_LEN];
    uint64_t t;
};

static void bench_init(struct bench *b, uint32_t k)
{
    struct stamp_reflector_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.mode = STAMP_MODE_OPEN;
    cfg.stateful = true;
    cfg.tsfmt = IPPM_TS_NTP;
    cfg.errest.mult = 1;
    stamp_reflector_init(&b->r, &cfg); /* no timeout: all live */
#ifdef STAMP_REFLECTOR_SESSIONS_MAX
    size_t len = stamp_reflector_store_size(k);
    b->store = calloc(1, len);
    if (!b->store || stamp_reflector_set_sessions(&b->r, b->store, len, k))
        exit(2);
#else
    b->store = calloc(k, sizeof(struct stamp_reflector_session));
    if (!b->store || stamp_reflector_set_sessions(&b->r, b->store, k))
        exit(2);
#endif
    memset(b->req, 0, sizeof b->req);
    b->t = 1767225600ull * 1000000000ull;
}

static enum ippm_act_kind one(struct bench *b, uint32_t src)
{
    struct ippm_rx_meta m;
    meta_for(&m, src);
    m.rx_ns = b->t;
    struct ippm_event ev = {IPPM_EV_DATAGRAM, b->t++, b->req, sizeof b->req,
                            &m};
    struct ippm_action act;
    stamp_reflector_handle(&b->r, &ev, b->tx, sizeof b->tx, &act);
    return act.kind;
}

/* ns per packet over n packets of sources from pick(). */
static double run(struct bench *b, uint32_t n, uint32_t k, int fresh,
                  uint64_t *x, uint32_t *next_new)
{
    uint64_t t0 = now_ns();
    for (uint32_t i = 0; i < n; i++)
        one(b, fresh ? (*next_new)++ : (uint32_t)(xorshift(x) % k));
    return (double)(now_ns() - t0) / n;
}

static void measure(uint32_t k, double *hit, double *fresh)
{
    struct bench *b = calloc(1, sizeof(*b));
    if (!b)
        exit(2);
    bench_init(b, k);
    for (uint32_t i = 0; i < k; i++)
        if (one(b, i) != IPPM_ACT_SEND_DATAGRAM)
            exit(3);
    uint64_t x = 88172645463325252ull;
    uint32_t next_new = 1u << 24;
    run(b, 100000, k, 0, &x, &next_new); /* warm the caches */
    double h = run(b, 300000, k, 0, &x, &next_new);
    /* New sessions: few, as a scan of a full table is slow. */
    double f = run(b, 5000, k, 1, &x, &next_new);
    *hit = h < *hit ? h : *hit;
    *fresh = f < *fresh ? f : *fresh;
    free(b->store);
    free(b);
}

/* The machine may be shared: each figure is the best of ROUNDS runs, the
 * two sizes interleaved, which is the cost with the least interference. */
#define ROUNDS 5

int main(int argc, char **argv)
{
    uint32_t small = argc > 2 ? (uint32_t)atol(argv[1]) : 1000;
    uint32_t large = argc > 2 ? (uint32_t)atol(argv[2]) : 60000;
    double hs = 1e18, fs = 1e18, hl = 1e18, fl = 1e18;
    for (int i = 0; i < ROUNDS; i++) {
        measure(small, &hs, &fs);
        measure(large, &hl, &fl);
    }
    printf("| packet | %u sessions ns/pkt | %u sessions ns/pkt | ratio |\n",
           small, large);
    printf("|---|---:|---:|---:|\n");
    printf("| hit (known session) | %.0f | %.0f | %.2f |\n", hs, hl, hl / hs);
    printf("| new (table full) | %.0f | %.0f | %.2f |\n", fs, fl, fl / fs);
    return 0;
}
