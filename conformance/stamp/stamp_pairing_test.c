/* stamp_pairing.c: requests and replies of hand-made captures into
 * exchanges. Offsets are written here from RFC 8762 Figures 2, 5 and 6
 * (not read from the layout table), so a pairing that read the wrong
 * field would fail. Replies sit flush against a PROT_NONE page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "conformance/stamp/stamp_pairing.h"
#include "proto/common/ippm_cur.h"
#include "testsupport/ippm_guard.h"

#define MAXD 16
#define MS 1000000ull

/* A capture being built. */
struct cap {
    struct stamp_dgram d[MAXD];
    struct ippm_guard g[MAXD];
    size_t n;
    struct ippm_exchange ex[MAXD];
    size_t n_ex;
    struct stamp_pairing_counts k;
    struct stamp_pairing_index ix;
    struct stamp_pairing_slot slot[STAMP_PAIRING_INDEX_SLOTS(MAXD)];
    struct stamp_pairing_flow flow[STAMP_PAIRING_INDEX_FLOWS(MAXD)];
    uint32_t next[STAMP_PAIRING_INDEX_NEXT(MAXD)];
};

/* An empty index for c's exchanges. */
static void ix_init(struct cap *c, bool auth)
{
    assert_int_equal(stamp_pairing_index_init(
                         &c->ix, c->slot, sizeof c->slot / sizeof c->slot[0],
                         c->flow, sizeof c->flow / sizeof c->flow[0], c->next,
                         sizeof c->next / sizeof c->next[0], MAXD,
                         auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN),
                     IPPM_OK);
}

static const struct ippm_addr sender_a = {IPPM_AF_INET, {10, 0, 0, 1}, 40000, 0};
static const struct ippm_addr sender_b = {IPPM_AF_INET, {10, 0, 0, 2}, 40000, 0};
static const struct ippm_addr refl = {IPPM_AF_INET, {10, 0, 0, 9}, 862, 0};

static void add(struct cap *c, const struct ippm_addr *src,
                const struct ippm_addr *dst, uint64_t t_ms, const uint8_t *b,
                size_t len)
{
    assert_true(c->n < MAXD);
    struct stamp_dgram *d = &c->d[c->n];
    d->data = ippm_guard_copy(&c->g[c->n], b, len);
    d->len = len;
    d->ts_ns = t_ms * MS;
    d->src = *src;
    d->dst = *dst;
    d->ttl = 64;
    d->tos = -1;
    c->n++;
}

/* A request with Sequence Number seq (octets 0-3, both modes). */
static void req(struct cap *c, const struct ippm_addr *from, uint64_t t_ms,
                uint32_t seq, size_t len)
{
    uint8_t b[112] = {0};
    ippm_store_u32(b, seq);
    add(c, from, &refl, t_ms, b, len);
}

/* A reply to from: Sequence Number 1000 + ss_seq, Session-Sender
 * Sequence Number ss_seq at octets 24-27 (open) or 48-51 (auth). */
static void rep(struct cap *c, const struct ippm_addr *to, uint64_t t_ms,
                uint32_t ss_seq, size_t len, bool auth)
{
    uint8_t b[112] = {0};
    ippm_store_u32(b, 1000 + ss_seq);
    ippm_store_u32(b + (auth ? 48 : 24), ss_seq);
    add(c, &refl, to, t_ms, b, len);
}

static void run(struct cap *c, bool auth)
{
    ix_init(c, auth);
    assert_int_equal(stamp_pairing_run(c->d, c->n, 862, &c->ix, c->ex, MAXD,
                                       &c->n_ex, &c->k),
                     IPPM_OK);
}

static void cap_free(struct cap *c)
{
    for (size_t i = 0; i < c->n; i++)
        ippm_guard_free(&c->g[i]);
}

static uint32_t rep_seq(const struct ippm_exchange *e)
{
    assert_non_null(e->rep);
    return ippm_load_u32(e->rep) - 1000;
}

