/* Fuzzes both UDPing decoders (proto/udping/udping_wire.c) on one input:
 * the version-1 header (notes §1) and the 2017 one (notes §8).
 *
 * Postconditions:
 *  - the result is OK or one of the reasons the header names, in the
 *    server's order: SHORT exactly when len < 72 (64), SIZE exactly when
 *    the size field differs from len, and so on;
 *  - OK: the guid is 20 non-NUL characters; encoding the decoded header
 *    gives the input back octet for octet when the decoder saw no
 *    padding or payload set, and the same fields otherwise;
 *  - udping_restamp then decode gives the stamped time. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/udping/udping.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void check_guid(const char *g)
{
    for (int i = 0; i < UDPING_GUID_LEN; i++)
        FUZZ_CHECK(g[i] != 0);
    FUZZ_CHECK(g[UDPING_GUID_LEN] == 0);
}

static void v1(const uint8_t *data, size_t len)
{
    uint8_t *p = fuzz_dup(data, len);
    struct udping_hdr h;
    enum ippm_err e = udping_decode(p, len, &h);
    if (len < UDPING_HDR_LEN) {
        FUZZ_CHECK(e == UDPING_ERR_SHORT);
        free(p);
        return;
    }
    uint32_t size = (uint32_t)p[64] | (uint32_t)p[65] << 8 |
                    (uint32_t)p[66] << 16 | (uint32_t)p[67] << 24;
    FUZZ_CHECK((e == UDPING_ERR_SIZE) == (size != len));
    if (size == len)
        FUZZ_CHECK((e == UDPING_ERR_VERSION) == (p[0] != UDPING_VERSION));
    if (e != IPPM_OK) {
        FUZZ_CHECK(e == UDPING_ERR_SIZE || e == UDPING_ERR_VERSION ||
                   e == UDPING_ERR_GUID);
        free(p);
        return;
    }
    check_guid(h.guid);
    uint8_t *q = malloc(len);
    FUZZ_CHECK(q != NULL);
    enum ippm_err ee = udping_encode(q, len, &h);
    if (len > UDPING_MAX_PKT) {
        FUZZ_CHECK(ee == IPPM_ERR_BAD_ARG);
    } else {
        FUZZ_CHECK(ee == IPPM_OK);
        if (!h.pad_nonzero && !h.payload_nonzero)
            FUZZ_CHECK(memcmp(p, q, len) == 0);
        struct udping_hdr h2;
        FUZZ_CHECK(udping_decode(q, len, &h2) == IPPM_OK);
        FUZZ_CHECK(h2.client_start == h.client_start && h2.seq == h.seq &&
                   h2.sent_sec == h.sent_sec && h2.sent_nsec == h.sent_nsec &&
                   h2.size == h.size && !h2.pad_nonzero &&
                   !h2.payload_nonzero &&
                   memcmp(h2.guid, h.guid, sizeof h.guid) == 0);
    }
    udping_restamp(p, 1234567890123456789ull);
    FUZZ_CHECK(udping_decode(p, len, &h) == IPPM_OK);
    FUZZ_CHECK(h.sent_sec == 1234567890 && h.sent_nsec == 123456789);
    free(q);
    free(p);
}

static void legacy(const uint8_t *data, size_t len)
{
    uint8_t *p = fuzz_dup(data, len);
    struct udping_legacy_hdr h;
    enum ippm_err e = udping_legacy_decode(p, len, &h);
    if (len < UDPING_LEGACY_HDR_LEN) {
        FUZZ_CHECK(e == UDPING_ERR_SHORT);
        free(p);
        return;
    }
    int32_t size = (int32_t)((uint32_t)p[56] | (uint32_t)p[57] << 8 |
                             (uint32_t)p[58] << 16 | (uint32_t)p[59] << 24);
    FUZZ_CHECK((e == UDPING_ERR_SIZE) == (size < 0 || (size_t)size != len));
    if (e != IPPM_OK) {
        FUZZ_CHECK(e == UDPING_ERR_SIZE || e == UDPING_ERR_GUID);
        free(p);
        return;
    }
    check_guid(h.guid);
    uint8_t *q = malloc(len);
    FUZZ_CHECK(q != NULL);
    enum ippm_err ee = udping_legacy_encode(q, len, &h);
    if (len > UDPING_MAX_PKT) {
        FUZZ_CHECK(ee == IPPM_ERR_BAD_ARG);
    } else {
        FUZZ_CHECK(ee == IPPM_OK);
        struct udping_legacy_hdr h2;
        FUZZ_CHECK(udping_legacy_decode(q, len, &h2) == IPPM_OK);
        FUZZ_CHECK(h2.control == h.control && h2.seq == h.seq &&
                   h2.ts_count == h.ts_count && h2.sent_sec == h.sent_sec &&
                   h2.sent_nsec == h.sent_nsec && h2.size == h.size &&
                   !h2.pad_nonzero);
        if (!h.pad_nonzero)
            FUZZ_CHECK(memcmp(p, q, UDPING_LEGACY_HDR_LEN) == 0);
    }
    free(q);
    free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    v1(data, len);
    legacy(data, len);
    return 0;
}
