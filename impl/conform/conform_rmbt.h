/* `ippm conform rmbt-server`: the live prober of an RMBT UDP ping server
 * (conform_rmbt.c). Every row of the notes' §4 table is sent once, with
 * times taken from our clock as each probe leaves, the replies collected
 * and paired as a capture would be (conformance/rmbt/rmbt_pairing.h).
 * Private to impl/conform. */
#ifndef IPPM_CONFORM_RMBT_H
#define IPPM_CONFORM_RMBT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conformance/ippm_conform.h"
#include "conformance/rmbt/rmbt_obs.h"
#include "conformance/stamp/stamp_flows.h"
#include "conformance/stamp/stamp_pairing.h"
#include "impl/conform/conform_cmd.h"

/* Datagrams one run keeps, sent and received: a server answering more
 * than this is already failing the amplification case. */
#define RMBT_PROBE_DGRAMS 256
#define RMBT_PROBE_BUF    64 /* octets kept of each (the probes are 25);
                              * a longer reply is kept as 64, enough to
                              * fail the 8-octet and amplification rows */

struct rmbt_probe_opts {
    struct ippm_addr target;
    const struct ippm_hmac_key *secret; /* keyed with the server's secret */
    /* Our address as the server sees it (--ip), for the IP hash; family
     * NONE: the local address of the route to target. */
    struct ippm_addr ip;
    uint64_t wait_ns; /* for replies after the last probe */
};

struct rmbt_probe_run {
    struct stamp_dgram d[RMBT_PROBE_DGRAMS];
    uint8_t buf[RMBT_PROBE_DGRAMS][RMBT_PROBE_BUF];
    size_t n_d;
    size_t sent;                       /* probes sent */
    uint64_t dropped;                  /* received past RMBT_PROBE_DGRAMS */
    struct ippm_exchange ex[2 * RMBT_PROBE_DGRAMS];
    struct stamp_flow_group flows[RMBT_PROBE_DGRAMS];
    struct ippm_addr servers[RMBT_PROBE_DGRAMS];
    size_t n_ex, n_flows;
    struct stamp_pairing_counts k;
    struct rmbt_obs ext;
    struct ippm_obs obs;               /* the run, ready to grade */
};

/* Sends every probe to po->target and collects the replies into run (its
 * obs ready to grade). Returns 0, or -1 with the reason in err. */
int conform_rmbt_probe(const struct rmbt_probe_opts *po,
                       struct rmbt_probe_run *run, char *err, size_t errcap);

/* ippm conform rmbt-server: probes target with the secret seed (--ip
 * ip_text, NULL: none), grades and reports. shown is the target as
 * given. Returns the exit status. */
int conform_rmbt_server(const struct conform_opts *o,
                        const struct ippm_addr *target, const char *seed,
                        const char *ip_text, const char *shown);

/* ippm's own RMBT server (`ippm rmbt server`) started as a child on a
 * free loopback port with a fresh secret, probed; then ippm's own client
 * (conform_rmbt_self_client); both roles' results into *res (*n cases,
 * malloc'd). Returns the exit status. */
int conform_rmbt_self(const struct conform_opts *o,
                      const struct ippm_crypto *crypto,
                      struct ippm_case_result **res, size_t *n);

/* ippm's own client (`ippm rmbt ping --seed seed`), run as a child
 * against a server answering here by the notes' rules with secret (seed's
 * key), graded as a sender (conform_rmbt_client.c); results into *res
 * (*n cases, calloc'd). Returns the exit status. */
int conform_rmbt_self_client(const struct conform_opts *o, const char *seed,
                             const struct ippm_hmac_key *secret,
                             struct ippm_case_result **res, size_t *n);


#endif
