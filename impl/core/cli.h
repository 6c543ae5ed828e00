/* Command-line helpers shared by every subcommand: value parsers that
 * print one clear line on failure, and a getopt_long wrapper that words
 * unknown or incomplete options the same way everywhere.
 *
 * Every parser takes the option's name as written ("--port") for the
 * message, returns 0 on success, or prints
 *   ippm: --port: '70000' is not a port (1-65535)
 * on stderr and returns -1; the caller then exits with IPPM_EXIT_USAGE. */
#ifndef IPPM_CLI_H
#define IPPM_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "proto/common/ippm_addr.h"
#include "proto/common/ippm_time.h"

/* Prints "ippm: " + the formatted message + newline on stderr. */
void ippm_cli_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* UDP port, 1-65535. */
int ippm_cli_port(const char *opt, const char *s, uint16_t *out);

/* Unsigned integer in [min, max], decimal; what names it in the message
 * ("a count"). */
int ippm_cli_uint(const char *opt, const char *s, uint64_t min, uint64_t max,
                  const char *what, uint64_t *out);

/* ippm_cli_uint into a narrower field; [min, max] must fit it. *out is
 * left alone on failure. */
int ippm_cli_u32(const char *opt, const char *s, uint32_t min, uint32_t max,
                 const char *what, uint32_t *out);
int ippm_cli_u16(const char *opt, const char *s, uint16_t min, uint16_t max,
                 const char *what, uint16_t *out);

/* A comma-separated list of ippm_cli_u16 values ("1,2,4660") into out,
 * at most cap of them; *n gets how many. */
int ippm_cli_u16_list(const char *opt, const char *s, uint16_t min,
                      uint16_t max, const char *what, uint16_t *out,
                      size_t cap, size_t *n);

/* The value of one hex digit, either case; -1 for any other character. */
int ippm_cli_hex_digit(char c);

/* IP TTL / Hop Limit to set, 1-255. */
int ippm_cli_ttl(const char *opt, const char *s, int *out);

/* The one duration parser of every command: a decimal with a unit, ns
 * us ms s m (or min) h ("250us", "1.5ms", "10s", "5m", "1h"), in
 * [min_ns, max_ns], to ns. A bare number is seconds when bare_seconds
 * (every option that took seconds before units), else only "0" goes
 * without a unit (the relay's --delay: "5" could mean anything). */
int ippm_cli_duration(const char *opt, const char *s, uint64_t min_ns,
                      uint64_t max_ns, bool bare_seconds, uint64_t *out_ns);

/* ippm_cli_duration with bare seconds ("0.01", "2", "1e-3") and the
 * bounds in seconds. */
int ippm_cli_seconds(const char *opt, const char *s, double min_s,
                     double max_s, uint64_t *out_ns);

/* One item of a range list: "N" or "N-M", each an ippm_cli_uint in
 * [min, max], into *lo and *hi (equal for "N"); "M-N" with N < M is an
 * empty range. item is written to. Returns 0, or -1 after one line. */
int ippm_cli_range(const char *opt, char *item, uint64_t min, uint64_t max,
                   const char *what, uint64_t *lo, uint64_t *hi);

/* DSCP, 0-63 (the TOS octet is this shifted left by two). */
int ippm_cli_dscp(const char *opt, const char *s, uint8_t *out);

/* "ntp" or "ptp". */
int ippm_cli_tsfmt(const char *opt, const char *s, enum ippm_tsfmt *out);

/* Calls each(opt, item, arg) on every item of the comma list s ("862,5000";
 * empty items are skipped; item is a writable copy) until one returns
 * non-zero. An empty s, or one of 1024 octets or more, is refused with
 * "OPT: 'S' is not WHAT". Returns 0, or -1 after one line (each prints
 * its own). */
int ippm_cli_each(const char *opt, const char *s, const char *what,
                  int (*each)(const char *opt, char *item, void *arg),
                  void *arg);

/* Splits an address as people type it: HOST, HOST:PORT, [V6], [V6]:PORT,
 * or a bare V6 (two colons or more make an address, never HOST:PORT).
 * host gets the name or address without brackets, *port the text after
 * the port's colon (NULL: none written). Returns 0, or -1 when s is none
 * of these (empty, an unclosed '[', text after ']', an empty HOST). */
int ippm_cli_split_addr(const char *s, char *host, size_t cap,
                        const char **port);

