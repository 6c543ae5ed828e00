/* What `ippm udping server` writes for a finished session, in the
 * original's formats (../shared/notes/udping.md §6): a JSON line with
 * every value a string, a plain statsd datagram (6 significant digits,
 * host-level names) and a tagged one, the -v per-packet line, and the
 * host names in them (reverse DNS cached per address, '.' as '_').
 *
 * Each formatter writes a NUL-terminated text into buf and returns its
 * length, or -1 when it does not fit cap (buf then holds nothing
 * usable). */
#ifndef UDPING_OUT_H
#define UDPING_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/common/ippm_addr.h"
#include "proto/udping/udping.h"

#define UDPING_HOST_MAX 256 /* NI_MAXHOST plus room */

/* The four names every report carries: from_host and to_host as the
 * original writes them ('.' already '_'), the ports as decimal text. */
struct udping_names {
    char from_host[UDPING_HOST_MAX];
    char from_port[8];
    char to_host[UDPING_HOST_MAX];
    char to_port[8];
};

/* Every '.' of s becomes '_' (notes §6: "127_0_0_1"). */
void udping_host_underscore(char *s);

/* The JSON line, without its newline:
 * {"from_host":"localhost","from_port":"5002",...,"max":"0.126528"}
 * keys in the original's order, floats as %lf, every value a string;
 * host names escaped for JSON (a PTR record is anybody's text). */
int udping_fmt_json(char *buf, size_t cap, const struct udping_names *n,
                    const struct udping_report *r);

/* Which names a statsd datagram carries. The original (HEAD) writes
 * host:port level only; its README also promises host-level metrics,
 * which no version of its code wrote: --statsd-level host gives them
 * (statsd adds the counters of every port of a host; max is a gauge). */
enum udping_level {
    UDPING_LEVEL_PORT, /* <from_host>.<from_port>.<to_host>.<to_port>. */
    UDPING_LEVEL_HOST  /* <from_host>.<to_host>. */
};

/* The plain statsd datagram: five lines
 * <from_host>.<from_port>.<to_host>.<to_port>.<metric>:<value>|<type>\n
 * for count|c, targetCount|c, sum|c, sos|c and max|g, reals with six
 * significant digits (C++ ostream's default). Characters statsd gives a
 * meaning (':' of an IPv6 address, '|', ',', '=', '@', '#', white
 * space) become '_' in the names, which the original (IPv4 only) never
 * met. */
int udping_fmt_statsd(char *buf, size_t cap, const struct udping_names *n,
                      const struct udping_report *r, enum udping_level lv);

/* The tagged datagram: five lines
 * <prefix>.<metric>,from_host=H,from_port=P,to_host=H,to_port=P:<v>|<t>\n
 * (prefix: -m, "udping" by default); host level without the two port
 * tags. */
int udping_fmt_statsd_tagged(char *buf, size_t cap, const char *prefix,
                             const struct udping_names *n,
                             const struct udping_report *r,
                             enum udping_level lv);

/* The -v line, without its newline:
 * <guid>:<clientStartTime>:<seq> - <sent sec>:<sent nsec> */
int udping_fmt_verbose(char *buf, size_t cap, const struct udping_hdr *h);

/* ---- host names ---- */

#define UDPING_DNS_CACHE 256

struct udping_dns_entry {
    bool used;
    struct ippm_addr addr; /* port ignored */
    char name[UDPING_HOST_MAX];
    uint64_t last_use;
};

/* Reverse DNS names by address, looked up once each (the original's
 * cache per IP; bounded here: the least recently used entry goes when
 * it is full). numeric: never ask DNS (--numeric). */
struct udping_dns_cache {
    bool numeric;
    uint64_t clock; /* use counter for LRU */
    uint64_t lookups, hits;
    struct udping_dns_entry e[UDPING_DNS_CACHE];
};

void udping_dns_init(struct udping_dns_cache *c, bool numeric);

/* a's name as the original reports it: its reverse DNS name, or its
 * numeric form when there is none (or numeric is set), '.' as '_'.
 * Returns a string valid until the next call. */
const char *udping_dns_name(struct udping_dns_cache *c,
                            const struct ippm_addr *a);

/* to_host: the reverse name of host when it is an address literal that
 * has one (and not numeric), else host as given; '.' as '_'. */
void udping_to_host(const char *host, bool numeric, char *out, size_t cap);

#endif
