/* Live conformance runs: build a struct ippm_obs from real packets.
 *
 * conform_live_reflector probes somebody's STAMP Session-Reflector with
 * the IPPM_PROBE_STAMP_* set (one UDP socket per probe, so each is its own
 * session) and pairs replies as pcap check does (stamp_pairing_reply:
 * Session-Sender Sequence Number on the socket's flow, then content).
 * conform_live_sender plays the reflector (proto's stamp_reflector) and
 * records what somebody's Session-Sender sends. conform_selfrefl runs
 * ippm's own reflector loop (impl/stamp's stamp_reflector_serve) in a
 * thread, as the target of `ippm conform`.
 * The catalogue then grades the obs as it grades unit fixtures and pcaps. */
#ifndef IPPM_CONFORM_LIVE_H
#define IPPM_CONFORM_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/ippm_conform.h"
#include "conformance/stamp/stamp_obs.h" /* IPPM_PROBE_STAMP_* */
#include "proto/common/ippm_time.h"

#define CONFORM_LIVE_MAX_EX 4096

/* What a live run collected; owns every buffer the obs points into. */
struct conform_run {
    struct ippm_exchange ex[CONFORM_LIVE_MAX_EX];
    struct ippm_obs obs;
    struct ippm_hmac_key key;  /* the run's key context; obs.key points here */
    struct stamp_obs_pkt pkt;  /* TWAMP-Light: the layouts obs.ext names */
    uint64_t icmp_refused;     /* ICMP port unreachable seen */
    uint64_t sent;             /* datagrams sent */
    uint64_t received;         /* datagrams received */
};

struct conform_reflector_opts {
    struct ippm_addr target;
    /* TWAMP-Light (RFC 5357 Appendix I): its own probes (14-octet
     * requests and padded ones), graded by the TWAMP-Test cases (obs
     * protocol "twamp", TWAMP-Light layouts). Open mode only. */
    bool twamp_light;
    /* TWAMP Light in mode A or E: the key holder's operations (probes
     * sealed, replies opened, graded in plaintext); NULL: open. */
    const struct stamp_twl_auth *twl_auth;
    bool auth;
    const struct ippm_crypto *crypto; /* auth: HMACs computed and checked */
    const uint8_t *key;
    size_t key_len;
    int expect_stateful;       /* 1, 0, -1 infer */
    uint8_t expect_tsfmt;      /* 0 either, else 1 + enum ippm_tsfmt */
    uint64_t timeout_ns;       /* wait for replies after the last send */
    uint64_t tolerance_ns;     /* clock tolerance for the timestamp cases */
    int ttl;                   /* IP_TTL / hop limit of every probe */
    /* Open mode: key of the RFC 8972 §4.8 HMAC TLV (with crypto); NULL
     * sends no HMAC TLV probe. Auth mode uses key. */
    const uint8_t *tlv_key;
    size_t tlv_key_len;
    /* The SSIDs the reflector is provisioned with (RFC 8972 §3), n 0:
     * none given. Given, the SSID probes use them, and one more probe
     * sends an SSID outside them, which must get no reply. */
    const uint16_t *ssid_set;
    size_t n_ssid_set;
};

/* Sends every probe to o->target, collects replies until timeout_ns after
 * the last send, and fills run->obs (role reflector). Returns 0, or -1
 * with one line in err (socket errors). run must be zeroed by the caller
 * and released with conform_run_free. */
int conform_live_reflector(const struct conform_reflector_opts *o,
                           struct conform_run *run, char *err, size_t errlen);

struct conform_sender_opts {
    const struct ippm_addr *listen; /* NULL: every address */
    uint16_t port;
    uint32_t count;            /* stop after this many packets */
    uint64_t timeout_ns;       /* stop after this long without a packet */
    bool auth;
    const struct ippm_crypto *crypto;
    const uint8_t *key;
    size_t key_len;
    uint64_t tolerance_ns;
    bool quiet;
};

