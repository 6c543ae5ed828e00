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
#include <stddef.h>
#include <stdint.h>

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

/* IP TTL / Hop Limit to set, 1-255. */
int ippm_cli_ttl(const char *opt, const char *s, int *out);

/* Seconds as a decimal ("0.01", "2", "1e-3") in [min_s, max_s], to ns. */
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
 * non-zero. An empty s, or one of 512 octets or more, is refused with
 * "OPT: 'S' is not WHAT". Returns 0, or -1 after one line (each prints
 * its own). */
int ippm_cli_each(const char *opt, const char *s, const char *what,
                  int (*each)(const char *opt, char *item, void *arg),
                  void *arg);

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

/* getopt_long over argv (argv[0] is the command's own name, prog is how
 * messages name it: "stamp sender"). Returns the option's value as
 * getopt_long does, -1 at the end, or '?' after printing one line for an
 * unknown option or a missing value. Options and operands may mix; the
 * operands end up at argv[optind..]. Call with first = 1 to restart. */
int ippm_cli_next(int argc, char **argv, const char *shortopts,
                  const struct option *longopts, const char *prog, int first);

#endif
