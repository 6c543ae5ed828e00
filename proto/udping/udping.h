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
 * caller gives.
 *
 * Choices where the original is silent or wrong (notes §5, §10):
 * - Every finished session is reported. The original's sweep erases map
 *   entries while iterating (undefined behaviour) and printed 1 of 12.
 * - The session table is bounded (caller-owned, fixed at init). A new
 *   guid when it is full reports the least recently active session early
 *   (counted in evicted) instead of growing without limit.
 * - Idle is measured in ns from the driver's clock: a session is flushed
 *   once now - last arrival > keepalive. The original compares whole
 *   seconds of the wall clock, so it flushes up to one second earlier or later.
 * - A guid not NUL-terminated at octet 36 is dropped (UDPING_ERR_GUID):
 *   the original would read past it as a C string.
 * - max starts at the first sample (the original's -DBL_MAX start is only
 *   visible for a legacy session that saw nothing but its control packet,
 *   reported here with max 0).
 * - The client's gaps are Algorithm S (RFC 4656 §5) over xoshiro256**,
 *   not minus the log of rand over RAND_MAX: the same distribution, no
 *   libm, replayable from a seed; -d 0 sends back to back (the
 *   original's log of 0 times 0 is NaN). */
#ifndef UDPING_H
#define UDPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ippm_addr.h"
#include "../common/ippm_err.h"
#include "../common/ippm_event.h"
#include "../common/ippm_rand.h"
#include "../common/ippm_table.h"

#define UDPING_HDR_LEN        72 /* version 1 */
#define UDPING_LEGACY_HDR_LEN 64 /* the 2017 format */
#define UDPING_LEGACY_MIN_PING 65 /* the 2017 client's sizeof + 1 */
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
#define UDPING_ERR_COUNT_  5

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
    /* decode only, facts for the catalogue (a receiver ignores them): */
    bool pad_nonzero;                   /* a padding octet of the 72 is set */
    bool payload_nonzero;               /* an octet after the 72 is set */
};

/* One field of a layout table: name, offset, length in octets. */
struct udping_field {
    const char *name;
    uint16_t off, len;
};

/* The version-1 and legacy layouts (notes §1, §8), padding included as
 * "pad" rows, in wire order: for the relay, the checks and pcap code. */
extern const struct udping_field udping_layout[];
extern const size_t udping_layout_n;
extern const struct udping_field udping_legacy_layout[];
extern const size_t udping_legacy_layout_n;

/* Writes the 72-octet header with zero padding, then zeros up to
 * h->size (>= 72) when cap allows. Returns IPPM_OK, IPPM_ERR_NOSPACE
 * (cap < size), IPPM_ERR_BAD_ARG (size < 72 or > UDPING_MAX_PKT, or a
 * guid that is not 20 characters). The version octet is h->version. */
enum ippm_err udping_encode(uint8_t *buf, size_t cap,
                            const struct udping_hdr *h);

/* The server's checks in order: UDPING_ERR_SHORT, UDPING_ERR_SIZE,
 * UDPING_ERR_VERSION, then UDPING_ERR_GUID. Fills out on IPPM_OK; the
 * fields it could read otherwise (all zero when SHORT). */
enum ippm_err udping_decode(const uint8_t *p, size_t len,
                            struct udping_hdr *out);

/* Rewrites sent_sec/sent_nsec of an encoded version-1 header (len >= 72)
 * with unix_ns, for a driver that stamps just before the packet leaves. */
void udping_restamp(uint8_t *p, uint64_t unix_ns);

/* The 2017 header (notes §8). */
struct udping_legacy_hdr {
    char guid[UDPING_GUID_LEN + 1];
    int32_t control;         /* 1: the interval's closing control packet */
    int32_t seq;             /* from 1; control: pings sent + 1 */
    int32_t ts_count;        /* 1 ping, 0 control */
    int64_t sent_sec, sent_nsec;
    int32_t size;
    bool pad_nonzero;        /* decode only */
};

/* As udping_encode, for the 64-octet 2017 header: size 64..2000. */
enum ippm_err udping_legacy_encode(uint8_t *buf, size_t cap,
                                   const struct udping_legacy_hdr *h);
/* UDPING_ERR_SHORT (< 64), UDPING_ERR_SIZE (len != size),
 * UDPING_ERR_GUID (no NUL at octet 20). */
