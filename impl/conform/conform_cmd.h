/* What `ippm conform` (cmd_conform.c: options, the live targets, the
 * reports) and its no-target self-test (conform_selftest.c) share.
 * Private to impl/conform. */
#ifndef IPPM_CONFORM_CMD_H
#define IPPM_CONFORM_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conformance/ippm_conform.h"
#include "impl/conform/conform_live.h"

#define NS_PER_S 1000000000ull
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define CONFORM_TARGETS_MAX 8 /* rows of conform_targets, at most */

/* SSIDs a --ssid-set names at most. */
#define CONFORM_SSID_SET_MAX 16

struct conform_opts {
    const char *only;
    const char *junit;
    const char *json;
    const char *html;
    const char *key_file;
    const char *hmac_key_file; /* open mode: the HMAC TLV's key */
    const char *listen;
    const char *manifest;
    bool strict;
    bool no_pcap;
    bool list;
    int stateful;          /* -1 infer */
    uint8_t tsfmt;         /* 0 either, else 1 + enum ippm_tsfmt */
    uint64_t timeout_ns;
    uint64_t tolerance_ns;
    uint16_t port;
    bool port_given;
    uint32_t count;
    int ttl;
    bool verbose;          /* the table gives every n/a case's reason */
    unsigned path_flags;   /* --path: IPPM_PATH_* */
    bool sender_defaults;  /* --sender-defaults: the sender ran with no
                              port and no timestamp format given */
    uint16_t ssid_set[CONFORM_SSID_SET_MAX]; /* --ssid-set */
    size_t n_ssid_set;
    const char *keys_file; /* --keys: OWAMP/TWAMP KeyIDs and secrets */
    uint32_t owtw_mode;    /* --mode: an OWTW_MODE_* security bit, 0 any */
    bool tolerance_given;  /* --clock-tolerance was given */
    const char *rmbt_seed; /* rmbt-server --seed: the server's secret */
    const char *rmbt_ip;   /* rmbt-server --ip: our address as it sees it */
    uint64_t duration_ns;  /* --duration: udping-sender's listening time */
    const char *statsd;    /* --statsd: udping-server's statsd listener */
};

struct self_ctx;
struct self_mode;

/* The self-test of one target: ippm's own peer, graded in each of these
 * modes (conform_selftest.c). */
struct conform_selftest {
    const struct self_mode *modes;
    size_t n_modes;
    /* Runs one mode; its results into *res (*n cases). */
    int (*one)(struct self_ctx *cx, const struct self_mode *md,
               struct conform_run *run, struct ippm_case_result **res,
               size_t *n);
};

/* ippm's own reflector in each mode, probed; ippm's own sender in each
 * mode, graded. */
extern const struct conform_selftest conform_selftest_reflector;
extern const struct conform_selftest conform_selftest_sender;
/* ippm's own TWAMP-Light reflector, stateless and stateful, probed. */
extern const struct conform_selftest conform_selftest_twamp_light;

/* A live target of `ippm conform` (the table is conform_targets). */
struct conform_target {
    const char *name;     /* the first argument: "stamp-reflector" */
    const char *protocol; /* its cases' protocol: "stamp", "twamp" */
    const char *args;     /* what follows it in --help, "" none */
    const char *help;     /* --help text, lines split by '\n' */
    enum ippm_role role;  /* the side it grades */
    uint32_t probes;      /* IPPM_PROBE_* its live run sends; 0: it listens */
    const int *deny;      /* options it refuses, 0-terminated */
    /* Runs it: argv[0] is name. Returns the exit status. */
    int (*run)(const struct conform_target *t, int argc, char **argv);
    const struct conform_selftest *self; /* `ippm conform`'s run of it */
};

/* Replays --pcap-manifest's corpus, or else every corpus of the tree
 * (STAMP, TWAMP Light, RMBT, UDPing, OWAMP/TWAMP, the real programs'
 * captures, interop) found in the current directory, the
 * source tree or /usr/share/ippm; nothing with --no-pcap. Only a failed
 * expectation fails; an absent corpus is reported and skipped. Returns
 * the exit status (conform_results.c). */
int conform_run_pcap_corpus(const struct conform_opts *o);

/* Prints the table of res and writes the reports; ex (n_ex) are our own
 * probes for the HTML round-trip plot, NULL for none; graded is the
 * observation res graded, for the reflector mode the reports record (NULL:
 * several, no one mode). Returns the exit status. */
int conform_report_results(const struct conform_opts *o, const char *suite,
                           const char *target, uint64_t start_ns,
                           const struct ippm_case_result *res, size_t n,
                           const struct ippm_exchange *ex, size_t n_ex,
                           const struct ippm_obs *graded);

