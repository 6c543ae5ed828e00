#include "owtw_prog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/crypto_openssl.h"
#include "impl/core/driver_common.h"
#include "impl/owtw/owtw_ctl.h"
#include "proto/common/ippm_time.h"

static int crypto_init(struct ippm_crypto *c, bool *have, const char *prog)
{
    *have = true;
    if (ippm_crypto_openssl_init(c) != 0) {
        ippm_cli_error("%s: OpenSSL has no AES-128 or HMAC-SHA1", prog);
        return IPPM_EXIT_RUNTIME;
    }
    return -1;
}

/* see owtw_prog.h */
int owtw_server_setup(struct owtw_server_base *b, const struct owtw_prog *p)
{
    char err[IPPM_NET_ERRLEN];
    b->listener.fd = -1;
    if (b->o.keys && ippm_keys_read("--keys", b->o.keys, &b->keys) != 0)
        return IPPM_EXIT_USAGE;
    int rc = crypto_init(&b->crypto, &b->have_crypto, p->prog);
    if (rc >= 0)
        return rc;
    ippm_clock_init(&b->clk, IPPM_TS_NTP);
    b->start_ntp = ippm_ntp_from_ns(ippm_clock_now(&b->clk));
    struct ippm_addr local = {.port = b->o.port ? b->o.port : p->default_port};
    if (b->o.listen && (rc = ippm_cli_addr("--listen", b->o.listen, b->o.port,
                                           p->default_port, &local)) != 0)
        return rc;
    if (ippm_tcp_listen(&b->listener, b->o.listen ? &local : NULL, local.port,
                        err, sizeof(err)) != 0) {
        ippm_cli_bind_error(p->prog, err, "--port");
        return IPPM_EXIT_RUNTIME;
    }
    ippm_net_stop_signals();
    return -1;
}

/* see owtw_prog.h */
void owtw_server_base_free(struct owtw_server_base *b)
{
    ippm_export_stop(&b->exp);
    free(b->links);
    free(b->key_views);
    ippm_rx_batch_free(&b->rx);
    ippm_tx_batch_free(&b->tx);
    ippm_net_close(&b->listener);
    ippm_keys_free(&b->keys);
    if (b->have_crypto)
        ippm_crypto_openssl_free(&b->crypto);
    b->have_crypto = false;
}

/* The --modes bits as a comma list ("open,auth"). */
static void modes_text(uint32_t m, char *buf, size_t len)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{OWTW_CLI_OPEN, "open"},
                 {OWTW_CLI_AUTH, "auth"},
                 {OWTW_CLI_ENCRYPTED, "encrypted"},
                 {OWTW_CLI_MIXED, "mixed"}};
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (m & names[i].bit)
            snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
                     buf[0] ? "," : "", names[i].name);
}

/* see owtw_prog.h */
void owtw_server_banner(const struct owtw_server_base *b,
                        const struct owtw_prog *p)
{
    if (b->o.quiet)
        return;
    char as[IPPM_ADDR_STRLEN], modes[64], ports[32] = "any";
    modes_text(b->o.modes, modes, sizeof(modes));
    if (b->o.test_lo)
        snprintf(ports, sizeof(ports), "%u-%u", (unsigned)b->o.test_lo,
                 (unsigned)b->o.test_hi);
    printf("ippm %s listening on %s (TCP), modes %s, %zu key%s, test ports "
           "%s\n",
           p->prog, ippm_addr_fmt(&b->listener.local, as, sizeof(as)), modes,
           b->keys.n, b->keys.n == 1 ? "" : "s", ports);
    fflush(stdout);
}

/* --keys and --key-id: the entry to authenticate with. */
static int client_key(struct owtw_client_base *b)
{
    if (!b->o.keys)
        return -1;
    if (ippm_keys_read("--keys", b->o.keys, &b->keys) != 0)
        return IPPM_EXIT_USAGE;
    b->key = ippm_keys_find(&b->keys, (const uint8_t *)b->o.key_id,
                            strlen(b->o.key_id));
    if (!b->key) {
        ippm_cli_error("--key-id: '%s' is not in '%s'", b->o.key_id,
                       b->o.keys);
        return IPPM_EXIT_USAGE;
    }
    return -1;
}

/* see owtw_prog.h */
int owtw_client_setup(struct owtw_client_base *b, const struct owtw_prog *p)
{
    char err[IPPM_NET_ERRLEN];
    b->ctl.fd = -1;
    int rc = client_key(b);
    if (rc >= 0)
        return rc;
    if ((rc = crypto_init(&b->crypto, &b->have_crypto, p->prog)) >= 0)
        return rc;
    ippm_clock_init(&b->clk, IPPM_TS_NTP);
    if ((rc = ippm_cli_addr(p->prog, b->o.host, b->o.port, p->default_port,
                            &b->server)) != 0)
        return rc;
    ippm_net_stop_signals();
    if (ippm_tcp_connect(&b->ctl, &b->server, NULL, b->o.connect_timeout_ns,
                         err, sizeof(err)) != 0) {
        ippm_cli_error("%s: %s", p->prog, err);
        return ippm_net_stopping() ? IPPM_EXIT_INTERRUPTED : IPPM_EXIT_RUNTIME;
    }
    return -1;
}

/* see owtw_prog.h */
void owtw_client_base_free(struct owtw_client_base *b)
{
    ippm_net_close(&b->ctl);
    ippm_keys_free(&b->keys);
    b->key = NULL;
    if (b->have_crypto)
        ippm_crypto_openssl_free(&b->crypto);
    b->have_crypto = false;
}

/* see owtw_prog.h */
int owtw_server_serve(struct owtw_server_base *b, const struct owtw_prog *p,
                      const struct owtw_server_hooks *hooks, void *user)
{
    int rc = owtw_server_setup(b, p);
    if (rc >= 0)
        return rc;
    if (b->keys.n && !(b->key_views = owtw_ctl_keys(&b->keys))) {
        ippm_cli_error("%s: out of memory", p->prog);
        return IPPM_EXIT_RUNTIME;
    }
    if ((rc = ippm_driver_batches_init(&b->rx, &b->tx, IPPM_NET_BATCH,
                                       IPPM_NET_MAX_DGRAM, p->prog)) >= 0)
        return rc;
    b->links = calloc(b->o.max_conns, sizeof(*b->links));
    if (!b->links) {
        ippm_cli_error("%s: out of memory", p->prog);
        return IPPM_EXIT_RUNTIME;
    }
    owtw_server_metrics_init(&b->met, p->twamp);
    if ((rc = ippm_export_start(&b->exp, &b->met.reg, &b->o.exp)) >= 0)
        return rc;
    owtw_server_banner(b, p);
    b->served = true;
    return owtw_server_run_limited(&b->listener, hooks, user, b->links,
                                   b->o.max_conns, 0, &b->o.lim, &b->clk,
                                   &b->cnt, p->prog);
}

/* see owtw_prog.h */
void owtw_server_publish(struct owtw_server_base *b)
{
    if (!b->exp.on)
        return;
    b->sample.accepted = b->cnt.accepted;
    b->sample.refused = b->cnt.refused;
    b->sample.closed = b->cnt.closed;
    b->sample.timed_out = b->cnt.timed_out;
    owtw_server_metrics_publish(&b->met, &b->sample);
}
