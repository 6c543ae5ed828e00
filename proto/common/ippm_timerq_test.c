/* Unit tests of ippm_timerq.c: deadline order, FIFO among ties, pool
 * exhaustion and reuse, cancel and move, and a random walk checked
 * against a plain scan of every slot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ippm_timerq.h"

#define CAP 64

struct fix {
    struct ippm_timerq q;
    struct ippm_timer timers[CAP];
    uint32_t heap[CAP], freel[CAP];
};

static struct fix *fix_new(uint32_t cap)
{
    struct fix *f = test_calloc(1, sizeof(*f));
    ippm_timerq_init(&f->q, f->timers, f->heap, f->freel, cap);
    return f;
}

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void test_ippm_timerq_pops_in_deadline_order(void **state)
{
    (void)state;
    struct fix *f = fix_new(CAP);
    uint64_t x = 88172645463325252ull, t[CAP];
    for (int i = 0; i < CAP; i++) {
        int32_t s = ippm_timerq_alloc(&f->q);
        assert_int_equal(s, i); /* lowest index first */
        t[s] = 1000 + xorshift(&x) % 5000;
        ippm_timerq_push(&f->q, s, t[s]);
    }
    assert_int_equal(ippm_timerq_pop(&f->q, 999), -1); /* none due */
    uint64_t prev = 0;
    for (int i = 0; i < CAP; i++) {
        uint64_t next = ippm_timerq_next(&f->q);
        int32_t s = ippm_timerq_pop(&f->q, UINT64_MAX);
        assert_true(s >= 0);
        assert_int_equal(t[s], next);
        assert_int_equal(ippm_timerq_deadline(&f->q, s), next);
        assert_true(next >= prev);
        prev = next;
        ippm_timerq_free(&f->q, s);
    }
    assert_int_equal(ippm_timerq_next(&f->q), UINT64_MAX);
    assert_int_equal(ippm_timerq_pop(&f->q, UINT64_MAX), -1);
    test_free(f);
}

/* Only what is due leaves; the rest waits for a later now. */
static void test_ippm_timerq_pop_respects_now(void **state)
{
    (void)state;
    struct fix *f = fix_new(CAP);
    int32_t a = ippm_timerq_alloc(&f->q), b = ippm_timerq_alloc(&f->q);
    ippm_timerq_push(&f->q, a, 200);
    ippm_timerq_push(&f->q, b, 100);
    assert_int_equal(ippm_timerq_next(&f->q), 100);
    assert_int_equal(ippm_timerq_pop(&f->q, 99), -1);
    assert_int_equal(ippm_timerq_pop(&f->q, 100), b);
    assert_int_equal(ippm_timerq_pop(&f->q, 199), -1);
    assert_int_equal(ippm_timerq_pop(&f->q, 200), a);
    test_free(f);
}

/* Equal deadlines leave in push order, and a push again goes to the back
 * of its ties (the relay's FIFO among equal release times). */
static void test_ippm_timerq_ties_are_fifo(void **state)
{
    (void)state;
    struct fix *f = fix_new(CAP);
    int32_t id[10];
    for (int i = 0; i < 10; i++)
        id[i] = ippm_timerq_alloc(&f->q);
    /* Pushed in a scrambled index order, all at one time. */
    const int order[10] = {7, 2, 9, 0, 5, 3, 8, 1, 6, 4};
    for (int k = 0; k < 10; k++)
        ippm_timerq_push(&f->q, id[order[k]], 500);
    ippm_timerq_push(&f->q, id[9], 500); /* again: now last */
    const int want[10] = {7, 2, 0, 5, 3, 8, 1, 6, 4, 9};
    for (int k = 0; k < 10; k++)
        assert_int_equal(ippm_timerq_pop(&f->q, 500), id[want[k]]);
    test_free(f);
}

static void test_ippm_timerq_exhaustion_and_reuse(void **state)
{
    (void)state;
    struct fix *f = fix_new(16);
    int32_t got[16];
    for (int i = 0; i < 16; i++) {
        got[i] = ippm_timerq_alloc(&f->q);
        assert_int_equal(got[i], i);
    }
    assert_int_equal(ippm_timerq_alloc(&f->q), -1);
    ippm_timerq_free(&f->q, got[7]);
    ippm_timerq_free(&f->q, got[7]); /* twice: ignored */
    ippm_timerq_free(&f->q, -1);     /* out of range: ignored */
    ippm_timerq_free(&f->q, 16);
    assert_int_equal(ippm_timerq_alloc(&f->q), got[7]);
    assert_int_equal(ippm_timerq_alloc(&f->q), -1);
    /* A free slot cannot be queued or moved. */
    ippm_timerq_free(&f->q, got[3]);
    ippm_timerq_push(&f->q, got[3], 10);
    assert_int_equal(ippm_timerq_next(&f->q), UINT64_MAX);
    assert_false(ippm_timerq_move(&f->q, got[3], 5));
    /* A zero-capacity queue is always exhausted. */
    struct fix *z = fix_new(0);
    assert_int_equal(ippm_timerq_alloc(&z->q), -1);
    assert_int_equal(ippm_timerq_pop(&z->q, UINT64_MAX), -1);
    test_free(z);
    test_free(f);
}

