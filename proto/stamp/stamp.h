/* STAMP, RFC 8762, with the Session-Sender Identifier of RFC 8972 §3, the
 * TLVs of RFC 8972 §4, RFC 9503 and RFC 9534, and the drafts stamp-suite
 * implements (asymmetrical packets, reflected headers, BER).
 *
 * The whole public API of proto/stamp: packet codecs (stamp_wire.c), TLV
 * codecs and the reflector's TLV handling (stamp_tlv.c), the
 * Session-Reflector and the Session-Sender as event-in/action-out state
 * machines (stamp_session.c). Nothing here reads a clock, does I/O or
 * allocates: buffers and state structs belong to the caller. */
#ifndef STAMP_H
#define STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ippm_addr.h"
#include "../common/ippm_admit.h"
#include "../common/ippm_crypto.h"
#include "../common/ippm_dirs.h"
#include "../common/ippm_err.h"
#include "../common/ippm_event.h"
#include "../common/ippm_srcguard.h"
#include "../common/ippm_stats.h"
#include "../common/ippm_table.h"
#include "../common/ippm_time.h"

#define STAMP_PORT 862           /* RFC 8762 §4.1 */
#define STAMP_BASE_LEN 44        /* RFC 8762 §4.2.1, §4.3.1 */
#define STAMP_AUTH_BASE_LEN 112  /* RFC 8762 §4.2.2, §4.3.2 */
#define STAMP_HMAC_SPAN 96       /* RFC 8762 §4.4: first six 16-octet blocks */
#define STAMP_HMAC_LEN 16        /* HMAC-SHA-256 truncated to 128 bits */
#define STAMP_MAX_LEN 65535      /* largest datagram a codec accepts */
/* TWAMP-Light's unauthenticated Session-Reflector packet, RFC 5357
 * §4.2.1: STAMP's base without the last three MBZ octets (and MBZ where
 * STAMP has the SSID). */
#define STAMP_TWL_REFLECTOR_LEN 41
/* TWAMP-Light's unauthenticated Session-Sender packet without padding,
 * RFC 5357 §4.1.2 (RFC 4656 §4.1.2): Sequence Number, Timestamp, Error
 * Estimate. */
#define STAMP_TWL_SENDER_LEN 14
/* The shortest reply a Session-Sender can measure in open mode: through
 * the Session-Sender Sequence Number, which names the request, past both
 * reflector timestamps and the Error Estimate that says how to read
 * them (RFC 8762 Figure 5 octets 0-27). */
#define STAMP_REPLY_MIN_LEN 28

/* Field offsets, by mode. RFC 8972 §3 puts the SSID in the first two
 * octets of the MBZ that follows the Error Estimate. */
#define STAMP_OPEN_SSID_OFF 14
#define STAMP_AUTH_SSID_OFF 26
#define STAMP_AUTH_HMAC_OFF 96

enum stamp_mode { STAMP_MODE_OPEN = 0, STAMP_MODE_AUTH = 1 };

/* Which packets a Session-Reflector or Session-Sender speaks. TWAMP-Light
 * (RFC 5357 Appendix I) is STAMP's machines with TWAMP-Test's
 * unauthenticated packets (open mode only): a 14-octet request and
 * padding, a 41-octet reply and padding, MBZ where STAMP has the SSID, no
 * TLVs. */
enum stamp_flavour { STAMP_FLAVOUR_STAMP = 0, STAMP_FLAVOUR_TWAMP_LIGHT = 1 };

/* ---- the layout table: where every field of a base packet sits ----
 * One table per packet kind and mode, RFC 8762 Figures 2, 4, 5 and 6
 * with the SSID of RFC 8972 §3. The relay, the checks and the pcap code
 * read offsets from here instead of writing them again. TWAMP-Light
 * shares the packet (RFC 5357 §4.1.2, §4.2.1). */
enum stamp_pkt_kind { STAMP_PKT_SENDER = 0, STAMP_PKT_REFLECTOR = 1 };

enum stamp_field {
    STAMP_F_SEQ,       /* Sequence Number */
    STAMP_F_TS,        /* Timestamp */
    STAMP_F_ERREST,    /* Error Estimate */
    STAMP_F_SSID,      /* RFC 8972 §3 SSID */
    STAMP_F_RX_TS,     /* reflector: Receive Timestamp */
    STAMP_F_SS_SEQ,    /* reflector: Session-Sender Sequence Number */
    STAMP_F_SS_TS,     /* reflector: Session-Sender Timestamp */
    STAMP_F_SS_ERREST, /* reflector: Session-Sender Error Estimate */
    STAMP_F_SS_TTL,    /* reflector: Ses-Sender TTL */
    STAMP_F_HMAC,      /* authenticated mode only */
    STAMP_F_COUNT_
};

/* A run of octets: off and len; len 0 means the packet has no such field. */
struct stamp_span {
    uint16_t off;
    uint16_t len;
};

#define STAMP_LAYOUT_MBZ_MAX 8

struct stamp_layout {
    enum stamp_pkt_kind kind;
    enum stamp_mode mode;
    uint16_t base_len;                      /* 44 or 112 */
    struct stamp_span field[STAMP_F_COUNT_];
    const char *name[STAMP_F_COUNT_];       /* "seq", "ss-ts" ...; NULL: absent */
    struct stamp_span mbz[STAMP_LAYOUT_MBZ_MAX]; /* every MBZ run, in order */
    uint8_t n_mbz;
};

/* The layout of a base packet of this kind in this mode; never NULL. */
const struct stamp_layout *stamp_layout_get(enum stamp_pkt_kind kind,
                                            enum stamp_mode mode);

/* TWAMP-Light's unauthenticated packets, RFC 5357 §4.1.2 (sender, 14
 * octets and padding) and §4.2.1 (reflector, STAMP_TWL_REFLECTOR_LEN):
 * the offsets of STAMP's open mode, with MBZ where STAMP has the SSID.
 * Never NULL. */
const struct stamp_layout *stamp_layout_twamp_light(enum stamp_pkt_kind kind);

/* The field named by the n octets at name ("seq", "ts", "errest", "ssid",
 * "rx-ts", "ss-seq", "ss-ts", "ss-errest", "ttl", "hmac", or "mbz" for
 * the layout's first MBZ run); IPPM_ERR_BAD_ARG when the layout has no
 * field of that name. */
enum ippm_err stamp_layout_find(const struct stamp_layout *l, const char *name,
                                size_t n, struct stamp_span *out);

/* Base length of a packet in this mode (44 or 112). */
size_t stamp_base_len(enum stamp_mode mode);

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

/* Decodes as much of a Session-Reflector packet as there is: a whole
 * one as stamp_reflector_pkt_decode, or in open mode a reply of
 * STAMP_REPLY_MIN_LEN octets or more that stops short of the base
 * (TWAMP-Light's 41 octets, RFC 5357 §4.2.1, or a truncated one). The
 * fields past len read as zero; *have gets a bit (1u << STAMP_F_x) for
 * every field wholly present. Returns IPPM_OK or IPPM_ERR_SHORT (below
 * STAMP_REPLY_MIN_LEN; in authenticated mode below the base). */
enum ippm_err stamp_reflector_pkt_decode_prefix(struct stamp_reflector_pkt *out,
                                                const uint8_t *buf, size_t len,
                                                enum stamp_mode mode,
                                                uint32_t *have);

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
                                      const struct ippm_hmac_key *key);

/* Encodes a Session-Reflector packet, as stamp_sender_pkt_encode. */
enum ippm_err stamp_reflector_pkt_encode(uint8_t *buf, size_t cap,
                                         size_t total_len,
                                         const struct stamp_reflector_pkt *pkt,
                                         enum stamp_mode mode,
                                         const struct ippm_hmac_key *key);

