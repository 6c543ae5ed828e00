/* What both servers and both clients need around proto/owtw's control
 * machines: the keys file as the machines take keys, the --modes bits,
 * a connection's buffers, the security mode of the test packets, the
 * SID a server makes, and the struct owtw_link_ops that drive a server
 * or client machine. Private to impl/owtw, impl/twamp and impl/owamp. */
#ifndef IPPM_OWTW_CTL_H
#define IPPM_OWTW_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "impl/core/keyfile.h"
#include "impl/owtw/owtw_link.h"
#include "impl/owtw/owtw_proto.h"

/* Sessions one control connection may hold, and its buffers: a request
 * of up to OWTW_CTL_MAX_SLOTS schedule slots, a Stop-Sessions of that
 * many records, a Fetch reply in chunks. */
#define OWTW_CTL_MAX_SESSIONS 16
#define OWTW_CTL_MAX_SLOTS 64
#define OWTW_CTL_BUF 4096

/* The PBKDF2 Count a server offers: perfSONAR's (fixtures §2). */
#define OWTW_CTL_COUNT 2048

/* One connection's memory, for owtw_bufs. */
struct owtw_ctl_bufs {
    uint8_t in[OWTW_CTL_BUF];
    uint8_t plain[OWTW_CTL_BUF];
    uint8_t tx[OWTW_CTL_BUF];
    struct owtw_session sessions[OWTW_CTL_MAX_SESSIONS];
};

/* b as the machines take it. */
struct owtw_bufs owtw_ctl_bufs(struct owtw_ctl_bufs *b);

/* The keys file's entries as struct owtw_key (views into k). Returns an
 * array of k->n (NULL when none, or on ENOMEM with k->n > 0). */
struct owtw_key *owtw_ctl_keys(const struct ippm_keys *k);

/* The test packets' mode for the Mode a connection chose (RFC 4656 §3.1;
 * mixed, RFC 5618 §2: unauthenticated test packets). */
enum owtw_test_mode owtw_ctl_test_mode(uint32_t mode);

/* A duration in ns as a 32.32 interval (Timeout, a slot's parameter,
 * RFC 4656 §3.5), and back. */
uint64_t owtw_ctl_interval(uint64_t ns);
uint64_t owtw_ctl_interval_ns(uint64_t interval);

/* The session keys of a server connection (the client's Token carried
 * them), which key its test sessions; NULL in unauthenticated mode. */
const struct owtw_session_keys *owtw_ctl_server_keys(
    const struct owtw_server *s);

/* A SID for a session this end receives (owtw_sid_make, RFC 4656 §3.5):
 * its IPv4 address (or the last four octets of its IPv6 one), the NTP
 * time now, 4 random octets. Returns IPPM_OK or the random source's
 * error. */
enum ippm_err owtw_ctl_make_sid(uint8_t sid[OWTW_SID_LEN],
                                const struct ippm_addr *receiver,
                                uint64_t now_ns,
                                const struct ippm_crypto *crypto);

#endif
