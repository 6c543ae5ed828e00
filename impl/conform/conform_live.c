/* Live conformance runs; see conform_live.h. */
#include "conform_live.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "proto/common/ippm_cur.h"
#include "proto/stamp/stamp.h"
#include "impl/core/clock.h"
#include "impl/core/net.h"

#define MS 1000000ull
#define PROBE_SSID 0x5354 /* "ST" */

/* One socket, one session, per probe. The TLV probes open theirs as
 * they go (probe_open), after PS_N. */
enum probe_sock {
    PS_BASE, PS_PAD, PS_SHORT, PS_GARBAGE, PS_MBZ, PS_PTP, PS_SSID,
    PS_SESSION2, PS_BADHMAC, PS_N
};
#define PS_MAX 64

static const uint32_t probe_bit[PS_N] = {
    IPPM_PROBE_STAMP_BASE,    IPPM_PROBE_STAMP_PAD,  IPPM_PROBE_STAMP_SHORT,
    IPPM_PROBE_STAMP_GARBAGE, IPPM_PROBE_STAMP_MBZ,  IPPM_PROBE_STAMP_PTP,
    IPPM_PROBE_STAMP_SSID,    IPPM_PROBE_STAMP_SESSION2,
    IPPM_PROBE_STAMP_BADHMAC,
};

struct prober {
    const struct conform_reflector_opts *o;
    struct conform_run *run;
    enum stamp_mode mode;
    struct stamp_key key;
    struct stamp_key tlv_key; /* HMAC TLV: auth key, or o->tlv_key */
    bool have_tlv_key;
    struct ippm_clock clk;
    struct ippm_sock sock[PS_MAX];
    bool open[PS_MAX];
    uint32_t sock_probe[PS_MAX];
    int sock_tos[PS_MAX]; /* TOS the socket sends with, -1 default */
    size_t n_sock;
    struct ippm_rx_batch rx;
    /* per exchange, beside run->ex */
    uint8_t ex_sock[CONFORM_LIVE_MAX_EX];
    uint32_t ex_seq[CONFORM_LIVE_MAX_EX];
    int16_t rep_ttl[CONFORM_LIVE_MAX_EX];
};

static void *dup_bytes(const void *p, size_t len)
{
    void *d = malloc(len ? len : 1);
    if (d && len)
        memcpy(d, p, len);
    return d;
}

/* see conform_live.h */
void conform_run_free(struct conform_run *run)
{
    for (size_t i = 0; i < run->obs.n_ex; i++) {
        free((void *)run->ex[i].req);
        free((void *)run->ex[i].rep);
        run->ex[i].req = run->ex[i].rep = NULL;
    }
    run->obs.n_ex = 0;
}

/* ---- replies ---- */

static void on_reply(struct prober *p, size_t si, const uint8_t *b, size_t len,
                     const struct ippm_rx_meta *m)
{
    struct conform_run *run = p->run;
    size_t base = stamp_base_len(p->mode);
    long match = -1;
    run->received++;
    /* Session-Sender Sequence Number: octets 24-27 (48-51 auth), RFC 8762
     * Figures 5 and 6. A reply shorter than the base that still carries
     * it (a TWAMP-Light style 38-octet echo) pairs by it too, as pcap
     * check pairs, so the catalogue grades its length. */
    size_t ss_off = p->mode == STAMP_MODE_AUTH ? 48 : 24;
    if (len >= ss_off + 4) {
        /* Pair by (socket, Session-Sender Sequence Number). */
        uint32_t ss = ippm_load_u32(b + ss_off);
        for (size_t i = 0; i < run->obs.n_ex; i++) {
            if (p->ex_sock[i] != si || p->ex_seq[i] != ss)
                continue;
            if (match < 0 || (run->ex[match].rep && !run->ex[i].rep))
                match = (long)i;
        }
    }
    if (match < 0 && len < base) {
        /* Too short to carry the copy, or a copy that names no request:
         * an echo of an unanswered request of the same length, if any. */
        for (size_t i = 0; i < run->obs.n_ex && match < 0; i++)
            if (p->ex_sock[i] == si && run->ex[i].req_len == len &&
                !run->ex[i].rep)
                match = (long)i;
    }
    if (match < 0) {
        run->obs.unmatched_replies++;
        return;
    }
    struct ippm_exchange *e = &run->ex[match];
    if (e->rep) {
        e->n_replies++;
        return;
    }
    e->rep = dup_bytes(b, len);
    if (!e->rep)
        return;
    e->rep_len = len;
    e->rep_ns = m->rx_ns;
    e->n_replies = 1;
    e->rep_src = m->peer;
    p->rep_ttl[match] = m->ttl;
    /* RFC 8972 §4.4: the request's TOS is taken as sent (a path that
     * re-marks it shows as a DSCP2 mismatch); the reply's as received
     * (IP_RECVTOS). */
    if (p->sock_tos[si] >= 0 && m->tos >= 0) {
        e->tos_known = true;
        e->req_tos = (uint8_t)p->sock_tos[si];
        e->rep_tos = (uint8_t)m->tos;
    }
}

