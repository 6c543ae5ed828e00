/* UDPing receiver checks (notes §5 and §6), graded on what the receiver
 * reported (udping_obs_ext.rep) for the datagrams it was sent (obs->ex,
 * seen on their way in). Sessions are worked out here from the notes,
 * not with proto/udping's receiver, so that ippm's own server is graded
 * by an independent reading. */
#include "udping_checks.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/stamp/stamp_check_util.h"

#define NS_PER_S 1000000000ull

struct sess {
    size_t first;          /* its first datagram */
    char guid[UDPING_V1_GUID + 1];
    uint16_t port, to_port;
    int64_t start;
    uint32_t min, max;
    uint64_t count, last_ns;
    double sum, sos, maxl; /* latency from the capture, ms */
    bool matched;
};

/* notes §5: maxSeq moves up, minSeq down, by 1..9 only. */
static void seq_take(struct sess *s, uint32_t seq)
{
    uint32_t up = seq - s->max, down = s->min - seq;
    if (up >= 1 && up <= 9)
        s->max = seq;
    if (down >= 1 && down <= 9)
        s->min = seq;
}

/* The sessions of obs (one per source, destination and guid), in the
 * order they began; *n of them. NULL when there are none or no memory. */
static struct sess *sessions(const struct ippm_obs *obs, size_t *n)
{
    *n = 0;
    struct sess *s = calloc(obs->n_ex ? obs->n_ex : 1, sizeof *s);
    if (!s)
        return NULL;
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        struct udping_view v;
        if (!udping_view_of(e, &v) || v.version != 1 || !v.guid_nul ||
            v.size != v.len)
            continue; /* the receiver drops it (notes §1) */
        struct sess *t = NULL;
        for (size_t k = *n; k-- > 0 && !t;)
            if (strcmp(s[k].guid, v.guid) == 0 &&
                udping_same_stream(&obs->ex[s[k].first], e))
                t = &s[k];
        double lat = ((double)e->req_ns - (double)v.sec * 1e9 -
                      (double)v.nsec) / 1e6;
        if (!t) {
            t = &s[(*n)++];
            t->first = i;
            memcpy(t->guid, v.guid, sizeof t->guid);
            t->port = e->req_src.port;
            t->to_port = e->req_dst.port;
            t->start = v.start;
            t->min = t->max = v.seq;
            t->maxl = lat;
        }
        seq_take(t, v.seq);
        t->count++;
        t->last_ns = e->req_ns;
        t->sum += lat;
        t->sos += lat * lat;
        t->maxl = lat > t->maxl ? lat : t->maxl;
    }
    /* A successor (same source, same clientStartTime, a later guid)
     * closes the expected count at its first sequence number - 1. */
    for (size_t k = 0; k < *n; k++)
        for (size_t j = k + 1; j < *n; j++)
            if (udping_same_stream(&obs->ex[s[k].first],
                                   &obs->ex[s[j].first]) &&
                s[j].start == s[k].start) {
                seq_take(&s[k], s[j].min - 1u);
                break;
            }
    if (*n == 0) {
        free(s);
        return NULL;
    }
    return s;
}

static uint64_t target_of(const struct sess *s)
{
    return 1u + (uint32_t)(s->max - s->min);
}

/* The session report r stands for: by guid when it names one, else the
 * unmatched session of its ports that ended before it, with its count if
 * one has it, the earliest otherwise. */
static struct sess *match(struct sess *s, size_t n,
                          const struct udping_obs_report *r)
{
    struct sess *best = NULL;
    for (size_t k = 0; k < n; k++) {
        struct sess *t = &s[k];
        if (t->matched || t->port != r->from_port ||
            (r->to_port && t->to_port != r->to_port))
            continue;
        if (r->has_guid) {
            if (strcmp(t->guid, r->guid) == 0)
                return t;
            continue;
        }
        if (r->ns && t->last_ns > r->ns)
            continue;
        if (t->count == r->count)
            return t;
        if (!best)
            best = t;
    }
    return best;
}

/* Matches every report in turn into m[] (NULL: none). */
static void match_all(const struct udping_obs_ext *x, struct sess *s,
                      size_t n, struct sess **m)
{
    for (size_t i = 0; i < x->n_rep; i++) {
        m[i] = match(s, n, &x->rep[i]);
        if (m[i])
            m[i]->matched = true;
    }
}

