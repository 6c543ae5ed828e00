/* Every UDPing case on a hand-made observation: PASS on a conforming
 * fixture, FAIL once a mutation breaks that case's rule (a check that
 * cannot fail is a defect). The fixture follows udping-loopback.pcap
 * (notes §9): three source ports, 20 ms apart in turn, -i 2 with one
 * rollover, raw frames; and a receiver that reported every session by
 * statsd, plain and tagged, 10 µs later than the capture saw each
 * datagram. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conformance/cases/cases.h"
#include "conformance/ippm_conform.h"
#include "conformance/udping/udping_checks.h"
#include "conformance/udping/udping_obs.h"
#include "proto/common/ippm_cur.h"
#include "proto/udping/udping.h"
#include "testsupport/case_rows.h"

#define NS 1000000000ull
#define MS 1000000ull
/* An interval boundary whose only divisors up to 900 are 1 and 2, so
 * that one rollover pins -i down. */
#define B 1795607126ull
#define NPKT 99
#define NPORT 3
#define MAXLEN 2100
#define NSESS 6

struct fx {
    uint8_t pkt[NPKT][MAXLEN];
    struct ippm_exchange ex[NPKT];
    struct udping_obs_frame frame[NPKT];
    struct udping_obs_report rep[NSESS];
    char raw[NSESS][2][512];
    struct udping_obs_ext ext;
    struct ippm_obs obs;
};

static struct fx F;

static void guid_of(char *g, unsigned port, unsigned interval)
{
    snprintf(g, 21, "%08x%04x%08x", 0x71e67336u + port, 0xabcu + interval,
             0x0037e65au ^ (port * 7919u + interval));
}

static uint8_t *pkt_of(unsigned port, unsigned k)
{
    /* the k-th datagram of port */
    return F.pkt[k * NPORT + port];
}

/* ---- the sender's datagrams ---- */

static void build_sender(void)
{
    memset(&F, 0, sizeof F);
    uint64_t t0 = (B - 1) * NS + 10 * MS; /* 990 ms before the boundary */
    for (unsigned i = 0; i < NPKT; i++) {
        unsigned port = i % NPORT, k = i / NPORT;
        uint64_t sent = t0 + (uint64_t)i * 20 * MS;
        uint8_t *p = F.pkt[i];
        size_t len = 72 + (i * 37) % 229;
        char g[21];
        guid_of(g, port, sent >= B * NS);
        p[0] = 1;
        ippm_store_le64(p + UDPING_OFF_START, B - 5);
        memcpy(p + UDPING_OFF_GUID, g, 20);
        ippm_store_le32(p + UDPING_OFF_SEQ, 40 + k);
        ippm_store_le64(p + UDPING_OFF_SEC, sent / NS);
        ippm_store_le64(p + UDPING_OFF_NSEC, sent % NS);
        ippm_store_le32(p + UDPING_OFF_SIZE, (uint32_t)len);
        struct ippm_exchange *e = &F.ex[i];
        e->req = p;
        e->req_len = len;
        e->req_ns = sent + 20000;
        e->req_ttl = 255;
        e->req_src.family = e->req_dst.family = IPPM_AF_INET;
        e->req_src.ip[0] = e->req_dst.ip[0] = 127;
        e->req_src.ip[3] = e->req_dst.ip[3] = 1;
        e->req_src.port = (uint16_t)(5000 + port);
        e->req_dst.port = 6000;
        F.frame[i] = (struct udping_obs_frame){true, 1, 1};
    }
    F.ext.base.name = UDPING_OBS_EXT;
    F.ext.frame = F.frame;
    F.obs.protocol = "udping";
    F.obs.ex = F.ex;
    F.obs.n_ex = NPKT;
    F.obs.clock_tolerance_ns = NS;
    F.obs.ext = &F.ext.base;
}

/* ---- the receiver's reports: one per session, plain and tagged ---- */

static void statsd(unsigned s, bool tagged)
{
    const struct udping_obs_report *r = &F.rep[s];
    char *o = F.raw[s][tagged];
    static const char *const m[5] = {"count", "targetCount", "sum", "sos",
                                     "max"};
    char v[5][32];
    snprintf(v[0], 32, "%llu", (unsigned long long)r->count);
    snprintf(v[1], 32, "%llu", (unsigned long long)r->target);
    snprintf(v[2], 32, "%g", r->sum_ms);
    snprintf(v[3], 32, "%g", r->sos_ms);
    snprintf(v[4], 32, "%g", r->max_ms);
    size_t len = 0;
    for (int k = 0; k < 5; k++) {
        const char *type = k == 4 ? "g" : "c";
        if (tagged)
            len += (size_t)snprintf(o + len, 512 - len,
                                    "udping.%s,from_host=localhost,from_port="
                                    "%u,to_host=localhost,to_port=6000:%s|%s\n",
                                    m[k], r->from_port, v[k], type);
        else
            len += (size_t)snprintf(o + len, 512 - len,
                                    "localhost.%u.localhost.6000.%s:%s|%s\n",
                                    r->from_port, m[k], v[k], type);
    }
    F.rep[s].raw[tagged] = (const uint8_t *)o;
    F.rep[s].raw_len[tagged] = len;
}