/* Computes the truncated HMAC-SHA-256 over the first 96 octets of an
 * authenticated packet (RFC 8762 §4.4) into out.
 * Returns IPPM_OK, IPPM_ERR_SHORT (len < 112), IPPM_ERR_NO_KEY,
 * IPPM_ERR_CRYPTO. */
enum ippm_err stamp_hmac_compute(const struct ippm_hmac_key *key,
                                 const uint8_t *buf, size_t len,
                                 uint8_t out[STAMP_HMAC_LEN]);

/* Checks the HMAC field of an authenticated packet in constant time.
 * Returns IPPM_OK, IPPM_ERR_HMAC, or an error of stamp_hmac_compute. */
enum ippm_err stamp_hmac_check(const struct ippm_hmac_key *key,
                               const uint8_t *buf, size_t len);

/* ---- TWAMP-Light's packets (stamp_twl.c) ----
 * RFC 5357 §4.1.2 and §4.2.1 in unauthenticated mode, on STAMP's codecs:
 * the fields sit where STAMP's open mode has them (stamp_layout_twamp_light).
 * ssid is always 0; extra is the Packet Padding (after octet 14 in a
 * request, 41 in a reply). */

/* Decodes a TWAMP-Light Session-Sender packet: extra is the padding.
 * mbz_nonzero is false (the format has no MBZ). Returns IPPM_OK or
 * IPPM_ERR_SHORT (len < STAMP_TWL_SENDER_LEN). */
enum ippm_err stamp_twl_sender_pkt_decode(struct stamp_sender_pkt *out,
                                          const uint8_t *buf, size_t len);

/* Decodes a TWAMP-Light Session-Reflector packet: mbz_nonzero for the two
 * MBZ runs (octets 14-15 and 38-39), extra the padding past octet 41.
 * Returns IPPM_OK or IPPM_ERR_SHORT (len < STAMP_TWL_REFLECTOR_LEN). */
enum ippm_err stamp_twl_reflector_pkt_decode(struct stamp_reflector_pkt *out,
                                             const uint8_t *buf, size_t len);

/* Encodes a TWAMP-Light Session-Sender packet of total_len octets (>= 14):
 * the three fields, then pkt->extra and zero padding up to total_len.
 * Returns IPPM_OK, IPPM_ERR_BAD_ARG (total_len out of 14..STAMP_MAX_LEN,
 * extra longer than the room) or IPPM_ERR_NOSPACE (cap < total_len). */
enum ippm_err stamp_twl_sender_pkt_encode(uint8_t *buf, size_t cap,
                                          size_t total_len,
                                          const struct stamp_sender_pkt *pkt);

/* Encodes a TWAMP-Light Session-Reflector packet of total_len octets
 * (>= 41), MBZ zeroed, pkt->ssid ignored; pkt->extra (which may overlap
 * buf: a reflector answering in place) becomes the padding at octet 41.
 * Returns as stamp_twl_sender_pkt_encode. */
enum ippm_err stamp_twl_reflector_pkt_encode(
    uint8_t *buf, size_t cap, size_t total_len,
    const struct stamp_reflector_pkt *pkt);

/* ---- authenticated and encrypted TWAMP Light ----
 * RFC 5357 Appendix I: TWAMP-Test in modes A and E with keys from
 * configuration, on STAMP's machines. proto/stamp holds no TWAMP crypto:
 * whoever holds the test-session keys (proto/twamp's twamp_light_auth)
 * fills these operations, and the machines call them in place of
 * TWAMP-Light's open codecs. */
struct stamp_twl_auth {
    void *ctx;
    size_t sender_base;    /* 48, RFC 5357 §4.1.2 (RFC 4656 §4.1.2) */
    size_t reflector_base; /* 112, §4.2.1 */
    /* Reflector: the whole reflection of the request ev->data (opened,
     * checked, decoded; not modified) into tx: receive time rx_ns,
     * Timestamp tx_ns, TTL and TOS from ev->meta, Sequence Number the
     * request's (copy_seq: stateless, Appendix I) or seq (stateful);
     * *tx_len the reply's length, *ss_seq the request's Sequence Number.
     * Returns IPPM_OK or why the request is dropped (IPPM_ERR_SHORT,
     * IPPM_ERR_HMAC ...). */
    enum ippm_err (*reflect)(void *ctx, const struct ippm_event *ev,
                             uint64_t rx_ns, uint64_t tx_ns, bool copy_seq,
                             uint32_t seq, uint8_t *tx, size_t tx_cap,
                             size_t *tx_len, uint32_t *ss_seq);
    /* Sender: its packet of total_len octets (>= sender_base), encoded
     * and sealed into buf. */
    enum ippm_err (*encode)(void *ctx, uint8_t *buf, size_t cap,
                            size_t total_len,
                            const struct stamp_sender_pkt *pkt);
    /* Sender: a reply of len octets opened (not in place) and decoded;
     * out->extra views buf. Returns IPPM_OK, IPPM_ERR_SHORT,
     * IPPM_ERR_HMAC ... */
    enum ippm_err (*decode)(void *ctx, const uint8_t *buf, size_t len,
                            struct stamp_reflector_pkt *out);
    /* A packet of kind opened in place (decrypted, its MAC checked), for
     * an observer that grades plaintext (the live prober). */
    enum ippm_err (*open)(void *ctx, enum stamp_pkt_kind kind, uint8_t *buf,
                          size_t len);
};

/* ---- TLVs: RFC 8972 §4, RFC 9503, RFC 9534 and drafts (stamp_tlv.c) ----
 *
 * A TLV is a view into the caller's buffer. Decoders report facts (a
 * length the type does not allow is IPPM_ERR_BAD_VALUE); judging them is
 * the reflector's and the catalogue's job. Code points of drafts are the
 * ones stamp-suite uses, with the revision named next to each. */

#define STAMP_TLV_HDR_LEN 4
/* STAMP TLV Flags, RFC 8972 Figure 6: U|M|I|R R R R R. */
#define STAMP_TLV_U 0x80u /* unrecognised */
#define STAMP_TLV_M 0x40u /* malformed */
#define STAMP_TLV_I 0x20u /* integrity (HMAC TLV) failed */
/* draft-ietf-ippm-asymmetrical-pkts-14 §3: Conformant Reflected Packet. */
#define STAMP_TLV_C 0x10u

enum stamp_tlv_type {
    STAMP_TLV_RESERVED = 0,
    STAMP_TLV_PADDING = 1,       /* RFC 8972 §4.1 */
    STAMP_TLV_LOCATION = 2,      /* RFC 8972 §4.2 */
    STAMP_TLV_TSINFO = 3,        /* RFC 8972 §4.3 */
    STAMP_TLV_COS = 4,           /* RFC 8972 §4.4 */
    STAMP_TLV_DIRECT = 5,        /* RFC 8972 §4.5 */
    STAMP_TLV_ACCESS = 6,        /* RFC 8972 §4.6 */
    STAMP_TLV_FOLLOWUP = 7,      /* RFC 8972 §4.7 */
    STAMP_TLV_HMAC = 8,          /* RFC 8972 §4.8 */
    STAMP_TLV_DEST_ADDR = 9,     /* RFC 9503 §3 */
    STAMP_TLV_RETURN_PATH = 10,  /* RFC 9503 §4 */
    STAMP_TLV_MICRO_SESSION = 11,/* RFC 9534 §3.1 */
    STAMP_TLV_REFL_CONTROL = 12, /* draft-ietf-ippm-asymmetrical-pkts-14 §3 */
    STAMP_TLV_BER_PATTERN = 240, /* draft-gandhi-ippm-stamp-ber-05, TBD: */
    STAMP_TLV_BER_COUNT = 241,   /*   experimental code points as in */
    STAMP_TLV_BER_BURST = 242,   /*   stamp-suite */
    STAMP_TLV_EXT_HDR = 246,     /* draft-ietf-ippm-stamp-ext-hdr-07: IPv6 ext. hdr */
    STAMP_TLV_IP_HDR = 247       /* draft-ietf-ippm-stamp-ext-hdr-07: IP header */
};