enum ippm_err udping_legacy_decode(const uint8_t *p, size_t len,
                                   struct udping_legacy_hdr *out);

/* ---- the receiver (udping_session.c) ---- */

#define UDPING_NIL UINT32_MAX

/* One session (one guid), as the server keeps it. */
struct udping_session {
    bool used;
    char guid[UDPING_GUID_LEN + 1];
    struct ippm_addr peer;     /* source address and port (first packet) */
    int64_t client_start;
    uint32_t min_seq, max_seq;
    uint64_t count;
    double sum_ms, sos_ms, max_ms; /* latency = arrival - sent, ms */
    uint64_t last_ns;              /* last arrival */
    uint64_t expected_legacy;      /* legacy: from the control packet */
    bool have_expected;            /* legacy: the control packet came */
    uint32_t pred, succ;           /* the same peer's previous and next
                                    * session (same client_start), NIL */
};

/* What the server reports for a finished session. */
struct udping_report {
    char guid[UDPING_GUID_LEN + 1];
    struct ippm_addr peer;
    int64_t client_start;
    uint64_t count;
    uint64_t target;               /* expected count: 1 + max - min (u32);
                                    * legacy: the control's seq - 1, or 0 */
    double sum_ms, sos_ms, max_ms;
    uint32_t min_seq, max_seq;
    bool early;                    /* evicted from a full table */
};

/* Octets of mem a table of cap sessions needs (two hash tables: by guid,
 * by peer:port, and the peer's latest session). */
#define UDPING_PEER_KEY_LEN (IPPM_ADDR_KEY_LEN + 2)
#define UDPING_SERVER_MEM(cap)                                                 \
    (IPPM_TABLE_SIZE(cap, UDPING_GUID_LEN) +                                   \
     IPPM_TABLE_SIZE(cap, UDPING_PEER_KEY_LEN) + (size_t)(cap) * 4u)

/* The most reports one take can produce: an eviction and a legacy
 * session completed by its control packet. */
#define UDPING_TAKE_REPORTS_MAX 2

struct udping_server {
    struct udping_session *slots; /* caller-owned, cap of them */
    size_t cap;
    uint64_t keepalive_ns;        /* flush after this long idle (-k) */
    bool legacy;
    struct ippm_table by_guid;    /* entry i is slots[i] */
    struct ippm_table by_peer;    /* peer:port -> latest[entry] */
    uint32_t *latest;
    /* Counters: datagrams taken, dropped per reason, sessions started,
     * reported, evicted when the table was full (reported early). */
    uint64_t taken;
    uint64_t dropped[UDPING_ERR_COUNT_]; /* index: reason - IPPM_ERR_PROTO_FIRST */
    uint64_t started, reported, evicted;
};

/* Prepares s over cap caller-owned slots (1..IPPM_TABLE_MAX_ENTRIES) and
 * mem of UDPING_SERVER_MEM(cap) octets aligned for uint32_t; seed keys
 * the tables' SipHash (draw it at random per run). keepalive_ns is -k.
 * Returns IPPM_OK or IPPM_ERR_BAD_ARG. */
enum ippm_err udping_server_init(struct udping_server *s,
                                 struct udping_session *slots, size_t cap,
                                 void *mem, size_t mem_len,
                                 const uint8_t seed[IPPM_TABLE_SEED_LEN],
                                 uint64_t keepalive_ns, bool legacy);

/* Takes one datagram from peer that arrived at now_ns (Unix ns). Returns
 * IPPM_OK, or the reason it was dropped (counted in dropped[]). A new
 * guid when the table is full first reports the least recently active
 * session early (evicted); a legacy session whose count reaches the
 * control packet's is reported at once. out (room for
 * UDPING_TAKE_REPORTS_MAX) and *n_out receive those reports; with out
 * or n_out NULL no early report is possible: a new guid on a full table
 * is dropped as UDPING_ERR_TABLE, a completed legacy session waits for
 * the flush. */
enum ippm_err udping_server_take(struct udping_server *s, const uint8_t *p,
                                 size_t len, const struct ippm_addr *peer,
                                 uint64_t now_ns, struct udping_report *out,
                                 size_t *n_out);

