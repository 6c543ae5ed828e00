/* UDPing sender checks (notes §1 to §4), graded on the datagrams a
 * sender emitted: obs->ex in the order they were seen. The table is
 * conformance/cases/udping.c. */
#include "udping_checks.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/stamp/stamp_check_util.h"
#include "proto/udping/udping.h"

#define NS_PER_S 1000000000ll
static const char no_dgram[] = "no UDPing datagram observed";
static const char no_oom[] = "out of memory: not graded";

UDPING_CHECK(udping_chk_version)
{
    UDPING_V1_ONLY();
    (void)arg;
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->req || e->req_len == 0)
            continue;
        a.n++;
        if (e->req[0] != 1)
            stamp_acc_fail(&a, "datagram %zu: protoVersion %u, expected 1", i,
                           (unsigned)e->req[0]);
    }
    return stamp_acc_end(&a, no_dgram);
}

UDPING_CHECK(udping_chk_length)
{
    UDPING_V1_ONLY();
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *e = &obs->ex[i];
        if (!e->req)
            continue;
        a.n++;
        if (arg->type == 0 && e->req_len < UDPING_V1_LEN)
            stamp_acc_fail(&a, "datagram %zu: %zu octets, shorter than the "
                               "72-octet header", i, e->req_len);
        else if (arg->type == 1 && e->req_len > UDPING_V1_MAX)
            stamp_acc_fail(&a, "datagram %zu: %zu octets, more than the "
                               "receiver's 2000-octet buffer", i, e->req_len);
    }
    return stamp_acc_end(&a, no_dgram);
}

UDPING_CHECK(udping_chk_size_field)
{
    UDPING_V1_ONLY();
    (void)arg;
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        struct udping_view v;
        if (!udping_view_of(&obs->ex[i], &v))
            continue;
        a.n++;
        if (v.size != v.len)
            stamp_acc_fail(&a, "datagram %zu (seq %" PRIu32 "): size field "
                               "%" PRIu32 ", UDP payload %zu octets",
                           i, v.seq, v.size, v.len);
    }
    return stamp_acc_end(&a, "no datagram of 72 octets or more");
}

UDPING_CHECK(udping_chk_zero)
{
    UDPING_V1_ONLY();
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        struct udping_view v;
        if (!udping_view_of(&obs->ex[i], &v))
            continue;
        if (arg->type == 1 && v.len == UDPING_V1_LEN)
            continue; /* no payload to judge */
        a.n++;
        size_t at = SIZE_MAX;
        if (arg->type == 0) { /* the layout's "pad" rows */
            for (size_t r = 0; r < udping_layout_n && at == SIZE_MAX; r++)
                for (size_t k = 0; strcmp(udping_layout[r].name, "pad") == 0 &&
                                   k < udping_layout[r].len;
                     k++)
                    if (v.p[udping_layout[r].off + k]) {
                        at = udping_layout[r].off + k;
                        break;
                    }
        } else {
            for (size_t k = UDPING_V1_LEN; k < v.len; k++)
                if (v.p[k]) {
                    at = k;
                    break;
                }
        }
        if (at != SIZE_MAX)
            stamp_acc_fail(&a, "datagram %zu (seq %" PRIu32 "): octet %zu is "
                               "0x%02x, expected zero",
                           i, v.seq, at, (unsigned)v.p[at]);
    }
    return stamp_acc_end(&a, arg->type == 0
                                 ? "no datagram of 72 octets or more"
                                 : "no datagram longer than 72 octets");
}

static bool lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

UDPING_CHECK(udping_chk_guid)
{
    UDPING_V1_ONLY();
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        struct udping_view v;
        if (!udping_view_of(&obs->ex[i], &v))
            continue;
        a.n++;
        size_t chars = strlen(v.guid);
        if (arg->type == 0 && (!v.guid_nul || chars != UDPING_V1_GUID)) {
            stamp_acc_fail(&a, "datagram %zu: guid of %zu characters%s, "
                               "expected 20 then NUL at octet 36",
                           i, chars, v.guid_nul ? "" : " not NUL-terminated");
        } else if (arg->type == 1) {
            for (size_t k = 0; k < UDPING_V1_GUID; k++)
                if (!lower_hex(v.p[UDPING_OFF_GUID + k])) {
                    stamp_acc_fail(&a, "datagram %zu: guid octet %zu is "
                                       "0x%02x, not a lowercase hex digit",
                                   i, k, (unsigned)v.p[UDPING_OFF_GUID + k]);
                    break;
                }
        }
    }
    return stamp_acc_end(&a, "no datagram of 72 octets or more");
}