static void test_stamp_pairing_run_matches_by_sequence_number(void **st)
{
    (void)st;
    struct cap c = {0};
    req(&c, &sender_a, 0, 0, 44);
    req(&c, &sender_a, 1, 1, 44);
    req(&c, &sender_a, 2, 2, 44);
    rep(&c, &sender_a, 3, 2, 44, false); /* out of order */
    rep(&c, &sender_a, 4, 0, 44, false);
    run(&c, false);
    assert_int_equal(c.n_ex, 3);
    assert_int_equal(c.k.requests, 3);
    assert_int_equal(c.k.replies, 2);
    assert_int_equal(c.k.matched, 2);
    assert_int_equal(rep_seq(&c.ex[0]), 0);
    assert_null(c.ex[1].rep);
    assert_int_equal(rep_seq(&c.ex[2]), 2);
    assert_int_equal(c.ex[2].rep_ns, 3 * MS);
    assert_int_equal(c.ex[2].n_replies, 1);
    assert_true(ippm_addr_equal(&c.ex[2].rep_src, &refl));
    assert_int_equal(c.ex[0].req_ttl, 64);
    cap_free(&c);
}

/* Authenticated mode: the copy is at octets 48-51, not 24-27. */
static void test_stamp_pairing_run_reads_auth_offsets(void **st)
{
    (void)st;
    struct cap c = {0};
    req(&c, &sender_a, 0, 0, 112);
    req(&c, &sender_a, 1, 1, 112);
    rep(&c, &sender_a, 2, 0, 112, true);
    rep(&c, &sender_a, 3, 1, 112, true);
    run(&c, true);
    assert_int_equal(c.k.matched, 2);
    assert_int_equal(rep_seq(&c.ex[0]), 0);
    assert_int_equal(rep_seq(&c.ex[1]), 1);
    cap_free(&c);
}

static void test_stamp_pairing_run_counts_duplicates(void **st)
{
    (void)st;
    struct cap c = {0};
    req(&c, &sender_a, 0, 0, 44);
    req(&c, &sender_a, 1, 1, 44);
    rep(&c, &sender_a, 2, 0, 44, false);
    rep(&c, &sender_a, 3, 0, 44, false);
    rep(&c, &sender_a, 4, 0, 44, false);
    run(&c, false);
    assert_int_equal(c.k.matched, 1);
    assert_int_equal(c.k.duplicates, 2);
    assert_int_equal(c.k.unmatched, 0);
    assert_int_equal(c.ex[0].n_replies, 3);
    assert_int_equal(c.ex[0].rep_ns, 2 * MS); /* the first one */
    assert_null(c.ex[1].rep);
    cap_free(&c);
}

/* A duplicate sequence number in the requests: the first reply goes to
 * the first request, the second to the next, a third is a duplicate of
 * the latest. */
static void test_stamp_pairing_run_repeated_request_numbers(void **st)
{
    (void)st;
    struct cap c = {0};
    req(&c, &sender_a, 0, 7, 44);
    req(&c, &sender_a, 1, 7, 44);
    rep(&c, &sender_a, 2, 7, 44, false);
    rep(&c, &sender_a, 3, 7, 44, false);
    rep(&c, &sender_a, 4, 7, 44, false);
    run(&c, false);
    assert_int_equal(c.k.matched, 2);
    assert_int_equal(c.k.duplicates, 1);
    assert_int_equal(c.ex[0].n_replies, 1);
    assert_int_equal(c.ex[1].n_replies, 2);
    cap_free(&c);
}

static void test_stamp_pairing_run_unmatched_replies(void **st)
{
    (void)st;
    struct cap c = {0};
    req(&c, &sender_a, 0, 0, 44);
    rep(&c, &sender_a, 1, 0, 44, false);
    rep(&c, &sender_a, 2, 5, 44, false); /* nothing left to answer */
    rep(&c, &sender_b, 3, 0, 44, false); /* a flow that asked nothing */
    run(&c, false);
    assert_int_equal(c.k.replies, 3);
    assert_int_equal(c.k.matched, 1);
    assert_int_equal(c.k.unmatched, 2);
    assert_int_equal(c.ex[0].n_replies, 1);
    cap_free(&c);
}

