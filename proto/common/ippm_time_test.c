/* Unit tests of ippm_time.c: NTP (RFC 5905 §6) and PTPv2 truncated
 * (RFC 8186 §2.3) timestamps, and the Error Estimate (RFC 4656 §4.1.2). */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ippm_time.h"

#define NS IPPM_NS_PER_SEC
#define NTP_1970 (2208988800ull << 32)

/* The reference capture's Session-Sender Timestamp. */
#define CAP_NTP 0xeeb14c842dcc815full
/* Its Unix time: 0xeeb14c84 - 2208988800 = 1795608068 s, and the fraction
 * 0x2dcc815f = 768377183 / 2^32 s = 178901754.087 ns. */
#define CAP_NS 1795608068178901754ull

static void test_ippm_ntp_offset_is_rfc5905(void **state)
{
    (void)state;
    /* RFC 5905 §6: 1970-01-01 is 2208988800 s into NTP era 0. */
    assert_int_equal(IPPM_NTP_UNIX_OFFSET, 2208988800ull);
    assert_int_equal(IPPM_NS_PER_SEC, 1000000000ull);
}

static void test_ippm_ntp_from_ns_unix_epoch(void **state)
{
    (void)state;
    assert_int_equal(ippm_ntp_from_ns(0), NTP_1970);
}

static void test_ippm_ntp_from_ns_half_second(void **state)
{
    (void)state;
    assert_int_equal(ippm_ntp_from_ns(NS / 2), NTP_1970 | 0x80000000u);
    assert_int_equal(ippm_ntp_from_ns(NS + NS / 4),
                     NTP_1970 + (1ull << 32) + 0x40000000u);
}

static void test_ippm_ns_from_ntp_capture_vector(void **state)
{
    (void)state;
    assert_int_equal(ippm_ns_from_ntp(CAP_NTP), CAP_NS);
}

static void test_ippm_ntp_from_ns_capture_vector(void **state)
{
    (void)state;
    uint64_t ntp = ippm_ntp_from_ns(CAP_NS);
    /* 178901754 ns is 768377182.63 units of 2^-32 s: truncation or
     * rounding are both a correct encoding, nothing else is. */
    assert_int_equal(ntp >> 32, 0xeeb14c84u);
    assert_in_range(ntp & 0xffffffffu, 0x2dcc815eu, 0x2dcc815fu);
}

static void test_ippm_ns_from_ntp_rounds_fraction_to_nearest_ns(void **state)
{
    (void)state;
    /* 1 unit = 0.233 ns -> 0; 3 units = 0.698 ns -> 1 (nearest). */
    assert_int_equal(ippm_ns_from_ntp(NTP_1970 | 1u), 0);
    assert_int_equal(ippm_ns_from_ntp(NTP_1970 | 3u), 1);
    /* 0xffffffff units = 999999999.77 ns -> rounds up to the next second. */
    assert_int_equal(ippm_ns_from_ntp(NTP_1970 | 0xffffffffu), NS);
}

static void test_ippm_ntp_ns_round_trip(void **state)
{
    (void)state;
    /* One ns is more than four NTP units, so ns -> NTP -> ns is exact. */
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* Stay in era 0 after 1970: below 2036-02-07. */
        uint64_t ns = x % (2085978496ull * NS);
        assert_int_equal(ippm_ns_from_ntp(ippm_ntp_from_ns(ns)), ns);
    }
    assert_int_equal(ippm_ns_from_ntp(ippm_ntp_from_ns(CAP_NS)), CAP_NS);
    assert_int_equal(ippm_ns_from_ntp(ippm_ntp_from_ns(999999999)),
                     999999999);
}

static void test_ippm_ntp_era_1_wraps(void **state)
{
    (void)state;
    /* 2036-02-07T06:28:16Z is NTP era 1 second 0: 2^32 - 2208988800 s
     * after 1970. */
    uint64_t wrap_ns = 2085978496ull * NS;
    assert_int_equal(ippm_ntp_from_ns(wrap_ns), 0);
    assert_int_equal(ippm_ntp_from_ns(wrap_ns - NS / 2),
                     0xffffffff80000000ull);
    assert_int_equal(ippm_ns_from_ntp(0), wrap_ns);
    assert_int_equal(ippm_ns_from_ntp(5ull << 32), wrap_ns + 5 * NS);
    /* Just below the offset is still era 1, the last second before it
     * would be 1970 again. */
    assert_int_equal(ippm_ns_from_ntp((2208988799ull) << 32),
                     (2085978496ull + 2208988799ull) * NS);
}

