/* Inside impl/conform's live prober: what conform_prober.c (the prober
 * loop and the base probes), conform_probes_tlv.c (the TLV probes) and
 * conform_self.c (ippm's own sender) share. Not an API: the public one is
 * conform_live.h. */
#ifndef IPPM_CONFORM_PROBER_H
#define IPPM_CONFORM_PROBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "conformance/stamp/stamp_pairing.h"
#include "impl/conform/conform_live.h"
#include "impl/core/clock.h"
#include "impl/core/net.h"
#include "proto/stamp/stamp.h"

#define MS 1000000ull
#define PROBE_SSID 0x5354 /* "ST" */

/* Probe sockets at most: one per session. */
#define PS_MAX 64

/* A prober run: the sockets, and per exchange what pairs its reply. */
struct prober {
    const struct conform_reflector_opts *o;
    struct conform_run *run;
    enum stamp_mode mode;
    struct ippm_hmac_key key;
    struct ippm_hmac_key tlv_key; /* HMAC TLV: auth key, or o->tlv_key */
    bool have_tlv_key;
    struct ippm_clock clk;
    struct ippm_sock sock[PS_MAX];
    bool open[PS_MAX];
    uint32_t sock_probe[PS_MAX];
    int sock_tos[PS_MAX]; /* TOS the socket sends with, -1 default */
    int sock_ttl[PS_MAX]; /* TTL / Hop Limit it sends with now */
    size_t n_sock;
    struct ippm_rx_batch rx;
    /* per exchange, beside run->ex */
    uint8_t ex_sock[CONFORM_LIVE_MAX_EX];
    /* run->ex by Sequence Number and Timestamp (stamp_pairing_index) */
    struct stamp_pairing_index ix;
    struct stamp_pairing_slot ix_slot[STAMP_PAIRING_INDEX_SLOTS(
        CONFORM_LIVE_MAX_EX)];
    struct stamp_pairing_flow ix_flow[STAMP_PAIRING_INDEX_FLOWS(
        CONFORM_LIVE_MAX_EX)];
    uint32_t ix_next[STAMP_PAIRING_INDEX_NEXT(CONFORM_LIVE_MAX_EX)];
    int16_t rep_ttl[CONFORM_LIVE_MAX_EX];
    int16_t ex_ttl[CONFORM_LIVE_MAX_EX]; /* TTL the request was sent with */
    /* The SSIDs of the SSID probes: PROBE_SSID and the next, or the
     * first two the reflector is provisioned with (--ssid-set). */
    uint16_t ssid_a, ssid_b;
};

/* A copy of len octets in malloc'd memory (1 octet when len is 0);
 * NULL when out of memory. */
void *conform_dup_bytes(const void *p, size_t len);

/* Reads replies on every open probe socket until wait_ns has passed and
 * pairs them with the requests as pcap check does (stamp_pairing_reply):
 * each socket is a flow of its own. */
void prober_collect(struct prober *p, uint64_t wait_ns);

/* Records buf (len octets) as the request of a new exchange and sends it
 * on probe socket si. */
void prober_send_raw(struct prober *p, size_t si, const uint8_t *buf,
                     size_t len);

/* The same for a sealed packet: records plain (its plaintext, graded),
 * sends wire; both len octets. */
void prober_send_sealed(struct prober *p, size_t si, const uint8_t *plain,
                        const uint8_t *wire, size_t len);

/* Opens the next probe socket (its own session), connected to the
 * target, with the run's TTL and, when tos >= 0, that TOS. Returns its
 * index, or -1 with one line in err. */
int prober_open(struct prober *p, uint32_t probe, int tos, char *err,
                size_t errlen);

/* Sends every TLV probe (RFC 8972 §4, RFC 9503, RFC 9534, drafts), each
 * on a socket of its own, after the base probes. */
void prober_send_tlv_probes(struct prober *p);

/* TWAMP-Light (RFC 5357 Appendix I): the probes of a TWAMP-Light
 * Session-Reflector instead of STAMP's, each kind on a socket of its
 * own: 14-octet requests (seq 0..9, 5..9 a hop lower), padded ones (41,
 * 60, 128, 1000 octets), and a session with a gap (0, 1, 5, 6). */
void prober_send_twl_probes(struct prober *p);

/* ---- TLV lists as a sender builds them ---- */

#define TLV_CAP 1400

/* A TLV list being built for one request. */
struct tlvs {
    uint8_t b[TLV_CAP];
    size_t n;
    size_t hmac_off; /* an HMAC TLV to sign, SIZE_MAX none */
    bool bad_hmac;   /* corrupt it once signed */
    bool err;
};

static inline void tl_init(struct tlvs *t)
{
    t->n = 0;
    t->hmac_off = SIZE_MAX;
    t->bad_hmac = false;
    t->err = false;
}

static inline void tl_ok(struct tlvs *t, enum ippm_err e)
{
    if (e != IPPM_OK)
        t->err = true;
}

/* Raw octets: the malformed probes. */
static inline void tl_raw(struct tlvs *t, const void *v, size_t n)
{
    if (t->n + n > sizeof t->b) {
        t->err = true;
        return;
    }
    memcpy(t->b + t->n, v, n);
    t->n += n;
}

/* A TLV header as a sender writes it (U set, RFC 8972 §4). */
static inline void tl_hdr(struct tlvs *t, uint8_t type, uint16_t len)
{
    uint8_t h[4] = {STAMP_TLV_U, type, (uint8_t)(len >> 8), (uint8_t)len};
    tl_raw(t, h, 4);
}

/* RFC 8972 §4.8: the HMAC TLV follows every TLV but Extra Padding. */
static inline void tl_hmac(struct tlvs *t, bool bad)
{
    t->hmac_off = t->n;
    t->bad_hmac = bad;
    tl_ok(t, stamp_tlv_put_hmac(t->b, sizeof t->b, &t->n));
}

#endif
