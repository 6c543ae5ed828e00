/* see owtw_cut.h */
#include "owtw_cut.h"

#include <string.h>

#include "conformance/owtw/owtw_obs.h"
#include "proto/common/ippm_cur.h"

#define C2S IPPM_DIR_TO_SERVER
#define S2C IPPM_DIR_TO_CLIENT
#define NEVER UINT64_MAX
#define QUEUE_MAX 64

/* A reply the server owes: its type, and when the client's command was
 * whole (a reply cannot start before). */
struct owed {
    int type;
    uint64_t ns;
};

struct cutter {
    const struct owtw_cut_in *in;
    struct owtw_cut_out *out;
    size_t pos[2];
    bool greeted, set_up, started_srv, running, secure, dead[2];
    struct owtw_chan ch[2];
    bool ch_ready[2];
    uint8_t challenge[OWTW_CHALLENGE_LEN], salt[OWTW_SALT_LEN];
    uint32_t count;
    struct owtw_session_keys sk;
    uint8_t client_iv[OWTW_IV_LEN];
    struct owed q[QUEUE_MAX];
    size_t nq;
    size_t pending_req; /* index of the request an Accept answers */
    uint8_t req_plain[OWTW_REQUEST_BODY_LEN];
    bool have_req;
};

/* see owtw_cut.h */
size_t owtw_cut_max_msgs(const struct owtw_cut_in *in)
{
    return (in->len[0] + in->len[1]) / OWTW_BLOCK + 4;
}

/* see owtw_cut.h */
size_t owtw_cut_plain_room(const struct owtw_cut_in *in)
{
    return in->len[0] + in->len[1] + OWTW_BLOCK;
}

/* see owtw_cut.h */
bool owtw_cut_looks_like_greeting(const uint8_t *s, size_t len)
{
    static const uint8_t zero[12];
    if (len < OWTW_GREETING_LEN)
        return false;
    struct owtw_greeting g;
    if (owtw_greeting_decode(&g, s, len) != IPPM_OK)
        return false;
    return (g.modes & ~OWTW_MODES_TWAMP) == 0 && g.count != 0 &&
           memcmp(s + 52, zero, sizeof zero) == 0;
}

static uint64_t ns_of(const struct cutter *k, int dir, size_t off)
{
    return k->in->ns_at(k->in->ctx, dir, off);
}

/* Appends a message of type over [pos, pos+len) of dir. */
static struct ippm_ctrl_msg *emit(struct cutter *k, int dir, int type,
                                  size_t len, const uint8_t *plain)
{
    struct owtw_cut_out *o = k->out;
    if (o->n_msg == o->cap_msg)
        return NULL;
    struct ippm_ctrl_msg *m = &o->msg[o->n_msg++];
    memset(m, 0, sizeof *m);
    m->dir = (enum ippm_dir)dir;
    m->type = type;
    m->stream_off = k->pos[dir];
    m->wire = k->in->data[dir] + k->pos[dir];
    m->len = len;
    m->plain = plain;
    m->ns = ns_of(k, dir, k->pos[dir] + (len ? len - 1 : 0));
    k->pos[dir] += len;
    return m;
}

/* Room for n octets of plaintext. */
static uint8_t *plain_room(struct cutter *k, size_t n)
{
    struct owtw_cut_out *o = k->out;
    if (o->cap_plain - o->used_plain < n)
        return NULL;
    uint8_t *p = o->plain + o->used_plain;
    o->used_plain += n;
    return p;
}

/* The shared secret the KeyID names (trailing zero padding not part of
 * it), or NULL. */
static const struct owtw_key *key_of(const struct cutter *k,
                                     const uint8_t keyid[OWTW_KEYID_LEN])
{
    size_t l = OWTW_KEYID_LEN;
    while (l && keyid[l - 1] == 0)
        l--;
    for (size_t i = 0; i < k->in->n_keys; i++)
        if (k->in->keys[i].keyid_len == l &&
            memcmp(k->in->keys[i].keyid, keyid, l) == 0)
            return &k->in->keys[i];
    return NULL;
}

