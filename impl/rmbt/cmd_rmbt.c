/* `ippm rmbt`: the dispatcher of the RMBT UDP ping programs, and `ippm
 * rmbt token`, the token tool (rmbt-udp-ping notes §3). */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/crypto_openssl.h"
#include "impl/rmbt/rmbt_cmd.h"
#include "proto/rmbt/rmbt.h"

static void rmbt_usage(FILE *f)
{
    fputs("usage: ippm rmbt ping --host HOST[:PORT] (--seed S --ip IP | "
          "--token B64) [options]\n"
          "       ippm rmbt token --seed S --ip IP [--time UNIX]\n"
          "       ippm rmbt server [--secret S] [--secret-file F] [options]\n"
          "The RMBT UDP ping of open-rmbt-udp-ping: 24-octet RP01 requests "
          "carrying an\nHMAC-SHA-256 token, answered RR01 (or RE01 when the "
          "token names another\naddress). 'ippm rmbt SUBCOMMAND --help' lists "
          "the options.\n"
          "Exit status: 2 on a bad command line; each subcommand's own\n"
          "otherwise (see its --help).\n",
          f);
}

static const struct ippm_cli_sub rmbt_subs[] = {
    {"ping", rmbt_ping_main, NULL},     /* impl/rmbt/rmbt_ping.c */
    {"token", rmbt_token_main, NULL},   /* below */
    {"server", rmbt_server_main, NULL}, /* impl/rmbt/rmbt_server.c */
};

/* see commands.h */
int cmd_rmbt(int argc, char **argv)
{
    static const struct ippm_cli_subs c = {
        "rmbt", rmbt_subs, sizeof rmbt_subs / sizeof rmbt_subs[0],
        rmbt_usage, NULL, NULL};
    return ippm_cli_dispatch(&c, argc, argv);
}

/* see rmbt_cmd.h */
int rmbt_cli_ip(const char *prog, const char *s, struct ippm_addr *out)
{
    char buf[INET6_ADDRSTRLEN];
    const char *zone = strchr(s, '%');
    size_t n = zone ? (size_t)(zone - s) : strlen(s);
    memset(out, 0, sizeof *out);
    if (n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (!zone && inet_pton(AF_INET, buf, out->ip) == 1) {
            out->family = IPPM_AF_INET;
            return 0;
        }
        /* Python's ipaddress takes a non-empty zone after IPv6 only. */
        if ((!zone || zone[1] != '\0') &&
            inet_pton(AF_INET6, buf, out->ip) == 1) {
            out->family = IPPM_AF_INET6;
            return 0;
        }
    }
    /* The original's words (makeToken.py), after ippm's prefix. */
    ippm_cli_error("%s: Invalid IP address - '%s' does not appear to be an "
                   "IPv4 or IPv6 address",
                   prog, s);
    return -1;
}

/* ---- ippm rmbt token ---- */

enum { TOK_SEED = 256, TOK_IP, TOK_TIME, TOK_HELP };

static const struct option token_longopts[] = {
    {"seed", required_argument, NULL, TOK_SEED},
    {"ip", required_argument, NULL, TOK_IP},
    {"time", required_argument, NULL, TOK_TIME},
    {"help", no_argument, NULL, TOK_HELP},
    {NULL, 0, NULL, 0},
};

static void token_usage(FILE *f)
{
    fputs("usage: ippm rmbt token --seed SECRET --ip IP [--time UNIX]\n"
          "Mints the 16-octet token of the RMBT UDP ping for the client "
          "address IP\nunder SECRET, as makeToken.py does, and prints its "
          "four lines:\n"
          "  Current time: YYYY-mm-dd HH:MM:SS   (local time)\n"
          "  time hex TTTTTTTT\n"
          "  Original token (in hex): 32 hex digits\n"
          "  Token (Base64): 24 characters\n"
          "  --seed SECRET   the server's secret (its UTF-8 octets)\n"
          "  --ip IP         the address the server will see the client "
          "from (IPv4 is\n"
          "                  hashed as ::ffff:a.b.c.d)\n"
          "  --time UNIX     mint for this Unix time instead of now (tests, "
          "interop)\n"
          "  --help\n"
          "Exit status: 0 printed, 2 on a bad command line (an invalid IP "
          "included),\n3 when OpenSSL has no HMAC-SHA-256.\n",
          f);
    ippm_cli_short_usage(f, token_longopts);
}

struct token_opts {
    const char *seed, *ip;
    uint64_t time;
    bool have_time;
};

/* Returns -1 to go on, else the exit status. */
static int token_parse(struct token_opts *o, int argc, char **argv)
{
    const char *prog = "rmbt token";
    int c, first = 1;
    while ((c = ippm_cli_next(argc, argv, "", token_longopts, prog, first)) !=
           -1) {
        first = 0;
        switch (c) {
        case TOK_SEED:
            o->seed = optarg;
            break;
        case TOK_IP:
            o->ip = optarg;
            break;
        case TOK_TIME:
            if (ippm_cli_uint("--time", optarg, 0, UINT32_MAX, "a Unix time",
                              &o->time) != 0)
                return IPPM_EXIT_USAGE;
            o->have_time = true;
            break;
        case 'h':
        case TOK_HELP:
            token_usage(stdout);
            return IPPM_EXIT_OK;
        default:
            return IPPM_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        ippm_cli_error("%s: unexpected operand '%s'", prog, argv[optind]);
        return IPPM_EXIT_USAGE;
    }
    if (!o->seed || !o->ip) {
        ippm_cli_error("%s: --seed and --ip are both required", prog);
        return IPPM_EXIT_USAGE;
    }
    return -1;
}

/* see rmbt_cmd.h */
int rmbt_token_main(int argc, char **argv)
{
    struct token_opts o = {0};
    int rc = token_parse(&o, argc, argv);
    if (rc >= 0)
        return rc;
    struct ippm_addr ip;
    if (rmbt_cli_ip("rmbt token", o.ip, &ip) != 0)
        return IPPM_EXIT_USAGE;
    /* makeToken.py: int(time.time()) & 0xffffffff */
    uint32_t t = o.have_time ? (uint32_t)o.time : (uint32_t)time(NULL);
    struct ippm_crypto crypto;
    struct ippm_hmac_key key = {0};
    uint8_t token[RMBT_TOKEN_LEN];
    rc = IPPM_EXIT_RUNTIME;
    if (ippm_crypto_openssl_init(&crypto) != 0 ||
        ippm_hmac_key_init(&key, &crypto, IPPM_HASH_SHA256,
                           (const uint8_t *)o.seed,
                           strlen(o.seed)) != IPPM_OK ||
        rmbt_token_mint(&key, t, &ip, token) != IPPM_OK) {
        ippm_cli_error("rmbt token: OpenSSL cannot compute HMAC-SHA-256");
    } else {
        time_t tt = (time_t)t;
        struct tm tm;
        char when[32] = "";
        if (localtime_r(&tt, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        char b64[RMBT_TOKEN_B64_LEN + 1];
        rmbt_token_b64(token, b64);
        printf("Current time: %s\ntime hex %08x\nOriginal token (in hex): ",
               when, (unsigned)t);
        for (size_t i = 0; i < RMBT_TOKEN_LEN; i++)
            printf("%02x", token[i]);
        printf("\nToken (Base64): %s\n", b64);
        rc = fflush(stdout) == 0 ? IPPM_EXIT_OK : IPPM_EXIT_RUNTIME;
    }
    ippm_hmac_key_free(&key);
    ippm_crypto_openssl_free(&crypto);
    return rc;
}
