/* Unit tests of the control machines (owtw_server.c, owtw_client.c,
 * owtw_conn.c) talking to each other in every mode (open,
 * authenticated, encrypted, mixed), with RFC 6038 feature bits and
 * RFC 5938 individual session control, and refusing what the RFCs refuse
 * with a typed reason. owtw_replay_test.c replays the perfSONAR
 * captures through them. */
#include "owtw_machine_test.h"
#include "../common/ippm_cur.h"

/* ---- the two machines talking ---- */

struct pair {
    struct mem sm, cm;
    struct owtw_server s;
    struct owtw_client c;
    uint64_t now;
    struct owtw_action sact, cact; /* the last action of each */
};

static const struct owtw_server_random SRND = {
    {1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
static const struct owtw_client_random CRND = {
    {{10, 11}, {12, 13}}, {14, 15}};

static void pair_init(struct pair *pp, enum owtw_proto proto,
                      uint32_t offered, uint32_t wanted,
                      const uint8_t *secret)
{
    memset(pp, 0, sizeof *pp);
    mem_init(&pp->sm, sizeof pp->sm.plain, sizeof pp->sm.tx);
    mem_init(&pp->cm, sizeof pp->cm.plain, sizeof pp->cm.tx);
    struct owtw_server_cfg scfg = {proto, offered, 1024, 0xeeb1000000000000ull,
                                   KEYS, 2, &crypto, 0, 0};
    struct owtw_client_cfg ccfg = {proto, wanted, KEYID, 8, secret, 8,
                                   &crypto, 0, 0};
    owtw_server_init(&pp->s, &scfg, &pp->sm.bufs, &SRND);
    owtw_client_init(&pp->c, &ccfg, &pp->cm.bufs, &CRND);
    pp->now = 1000;
}

static void pair_free(struct pair *pp)
{
    owtw_server_free(&pp->s);
    owtw_client_free(&pp->c);
}

/* Delivers a SEND of one side to the other; returns the receiving
 * machine's return value and leaves its action in sact/cact. */
static enum ippm_err to_client(struct pair *pp, const struct owtw_action *a)
{
    struct ippm_event ev = ev_of(IPPM_EV_BYTES, pp->now, pp->sm.tx, a->io.len);
    return owtw_client_handle(&pp->c, &ev, &pp->cact);
}

static enum ippm_err to_server(struct pair *pp, const struct owtw_action *a)
{
    struct ippm_event ev = ev_of(IPPM_EV_BYTES, pp->now, pp->cm.tx, a->io.len);
    return owtw_server_handle(&pp->s, &ev, &pp->sact);
}

/* Greeting, Set-Up-Response, Server-Start: the client's READY. */
static void pair_connect(struct pair *pp, uint32_t want_mode)
{
    struct ippm_event t = ev_of(IPPM_EV_TIMER, pp->now, NULL, 0);
    assert_int_equal(owtw_server_handle(&pp->s, &t, &pp->sact), IPPM_OK);
    assert_int_equal(pp->sact.io.kind, IPPM_ACT_SEND_BYTES);
    assert_int_equal(to_client(pp, &pp->sact), IPPM_OK);
    assert_int_equal(pp->cact.io.len, OWTW_SETUP_LEN);
    assert_int_equal(to_server(pp, &pp->cact), IPPM_OK);
    assert_int_equal(pp->sact.io.len, OWTW_SERVER_START_LEN);
    assert_int_equal(to_client(pp, &pp->sact), IPPM_OK);
    assert_int_equal(pp->cact.note, OWTW_NOTE_READY);
    assert_int_equal(pp->cact.mode, want_mode);
    assert_int_equal(pp->s.c.mode, want_mode);
}

static struct owtw_request tw_request(void)
{
    struct owtw_request rq = {.cmd = OWTW_CMD_REQUEST_TW_SESSION, .ipvn = 4,
                              .sender_port = 9000, .receiver_port = 9000,
                              .padding_len = 27,
                              .start_time = 0xeeb1000100000000ull,
                              .timeout = 0x200000000ull};
    rq.sender_addr[0] = rq.receiver_addr[0] = 127;
    rq.sender_addr[3] = rq.receiver_addr[3] = 1;
    return rq;
}

/* Request, accept (port 19000, SID 0x5a...), start: both active. */
static void pair_session(struct pair *pp, uint8_t sid_byte)
{
    struct owtw_request rq = tw_request();
    struct owtw_action a;
    assert_int_equal(owtw_client_request(&pp->c, pp->now, &rq, NULL, &a),
                     IPPM_OK);
    assert_int_equal(to_server(pp, &a), IPPM_OK);
    assert_int_equal(pp->sact.note, OWTW_NOTE_REQUEST);
    assert_int_equal(pp->sact.request.padding_len, 27);
    struct owtw_accept_session ans = {.accept = 0, .port = 19000};
    memset(ans.sid, sid_byte, 16);
    assert_int_equal(owtw_server_accept(&pp->s, pp->now, &ans, &a), IPPM_OK);
    assert_int_equal(to_client(pp, &a), IPPM_OK);
    assert_int_equal(pp->cact.note, OWTW_NOTE_ACCEPT);
    assert_int_equal(pp->cact.accept.port, 19000);
    assert_int_equal(pp->cm.sessions[pp->cact.session].state,
                     OWTW_SESS_ACCEPTED);
}

static void talk_twamp(uint32_t offered, uint32_t wanted, uint32_t mode)
{
    struct pair pp;
    pair_init(&pp, OWTW_TWAMP, offered, wanted, PASS);
    pair_connect(&pp, mode);
    /* Both ends hold the Token's keys for the test sessions. */
    const struct owtw_session_keys *sk = owtw_conn_keys(&pp.s.c);
    struct owtw_session_keys zero;
    memset(&zero, 0, sizeof zero);
    assert_memory_equal(sk, mode == OWTW_MODE_OPEN ? &zero : &CRND.sk,
                        sizeof *sk);
    assert_memory_equal(owtw_conn_keys(&pp.c.c), sk, sizeof *sk);
    pair_session(&pp, 0x5a);
    struct owtw_action a;
    assert_int_equal(owtw_client_start(&pp.c, pp.now, &a), IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(pp.sact.note, OWTW_NOTE_START);
    assert_int_equal(owtw_server_start_ack(&pp.s, pp.now, 0, &a), IPPM_OK);
    assert_true(pp.s.c.active);
    assert_int_equal(to_client(&pp, &a), IPPM_OK);
    assert_int_equal(pp.cact.note, OWTW_NOTE_START_ACK);
    assert_true(pp.c.c.active);
    /* SERVWAIT waits while the test runs; REFWAIT would end it. */
    assert_true(owtw_server_deadline(&pp.s) ==
                pp.now + OWTW_REFWAIT_DEFAULT_S * 1000000000ull);
    assert_int_equal(owtw_client_stop(&pp.c, pp.now, 0, NULL, 1, &a), IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(pp.sact.note, OWTW_NOTE_STOP);
    assert_false(pp.s.c.active);
    assert_int_equal(pp.sm.sessions[0].state, OWTW_SESS_STOPPED);
    pair_free(&pp);
}

static void test_owtw_machines_talk_twamp_every_mode(void **state)
{
    (void)state;
    talk_twamp(7, OWTW_MODE_OPEN, OWTW_MODE_OPEN);
    talk_twamp(7, OWTW_MODE_AUTH, OWTW_MODE_AUTH);
    talk_twamp(7, OWTW_MODE_ENCRYPTED, OWTW_MODE_ENCRYPTED);
    talk_twamp(7, 7, OWTW_MODE_ENCRYPTED); /* the strongest wins */
    talk_twamp(OWTW_MODE_OPEN | OWTW_MODE_MIXED,
               OWTW_MODE_MIXED | OWTW_MODE_OPEN, OWTW_MODE_MIXED);
    /* Features both want ride along (RFC 6038 bits). */
    talk_twamp(OWTW_MODE_AUTH | OWTW_MODE_REFLECT_OCTETS |
                   OWTW_MODE_SYMMETRICAL,
               OWTW_MODE_AUTH | OWTW_MODE_REFLECT_OCTETS,
               OWTW_MODE_AUTH | OWTW_MODE_REFLECT_OCTETS);
}

/* OWAMP: two sessions, both Stop-Sessions, Fetch with 40 records. */
static void talk_owamp(uint32_t mode)
{
    struct pair pp;
    pair_init(&pp, OWTW_OWAMP, 7, mode, PASS);
    pair_connect(&pp, mode);
    struct owtw_slot sl = {OWTW_SLOT_EXP, 0x0ccccccc};
    struct owtw_action a;
    for (int i = 0; i < 2; i++) {
        struct owtw_request rq = tw_request();
        rq.cmd = OWTW_CMD_REQUEST_SESSION;
        rq.n_slots = 1;
        rq.n_packets = 40;
        rq.conf_receiver = (uint8_t)!i;
        rq.conf_sender = (uint8_t)i;
        assert_int_equal(owtw_client_request(&pp.c, pp.now, &rq, &sl, &a),
                         IPPM_OK);
        assert_int_equal(a.io.len, 144);
        assert_int_equal(to_server(&pp, &a), IPPM_OK);
        assert_int_equal(pp.sact.note, OWTW_NOTE_REQUEST);
        struct owtw_slot got;
        owtw_slot_decode(&got, pp.sact.request.slots, 0);
        assert_true(got.param == 0x0ccccccc);
        struct owtw_accept_session ans = {.port = (uint16_t)(19000 + i)};
        memset(ans.sid, 0x30 + i, 16);
        assert_int_equal(owtw_server_accept(&pp.s, pp.now, &ans, &a), IPPM_OK);
        assert_int_equal(to_client(&pp, &a), IPPM_OK);
        assert_int_equal(pp.cact.note, OWTW_NOTE_ACCEPT);
    }
    assert_int_equal(owtw_client_start(&pp.c, pp.now, &a), IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(owtw_server_start_ack(&pp.s, pp.now, 0, &a), IPPM_OK);
    assert_int_equal(to_client(&pp, &a), IPPM_OK);
    /* The client stops its send session; the server its own. */
    struct owtw_stop_record r = {.next_seqno = 40};
    memset(r.sid, 0x30, 16);
    assert_int_equal(owtw_client_stop(&pp.c, pp.now, 0, &r, 1, &a), IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(pp.sact.note, OWTW_NOTE_STOP);
    assert_true(pp.s.c.active); /* until the server's Stop too */
    uint8_t skip[8] = {0, 0, 0, 3, 0, 0, 0, 5};
    struct owtw_stop_record sr = {.next_seqno = 40, .n_skips = 1,
                                  .skips = skip};
    memset(sr.sid, 0x31, 16);
    assert_int_equal(owtw_server_stop(&pp.s, pp.now, 0, &sr, 1, &a), IPPM_OK);
    assert_false(pp.s.c.active);
    assert_int_equal(to_client(&pp, &a), IPPM_OK);
    assert_int_equal(pp.cact.note, OWTW_NOTE_STOP);
    assert_false(pp.c.c.active);
    struct owtw_stop_record got;
    size_t off = 0;
    assert_int_equal(owtw_stop_record_next(&pp.cact.stop, &off, &got),
                     IPPM_OK);
    assert_int_equal(got.n_skips, 1);
    assert_memory_equal(got.skips, skip, 8);
    /* Fetch 40 records, sent 7 at a time. */
    struct owtw_fetch f = {.end_seq = 0xffffffffu};
    memset(f.sid, 0x30, 16);
    assert_int_equal(owtw_client_fetch(&pp.c, pp.now, &f, &a), IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(pp.sact.note, OWTW_NOTE_FETCH);
    assert_memory_equal(pp.sact.fetch.sid, f.sid, 16);
    struct owtw_fetch_ack fa = {.finished = 1, .next_seqno = 40,
                                .n_skips = 1, .n_records = 40};
    struct owtw_request repro = tw_request();
    repro.cmd = OWTW_CMD_REQUEST_SESSION;
    repro.n_slots = 1;
    assert_int_equal(owtw_server_fetch_ack(&pp.s, pp.now, &fa, &repro, &sl,
                                           skip, &a),
                     IPPM_OK);
    uint8_t records[40 * 25];
    for (size_t i = 0; i < sizeof records; i++)
        records[i] = (uint8_t)(i * 7);
    /* Everything the server sends goes through a 64-octet pipe. */
    uint8_t pipe[4096];
    size_t pn = 0;
    memcpy(pipe, pp.sm.tx, a.io.len);
    pn = a.io.len;
    for (uint32_t i = 0; i < 40; i += 7) {
        uint32_t n = 40 - i < 7 ? 40 - i : 7;
        assert_int_equal(owtw_server_fetch_records(&pp.s, pp.now,
                                                   records + 25 * i, n,
                                                   i + n == 40, &a),
                         IPPM_OK);
        memcpy(pipe + pn, pp.sm.tx, a.io.len);
        pn += a.io.len;
    }
    assert_int_equal(pn, 32 + 144 + 32 + 1008 + 16);
    uint8_t got_rec[40 * 25];
    uint32_t n_got = 0;
    bool last = false, saw_ack = false, saw_repro = false, saw_skips = false;
    for (size_t o = 0; o < pn || owtw_client_deadline(&pp.c) == 0;) {
        struct ippm_event ev;
        if (owtw_client_deadline(&pp.c) == 0) {
            ev = ev_of(IPPM_EV_TIMER, pp.now, NULL, 0);
        } else {
            size_t n = pn - o < 64 ? pn - o : 64;
            ev = ev_of(IPPM_EV_BYTES, pp.now, pipe + o, n);
            o += n;
        }
        assert_int_equal(owtw_client_handle(&pp.c, &ev, &pp.cact), IPPM_OK);
        switch (pp.cact.note) {
        case OWTW_NOTE_FETCH_ACK: saw_ack = true; break;
        case OWTW_NOTE_FETCH_REQUEST: saw_repro = true; break;
        case OWTW_NOTE_FETCH_SKIPS:
            saw_skips = true;
            assert_memory_equal(pp.cact.view, skip, 8);
            break;
        case OWTW_NOTE_FETCH_RECORDS:
            memcpy(got_rec + 25 * n_got, pp.cact.view, pp.cact.view_len);
            n_got += pp.cact.n_records;
            last = pp.cact.last;
            break;
        default: break;
        }
    }
    assert_true(saw_ack && saw_repro && saw_skips && last);
    assert_int_equal(n_got, 40);
    assert_memory_equal(got_rec, records, sizeof records);
    pair_free(&pp);
}

static void test_owtw_machines_talk_owamp_every_mode(void **state)
{
    (void)state;
    talk_owamp(OWTW_MODE_OPEN);
    talk_owamp(OWTW_MODE_AUTH);
    talk_owamp(OWTW_MODE_ENCRYPTED);
}

/* RFC 5938: Start-N-Sessions for two SIDs, acked in two messages. */
static void test_owtw_machines_individual_session_control(void **state)
{
    (void)state;
    struct pair pp;
    uint32_t m = OWTW_MODE_ENCRYPTED | OWTW_MODE_INDIV_SESSION;
    pair_init(&pp, OWTW_TWAMP, 7 | OWTW_MODE_INDIV_SESSION, m, PASS);
    pair_connect(&pp, m);
    pair_session(&pp, 0x11);
    pair_session(&pp, 0x22);
    uint8_t sids[32];
    memset(sids, 0x11, 16);
    memset(sids + 16, 0x22, 16);
    struct owtw_action a;
    assert_int_equal(owtw_client_nsessions(&pp.c, pp.now,
                                           OWTW_CMD_START_N_SESSIONS, sids, 2,
                                           &a),
                     IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(pp.sact.note, OWTW_NOTE_START_N);
    assert_int_equal(pp.sact.nsessions.n_sessions, 2);
    assert_int_equal(owtw_server_nsessions_ack(&pp.s, pp.now,
                                               OWTW_CMD_START_N_ACK, 0, sids,
                                               1, &a),
                     IPPM_OK);
    assert_int_equal(to_client(&pp, &a), IPPM_OK);
    assert_int_equal(pp.cact.note, OWTW_NOTE_NSESSIONS_ACK);
    assert_int_equal(owtw_server_nsessions_ack(&pp.s, pp.now,
                                               OWTW_CMD_START_N_ACK,
                                               OWTW_ACCEPT_TEMPORARY,
                                               sids + 16, 1, &a),
                     IPPM_OK);
    assert_int_equal(to_client(&pp, &a), IPPM_OK);
    assert_int_equal(pp.cact.nsessions.accept, OWTW_ACCEPT_TEMPORARY);
    assert_int_equal(pp.cm.sessions[0].state, OWTW_SESS_STARTED);
    assert_int_equal(pp.cm.sessions[1].state, OWTW_SESS_ACCEPTED);
    assert_true(pp.s.c.active);
    /* Another request while one runs: allowed in this mode. */
    pair_session(&pp, 0x33);
    assert_int_equal(owtw_client_nsessions(&pp.c, pp.now,
                                           OWTW_CMD_STOP_N_SESSIONS, sids, 1,
                                           &a),
                     IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(pp.sact.note, OWTW_NOTE_STOP_N);
    assert_int_equal(owtw_server_nsessions_ack(&pp.s, pp.now,
                                               OWTW_CMD_STOP_N_ACK, 0, sids,
                                               1, &a),
                     IPPM_OK);
    assert_false(pp.s.c.active); /* SERVWAIT resumes */
    assert_int_equal(to_client(&pp, &a), IPPM_OK);
    assert_int_equal(pp.cm.sessions[0].state, OWTW_SESS_STOPPED);
    pair_free(&pp);
}

/* ---- refusals ---- */

static void expect_refusal(enum owtw_proto proto, uint32_t offered,
                           uint32_t wanted, const uint8_t *secret,
                           uint8_t accept, enum ippm_err why)
{
    struct pair pp;
    pair_init(&pp, proto, offered, wanted, secret);
    struct ippm_event t = ev_of(IPPM_EV_TIMER, pp.now, NULL, 0);
    assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact), IPPM_OK);
    assert_int_equal(to_client(&pp, &pp.sact), IPPM_OK);
    assert_int_equal(to_server(&pp, &pp.cact), IPPM_OK);
    assert_int_equal(pp.sact.io.len, OWTW_SERVER_START_LEN);
    assert_int_equal(pp.sm.tx[15], accept);
    assert_int_equal(to_client(&pp, &pp.sact), OWTW_ERR_SERVER_START);
    assert_int_equal(pp.cact.io.kind, IPPM_ACT_CLOSE);
    assert_int_equal(owtw_server_deadline(&pp.s), 0);
    assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact), why);
    assert_int_equal(pp.sact.io.kind, IPPM_ACT_CLOSE);
    assert_int_equal(pp.sact.io.why, why);
    /* Closed stays closed, with its first reason. */
    assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact), why);
    assert_true(owtw_server_deadline(&pp.s) == UINT64_MAX);
    pair_free(&pp);
}

static void test_owtw_server_refuses_bad_key_token_and_mode(void **state)
{
    (void)state;
    const uint8_t wrong[] = "wrongpas";
    expect_refusal(OWTW_TWAMP, 7, OWTW_MODE_AUTH, wrong, OWTW_ACCEPT_FAILURE,
                   OWTW_ERR_TOKEN);
    /* No mode in common: the client says Mode 0 and both close. */
    struct pair pp;
    pair_init(&pp, OWTW_TWAMP, OWTW_MODE_AUTH, OWTW_MODE_ENCRYPTED, PASS);
    struct ippm_event t = ev_of(IPPM_EV_TIMER, pp.now, NULL, 0);
    assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact), IPPM_OK);
    assert_int_equal(to_client(&pp, &pp.sact), IPPM_OK);
    /* No mode in common: Mode 0, then the client closes. */
    assert_int_equal(pp.cact.io.len, OWTW_SETUP_LEN);
    assert_int_equal(pp.cm.tx[3], 0);
    assert_int_equal(to_server(&pp, &pp.cact), OWTW_ERR_MODE);
    assert_int_equal(owtw_client_deadline(&pp.c), 0);
    assert_int_equal(owtw_client_handle(&pp.c, &t, &pp.cact), OWTW_ERR_MODE);
    pair_free(&pp);
    /* A Set-Up-Response naming a mode not offered: Accept 3. */
    uint8_t su[OWTW_SETUP_LEN] = {0, 0, 0, OWTW_MODE_ENCRYPTED};
    pair_init(&pp, OWTW_TWAMP, OWTW_MODE_AUTH | OWTW_MODE_OPEN,
              OWTW_MODE_OPEN, PASS);
    assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact), IPPM_OK);
    struct ippm_event b = ev_of(IPPM_EV_BYTES, pp.now, su, sizeof su);
    assert_int_equal(owtw_server_handle(&pp.s, &b, &pp.sact), IPPM_OK);
    assert_int_equal(pp.sm.tx[15], OWTW_ACCEPT_NOT_SUPPORTED);
    assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact), OWTW_ERR_MODE);
    pair_free(&pp);
    /* An unknown KeyID. */
    memset(su, 0, sizeof su);
    su[3] = OWTW_MODE_AUTH;
    memcpy(su + 4, "nobody", 6);
    pair_init(&pp, OWTW_OWAMP, 7, OWTW_MODE_OPEN, PASS);
    assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact), IPPM_OK);
    b = ev_of(IPPM_EV_BYTES, pp.now, su, sizeof su);
    assert_int_equal(owtw_server_handle(&pp.s, &b, &pp.sact), IPPM_OK);
    assert_int_equal(pp.sm.tx[15], OWTW_ACCEPT_FAILURE);
    assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact), OWTW_ERR_KEYID);
    pair_free(&pp);
}

