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

/* How much a case's failure weighs, by the RFC's key words (RFC 2119):
 *   MUST      fails the run
 *   SHOULD    fails the run only with --strict (a warn otherwise)
 *   MAY       an option the peer may take: advice, never fails the run
 *   ADVISORY  below MAY: no key word is broken, but the peer's fields
 *             carry no information or cannot be true (a Timestamp read
 *             once, an Error Estimate of hours), so every measurement made
 *             with it misleads. A warn; with --strict it fails the run as
 *             a SHOULD does. Case IDs <PROTOCOL>-<RFC>-ADV-<counter>. */
enum ippm_level { IPPM_MUST, IPPM_SHOULD, IPPM_MAY, IPPM_ADVISORY };
enum ippm_role { IPPM_ROLE_REFLECTOR, IPPM_ROLE_SENDER };
enum ippm_verdict { IPPM_NA, IPPM_PASS, IPPM_FAIL };

/* ---- observations: what a check may look at ----
 * Two kinds, so every protocol's cases have somewhere to live: datagram
 * exchanges (STAMP, TWAMP-Light and TWAMP/OWAMP test packets, UDPing
 * probes) and control-connection transcripts (TWAMP/OWAMP greeting,
 * set-up, start, stop-sessions, fetch; RMBT and UDPST control). What only
 * one protocol needs hangs off the observation as an extension. */

/* One datagram request and what came back for it. */
struct ippm_exchange {
    const uint8_t *req;
    size_t req_len;
    uint64_t req_ns;          /* when sent (prober clock or capture time) */
    int16_t req_ttl;          /* TTL / Hop Limit on arrival at the reflector, -1 unknown */
    struct ippm_addr req_src; /* the sender (STAMP Session-Sender) */
    struct ippm_addr req_dst; /* the reflector (STAMP Session-Reflector) */
    const uint8_t *rep;       /* first reply, NULL when none came */
    size_t rep_len;
    uint64_t rep_ns;          /* when the reply was seen */
    unsigned n_replies;       /* > 1: the reflector answered more than once */
    uint64_t last_rep_ns;     /* when the last of them was seen; 0: as
                               * rep_ns (fixtures that set no copies) */
    uint32_t probe;           /* live: the probe (protocol's bit) that sent it */
    struct ippm_addr rep_src; /* reply's source; family NONE: unknown */
    /* IPv4 TOS / IPv6 Traffic Class of the request on arrival at the
     * reflector and of the reply, when known (RFC 8972 §4.4 CoS). */
    bool tos_known;
    uint8_t req_tos;
    uint8_t rep_tos;
    /* No reply, but none could be expected yet: the capture ended within
     * the reply timeout after the request (stamp_pairing_mark_in_flight).
     * Checks that fail a missing reply skip it. */
    bool in_flight;
    /* The request's link-layer source address as captured at the
     * reflector (Ethernet, Linux cooked), for RFC 8972 §4.2.2; unknown
     * in live runs and on links without one. */
    bool req_mac_known;
    uint8_t req_mac[6];
    /* The IP TTL / Hop Limit of the reply as seen (received live, or
     * captured); 0: unknown (no packet is seen with 0). RFC 5357 §4.2.1
     * asks the reflector to send with 255. */
    uint8_t rep_ttl;
};

/* Who sent a control message: the client (TWAMP/OWAMP Control-Client)
 * or the server. */
enum ippm_dir { IPPM_DIR_TO_SERVER, IPPM_DIR_TO_CLIENT };

/* One message of a control connection, cut from the byte stream at the
 * message boundaries the protocol defines (RFC 4656 §3, RFC 5357 §3). */
struct ippm_ctrl_msg {
    enum ippm_dir dir;
    uint64_t ns;           /* when its last octet was seen */
    size_t stream_off;     /* offset of its first octet in dir's stream */
    const uint8_t *wire;   /* the octets as sent */
    size_t len;
    const uint8_t *plain;  /* decrypted (RFC 4656 §3.4 modes A and E) with
                              len octets; NULL: sent in clear, or no key */
    int type;              /* the protocol's message type, as whoever cut
                              the stream named it (conformance/<protocol>/);
                              0 unknown */
    int mac;               /* its HMAC(s): 1 verified, -1 one failed, 0
                              not checked (no key, none sent, mode O) */
};

