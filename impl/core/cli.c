#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "impl/commands.h"
#include "impl/core/atomic_file.h"
#include "impl/core/net.h"
#include "impl/core/zone.h"

/* see cli.h */
void ippm_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ippm: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* see cli.h */
int ippm_cli_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Strict decimal: digits only (strtoull alone accepts " 12", "-1", "12x"). */
static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

/* see cli.h */
int ippm_cli_uint(const char *opt, const char *s, uint64_t min, uint64_t max,
                  const char *what, uint64_t *out)
{
    uint64_t v;
    if (parse_u64(s, &v) != 0 || v < min || v > max) {
        ippm_cli_error("%s: '%s' is not %s (%llu-%llu)", opt, s, what,
                       (unsigned long long)min, (unsigned long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

/* see cli.h */
int ippm_cli_u32(const char *opt, const char *s, uint32_t min, uint32_t max,
                 const char *what, uint32_t *out)
{
    uint64_t v;
    if (ippm_cli_uint(opt, s, min, max, what, &v) != 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* see cli.h */
int ippm_cli_u16(const char *opt, const char *s, uint16_t min, uint16_t max,
                 const char *what, uint16_t *out)
{
    uint32_t v;
    if (ippm_cli_u32(opt, s, min, max, what, &v) != 0)
        return -1;
    *out = (uint16_t)v;
    return 0;
}

/* see cli.h */
int ippm_cli_u16_list(const char *opt, const char *s, uint16_t min,
                      uint16_t max, const char *what, uint16_t *out,
                      size_t cap, size_t *n)
{
    *n = 0;
    for (const char *p = s;;) {
        size_t len = strcspn(p, ",");
        char word[8];
        if (*n == cap) {
            ippm_cli_error("%s: more than %zu values", opt, cap);
            return -1;
        }
        if (len >= sizeof word) {
            ippm_cli_error("%s: '%.*s' is not %s", opt, (int)len, p, what);
            return -1;
        }
        memcpy(word, p, len);
        word[len] = '\0';
        if (ippm_cli_u16(opt, word, min, max, what, &out[*n]) != 0)
            return -1;
        (*n)++;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

/* see cli.h */
int ippm_cli_ttl(const char *opt, const char *s, int *out)
{
    uint32_t v;
    if (ippm_cli_u32(opt, s, 1, 255, "a TTL", &v) != 0)
        return -1;
    *out = (int)v;
    return 0;
}

/* see cli.h */
int ippm_cli_port(const char *opt, const char *s, uint16_t *out)
{
    return ippm_cli_u16(opt, s, 1, 65535, "a port", out);
}

/* see cli.h */
int ippm_cli_range(const char *opt, char *item, uint64_t min, uint64_t max,
                   const char *what, uint64_t *lo, uint64_t *hi)
{
    char *dash = strchr(item, '-');
    if (dash)
        *dash = '\0';
    if (ippm_cli_uint(opt, item, min, max, what, lo) != 0 ||
        (dash && ippm_cli_uint(opt, dash + 1, min, max, what, hi) != 0))
        return -1;
    if (!dash)
        *hi = *lo;
    if (*hi < *lo) {
        ippm_cli_error("%s: '%s-%s' is an empty range", opt, item, dash + 1);
        return -1;
    }
    return 0;
}

/* see cli.h */
int ippm_cli_dscp(const char *opt, const char *s, uint8_t *out)
{
    uint64_t v;
    if (ippm_cli_uint(opt, s, 0, 63, "a DSCP", &v) != 0)
        return -1;
    *out = (uint8_t)v;
    return 0;
}

/* Nanoseconds per unit of a duration, 0 for an unknown unit. Exact
 * matches only: "5m" is minutes and "5ms" milliseconds. */
static double unit_ns(const char *u)
{
    static const struct {
        const char *name;
        double ns;
    } units[] = {{"ns", 1},   {"us", 1e3},   {"ms", 1e6},  {"s", 1e9},
                 {"m", 60e9}, {"min", 60e9}, {"h", 3600e9}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(u, units[i].name) == 0)
            return units[i].ns;
    return 0;
}

/* s as a decimal and a unit into ns, or -1. Only digits and '.' may
 * start it: strtod alone takes " 1", "+1", "nan", "inf" and hex. */
static int parse_duration_ns(const char *s, bool bare_seconds, double *ns)
{
    if (!s || !((*s >= '0' && *s <= '9') || *s == '.') || strpbrk(s, "xX"))
        return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno == ERANGE || !isfinite(v))
        return -1;
    /* A bare number is seconds where the option always took seconds;
     * elsewhere only 0 goes without a unit. */
    double mult = *end ? unit_ns(end) : bare_seconds || v == 0 ? 1e9 : 0;
    if (mult == 0)
        return -1;
    *ns = v * mult;
    return 0;
}

/* "1h", "5m", "10s", "1.5ms", "250us", whichever reads best. */
static void fmt_duration(uint64_t ns, char *buf, size_t cap)
{
    static const struct {
        const char *name;
        uint64_t ns;
    } units[] = {{"h", 3600000000000ull}, {"m", 60000000000ull},
                 {"s", 1000000000ull},    {"ms", 1000000ull},
                 {"us", 1000ull},         {"ns", 1ull}};
    size_t i = 0;
    while (i + 1 < sizeof units / sizeof units[0] && ns < units[i].ns)
        i++;
    if (ns == 0)
        i = 2;
    snprintf(buf, cap, "%g%s", (double)ns / (double)units[i].ns, units[i].name);
}

/* see cli.h */
int ippm_cli_duration(const char *opt, const char *s, uint64_t min_ns,
                      uint64_t max_ns, bool bare_seconds, uint64_t *out_ns)
{
    double ns = 0;
    if (parse_duration_ns(s, bare_seconds, &ns) != 0 || ns < (double)min_ns ||
        ns > (double)max_ns) {
        char lo[32], hi[32];
        fmt_duration(min_ns, lo, sizeof lo);
        fmt_duration(max_ns, hi, sizeof hi);
        ippm_cli_error("%s: '%s' is not a duration (%s-%s: 250us, 5ms, 10s, "
                       "5m, 1h%s)",
                       opt, s ? s : "", lo, hi,
                       bare_seconds ? ", or plain seconds" : "");
        return -1;
    }
    *out_ns = (uint64_t)llround(ns);
    return 0;
}

/* see cli.h */
int ippm_cli_seconds(const char *opt, const char *s, double min_s, double max_s,
                     uint64_t *out_ns)
{
    return ippm_cli_duration(opt, s, (uint64_t)llround(min_s * 1e9),
                             (uint64_t)llround(max_s * 1e9), true, out_ns);
}

/* see cli.h */
int ippm_cli_tsfmt(const char *opt, const char *s, enum ippm_tsfmt *out)
{
    if (strcmp(s, "ntp") == 0) {
        *out = IPPM_TS_NTP;
    } else if (strcmp(s, "ptp") == 0) {
        *out = IPPM_TS_PTP;
    } else {
        ippm_cli_error("%s: '%s' is not a timestamp format (ntp or ptp)", opt,
                       s);
        return -1;
    }
    return 0;
}

/* see cli.h */
int ippm_cli_each(const char *opt, const char *s, const char *what,
                  int (*each)(const char *opt, char *item, void *arg),
                  void *arg)
{
    char buf[1024];
    if (strlen(s) >= sizeof buf || !*s) {
        ippm_cli_error("%s: '%s' is not %s", opt, s, what);
        return -1;
    }
    strcpy(buf, s);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (each(opt, t, arg) != 0)
            return -1;
    return 0;
}

/* see cli.h */
int ippm_cli_split_addr(const char *s, char *host, size_t cap,
                        const char **port)
{
    const char *first = strchr(s, ':');
    size_t hl;
    *port = NULL;
    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end)
            return -1;
        hl = (size_t)(end - s - 1);
        s++;
        if (end[1] == ':')
            *port = end + 2;
        else if (end[1])
            return -1;
    } else if (first && first == strrchr(s, ':')) {
        hl = (size_t)(first - s);
        *port = first + 1;
    } else {
        hl = strlen(s); /* no colon, or several: an IPv6 address */
    }
    if (!hl || hl >= cap)
        return -1;
    memcpy(host, s, hl);
    host[hl] = '\0';
    return 0;
}

/* A zone goes with a link-local address, and a link-local address needs
 * one: the kernel cannot tell which link fe80::1 is on. Returns 0 (and
 * sets out's zone), or IPPM_EXIT_USAGE after one line. */
static int addr_zone(const char *opt, const char *s, uint32_t scope,
                     struct ippm_addr *out)
{
    bool link_local = ippm_addr_is_link_local(out);
    if (scope && !link_local) {
        ippm_cli_error("%s: '%s': a zone (%%IFNAME) goes only on an IPv6 "
                       "link-local address (fe80::/10)", opt, s);
        return IPPM_EXIT_USAGE;
    }
    if (!scope && link_local) {
        ippm_cli_error("%s: '%s' is link-local: name its interface, as in "
                       "fe80::1%%eth0 or [fe80::1%%eth0]:862", opt, s);
        return IPPM_EXIT_USAGE;
    }
    out->scope_id = scope;
    return 0;
}

/* see cli.h */
int ippm_cli_addr(const char *opt, const char *s, uint16_t port,
                  uint16_t default_port, struct ippm_addr *out)
{
    char host[256], err[IPPM_NET_ERRLEN];
    const char *ps = NULL;
    uint16_t written = 0;
    if (ippm_cli_split_addr(s, host, sizeof host, &ps) != 0) {
        ippm_cli_error("%s: '%s' is not HOST, HOST:PORT, [V6]:PORT or V6", opt,
                       s);
        return IPPM_EXIT_USAGE;
    }
    if (ps && ippm_cli_port(opt, ps, &written) != 0)
        return IPPM_EXIT_USAGE;
    if (written && port && written != port) {
        ippm_cli_error("%s: port %u in '%s' and --port %u disagree", opt,
                       (unsigned)written, s, (unsigned)port);
        return IPPM_EXIT_USAGE;
    }
    uint16_t use = written ? written : port ? port : default_port;
    if (!use) {
        ippm_cli_error("%s: '%s' has no port (HOST:PORT or [V6]:PORT)", opt, s);
        return IPPM_EXIT_USAGE;
    }
    uint32_t scope = 0;
    enum ippm_zone_rc zr = ippm_zone_split(host, &scope, err, sizeof err);
    if (zr != IPPM_ZONE_OK) {
        ippm_cli_error("%s: %s", opt, err);
        return zr == IPPM_ZONE_SYNTAX ? IPPM_EXIT_USAGE : IPPM_EXIT_RUNTIME;
    }
    if (ippm_net_resolve(host, use, IPPM_AF_NONE, out, err, sizeof err) != 0) {
        ippm_cli_error("%s: %s", opt, err);
        return IPPM_EXIT_RUNTIME;
    }
    return addr_zone(opt, s, scope, out);
}

/* see cli.h */
void ippm_cli_bind_error(const char *prog, const char *err,
                         const char *port_opt)
{
    int e = errno;
    /* err is "bind ADDR:PORT: reason". */
    const char *where = strncmp(err, "bind ", 5) == 0 ? err + 5 : "";
    int where_len = (int)strcspn(where, " ");
    if (where_len > 0 && where[where_len - 1] == ':')
        where_len--;
    if (!*where) /* not a bind: errno may be anybody's */
        ippm_cli_error("%s: %s", prog, err);
    else if (e == EACCES)
        ippm_cli_error("%s: %s: a port below 1024 needs "
                       "CAP_NET_BIND_SERVICE (setcap "
                       "cap_net_bind_service=+ep on ippm, or the systemd "
                       "unit's AmbientCapabilities), or choose another with %s",
                       prog, err, port_opt);
    else if (e == EADDRINUSE)
        ippm_cli_error("%s: %s: another socket has %.*s; stop its process "
                       "or choose another with %s",
                       prog, err, where_len, where, port_opt);
    else
        ippm_cli_error("%s: %s", prog, err);
}

/* path with its folder resolved ("./x.json" -> "/home/me/x.json"), so
 * that two spellings of one file compare equal before it exists. 0, or
 * -1 when the folder cannot be resolved. */
static int canonical(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX], real[PATH_MAX];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (!realpath(dir, real))
        return -1;
    int n = snprintf(out, cap, "%s/%s", real, slash ? slash + 1 : path);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Two names of one file: the same string, the same resolved path, or the
 * same inode when both exist already (a hard link). */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    char ca[PATH_MAX + 256], cb[PATH_MAX + 256];
    if (strcmp(a, b) == 0)
        return 1;
    if (canonical(a, ca, sizeof ca) == 0 && canonical(b, cb, sizeof cb) == 0 &&
        strcmp(ca, cb) == 0)
        return 1;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* see cli.h */
int ippm_cli_outputs(const struct ippm_cli_output *outs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct ippm_cli_output *o = &outs[i];
        if (!o->path)
            continue;
        for (size_t j = 0; j < i; j++) {
            if (outs[j].path && same_file(outs[j].path, o->path)) {
                ippm_cli_error("%s: '%s' is also %s's file; give each its own",
                               o->opt, o->path, outs[j].opt);
                return -1;
            }
        }
        if (!*o->path || ippm_atomic_probe(o->path) != 0) {
            ippm_cli_error("%s: cannot write '%s': %s", o->opt, o->path,
                           *o->path ? strerror(errno) : "empty path");
            return -1;
        }
    }
    return 0;
}

/* The option as the user typed it, for the message. */
static const char *bad_option(char **argv)
{
    return argv[optind - 1] ? argv[optind - 1] : "";
}

/* The short options of every command (issue 11), as ping, irtt and
 * iperf3 users type them: each stands for the first long option named
 * here that the command has, so a command gains -c the day it takes
 * --count. A letter the caller's own shortopts claim stays the
 * caller's. */
static const struct {
    char c;
    const char *name;
} short_aliases[] = {
    {'c', "count"},       {'i', "interval"}, {'p', "port"},
    {'s', "size"},        {'d', "duration"}, {'q', "quiet"},
    {'q', "no-progress"}, {'v', "verbose"},  {'v', "per-packet"},
    {'h', "help"},        {'W', "wait"},
};

/* --version and -V, which every command answers the same way. */
#define OPT_VERSION_ 0x7fff0000

static const struct option *find_long(const struct option *lo, const char *name)
{
    for (; lo && lo->name; lo++)
        if (strcmp(lo->name, name) == 0)
            return lo;
    return NULL;
}

/* The long option short letter c stands for, or NULL. */
static const struct option *alias_of(const struct option *lo, int c)
{
    for (size_t i = 0; i < sizeof short_aliases / sizeof short_aliases[0];
         i++) {
        const struct option *o;
        if (short_aliases[i].c == c &&
            (o = find_long(lo, short_aliases[i].name)))
            return o;
    }
    return NULL;
}

/* The caller's short options, then each alias letter its long options
 * give, then V; into so (":" first, see ippm_cli_next). */
static void build_shortopts(const char *own, const struct option *lo, char *so,
                            size_t cap)
{
    size_t n = (size_t)snprintf(so, cap, ":%s", own);
    for (int c = 1; c < 128 && n + 3 < cap; c++) {
        const struct option *o = strchr(own, c) ? NULL : alias_of(lo, c);
        if (!o || strchr(so, c))
            continue;
        so[n++] = (char)c;
        if (o->has_arg == required_argument)
            so[n++] = ':';
        so[n] = '\0';
    }
    if (!strchr(own, 'V') && n + 1 < cap) {
        so[n++] = 'V';
        so[n] = '\0';
    }
}

/* The caller's long options and --version, when they leave it out. */
static const struct option *with_version(const struct option *lo)
{
    static struct option merged[512];
    size_t n = 0;
    for (; lo && lo->name && n + 2 < sizeof merged / sizeof merged[0]; lo++)
        merged[n++] = *lo;
    if (!find_long(merged, "version"))
        merged[n++] =
            (struct option){"version", no_argument, NULL, OPT_VERSION_};
    merged[n] = (struct option){NULL, 0, NULL, 0};
    return merged;
}

/* see cli.h */
int ippm_cli_next(int argc, char **argv, const char *shortopts,
                  const struct option *longopts, const char *prog, int first)
{
    if (first) {
        optind = 0; /* glibc: 0 reinitialises, so a second parse works */
        opterr = 0;
    }
    /* A leading ':' makes getopt tell a missing value (':') from an
     * unknown option ('?'). */
    char so[128];
    build_shortopts(shortopts, longopts, so, sizeof so);
    const struct option *lo = with_version(longopts);
    int idx = -1; /* stays -1 for a short option */
    int c = getopt_long(argc, argv, so, lo, &idx);
    if (c == '?') {
        if (optopt && optopt < 256)
            ippm_cli_error("%s: unknown option '-%c' (see --help)", prog,
                           optopt);
        else
            ippm_cli_error("%s: unknown option '%s' (see --help)", prog,
                           bad_option(argv));
    } else if (c == ':') {
        if (optopt && optopt < 256 && bad_option(argv)[1] != '-')
            ippm_cli_error("%s: option '-%c' needs a value", prog, optopt);
        else
            ippm_cli_error("%s: option '%s' needs a value", prog,
                           bad_option(argv));
        c = '?';
    } else if (c == OPT_VERSION_ ||
               (idx < 0 && c == 'V' && !strchr(shortopts, 'V'))) {
        /* Nothing is open yet: parsing comes before any socket. */
        printf("ippm %s\n", IPPM_VERSION);
        exit(IPPM_EXIT_OK);
    } else if (idx < 0 && c > 0 && c < 128 && !strchr(shortopts, c)) {
        const struct option *o = alias_of(longopts, c);
        if (o)
            c = o->val;
    }
    return c;
}

/* item on the line at column col, or on a new one past 76; the column
 * after it. */
static int wrapped(FILE *f, int col, const char *item)
{
    int n = (int)strlen(item);
    if (col + n > 76) {
        fputs("\n ", f);
        col = 1;
    }
    fputs(item, f);
    return col + n;
}

/* see cli.h */
void ippm_cli_short_usage(FILE *f, const struct option *longopts)
{
    int col = fprintf(f, "Short options:");
    char item[64];
    for (int c = 1; c < 128; c++) {
        const struct option *o = alias_of(longopts, c);
        if (!o)
            continue;
        snprintf(item, sizeof item, " -%c --%s,", c, o->name);
        col = wrapped(f, col, item);
    }
    wrapped(f, col, " -V --version\n");
    static const char *const timed[] = {
        "interval",        "wait", "timeout", "session-timeout", "duration",
        "clock-tolerance", "delay"};
    for (size_t i = 0; i < sizeof timed / sizeof timed[0]; i++) {
        if (find_long(longopts, timed[i])) {
            fprintf(f,
                    "Durations take a unit: 250us, 5ms, 10s, 5m, 1h (a "
                    "bare number is\nseconds%s).\n",
                    find_long(longopts, "delay")
                        ? "; --delay and --jitter need the unit"
                        : "");
            break;
        }
    }
}

/* see cli.h */
int ippm_cli_reports_dir(void)
{
    if (mkdir(IPPM_REPORTS_DIR, 0777) == 0)
        return 1;
    if (errno == EEXIST)
        return 0;
    ippm_cli_error("cannot create the folder '%s' for the reports: %s",
                   IPPM_REPORTS_DIR, strerror(errno));
    return -1;
}

/* see cli.h */
int ippm_cli_dispatch(const struct ippm_cli_subs *c, int argc, char **argv)
{
    if (argc < 2) {
        ippm_cli_error("%s: missing %s (see 'ippm %s --help')", c->prog,
                       c->missing ? c->missing : "subcommand", c->prog);
        return IPPM_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        c->usage(stdout);
        return IPPM_EXIT_OK;
    }
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(sub, c->subs[i].name) == 0)
            return c->subs[i].run(argc - 1, argv + 1);
    if (c->unknown)
        ippm_cli_error("%s: unknown subcommand '%s' (%s)", c->prog, sub,
                       c->unknown);
    else
        ippm_cli_error("%s: unknown subcommand '%s' (see 'ippm %s --help')",
                       c->prog, sub, c->prog);
    return IPPM_EXIT_USAGE;
}