/* Unexpected command numbers (TWAMP's 1 Forbidden, 4 Reserved, 6
 * Experimentation, Start-N without the mode, acks, unassigned) get an
 * Accept-Session with Accept 3 (RFC 5357 §3.5), then CLOSE with
 * OWTW_ERR_COMMAND; a known command out of turn (OWAMP Start-Sessions
 * while active, RFC 4656 §3.4) closes at once. */
static void test_owtw_server_closes_on_wrong_commands(void **state)
{
    (void)state;
    static const uint8_t bad[] = {1, 4, 6, 7, 8, 10, 12, 255};
    for (size_t i = 0; i < sizeof bad; i++) {
        struct pair pp;
        pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_ENCRYPTED, PASS);
        pair_connect(&pp, OWTW_MODE_ENCRYPTED);
        uint8_t blk[32] = {bad[i]};
        size_t mac = 16;
        assert_int_equal(owtw_chan_seal(&pp.c.c.tx, blk, 32, &mac, 1),
                         IPPM_OK);
        struct ippm_event b = ev_of(IPPM_EV_BYTES, pp.now, blk, 32);
        /* RFC 5357 §3.5: an Accept-Session with Accept 3, then CLOSE. */
        assert_int_equal(owtw_server_handle(&pp.s, &b, &pp.sact), IPPM_OK);
        assert_int_equal(pp.sact.io.len, OWTW_ACCEPT_SESSION_LEN);
        uint8_t plain[16];
        assert_int_equal(owtw_chan_open_block(&pp.c.c.rx, pp.sm.tx, plain,
                                              false),
                         IPPM_OK);
        assert_int_equal(plain[0], OWTW_ACCEPT_NOT_SUPPORTED);
        assert_int_equal(owtw_server_deadline(&pp.s), 0);
        struct ippm_event t = ev_of(IPPM_EV_TIMER, pp.now, NULL, 0);
        assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact),
                         OWTW_ERR_COMMAND);
        assert_int_equal(pp.sact.io.kind, IPPM_ACT_CLOSE);
        pair_free(&pp);
    }
    /* OWAMP: Start-Sessions twice. */
    struct pair pp;
    pair_init(&pp, OWTW_OWAMP, 7, OWTW_MODE_OPEN, PASS);
    pair_connect(&pp, OWTW_MODE_OPEN);
    struct owtw_action a;
    assert_int_equal(owtw_client_start(&pp.c, pp.now, &a), IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(owtw_server_start_ack(&pp.s, pp.now, 0, &a), IPPM_OK);
    uint8_t start[32] = {OWTW_CMD_START_SESSIONS};
    struct ippm_event b = ev_of(IPPM_EV_BYTES, pp.now, start, 32);
    assert_int_equal(owtw_server_handle(&pp.s, &b, &pp.sact),
                     OWTW_ERR_COMMAND);
    pair_free(&pp);
}

