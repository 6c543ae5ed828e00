/* The original server's output formats (notes §6), written from the
 * notes and the capture udping-replay-statsd.pcap, not from its code. */
#include "impl/udping/udping_out.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "impl/core/net.h"

/* see udping_out.h */
void udping_host_underscore(char *s)
{
    for (; *s; s++)
        if (*s == '.')
            *s = '_';
}

/* A writer into buf that remembers when it ran out of room. */
struct out {
    char *buf;
    size_t cap, len;
    bool full;
};

static void put(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    if (o->full)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->cap - o->len) {
        o->full = true;
        return;
    }
    o->len += (size_t)n;
}

static int done(struct out *o)
{
    if (o->full) {
        if (o->cap)
            o->buf[0] = '\0';
        return -1;
    }
    return (int)o->len;
}

/* s as the inside of a JSON string: '"', '\\' and controls escaped. */
static void put_json_str(struct out *o, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            put(o, "\\%c", c);
        else if (c < 0x20)
            put(o, "\\u%04x", c);
        else
            put(o, "%c", c);
    }
}

/* see udping_out.h */
int udping_fmt_json(char *buf, size_t cap, const struct udping_names *n,
                    const struct udping_report *r)
{
    struct out o = {buf, cap, 0, cap == 0};
    put(&o, "{\"from_host\":\"");
    put_json_str(&o, n->from_host);
    put(&o, "\",\"from_port\":\"%s\",\"to_host\":\"", n->from_port);
    put_json_str(&o, n->to_host);
    put(&o,
        "\",\"to_port\":\"%s\",\"guid\":\"%s\",\"count\":\"%" PRIu64
        "\",\"targetCount\":\"%" PRIu64 "\",\"sum\":\"%lf\","
        "\"sumOfSquares\":\"%lf\",\"max\":\"%lf\"}",
        n->to_port, r->guid, r->count, r->target, r->sum_ms, r->sos_ms,
        r->max_ms);
    return done(&o);
}

/* A name part for statsd: what the protocol gives a meaning becomes '_'. */
static void put_statsd_name(struct out *o, const char *s)
{
    for (; *s; s++) {
        char c = *s;
        if (strchr(":|,=@# \t\r\n", c))
            c = '_';
        put(o, "%c", c);
    }
}

/* The five metrics, in the original's order, with their statsd types.
 * Integers print as integers; reals with %g, which is ostream's default
 * (six significant digits, exponent when needed). */
static void put_value(struct out *o, const struct udping_report *r, int i)
{
    switch (i) {
    case 0: put(o, "%" PRIu64, r->count); break;
    case 1: put(o, "%" PRIu64, r->target); break;
    case 2: put(o, "%g", r->sum_ms); break;
    case 3: put(o, "%g", r->sos_ms); break;
    default: put(o, "%g", r->max_ms); break;
    }
}

static const char *const metric_name[5] = {"count", "targetCount", "sum",
                                           "sos", "max"};
static const char *const metric_type[5] = {"c", "c", "c", "c", "g"};

/* see udping_out.h */
int udping_fmt_statsd(char *buf, size_t cap, const struct udping_names *n,
                      const struct udping_report *r, enum udping_level lv)
{
    struct out o = {buf, cap, 0, cap == 0};
    bool ports = lv == UDPING_LEVEL_PORT;
    for (int i = 0; i < 5; i++) {
        put_statsd_name(&o, n->from_host);
        if (ports)
            put(&o, ".%s", n->from_port);
        put(&o, ".");
        put_statsd_name(&o, n->to_host);
        if (ports)
            put(&o, ".%s", n->to_port);
        put(&o, ".%s:", metric_name[i]);
        put_value(&o, r, i);
        put(&o, "|%s\n", metric_type[i]);
    }
    return done(&o);
}

/* see udping_out.h */
int udping_fmt_statsd_tagged(char *buf, size_t cap, const char *prefix,
                             const struct udping_names *n,
                             const struct udping_report *r,
                             enum udping_level lv)
{
    struct out o = {buf, cap, 0, cap == 0};
    bool ports = lv == UDPING_LEVEL_PORT;
    for (int i = 0; i < 5; i++) {
        put_statsd_name(&o, prefix);
        put(&o, ".%s,from_host=", metric_name[i]);
        put_statsd_name(&o, n->from_host);
        if (ports)
            put(&o, ",from_port=%s", n->from_port);
        put(&o, ",to_host=");
        put_statsd_name(&o, n->to_host);
        if (ports)
            put(&o, ",to_port=%s", n->to_port);
        put(&o, ":");
        put_value(&o, r, i);
        put(&o, "|%s\n", metric_type[i]);
    }
    return done(&o);
}

/* see udping_out.h */
int udping_fmt_verbose(char *buf, size_t cap, const struct udping_hdr *h)
{
    struct out o = {buf, cap, 0, cap == 0};
    put(&o, "%s:%" PRId64 ":%" PRIu32 " - %" PRId64 ":%" PRId64, h->guid,
        h->client_start, h->seq, h->sent_sec, h->sent_nsec);
    return done(&o);
}

/* ---- host names ---- */

/* see udping_out.h */
void udping_dns_init(struct udping_dns_cache *c, bool numeric)
{
    memset(c, 0, sizeof *c);
    c->numeric = numeric;
}

/* The reverse DNS name of a, else its numeric form. */
static void lookup(const struct ippm_addr *a, bool numeric, char *out,
                   size_t cap)
{
    if (!numeric) {
        struct sockaddr_storage ss;
        socklen_t sl = ippm_addr_to_sockaddr(
            a, a->family == IPPM_AF_INET ? AF_INET : AF_INET6, &ss);
        if (sl && getnameinfo((struct sockaddr *)&ss, sl, out, (socklen_t)cap,
                              NULL, 0, NI_NAMEREQD) == 0)
            return;
    }
    ippm_addr_ip_fmt(a, out, cap);
}

static bool same_ip(const struct ippm_addr *a, const struct ippm_addr *b)
{
    return a->family == b->family && a->scope_id == b->scope_id &&
           memcmp(a->ip, b->ip, a->family == IPPM_AF_INET ? 4 : 16) == 0;
}

/* see udping_out.h */
const char *udping_dns_name(struct udping_dns_cache *c,
                            const struct ippm_addr *a)
{
    struct udping_dns_entry *victim = &c->e[0];
    c->clock++;
    for (size_t i = 0; i < UDPING_DNS_CACHE; i++) {
        struct udping_dns_entry *e = &c->e[i];
        if (e->used && same_ip(&e->addr, a)) {
            e->last_use = c->clock;
            c->hits++;
            return e->name;
        }
        if (victim->used && (!e->used || e->last_use < victim->last_use))
            victim = e;
    }
    c->lookups++;
    victim->used = true;
    victim->addr = *a;
    victim->last_use = c->clock;
    lookup(a, c->numeric, victim->name, sizeof victim->name);
    udping_host_underscore(victim->name);
    return victim->name;
}

/* see udping_out.h */
void udping_to_host(const char *host, bool numeric, char *out, size_t cap)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_flags = AI_NUMERICHOST;
    hints.ai_socktype = SOCK_DGRAM;
    snprintf(out, cap, "%s", host);
    if (!numeric && getaddrinfo(host, NULL, &hints, &res) == 0) {
        char name[UDPING_HOST_MAX];
        if (getnameinfo(res->ai_addr, res->ai_addrlen, name, sizeof name,
                        NULL, 0, NI_NAMEREQD) == 0)
            snprintf(out, cap, "%s", name);
        freeaddrinfo(res);
    }
    udping_host_underscore(out);
}
