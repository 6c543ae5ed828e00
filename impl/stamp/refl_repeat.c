/* The reflector's asymmetrical-packets options and timer; see
 * refl_repeat.h. */
#include "impl/stamp/refl_repeat.h"

#include "impl/core/cli.h"

/* see refl_repeat.h */
void refl_repeat_defaults(struct stamp_repeat_config *c)
{
    c->max_count = REFL_REPEAT_COUNT_DEFAULT;
    c->min_interval_ns = STAMP_REPEAT_MIN_INTERVAL_NS;
    c->budget.pps = STAMP_REPEAT_PPS;
    c->budget.burst = 0;
    c->open = false;
}

/* see refl_repeat.h */
int refl_repeat_opt_parse(struct stamp_repeat_config *c, int which,
                          const char *arg)
{
    uint64_t v;
    int rc = 0;
    switch (which) {
    case REFL_REPEAT_OPT_COUNT:
        rc = ippm_cli_uint("--max-reflected-count", arg, 1,
                           STAMP_REPEAT_COUNT_MAX, "a packet count", &v);
        c->max_count = (uint16_t)v;
        break;
    case REFL_REPEAT_OPT_INTERVAL:
        /* The TLV's Interval is 32 bits of nanoseconds. */
        rc = ippm_cli_duration("--min-reflected-interval", arg, 1000,
                               UINT32_MAX, false, &c->min_interval_ns);
        break;
    case REFL_REPEAT_OPT_BUDGET:
        rc = ippm_cli_uint("--reflected-budget", arg, 1, IPPM_RATE_PPS_MAX,
                           "packets per second", &v);
        c->budget.pps = v;
        break;
    case REFL_REPEAT_OPT_OPEN: c->open = true; break;
    default: return -1;
    }
    return rc;
}

/* see refl_repeat.h */
uint64_t refl_repeat_wait(const struct stamp_reflector *r, uint64_t now_ns,
                          uint64_t wait_ns)
{
    uint64_t due = stamp_reflector_deadline(r);
    if (due == UINT64_MAX)
        return wait_ns;
    uint64_t until = due > now_ns ? due - now_ns : 0;
    return until < wait_ns ? until : wait_ns;
}

/* see refl_repeat.h */
size_t refl_repeat_queue(struct stamp_reflector *r, struct ippm_tx_batch *tx,
                         const struct ippm_sock *sock, uint64_t now_ns)
{
    size_t n = 0;
    struct ippm_event ev = {.kind = IPPM_EV_TIMER, .now_ns = now_ns};
    uint8_t *slot;
    while (stamp_reflector_deadline(r) <= now_ns &&
           (slot = ippm_tx_batch_slot(tx)) != NULL) {
        struct ippm_action act = {0};
        if (stamp_reflector_handle(r, &ev, slot, tx->buf_size, &act) !=
                IPPM_OK ||
            act.kind != IPPM_ACT_SEND_DATAGRAM)
            continue; /* a copy that could not be built is gone */
        struct stamp_timer_dest d = stamp_reflector_timer_dest(r);
        ippm_tx_batch_commit(tx, sock, act.len, &d.peer, &d.local);
        if (act.tos >= 0)
            ippm_tx_batch_set_tos(tx, &d.peer, act.tos);
        n++;
    }
    return n;
}

/* see refl_repeat.h */
void refl_repeat_summary(FILE *f, const struct stamp_reflector *r,
                         const struct stamp_repeat_config *c)
{
    const struct stamp_repeat_counters *k = &r->repeat.counters;
    if (!k->scheduled)
        return;
    fprintf(f,
            "  asymmetrical: %llu requests given %llu extra replies "
            "(--max-reflected-count %u, --reflected-budget %llu/s)\n",
            (unsigned long long)k->scheduled, (unsigned long long)k->copies,
            (unsigned)c->max_count, (unsigned long long)c->budget.pps);
}