/* A flipped octet in an encrypted command's MAC block: IPPM_ERR_HMAC,
 * closed. (One in its first block garbles the command number, which
 * closes with OWTW_ERR_COMMAND before any MAC can be checked.) */
static void test_owtw_server_closes_on_bad_mac(void **state)
{
    (void)state;
    struct pair pp;
    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_AUTH, PASS);
    pair_connect(&pp, OWTW_MODE_AUTH);
    struct owtw_action a;
    assert_int_equal(owtw_client_start(&pp.c, pp.now, &a), IPPM_OK);
    pp.cm.tx[20] ^= 1; /* in the MAC block */
    assert_int_equal(to_server(&pp, &a), IPPM_ERR_HMAC);
    assert_int_equal(pp.sact.io.why, IPPM_ERR_HMAC);
    pair_free(&pp);
}

/* RFC 5357 §3.1: SERVWAIT (900 s by default) closes an idle connection;
 * an OWAMP Stop-Sessions that misses a send session closes too. */
static void test_owtw_server_servwait_and_stop_count(void **state)
{
    (void)state;
    struct pair pp;
    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_OPEN, PASS);
    pair_connect(&pp, OWTW_MODE_OPEN);
    uint64_t d = owtw_server_deadline(&pp.s);
    assert_true(d == pp.now + 900ull * 1000000000ull);
    struct ippm_event t = ev_of(IPPM_EV_TIMER, d - 1, NULL, 0);
    assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact), IPPM_OK);
    assert_int_equal(pp.sact.io.kind, IPPM_ACT_NONE);
    t.now_ns = d;
    assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact),
                     OWTW_ERR_SERVWAIT);
    pair_free(&pp);

    pair_init(&pp, OWTW_OWAMP, 7, OWTW_MODE_OPEN, PASS);
    pair_connect(&pp, OWTW_MODE_OPEN);
    struct owtw_action a;
    struct owtw_request rq = tw_request();
    rq.cmd = OWTW_CMD_REQUEST_SESSION;
    rq.conf_receiver = 1;
    rq.n_slots = 1;
    struct owtw_slot sl = {OWTW_SLOT_EXP, 1};
    assert_int_equal(owtw_client_request(&pp.c, pp.now, &rq, &sl, &a),
                     IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    struct owtw_accept_session ans = {.port = 1};
    assert_int_equal(owtw_server_accept(&pp.s, pp.now, &ans, &a), IPPM_OK);
    assert_int_equal(to_client(&pp, &a), IPPM_OK);
    assert_int_equal(owtw_client_stop(&pp.c, pp.now, 0, NULL, 0, &a), IPPM_OK);
    assert_int_equal(to_server(&pp, &a), OWTW_ERR_STOP_COUNT);
    pair_free(&pp);
}

