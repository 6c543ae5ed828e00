/* OWAMP-Test beyond the packet: the Fetch-Session data records and skip
 * ranges (RFC 4656 §3.8, §3.9; owamp_fetch.c), the sender's log of what
 * it sent and skipped, and the Session-Receiver's bookkeeping (§4.2;
 * owamp_session.c). The packet itself, its keys and the send schedule
 * are proto/owtw/owtw_test.h. Nothing here reads a clock, does I/O or
 * allocates: record arrays and bitmaps belong to the caller. */
#ifndef OWAMP_H
#define OWAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ippm_err.h"
#include "../common/ippm_event.h"
#include "../owtw/owtw_test.h"

#define OWAMP_RECORD_LEN     25 /* RFC 4656 §3.9 packet record */
#define OWAMP_SKIP_RANGE_LEN 8  /* First, Last Seqno Skipped */
#define OWAMP_BLOCK          16 /* lists are zero-padded to a block */

/* RFC 4656 §3.9: a lost packet's Send Error Estimate is "Multiplier=1,
 * Scale=64, and S=0"; Scale has 6 bits, so 64 cannot be written: this
 * is Scale 63, the largest (about 2^31 s), Multiplier 1, S and Z 0. */
#define OWAMP_LOST_SEND_ERREST 0x3f01u

/* ---- records and skip ranges (owamp_fetch.c) ---- */

/* A packet record, RFC 4656 §3.9: Seq Number, Send Error Estimate,
 * Receive Error Estimate, Send Timestamp, Receive Timestamp, TTL, in that
 * order on the wire. A lost packet has Receive Timestamp 0. */
struct owamp_record {
    uint32_t seq;
    uint16_t send_errest;
    uint16_t recv_errest;
    uint64_t send_ts;
    uint64_t recv_ts;
    uint8_t ttl;
};

/* A Skip Range: packets first..last (inclusive) were never sent. */
struct owamp_skip {
    uint32_t first;
    uint32_t last;
};

/* True for a lost packet record (Receive Timestamp all zero bits). */
bool owamp_record_is_lost(const struct owamp_record *r);

/* Octets of n records, or n skip ranges, padded with zeros to a 16-octet
 * block; SIZE_MAX when that overflows. */
size_t owamp_records_len(size_t n);
size_t owamp_skips_len(size_t n);

/* Writes n records (or skip ranges) and their zero padding at buf;
 * *written gets owamp_records_len(n). Returns IPPM_OK, IPPM_ERR_NOSPACE
 * (nothing written). */
enum ippm_err owamp_records_encode(uint8_t *buf, size_t cap,
                                   const struct owamp_record *recs, size_t n,
                                   size_t *written);
enum ippm_err owamp_skips_encode(uint8_t *buf, size_t cap,
                                 const struct owamp_skip *skips, size_t n,
                                 size_t *written);

/* What a list decoder saw besides the entries. */
struct owamp_list_facts {
    bool pad_nonzero; /* a padding octet was set */
    bool disordered;  /* skip ranges: out of order, overlapping, or one
                       * with First > Last (RFC 4656 §3.9: the session
                       * data is then invalid) */
};

/* Reads n records (or skip ranges) from the len octets at buf into out
 * (max entries); the zero padding after them (up to
 * owamp_records_len(n)) is checked as far as len reaches, so a view of
 * the skips of a Stop-Sessions record (owtw_stop_record.skips, n * 8
 * octets) reads too. Returns IPPM_OK, IPPM_ERR_SHORT (len below the
 * entries), IPPM_ERR_NOSPACE (n > max); out and facts are untouched on
 * error. */
enum ippm_err owamp_records_decode(struct owamp_record *out, size_t max,
                                   const uint8_t *buf, size_t len, size_t n,
                                   struct owamp_list_facts *facts);
enum ippm_err owamp_skips_decode(struct owamp_skip *out, size_t max,
                                 const uint8_t *buf, size_t len, size_t n,
                                 struct owamp_list_facts *facts);

/* ---- the Session-Sender's log, for its Stop-Sessions (RFC 4656 §3.8) ---- */

/* Next Seqno and the Skip Ranges of one send session. skips is the
 * caller's array of cap entries. */
struct owamp_send_log {
    uint32_t next_seqno;
    struct owamp_skip *skips;
    size_t cap;
    size_t n;
    bool overflow; /* a skip did not fit: the log is incomplete */
};

