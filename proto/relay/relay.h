/* The decision engine of `ippm relay`, a deterministic impairment relay.
 *
 * Two directions (FWD: client to server, REV: server to client), each
 * with its own configuration and its own random streams, so the traffic
 * of one direction never changes what happens to the other. Within a
 * direction every kind of impairment (loss, Gilbert-Elliott, delay,
 * duplication, corruption) has its own xoshiro256** stream, seeded by
 * splitmix64 from (seed, direction, kind), and draws a fixed number of
 * values for every datagram while it is enabled: turning duplication on
 * does not change which packets are lost.
 *
 * relay_impair.c decides what becomes of one datagram (relay_decide) and
 * rewrites its octets (relay_apply); relay_sched.c is a min-heap of
 * release times over caller-owned packet slots. Nothing here reads a
 * clock, does I/O or allocates: the driver passes arrival times in ns
 * and owns every array. */
#ifndef RELAY_H
#define RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ippm_err.h"

#define RELAY_LIST_MAX 1024     /* entries of an explicit drop or dup list */
#define RELAY_REORDER_MAX 64    /* --reorder IDX:N entries per direction */
#define RELAY_CORRUPT_MAX 16    /* --corrupt-offsets entries */
#define RELAY_MUT_MAX 16        /* --mutate entries per direction */
#define RELAY_MUT_OCTETS 16     /* octets one mutation may write */
#define RELAY_QUEUE_MAX 4096    /* deepest token-bucket queue, packets */
#define RELAY_MAX_COPIES 2      /* a datagram and one duplicate */
#define RELAY_HOLD_MAX_NS 1000000000ull /* a held packet leaves after 1 s */

enum relay_dir { RELAY_FWD = 0, RELAY_REV = 1, RELAY_DIRS = 2 };

/* Jitter distributions. Each gives a deviate z, clamped to [-4, 4] as
 * netem's tables are (they hold 4 sigma at most), and the delay is
 * fixed + J * z, never below zero:
 *   UNIFORM        z uniform on [-1, 1]: delay within fixed +- J;
 *   NORMAL         z standard normal (inverse CDF, Acklam), sigma = J;
 *   PARETO_NORMAL  as netem's paretonormal table: from one uniform u,
 *                  z = 0.75 N(u) + 0.25 P(u), where N is the normal
 *                  quantile and P the Pareto (alpha 3) quantile moved to
 *                  mean 0 and scaled by 4/3. */
enum relay_dist {
    RELAY_DIST_UNIFORM = 0,
    RELAY_DIST_NORMAL,
    RELAY_DIST_PARETO_NORMAL
};

/* What a mutation does to the octets at off (fields are big-endian). */
enum relay_mut_op {
    RELAY_MUT_SET,    /* write value in width octets */
    RELAY_MUT_ADD,    /* add delta, modulo 2^(8 width) */
    RELAY_MUT_BYTES,  /* write bytes[0..width) */
    RELAY_MUT_FLIP,   /* xor every octet with 0xff */
    RELAY_MUT_LENGTH  /* change the datagram's length by delta (pad zero) */
};

struct relay_mutation {
    enum relay_mut_op op;
    uint16_t off;
    uint8_t width;               /* 1..8 for SET/ADD, 1..16 otherwise */
    uint64_t value;
    int64_t delta;
    uint8_t bytes[RELAY_MUT_OCTETS];
};

struct relay_reorder {
    uint64_t idx;                /* packet index in its direction */
    uint32_t places;             /* released after this many later ones */
};

