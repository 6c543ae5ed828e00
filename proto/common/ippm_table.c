/* A fixed-size hash table in LRU order over caller-owned storage. */
#include "ippm_table.h"

#include <stdbool.h>
#include <string.h>

/* ---- SipHash-2-4 (Aumasson and Bernstein, 2012) ---- */

static uint64_t rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void sip_round(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = rotl(v[1], 13);
    v[1] ^= v[0];
    v[0] = rotl(v[0], 32);
    v[2] += v[3];
    v[3] = rotl(v[3], 16);
    v[3] ^= v[2];
    v[0] += v[3];
    v[3] = rotl(v[3], 21);
    v[3] ^= v[0];
    v[2] += v[1];
    v[1] = rotl(v[1], 17);
    v[1] ^= v[2];
    v[2] = rotl(v[2], 32);
}

static void sip_absorb(uint64_t v[4], uint64_t m)
{
    v[3] ^= m;
    sip_round(v);
    sip_round(v);
    v[0] ^= m;
}

/* see ippm_table.h */
uint64_t ippm_siphash24(const uint8_t key[IPPM_TABLE_SEED_LEN],
                        const uint8_t *msg, size_t len)
{
    uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
    uint64_t v[4] = {k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
                     k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull};
    size_t whole = len - len % 8;
    for (size_t i = 0; i < whole; i += 8)
        sip_absorb(v, load_le64(msg + i));
    /* The last block: the remaining octets, the length in the top one. */
    uint8_t last[8] = {0};
    memcpy(last, msg + whole, len - whole);
    last[7] = (uint8_t)len;
    sip_absorb(v, load_le64(last));
    v[2] ^= 0xff;
    for (int i = 0; i < 4; i++)
        sip_round(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* ---- the table ---- */

/* Per entry, three links: the next entry in its bucket's chain, and its
 * neighbours in the use list. A free entry's chain link is FREE_MARK. */
#define L_CHAIN   0
#define L_OLDER   1
#define L_NEWER   2
#define FREE_MARK (UINT32_MAX - 1)

static uint32_t *link_of(const struct ippm_table *t, uint32_t i)
{
    return &t->link[(size_t)i * 3];
}

static const uint8_t *key_of(const struct ippm_table *t, uint32_t i)
{
    return t->keys + (size_t)i * t->key_len;
}

/* The bucket of key: the hash's top 32 bits scaled to [0, cap) by a
 * multiply (Lemire's reduction), which works for any cap. */
static uint32_t bucket_of(const struct ippm_table *t, const uint8_t *key)
{
    uint64_t h = ippm_siphash24(t->seed, key, t->key_len);
    return (uint32_t)(((h >> 32) * (uint64_t)t->cap) >> 32);
}

static bool in_use(const struct ippm_table *t, uint32_t i)
{
    return i < t->fresh && link_of(t, i)[L_CHAIN] != FREE_MARK;
}

/* see ippm_table.h */
enum ippm_err ippm_table_init(struct ippm_table *t, void *mem, size_t mem_len,
                              size_t n, size_t key_len,
                              const uint8_t seed[IPPM_TABLE_SEED_LEN])
{
    if (!mem || !seed || n == 0 || n > IPPM_TABLE_MAX_ENTRIES || key_len == 0 ||
        key_len > IPPM_TABLE_KEY_MAX || mem_len < IPPM_TABLE_SIZE(n, key_len))
        return IPPM_ERR_BAD_ARG;
    memset(t, 0, sizeof(*t));
    t->bucket = mem;
    t->link = t->bucket + n;
    t->keys = (uint8_t *)(t->link + 3 * n);
    t->key_len = key_len;
    t->cap = (uint32_t)n;
    t->newest = t->oldest = IPPM_TABLE_NIL;
    t->free = IPPM_TABLE_NIL;
    memcpy(t->seed, seed, IPPM_TABLE_SEED_LEN);
    /* Every chain empty; the entries are handed out from fresh, so they
     * need no set-up (and their pages are touched only when used). */
    memset(t->bucket, 0xff, n * sizeof(*t->bucket));
    return IPPM_OK;
}

/* see ippm_table.h */
uint32_t ippm_table_find(const struct ippm_table *t, const uint8_t *key)
{
    uint32_t i = t->bucket[bucket_of(t, key)];
    while (i != IPPM_TABLE_NIL) {
        if (memcmp(key_of(t, i), key, t->key_len) == 0)
            return i;
        i = link_of(t, i)[L_CHAIN];
    }
    return IPPM_TABLE_NIL;
}

/* Use list: i goes in as the newest. */
static void list_push_newest(struct ippm_table *t, uint32_t i)
{
    uint32_t *l = link_of(t, i);
    l[L_OLDER] = t->newest;
    l[L_NEWER] = IPPM_TABLE_NIL;
    if (t->newest != IPPM_TABLE_NIL)
        link_of(t, t->newest)[L_NEWER] = i;
    else
        t->oldest = i;
    t->newest = i;
}

static void list_unlink(struct ippm_table *t, uint32_t i)
{
    uint32_t *l = link_of(t, i);
    if (l[L_OLDER] != IPPM_TABLE_NIL)
        link_of(t, l[L_OLDER])[L_NEWER] = l[L_NEWER];
    else
        t->oldest = l[L_NEWER];
    if (l[L_NEWER] != IPPM_TABLE_NIL)
        link_of(t, l[L_NEWER])[L_OLDER] = l[L_OLDER];
    else
        t->newest = l[L_OLDER];
}

/* see ippm_table.h */
enum ippm_err ippm_table_add(struct ippm_table *t, const uint8_t *key,
                             uint32_t *idx)
{
    uint32_t i;
    if (t->free != IPPM_TABLE_NIL) {
        i = t->free;
        t->free = link_of(t, i)[L_NEWER];
    } else if (t->fresh < t->cap) {
        i = t->fresh++;
    } else {
        return IPPM_ERR_SESSION_FULL;
    }
    memcpy(t->keys + (size_t)i * t->key_len, key, t->key_len);
    uint32_t b = bucket_of(t, key);
    link_of(t, i)[L_CHAIN] = t->bucket[b];
    t->bucket[b] = i;
    list_push_newest(t, i);
    t->used++;
    *idx = i;
    return IPPM_OK;
}

/* see ippm_table.h */
void ippm_table_touch(struct ippm_table *t, uint32_t i)
{
    if (t->newest == i)
        return;
    list_unlink(t, i);
    list_push_newest(t, i);
}

/* see ippm_table.h */
enum ippm_err ippm_table_remove(struct ippm_table *t, uint32_t i)
{
    if (!in_use(t, i))
        return IPPM_ERR_BAD_ARG;
    uint32_t *at = &t->bucket[bucket_of(t, key_of(t, i))];
    while (*at != i)
        at = &link_of(t, *at)[L_CHAIN];
    *at = link_of(t, i)[L_CHAIN];
    list_unlink(t, i);
    /* Free entries are chained by their newer link; the chain link marks
     * them free. */
    link_of(t, i)[L_CHAIN] = FREE_MARK;
    link_of(t, i)[L_NEWER] = t->free;
    t->free = i;
    t->used--;
    return IPPM_OK;
}

/* see ippm_table.h */
uint32_t ippm_table_oldest(const struct ippm_table *t)
{
    return t->oldest;
}

/* see ippm_table.h */
uint32_t ippm_table_newer(const struct ippm_table *t, uint32_t i)
{
    return link_of(t, i)[L_NEWER];
}

/* see ippm_table.h */
const uint8_t *ippm_table_key(const struct ippm_table *t, uint32_t i)
{
    return key_of(t, i);
}

/* see ippm_table.h */
size_t ippm_table_count(const struct ippm_table *t)
{
    return t->used;
}

/* see ippm_table.h */
size_t ippm_table_capacity(const struct ippm_table *t)
{
    return t->cap;
}
