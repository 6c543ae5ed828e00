/* The reflector's asymmetrical-packets options and timer
 * (draft-ietf-ippm-asymmetrical-pkts-14 §3; proto/stamp/stamp.h
 * "Asymmetrical packets"): how many replies a Reflected Test Packet
 * Control TLV may ask for, how far apart, how many extra ones in all, and
 * the loop step that sends the copies due.
 *
 *   --max-reflected-count N     replies per request (default 16, 1: off)
 *   --min-reflected-interval D  shortest Interval honoured (default 1ms)
 *   --reflected-budget PPS      extra replies a second, every source
 *                               together, per worker (default 1000)
 *   --reflected-open            open mode too (default: authenticated
 *                               requests only; an open request's source
 *                               may be spoofed)
 *
 * The rule for every later ippm server: a request never earns more than
 * one reply unless it is authenticated or the operator opened it, and
 * then within a per-request count and a global budget, both counted. */
#ifndef IPPM_STAMP_REFL_REPEAT_H
#define IPPM_STAMP_REFL_REPEAT_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/stamp/stamp.h"
#include "impl/core/net.h"

#define REFL_REPEAT_COUNT_DEFAULT 16

enum refl_repeat_opt {
    REFL_REPEAT_OPT_COUNT,
    REFL_REPEAT_OPT_INTERVAL,
    REFL_REPEAT_OPT_BUDGET,
    REFL_REPEAT_OPT_OPEN,
    REFL_REPEAT_OPT_COUNT_
};

/* The option table's rows; getopt returns first + enum refl_repeat_opt. */
#define REFL_REPEAT_LONGOPTS(first)                                            \
    {"max-reflected-count", required_argument, NULL,                           \
     (first) + REFL_REPEAT_OPT_COUNT},                                         \
    {"min-reflected-interval", required_argument, NULL,                        \
     (first) + REFL_REPEAT_OPT_INTERVAL},                                      \
    {"reflected-budget", required_argument, NULL,                              \
     (first) + REFL_REPEAT_OPT_BUDGET},                                        \
    {"reflected-open", no_argument, NULL, (first) + REFL_REPEAT_OPT_OPEN}

#define REFL_REPEAT_USAGE                                                      \
    "  --max-reflected-count N\n"                                              \
    "                         replies a Reflected Test Packet Control TLV\n"   \
    "                         may ask for per request (default 16, 1: one;\n"  \
    "                         more gets C = 1 and one reply)\n"                \
    "  --min-reflected-interval DUR\n"                                         \
    "                         shortest interval between them (default 1ms)\n"  \
    "  --reflected-budget PPS extra replies a second, all sources together\n"  \
    "                         (per worker thread; default 1000)\n"             \
    "  --reflected-open       give open-mode requests their extra replies\n"   \
    "                         too (default: authenticated mode only; an\n"     \
    "                         open request's source may be spoofed)\n"

/* The defaults above. */
void refl_repeat_defaults(struct stamp_repeat_config *c);

/* One option: which is getopt's value less first. Returns 0, or -1 after
 * one line. */
int refl_repeat_opt_parse(struct stamp_repeat_config *c, int which,
                          const char *arg);

/* How long to wait for a datagram: wait_ns, or less when a copy is due
 * sooner (0 when one is due now). */
uint64_t refl_repeat_wait(const struct stamp_reflector *r, uint64_t now_ns,
                          uint64_t wait_ns);

/* Queues into tx every copy due at now (TIMER until nothing is due),
 * each to its request's source; returns how many were queued. */
size_t refl_repeat_queue(struct stamp_reflector *r, struct ippm_tx_batch *tx,
                         const struct ippm_sock *sock, uint64_t now_ns);

/* "  asymmetrical: ..." for the shutdown summary, when copies were sent. */
void refl_repeat_summary(FILE *f, const struct stamp_reflector *r,
                         const struct stamp_repeat_config *c);

#endif