struct relay_dir_config {
    double loss;                 /* Bernoulli loss probability */
    bool ge;                     /* Gilbert-Elliott on */
    double ge_p, ge_r;           /* P(good to bad), P(bad to good) */
    double ge_loss_bad;          /* 1-h: loss probability in bad (1) */
    double ge_loss_good;         /* 1-k: loss probability in good (0) */
    uint64_t delay_ns;
    uint64_t jitter_ns;
    enum relay_dist dist;
    double dup;                  /* duplication probability */
    double corrupt;              /* corruption probability */
    uint16_t corrupt_off[RELAY_CORRUPT_MAX];
    uint32_t n_corrupt_off;      /* 0: one random offset in the datagram */
    uint64_t rate_bps;           /* token bucket, bits/s; 0 = no limit */
    uint64_t burst_bytes;        /* bucket depth; 0 = one datagram */
    uint32_t queue;              /* packets waiting at most (tail drop) */
    uint64_t drop[RELAY_LIST_MAX];
    uint32_t n_drop;
    uint64_t dup_list[RELAY_LIST_MAX];
    uint32_t n_dup_list;
    struct relay_reorder reorder[RELAY_REORDER_MAX];
    uint32_t n_reorder;
    struct relay_mutation mut[RELAY_MUT_MAX];
    uint32_t n_mut;
};

struct relay_config {
    uint64_t seed;
    uint64_t hold_max_ns;        /* 0: RELAY_HOLD_MAX_NS */
    struct relay_dir_config dir[RELAY_DIRS];
};

/* Why a datagram was not forwarded. The first four are relay_decide's;
 * the rest are the driver's, listed here so every report names them the
 * same way (relay_why_name). */
#define RELAY_WHYS(X)                                                         \
    X(RELAY_PASS, "forwarded")                                                \
    X(RELAY_DROP_LIST, "list")                                                \
    X(RELAY_DROP_LOSS, "loss")                                                \
    X(RELAY_DROP_GE, "gilbert-elliott")                                       \
    X(RELAY_DROP_QUEUE, "queue")                                              \
    X(RELAY_DROP_POOL, "queue-full")                                          \
    X(RELAY_DROP_TOO_BIG, "too-big")                                          \
    X(RELAY_DROP_FLOW, "flow-table-full")

#define RELAY_WHY_ENUM_(name, text) name,
enum relay_why { RELAY_WHYS(RELAY_WHY_ENUM_) RELAY_WHY_COUNT_ };
#undef RELAY_WHY_ENUM_

/* "loss", "queue-full", ...; never NULL. */
const char *relay_why_name(enum relay_why why);

/* Parses "uniform", "normal", "pareto-normal" (n octets at s). Returns
 * IPPM_OK or IPPM_ERR_BAD_ARG. */
enum ippm_err relay_dist_parse(const char *s, size_t n, enum relay_dist *out);

/* Finds a named STAMP field (RFC 8762 Figures 2, 4, 5, 6; RFC 8972 §3)
 * of the packets that travel in dir: FWD carries Session-Sender packets
 * (seq ts errest ssid mbz hmac), REV reflector packets (also rx-ts ss-seq
 * ss-ts ss-errest ttl). mbz is the first two MBZ octets after the fields
 * (open: 16 FWD, 38 REV; auth: 4). hmac exists in auth mode only.
 * Returns IPPM_OK with the offset and width, or IPPM_ERR_BAD_ARG. */
enum ippm_err relay_stamp_field(const char *name, size_t n, bool auth,
                                enum relay_dir dir, uint16_t *off,
                                uint8_t *width);

/* Checks a configuration. Returns IPPM_OK, or IPPM_ERR_BAD_ARG with
 * *what (if not NULL) naming the first impossible setting in one phrase:
 * a probability outside [0, 1] or NaN, a queue above RELAY_QUEUE_MAX or a
 * rate with no queue, a reorder of 0 places, a list longer than its
 * maximum, a mutation wider than its op allows. */
enum ippm_err relay_config_check(const struct relay_config *cfg,
                                 const char **what);

/* ---- decisions ---- */

struct relay_rng {
    uint64_t s[4];
};

enum relay_stream { RELAY_RS_LOSS, RELAY_RS_GE, RELAY_RS_DELAY, RELAY_RS_DUP,
                    RELAY_RS_CORRUPT, RELAY_RS_COUNT_ };

struct relay_dir_state {
    struct relay_rng rng[RELAY_RS_COUNT_];
    uint64_t next_idx;           /* index the next datagram gets */
    bool ge_bad;
    uint64_t tat_ns;             /* token bucket: theoretical arrival time */
    uint64_t tat_rem;            /* its remainder, in 1/rate_bps of a ns */
    uint64_t q[RELAY_QUEUE_MAX]; /* departure times of queued packets */
    uint32_t q_head, q_n;
};

