/* Unit tests of owtw_wire.c and owtw_layout.c against the perfSONAR
 * captures in unauthenticated mode (pcaps/owtw/extract_control.py; values
 * from ../shared/notes/twamp-owamp-fixtures.md §3): every message decodes
 * to the documented fields and re-encodes to the captured octets. Decode
 * inputs end flush against a PROT_NONE page. */
#include "testsupport/ippm_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "owtw.h"
#include "owtw_captures_test.h"

/* len octets of src at the end of a guarded mapping. */
static const uint8_t *guarded(struct ippm_guard *g, const uint8_t *src,
                              size_t len)
{
    return ippm_guard_copy(g, src, len);
}

static void assert_reencodes(const uint8_t *want, const uint8_t *got,
                             size_t want_len, size_t got_len)
{
    assert_int_equal(got_len, want_len);
    assert_memory_equal(got, want, want_len);
}

static const uint8_t SID_OW1[16] = {0x7f, 0, 0, 1, 0xee, 0xb1, 0x4c, 0x6b,
                                    0x63, 0xb6, 0x02, 0x85, 0xaa, 0x9d,
                                    0x7b, 0xb7};

static void test_owtw_greeting_decode_twamp_O(void **state)
{
    (void)state;
    struct ippm_guard g;
    const uint8_t *p = guarded(&g, twamp_O_s2c, OWTW_GREETING_LEN);
    struct owtw_greeting m;
    assert_int_equal(owtw_greeting_decode(&m, p, OWTW_GREETING_LEN), IPPM_OK);
    assert_int_equal(m.modes, 7);
    assert_int_equal(m.count, 2048);
    assert_int_equal(m.challenge[0], 0x75);
    assert_int_equal(m.salt[15], 0x09);
    assert_false(m.mbz_nonzero);
    assert_false(m.unused_nonzero);
    uint8_t out[64];
    size_t n;
    assert_int_equal(owtw_greeting_encode(out, sizeof out, &n, &m), IPPM_OK);
    assert_reencodes(twamp_O_s2c, out, 64, n);
    ippm_guard_free(&g);
}

static void test_owtw_greeting_decode_rejects_63_octets(void **state)
{
    (void)state;
    struct ippm_guard g;
    const uint8_t *p = guarded(&g, twamp_O_s2c, 63);
    struct owtw_greeting m = {.modes = 99};
    assert_int_equal(owtw_greeting_decode(&m, p, 63), IPPM_ERR_SHORT);
    assert_int_equal(m.modes, 99);
    ippm_guard_free(&g);
}

static void test_owtw_encoders_refuse_short_buffers(void **state)
{
    (void)state;
    uint8_t out[200];
    size_t n = 7;
    struct owtw_greeting gr = {0};
    assert_int_equal(owtw_greeting_encode(out, 63, &n, &gr), IPPM_ERR_NOSPACE);
    struct owtw_setup su = {0};
    assert_int_equal(owtw_setup_encode(out, 163, &n, &su), IPPM_ERR_NOSPACE);
    struct owtw_request rq = {.n_slots = 1};
    struct owtw_slot sl = {0};
    assert_int_equal(owtw_request_encode(out, 143, &n, OWTW_OWAMP, &rq, &sl),
                     IPPM_ERR_NOSPACE);
    assert_int_equal(owtw_start_encode(out, 31, &n), IPPM_ERR_NOSPACE);
    assert_int_equal(n, 7);
}

