/* `ippm rmbt ping`: the RMBT UDP ping client (rmbt-udp-ping notes §6).
 * It prints the original Python client's lines, one packet a second by
 * default, and its closing statistics on SIGINT or after --count; the
 * bookkeeping is proto/rmbt/rmbt_ping.c's, in bounded memory. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "impl/commands.h"
#include "impl/core/atomic_file.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/core/crypto_openssl.h"
#include "impl/core/driver_common.h"
#include "impl/core/net.h"
#include "impl/report/summary.h"
#include "impl/rmbt/rmbt_cmd.h"
#include "proto/rmbt/rmbt.h"

#define PROG     "rmbt ping"
#define NS_PER_S 1000000000ull

enum {
    OPT_HOST = 256,
    OPT_PORT,
    OPT_SEED,
    OPT_IP,
    OPT_TOKEN,
    OPT_COUNT,
    OPT_INTERVAL,
    OPT_WAIT,
    OPT_JSON,
    OPT_QUIET,
    OPT_HELP
};

static const struct option ping_longopts[] = {
    {"host", required_argument, NULL, OPT_HOST},
    {"port", required_argument, NULL, OPT_PORT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"ip", required_argument, NULL, OPT_IP},
    {"token", required_argument, NULL, OPT_TOKEN},
    {"count", required_argument, NULL, OPT_COUNT},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"wait", required_argument, NULL, OPT_WAIT},
    {"json", required_argument, NULL, OPT_JSON},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static void ping_usage(FILE *f)
{
    fputs("usage: ippm rmbt ping --host HOST[:PORT] (--seed S --ip IP | "
          "--token B64)\n"
          "                      [--port 444] [--count N] [--interval 1s] "
          "[--wait 5s]\n"
          "                      [--json FILE] [--quiet]\n"
          "Sends 24-octet RP01 requests to an RMBT UDP ping server and "
          "prints, as the\noriginal client does:\n"
          "  Response from HOST: seq=N time=RTT ms         (RR01)\n"
          "  Error response from HOST: seq=N time=RTT ms   (RE01: the token "
          "names another\n"
          "                                                address; counted "
          "received)\n"
          "  No response from HOST: seq=N                  (after --wait)\n"
          "then, on SIGINT or after --count packets, the statistics block.\n"
          "  --host HOST[:PORT]  the server (also as the operand); HOST, "
          "HOST:PORT,\n"
          "                    [V6], [V6]:PORT or a bare V6\n"
          "  --port PORT       the server's port (default 444)\n"
          "  --seed S --ip IP  mint a token per packet from the secret S for "
          "the address\n"
          "                    the server sees (time and hashes are "
          "recomputed each packet)\n"
          "  --token B64       send this 16-octet base64 token in every "
          "packet\n"
          "  --count N         packets to send, then wait for the last "
          "replies (0, the\n"
          "                    default: until interrupted)\n"
          "  --interval D      between packets (default 1s)\n"
          "  --wait D          a packet with no reply after this is lost "
          "(default 5s)\n"
          "  --json FILE       write the statistics as JSON\n"
          "  --quiet           no per-packet lines\n"
          "  --help\n"
          "Exit status: 0 when any reply came back (RR01 or RE01), 1 when "
          "none did, 2 on a\nbad command line, 3 when the run could not "
          "start.\n",
          f);
    ippm_cli_short_usage(f, ping_longopts);
}

struct ping_opts {
    const char *host, *seed, *ip_text, *token_text, *json;
    uint16_t port; /* 0: from HOST:PORT, else 444 */
    uint64_t count, interval_ns, wait_ns;
    bool quiet;
};

struct pinger {
    struct ping_opts o;
    char host[256]; /* as the lines name it: HOST without port or [] */
    struct ippm_addr peer, ip;
    uint8_t token[RMBT_TOKEN_LEN];
    struct ippm_crypto crypto;
    bool have_crypto;
    struct ippm_hmac_key key;
    struct ippm_clock clk;
    struct ippm_sock sock;
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
    struct rmbt_ping *p; /* big: allocated */
    uint64_t start_ns, end_ns, next_ns;
    uint64_t send_failed, icmp_errors;
    bool interrupted;
};

