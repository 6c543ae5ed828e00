/* `ippm udping client`'s command line (udping_client_opts.h). */
#include "impl/udping/udping_client_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "proto/udping/udping.h"

#define PROG "udping client"
#define NS_PER_MS 1000000ull

enum {
    OPT_DURATION = 256,
    OPT_SEED,
    OPT_JSON,
    OPT_LEGACY,
    OPT_SPIN,
};

static const char shortopts[] = "r:p:d:l:s:n:i:m:a:vqh";

static const struct option longopts[] = {
    {"remote", required_argument, NULL, 'r'},
    {"port", required_argument, NULL, 'p'},
    {"delay", required_argument, NULL, 'd'},
    {"local", required_argument, NULL, 'l'},
    {"source-ports", required_argument, NULL, 's'},
    {"num-ports", required_argument, NULL, 'n'},
    {"interval", required_argument, NULL, 'i'},
    {"max-size", required_argument, NULL, 'm'},
    {"next-hop", required_argument, NULL, 'a'},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"count", required_argument, NULL, 'c'},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"seed", required_argument, NULL, OPT_SEED},
    {"json", required_argument, NULL, OPT_JSON},
    {"legacy", no_argument, NULL, OPT_LEGACY},
    {"spin-us", required_argument, NULL, OPT_SPIN},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
    fputs(
        "usage: ippm udping client -r HOST[:PORT] -s PORTS [options]\n"
        "Send a UDPing stream (yahoo/UDPing, protocol version 1): 72-octet\n"
        "headers and zero padding from every source port in turn, with\n"
        "exponential gaps of mean -d over all ports, for a UDPing server to\n"
        "measure one way. Without -a, ordinary UDP sockets (one bound per\n"
        "source port); with -a, raw Ethernet frames to the next hops named\n"
        "(AF_PACKET: root or CAP_NET_RAW; once the socket is open, root\n"
        "becomes nobody and other users drop every capability).\n"
        "  -r, --remote HOST[:PORT]  destination (IPv4 or IPv6); also as\n"
        "                            the only operand\n"
        "  -p, --port PORT           destination port, unless in -r\n"
        "  -s, --source-ports PORTS  5000, 5000-5009, 5000,5005, mixed;\n"
        "                            1024-60000, duplicates kept, at most 5000\n"
        "  -n, --num-ports N         with a single -s port P: P..P+N-1\n"
        "  -d, --delay MS            mean gap between packets, all ports\n"
        "                            together (1us-1000ms; bare number: ms;\n"
        "                            default 10)\n"
        "  -i, --interval S          a new guid per port every S seconds,\n"
        "                            aligned to the epoch (1-900; default 60)\n"
        "  -m, --max-size N          sizes drawn below N, at least 72\n"
        "                            (1-2000; default 72)\n"
        "  -l, --local ADDR          source address; with -a it chooses the\n"
        "                            interface, its MAC and index\n"
        "  -a, --next-hop MAC[,MAC..]  raw frames to these next hops, round\n"
        "                            robin per port\n"
        "  -c, --count N             stop after N packets\n"
        "      --duration D          stop after D (10s, 5m, 1h; bare: s)\n"
        "      --seed N              seed of guids, gaps and sizes\n"
        "      --legacy              the 2017 format, with per-interval\n"
        "                            control packets\n"
        "      --json FILE           the run's counters as JSON\n"
        "      --spin-us N           wake N us before each deadline and spin\n"
        "                            on the clock to it (0-1000; default 0:\n"
        "                            sleep only, late by the kernel's wakeup)\n"
        "  -v, --verbose             each port as added, and each packet\n"
        "  -q, --quiet               no banner and no summary\n"
        "Short options: -r -p -s -n -d -i -m -l -a -v -q as the original's,\n"
        "  -c --count, -h --help, -V --version\n"
        "Runs until SIGINT or SIGTERM unless --count or --duration ends it.\n"
        "Exit status: 0 when every packet was sent, 1 when the kernel\n"
        "refused some, 2 on a bad command line, 3 when it could not run (no\n"
        "such interface, no permission for raw frames, a port taken).\n",
        f);
}

/* One port of a descriptor: digits only, in the original's range. */
static int desc_port(const char *opt, const char *desc, const char *s,
                     size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0 || len > 5 || strspn(s, "0123456789") < len) {
        ippm_cli_error("%s: '%s' is not a port list (P, A-B, P,A-B,...)",
                       opt, desc);
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (uint64_t)(s[i] - '0');
    if (v < UDPING_PORT_MIN || v > UDPING_PORT_MAX) {
        ippm_cli_error("%s: port %.*s in '%s' is out of range (%u-%u)", opt,
                       (int)len, s, desc, UDPING_PORT_MIN, UDPING_PORT_MAX);
        return -1;
    }
    *out = v;
    return 0;
}

