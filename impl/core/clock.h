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

#include <stdbool.h>
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

/* The kernel's clock discipline, read with ntp_adjtime(3) (adjtimex(2)):
 * synchronised or not (STA_UNSYNC, TIME_ERROR), estimated and maximum
 * error. Returns 0, or -1 when the call fails (out is then unsynchronised
 * with the kernel's 16 s limit as both errors). */
int ippm_clock_discipline(struct ippm_clock_state *out);

/* The Error Estimate of this host's clock (RFC 4656 §4.1.2), from
 * ippm_clock_discipline by ippm_errest_from_clock (proto/common/ippm_time.h:
 * S only when synchronised, the estimated error, never below 1 us). */
struct ippm_errest ippm_clock_errest(const struct ippm_clock *c);

/* How often a driver re-reads the discipline: a daemon (chronyd, ntpd,
 * ptp4l) updates it every few seconds at most, and one system call a
 * second costs nothing next to the packets. */
#define IPPM_CLOCK_ERREST_REFRESH_NS IPPM_NS_PER_SEC

/* The Error Estimate a driver writes into its packets, re-read
 * periodically rather than per packet. Zero-initialise. */
struct ippm_errest_watch {
    uint64_t next_ns;       /* when to read again; 0: at once */
    struct ippm_errest e;   /* the last reading */
};

/* Re-reads w->e when IPPM_CLOCK_ERREST_REFRESH_NS has passed since the
 * last reading (or never read). Returns true when it read, so the caller
 * hands w->e to proto. */
bool ippm_clock_errest_due(const struct ippm_clock *c,
                           struct ippm_errest_watch *w, uint64_t now_ns);

/* "ntp" or "ptp". */
const char *ippm_clock_fmt_name(enum ippm_tsfmt fmt);

#endif
