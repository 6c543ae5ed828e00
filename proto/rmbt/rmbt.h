/* The RMBT UDP ping (open-rmbt-udp-ping; ../shared/notes/rmbt-udp-ping.md):
 * the 24-octet RP01 request, the 8-octet RR01/RE01 reply, the 16-octet
 * token (time, HMAC-SHA-256 of the time, HMAC-SHA-256 of the time and the
 * client's address), the server's decision for each request and the
 * pinger's bookkeeping. No RFC defines it: the notes' sections stand in
 * for RFC sections in the catalogue.
 *
 * Pure: times come in, never read from a clock, no I/O, no allocation. The HMAC keys
 * are the caller's (impl/ fills them with OpenSSL), one set per thread:
 * an expanded key is not shared between threads. */
#ifndef RMBT_H
#define RMBT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ippm_addr.h"
#include "../common/ippm_crypto.h"
#include "../common/ippm_err.h"
#include "../common/ippm_event.h"
#include "../common/ippm_stats.h"

#define RMBT_REQ_LEN       24
#define RMBT_REP_LEN       8
#define RMBT_TOKEN_LEN     16 /* time(4) packet_hash(8) ip_hash(4) */
#define RMBT_TOKEN_B64_LEN 24 /* standard base64 with padding */
#define RMBT_PORT          444
#define RMBT_BACK_S        14400u /* accepted: now - 4 h <= t */
#define RMBT_AHEAD_S       30u    /* accepted: t <= now + 30 s */

/* Why a request is dropped, in the server's order (notes §4). Each is
 * in the protocol range of ippm_err. */
#define RMBT_ERR_LENGTH  ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 0)) /* != 24 octets */
#define RMBT_ERR_MAGIC   ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 1)) /* not "RP01" */
#define RMBT_ERR_EXPIRED ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 2)) /* t + 14400 < now */
#define RMBT_ERR_FUTURE  ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 3)) /* t > now + 30 */
#define RMBT_ERR_HASH    ((enum ippm_err)(IPPM_ERR_PROTO_FIRST + 4)) /* no secret's packet_hash matches */

/* The reason's name ("length", "magic", "expired", "future", "hash"),
 * or ippm_err_str's for other codes. */
const char *rmbt_err_str(enum ippm_err e);

/* ---- wire (rmbt_wire.c) ---- */

struct rmbt_request {
    uint32_t seq;                  /* opaque to the server, echoed */
    uint8_t token[RMBT_TOKEN_LEN]; /* octets 8..23 */
};

enum rmbt_tag { RMBT_RR01, RMBT_RE01 };

struct rmbt_reply {
    enum rmbt_tag tag;
    uint32_t seq; /* the request's octets 4..7 */
};

/* The token's parts. */
uint32_t rmbt_token_time(const uint8_t token[RMBT_TOKEN_LEN]);

/* Writes RP01 ‖ seq ‖ token (24 octets). Returns IPPM_OK,
 * IPPM_ERR_NOSPACE. */
enum ippm_err rmbt_request_encode(uint8_t *buf, size_t cap, uint32_t seq,
                                  const uint8_t token[RMBT_TOKEN_LEN]);

/* The server's first rule: exactly 24 octets (RMBT_ERR_LENGTH), then
 * the magic (RMBT_ERR_MAGIC). */
enum ippm_err rmbt_request_decode(const uint8_t *p, size_t len,
                                  struct rmbt_request *out);

/* Writes the tag and r->seq (8 octets). Returns IPPM_OK,
 * IPPM_ERR_NOSPACE, IPPM_ERR_BAD_ARG (a tag that is neither). */
enum ippm_err rmbt_reply_encode(uint8_t *buf, size_t cap,
                                const struct rmbt_reply *r);

/* Exactly 8 octets tagged RR01 or RE01, as the original client accepts;
 * RMBT_ERR_LENGTH or RMBT_ERR_MAGIC otherwise. */
enum ippm_err rmbt_reply_decode(const uint8_t *p, size_t len,
                                struct rmbt_reply *out);