/* Set-Up-Response: the mode, and in A/E/mixed the session keys from the
 * Token under the KeyID's secret. */
static void cut_setup(struct cutter *k)
{
    struct ippm_ctrl_msg *m = emit(k, C2S, OWTW_OBS_SETUP, OWTW_SETUP_LEN,
                                   NULL);
    struct owtw_setup s;
    if (!m || owtw_setup_decode(&s, m->wire, m->len) != IPPM_OK)
        return;
    k->set_up = true;
    k->out->mode = s.mode;
    k->secure = (s.mode & (OWTW_MODE_AUTH | OWTW_MODE_ENCRYPTED |
                           OWTW_MODE_MIXED)) != 0;
    if (!k->secure)
        return;
    memcpy(k->client_iv, s.client_iv, sizeof k->client_iv);
    const struct owtw_key *key = key_of(k, s.keyid);
    uint8_t dk[OWTW_AES_SK_LEN];
    if (k->count > OWTW_CUT_COUNT_MAX) {
        /* a hostile greeting must not buy hours of PBKDF2 */
        k->out->count_refused = true;
        return;
    }
    if (!key || !k->in->crypto ||
        owtw_derive_key(k->in->crypto, key->secret, key->secret_len, k->salt,
                        k->count, dk) != IPPM_OK) {
        k->out->key_missing = true;
        return;
    }
    enum ippm_err e =
        owtw_token_open(k->in->crypto, dk, s.token, k->challenge, &k->sk);
    memset(dk, 0, sizeof dk);
    if (e == OWTW_ERR_TOKEN) {
        /* A reader cannot tell a client's wrong key from its own: it
         * says so and reads no further (a live prober that sent a wrong
         * key on purpose marks the message itself). */
        k->out->bad_token = true;
        return;
    }
    if (e == IPPM_OK &&
        owtw_chan_init(&k->ch[C2S], k->in->crypto, &k->sk, s.client_iv) ==
            IPPM_OK) {
        k->ch_ready[C2S] = true;
        k->out->sk = k->sk;
        k->out->have_sk = true;
    }
}

/* Server-Start: octets 32..47 open the server's chain (not MACed on
 * their own: the next MAC covers them, notes §4.4). */
static void cut_server_start(struct cutter *k)
{
    const uint8_t *w = k->in->data[S2C] + k->pos[S2C];
    uint8_t *plain = NULL;
    if (k->secure && k->ch_ready[C2S] &&
        owtw_chan_init(&k->ch[S2C], k->in->crypto, &k->sk, w + 16) ==
            IPPM_OK &&
        (plain = plain_room(k, OWTW_SERVER_START_LEN)) != NULL) {
        k->ch_ready[S2C] = true;
        memcpy(plain, w, OWTW_SERVER_START_CLEAR);
        if (owtw_chan_open_block(&k->ch[S2C], w + 32, plain + 32, false) !=
            IPPM_OK)
            plain = NULL;
    }
    emit(k, S2C, OWTW_OBS_SERVER_START, OWTW_SERVER_START_LEN, plain);
    k->started_srv = true;
}

/* Opens block i (at offset off) of a message of dir into p; is_mac: a
 * MAC block. Returns -1 when its MAC failed, 1 when one verified, 0. */
static int open_block(struct cutter *k, int dir, const uint8_t *w,
                      uint8_t *p, bool is_mac)
{
    if (!k->secure) {
        memcpy(p, w, OWTW_BLOCK);
        return 0;
    }
    enum ippm_err e = owtw_chan_open_block(&k->ch[dir], w, p, is_mac);
    if (e == IPPM_ERR_HMAC)
        return -1;
    return is_mac && e == IPPM_OK ? 1 : 0;
}

