/* ippm pcap dump: each STAMP datagram of a capture as decoded by
 * proto/stamp, one JSON object a line, for pcaps/interop/ to compare with
 * other decoders.
 *
 *   ippm pcap dump FILE [--port PORT] [--auth-key-file FILE] [--auth]
 *
 * Every field present is printed: a packet shorter than the base (a
 * TWAMP-Light reply of 38 or 41 octets) keeps "error":"IPPM_ERR_SHORT" and
 * gets every field of the layout table (stamp_layout_get) it is long
 * enough to hold, and "absent" names the others. Octets past the base
 * stay "extra" (hex) and are read as "padding" (all zero, RFC 8762 §4.2.1)
 * or as "tlvs", each TLV by type, flags and fields
 * (stamp_tlv_opts_json_full). With --protocol twamp-light the packets are
 * TWAMP Light's (RFC 5357 §4.1.2, §4.2.1): the fields of
 * stamp_layout_twamp_light, base_len 14 or 41, and "padding_len". */
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
#include "impl/stamp/tlv_opts.h"

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

/* The dump's key for each field of the layout table (stamp.h). */
static const char *const field_key[STAMP_F_COUNT_] = {
    [STAMP_F_SEQ] = "seq",         [STAMP_F_TS] = "ts",
    [STAMP_F_ERREST] = "errest",   [STAMP_F_SSID] = "ssid",
    [STAMP_F_RX_TS] = "rx_ts",     [STAMP_F_SS_SEQ] = "ss_seq",
    [STAMP_F_SS_TS] = "ss_ts",     [STAMP_F_SS_ERREST] = "ss_errest",
    [STAMP_F_SS_TTL] = "ss_ttl",   [STAMP_F_HMAC] = "hmac"};

static uint64_t load_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* A packet shorter than its base: each field of the layout that fits in
 * len octets, in the order a whole packet prints them, the MBZ octets
 * there are, and the names of the fields that do not fit. */
static void set_short_fields(json_t *j, const uint8_t *p, size_t len,
                             const struct stamp_layout *l)
{
    json_t *absent = json_array();
    json_object_set_new(j, "base_len", json_integer(l->base_len));
    for (size_t f = 0; f < STAMP_F_COUNT_; f++) {
        struct stamp_span sp = l->field[f];
        if (sp.len == 0 || f == STAMP_F_HMAC)
            continue;
        if ((size_t)sp.off + sp.len > len)
            json_array_append_new(absent, json_string(field_key[f]));
        else if (sp.len == 8)
            set_u64(j, field_key[f], load_be(p + sp.off, 8));
        else
            json_object_set_new(
                j, field_key[f],
                json_integer((json_int_t)load_be(p + sp.off, sp.len)));
    }
    bool mbz = false;
    for (size_t m = 0; m < l->n_mbz; m++)
        for (size_t i = l->mbz[m].off;
             i < (size_t)l->mbz[m].off + l->mbz[m].len && i < len; i++)
            mbz = mbz || p[i] != 0;
    json_object_set_new(j, "mbz_nonzero", json_boolean(mbz));
    struct stamp_span h = l->field[STAMP_F_HMAC];
    if (h.len && (size_t)h.off + h.len > len)
        json_array_append_new(absent, json_string(field_key[STAMP_F_HMAC]));
    json_object_set_new(j, "absent", absent);
}

/* The HMAC TLVs of a packet, checked with the key (RFC 8972 §4.8). */
static void set_tlv_hmac_ok(json_t *tlvs, const struct ippm_hmac_key *sk,
                            const uint8_t *p, size_t len, size_t base)
{
    size_t i;
    json_t *t;
    json_array_foreach(tlvs, i, t)
    {
        if (json_integer_value(json_object_get(t, "type")) != STAMP_TLV_HMAC ||
            json_object_get(t, "error") != NULL)
            continue;
        size_t off = (size_t)json_integer_value(json_object_get(t, "off"));
        json_object_set_new(
            t, "hmac_ok",
            json_boolean(stamp_tlv_hmac_check(sk, p, len, base, off) ==
                         IPPM_OK));
    }
}

/* The octets past the base: hex as they are, then all-zero padding
 * (RFC 8762 §4.2.1) or the TLVs (RFC 8972 §4). fmt reads the TLVs'
 * timestamps; sk, when keyed, checks HMAC TLVs. */
static void set_extra(json_t *j, const uint8_t *p, size_t len, size_t base,
                      enum ippm_tsfmt fmt, const struct ippm_hmac_key *sk)
{
    const uint8_t *extra = p + base;
    size_t n = len - base;
    set_hex(j, "extra", n ? extra : (const uint8_t *)"", n);
    if (n == 0)
        return;
    if (stamp_tlv_all_zero(extra, n)) {
        json_object_set_new(j, "padding", json_integer((json_int_t)n));
        return;
    }
    json_t *tlvs = stamp_tlv_opts_json_full(extra, n, fmt);
    if (sk != NULL)
        set_tlv_hmac_ok(tlvs, sk, p, len, base);
    json_object_set_new(j, "tlvs", tlvs);
}

