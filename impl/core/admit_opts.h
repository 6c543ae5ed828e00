/* The admission options every ippm server takes (RFC 8762 §6: a server
 * exposed to the Internet protects itself and others), parsed once here
 * and applied by proto/common/ippm_admit.h:
 *
 *   --allow-from PREFIX[,PREFIX..]  answer only these sources
 *   --deny-from PREFIX[,PREFIX..]   never answer these
 *   --rate-limit PPS                per source (IPv4 address, IPv6 /64)
 *   --rate-burst N                  bucket depth (default: PPS, 1 s)
 *   --rate-sources N                sources tracked at once, per worker
 *
 * A server adds IPPM_ADMIT_LONGOPTS(first) to its option table, hands
 * getopt's value to ippm_admit_opt_parse, prints IPPM_ADMIT_USAGE in its
 * --help, and gives each reflector (or worker thread) its own limiter
 * from ippm_admit_ratelimit_new. In a config file the keys are the option
 * names: `deny-from = 192.0.2.0/24, 2001:db8::/32`. */
#ifndef IPPM_ADMIT_OPTS_H
#define IPPM_ADMIT_OPTS_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/common/ippm_admit.h"

#define IPPM_ADMIT_SOURCES_DEFAULT 16384
#define IPPM_ADMIT_SOURCES_MAX (1u << 22)

enum ippm_admit_opt {
    IPPM_ADMIT_OPT_ALLOW,
    IPPM_ADMIT_OPT_DENY,
    IPPM_ADMIT_OPT_RATE,
    IPPM_ADMIT_OPT_BURST,
    IPPM_ADMIT_OPT_SOURCES,
    IPPM_ADMIT_OPT_COUNT_
};

/* The option table's rows; getopt returns first + enum ippm_admit_opt. */
#define IPPM_ADMIT_LONGOPTS(first)                                             \
    {"allow-from", required_argument, NULL, (first) + IPPM_ADMIT_OPT_ALLOW},   \
    {"deny-from", required_argument, NULL, (first) + IPPM_ADMIT_OPT_DENY},     \
    {"rate-limit", required_argument, NULL, (first) + IPPM_ADMIT_OPT_RATE},    \
    {"rate-burst", required_argument, NULL, (first) + IPPM_ADMIT_OPT_BURST},   \
    {"rate-sources", required_argument, NULL,                                  \
     (first) + IPPM_ADMIT_OPT_SOURCES}

#define IPPM_ADMIT_USAGE                                                       \
    "  --allow-from PREFIX[,PREFIX..]\n"                                       \
    "                         answer only sources in these prefixes (CIDR,\n"  \
    "                         IPv4 or IPv6; an address alone is one host)\n"   \
    "  --deny-from PREFIX[,PREFIX..]\n"                                        \
    "                         never answer these; the longest matching\n"     \
    "                         prefix of both lists decides, deny on a tie\n"   \
    "  --rate-limit PPS       answer each source (IPv4 address, IPv6 /64)\n"  \
    "                         at most PPS packets per second (default 0:\n"    \
    "                         no limit; per worker thread)\n"                  \
    "  --rate-burst N         packets a source may send at once (default:\n"   \
    "                         one second's worth, PPS)\n"                      \
    "  --rate-sources N       sources tracked at once (default 16384); the\n"  \
    "                         least recently seen is forgotten for a new one\n"

struct ippm_admit_opts {
    struct ippm_prefix_list prefixes;
    struct ippm_rate rate;  /* pps 0: no limit; burst 0: pps */
    uint64_t sources;       /* 0: IPPM_ADMIT_SOURCES_DEFAULT */
};

/* One option: which is getopt's value less first. Returns 0, or -1 after
 * one line ("--deny-from: '10.0.0.0/33' is not a prefix"). */
int ippm_admit_opt_parse(struct ippm_admit_opts *o, int which,
                         const char *arg);

/* A limiter of o's rate and size, with a random seed, or NULL (and *err
 * 0) when no rate is set; NULL with *err -1 after one line naming prog
 * when memory or randomness fails. Free with ippm_admit_ratelimit_free. */
struct ippm_ratelimit *ippm_admit_ratelimit_new(const struct ippm_admit_opts *o,
                                                const char *prog, int *err);
void ippm_admit_ratelimit_free(struct ippm_ratelimit *l);

/* "  admission: ..." for a shutdown summary, when a rule or a rate is
 * set: the rules, the rate, and the sources tracked and forgotten
 * (summed over workers by the caller). */
void ippm_admit_summary(FILE *f, const struct ippm_admit_opts *o,
                        uint64_t sources, uint64_t forgotten);

#endif
