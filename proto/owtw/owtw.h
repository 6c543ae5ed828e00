/* The OWAMP/TWAMP control core both protocols share, as perfSONAR's one
 * owamp library serves owampd and twampd: the control messages of
 * RFC 4656 §3 and RFC 5357 §3 with the control parts of the extensions
 * (RFC 5618 mixed mode, RFC 5938 individual session control, RFC 6038
 * reflect octets and symmetrical size, RFC 7717 IKEv2-derived keys,
 * RFC 7750 DSCP/ECN, RFC 8186 PTP timestamps, RFC 9533 micro-sessions).
 *
 * Codecs work on PLAINTEXT: a message is encoded whole, its HMAC fields
 * left zero (the control channel, struct owtw_chan, fills them and
 * encrypts in authenticated and encrypted modes); a decoder reads a
 * decrypted message and ignores its HMAC fields. Decoders report facts
 * (mbz_nonzero, ipvn, command number, counts) and never judge: what a
 * field may hold is the state machine's or the catalogue's call.
 * Variable parts (schedule slots, Stop-Sessions records, SID lists) are
 * views into the caller's buffer, not copies.
 *
 * Pure C11: no I/O, no clock, no allocation (STYLE.md). */
#ifndef OWTW_H
#define OWTW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ippm_crypto.h"
#include "../common/ippm_err.h"
#include "../common/ippm_event.h"
#include "../common/ippm_stream.h"

/* ---- constants ---- */

/* Modes bits, RFC 4656 §3.1 and the TWAMP-Modes registry (RFC 5618 §6.4,
 * RFC 5938 §6.2, RFC 6038 §7.2, RFC 7717 §7 (bit 7), RFC 7750 §3 (bit 8),
 * RFC 8186 §3 (bit 9)). The first three (and MIXED) are the security
 * mode; the others are features that a Set-Up-Response ORs in. */
#define OWTW_MODE_OPEN 1u           /* unauthenticated */
#define OWTW_MODE_AUTH 2u           /* authenticated */
#define OWTW_MODE_ENCRYPTED 4u      /* encrypted */
#define OWTW_MODE_MIXED 8u          /* RFC 5618: encrypted control, open test */
#define OWTW_MODE_INDIV_SESSION 16u /* RFC 5938 Start-N/Stop-N */
#define OWTW_MODE_REFLECT_OCTETS 32u /* RFC 6038 */
#define OWTW_MODE_SYMMETRICAL 64u   /* RFC 6038 symmetrical size */
#define OWTW_MODE_IKEV2 128u        /* RFC 7717 IKEv2-derived key */
#define OWTW_MODE_DSCP_ECN 256u     /* RFC 7750 DSCP and ECN monitoring */
#define OWTW_MODE_PTP 512u          /* RFC 8186 PTPv2 timestamps */
/* The bits that name a security mode: exactly one is chosen. */
#define OWTW_MODE_SECURITY_MASK                                              \
    (OWTW_MODE_OPEN | OWTW_MODE_AUTH | OWTW_MODE_ENCRYPTED | OWTW_MODE_MIXED)

/* Which of the two protocols a connection speaks: they share every
 * message but number some commands differently and TWAMP's Stop-Sessions
 * carries no records (RFC 5357 §3.8). */
enum owtw_proto { OWTW_OWAMP = 0, OWTW_TWAMP = 1 };

/* Command numbers, the first octet of a client command. OWAMP-Control
 * (RFC 4656 §3.4, RFC 9533 §6.1) and TWAMP-Control (RFC 5357 §8.2,
 * RFC 5938 §6.4, RFC 9533 §6.2) keep separate registries: 5 is
 * Request-OW-Micro-Sessions in one and Request-TW-Session in the other. */
enum owtw_cmd {
    OWTW_CMD_REQUEST_SESSION = 1,   /* OWAMP; Forbidden in TWAMP */
    OWTW_CMD_START_SESSIONS = 2,
    OWTW_CMD_STOP_SESSIONS = 3,
    OWTW_CMD_FETCH_SESSION = 4,     /* OWAMP; Reserved in TWAMP */
    OWTW_CMD_REQUEST_OW_MICRO = 5,  /* OWAMP, RFC 9533 §3.1 */
    OWTW_CMD_REQUEST_TW_SESSION = 5, /* TWAMP, RFC 5357 §3.5 */
    OWTW_CMD_EXPERIMENTATION = 6,   /* TWAMP, RFC 5938 §6.3 */
    OWTW_CMD_START_N_SESSIONS = 7,  /* TWAMP, RFC 5938 §3.2 */
    OWTW_CMD_START_N_ACK = 8,
    OWTW_CMD_STOP_N_SESSIONS = 9,
    OWTW_CMD_STOP_N_ACK = 10,
    OWTW_CMD_REQUEST_TW_MICRO = 11  /* TWAMP, RFC 9533 §4.1 */
};

/* Accept values, RFC 4656 §3.3 (6: RFC 7717 §5.3, no IKEv2 SA). A
 * receiver reads every other non-zero value as 1. */
enum owtw_accept {
    OWTW_ACCEPT_OK = 0,
    OWTW_ACCEPT_FAILURE = 1,
    OWTW_ACCEPT_INTERNAL = 2,
    OWTW_ACCEPT_NOT_SUPPORTED = 3,
    OWTW_ACCEPT_PERMANENT = 4, /* permanent resource limitations */
    OWTW_ACCEPT_TEMPORARY = 5, /* temporary resource limitations */
    OWTW_ACCEPT_NO_IKEV2_SA = 6
};

/* Name of an Accept value ("OK", "failure", "internal error", "not
 * supported", "permanent resource limitation", "temporary resource
 * limitation", "no IKEv2 SA"); "reserved" for any other; never NULL. */
const char *owtw_accept_name(uint8_t accept);

/* Sizes in octets. Every control message is a whole number of 16-octet
 * blocks (RFC 4656 §3.4 encrypts it with CBC). */
