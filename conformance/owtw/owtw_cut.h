/* Cuts an OWAMP/TWAMP control connection, as its two byte streams, into
 * the typed messages the control cases read (struct ippm_transcript,
 * conformance/owtw/owtw_obs.h): in the order they were sent, each with
 * the time its last octet was seen; in modes A, E and mixed, decrypted
 * with the key its KeyID names and every HMAC checked (proto/owtw's
 * channel: the codec and crypto are H1's, this only walks the streams).
 * The pcap check and the live prober both build their observations with
 * it. Pure: no I/O, no allocation (the caller's buffers). */
#ifndef IPPM_OWTW_CUT_H
#define IPPM_OWTW_CUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"
#include "proto/common/ippm_crypto.h"
#include "proto/owtw/owtw.h"

/* A test session the control connection set up (Accept 0), so a reader
 * can follow its packets. */
struct owtw_cut_session {
    uint16_t sender_port;   /* as requested */
    uint16_t receiver_port; /* the Accept-Session's Port when non-zero */
    uint16_t accept_port;   /* the Accept-Session's Port as sent: OWAMP,
                               the server's receive port (Conf-Receiver)
                               or its send port (Conf-Sender) */
    uint8_t sid[OWTW_SID_LEN];
    bool conf_sender;       /* OWAMP: the server sends */
};

#define OWTW_CUT_SESSIONS_MAX 16

/* The highest greeting Count the reader derives a key with (PBKDF2
 * iterations; RFC 5357 §6 suggests clients refuse above 32768 by
 * default): a capture or a peer cannot make it spin for hours. */
#define OWTW_CUT_COUNT_MAX (1u << 20)

struct owtw_cut_in {
    /* The streams by direction: [IPPM_DIR_TO_SERVER] the client's,
     * [IPPM_DIR_TO_CLIENT] the server's. */
    const uint8_t *data[2];
    size_t len[2];
    /* When octet off of direction dir was seen (capture or receive
     * time); streams are cut in that order. */
    uint64_t (*ns_at)(const void *ctx, int dir, uint64_t off);
    const void *ctx;
    /* The protocol when known (ports 861 / 862); -1: from the first
     * command (1 or 4: OWAMP; 5, 7, 9, 11: TWAMP). */
    int proto;
    const struct ippm_crypto *crypto; /* NULL: nothing decrypted */
    const struct owtw_key *keys;      /* KeyIDs and their secrets */
    size_t n_keys;
};

struct owtw_cut_out {
    struct ippm_ctrl_msg *msg; /* the caller's, cap_msg entries */
    size_t cap_msg, n_msg;
    uint8_t *plain;            /* the caller's, for decrypted copies */
    size_t cap_plain, used_plain;
    int proto;                 /* enum owtw_proto, -1 unknown */
    uint32_t mode;             /* Set-Up-Response Mode, 0 none */
    /* How far it read: key_missing (A/E, no key for the KeyID: the rest
     * could not be cut), bad_token (the key does not open the Token),
     * stuck (a message of the server's the cutter could not place). */
    bool key_missing, bad_token, stuck;
    bool count_refused;        /* greeting Count over OWTW_CUT_COUNT_MAX:
                                  no key derived, nothing decrypted */
    size_t left_over[2];       /* octets per direction not cut */
    struct owtw_cut_session sess[OWTW_CUT_SESSIONS_MAX];
    size_t n_sess;
    /* Modes A and E, the Token opened: the session keys, from which the
     * test sessions' keys derive (RFC 4656 §4.1.2). The caller wipes
     * them. */
    struct owtw_session_keys sk;
    bool have_sk;
};

/* Messages a connection of these stream lengths can hold at most, and
 * the plaintext room it needs: size the caller's buffers with them. */
size_t owtw_cut_max_msgs(const struct owtw_cut_in *in);
size_t owtw_cut_plain_room(const struct owtw_cut_in *in);

/* True when s (len octets, the server's stream) opens with something that
 * reads as a Server Greeting: 64 octets, Modes only registered bits, a
 * non-zero Count, MBZ zero. */
bool owtw_cut_looks_like_greeting(const uint8_t *s, size_t len);

/* Cuts in into out. Returns IPPM_OK (even when the streams end early or
 * could not all be read: out says how far it got), or IPPM_ERR_BAD_ARG
 * when out's buffers are smaller than owtw_cut_max_msgs / plain_room. */
enum ippm_err owtw_cut(const struct owtw_cut_in *in, struct owtw_cut_out *out);

#endif
