/* ippm pcap check on RMBT UDP ping captures (cmd_pcap_rmbt.c), called by
 * cmd_pcap.c when the capture holds RP01 requests or RR01/RE01 replies.
 * Private to impl/conform/. */
#ifndef IPPM_CMD_PCAP_RMBT_H
#define IPPM_CMD_PCAP_RMBT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "conformance/ippm_conform.h"
#include "conformance/stamp/stamp_flows.h"
#include "conformance/stamp/stamp_pairing.h"
#include "impl/conform/cmd_pcap.h"

/* What the check hands cmd_pcap.c's reports, malloc'd: cmd_pcap.c's
 * check_run frees res, flows, flow_rows and ex as its own. */
struct rmbt_pcap_out {
    struct ippm_case_result *res;
    size_t n_res;
    struct stamp_flow_group *flows;
    size_t n_flows;
    size_t *flow_rows; /* flow i's rows start at [i], end at [i + 1] */
    struct ippm_exchange *ex;
    size_t n_ex;
    struct stamp_pairing_counts k;
    size_t servers;    /* server addresses found */
    size_t in_flight;
    bool keyed;        /* --seed given */
};

/* True when c holds an RMBT datagram and o lets it be read as one
 * (--protocol auto). */
bool rmbt_pcap_found(const struct check_opts *o, const struct capture *c);

/* Pairs c's RMBT exchanges, grades each flow in the roles o asks for
 * with o's --seed secrets, into out. Returns 0, or an IPPM_EXIT_ status
 * after one line on stderr. */
int rmbt_pcap_run(const struct check_opts *o, const struct capture *c,
                  struct rmbt_pcap_out *out);

/* The capture's RMBT traffic in two lines, for the text report. */
void rmbt_pcap_summary(FILE *f, const struct capture *c,
                       const struct rmbt_pcap_out *out);

/* True, after one line on stderr, when out graded nothing. */
bool rmbt_pcap_nothing_graded(const struct rmbt_pcap_out *out);

#endif