#define OWTW_BLOCK 16
#define OWTW_HMAC_LEN 16
#define OWTW_SID_LEN 16
#define OWTW_KEYID_LEN 80
#define OWTW_TOKEN_LEN 64
#define OWTW_IV_LEN 16
#define OWTW_CHALLENGE_LEN 16
#define OWTW_SALT_LEN 16
#define OWTW_AES_SK_LEN 16
#define OWTW_HMAC_SK_LEN 32
#define OWTW_GREETING_LEN 64     /* Server-Greeting, RFC 4656 §3.1 */
#define OWTW_SETUP_LEN 164       /* Set-Up-Response */
#define OWTW_SERVER_START_LEN 48 /* Server-Start; octets 32.. are encrypted */
#define OWTW_SERVER_START_CLEAR 32 /* its octets sent in clear */
#define OWTW_REQUEST_BODY_LEN 96 /* Request-Session up to its first HMAC */
#define OWTW_REQUEST_LEN 112     /* ... with the HMAC, no slots (TWAMP) */
#define OWTW_SLOT_LEN 16         /* one schedule slot, RFC 4656 §3.5 */
#define OWTW_ACCEPT_SESSION_LEN 48
#define OWTW_START_LEN 32        /* Start-Sessions */
#define OWTW_START_ACK_LEN 32
#define OWTW_STOP_HDR_LEN 16     /* Stop-Sessions up to its records */
#define OWTW_STOP_TW_LEN 32      /* TWAMP Stop-Sessions: header + HMAC */
#define OWTW_STOP_RECORD_HDR_LEN 24 /* SID, Next Seqno, Number of Skips */
#define OWTW_SKIP_RANGE_LEN 8
#define OWTW_FETCH_LEN 48        /* Fetch-Session */
#define OWTW_FETCH_ACK_LEN 32
#define OWTW_FETCH_RECORD_LEN 25 /* one packet record, RFC 4656 §3.9 */
#define OWTW_NSESSIONS_HDR_LEN 16 /* Start-N/Stop-N(-Ack) up to the SIDs */
/* The smallest Count a Server-Greeting may carry (RFC 4656 §3.1). */
#define OWTW_COUNT_MIN 1024u
/* RFC 5357 §3.1 and §4.2: default SERVWAIT and REFWAIT, seconds. */
#define OWTW_SERVWAIT_DEFAULT_S 900u
#define OWTW_REFWAIT_DEFAULT_S 900u

/* OWAMP/TWAMP's own reasons, in enum ippm_err's protocol range, for
 * CLOSE actions and decoder results. */
#define OWTW_ERR_MODE /* Set-Up-Response Mode not offered / none shared */ \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 0))
#define OWTW_ERR_KEYID /* KeyID names no key we hold */                     \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 1))
#define OWTW_ERR_TOKEN /* Token does not open to our Challenge */           \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 2))
#define OWTW_ERR_COMMAND /* command number not valid here */                \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 3))
#define OWTW_ERR_SERVWAIT /* control connection idle for SERVWAIT */        \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 4))
#define OWTW_ERR_REFWAIT /* no test packet for REFWAIT */                   \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 5))
#define OWTW_ERR_STOP_COUNT /* Stop-Sessions misses or adds a session */    \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 6))
#define OWTW_ERR_SERVER_START /* Server-Start Accept is non-zero */         \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 7))
#define OWTW_ERR_WEAK_COUNT /* greeting Count < 1024 or over our bound */   \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 8))
#define OWTW_ERR_MSG_LEN /* a length field past what the buffer allows */    \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 9))
#define OWTW_ERR_COUNT_ (IPPM_ERR_PROTO_FIRST + 10)

/* ippm_err_str / ippm_err_name that also name OWTW's own reasons. */
const char *owtw_err_str(enum ippm_err e);
const char *owtw_err_name(enum ippm_err e);

/* ---- messages, RFC 4656 §3 / RFC 5357 §3 ----
 * Every encoder writes the whole message into buf (cap octets), HMAC
 * fields zero, sets *written, and returns IPPM_OK or IPPM_ERR_NOSPACE
 * (buf untouched beyond cap; *written unchanged). Every decoder reads a
 * plaintext message of len octets and returns IPPM_OK or IPPM_ERR_SHORT
 * (len below the message's length; *out untouched). Octets after the
 * message are not looked at. */

/* Server-Greeting (64): Unused(12) Modes Challenge Salt Count MBZ(12). */
struct owtw_greeting {
    uint32_t modes;
    uint8_t challenge[OWTW_CHALLENGE_LEN];
    uint8_t salt[OWTW_SALT_LEN];
    uint32_t count;
    bool unused_nonzero; /* the 12 leading Unused octets */
    bool mbz_nonzero;    /* the 12 trailing MBZ octets */
};
enum ippm_err owtw_greeting_encode(uint8_t *buf, size_t cap, size_t *written,
                                   const struct owtw_greeting *m);
enum ippm_err owtw_greeting_decode(struct owtw_greeting *out,
                                   const uint8_t *buf, size_t len);

/* Set-Up-Response (164): Mode KeyID(80) Token(64) Client-IV(16). With
 * OWTW_MODE_IKEV2 the KeyID carries SPIi(8) SPIr(8) (RFC 7717 §5.3). */
struct owtw_setup {
    uint32_t mode;
    uint8_t keyid[OWTW_KEYID_LEN]; /* zero padded */
    uint8_t token[OWTW_TOKEN_LEN];
    uint8_t client_iv[OWTW_IV_LEN];
};
enum ippm_err owtw_setup_encode(uint8_t *buf, size_t cap, size_t *written,
                                const struct owtw_setup *m);
enum ippm_err owtw_setup_decode(struct owtw_setup *out, const uint8_t *buf,
                                size_t len);

/* Server-Start (48): MBZ(15) Accept Server-IV Start-Time MBZ(8). In A/E
 * mode octets 32..47 travel encrypted (the first block of the S->C
 * chain): decode the decrypted message. */
struct owtw_server_start {
    uint8_t accept;
    uint8_t server_iv[OWTW_IV_LEN];
    uint64_t start_time; /* NTP 32.32 */
    bool mbz_nonzero;    /* the first 15 or the last 8 */
};
enum ippm_err owtw_server_start_encode(uint8_t *buf, size_t cap,
                                       size_t *written,
                                       const struct owtw_server_start *m);
enum ippm_err owtw_server_start_decode(struct owtw_server_start *out,
                                       const uint8_t *buf, size_t len);

/* A schedule slot, RFC 4656 §3.5: type 0 waits an exponential time of
 * mean param, type 1 exactly param; param is a 32.32 interval. The one
 * definition: the codec here and the schedule (owtw_test.h) share it. */
enum owtw_slot_type { OWTW_SLOT_EXP = 0, OWTW_SLOT_FIXED = 1 };
struct owtw_slot {
    uint32_t type; /* enum owtw_slot_type; one octet on the wire */
    uint64_t param;
};

/* Request-Session (OWAMP, cmd 1), Request-OW-Micro-Sessions (OWAMP, 5),
 * Request-TW-Session (TWAMP, 5) and Request-TW-Micro-Sessions (TWAMP,
 * 11): one 96-octet body and its HMAC; with n_slots > 0 the slots follow,
 * then a second HMAC (RFC 4656 §3.5). Length: 112 + (n_slots ? 16 *
 * n_slots + 16 : 0). In TWAMP octets 88..91 are the RFC 6038 fields; in
 * OWAMP they are MBZ and decode reports them in mbz_nonzero AND in
 * octets_to_reflect/pad_to_reflect, so a checker sees both. */