static void build_receiver(void)
{
    build_sender();
    for (unsigned s = 0; s < NSESS; s++) {
        unsigned port = s % NPORT, interval = s / NPORT;
        struct udping_obs_report *r = &F.rep[s];
        r->from_port = (uint16_t)(5000 + port);
        r->to_port = 6000;
        r->max_ms = -1;
        uint64_t last = 0;
        uint32_t lo = UINT32_MAX, hi = 0;
        for (unsigned i = port; i < NPKT; i += NPORT) {
            struct udping_view v;
            udping_view_of(&F.ex[i], &v);
            if ((v.sec >= (int64_t)B) != (interval == 1))
                continue;
            double lat = ((double)F.ex[i].req_ns - (double)v.sec * 1e9 -
                          (double)v.nsec) / 1e6 + 0.010;
            r->count++;
            r->sum_ms += lat;
            r->sos_ms += lat * lat;
            r->max_ms = lat > r->max_ms ? lat : r->max_ms;
            lo = v.seq < lo ? v.seq : lo;
            hi = v.seq > hi ? v.seq : hi;
            last = F.ex[i].req_ns;
        }
        r->target = hi - lo + 1;
        r->ns = last + 3 * NS;
        statsd(s, false);
        statsd(s, true);
    }
    F.ext.rep = F.rep;
    F.ext.n_rep = NSESS;
    F.ext.reports_seen = true;
    F.ext.keepalive_ns = 2 * NS;
    F.ext.end_ns = (B + 6) * NS;
}

/* ---- the 2017 format (notes §8): three ports, pings from 1 under each
 * guid, a control packet with the old guid at the rollover ---- */

static size_t leg_put(uint8_t *p, const char *g, uint32_t control,
                      uint32_t seq, uint64_t sent, uint32_t size)
{
    memset(p, 0, size);
    memcpy(p, g, 20);
    ippm_store_le32(p + UDPING_LEG_CONTROL, control);
    ippm_store_le32(p + UDPING_LEG_SEQ, seq);
    ippm_store_le32(p + UDPING_LEG_TSCOUNT, control ? 0 : 1);
    if (!control) {
        ippm_store_le64(p + UDPING_LEG_SENT, sent / NS);
        ippm_store_le64(p + UDPING_LEG_SENT + 8, sent % NS);
    }
    ippm_store_le32(p + UDPING_LEG_SIZE, size);
    return size;
}

static void build_legacy(void)
{
    build_sender();
    uint64_t t0 = (B - 1) * NS + 10 * MS;
    uint32_t seq[NPORT] = {0};
    bool rolled[NPORT] = {false};
    size_t n = 0;
    for (unsigned i = 0; n + 2 <= NPKT; i++) {
        unsigned port = i % NPORT;
        uint64_t sent = t0 + (uint64_t)i * 20 * MS;
        bool second = sent >= B * NS;
        char g[21];
        if (second && !rolled[port]) { /* the interval's control packet */
            guid_of(g, port, 0);
            F.ex[n].req_len = leg_put(F.pkt[n], g, 1, seq[port] + 1, 0, 64);
            F.ex[n].req_src.port = (uint16_t)(5000 + port);
            F.ex[n].req_ns = sent;
            n++;
            rolled[port] = true;
            seq[port] = 0;
        }
        guid_of(g, port, second);
        F.ex[n].req_len = leg_put(F.pkt[n], g, 0, ++seq[port], sent,
                                  (uint32_t)(65 + (i * 37) % 200));
        F.ex[n].req_src.port = (uint16_t)(5000 + port);
        F.ex[n].req_ns = sent + 20000;
        n++;
    }
    F.obs.n_ex = n;
    F.ext.legacy = true;
}

/* The i-th datagram of the legacy fixture that is (control) a control
 * packet or (else) a ping under a port's second guid. */
