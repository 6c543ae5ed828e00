/* Fuzzes what the RMBT UDP ping client reads: the 8-octet reply decoder
 * and the base64 token decoder (proto/rmbt/rmbt_wire.c, rmbt_token.c),
 * on the same octets.
 *
 * Postconditions:
 *  - reply: OK exactly for 8 octets tagged RR01 or RE01; it re-encodes
 *    to the same octets; an error is RMBT_ERR_LENGTH (len != 8) or
 *    RMBT_ERR_MAGIC and leaves the output untouched;
 *  - token: OK only for 24 characters ending "=="; the token's base64
 *    decodes back to the same 16 octets, and equals the input but for
 *    the last character's two spare bits; an error leaves the token
 *    untouched. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/rmbt/rmbt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void check_reply(const uint8_t *p, size_t len)
{
    struct rmbt_reply r;
    memset(&r, 0xA5, sizeof r);
    enum ippm_err e = rmbt_reply_decode(p, len, &r);
    bool good = len == RMBT_REP_LEN &&
                (memcmp(p, "RR01", 4) == 0 || memcmp(p, "RE01", 4) == 0);
    FUZZ_CHECK((e == IPPM_OK) == good);
    if (e != IPPM_OK) {
        FUZZ_CHECK(len != RMBT_REP_LEN ? e == RMBT_ERR_LENGTH
                                       : e == RMBT_ERR_MAGIC);
        FUZZ_CHECK(fuzz_all(&r, 0xA5, sizeof r));
        return;
    }
    uint8_t again[RMBT_REP_LEN];
    FUZZ_CHECK(rmbt_reply_encode(again, sizeof again, &r) == IPPM_OK);
    FUZZ_CHECK(memcmp(again, p, RMBT_REP_LEN) == 0);
}

static void check_token(const uint8_t *p, size_t len)
{
    uint8_t tok[RMBT_TOKEN_LEN], back[RMBT_TOKEN_LEN];
    memset(tok, 0xA5, sizeof tok);
    enum ippm_err e = rmbt_token_from_b64((const char *)p, len, tok);
    if (e != IPPM_OK) {
        FUZZ_CHECK(e == IPPM_ERR_BAD_ARG);
        FUZZ_CHECK(fuzz_all(tok, 0xA5, sizeof tok));
        return;
    }
    FUZZ_CHECK(len == RMBT_TOKEN_B64_LEN && p[22] == '=' && p[23] == '=');
    char b64[RMBT_TOKEN_B64_LEN + 1];
    rmbt_token_b64(tok, b64);
    FUZZ_CHECK(b64[RMBT_TOKEN_B64_LEN] == '\0');
    FUZZ_CHECK(memcmp(b64, p, 21) == 0 && memcmp(b64 + 22, "==", 2) == 0);
    FUZZ_CHECK(rmbt_token_from_b64(b64, RMBT_TOKEN_B64_LEN, back) == IPPM_OK);
    FUZZ_CHECK(memcmp(back, tok, RMBT_TOKEN_LEN) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    check_reply(data, len);
    check_token(data, len);
    return 0;
}
