/* Fuzzes the stream accumulator (proto/common/ippm_stream.c) the way a
 * control connection uses it: bytes arrive in random splits, the protocol
 * takes whole messages (fixed size, header then body, or lines).
 *
 * Input: [cap][mode][param][seed] then the stream. cap is the caller's
 * buffer (0..255, allocated exactly so ASan sees one octet too many);
 * mode picks the framing; param is the size, the body limit or the line
 * limit; seed drives the split sizes (1..32) and whether a chunk goes in
 * by ippm_stream_feed or by recv_buf/recv_ack.
 *
 * Postconditions:
 *  - fed in random splits, the stream yields exactly the messages, in
 *    order and octet for octet, that a plain scan of the whole stream
 *    finds, and stops the same way: IPPM_ERR_TOO_LONG at the same
 *    message, or IPPM_ERR_AGAIN with the same octets left over;
 *  - AGAIN only while the buffer has room (so feeding always progresses);
 *  - feed takes the whole chunk unless the buffer is then full;
 *  - peek, consume and recv_ack never accept a length they cannot honour. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/common/ippm_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

enum mode { FIXED, HDR_BODY, LINE, MODES_ };

struct framing {
    enum mode mode;
    size_t cap, param;
};

/* The next message of the whole stream at in[0..n): its length, or an
 * error, by the framing's rules read directly off contiguous memory. */
static enum ippm_err scan_one(const struct framing *f, const uint8_t *in,
                              size_t n, size_t *msg_len)
{
    size_t limit = f->param < f->cap ? f->param : f->cap;
    switch (f->mode) {
    case FIXED:
        if (f->param > f->cap)
            return IPPM_ERR_TOO_LONG;
        if (n < f->param)
            return IPPM_ERR_AGAIN;
        *msg_len = f->param;
        return IPPM_OK;
    case HDR_BODY:
        if (2 > f->cap)
            return IPPM_ERR_TOO_LONG;
        if (n < 2)
            return IPPM_ERR_AGAIN;
        if (2 + (size_t)in[1] > limit)
            return IPPM_ERR_TOO_LONG;
        if (n < 2 + (size_t)in[1])
            return IPPM_ERR_AGAIN;
        *msg_len = 2 + (size_t)in[1];
        return IPPM_OK;
    case LINE:
        for (size_t i = 0; i < n && i < limit; i++)
            if (in[i] == '\n') {
                *msg_len = i + 1;
                return IPPM_OK;
            }
        return n >= limit ? IPPM_ERR_TOO_LONG : IPPM_ERR_AGAIN;
    case MODES_:
        break;
    }
    abort();
}

/* The same message through the accumulator. */
static enum ippm_err next_msg(const struct framing *f,
                              const struct ippm_stream *s, const uint8_t **m,
                              size_t *m_len)
{
    enum ippm_err e;
    const uint8_t *hdr;
    switch (f->mode) {
    case FIXED:
        e = ippm_stream_peek(s, f->param, m);
        *m_len = f->param;
        return e;
    case HDR_BODY:
        e = ippm_stream_peek(s, 2, &hdr);
        if (e != IPPM_OK)
            return e;
        return ippm_stream_peek_body(s, 2, hdr[1], f->param, m, m_len);
    case LINE:
        return ippm_stream_peek_line(s, '\n', f->param, m, m_len);
    case MODES_:
        break;
    }
    abort();
}

static uint32_t next_rand(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* Puts up to n octets in by one of the two ways in; returns how many. */
static size_t put(struct ippm_stream *s, const uint8_t *p, size_t n,
                  bool by_recv_buf)
{
    size_t before = ippm_stream_buffered(s), taken;
    if (by_recv_buf) {
        size_t room;
        uint8_t *to = ippm_stream_recv_buf(s, &room);
        FUZZ_CHECK(room <= s->cap - before);
        FUZZ_CHECK(ippm_stream_recv_ack(s, room + 1) == IPPM_ERR_BAD_ARG);
        taken = n < room ? n : room;
        if (taken)
            memcpy(to, p, taken);
        FUZZ_CHECK(ippm_stream_recv_ack(s, taken) == IPPM_OK);
    } else {
        taken = ippm_stream_feed(s, p, n);
        FUZZ_CHECK(taken == n || before + taken == s->cap);
    }
    FUZZ_CHECK(ippm_stream_buffered(s) == before + taken);
    return taken;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 4)
        return 0;
    struct framing f = {.mode = (enum mode)(data[1] % MODES_),
                        .cap = data[0],
                        .param = data[2]};
    uint32_t seed = 0x9e3779b9u ^ data[3];
    const uint8_t *in = data + 4;
    size_t n = len - 4;

    uint8_t *buf = malloc(f.cap ? f.cap : 1); /* exactly cap: ASan */
    if (buf == NULL)
        abort();
    struct ippm_stream s;
    ippm_stream_init(&s, buf, f.cap);

    size_t ref_off = 0, off = 0;
    enum ippm_err ref_end, end;
    for (;;) {
        /* Every message now whole: the same as the scan's next one. */
        const uint8_t *m;
        size_t m_len = 0, ref_len = 0;
        end = next_msg(&f, &s, &m, &m_len);
        if (end == IPPM_OK) {
            ref_end = scan_one(&f, in + ref_off, n - ref_off, &ref_len);
            FUZZ_CHECK(ref_end == IPPM_OK && ref_len == m_len);
            FUZZ_CHECK(m_len == 0 || memcmp(m, in + ref_off, m_len) == 0);
            FUZZ_CHECK(ippm_stream_consume(&s, ippm_stream_buffered(&s) + 1) ==
                       IPPM_ERR_BAD_ARG);
            FUZZ_CHECK(ippm_stream_consume(&s, m_len) == IPPM_OK);
            ref_off += m_len;
            if (m_len == 0) /* empty messages: the stream never moves */
                break;
            continue;
        }
        FUZZ_CHECK(end == IPPM_ERR_AGAIN || end == IPPM_ERR_TOO_LONG);
        if (end == IPPM_ERR_TOO_LONG)
            break;
        FUZZ_CHECK(ippm_stream_buffered(&s) < f.cap);
        if (off == n)
            break;
        uint32_t r = next_rand(&seed);
        size_t chunk = 1 + r % 32;
        if (chunk > n - off)
            chunk = n - off;
        off += put(&s, in + off, chunk, (r >> 8) & 1);
    }

    /* Stopped where and how the scan of the whole stream stops. */
    size_t ref_len = 0;
    ref_end = scan_one(&f, in + ref_off, n - ref_off, &ref_len);
    if (end == IPPM_OK) { /* stopped on an empty message */
        FUZZ_CHECK(ref_end == IPPM_OK && ref_len == 0);
    } else {
        FUZZ_CHECK(ref_end == end);
        if (end == IPPM_ERR_AGAIN)
            FUZZ_CHECK(off == n && ippm_stream_buffered(&s) == n - ref_off);
    }
    free(buf);
    return 0;
}
