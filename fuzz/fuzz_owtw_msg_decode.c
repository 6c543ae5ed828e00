/* Fuzzes every OWAMP/TWAMP control decoder (proto/owtw/owtw_wire.c) and
 * owtw_msg_len on the same input.
 *
 * Postconditions (STYLE.md):
 *  - a decoder that fails says IPPM_ERR_SHORT, only below the message's
 *    length, and leaves its output untouched;
 *  - a decoded message encodes back to the same octets except where the
 *    decoder reported MBZ / unused / padding octets set (and HMAC fields,
 *    which encoders leave zero), and decodes again to the same fields;
 *  - owtw_msg_len agrees with the decoders' lengths, answers AGAIN only
 *    with a need above what it has, and never reads past have;
 *  - the views (slots, records, SIDs) lie inside the input. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/owtw/owtw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static bool inside(const uint8_t *p, size_t n, const uint8_t *data,
                   size_t len)
{
    return p >= data && n <= len && p - data <= (ptrdiff_t)(len - n);
}

/* The fixed messages: decode, re-encode, compare outside MBZ/HMAC. */
static void fixed(const uint8_t *data, size_t len)
{
    uint8_t out[256];
    size_t n;
    struct owtw_greeting g;
    memset(&g, 0xA5, sizeof g);
    if (owtw_greeting_decode(&g, data, len) == IPPM_OK) {
        FUZZ_CHECK(len >= OWTW_GREETING_LEN);
        FUZZ_CHECK(owtw_greeting_encode(out, sizeof out, &n, &g) == IPPM_OK);
        FUZZ_CHECK(n == OWTW_GREETING_LEN);
        FUZZ_CHECK(memcmp(out + 12, data + 12, 40) == 0);
        FUZZ_CHECK(g.unused_nonzero == !fuzz_all(data, 0, 12));
        FUZZ_CHECK(g.mbz_nonzero == !fuzz_all(data + 52, 0, 12));
    } else {
        FUZZ_CHECK(len < OWTW_GREETING_LEN && fuzz_all(&g, 0xA5, sizeof g));
    }
    struct owtw_setup su;
    if (owtw_setup_decode(&su, data, len) == IPPM_OK) {
        FUZZ_CHECK(owtw_setup_encode(out, sizeof out, &n, &su) == IPPM_OK);
        FUZZ_CHECK(n == OWTW_SETUP_LEN && memcmp(out, data, n) == 0);
    }
    struct owtw_server_start ss;
    if (owtw_server_start_decode(&ss, data, len) == IPPM_OK) {
        FUZZ_CHECK(owtw_server_start_encode(out, sizeof out, &n, &ss) ==
                   IPPM_OK);
        FUZZ_CHECK((memcmp(out, data, n) != 0) == ss.mbz_nonzero);
    }
    struct owtw_accept_session as;
    if (owtw_accept_session_decode(&as, data, len) == IPPM_OK) {
        FUZZ_CHECK(owtw_accept_session_encode(out, sizeof out, &n, &as) ==
                   IPPM_OK);
        FUZZ_CHECK((memcmp(out, data, 32) != 0) == as.mbz_nonzero);
    }
    struct owtw_start st;
    if (owtw_start_decode(&st, data, len) == IPPM_OK)
        FUZZ_CHECK(st.mbz_nonzero == !fuzz_all(data + 1, 0, 15));
    struct owtw_start_ack sa;
    if (owtw_start_ack_decode(&sa, data, len) == IPPM_OK) {
        FUZZ_CHECK(owtw_start_ack_encode(out, sizeof out, &n, &sa) == IPPM_OK);
        FUZZ_CHECK((memcmp(out, data, 16) != 0) == sa.mbz_nonzero);
    }
    struct owtw_fetch f;
    if (owtw_fetch_decode(&f, data, len) == IPPM_OK) {
        FUZZ_CHECK(owtw_fetch_encode(out, sizeof out, &n, &f) == IPPM_OK);
        FUZZ_CHECK(memcmp(out + 8, data + 8, 24) == 0);
    }
    struct owtw_fetch_ack fa;
    if (owtw_fetch_ack_decode(&fa, data, len) == IPPM_OK) {
        FUZZ_CHECK(owtw_fetch_ack_encode(out, sizeof out, &n, &fa) == IPPM_OK);
        FUZZ_CHECK((memcmp(out, data, 16) != 0) == fa.mbz_nonzero);
    }
}

