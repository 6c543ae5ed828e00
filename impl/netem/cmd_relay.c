/* `ippm relay`: the command line. Every impairment option exists three
 * times: --NAME for both directions, --fwd-NAME (client to server) and
 * --rev-NAME (server to client). Mutations are resolved once every
 * option is known, since --auth and --mutate-dir change their offsets
 * and direction. Anything impossible is one line on stderr and exit 2. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/stamp/stamp.h"
#include "impl/core/cli.h"
#include "impl/commands.h"
#include "impl/core/net.h"
#include "impl/netem/relay.h"

#define PROG "relay"

/* Impairment options: id, name. */
#define IMPAIRMENTS(X)                                                        \
    X(IM_LOSS, "loss")                                                        \
    X(IM_GE, "ge")                                                            \
    X(IM_DELAY, "delay")                                                      \
    X(IM_JITTER, "jitter")                                                    \
    X(IM_DIST, "jitter-dist")                                                 \
    X(IM_DROP, "drop")                                                        \
    X(IM_DUP, "dup")                                                          \
    X(IM_DUPLIST, "dup-list")                                                 \
    X(IM_CORRUPT, "corrupt")                                                  \
    X(IM_COFFS, "corrupt-offsets")                                            \
    X(IM_RATE, "rate")                                                        \
    X(IM_BURST, "burst")                                                      \
    X(IM_QUEUE, "queue")                                                      \
    X(IM_REORDER, "reorder")                                                  \
    X(IM_MUTATE, "mutate")                                                    \
    X(IM_MUTOFF, "mutate-offset")                                             \
    X(IM_REMARK, "remark-dscp")

#define IM_ENUM_(id, name) id,
enum { IMPAIRMENTS(IM_ENUM_) IM_COUNT_ };
#undef IM_ENUM_

/* Option values: impairment id + 64 * (0 both, 1 fwd, 2 rev), then the
 * plain options above that. */
#define DIR_SHIFT 64
enum { OPT_LISTEN = 1000, OPT_TO, OPT_SEED, OPT_TRUTH, OPT_PROTO, OPT_AUTH,
       OPT_MUTDIR, OPT_POOL, OPT_MAXSIZE, OPT_FLOWS, OPT_FLOWIDLE, OPT_SPIN,
       OPT_DURATION, OPT_QUIET, OPT_HELP };

#define IM_OPT_(id, name)                                                     \
    {name, required_argument, NULL, id},                                      \
        {"fwd-" name, required_argument, NULL, id + DIR_SHIFT},               \
        {"rev-" name, required_argument, NULL, id + 2 * DIR_SHIFT},

static const struct option longopts[] = {
    IMPAIRMENTS(IM_OPT_)
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"to", required_argument, NULL, OPT_TO},
    {"seed", required_argument, NULL, OPT_SEED},
    {"truth", required_argument, NULL, OPT_TRUTH},
    {"proto", required_argument, NULL, OPT_PROTO},
    {"auth", no_argument, NULL, OPT_AUTH},
    {"mutate-dir", required_argument, NULL, OPT_MUTDIR},
    {"pool", required_argument, NULL, OPT_POOL},
    {"max-size", required_argument, NULL, OPT_MAXSIZE},
    {"flows", required_argument, NULL, OPT_FLOWS},
    {"flow-idle", required_argument, NULL, OPT_FLOWIDLE},
    {"spin-us", required_argument, NULL, OPT_SPIN},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};
#undef IM_OPT_

