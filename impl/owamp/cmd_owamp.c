#include <stdio.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/owamp/owamp_prog.h"

static void owamp_usage(FILE *f)
{
    fputs("usage: ippm owamp server [options]        answer OWAMP clients\n"
          "       ippm owamp client HOST [options]   measure one-way delays\n"
          "OWAMP is RFC 4656. 'ippm owamp server --help' and\n"
          "'ippm owamp client --help' list the options.\n"
          "Exit status: 2 on a bad command line; each subcommand's own\n"
          "otherwise (see its --help).\n",
          f);
}

/* see commands.h */
int cmd_owamp(int argc, char **argv)
{
    if (argc < 2) {
        ippm_cli_error("owamp: missing 'server' or 'client' (see "
                       "'ippm owamp --help')");
        return IPPM_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        owamp_usage(stdout);
        return IPPM_EXIT_OK;
    }
    if (strcmp(sub, "server") == 0)
        return owamp_server_main(argc - 1, argv + 1);
    if (strcmp(sub, "client") == 0)
        return owamp_client_main(argc - 1, argv + 1);
    ippm_cli_error("owamp: unknown subcommand '%s' (server or client)", sub);
    return IPPM_EXIT_USAGE;
}
