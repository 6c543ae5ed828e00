/* Fuzzes what the RMBT UDP ping client reads: the 8-octet reply decoder,
 * the base64 token decoder (proto/rmbt/rmbt_wire.c, rmbt_token.c) and
 * the pinger's bookkeeping (rmbt_ping.c), on the same octets.
 *
 * Postconditions:
 *  - reply: OK exactly for 8 octets tagged RR01 or RE01; it re-encodes
 *    to the same octets; an error is RMBT_ERR_LENGTH (len != 8) or
 *    RMBT_ERR_MAGIC and leaves the output untouched;
 *  - token: OK only for 24 characters ending "=="; the token's base64
 *    decodes back to the same 16 octets, and equals the input but for
 *    the last character's two spare bits; an error leaves the token
 *    untouched;
 *  - the pinger (rmbt_ping.c), the octets read as a script of sends,
 *    replies (an octet picks how far back their sequence lies), clock
 *    steps and expiries: every packet is received, timed out or pending,
 *    never more pending than RMBT_PING_PENDING, the deadline is UINT64_MAX
 *    exactly when none is, expiries come in increasing order, a reply
 *    matches a sent number once and its RTT is the time since that send. */
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

/* Big (the RTT histogram): one per process, re-initialised per input. */
static struct rmbt_ping ping;
/* Send times by number % RMBT_PING_PENDING, to check RTTs. */
static uint64_t sent_at[RMBT_PING_PENDING];

static void check_ping_state(const struct rmbt_ping *p)
{
    uint64_t pending = rmbt_ping_pending(p);
    FUZZ_CHECK(p->received + p->timed_out + pending == p->sent);
    FUZZ_CHECK(pending <= RMBT_PING_PENDING);
    FUZZ_CHECK((rmbt_ping_deadline(p) == UINT64_MAX) == (pending == 0));
    FUZZ_CHECK(p->rr01 + p->re01 == p->received);
}

static void ping_expire_all(struct rmbt_ping *p, uint64_t now, bool full)
{
    struct rmbt_ping_event ev;
    uint64_t last = 0;
    while (rmbt_ping_expire(p, now, full, &ev)) {
        FUZZ_CHECK(ev.number > last && ev.number <= p->sent);
        last = ev.number;
    }
    FUZZ_CHECK(full || rmbt_ping_deadline(p) > now);
}

static void check_ping(const uint8_t *data, size_t len)
{
    if (len < 5)
        return;
    uint32_t first = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
                     (uint32_t)data[2] << 8 | data[3];
    rmbt_ping_init(&ping, first, (uint64_t)(data[4] + 1) * 1000000);
    uint64_t now = 1;
    for (size_t i = 5; i + 1 < len; i += 2) {
        uint8_t op = data[i] & 3, arg = data[i + 1];
        struct rmbt_ping_event ev;
        if (op == 0) {
            ping_expire_all(&ping, now, true);
            FUZZ_CHECK(rmbt_ping_sent(&ping, now, &ev) == IPPM_OK);
            FUZZ_CHECK(ev.number == ping.sent &&
                       ev.seq == first + (uint32_t)(ev.number - 1));
            sent_at[ev.number % RMBT_PING_PENDING] = now;
        } else if (op == 1) {
            uint8_t rep[RMBT_REP_LEN];
            struct rmbt_reply r = {(data[i] & 4) ? RMBT_RE01 : RMBT_RR01,
                                   first + (uint32_t)ping.sent - 1u - arg};
            FUZZ_CHECK(rmbt_reply_encode(rep, sizeof rep, &r) == IPPM_OK);
            uint64_t before = ping.received;
            enum ippm_err e = rmbt_ping_reply(&ping, rep, sizeof rep, now, &ev);
            FUZZ_CHECK(e == IPPM_OK || e == IPPM_ERR_UNEXPECTED);
            FUZZ_CHECK(ping.received == before + (e == IPPM_OK));
            if (e == IPPM_OK) {
                FUZZ_CHECK(ev.number == ping.sent - arg && ev.tag == r.tag);
                FUZZ_CHECK(ev.rtt_ns ==
                           now - sent_at[ev.number % RMBT_PING_PENDING]);
                /* The same reply again is a duplicate. */
                FUZZ_CHECK(rmbt_ping_reply(&ping, rep, sizeof rep, now, &ev) ==
                           IPPM_ERR_UNEXPECTED);
            }
        } else if (op == 2) {
            now += (uint64_t)(data[i] >> 2) * arg * 100000;
            ping_expire_all(&ping, now, false);
        } else {
            ping_expire_all(&ping, now, true);
        }
        check_ping_state(&ping);
    }
    struct rmbt_ping_stats st;
    rmbt_ping_stats(&ping, &st);
    FUZZ_CHECK(st.sent == ping.sent && st.lost == st.sent - st.received);
    FUZZ_CHECK(st.rtt.n == st.received);
    FUZZ_CHECK(st.loss_pct >= 0.0 && st.loss_pct <= 100.0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    check_reply(data, len);
    check_token(data, len);
    check_ping(data, len);
    return 0;
}