void owamp_send_log_init(struct owamp_send_log *log, struct owamp_skip *skips,
                         size_t cap);

/* Packet seq was sent (true) or skipped, too late to go out (false).
 * Calls come in sequence order; a skip next to the previous one extends
 * its range. Returns IPPM_OK, IPPM_ERR_BAD_ARG (seq out of order),
 * IPPM_ERR_NOSPACE (no room for a new range: overflow is set). */
enum ippm_err owamp_send_log_note(struct owamp_send_log *log, uint32_t seq,
                                  bool sent);

/* ---- the Session-Sender, RFC 4656 §4.1 (owamp_sender.c) ---- */

/* Skip ranges a sender keeps; a session late more often than this many
 * times reports overflow in its log. */
#define OWAMP_SENDER_SKIPS 32

struct owamp_sender_config {
    const struct owtw_test_keys *keys; /* mode and keys; must outlive s */
    uint8_t sid[OWTW_SID_LEN];         /* seeds the schedule */
    const struct owtw_slot *slots;     /* must outlive s */
    uint32_t n_slots;
    uint64_t start;    /* Start Time, NTP 32.32 */
    uint32_t npackets; /* Number of Packets */
    uint64_t timeout;  /* Timeout, 32.32 seconds */
    size_t pkt_len;    /* base + Padding Length */
    /* pkt_len - base octets of Packet Padding, the same in every packet,
     * or NULL for zeros (RFC 4656 §4.1.2: it SHOULD be pseudo-random;
     * the driver draws it) */
    const uint8_t *padding;
    uint16_t errest; /* our clock's Error Estimate; Z picks the format */
};

struct owamp_sender_counters {
    uint64_t sent;
    uint64_t skipped; /* due more than Timeout ago: not sent */
};

struct owamp_sender {
    struct owamp_sender_config cfg;
    struct owtw_schedule sched;
    uint64_t due_ns; /* when packet log.next_seqno is due */
    struct owamp_send_log log;
    struct owamp_skip skips[OWAMP_SENDER_SKIPS];
    bool done;
    struct owamp_sender_counters counters;
};

/* Prepares a sender: keys the schedule with cfg->sid on crypto and
 * computes packet 0's time. Returns IPPM_OK, IPPM_ERR_BAD_ARG (no keys,
 * pkt_len below the base or above OWTW_TEST_MAX_LEN, no packets), or an
 * error of owtw_schedule_init. Free with owamp_sender_free. */
enum ippm_err owamp_sender_init(struct owamp_sender *s,
                                const struct ippm_crypto *crypto,
                                const struct owamp_sender_config *cfg);
void owamp_sender_free(struct owamp_sender *s);

/* When the next packet is due (Unix ns); UINT64_MAX once done. */
uint64_t owamp_sender_deadline(const struct owamp_sender *s);

/* TIMER at now_ns: a packet due more than Timeout ago is not sent but
 * logged as skipped (RFC 4656 §4.1.1 "MUST NOT send the packet", "MUST
 * keep track"); the next due one is built in tx, Timestamp now_ns
 * ("its real time of departure"), sealed, and answered SEND_DATAGRAM
 * with act->seq. A burst of late packets keeps the deadline at or before
 * now, one packet per event. After the last packet the deadline is
 * already passed and the next TIMER answers DONE. STOP: DONE at once
 * (Next Seqno is what was handled). DONE comes once; later events
 * answer NONE. DATAGRAM: DROP
 * (IPPM_ERR_UNEXPECTED: the sender receives nothing). Returns IPPM_OK,
 * or IPPM_ERR_NOSPACE (tx_cap below pkt_len; nothing sent), an error of
 * the schedule or of sealing, IPPM_ERR_BAD_ARG for BYTES and CLOSED. */
enum ippm_err owamp_sender_handle(struct owamp_sender *s,
                                  const struct ippm_event *ev, uint8_t *tx,
                                  size_t tx_cap, struct ippm_action *act);

/* ---- the Session-Receiver, RFC 4656 §4.2 (owamp_session.c) ---- */

struct owamp_receiver_config {
    const struct owtw_test_keys *keys; /* mode and keys; must outlive r */
    uint32_t npackets;    /* Number of Packets, from Request-Session */
    uint64_t timeout;     /* Timeout, 32.32 seconds as on the wire */
    uint16_t recv_errest; /* our clock's estimate; Z picks the format */
    /* The departure (NTP 32.32) of each sequence number, npackets of
     * them (owtw_schedule_fill), or NULL: then the receiver does not
     * check a packet against its schedule, and owamp_receiver_finish
     * reads the times from its sched argument. */
    const uint64_t *due;
};

