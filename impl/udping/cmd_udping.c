/* ippm udping: dispatch to the client or the server (udping_cmd.h). */
#include <stdio.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/udping/udping_cmd.h"

struct udping_sub {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *what;
};

/* One line per subcommand: the usage is made from it, so the server
 * joins with one more line here. */
static const struct udping_sub subs[] = {
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
    if (argc < 2) {
        ippm_cli_error("udping: missing subcommand (see 'ippm udping "
                       "--help')");
        return IPPM_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        udping_usage(stdout);
        return IPPM_EXIT_OK;
    }
    for (size_t i = 0; i < N_SUBS; i++)
        if (strcmp(sub, subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    ippm_cli_error("udping: unknown subcommand '%s' (see 'ippm udping "
                   "--help')", sub);
    return IPPM_EXIT_USAGE;
}
