/* TWAMP-Test, RFC 5357 §4.2 and §4.2.1, TWAMP Light (Appendix I) and
 * the reply size of RFC 6038 §5.2.1: the Session-Reflector's duties that
 * unauthenticated test packets show.
 *
 * IDs are TWAMP-5357-<section>-<counter> (RFC 6038: TWAMP-6038-...),
 * written once and never renumbered. Quotes are word for word from
 * ../shared/rfc (ci/check-quotes.sh). TWAMP-Light shares STAMP's test
 * packet, so every row points at a STAMP packet check; the observation
 * (struct stamp_obs_pkt with stamp_layout_twamp_light) says where the
 * fields are. */
#include "cases.h"

#include "conformance/stamp/stamp_checks.h"

#define R IPPM_ROLE_REFLECTOR

static const char q_each[] =
    "The Session-Reflector MUST transmit a packet to the Session-Sender in "
    "response to each packet received.";
static const char q_copies[] =
    "Sender Timestamp and Sender Error Estimate are exact copies of the "
    "timestamp and error estimate from the Session-Sender test packet that "
    "corresponds to this test packet.";
static const char q_send_ts[] =
    "Prior to the transmission of the test packet, the Session-Reflector "
    "MUST enter the best possible approximation of its actual sending time "
    "as its Timestamp (in the packet).";
static const char q_mbz[] =
    "Throughout this memo, the bits marked MBZ (Must Be Zero) MUST be set "
    "to zero by senders and MUST be ignored by receivers.";
static const char q_errest[] =
    "The format of all timestamp and error estimate fields follow the "
    "definition and formats defined by OWAMP, Section 4.1.2 in [RFC4656].";

const struct ippm_case ippm_cases_twamp_test[] = {
    /* ---- §4.2 Reflector Behavior ---- */
    {"TWAMP-5357-4.2-01", "RFC 5357 §4.2", IPPM_MUST, R,
     "Receive Timestamp is no earlier than the request was sent",
     "Each packet that is actually received MUST have the best possible "
     "approximation of its real time of arrival entered as its Received "
     "Timestamp (in the packet).",
     0, stamp_chk_refl_rxts_after_send},
    {"TWAMP-5357-4.2-02", "RFC 5357 §4.2", IPPM_MUST, R,
     "Timestamp (sending time) is no earlier than the Receive Timestamp",
     q_send_ts, 0, stamp_chk_refl_ts_after_rxts},
    {"TWAMP-5357-4.2-03", "RFC 5357 §4.2", IPPM_MUST, R,
     "Timestamp (sending time) is no later than the reply was seen",
     q_send_ts, 0, stamp_chk_refl_ts_before_seen},
    {"TWAMP-5357-4.2-04", "RFC 5357 §4.2", IPPM_SHOULD, R,
     "Sender TTL is the TTL / Hop Limit the request arrived with",
     "Session-Reflector implementations SHOULD fetch the TTL/Hop Limit "
     "value from the IP header of the packet, replacing the value of 255 "
     "set by the Session-Sender.",
     0, stamp_chk_refl_ttl},
    {"TWAMP-5357-4.2-05", "RFC 5357 §4.2", IPPM_MUST, R,
     "Sender TTL is the arrival TTL, or 255 when it cannot be read",
     "If an implementation does not fetch the actual TTL value (the only "
     "good reason not to do so is an inability to access the TTL field of "
     "arriving packets), it MUST set the Sender TTL value as 255.",
     0, stamp_chk_refl_ttl, {0, STAMP_ROW_TTL_OR_255, NULL}},

    /* ---- §4.2.1 TWAMP-Test Packet Format and Content ---- */
    {"TWAMP-5357-4.2.1-01", "RFC 5357 §4.2.1", IPPM_MUST, R,
     "Every valid request is answered", q_each, 0,
     stamp_chk_refl_answers_valid},
    {"TWAMP-5357-4.2.1-02", "RFC 5357 §4.2.1", IPPM_MUST, R,
     "Sender Sequence Number copied exactly",
     "Sender Sequence Number is a copy of the Sequence Number of the packet "
     "transmitted by the Session-Sender that caused the Session-Reflector "
     "to generate and send this test packet.",
     0, stamp_chk_refl_copy, {STAMP_COPY_SEQ, 0, NULL}},
    {"TWAMP-5357-4.2.1-03", "RFC 5357 §4.2.1", IPPM_MUST, R,
     "Sender Timestamp copied exactly", q_copies, 0, stamp_chk_refl_copy,
     {STAMP_COPY_TS, 0, NULL}},
    {"TWAMP-5357-4.2.1-04", "RFC 5357 §4.2.1", IPPM_MUST, R,
     "Sender Error Estimate copied exactly", q_copies, 0,
     stamp_chk_refl_copy, {STAMP_COPY_ERREST, 0, NULL}},
    {"TWAMP-5357-4.2.1-05", "RFC 5357 §4.2.1", IPPM_MUST, R,
     "Stateful: reply Sequence Number counts from zero by one",
     "It starts with zero and is incremented by one for each subsequent "
     "packet.",
     0, stamp_chk_refl_stateful_seq},
    {"TWAMP-5357-4.2.1-06", "RFC 5357 §4.2.1", IPPM_MUST, R,
     "MBZ after the Error Estimate is zero", q_mbz, 0, stamp_chk_refl_mbz,
     {0, 0, NULL}},
    {"TWAMP-5357-4.2.1-07", "RFC 5357 §4.2.1", IPPM_MUST, R,
     "MBZ after the Sender Error Estimate is zero", q_mbz, 0,
     stamp_chk_refl_mbz, {1, 0, NULL}},
    {"TWAMP-5357-4.2.1-08", "RFC 5357 §4.2.1 (RFC 4656 §4.1.2)", IPPM_MUST, R,
     "Error Estimate Multiplier is non-zero", q_errest, 0,
     stamp_chk_refl_errest_mult},
    {"TWAMP-5357-4.2.1-09", "RFC 5357 §4.2.1 (RFC 8186 §2.3)", IPPM_MUST, R,
     "Error Estimate Z bit matches the Timestamp's format", q_errest, 0,
     stamp_chk_refl_errest_z},
    {"TWAMP-5357-4.2.1-10", "RFC 5357 §4.2.1", IPPM_SHOULD, R,
     "Reply sent with TTL / Hop Limit 255",
     "The Session-Reflector SHOULD set the TTL in IPv4 (or Hop Limit in "
     "IPv6) in the UDP packet to 255.",
     0, stamp_chk_refl_reply_ttl_255},

    /* ---- Appendix I TWAMP Light ---- */
    {"TWAMP-5357-I-01", "RFC 5357 Appendix I", IPPM_MUST, R,
     "Stateless: reply Sequence Number is the request's",
     "IF the Session-Reflector does not have knowledge of the session "
     "state, THEN the Session-Reflector MUST copy the Sequence Number of "
     "the received packet to the Sequence Number field of the reflected "
     "packet.",
     0, stamp_chk_refl_stateless_seq},

    /* ---- RFC 6038 §5.2.1 the reply's length ---- */
    {"TWAMP-6038-5.2.1-01", "RFC 6038 §5.2.1", IPPM_MUST, R,
     "Reply as long as the request, at least the 41-octet reply",
     "The Session-Reflector MUST truncate the padding such that the highest "
     "number octets are discarded, and the test packet length equals the "
     "Session-Sender's packet length.",
     0, stamp_chk_refl_symmetric},
};

const size_t ippm_cases_twamp_test_n =
    sizeof ippm_cases_twamp_test / sizeof ippm_cases_twamp_test[0];