/* REFWAIT ends active sessions; the client times out on a silent
 * server; a full session array answers Accept 5 by itself. */
static void test_owtw_refwait_timeout_and_full(void **state)
{
    (void)state;
    struct pair pp;
    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_OPEN, PASS);
    pair_connect(&pp, OWTW_MODE_OPEN);
    pair_session(&pp, 1);
    struct owtw_action a;
    assert_int_equal(owtw_client_start(&pp.c, pp.now, &a), IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(owtw_server_start_ack(&pp.s, pp.now, 0, &a), IPPM_OK);
    owtw_server_test_activity(&pp.s, pp.now + 5);
    uint64_t d = owtw_server_deadline(&pp.s);
    assert_true(d == pp.now + 5 + 900ull * 1000000000ull);
    struct ippm_event t = ev_of(IPPM_EV_TIMER, d, NULL, 0);
    assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact), IPPM_OK);
    assert_int_equal(pp.sact.note, OWTW_NOTE_REFWAIT);
    assert_false(pp.s.c.active);
    assert_true(owtw_server_deadline(&pp.s) ==
                d + 900ull * 1000000000ull);
    pair_free(&pp);

    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_OPEN, PASS);
    pair_connect(&pp, OWTW_MODE_OPEN);
    struct owtw_request rq = tw_request();
    assert_int_equal(owtw_client_request(&pp.c, pp.now, &rq, NULL, &a),
                     IPPM_OK);
    d = owtw_client_deadline(&pp.c);
    assert_true(d == pp.now + 30ull * 1000000000ull);
    t = ev_of(IPPM_EV_TIMER, d, NULL, 0);
    assert_int_equal(owtw_client_handle(&pp.c, &t, &pp.cact),
                     IPPM_ERR_TIMEOUT);
    pair_free(&pp);

    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_OPEN, PASS);
    pair_connect(&pp, OWTW_MODE_OPEN);
    for (int i = 0; i < 4; i++)
        pair_session(&pp, (uint8_t)i);
    pp.c.c.bufs.max_sessions = 5; /* the client would ask a fifth */
    struct owtw_session extra[5];
    memcpy(extra, pp.cm.sessions, sizeof pp.cm.sessions);
    memset(&extra[4], 0, sizeof extra[4]);
    pp.c.c.bufs.sessions = extra;
    assert_int_equal(owtw_client_request(&pp.c, pp.now, &rq, NULL, &a),
                     IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(pp.sact.note, OWTW_NOTE_NONE);
    assert_int_equal(pp.sact.io.kind, IPPM_ACT_SEND_BYTES);
    assert_int_equal(to_client(&pp, &pp.sact), IPPM_OK);
    assert_int_equal(pp.cact.accept.accept, OWTW_ACCEPT_TEMPORARY);
    assert_int_equal(pp.cact.session, -1);
    pair_free(&pp);
}

