/* TWAMP Light (RFC 5357 Appendix I): `ippm twamp light-reflector` and
 * `ippm twamp light-sender`, front ends of the STAMP drivers
 * (impl/stamp/driver.h) in the TWAMP-Light flavour. Each takes the
 * arguments after "twamp" and returns an enum ippm_exit status. */
#ifndef IPPM_TWAMP_LIGHT_H
#define IPPM_TWAMP_LIGHT_H

#include "impl/stamp/driver.h"

int twamp_light_reflector_main(int argc, char **argv);
int twamp_light_sender_main(int argc, char **argv);

/* The front ends themselves, for ippm conform's self-test. */
extern const struct stamp_front twamp_light_reflector_front;
extern const struct stamp_front twamp_light_sender_front;

#endif
