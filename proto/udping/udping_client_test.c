/* Unit tests of udping_client.c: round robin, seq per port, guid per
 * port and interval, gaps counted from the due time and capped at 10d,
 * sizes, determinism from the seed, the 2017 control packets, and the
 * client's packets through the receiver. The distribution tests (KS,
 * chi-square) are in udping_stats_test.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proto/udping/udping.h"

#define S  1000000000ull
#define T0 (1700000000ull * S) /* a multiple of 2 s and 10 s */

static struct udping_client_cfg cfg_default(void)
{
    struct udping_client_cfg c = {.mean_gap_ms = 20, .interval_s = 10,
                                  .max_size = 300, .legacy = false,
                                  .seed = 12345};
    return c;
}

static void ports_init(struct udping_port *p, size_t n, uint16_t first)
{
    memset(p, 0, n * sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i].port = (uint16_t)(first + i);
}

/* Sets up c over n ports from 5000 with cfg, starting at start_ns. */
static void start(struct udping_client *c, struct udping_port *p, size_t n,
                  const struct udping_client_cfg *cfg, uint64_t start_ns)
{
    ports_init(p, n, 5000);
    assert_int_equal(udping_client_init(c, cfg, p, n, start_ns), IPPM_OK);
}

/* Fires one TIMER at now; returns the action, port in *port. */
static struct ippm_action fire(struct udping_client *c, uint64_t now,
                               uint8_t *tx, size_t cap, size_t *port)
{
    struct ippm_event ev = {.kind = IPPM_EV_TIMER, .now_ns = now};
    struct ippm_action act;
    udping_client_handle(c, &ev, tx, cap, &act, port);
    return act;
}

static void test_udping_client_init_rejects_bad_args(void **state)
{
    (void)state;
    struct udping_client c;
    struct udping_port p[1];
    ports_init(p, 1, 5000);
    struct udping_client_cfg cfg = cfg_default();
    assert_int_equal(udping_client_init(&c, &cfg, p, 0, T0), IPPM_ERR_BAD_ARG);
    assert_int_equal(udping_client_init(&c, &cfg, NULL, 1, T0),
                     IPPM_ERR_BAD_ARG);
    cfg.mean_gap_ms = -1;
    assert_int_equal(udping_client_init(&c, &cfg, p, 1, T0), IPPM_ERR_BAD_ARG);
    cfg.mean_gap_ms = 0.0 / 0.0;
    assert_int_equal(udping_client_init(&c, &cfg, p, 1, T0), IPPM_ERR_BAD_ARG);
    cfg.mean_gap_ms = 4295;
    assert_int_equal(udping_client_init(&c, &cfg, p, 1, T0), IPPM_ERR_BAD_ARG);
    cfg = cfg_default();
    cfg.interval_s = 0;
    assert_int_equal(udping_client_init(&c, &cfg, p, 1, T0), IPPM_ERR_BAD_ARG);
    cfg = cfg_default();
    cfg.max_size = 0;
    assert_int_equal(udping_client_init(&c, &cfg, p, 1, T0), IPPM_ERR_BAD_ARG);
    cfg.max_size = UDPING_MAX_PKT + 1;
    assert_int_equal(udping_client_init(&c, &cfg, p, 1, T0), IPPM_ERR_BAD_ARG);
    cfg.max_size = UDPING_MAX_PKT;
    cfg.mean_gap_ms = 1000;
    assert_int_equal(udping_client_init(&c, &cfg, p, 1, T0), IPPM_OK);
}

