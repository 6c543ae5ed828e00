/* ippm conform twamp-server / owamp-server: drives somebody's OWAMP or
 * TWAMP server black-box as a Control-Client (proto/owtw's client
 * machine, and hand-made messages where the probe misbehaves on
 * purpose), records each connection's two streams with their times, and
 * cuts them as pcap check cuts a capture (owtw_ctl_conn_cut), so the same
 * cases grade both. Private to impl/conform. */
#ifndef IPPM_CONFORM_OWTW_H
#define IPPM_CONFORM_OWTW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"
#include "conformance/owtw/owtw_obs.h"
#include "impl/conform/cmd_pcap_owtw.h"

#define OWTW_PROBES_MAX 16

struct owtw_probe_opts {
    struct ippm_addr target;
    enum owtw_proto proto;
    /* The security mode wanted (OWTW_MODE_OPEN, _AUTH, _ENCRYPTED,
     * _MIXED); 0: the strongest the server offers that the keys allow. */
    uint32_t mode;
    const struct owtw_keyring *keys;   /* A/E: the first key is used */
    const struct ippm_crypto *crypto;
    uint64_t wait_ns;                  /* an answer's wait, and a close's */
};

/* What a run observed; owns every buffer the obs points into. */
struct owtw_probe_run {
    struct ippm_tcp_conn tcp[OWTW_PROBES_MAX];
    struct owtw_ctl_conn cn[OWTW_PROBES_MAX];
    struct ippm_transcript t[OWTW_PROBES_MAX];
    const char *probe[OWTW_PROBES_MAX]; /* what each connection tried */
    size_t n;
    uint32_t offered;                   /* the first greeting's Modes */
    struct owtw_obs_ext ext;
    struct ippm_obs obs;
};

/* Runs every probe against o->target and fills run->obs (role
 * reflector, protocol "owamp" or "twamp"). run must be zeroed; free it
 * with conform_owtw_run_free. Returns 0, or -1 with one line in err when
 * not even the first connection could be made. */
int conform_owtw_probe(const struct owtw_probe_opts *o,
                       struct owtw_probe_run *run, char *err, size_t errlen);

void conform_owtw_run_free(struct owtw_probe_run *run);

#endif
