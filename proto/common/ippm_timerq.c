/* A binary min-heap of slot indices keyed by (deadline, push order),
 * with each slot's heap position kept in the slot (decrease-key, cancel).
 * Generalised from the relay's scheduler. */
#include "ippm_timerq.h"

#include <string.h>

static bool before(const struct ippm_timerq *q, uint32_t a, uint32_t b)
{
    const struct ippm_timer *x = &q->timers[a], *y = &q->timers[b];
    if (x->deadline_ns != y->deadline_ns)
        return x->deadline_ns < y->deadline_ns;
    return x->order < y->order;
}

static void place(struct ippm_timerq *q, uint32_t pos, uint32_t slot)
{
    q->heap[pos] = slot;
    q->timers[slot].heap_pos = pos;
}

static void sift_up(struct ippm_timerq *q, uint32_t pos)
{
    uint32_t slot = q->heap[pos];
    while (pos > 0) {
        uint32_t parent = (pos - 1) / 2;
        if (!before(q, slot, q->heap[parent]))
            break;
        place(q, pos, q->heap[parent]);
        pos = parent;
    }
    place(q, pos, slot);
}

static void sift_down(struct ippm_timerq *q, uint32_t pos)
{
    uint32_t slot = q->heap[pos];
    for (;;) {
        uint32_t l = 2 * pos + 1, best = pos;
        uint32_t best_slot = slot;
        if (l < q->n_heap && before(q, q->heap[l], best_slot)) {
            best = l;
            best_slot = q->heap[l];
        }
        if (l + 1 < q->n_heap && before(q, q->heap[l + 1], best_slot))
            best = l + 1;
        if (best == pos)
            break;
        place(q, pos, q->heap[best]);
        pos = best;
    }
    place(q, pos, slot);
}

/* Restores the heap after the key at pos changed either way. */
static void resift(struct ippm_timerq *q, uint32_t pos)
{
    uint32_t slot = q->heap[pos];
    sift_up(q, pos);
    sift_down(q, q->timers[slot].heap_pos);
}

static bool valid(const struct ippm_timerq *q, int32_t i)
{
    return i >= 0 && (uint32_t)i < q->cap && q->timers[i].used;
}

/* see ippm_timerq.h */
void ippm_timerq_init(struct ippm_timerq *q, struct ippm_timer *timers,
                      uint32_t *heap, uint32_t *free, uint32_t cap)
{
    memset(q, 0, sizeof(*q));
    q->timers = timers;
    q->heap = heap;
    q->free = free;
    q->cap = cap;
    memset(timers, 0, (size_t)cap * sizeof(*timers));
    /* Lowest index on top: a quiet driver reuses the same few slots. */
    for (uint32_t i = 0; i < cap; i++)
        free[i] = cap - 1 - i;
    q->n_free = cap;
}

/* see ippm_timerq.h */
int32_t ippm_timerq_alloc(struct ippm_timerq *q)
{
    if (q->n_free == 0)
        return -1;
    uint32_t i = q->free[--q->n_free];
    q->timers[i].used = true;
    q->timers[i].queued = false;
    return (int32_t)i;
}

/* see ippm_timerq.h */
void ippm_timerq_push(struct ippm_timerq *q, int32_t i, uint64_t deadline_ns)
{
    if (!valid(q, i))
        return;
    struct ippm_timer *t = &q->timers[i];
    t->deadline_ns = deadline_ns;
    t->order = q->order++;
    if (t->queued) {
        resift(q, t->heap_pos);
        return;
    }
    t->queued = true;
    place(q, q->n_heap++, (uint32_t)i);
    sift_up(q, t->heap_pos);
}

/* see ippm_timerq.h */
bool ippm_timerq_move(struct ippm_timerq *q, int32_t i, uint64_t deadline_ns)
{
    if (!valid(q, i) || !q->timers[i].queued)
        return false;
    q->timers[i].deadline_ns = deadline_ns;
    resift(q, q->timers[i].heap_pos);
    return true;
}

/* Takes the slot at heap position pos out of the heap. */
static void unqueue(struct ippm_timerq *q, uint32_t pos)
{
    uint32_t slot = q->heap[pos];
    q->timers[slot].queued = false;
    q->n_heap--;
    if (pos == q->n_heap)
        return;
    place(q, pos, q->heap[q->n_heap]);
    resift(q, pos);
}

/* see ippm_timerq.h */
bool ippm_timerq_cancel(struct ippm_timerq *q, int32_t i)
{
    if (!valid(q, i) || !q->timers[i].queued)
        return false;
    unqueue(q, q->timers[i].heap_pos);
    return true;
}

/* see ippm_timerq.h */
uint64_t ippm_timerq_next(const struct ippm_timerq *q)
{
    return q->n_heap ? q->timers[q->heap[0]].deadline_ns : UINT64_MAX;
}

/* see ippm_timerq.h */
int32_t ippm_timerq_pop(struct ippm_timerq *q, uint64_t now)
{
    if (q->n_heap == 0)
        return -1;
    uint32_t top = q->heap[0];
    if (q->timers[top].deadline_ns > now)
        return -1;
    unqueue(q, 0);
    return (int32_t)top;
}

/* see ippm_timerq.h */
uint64_t ippm_timerq_deadline(const struct ippm_timerq *q, int32_t i)
{
    return i >= 0 && (uint32_t)i < q->cap ? q->timers[i].deadline_ns
                                          : UINT64_MAX;
}

/* see ippm_timerq.h */
void ippm_timerq_free(struct ippm_timerq *q, int32_t i)
{
    if (!valid(q, i))
        return;
    (void)ippm_timerq_cancel(q, i);
    q->timers[i].used = false;
    q->free[q->n_free++] = (uint32_t)i;
}
