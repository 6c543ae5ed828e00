/* STAMP TLV checks: RFC 8972 §4, RFC 9503, RFC 9534 and the drafts
 * stamp-suite implements. The tables citing them are cases/stamp_8972.c,
 * stamp_9503.c, stamp_9534.c and stamp_drafts.c. Same contract as
 * stamp_checks.h: classify exchanges by content, PASS / FAIL with
 * observed vs expected / N/A with the reason. Internal to conformance/.
 *
 * Most rows share one of a few checks and differ by their argument:
 *   stamp_tlv_chk_pairs   reflector: each request TLV of type arg->type
 *                         (-1 any) against the reply TLV of the same type
 *                         and rank, graded by the rule in arg->data;
 *   stamp_tlv_chk_sends   sender: each request TLV of type arg->type,
 *                         graded by the rule in arg->data;
 *   stamp_tlv_chk_malformed  the reflector marks (or copies past) a
 *                         malformed TLV of type arg->type (-1 any);
 *   stamp_tlv_chk_hmac    the HMAC TLV (RFC 8972 §4.8), arg->type an enum
 *                         stamp_tlv_hmac_rule;
 *   stamp_tlv_chk_hmac_failed  what a reflector does with a request whose
 *                         HMAC TLV fails. */
#ifndef IPPM_STAMP_TLV_CHECKS_H
#define IPPM_STAMP_TLV_CHECKS_H

#include "conformance/stamp/stamp_checks.h"
#include "proto/stamp/stamp.h" /* the TLV types rows name */

/* Row flags (struct ippm_case_arg.flags) for the TLV checks.
 * AWARE: N/A unless the reflector shows RFC 8972 TLV processing.
 * WELLFORMED: only well-formed requests whose HMAC TLV (if any) verifies.
 * PROCESSED: both, the usual reflector row.
 * REFL (hmac): grade the reply, not the request.
 * REMAINDER (malformed): the rest of the packet is copied as sent.
 * COPIED (hmac_failed): the TLVs come back copied, not with I set.
 * STATELESS / STATEFUL: N/A for a stateful / stateless reflector.
 * MISPLACED (hmac_failed): requests whose HMAC TLV is not last. */
#define STAMP_TLV_ROW_AWARE      1u
#define STAMP_TLV_ROW_WELLFORMED 2u
#define STAMP_TLV_ROW_PROCESSED  (STAMP_TLV_ROW_AWARE | STAMP_TLV_ROW_WELLFORMED)
#define STAMP_TLV_ROW_REFL       8u
#define STAMP_TLV_ROW_REMAINDER  16u
#define STAMP_TLV_ROW_COPIED     32u
#define STAMP_TLV_ROW_STATELESS  64u
#define STAMP_TLV_ROW_STATEFUL   128u
#define STAMP_TLV_ROW_MISPLACED  256u

/* What one row grades per TLV, with its N/A reason; opaque to the tables. */
struct stamp_tlv_rule;

enum stamp_tlv_hmac_rule {
    STAMP_TLV_HMAC_PRESENT, /* present where RFC 8972 §4.8 requires it */
    STAMP_TLV_HMAC_LAST,    /* follows every TLV but Extra Padding */
    STAMP_TLV_HMAC_VALID    /* verifies with the key */
};

STAMP_CHECK(stamp_tlv_chk_pairs);
STAMP_CHECK(stamp_tlv_chk_sends);
STAMP_CHECK(stamp_tlv_chk_malformed);
STAMP_CHECK(stamp_tlv_chk_hmac);
STAMP_CHECK(stamp_tlv_chk_hmac_failed);

/* Checks of their own. */
STAMP_CHECK(stamp_tlv_chk_refl_i_cleared);
STAMP_CHECK(stamp_tlv_chk_refl_in_order);
STAMP_CHECK(stamp_tlv_chk_refl_fu_malformed);
STAMP_CHECK(stamp_tlv_chk_send_rp_one);
STAMP_CHECK(stamp_tlv_chk_refl_rp_no_reply);
/* RFC 9503 §4.1.1: a Control Code beside other Return Path sub-TLVs;
 * row type 0: Reply Request 0x0, no reply; 1: 0x1, a reply. */
