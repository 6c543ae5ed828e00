/* TWAMP Light (RFC 5357 Appendix I): `ippm twamp light-reflector` and
 * `ippm twamp light-sender`, front ends of the STAMP drivers
 * (impl/stamp/driver.h) in the TWAMP-Light flavour. Each takes the
 * arguments after "twamp" and returns an enum ippm_exit status. */
#ifndef IPPM_TWAMP_LIGHT_H
#define IPPM_TWAMP_LIGHT_H

#include "impl/stamp/driver.h"

int twamp_light_reflector_main(int argc, char **argv);
int twamp_light_sender_main(int argc, char **argv);

/* Modes A and E from the 64 octets of a key (AES Session-key, HMAC
 * Session-key, SID), as --auth-key-file's 128 hex digits give them: the
 * operations for a reflector or sender and their state, which
 * twamp_light_reflector_front.auth_close frees. Returns -1 to go on,
 * else the exit status after one line. */
int twamp_light_auth_raw(const char *prog, const uint8_t raw[64],
                         bool encrypted, bool symmetrical, uint16_t errest,
                         const struct stamp_twl_auth **ops, void **state);

/* The front ends themselves, for ippm conform's self-test. */
extern const struct stamp_front twamp_light_reflector_front;
extern const struct stamp_front twamp_light_sender_front;

#endif
