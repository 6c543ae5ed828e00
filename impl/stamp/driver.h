/* The two STAMP drivers behind `ippm stamp`. Each takes the arguments
 * after "stamp" (argv[0] is "reflector" or "sender") and returns an
 * enum ippm_exit status. */
#ifndef IPPM_STAMP_DRIVER_H
#define IPPM_STAMP_DRIVER_H

/* ippm stamp reflector [--listen ADDR] [--port PORT] [--stateful] ... */
int stamp_reflector_main(int argc, char **argv);

/* ippm stamp sender HOST [--port PORT] [--count N] ... */
int stamp_sender_main(int argc, char **argv);

#endif