/* Ports in the order given, each with its own guid and seq from 0. */
static void test_udping_client_round_robin_and_seq(void **state)
{
    (void)state;
    struct udping_client c;
    struct udping_port p[3];
    struct udping_client_cfg cfg = cfg_default();
    start(&c, p, 3, &cfg, T0 + 123);
    assert_true(udping_client_deadline(&c) == T0 + 123);
    assert_true(strcmp(p[0].guid, p[1].guid) != 0);
    assert_true(strcmp(p[1].guid, p[2].guid) != 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(strlen(p[i].guid), UDPING_GUID_LEN);
        assert_int_equal(strspn(p[i].guid, "0123456789abcdef"),
                         UDPING_GUID_LEN);
        assert_true(p[i].client_start == 1700000000);
    }
    uint8_t tx[UDPING_MAX_PKT];
    for (uint32_t k = 0; k < 9; k++) {
        size_t port = 99;
        uint64_t now = udping_client_deadline(&c);
        struct ippm_action a = fire(&c, now, tx, sizeof tx, &port);
        assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
        assert_int_equal(port, k % 3);
        assert_int_equal(a.seq, k / 3);
        struct udping_hdr h;
        assert_int_equal(udping_decode(tx, a.len, &h), IPPM_OK);
        assert_int_equal(h.seq, k / 3);
        assert_string_equal(h.guid, p[port].guid);
        assert_true(h.client_start == 1700000000);
        assert_true((uint64_t)h.sent_sec * S + (uint64_t)h.sent_nsec == now);
        assert_false(h.pad_nonzero || h.payload_nonzero);
    }
    assert_true(c.sent == 9);
}

/* Nothing before the deadline, nothing on other events. */
static void test_udping_client_waits_for_its_deadline(void **state)
{
    (void)state;
    struct udping_client c;
    struct udping_port p[1];
    struct udping_client_cfg cfg = cfg_default();
    start(&c, p, 1, &cfg, T0);
    uint8_t tx[UDPING_MAX_PKT];
    size_t port;
    assert_int_equal(fire(&c, T0 - 1, tx, sizeof tx, &port).kind,
                     IPPM_ACT_NONE);
    struct ippm_event ev = {.kind = IPPM_EV_STOP, .now_ns = T0};
    struct ippm_action a;
    udping_client_handle(&c, &ev, tx, sizeof tx, &a, &port);
    assert_int_equal(a.kind, IPPM_ACT_NONE);
    ev.kind = IPPM_EV_DATAGRAM;
    udping_client_handle(&c, &ev, tx, sizeof tx, &a, &port);
    assert_int_equal(a.kind, IPPM_ACT_NONE);
    /* too small a buffer: DROP, nothing consumed */
    a = fire(&c, T0, tx, 10, &port);
    assert_int_equal(a.kind, IPPM_ACT_DROP);
    assert_int_equal(a.why, IPPM_ERR_NOSPACE);
    assert_int_equal(p[0].seq, 0);
    a = fire(&c, T0, tx, 64, &port); /* room for 64, every v1 size >= 72 */
    assert_int_equal(a.kind, IPPM_ACT_DROP);
    assert_int_equal(a.why, IPPM_ERR_NOSPACE);
    assert_int_equal(p[0].seq, 0);
    assert_int_equal(
        fire(&c, udping_client_deadline(&c), tx, sizeof tx, &port).kind,
        IPPM_ACT_SEND_DATAGRAM);
}

/* Notes §4: gaps count from the due time, not from when the TIMER came
 * (a late driver catches up), and never exceed 10 x d. */
static void test_udping_client_gaps_from_due_time_capped(void **state)
{
    (void)state;
    struct udping_client c;
    struct udping_port p[2];
    struct udping_client_cfg cfg = cfg_default();
    start(&c, p, 2, &cfg, T0);
    uint8_t tx[UDPING_MAX_PKT];
    size_t port;
    uint64_t due = T0, max_gap = 0;
    for (int i = 0; i < 20000; i++) {
        /* fire 3 ms late every time */
        assert_int_equal(fire(&c, due + 3000000, tx, sizeof tx, &port).kind,
                         IPPM_ACT_SEND_DATAGRAM);
        assert_true(udping_client_deadline(&c) == due + c.last_gap_ns);
        due = udping_client_deadline(&c);
        if (c.last_gap_ns > max_gap)
            max_gap = c.last_gap_ns;
    }
    assert_true(max_gap <= 200000000u);
    /* 20,000 draws: P(X > 10) = e^-10, so some hit the cap */
    assert_true(max_gap == 200000000u);
}

/* A TIMER more than 10 d late restarts the schedule from now: no burst
 * of the backlog. Up to 10 d late, the schedule keeps its due times. */
