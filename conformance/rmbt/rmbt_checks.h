/* The checks of the RMBT UDP ping cases (conformance/cases/rmbt.c). Each
 * classifies every exchange by what the notes' server rules decide on its
 * request (proto/rmbt's rmbt_server_decide at the request's time), so a
 * live run and a capture grade alike; a row's arg.type picks the kind of
 * request it grades. */
#ifndef IPPM_RMBT_CHECKS_H
#define IPPM_RMBT_CHECKS_H

#include <stddef.h>

#include "conformance/ippm_conform.h"

/* arg.type of rmbt_chk_refl_row: the row of the notes' §4 table. */
enum rmbt_row {
    RMBT_ROW_VALID = 1,  /* right key and address, inside the window: RR01 */
    RMBT_ROW_OTHER_IP,   /* right key, token for another address: RE01 */
    RMBT_ROW_BAD_KEY,    /* no secret's packet_hash: no reply */
    RMBT_ROW_MAGIC,      /* 24 octets, not RP01: no reply */
    RMBT_ROW_SHORT,      /* fewer than 24 octets: no reply */
    RMBT_ROW_LONG,       /* more than 24 octets: no reply */
    RMBT_ROW_EDGE_BACK,  /* t = now - 14400, right key: answered */
    RMBT_ROW_EDGE_AHEAD, /* t = now + 30, right key: answered */
    RMBT_ROW_EXPIRED,    /* t + 14400 < now: no reply */
    RMBT_ROW_FUTURE,     /* t > now + 30: no reply */
    RMBT_ROW_PAST_BACK,  /* t = now - 14401: no reply */
    RMBT_ROW_PAST_AHEAD, /* t = now + 31: no reply */
    RMBT_ROW_ZERO,       /* octets 8..23 all zero: no reply */
};

/* arg.type of rmbt_chk_refl_reply: what every reply must be. */
enum rmbt_reply_rule {
    RMBT_REP_LEN8 = 1, /* exactly 8 octets */
    RMBT_REP_ECHO,     /* octets 4..7 are the request's */
    RMBT_REP_TAG,      /* RR01 or RE01 */
    RMBT_REP_PORT,     /* from the address and port the request went to */
    RMBT_REP_AMPLIFY,  /* at most 8 octets back per request */
    RMBT_REP_ONCE,     /* one reply per request */
};

/* arg.type of rmbt_chk_sender: what every request must be. */
enum rmbt_send_rule {
    RMBT_SND_LEN = 1,  /* exactly 24 octets */
    RMBT_SND_MAGIC,    /* RP01 */
    RMBT_SND_WINDOW,   /* token time inside the window when sent */
    RMBT_SND_SEQ,      /* sequence + 1 per packet, mod 2^32 */
    RMBT_SND_HASH,     /* packet_hash under a known secret */
    RMBT_SND_IP_HASH,  /* packet_ip_hash for the source address */
};

enum ippm_verdict rmbt_chk_refl_row(const struct ippm_obs *obs,
                                    const struct ippm_case_arg *arg,
                                    char *detail, size_t cap);
enum ippm_verdict rmbt_chk_refl_reply(const struct ippm_obs *obs,
                                      const struct ippm_case_arg *arg,
                                      char *detail, size_t cap);
enum ippm_verdict rmbt_chk_sender(const struct ippm_obs *obs,
                                  const struct ippm_case_arg *arg,
                                  char *detail, size_t cap);

#endif
