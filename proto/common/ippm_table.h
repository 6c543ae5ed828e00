/* A fixed-size hash table with least-recently-used order, for the session
 * tables of every server ippm ships (the STAMP reflector's stateful
 * sessions today; TWAMP, OWAMP, UDPST and RMBT test sessions next).
 *
 * Keys are fixed-length octet strings (the caller packs its session key,
 * e.g. the 4-tuple and the SSID), compared whole. Entries are numbered
 * 0..n-1: the caller keeps its per-entry state in a parallel array of n
 * records indexed the same way (as with ippm_timerq).
 *
 * - Lookup is O(1) expected at any fill: separate chaining over n buckets
 *   (load factor at most 1), chains threaded through the entries by index.
 * - The bucket is chosen by SipHash-2-4 under a 128-bit seed the driver
 *   draws at random per run, so a sender who cannot read the seed cannot
 *   aim many keys at one chain (hash flooding; Aumasson and Bernstein,
 *   "SipHash: a fast short-input PRF", 2012, which also shows seeded
 *   multiply-and-rotate hashes such as MurmurHash2 to have seed-independent
 *   collisions, the reason for a PRF rather than a keyed mix).
 * - Every entry is on one intrusive doubly-linked list, most recently used
 *   first, so the least recently used one is found and evicted in O(1).
 *
 * The table owns no memory: it carves one caller-owned block of
 * IPPM_TABLE_SIZE(n, key_len) octets, so its size is fixed when it is
 * set up and never grows with what senders send. */
#ifndef IPPM_TABLE_H
#define IPPM_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "ippm_err.h"

#define IPPM_TABLE_NIL         UINT32_MAX
#define IPPM_TABLE_KEY_MAX     64
#define IPPM_TABLE_MAX_ENTRIES (UINT32_MAX / 2)
#define IPPM_TABLE_SEED_LEN    16

/* Octets of storage for n entries of key_len-octet keys: per entry one
 * bucket head, three links (chain, older, newer) and the key; a multiple
 * of 8 so that blocks can follow one another. */
#define IPPM_TABLE_ENTRY_SIZE(key_len) (16u + (size_t)(key_len))
#define IPPM_TABLE_SIZE(n, key_len)                                            \
    (((size_t)(n)*IPPM_TABLE_ENTRY_SIZE(key_len) + 7u) / 8u * 8u)

struct ippm_table {
    uint32_t *bucket; /* n chain heads */
    uint32_t *link;   /* 3 per entry: chain next, older, newer */
    uint8_t *keys;    /* n keys of key_len octets */
    size_t key_len;
    uint32_t cap, used;
    uint32_t newest, oldest; /* the use list's ends, NIL when empty */
    uint32_t free;           /* freed entries, chained by their newer link */
    uint32_t fresh;          /* entries fresh..cap-1 were never used */
    uint8_t seed[IPPM_TABLE_SEED_LEN];
};

/* SipHash-2-4 of msg under the 16-octet key (the reference algorithm;
 * its published test vectors are in ippm_table_test.c). */
uint64_t ippm_siphash24(const uint8_t key[IPPM_TABLE_SEED_LEN],
                        const uint8_t *msg, size_t len);

/* Sets up an empty table of n entries (1..IPPM_TABLE_MAX_ENTRIES) with
 * key_len-octet keys (1..IPPM_TABLE_KEY_MAX) in mem, which must hold
 * IPPM_TABLE_SIZE(n, key_len) octets, be aligned for uint32_t and outlive
 * t. seed keys the hash. Returns IPPM_OK, or IPPM_ERR_BAD_ARG (and leaves
 * t alone) for a size out of range or too small a block. */
enum ippm_err ippm_table_init(struct ippm_table *t, void *mem, size_t mem_len,
                              size_t n, size_t key_len,
                              const uint8_t seed[IPPM_TABLE_SEED_LEN]);

/* The entry holding key (key_len octets), IPPM_TABLE_NIL when none. The
 * use order is left alone: see ippm_table_touch. */
uint32_t ippm_table_find(const struct ippm_table *t, const uint8_t *key);

/* Adds key, which must not be in the table, as its most recently used
 * entry; *idx is its number. Returns IPPM_OK, or IPPM_ERR_SESSION_FULL
 * when every entry is in use (evict one first: ippm_table_oldest). */
enum ippm_err ippm_table_add(struct ippm_table *t, const uint8_t *key,
                             uint32_t *idx);

/* Makes entry i (in use) the most recently used. */
void ippm_table_touch(struct ippm_table *t, uint32_t i);

/* Takes entry i out of the table; its number may be handed out again.
 * Returns IPPM_OK, or IPPM_ERR_BAD_ARG when i is not in use. */
enum ippm_err ippm_table_remove(struct ippm_table *t, uint32_t i);

/* The least recently used entry, IPPM_TABLE_NIL when the table is empty. */
uint32_t ippm_table_oldest(const struct ippm_table *t);

/* The entry used just after i (in use), IPPM_TABLE_NIL when i is the
 * newest: walks the use order from ippm_table_oldest. */
uint32_t ippm_table_newer(const struct ippm_table *t, uint32_t i);

/* The key of entry i (in use): key_len octets inside the table. */
const uint8_t *ippm_table_key(const struct ippm_table *t, uint32_t i);

/* Entries in use, and in all. */
size_t ippm_table_count(const struct ippm_table *t);
size_t ippm_table_capacity(const struct ippm_table *t);

#endif
