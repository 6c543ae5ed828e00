/* `ippm udping client|server`: the two mains cmd_udping.c dispatches to,
 * each taking argv with argv[0] its own name. */
#ifndef UDPING_CMD_H
#define UDPING_CMD_H

int udping_client_main(int argc, char **argv); /* udping_client.c */
int udping_server_main(int argc, char **argv); /* udping_server.c */

#endif
