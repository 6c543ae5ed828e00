/* The two full-TWAMP programs behind `ippm twamp` (impl/twamp/cmd_twamp.c
 * dispatches; TWAMP Light has its own). Each takes the arguments after
 * "twamp" (argv[0] is "server" or "client") and returns an enum
 * ippm_exit status. */
#ifndef IPPM_TWAMP_PROG_H
#define IPPM_TWAMP_PROG_H

/* ippm twamp server [--port 862] [--modes LIST] [--keys FILE] ... */
int twamp_server_main(int argc, char **argv);

/* ippm twamp client HOST[:PORT] [--modes LIST] [--count N] ... */
int twamp_client_main(int argc, char **argv);

#endif