/* One item of a descriptor, "P" or "A-B", into lo..hi. */
static int desc_item(const char *opt, const char *desc, const char *s,
                     size_t len, uint64_t *lo, uint64_t *hi)
{
    const char *dash = memchr(s, '-', len);
    if (!dash) {
        if (desc_port(opt, desc, s, len, lo))
            return -1;
        *hi = *lo;
        return 0;
    }
    size_t a = (size_t)(dash - s);
    if (desc_port(opt, desc, s, a, lo) ||
        desc_port(opt, desc, dash + 1, len - a - 1, hi))
        return -1;
    if (*lo > *hi) {
        ippm_cli_error("%s: range %.*s in '%s' runs backwards", opt, (int)len,
                       s, desc);
        return -1;
    }
    return 0;
}

static int too_many(const char *opt, const char *desc)
{
    ippm_cli_error("%s: '%s' makes more than %d ports", opt, desc,
                   UDPING_MAX_PORTS);
    return -1;
}

/* see udping_client_opts.h */
int udping_ports_parse(const char *opt, const char *desc, uint64_t n,
                       uint16_t *out, size_t *n_out)
{
    if (desc[0] == '\0' || strspn(desc, "0123456789,-") != strlen(desc)) {
        ippm_cli_error("%s: '%s' is not a port list (P, A-B, P,A-B,...: "
                       "digits, ',' and '-' only)",
                       opt, desc);
        return -1;
    }
    size_t k = 0;
    const char *s = desc;
    for (;;) {
        size_t len = strcspn(s, ",");
        uint64_t lo, hi;
        if (desc_item(opt, desc, s, len, &lo, &hi))
            return -1;
        if (n > 0) {
            /* -n: a single port P stands for P..P+n-1 (notes §7). */
            if (s != desc || s[len] != '\0' || lo != hi) {
                ippm_cli_error("%s: --num-ports goes with a single port, not "
                               "'%s'",
                               opt, desc);
                return -1;
            }
            if (lo + n - 1 > UDPING_PORT_MAX) {
                ippm_cli_error("%s: %s and --num-ports %llu run past port %u",
                               opt, desc, (unsigned long long)n,
                               UDPING_PORT_MAX);
                return -1;
            }
            hi = lo + n - 1;
        }
        if (hi - lo + 1 > UDPING_MAX_PORTS - k)
            return too_many(opt, desc);
        for (uint64_t p = lo; p <= hi; p++)
            out[k++] = (uint16_t)p;
        if (s[len] == '\0')
            break;
        s += len + 1;
    }
    *n_out = k;
    return 0;
}

/* -d: the mean gap. A bare number is milliseconds, as the original's;
 * a unit may be given (500us). 0 would send without a pause, and the
 * original's gap is then NaN (notes §4): refused. */
static int parse_delay(const char *opt, const char *s, double *ms)
{
    char *end;
    double v = strtod(s, &end);
    uint64_t ns;
    if (end != s && *end == '\0' && v == v) {
        ns = v >= 0 && v <= 1000 ? (uint64_t)(v * 1e6 + 0.5) : UINT64_MAX;
    } else if (ippm_cli_duration(opt, s, 1000, 1000 * NS_PER_MS, false,
                                 &ns)) {
        return -1;
    }
    if (ns == 0 || ns == UINT64_MAX || ns > 1000 * NS_PER_MS) {
        ippm_cli_error("%s: '%s' is not a mean gap (1us-1000ms; a bare "
                       "number is ms%s)",
                       opt, s, ns == 0 ? ", and 0 would never pause" : "");
        return -1;
    }
    *ms = (double)ns / 1e6;
    return 0;
}

static int parse_macs(const char *opt, const char *s,
                      struct udping_client_opts *o)
{
    const char *p = s;
    o->n_macs = 0;
    for (;;) {
        size_t len = strcspn(p, ",");
        char one[32];
        if (o->n_macs == UDPING_MAX_MACS) {
            ippm_cli_error("%s: more than %d next hops", opt,
                           UDPING_MAX_MACS);
            return -1;
        }
        if (len >= sizeof one ||
            (memcpy(one, p, len), one[len] = '\0',
             udping_mac_parse(one, o->macs[o->n_macs]))) {
            ippm_cli_error("%s: '%.*s' is not a MAC address "
                           "(aa:bb:cc:dd:ee:ff)",
                           opt, (int)len, p);
            return -1;
        }
        o->n_macs++;
        if (p[len] == '\0')
            return 0;
        p += len + 1;
    }
}

/* The values as given, checked one by one as they come. */
struct raw_args {
    const char *remote, *local, *ports;
    uint16_t port;
    uint64_t n_ports;
};

