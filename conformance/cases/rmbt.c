/* The RMBT UDP ping (open-rmbt-udp-ping): no RFC defines it, so the
 * sections are those of ../shared/notes/rmbt-udp-ping.md and the quotes
 * are word for word from it (ci/check-quotes.sh checks them there, with
 * Markdown's ** and backticks dropped).
 *
 * IDs are RMBT-<notes section>-<counter>, written once and never
 * renumbered. The reflector rows are the notes' §4 table, each graded on
 * the requests the server's rules put in that row (conformance/rmbt/). */
#include "cases.h"

#include "conformance/rmbt/rmbt_checks.h"

#define R IPPM_ROLE_REFLECTOR
#define S IPPM_ROLE_SENDER

static const char q_ip_rule[] =
    "packet_ip_hash is computed with that secret and the actual source "
    "address. Match → RR01; mismatch → RE01.";
static const char q_shape[] =
    "Datagram length must be exactly 24, and bytes 0..3 must be RP01. "
    "Otherwise it is dropped silently: no reply.";
static const char q_edges[] =
    "Boundaries: t = now−14400 and t = now+30 are accepted.";
static const char q_expired[] = "drop if t + 14400 < now (more than 4 h old);";
static const char q_future[] = "drop if t > now + 30.";
static const char q_amplify[] =
    "Amplification: the 24-byte request gets an 8-byte reply. The ratio "
    "is < 1.";