struct owtw_request {
    uint8_t cmd;
    uint8_t ipvn;          /* low nibble of octet 1 */
    uint8_t conf_sender;   /* as on the wire (RFC 4656: non-zero is 1) */
    uint8_t conf_receiver;
    uint32_t n_slots;
    uint32_t n_packets;
    uint16_t sender_port;
    uint16_t receiver_port;
    uint8_t sender_addr[16];   /* IPv4: first 4 octets, rest zero */
    uint8_t receiver_addr[16];
    uint8_t sid[OWTW_SID_LEN];
    uint32_t padding_len;
    uint64_t start_time; /* NTP 32.32 */
    uint64_t timeout;    /* NTP 32.32 interval */
    uint32_t type_p;
    uint16_t octets_to_reflect; /* RFC 6038 §4.2 */
    uint16_t pad_to_reflect;    /* RFC 6038: Length of padding to reflect */
    /* decode: the n_slots * 16 octets of slots in buf (NULL when none);
     * owtw_slot_decode reads one. encode: ignored (slots are passed). */
    const uint8_t *slots;
    bool mbz_nonzero;      /* MBZ nibble, MBZ(8) (OWAMP) or MBZ(4) (TWAMP) */
    bool addr_mbz_nonzero; /* IPVN 4 only: the 12 octets after an address */
};
/* The whole message's length for a request whose body says n_slots. */
size_t owtw_request_len(uint32_t n_slots);
/* Encodes req and its n_slots slots (slots may be NULL when 0). proto
 * picks where the RFC 6038 octets go: TWAMP writes them, OWAMP zeros. */
enum ippm_err owtw_request_encode(uint8_t *buf, size_t cap, size_t *written,
                                  enum owtw_proto proto,
                                  const struct owtw_request *req,
                                  const struct owtw_slot *slots);
/* Decodes the whole request (owtw_request_len(n_slots) octets). */
enum ippm_err owtw_request_decode(struct owtw_request *out,
                                  const uint8_t *buf, size_t len);
/* Slot i (< n_slots) of a decoded request's slots view; returns true
 * when its 7 MBZ octets are not all zero (a fact, not a verdict). */
bool owtw_slot_decode(struct owtw_slot *out, const uint8_t *slots,
                      uint32_t i);

/* The Type-P Descriptor of a request (RFC 4656 §3.5): when its first two
 * bits are 00 the next six are the DSCP, so DSCP 46 is 0x2e000000 (as
 * twping -D 46 sends it); 01 starts a 16-bit PHB ID. */
uint32_t owtw_type_p_from_dscp(uint8_t dscp);

/* The DSCP a Type-P Descriptor asks for, -1 when it is not of the DSCP
 * form (a PHB ID, or the reserved forms 10 and 11). */
int owtw_type_p_dscp(uint32_t type_p);

/* A SID as RFC 4656 §3.5 builds it: the 4-octet IPv4 address of the
 * machine that makes it (the session receiver's, as perfSONAR does:
 * notes §4.9), the 8-octet timestamp, 4 random octets. */
void owtw_sid_make(uint8_t sid[OWTW_SID_LEN], const uint8_t ipv4[4],
                   uint64_t ntp_ts, const uint8_t rnd[4]);

/* Accept-Session (48): Accept MBZ Port SID, then Reflected octets and
 * Server octets (RFC 6038 §4.3; MBZ in OWAMP) and MBZ(8). */
struct owtw_accept_session {
    uint8_t accept;
    uint16_t port;
    uint8_t sid[OWTW_SID_LEN];
    uint16_t reflected_octets;
    uint16_t server_octets;
    bool mbz_nonzero; /* octet 1 and the last 8 before the HMAC */
};
enum ippm_err owtw_accept_session_encode(uint8_t *buf, size_t cap,
                                         size_t *written,
                                         const struct owtw_accept_session *m);
enum ippm_err owtw_accept_session_decode(struct owtw_accept_session *out,
                                         const uint8_t *buf, size_t len);

/* Start-Sessions (32): 2 MBZ(15) HMAC. */
struct owtw_start {
    uint8_t cmd;
    bool mbz_nonzero;
};
enum ippm_err owtw_start_encode(uint8_t *buf, size_t cap, size_t *written);
enum ippm_err owtw_start_decode(struct owtw_start *out, const uint8_t *buf,
                                size_t len);

/* Start-Ack (32): Accept MBZ(15) HMAC. */
struct owtw_start_ack {
    uint8_t accept;
    bool mbz_nonzero;
};
enum ippm_err owtw_start_ack_encode(uint8_t *buf, size_t cap, size_t *written,
                                    const struct owtw_start_ack *m);
enum ippm_err owtw_start_ack_decode(struct owtw_start_ack *out,
                                    const uint8_t *buf, size_t len);

/* One session description record of an OWAMP Stop-Sessions (RFC 4656
 * §3.8): SID, Next Seqno, Number of Skip Ranges, the ranges, zero
 * padding to a block. */
struct owtw_stop_record {
    uint8_t sid[OWTW_SID_LEN];
    uint32_t next_seqno;
    uint32_t n_skips;
    const uint8_t *skips; /* decode: n_skips * 8 octets (first, last) */
    bool pad_nonzero;
};
/* Octets of a record with n_skips ranges, padded to a block. */
size_t owtw_stop_record_len(uint32_t n_skips);

/* Stop-Sessions: 3 Accept MBZ(2) Number-of-Sessions MBZ(8), then (OWAMP)
 * the records, then HMAC. TWAMP's carries no records whatever Number of
 * Sessions says (RFC 5357 §3.8): 32 octets. */
struct owtw_stop {
    uint8_t cmd;
    uint8_t accept;
    uint32_t n_sessions;
    const uint8_t *records; /* decode, OWAMP: the records' octets */
    size_t records_len;
    bool mbz_nonzero;
};
/* Encodes the header, then (OWAMP) n_sessions records from recs, each
 * with its skips (struct owtw_stop_record.skips: n_skips * 8 octets, as
 * on the wire), then the HMAC. TWAMP: recs ignored. */
enum ippm_err owtw_stop_encode(uint8_t *buf, size_t cap, size_t *written,
                               enum owtw_proto proto,
                               const struct owtw_stop *m,
                               const struct owtw_stop_record *recs);
/* Decodes a whole Stop-Sessions (owtw_msg_len tells its length). */
enum ippm_err owtw_stop_decode(struct owtw_stop *out, enum owtw_proto proto,
                               const uint8_t *buf, size_t len);
/* Walks the records: *off starts at 0; each call decodes the record at
 * *off in m->records and advances it. IPPM_OK, or IPPM_ERR_SHORT when no
 * whole record is left. */
