/* The two OWAMP programs behind `ippm owamp`. Each takes the arguments
 * after "owamp" (argv[0] is "server" or "client") and returns an
 * enum ippm_exit status. */
#ifndef IPPM_OWAMP_PROG_H
#define IPPM_OWAMP_PROG_H

/* ippm owamp server [--port 861] [--modes LIST] [--keys FILE] ... */
int owamp_server_main(int argc, char **argv);

/* ippm owamp client HOST[:PORT] [--to|--from|--both] ... */
int owamp_client_main(int argc, char **argv);

#endif
