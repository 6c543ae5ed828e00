#include "ippm_time.h"

#include <string.h>

/* see ippm_time.h */
uint64_t ippm_ntp_from_ns(uint64_t unix_ns)
{
    uint64_t sec = unix_ns / IPPM_NS_PER_SEC;
    uint64_t ns = unix_ns % IPPM_NS_PER_SEC;
    uint64_t frac = (ns << 32) / IPPM_NS_PER_SEC;
    /* Truncation to 32 bits is the era wrap of RFC 5905 §6. */
    uint32_t ntp_sec = (uint32_t)(sec + IPPM_NTP_UNIX_OFFSET);
    return (uint64_t)ntp_sec << 32 | frac;
}

/* see ippm_time.h */
uint64_t ippm_ns_from_ntp(uint64_t ntp)
{
    uint64_t sec = ntp >> 32;
    uint64_t frac = ntp & 0xffffffffu;
    uint64_t ns = (frac * IPPM_NS_PER_SEC + (1ull << 31)) >> 32;
    if (sec >= IPPM_NTP_UNIX_OFFSET)
        sec -= IPPM_NTP_UNIX_OFFSET;
    else
        sec += (1ull << 32) - IPPM_NTP_UNIX_OFFSET;
    return sec * IPPM_NS_PER_SEC + ns;
}

/* see ippm_time.h */
uint64_t ippm_ptp_from_ns(uint64_t unix_ns)
{
    uint32_t sec = (uint32_t)(unix_ns / IPPM_NS_PER_SEC);
    uint32_t ns = (uint32_t)(unix_ns % IPPM_NS_PER_SEC);
    return (uint64_t)sec << 32 | ns;
}

/* see ippm_time.h */
uint64_t ippm_ns_from_ptp(uint64_t ptp, bool *ok)
{
    uint64_t sec = ptp >> 32;
    uint64_t ns = ptp & 0xffffffffu;
    if (ok)
        *ok = ns < IPPM_NS_PER_SEC;
    return sec * IPPM_NS_PER_SEC + ns;
}

/* see ippm_time.h */
uint64_t ippm_ts_from_ns(uint64_t unix_ns, enum ippm_tsfmt fmt)
{
    return fmt == IPPM_TS_PTP ? ippm_ptp_from_ns(unix_ns)
                              : ippm_ntp_from_ns(unix_ns);
}

/* see ippm_time.h */
uint64_t ippm_ns_from_ts(uint64_t ts, enum ippm_tsfmt fmt, bool *ok)
{
    if (fmt == IPPM_TS_PTP)
        return ippm_ns_from_ptp(ts, ok);
    if (ok)
        *ok = true;
    return ippm_ns_from_ntp(ts);
}

/* see ippm_time.h */
uint16_t ippm_errest_encode(const struct ippm_errest *e)
{
    return (uint16_t)((e->synced ? 0x8000u : 0) | (e->z ? 0x4000u : 0) |
                      (uint16_t)(e->scale & 0x3fu) << 8 | e->mult);
}

/* see ippm_time.h */
struct ippm_errest ippm_errest_decode(uint16_t v)
{
    struct ippm_errest e;
    e.synced = (v & 0x8000u) != 0;
    e.z = (v & 0x4000u) != 0;
    e.scale = (uint8_t)((v >> 8) & 0x3fu);
    e.mult = (uint8_t)v;
    return e;
}

/* see ippm_time.h */
uint64_t ippm_errest_ns(const struct ippm_errest *e)
{
    if (e->mult == 0)
        return UINT64_MAX;
    /* mult * 2^scale * 1e9 / 2^32 s in ns. */
    uint64_t base = (uint64_t)e->mult * IPPM_NS_PER_SEC;
    /* floor(base * 2^scale / 2^32) == floor(base / 2^(32 - scale)): no
     * intermediate can overflow. */
    if (e->scale <= 32)
        return base >> (32u - e->scale);
    unsigned up = e->scale - 32u;
    if (base > UINT64_MAX >> up)
        return UINT64_MAX;
    return base << up;
}

/* see ippm_time.h */
struct ippm_errest ippm_errest_from_ns(uint64_t err_ns, bool synced,
                                       enum ippm_tsfmt fmt)
{
    struct ippm_errest e = {synced, fmt == IPPM_TS_PTP, 0, 255};
    /* The finest scale whose largest multiplier still covers err_ns keeps
     * the most precision; then the smallest multiplier that covers it. */
    while (e.scale < 63 && ippm_errest_ns(&e) < err_ns)
        e.scale++;
    for (unsigned m = 1; m <= 255; m++) {
        e.mult = (uint8_t)m;
        if (ippm_errest_ns(&e) >= err_ns)
            break;
    }
    return e;
}

/* see ippm_time.h */
struct ippm_errest ippm_errest_from_clock(const struct ippm_clock_state *c,
                                          enum ippm_tsfmt fmt)
{
    bool synced = c->synced && c->maxerror_us >= 0 &&
                  c->maxerror_us < IPPM_CLOCK_MAXERROR_LIMIT_US;
    int64_t us = c->esterror_us;
    if (!synced && c->maxerror_us > us)
        us = c->maxerror_us;
    if (us < 1)
        us = 1;
    return ippm_errest_from_ns((uint64_t)us * 1000u, synced, fmt);
}

/* see ippm_time.h */
void ippm_owd_trust_init(struct ippm_owd_trust *t)
{
    memset(t, 0, sizeof(*t));
}

/* see ippm_time.h */
void ippm_owd_trust_add(struct ippm_owd_trust *t, uint16_t local,
                        uint16_t remote)
{
    struct ippm_errest l = ippm_errest_decode(local);
    struct ippm_errest r = ippm_errest_decode(remote);
    t->pairs++;
    t->local = local;
    t->remote = remote;
    if (!l.synced || !r.synced)
        t->unsynced++;
    if (l.mult == 0 || r.mult == 0) {
        t->unusable++;
        t->max_bound_ns = UINT64_MAX;
        return;
    }
    uint64_t a = ippm_errest_ns(&l), b = ippm_errest_ns(&r);
    uint64_t sum = a > UINT64_MAX - b ? UINT64_MAX : a + b;
    if (sum > t->max_bound_ns)
        t->max_bound_ns = sum;
}

/* see ippm_time.h */
bool ippm_owd_trusted(const struct ippm_owd_trust *t)
{
    return t->pairs > 0 && t->unsynced == 0 && t->unusable == 0;
}