/* More octets than the room: IPPM_ERR_TOO_LONG; a greeting with Modes
 * 0 or a weak Count: the client closes. */
static void test_owtw_client_refuses_greetings(void **state)
{
    (void)state;
    struct pair pp;
    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_AUTH, PASS);
    struct owtw_greeting g = {.modes = 0, .count = 1024};
    uint8_t buf[64];
    size_t n;
    owtw_greeting_encode(buf, sizeof buf, &n, &g);
    struct ippm_event b = ev_of(IPPM_EV_BYTES, 1, buf, n);
    assert_int_equal(owtw_client_handle(&pp.c, &b, &pp.cact), OWTW_ERR_MODE);
    pair_free(&pp);
    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_AUTH, PASS);
    g.modes = 7;
    g.count = 512;
    owtw_greeting_encode(buf, sizeof buf, &n, &g);
    assert_int_equal(owtw_client_handle(&pp.c, &b, &pp.cact), IPPM_OK);
    assert_int_equal(pp.cact.io.len, OWTW_SETUP_LEN);
    assert_int_equal(owtw_client_handle(&pp.c, &b, &pp.cact),
                     OWTW_ERR_WEAK_COUNT);
    pair_free(&pp);
    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_AUTH, PASS);
    uint8_t big[600] = {0};
    b = ev_of(IPPM_EV_BYTES, 1, big, sizeof big);
    assert_int_equal(owtw_client_handle(&pp.c, &b, &pp.cact),
                     IPPM_ERR_TOO_LONG);
    pair_free(&pp);
}