static uint8_t *leg_find(bool control, unsigned nth)
{
    for (size_t i = 0; i < F.obs.n_ex; i++) {
        uint8_t *p = F.pkt[i];
        bool c = ippm_load_le32(p + UDPING_LEG_CONTROL) == 1;
        if (c == control && (control || ippm_load_le64(p + UDPING_LEG_SENT) >= B) &&
            nth-- == 0)
            return p;
    }
    fail_msg("no such datagram in the legacy fixture");
    return NULL;
}

static void m_leg_tscount(void)
{
    ippm_store_le32(leg_find(false, 3) + UDPING_LEG_TSCOUNT, 0);
}
static void m_leg_sent(void) { leg_find(true, 1)[UDPING_LEG_SENT + 3] = 9; }
static void m_leg_count(void)
{
    uint8_t *p = leg_find(true, 2);
    ippm_store_le32(p + UDPING_LEG_SEQ, ippm_load_le32(p + UDPING_LEG_SEQ) - 1);
}
static void m_leg_from1(void)
{
    ippm_store_le32(leg_find(false, 0) + UDPING_LEG_SEQ, 5);
}

/* ---- mutations ---- */

static uint8_t *mid(void) { return pkt_of(1, 5); }
static size_t mid_i(void) { return 5 * NPORT + 1; }

static void m_version(void) { mid()[0] = 2; }
static void m_short(void) { F.ex[mid_i()].req_len = 60; }
static void m_long(void)
{
    F.ex[mid_i()].req_len = 2100;
    ippm_store_le32(mid() + UDPING_OFF_SIZE, 2100);
}
static void m_size(void)
{
    ippm_store_le32(mid() + UDPING_OFF_SIZE, (uint32_t)F.ex[mid_i()].req_len + 1);
}
static void m_pad(void) { mid()[45] = 1; }
static void m_payload(void)
{
    F.ex[mid_i()].req_len = 200;
    ippm_store_le32(mid() + UDPING_OFF_SIZE, 200);
    mid()[150] = 0x5a;
}
static void m_guid_nul(void) { mid()[36] = 'a'; }
static void m_guid_hex(void) { mid()[UDPING_OFF_GUID + 3] = 'G'; }
static void m_seq_skip(void)
{
    ippm_store_le32(mid() + UDPING_OFF_SEQ,
                    ippm_load_le32(mid() + UDPING_OFF_SEQ) + 5);
}
/* Port 5002 starts its second guid at seq 0. */
static void m_seq_reset(void)
{
    for (unsigned i = 2; i < NPKT; i += NPORT) {
        uint8_t *p = F.pkt[i];
        if (ippm_load_le64(p + UDPING_OFF_SEC) >= B)
            ippm_store_le32(p + UDPING_OFF_SEQ, i / NPORT - 17);
    }
}
static void m_start(void) { ippm_store_le64(mid() + UDPING_OFF_START, B - 4); }
static void m_start_late(void)
{
    for (unsigned i = 1; i < NPKT; i += NPORT)
        ippm_store_le64(F.pkt[i] + UDPING_OFF_START, B + 100);
}
static void m_nsec(void) { ippm_store_le64(mid() + UDPING_OFF_NSEC, NS); }
static void m_sent_far(void) { F.ex[mid_i()].req_ns += 5 * NS; }
/* Port 5001 uses port 5000's first guid. */
static void m_guid_shared(void)
{
    char g[21];
    guid_of(g, 0, 0);
    for (unsigned i = 1; i < NPKT; i += NPORT)
        if (ippm_load_le64(F.pkt[i] + UDPING_OFF_SEC) < B)
            memcpy(F.pkt[i] + UDPING_OFF_GUID, g, 20);
}
/* Port 5000 keeps its first guid for three packets past the boundary. */
static void m_guid_late(void)
{
    char g[21];
    guid_of(g, 0, 0);
    unsigned late = 0;
    for (unsigned i = 0; i < NPKT && late < 3; i += NPORT)
        if (ippm_load_le64(F.pkt[i] + UDPING_OFF_SEC) >= B) {
            memcpy(F.pkt[i] + UDPING_OFF_GUID, g, 20);
            late++;
        }
}
static void m_ttl(void) { F.ex[mid_i()].req_ttl = 64; }
static void m_ipcsum(void) { F.frame[mid_i()].ip_csum = -1; }
static void m_udpcsum(void) { F.frame[mid_i()].udp_csum = -1; }
static void m_sent_back(void)
{
    uint8_t *a = pkt_of(0, 3), *b = pkt_of(0, 4);
    uint8_t t[16];
    memcpy(t, a + UDPING_OFF_SEC, 16);
    memcpy(a + UDPING_OFF_SEC, b + UDPING_OFF_SEC, 16);
    memcpy(b + UDPING_OFF_SEC, t, 16);
}
static void m_rep_count(void) { F.rep[4].count++; }
static void m_rep_target(void) { F.rep[4].target++; }
static void m_rep_lost(void)
{
    F.rep[3] = F.rep[5];
    F.ext.n_rep = NSESS - 1;
}
static void m_rep_sum(void) { F.rep[2].sum_ms += 1000; }
static void m_plain_order(void)
{
    char *o = F.raw[1][0];
    char *c = strstr(o, ".count:");
    memcpy(c, ".sos__:", 7);
}
static void m_tagged_gauge(void)
{
    char *o = F.raw[2][1];
    char *g = strrchr(o, '|');
    g[1] = 'c';
}