/* TWAMP-O C->S: Set-Up-Response, Request-TW-Session, Start, Stop. */
static void test_owtw_twamp_O_client_stream(void **state)
{
    (void)state;
    const uint8_t *s = twamp_O_c2s;
    uint8_t out[256];
    size_t n;
    struct owtw_setup su;
    assert_int_equal(owtw_setup_decode(&su, s, 164), IPPM_OK);
    assert_int_equal(su.mode, OWTW_MODE_OPEN);
    assert_int_equal(owtw_setup_encode(out, sizeof out, &n, &su), IPPM_OK);
    assert_reencodes(s, out, 164, n);

    s += 164;
    size_t total;
    assert_int_equal(owtw_msg_len(OWTW_MSG_REQUEST_TW, s, 16, 4096, &total),
                     IPPM_OK);
    assert_int_equal(total, 112);
    struct ippm_guard g;
    const uint8_t *p = guarded(&g, s, 112);
    struct owtw_request rq;
    assert_int_equal(owtw_request_decode(&rq, p, 112), IPPM_OK);
    assert_int_equal(rq.cmd, OWTW_CMD_REQUEST_TW_SESSION);
    assert_int_equal(rq.ipvn, 4);
    assert_int_equal(rq.n_slots, 0);
    assert_int_equal(rq.n_packets, 0);
    assert_int_equal(rq.padding_len, 27);
    assert_int_equal(rq.sender_port, rq.receiver_port);
    assert_int_equal(rq.type_p, 0);
    assert_null(rq.slots);
    assert_false(rq.mbz_nonzero);
    assert_false(rq.addr_mbz_nonzero);
    assert_int_equal(owtw_request_encode(out, sizeof out, &n, OWTW_TWAMP, &rq,
                                         NULL),
                     IPPM_OK);
    assert_reencodes(s, out, 112, n);
    ippm_guard_free(&g);

    s += 112;
    struct owtw_start st;
    assert_int_equal(owtw_start_decode(&st, s, 32), IPPM_OK);
    assert_int_equal(st.cmd, OWTW_CMD_START_SESSIONS);
    assert_false(st.mbz_nonzero);
    assert_int_equal(owtw_start_encode(out, sizeof out, &n), IPPM_OK);
    assert_reencodes(s, out, 32, n);

    s += 32;
    assert_int_equal(owtw_msg_len(OWTW_MSG_STOP_TW, s, 16, 4096, &total),
                     IPPM_OK);
    assert_int_equal(total, 32);
    struct owtw_stop sp;
    assert_int_equal(owtw_stop_decode(&sp, OWTW_TWAMP, s, 32), IPPM_OK);
    assert_int_equal(sp.cmd, OWTW_CMD_STOP_SESSIONS);
    assert_int_equal(sp.n_sessions, 1);
    assert_null(sp.records);
    assert_int_equal(owtw_stop_encode(out, sizeof out, &n, OWTW_TWAMP, &sp,
                                      NULL),
                     IPPM_OK);
    assert_reencodes(s, out, 32, n);
    assert_int_equal(s + 32 - twamp_O_c2s, sizeof twamp_O_c2s);
}

/* TWAMP-O S->C: Greeting, Server-Start, Accept-Session, Start-Ack. */
static void test_owtw_twamp_O_server_stream(void **state)
{
    (void)state;
    const uint8_t *s = twamp_O_s2c + 64;
    uint8_t out[64];
    size_t n;
    struct owtw_server_start ss;
    assert_int_equal(owtw_server_start_decode(&ss, s, 48), IPPM_OK);
    assert_int_equal(ss.accept, 0);
    assert_true(ss.start_time == 0xeeb14c4e7172cd7cull);
    assert_int_equal(owtw_server_start_encode(out, sizeof out, &n, &ss),
                     IPPM_OK);
    assert_reencodes(s, out, 48, n);

    s += 48;
    struct owtw_accept_session as;
    assert_int_equal(owtw_accept_session_decode(&as, s, 48), IPPM_OK);
    assert_int_equal(as.accept, 0);
    assert_int_equal(as.port, 19091);
    assert_int_equal(as.sid[0], 0x7f);
    assert_int_equal(as.reflected_octets, 0);
    assert_int_equal(owtw_accept_session_encode(out, sizeof out, &n, &as),
                     IPPM_OK);
    assert_reencodes(s, out, 48, n);

    s += 48;
    struct owtw_start_ack sa;
    assert_int_equal(owtw_start_ack_decode(&sa, s, 32), IPPM_OK);
    assert_int_equal(sa.accept, 0);
    assert_int_equal(owtw_start_ack_encode(out, sizeof out, &n, &sa), IPPM_OK);
    assert_reencodes(s, out, 32, n);
}

/* OWAMP-O C->S: two Request-Sessions with a slot each, Start, Stop with
 * one record, Fetch-Session. */
