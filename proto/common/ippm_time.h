/* Wire timestamps and the Error Estimate, RFC 4656 §4.1.2, RFC 5905 §6,
 * RFC 8186 §2.3.
 *
 * Proto reads no clock: every time here is a value the driver passed in,
 * as nanoseconds since the Unix epoch on the driver's clock (for PTP the
 * driver chooses the timescale; see impl/core/clock.c). */
#ifndef IPPM_TIME_H
#define IPPM_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define IPPM_NS_PER_SEC 1000000000ull
/* Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
#define IPPM_NTP_UNIX_OFFSET 2208988800ull

/* Timestamp formats, by the value of the Z bit (RFC 8186 §2.3). */
enum ippm_tsfmt { IPPM_TS_NTP = 0, IPPM_TS_PTP = 1 };

/* NTPv4 64-bit timestamp (RFC 5905 §6) of a Unix time in ns. Times after
 * 2036-02-07 wrap into era 1, as on the wire. */
uint64_t ippm_ntp_from_ns(uint64_t unix_ns);

/* Unix ns of an NTP timestamp. Seconds below the 1970 offset are taken as
 * era 1 (after 2036), the only reading that makes sense for a live clock.
 * The fraction is rounded to the nearest ns. */
uint64_t ippm_ns_from_ntp(uint64_t ntp);

/* PTPv2 truncated timestamp (RFC 8186 §2.3): 32-bit seconds, 32-bit ns. */
uint64_t ippm_ptp_from_ns(uint64_t unix_ns);

/* Unix ns of a PTPv2 truncated timestamp. A nanoseconds field of 10^9 or
 * more is malformed; *ok (if not NULL) is set false in that case. */
uint64_t ippm_ns_from_ptp(uint64_t ptp, bool *ok);

/* Either format, chosen by fmt. */
uint64_t ippm_ts_from_ns(uint64_t unix_ns, enum ippm_tsfmt fmt);
uint64_t ippm_ns_from_ts(uint64_t ts, enum ippm_tsfmt fmt, bool *ok);

/* The Error Estimate, RFC 4656 §4.1.2: S|Z|Scale(6)|Multiplier(8). */
struct ippm_errest {
    bool synced;    /* S: clock synchronised to UTC by an external source */
    bool z;         /* Z: 1 = PTPv2 timestamps (RFC 8186 §2.3) */
    uint8_t scale;  /* 0..63 */
    uint8_t mult;   /* MUST NOT be zero (RFC 4656 §4.1.2) */
};

uint16_t ippm_errest_encode(const struct ippm_errest *e);
struct ippm_errest ippm_errest_decode(uint16_t v);

/* The estimate in ns, Multiplier*2^(Scale-32) s, saturating at UINT64_MAX.
 * Returns UINT64_MAX too when Multiplier is zero (estimate unusable). */
uint64_t ippm_errest_ns(const struct ippm_errest *e);

/* The smallest estimate not below err_ns, with a non-zero Multiplier. */
struct ippm_errest ippm_errest_from_ns(uint64_t err_ns, bool synced,
                                       enum ippm_tsfmt fmt);

/* ---- the host's clock discipline ---- */

/* What the kernel's clock discipline says (adjtimex(2) / ntp_adjtime(3)),
 * as plain numbers: the driver reads it (impl/core/clock.c), proto turns
 * it into an Error Estimate. */
struct ippm_clock_state {
    bool synced;          /* STA_UNSYNC clear and the state not TIME_ERROR */
    int64_t esterror_us;  /* estimated error, us */
    int64_t maxerror_us;  /* maximum error, us */
};

/* The kernel's own limit on maxerror (NTP_PHASE_LIMIT, 16 s): past it the
 * kernel stops trusting its discipline and sets STA_UNSYNC. */
#define IPPM_CLOCK_MAXERROR_LIMIT_US 16000000

/* The Error Estimate for a clock state. S is set only when the kernel says
 * synchronised and the maximum error is below its own limit. The error is
 * the estimated error when synchronised, else the larger of the two (an
 * unsteered clock's error is bounded by nothing better than maxerror);
 * never below 1 us, the kernel's unit. Then the smallest encoding that is
 * not below it (ippm_errest_from_ns). */
struct ippm_errest ippm_errest_from_clock(const struct ippm_clock_state *c,
                                          enum ippm_tsfmt fmt);

/* ---- can one-way delays be trusted? ---- */

/* One-way delay is T2 - T1 across two clocks, so it is as good as the two
 * of them together: RFC 4656 §4.1.2 gives each packet's sender clock S
 * (synchronised to UTC) and its error estimate; a delay is trusted when
 * both ends had S set and a usable estimate (Multiplier non-zero), and
 * then it is off by at most the sum of the two estimates. Kept over a
 * session, in constant memory. */
struct ippm_owd_trust {
    uint64_t pairs;         /* exchanges seen */
    uint64_t unsynced;      /* either end's S clear */
    uint64_t unusable;      /* either end's Multiplier zero */
    uint64_t max_bound_ns;  /* largest sum of the two estimates */
    uint16_t local, remote; /* the last estimates seen, as on the wire */
};

/* Empties t. */
void ippm_owd_trust_init(struct ippm_owd_trust *t);

/* Takes one exchange: local is the Error Estimate of the packet that
 * carried T1, remote of the one that carried T2 (RFC 4656 §4.1.2 format;
 * STAMP's Session-Sender and Reflector Error Estimate fields). */
void ippm_owd_trust_add(struct ippm_owd_trust *t, uint16_t local,
                        uint16_t remote);

/* True when t saw exchanges and every one had both clocks synchronised
 * with usable estimates: then each one-way delay is within
 * t->max_bound_ns of the truth. */
bool ippm_owd_trusted(const struct ippm_owd_trust *t);

#endif
