/* Unit tests of proto/netem: netem_impair.c (decisions, distributions,
 * token bucket, rewriting) and netem_sched.c (heap order, hold-back, pool
 * exhaustion), all in synthetic time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netem.h"

#define MS 1000000ull
#define US 1000ull
#define T0 (1795608068ull * 1000000000ull)

static struct netem *new_relay(const struct netem_config *cfg)
{
    struct netem *r = test_malloc(sizeof(*r));
    assert_non_null(r);
    assert_int_equal(netem_config_check(cfg, NULL), IPPM_OK);
    netem_init(r, cfg);
    return r;
}

static struct netem_config *new_cfg(uint64_t seed)
{
    struct netem_config *c = test_calloc(1, sizeof(*c));
    assert_non_null(c);
    c->seed = seed;
    return c;
}

static void test_relay_decide_same_seed_same_decisions(void **state)
{
    (void)state;
    struct netem_config *c = new_cfg(42);
    for (int d = 0; d < NETEM_DIRS; d++) {
        c->dir[d].loss = 0.1;
        c->dir[d].dup = 0.05;
        c->dir[d].corrupt = 0.02;
        c->dir[d].delay_ns = 5 * MS;
        c->dir[d].jitter_ns = 1 * MS;
        c->dir[d].dist = NETEM_DIST_NORMAL;
        c->dir[d].ge = true;
        c->dir[d].ge_p = 0.01;
        c->dir[d].ge_r = 0.3;
        c->dir[d].ge_loss_bad = 1;
    }
    struct netem *a = new_relay(c), *b = new_relay(c);
    for (int i = 0; i < 20000; i++) {
        struct netem_decision da, db;
        enum netem_dir dir = (i % 3) ? NETEM_FWD : NETEM_REV;
        netem_decide(a, dir, 44, T0 + (uint64_t)i * 100 * US, &da);
        netem_decide(b, dir, 44, T0 + (uint64_t)i * 100 * US, &db);
        assert_memory_equal(&da, &db, sizeof(da));
    }
    /* Another seed decides differently. */
    struct netem *o = new_relay((c->seed = 43, c));
    netem_init(a, (c->seed = 42, c)); /* a starts over */
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
        struct netem_decision da, dox;
        netem_decide(a, NETEM_FWD, 44, T0, &da);
        netem_decide(o, NETEM_FWD, 44, T0, &dox);
        differ += da.why != dox.why || da.delay_ns != dox.delay_ns;
    }
    assert_true(differ > 100);
    test_free(a);
    test_free(b);
    test_free(o);
    test_free(c);
}

/* One direction's traffic never changes the other's decisions. */
static void test_relay_decide_directions_independent(void **state)
{
    (void)state;
    struct netem_config *c = new_cfg(7);
    c->dir[NETEM_FWD].loss = 0.3;
    c->dir[NETEM_REV].loss = 0.3;
    struct netem *a = new_relay(c), *b = new_relay(c);
    for (int i = 0; i < 5000; i++) {
        struct netem_decision d;
        netem_decide(a, NETEM_REV, 44, T0, &d); /* only a sees REV traffic */
    }
    for (int i = 0; i < 5000; i++) {
        struct netem_decision da, db;
        netem_decide(a, NETEM_FWD, 44, T0, &da);
        netem_decide(b, NETEM_FWD, 44, T0, &db);
        assert_int_equal(da.why, db.why);
        assert_int_equal(da.idx, db.idx);
    }
    test_free(a);
    test_free(b);
    test_free(c);
}

/* Enabling duplication leaves the loss decisions as they were. */
static void test_relay_decide_impairments_independent(void **state)
{
    (void)state;
    struct netem_config *c = new_cfg(9);
    c->dir[NETEM_FWD].loss = 0.2;
    struct netem *a = new_relay(c);
    c->dir[NETEM_FWD].dup = 0.5;
    c->dir[NETEM_FWD].jitter_ns = MS;
    struct netem *b = new_relay(c);
    for (int i = 0; i < 5000; i++) {
        struct netem_decision da, db;
        netem_decide(a, NETEM_FWD, 44, T0, &da);
        netem_decide(b, NETEM_FWD, 44, T0, &db);
        assert_int_equal(da.why, db.why);
    }
    test_free(a);
    test_free(b);
    test_free(c);
}

