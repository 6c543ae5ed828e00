/* TWAMP-Test, RFC 5357 §4, with the extensions that touch the test
 * packet: Reflect Octets and Symmetrical Size (RFC 6038), DSCP and ECN
 * monitoring (RFC 7750), micro-sessions (RFC 9533). The packet layer
 * OWAMP shares (keys, sender packet, sealing, timestamps, checksum
 * complement) is proto/owtw/owtw_test.h; TWAMP-Light reuses STAMP.
 *
 * twamp_wire.c: the Session-Reflector packet codec and the extension
 * fields. twamp_session.c: the Session-Reflector of one full-TWAMP test
 * session as an event-in/action-out machine. Nothing here reads a clock,
 * does I/O or allocates. */
#ifndef TWAMP_H
#define TWAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ippm_err.h"
#include "../common/ippm_event.h"
#include "../owtw/owtw_test.h"
#include "../stamp/stamp.h"

/* RFC 5357 §4.2: REFWAIT's default, 900 s. */
#define TWAMP_REFWAIT_DEFAULT_NS (900ull * 1000000000ull)

/* ---- the Session-Reflector packet, RFC 5357 §4.2.1 ---- */

/* Encodes a plaintext reflector packet of total_len octets (>= 41 in
 * mode 1, 112 in modes 2 and 4): the fields of owtw_test_layout, MBZ and
 * the MAC field zero (pkt->ssid is not sent), then pkt->extra (the
 * padding, may overlap buf past the base) and zeros. Seal it before
 * sending. Returns IPPM_OK, IPPM_ERR_BAD_ARG (mode, total_len below the
 * base or above OWTW_TEST_MAX_LEN, extra longer than the room),
 * IPPM_ERR_NOSPACE (cap < total_len). */
enum ippm_err twamp_reflector_pkt_encode(uint8_t *buf, size_t cap,
                                         size_t total_len,
                                         const struct stamp_reflector_pkt *pkt,
                                         enum owtw_test_mode mode);

/* Decodes a plaintext (opened) reflector packet: the fields, mbz_nonzero
 * (every MBZ run of the layout), the MAC view (modes 2, 4), the padding
 * as extra; out untouched on error. Returns IPPM_OK, IPPM_ERR_BAD_ARG
 * (mode), IPPM_ERR_SHORT (below 41, or 112). A shorter reply in mode 1
 * reads with stamp_reflector_pkt_decode_prefix. */
enum ippm_err twamp_reflector_pkt_decode(struct stamp_reflector_pkt *out,
                                         const uint8_t *buf, size_t len,
                                         enum owtw_test_mode mode);

/* ---- RFC 6038: Reflect Octets and Symmetrical Size ---- */

/* The MBZ octets a Symmetrical Size sender puts after its header, RFC
 * 6038 §5.1.4, §5.1.5: 27 in mode 1, 56 in modes 2 and 4. */
size_t twamp_symmetric_mbz_len(enum owtw_test_mode mode);

/* Where the sender's Packet Padding (to be reflected) starts: after the
 * sender header, and after its MBZ in Symmetrical Size mode. */
size_t twamp_sender_padding_off(enum owtw_test_mode mode, bool symmetrical);

/* Encodes a plaintext Session-Sender packet as owtw_sender_pkt_encode
 * does, and in Symmetrical Size mode with the 27 or 56 MBZ octets after
 * the header (RFC 6038 §5.1.4, §5.1.5): pkt->extra then starts at
 * twamp_sender_padding_off. extra is the Packet Padding (to be reflected)
 * followed by any Additional Packet Padding; with RFC 6038 Server octets
 * its first 2 octets are those (§5.1.2). Returns as
 * owtw_sender_pkt_encode (IPPM_ERR_BAD_ARG also when total_len leaves no
 * room for the MBZ). */
enum ippm_err twamp_sender_pkt_encode(uint8_t *buf, size_t cap,
                                      size_t total_len,
                                      const struct stamp_sender_pkt *pkt,
                                      enum owtw_test_mode mode,
                                      bool symmetrical);

/* The length of the reflection of a sender packet of rx_len octets: the
 * received length, at least the reflector base refl_base (41 or 112, 44
 * with RFC 7750; RFC 5357 §4.2.1's truncation, as perfSONAR's
 * max(received, 41|112), fixtures §2), and at least the base plus
 * reflect_len (RFC 6038 §5.2.1: the octets to be reflected MUST be
 * included). */
