#include "owtw_ctl.h"

#include <stdlib.h>
#include <string.h>

#include "impl/owtw/owtw_cli.h"
#include "proto/common/ippm_time.h"

_Static_assert(OWTW_CLI_OPEN == OWTW_MODE_OPEN &&
                   OWTW_CLI_AUTH == OWTW_MODE_AUTH &&
                   OWTW_CLI_ENCRYPTED == OWTW_MODE_ENCRYPTED &&
                   OWTW_CLI_MIXED == OWTW_MODE_MIXED,
               "--modes bits are the Modes field's");

/* see owtw_ctl.h */
struct owtw_bufs owtw_ctl_bufs(struct owtw_ctl_bufs *b)
{
    struct owtw_bufs x = {b->in,       sizeof(b->in),    b->plain,
                          sizeof(b->plain), b->tx,        sizeof(b->tx),
                          b->sessions, OWTW_CTL_MAX_SESSIONS};
    return x;
}

/* see owtw_ctl.h */
struct owtw_key *owtw_ctl_keys(const struct ippm_keys *k)
{
    if (!k->n)
        return NULL;
    struct owtw_key *out = calloc(k->n, sizeof(*out));
    for (size_t i = 0; out && i < k->n; i++) {
        out[i].keyid = (const uint8_t *)k->e[i].id;
        out[i].keyid_len = k->e[i].id_len;
        out[i].secret = k->e[i].secret;
        out[i].secret_len = k->e[i].len;
    }
    return out;
}

/* see owtw_ctl.h */
enum owtw_test_mode owtw_ctl_test_mode(uint32_t mode)
{
    /* proto decides (mixed tests open, RFC 5618); a Mode word naming no
     * one security mode never got past the machine */
    uint32_t m = owtw_test_security(mode);
    return m ? (enum owtw_test_mode)m : OWTW_TEST_OPEN;
}

/* see owtw_ctl.h */
enum ippm_err owtw_ctl_make_sid(uint8_t sid[OWTW_SID_LEN],
                                const struct ippm_addr *receiver,
                                uint64_t now_ns,
                                const struct ippm_crypto *crypto)
{
    uint8_t rnd[4];
    enum ippm_err e = ippm_random(crypto, rnd, sizeof(rnd));
    if (e == IPPM_OK)
        owtw_sid_make(sid,
                      receiver->family == IPPM_AF_INET6 ? receiver->ip + 12
                                                        : receiver->ip,
                      ippm_ntp_from_ns(now_ns), rnd);
    return e;
}

/* see owtw_ctl.h */
const struct owtw_session_keys *owtw_ctl_server_keys(
    const struct owtw_server *s)
{
    return owtw_ctl_test_mode(s->c.mode) == OWTW_TEST_OPEN ? NULL
                                                      : owtw_conn_keys(&s->c);
}

/* see owtw_ctl.h */
uint64_t owtw_ctl_interval(uint64_t ns)
{
    return ippm_ntp_from_ns(ns) - ippm_ntp_from_ns(0);
}

/* see owtw_ctl.h */
uint64_t owtw_ctl_interval_ns(uint64_t interval)
{
    return ippm_ns_from_ntp(interval + ippm_ntp_from_ns(0));
}
