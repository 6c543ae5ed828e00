/* Every OWAMP/TWAMP control case on hand-made transcripts: PASS on a
 * conforming fixture, FAIL once a mutation breaks that case's rule (a
 * check that cannot fail is a defect). Fixtures follow the perfSONAR
 * captures (/work/shared/notes/twamp-owamp-fixtures.md §3): Modes 7,
 * Count 2048, one TWAMP session, two OWAMP sessions with Fetch-Session.
 * Messages are laid out from the RFC figures here, as a peer would have
 * sent them; authenticated fixtures carry their plaintext (plain = wire),
 * as a decrypting reader hands it over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conformance/cases/cases.h"
#include "conformance/ippm_conform.h"
#include "conformance/owtw/owtw_obs.h"
#include "proto/common/ippm_cur.h"
#include "proto/owtw/owtw_test.h"
#include "testsupport/case_rows.h"

#define NS 1000000000ull
#define T0 (1764000000ull * NS)
#define MAXC 8
#define MAXM 24
#define BUF 4096

struct conn {
    uint8_t buf[BUF];
    size_t used;
    struct ippm_ctrl_msg msg[MAXM];
};

struct fx {
    struct conn c[MAXC];
    struct ippm_transcript t[MAXC];
    size_t n;
    uint64_t now;
    bool keyed; /* authenticated: plain = wire, every HMAC verified */
    struct ippm_obs obs;
    struct owtw_obs_ext ext;
    /* OWAMP-Test packets, mode O: [role][k] */
    uint8_t pkt[2][3][14];
    struct ippm_exchange ex[2][3];
    int8_t mac[2][3]; /* as a reader that checked their HMACs says */
};

static struct fx F;

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void fx_reset(bool keyed)
{
    memset(&F, 0, sizeof F);
    F.now = T0;
    F.keyed = keyed;
    F.obs.ctrl = F.t;
    F.ext.base.name = OWTW_OBS_EXT;
    F.obs.ext = &F.ext.base;
}

/* A new connection from 127.0.0.1:40000+k to 127.0.0.1:862. */
static struct ippm_transcript *conn_new(void)
{
    size_t k = F.n++;
    assert_true(k < MAXC);
    struct ippm_transcript *t = &F.t[k];
    t->msg = F.c[k].msg;
    t->client.family = t->server.family = IPPM_AF_INET;
    t->client.ip[0] = t->server.ip[0] = 127;
    t->client.ip[3] = t->server.ip[3] = 1;
    t->client.port = (uint16_t)(40000 + k);
    t->server.port = 862;
    t->open_ns = F.now;
    t->closed_by = -1;
    F.obs.n_ctrl = F.n;
    return t;
}

static size_t conn_index(const struct ippm_transcript *t)
{
    return (size_t)(t - F.t);
}

/* Appends a zeroed message of len octets; returns its octets. */
static uint8_t *put(struct ippm_transcript *t, enum ippm_dir dir, int type,
                    size_t len)
{
    struct conn *c = &F.c[conn_index(t)];
    assert_true(t->n_msg < MAXM && c->used + len <= BUF);
    uint8_t *p = c->buf + c->used;
    c->used += len;
    F.now += NS / 1000;
    struct ippm_ctrl_msg *m = &c->msg[t->n_msg++];
    memset(m, 0, sizeof *m);
    m->dir = dir;
    m->type = type;
    m->wire = p;
    m->len = len;
    m->ns = F.now;
    bool secret = type != OWTW_OBS_GREETING && type != OWTW_OBS_SETUP;
    if (F.keyed && secret) {
        m->plain = p;
        m->mac = 1;
    }
    return p;
}

static void close_by(struct ippm_transcript *t, enum ippm_dir who,
                     uint64_t after_ns)
{
    F.now += after_ns;
    t->close_ns = F.now;
    t->closed_by = (int)who;
}

#define C2S IPPM_DIR_TO_SERVER
#define S2C IPPM_DIR_TO_CLIENT

/* ---- messages, laid out from RFC 4656 §3 and RFC 5357 §3 ---- */

static void greeting(struct ippm_transcript *t, uint32_t modes, uint32_t count)
{
    uint8_t *p = put(t, S2C, OWTW_OBS_GREETING, 64);
    put32(p + 12, modes);
    for (int i = 0; i < 32; i++) /* Challenge and Salt, new each time */
        p[16 + i] = (uint8_t)(0x40 + i + 7 * F.n);
    put32(p + 48, count);
}

static void setup(struct ippm_transcript *t, uint32_t mode)
{
    uint8_t *p = put(t, C2S, OWTW_OBS_SETUP, 164);
    put32(p, mode);
    if (mode & 0x6u) {
        memcpy(p + 4, "ippmtest", 8);
        for (int i = 0; i < 16; i++) /* Client-IV */
            p[148 + i] = (uint8_t)(0x90 + i + 3 * F.n);
    }
}

static void server_start(struct ippm_transcript *t, uint8_t accept)
{
    uint8_t *p = put(t, S2C, OWTW_OBS_SERVER_START, 48);
    p[15] = accept;
    put32(p + 32, 0xeeb14c4eu); /* the daemon's Start-Time */
    put32(p + 36, 0x7172cd7cu);
}

static void open_conn(struct ippm_transcript *t, uint32_t offered,
                      uint32_t mode)
{
    greeting(t, offered, 2048);
    setup(t, mode);
    server_start(t, 0);
}

/* A request of type (REQ_TW, REQ_SESSION or REQ_MICRO) with IPv4
 * addresses 127.0.0.1 and the perfSONAR ports. */
static uint8_t *request(struct ippm_transcript *t, int type, uint8_t conf_s,
                        uint8_t conf_r)
{
    bool ow = type == OWTW_OBS_REQ_SESSION ||
              (type == OWTW_OBS_REQ_MICRO && F.obs.protocol &&
               F.obs.protocol[0] == 'o');
    uint8_t *p = put(t, C2S, type, ow ? 112 + 32 : 112);
    p[0] = type == OWTW_OBS_REQ_TW ? 5 : type == OWTW_OBS_REQ_SESSION ? 1
           : ow                ? 5
                               : 11;
    p[1] = 4;
    p[2] = conf_s, p[3] = conf_r;
    if (ow) {
        put32(p + 4, 1);  /* one slot */
        put32(p + 8, 10); /* ten packets */
    }
    put16(p + 12, conf_s ? 0 : 9892);
    put16(p + 14, conf_s ? 9719 : (ow ? 0 : 9892));
    p[16] = p[32] = 127, p[19] = p[35] = 1;
    if (ow && conf_s)
        p[48] = 0x7f, p[63] = 0x6c; /* the client's own SID */
    put32(p + 64, ow ? 0 : 27);
    put32(p + 68, 0xeeb14c51u);
    put32(p + 76, 2);
    return p;
}

