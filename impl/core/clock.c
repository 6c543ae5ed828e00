#include "clock.h"

#include <sys/timex.h>

static uint64_t ns_of(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * IPPM_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* see clock.h */
uint64_t ippm_clock_realtime(void)
{
    return ns_of(CLOCK_REALTIME);
}

/* CLOCK_TAI - CLOCK_REALTIME, rounded to whole seconds: the kernel keeps
 * it as an integer number of seconds, and rounding removes the few ns
 * between the two reads. */
static int64_t tai_offset_ns(void)
{
    uint64_t rt = ns_of(CLOCK_REALTIME);
    uint64_t tai = ns_of(CLOCK_TAI);
    if (rt == 0 || tai == 0)
        return 0;
    int64_t d = (int64_t)(tai - rt);
    int64_t s = (d + (d >= 0 ? 1 : -1) * (int64_t)(IPPM_NS_PER_SEC / 2)) /
                (int64_t)IPPM_NS_PER_SEC;
    return s * (int64_t)IPPM_NS_PER_SEC;
}

/* see clock.h */
void ippm_clock_init(struct ippm_clock *c, enum ippm_tsfmt fmt)
{
    c->fmt = fmt;
    c->id = CLOCK_REALTIME;
    c->offset_ns = 0;
    if (fmt != IPPM_TS_PTP)
        return;
    int64_t off = tai_offset_ns();
    if (off != 0) {
        c->id = CLOCK_TAI;
        c->offset_ns = off;
    }
}

/* see clock.h */
uint64_t ippm_clock_now(const struct ippm_clock *c)
{
    return ns_of(c->id);
}

/* see clock.h */
uint64_t ippm_clock_from_realtime(const struct ippm_clock *c, uint64_t rt_ns)
{
    return rt_ns + (uint64_t)c->offset_ns;
}

/* see clock.h */
int ippm_clock_discipline(struct ippm_clock_state *out)
{
    struct timex tx = {0};
    int state = ntp_adjtime(&tx);
    if (state == -1) {
        *out = (struct ippm_clock_state){false, IPPM_CLOCK_MAXERROR_LIMIT_US,
                                         IPPM_CLOCK_MAXERROR_LIMIT_US};
        return -1;
    }
    /* TIME_ERROR and STA_UNSYNC both mean nobody is steering the clock. */
    out->synced = state != TIME_ERROR && !(tx.status & STA_UNSYNC);
    out->esterror_us = tx.esterror;
    out->maxerror_us = tx.maxerror;
    return 0;
}

/* see clock.h */
struct ippm_errest ippm_clock_errest(const struct ippm_clock *c)
{
    struct ippm_clock_state st;
    (void)ippm_clock_discipline(&st);
    return ippm_errest_from_clock(&st, c->fmt);
}

/* see clock.h */
bool ippm_clock_errest_due(const struct ippm_clock *c,
                           struct ippm_errest_watch *w, uint64_t now_ns)
{
    if (w->next_ns != 0 && now_ns < w->next_ns)
        return false;
    w->e = ippm_clock_errest(c);
    w->next_ns = now_ns + IPPM_CLOCK_ERREST_REFRESH_NS;
    return true;
}

/* see clock.h */
const char *ippm_clock_fmt_name(enum ippm_tsfmt fmt)
{
    return fmt == IPPM_TS_PTP ? "ptp" : "ntp";
}
