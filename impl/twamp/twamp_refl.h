/* The test side of `ippm twamp server`: one accepted session's UDP
 * socket and its Session-Reflector (proto/twamp, RFC 5357 §4.2), driven
 * by the server's loop. The server owns one receive and one send batch
 * for every session (a single thread); a session holds its socket, its
 * keys and its reflector. Private to impl/twamp. */
#ifndef IPPM_TWAMP_REFL_H
#define IPPM_TWAMP_REFL_H

#include <stdbool.h>
#include <stdint.h>

#include "impl/core/clock.h"
#include "impl/core/net.h"
#include "impl/owtw/owtw_limits.h"
#include "impl/owtw/owtw_proto.h"

struct twamp_refl {
    struct ippm_sock sock;       /* fd -1: none */
    struct owtw_test_keys keys;
    struct twamp_reflector r;
    struct twamp_reflector_config cfg; /* ready at open, used at start */
    bool started;                /* Start-Sessions seen: reflecting */
    bool done;                   /* REFWAIT passed, or stopped */
    uint64_t received, sent, send_failed;
    struct owtw_test_guard guard; /* whom it answers; zero: anyone */
};

/* What a session reflects with, from the accepted request. */
struct twamp_refl_params {
    enum owtw_test_mode mode;
    const uint8_t *sid;          /* OWTW_SID_LEN */
    const uint8_t *aes_sk;       /* OWTW_AES_SK_LEN; NULL in mode 1 */
    const uint8_t *hmac_sk;      /* OWTW_HMAC_SK_LEN; NULL in mode 1 */
    uint16_t reflect_len;        /* RFC 6038, 0: none */
    bool symmetrical;
    uint64_t refwait_ns;
    int dscp;                    /* the Type-P Descriptor's, -1: none */
};

/* Binds the session's socket (owtw_testport_open) and derives its keys.
 * Returns 0, or -1 with the reason in err. */
int twamp_refl_open(struct twamp_refl *t, const struct ippm_addr *local,
                    uint16_t lo, uint16_t hi, uint16_t want,
                    const struct ippm_crypto *crypto,
                    const struct twamp_refl_params *p, char *err,
                    size_t err_len);

/* Start-Sessions accepted at now_ns: reflect from now on (packets before
 * it are read and dropped), REFWAIT counting from now. */
void twamp_refl_start(struct twamp_refl *t, const struct ippm_clock *clk,
                      uint64_t now_ns);

/* The socket is readable: reflects what waits, in batches, into tx. */
void twamp_refl_drain(struct twamp_refl *t, struct ippm_rx_batch *rx,
                      struct ippm_tx_batch *tx, const struct ippm_clock *clk,
                      uint64_t drop_by[IPPM_ERR_COUNT_]);

/* When the session wants TIMER (REFWAIT), UINT64_MAX when none. */
uint64_t twamp_refl_deadline(const struct twamp_refl *t);

/* TIMER at now_ns: done once REFWAIT passed without a packet. */
void twamp_refl_due(struct twamp_refl *t, uint64_t now_ns);

/* Closes the socket and frees the keys; safe twice. */
void twamp_refl_close(struct twamp_refl *t);

#endif
