/* STAMP optional extensions, RFC 8972: the Session-Sender Identifier of
 * §3 and the TLVs of §4. IDs are STAMP-8972-<section>-<counter>, never
 * renumbered. Quotes are word for word from ../shared/rfc (beside the repository)/rfc8972.txt
 * (ci/check-quotes.sh); conformance/deviations.md says where a case reads
 * a sentence without a key word as a requirement. */
#include "cases.h"

#include "conformance/stamp/stamp_checks.h"
#include "conformance/stamp/stamp_tlv_checks.h"

#define R IPPM_ROLE_REFLECTOR
#define S IPPM_ROLE_SENDER

static const char q_u_refl[] =
    "A Session-Reflector MUST set the U flag to 1 if the Session-Reflector "
    "has not understood the TLV.";
static const char q_m_refl[] =
    "A Session-Reflector MUST set the M flag to 1 if the Session-Reflector "
    "determined the TLV is malformed, i.e., the Length field value is not "
    "valid for the particular type, or the remaining length of the extended "
    "STAMP packet is less than the size of the TLV.";
static const char q_m_copy[] =
    "The Session-Reflector MUST copy the remainder of the received extended "
    "STAMP packet into the reflected STAMP packet.";
static const char q_loc_verify[] =
    "The Session-Reflector MUST verify that the TLV is well formed.";
static const char q_sub_i[] =
    "The I flag MUST be set by a Session-Sender and Session-Reflector to 0 "
    "before transmission and its value ignored on receipt.";
/* RFC 8972 §4.2.1 says this of each sub-TLV (types 1-3 and 4-9). */
static const char q_sub_len8[] =
    "The value of the Length field MUST be equal to 8.";
static const char q_sub_len16[] =
    "The value of the Length field MUST be equal to 16.";
static const char q_fu_reserved[] =
    "Reserved:  A three-octet field.  Its value MUST be zeroed on "
    "transmission and ignored on receipt.";
static const char q_loc_dst[] =
    "If the Session-Reflector receives the Location TLV that includes the "
    "Destination IP Address sub-TLV, it MUST include the Destination IPv4 "
    "Address sub-TLV if the source IP address of the received extended test "
    "packet is of the IPv4 address family.";
static const char q_loc_src[] =
    "If the Session-Reflector receives the Location TLV that includes the "
    "Source IP Address sub-TLV, it MUST include the Source IPv4 Address "
    "sub-TLV if the source IP address of the received extended test packet "
    "is of the IPv4 address family.";
static const char q_ts_validate[] =
    "The Session-Reflector MUST validate the Length value of the TLV.";
static const char q_cos_len[] = "Length:  A two-octet field, set equal to "
                                "the value 4.";
static const char q_hmac_need[] =
    "All authenticated STAMP base packets (per Sections 4.2.2 and 4.3.2 of "
    "[RFC8762]) compatible with this specification MUST additionally "
    "authenticate the optional TLVs by including the keyed Hashed Message "
    "Authentication Code (HMAC) TLV, with the sole exception of when there "
    "is only one TLV present and it is the Extended Padding TLV.";
static const char q_hmac_last[] =
    "The HMAC TLV MUST follow all TLVs included in a STAMP test packet "
    "except for the Extra Padding TLV.";
static const char q_hmac_digest[] =
    "The digest then MUST be truncated to 128 bits and written into the "
    "HMAC field.";
static const char q_dm_fill[] = "The Session-Reflector MUST fill it with the "
                                "value of in-profile packets received.";

