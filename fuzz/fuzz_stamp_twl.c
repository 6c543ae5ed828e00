/* Fuzzes TWAMP Light on STAMP's code (proto/stamp/stamp_twl.c and the
 * TWAMP-Light flavour of the Session-Reflector): RFC 5357 §4.1.2, §4.2.1,
 * RFC 6038 §5.1.3, §5.1.4.
 *
 * Input: [0] flags  bit0 stateful  bit1 symmetrical  bit2 reply in place
 *        (tx is the request's own buffer); then the datagram.
 * Postconditions:
 *  - both decoders fail (SHORT, output untouched) exactly below their
 *    base (14, 41); OK gives ssid 0 and the octets past the base as extra;
 *    a decoded reflector packet re-encodes to the same base octets unless
 *    mbz_nonzero, and always to the same fields;
 *  - the reflector drops a request below 14 octets as SHORT and answers
 *    any other with max(len, 41) octets that decode, with the request's
 *    Sequence Number (stateless; stateful: 0, the session's first),
 *    Timestamp and Error Estimate copied, the TTL from meta, MBZ zero, and
 *    the padding of the request from octet 14 (41 when symmetrical). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void decoders(const uint8_t *p, size_t n)
{
    struct stamp_sender_pkt s;
    struct stamp_reflector_pkt r, again;
    memset(&s, 0xA5, sizeof s);
    if (stamp_twl_sender_pkt_decode(&s, p, n) != IPPM_OK) {
        FUZZ_CHECK(n < STAMP_TWL_SENDER_LEN);
        FUZZ_CHECK(fuzz_all(&s, 0xA5, sizeof s));
    } else {
        FUZZ_CHECK(n >= STAMP_TWL_SENDER_LEN && s.ssid == 0);
        FUZZ_CHECK(s.extra_len == n - STAMP_TWL_SENDER_LEN);
        FUZZ_CHECK(s.extra_len == 0 || s.extra == p + STAMP_TWL_SENDER_LEN);
        FUZZ_CHECK(s.seq == ippm_load_u32(p));
    }
    memset(&r, 0xA5, sizeof r);
    if (stamp_twl_reflector_pkt_decode(&r, p, n) != IPPM_OK) {
        FUZZ_CHECK(n < STAMP_TWL_REFLECTOR_LEN);
        FUZZ_CHECK(fuzz_all(&r, 0xA5, sizeof r));
        return;
    }
    FUZZ_CHECK(r.ssid == 0);
    FUZZ_CHECK(r.extra_len == n - STAMP_TWL_REFLECTOR_LEN);
    uint8_t *re = malloc(n);
    FUZZ_CHECK(re != NULL);
    FUZZ_CHECK(stamp_twl_reflector_pkt_encode(re, n, n, &r) == IPPM_OK);
    FUZZ_CHECK(memcmp(re + STAMP_TWL_REFLECTOR_LEN, p + STAMP_TWL_REFLECTOR_LEN,
                      n - STAMP_TWL_REFLECTOR_LEN) == 0);
    FUZZ_CHECK(r.mbz_nonzero ||
               memcmp(re, p, STAMP_TWL_REFLECTOR_LEN) == 0);
    FUZZ_CHECK(stamp_twl_reflector_pkt_decode(&again, re, n) == IPPM_OK);
    FUZZ_CHECK(!again.mbz_nonzero && again.seq == r.seq && again.ts == r.ts &&
               again.rx_ts == r.rx_ts && again.ss_seq == r.ss_seq &&
               again.ss_ts == r.ss_ts && again.ss_errest == r.ss_errest &&
               again.ss_ttl == r.ss_ttl && again.errest == r.errest);
    free(re);
}

static struct ippm_rx_meta meta(void)
{
    struct ippm_rx_meta m;
    memset(&m, 0, sizeof m);
    m.rx_ns = 1795608068000000000ull;
    m.ttl = 57;
    m.tos = -1;
    m.peer.family = IPPM_AF_INET;
    m.peer.ip[0] = 192, m.peer.ip[2] = 2, m.peer.ip[3] = 9;
    m.peer.port = 40000;
    m.local.family = IPPM_AF_INET;
    m.local.ip[0] = 198, m.local.ip[1] = 51, m.local.ip[2] = 100;
    m.local.ip[3] = 1;
    m.local.port = STAMP_PORT;
    return m;
}

/* One request to a fresh TWAMP-Light reflector. */
static void reflect(uint8_t flags, const uint8_t *p, size_t n)
{
    static struct stamp_reflector r;
    struct stamp_reflector_config c;
    memset(&c, 0, sizeof c);
    c.flavour = STAMP_FLAVOUR_TWAMP_LIGHT;
    c.stateful = flags & 1;
    c.twl_symmetrical = flags & 2;
    c.tsfmt = IPPM_TS_NTP;
    c.errest.mult = 1;
    c.session_timeout_ns = 1000000000ull;
    stamp_reflector_init(&r, &c);
    size_t cap = n > STAMP_TWL_REFLECTOR_LEN ? n : STAMP_TWL_REFLECTOR_LEN;
    uint8_t *req = malloc(cap), *tx = (flags & 4) ? req : malloc(cap);
    FUZZ_CHECK(req != NULL && tx != NULL);
    if (n)
        memcpy(req, p, n);
    struct ippm_rx_meta m = meta();
    struct ippm_event ev = {IPPM_EV_DATAGRAM, m.rx_ns + 1000, req, n, &m};
    struct ippm_action a;
    FUZZ_CHECK(stamp_reflector_handle(&r, &ev, tx, cap, &a) == IPPM_OK);
    if (n < STAMP_TWL_SENDER_LEN) {
        FUZZ_CHECK(a.kind == IPPM_ACT_DROP && a.why == IPPM_ERR_SHORT);
    } else if (a.kind == IPPM_ACT_SEND_DATAGRAM) {
        struct stamp_reflector_pkt rep;
        FUZZ_CHECK(a.len == cap);
        FUZZ_CHECK(stamp_twl_reflector_pkt_decode(&rep, tx, a.len) ==
                   IPPM_OK);
        FUZZ_CHECK(!rep.mbz_nonzero && rep.ss_ttl == 57);
        FUZZ_CHECK(rep.ss_seq == ippm_load_u32(p));
        FUZZ_CHECK(rep.seq == ((flags & 1) ? 0 : ippm_load_u32(p)));
        FUZZ_CHECK(rep.ss_ts == ippm_load_u64(p + 4));
        FUZZ_CHECK(rep.ss_errest == ippm_load_u16(p + 12));
        size_t off = (flags & 2) ? STAMP_TWL_REFLECTOR_LEN
                                 : STAMP_TWL_SENDER_LEN;
        FUZZ_CHECK(a.len == STAMP_TWL_REFLECTOR_LEN ||
                   memcmp(tx + STAMP_TWL_REFLECTOR_LEN, p + off,
                          a.len - STAMP_TWL_REFLECTOR_LEN) == 0);
    } else {
        /* only a request that carries our own reply's Timestamp back */
        FUZZ_CHECK(a.kind == IPPM_ACT_DROP && a.why == STAMP_ERR_OWN_REPLY);
    }
    if (tx != req)
        free(tx);
    free(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 1)
        return 0;
    decoders(data + 1, len - 1);
    reflect(data[0], data + 1, len - 1);
    return 0;
}
