#include <stdio.h>

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

static const struct ippm_cli_sub owamp_subs[] = {
    {"server", owamp_server_main, NULL},
    {"client", owamp_client_main, NULL},
};

/* see commands.h */
int cmd_owamp(int argc, char **argv)
{
    static const struct ippm_cli_subs c = {
        "owamp", owamp_subs, sizeof owamp_subs / sizeof owamp_subs[0],
        owamp_usage, "'server' or 'client'", "server or client"};
    return ippm_cli_dispatch(&c, argc, argv);
}
