/* What a STAMP (or TWAMP-Light) observation adds to struct ippm_obs: the
 * live probes ippm sends, and the test-packet layouts the checks read.
 *
 * TWAMP-Light and STAMP share the test packet (RFC 8762 §4, RFC 5357
 * §4.1.2, §4.2.1), so a TWAMP row can point at a STAMP packet check: the
 * observation, not the row, says which layouts its packets have. */
#ifndef IPPM_STAMP_OBS_H
#define IPPM_STAMP_OBS_H

#include "conformance/ippm_conform.h"
#include "proto/stamp/stamp.h"

/* Live STAMP probes (struct ippm_exchange.probe, ippm_obs.probes_run).
 * Checks never branch on these: they classify exchanges by content, so
 * the same check grades pcap replays. The bits say what a live run sent. */
#define IPPM_PROBE_STAMP_BASE     (1u << 0) /* base packets, seq 0..9 */
#define IPPM_PROBE_STAMP_PAD      (1u << 1) /* 60, 128, 1000 octets */
#define IPPM_PROBE_STAMP_SHORT    (1u << 2) /* shorter than the base */
#define IPPM_PROBE_STAMP_GARBAGE  (1u << 3) /* garbage, then a valid request */
#define IPPM_PROBE_STAMP_MBZ      (1u << 4) /* sender MBZ set */
#define IPPM_PROBE_STAMP_PTP      (1u << 5) /* PTPv2 timestamps, Z = 1 */
#define IPPM_PROBE_STAMP_SSID     (1u << 6) /* RFC 8972 SSID */
#define IPPM_PROBE_STAMP_SESSION2 (1u << 7) /* second session, sequence gap */
#define IPPM_PROBE_STAMP_BADHMAC  (1u << 8) /* auth: corrupted HMAC */
#define IPPM_PROBE_STAMP_PORT     (1u << 9) /* sent to the default port 862 */
/* RFC 8972 §4, RFC 9503, RFC 9534 and draft TLVs, one bit per family. */
#define IPPM_PROBE_STAMP_TLV_PAD  (1u << 10) /* Extra Padding */
#define IPPM_PROBE_STAMP_TLV_LOC  (1u << 11) /* Location, every sub-TLV */
#define IPPM_PROBE_STAMP_TLV_TS   (1u << 12) /* Timestamp Information */
#define IPPM_PROBE_STAMP_TLV_COS  (1u << 13) /* CoS, request TOS set */
#define IPPM_PROBE_STAMP_TLV_DM   (1u << 14) /* Direct Measurement */
#define IPPM_PROBE_STAMP_TLV_AR   (1u << 15) /* Access Report */
#define IPPM_PROBE_STAMP_TLV_FU   (1u << 16) /* Follow-Up, in a row */
#define IPPM_PROBE_STAMP_TLV_HMAC (1u << 17) /* HMAC TLV good and wrong */
#define IPPM_PROBE_STAMP_TLV_UNK  (1u << 18) /* unallocated type */
#define IPPM_PROBE_STAMP_TLV_BAD  (1u << 19) /* malformed TLVs */
#define IPPM_PROBE_STAMP_TLV_DNA  (1u << 20) /* RFC 9503 §3 */
#define IPPM_PROBE_STAMP_TLV_RP   (1u << 21) /* RFC 9503 §4, each sub-TLV */
#define IPPM_PROBE_STAMP_TLV_MS   (1u << 22) /* RFC 9534 Micro-session ID */
#define IPPM_PROBE_STAMP_TLV_ASYM (1u << 23) /* asymmetrical-pkts */
#define IPPM_PROBE_STAMP_TLV_HDR  (1u << 24) /* stamp-ext-hdr 246, 247 */
#define IPPM_PROBE_STAMP_TLV_BER  (1u << 25) /* stamp-ber 240-242 */
/* RFC 8972 §3 with --ssid-set: an SSID the reflector lacks. */
#define IPPM_PROBE_STAMP_SSID_OUT (1u << 26)

/* The name of struct stamp_obs_pkt in the obs->ext chain. */
#define STAMP_OBS_PKT "stamp-packet"

/* The test-packet layouts of an observation's exchanges. Without one in
 * the chain, the checks use proto/stamp's layouts for the mode obs->auth
 * names. */
struct stamp_obs_pkt {
    struct ippm_obs_ext ext;              /* name STAMP_OBS_PKT */
    const struct stamp_layout *sender;    /* requests */
    const struct stamp_layout *reflector; /* replies */
};

/* The packet layouts of obs for this kind of packet: its stamp_obs_pkt's,
 * or proto/stamp's for the mode obs->auth names. Never NULL. */
const struct stamp_layout *stamp_obs_pkt_layout(const struct ippm_obs *obs,
                                                enum stamp_pkt_kind kind);

#endif