/* The plaintext of dir's next block without advancing its chain or its
 * MAC: CBC decryption of one block is AES-ECB then XOR with the last
 * ciphertext block. Returns 0, or -1 on a crypto failure. */
static int peek_block(struct cutter *k, int dir, uint8_t out[OWTW_BLOCK])
{
    const uint8_t *w = k->in->data[dir] + k->pos[dir];
    if (!k->secure) {
        memcpy(out, w, OWTW_BLOCK);
        return 0;
    }
    if (ippm_aes128_ecb(&k->ch[dir].aes, false, w, out, OWTW_BLOCK) !=
        IPPM_OK)
        return -1;
    for (int i = 0; i < OWTW_BLOCK; i++)
        out[i] ^= k->ch[dir].iv[i];
    return 0;
}

/* The proto/owtw kind of a client command (owtw_cmd_msg) and its
 * observation type; false for a number the protocol does not define. */
static bool client_kind(struct cutter *k, uint8_t cmd, enum owtw_msg *kind,
                        int *type)
{
    if (k->out->proto < 0) { /* the first command tells */
        if (cmd == OWTW_CMD_REQUEST_SESSION || cmd == OWTW_CMD_FETCH_SESSION)
            k->out->proto = OWTW_OWAMP;
        else if (cmd == 5 || cmd == 7 || cmd == 9 || cmd == 11)
            k->out->proto = OWTW_TWAMP;
    }
    enum owtw_proto proto =
        k->out->proto == OWTW_OWAMP ? OWTW_OWAMP : OWTW_TWAMP;
    *kind = owtw_cmd_msg(proto, cmd);
    if (*kind == OWTW_MSG_COUNT_)
        return false;
    switch (cmd) {
    case OWTW_CMD_REQUEST_SESSION: *type = OWTW_OBS_REQ_SESSION; break;
    case OWTW_CMD_START_SESSIONS: *type = OWTW_OBS_START; break;
    case OWTW_CMD_STOP_SESSIONS: *type = OWTW_OBS_STOP; break;
    case OWTW_CMD_FETCH_SESSION: *type = OWTW_OBS_FETCH; break;
    case 5:
        *type = proto == OWTW_OWAMP ? OWTW_OBS_REQ_MICRO : OWTW_OBS_REQ_TW;
        break;
    case OWTW_CMD_START_N_SESSIONS: *type = OWTW_OBS_START_N; break;
    case OWTW_CMD_STOP_N_SESSIONS: *type = OWTW_OBS_STOP_N; break;
    case OWTW_CMD_REQUEST_TW_MICRO: *type = OWTW_OBS_REQ_MICRO; break;
    default: return false; /* 8, 10: the server's acks, not commands */
    }
    return true;
}

/* Reads one message of kind from dir into plain, block by block,
 * learning its length from its blocks; *total is its length (0: the
 * stream ends first: the rest is partial). Returns the MAC verdict. */
static int read_msg(struct cutter *k, int dir, enum owtw_msg kind,
                    uint8_t *plain, size_t max, size_t *total)
{
    const uint8_t *w = k->in->data[dir] + k->pos[dir];
    size_t left = k->in->len[dir] - k->pos[dir];
    size_t have = 0, len = 0, mac_off[4], n_macs = 0;
    int mac = 0;
    while (have + OWTW_BLOCK <= left && have < max) {
        bool is_mac = false;
        for (size_t i = 0; len && i < n_macs; i++)
            is_mac |= mac_off[i] == have;
        int v = open_block(k, dir, w + have, plain + have, is_mac);
        mac = v < 0 || mac < 0 ? -1 : (v > 0 ? 1 : mac);
        have += OWTW_BLOCK;
        if (len && have >= len)
            break;
        if (!len) {
            size_t t;
            enum ippm_err e = owtw_msg_len(kind, plain, have, max, &t);
            if (e == IPPM_OK) {
                len = t;
                n_macs = owtw_msg_macs(kind, plain, len, mac_off);
                if (have >= len)
                    break;
            } else if (e != IPPM_ERR_AGAIN) {
                break;
            }
        }
    }
    *total = len && have >= len ? len : 0;
    return mac;
}