/* A wrong copy, or a reply too short to carry one, answers the latest
 * unanswered request of its flow sent before it. */
static void test_stamp_pairing_run_wrong_copy_takes_latest_request(void **st)
{
    (void)st;
    struct cap c = {0};
    req(&c, &sender_a, 0, 0, 44);
    req(&c, &sender_a, 1, 1, 44);
    req(&c, &sender_a, 9, 2, 44);
    rep(&c, &sender_a, 2, 99, 44, false); /* copied wrong */
    rep(&c, &sender_a, 3, 0, 20, false);  /* 20 octets: no copy at all */
    run(&c, false);
    assert_int_equal(c.k.matched, 2);
    assert_int_equal(rep_seq(&c.ex[1]), 99);
    assert_int_equal(c.ex[0].rep_len, 20);
    assert_null(c.ex[2].rep); /* sent after both replies */
    cap_free(&c);
}

/* Two IPv4 addresses are the same flow whatever octets 4-15 of ip[]
 * hold (ippm_addr_equal reads four): the index finds the request. */
static void test_stamp_pairing_run_ipv4_ignores_unused_octets(void **st)
{
    (void)st;
    struct cap c = {0};
    req(&c, &sender_a, 0, 7, 44);
    struct ippm_addr a = sender_a, r = refl;
    memset(a.ip + 4, 0xee, 12);
    memset(r.ip + 4, 0x77, 12);
    uint8_t b[44] = {0};
    ippm_store_u32(b, 1007);
    ippm_store_u32(b + 24, 7);
    add(&c, &r, &a, 1, b, sizeof b);
    run(&c, false);
    assert_int_equal(c.k.matched, 1);
    assert_int_equal(rep_seq(&c.ex[0]), 7);
    cap_free(&c);
}

/* Replies that name no request (number and Timestamp copied wrong) each
 * take the latest unanswered request sent before them, in turn; one
 * captured out of time order (two taps) is paired the same way. */
static void test_stamp_pairing_run_replies_naming_nothing(void **st)
{
    (void)st;
    struct cap c = {0};
    for (uint32_t i = 0; i < 5; i++)
        req(&c, &sender_a, 2 * i, i, 44);
    rep(&c, &sender_a, 10, 99, 44, false);
    rep(&c, &sender_a, 11, 98, 44, false);
    rep(&c, &sender_a, 12, 97, 44, false);
    rep(&c, &sender_a, 3, 96, 44, false); /* before requests 2, 3 and 4 */
    rep(&c, &sender_a, 13, 95, 44, false);
    run(&c, false);
    assert_int_equal(c.k.matched, 5);
    assert_int_equal(rep_seq(&c.ex[4]), 99);
    assert_int_equal(rep_seq(&c.ex[3]), 98);
    assert_int_equal(rep_seq(&c.ex[2]), 97);
    assert_int_equal(rep_seq(&c.ex[1]), 96);
    assert_int_equal(rep_seq(&c.ex[0]), 95);
    cap_free(&c);
}

/* Open mode, Timestamp (octets 4-11 of a request, Session-Sender
 * Timestamp 28-35 of a reply, RFC 8762 Figures 2 and 4) set to ts. */
static void req_ts(struct cap *c, uint64_t t_ms, uint32_t seq, uint64_t ts)
{
    uint8_t b[44] = {0};
    ippm_store_u32(b, seq);
    ippm_store_u64(b + 4, ts);
    add(c, &sender_a, &refl, t_ms, b, sizeof b);
}

static void rep_ts(struct cap *c, uint64_t t_ms, uint32_t ss_seq,
                   uint64_t ss_ts)
{
    uint8_t b[44] = {0};
    ippm_store_u32(b, 1000 + ss_seq);
    ippm_store_u32(b + 24, ss_seq);
    ippm_store_u64(b + 28, ss_ts);
    add(c, &refl, &sender_a, t_ms, b, sizeof b);
}

