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
 * netem_impair.c decides what becomes of one datagram (netem_decide) and
 * rewrites its octets (netem_apply); netem_sched.c holds packets back
 * for reordering on top of an ippm_timerq of release times over
 * caller-owned packet slots. Nothing here reads a
 * clock, does I/O or allocates: the driver passes arrival times in ns
 * and owns every array. */
#ifndef NETEM_H
#define NETEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ippm_err.h"
#include "../common/ippm_rand.h"
#include "../common/ippm_timerq.h"

#define NETEM_LIST_MAX 1024     /* entries of an explicit drop or dup list */
#define NETEM_REORDER_MAX 64    /* --reorder IDX:N entries per direction */
#define NETEM_CORRUPT_MAX 16    /* --corrupt-offsets entries */
#define NETEM_MUT_MAX 16        /* --mutate entries per direction */
#define NETEM_MUT_OCTETS 16     /* octets one mutation may write */
#define NETEM_QUEUE_MAX 4096    /* deepest token-bucket queue, packets */
#define NETEM_MAX_COPIES 2      /* a datagram and one duplicate */
#define NETEM_HOLD_MAX_NS 1000000000ull /* a held packet leaves after 1 s */

enum netem_dir { NETEM_FWD = 0, NETEM_REV = 1, NETEM_DIRS = 2 };

/* Jitter distributions. Each gives a deviate z, clamped to [-4, 4] as
 * netem's tables are (they hold 4 sigma at most), and the delay is
 * fixed + J * z, never below zero:
 *   UNIFORM        z uniform on [-1, 1]: delay within fixed +- J;
 *   NORMAL         z standard normal (inverse CDF, Acklam), sigma = J;
 *   PARETO_NORMAL  as netem's paretonormal table: from one uniform u,
 *                  z = 0.75 N(u) + 0.25 P(u), where N is the normal
 *                  quantile and P the Pareto (alpha 3) quantile moved to
 *                  mean 0 and scaled by 4/3. */
enum netem_dist {
    NETEM_DIST_UNIFORM = 0,
    NETEM_DIST_NORMAL,
    NETEM_DIST_PARETO_NORMAL
};

/* What a mutation does to the octets at off (fields are big-endian). */
enum netem_mut_op {
    NETEM_MUT_SET,    /* write value in width octets */
    NETEM_MUT_ADD,    /* add delta, modulo 2^(8 width) */
    NETEM_MUT_BYTES,  /* write bytes[0..width) */
    NETEM_MUT_FLIP,   /* xor every octet with 0xff */
    NETEM_MUT_LENGTH  /* change the datagram's length by delta (pad zero) */
};

struct netem_mutation {
    enum netem_mut_op op;
    uint16_t off;
    uint8_t width;               /* 1..8 for SET/ADD, 1..16 otherwise */
    uint64_t value;
    int64_t delta;
    uint8_t bytes[NETEM_MUT_OCTETS];
};

struct netem_reorder {
    uint64_t idx;                /* packet index in its direction */
    uint32_t places;             /* released after this many later ones */
};

struct netem_dir_config {
    double loss;                 /* Bernoulli loss probability */
    bool ge;                     /* Gilbert-Elliott on */
    double ge_p, ge_r;           /* P(good to bad), P(bad to good) */
    double ge_loss_bad;          /* 1-h: loss probability in bad (1) */
    double ge_loss_good;         /* 1-k: loss probability in good (0) */
    uint64_t delay_ns;
    uint64_t jitter_ns;
    enum netem_dist dist;
    double dup;                  /* duplication probability */
    double corrupt;              /* corruption probability */
    uint16_t corrupt_off[NETEM_CORRUPT_MAX];
    uint32_t n_corrupt_off;      /* 0: one random offset in the datagram */
    uint64_t rate_bps;           /* token bucket, bits/s; 0 = no limit */
    uint64_t burst_bytes;        /* bucket depth; 0 = one datagram */
    uint32_t queue;              /* packets waiting at most (tail drop) */
    uint64_t drop[NETEM_LIST_MAX];
    uint32_t n_drop;
    uint64_t dup_list[NETEM_LIST_MAX];
    uint32_t n_dup_list;
    struct netem_reorder reorder[NETEM_REORDER_MAX];
    uint32_t n_reorder;
    struct netem_mutation mut[NETEM_MUT_MAX];
    uint32_t n_mut;
    bool remark;                 /* rewrite the DSCP (a remarking hop) */
    uint8_t remark_dscp;         /* 0-63: the DSCP written when remark */
};