const struct ippm_case ippm_cases_rmbt[] = {
    /* ---- §4 the server's rules, the table's rows ---- */
    {"RMBT-4-01", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A valid request (right key and address, inside the window) gets RR01",
     q_ip_rule, 0, rmbt_chk_refl_row, {RMBT_ROW_VALID, 0, NULL}},
    {"RMBT-4-02", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A token for another address still gets a reply, tagged RE01",
     "So a wrong IP, or a token minted for another IP, still gets a reply, "
     "tagged RE01.",
     0, rmbt_chk_refl_row, {RMBT_ROW_OTHER_IP, 0, NULL}},
    {"RMBT-4-03", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A request with a wrong packet_hash (wrong key) gets no reply",
     "packet_hash must match, or the packet is dropped silently.", 0,
     rmbt_chk_refl_row, {RMBT_ROW_BAD_KEY, 0, NULL}},
    {"RMBT-4-04", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A 24-octet request with another magic (RP02) gets no reply", q_shape,
     0, rmbt_chk_refl_row, {RMBT_ROW_MAGIC, 0, NULL}},
    {"RMBT-4-05", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A request shorter than 24 octets (23) gets no reply", q_shape, 0,
     rmbt_chk_refl_row, {RMBT_ROW_SHORT, 0, NULL}},
    {"RMBT-4-06", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A request longer than 24 octets (25) gets no reply",
     "Longer datagrams are truncated by the kernel, so their length is ≠ 24 "
     "and they are dropped.",
     0, rmbt_chk_refl_row, {RMBT_ROW_LONG, 0, NULL}},
    {"RMBT-4-07", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A valid request with t = now-14400 is answered", q_edges, 0,
     rmbt_chk_refl_row, {RMBT_ROW_EDGE_BACK, 0, NULL}},
    {"RMBT-4-08", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A valid request with t = now+30 is answered", q_edges, 0,
     rmbt_chk_refl_row, {RMBT_ROW_EDGE_AHEAD, 0, NULL}},
    {"RMBT-4-09", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A request more than 4 h old (t + 14400 < now) gets no reply",
     q_expired, 0, rmbt_chk_refl_row, {RMBT_ROW_EXPIRED, 0, NULL}},
    {"RMBT-4-10", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A request more than 30 s ahead (t > now + 30) gets no reply", q_future,
     0, rmbt_chk_refl_row, {RMBT_ROW_FUTURE, 0, NULL}},
    {"RMBT-4-11", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A request with t = now-14401, one second past the window, gets no "
     "reply",
     q_expired, 0, rmbt_chk_refl_row, {RMBT_ROW_PAST_BACK, 0, NULL}},
    {"RMBT-4-12", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A request with t = now+31, one second past the window, gets no reply",
     q_future, 0, rmbt_chk_refl_row, {RMBT_ROW_PAST_AHEAD, 0, NULL}},
    {"RMBT-4-13", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "A request whose octets 8..23 are zero gets no reply",
     "A request whose bytes 8..23 are zero has time 0, so it is expired and "
     "dropped.",
     0, rmbt_chk_refl_row, {RMBT_ROW_ZERO, 0, NULL}},
    {"RMBT-4-14", "rmbt-udp-ping notes §4", IPPM_MUST, R,
     "No amplification: at most 8 octets come back for a request",
     q_amplify, 0, rmbt_chk_refl_reply, {RMBT_REP_AMPLIFY, 0, NULL}},
    {"RMBT-4-15", "rmbt-udp-ping notes §4", IPPM_MUST, R, "One reply per request, never more",
     q_amplify, 0, rmbt_chk_refl_reply, {RMBT_REP_ONCE, 0, NULL}},

    /* ---- §1 the response ---- */
    {"RMBT-1-01", "rmbt-udp-ping notes §1", IPPM_MUST, R, "Every reply is exactly 8 octets",
     "Response — exactly 8 bytes (!4sI)", 0, rmbt_chk_refl_reply,
     {RMBT_REP_LEN8, 0, NULL}},
    {"RMBT-1-02", "rmbt-udp-ping notes §1", IPPM_MUST, R,
     "A reply's octets 4..7 are the request's, unchanged",
     "the request's bytes 4..7, copied unchanged", 0, rmbt_chk_refl_reply,
     {RMBT_REP_ECHO, 0, NULL}},
    {"RMBT-1-03", "rmbt-udp-ping notes §1", IPPM_MUST, R, "Every reply is tagged RR01 or RE01",
     "There is no other packet type.", 0, rmbt_chk_refl_reply,
     {RMBT_REP_TAG, 0, NULL}},
    {"RMBT-1-04", "rmbt-udp-ping notes §1", IPPM_MUST, R,
     "A reply comes from the address and port the request was sent to",
     "The response goes to the request's source address and port, from the "
     "socket that received it.",
     0, rmbt_chk_refl_reply, {RMBT_REP_PORT, 0, NULL}},

    /* ---- the client's requests (§1, §2, §3, §6) ---- */
    {"RMBT-1-05", "rmbt-udp-ping notes §1", IPPM_MUST, S, "Every request is exactly 24 octets",
     "Request \"RP01\" — exactly 24 bytes (Python struct !4sI4s8s4s)", 0,
     rmbt_chk_sender, {RMBT_SND_LEN, 0, NULL}},
    {"RMBT-1-06", "rmbt-udp-ping notes §1", IPPM_MUST, S, "Every request starts with RP01",
     "ASCII RP01 (52 50 30 31)", 0, rmbt_chk_sender,
     {RMBT_SND_MAGIC, 0, NULL}},
    {"RMBT-2-01", "rmbt-udp-ping notes §2", IPPM_MUST, S,
     "packet_hash is HMAC-SHA-256(secret, time)[0:8] of a known secret",
     "packet_hash = HMAC-SHA256(secret, time_be32)[0:8]. This hash does not "
     "include the IP.",
     0, rmbt_chk_sender, {RMBT_SND_HASH, 0, NULL}},
    {"RMBT-2-02", "rmbt-udp-ping notes §2", IPPM_SHOULD, S,
     "packet_ip_hash is for the address the request comes from (else the "
     "server answers RE01)",
     "Behind NAT the client must give its public address.", 0,
     rmbt_chk_sender, {RMBT_SND_IP_HASH, 0, NULL}},
    {"RMBT-3-01", "rmbt-udp-ping notes §3", IPPM_MUST, S,
     "The token's time lies inside the server's window when sent",
     "A token stays valid while its time lies within the server's window: "
     "from at most 4 h in the past to at most 30 s in the future.",
     0, rmbt_chk_sender, {RMBT_SND_WINDOW, 0, NULL}},
    {"RMBT-6-01", "rmbt-udp-ping notes §6", IPPM_SHOULD, S,
     "The sequence goes up by 1 per packet, mod 2^32",
     "First sequence: random.getrandbits(32). It then goes up by 1 per "
     "packet, mod 2^32.",
     0, rmbt_chk_sender, {RMBT_SND_SEQ, 0, NULL}},
};
const size_t ippm_cases_rmbt_n = sizeof ippm_cases_rmbt / sizeof ippm_cases_rmbt[0];