/* The catalogue on obs into a calloc'd array (*n results). NULL with the
 * exit status in *status: out of memory, or --only matching nothing
 * (suite NULL: no case is no error). */
struct ippm_case_result *conform_run_catalogue(const struct ippm_obs *obs,
                                               const struct conform_opts *o,
                                               const char *suite, size_t *n,
                                               int *status);

/* Before any traffic: 0 when every comma-separated prefix of only (NULL:
 * all) selects a case of protocol and of a role in roles (bit 1u << enum
 * ippm_role), else -1 after one line naming the prefix, the closest ID
 * and the ID families; what names the scope ("stamp-reflector"). */
int conform_check_only(const char *only, const char *protocol, unsigned roles,
                       const char *what);

/* The cases obs is graded by: only when the user named some; else, for
 * TWAMP Light's packets (protocol "twamp" with a stamp_obs_pkt), the
 * TWAMP-Test rows (cases/twamp_test.c) and not TWAMP-Control's, which its
 * traffic cannot show; for TWAMP-Control without test packets (no
 * exchange), every TWAMP row but those; else NULL (every case of the
 * protocol). */
const char *conform_default_only(const struct ippm_obs *obs,
                                 const char *only);

/* --path WORD[,WORD]: what the path to the peer rewrites ("nat",
 * "remark") into *flags (IPPM_PATH_*). Returns 0, or -1 after one line
 * naming the unknown word (a usage error, before any traffic). */
int conform_path_parse(const char *opt, const char *s, unsigned *flags);

/* --mode open|auth|encrypted|mixed into *mode (proto/owtw's bit).
 * Returns 0, or -1 after one line. */
int conform_owtw_mode(const char *opt, const char *s, uint32_t *mode);

/* Runs the OWAMP (ow) or TWAMP server probes against target, grades
 * them and writes the reports (conform_owtw_cmd.c); name is the
 * subcommand, shown the argument as given. Returns the exit status. */
int conform_owtw_server(const struct conform_opts *o,
                        const struct ippm_addr *target, bool ow,
                        const char *name, const char *shown);

/* ippm's own OWAMP (ow) or TWAMP server, started as a child process on
 * a free loopback port (with a fresh key in modes A/E when auth), probed
 * as conform_owtw_server probes somebody's; its results into *res (*n
 * cases, calloc'd). Returns the exit status. */
int conform_owtw_self(const struct conform_opts *o, bool ow, bool auth,
                      const struct ippm_crypto *crypto,
                      struct ippm_case_result **res, size_t *n);

/* ippm's own RMBT UDP ping server (conform_rmbt.c). */
extern const struct conform_selftest conform_selftest_rmbt_server;

/* ippm's own TWAMP and OWAMP servers, open and encrypted. */
extern const struct conform_selftest conform_selftest_twamp_server;
extern const struct conform_selftest conform_selftest_owamp_server;
/* ippm's own UDPing sender, graded (conform_udping.c). */
extern const struct conform_selftest conform_selftest_udping_sender;
extern const struct conform_selftest conform_selftest_udping_server;

/* This binary (/proc/self/exe) run with argv as a child, with an empty
 * signal mask (the grading thread's blocked SIGINT and SIGTERM are not
 * the child's), stdout and stderr to /dev/null: the self-test's own
 * servers and clients (conform_spawn.c). The child's pid, or -1. */
pid_t conform_spawn_self(char *const argv[]);

/* Stops a child: SIGTERM, then SIGKILL if it is still there after 2 s (a
 * child stuck in its start-up must not hang the self-test). */
void conform_stop_child(pid_t child);

/* A UDP port free on 127.0.0.1 now (bound, then let go); 0 when none. */
uint16_t conform_free_udp_port(void);

/* From now on SIGINT and SIGTERM set ippm_net_stopping() instead of
 * killing the process, and stay unblocked: a grading run has no ppoll to
 * open them, so a blocked poll or read returns EINTR at once. The live
 * probes, the sender under test and the capture reader then stop, and
 * what was observed is graded and reported as interrupted, exit
 * IPPM_EXIT_INTERRUPTED (issue 10 item 11). */
void conform_catch_stop(void);

/* "sent N requests, M answered, ..." and the ICMP warning. */
void conform_print_traffic(const struct conform_run *run);

/* No probe answered: nothing came back, or the port is closed. */
bool conform_no_reply(const struct conform_run *run);

/* `ippm conform` with no target: every target's self-test (targets,
 * n_targets), merged, reported. Returns the exit status. */
int conform_self_suite(const struct conform_opts *o,
                       const struct conform_target *targets,
                       size_t n_targets);

#endif
