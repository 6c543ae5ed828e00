/* The stream accumulator: [start, end) of the caller's buffer holds what
 * arrived and was not consumed yet. */
#include "ippm_stream.h"

#include <string.h>

/* see ippm_stream.h */
void ippm_stream_init(struct ippm_stream *s, uint8_t *buf, size_t cap)
{
    s->buf = buf;
    s->cap = buf ? cap : 0;
    s->start = 0;
    s->end = 0;
}

/* see ippm_stream.h */
size_t ippm_stream_buffered(const struct ippm_stream *s)
{
    return s->end - s->start;
}

/* Moves the unconsumed octets to the front, so all free room is at the
 * end. Views handed out before are no longer valid. */
static void compact(struct ippm_stream *s)
{
    size_t n = s->end - s->start;
    if (s->start == 0)
        return;
    if (n)
        memmove(s->buf, s->buf + s->start, n);
    s->start = 0;
    s->end = n;
}

/* see ippm_stream.h */
uint8_t *ippm_stream_recv_buf(struct ippm_stream *s, size_t *room)
{
    if (s->end == s->cap)
        compact(s);
    *room = s->cap - s->end;
    return s->buf ? s->buf + s->end : NULL;
}

/* see ippm_stream.h */
enum ippm_err ippm_stream_recv_ack(struct ippm_stream *s, size_t n)
{
    if (n > s->cap - s->end)
        return IPPM_ERR_BAD_ARG;
    s->end += n;
    return IPPM_OK;
}

/* see ippm_stream.h */
size_t ippm_stream_feed(struct ippm_stream *s, const uint8_t *data, size_t len)
{
    /* Use the room freed at the front too: fewer than len are taken
     * only when the buffer is full of unconsumed octets. */
    if (len > s->cap - s->end)
        compact(s);
    if (len > s->cap - s->end)
        len = s->cap - s->end;
    if (len == 0)
        return 0;
    memcpy(s->buf + s->end, data, len);
    s->end += len;
    return len;
}

/* see ippm_stream.h */
enum ippm_err ippm_stream_peek(const struct ippm_stream *s, size_t n,
                               const uint8_t **msg)
{
    *msg = NULL;
    if (n > s->cap)
        return IPPM_ERR_TOO_LONG;
    if (n > s->end - s->start)
        return IPPM_ERR_AGAIN;
    if (s->buf) /* a zero-capacity stream has only empty messages */
        *msg = s->buf + s->start;
    return IPPM_OK;
}

/* see ippm_stream.h */
enum ippm_err ippm_stream_peek_body(const struct ippm_stream *s, size_t hdr_len,
                                    size_t body_len, size_t max_len,
                                    const uint8_t **msg, size_t *msg_len)
{
    *msg = NULL;
    *msg_len = 0;
    if (body_len > SIZE_MAX - hdr_len || hdr_len + body_len > max_len)
        return IPPM_ERR_TOO_LONG;
    enum ippm_err e = ippm_stream_peek(s, hdr_len + body_len, msg);
    if (e == IPPM_OK)
        *msg_len = hdr_len + body_len;
    return e;
}

/* see ippm_stream.h */
enum ippm_err ippm_stream_peek_line(const struct ippm_stream *s, uint8_t delim,
                                    size_t max_len, const uint8_t **line,
                                    size_t *line_len)
{
    size_t have = s->end - s->start;
    size_t limit = max_len < s->cap ? max_len : s->cap;
    *line = NULL;
    *line_len = 0;
    if (have == 0)
        return limit == 0 ? IPPM_ERR_TOO_LONG : IPPM_ERR_AGAIN;
    const uint8_t *p = s->buf + s->start;
    for (size_t i = 0; i < have && i < limit; i++) {
        if (p[i] == delim) {
            *line = p;
            *line_len = i + 1;
            return IPPM_OK;
        }
    }
    return have >= limit ? IPPM_ERR_TOO_LONG : IPPM_ERR_AGAIN;
}

/* see ippm_stream.h */
enum ippm_err ippm_stream_consume(struct ippm_stream *s, size_t n)
{
    if (n > s->end - s->start)
        return IPPM_ERR_BAD_ARG;
    s->start += n;
    /* Empty again: start over at the front, no copy needed. */
    if (s->start == s->end)
        s->start = s->end = 0;
    return IPPM_OK;
}