static void test_relay_decide_bernoulli_rate(void **state)
{
    (void)state;
    const double ps[] = {0.0, 0.01, 0.1, 0.5, 1.0};
    for (size_t k = 0; k < sizeof(ps) / sizeof(ps[0]); k++) {
        struct netem_config *c = new_cfg(1234 + k);
        c->dir[NETEM_FWD].loss = ps[k];
        struct netem *r = new_relay(c);
        int lost = 0, n = 100000;
        for (int i = 0; i < n; i++) {
            struct netem_decision d;
            netem_decide(r, NETEM_FWD, 44, T0, &d);
            lost += d.why == NETEM_DROP_LOSS;
        }
        double rate = (double)lost / n;
        /* 5 sigma of a binomial, and exact at 0 and 1. */
        double sigma = 0;
        double v = ps[k] * (1 - ps[k]) / n;
        for (double s = 1; s > 1e-9; s /= 2) /* sqrt by bisection */
            if ((sigma + s) * (sigma + s) <= v)
                sigma += s;
        assert_true(rate >= ps[k] - 5 * sigma - 1e-12);
        assert_true(rate <= ps[k] + 5 * sigma + 1e-12);
        test_free(r);
        test_free(c);
    }
}

/* Gilbert-Elliott: loss rate near p/(p+r) and mean burst near 1/r, which
 * a Bernoulli process of the same rate does not show. */
static void test_relay_decide_gilbert_elliott_bursts(void **state)
{
    (void)state;
    struct netem_config *c = new_cfg(5);
    c->dir[NETEM_FWD].ge = true;
    c->dir[NETEM_FWD].ge_p = 0.01;
    c->dir[NETEM_FWD].ge_r = 0.25;
    c->dir[NETEM_FWD].ge_loss_bad = 1.0;
    c->dir[NETEM_FWD].ge_loss_good = 0.0;
    struct netem *r = new_relay(c);
    int n = 200000, lost = 0, bursts = 0;
    bool prev = false;
    for (int i = 0; i < n; i++) {
        struct netem_decision d;
        netem_decide(r, NETEM_FWD, 44, T0, &d);
        bool l = d.why == NETEM_DROP_GE;
        lost += l;
        bursts += l && !prev;
        prev = l;
    }
    double rate = (double)lost / n, want = 0.01 / (0.01 + 0.25);
    assert_true(rate > want * 0.85 && rate < want * 1.15);
    double mean_burst = (double)lost / bursts;
    assert_true(mean_burst > 3.4 && mean_burst < 4.6); /* 1/r = 4 */
    test_free(r);
    test_free(c);
}

static void test_relay_decide_explicit_lists_exact(void **state)
{
    (void)state;
    struct netem_config *c = new_cfg(1);
    struct netem_dir_config *f = &c->dir[NETEM_FWD];
    f->drop[0] = 18;
    f->drop[1] = 5;
    f->drop[2] = 17;
    f->n_drop = 3;
    f->dup_list[0] = 9;
    f->dup_list[1] = 3;
    f->n_dup_list = 2;
    c->dir[NETEM_REV].drop[0] = 0;
    c->dir[NETEM_REV].n_drop = 1;
    struct netem *r = new_relay(c);
    for (uint64_t i = 0; i < 30; i++) {
        struct netem_decision d;
        netem_decide(r, NETEM_FWD, 44, T0, &d);
        assert_int_equal(d.idx, i);
        bool drop = i == 5 || i == 17 || i == 18;
        assert_int_equal(d.why, drop ? NETEM_DROP_LIST : NETEM_PASS);
        if (!drop)
            assert_int_equal(d.copies, (i == 3 || i == 9) ? 2 : 1);
    }
    struct netem_decision d;
    netem_decide(r, NETEM_REV, 44, T0, &d);
    assert_int_equal(d.why, NETEM_DROP_LIST);
    netem_decide(r, NETEM_REV, 44, T0, &d);
    assert_int_equal(d.why, NETEM_PASS);
    test_free(r);
    test_free(c);
}

/* Delay: fixed exactly; uniform within +-J; normal with sigma near J;
 * pareto-normal skewed right; never negative. */
