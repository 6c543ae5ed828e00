/* Subcommands of the ippm binary. Each takes the arguments after its own
 * name (argv[0] is the subcommand name) and returns the process exit
 * status. main.c dispatches; nothing else is shared between them. */
#ifndef IPPM_COMMANDS_H
#define IPPM_COMMANDS_H

/* Exit statuses, the same for every subcommand. */
enum ippm_exit {
    IPPM_EXIT_OK = 0,       /* ran, and every MUST passed */
    IPPM_EXIT_FAIL = 1,     /* ran, and a MUST failed (or a SHOULD with --strict) */
    IPPM_EXIT_USAGE = 2,    /* bad command line: one-line error on stderr */
    IPPM_EXIT_RUNTIME = 3,  /* could not run: socket, file, resolve errors */
    /* ran, but graded nothing: every case n/a, or no request/reply pair
     * in the traffic. Never a pass, --strict or not (issue 9). */
    IPPM_EXIT_NOTHING = 4,
    /* ippm conform, ippm pcap check: stopped by SIGINT or SIGTERM; the
     * reports cover what was graded before it (issue 10 item 11). */
    IPPM_EXIT_INTERRUPTED = 5
};

int cmd_stamp(int argc, char **argv);     /* ippm stamp reflector|sender ... */
int cmd_twamp(int argc, char **argv);     /* ippm twamp light-reflector|light-sender|server|client ... */
int cmd_conform(int argc, char **argv);   /* ippm conform [stamp-reflector|stamp-sender] ... */
int cmd_pcap(int argc, char **argv);      /* ippm pcap check FILE ... */
int cmd_bench(int argc, char **argv);     /* ippm bench echo|load ... (ci/bench.sh) */
int cmd_relay(int argc, char **argv);     /* ippm relay --listen A:P --to A:P ... */
int cmd_catalogue(int argc, char **argv); /* ippm catalogue --coverage [RFC] */
int cmd_owamp(int argc, char **argv);     /* ippm owamp server|client ... */
int cmd_rmbt(int argc, char **argv);      /* ippm rmbt server|ping|token ... */
int cmd_udping(int argc, char **argv);    /* ippm udping client|server ... */

#endif