/* Reads replies until wait_ns has passed. */
static void collect(struct prober *p, uint64_t wait_ns)
{
    uint64_t end = ippm_clock_realtime() + wait_ns;
    for (;;) {
        struct pollfd pfd[PS_MAX];
        size_t idx[PS_MAX], n = 0;
        for (size_t i = 0; i < p->n_sock; i++) {
            if (!p->open[i])
                continue;
            pfd[n].fd = p->sock[i].fd;
            pfd[n].events = POLLIN;
            pfd[n].revents = 0;
            idx[n++] = i;
        }
        uint64_t now = ippm_clock_realtime();
        int ms = now >= end ? 0 : (int)((end - now + MS - 1) / MS);
        int r = poll(pfd, n, ms);
        if (r < 0 && errno != EINTR)
            return;
        for (size_t k = 0; r > 0 && k < n; k++) {
            if (!pfd[k].revents)
                continue;
            for (;;) {
                int got = ippm_net_recv(&p->sock[idx[k]], &p->rx, &p->clk);
                if (got < 0) {
                    if (errno == ECONNREFUSED) {
                        p->run->icmp_refused++;
                        continue;
                    }
                    break;
                }
                for (int j = 0; j < got; j++)
                    if (!p->rx.trunc[j])
                        on_reply(p, idx[k],
                                 ippm_rx_batch_buf(&p->rx, (size_t)j),
                                 p->rx.len[j], &p->rx.meta[j]);
                if ((size_t)got < p->rx.cap)
                    break;
            }
        }
        if (ippm_clock_realtime() >= end)
            return;
    }
}

/* ---- requests ---- */

enum req_kind { RQ_VALID, RQ_MBZ, RQ_BADHMAC };

/* Builds a request of len octets (>= base) into buf. Padding beyond the
 * base is an RFC 8972 Extra Padding TLV around a counting pattern, which
 * a reflector with or without RFC 8972 copies unchanged. */
static enum ippm_err build_req(struct prober *p, uint8_t *buf, size_t len,
                               uint32_t seq, enum ippm_tsfmt fmt,
                               uint16_t ssid, enum req_kind kind)
{
    size_t base = stamp_base_len(p->mode);
    uint8_t extra[1024];
    struct ippm_errest ee = ippm_clock_errest(&p->clk);
    ee.z = fmt == IPPM_TS_PTP;
    if (!ee.mult)
        ee.mult = 1;
    struct stamp_sender_pkt s = {
        .seq = seq,
        .ts = ippm_ts_from_ns(ippm_clock_realtime(), fmt),
        .errest = ippm_errest_encode(&ee),
        .ssid = ssid,
    };
    if (len > base) {
        size_t x = len - base;
        if (x > sizeof extra)
            return IPPM_ERR_BAD_ARG;
        for (size_t i = 0; i < x; i++)
            extra[i] = (uint8_t)(i * 31 + 7);
        if (x >= 4) {
            extra[0] = 0;    /* flags */
            extra[1] = 1;    /* Extra Padding, RFC 8972 §4.1 */
            ippm_store_u16(extra + 2, (uint16_t)(x - 4));
        }
        s.extra = extra;
        s.extra_len = x;
    }
    enum ippm_err rc = stamp_sender_pkt_encode(buf, len, len, &s, p->mode,
                                               &p->key);
    if (rc != IPPM_OK)
        return rc;
    if (kind == RQ_MBZ) {
        /* A sender MBZ octet set; the reflector MUST ignore it. */
        buf[p->mode == STAMP_MODE_AUTH ? 40 : 30] = 0x5a;
        if (p->mode == STAMP_MODE_AUTH) {
            uint8_t mac[STAMP_HMAC_LEN];
            rc = stamp_hmac_compute(&p->key, buf, len, mac);
            if (rc != IPPM_OK)
                return rc;
            memcpy(buf + STAMP_AUTH_HMAC_OFF, mac, sizeof mac);
        }
    } else if (kind == RQ_BADHMAC) {
        buf[STAMP_AUTH_HMAC_OFF + 3] ^= 0x5a;
    }
    return IPPM_OK;
}

