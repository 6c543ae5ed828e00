/* STAMP extensions for segment routing, RFC 9503: the Destination Node
 * Address TLV (§3, type 9) and the Return Path TLV with its sub-TLVs (§4,
 * type 10). IDs are STAMP-9503-<section>-<counter>, never renumbered.
 * Quotes are word for word from ../shared/rfc (beside the repository)/rfc9503.txt. */
#include "cases.h"

#include "conformance/stamp/stamp_tlv_checks.h"

#define R IPPM_ROLE_REFLECTOR
#define S IPPM_ROLE_SENDER

const struct ippm_case ippm_cases_stamp_9503[] = {
    /* ---- §3 Destination Node Address ---- */
    {"STAMP-9503-3-01", "RFC 9503 §3", IPPM_MUST, S,
     "Destination Node Address TLV goes with an SSID",
     "If the Destination Node Address TLV is sent, the SSID MUST also be "
     "sent.",
     0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_DEST_ADDR, 0, &stamp_tlv_rule_send_dna_ssid}},
    {"STAMP-9503-3-02", "RFC 9503 §3", IPPM_MUST, R,
     "Address not the reflector's: U = 1 in the reply",
     "A Session-Reflector that recognizes this TLV MUST set the U flag "
     "[RFC8972] in the reply test packet to 1 if the Session-Reflector "
     "determined that it is not the intended destination as identified in "
     "the Destination Node Address TLV.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_DEST_ADDR, STAMP_TLV_ROW_WELLFORMED,
      &stamp_tlv_rule_refl_dna_u_other}},
    {"STAMP-9503-3-03", "RFC 9503 §3", IPPM_MUST, R,
     "Address the request went to: U = 0 in the reply",
     "Otherwise, the Session-Reflector MUST set the U flag in the "
     "Destination Node Address TLV in the reply test packet to 0.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_DEST_ADDR, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_dna_u_self}},
    {"STAMP-9503-3-04", "RFC 9503 §3 (RFC 8972 §4)", IPPM_MUST, R,
     "Destination Node Address of neither 4 nor 16 octets: M = 1",
     "The length is 4 octets for an IPv4 address and 16 octets for an IPv6 "
     "address.",
     0, stamp_tlv_chk_malformed, {STAMP_TLV_DEST_ADDR, 0}},

    /* ---- §4 Return Path ---- */
    {"STAMP-9503-4-01", "RFC 9503 §4", IPPM_MUST, S,
     "At most one Return Path TLV per packet",
     "A Session-Sender MUST NOT insert more than one Return Path TLV in the "
     "STAMP test packet.",
     0, stamp_tlv_chk_send_rp_one},
    {"STAMP-9503-4-02", "RFC 9503 §4", IPPM_MUST, R,
     "Return Address not followed (the reply came to the sender): U = 1",
     "A Session-Reflector that recognizes this TLV MUST set the U flag "
     "[RFC8972] in the reply test packet to 1 if the Session-Reflector "
     "determined that it cannot use the Return Path in the test packet to "
     "transmit the reply test packet.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_RETURN_PATH, STAMP_TLV_ROW_WELLFORMED,
      &stamp_tlv_rule_refl_rp_u_cannot}},
    {"STAMP-9503-4-03", "RFC 9503 §4", IPPM_MUST, R,
     "Return Address is the sender's own: followed, U = 0",
     "Otherwise, the Session-Reflector MUST set the U flag in the reply "
     "test packet to 0.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_RETURN_PATH, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_rp_u_can}},
    {"STAMP-9503-4-04", "RFC 9503 §4.1 (RFC 8972 §4)", IPPM_MUST, R,
     "Return Path with a malformed or overflowing sub-TLV: M = 1",
     "The STAMP Sub-TLV Flags are set using the procedures described in "
     "[RFC8972].",
     0, stamp_tlv_chk_malformed, {STAMP_TLV_RETURN_PATH, 0}},
    {"STAMP-9503-4.1-01", "RFC 9503 §4.1", IPPM_MUST, S,
     "One control code, address and segment list sub-TLV at most",
     "A Return Path TLV MUST NOT contain more than one Control Code "
     "Sub-TLV, Return Address Sub-TLV, or Return Path Segment List Sub-TLV "
     "in a Session-Sender test packet.",
     0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_RETURN_PATH, 0, &stamp_tlv_rule_send_rp_sub_once}},
    {"STAMP-9503-4.1-02", "RFC 9503 §4.1", IPPM_MUST, S,
     "Control Code never with an address or a segment list",
     "A Return Path TLV MUST NOT contain both a Control Code Sub-TLV and a "
     "Return Address or Return Path Segment List Sub-TLV in a "
     "Session-Sender test packet.",
     0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_RETURN_PATH, 0, &stamp_tlv_rule_send_rp_exclusive}},
    {"STAMP-9503-4.1.1-01", "RFC 9503 §4.1.1", IPPM_MUST, R,
     "Control Code 0x0: no reply is sent",
     "When Control Code flag for Reply Request is set to 0x0 in the "
     "Session-Sender test packet, the Session-Reflector does not transmit a "
     "reply test packet to the Session-Sender and terminates the STAMP test "
     "packet.",
     0, stamp_tlv_chk_refl_rp_no_reply},
    {"STAMP-9503-4.1.3-01", "RFC 9503 §4.1.3", IPPM_MUST, S,
     "Segment list sub-TLV not empty", "The length MUST NOT be 0.", 0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_RETURN_PATH, 0, &stamp_tlv_rule_send_rp_seg_nonempty}},
    {"STAMP-9503-4.1.3.1-01", "RFC 9503 §4.1.3.1", IPPM_MUST, S,
     "SR-MPLS label stack length a multiple of 4",
     "The length of the Sub-TLV modulo 4 MUST be 0.", 0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_RETURN_PATH, 0, &stamp_tlv_rule_send_rp_mpls_mod4}},
    {"STAMP-9503-4.1.3.2-01", "RFC 9503 §4.1.3.2", IPPM_MUST, S,
     "SRv6 segment list length a multiple of 16",
     "The length of the Sub-TLV modulo 16 MUST be 0.", 0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_RETURN_PATH, 0, &stamp_tlv_rule_send_rp_srv6_mod16}},

    /* ---- §4.1.1 other sub-TLVs beside a Control Code (added later) ---- */
    {"STAMP-9503-4.1.1-02", "RFC 9503 §4.1.1", IPPM_MUST, R,
     "Control Code 0x0 beside a Return Address: still no reply",
     "All other Return Path Sub-TLVs MUST be ignored in this case.", 0,
     stamp_tlv_chk_refl_rp_others_ignored, {0, 0}},
    {"STAMP-9503-4.1.1-03", "RFC 9503 §4.1.1", IPPM_MUST, R,
     "Control Code 0x1 beside a Return Address: the reply still comes back",
     "All other Return Path Sub-TLVs MUST be ignored in this case.", 0,
     stamp_tlv_chk_refl_rp_others_ignored, {1, 0}},

    /* ---- §3 the reply's source address (added later) ---- */
    {"STAMP-9503-3-05", "RFC 9503 §3", IPPM_SHOULD, R,
     "Reply comes from the Destination Node Address when it is the "
     "reflector's",
     "If the received Destination Node Address is one of the addresses of "
     "the Session-Reflector, it SHOULD be used as the Source Address in the "
     "IP header of the reply test packet.",
     0, stamp_tlv_chk_pairs,
     {STAMP_TLV_DEST_ADDR, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_dna_src}},

    /* ---- §4 two Return Path TLVs (added later) ---- */
    {"STAMP-9503-4-05", "RFC 9503 §4", IPPM_MUST, R,
     "Two Return Path TLVs: only the first is followed",
     "A Session-Reflector that supports this TLV MUST only process the "
     "first Return Path TLV in the test packet and ignore other Return Path "
     "TLVs if present.",
     0, stamp_tlv_chk_refl_rp_first_only},
};

const size_t ippm_cases_stamp_9503_n =
    sizeof ippm_cases_stamp_9503 / sizeof ippm_cases_stamp_9503[0];