static void request(const uint8_t *data, size_t len)
{
    struct owtw_request rq, again;
    memset(&rq, 0xA5, sizeof rq);
    if (owtw_request_decode(&rq, data, len) != IPPM_OK) {
        FUZZ_CHECK(fuzz_all(&rq, 0xA5, sizeof rq));
        FUZZ_CHECK(len < OWTW_REQUEST_LEN ||
                   len < owtw_request_len((len >= 8 ? ((uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 | (uint32_t)data[6] << 8 | data[7]) : 0)));
        return;
    }
    size_t total = owtw_request_len(rq.n_slots);
    FUZZ_CHECK(total <= len);
    size_t t;
    FUZZ_CHECK(owtw_msg_len(OWTW_MSG_REQUEST, data, len, len, &t) == IPPM_OK);
    FUZZ_CHECK(t == total);
    if (rq.n_slots)
        FUZZ_CHECK(inside(rq.slots, (size_t)rq.n_slots * 16, data, len));
    if (total > 4096)
        return;
    struct owtw_slot *sl = calloc(rq.n_slots ? rq.n_slots : 1, sizeof *sl);
    FUZZ_CHECK(sl != NULL);
    for (uint32_t i = 0; i < rq.n_slots; i++)
        owtw_slot_decode(&sl[i], rq.slots, i);
    uint8_t *re = fuzz_dup(data, total);
    size_t n;
    enum owtw_proto proto = (rq.cmd == 5 || rq.cmd == 11) ? OWTW_TWAMP
                                                          : OWTW_OWAMP;
    FUZZ_CHECK(owtw_request_encode(re, total, &n, proto, &rq, sl) == IPPM_OK);
    FUZZ_CHECK(n == total);
    FUZZ_CHECK(owtw_request_encode(re, total - 1, &n, proto, &rq, sl) ==
               IPPM_ERR_NOSPACE);
    FUZZ_CHECK(owtw_request_decode(&again, re, total) == IPPM_OK);
    FUZZ_CHECK(again.n_slots == rq.n_slots && again.timeout == rq.timeout &&
               again.start_time == rq.start_time &&
               again.padding_len == rq.padding_len &&
               memcmp(again.sid, rq.sid, 16) == 0);
    /* Outside MBZ and HMAC, the octets are the input's. */
    FUZZ_CHECK(memcmp(re + 2, data + 2, 14) == 0);
    FUZZ_CHECK(memcmp(re + 48, data + 48, 40) == 0);
    free(re);
    free(sl);
}

static void stop(const uint8_t *data, size_t len)
{
    for (int p = 0; p < 2; p++) {
        struct owtw_stop m;
        memset(&m, 0xA5, sizeof m);
        enum owtw_proto proto = p ? OWTW_TWAMP : OWTW_OWAMP;
        if (owtw_stop_decode(&m, proto, data, len) != IPPM_OK) {
            FUZZ_CHECK(fuzz_all(&m, 0xA5, sizeof m));
            continue;
        }
        if (m.records_len)
            FUZZ_CHECK(inside(m.records, m.records_len, data, len));
        size_t off = 0;
        struct owtw_stop_record r;
        uint32_t k = 0;
        while (owtw_stop_record_next(&m, &off, &r) == IPPM_OK) {
            FUZZ_CHECK(off <= m.records_len);
            if (r.n_skips)
                FUZZ_CHECK(inside(r.skips, (size_t)r.n_skips * 8, data, len));
            k++;
        }
        if (proto == OWTW_OWAMP) {
            FUZZ_CHECK(k == m.n_sessions);
            FUZZ_CHECK(off == m.records_len);
        } else {
            FUZZ_CHECK(m.records_len == 0);
        }
    }
}

static void nsessions(const uint8_t *data, size_t len)
{
    struct owtw_nsessions m;
    memset(&m, 0xA5, sizeof m);
    if (owtw_nsessions_decode(&m, data, len) != IPPM_OK) {
        FUZZ_CHECK(fuzz_all(&m, 0xA5, sizeof m));
        return;
    }
    size_t total = owtw_nsessions_len(m.n_sessions);
    FUZZ_CHECK(total <= len);
    if (m.n_sessions)
        FUZZ_CHECK(inside(m.sids, (size_t)m.n_sessions * 16, data, len));
    uint8_t *re = fuzz_dup(data, total);
    size_t n;
    FUZZ_CHECK(owtw_nsessions_encode(re, total, &n, &m) == IPPM_OK);
    FUZZ_CHECK(memcmp(re + 12, data + 12, total - 28) == 0);
    free(re);
}

/* owtw_msg_len on every prefix length class. */
static void lengths(const uint8_t *data, size_t len)
{
    for (int k = 0; k < OWTW_MSG_COUNT_; k++) {
        size_t t = 0;
        size_t have = len;
        enum ippm_err e = owtw_msg_len((enum owtw_msg)k, data, have, 1 << 16,
                                       &t);
        if (e == IPPM_ERR_AGAIN)
            FUZZ_CHECK(t > have);
        else if (e == IPPM_OK)
            FUZZ_CHECK(t >= 16 && t <= (1 << 16) &&
                       (t % 16 == 0 || k == OWTW_MSG_SETUP ||
                        k == OWTW_MSG_STOP_RECORD));
        else if (e == OWTW_ERR_MSG_LEN)
            FUZZ_CHECK(t > (1 << 16));
        else
            FUZZ_CHECK(e == IPPM_ERR_BAD_ARG &&
                       (k == OWTW_MSG_FETCH_SKIPS ||
                        k == OWTW_MSG_FETCH_RECORDS));
        const struct owtw_layout *l = owtw_layout_get((enum owtw_msg)k);
        FUZZ_CHECK(l != NULL && l->kind == (enum owtw_msg)k);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    /* An exact heap copy: ASan sees any read past the end. */
    uint8_t *p = fuzz_dup(data, len);
    fixed(p, len);
    request(p, len);
    stop(p, len);
    nsessions(p, len);
    lengths(p, len);
    free(p);
    return 0;
}
