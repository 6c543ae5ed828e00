/* Shared by the OWAMP/TWAMP control machine fuzz targets: the perfSONAR
 * captures (proto/owtw/owtw_captures_test.h), their randomness and keys,
 * and real crypto (impl/core/crypto_openssl.c, compiled in), so that a
 * seed cut from a capture replays the whole exchange in every mode and
 * mutations reach every state. Input layout of both targets:
 *   [0] bits0-2 capture (index % 6: twamp O A E, owamp O A E)
 *       bit3 the driver refuses (Accept 5) requests
 *       bit4 the driver refuses Start / Fetch (Accept 2)
 *       bit5 the offered/wanted modes add every feature bit
 *       bit6 the stream is sent in one event when it fits
 *       bit7 TIMER events far in the future between pieces
 *   [1] piece size - 1 (each BYTES event carries up to that, at most the
 *       machine's room)
 *   [2..] the peer's octets. */
#ifndef IPPM_FUZZ_OWTW_H
#define IPPM_FUZZ_OWTW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "impl/core/crypto_openssl.h"
#include "proto/owtw/owtw.h"
#include "proto/owtw/owtw_captures_test.h"

struct fuzz_owtw_cap {
    enum owtw_proto proto;
    uint32_t mode;
    const uint8_t *c2s, *s2c;
    size_t c2s_len, s2c_len;
};

#define FUZZ_OWTW_CAP(p, m, n)                                                \
    {p, m, n##_c2s, n##_s2c, sizeof n##_c2s, sizeof n##_s2c}

static const struct fuzz_owtw_cap fuzz_owtw_caps[6] = {
    FUZZ_OWTW_CAP(OWTW_TWAMP, OWTW_MODE_OPEN, twamp_O),
    FUZZ_OWTW_CAP(OWTW_TWAMP, OWTW_MODE_AUTH, twamp_A),
    FUZZ_OWTW_CAP(OWTW_TWAMP, OWTW_MODE_ENCRYPTED, twamp_E),
    FUZZ_OWTW_CAP(OWTW_OWAMP, OWTW_MODE_OPEN, owamp_O),
    FUZZ_OWTW_CAP(OWTW_OWAMP, OWTW_MODE_AUTH, owamp_A),
    FUZZ_OWTW_CAP(OWTW_OWAMP, OWTW_MODE_ENCRYPTED, owamp_E),
};

static const uint8_t fuzz_owtw_pass[8] = "testpass";
static const struct owtw_key fuzz_owtw_keys[1] = {
    {(const uint8_t *)"ippmtest", 8, fuzz_owtw_pass, 8}};

/* The crypto table, made once per process. */
static inline const struct ippm_crypto *fuzz_owtw_crypto(void)
{
    static struct ippm_crypto c;
    static bool ready;
    if (!ready) {
        FUZZ_CHECK(ippm_crypto_openssl_init(&c) == 0);
        ready = true;
    }
    return &c;
}

/* A capture's randomness: the server's (greeting, Server-IV), the
 * client's (the session keys its Token carries, its IV), and the
 * server's Start-Time; computed once per capture. */
struct fuzz_owtw_rand {
    struct owtw_server_random srnd;
    struct owtw_client_random crnd;
    uint64_t start_time;
};

static inline const struct fuzz_owtw_rand *fuzz_owtw_rand(unsigned i)
{
    static struct fuzz_owtw_rand r[6];
    static bool done[6];
    const struct fuzz_owtw_cap *cap = &fuzz_owtw_caps[i];
    if (done[i])
        return &r[i];
    struct owtw_greeting g;
    struct owtw_setup su;
    FUZZ_CHECK(owtw_greeting_decode(&g, cap->s2c, 64) == IPPM_OK);
    FUZZ_CHECK(owtw_setup_decode(&su, cap->c2s, 164) == IPPM_OK);
    memcpy(r[i].srnd.challenge, g.challenge, 16);
    memcpy(r[i].srnd.salt, g.salt, 16);
    memcpy(r[i].srnd.server_iv, cap->s2c + 80, 16);
    memcpy(r[i].crnd.client_iv, su.client_iv, 16);
    if (cap->mode != OWTW_MODE_OPEN) {
        uint8_t key[16];
        FUZZ_CHECK(owtw_derive_key(fuzz_owtw_crypto(), fuzz_owtw_pass, 8,
                                   g.salt, g.count, key) == IPPM_OK);
        FUZZ_CHECK(owtw_token_open(fuzz_owtw_crypto(), key, su.token,
                                   g.challenge, &r[i].crnd.sk) == IPPM_OK);
    }
    /* Start-Time: the same in every capture of one daemon. */
    r[i].start_time = cap->proto == OWTW_TWAMP ? 0xeeb14c4e7172cd7cull
                                               : 0xeeb14c6956ad0c3dull;
    done[i] = true;
    return &r[i];
}

/* What every action must satisfy; CLOSE reasons from the documented
 * list. Returns true when the action closed the machine. */
static inline bool fuzz_owtw_check_action(const struct owtw_action *a,
                                          size_t tx_cap)
{
    if (a->io.kind == IPPM_ACT_SEND_BYTES) {
        FUZZ_CHECK(a->io.len > 0 && a->io.len <= tx_cap);
        FUZZ_CHECK(a->io.len % 16 == 0 || a->io.len == OWTW_SETUP_LEN);
        return false;
    }
    if (a->io.kind == IPPM_ACT_CLOSE) {
        enum ippm_err w = a->io.why;
        FUZZ_CHECK(w == IPPM_OK || w == IPPM_ERR_HMAC ||
                   w == IPPM_ERR_PEER_CLOSED || w == IPPM_ERR_TOO_LONG ||
                   w == IPPM_ERR_TIMEOUT || w == IPPM_ERR_NOSPACE ||
                   w == OWTW_ERR_MODE || w == OWTW_ERR_KEYID ||
                   w == OWTW_ERR_TOKEN || w == OWTW_ERR_COMMAND ||
                   w == OWTW_ERR_SERVWAIT || w == OWTW_ERR_STOP_COUNT ||
                   w == OWTW_ERR_SERVER_START || w == OWTW_ERR_WEAK_COUNT ||
                   w == OWTW_ERR_MSG_LEN);
        return true;
    }
    FUZZ_CHECK(a->io.kind == IPPM_ACT_NONE);
    return false;
}

#endif