static void test_udping_client_resyncs_after_a_stall(void **state)
{
    (void)state;
    struct udping_client c;
    struct udping_port p[1];
    struct udping_client_cfg cfg = cfg_default();
    start(&c, p, 1, &cfg, T0);
    uint8_t tx[UDPING_MAX_PKT];
    size_t port;
    fire(&c, T0 + 200000000, tx, sizeof tx, &port); /* 10 d late: kept */
    assert_true(c.resyncs == 0);
    assert_true(udping_client_deadline(&c) == T0 + c.last_gap_ns);
    uint64_t now = udping_client_deadline(&c) + 200000001; /* > 10 d */
    fire(&c, now, tx, sizeof tx, &port);
    assert_true(c.resyncs == 1);
    assert_true(udping_client_deadline(&c) == now + c.last_gap_ns);
}

/* The guid: 20 lowercase hex characters and a NUL, every digit used. */
static void test_udping_guid_draw(void **state)
{
    (void)state;
    struct ippm_rng g;
    ippm_rng_seed(&g, 3);
    unsigned seen[16] = {0};
    char guid[UDPING_GUID_LEN + 1];
    for (int k = 0; k < 100; k++) {
        memset(guid, 'x', sizeof guid);
        udping_guid_draw(&g, guid);
        assert_int_equal(guid[UDPING_GUID_LEN], 0);
        for (int i = 0; i < UDPING_GUID_LEN; i++) {
            const char *h = "0123456789abcdef";
            const char *at = strchr(h, guid[i]);
            assert_non_null(at);
            seen[at - h]++;
        }
    }
    for (int d = 0; d < 16; d++) /* 125 expected each */
        assert_true(seen[d] > 70 && seen[d] < 180);
}

/* -d 0: back to back, every gap 0 (the original computes NaN there). */
static void test_udping_client_zero_gap(void **state)
{
    (void)state;
    struct udping_client c;
    struct udping_port p[1];
    struct udping_client_cfg cfg = cfg_default();
    cfg.mean_gap_ms = 0;
    start(&c, p, 1, &cfg, T0);
    uint8_t tx[UDPING_MAX_PKT];
    size_t port;
    for (int i = 0; i < 5; i++)
        assert_int_equal(fire(&c, T0, tx, sizeof tx, &port).kind,
                         IPPM_ACT_SEND_DATAGRAM);
    assert_true(udping_client_deadline(&c) == T0);
}

/* Notes §1: size = rand % m raised to 72: within [72, m-1], 72 weighted;
 * m <= 72 gives 72 always. */
static void test_udping_client_sizes(void **state)
{
    (void)state;
    struct udping_client c;
    struct udping_port p[1];
    uint8_t tx[UDPING_MAX_PKT];
    size_t port;
    static const uint32_t ms[] = {1, 72, 73, 300, 2000};
    for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++) {
        struct udping_client_cfg cfg = cfg_default();
        cfg.max_size = ms[k];
        cfg.mean_gap_ms = 0;
        start(&c, p, 1, &cfg, T0);
        unsigned at72 = 0, top = 0;
        for (int i = 0; i < 4000; i++) {
            struct ippm_action a = fire(&c, T0, tx, sizeof tx, &port);
            assert_int_equal(a.kind, IPPM_ACT_SEND_DATAGRAM);
            assert_true(a.len >= 72);
            assert_true(a.len <= (ms[k] > 72 ? ms[k] - 1 : 72));
            at72 += a.len == 72;
            top += a.len == ms[k] - 1;
        }
        if (ms[k] <= 73)
            assert_int_equal(at72, 4000);
        if (ms[k] == 300) { /* 73/300 of draws give 72; 1/300 give 299 */
            assert_true(at72 > 850 && at72 < 1100);
            assert_true(top > 0);
        }
    }
}

