/* TWAMP-Control, RFC 5357 §3 (and the OWAMP-Control rules it takes over
 * from RFC 4656 §3): greeting and mode negotiation, Request-TW-Session
 * and Accept-Session, Start/Stop-Sessions, SERVWAIT and REFWAIT, and how
 * each side meets bad input. The test packets' cases are H5's
 * (twamp_test.c). IDs are TWAMP-5357-<section>-<counter>, never
 * renumbered; quotes word for word from ../shared/rfc. Server cases are
 * graded in the reflector role, client cases in the sender role. */
#include "cases.h"
#include "owtw_rows.h"

#define R IPPM_ROLE_REFLECTOR
#define S IPPM_ROLE_SENDER


static const char q_tw_answer[] =
    "The Session-Reflector MUST respond to each Request-TW-Session command "
    "with an Accept-Session message as defined in OWAMP [RFC4656].";
static const char q_servwait_default[] =
    "The default value of SERVWAIT SHALL be 900 seconds, and this waiting "
    "time MAY be configurable.";

const struct ippm_case ippm_cases_twamp_5357[] = {
    /* ---- the server ---- */
    {"TWAMP-5357-3.1-01", "RFC 4656 §3.1 (RFC 5357 §3.1, RFC 7717 §7)",
     IPPM_MUST, R, "Server Greeting Modes: only registered bits",
     owtw_q_modes29, 0, owtw_chk_modes_mbz,
     {OWTW_OBS_GREETING, OWTW_MODES_TWAMP}},
    {"TWAMP-5357-3.1-02", "RFC 4656 §3.1 (RFC 5357 §3.1)", IPPM_MUST, R,
     "Server Greeting Count is a power of 2", owtw_q_count_pow2, 0,
     owtw_chk_count, {0}},
    {"TWAMP-5357-3.1-03", "RFC 4656 §3.1 (RFC 5357 §3.1)", IPPM_MUST, R,
     "Server Greeting Count is at least 1024", owtw_q_count_1024, 0,
     owtw_chk_count, {1}},
    {"TWAMP-5357-3.1-04", "RFC 4656 §3.1 (RFC 5357 §3.1)", IPPM_MUST, R,
     "Server Greeting MBZ octets are zero", owtw_q_mbz, 0, owtw_chk_mbz,
     {OWTW_OBS_GREETING}},
    {"TWAMP-5357-3.1-05", "RFC 4656 §3.1 (RFC 5357 §3.1)", IPPM_MUST, R,
     "Set-Up-Response answered by Server-Start", owtw_q_server_start, 0,
     owtw_chk_server_start_sent},
    {"TWAMP-5357-3.1-06", "RFC 4656 §3.1 (RFC 5357 §3.1)", IPPM_MUST, R,
     "Server-Start MBZ octets are zero", owtw_q_server_start_mbz, 0,
     owtw_chk_mbz, {OWTW_OBS_SERVER_START}},
    {"TWAMP-5357-3.1-07", "RFC 4656 §3.1 (RFC 5357 §3.1)", IPPM_SHOULD, R,
     "Same Start-Time on every connection", owtw_q_start_time, 0,
     owtw_chk_start_time_same},
    {"TWAMP-5357-3.1-08", "RFC 4656 §3.1 (RFC 5357 §3.1)", IPPM_MUST, R,
     "Mode the greeting did not offer is refused", owtw_q_agreed, 0,
     owtw_chk_unoffered_refused, {0, 0x7u}},
    {"TWAMP-5357-3.1-09", "RFC 5357 §3.1", IPPM_MUST, R,
     "No SERVWAIT close sooner than 900 s", q_servwait_default, 0,
     owtw_chk_servwait, {0}},
    {"TWAMP-5357-3.1-10", "RFC 5357 §3.1", IPPM_MUST, R,
     "No SERVWAIT close while sessions run",
     "The Server SHALL suspend monitoring control connection activity after "
     "receiving a Start-Sessions command, and SHALL resume after receiving "
     "a Stop-Sessions command (IF the SERVWAIT option is supported).",
     0, owtw_chk_servwait, {1}},
    {"TWAMP-5357-3.1-11", "RFC 4656 §3.1 (RFC 5357 §3.1)", IPPM_SHOULD, R,
     "Set-Up-Response of Mode 0: the server closes", owtw_q_mode0, 0,
     owtw_chk_mode0_close},
    {"TWAMP-5357-3.3-01", "RFC 4656 §3.3 (RFC 5357 §3.3)", IPPM_SHOULD, R,
     "Every Accept is a defined value", owtw_q_accept_value, 0,
     owtw_chk_accept_known, {0, OWTW_ACCEPT_MAX}},
    {"TWAMP-5357-3.5-01", "RFC 5357 §3.5", IPPM_MUST, R,
     "Request-TW-Session answered by Accept-Session", q_tw_answer, 0,
     owtw_chk_answered, {OWTW_OBS_REQ_TW, OWTW_OBS_ACCEPT}},
    {"TWAMP-5357-3.5-02", "RFC 5357 §3.5", IPPM_MUST, R,
     "Unknown command number: Accept-Session with Accept 3",
     "If a TWAMP Server receives an unexpected Command Number, it MUST "
     "respond with the Accept field set to 3 (meaning \"Some aspect of "
     "request is not supported\") in the Accept-Session message.",
     0, owtw_chk_bad_cmd_accept3},
    {"TWAMP-5357-3.5-03", "RFC 5357 §3.5", IPPM_MUST, R,
     "Non-zero Conf-Sender or Conf-Receiver: Accept 3",
     "The Server MUST interpret any non-zero value as an improperly "
     "formatted command, and MUST respond with the Accept field set to 3 "
     "(meaning \"Some aspect of request is not supported\") in the "
     "Accept-Session message.",
     0, owtw_chk_conf_nonzero_accept3},
    {"TWAMP-5357-3.5-04", "RFC 5357 §3.5", IPPM_MUST, R,
     "Refusing Accept-Session carries Port 0",
     "Otherwise, the Server at the Control-Client uses the Accept field to "
     "convey other forms of session rejection or failure and MUST NOT "
     "suggest an alternate port; in this case, the Port field MUST be set "
     "to zero.",
     0, owtw_chk_reject_port_zero},
    {"TWAMP-5357-3.5-05", "RFC 4656 §3.5 (RFC 5357 §3.5)", IPPM_MUST, R,
     "Accept-Session MBZ octets are zero", owtw_q_mbz, 0, owtw_chk_mbz,
     {OWTW_OBS_ACCEPT}},
    {"TWAMP-5357-3.5-06", "RFC 4656 §3.5 (RFC 5357 §3.5)", IPPM_SHOULD, R,
     "Refusing a session keeps the connection open", owtw_q_reject_open, 0,
     owtw_chk_reject_keeps_open},
    {"TWAMP-5357-3.7-01", "RFC 4656 §3.7 (RFC 5357 §3.7)", IPPM_MUST, R,
     "Start-Sessions answered by Start-Ack", owtw_q_start_ack, 0,
     owtw_chk_answered, {OWTW_OBS_START, OWTW_OBS_START_ACK}},
    {"TWAMP-5357-3.7-02", "RFC 4656 §3.7 (RFC 5357 §3.7)", IPPM_MUST, R,
     "Start-Ack MBZ octets are zero", owtw_q_mbz, 0, owtw_chk_mbz,
     {OWTW_OBS_START_ACK}},
    {"TWAMP-5357-4.2-20", "RFC 5357 §4.2", IPPM_MUST, R,
     "No REFWAIT close sooner than 900 s without test packets",
     "The default value of REFWAIT SHALL be 900 seconds, and this waiting "
     "time MAY be configurable.",
     0, owtw_chk_servwait, {2}},
    {"TWAMP-5357-6.10-01", "RFC 4656 §6.10 (RFC 5357 §3.2)", IPPM_MUST, R,
     "Client message with a bad HMAC: not answered, connection dropped",
     owtw_q_hmac_drop, 0, owtw_chk_bad_mac_drop},
    {"TWAMP-5357-6.10-02", "RFC 4656 §6.10 (RFC 5357 §3.2)", IPPM_MUST, R,
     "Token under another key: nothing accepted, connection dropped",
     owtw_q_hmac_drop, 0, owtw_chk_bad_key_refused},
    {"TWAMP-5357-6.10-03", "RFC 4656 §6.10 (RFC 5357 §3.2)", IPPM_MUST, R,
     "Server's HMACs verify", owtw_q_hmac_verify, 0, owtw_chk_macs_verify},
    {"TWAMP-5357-6.10-04", "RFC 4656 §6.10 (RFC 5357 §3.1)", IPPM_MUST, R,
     "Challenge never repeated", owtw_q_challenge, 0, owtw_chk_unique,
     {OWTW_OBS_GREETING, 16}},
    {"TWAMP-5357-3-01", "RFC 4656 §3 (RFC 5357 §3)", IPPM_SHOULD, R,
     "Message cut short is not answered", owtw_q_partial, 0,
     owtw_chk_partial_unanswered},
    {"TWAMP-5357-3-02", "RFC 4656 §3 (RFC 5357 §3)", IPPM_SHOULD, R,
     "Server still greets after a refused or dropped connection",
     owtw_q_expunge, 0, owtw_chk_survives},

    /* ---- the client ---- */
    {"TWAMP-5357-3.1-20", "RFC 4656 §3.1 (RFC 5357 §3.1)", IPPM_MUST, S,
     "Set-Up-Response sets one or zero of the mode bits 0..2",
     owtw_q_onebit, 0, owtw_chk_setup_onebit},
    {"TWAMP-5357-3.1-21", "RFC 4656 §3.1 (RFC 5357 §3.1)", IPPM_MUST, S,
     "Set-Up-Response chooses only modes the greeting offered",
     owtw_q_agreed, 0, owtw_chk_setup_offered, {0, OWTW_MODES_TWAMP}},
    {"TWAMP-5357-3.1-22", "RFC 4656 §3.1 (RFC 5357 §3.1, RFC 7717 §7)",
     IPPM_MUST, S, "Set-Up-Response Mode: only registered bits",
     owtw_q_mode29, 0, owtw_chk_modes_mbz, {OWTW_OBS_SETUP, OWTW_MODES_TWAMP}},
    {"TWAMP-5357-3.1-23", "RFC 4656 §3.1 (RFC 5357 §3.1)", IPPM_SHOULD, S,
     "Client closes on a greeting of Modes 0", owtw_q_modes0_client, 0,
     owtw_chk_client_close_greeting, {0}},
    {"TWAMP-5357-3.1-24", "RFC 4656 §3.1 (RFC 5357 §3.1)", IPPM_MUST, S,
     "Client-IV never repeated", owtw_q_client_iv, 0, owtw_chk_unique,
     {OWTW_OBS_SETUP, 148}},
    {"TWAMP-5357-3.5-10", "RFC 5357 §3.5", IPPM_MUST, S,
     "Request-TW-Session: Conf-Sender and Conf-Receiver 0",
     "Both the Conf-Sender field and Conf-Receiver field MUST be set to 0 "
     "since the Session-Reflector will both receive and send packets, and "
     "the roles are established according to which host initiates the TCP "
     "connection for control.",
     0, owtw_chk_req_conf, {2}},
    {"TWAMP-5357-3.5-11", "RFC 5357 §3.5", IPPM_MUST, S,
     "Request-TW-Session: no schedule slots, no packet count",
     "Consequently the Number of Scheduled Slots and Number of Packets MUST "
     "be set to 0.",
     0, owtw_chk_req_tw_fields, {0}},
    {"TWAMP-5357-3.5-12", "RFC 5357 §3.5", IPPM_MUST, S,
     "Request-TW-Session: SID 0",
     "Since the SID is always generated by the receiving side, the Server "
     "determines the SID, and the SID in the Request-TW-Session message "
     "MUST be set to 0.",
     0, owtw_chk_req_tw_fields, {1}},
    {"TWAMP-5357-3.5-13", "RFC 4656 §3.5 (RFC 5357 §3.5)", IPPM_MUST, S,
     "Request-TW-Session MBZ octets are zero", owtw_q_mbz, 0, owtw_chk_mbz,
     {OWTW_OBS_REQ_TW}},
    {"TWAMP-5357-3.8-01", "RFC 5357 §3.8", IPPM_MUST, S,
     "Stop-Sessions carries no session records",
     "The message MUST NOT contain any session description records or skip "
     "ranges.",
     0, owtw_chk_stop_records, {0}},
    {"TWAMP-5357-3.8-02", "RFC 5357 §3.8", IPPM_MUST, S,
     "Stop-Sessions counts the accepted sessions",
     "Number of Sessions MUST contain the number of send sessions started "
     "by the Control-Client that have not been previously terminated by a "
     "Stop-Sessions command (i.e., the Control-Client MUST account for each "
     "accepted Request-Session).",
     0, owtw_chk_stop_count, {1}},
    {"TWAMP-5357-3.8-03", "RFC 4656 §3.8 (RFC 5357 §3.8)", IPPM_MUST, S,
     "Stop-Sessions MBZ octets are zero", owtw_q_mbz, 0, owtw_chk_mbz,
     {OWTW_OBS_STOP}},
    {"TWAMP-5357-6-01", "RFC 5357 §6", IPPM_SHOULD, S,
     "Client closes on a Count above its maximum",
     "If a Control-Client receives a Server-Greeting message with Count "
     "greater that its maximum configured value, it SHOULD close the "
     "control connection.",
     0, owtw_chk_client_close_greeting, {1}},
    {"TWAMP-5357-6.10-10", "RFC 4656 §6.10 (RFC 5357 §3.2)", IPPM_MUST, S,
     "Client's HMACs verify", owtw_q_hmac_verify, 0, owtw_chk_macs_verify},
    {"TWAMP-5357-6.10-11", "RFC 4656 §6.10 (RFC 5357 §3.2)", IPPM_MUST, S,
     "Server message with a bad HMAC: the client drops the connection",
     owtw_q_hmac_drop, 0, owtw_chk_bad_mac_drop},
};

const size_t ippm_cases_twamp_5357_n =
    sizeof ippm_cases_twamp_5357 / sizeof ippm_cases_twamp_5357[0];