/* Answers somebody's Session-Sender as a stateless reflector and records
 * each packet (bytes, arrival time, TTL, addresses) into run->obs (role
 * sender) until count packets or the idle timeout. Returns 0, or -1 with
 * one line in err. */
int conform_live_sender(const struct conform_sender_opts *o,
                        struct conform_run *run, char *err, size_t errlen);

/* Releases the buffers of a run. */
void conform_run_free(struct conform_run *run);

/* An HMAC-SHA-256 context keyed once with the len octets at key, for one
 * run and one thread; unkeyed (ippm_hmac_key_ready false) without key or
 * crypto, or when the backend refuses the key. Free it with
 * ippm_hmac_key_free. */
struct ippm_hmac_key conform_key_ctx(const struct ippm_crypto *crypto,
                                     const uint8_t *key, size_t len);

/* ---- ippm's own reflector, in a thread ---- */

struct conform_selfrefl;

/* How ippm's own reflector runs: as `ippm stamp reflector` with RFC 8972
 * TLVs on, plus a Micro-session ID (RFC 9534) and one refused DSCP (CS7,
 * so a CoS TLV can see RP = 1). */
struct conform_selfrefl_opts {
    bool twamp_light; /* `ippm twamp light-reflector` instead */
    /* and in mode A or E: these operations (the caller's) */
    const struct stamp_twl_auth *twl_auth;
    bool stateful;
    bool auth; /* authenticated mode, with key */
    enum ippm_tsfmt tsfmt;
    const uint8_t *key; /* auth key; in open mode the HMAC TLV's; the
                         * reflector keys its own crypto with it */
    size_t key_len;
    uint16_t port; /* 0: any free port */
    /* RFC 8972 §3: the SSIDs it is provisioned with (others are
     * discarded); n_ssids 0: every SSID is answered. */
    const uint16_t *ssids;
    size_t n_ssids;
};

#define CONFORM_SELFREFL_MICRO_ID     0x0101 /* its RFC 9534 member link */
#define CONFORM_SELFREFL_REFUSED_DSCP 56     /* CS7 */

/* Starts the loop of `ippm stamp reflector` (stamp_reflector_serve) on
 * 127.0.0.1 in a thread, on o->port (0: a free one), written to *port. Returns NULL with one line in err on
 * failure (the port cannot be bound, no memory, no thread). */
struct conform_selfrefl *
conform_selfrefl_start(const struct conform_selfrefl_opts *o, uint16_t *port,
                       char *err, size_t errlen);

/* Stops the thread and frees everything. */
void conform_selfrefl_stop(struct conform_selfrefl *s);

/* ---- ippm's own sender, in a thread ---- */

struct conform_selfsend;

/* Sessions the self-sender runs one after another, CONFORM_SELFSEND_COUNT
 * packets each: every sender TLV of RFC 8972, RFC 9503 and RFC 9534 and
 * the drafts (with a Return Address), then a Return Path with an SR-MPLS
 * label stack, one with an SRv6 segment list, one with a Control Code. */
#define CONFORM_SELFSEND_SESSIONS 4
#define CONFORM_SELFSEND_COUNT    3

struct conform_selfsend_opts {
    struct ippm_addr target;
    bool auth; /* authenticated mode, with key */
    enum ippm_tsfmt tsfmt;
    const struct ippm_crypto *crypto;
    const uint8_t *key; /* auth key; in open mode the HMAC TLV's */
    size_t key_len;
    uint64_t delay_ns; /* before the first packet */
};

/* Starts proto's stamp_sender in a thread, sending the sessions above to
 * o->target (each from its own socket, SSID set). Returns NULL with one
 * line in err on failure. */
struct conform_selfsend *
conform_selfsend_start(const struct conform_selfsend_opts *o, char *err,
                       size_t errlen);

/* Stops the thread (at once, if it is still sending) and frees it. */
void conform_selfsend_stop(struct conform_selfsend *s);

#endif
