/* Fuzzes the OWAMP/TWAMP-Control client machine (proto/owtw/
 * owtw_client.c): the server's octets of a capture, mutated, in pieces,
 * with the capture's randomness and real crypto (layout in fuzz_owtw.h).
 * The harness driver asks what owping/twping asked: requests (two for
 * OWAMP), Start, Stop, Fetch.
 *
 * Postconditions: handle returns IPPM_OK or the reason of its CLOSE, and
 * stays closed; every SEND fits tx; commands succeed when the machine
 * is idle; Fetch records arrive as whole 25-octet records inside plain,
 * never more than the Fetch-Ack announced, and the last chunk comes
 * once; the deadline loop ends. */
#include "fuzz_owtw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define TX_CAP 512

struct run {
    struct owtw_client c;
    uint8_t in[512], plain[256], tx[TX_CAP];
    struct owtw_session sessions[3];
    uint8_t flags;
    int requests;
    uint32_t announced, records;
    bool last;
};

static void command(struct run *r, enum ippm_err e, struct owtw_action *a)
{
    FUZZ_CHECK(e == IPPM_OK || e == IPPM_ERR_STATE ||
               e == IPPM_ERR_SESSION_FULL);
    if (e == IPPM_OK)
        FUZZ_CHECK(!fuzz_owtw_check_action(a, TX_CAP));
    (void)r;
}

static void answer(struct run *r, const struct owtw_action *act,
                   uint64_t now)
{
    struct owtw_action a;
    bool ow = r->c.c.proto == OWTW_OWAMP;
    struct owtw_request rq = {.cmd = ow ? 1 : 5, .ipvn = 4,
                              .n_slots = ow ? 1 : 0, .n_packets = 10};
    struct owtw_slot sl = {OWTW_SLOT_EXP, 0x0ccccccc};
    switch (act->note) {
    case OWTW_NOTE_READY:
    case OWTW_NOTE_ACCEPT:
        if (act->note == OWTW_NOTE_ACCEPT && act->session >= 0)
            FUZZ_CHECK(r->sessions[act->session].state ==
                       OWTW_SESS_ACCEPTED);
        if (r->requests < (ow ? 2 : 1)) {
            rq.conf_receiver = (uint8_t)(r->requests == 0);
            rq.conf_sender = (uint8_t)(r->requests == 1 || !ow);
            r->requests++;
            command(r, owtw_client_request(&r->c, now, &rq, &sl, &a), &a);
        } else {
            command(r, owtw_client_start(&r->c, now, &a), &a);
        }
        return;
    case OWTW_NOTE_START_ACK:
        if (!ow)
            command(r, owtw_client_stop(&r->c, now, 0, NULL, 1, &a), &a);
        return;
    case OWTW_NOTE_STOP: {
        struct owtw_stop_record rec = {.next_seqno = 10};
        command(r, owtw_client_stop(&r->c, now, 0, &rec, 1, &a), &a);
        struct owtw_fetch f = {.end_seq = 0xffffffffu};
        command(r, owtw_client_fetch(&r->c, now, &f, &a), &a);
        return;
    }
    case OWTW_NOTE_FETCH_ACK:
        r->announced = act->fetch_ack.accept ? 0 : act->fetch_ack.n_records;
        return;
    case OWTW_NOTE_FETCH_SKIPS:
        FUZZ_CHECK(act->view_len == 0 ||
                   (act->view == r->plain && act->view_len <= 256));
        return;
    case OWTW_NOTE_FETCH_RECORDS:
        FUZZ_CHECK(!r->last);
        FUZZ_CHECK(act->view_len == (size_t)act->n_records * 25);
        FUZZ_CHECK(act->view_len == 0 ||
                   (act->view == r->plain && act->view_len <= 256));
        r->records += act->n_records;
        FUZZ_CHECK(r->records <= r->announced);
        r->last = act->last;
        if (act->last)
            FUZZ_CHECK(r->records == r->announced);
        return;
    default:
        return;
    }
}

static enum ippm_err handle(void *m, const struct ippm_event *ev,
                            struct owtw_action *act)
{
    return owtw_client_handle(m, ev, act);
}

static uint64_t deadline(const void *m)
{
    return owtw_client_deadline(m);
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
    uint32_t modes = cap->mode | ((data[0] & 32) ? 0x3f0u : 0);
    struct owtw_client_cfg cfg = {cap->proto, modes, (const uint8_t *)"ippmtest",
                                  8, fuzz_owtw_pass, 8, fuzz_owtw_crypto(),
                                  0, 0};
    struct owtw_bufs bufs = {r.in, sizeof r.in, r.plain, sizeof r.plain,
                             r.tx, TX_CAP, r.sessions, 3};
    owtw_client_init(&r.c, &cfg, &bufs, &rnd->crnd);
    struct fuzz_owtw_loop l = {handle, deadline, answer_run, &r.c, &r,
                               TX_CAP, false, IPPM_OK};
    size_t piece = (size_t)data[1] + 1;
    if (data[0] & 64)
        piece = 512;
    uint64_t now = 1000;
    for (size_t off = 2; off < len && !l.closed;) {
        size_t room = owtw_client_room(&r.c);
        size_t n = len - off < piece ? len - off : piece;
        if (n > room)
            n = room;
        if (n == 0)
            break;
        struct ippm_event ev = {IPPM_EV_BYTES, ++now, data + off, n, NULL};
        off += n;
        fuzz_owtw_feed(&l, &ev);
        if (data[0] & 128) {
            now += 20ull * 1000000000ull;
            ev = (struct ippm_event){IPPM_EV_TIMER, now, NULL, 0, NULL};
            fuzz_owtw_feed(&l, &ev);
        }
    }
    struct ippm_event stop = {IPPM_EV_STOP, now + 1, NULL, 0, NULL};
    struct owtw_action act;
    owtw_client_handle(&r.c, &stop, &act);
    FUZZ_CHECK(act.io.kind == IPPM_ACT_CLOSE);
    owtw_client_free(&r.c);
    return 0;
}