/* The same seed gives the same packets; another seed other guids. */
static void test_udping_client_deterministic_from_seed(void **state)
{
    (void)state;
    struct udping_client a, b, c;
    struct udping_port pa[2], pb[2], pc[2];
    ports_init(pa, 2, 5000);
    ports_init(pb, 2, 5000);
    ports_init(pc, 2, 5000);
    struct udping_client_cfg cfg = cfg_default();
    udping_client_init(&a, &cfg, pa, 2, T0);
    udping_client_init(&b, &cfg, pb, 2, T0);
    cfg.seed++;
    udping_client_init(&c, &cfg, pc, 2, T0);
    assert_string_equal(pa[0].guid, pb[0].guid);
    assert_true(strcmp(pa[0].guid, pc[0].guid) != 0);
    uint8_t ta[UDPING_MAX_PKT], tb[UDPING_MAX_PKT];
    size_t port;
    for (int i = 0; i < 100; i++) {
        struct ippm_action x = fire(&a, udping_client_deadline(&a), ta,
                                    sizeof ta, &port);
        struct ippm_action y = fire(&b, udping_client_deadline(&b), tb,
                                    sizeof tb, &port);
        assert_int_equal(x.len, y.len);
        assert_memory_equal(ta, tb, x.len);
    }
}

/* Notes §2: a new guid per port when now / -i, floored, changes, checked
 * just before that port sends; seq goes on. */
static void test_udping_client_guid_rollover_keeps_seq(void **state)
{
    (void)state;
    struct udping_client c;
    struct udping_port p[2];
    struct udping_client_cfg cfg = cfg_default();
    cfg.interval_s = 2;
    cfg.mean_gap_ms = 0;
    start(&c, p, 2, &cfg, T0 + S); /* mid-interval */
    char g0[UDPING_GUID_LEN + 1], g1[UDPING_GUID_LEN + 1];
    strcpy(g0, p[0].guid);
    strcpy(g1, p[1].guid);
    uint8_t tx[UDPING_MAX_PKT];
    size_t port;
    fire(&c, T0 + S, tx, sizeof tx, &port);         /* port 0, seq 0 */
    fire(&c, T0 + 2 * S - 1, tx, sizeof tx, &port); /* port 1, seq 0 */
    /* T0 + 2 s: a new interval; port 0 renews first, port 1 when its
     * turn comes */
    struct ippm_action a = fire(&c, T0 + 2 * S, tx, sizeof tx, &port);
    assert_int_equal(port, 0);
    assert_int_equal(a.seq, 1);
    assert_true(strcmp(p[0].guid, g0) != 0);
    assert_string_equal(p[1].guid, g1);
    struct udping_hdr h;
    assert_int_equal(udping_decode(tx, a.len, &h), IPPM_OK);
    assert_string_equal(h.guid, p[0].guid);
    assert_true(h.client_start == 1700000001); /* the port's start */
    a = fire(&c, T0 + 2 * S, tx, sizeof tx, &port);
    assert_int_equal(port, 1);
    assert_int_equal(a.seq, 1);
    assert_true(strcmp(p[1].guid, g1) != 0);
    /* same interval: no renewal */
    strcpy(g0, p[0].guid);
    fire(&c, T0 + 4 * S - 1, tx, sizeof tx, &port);
    assert_string_equal(p[0].guid, g0);
}

/* Notes §8: at rollover the old guid's control packet (seq = pings + 1,
 * size 64, no timestamp), then pings from seq 1 under the new guid. */
