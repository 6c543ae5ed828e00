/* Test-packet extensions OWAMP and TWAMP share: the timestamp format of
 * RFC 8186 §2.3 and the UDP Checksum Complement of RFC 7820. */
#include "owtw_test.h"

#include "../common/ippm_time.h"

static enum ippm_tsfmt fmt_of(uint16_t errest)
{
    return ippm_errest_decode(errest).z ? IPPM_TS_PTP : IPPM_TS_NTP;
}

/* see owtw_test.h */
uint64_t owtw_ts_encode(uint64_t unix_ns, uint16_t errest)
{
    return ippm_ts_from_ns(unix_ns, fmt_of(errest));
}

/* see owtw_test.h */
uint64_t owtw_ts_decode(uint64_t ts, uint16_t errest, bool *ok)
{
    return ippm_ns_from_ts(ts, fmt_of(errest), ok);
}

/* see owtw_test.h */
uint64_t owtw_interval_ns(uint64_t t)
{
    uint64_t sec = t >> 32;
    if (sec > UINT64_MAX / IPPM_NS_PER_SEC - 1)
        return UINT64_MAX;
    return sec * IPPM_NS_PER_SEC +
           (((t & 0xffffffffu) * IPPM_NS_PER_SEC) >> 32);
}

/* End-around carry: a 32-bit sum folded to 16 bits (RFC 1071 §4.1). */
static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)sum;
}

/* see owtw_test.h */
uint16_t owtw_ones_sum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t)p[i] << 8 | p[i + 1];
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    return fold(sum);
}

/* see owtw_test.h */
enum ippm_err owtw_csum_complement(uint8_t *payload, size_t len,
                                   uint16_t sum_before)
{
    if (len < 2)
        return IPPM_ERR_SHORT;
    uint8_t *c = payload + len - 2;
    /* An odd offset puts the field across two words, its first octet
     * low in one and its second high in the next: the same sum as the
     * swapped value at an even offset. */
    bool odd = (len - 2) & 1;
    c[0] = 0;
    c[1] = 0;
    uint16_t now = owtw_ones_sum(payload, len);
    /* want = before - now, in one's complement: before + ~now. */
    uint16_t want = fold((uint32_t)sum_before + (uint16_t)~now);
    /* 0x0000 and 0xffff are both zero; keep what leaves the field as
     * it reads most naturally: a zero field when no change is needed. */
    if (want == 0xffffu)
        want = 0;
    c[0] = (uint8_t)(odd ? want : want >> 8);
    c[1] = (uint8_t)(odd ? want >> 8 : want);
    return IPPM_OK;
}

/* see owtw_test.h */
enum ippm_err owtw_test_restamp(uint8_t *buf, size_t len,
                                enum stamp_pkt_kind kind,
                                enum owtw_test_mode mode, uint64_t ts,
                                bool complement)
{
    const struct stamp_layout *l = owtw_test_layout(kind, mode);
    if (!l || mode == OWTW_TEST_ENCRYPTED)
        return IPPM_ERR_BAD_ARG;
    size_t base = l->base_len;
    if (len < base || (complement && len < base + 2))
        return IPPM_ERR_SHORT;
    uint16_t before = complement ? owtw_ones_sum(buf, len) : 0;
    owtw_span_store(buf, l->field[STAMP_F_TS], ts);
    return complement ? owtw_csum_complement(buf, len, before) : IPPM_OK;
}