enum ippm_err owtw_stop_record_next(const struct owtw_stop *m, size_t *off,
                                    struct owtw_stop_record *out);

/* Fetch-Session (48): 4 MBZ(7) Begin-Seq End-Seq SID HMAC. */
struct owtw_fetch {
    uint8_t cmd;
    uint32_t begin_seq;
    uint32_t end_seq; /* 0 .. 0xffffffff: the whole session */
    uint8_t sid[OWTW_SID_LEN];
    bool mbz_nonzero;
};
enum ippm_err owtw_fetch_encode(uint8_t *buf, size_t cap, size_t *written,
                                const struct owtw_fetch *m);
enum ippm_err owtw_fetch_decode(struct owtw_fetch *out, const uint8_t *buf,
                                size_t len);

/* Fetch-Ack (32): Accept Finished MBZ(2) Next-Seqno Skips Records HMAC.
 * On Accept 0 the server goes on (RFC 4656 §3.9): the reproduced request
 * (owtw_request_*), owtw_fetch_skips_len(n_skips) octets of skip ranges
 * padded and MACed, owtw_fetch_records_len(n_records) octets of records
 * padded and MACed (the record codec is the test layer's, owtw_test.h). */
struct owtw_fetch_ack {
    uint8_t accept;
    uint8_t finished;
    uint32_t next_seqno;
    uint32_t n_skips;
    uint32_t n_records;
    bool mbz_nonzero;
};
enum ippm_err owtw_fetch_ack_encode(uint8_t *buf, size_t cap, size_t *written,
                                    const struct owtw_fetch_ack *m);
enum ippm_err owtw_fetch_ack_decode(struct owtw_fetch_ack *out,
                                    const uint8_t *buf, size_t len);
/* n_skips ranges padded to a block, then the HMAC block (16 even when 0:
 * perfSONAR MACs zero octets, notes §4.12). */
uint64_t owtw_fetch_skips_len(uint32_t n_skips);
/* n_records 25-octet records padded to a block, then the HMAC block. */
uint64_t owtw_fetch_records_len(uint32_t n_records);

/* Start-N-Sessions (7), Start-N-Ack (8), Stop-N-Sessions (9), Stop-N-Ack
 * (10), RFC 5938 §3.2-3.5: cmd, Accept (acks; MBZ in the others),
 * MBZ, Number of Sessions at octet 12, the SIDs, HMAC. Length: 16 + 16 *
 * n_sessions + 16. */
struct owtw_nsessions {
    uint8_t cmd;
    uint8_t accept;        /* acks; decode of 7/9: octet 1 (MBZ there) */
    uint32_t n_sessions;
    const uint8_t *sids;   /* n_sessions * 16 octets, a view */
    bool mbz_nonzero;
};
size_t owtw_nsessions_len(uint32_t n_sessions);
enum ippm_err owtw_nsessions_encode(uint8_t *buf, size_t cap, size_t *written,
                                    const struct owtw_nsessions *m);
enum ippm_err owtw_nsessions_decode(struct owtw_nsessions *out,
                                    const uint8_t *buf, size_t len);

/* ---- message kinds, lengths, layout table ---- */

enum owtw_msg {
    OWTW_MSG_GREETING,
    OWTW_MSG_SETUP,
    OWTW_MSG_SERVER_START,
    OWTW_MSG_REQUEST,        /* OWAMP Request-Session / micro (96+HMAC) */
    OWTW_MSG_REQUEST_TW,     /* TWAMP Request-TW-Session / micro */
    OWTW_MSG_ACCEPT_SESSION,
    OWTW_MSG_START,
    OWTW_MSG_START_ACK,
    OWTW_MSG_STOP,           /* OWAMP: header (records follow) */
    OWTW_MSG_STOP_TW,        /* TWAMP: 32 octets */
    OWTW_MSG_FETCH,
    OWTW_MSG_FETCH_ACK,
    OWTW_MSG_NSESSIONS,      /* Start-N/Stop-N(-Ack): header (SIDs follow) */
    OWTW_MSG_SLOT,
    OWTW_MSG_STOP_RECORD,    /* the 24-octet record header */
    OWTW_MSG_FETCH_SKIPS,    /* Fetch reply: skip ranges, pad, HMAC */
    OWTW_MSG_FETCH_RECORDS,  /* Fetch reply: records, pad, HMAC */
    OWTW_MSG_COUNT_
};

/* The length of the message of this kind that begins buf (have octets
 * of it in plaintext): IPPM_OK and
 * *total when the octets so far tell it; IPPM_ERR_AGAIN and *total = how
 * many octets must be had before it can tell more (Stop-Sessions walks
 * its records one by one); OWTW_ERR_MSG_LEN when a count makes it larger
 * than max (then *total is that length, saturated at SIZE_MAX). Fixed
 * kinds answer at once; the Fetch reply's skips and records take their
 * length from the Fetch-Ack (owtw_fetch_*_len): IPPM_ERR_BAD_ARG. */
enum ippm_err owtw_msg_len(enum owtw_msg kind, const uint8_t *buf,
                           size_t have, size_t max, size_t *total);

/* A field of a message: offset and length; len 0: no such field. */
struct owtw_span {
    uint16_t off;
    uint16_t len;
};

#define OWTW_LAYOUT_FIELDS_MAX 20

/* Where every field of a message's fixed part sits. MBZ runs are named
 * "mbz", HMAC fields "hmac". */
struct owtw_layout {
    enum owtw_msg kind;
    const char *msg_name;   /* "Server-Greeting" ... */
    uint16_t len;           /* the fixed part, HMAC included if any */
    uint8_t n_fields;
    const char *name[OWTW_LAYOUT_FIELDS_MAX];
    struct owtw_span field[OWTW_LAYOUT_FIELDS_MAX];
};

/* The layout of kind; never NULL for kind < OWTW_MSG_COUNT_. */
const struct owtw_layout *owtw_layout_get(enum owtw_msg kind);

/* The first field of l named by the n octets at name; IPPM_ERR_BAD_ARG
 * when there is none. */
enum ippm_err owtw_layout_find(const struct owtw_layout *l, const char *name,
                               size_t n, struct owtw_span *out);

/* ---- control crypto, RFC 4656 §3.1, §3.2, §3.4, RFC 5357 §3.2 ----
 * Through proto/common/ippm_crypto.h only (the driver's backend). */

/* The shared secret's key: PBKDF2 with HMAC-SHA1 over the passphrase
 * octets (not their hex spelling) with the greeting's Salt and Count,
 * 16 octets (RFC 4656 §3.1 gives no length; perfSONAR derives one
 * AES-128 key, notes §4.1-4.2). Returns IPPM_OK, IPPM_ERR_BAD_ARG (Count
 * 0), IPPM_ERR_NO_KEY (no backend), IPPM_ERR_CRYPTO. */
