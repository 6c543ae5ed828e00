/* STAMP, RFC 8762, with the Session-Sender Identifier of RFC 8972 §3.
 *
 * The whole public API of proto/stamp: packet codecs (stamp_wire.c), the
 * Session-Reflector and the Session-Sender as event-in/action-out state
 * machines (stamp_session.c). Nothing here reads a clock, does I/O or
 * allocates: buffers and state structs belong to the caller. */
#ifndef STAMP_H
#define STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ippm_addr.h"
#include "../common/ippm_crypto.h"
#include "../common/ippm_err.h"
#include "../common/ippm_stats.h"
#include "../common/ippm_time.h"

#define STAMP_PORT 862           /* RFC 8762 §4.1 */
#define STAMP_BASE_LEN 44        /* RFC 8762 §4.2.1, §4.3.1 */
#define STAMP_AUTH_BASE_LEN 112  /* RFC 8762 §4.2.2, §4.3.2 */
#define STAMP_HMAC_SPAN 96       /* RFC 8762 §4.4: first six 16-octet blocks */
#define STAMP_HMAC_LEN 16        /* HMAC-SHA-256 truncated to 128 bits */
#define STAMP_MAX_LEN 65535      /* largest datagram a codec accepts */

/* Field offsets, by mode. RFC 8972 §3 puts the SSID in the first two
 * octets of the MBZ that follows the Error Estimate. */
#define STAMP_OPEN_SSID_OFF 14
#define STAMP_AUTH_SSID_OFF 26
#define STAMP_AUTH_HMAC_OFF 96

enum stamp_mode { STAMP_MODE_OPEN = 0, STAMP_MODE_AUTH = 1 };

/* Base length of a packet in this mode (44 or 112). */
size_t stamp_base_len(enum stamp_mode mode);

/* The key of an authenticated session, and the crypto to use it with. */
struct stamp_key {
    const struct ippm_crypto *crypto;
    const uint8_t *key;
    size_t len;
};

/* A Session-Sender packet, Figures 2 and 4 of RFC 8762. Timestamps and the
 * Error Estimate are kept as on the wire; ippm_time.h interprets them. */
struct stamp_sender_pkt {
    uint32_t seq;
    uint64_t ts;
    uint16_t errest;
    uint16_t ssid;        /* RFC 8972 §3; zero when unused */
    bool mbz_nonzero;     /* decode only: some MBZ octet was set */
    const uint8_t *hmac;  /* decode only: view of the 16-octet HMAC (auth) */
    const uint8_t *extra; /* octets after the base: padding, TLVs */
    size_t extra_len;
};

/* A Session-Reflector packet, Figures 5 and 6 of RFC 8762. */
struct stamp_reflector_pkt {
    uint32_t seq;
    uint64_t ts;          /* reflector transmit time */
    uint16_t errest;
    uint16_t ssid;
    uint64_t rx_ts;       /* reflector receive time */
    uint32_t ss_seq;      /* copied from the Session-Sender packet */
    uint64_t ss_ts;
    uint16_t ss_errest;
    uint8_t ss_ttl;       /* TTL / Hop Limit the sender's packet arrived with */
    bool mbz_nonzero;
    const uint8_t *hmac;
    const uint8_t *extra;
    size_t extra_len;
};

/* Decodes a Session-Sender packet. HMAC is not checked: see
 * stamp_hmac_check. Octets past the base are returned as a view.
 * Returns IPPM_OK, or IPPM_ERR_SHORT (len < 44; < 112 in auth mode). */
enum ippm_err stamp_sender_pkt_decode(struct stamp_sender_pkt *out,
                                      const uint8_t *buf, size_t len,
                                      enum stamp_mode mode);

/* Decodes a Session-Reflector packet, as stamp_sender_pkt_decode. */
enum ippm_err stamp_reflector_pkt_decode(struct stamp_reflector_pkt *out,
                                         const uint8_t *buf, size_t len,
                                         enum stamp_mode mode);

/* Encodes a Session-Sender packet of total_len octets (>= base): the base
 * fields, MBZ zeroed, then pkt->extra (extra_len octets, may be NULL) and
 * zero padding up to total_len. In auth mode key is required and the HMAC
 * is computed. Returns IPPM_OK, IPPM_ERR_BAD_ARG (total_len below base or
 * above STAMP_MAX_LEN, extra longer than the room), IPPM_ERR_NOSPACE
 * (cap < total_len), IPPM_ERR_NO_KEY, IPPM_ERR_CRYPTO. */
