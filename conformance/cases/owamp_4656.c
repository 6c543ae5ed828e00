/* OWAMP-Control, RFC 4656 §3 and §6: the server greeting and mode
 * negotiation, Server-Start, session requests, Start/Stop-Sessions,
 * Fetch-Session, and how each side meets bad input; and the OWAMP-Test
 * packets each side sends in mode O (§4.1). IDs are
 * OWAMP-4656-<section>-<counter>, never renumbered. Quotes are word for
 * word from ../shared/rfc/rfc4656.txt (shared ones in owtw_rows.c).
 * Server cases are graded in the reflector role, client cases in the
 * sender role (conformance/owtw/owtw_obs.h). */
#include "cases.h"
#include "owtw_rows.h"

#define R IPPM_ROLE_REFLECTOR
#define S IPPM_ROLE_SENDER


static const char q_req_answer[] =
    "To each Request-Session message, an OWAMP server MUST respond with an "
    "Accept-Session message:";
static const char q_stop_count[] =
    "Number of Sessions MUST contain the number of send sessions started by "
    "the local side of the control connection that have not been previously "
    "terminated by a Stop-Sessions command (i.e., the Control-Client MUST "
    "account for each accepted Request-Session where Conf-Receiver was set; "
    "the Control-Server MUST account for each accepted Request-Session where "
    "Conf-Sender was set).";
static const char q_skip_order[] = "Skip Ranges MUST be in order.";
static const char q_multiplier[] = "Multiplier MUST NOT be set to zero.";
static const char q_ttl[] =
    "The sender SHOULD set the TTL in IPv4 (or Hop Limit in IPv6) in the UDP "
    "packet to 255.";
static const char q_zbit[] =
    "The next bit has the same semantics as MBZ fields elsewhere: it MUST be "
    "set to zero by the sender and ignored by everyone else.";
static const char q_departure[] =
    "Regardless of any scheduling delays, each packet that is actually sent "
    "MUST have the best possible approximation of its real time of departure "
    "as its timestamp (in the packet).";
static const char q_pad[] =
    "The last (possibly full, possibly incomplete) block (16 octets) of data "
    "MUST be padded with zeros, if necessary.";

