/* `ippm twamp light-reflector` and `ippm twamp light-sender`: TWAMP Light
 * (RFC 5357 Appendix I) as front ends of the STAMP drivers. Only the
 * defaults, the option table and the --help text are TWAMP-Light's; the
 * loops, the machines and the reports are STAMP's (driver.h). */
#include <stdio.h>

#include "impl/core/admit_opts.h"
#include "impl/report/export.h"
#include "impl/stamp/sender_dirs.h"
#include "impl/stamp/tlv_opts.h"
#include "impl/twamp/light.h"

static void light_reflector_usage(FILE *f)
{
    fputs(
        "usage: ippm twamp light-reflector [[HOST:]PORT] [options]\n"
        "Answer TWAMP-Light (RFC 5357 Appendix I) test packets: every\n"
        "unauthenticated TWAMP-Test packet of 14 octets and up gets a reply\n"
        "of max(its length, 41) octets (RFC 5357 §4.2.1), TTL 255, the\n"
        "padding re-used from the request (RFC 6038 §5.2.1).\n"
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
        "and report: unauthenticated TWAMP-Test packets of 14 octets and\n"
        "padding (§4.1.2); 41-octet replies (§4.2.1) are whole.\n"
        "  --port PORT            reflector's UDP port (default 862)\n"
        "  --count N              packets to send (default 100; 0: until\n"
        "                         interrupted)\n"
        "  --duration D           send for D (10s, 5m, 1h), then wait and report\n"
        "  --interval SECONDS     between sends (default 0.1)\n"
        "  --size OCTETS          UDP payload (default 14: no padding)\n"
        "  --symmetrical          at least 41 octets, the 27 after the Error\n"
        "                         Estimate zero (RFC 6038 §5.1.4): the reply\n"
        "                         is as long as the request\n"
        "  --timestamp ntp|ptp    timestamp format (default ntp)\n"
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
    "auth-key-file", "reply-to-short", "no-tlv", "no-tx-timestamps",
    "max-reply-len", "micro-session", "dscp-permitted", "hmac-key-file",
    "require-hmac-tlv", "ssid-set", "max-reflected-count",
    "min-reflected-interval", "reflected-budget", "reflected-open", NULL};

#define NAME_(name, arg, id) name,
static const char *const sender_drop[] = {
    "auth-key-file", "ssid", "on-zero-ssid", STAMP_TLV_OPTIONS(NAME_) NULL};
#undef NAME_

/* see light.h */
const struct stamp_front twamp_light_reflector_front = {
    "twamp light-reflector", "twamp-light-reflector", "TWAMP-Light",
    "twamp-light", STAMP_FLAVOUR_TWAMP_LIGHT, light_reflector_usage,
    reflector_drop};

/* see light.h */
const struct stamp_front twamp_light_sender_front = {
    "twamp light-sender", "twamp-light-sender", "TWAMP-Light", "twamp-light",
    STAMP_FLAVOUR_TWAMP_LIGHT, light_sender_usage, sender_drop};

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
