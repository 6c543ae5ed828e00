/* ippm udping: dispatch to the client or the server (udping_cmd.h). */
#include <stdio.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/udping/udping_cmd.h"

/* One line per subcommand: the usage is made from it, so the server
 * joins with one more line here. */
static const struct ippm_cli_sub subs[] = {
    {"client", udping_client_main, "send a UDPing stream (yahoo/UDPing)"},
    {"server", udping_server_main, "receive UDPing streams, report each session"},
};

#define N_SUBS (sizeof subs / sizeof subs[0])

static void udping_usage(FILE *f)
{
    for (size_t i = 0; i < N_SUBS; i++)
        fprintf(f, "%s ippm udping %s [options]   %s\n",
                i ? "      " : "usage:", subs[i].name, subs[i].what);
    fputs("UDPing measures one-way latency and loss over several source\n"
          "ports. 'ippm udping SUBCOMMAND --help' lists the options.\n"
          "Exit status: 2 on a bad command line; each subcommand's own\n"
          "otherwise (see its --help).\n",
          f);
}

/* see commands.h */
int cmd_udping(int argc, char **argv)
{
    static const struct ippm_cli_subs c = {"udping", subs, N_SUBS,
                                           udping_usage, NULL, NULL};
    return ippm_cli_dispatch(&c, argc, argv);
}