static uint8_t *accept_session(struct ippm_transcript *t, uint8_t accept,
                               uint16_t port)
{
    uint8_t *p = put(t, S2C, OWTW_OBS_ACCEPT, 48);
    p[0] = accept;
    put16(p + 2, port);
    if (accept == 0)
        p[4] = 0x7f, p[7] = 1, p[19] = (uint8_t)(0x10 + t->n_msg);
    return p;
}

static uint8_t *block_msg(struct ippm_transcript *t, enum ippm_dir dir,
                          int type, uint8_t first, size_t len)
{
    uint8_t *p = put(t, dir, type, len);
    p[0] = first;
    return p;
}

/* Stop-Sessions: n records of one skip-range pair each (OWAMP), or none
 * (TWAMP: nsess counted, no records). */
static uint8_t *stop(struct ippm_transcript *t, enum ippm_dir dir,
                     uint32_t nsess, bool records)
{
    size_t len = 32 + (records ? nsess * 48 : 0);
    uint8_t *p = put(t, dir, OWTW_OBS_STOP, len);
    p[0] = 3;
    put32(p + 4, nsess);
    for (uint32_t s = 0; records && s < nsess; s++) {
        uint8_t *r = p + 16 + 48 * s;
        r[0] = 0x7f, r[15] = (uint8_t)(s + 1);
        put32(r + 16, 10);
        put32(r + 20, 2);
        put32(r + 24, 2), put32(r + 28, 3);
        put32(r + 32, 5), put32(r + 36, 6);
    }
    return p;
}

static void fetch(struct ippm_transcript *t, uint32_t end)
{
    uint8_t *p = block_msg(t, C2S, OWTW_OBS_FETCH, 4, 48);
    put32(p + 12, end);
    p[16] = 0x7f;
}

static uint8_t *fetch_ack(struct ippm_transcript *t, uint8_t accept,
                          uint8_t finished, uint32_t next)
{
    uint8_t *p = put(t, S2C, OWTW_OBS_FETCH_ACK, 32);
    p[0] = accept;
    p[1] = finished;
    put32(p + 4, next);
    put32(p + 12, accept ? 0 : 10);
    return p;
}

/* Start-N / Stop-N-Sessions and their Acks, RFC 5938 §3. */
static uint8_t *n_msg(struct ippm_transcript *t, enum ippm_dir dir, int type,
                      uint8_t cmd, uint32_t nsess, uint32_t nsids)
{
    uint8_t *p = put(t, dir, type, 32 + 16 * nsids);
    p[0] = cmd;
    put32(p + 12, nsess);
    for (uint32_t i = 0; i < nsids; i++)
        p[16 + 16 * i] = 0x7f;
    return p;
}

/* ---- scenarios ---- */

/* One TWAMP control connection: greeting, set-up, one session started
 * and stopped, closed by the client. req_type lets RFC 9533's micro
 * request stand in. */
static struct ippm_transcript *tw_conn(uint32_t offered, uint32_t mode,
                                       int req_type)
{
    struct ippm_transcript *t = conn_new();
    open_conn(t, offered, mode);
    request(t, req_type, 0, 0);
    accept_session(t, 0, 19091);
    block_msg(t, C2S, OWTW_OBS_START, 2, 32);
    block_msg(t, S2C, OWTW_OBS_START_ACK, 0, 32);
    stop(t, C2S, 1, false);
    close_by(t, C2S, 3 * NS);
    return t;
}

/* One OWAMP control connection as owping makes it: a session the client
 * sends, one the server sends, both stopped, the first fetched. */
static struct ippm_transcript *ow_conn(int req_type)
{
    struct ippm_transcript *t = conn_new();
    open_conn(t, 7, F.keyed ? 2 : 1);
    request(t, req_type, 0, 1);
    accept_session(t, 0, 19234);
    request(t, req_type, 1, 0);
    accept_session(t, 0, 19222);
    block_msg(t, C2S, OWTW_OBS_START, 2, 32);
    block_msg(t, S2C, OWTW_OBS_START_ACK, 0, 32);
    stop(t, C2S, 1, true);
    stop(t, S2C, 1, true);
    fetch(t, 0xffffffffu);
    fetch_ack(t, 0, 1, 10);
    put(t, S2C, OWTW_OBS_FETCH_DATA, 112 + 32 + 16 + 256 + 16);
    close_by(t, C2S, NS / 100);
    return t;
}

static void base_tw(void)
{
    fx_reset(true);
    F.obs.protocol = "twamp";
    tw_conn(7, 2, OWTW_OBS_REQ_TW);
    tw_conn(7, 2, OWTW_OBS_REQ_TW);
}

/* Three OWAMP-Test packets each side sent, seen when stamped, TTL 255,
 * Error Estimate 0x0001 as perfSONAR sends them. */
static void owamp_test_packets(void)
{
    for (int r = 0; r < 2; r++) {
        for (int k = 0; k < 3; k++) {
            uint8_t *p = F.pkt[r][k];
            uint64_t t = T0 + (uint64_t)(10 + k) * NS / 20;
            ippm_store_u32(p, (uint32_t)k);
            ippm_store_u64(p + 4, owtw_ts_encode(t, 0x0001));
            ippm_store_u16(p + 12, 0x0001);
            struct ippm_exchange *e = &F.ex[r][k];
            memset(e, 0, sizeof *e);
            e->req = p;
            e->req_len = sizeof F.pkt[r][k];
            e->req_ns = t + NS / 10000;
            e->req_ttl = 255;
        }
        F.ext.test[r] = F.ex[r];
        F.ext.n_test[r] = 3;
        memset(F.mac[r], 1, sizeof F.mac[r]);
        F.ext.test_mac[r] = F.mac[r];
    }
}

static void base_ow(void)
{
    fx_reset(true);
    F.obs.protocol = "owamp";
    ow_conn(OWTW_OBS_REQ_SESSION);
    ow_conn(OWTW_OBS_REQ_SESSION);
    owamp_test_packets();
}

static void base(const char *id)
{
    if (strncmp(id, "OWAMP", 5) == 0)
        base_ow();
    else
        base_tw();
}

/* The i-th (0-based) message of type in connection c; its octets. */
static struct ippm_ctrl_msg *msg_of(size_t c, int type, int nth)
{
    struct ippm_transcript *t = &F.t[c];
    for (size_t i = 0; i < t->n_msg; i++)
        if (t->msg[i].type == type && nth-- == 0)
            return &F.c[c].msg[i];
    fail_msg("connection %zu has no message of type %d", c, type);
    return NULL;
}

