/* The programs behind `ippm rmbt` (impl/rmbt/cmd_rmbt.c dispatches):
 * the RMBT UDP ping of open-rmbt-udp-ping (rmbt-udp-ping notes). Each
 * takes the arguments after "rmbt" (argv[0] is its own name) and returns
 * an enum ippm_exit status. */
#ifndef IPPM_RMBT_CMD_H
#define IPPM_RMBT_CMD_H

#include "proto/common/ippm_addr.h"

/* ippm rmbt server [--port 444] [--secret S | --secret-file F] ...
 * (impl/rmbt/rmbt_server.c) */
int rmbt_server_main(int argc, char **argv);

/* ippm rmbt ping --host H[:PORT] (--seed S --ip IP | --token B64) ...
 * (impl/rmbt/rmbt_ping.c) */
int rmbt_ping_main(int argc, char **argv);

/* ippm rmbt token --seed S --ip IP [--time UNIX] (impl/rmbt/cmd_rmbt.c):
 * makeToken.py's four lines. */
int rmbt_token_main(int argc, char **argv);

/* The address a token is minted for, as makeToken.py takes it: numeric
 * IPv4 or IPv6 (a %zone is ignored, as the hash has none). Returns 0, or
 * -1 after one line on stderr keeping the original's wording:
 *   ippm: rmbt token: Invalid IP address - 'x' does not appear to be an
 *   IPv4 or IPv6 address */
int rmbt_cli_ip(const char *prog, const char *s, struct ippm_addr *out);

#endif
