/* OWAMP/TWAMP control crypto: the shared-secret key, the Token, and the
 * per-direction channel (RFC 4656 §3.1, §3.2, §3.4; RFC 5357 §3.2), as
 * ../shared/notes/twamp-owamp-fixtures.md §1 and §4 spell them out. */
#include "owtw.h"

#include <string.h>

#include "../common/ippm_cur.h"

/* see owtw.h */
enum ippm_err owtw_derive_key(const struct ippm_crypto *crypto,
                              const uint8_t *pass, size_t pass_len,
                              const uint8_t salt[OWTW_SALT_LEN],
                              uint32_t count, uint8_t key[OWTW_AES_SK_LEN])
{
    return ippm_pbkdf2(crypto, IPPM_HASH_SHA1, pass, pass_len, salt,
                       OWTW_SALT_LEN, count, key, OWTW_AES_SK_LEN);
}

/* AES-128-CBC with a zero IV over the 64 octets of a Token. */
static enum ippm_err token_cbc(const struct ippm_crypto *crypto,
                               const uint8_t key[OWTW_AES_SK_LEN],
                               bool encrypt, const uint8_t *in, uint8_t *out)
{
    struct ippm_aes_key k;
    enum ippm_err e = ippm_aes_key_init(&k, crypto, key);
    if (e != IPPM_OK)
        return e;
    uint8_t iv[IPPM_AES_BLOCK] = {0};
    e = ippm_aes128_cbc(&k, encrypt, iv, in, out, OWTW_TOKEN_LEN);
    ippm_aes_key_free(&k);
    return e;
}

/* see owtw.h */
enum ippm_err owtw_token_make(const struct ippm_crypto *crypto,
                              const uint8_t key[OWTW_AES_SK_LEN],
                              const uint8_t challenge[OWTW_CHALLENGE_LEN],
                              const struct owtw_session_keys *sk,
                              uint8_t token[OWTW_TOKEN_LEN])
{
    uint8_t plain[OWTW_TOKEN_LEN];
    memcpy(plain, challenge, OWTW_CHALLENGE_LEN);
    memcpy(plain + 16, sk->aes_sk, OWTW_AES_SK_LEN);
    memcpy(plain + 32, sk->hmac_sk, OWTW_HMAC_SK_LEN);
    enum ippm_err e = token_cbc(crypto, key, true, plain, token);
    memset(plain, 0, sizeof plain);
    return e;
}

/* see owtw.h */
enum ippm_err owtw_token_open(const struct ippm_crypto *crypto,
                              const uint8_t key[OWTW_AES_SK_LEN],
                              const uint8_t token[OWTW_TOKEN_LEN],
                              const uint8_t challenge[OWTW_CHALLENGE_LEN],
                              struct owtw_session_keys *sk)
{
    uint8_t plain[OWTW_TOKEN_LEN];
    enum ippm_err e = token_cbc(crypto, key, false, token, plain);
    if (e == IPPM_OK &&
        !ippm_ct_equal(plain, challenge, OWTW_CHALLENGE_LEN))
        e = OWTW_ERR_TOKEN;
    if (e == IPPM_OK) {
        memcpy(sk->aes_sk, plain + 16, OWTW_AES_SK_LEN);
        memcpy(sk->hmac_sk, plain + 32, OWTW_HMAC_SK_LEN);
    }
    memset(plain, 0, sizeof plain);
    return e;
}

/* ---- the channel ---- */

/* see owtw.h */
void owtw_chan_init_open(struct owtw_chan *ch)
{
    memset(ch, 0, sizeof *ch);
}

/* see owtw.h */
enum ippm_err owtw_chan_init(struct owtw_chan *ch,
                             const struct ippm_crypto *crypto,
                             const struct owtw_session_keys *sk,
                             const uint8_t iv[OWTW_IV_LEN])
{
    owtw_chan_init_open(ch);
    enum ippm_err e = ippm_aes_key_init(&ch->aes, crypto, sk->aes_sk);
    if (e == IPPM_OK)
        e = ippm_hmac_key_init(&ch->hmac, crypto, IPPM_HASH_SHA1, sk->hmac_sk,
                               OWTW_HMAC_SK_LEN);
    if (e != IPPM_OK) {
        owtw_chan_free(ch);
        return e;
    }
    ch->secure = true;
    memcpy(ch->iv, iv, OWTW_IV_LEN);
    return IPPM_OK;
}

/* see owtw.h */
void owtw_chan_free(struct owtw_chan *ch)
{
    ippm_aes_key_free(&ch->aes);
    ippm_hmac_key_free(&ch->hmac);
    memset(ch, 0, sizeof *ch);
}