static uint8_t *oct(size_t c, int type, int nth)
{
    return (uint8_t *)msg_of(c, type, nth)->wire;
}

/* Connection c ends after its first message of type: the server closes. */
static void cut_after(size_t c, int type)
{
    struct ippm_transcript *t = &F.t[c];
    for (size_t i = 0; i < t->n_msg; i++)
        if (t->msg[i].type == type) {
            t->n_msg = i + 1;
            t->close_ns = t->msg[i].ns + NS;
            t->closed_by = S2C;
            return;
        }
    fail_msg("no message of type %d", type);
}

/* A connection choosing mode though the greeting offered only offered:
 * refused in Server-Start, then closed by the server. */
static struct ippm_transcript *unoffered_conn(uint32_t offered, uint32_t mode)
{
    struct ippm_transcript *t = conn_new();
    greeting(t, offered, 2048);
    setup(t, mode);
    server_start(t, 1);
    close_by(t, S2C, NS / 1000);
    return t;
}

/* The refused connection above, accepted instead. */
static void accept_unoffered(void)
{
    oct(F.n - 1, OWTW_OBS_SERVER_START, 0)[15] = 0;
    F.t[F.n - 1].closed_by = C2S;
}

/* A request the server refuses with accept (Port 0); the client leaves. */
static struct ippm_transcript *refused_conn(uint8_t conf_s, uint8_t accept,
                                            bool foreign)
{
    struct ippm_transcript *t = conn_new();
    bool ow = F.obs.protocol[0] == 'o';
    open_conn(t, 7, 2);
    uint8_t *r = request(t, ow ? OWTW_OBS_REQ_SESSION : OWTW_OBS_REQ_TW, conf_s,
                         ow ? 1 : 0);
    if (foreign)
        r[32] = 10, r[35] = 9;
    accept_session(t, accept, 0);
    close_by(t, C2S, NS);
    return t;
}

/* A client message whose HMAC fails; the server drops the connection. */
static struct ippm_transcript *bad_mac_conn(void)
{
    struct ippm_transcript *t = conn_new();
    bool ow = F.obs.protocol[0] == 'o';
    open_conn(t, 7, 2);
    request(t, ow ? OWTW_OBS_REQ_SESSION : OWTW_OBS_REQ_TW, 0, ow);
    F.c[conn_index(t)].msg[t->n_msg - 1].mac = -1;
    close_by(t, S2C, NS / 1000);
    return t;
}

/* A server message whose HMAC fails; the client drops the connection. */
static struct ippm_transcript *srv_bad_mac_conn(void)
{
    struct ippm_transcript *t = conn_new();
    bool ow = F.obs.protocol[0] == 'o';
    open_conn(t, 7, 2);
    request(t, ow ? OWTW_OBS_REQ_SESSION : OWTW_OBS_REQ_TW, 0, ow);
    accept_session(t, 0, 19000);
    F.c[conn_index(t)].msg[t->n_msg - 1].mac = -1;
    close_by(t, C2S, NS / 1000);
    return t;
}

/* A Token under a key the server does not hold; refused, closed. */
static struct ippm_transcript *bad_key_conn(uint32_t mode, uint8_t accept)
{
    struct ippm_transcript *t = conn_new();
    greeting(t, mode | 7, 2048);
    setup(t, mode);
    F.c[conn_index(t)].msg[1].mac = -1;
    server_start(t, accept);
    close_by(t, S2C, NS / 1000);
    return t;
}

/* ---- cases: build a passing fixture, then break it ---- */

/* A build reads the row's id from case_row_id (testsupport/case_rows.h). */
#define B(name) static void name(void)
#define M(name) static void name(void)

B(b_base) { base(case_row_id); }
M(m_greet_bit8) { put32(oct(0, OWTW_OBS_GREETING, 0) + 12, 0x107); }
M(m_greet_bit12) { put32(oct(0, OWTW_OBS_GREETING, 0) + 12, 0x1007); }
M(m_count_3000) { put32(oct(0, OWTW_OBS_GREETING, 0) + 48, 3000); }
M(m_count_512) { put32(oct(0, OWTW_OBS_GREETING, 0) + 48, 512); }
M(m_greet_mbz) { oct(0, OWTW_OBS_GREETING, 0)[60] = 1; }
M(m_same_salt) { memcpy(oct(1, OWTW_OBS_GREETING, 0) + 32, oct(0, OWTW_OBS_GREETING, 0) + 32, 16); }
M(m_same_chal) { memcpy(oct(1, OWTW_OBS_GREETING, 0) + 16, oct(0, OWTW_OBS_GREETING, 0) + 16, 16); }
M(m_same_iv) { memcpy(oct(1, OWTW_OBS_SETUP, 0) + 148, oct(0, OWTW_OBS_SETUP, 0) + 148, 16); }
M(m_no_server_start) { cut_after(0, OWTW_OBS_SETUP); }
M(m_ss_mbz) { oct(0, OWTW_OBS_SERVER_START, 0)[3] = 1; }
M(m_ss_time) { oct(1, OWTW_OBS_SERVER_START, 0)[39] ^= 1; }
M(m_accept_9) { oct(0, OWTW_OBS_START_ACK, 0)[0] = 9; }
M(m_cut_req) { cut_after(0, F.obs.protocol[0] == 'o' ? OWTW_OBS_REQ_SESSION : OWTW_OBS_REQ_TW); }
M(m_cut_micro) { cut_after(0, OWTW_OBS_REQ_MICRO); }
M(m_acc_mbz) { oct(0, OWTW_OBS_ACCEPT, 0)[28] = 1; }
M(m_cut_start) { cut_after(0, OWTW_OBS_START); }
M(m_ack_mbz) { oct(0, OWTW_OBS_START_ACK, 0)[5] = 1; }
M(m_srv_stop_n) { put32(oct(0, OWTW_OBS_STOP, 1) + 4, 2); }
M(m_cli_stop_n) { put32(oct(0, OWTW_OBS_STOP, 0) + 4, 0); }
M(m_srv_skips) { put32(oct(0, OWTW_OBS_STOP, 1) + 48, 1); }
M(m_cli_skips) { put32(oct(0, OWTW_OBS_STOP, 0) + 48, 1); }
M(m_srv_pad) { oct(0, OWTW_OBS_STOP, 1)[60] = 1; }
M(m_cut_fetch) { cut_after(0, OWTW_OBS_FETCH); }
M(m_cut_fack) { cut_after(0, OWTW_OBS_FETCH_ACK); }
M(m_srv_mac) { msg_of(0, OWTW_OBS_ACCEPT, 0)->mac = -1; }
M(m_cli_mac) { msg_of(0, OWTW_OBS_START, 0)->mac = -1; }
M(m_setup_3) { put32(oct(0, OWTW_OBS_SETUP, 0), 3); }
M(m_offer_1) { put32(oct(0, OWTW_OBS_GREETING, 0) + 12, 1); }
M(m_setup_mbz) { put32(oct(0, OWTW_OBS_SETUP, 0), 0x1002); }
M(m_addr_pad) { oct(0, OWTW_OBS_REQ_SESSION, 0)[23] = 1; }
M(m_conf_2) { oct(0, OWTW_OBS_REQ_SESSION, 0)[2] = 2; }
M(m_conf_none) { oct(0, OWTW_OBS_REQ_SESSION, 0)[3] = 0; }
M(m_ow_req_mbz) { oct(0, OWTW_OBS_REQ_SESSION, 0)[90] = 1; }
M(m_start_mbz) { oct(0, OWTW_OBS_START, 0)[3] = 1; }
M(m_fetch_mbz) { oct(0, OWTW_OBS_FETCH, 0)[2] = 1; }
M(m_tw_conf) { oct(0, OWTW_OBS_REQ_TW, 0)[3] = 1; }
M(m_tw_slots) { put32(oct(0, OWTW_OBS_REQ_TW, 0) + 4, 1); }
M(m_tw_sid) { oct(0, OWTW_OBS_REQ_TW, 0)[50] = 1; }
M(m_tw_req_mbz) { oct(0, OWTW_OBS_REQ_TW, 0)[93] = 1; }
M(m_tw_stop_mbz) { oct(0, OWTW_OBS_STOP, 0)[9] = 1; }
M(m_tw_stop_n) { put32(oct(0, OWTW_OBS_STOP, 0) + 4, 2); }
M(m_tw_stop_len) { msg_of(0, OWTW_OBS_STOP, 0)->len = 48; }

