/* A timer queue for every driver and every state machine that keeps more
 * than one deadline: a binary min-heap over a caller-owned pool of timer
 * slots, keyed by (deadline, push order) so equal deadlines leave first
 * in, first out. Slot positions are kept in the slots, so a queued timer
 * can be cancelled or moved in O(log n) (decrease-key).
 *
 * The queue reads no clock: the caller passes now to ippm_timerq_pop and
 * sleeps until ippm_timerq_next. It owns no memory either: the caller
 * gives it three arrays of cap entries and keeps its own per-slot data
 * in a parallel array indexed the same way (the relay's packets). */
#ifndef IPPM_TIMERQ_H
#define IPPM_TIMERQ_H

#include <stdbool.h>
#include <stdint.h>

struct ippm_timer {
    uint64_t deadline_ns;
    uint64_t order;    /* push count: FIFO among equal deadlines */
    uint32_t heap_pos; /* valid while queued */
    bool used;         /* allocated from the pool */
    bool queued;       /* in the heap */
};

struct ippm_timerq {
    struct ippm_timer *timers;
    uint32_t *heap; /* timer indices, earliest first at [0] */
    uint32_t *free; /* stack of free indices */
    uint32_t cap, n_heap, n_free;
    uint64_t order;
};

/* Prepares q over caller-owned arrays of cap entries each; every slot is
 * free. */
void ippm_timerq_init(struct ippm_timerq *q, struct ippm_timer *timers,
                      uint32_t *heap, uint32_t *free, uint32_t cap);

/* Takes a free slot, lowest index first on a fresh queue (a quiet driver
 * reuses the same few). Returns its index, or -1 when all are in use. */
int32_t ippm_timerq_alloc(struct ippm_timerq *q);

/* Queues slot i (allocated) to fire at deadline_ns, after every timer
 * already queued for the same time. A slot already queued is moved to
 * the new deadline and to the back of its ties. */
void ippm_timerq_push(struct ippm_timerq *q, int32_t i, uint64_t deadline_ns);

/* Changes the deadline of queued slot i, keeping its push order: brought
 * forward, it leaves ahead of timers pushed after it at the same time.
 * Returns false (and does nothing) when i is not queued. */
bool ippm_timerq_move(struct ippm_timerq *q, int32_t i, uint64_t deadline_ns);

/* Takes slot i out of the queue; it stays allocated. Returns false when
 * it was not queued. */
bool ippm_timerq_cancel(struct ippm_timerq *q, int32_t i);

/* The earliest deadline queued, UINT64_MAX when none. */
uint64_t ippm_timerq_next(const struct ippm_timerq *q);

/* Takes the earliest slot due at now (deadline_ns <= now), -1 when none.
 * The slot stays allocated, its deadline and order readable, until the
 * caller frees or pushes it again. */
int32_t ippm_timerq_pop(struct ippm_timerq *q, uint64_t now);

/* The deadline slot i was last queued for. */
uint64_t ippm_timerq_deadline(const struct ippm_timerq *q, int32_t i);

/* Returns slot i to the pool, cancelling it if queued. A slot out of range
 * or already free is ignored. */
void ippm_timerq_free(struct ippm_timerq *q, int32_t i);

#endif