/* A message that could not be cut whole: the rest of dir as PARTIAL. */
static void cut_partial(struct cutter *k, int dir)
{
    size_t left = k->in->len[dir] - k->pos[dir];
    if (left) {
        emit(k, dir, OWTW_OBS_PARTIAL, left, NULL);
        k->out->left_over[dir] = left;
    }
    k->dead[dir] = true;
}

static void owe(struct cutter *k, int type, uint64_t ns)
{
    if (k->nq < QUEUE_MAX)
        k->q[k->nq++] = (struct owed){type, ns};
}

/* One client command after Set-Up-Response. */
static void cut_client(struct cutter *k)
{
    size_t left = k->in->len[C2S] - k->pos[C2S];
    uint8_t *plain = plain_room(k, left);
    if (!plain || left < OWTW_BLOCK || (k->secure && !k->ch_ready[C2S])) {
        cut_partial(k, C2S);
        return;
    }
    /* the first block tells the command: peeked, the chain untouched */
    if (peek_block(k, C2S, plain) != 0) {
        cut_partial(k, C2S);
        return;
    }
    enum owtw_msg kind;
    int type;
    if (!client_kind(k, plain[0], &kind, &type)) {
        open_block(k, C2S, k->in->data[C2S] + k->pos[C2S], plain, false);
        emit(k, C2S, OWTW_OBS_BAD_CMD, OWTW_BLOCK, plain);
        owe(k, OWTW_OBS_ACCEPT, ns_of(k, C2S, k->pos[C2S] - 1));
        return;
    }
    size_t total;
    int mac = read_msg(k, C2S, kind, plain, left, &total);
    if (!total) {
        k->out->used_plain -= left;
        cut_partial(k, C2S);
        return;
    }
    k->out->used_plain -= left - total;
    struct ippm_ctrl_msg *m = emit(k, C2S, type, total, plain);
    if (!m)
        return;
    m->mac = mac;
    if (type == OWTW_OBS_REQ_SESSION || type == OWTW_OBS_REQ_TW ||
        type == OWTW_OBS_REQ_MICRO) {
        memcpy(k->req_plain, plain, OWTW_REQUEST_BODY_LEN);
        k->have_req = true;
        owe(k, OWTW_OBS_ACCEPT, m->ns);
    } else if (type == OWTW_OBS_START) {
        owe(k, OWTW_OBS_START_ACK, m->ns);
    } else if (type == OWTW_OBS_FETCH) {
        owe(k, OWTW_OBS_FETCH_ACK, m->ns);
    } else if (type == OWTW_OBS_START_N) {
        owe(k, OWTW_OBS_START_N_ACK, m->ns);
    } else if (type == OWTW_OBS_STOP_N) {
        owe(k, OWTW_OBS_STOP_N_ACK, m->ns);
    } else if (type == OWTW_OBS_STOP) {
        k->running = false;
    }
}

/* An accepted request: a session a reader can follow. */
static void note_session(struct cutter *k, const uint8_t *acc)
{
    struct owtw_cut_out *o = k->out;
    struct owtw_request r;
    if (!k->have_req || acc[0] != 0 || o->n_sess == OWTW_CUT_SESSIONS_MAX)
        return;
    uint8_t full[OWTW_REQUEST_LEN] = {0};
    memcpy(full, k->req_plain, OWTW_REQUEST_BODY_LEN);
    ippm_store_u32(full + 4, 0); /* the slots are not needed here */
    if (owtw_request_decode(&r, full, sizeof full) != IPPM_OK)
        return;
    struct owtw_cut_session *s = &o->sess[o->n_sess++];
    s->sender_port = r.sender_port;
    s->receiver_port = ippm_load_u16(acc + 2) ? ippm_load_u16(acc + 2)
                                              : r.receiver_port;
    s->accept_port = ippm_load_u16(acc + 2);
    memcpy(s->sid, acc + 4, OWTW_SID_LEN);
    s->conf_sender = r.conf_sender != 0;
    k->have_req = false;
}

