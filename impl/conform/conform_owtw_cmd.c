/* ippm conform twamp-server|owamp-server: keys, crypto, the probes
 * (conform_owtw.c), the catalogue and the same reports as every other
 * target (conform_report_results). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* ---- `ippm conform` with no target: ippm's own servers ---- */

/* A free TCP port on 127.0.0.1 (bound, read, released). 0 on failure. */
static uint16_t free_tcp_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    uint16_t port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* Waits until port accepts a connection (the server is up): 0, or -1
 * after about 5 s or when the child died. */
static int wait_listening(pid_t child, uint16_t port)
{
    for (int i = 0; i < 100; i++) {
        if (waitpid(child, NULL, WNOHANG) == child)
            return -1;
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET,
                                 .sin_port = htons(port),
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
        if (fd >= 0)
            close(fd);
        if (ok)
            return 0;
        usleep(50000);
    }
    return -1;
}

/* see conform_cmd.h */
int conform_owtw_self(const struct conform_opts *o, bool ow, bool auth,
                      const struct ippm_crypto *crypto,
                      struct ippm_case_result **res, size_t *n)
{
    *res = NULL;
    *n = 0;
    char keys_path[] = "/tmp/ippm-conform-keys-XXXXXX";
    struct owtw_keyring *keys = calloc(1, sizeof *keys);
    struct owtw_probe_run *run = calloc(1, sizeof *run);
    uint16_t port = free_tcp_port();
    int rc = IPPM_EXIT_RUNTIME;
    pid_t child = -1;
    if (!keys || !run || !port)
        goto out;
    if (auth) { /* a fresh secret, in a file only we may read */
        uint8_t secret[16];
        int fd = mkstemp(keys_path);
        if (fd < 0 || ippm_random(crypto, secret, sizeof secret) != IPPM_OK) {
            if (fd >= 0)
                close(fd);
            goto out;
        }
        dprintf(fd, "ippmself ");
        for (size_t i = 0; i < sizeof secret; i++)
            dprintf(fd, "%02x", secret[i]);
        dprintf(fd, "\n");
        close(fd);
        if (owtw_keys_load("conform", keys_path, keys) != 0)
            goto out;
    }
    char port_s[8];
    snprintf(port_s, sizeof port_s, "%u", (unsigned)port);
    char *argv[] = {"ippm", ow ? "owamp" : "twamp", "server", "--listen",
                    "127.0.0.1", "--port", port_s, "--quiet",
                    auth ? "--keys" : NULL, keys_path, "--modes",
                    "open,auth,encrypted", NULL};
    child = fork();
    if (child == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDERR_FILENO);
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    if (child < 0 || wait_listening(child, port) != 0) {
        ippm_cli_error("conform: ippm's own %s server did not start",
                       ow ? "OWAMP" : "TWAMP");
        goto out;
    }
    struct owtw_probe_opts po = {
        .target = {IPPM_AF_INET, {127, 0, 0, 1}, port, 0},
        .proto = ow ? OWTW_OWAMP : OWTW_TWAMP,
        .mode = auth ? OWTW_MODE_ENCRYPTED : OWTW_MODE_OPEN,
        .keys = keys,
        .crypto = crypto,
        .wait_ns = NS_PER_S / 2,
    };
    char err[256];
    if (conform_owtw_probe(&po, run, err, sizeof err) != 0) {
        ippm_cli_error("conform: ippm's own %s server: %s",
                       ow ? "OWAMP" : "TWAMP", err);
        goto out;
    }
    printf("ippm's own %s server, %s: %zu control connections graded\n",
           ow ? "OWAMP" : "TWAMP", auth ? "encrypted" : "open", run->n);
    *res = conform_run_catalogue(&run->obs, o, NULL, n, &rc);
    rc = *res ? IPPM_EXIT_OK : rc;
out:
    if (child > 0) {
        kill(child, SIGTERM);
        waitpid(child, NULL, 0);
    }
    if (auth)
        unlink(keys_path);
    if (run)
        conform_owtw_run_free(run);
    if (keys)
        owtw_keys_wipe(keys);
    free(keys);
    free(run);
    return rc;
}