enum ippm_err owtw_derive_key(const struct ippm_crypto *crypto,
                              const uint8_t *pass, size_t pass_len,
                              const uint8_t salt[OWTW_SALT_LEN],
                              uint32_t count, uint8_t key[OWTW_AES_SK_LEN]);

/* The session keys a Token carries. */
struct owtw_session_keys {
    uint8_t aes_sk[OWTW_AES_SK_LEN];
    uint8_t hmac_sk[OWTW_HMAC_SK_LEN];
};

/* Token = AES-128-CBC(key, IV 0) of Challenge ‖ AES-SK ‖ HMAC-SK
 * (RFC 4656 §3.1). Returns as owtw_derive_key. */
enum ippm_err owtw_token_make(const struct ippm_crypto *crypto,
                              const uint8_t key[OWTW_AES_SK_LEN],
                              const uint8_t challenge[OWTW_CHALLENGE_LEN],
                              const struct owtw_session_keys *sk,
                              uint8_t token[OWTW_TOKEN_LEN]);

/* Opens a Token with key: IPPM_OK and *sk when its first block is our
 * challenge (compared in constant time), OWTW_ERR_TOKEN when not (*sk
 * untouched), IPPM_ERR_NO_KEY, IPPM_ERR_CRYPTO. */
enum ippm_err owtw_token_open(const struct ippm_crypto *crypto,
                              const uint8_t key[OWTW_AES_SK_LEN],
                              const uint8_t token[OWTW_TOKEN_LEN],
                              const uint8_t challenge[OWTW_CHALLENGE_LEN],
                              struct owtw_session_keys *sk);

/* One direction of a control connection (RFC 4656 §3.4): one CBC chain
 * under AES-SK, never reset, its IV the Client-IV (C->S, from the first
 * octet after Set-Up-Response) or the Server-IV (S->C, from Server-Start
 * octet 32); and an HMAC-SHA1 under HMAC-SK, truncated to 16 octets, over
 * the plaintext since the previous MAC of this direction (RFC 4656 §3.2),
 * the MAC written in plaintext and then encrypted with the stream. In
 * unauthenticated mode the channel is the identity and leaves HMAC
 * fields zero. Authenticated and encrypted mode (and mixed, RFC 5618)
 * treat control the same (RFC 4656 §3.4); only test packets differ.
 * Holds its own key contexts: free it with owtw_chan_free. */
struct owtw_chan {
    bool secure;
    bool mac_started;       /* an HMAC message is open */
    struct ippm_aes_key aes;
    struct ippm_hmac_key hmac;
    uint8_t iv[OWTW_IV_LEN]; /* the last ciphertext block sent/received */
    uint64_t macs;           /* MACs sealed or verified */
    uint64_t mac_covered;    /* octets covered by the open MAC so far */
};

/* An unauthenticated channel (mode 1): the identity. */
void owtw_chan_init_open(struct owtw_chan *ch);

/* A secure channel under sk with this IV. Returns IPPM_OK,
 * IPPM_ERR_NO_KEY, IPPM_ERR_CRYPTO (ch then left open-mode and free). */
enum ippm_err owtw_chan_init(struct owtw_chan *ch,
                             const struct ippm_crypto *crypto,
                             const struct owtw_session_keys *sk,
                             const uint8_t iv[OWTW_IV_LEN]);

/* Releases the key contexts; ch may be open-mode or zeroed. */
void owtw_chan_free(struct owtw_chan *ch);

/* The offsets of a plaintext message's HMAC blocks (at most 4): every
 * kind ends with one; a request with slots has two (RFC 4656 §3.5).
 * Returns how many it wrote into mac_off. */
size_t owtw_msg_macs(enum owtw_msg kind, const uint8_t *plain, size_t len,
                     size_t mac_off[4]);

/* Seals len octets (a multiple of 16) of plaintext in place: the blocks
 * at the n_macs offsets of mac_off (ascending) get the MAC of what this
 * direction sent since the previous MAC; everything is then encrypted
 * with the chain. n_macs 0: data only (Server-Start's Start-Time block,
 * which the next MAC covers, notes §4.4). Returns IPPM_OK,
 * IPPM_ERR_BAD_ARG (len or an offset not on a block), IPPM_ERR_CRYPTO. */
enum ippm_err owtw_chan_seal(struct owtw_chan *ch, uint8_t *buf, size_t len,
                             const size_t *mac_off, size_t n_macs);

/* Opens one received block: decrypts in into out (may be the same) and,
 * when is_mac, checks it against the MAC of the plaintext since the
 * previous MAC: IPPM_OK, IPPM_ERR_HMAC (the MAC differs; a fatal control
 * error for the caller), IPPM_ERR_CRYPTO. Open mode: a copy, no check.
 * A receiver opens a message's first block, learns its length
 * (owtw_msg_len), then opens the rest as it arrives. */
enum ippm_err owtw_chan_open_block(struct owtw_chan *ch,
                                   const uint8_t in[OWTW_BLOCK],
                                   uint8_t out[OWTW_BLOCK], bool is_mac);

/* A control message being received through a channel, block by block,
 * into the caller's plaintext buffer: its first block tells its length
 * (owtw_msg_len), the blocks at owtw_msg_macs offsets are checked MACs. */
struct owtw_rx {
    enum owtw_msg kind;
    bool command;   /* kind to learn from the first octet (a command) */
    enum owtw_proto proto;
    uint8_t *plain; /* the caller's */
    size_t cap;
    size_t have;    /* octets opened so far */
    size_t total;   /* 0 until known */
    size_t mac_off[4];
    size_t n_macs;
};

/* Prepares rx over the caller's buffer, expecting nothing yet. */
void owtw_rx_init(struct owtw_rx *rx, uint8_t *plain, size_t cap);

/* Expects a message of kind next; total 0 learns its length from its
 * blocks, otherwise total octets (the Fetch reply's skips and records). */
void owtw_rx_expect(struct owtw_rx *rx, enum owtw_msg kind, size_t total);

/* Expects a client command of proto next: its kind comes from the
 * command number in its first block (owtw_cmd_msg); a number proto does
 * not know makes owtw_rx_take answer OWTW_ERR_COMMAND, rx->plain[0]
 * holding it. */
void owtw_rx_expect_command(struct owtw_rx *rx, enum owtw_proto proto);

/* The message kind a client command number starts in proto (RFC 4656
 * §3.4, RFC 5357 §3.4, RFC 5938, RFC 9533), OWTW_MSG_COUNT_ for a number
 * the protocol does not define as a client command (TWAMP's 1
 * Forbidden, 4 Reserved, 6 Experimentation). */
enum owtw_msg owtw_cmd_msg(enum owtw_proto proto, uint8_t cmd);

