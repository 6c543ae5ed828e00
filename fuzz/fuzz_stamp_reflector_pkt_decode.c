/* Fuzzes stamp_reflector_pkt_decode in both modes on the same octets,
 * with the postconditions of fuzz_stamp_sender_pkt_decode.c:
 *  - an error is IPPM_ERR_SHORT below the base length (TOO_LONG above
 *    STAMP_MAX_LEN) and leaves the output struct untouched;
 *  - OK means len >= base, extra is exactly the octets past the base, the
 *    HMAC view (auth) points at offset 96;
 *  - an OK decode re-encodes to identical base octets unless and only
 *    unless mbz_nonzero, identical octets past the base, the same fields,
 *    and in auth mode a checking HMAC. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/stamp/stamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void one_mode(const uint8_t *data, size_t len, enum stamp_mode mode)
{
    const struct ippm_hmac_key key = fuzz_key();
    size_t base = stamp_base_len(mode);
    size_t span = mode == STAMP_MODE_AUTH ? STAMP_AUTH_HMAC_OFF : base;
    struct stamp_reflector_pkt out, again;
    enum ippm_err err;
    uint8_t *re;

    memset(&out, 0xA5, sizeof out);
    err = stamp_reflector_pkt_decode(&out, data, len, mode);
    if (err != IPPM_OK) {
        FUZZ_CHECK((err == IPPM_ERR_SHORT && len < base) ||
                   (err == IPPM_ERR_TOO_LONG && len > STAMP_MAX_LEN));
        FUZZ_CHECK(fuzz_all(&out, 0xA5, sizeof out));
        return;
    }
    FUZZ_CHECK(len >= base);
    FUZZ_CHECK(out.extra_len == len - base);
    FUZZ_CHECK(out.extra_len == 0 || out.extra == data + base);
    if (mode == STAMP_MODE_AUTH)
        FUZZ_CHECK(out.hmac == data + STAMP_AUTH_HMAC_OFF);
    if (len > STAMP_MAX_LEN)
        return;

    re = fuzz_dup(data, len);
    memset(re, 0x5A, len);
    err = stamp_reflector_pkt_encode(re, len, len, &out, mode,
                                     mode == STAMP_MODE_AUTH ? &key : NULL);
    FUZZ_CHECK(err == IPPM_OK);
    FUZZ_CHECK(out.mbz_nonzero == (memcmp(re, data, span) != 0));
    FUZZ_CHECK(memcmp(re + base, data + base, len - base) == 0);

    memset(&again, 0xA5, sizeof again);
    FUZZ_CHECK(stamp_reflector_pkt_decode(&again, re, len, mode) == IPPM_OK);
    FUZZ_CHECK(again.seq == out.seq);
    FUZZ_CHECK(again.ts == out.ts);
    FUZZ_CHECK(again.errest == out.errest);
    FUZZ_CHECK(again.ssid == out.ssid);
    FUZZ_CHECK(again.rx_ts == out.rx_ts);
    FUZZ_CHECK(again.ss_seq == out.ss_seq);
    FUZZ_CHECK(again.ss_ts == out.ss_ts);
    FUZZ_CHECK(again.ss_errest == out.ss_errest);
    FUZZ_CHECK(again.ss_ttl == out.ss_ttl);
    FUZZ_CHECK(!again.mbz_nonzero);
    FUZZ_CHECK(again.extra_len == out.extra_len);
    if (mode == STAMP_MODE_AUTH)
        FUZZ_CHECK(stamp_hmac_check(&key, re, len) == IPPM_OK);

    if (len > 0) {
        uint8_t *tight = fuzz_dup(re, len - 1);
        err = stamp_reflector_pkt_encode(tight, len - 1, len, &out, mode,
                                         mode == STAMP_MODE_AUTH ? &key : NULL);
        FUZZ_CHECK(err == IPPM_ERR_NOSPACE);
        free(tight);
    }
    free(re);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    one_mode(data, len, STAMP_MODE_OPEN);
    one_mode(data, len, STAMP_MODE_AUTH);
    return 0;
}
