/* `ippm twamp light-reflector` and `ippm twamp light-sender`: TWAMP Light
 * (RFC 5357 Appendix I) as front ends of the STAMP drivers. Only the
 * defaults, the option table and the --help text are TWAMP-Light's; the
 * loops, the machines and the reports are STAMP's (driver.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl/core/admit_opts.h"
#include "impl/core/cli.h"
#include "impl/core/crypto_openssl.h"
#include "impl/core/keyfile.h"
#include "impl/commands.h"
#include "proto/twamp/twamp.h"
#include "impl/report/export.h"
#include "impl/stamp/sender_dirs.h"
#include "impl/stamp/tlv_opts.h"
#include "impl/twamp/light.h"

/* RFC 5357 Appendix I: modes A and E with keys from configuration. */
#define TWL_AUTH_USAGE                                                         \
    "  --auth-key-file FILE   authenticated mode (RFC 4656 mode A): the key\n" \
    "                         is 128 hex digits, the AES Session-key (16\n"   \
    "                         octets), HMAC Session-key (32) and SID (16)\n"  \
    "                         TWAMP-Control would have agreed (or from\n"      \
    "                         $IPPM_AUTH_KEY; not both)\n"                     \
    "  --encrypted            with the key: encrypted mode (mode E)\n"

static void light_reflector_usage(FILE *f)
{
    fputs(
        "usage: ippm twamp light-reflector [[HOST:]PORT] [options]\n"
        "Answer TWAMP-Light (RFC 5357 Appendix I) test packets: every\n"
        "unauthenticated TWAMP-Test packet of 14 octets and up gets a reply\n"
        "of max(its length, 41) octets (RFC 5357 §4.2.1), TTL 255, the\n"
        "padding re-used from the request (RFC 6038 §5.2.1); with a key,\n"
        "every checked 48-octet packet and up one of max(its length, 112).\n"
        "  [HOST:]PORT            where to listen, as --listen / --port\n"
        "  --listen ADDR[:PORT]   bind one address (default: every IPv4 and IPv6)\n"
        "  --port PORT            UDP port (default 862)\n"
        "  --stateful             own sequence counter per session (RFC 5357\n"
        "                         §4.2.1); default: copy the sender's\n"
        "                         (Appendix I)\n"
        "  --symmetrical          requests use the Symmetrical Size format\n"
        "                         (RFC 6038 §5.1.4): the padding to reflect\n"
        "                         starts at octet 41 and comes back there;\n"
        "                         default: the request's padding from octet\n"
        "                         14, truncated by 27 octets (RFC 6038 §5.1.3)\n"
        "  --timestamp ntp|ptp    timestamp format (default ntp)\n"
        TWL_AUTH_USAGE
        "  --session-timeout S    stateful: idle session lifetime (default 60)\n"
        "  --max-sessions N       stateful: sessions held at once (default 4096)\n"
        "  --max-sessions-per-source N\n"
        "                         stateful: live sessions of one source address\n"
        "                         (default 64, 0: no limit)\n"
        "  --allow-src-port P[,P..]  answer requests from these source ports\n"
        "                         though they are the reflector's own port or\n"
        "                         a reflecting service's\n"
        IPPM_ADMIT_USAGE
        "  --threads N            N worker threads with SO_REUSEPORT sockets\n"
        "  --cpus LIST            pin worker i to the i-th CPU of LIST\n"
        IPPM_EXPORT_USAGE
        "  --quiet                no startup line\n"
        "  --config FILE          options from FILE ([twamp-light-reflector]\n"
        "                         and global keys); the command line wins\n"
        "  --help                 this text\n"
        "A request of 14 octets gets 41: a 27-octet amplification; --allow-from\n"
        "and --rate-limit bound who may ask.\n"
        "Exit status: 0 after a clean stop (SIGINT, SIGTERM), 2 on a bad\n"
        "command line, 3 when it could not run.\n",
        f);
}

