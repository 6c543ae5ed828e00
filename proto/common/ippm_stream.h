/* A stream accumulator in the caller's buffer: the bytes of a control
 * connection arrive in any split, and a protocol asks for whole messages.
 *
 * It answers three ways, which a cursor's overrun flag cannot tell apart:
 * IPPM_OK (the message is here, a view into the buffer), IPPM_ERR_AGAIN
 * (not yet: feed more bytes; not an error), IPPM_ERR_TOO_LONG (it can
 * never fit: over the caller's limit or the buffer). Malformed content is
 * for the protocol's decoder to say once it has the whole message.
 *
 * Two ways in, as BearSSL's engine (recvrec_buf / recvrec_ack) and
 * nghttp2 (mem_recv) do: a driver may receive straight into
 * ippm_stream_recv_buf and ack what arrived, or a state machine may copy
 * an event's bytes in with ippm_stream_feed. Either way the protocol then
 * loops: peek a message, handle it, consume it, until IPPM_ERR_AGAIN.
 *
 * Views returned by the peek calls stay valid until the next feed,
 * recv_buf or consume (which may move the buffered bytes to the front). */
#ifndef IPPM_STREAM_H
#define IPPM_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "ippm_err.h"

struct ippm_stream {
    uint8_t *buf; /* the caller's */
    size_t cap;
    size_t start; /* first octet not yet consumed */
    size_t end;   /* one past the last octet received */
};

/* Prepares s over the caller's buffer of cap octets, empty. */
void ippm_stream_init(struct ippm_stream *s, uint8_t *buf, size_t cap);

/* Octets received and not yet consumed. */
size_t ippm_stream_buffered(const struct ippm_stream *s);

/* Where the next octets may be written, and how many (*room; 0 when the
 * buffer is full of unconsumed octets). When the end of the buffer is
 * reached, moves the unconsumed octets to the front first. */
uint8_t *ippm_stream_recv_buf(struct ippm_stream *s, size_t *room);

/* n octets were written at ippm_stream_recv_buf. Returns IPPM_OK, or
 * IPPM_ERR_BAD_ARG (and takes none) when n is more than the room. */
enum ippm_err ippm_stream_recv_ack(struct ippm_stream *s, size_t n);

/* Copies up to len octets of data in. Returns how many were taken: fewer
 * than len only when the buffer is then full of unconsumed octets
 * (consume messages, then feed the rest). */
size_t ippm_stream_feed(struct ippm_stream *s, const uint8_t *data, size_t len);

/* A message of exactly n octets at the front: IPPM_OK and *msg, or
 * IPPM_ERR_AGAIN (fewer buffered), or IPPM_ERR_TOO_LONG (n > the
 * buffer's capacity: it can never be whole). n = 0 is an empty message. */
enum ippm_err ippm_stream_peek(const struct ippm_stream *s, size_t n,
                               const uint8_t **msg);

/* A message of a header of hdr_len octets then a body of body_len (read
 * from the header by the caller after ippm_stream_peek(s, hdr_len)):
 * IPPM_OK with *msg and *msg_len = hdr_len + body_len, IPPM_ERR_AGAIN, or
 * IPPM_ERR_TOO_LONG when the sum is over max_len or the capacity (or
 * overflows size_t). */
enum ippm_err ippm_stream_peek_body(const struct ippm_stream *s, size_t hdr_len,
                                    size_t body_len, size_t max_len,
                                    const uint8_t **msg, size_t *msg_len);

/* A line ending in delim (RMBT's "\n"): IPPM_OK with *line and *line_len
 * counting the delimiter, IPPM_ERR_AGAIN when none is buffered yet, or
 * IPPM_ERR_TOO_LONG when none is within the first max_len octets (or the
 * capacity, if smaller) and so none can come in time. */
enum ippm_err ippm_stream_peek_line(const struct ippm_stream *s, uint8_t delim,
                                    size_t max_len, const uint8_t **line,
                                    size_t *line_len);

/* The protocol is done with the first n octets (a message it peeked).
 * Returns IPPM_OK, or IPPM_ERR_BAD_ARG (and consumes none) when fewer
 * than n are buffered. */
enum ippm_err ippm_stream_consume(struct ippm_stream *s, size_t n);

#endif