/* see owtw.h */
size_t owtw_msg_macs(enum owtw_msg kind, const uint8_t *plain, size_t len,
                     size_t mac_off[4])
{
    switch (kind) {
    case OWTW_MSG_GREETING:
    case OWTW_MSG_SETUP:
    case OWTW_MSG_SERVER_START:
    case OWTW_MSG_SLOT:
    case OWTW_MSG_STOP_RECORD:
    case OWTW_MSG_COUNT_:
        return 0;
    case OWTW_MSG_REQUEST:
    case OWTW_MSG_REQUEST_TW:
        if (len < OWTW_REQUEST_LEN)
            return 0;
        mac_off[0] = OWTW_REQUEST_BODY_LEN;
        if (len == OWTW_REQUEST_LEN || ippm_load_u32(plain + 4) == 0)
            return 1;
        mac_off[1] = len - OWTW_HMAC_LEN;
        return 2;
    default:
        if (len < OWTW_HMAC_LEN)
            return 0;
        mac_off[0] = len - OWTW_HMAC_LEN;
        return 1;
    }
}

/* Adds plaintext to the open MAC, starting one when none is. */
static enum ippm_err mac_add(struct owtw_chan *ch, const uint8_t *p,
                             size_t len)
{
    if (!ch->mac_started) {
        enum ippm_err e = ippm_hmac_init(&ch->hmac);
        if (e != IPPM_OK)
            return e;
        ch->mac_started = true;
        ch->mac_covered = 0;
    }
    ch->mac_covered += len;
    return len ? ippm_hmac_update(&ch->hmac, p, len) : IPPM_OK;
}

/* Closes the open MAC (of zero octets when none was open: perfSONAR's
 * empty skip list, notes §4.12) into its 16-octet truncation. */
static enum ippm_err mac_end(struct owtw_chan *ch, uint8_t mac[OWTW_HMAC_LEN])
{
    enum ippm_err e = mac_add(ch, NULL, 0);
    uint8_t full[IPPM_HASH_MAX_LEN];
    if (e == IPPM_OK)
        e = ippm_hmac_final(&ch->hmac, full);
    ch->mac_started = false;
    if (e == IPPM_OK) {
        memcpy(mac, full, OWTW_HMAC_LEN);
        ch->macs++;
    }
    return e;
}

/* see owtw.h */
enum ippm_err owtw_chan_seal(struct owtw_chan *ch, uint8_t *buf, size_t len,
                             const size_t *mac_off, size_t n_macs)
{
    if (len % OWTW_BLOCK)
        return IPPM_ERR_BAD_ARG;
    size_t at = 0;
    for (size_t i = 0; i < n_macs; i++)
        if (mac_off[i] % OWTW_BLOCK || mac_off[i] < at ||
            mac_off[i] + OWTW_HMAC_LEN > len)
            return IPPM_ERR_BAD_ARG;
        else
            at = mac_off[i] + OWTW_HMAC_LEN;
    if (!ch->secure)
        return IPPM_OK;
    at = 0;
    enum ippm_err e = IPPM_OK;
    for (size_t i = 0; i < n_macs && e == IPPM_OK; i++) {
        e = mac_add(ch, buf + at, mac_off[i] - at);
        if (e == IPPM_OK)
            e = mac_end(ch, buf + mac_off[i]);
        at = mac_off[i] + OWTW_HMAC_LEN;
    }
    if (e == IPPM_OK && at < len)
        e = mac_add(ch, buf + at, len - at);
    if (e == IPPM_OK)
        e = ippm_aes128_cbc(&ch->aes, true, ch->iv, buf, buf, len);
    return e == IPPM_OK ? IPPM_OK : IPPM_ERR_CRYPTO;
}

/* see owtw.h */
enum ippm_err owtw_chan_open_block(struct owtw_chan *ch,
                                   const uint8_t in[OWTW_BLOCK],
                                   uint8_t out[OWTW_BLOCK], bool is_mac)
{
    if (!ch->secure) {
        if (out != in)
            memmove(out, in, OWTW_BLOCK);
        return IPPM_OK;
    }
    if (ippm_aes128_cbc(&ch->aes, false, ch->iv, in, out, OWTW_BLOCK) !=
        IPPM_OK)
        return IPPM_ERR_CRYPTO;
    if (!is_mac)
        return mac_add(ch, out, OWTW_BLOCK) == IPPM_OK ? IPPM_OK
                                                       : IPPM_ERR_CRYPTO;
    uint8_t want[OWTW_HMAC_LEN];
    if (mac_end(ch, want) != IPPM_OK)
        return IPPM_ERR_CRYPTO;
    return ippm_ct_equal(want, out, OWTW_HMAC_LEN) ? IPPM_OK : IPPM_ERR_HMAC;
}