/* Opens as many of the expected message's blocks as s holds, consuming
 * them: IPPM_OK when the whole message is in rx->plain[0..rx->total),
 * IPPM_ERR_AGAIN (need more octets), IPPM_ERR_HMAC, OWTW_ERR_MSG_LEN
 * (longer than cap), IPPM_ERR_CRYPTO. */
enum ippm_err owtw_rx_take(struct owtw_rx *rx, struct owtw_chan *ch,
                           struct ippm_stream *s);

/* ---- the control state machines, server and client ----
 * On the event contract of proto/common/ippm_event.h: BYTES (the peer's
 * octets, any split; at most owtw_*_room() of them per event), CLOSED,
 * TIMER (the machine's deadline has passed) and STOP in; one struct
 * owtw_action out per call. Its io part is IPPM_ACT_NONE, SEND_BYTES
 * (io.len octets at the start of the caller's tx buffer) or CLOSE (io.why:
 * IPPM_OK, an IPPM_ERR_* or an OWTW_ERR_* reason); its note tells the
 * driver what happened and, for the server's REQUEST, START, FETCH,
 * START_N and STOP_N, that it must answer with the owtw_server_* call
 * named there before the machine reads further. When a note comes with
 * a SEND, act on the note, then send. A machine that has more buffered
 * work than one action carries keeps its deadline at 0, so the driver
 * sends TIMER again at once. No allocation: the caller owns the struct,
 * its buffers and its session array; time comes in the events. */

/* The caller's memory for one connection. in holds octets received and
 * not yet opened (>= OWTW_IN_MIN); plain one decrypted message (>=
 * OWTW_PLAIN_MIN; a request's slots and a Stop-Sessions' records must
 * fit, or the connection closes with OWTW_ERR_MSG_LEN); tx what the
 * machine asks to send: >= OWTW_TX_MIN; a Fetch reply's records go in
 * chunks of what fits. sessions: the test sessions this connection may
 * hold at once (RFC 4656 §3.5 sets no bound; we do). */
struct owtw_bufs {
    uint8_t *in;
    size_t in_cap;
    uint8_t *plain;
    size_t plain_cap;
    uint8_t *tx;
    size_t tx_cap;
    struct owtw_session *sessions;
    size_t max_sessions;
};
#define OWTW_IN_MIN 256
#define OWTW_PLAIN_MIN 256
#define OWTW_TX_MIN 256

enum owtw_sess_state {
    OWTW_SESS_FREE = 0,
    OWTW_SESS_PENDING,  /* requested; the server's driver decides */
    OWTW_SESS_ACCEPTED, /* Accept-Session said 0 */
    OWTW_SESS_STARTED,  /* Start-Ack / Start-N-Ack said 0 */
    OWTW_SESS_STOPPED
};

/* One test session of the connection, as the control protocol knows it;
 * the driver keeps the rest (sockets, schedule, results) by index. */
struct owtw_session {
    enum owtw_sess_state state;
    uint8_t sid[OWTW_SID_LEN];
    uint16_t port;         /* the Accept-Session Port */
    bool conf_sender;      /* the server is the sender (OWAMP) */
    bool conf_receiver;    /* the server receives (OWAMP) */
    uint32_t n_packets;
};

enum owtw_note {
    OWTW_NOTE_NONE = 0,
    /* server */
    OWTW_NOTE_REQUEST,  /* act.request (+ slots view), act.session: answer
                         * with owtw_server_accept */
    OWTW_NOTE_START,    /* Start-Sessions: answer with owtw_server_start_ack */
    OWTW_NOTE_STOP,     /* the peer's Stop-Sessions (act.stop; OWAMP
                         * records view); server, OWAMP: send yours with
                         * owtw_server_stop unless sent */
    OWTW_NOTE_FETCH,    /* act.fetch: owtw_server_fetch_ack, then
                         * owtw_server_fetch_records */
    OWTW_NOTE_START_N,  /* act.nsessions: owtw_server_nsessions_ack */
    OWTW_NOTE_STOP_N,   /* act.nsessions: owtw_server_nsessions_ack */
    OWTW_NOTE_REFWAIT,  /* no test activity for REFWAIT: the sessions are
                         * over (RFC 5357 §4.2), SERVWAIT resumes */
    /* client */
    OWTW_NOTE_READY,    /* Server-Start accepted: act.mode chosen */
    OWTW_NOTE_ACCEPT,   /* act.accept, act.session (-1 when refused) */
    OWTW_NOTE_START_ACK, /* act.start_ack */
    OWTW_NOTE_NSESSIONS_ACK, /* act.nsessions (Start-N-Ack / Stop-N-Ack) */
    OWTW_NOTE_FETCH_ACK, /* act.fetch_ack; on Accept 0 the reply follows */
    OWTW_NOTE_FETCH_REQUEST, /* act.request: the reproduced request */
    OWTW_NOTE_FETCH_SKIPS,   /* act.view: n skip ranges of 8 octets */
    OWTW_NOTE_FETCH_RECORDS, /* act.view: act.n_records records of 25
                              * octets; act.last on the final chunk */
    OWTW_NOTE_RAW            /* the reply to owtw_client_send_raw:
                              * act.view, its plaintext */
};

struct owtw_action {
    struct ippm_action io;
    enum owtw_note note;
    int session;       /* index in the session array, -1: none */
    uint32_t mode;     /* READY */
    struct owtw_request request;
    struct owtw_stop stop;
    struct owtw_fetch fetch;
    struct owtw_fetch_ack fetch_ack;
    struct owtw_accept_session accept;
    struct owtw_start_ack start_ack;
    struct owtw_nsessions nsessions;
    const uint8_t *view; /* valid until the next call on the machine */
    size_t view_len;
    uint32_t n_records;
    bool last;
};

/* A key the server knows: KeyID (up to 80 octets) and the shared secret
 * (the passphrase octets, RFC 4656 §3.1). With OWTW_MODE_IKEV2 the KeyID
 * is SPIi ‖ SPIr (16 octets) and the secret the configured key (RFC 7717:
 * no IKEv2 daemon here). */
struct owtw_key {
    const uint8_t *keyid;
    size_t keyid_len;
    const uint8_t *secret;
    size_t secret_len;
};

