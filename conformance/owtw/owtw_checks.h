/* The OWAMP/TWAMP control checks the case tables name
 * (conformance/cases/owamp_4656.c, twamp_5357.c, twamp_ext.c). Each
 * grades the side obs->role names over every control connection in
 * obs->ctrl (conformance/owtw/owtw_obs.h) and is N/A when no connection
 * shows what it reads. What a row's arg selects is said at each check. */
#ifndef IPPM_OWTW_CHECKS_H
#define IPPM_OWTW_CHECKS_H

#include "conformance/ippm_conform.h"
#include "conformance/owtw/owtw_obs.h"

#define OWTW_CHECK(name)                                                      \
    enum ippm_verdict name(const struct ippm_obs *obs,                        \
                           const struct ippm_case_arg *arg, char *d,          \
                           size_t cap)

/* ---- greeting and set-up (owtw_checks_setup.c) ---- */
/* Modes outside arg.flags (the bits the protocol knows) are zero: in the
 * greeting (arg.type OWTW_OBS_GREETING) or Set-Up-Response (OWTW_OBS_SETUP). */
OWTW_CHECK(owtw_chk_modes_mbz);
/* Greeting Count: arg.type 0 a power of 2, 1 at least 1024. */
OWTW_CHECK(owtw_chk_count);
/* The MBZ fields of every message of type arg.type the graded side sent
 * are zero: those proto/owtw's layout table names "mbz", and with
 * OWTW_MBZ_RFC6038 in arg.flags the RFC 6038 fields too (OWAMP has
 * none: there they are MBZ). */
#define OWTW_MBZ_RFC6038 0x1u
OWTW_CHECK(owtw_chk_mbz);
/* The 16 octets at arg.flags of the messages of type arg.type differ
 * between every two connections (Salt, Challenge, Client-IV). */
OWTW_CHECK(owtw_chk_unique);
/* Every Set-Up-Response choosing a mode is answered by Server-Start. */
OWTW_CHECK(owtw_chk_server_start_sent);
/* Every Server-Start of the observation carries the same Start-Time. */
OWTW_CHECK(owtw_chk_start_time_same);
/* After a Set-Up-Response of Mode 0 the server closes, accepting
 * nothing. */
OWTW_CHECK(owtw_chk_mode0_close);
/* A Set-Up-Response choosing a bit of arg.flags that the greeting did
 * not offer is refused (Accept non-zero, or closed). */
OWTW_CHECK(owtw_chk_unoffered_refused);
/* Every Accept the server sent is a defined value (at most arg.flags). */
OWTW_CHECK(owtw_chk_accept_known);
/* Set-Up-Response: one or zero of the security bits (RFC 5618: four). */
OWTW_CHECK(owtw_chk_setup_onebit);
/* Set-Up-Response sets only bits of arg.flags the greeting offered. */
OWTW_CHECK(owtw_chk_setup_offered);
/* Set-Up-Response sets exactly one security bit (0..3). */
OWTW_CHECK(owtw_chk_setup_security_bit);
/* The client closes after a greeting of arg.type 0: Modes 0, 1: Count
 * above its maximum (owtw_obs_ext.max_count). */
OWTW_CHECK(owtw_chk_client_close_greeting);
/* The client closes after a Server-Start with a non-zero Accept. */
OWTW_CHECK(owtw_chk_client_close_reject);

/* ---- sessions (owtw_checks_session.c) ---- */
/* Every client message of type arg.type is answered by one of type
 * arg.flags (messages whose HMAC failed excepted). */
OWTW_CHECK(owtw_chk_answered);
/* A session refused with Accept-Session is not followed by the server
 * closing the connection. */
OWTW_CHECK(owtw_chk_reject_keeps_open);
/* Request Conf-Sender / Conf-Receiver: arg.type 0 each 0 or 1, 1 at
 * least one 1, 2 both 0 (TWAMP). */