/* What the base of a decoded packet leaves to the rest of the dump. */
struct base_view {
    const uint8_t *mac; /* the base HMAC (authenticated mode) */
    size_t extra_len;   /* octets past the base */
    uint16_t errest;    /* its Z bit: the format of TLV timestamps */
};

/* The fields of a whole Session-Sender packet (RFC 8762 §4.2). */
static enum ippm_err set_sender(json_t *j, const struct stamp_dgram *d,
                                enum stamp_mode mode, struct base_view *v)
{
    struct stamp_sender_pkt p;
    enum ippm_err e = stamp_sender_pkt_decode(&p, d->data, d->len, mode);
    if (e != IPPM_OK)
        return e;
    set_head(j, p.seq, p.ts, p.errest, p.ssid);
    json_object_set_new(j, "mbz_nonzero", json_boolean(p.mbz_nonzero));
    v->mac = p.hmac;
    v->extra_len = p.extra_len;
    v->errest = p.errest;
    return IPPM_OK;
}

/* The fields of a whole Session-Reflector packet (RFC 8762 §4.3). */
static enum ippm_err set_reflector(json_t *j, const struct stamp_dgram *d,
                                   enum stamp_mode mode, struct base_view *v)
{
    struct stamp_reflector_pkt p;
    enum ippm_err e = stamp_reflector_pkt_decode(&p, d->data, d->len, mode);
    if (e != IPPM_OK)
        return e;
    set_head(j, p.seq, p.ts, p.errest, p.ssid);
    set_u64(j, "rx_ts", p.rx_ts);
    json_object_set_new(j, "ss_seq", json_integer(p.ss_seq));
    set_u64(j, "ss_ts", p.ss_ts);
    json_object_set_new(j, "ss_errest", json_integer(p.ss_errest));
    json_object_set_new(j, "ss_ttl", json_integer(p.ss_ttl));
    json_object_set_new(j, "mbz_nonzero", json_boolean(p.mbz_nonzero));
    v->mac = p.hmac;
    v->extra_len = p.extra_len;
    v->errest = p.errest;
    return IPPM_OK;
}

/* One datagram as the dump prints it: where and when it was seen, then
 * what it says. sk, when keyed, checks the HMACs. */
static json_t *dump_dgram(const struct stamp_dgram *d, uint64_t frame,
                          bool req, enum stamp_mode mode, bool twl,
                          const struct ippm_hmac_key *sk)
{
    json_t *j = json_object();
    char a[64];
    json_object_set_new(j, "frame", json_integer((json_int_t)frame));
    set_u64(j, "time_ns", d->ts_ns);
    json_object_set_new(j, "src",
                        json_string(ippm_addr_fmt(&d->src, a, sizeof a)));
    json_object_set_new(j, "dst",
                        json_string(ippm_addr_fmt(&d->dst, a, sizeof a)));
    json_object_set_new(j, "ttl", json_integer(d->ttl));
    json_object_set_new(j, "kind",
                        json_string(req ? "sender" : "reflector"));
    json_object_set_new(j, "len", json_integer((json_int_t)d->len));
    enum stamp_pkt_kind kind = req ? STAMP_PKT_SENDER : STAMP_PKT_REFLECTOR;
    if (twl) { /* RFC 5357 §4.1.2, §4.2.1: the layout's fields, padding */
        const struct stamp_layout *l = stamp_layout_twamp_light(kind);
        if (d->len < l->base_len)
            json_object_set_new(j, "error",
                                json_string(ippm_err_name(IPPM_ERR_SHORT)));
        set_short_fields(j, d->data, d->len, l);
        json_object_set_new(
            j, "padding_len",
            json_integer(d->len > l->base_len
                             ? (json_int_t)(d->len - l->base_len)
                             : 0));
        return j;
    }
    struct base_view v = {0};
    enum ippm_err e = req ? set_sender(j, d, mode, &v)
                          : set_reflector(j, d, mode, &v);
    if (e != IPPM_OK) {
        json_object_set_new(j, "error", json_string(ippm_err_name(e)));
        if (e == IPPM_ERR_SHORT)
            set_short_fields(j, d->data, d->len, stamp_layout_get(kind, mode));
        return j;
    }
    set_extra(j, d->data, d->len, d->len - v.extra_len,
              ippm_errest_decode(v.errest).z ? IPPM_TS_PTP : IPPM_TS_NTP, sk);
    if (v.mac != NULL) {
        set_hex(j, "hmac", v.mac, STAMP_HMAC_LEN);
        if (sk != NULL)
            json_object_set_new(
                j, "hmac_ok",
                json_boolean(stamp_hmac_check(sk, d->data, d->len) ==
                             IPPM_OK));
    }
    return j;
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
    if (capture_load(o.file, &c, NULL, err, sizeof err) != 0) {
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
        if (!req && !stamp_pairing_is_reply(d, port))
            continue;
        json_t *j = dump_dgram(d, c.frame[i], req, mode,
                               o.proto == PCAP_PROTO_TWL,
                               key_len > 0 ? &sk : NULL);
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
