/* STAMP, RFC 8762: the requirements the catalogue grades.
 *
 * IDs are STAMP-8762-<section>-<counter> (ADVISORY rows:
 * STAMP-8762-ADV-<counter>), written here once and never
 * renumbered: a retired case keeps its ID out of use. Quotes are word for
 * word from ../shared/rfc (beside the repository) (ci/check-quotes.sh). Where a case grades a
 * sentence without a key word, or reads a rule differently from the RFC
 * text, conformance/deviations.md says why. */
#include "cases.h"

#include "conformance/stamp/stamp_checks.h"
#include "conformance/stamp/stamp_checks_advisory.h"

#define R IPPM_ROLE_REFLECTOR
#define S IPPM_ROLE_SENDER

static const char q_mbz_open_refl[] =
    "The value of each MBZ field MUST be zeroed on transmission and MUST be "
    "ignored on receipt.";
static const char q_mbz_auth[] =
    "The value of the field MUST be zeroed on transmission and MUST be "
    "ignored on receipt.";
static const char q_mbz_sender[] =
    "It MUST be all zeroed on the transmission and MUST be ignored on "
    "receipt.";
static const char q_copies[] =
    "The Session-Sender Sequence Number, Session-Sender Timestamp, and "
    "Session-Sender Error Estimate fields are copies of the corresponding "
    "fields in the STAMP-Test packet sent by the Session-Sender.";
static const char q_timestamp[] =
    "Timestamp is the time taken by the Session-Reflector at the start of "
    "transmitting the test packet.";
static const char q_min_size[] =
    "the base STAMP Session-Sender packet has a minimum size of 44 octets in "
    "unauthenticated mode (see Figure 2) and 112 octets in the authenticated "
    "mode (see Figure 4).";
static const char q_reflect[] =
    "If the base STAMP-Test packet is validated, the Session-Reflector that "
    "supports this specification prepares and transmits the reflected test "
    "packet symmetric to the packet received from the Session-Sender";
static const char q_twamp_light[] =
    "A STAMP Session-Reflector that supports this specification will "
    "transmit the base packet (Figure 5) if it receives a packet smaller "
    "than the STAMP base packet.";
static const char q_verifies[] =
    "The Session-Reflector receives the STAMP-Test packet and verifies it.";
static const char q_mult[] = "Multiplier MUST NOT be set to zero.";
static const char q_rxts_ts[] =
    "Receive Timestamp is the time the test packet was received by the "
    "Session-Reflector. Timestamp is the time taken by the "
    "Session-Reflector at the start of transmitting the test packet.";
static const char q_errest[] =
    "The S, Scale, and Multiplier fields are interpreted as they are "
    "defined in Section 4.1.2 of [RFC4656].";
static const char q_ttl[] =
    "its value is the copy of the TTL field in IPv4 (or Hop Limit in IPv6) "
    "from the received STAMP-Test packet.";

