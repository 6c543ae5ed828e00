/* UDPing (yahoo/UDPing; ../shared/notes/udping.md): a one-way stream of
 * 72-octet-header datagrams from several source ports, measured at the
 * receiver per session (guid): count, expected count inferred from the
 * sequence numbers, latency sum, sum of squares and max.
 *
 * Protocol version 1 is the x86_64 g++ struct of the original, written
 * here field by field, little-endian, with its padding zeroed (never a
 * struct cast). The 2017 format with per-interval control packets
 * (notes §8) is kept as an option on both sides ("legacy").
 *
 * Pure: no clock, no I/O, no allocation, no libm. Sessions, port states
 * and report buffers are the caller's; randomness comes from a seed the
 * caller gives. */
#ifndef UDPING_H
#define UDPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ippm_addr.h"
#include "../common/ippm_err.h"
#include "../common/ippm_event.h"

#define UDPING_HDR_LEN        72 /* version 1 */
#define UDPING_LEGACY_HDR_LEN 64 /* the 2017 format */
#define UDPING_VERSION        1
#define UDPING_GUID_LEN       20 /* lowercase hex characters */
#define UDPING_MAX_PKT        2000
#define UDPING_SEQ_STEP_MAX   9  /* maxSeq moves by 1..9 only (notes §5) */

/* The server's checks, in the original's order (notes §1). */
#define UDPING_ERR_SHORT   ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 0)) /* < 72 octets */
#define UDPING_ERR_SIZE    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 1)) /* length != size field */
#define UDPING_ERR_VERSION ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 2)) /* protoVersion != 1 */
#define UDPING_ERR_GUID    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 3)) /* guid not NUL-terminated
                                                                         * (the original reads past it) */
#define UDPING_ERR_TABLE   ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 4)) /* no session slot free */

/* "short", "size", "version", "guid", "table", or ippm_err_str's. */
const char *udping_err_str(enum ippm_err e);

/* ---- wire (udping_wire.c) ---- */

/* The version-1 header (notes §1 table). */
struct udping_hdr {
    uint8_t version;
    int64_t client_start;               /* time_t at the port's start */
    char guid[UDPING_GUID_LEN + 1];     /* NUL-terminated */
    uint32_t seq;
    int64_t sent_sec;                   /* CLOCK_REALTIME */
    int64_t sent_nsec;
    uint32_t size;                      /* whole UDP payload */
};

/* Writes the 72-octet header with zero padding, then zeros up to
 * h->size (>= 72) when cap allows. Returns IPPM_OK, IPPM_ERR_NOSPACE,
 * IPPM_ERR_BAD_ARG (size < 72 or > UDPING_MAX_PKT). */
enum ippm_err udping_encode(uint8_t *buf, size_t cap,
                            const struct udping_hdr *h);

/* The server's checks in order: UDPING_ERR_SHORT, UDPING_ERR_SIZE,
 * UDPING_ERR_VERSION, then UDPING_ERR_GUID. Fills out on IPPM_OK; the
 * fields it could read otherwise. */
enum ippm_err udping_decode(const uint8_t *p, size_t len,
                            struct udping_hdr *out);

/* The 2017 header (notes §8). */
struct udping_legacy_hdr {
    char guid[UDPING_GUID_LEN + 1];
    int32_t control;         /* 1: the interval's closing control packet */
    int32_t seq;             /* from 1; control: pings sent + 1 */
    int32_t ts_count;        /* 1 ping, 0 control */
    int64_t sent_sec, sent_nsec;
    int32_t size;
};

enum ippm_err udping_legacy_encode(uint8_t *buf, size_t cap,
                                   const struct udping_legacy_hdr *h);
enum ippm_err udping_legacy_decode(const uint8_t *p, size_t len,
                                   struct udping_legacy_hdr *out);

/* ---- the receiver (udping_session.c) ---- */

/* One session (one guid), as the server keeps it. */
struct udping_session {
    bool used;
    char guid[UDPING_GUID_LEN + 1];
    struct ippm_addr peer;     /* source address and port */
    int64_t client_start;
    uint32_t min_seq, max_seq;
    uint64_t count;
    double sum_ms, sos_ms, max_ms; /* latency = arrival - sent, ms */
    uint64_t last_ns;              /* last arrival */
    uint64_t expected_legacy;      /* legacy: from the control packet, 0 none */
};

