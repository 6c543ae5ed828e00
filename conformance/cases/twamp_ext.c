/* The TWAMP (and OWAMP) extensions' control side: mixed security (RFC
 * 5618), Individual Session Control (RFC 5938), Reflect Octets and
 * Symmetrical Size (RFC 6038), IKEv2-derived keys (RFC 7717), DSCP and
 * ECN monitoring (RFC 7750), PTPv2 timestamps (RFC 8186) and LAG micro
 * sessions (RFC 9533). Each Modes bit has a case for the client (chosen
 * only as the RFC allows) and one for the server (a choice it did not
 * offer is refused). IDs are TWAMP-<rfc>-<section>-<counter> (OWAMP- for
 * OWAMP's command), never renumbered; quotes word for word from
 * ../shared/rfc. */
#include "cases.h"
#include "owtw_rows.h"

#define R IPPM_ROLE_REFLECTOR
#define S IPPM_ROLE_SENDER

static const char q_security_bit[] =
    "The Control-Client MUST also set one mode bit to indicate the chosen "
    "security mode (currently bits 0, 1, 2, or 3), consistent with the "
    "modes offered by the Server.";
static const char q_isc_no_legacy[] =
    "The Control-Client and the Server MUST NOT use the start and stop "
    "commands (2 and 3) and the acknowledgement defined in [RFC5357].";
static const char q_micro_tw[] =
    "When a TWAMP Server receives a Request-TW-Micro-Sessions command, if "
    "the request is accepted, the TWAMP Server MUST build a set of micro "
    "sessions for all the member links of the LAG from which the "
    "Request-TW-Micro-Sessions message is received.";