const struct ippm_case ippm_cases_stamp_8762[] = {
    /* ---- §4.1 UDP port ---- */
    {"STAMP-8762-4.1-01", "RFC 8762 §4.1", IPPM_MUST, R,
     "Reflector answers on UDP port 862 by default",
     "By default, an implementation of the STAMP Session-Reflector MUST "
     "receive STAMP-Test packets on UDP port 862.",
     IPPM_PROBE_STAMP_PORT, stamp_chk_refl_port_862},
    /* Graded with --sender-defaults: a capture does not say whether a
     * port was given (deviations.md). */
    {"STAMP-8762-4.1-02", "RFC 8762 §4.1", IPPM_MUST, S,
     "Sender run with no port given sends to UDP port 862",
     "A STAMP Session-Sender MUST use UDP port 862 (TWAMP-Test Receiver "
     "Port) as the default destination UDP port number.",
     0, stamp_chk_send_default_port},

    /* ---- §4.2 sizes ---- */
    {"STAMP-8762-4.2-01", "RFC 8762 §4.2", IPPM_MUST, R,
     "Reply length equals request length (symmetrical size, RFC 6038)",
     "A STAMP Session-Reflector supports the symmetrical size of test "
     "packets, as defined in Section 3 of [RFC6038], as the default "
     "behavior.",
     IPPM_PROBE_STAMP_PAD, stamp_chk_refl_symmetric},
    /* Quoted §4.2 once; §4.6 is what speaks to a reflector (deviations.md). */
    {"STAMP-8762-4.2-02", "RFC 8762 §4.6", IPPM_MUST, R,
     "Request shorter than the base packet gets the base packet or no reply",
     q_twamp_light, IPPM_PROBE_STAMP_SHORT, stamp_chk_refl_short_dropped},
    {"STAMP-8762-4.2-03", "RFC 8762 §4.2", IPPM_MUST, S,
     "Sender packet at least the base length (44; 112 authenticated)",
     q_min_size, 0, stamp_chk_send_min_len},

    /* ---- §4.2.1 Session-Sender packet, unauthenticated ---- */
    {"STAMP-8762-4.2.1-01", "RFC 8762 §4.2.1", IPPM_MUST, S,
     "Sender zeroes the 30-octet MBZ (octets 14-15 may carry the SSID)",
     q_mbz_sender, 0, stamp_chk_send_mbz, {0, STAMP_ROW_FROM_SSID}},
    {"STAMP-8762-4.2.1-02", "RFC 8762 §4.2.1", IPPM_MUST, S,
     "Sender Sequence Number starts at zero and goes up by one",
     "For each new session, its value starts at zero and is incremented by "
     "one with each transmitted packet.",
     0, stamp_chk_send_seq},
    {"STAMP-8762-4.2.1-03", "RFC 8762 §4.2.1 (RFC 4656 §4.1.2)", IPPM_MUST, S,
     "Sender Error Estimate Multiplier is non-zero", q_mult, 0,
     stamp_chk_send_errest_mult},
    {"STAMP-8762-4.2.1-04", "RFC 8762 §4.2.1 (RFC 8186 §2.3)", IPPM_MUST, S,
     "Sender Z bit matches the Timestamp's format",
     "referred to as the Timestamp format; the value MUST be set as "
     "follows:",
     0, stamp_chk_send_errest_z},
    {"STAMP-8762-4.2.1-05", "RFC 8762 §4.2.1 (RFC 4656 §4.1.2)", IPPM_SHOULD,
     S, "Sender Timestamp within the clock tolerance of the arrival time",
     "Send timestamp is more than Timeout in the past or in the future.", 0,
     stamp_chk_send_ts_plausible},
    {"STAMP-8762-4.2.1-06", "RFC 8762 §4.2.1", IPPM_MUST, R,
     "Request with non-zero MBZ is still answered (MBZ ignored on receipt)",
     q_mbz_sender, IPPM_PROBE_STAMP_MBZ, stamp_chk_refl_ignores_mbz},
    {"STAMP-8762-4.2.1-07", "RFC 8762 §4.2.1", IPPM_SHOULD, R,
     "Request with PTPv2 timestamps (Z=1) is answered",
     "Note that an implementation of a Session-Sender that supports this "
     "specification MAY be configured to use the PTPv2 format of a "
     "timestamp even though the Session-Reflector is configured to use NTP "
     "format.",
     IPPM_PROBE_STAMP_PTP, stamp_chk_refl_answers_ptp},
    {"STAMP-8762-4.2.1-08", "RFC 8762 §4.2.1", IPPM_SHOULD, R,
     "Reflector timestamps in the configured format (NTP by default)",
     "The default behavior of the STAMP Session-Sender and Session-"
     "Reflector is to use the NTP 64-bit timestamp format (Z field value "
     "of 0).",
     IPPM_PROBE_STAMP_BASE, stamp_chk_refl_tsfmt_config},
    /* Support shows in use: NTP is the default (deviations.md). */
    {"STAMP-8762-4.2.1-09", "RFC 8762 §4.2.1", IPPM_MUST, S,
     "Sender run with no format given sends NTP timestamps (Z=0)",
     "The STAMP node MUST support the Network Time Protocol (NTP) version 4 "
     "64-bit timestamp format [RFC5905], the format used in [RFC5357].",
     0, stamp_chk_send_default_ntp},

    /* ---- §4.2.2 Session-Sender packet, authenticated ---- */
    {"STAMP-8762-4.2.2-01", "RFC 8762 §4.2.2", IPPM_MUST, S,
     "Sender zeroes the 12-octet MBZ (octets 4-15, authenticated)",
     q_mbz_auth, 0, stamp_chk_send_mbz, {0, STAMP_ROW_AUTH}},
    {"STAMP-8762-4.2.2-02", "RFC 8762 §4.2.2", IPPM_MUST, S,
     "Sender zeroes the 70-octet MBZ (octets 26-95; 26-27 may carry the "
     "SSID)",
     q_mbz_auth, 0,
     stamp_chk_send_mbz, {1, STAMP_ROW_AUTH | STAMP_ROW_FROM_SSID}},

    /* ---- §4.3 Session-Reflector behaviour ---- */
    {"STAMP-8762-4.3-01", "RFC 8762 §4.3", IPPM_MUST, R,
     "Valid base request is answered", q_reflect, IPPM_PROBE_STAMP_BASE,
     stamp_chk_refl_answers_valid},
    {"STAMP-8762-4.3-02", "RFC 8762 §4.3", IPPM_MUST, R,
     "Octets beyond the base packet copied byte for byte",
     "copying the content beyond the size of the base STAMP packet",
     IPPM_PROBE_STAMP_PAD, stamp_chk_refl_padding_copied},
    {"STAMP-8762-4.3-03", "RFC 8762 §4.3", IPPM_MUST, R,
     "No reply larger than its request (the §4.6 base reply to a short "
     "request aside)",
     q_reflect, 0, stamp_chk_refl_no_amplification},
    {"STAMP-8762-4.3-04", "RFC 8762 §4.3", IPPM_SHOULD, R,
     "At most one reply per request", q_reflect, 0, stamp_chk_refl_one_reply},
    {"STAMP-8762-4.3-05", "RFC 8762 §4.3", IPPM_SHOULD, R,
     "Reflector keeps answering after a malformed request", q_verifies,
     IPPM_PROBE_STAMP_GARBAGE, stamp_chk_refl_after_garbage},

    /* ---- §4.3.1 Session-Reflector packet, unauthenticated ---- */
    {"STAMP-8762-4.3.1-01", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Stateless: reply Sequence Number equals the request's",
     "In the stateless mode, the Session-Reflector copies the value from "
     "the received STAMP-Test packet's Sequence Number field.",
     IPPM_PROBE_STAMP_SESSION2, stamp_chk_refl_stateless_seq},
    {"STAMP-8762-4.3.1-02", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Stateful: reply Sequence Number counts from zero by one per session",
     "It starts with zero and is incremented by one for each subsequent "
     "packet for each test session.",
     IPPM_PROBE_STAMP_SESSION2, stamp_chk_refl_stateful_seq},
    {"STAMP-8762-4.3.1-03", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Session-Sender Sequence Number copied exactly", q_copies,
     IPPM_PROBE_STAMP_BASE, stamp_chk_refl_copy, {STAMP_COPY_SEQ, 0}},
    {"STAMP-8762-4.3.1-04", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Session-Sender Timestamp copied exactly", q_copies,
     IPPM_PROBE_STAMP_BASE, stamp_chk_refl_copy, {STAMP_COPY_TS, 0}},
    {"STAMP-8762-4.3.1-05", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Session-Sender Error Estimate copied exactly", q_copies,
     IPPM_PROBE_STAMP_BASE, stamp_chk_refl_copy, {STAMP_COPY_ERREST, 0}},
    {"STAMP-8762-4.3.1-06", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Ses-Sender TTL equals the request's arrival TTL / Hop Limit",
     "its value is the copy of the TTL field in IPv4 (or Hop Limit in IPv6) "
     "from the received STAMP-Test packet.",
     IPPM_PROBE_STAMP_BASE, stamp_chk_refl_ttl},
    {"STAMP-8762-4.3.1-07", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Receive Timestamp not before the request was sent (within tolerance)",
     "Receive Timestamp is the time the test packet was received by the "
     "Session-Reflector.",
     IPPM_PROBE_STAMP_BASE, stamp_chk_refl_rxts_after_send},
    {"STAMP-8762-4.3.1-08", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Timestamp not before Receive Timestamp", q_timestamp,
     IPPM_PROBE_STAMP_BASE, stamp_chk_refl_ts_after_rxts},
    {"STAMP-8762-4.3.1-09", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Timestamp not after the reply was seen (within tolerance)",
     q_timestamp, IPPM_PROBE_STAMP_BASE, stamp_chk_refl_ts_before_seen},
    {"STAMP-8762-4.3.1-10", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Reply MBZ after the Error Estimate (octets 14-15) is zero when no "
     "SSID was sent",
     q_mbz_open_refl, IPPM_PROBE_STAMP_BASE,
     stamp_chk_refl_mbz, {-1, STAMP_ROW_FROM_SSID}},
    {"STAMP-8762-4.3.1-11", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Reply MBZ after the Session-Sender Error Estimate (octets 38-39) is "
     "zero",
     q_mbz_open_refl, IPPM_PROBE_STAMP_BASE, stamp_chk_refl_mbz, {0, 0}},
    {"STAMP-8762-4.3.1-12", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Reply MBZ after the Ses-Sender TTL (octets 41-43) is zero",
     q_mbz_open_refl, IPPM_PROBE_STAMP_BASE, stamp_chk_refl_mbz, {1, 0}},
    {"STAMP-8762-4.3.1-13", "RFC 8762 §4.3.1 (RFC 4656 §4.1.2)", IPPM_MUST,
     R, "Reply Error Estimate Multiplier is non-zero", q_mult,
     IPPM_PROBE_STAMP_BASE, stamp_chk_refl_errest_mult},
    {"STAMP-8762-4.3.1-14", "RFC 8762 §4.3.1", IPPM_MUST, R,
     "Reply Z bit matches the format of Timestamp and Receive Timestamp",
     "The format of these fields, NTP or PTPv2, is indicated by the Z field "
     "of the Error Estimate field",
     IPPM_PROBE_STAMP_BASE, stamp_chk_refl_errest_z},

    /* ---- §4.3.2 Session-Reflector packet, authenticated ---- */
    {"STAMP-8762-4.3.2-01", "RFC 8762 §4.3.2", IPPM_MUST, R,
     "Reply MBZ after the Sequence Number (octets 4-15) is zero", q_mbz_auth,
     IPPM_PROBE_STAMP_BASE, stamp_chk_refl_mbz, {0, STAMP_ROW_AUTH}},
    {"STAMP-8762-4.3.2-02", "RFC 8762 §4.3.2", IPPM_MUST, R,
     "Reply MBZ after the Error Estimate (octets 26-31; 26-27 SSID when "
     "sent) is zero",
     q_mbz_auth, IPPM_PROBE_STAMP_BASE,
     stamp_chk_refl_mbz, {1, STAMP_ROW_AUTH | STAMP_ROW_FROM_SSID}},
    {"STAMP-8762-4.3.2-03", "RFC 8762 §4.3.2", IPPM_MUST, R,
     "Reply MBZ after the Receive Timestamp (octets 40-47) is zero",
     q_mbz_auth, IPPM_PROBE_STAMP_BASE,
     stamp_chk_refl_mbz, {2, STAMP_ROW_AUTH}},
    {"STAMP-8762-4.3.2-04", "RFC 8762 §4.3.2", IPPM_MUST, R,
     "Reply MBZ after the Session-Sender Sequence Number (octets 52-63) is "
     "zero",
     q_mbz_auth, IPPM_PROBE_STAMP_BASE,
     stamp_chk_refl_mbz, {3, STAMP_ROW_AUTH}},
    {"STAMP-8762-4.3.2-05", "RFC 8762 §4.3.2", IPPM_MUST, R,
     "Reply MBZ after the Session-Sender Error Estimate (octets 74-79) is "
     "zero",
     q_mbz_auth, IPPM_PROBE_STAMP_BASE,
     stamp_chk_refl_mbz, {4, STAMP_ROW_AUTH}},
    {"STAMP-8762-4.3.2-06", "RFC 8762 §4.3.2", IPPM_MUST, R,
     "Reply MBZ after the Ses-Sender TTL (octets 81-95) is zero", q_mbz_auth,
     IPPM_PROBE_STAMP_BASE, stamp_chk_refl_mbz, {5, STAMP_ROW_AUTH}},

    /* ---- §4.4 integrity ---- */
    {"STAMP-8762-4.4-01", "RFC 8762 §4.4", IPPM_MUST, R,
     "Reply HMAC present and valid (authenticated mode)",
     "In the authenticated mode, HMAC covers the first six blocks (96 "
     "octets).",
     IPPM_PROBE_STAMP_BASE, stamp_chk_refl_hmac_valid},
    {"STAMP-8762-4.4-02", "RFC 8762 §4.4", IPPM_MUST, R,
     "Request with a bad HMAC gets no reply",
     "HMAC MUST be verified as early as possible to avoid using or "
     "propagating corrupted data.",
     IPPM_PROBE_STAMP_BADHMAC, stamp_chk_refl_bad_hmac_dropped},
    {"STAMP-8762-4.4-03", "RFC 8762 §4.4", IPPM_MUST, S,
     "Sender HMAC valid (authenticated mode, key known)",
     "STAMP uses HMAC-SHA-256 truncated to 128 bits (similarly to the use "
     "of it in IPsec defined in [RFC4868]); hence, the length of the HMAC "
     "field is 16 octets.",
     0, stamp_chk_send_hmac_valid},

    /* ---- §4.6 TWAMP Light ---- */
    /* Advice, not a requirement: the base reply §4.6 prescribes is not
     * flagged. A MAY never fails a run (deviations.md). */
    {"STAMP-8762-4.6-01", "RFC 8762 §4.6", IPPM_MAY, R,
     "Advisory: no reply larger than its request (amplification), the "
     "§4.6 base reply aside",
     q_twamp_light, 0, stamp_chk_refl_amplification_advice},

    /* ---- ADVISORY: no key word broken, every measurement misled ----
     * A warn that only --strict makes a failure (ippm_conform.h). */
    {"STAMP-8762-ADV-01", "RFC 8762 §4.3.1", IPPM_ADVISORY, R,
     "Timestamp is not the Receive Timestamp on every reply (clock read "
     "once)",
     q_rxts_ts, IPPM_PROBE_STAMP_BASE, stamp_chk_adv_ts_not_rxts},
    {"STAMP-8762-ADV-02", "RFC 8762 §4.3.1", IPPM_ADVISORY, R,
     "Timestamp advances from reply to reply", q_timestamp,
     IPPM_PROBE_STAMP_BASE, stamp_chk_adv_refl_ts_advances,
     {STAMP_ADV_TS, 0}},
    {"STAMP-8762-ADV-03", "RFC 8762 §4.3.1", IPPM_ADVISORY, R,
     "Receive Timestamp advances from reply to reply", q_rxts_ts,
     IPPM_PROBE_STAMP_BASE, stamp_chk_adv_refl_ts_advances,
     {STAMP_ADV_RXTS, 0}},
    {"STAMP-8762-ADV-04", "RFC 8762 §4.3.1 (RFC 4656 §4.1.2)",
     IPPM_ADVISORY, R, "Reply Error Estimate under an hour", q_errest,
     IPPM_PROBE_STAMP_BASE, stamp_chk_adv_errest_plausible},
    {"STAMP-8762-ADV-05", "RFC 8762 §4.2.1 (RFC 4656 §4.1.2)",
     IPPM_ADVISORY, S, "Sender Error Estimate under an hour", q_errest, 0,
     stamp_chk_adv_errest_plausible},
    {"STAMP-8762-ADV-06", "RFC 8762 §4.3.1", IPPM_ADVISORY, R,
     "Ses-Sender TTL changes when the request's arrival TTL does", q_ttl,
     0, stamp_chk_adv_ttl_follows},
    {"STAMP-8762-ADV-07", "RFC 8762 §4.2.1 (RFC 4656 §4.1.1)",
     IPPM_ADVISORY, S, "Sender Timestamp advances from packet to packet",
     "each packet that is actually sent MUST have the best possible "
     "approximation of its real time of departure as its timestamp (in the "
     "packet).",
     0, stamp_chk_adv_send_ts_advances},
};

const size_t ippm_cases_stamp_8762_n =
    sizeof ippm_cases_stamp_8762 / sizeof ippm_cases_stamp_8762[0];
