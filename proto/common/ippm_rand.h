/* Deterministic random numbers for proto/: a seeded PRNG and an
 * exponential deviate, both without libm, clock or global state.
 *
 * - ippm_rng is xoshiro256** 1.0 (Blackman and Vigna), its state filled
 *   by splitmix64 from one 64-bit seed, as its authors advise. It was the
 *   relay's (proto/netem) and moved here so that the relay and UDPing's
 *   sender share one generator. It is not cryptographic: it draws
 *   schedules, sizes and identifiers a test must be able to replay.
 * - ippm_exp_alg_s is RFC 4656's Algorithm S (§5.1, §5.2, Appendix A) on
 *   32.32 fixed point, over any source of uniform 32-bit quantities: OWAMP
 *   feeds it its AES counter stream (owtw_exp_next), UDPing its PRNG. It
 *   needs no logarithm, so it serves where the original programs take
 *   the log of a uniform (yahoo/UDPing: minus ln of rand over RAND_MAX,
 *   times d). */
#ifndef IPPM_RAND_H
#define IPPM_RAND_H

#include <stdint.h>

#include "ippm_err.h"

struct ippm_rng {
    uint64_t s[4];
};

/* The splitmix64 step: advances *x and returns the next output. */
uint64_t ippm_splitmix64(uint64_t *x);

/* Fills g's state with four splitmix64 outputs from seed (any value,
 * 0 included: splitmix64 never yields the all-zero state from it). */
void ippm_rng_seed(struct ippm_rng *g, uint64_t seed);

/* The next 64 uniform bits. */
uint64_t ippm_rng_next(struct ippm_rng *g);

/* The high 32 bits of the next output (the better ones). */
uint32_t ippm_rng_u32(struct ippm_rng *g);

/* Uniform on (0, 1), never 0 or 1: 53 bits plus a half. */
double ippm_rng_unit(struct ippm_rng *g);

/* Uniform on 0..n-1 for n >= 1 (Lemire's multiply-shift with rejection,
 * so no value is favoured); 0 when n is 0. */
uint32_t ippm_rng_below(struct ippm_rng *g, uint32_t n);

/* (a * b) >> 32 on 32.32 fixed-point numbers, computed exactly (RFC
 * 4656 §5.2); the result wraps as the RFC's sample code does. */
uint64_t ippm_num64_mul(uint64_t a, uint64_t b);

/* A source of uniform 32-bit quantities: returns IPPM_OK and *out, or
 * an error the deviate passes on (a crypto backend's failure). */
struct ippm_u32_source {
    enum ippm_err (*next)(void *ctx, uint32_t *out);
    void *ctx;
};

/* An exponential deviate of mean 1 as a 32.32 number, Algorithm S with
 * the exact Q table (RFC 4656 §5.1, §5.2, Appendix A), drawing from src.
 * Returns IPPM_OK, or the source's error (then *out is unset). */
enum ippm_err ippm_exp_alg_s(const struct ippm_u32_source *src, uint64_t *out);

/* ippm_exp_alg_s over g's ippm_rng_u32 draws: an exponential deviate of
 * mean 1, 32.32, below 2^38 (at most 32 ln 2 + 1). */
uint64_t ippm_rng_exp(struct ippm_rng *g);

#endif
