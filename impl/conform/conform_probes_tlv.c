/* The TLV probes of the live prober: RFC 8972 §4, RFC 9503, RFC 9534
 * and drafts, each family on a socket (a session) of its own. */
#include "impl/conform/conform_prober.h"

#include <stdio.h>
#include <string.h>

#include "proto/common/ippm_cur.h"

/* Authenticated mode: every TLV list but a lone Extra Padding TLV
 * carries an HMAC TLV (RFC 8972 §4.8), else the reflector rightly flags
 * the list with I. */
static void tl_seal(struct prober *p, struct tlvs *t)
{
    if (p->mode == STAMP_MODE_AUTH && t->hmac_off == SIZE_MAX)
        tl_hmac(t, false);
}

/* Sends base + t on socket si: the HMAC TLV signed (and spoiled when
 * asked) after the base packet is encoded (its HMAC covers octets 0-95
 * only, RFC 8762 §4.4). */
static void send_tlvs(struct prober *p, size_t si, uint32_t seq, uint16_t ssid,
                      struct tlvs *t)
{
    uint8_t buf[STAMP_AUTH_BASE_LEN + TLV_CAP];
    size_t base = stamp_base_len(p->mode);
    if (t->err)
        return;
    struct ippm_errest ee = ippm_clock_errest(&p->clk);
    if (!ee.mult)
        ee.mult = 1;
    struct stamp_sender_pkt s = {
        .seq = seq,
        .ts = ippm_ts_from_ns(ippm_clock_realtime(), IPPM_TS_NTP),
        .errest = ippm_errest_encode(&ee),
        .ssid = ssid,
        .extra = t->b,
        .extra_len = t->n,
    };
    size_t len = base + t->n;
    if (stamp_sender_pkt_encode(buf, sizeof buf, len, &s, p->mode, &p->key) !=
        IPPM_OK)
        return;
    if (t->hmac_off != SIZE_MAX) {
        if (p->have_tlv_key && stamp_tlv_hmac_sign(&p->tlv_key, buf, len, base,
                                                   t->hmac_off) != IPPM_OK)
            return;
        if (t->bad_hmac)
            buf[base + t->hmac_off + STAMP_TLV_HDR_LEN + 5] ^= 0x5a;
    }
    prober_send_raw(p, si, buf, len);
    prober_collect(p, 1 * MS);
}

/* Opens a socket for probe, -1 (and the probe skipped) when it cannot. */
static int tlv_sock(struct prober *p, uint32_t probe, int tos)
{
    char err[IPPM_NET_ERRLEN];
    return prober_open(p, probe, tos, err, sizeof err);
}

/* One Location (or Return Path) sub-TLV, as a sender writes it: I = 0,
 * value zeroed. */
static void loc_sub(uint8_t *v, size_t *n, uint8_t type, uint16_t len)
{
    v[*n] = STAMP_TLV_U;
    v[*n + 1] = type;
    ippm_store_u16(v + *n + 2, len);
    memset(v + *n + 4, 0, len);
    *n += 4u + len;
}

