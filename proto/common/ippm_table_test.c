/* Unit tests of ippm_table.c: SipHash-2-4 against its published vectors,
 * lookup, least-recently-used order, eviction and reuse, chains that all
 * share one bucket, the size checks, and a random walk checked against a
 * plain scan of a model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ippm_table.h"

#define KLEN 8
#define CAP  64

static const uint8_t SEED[IPPM_TABLE_SEED_LEN] = {1, 2,  3,  4,  5,  6,  7, 8,
                                                  9, 10, 11, 12, 13, 14, 15};

struct fix {
    struct ippm_table t;
    uint64_t mem[IPPM_TABLE_SIZE(CAP, KLEN) / 8];
};

static struct fix *fix_new(size_t cap)
{
    struct fix *f = test_calloc(1, sizeof(*f));
    assert_int_equal(
        ippm_table_init(&f->t, f->mem, sizeof f->mem, cap, KLEN, SEED),
        IPPM_OK);
    return f;
}

static const uint8_t *key(uint32_t v)
{
    static uint8_t k[KLEN];
    memset(k, 0, sizeof k);
    memcpy(k, &v, sizeof v);
    return k;
}

static uint32_t add(struct fix *f, uint32_t v)
{
    uint32_t i = IPPM_TABLE_NIL;
    assert_int_equal(ippm_table_add(&f->t, key(v), &i), IPPM_OK);
    assert_int_equal(ippm_table_find(&f->t, key(v)), i);
    return i;
}

/* The use order, oldest first, as the values of the keys. */
static size_t order(const struct fix *f, uint32_t *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t i = ippm_table_oldest(&f->t); i != IPPM_TABLE_NIL;
         i = ippm_table_newer(&f->t, i)) {
        assert_true(n < cap);
        memcpy(&out[n++], ippm_table_key(&f->t, i), sizeof(uint32_t));
    }
    return n;
}

/* The reference implementation's vectors (SipHash paper, appendix A, and
 * vectors.h): key 00..0f, messages 00..(n-1). */
static void test_ippm_siphash24_reference_vectors(void **state)
{
    (void)state;
    uint8_t k[16], m[64];
    for (int i = 0; i < 16; i++)
        k[i] = (uint8_t)i;
    for (int i = 0; i < 64; i++)
        m[i] = (uint8_t)i;
    assert_true(ippm_siphash24(k, m, 0) == 0x726fdb47dd0e0e31ull);
    assert_true(ippm_siphash24(k, m, 1) == 0x74f839c593dc67fdull);
    assert_true(ippm_siphash24(k, m, 15) == 0xa129ca6149be45e5ull);
    /* The seed changes the hash. */
    k[0] ^= 1;
    assert_true(ippm_siphash24(k, m, 15) != 0xa129ca6149be45e5ull);
}