struct owamp_receiver_counters {
    uint64_t received; /* packets recorded, duplicates included */
    uint64_t duplicates;
    uint64_t dropped;
    uint64_t drop_by[IPPM_ERR_COUNT_];
};

struct owamp_receiver {
    struct owamp_receiver_config cfg;
    struct owamp_record *rec; /* caller's array, in arrival order */
    size_t cap;
    size_t n;
    uint64_t *seen;      /* caller's bitmap, a bit per sequence number */
    uint32_t next_seqno; /* highest sequence number received + 1 */
    bool done;
    struct owamp_receiver_counters counters;
};

/* 64-bit words of the seen bitmap for npackets packets. */
#define OWAMP_SEEN_WORDS(npackets) (((size_t)(npackets) + 63) / 64)

/* Prepares a receiver recording into rec (cap entries) and seen
 * (OWAMP_SEEN_WORDS(cfg->npackets) words, zeroed here); both must
 * outlive r. Returns IPPM_OK or IPPM_ERR_BAD_ARG (no keys, no room). */
enum ippm_err owamp_receiver_init(struct owamp_receiver *r,
                                  const struct owamp_receiver_config *cfg,
                                  struct owamp_record *rec, size_t cap,
                                  uint64_t *seen, size_t seen_words);

/* Takes one test packet (rx, rx_len; not modified) that arrived at
 * rx_ns (Unix ns) with TTL ttl (-1: unknown, recorded as 255): opens and
 * decodes it and records it, a duplicate too (RFC 4656 §4.2 "MUST be
 * recorded normally"). Returns IPPM_OK, IPPM_ERR_DUPLICATE (recorded),
 * or a reason it was discarded: IPPM_ERR_SHORT, IPPM_ERR_HMAC,
 * IPPM_ERR_UNEXPECTED (sequence number not below npackets),
 * IPPM_ERR_BAD_VALUE (send time more than Timeout from rx_ns, or, with
 * cfg.due, from the packet's scheduled time; or a zero Multiplier),
 * IPPM_ERR_NOSPACE (records full), IPPM_ERR_NO_KEY (keys of no known
 * mode), IPPM_ERR_CRYPTO. Nothing is counted. */
enum ippm_err owamp_receiver_take(struct owamp_receiver *r, const uint8_t *rx,
                                  size_t rx_len, uint64_t rx_ns, int ttl);

/* DATAGRAM: owamp_receiver_take with meta's arrival (else now_ns)
 * and TTL: NONE (act->seq the packet's, act->why IPPM_ERR_DUPLICATE for
 * a copy) or DROP with why; counted. STOP: DONE, once. TIMER: NONE (the
 * receiver has no timer: Stop-Sessions ends it). Returns IPPM_OK, or
 * IPPM_ERR_BAD_ARG for BYTES and CLOSED. */
enum ippm_err owamp_receiver_handle(struct owamp_receiver *r,
                                    const struct ippm_event *ev,
                                    struct ippm_action *act);

/* Stop-Sessions from the sender said next_seqno and the skip ranges
 * (RFC 4656 §3.8), at now_ns. sched is the session's schedule, fresh from
 * owtw_schedule_init (it is consumed), or NULL with cfg.due. Discards every
 * record whose computed send time is within Timeout of now, appends a lost
 * record for every earlier sequence number below next_seqno neither received
 * nor skipped (send time from the schedule, OWAMP_LOST_SEND_ERREST, receive
 * time 0, TTL 255; RFC 4656 §3.9, §4.2), and ends the session. Returns
 * IPPM_OK, IPPM_ERR_BAD_VALUE (a sequence number at or above next_seqno
 * was received, or the skip ranges are disordered: the results MUST be
 * invalidated), IPPM_ERR_NOSPACE (records full: lost records missing),
 * or an error of owtw_schedule_next. */
enum ippm_err owamp_receiver_finish(struct owamp_receiver *r,
                                    struct owtw_schedule *sched,
                                    uint32_t next_seqno,
                                    const struct owamp_skip *skips,
                                    size_t n_skips, uint64_t now_ns);

#endif
