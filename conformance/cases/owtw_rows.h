/* Rows and quotes the OWAMP and TWAMP control tables share (RFC 5357
 * §3 takes OWAMP-Control's messages and rules over): one definition,
 * used by owamp_4656.c and twamp_5357.c. */
#ifndef IPPM_OWTW_ROWS_H
#define IPPM_OWTW_ROWS_H

#include "conformance/owtw/owtw_checks.h"
#include "proto/owtw/owtw.h"


extern const char owtw_q_mbz[];
extern const char owtw_q_modes29[];
extern const char owtw_q_count_pow2[];
extern const char owtw_q_count_1024[];
extern const char owtw_q_server_start[];
extern const char owtw_q_server_start_mbz[];
extern const char owtw_q_start_time[];
extern const char owtw_q_mode0[];
extern const char owtw_q_agreed[];
extern const char owtw_q_onebit[];
extern const char owtw_q_mode29[];
extern const char owtw_q_accept_value[];
extern const char owtw_q_modes0_client[];
extern const char owtw_q_client_iv[];
extern const char owtw_q_negative[];
extern const char owtw_q_start_ack[];
extern const char owtw_q_reject_open[];
extern const char owtw_q_hmac_verify[];
extern const char owtw_q_hmac_drop[];
extern const char owtw_q_salt[];
extern const char owtw_q_challenge[];
extern const char owtw_q_partial[];
extern const char owtw_q_expunge[];

#endif