/* RFC 8972 §4.1-§4.7 and an unallocated type. */
static void probe_tlv_8972(struct prober *p)
{
    struct tlvs t;
    int si;
    /* §4.1 Extra Padding, alone and after another TLV. */
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_PAD, -1)) >= 0) {
        for (uint32_t k = 0; k < 2; k++) {
            tl_init(&t);
            tl_ok(&t, stamp_tlv_put_padding(t.b, sizeof t.b, &t.n, 20 + 8 * k));
            send_tlvs(p, (size_t)si, k, 0, &t);
        }
        tl_init(&t);
        tl_ok(&t, stamp_tlv_put_tsinfo(t.b, sizeof t.b, &t.n));
        tl_seal(p, &t);
        tl_ok(&t, stamp_tlv_put_padding(t.b, sizeof t.b, &t.n, 40));
        send_tlvs(p, (size_t)si, 2, 0, &t);
    }
    /* §4.2 Location: every generic sub-TLV together and alone, then the
     * specific ones (a reflector answers them, it is not asked by them). */
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_LOC, -1)) >= 0) {
        static const bool ask[5][3] = {{true, true, true},
                                       {false, true, false},
                                       {false, false, true},
                                       {true, false, false},
                                       {false, false, false}};
        uint32_t seq = 0;
        for (size_t k = 0; k < 5; k++, seq++) {
            tl_init(&t);
            tl_ok(&t, stamp_tlv_put_location(t.b, sizeof t.b, &t.n, ask[k][0],
                                             ask[k][1], ask[k][2]));
            tl_seal(p, &t);
            send_tlvs(p, (size_t)si, seq, 0, &t);
        }
        uint8_t v[4 + 6 * 20];
        size_t n = 4;
        memset(v, 0, 4);
        loc_sub(v, &n, STAMP_LOC_SRC_EUI48, 8);
        loc_sub(v, &n, STAMP_LOC_SRC_EUI64, 8);
        loc_sub(v, &n, STAMP_LOC_DST_IPV4, 16);
        loc_sub(v, &n, STAMP_LOC_DST_IPV6, 16);
        loc_sub(v, &n, STAMP_LOC_SRC_IPV4, 16);
        loc_sub(v, &n, STAMP_LOC_SRC_IPV6, 16);
        tl_init(&t);
        tl_ok(&t, stamp_tlv_put(t.b, sizeof t.b, &t.n, STAMP_TLV_U,
                                STAMP_TLV_LOCATION, v, n));
        tl_seal(p, &t);
        send_tlvs(p, (size_t)si, seq, 0, &t);
    }
    /* §4.3 Timestamp Information. */
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_TS, -1)) >= 0) {
        for (uint32_t k = 0; k < 2; k++) {
            tl_init(&t);
            tl_ok(&t, stamp_tlv_put_tsinfo(t.b, sizeof t.b, &t.n));
            tl_seal(p, &t);
            send_tlvs(p, (size_t)si, k, 0, &t);
        }
    }
    /* §4.4 CoS: sent as AF11 with ECT(0); DSCP1 AF41 (a reflector may
     * use it), then CS7 (ippm's own refuses it: RP = 1). */
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_COS, 10 << 2 | 2)) >= 0) {
        static const uint8_t dscp1[3] = {34, 46, CONFORM_SELFREFL_REFUSED_DSCP};
        for (uint32_t k = 0; k < 3; k++) {
            tl_init(&t);
            tl_ok(&t, stamp_tlv_put_cos(t.b, sizeof t.b, &t.n, dscp1[k]));
            tl_seal(p, &t);
            send_tlvs(p, (size_t)si, k, 0, &t);
        }
    }
    /* §4.5 Direct Measurement, three in a session: counters grow. */
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_DM, -1)) >= 0) {
        for (uint32_t k = 0; k < 3; k++) {
            tl_init(&t);
            tl_ok(&t, stamp_tlv_put_direct(t.b, sizeof t.b, &t.n, k + 1));
            tl_seal(p, &t);
            send_tlvs(p, (size_t)si, k, 0, &t);
        }
    }
    /* §4.6 Access Report: IDs 1 and 2, and 3 (invalid: discarded). */
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_AR, -1)) >= 0) {
        static const uint8_t id[3] = {1, 2, 3}, code[3] = {1, 0, 1};
        for (uint32_t k = 0; k < 3; k++) {
            tl_init(&t);
            tl_ok(&t,
                  stamp_tlv_put_access(t.b, sizeof t.b, &t.n, id[k], code[k]));
            tl_seal(p, &t);
            send_tlvs(p, (size_t)si, k, 0, &t);
        }
    }
    /* §4.7 Follow-Up Telemetry: in a row, each after the last reply, so
     * a stateful reflector has a previous reply to report. */
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_FU, -1)) >= 0) {
        for (uint32_t k = 0; k < 3; k++) {
            tl_init(&t);
            tl_ok(&t, stamp_tlv_put_followup(t.b, sizeof t.b, &t.n));
            tl_seal(p, &t);
            send_tlvs(p, (size_t)si, k, 0, &t);
            prober_collect(p, 20 * MS);
        }
    }
    /* §4: a type no registry allocates, copied with U = 1. */
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_UNK, -1)) >= 0) {
        static const uint8_t v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        tl_init(&t);
        tl_ok(&t, stamp_tlv_put(t.b, sizeof t.b, &t.n, STAMP_TLV_U, 100, v,
                                sizeof v));
        tl_seal(p, &t);
        send_tlvs(p, (size_t)si, 0, 0, &t);
    }
}

