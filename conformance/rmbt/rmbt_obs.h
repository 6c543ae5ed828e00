/* What an RMBT UDP ping observation adds to struct ippm_obs: the secrets
 * the graded server holds (--seed), so the checks can tell a valid
 * request from one with a wrong key or a token for another address
 * (../shared/notes/rmbt-udp-ping.md §4). */
#ifndef IPPM_RMBT_OBS_H
#define IPPM_RMBT_OBS_H

#include <stddef.h>

#include "conformance/ippm_conform.h"
#include "proto/rmbt/rmbt.h"

/* The name of struct rmbt_obs in the obs->ext chain. */
#define RMBT_OBS_EXT "rmbt"

/* Live probes of `ippm conform rmbt-server` (struct ippm_exchange.probe):
 * one bit per row of the notes' §4 table. The checks never branch on them
 * (they classify each request by what the server's rules decide on it),
 * so a capture grades the same. */
#define IPPM_PROBE_RMBT_VALID  (1u << 0) /* valid, times inside the window */
#define IPPM_PROBE_RMBT_IP     (1u << 1) /* token for another address */
#define IPPM_PROBE_RMBT_KEY    (1u << 2) /* wrong packet_hash */
#define IPPM_PROBE_RMBT_SHAPE  (1u << 3) /* magic RP02, 23 and 25 octets */
#define IPPM_PROBE_RMBT_EDGES  (1u << 4) /* t = now-14400, now+30 and past */
#define IPPM_PROBE_RMBT_FAR    (1u << 5) /* now-4h-10s, now+40, all zero */

struct rmbt_obs {
    struct ippm_obs_ext ext; /* name RMBT_OBS_EXT */
    /* The server's secrets in the order it tries them; n_secrets 0:
     * unknown, and the cases that need the key are n/a. */
    const struct ippm_hmac_key *secrets;
    size_t n_secrets;
};

/* obs's secrets as proto/rmbt's server takes them: the extension's, else
 * obs->key when keyed; false when none is known. */
bool rmbt_obs_server(const struct ippm_obs *obs, struct rmbt_server *srv);

#endif