/* Connection state both roles share (read-only for drivers). */
struct owtw_conn {
    enum owtw_proto proto;
    const struct ippm_crypto *crypto;
    int state;
    uint32_t mode;          /* the Set-Up-Response Mode word */
    struct owtw_chan tx, rx;
    struct ippm_stream in;
    struct owtw_rx msg;
    struct owtw_bufs bufs;
    enum ippm_err close_why; /* sticky once closed or closing */
    bool close_pending;      /* CLOSE after the SEND just made */
    uint64_t last_rx_ns;     /* SERVWAIT / reply timeout base */
    uint64_t timeout_ns;
    bool stop_sent, stop_received;
    uint32_t fetch_skips, fetch_records, fetch_left; /* Fetch reply */
    uint64_t fetch_data_left; /* record-area octets not yet sent/opened */
    size_t carry;           /* Fetch records: octets held back */
    size_t carry_done;      /* client: octets of carry already delivered */
    uint8_t tail[OWTW_BLOCK]; /* server: records short of a block */
    uint32_t acks_left;     /* SIDs not yet acknowledged (RFC 5938) */
    bool active;            /* conducting active measurements (§3.4) */
    bool more;              /* buffered work: deadline 0 */
    bool receiving;         /* msg holds a message begun, not yet taken */
    struct owtw_session_keys sk; /* the Token's keys; zero in open mode */
    bool clock;             /* last_rx_ns is set: an event came */
};

/* The session keys the connection's Token carried (all zero in open
 * mode): the test sessions' keys derive from them with each SID
 * (owtw_test_key_octets, RFC 4656 §4.1.2). */
const struct owtw_session_keys *owtw_conn_keys(const struct owtw_conn *c);

/* The test-packet mode a connection's Mode word sets: its security bit,
 * except mixed (RFC 5618: "Unauthenticated TEST, Encrypted CONTROL"),
 * which tests unauthenticated. OWTW_MODE_OPEN, _AUTH or _ENCRYPTED (the
 * values of owtw_test.h's enum owtw_test_mode); 0 when it names none. */
uint32_t owtw_test_security(uint32_t mode);

struct owtw_server_cfg {
    enum owtw_proto proto;
    uint32_t modes;            /* offered in the greeting */
    uint32_t count;            /* PBKDF2 Count, >= 1024, a power of 2 */
    uint64_t start_time;       /* Server-Start Start-Time, NTP 32.32 */
    const struct owtw_key *keys;
    size_t n_keys;
    const struct ippm_crypto *crypto;
    uint64_t servwait_ns;      /* 0: OWTW_SERVWAIT_DEFAULT_S */
    uint64_t refwait_ns;       /* 0: OWTW_REFWAIT_DEFAULT_S */
};

/* The server's random octets for one connection (from ippm_random; a
 * test injects a capture's). Server-IV is sent as zeros in open mode. */
struct owtw_server_random {
    uint8_t challenge[OWTW_CHALLENGE_LEN];
    uint8_t salt[OWTW_SALT_LEN];
    uint8_t server_iv[OWTW_IV_LEN];
};

struct owtw_server {
    struct owtw_conn c;
    struct owtw_server_cfg cfg;
    struct owtw_server_random rnd;
    uint64_t last_test_ns;    /* REFWAIT base */
    int pending;              /* session index awaiting owtw_server_accept */
    uint8_t ns_cmd;           /* the Start-N/Stop-N being answered */
};

/* Prepares a server connection; its deadline is 0 so that the first
 * TIMER (or any event) sends the Server-Greeting. cfg->keys and bufs stay
 * the caller's for the connection's life. */
void owtw_server_init(struct owtw_server *s, const struct owtw_server_cfg *cfg,
                      const struct owtw_bufs *bufs,
                      const struct owtw_server_random *rnd);

/* Releases the channel key contexts. */
void owtw_server_free(struct owtw_server *s);

/* Feeds one event. Returns IPPM_OK (act says what to do), or the fatal
 * reason it also puts in a CLOSE action. A closed machine answers CLOSE
 * with its first reason again. Refusals of setup (Mode not offered:
 * OWTW_ERR_MODE; OWTW_ERR_KEYID; OWTW_ERR_TOKEN) first send a Server-Start
 * with a non-zero Accept, and a TWAMP command number the protocol does
 * not expect first gets an Accept-Session with Accept 3 (RFC 5357 §3.5);
 * the CLOSE comes with the next event (deadline 0). The machine answers
 * by itself, without a note, a TWAMP request with Conf-Sender/Receiver
 * set (Accept 3) and a request beyond the session array (Accept 5).
 * Reasons: OWTW_ERR_MODE, OWTW_ERR_KEYID, OWTW_ERR_TOKEN,
 * OWTW_ERR_COMMAND (a command number unknown, or a command not valid
 * now), IPPM_ERR_HMAC, OWTW_ERR_MSG_LEN,
 * OWTW_ERR_STOP_COUNT, OWTW_ERR_SERVWAIT, IPPM_ERR_PEER_CLOSED,
 * IPPM_ERR_TOO_LONG (more octets than owtw_server_room), IPPM_ERR_CRYPTO,
 * IPPM_ERR_NOSPACE (tx too small), IPPM_OK (STOP). */
enum ippm_err owtw_server_handle(struct owtw_server *s,
                                 const struct ippm_event *ev,
                                 struct owtw_action *act);

/* When the driver must send TIMER (UINT64_MAX: never). */
uint64_t owtw_server_deadline(const struct owtw_server *s);

/* Octets the next BYTES event may carry. */
size_t owtw_server_room(const struct owtw_server *s);

/* Answers the REQUEST note: Accept-Session with ans->accept, ->port,
 * ->sid (the driver makes the SID, RFC 4656 §3.5) and the RFC 6038
 * octets; on Accept 0 the session is kept. act: SEND. These answer calls
 * return IPPM_OK, IPPM_ERR_STATE (nothing to answer), IPPM_ERR_NOSPACE,
 * IPPM_ERR_CRYPTO. */
enum ippm_err owtw_server_accept(struct owtw_server *s, uint64_t now_ns,
                                 const struct owtw_accept_session *ans,
                                 struct owtw_action *act);

/* Answers the START note with Start-Ack; Accept 0 starts every accepted
 * session and suspends SERVWAIT (RFC 5357 §3.1). */
enum ippm_err owtw_server_start_ack(struct owtw_server *s, uint64_t now_ns,
                                    uint8_t accept, struct owtw_action *act);

/* Sends the server's Stop-Sessions (OWAMP: one record per send session,
 * RFC 4656 §3.8); at the end of its sessions or after the STOP note. */
enum ippm_err owtw_server_stop(struct owtw_server *s, uint64_t now_ns,
                               uint8_t accept,
                               const struct owtw_stop_record *recs,
                               uint32_t n_recs, struct owtw_action *act);

/* Answers the FETCH note (RFC 4656 §3.9): the Fetch-Ack and, on Accept
 * 0, the reproduced request (repro with its slots, the actual ports in
 * it) and the skip ranges (ack->n_skips of 8 octets, as on the wire);
 * then owtw_server_fetch_records until last. */
enum ippm_err owtw_server_fetch_ack(struct owtw_server *s, uint64_t now_ns,
                                    const struct owtw_fetch_ack *ack,
                                    const struct owtw_request *repro,
                                    const struct owtw_slot *slots,
                                    const uint8_t *skips,
                                    struct owtw_action *act);