/* Location sub-TLVs, RFC 8972 §4.2.1 Table 5. */
enum stamp_loc_sub {
    STAMP_LOC_SRC_MAC = 1, STAMP_LOC_SRC_EUI48 = 2, STAMP_LOC_SRC_EUI64 = 3,
    STAMP_LOC_DST_IP = 4, STAMP_LOC_DST_IPV4 = 5, STAMP_LOC_DST_IPV6 = 6,
    STAMP_LOC_SRC_IP = 7, STAMP_LOC_SRC_IPV4 = 8, STAMP_LOC_SRC_IPV6 = 9
};

/* Return Path sub-TLVs, RFC 9503 §4.1 Table 3. */
enum stamp_rp_sub {
    STAMP_RP_CONTROL = 1, STAMP_RP_ADDR = 2, STAMP_RP_MPLS = 3, STAMP_RP_SRV6 = 4
};
#define STAMP_RP_REPLY_SAME_LINK 0x1u /* Control Code Flags bit 31 */

/* Synchronization sources (Table 7) and timestamping methods (Table 9). */
enum stamp_sync_src { STAMP_SYNC_NTP = 1, STAMP_SYNC_PTP = 2,
                      STAMP_SYNC_SSU = 3, STAMP_SYNC_GNSS = 4,
                      STAMP_SYNC_FREE = 5 };
enum stamp_ts_method { STAMP_TSM_HW = 1, STAMP_TSM_SW = 2,
                       STAMP_TSM_CONTROL = 3 };

struct stamp_tlv {
    uint8_t flags;
    uint8_t type;
    uint16_t len;          /* of the value */
    const uint8_t *value;  /* len octets (NULL when len is 0) */
    size_t off;            /* offset of the header in the walked block */
};

struct stamp_tlv_iter {
    const uint8_t *p;
    size_t len;
    size_t off;
};

/* Starts a walk over len octets of TLVs (the octets past a base packet,
 * or the value of a TLV holding sub-TLVs). */
void stamp_tlv_iter_init(struct stamp_tlv_iter *it, const uint8_t *p,
                         size_t len);

/* The next TLV into out. Returns IPPM_OK, IPPM_ERR_DONE at the end,
 * IPPM_ERR_SHORT when 1-3 octets remain (a truncated header: out gets the
 * octets there are, off where it starts), IPPM_ERR_TOO_LONG when the
 * Length runs past the end (out has the header, value NULL). After an
 * error the walk stays where it failed and returns the same error. */
enum ippm_err stamp_tlv_next(struct stamp_tlv_iter *it, struct stamp_tlv *out);

/* Appends a TLV at *off: header, then len octets of value (zeros when
 * value is NULL). *off advances. Returns IPPM_OK or IPPM_ERR_NOSPACE
 * (nothing written). */
enum ippm_err stamp_tlv_put(uint8_t *buf, size_t cap, size_t *off,
                            uint8_t flags, uint8_t type, const void *value,
                            size_t len);

/* Session-Sender encoders: RFC 8972 §4 says the sender sets U and clears M
 * and I, and zeroes every field the reflector fills. Each returns
 * IPPM_OK, IPPM_ERR_NOSPACE or IPPM_ERR_BAD_ARG (a value the format
 * cannot carry). */
enum ippm_err stamp_tlv_put_padding(uint8_t *buf, size_t cap, size_t *off,
                                    size_t len);
/* Location with the generic sub-TLVs asked for (Source MAC, Destination
 * IP, Source IP), RFC 8972 §4.2. */
enum ippm_err stamp_tlv_put_location(uint8_t *buf, size_t cap, size_t *off,
                                     bool src_mac, bool dst_ip, bool src_ip);
enum ippm_err stamp_tlv_put_tsinfo(uint8_t *buf, size_t cap, size_t *off);
enum ippm_err stamp_tlv_put_cos(uint8_t *buf, size_t cap, size_t *off,
                                uint8_t dscp1);
enum ippm_err stamp_tlv_put_direct(uint8_t *buf, size_t cap, size_t *off,
                                   uint32_t s_txc);
enum ippm_err stamp_tlv_put_access(uint8_t *buf, size_t cap, size_t *off,
                                   uint8_t id, uint8_t code);
enum ippm_err stamp_tlv_put_followup(uint8_t *buf, size_t cap, size_t *off);
/* An HMAC TLV of zeros; stamp_tlv_hmac_sign fills it in. */
enum ippm_err stamp_tlv_put_hmac(uint8_t *buf, size_t cap, size_t *off);
enum ippm_err stamp_tlv_put_dest_addr(uint8_t *buf, size_t cap, size_t *off,
                                      const struct ippm_addr *a);
/* Return Path, RFC 9503 §4: control code (has_control), return address
 * (addr family not NONE), SR-MPLS label stack (n_lse entries) or SRv6
 * segment list (n_sid 16-octet SIDs). */
struct stamp_return_path {
    bool has_control;
    uint32_t control;
    struct ippm_addr addr;
    const uint32_t *lse;
    size_t n_lse;
    const uint8_t *sid;
    size_t n_sid;
};
enum ippm_err stamp_tlv_put_return_path(uint8_t *buf, size_t cap, size_t *off,
                                        const struct stamp_return_path *rp);
enum ippm_err stamp_tlv_put_micro_session(uint8_t *buf, size_t cap,
                                          size_t *off, uint16_t sender_id,
                                          uint16_t reflector_id);
/* Reflected Test Packet Control, asymmetrical-pkts-14 §3: value of 12
 * octets (8 fixed and an empty sub-TLV, the draft's minimum). */
enum ippm_err stamp_tlv_put_refl_control(uint8_t *buf, size_t cap,
                                         size_t *off, uint16_t reply_len,
                                         uint16_t count, uint32_t interval_ns);
/* BER, draft-gandhi-ippm-stamp-ber-05: the padding pattern (1-255
 * octets), and the count and burst TLVs the reflector fills. */
enum ippm_err stamp_tlv_put_ber_pattern(uint8_t *buf, size_t cap, size_t *off,
                                        const uint8_t *pattern, size_t len);
enum ippm_err stamp_tlv_put_ber_count(uint8_t *buf, size_t cap, size_t *off);
enum ippm_err stamp_tlv_put_ber_burst(uint8_t *buf, size_t cap, size_t *off);
/* Extra Padding filled with the pattern repeated (BER). */
enum ippm_err stamp_tlv_put_ber_padding(uint8_t *buf, size_t cap, size_t *off,
                                        const uint8_t *pattern,
                                        size_t pattern_len, size_t len);

/* Decoded values. Each decoder returns IPPM_OK, IPPM_ERR_BAD_ARG (a TLV
 * of another type) or IPPM_ERR_BAD_VALUE (a Length the type forbids). */
struct stamp_tlv_cos {
    uint8_t dscp1, dscp2, ecn, rp;
    bool reserved_nonzero;
};
enum ippm_err stamp_tlv_cos_decode(const struct stamp_tlv *t,
                                   struct stamp_tlv_cos *out);
struct stamp_tlv_direct { uint32_t s_txc, r_rxc, r_txc; };
enum ippm_err stamp_tlv_direct_decode(const struct stamp_tlv *t,
                                      struct stamp_tlv_direct *out);
struct stamp_tlv_followup {
    uint32_t seq;
    uint64_t ts;
    uint8_t mode;
    bool reserved_nonzero;
};
enum ippm_err stamp_tlv_followup_decode(const struct stamp_tlv *t,
                                        struct stamp_tlv_followup *out);
struct stamp_tlv_tsinfo { uint8_t sync_in, ts_in, sync_out, ts_out; };
enum ippm_err stamp_tlv_tsinfo_decode(const struct stamp_tlv *t,
                                      struct stamp_tlv_tsinfo *out);