const struct ippm_case ippm_cases_owamp_4656[] = {
    /* ---- the server ---- */
    {"OWAMP-4656-3.1-01", "RFC 4656 §3.1", IPPM_MUST, R,
     "Server Greeting Modes: only the bits OWAMP registers", owtw_q_modes29, 0,
     owtw_chk_modes_mbz, {OWTW_OBS_GREETING, OWTW_MODES_OWAMP}},
    {"OWAMP-4656-3.1-02", "RFC 4656 §3.1", IPPM_MUST, R,
     "Server Greeting Count is a power of 2", owtw_q_count_pow2, 0,
     owtw_chk_count, {0}},
    {"OWAMP-4656-3.1-03", "RFC 4656 §3.1", IPPM_MUST, R,
     "Server Greeting Count is at least 1024", owtw_q_count_1024, 0,
     owtw_chk_count, {1}},
    {"OWAMP-4656-3.1-04", "RFC 4656 §3.1", IPPM_MUST, R,
     "Server Greeting MBZ octets are zero", owtw_q_mbz, 0, owtw_chk_mbz,
     {OWTW_OBS_GREETING}},
    {"OWAMP-4656-3.1-05", "RFC 4656 §3.1", IPPM_MUST, R,
     "Salt differs between connections", owtw_q_salt, 0, owtw_chk_unique,
     {OWTW_OBS_GREETING, 32}},
    {"OWAMP-4656-6.10-04", "RFC 4656 §6.10", IPPM_MUST, R,
     "Challenge never repeated", owtw_q_challenge, 0, owtw_chk_unique,
     {OWTW_OBS_GREETING, 16}},
    {"OWAMP-4656-3.1-07", "RFC 4656 §3.1", IPPM_MUST, R,
     "Set-Up-Response answered by Server-Start", owtw_q_server_start, 0,
     owtw_chk_server_start_sent},
    {"OWAMP-4656-3.1-08", "RFC 4656 §3.1", IPPM_MUST, R,
     "Server-Start MBZ octets are zero", owtw_q_server_start_mbz, 0,
     owtw_chk_mbz, {OWTW_OBS_SERVER_START}},
    {"OWAMP-4656-3.1-09", "RFC 4656 §3.1", IPPM_SHOULD, R,
     "Same Start-Time on every connection", owtw_q_start_time, 0,
     owtw_chk_start_time_same},
    {"OWAMP-4656-3.1-10", "RFC 4656 §3.1", IPPM_SHOULD, R,
     "Set-Up-Response of Mode 0: the server closes", owtw_q_mode0, 0,
     owtw_chk_mode0_close},
    {"OWAMP-4656-3.1-11", "RFC 4656 §3.1", IPPM_MUST, R,
     "Mode the greeting did not offer is refused", owtw_q_agreed, 0,
     owtw_chk_unoffered_refused, {0, OWTW_MODES_OWAMP}},
    {"OWAMP-4656-3.3-01", "RFC 4656 §3.3", IPPM_SHOULD, R,
     "Every Accept is a defined value", owtw_q_accept_value, 0,
     owtw_chk_accept_known, {0, 5}},
    {"OWAMP-4656-3.5-01", "RFC 4656 §3.5", IPPM_MUST, R,
     "Request-Session answered by Accept-Session", q_req_answer, 0,
     owtw_chk_answered, {OWTW_OBS_REQ_SESSION, OWTW_OBS_ACCEPT}},
    {"OWAMP-4656-3.5-02", "RFC 4656 §3.5", IPPM_MUST, R,
     "Accept-Session MBZ octets are zero", owtw_q_mbz, 0, owtw_chk_mbz,
     {OWTW_OBS_ACCEPT, OWTW_MBZ_RFC6038}},
    {"OWAMP-4656-3.5-03", "RFC 4656 §3.5", IPPM_SHOULD, R,
     "Refusing a session keeps the connection open", owtw_q_reject_open, 0,
     owtw_chk_reject_keeps_open},
    {"OWAMP-4656-6.2-01", "RFC 4656 §6.2", IPPM_MUST, R,
     "Request for a third party's receiver is declined",
     "Unless otherwise configured, the default behavior of servers MUST be "
     "to decline requests where the Receiver Address field is not equal to "
     "the address that the control connection was initiated from or an "
     "address of the server (or an address of a host it controls).",
     0, owtw_chk_foreign_receiver},
    {"OWAMP-4656-3.7-01", "RFC 4656 §3.7", IPPM_MUST, R,
     "Start-Sessions answered by Start-Ack", owtw_q_start_ack, 0,
     owtw_chk_answered, {OWTW_OBS_START, OWTW_OBS_START_ACK}},
    {"OWAMP-4656-3.7-02", "RFC 4656 §3.7", IPPM_MUST, R,
     "Start-Ack MBZ octets are zero", owtw_q_mbz, 0, owtw_chk_mbz,
     {OWTW_OBS_START_ACK}},
    {"OWAMP-4656-3.8-01", "RFC 4656 §3.8", IPPM_MUST, R,
     "Server's Stop-Sessions counts its send sessions", q_stop_count, 0,
     owtw_chk_stop_count, {0}},
    {"OWAMP-4656-3.8-02", "RFC 4656 §3.8", IPPM_MUST, R,
     "Server's Stop-Sessions skip ranges in order", q_skip_order, 0,
     owtw_chk_stop_records, {1}},
    {"OWAMP-4656-3.8-03", "RFC 4656 §3.8", IPPM_MUST, R,
     "Server's Stop-Sessions records padded with zeros", q_pad, 0,
     owtw_chk_stop_records, {2}},
    {"OWAMP-4656-3.9-01", "RFC 4656 §3.9", IPPM_MUST, R,
     "Fetch-Session answered by Fetch-Ack",
     "The server MUST respond with a Fetch-Ack message.", 0,
     owtw_chk_answered, {OWTW_OBS_FETCH, OWTW_OBS_FETCH_ACK}},
    {"OWAMP-4656-3.9-02", "RFC 4656 §3.9", IPPM_MUST, R,
     "Refusing Fetch-Ack has every other field zero",
     "The server MUST specify zero for all remaining fields if Accept is "
     "non-zero.",
     0, owtw_chk_fetch_ack, {0}},
    {"OWAMP-4656-3.9-03", "RFC 4656 §3.9", IPPM_MUST, R,
     "Fetch-Ack of an unfinished session: Next Seqno 0",
     "If Finished is zero, then Next Seqno MUST be set to zero by the "
     "server.",
     0, owtw_chk_fetch_ack, {1}},
    {"OWAMP-4656-3.9-04", "RFC 4656 §3.9", IPPM_MUST, R,
     "Fetch-Ack of an unfinished session: no skip ranges",
     "If Finished is zero, then Skip Ranges MUST be set to zero by the "
     "server.",
     0, owtw_chk_fetch_ack, {2}},
    {"OWAMP-4656-3.9-05", "RFC 4656 §3.9", IPPM_MUST, R,
     "Accepting Fetch-Ack followed by the session data",
     "If Accept was 0, the server then MUST immediately send the OWAMP-Test "
     "session data in question.",
     0, owtw_chk_fetch_data},
    {"OWAMP-4656-3.9-06", "RFC 4656 §3.9", IPPM_MUST, R,
     "Whole session fetched while it runs is denied",
     "If a complete session is requested and the session is still in "
     "progress or has terminated in any way other than normally, the "
     "request to fetch session results MUST be denied.",
     0, owtw_chk_fetch_in_progress},
    {"OWAMP-4656-6.10-01", "RFC 4656 §6.10", IPPM_MUST, R,
     "Client message with a bad HMAC: not answered, connection dropped",
     owtw_q_hmac_drop, 0, owtw_chk_bad_mac_drop},
    {"OWAMP-4656-6.10-02", "RFC 4656 §6.10", IPPM_MUST, R,
     "Token under another key: nothing accepted, connection dropped",
     owtw_q_hmac_drop, 0, owtw_chk_bad_key_refused},
    {"OWAMP-4656-6.10-03", "RFC 4656 §6.10", IPPM_MUST, R,
     "Server's HMACs verify", owtw_q_hmac_verify, 0, owtw_chk_macs_verify},
    {"OWAMP-4656-3-01", "RFC 4656 §3", IPPM_SHOULD, R,
     "Message cut short is not answered", owtw_q_partial, 0,
     owtw_chk_partial_unanswered},
    {"OWAMP-4656-3-02", "RFC 4656 §3", IPPM_SHOULD, R,
     "Server still greets after a refused or dropped connection",
     owtw_q_expunge, 0, owtw_chk_survives},

    {"OWAMP-4656-4.1.2-01", "RFC 4656 §4.1.2", IPPM_MUST, R,
     "Server's OWAMP-Test packets: Error Estimate Multiplier non-zero",
     q_multiplier, 0, owtw_chk_test_pkt, {0}},
    {"OWAMP-4656-4.1.2-02", "RFC 4656 §4.1.2", IPPM_SHOULD, R,
     "Server's OWAMP-Test packets leave with TTL 255", q_ttl, 0,
     owtw_chk_test_pkt, {1}},
    {"OWAMP-4656-4.1.2-03", "RFC 4656 §4.1.2", IPPM_MUST, R,
     "Server's OWAMP-Test packets: Error Estimate Z bit zero", q_zbit, 0,
     owtw_chk_test_pkt, {2}},
    {"OWAMP-4656-4.1.1-01", "RFC 4656 §4.1.1", IPPM_MUST, R,
     "Server's OWAMP-Test Timestamp is the time it was sent", q_departure,
     0, owtw_chk_test_pkt, {3}},
    {"OWAMP-4656-6.10-05", "RFC 4656 §6.10 (§4.1.2)", IPPM_MUST, R,
     "Server's OWAMP-Test HMACs verify (modes A and E)", owtw_q_hmac_verify,
     0, owtw_chk_test_pkt, {4}},

    /* ---- the client ---- */
    {"OWAMP-4656-3.1-20", "RFC 4656 §3.1", IPPM_MUST, S,
     "Set-Up-Response sets one or zero of the mode bits", owtw_q_onebit, 0,
     owtw_chk_setup_onebit},
    {"OWAMP-4656-3.1-21", "RFC 4656 §3.1", IPPM_MUST, S,
     "Set-Up-Response chooses a mode the greeting offered", owtw_q_agreed,
     0, owtw_chk_setup_offered, {0, OWTW_MODES_OWAMP}},
    {"OWAMP-4656-3.1-22", "RFC 4656 §3.1", IPPM_MUST, S,
     "Set-Up-Response Mode: first 29 bits zero", owtw_q_mode29, 0,
     owtw_chk_modes_mbz, {OWTW_OBS_SETUP, OWTW_MODES_OWAMP}},
    {"OWAMP-4656-3.1-23", "RFC 4656 §3.1", IPPM_SHOULD, S,
     "Client closes on a greeting of Modes 0", owtw_q_modes0_client, 0,
     owtw_chk_client_close_greeting, {0}},
    {"OWAMP-4656-3.1-24", "RFC 4656 §3.1", IPPM_MUST, S,
     "Client-IV never repeated", owtw_q_client_iv, 0, owtw_chk_unique,
     {OWTW_OBS_SETUP, 148}},
    {"OWAMP-4656-3.1-25", "RFC 4656 §3.1", IPPM_SHOULD, S,
     "Client closes after a refusing Server-Start", owtw_q_negative, 0,
     owtw_chk_client_close_reject},
    {"OWAMP-4656-3.5-10", "RFC 4656 §3.5", IPPM_MUST, S,
     "IPv4 request: address padding octets zero",
     "These octets MUST be set to zero by the client and MUST be ignored by "
     "the server.",
     0, owtw_chk_req_addr_pad},
    {"OWAMP-4656-3.5-11", "RFC 4656 §3.5", IPPM_MUST, S,
     "Conf-Sender and Conf-Receiver are 0 or 1",
     "Conf-Sender and Conf-Receiver MUST be set to 0 or 1 by the client.", 0,
     owtw_chk_req_conf, {0}},
    {"OWAMP-4656-3.5-12", "RFC 4656 §3.5", IPPM_MUST, S,
     "Conf-Sender or Conf-Receiver is 1",
     "At least one of Conf-Sender and Conf-Receiver MUST be 1.", 0,
     owtw_chk_req_conf, {1}},
    {"OWAMP-4656-3.5-13", "RFC 4656 §3.5", IPPM_MUST, S,
     "Request-Session MBZ octets are zero", owtw_q_mbz, 0, owtw_chk_mbz,
     {OWTW_OBS_REQ_SESSION, OWTW_MBZ_RFC6038}},
    {"OWAMP-4656-3.7-10", "RFC 4656 §3.7", IPPM_MUST, S,
     "Start-Sessions MBZ octets are zero", owtw_q_mbz, 0, owtw_chk_mbz,
     {OWTW_OBS_START}},
    {"OWAMP-4656-3.8-10", "RFC 4656 §3.8", IPPM_MUST, S,
     "Client's Stop-Sessions counts its send sessions", q_stop_count, 0,
     owtw_chk_stop_count, {0}},
    {"OWAMP-4656-3.8-11", "RFC 4656 §3.8", IPPM_MUST, S,
     "Client's Stop-Sessions skip ranges in order", q_skip_order, 0,
     owtw_chk_stop_records, {1}},
    {"OWAMP-4656-3.9-10", "RFC 4656 §3.9", IPPM_MUST, S,
     "Fetch-Session MBZ octets are zero", owtw_q_mbz, 0, owtw_chk_mbz,
     {OWTW_OBS_FETCH}},
    {"OWAMP-4656-4.1.2-10", "RFC 4656 §4.1.2", IPPM_MUST, S,
     "Client's OWAMP-Test packets: Error Estimate Multiplier non-zero",
     q_multiplier, 0, owtw_chk_test_pkt, {0}},
    {"OWAMP-4656-4.1.2-11", "RFC 4656 §4.1.2", IPPM_SHOULD, S,
     "Client's OWAMP-Test packets leave with TTL 255", q_ttl, 0,
     owtw_chk_test_pkt, {1}},
    {"OWAMP-4656-4.1.2-12", "RFC 4656 §4.1.2", IPPM_MUST, S,
     "Client's OWAMP-Test packets: Error Estimate Z bit zero", q_zbit, 0,
     owtw_chk_test_pkt, {2}},
    {"OWAMP-4656-4.1.1-10", "RFC 4656 §4.1.1", IPPM_MUST, S,
     "Client's OWAMP-Test Timestamp is the time it was sent", q_departure,
     0, owtw_chk_test_pkt, {3}},
    {"OWAMP-4656-6.10-12", "RFC 4656 §6.10 (§4.1.2)", IPPM_MUST, S,
     "Client's OWAMP-Test HMACs verify (modes A and E)", owtw_q_hmac_verify,
     0, owtw_chk_test_pkt, {4}},
    {"OWAMP-4656-6.10-10", "RFC 4656 §6.10", IPPM_MUST, S,
     "Client's HMACs verify", owtw_q_hmac_verify, 0, owtw_chk_macs_verify},
    {"OWAMP-4656-6.10-11", "RFC 4656 §6.10", IPPM_MUST, S,
     "Server message with a bad HMAC: the client drops the connection",
     owtw_q_hmac_drop, 0, owtw_chk_bad_mac_drop},
};

const size_t ippm_cases_owamp_4656_n =
    sizeof ippm_cases_owamp_4656 / sizeof ippm_cases_owamp_4656[0];
