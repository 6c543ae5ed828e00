/* The driver's clock: what every impl/ driver passes to proto as now_ns
 * and as the kernel receive time.
 *
 * NTP timestamps count UTC, so they come from CLOCK_REALTIME. PTP
 * timestamps count TAI (IEEE 1588), so in PTP mode the clock is CLOCK_TAI
 * when the kernel knows the TAI offset; when it does not (the offset is
 * zero, as on a host without a PTP or NTP daemon setting it) CLOCK_TAI
 * equals CLOCK_REALTIME and realtime is used. */
#ifndef IPPM_CLOCK_H
#define IPPM_CLOCK_H

#include <stdint.h>
#include <time.h>

#include "proto/common/ippm_time.h"

struct ippm_clock {
    clockid_t id;
    /* This clock minus CLOCK_REALTIME, ns. Kernel socket timestamps are
     * realtime; adding this puts them on our clock. */
    int64_t offset_ns;
    enum ippm_tsfmt fmt;
};

/* Chooses the clock for a timestamp format (see above). */
void ippm_clock_init(struct ippm_clock *c, enum ippm_tsfmt fmt);

/* Now, ns since the epoch of c (Unix epoch; TAI-based for PTP). */
uint64_t ippm_clock_now(const struct ippm_clock *c);

/* A CLOCK_REALTIME time (kernel SO_TIMESTAMPNS) on c's timescale. */
uint64_t ippm_clock_from_realtime(const struct ippm_clock *c, uint64_t rt_ns);

/* CLOCK_REALTIME now, ns. */
uint64_t ippm_clock_realtime(void);

/* The Error Estimate of this host's clock (RFC 4656 §4.1.2): S from the
 * kernel's synchronisation status and the estimated error from
 * ntp_adjtime(2), never below 1 us. */
struct ippm_errest ippm_clock_errest(const struct ippm_clock *c);

/* "ntp" or "ptp". */
const char *ippm_clock_fmt_name(enum ippm_tsfmt fmt);

#endif
