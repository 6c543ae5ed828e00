/* The relay's scheduler: a binary min-heap of slot indices keyed by
 * (release time, insertion order), with positions kept in the slots so a
 * held packet's time can be brought forward (decrease-key). */
#include <string.h>

#include "netem.h"

static bool before(const struct netem_sched *s, uint32_t a, uint32_t b)
{
    const struct netem_slot *x = &s->slots[a], *y = &s->slots[b];
    if (x->release_ns != y->release_ns)
        return x->release_ns < y->release_ns;
    return x->order < y->order;
}

static void place(struct netem_sched *s, uint32_t pos, uint32_t slot)
{
    s->heap[pos] = slot;
    s->slots[slot].heap_pos = pos;
}

static void sift_up(struct netem_sched *s, uint32_t pos)
{
    uint32_t slot = s->heap[pos];
    while (pos > 0) {
        uint32_t parent = (pos - 1) / 2;
        if (!before(s, slot, s->heap[parent]))
            break;
        place(s, pos, s->heap[parent]);
        pos = parent;
    }
    place(s, pos, slot);
}

static void sift_down(struct netem_sched *s, uint32_t pos)
{
    uint32_t slot = s->heap[pos];
    for (;;) {
        uint32_t l = 2 * pos + 1, best = pos;
        uint32_t best_slot = slot;
        if (l < s->n_heap && before(s, s->heap[l], best_slot)) {
            best = l;
            best_slot = s->heap[l];
        }
        if (l + 1 < s->n_heap && before(s, s->heap[l + 1], best_slot))
            best = l + 1;
        if (best == pos)
            break;
        place(s, pos, s->heap[best]);
        pos = best;
    }
    place(s, pos, slot);
}

/* see netem.h */
void netem_sched_init(struct netem_sched *s, struct netem_slot *slots,
                      uint32_t *heap, uint32_t *free, uint32_t cap)
{
    memset(s, 0, sizeof(*s));
    s->slots = slots;
    s->heap = heap;
    s->free = free;
    s->cap = cap;
    memset(slots, 0, (size_t)cap * sizeof(*slots));
    /* Lowest index on top: a quiet relay reuses the same few slots. */
    for (uint32_t i = 0; i < cap; i++)
        free[i] = cap - 1 - i;
    s->n_free = cap;
}

/* see netem.h */
int32_t netem_sched_alloc(struct netem_sched *s)
{
    if (s->n_free == 0)
        return -1;
    uint32_t i = s->free[--s->n_free];
    s->slots[i].used = true;
    return (int32_t)i;
}

/* see netem.h */
void netem_sched_push(struct netem_sched *s, int32_t i, uint64_t release_ns,
                      enum netem_dir dir, uint32_t hold)
{
    struct netem_slot *sl = &s->slots[i];
    sl->release_ns = release_ns;
    sl->order = s->order++;
    sl->dir = (uint8_t)dir;
    sl->hold = 0;
    sl->held = false;
    if (hold > 0 && s->n_held < sizeof(s->held) / sizeof(s->held[0])) {
        sl->hold = hold;
        sl->held = true;
        s->held[s->n_held++] = (uint32_t)i;
    }
    place(s, s->n_heap++, (uint32_t)i);
    sift_up(s, sl->heap_pos);
}

/* see netem.h */
uint64_t netem_sched_next(const struct netem_sched *s)
{
    return s->n_heap ? s->slots[s->heap[0]].release_ns : UINT64_MAX;
}

static void unhold(struct netem_sched *s, uint32_t slot)
{
    for (uint32_t k = 0; k < s->n_held; k++) {
        if (s->held[k] == slot) {
            s->held[k] = s->held[--s->n_held];
            break;
        }
    }
    s->slots[slot].held = false;
}

/* A datagram of dir queued after them left at t: count it against the
 * held slots. */
static void count_release(struct netem_sched *s, const struct netem_slot *out)
{
    for (uint32_t k = 0; k < s->n_held;) {
        uint32_t h = s->held[k];
        struct netem_slot *sl = &s->slots[h];
        if (sl->dir != out->dir || sl->order > out->order || --sl->hold > 0) {
            k++;
            continue;
        }
        /* Due now, and ahead of anything queued later at t. */
        s->held[k] = s->held[--s->n_held];
        sl->held = false;
        if (sl->release_ns > out->release_ns)
            sl->release_ns = out->release_ns;
        sift_up(s, sl->heap_pos);
    }
}

/* see netem.h */
int32_t netem_sched_pop(struct netem_sched *s, uint64_t now)
{
    if (s->n_heap == 0)
        return -1;
    uint32_t top = s->heap[0];
    struct netem_slot *sl = &s->slots[top];
    if (sl->release_ns > now)
        return -1;
    s->n_heap--;
    if (s->n_heap > 0) {
        place(s, 0, s->heap[s->n_heap]);
        sift_down(s, 0);
    }
    /* Held to its limit: it leaves without waiting any longer. */
    if (sl->held)
        unhold(s, top);
    count_release(s, sl);
    return (int32_t)top;
}

/* see netem.h */
void netem_sched_free(struct netem_sched *s, int32_t i)
{
    if (i < 0 || (uint32_t)i >= s->cap || !s->slots[i].used)
        return;
    s->slots[i].used = false;
    s->free[s->n_free++] = (uint32_t)i;
}