/* ---- token (rmbt_token.c) ---- */

/* The 16-octet hash input for an address: IPv6 as is (no zone), IPv4
 * a.b.c.d as ::ffff:a.b.c.d (notes §2). */
void rmbt_ip128(const struct ippm_addr *a, uint8_t out[16]);

/* time ‖ HMAC(secret, time)[0:8] ‖ HMAC(secret, time ‖ ip128)[0:4].
 * secret is an HMAC-SHA-256 key made from the secret's octets. Returns
 * IPPM_OK, IPPM_ERR_BAD_ARG (ip of no family), IPPM_ERR_NO_KEY,
 * IPPM_ERR_CRYPTO; token is untouched on error. */
enum ippm_err rmbt_token_mint(const struct ippm_hmac_key *secret,
                              uint32_t time, const struct ippm_addr *ip,
                              uint8_t token[RMBT_TOKEN_LEN]);

/* packet_hash = HMAC(secret, time_be)[0:8], and packet_ip_hash =
 * HMAC(secret, time_be ‖ ip128(ip))[0:4] (notes §2); time_be is the
 * token's first four octets. Each returns IPPM_OK, IPPM_ERR_NO_KEY or
 * IPPM_ERR_CRYPTO, leaving out untouched on error. */
enum ippm_err rmbt_packet_hash(const struct ippm_hmac_key *secret,
                               const uint8_t time_be[4], uint8_t out[8]);
enum ippm_err rmbt_ip_hash(const struct ippm_hmac_key *secret,
                           const uint8_t time_be[4],
                           const struct ippm_addr *ip, uint8_t out[4]);

/* Standard base64 with padding, NUL-terminated (25 octets). */
void rmbt_token_b64(const uint8_t token[RMBT_TOKEN_LEN],
                    char out[RMBT_TOKEN_B64_LEN + 1]);

/* Decodes base64 text that must give exactly 16 octets: 22 characters of
 * the standard alphabet then "==" (the last character's two spare bits
 * are not checked, as Python's decoder does not). IPPM_ERR_BAD_ARG
 * otherwise (as the original client refuses it). */
enum ippm_err rmbt_token_from_b64(const char *text, size_t len,
                                  uint8_t token[RMBT_TOKEN_LEN]);

/* ---- the server's decision (rmbt_server.c) ---- */

/* The secrets tried in order (notes §4 step 4); n 0: no secret, every
 * request inside the window gets RE01. Caller-owned, one per thread. */
struct rmbt_server {
    const struct ippm_hmac_key *secrets;
    size_t n_secrets;
};

/* What the server decided about one request, with the facts a debug
 * line shows. */
struct rmbt_decision {
    enum ippm_err why;      /* IPPM_OK: reply; else the drop reason */
    enum rmbt_tag tag;      /* the reply's tag when why is IPPM_OK */
    uint32_t seq;
    int64_t age_s;          /* now - t, whole seconds (negative: ahead) */
    int secret;             /* index of the secret that matched, -1 none */
    uint8_t hash_want[8];   /* packet_hash under that secret (or the first) */
    uint8_t ip_hash_want[4];
};

/* Decides on the datagram p/len from src at now_ns (Unix ns, whole
 * seconds are used). out->why is IPPM_OK, a RMBT_ERR_* drop reason, or
 * IPPM_ERR_NO_KEY / IPPM_ERR_CRYPTO when a secret cannot hash. */
void rmbt_server_decide(const struct rmbt_server *srv, const uint8_t *p,
                        size_t len, const struct ippm_addr *src,
                        uint64_t now_ns, struct rmbt_decision *out);

/* The event contract: a DATAGRAM gives SEND_DATAGRAM of RMBT_REP_LEN
 * octets in tx, or DROP with the reason; other events NONE. d, when not
 * NULL, gets the decision. */
void rmbt_server_handle(const struct rmbt_server *srv,
                        const struct ippm_event *ev, uint8_t *tx, size_t cap,
                        struct ippm_action *act, struct rmbt_decision *d);

