/* Unit tests of ippm_stream.c: byte-by-byte feeding, exact boundaries,
 * a full buffer, partial messages, header-then-body and lines. Both the
 * input and the caller's buffer end flush against a PROT_NONE page, so
 * one octet read or written too many faults. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ippm_stream.h"

/* The caller's buffer of cap octets, ending at a guard page. */
struct buf {
    struct ippm_guard g;
    struct ippm_stream s;
};

static void buf_open(struct buf *b, size_t cap)
{
    uint8_t zero[256] = {0};
    assert_true(cap <= sizeof zero);
    ippm_stream_init(&b->s, ippm_guard_copy(&b->g, zero, cap), cap);
}

static void pattern(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + i * 7);
}

/* A 12-octet message fed one octet at a time is AGAIN until the last. */
static void test_ippm_stream_byte_by_byte(void **state)
{
    (void)state;
    uint8_t msg[12];
    pattern(msg, sizeof msg, 1);
    struct ippm_guard in;
    const uint8_t *p = ippm_guard_copy(&in, msg, sizeof msg);
    struct buf b;
    buf_open(&b, 32);
    const uint8_t *view;
    for (size_t i = 0; i < sizeof msg; i++) {
        assert_int_equal(ippm_stream_peek(&b.s, sizeof msg, &view),
                         IPPM_ERR_AGAIN);
        assert_null(view);
        assert_int_equal(ippm_stream_feed(&b.s, p + i, 1), 1);
        assert_int_equal(ippm_stream_buffered(&b.s), i + 1);
    }
    assert_int_equal(ippm_stream_peek(&b.s, sizeof msg, &view), IPPM_OK);
    assert_memory_equal(view, msg, sizeof msg);
    assert_int_equal(ippm_stream_consume(&b.s, sizeof msg), IPPM_OK);
    assert_int_equal(ippm_stream_buffered(&b.s), 0);
    assert_int_equal(ippm_stream_peek(&b.s, 1, &view), IPPM_ERR_AGAIN);
    ippm_guard_free(&in);
    ippm_guard_free(&b.g);
}

/* A message of exactly the capacity fits; one octet more never will. */
static void test_ippm_stream_exact_capacity(void **state)
{
    (void)state;
    uint8_t msg[64];
    pattern(msg, sizeof msg, 9);
    struct ippm_guard in;
    const uint8_t *p = ippm_guard_copy(&in, msg, sizeof msg);
    struct buf b;
    buf_open(&b, 40);
    const uint8_t *view;
    assert_int_equal(ippm_stream_peek(&b.s, 41, &view), IPPM_ERR_TOO_LONG);
    assert_int_equal(ippm_stream_peek(&b.s, 40, &view), IPPM_ERR_AGAIN);
    /* 64 offered, 40 taken: the buffer is full, the guard page intact. */
    assert_int_equal(ippm_stream_feed(&b.s, p, sizeof msg), 40);
    assert_int_equal(ippm_stream_feed(&b.s, p + 40, 24), 0);
    size_t room = 99;
    (void)ippm_stream_recv_buf(&b.s, &room);
    assert_int_equal(room, 0);
    assert_int_equal(ippm_stream_recv_ack(&b.s, 1), IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_stream_peek(&b.s, 40, &view), IPPM_OK);
    assert_memory_equal(view, msg, 40);
    assert_int_equal(ippm_stream_peek(&b.s, 0, &view), IPPM_OK);
    assert_int_equal(ippm_stream_consume(&b.s, 41), IPPM_ERR_BAD_ARG);
    assert_int_equal(ippm_stream_buffered(&b.s), 40);
    assert_int_equal(ippm_stream_consume(&b.s, 40), IPPM_OK);
    /* Emptied: the rest goes in at the front. */
    assert_int_equal(ippm_stream_feed(&b.s, p + 40, 24), 24);
    assert_int_equal(ippm_stream_peek(&b.s, 24, &view), IPPM_OK);
    assert_memory_equal(view, msg + 40, 24);
    ippm_guard_free(&in);
    ippm_guard_free(&b.g);
}

/* Two whole messages and half a third in one feed; after the two are
 * consumed, the half moves to the front to make room for its rest. */
