#include <stdio.h>
#include <string.h>

#include "impl/core/cli.h"
#include "impl/commands.h"
#include "impl/stamp/driver.h"

static void stamp_usage(FILE *f)
{
    fputs("usage: ippm stamp reflector [options]   answer STAMP test packets\n"
          "       ippm stamp sender HOST [options] measure to a reflector\n"
          "STAMP is RFC 8762. 'ippm stamp reflector --help' and\n"
          "'ippm stamp sender --help' list the options.\n"
          "Exit status: 2 on a bad command line; each subcommand's own\n"
          "otherwise (see its --help).\n",
          f);
}

/* see commands.h */
int cmd_stamp(int argc, char **argv)
{
    if (argc < 2) {
        ippm_cli_error("stamp: missing 'reflector' or 'sender' (see "
                       "'ippm stamp --help')");
        return IPPM_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        stamp_usage(stdout);
        return IPPM_EXIT_OK;
    }
    if (strcmp(sub, "reflector") == 0)
        return stamp_reflector_main(argc - 1, argv + 1);
    if (strcmp(sub, "sender") == 0)
        return stamp_sender_main(argc - 1, argv + 1);
    ippm_cli_error("stamp: unknown subcommand '%s' (reflector or sender)", sub);
    return IPPM_EXIT_USAGE;
}
