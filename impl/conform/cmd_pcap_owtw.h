/* ippm pcap check on OWAMP/TWAMP control captures (cmd_pcap_owtw.c),
 * called by cmd_pcap.c before its STAMP pairing. Private to
 * impl/conform/. */
#ifndef IPPM_CMD_PCAP_OWTW_H
#define IPPM_CMD_PCAP_OWTW_H

#include <stddef.h>
#include <stdio.h>

#include "conformance/ippm_conform.h"
#include "conformance/owtw/owtw_cut.h"
#include "impl/capture/tcp_reasm.h"
#include "impl/conform/cmd_pcap.h"
#include "impl/conform/owtw_keys.h"

struct owtw_pcap;

/* One control connection cut into its messages. */
struct owtw_ctl_conn {
    const struct ippm_tcp_conn *tcp;
    struct owtw_cut_out cut; /* owns cut.msg and cut.plain */
    int proto;               /* enum owtw_proto */
};

/* Cuts c (proto -1: from its first command) into cn, decrypting with
 * keys (NULL: none) through crypto. 0, or -1 when out of memory (cn then
 * still to be freed). The pcap check and the live prober share it. */
int owtw_ctl_conn_cut(const struct ippm_tcp_conn *c, int proto,
                  const struct owtw_keyring *keys,
                  const struct ippm_crypto *crypto, struct owtw_ctl_conn *cn);

/* cn as the catalogue reads it (views into cn and its tcp). */
void owtw_ctl_conn_transcript(const struct owtw_ctl_conn *cn,
                          struct ippm_transcript *t);

void owtw_ctl_conn_free(struct owtw_ctl_conn *cn);

/* Takes the TCP segments capture_load read from o->file (tcp is left
 * empty; frames: the file's count) and cuts each OWAMP/TWAMP control
 * connection (decrypted with o->keys_file). *out is set even on failure
 * (free it); tcp is freed on failure too. Returns 0, or an IPPM_EXIT_ status after one line on
 * stderr. */
int owtw_pcap_load(const struct check_opts *o, struct ippm_tcp_reasm *tcp,
                   uint64_t frames, struct owtw_pcap **out);

/* Control connections found; 0: none (the capture is STAMP's). */
size_t owtw_pcap_connections(const struct owtw_pcap *p);

/* The OWAMP-Test packets of every mode-O OWAMP session in cap (the
 * capture's datagrams: the server's send sessions by their source port,
 * the client's by their destination), for the OWAMP-Test cases. 0, or -1
 * when out of memory. The datagrams stay cap's. */
int owtw_pcap_owamp_tests(struct owtw_pcap *p, const struct capture *cap);

/* The reflector port of the first TWAMP session set up in open mode,
 * whose test packets the TWAMP-Test cases can read (TWAMP-Light's
 * layouts); 0 none. Modes A and E are not followed yet. */
uint16_t owtw_pcap_open_test_port(const struct owtw_pcap *p);

/* A session's test packets, paired (cmd_pcap.c), and their layouts. */
struct owtw_pcap_test {
    const struct ippm_exchange *ex;
    size_t n_ex;
    uint64_t unmatched;
    const struct ippm_obs_ext *layouts; /* struct stamp_obs_pkt */
};

/* Runs the OWAMP and TWAMP cases of the roles o asks for into res (cap
 * entries), the TWAMP ones over test's packets too (NULL: none); returns
 * how many. */
size_t owtw_pcap_grade(const struct owtw_pcap *p, const struct check_opts *o,
                       const struct owtw_pcap_test *test,
                       struct ippm_case_result *res, size_t cap);

/* The capture's connections, one line each. */
void owtw_pcap_summary(FILE *f, const struct owtw_pcap *p);

void owtw_pcap_free(struct owtw_pcap *p);

#endif