static void test_relay_decide_delay_distributions(void **state)
{
    (void)state;
    const enum netem_dist dists[] = {NETEM_DIST_UNIFORM, NETEM_DIST_NORMAL,
                                     NETEM_DIST_PARETO_NORMAL};
    for (int k = 0; k < 3; k++) {
        struct netem_config *c = new_cfg(77);
        c->dir[NETEM_FWD].delay_ns = 10 * MS;
        c->dir[NETEM_FWD].jitter_ns = 1 * MS;
        c->dir[NETEM_FWD].dist = dists[k];
        struct netem *r = new_relay(c);
        int n = 100000;
        double sum = 0, sq = 0;
        uint64_t lo = UINT64_MAX, hi = 0;
        for (int i = 0; i < n; i++) {
            struct netem_decision d;
            netem_decide(r, NETEM_FWD, 44, T0, &d);
            assert_int_equal(d.release_ns, T0 + d.delay_ns);
            double x = ((double)d.delay_ns - 10.0 * MS) / MS;
            sum += x;
            sq += x * x;
            if (d.delay_ns < lo)
                lo = d.delay_ns;
            if (d.delay_ns > hi)
                hi = d.delay_ns;
        }
        double mean = sum / n, var = sq / n - mean * mean;
        assert_true(lo >= 6 * MS && hi <= 14 * MS); /* clamped at 4 J */
        if (dists[k] == NETEM_DIST_UNIFORM) {
            assert_true(lo >= 9 * MS && hi <= 11 * MS);
            assert_true(mean > -0.01 && mean < 0.01);
            assert_true(var > 0.31 && var < 0.36); /* 1/3 */
        } else if (dists[k] == NETEM_DIST_NORMAL) {
            assert_true(mean > -0.01 && mean < 0.01);
            assert_true(var > 0.97 && var < 1.03);
        } else {
            assert_true(hi - 10 * MS > 10 * MS - lo); /* right tail */
        }
        test_free(r);
        test_free(c);
    }
    /* Jitter larger than the delay never goes below zero. */
    struct netem_config *c = new_cfg(3);
    c->dir[NETEM_REV].delay_ns = 100 * US;
    c->dir[NETEM_REV].jitter_ns = 1 * MS;
    struct netem *r = new_relay(c);
    int zero = 0;
    for (int i = 0; i < 10000; i++) {
        struct netem_decision d;
        netem_decide(r, NETEM_REV, 44, T0, &d);
        assert_true(d.release_ns >= T0);
        zero += d.delay_ns == 0;
    }
    assert_true(zero > 3000);
    test_free(r);
    test_free(c);
}

/* The token bucket: back-to-back packets leave exactly len*8/rate apart
 * once the burst is spent; the queue tail-drops past its depth. */
static void test_relay_decide_token_bucket_rate_exact(void **state)
{
    (void)state;
    struct netem_config *c = new_cfg(1);
    c->dir[NETEM_FWD].rate_bps = 10000000; /* 10 Mbit/s */
    c->dir[NETEM_FWD].burst_bytes = 1000;
    c->dir[NETEM_FWD].queue = 4096;
    struct netem *r = new_relay(c);
    /* 1000 octets = 800 us at 10 Mbit/s. 3000 arrive at once. */
    uint64_t last = 0;
    for (int i = 0; i < 3000; i++) {
        struct netem_decision d;
        netem_decide(r, NETEM_FWD, 1000, T0, &d);
        assert_int_equal(d.why, NETEM_PASS);
        if (i == 0)
            assert_int_equal(d.release_ns, T0); /* the bucket was full */
        else
            assert_int_equal(d.release_ns - last, 800 * US);
        last = d.release_ns;
    }
    test_free(r);
    /* Rate with a remainder: 3 Mbit/s, 125 octets = 333333.33 ns; over
     * 3000 packets the total is exact to the ns. */
    c->dir[NETEM_FWD].rate_bps = 3000000;
    c->dir[NETEM_FWD].burst_bytes = 125;
    r = new_relay(c);
    struct netem_decision d;
    for (int i = 0; i < 3001; i++)
        netem_decide(r, NETEM_FWD, 125, T0, &d);
    assert_int_equal(d.release_ns - T0, 1000000000ull); /* 3000 x 1/3 ms */
    test_free(r);
    /* Queue of 10: the 11th waiting packet is dropped, and once the
     * queue drains there is room again. */
    c->dir[NETEM_FWD].rate_bps = 8000000; /* 1 octet per us */
    c->dir[NETEM_FWD].burst_bytes = 100;
    c->dir[NETEM_FWD].queue = 10;
    r = new_relay(c);
    int passed = 0, dropped = 0;
    for (int i = 0; i < 20; i++) {
        netem_decide(r, NETEM_FWD, 100, T0, &d);
        passed += d.why == NETEM_PASS;
        dropped += d.why == NETEM_DROP_QUEUE;
    }
    assert_int_equal(passed, 11); /* one in the burst, ten queued */
    assert_int_equal(dropped, 9);
    netem_decide(r, NETEM_FWD, 100, T0 + 2 * MS, &d);
    assert_int_equal(d.why, NETEM_PASS);
    assert_int_equal(d.release_ns, T0 + 2 * MS);
    test_free(r);
    test_free(c);
}