/* n more packet records (25 octets each, as on the wire); last pads and
 * MACs the record area. All calls together give ack->n_records. */
enum ippm_err owtw_server_fetch_records(struct owtw_server *s, uint64_t now_ns,
                                        const uint8_t *records, uint32_t n,
                                        bool last, struct owtw_action *act);

/* Answers START_N / STOP_N (RFC 5938 §3.3, §3.5) with one ack (cmd 8 or
 * 10) for n of the SIDs; call again for SIDs with another Accept. */
enum ippm_err owtw_server_nsessions_ack(struct owtw_server *s,
                                        uint64_t now_ns, uint8_t cmd,
                                        uint8_t accept, const uint8_t *sids,
                                        uint32_t n, struct owtw_action *act);

/* The driver received (or, for a session the server sends, sent) a test
 * packet of this connection's sessions: REFWAIT (RFC 5357 §4.2) counts
 * from the last one, and ends the sessions after refwait_ns without. */
void owtw_server_test_activity(struct owtw_server *s, uint64_t now_ns);

struct owtw_client_cfg {
    enum owtw_proto proto;
    uint32_t modes;        /* security modes acceptable (the strongest the
                            * server offers wins: E, A, mixed, open) and
                            * features wanted if offered */
    const uint8_t *keyid;  /* up to 80 octets; A/E/mixed only */
    size_t keyid_len;
    const uint8_t *secret;
    size_t secret_len;
    const struct ippm_crypto *crypto;
    uint32_t max_count;    /* highest greeting Count accepted; 0: 1 << 20 */
    uint64_t timeout_ns;   /* a reply's wait; 0: 30 s */
};

/* The client's random octets for one connection. */
struct owtw_client_random {
    struct owtw_session_keys sk;
    uint8_t client_iv[OWTW_IV_LEN];
};

struct owtw_client {
    struct owtw_conn c;
    struct owtw_client_cfg cfg;
    struct owtw_client_random rnd;
    int pending;             /* session index of the request in flight */
    uint8_t last_cmd;        /* the command whose reply is awaited */
    enum owtw_msg raw_reply; /* owtw_client_send_raw's reply kind */
    uint32_t force_mode;     /* owtw_client_force_mode */
};

/* Prepares a client connection awaiting the Server-Greeting. */
void owtw_client_init(struct owtw_client *c, const struct owtw_client_cfg *cfg,
                      const struct owtw_bufs *bufs,
                      const struct owtw_client_random *rnd);
void owtw_client_free(struct owtw_client *c);

/* As owtw_server_handle. Reasons: OWTW_ERR_MODE (no acceptable mode
 * offered), OWTW_ERR_WEAK_COUNT, OWTW_ERR_SERVER_START, IPPM_ERR_HMAC,
 * IPPM_ERR_REFUSED (after a START_ACK note with a non-zero Accept: RFC
 * 4656 §3.7, the client SHOULD close), OWTW_ERR_STOP_COUNT (the
 * server's Stop-Sessions does not count its send sessions, §3.8),
 * OWTW_ERR_MSG_LEN, IPPM_ERR_TIMEOUT (no reply in timeout_ns),
 * IPPM_ERR_PEER_CLOSED, OWTW_ERR_COMMAND (a server message where none
 * was due), IPPM_ERR_TOO_LONG, IPPM_ERR_CRYPTO, IPPM_ERR_NOSPACE,
 * IPPM_OK (STOP). */
enum ippm_err owtw_client_handle(struct owtw_client *c,
                                 const struct ippm_event *ev,
                                 struct owtw_action *act);
/* The reply timeout counts from the client's last send or receipt, and
 * before the greeting from its first event: until an event (a TIMER at
 * connect time, or the greeting's octets) the deadline is UINT64_MAX. */
uint64_t owtw_client_deadline(const struct owtw_client *c);
size_t owtw_client_room(const struct owtw_client *c);

/* Commands, valid after READY and when no reply is awaited. Each makes a
 * SEND and returns IPPM_OK, IPPM_ERR_STATE, IPPM_ERR_SESSION_FULL
 * (request: no free session), IPPM_ERR_NOSPACE, IPPM_ERR_CRYPTO. */
enum ippm_err owtw_client_request(struct owtw_client *c, uint64_t now_ns,
                                  const struct owtw_request *req,
                                  const struct owtw_slot *slots,
                                  struct owtw_action *act);
enum ippm_err owtw_client_start(struct owtw_client *c, uint64_t now_ns,
                                struct owtw_action *act);
/* OWAMP: records of the client's send sessions; TWAMP: n_recs is sent as
 * Number of Sessions, recs ignored. */
enum ippm_err owtw_client_stop(struct owtw_client *c, uint64_t now_ns,
                               uint8_t accept,
                               const struct owtw_stop_record *recs,
                               uint32_t n_recs, struct owtw_action *act);
enum ippm_err owtw_client_fetch(struct owtw_client *c, uint64_t now_ns,
                                const struct owtw_fetch *f,
                                struct owtw_action *act);
/* Start-N-Sessions (7) or Stop-N-Sessions (9) for n SIDs (RFC 5938). */
enum ippm_err owtw_client_nsessions(struct owtw_client *c, uint64_t now_ns,
                                    uint8_t cmd, const uint8_t *sids,
                                    uint32_t n, struct owtw_action *act);

/* Conformance probe: after init, before the greeting, makes the
 * Set-Up-Response carry this Mode word whatever the greeting offered
 * (its security bit keys the channels as usual); 0: choose again. */
void owtw_client_force_mode(struct owtw_client *c, uint32_t mode);

/* Conformance probes (ippm conform drives a server through misbehaviour
 * on purpose): sends len octets of plaintext (at most tx_cap) as a
 * message of kind, sealed as that kind is (its MACs per owtw_msg_macs;
 * OWTW_MSG_COUNT_: no MAC). In a secure mode len must be whole blocks;
 * in open mode any length goes as it is (a truncated message). The
 * driver may still change tx before writing it (a corrupted MAC). Then
 * awaits a reply of reply kind (OWTW_MSG_COUNT_: none), delivered as
 * OWTW_NOTE_RAW; a command or its reply that the server closes on shows
 * as the CLOSE (IPPM_ERR_PEER_CLOSED) or timeout it causes. Returns as
 * the other commands, IPPM_ERR_BAD_ARG for a len the mode cannot
 * seal. */
enum ippm_err owtw_client_send_raw(struct owtw_client *c, uint64_t now_ns,
                                   const uint8_t *plain, size_t len,
                                   enum owtw_msg kind, enum owtw_msg reply,
                                   struct owtw_action *act);

#endif