/* The data after an accepting Fetch-Ack: the reproduced request, the
 * skip ranges and the records, each with its MAC. */
static void cut_fetch_data(struct cutter *k, const uint8_t *ack)
{
    size_t left = k->in->len[S2C] - k->pos[S2C];
    uint8_t *plain = plain_room(k, left);
    if (!plain) {
        cut_partial(k, S2C);
        return;
    }
    size_t req;
    int mac = read_msg(k, S2C, OWTW_MSG_REQUEST, plain, left, &req);
    uint64_t rest = owtw_fetch_skips_len(ippm_load_u32(ack + 8)) +
                    owtw_fetch_records_len(ippm_load_u32(ack + 12));
    if (!req || rest > left - req) {
        k->out->used_plain -= left;
        cut_partial(k, S2C);
        return;
    }
    const uint8_t *w = k->in->data[S2C] + k->pos[S2C];
    size_t skips = (size_t)owtw_fetch_skips_len(ippm_load_u32(ack + 8));
    for (size_t off = req; off < req + rest; off += OWTW_BLOCK) {
        bool is_mac = off + OWTW_BLOCK == req + skips ||
                      off + OWTW_BLOCK == req + rest;
        int v = open_block(k, S2C, w + off, plain + off, is_mac);
        mac = v < 0 || mac < 0 ? -1 : (v > 0 ? 1 : mac);
    }
    k->out->used_plain -= left - (req + (size_t)rest);
    struct ippm_ctrl_msg *m = emit(k, S2C, OWTW_OBS_FETCH_DATA,
                                   req + (size_t)rest, plain);
    if (m)
        m->mac = mac;
}

/* One server message after Server-Start: the reply the client is owed
 * first, or (OWAMP, sessions running, nothing owed) its Stop-Sessions. */
static void cut_server(struct cutter *k, uint64_t starts)
{
    size_t left = k->in->len[S2C] - k->pos[S2C];
    int type = OWTW_OBS_UNKNOWN;
    if (k->nq && k->q[0].ns <= starts) {
        type = k->q[0].type;
        memmove(k->q, k->q + 1, --k->nq * sizeof k->q[0]);
    } else if (k->running && k->out->proto == OWTW_OWAMP) {
        type = OWTW_OBS_STOP;
    }
    static const struct {
        int type;
        enum owtw_msg kind;
    } kinds[] = {
        {OWTW_OBS_ACCEPT, OWTW_MSG_ACCEPT_SESSION},
        {OWTW_OBS_START_ACK, OWTW_MSG_START_ACK},
        {OWTW_OBS_FETCH_ACK, OWTW_MSG_FETCH_ACK},
        {OWTW_OBS_STOP, OWTW_MSG_STOP},
        {OWTW_OBS_START_N_ACK, OWTW_MSG_NSESSIONS},
        {OWTW_OBS_STOP_N_ACK, OWTW_MSG_NSESSIONS},
    };
    size_t i = 0;
    while (i < sizeof kinds / sizeof kinds[0] && kinds[i].type != type)
        i++;
    uint8_t *plain = plain_room(k, left);
    if (i == sizeof kinds / sizeof kinds[0] || !plain ||
        (k->secure && !k->ch_ready[S2C])) {
        k->out->stuck = type == OWTW_OBS_UNKNOWN;
        cut_partial(k, S2C);
        return;
    }
    size_t total;
    int mac = read_msg(k, S2C, kinds[i].kind, plain, left, &total);
    if (!total) {
        k->out->used_plain -= left;
        cut_partial(k, S2C);
        return;
    }
    k->out->used_plain -= left - total;
    struct ippm_ctrl_msg *m = emit(k, S2C, type, total, plain);
    if (!m)
        return;
    m->mac = mac;
    if (type == OWTW_OBS_ACCEPT)
        note_session(k, plain);
    else if ((type == OWTW_OBS_START_ACK || type == OWTW_OBS_START_N_ACK) &&
             plain[type == OWTW_OBS_START_ACK ? 0 : 1] == 0)
        k->running = true;
    else if (type == OWTW_OBS_FETCH_ACK && plain[0] == 0)
        cut_fetch_data(k, plain);
}