static void test_owtw_owamp_O_client_stream(void **state)
{
    (void)state;
    const uint8_t *s = owamp_O_c2s + 164;
    uint8_t out[256];
    size_t n, total;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(owtw_msg_len(OWTW_MSG_REQUEST, s, 16, 4096, &total),
                         IPPM_OK);
        assert_int_equal(total, 144);
        struct ippm_guard g;
        const uint8_t *p = guarded(&g, s, 144);
        struct owtw_request rq;
        assert_int_equal(owtw_request_decode(&rq, p, 143), IPPM_ERR_SHORT);
        assert_int_equal(owtw_request_decode(&rq, p, 144), IPPM_OK);
        assert_int_equal(rq.cmd, OWTW_CMD_REQUEST_SESSION);
        assert_int_equal(rq.conf_sender, i);
        assert_int_equal(rq.conf_receiver, !i);
        assert_int_equal(rq.n_slots, 1);
        assert_int_equal(rq.n_packets, 10);
        assert_true(rq.start_time == 0xeeb14c6c58177640ull);
        assert_true(rq.timeout == 0x0000000200074646ull);
        assert_int_equal(i ? rq.sender_port : rq.receiver_port, 0);
        struct owtw_slot sl;
        assert_false(owtw_slot_decode(&sl, rq.slots, 0));
        assert_int_equal(sl.type, OWTW_SLOT_EXP);
        assert_true(sl.param == 0x000000000cccccccull);
        assert_int_equal(owtw_request_encode(out, sizeof out, &n, OWTW_OWAMP,
                                             &rq, &sl),
                         IPPM_OK);
        assert_reencodes(s, out, 144, n);
        ippm_guard_free(&g);
        s += 144;
    }
    s += 32; /* Start-Sessions */
    assert_int_equal(owtw_msg_len(OWTW_MSG_STOP, s, 16, 4096, &total),
                     IPPM_ERR_AGAIN);
    assert_int_equal(total, 48);
    assert_int_equal(owtw_msg_len(OWTW_MSG_STOP, s, 48, 4096, &total),
                     IPPM_OK);
    assert_int_equal(total, 64);
    assert_int_equal(owtw_msg_len(OWTW_MSG_STOP, s, 48, 63, &total),
                     OWTW_ERR_MSG_LEN);
    struct owtw_stop sp;
    assert_int_equal(owtw_stop_decode(&sp, OWTW_OWAMP, s, 63), IPPM_ERR_SHORT);
    assert_int_equal(owtw_stop_decode(&sp, OWTW_OWAMP, s, 64), IPPM_OK);
    assert_int_equal(sp.n_sessions, 1);
    assert_int_equal(sp.records_len, 32);
    size_t off = 0;
    struct owtw_stop_record r;
    assert_int_equal(owtw_stop_record_next(&sp, &off, &r), IPPM_OK);
    assert_memory_equal(r.sid, SID_OW1, 16);
    assert_int_equal(r.next_seqno, 10);
    assert_int_equal(r.n_skips, 0);
    assert_false(r.pad_nonzero);
    assert_int_equal(off, 32);
    assert_int_equal(owtw_stop_record_next(&sp, &off, &r), IPPM_ERR_SHORT);
    assert_int_equal(owtw_stop_encode(out, sizeof out, &n, OWTW_OWAMP, &sp,
                                      &r),
                     IPPM_OK);
    assert_reencodes(s, out, 64, n);

    s += 64;
    struct owtw_fetch f;
    assert_int_equal(owtw_fetch_decode(&f, s, 48), IPPM_OK);
    assert_int_equal(f.cmd, OWTW_CMD_FETCH_SESSION);
    assert_int_equal(f.begin_seq, 0);
    assert_true(f.end_seq == 0xffffffffu);
    assert_memory_equal(f.sid, SID_OW1, 16);
    assert_int_equal(owtw_fetch_encode(out, sizeof out, &n, &f), IPPM_OK);
    assert_reencodes(s, out, 48, n);
    assert_int_equal(s + 48 - owamp_O_c2s, sizeof owamp_O_c2s);
}

/* OWAMP-O S->C after the two Accept-Sessions: Start-Ack, Stop-Sessions,
 * Fetch-Ack, the reproduced request, skip ranges, records. */
static void test_owtw_owamp_O_server_stream(void **state)
{
    (void)state;
    const uint8_t *s = owamp_O_s2c + 112;
    struct owtw_accept_session as;
    assert_int_equal(owtw_accept_session_decode(&as, s, 48), IPPM_OK);
    assert_int_equal(as.port, 19234);
    assert_memory_equal(as.sid, SID_OW1, 16);
    s += 96 + 32;
    struct owtw_stop sp;
    assert_int_equal(owtw_stop_decode(&sp, OWTW_OWAMP, s, 64), IPPM_OK);
    assert_int_equal(sp.n_sessions, 1);
    s += 64;
    struct owtw_fetch_ack fa;
    assert_int_equal(owtw_fetch_ack_decode(&fa, s, 32), IPPM_OK);
    assert_int_equal(fa.accept, 0);
    assert_int_equal(fa.finished, 1);
    assert_int_equal(fa.next_seqno, 10);
    assert_int_equal(fa.n_skips, 0);
    assert_int_equal(fa.n_records, 10);
    uint8_t out[64];
    size_t n;
    assert_int_equal(owtw_fetch_ack_encode(out, sizeof out, &n, &fa), IPPM_OK);
    assert_reencodes(s, out, 32, n);
    s += 32;
    struct owtw_request rq;
    assert_int_equal(owtw_request_decode(&rq, s, 144), IPPM_OK);
    assert_int_equal(rq.receiver_port, 19234);
    assert_memory_equal(rq.sid, SID_OW1, 16);
    s += 144;
    assert_true(owtw_fetch_skips_len(fa.n_skips) == 16);
    s += 16;
    assert_true(owtw_fetch_records_len(fa.n_records) == 272);
    assert_int_equal(s + 272 - owamp_O_s2c, sizeof owamp_O_s2c);
}