static void test_relay_decide_reorder_and_corrupt(void **state)
{
    (void)state;
    struct netem_config *c = new_cfg(1);
    c->dir[NETEM_REV].reorder[0].idx = 4;
    c->dir[NETEM_REV].reorder[0].places = 3;
    c->dir[NETEM_REV].n_reorder = 1;
    c->dir[NETEM_REV].corrupt = 1.0;
    c->dir[NETEM_REV].corrupt_off[0] = 2;
    c->dir[NETEM_REV].corrupt_off[1] = 100;
    c->dir[NETEM_REV].n_corrupt_off = 2;
    struct netem *r = new_relay(c);
    struct netem_decision d;
    for (int i = 0; i < 6; i++) {
        netem_decide(r, NETEM_REV, 44, T0, &d);
        assert_int_equal(d.hold, i == 4 ? 3 : 0);
        assert_true(d.corrupt);
    }
    uint8_t buf[64] = {0};
    size_t n = netem_apply(r, &d, buf, 44, sizeof(buf));
    assert_int_equal(n, 44);
    assert_int_equal(buf[2], 0xff);
    assert_int_equal(buf[1], 0);
    test_free(r);
    test_free(c);
}

static void test_relay_apply_mutations(void **state)
{
    (void)state;
    struct netem_config *c = new_cfg(1);
    struct netem_dir_config *v = &c->dir[NETEM_REV];
    uint16_t off;
    uint8_t w;
    assert_int_equal(netem_stamp_field("ttl", 3, false, NETEM_REV, &off, &w),
                     IPPM_OK);
    assert_int_equal(off, 40);
    assert_int_equal(w, 1);
    v->mut[0] = (struct netem_mutation){.op = NETEM_MUT_SET, .off = off,
                                        .width = w, .value = 5};
    assert_int_equal(
        netem_stamp_field("ss-seq", 6, false, NETEM_REV, &off, &w), IPPM_OK);
    assert_int_equal(off, 24);
    v->mut[1] = (struct netem_mutation){.op = NETEM_MUT_ADD, .off = off,
                                        .width = w, .delta = 1};
    v->mut[2] = (struct netem_mutation){.op = NETEM_MUT_LENGTH, .delta = -4};
    v->n_mut = 3;
    assert_int_equal(netem_stamp_field("ss-seq", 6, true, NETEM_REV, &off, &w),
                     IPPM_OK);
    assert_int_equal(off, 48);
    assert_int_equal(netem_stamp_field("ttl", 3, false, NETEM_FWD, &off, &w),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(netem_stamp_field("hmac", 4, false, NETEM_REV, &off, &w),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(netem_stamp_field("hmac", 4, true, NETEM_REV, &off, &w),
                     IPPM_OK);
    assert_int_equal(off, 96);
    struct netem *r = new_relay(c);
    struct netem_decision d;
    netem_decide(r, NETEM_REV, 44, T0, &d);
    assert_true(d.mutate);
    uint8_t buf[64] = {0};
    buf[24] = 0x12;
    buf[27] = 0xff; /* carry into the next octet */
    buf[40] = 64;
    size_t n = netem_apply(r, &d, buf, 44, sizeof(buf));
    assert_int_equal(n, 40);
    assert_int_equal(buf[40], 5); /* written before the cut */
    assert_int_equal(buf[24], 0x12);
    assert_int_equal(buf[26], 0x01);
    assert_int_equal(buf[27], 0x00);
    /* FWD has no mutations. */
    netem_decide(r, NETEM_FWD, 44, T0, &d);
    assert_false(d.mutate);
    test_free(r);
    test_free(c);
}

static void test_relay_config_check_refuses_impossible(void **state)
{
    (void)state;
    struct netem_config *c = new_cfg(1);
    const char *what = NULL;
    c->dir[NETEM_FWD].loss = 1.5;
    assert_int_equal(netem_config_check(c, &what), IPPM_ERR_BAD_ARG);
    assert_non_null(what);
    c->dir[NETEM_FWD].loss = 0;
    c->dir[NETEM_REV].reorder[0].places = 0;
    c->dir[NETEM_REV].n_reorder = 1;
    assert_int_equal(netem_config_check(c, &what), IPPM_ERR_BAD_ARG);
    c->dir[NETEM_REV].n_reorder = 0;
    c->dir[NETEM_REV].rate_bps = 1000;
    c->dir[NETEM_REV].queue = 0;
    assert_int_equal(netem_config_check(c, &what), IPPM_ERR_BAD_ARG);
    c->dir[NETEM_REV].queue = 10;
    assert_int_equal(netem_config_check(c, &what), IPPM_OK);
    enum netem_dist dist;
    assert_int_equal(netem_dist_parse("normal", 6, &dist), IPPM_OK);
    assert_int_equal(dist, NETEM_DIST_NORMAL);
    assert_int_equal(netem_dist_parse("gamma", 5, &dist), IPPM_ERR_BAD_ARG);
    test_free(c);
}

/* DSCP and ECN pass unchanged by default; --remark-dscp rewrites the
 * DSCP of its direction only and keeps ECN; 64 is refused. */
static void test_relay_tos_carried_or_remarked(void **state)
{
    (void)state;
    struct netem_config *c = new_cfg(1);
    struct netem *r = new_relay(c);
    assert_int_equal(netem_tos(r, NETEM_FWD, 0xb9), 0xb9); /* EF, ECT(1) */
    assert_int_equal(netem_tos(r, NETEM_REV, 0x02), 0x02);
    assert_int_equal(netem_tos(r, NETEM_REV, -1), -1);
    test_free(r);
    c->dir[NETEM_REV].remark = true;
    c->dir[NETEM_REV].remark_dscp = 10;                    /* AF11 */
    r = new_relay(c);
    assert_int_equal(netem_tos(r, NETEM_FWD, 0xb9), 0xb9);
    assert_int_equal(netem_tos(r, NETEM_REV, 0xb9), 10 << 2 | 0x01);
    assert_int_equal(netem_tos(r, NETEM_REV, -1), 10 << 2);
    test_free(r);
    c->dir[NETEM_REV].remark_dscp = 64;
    const char *what = NULL;
    assert_int_equal(netem_config_check(c, &what), IPPM_ERR_BAD_ARG);
    assert_string_equal(what, "DSCP above 63");
    test_free(c);
}

/* ---- scheduler ---- */

#define CAP 64

struct sched_fix {
    struct netem_sched s;
    struct netem_slot slots[CAP];
    struct ippm_timer timers[CAP];
    uint32_t heap[CAP], freel[CAP];
};

static void test_relay_sched_heap_order(void **state)
{
    (void)state;
    struct sched_fix *f = test_calloc(1, sizeof(*f));
    netem_sched_init(&f->s, f->slots, f->timers, f->heap, f->freel, CAP);
    uint64_t t[CAP];
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < CAP; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int32_t s = netem_sched_alloc(&f->s);
        assert_true(s >= 0);
        t[s] = T0 + x % (10 * MS) / 1000 * 1000; /* ties likely? some */
        netem_sched_push(&f->s, s, t[s], NETEM_FWD, 0);
    }
    assert_int_equal(netem_sched_alloc(&f->s), -1); /* pool exhausted */
    assert_int_equal(netem_sched_pop(&f->s, T0 - 1), -1); /* none due */
    uint64_t prev = 0, prev_order = 0;
    for (int i = 0; i < CAP; i++) {
        uint64_t next = netem_sched_next(&f->s);
        int32_t s = netem_sched_pop(&f->s, UINT64_MAX - 1);
        assert_true(s >= 0);
        assert_int_equal(netem_sched_release_ns(&f->s, s), next);
        assert_true(t[s] >= prev);
        if (t[s] == prev)
            assert_true(f->timers[s].order > prev_order);
        prev = t[s];
        prev_order = f->timers[s].order;
        netem_sched_free(&f->s, s);
    }
    assert_int_equal(netem_sched_next(&f->s), UINT64_MAX);
    /* Every slot is free again. */
    for (int i = 0; i < CAP; i++)
        assert_true(netem_sched_alloc(&f->s) >= 0);
    test_free(f);
}

/* Equal times leave in arrival order; a held slot leaves right after the
 * N-th later one of its direction, and other directions do not count. */
static void test_relay_sched_fifo_and_hold(void **state)
{
    (void)state;
    struct sched_fix *f = test_calloc(1, sizeof(*f));
    netem_sched_init(&f->s, f->slots, f->timers, f->heap, f->freel, CAP);
    int32_t id[8];
    for (int i = 0; i < 8; i++) {
        id[i] = netem_sched_alloc(&f->s);
        enum netem_dir dir = i == 3 ? NETEM_REV : NETEM_FWD;
        if (i == 1)
            netem_sched_push(&f->s, id[i], T0 + 1000 * MS, dir, 3);
        else
            netem_sched_push(&f->s, id[i], T0 + (uint64_t)i, dir, 0);
    }
    /* 1 waits for three FWD queued after it (2, 4, 5; 0 was before it,
     * 3 is REV), then leaves right after 5. */
    const int want[8] = {0, 2, 3, 4, 5, 1, 6, 7};
    for (int k = 0; k < 8; k++) {
        int32_t s = netem_sched_pop(&f->s, T0 + 100);
        assert_int_equal(s, id[want[k]]);
        netem_sched_free(&f->s, s);
    }
    /* A held slot with nothing behind it leaves at its limit. */
    int32_t h = netem_sched_alloc(&f->s);
    netem_sched_push(&f->s, h, T0 + 1000 * MS, NETEM_FWD, 5);
    assert_int_equal(netem_sched_pop(&f->s, T0 + 999 * MS), -1);
    assert_int_equal(netem_sched_pop(&f->s, T0 + 1000 * MS), h);
    assert_int_equal(f->s.n_held, 0);
    test_free(f);
}

/* Pool exhaustion and reuse through netem_sched_free, in any order. */
static void test_relay_sched_pool_exhaustion(void **state)
{
    (void)state;
    struct sched_fix *f = test_calloc(1, sizeof(*f));
    netem_sched_init(&f->s, f->slots, f->timers, f->heap, f->freel, 16);
    int32_t got[16];
    for (int i = 0; i < 16; i++)
        got[i] = netem_sched_alloc(&f->s);
    assert_int_equal(netem_sched_alloc(&f->s), -1);
    netem_sched_free(&f->s, got[7]);
    netem_sched_free(&f->s, got[7]); /* twice: ignored */
    assert_int_equal(netem_sched_alloc(&f->s), got[7]);
    assert_int_equal(netem_sched_alloc(&f->s), -1);
    test_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relay_decide_same_seed_same_decisions),
        cmocka_unit_test(test_relay_decide_directions_independent),
        cmocka_unit_test(test_relay_decide_impairments_independent),
        cmocka_unit_test(test_relay_decide_bernoulli_rate),
        cmocka_unit_test(test_relay_decide_gilbert_elliott_bursts),
        cmocka_unit_test(test_relay_decide_explicit_lists_exact),
        cmocka_unit_test(test_relay_decide_delay_distributions),
        cmocka_unit_test(test_relay_decide_token_bucket_rate_exact),
        cmocka_unit_test(test_relay_decide_reorder_and_corrupt),
        cmocka_unit_test(test_relay_apply_mutations),
        cmocka_unit_test(test_relay_config_check_refuses_impossible),
        cmocka_unit_test(test_relay_tos_carried_or_remarked),
        cmocka_unit_test(test_relay_sched_heap_order),
        cmocka_unit_test(test_relay_sched_fifo_and_hold),
        cmocka_unit_test(test_relay_sched_pool_exhaustion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
