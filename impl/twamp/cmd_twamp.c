/* `ippm twamp`: the dispatcher of TWAMP's programs (RFC 5357). */
#include <stdio.h>

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

static const struct ippm_cli_sub twamp_subs[] = {
    {"light-reflector", twamp_light_reflector_main, NULL},
    {"light-sender", twamp_light_sender_main, NULL},
    /* TWAMP-Control server: twamp_server.c */
    {"server", twamp_server_main, NULL},
    /* TWAMP-Control client: twamp_client.c */
    {"client", twamp_client_main, NULL},
};

/* see commands.h */
int cmd_twamp(int argc, char **argv)
{
    static const struct ippm_cli_subs c = {
        "twamp", twamp_subs, sizeof twamp_subs / sizeof twamp_subs[0],
        twamp_usage, NULL,
        "server, client, light-reflector or light-sender"};
    return ippm_cli_dispatch(&c, argc, argv);
}