static int take(struct udping_client_opts *o, struct raw_args *a, int c)
{
    uint64_t ns, v;
    switch (c) {
    case 'r': a->remote = optarg; return 0;
    case 'l': a->local = optarg; return 0;
    case 's': a->ports = optarg; return 0;
    case 'p': return ippm_cli_port("--port", optarg, &a->port);
    case 'n':
        return ippm_cli_uint("--num-ports", optarg, 1, UDPING_MAX_PORTS,
                             "a number of ports", &a->n_ports);
    case 'd': return parse_delay("--delay", optarg, &o->delay_ms);
    case 'i':
        if (ippm_cli_seconds("--interval", optarg, 1, 900, &ns))
            return -1;
        if (ns % IPPM_NS_PER_SEC) {
            ippm_cli_error("--interval: '%s' is not a whole number of "
                           "seconds (1-900)",
                           optarg);
            return -1;
        }
        o->interval_s = (uint32_t)(ns / IPPM_NS_PER_SEC);
        return 0;
    case 'm':
        return ippm_cli_u32("--max-size", optarg, 1, 2000, "a packet size",
                            &o->max_size);
    case 'a': return parse_macs("--next-hop", optarg, o);
    case 'v': o->verbose = true; return 0;
    case 'q': o->quiet = true; return 0;
    case 'c':
        return ippm_cli_uint("--count", optarg, 1, UINT64_MAX, "a count",
                             &o->count);
    case OPT_DURATION:
        return ippm_cli_duration("--duration", optarg, NS_PER_MS,
                                 366 * 24 * 3600 * IPPM_NS_PER_SEC, true,
                                 &o->duration_ns);
    case OPT_SEED:
        o->have_seed = true;
        return ippm_cli_uint("--seed", optarg, 0, UINT64_MAX, "a seed",
                             &o->seed);
    case OPT_JSON: o->json = optarg; return 0;
    case OPT_LEGACY: o->legacy = true; return 0;
    case OPT_SPIN:
        if (ippm_cli_uint("--spin-us", optarg, 0, 1000, "a time in us", &v))
            return -1;
        o->spin_ns = v * 1000;
        return 0;
    default: return -1; /* '?': ippm_cli_next printed the line */
    }
}

/* Whatever needs several options at once, then the names: resolving
 * comes last, as it is the only check that depends on the network. */
static int finish(struct udping_client_opts *o, const struct raw_args *a)
{
    if (!a->remote) {
        ippm_cli_error("%s: missing -r HOST[:PORT] (--remote), the "
                       "destination",
                       PROG);
        return IPPM_EXIT_USAGE;
    }
    if (!a->ports) {
        ippm_cli_error("%s: missing -s PORTS (--source-ports), the source "
                       "ports (5000, 5000-5009, 5000,5005)",
                       PROG);
        return IPPM_EXIT_USAGE;
    }
    if (udping_ports_parse("--source-ports", a->ports, a->n_ports, o->ports,
                           &o->n_ports))
        return IPPM_EXIT_USAGE;
    if (o->n_macs && !a->local) {
        ippm_cli_error("%s: -a (raw frames) needs -l, the local address "
                       "that chooses the interface",
                       PROG);
        return IPPM_EXIT_USAGE;
    }
    struct ippm_cli_output out = {"--json", o->json};
    if (ippm_cli_outputs(&out, 1))
        return IPPM_EXIT_USAGE;
    int rc;
    if (a->local) {
        o->local_text = a->local;
        if ((rc = ippm_cli_addr("--local", a->local, 0, 1, &o->local)))
            return rc;
        o->local.port = 0;
    }
    o->remote_text = a->remote;
    if ((rc = ippm_cli_addr("--remote", a->remote, a->port, 0, &o->remote)))
        return rc;
    if (o->local.family != IPPM_AF_NONE &&
        o->local.family != o->remote.family) {
        ippm_cli_error("%s: -r '%s' and -l '%s' are not of one family "
                       "(IPv4 or IPv6)",
                       PROG, a->remote, a->local);
        return IPPM_EXIT_USAGE;
    }
    return -1;
}

/* see udping_client_opts.h */
int udping_client_opts_parse(struct udping_client_opts *o, int argc,
                             char **argv)
{
    memset(o, 0, sizeof(*o));
    o->delay_ms = 10;  /* 100 a second, the original README's "typical" */
    o->interval_s = 60;
    o->max_size = UDPING_HDR_LEN; /* every packet the header alone */
    struct raw_args a = {0};
    int c, first = 1;
    while ((c = ippm_cli_next(argc, argv, shortopts, longopts, PROG,
                              first)) != -1) {
        first = 0;
        if (c == 'h') {
            usage(stdout);
            o->help = true;
            return IPPM_EXIT_OK;
        }
        if (take(o, &a, c))
            return IPPM_EXIT_USAGE;
    }
    if (optind < argc && !a.remote && optind + 1 == argc)
        a.remote = argv[optind++]; /* ippm's way: the peer as operand */
    if (optind < argc) {
        ippm_cli_error("%s: unexpected argument '%s' (see --help)", PROG,
                       argv[optind]);
        return IPPM_EXIT_USAGE;
    }
    o->ports = calloc(UDPING_MAX_PORTS, sizeof(*o->ports));
    if (!o->ports) {
        ippm_cli_error("%s: out of memory", PROG);
        return IPPM_EXIT_RUNTIME;
    }
    return finish(o, &a);
}

/* see udping_client_opts.h */
void udping_client_opts_free(struct udping_client_opts *o)
{
    free(o->ports);
    o->ports = NULL;
}
