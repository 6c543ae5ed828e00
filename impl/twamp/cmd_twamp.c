/* `ippm twamp`: the dispatcher of TWAMP's programs (RFC 5357). */
#include <stdio.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/twamp/light.h"
#include "impl/twamp/twamp_prog.h"

static void twamp_usage(FILE *f)
{
    fputs("usage: ippm twamp server [options]\n"
          "       ippm twamp client HOST[:PORT] [options]\n"
          "       ippm twamp light-reflector [[HOST:]PORT] [options]\n"
          "       ippm twamp light-sender HOST[:PORT] [options]\n"
          "TWAMP is RFC 5357, TWAMP Light its Appendix I. 'ippm twamp\n"
          "SUBCOMMAND --help' lists the options.\n"
          "Exit status: 2 on a bad command line; each subcommand's own\n"
          "otherwise (see its --help).\n",
          f);
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} twamp_subs[] = {
    {"light-reflector", twamp_light_reflector_main},
    {"light-sender", twamp_light_sender_main},
    {"server", twamp_server_main}, /* TWAMP-Control server: twamp_server.c */
    {"client", twamp_client_main}, /* TWAMP-Control client: twamp_client.c */
};

/* see commands.h */
int cmd_twamp(int argc, char **argv)
{
    if (argc < 2) {
        ippm_cli_error("twamp: missing subcommand (see 'ippm twamp --help')");
        return IPPM_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        twamp_usage(stdout);
        return IPPM_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof twamp_subs / sizeof twamp_subs[0]; i++)
        if (strcmp(argv[1], twamp_subs[i].name) == 0)
            return twamp_subs[i].run(argc - 1, argv + 1);
    ippm_cli_error("twamp: unknown subcommand '%s' (server, client, "
                   "light-reflector or light-sender)",
                   argv[1]);
    return IPPM_EXIT_USAGE;
}