/* Records and sends one datagram. */
static void send_raw(struct prober *p, size_t si, const uint8_t *buf,
                     size_t len)
{
    struct conform_run *run = p->run;
    if (run->obs.n_ex >= CONFORM_LIVE_MAX_EX)
        return;
    size_t i = run->obs.n_ex;
    struct ippm_exchange *e = &run->ex[i];
    memset(e, 0, sizeof *e);
    e->req = dup_bytes(buf, len);
    if (!e->req)
        return;
    e->req_len = len;
    e->req_ttl = -1;
    e->req_src = p->sock[si].local;
    e->req_dst = p->o->target;
    e->probe = p->sock_probe[si];
    p->ex_sock[i] = (uint8_t)si;
    p->ex_seq[i] = len >= 4 ? ippm_load_u32(buf) : 0;
    p->rep_ttl[i] = -1;
    run->obs.n_ex++;
    run->obs.probes_run |= p->sock_probe[si];
    e->req_ns = ippm_clock_realtime();
    if (send(p->sock[si].fd, buf, len, 0) == (ssize_t)len)
        run->sent++;
}

static void send_req(struct prober *p, size_t si, size_t len, uint32_t seq,
                     enum ippm_tsfmt fmt, uint16_t ssid, enum req_kind kind)
{
    uint8_t buf[2048];
    if (build_req(p, buf, len, seq, fmt, ssid, kind) == IPPM_OK)
        send_raw(p, si, buf, len);
    collect(p, 1 * MS); /* pace, and read what has come back */
}

/* Hop count from a reply's TTL: the reflector's initial TTL is taken as
 * the next of 64, 128, 255 at or above what arrived. */
static int16_t estimate_req_ttl(int ttl_sent, int16_t rep_ttl)
{
    if (rep_ttl < 0)
        return -1;
    int init = rep_ttl <= 64 ? 64 : rep_ttl <= 128 ? 128 : 255;
    int t = ttl_sent - (init - rep_ttl);
    return t > 0 ? (int16_t)t : -1;
}

/* Opens the next probe socket (its own session), connected to the
 * target, with the run's TTL and, when tos >= 0, that TOS. Returns its
 * index, or -1 with one line in err. */
static int probe_open(struct prober *p, uint32_t probe, int tos, char *err,
                      size_t errlen)
{
    size_t i = p->n_sock;
    if (i >= PS_MAX) {
        snprintf(err, errlen, "too many probe sockets");
        return -1;
    }
    if (ippm_net_open_connected(&p->sock[i], &p->o->target, err, errlen) != 0)
        return -1;
    p->open[i] = true;
    p->sock_probe[i] = probe;
    p->sock_tos[i] = tos;
    p->n_sock++;
    if (ippm_net_set_ttl(&p->sock[i], p->o->ttl) != 0) {
        snprintf(err, errlen, "cannot set the TTL to %d: %s", p->o->ttl,
                 strerror(errno));
        return -1;
    }
    if (tos >= 0 && ippm_net_set_tos(&p->sock[i], tos) != 0) {
        snprintf(err, errlen, "cannot set the TOS to %d: %s", tos,
                 strerror(errno));
        return -1;
    }
    return (int)i;
}

/* ---- TLV probes: RFC 8972 §4, RFC 9503, RFC 9534, drafts ---- */

#define TLV_CAP 1400

/* A TLV list being built for one request. */
struct tlvs {
    uint8_t b[TLV_CAP];
    size_t n;
    size_t hmac_off; /* an HMAC TLV to sign, SIZE_MAX none */
    bool bad_hmac;   /* corrupt it once signed */
    bool err;
};

static void tl_init(struct tlvs *t)
{
    t->n = 0;
    t->hmac_off = SIZE_MAX;
    t->bad_hmac = false;
    t->err = false;
}

static void tl_ok(struct tlvs *t, enum ippm_err e)
{
    if (e != IPPM_OK)
        t->err = true;
}

/* Raw octets: the malformed probes. */
static void tl_raw(struct tlvs *t, const void *v, size_t n)
{
    if (t->n + n > sizeof t->b) {
        t->err = true;
        return;
    }
    memcpy(t->b + t->n, v, n);
    t->n += n;
}

/* A TLV header as a sender writes it (U set, RFC 8972 §4). */
static void tl_hdr(struct tlvs *t, uint8_t type, uint16_t len)
{
    uint8_t h[4] = {STAMP_TLV_U, type, (uint8_t)(len >> 8), (uint8_t)len};
    tl_raw(t, h, 4);
}

/* RFC 8972 §4.8: the HMAC TLV follows every TLV but Extra Padding. */
static void tl_hmac(struct tlvs *t, bool bad)
{
    t->hmac_off = t->n;
    t->bad_hmac = bad;
    tl_ok(t, stamp_tlv_put_hmac(t->b, sizeof t->b, &t->n));
}

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
    send_raw(p, si, buf, len);
    collect(p, 1 * MS);
}

