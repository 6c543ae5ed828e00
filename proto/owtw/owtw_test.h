/* The OWAMP-Test and TWAMP-Test packet layer both protocols share:
 * test-session keys (RFC 4656 §4.1.2, RFC 5357 §4.2.1), the field
 * layouts of the sender and reflector packets in every mode, the sender
 * packet codec, sealing and opening (AES + HMAC-SHA1), and the RFC 4656
 * §5 send schedule (owtw_schedule.c).
 *
 * Packets are kept in STAMP's structs (struct stamp_sender_pkt, struct
 * stamp_reflector_pkt) and described by STAMP's layout tables: TWAMP's
 * unauthenticated packets are TWAMP-Light's (stamp_layout_twamp_light),
 * and its authenticated reflector packet is RFC 8762 Figure 6 with MBZ
 * where STAMP has the SSID. The codecs work on plaintext; owtw_test_seal
 * and owtw_test_open add and remove the mode's protection in place.
 *
 * Nothing here reads a clock, does I/O or allocates; crypto only through
 * proto/common/ippm_crypto.h. */
#ifndef OWTW_TEST_H
#define OWTW_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ippm_crypto.h"
#include "../common/ippm_err.h"
#include "../stamp/stamp.h"
#include "owtw.h"

#define OWTW_SID_LEN      16
#define OWTW_AES_SK_LEN   16 /* AES Session-key, RFC 4656 §3.1 Token */
#define OWTW_HMAC_SK_LEN  32 /* HMAC Session-key */
#define OWTW_TEST_MAC_LEN 16 /* HMAC-SHA1 truncated to 128 bits */

/* Base lengths, RFC 4656 §4.1.2 and RFC 5357 §4.2.1. */
#define OWTW_SENDER_OPEN_LEN     14
#define OWTW_SENDER_AUTH_LEN     48
#define OWTW_SENDER_MAC_OFF      32
#define TWAMP_REFLECTOR_OPEN_LEN STAMP_TWL_REFLECTOR_LEN /* 41 */
/* RFC 5357 §4.2.1 names 104 octets and a 56-octet sender base; the
 * figure sums to 112 with the HMAC at 96, as perfSONAR sends
 * (twamp-owamp-fixtures.md §4.6). */
#define TWAMP_REFLECTOR_AUTH_LEN 112
#define TWAMP_REFLECTOR_MAC_OFF  96
#define OWTW_TEST_MAX_LEN        STAMP_MAX_LEN

/* The test-session mode, by its Modes bit (RFC 4656 §3.1; OWTW_MODE_* of
 * owtw.h): a mixed-mode session (RFC 5618, Modes value 8: "Unauthenticated
 * TEST, Encrypted CONTROL") runs its test packets in OWTW_TEST_OPEN. */
enum owtw_test_mode {
    OWTW_TEST_OPEN = 1,
    OWTW_TEST_AUTH = 2,
    OWTW_TEST_ENCRYPTED = 4
};

/* ---- test-session keys, RFC 4656 §4.1.2, RFC 5357 §4.2.1 ---- */

/* The keys of one test session, expanded once: T_AES (ECB in
 * authenticated mode, CBC with a zero IV in encrypted mode) and T_HMAC
 * (HMAC-SHA1). In OWTW_TEST_OPEN neither is keyed. Owned by the caller;
 * free with owtw_test_keys_free. */
struct owtw_test_keys {
    enum owtw_test_mode mode;
    struct ippm_aes_key aes;
    struct ippm_hmac_key hmac;
};

/* The raw keys of the session named by sid: t_aes = AES-ECB(key = SID,
 * aes_sk), t_hmac = AES-CBC(key = SID, IV 0, hmac_sk). Returns IPPM_OK,
 * IPPM_ERR_NO_KEY (no AES in crypto), IPPM_ERR_CRYPTO. */
enum ippm_err owtw_test_key_octets(const struct ippm_crypto *crypto,
                                   const uint8_t sid[OWTW_SID_LEN],
                                   const uint8_t aes_sk[OWTW_AES_SK_LEN],
                                   const uint8_t hmac_sk[OWTW_HMAC_SK_LEN],
                                   uint8_t t_aes[OWTW_AES_SK_LEN],
                                   uint8_t t_hmac[OWTW_HMAC_SK_LEN]);

