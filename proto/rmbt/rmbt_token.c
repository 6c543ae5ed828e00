/* The RMBT UDP ping token (rmbt-udp-ping notes §2, §3): the address as
 * the hash sees it, minting, and the base64 form it travels in. */
#include "rmbt.h"

#include <string.h>

#include "../common/ippm_cur.h"

/* see rmbt.h */
void rmbt_ip128(const struct ippm_addr *a, uint8_t out[16])
{
    memset(out, 0, 16);
    if (a->family == IPPM_AF_INET6) {
        /* Notes §2: the 16 octets, no zone. */
        memcpy(out, a->ip, 16);
    } else if (a->family == IPPM_AF_INET) {
        /* Notes §2: IPv4 is hashed in its mapped form ::ffff:a.b.c.d, so
         * a dual-stack socket's view of the peer hashes the same. */
        out[10] = 0xff;
        out[11] = 0xff;
        memcpy(out + 12, a->ip, 4);
    }
}

/* HMAC-SHA-256 under secret of time_be (and ip128 when not NULL). */
static enum ippm_err rmbt_hmac(const struct ippm_hmac_key *secret,
                               const uint8_t time_be[4], const uint8_t *ip128,
                               uint8_t out[IPPM_HASH_MAX_LEN])
{
    struct ippm_iov iov[2] = {{time_be, 4}, {ip128, 16}};
    return ippm_hmac_iov(secret, iov, ip128 ? 2 : 1, out);
}

/* see rmbt.h */
enum ippm_err rmbt_packet_hash(const struct ippm_hmac_key *secret,
                               const uint8_t time_be[4], uint8_t out[8])
{
    uint8_t mac[IPPM_HASH_MAX_LEN];
    enum ippm_err e = rmbt_hmac(secret, time_be, NULL, mac);
    if (e == IPPM_OK)
        memcpy(out, mac, 8);
    return e;
}

/* see rmbt.h */
enum ippm_err rmbt_ip_hash(const struct ippm_hmac_key *secret,
                           const uint8_t time_be[4], const struct ippm_addr *ip,
                           uint8_t out[4])
{
    uint8_t mac[IPPM_HASH_MAX_LEN], ip128[16];
    rmbt_ip128(ip, ip128);
    enum ippm_err e = rmbt_hmac(secret, time_be, ip128, mac);
    if (e == IPPM_OK)
        memcpy(out, mac, 4);
    return e;
}

/* see rmbt.h */
enum ippm_err rmbt_token_mint(const struct ippm_hmac_key *secret, uint32_t time,
                              const struct ippm_addr *ip,
                              uint8_t token[RMBT_TOKEN_LEN])
{
    if (ip->family != IPPM_AF_INET && ip->family != IPPM_AF_INET6)
        return IPPM_ERR_BAD_ARG;
    uint8_t t[RMBT_TOKEN_LEN];
    ippm_store_u32(t, time);
    enum ippm_err e = rmbt_packet_hash(secret, t, t + 4);
    if (e == IPPM_OK)
        e = rmbt_ip_hash(secret, t, ip, t + 12);
    if (e == IPPM_OK)
        memcpy(token, t, RMBT_TOKEN_LEN);
    return e;
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* see rmbt.h */
void rmbt_token_b64(const uint8_t token[RMBT_TOKEN_LEN],
                    char out[RMBT_TOKEN_B64_LEN + 1])
{
    size_t o = 0;
    for (size_t i = 0; i < RMBT_TOKEN_LEN; i += 3) {
        size_t n = RMBT_TOKEN_LEN - i < 3 ? RMBT_TOKEN_LEN - i : 3;
        uint32_t v = (uint32_t)token[i] << 16;
        if (n > 1)
            v |= (uint32_t)token[i + 1] << 8;
        if (n > 2)
            v |= token[i + 2];
        out[o++] = b64_alphabet[v >> 18 & 63];
        out[o++] = b64_alphabet[v >> 12 & 63];
        out[o++] = n > 1 ? b64_alphabet[v >> 6 & 63] : '=';
        out[o++] = n > 2 ? b64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
}

/* The 6-bit value of a base64 character, -1 when not in the alphabet. */
static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* see rmbt.h */
enum ippm_err rmbt_token_from_b64(const char *text, size_t len,
                                  uint8_t token[RMBT_TOKEN_LEN])
{
    /* 16 octets are five full quantums and one of a single octet: 22
     * characters then "==". As Python's decoder, the last character's
     * two unused bits are not checked. */
    if (len != RMBT_TOKEN_B64_LEN || text[22] != '=' || text[23] != '=')
        return IPPM_ERR_BAD_ARG;
    uint8_t t[RMBT_TOKEN_LEN + 2];
    size_t o = 0;
    for (size_t i = 0; i < 24; i += 4) {
        uint32_t v = 0;
        for (size_t j = 0; j < 4; j++) {
            int x = i + j >= 22 ? 0 : b64_value(text[i + j]);
            if (x < 0)
                return IPPM_ERR_BAD_ARG;
            v = v << 6 | (uint32_t)x;
        }
        t[o++] = (uint8_t)(v >> 16);
        t[o++] = (uint8_t)(v >> 8);
        t[o++] = (uint8_t)v;
    }
    memcpy(token, t, RMBT_TOKEN_LEN);
    return IPPM_OK;
}
