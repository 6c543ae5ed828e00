/* ippm pcap check on OWAMP/TWAMP control captures (cmd_pcap_owtw.c),
 * called by cmd_pcap.c before its STAMP pairing. Private to
 * impl/conform/. */
#ifndef IPPM_CMD_PCAP_OWTW_H
#define IPPM_CMD_PCAP_OWTW_H

#include <stddef.h>
#include <stdio.h>

#include "conformance/ippm_conform.h"
#include "impl/conform/cmd_pcap.h"

struct owtw_pcap;

/* Reads o->file's TCP connections and cuts each OWAMP/TWAMP control
 * connection (decrypted with o->keys_file). *out is set even on failure
 * (free it). Returns 0, or an IPPM_EXIT_ status after one line on
 * stderr. */
int owtw_pcap_load(const struct check_opts *o, struct owtw_pcap **out);

/* Control connections found; 0: none (the capture is STAMP's). */
size_t owtw_pcap_connections(const struct owtw_pcap *p);

/* Runs the OWAMP and TWAMP cases of the roles o asks for into res (cap
 * entries); returns how many. */
size_t owtw_pcap_grade(const struct owtw_pcap *p, const struct check_opts *o,
                       struct ippm_case_result *res, size_t cap);

/* The capture's connections, one line each. */
void owtw_pcap_summary(FILE *f, const struct owtw_pcap *p);

void owtw_pcap_free(struct owtw_pcap *p);

#endif