static void test_owtw_nsessions_round_trip(void **state)
{
    (void)state;
    uint8_t sids[32];
    for (size_t i = 0; i < sizeof sids; i++)
        sids[i] = (uint8_t)i;
    struct owtw_nsessions m = {OWTW_CMD_START_N_ACK, 5, 2, sids, false};
    uint8_t out[64];
    size_t n;
    assert_int_equal(owtw_nsessions_encode(out, sizeof out, &n, &m), IPPM_OK);
    assert_int_equal(n, owtw_nsessions_len(2));
    assert_int_equal(n, 64);
    assert_int_equal(out[0], 8);
    assert_int_equal(out[1], 5);
    assert_int_equal(out[15], 2);
    size_t total;
    assert_int_equal(owtw_msg_len(OWTW_MSG_NSESSIONS, out, 16, 64, &total),
                     IPPM_OK);
    assert_int_equal(total, 64);
    struct ippm_guard g;
    const uint8_t *p = guarded(&g, out, n);
    struct owtw_nsessions d;
    assert_int_equal(owtw_nsessions_decode(&d, p, 63), IPPM_ERR_SHORT);
    assert_int_equal(owtw_nsessions_decode(&d, p, 64), IPPM_OK);
    assert_int_equal(d.cmd, 8);
    assert_int_equal(d.accept, 5);
    assert_int_equal(d.n_sessions, 2);
    assert_memory_equal(d.sids, sids, 32);
    assert_false(d.mbz_nonzero);
    ippm_guard_free(&g);
    /* Start-N-Sessions has MBZ where the ack has Accept. */
    out[0] = OWTW_CMD_START_N_SESSIONS;
    assert_int_equal(owtw_nsessions_decode(&d, out, 64), IPPM_OK);
    assert_true(d.mbz_nonzero);
}

static void test_owtw_request_reports_mbz_and_rfc6038_octets(void **state)
{
    (void)state;
    struct owtw_request rq = {.cmd = OWTW_CMD_REQUEST_TW_SESSION, .ipvn = 4,
                              .octets_to_reflect = 0x1234,
                              .pad_to_reflect = 27};
    uint8_t out[112];
    size_t n;
    assert_int_equal(owtw_request_encode(out, sizeof out, &n, OWTW_TWAMP, &rq,
                                         NULL),
                     IPPM_OK);
    assert_int_equal(out[88], 0x12);
    assert_int_equal(out[91], 27);
    struct owtw_request d;
    assert_int_equal(owtw_request_decode(&d, out, n), IPPM_OK);
    assert_int_equal(d.octets_to_reflect, 0x1234);
    assert_false(d.mbz_nonzero);
    /* OWAMP: the same octets are MBZ. */
    out[0] = OWTW_CMD_REQUEST_SESSION;
    assert_int_equal(owtw_request_decode(&d, out, n), IPPM_OK);
    assert_true(d.mbz_nonzero);
    out[0] = OWTW_CMD_REQUEST_TW_SESSION;
    out[20] = 1; /* IPv4 address tail */
    out[1] = 0x14;
    assert_int_equal(owtw_request_decode(&d, out, n), IPPM_OK);
    assert_true(d.addr_mbz_nonzero);
    assert_true(d.mbz_nonzero);
    assert_int_equal(d.ipvn, 4);
}

