#include "owtw_limits.h"

#include <string.h>

#include "impl/core/cli.h"
#include "proto/common/ippm_addr.h"
#include "proto/common/ippm_time.h"

/* see owtw_limits.h */
void owtw_limits_defaults(struct owtw_limits *l)
{
    memset(l, 0, sizeof(*l));
    l->per_source = OWTW_PER_SOURCE_DEFAULT;
    l->setup_ns = OWTW_SETUP_TIMEOUT_DEFAULT_S * IPPM_NS_PER_SEC;
    l->max_packets = OWTW_MAX_PACKETS_DEFAULT;
}

/* see owtw_limits.h */
bool owtw_limits_packets_ok(const struct owtw_limits *l, uint32_t n_packets)
{
    return !l || n_packets <= l->max_packets;
}

/* see owtw_limits.h */
int owtw_limits_opt(struct owtw_limits *l, int id, const char *arg)
{
    switch (id) {
    case OWTW_LIMITS_OPT_PER_SOURCE:
        return ippm_cli_u32("--max-conns-per-source", arg, 0, 4096,
                            "a connection count", &l->per_source);
    case OWTW_LIMITS_OPT_SETUP_TIMEOUT:
        return ippm_cli_seconds("--setup-timeout", arg, 1, 86400,
                                &l->setup_ns);
    case OWTW_LIMITS_OPT_ANY_SENDER_PORT: l->any_sender_port = true; return 0;
    case OWTW_LIMITS_OPT_MAX_PACKETS:
        return ippm_cli_u32("--max-packets", arg, 1, 100000000u,
                            "a packet count", &l->max_packets);
    case OWTW_LIMITS_OPT_ADMIT + IPPM_ADMIT_OPT_ALLOW:
    case OWTW_LIMITS_OPT_ADMIT + IPPM_ADMIT_OPT_DENY:
        return ippm_admit_opt_parse(&l->admit, id - OWTW_LIMITS_OPT_ADMIT,
                                    arg) == 0
                   ? 0
                   : -1;
    default: return 1;
    }
}

/* Same source as the rate limiter counts one (an IPv4 address, an IPv6
 * /64): a host with a /64 cannot dodge the limit by changing address. */
static bool same_source(const struct ippm_addr *a, const struct ippm_addr *b)
{
    uint8_t ka[IPPM_ADDR_SOURCE_KEY_LEN], kb[IPPM_ADDR_SOURCE_KEY_LEN];
    ippm_addr_source_key(ka, a);
    ippm_addr_source_key(kb, b);
    return memcmp(ka, kb, sizeof(ka)) == 0;
}

/* see owtw_limits.h */
bool owtw_limits_admit_conn(const struct owtw_limits *l,
                            const struct owtw_link *conns, size_t max,
                            const struct ippm_addr *peer)
{
    if (!l)
        return true;
    if (!ippm_prefix_allows(&l->admit.prefixes, peer))
        return false;
    if (l->per_source == 0)
        return true;
    uint32_t held = 0;
    for (size_t i = 0; i < max; i++)
        if (conns[i].m && same_source(&conns[i].peer, peer))
            held++;
    return held < l->per_source;
}

/* see owtw_limits.h */
uint64_t owtw_limits_setup_deadline(const struct owtw_limits *l,
                                    const struct owtw_link *c,
                                    uint64_t born_ns)
{
    if (!l || l->setup_ns == 0 ||
        c->octets_in >= OWTW_SETUP_RESPONSE_OCTETS)
        return UINT64_MAX;
    return born_ns > UINT64_MAX - l->setup_ns ? UINT64_MAX
                                              : born_ns + l->setup_ns;
}

/* see owtw_limits.h */
void owtw_test_guard_init(struct owtw_test_guard *g,
                          const struct owtw_limits *l,
                          const struct ippm_addr *local,
                          const struct ippm_addr *client,
                          uint16_t sender_port)
{
    memset(g, 0, sizeof(*g));
    g->on = true;
    g->src.self = *local;
    g->sender = *client;
    g->sender.port = l && l->any_sender_port ? 0 : sender_port;
}

/* see owtw_limits.h */
enum ippm_err owtw_test_guard_check(const struct owtw_test_guard *g,
                                    const struct ippm_rx_meta *m)
{
    if (!g->on)
        return IPPM_OK;
    if (ippm_src_check(&g->src, m) != IPPM_SRC_OK)
        return IPPM_ERR_UNEXPECTED;
    uint8_t ka[IPPM_ADDR_KEY_LEN], kb[IPPM_ADDR_KEY_LEN];
    ippm_addr_key(ka, &m->peer);
    ippm_addr_key(kb, &g->sender);
    if (memcmp(ka, kb, sizeof(ka)) != 0 ||
        (g->sender.port != 0 && m->peer.port != g->sender.port))
        return IPPM_ERR_UNKNOWN_SESSION;
    return IPPM_OK;
}