/* A reflector that copies the Sequence Number plus one: each reply names
 * the next request by number but copies its own request's Timestamp.
 * Paired by content, every request has its reply (the copy case then
 * grades the number), none is lost and none unmatched. */
static void test_stamp_pairing_run_off_by_one_pairs_by_content(void **st)
{
    (void)st;
    struct cap c = {0};
    for (uint32_t i = 0; i < 3; i++) {
        req_ts(&c, 10 * i, i, 0x1000 + i);
        rep_ts(&c, 10 * i + 5, i + 1, 0x1000 + i);
    }
    run(&c, false);
    assert_int_equal(c.k.matched, 3);
    assert_int_equal(c.k.unmatched, 0);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(rep_seq(&c.ex[i]), i + 1);
    cap_free(&c);
}

/* As the live prober pairs: each request becomes an exchange when it is
 * sent (stamp_pairing_exchange_init), each reply is paired on arrival
 * against the exchanges so far, and *at says which exchange took it. An
 * off-by-one copy is paired by content then too, a second reply is a
 * duplicate of its request. */
static void test_stamp_pairing_reply_one_at_a_time(void **st)
{
    (void)st;
    struct cap c = {0};
    size_t at = 99;
    ix_init(&c, false);
    for (uint32_t i = 0; i < 3; i++) {
        req_ts(&c, 10 * i, i, 0x3000 + i);
        stamp_pairing_exchange_init(&c.ex[c.n_ex++], &c.d[c.n - 1]);
        assert_int_equal(stamp_pairing_index_add(&c.ix, c.ex), IPPM_OK);
        assert_null(c.ex[c.n_ex - 1].rep);
        assert_int_equal(c.ex[c.n_ex - 1].req_ns, 10 * i * MS);
        rep_ts(&c, 10 * i + 5, i == 1 ? 2 : i, 0x3000 + i);
        assert_int_equal(stamp_pairing_reply(c.ex, c.n_ex, &c.ix,
                                             &c.d[c.n - 1], &at),
                         STAMP_PAIRING_MATCHED);
        assert_int_equal(at, i);
    }
    assert_int_equal(rep_seq(&c.ex[1]), 2); /* graded by the copy case */
    rep_ts(&c, 40, 0, 0x3000);
    assert_int_equal(stamp_pairing_reply(c.ex, c.n_ex, &c.ix, &c.d[c.n - 1],
                                         &at),
                     STAMP_PAIRING_DUPLICATE);
    assert_int_equal(at, 0);
    assert_int_equal(c.ex[0].n_replies, 2);
    cap_free(&c);
}

/* Content does not override the number when two requests share the
 * Timestamp, nor when the request it names is already answered. */
static void test_stamp_pairing_run_content_needs_one_request(void **st)
{
    (void)st;
    struct cap c = {0};
    req_ts(&c, 0, 0, 0x2000);
    req_ts(&c, 10, 1, 0x2000);
    rep_ts(&c, 15, 0, 0x2001); /* number 0, Timestamp of no request */
    rep_ts(&c, 16, 0, 0x2000); /* number 0 again: a duplicate */
    run(&c, false);
    assert_int_equal(rep_seq(&c.ex[0]), 0);
    assert_null(c.ex[1].rep);
    assert_int_equal(c.k.duplicates, 1);
    cap_free(&c);
}

/* Captured before its request (clocks of two taps): the number still
 * pairs it, but no reply answers by position a request sent after it. */
static void test_stamp_pairing_run_reply_before_request(void **st)
{
    (void)st;
    struct cap c = {0};
    rep(&c, &sender_a, 0, 3, 44, false);
    rep(&c, &sender_a, 1, 42, 44, false);
    req(&c, &sender_a, 5, 3, 44);
    req(&c, &sender_a, 6, 4, 44);
    run(&c, false);
    assert_int_equal(c.k.matched, 1);
    assert_int_equal(c.k.unmatched, 1);
    assert_int_equal(rep_seq(&c.ex[0]), 3);
    assert_int_equal(c.ex[0].rep_ns, 0);
    assert_null(c.ex[1].rep);
    cap_free(&c);
}