/* The next message of dir, whatever it is. */
static void cut_one(struct cutter *k, int dir, uint64_t starts)
{
    if (dir == S2C && !k->greeted) {
        if (k->in->len[S2C] < OWTW_GREETING_LEN) {
            cut_partial(k, S2C);
            return;
        }
        struct owtw_greeting g;
        const uint8_t *w = k->in->data[S2C];
        owtw_greeting_decode(&g, w, OWTW_GREETING_LEN);
        memcpy(k->challenge, g.challenge, sizeof k->challenge);
        memcpy(k->salt, g.salt, sizeof k->salt);
        k->count = g.count;
        emit(k, S2C, OWTW_OBS_GREETING, OWTW_GREETING_LEN, NULL);
        k->greeted = true;
    } else if (dir == C2S && !k->set_up) {
        if (k->in->len[C2S] - k->pos[C2S] < OWTW_SETUP_LEN)
            cut_partial(k, C2S);
        else
            cut_setup(k);
    } else if (dir == S2C && !k->started_srv) {
        if (k->in->len[S2C] - k->pos[S2C] < OWTW_SERVER_START_LEN)
            cut_partial(k, S2C);
        else
            cut_server_start(k);
    } else if (k->secure && !k->ch_ready[dir]) {
        cut_partial(k, dir); /* encrypted, and no key opens it */
    } else if (dir == C2S) {
        cut_client(k);
    } else {
        cut_server(k, starts);
    }
}

/* see owtw_cut.h */
enum ippm_err owtw_cut(const struct owtw_cut_in *in, struct owtw_cut_out *out)
{
    if (out->cap_msg < owtw_cut_max_msgs(in) ||
        out->cap_plain < owtw_cut_plain_room(in))
        return IPPM_ERR_BAD_ARG;
    struct cutter k;
    memset(&k, 0, sizeof k);
    k.in = in;
    k.out = out;
    out->n_msg = out->used_plain = out->n_sess = 0;
    out->proto = in->proto;
    out->mode = 0;
    out->key_missing = out->bad_token = out->stuck = false;
    out->count_refused = false;
    out->have_sk = false;
    memset(&out->sk, 0, sizeof out->sk);
    out->left_over[0] = out->left_over[1] = 0;
    owtw_chan_init_open(&k.ch[0]);
    owtw_chan_init_open(&k.ch[1]);
    for (size_t guard = 0; guard < owtw_cut_max_msgs(in); guard++) {
        uint64_t t[2];
        for (int d = 0; d < 2; d++)
            t[d] = !k.dead[d] && k.pos[d] < in->len[d] ? ns_of(&k, d, k.pos[d])
                                                       : NEVER;
        if (t[C2S] == NEVER && t[S2C] == NEVER)
            break;
        /* the greeting comes first; then whichever began first, the
         * client's on a tie (a reply cannot precede its command) */
        int dir = !k.greeted && t[S2C] != NEVER ? S2C
                  : t[C2S] <= t[S2C]            ? C2S
                                                : S2C;
        if (dir == C2S && !k.greeted) {
            cut_partial(&k, C2S); /* a client talking to no greeting */
            continue;
        }
        cut_one(&k, dir, t[dir]);
    }
    for (int d = 0; d < 2; d++)
        owtw_chan_free(&k.ch[d]);
    memset(&k.sk, 0, sizeof k.sk);
    return IPPM_OK;
}
