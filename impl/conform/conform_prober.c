/* The live prober: somebody's STAMP Session-Reflector probed with the
 * base probes (this file) and the TLV probes (conform_probes_tlv.c), one
 * socket and session per probe; replies paired as they come. See
 * conform_live.h. */
#include "impl/conform/conform_prober.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conformance/stamp/stamp_pairing.h"
#include "proto/common/ippm_cur.h"
#include "proto/owtw/owtw_test.h"

/* One socket, one session, per probe. The TLV probes open theirs as
 * they go (prober_open), after PS_N. */
enum probe_sock {
    PS_BASE, PS_PAD, PS_SHORT, PS_GARBAGE, PS_MBZ, PS_PTP, PS_SSID,
    PS_SESSION2, PS_BADHMAC, PS_N
};

static const uint32_t probe_bit[PS_N] = {
    IPPM_PROBE_STAMP_BASE,    IPPM_PROBE_STAMP_PAD,  IPPM_PROBE_STAMP_SHORT,
    IPPM_PROBE_STAMP_GARBAGE, IPPM_PROBE_STAMP_MBZ,  IPPM_PROBE_STAMP_PTP,
    IPPM_PROBE_STAMP_SSID,    IPPM_PROBE_STAMP_SESSION2,
    IPPM_PROBE_STAMP_BADHMAC,
};

/* ---- replies ---- */

/* Pairs a reply that came on probe socket si with its request through
 * the pairing pcap check uses (stamp_pairing_reply): by Session-Sender
 * Sequence Number on the socket's flow, then by content, so a wrong copy
 * is graded by the copy case and a short echo by the length case. */
static void on_reply(struct prober *p, size_t si, const uint8_t *b, size_t len,
                     const struct ippm_rx_meta *m)
{
    struct conform_run *run = p->run;
    run->received++;
    /* The socket is connected: whatever the kernel's form of the peer,
     * the reply is on the flow to the target. */
    /* TWAMP Light in mode A or E: graded in plaintext; a reply whose MAC
     * does not check keeps its octets and pairs with nothing. */
    uint8_t *plain = conform_dup_bytes(b, len);
    const struct stamp_twl_auth *a = p->o->twl_auth;
    if (plain && a && a->open(a->ctx, STAMP_PKT_REFLECTOR, plain, len) !=
                          IPPM_OK)
        memcpy(plain, b, len);
    struct stamp_dgram rep = {
        .data = plain, .len = len, .ts_ns = m->rx_ns,
        .src = p->o->target, .dst = p->sock[si].local, .ttl = m->ttl,
        .tos = m->tos,
    };
    if (!rep.data)
        return;
    size_t at = 0;
    enum stamp_pairing_fate fate = stamp_pairing_reply(
        run->ex, run->obs.n_ex, &p->ix, &rep, &at);
    if (fate != STAMP_PAIRING_MATCHED) {
        free((void *)rep.data);
        run->obs.unmatched_replies += fate == STAMP_PAIRING_UNMATCHED;
        return;
    }
    run->ex[at].rep_src = m->peer;
    p->rep_ttl[at] = m->ttl;
}