static void test_ippm_stream_partial_messages_and_compaction(void **state)
{
    (void)state;
    uint8_t all[30];
    pattern(all, sizeof all, 3);
    struct ippm_guard in;
    const uint8_t *p = ippm_guard_copy(&in, all, sizeof all);
    struct buf b;
    buf_open(&b, 25);
    const uint8_t *view;
    assert_int_equal(ippm_stream_feed(&b.s, p, 25), 25);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(ippm_stream_peek(&b.s, 10, &view), IPPM_OK);
        assert_memory_equal(view, all + 10 * k, 10);
        assert_int_equal(ippm_stream_consume(&b.s, 10), IPPM_OK);
    }
    assert_int_equal(ippm_stream_peek(&b.s, 10, &view), IPPM_ERR_AGAIN);
    assert_int_equal(ippm_stream_buffered(&b.s), 5);
    /* The end of the buffer is reached: recv_buf compacts. */
    size_t room;
    uint8_t *to = ippm_stream_recv_buf(&b.s, &room);
    assert_int_equal(room, 20);
    assert_ptr_equal(to, b.s.buf + 5);
    assert_memory_equal(b.s.buf, all + 20, 5);
    memcpy(to, p + 25, 5);
    assert_int_equal(ippm_stream_recv_ack(&b.s, 5), IPPM_OK);
    assert_int_equal(ippm_stream_peek(&b.s, 10, &view), IPPM_OK);
    assert_memory_equal(view, all + 20, 10);
    /* Room at the front counts: 5 consumed, 5 left at [5, 10), 20 fed. */
    assert_int_equal(ippm_stream_consume(&b.s, 5), IPPM_OK);
    assert_int_equal(ippm_stream_feed(&b.s, p, 20), 20);
    assert_int_equal(ippm_stream_buffered(&b.s), 25);
    assert_int_equal(ippm_stream_peek(&b.s, 25, &view), IPPM_OK);
    assert_memory_equal(view, all + 25, 5);
    assert_memory_equal(view + 5, all, 20);
    ippm_guard_free(&in);
    ippm_guard_free(&b.g);
}

/* TWAMP-style framing: a 4-octet header whose last two octets give the
 * body length; every split of header and body is AGAIN until whole. */
static void test_ippm_stream_header_then_body(void **state)
{
    (void)state;
    uint8_t msg[4 + 20];
    pattern(msg, sizeof msg, 5);
    msg[2] = 0;
    msg[3] = 20;
    struct ippm_guard in;
    const uint8_t *p = ippm_guard_copy(&in, msg, sizeof msg);
    for (size_t split = 0; split <= sizeof msg; split++) {
        struct buf b;
        buf_open(&b, 64);
        const uint8_t *hdr, *view;
        size_t len;
        assert_int_equal(ippm_stream_feed(&b.s, p, split), split);
        enum ippm_err e = ippm_stream_peek(&b.s, 4, &hdr);
        assert_int_equal(e, split < 4 ? IPPM_ERR_AGAIN : IPPM_OK);
        if (e == IPPM_OK) {
            size_t body = (size_t)hdr[2] << 8 | hdr[3];
            e = ippm_stream_peek_body(&b.s, 4, body, 64, &view, &len);
            assert_int_equal(e, split < sizeof msg ? IPPM_ERR_AGAIN : IPPM_OK);
            if (e == IPPM_OK) {
                assert_int_equal(len, sizeof msg);
                assert_memory_equal(view, msg, sizeof msg);
            } else {
                assert_null(view);
                assert_int_equal(len, 0);
            }
        }
        ippm_guard_free(&b.g);
    }
    ippm_guard_free(&in);
}

/* A body the header announces past the limit, past the buffer, or past
 * SIZE_MAX is TOO_LONG at once, whatever is buffered. */
static void test_ippm_stream_body_too_long(void **state)
{
    (void)state;
    struct buf b;
    buf_open(&b, 32);
    const uint8_t *view;
    size_t len;
    assert_int_equal(ippm_stream_peek_body(&b.s, 4, 28, 32, &view, &len),
                     IPPM_ERR_AGAIN);
    assert_int_equal(ippm_stream_peek_body(&b.s, 4, 29, 32, &view, &len),
                     IPPM_ERR_TOO_LONG);
    assert_int_equal(ippm_stream_peek_body(&b.s, 4, 20, 16, &view, &len),
                     IPPM_ERR_TOO_LONG);
    assert_int_equal(ippm_stream_peek_body(&b.s, 4, 40, 1000, &view, &len),
                     IPPM_ERR_TOO_LONG); /* over the buffer */
    assert_int_equal(
        ippm_stream_peek_body(&b.s, 4, SIZE_MAX - 3, SIZE_MAX, &view, &len),
        IPPM_ERR_TOO_LONG);
    assert_null(view);
    ippm_guard_free(&b.g);
}

