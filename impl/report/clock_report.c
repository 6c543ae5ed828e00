#include "clock_report.h"

#include <stdio.h>

/* A duration in the unit that reads best: "25.0 us", "1.50 ms", "16 s". */
static const char *fmt_ns(uint64_t ns, char *buf, size_t len)
{
    if (ns == UINT64_MAX)
        snprintf(buf, len, "unknown");
    else if (ns < 1000)
        snprintf(buf, len, "%llu ns", (unsigned long long)ns);
    else if (ns < 1000000)
        snprintf(buf, len, "%.1f us", (double)ns / 1e3);
    else if (ns < 1000000000)
        snprintf(buf, len, "%.2f ms", (double)ns / 1e6);
    else
        snprintf(buf, len, "%.3g s", (double)ns / 1e9);
    return buf;
}

static uint64_t errest_ns_of(uint16_t v)
{
    struct ippm_errest e = ippm_errest_decode(v);
    return ippm_errest_ns(&e);
}

static bool synced_of(uint16_t v)
{
    return ippm_errest_decode(v).synced;
}

/* see clock_report.h */
const char *ippm_owd_trust_line(const struct ippm_owd_trust *t,
                                const char *local, const char *remote,
                                char *buf, size_t len)
{
    char a[32], b[32], s[32];
    fmt_ns(errest_ns_of(t->local), a, sizeof a);
    fmt_ns(errest_ns_of(t->remote), b, sizeof b);
    if (t->pairs == 0) {
        snprintf(buf, len, "one-way delay: no reply told the clocks apart");
    } else if (ippm_owd_trusted(t)) {
        snprintf(buf, len,
                 "one-way delay: trusted, both clocks synchronised; off by "
                 "at most %s (%s error %s + %s error %s, RFC 4656 §4.1.2)",
                 fmt_ns(t->max_bound_ns, s, sizeof s), local, a, remote, b);
    } else if (t->unsynced) {
        bool l = synced_of(t->local), r = synced_of(t->remote);
        char who[64];
        if (!l && !r)
            snprintf(who, sizeof who, "neither clock");
        else if (!l || !r)
            snprintf(who, sizeof who, "the %s clock not", !l ? local : remote);
        else
            snprintf(who, sizeof who, "a clock not always");
        snprintf(buf, len,
                 "one-way delay: not trusted, %s synchronised (S bit "
                 "clear in %llu of %llu replies; %s error %s, %s error %s)",
                 who, (unsigned long long)t->unsynced,
                 (unsigned long long)t->pairs, local, a, remote, b);
    } else {
        snprintf(buf, len,
                 "one-way delay: not trusted, an Error Estimate is unusable "
                 "(Multiplier zero in %llu of %llu replies)",
                 (unsigned long long)t->unusable,
                 (unsigned long long)t->pairs);
    }
    return buf;
}

static json_t *end_json(uint16_t v, bool seen)
{
    if (!seen)
        return json_null();
    uint64_t ns = errest_ns_of(v);
    return json_pack("{s:b, s:o, s:i}", "synced", synced_of(v), "error_ms",
                     ns == UINT64_MAX ? json_null() : json_real(ns / 1e6),
                     "errest", (int)v);
}

/* see clock_report.h */
json_t *ippm_owd_trust_json(const struct ippm_owd_trust *t,
                            const char *local, const char *remote)
{
    bool ok = ippm_owd_trusted(t);
    return json_pack(
        "{s:b, s:o, s:I, s:I, s:I, s:o, s:o}", "trusted", ok, "bound_ms",
        ok ? json_real((double)t->max_bound_ns / 1e6) : json_null(),
        "replies", (json_int_t)t->pairs, "unsynced_replies",
        (json_int_t)t->unsynced, "unusable_replies",
        (json_int_t)t->unusable, local, end_json(t->local, t->pairs > 0),
        remote, end_json(t->remote, t->pairs > 0));
}