/* Set-Up-Response of Mode 0; the server closes. */
B(b_mode0)
{
    base(case_row_id);
    struct ippm_transcript *t = conn_new();
    greeting(t, 7, 2048);
    setup(t, 0);
    close_by(t, S2C, NS / 1000);
}
M(m_mode0_accepted)
{
    struct ippm_transcript *t = &F.t[F.n - 1];
    t->closed_by = -1, t->close_ns = 0;
    server_start(t, 0);
}

B(b_unoffered) { base(case_row_id); unoffered_conn(1, 4); }
B(b_refused) { base(case_row_id); refused_conn(0, 1, false); }
M(m_refuse_closes) { F.t[F.n - 1].closed_by = S2C; }
B(b_foreign) { base(case_row_id); refused_conn(0, 1, true); }
M(m_foreign_ok) { oct(F.n - 1, OWTW_OBS_ACCEPT, 0)[0] = 0; }

/* OWAMP: a whole session fetched before its Stop-Sessions, denied. */
B(b_fetch_running)
{
    base(case_row_id);
    struct ippm_transcript *t = conn_new();
    open_conn(t, 7, 2);
    request(t, OWTW_OBS_REQ_SESSION, 0, 1);
    accept_session(t, 0, 19000);
    block_msg(t, C2S, OWTW_OBS_START, 2, 32);
    block_msg(t, S2C, OWTW_OBS_START_ACK, 0, 32);
    fetch(t, 0xffffffffu);
    fetch_ack(t, 1, 0, 0);
    close_by(t, C2S, NS);
}
M(m_fack_refuse_fields) { put32(oct(F.n - 1, OWTW_OBS_FETCH_ACK, 0) + 4, 7); }
M(m_fetch_running_ok) { oct(F.n - 1, OWTW_OBS_FETCH_ACK, 0)[0] = 0; }

/* OWAMP: part of a session fetched before its end: Finished 0. */
B(b_fetch_part)
{
    base(case_row_id);
    struct ippm_transcript *t = conn_new();
    open_conn(t, 7, 2);
    fetch(t, 5);
    fetch_ack(t, 0, 0, 0);
    put(t, S2C, OWTW_OBS_FETCH_DATA, 64);
    close_by(t, C2S, NS);
}
M(m_fack_next) { put32(oct(F.n - 1, OWTW_OBS_FETCH_ACK, 0) + 4, 3); }
M(m_fack_skips) { put32(oct(F.n - 1, OWTW_OBS_FETCH_ACK, 0) + 8, 1); }

B(b_bad_mac) { base(case_row_id); bad_mac_conn(); }
M(m_bad_mac_answered)
{
    struct ippm_transcript *t = &F.t[F.n - 1];
    accept_session(t, 0, 19000);
}
M(m_bad_mac_kept) { F.t[F.n - 1].closed_by = C2S; }

B(b_bad_key) { base(case_row_id); bad_key_conn(2, 1); }
M(m_bad_key_on)
{
    struct ippm_transcript *t = &F.t[F.n - 1];
    oct(F.n - 1, OWTW_OBS_SERVER_START, 0)[15] = 0;
    request(t, OWTW_OBS_REQ_TW, 0, 0);
    accept_session(t, 0, 19000);
}

/* A request cut short: 50 octets, then the server closes. */
B(b_partial)
{
    base(case_row_id);
    struct ippm_transcript *t = conn_new();
    open_conn(t, 7, 2);
    put(t, C2S, OWTW_OBS_PARTIAL, 50);
    t->left_over[C2S] = 50;
    close_by(t, S2C, 60 * NS);
}
M(m_partial_answered)
{
    struct ippm_transcript *t = &F.t[F.n - 1];
    accept_session(t, 0, 19000);
}

/* A connection dropped for a bad HMAC, then a fresh one greeted. */
B(b_survives)
{
    base(case_row_id);
    bad_mac_conn();
    if (case_row_id[0] == 'O')
        ow_conn(OWTW_OBS_REQ_SESSION);
    else
        tw_conn(7, 2, OWTW_OBS_REQ_TW);
}
M(m_not_greeted) { F.t[F.n - 1].n_msg = 0; }

B(b_modes0)
{
    base(case_row_id);
    struct ippm_transcript *t = conn_new();
    greeting(t, 0, 2048);
    close_by(t, C2S, NS / 1000);
}
M(m_modes0_went_on) { setup(&F.t[F.n - 1], 1); }

B(b_ss_refused) { base(case_row_id); unoffered_conn(1, 4); }
M(m_client_went_on)
{
    struct ippm_transcript *t = &F.t[F.n - 1];
    request(t, OWTW_OBS_REQ_TW, 0, 0);
}