enum ippm_err stamp_sender_pkt_encode(uint8_t *buf, size_t cap,
                                      size_t total_len,
                                      const struct stamp_sender_pkt *pkt,
                                      enum stamp_mode mode,
                                      const struct stamp_key *key);

/* Encodes a Session-Reflector packet, as stamp_sender_pkt_encode. */
enum ippm_err stamp_reflector_pkt_encode(uint8_t *buf, size_t cap,
                                         size_t total_len,
                                         const struct stamp_reflector_pkt *pkt,
                                         enum stamp_mode mode,
                                         const struct stamp_key *key);

/* Computes the truncated HMAC-SHA-256 over the first 96 octets of an
 * authenticated packet (RFC 8762 §4.4) into out.
 * Returns IPPM_OK, IPPM_ERR_SHORT (len < 112), IPPM_ERR_NO_KEY,
 * IPPM_ERR_CRYPTO. */
enum ippm_err stamp_hmac_compute(const struct stamp_key *key,
                                 const uint8_t *buf, size_t len,
                                 uint8_t out[STAMP_HMAC_LEN]);

/* Checks the HMAC field of an authenticated packet in constant time.
 * Returns IPPM_OK, IPPM_ERR_HMAC, or an error of stamp_hmac_compute. */
enum ippm_err stamp_hmac_check(const struct stamp_key *key,
                               const uint8_t *buf, size_t len);

/* ---- state machines ---- */

enum stamp_ev_kind { STAMP_EV_RX, STAMP_EV_TIMER, STAMP_EV_STOP };

struct stamp_event {
    enum stamp_ev_kind kind;
    uint64_t now_ns;                  /* driver's clock, Unix ns */
    const uint8_t *pkt;               /* RX only */
    size_t len;
    const struct ippm_rx_meta *meta;  /* RX only: kernel time, TTL, peer */
};

enum stamp_act_kind {
    STAMP_ACT_NONE,  /* nothing to do */
    STAMP_ACT_SEND,  /* send len octets of tx */
    STAMP_ACT_DROP,  /* input discarded; why says which rule */
    STAMP_ACT_DONE   /* session finished */
};

struct stamp_action {
    enum stamp_act_kind kind;
    size_t len;
    enum ippm_err why;
    uint32_t seq;     /* sender: sequence number sent or matched */
};

/* ---- Session-Reflector ---- */

#define STAMP_REFLECTOR_SESSIONS 256

struct stamp_reflector_config {
    enum stamp_mode mode;
    bool stateful;               /* RFC 8762 §4: own counter per session */
    enum ippm_tsfmt tsfmt;       /* format of the reflector's timestamps */
    struct ippm_errest errest;   /* reflector clock's Error Estimate */
    struct stamp_key key;        /* auth mode */
    uint64_t session_timeout_ns; /* stateful: idle sessions may be reused */
    /* RFC 8762 §4.6: answer a packet shorter than the base with a base
     * packet, for TWAMP-Light senders. Off by default: the reply is larger
     * than the request, which amplifies. */
    bool reply_to_short;
};

struct stamp_reflector_session {
    bool used;
    struct ippm_addr peer;
    struct ippm_addr local;
    uint16_t ssid;
    uint32_t next_seq;
    uint64_t last_ns;
    uint64_t packets;
};

struct stamp_reflector_counters {
    uint64_t rx;
    uint64_t tx;
    uint64_t dropped;
    uint64_t drop_by[IPPM_ERR_COUNT_];
    uint64_t sessions_evicted;
};

struct stamp_reflector {
    struct stamp_reflector_config cfg;
    struct stamp_reflector_session sessions[STAMP_REFLECTOR_SESSIONS];
    struct stamp_reflector_counters counters;
};

/* Prepares a reflector. cfg is copied; a key's octets must outlive r. */
void stamp_reflector_init(struct stamp_reflector *r,
                          const struct stamp_reflector_config *cfg);

/* Handles one event. For RX, builds the reflected packet in tx (the
 * Receive Timestamp from meta->rx_ns, the Timestamp from ev->now_ns,
 * Ses-Sender TTL from meta->ttl) and returns SEND with its length, equal
 * to the request's; or DROP with why: IPPM_ERR_SHORT, IPPM_ERR_HMAC,
 * IPPM_ERR_NOSPACE (tx_cap below the reply), IPPM_ERR_SESSION_FULL.
 * tx is per call, not per reflector, so a driver can fill a batch.
 * Returns IPPM_OK unless the event itself is invalid (IPPM_ERR_BAD_ARG). */
