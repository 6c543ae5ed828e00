/* What the OWAMP (RFC 4656) and TWAMP (RFC 5357) control cases look at:
 * the control connections of struct ippm_obs (obs->ctrl), each message
 * labelled with its type (ippm_ctrl_msg.type, one of enum owtw_obs_msg) by
 * whoever cut the TCP stream (pcap replay, the live prober, a fixture).
 *
 * Roles: a case graded on the server (Server, Session-Reflector or
 * OWAMP Session-Receiver/Sender behind it) is IPPM_ROLE_REFLECTOR; one
 * graded on the Control-Client is IPPM_ROLE_SENDER. */
#ifndef IPPM_OWTW_OBS_H
#define IPPM_OWTW_OBS_H

#include <stdbool.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"

/* Control message types (ippm_ctrl_msg.type). A Request-Session carries
 * its schedule slots and both HMACs; the Fetch-Session reply's data (the
 * reproduced request, skip ranges and records after Fetch-Ack) is one
 * OWTW_OBS_FETCH_DATA message. OWTW_OBS_BAD_CMD: a client command the cutter did
 * not know, one 16-octet block; OWTW_OBS_PARTIAL: the octets a direction
 * ended with that make no whole message (also counted in
 * ippm_transcript.left_over). */
enum owtw_obs_msg {
    OWTW_OBS_UNKNOWN = 0,
    OWTW_OBS_GREETING,      /* Server Greeting, 64 */
    OWTW_OBS_SETUP,         /* Set-Up-Response, 164 */
    OWTW_OBS_SERVER_START,  /* Server-Start, 48 */
    OWTW_OBS_REQ_SESSION,   /* OWAMP Request-Session (1), 112 + 16 slots + 16 */
    OWTW_OBS_REQ_TW,        /* TWAMP Request-TW-Session (5), 112 */
    OWTW_OBS_REQ_MICRO,     /* RFC 9533: OWAMP 5 / TWAMP 11 */
    OWTW_OBS_ACCEPT,        /* Accept-Session, 48 */
    OWTW_OBS_START,         /* Start-Sessions (2), 32 */
    OWTW_OBS_START_ACK,     /* Start-Ack, 32 */
    OWTW_OBS_STOP,          /* Stop-Sessions (3), 32 + records */
    OWTW_OBS_FETCH,         /* Fetch-Session (4), 48 */
    OWTW_OBS_FETCH_ACK,     /* Fetch-Ack, 32 */
    OWTW_OBS_FETCH_DATA,    /* what follows an accepting Fetch-Ack */
    OWTW_OBS_START_N,       /* RFC 5938 Start-N-Sessions (7) */
    OWTW_OBS_START_N_ACK,   /* Start-N-Ack (8) */
    OWTW_OBS_STOP_N,        /* Stop-N-Sessions (9) */
    OWTW_OBS_STOP_N_ACK,    /* Stop-N-Ack (10) */
    OWTW_OBS_BAD_CMD,       /* an unknown command number, first block */
    OWTW_OBS_PARTIAL,       /* a direction's last octets, no whole message */
    OWTW_OBS_MSG_COUNT
};

/* Modes a greeting or Set-Up-Response may set: every bit a
 * specification registers for the protocol (deviations.md). Mode bits,
 * command numbers and Accept values are proto/owtw/owtw.h's. */
#define OWTW_MODES_OWAMP 0x287u /* 0..2, IKEv2 (RFC 7717), PTPv2 (RFC 8186) */
#define OWTW_MODES_TWAMP 0x3ffu /* bits 0..9 */
/* The highest Accept value defined (RFC 7717 §5.3's 6). */
#define OWTW_ACCEPT_MAX 6

/* Field offsets the checks read, from the RFCs' figures. */
#define OWTW_GREET_MODES 12
#define OWTW_GREET_COUNT 48
#define OWTW_SETUP_MODE 0
#define OWTW_SETUP_KEYID 4
#define OWTW_START_ACCEPT 15
#define OWTW_START_TIME 32
#define OWTW_REQ_IPVN 1
#define OWTW_REQ_CONF_S 2
#define OWTW_REQ_CONF_R 3
#define OWTW_REQ_SLOTS 4
#define OWTW_REQ_PACKETS 8
#define OWTW_REQ_SPORT 12
#define OWTW_REQ_RPORT 14
#define OWTW_REQ_SADDR 16
#define OWTW_REQ_RADDR 32
#define OWTW_REQ_SID 48
#define OWTW_REQ_PADLEN 64
#define OWTW_REQ_REFLECT 88     /* RFC 6038 Octets to be reflected */
#define OWTW_REQ_REFLECT_LEN 90 /* RFC 6038 Length of padding to reflect */
#define OWTW_ACC_PORT 2
#define OWTW_ACC_SID 4
#define OWTW_ACC_REFLECTED 20   /* RFC 6038 Reflected octets */
#define OWTW_ACC_SERVER_OCT 22  /* RFC 6038 Server octets */
#define OWTW_STOP_ACCEPT 1
#define OWTW_STOP_NSESS 4
#define OWTW_FACK_FINISHED 1
#define OWTW_FACK_NEXT 4
#define OWTW_FACK_NSKIP 8
#define OWTW_FACK_NREC 12
#define OWTW_N_NSESS 12         /* RFC 5938 Number of Sessions */

/* Facts about the run that the transcripts cannot show, chained from
 * obs->ext under OWTW_OBS_EXT. Absent: every default below. */
#define OWTW_OBS_EXT "owtw-control"
struct owtw_obs_ext {
    struct ippm_obs_ext base;
    uint32_t servwait_s;  /* the server's configured SERVWAIT; 0: 900 */
    uint32_t max_count;   /* the client's maximum PBKDF2 Count; 0: 32768 */
    /* OWAMP-Test packets in mode O, one exchange each (no reply), by who
     * sent them: [IPPM_ROLE_REFLECTOR] the server's send sessions
     * (Conf-Sender), [IPPM_ROLE_SENDER] the client's. req_ns is when the
     * packet was seen, req_ttl its TTL there. */
    const struct ippm_exchange *test[2];
    size_t n_test[2];
    int test_mode;        /* their mode (1, 2, 4: decrypted copies in A
                             and E); 0 as 1 */
    /* A and E: per packet of test[r], 1 its HMAC verified, -1 it failed
     * (NULL: not checked) */
    const int8_t *test_mac[2];
    bool ptp;             /* RFC 8186 timestamps chosen: Z may be 1 */
};

#endif
