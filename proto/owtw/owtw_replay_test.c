/* Unit tests of the control machines against the perfSONAR captures:
 * the server machine fed the exact client octets of each capture, with
 * the capture's randomness injected and its driver answering as
 * owampd/twampd did, must send the exact server octets; the client
 * machine likewise against the server octets (owtw_control_test.c has
 * the machines talking to each other). */
#include "owtw_machine_test.h"
#include "owtw_captures_test.h"

/* ---- the captures ---- */

struct capture {
    enum owtw_proto proto;
    uint32_t mode;
    const uint8_t *c2s, *s2c;
    size_t c2s_len, s2c_len;
};

#define CAP(p, m, n) {p, m, n##_c2s, n##_s2c, sizeof n##_c2s, sizeof n##_s2c}

static const struct capture CAPS[] = {
    CAP(OWTW_TWAMP, OWTW_MODE_OPEN, twamp_O),
    CAP(OWTW_TWAMP, OWTW_MODE_AUTH, twamp_A),
    CAP(OWTW_TWAMP, OWTW_MODE_ENCRYPTED, twamp_E),
    CAP(OWTW_OWAMP, OWTW_MODE_OPEN, owamp_O),
    CAP(OWTW_OWAMP, OWTW_MODE_AUTH, owamp_A),
    CAP(OWTW_OWAMP, OWTW_MODE_ENCRYPTED, owamp_E),
};

/* A capture's streams in plaintext (offsets as on the wire), its
 * randomness and its server Start-Time. */
struct plain {
    uint8_t c2s[1024], s2c[1024];
    struct owtw_server_random srnd;
    struct owtw_client_random crnd;
    uint64_t start_time;
};

static void cbc_decrypt(const struct owtw_session_keys *sk,
                        const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                        size_t len)
{
    struct ippm_aes_key k;
    assert_int_equal(ippm_aes_key_init(&k, &crypto, sk->aes_sk), IPPM_OK);
    uint8_t v[16];
    memcpy(v, iv, 16);
    assert_int_equal(ippm_aes128_cbc(&k, false, v, in, out, len), IPPM_OK);
    ippm_aes_key_free(&k);
}

static void plain_of(const struct capture *cap, struct plain *p)
{
    memset(p, 0, sizeof *p);
    memcpy(p->c2s, cap->c2s, cap->c2s_len);
    memcpy(p->s2c, cap->s2c, cap->s2c_len);
    struct owtw_greeting g;
    struct owtw_setup su;
    struct owtw_server_start ss;
    assert_int_equal(owtw_greeting_decode(&g, cap->s2c, 64), IPPM_OK);
    assert_int_equal(owtw_setup_decode(&su, cap->c2s, 164), IPPM_OK);
    memcpy(p->srnd.challenge, g.challenge, 16);
    memcpy(p->srnd.salt, g.salt, 16);
    memcpy(p->srnd.server_iv, cap->s2c + 80, 16);
    memcpy(p->crnd.client_iv, su.client_iv, 16);
    if (cap->mode != OWTW_MODE_OPEN) {
        uint8_t key[16];
        assert_int_equal(owtw_derive_key(&crypto, PASS, 8, g.salt, g.count,
                                         key),
                         IPPM_OK);
        assert_int_equal(owtw_token_open(&crypto, key, su.token, g.challenge,
                                         &p->crnd.sk),
                         IPPM_OK);
        cbc_decrypt(&p->crnd.sk, su.client_iv, cap->c2s + 164, p->c2s + 164,
                    cap->c2s_len - 164);
        cbc_decrypt(&p->crnd.sk, cap->s2c + 80, cap->s2c + 96, p->s2c + 96,
                    cap->s2c_len - 96);
    }
    assert_int_equal(owtw_server_start_decode(&ss, p->s2c + 64, 48), IPPM_OK);
    p->start_time = ss.start_time;
}

/* Output collected from SEND actions. */
struct out {
    uint8_t b[2048];
    size_t n;
};

