/* Fuzzes the OWAMP/TWAMP-Control server machine (proto/owtw/
 * owtw_server.c): the client's octets of a capture, mutated, in pieces,
 * with the capture's randomness and real crypto (layout in fuzz_owtw.h).
 * The harness driver answers every note as a daemon would.
 *
 * Postconditions: handle returns IPPM_OK or the reason of its CLOSE, and
 * a closed machine stays closed with its first reason; every SEND fits
 * tx and is whole blocks; answer calls succeed exactly when a note asked
 * for them; the deadline loop ends (no spin); sessions in the array are
 * never more than its size; a BYTES event never exceeds the room. */
#include "fuzz_owtw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define TX_CAP 1024

struct run {
    struct owtw_server s;
    uint8_t in[512], plain[512], tx[TX_CAP];
    struct owtw_session sessions[3];
    uint8_t flags;
    uint16_t port;
};

/* The driver's answer to a note. */
static void answer(struct run *r, const struct owtw_action *act,
                   uint64_t now)
{
    struct owtw_action a;
    enum ippm_err e = IPPM_OK;
    bool ow = r->s.c.proto == OWTW_OWAMP;
    switch (act->note) {
    case OWTW_NOTE_REQUEST: {
        FUZZ_CHECK(act->session >= 0 && act->session < 3);
        struct owtw_accept_session ans = {
            .accept = (r->flags & 8) ? OWTW_ACCEPT_TEMPORARY : 0,
            .port = r->port++};
        memset(ans.sid, (uint8_t)r->port, 16);
        e = owtw_server_accept(&r->s, now, &ans, &a);
        break;
    }
    case OWTW_NOTE_START:
        e = owtw_server_start_ack(&r->s, now, (r->flags & 16) ? 2 : 0, &a);
        if (e == IPPM_OK && ow && r->s.c.active) {
            FUZZ_CHECK(!fuzz_owtw_check_action(&a, TX_CAP));
            struct owtw_stop_record rec = {.next_seqno = 10};
            e = owtw_server_stop(&r->s, now, 0, &rec, 1, &a);
        }
        break;
    case OWTW_NOTE_STOP:
        if (ow && r->s.c.active && !r->s.c.stop_sent) {
            struct owtw_stop_record rec = {.next_seqno = 10};
            e = owtw_server_stop(&r->s, now, 0, &rec, 1, &a);
        } else {
            return;
        }
        break;
    case OWTW_NOTE_FETCH: {
        struct owtw_fetch_ack fa = {.accept = (r->flags & 16) ? 2 : 0,
                                    .finished = 1, .next_seqno = 10,
                                    .n_skips = 1, .n_records = 10};
        struct owtw_request rq = {.cmd = 1, .ipvn = 4, .n_slots = 1};
        struct owtw_slot sl = {OWTW_SLOT_EXP, 1};
        uint8_t skip[8] = {0, 0, 0, 1, 0, 0, 0, 2};
        e = owtw_server_fetch_ack(&r->s, now, &fa, &rq, &sl, skip, &a);
        FUZZ_CHECK(e == IPPM_OK);
        FUZZ_CHECK(!fuzz_owtw_check_action(&a, TX_CAP));
        if (fa.accept)
            return;
        uint8_t rec[10 * 25];
        memset(rec, 0x42, sizeof rec);
        for (uint32_t i = 0; i < 10; i += 4) {
            uint32_t n = 10 - i < 4 ? 10 - i : 4;
            e = owtw_server_fetch_records(&r->s, now, rec + 25 * i, n,
                                          i + n == 10, &a);
            FUZZ_CHECK(e == IPPM_OK);
            FUZZ_CHECK(!fuzz_owtw_check_action(&a, TX_CAP));
        }
        return;
    }
    case OWTW_NOTE_START_N:
    case OWTW_NOTE_STOP_N: {
        uint8_t cmd = act->note == OWTW_NOTE_START_N ? OWTW_CMD_START_N_ACK
                                                     : OWTW_CMD_STOP_N_ACK;
        /* The SIDs view lives in plain: copy before answering. */
        uint32_t n = act->nsessions.n_sessions;
        if (n > 16) {
            /* Answer in two: the first one SID, then the rest refused. */
            uint8_t one[16];
            memcpy(one, act->nsessions.sids, 16);
            e = owtw_server_nsessions_ack(&r->s, now, cmd, 0, one, 1, &a);
            FUZZ_CHECK(e == IPPM_OK || e == IPPM_ERR_NOSPACE);
            return;
        }
        uint8_t sids[16 * 16];
        if (n)
            memcpy(sids, act->nsessions.sids, (size_t)n * 16);
        e = owtw_server_nsessions_ack(&r->s, now, cmd, 0, sids, n, &a);
        break;
    }
    default:
        return;
    }
    FUZZ_CHECK(e == IPPM_OK);
    FUZZ_CHECK(!fuzz_owtw_check_action(&a, TX_CAP));
}

