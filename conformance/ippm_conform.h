/* The conformance catalogue: one table of cases for every protocol, and
 * the observations they are checked against.
 *
 * A case never sends anything itself. Unit fixtures, pcap replay and live
 * runs differ only in how they build a struct ippm_obs (h2spec
 * spec/spec.go); the same check function grades all three. */
#ifndef IPPM_CONFORM_H
#define IPPM_CONFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/common/ippm_addr.h"
#include "proto/common/ippm_crypto.h"

enum ippm_level { IPPM_MUST, IPPM_SHOULD, IPPM_MAY };
enum ippm_role { IPPM_ROLE_REFLECTOR, IPPM_ROLE_SENDER };
enum ippm_verdict { IPPM_NA, IPPM_PASS, IPPM_FAIL };

/* One request and what came back for it. */
struct ippm_exchange {
    const uint8_t *req;
    size_t req_len;
    uint64_t req_ns;          /* when sent (prober clock or capture time) */
    int16_t req_ttl;          /* TTL / Hop Limit on arrival at the reflector, -1 unknown */
    struct ippm_addr req_src; /* the Session-Sender */
    struct ippm_addr req_dst; /* the Session-Reflector */
    const uint8_t *rep;       /* first reply, NULL when none came */
    size_t rep_len;
    uint64_t rep_ns;          /* when the reply was seen */
    unsigned n_replies;       /* > 1: the reflector answered more than once */
    uint32_t probe;           /* live: the probe that sent it; 0 otherwise */
    struct ippm_addr rep_src; /* reply's source; family NONE: unknown */
    /* IPv4 TOS / IPv6 Traffic Class of the request on arrival at the
     * reflector and of the reply, when known (RFC 8972 §4.4 CoS). */
    bool tos_known;
    uint8_t req_tos;
    uint8_t rep_tos;
};

/* Everything a check may look at. */
struct ippm_obs {
    const char *protocol;          /* "stamp" */
    enum ippm_role role;           /* the side being graded */
    const struct ippm_exchange *ex;
    size_t n_ex;
    bool auth;                     /* authenticated mode */
    const struct ippm_crypto *crypto;
    const uint8_t *key;            /* NULL: HMACs cannot be checked */
    size_t key_len;
    int expect_stateful;           /* 1, 0, or -1 to infer from the replies */
    uint64_t clock_tolerance_ns;   /* allowed offset between the two clocks */
    bool live;                     /* exchanges came from our own probes */
    uint32_t probes_run;           /* live: bit mask of probes sent */
    uint64_t unmatched_replies;    /* replies that matched no request */
    /* Timestamp format the reflector is configured for: 0 either, else
     * 1 + enum ippm_tsfmt (zero-initialised obs accept both). */
    uint8_t expect_tsfmt;
};

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

#define IPPM_DETAIL_MAX 320

/* What a row hands its check, so one check serves many rows (h2spec's
 * table rows; STYLE.md): a TLV type and flags, a field or MBZ run of the
 * protocol's layout, or constant data. Its meaning is the check's: the
 * check's header says what each field selects. Zero when unused. */
struct ippm_case_arg {
    int type;         /* what to look at: a TLV type (-1 any), a field, a run */
    unsigned flags;   /* how: bits the check defines */
    const void *data; /* constant data the check reads; NULL when unused */
};

struct ippm_case {
    const char *id;       /* "STAMP-8762-4.3.1-02", never renumbered */
    const char *section;  /* "RFC 8762 §4.3.1" */
    enum ippm_level level;
    enum ippm_role role;
    const char *title;    /* what is observed */
    const char *quote;    /* the requirement, word for word from the RFC */
    uint32_t probe;       /* live probe whose exchanges it needs, 0: any */
    /* Returns the verdict; on FAIL (and N/A) writes observed vs expected
     * into detail. arg is this row's arg. */
    enum ippm_verdict (*check)(const struct ippm_obs *obs,
                               const struct ippm_case_arg *arg, char *detail,
                               size_t cap);
    struct ippm_case_arg arg;
};

struct ippm_case_result {
    const struct ippm_case *c;
    enum ippm_verdict verdict;
    char detail[IPPM_DETAIL_MAX];
};

/* The whole catalogue, every protocol joined. */
const struct ippm_case *ippm_catalogue(size_t *n);

/* Looks a case up by exact ID; NULL when absent. */
const struct ippm_case *ippm_case_find(const char *id);

/* Runs every case of obs->protocol and obs->role whose ID starts with
 * only (NULL: all) into out (cap entries). Returns how many cases that
 * selection holds, as snprintf does: a return above cap means only the
 * first cap ran and out was too small (out may be NULL with cap 0 to
 * count). A cap of the whole catalogue (ippm_catalogue()) always fits. */
size_t ippm_catalogue_run(const struct ippm_obs *obs, const char *only,
                          struct ippm_case_result *out, size_t cap);

/* True when a result should fail the run: a MUST that failed, or with
 * strict a SHOULD. A MAY case is advice and never fails the run. */
bool ippm_result_fails_run(const struct ippm_case_result *r, bool strict);

const char *ippm_level_str(enum ippm_level l);     /* "MUST" ... */
const char *ippm_verdict_str(enum ippm_verdict v); /* "pass" "fail" "n/a" */
const char *ippm_role_str(enum ippm_role r);       /* "reflector" "sender" */

#endif