static void take(struct out *o, const struct owtw_action *act,
                 const uint8_t *tx)
{
    if (act->io.kind == IPPM_ACT_SEND_BYTES) {
        assert_true(o->n + act->io.len <= sizeof o->b);
        memcpy(o->b + o->n, tx, act->io.len);
        o->n += act->io.len;
    }
    assert_int_not_equal(act->io.kind, IPPM_ACT_CLOSE);
}

/* The server driver answering as the capture's server did. */
static void server_answers(const struct capture *cap, const struct plain *p,
                           struct owtw_server *s, struct mem *m,
                           const struct owtw_action *act, struct out *o,
                           int *accepts)
{
    struct owtw_action a;
    bool ow = cap->proto == OWTW_OWAMP;
    switch (act->note) {
    case OWTW_NOTE_REQUEST: {
        struct owtw_accept_session ans;
        assert_int_equal(owtw_accept_session_decode(
                             &ans, p->s2c + 112 + 48 * (*accepts)++, 48),
                         IPPM_OK);
        assert_int_equal(owtw_server_accept(s, 0, &ans, &a), IPPM_OK);
        take(o, &a, m->tx);
        break;
    }
    case OWTW_NOTE_START:
        assert_int_equal(owtw_server_start_ack(s, 0, 0, &a), IPPM_OK);
        take(o, &a, m->tx);
        if (ow) { /* owampd's Stop-Sessions left before the client's */
            struct owtw_stop st;
            struct owtw_stop_record r;
            size_t off = 0;
            assert_int_equal(owtw_stop_decode(&st, OWTW_OWAMP, p->s2c + 240,
                                              64),
                             IPPM_OK);
            assert_int_equal(owtw_stop_record_next(&st, &off, &r), IPPM_OK);
            assert_int_equal(owtw_server_stop(s, 0, 0, &r, 1, &a), IPPM_OK);
            take(o, &a, m->tx);
        }
        break;
    case OWTW_NOTE_FETCH: {
        struct owtw_fetch_ack fa;
        struct owtw_request rq;
        struct owtw_slot sl;
        assert_int_equal(owtw_fetch_ack_decode(&fa, p->s2c + 304, 32),
                         IPPM_OK);
        assert_int_equal(owtw_request_decode(&rq, p->s2c + 336, 144), IPPM_OK);
        owtw_slot_decode(&sl, rq.slots, 0);
        assert_int_equal(owtw_server_fetch_ack(s, 0, &fa, &rq, &sl, NULL, &a),
                         IPPM_OK);
        take(o, &a, m->tx);
        /* The 10 records in chunks of 3, 3, 3, 1. */
        const uint8_t *rec = p->s2c + 496;
        for (uint32_t i = 0; i < 10; i += 3) {
            uint32_t n = 10 - i < 3 ? 10 - i : 3;
            assert_int_equal(owtw_server_fetch_records(s, 0, rec + 25 * i, n,
                                                       i + n == 10, &a),
                             IPPM_OK);
            take(o, &a, m->tx);
        }
        break;
    }
    default:
        break;
    }
}

/* Runs the server until it wants no TIMER now. */
static void server_event(const struct capture *cap, const struct plain *p,
                         struct owtw_server *s, struct mem *m,
                         const struct ippm_event *ev, struct out *o,
                         int *accepts)
{
    struct owtw_action act;
    assert_int_equal(owtw_server_handle(s, ev, &act), IPPM_OK);
    take(o, &act, m->tx);
    server_answers(cap, p, s, m, &act, o, accepts);
    while (owtw_server_deadline(s) == 0) {
        struct ippm_event t = ev_of(IPPM_EV_TIMER, ev->now_ns, NULL, 0);
        assert_int_equal(owtw_server_handle(s, &t, &act), IPPM_OK);
        take(o, &act, m->tx);
        server_answers(cap, p, s, m, &act, o, accepts);
    }
}