static void test_ippm_ptp_from_ns_splits_seconds_and_ns(void **state)
{
    (void)state;
    assert_int_equal(ippm_ptp_from_ns(0), 0);
    assert_int_equal(ippm_ptp_from_ns(NS + 500000007),
                     (1ull << 32) | 500000007u);
    assert_int_equal(ippm_ptp_from_ns(CAP_NS),
                     (1795608068ull << 32) | 178901754u);
}

static void test_ippm_ptp_round_trip(void **state)
{
    (void)state;
    uint64_t x = 0x0123456789abcdefull;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t ns = x % (0xffffffffull * NS);
        bool ok = false;
        assert_int_equal(ippm_ns_from_ptp(ippm_ptp_from_ns(ns), &ok), ns);
        assert_true(ok);
    }
}

static void test_ippm_ns_from_ptp_flags_ns_field_1e9(void **state)
{
    (void)state;
    bool ok = true;
    ippm_ns_from_ptp((7ull << 32) | 1000000000u, &ok);
    assert_false(ok);
    ok = true;
    ippm_ns_from_ptp((7ull << 32) | 0xffffffffu, &ok);
    assert_false(ok);
    ok = false;
    assert_int_equal(ippm_ns_from_ptp((7ull << 32) | 999999999u, &ok),
                     7 * NS + 999999999u);
    assert_true(ok);
    /* ok may be NULL. */
    assert_int_equal(ippm_ns_from_ptp(3ull << 32, NULL), 3 * NS);
    (void)ippm_ns_from_ptp((3ull << 32) | 1000000000u, NULL);
}

static void test_ippm_ts_from_ns_follows_format(void **state)
{
    (void)state;
    uint64_t ns = 1234 * NS + 250000000;
    assert_int_equal(ippm_ts_from_ns(ns, IPPM_TS_NTP), ippm_ntp_from_ns(ns));
    assert_int_equal(ippm_ts_from_ns(ns, IPPM_TS_PTP),
                     (1234ull << 32) | 250000000u);
    assert_int_equal(ippm_ts_from_ns(ns, IPPM_TS_NTP),
                     NTP_1970 + (1234ull << 32) + 0x40000000u);

    bool ok = false;
    assert_int_equal(ippm_ns_from_ts(ippm_ts_from_ns(ns, IPPM_TS_NTP),
                                     IPPM_TS_NTP, &ok), ns);
    assert_true(ok);
    ok = false;
    assert_int_equal(ippm_ns_from_ts((1234ull << 32) | 250000000u,
                                     IPPM_TS_PTP, &ok), ns);
    assert_true(ok);
    ok = true;
    ippm_ns_from_ts((1234ull << 32) | 1000000000u, IPPM_TS_PTP, &ok);
    assert_false(ok);
    /* Z is 0 for NTP and 1 for PTP (RFC 8186 §2.3). */
    assert_int_equal(IPPM_TS_NTP, 0);
    assert_int_equal(IPPM_TS_PTP, 1);
}

static void test_ippm_errest_encode_bits(void **state)
{
    (void)state;
    struct ippm_errest s = {true, false, 0, 1};
    assert_int_equal(ippm_errest_encode(&s), 0x8001);
    struct ippm_errest z = {false, true, 0, 1};
    assert_int_equal(ippm_errest_encode(&z), 0x4001);
    struct ippm_errest sc = {false, false, 63, 0};
    assert_int_equal(ippm_errest_encode(&sc), 0x3f00);
    struct ippm_errest m = {false, false, 0, 255};
    assert_int_equal(ippm_errest_encode(&m), 0x00ff);
    struct ippm_errest all = {true, true, 63, 255};
    assert_int_equal(ippm_errest_encode(&all), 0xffff);
    struct ippm_errest mix = {true, false, 0x15, 0x5a};
    assert_int_equal(ippm_errest_encode(&mix), 0x955a);
}