struct relay {
    struct relay_config cfg;     /* lists sorted by relay_init */
    struct relay_dir_state d[RELAY_DIRS];
};

struct relay_decision {
    enum relay_dir dir;
    uint64_t idx;                /* 0-based index in this direction */
    enum relay_why why;          /* RELAY_PASS when forwarded */
    uint64_t release_ns;         /* when every copy leaves */
    uint64_t delay_ns;           /* release_ns - arrival: queue + delay */
    uint64_t queue_ns;           /* of which the token bucket's wait */
    uint32_t copies;             /* 1, or 2 with a duplicate */
    bool duplicated;
    uint32_t hold;               /* >0: leave after this many later ones */
    bool corrupt;
    uint32_t n_corrupt;
    uint16_t corrupt_off[RELAY_CORRUPT_MAX];
    bool mutate;                 /* this direction has mutations */
};

/* Prepares r from cfg (copied; the lists are sorted). cfg must pass
 * relay_config_check. */
void relay_init(struct relay *r, const struct relay_config *cfg);

/* Decides the fate of the next datagram of dir, len octets, arriving at
 * arrival_ns. Order: explicit drop list, Bernoulli, Gilbert-Elliott, then
 * the token bucket (tail drop when queue packets already wait), then
 * delay and jitter after the bucket, duplication, reorder hold, and
 * corruption. Returns IPPM_OK, or IPPM_ERR_BAD_ARG for a bad dir. */
enum ippm_err relay_decide(struct relay *r, enum relay_dir dir, size_t len,
                           uint64_t arrival_ns, struct relay_decision *out);

/* Applies a decision's corruption (xor 0xff at each offset below len)
 * and, when d->mutate, dir's mutations in order (those past the end are
 * skipped; LENGTH clamps to [0, cap] and zero-fills what it adds) to one
 * copy in buf. Returns the copy's new length. */
size_t relay_apply(const struct relay *r, const struct relay_decision *d,
                   uint8_t *buf, size_t len, size_t cap);

/* ---- the scheduler: a min-heap of release times ---- */

struct relay_slot {
    uint64_t release_ns;
    uint64_t order;              /* insertion count: FIFO among equal times */
    uint32_t heap_pos;
    uint32_t hold;               /* releases of dir still to wait for */
    uint8_t dir;
    bool used;
    bool held;
};

struct relay_sched {
    struct relay_slot *slots;
    uint32_t *heap;              /* slot indices */
    uint32_t *free;              /* free slot stack */
    uint32_t cap, n_heap, n_free;
    uint64_t order;
    uint32_t held[RELAY_REORDER_MAX * RELAY_DIRS];
    uint32_t n_held;
};

/* Prepares s over caller-owned arrays of cap entries each. */
void relay_sched_init(struct relay_sched *s, struct relay_slot *slots,
                      uint32_t *heap, uint32_t *free, uint32_t cap);

/* Takes a free slot. Returns its index, or -1 when every slot is in use
 * (the driver drops the datagram as RELAY_DROP_POOL). */
int32_t relay_sched_alloc(struct relay_sched *s);

/* Queues slot i to leave at release_ns. hold > 0 keeps it until hold
 * later datagrams of dir have left (then it leaves right after the last
 * of them), or until release_ns, which the caller sets to the latest it
 * may leave. More held slots than the held table has room for are not
 * held. */
void relay_sched_push(struct relay_sched *s, int32_t i, uint64_t release_ns,
                      enum relay_dir dir, uint32_t hold);

/* The earliest release time queued, UINT64_MAX when none. */
uint64_t relay_sched_next(const struct relay_sched *s);

/* Takes the earliest slot due at now (release_ns <= now), -1 when none.
 * The caller sends it, then calls relay_sched_free. */
int32_t relay_sched_pop(struct relay_sched *s, uint64_t now);

/* Returns slot i to the free stack. */
void relay_sched_free(struct relay_sched *s, int32_t i);

#endif
