/* The two STAMP drivers behind `ippm stamp`. Each takes the arguments
 * after "stamp" (argv[0] is "reflector" or "sender") and returns an
 * enum ippm_exit status. */
#ifndef IPPM_STAMP_DRIVER_H
#define IPPM_STAMP_DRIVER_H

#include <getopt.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "impl/core/net.h"
#include "proto/common/ippm_time.h"
#include "proto/stamp/stamp.h"

/* A front end of the two drivers: `ippm stamp` itself, or `ippm twamp
 * light-reflector|light-sender` (impl/twamp/light.c), TWAMP-Light (RFC
 * 5357 Appendix I) on the same loops and machines. */
struct stamp_front {
    const char *prog;        /* "stamp reflector": messages, banner */
    const char *section;     /* its --config section */
    const char *proto;       /* "STAMP", "TWAMP-Light": summaries */
    const char *json_proto;  /* "stamp", "twamp-light": JSON "protocol" */
    enum stamp_flavour flavour;
    void (*usage)(FILE *f);  /* --help, before the short options line */
    const char *const *drop; /* long options it does not take, NULL-ended */
    /* TWAMP Light's modes A and E (RFC 5357 Appendix I); NULL for STAMP,
     * whose --auth-key-file keys its own HMAC. auth_open loads the key
     * of key_file (or IPPM_AUTH_KEY) and readies the operations the
     * machine takes as twl_auth, mode E when encrypted; errest is the
     * reflector clock's Error Estimate. *ops is NULL when no key is
     * given. Returns -1 to go on, else the exit status after one line.
     * auth_close frees *state (NULL: nothing). */
    int (*auth_open)(const char *prog, const char *key_file, bool encrypted,
                     bool symmetrical, uint16_t errest,
                     const struct stamp_twl_auth **ops, void **state);
    void (*auth_close)(void *state);
    size_t auth_sender_base; /* the mode A/E sender packet, 48 */
    const char *(*auth_mode_name)(const void *state); /* "authenticated" */
};

/* The drivers as front end f runs them (argv[0] its subcommand name). */
int stamp_reflector_front_main(int argc, char **argv,
                               const struct stamp_front *f);
int stamp_sender_front_main(int argc, char **argv,
                            const struct stamp_front *f);

/* all (NULL-ended) without the options f drops, into out, which has room
 * for all of them. */
void stamp_front_longopts(const struct stamp_front *f,
                          const struct option *all, struct option *out);

/* ippm stamp reflector [--listen ADDR] [--port PORT] [--stateful] ... */
int stamp_reflector_main(int argc, char **argv);

/* ippm stamp sender HOST [--port PORT] [--count N] ... */
int stamp_sender_main(int argc, char **argv);

/* ---- the reflector loop without the command line ---- */

/* How stamp_reflector_serve runs: as `ippm stamp reflector` with its
 * defaults (RFC 8972 TLVs on, 60 s sessions, 4096 of them, 64 per source
 * address), but these. */
struct stamp_reflector_serve_opts {
    const struct ippm_sock *sock; /* bound; the caller's, left open */
    bool stateful;                /* --stateful */
    bool auth;                    /* authenticated mode, with key */
    enum ippm_tsfmt tsfmt;        /* --timestamp */
    const uint8_t *key;           /* auth key, else open mode's HMAC TLV
                                   * key (--hmac-key-file); NULL: none */
    size_t key_len;               /* at most IPPM_KEY_MAX */
    uint16_t micro_session_id;    /* --micro-session, 0: none */
    uint64_t dscp_permitted;      /* --dscp-permitted: bit d, DSCP d */
    const uint16_t *ssids;        /* --ssid-set: provisioned SSIDs */
    size_t n_ssids;               /* 0: every SSID answered */
    const atomic_bool *stop;      /* the loop returns once it is set */
    const struct stamp_front *front; /* NULL: STAMP; else its flavour */
    bool symmetrical;             /* TWAMP-Light: --symmetrical */
    /* TWAMP Light in mode A or E: the caller's operations (and state),
     * which must outlive the loop; NULL: open. */
    const struct stamp_twl_auth *twl_auth;
};

/* Runs the loop of `ippm stamp reflector` on o->sock until *o->stop is
 * set (checked at least every 50 ms), e.g. in a thread of its own; it
 * prints nothing but errors. Returns IPPM_EXIT_OK, or IPPM_EXIT_RUNTIME
 * after one line on stderr (no memory, no HMAC-SHA-256, a receive
 * error). */
int stamp_reflector_serve(const struct stamp_reflector_serve_opts *o);

#endif
