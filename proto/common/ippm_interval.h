/* Interim summaries of a sender's run, one per report interval, as iperf3
 * -i prints them: what was sent in each interval and what became of it
 * (replies, loss, RTT min/avg/max, jitter). Any protocol that sends
 * numbered probes and gets a round trip per reply uses it (STAMP today;
 * TWAMP, UDPing later).
 *
 * A packet belongs to the interval it was sent in, and so does its reply:
 * an interval's loss is then the share of its own packets not answered,
 * as the run's summary counts loss. An interval is reported once replies
 * to its last packet can no longer be expected: grace_ns after its end
 * (the sender's --wait, capped so that at most IPPM_IVAL_OPEN intervals
 * wait at once). A reply later than that counts as lost in its interval's
 * line, as on the progress line; the run's summary stays exact.
 *
 * Memory is fixed (IPPM_IVAL_OPEN slots), whatever the run's length; no
 * clock is read: every call takes the driver's time. */
#ifndef IPPM_INTERVAL_H
#define IPPM_INTERVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ippm_stats.h"

/* Intervals open at once: the one being sent in and those awaiting late
 * replies. The grace is capped to IPPM_IVAL_OPEN - 2 periods. */
#define IPPM_IVAL_OPEN 8u

/* One open interval's running figures (internal to ippm_interval.c). */
struct ippm_ival_acc {
    uint64_t index;
    uint64_t sent, received;
    int64_t rtt_min, rtt_max;
    struct ippm_sum rtt_sum;
    uint64_t ipdv_n;
    struct ippm_sum ipdv_abs;
    struct ippm_ipdv pair; /* consecutive sequence numbers, RFC 3393 */
};

struct ippm_ivals {
    uint64_t t0_ns, period_ns, grace_ns;
    uint64_t next;    /* index of the next interval to report */
    uint64_t last_ns; /* latest send seen, relative to t0 */
    struct ippm_ival_acc open[IPPM_IVAL_OPEN];
};

/* What one interval's line says. Times are ns since the run's t0. */
struct ippm_ival_report {
    uint64_t index;                /* 0, 1, ... */
    uint64_t start_ns, end_ns;     /* [start, end); end is the run's end
                                    * for the last, partial interval */
    uint64_t sent, received, lost; /* of the packets sent in it */
    double loss_pct;               /* 0 when none was sent */
    uint64_t rtt_n;                /* = received */
    int64_t rtt_min, rtt_max;      /* 0 when rtt_n is 0 */
    double rtt_mean;
    uint64_t ipdv_n;  /* consecutive pairs answered */
    double jitter_ns; /* mean |IPDV| of RTT; 0 when none */
};

/* Starts the bookkeeping of a run whose first send is at t0_ns, with a
 * report every period_ns (> 0) and replies awaited grace_ns after a
 * packet is sent. */
void ippm_ivals_init(struct ippm_ivals *iv, uint64_t t0_ns, uint64_t period_ns,
                     uint64_t grace_ns);

/* Counts a packet sent at sent_ns (>= t0). Returns false, counting
 * nothing, when its interval is not open: the caller has not taken the
 * reports due (ippm_ivals_next) before sending. */
bool ippm_ivals_sent(struct ippm_ivals *iv, uint64_t sent_ns);

/* Counts the first reply to the packet seq sent at sent_ns, with its
 * round trip. Returns false when its interval was reported already (the
 * reply came after the grace): it then stays lost in that line. */
bool ippm_ivals_reply(struct ippm_ivals *iv, uint64_t sent_ns, uint64_t seq,
                      int64_t rtt_ns);

/* When the next report falls due (ns, the driver's clock), to wake up
 * for it. */
uint64_t ippm_ivals_deadline(const struct ippm_ivals *iv);

/* Takes the next report due at now_ns into *out: true while one is.
 * With end set (the run is over, its replies awaited), every interval up
 * to the last send is due, the last one ending at now_ns if that comes
 * before its end; none after it. Call until false. */
bool ippm_ivals_next(struct ippm_ivals *iv, uint64_t now_ns, bool end,
                     struct ippm_ival_report *out);

#endif