B(b_srv_bad_mac) { base(case_row_id); srv_bad_mac_conn(); }
M(m_cli_kept)
{
    struct ippm_transcript *t = &F.t[F.n - 1];
    block_msg(t, C2S, OWTW_OBS_START, 2, 32);
}

/* TWAMP: an unknown command number, refused with Accept 3. */
B(b_bad_cmd)
{
    base(case_row_id);
    struct ippm_transcript *t = conn_new();
    open_conn(t, 7, 2);
    block_msg(t, C2S, OWTW_OBS_BAD_CMD, 42, 16);
    accept_session(t, 3, 0);
    close_by(t, C2S, NS);
}
M(m_bad_cmd_1) { oct(F.n - 1, OWTW_OBS_ACCEPT, 0)[0] = 1; }

B(b_conf) { base(case_row_id); refused_conn(1, 3, false); }
M(m_conf_ok) { oct(F.n - 1, OWTW_OBS_ACCEPT, 0)[0] = 0; }
M(m_reject_port) { put16(oct(F.n - 1, OWTW_OBS_ACCEPT, 0) + 2, 5000); }

/* TWAMP: a connection left idle after Server-Start, closed by the
 * server after 1000 s (over SERVWAIT's 900). */
B(b_idle)
{
    base(case_row_id);
    struct ippm_transcript *t = conn_new();
    open_conn(t, 7, 2);
    close_by(t, S2C, 1000 * NS);
}
M(m_idle_early) { struct ippm_transcript *t = &F.t[F.n - 1]; t->close_ns = t->msg[t->n_msg - 1].ns + 10 * NS; }

/* TWAMP: sessions started, the server closes 1000 s later (REFWAIT
 * expired). */
B(b_run_close)
{
    base(case_row_id);
    struct ippm_transcript *t = conn_new();
    open_conn(t, 7, 2);
    request(t, OWTW_OBS_REQ_TW, 0, 0);
    accept_session(t, 0, 19000);
    block_msg(t, C2S, OWTW_OBS_START, 2, 32);
    block_msg(t, S2C, OWTW_OBS_START_ACK, 0, 32);
    close_by(t, S2C, 1000 * NS);
}
M(m_run_close_early) { struct ippm_transcript *t = &F.t[F.n - 1]; t->close_ns = t->msg[t->n_msg - 1].ns + 5 * NS; }
M(m_run_cut) { cut_after(0, OWTW_OBS_START_ACK); }

B(b_big_count)
{
    base(case_row_id);
    struct ippm_transcript *t = conn_new();
    greeting(t, 7, 65536);
    close_by(t, C2S, NS / 1000);
}

/* OWAMP-Test packets: the second packet of the side's spoiled. */
M(m_srv_mult) { F.pkt[IPPM_ROLE_REFLECTOR][1][13] = 0; }
M(m_srv_ttl) { F.ex[IPPM_ROLE_REFLECTOR][1].req_ttl = 64; }
M(m_srv_z) { F.pkt[IPPM_ROLE_REFLECTOR][1][12] |= 0x40; }
M(m_srv_ts) { F.ex[IPPM_ROLE_REFLECTOR][1].req_ns += 10 * NS; }
M(m_cli_mult) { F.pkt[IPPM_ROLE_SENDER][1][13] = 0; }
M(m_cli_ttl) { F.ex[IPPM_ROLE_SENDER][1].req_ttl = 64; }
M(m_cli_z) { F.pkt[IPPM_ROLE_SENDER][1][12] |= 0x40; }
M(m_cli_ts) { F.ex[IPPM_ROLE_SENDER][1].req_ns += 10 * NS; }
M(m_srv_test_mac) { F.mac[IPPM_ROLE_REFLECTOR][2] = -1; }
M(m_cli_test_mac) { F.mac[IPPM_ROLE_SENDER][0] = -1; }

/* ---- extensions ---- */

B(b_mixed) { fx_reset(true); F.obs.protocol = "twamp"; tw_conn(0xf, 8, OWTW_OBS_REQ_TW); }
M(m_offer_7) { put32(oct(0, OWTW_OBS_GREETING, 0) + 12, 7); }
B(b_unoff_mixed) { base(case_row_id); unoffered_conn(7, 8); }

/* RFC 5938: one session started and stopped with Start-N / Stop-N. */
B(b_isc)
{
    fx_reset(true);
    F.obs.protocol = "twamp";
    struct ippm_transcript *t = conn_new();
    open_conn(t, 0x17, 0x12);
    request(t, OWTW_OBS_REQ_TW, 0, 0);
    accept_session(t, 0, 19091);
    n_msg(t, C2S, OWTW_OBS_START_N, 7, 1, 1);
    n_msg(t, S2C, OWTW_OBS_START_N_ACK, 8, 1, 1);
    n_msg(t, C2S, OWTW_OBS_STOP_N, 9, 1, 1);
    n_msg(t, S2C, OWTW_OBS_STOP_N_ACK, 10, 1, 1);
    close_by(t, C2S, NS);
}
M(m_isc_off) { put32(oct(0, OWTW_OBS_SETUP, 0), 2); }
M(m_isc_legacy_cli) { msg_of(0, OWTW_OBS_START_N, 0)->type = OWTW_OBS_START; }
M(m_isc_legacy_srv) { msg_of(0, OWTW_OBS_START_N_ACK, 0)->type = OWTW_OBS_START_ACK; }
M(m_isc_nosec) { put32(oct(0, OWTW_OBS_SETUP, 0), 0x10); }
B(b_unoff_isc) { base(case_row_id); unoffered_conn(7, 0x12); }
M(m_startn_2) { put32(oct(0, OWTW_OBS_START_N, 0) + 12, 2); }
M(m_cut_startn) { cut_after(0, OWTW_OBS_START_N); }
M(m_startn_ack_0) { put32(oct(0, OWTW_OBS_START_N_ACK, 0) + 12, 0); }
M(m_stopn_0) { put32(oct(0, OWTW_OBS_STOP_N, 0) + 12, 0); }
M(m_cut_stopn) { cut_after(0, OWTW_OBS_STOP_N); }
M(m_stopn_ack_3) { put32(oct(0, OWTW_OBS_STOP_N_ACK, 0) + 12, 3); }
B(b_isc_mismatch)
{
    b_isc();
    struct ippm_transcript *t = &F.t[0];
    t->closed_by = -1, t->close_ns = 0;
    n_msg(t, C2S, OWTW_OBS_START_N, 7, 2, 1);
    n_msg(t, S2C, OWTW_OBS_START_N_ACK, 8, 1, 1)[1] = 1;
}
M(m_isc_mismatch_ok) { oct(0, OWTW_OBS_START_N_ACK, 1)[1] = 0; }

