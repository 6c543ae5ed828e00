/* see owtw_rows.h. Quotes are word for word from RFC 4656
 * (../shared/rfc/rfc4656.txt). */
#include "owtw_rows.h"


const char owtw_q_mbz[] =
    "MBZ (MUST be zero) fields here and after have the same semantics: the "
    "party that sends the message MUST set the field so that all bits are "
    "equal to zero; the party that interprets the message MUST ignore the "
    "value.";
const char owtw_q_modes29[] = "The first 29 bits MUST be zero.";
const char owtw_q_count_pow2[] = "Count MUST be a power of 2.";
const char owtw_q_count_1024[] = "Count MUST be at least 1024.";
const char owtw_q_server_start[] =
    "The server MUST respond with the following Server-Start message:";
const char owtw_q_server_start_mbz[] = "The MBZ parts MUST be zero.";
const char owtw_q_start_time[] =
    "The same instantiation of the server SHOULD report the same exact "
    "Start-Time value to each client in each session.";
const char owtw_q_mode0[] =
    "If zero Mode bits are set by the client, the client indicates that it "
    "will not continue with the session; in this case, the client and the "
    "server SHOULD close the TCP connection associated with the "
    "OWAMP-Control session.";
const char owtw_q_agreed[] =
    "If it is one bit that is set within the last three bits, this bit MUST "
    "indicate a mode that the server agreed to use (i.e., the same bit MUST "
    "have been set by the server in the server greeting).";
const char owtw_q_onebit[] =
    "In Mode, one or zero bits MUST be set within last three bits.";
const char owtw_q_mode29[] = "The first 29 bits of Mode MUST be zero.";
const char owtw_q_accept_value[] =
    "A message sender SHOULD use the correct Accept value if it is going to "
    "use other values.";
const char owtw_q_modes0_client[] =
    "The client SHOULD close the connection if it receives a greeting with "
    "Modes equal to zero.";
const char owtw_q_client_iv[] =
    "Client-IV merely needs to be unique (i.e., it MUST never be repeated "
    "for different sessions using the same secret key; a simple way to "
    "achieve that without the use of cumbersome state is to generate the "
    "Client-IV values using a cryptographically secure pseudo-random number "
    "source: if this is done, the first repetition is unlikely to occur "
    "before 2^64 sessions with the same secret key are conducted).";
const char owtw_q_negative[] =
    "If a negative (non-zero) response is sent, the server MAY (and the "
    "client SHOULD) close the connection after this message.";
const char owtw_q_start_ack[] =
    "The server MUST respond with an Start-Ack message (which SHOULD be sent "
    "as quickly as possible).";
const char owtw_q_reject_open[] =
    "If the server rejects a Request-Session message, it SHOULD not close "
    "the TCP connection.";
const char owtw_q_hmac_verify[] = "HMAC MUST verify.";
const char owtw_q_hmac_drop[] =
    "If such a message is part of OWAMP-Control, the connection MUST be "
    "dropped.";
const char owtw_q_salt[] =
    "Salt MUST be generated pseudo-randomly (independently of anything else "
    "in this document).";
const char owtw_q_challenge[] =
    "we require that the server never issues the same challenge twice.";
const char owtw_q_partial[] =
    "For example, if the full control message is not received within some "
    "number of minutes after it is expected, the TCP connection associated "
    "with the OWAMP-Control session SHOULD be dropped.";
const char owtw_q_expunge[] =
    "An implementation SHOULD expunge unused state to prevent "
    "denial-of-service attacks, or unbounded memory usage, on the server.";
