/* The command lines `ippm twamp server|client` and `ippm owamp
 * server|client` share (perfSONAR's twping and owping take the same
 * options too): the options each role has, their parsing and their
 * --help lines. Private to impl/owtw, impl/twamp and impl/owamp. */
#ifndef IPPM_OWTW_CLI_H
#define IPPM_OWTW_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "impl/owtw/owtw_limits.h"
#include "proto/common/ippm_addr.h"
#include "impl/report/export.h"

/* Option ids of the shared options (beyond every single-letter one). */
enum owtw_opt {
    OWTW_OPT_PORT = 0x300,
    OWTW_OPT_LISTEN,
    OWTW_OPT_MODES,
    OWTW_OPT_KEYS,
    OWTW_OPT_KEY_ID,
    OWTW_OPT_TEST_PORTS,
    OWTW_OPT_SERVWAIT,
    OWTW_OPT_REFWAIT,
    OWTW_OPT_MAX_CONNS,
    OWTW_OPT_COUNT,
    OWTW_OPT_INTERVAL,
    OWTW_OPT_POISSON,
    OWTW_OPT_PADDING,
    OWTW_OPT_DSCP,
    OWTW_OPT_WAIT,
    OWTW_OPT_START_DELAY,
    OWTW_OPT_CONNECT_TIMEOUT,
    OWTW_OPT_TEST_PORT,
    OWTW_OPT_JSON,
    OWTW_OPT_JSONL,
    OWTW_OPT_HTML,
    OWTW_OPT_PER_PACKET,
    OWTW_OPT_HISTOGRAM,
    OWTW_OPT_NO_PROGRESS,
    OWTW_OPT_QUIET,
    OWTW_OPT_METRICS,
    OWTW_OPT_TO,
    OWTW_OPT_FROM,
    OWTW_OPT_BOTH,
    OWTW_OPT_HELP,
    OWTW_OPT_TEST_VIA,
};

#define OWTW_DEFAULT_PORT_TWAMP 862 /* RFC 5357 §3.1 (IANA) */
#define OWTW_DEFAULT_PORT_OWAMP 861 /* RFC 4656 §3.1 (IANA) */

/* Mode names of --modes, strongest last, each a bit of the Modes field
 * as the protocol defines it (owtw_cli_modes turns names into those). */
enum owtw_cli_mode_bit {
    OWTW_CLI_OPEN = 1u << 0,      /* unauthenticated */
    OWTW_CLI_AUTH = 1u << 1,      /* authenticated */
    OWTW_CLI_ENCRYPTED = 1u << 2, /* encrypted */
    OWTW_CLI_MIXED = 1u << 3,     /* RFC 5618: encrypted control, auth test */
};

/* Both protocols' servers. */
struct owtw_server_opts {
    const char *listen;       /* --listen ADDR[:PORT]; NULL every address */
    uint16_t port;            /* --port; 0: the protocol's */
    uint32_t modes;           /* --modes: OWTW_CLI_* bits offered */
    bool modes_given;
    const char *keys;         /* --keys FILE */
    uint16_t test_lo, test_hi;/* --test-ports; 0-0: any ephemeral port */
    uint64_t servwait_ns;     /* --servwait (RFC 5357 §3.1: 900 s) */
    uint64_t refwait_ns;      /* --refwait, TWAMP (RFC 5357 §4.2: 900 s) */
    uint32_t max_conns;       /* --max-conns */
    struct owtw_limits lim;   /* impl/owtw/owtw_limits.h */
    bool quiet;               /* --quiet */
    struct ippm_export_opts exp; /* --metrics (no SNMP OIDs yet) */
};

/* Which way an OWAMP client's sessions go. */
enum owtw_dir { OWTW_DIR_BOTH = 0, OWTW_DIR_TO, OWTW_DIR_FROM };