/* ---- receiving a message block by block ---- */

/* see owtw.h */
void owtw_rx_init(struct owtw_rx *rx, uint8_t *plain, size_t cap)
{
    memset(rx, 0, sizeof *rx);
    rx->plain = plain;
    rx->cap = cap;
    rx->kind = OWTW_MSG_COUNT_;
}

/* Sets the length once known, with its MAC offsets. */
static void rx_known(struct owtw_rx *rx, size_t total)
{
    rx->total = total;
    rx->n_macs = owtw_msg_macs(rx->kind, rx->plain, total, rx->mac_off);
}

/* see owtw.h */
void owtw_rx_expect(struct owtw_rx *rx, enum owtw_msg kind, size_t total)
{
    rx->kind = kind;
    rx->command = false;
    rx->have = 0;
    rx->total = 0;
    rx->n_macs = 0;
    if (total)
        rx_known(rx, total);
}

/* see owtw.h */
void owtw_rx_expect_command(struct owtw_rx *rx, enum owtw_proto proto)
{
    owtw_rx_expect(rx, OWTW_MSG_COUNT_, 0);
    rx->command = true;
    rx->proto = proto;
}

/* see owtw.h */
enum owtw_msg owtw_cmd_msg(enum owtw_proto proto, uint8_t cmd)
{
    if (proto == OWTW_OWAMP) {
        switch (cmd) {
        case OWTW_CMD_REQUEST_SESSION:
        case OWTW_CMD_REQUEST_OW_MICRO: return OWTW_MSG_REQUEST;
        case OWTW_CMD_START_SESSIONS: return OWTW_MSG_START;
        case OWTW_CMD_STOP_SESSIONS: return OWTW_MSG_STOP;
        case OWTW_CMD_FETCH_SESSION: return OWTW_MSG_FETCH;
        default: return OWTW_MSG_COUNT_;
        }
    }
    switch (cmd) {
    case OWTW_CMD_REQUEST_TW_SESSION:
    case OWTW_CMD_REQUEST_TW_MICRO: return OWTW_MSG_REQUEST_TW;
    case OWTW_CMD_START_SESSIONS: return OWTW_MSG_START;
    case OWTW_CMD_STOP_SESSIONS: return OWTW_MSG_STOP_TW;
    case OWTW_CMD_START_N_SESSIONS:
    case OWTW_CMD_STOP_N_SESSIONS: return OWTW_MSG_NSESSIONS;
    default: return OWTW_MSG_COUNT_;
    }
}

static bool rx_is_mac(const struct owtw_rx *rx, size_t off)
{
    for (size_t i = 0; i < rx->n_macs; i++)
        if (rx->mac_off[i] == off)
            return true;
    return false;
}

/* How many octets rx must have opened before it can tell more. */
static enum ippm_err rx_need(struct owtw_rx *rx, size_t *need)
{
    if (rx->command) {
        if (rx->have < OWTW_BLOCK) {
            *need = OWTW_BLOCK;
            return IPPM_OK;
        }
        rx->kind = owtw_cmd_msg(rx->proto, rx->plain[0]);
        if (rx->kind == OWTW_MSG_COUNT_)
            return OWTW_ERR_COMMAND;
        rx->command = false;
    }
    if (rx->total) {
        *need = rx->total;
        return rx->total > rx->cap ? OWTW_ERR_MSG_LEN : IPPM_OK;
    }
    size_t t;
    enum ippm_err e = owtw_msg_len(rx->kind, rx->plain, rx->have, rx->cap, &t);
    if (e == IPPM_OK)
        rx_known(rx, t);
    else if (e != IPPM_ERR_AGAIN)
        return e;
    *need = t;
    return IPPM_OK;
}

/* see owtw.h */
enum ippm_err owtw_rx_take(struct owtw_rx *rx, struct owtw_chan *ch,
                           struct ippm_stream *s)
{
    for (;;) {
        size_t need;
        enum ippm_err e = rx_need(rx, &need);
        if (e != IPPM_OK)
            return e;
        if (rx->total && rx->have >= rx->total)
            return IPPM_OK;
        if (need > rx->cap)
            return OWTW_ERR_MSG_LEN;
        while (rx->have < need) {
            const uint8_t *blk;
            if (ippm_stream_peek(s, OWTW_BLOCK, &blk) != IPPM_OK)
                return IPPM_ERR_AGAIN;
            e = owtw_chan_open_block(ch, blk, rx->plain + rx->have,
                                     rx->total && rx_is_mac(rx, rx->have));
            ippm_stream_consume(s, OWTW_BLOCK);
            if (e != IPPM_OK)
                return e;
            rx->have += OWTW_BLOCK;
        }
    }
}
