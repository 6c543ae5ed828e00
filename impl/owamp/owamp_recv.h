/* The receiving side of one OWAMP test session, for the server (a
 * Conf-Receiver session, its records kept for Fetch-Session) and the
 * client (--from): the UDP socket, the test keys, and proto/owamp's
 * Session-Receiver with its record array (RFC 4656 §4.2). Private to
 * impl/owamp. */
#ifndef IPPM_OWAMP_RECV_H
#define IPPM_OWAMP_RECV_H

#include <stdbool.h>
#include <stdint.h>

#include "impl/core/clock.h"
#include "impl/core/net.h"
#include "impl/owtw/owtw_proto.h"

struct owamp_recv_params {
    enum owtw_test_mode mode;
    const uint8_t *sid;
    const uint8_t *aes_sk, *hmac_sk; /* NULL in mode 1 */
    uint32_t npackets;
    uint64_t timeout;         /* 32.32 seconds, as in the request */
};

struct owamp_recv {
    struct ippm_sock sock;    /* fd -1: none */
    struct owtw_test_keys keys;
    bool keyed;
    struct owamp_receiver r;
    struct owamp_record *rec; /* allocated: npackets + duplicates room */
    uint64_t *seen;
    bool started, finished;
    uint8_t sid[16];
};

/* Binds the socket on local (a port of [lo, hi], want when free; lo 0:
 * any), derives the keys and prepares the receiver. Returns 0, or -1
 * with the reason in err. */
int owamp_recv_open(struct owamp_recv *x, const struct ippm_addr *local,
                    uint16_t lo, uint16_t hi, uint16_t want,
                    const struct ippm_crypto *crypto,
                    const struct owamp_recv_params *p,
                    const struct ippm_clock *clk, char *err, size_t err_len);

/* The socket is readable: records what waits (before Start-Sessions:
 * read and dropped). */
void owamp_recv_drain(struct owamp_recv *x, struct ippm_rx_batch *rx,
                      const struct ippm_clock *clk);

void owamp_recv_close(struct owamp_recv *x);

#endif