static void server_replays(const struct capture *cap)
{
    struct plain p;
    plain_of(cap, &p);
    struct mem m;
    mem_init(&m, sizeof m.plain, sizeof m.tx);
    struct owtw_server_cfg cfg = {cap->proto, 7, 2048, p.start_time, KEYS, 2,
                                  &crypto, 0, 0};
    struct owtw_server s;
    owtw_server_init(&s, &cfg, &m.bufs, &p.srnd);
    struct out o = {{0}, 0};
    int accepts = 0;
    assert_int_equal(owtw_server_deadline(&s), 0);
    struct ippm_event ev = ev_of(IPPM_EV_TIMER, 1, NULL, 0);
    server_event(cap, &p, &s, &m, &ev, &o, &accepts);
    /* The client's octets in pieces of 37. */
    for (size_t off = 0; off < cap->c2s_len; off += 37) {
        size_t n = cap->c2s_len - off < 37 ? cap->c2s_len - off : 37;
        assert_true(n <= owtw_server_room(&s));
        ev = ev_of(IPPM_EV_BYTES, 2, cap->c2s + off, n);
        server_event(cap, &p, &s, &m, &ev, &o, &accepts);
    }
    assert_int_equal(o.n, cap->s2c_len);
    assert_memory_equal(o.b, cap->s2c, cap->s2c_len);
    assert_int_equal(s.c.mode, cap->mode);
    /* The keys the driver derives test-session keys from. */
    assert_memory_equal(owtw_conn_keys(&s.c), &p.crnd.sk, sizeof p.crnd.sk);
    ev = ev_of(IPPM_EV_CLOSED, 3, NULL, 0);
    struct owtw_action act;
    assert_int_equal(owtw_server_handle(&s, &ev, &act), IPPM_ERR_PEER_CLOSED);
    assert_int_equal(act.io.kind, IPPM_ACT_CLOSE);
    owtw_server_free(&s);
}

static void test_owtw_server_replays_twamp_captures(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++)
        server_replays(&CAPS[i]);
}

static void test_owtw_server_replays_owamp_captures(void **state)
{
    (void)state;
    for (int i = 3; i < 6; i++)
        server_replays(&CAPS[i]);
}

/* The client driver asking as twping/owping did. */
struct cl_run {
    int requests;
    uint32_t records;
    bool fetched;
};

static void client_answers(const struct capture *cap, const struct plain *p,
                           struct owtw_client *c, struct mem *m,
                           const struct owtw_action *act, struct out *o,
                           struct cl_run *run)
{
    struct owtw_action a;
    bool ow = cap->proto == OWTW_OWAMP;
    int n_req = ow ? 2 : 1;
    size_t req_len = ow ? 144 : 112;
    switch (act->note) {
    case OWTW_NOTE_READY:
    case OWTW_NOTE_ACCEPT:
        if (act->note == OWTW_NOTE_READY)
            assert_int_equal(act->mode, cap->mode);
        else
            assert_int_equal(act->accept.accept, 0);
        if (run->requests < n_req) {
            struct owtw_request rq;
            struct owtw_slot sl;
            const uint8_t *r = p->c2s + 164 + req_len * run->requests++;
            assert_int_equal(owtw_request_decode(&rq, r, req_len), IPPM_OK);
            if (rq.n_slots)
                owtw_slot_decode(&sl, rq.slots, 0);
            assert_int_equal(owtw_client_request(c, 0, &rq, &sl, &a),
                             IPPM_OK);
        } else {
            assert_int_equal(owtw_client_start(c, 0, &a), IPPM_OK);
        }
        take(o, &a, m->tx);
        break;
    case OWTW_NOTE_START_ACK:
        assert_int_equal(act->start_ack.accept, 0);
        if (!ow) { /* twping: Stop-Sessions, Number of Sessions 1 */
            assert_int_equal(owtw_client_stop(c, 0, 0, NULL, 1, &a), IPPM_OK);
            take(o, &a, m->tx);
        }
        break;
    case OWTW_NOTE_STOP: {
        struct owtw_stop st;
        struct owtw_stop_record r;
        struct owtw_fetch f;
        size_t off = 0;
        assert_int_equal(act->stop.n_sessions, 1);
        assert_int_equal(owtw_stop_decode(&st, OWTW_OWAMP, p->c2s + 484, 64),
                         IPPM_OK);
        assert_int_equal(owtw_stop_record_next(&st, &off, &r), IPPM_OK);
        assert_int_equal(owtw_client_stop(c, 0, 0, &r, 1, &a), IPPM_OK);
        take(o, &a, m->tx);
        assert_int_equal(owtw_fetch_decode(&f, p->c2s + 548, 48), IPPM_OK);
        assert_int_equal(owtw_client_fetch(c, 0, &f, &a), IPPM_OK);
        take(o, &a, m->tx);
        break;
    }
    case OWTW_NOTE_FETCH_ACK:
        assert_int_equal(act->fetch_ack.n_records, 10);
        break;
    case OWTW_NOTE_FETCH_REQUEST:
        assert_int_equal(act->request.n_packets, 10);
        break;
    case OWTW_NOTE_FETCH_SKIPS:
        assert_int_equal(act->view_len, 0);
        break;
    case OWTW_NOTE_FETCH_RECORDS:
        /* Record 0: seq 0 (RFC 4656 §3.9 record layout), as sent. */
        if (run->records == 0 && act->n_records)
            assert_memory_equal(act->view, p->s2c + 496,
                                act->view_len);
        run->records += act->n_records;
        run->fetched = act->last;
        break;
    default:
        break;
    }
}