static void test_owtw_msg_len_saturates_huge_counts(void **state)
{
    (void)state;
    uint8_t b[16] = {1, 4, 0, 1, 0xff, 0xff, 0xff, 0xff};
    size_t total;
    assert_int_equal(owtw_msg_len(OWTW_MSG_REQUEST, b, 16, 65536, &total),
                     OWTW_ERR_MSG_LEN);
    assert_true(total > 65536);
    assert_int_equal(owtw_msg_len(OWTW_MSG_REQUEST, b, 15, 65536, &total),
                     IPPM_ERR_AGAIN);
    assert_int_equal(total, 16);
    uint8_t st[16] = {3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(owtw_msg_len(OWTW_MSG_STOP, st, 16, 65536, &total),
                     IPPM_ERR_AGAIN);
    assert_int_equal(total, 48);
}

static void test_owtw_layout_matches_the_figures(void **state)
{
    (void)state;
    struct owtw_span sp;
    const struct owtw_layout *l = owtw_layout_get(OWTW_MSG_REQUEST_TW);
    assert_int_equal(owtw_layout_find(l, "pad-to-reflect", 14, &sp), IPPM_OK);
    assert_int_equal(sp.off, 90);
    assert_int_equal(sp.len, 2);
    l = owtw_layout_get(OWTW_MSG_SERVER_START);
    assert_int_equal(owtw_layout_find(l, "start-time", 10, &sp), IPPM_OK);
    assert_int_equal(sp.off, 32);
    assert_int_equal(owtw_layout_find(l, "nope", 4, &sp), IPPM_ERR_BAD_ARG);
    /* Every fixed layout's fields tile inside its length. */
    for (int k = 0; k < OWTW_MSG_COUNT_; k++) {
        l = owtw_layout_get((enum owtw_msg)k);
        assert_non_null(l);
        assert_int_equal(l->kind, k);
        for (int i = 0; i < l->n_fields; i++)
            assert_true(l->field[i].off + l->field[i].len <= l->len);
    }
    assert_null(owtw_layout_get(OWTW_MSG_COUNT_));
}

static void test_owtw_names(void **state)
{
    (void)state;
    assert_string_equal(owtw_accept_name(0), "OK");
    assert_string_equal(owtw_accept_name(5), "temporary resource limitation");
    assert_string_equal(owtw_accept_name(200), "reserved");
    assert_string_equal(owtw_err_name(OWTW_ERR_TOKEN), "OWTW_ERR_TOKEN");
    assert_string_equal(owtw_err_name(IPPM_ERR_SHORT), "IPPM_ERR_SHORT");
    assert_true(owtw_err_str(OWTW_ERR_SERVWAIT)[0] != '\0');
}

/* The SID of twamp-perfsonar-E: 127.0.0.1, eeb14c5b.c246cfc8, 2f5256a4. */
static void test_owtw_sid_make_as_perfsonar(void **state)
{
    (void)state;
    const uint8_t lo[4] = {127, 0, 0, 1}, rnd[4] = {0x2f, 0x52, 0x56, 0xa4};
    const uint8_t want[16] = {0x7f, 0, 0, 1, 0xee, 0xb1, 0x4c, 0x5b,
                              0xc2, 0x46, 0xcf, 0xc8, 0x2f, 0x52, 0x56, 0xa4};
    uint8_t sid[16];
    owtw_sid_make(sid, lo, 0xeeb14c5bc246cfc8ull, rnd);
    assert_memory_equal(sid, want, 16);
}

/* RFC 4656 §3.5: DSCP in the six bits after 00, so 46 is 2e000000 (what
 * twping -D 46 sends and twampd accepts; 0000002e is refused). */
static void test_owtw_type_p_dscp(void **state)
{
    (void)state;
    assert_true(owtw_type_p_from_dscp(46) == 0x2e000000u);
    assert_true(owtw_type_p_from_dscp(0) == 0);
    assert_true(owtw_type_p_from_dscp(0xff) == 0x3f000000u);
    assert_int_equal(owtw_type_p_dscp(0x2e000000u), 46);
    assert_int_equal(owtw_type_p_dscp(0), 0);
    assert_int_equal(owtw_type_p_dscp(0x0000002eu), 0);
    assert_int_equal(owtw_type_p_dscp(0x40000000u | 0x2e0000u), -1);
    assert_int_equal(owtw_type_p_dscp(0x80000000u), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owtw_greeting_decode_twamp_O),
        cmocka_unit_test(test_owtw_greeting_decode_rejects_63_octets),
        cmocka_unit_test(test_owtw_encoders_refuse_short_buffers),
        cmocka_unit_test(test_owtw_twamp_O_client_stream),
        cmocka_unit_test(test_owtw_twamp_O_server_stream),
        cmocka_unit_test(test_owtw_owamp_O_client_stream),
        cmocka_unit_test(test_owtw_owamp_O_server_stream),
        cmocka_unit_test(test_owtw_nsessions_round_trip),
        cmocka_unit_test(test_owtw_request_reports_mbz_and_rfc6038_octets),
        cmocka_unit_test(test_owtw_msg_len_saturates_huge_counts),
        cmocka_unit_test(test_owtw_layout_matches_the_figures),
        cmocka_unit_test(test_owtw_names),
        cmocka_unit_test(test_owtw_sid_make_as_perfsonar),
        cmocka_unit_test(test_owtw_type_p_dscp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