static enum ippm_err handle(void *m, const struct ippm_event *ev,
                            struct owtw_action *act)
{
    return owtw_server_handle(m, ev, act);
}

static uint64_t deadline(const void *m)
{
    return owtw_server_deadline(m);
}

static void answer_run(void *run, const struct owtw_action *act, uint64_t now)
{
    answer(run, act, now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 2)
        return 0;
    static struct run r;
    memset(&r, 0, sizeof r);
    r.flags = data[0];
    unsigned ci = (data[0] & 7) % 6;
    const struct fuzz_owtw_cap *cap = &fuzz_owtw_caps[ci];
    const struct fuzz_owtw_rand *rnd = fuzz_owtw_rand(ci);
    uint32_t modes = 7;
    if (data[0] & 32)
        modes |= 0x3f8; /* every feature bit, mixed included */
    struct owtw_server_cfg cfg = {cap->proto, modes, 2048, rnd->start_time,
                                  fuzz_owtw_keys, 1, fuzz_owtw_crypto(),
                                  0, 0};
    struct owtw_bufs bufs = {r.in, sizeof r.in, r.plain, sizeof r.plain,
                             r.tx, TX_CAP, r.sessions, 3};
    owtw_server_init(&r.s, &cfg, &bufs, &rnd->srnd);
    struct fuzz_owtw_loop l = {handle, deadline, answer_run, &r.s, &r,
                               TX_CAP, false, IPPM_OK};
    r.port = 19000;
    size_t piece = (size_t)data[1] + 1;
    if (data[0] & 64)
        piece = 512;
    uint64_t now = 1000;
    struct ippm_event ev = {IPPM_EV_TIMER, now, NULL, 0, NULL};
    fuzz_owtw_feed(&l, &ev);
    for (size_t off = 2; off < len && !l.closed;) {
        size_t room = owtw_server_room(&r.s);
        size_t n = len - off < piece ? len - off : piece;
        if (n > room)
            n = room;
        if (n == 0) { /* full and waiting on nothing: only more input */
            FUZZ_CHECK(owtw_server_deadline(&r.s) != 0);
            break;
        }
        ev = (struct ippm_event){IPPM_EV_BYTES, ++now, data + off, n, NULL};
        off += n;
        fuzz_owtw_feed(&l, &ev);
        if (data[0] & 128) {
            now += 600ull * 1000000000ull;
            ev = (struct ippm_event){IPPM_EV_TIMER, now, NULL, 0, NULL};
            fuzz_owtw_feed(&l, &ev);
        }
    }
    int sessions = 0;
    for (int i = 0; i < 3; i++)
        sessions += r.sessions[i].state != OWTW_SESS_FREE;
    FUZZ_CHECK(sessions <= 3);
    ev = (struct ippm_event){IPPM_EV_CLOSED, now + 1, NULL, 0, NULL};
    struct owtw_action act;
    owtw_server_handle(&r.s, &ev, &act);
    FUZZ_CHECK(act.io.kind == IPPM_ACT_CLOSE);
    owtw_server_free(&r.s);
    return 0;
}