/* RFC 6038: Reflect Octets chosen; 4 octets to reflect, 60 of padding. */
static void reflect_conn(uint32_t padlen)
{
    struct ippm_transcript *t = conn_new();
    open_conn(t, 0x27, 0x21);
    uint8_t *r = request(t, OWTW_OBS_REQ_TW, 0, 0);
    put32(r + 64, padlen);
    put16(r + 88, 0xabcd);
    put16(r + 90, 4);
    uint8_t *a = accept_session(t, padlen >= 31 ? 0 : 3,
                                padlen >= 31 ? 19091 : 0);
    if (padlen >= 31)
        put16(a + 20, 0xabcd);
    close_by(t, C2S, NS);
}
B(b_reflect) { fx_reset(false); F.obs.protocol = "twamp"; reflect_conn(60); }
M(m_reflect_off) { put32(oct(0, OWTW_OBS_SETUP, 0), 1); }
M(m_reflect_pad) { put32(oct(0, OWTW_OBS_REQ_TW, 0) + 64, 4); }
M(m_reflected) { put16(oct(0, OWTW_OBS_ACCEPT, 0) + 20, 0); }
B(b_reflect_short) { b_reflect(); reflect_conn(10); }
M(m_short_ok) { oct(F.n - 1, OWTW_OBS_ACCEPT, 0)[0] = 0; }
B(b_unoff_reflect) { base(case_row_id); unoffered_conn(7, 0x21); }

/* RFC 7717: IKEv2Derived with SPIi and SPIr in the KeyID. */
B(b_ikev2)
{
    fx_reset(true);
    F.obs.protocol = "twamp";
   
    tw_conn(0x82, 0x82, OWTW_OBS_REQ_TW);
    uint8_t *s = oct(0, OWTW_OBS_SETUP, 0);
    memset(s + 4, 0, 80);
    for (int i = 0; i < 16; i++)
        s[4 + i] = (uint8_t)(i + 1);
}
M(m_keyid_tail) { oct(0, OWTW_OBS_SETUP, 0)[40] = 1; }
B(b_unknown_sa) { b_ikev2(); bad_key_conn(0x82, 6); }
M(m_sa_accept_1) { oct(F.n - 1, OWTW_OBS_SERVER_START, 0)[15] = 1; }
B(b_unoff_ikev2) { base(case_row_id); unoffered_conn(2, 0x82); }
M(m_offer_2) { put32(oct(0, OWTW_OBS_GREETING, 0) + 12, 2); }

/* RFC 7750 / RFC 8186: the bit offered and chosen. */
B(b_dscp) { fx_reset(true); F.obs.protocol = "twamp"; tw_conn(0x107, 0x102, OWTW_OBS_REQ_TW); }
B(b_unoff_dscp) { base(case_row_id); unoffered_conn(7, 0x101); }
B(b_ptp) { fx_reset(true); F.obs.protocol = "twamp"; tw_conn(0x207, 0x202, OWTW_OBS_REQ_TW); }
M(m_ptp_unset) { put32(oct(0, OWTW_OBS_SETUP, 0), 2); }
B(b_unoff_ptp) { base(case_row_id); unoffered_conn(7, 0x201); }

/* RFC 9533: a micro-session request in place of the plain one. */
B(b_micro_tw) { fx_reset(true); F.obs.protocol = "twamp"; tw_conn(7, 2, OWTW_OBS_REQ_MICRO); }
B(b_micro_ow) { fx_reset(true); F.obs.protocol = "owamp"; ow_conn(OWTW_OBS_REQ_MICRO); }

