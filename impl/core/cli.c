#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "impl/core/atomic_file.h"

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

/* see cli.h */
int ippm_cli_seconds(const char *opt, const char *s, double min_s,
                     double max_s, uint64_t *out_ns)
{
    char *end = NULL;
    errno = 0;
    double v = s && *s ? strtod(s, &end) : NAN;
    /* isfinite rejects "nan" and "inf", which strtod accepts. */
    if (!end || *end || errno == ERANGE || !isfinite(v) || v < min_s ||
        v > max_s) {
        ippm_cli_error("%s: '%s' is not a number of seconds (%g-%g)", opt,
                       s ? s : "", min_s, max_s);
        return -1;
    }
    *out_ns = (uint64_t)llround(v * 1e9);
    return 0;
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
    char buf[512];
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
    char so[64];
    snprintf(so, sizeof(so), ":%s", shortopts);
    int c = getopt_long(argc, argv, so, longopts, NULL);
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
    }
    return c;
}