/* §4.8 HMAC TLV, right, wrong and out of place, when there is a key to
 * sign with. */
static void probe_tlv_hmac(struct prober *p)
{
    struct tlvs t;
    int si;
    if (!p->have_tlv_key ||
        (si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_HMAC, -1)) < 0)
        return;
    for (uint32_t k = 0; k < 3; k++) {
        tl_init(&t);
        tl_ok(&t, stamp_tlv_put_tsinfo(t.b, sizeof t.b, &t.n));
        tl_ok(&t, stamp_tlv_put_direct(t.b, sizeof t.b, &t.n, k + 1));
        tl_hmac(&t, k == 2);
        if (k == 1)
            tl_ok(&t, stamp_tlv_put_padding(t.b, sizeof t.b, &t.n, 16));
        send_tlvs(p, (size_t)si, k, 0, &t);
    }
    /* A right digest, but a TLV after the HMAC TLV: "any other position"
     * is a verification failure. */
    tl_init(&t);
    tl_ok(&t, stamp_tlv_put_tsinfo(t.b, sizeof t.b, &t.n));
    tl_hmac(&t, false);
    tl_ok(&t, stamp_tlv_put_direct(t.b, sizeof t.b, &t.n, 4));
    send_tlvs(p, (size_t)si, 3, 0, &t);
}

/* Malformed lists (RFC 8972 §4 M flag): a Length the type forbids, then
 * Extra Padding that must come back as sent; a truncated header; a
 * Length past the end; nested sub-TLVs that overflow or are too short.
 * A well-formed TLV goes first where the walk itself breaks, so the list
 * reads as TLVs. In authenticated mode only the Length cases go, with an
 * HMAC TLV: a broken walk hides the HMAC TLV, an integrity failure. */