size_t twamp_reflect_len(size_t rx_len, size_t refl_base, uint16_t reflect_len);

/* Fills the reflector's padding (out_len octets at out) from the
 * sender's packet (rx, rx_len): the sender's padding from
 * twamp_sender_padding_off, in order, as RFC 6038 §5.2.1 asks for the
 * octets to be reflected and allows for the rest (the highest octets
 * are the ones dropped); zeros past the end of what the sender sent. */
void twamp_reflect_padding(uint8_t *out, size_t out_len, const uint8_t *rx,
                           size_t rx_len, enum owtw_test_mode mode,
                           bool symmetrical);

/* ---- RFC 7750: DSCP and ECN monitoring ---- */

/* The reflector base with the S-DSCP-ECN field: 44 in mode 1 (the field
 * at 41), 112 in modes 2 and 4 (at 81). */
size_t twamp_dscp_ecn_base_len(enum owtw_test_mode mode);
size_t twamp_dscp_ecn_off(enum owtw_test_mode mode);

/* The S-DSCP-ECN octet for a received TOS / Traffic Class octet, RFC
 * 7750 §2.2.1: S-DSCP (6 bits) from the DS field, S-ECN (2 bits) from
 * the ECN field. Unknown TOS (-1) gives 0. */
uint8_t twamp_dscp_ecn_octet(int tos);

/* ---- RFC 9533: micro-sessions ---- */

/* Where the Sender and Reflector Micro-session IDs sit in a packet of
 * kind in mode (RFC 9533 Figures 2-5): sender packets at 16/18 (mode 1)
 * or 28/30, reflector packets at 38/42 (mode 1, base 44) or 28/30. */
void twamp_micro_ids_off(enum stamp_pkt_kind kind, enum owtw_test_mode mode,
                         size_t *sender_id_off, size_t *reflector_id_off);

/* The base of a micro-session packet: a sender's 20 (mode 1) or 48, a
 * reflector's 44 (mode 1) or 112. */
size_t twamp_micro_base_len(enum stamp_pkt_kind kind, enum owtw_test_mode mode);

/* Reads / writes both Micro-session IDs of a plaintext packet of len
 * octets. Returns IPPM_OK or IPPM_ERR_SHORT (len below
 * twamp_micro_base_len). */
enum ippm_err twamp_micro_ids_get(const uint8_t *buf, size_t len,
                                  enum stamp_pkt_kind kind,
                                  enum owtw_test_mode mode, uint16_t *sender_id,
                                  uint16_t *reflector_id);
enum ippm_err twamp_micro_ids_put(uint8_t *buf, size_t len,
                                  enum stamp_pkt_kind kind,
                                  enum owtw_test_mode mode, uint16_t sender_id,
                                  uint16_t reflector_id);

/* ---- the Session-Reflector of one test session, RFC 5357 §4.2 ---- */

struct twamp_reflector_config {
    const struct owtw_test_keys *keys; /* mode and keys; must outlive r */
    uint16_t errest;      /* the reflector clock's Error Estimate; its Z
                           * bit picks NTP or PTP (RFC 8186 §2.3) */
    uint16_t reflect_len; /* RFC 6038 Length of padding to reflect */
    bool symmetrical;     /* RFC 6038 Symmetrical Size */
    bool dscp_ecn;        /* RFC 7750: fill S-DSCP-ECN */
    /* RFC 9533 §4.2.4: a micro-session of this member link's ID: a
     * packet naming another Reflector Micro-session ID is discarded, and
     * the reply carries the Sender's ID and ours. (With dscp_ecn too, in
     * mode 1 octet 41 holds S-DSCP-ECN where RFC 9533 has MBZ.) */
    bool micro;
    uint16_t micro_id;
    uint64_t refwait_ns; /* RFC 5357 §4.2 REFWAIT; 0: 900 s */
    uint64_t timeout_ns; /* the session's Timeout (Request-TW-Session) */
};

struct twamp_reflector_counters {
    uint64_t reflected;
    uint64_t dropped;
    uint64_t drop_by[IPPM_ERR_COUNT_];
};

struct twamp_reflector {
    struct twamp_reflector_config cfg;
    uint32_t next_seq;    /* the reflector's own, RFC 5357 §4.2.1 */
    uint32_t last_ss_seq; /* the sender's, of the last reflection */
    uint64_t last_ns;     /* last packet (or start): REFWAIT runs from it */
    uint64_t stop_ns;     /* Stop-Sessions + Timeout; UINT64_MAX: running */
    bool done;
    struct twamp_reflector_counters counters;
};

