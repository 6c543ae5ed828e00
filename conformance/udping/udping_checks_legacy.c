/* UDPing's 2017 format (notes §8): 64-octet headers, seqNum from 1 per
 * interval under a new guid, and a control packet closing each interval
 * with the count of pings it carried. Graded on what a sender emitted;
 * n/a unless the observation is of that format (udping_obs_ext.legacy). */
#include "udping_checks.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/stamp/stamp_check_util.h"
#include "proto/common/ippm_cur.h"

struct leg {
    char guid[UDPING_V1_GUID + 1];
    uint32_t control, seq, ts_count, size;
    bool sent_zero;
};

static bool leg_of(const struct ippm_exchange *e, struct leg *l)
{
    if (!e->req || e->req_len < UDPING_LEG_LEN)
        return false;
    memcpy(l->guid, e->req, UDPING_V1_GUID);
    l->guid[UDPING_V1_GUID] = '\0';
    l->control = ippm_load_le32(e->req + UDPING_LEG_CONTROL);
    l->seq = ippm_load_le32(e->req + UDPING_LEG_SEQ);
    l->ts_count = ippm_load_le32(e->req + UDPING_LEG_TSCOUNT);
    l->size = ippm_load_le32(e->req + UDPING_LEG_SIZE);
    l->sent_zero = true;
    for (size_t k = 0; k < 16; k++)
        l->sent_zero = l->sent_zero && !e->req[UDPING_LEG_SENT + k];
    return true;
}

/* The pings of e's guid on e's stream before datagram i, and the last
 * ping's seqNum (0 none). */
static uint32_t pings_before(const struct ippm_obs *obs, const uint32_t *prev,
                             size_t i, const char *guid, uint32_t *last)
{
    uint32_t n = 0;
    *last = 0;
    for (uint32_t k = prev[i]; k != UDPING_NONE; k = prev[k]) {
        struct leg w;
        if (!leg_of(&obs->ex[k], &w) || strcmp(w.guid, guid) != 0)
            break;
        if (w.control)
            continue;
        if (!n)
            *last = w.seq;
        n++;
    }
    return n;
}

static void one(const struct ippm_obs *obs, const struct ippm_case_arg *arg,
                const uint32_t *prev, size_t i, struct stamp_acc *a)
{
    const struct ippm_exchange *e = &obs->ex[i];
    struct leg l;
    bool want_ping = arg->type == 0 || arg->type == 3;
    if (!leg_of(e, &l) || want_ping != (l.control == 0))
        return;
    a->n++;
    uint32_t last, pings;
    switch (arg->type) {
    case 0:
        if (l.ts_count != 1 || l.size < UDPING_LEG_LEN + 1 ||
            l.size != e->req_len)
            stamp_acc_fail(a, "ping %zu: timestampCount %" PRIu32 ", size %"
                              PRIu32 ", length %zu; expected 1, at least 65, "
                              "the length", i, l.ts_count, l.size, e->req_len);
        break;
    case 1:
        if (l.control != 1 || l.ts_count != 0 || !l.sent_zero ||
            l.size != UDPING_LEG_LEN || e->req_len != UDPING_LEG_LEN)
            stamp_acc_fail(a, "control packet %zu: controlPacket %" PRIu32
                              ", timestampCount %" PRIu32 ", sent %s, size %"
                              PRIu32 ", length %zu",
                           i, l.control, l.ts_count,
                           l.sent_zero ? "zero" : "set", l.size, e->req_len);
        break;
    case 2:
        pings = pings_before(obs, prev, i, l.guid, &last);
        if (l.seq != pings + 1)
            stamp_acc_fail(a, "control packet %zu (guid %s): seqNum %" PRIu32
                              " after %" PRIu32 " pings, expected %" PRIu32,
                           i, l.guid, l.seq, pings, pings + 1);
        break;
    default:
        pings = pings_before(obs, prev, i, l.guid, &last);
        if (l.seq != (pings ? last + 1 : 1u))
            stamp_acc_fail(a, "port %u guid %s: seqNum %" PRIu32 ", expected "
                              "%" PRIu32,
                           (unsigned)e->req_src.port, l.guid, l.seq,
                           pings ? last + 1 : 1u);
    }
}

UDPING_CHECK(udping_chk_legacy)
{
    if (!udping_obs_is_legacy(obs))
        return stamp_na(detail, cap, "not the 2017 format (notes §8)");
    uint32_t *prev = udping_prev_links(obs);
    if (!prev)
        return stamp_na(detail, cap, obs->n_ex ? "out of memory: not graded"
                                                : "no datagram observed");
    struct stamp_acc a = stamp_acc_make(detail, cap);
    for (size_t i = 0; i < obs->n_ex; i++)
        one(obs, arg, prev, i, &a);
    free(prev);
    return stamp_acc_end(&a, arg->type == 0   ? "no ping seen"
                             : arg->type == 3 ? "no ping seen"
                                              : "no control packet seen");
}