struct stamp_tlv_access {
    uint8_t id, code;
    bool reserved_nonzero;
};
enum ippm_err stamp_tlv_access_decode(const struct stamp_tlv *t,
                                      struct stamp_tlv_access *out);
enum ippm_err stamp_tlv_micro_decode(const struct stamp_tlv *t,
                                     uint16_t *sender_id,
                                     uint16_t *reflector_id);
/* Destination Node Address: 4 or 16 octets into an address (port 0). */
enum ippm_err stamp_tlv_dest_addr_decode(const struct stamp_tlv *t,
                                         struct ippm_addr *out);
struct stamp_tlv_refl_control {
    uint16_t reply_len, count;
    uint32_t interval_ns;
    const uint8_t *sub;
    size_t sub_len;
};
enum ippm_err stamp_tlv_refl_control_decode(
    const struct stamp_tlv *t, struct stamp_tlv_refl_control *out);
/* Location: the two ports and a walk over its sub-TLVs. */
enum ippm_err stamp_tlv_location_decode(const struct stamp_tlv *t,
                                        uint16_t *dst_port, uint16_t *src_port,
                                        struct stamp_tlv_iter *sub);
/* Length a Location sub-TLV of this type must have (8 or 16), 0 unknown. */
size_t stamp_loc_sub_len(uint8_t type);
/* Checks one Return Path sub-TLV's Length against RFC 9503 §4.1.
 * Returns IPPM_OK, IPPM_ERR_BAD_VALUE, IPPM_ERR_BAD_ARG (unknown type). */
enum ippm_err stamp_rp_sub_check(const struct stamp_tlv *sub);
/* The i-th 32-bit word of a (sub-)TLV value, network order: a Return Path
 * Control Code (i 0) or MPLS label stack entry (RFC 9503 §4.1), a BER
 * count (i 0). Returns IPPM_OK or IPPM_ERR_SHORT (the value ends first). */
enum ippm_err stamp_tlv_u32_at(const struct stamp_tlv *t, size_t i,
                               uint32_t *out);
/* The sub-TLVs of a Location (location) or Return Path value walk to the
 * end with Lengths their types allow. */
bool stamp_tlv_subs_ok(const uint8_t *p, size_t n, bool location);

/* HMAC TLV, RFC 8972 §4.8: HMAC-SHA-256 truncated to 128 bits over the
 * Sequence Number of the base packet (pkt[0..3]) and the TLVs before the
 * HMAC TLV, which starts hmac_off octets past the base. */
enum ippm_err stamp_tlv_hmac_compute(const struct ippm_hmac_key *key,
                                     const uint8_t *pkt, size_t base,
                                     size_t hmac_off,
                                     uint8_t out[STAMP_HMAC_LEN]);
/* Writes the HMAC into the TLV at base + hmac_off (its Length must be 16).
 * Returns IPPM_OK, IPPM_ERR_BAD_ARG, IPPM_ERR_NO_KEY, IPPM_ERR_CRYPTO. */
enum ippm_err stamp_tlv_hmac_sign(const struct ippm_hmac_key *key, uint8_t *pkt,
                                  size_t len, size_t base, size_t hmac_off);
/* Checks it in constant time: IPPM_OK, IPPM_ERR_HMAC, or as above. */
enum ippm_err stamp_tlv_hmac_check(const struct ippm_hmac_key *key,
                                   const uint8_t *pkt, size_t len, size_t base,
                                   size_t hmac_off);

/* True when the octets are all zero: RFC 8762 padding, not TLVs. */
bool stamp_tlv_all_zero(const uint8_t *p, size_t len);

/* draft-ietf-ippm-stamp-ext-hdr-07 §3: the value (len octets at v) of a
 * request's nth (from 0) Reflected IPv6 Extension Header Data TLV is the
 * nth IPv6 extension header the datagram arrived with (m->ext_hdrs, in
 * packet order), whole, then zeros. Returns false, v untouched (the
 * reflector then sets U), when there is no such header (IPv4, or none
 * received) or it is longer than len: a header is never cut. */
bool stamp_ext_hdr_fill(uint8_t *v, size_t len, const struct ippm_rx_meta *m,
                        size_t nth);

/* What the Session-Reflector knows when it reflects TLVs. */
struct stamp_tlv_ctx {
    enum stamp_mode mode;
    const struct ippm_hmac_key *key;  /* HMAC TLV key; NULL: cannot verify */
    bool require_hmac;            /* open mode: RFC 8972 §4.8 control */
    const struct ippm_rx_meta *meta;
    const uint8_t *req;           /* the whole request */
    size_t req_len;
    size_t base;                  /* 44 or 112 */
    bool stateful;
    uint32_t rx_count, tx_count;  /* Direct Measurement R_RxC, R_TxC */
    bool have_prev;               /* Follow-Up: a reply went out before */
    uint32_t prev_seq;
    uint64_t prev_ts;             /* its Timestamp, as on the wire */
    uint8_t sync_src, ts_in, ts_out, fu_mode;
    uint64_t dscp_permitted;      /* CoS: bit d set = DSCP d allowed */
    uint16_t micro_session_id;    /* RFC 9534: this member link, 0 none */
    size_t max_reply_len;         /* asymmetrical cap, >= req_len */
    uint16_t max_count;           /* replies it may send now, >= 1 */
    uint64_t min_interval_ns;     /* shortest Interval it honours */
};

/* The DSCPs a Class of Service TLV (RFC 8972 §4.4) may set on a reply
 * unless the operator widens them: all but CS6 (48) and CS7 (56), the
 * network control classes (RFC 4594 §3.2). Any sender could otherwise
 * put its replies into a network's routing-protocol queues. */
#define STAMP_DSCP_PERMITTED_DEFAULT (~(1ull << 48 | 1ull << 56))

struct stamp_tlv_result {
    size_t len;          /* octets of TLVs written to out */
    size_t hmac_off;     /* the reply's HMAC TLV, SIZE_MAX when none */
    int16_t tos;         /* TOS / Traffic Class for the reply, -1 leave */
    enum ippm_err drop;  /* IPPM_OK, or why no reply goes out */
    bool integrity_failed;
    bool malformed;
    bool followup;       /* a Follow-Up TLV (§4.7) was answered: its
                          * session will want this reply's send time */
    uint16_t count;      /* replies to send: asymmetrical, C = 0; 0 or 1: one */
    uint32_t interval_ns;/* between them */
};

/* Reflects the TLVs of a request (ctx->req past ctx->base) into out, in
 * order, per RFC 8972 §4 (U, M, I), §4.1-§4.8, RFC 9503, RFC 9534 and the
 * drafts above. The reply's TLV octets are never more than the request's
 * unless a Reflected Test Packet Control TLV asks, and then no more than
 * ctx->max_reply_len - base. out may be ctx->req + base (in place).
 * Returns IPPM_OK or IPPM_ERR_NOSPACE (out_cap too small). */
enum ippm_err stamp_tlv_reflect(const struct stamp_tlv_ctx *ctx, uint8_t *out,
                                size_t out_cap, struct stamp_tlv_result *res);

/* ---- state machines ---- */

/* STAMP's own drop reasons, in enum ippm_err's protocol range (values 15
 * and 16, as reports and SNMP indexes have always shown them). */
#define STAMP_ERR_NO_REPLY /* RFC 9503: the request asked for no reply */ \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 0))
#define STAMP_ERR_MEMBER_LINK /* RFC 9534: another member link's ID */ \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 1))
/* The source rules of every ippm server (proto/common/ippm_srcguard.h),
 * as the reflector counts its refusals (values 17, 18, 19). */
