/* Whom a server answers, and how often: the allow/deny list by prefix and
 * the per-source token bucket every ippm server applies to a datagram
 * after the source guard (ippm_srcguard.h) and before it reads it. RFC
 * 8762 §6 asks a reflector exposed to the Internet to protect itself and
 * others ("rate limiting ... of the STAMP test packets"); TWAMP, OWAMP,
 * UDPST, RMBT and UDPing servers apply the same rules with this code.
 *
 * - The prefix list decides first, so a denied source costs no table
 *   entry. The longest matching prefix wins (as a routing table does, so
 *   the order of the rules does not matter: `--allow 10.0.0.0/8 --deny
 *   10.9.0.0/16` denies 10.9.x.x whichever comes first); between an allow
 *   and a deny of the same prefix, deny wins. A source no rule matches is
 *   answered unless the list holds an allow rule: then it is an allow
 *   list, and everything it does not name is denied.
 * - The token bucket refills at rate.pps packets per second up to
 *   rate.burst; a datagram takes one token or is refused. There is one
 *   bucket per source (ippm_addr_source_key: an IPv4 address, an IPv6
 *   /64), in a bounded ippm_table: when it is full the least recently
 *   seen source is forgotten (counted in evicted) and comes back with a
 *   full bucket, so memory stays fixed whatever the number of sources.
 *
 * Pure logic (no clock: the caller passes now_ns), no allocation: the
 * caller owns the bucket table's memory (IPPM_RATELIMIT_SIZE). */
#ifndef IPPM_ADMIT_H
#define IPPM_ADMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ippm_addr.h"
#include "ippm_err.h"
#include "ippm_table.h"

/* ---- allow / deny by prefix ---- */

#define IPPM_PREFIX_MAX 64 /* rules a server holds, both kinds together */

struct ippm_prefix {
    struct ippm_addr net; /* host bits cleared; port unused */
    uint8_t len;          /* 0..32 (IPv4), 0..128 (IPv6) */
    bool allow;
};

struct ippm_prefix_list {
    struct ippm_prefix rule[IPPM_PREFIX_MAX];
    size_t n;
    size_t n_allow; /* > 0: an allow list, unmatched sources denied */
};

/* Adds net/len as an allow or a deny rule (host bits of net are
 * cleared). Returns IPPM_OK, IPPM_ERR_BAD_ARG for a family other than
 * IPv4 and IPv6 or a len beyond it, IPPM_ERR_NOSPACE past
 * IPPM_PREFIX_MAX rules. */
enum ippm_err ippm_prefix_add(struct ippm_prefix_list *l,
                              const struct ippm_addr *net, unsigned len,
                              bool allow);

/* Whether the list lets a through (the rules in the comment above). An
 * empty list lets every source through. */
bool ippm_prefix_allows(const struct ippm_prefix_list *l,
                        const struct ippm_addr *a);

/* ---- token bucket ---- */

#define IPPM_RATE_PPS_MAX   1000000000ull /* 1e9 packets per second */
#define IPPM_RATE_BURST_MAX 1000000000ull

struct ippm_rate {
    uint64_t pps;   /* refill, packets per second; 0: no limit */
    uint64_t burst; /* bucket depth, packets (1..IPPM_RATE_BURST_MAX) */
};

/* Credit is kept in nano-packets, so that any rate refills exactly from
 * a nanosecond clock: pps nano-packets per nanosecond. */
struct ippm_bucket {
    uint64_t credit;  /* nano-packets, at most burst * 1e9 */
    uint64_t last_ns; /* when credit was last brought up to date */
};

/* A full bucket at now_ns. */
void ippm_bucket_fill(struct ippm_bucket *b, const struct ippm_rate *r,
                      uint64_t now_ns);

/* Refills b for the time since its last use (none when the clock went
 * back), then takes one packet's token: true when there was one. */
bool ippm_bucket_take(struct ippm_bucket *b, const struct ippm_rate *r,
                      uint64_t now_ns);

/* Refills b, then: the whole tokens it holds (UINT64_MAX with no limit);
 * or takes n at once, all or none (a burst of copies, STAMP's
 * asymmetrical replies): true when there were n. */
uint64_t ippm_bucket_avail(struct ippm_bucket *b, const struct ippm_rate *r,
                           uint64_t now_ns);
bool ippm_bucket_take_n(struct ippm_bucket *b, const struct ippm_rate *r,
                        uint64_t now_ns, uint64_t n);

/* ---- one bucket per source ---- */

#define IPPM_RATELIMIT_SIZE(n)                                                 \
    (IPPM_TABLE_SIZE(n, IPPM_ADDR_SOURCE_KEY_LEN) +                            \
     (size_t)(n) * sizeof(struct ippm_bucket))

struct ippm_ratelimit {
    struct ippm_table sources;   /* source key -> index into bucket */
    struct ippm_bucket *bucket;
    struct ippm_rate rate;
    uint64_t evicted; /* sources forgotten to make room for a new one */
};

/* Sets up a limiter of n sources (1..IPPM_TABLE_MAX_ENTRIES) in mem, of
 * mem_len >= IPPM_RATELIMIT_SIZE(n) octets aligned for uint64_t, which
 * must outlive l; seed keys the table's hash (draw it at random per run).
 * Returns IPPM_OK, or IPPM_ERR_BAD_ARG for a bad size or rate (pps above
 * IPPM_RATE_PPS_MAX, burst 0 or above IPPM_RATE_BURST_MAX). */
enum ippm_err ippm_ratelimit_init(struct ippm_ratelimit *l, void *mem,
                                  size_t mem_len, size_t n,
                                  const struct ippm_rate *rate,
                                  const uint8_t seed[IPPM_TABLE_SEED_LEN]);

/* Takes a token from peer's source's bucket (a new source starts full):
 * true when the datagram may be answered. Always true when rate.pps is
 * 0. */
bool ippm_ratelimit_take(struct ippm_ratelimit *l, const struct ippm_addr *peer,
                         uint64_t now_ns);

/* Sources tracked now. */
size_t ippm_ratelimit_sources(const struct ippm_ratelimit *l);

/* ---- both, in order ---- */

enum ippm_admit_verdict {
    IPPM_ADMIT_OK = 0,
    IPPM_ADMIT_DENIED,       /* the prefix list refuses the source */
    IPPM_ADMIT_RATE_LIMITED, /* its bucket is empty */
};

/* The prefix list, then (when rl is not NULL) the source's bucket: a
 * denied datagram takes no token. */
enum ippm_admit_verdict ippm_admit_check(const struct ippm_prefix_list *pl,
                                         struct ippm_ratelimit *rl,
                                         const struct ippm_addr *peer,
                                         uint64_t now_ns);

#endif