static enum ippm_verdict no_reports(const struct udping_obs_ext *x,
                                    char *detail, size_t cap)
{
    return stamp_na(detail, cap,
                    x && x->reports_seen
                        ? "the receiver reported no session"
                        : "the receiver's reports were not observed");
}

UDPING_CHECK(udping_chk_rep_counts)
{
    UDPING_V1_ONLY();
    const struct udping_obs_ext *x = udping_obs_ext(obs);
    if (!x || !x->n_rep)
        return no_reports(x, detail, cap);
    size_t n;
    struct sess *s = sessions(obs, &n);
    struct sess **m = calloc(x->n_rep, sizeof *m);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    if (!m) {
        free(s);
        return stamp_na(detail, cap, "out of memory: not graded");
    }
    match_all(x, s, n, m);
    for (size_t i = 0; i < x->n_rep; i++) {
        const struct udping_obs_report *r = &x->rep[i];
        a.n++;
        if (!m[i]) {
            stamp_acc_fail(&a, "report %zu (port %u, count %" PRIu64 "): no "
                               "session of that port seen before it",
                           i, (unsigned)r->from_port, r->count);
        } else if (arg->type == 0 && r->count != m[i]->count) {
            stamp_acc_fail(&a, "port %u guid %s: count %" PRIu64 " reported, "
                               "%" PRIu64 " datagrams seen",
                           (unsigned)r->from_port, m[i]->guid, r->count,
                           m[i]->count);
        } else if (arg->type == 1 && r->target != target_of(m[i])) {
            stamp_acc_fail(&a, "port %u guid %s: targetCount %" PRIu64
                               " reported, %" PRIu64 " from seqNum %" PRIu32
                               "..%" PRIu32,
                           (unsigned)r->from_port, m[i]->guid, r->target,
                           target_of(m[i]), m[i]->min, m[i]->max);
        }
    }
    free(m);
    free(s);
    return stamp_acc_end(&a, "no report");
}

UDPING_CHECK(udping_chk_rep_all)
{
    UDPING_V1_ONLY();
    (void)arg;
    const struct udping_obs_ext *x = udping_obs_ext(obs);
    if (!x || !x->reports_seen || !x->end_ns)
        return no_reports(NULL, detail, cap);
    size_t n;
    struct sess *s = sessions(obs, &n);
    if (!s)
        return stamp_na(detail, cap, "no session seen");
    struct sess **m = calloc(x->n_rep ? x->n_rep : 1, sizeof *m);
    if (!m) {
        free(s);
        return stamp_na(detail, cap, "out of memory: not graded");
    }
    match_all(x, s, n, m);
    /* The keepalive: as configured, else the longest the reports allow
     * (each came at least that long after its session's last datagram),
     * which deems the fewest sessions finished. */
    uint64_t k = x->keepalive_ns;
    bool inferred = false;
    for (size_t i = 0; !x->keepalive_ns && i < x->n_rep; i++)
        if (m[i] && x->rep[i].ns >= m[i]->last_ns &&
            (!inferred || x->rep[i].ns - m[i]->last_ns < k)) {
            k = x->rep[i].ns - m[i]->last_ns;
            inferred = true;
        }
    enum ippm_verdict verdict;
    if (!k && !inferred) {
        verdict = stamp_na(detail, cap, "keepalive unknown and no report to "
                                        "infer it from");
    } else {
        size_t finished = 0, reported = 0;
        const struct sess *miss = NULL;
        for (size_t j = 0; j < n; j++) {
            /* the original flushes on whole seconds: one more of grace */
            if (s[j].last_ns + k + NS_PER_S > x->end_ns)
                continue;
            finished++;
            reported += s[j].matched;
            if (!s[j].matched && !miss)
                miss = &s[j];
        }
        if (!finished) {
            verdict = stamp_na(detail, cap, "no session idle past the "
                                            "keepalive before the end");
        } else if (miss) {
            snprintf(detail, cap, "%zu of %zu finished sessions reported "
                                  "(keepalive %.3f s%s); first missing: "
                                  "port %u guid %s",
                     reported, finished, k / 1e9,
                     inferred ? ", inferred" : "", (unsigned)miss->port,
                     miss->guid);
            verdict = IPPM_FAIL;
        } else {
            snprintf(detail, cap, "%zu finished sessions, all reported",
                     finished);
            verdict = IPPM_PASS;
        }
    }
    free(m);
    free(s);
    return verdict;
}

