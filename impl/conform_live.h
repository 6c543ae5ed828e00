/* Live conformance runs: build a struct ippm_obs from real packets.
 *
 * conform_live_reflector probes somebody's STAMP Session-Reflector with
 * the IPPM_PROBE_STAMP_* set (one UDP socket per probe, so each is its own
 * session) and pairs replies by (socket, Session-Sender Sequence Number).
 * conform_live_sender plays the reflector (proto's stamp_reflector) and
 * records what somebody's Session-Sender sends. conform_selfrefl runs
 * ippm's own reflector in a thread, as the target of `ippm conform`.
 * The catalogue then grades the obs as it grades unit fixtures and pcaps. */
#ifndef IPPM_CONFORM_LIVE_H
#define IPPM_CONFORM_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../conformance/ippm_conform.h"
#include "../proto/common/ippm_time.h"

#define CONFORM_LIVE_MAX_EX 4096

/* What a live run collected; owns every buffer the obs points into. */
struct conform_run {
    struct ippm_exchange ex[CONFORM_LIVE_MAX_EX];
    struct ippm_obs obs;
    uint64_t icmp_refused;     /* ICMP port unreachable seen */
    uint64_t sent;             /* datagrams sent */
    uint64_t received;         /* datagrams received */
};

struct conform_reflector_opts {
    struct ippm_addr target;
    bool auth;
    const struct ippm_crypto *crypto; /* auth: HMACs computed and checked */
    const uint8_t *key;
    size_t key_len;
    int expect_stateful;       /* 1, 0, -1 infer */
    uint8_t expect_tsfmt;      /* 0 either, else 1 + enum ippm_tsfmt */
    uint64_t timeout_ns;       /* wait for replies after the last send */
    uint64_t tolerance_ns;     /* clock tolerance for the timestamp cases */
    int ttl;                   /* IP_TTL / hop limit of every probe */
};

/* Sends every probe to o->target, collects replies until timeout_ns after
 * the last send, and fills run->obs (role reflector). Returns 0, or -1
 * with one line in err (socket errors). run must be zeroed by the caller
 * and released with conform_run_free. */
int conform_live_reflector(const struct conform_reflector_opts *o,
                           struct conform_run *run, char *err, size_t errlen);

struct conform_sender_opts {
    const struct ippm_addr *listen; /* NULL: every address */
    uint16_t port;
    uint32_t count;            /* stop after this many packets */
    uint64_t timeout_ns;       /* stop after this long without a packet */
    bool auth;
    const struct ippm_crypto *crypto;
    const uint8_t *key;
    size_t key_len;
    uint64_t tolerance_ns;
    bool quiet;
};

/* Answers somebody's Session-Sender as a stateless reflector and records
 * each packet (bytes, arrival time, TTL, addresses) into run->obs (role
 * sender) until count packets or the idle timeout. Returns 0, or -1 with
 * one line in err. */
int conform_live_sender(const struct conform_sender_opts *o,
                        struct conform_run *run, char *err, size_t errlen);

/* Releases the buffers of a run. */
void conform_run_free(struct conform_run *run);

/* ---- ippm's own reflector, in a thread ---- */

struct conform_selfrefl;

/* Starts an unauthenticated stateless STAMP reflector (proto's
 * stamp_reflector) on 127.0.0.1, on a free port written to *port.
 * Returns NULL with one line in err on failure. */
struct conform_selfrefl *conform_selfrefl_start(uint16_t *port, char *err,
                                                size_t errlen);

/* Stops the thread and frees everything. */
void conform_selfrefl_stop(struct conform_selfrefl *s);

#endif