static const struct case_row rows[] = {
    {"UDPING-1-01", build_sender, m_version},
    {"UDPING-1-02", build_sender, m_short},
    {"UDPING-1-03", build_sender, m_long},
    {"UDPING-1-04", build_sender, m_size},
    {"UDPING-1-05", build_sender, m_pad},
    {"UDPING-1-06", build_sender, m_payload},
    {"UDPING-1-07", build_sender, m_guid_nul},
    {"UDPING-1-08", build_sender, m_seq_skip},
    {"UDPING-1-09", build_sender, m_seq_reset},
    {"UDPING-1-10", build_sender, m_start},
    {"UDPING-1-11", build_sender, m_start_late},
    {"UDPING-1-12", build_sender, m_nsec},
    {"UDPING-1-13", build_sender, m_sent_far},
    {"UDPING-2-01", build_sender, m_guid_hex},
    {"UDPING-2-02", build_sender, m_guid_shared},
    {"UDPING-2-03", build_sender, m_guid_late},
    {"UDPING-3-01", build_sender, m_ttl},
    {"UDPING-3-02", build_sender, m_ipcsum},
    {"UDPING-3-03", build_sender, m_udpcsum},
    {"UDPING-4-01", build_sender, m_sent_back},
    {"UDPING-5-01", build_receiver, m_rep_count},
    {"UDPING-5-02", build_receiver, m_rep_target},
    {"UDPING-5-03", build_receiver, m_rep_lost},
    {"UDPING-5-04", build_receiver, m_rep_sum},
    {"UDPING-6-01", build_receiver, m_plain_order},
    {"UDPING-6-02", build_receiver, m_tagged_gauge},
    {"UDPING-8-01", build_legacy, m_leg_tscount},
    {"UDPING-8-02", build_legacy, m_leg_sent},
    {"UDPING-8-03", build_legacy, m_leg_count},
    {"UDPING-8-04", build_legacy, m_leg_from1},
};

static enum ippm_verdict grade(const struct ippm_case *c, char *d, size_t cap)
{
    F.obs.role = c->role;
    return c->check(&F.obs, &c->arg, d, cap);
}

/* Every row: PASS as built, FAIL once mutated. */
static void test_each_case_passes_then_fails(void **state)
{
    (void)state;
    case_rows_pass_then_fail(rows, sizeof rows / sizeof rows[0], grade);
}

/* Every case of the table has a row above. */
static void test_every_case_has_a_row(void **state)
{
    (void)state;
    case_rows_cover(rows, sizeof rows / sizeof rows[0], ippm_cases_udping,
                    ippm_cases_udping_n);
}

/* Nothing observed grades nothing: every case is N/A with a reason. */
static void test_nothing_observed_is_na(void **state)
{
    (void)state;
    memset(&F, 0, sizeof F);
    F.obs.protocol = "udping";
    for (size_t i = 0; i < ippm_cases_udping_n; i++) {
        char d[IPPM_DETAIL_MAX];
        assert_int_equal(grade(&ippm_cases_udping[i], d, sizeof d), IPPM_NA);
        assert_true(d[0] != '\0');
    }
}

/* The sender is graded on its datagrams alone: the whole run of the
 * sender role passes, and the receiver role without reports is n/a. */
