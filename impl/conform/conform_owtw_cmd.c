/* ippm conform twamp-server|owamp-server: keys, crypto, the probes
 * (conform_owtw.c), the catalogue and the same reports as every other
 * target (conform_report_results). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/conform/conform_cmd.h"
#include "impl/conform/conform_owtw.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/core/crypto_openssl.h"
#include "impl/core/net.h"

/* see conform_cmd.h */
int conform_owtw_mode(const char *opt, const char *s, uint32_t *mode)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } modes[] = {{"open", OWTW_MODE_OPEN},
                 {"auth", OWTW_MODE_AUTH},
                 {"authenticated", OWTW_MODE_AUTH},
                 {"encrypted", OWTW_MODE_ENCRYPTED},
                 {"mixed", OWTW_MODE_MIXED}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(s, modes[i].name) == 0) {
            *mode = modes[i].bit;
            return 0;
        }
    ippm_cli_error("%s: '%s' is not open, auth, encrypted or mixed", opt, s);
    return -1;
}

/* One line a connection: what it tried and how far it got. */
static void print_probes(const struct owtw_probe_run *run)
{
    printf("%zu control connections (server greeting Modes 0x%x):\n", run->n,
           (unsigned)run->offered);
    for (size_t i = 0; i < run->n; i++) {
        const struct owtw_cut_out *c = &run->cn[i].cut;
        const struct ippm_tcp_conn *t = &run->tcp[i];
        printf("    %-22s %zu messages, %zu octets sent, %zu received; %s\n",
               run->probe[i], c->n_msg, t->dir[0].len, t->dir[1].len,
               t->closed_by == 1   ? "the server closed"
               : t->closed_by == 0 ? "we closed"
                                   : "open");
    }
}

/* see conform_cmd.h */
int conform_owtw_server(const struct conform_opts *o,
                        const struct ippm_addr *target, bool ow,
                        const char *name, const char *shown)
{
    struct owtw_keyring *keys = calloc(1, sizeof *keys);
    struct owtw_probe_run *run = calloc(1, sizeof *run);
    struct ippm_crypto crypto;
    memset(&crypto, 0, sizeof crypto);
    int rc = IPPM_EXIT_OK;
    if (!keys || !run) {
        ippm_cli_error("conform: out of memory");
        rc = IPPM_EXIT_RUNTIME;
    } else if (o->keys_file &&
               owtw_keys_load("--keys", o->keys_file, keys) != 0) {
        rc = IPPM_EXIT_USAGE;
    } else if (o->owtw_mode && o->owtw_mode != OWTW_MODE_OPEN &&
               !o->keys_file) {
        ippm_cli_error("--mode: modes A, E and mixed need --keys");
        rc = IPPM_EXIT_USAGE;
    } else if (ippm_crypto_openssl_init(&crypto) != 0) {
        ippm_cli_error("conform: OpenSSL has no AES or HMAC");
        rc = IPPM_EXIT_RUNTIME;
    }
    if (rc != IPPM_EXIT_OK) {
        ippm_crypto_openssl_free(&crypto);
        free(keys);
        free(run);
        return rc;
    }
    struct owtw_probe_opts po = {
        .target = *target,
        .proto = ow ? OWTW_OWAMP : OWTW_TWAMP,
        .mode = o->owtw_mode,
        .keys = keys,
        .crypto = &crypto,
        .wait_ns = o->timeout_ns ? o->timeout_ns : 2 * NS_PER_S,
    };
    char err[256];
    uint64_t start = ippm_clock_realtime();
    if (conform_owtw_probe(&po, run, err, sizeof err) != 0) {
        ippm_cli_error("%s: %s: %s", name, shown, err);
        rc = IPPM_EXIT_RUNTIME;
    } else {
        print_probes(run);
        size_t n;
        struct ippm_case_result *res =
            conform_run_catalogue(&run->obs, o, name, &n, &rc);
        if (res)
            rc = conform_report_results(o, name, shown, start, res, n, NULL,
                                        0, &run->obs);
        free(res);
    }
    conform_owtw_run_free(run);
    owtw_keys_wipe(keys);
    ippm_crypto_openssl_free(&crypto);
    free(keys);
    free(run);
    return rc;
}