struct netem_config {
    uint64_t seed;
    uint64_t hold_max_ns;        /* 0: NETEM_HOLD_MAX_NS */
    struct netem_dir_config dir[NETEM_DIRS];
};

/* Why a datagram was not forwarded. The first four are netem_decide's;
 * the rest are the driver's, listed here so every report names them the
 * same way (netem_why_name). */
#define NETEM_WHYS(X)                                                         \
    X(NETEM_PASS, "forwarded")                                                \
    X(NETEM_DROP_LIST, "list")                                                \
    X(NETEM_DROP_LOSS, "loss")                                                \
    X(NETEM_DROP_GE, "gilbert-elliott")                                       \
    X(NETEM_DROP_QUEUE, "queue")                                              \
    X(NETEM_DROP_POOL, "queue-full")                                          \
    X(NETEM_DROP_TOO_BIG, "too-big")                                          \
    X(NETEM_DROP_FLOW, "flow-table-full")                                     \
    X(NETEM_DROP_NO_SOCKET, "no-upstream-socket")

#define NETEM_WHY_ENUM_(name, text) name,
enum netem_why { NETEM_WHYS(NETEM_WHY_ENUM_) NETEM_WHY_COUNT_ };
#undef NETEM_WHY_ENUM_

/* "loss", "queue-full", ...; never NULL. */
const char *netem_why_name(enum netem_why why);

/* Parses "uniform", "normal", "pareto-normal" (n octets at s). Returns
 * IPPM_OK or IPPM_ERR_BAD_ARG. */
enum ippm_err netem_dist_parse(const char *s, size_t n, enum netem_dist *out);

/* Finds a named STAMP field (RFC 8762 Figures 2, 4, 5, 6; RFC 8972 §3)
 * of the packets that travel in dir: FWD carries Session-Sender packets
 * (seq ts errest ssid mbz hmac), REV reflector packets (also rx-ts ss-seq
 * ss-ts ss-errest ttl). mbz is the first two MBZ octets after the fields
 * (open: 16 FWD, 38 REV; auth: 4). hmac exists in auth mode only.
 * Returns IPPM_OK with the offset and width, or IPPM_ERR_BAD_ARG. */
enum ippm_err netem_stamp_field(const char *name, size_t n, bool auth,
                                enum netem_dir dir, uint16_t *off,
                                uint8_t *width);

/* Checks a configuration. Returns IPPM_OK, or IPPM_ERR_BAD_ARG with
 * *what (if not NULL) naming the first impossible setting in one phrase:
 * a probability outside [0, 1] or NaN, a queue above NETEM_QUEUE_MAX or a
 * rate with no queue, a reorder of 0 places, a list longer than its
 * maximum, a mutation wider than its op allows. */
enum ippm_err netem_config_check(const struct netem_config *cfg,
                                 const char **what);

/* ---- decisions ---- */

enum netem_stream { NETEM_RS_LOSS, NETEM_RS_GE, NETEM_RS_DELAY, NETEM_RS_DUP,
                    NETEM_RS_CORRUPT, NETEM_RS_COUNT_ };

struct netem_dir_state {
    struct ippm_rng rng[NETEM_RS_COUNT_]; /* proto/common/ippm_rand.h */
    uint64_t next_idx;           /* index the next datagram gets */
    bool ge_bad;
    uint64_t tat_ns;             /* token bucket: theoretical arrival time */
    uint64_t tat_rem;            /* its remainder, in 1/rate_bps of a ns */
    uint64_t q[NETEM_QUEUE_MAX]; /* departure times of queued packets */
    uint32_t q_head, q_n;
};

struct netem {
    struct netem_config cfg;     /* lists sorted by netem_init */
    struct netem_dir_state d[NETEM_DIRS];
};

