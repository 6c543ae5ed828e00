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
struct ippm_errest ippm_clock_errest(const struct ippm_clock *c)
{
    struct timex tx = {0};
    int state = ntp_adjtime(&tx);
    /* TIME_ERROR and STA_UNSYNC both mean nobody is steering the clock. */
    int synced = state != -1 && state != TIME_ERROR &&
                 !(tx.status & STA_UNSYNC);
    uint64_t err_ns = tx.esterror > 0 ? (uint64_t)tx.esterror * 1000u : 1000u;
    return ippm_errest_from_ns(err_ns, synced, c->fmt);
}

/* see clock.h */
const char *ippm_clock_fmt_name(enum ippm_tsfmt fmt)
{
    return fmt == IPPM_TS_PTP ? "ptp" : "ntp";
}