UDPING_CHECK(udping_chk_seq)
{
    UDPING_V1_ONLY();
    uint32_t *prev = udping_prev_links(obs);
    if (!prev)
        return stamp_na(detail, cap, obs->n_ex ? no_oom : no_dgram);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        struct udping_view v, w;
        if (!udping_pair_of(obs, prev, i, &v, &w))
            continue;
        bool same = strcmp(v.guid, w.guid) == 0;
        if (same != (arg->type == 0))
            continue;
        a.n++;
        if (v.seq != w.seq + 1u)
            stamp_acc_fail(&a, "port %u: seq %" PRIu32 " after %" PRIu32
                               "%s%s, expected %" PRIu32,
                           (unsigned)obs->ex[i].req_src.port, v.seq, w.seq,
                           same ? "" : " at the guid change to ",
                           same ? "" : v.guid, w.seq + 1u);
    }
    free(prev);
    return stamp_acc_end(&a, arg->type == 0
                                 ? "no two datagrams of one port and guid"
                                 : "no guid change seen within a port");
}

UDPING_CHECK(udping_chk_guid_own)
{
    UDPING_V1_ONLY();
    (void)arg;
    uint32_t *prev = udping_prev_links(obs);
    if (!prev)
        return stamp_na(detail, cap, obs->n_ex ? no_oom : no_dgram);
    /* first[i]: datagram i opens a run of its guid on its stream. Each
     * run's guid must not occur in any other run (of any stream). */
    struct stamp_acc a = stamp_acc_make(detail, cap);
    size_t n = obs->n_ex;
    size_t *runs = malloc((n ? n : 1) * sizeof *runs);
    size_t n_runs = 0;
    if (!runs) {
        free(prev);
        return stamp_na(detail, cap, no_oom);
    }
    for (size_t i = 0; i < n; i++) {
        struct udping_view v, w;
        if (!udping_view_of(&obs->ex[i], &v))
            continue;
        if (prev[i] != UDPING_NONE && udping_view_of(&obs->ex[prev[i]], &w) &&
            strcmp(v.guid, w.guid) == 0)
            continue;
        runs[n_runs++] = i;
    }
    /* Sorted by guid would be n log n; captures hold few runs (a port's
     * guids per interval), so pairs are compared. */
    for (size_t r = 0; r < n_runs; r++) {
        struct udping_view v, w;
        udping_view_of(&obs->ex[runs[r]], &v);
        a.n++;
        for (size_t q = 0; q < r; q++) {
            udping_view_of(&obs->ex[runs[q]], &w);
            if (strcmp(v.guid, w.guid) != 0)
                continue;
            bool same = udping_same_stream(&obs->ex[runs[r]],
                                           &obs->ex[runs[q]]);
            stamp_acc_fail(&a, "guid %s %s (port %u, datagram %zu; port %u, "
                               "datagram %zu)",
                           v.guid,
                           same ? "taken up again after another one"
                                : "sent from two ports",
                           (unsigned)obs->ex[runs[q]].req_src.port, runs[q],
                           (unsigned)obs->ex[runs[r]].req_src.port, runs[r]);
            break;
        }
    }
    free(runs);
    free(prev);
    return stamp_acc_end(&a, "no datagram of 72 octets or more");
}

/* The sent time of v in ns since the epoch, held within half of int64's
 * range whatever a peer wrote (so that sums of a few seconds with it
 * cannot overflow). */
static int64_t sent_ns(const struct udping_view *v)
{
    const int64_t lim = INT64_MAX / 2;
    int64_t t;
    if (__builtin_mul_overflow(v->sec, NS_PER_S, &t) ||
        __builtin_add_overflow(t, v->nsec, &t))
        return v->sec < 0 ? -lim : lim;
    return t > lim ? lim : t < -lim ? -lim : t;
}

/* Whether an interval boundary (a multiple of iv ns since the epoch)
 * lies in (a, b]. */
static bool boundary_in(int64_t a, int64_t b, int64_t iv)
{
    if (b <= a)
        return false;
    int64_t fa = a >= 0 ? a / iv : -((-a + iv - 1) / iv);
    int64_t fb = b >= 0 ? b / iv : -((-b + iv - 1) / iv);
    return fa != fb;
}

