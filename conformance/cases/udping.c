/* UDPing (yahoo/UDPing), which has no RFC: the byte-by-byte notes
 * ../shared/notes/udping.md stand in for one. IDs are
 * UDPING-<notes section>-<counter>, never renumbered; quotes are word for
 * word from the notes (ci/check-quotes.sh drops their ** and backticks).
 * Sender cases are graded on the datagrams a sender emits; receiver cases
 * (IPPM_ROLE_REFLECTOR: the server) on what it reported for them
 * (conformance/udping/udping_obs.h). */
#include "cases.h"
#include "conformance/udping/udping_checks.h"

#define R IPPM_ROLE_REFLECTOR
#define S IPPM_ROLE_SENDER

static const char q_guid[] = "20 lowercase hex chars, then NUL (MAX_GUID = 20)";
static const char q_control[] =
    "At rollover, before the reset, the client sends a control packet with "
    "the old guid: controlPacket = 1, timestampCount = 0, sent zeroed, size "
    "64, and seqNum = (pings sent) + 1.";
static const char q_start[] =
    "when this port's session object was created, at client start-up";

const struct ippm_case ippm_cases_udping[] = {
    /* ---- the sender: the data packet, notes §1 ---- */
    {"UDPING-1-01", "udping notes §1", IPPM_MUST, S, "protoVersion is 1",
     "u8 = 1. The server rejects any other value", 0, udping_chk_version},
    {"UDPING-1-02", "udping notes §1", IPPM_MUST, S,
     "Every datagram holds the 72-octet header",
     "If the result is below 72 it becomes 72.", 0, udping_chk_length, {0}},
    {"UDPING-1-03", "udping notes §1", IPPM_MUST, S,
     "No datagram is longer than 2000 octets",
     "The receive buffer is 2000 B.", 0, udping_chk_length, {1}},
    {"UDPING-1-04", "udping notes §1", IPPM_MUST, S,
     "The size field is the UDP payload length",
     "uint32 LE = total UDP payload length, header included", 0,
     udping_chk_size_field},
    {"UDPING-1-05", "udping notes §1", IPPM_SHOULD, S,
     "The header's padding is zero",
     "zero (the session buffer is zeroed once at construction)", 0,
     udping_chk_zero, {0}},
    {"UDPING-1-06", "udping notes §1", IPPM_SHOULD, S,
     "The payload after the header is zero",
     "all zero bytes. The README says \"random payload\", but only the "
     "*length* is random; the padding buffer is never filled",
     0, udping_chk_zero, {1}},
    {"UDPING-1-07", "udping notes §1", IPPM_MUST, S,
     "The guid is 20 characters and a NUL", q_guid, 0, udping_chk_guid, {0}},
    {"UDPING-1-08", "udping notes §1", IPPM_MUST, S,
     "seqNum grows by 1 a packet on each port",
     "Per source port; starts at 0; +1 per packet;", 0, udping_chk_seq, {0}},
    {"UDPING-1-09", "udping notes §1", IPPM_MUST, S,
     "seqNum is not reset when the guid changes",
     "not reset when the interval rolls over or the guid changes", 0,
     udping_chk_seq, {1}},
    {"UDPING-1-10", "udping notes §1", IPPM_MUST, S,
     "clientStartTime is constant on each port", q_start, 0, udping_chk_start,
     {0}},
    {"UDPING-1-11", "udping notes §1", IPPM_SHOULD, S,
     "clientStartTime is not after the sent time", q_start, 0,
     udping_chk_start, {1}},
    {"UDPING-1-12", "udping notes §1", IPPM_MUST, S,
     "The sent time is a CLOCK_REALTIME timespec", "int64 LE, CLOCK_REALTIME",
     0, udping_chk_sent, {0}},
    {"UDPING-1-13", "udping notes §1", IPPM_SHOULD, S,
     "The sent time is within clock tolerance of when it was seen",
     "The two clocks must be synchronised.", 0, udping_chk_sent, {2}},
    /* ---- guids and intervals, notes §2 ---- */
    {"UDPING-2-01", "udping notes §2", IPPM_SHOULD, S,
     "The guid is lowercase hex",
     "guid: 20 characters, each \"0123456789abcdef\"[rand() % 16].", 0,
     udping_chk_guid, {1}},
    {"UDPING-2-02", "udping notes §2", IPPM_MUST, S,
     "Each port has its own guid, never taken up again",
     "Each source port has its own session, guid and seqNum.", 0,
     udping_chk_guid_own},
    {"UDPING-2-03", "udping notes §2", IPPM_SHOULD, S,
     "Guids change at epoch-aligned interval boundaries, one per interval",
     "Intervals are aligned to the epoch, so with -i 60 a new guid starts at "
     "each :00.",
     0, udping_chk_guid_interval},
    /* ---- raw Ethernet frames, notes §3 ---- */
    {"UDPING-3-01", "udping notes §3", IPPM_SHOULD, S,
     "A raw frame's IPv4 TTL is 255",
     "ID 0, flags/fragment 0 (no DF), TTL 255", 0, udping_chk_raw, {0}},
    {"UDPING-3-02", "udping notes §3", IPPM_MUST, S,
     "A raw frame's IPv4 header checksum is right",
     "protocol 17, correct header checksum (RFC 1071).", 0, udping_chk_raw,
     {1}},
    {"UDPING-3-03", "udping notes §3", IPPM_MUST, S,
     "A raw frame's UDP checksum is right",
     "The checksum covers only the pseudo-header, the UDP header and the "
     "first 72 bytes; this is still correct because the rest is zeros.",
     0, udping_chk_raw, {2}},
    /* ---- timing, notes §4 ---- */
    {"UDPING-4-01", "udping notes §4", IPPM_SHOULD, S,
     "Sent times never go back on a port",
     "stamp the start time (CLOCK_REALTIME);", 0, udping_chk_sent, {1}},
    /* ---- the receiver's metrics, notes §5 ---- */
    {"UDPING-5-01", "udping notes §5", IPPM_MUST, R,
     "A session's reported count is the datagrams it was sent",
     "Per session (per guid): count, sum of latency (ms), sum of squares "
     "(ms²), and max latency (ms; starts at −DBL_MAX).",
     0, udping_chk_rep_counts, {0}},
    {"UDPING-5-02", "udping notes §5", IPPM_MUST, R,
     "A session's targetCount follows its sequence numbers",
     "Expected count: targetCount = 1 + maxSeq − minSeq (u32).", 0,
     udping_chk_rep_counts, {1}},
    {"UDPING-5-03", "udping notes §5", IPPM_MUST, R,
     "Every finished session is reported",
     "An ippm \"reference\" server should implement what was intended, not "
     "this behaviour.",
     0, udping_chk_rep_all},
    {"UDPING-5-04", "udping notes §1", IPPM_SHOULD, R,
     "Reported latency agrees with the datagrams' sent and arrival times",
     "Latency = (server CLOCK_REALTIME right after recvfrom) − sent, in "
     "milliseconds (double).",
     0, udping_chk_rep_latency},
    /* ---- the receiver's output, notes §6 ---- */
    {"UDPING-6-01", "udping notes §6", IPPM_MUST, R,
     "A statsd datagram is the original's five lines",
     "one UDP datagram per session, 5 lines, each ending", 0,
     udping_chk_rep_statsd, {0}},
    {"UDPING-6-02", "udping notes §6", IPPM_MUST, R,
     "A tagged statsd datagram is the original's five lines with tags",
     "The other lines follow the same pattern for targetCount|c, sum|c, "
     "sos|c and max|g.",
     0, udping_chk_rep_statsd, {1}},
    /* ---- the 2017 format, notes §8 (n/a on version 1) ---- */
    {"UDPING-8-01", "udping notes §8", IPPM_MUST, S,
     "2017 format: a ping has timestampCount 1 and 65 octets or more",
     "Ping packets: timestampCount = 1; size is at least 65 (sizeof+1).", 0,
     udping_chk_legacy, {0}},
    {"UDPING-8-02", "udping notes §8", IPPM_MUST, S,
     "2017 format: a control packet is 64 octets, sent zeroed",
     q_control, 0, udping_chk_legacy, {1}},
    {"UDPING-8-03", "udping notes §8", IPPM_MUST, S,
     "2017 format: a control packet's seqNum is the pings sent + 1",
     q_control, 0, udping_chk_legacy, {2}},
    {"UDPING-8-04", "udping notes §8", IPPM_MUST, S,
     "2017 format: seqNum starts at 1 under each new guid",
     "Per interval, per port: seqNum starts at 1 and a new guid is chosen.",
     0, udping_chk_legacy, {3}},
};
const size_t ippm_cases_udping_n =
    sizeof ippm_cases_udping / sizeof ippm_cases_udping[0];
