/* The admission options (RFC 8762 §6) shared by every ippm server. */
#include "impl/core/admit_opts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "impl/core/cli.h"

/* "10.0.0.0/8", "2001:db8::/32", "192.0.2.1" (a /32), "::1" (a /128)
 * into the list at arg (struct ippm_admit_opts); allow or deny from
 * opt's name. */
static int add_prefix(const char *opt, char *t, bool allow,
                      struct ippm_prefix_list *l)
{
    struct ippm_addr a;
    memset(&a, 0, sizeof a);
    while (*t == ' ' || *t == '\t')
        t++;
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        t[--n] = '\0';
    char *slash = strchr(t, '/');
    if (slash)
        *slash = '\0';
    if (inet_pton(AF_INET, t, a.ip) == 1)
        a.family = IPPM_AF_INET;
    else if (inet_pton(AF_INET6, t, a.ip) == 1)
        a.family = IPPM_AF_INET6;
    unsigned bits = a.family == IPPM_AF_INET ? 32 : 128, len = bits;
    uint64_t v;
    bool ok = a.family != IPPM_AF_NONE;
    if (ok && slash) {
        char *end;
        errno = 0;
        v = strtoull(slash + 1, &end, 10);
        ok = slash[1] >= '0' && slash[1] <= '9' && !*end && !errno &&
             v <= bits;
        len = (unsigned)v;
    }
    if (!ok) {
        if (slash)
            *slash = '/';
        ippm_cli_error("%s: '%s' is not a prefix (ADDR or ADDR/LEN)", opt, t);
        return -1;
    }
    if (ippm_prefix_add(l, &a, len, allow) != IPPM_OK) {
        ippm_cli_error("%s: more than %d prefixes in all", opt,
                       IPPM_PREFIX_MAX);
        return -1;
    }
    return 0;
}

static int add_allow(const char *opt, char *t, void *arg)
{
    return add_prefix(opt, t, true, arg);
}

static int add_deny(const char *opt, char *t, void *arg)
{
    return add_prefix(opt, t, false, arg);
}

/* see admit_opts.h */
int ippm_admit_opt_parse(struct ippm_admit_opts *o, int which,
                         const char *arg)
{
    switch (which) {
    case IPPM_ADMIT_OPT_ALLOW:
        return ippm_cli_each("--allow-from", arg, "a list of prefixes",
                             add_allow, &o->prefixes);
    case IPPM_ADMIT_OPT_DENY:
        return ippm_cli_each("--deny-from", arg, "a list of prefixes",
                             add_deny, &o->prefixes);
    case IPPM_ADMIT_OPT_RATE:
        return ippm_cli_uint("--rate-limit", arg, 0, IPPM_RATE_PPS_MAX,
                             "a packet rate", &o->rate.pps);
    case IPPM_ADMIT_OPT_BURST:
        return ippm_cli_uint("--rate-burst", arg, 1, IPPM_RATE_BURST_MAX,
                             "a packet count", &o->rate.burst);
    case IPPM_ADMIT_OPT_SOURCES:
        return ippm_cli_uint("--rate-sources", arg, 1, IPPM_ADMIT_SOURCES_MAX,
                             "a source count", &o->sources);
    default:
        return -1;
    }
}

/* The rate as it runs: the burst defaults to one second's worth. */
static struct ippm_rate effective_rate(const struct ippm_admit_opts *o)
{
    struct ippm_rate r = o->rate;
    if (!r.burst)
        r.burst = r.pps < IPPM_RATE_BURST_MAX ? r.pps : IPPM_RATE_BURST_MAX;
    return r;
}

static uint64_t effective_sources(const struct ippm_admit_opts *o)
{
    return o->sources ? o->sources : IPPM_ADMIT_SOURCES_DEFAULT;
}

/* A limiter and its memory, freed together. */
struct limiter {
    struct ippm_ratelimit l; /* first: the pointer handed out */
    uint64_t mem[];
};

/* see admit_opts.h */
struct ippm_ratelimit *ippm_admit_ratelimit_new(const struct ippm_admit_opts *o,
                                                const char *prog, int *err)
{
    *err = 0;
    if (!o->rate.pps)
        return NULL;
    struct ippm_rate r = effective_rate(o);
    size_t n = (size_t)effective_sources(o), len = IPPM_RATELIMIT_SIZE(n);
    uint8_t seed[IPPM_TABLE_SEED_LEN];
    struct limiter *x = calloc(1, sizeof *x + len);
    *err = -1;
    if (!x) {
        ippm_cli_error("%s: no memory for %zu rate-limited sources", prog, n);
        return NULL;
    }
    if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
        ippm_cli_error("%s: no random seed: %s", prog, strerror(errno));
        free(x);
        return NULL;
    }
    if (ippm_ratelimit_init(&x->l, x->mem, len, n, &r, seed) != IPPM_OK) {
        ippm_cli_error("%s: bad rate limit", prog);
        free(x);
        return NULL;
    }
    *err = 0;
    return &x->l;
}

/* see admit_opts.h */
void ippm_admit_ratelimit_free(struct ippm_ratelimit *l)
{
    free(l); /* the struct limiter it starts */
}

/* see admit_opts.h */
void ippm_admit_summary(FILE *f, const struct ippm_admit_opts *o,
                        uint64_t sources, uint64_t forgotten)
{
    const struct ippm_prefix_list *l = &o->prefixes;
    if (!l->n && !o->rate.pps)
        return;
    fprintf(f, "  admission: %zu allow and %zu deny prefixes", l->n_allow,
            l->n - l->n_allow);
    if (o->rate.pps) {
        struct ippm_rate r = effective_rate(o);
        fprintf(f,
                "; %llu/s per source, burst %llu; %llu sources tracked of "
                "%llu, %llu forgotten (least recently seen)",
                (unsigned long long)r.pps, (unsigned long long)r.burst,
                (unsigned long long)sources,
                (unsigned long long)effective_sources(o),
                (unsigned long long)forgotten);
    }
    fputc('\n', f);
}