/* Slack between a packet's sent stamp and the clock reading that chose
 * its guid, either way: the original reads time(0), which glibc serves
 * from the coarse clock, a tick behind (in udping-loopback.pcap a packet
 * sent 1.8 ms past a boundary still has the old guid). */
#define GUID_SLACK_NS (10 * 1000000ll)

/* 0 when interval iv_s fits every consecutive pair of every stream; else
 * the datagram that breaks it plus one. */
static size_t interval_breaks(const struct ippm_obs *obs, const uint32_t *prev,
                              int64_t iv_s, bool *changed_early)
{
    int64_t iv = iv_s * NS_PER_S;
    for (size_t i = 0; i < obs->n_ex; i++) {
        struct udping_view v, w;
        if (!udping_pair_of(obs, prev, i, &v, &w))
            continue;
        int64_t a = sent_ns(&w), b = sent_ns(&v);
        bool same = strcmp(v.guid, w.guid) == 0;
        if (same && boundary_in(a + GUID_SLACK_NS, b - GUID_SLACK_NS, iv)) {
            *changed_early = false;
            return i + 1;
        }
        if (!same && !boundary_in(a - GUID_SLACK_NS, b + GUID_SLACK_NS, iv)) {
            *changed_early = true;
            return i + 1;
        }
    }
    return 0;
}

UDPING_CHECK(udping_chk_guid_interval)
{
    UDPING_V1_ONLY();
    (void)arg;
    uint32_t *prev = udping_prev_links(obs);
    if (!prev)
        return stamp_na(detail, cap, obs->n_ex ? no_oom : no_dgram);
    const struct udping_obs_ext *x = udping_obs_ext(obs);
    uint32_t lo = 1, hi = 900; /* -i's range, notes §7 */
    if (x && x->interval_s)
        lo = hi = x->interval_s;
    size_t changes = 0, pairs = 0;
    for (size_t i = 0; i < obs->n_ex; i++) {
        struct udping_view v, w;
        if (!udping_pair_of(obs, prev, i, &v, &w))
            continue;
        pairs++;
        changes += strcmp(v.guid, w.guid) != 0;
    }
    enum ippm_verdict verdict = IPPM_FAIL;
    if (pairs == 0) {
        verdict = stamp_na(detail, cap, "no two datagrams of one port");
    } else {
        bool early = false;
        size_t first_break = 0;
        uint32_t worst_fit = hi;
        for (uint32_t iv = hi; iv >= lo && iv > 0; iv--) {
            bool e = false;
            size_t b = interval_breaks(obs, prev, iv, &e);
            if (b == 0) {
                snprintf(detail, cap, "%zu consecutive pairs, %zu guid "
                                      "changes: consistent with -i %u%s",
                         pairs, changes, (unsigned)iv,
                         x && x->interval_s ? "" : " (the longest that fits)");
                verdict = IPPM_PASS;
                break;
            }
            if (b - 1 >= first_break) { /* the interval that lasts longest */
                first_break = b - 1;
                early = e;
                worst_fit = iv;
            }
        }
        if (verdict == IPPM_FAIL) {
            const struct ippm_exchange *e = &obs->ex[first_break];
            snprintf(detail, cap, "no interval of %u..%u s fits: with -i %u, "
                                  "port %u %s at datagram %zu",
                     (unsigned)lo, (unsigned)hi, (unsigned)worst_fit,
                     (unsigned)e->req_src.port,
                     early ? "changed its guid within an interval"
                           : "kept its guid across a boundary",
                     first_break);
        }
    }
    free(prev);
    return verdict;
}

UDPING_CHECK(udping_chk_start)
{
    UDPING_V1_ONLY();
    uint32_t *prev = udping_prev_links(obs);
    if (!prev)
        return stamp_na(detail, cap, obs->n_ex ? no_oom : no_dgram);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        struct udping_view v, w;
        if (!udping_view_of(&obs->ex[i], &v))
            continue;
        if (arg->type == 1) {
            a.n++;
            if (v.start > v.sec)
                stamp_acc_fail(&a, "datagram %zu: clientStartTime %" PRId64
                                   " after its sent time %" PRId64,
                               i, v.start, v.sec);
            continue;
        }
        if (prev[i] == UDPING_NONE || !udping_view_of(&obs->ex[prev[i]], &w))
            continue;
        a.n++;
        if (v.start != w.start)
            stamp_acc_fail(&a, "port %u: clientStartTime %" PRId64
                               " then %" PRId64 " (datagram %zu)",
                           (unsigned)obs->ex[i].req_src.port, w.start,
                           v.start, i);
    }
    free(prev);
    return stamp_acc_end(&a, arg->type == 1 ? "no datagram of 72 octets or "
                                              "more"
                                            : "no two datagrams of one port");
}