static int ping_option(struct ping_opts *o, int c)
{
    switch (c) {
    case OPT_HOST:
        o->host = optarg;
        return -1;
    case OPT_PORT:
        return ippm_cli_port("--port", optarg, &o->port) ? IPPM_EXIT_USAGE : -1;
    case OPT_SEED:
        o->seed = optarg;
        return -1;
    case OPT_IP:
        o->ip_text = optarg;
        return -1;
    case OPT_TOKEN:
        o->token_text = optarg;
        return -1;
    case OPT_COUNT:
        return ippm_cli_uint("--count", optarg, 0, UINT32_MAX, "a count",
                             &o->count)
                   ? IPPM_EXIT_USAGE
                   : -1;
    case OPT_INTERVAL:
        return ippm_cli_duration("--interval", optarg, 1000, 3600 * NS_PER_S,
                                 true, &o->interval_ns)
                   ? IPPM_EXIT_USAGE
                   : -1;
    case OPT_WAIT:
        return ippm_cli_duration("--wait", optarg, 1000000, 3600 * NS_PER_S,
                                 true, &o->wait_ns)
                   ? IPPM_EXIT_USAGE
                   : -1;
    case OPT_JSON:
        o->json = optarg;
        return -1;
    case OPT_QUIET:
        o->quiet = true;
        return -1;
    case 'h':
    case OPT_HELP:
        ping_usage(stdout);
        return IPPM_EXIT_OK;
    default:
        return IPPM_EXIT_USAGE;
    }
}

/* The original's two argparse rules (notes §6), then ours. Returns -1 to
 * go on, else the exit status. */
static int ping_check(struct pinger *x)
{
    struct ping_opts *o = &x->o;
    if (!o->host) {
        ippm_cli_error("%s: --host is required", PROG);
        return IPPM_EXIT_USAGE;
    }
    if (o->token_text && (o->seed || o->ip_text)) {
        ippm_cli_error("%s: --token cannot be used with --seed or --ip", PROG);
        return IPPM_EXIT_USAGE;
    }
    if (!o->token_text && !(o->seed && o->ip_text)) {
        ippm_cli_error("%s: either --token or both --seed and --ip are "
                       "required",
                       PROG);
        return IPPM_EXIT_USAGE;
    }
    if (o->token_text &&
        rmbt_token_from_b64(o->token_text, strlen(o->token_text), x->token) !=
            IPPM_OK) {
        ippm_cli_error("%s: --token: '%s' is not 16 octets of base64 (24 "
                       "characters ending '==')",
                       PROG, o->token_text);
        return IPPM_EXIT_USAGE;
    }
    if (o->ip_text && rmbt_cli_ip(PROG, o->ip_text, &x->ip) != 0)
        return IPPM_EXIT_USAGE;
    const char *port_text = NULL;
    if (ippm_cli_split_addr(o->host, x->host, sizeof x->host, &port_text) !=
        0) {
        ippm_cli_error("%s: --host: '%s' is not HOST, HOST:PORT, [V6] or "
                       "[V6]:PORT",
                       PROG, o->host);
        return IPPM_EXIT_USAGE;
    }
    struct ippm_cli_output outs[] = {{"--json", o->json}};
    if (ippm_cli_outputs(outs, 1) != 0)
        return IPPM_EXIT_USAGE;
    return -1;
}

/* Returns -1 to run, else the exit status. */
static int ping_parse(struct pinger *x, int argc, char **argv)
{
    struct ping_opts *o = &x->o;
    o->interval_ns = NS_PER_S;
    o->wait_ns = RMBT_PING_WAIT_NS;
    int c, first = 1;
    while ((c = ippm_cli_next(argc, argv, "", ping_longopts, PROG, first)) !=
           -1) {
        first = 0;
        int rc = ping_option(o, c);
        if (rc >= 0)
            return rc;
    }
    if (optind < argc && !o->host)
        o->host = argv[optind++];
    if (optind < argc) {
        ippm_cli_error("%s: unexpected operand '%s'", PROG, argv[optind]);
        return IPPM_EXIT_USAGE;
    }
    return ping_check(x);
}

/* Crypto (seed mode), address, socket, memory. Returns -1 to run, else
 * the exit status. */
