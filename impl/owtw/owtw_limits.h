/* What a TWAMP or OWAMP server holds against hostile clients (issue 10's
 * rules for every server; README "Security"), beside --max-conns:
 *
 *   --max-conns-per-source N  control connections one source address
 *                             (IPv4 address, IPv6 /64) holds at once
 *                             (default 8; 0: no limit), so that one host
 *                             cannot take every slot of --max-conns
 *   --setup-timeout S         a connection must have sent its whole
 *                             Set-Up-Response (RFC 4656 §3.1, RFC 5357
 *                             §3.1: 164 octets) this long after it was
 *                             accepted (default 30), however slowly it
 *                             trickles: SERVWAIT (900 s) counts from the
 *                             last octets, which a slow client renews
 *   --allow-from, --deny-from the STAMP reflector's prefix rules
 *                             (impl/core/admit_opts.h), applied to each
 *                             control connection as it is accepted (a
 *                             TWAMP session then answers only that
 *                             connection's address)
 *   --max-packets N           test packets an OWAMP session this server
 *                             receives may ask for (default 1,048,576,
 *                             a day at 12 a second); more is refused
 *                             (Accept 4): the receiver keeps a record per
 *                             packet, so 16 sessions of 100 M packets took
 *                             50 GB of address space and 200 MB of RSS
 *                             before a single packet
 *   --any-sender-port         a TWAMP test session reflects packets from
 *                             any port of its sender's address; by
 *                             default only from the Sender Port it named
 *                             (RFC 5357 §3.5: "the UDP port from which
 *                             TWAMP-Test packets will be sent")
 *
 * and, always, a TWAMP test session answers only its control client's
 * address, and never its own socket or a reflecting service's port
 * (proto/common/ippm_srcguard.h): one spoofed packet cannot start a loop
 * between the server's test sockets, nor between two servers. */
#ifndef IPPM_OWTW_LIMITS_H
#define IPPM_OWTW_LIMITS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "impl/core/admit_opts.h"
#include "impl/owtw/owtw_link.h"
#include "proto/common/ippm_srcguard.h"

#define OWTW_PER_SOURCE_DEFAULT 8
#define OWTW_SETUP_TIMEOUT_DEFAULT_S 30
#define OWTW_MAX_PACKETS_DEFAULT (1u << 20)
/* Mode, KeyID, Token and Client-IV (RFC 4656 §3.1, RFC 5357 §3.1). */
#define OWTW_SETUP_RESPONSE_OCTETS 164

/* getopt values, past impl/owtw/owtw_cli.h's */
enum {
    OWTW_LIMITS_OPT_PER_SOURCE = 0x380,
    OWTW_LIMITS_OPT_SETUP_TIMEOUT,
    OWTW_LIMITS_OPT_ANY_SENDER_PORT,
    OWTW_LIMITS_OPT_MAX_PACKETS,
    OWTW_LIMITS_OPT_ADMIT, /* + IPPM_ADMIT_OPT_ALLOW or _DENY */
    OWTW_LIMITS_OPT_ADMIT_LAST_ = OWTW_LIMITS_OPT_ADMIT + IPPM_ADMIT_OPT_COUNT_,
};

/* The servers' option table rows. */
#define OWTW_LIMITS_LONGOPTS                                                  \
    {"max-conns-per-source", required_argument, NULL,                         \
     OWTW_LIMITS_OPT_PER_SOURCE},                                             \
    {"setup-timeout", required_argument, NULL, OWTW_LIMITS_OPT_SETUP_TIMEOUT},\
    {"any-sender-port", no_argument, NULL, OWTW_LIMITS_OPT_ANY_SENDER_PORT},\
    {"max-packets", required_argument, NULL, OWTW_LIMITS_OPT_MAX_PACKETS},   \
    {"allow-from", required_argument, NULL,                                   \
     OWTW_LIMITS_OPT_ADMIT + IPPM_ADMIT_OPT_ALLOW},                           \
    {"deny-from", required_argument, NULL,                                    \
     OWTW_LIMITS_OPT_ADMIT + IPPM_ADMIT_OPT_DENY}