/* What the server reports for a finished session. */
struct udping_report {
    char guid[UDPING_GUID_LEN + 1];
    struct ippm_addr peer;
    int64_t client_start;
    uint64_t count;
    uint64_t target;               /* expected count */
    double sum_ms, sos_ms, max_ms;
};

struct udping_server {
    struct udping_session *slots; /* caller-owned */
    size_t cap;
    uint64_t keepalive_ns;        /* flush after this long idle (-k) */
    bool legacy;
    /* Counters: datagrams taken, dropped per reason, sessions started,
     * reported, evicted when the table was full (reported early). */
    uint64_t taken;
    uint64_t dropped[5];          /* index: reason - IPPM_ERR_PROTO_FIRST */
    uint64_t started, reported, evicted;
};

void udping_server_init(struct udping_server *s, struct udping_session *slots,
                        size_t cap, uint64_t keepalive_ns, bool legacy);

/* Takes one datagram from peer that arrived at now_ns. IPPM_OK, or the
 * reason it was dropped (counted). A session whose table is full is
 * handled by reporting the oldest idle one first: see
 * udping_server_flush's out. out/cap/n_out receive any report the take
 * forced (at most one). */
enum ippm_err udping_server_take(struct udping_server *s, const uint8_t *p,
                                 size_t len, const struct ippm_addr *peer,
                                 uint64_t now_ns, struct udping_report *out,
                                 size_t *n_out);

/* Reports and frees every session idle for longer than keepalive at
 * now_ns (all of them when all is true, at shutdown), at most cap into
 * out; returns how many. A session's successor (same peer and
 * client_start, a later guid) closes its expected count at
 * successor.min_seq - 1 (notes §5). Every finished session is reported:
 * call again while it returns cap. */
size_t udping_server_flush(struct udping_server *s, uint64_t now_ns, bool all,
                           struct udping_report *out, size_t cap);

/* When the next session falls idle (for the driver's timer);
 * UINT64_MAX when there is none. */
uint64_t udping_server_deadline(const struct udping_server *s);

/* ---- the sender (udping_client.c) ---- */

/* One source port's stream. */
struct udping_port {
    uint16_t port;
    char guid[UDPING_GUID_LEN + 1];
    int64_t client_start;
    uint32_t seq;
    uint64_t interval;        /* floor(now / interval_s) of the last check */
    uint32_t legacy_sent;     /* legacy: pings in this interval */
    bool control_due;         /* legacy: send the control packet next */
};

struct udping_client_cfg {
    double mean_gap_ms;   /* -d: mean of the exponential gaps, all ports */
    uint32_t interval_s;  /* -i: guid rollover, aligned to the epoch */
    uint32_t max_size;    /* -m: size = rand % m, at least 72 */
    bool legacy;          /* send the 2017 format and its control packets */
    uint64_t seed;        /* the PRNG's seed (guids, gaps, sizes) */
};

struct udping_client {
    struct udping_client_cfg cfg;
    struct udping_port *ports; /* caller-owned, in the order given */
    size_t n_ports;
    size_t next;               /* port of the next packet (round robin) */
    uint64_t due_ns;           /* when the next packet is due */
    uint64_t rng[2];
    uint64_t sent;
};

/* ports[i].port must be set; the rest is filled. start_ns is the first
 * packet's time and the ports' client_start. */
enum ippm_err udping_client_init(struct udping_client *c,
                                 const struct udping_client_cfg *cfg,
                                 struct udping_port *ports, size_t n_ports,
                                 uint64_t start_ns);

uint64_t udping_client_deadline(const struct udping_client *c);

/* On TIMER at or past the deadline: the next packet in tx (SEND_DATAGRAM,
 * len, seq), its source port index in *port, and the next deadline drawn
 * (exponential of mean -d, capped at 10 × -d, counted from the due time
 * so that gaps hold under load). Other events: NONE. */
void udping_client_handle(struct udping_client *c, const struct ippm_event *ev,
                          uint8_t *tx, size_t cap, struct ippm_action *act,
                          size_t *port);

#endif
