/* Fuzzes the OWAMP Session-Sender (owamp_sender_handle) through a run of
 * events. Input: octet 0 the mode (mod 3) and, bit 2, a second slot;
 * octets 1-2 the slot parameters (1/256 s units, bit 7 of each: fixed
 * slot); octet 3 Number of Packets (1-64); octet 4 Timeout (1/16 s);
 * octet 5 the padding length; then events, one octet each: 0xff STOP,
 * 0xfe a DATAGRAM, else a TIMER that many 1/64 s after the last.
 *
 * Postconditions:
 *  - each SEND is pkt_len octets, carries the next sequence number not
 *    yet handled, opens under the keys and decodes to it, timestamped
 *    at the event's time;
 *  - sent + skipped = Next Seqno <= Number of Packets; every sequence
 *    number below Next Seqno is either sent or in a Skip Range;
 *  - DONE only once every packet is handled, or on STOP; nothing after. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_owtw_crypto.h"
#include "proto/common/ippm_time.h"
#include "proto/owamp/owamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define NPACKETS_MAX 64

static bool in_skips(const struct owamp_sender *s, uint32_t seq)
{
    for (size_t i = 0; i < s->log.n; i++)
        if (s->skips[i].first <= seq && seq <= s->skips[i].last)
            return true;
    return false;
}

static void check_send(const struct owamp_sender *s, const uint8_t *tx,
                       const struct ippm_action *act, uint64_t now, bool *sent)
{
    const struct owtw_test_keys *k = s->cfg.keys;
    FUZZ_CHECK(act->len == s->cfg.pkt_len);
    FUZZ_CHECK(act->seq + 1 == s->log.next_seqno && !sent[act->seq]);
    sent[act->seq] = true;
    uint8_t *p = fuzz_dup(tx, act->len);
    FUZZ_CHECK(owtw_test_open(k, STAMP_PKT_SENDER, p, act->len) == IPPM_OK);
    struct stamp_sender_pkt d;
    FUZZ_CHECK(owtw_sender_pkt_decode(&d, p, act->len, k->mode) == IPPM_OK);
    FUZZ_CHECK(d.seq == act->seq && !d.mbz_nonzero);
    FUZZ_CHECK(d.ts == owtw_ts_encode(now, s->cfg.errest));
    free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 6)
        return 0;
    struct owtw_test_keys k;
    fuzz_owtw_keys(&k, fuzz_owtw_modes[data[0] % 3]);
    struct owtw_slot slots[2];
    for (int i = 0; i < 2; i++) {
        slots[i].type = data[1 + i] & 0x80 ? OWTW_SLOT_FIXED : OWTW_SLOT_EXP;
        slots[i].param = (uint64_t)(data[1 + i] & 0x7f) << 24;
    }
    uint8_t pad[64];
    memset(pad, 0x5a, sizeof pad);
    size_t base = owtw_test_base_len(STAMP_PKT_SENDER, k.mode);
    struct owamp_sender_config cfg = {
        .keys = &k,
        .sid = "fuzz-sender-sid",
        .slots = slots,
        .n_slots = data[0] & 4 ? 2 : 1,
        .start = (IPPM_NTP_UNIX_OFFSET + 1000) << 32,
        .npackets = 1u + data[3] % NPACKETS_MAX,
        .timeout = ((uint64_t)data[4] + 1) << 28,
        .pkt_len = base + data[5] % 64,
        .padding = data[5] & 0x40 ? pad : NULL,
        .errest = 1,
    };
    struct owamp_sender s;
    FUZZ_CHECK(owamp_sender_init(&s, &fuzz_owtw_crypto, &cfg) == IPPM_OK);
    bool sent[NPACKETS_MAX] = {false};
    bool done = false;
    uint64_t now = 1000 * IPPM_NS_PER_SEC;
    uint8_t tx[128];
    for (size_t i = 6; i < len; i++) {
        struct ippm_event ev = {IPPM_EV_TIMER, now, NULL, 0, NULL};
        if (data[i] == 0xff)
            ev.kind = IPPM_EV_STOP;
        else if (data[i] == 0xfe)
            ev.kind = IPPM_EV_DATAGRAM, ev.data = tx, ev.len = 1;
        else
            ev.now_ns = now += (uint64_t)data[i] * (IPPM_NS_PER_SEC / 64);
        struct ippm_action act;
        FUZZ_CHECK(owamp_sender_handle(&s, &ev, tx, sizeof tx, &act) ==
                   IPPM_OK);
        if (act.kind == IPPM_ACT_SEND_DATAGRAM) {
            FUZZ_CHECK(!done);
            check_send(&s, tx, &act, now, sent);
        } else if (act.kind == IPPM_ACT_DONE) {
            FUZZ_CHECK(!done);
            FUZZ_CHECK(ev.kind == IPPM_EV_STOP ||
                       s.log.next_seqno == cfg.npackets);
            done = true;
        } else if (act.kind == IPPM_ACT_DROP) {
            FUZZ_CHECK(ev.kind == IPPM_EV_DATAGRAM);
        } else {
            FUZZ_CHECK(act.kind == IPPM_ACT_NONE);
        }
        FUZZ_CHECK(done == (owamp_sender_deadline(&s) == UINT64_MAX));
    }
    FUZZ_CHECK(s.counters.sent + s.counters.skipped == s.log.next_seqno);
    FUZZ_CHECK(s.log.next_seqno <= cfg.npackets);
    for (uint32_t q = 0; q < s.log.next_seqno && !s.log.overflow; q++)
        FUZZ_CHECK(sent[q] != in_skips(&s, q));
    owamp_sender_free(&s);
    owtw_test_keys_free(&k);
    return 0;
}