static void usage(FILE *f)
{
    fputs(
        "usage: ippm relay --listen ADDR:PORT --to ADDR:PORT [options]\n"
        "Relay UDP both ways between clients and --to (one upstream socket\n"
        "per client, as a NAT), with seeded, reproducible impairments.\n"
        "Each impairment applies to both directions as --NAME, to client->\n"
        "server only as --fwd-NAME, to server->client only as --rev-NAME.\n"
        "  --loss P               Bernoulli loss, probability 0-1\n"
        "  --ge P,R[,1-H[,1-K]]   Gilbert-Elliott loss (netem's gemodel)\n"
        "  --drop I,J,...         drop these packet indices (0-based)\n"
        "  --delay D              fixed delay (D: 250us, 5ms, 1s)\n"
        "  --jitter J             jitter around the delay\n"
        "  --jitter-dist NAME     uniform (+-J, default), normal (sigma J),\n"
        "                         pareto-normal (netem's paretonormal)\n"
        "  --reorder I:N          hold packet I back until N later ones left\n"
        "  --dup P                duplication probability\n"
        "  --dup-list I,J,...     duplicate these packet indices\n"
        "  --corrupt P            corrupt with probability P: xor 0xff at\n"
        "  --corrupt-offsets O,.. these offsets (default: one random octet)\n"
        "  --rate MBIT            token bucket, Mbit/s\n"
        "  --burst OCTETS         bucket depth (default one datagram)\n"
        "  --queue N              packets waiting at most, tail drop (100)\n"
        "  --mutate FIELD=V       rewrite a STAMP field: =N sets, =+N/-N adds,\n"
        "                         =flip inverts. Fields: seq ts errest ssid\n"
        "                         mbz hmac, and in replies rx-ts ss-seq ss-ts\n"
        "                         ss-errest ttl; length=+N/-N resizes\n"
        "  --mutate-offset O=HEX  write these octets at offset O\n"
        "  --mutate-dir fwd|rev|both  where plain --mutate applies (rev)\n"
        "  --remark-dscp N        rewrite the DSCP to N (0-63), keep ECN, as\n"
        "                         a remarking hop (default: DSCP and ECN\n"
        "                         carried unchanged, as a router does;\n"
        "                         the TTL too, as if no hop)\n"
        "  --seed N               random seed (default 1)\n"
        "  --truth FILE           JSON Lines, one per packet, plus a summary\n"
        "  --proto stamp|twamp-light|none   read sequence numbers for the\n"
        "                         truth file (stamp by default when --to's\n"
        "                         port is 862)\n"
        "  --auth                 STAMP authenticated offsets\n"
        "  --pool N               packet slots (default 4096)\n"
        "  --max-size OCTETS      largest datagram relayed (default 2048)\n"
        "  --flows N              client flows at most (default 256)\n"
        "  --flow-idle SECONDS    idle time before a flow may go (60)\n"
        "  --spin-us N            spin on the clock this long before a\n"
        "                         release (default 100; 0: sleep only)\n"
        "  --duration SECONDS     stop after this long (default: on SIGINT)\n"
        "  --quiet                no startup line\n"
        "Exit status: 0 after a clean stop, 2 on a bad command line (a\n"
        "--truth FILE that cannot be written included), 3 when the relay\n"
        "could not run or the truth file could not be written at the end.\n",
        f);
    ippm_cli_short_usage(f, longopts);
}

/* Deferred: a mutation, resolved after parsing. */
struct mut_spec {
    const char *arg;
    int dirs;          /* 0 both (default: --mutate-dir), 1 fwd, 2 rev */
    bool offset_form;  /* --mutate-offset */
    const char *opt;
};

struct parse {
    struct relay_opts *o;
    struct mut_spec muts[NETEM_MUT_MAX * 2];
    size_t n_muts;
    int mutate_dir;    /* bitmask: 1 fwd, 2 rev */
    bool have_listen, have_to, have_proto;
    bool queue_set[NETEM_DIRS];
};

/* ---- value parsers: each prints one line and returns -1 on error ---- */