const struct ippm_case ippm_cases_stamp_8972[] = {
    {"STAMP-8972-3-01", "RFC 8972 §3", IPPM_MUST, IPPM_ROLE_REFLECTOR,
     "SSID copied into the reply (N/A when the reflector zeroes it: no "
     "RFC 8972 support)",
     "A conforming implementation of a STAMP Session-Reflector MUST copy "
     "the SSID value from the received test packet and put it into the "
     "reflected packet",
     IPPM_PROBE_STAMP_SSID, stamp_chk_refl_ssid_copied},
    {"STAMP-8972-3-02", "RFC 8972 §3", IPPM_MUST, IPPM_ROLE_SENDER,
     "Sender SSID constant within a session when used",
     "If the SSID is used, it MUST be present in each test packet of the "
     "given test session.",
     0, stamp_chk_send_ssid_constant},

    /* ---- §4 TLV flags and the walk ---- */
    {"STAMP-8972-4-01", "RFC 8972 §4", IPPM_MUST, R,
     "TLV of an unallocated type comes back with U = 1", q_u_refl, 0,
     stamp_tlv_chk_pairs, {-1, 0, &stamp_tlv_rule_refl_u_unknown}},
    {"STAMP-8972-4-02", "RFC 8972 §4", IPPM_MUST, R,
     "Understood TLVs (§4.1-§4.7) come back with U = 0",
     "Otherwise, the Session-Reflector MUST set the U flag in the reflected "
     "packet to 0.",
     0,
     stamp_tlv_chk_pairs,
     {-1, STAMP_TLV_ROW_PROCESSED, &stamp_tlv_rule_refl_u_cleared}},
    {"STAMP-8972-4-03", "RFC 8972 §4", IPPM_MUST, R,
     "Malformed TLV (bad length, truncated header, length past the end) "
     "comes back with M = 1",
     q_m_refl, 0, stamp_tlv_chk_malformed, {-1, 0}},
    {"STAMP-8972-4-04", "RFC 8972 §4", IPPM_MUST, R,
     "After a malformed TLV the rest of the packet is copied as received",
     q_m_copy, 0, stamp_tlv_chk_malformed, {-1, STAMP_TLV_ROW_REMAINDER}},
    {"STAMP-8972-4-05", "RFC 8972 §4", IPPM_MUST, R,
     "Well-formed TLVs come back with M = 0",
     "Otherwise, the Session-Reflector MUST set the M flag in the reflected "
     "packet to 0.",
     0,
     stamp_tlv_chk_pairs,
     {-1, STAMP_TLV_ROW_WELLFORMED, &stamp_tlv_rule_refl_m_cleared}},
    {"STAMP-8972-4-06", "RFC 8972 §4", IPPM_MUST, R,
     "No HMAC TLV failed: I = 0 on every reflected TLV",
     "Otherwise, the Session-Reflector MUST set the I flag in the reflected "
     "packet to 0.",
     0, stamp_tlv_chk_refl_i_cleared},
    {"STAMP-8972-4-07", "RFC 8972 §4", IPPM_MUST, R,
     "TLV of an unallocated type is copied (type, length, value)",
     "If an implementation of a Session-Reflector does not recognize the "
     "Type field value, it MUST include a copy of the TLV in the reflected "
     "STAMP packet.",
     0, stamp_tlv_chk_pairs, {-1, 0, &stamp_tlv_rule_refl_unknown_copied}},
    {"STAMP-8972-4-08", "RFC 8972 §4", IPPM_MUST, R,
     "Reserved TLV flags zero in the reply (C only on type 12)",
     "These flags MUST be zeroed on transmit and ignored on receipt.", 0,
     stamp_tlv_chk_pairs,
     {-1, STAMP_TLV_ROW_PROCESSED, &stamp_tlv_rule_refl_reserved_flags}},
    {"STAMP-8972-4-09", "RFC 8972 §4 (RFC 8762 §4.3)", IPPM_SHOULD, R,
     "TLVs come back in the order sent, same types and lengths",
     "A Session-Reflector that does not support STAMP extensions will not "
     "process but copy them into the reflected packet, as defined in "
     "Section 4.3 of [RFC8762].",
     0, stamp_tlv_chk_refl_in_order},
    {"STAMP-8972-4-10", "RFC 8972 §4", IPPM_MUST, S,
     "Sender sets U = 1 on every TLV",
     "A Session-Sender MUST set the U flag to 1 before transmitting an "
     "extended STAMP test packet.",
     0, stamp_tlv_chk_sends, {-1, 0, &stamp_tlv_rule_send_u_set}},
    {"STAMP-8972-4-11", "RFC 8972 §4", IPPM_MUST, S,
     "Sender sets M = 0 on every TLV",
     "A Session-Sender MUST set the M flag to 0 before transmitting an "
     "extended STAMP test packet.",
     0, stamp_tlv_chk_sends, {-1, 0, &stamp_tlv_rule_send_m_clear}},
    {"STAMP-8972-4-12", "RFC 8972 §4", IPPM_MUST, S,
     "Sender sets I = 0 on every TLV",
     "A Session-Sender MUST set the I flag to 0 before transmitting an "
     "extended STAMP test packet.",
     0, stamp_tlv_chk_sends, {-1, 0, &stamp_tlv_rule_send_i_clear}},
    {"STAMP-8972-4-13", "RFC 8972 §4", IPPM_MUST, S,
     "Sender zeroes the reserved TLV flags",
     "These flags MUST be zeroed on transmit and ignored on receipt.", 0,
     stamp_tlv_chk_sends, {-1, 0, &stamp_tlv_rule_send_reserved_flags}},

    /* ---- §4.1 Extra Padding ---- */
    {"STAMP-8972-4.1-01", "RFC 8972 §4.1", IPPM_MUST, R,
     "Extra Padding TLV comes back with its length",
     "Length:  A two-octet field equal to the length of the Extra Padding "
     "field in octets.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_PADDING, STAMP_TLV_ROW_WELLFORMED,
      &stamp_tlv_rule_refl_padding_len}},

    /* ---- §4.2 Location ---- */
    {"STAMP-8972-4.2-01", "RFC 8972 §4.2.2", IPPM_MUST, R,
     "Location TLV comes back with the length it was sent with",
     "The Session-Reflector that received an extended STAMP packet with the "
     "Location TLV MUST include in the reflected packet the Location TLV "
     "with a length equal to the Location TLV length in the received "
     "packet.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_LOCATION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_loc_len}},
    {"STAMP-8972-4.2-02", "RFC 8972 §4.2", IPPM_MUST, R,
     "Location ports are the request's destination and source ports",
     "Destination Port:  A two-octet UDP destination port number of the "
     "received STAMP packet.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_LOCATION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_loc_ports}},
    {"STAMP-8972-4.2-03", "RFC 8972 §4.2", IPPM_MUST, S,
     "Sender fills no Location information field",
     "The Session-Sender MUST NOT fill any information fields except for "
     "the STAMP TLV Flags, Type, and Length fields.",
     0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_LOCATION, 0, &stamp_tlv_rule_send_loc_zero}},
    {"STAMP-8972-4.2-04", "RFC 8972 §4.2.2", IPPM_MUST, R,
     "Destination IP Address answered with the sub-TLV of the family seen",
     q_loc_dst, 0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_LOCATION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_loc_dst_family}},
    {"STAMP-8972-4.2-05", "RFC 8972 §4.2.2", IPPM_MUST, R,
     "Destination address sub-TLV holds the address the request went to",
     "And the Session-Reflector MUST copy the value of the destination IP "
     "address in the IPv4 Address field.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_LOCATION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_loc_dst_value}},
    {"STAMP-8972-4.2-06", "RFC 8972 §4.2.2", IPPM_MUST, R,
     "Source IP Address answered with the sub-TLV of the family seen",
     q_loc_src, 0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_LOCATION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_loc_src_family}},
    {"STAMP-8972-4.2-07", "RFC 8972 §4.2.2", IPPM_MUST, R,
     "Source address sub-TLV holds the request's source address",
     "And the Session-Reflector MUST copy the value of the source IP "
     "address in the IPv4 Address field.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_LOCATION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_loc_src_value}},
    {"STAMP-8972-4.2-08", "RFC 8972 §4.2.2", IPPM_MUST, R,
     "Source MAC Address answered with an EUI-48 or EUI-64 sub-TLV",
     "If the received extended STAMP test packet does not have the Source "
     "MAC Address, the Session-Reflector MUST zero the EUI-64 field before "
     "transmitting the reflected packet.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_LOCATION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_loc_mac}},
    {"STAMP-8972-4.2-09", "RFC 8972 §4.2", IPPM_MUST, R,
     "Location TLV with a bad or overflowing sub-TLV comes back with M = 1",
     q_loc_verify, 0, stamp_tlv_chk_malformed, {STAMP_TLV_LOCATION, 0}},
    {"STAMP-8972-4.2.1-01", "RFC 8972 §4.2.1", IPPM_MUST, R,
     "Reflector's Location sub-TLVs have I = 0", q_sub_i, 0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_LOCATION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_loc_sub_i}},
    {"STAMP-8972-4.2.1-02", "RFC 8972 §4.2.1", IPPM_MUST, S,
     "Sender's Location sub-TLVs have I = 0", q_sub_i, 0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_LOCATION, 0, &stamp_tlv_rule_send_loc_sub_i}},

    /* ---- §4.3 Timestamp Information ---- */
    {"STAMP-8972-4.3-01", "RFC 8972 §4.3", IPPM_MUST, R,
     "Sync Src In/Out filled with a Table 7 value",
     "Sync Src In:  A one-octet field that characterizes the source of "
     "clock synchronization at the ingress of a Session-Reflector.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_TSINFO, STAMP_TLV_ROW_PROCESSED, &stamp_tlv_rule_refl_ts_sync}},
    {"STAMP-8972-4.3-02", "RFC 8972 §4.3", IPPM_MUST, R,
     "Timestamp In/Out filled with a Table 9 value",
     "Timestamp In:  A one-octet field that characterizes the method by "
     "which the ingress of the Session-Reflector obtained the timestamp T2.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_TSINFO, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_ts_method}},
    {"STAMP-8972-4.3-03", "RFC 8972 §4.3", IPPM_MUST, R,
     "Timestamp Information TLV shorter than 4 comes back with M = 1",
     q_ts_validate, 0, stamp_tlv_chk_malformed, {STAMP_TLV_TSINFO, 0}},
    {"STAMP-8972-4.3-04", "RFC 8972 §4.3", IPPM_MUST, S,
     "Sender zeroes the Timestamp Information fields",
     "All other fields MUST be filled with zeroes.", 0,
     stamp_tlv_chk_sends, {STAMP_TLV_TSINFO, 0, &stamp_tlv_rule_send_ts_zero}},

    /* ---- §4.4 Class of Service ---- */
    {"STAMP-8972-4.4-01", "RFC 8972 §4.4", IPPM_MUST, R,
     "CoS TLV included in the reply",
     "A STAMP Session-Reflector that receives a test packet with the CoS "
     "TLV MUST include the CoS TLV in the reflected test packet.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_COS, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_cos_present}},
    {"STAMP-8972-4.4-02", "RFC 8972 §4.4", IPPM_MUST, R,
     "DSCP2 and ECN report what the request arrived with",
     "Also, the Session-Reflector MUST copy the value of the DSCP and ECN "
     "fields of the IP header of the received STAMP test packet into the "
     "DSCP2 field in the reflected test packet.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_COS, STAMP_TLV_ROW_PROCESSED, &stamp_tlv_rule_refl_cos_dscp2}},
    {"STAMP-8972-4.4-03", "RFC 8972 §4.4", IPPM_MUST, R,
     "RP = 0: the reply is marked with DSCP1",
     "If it is, the Session-Reflector MUST set the DSCP field's value in the "
     "IP header of the reflected test packet equal to the value of the "
     "DSCP1 field of the received test packet.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_COS, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_cos_dscp1_used}},
    {"STAMP-8972-4.4-04", "RFC 8972 §4.4", IPPM_MUST, R,
     "DSCP1 refused: RP = 1 and the reply keeps the received DSCP",
     "Otherwise, the Session-Reflector MUST use the DSCP value of the "
     "received STAMP packet and set the value of the RP field to 1.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_COS, STAMP_TLV_ROW_PROCESSED, &stamp_tlv_rule_refl_cos_rp}},
    {"STAMP-8972-4.4-05", "RFC 8972 §4.4", IPPM_MUST, S, "Sender sets RP = 0",
     "A Session-Sender MUST set the value of the RP field to 0 on "
     "transmission.",
     0, stamp_tlv_chk_sends, {STAMP_TLV_COS, 0, &stamp_tlv_rule_send_cos_rp}},
    {"STAMP-8972-4.4-06", "RFC 8972 §4.4", IPPM_MUST, R,
     "CoS Reserved field zero in the reply",
     "Reserved:  A 16-bit field that MUST be zeroed on transmission and "
     "ignored on receipt.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_COS, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_cos_reserved}},
    {"STAMP-8972-4.4-07", "RFC 8972 §4.4 (§4)", IPPM_MUST, R,
     "CoS TLV of a length other than 4 comes back with M = 1", q_cos_len, 0,
     stamp_tlv_chk_malformed, {STAMP_TLV_COS, 0}},

    /* ---- §4.5 Direct Measurement ---- */
    {"STAMP-8972-4.5-01", "RFC 8972 §4.5", IPPM_MUST, R,
     "Direct Measurement TLV included in the reply",
     "If the received STAMP test packet includes the Direct Measurement "
     "TLV, the Session-Reflector MUST include it in the reflected test "
     "packet.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_DIRECT, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_dm_present}},
    {"STAMP-8972-4.5-02", "RFC 8972 §4.5", IPPM_MUST, R,
     "S_TxC copied into the reply",
     "The Session-Reflector MUST copy the value from the S_TxC field of the "
     "received test packet into the same field of the reflected packet "
     "before its transmission.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_DIRECT, STAMP_TLV_ROW_PROCESSED, &stamp_tlv_rule_refl_dm_stxc}},
    {"STAMP-8972-4.5-03", "RFC 8972 §4.5", IPPM_MUST, R,
     "R_RxC filled, growing within a session", q_dm_fill, 0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_DIRECT, STAMP_TLV_ROW_PROCESSED, &stamp_tlv_rule_refl_dm_rrxc}},
    {"STAMP-8972-4.5-04", "RFC 8972 §4.5", IPPM_MUST, R,
     "R_TxC filled, growing within a session",
     "The Session-Reflector MUST fill it with the value of the transmitted "
     "in-profile packets.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_DIRECT, STAMP_TLV_ROW_PROCESSED, &stamp_tlv_rule_refl_dm_rtxc}},
    {"STAMP-8972-4.5-05", "RFC 8972 §4.5", IPPM_MUST, S,
     "Sender S_TxC counts its packets",
     "The Session-Sender MUST set its value equal to the number of the "
     "transmitted in-profile packets.",
     0,
     stamp_tlv_chk_sends, {STAMP_TLV_DIRECT, 0, &stamp_tlv_rule_send_dm_stxc}},
    {"STAMP-8972-4.5-06", "RFC 8972 §4.5", IPPM_MUST, S,
     "Sender zeroes R_RxC and R_TxC",
     "It MUST be zeroed by the Session-Sender on transmit and ignored by the "
     "Session-Reflector on receipt.",
     0,
     stamp_tlv_chk_sends, {STAMP_TLV_DIRECT, 0, &stamp_tlv_rule_send_dm_zero}},
    {"STAMP-8972-4.5-07", "RFC 8972 §4.5 (§4)", IPPM_MUST, R,
     "Direct Measurement TLV not of 12 octets comes back with M = 1",
     "The Length field value MUST equal 12 octets.", 0,
     stamp_tlv_chk_malformed, {STAMP_TLV_DIRECT, 0}},

    /* ---- §4.6 Access Report ---- */
    {"STAMP-8972-4.6-01", "RFC 8972 §4.6", IPPM_MUST, R,
     "Access Report TLV included in the reply",
     "A STAMP Session-Reflector that received the test packet with the "
     "Access Report TLV MUST include the Access Report TLV in the reflected "
     "test packet.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_ACCESS, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_ar_present}},
    {"STAMP-8972-4.6-02", "RFC 8972 §4.6", IPPM_MUST, R,
     "Access ID and Return Code copied",
     "The Session-Reflector MUST set the value of the Access ID and Return "
     "Code fields equal to the values of the corresponding fields from the "
     "test packet it has received.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_ACCESS, STAMP_TLV_ROW_PROCESSED, &stamp_tlv_rule_refl_ar_copy}},
    {"STAMP-8972-4.6-03", "RFC 8972 §4.6", IPPM_MUST, S,
     "Sender's Access ID is 1 or 2",
     "All other values are invalid; a TLV that contains values other than "
     "'1' or '2' MUST be discarded.",
     0, stamp_tlv_chk_sends, {STAMP_TLV_ACCESS, 0, &stamp_tlv_rule_send_ar_id}},
    {"STAMP-8972-4.6-04", "RFC 8972 §4.6", IPPM_MUST, S,
     "Sender zeroes Resv and Reserved",
     "Resv:  A four-bit field that MUST be zeroed on transmission and "
     "ignored on receipt.",
     0,
     stamp_tlv_chk_sends, {STAMP_TLV_ACCESS, 0, &stamp_tlv_rule_send_ar_resv}},

    /* ---- §4.7 Follow-Up Telemetry ---- */
    {"STAMP-8972-4.7-01", "RFC 8972 §4.7", IPPM_MUST, S,
     "Sender zeroes Sequence Number and Follow-Up Timestamp",
     "The Sequence Number and Follow-Up Timestamp fields MUST be zeroed on "
     "transmission by the Session-Sender",
     0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_FOLLOWUP, 0, &stamp_tlv_rule_send_fu_zero}},
    {"STAMP-8972-4.7-02", "RFC 8972 §4.7", IPPM_MUST, R,
     "Stateless reflector zeroes Sequence Number and Follow-Up Timestamp",
     "If the Session-Reflector is in the stateless mode (defined in Section "
     "4.2 of [RFC8762]), it MUST zero the Sequence Number and Follow-Up "
     "Timestamp fields.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_FOLLOWUP, STAMP_TLV_ROW_PROCESSED | STAMP_TLV_ROW_STATELESS,
      &stamp_tlv_rule_refl_fu_stateless}},
    {"STAMP-8972-4.7-03", "RFC 8972 §4.7", IPPM_MUST, R,
     "Follow-Up TLV of a bad length: M = 1, fields zeroed",
     "If the value of the Length field is invalid, the Session-Reflector "
     "MUST zero the Sequence Number and Follow-Up Timestamp fields and set "
     "the M flag in the STAMP TLV Flags field in the reflected packet.",
     0, stamp_tlv_chk_refl_fu_malformed},
    {"STAMP-8972-4.7-04", "RFC 8972 §4.7", IPPM_MUST, R,
     "Stateful: Sequence Number is the previous reply's",
     "Since the Session-Reflector runs in the stateful mode (defined in "
     "Section 4.2 of [RFC8762]), it is the Session-Reflector's Sequence "
     "Number of the previous reflected packet.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_FOLLOWUP, STAMP_TLV_ROW_WELLFORMED | STAMP_TLV_ROW_STATEFUL,
      &stamp_tlv_rule_refl_fu_seq}},
    {"STAMP-8972-4.7-05", "RFC 8972 §4.7", IPPM_MUST, R,
     "Stateful: Follow-Up Timestamp is when the previous reply left",
     "It carries the timestamp when the reflected packet with the specified "
     "sequence number was sent.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_FOLLOWUP, STAMP_TLV_ROW_WELLFORMED | STAMP_TLV_ROW_STATEFUL,
      &stamp_tlv_rule_refl_fu_ts}},
    {"STAMP-8972-4.7-06", "RFC 8972 §4.7", IPPM_MUST, R,
     "Timestamp M names a Table 9 method when a timestamp is given",
     "Timestamp M(ode):  A one-octet field that characterizes the method by "
     "which the entity that transmits a reflected STAMP packet obtained the "
     "Follow-Up Timestamp.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_FOLLOWUP, STAMP_TLV_ROW_WELLFORMED,
      &stamp_tlv_rule_refl_fu_mode}},

    /* ---- §4.8 HMAC TLV ---- */
    {"STAMP-8972-4.8-01", "RFC 8972 §4.8", IPPM_MUST, S,
     "Authenticated sender protects its TLVs with an HMAC TLV", q_hmac_need, 0,
     stamp_tlv_chk_hmac, {STAMP_TLV_HMAC_PRESENT, 0}},
    {"STAMP-8972-4.8-02", "RFC 8972 §4.8", IPPM_MUST, R,
     "Authenticated reflector protects reflected TLVs with an HMAC TLV",
     q_hmac_need, 0,
     stamp_tlv_chk_hmac,
     {STAMP_TLV_HMAC_PRESENT, STAMP_TLV_ROW_REFL | STAMP_TLV_ROW_AWARE}},
    {"STAMP-8972-4.8-03", "RFC 8972 §4.8", IPPM_MUST, S,
     "Sender's HMAC TLV is followed only by Extra Padding", q_hmac_last, 0,
     stamp_tlv_chk_hmac, {STAMP_TLV_HMAC_LAST, 0}},
    {"STAMP-8972-4.8-04", "RFC 8972 §4.8", IPPM_MUST, R,
     "Reflector's HMAC TLV is followed only by Extra Padding", q_hmac_last, 0,
     stamp_tlv_chk_hmac, {STAMP_TLV_HMAC_LAST, STAMP_TLV_ROW_REFL}},
    {"STAMP-8972-4.8-05", "RFC 8972 §4.8", IPPM_MUST, S,
     "Sender's HMAC TLV verifies (Sequence Number and preceding TLVs)",
     q_hmac_digest, 0, stamp_tlv_chk_hmac, {STAMP_TLV_HMAC_VALID, 0}},
    {"STAMP-8972-4.8-06", "RFC 8972 §4.8", IPPM_MUST, R,
     "Reflector's HMAC TLV verifies (Sequence Number and preceding TLVs)",
     q_hmac_digest, 0,
     stamp_tlv_chk_hmac,
     {STAMP_TLV_HMAC_VALID, STAMP_TLV_ROW_REFL | STAMP_TLV_ROW_AWARE}},
    {"STAMP-8972-4.8-07", "RFC 8972 §4.8", IPPM_MUST, R,
     "HMAC TLV wrong: every reflected TLV has I = 1",
     "The Session-Reflector MUST set the I flag in each TLV copied over into "
     "the reflected packet to 1 before transmitting the reflected test "
     "packet.",
     0, stamp_tlv_chk_hmac_failed, {0, 0}},
    {"STAMP-8972-4.8-08", "RFC 8972 §4.8", IPPM_MUST, R,
     "HMAC TLV wrong: the TLVs are copied unprocessed",
     "The Session-Reflector MUST copy the TLVs from the received STAMP test "
     "packet into the reflected packet.",
     0, stamp_tlv_chk_hmac_failed, {0, STAMP_TLV_ROW_COPIED}},
    {"STAMP-8972-4.8-09", "RFC 8972 §4.8", IPPM_MUST, S,
     "Sender's HMAC TLV has Length 16",
     "Length:  A two-octet field, set equal to the value 16 octets.", 0,
     stamp_tlv_chk_sends, {STAMP_TLV_HMAC, 0, &stamp_tlv_rule_send_hmac_len}},

    /* ---- §4.2.1 Location sub-TLV Lengths (added later) ---- */
    {"STAMP-8972-4.2.1-03", "RFC 8972 §4.2.1", IPPM_MUST, R,
     "Reflector's MAC address Location sub-TLVs have Length 8", q_sub_len8, 0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_LOCATION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_loc_sub_len8}},
    {"STAMP-8972-4.2.1-04", "RFC 8972 §4.2.1", IPPM_MUST, R,
     "Reflector's IP address Location sub-TLVs have Length 16", q_sub_len16,
     0, stamp_tlv_chk_pairs,
     {STAMP_TLV_LOCATION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_loc_sub_len16}},
    {"STAMP-8972-4.2.1-05", "RFC 8972 §4.2.1", IPPM_MUST, S,
     "Sender's MAC address Location sub-TLVs have Length 8", q_sub_len8, 0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_LOCATION, 0, &stamp_tlv_rule_send_loc_sub_len8}},
    {"STAMP-8972-4.2.1-06", "RFC 8972 §4.2.1", IPPM_MUST, S,
     "Sender's IP address Location sub-TLVs have Length 16", q_sub_len16, 0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_LOCATION, 0, &stamp_tlv_rule_send_loc_sub_len16}},

    /* ---- §4.7 Follow-Up Telemetry fields (added later) ---- */
    {"STAMP-8972-4.7-07", "RFC 8972 §4.7", IPPM_MUST, S,
     "Sender's Follow-Up Telemetry TLV has Length 16",
     "The Session-Sender MUST set the Follow-Up Telemetry Type and Length "
     "fields to their appropriate values.",
     0, stamp_tlv_chk_sends,
     {STAMP_TLV_FOLLOWUP, 0, &stamp_tlv_rule_send_fu_len}},
    {"STAMP-8972-4.7-08", "RFC 8972 §4.7", IPPM_MUST, S,
     "Sender's Follow-Up Telemetry Reserved field is zero", q_fu_reserved, 0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_FOLLOWUP, 0, &stamp_tlv_rule_send_fu_reserved}},
    {"STAMP-8972-4.7-09", "RFC 8972 §4.7", IPPM_MUST, R,
     "Reflector's Follow-Up Telemetry Reserved field is zero", q_fu_reserved,
     0, stamp_tlv_chk_pairs,
     {STAMP_TLV_FOLLOWUP, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_fu_reserved}},

    /* ---- §4 Private Use TLVs (added later) ---- */
    {"STAMP-8972-4-14", "RFC 8972 §4", IPPM_MUST, S,
     "Sender's Private Use TLVs (types 252-254) have Length at least 4",
     "If a Type value for a TLV or sub-TLV is in the range for Private Use "
     "[RFC8126], the length MUST be at least 4",
     0, stamp_tlv_chk_sends, {-1, 0, &stamp_tlv_rule_send_private_len}},

    /* ---- §4.8 HMAC TLV out of place (added later) ---- */
    {"STAMP-8972-4.8-10", "RFC 8972 §4.8", IPPM_MUST, R,
     "HMAC TLV before another TLV: every reflected TLV has I = 1",
     "If the HMAC TLV appears in any other position in a STAMP extended "
     "test packet, then the situation MUST be processed as HMAC "
     "verification failure, as defined below in this section.",
     0, stamp_tlv_chk_hmac_failed, {0, STAMP_TLV_ROW_MISPLACED}},

    /* ---- §3 SSID per session (added later) ---- */
    {"STAMP-8972-3-03", "RFC 8972 §3", IPPM_MUST, IPPM_ROLE_SENDER,
     "Sender's sessions have distinct SSIDs",
     "An implementation MUST NOT assign the same identifier to different "
     "STAMP test sessions.",
     0, stamp_chk_send_ssid_distinct},
    {"STAMP-8972-3-04", "RFC 8972 §3", IPPM_MUST, IPPM_ROLE_REFLECTOR,
     "Stateful: two SSIDs on one 4-tuple keep separate counters",
     "An implementation of the STAMP Session-Reflector that supports this "
     "specification MUST identify a STAMP Session using the SSID in "
     "combination with elements of the usual 4-tuple for the session.",
     IPPM_PROBE_STAMP_SSID, stamp_chk_refl_ssid_sessions},
    /* Graded when the provisioned SSIDs are given (--ssid-set). */
    {"STAMP-8972-3-05", "RFC 8972 §3", IPPM_MUST, IPPM_ROLE_REFLECTOR,
     "Request with an SSID the reflector was not provisioned with: no reply",
     "A STAMP Session-Reflector MUST discard non-matching STAMP test "
     "packets.",
     0, stamp_chk_refl_ssid_discard},

    /* ---- §4.1 Extra Padding, sender (added later) ---- */
    /* Zeros pass (the MAY); a short pattern repeated or a counter does
     * not look pseudorandom; a BER test's pattern is n/a (deviations.md). */
    {"STAMP-8972-4.1-02", "RFC 8972 §4.1", IPPM_SHOULD, S,
     "Sender's Extra Padding is pseudorandom (or all zeros)",
     "Extra Padding:  This field SHOULD be filled by a sequence of "
     "pseudorandom numbers.  The field MAY be filled with all zeros.",
     0, stamp_tlv_chk_sends,
     {STAMP_TLV_PADDING, 0, &stamp_tlv_rule_send_pad_content}},
    {"STAMP-8972-4.1-03", "RFC 8972 §4.1", IPPM_SHOULD, S,
     "Sender using RFC 8972 pads beyond the base with the Extra Padding TLV",
     "The use of the Extra Padding TLV is RECOMMENDED to perform a STAMP "
     "test using test packets that are larger than the base STAMP packet "
     "[RFC8762].",
     0, stamp_tlv_chk_send_pads_with_tlv},

    /* ---- §4.2.2 Source MAC copied (added later) ---- */
    /* Graded from captures with a link-layer header, taken at the
     * reflector (deviations.md). */
    {"STAMP-8972-4.2-10", "RFC 8972 §4.2.2", IPPM_MUST, R,
     "EUI-48 Source MAC is the request's link-layer source",
     "And the Session-Reflector MUST copy the value of the source MAC "
     "address in the EUI-48 field.",
     0, stamp_tlv_chk_pairs,
     {STAMP_TLV_LOCATION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_loc_mac_copy}},

    /* ---- §4.6 Access Report retransmissions (added later) ---- */
    /* Graded from a sender whose replies were withheld (deviations.md:
     * what counts as a retransmission). */
    {"STAMP-8972-4.6-05", "RFC 8972 §4.6", IPPM_MUST, S,
     "Unanswered Access Report packet is retransmitted",
     "In the event the timer expires before such a packet is received, the "
     "Session-Sender MUST retransmit the STAMP test packet that contains the "
     "Access Report TLV.",
     0, stamp_tlv_chk_send_ar_retx, {STAMP_TLV_AR_RETRANSMITS}},
    {"STAMP-8972-4.6-06", "RFC 8972 §4.6", IPPM_MUST, S,
     "No Access Report retransmission once its reply came",
     "This timer MUST be disarmed upon reception of the reflected STAMP test "
     "packet that includes the Access Report TLV.",
     0, stamp_tlv_chk_send_ar_retx, {STAMP_TLV_AR_DISARMED}},
    {"STAMP-8972-4.6-07", "RFC 8972 §4.6", IPPM_SHOULD, S,
     "Access Report retransmitted at most four times",
     "This retransmission SHOULD be repeated up to four times before the "
     "procedure is aborted.",
     0, stamp_tlv_chk_send_ar_retx, {STAMP_TLV_AR_COUNT}},
    {"STAMP-8972-4.6-08", "RFC 8972 §4.6", IPPM_SHOULD, S,
     "Access Report retransmissions 3 s apart (the default timer)",
     "The default value of the retransmission timer for the Access Report "
     "TLV SHOULD be three seconds.",
     0, stamp_tlv_chk_send_ar_retx, {STAMP_TLV_AR_TIMER}},
};

const size_t ippm_cases_stamp_8972_n =
    sizeof ippm_cases_stamp_8972 / sizeof ippm_cases_stamp_8972[0];