static void light_sender_usage(FILE *f)
{
    fputs(
        "usage: ippm twamp light-sender HOST[:PORT] [options]\n"
        "Send TWAMP-Light (RFC 5357 Appendix I) test packets to a reflector\n"
        "and report: TWAMP-Test packets of 14 octets and padding (§4.1.2;\n"
        "48 with a key); 41-octet replies (§4.2.1; 112) are whole.\n"
        "  --port PORT            reflector's UDP port (default 862)\n"
        "  --count N              packets to send (default 100; 0: until\n"
        "                         interrupted)\n"
        "  --duration D           send for D (10s, 5m, 1h), then wait and report\n"
        "  --interval SECONDS     between sends (default 0.1)\n"
        "  --size OCTETS          UDP payload (default 14: no padding; 48\n"
        "                         with a key)\n"
        "  --symmetrical          at least 41 octets, the 27 after the Error\n"
        "                         Estimate zero (RFC 6038 §5.1.4): the reply\n"
        "                         is as long as the request\n"
        "  --timestamp ntp|ptp    timestamp format (default ntp)\n"
        TWL_AUTH_USAGE
        "  --dscp N               DSCP of test packets (0-63)\n"
        "  --ttl N                TTL / Hop Limit of test packets (1-255)\n"
        "  --wait SECONDS         wait for replies after the last send (default 2)\n"
        STAMP_DIR_USAGE
        "  --report-interval T    a summary line per T seconds of sending\n"
        "  --jsonl FILE|-         JSON Lines: a record per reply and interval\n"
        "  --per-packet           one line per reply, ping style\n"
        "  --json FILE            write the summary and every packet as JSON\n"
        "  --html FILE            write a self-contained HTML report with plots\n"
        "  --no-progress          no progress line on the terminal\n"
        "  --histogram            text histograms of RTT in the summary\n"
        "  --tx-timestamps        T1 from the kernel's transmit timestamp\n"
        IPPM_EXPORT_USAGE
        "  --config FILE          options from FILE ([twamp-light-sender] and\n"
        "                         global keys); the command line wins\n"
        "  --help                 this text\n"
        "Exit status: 0 when any reply came back, 1 when none did, 2 on a bad\n"
        "command line, 3 when the run could not start.\n",
        f);
}

/* STAMP's options TWAMP-Light has no use for: no SSID, no TLVs, no
 * STAMP-only reply rules; authenticated TWAMP-Light awaits its keys. */
static const char *const reflector_drop[] = {
    "reply-to-short", "no-tlv", "no-tx-timestamps",
    "max-reply-len", "micro-session", "dscp-permitted", "hmac-key-file",
    "require-hmac-tlv", "ssid-set", "max-reflected-count",
    "min-reflected-interval", "reflected-budget", "reflected-open", NULL};

#define NAME_(name, arg, id) name,
static const char *const sender_drop[] = {
    "ssid", "on-zero-ssid", STAMP_TLV_OPTIONS(NAME_) NULL};
#undef NAME_

/* ---- modes A and E ---- */

#define TWL_KEY_HEX (2 * (OWTW_AES_SK_LEN + OWTW_HMAC_SK_LEN + OWTW_SID_LEN))