static int parse_prob(const char *opt, const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = *s ? strtod(s, &end) : NAN;
    if (!end || *end || errno || !(v >= 0.0 && v <= 1.0)) {
        ippm_cli_error("%s: %s: '%s' is not a probability (0-1)", PROG, opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* "250us", "5ms", "1.5s", "100ns", or "0": a unit is required. */
static int parse_duration(const char *opt, const char *s, uint64_t *out)
{
    return ippm_cli_duration(opt, s, 0, 3600 * IPPM_NS_PER_SEC, false, out);
}

static int parse_u64(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 19)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* "5,17,18" appended to list. */
static int parse_list(const char *opt, const char *s, uint64_t *list,
                      uint32_t *n, uint32_t max, uint64_t limit)
{
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        uint64_t v;
        if (parse_u64(p, len, &v) != 0 || v > limit) {
            ippm_cli_error("%s: %s: '%s' is not a list of numbers (0-%llu, "
                           "comma-separated)",
                           PROG, opt, s, (unsigned long long)limit);
            return -1;
        }
        if (*n >= max) {
            ippm_cli_error("%s: %s: more than %u entries", PROG, opt, max);
            return -1;
        }
        list[(*n)++] = v;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static int parse_ge(const char *opt, const char *s,
                    struct netem_dir_config *d)
{
    double v[4] = {0, 0, 1, 0};
    char buf[128];
    if (strlen(s) >= sizeof(buf))
        goto bad;
    strcpy(buf, s);
    int n = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        char *end = NULL;
        errno = 0;
        if (n == 4)
            goto bad;
        v[n] = strtod(t, &end);
        if (!end || *end || errno || !(v[n] >= 0.0 && v[n] <= 1.0))
            goto bad;
        n++;
    }
    if (n < 2)
        goto bad;
    if (n == 2)
        v[2] = 1;
    d->ge = true;
    d->ge_p = v[0];
    d->ge_r = v[1];
    d->ge_loss_bad = v[2];
    d->ge_loss_good = v[3];
    return 0;
bad:
    ippm_cli_error("%s: %s: '%s' is not P,R[,1-H[,1-K]] with each in 0-1",
                   PROG, opt, s);
    return -1;
}

static int parse_reorder(const char *opt, const char *s,
                         struct netem_dir_config *d)
{
    const char *colon = strchr(s, ':');
    uint64_t idx, n;
    if (!colon || parse_u64(s, (size_t)(colon - s), &idx) != 0 ||
        parse_u64(colon + 1, strlen(colon + 1), &n) != 0 || n == 0 ||
        n > 1000000) {
        ippm_cli_error("%s: %s: '%s' is not INDEX:PLACES (places 1-1000000)",
                       PROG, opt, s);
        return -1;
    }
    if (d->n_reorder >= NETEM_REORDER_MAX) {
        ippm_cli_error("%s: %s: more than %d entries", PROG, opt,
                       NETEM_REORDER_MAX);
        return -1;
    }
    d->reorder[d->n_reorder].idx = idx;
    d->reorder[d->n_reorder].places = (uint32_t)n;
    d->n_reorder++;
    return 0;
}

static int parse_rate(const char *opt, const char *s, uint64_t *bps)
{
    char *end = NULL;
    errno = 0;
    double v = *s ? strtod(s, &end) : NAN;
    if (!end || *end || errno || !isfinite(v) || v <= 0 || v > 100000 ||
        v * 1e6 < 1) {
        ippm_cli_error("%s: %s: '%s' is not a rate in Mbit/s (above 0, at "
                       "most 100000)",
                       PROG, opt, s);
        return -1;
    }
    *bps = (uint64_t)llround(v * 1e6);
    return 0;
}

/* "HOST:PORT" or "[V6]:PORT": 0, or the exit status after one line. */
static int parse_hostport(const char *opt, const char *s, struct ippm_addr *a)
{
    return ippm_cli_addr(opt, s, 0, 0, a);
}

/* ---- mutations ---- */

/* "OFF=HEXBYTES" */
static int mut_offset(const struct mut_spec *m, struct netem_mutation *out)
{
    const char *eq = strchr(m->arg, '=');
    uint64_t off;
    const char *hex = eq ? eq + 1 : "";
    size_t hl = strlen(hex);
    if (hl >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
        hex += 2;
        hl -= 2;
    }
    if (!eq || parse_u64(m->arg, (size_t)(eq - m->arg), &off) != 0 ||
        off > 65534 || hl == 0 || hl % 2 || hl / 2 > NETEM_MUT_OCTETS)
        goto bad;
    memset(out, 0, sizeof(*out));
    out->op = NETEM_MUT_BYTES;
    out->off = (uint16_t)off;
    out->width = (uint8_t)(hl / 2);
    for (size_t i = 0; i < hl / 2; i++) {
        int hi = ippm_cli_hex_digit(hex[2 * i]), lo = ippm_cli_hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            goto bad;
        out->bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
bad:
    ippm_cli_error("%s: %s: '%s' is not OFFSET=HEX (1-16 octets)", PROG,
                   m->opt, m->arg);
    return -1;
}

/* "FIELD=N", "FIELD=+N", "FIELD=-N", "FIELD=flip", "length=+N". */
static int mut_field(const struct mut_spec *m, bool auth, enum netem_dir dir,
                     struct netem_mutation *out)
{
    const char *eq = strchr(m->arg, '=');
    if (!eq || eq == m->arg || !eq[1]) {
        ippm_cli_error("%s: %s: '%s' is not FIELD=VALUE", PROG, m->opt,
                       m->arg);
        return -1;
    }
    size_t nl = (size_t)(eq - m->arg);
    const char *v = eq + 1;
    memset(out, 0, sizeof(*out));
    bool sign = v[0] == '+' || v[0] == '-';
    uint64_t n = 0;
    bool flip = strcmp(v, "flip") == 0;
    if (!flip && parse_u64(v + sign, strlen(v + sign), &n) != 0) {
        ippm_cli_error("%s: %s: '%s' is not a number, +N, -N or flip", PROG,
                       m->opt, v);
        return -1;
    }
    if (nl == 6 && memcmp(m->arg, "length", 6) == 0) {
        if (!sign || n > 65535) {
            ippm_cli_error("%s: %s: length takes +N or -N (N 0-65535), not "
                           "'%s'",
                           PROG, m->opt, v);
            return -1;
        }
        out->op = NETEM_MUT_LENGTH;
        out->delta = v[0] == '-' ? -(int64_t)n : (int64_t)n;
        return 0;
    }
    uint16_t off;
    uint8_t width;
    if (netem_stamp_field(m->arg, nl, auth, dir, &off, &width) != IPPM_OK) {
        ippm_cli_error("%s: %s: '%.*s' is not a STAMP field of %s %s packets "
                       "(see --help)",
                       PROG, m->opt, (int)nl, m->arg,
                       auth ? "authenticated" : "open",
                       dir == NETEM_FWD ? "sender" : "reflector");
        return -1;
    }
    out->off = off;
    out->width = width;
    if (flip) {
        out->op = NETEM_MUT_FLIP;
        return 0;
    }
    if (width > 8) {
        ippm_cli_error("%s: %s: '%.*s' takes flip only", PROG, m->opt,
                       (int)nl, m->arg);
        return -1;
    }
    if (!sign && width < 8 && n >> (8 * width)) {
        ippm_cli_error("%s: %s: %llu does not fit in %u octets", PROG, m->opt,
                       (unsigned long long)n, width);
        return -1;
    }
    out->op = sign ? NETEM_MUT_ADD : NETEM_MUT_SET;
    out->value = n;
    out->delta = v[0] == '-' ? -(int64_t)n : (int64_t)n;
    return 0;
}

static int resolve_mutations(struct parse *p)
{
    struct relay_opts *o = p->o;
    for (size_t i = 0; i < p->n_muts; i++) {
        const struct mut_spec *m = &p->muts[i];
        int dirs = m->dirs ? m->dirs : p->mutate_dir;
        for (int d = 0; d < NETEM_DIRS; d++) {
            if (!(dirs & (1 << d)))
                continue;
            struct netem_dir_config *dc = &o->cfg.dir[d];
            if (dc->n_mut >= NETEM_MUT_MAX) {
                ippm_cli_error("%s: %s: more than %d mutations", PROG, m->opt,
                               NETEM_MUT_MAX);
                return -1;
            }
            struct netem_mutation *out = &dc->mut[dc->n_mut];
            int rc = m->offset_form
                         ? mut_offset(m, out)
                         : mut_field(m, o->auth, (enum netem_dir)d, out);
            if (rc != 0)
                return -1;
            dc->n_mut++;
        }
    }
    return 0;
}

/* ---- options ---- */

static int impairment(struct parse *p, int id, int dirs, const char *opt,
                      const char *arg)
{
    if (id == IM_MUTATE || id == IM_MUTOFF) {
        if (p->n_muts >= sizeof(p->muts) / sizeof(p->muts[0])) {
            ippm_cli_error("%s: %s: too many mutations", PROG, opt);
            return -1;
        }
        struct mut_spec *m = &p->muts[p->n_muts++];
        m->arg = arg;
        m->dirs = dirs == 3 ? 0 : dirs;
        m->offset_form = id == IM_MUTOFF;
        m->opt = opt;
        return 0;
    }
    for (int d = 0; d < NETEM_DIRS; d++) {
        if (!(dirs & (1 << d)))
            continue;
        struct netem_dir_config *c = &p->o->cfg.dir[d];
        uint64_t v = 0;
        int rc = 0;
        switch (id) {
        case IM_LOSS: rc = parse_prob(opt, arg, &c->loss); break;
        case IM_GE: rc = parse_ge(opt, arg, c); break;
        case IM_DELAY: rc = parse_duration(opt, arg, &c->delay_ns); break;
        case IM_JITTER: rc = parse_duration(opt, arg, &c->jitter_ns); break;
        case IM_DIST:
            if (netem_dist_parse(arg, strlen(arg), &c->dist) != IPPM_OK) {
                ippm_cli_error("%s: %s: '%s' is not a distribution (uniform, "
                               "normal, pareto-normal)",
                               PROG, opt, arg);
                rc = -1;
            }
            break;
        case IM_DROP:
            rc = parse_list(opt, arg, c->drop, &c->n_drop, NETEM_LIST_MAX,
                            UINT64_MAX / 2);
            break;
        case IM_DUP: rc = parse_prob(opt, arg, &c->dup); break;
        case IM_DUPLIST:
            rc = parse_list(opt, arg, c->dup_list, &c->n_dup_list,
                            NETEM_LIST_MAX, UINT64_MAX / 2);
            break;
        case IM_CORRUPT: rc = parse_prob(opt, arg, &c->corrupt); break;
        case IM_COFFS: {
            uint64_t tmp[NETEM_CORRUPT_MAX];
            uint32_t n = 0;
            rc = parse_list(opt, arg, tmp, &n,
                            NETEM_CORRUPT_MAX - c->n_corrupt_off, 65534);
            for (uint32_t i = 0; rc == 0 && i < n; i++)
                c->corrupt_off[c->n_corrupt_off++] = (uint16_t)tmp[i];
            break;
        }
        case IM_RATE: rc = parse_rate(opt, arg, &c->rate_bps); break;
        case IM_BURST:
            rc = ippm_cli_uint(opt, arg, 1, 1u << 30, "a size in octets", &v);
            c->burst_bytes = v;
            break;
        case IM_QUEUE:
            rc = ippm_cli_u32(opt, arg, 1, NETEM_QUEUE_MAX,
                              "a queue depth in packets", &c->queue);
            p->queue_set[d] = true;
            break;
        case IM_REORDER: rc = parse_reorder(opt, arg, c); break;
        case IM_REMARK:
            rc = ippm_cli_uint(opt, arg, 0, 63, "a DSCP (0-63)", &v);
            c->remark = true;
            c->remark_dscp = (uint8_t)v;
            break;
        default: rc = -1; break;
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int plain(struct parse *p, int c, const char *arg)
{
    struct relay_opts *o = p->o;
    uint64_t v = 0;
    int rc = 0;
    switch (c) {
    case OPT_LISTEN:
        p->have_listen = true;
        return parse_hostport("--listen", arg, &o->listen);
    case OPT_TO:
        p->have_to = true;
        return parse_hostport("--to", arg, &o->to);
    case OPT_SEED:
        rc = ippm_cli_uint("--seed", arg, 0, UINT64_MAX, "a seed", &v);
        o->cfg.seed = v;
        return rc;
    case OPT_TRUTH: o->truth = arg; return 0;
    case OPT_PROTO:
        p->have_proto = true;
        if (strcmp(arg, "stamp") == 0) {
            o->proto = RELAY_PROTO_STAMP;
        } else if (strcmp(arg, "twamp-light") == 0) {
            o->proto = RELAY_PROTO_TWAMP_LIGHT;
        } else if (strcmp(arg, "none") == 0) {
            o->proto = RELAY_PROTO_NONE;
        } else {
            ippm_cli_error("%s: --proto: '%s' is not a protocol (stamp, "
                           "twamp-light, none)",
                           PROG, arg);
            return -1;
        }
        return 0;
    case OPT_AUTH: o->auth = true; return 0;
    case OPT_MUTDIR:
        if (strcmp(arg, "fwd") == 0) {
            p->mutate_dir = 1;
        } else if (strcmp(arg, "rev") == 0) {
            p->mutate_dir = 2;
        } else if (strcmp(arg, "both") == 0) {
            p->mutate_dir = 3;
        } else {
            ippm_cli_error("%s: --mutate-dir: '%s' is not fwd, rev or both",
                           PROG, arg);
            return -1;
        }
        return 0;
    case OPT_POOL:
        return ippm_cli_u32("--pool", arg, 16, 1u << 20, "a slot count",
                            &o->pool);
    case OPT_MAXSIZE:
        return ippm_cli_u32("--max-size", arg, 64, 65535, "a size",
                            &o->max_size);
    case OPT_FLOWS:
        return ippm_cli_u32("--flows", arg, 1, RELAY_FLOWS_MAX,
                            "a flow count", &o->flows);
    case OPT_FLOWIDLE:
        return ippm_cli_seconds("--flow-idle", arg, 0.001, 86400,
                                &o->flow_idle_ns);
    case OPT_SPIN:
        rc = ippm_cli_uint("--spin-us", arg, 0, 10000, "a time in us", &v);
        o->spin_ns = v * 1000;
        return rc;
    case OPT_DURATION:
        return ippm_cli_seconds("--duration", arg, 0.001, 86400 * 365.0,
                                &o->duration_ns);
    case OPT_QUIET: o->quiet = true; return 0;
    default: return -1;
    }
}

static void defaults(struct relay_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->cfg.seed = 1;
    o->pool = 4096;
    o->max_size = 2048;
    o->flows = 256;
    o->flow_idle_ns = 60 * IPPM_NS_PER_SEC;
    o->spin_ns = 100000;
}

static int finish(struct parse *p, int argc, char **argv)
{
    struct relay_opts *o = p->o;
    if (optind < argc) {
        ippm_cli_error("%s: unexpected argument '%s' (see --help)", PROG,
                       argv[optind]);
        return -1;
    }
    if (!p->have_listen || !p->have_to) {
        ippm_cli_error("%s: %s is required (see --help)", PROG,
                       p->have_listen ? "--to" : "--listen");
        return -1;
    }
    if (!p->have_proto && o->to.port == STAMP_PORT)
        o->proto = RELAY_PROTO_STAMP;
    for (int d = 0; d < NETEM_DIRS; d++) {
        struct netem_dir_config *c = &o->cfg.dir[d];
        if (c->rate_bps && !p->queue_set[d])
            c->queue = 100;
        if (!c->rate_bps && (p->queue_set[d] || c->burst_bytes)) {
            ippm_cli_error("%s: --queue and --burst need --rate", PROG);
            return -1;
        }
    }
    if (resolve_mutations(p) != 0)
        return -1;
    /* Before the sockets: a truth file that cannot be written is a bad
     * command line, not a relay that ran for nothing. */
    const struct ippm_cli_output truth = {"--truth", o->truth};
    if (ippm_cli_outputs(&truth, 1) != 0)
        return -1;
    const char *what = NULL;
    if (netem_config_check(&o->cfg, &what) != IPPM_OK) {
        ippm_cli_error("%s: impossible impairment: %s", PROG, what);
        return -1;
    }
    return 0;
}

/* "--fwd-loss": the option as the user wrote it, for messages. */
static const char *opt_name(int c, char *buf, size_t len)
{
    for (const struct option *l = longopts; l->name; l++)
        if (l->val == c) {
            snprintf(buf, len, "--%s", l->name);
            return buf;
        }
    return "option";
}

/* Returns -1 to run, else the exit status. */
static int parse_args(struct relay_opts *o, int argc, char **argv)
{
    struct parse *p = calloc(1, sizeof(*p));
    if (!p) {
        ippm_cli_error("%s: out of memory", PROG);
        return IPPM_EXIT_RUNTIME;
    }
    p->o = o;
    p->mutate_dir = 2;
    defaults(o);
    int c, first = 1, rc = -1;
    char name[40];
    while ((c = ippm_cli_next(argc, argv, "h", longopts, PROG, first)) != -1) {
        first = 0;
        if (c == 'h' || c == OPT_HELP) {
            usage(stdout);
            rc = IPPM_EXIT_OK;
            break;
        }
        int bad;
        if (c == '?')
            bad = -1;
        else if (c >= OPT_LISTEN)
            bad = plain(p, c, optarg);
        else
            bad = impairment(p, c % DIR_SHIFT,
                             c / DIR_SHIFT == 0 ? 3 : c / DIR_SHIFT,
                             opt_name(c, name, sizeof(name)), optarg);
        if (bad != 0) {
            rc = bad > 0 ? bad : IPPM_EXIT_USAGE; /* 3: cannot resolve */
            break;
        }
    }
    if (rc < 0 && finish(p, argc, argv) != 0)
        rc = IPPM_EXIT_USAGE;
    free(p);
    return rc;
}

/* see relay.h */
int cmd_relay(int argc, char **argv)
{
    struct relay_opts *o = malloc(sizeof(*o));
    if (!o) {
        ippm_cli_error("%s: out of memory", PROG);
        return IPPM_EXIT_RUNTIME;
    }
    int rc = parse_args(o, argc, argv);
    if (rc < 0)
        rc = relay_run(o);
    free(o);
    return rc;
}