static void client_event(const struct capture *cap, const struct plain *p,
                         struct owtw_client *c, struct mem *m,
                         const struct ippm_event *ev, struct out *o,
                         struct cl_run *run)
{
    struct owtw_action act;
    assert_int_equal(owtw_client_handle(c, ev, &act), IPPM_OK);
    take(o, &act, m->tx);
    client_answers(cap, p, c, m, &act, o, run);
    while (owtw_client_deadline(c) == 0) {
        struct ippm_event t = ev_of(IPPM_EV_TIMER, ev->now_ns, NULL, 0);
        assert_int_equal(owtw_client_handle(c, &t, &act), IPPM_OK);
        take(o, &act, m->tx);
        client_answers(cap, p, c, m, &act, o, run);
    }
}

static void client_replays(const struct capture *cap, size_t plain_cap)
{
    struct plain p;
    plain_of(cap, &p);
    struct mem m;
    mem_init(&m, plain_cap, sizeof m.tx);
    struct owtw_client_cfg cfg = {cap->proto, cap->mode, KEYID, 8, PASS, 8,
                                  &crypto, 0, 0};
    struct owtw_client c;
    owtw_client_init(&c, &cfg, &m.bufs, &p.crnd);
    struct out o = {{0}, 0};
    struct cl_run run = {0, 0, false};
    for (size_t off = 0; off < cap->s2c_len; off += 29) {
        size_t n = cap->s2c_len - off < 29 ? cap->s2c_len - off : 29;
        assert_true(n <= owtw_client_room(&c));
        struct ippm_event ev = ev_of(IPPM_EV_BYTES, 2, cap->s2c + off, n);
        client_event(cap, &p, &c, &m, &ev, &o, &run);
    }
    assert_int_equal(o.n, cap->c2s_len);
    assert_memory_equal(o.b, cap->c2s, cap->c2s_len);
    if (cap->proto == OWTW_OWAMP) {
        assert_true(run.fetched);
        assert_int_equal(run.records, 10);
    }
    owtw_client_free(&c);
}

static void test_owtw_client_replays_twamp_captures(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++)
        client_replays(&CAPS[i], sizeof(struct mem){0}.plain);
}

static void test_owtw_client_replays_owamp_captures(void **state)
{
    (void)state;
    for (int i = 3; i < 6; i++)
        client_replays(&CAPS[i], sizeof(struct mem){0}.plain);
}

/* The records arrive in chunks when plain holds only a few. */
static void test_owtw_client_fetches_records_in_chunks(void **state)
{
    (void)state;
    client_replays(&CAPS[5], OWTW_PLAIN_MIN);
    client_replays(&CAPS[3], OWTW_PLAIN_MIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owtw_server_replays_twamp_captures),
        cmocka_unit_test(test_owtw_server_replays_owamp_captures),
        cmocka_unit_test(test_owtw_client_replays_twamp_captures),
        cmocka_unit_test(test_owtw_client_replays_owamp_captures),
        cmocka_unit_test(test_owtw_client_fetches_records_in_chunks),
    };
    return cmocka_run_group_tests(tests, owtw_test_setup, owtw_test_teardown);
}