static void test_ippm_errest_decode_bits(void **state)
{
    (void)state;
    struct ippm_errest e = ippm_errest_decode(0x8001);
    assert_true(e.synced);
    assert_false(e.z);
    assert_int_equal(e.scale, 0);
    assert_int_equal(e.mult, 1);
    e = ippm_errest_decode(0x4001);
    assert_false(e.synced);
    assert_true(e.z);
    e = ippm_errest_decode(0x7fa5);
    assert_false(e.synced);
    assert_true(e.z);
    assert_int_equal(e.scale, 0x3f);
    assert_int_equal(e.mult, 0xa5);
    e = ippm_errest_decode(0x955a);
    assert_true(e.synced);
    assert_false(e.z);
    assert_int_equal(e.scale, 0x15);
    assert_int_equal(e.mult, 0x5a);
}

static void test_ippm_errest_round_trip_all_values(void **state)
{
    (void)state;
    for (uint32_t v = 0; v <= 0xffff; v++) {
        struct ippm_errest e = ippm_errest_decode((uint16_t)v);
        assert_true(e.scale <= 63);
        assert_int_equal(ippm_errest_encode(&e), v);
    }
}

static uint64_t errest_ns_of(uint8_t scale, uint8_t mult)
{
    struct ippm_errest e = {false, false, scale, mult};
    return ippm_errest_ns(&e);
}

static void test_ippm_errest_ns_smallest_is_zero_ns(void **state)
{
    (void)state;
    /* 1 * 2^-32 s = 0.23 ns: below one ns. */
    assert_int_equal(errest_ns_of(0, 1), 0);
}

static void test_ippm_errest_ns_exact_values(void **state)
{
    (void)state;
    /* 1e9 / 2^32 = 5^9 / 2^23: exact from scale 23 up. */
    assert_int_equal(errest_ns_of(23, 3), 3 * 1953125ull);
    assert_int_equal(errest_ns_of(24, 1), 3906250ull);
    assert_int_equal(errest_ns_of(32, 1), NS);
    assert_int_equal(errest_ns_of(33, 1), 2 * NS);
    assert_int_equal(errest_ns_of(31, 200), 100 * NS);
    /* Flags do not change the value. */
    struct ippm_errest e = {true, true, 32, 1};
    assert_int_equal(ippm_errest_ns(&e), NS);
}

static void test_ippm_errest_ns_scale_26_to_32_large_multiplier(void **state)
{
    (void)state;
    /* 255 * 2^(s-32) s for s in 26..32: values up to 255 s, well inside
     * 64 bits of ns. */
    assert_int_equal(errest_ns_of(26, 255), 255ull * NS / 64 + 0);
    assert_int_equal(errest_ns_of(31, 255), 127500000000ull);
    assert_int_equal(errest_ns_of(32, 255), 255 * NS);
    assert_int_equal(errest_ns_of(30, 128), 32 * NS);
}

static void test_ippm_errest_ns_large_scales_fit_or_saturate(void **state)
{
    (void)state;
    /* 1 * 2^31 s = 2147483648e9 ns < 2^64: representable, not saturated. */
    assert_int_equal(errest_ns_of(63, 1), 2147483648000000000ull);
    /* 255 * 2^25 s = 8.556e18 ns and 255 * 2^26 s = 1.711e19 ns fit. */
    assert_int_equal(errest_ns_of(57, 255), 8556380160000000000ull);
    assert_int_equal(errest_ns_of(58, 255), 17112760320000000000ull);
    /* 255 * 2^27 s = 3.4e19 ns does not: saturate. */
    assert_int_equal(errest_ns_of(59, 255), UINT64_MAX);
    assert_int_equal(errest_ns_of(63, 255), UINT64_MAX);
    /* 9 * 2^31 s = 1.93e19 ns > 2^64 - 1. */
    assert_int_equal(errest_ns_of(63, 9), UINT64_MAX);
    assert_int_equal(errest_ns_of(63, 8), 8 * 2147483648000000000ull);
}

static void test_ippm_errest_ns_mult_zero_is_unusable(void **state)
{
    (void)state;
    /* RFC 4656 §4.1.2: Multiplier MUST NOT be zero. */
    assert_int_equal(errest_ns_of(0, 0), UINT64_MAX);
    assert_int_equal(errest_ns_of(32, 0), UINT64_MAX);
}