struct netem_decision {
    enum netem_dir dir;
    uint64_t idx;                /* 0-based index in this direction */
    enum netem_why why;          /* NETEM_PASS when forwarded */
    uint64_t release_ns;         /* when every copy leaves */
    uint64_t delay_ns;           /* release_ns - arrival: queue + delay */
    uint64_t queue_ns;           /* of which the token bucket's wait */
    uint32_t copies;             /* 1, or 2 with a duplicate */
    bool duplicated;
    uint32_t hold;               /* >0: leave after this many later ones */
    bool corrupt;
    uint32_t n_corrupt;
    uint16_t corrupt_off[NETEM_CORRUPT_MAX];
    bool mutate;                 /* this direction has mutations */
};

/* Prepares r from cfg (copied; the lists are sorted). cfg must pass
 * netem_config_check. */
void netem_init(struct netem *r, const struct netem_config *cfg);

/* Decides the fate of the next datagram of dir, len octets, arriving at
 * arrival_ns. Order: explicit drop list, Bernoulli, Gilbert-Elliott, then
 * the token bucket (tail drop when queue packets already wait), then
 * delay and jitter after the bucket, duplication, reorder hold, and
 * corruption. Returns IPPM_OK, or IPPM_ERR_BAD_ARG for a bad dir. */
enum ippm_err netem_decide(struct netem *r, enum netem_dir dir, size_t len,
                           uint64_t arrival_ns, struct netem_decision *out);

/* Applies a decision's corruption (xor 0xff at each offset below len)
 * and, when d->mutate, dir's mutations in order (those past the end are
 * skipped; LENGTH clamps to [0, cap] and zero-fills what it adds) to one
 * copy in buf. Returns the copy's new length. */
size_t netem_apply(const struct netem *r, const struct netem_decision *d,
                   uint8_t *buf, size_t len, size_t cap);

/* The IPv4 TOS / IPv6 Traffic Class octet a datagram of dir leaves with,
 * given the one it arrived with (tos_in, -1 when the kernel gave none).
 * A router or NAT carries DSCP and ECN, so the relay does too; with
 * remark the DSCP (upper six bits) becomes remark_dscp and ECN (lower
 * two) is kept. Returns 0-255, or -1 (send with the socket's default)
 * when tos_in is unknown and dir does not remark. */
int netem_tos(const struct netem *r, enum netem_dir dir, int tos_in);

/* ---- the scheduler: release times in an ippm_timerq, plus hold-back ---- */

/* What the relay keeps per packet slot beside its timer. */
struct netem_slot {
    uint32_t hold;               /* releases of dir still to wait for */
    uint8_t dir;
    bool held;
};

struct netem_sched {
    struct ippm_timerq q;        /* release times, FIFO among equal ones */
    struct netem_slot *slots;
    uint32_t held[NETEM_REORDER_MAX * NETEM_DIRS];
    uint32_t n_held;
};

/* Prepares s over caller-owned arrays of cap entries each (slots and
 * timers are indexed alike). */
void netem_sched_init(struct netem_sched *s, struct netem_slot *slots,
                      struct ippm_timer *timers, uint32_t *heap,
                      uint32_t *free, uint32_t cap);

/* Takes a free slot. Returns its index, or -1 when every slot is in use
 * (the driver drops the datagram as NETEM_DROP_POOL). */
int32_t netem_sched_alloc(struct netem_sched *s);

/* Queues slot i to leave at release_ns. hold > 0 keeps it until hold
 * later datagrams of dir have left (then it leaves right after the last
 * of them), or until release_ns, which the caller sets to the latest it
 * may leave. More held slots than the held table has room for are not
 * held. */
void netem_sched_push(struct netem_sched *s, int32_t i, uint64_t release_ns,
                      enum netem_dir dir, uint32_t hold);

/* The earliest release time queued, UINT64_MAX when none. */
uint64_t netem_sched_next(const struct netem_sched *s);

/* Takes the earliest slot due at now (release_ns <= now), -1 when none.
 * The caller sends it, then calls netem_sched_free. */
int32_t netem_sched_pop(struct netem_sched *s, uint64_t now);

/* When slot i was released: its release_ns, or earlier when a hold ended. */
uint64_t netem_sched_release_ns(const struct netem_sched *s, int32_t i);

/* Returns slot i to the free stack. */
void netem_sched_free(struct netem_sched *s, int32_t i);

#endif
