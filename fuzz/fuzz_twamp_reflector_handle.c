/* Fuzzes the full-TWAMP Session-Reflector (twamp_reflector_handle) on a
 * datagram in every mode. The first octet picks the options (bit 0
 * Symmetrical Size, bit 1 DSCP-ECN, bit 2 a PTP clock, bits 3-7 an RFC
 * 6038 reflect length of 0-31 octets; bits 1 and 2 together an RFC 9533
 * micro-session); the rest is the datagram. For
 * a seed, the datagram is also sealed under the fuzz keys first (bit 7
 * of the second octet), so the reflection path runs in modes 2 and 4.
 *
 * Postconditions:
 *  - the action is SEND_DATAGRAM or DROP, and a DROP says why: SHORT,
 *    HMAC, NOSPACE or TOO_LONG; every datagram is counted once;
 *  - a SEND is twamp_reflect_len octets, opens under the same keys,
 *    decodes, and carries the sender's sequence number, timestamp and
 *    Error Estimate; its padding is the sender's, from the right offset;
 *  - the reflector's own sequence numbers count the replies. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_owtw_crypto.h"
#include "proto/twamp/twamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void check_reply(const struct twamp_reflector *r, const uint8_t *rx,
                        size_t rx_len, uint8_t *tx, size_t tx_len)
{
    const struct twamp_reflector_config *c = &r->cfg;
    enum owtw_test_mode mode = c->keys->mode;
    size_t base = c->micro ? twamp_micro_base_len(STAMP_PKT_REFLECTOR, mode)
                  : c->dscp_ecn ? twamp_dscp_ecn_base_len(mode)
                                : owtw_test_base_len(STAMP_PKT_REFLECTOR, mode);
    FUZZ_CHECK(tx_len == twamp_reflect_len(rx_len, base, c->reflect_len));
    FUZZ_CHECK(owtw_test_open(c->keys, STAMP_PKT_REFLECTOR, tx, tx_len) ==
               IPPM_OK);
    struct stamp_reflector_pkt p;
    FUZZ_CHECK(twamp_reflector_pkt_decode(&p, tx, tx_len, mode) == IPPM_OK);
    uint8_t plain[OWTW_SENDER_AUTH_LEN];
    size_t sbase = owtw_test_base_len(STAMP_PKT_SENDER, mode);
    memcpy(plain, rx, sbase);
    FUZZ_CHECK(owtw_test_open(c->keys, STAMP_PKT_SENDER, plain, sbase) ==
               IPPM_OK);
    struct stamp_sender_pkt s;
    FUZZ_CHECK(owtw_sender_pkt_decode(&s, plain, sbase, mode) == IPPM_OK);
    FUZZ_CHECK(p.ss_seq == s.seq && p.ss_ts == s.ts &&
               p.ss_errest == s.errest && p.seq == r->next_seq - 1);
    size_t off = twamp_sender_padding_off(mode, c->symmetrical);
    size_t pad = tx_len - base;
    size_t have = rx_len > off ? rx_len - off : 0;
    size_t n = have < pad ? have : pad;
    FUZZ_CHECK(memcmp(tx + base, rx + off, n) == 0);
    FUZZ_CHECK(fuzz_all(tx + base + n, 0, pad - n));
}

static void one_mode(const uint8_t *data, size_t len, enum owtw_test_mode mode)
{
    if (len < 2)
        return;
    struct owtw_test_keys k;
    fuzz_owtw_keys(&k, mode);
    struct twamp_reflector_config cfg = {
        .keys = &k,
        .errest = (data[0] & 4) ? 0x4001 : 0x0001,
        .reflect_len = (uint16_t)(data[0] >> 3),
        .symmetrical = data[0] & 1,
        .dscp_ecn = data[0] & 2,
        /* RFC 9533 with bit 2 too: ID 0x0101 */
        .micro = (data[0] & 6) == 6,
        .micro_id = 0x0101,
        .refwait_ns = 1000,
    };
    struct twamp_reflector r;
    twamp_reflector_init(&r, &cfg, 0);
    size_t rx_len = len - 1;
    uint8_t *rx = fuzz_dup(data + 1, rx_len);
    size_t sbase = owtw_test_base_len(STAMP_PKT_SENDER, mode);
    if ((data[1] & 0x80) && rx_len >= sbase)
        FUZZ_CHECK(owtw_test_seal(&k, STAMP_PKT_SENDER, rx, rx_len) == IPPM_OK);
    size_t cap = rx_len + 200;
    uint8_t *tx = malloc(cap);
    FUZZ_CHECK(tx != NULL);
    struct ippm_rx_meta meta = {
        .rx_ns = 10, .ttl = (int16_t)(data[0] - 1), .tos = (int16_t)data[0]};
    struct ippm_event ev = {IPPM_EV_DATAGRAM, 20, rx, rx_len, &meta};
    struct ippm_action act;
    FUZZ_CHECK(twamp_reflector_handle(&r, &ev, tx, cap, &act) == IPPM_OK);
    if (act.kind == IPPM_ACT_SEND_DATAGRAM) {
        FUZZ_CHECK(r.counters.reflected == 1 && r.counters.dropped == 0);
        check_reply(&r, rx, rx_len, tx, act.len);
    } else {
        FUZZ_CHECK(act.kind == IPPM_ACT_DROP);
        FUZZ_CHECK(act.why == IPPM_ERR_SHORT || act.why == IPPM_ERR_HMAC ||
                   act.why == IPPM_ERR_NOSPACE ||
                   act.why == IPPM_ERR_TOO_LONG ||
                   (cfg.micro && act.why == STAMP_ERR_MEMBER_LINK));
        FUZZ_CHECK(r.counters.dropped == 1 && r.counters.reflected == 0);
    }
    struct ippm_event t = {IPPM_EV_TIMER, 2000, NULL, 0, NULL};
    twamp_reflector_handle(&r, &t, tx, cap, &act);
    FUZZ_CHECK(act.kind == IPPM_ACT_DONE);
    free(tx);
    free(rx);
    owtw_test_keys_free(&k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    for (int m = 0; m < 3; m++)
        one_mode(data, len, fuzz_owtw_modes[m]);
    return 0;
}