static void test_stamp_pairing_run_keeps_flows_apart(void **st)
{
    (void)st;
    struct cap c = {0};
    req(&c, &sender_a, 0, 0, 44);
    req(&c, &sender_b, 1, 0, 44);
    req(&c, &sender_b, 2, 1, 44);
    rep(&c, &sender_b, 3, 0, 44, false);
    rep(&c, &sender_a, 4, 0, 44, false);
    rep(&c, &sender_b, 5, 1, 44, false);
    run(&c, false);
    assert_int_equal(c.k.matched, 3);
    assert_int_equal(c.ex[0].rep_ns, 4 * MS);
    assert_int_equal(c.ex[1].rep_ns, 3 * MS);
    assert_int_equal(c.ex[2].rep_ns, 5 * MS);
    assert_true(ippm_addr_equal(&c.ex[1].req_src, &sender_b));
    cap_free(&c);
}

static void test_stamp_pairing_run_tos_known_only_when_both_are(void **st)
{
    (void)st;
    struct cap c = {0};
    req(&c, &sender_a, 0, 0, 44);
    req(&c, &sender_a, 1, 1, 44);
    rep(&c, &sender_a, 2, 0, 44, false);
    rep(&c, &sender_a, 3, 1, 44, false);
    c.d[0].tos = 0x28;
    c.d[1].tos = 0x28;
    c.d[2].tos = 0x88;
    run(&c, false);
    assert_true(c.ex[0].tos_known);
    assert_int_equal(c.ex[0].req_tos, 0x28);
    assert_int_equal(c.ex[0].rep_tos, 0x88);
    assert_false(c.ex[1].tos_known); /* the reply's is unknown */
    cap_free(&c);
}