/* Prepares k for a session in mode: in OWTW_TEST_OPEN nothing is keyed
 * (crypto and the keys may be NULL); else the keys are derived as
 * owtw_test_key_octets and expanded. Returns IPPM_OK, IPPM_ERR_BAD_ARG
 * (mode not 1, 2 or 4; a key missing), IPPM_ERR_NO_KEY, IPPM_ERR_CRYPTO;
 * on failure k is left unkeyed. */
enum ippm_err owtw_test_keys_init(struct owtw_test_keys *k,
                                  const struct ippm_crypto *crypto,
                                  enum owtw_test_mode mode,
                                  const uint8_t sid[OWTW_SID_LEN],
                                  const uint8_t aes_sk[OWTW_AES_SK_LEN],
                                  const uint8_t hmac_sk[OWTW_HMAC_SK_LEN]);

/* Releases both key contexts and zeroes k. */
void owtw_test_keys_free(struct owtw_test_keys *k);

/* ---- layouts ---- */

/* Where every field of a test packet sits: kind STAMP_PKT_SENDER is the
 * OWAMP-Test packet and the TWAMP Session-Sender packet (14 or 48
 * octets), STAMP_PKT_REFLECTOR the TWAMP Session-Reflector packet (41 or
 * 112). Every MBZ run is listed (an authenticated reflector's octets
 * 26-27 too); the HMAC field exists in OWTW_TEST_AUTH and _ENCRYPTED.
 * NULL for a mode other than 1, 2, 4. */
const struct stamp_layout *owtw_test_layout(enum stamp_pkt_kind kind,
                                            enum owtw_test_mode mode);

/* The layout's base length, 0 for an unknown mode. */
size_t owtw_test_base_len(enum stamp_pkt_kind kind, enum owtw_test_mode mode);

/* Octets the mode encrypts and MACs (0, 16, 32 or 96), RFC 4656 §4.1.2,
 * RFC 5357 §4.1.2, §4.2.1. */
size_t owtw_test_protected_len(enum stamp_pkt_kind kind,
                               enum owtw_test_mode mode);

/* ---- layout-driven coding, for every packet of a layout table ---- */

/* Stores v at span s of buf (1, 2, 4 or 8 octets, network order); a span
 * of another length (0: the layout has no such field) is left alone.
 * The caller has checked that buf holds the layout's base. */
void owtw_span_store(uint8_t *buf, struct stamp_span s, uint64_t v);

/* The value at span s of buf, as owtw_span_store; 0 for an absent one. */
uint64_t owtw_span_load(const uint8_t *buf, struct stamp_span s);

/* True when an octet of one of l's MBZ runs is set in buf (which holds
 * l->base_len octets). */
bool owtw_layout_mbz_set(const struct stamp_layout *l, const uint8_t *buf);

/* Frames a packet of layout l and total_len octets in buf: checks the
 * sizes, writes extra (extra_len octets, may be NULL, may overlap buf
 * past the base) at extra_off (the base, or past it when MBZ octets come
 * first) and zeros up to total_len, and zeroes everything before
 * extra_off for the fields. Returns IPPM_OK, IPPM_ERR_BAD_ARG (no
 * layout, extra_off below the base or past total_len, total_len above
 * OWTW_TEST_MAX_LEN, extra longer than the room), IPPM_ERR_NOSPACE
 * (cap < total_len). */
enum ippm_err owtw_test_frame(uint8_t *buf, size_t cap, size_t total_len,
                              const struct stamp_layout *l, size_t extra_off,
                              const uint8_t *extra, size_t extra_len);

/* ---- the sender packet, RFC 4656 §4.1.2, RFC 5357 §4.1.2 ---- */

/* Encodes a plaintext sender packet of total_len octets: the base fields
 * (pkt->ssid is not sent), MBZ and the MAC field zero, then pkt->extra
 * (extra_len octets: the Packet Padding, may be NULL and may overlap buf
 * past the base) and zeros up to total_len. Seal it before sending.
 * Returns IPPM_OK, IPPM_ERR_BAD_ARG (mode, total_len below the base or
 * above OWTW_TEST_MAX_LEN, extra longer than the room), IPPM_ERR_NOSPACE
 * (cap < total_len). */
enum ippm_err owtw_sender_pkt_encode(uint8_t *buf, size_t cap, size_t total_len,
                                     const struct stamp_sender_pkt *pkt,
                                     enum owtw_test_mode mode);