STAMP_CHECK(stamp_tlv_chk_refl_rp_others_ignored);
/* RFC 9503 §4: only the first Return Path TLV is processed. */
STAMP_CHECK(stamp_tlv_chk_refl_rp_first_only);
STAMP_CHECK(stamp_tlv_chk_refl_asym_zero);
STAMP_CHECK(stamp_tlv_chk_refl_asym_cap);
STAMP_CHECK(stamp_tlv_chk_refl_asym_count);
/* RFC 8972 §4.1: a sender that uses RFC 8972 (an SSID or TLVs) pads
 * packets longer than the base with TLVs, not plain octets. */
STAMP_CHECK(stamp_tlv_chk_send_pads_with_tlv);
/* RFC 8972 §4.6 Access Report retransmissions, seen across a sender's
 * packets (a retransmission: the same session and Sequence Number again,
 * with the Access Report TLV); row type: */
enum stamp_tlv_ar_rule {
    STAMP_TLV_AR_RETRANSMITS, /* an unanswered one is sent again */
    STAMP_TLV_AR_DISARMED,    /* none is sent again after its reply */
    STAMP_TLV_AR_COUNT,       /* up to four retransmissions */
    STAMP_TLV_AR_TIMER        /* 3 s between transmissions */
};
STAMP_CHECK(stamp_tlv_chk_send_ar_retx);

/* The rules rows hand to stamp_tlv_chk_pairs (refl) and _sends (send). */
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_u_unknown;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_u_cleared;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_m_cleared;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_unknown_copied;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_reserved_flags;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_u_set;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_m_clear;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_i_clear;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_reserved_flags;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_padding_len;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_len;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_ports;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_loc_zero;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_loc_sub_i;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_ts_sync;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_ts_method;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_ts_zero;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_present;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_dscp2;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_dscp1_used;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_rp;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_cos_rp;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_cos_reserved;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_dm_present;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_dm_stxc;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_dm_rrxc;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_dm_rtxc;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_dm_stxc;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_dm_zero;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_ar_present;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_ar_copy;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_ar_id;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_ar_resv;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_fu_zero;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_fu_mode;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_hmac_len;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_dna_ssid;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_dna_u_other;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_dna_u_self;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_dna_src;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_rp_u_cannot;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_rp_u_can;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_rp_sub_once;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_rp_exclusive;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_rp_seg_nonempty;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_rp_mpls_mod4;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_rp_srv6_mod16;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_ms_len;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_ms_constant;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_ms_sender_copied;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_ms_discard;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_ms_constant;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_asym_len;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_asym_padding;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_asym_c;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_asym_min;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_hdr_len;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_hdr_flag;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_ber_count;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_ber_burst;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_ber_repair;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_ber_pattern;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_dst_family;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_dst_value;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_src_family;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_src_value;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_mac;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_sub_i;
/* Location sub-TLV Lengths (RFC 8972 §4.2.1): k = 8 grades the MAC
 * sub-TLVs, k = 16 the IP address ones. */
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_sub_len8;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_sub_len16;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_loc_sub_len8;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_loc_sub_len16;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_fu_stateless;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_fu_seq;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_fu_ts;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_private_len;
/* RFC 8972 §4.2.2: the EUI-48 field is the request's captured
 * link-layer source (row type STAMP_TLV_LOCATION). */
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_loc_mac_copy;
/* RFC 8972 §4.1: Extra Padding pseudorandom or zeros (row type
 * STAMP_TLV_PADDING). */
extern const struct stamp_tlv_rule stamp_tlv_rule_send_pad_content;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_fu_len;
extern const struct stamp_tlv_rule stamp_tlv_rule_send_fu_reserved;
extern const struct stamp_tlv_rule stamp_tlv_rule_refl_fu_reserved;

#endif