enum ippm_err stamp_reflector_handle(struct stamp_reflector *r,
                                     const struct stamp_event *ev,
                                     uint8_t *tx, size_t tx_cap,
                                     struct stamp_action *act);

/* ---- Session-Sender ---- */

struct stamp_sender_config {
    enum stamp_mode mode;
    enum ippm_tsfmt tsfmt;
    struct ippm_errest errest;
    struct stamp_key key;
    uint16_t ssid;          /* 0: not used */
    size_t pkt_len;         /* >= base length of the mode */
    uint32_t count;         /* packets to send */
    uint64_t interval_ns;   /* between sends */
    uint64_t wait_ns;       /* how long to wait for replies after the last send */
    uint64_t start_ns;      /* first send time */
};

enum stamp_result_state { STAMP_RES_PENDING = 0, STAMP_RES_SENT, STAMP_RES_RECEIVED };

/* What became of one sequence number. Times are Unix ns; t2 and t3 are on
 * the reflector's clock, t1 and t4 on ours. */
struct stamp_result {
    uint8_t state;          /* enum stamp_result_state */
    bool reordered;         /* RFC 4737 §3.3, first copy only */
    bool ts_malformed;      /* reflector timestamp could not be read */
    uint16_t duplicates;    /* copies after the first */
    uint64_t t1_ns, t2_ns, t3_ns, t4_ns;
    uint32_t refl_seq;
    uint16_t refl_ssid;
    uint8_t refl_ttl;       /* Ses-Sender TTL the reflector reported */
    int16_t rx_ttl;         /* TTL the reply arrived with, -1 unknown */
    uint16_t refl_errest;
    uint32_t arrival;       /* index among first arrivals */
};

struct stamp_sender_counters {
    uint64_t sent;
    uint64_t received;      /* first copies */
    uint64_t duplicates;
    uint64_t reordered;
    uint64_t dropped;       /* replies not accepted (malformed, HMAC, foreign) */
    uint64_t drop_by[IPPM_ERR_COUNT_];
};

struct stamp_sender {
    struct stamp_sender_config cfg;
    struct stamp_result *res;   /* caller-owned, cfg.count entries */
    uint32_t next_seq;
    uint64_t next_send_ns;
    uint64_t last_send_ns;
    bool done;
    struct ippm_reorder reorder;
    struct stamp_sender_counters counters;
};

/* Prepares a sender. res must hold cfg->count entries and outlive s.
 * Returns IPPM_OK or IPPM_ERR_BAD_ARG (pkt_len below base, count 0, too
 * few results, auth mode without key). */
enum ippm_err stamp_sender_init(struct stamp_sender *s,
                                const struct stamp_sender_config *cfg,
                                struct stamp_result *res, size_t n_res);

/* When the driver should next send TIMER: the next send time, or the end
 * of the wait after the last send. UINT64_MAX once done. */
uint64_t stamp_sender_deadline(const struct stamp_sender *s);

/* TIMER: sends the next packet (SEND, act->seq) into tx with Timestamp =
 * now_ns when one is due, DONE after the wait, else NONE. RX: matches a
 * reply to its sequence number and records it (NONE with act->seq), or
 * DROP with why (IPPM_ERR_SHORT, IPPM_ERR_HMAC, IPPM_ERR_UNEXPECTED for a
 * sequence number never sent, IPPM_ERR_DUPLICATE for a copy, which is
 * still counted). STOP: DONE. */
enum ippm_err stamp_sender_handle(struct stamp_sender *s,
                                  const struct stamp_event *ev, uint8_t *tx,
                                  size_t tx_cap, struct stamp_action *act);

/* Summary of a run. One-way delays assume synchronised clocks. */
struct stamp_stats {
    uint64_t sent, received, lost, duplicated, reordered;
    double loss_pct;
    /* Stateful reflector only (its sequence numbers count what it sent):
     * loss split by direction, RFC 8762 §4. */
    bool directional;
    uint64_t lost_forward, lost_backward;
    struct ippm_summary rtt;       /* (t4 - t1) - (t3 - t2), ns */
    struct ippm_summary fwd;       /* t2 - t1 */
    struct ippm_summary bwd;       /* t4 - t3 */
    struct ippm_summary ipdv;      /* RFC 3393 of RTT, consecutive sequence numbers */
    double jitter_ns;              /* mean |IPDV| of RTT */
};

/* Computes the summary. scratch must hold s->cfg.count values. */
void stamp_sender_stats(const struct stamp_sender *s, int64_t *scratch,
                        struct stamp_stats *out);

#endif