/* Conformance probes: a forced Mode the server did not offer (Accept 3
 * back, the client closes); a raw request answered as OWTW_NOTE_RAW; a
 * raw Experimentation command answered with Accept 3 before the server
 * closes. */
static void test_owtw_client_probes(void **state)
{
    (void)state;
    struct pair pp;
    pair_init(&pp, OWTW_TWAMP, OWTW_MODE_AUTH, OWTW_MODE_AUTH, PASS);
    owtw_client_force_mode(&pp.c, OWTW_MODE_ENCRYPTED);
    struct ippm_event t = ev_of(IPPM_EV_TIMER, pp.now, NULL, 0);
    assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact), IPPM_OK);
    assert_int_equal(to_client(&pp, &pp.sact), IPPM_OK);
    assert_int_equal(pp.cm.tx[3], OWTW_MODE_ENCRYPTED);
    assert_int_equal(to_server(&pp, &pp.cact), IPPM_OK);
    assert_int_equal(pp.sm.tx[15], OWTW_ACCEPT_NOT_SUPPORTED);
    assert_int_equal(to_client(&pp, &pp.sact), OWTW_ERR_SERVER_START);
    pair_free(&pp);

    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_ENCRYPTED, PASS);
    pair_connect(&pp, OWTW_MODE_ENCRYPTED);
    struct owtw_request rq = tw_request();
    uint8_t plain[112];
    size_t n;
    assert_int_equal(owtw_request_encode(plain, sizeof plain, &n, OWTW_TWAMP,
                                         &rq, NULL),
                     IPPM_OK);
    struct owtw_action a;
    assert_int_equal(owtw_client_send_raw(&pp.c, pp.now, plain, 100,
                                          OWTW_MSG_REQUEST_TW,
                                          OWTW_MSG_ACCEPT_SESSION, &a),
                     IPPM_ERR_BAD_ARG);
    assert_int_equal(owtw_client_send_raw(&pp.c, pp.now, plain, n,
                                          OWTW_MSG_REQUEST_TW,
                                          OWTW_MSG_ACCEPT_SESSION, &a),
                     IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(pp.sact.note, OWTW_NOTE_REQUEST);
    struct owtw_accept_session ans = {.accept = OWTW_ACCEPT_PERMANENT};
    assert_int_equal(owtw_server_accept(&pp.s, pp.now, &ans, &a), IPPM_OK);
    assert_int_equal(to_client(&pp, &a), IPPM_OK);
    assert_int_equal(pp.cact.note, OWTW_NOTE_RAW);
    assert_int_equal(pp.cact.view_len, OWTW_ACCEPT_SESSION_LEN);
    assert_int_equal(pp.cact.view[0], OWTW_ACCEPT_PERMANENT);
    uint8_t cmd[32] = {6}; /* Experimentation: not a command we take */
    assert_int_equal(owtw_client_send_raw(&pp.c, pp.now, cmd, 32,
                                          OWTW_MSG_START,
                                          OWTW_MSG_ACCEPT_SESSION, &a),
                     IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(to_client(&pp, &pp.sact), IPPM_OK);
    assert_int_equal(pp.cact.note, OWTW_NOTE_RAW);
    assert_int_equal(pp.cact.view[0], OWTW_ACCEPT_NOT_SUPPORTED);
    struct ippm_event t2 = ev_of(IPPM_EV_TIMER, pp.now, NULL, 0);
    assert_int_equal(owtw_server_handle(&pp.s, &t2, &pp.sact),
                     OWTW_ERR_COMMAND);
    pair_free(&pp);
}

/* RFC 9533: Request-TW-Micro-Sessions (11) and, in OWAMP,
 * Request-OW-Micro-Sessions (5) reach the driver as requests; 5 is
 * Request-TW-Session in TWAMP, and 11 means nothing to OWAMP. */
static void test_owtw_micro_session_requests(void **state)
{
    (void)state;
    struct pair pp;
    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_AUTH, PASS);
    pair_connect(&pp, OWTW_MODE_AUTH);
    struct owtw_request rq = tw_request();
    rq.cmd = OWTW_CMD_REQUEST_TW_MICRO;
    struct owtw_action a;
    assert_int_equal(owtw_client_request(&pp.c, pp.now, &rq, NULL, &a),
                     IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(pp.sact.note, OWTW_NOTE_REQUEST);
    assert_int_equal(pp.sact.request.cmd, OWTW_CMD_REQUEST_TW_MICRO);
    pair_free(&pp);

    pair_init(&pp, OWTW_OWAMP, 7, OWTW_MODE_OPEN, PASS);
    pair_connect(&pp, OWTW_MODE_OPEN);
    rq.cmd = OWTW_CMD_REQUEST_OW_MICRO;
    rq.conf_receiver = 1;
    assert_int_equal(owtw_client_request(&pp.c, pp.now, &rq, NULL, &a),
                     IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(pp.sact.note, OWTW_NOTE_REQUEST);
    assert_int_equal(pp.sact.request.cmd, OWTW_CMD_REQUEST_OW_MICRO);
    struct owtw_accept_session ans = {.port = 7};
    assert_int_equal(owtw_server_accept(&pp.s, pp.now, &ans, &a), IPPM_OK);
    uint8_t bad[112] = {OWTW_CMD_REQUEST_TW_MICRO, 4};
    struct ippm_event b = ev_of(IPPM_EV_BYTES, pp.now, bad, sizeof bad);
    assert_int_equal(owtw_server_handle(&pp.s, &b, &pp.sact),
                     OWTW_ERR_COMMAND);
    pair_free(&pp);
}

static void test_owtw_test_security(void **state)
{
    (void)state;
    assert_int_equal(owtw_test_security(OWTW_MODE_OPEN), OWTW_MODE_OPEN);
    assert_int_equal(owtw_test_security(OWTW_MODE_AUTH | OWTW_MODE_IKEV2),
                     OWTW_MODE_AUTH);
    assert_int_equal(owtw_test_security(OWTW_MODE_ENCRYPTED),
                     OWTW_MODE_ENCRYPTED);
    assert_int_equal(owtw_test_security(OWTW_MODE_MIXED | 16),
                     OWTW_MODE_OPEN);
    assert_int_equal(owtw_test_security(6), 0);
    assert_int_equal(owtw_test_security(16), 0);
}

/* RFC 4656 §3.1: a Set-Up-Response with no mode bit in the last three
 * (OWAMP ignores the others, RFC 5618's 8 included) says the client will
 * not continue: the server closes without a Server-Start. */
static void test_owtw_server_closes_on_mode_zero(void **state)
{
    (void)state;
    static const uint32_t modes[] = {0, OWTW_MODE_MIXED, 0x100};
    for (size_t i = 0; i < 3; i++) {
        struct pair pp;
        pair_init(&pp, OWTW_OWAMP, 7 | OWTW_MODE_MIXED, OWTW_MODE_OPEN, PASS);
        struct ippm_event t = ev_of(IPPM_EV_TIMER, pp.now, NULL, 0);
        assert_int_equal(owtw_server_handle(&pp.s, &t, &pp.sact), IPPM_OK);
        uint8_t su[OWTW_SETUP_LEN] = {0};
        ippm_store_u32(su, modes[i]);
        struct ippm_event b = ev_of(IPPM_EV_BYTES, pp.now, su, sizeof su);
        assert_int_equal(owtw_server_handle(&pp.s, &b, &pp.sact),
                         OWTW_ERR_MODE);
        assert_int_equal(pp.sact.io.kind, IPPM_ACT_CLOSE);
        pair_free(&pp);
    }
}

/* RFC 5357 §3.5: a Request-TW-Session with Conf-Sender or
 * Conf-Receiver set is answered with Accept 3 by the machine itself; the
 * connection goes on. */
static void test_owtw_server_refuses_twamp_conf_fields(void **state)
{
    (void)state;
    struct pair pp;
    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_ENCRYPTED, PASS);
    pair_connect(&pp, OWTW_MODE_ENCRYPTED);
    for (int i = 0; i < 2; i++) {
        struct owtw_request rq = tw_request();
        rq.conf_sender = (uint8_t)(i == 0);
        rq.conf_receiver = (uint8_t)(i == 1 ? 2 : 0);
        struct owtw_action a;
        assert_int_equal(owtw_client_request(&pp.c, pp.now, &rq, NULL, &a),
                         IPPM_OK);
        assert_int_equal(to_server(&pp, &a), IPPM_OK);
        assert_int_equal(pp.sact.note, OWTW_NOTE_NONE);
        assert_int_equal(to_client(&pp, &pp.sact), IPPM_OK);
        assert_int_equal(pp.cact.note, OWTW_NOTE_ACCEPT);
        assert_int_equal(pp.cact.accept.accept, OWTW_ACCEPT_NOT_SUPPORTED);
    }
    pair_session(&pp, 9); /* a proper one still goes */
    pair_free(&pp);
}

/* The client closes after a refused Start-Sessions (RFC 4656 §3.7, the
 * client SHOULD), and on a server Stop-Sessions that miscounts the
 * server's send sessions (§3.8). */
static void test_owtw_client_closes_on_refused_start_and_bad_stop(void **state)
{
    (void)state;
    struct pair pp;
    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_AUTH, PASS);
    pair_connect(&pp, OWTW_MODE_AUTH);
    pair_session(&pp, 1);
    struct owtw_action a;
    assert_int_equal(owtw_client_start(&pp.c, pp.now, &a), IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(owtw_server_start_ack(&pp.s, pp.now,
                                           OWTW_ACCEPT_INTERNAL, &a),
                     IPPM_OK);
    assert_int_equal(to_client(&pp, &a), IPPM_OK);
    assert_int_equal(pp.cact.note, OWTW_NOTE_START_ACK);
    assert_int_equal(pp.cact.start_ack.accept, OWTW_ACCEPT_INTERNAL);
    assert_int_equal(owtw_client_deadline(&pp.c), 0);
    struct ippm_event t = ev_of(IPPM_EV_TIMER, pp.now, NULL, 0);
    assert_int_equal(owtw_client_handle(&pp.c, &t, &pp.cact),
                     IPPM_ERR_REFUSED);
    pair_free(&pp);

    pair_init(&pp, OWTW_OWAMP, 7, OWTW_MODE_OPEN, PASS);
    pair_connect(&pp, OWTW_MODE_OPEN);
    struct owtw_request rq = tw_request();
    rq.cmd = OWTW_CMD_REQUEST_SESSION;
    rq.conf_sender = 1; /* the server sends */
    assert_int_equal(owtw_client_request(&pp.c, pp.now, &rq, NULL, &a),
                     IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    struct owtw_accept_session ans = {.port = 5};
    assert_int_equal(owtw_server_accept(&pp.s, pp.now, &ans, &a), IPPM_OK);
    assert_int_equal(to_client(&pp, &a), IPPM_OK);
    assert_int_equal(owtw_client_start(&pp.c, pp.now, &a), IPPM_OK);
    assert_int_equal(to_server(&pp, &a), IPPM_OK);
    assert_int_equal(owtw_server_start_ack(&pp.s, pp.now, 0, &a), IPPM_OK);
    assert_int_equal(to_client(&pp, &a), IPPM_OK);
    assert_int_equal(owtw_server_stop(&pp.s, pp.now, 0, NULL, 0, &a),
                     IPPM_OK);
    assert_int_equal(to_client(&pp, &a), OWTW_ERR_STOP_COUNT);
    pair_free(&pp);
}

/* Before the greeting the client has no time to count from: no deadline
 * until its first event, then the reply timeout from that event (a
 * TIMER before the greeting closed it as timed out, impl/owtw b5397fc). */
static void test_owtw_client_waits_for_the_greeting_from_its_first_event(
    void **state)
{
    (void)state;
    struct pair pp;
    pair_init(&pp, OWTW_TWAMP, 7, OWTW_MODE_OPEN, PASS);
    assert_true(owtw_client_deadline(&pp.c) == UINT64_MAX);
    uint64_t now = 100ull * 1000000000ull;
    struct ippm_event t = ev_of(IPPM_EV_TIMER, now, NULL, 0);
    assert_int_equal(owtw_client_handle(&pp.c, &t, &pp.cact), IPPM_OK);
    assert_int_equal(pp.cact.io.kind, IPPM_ACT_NONE);
    uint64_t d = owtw_client_deadline(&pp.c);
    assert_true(d == now + 30ull * 1000000000ull);
    t.now_ns = d;
    assert_int_equal(owtw_client_handle(&pp.c, &t, &pp.cact),
                     IPPM_ERR_TIMEOUT);
    pair_free(&pp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owtw_machines_talk_twamp_every_mode),
        cmocka_unit_test(test_owtw_machines_talk_owamp_every_mode),
        cmocka_unit_test(test_owtw_machines_individual_session_control),
        cmocka_unit_test(test_owtw_server_refuses_bad_key_token_and_mode),
        cmocka_unit_test(test_owtw_server_closes_on_wrong_commands),
        cmocka_unit_test(test_owtw_server_closes_on_bad_mac),
        cmocka_unit_test(test_owtw_server_servwait_and_stop_count),
        cmocka_unit_test(test_owtw_refwait_timeout_and_full),
        cmocka_unit_test(test_owtw_client_refuses_greetings),
        cmocka_unit_test(test_owtw_client_probes),
        cmocka_unit_test(test_owtw_micro_session_requests),
        cmocka_unit_test(test_owtw_test_security),
        cmocka_unit_test(test_owtw_server_closes_on_mode_zero),
        cmocka_unit_test(test_owtw_server_refuses_twamp_conf_fields),
        cmocka_unit_test(
            test_owtw_client_closes_on_refused_start_and_bad_stop),
        cmocka_unit_test(
            test_owtw_client_waits_for_the_greeting_from_its_first_event),
    };
    return cmocka_run_group_tests(tests, owtw_test_setup, owtw_test_teardown);
}