UDPING_CHECK(udping_chk_rep_latency)
{
    UDPING_V1_ONLY();
    (void)arg;
    const struct udping_obs_ext *x = udping_obs_ext(obs);
    if (!x || !x->n_rep)
        return no_reports(x, detail, cap);
    double tol = (x->latency_tol_ns ? x->latency_tol_ns : UDPING_OBS_LATENCY_TOL_NS) /
                 1e6;
    size_t n;
    struct sess *s = sessions(obs, &n);
    struct sess **m = calloc(x->n_rep, sizeof *m);
    if (!m) {
        free(s);
        return stamp_na(detail, cap, "out of memory: not graded");
    }
    match_all(x, s, n, m);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < x->n_rep; i++) {
        const struct udping_obs_report *r = &x->rep[i];
        const struct sess *t = m[i];
        if (!t || !t->count || r->count != t->count)
            continue;
        a.n++;
        struct udping_obs_report seen = {.count = t->count,
                                         .sum_ms = t->sum,
                                         .sos_ms = t->sos,
                                         .max_ms = t->maxl};
        char why[160];
        if (!udping_obs_latency_agrees(r, &seen, tol, why, sizeof why))
            stamp_acc_fail(&a, "port %u guid %s: %s", (unsigned)t->port,
                           t->guid, why);
    }
    free(m);
    free(s);
    return stamp_acc_end(&a, "no report whose count matches a session seen");
}

/* The five lines of a statsd datagram, in the original's order (notes
 * §6). */
static const char *const metric_line[5][2] = {
    {"count", "|c"}, {"targetCount", "|c"}, {"sum", "|c"}, {"sos", "|c"},
    {"max", "|g"}};

/* NULL when raw is one of the original's statsd datagrams, else what is
 * wrong with it. */
static const char *statsd_wrong(const struct udping_obs_report *r,
                               bool tagged)
{
    const char *p = (const char *)r->raw[tagged];
    size_t len = r->raw_len[tagged], off = 0;
    if (!len || p[len - 1] != '\n')
        return "the last line does not end in a newline";
    for (int k = 0; k < 5; k++) {
        const char *nl = memchr(p + off, '\n', len - off);
        if (!nl)
            return "fewer than 5 lines";
        size_t n = (size_t)(nl - (p + off));
        const char *l = p + off;
        const char *suf = metric_line[k][1];
        if (n < 3 || memcmp(l + n - 2, suf, 2) != 0)
            return k == 4 ? "max is not a gauge (|g)"
                          : "a counter line does not end in |c";
        const char *name = metric_line[k][0];
        size_t nl_ = strlen(name);
        /* plain: ...<to_port>.<metric>:  tagged: <prefix>.<metric>,from_host= */
        const char *want = tagged ? "," : ":";
        bool ok = false;
        for (size_t i = 1; i + nl_ < n && !ok; i++)
            ok = l[i - 1] == '.' && memcmp(l + i, name, nl_) == 0 &&
                 l[i + nl_] == want[0];
        if (!ok)
            return "the lines are not count, targetCount, sum, sos, max in "
                   "that order";
        if (tagged && (!memmem(l, n, ",from_host=", 11) ||
                          !memmem(l, n, ",from_port=", 11) ||
                          !memmem(l, n, ",to_host=", 9) ||
                          !memmem(l, n, ",to_port=", 9)))
            return "a tag of from_host, from_port, to_host, to_port is "
                   "missing";
        off += n + 1;
    }
    return off == len ? NULL : "more than 5 lines";
}

UDPING_CHECK(udping_chk_rep_statsd)
{
    UDPING_V1_ONLY();
    const struct udping_obs_ext *x = udping_obs_ext(obs);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; x && i < x->n_rep; i++) {
        const struct udping_obs_report *r = &x->rep[i];
        if (!r->raw[arg->type == 1])
            continue;
        a.n++;
        const char *why = statsd_wrong(r, arg->type == 1);
        if (why)
            stamp_acc_fail(&a, "statsd datagram %zu (port %u): %s", i,
                           (unsigned)r->from_port, why);
    }
    return stamp_acc_end(&a, arg->type == 1 ? "no tagged statsd datagram seen"
                                            : "no plain statsd datagram seen");
}
