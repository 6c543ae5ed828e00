/* One direction of a TWAMP or OWAMP test session as twping and owping
 * report it: packets sent and received, loss, duplicates, reordering
 * (RFC 4737), one-way delay min/median/max, jitter (P95 - P50, as owping
 * prints it, and RFC 3393 IPDV), hop counts from the TTL, a histogram.
 * The arithmetic is proto/common/ippm_stats.h's (streaming, bounded);
 * this only feeds it and prints. Private to the OWAMP and TWAMP drivers. */
#ifndef IPPM_OWTW_WAY_H
#define IPPM_OWTW_WAY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/common/ippm_stats.h"
#include "proto/common/ippm_time.h"

/* A sender sets the IP TTL of its test packets to 255 (RFC 4656 §4.1.2,
 * owping's rule), so a receiver reads hops as 255 - TTL. */
#define OWTW_TTL_SENT 255

struct owtw_way {
    const char *name;     /* "forward", "backward", "to server" ... */
    uint64_t sent;        /* set by the caller before printing */
    uint64_t received;    /* first copies */
    uint64_t duplicates;
    struct ippm_seqwin win;
    struct ippm_reorder reorder;
    struct ippm_dist delay;  /* receive - send, ns */
    struct ippm_dist ipdv;   /* RFC 3393, consecutive sequence numbers */
    struct ippm_ipdv ipdv_prev;
    int ttl_min, ttl_max;    /* -1: none seen */
    uint64_t first_ns, last_ns; /* send times of the first and last arrived */
    struct ippm_owd_trust clocks; /* both ends' Error Estimates */
};

/* Allocates and empties a way (its histograms are large). NULL: ENOMEM. */
struct owtw_way *owtw_way_new(const char *name);
void owtw_way_free(struct owtw_way *w);

/* One packet that arrived: its sequence number, send and receive times
 * (Unix ns), the TTL it arrived with (-1 unknown), and the Error
 * Estimates (RFC 4656 §4.1.2, as on the wire) of the clocks that took
 * the two times. */
void owtw_way_add(struct owtw_way *w, uint32_t seq, uint64_t send_ns,
                  uint64_t recv_ns, int ttl, uint16_t send_errest,
                  uint16_t recv_errest);

/* Lost: sent less received, never below zero. */
uint64_t owtw_way_lost(const struct owtw_way *w);

/* owping's summary of w on f:
 *   100 sent, 0 lost (0.000%), 0 duplicates
 *   one-way delay min/median/max = 0.011/0.013/0.054 ms, (err=0.1 ms)
 *   one-way jitter = 0.002 ms (P95-P50)
 *   hops = 0 (consistently)
 *   no reordering
 * what names the delay ("one-way delay", "round-trip time"). */
void owtw_way_print(FILE *f, const struct owtw_way *w, const char *what,
                    bool histogram);

/* w as a JSON object: name, sent, received, lost, loss_pct, duplicates,
 * reordered, delay_ns {min, median, p95, max, mean}, jitter_ns, ipdv_ns,
 * hops {min, max}, clocks_synchronised, err_max_ms (a new reference,
 * NULL on ENOMEM). */
json_t *owtw_way_json(const struct owtw_way *w);

#endif
