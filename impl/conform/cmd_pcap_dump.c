/* ippm pcap dump: each STAMP datagram of a capture as decoded by
 * proto/stamp, one JSON object a line, for pcaps/interop/ to compare with
 * other decoders.
 *
 *   ippm pcap dump FILE [--port PORT] [--auth-key-file FILE] [--auth] */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/stamp/stamp.h"
#include "impl/core/cli.h"
#include "impl/commands.h"
#include "impl/core/crypto_openssl.h"
#include "impl/core/keyfile.h"
#include "impl/core/net.h"
#include "impl/conform/cmd_pcap.h"

static char *hex(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02x", p[i]);
    s[2 * n] = '\0';
    return s;
}

static void set_hex(json_t *o, const char *k, const uint8_t *p, size_t n)
{
    char *s = hex(p, n);
    if (s != NULL)
        json_object_set_new(o, k, json_string(s));
    free(s);
}

static void set_u64(json_t *o, const char *k, uint64_t v)
{
    /* JSON numbers lose precision past 2^53: 64-bit timestamps as text */
    char b[24];
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    json_object_set_new(o, k, json_string(b));
}

/* The fields both packets start with (RFC 8762 §4.2, §4.3), in order. */
static void set_head(json_t *o, uint32_t seq, uint64_t ts, uint16_t errest,
                     uint16_t ssid)
{
    json_object_set_new(o, "seq", json_integer(seq));
    set_u64(o, "ts", ts);
    json_object_set_new(o, "errest", json_integer(errest));
    json_object_set_new(o, "ssid", json_integer(ssid));
}

/* see cmd_pcap.h */
int cmd_pcap_dump(int argc, char **argv)
{
    struct check_opts o;
    int prc = parse_opts(argc, argv, "pcap dump", &o);
    if (prc != 0)
        return prc > 0 ? IPPM_EXIT_OK : IPPM_EXIT_USAGE;
    if (o.file == NULL) {
        ippm_cli_error("pcap dump: needs a capture FILE");
        return IPPM_EXIT_USAGE;
    }
    uint8_t key[IPPM_KEY_MAX];
    size_t key_len = 0;
    struct ippm_crypto crypto;
    bool crypto_ok = false;
    if (o.key_file != NULL &&
        ippm_keyfile_read("--auth-key-file", o.key_file, key, &key_len) != 0)
        return IPPM_EXIT_USAGE;
    if (key_len > 0) {
        if (ippm_crypto_openssl_init(&crypto) != 0) {
            ippm_crypto_openssl_free(&crypto);
            ippm_cli_error("pcap dump: OpenSSL has no HMAC-SHA-256");
            return IPPM_EXIT_RUNTIME;
        }
        crypto_ok = true;
    }
    struct ippm_hmac_key sk = {0};
    if (crypto_ok &&
        ippm_hmac_key_init(&sk, &crypto, IPPM_HASH_SHA256, key, key_len) !=
            IPPM_OK) {
        ippm_crypto_openssl_free(&crypto);
        ippm_cli_error("pcap dump: OpenSSL cannot key HMAC-SHA-256");
        return IPPM_EXIT_RUNTIME;
    }
    struct capture c;
    char err[512];
    if (capture_load(o.file, &c, err, sizeof err) != 0) {
        ippm_cli_error("pcap dump: %s: %s", o.file, err);
        ippm_hmac_key_free(&sk);
        if (crypto_ok)
            ippm_crypto_openssl_free(&crypto);
        return IPPM_EXIT_RUNTIME;
    }
    uint16_t port = o.port;
    if (port == 0 && capture_port(&c, &port) != 0) {
        ippm_cli_error("pcap dump: out of memory");
        capture_free(&c);
        if (crypto_ok)
            ippm_crypto_openssl_free(&crypto);
        return IPPM_EXIT_RUNTIME;
    }
    enum stamp_mode mode = o.auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN;
    for (size_t i = 0; i < c.n; i++) {
        const struct stamp_dgram *d = &c.d[i];
        bool req = stamp_pairing_is_request(d, port);
        bool rep = stamp_pairing_is_reply(d, port);
        if (!req && !rep)
            continue;
        json_t *j = json_object();
        char a[64];
        json_object_set_new(j, "frame", json_integer((json_int_t)c.frame[i]));
        set_u64(j, "time_ns", d->ts_ns);
        json_object_set_new(j, "src", json_string(ippm_addr_fmt(&d->src, a,
                                                                sizeof a)));
        json_object_set_new(j, "dst", json_string(ippm_addr_fmt(&d->dst, a,
                                                                sizeof a)));
        json_object_set_new(j, "ttl", json_integer(d->ttl));
        json_object_set_new(j, "kind", json_string(req ? "sender"
                                                       : "reflector"));
        json_object_set_new(j, "len", json_integer((json_int_t)d->len));
        enum ippm_err e;
        const uint8_t *extra = NULL, *mac = NULL;
        size_t extra_len = 0;
        if (req) {
            struct stamp_sender_pkt p;
            e = stamp_sender_pkt_decode(&p, d->data, d->len, mode);
            if (e == IPPM_OK) {
                set_head(j, p.seq, p.ts, p.errest, p.ssid);
                json_object_set_new(j, "mbz_nonzero",
                                    json_boolean(p.mbz_nonzero));
                extra = p.extra;
                extra_len = p.extra_len;
                mac = p.hmac;
            }
        } else {
            struct stamp_reflector_pkt p;
            e = stamp_reflector_pkt_decode(&p, d->data, d->len, mode);
            if (e == IPPM_OK) {
                set_head(j, p.seq, p.ts, p.errest, p.ssid);
                set_u64(j, "rx_ts", p.rx_ts);
                json_object_set_new(j, "ss_seq", json_integer(p.ss_seq));
                set_u64(j, "ss_ts", p.ss_ts);
                json_object_set_new(j, "ss_errest",
                                    json_integer(p.ss_errest));
                json_object_set_new(j, "ss_ttl", json_integer(p.ss_ttl));
                json_object_set_new(j, "mbz_nonzero",
                                    json_boolean(p.mbz_nonzero));
                extra = p.extra;
                extra_len = p.extra_len;
                mac = p.hmac;
            }
        }
        if (e != IPPM_OK) {
            json_object_set_new(j, "error", json_string(ippm_err_name(e)));
        } else {
            set_hex(j, "extra", extra ? extra : (const uint8_t *)"",
                    extra_len);
            if (mac != NULL) {
                set_hex(j, "hmac", mac, STAMP_HMAC_LEN);
                if (key_len > 0)
                    json_object_set_new(
                        j, "hmac_ok",
                        json_boolean(stamp_hmac_check(&sk, d->data, d->len) ==
                                     IPPM_OK));
            }
        }
        char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (s != NULL)
            puts(s);
        free(s);
        json_decref(j);
    }
    capture_free(&c);
    ippm_hmac_key_free(&sk);
    if (crypto_ok)
        ippm_crypto_openssl_free(&crypto);
    memset(key, 0, sizeof key);
    return fflush(stdout) == 0 ? IPPM_EXIT_OK : IPPM_EXIT_RUNTIME;
}