/* As owtw_sender_pkt_encode, with the padding at pad_off (>= the base)
 * and zeros between: TWAMP's Symmetrical Size packet (twamp.h). */
enum ippm_err owtw_sender_pkt_encode_at(uint8_t *buf, size_t cap,
                                        size_t total_len,
                                        const struct stamp_sender_pkt *pkt,
                                        enum owtw_test_mode mode,
                                        size_t pad_off);

/* Decodes a plaintext (opened) sender packet: the fields, mbz_nonzero
 * (the Error Estimate's Z bit is not MBZ: RFC 8186 gives it meaning),
 * the MAC view (modes 2, 4) and the padding as extra. out is untouched
 * on error. Returns IPPM_OK, IPPM_ERR_BAD_ARG (mode), IPPM_ERR_SHORT
 * (below 14, or 48). */
enum ippm_err owtw_sender_pkt_decode(struct stamp_sender_pkt *out,
                                     const uint8_t *buf, size_t len,
                                     enum owtw_test_mode mode);

/* ---- protection, RFC 4656 §4.1.2, RFC 5357 §4.1.2, §4.2.1 ---- */

/* Seals a plaintext packet of kind in place, by k->mode: nothing in
 * OWTW_TEST_OPEN; else the MAC = HMAC-SHA1(T_HMAC, plaintext of the
 * protected octets)[0:16] goes to octets 32..47 (sender) or 96..111
 * (reflector), sent in clear, and the protected octets are encrypted:
 * block 0 with AES-ECB in authenticated mode, 32 (sender) or 96
 * (reflector) octets with AES-CBC, IV 0, in encrypted mode
 * (twamp-owamp-fixtures.md §4.5). Padding is neither encrypted nor
 * MACed. Returns IPPM_OK, IPPM_ERR_SHORT (len below the base),
 * IPPM_ERR_NO_KEY, IPPM_ERR_CRYPTO. */
enum ippm_err owtw_test_seal(const struct owtw_test_keys *k,
                             enum stamp_pkt_kind kind, uint8_t *buf,
                             size_t len);

/* Opens a received packet in place: decrypts the protected octets and
 * checks the MAC in constant time. On IPPM_ERR_HMAC buf holds the
 * decrypted, untrusted octets (a receiver MUST discard the packet, RFC
 * 4656 §4.2). Returns IPPM_OK, IPPM_ERR_SHORT, IPPM_ERR_HMAC,
 * IPPM_ERR_NO_KEY, IPPM_ERR_CRYPTO. */
enum ippm_err owtw_test_open(const struct owtw_test_keys *k,
                             enum stamp_pkt_kind kind, uint8_t *buf,
                             size_t len);

/* Writes the Timestamp ts into a sealed packet of kind and len octets,
 * at the last moment before it leaves: RFC 4656 §4.1.2 keeps it out of
 * the protected octets in modes 1 and 2 ("the sequence number can be
 * encrypted and authenticated before the timestamp is fetched"). With
 * complement the last 2 octets are rewritten as RFC 7820's Checksum
 * Complement, so the UDP checksum computed before stays valid (the
 * packet must then carry at least 2 octets of padding). Returns IPPM_OK,
 * IPPM_ERR_SHORT (len below the base, or no padding for the
 * complement), IPPM_ERR_BAD_ARG (mode 4: the timestamp is encrypted, and
 * RFC 7820 §3.4.2 says the complement SHOULD NOT be used; or an unknown
 * mode). */
enum ippm_err owtw_test_restamp(uint8_t *buf, size_t len,
                                enum stamp_pkt_kind kind,
                                enum owtw_test_mode mode, uint64_t ts,
                                bool complement);

/* ---- timestamps and the checksum complement (owtw_ext.c) ---- */

/* A 32.32 interval (Timeout, a slot) in ns, saturating at UINT64_MAX. */
uint64_t owtw_interval_ns(uint64_t t);

/* The timestamp of unix_ns in the format the Z bit of errest (the Error
 * Estimate sent with it) names: NTP when clear, PTPv2 truncated when set
 * (RFC 8186 §2.3). */
uint64_t owtw_ts_encode(uint64_t unix_ns, uint16_t errest);

/* Unix ns of a timestamp read with its Error Estimate, by the Z bit;
 * *ok (may be NULL) false for a PTPv2 nanoseconds field of 10^9 or
 * more. */
uint64_t owtw_ts_decode(uint64_t ts, uint16_t errest, bool *ok);