static void test_ippm_table_init_refuses_bad_sizes(void **state)
{
    (void)state;
    struct ippm_table t;
    static uint64_t mem[IPPM_TABLE_SIZE(CAP, KLEN) / 8];
    assert_int_equal(ippm_table_init(&t, mem, sizeof mem, 0, KLEN, SEED),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_table_init(&t, mem, sizeof mem, CAP + 1, KLEN, SEED),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_table_init(&t, mem, sizeof mem, CAP, 0, SEED),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(
        ippm_table_init(&t, mem, sizeof mem, 1, IPPM_TABLE_KEY_MAX + 1, SEED),
        IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_table_init(&t, NULL, sizeof mem, CAP, KLEN, SEED),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_table_init(&t, mem, sizeof mem, CAP, KLEN, SEED),
                     IPPM_OK);
    assert_int_equal(ippm_table_capacity(&t), CAP);
    assert_int_equal(ippm_table_count(&t), 0);
    assert_int_equal(ippm_table_oldest(&t), IPPM_TABLE_NIL);
}

static void test_ippm_table_finds_what_was_added(void **state)
{
    (void)state;
    struct fix *f = fix_new(CAP);
    for (uint32_t v = 0; v < CAP; v++)
        assert_true(add(f, v * 7919) < CAP);
    assert_int_equal(ippm_table_count(&f->t), CAP);
    for (uint32_t v = 0; v < CAP; v++)
        assert_int_not_equal(ippm_table_find(&f->t, key(v * 7919)),
                             IPPM_TABLE_NIL);
    assert_int_equal(ippm_table_find(&f->t, key(1)), IPPM_TABLE_NIL);
    uint32_t i;
    assert_int_equal(ippm_table_add(&f->t, key(1), &i), IPPM_ERR_SESSION_FULL);
    test_free(f);
}

/* Added newest; touched, an entry becomes the newest; the oldest is the
 * one used longest ago. */
static void test_ippm_table_keeps_lru_order(void **state)
{
    (void)state;
    struct fix *f = fix_new(4);
    uint32_t a = add(f, 10), b = add(f, 20), c = add(f, 30);
    (void)b;
    uint32_t o[8];
    assert_int_equal(order(f, o, 8), 3);
    assert_int_equal(o[0], 10);
    assert_int_equal(o[1], 20);
    assert_int_equal(o[2], 30);
    ippm_table_touch(&f->t, a);
    ippm_table_touch(&f->t, c); /* the newest already: no change */
    ippm_table_touch(&f->t, c);
    assert_int_equal(order(f, o, 8), 3);
    assert_int_equal(o[0], 20);
    assert_int_equal(o[1], 10);
    assert_int_equal(o[2], 30);
    add(f, 40);
    /* Full: the caller evicts the oldest, 20, and the new key takes its
     * entry. */
    uint32_t old = ippm_table_oldest(&f->t);
    assert_memory_equal(ippm_table_key(&f->t, old), key(20), KLEN);
    assert_int_equal(ippm_table_remove(&f->t, old), IPPM_OK);
    assert_int_equal(ippm_table_remove(&f->t, old), IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_table_find(&f->t, key(20)), IPPM_TABLE_NIL);
    assert_int_equal(add(f, 50), old);
    assert_int_equal(order(f, o, 8), 4);
    assert_int_equal(o[0], 10);
    assert_int_equal(o[1], 30);
    assert_int_equal(o[2], 40);
    assert_int_equal(o[3], 50);
    test_free(f);
}

/* Keys that share one bucket of a table of 8: one chain, removed from
 * its head, middle and tail. The bucket is the hash's top three bits
 * (cap 8 scaled by a multiply). */
static void test_ippm_table_one_chain(void **state)
{
    (void)state;
    struct fix *f = fix_new(8);
    uint32_t same[8];
    size_t n = 0;
    for (uint32_t v = 0; n < 8; v++)
        if (ippm_siphash24(SEED, key(v), KLEN) >> 61 == 5)
            same[n++] = v;
    for (size_t j = 0; j < 8; j++)
        add(f, same[j]);
    static const size_t gone[] = {7, 0, 3, 5};
    for (size_t g = 0; g < 4; g++) {
        uint32_t i = ippm_table_find(&f->t, key(same[gone[g]]));
        assert_int_equal(ippm_table_remove(&f->t, i), IPPM_OK);
        for (size_t j = 0; j < 8; j++) {
            bool removed = false;
            for (size_t h = 0; h <= g; h++)
                removed |= gone[h] == j;
            assert_true((ippm_table_find(&f->t, key(same[j])) ==
                         IPPM_TABLE_NIL) == removed);
        }
    }
    assert_int_equal(ippm_table_count(&f->t), 4);
    test_free(f);
}

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Adds, touches and removals at random, each checked against a model: an
 * array of keys in use order, oldest first. */
static void test_ippm_table_random_walk_matches_model(void **state)
{
    (void)state;
    struct fix *f = fix_new(CAP);
    uint32_t model[CAP], got[CAP];
    size_t n = 0;
    uint64_t x = 88172645463325252ull;
    for (int step = 0; step < 20000; step++) {
        uint32_t v = (uint32_t)(xorshift(&x) % (3 * CAP));
        uint32_t i = ippm_table_find(&f->t, key(v));
        size_t at = n;
        for (size_t j = 0; j < n; j++)
            if (model[j] == v)
                at = j;
        assert_true((i == IPPM_TABLE_NIL) == (at == n));
        int op = (int)(xorshift(&x) % 3);
        if (at < n) { /* present: touch or remove */
            memmove(&model[at], &model[at + 1], (n - at - 1) * sizeof(*model));
            n--;
            if (op == 0) {
                assert_int_equal(ippm_table_remove(&f->t, i), IPPM_OK);
            } else {
                ippm_table_touch(&f->t, i);
                model[n++] = v;
            }
        } else { /* absent: add, evicting the oldest when full */
            if (n == CAP) {
                uint32_t old = ippm_table_oldest(&f->t);
                assert_memory_equal(ippm_table_key(&f->t, old), key(model[0]),
                                    KLEN);
                assert_int_equal(ippm_table_remove(&f->t, old), IPPM_OK);
                memmove(model, model + 1, --n * sizeof(*model));
            }
            add(f, v);
            model[n++] = v;
        }
        assert_int_equal(ippm_table_count(&f->t), n);
        assert_int_equal(order(f, got, CAP), n);
        assert_memory_equal(got, model, n * sizeof(*model));
    }
    test_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_siphash24_reference_vectors),
        cmocka_unit_test(test_ippm_table_init_refuses_bad_sizes),
        cmocka_unit_test(test_ippm_table_finds_what_was_added),
        cmocka_unit_test(test_ippm_table_keeps_lru_order),
        cmocka_unit_test(test_ippm_table_one_chain),
        cmocka_unit_test(test_ippm_table_random_walk_matches_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
