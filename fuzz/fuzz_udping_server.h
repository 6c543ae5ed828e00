/* Shared by fuzz_udping_server_take.c and fuzz_udping_legacy.c: a run of
 * datagrams from a few peers into one udping_server, with flushes, and
 * the bookkeeping every run must keep.
 *
 * Input: octet 0 sets the table size (1 + bits 0-2, so 1..8) and
 * keepalive (bits 3-7, in ms); octet 1 bit 0 asks for early reports
 * (out given to take) or not. Then records:
 *   [peer octet][step octet][len, 2 octets big-endian, mod 2048][datagram]
 * The clock moves on by step ms before each record (a step of 255 moves
 * it back 1 ms: drivers' clocks are not trusted to be monotonic). A
 * record with len 0 is a flush at that time instead of a datagram; peer
 * bit 7 then makes it a flush of everything. The run ends with a flush
 * of everything.
 *
 * Postconditions:
 *  - taken counts every datagram; dropped[] (by reason) plus accepted
 *    equals taken; every drop reason is one of UDPING_ERR_*;
 *  - sessions in the table = started - reported, never above the size;
 *    evicted early only when a report could be given;
 *  - every report has a valid guid; in version 1, count >= 1 and
 *    1 <= target; min/max as the report says;
 *  - a flush before the deadline reports nothing; after the final flush
 *    the table is empty and every session started was reported. */
#ifndef FUZZ_UDPING_SERVER_H
#define FUZZ_UDPING_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/udping/udping.h"

#define FUZZ_UDPING_CAP 8

static void fuzz_udping_check_report(const struct udping_report *r,
                                     bool legacy)
{
    for (int i = 0; i < UDPING_GUID_LEN; i++)
        FUZZ_CHECK(r->guid[i] != 0);
    FUZZ_CHECK(r->guid[UDPING_GUID_LEN] == 0);
    if (!legacy) {
        FUZZ_CHECK(r->count >= 1);
        FUZZ_CHECK(r->target >= 1);
        FUZZ_CHECK(r->target == (uint32_t)(1u + r->max_seq - r->min_seq));
    }
}

static void fuzz_udping_check_books(const struct udping_server *s,
                                    uint64_t accepted)
{
    uint64_t dropped = 0;
    for (int i = 0; i < UDPING_ERR_COUNT_; i++)
        dropped += s->dropped[i];
    FUZZ_CHECK(dropped + accepted == s->taken);
    FUZZ_CHECK(s->started - s->reported == udping_server_sessions(s));
    FUZZ_CHECK(udping_server_sessions(s) <= s->cap);
    FUZZ_CHECK(s->evicted <= s->reported);
}

static void fuzz_udping_flush(struct udping_server *s, uint64_t now, bool all,
                              bool legacy)
{
    struct udping_report r[3];
    uint64_t deadline = udping_server_deadline(s);
    size_t n;
    do {
        n = udping_server_flush(s, now, all, r, 3);
        if (!all && now < deadline)
            FUZZ_CHECK(n == 0);
        for (size_t i = 0; i < n; i++) {
            fuzz_udping_check_report(&r[i], legacy);
            FUZZ_CHECK(!r[i].early);
        }
    } while (n == 3);
}

static int fuzz_udping_run(const uint8_t *data, size_t len, bool legacy)
{
    if (len < 2)
        return 0;
    size_t cap = 1u + (data[0] & 7u);
    uint64_t keep_ns = (uint64_t)(data[0] >> 3) * 1000000u;
    bool early = data[1] & 1;
    static struct udping_session slots[FUZZ_UDPING_CAP];
    static uint64_t mem[UDPING_SERVER_MEM(FUZZ_UDPING_CAP) / 8 + 1];
    static const uint8_t seed[IPPM_TABLE_SEED_LEN] = {0x5e, 0xed};
    struct udping_server s;
    FUZZ_CHECK(udping_server_init(&s, slots, cap, mem, sizeof mem, seed,
                                  keep_ns, legacy) == IPPM_OK);
    uint64_t now = 1700000000ull * 1000000000ull, accepted = 0;
    size_t off = 2;
    while (off + 4 <= len) {
        uint8_t peer_b = data[off], step = data[off + 1];
        size_t n = ((size_t)data[off + 2] << 8 | data[off + 3]) & 0x7ffu;
        off += 4;
        if (n > len - off)
            n = len - off;
        now = step == 255 ? now - 1000000u : now + (uint64_t)step * 1000000u;
        if (n == 0) {
            fuzz_udping_flush(&s, now, peer_b & 0x80, legacy);
            fuzz_udping_check_books(&s, accepted);
            continue;
        }
        struct ippm_addr peer = {.family = IPPM_AF_INET,
                                 .ip = {10, 0, 0, (uint8_t)(peer_b & 3)},
                                 .port = (uint16_t)(5000 + (peer_b >> 2))};
        uint8_t *p = fuzz_dup(data + off, n);
        off += n;
        struct udping_report r[UDPING_TAKE_REPORTS_MAX];
        size_t n_out = 99;
        uint64_t evicted = s.evicted;
        enum ippm_err e = udping_server_take(&s, p, n, &peer, now,
                                             early ? r : NULL, &n_out);
        free(p);
        FUZZ_CHECK(n_out <= (early ? UDPING_TAKE_REPORTS_MAX : 0));
        if (!early)
            FUZZ_CHECK(s.evicted == evicted);
        for (size_t i = 0; i < n_out; i++)
            fuzz_udping_check_report(&r[i], legacy);
        if (e == IPPM_OK)
            accepted++;
        else
            FUZZ_CHECK(e == UDPING_ERR_SHORT || e == UDPING_ERR_SIZE ||
                       e == UDPING_ERR_VERSION || e == UDPING_ERR_GUID ||
                       (e == UDPING_ERR_TABLE && !early));
        fuzz_udping_check_books(&s, accepted);
    }
    fuzz_udping_flush(&s, now, true, legacy);
    FUZZ_CHECK(udping_server_sessions(&s) == 0);
    FUZZ_CHECK(s.started == s.reported);
    FUZZ_CHECK(udping_server_deadline(&s) == UINT64_MAX);
    return 0;
}

#endif