static void test_catalogue_run(void **state)
{
    (void)state;
    build_sender();
    struct ippm_case_result res[64];
    F.obs.role = IPPM_ROLE_SENDER;
    size_t n = ippm_catalogue_run(&F.obs, NULL, res, 64);
    assert_true(n >= 20 && n <= 64);
    for (size_t i = 0; i < n; i++) /* the 2017 format's: n/a here */
        if (res[i].verdict !=
            (strncmp(res[i].c->id, "UDPING-8-", 9) ? IPPM_PASS : IPPM_NA))
            fail_msg("%s: %s", res[i].c->id, res[i].detail);
    /* a 2017-format sender: its cases pass, version 1's are n/a, and the
     * raw-frame cases still read its frames */
    build_legacy();
    n = ippm_catalogue_run(&F.obs, NULL, res, 64);
    for (size_t i = 0; i < n; i++) {
        bool leg = !strncmp(res[i].c->id, "UDPING-8-", 9);
        bool raw = !strncmp(res[i].c->id, "UDPING-3-", 9);
        if (res[i].verdict != (leg || raw ? IPPM_PASS : IPPM_NA))
            fail_msg("legacy %s: %s", res[i].c->id, res[i].detail);
    }
    F.obs.role = IPPM_ROLE_SENDER;
    build_sender();
    F.obs.role = IPPM_ROLE_REFLECTOR;
    n = ippm_catalogue_run(&F.obs, NULL, res, 64);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(res[i].verdict, IPPM_NA);
}

/* The statsd datagrams the original sent in udping-replay-statsd.pcap
 * (notes §6), parsed and joined into one report. */
static void test_statsd_of_the_original(void **state)
{
    (void)state;
    static const char plain[] =
        "localhost.5002.localhost.6000.count:22|c\n"
        "localhost.5002.localhost.6000.targetCount:22|c\n"
        "localhost.5002.localhost.6000.sum:1.10352|c\n"
        "localhost.5002.localhost.6000.sos:0.0810344|c\n"
        "localhost.5002.localhost.6000.max:0.126528|g\n";
    static const char tagged[] =
        "udping.count,from_host=localhost,from_port=5002,to_host=localhost,"
        "to_port=6000:22|c\n"
        "udping.targetCount,from_host=localhost,from_port=5002,to_host="
        "localhost,to_port=6000:22|c\n"
        "udping.sum,from_host=localhost,from_port=5002,to_host=localhost,"
        "to_port=6000:1.10352|c\n"
        "udping.sos,from_host=localhost,from_port=5002,to_host=localhost,"
        "to_port=6000:0.0810344|c\n"
        "udping.max,from_host=localhost,from_port=5002,to_host=localhost,"
        "to_port=6000:0.126528|g\n";
    struct udping_obs_report rep[2];
    size_t n = 0;
    assert_true(udping_obs_add_statsd(rep, &n, 2, (const uint8_t *)plain,
                                      sizeof plain - 1, 10 * NS));
    assert_true(udping_obs_add_statsd(rep, &n, 2, (const uint8_t *)tagged,
                                      sizeof tagged - 1, 10 * NS + 136000));
    assert_int_equal(n, 1);
    assert_int_equal(rep[0].from_port, 5002);
    assert_int_equal(rep[0].to_port, 6000);
    assert_int_equal(rep[0].count, 22);
    assert_int_equal(rep[0].target, 22);
    assert_true(rep[0].sum_ms > 1.10351 && rep[0].sum_ms < 1.10353);
    assert_true(rep[0].max_ms > 0.126527 && rep[0].max_ms < 0.126529);
    assert_non_null(rep[0].raw[0]);
    assert_non_null(rep[0].raw[1]);
    /* not statsd */
    assert_false(udping_obs_add_statsd(rep, &n, 2, (const uint8_t *)"x:1|c\n",
                                       6, 11 * NS));
}

/* The offsets the checks read are proto/udping's layout table's. */
static void test_offsets_are_the_layouts(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        size_t off;
    } mine[] = {{"protoVersion", UDPING_OFF_VERSION},
                {"clientStartTime", UDPING_OFF_START},
                {"guid", UDPING_OFF_GUID},
                {"seqNum", UDPING_OFF_SEQ},
                {"sent.tv_sec", UDPING_OFF_SEC},
                {"sent.tv_nsec", UDPING_OFF_NSEC},
                {"size", UDPING_OFF_SIZE}};
    for (size_t i = 0; i < sizeof mine / sizeof mine[0]; i++) {
        bool found = false;
        for (size_t r = 0; r < udping_layout_n; r++)
            if (strcmp(udping_layout[r].name, mine[i].name) == 0) {
                assert_int_equal(udping_layout[r].off, mine[i].off);
                found = true;
            }
        assert_true(found);
    }
    const struct udping_field *last = &udping_layout[udping_layout_n - 1];
    assert_int_equal(last->off + last->len, UDPING_V1_LEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_case_passes_then_fails),
        cmocka_unit_test(test_every_case_has_a_row),
        cmocka_unit_test(test_nothing_observed_is_na),
        cmocka_unit_test(test_catalogue_run),
        cmocka_unit_test(test_statsd_of_the_original),
        cmocka_unit_test(test_offsets_are_the_layouts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