OWTW_CHECK(owtw_chk_req_conf);
/* Request-TW-Session: arg.type 0 slots and packets 0, 1 SID 0. */
OWTW_CHECK(owtw_chk_req_tw_fields);
/* IPv4 requests: the 12 octets after each address are zero. */
OWTW_CHECK(owtw_chk_req_addr_pad);
/* A Request-TW-Session with non-zero Conf fields gets Accept 3. */
OWTW_CHECK(owtw_chk_conf_nonzero_accept3);
/* An unknown command number gets Accept-Session with Accept 3. */
OWTW_CHECK(owtw_chk_bad_cmd_accept3);
/* A refusing Accept-Session carries Port 0. */
OWTW_CHECK(owtw_chk_reject_port_zero);
/* A request whose Receiver Address is neither side's is refused. */
OWTW_CHECK(owtw_chk_foreign_receiver);
/* Stop-Sessions Number of Sessions is the graded side's accepted send
 * sessions (arg.type 1: TWAMP, every accepted session is the client's). */
OWTW_CHECK(owtw_chk_stop_count);
/* Stop-Sessions records: arg.type 0 none (TWAMP), 1 skip ranges in
 * order, 2 each record's padding zero. */
OWTW_CHECK(owtw_chk_stop_records);
/* Fetch-Ack: arg.type 0 refusal has zero fields, 1 unfinished has Next
 * Seqno 0, 2 unfinished has no skip ranges. */
OWTW_CHECK(owtw_chk_fetch_ack);
/* An accepting Fetch-Ack is followed by the session data. */
OWTW_CHECK(owtw_chk_fetch_data);
/* A Fetch-Session of a whole session before its Stop-Sessions is
 * denied. */
OWTW_CHECK(owtw_chk_fetch_in_progress);
/* Timeouts. arg.type 0: the server closes an idle connection (no
 * session running) no sooner than SERVWAIT. 1: over every connection
 * that ran sessions, the server never closed while they ran unless REFWAIT
 * (900 s without a control message or test packet) had expired. 2: the
 * same rule, graded only on the server's closes while sessions ran. */
OWTW_CHECK(owtw_chk_servwait);

/* ---- refusals and robustness (owtw_checks_robust.c) ---- */
/* A message of the other side whose HMAC failed is not answered and
 * the graded side drops the connection. */
OWTW_CHECK(owtw_chk_bad_mac_drop);
/* A Token made under another key (Set-Up-Response mac -1): no session
 * is accepted and the server drops the connection. */
OWTW_CHECK(owtw_chk_bad_key_refused);
/* Every HMAC the graded side sent verifies. */
OWTW_CHECK(owtw_chk_macs_verify);
/* The server does not answer a message cut short (OWTW_OBS_PARTIAL). */
OWTW_CHECK(owtw_chk_partial_unanswered);
/* After a connection the server refused or dropped, a later one is still
 * greeted. */
OWTW_CHECK(owtw_chk_survives);

/* ---- extensions (owtw_checks_ext.c) ---- */
/* RFC 5938: arg.type 0 no Start/Stop-Sessions under Individual Session
 * Control, 1 Start-N/Stop-N only with the mode chosen. */
OWTW_CHECK(owtw_chk_isc_commands);
/* RFC 5938: Number of Sessions of the messages of type arg.type is at
 * least 1 and matches the SIDs carried. */
OWTW_CHECK(owtw_chk_n_count);
/* RFC 5938: a Start-N-Sessions whose count does not match is not
 * accepted. */
OWTW_CHECK(owtw_chk_n_mismatch_refused);
/* RFC 6038: Accept-Session Reflected octets are the request's. */
OWTW_CHECK(owtw_chk_reflected_octets);
/* RFC 6038: arg.type 0 Padding Length above the length to reflect; 1
 * Reflect Octets fields used only with the mode chosen. */
OWTW_CHECK(owtw_chk_reflect_request);
/* RFC 6038: a request whose padding cannot make equal sizes gets
 * Accept 3. */
OWTW_CHECK(owtw_chk_reflect_short_accept3);
/* RFC 7717: arg.type 0 KeyID after the SPIs is zero; 1 an unknown SA
 * gets Server-Start Accept 6. */
OWTW_CHECK(owtw_chk_ikev2);
/* RFC 8186: the client sets the PTPv2 bit when the server offered it. */
OWTW_CHECK(owtw_chk_ptp_when_offered);

/* ---- OWAMP-Test packets (owtw_checks_testpkt.c) ---- */
/* The graded side's test packets: arg.type 0 Error Estimate Multiplier
 * non-zero, 1 TTL 255 where seen, 2 Z bit 0 (unless RFC 8186 timestamps
 * were chosen), 3 Timestamp within the clock tolerance of when the packet
 * was seen, 4 HMAC verifies (modes A and E). */
OWTW_CHECK(owtw_chk_test_pkt);

#endif