#define OWTW_LIMITS_USAGE                                                     \
    "  --max-conns-per-source N\n"                                            \
    "                         control connections of one source address\n"   \
    "                         (IPv6: /64) at once (default 8, 0: no limit)\n"\
    "  --setup-timeout S      close a connection that has not sent its\n"     \
    "                         whole Set-Up-Response S seconds after it was\n"\
    "                         accepted (default 30)\n"                    \
    "  --allow-from PREFIX[,PREFIX..]\n"                                     \
    "                         accept control connections only from these\n"\
    "                         (CIDR, IPv4 or IPv6; an address alone is one\n"\
    "                         host)\n"                                        \
    "  --deny-from PREFIX[,PREFIX..]\n"                                      \
    "                         never from these; the longest matching\n"     \
    "                         prefix of both lists decides, deny on a tie\n"

#define OWTW_LIMITS_USAGE_OWAMP                                               \
    "  --max-packets N        test packets a session to this server may\n"  \
    "                         ask for (default 1048576); more is refused\n"

#define OWTW_LIMITS_USAGE_TWAMP                                               \
    "  --any-sender-port      reflect test packets from any port of the\n"    \
    "                         client's address (default: only from the\n"    \
    "                         Sender Port of Request-TW-Session)\n"

struct owtw_limits {
    uint32_t per_source;  /* --max-conns-per-source; 0: no limit */
    uint64_t setup_ns;    /* --setup-timeout; 0: none */
    bool any_sender_port; /* --any-sender-port */
    uint32_t max_packets; /* --max-packets */
    struct ippm_admit_opts admit; /* --allow-from, --deny-from */
};

/* The defaults above. */
void owtw_limits_defaults(struct owtw_limits *l);

/* One option: id is getopt's value. Returns 0, 1 when id is none of
 * these, -1 after one line on a bad value. */
int owtw_limits_opt(struct owtw_limits *l, int id, const char *arg);

/* Whether a connection from peer may be taken while the max open
 * connections of conns (slots whose m is NULL are free) are held: the
 * prefix rules, then the per-source limit. */
bool owtw_limits_admit_conn(const struct owtw_limits *l,
                            const struct owtw_link *conns, size_t max,
                            const struct ippm_addr *peer);

/* Whether an OWAMP session of n_packets test packets may be received. */
bool owtw_limits_packets_ok(const struct owtw_limits *l, uint32_t n_packets);

/* When connection c, accepted at born_ns, must have sent its whole
 * Set-Up-Response; UINT64_MAX once it has (or with no limit). */
uint64_t owtw_limits_setup_deadline(const struct owtw_limits *l,
                                    const struct owtw_link *c,
                                    uint64_t born_ns);

/* Whom one TWAMP test session answers. */
struct owtw_test_guard {
    bool on;                    /* all zeroes: everyone is answered */
    struct ippm_src_policy src; /* self: the test socket's address */
    struct ippm_addr sender;    /* port 0: any */
};

/* For a session on the test socket bound at local, asked for over a
 * control connection from client with Request-TW-Session's Sender Port
 * sender_port. */
void owtw_test_guard_init(struct owtw_test_guard *g,
                          const struct owtw_limits *l,
                          const struct ippm_addr *local,
                          const struct ippm_addr *client,
                          uint16_t sender_port);

/* IPPM_OK when the datagram of meta m may be answered; else the drop
 * reason: IPPM_ERR_UNEXPECTED for the session's own socket or a
 * reflecting port, IPPM_ERR_UNKNOWN_SESSION for another sender. */
enum ippm_err owtw_test_guard_check(const struct owtw_test_guard *g,
                                    const struct ippm_rx_meta *m);

#endif
