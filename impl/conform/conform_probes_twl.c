/* The live prober's TWAMP-Light probes (conform_prober.h): unauthenticated
 * TWAMP-Test requests, RFC 5357 §4.1.2, built by proto/stamp's TWAMP-Light
 * codec, sent and paired as the STAMP probes are. */
#include "impl/conform/conform_prober.h"

#include "conformance/stamp/stamp_obs.h"

/* Padding a reflector may re-use (RFC 6038 §5.2.1): a counting pattern.
 * In modes A and E the packet is sealed by the key holder and graded in
 * plaintext (opened again: the MAC checks, the wire is as sent). */
static void twl_send(struct prober *p, int si, size_t len, uint32_t seq)
{
    uint8_t buf[1024], plain[1024], pad[1024];
    const struct stamp_twl_auth *a = p->o->twl_auth;
    size_t base = a ? a->sender_base : STAMP_TWL_SENDER_LEN;
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = (uint8_t)i;
    if (si < 0 || len > sizeof buf || len < base)
        return;
    struct stamp_sender_pkt pkt = {
        .seq = seq,
        .ts = ippm_ts_from_ns(ippm_clock_realtime(), IPPM_TS_NTP),
        .errest = ippm_errest_encode(&(struct ippm_errest){.mult = 1}),
        .extra = pad,
        .extra_len = len - base,
    };
    enum ippm_err e =
        a ? a->encode(a->ctx, buf, sizeof buf, len, &pkt)
          : stamp_twl_sender_pkt_encode(buf, sizeof buf, len, &pkt);
    memcpy(plain, buf, len);
    if (e == IPPM_OK && a)
        e = a->open(a->ctx, STAMP_PKT_SENDER, plain, len);
    if (e != IPPM_OK)
        return;
    prober_send_sealed(p, (size_t)si, plain, buf, len);
    prober_collect(p, 1 * MS); /* pace, and read what has come back */
}

/* see conform_prober.h */
void prober_send_twl_probes(struct prober *p)
{
    char err[IPPM_NET_ERRLEN];
    const struct stamp_twl_auth *a = p->o->twl_auth;
    int base = prober_open(p, IPPM_PROBE_STAMP_BASE, -1, err, sizeof err);
    int pad = prober_open(p, IPPM_PROBE_STAMP_PAD, -1, err, sizeof err);
    int gap = prober_open(p, IPPM_PROBE_STAMP_SESSION2, -1, err, sizeof err);
    /* modes A and E: 48 octets, the reply 112 (RFC 5357 §4.1.2, §4.2.1) */
    size_t req = a ? a->sender_base : STAMP_TWL_SENDER_LEN;
    size_t rep = a ? a->reflector_base : STAMP_TWL_REFLECTOR_LEN;
    for (uint32_t s = 0; s < 10; s++) {
        /* 5..9 a hop lower: the Sender TTL has a change to follow. */
        if (s == 5 && base >= 0 && p->o->ttl > 1 &&
            ippm_net_set_ttl(&p->sock[base], p->o->ttl - 1) == 0)
            p->sock_ttl[base] = p->o->ttl - 1;
        twl_send(p, base, req, s);
    }
    const size_t lens[] = {rep, rep + 19, 128 > rep ? 128 : rep + 87, 1000};
    for (uint32_t s = 0; s < sizeof lens / sizeof lens[0]; s++)
        twl_send(p, pad, lens[s], s);
    /* A stateless reflector echoes 5 and 6, a stateful one counts 2, 3. */
    static const uint32_t s2[] = {0, 1, 5, 6};
    for (size_t k = 0; k < sizeof s2 / sizeof s2[0]; k++)
        twl_send(p, gap, req, s2[k]);
}
