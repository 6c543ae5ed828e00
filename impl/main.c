/* ippm: dispatch to a subcommand (commands.h). */
#include <stdio.h>
#include <string.h>

#include "impl/core/cli.h"
#include "commands.h"

#ifndef IPPM_VERSION
#define IPPM_VERSION "0.1.0"
#endif

struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *what;
};

static const struct subcommand subcommands[] = {
    {"stamp", cmd_stamp, "STAMP (RFC 8762) reflector and sender"},
    {"twamp", cmd_twamp, "TWAMP (RFC 5357) and TWAMP Light"},
    {"conform", cmd_conform, "grade a live implementation against the RFCs"},
    {"pcap", cmd_pcap, "grade the exchanges in a capture file"},
    {"relay", cmd_relay, "deterministic impairment relay with a truth file"},
    {"bench", cmd_bench, "measure this implementation's throughput"},
    {"catalogue", cmd_catalogue, "which RFC sentence each case grades, or why none"},
    {"owamp", cmd_owamp, "OWAMP (RFC 4656) server and client"},
    {"rmbt", cmd_rmbt, "RMBT UDP ping (open-rmbt-udp-ping) server, ping, token"},
    {"udping", cmd_udping, "UDPing (yahoo/UDPing) one-way client and server"},
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *f)
{
    fputs("usage: ippm COMMAND [options]\n"
          "IP active measurement: conformance suite and reference "
          "implementation.\n\ncommands:\n",
          f);
    for (size_t i = 0; i < N_SUBCOMMANDS; i++)
        fprintf(f, "  %-9s %s\n", subcommands[i].name, subcommands[i].what);
    fputs("\n'ippm COMMAND --help' describes each.\n", f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        ippm_cli_error("missing command (see 'ippm --help')");
        return IPPM_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        usage(stdout);
        return IPPM_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("ippm %s\n", IPPM_VERSION);
        return IPPM_EXIT_OK;
    }
    for (size_t i = 0; i < N_SUBCOMMANDS; i++)
        if (strcmp(cmd, subcommands[i].name) == 0)
            return subcommands[i].run(argc - 1, argv + 1);
    ippm_cli_error("unknown command '%s' (see 'ippm --help')", cmd);
    return IPPM_EXIT_USAGE;
}