struct light_auth {
    struct ippm_crypto crypto;
    bool crypto_ok;
    struct owtw_test_keys keys;
    struct twamp_light_auth auth;
};

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The 64 octets of the key's 128 hex digits; -1 when it is not that. */
static int unhex_key(const uint8_t *key, size_t len, uint8_t *out)
{
    if (len != TWL_KEY_HEX)
        return -1;
    for (size_t i = 0; i < len / 2; i++) {
        int hi = hex_digit(key[2 * i]), lo = hex_digit(key[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static void light_auth_close(void *state)
{
    struct light_auth *a = state;
    if (!a)
        return;
    owtw_test_keys_free(&a->keys);
    if (a->crypto_ok)
        ippm_crypto_openssl_free(&a->crypto);
    memset(a, 0, sizeof *a);
    free(a);
}

/* Keys the session: AES-SK, HMAC-SK, SID in that order (RFC 4656 §3.1,
 * §3.5). Returns -1 to go on, else the exit status after one line. */
static int light_auth_key(struct light_auth *a, const char *prog,
                          const uint8_t *raw, bool encrypted)
{
    if (ippm_crypto_openssl_init(&a->crypto) != 0) {
        ippm_cli_error("%s: OpenSSL has no AES-128 or HMAC-SHA1", prog);
        return IPPM_EXIT_RUNTIME;
    }
    a->crypto_ok = true;
    const uint8_t *aes = raw, *hmac = raw + OWTW_AES_SK_LEN;
    const uint8_t *sid = hmac + OWTW_HMAC_SK_LEN;
    enum ippm_err e = owtw_test_keys_init(
        &a->keys, &a->crypto,
        encrypted ? OWTW_TEST_ENCRYPTED : OWTW_TEST_AUTH, sid, aes, hmac);
    if (e != IPPM_OK) {
        ippm_cli_error("%s: test-session keys: %s", prog, ippm_err_str(e));
        return IPPM_EXIT_RUNTIME;
    }
    return -1;
}

static int light_auth_open(const char *prog, const char *key_file,
                           bool encrypted, bool symmetrical, uint16_t errest,
                           const struct stamp_twl_auth **ops, void **state)
{
    *ops = NULL;
    *state = NULL;
    if (!ippm_key_given(key_file)) {
        if (!encrypted)
            return -1;
        ippm_cli_error("--encrypted: needs a key (--auth-key-file)");
        return IPPM_EXIT_USAGE;
    }
    uint8_t key[IPPM_KEY_MAX], raw[TWL_KEY_HEX / 2];
    size_t len = 0;
    if (ippm_key_load("--auth-key-file", key_file, key, &len) < 0)
        return IPPM_EXIT_USAGE;
    int bad = unhex_key(key, len, raw);
    memset(key, 0, sizeof key);
    if (bad) {
        ippm_cli_error("--auth-key-file: the key is %d hex digits: AES "
                       "Session-key, HMAC Session-key and SID",
                       TWL_KEY_HEX);
        return IPPM_EXIT_USAGE;
    }
    int rc = twamp_light_auth_raw(prog, raw, encrypted, symmetrical, errest,
                                  ops, state);
    memset(raw, 0, sizeof raw);
    return rc;
}

/* see light.h */
int twamp_light_auth_raw(const char *prog, const uint8_t raw[64],
                         bool encrypted, bool symmetrical, uint16_t errest,
                         const struct stamp_twl_auth **ops, void **state)
{
    *ops = NULL;
    *state = NULL;
    struct light_auth *a = calloc(1, sizeof *a);
    int rc = a ? light_auth_key(a, prog, raw, encrypted) : IPPM_EXIT_RUNTIME;
    if (!a)
        ippm_cli_error("%s: out of memory", prog);
    if (rc < 0 && twamp_light_auth_init(&a->auth, &a->keys, errest,
                                        symmetrical, 0) != IPPM_OK) {
        ippm_cli_error("%s: TWAMP Light keys refused", prog);
        rc = IPPM_EXIT_RUNTIME;
    }
    if (rc >= 0) {
        light_auth_close(a);
        return rc;
    }
    *ops = &a->auth.ops;
    *state = a;
    return -1;
}

static const char *light_auth_mode_name(const void *state)
{
    const struct light_auth *a = state;
    return a->keys.mode == OWTW_TEST_ENCRYPTED ? "encrypted" : "authenticated";
}

/* see light.h */
const struct stamp_front twamp_light_reflector_front = {
    .prog = "twamp light-reflector", .section = "twamp-light-reflector",
    .proto = "TWAMP-Light", .json_proto = "twamp-light",
    .flavour = STAMP_FLAVOUR_TWAMP_LIGHT, .usage = light_reflector_usage,
    .drop = reflector_drop, .auth_open = light_auth_open,
    .auth_close = light_auth_close, .auth_sender_base = OWTW_SENDER_AUTH_LEN,
    .auth_mode_name = light_auth_mode_name};

/* see light.h */
const struct stamp_front twamp_light_sender_front = {
    .prog = "twamp light-sender", .section = "twamp-light-sender",
    .proto = "TWAMP-Light", .json_proto = "twamp-light",
    .flavour = STAMP_FLAVOUR_TWAMP_LIGHT, .usage = light_sender_usage,
    .drop = sender_drop, .auth_open = light_auth_open,
    .auth_close = light_auth_close, .auth_sender_base = OWTW_SENDER_AUTH_LEN,
    .auth_mode_name = light_auth_mode_name};

/* see light.h */
int twamp_light_reflector_main(int argc, char **argv)
{
    return stamp_reflector_front_main(argc, argv,
                                      &twamp_light_reflector_front);
}

/* see light.h */
int twamp_light_sender_main(int argc, char **argv)
{
    return stamp_sender_front_main(argc, argv, &twamp_light_sender_front);
}