/* One control connection, in the order its messages were seen. */
struct ippm_transcript {
    struct ippm_addr client;       /* who connected */
    struct ippm_addr server;
    uint64_t open_ns;              /* handshake seen; 0 unknown */
    uint64_t close_ns;             /* first FIN/RST seen; 0: still open */
    int closed_by;                 /* enum ippm_dir of the closer, -1 none */
    const struct ippm_ctrl_msg *msg;
    size_t n_msg;
    size_t left_over[2];           /* octets per direction (enum ippm_dir)
                                      after the last whole message */
};

/* A protocol's facts about an observation, chained from obs->ext and
 * found by name (Vulkan's pNext chain): a protocol embeds this as the
 * first member of its own struct (conformance/<protocol>/). */
struct ippm_obs_ext {
    const char *name; /* e.g. "stamp-packet" */
    const struct ippm_obs_ext *next;
};

/* What the path between ippm and the graded peer is declared to rewrite
 * (--path): the cases that read what it rewrites are n/a, not failures
 * charged to the peer. */
#define IPPM_PATH_NAT 0x1u    /* addresses and ports: a NAT */
#define IPPM_PATH_REMARK 0x2u /* the DSCP: a remarking hop */

/* Everything a check may look at. */
struct ippm_obs {
    const char *protocol;          /* the case ID prefix: "stamp", "twamp" */
    enum ippm_role role;           /* the side being graded */
    const struct ippm_exchange *ex; /* datagram exchanges */
    size_t n_ex;
    const struct ippm_transcript *ctrl; /* control connections */
    size_t n_ctrl;
    bool auth;                     /* authenticated (or encrypted) mode */
    /* The session's keyed HMAC-SHA-256 context, owned by whoever built
     * the obs; NULL or unkeyed: HMACs cannot be checked. */
    const struct ippm_hmac_key *key;
    /* The reflector, for the two-way datagram protocols (STAMP,
     * TWAMP-Light, TWAMP): stateful 1, stateless 0, or -1 to infer from
     * the replies (RFC 8762 §4.2, RFC 5357 Appendix I). */
    int expect_stateful;
    uint64_t clock_tolerance_ns;   /* allowed offset between the two clocks */
    bool live;                     /* exchanges came from our own probes */
    uint32_t probes_run;           /* live: the protocol's probe bits sent */
    uint64_t unmatched_replies;    /* replies that matched no request */
    /* Timestamp format the reflector is configured for: 0 either, else
     * 1 + enum ippm_tsfmt (zero-initialised obs accept both). */
    uint8_t expect_tsfmt;
    unsigned path_flags;           /* IPPM_PATH_*: declared rewrites */
    /* Sender role: the graded sender ran with its defaults, no destination
     * port and no timestamp format given (--sender-defaults), so what it
     * sent is what RFC 8762 §4.1 and §4.2.1 make the default. */
    bool sender_defaults;
    /* Reflector role: the SSIDs the reflector is provisioned with
     * (--ssid-set), RFC 8972 §3; a request with another non-zero SSID
     * must be discarded. n_ssid_set 0: not given. */
    const uint16_t *ssid_set;
    size_t n_ssid_set;
    const struct ippm_obs_ext *ext; /* protocol extensions; NULL: none */
};

/* The extension of this name in obs's chain; NULL when absent. */
const struct ippm_obs_ext *ippm_obs_ext_find(const struct ippm_obs *obs,
                                             const char *name);

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

/* The catalogue's version: a 64-bit FNV-1a hash over every case's ID,
 * section, level, role, title, quote and argument type and flags, in
 * catalogue order. It changes when any case changes, is added, removed or
 * moved, so a report names the catalogue that graded it. Pure: reads the
 * tables, allocates nothing. */
uint64_t ippm_catalogue_version(void);

/* The same hash over any n cases (ippm_catalogue_version() is this over
 * ippm_catalogue()'s). */
uint64_t ippm_cases_version(const struct ippm_case *c, size_t n);

/* The graded reflector's mode as the checks see it, "stateful" or
 * "stateless", with how it is known in *how ("configured", "inferred from
 * the replies"); NULL when unknown: a sender is graded, the protocol has
 * no such mode, or nothing was configured and no reply was seen. */
const char *ippm_obs_reflector_mode(const struct ippm_obs *obs,
                                    const char **how);

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
 * strict a SHOULD or an ADVISORY. A MAY case is advice and never fails the
 * run. */
bool ippm_result_fails_run(const struct ippm_case_result *r, bool strict);

const char *ippm_level_str(enum ippm_level l);     /* "MUST" ... */
const char *ippm_verdict_str(enum ippm_verdict v); /* "pass" "fail" "n/a" */
const char *ippm_role_str(enum ippm_role r);       /* "reflector" "sender" */

#endif