/* Prepares a reflector for a session started at now_ns (Start-Ack). */
void twamp_reflector_init(struct twamp_reflector *r,
                          const struct twamp_reflector_config *cfg,
                          uint64_t now_ns);

/* Reflects one sender packet (rx, rx_len as received; not modified):
 * opens it, decodes it, builds the reply of twamp_reflect_len octets in
 * tx with the Receive Timestamp rx_ns, the Timestamp tx_ns (Unix ns, in
 * the format of cfg.errest's Z bit), Sender TTL ttl (255 when unknown,
 * -1), S-DSCP-ECN from tos when cfg.dscp_ecn, the Micro-session IDs with
 * cfg.micro, and seals it. *tx_len gets its length. Returns IPPM_OK,
 * IPPM_ERR_SHORT, IPPM_ERR_HMAC, STAMP_ERR_MEMBER_LINK (RFC 9533: another
 * Reflector Micro-session ID), IPPM_ERR_NOSPACE (tx_cap),
 * IPPM_ERR_TOO_LONG (the reply would pass OWTW_TEST_MAX_LEN),
 * IPPM_ERR_NO_KEY (keys of no known mode), IPPM_ERR_CRYPTO; nothing is
 * counted. */
enum ippm_err twamp_reflector_reflect(struct twamp_reflector *r,
                                      const uint8_t *rx, size_t rx_len,
                                      uint64_t rx_ns, int ttl, int tos,
                                      uint64_t tx_ns, uint8_t *tx,
                                      size_t tx_cap, size_t *tx_len);

/* Stop-Sessions arrived at now_ns: packets are still reflected for the
 * session's Timeout, and those later "MUST be ignored by the Reflector"
 * (RFC 5357 §4.2): no reply, DROP with IPPM_ERR_DONE. */
void twamp_reflector_stop_sessions(struct twamp_reflector *r, uint64_t now_ns);

/* When the driver should next send TIMER: REFWAIT after the last packet,
 * or the end of the Timeout after Stop-Sessions if sooner; UINT64_MAX
 * once done. */
uint64_t twamp_reflector_deadline(const struct twamp_reflector *r);

/* DATAGRAM: reflects (receive time meta->rx_ns, else now_ns; transmit
 * time now_ns; TTL and TOS from meta) and answers SEND_DATAGRAM with
 * act->seq the sender's sequence number, or DROP with why (as
 * twamp_reflector_reflect; IPPM_ERR_DONE past the Timeout after
 * Stop-Sessions, or once done); both counted. TIMER: DONE once REFWAIT
 * has passed without a packet or the Timeout after Stop-Sessions has
 * (RFC 5357 §4.2), else NONE. STOP (the driver shuts down): DONE. DONE
 * comes once; a later STOP or TIMER answers NONE.
 * Returns IPPM_OK, or IPPM_ERR_BAD_ARG for BYTES and CLOSED. */
enum ippm_err twamp_reflector_handle(struct twamp_reflector *r,
                                     const struct ippm_event *ev, uint8_t *tx,
                                     size_t tx_cap, struct ippm_action *act);

/* ---- TWAMP Light in modes A and E (twamp_light.c) ----
 * RFC 5357 Appendix I with keys from configuration: STAMP's reflector and
 * sender (TWAMP-Light flavour) take &ops as their twl_auth; the STAMP
 * reflector says how to number each reply (stateless or per session). */
struct twamp_light_auth {
    struct stamp_twl_auth ops;         /* ctx is this struct */
    const struct owtw_test_keys *keys; /* mode 2 or 4; must outlive it */
    struct twamp_reflector refl;
};

/* Prepares a for the session of keys (mode OWTW_TEST_AUTH or
 * _ENCRYPTED); errest is the reflector clock's Error Estimate,
 * symmetrical RFC 6038's Symmetrical Size. Returns IPPM_OK or
 * IPPM_ERR_BAD_ARG (no keys, another mode). */
enum ippm_err twamp_light_auth_init(struct twamp_light_auth *a,
                                    const struct owtw_test_keys *keys,
                                    uint16_t errest, bool symmetrical,
                                    uint64_t now_ns);

#endif