/* Opens a socket for probe, -1 (and the probe skipped) when it cannot. */
static int tlv_sock(struct prober *p, uint32_t probe, int tos)
{
    char err[IPPM_NET_ERRLEN];
    return probe_open(p, probe, tos, err, sizeof err);
}

/* One Location sub-TLV, as a sender writes it: I = 0, value zeroed. */
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
            collect(p, 20 * MS);
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

/* §4.8 HMAC TLV, right and wrong, when there is a key to sign with. */
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
    struct ippm_addr other = {IPPM_AF_INET, {192, 0, 2, 1}, 0};
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
            send_tlvs(p, (size_t)si, k, PROBE_SSID + 1, &t);
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
    collect(p, 50 * MS);
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
 * request, none), reflected headers, BER. */
static void probe_tlv_drafts(struct prober *p)
{
    struct tlvs t;
    int si;
    size_t base = stamp_base_len(p->mode);
    size_t hm = p->mode == STAMP_MODE_AUTH ? 4 + STAMP_HMAC_LEN : 0;
    if ((si = tlv_sock(p, IPPM_PROBE_STAMP_TLV_ASYM, -1)) >= 0) {
        /* base + control (16) + HMAC TLV: what no reply can go below. */
        size_t fixed = base + 16 + hm;
        const size_t want[3] = {fixed + 40, fixed + 400, fixed + 40};
        const uint16_t count[3] = {1, 1, 0};
        for (uint32_t k = 0; k < 3; k++) {
            tl_init(&t);
            tl_ok(&t,
                  stamp_tlv_put_refl_control(t.b, sizeof t.b, &t.n,
                                             (uint16_t)want[k], count[k], 0));
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

static void prober_close(struct prober *p)
{
    for (size_t i = 0; i < p->n_sock; i++)
        if (p->open[i])
            ippm_net_close(&p->sock[i]);
    ippm_rx_batch_free(&p->rx);
}

/* see conform_live.h */
int conform_live_reflector(const struct conform_reflector_opts *o,
                           struct conform_run *run, char *err, size_t errlen)
{
    struct prober *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->o = o;
    p->run = run;
    p->mode = o->auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    p->key.crypto = o->crypto;
    p->key.key = o->key;
    p->key.len = o->key_len;
    ippm_clock_init(&p->clk, IPPM_TS_NTP);
    if (ippm_rx_batch_init(&p->rx, 8, IPPM_NET_MAX_DGRAM) != 0) {
        snprintf(err, errlen, "out of memory");
        free(p);
        return -1;
    }
    p->tlv_key =
        o->auth ? p->key
                : (struct stamp_key){o->crypto, o->tlv_key, o->tlv_key_len};
    p->have_tlv_key = p->tlv_key.crypto && p->tlv_key.key && p->tlv_key.len;
    /* The base probes first, so their socket index is their enum. */
    for (size_t i = 0; i < PS_N; i++) {
        if (probe_open(p, probe_bit[i], -1, err, errlen) < 0) {
            prober_close(p);
            free(p);
            return -1;
        }
    }

    size_t base = stamp_base_len(p->mode);
    enum ippm_tsfmt ntp = IPPM_TS_NTP;
    /* Base packets, seq 0..9 (RFC 8762 §4.2.1: from zero, up by one). */
    for (uint32_t s = 0; s < 10; s++)
        send_req(p, PS_BASE, base, s, ntp, 0, RQ_VALID);
    /* Padding to be copied (RFC 8762 §4.3, RFC 6038 §3). */
    const size_t pads_open[3] = {60, 128, 1000};
    const size_t pads_auth[3] = {128, 240, 1000};
    for (uint32_t s = 0; s < 3; s++)
        send_req(p, PS_PAD, o->auth ? pads_auth[s] : pads_open[s], s, ntp, 0,
                 RQ_VALID);
    /* Shorter than the base: the first 30 octets of a valid packet. */
    {
        uint8_t buf[STAMP_AUTH_BASE_LEN];
        if (build_req(p, buf, base, 0, ntp, 0, RQ_VALID) == IPPM_OK)
            send_raw(p, PS_SHORT, buf, 30);
    }
    /* Garbage of base length, then a valid request. */
    {
        uint8_t buf[STAMP_AUTH_BASE_LEN];
        memset(buf, 0xa5, sizeof buf);
        send_raw(p, PS_GARBAGE, buf, base);
        collect(p, 20 * MS);
        send_req(p, PS_GARBAGE, base, 0, ntp, 0, RQ_VALID);
    }
    send_req(p, PS_MBZ, base, 0, ntp, 0, RQ_MBZ);
    for (uint32_t s = 0; s < 2; s++)
        send_req(p, PS_PTP, base, s, IPPM_TS_PTP, 0, RQ_VALID);
    for (uint32_t s = 0; s < 3; s++)
        send_req(p, PS_SSID, base, s, ntp, PROBE_SSID, RQ_VALID);
    /* A gap (2..4 never sent): a stateless reflector echoes 5 and 6, a
     * stateful one counts 2 and 3. */
    const uint32_t s2[4] = {0, 1, 5, 6};
    for (size_t k = 0; k < 4; k++)
        send_req(p, PS_SESSION2, base, s2[k], ntp, 0, RQ_VALID);
    if (o->auth)
        send_req(p, PS_BADHMAC, base, 0, ntp, 0, RQ_BADHMAC);
    probe_tlv_8972(p);
    probe_tlv_hmac(p);
    probe_tlv_bad(p);
    probe_tlv_9503(p);
    probe_tlv_9534(p);
    probe_tlv_drafts(p);
    if (o->target.port == STAMP_PORT)
        run->obs.probes_run |= IPPM_PROBE_STAMP_PORT;

    collect(p, o->timeout_ns);

    for (size_t i = 0; i < run->obs.n_ex; i++)
        run->ex[i].req_ttl = estimate_req_ttl(o->ttl, p->rep_ttl[i]);

    struct ippm_obs *obs = &run->obs;
    obs->protocol = "stamp";
    obs->role = IPPM_ROLE_REFLECTOR;
    obs->ex = run->ex;
    obs->auth = o->auth;
    obs->crypto = o->crypto;
    /* Open mode: the HMAC TLV's key, for the RFC 8972 §4.8 cases (the
     * RFC 8762 HMAC cases look at it in authenticated mode only). */
    obs->key = p->have_tlv_key ? p->tlv_key.key : NULL;
    obs->key_len = p->have_tlv_key ? p->tlv_key.len : 0;
    obs->expect_stateful = o->expect_stateful;
    obs->expect_tsfmt = o->expect_tsfmt;
    obs->clock_tolerance_ns = o->tolerance_ns;
    obs->live = true;
    prober_close(p);
    free(p);
    return 0;
}

/* ---- the sender under test ---- */

/* see conform_live.h */
int conform_live_sender(const struct conform_sender_opts *o,
                        struct conform_run *run, char *err, size_t errlen)
{
    struct ippm_sock s;
    struct ippm_clock clk;
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
    struct stamp_reflector *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (ippm_rx_batch_init(&rx, 16, IPPM_NET_MAX_DGRAM) != 0 ||
        ippm_tx_batch_init(&tx, 16, IPPM_NET_MAX_DGRAM) != 0) {
        snprintf(err, errlen, "out of memory");
        free(r);
        return -1;
    }
    if (ippm_net_open_bound(&s, o->listen, o->port, err, errlen) != 0) {
        ippm_rx_batch_free(&rx);
        ippm_tx_batch_free(&tx);
        free(r);
        return -1;
    }
    ippm_clock_init(&clk, IPPM_TS_NTP);
    struct stamp_reflector_config cfg = {0};
    cfg.mode = o->auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    cfg.tsfmt = IPPM_TS_NTP;
    cfg.errest = ippm_clock_errest(&clk);
    cfg.key.crypto = o->crypto;
    cfg.key.key = o->key;
    cfg.key.len = o->key_len;
    cfg.session_timeout_ns = 60 * 1000 * MS;
    stamp_reflector_init(r, &cfg);
    if (!o->quiet) {
        char a[IPPM_ADDR_STRLEN];
        fprintf(stderr,
                "conform stamp-sender: listening on %s; waiting for %u "
                "packets\n",
                ippm_addr_fmt(&s.local, a, sizeof a), o->count);
    }

    ippm_net_stop_signals();
    while (run->obs.n_ex < o->count && run->obs.n_ex < CONFORM_LIVE_MAX_EX &&
           !ippm_net_stopping()) {
        int w = ippm_net_wait(&s, o->timeout_ns);
        if (w <= 0)
            break; /* idle timeout, signal or error */
        int n = ippm_net_recv(&s, &rx, &clk);
        if (n < 0)
            break;
        for (int i = 0; i < n && run->obs.n_ex < CONFORM_LIVE_MAX_EX; i++) {
            const struct ippm_rx_meta *m = &rx.meta[i];
            const uint8_t *b = ippm_rx_batch_buf(&rx, (size_t)i);
            struct ippm_exchange *e = &run->ex[run->obs.n_ex];
            memset(e, 0, sizeof *e);
            e->req = dup_bytes(b, rx.len[i]);
            if (!e->req)
                continue;
            e->req_len = rx.len[i];
            e->req_ns = m->rx_ns;
            e->req_ttl = m->ttl;
            e->req_src = m->peer;
            e->req_dst = m->local;
            run->obs.n_ex++;
            run->received++;
            uint8_t *slot = ippm_tx_batch_slot(&tx);
            struct ippm_event ev = {.kind = IPPM_EV_DATAGRAM, .data = b,
                                     .len = rx.len[i], .meta = m};
            struct ippm_action act = {0};
            ev.now_ns = ippm_clock_now(&clk);
            if (slot && !rx.trunc[i] &&
                stamp_reflector_handle(r, &ev, slot, tx.buf_size, &act) ==
                    IPPM_OK &&
                act.kind == IPPM_ACT_SEND_DATAGRAM) {
                e->rep = dup_bytes(slot, act.len);
                e->rep_len = act.len;
                e->rep_ns = ev.now_ns;
                e->n_replies = 1;
                e->rep_src = m->local;
                ippm_tx_batch_commit(&tx, &s, act.len, &m->peer, &m->local);
            }
        }
        if (tx.n)
            run->sent += ippm_net_send(&s, &tx, NULL);
    }
    ippm_net_close(&s);
    ippm_rx_batch_free(&rx);
    ippm_tx_batch_free(&tx);
    free(r);

    struct ippm_obs *obs = &run->obs;
    obs->protocol = "stamp";
    obs->role = IPPM_ROLE_SENDER;
    obs->ex = run->ex;
    obs->auth = o->auth;
    obs->crypto = o->crypto;
    obs->key = o->key;
    obs->key_len = o->key_len;
    obs->expect_stateful = -1;
    obs->clock_tolerance_ns = o->tolerance_ns;
    obs->live = true;
    return 0;
}

/* ---- ippm's own reflector, in a thread ----
 * A small loop of its own: impl/stamp/reflector.c exposes only its
 * command-line entry point. */

struct conform_selfrefl {
    pthread_t th;
    atomic_bool stop;
    struct ippm_sock s;
    struct ippm_clock clk;
    struct stamp_reflector r;
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
};

static void *selfrefl_main(void *arg)
{
    struct conform_selfrefl *x = arg;
    while (!atomic_load(&x->stop)) {
        struct pollfd pfd = {x->s.fd, POLLIN, 0};
        if (poll(&pfd, 1, 50) <= 0)
            continue;
        int n = ippm_net_recv(&x->s, &x->rx, &x->clk);
        for (int i = 0; i < n; i++) {
            uint8_t *slot = ippm_tx_batch_slot(&x->tx);
            struct ippm_event ev = {
                .kind = IPPM_EV_DATAGRAM,
                .data = ippm_rx_batch_buf(&x->rx, (size_t)i),
                .len = x->rx.len[i],
                .meta = &x->rx.meta[i],
            };
            struct ippm_action act = {0};
            ev.now_ns = ippm_clock_now(&x->clk);
            if (slot && !x->rx.trunc[i] &&
                stamp_reflector_handle(&x->r, &ev, slot, x->tx.buf_size,
                                       &act) == IPPM_OK &&
                act.kind == IPPM_ACT_SEND_DATAGRAM) {
                ippm_tx_batch_commit(&x->tx, &x->s, act.len,
                                     &x->rx.meta[i].peer,
                                     &x->rx.meta[i].local);
                /* RFC 8972 §4.4: proto chose the reply's DSCP. */
                if (act.tos >= 0)
                    ippm_tx_batch_set_tos(&x->tx, &x->rx.meta[i].peer, act.tos);
            }
        }
        if (x->tx.n)
            ippm_net_send(&x->s, &x->tx, NULL);
    }
    return NULL;
}

/* see conform_live.h */
struct conform_selfrefl *
conform_selfrefl_start(const struct conform_selfrefl_opts *o, uint16_t *port,
                       char *err, size_t errlen)
{
    struct conform_selfrefl *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    atomic_init(&x->stop, false);
    struct ippm_addr lo = {IPPM_AF_INET, {127, 0, 0, 1}, 0};
    if (ippm_rx_batch_init(&x->rx, 16, IPPM_NET_MAX_DGRAM) != 0 ||
        ippm_tx_batch_init(&x->tx, 16, IPPM_NET_MAX_DGRAM) != 0) {
        snprintf(err, errlen, "out of memory");
        goto fail_batch;
    }
    if (ippm_net_open_bound(&x->s, &lo, o->port, err, errlen) != 0)
        goto fail_batch;
    ippm_clock_init(&x->clk, o->tsfmt);
    /* As impl/stamp/reflector.c configures `ippm stamp reflector`. */
    struct stamp_reflector_config cfg = {0};
    cfg.mode = o->auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    cfg.stateful = o->stateful;
    cfg.tsfmt = o->tsfmt;
    cfg.errest = ippm_clock_errest(&x->clk);
    cfg.key.crypto = o->key ? o->crypto : NULL;
    cfg.key.key = o->key;
    cfg.key.len = o->key_len;
    cfg.session_timeout_ns = 60 * 1000 * MS;
    cfg.tlv = true;
    cfg.sync_src = cfg.errest.synced ? STAMP_SYNC_NTP : STAMP_SYNC_FREE;
    cfg.ts_in = STAMP_TSM_SW;
    cfg.ts_out = STAMP_TSM_SW;
    /* Here it also refuses one DSCP and names a member link, so the
     * catalogue sees RFC 8972 §4.4 RP = 1 and RFC 9534 §3.2 at work. */
    cfg.dscp_permitted = ~(1ull << CONFORM_SELFREFL_REFUSED_DSCP);
    cfg.micro_session_id = CONFORM_SELFREFL_MICRO_ID;
    stamp_reflector_init(&x->r, &cfg);
    int rc = pthread_create(&x->th, NULL, selfrefl_main, x);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the reflector thread: %s",
                 strerror(rc));
        ippm_net_close(&x->s);
        goto fail_batch;
    }
    *port = x->s.local.port;
    return x;
fail_batch:
    ippm_rx_batch_free(&x->rx);
    ippm_tx_batch_free(&x->tx);
    free(x);
    return NULL;
}

/* see conform_live.h */
void conform_selfrefl_stop(struct conform_selfrefl *x)
{
    if (!x)
        return;
    atomic_store(&x->stop, true);
    pthread_join(x->th, NULL);
    ippm_net_close(&x->s);
    ippm_rx_batch_free(&x->rx);
    ippm_tx_batch_free(&x->tx);
    free(x);
}

/* ---- ippm's own sender, in a thread ---- */

struct conform_selfsend {
    pthread_t th;
    atomic_bool stop;
    struct conform_selfsend_opts o;
    struct ippm_clock clk;
    struct ippm_rx_batch rx;
    struct stamp_sender snd;
    struct stamp_result res[CONFORM_SELFSEND_COUNT];
    uint8_t tx[STAMP_AUTH_BASE_LEN + TLV_CAP];
};

/* The TLVs of session k into t, as a sender builds them (RFC 8972 §4:
 * U set, fields zero). The HMAC TLV (authenticated mode, or a key given)
 * goes after every TLV but Extra Padding (§4.8); the BER padding, the
 * pattern repeated, last. */
static void selfsend_tlvs(const struct conform_selfsend *x, size_t k,
                          const struct ippm_addr *src, struct tlvs *t)
{
    const struct conform_selfsend_opts *o = &x->o;
    uint8_t *b = t->b;
    size_t cap = sizeof t->b;
    tl_init(t);
    struct stamp_return_path rp = {0};
    const uint32_t lse[2] = {16001u << 12 | 0x1ff, 16002u << 12 | 0x1ff};
    const uint8_t sid[32] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1,
                             0x20, 0x01, 0x0d, 0xb8, [31] = 2};
    static const uint8_t pat[2] = {0xff, 0x00};
    if (k == 0) {
        tl_ok(t, stamp_tlv_put_location(b, cap, &t->n, true, true, true));
        tl_ok(t, stamp_tlv_put_tsinfo(b, cap, &t->n));
        tl_ok(t, stamp_tlv_put_cos(b, cap, &t->n, 34));
        tl_ok(t, stamp_tlv_put_direct(b, cap, &t->n, 0));
        tl_ok(t, stamp_tlv_put_access(b, cap, &t->n, 1, 1));
        tl_ok(t, stamp_tlv_put_followup(b, cap, &t->n));
        tl_ok(t, stamp_tlv_put_dest_addr(b, cap, &t->n, &o->target));
        tl_ok(t, stamp_tlv_put_micro_session(b, cap, &t->n, 0x0a0a, 0));
        tl_ok(t, stamp_tlv_put_refl_control(b, cap, &t->n, 0, 1, 0));
        tl_ok(t, stamp_tlv_put_ber_pattern(b, cap, &t->n, pat, 2));
        tl_ok(t, stamp_tlv_put_ber_count(b, cap, &t->n));
        tl_ok(t, stamp_tlv_put_ber_burst(b, cap, &t->n));
        rp.addr = *src;
    } else if (k == 1) {
        rp.lse = lse;
        rp.n_lse = 2;
    } else if (k == 2) {
        rp.sid = sid;
        rp.n_sid = 2;
    } else {
        rp.has_control = true;
        rp.control = STAMP_RP_REPLY_SAME_LINK;
    }
    tl_ok(t, stamp_tlv_put_return_path(b, cap, &t->n, &rp));
    if (o->auth || o->key)
        tl_hmac(t, false);
    if (k == 0)
        tl_ok(t, stamp_tlv_put_ber_padding(b, cap, &t->n, pat, 2, 32));
}

