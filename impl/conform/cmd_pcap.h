/* What `ippm pcap check` (cmd_pcap.c) and `ippm pcap dump`
 * (cmd_pcap_dump.c) share: the capture in memory and the options. Private
 * to impl/conform/. */
#ifndef IPPM_CMD_PCAP_H
#define IPPM_CMD_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/stamp/stamp_pairing.h"
#include "impl/capture/pcap_read.h"
#include "impl/capture/tcp_reasm.h"
#include "impl/conform/conform_cmd.h"

/* Every UDP datagram of the file, in the pairing's form; frame[i] is
 * d[i]'s frame number. The capture owns d[i].data, which it packs in
 * capture order into blocks: a request and its reply sit close together,
 * and a million datagrams are not a million allocations. */
struct capture {
    struct stamp_dgram *d;
    uint64_t *frame;
    size_t n, cap;
    struct ippm_pcap_counts counts;
    uint8_t **block;        /* CAPTURE_BLOCK octets each */
    size_t n_block, block_cap;
    size_t block_used;      /* octets taken in the last block */
    uint8_t *built;         /* d[i]'s frame: CAPTURE_* bits below */
};

/* How a datagram's frame was built (struct capture.built): UDPing's
 * sender makes its own Ethernet frames (cmd_pcap_udping.c). */
#define CAPTURE_ETH_ID0_NODF 0x01u /* Ethernet, IPv4 ID 0, DF clear */
#define CAPTURE_IP_CSUM_OK   0x02u
#define CAPTURE_IP_CSUM_BAD  0x04u
#define CAPTURE_UDP_CSUM_OK  0x08u
#define CAPTURE_UDP_CSUM_BAD 0x10u


/* --seed given at most so many times (RMBT servers try several). */
#define PCAP_SEEDS_MAX 8

enum role_sel { ROLE_REFLECTOR = 1, ROLE_SENDER = 2, ROLE_BOTH = 3 };

/* --protocol: which test packets a capture holds. Auto reads TWAMP-Light
 * (RFC 5357 Appendix I) where a request shorter than STAMP's 44 octets is
 * answered with TWAMP-Light's 41, and none with 44 or more. */
enum pcap_proto { PCAP_PROTO_AUTO = 0, PCAP_PROTO_STAMP, PCAP_PROTO_TWL,
                  PCAP_PROTO_UDPING };

struct check_opts {
    const char *file;
    uint16_t port;          /* 0: detect */
    const char *key_file;
    const char *keys_file;  /* --keys: OWAMP/TWAMP KeyIDs and secrets */
    bool auth;
    enum role_sel roles;
    int stateful;           /* -1 infer */
    uint64_t tol_ns;
    uint8_t expect_tsfmt;   /* 0 either, else 1 + enum ippm_tsfmt */
    const char *only;
    bool strict;
    const char *junit;
    const char *json;
    const char *html;
    const char *manifest;
    bool quiet;
    bool verbose;           /* -v: every n/a reason under its case */
    unsigned path_flags;    /* --path: IPPM_PATH_* declared rewrites */
    bool sender_defaults;   /* --sender-defaults: the sender ran with no
                               port and no timestamp format given */
    uint16_t ssid_set[CONFORM_SSID_SET_MAX]; /* --ssid-set */
    size_t n_ssid_set;
    enum pcap_proto proto;  /* --protocol */
    const char *seed[PCAP_SEEDS_MAX]; /* --seed: RMBT secrets, in order */
    size_t n_seed;
    bool tol_given;         /* --clock-tolerance was given */
};

/* Frees what capture_load took and clears c. */
void capture_free(struct capture *c);

/* Reads every UDP datagram of path, and with tcp (NULL: skipped) every
 * TCP segment into it, in one pass; a read error past the first frame
 * (a truncated file) is a warning. Returns 0, or -1 with err set when the
 * file cannot be opened (not a capture, a cut file header), its first
 * record cannot be read, or its link type is one the reader does not
 * decode and no datagram came out: nothing of it can be read. */
int capture_load(const char *path, struct capture *c,
                 struct ippm_tcp_reasm *tcp, char *err, size_t errcap);

/* The reflector port of the capture (stamp_pairing_detect_port), 0 when
 * nothing looks like an exchange. Returns 0, or -1 when out of memory. */
int capture_port(const struct capture *c, uint16_t *port);

/* Parses argv (argv[0] the subcommand) into o. Returns 0, 1 after --help,
 * or -1 after one line on stderr. */
int parse_opts(int argc, char **argv, const char *prog, struct check_opts *o);

/* ippm pcap dump (argv[0] "dump"): each STAMP datagram as JSON. */
int cmd_pcap_dump(int argc, char **argv);

#endif
