/* Fuzzes twamp_reflector_pkt_decode in every mode, with the
 * postconditions of fuzz_owtw_sender_pkt_decode.c:
 *  - an error is IPPM_ERR_SHORT below the base (41 or 112), output
 *    untouched;
 *  - OK: padding view past the base, MAC view at 96 (modes 2, 4); the
 *    re-encoded base differs (the MAC slot aside) exactly when
 *    mbz_nonzero; seal then open gives the plaintext back;
 *  - in mode 1 STAMP's prefix decoder agrees on every field it reads;
 *  - opening the octets as received answers OK, HMAC or SHORT, never
 *    touching the padding. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_owtw_crypto.h"
#include "proto/twamp/twamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void round_trip(const struct owtw_test_keys *k, const uint8_t *data,
                       size_t len, const struct stamp_reflector_pkt *out)
{
    size_t base = owtw_test_base_len(STAMP_PKT_REFLECTOR, k->mode);
    size_t span = k->mode == OWTW_TEST_OPEN ? base : TWAMP_REFLECTOR_MAC_OFF;
    uint8_t *re = fuzz_dup(data, len);
    FUZZ_CHECK(twamp_reflector_pkt_encode(re, len, len, out, k->mode) ==
               IPPM_OK);
    FUZZ_CHECK(out->mbz_nonzero == (memcmp(re, data, span) != 0));
    FUZZ_CHECK(memcmp(re + base, data + base, len - base) == 0);
    FUZZ_CHECK(owtw_test_seal(k, STAMP_PKT_REFLECTOR, re, len) == IPPM_OK);
    FUZZ_CHECK(owtw_test_open(k, STAMP_PKT_REFLECTOR, re, len) == IPPM_OK);
    struct stamp_reflector_pkt again;
    FUZZ_CHECK(twamp_reflector_pkt_decode(&again, re, len, k->mode) == IPPM_OK);
    FUZZ_CHECK(again.seq == out->seq && again.ts == out->ts &&
               again.rx_ts == out->rx_ts && again.ss_seq == out->ss_seq &&
               again.ss_ts == out->ss_ts && again.ss_ttl == out->ss_ttl &&
               again.errest == out->errest &&
               again.ss_errest == out->ss_errest && !again.mbz_nonzero);
    free(re);
}

static void one_mode(const uint8_t *data, size_t len, enum owtw_test_mode mode)
{
    struct owtw_test_keys k;
    fuzz_owtw_keys(&k, mode);
    size_t base = owtw_test_base_len(STAMP_PKT_REFLECTOR, mode);
    /* the octets as received: OK, HMAC or SHORT, the padding untouched */
    uint8_t *rx = fuzz_dup(data, len);
    enum ippm_err oe = owtw_test_open(&k, STAMP_PKT_REFLECTOR, rx, len);
    FUZZ_CHECK(oe == IPPM_OK || oe == IPPM_ERR_HMAC || oe == IPPM_ERR_SHORT);
    FUZZ_CHECK((oe == IPPM_ERR_SHORT) == (len < base));
    FUZZ_CHECK(len < base || memcmp(rx + base, data + base, len - base) == 0);
    free(rx);
    struct stamp_reflector_pkt out;
    memset(&out, 0xA5, sizeof out);
    enum ippm_err e = twamp_reflector_pkt_decode(&out, data, len, mode);
    if (e != IPPM_OK) {
        FUZZ_CHECK(e == IPPM_ERR_SHORT && len < base);
        FUZZ_CHECK(fuzz_all(&out, 0xA5, sizeof out));
        owtw_test_keys_free(&k);
        return;
    }
    FUZZ_CHECK(out.extra_len == len - base);
    FUZZ_CHECK(out.extra_len == 0 || out.extra == data + base);
    FUZZ_CHECK(mode == OWTW_TEST_OPEN ? out.hmac == NULL
                                      : out.hmac == data + 96);
    if (mode == OWTW_TEST_OPEN) {
        struct stamp_reflector_pkt s;
        uint32_t have;
        FUZZ_CHECK(stamp_reflector_pkt_decode_prefix(
                       &s, data, len, STAMP_MODE_OPEN, &have) == IPPM_OK);
        FUZZ_CHECK(s.seq == out.seq && s.ts == out.ts && s.rx_ts == out.rx_ts &&
                   s.ss_seq == out.ss_seq && s.ss_ts == out.ss_ts &&
                   s.ss_ttl == out.ss_ttl);
    }
    if (len <= OWTW_TEST_MAX_LEN)
        round_trip(&k, data, len, &out);
    owtw_test_keys_free(&k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    for (int m = 0; m < 3; m++)
        one_mode(data, len, fuzz_owtw_modes[m]);
    return 0;
}