/* One session: returns when it is done or asked to stop. */
static void selfsend_session(struct conform_selfsend *x, size_t k,
                             uint64_t delay_ns)
{
    const struct conform_selfsend_opts *o = &x->o;
    struct ippm_sock s;
    char err[IPPM_NET_ERRLEN];
    struct tlvs t;
    if (ippm_net_open_connected(&s, &o->target, err, sizeof err) != 0)
        return;
    selfsend_tlvs(x, k, &s.local, &t);
    enum stamp_mode mode = o->auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    struct stamp_sender_config cfg = {0};
    cfg.mode = mode;
    cfg.tsfmt = o->tsfmt;
    cfg.errest = ippm_clock_errest(&x->clk);
    cfg.key.crypto = o->key ? o->crypto : NULL;
    cfg.key.key = o->key;
    cfg.key.len = o->key_len;
    cfg.ssid = (uint16_t)(PROBE_SSID + k); /* RFC 9503 §3: with an SSID */
    cfg.pkt_len = stamp_base_len(mode) + t.n;
    cfg.count = CONFORM_SELFSEND_COUNT;
    cfg.interval_ns = 2 * MS;
    cfg.wait_ns = 30 * MS;
    cfg.start_ns = ippm_clock_now(&x->clk) + delay_ns;
    cfg.tlvs = t.b;
    cfg.tlvs_len = t.n;
    if (t.err || stamp_sender_init(&x->snd, &cfg, x->res,
                                   CONFORM_SELFSEND_COUNT) != IPPM_OK) {
        ippm_net_close(&s);
        return;
    }
    while (!atomic_load(&x->stop)) {
        uint64_t now = ippm_clock_now(&x->clk);
        uint64_t dl = stamp_sender_deadline(&x->snd);
        if (dl == UINT64_MAX)
            break;
        if (now >= dl) {
            struct ippm_event ev = {.kind = IPPM_EV_TIMER, .now_ns = now};
            struct ippm_action act = {0};
            if (stamp_sender_handle(&x->snd, &ev, x->tx, sizeof x->tx, &act) !=
                    IPPM_OK ||
                act.kind == IPPM_ACT_DONE)
                break;
            if (act.kind == IPPM_ACT_SEND_DATAGRAM)
                (void)send(s.fd, x->tx, act.len, 0);
            continue;
        }
        struct pollfd pfd = {s.fd, POLLIN, 0};
        uint64_t ms = (dl - now + MS - 1) / MS;
        if (poll(&pfd, 1, (int)(ms > 50 ? 50 : ms)) <= 0)
            continue;
        int n = ippm_net_recv(&s, &x->rx, &x->clk);
        for (int i = 0; i < n; i++) {
            struct ippm_event ev = {
                .kind = IPPM_EV_DATAGRAM,
                .now_ns = ippm_clock_now(&x->clk),
                .data = ippm_rx_batch_buf(&x->rx, (size_t)i),
                .len = x->rx.len[i],
                .meta = &x->rx.meta[i],
            };
            struct ippm_action act = {0};
            if (!x->rx.trunc[i])
                (void)stamp_sender_handle(&x->snd, &ev, x->tx, sizeof x->tx,
                                          &act);
        }
    }
    ippm_net_close(&s);
}