#define STAMP_ERR_SELF_SOURCE /* its own address and port */                   \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 2))
#define STAMP_ERR_OWN_PORT /* its own port: another reflector */               \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 3))
#define STAMP_ERR_REFLECTING_PORT /* a service that answers anything */        \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 4))
/* The admission rules (proto/common/ippm_admit.h), values 20 and 21. */
#define STAMP_ERR_SOURCE_DENIED /* the allow/deny list refuses it */           \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 5))
#define STAMP_ERR_RATE_LIMITED /* its source's token bucket is empty */        \
    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 6))
/* A request that carries a Timestamp this reflector sent, where a reply
 * has its Timestamp (echoed back) or its Session-Sender Timestamp
 * (reflected by another reflector): its own reply come back, a loop the
 * source rules cannot see (value 22). */
#define STAMP_ERR_OWN_REPLY ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 7))
/* Every reason a STAMP machine drops with is below this: the size of the
 * drop_by counters. */
#define STAMP_ERR_COUNT_ (IPPM_ERR_PROTO_FIRST + 8)

/* ippm_err_str / ippm_err_name that also name STAMP's own reasons
 * ("IPPM_ERR_NO_REPLY", the name reports and metrics labels have used). */
const char *stamp_err_str(enum ippm_err e);
const char *stamp_err_name(enum ippm_err e);

/* ---- Session-Reflector ---- */

#define STAMP_REFLECTOR_SESSIONS 256
/* The most sessions a table may hold: at 133 octets each (see
 * stamp_reflector_store_size) 2^20 take 133 MiB, fixed when the table is
 * set up. */
#define STAMP_REFLECTOR_SESSIONS_MAX (1u << 20)
/* SSIDs a reflector can be provisioned with (RFC 8972 §3). */
#define STAMP_REFLECTOR_SSIDS_MAX 16

/* Asymmetrical packets, draft-ietf-ippm-asymmetrical-pkts-14 §3: a
 * Reflected Test Packet Control TLV asks for Number of Reflected Packets
 * replies, Interval (ns) apart. The reflector sends the first at once and
 * keeps the rest in a fixed table of STAMP_REPEAT_SLOTS requests, each
 * copy a whole reply with its own Timestamp (the copied sender fields,
 * Sequence Number and TLVs unchanged). A request asking beyond the limits
 * gets C = 1 and one reply, as before. The bound (README "Asymmetrical
 * packets"): per request at most max_count replies of at most
 * max_reply_len octets; all sources together at most budget.pps extra
 * replies a second after a burst of budget.burst; and only to the source
 * of an authenticated request (authenticated mode) unless open. */
#define STAMP_REPEAT_SLOTS 8
#define STAMP_REPEAT_MAX_LEN 1472 /* longest reply kept for copies */
#define STAMP_REPEAT_COUNT_MAX 1024
#define STAMP_REPEAT_MIN_INTERVAL_NS 1000000ull /* default: 1 ms */
#define STAMP_REPEAT_PPS 1000   /* default budget: extra replies a second */

struct stamp_repeat_config {
    uint16_t max_count;       /* replies per request, first included;
                               * 0 or 1: one (C = 1 above) */
    uint64_t min_interval_ns; /* shortest Interval honoured; 0: 1 ms */
    struct ippm_rate budget;  /* extra replies, every source; pps 0:
                               * STAMP_REPEAT_PPS, burst 0: pps */
    bool open;                /* open mode too (any source could be
                               * spoofed: amplification) */
};

/* Where a copy goes: the request's source, from the address it came to. */
struct stamp_timer_dest {
    struct ippm_addr peer, local;
};

struct stamp_repeat_slot {
    uint64_t due_ns, interval_ns;
    uint16_t left;            /* copies still to send; 0: free */
    uint16_t len;
    int16_t tos;
    uint32_t seq;             /* the request's */
    struct stamp_timer_dest dest;
    uint8_t pkt[STAMP_REPEAT_MAX_LEN];
};

struct stamp_repeat_counters {
    uint64_t scheduled;       /* requests given more than one reply */
    uint64_t copies;          /* extra replies sent */
};

struct stamp_repeat {
    struct stamp_repeat_slot slot[STAMP_REPEAT_SLOTS];
    struct ippm_bucket budget;
    bool budget_primed;
    struct stamp_repeat_counters counters;
    struct stamp_timer_dest dest;  /* of the last copy TIMER built */
};

struct stamp_reflector_config {
    enum stamp_mode mode;
    /* TWAMP-Light (open mode): every request of STAMP_TWL_SENDER_LEN
     * octets or more is answered with max(its length, 41) octets whose
     * padding re-uses the request's (RFC 6038 §5.2.1): by default the
     * request's padding from octet 14 with the last 27 octets discarded
     * (the truncation of RFC 6038 §5.1.3), with twl_symmetrical the
     * octets from 41 on (RFC 6038 §5.1.4: the padding follows 27 MBZ).
     * No SSID, no TLVs: reply_to_short, tlv and ssids do not apply. */
    enum stamp_flavour flavour;
    bool twl_symmetrical;
    /* TWAMP Light in mode A or E (open mode; numbered as cfg.stateful
     * says, per session); NULL: unauthenticated. Must outlive the
     * reflector. */
    const struct stamp_twl_auth *twl_auth;
    bool stateful;               /* RFC 8762 §4: own counter per session */
    enum ippm_tsfmt tsfmt;       /* format of the reflector's timestamps */
    struct ippm_errest errest;   /* reflector clock's Error Estimate */
    struct ippm_hmac_key key;    /* auth mode, HMAC TLV: a copy of the
                                  * caller's keyed HMAC-SHA-256 context */
    uint64_t session_timeout_ns; /* stateful: idle sessions may be reused */
    /* Stateful: the live sessions one source address (IPv6: one /64) may
     * hold, 0 for no limit. A new one beyond is refused, so one sender
     * cannot take the table however many ports and SSIDs it uses. */
    uint32_t max_sessions_per_source;
    /* Stateful: keys the session table's hash (SipHash-2-4). The driver
     * draws it at random per run, so no sender can aim keys at one chain. */
    uint8_t session_seed[IPPM_TABLE_SEED_LEN];
    /* RFC 8762 §4.6: answer a packet shorter than the base with a base
     * packet, for TWAMP-Light senders. Off by default: the reply is larger
     * than the request, which amplifies. */
    bool reply_to_short;
    /* RFC 8972 TLVs. Off: octets past the base are copied (RFC 8762). */
    bool tlv;
    bool tlv_hmac;               /* open mode: require the HMAC TLV (§4.8) */
    uint8_t sync_src;            /* Timestamp Information, Table 7 */
    uint8_t ts_in, ts_out;       /* Table 9; 0 gives SW Local */
    uint64_t dscp_permitted;     /* CoS: bit d = DSCP d may mark a reply */
    uint16_t micro_session_id;   /* RFC 9534 member link, 0: none */
    /* Largest reply an asymmetrical-packets TLV may ask for; below the
     * request length (0 too) it is the request length: no amplification. */
    size_t max_reply_len;
    /* How many replies it may ask for, and how often (see above). */
    struct stamp_repeat_config repeat;
    /* Sources never answered (issue 10 item 1): the reflector's own
     * address and port, its own port and reflecting services' ports
     * unless allowed. All zeroes: every rule on, the own port and address
     * taken from each datagram's meta->local. */
    struct ippm_src_policy src;
    /* RFC 8762 §6: sources the prefix list refuses, and (ratelimit not
     * NULL) each source's token bucket, checked after src and before
     * anything is decoded; see proto/common/ippm_admit.h. ratelimit is the
     * caller's, per reflector (one per worker thread), and must outlive
     * it. An empty list and NULL answer everyone, as fast as they ask. */
    struct ippm_prefix_list prefixes;
    struct ippm_ratelimit *ratelimit;
    /* RFC 8972 §3: the SSIDs the reflector is provisioned with; a request
     * with another non-zero SSID is dropped (IPPM_ERR_UNKNOWN_SESSION,
     * "MUST discard non-matching STAMP test packets"). n_ssids 0: every
     * SSID is answered. */
    uint16_t ssids[STAMP_REFLECTOR_SSIDS_MAX];
    size_t n_ssids;
};