/* Both protocols' clients. */
struct owtw_client_opts {
    const char *host;         /* HOST[:PORT] as typed */
    uint16_t port;            /* --port; 0: from HOST or the default */
    uint32_t modes;           /* --modes: OWTW_CLI_* bits acceptable */
    bool modes_given;
    const char *keys;         /* --keys FILE */
    const char *key_id;       /* --key-id ID */
    uint32_t count;           /* --count (default 100) */
    uint64_t interval_ns;     /* --interval: mean gap (default 0.1 s) */
    bool poisson;             /* --poisson MEAN: exponential gaps */
    uint32_t padding;         /* --padding N: octets after the packet */
    bool padding_given;
    int dscp;                 /* --dscp N; -1 none */
    uint64_t wait_ns;         /* --wait: session Timeout (default 2 s) */
    uint64_t start_delay_ns;  /* --start-delay: Start Time - now (1 s) */
    uint64_t connect_timeout_ns; /* --connect-timeout (default 5 s) */
    uint16_t test_port;       /* --test-port N: Receiver Port to ask for */
    struct ippm_addr test_via; /* --test-via HOST:PORT: where test packets
                                * go instead (a relay before the server's
                                * test port); family NONE when not given */
    enum owtw_dir dir;        /* OWAMP: --to, --from, --both (default) */
    const char *json, *jsonl, *html; /* report files */
    bool per_packet;          /* --per-packet (-v) */
    bool histogram;           /* --histogram */
    bool no_progress;         /* --no-progress (-q) */
};

/* The long options of each role, ending with an all-zero entry: the
 * server's, the TWAMP client's and the OWAMP client's (--to, --from,
 * --both more). */
extern const struct option owtw_server_longopts[];
extern const struct option owtw_twamp_client_longopts[];
extern const struct option owtw_owamp_client_longopts[];

/* Defaults, before parsing. */
void owtw_server_defaults(struct owtw_server_opts *o);
void owtw_client_defaults(struct owtw_client_opts *o);

/* One option of the role: 0 taken, -1 after one line on stderr. */
int owtw_server_opt(struct owtw_server_opts *o, int id, const char *arg);
int owtw_client_opt(struct owtw_client_opts *o, int id, const char *arg);

/* Checks across options once all are parsed (--key-id needs --keys,
 * an authenticated mode needs a key, the report files can be written).
 * Returns 0, or -1 after one line. */
int owtw_server_check(struct owtw_server_opts *o, const char *prog);
int owtw_client_check(struct owtw_client_opts *o, const char *prog);

/* "open,auth,encrypted" (or the numbers 1,2,4,8, or all) into OWTW_CLI_*
 * bits. Returns 0, or -1 after one line. */
int owtw_cli_modes(const char *opt, const char *s, uint32_t *out);

/* The same for one protocol: without twamp, RFC 5618 mixed (mixed, 8) is
 * refused (it is a TWAMP mode) and "all" is open,auth,encrypted. */
int owtw_cli_modes_of(const char *opt, const char *s, bool twamp,
                      uint32_t *out);

/* The strongest mode of bits, as --modes names it ("encrypted"). */
const char *owtw_cli_mode_name(uint32_t bit);

/* The --help lines of each role's options, for the programs' usage;
 * section names the config file's [section]. */
void owtw_server_usage(FILE *f, const char *section, uint16_t port,
                       bool twamp);
void owtw_client_usage(FILE *f, const char *section, uint16_t port,
                       bool twamp);

/* Which program parses: how its messages and --help name it. */
struct owtw_prog {
    const char *prog;       /* "owamp server" */
    const char *section;    /* "owamp-server", of the config file */
    uint16_t default_port;  /* OWTW_DEFAULT_PORT_* */
    bool twamp;
    const char *usage_head; /* "usage: ..." and what it does */
    const char *usage_tail; /* "Exit status: ..." */
};

/* The whole command line of a server or a client (argv[0] its name),
 * --config FILE first (ippm_config_expand), then the options, the
 * client's HOST[:PORT], and the checks. Returns -1 to run, else the exit
 * status (0 after --help; IPPM_EXIT_USAGE after one line). */
int owtw_server_parse(struct owtw_server_opts *o, int argc, char **argv,
                      const struct owtw_prog *p);
int owtw_client_parse(struct owtw_client_opts *o, int argc, char **argv,
                      const struct owtw_prog *p);

#endif
