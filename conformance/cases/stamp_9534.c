/* STAMP on link aggregation groups, RFC 9534: the Micro-session ID TLV
 * (§3.1, type 11) and the micro STAMP-Test checks (§3.2). IDs are
 * STAMP-9534-<section>-<counter>, never renumbered. Quotes are word for
 * word from ../shared/rfc (beside the repository)/rfc9534.txt. */
#include "cases.h"

#include "conformance/stamp/stamp_tlv_checks.h"

#define R IPPM_ROLE_REFLECTOR
#define S IPPM_ROLE_SENDER

static const char q_len[] = "The Length field value MUST be 4.";

const struct ippm_case ippm_cases_stamp_9534[] = {
    {"STAMP-9534-3.1-01", "RFC 9534 §3.1", IPPM_MUST, S,
     "Micro-session ID TLV of Length 4", q_len, 0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_MICRO_SESSION, 0, &stamp_tlv_rule_send_ms_len}},
    {"STAMP-9534-3.1-02", "RFC 9534 §3.1 (RFC 8972 §4)", IPPM_MUST, R,
     "Micro-session ID TLV of another length: M = 1", q_len, 0,
     stamp_tlv_chk_malformed, {STAMP_TLV_MICRO_SESSION, 0}},
    {"STAMP-9534-3.2-01", "RFC 9534 §3.2", IPPM_MUST, S,
     "Sender Micro-session ID is the session's member link throughout",
     "When sending a test packet, the micro STAMP Session-Sender MUST set "
     "the Sender Micro-session ID field with the member link identifier "
     "associated with the micro STAMP session.",
     0,
     stamp_tlv_chk_sends,
     {STAMP_TLV_MICRO_SESSION, 0, &stamp_tlv_rule_send_ms_constant}},
    {"STAMP-9534-3.2-02", "RFC 9534 §3.2", IPPM_MUST, R,
     "Sender Micro-session ID copied into the reply",
     "The micro STAMP Session-Reflector MUST put the Sender and Reflector "
     "member link identifiers that are associated with the micro STAMP "
     "session in the Sender Micro-session ID and Reflector Micro-session ID "
     "fields, respectively.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_MICRO_SESSION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_ms_sender_copied}},
    {"STAMP-9534-3.2-03", "RFC 9534 §3.2", IPPM_MUST, R,
     "Request for another reflector member link is discarded",
     "If the validation fails, the test packet MUST be discarded.", 0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_MICRO_SESSION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_ms_discard}},
    {"STAMP-9534-3.2-04", "RFC 9534 §3.1", IPPM_MUST, R,
     "Reflector Micro-session ID constant within a session",
     "The value of this field MUST be unique within a STAMP session at the "
     "Session-Reflector.",
     0,
     stamp_tlv_chk_pairs,
     {STAMP_TLV_MICRO_SESSION, STAMP_TLV_ROW_PROCESSED,
      &stamp_tlv_rule_refl_ms_constant}},
};

const size_t ippm_cases_stamp_9534_n =
    sizeof ippm_cases_stamp_9534 / sizeof ippm_cases_stamp_9534[0];
