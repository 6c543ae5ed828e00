/* The relay's scheduler: release times in an ippm_timerq (FIFO among
 * equal times), and the hold-back that reorders: a held slot leaves as
 * soon as enough later datagrams of its direction have left, brought
 * forward in the queue (decrease-key) ahead of anything queued after it. */
#include <string.h>

#include "netem.h"

/* see netem.h */
void netem_sched_init(struct netem_sched *s, struct netem_slot *slots,
                      struct ippm_timer *timers, uint32_t *heap, uint32_t *free,
                      uint32_t cap)
{
    memset(s, 0, sizeof(*s));
    s->slots = slots;
    memset(slots, 0, (size_t)cap * sizeof(*slots));
    ippm_timerq_init(&s->q, timers, heap, free, cap);
}

/* see netem.h */
int32_t netem_sched_alloc(struct netem_sched *s)
{
    return ippm_timerq_alloc(&s->q);
}

/* see netem.h */
void netem_sched_push(struct netem_sched *s, int32_t i, uint64_t release_ns,
                      enum netem_dir dir, uint32_t hold)
{
    struct netem_slot *sl = &s->slots[i];
    sl->dir = (uint8_t)dir;
    sl->hold = 0;
    sl->held = false;
    if (hold > 0 && s->n_held < sizeof(s->held) / sizeof(s->held[0])) {
        sl->hold = hold;
        sl->held = true;
        s->held[s->n_held++] = (uint32_t)i;
    }
    ippm_timerq_push(&s->q, i, release_ns);
}

/* see netem.h */
uint64_t netem_sched_next(const struct netem_sched *s)
{
    return ippm_timerq_next(&s->q);
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

/* Slot out (of dir, queued after them) left: count it against the held
 * slots. */
static void count_release(struct netem_sched *s, uint32_t out)
{
    const struct ippm_timer *ot = &s->q.timers[out];
    uint8_t dir = s->slots[out].dir;
    for (uint32_t k = 0; k < s->n_held;) {
        uint32_t h = s->held[k];
        struct netem_slot *sl = &s->slots[h];
        if (sl->dir != dir || s->q.timers[h].order > ot->order ||
            --sl->hold > 0) {
            k++;
            continue;
        }
        /* Due now, and ahead of anything queued later at that time. */
        s->held[k] = s->held[--s->n_held];
        sl->held = false;
        uint64_t t = s->q.timers[h].deadline_ns;
        (void)ippm_timerq_move(&s->q, (int32_t)h,
                               t > ot->deadline_ns ? ot->deadline_ns : t);
    }
}

/* see netem.h */
int32_t netem_sched_pop(struct netem_sched *s, uint64_t now)
{
    int32_t top = ippm_timerq_pop(&s->q, now);
    if (top < 0)
        return -1;
    /* Held to its limit: it leaves without waiting any longer. */
    if (s->slots[top].held)
        unhold(s, (uint32_t)top);
    count_release(s, (uint32_t)top);
    return top;
}

/* see netem.h */
uint64_t netem_sched_release_ns(const struct netem_sched *s, int32_t i)
{
    return ippm_timerq_deadline(&s->q, i);
}

/* see netem.h */
void netem_sched_free(struct netem_sched *s, int32_t i)
{
    ippm_timerq_free(&s->q, i);
}
