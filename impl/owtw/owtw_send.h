/* The sending side of one TWAMP or OWAMP test session: the Session-Sender
 * of a TWAMP client, the sender of an OWAMP client (--to) or server (a
 * Conf-Sender session). Packets leave at the times of the RFC 4656 §5
 * schedule (proto/owtw: owtw_schedule_*), built and sealed by
 * owtw_sender_pkt_encode and owtw_test_seal; in TWAMP the reflections
 * come back on the same socket, are opened and decoded by proto/twamp,
 * and each becomes a forward, a backward and a round-trip sample
 * (owtw_way). The driver only keeps time and counts. */
#ifndef IPPM_OWTW_SEND_H
#define IPPM_OWTW_SEND_H

#include <stdbool.h>
#include <stdint.h>

#include "impl/core/clock.h"
#include "impl/core/net.h"
#include "impl/owtw/owtw_way.h"
#include "impl/owtw/owtw_proto.h"

struct owtw_send_params {
    enum owtw_test_mode mode;
    const uint8_t *sid;           /* OWTW_SID_LEN */
    const uint8_t *aes_sk;        /* NULL in mode 1 */
    const uint8_t *hmac_sk;
    const struct owtw_slot *slots; /* the schedule; must outlive the send */
    uint32_t n_slots;
    uint64_t start_ntp;           /* Start Time, NTP 32.32 */
    uint32_t count;
    size_t pkt_len;               /* the sender packet, padding included */
    int dscp;                     /* -1: the socket's */
    bool twamp;                   /* reflections come back */
    uint64_t timeout_ns;          /* wait for late packets after the last */
    struct ippm_addr peer;        /* where the packets go */
};

/* One reflection, as --per-packet and --json see it. Times Unix ns. */
struct owtw_reply {
    uint32_t seq, refl_seq;
    uint64_t t1, t2, t3, t4;
    int fwd_ttl, bwd_ttl;         /* as they arrived; -1 unknown */
    bool duplicate;
};

struct owtw_send {
    struct ippm_sock sock;        /* fd -1: none */
    struct owtw_send_params p;
    struct owtw_test_keys keys;
    struct owtw_schedule sched;
    bool keyed, scheduled;
    uint32_t next_seq;
    uint64_t next_ns;             /* send time of next_seq, Unix ns */
    uint64_t last_ns;             /* of the last packet sent */
    uint16_t errest;
    uint64_t sent, send_failed, received, dropped;
    uint64_t drop_by[IPPM_ERR_COUNT_];
    struct owtw_way *fwd, *bwd, *rtt; /* TWAMP */
    /* OWAMP: proto/owamp's Session-Sender keeps time, skips what is more
     * than Timeout late and logs it (RFC 4656 §4.1.1) */
    struct owamp_sender ow;
    bool ow_on;
    void (*on_reply)(void *user, const struct owtw_reply *r);
    void *user;
};

/* Opens the session's socket on an ephemeral port of local's address
 * (its port ignored), so the request can name it. Returns 0, or -1 with
 * the reason in err. */
int owtw_send_open(struct owtw_send *s, const struct ippm_addr *local,
                   char *err, size_t err_len);

/* The session was accepted: keys, schedule, TTL 255 (RFC 4656 §4.1.2),
 * DSCP, and in TWAMP the three ways. Returns 0, or -1 with the reason
 * in err. */
int owtw_send_start(struct owtw_send *s, const struct ippm_crypto *crypto,
                    const struct owtw_send_params *p,
                    const struct ippm_clock *clk, char *err, size_t err_len);

/* When the next packet is due, UINT64_MAX once all are sent. */
uint64_t owtw_send_deadline(const struct owtw_send *s);

/* Sends every packet due by now through tx. */
void owtw_send_due(struct owtw_send *s, struct ippm_tx_batch *tx,
                   const struct ippm_clock *clk, uint64_t now_ns);

/* TWAMP: the socket is readable: takes the reflections that wait. */
void owtw_send_drain(struct owtw_send *s, struct ippm_rx_batch *rx,
                     const struct ippm_clock *clk);

/* True once every packet is sent and the timeout after the last has
 * passed (or, in TWAMP, every packet came back). */
bool owtw_send_finished(const struct owtw_send *s, uint64_t now_ns);

/* Room owtw_send_skips needs. */
#define OWTW_SEND_SKIPS_LEN                                                 \
    (OWAMP_SENDER_SKIPS * OWAMP_SKIP_RANGE_LEN + OWAMP_BLOCK)

/* OWAMP: the skip ranges of our Stop-Sessions record (RFC 4656 §3.8),
 * encoded at buf (cap at least OWTW_SEND_SKIPS_LEN); returns how many. */
uint32_t owtw_send_skips(const struct owtw_send *s, uint8_t *buf, size_t cap);

/* When the session ends at the latest (the last send time is known only
 * once sent: until then, a bound from the schedule so far). */
uint64_t owtw_send_end_ns(const struct owtw_send *s);

void owtw_send_close(struct owtw_send *s);

#endif
