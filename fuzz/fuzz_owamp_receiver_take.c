/* Fuzzes the OWAMP Session-Receiver: a stream of datagrams into
 * owamp_receiver_handle, then Stop-Sessions (owamp_receiver_finish).
 * Input: octet 0 picks the mode (mod 3) and bit 7 seals every datagram
 * under the fuzz keys; octet 1 is Next Seqno for Stop-Sessions; octet 2
 * the first skipped sequence number (none when 255); then records of
 * [length octet][datagram].
 *
 * Postconditions:
 *  - each datagram is recorded (NONE, why OK or DUPLICATE) or dropped
 *    with a reason the header names, and counted once;
 *  - at most cap records, each with a sequence number below npackets,
 *    next_seqno above every one; a duplicate's number was seen before;
 *  - after an OK finish every record is below Next Seqno, each lost one
 *    has receive time 0 and TTL 255, and none is in the skip range. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_owtw_crypto.h"
#include "proto/owamp/owamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define NPACKETS 64
#define CAP      48

static bool dropped_for_a_reason(enum ippm_err why)
{
    return why == IPPM_ERR_SHORT || why == IPPM_ERR_HMAC ||
           why == IPPM_ERR_UNEXPECTED || why == IPPM_ERR_BAD_VALUE ||
           why == IPPM_ERR_NOSPACE;
}

static void feed(struct owamp_receiver *r, const struct owtw_test_keys *k,
                 bool seal, const uint8_t *p, size_t n, uint64_t *count)
{
    uint8_t *rx = fuzz_dup(p, n);
    size_t base = owtw_test_base_len(STAMP_PKT_SENDER, k->mode);
    if (seal && n >= base)
        FUZZ_CHECK(owtw_test_seal(k, STAMP_PKT_SENDER, rx, n) == IPPM_OK);
    struct ippm_rx_meta meta = {.rx_ns = 1000, .ttl = -1, .tos = -1};
    struct ippm_event ev = {IPPM_EV_DATAGRAM, 2000, rx, n, &meta};
    struct ippm_action act;
    size_t before = r->n;
    FUZZ_CHECK(owamp_receiver_handle(r, &ev, &act) == IPPM_OK);
    (*count)++;
    if (act.kind == IPPM_ACT_NONE) {
        FUZZ_CHECK(act.why == IPPM_OK || act.why == IPPM_ERR_DUPLICATE);
        FUZZ_CHECK(r->n == before + 1 && act.seq < NPACKETS);
        FUZZ_CHECK(r->rec[before].ttl == 255);
        bool earlier = false;
        for (size_t i = 0; i < before; i++)
            earlier |= r->rec[i].seq == act.seq;
        FUZZ_CHECK(act.why != IPPM_ERR_DUPLICATE || earlier);
    } else {
        FUZZ_CHECK(act.kind == IPPM_ACT_DROP && dropped_for_a_reason(act.why));
        FUZZ_CHECK(r->n == before);
    }
    FUZZ_CHECK(r->counters.received + r->counters.dropped == *count);
    free(rx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 3)
        return 0;
    struct owtw_test_keys k;
    fuzz_owtw_keys(&k, fuzz_owtw_modes[data[0] % 3]);
    /* a Timeout that no send time can exceed: the parsing is fuzzed */
    struct owamp_receiver_config cfg = {&k, NPACKETS, UINT64_MAX, 0x0001, NULL};
    struct owamp_record rec[CAP];
    uint64_t seen[OWAMP_SEEN_WORDS(NPACKETS)];
    struct owamp_receiver r;
    FUZZ_CHECK(owamp_receiver_init(&r, &cfg, rec, CAP, seen, 1) == IPPM_OK);
    uint64_t count = 0;
    size_t off = 3;
    while (off < len) {
        size_t n = data[off++];
        if (n > len - off)
            n = len - off;
        feed(&r, &k, data[0] & 0x80, data + off, n, &count);
        off += n;
    }
    for (size_t i = 0; i < r.n; i++)
        FUZZ_CHECK(rec[i].seq < r.next_seqno && rec[i].seq < NPACKETS);
    uint8_t sid[16] = {0};
    const struct owtw_slot slot = {OWTW_SLOT_FIXED, 1ull << 32};
    struct owtw_schedule s;
    FUZZ_CHECK(owtw_schedule_init(&s, &fuzz_owtw_crypto, sid, &slot, 1, 0) ==
               IPPM_OK);
    struct owamp_skip skip = {data[2], data[2]};
    uint32_t next = data[1];
    enum ippm_err e = owamp_receiver_finish(
        &r, &s, next, &skip, data[2] == 255 ? 0 : 1, 2000ull * IPPM_NS_PER_SEC);
    FUZZ_CHECK(e == IPPM_OK || e == IPPM_ERR_BAD_VALUE ||
               e == IPPM_ERR_NOSPACE);
    if (e == IPPM_OK)
        for (size_t i = 0; i < r.n; i++) {
            FUZZ_CHECK(rec[i].seq < next);
            if (owamp_record_is_lost(&rec[i]))
                FUZZ_CHECK(rec[i].ttl == 255 &&
                           (data[2] == 255 || rec[i].seq != data[2]));
        }
    owtw_schedule_free(&s);
    owtw_test_keys_free(&k);
    return 0;
}
