/* `ippm udping client`'s command line (notes §7): the original's options
 * with their ranges, their long forms and ippm's conventions, parsed and
 * checked whole before any socket is opened. */
#ifndef UDPING_CLIENT_OPTS_H
#define UDPING_CLIENT_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "impl/udping/udping_frame.h"
#include "proto/common/ippm_addr.h"

#define UDPING_MAX_PORTS 5000  /* -s / -n, as the original */
#define UDPING_PORT_MIN  1024  /* source ports, as the original */
#define UDPING_PORT_MAX  60000

struct udping_client_opts {
    struct ippm_addr remote;      /* -r HOST[:PORT] with -p */
    const char *remote_text;      /* as given */
    struct ippm_addr local;       /* -l; family NONE: not given */
    const char *local_text;
    uint16_t *ports;              /* -s / -n, in the order given */
    size_t n_ports;
    double delay_ms;              /* -d: mean gap over all ports */
    uint32_t interval_s;          /* -i: guid rollover */
    uint32_t max_size;            /* -m */
    uint8_t macs[UDPING_MAX_MACS][UDPING_MAC_LEN]; /* -a */
    size_t n_macs;                /* 0: plain UDP sockets */
    bool verbose, quiet, legacy;
    uint64_t count;               /* --count, 0: no limit */
    uint64_t duration_ns;         /* --duration, 0: no limit */
    uint64_t spin_ns;             /* --spin-us: spin this long before a
                                   * deadline instead of sleeping (0) */
    bool have_seed;
    uint64_t seed;                /* --seed */
    const char *json;             /* --json FILE */
    bool help;
};

/* Parses argv (argv[0] "client"). Returns -1 to go on (o filled; free
 * o->ports with udping_client_opts_free), IPPM_EXIT_OK after --help, or
 * IPPM_EXIT_USAGE / IPPM_EXIT_RUNTIME after one line on stderr (a name
 * that does not resolve is RUNTIME, as everywhere). */
int udping_client_opts_parse(struct udping_client_opts *o, int argc,
                             char **argv);

void udping_client_opts_free(struct udping_client_opts *o);

/* The original's source-port descriptor (notes §7): a comma list of P
 * or A-B, digits, ',' and '-' only, each port in [UDPING_PORT_MIN,
 * UDPING_PORT_MAX], A <= B, duplicates kept, at most UDPING_MAX_PORTS
 * in all; with n (> 0, -n) a single port P means P..P+n-1. Fills out
 * (cap UDPING_MAX_PORTS) and *n_out. Returns 0, or -1 after one line
 * naming opt. */
int udping_ports_parse(const char *opt, const char *desc, uint64_t n,
                       uint16_t *out, size_t *n_out);

#endif