/* Every peer and every --listen of every command: s split as above,
 * the port checked, the host resolved. The port is the one s names, else
 * port (--port, 0 when not given), else default_port (0: s must name
 * one). An IPv6 link-local host carries its zone (fe80::1%eth0,
 * [fe80::1%2]:862: an interface name or index, RFC 4007 §11) into
 * out->scope_id; it must have one, and no other address may. Returns 0;
 * IPPM_EXIT_USAGE after one line for a bad syntax (an empty zone, a
 * zone on a non-link-local address or none on a link-local one), a
 * missing port or a port that --port contradicts; IPPM_EXIT_RUNTIME
 * after one line when the host does not resolve or the zone names no
 * interface of this host, as both depend on the host, not the syntax:
 *   ippm: stamp sender: cannot resolve 'nowhere.invalid': Name or ...
 *   ippm: stamp sender: no interface 'eth9' on this host (zone of ...) */
int ippm_cli_addr(const char *opt, const char *s, uint16_t port,
                  uint16_t default_port, struct ippm_addr *out);

/* One line for a socket ippm_net_open_bound could not bind, from its err
 * and errno (call it straight after), with what to do about the two
 * usual causes; port_opt is the option that chooses the port:
 *   ippm: stamp reflector: bind [::]:862: Permission denied: a port below
 *   1024 needs CAP_NET_BIND_SERVICE (...), or choose another with --port
 *   ippm: relay: --listen: bind 127.0.0.1:9000: Address already in use:
 *   another socket has 127.0.0.1:9000; stop its process or choose
 *   another with --listen
 * An err that is no bind's is printed as it is. */
void ippm_cli_bind_error(const char *prog, const char *err,
                         const char *port_opt);

/* A result file an option names: --json FILE and the like. */
struct ippm_cli_output {
    const char *opt;  /* "--json" */
    const char *path; /* NULL: not asked for */
};

/* Checks the n outputs before any traffic, so that a run never measures
 * and then loses its result: each path given can be written whole later
 * (ippm_atomic_probe), and no two options name the same file. Returns 0,
 * or -1 after one line:
 *   ippm: --json: cannot write '/nonexistent/x.json': No such file ... */
int ippm_cli_outputs(const struct ippm_cli_output *outs, size_t n);

/* Where a command writes the reports nobody named (`ippm conform` with
 * no --json or --junit): a folder of the working directory that
 * .gitignore covers, so a run in a checkout leaves nothing untracked.
 * Every later command with default report files uses it too. */
#define IPPM_REPORTS_DIR "reports"

/* Creates IPPM_REPORTS_DIR in the working directory unless it is there.
 * Returns 1 when it made it (a run refused later removes it again), 0
 * when it was there, or -1 after one line naming it and the reason. */
int ippm_cli_reports_dir(void);

/* getopt_long over argv (argv[0] is the command's own name, prog is how
 * messages name it: "stamp sender"). Returns the option's value as
 * getopt_long does, -1 at the end, or '?' after printing one line for an
 * unknown option or a missing value. Options and operands may mix; the
 * operands end up at argv[optind..]. Call with first = 1 to restart.
 *
 * Every command gets the same short options without listing them: -c
 * --count, -i --interval, -p --port, -s --size, -d --duration, -q --quiet
 * (else --no-progress), -v --verbose (else --per-packet), -h --help, each
 * when longopts has that long option, returned as its value. A letter in
 * shortopts stays the caller's. -V and --version print "ippm VERSION"
 * and exit 0, in every command. */
int ippm_cli_next(int argc, char **argv, const char *shortopts,
                  const struct option *longopts, const char *prog, int first);

/* The end of every command's --help: a line naming the short options
 * that stand for longopts' long ones (ippm_cli_next), and one on units
 * when a long option takes a duration:
 *   Short options: -c --count, -p --port, -h --help, -V --version
 *   Durations take a unit: 250us, 5ms, 10s, 5m, 1h (a bare number is ...) */
void ippm_cli_short_usage(FILE *f, const struct option *longopts);

/* One subcommand of a command with several programs (`ippm rmbt ping`). */
struct ippm_cli_sub {
    const char *name; /* "ping" */
    int (*run)(int argc, char **argv); /* gets argv from the name on */
    const char *what; /* one line for a usage made from the table; NULL */
};

/* A command that only dispatches to its subcommands. */
struct ippm_cli_subs {
    const char *prog; /* "rmbt": names it in messages and in --help hints */
    const struct ippm_cli_sub *subs;
    size_t n;
    void (*usage)(FILE *f); /* what --help and -h print */
    const char *missing;    /* what is missing; NULL: "subcommand" */
    const char *unknown;    /* after an unknown one; NULL: the --help hint */
};

/* Runs the subcommand argv[1] names with argv + 1, prints the usage for
 * --help or -h (exit 0), or one line and IPPM_EXIT_USAGE when none is
 * given or it names none:
 *   ippm: rmbt: missing subcommand (see 'ippm rmbt --help')
 *   ippm: rmbt: unknown subcommand 'x' (see 'ippm rmbt --help') */
int ippm_cli_dispatch(const struct ippm_cli_subs *c, int argc, char **argv);

#endif