static void test_ippm_timerq_cancel(void **state)
{
    (void)state;
    struct fix *f = fix_new(CAP);
    int32_t id[8];
    for (int i = 0; i < 8; i++) {
        id[i] = ippm_timerq_alloc(&f->q);
        ippm_timerq_push(&f->q, id[i], 100 + (uint64_t)i * 10);
    }
    assert_true(ippm_timerq_cancel(&f->q, id[0])); /* the top */
    assert_int_equal(ippm_timerq_next(&f->q), 110);
    assert_true(ippm_timerq_cancel(&f->q, id[4]));  /* the middle */
    assert_true(ippm_timerq_cancel(&f->q, id[7]));  /* the last */
    assert_false(ippm_timerq_cancel(&f->q, id[4])); /* not queued now */
    ippm_timerq_free(&f->q, id[5]);                 /* free cancels */
    const int want[4] = {1, 2, 3, 6};
    for (int k = 0; k < 4; k++)
        assert_int_equal(ippm_timerq_pop(&f->q, UINT64_MAX), id[want[k]]);
    assert_int_equal(ippm_timerq_pop(&f->q, UINT64_MAX), -1);
    /* A cancelled slot stays allocated and can be queued again. */
    ippm_timerq_push(&f->q, id[4], 1);
    assert_int_equal(ippm_timerq_pop(&f->q, 1), id[4]);
    assert_false(ippm_timerq_cancel(&f->q, id[4])); /* popped */
    test_free(f);
}

/* Moved forward, a timer keeps its push order: it leaves ahead of ties
 * pushed after it, behind ties pushed before (the relay's hold-back). */
static void test_ippm_timerq_move_keeps_push_order(void **state)
{
    (void)state;
    struct fix *f = fix_new(CAP);
    int32_t a = ippm_timerq_alloc(&f->q), h = ippm_timerq_alloc(&f->q);
    int32_t b = ippm_timerq_alloc(&f->q), c = ippm_timerq_alloc(&f->q);
    ippm_timerq_push(&f->q, a, 50);
    ippm_timerq_push(&f->q, h, 1000);
    ippm_timerq_push(&f->q, b, 50);
    ippm_timerq_push(&f->q, c, 70);
    assert_true(ippm_timerq_move(&f->q, h, 50));
    assert_int_equal(ippm_timerq_pop(&f->q, 100), a);
    assert_int_equal(ippm_timerq_pop(&f->q, 100), h);
    assert_int_equal(ippm_timerq_pop(&f->q, 100), b);
    /* Moved later, it waits. */
    assert_true(ippm_timerq_move(&f->q, c, 200));
    assert_int_equal(ippm_timerq_pop(&f->q, 100), -1);
    assert_int_equal(ippm_timerq_next(&f->q), 200);
    assert_false(ippm_timerq_move(&f->q, a, 10)); /* popped: not queued */
    test_free(f);
}

/* The earliest queued slot by (deadline, order), by scanning them all. */
static int32_t model_first(const struct fix *f, const bool *queued,
                           uint64_t now)
{
    int32_t best = -1;
    for (int32_t i = 0; i < CAP; i++) {
        if (!queued[i] || f->timers[i].deadline_ns > now)
            continue;
        if (best < 0 ||
            f->timers[i].deadline_ns < f->timers[best].deadline_ns ||
            (f->timers[i].deadline_ns == f->timers[best].deadline_ns &&
             f->timers[i].order < f->timers[best].order))
            best = i;
    }
    return best;
}

/* Ten thousand random operations; after each, pop agrees with a scan. */
static void test_ippm_timerq_random_walk_matches_scan(void **state)
{
    (void)state;
    struct fix *f = fix_new(CAP);
    bool queued[CAP] = {false}, used[CAP] = {false};
    uint64_t x = 0x9e3779b97f4a7c15ull, now = 0;
    for (int step = 0; step < 10000; step++) {
        uint64_t r = xorshift(&x);
        int32_t i = (int32_t)(r % CAP);
        switch ((r >> 8) % 6) {
        case 0: {
            int32_t s = ippm_timerq_alloc(&f->q);
            if (s >= 0) {
                assert_false(used[s]);
                used[s] = true;
            }
            break;
        }
        case 1:
        case 2:
            if (used[i]) {
                ippm_timerq_push(&f->q, i, now + (r >> 16) % 64);
                queued[i] = true;
            }
            break;
        case 3:
            assert_int_equal(ippm_timerq_cancel(&f->q, i), queued[i]);
            queued[i] = false;
            break;
        case 4:
            assert_int_equal(ippm_timerq_move(&f->q, i, now + (r >> 16) % 64),
                             queued[i]);
            break;
        case 5: {
            now += (r >> 16) % 8;
            int32_t want = model_first(f, queued, now);
            assert_int_equal(ippm_timerq_pop(&f->q, now), want);
            if (want >= 0) {
                queued[want] = false;
                if ((r >> 40) & 1) {
                    ippm_timerq_free(&f->q, want);
                    used[want] = false;
                }
            }
            break;
        }
        }
        int32_t first = model_first(f, queued, UINT64_MAX);
        assert_int_equal(ippm_timerq_next(&f->q),
                         first < 0 ? UINT64_MAX : f->timers[first].deadline_ns);
    }
    test_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_timerq_pops_in_deadline_order),
        cmocka_unit_test(test_ippm_timerq_pop_respects_now),
        cmocka_unit_test(test_ippm_timerq_ties_are_fifo),
        cmocka_unit_test(test_ippm_timerq_exhaustion_and_reuse),
        cmocka_unit_test(test_ippm_timerq_cancel),
        cmocka_unit_test(test_ippm_timerq_move_keeps_push_order),
        cmocka_unit_test(test_ippm_timerq_random_walk_matches_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