static int ping_setup(struct pinger *x)
{
    if (x->o.seed) {
        if (ippm_crypto_openssl_init(&x->crypto) != 0 ||
            ippm_hmac_key_init(&x->key, &x->crypto, IPPM_HASH_SHA256,
                               (const uint8_t *)x->o.seed,
                               strlen(x->o.seed)) != IPPM_OK) {
            ippm_cli_error("%s: OpenSSL cannot compute HMAC-SHA-256", PROG);
            x->have_crypto = true;
            return IPPM_EXIT_RUNTIME;
        }
        x->have_crypto = true;
    }
    int rc = ippm_cli_addr(PROG, x->o.host, x->o.port, RMBT_PORT, &x->peer);
    if (rc != 0)
        return rc;
    char err[IPPM_NET_ERRLEN];
    if (ippm_net_open_connected(&x->sock, &x->peer, err, sizeof err) != 0) {
        ippm_cli_error("%s: %s", PROG, err);
        return IPPM_EXIT_RUNTIME;
    }
    x->p = malloc(sizeof *x->p);
    if (!x->p) {
        ippm_cli_error("%s: out of memory", PROG);
        return IPPM_EXIT_RUNTIME;
    }
    uint32_t first_seq;
    if (getrandom(&first_seq, sizeof first_seq, 0) != sizeof first_seq) {
        ippm_cli_error("%s: getrandom: %s", PROG, strerror(errno));
        return IPPM_EXIT_RUNTIME;
    }
    rmbt_ping_init(x->p, first_seq, x->o.wait_ns);
    ippm_clock_init(&x->clk, IPPM_TS_NTP);
    /* Replies are 8 octets; a larger buffer only tells a long datagram
     * from a reply (the original reads 1024). */
    return ippm_driver_batches_init(&x->rx, &x->tx, 1, RMBT_REQ_LEN, PROG);
}

/* One of the original's per-packet lines: a reply (RR01 or RE01), or
 * none (lost: ev->tag unused). */
static void ping_line(const struct pinger *x, bool lost,
                      const struct rmbt_ping_event *ev)
{
    if (x->o.quiet)
        return;
    unsigned long long n = (unsigned long long)ev->number;
    if (lost)
        printf("No response from %s: seq=%llu\n", x->host, n);
    else
        printf("%s from %s: seq=%llu time=%.3f ms\n",
               ev->tag == RMBT_RR01 ? "Response" : "Error response", x->host, n,
               (double)ev->rtt_ns / 1e6);
    fflush(stdout);
}

static void ping_expire(struct pinger *x, uint64_t now, bool full)
{
    struct rmbt_ping_event ev;
    while (rmbt_ping_expire(x->p, now, full, &ev))
        ping_line(x, true, &ev);
}

/* One request: a fresh token per packet in seed mode (notes §6). The
 * send time is read after the minting, just before the datagram goes. */
static void ping_send(struct pinger *x, uint64_t now)
{
    ping_expire(x, now, true);
    if (x->o.seed &&
        rmbt_token_mint(&x->key, (uint32_t)(ippm_clock_realtime() / NS_PER_S),
                        &x->ip, x->token) != IPPM_OK) {
        x->send_failed++;
        return;
    }
    struct rmbt_ping_event ev;
    if (rmbt_ping_sent(x->p, ippm_clock_now(&x->clk), &ev) != IPPM_OK)
        return;
    uint8_t *slot = ippm_tx_batch_slot(&x->tx);
    rmbt_request_encode(slot, RMBT_REQ_LEN, ev.seq, x->token);
    ippm_tx_batch_commit(&x->tx, &x->sock, RMBT_REQ_LEN, NULL, NULL);
    int err = 0;
    if (ippm_net_send(&x->sock, &x->tx, &err) != 1) {
        x->send_failed++;
        if (!x->o.quiet)
            printf("Error sending data: %s\n", strerror(err));
    }
}

static void ping_receive(struct pinger *x)
{
    for (;;) {
        int n = ippm_net_recv(&x->sock, &x->rx, &x->clk);
        if (n < 0 && ippm_net_icmp_error(errno)) {
            /* The original ignores these too; the packet times out. */
            x->icmp_errors++;
            continue;
        }
        if (n <= 0)
            return;
        for (int i = 0; i < n; i++) {
            struct rmbt_ping_event ev;
            size_t len = x->rx.trunc[i] ? x->rx.buf_size + 1 : x->rx.len[i];
            const uint8_t *buf = ippm_rx_batch_buf(&x->rx, (size_t)i);
            if (rmbt_ping_reply(x->p, buf, len, x->rx.meta[i].rx_ns, &ev) ==
                IPPM_OK)
                ping_line(x, false, &ev);
        }
    }
}

static bool ping_more(const struct pinger *x)
{
    return x->o.count == 0 || x->p->sent < x->o.count;
}