static const struct case_row rows[] = {
    /* OWAMP server */
    {"OWAMP-4656-3.1-01", b_base, m_greet_bit8},
    {"OWAMP-4656-3.1-02", b_base, m_count_3000},
    {"OWAMP-4656-3.1-03", b_base, m_count_512},
    {"OWAMP-4656-3.1-04", b_base, m_greet_mbz},
    {"OWAMP-4656-3.1-05", b_base, m_same_salt},
    {"OWAMP-4656-6.10-04", b_base, m_same_chal},
    {"OWAMP-4656-3.1-07", b_base, m_no_server_start},
    {"OWAMP-4656-3.1-08", b_base, m_ss_mbz},
    {"OWAMP-4656-3.1-09", b_base, m_ss_time},
    {"OWAMP-4656-3.1-10", b_mode0, m_mode0_accepted},
    {"OWAMP-4656-3.1-11", b_unoffered, accept_unoffered},
    {"OWAMP-4656-3.3-01", b_base, m_accept_9},
    {"OWAMP-4656-3.5-01", b_base, m_cut_req},
    {"OWAMP-4656-3.5-02", b_base, m_acc_mbz},
    {"OWAMP-4656-3.5-03", b_refused, m_refuse_closes},
    {"OWAMP-4656-6.2-01", b_foreign, m_foreign_ok},
    {"OWAMP-4656-3.7-01", b_base, m_cut_start},
    {"OWAMP-4656-3.7-02", b_base, m_ack_mbz},
    {"OWAMP-4656-3.8-01", b_base, m_srv_stop_n},
    {"OWAMP-4656-3.8-02", b_base, m_srv_skips},
    {"OWAMP-4656-3.8-03", b_base, m_srv_pad},
    {"OWAMP-4656-3.9-01", b_base, m_cut_fetch},
    {"OWAMP-4656-3.9-02", b_fetch_running, m_fack_refuse_fields},
    {"OWAMP-4656-3.9-03", b_fetch_part, m_fack_next},
    {"OWAMP-4656-3.9-04", b_fetch_part, m_fack_skips},
    {"OWAMP-4656-3.9-05", b_base, m_cut_fack},
    {"OWAMP-4656-3.9-06", b_fetch_running, m_fetch_running_ok},
    {"OWAMP-4656-6.10-01", b_bad_mac, m_bad_mac_answered},
    {"OWAMP-4656-6.10-02", b_bad_key, m_bad_key_on},
    {"OWAMP-4656-6.10-03", b_base, m_srv_mac},
    {"OWAMP-4656-3-01", b_partial, m_partial_answered},
    {"OWAMP-4656-3-02", b_survives, m_not_greeted},
    {"OWAMP-4656-4.1.2-01", b_base, m_srv_mult},
    {"OWAMP-4656-4.1.2-02", b_base, m_srv_ttl},
    {"OWAMP-4656-4.1.2-03", b_base, m_srv_z},
    {"OWAMP-4656-4.1.1-01", b_base, m_srv_ts},
    {"OWAMP-4656-4.1.2-10", b_base, m_cli_mult},
    {"OWAMP-4656-4.1.2-11", b_base, m_cli_ttl},
    {"OWAMP-4656-4.1.2-12", b_base, m_cli_z},
    {"OWAMP-4656-4.1.1-10", b_base, m_cli_ts},
    {"OWAMP-4656-6.10-05", b_base, m_srv_test_mac},
    {"OWAMP-4656-6.10-12", b_base, m_cli_test_mac},
    /* OWAMP client */
    {"OWAMP-4656-3.1-20", b_base, m_setup_3},
    {"OWAMP-4656-3.1-21", b_base, m_offer_1},
    {"OWAMP-4656-3.1-22", b_base, m_setup_mbz},
    {"OWAMP-4656-3.1-23", b_modes0, m_modes0_went_on},
    {"OWAMP-4656-3.1-24", b_base, m_same_iv},
    {"OWAMP-4656-3.1-25", b_ss_refused, m_client_went_on},
    {"OWAMP-4656-3.5-10", b_base, m_addr_pad},
    {"OWAMP-4656-3.5-11", b_base, m_conf_2},
    {"OWAMP-4656-3.5-12", b_base, m_conf_none},
    {"OWAMP-4656-3.5-13", b_base, m_ow_req_mbz},
    {"OWAMP-4656-3.7-10", b_base, m_start_mbz},
    {"OWAMP-4656-3.8-10", b_base, m_cli_stop_n},
    {"OWAMP-4656-3.8-11", b_base, m_cli_skips},
    {"OWAMP-4656-3.9-10", b_base, m_fetch_mbz},
    {"OWAMP-4656-6.10-10", b_base, m_cli_mac},
    {"OWAMP-4656-6.10-11", b_srv_bad_mac, m_cli_kept},
    /* TWAMP server */
    {"TWAMP-5357-3.1-01", b_base, m_greet_bit12},
    {"TWAMP-5357-3.1-02", b_base, m_count_3000},
    {"TWAMP-5357-3.1-03", b_base, m_count_512},
    {"TWAMP-5357-3.1-04", b_base, m_greet_mbz},
    {"TWAMP-5357-3.1-05", b_base, m_no_server_start},
    {"TWAMP-5357-3.1-06", b_base, m_ss_mbz},
    {"TWAMP-5357-3.1-07", b_base, m_ss_time},
    {"TWAMP-5357-3.1-08", b_unoffered, accept_unoffered},
    {"TWAMP-5357-3.1-09", b_idle, m_idle_early},
    {"TWAMP-5357-3.1-10", b_base, m_run_cut},
    {"TWAMP-5357-3.1-11", b_mode0, m_mode0_accepted},
    {"TWAMP-5357-3.3-01", b_base, m_accept_9},
    {"TWAMP-5357-3.5-01", b_base, m_cut_req},
    {"TWAMP-5357-3.5-02", b_bad_cmd, m_bad_cmd_1},
    {"TWAMP-5357-3.5-03", b_conf, m_conf_ok},
    {"TWAMP-5357-3.5-04", b_conf, m_reject_port},
    {"TWAMP-5357-3.5-05", b_base, m_acc_mbz},
    {"TWAMP-5357-3.5-06", b_conf, m_refuse_closes},
    {"TWAMP-5357-3.7-01", b_base, m_cut_start},
    {"TWAMP-5357-3.7-02", b_base, m_ack_mbz},
    {"TWAMP-5357-4.2-20", b_run_close, m_run_close_early},
    {"TWAMP-5357-6.10-01", b_bad_mac, m_bad_mac_kept},
    {"TWAMP-5357-6.10-02", b_bad_key, m_bad_key_on},
    {"TWAMP-5357-6.10-03", b_base, m_srv_mac},
    {"TWAMP-5357-6.10-04", b_base, m_same_chal},
    {"TWAMP-5357-3-01", b_partial, m_partial_answered},
    {"TWAMP-5357-3-02", b_survives, m_not_greeted},
    /* TWAMP client */
    {"TWAMP-5357-3.1-20", b_base, m_setup_3},
    {"TWAMP-5357-3.1-21", b_base, m_offer_1},
    {"TWAMP-5357-3.1-22", b_base, m_setup_mbz},
    {"TWAMP-5357-3.1-23", b_modes0, m_modes0_went_on},
    {"TWAMP-5357-3.1-24", b_base, m_same_iv},
    {"TWAMP-5357-3.5-10", b_base, m_tw_conf},
    {"TWAMP-5357-3.5-11", b_base, m_tw_slots},
    {"TWAMP-5357-3.5-12", b_base, m_tw_sid},
    {"TWAMP-5357-3.5-13", b_base, m_tw_req_mbz},
    {"TWAMP-5357-3.8-01", b_base, m_tw_stop_len},
    {"TWAMP-5357-3.8-02", b_base, m_tw_stop_n},
    {"TWAMP-5357-3.8-03", b_base, m_tw_stop_mbz},
    {"TWAMP-5357-6-01", b_big_count, m_modes0_went_on},
    {"TWAMP-5357-6.10-10", b_base, m_cli_mac},
    {"TWAMP-5357-6.10-11", b_srv_bad_mac, m_cli_kept},
    /* extensions */
    {"TWAMP-5618-3.1-01", b_mixed, m_offer_7},
    {"TWAMP-5618-4-01", b_unoff_mixed, accept_unoffered},
    {"TWAMP-5938-3.1-01", b_isc, m_isc_off},
    {"TWAMP-5938-3.1-02", b_isc, m_isc_legacy_cli},
    {"TWAMP-5938-3.1-03", b_isc, m_isc_legacy_srv},
    {"TWAMP-5938-3.1-04", b_isc, m_isc_nosec},
    {"TWAMP-5938-3.1-05", b_unoff_isc, accept_unoffered},
    {"TWAMP-5938-3.2-01", b_isc, m_startn_2},
    {"TWAMP-5938-3.2-02", b_isc, m_cut_startn},
    {"TWAMP-5938-3.2-03", b_isc_mismatch, m_isc_mismatch_ok},
    {"TWAMP-5938-3.3-01", b_isc, m_startn_ack_0},
    {"TWAMP-5938-3.4-01", b_isc, m_stopn_0},
    {"TWAMP-5938-3.4-02", b_isc, m_cut_stopn},
    {"TWAMP-5938-3.5-01", b_isc, m_stopn_ack_3},
    {"TWAMP-6038-4.1-01", b_reflect, m_reflect_off},
    {"TWAMP-6038-4.1-02", b_reflect, m_offer_7},
    {"TWAMP-6038-4.1-03", b_unoff_reflect, accept_unoffered},
    {"TWAMP-6038-4.2-01", b_reflect, m_reflect_pad},
    {"TWAMP-6038-4.3-01", b_reflect, m_reflected},
    {"TWAMP-6038-4.3-02", b_reflect_short, m_short_ok},
    {"TWAMP-7717-5.3-01", b_ikev2, m_keyid_tail},
    {"TWAMP-7717-5.3-02", b_unknown_sa, m_sa_accept_1},
    {"TWAMP-7717-5.2-01", b_unoff_ikev2, accept_unoffered},
    {"TWAMP-7717-5.3-03", b_ikev2, m_offer_2},
    {"TWAMP-7750-2.1-01", b_dscp, m_offer_7},
    {"TWAMP-7750-2.1-02", b_unoff_dscp, accept_unoffered},
    {"TWAMP-8186-2.2-01", b_ptp, m_ptp_unset},
    {"TWAMP-8186-2.2-02", b_ptp, m_offer_7},
    {"TWAMP-8186-2-01", b_unoff_ptp, accept_unoffered},
    {"TWAMP-9533-4.1-01", b_micro_tw, m_cut_micro},
    {"OWAMP-9533-3.1-01", b_micro_ow, m_cut_micro},
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

/* Every control case of the three tables has a row above. */
static void test_every_case_has_a_row(void **state)
{
    (void)state;
    const size_t n = sizeof rows / sizeof rows[0];
    case_rows_cover(rows, n, ippm_cases_owamp_4656, ippm_cases_owamp_4656_n);
    case_rows_cover(rows, n, ippm_cases_twamp_5357, ippm_cases_twamp_5357_n);
    case_rows_cover(rows, n, ippm_cases_twamp_ext, ippm_cases_twamp_ext_n);
}

/* Nothing observed grades nothing: every case is N/A on no connection,
 * and on the other role's view of a conforming one none fails. */
static void test_nothing_observed_is_na(void **state)
{
    (void)state;
    fx_reset(false);
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        const struct ippm_case *c = ippm_case_find(rows[r].id);
        char d[IPPM_DETAIL_MAX];
        assert_int_equal(grade(c, d, sizeof d), IPPM_NA);
        assert_true(d[0] != '\0');
    }
}

