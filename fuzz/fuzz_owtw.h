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

/* OpenSSL, made once per process. */
static inline const struct ippm_crypto *fuzz_owtw_openssl(void)
{
    static struct ippm_crypto c;
    static bool ready;
    if (!ready) {
        FUZZ_CHECK(ippm_crypto_openssl_init(&c) == 0);
        ready = true;
    }
    return &c;
}

/* PBKDF2 remembered by its inputs: mutations seldom touch the greeting's
 * Salt and Count, and 2048 rounds per run would make the machines'
 * targets crawl. The answer is OpenSSL's, computed once. */
static inline enum ippm_err fuzz_owtw_pbkdf2(void *ctx, enum ippm_hash hash,
                                             const uint8_t *pass,
                                             size_t pass_len,
                                             const uint8_t *salt,
                                             size_t salt_len,
                                             uint32_t iterations,
                                             uint8_t *out, size_t out_len)
{
    enum { SLOTS = 8 };
    static struct {
        bool used;
        enum ippm_hash hash;
        uint8_t pass[64], salt[16], key[16];
        size_t pass_len;
        uint32_t iterations;
    } memo[SLOTS];
    static unsigned next;
    const struct ippm_crypto *real = fuzz_owtw_openssl();
    (void)ctx;
    if (pass_len > 64 || salt_len != 16 || out_len != 16)
        return real->pbkdf2(real->ctx, hash, pass, pass_len, salt, salt_len,
                            iterations, out, out_len);
    for (unsigned i = 0; i < SLOTS; i++)
        if (memo[i].used && memo[i].hash == hash &&
            memo[i].iterations == iterations &&
            memo[i].pass_len == pass_len &&
            memcmp(memo[i].pass, pass, pass_len) == 0 &&
            memcmp(memo[i].salt, salt, 16) == 0) {
            memcpy(out, memo[i].key, 16);
            return IPPM_OK;
        }
    enum ippm_err e = real->pbkdf2(real->ctx, hash, pass, pass_len, salt,
                                   salt_len, iterations, out, out_len);
    if (e == IPPM_OK) {
        unsigned i = next++ % SLOTS;
        memo[i].used = true;
        memo[i].hash = hash;
        memo[i].iterations = iterations;
        memo[i].pass_len = pass_len;
        memcpy(memo[i].pass, pass, pass_len);
        memcpy(memo[i].salt, salt, 16);
        memcpy(memo[i].key, out, 16);
    }
    return e;
}

/* OpenSSL's table with PBKDF2 remembered. */
static inline const struct ippm_crypto *fuzz_owtw_crypto(void)
{
    static struct ippm_crypto c;
    static bool ready;
    if (!ready) {
        c = *fuzz_owtw_openssl();
        c.pbkdf2 = fuzz_owtw_pbkdf2;
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
                   w == IPPM_ERR_REFUSED ||
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

/* One machine under the harness: its calls, and what its CLOSE said. */
struct fuzz_owtw_loop {
    enum ippm_err (*handle)(void *m, const struct ippm_event *ev,
                            struct owtw_action *act);
    uint64_t (*deadline)(const void *m);
    void (*answer)(void *run, const struct owtw_action *act, uint64_t now);
    void *m, *run;
    size_t tx_cap;
    bool closed;
    enum ippm_err why;
};

/* Feeds one event, then TIMER while the deadline says now, answering
 * every note; a closed machine must answer CLOSE with its first reason
 * and want no TIMER; the loop must end. */
static inline void fuzz_owtw_feed(struct fuzz_owtw_loop *l,
                                  const struct ippm_event *ev)
{
    struct ippm_event cur = *ev;
    for (int i = 0; i < 64; i++) {
        struct owtw_action act;
        enum ippm_err e = l->handle(l->m, &cur, &act);
        if (fuzz_owtw_check_action(&act, l->tx_cap)) {
            FUZZ_CHECK(e == act.io.why);
            FUZZ_CHECK(!l->closed || act.io.why == l->why);
            l->closed = true;
            l->why = act.io.why;
            FUZZ_CHECK(l->deadline(l->m) == UINT64_MAX);
            return;
        }
        FUZZ_CHECK(e == IPPM_OK);
        l->answer(l->run, &act, cur.now_ns);
        if (l->deadline(l->m) != 0)
            return;
        cur = (struct ippm_event){IPPM_EV_TIMER, ev->now_ns, NULL, 0, NULL};
    }
    FUZZ_CHECK(!"the deadline stays at 0");
}

#endif