static void ping_loop(struct pinger *x)
{
    x->start_ns = ippm_clock_now(&x->clk);
    x->next_ns = x->start_ns;
    for (;;) {
        uint64_t now = ippm_clock_now(&x->clk);
        if (ippm_net_stopping()) {
            x->interrupted = true;
            break;
        }
        ping_expire(x, now, false);
        if (ping_more(x) && now >= x->next_ns) {
            ping_send(x, now);
            /* A fixed schedule; after a stall, start again from now. */
            x->next_ns += x->o.interval_ns;
            if (x->next_ns < now)
                x->next_ns = now + x->o.interval_ns;
            continue;
        }
        if (!ping_more(x) && rmbt_ping_pending(x->p) == 0)
            break;
        uint64_t until = rmbt_ping_deadline(x->p);
        if (ping_more(x) && x->next_ns < until)
            until = x->next_ns;
        if (ippm_net_wait(&x->sock, until > now ? until - now : 0) > 0)
            ping_receive(x);
    }
    x->end_ns = ippm_clock_now(&x->clk);
}

/* Notes §6: the original's closing block. */
static void ping_print_stats(const struct pinger *x,
                             const struct rmbt_ping_stats *st)
{
    printf("\n--- %s ping statistics ---\n", x->host);
    printf("%llu packets transmitted, %llu received, %.1f%% packet loss, "
           "time %.0fms\n",
           (unsigned long long)st->sent, (unsigned long long)st->received,
           st->loss_pct, (double)(x->end_ns - x->start_ns) / 1e6);
    if (st->received)
        printf("rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n",
               (double)st->rtt.min / 1e6, st->rtt.mean / 1e6,
               (double)st->rtt.max / 1e6, st->rtt.stddev / 1e6);
    fflush(stdout);
}

static json_t *ping_json(const struct pinger *x,
                         const struct rmbt_ping_stats *st)
{
    char peer[IPPM_ADDR_STRLEN];
    json_t *root = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:f, s:f, s:b, s:f}", "protocol",
        "rmbt-udp-ping", "role", "client", "ippm_version", IPPM_VERSION, "host",
        x->host, "peer", ippm_addr_fmt(&x->peer, peer, sizeof peer), "mode",
        x->o.seed ? "seed" : "token", "count", (json_int_t)x->o.count,
        "interval_s", (double)x->o.interval_ns / 1e9, "wait_s",
        (double)x->o.wait_ns / 1e9, "interrupted", x->interrupted, "elapsed_ms",
        (double)(x->end_ns - x->start_ns) / 1e6);
    if (!root)
        return NULL;
    json_object_update_new(
        root,
        json_pack(
            "{s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:I}", "sent",
            (json_int_t)st->sent, "received", (json_int_t)st->received, "rr01",
            (json_int_t)st->rr01, "re01", (json_int_t)st->re01, "lost",
            (json_int_t)st->lost, "loss_pct", st->loss_pct, "timed_out",
            (json_int_t)x->p->timed_out, "ignored", (json_int_t)x->p->ignored,
            "malformed", (json_int_t)x->p->malformed, "send_failed",
            (json_int_t)x->send_failed, "icmp_errors",
            (json_int_t)x->icmp_errors));
    json_object_set_new(root, "rtt_ms", ippm_json_summary_ms(&st->rtt));
    return root;
}

static int ping_json_fill(FILE *f, void *arg)
{
    return json_dumpf(arg, f, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) == 0 &&
                   fputc('\n', f) != EOF
               ? 0
               : -1;
}

static int ping_finish(struct pinger *x)
{
    struct rmbt_ping_stats st;
    rmbt_ping_stats(x->p, &st);
    ping_print_stats(x, &st);
    int rc = st.received ? IPPM_EXIT_OK : IPPM_EXIT_FAIL;
    if (x->o.json) {
        json_t *root = ping_json(x, &st);
        if (!root || ippm_atomic_write(x->o.json, ping_json_fill, root) != 0) {
            ippm_cli_error("--json: cannot write '%s': %s", x->o.json,
                           root ? strerror(errno) : "cannot build JSON");
            rc = IPPM_EXIT_RUNTIME;
        }
        json_decref(root);
    }
    return rc;
}

static void ping_free(struct pinger *x)
{
    ippm_driver_io_free(&x->sock, &x->rx, &x->tx);
    ippm_hmac_key_free(&x->key);
    if (x->have_crypto)
        ippm_crypto_openssl_free(&x->crypto);
    free(x->p);
}

/* see rmbt_cmd.h */
int rmbt_ping_main(int argc, char **argv)
{
    struct pinger x;
    memset(&x, 0, sizeof x);
    x.sock.fd = -1;
    int rc = ping_parse(&x, argc, argv);
    if (rc < 0)
        rc = ping_setup(&x);
    if (rc < 0) {
        ippm_net_stop_signals();
        ping_loop(&x);
        rc = ping_finish(&x);
    }
    ping_free(&x);
    return rc;
}