/* see conform_prober.h */
void prober_collect(struct prober *p, uint64_t wait_ns)
{
    uint64_t end = ippm_clock_realtime() + wait_ns;
    while (!ippm_net_stopping()) {
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

/* see conform_prober.h */
void prober_send_raw(struct prober *p, size_t si, const uint8_t *buf,
                     size_t len)
{
    prober_send_sealed(p, si, buf, buf, len);
}

/* see conform_prober.h */
void prober_send_sealed(struct prober *p, size_t si, const uint8_t *plain,
                        const uint8_t *wire, size_t len)
{
    const uint8_t *buf = plain;
    struct conform_run *run = p->run;
    /* Stopped (conform_catch_stop): what was sent is graded, and the
     * probes not sent are n/a. */
    if (run->obs.n_ex >= CONFORM_LIVE_MAX_EX || ippm_net_stopping())
        return;
    size_t i = run->obs.n_ex;
    struct ippm_exchange *e = &run->ex[i];
    /* RFC 8972 §4.4: the request's TOS is taken as sent (a path that
     * re-marks it shows as a DSCP2 mismatch); the reply's as received
     * (IP_RECVTOS). The TTL is estimated once the replies are in. */
    struct stamp_dgram req = {
        .data = conform_dup_bytes(buf, len), .len = len,
        .ts_ns = ippm_clock_realtime(), .src = p->sock[si].local,
        .dst = p->o->target, .ttl = -1, .tos = (int16_t)p->sock_tos[si],
    };
    if (!req.data)
        return;
    stamp_pairing_exchange_init(e, &req);
    if (stamp_pairing_index_add(&p->ix, run->ex) != IPPM_OK) {
        free((void *)req.data);
        return; /* cannot happen: the index holds CONFORM_LIVE_MAX_EX */
    }
    e->probe = p->sock_probe[si];
    p->ex_sock[i] = (uint8_t)si;
    p->rep_ttl[i] = -1;
    p->ex_ttl[i] = (int16_t)p->sock_ttl[si];
    run->obs.n_ex++;
    run->obs.probes_run |= p->sock_probe[si];
    if (send(p->sock[si].fd, wire, len, 0) == (ssize_t)len)
        run->sent++;
}

static void send_req(struct prober *p, size_t si, size_t len, uint32_t seq,
                     enum ippm_tsfmt fmt, uint16_t ssid, enum req_kind kind)
{
    uint8_t buf[2048];
    if (build_req(p, buf, len, seq, fmt, ssid, kind) == IPPM_OK)
        prober_send_raw(p, si, buf, len);
    prober_collect(p, 1 * MS); /* pace, and read what has come back */
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

/* The base packets from this Sequence Number on go with other_ttl(). */
#define BASE_TTL_FROM 5u

/* A TTL one hop below ttl (above it for 1): a change the reflector's
 * Ses-Sender TTL copy must follow. */
static int other_ttl(int ttl)
{
    return ttl > 1 ? ttl - 1 : 2;
}

/* Socket si sends with this TTL from now on; on failure it keeps the
 * one it had (the change is then not made, and ADV-06 stays n/a). */
static void prober_set_ttl(struct prober *p, size_t si, int ttl)
{
    if (ippm_net_set_ttl(&p->sock[si], ttl) == 0)
        p->sock_ttl[si] = ttl;
}

static bool ssid_provisioned(const struct conform_reflector_opts *o,
                             uint16_t ssid)
{
    for (size_t k = 0; k < o->n_ssid_set; k++)
        if (o->ssid_set[k] == ssid)
            return true;
    return false;
}

/* RFC 8972 §3, with --ssid-set: two base packets, on a session of their
 * own, with an SSID the reflector was not provisioned with. */
static void send_ssid_outsider(struct prober *p)
{
    const struct conform_reflector_opts *o = p->o;
    if (!o->n_ssid_set)
        return;
    uint16_t out = 0xfffe;
    while (ssid_provisioned(o, out))
        out--;
    char err[IPPM_NET_ERRLEN];
    int si = prober_open(p, IPPM_PROBE_STAMP_SSID_OUT, -1, err, sizeof err);
    if (si < 0)
        return;
    for (uint32_t s = 0; s < 2; s++)
        send_req(p, (size_t)si, stamp_base_len(p->mode), s, IPPM_TS_NTP, out,
                 RQ_VALID);
}

/* see conform_prober.h */
int prober_open(struct prober *p, uint32_t probe, int tos, char *err,
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
    p->sock_ttl[i] = p->o->ttl;
    if (tos >= 0 && ippm_net_set_tos(&p->sock[i], tos) != 0) {
        snprintf(err, errlen, "cannot set the TOS to %d: %s", tos,
                 strerror(errno));
        return -1;
    }
    return (int)i;
}

static void prober_close(struct prober *p)
{
    for (size_t i = 0; i < p->n_sock; i++)
        if (p->open[i])
            ippm_net_close(&p->sock[i]);
    ippm_rx_batch_free(&p->rx);
}

static void send_stamp_probes(struct prober *p);
static void fill_obs(struct prober *p);

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
    /* TWAMP's authenticated packets keep STAMP's authenticated offsets
     * for what the pairing reads (Sequence Number, Timestamp). */
    p->mode = o->auth || o->twl_auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    if (stamp_pairing_index_init(&p->ix, p->ix_slot,
                                 sizeof p->ix_slot / sizeof p->ix_slot[0],
                                 p->ix_flow,
                                 sizeof p->ix_flow / sizeof p->ix_flow[0],
                                 p->ix_next,
                                 sizeof p->ix_next / sizeof p->ix_next[0],
                                 CONFORM_LIVE_MAX_EX, p->mode) != IPPM_OK) {
        snprintf(err, errlen, "pairing index too small");
        free(p);
        return -1;
    }
    ippm_clock_init(&p->clk, IPPM_TS_NTP);
    if (ippm_rx_batch_init(&p->rx, 8, IPPM_NET_MAX_DGRAM) != 0) {
        snprintf(err, errlen, "out of memory");
        free(p);
        return -1;
    }
    /* One key context for the run, expanded once: the auth key, which
     * also keys the HMAC TLV, or open mode's HMAC TLV key. */
    run->key = o->auth ? conform_key_ctx(o->crypto, o->key, o->key_len)
                       : conform_key_ctx(o->crypto, o->tlv_key, o->tlv_key_len);
    if (o->auth)
        p->key = run->key;
    p->tlv_key = run->key;
    p->have_tlv_key = ippm_hmac_key_ready(&p->tlv_key);
    p->ssid_a = o->n_ssid_set ? o->ssid_set[0] : PROBE_SSID;
    p->ssid_b = o->n_ssid_set ? o->ssid_set[o->n_ssid_set > 1]
                              : PROBE_SSID + 1;
    /* The base probes first, so their socket index is their enum. */
    for (size_t i = 0; i < PS_N; i++) {
        if (prober_open(p, probe_bit[i], -1, err, errlen) < 0) {
            prober_close(p);
            free(p);
            return -1;
        }
    }

    if (o->twamp_light)
        prober_send_twl_probes(p);
    else
        send_stamp_probes(p);
    prober_collect(p, o->timeout_ns);

    for (size_t i = 0; i < run->obs.n_ex; i++)
        run->ex[i].req_ttl = estimate_req_ttl(p->ex_ttl[i], p->rep_ttl[i]);
    fill_obs(p);
    prober_close(p);
    free(p);
    return 0;
}

/* The STAMP probes, each on its socket (PS_*), then the TLV probes. */
static void send_stamp_probes(struct prober *p)
{
    const struct conform_reflector_opts *o = p->o;
    struct conform_run *run = p->run;
    size_t base = stamp_base_len(p->mode);
    enum ippm_tsfmt ntp = IPPM_TS_NTP;
    /* Base packets, seq 0..9 (RFC 8762 §4.2.1: from zero, up by one);
     * 5..9 a hop lower, so that the Ses-Sender TTL has a change to follow
     * (STAMP-8762-ADV-06). */
    for (uint32_t s = 0; s < 10; s++) {
        if (s == BASE_TTL_FROM)
            prober_set_ttl(p, PS_BASE, other_ttl(o->ttl));
        send_req(p, PS_BASE, base, s, ntp, 0, RQ_VALID);
    }
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
            prober_send_raw(p, PS_SHORT, buf, 30);
    }
    /* Garbage of base length, then a valid request. */
    {
        uint8_t buf[STAMP_AUTH_BASE_LEN];
        memset(buf, 0xa5, sizeof buf);
        prober_send_raw(p, PS_GARBAGE, buf, base);
        prober_collect(p, 20 * MS);
        send_req(p, PS_GARBAGE, base, 0, ntp, 0, RQ_VALID);
    }
    send_req(p, PS_MBZ, base, 0, ntp, 0, RQ_MBZ);
    for (uint32_t s = 0; s < 2; s++)
        send_req(p, PS_PTP, base, s, IPPM_TS_PTP, 0, RQ_VALID);
    for (uint32_t s = 0; s < 3; s++)
        send_req(p, PS_SSID, base, s, ntp, p->ssid_a, RQ_VALID);
    /* A second SSID on the same 4-tuple: another session for a reflector
     * that supports RFC 8972 §3 (its own counter when stateful). */
    for (uint32_t s = 0; s < 2; s++)
        send_req(p, PS_SSID, base, s, ntp, p->ssid_b, RQ_VALID);
    /* A gap (2..4 never sent): a stateless reflector echoes 5 and 6, a
     * stateful one counts 2 and 3. */
    const uint32_t s2[4] = {0, 1, 5, 6};
    for (size_t k = 0; k < 4; k++)
        send_req(p, PS_SESSION2, base, s2[k], ntp, 0, RQ_VALID);
    if (o->auth)
        send_req(p, PS_BADHMAC, base, 0, ntp, 0, RQ_BADHMAC);
    prober_send_tlv_probes(p);
    send_ssid_outsider(p);
    if (o->target.port == STAMP_PORT)
        run->obs.probes_run |= IPPM_PROBE_STAMP_PORT;
}

/* The observation of the run, once every reply is in. */
static void fill_obs(struct prober *p)
{
    const struct conform_reflector_opts *o = p->o;
    struct conform_run *run = p->run;
    struct ippm_obs *obs = &run->obs;
    obs->protocol = "stamp";
    /* TWAMP-Light: the TWAMP-Test cases, on TWAMP-Light's layouts. */
    if (o->twamp_light) {
        obs->protocol = "twamp";
        run->pkt.ext.name = STAMP_OBS_PKT;
        run->pkt.sender = stamp_layout_twamp_light(STAMP_PKT_SENDER);
        run->pkt.reflector = stamp_layout_twamp_light(STAMP_PKT_REFLECTOR);
        if (o->twl_auth) { /* modes A and E, graded in plaintext */
            enum owtw_test_mode m =
                o->twl_auth->sender_base == OWTW_SENDER_AUTH_LEN
                    ? OWTW_TEST_AUTH
                    : OWTW_TEST_OPEN;
            run->pkt.sender = owtw_test_layout(STAMP_PKT_SENDER, m);
            run->pkt.reflector = owtw_test_layout(STAMP_PKT_REFLECTOR, m);
        }
        obs->ext = &run->pkt.ext;
    }
    obs->role = IPPM_ROLE_REFLECTOR;
    obs->ex = run->ex;
    obs->auth = o->auth;
    /* Open mode: the HMAC TLV's key, for the RFC 8972 §4.8 cases (the
     * RFC 8762 HMAC cases look at it in authenticated mode only). */
    obs->key = p->have_tlv_key ? &run->key : NULL;
    obs->expect_stateful = o->expect_stateful;
    obs->expect_tsfmt = o->expect_tsfmt;
    obs->clock_tolerance_ns = o->tolerance_ns;
    obs->live = true;
    obs->ssid_set = o->ssid_set;
    obs->n_ssid_set = o->n_ssid_set;
}