static void probe_tlv_bad(struct prober *p)
{
    struct tlvs t;
    int si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_BAD, -1);
    if (si < 0)
        return;
    static const struct {
        uint8_t type;
        uint16_t len;
    } badlen[] = {
        {STAMP_TLV_TSINFO, 2},       {STAMP_TLV_COS, 3},
        {STAMP_TLV_DIRECT, 8},       {STAMP_TLV_FOLLOWUP, 12},
        {STAMP_TLV_ACCESS, 6},       {STAMP_TLV_HMAC, 8},
        {STAMP_TLV_DEST_ADDR, 8},    {STAMP_TLV_MICRO_SESSION, 2},
        {STAMP_TLV_REFL_CONTROL, 8},
    };
    uint32_t seq = 0;
    uint8_t zero[64] = {0};
    for (size_t k = 0; k < sizeof badlen / sizeof badlen[0]; k++) {
        /* An HMAC TLV of the wrong Length is malformed only to a
         * reflector that cannot verify it: one with the key fails its
         * integrity first (RFC 8972 §4.8) and sets I instead. */
        if (badlen[k].type == STAMP_TLV_HMAC &&
            (p->mode == STAMP_MODE_AUTH || p->have_tlv_key))
            continue;
        tl_init(&t);
        tl_hdr(&t, badlen[k].type, badlen[k].len);
        tl_raw(&t, zero, badlen[k].len);
        tl_seal(p, &t);
        tl_ok(&t, stamp_tlv_put_padding(t.b, sizeof t.b, &t.n, 8));
        send_tlvs(p, (size_t)si, seq++, 0, &t);
    }
    /* Location: a sub-TLV of the wrong Length, and one running past the
     * Location TLV's end. Return Path: a Control Code of 2 octets, and a
     * sub-TLV past its end. */
    {
        uint8_t v[4 + 4 + 8] = {0};
        v[4] = STAMP_TLV_U;
        v[5] = STAMP_LOC_DST_IP;
        ippm_store_u16(v + 6, 8); /* generic address: 16 */
        tl_init(&t);
        tl_ok(&t, stamp_tlv_put(t.b, sizeof t.b, &t.n, STAMP_TLV_U,
                                STAMP_TLV_LOCATION, v, sizeof v));
        tl_seal(p, &t);
        send_tlvs(p, (size_t)si, seq++, 0, &t);
        ippm_store_u16(v + 6, 40); /* past the end */
        tl_init(&t);
        tl_ok(&t, stamp_tlv_put(t.b, sizeof t.b, &t.n, STAMP_TLV_U,
                                STAMP_TLV_LOCATION, v, sizeof v));
        tl_seal(p, &t);
        send_tlvs(p, (size_t)si, seq++, 0, &t);
    }
    {
        uint8_t v[4 + 2] = {STAMP_TLV_U, STAMP_RP_CONTROL, 0, 2, 0, 1};
        tl_init(&t);
        tl_ok(&t, stamp_tlv_put(t.b, sizeof t.b, &t.n, STAMP_TLV_U,
                                STAMP_TLV_RETURN_PATH, v, sizeof v));
        tl_seal(p, &t);
        send_tlvs(p, (size_t)si, seq++, 0, &t);
        uint8_t w[4 + 4] = {STAMP_TLV_U, STAMP_RP_ADDR, 0, 16, 127, 0, 0, 1};
        tl_init(&t);
        tl_ok(&t, stamp_tlv_put(t.b, sizeof t.b, &t.n, STAMP_TLV_U,
                                STAMP_TLV_RETURN_PATH, w, sizeof w));
        tl_seal(p, &t);
        send_tlvs(p, (size_t)si, seq++, 0, &t);
    }
    if (p->mode == STAMP_MODE_AUTH)
        return;
    /* A truncated header: three octets after a Timestamp Information. */
    tl_init(&t);
    tl_ok(&t, stamp_tlv_put_tsinfo(t.b, sizeof t.b, &t.n));
    tl_raw(&t, (const uint8_t[3]){STAMP_TLV_U, STAMP_TLV_COS, 0}, 3);
    send_tlvs(p, (size_t)si, seq++, 0, &t);
    /* A Length past the end: Direct Measurement says 40, 12 follow. */
    tl_init(&t);
    tl_ok(&t, stamp_tlv_put_tsinfo(t.b, sizeof t.b, &t.n));
    tl_hdr(&t, STAMP_TLV_DIRECT, 40);
    tl_raw(&t, zero, 12);
    send_tlvs(p, (size_t)si, seq++, 0, &t);
}