static enum ippm_verdict sent_mono(const struct ippm_obs *obs, char *detail,
                                   size_t cap)
{
    uint32_t *prev = udping_prev_links(obs);
    if (!prev)
        return stamp_na(detail, cap, obs->n_ex ? no_oom : no_dgram);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        struct udping_view v, w;
        if (!udping_pair_of(obs, prev, i, &v, &w))
            continue;
        a.n++;
        if (sent_ns(&v) < sent_ns(&w))
            stamp_acc_fail(&a, "port %u: sent %" PRId64 ".%09" PRId64
                               " after %" PRId64 ".%09" PRId64 " (seq %" PRIu32
                               ")",
                           (unsigned)obs->ex[i].req_src.port, v.sec, v.nsec,
                           w.sec, w.nsec, v.seq);
    }
    free(prev);
    return stamp_acc_end(&a, "no two datagrams of one port");
}

UDPING_CHECK(udping_chk_sent)
{
    UDPING_V1_ONLY();
    if (arg->type == 1)
        return sent_mono(obs, detail, cap);
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        struct udping_view v;
        const struct ippm_exchange *e = &obs->ex[i];
        if (!udping_view_of(e, &v))
            continue;
        if (arg->type == 0) {
            a.n++;
            if (v.nsec < 0 || v.nsec >= NS_PER_S || v.sec <= 0)
                stamp_acc_fail(&a, "datagram %zu: sent %" PRId64 " s %" PRId64
                                   " ns, not a CLOCK_REALTIME timespec",
                               i, v.sec, v.nsec);
            continue;
        }
        if (!e->req_ns || !obs->clock_tolerance_ns || v.nsec < 0 ||
            v.nsec >= NS_PER_S || v.sec <= 0 ||
            v.sec > INT64_MAX / NS_PER_S - 1)
            continue;
        a.n++;
        int64_t off = (int64_t)e->req_ns - sent_ns(&v);
        if ((uint64_t)(off < 0 ? -off : off) > obs->clock_tolerance_ns)
            stamp_acc_fail(&a, "datagram %zu: sent %.6f s %s it was seen, "
                               "tolerance %.3f s",
                           i, (off < 0 ? -off : off) / 1e9,
                           off < 0 ? "after" : "before",
                           obs->clock_tolerance_ns / 1e9);
    }
    return stamp_acc_end(&a, arg->type == 0
                                 ? "no datagram of 72 octets or more"
                                 : "no datagram with a plausible sent time "
                                   "and a time it was seen, or no clock "
                                   "tolerance");
}

UDPING_CHECK(udping_chk_raw)
{
    const struct udping_obs_ext *x = udping_obs_ext(obs);
    if (!x || !x->frame)
        return stamp_na(detail, cap, "no frames: the capture holds no link "
                                     "layer, or the datagrams came through a "
                                     "socket");
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct udping_obs_frame *f = &x->frame[i];
        const struct ippm_exchange *e = &obs->ex[i];
        if (!f->raw)
            continue;
        if (arg->type == 0) {
            if (e->req_ttl < 0)
                continue;
            a.n++;
            if (e->req_ttl != 255)
                stamp_acc_fail(&a, "frame of datagram %zu: TTL %d, expected "
                                   "255", i, (int)e->req_ttl);
        } else {
            int8_t c = arg->type == 1 ? f->ip_csum : f->udp_csum;
            if (c == 0)
                continue;
            a.n++;
            if (c < 0)
                stamp_acc_fail(&a, "frame of datagram %zu: bad %s checksum",
                               i, arg->type == 1 ? "IPv4 header" : "UDP");
        }
    }
    return stamp_acc_end(&a, "no raw frame (Ethernet, IPv4 ID 0, DF clear) "
                             "seen");
}