/* The 16-bit one's-complement sum of len octets (RFC 1071), folded, not
 * inverted; an odd last octet is the high half of a zero-padded word. */
uint16_t owtw_ones_sum(const uint8_t *p, size_t len);

/* RFC 7820 §3: rewrites the Checksum Complement, the last 2 octets of a
 * UDP payload of len octets, so that the payload's one's-complement sum
 * is sum_before again (taken with owtw_ones_sum before a timestamp was
 * written): the UDP checksum computed before stays valid. Returns
 * IPPM_OK, or IPPM_ERR_SHORT (len < 2). */
enum ippm_err owtw_csum_complement(uint8_t *payload, size_t len,
                                   uint16_t sum_before);

/* ---- the send schedule, RFC 4656 §3.6, §5 (owtw_schedule.c) ---- */

/* Algorithm Unif (RFC 4656 §5.3): AES-128 in counter mode keyed by the
 * SID; a block is encrypted when the counter is a multiple of 4, so the
 * blocks are E(0), E(4), E(8)... (twamp-owamp-fixtures.md §4.10). */
struct owtw_unif {
    struct ippm_aes_key key;
    uint8_t counter[16]; /* network order */
    uint8_t out[16];     /* the block in use */
};

/* Keys u with sid and zeroes its counter. Returns IPPM_OK,
 * IPPM_ERR_NO_KEY, IPPM_ERR_CRYPTO. Free with owtw_unif_free. */
enum ippm_err owtw_unif_init(struct owtw_unif *u,
                             const struct ippm_crypto *crypto,
                             const uint8_t sid[OWTW_SID_LEN]);
void owtw_unif_free(struct owtw_unif *u);

/* The next 32-bit uniform quantity (steps U2-U4). Returns IPPM_OK,
 * IPPM_ERR_NO_KEY, IPPM_ERR_CRYPTO. */
enum ippm_err owtw_unif_next(struct owtw_unif *u, uint32_t *out);

/* (a * b) >> 32 on 32.32 fixed-point numbers, computed exactly (RFC
 * 4656 §5.2); the result wraps as the sample code's does. */
uint64_t owtw_num64_mul(uint64_t a, uint64_t b);

/* An exponential deviate of mean 1 as a 32.32 number, Algorithm S with
 * the exact Q table (RFC 4656 §5.1, §5.2, Appendix A). Returns as
 * owtw_unif_next. */
enum ippm_err owtw_exp_next(struct owtw_unif *u, uint64_t *out);

/* A schedule slot: struct owtw_slot of owtw.h, the codec's. */

/* A session's send schedule: the slots (caller-owned, cycled) from a
 * Start Time, both sides computing the same times. */
struct owtw_schedule {
    struct owtw_unif unif;
    const struct owtw_slot *slots;
    uint32_t n_slots;
    uint32_t next; /* sequence number of the next time handed out */
    uint64_t at;   /* 32.32 time of the last one (Start Time at first) */
};

/* Starts the schedule of the session sid at start (an NTP 32.32
 * timestamp). slots must outlive s. Returns IPPM_OK, IPPM_ERR_BAD_ARG
 * (no slots, a type other than 0 or 1), IPPM_ERR_NO_KEY,
 * IPPM_ERR_CRYPTO. Free with owtw_schedule_free. */
enum ippm_err owtw_schedule_init(struct owtw_schedule *s,
                                 const struct ippm_crypto *crypto,
                                 const uint8_t sid[OWTW_SID_LEN],
                                 const struct owtw_slot *slots,
                                 uint32_t n_slots, uint64_t start);
void owtw_schedule_free(struct owtw_schedule *s);

/* The send time of the next packet, sequence number s->next: packet 0 is
 * due at Start Time + X0, packet k at the previous time + Xk, Xk from
 * slot k mod n_slots (RFC 4656 §3.6; twamp-owamp-fixtures.md §4.11).
 * Returns as owtw_unif_next. */
enum ippm_err owtw_schedule_next(struct owtw_schedule *s, uint64_t *send_at);

/* The next n send times into due[0..n) (owtw_schedule_next n times), for
 * a receiver that checks each packet against its time. Returns as
 * owtw_schedule_next; on error due is partly filled. */
enum ippm_err owtw_schedule_fill(struct owtw_schedule *s, uint64_t *due,
                                 uint32_t n);

#endif
