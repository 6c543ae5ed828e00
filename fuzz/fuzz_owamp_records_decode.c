/* Fuzzes the OWAMP Fetch-Session lists: owamp_records_decode and
 * owamp_skips_decode. The first octet is the entry count n (0-255), the
 * rest the list.
 *
 * Postconditions:
 *  - an error is IPPM_ERR_SHORT exactly when the octets cannot hold n
 *    entries, and leaves the outputs untouched;
 *  - an OK list re-encodes to the same entry octets, and its padding
 *    (as far as the input reaches) was zero unless and only unless
 *    pad_nonzero;
 *  - skip ranges are disordered exactly when one has First > Last or
 *    does not start after the previous one ends. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/common/ippm_cur.h"
#include "proto/owamp/owamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define MAXN 255

static void records(const uint8_t *p, size_t len, size_t n)
{
    static struct owamp_record out[MAXN];
    struct owamp_list_facts f;
    memset(&f, 0xA5, sizeof f);
    enum ippm_err e = owamp_records_decode(out, MAXN, p, len, n, &f);
    if (e != IPPM_OK) {
        FUZZ_CHECK(e == IPPM_ERR_SHORT && len < n * OWAMP_RECORD_LEN);
        FUZZ_CHECK(fuzz_all(&f, 0xA5, sizeof f));
        return;
    }
    size_t total = owamp_records_len(n), w = 0;
    uint8_t *re = malloc(total ? total : 1);
    FUZZ_CHECK(re != NULL);
    FUZZ_CHECK(owamp_records_encode(re, total, out, n, &w) == IPPM_OK);
    FUZZ_CHECK(w == total);
    FUZZ_CHECK(memcmp(re, p, n * OWAMP_RECORD_LEN) == 0);
    size_t seen = len < total ? len : total;
    FUZZ_CHECK(f.pad_nonzero == (memcmp(re, p, seen) != 0));
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(owamp_record_is_lost(&out[i]) == (out[i].recv_ts == 0));
    free(re);
}

static void skips(const uint8_t *p, size_t len, size_t n)
{
    static struct owamp_skip out[MAXN];
    struct owamp_list_facts f;
    enum ippm_err e = owamp_skips_decode(out, MAXN, p, len, n, &f);
    if (e != IPPM_OK) {
        FUZZ_CHECK(e == IPPM_ERR_SHORT && len < n * OWAMP_SKIP_RANGE_LEN);
        return;
    }
    bool disordered = false;
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(out[i].first == ippm_load_u32(p + 8 * i) &&
                   out[i].last == ippm_load_u32(p + 8 * i + 4));
        if (out[i].first > out[i].last ||
            (i && out[i].first <= out[i - 1].last))
            disordered = true;
    }
    FUZZ_CHECK(f.disordered == disordered);
    size_t total = owamp_skips_len(n), w = 0;
    uint8_t *re = malloc(total ? total : 1);
    FUZZ_CHECK(re != NULL);
    FUZZ_CHECK(owamp_skips_encode(re, total, out, n, &w) == IPPM_OK);
    size_t seen = len < total ? len : total;
    FUZZ_CHECK(f.pad_nonzero == (memcmp(re, p, seen) != 0));
    free(re);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 1)
        return 0;
    uint8_t *p = fuzz_dup(data + 1, len - 1);
    records(p, len - 1, data[0]);
    skips(p, len - 1, data[0]);
    free(p);
    return 0;
}