/* Value of an estimate in units of 2^-32 s times 1e9, i.e. ns * 2^32. */
static unsigned __int128 errest_exact(uint8_t scale, uint8_t mult)
{
    return ((unsigned __int128)mult << scale) * NS;
}

/* Oracle: the smallest representable estimate not below err_ns. */
static unsigned __int128 errest_oracle(uint64_t err_ns)
{
    unsigned __int128 want = (unsigned __int128)err_ns << 32, best = 0;
    for (unsigned s = 0; s < 64; s++)
        for (unsigned m = 1; m <= 255; m++) {
            unsigned __int128 v = errest_exact((uint8_t)s, (uint8_t)m);
            if (v >= want) {
                if (best == 0 || v < best)
                    best = v;
                break;
            }
        }
    return best;
}

static void check_from_ns(uint64_t err_ns)
{
    struct ippm_errest e = ippm_errest_from_ns(err_ns, false, IPPM_TS_NTP);
    assert_int_not_equal(e.mult, 0);
    assert_true(e.scale <= 63);
    unsigned __int128 v = errest_exact(e.scale, e.mult);
    /* Covers the value ... */
    assert_true(v >= (unsigned __int128)err_ns << 32);
    /* ... and is the smallest estimate that does. */
    if (v != errest_oracle(err_ns))
        fail_msg("err_ns %llu: got scale %u mult %u, not the smallest cover",
                 (unsigned long long)err_ns, e.scale, e.mult);
    assert_true(ippm_errest_ns(&e) >= err_ns);
}

static void test_ippm_errest_from_ns_vectors(void **state)
{
    (void)state;
    struct ippm_errest e = ippm_errest_from_ns(0, false, IPPM_TS_NTP);
    assert_int_not_equal(e.mult, 0);
    /* 1 ns needs 5 units of 2^-32 s (4 units = 0.93 ns). */
    e = ippm_errest_from_ns(1, false, IPPM_TS_NTP);
    assert_true(errest_exact(e.scale, e.mult) == (unsigned __int128)5 * NS);
    /* 1 ms = 4294967.3 units: 132 * 2^15 = 4325376 is the smallest cover
     * (2^14 * 255 = 4177920 is too small). */
    e = ippm_errest_from_ns(1000000, false, IPPM_TS_NTP);
    assert_true(errest_exact(e.scale, e.mult) ==
                (unsigned __int128)4325376 * NS);
    /* 100 s exactly: 200 * 2^31 units. */
    e = ippm_errest_from_ns(100 * NS, false, IPPM_TS_NTP);
    assert_true(errest_exact(e.scale, e.mult) ==
                ((unsigned __int128)200 << 31) * NS);
    assert_int_equal(ippm_errest_ns(&e), 100 * NS);
    /* 1 s exactly. */
    e = ippm_errest_from_ns(NS, false, IPPM_TS_NTP);
    assert_int_equal(ippm_errest_ns(&e), NS);
}

