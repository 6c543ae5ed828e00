/* Which way a two-way test packet was duplicated or lost, for every
 * protocol whose reflector returns its own Receive Timestamp, Timestamp
 * and Sequence Number (STAMP, RFC 8762 §4.3; TWAMP and TWAMP-Light,
 * RFC 5357 §4.2.1). Pure and bounded: a sender keeps one struct
 * ippm_dir_slot beside each request in its ring of recent requests and one
 * struct ippm_dir_loss per session, whatever the packet count.
 *
 * Duplicates. A copy of a reply is the same reflection twice: the same
 * Receive Timestamp, Timestamp and reflector Sequence Number. A copy of a
 * request is reflected twice: its Receive Timestamp differs (and a
 * stateful reflector gives it a number of its own). So any reflector
 * tells the two apart, stateless ones included.
 *
 * Loss. A stateful reflector numbers what it transmits from zero (RFC
 * 8762 §4.3.1): a request lost on the way there takes no number; a reply
 * lost on the way back leaves a number the sender never sees. Between two
 * replies received, numbered a and b, the reflector sent b - a - 1 replies
 * the sender did not see: of the requests lost between them, that many
 * (at most) were lost on the way back, the rest on the way there. A lost
 * reply to a duplicated request takes a number too, but when no request
 * between the two is lost it changes nothing. Requests lost after the last
 * reply received cannot be told apart and are reported as such. */
#ifndef IPPM_DIRS_H
#define IPPM_DIRS_H

#include <stdbool.h>
#include <stdint.h>

/* Reflections remembered per request: a request and one copy of it. A
 * third distinct reflection is still counted as forward. */
#define IPPM_DIR_REFLECTIONS 2

/* What a sender remembers of the replies to one request. */
struct ippm_dir_slot {
    uint64_t id[IPPM_DIR_REFLECTIONS]; /* fingerprints of the reflections */
    uint32_t refl_lo, refl_hi;         /* reflector numbers seen, any copy */
    uint8_t n;                         /* fingerprints kept */
};

enum ippm_way { IPPM_WAY_FORWARD = 0, IPPM_WAY_BACKWARD };

/* The first reply to a request: the reflector's Receive Timestamp and
 * Timestamp as they were on the wire, its Sequence Number, and anything
 * else it sets anew per reflection (STAMP: Direct Measurement R_RxC), 0
 * for nothing. */
void ippm_dir_slot_first(struct ippm_dir_slot *d, uint64_t rx_ts,
                         uint64_t ts, uint32_t refl_seq, uint64_t other);

/* A further reply to the same request: BACKWARD when it repeats a
 * reflection already seen (a copy of a reply), FORWARD when it is a new
 * one (the reflector received the request twice). */
enum ippm_way ippm_dir_slot_copy(struct ippm_dir_slot *d, uint64_t rx_ts,
                                 uint64_t ts, uint32_t refl_seq,
                                 uint64_t other);

/* The loss split of a stateful reflector's numbers, fed in sequence
 * order with every request's outcome. */
struct ippm_dir_loss {
    bool any;           /* a reply has been fed */
    uint32_t last_hi;   /* highest number of the last reply fed */
    uint64_t run;       /* requests lost since that reply */
    uint64_t forward, backward;
};

void ippm_dir_loss_init(struct ippm_dir_loss *l);

/* The next request (in sequence order) had no reply. */
void ippm_dir_loss_lost(struct ippm_dir_loss *l);

/* The next request had replies numbered refl_lo to refl_hi (its slot's). */
void ippm_dir_loss_received(struct ippm_dir_loss *l, uint32_t refl_lo,
                            uint32_t refl_hi);

/* Requests lost after the last reply fed: their direction is unknown. */
uint64_t ippm_dir_loss_unsplit(const struct ippm_dir_loss *l);

#endif
