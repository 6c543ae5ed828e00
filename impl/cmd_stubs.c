/* Weak stand-ins for subcommands built in parallel, so the binary links
 * whichever of them exist; a real definition elsewhere wins. */
#include <stdio.h>

#include "commands.h"

static int not_built(const char *name)
{
    fprintf(stderr, "ippm: %s: not built\n", name);
    return IPPM_EXIT_RUNTIME;
}

/* see commands.h */
__attribute__((weak)) int cmd_conform(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return not_built("conform");
}

/* see commands.h */
__attribute__((weak)) int cmd_pcap(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return not_built("pcap");
}

/* see commands.h */
__attribute__((weak)) int cmd_bench(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return not_built("bench");
}
