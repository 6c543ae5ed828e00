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

#endif