/* Encrypted messages without a key: the MBZ checks say so, N/A. */
static void test_encrypted_without_key_is_na(void **state)
{
    (void)state;
    base_tw();
    for (size_t c = 0; c < F.n; c++)
        for (size_t i = 0; i < F.t[c].n_msg; i++)
            F.c[c].msg[i].plain = NULL;
    const struct ippm_case *c = ippm_case_find("TWAMP-5357-3.7-02");
    char d[IPPM_DETAIL_MAX];
    assert_int_equal(grade(c, d, sizeof d), IPPM_NA);
    assert_non_null(strstr(d, "--keys"));
    /* Server-Start's first 32 octets are clear in every mode. */
    c = ippm_case_find("TWAMP-5357-3.1-06");
    assert_int_equal(grade(c, d, sizeof d), IPPM_NA);
}

/* Unauthenticated mode: everything is read from the wire. */
static void test_open_mode_reads_the_wire(void **state)
{
    (void)state;
    fx_reset(false);
    F.obs.protocol = "twamp";
    tw_conn(7, 1, OWTW_OBS_REQ_TW);
    const struct ippm_case *c = ippm_case_find("TWAMP-5357-3.7-02");
    char d[IPPM_DETAIL_MAX];
    assert_int_equal(grade(c, d, sizeof d), IPPM_PASS);
    oct(0, OWTW_OBS_START_ACK, 0)[5] = 1;
    assert_int_equal(grade(c, d, sizeof d), IPPM_FAIL);
}

/* RFC 5618 mixed mode is bit 3 (Mode 8): a security mode like the other
 * three, not "zero Mode bits" (interop B1: twampd's accepted mixed
 * connection was graded as a Mode 0 left open). */
static void test_mixed_mode_is_a_security_bit(void **state)
{
    (void)state;
    base_tw();
    tw_conn(0xf, OWTW_MODE_MIXED, OWTW_OBS_REQ_TW);
    const struct ippm_case *c = ippm_case_find("TWAMP-5357-3.1-11");
    char d[IPPM_DETAIL_MAX];
    assert_int_equal(grade(c, d, sizeof d), IPPM_NA);
    c = ippm_case_find("TWAMP-5357-3.1-20");
    assert_int_equal(grade(c, d, sizeof d), IPPM_PASS);
    /* open and mixed at once: two security bits */
    put32(oct(F.n - 1, OWTW_OBS_SETUP, 0), OWTW_MODE_OPEN | OWTW_MODE_MIXED);
    assert_int_equal(grade(c, d, sizeof d), IPPM_FAIL);
}

/* No two cases of the whole catalogue share an ID: a report names a case
 * by it, and --only selects by it (several tables grow in parallel). */
static void test_ids_unique(void **state)
{
    (void)state;
    size_t n;
    const struct ippm_case *c = ippm_catalogue(&n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(c[i].id, c[j].id) == 0)
                fail_msg("%s is in the catalogue twice", c[i].id);
}

/* RFC 6038's Accept-Session octets are TWAMP's: in OWAMP they are MBZ,
 * in TWAMP (Reflect Octets) they may carry the request's octets. */
static void test_rfc6038_octets_mbz_in_owamp_only(void **state)
{
    (void)state;
    char d[IPPM_DETAIL_MAX];
    base_ow();
    oct(0, OWTW_OBS_ACCEPT, 0)[21] = 0xcd;
    const struct ippm_case *c = ippm_case_find("OWAMP-4656-3.5-02");
    assert_int_equal(grade(c, d, sizeof d), IPPM_FAIL);
    base_tw();
    oct(0, OWTW_OBS_ACCEPT, 0)[21] = 0xcd;
    c = ippm_case_find("TWAMP-5357-3.5-05");
    assert_int_equal(grade(c, d, sizeof d), IPPM_PASS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc6038_octets_mbz_in_owamp_only),
        cmocka_unit_test(test_ids_unique),
        cmocka_unit_test(test_each_case_passes_then_fails),
        cmocka_unit_test(test_every_case_has_a_row),
        cmocka_unit_test(test_nothing_observed_is_na),
        cmocka_unit_test(test_encrypted_without_key_is_na),
        cmocka_unit_test(test_open_mode_reads_the_wire),
        cmocka_unit_test(test_mixed_mode_is_a_security_bit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