const struct ippm_case ippm_cases_twamp_ext[] = {
    /* ---- RFC 5618 mixed security mode, bit 3 ---- */
    {"TWAMP-5618-3.1-01", "RFC 5938 §3.1 (RFC 5618 §3.1)", IPPM_MUST, S,
     "Mixed mode chosen only when the greeting offered it", q_security_bit,
     0, owtw_chk_setup_offered, {0, OWTW_MODE_MIXED}},
    {"TWAMP-5618-4-01", "RFC 5618 §4", IPPM_MUST, R,
     "Mixed mode the greeting did not offer is refused",
     "When the Server has identified the ability to support the mixed "
     "security mode, the Control-Client has selected the mixed security "
     "mode in its Set-Up-Response, and the Server has responded with a zero "
     "Accept field in the Server-Start message, these extensions are "
     "REQUIRED.",
     0, owtw_chk_unoffered_refused, {0, OWTW_MODE_MIXED}},

    /* ---- RFC 5938 Individual Session Control, bit 4 ---- */
    {"TWAMP-5938-3.1-01", "RFC 5938 §3.1", IPPM_MUST, S,
     "Start-N/Stop-N-Sessions only with Individual Session Control chosen",
     "If the Control-Client intends to control sessions on an individual "
     "basis (according to the requirements in this memo), it MUST set the "
     "mode bit (4, corresponding to the new mode) in the Setup Response "
     "message.",
     0, owtw_chk_isc_commands, {1}},
    {"TWAMP-5938-3.1-02", "RFC 5938 §3.1", IPPM_MUST, S,
     "No Start-Sessions or Stop-Sessions under Individual Session Control",
     q_isc_no_legacy, 0, owtw_chk_isc_commands, {0}},
    {"TWAMP-5938-3.1-03", "RFC 5938 §3.1", IPPM_MUST, R,
     "No Start-Ack under Individual Session Control", q_isc_no_legacy, 0,
     owtw_chk_isc_commands, {0}},
    {"TWAMP-5938-3.1-04", "RFC 5938 §3.1", IPPM_MUST, S,
     "Set-Up-Response sets exactly one security mode bit", q_security_bit,
     0, owtw_chk_setup_security_bit},
    {"TWAMP-5938-3.1-05", "RFC 5938 §3.1", IPPM_MUST, R,
     "Individual Session Control the greeting did not offer is refused",
     "If the Server sets the new bit position (bit position 4) in the "
     "Server Greeting message to indicate its capabilities, then the Server "
     "and Session-Reflector MUST comply with the requirements of this memo "
     "to control sessions on an individual basis if desired.",
     0, owtw_chk_unoffered_refused, {0, OWTW_MODE_INDIV_SESSION}},
    {"TWAMP-5938-3.2-01", "RFC 5938 §3.2", IPPM_MUST, S,
     "Start-N-Sessions: Number of Sessions >= 1 and equal to its SIDs",
     "The Number of Sessions field indicates the count of sessions that "
     "this Start command applies to, and MUST be one or greater.",
     0, owtw_chk_n_count, {OWTW_OBS_START_N}},
    {"TWAMP-5938-3.2-02", "RFC 5938 §3.2", IPPM_MUST, R,
     "Start-N-Sessions answered by Start-N-Ack",
     "The Server MUST respond with one or more Start-N-Ack messages (which "
     "SHOULD be sent as quickly as possible).",
     0, owtw_chk_answered, {OWTW_OBS_START_N, OWTW_OBS_START_N_ACK}},
    {"TWAMP-5938-3.2-03", "RFC 5938 §3.2", IPPM_MUST, R,
     "Start-N-Sessions whose count mismatches its SIDs is not affirmed",
     "The number of SID fields that follow MUST be equal to the value in "
     "the Number of Sessions field (otherwise, the command MUST NOT be "
     "affirmed with a zero Accept field in the Start-N-Ack response).",
     0, owtw_chk_n_mismatch_refused},
    {"TWAMP-5938-3.3-01", "RFC 5938 §3.3", IPPM_MUST, R,
     "Start-N-Ack: Number of Sessions >= 1 and equal to its SIDs",
     "The Number of Sessions field indicates the count of sessions that "
     "this Start-N-Ack command applies to, and MUST be one or greater.",
     0, owtw_chk_n_count, {OWTW_OBS_START_N_ACK}},
    {"TWAMP-5938-3.4-01", "RFC 5938 §3.4", IPPM_MUST, S,
     "Stop-N-Sessions carries at least one SID, as counted",
     "The command MUST contain at least one SID.", 0, owtw_chk_n_count,
     {OWTW_OBS_STOP_N}},
    {"TWAMP-5938-3.4-02", "RFC 5938 §3.4", IPPM_MUST, R,
     "Stop-N-Sessions answered by Stop-N-Ack",
     "The Server MUST respond with one or more Stop-N-Ack messages (which "
     "SHOULD be sent as quickly as possible).",
     0, owtw_chk_answered, {OWTW_OBS_STOP_N, OWTW_OBS_STOP_N_ACK}},
    {"TWAMP-5938-3.5-01", "RFC 5938 §3.5", IPPM_MUST, R,
     "Stop-N-Ack: Number of Sessions >= 1 and equal to its SIDs",
     "The Number of Sessions field indicates the count of sessions that "
     "this Stop-N-Ack command applies to, and MUST be one or greater.",
     0, owtw_chk_n_count, {OWTW_OBS_STOP_N_ACK}},

    /* ---- RFC 6038 Reflect Octets (bit 5), Symmetrical Size (bit 6) ---- */
    {"TWAMP-6038-4.1-01", "RFC 6038 §4.1", IPPM_MUST, S,
     "Reflect Octets fields used only with the mode chosen",
     "If the Control-Client intends to operate all test sessions invoked "
     "with this control connection using one or both of the new modes, it "
     "MUST set the Mode field bit corresponding to each function in the "
     "Setup Response message.",
     0, owtw_chk_reflect_request, {1}},
    {"TWAMP-6038-4.1-02", "RFC 6038 §3", IPPM_MUST, S,
     "Reflect Octets and Symmetrical Size chosen only when offered",
     "When the Server and Control-Client have agreed to use the Reflect "
     "Octets mode during control connection setup, then the "
     "Control-Client, the Server, the Session-Sender, and the "
     "Session-Reflector MUST all conform to the requirements of that mode, "
     "as identified below.",
     0, owtw_chk_setup_offered, {0, OWTW_MODE_REFLECT_OCTETS | OWTW_MODE_SYMMETRICAL}},
    {"TWAMP-6038-4.1-03", "RFC 6038 §3", IPPM_MUST, R,
     "Reflect Octets or Symmetrical Size not offered is refused",
     "When the Server and Control-Client have agreed to use the Symmetrical "
     "Size mode during control connection setup, then the Control-Client, "
     "the Server, the Session-Sender, and the Session-Reflector MUST all "
     "conform to the requirements of that mode, as identified below.",
     0, owtw_chk_unoffered_refused,
     {0, OWTW_MODE_REFLECT_OCTETS | OWTW_MODE_SYMMETRICAL}},
    {"TWAMP-6038-4.2-01", "RFC 6038 §4.2", IPPM_MUST, S,
     "Padding Length above the length of padding to reflect",
     "The Padding Length SHALL be > the Length of padding to reflect when "
     "specifying a test session using the OPTIONAL Reflect Octets mode.",
     0, owtw_chk_reflect_request, {0}},
    {"TWAMP-6038-4.3-01", "RFC 6038 §4.3", IPPM_MUST, R,
     "Accept-Session Reflected octets are the request's",
     "The Reflected octets field SHALL contain the octets from the "
     "Request-TW-Session Octets to be reflected field and be 2 octets long, "
     "as shown.",
     0, owtw_chk_reflected_octets},
    {"TWAMP-6038-4.3-02", "RFC 6038 §4.3", IPPM_MUST, R,
     "Padding too short for equal sizes: Accept 3",
     "When performing the truncation process that TWAMP recommends, see "
     "Section 4.2.1 of [RFC5357], if calculations on the Padding lengths "
     "reveal that there are insufficient octets supplied to produce "
     "equal-length Session-Sender and Session-Reflector test packets, then "
     "the Accept field MUST be set to 3 to indicate that some aspect of the "
     "request is not supported.",
     0, owtw_chk_reflect_short_accept3},

    /* ---- RFC 7717 IKEv2-derived keys, bit 7 ---- */
    {"TWAMP-7717-5.3-01", "RFC 7717 §5.3", IPPM_MUST, S,
     "KeyID after SPIi and SPIr is zero",
     "The remaining bits of the KeyID field MUST be set to zero.", 0,
     owtw_chk_ikev2, {0}},
    {"TWAMP-7717-5.3-02", "RFC 7717 §5.3", IPPM_SHOULD, R,
     "Unknown IKEv2 SA: Server-Start Accept 6",
     "In addition, the O/TWAMP Server SHOULD set the Accept field of the "
     "Server-Start message to the value 6 to indicate that the Server is "
     "not willing to conduct further transactions in this O/TWAMP-Control "
     "session since it cannot find the corresponding IKEv2 SA.",
     0, owtw_chk_ikev2, {1}},
    {"TWAMP-7717-5.2-01", "RFC 7717 §5.2", IPPM_MUST, R,
     "IKEv2Derived the greeting did not offer is refused",
     "Therefore, when this method is used, the Modes value extension MUST "
     "be supported.",
     0, owtw_chk_unoffered_refused, {0, OWTW_MODE_IKEV2}},
    {"TWAMP-7717-5.3-03", "RFC 4656 §3.1 (RFC 7717 §5.3)", IPPM_MUST, S,
     "IKEv2Derived chosen only when the greeting offered it", owtw_q_agreed,
     0, owtw_chk_setup_offered, {0, OWTW_MODE_IKEV2}},

    /* ---- RFC 7750 DSCP and ECN monitoring, bit 8 ---- */
    {"TWAMP-7750-2.1-01", "RFC 7750 §2.1", IPPM_MUST, S,
     "DSCP and ECN Monitoring chosen only when the greeting offered it",
     "If the Control-Client agrees to monitor DSCP and ECN on some or all "
     "test sessions invoked with this control connection, it MUST set the "
     "DSCP and ECN Monitoring flag in the Modes field in the Setup Response "
     "message.",
     0, owtw_chk_setup_offered, {0, OWTW_MODE_DSCP_ECN}},
    {"TWAMP-7750-2.1-02", "RFC 4656 §3.1 (RFC 7750 §2.1)", IPPM_MUST, R,
     "DSCP and ECN Monitoring the greeting did not offer is refused",
     owtw_q_agreed, 0, owtw_chk_unoffered_refused,
     {0, OWTW_MODE_DSCP_ECN}},

    /* ---- RFC 8186 PTPv2 timestamps, bit 9 ---- */
    {"TWAMP-8186-2.2-01", "RFC 8186 §2.2", IPPM_MUST, S,
     "PTPv2 bit set when the greeting offered it",
     "The Control-Client MUST set the PTPv2 Timestamp flag value to 1 in "
     "the Modes field in the Set-Up-Response message if the Server "
     "advertised that the Session-Reflector has the ability to use the "
     "PTPv2 format for timestamps.",
     0, owtw_chk_ptp_when_offered},
    {"TWAMP-8186-2.2-02", "RFC 8186 §2.2", IPPM_MUST, S,
     "PTPv2 bit clear when the greeting did not offer it",
     "Otherwise, the flag MUST be set to 0.", 0, owtw_chk_setup_offered,
     {0, OWTW_MODE_PTP}},
    {"TWAMP-8186-2-01", "RFC 8186 §2", IPPM_MUST, R,
     "PTPv2 the greeting did not offer is refused",
     "If the endpoint does not support this extension, then the value of "
     "the PTPv2 Timestamp flag MUST be 0 because it is in Must Be Zero "
     "field.",
     0, owtw_chk_unoffered_refused, {0, OWTW_MODE_PTP}},

    /* ---- RFC 9533 LAG micro sessions: commands, no Modes bit ---- */
    {"TWAMP-9533-4.1-01", "RFC 9533 §4.1 (RFC 5357 §3.5)", IPPM_MUST, R,
     "Request-TW-Micro-Sessions answered by Accept-Session", q_micro_tw, 0,
     owtw_chk_answered, {OWTW_OBS_REQ_MICRO, OWTW_OBS_ACCEPT}},
    {"OWAMP-9533-3.1-01", "RFC 9533 §3.1 (RFC 4656 §3.5)", IPPM_MUST, R,
     "Request-OW-Micro-Sessions answered by Accept-Session",
     "When an OWAMP Server receives a Request-OW-Micro-Sessions command, if "
     "the request is accepted, the OWAMP Server MUST build a set of micro "
     "sessions for all the member links of the LAG from which the "
     "Request-OW-Micro-Sessions message is received.",
     0, owtw_chk_answered, {OWTW_OBS_REQ_MICRO, OWTW_OBS_ACCEPT}},
};

const size_t ippm_cases_twamp_ext_n =
    sizeof ippm_cases_twamp_ext / sizeof ippm_cases_twamp_ext[0];