/* ---- the pinger's bookkeeping (rmbt_ping.c) ---- */

/* Notes §6: a packet with no reply after 5000 ms is reported lost. */
#define RMBT_PING_WAIT_NS 5000000000ull
/* Packets awaiting a reply at once. Memory stays this whatever the run's
 * length; a send that finds the window full first reports its oldest
 * packet lost (at 1 per second and 5 s of wait, 6 are ever pending). */
#define RMBT_PING_PENDING 1024u

struct rmbt_ping_slot {
    uint64_t number; /* 1-based packet number; 0: free */
    uint64_t sent_ns;
};

/* What the pinger reports for one packet. */
struct rmbt_ping_event {
    uint64_t number; /* 1-based, as the original prints seq=N */
    uint32_t seq;    /* on the wire */
    enum rmbt_tag tag;
    uint64_t rtt_ns; /* replies only */
};

/* Caller-owned, one per run. Counts of packets, not of octets. */
struct rmbt_ping {
    uint32_t first_seq; /* the wire sequence of packet 1 (random) */
    uint64_t wait_ns;
    uint64_t sent;
    uint64_t received; /* first replies: RR01 and RE01, as the original */
    uint64_t rr01, re01;
    uint64_t timed_out;   /* reported lost before the end */
    uint64_t ignored;     /* replies of no pending packet: late, duplicate,
                           * never sent */
    uint64_t malformed;   /* datagrams that are no RR01/RE01 reply */
    uint64_t oldest;      /* no packet below this number is pending */
    struct ippm_dist rtt; /* ns, first replies */
    struct rmbt_ping_slot slot[RMBT_PING_PENDING];
};

/* Empties p for a run whose packet 1 carries first_seq; wait_ns 0 takes
 * RMBT_PING_WAIT_NS. */
void rmbt_ping_init(struct rmbt_ping *p, uint32_t first_seq, uint64_t wait_ns);

/* Reports one packet past its wait at now_ns (or the oldest pending one
 * when the window is full and a send is due: full true), oldest first:
 * true with out filled (tag and rtt unset), false when none. Call until
 * false before each send and when rmbt_ping_deadline has passed. */
bool rmbt_ping_expire(struct rmbt_ping *p, uint64_t now_ns, bool full,
                      struct rmbt_ping_event *out);

/* Records the next packet as sent at now_ns: out gets its number and wire
 * sequence. Returns IPPM_OK, or IPPM_ERR_SESSION_FULL when its slot is
 * still pending (call rmbt_ping_expire with full first). */
enum ippm_err rmbt_ping_sent(struct rmbt_ping *p, uint64_t now_ns,
                             struct rmbt_ping_event *out);

/* Takes a datagram that arrived at now_ns. Returns IPPM_OK with out filled
 * for the first reply of a pending packet; RMBT_ERR_LENGTH or
 * RMBT_ERR_MAGIC for what is no reply (counted malformed); and
 * IPPM_ERR_UNEXPECTED for a reply of no pending packet (counted
 * ignored: the original drops those too). */
enum ippm_err rmbt_ping_reply(struct rmbt_ping *p, const uint8_t *data,
                              size_t len, uint64_t now_ns,
                              struct rmbt_ping_event *out);

/* When the oldest pending packet's wait ends; UINT64_MAX when none. */
uint64_t rmbt_ping_deadline(const struct rmbt_ping *p);

/* Packets still awaiting a reply. */
uint64_t rmbt_ping_pending(const struct rmbt_ping *p);

/* The closing statistics (notes §6): every packet not answered counts
 * lost, pending or not; loss_pct = 100 (sent - received) / sent, 0 when
 * nothing was sent; rtt's stddev is the population deviation the
 * original prints as mdev. */
struct rmbt_ping_stats {
    uint64_t sent, received, rr01, re01, lost;
    double loss_pct;
    struct ippm_summary rtt; /* ns */
};

void rmbt_ping_stats(const struct rmbt_ping *p, struct rmbt_ping_stats *out);

#endif
