/* The live prober's TWAMP-Light probes (conform_prober.h): unauthenticated
 * TWAMP-Test requests, RFC 5357 §4.1.2, built by proto/stamp's TWAMP-Light
 * codec, sent and paired as the STAMP probes are. */
#include "impl/conform/conform_prober.h"

#include "conformance/stamp/stamp_obs.h"

/* Padding a reflector may re-use (RFC 6038 §5.2.1): a counting pattern. */
static void twl_send(struct prober *p, int si, size_t len, uint32_t seq)
{
    uint8_t buf[1024], pad[1024];
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = (uint8_t)i;
    struct stamp_sender_pkt pkt = {
        .seq = seq,
        .ts = ippm_ts_from_ns(ippm_clock_realtime(), IPPM_TS_NTP),
        .errest = ippm_errest_encode(&(struct ippm_errest){.mult = 1}),
        .extra = pad,
        .extra_len = len - STAMP_TWL_SENDER_LEN,
    };
    if (si < 0 || len > sizeof buf ||
        stamp_twl_sender_pkt_encode(buf, sizeof buf, len, &pkt) != IPPM_OK)
        return;
    prober_send_raw(p, (size_t)si, buf, len);
    prober_collect(p, 1 * MS); /* pace, and read what has come back */
}

/* see conform_prober.h */
void prober_send_twl_probes(struct prober *p)
{
    char err[IPPM_NET_ERRLEN];
    int base = prober_open(p, IPPM_PROBE_STAMP_BASE, -1, err, sizeof err);
    int pad = prober_open(p, IPPM_PROBE_STAMP_PAD, -1, err, sizeof err);
    int gap = prober_open(p, IPPM_PROBE_STAMP_SESSION2, -1, err, sizeof err);
    for (uint32_t s = 0; s < 10; s++) {
        /* 5..9 a hop lower: the Sender TTL has a change to follow. */
        if (s == 5 && base >= 0 && p->o->ttl > 1 &&
            ippm_net_set_ttl(&p->sock[base], p->o->ttl - 1) == 0)
            p->sock_ttl[base] = p->o->ttl - 1;
        twl_send(p, base, STAMP_TWL_SENDER_LEN, s);
    }
    static const size_t lens[] = {STAMP_TWL_REFLECTOR_LEN, 60, 128, 1000};
    for (uint32_t s = 0; s < sizeof lens / sizeof lens[0]; s++)
        twl_send(p, pad, lens[s], s);
    /* A stateless reflector echoes 5 and 6, a stateful one counts 2, 3. */
    static const uint32_t s2[] = {0, 1, 5, 6};
    for (size_t k = 0; k < sizeof s2 / sizeof s2[0]; k++)
        twl_send(p, gap, STAMP_TWL_SENDER_LEN, s2[k]);
}