static void test_ippm_errest_from_ns_covers_and_is_smallest(void **state)
{
    (void)state;
    static const uint64_t fixed[] = {
        0, 1, 2, 3, 4, 5, 59, 60, 999, 1000, 1001, 65535, 1000000, 999999,
        1000001, 123456789, NS - 1, NS, NS + 1, 60 * NS, 255 * NS,
        256 * NS, 3600 * NS, 86400 * NS, 1ull << 62, UINT64_MAX / 2,
        UINT64_MAX - 1, UINT64_MAX,
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        check_from_ns(fixed[i]);
    for (unsigned b = 0; b < 64; b++) {
        check_from_ns(1ull << b);
        check_from_ns((1ull << b) + 1);
        check_from_ns((1ull << b) * 3 / 2);
    }
    uint64_t x = 42;
    for (int i = 0; i < 300; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        check_from_ns(x >> (x % 64));
    }
}

static void test_ippm_errest_from_ns_sets_flags(void **state)
{
    (void)state;
    struct ippm_errest e = ippm_errest_from_ns(1000, true, IPPM_TS_PTP);
    assert_true(e.synced);
    assert_true(e.z);
    e = ippm_errest_from_ns(1000, false, IPPM_TS_NTP);
    assert_false(e.synced);
    assert_false(e.z);
    e = ippm_errest_from_ns(1000, true, IPPM_TS_NTP);
    assert_true(e.synced);
    assert_false(e.z);
}

static void test_ippm_errest_from_clock_synced_uses_esterror(void **state)
{
    (void)state;
    /* chrony on a LAN: synchronised, 25 us estimated, 1.5 ms maximum. */
    struct ippm_clock_state c = {true, 25, 1500};
    struct ippm_errest e = ippm_errest_from_clock(&c, IPPM_TS_NTP);
    assert_true(e.synced);
    assert_false(e.z);
    /* 25 us = 107374.2 units of 2^-32 s: 210 * 2^9 = 107520 covers it,
     * 2^8 * 255 = 65280 does not. */
    assert_int_equal(e.scale, 9);
    assert_int_equal(e.mult, 210);
    assert_int_equal(ippm_errest_encode(&e), 0x8000 | 9 << 8 | 210);
    assert_true(ippm_errest_ns(&e) >= 25000);
}

static void test_ippm_errest_from_clock_unsynced_uses_maxerror(void **state)
{
    (void)state;
    /* A host no daemon steers (what Linux reports at boot): STA_UNSYNC,
     * both errors at the 16 s limit. */
    struct ippm_clock_state c = {false, 16000000, 16000000};
    struct ippm_errest e = ippm_errest_from_clock(&c, IPPM_TS_PTP);
    assert_false(e.synced);
    assert_true(e.z);
    /* 16 s = 2^36 units: 128 * 2^29. */
    assert_int_equal(e.scale, 29);
    assert_int_equal(e.mult, 128);
    assert_int_equal(ippm_errest_ns(&e), 16 * NS);
    /* Unsynchronised with a small estimate: the maximum error counts. */
    struct ippm_clock_state d = {false, 10, 2000};
    e = ippm_errest_from_clock(&d, IPPM_TS_NTP);
    assert_false(e.synced);
    assert_true(ippm_errest_ns(&e) >= 2000000);
    assert_true(ippm_errest_ns(&e) < 2100000);
}

static void test_ippm_errest_from_clock_maxerror_at_limit_is_unsynced(
    void **state)
{
    (void)state;
    /* The kernel's STA_UNSYNC may lag maxerror reaching 16 s. */
    struct ippm_clock_state c = {true, 100, IPPM_CLOCK_MAXERROR_LIMIT_US};
    assert_false(ippm_errest_from_clock(&c, IPPM_TS_NTP).synced);
    c.maxerror_us = IPPM_CLOCK_MAXERROR_LIMIT_US - 1;
    assert_true(ippm_errest_from_clock(&c, IPPM_TS_NTP).synced);
    c.maxerror_us = -1;
    assert_false(ippm_errest_from_clock(&c, IPPM_TS_NTP).synced);
}

static void test_ippm_errest_from_clock_never_below_1us(void **state)
{
    (void)state;
    struct ippm_clock_state c = {true, 0, 0};
    struct ippm_errest e = ippm_errest_from_clock(&c, IPPM_TS_NTP);
    /* 1 us = 4294.97 units: 135 * 2^5 = 4320. */
    assert_int_equal(e.scale, 5);
    assert_int_equal(e.mult, 135);
    c.esterror_us = -5;
    e = ippm_errest_from_clock(&c, IPPM_TS_NTP);
    assert_int_equal(e.scale, 5);
    assert_int_equal(e.mult, 135);
}

static void test_ippm_owd_trust_sums_both_estimates(void **state)
{
    (void)state;
    struct ippm_owd_trust t;
    ippm_owd_trust_init(&t);
    assert_false(ippm_owd_trusted(&t)); /* nothing seen */
    /* 1 s (S, scale 32, mult 1) and 2 s. */
    ippm_owd_trust_add(&t, 0x8000 | 32 << 8 | 1, 0x8000 | 32 << 8 | 2);
    assert_true(ippm_owd_trusted(&t));
    assert_int_equal(t.max_bound_ns, 3 * NS);
    ippm_owd_trust_add(&t, 0x8000 | 32 << 8 | 1, 0x8000 | 32 << 8 | 1);
    assert_int_equal(t.max_bound_ns, 3 * NS); /* the largest stays */
    assert_int_equal(t.pairs, 2);
    assert_int_equal(t.local, 0x8000 | 32 << 8 | 1);
}

static void test_ippm_owd_trust_needs_both_s_bits(void **state)
{
    (void)state;
    struct ippm_owd_trust t;
    ippm_owd_trust_init(&t);
    ippm_owd_trust_add(&t, 0x8000 | 32 << 8 | 1, 0x8000 | 32 << 8 | 1);
    ippm_owd_trust_add(&t, 0x8000 | 32 << 8 | 1, 32 << 8 | 1);
    assert_false(ippm_owd_trusted(&t));
    assert_int_equal(t.unsynced, 1);
    ippm_owd_trust_init(&t);
    ippm_owd_trust_add(&t, 32 << 8 | 1, 0x8000 | 32 << 8 | 1);
    assert_false(ippm_owd_trusted(&t));
}

static void test_ippm_owd_trust_zero_multiplier_is_unusable(void **state)
{
    (void)state;
    struct ippm_owd_trust t;
    ippm_owd_trust_init(&t);
    ippm_owd_trust_add(&t, 0x8000 | 32 << 8 | 1, 0x8000 | 32 << 8);
    assert_false(ippm_owd_trusted(&t));
    assert_int_equal(t.unusable, 1);
    assert_true(t.max_bound_ns == UINT64_MAX);
    /* Saturates instead of wrapping. */
    ippm_owd_trust_init(&t);
    ippm_owd_trust_add(&t, 0x8000 | 63 << 8 | 255, 0x8000 | 63 << 8 | 255);
    assert_true(t.max_bound_ns == UINT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_ntp_offset_is_rfc5905),
        cmocka_unit_test(test_ippm_ntp_from_ns_unix_epoch),
        cmocka_unit_test(test_ippm_ntp_from_ns_half_second),
        cmocka_unit_test(test_ippm_ns_from_ntp_capture_vector),
        cmocka_unit_test(test_ippm_ntp_from_ns_capture_vector),
        cmocka_unit_test(test_ippm_ns_from_ntp_rounds_fraction_to_nearest_ns),
        cmocka_unit_test(test_ippm_ntp_ns_round_trip),
        cmocka_unit_test(test_ippm_ntp_era_1_wraps),
        cmocka_unit_test(test_ippm_ptp_from_ns_splits_seconds_and_ns),
        cmocka_unit_test(test_ippm_ptp_round_trip),
        cmocka_unit_test(test_ippm_ns_from_ptp_flags_ns_field_1e9),
        cmocka_unit_test(test_ippm_ts_from_ns_follows_format),
        cmocka_unit_test(test_ippm_errest_encode_bits),
        cmocka_unit_test(test_ippm_errest_decode_bits),
        cmocka_unit_test(test_ippm_errest_round_trip_all_values),
        cmocka_unit_test(test_ippm_errest_ns_smallest_is_zero_ns),
        cmocka_unit_test(test_ippm_errest_ns_exact_values),
        cmocka_unit_test(test_ippm_errest_ns_scale_26_to_32_large_multiplier),
        cmocka_unit_test(test_ippm_errest_ns_large_scales_fit_or_saturate),
        cmocka_unit_test(test_ippm_errest_ns_mult_zero_is_unusable),
        cmocka_unit_test(test_ippm_errest_from_ns_vectors),
        cmocka_unit_test(test_ippm_errest_from_ns_covers_and_is_smallest),
        cmocka_unit_test(test_ippm_errest_from_ns_sets_flags),
        cmocka_unit_test(test_ippm_errest_from_clock_synced_uses_esterror),
        cmocka_unit_test(test_ippm_errest_from_clock_unsynced_uses_maxerror),
        cmocka_unit_test(
            test_ippm_errest_from_clock_maxerror_at_limit_is_unsynced),
        cmocka_unit_test(test_ippm_errest_from_clock_never_below_1us),
        cmocka_unit_test(test_ippm_owd_trust_sums_both_estimates),
        cmocka_unit_test(test_ippm_owd_trust_needs_both_s_bits),
        cmocka_unit_test(test_ippm_owd_trust_zero_multiplier_is_unusable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