/* RFC 9503: Destination Node Address (§3), Return Path (§4). */
static void probe_tlv_9503(struct prober *p)
{
    struct tlvs t;
    int si;
    const struct ippm_addr *dst = &p->o->target;
    struct ippm_addr other = {IPPM_AF_INET, {192, 0, 2, 1}, 0, 0};
    if (dst->family == IPPM_AF_INET6) {
        static const uint8_t doc6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
        other.family = IPPM_AF_INET6;
        memcpy(other.ip, doc6, 16);
    }
    /* §3: sent with an SSID; the address the request goes to, then one
     * that is not the reflector's (documentation range). */
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_DNA, -1)) >= 0) {
        const struct ippm_addr *a[2] = {dst, &other};
        for (uint32_t k = 0; k < 2; k++) {
            tl_init(&t);
            tl_ok(&t, stamp_tlv_put_dest_addr(t.b, sizeof t.b, &t.n, a[k]));
            tl_seal(p, &t);
            send_tlvs(p, (size_t)si, k, p->ssid_b, &t);
        }
    }
    /* §4: each sub-TLV kind. Return Address our own (followed), another
     * (not), a Control Code asking for a reply on the same link, an
     * SR-MPLS label stack, an SRv6 segment list; last a Control Code 0x0,
     * which asks for no reply at all. */
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_RP, -1)) >= 0) {
        const uint32_t lse[2] = {16001u << 12 | 0x1ff, 16002u << 12 | 0x1ff};
        uint8_t sid[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
        struct stamp_return_path rp[6];
        memset(rp, 0, sizeof rp);
        rp[0].addr = p->sock[si].local;
        rp[1].addr = other;
        rp[2].has_control = true;
        rp[2].control = STAMP_RP_REPLY_SAME_LINK;
        rp[3].lse = lse;
        rp[3].n_lse = 2;
        rp[4].sid = sid;
        rp[4].n_sid = 1;
        rp[5].has_control = true;
        rp[5].control = 0;
        for (uint32_t k = 0; k < 6; k++) {
            tl_init(&t);
            tl_ok(&t, stamp_tlv_put_return_path(t.b, sizeof t.b, &t.n, &rp[k]));
            tl_seal(p, &t);
            send_tlvs(p, (size_t)si, k, 0, &t);
        }
        /* §4.1.1: a Control Code 0x0, then 0x1, beside a Return Address
         * that is not ours; the address MUST be ignored (no reply, then a
         * reply to us). Hand-built: the encoder refuses the mix (§4.1). */
        for (uint32_t k = 0; k < 2; k++) {
            uint8_t sub[4 + 4 + 4 + 16];
            uint16_t a = other.family == IPPM_AF_INET6 ? 16 : 4;
            size_t m = 0;
            tl_init(&t);
            loc_sub(sub, &m, STAMP_RP_CONTROL, 4);
            ippm_store_u32(sub + 4, k);
            loc_sub(sub, &m, STAMP_RP_ADDR, a);
            memcpy(sub + m - a, other.ip, a);
            tl_ok(&t, stamp_tlv_put(t.b, sizeof t.b, &t.n, STAMP_TLV_U,
                                    STAMP_TLV_RETURN_PATH, sub, m));
            tl_seal(p, &t);
            send_tlvs(p, (size_t)si, 6 + k, 0, &t);
        }
        /* §4: two Return Path TLVs, our own Return Address and a Control
         * Code 0x0, in both orders: only the first is followed. */
        for (uint32_t k = 0; k < 2; k++) {
            tl_init(&t);
            tl_ok(&t, stamp_tlv_put_return_path(t.b, sizeof t.b, &t.n,
                                                &rp[k ? 5 : 0]));
            tl_ok(&t, stamp_tlv_put_return_path(t.b, sizeof t.b, &t.n,
                                                &rp[k ? 0 : 5]));
            tl_seal(p, &t);
            send_tlvs(p, (size_t)si, 8 + k, 0, &t);
        }
    }
}

/* The Reflector Micro-session ID the last reply on si carried, 0 none. */
static uint16_t learned_micro_id(const struct prober *p, size_t si)
{
    size_t base = stamp_base_len(p->mode);
    for (size_t i = p->run->obs.n_ex; i-- > 0;) {
        const struct ippm_exchange *e = &p->run->ex[i];
        if (p->ex_sock[i] != si || !e->rep || e->rep_len <= base)
            continue;
        struct stamp_tlv_iter it;
        struct stamp_tlv tv;
        uint16_t sid, rid;
        stamp_tlv_iter_init(&it, e->rep + base, e->rep_len - base);
        while (stamp_tlv_next(&it, &tv) == IPPM_OK)
            if (stamp_tlv_micro_decode(&tv, &sid, &rid) == IPPM_OK)
                return rid;
    }
    return 0;
}

/* RFC 9534: a Micro-session ID naming no reflector link, then (once the
 * reply told it) the reflector's own, then another one (discarded). */