/* A stateful session's state, kept beside its key (the 4-tuple and the
 * SSID, RFC 8972 §3) in the session table. */
struct stamp_reflector_session {
    uint32_t next_seq;
    uint32_t source;     /* its source address's entry in by_source */
    uint64_t last_ns;
    uint64_t packets;
    bool have_prev;      /* Follow-Up Telemetry, RFC 8972 §4.7 */
    uint32_t prev_seq;
    uint64_t prev_ts;
    /* 0: prev_ts is the reply's Timestamp field; else the kernel's
     * transmit time, by enum stamp_ts_method (stamp_reflector_tx_time). */
    uint8_t prev_mode;
};

/* Which reply a kernel transmit timestamp belongs to: a stateful
 * session's slot and the reply's number (stamp_reflector_last_tx). */
struct stamp_tx_ref {
    bool valid;          /* false: stateless, or no reply */
    uint32_t session;
    uint32_t seq;
};

struct stamp_reflector_counters {
    uint64_t rx;
    uint64_t tx;
    uint64_t dropped;
    uint64_t drop_by[STAMP_ERR_COUNT_];
    uint64_t sessions_evicted;        /* removed, least recently used
                                       * first, to make room for a new one */
    uint64_t sessions_refused_source; /* new ones past the per-source limit */
};

/* The octets of the session key (peer family, address, zone, port; local
 * family, address, zone, port; SSID) and of the source key (peer family,
 * address and zone). */
#define STAMP_REFLECTOR_SESSION_KEY_LEN (2 * IPPM_ADDR_KEY_LEN + 6)
#define STAMP_REFLECTOR_SOURCE_KEY_LEN IPPM_ADDR_SOURCE_KEY_LEN

/* Octets of storage for n sessions: their state, a session count per
 * source address, and the two tables (proto/common/ippm_table.h). */
#define STAMP_REFLECTOR_STORE_SIZE(n)                                          \
    ((size_t)(n) * sizeof(struct stamp_reflector_session) +                   \
     ((size_t)(n) * 4u + 7u) / 8u * 8u +                                       \
     IPPM_TABLE_SIZE(n, STAMP_REFLECTOR_SESSION_KEY_LEN) +                     \
     IPPM_TABLE_SIZE(n, STAMP_REFLECTOR_SOURCE_KEY_LEN))

/* Stateful sessions live in a hash table keyed by the 4-tuple and the
 * SSID (RFC 8972 §3) under cfg.session_seed, in least-recently-used
 * order: O(1) per packet at any fill. A full table evicts the session
 * used longest ago; a second table counts the sessions of each source
 * address against cfg.max_sessions_per_source. By default the storage is
 * the block inside the struct (so r must not be copied once initialised);
 * stamp_reflector_set_sessions hands it caller storage of any size. */
/* Timestamps of the latest replies a reflector remembers (a power of 2),
 * to know its own replies when they come back as requests. */
#define STAMP_REFLECTOR_SENT_BITS 12
#define STAMP_REFLECTOR_SENT (1u << STAMP_REFLECTOR_SENT_BITS)

struct stamp_reflector {
    struct stamp_reflector_config cfg;
    /* The Timestamp of each reply sent, at a slot its value hashes to
     * (direct-mapped: a newer one overwrites, so a loop is missed at
     * worst once in a while, never a request refused by mistake). */
    uint64_t sent_ts[STAMP_REFLECTOR_SENT];
    struct stamp_reflector_session *sessions; /* n_sessions entries */
    uint32_t *source_sessions; /* per by_source entry: its sessions */
    struct ippm_table by_key;  /* session key -> index into sessions */
    struct ippm_table by_source;
    size_t n_sessions;
    size_t sessions_used;
    struct stamp_reflector_counters counters;
    struct stamp_tx_ref last_tx; /* of the last SEND */
    struct stamp_repeat repeat;  /* asymmetrical copies still due */
    uint64_t store[STAMP_REFLECTOR_STORE_SIZE(STAMP_REFLECTOR_SESSIONS) / 8];
};

/* Prepares a reflector with the built-in table of STAMP_REFLECTOR_SESSIONS
 * sessions. cfg is copied; the key context it names must outlive r. */
void stamp_reflector_init(struct stamp_reflector *r,
                          const struct stamp_reflector_config *cfg);

/* Octets of caller storage stamp_reflector_set_sessions needs for n
 * sessions, STAMP_REFLECTOR_STORE_SIZE(n); 0 when n is 0 or above
 * STAMP_REFLECTOR_SESSIONS_MAX. */
size_t stamp_reflector_store_size(size_t n);

/* Gives the reflector caller-owned storage for n sessions
 * (1..STAMP_REFLECTOR_SESSIONS_MAX): mem, of mem_len >=
 * stamp_reflector_store_size(n) octets aligned for uint64_t, must outlive
 * r; its size is all the memory the sessions will ever use. Sessions
 * known so far are forgotten. Returns IPPM_OK or IPPM_ERR_BAD_ARG. */
enum ippm_err stamp_reflector_set_sessions(struct stamp_reflector *r,
                                           void *mem, size_t mem_len,
                                           size_t n);

/* When the driver should next send TIMER: the next asymmetrical copy
 * due, UINT64_MAX when none. TIMER then builds that copy in tx and
 * returns SEND_DATAGRAM, to the address stamp_reflector_timer_dest gives
 * (the request's source, from its local address); NONE when nothing is
 * due. Call it until NONE. */
uint64_t stamp_reflector_deadline(const struct stamp_reflector *r);
struct stamp_timer_dest stamp_reflector_timer_dest(
    const struct stamp_reflector *r);

/* Handles one event. For DATAGRAM, builds the reflected packet in tx (the
 * Receive Timestamp from meta->rx_ns, the Timestamp from ev->now_ns,
 * Ses-Sender TTL from meta->ttl) and returns SEND_DATAGRAM with its
 * length, equal to the request's (unless cfg.tlv and a Reflected Test
 * Packet Control TLV asks otherwise, within cfg.max_reply_len) and
 * act->tos (Class of Service TLV, else -1); or DROP with why:
 * IPPM_ERR_SHORT, IPPM_ERR_HMAC, IPPM_ERR_NOSPACE (tx_cap below the
 * reply), IPPM_ERR_SESSION_FULL (stateful: the source address holds
 * cfg.max_sessions_per_source live sessions), STAMP_ERR_NO_REPLY (RFC 9503 Control Code
 * 0, or zero reflected packets asked), STAMP_ERR_MEMBER_LINK (RFC 9534
 * Reflector Micro-session ID not ours), STAMP_ERR_SELF_SOURCE,
 * STAMP_ERR_OWN_PORT, STAMP_ERR_REFLECTING_PORT (cfg.src refuses the
 * source: nothing else is read). With cfg.tlv the TLVs are handled
 * per stamp_tlv_reflect. tx is per call, not per reflector, so a driver
 * can fill a batch. Returns IPPM_OK unless the event itself is invalid
 * (IPPM_ERR_BAD_ARG, also for BYTES and CLOSED: STAMP has no stream). */
enum ippm_err stamp_reflector_handle(struct stamp_reflector *r,
                                     const struct ippm_event *ev,
                                     uint8_t *tx, size_t tx_cap,
                                     struct ippm_action *act);

/* The reflector clock's Error Estimate and Timestamp Information sync
 * source for the replies from now on: the driver re-reads its clock's
 * discipline periodically (impl/core/clock.h). The Z bit stays the
 * configured format's; a zero Multiplier is read as 1. */
void stamp_reflector_set_clock(struct stamp_reflector *r,
                               struct ippm_errest errest, uint8_t sync_src);