static void *selfsend_main(void *arg)
{
    struct conform_selfsend *x = arg;
    for (size_t k = 0; k < CONFORM_SELFSEND_SESSIONS && !atomic_load(&x->stop);
         k++)
        selfsend_session(x, k, k ? 0 : x->o.delay_ns);
    return NULL;
}

/* see conform_live.h */
struct conform_selfsend *
conform_selfsend_start(const struct conform_selfsend_opts *o, char *err,
                       size_t errlen)
{
    struct conform_selfsend *x = calloc(1, sizeof *x);
    if (!x || ippm_rx_batch_init(&x->rx, 8, IPPM_NET_MAX_DGRAM) != 0) {
        snprintf(err, errlen, "out of memory");
        free(x);
        return NULL;
    }
    x->o = *o;
    atomic_init(&x->stop, false);
    ippm_clock_init(&x->clk, o->tsfmt);
    int rc = pthread_create(&x->th, NULL, selfsend_main, x);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the sender thread: %s",
                 strerror(rc));
        ippm_rx_batch_free(&x->rx);
        free(x);
        return NULL;
    }
    return x;
}

/* see conform_live.h */
void conform_selfsend_stop(struct conform_selfsend *x)
{
    if (!x)
        return;
    atomic_store(&x->stop, true);
    pthread_join(x->th, NULL);
    ippm_rx_batch_free(&x->rx);
    free(x);
}