static void test_stamp_pairing_run_rejects_small_exchange_array(void **st)
{
    (void)st;
    struct cap c = {0};
    req(&c, &sender_a, 0, 0, 44);
    req(&c, &sender_a, 1, 1, 44);
    size_t n_ex = 77;
    assert_int_equal(stamp_pairing_count_requests(c.d, c.n, 862), 2);
    ix_init(&c, false);
    assert_int_equal(stamp_pairing_run(c.d, c.n, 862, &c.ix, c.ex, 1, &n_ex,
                                       &c.k),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(n_ex, 77);
    /* an index made for fewer exchanges than the capture's requests */
    assert_int_equal(stamp_pairing_index_init(&c.ix, c.slot,
                                              STAMP_PAIRING_INDEX_SLOTS(1),
                                              c.flow,
                                              STAMP_PAIRING_INDEX_FLOWS(1),
                                              c.next, 4, 1, STAMP_MODE_OPEN),
                     IPPM_OK);
    assert_int_equal(stamp_pairing_run(c.d, c.n, 862, &c.ix, c.ex, MAXD,
                                       &n_ex, &c.k),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(n_ex, 77);
    cap_free(&c);
}

/* The index takes only the room it was given, and says so. */
static void test_stamp_pairing_index_init_checks_room(void **st)
{
    (void)st;
    struct cap c = {0};
    const size_t s = STAMP_PAIRING_INDEX_SLOTS(MAXD);
    const size_t f = STAMP_PAIRING_INDEX_FLOWS(MAXD);
    const size_t x = STAMP_PAIRING_INDEX_NEXT(MAXD);
    assert_int_equal(stamp_pairing_index_init(&c.ix, c.slot, s - 1, c.flow, f,
                                              c.next, x, MAXD,
                                              STAMP_MODE_OPEN),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(stamp_pairing_index_init(&c.ix, c.slot, s, c.flow, f - 1,
                                              c.next, x, MAXD,
                                              STAMP_MODE_OPEN),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(stamp_pairing_index_init(&c.ix, c.slot, s, c.flow, f,
                                              c.next, x - 1, MAXD,
                                              STAMP_MODE_OPEN),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(stamp_pairing_index_init(&c.ix, c.slot, SIZE_MAX, c.flow,
                                              SIZE_MAX, c.next, SIZE_MAX,
                                              UINT32_MAX, STAMP_MODE_OPEN),
                     IPPM_ERR_BAD_ARG);
    ix_init(&c, false);
    req(&c, &sender_a, 0, 0, 44);
    stamp_pairing_exchange_init(&c.ex[0], &c.d[0]);
    for (size_t i = 0; i < MAXD; i++)
        assert_int_equal(stamp_pairing_index_add(&c.ix, c.ex), IPPM_OK);
    assert_int_equal(stamp_pairing_index_add(&c.ix, c.ex), IPPM_ERR_NOSPACE);
    cap_free(&c);
}

/* Every request with one Sequence Number and one Timestamp (a sender
 * that never counts nor reads its clock), every key of the index on one
 * chain: each reply still takes the first unanswered request, in order,
 * and one more is a duplicate of the last. Requests too short to carry
 * the number are not indexed, and only a reply that names nothing takes
 * one. */
static void test_stamp_pairing_run_one_key_for_all(void **st)
{
    (void)st;
    struct cap c = {0};
    for (uint32_t i = 0; i < 6; i++)
        req_ts(&c, i, 5, 0x4000);
    req(&c, &sender_a, 6, 0, 3);
    for (uint32_t i = 0; i < 7; i++)
        rep_ts(&c, 10 + i, 5, 0x4000);
    run(&c, false);
    assert_int_equal(c.k.matched, 6);
    assert_int_equal(c.k.duplicates, 1);
    for (uint32_t i = 0; i < 6; i++)
        assert_int_equal(c.ex[i].rep_ns, (10 + i) * MS);
    assert_int_equal(c.ex[5].n_replies, 2);
    assert_null(c.ex[6].rep);
    cap_free(&c);
}

static void test_stamp_pairing_classifies_directions(void **st)
{
    (void)st;
    struct stamp_dgram d = {.src = sender_a, .dst = refl};
    assert_true(stamp_pairing_is_request(&d, 862));
    assert_false(stamp_pairing_is_reply(&d, 862));
    d.src.port = 862; /* port to port: neither */
    assert_false(stamp_pairing_is_request(&d, 862));
    assert_false(stamp_pairing_is_reply(&d, 862));
}

/* The port stamp_pairing_detect_port finds in c, with room for every
 * flow. */
static uint16_t detect(const struct cap *c)
{
    struct stamp_flow f[MAXD];
    uint32_t sl[STAMP_PAIRING_DETECT_SLOTS(MAXD)];
    uint16_t port = 1;
    assert_int_equal(stamp_pairing_detect_port(c->d, c->n, f, MAXD, sl,
                                               sizeof sl / sizeof sl[0], &port),
                     IPPM_OK);
    return port;
}

/* No 862: the port spoken to first and answered from. */
static void test_stamp_pairing_detect_port_finds_answering_port(void **st)
{
    (void)st;
    struct cap c = {0};
    struct ippm_addr r = refl, s = sender_a;
    r.port = 4000;
    s.port = 5000;
    uint8_t b[44] = {0};
    add(&c, &s, &r, 0, b, 44);
    add(&c, &r, &s, 1, b, 44);
    add(&c, &s, &r, 2, b, 44);
    add(&c, &r, &s, 3, b, 44);
    add(&c, &s, &r, 4, b, 13); /* shorter than any test packet */
    assert_int_equal(detect(&c), 4000);
    /* Two flows need two entries. */
    struct stamp_flow f[1];
    uint32_t sl[STAMP_PAIRING_DETECT_SLOTS(1)];
    uint16_t port = 1;
    assert_int_equal(stamp_pairing_detect_port(c.d, c.n, f, 1, sl, 3, &port),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(port, 1);
    /* One datagram to 862 settles it. */
    c.d[4].dst.port = 862;
    assert_int_equal(stamp_pairing_detect_port(c.d, c.n, f, 0, sl, 0, &port),
                     IPPM_OK);
    assert_int_equal(port, 862);
    cap_free(&c);
}

static void test_stamp_pairing_detect_port_zero_without_exchange(void **st)
{
    (void)st;
    struct cap c = {0};
    struct ippm_addr r = refl, s = sender_a;
    r.port = 4000;
    uint8_t b[44] = {0};
    add(&c, &s, &r, 0, b, 44); /* asked, never answered */
    assert_int_equal(detect(&c), 0);
    cap_free(&c);
}

/* A TWAMP-Light responder's 41-octet replies (RFC 5357 §4.2.1) answer
 * too: the port is found though no datagram is 44 octets. */
static void test_stamp_pairing_detect_port_counts_short_replies(void **st)
{
    (void)st;
    struct cap c = {0};
    struct ippm_addr r = refl, s = sender_a;
    r.port = 4000;
    s.port = 5000;
    uint8_t b[44] = {0};
    for (uint64_t t = 0; t < 6; t += 2) {
        add(&c, &s, &r, t, b, 14);
        add(&c, &r, &s, t + 1, b, 41);
    }
    assert_int_equal(detect(&c), 4000);
    cap_free(&c);
}

/* A port's score adds up over its flows: three senders answered once on
 * port 4000 outweigh one answered twice on 5000. A reply that came before
 * its flow's first request does not count. */
static void test_stamp_pairing_detect_port_sums_flows(void **st)
{
    (void)st;
    struct cap c = {0};
    struct ippm_addr r4 = refl, r5 = refl, s = sender_a;
    r4.port = 4000;
    r5.port = 5000;
    uint8_t b[44] = {0};
    for (uint16_t i = 0; i < 3; i++) {
        s.port = (uint16_t)(6000 + i);
        add(&c, &s, &r4, 10 * i, b, 44);
        add(&c, &r4, &s, 10 * i + 1, b, 44);
    }
    s.port = 7000;
    for (uint64_t t = 40; t < 44; t += 2) {
        add(&c, &s, &r5, t, b, 44);
        add(&c, &r5, &s, t + 1, b, 44);
    }
    assert_int_equal(detect(&c), 4000);
    /* 5000 spoke first on one more flow: it answered before it was asked */
    s.port = 7001;
    for (uint64_t t = 50; t < 54; t += 2) {
        add(&c, &r5, &s, t, b, 44);
        add(&c, &s, &r5, t + 1, b, 44);
    }
    assert_int_equal(detect(&c), 4000);
    /* Too few slots for the flows it may hold. */
    struct stamp_flow f[MAXD];
    uint32_t sl[STAMP_PAIRING_DETECT_SLOTS(MAXD)];
    uint16_t port = 1;
    assert_int_equal(stamp_pairing_detect_port(c.d, c.n, f, MAXD, sl,
                                               sizeof sl / sizeof sl[0] - 1,
                                               &port),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(port, 1);
    cap_free(&c);
}

/* Requests the capture ended on, unanswered, are in flight; one followed
 * by a reply of its flow, or sent long before the end, was lost. */
static void test_stamp_pairing_mark_in_flight(void **st)
{
    (void)st;
    struct cap c = {0};
    req(&c, &sender_a, 0, 1, 44);
    rep(&c, &sender_a, 1, 1, 44, false);
    req(&c, &sender_a, 10, 2, 44);   /* lost: 3 is answered after it */
    req(&c, &sender_a, 20, 3, 44);
    rep(&c, &sender_a, 21, 3, 44, false);
    req(&c, &sender_a, 30, 4, 44);   /* in flight */
    req(&c, &sender_b, 31, 9, 44);   /* in flight: 4's reply is not its */
    run(&c, false);
    assert_int_equal(c.n_ex, 5);
    /* one flow at a time: sender_a's four, then sender_b's one */
    assert_int_equal(stamp_pairing_mark_in_flight(c.ex, 4, 31 * MS,
                                                  1000 * MS),
                     1);
    assert_int_equal(stamp_pairing_mark_in_flight(c.ex + 4, 1, 31 * MS,
                                                  1000 * MS),
                     1);
    assert_false(c.ex[0].in_flight);
    assert_false(c.ex[1].in_flight);
    assert_false(c.ex[2].in_flight);
    assert_true(c.ex[3].in_flight);
    assert_true(c.ex[4].in_flight);
    /* The capture ran a timeout past them: lost, not in flight. */
    for (size_t i = 0; i < c.n_ex; i++)
        c.ex[i].in_flight = false;
    assert_int_equal(stamp_pairing_mark_in_flight(c.ex, 4, 1030 * MS,
                                                  1000 * MS),
                     0);
    assert_int_equal(stamp_pairing_mark_in_flight(c.ex + 4, 1, 1030 * MS,
                                                  1000 * MS),
                     1);
    assert_true(c.ex[4].in_flight);
    cap_free(&c);
}

/* pcap check --protocol auto: TWAMP Light's 41-octet reply to a short
 * request tells; a 44-octet one (RFC 8762 §4.6) or only base-length
 * requests do not. */
static void test_stamp_pairing_looks_twamp_light(void **state)
{
    (void)state;
    static const uint8_t pkt[64];
    struct ippm_exchange ex[3];
    memset(ex, 0, sizeof ex);
    for (size_t i = 0; i < 3; i++) {
        ex[i].req = pkt;
        ex[i].req_len = 14;
        ex[i].rep = pkt;
        ex[i].rep_len = 41;
    }
    ex[2].rep = NULL; /* unanswered: says nothing */
    assert_true(stamp_pairing_looks_twamp_light(ex, 3));
    ex[1].rep_len = 44;
    assert_false(stamp_pairing_looks_twamp_light(ex, 3));
    ex[0].req_len = ex[1].req_len = 44;
    ex[0].rep_len = ex[1].rep_len = 44;
    assert_false(stamp_pairing_looks_twamp_light(ex, 3));
    assert_false(stamp_pairing_looks_twamp_light(ex, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stamp_pairing_run_matches_by_sequence_number),
        cmocka_unit_test(test_stamp_pairing_run_reads_auth_offsets),
        cmocka_unit_test(test_stamp_pairing_run_counts_duplicates),
        cmocka_unit_test(test_stamp_pairing_run_repeated_request_numbers),
        cmocka_unit_test(test_stamp_pairing_run_unmatched_replies),
        cmocka_unit_test(test_stamp_pairing_run_wrong_copy_takes_latest_request),
        cmocka_unit_test(test_stamp_pairing_run_off_by_one_pairs_by_content),
        cmocka_unit_test(test_stamp_pairing_run_replies_naming_nothing),
        cmocka_unit_test(test_stamp_pairing_run_ipv4_ignores_unused_octets),
        cmocka_unit_test(test_stamp_pairing_run_content_needs_one_request),
        cmocka_unit_test(test_stamp_pairing_reply_one_at_a_time),
        cmocka_unit_test(test_stamp_pairing_run_reply_before_request),
        cmocka_unit_test(test_stamp_pairing_run_keeps_flows_apart),
        cmocka_unit_test(test_stamp_pairing_run_tos_known_only_when_both_are),
        cmocka_unit_test(test_stamp_pairing_run_rejects_small_exchange_array),
        cmocka_unit_test(test_stamp_pairing_index_init_checks_room),
        cmocka_unit_test(test_stamp_pairing_run_one_key_for_all),
        cmocka_unit_test(test_stamp_pairing_classifies_directions),
        cmocka_unit_test(test_stamp_pairing_detect_port_finds_answering_port),
        cmocka_unit_test(test_stamp_pairing_detect_port_zero_without_exchange),
        cmocka_unit_test(test_stamp_pairing_detect_port_counts_short_replies),
        cmocka_unit_test(test_stamp_pairing_detect_port_sums_flows),
        cmocka_unit_test(test_stamp_pairing_mark_in_flight),
        cmocka_unit_test(test_stamp_pairing_looks_twamp_light),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