/* RFC 8972 §4.7: "the Timestamp of the previous ... packet" is best the
 * time it actually left. After a SEND whose request carried a Follow-Up
 * TLV to a stateful reflector (else the reference is not valid: no one
 * will ask when that reply left), the driver keeps this reference with
 * the datagram; when the kernel reports its transmit time
 * (SO_TIMESTAMPING), stamp_reflector_tx_time makes the session's next
 * Follow-Up TLV carry that instant, on the driver's clock in Unix ns, with mode
 * STAMP_TSM_SW or STAMP_TSM_HW, instead of the Timestamp field. A time
 * for a reply its session has since followed with another, or for a slot
 * reused by another session, is ignored. */
struct stamp_tx_ref stamp_reflector_last_tx(const struct stamp_reflector *r);
void stamp_reflector_tx_time(struct stamp_reflector *r,
                             struct stamp_tx_ref ref, uint64_t tx_ns,
                             uint8_t mode);

/* ---- Session-Sender ---- */

/* What the user says of the reflector, for the loss split when its replies
 * cannot tell (a stateful reflector's numbers equal ours until a request
 * is lost on the way there). */
enum stamp_reflector_kind {
    STAMP_REFLECTOR_AUTO = 0,  /* inferred from its numbers */
    STAMP_REFLECTOR_STATELESS,
    STAMP_REFLECTOR_STATEFUL
};

struct stamp_sender_config {
    enum stamp_mode mode;
    /* TWAMP-Light (open mode, no ssid, no tlvs): pkt_len from
     * STAMP_TWL_SENDER_LEN, replies whole from STAMP_TWL_REFLECTOR_LEN;
     * with twl_auth (mode A or E) from its bases. */
    enum stamp_flavour flavour;
    const struct stamp_twl_auth *twl_auth;
    enum ippm_tsfmt tsfmt;
    struct ippm_errest errest;
    struct ippm_hmac_key key;
    uint16_t ssid;          /* 0: not used */
    size_t pkt_len;         /* >= base length of the mode */
    uint32_t count;         /* packets to send */
    uint64_t interval_ns;   /* between sends */
    uint64_t wait_ns;       /* how long to wait for replies after the last send */
    /* Once every packet has its reply, how long to wait after the last
     * send for late copies: 0 for 3 x the largest RTT, at least
     * STAMP_GRACE_MIN_NS; never more than wait_ns. */
    uint64_t grace_ns;
    enum stamp_reflector_kind reflector;
    uint64_t start_ns;      /* first send time */
    /* RFC 8972 TLVs sent after the base, built with stamp_tlv_put_*; NULL
     * for none. Octets up to pkt_len past them become an Extra Padding
     * TLV (at least 4 octets of room, or none). Per packet the sender
     * fills Direct Measurement S_TxC and signs an HMAC TLV (key above;
     * in open mode too). */
    const uint8_t *tlvs;
    size_t tlvs_len;
    /* RFC 8972 §4.6: when the TLVs carry an Access Report, a packet
     * whose reply has not come within ar_timer_ns (0: the default, 3 s)
     * is sent again, the same Sequence Number with a new Timestamp, up to
     * ar_retransmits times (0: 4). */
    uint64_t ar_timer_ns;
    uint8_t ar_retransmits;
};

enum stamp_result_state { STAMP_RES_PENDING = 0, STAMP_RES_SENT, STAMP_RES_RECEIVED };

/* What became of one sequence number. Times are Unix ns; t2 and t3 are on
 * the reflector's clock, t1 and t4 on ours. */
struct stamp_result {
    uint8_t state;          /* enum stamp_result_state */
    bool reordered;         /* RFC 4737 §3.3, first copy only */
    bool ts_malformed;      /* reflector timestamp could not be read */
    uint16_t duplicates;    /* copies after the first */
    uint16_t copies;        /* asked-for extra replies (asymmetrical
                             * packets), not counted as duplicates */
    uint64_t t1_ns, t2_ns, t3_ns, t4_ns;
    uint32_t refl_seq;
    uint16_t refl_ssid;
    uint8_t refl_ttl;       /* Ses-Sender TTL the reflector reported */
    bool refl_ttl_absent;   /* the reply stopped before Ses-Sender TTL */
    /* The reply's length when it stopped short of the base (open mode:
     * TWAMP-Light, RFC 5357 §4.2.1, or truncated); 0 for a whole one. */
    uint16_t short_len;
    int16_t rx_ttl;         /* TTL the reply arrived with, -1 unknown */
    uint16_t refl_errest;
    uint16_t ss_errest;     /* ours, as the reflector copied it */
    uint32_t arrival;       /* index among first arrivals */
    uint8_t tlv_flags;      /* OR of the flags of the reply's TLVs */
    uint8_t tlv_status;     /* enum stamp_tlv_status */
    /* The reply's Direct Measurement TLV (RFC 8972 §4.5), when it carried
     * one the reflector filled (U clear, TLVs OK). */
    bool dm;
    uint32_t dm_s_txc, dm_r_rxc, dm_r_txc;
    struct ippm_dir_slot dir; /* the reflections seen, for directions */
};

/* How the TLVs of a reply read to the sender (RFC 8972 §4, §4.8). */
enum stamp_tlv_status {
    STAMP_TLVS_NONE = 0,  /* no TLVs */
    STAMP_TLVS_OK,        /* walked to the end, HMAC TLV (if any) good */
    STAMP_TLVS_MALFORMED, /* a TLV did not parse, or M set: stopped */
    STAMP_TLVS_INTEGRITY  /* I set, or the HMAC TLV failed: discarded */
};

struct stamp_sender_counters {
    uint64_t sent;
    uint64_t received;      /* first copies */
    uint64_t duplicates;
    uint64_t reordered;
    uint64_t dropped;       /* replies not accepted (malformed, HMAC, foreign) */
    uint64_t drop_by[STAMP_ERR_COUNT_];
    /* First copies measured although shorter than the base (open mode,
     * STAMP_REPLY_MIN_LEN and up): the reflector is not STAMP-conformant
     * (RFC 8762 §4.3). Their shortest and longest lengths. */
    uint64_t short_replies;
    uint16_t short_len_min, short_len_max;
    /* Duplicates by direction: a copy of the request is reflected anew
     * (new Receive Timestamp or reflector number), a copy of the reply
     * repeats a reflection (ippm_dirs.h). */
    uint64_t dup_forward, dup_backward;
    /* Asymmetrical packets: the extra replies a Reflected Test Packet
     * Control TLV asked for that arrived (the same reflection, a new
     * Timestamp), up to Number of Reflected Packets - 1 per request. */
    uint64_t copies;
    uint64_t copies_refused; /* first replies with C (or U) set on it */
};

/* The statistics of the records that left the ring, kept as they go, so
 * the memory of a session does not grow with its packet count. */
struct stamp_sender_acc {
    struct ippm_dist rtt, fwd, bwd, ipdv; /* see struct stamp_stats */
    struct ippm_sum ipdv_abs;             /* sum of |IPDV|: the jitter */
    struct ippm_ipdv ipdv_pair;           /* the previous reply retired */
    bool stateful;          /* a reply numbered apart from its request */
    /* RFC 8972 §4.5: Direct Measurement counters of the first and the
     * last reply (by sequence number) that carried them, and the requests
     * not answered between the two. */
    bool dm_any;
    uint32_t dm_first_s_txc, dm_first_r_rxc, dm_last_s_txc, dm_last_r_rxc;
    uint64_t dm_lost_in;    /* unanswered between first and last */
    uint64_t dm_lost_run;   /* unanswered since the last */
    uint64_t dm_lost_head;  /* unanswered before the first */
    struct ippm_dir_loss dir_loss; /* a stateful reflector's gaps */
    struct ippm_owd_trust clocks; /* both ends' Error Estimates */
};

/* Access Report packets awaiting their reply at once (RFC 8972 §4.6);
 * a new one takes the place of the one armed longest ago. */
#define STAMP_SENDER_AR_PENDING 8