static void test_ippm_stream_lines(void **state)
{
    (void)state;
    static const char text[] = "RMBTv1.3\nOK\nACCEPT TOKEN QUIT\n";
    const size_t n = sizeof text - 1;
    struct ippm_guard in;
    const uint8_t *p = ippm_guard_copy(&in, text, n);
    struct buf b;
    buf_open(&b, 64);
    const uint8_t *line;
    size_t len;
    assert_int_equal(ippm_stream_peek_line(&b.s, '\n', 64, &line, &len),
                     IPPM_ERR_AGAIN);
    size_t fed = 0;
    const char *want[] = {"RMBTv1.3\n", "OK\n", "ACCEPT TOKEN QUIT\n"};
    for (int k = 0; k < 3; k++) {
        enum ippm_err e;
        while ((e = ippm_stream_peek_line(&b.s, '\n', 64, &line, &len)) ==
               IPPM_ERR_AGAIN)
            assert_int_equal(ippm_stream_feed(&b.s, p + fed++, 1), 1);
        assert_int_equal(e, IPPM_OK);
        assert_int_equal(len, strlen(want[k]));
        assert_memory_equal(line, want[k], len);
        assert_int_equal(ippm_stream_consume(&b.s, len), IPPM_OK);
    }
    assert_int_equal(fed, n);
    /* Eight octets and no newline within a limit of eight: never. */
    assert_int_equal(ippm_stream_feed(&b.s, p, 8), 8);
    assert_int_equal(ippm_stream_peek_line(&b.s, '\n', 9, &line, &len),
                     IPPM_ERR_AGAIN);
    assert_int_equal(ippm_stream_peek_line(&b.s, '\n', 8, &line, &len),
                     IPPM_ERR_TOO_LONG);
    assert_null(line);
    ippm_guard_free(&in);
    ippm_guard_free(&b.g);
}

/* A full buffer with no newline: the line can never be whole. */
static void test_ippm_stream_line_fills_buffer(void **state)
{
    (void)state;
    uint8_t x[16];
    memset(x, 'x', sizeof x);
    struct buf b;
    buf_open(&b, 16);
    const uint8_t *line;
    size_t len;
    assert_int_equal(ippm_stream_feed(&b.s, x, 15), 15);
    assert_int_equal(ippm_stream_peek_line(&b.s, '\n', 1000, &line, &len),
                     IPPM_ERR_AGAIN);
    assert_int_equal(ippm_stream_feed(&b.s, x, 1), 1);
    assert_int_equal(ippm_stream_peek_line(&b.s, '\n', 1000, &line, &len),
                     IPPM_ERR_TOO_LONG);
    ippm_guard_free(&b.g);
}

/* No buffer at all: only the empty message, nothing fed, no crash. */
static void test_ippm_stream_zero_capacity(void **state)
{
    (void)state;
    struct ippm_stream s;
    ippm_stream_init(&s, NULL, 0);
    const uint8_t *view;
    size_t room, len;
    uint8_t one = 1;
    assert_int_equal(ippm_stream_feed(&s, &one, 1), 0);
    assert_null(ippm_stream_recv_buf(&s, &room));
    assert_int_equal(room, 0);
    assert_int_equal(ippm_stream_peek(&s, 0, &view), IPPM_OK);
    assert_int_equal(ippm_stream_peek(&s, 1, &view), IPPM_ERR_TOO_LONG);
    assert_int_equal(ippm_stream_peek_line(&s, '\n', 10, &view, &len),
                     IPPM_ERR_TOO_LONG);
    assert_int_equal(ippm_stream_consume(&s, 0), IPPM_OK);
    assert_int_equal(ippm_stream_consume(&s, 1), IPPM_ERR_BAD_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ippm_stream_byte_by_byte),
        cmocka_unit_test(test_ippm_stream_exact_capacity),
        cmocka_unit_test(test_ippm_stream_partial_messages_and_compaction),
        cmocka_unit_test(test_ippm_stream_header_then_body),
        cmocka_unit_test(test_ippm_stream_body_too_long),
        cmocka_unit_test(test_ippm_stream_lines),
        cmocka_unit_test(test_ippm_stream_line_fills_buffer),
        cmocka_unit_test(test_ippm_stream_zero_capacity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
