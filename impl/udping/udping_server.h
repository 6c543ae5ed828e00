/* `ippm udping server`: the receiving end of UDPing (yahoo/UDPing;
 * ../shared/notes/udping.md). It listens for the one-way stream, keeps
 * the per-guid sessions of proto/udping and writes every finished one
 * in the original's formats (udping_out.h): JSON lines on stdout, plain
 * and tagged statsd, -v per-packet lines. */
#ifndef UDPING_SERVER_H
#define UDPING_SERVER_H

/* argv[0] is "server". Returns the exit status: 0 after a clean stop
 * (SIGINT, SIGTERM), 2 on a bad command line, 3 when it could not run. */
int udping_server_main(int argc, char **argv);

#endif