static void probe_tlv_9534(struct prober *p)
{
    struct tlvs t;
    int si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_MS, -1);
    if (si < 0)
        return;
    const uint16_t sender_id = 0x0a0a;
    tl_init(&t);
    tl_ok(&t, stamp_tlv_put_micro_session(t.b, sizeof t.b, &t.n, sender_id, 0));
    tl_seal(p, &t);
    send_tlvs(p, (size_t)si, 0, 0, &t);
    prober_collect(p, 50 * MS);
    uint16_t rid = learned_micro_id(p, (size_t)si);
    if (!rid)
        return; /* no member link to name */
    const uint16_t ids[2] = {rid, (uint16_t)(rid ^ 0x5a5a)};
    for (uint32_t k = 0; k < 2; k++) {
        tl_init(&t);
        tl_ok(&t, stamp_tlv_put_micro_session(t.b, sizeof t.b, &t.n, sender_id,
                                              ids[k]));
        tl_seal(p, &t);
        send_tlvs(p, (size_t)si, k + 1, 0, &t);
    }
}

/* Drafts: asymmetrical packets (a shorter reply, a longer one than the
 * request, none, three), reflected headers, BER. */
static void probe_tlv_drafts(struct prober *p)
{
    struct tlvs t;
    int si;
    size_t base = stamp_base_len(p->mode);
    size_t hm = p->mode == STAMP_MODE_AUTH ? 4 + STAMP_HMAC_LEN : 0;
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_ASYM, -1)) >= 0) {
        /* base + control (16) + HMAC TLV: what no reply can go below. */
        size_t fixed = base + 16 + hm;
        /* The last asks for three replies 2 ms apart (STAMP-ASYM-3-07). */
        const size_t want[4] = {fixed + 40, fixed + 400, fixed + 40,
                                fixed + 40};
        const uint16_t count[4] = {1, 1, 0, 3};
        const uint32_t gap[4] = {0, 0, 0, 2000000};
        for (uint32_t k = 0; k < 4; k++) {
            tl_init(&t);
            tl_ok(&t, stamp_tlv_put_refl_control(t.b, sizeof t.b, &t.n,
                                                 (uint16_t)want[k], count[k],
                                                 gap[k]));
            tl_seal(p, &t);
            tl_ok(&t, stamp_tlv_put_padding(t.b, sizeof t.b, &t.n, 120));
            send_tlvs(p, (size_t)si, k, 0, &t);
        }
    }
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_HDR, -1)) >= 0) {
        const uint8_t type[2] = {STAMP_TLV_EXT_HDR, STAMP_TLV_IP_HDR};
        for (uint32_t k = 0; k < 2; k++) {
            tl_init(&t);
            tl_ok(&t, stamp_tlv_put(t.b, sizeof t.b, &t.n, STAMP_TLV_U, type[k],
                                    NULL, 40));
            tl_seal(p, &t);
            send_tlvs(p, (size_t)si, k, 0, &t);
        }
    }
    /* BER: the pattern, the two counters, and padding of the pattern with
     * bit errors in it (three, a run of two), then clean padding. */
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_BER, -1)) >= 0) {
        static const uint8_t pat[2] = {0xff, 0x00};
        for (uint32_t k = 0; k < 2; k++) {
            tl_init(&t);
            tl_ok(&t, stamp_tlv_put_ber_pattern(t.b, sizeof t.b, &t.n, pat, 2));
            tl_ok(&t, stamp_tlv_put_ber_count(t.b, sizeof t.b, &t.n));
            tl_ok(&t, stamp_tlv_put_ber_burst(t.b, sizeof t.b, &t.n));
            tl_seal(p, &t);
            size_t v = t.n + STAMP_TLV_HDR_LEN;
            tl_ok(&t,
                  stamp_tlv_put_ber_padding(t.b, sizeof t.b, &t.n, pat, 2, 64));
            if (k == 0 && !t.err) {
                t.b[v + 5] ^= 0x03; /* two adjacent bits */
                t.b[v + 20] ^= 0x80;
            }
            send_tlvs(p, (size_t)si, k, 0, &t);
        }
    }
}

/* see conform_prober.h */
void prober_send_tlv_probes(struct prober *p)
{
    probe_tlv_8972(p);
    probe_tlv_hmac(p);
    probe_tlv_bad(p);
    probe_tlv_9503(p);
    probe_tlv_9534(p);
    probe_tlv_drafts(p);
}
