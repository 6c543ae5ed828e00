/* STAMP drafts that stamp-suite implements, at the revisions and with the
 * code points it uses:
 *  - draft-ietf-ippm-asymmetrical-pkts-14 (16 March 2026, in the RFC
 *    Editor queue): Reflected Test Packet Control TLV, type 12; value
 *    Length of the Reflected Packet (16 bits), Number of the Reflected
 *    Packets (16), Interval (32, ns), sub-TLVs; Length >= 12; C flag =
 *    0x10 of the STAMP TLV Flags.
 *  - draft-ietf-ippm-stamp-ext-hdr-07 (6 November 2025): Reflected IPv6
 *    Extension Header Data TLV, type 246, and Reflected IP Header TLV,
 *    type 247 (experimental range; no IANA assignment).
 *  - draft-gandhi-ippm-stamp-ber-05: types TBD in the draft; stamp-suite
 *    uses 240 (Bit Pattern in Padding), 241 (Bit Error Count), 242 (Max
 *    Bit Error Burst, its local choice); default pattern 0xFF00.
 * The draft texts are not in ../shared/rfc (beside the repository): where a rule reduces to
 * RFC 8972 the quote is RFC 8972's (checked by ci/check-quotes.sh); a
 * quote of the draft itself is taken from stamp-suite's conformance
 * matrix (doc/conformance/draft-*.md) and is skipped by the quote check,
 * which only knows RFCs. IDs are STAMP-<DRAFT>-<section>-<counter>. */
#include "cases.h"

#include "conformance/stamp/stamp_tlv_checks.h"

#define R IPPM_ROLE_REFLECTOR
#define S IPPM_ROLE_SENDER

const struct ippm_case ippm_cases_stamp_drafts[] = {
    /* ---- asymmetrical packets, type 12 ---- */
    {"STAMP-ASYM-3-01", "draft-ietf-ippm-asymmetrical-pkts-14 §3", IPPM_MUST, R,
     "Conformant reply (C = 0) is as long as the rules say",
     "The length of the reflected test packet MUST be the largest of", 0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_REFL_CONTROL, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_asym_len}},
    {"STAMP-ASYM-3-02", "draft-ietf-ippm-asymmetrical-pkts-14 §3", IPPM_MUST, R,
     "Number of Reflected Packets 0: no reply",
     "If the Number of Reflected Packets field is set to zero, the "
     "Session-Reflector MUST NOT send any reflected packets.",
     0, stamp_tlv_chk_refl_asym_zero},
    {"STAMP-ASYM-3-03", "draft-ietf-ippm-asymmetrical-pkts-14 §3", IPPM_MUST, R,
     "A longer reply is made up by an Extra Padding TLV",
     "the Session-Reflector MUST use the Extra Padding TLV ... to increase "
     "the length of the reflected test packet",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_REFL_CONTROL, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_asym_padding}},
    {"STAMP-ASYM-3-04", "draft-ietf-ippm-asymmetrical-pkts-14 §3", IPPM_MUST, S,
     "Sender zeroes the C flag",
     "A Session-Sender MUST zero this flag on "
     "transmission",
     0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_REFL_CONTROL, 0, &stamp_tlv_rule_send_asym_c}},
    {"STAMP-ASYM-3-05", "draft-ietf-ippm-asymmetrical-pkts-14 §3", IPPM_MUST, S,
     "Reflected Test Packet Control TLV Length 12 or more",
     "Length is a two-octet field. The value is variable, and MUST NOT be "
     "smaller than 12 octets.",
     0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_REFL_CONTROL, 0, &stamp_tlv_rule_send_asym_min}},
    {"STAMP-ASYM-3-06", "draft-ietf-ippm-asymmetrical-pkts-14 §3", IPPM_MUST, R,
     "No reply larger than its request unless the TLV asks for it",
     "a Session-Reflector that supports the Reflected Test Control TLV MUST "
     "enforce limits on both the data rate (bytes per second) and the total "
     "data volume (bytes) of the STAMP payload it generates in response to "
     "an incoming test packet",
     0, stamp_tlv_chk_refl_asym_cap},
    {"STAMP-ASYM-3-07", "draft-ietf-ippm-asymmetrical-pkts-14 §3", IPPM_MUST, R,
     "Number of Reflected Packets sent, Interval apart (C = 0)",
     "Number of Reflected Packets ... Interval Between the Reflected "
     "Packets",
     0, stamp_tlv_chk_refl_asym_count},

    /* ---- reflected headers, types 246 and 247 ---- */
    {"STAMP-HDR-3-01", "draft-ietf-ippm-stamp-ext-hdr-07 §3 (RFC 8972 §4)",
     IPPM_MUST, R, "Reflected-header TLV comes back with its length",
     "If an implementation of a Session-Reflector does not recognize the "
     "Type field value, it MUST include a copy of the TLV in the reflected "
     "STAMP packet.",
     0,
     stamp_tlv_chk_pairs,
     {-1, STAMP_TLV_ROW_WELLFORMED, &stamp_tlv_rule_refl_hdr_len}},
    {"STAMP-HDR-3-02", "draft-ietf-ippm-stamp-ext-hdr-07 §3 (RFC 8972 §4)",
     IPPM_MUST, R, "Reflected-header TLV not filled in says so with U = 1",
     "A Session-Reflector that supports TLVs will indicate specific TLVs "
     "that it did not process by setting the U flag to 1 in those TLVs.",
     0,
     stamp_tlv_chk_pairs,
     {-1, STAMP_TLV_ROW_PROCESSED, &stamp_tlv_rule_refl_hdr_flag}},

    /* ---- bit error rate, types 240-242 ---- */
    {"STAMP-BER-4.2-01", "draft-gandhi-ippm-stamp-ber-05 §4.2", IPPM_MUST, R,
     "Bit Error Count is the errors in the padding received",
     "Reflected error count", 0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_BER_COUNT, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_ber_count}},
    {"STAMP-BER-4.2-02", "draft-gandhi-ippm-stamp-ber-05 §4.2", IPPM_MUST, R,
     "Max Bit Error Burst is the longest run of errors received",
     "Reflected maximum error burst", 0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_BER_BURST, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_ber_burst}},
    {"STAMP-BER-4.2-03", "draft-gandhi-ippm-stamp-ber-05 §4.2", IPPM_MAY, R,
     "Reflected padding repaired to the pattern", "Padding repair", 0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_PADDING, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_ber_repair}},
    {"STAMP-BER-4.1-01", "draft-gandhi-ippm-stamp-ber-05 §4.1", IPPM_MUST, S,
     "Padding is the pattern repeated, whole repetitions",
     "Pattern matches padding", 0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_PADDING, 0, &stamp_tlv_rule_send_ber_pattern}},
};

const size_t ippm_cases_stamp_drafts_n =
    sizeof ippm_cases_stamp_drafts / sizeof ippm_cases_stamp_drafts[0];
