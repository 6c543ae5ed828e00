/* Fuzzes the RMBT UDP ping request decoder and the server's decision
 * (proto/rmbt/rmbt_wire.c, rmbt_server.c) with real HMAC-SHA-256
 * (impl/core/crypto_openssl.c compiled in), so that the capture's
 * requests, minted with "topsecret", reach RR01.
 *
 * Input: flags(1) ‖ offset(4, signed big-endian) ‖ source(16) ‖ datagram.
 *   flags bits 0-1: how many secrets, of "topsecret", "other", "third";
 *   flags bit 2: the source is the 16 octets as IPv6, else the first four
 *   as IPv4. The clock is the datagram's token time (octets 8..11, 0 when
 *   shorter) plus offset seconds, so the window's edges are one mutation
 *   away.
 *
 * Postconditions:
 *  - decode: OK exactly for 24 octets starting "RP01", then it re-encodes
 *    to the same octets; an error leaves the output untouched;
 *  - the event's action is SEND of exactly 8 octets (never more than the
 *    24 in) or DROP with the decision's reason, tx untouched on DROP;
 *  - a reply carries the request's octets 4..7; RR01 only with a secret,
 *    and then minting a token for the source at the token's time under
 *    the matched secret gives the request's 16 octets back; RE01 with a
 *    secret means the packet_hash matched and the IP hash did not;
 *  - a reply's age lies in [-30, 14400]; a drop for the window is
 *    outside it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "impl/core/crypto_openssl.h"
#include "proto/common/ippm_cur.h"
#include "proto/rmbt/rmbt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define HDR 21
#define NS  1000000000ull

static const char *const secret_text[3] = {"topsecret", "other", "third"};

struct keys {
    struct ippm_crypto c;
    struct ippm_hmac_key k[3];
};

/* Keyed once per process: every run uses the same three secrets. */
static const struct keys *keys(void)
{
    static struct keys ks;
    static int ready;
    if (!ready) {
        FUZZ_CHECK(ippm_crypto_openssl_init(&ks.c) == 0);
        for (int i = 0; i < 3; i++)
            FUZZ_CHECK(ippm_hmac_key_init(&ks.k[i], &ks.c, IPPM_HASH_SHA256,
                                          (const uint8_t *)secret_text[i],
                                          strlen(secret_text[i])) == IPPM_OK);
        ready = 1;
    }
    return &ks;
}

static void check_decode(const uint8_t *p, size_t len)
{
    struct rmbt_request r;
    memset(&r, 0xA5, sizeof r);
    enum ippm_err e = rmbt_request_decode(p, len, &r);
    bool good = len == RMBT_REQ_LEN && memcmp(p, "RP01", 4) == 0;
    FUZZ_CHECK((e == IPPM_OK) == good);
    if (e != IPPM_OK) {
        FUZZ_CHECK(e == RMBT_ERR_LENGTH || e == RMBT_ERR_MAGIC);
        FUZZ_CHECK(e == RMBT_ERR_LENGTH ? len != RMBT_REQ_LEN : true);
        FUZZ_CHECK(fuzz_all(&r, 0xA5, sizeof r));
        return;
    }
    uint8_t again[RMBT_REQ_LEN];
    FUZZ_CHECK(rmbt_request_encode(again, sizeof again, r.seq, r.token) ==
               IPPM_OK);
    FUZZ_CHECK(memcmp(again, p, RMBT_REQ_LEN) == 0);
}

/* The reply's facts against the request and the secrets. */
static void check_reply(const struct rmbt_server *srv, const uint8_t *p,
                        const struct ippm_addr *src,
                        const struct rmbt_decision *d, const uint8_t *tx)
{
    struct rmbt_reply rep;
    FUZZ_CHECK(rmbt_reply_decode(tx, RMBT_REP_LEN, &rep) == IPPM_OK);
    FUZZ_CHECK(rep.tag == d->tag);
    FUZZ_CHECK(memcmp(tx + 4, p + 4, 4) == 0);
    FUZZ_CHECK(d->age_s >= -(int64_t)RMBT_AHEAD_S &&
               d->age_s <= (int64_t)RMBT_BACK_S);
    if (srv->n_secrets == 0) {
        FUZZ_CHECK(d->tag == RMBT_RE01 && d->secret == -1);
        return;
    }
    FUZZ_CHECK(d->secret >= 0 && (size_t)d->secret < srv->n_secrets);
    uint8_t tok[RMBT_TOKEN_LEN];
    FUZZ_CHECK(rmbt_token_mint(&srv->secrets[d->secret], ippm_load_u32(p + 8),
                               src, tok) == IPPM_OK);
    FUZZ_CHECK(memcmp(tok + 4, p + 12, 8) == 0);
    FUZZ_CHECK((memcmp(tok + 12, p + 20, 4) == 0) == (d->tag == RMBT_RR01));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < HDR)
        return 0;
    const struct keys *ks = keys();
    uint8_t flags = data[0];
    int32_t off = (int32_t)ippm_load_u32(data + 1);
    struct ippm_rx_meta meta = {0};
    meta.peer.family = (flags & 4) ? IPPM_AF_INET6 : IPPM_AF_INET;
    memcpy(meta.peer.ip, data + 5, (flags & 4) ? 16 : 4);
    meta.peer.port = 40000;
    const uint8_t *p = data + HDR;
    size_t n = len - HDR;
    int64_t t = n >= 12 ? (int64_t)ippm_load_u32(p + 8) : 0;
    int64_t now_s = t + off;
    if (now_s < 0)
        now_s = 0;

    check_decode(p, n);

    struct rmbt_server srv = {ks->k, flags & 3};
    struct ippm_event ev = {IPPM_EV_DATAGRAM, (uint64_t)now_s * NS, p, n,
                            &meta};
    uint8_t tx[64];
    memset(tx, 0xA5, sizeof tx);
    struct ippm_action act;
    struct rmbt_decision d;
    rmbt_server_handle(&srv, &ev, tx, sizeof tx, &act, &d);
    if (act.kind == IPPM_ACT_DROP) {
        FUZZ_CHECK(act.why == d.why && d.why != IPPM_OK);
        FUZZ_CHECK(act.len == 0);
        FUZZ_CHECK(fuzz_all(tx, 0xA5, sizeof tx));
        if (d.why == RMBT_ERR_EXPIRED)
            FUZZ_CHECK(d.age_s > (int64_t)RMBT_BACK_S);
        if (d.why == RMBT_ERR_FUTURE)
            FUZZ_CHECK(d.age_s < -(int64_t)RMBT_AHEAD_S);
        if (d.why == RMBT_ERR_HASH)
            FUZZ_CHECK(srv.n_secrets > 0);
        return 0;
    }
    FUZZ_CHECK(act.kind == IPPM_ACT_SEND_DATAGRAM);
    FUZZ_CHECK(act.len == RMBT_REP_LEN && n == RMBT_REQ_LEN);
    FUZZ_CHECK(fuzz_all(tx + RMBT_REP_LEN, 0xA5, sizeof tx - RMBT_REP_LEN));
    check_reply(&srv, p, &meta.peer, &d, tx);
    return 0;
}
