/* `ippm relay`: a UDP relay between a sender and its peer that applies
 * seeded, reproducible impairments (proto/netem) per direction.
 * cmd_relay.c parses the command line into struct relay_opts; relay.c
 * runs the relay and writes the truth file. */
#ifndef IPPM_RELAY_DRIVER_H
#define IPPM_RELAY_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/common/ippm_addr.h"
#include "proto/netem/netem.h"

#define RELAY_FLOWS_MAX 1024     /* --flows at most */

enum relay_proto { RELAY_PROTO_NONE = 0, RELAY_PROTO_STAMP,
                   RELAY_PROTO_TWAMP_LIGHT /* RFC 5357 §4.1.2, §4.2.1 */ };

struct relay_opts {
    struct ippm_addr listen;     /* port included */
    struct ippm_addr to;
    struct netem_config cfg;
    const char *truth;           /* NULL: no truth file */
    enum relay_proto proto;
    bool auth;                   /* STAMP authenticated offsets */
    uint32_t pool;               /* packet slots */
    uint32_t max_size;           /* largest datagram relayed */
    uint32_t flows;              /* client flows at most */
    uint64_t flow_idle_ns;       /* a flow may be evicted after this idle */
    uint64_t spin_ns;            /* spin this long before a release */
    uint64_t duration_ns;        /* 0: until SIGINT / SIGTERM */
    bool quiet;
};

/* ippm relay --listen ADDR:PORT --to ADDR:PORT [impairments] ...
 * argv[0] is "relay". Returns an enum ippm_exit status.
 * main.c: {"relay", cmd_relay, "deterministic impairment relay"}. */
int cmd_relay(int argc, char **argv);

/* Runs the relay until a stop signal or o->duration_ns, then writes the
 * truth file and prints per-direction counts on stderr. Returns an enum
 * ippm_exit status. */
int relay_run(const struct relay_opts *o);

#endif