/* One Access Report packet's retransmission timer. */
struct stamp_ar_timer {
    bool armed;
    uint8_t left;    /* retransmissions still allowed */
    uint32_t seq;
    uint64_t due_ns; /* when it is sent again */
};

struct stamp_sender {
    struct stamp_sender_config cfg;
    /* Caller-owned ring of records, ring entries, keyed by sequence number
     * (seq % ring): a request stays in it, awaiting its reply and copies,
     * until a later send needs its slot or the session is over. */
    struct stamp_result *res;
    uint32_t ring;
    uint32_t retired;       /* sequence numbers below have left the ring */
    uint32_t next_seq;
    uint64_t next_send_ns;
    uint64_t last_send_ns;
    bool done;
    struct ippm_reorder reorder;
    struct stamp_sender_counters counters;
    uint64_t rtt_max_ns;    /* t4 - t1 of first copies, for the grace */
    struct stamp_sender_acc acc;
    bool has_ar;            /* the TLVs carry an Access Report */
    struct stamp_ar_timer ar[STAMP_SENDER_AR_PENDING];
    uint64_t ar_retransmitted; /* packets sent again, RFC 8972 §4.6 */
    uint16_t asked_replies; /* Reflected Test Packet Control's count */
    uint32_t asked_interval_ns;
};

/* Prepares a sender. res is the ring of records awaiting replies, n_res
 * entries (at most cfg->count are used), and must outlive s. A reply, or
 * a copy, is matched while its request is among the last n_res sent;
 * after that it is dropped as IPPM_ERR_UNEXPECTED and the request counts
 * as lost. With n_res >= cfg->count every reply until DONE is matched.
 * Returns IPPM_OK or IPPM_ERR_BAD_ARG (pkt_len below base, count 0, no
 * ring, auth mode without key). */
enum ippm_err stamp_sender_init(struct stamp_sender *s,
                                const struct stamp_sender_config *cfg,
                                struct stamp_result *res, size_t n_res);

/* The record of seq while it is in the ring (sent, not yet retired);
 * NULL otherwise. Valid until the next call on s. */
const struct stamp_result *stamp_sender_result(const struct stamp_sender *s,
                                               uint32_t seq);

/* A received record's round trip: t4 - t1 less the reflector's residence
 * time t3 - t2, or the whole t4 - t1 when a reflector timestamp could
 * not be decoded (ts_malformed), as the statistics count it. The one-way
 * delays t2 - t1 and t4 - t3 are samples only when !ts_malformed. */
int64_t stamp_result_rtt(const struct stamp_result *r);

/* Retires the oldest record when its slot is wanted (the ring is full and
 * packets remain to be sent) or, with flush, while any is left: folds it
 * into the statistics and copies it to *out, its sequence number to *seq.
 * Records retire in sequence order, each once and in its final state, so
 * a driver calls this before each TIMER, and with flush at the end, to
 * write per-packet output as it goes. Returns false when none retires.
 * The sender retires a record itself (unseen) when a send needs its slot. */
bool stamp_sender_retire(struct stamp_sender *s, bool flush, uint32_t *seq,
                         struct stamp_result *out);

/* When the driver should next send TIMER: the next send time, or the end
 * of the wait after the last send. UINT64_MAX once done. */
uint64_t stamp_sender_deadline(const struct stamp_sender *s);

/* Sends nothing more: what was sent becomes the count (a run of fixed
 * duration that has ended); the replies are still awaited as after the
 * last packet of a count. */
void stamp_sender_end_sending(struct stamp_sender *s);

/* TIMER: sends the next packet (SEND_DATAGRAM, act->seq) into tx with
 * Timestamp = now_ns when one is due (cfg.tlvs after the base, S_TxC and
 * HMAC TLV filled), DONE after the wait, else NONE. DATAGRAM: matches a
 * reply to its sequence number and records it (NONE with act->seq,
 * act->view the reply's TLVs; with cfg.tlvs the result's tlv_flags and
 * tlv_status; in open mode a reply short of the base but of
 * STAMP_REPLY_MIN_LEN octets or more too, with short_len set), or DROP
 * with why (IPPM_ERR_SHORT, IPPM_ERR_HMAC,
 * IPPM_ERR_UNEXPECTED for a sequence number never sent, IPPM_ERR_DUPLICATE
 * for a copy, which is still counted, STAMP_ERR_MEMBER_LINK for a reply
 * whose Micro-session IDs are not the ones sent, RFC 9534 §3.2). STOP:
 * DONE. */
enum ippm_err stamp_sender_handle(struct stamp_sender *s,
                                  const struct ippm_event *ev, uint8_t *tx,
                                  size_t tx_cap, struct ippm_action *act);

enum stamp_dir_source {
    STAMP_DIR_NONE = 0,
    STAMP_DIR_STATEFUL, /* the reflector's own sequence numbers */
    STAMP_DIR_DM,       /* Direct Measurement R_RxC, RFC 8972 §4.5 */
    STAMP_DIR_STATED    /* stateful as cfg.reflector states: its numbers */
};

#define STAMP_GRACE_MIN_NS 200000000ull /* see stamp_sender_config */

/* Summary of a run. One-way delays assume synchronised clocks. Counts,
 * loss, min, max and means are exact; median, p95 and p99 come from a
 * histogram, within 1/128 (0.79 %) of the exact order statistic (see
 * IPPM_HIST_SUB_BITS). */
struct stamp_stats {
    uint64_t sent, received, lost, duplicated, reordered;
    double loss_pct;
    /* Loss split by direction: from the reflector's Direct Measurement
     * counters (RFC 8972 §4.5; stateless or stateful), else from a
     * stateful reflector's sequence numbers (RFC 8762 §4.3.1), inferred
     * or stated. Loss after the last reply that tells (with DM, before
     * the first too) is of unknown direction: lost_forward + lost_backward
     * + lost_unknown = lost. */
    bool directional;
    uint8_t directional_by;        /* enum stamp_dir_source */
    uint64_t lost_forward, lost_backward, lost_unknown;
    uint64_t dup_forward, dup_backward; /* see stamp_sender_counters */
    struct ippm_summary rtt;       /* (t4 - t1) - (t3 - t2), ns */
    struct ippm_summary fwd;       /* t2 - t1 */
    struct ippm_summary bwd;       /* t4 - t3 */
    struct ippm_summary ipdv;      /* RFC 3393 of RTT, consecutive sequence numbers */
    double jitter_ns;              /* mean |IPDV| of RTT */
    /* Whether fwd and bwd can be trusted: the Session-Sender and
     * Reflector Error Estimates of every reply (RFC 8762 §4.3.1, RFC 4656
     * §4.1.2). */
    struct ippm_owd_trust clocks;
    /* Asymmetrical packets: replies asked per request (0: not asked),
     * the extra ones expected for the requests answered, and arrived. */
    uint16_t copies_asked;
    uint64_t copies_expected, copies;
    uint64_t copies_refused; /* requests answered with C = 1: one reply */
};

/* Retires every record left in the ring (see stamp_sender_retire) and
 * summarises the session. */
void stamp_sender_stats(struct stamp_sender *s, struct stamp_stats *out);

/* This sender's Error Estimate for the packets from now on (see
 * stamp_reflector_set_clock). */
void stamp_sender_set_errest(struct stamp_sender *s, struct ippm_errest e);

/* The kernel's transmit time of packet seq (SO_TIMESTAMPING, on the
 * driver's clock) replaces its T1 when it falls within
 * STAMP_TX_TIME_MAX_LAG_NS after the clock read that went into the
 * packet (a later one belongs to another packet, an earlier one to a
 * send that was re-sent since). Returns true when it did. */
#define STAMP_TX_TIME_MAX_LAG_NS IPPM_NS_PER_SEC
bool stamp_sender_tx_time(struct stamp_sender *s, uint32_t seq,
                          uint64_t tx_ns);

#endif