/* Reports and frees every session idle for longer than keepalive at
 * now_ns (every session when all is true, at shutdown), least recently
 * active first, at most cap into out; returns how many. A session whose
 * successor (same peer:port and client_start, a later guid) is known
 * closes its expected count at successor.min_seq - 1, subject to the
 * 1..9 rule (notes §5). Every finished session is reported: call again
 * while it returns cap. */
size_t udping_server_flush(struct udping_server *s, uint64_t now_ns, bool all,
                           struct udping_report *out, size_t cap);

/* When the next session falls idle (for the driver's timer): the first
 * now_ns at which udping_server_flush reports something; UINT64_MAX
 * when there is no session. */
uint64_t udping_server_deadline(const struct udping_server *s);

/* Sessions in the table. */
size_t udping_server_sessions(const struct udping_server *s);

/* ---- the sender, udping_client.c ---- */

/* One source port's stream. */
struct udping_port {
    uint16_t port;
    char guid[UDPING_GUID_LEN + 1];
    int64_t client_start;
    uint32_t seq;             /* v1: from 0, never reset; legacy: from 1
                               * per interval */
    uint64_t interval;        /* now / interval_s, floored, at the last check */
    uint32_t legacy_sent;     /* legacy: pings in this interval */
};

struct udping_client_cfg {
    double mean_gap_ms;   /* -d: mean of the exponential gaps, all ports;
                           * 0..4294 (ns below 2^32) */
    uint32_t interval_s;  /* -i: guid rollover, aligned to the epoch, >= 1 */
    uint32_t max_size;    /* -m: size = rand % m, at least 72 (legacy 65);
                           * 1..UDPING_MAX_PKT */
    bool legacy;          /* send the 2017 format and its control packets */
    uint64_t seed;        /* the PRNG's seed (guids, gaps, sizes) */
};

struct udping_client {
    struct udping_client_cfg cfg;
    struct udping_port *ports; /* caller-owned, in the order given */
    size_t n_ports;
    size_t next;               /* port of the next packet (round robin) */
    uint64_t due_ns;           /* when the next packet is due */
    uint64_t gap_ns;           /* -d in ns */
    uint64_t last_gap_ns;      /* the gap drawn after the last packet */
    struct ippm_rng rng;
    uint64_t sent;             /* packets, control packets included */
    uint64_t controls;         /* legacy control packets among them */
    uint64_t resyncs;          /* times the driver was so late (> 10 d)
                                * that the schedule restarted from now */
};

/* ports[i].port must be set; the rest is filled (a guid each, drawn in
 * port order). start_ns is the first packet's time and gives the ports'
 * client_start (whole seconds). Returns IPPM_OK or IPPM_ERR_BAD_ARG (no
 * port, a setting out of range). */
enum ippm_err udping_client_init(struct udping_client *c,
                                 const struct udping_client_cfg *cfg,
                                 struct udping_port *ports, size_t n_ports,
                                 uint64_t start_ns);

/* When the next packet is due. */
uint64_t udping_client_deadline(const struct udping_client *c);

/* On TIMER at or past the deadline: the next packet in tx (SEND_DATAGRAM,
 * len, seq), its source port index in *port, stamped with ev->now_ns,
 * and the next deadline drawn (exponential of mean -d, capped at 10 x
 * -d, counted from the due time so that gaps hold under load; a TIMER
 * more than 10 x -d late restarts the schedule from now instead of
 * sending the backlog in a burst, counted in resyncs). A port
 * whose interval (now / -i, floored) changed gets a new guid first (v1: seq
 * goes on; legacy: the old guid's control packet goes out on this TIMER
 * and the ping follows on the next, due at once). Before the deadline,
 * on other events, or when cap is too small (DROP, IPPM_ERR_NOSPACE):
 * no packet. */
void udping_client_handle(struct udping_client *c, const struct ippm_event *ev,
                          uint8_t *tx, size_t cap, struct ippm_action *act,
                          size_t *port);

/* The next gap in ns: an exponential deviate of mean gap_ns (Algorithm
 * S over rng), capped at 10 x gap_ns. Exposed for the statistical tests. */
uint64_t udping_gap_draw(struct ippm_rng *rng, uint64_t gap_ns);

/* Fills guid with 20 lowercase hex characters and a NUL from rng. */
void udping_guid_draw(struct ippm_rng *rng, char guid[UDPING_GUID_LEN + 1]);

#endif
