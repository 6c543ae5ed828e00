/* Fuzzes the OWAMP-Test / TWAMP Session-Sender packet in every mode:
 * owtw_sender_pkt_decode on the octets as plaintext, and owtw_test_open
 * on them as received.
 *
 * Postconditions (STYLE.md, "Tests, pcaps, fuzz"):
 *  - decode fails only with IPPM_ERR_SHORT below the base (14 or 48) and
 *    leaves the output untouched;
 *  - an OK decode has the padding view exactly past the base and the MAC
 *    view at 32 (modes 2, 4), and re-encodes to the same base octets
 *    unless and only unless mbz_nonzero (the MAC slot aside), with the
 *    padding unchanged;
 *  - sealing the re-encoded packet and opening it gives it back, with the
 *    MAC in clear, and the padding never changes;
 *  - opening arbitrary octets answers OK, HMAC or SHORT, never more. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_owtw_crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void round_trip(const struct owtw_test_keys *k, const uint8_t *data,
                       size_t len, const struct stamp_sender_pkt *out)
{
    size_t base = owtw_test_base_len(STAMP_PKT_SENDER, k->mode);
    size_t span = k->mode == OWTW_TEST_OPEN ? base : OWTW_SENDER_MAC_OFF;
    uint8_t *re = fuzz_dup(data, len);
    FUZZ_CHECK(owtw_sender_pkt_encode(re, len, len, out, k->mode) == IPPM_OK);
    FUZZ_CHECK(out->mbz_nonzero == (memcmp(re, data, span) != 0));
    FUZZ_CHECK(memcmp(re + base, data + base, len - base) == 0);
    uint8_t *sealed = fuzz_dup(re, len);
    FUZZ_CHECK(owtw_test_seal(k, STAMP_PKT_SENDER, sealed, len) == IPPM_OK);
    FUZZ_CHECK(memcmp(sealed + base, re + base, len - base) == 0);
    FUZZ_CHECK(owtw_test_open(k, STAMP_PKT_SENDER, sealed, len) == IPPM_OK);
    FUZZ_CHECK(memcmp(sealed, re, span) == 0);
    struct stamp_sender_pkt again;
    FUZZ_CHECK(owtw_sender_pkt_decode(&again, sealed, len, k->mode) == IPPM_OK);
    FUZZ_CHECK(again.seq == out->seq && again.ts == out->ts &&
               again.errest == out->errest && !again.mbz_nonzero);
    if (len > 0) {
        uint8_t *tight = fuzz_dup(re, len - 1);
        FUZZ_CHECK(owtw_sender_pkt_encode(tight, len - 1, len, out, k->mode) ==
                   IPPM_ERR_NOSPACE);
        free(tight);
    }
    free(sealed);
    free(re);
}

static void one_mode(const uint8_t *data, size_t len, enum owtw_test_mode mode)
{
    struct owtw_test_keys k;
    fuzz_owtw_keys(&k, mode);
    size_t base = owtw_test_base_len(STAMP_PKT_SENDER, mode);
    struct stamp_sender_pkt out;
    memset(&out, 0xA5, sizeof out);
    enum ippm_err e = owtw_sender_pkt_decode(&out, data, len, mode);
    if (e != IPPM_OK) {
        FUZZ_CHECK(e == IPPM_ERR_SHORT && len < base);
        FUZZ_CHECK(fuzz_all(&out, 0xA5, sizeof out));
    } else {
        FUZZ_CHECK(len >= base && out.extra_len == len - base);
        FUZZ_CHECK(out.extra_len == 0 || out.extra == data + base);
        FUZZ_CHECK(mode == OWTW_TEST_OPEN ? out.hmac == NULL
                                          : out.hmac == data + 32);
        if (len <= OWTW_TEST_MAX_LEN)
            round_trip(&k, data, len, &out);
    }
    uint8_t *rx = fuzz_dup(data, len);
    e = owtw_test_open(&k, STAMP_PKT_SENDER, rx, len);
    FUZZ_CHECK(e == IPPM_OK || e == IPPM_ERR_HMAC || e == IPPM_ERR_SHORT);
    FUZZ_CHECK((e == IPPM_ERR_SHORT) == (len < base));
    FUZZ_CHECK(len < base || memcmp(rx + base, data + base, len - base) == 0);
    free(rx);
    owtw_test_keys_free(&k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    for (int m = 0; m < 3; m++)
        one_mode(data, len, fuzz_owtw_modes[m]);
    return 0;
}