static void test_udping_client_legacy_control_packets(void **state)
{
    (void)state;
    struct udping_client c;
    struct udping_port p[1];
    struct udping_client_cfg cfg = cfg_default();
    cfg.interval_s = 2;
    cfg.mean_gap_ms = 0;
    cfg.legacy = true;
    cfg.max_size = 64; /* every ping is 65, the 2017 minimum */
    start(&c, p, 1, &cfg, T0);
    char g0[UDPING_GUID_LEN + 1];
    strcpy(g0, p[0].guid);
    uint8_t tx[UDPING_MAX_PKT];
    size_t port;
    struct udping_legacy_hdr h;
    for (int32_t i = 1; i <= 3; i++) {
        struct ippm_action a = fire(&c, T0, tx, sizeof tx, &port);
        assert_int_equal(a.len, 65);
        assert_int_equal(udping_legacy_decode(tx, a.len, &h), IPPM_OK);
        assert_int_equal(h.seq, i);
        assert_int_equal(h.control, 0);
        assert_int_equal(h.ts_count, 1);
        assert_true(h.sent_sec == 1700000000);
    }
    struct ippm_action a = fire(&c, T0 + 2 * S, tx, sizeof tx, &port);
    assert_int_equal(a.len, 64);
    assert_int_equal(a.seq, 4);
    assert_int_equal(udping_legacy_decode(tx, a.len, &h), IPPM_OK);
    assert_string_equal(h.guid, g0);
    assert_true(h.control == 1 && h.seq == 4 && h.ts_count == 0);
    assert_true(h.sent_sec == 0 && h.sent_nsec == 0);
    assert_true(udping_client_deadline(&c) == T0); /* the ping is due */
    a = fire(&c, T0 + 2 * S, tx, sizeof tx, &port);
    assert_int_equal(udping_legacy_decode(tx, a.len, &h), IPPM_OK);
    assert_true(h.control == 0 && h.seq == 1);
    assert_true(strcmp(h.guid, g0) != 0);
    assert_true(c.sent == 5 && c.controls == 1);
    /* an interval with no ping sends no control packet */
    strcpy(g0, p[0].guid);
    c.ports[0].legacy_sent = 0;
    a = fire(&c, T0 + 4 * S, tx, sizeof tx, &port);
    assert_int_equal(a.len, 65);
    assert_true(strcmp(p[0].guid, g0) != 0);
}

/* The client's stream through the receiver: three ports over two
 * intervals, every session reported with count == target, and a lost
 * tail closed by the successor. */
static void test_udping_client_through_server(void **state)
{
    (void)state;
    struct udping_client c;
    struct udping_port p[3];
    struct udping_client_cfg cfg = cfg_default();
    cfg.interval_s = 2;
    start(&c, p, 3, &cfg, T0);
    struct udping_server s;
    struct udping_session slots[16];
    static uint64_t mem[UDPING_SERVER_MEM(16) / 8 + 1];
    uint8_t seed[IPPM_TABLE_SEED_LEN] = {9};
    assert_int_equal(udping_server_init(&s, slots, 16, mem, sizeof mem, seed,
                                        S, false),
                     IPPM_OK);
    uint8_t tx[UDPING_MAX_PKT];
    size_t port;
    unsigned sent = 0;
    while (udping_client_deadline(&c) < T0 + 4 * S) {
        uint64_t now = udping_client_deadline(&c);
        struct ippm_action a = fire(&c, now, tx, sizeof tx, &port);
        struct ippm_addr peer = {.family = IPPM_AF_INET,
                                 .ip = {127, 0, 0, 1},
                                 .port = p[port].port};
        /* port 5001 loses its last packets of the first interval */
        bool lost = port == 1 && now >= T0 + 2 * S - 150000000 &&
                    now < T0 + 2 * S;
        if (!lost)
            assert_int_equal(udping_server_take(&s, tx, a.len, &peer,
                                                now + 500000, NULL, NULL),
                             IPPM_OK);
        sent++;
    }
    struct udping_report r[16];
    size_t n = udping_server_flush(&s, 0, true, r, 16);
    assert_int_equal(n, 6);
    uint64_t got = 0, want = 0;
    for (size_t i = 0; i < n; i++) {
        got += r[i].count;
        want += r[i].target;
        assert_true(r[i].max_ms > 0.499 && r[i].max_ms < 0.501);
    }
    assert_true(want == sent); /* the lost tail is expected all the same */
    assert_true(got < want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udping_client_init_rejects_bad_args),
        cmocka_unit_test(test_udping_client_round_robin_and_seq),
        cmocka_unit_test(test_udping_client_waits_for_its_deadline),
        cmocka_unit_test(test_udping_client_gaps_from_due_time_capped),
        cmocka_unit_test(test_udping_client_resyncs_after_a_stall),
        cmocka_unit_test(test_udping_guid_draw),
        cmocka_unit_test(test_udping_client_zero_gap),
        cmocka_unit_test(test_udping_client_sizes),
        cmocka_unit_test(test_udping_client_deterministic_from_seed),
        cmocka_unit_test(test_udping_client_guid_rollover_keeps_seq),
        cmocka_unit_test(test_udping_client_legacy_control_packets),
        cmocka_unit_test(test_udping_client_through_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
