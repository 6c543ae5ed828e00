/* RMBT UDP ping codecs: the 24-octet RP01 request and the 8-octet
 * RR01/RE01 reply (rmbt-udp-ping notes §1), and the drop reasons' names. */
#include "rmbt.h"

#include <string.h>

#include "../common/ippm_cur.h"

static const uint8_t magic_rp01[4] = {'R', 'P', '0', '1'};
static const uint8_t magic_rr01[4] = {'R', 'R', '0', '1'};
static const uint8_t magic_re01[4] = {'R', 'E', '0', '1'};

/* see rmbt.h */
const char *rmbt_err_str(enum ippm_err e)
{
    switch ((int)e) {
    case RMBT_ERR_LENGTH:
        return "length";
    case RMBT_ERR_MAGIC:
        return "magic";
    case RMBT_ERR_EXPIRED:
        return "expired";
    case RMBT_ERR_FUTURE:
        return "future";
    case RMBT_ERR_HASH:
        return "hash";
    default:
        return ippm_err_str(e);
    }
}

/* see rmbt.h */
uint32_t rmbt_token_time(const uint8_t token[RMBT_TOKEN_LEN])
{
    return ippm_load_u32(token);
}

/* see rmbt.h */
enum ippm_err rmbt_request_encode(uint8_t *buf, size_t cap, uint32_t seq,
                                  const uint8_t token[RMBT_TOKEN_LEN])
{
    if (cap < RMBT_REQ_LEN)
        return IPPM_ERR_NOSPACE;
    memcpy(buf, magic_rp01, 4);
    ippm_store_u32(buf + 4, seq);
    memcpy(buf + 8, token, RMBT_TOKEN_LEN);
    return IPPM_OK;
}

/* see rmbt.h */
enum ippm_err rmbt_request_decode(const uint8_t *p, size_t len,
                                  struct rmbt_request *out)
{
    /* Notes §4 step 1: the length first (the server's buffer truncates
     * longer datagrams, so only exactly 24 passes), then the magic. */
    if (len != RMBT_REQ_LEN)
        return RMBT_ERR_LENGTH;
    if (memcmp(p, magic_rp01, 4) != 0)
        return RMBT_ERR_MAGIC;
    out->seq = ippm_load_u32(p + 4);
    memcpy(out->token, p + 8, RMBT_TOKEN_LEN);
    return IPPM_OK;
}

/* see rmbt.h */
enum ippm_err rmbt_reply_encode(uint8_t *buf, size_t cap,
                                const struct rmbt_reply *r)
{
    if (r->tag != RMBT_RR01 && r->tag != RMBT_RE01)
        return IPPM_ERR_BAD_ARG;
    if (cap < RMBT_REP_LEN)
        return IPPM_ERR_NOSPACE;
    memcpy(buf, r->tag == RMBT_RR01 ? magic_rr01 : magic_re01, 4);
    ippm_store_u32(buf + 4, r->seq);
    return IPPM_OK;
}

/* see rmbt.h */
enum ippm_err rmbt_reply_decode(const uint8_t *p, size_t len,
                                struct rmbt_reply *out)
{
    /* Notes §6: the client takes 8-octet replies tagged RR01 or RE01 and
     * ignores everything else. */
    if (len != RMBT_REP_LEN)
        return RMBT_ERR_LENGTH;
    enum rmbt_tag tag;
    if (memcmp(p, magic_rr01, 4) == 0)
        tag = RMBT_RR01;
    else if (memcmp(p, magic_re01, 4) == 0)
        tag = RMBT_RE01;
    else
        return RMBT_ERR_MAGIC;
    out->tag = tag;
    out->seq = ippm_load_u32(p + 4);
    return IPPM_OK;
}
