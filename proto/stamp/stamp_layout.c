/* The STAMP layout tables, RFC 8762 Figures 2, 4, 5 and 6, RFC 8972 §3.
 * Pure data: the one place a STAMP field offset is written. */
#include "stamp.h"

#define F(o, l) {(o), (l)}
#define NAMES                                                                 \
    {"seq", "ts", "errest", "ssid", "rx-ts", "ss-seq", "ss-ts", "ss-errest",  \
     "ttl", "hmac"}

/* RFC 8762 Figure 2 with the SSID of RFC 8972 Figure 1. */
static const struct stamp_layout sender_open = {
    STAMP_PKT_SENDER, STAMP_MODE_OPEN, STAMP_BASE_LEN,
    {[STAMP_F_SEQ] = F(0, 4), [STAMP_F_TS] = F(4, 8),
     [STAMP_F_ERREST] = F(12, 2), [STAMP_F_SSID] = F(14, 2)},
    {"seq", "ts", "errest", "ssid"},
    {F(16, 28)}, 1};

/* RFC 8762 Figure 4 with the SSID of RFC 8972 Figure 3. */
static const struct stamp_layout sender_auth = {
    STAMP_PKT_SENDER, STAMP_MODE_AUTH, STAMP_AUTH_BASE_LEN,
    {[STAMP_F_SEQ] = F(0, 4), [STAMP_F_TS] = F(16, 8),
     [STAMP_F_ERREST] = F(24, 2), [STAMP_F_SSID] = F(26, 2),
     [STAMP_F_HMAC] = F(96, 16)},
    {"seq", "ts", "errest", "ssid", [STAMP_F_HMAC] = "hmac"},
    {F(4, 12), F(28, 68)}, 2};

/* RFC 8762 Figure 5 with the SSID of RFC 8972 Figure 2. */
static const struct stamp_layout reflector_open = {
    STAMP_PKT_REFLECTOR, STAMP_MODE_OPEN, STAMP_BASE_LEN,
    {F(0, 4), F(4, 8), F(12, 2), F(14, 2), F(16, 8), F(24, 4), F(28, 8),
     F(36, 2), F(40, 1), F(0, 0)},
    {"seq", "ts", "errest", "ssid", "rx-ts", "ss-seq", "ss-ts", "ss-errest",
     "ttl", NULL},
    {F(38, 2), F(41, 3)}, 2};

/* RFC 8762 Figure 6 with the SSID of RFC 8972 Figure 4. */
static const struct stamp_layout reflector_auth = {
    STAMP_PKT_REFLECTOR, STAMP_MODE_AUTH, STAMP_AUTH_BASE_LEN,
    {F(0, 4), F(16, 8), F(24, 2), F(26, 2), F(32, 8), F(48, 4), F(64, 8),
     F(72, 2), F(80, 1), F(96, 16)},
    NAMES,
    {F(4, 12), F(28, 4), F(40, 8), F(52, 12), F(74, 6), F(81, 15)}, 6};

/* RFC 5357 §4.1.2, unauthenticated: no SSID, and padding (no MBZ) after
 * the Error Estimate. */
static const struct stamp_layout twl_sender = {
    STAMP_PKT_SENDER, STAMP_MODE_OPEN, 14,
    {[STAMP_F_SEQ] = F(0, 4), [STAMP_F_TS] = F(4, 8),
     [STAMP_F_ERREST] = F(12, 2)},
    {"seq", "ts", "errest"},
    {F(0, 0)}, 0};

/* RFC 5357 §4.2.1, unauthenticated: STAMP's Figure 5 up to the Ses-Sender
 * TTL, with MBZ where STAMP has the SSID. */
static const struct stamp_layout twl_reflector = {
    STAMP_PKT_REFLECTOR, STAMP_MODE_OPEN, STAMP_TWL_REFLECTOR_LEN,
    {F(0, 4), F(4, 8), F(12, 2), F(0, 0), F(16, 8), F(24, 4), F(28, 8),
     F(36, 2), F(40, 1), F(0, 0)},
    {"seq", "ts", "errest", NULL, "rx-ts", "ss-seq", "ss-ts", "ss-errest",
     "ttl", NULL},
    {F(14, 2), F(38, 2)}, 2};

/* see stamp.h */
const struct stamp_layout *stamp_layout_twamp_light(enum stamp_pkt_kind kind)
{
    return kind == STAMP_PKT_REFLECTOR ? &twl_reflector : &twl_sender;
}

/* see stamp.h */
const struct stamp_layout *stamp_layout_get(enum stamp_pkt_kind kind,
                                            enum stamp_mode mode)
{
    if (kind == STAMP_PKT_REFLECTOR)
        return mode == STAMP_MODE_AUTH ? &reflector_auth : &reflector_open;
    return mode == STAMP_MODE_AUTH ? &sender_auth : &sender_open;
}

/* s (n octets, not terminated) equals the literal. Octet by octet: a
 * length loop would become a call to strlen, which proto may not take. */
static bool name_is(const char *s, size_t n, const char *lit)
{
    for (size_t i = 0; i < n; i++)
        if (lit[i] != s[i] || lit[i] == '\0')
            return false;
    return lit[n] == '\0';
}

/* see stamp.h */
enum ippm_err stamp_layout_find(const struct stamp_layout *l, const char *name,
                                size_t n, struct stamp_span *out)
{
    if (name_is(name, n, "mbz") && l->n_mbz > 0) {
        *out = l->mbz[0];
        return IPPM_OK;
    }
    for (size_t i = 0; i < STAMP_F_COUNT_; i++) {
        if (l->name[i] && l->field[i].len && name_is(name, n, l->name[i])) {
            *out = l->field[i];
            return IPPM_OK;
        }
    }
    return IPPM_ERR_BAD_ARG;
}
