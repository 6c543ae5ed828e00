/* The RFC 8972 / RFC 9503 / RFC 9534 TLV options of `ippm stamp sender`:
 * parsing each option's value, building the TLV block once with proto's
 * stamp_tlv_put_* encoders, and reading a reply's TLVs back (one JSON
 * object per TLV, and the compact --per-packet token made from it). */
#ifndef IPPM_STAMP_TLV_OPTS_H
#define IPPM_STAMP_TLV_OPTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/common/ippm_addr.h"
#include "proto/common/ippm_time.h"

#define STAMP_TLV_OPTS_MAX_LSE 16
#define STAMP_TLV_OPTS_MAX_SID 8

/* The long options, for the sender's option table. */
#define STAMP_TLV_OPTIONS(X)                                                   \
    X("tlv-padding", required_argument, TO_PADDING)                            \
    X("cos", required_argument, TO_COS)                                        \
    X("location", no_argument, TO_LOCATION)                                    \
    X("timestamp-info", no_argument, TO_TSINFO)                                \
    X("direct-measurement", no_argument, TO_DIRECT)                            \
    X("access-report", required_argument, TO_ACCESS)                           \
    X("follow-up", no_argument, TO_FOLLOWUP)                                   \
    X("hmac-tlv", no_argument, TO_HMAC)                                        \
    X("hmac-key-file", required_argument, TO_HMAC_KEY)                         \
    X("dest-addr", required_argument, TO_DEST)                                 \
    X("return-path", required_argument, TO_RP)                                 \
    X("micro-session", required_argument, TO_MICRO)                            \
    X("reply-control", required_argument, TO_CTRL)                             \
    X("reflected-len", required_argument, TO_REFLEN)                           \
    X("ber-pattern", required_argument, TO_BER)

/* Option values: above every other option of the sender. */
/* clang-format off */
enum stamp_tlv_opt_id {
    TO_BASE_ = 1000,
#define TO_ENUM_(name, arg, id) id,
    STAMP_TLV_OPTIONS(TO_ENUM_)
#undef TO_ENUM_
    TO_END_
};
/* clang-format on */

#define STAMP_TLV_USAGE                                                        \
    "TLVs (RFC 8972 unless named; each asks the reflector for something):\n"   \
    "  --tlv-padding N        Extra Padding TLV of N octets (0-65000)\n"       \
    "  --cos DSCP             Class of Service: DSCP1 for the reply (0-63)\n"  \
    "  --location             Location: addresses and ports seen\n"            \
    "  --timestamp-info       Timestamp Information: sync source, methods\n"   \
    "  --direct-measurement   Direct Measurement counters; splits loss\n"      \
    "                         by direction even with a stateless reflector\n"  \
    "  --access-report ID:CODE  Access Report (ID 0-15: 1 3GPP, 2 non-3GPP;\n" \
    "                         CODE 0-255)\n"                                   \
    "  --follow-up            Follow-Up Telemetry (stateful reflector)\n"      \
    "  --hmac-tlv             HMAC TLV, keyed with --auth-key-file, or in\n"   \
    "                         open mode with --hmac-key-file\n"                \
    "  --hmac-key-file FILE   open mode: the HMAC TLV's key\n"                 \
    "  --dest-addr ADDR       Destination Node Address, RFC 9503 §3\n"        \
    "  --return-path same-link|no-reply|addr:ADDR|mpls:L1,L2,..|"              \
    "srv6:SID1,..\n"                                                           \
    "                         Return Path, RFC 9503 §4 (repeat to add\n"      \
    "                         sub-TLVs to the one TLV)\n"                      \
    "  --micro-session SID[:RID]  Micro-session ID, RFC 9534 (1-65535;\n"      \
    "                         RID 0 or absent: not checked)\n"                 \
    "  --reply-control LEN[,COUNT[,INTERVAL]]  Reflected Test Packet\n"        \
    "                         Control (asymmetrical packets draft): reply\n"   \
    "                         of LEN octets; COUNT 0-65535 (default 1);\n"     \
    "                         INTERVAL seconds (default 0)\n"                  \
    "  --reflected-len N      the same as --reply-control N\n"                 \
    "  --ber-pattern HEX      BER (draft-gandhi-ippm-stamp-ber): padding\n"    \
    "                         of this pattern (1-255 octets; --tlv-padding\n"  \
    "                         N long, default 64), bit error counts back\n"

struct stamp_tlv_opts {
    bool any;
    bool padding;
    size_t padding_len;
    int cos; /* -1: none */
    bool location, tsinfo, direct, followup, hmac;
    const char *hmac_key_file; /* open mode's HMAC TLV key */
    bool access;
    uint8_t access_id, access_code;
    bool dest;
    struct ippm_addr dest_addr;
    bool rp, rp_control;
    uint32_t rp_control_code;
    struct ippm_addr rp_addr;
    uint32_t lse[STAMP_TLV_OPTS_MAX_LSE];
    size_t n_lse;
    uint8_t sid[16 * STAMP_TLV_OPTS_MAX_SID];
    size_t n_sid;
    bool micro;
    uint16_t micro_sid, micro_rid;
    bool ctrl;
    uint16_t ctrl_len, ctrl_count;
    uint32_t ctrl_interval_ns;
    bool ber;
    uint8_t ber_pattern[255];
    size_t ber_pattern_len;
};

/* Clears o (no TLV). */
void stamp_tlv_opts_init(struct stamp_tlv_opts *o);

/* One TLV option (id from STAMP_TLV_OPTIONS, arg its value or NULL).
 * Returns 0, or -1 after one line on stderr. */
int stamp_tlv_opts_parse(struct stamp_tlv_opts *o, int id, const char *arg);

/* Builds the block into buf (cap octets), *len its length. Returns 0, or
 * -1 after one line on stderr (more than cap). */
int stamp_tlv_opts_build(const struct stamp_tlv_opts *o, uint8_t *buf,
                         size_t cap, size_t *len);

/* A reply's TLV block as a JSON array, one object per TLV: "type" (a
 * name, or the number), "flags" ("" or of "UMIC"), then what the TLV
 * says. fmt reads Follow-Up timestamps. A walk that fails ends with
 * {"type":"malformed"}. */
json_t *stamp_tlv_opts_json(const uint8_t *tlv, size_t len,
                            enum ippm_tsfmt fmt);

/* Every field of every TLV, for ippm pcap dump, whatever its flags: per
 * TLV "off" (in the block), "type" (the code point), "name" when known,
 * "flags" (of "UMIC"), "flags_raw" (the octet), "length" (the Length),
 * then what stamp_tlv_opts_json gives and the rest: sub-TLVs ("sub"),
 * reserved bits, raw timestamps, the HMAC, and "hex" (the value) for
 * types without fields. A Length the type forbids gives "error" and
 * "hex"; a walk that fails ends with {"off", "error", "hex"} of the
 * octets left. */
json_t *stamp_tlv_opts_json_full(const uint8_t *tlv, size_t len,
                                 enum ippm_tsfmt fmt);

/* The --per-packet tokens made from that array, each " name=k:v,k:v"
 * (or " name=FLAGS" when U, M or I is set: the value is not an answer). */
void stamp_tlv_opts_print(FILE *f, const json_t *tlvs);

#endif
