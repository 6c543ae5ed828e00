/* Maths without libm: see ippm_math.h. Moved from proto/netem (the
 * relay's delay distributions), unchanged but for exp's lower bound.
 * (The relay's own square root went: ippm_stats.h has ippm_sqrt.) */
#include "ippm_math.h"

#include <stdint.h>
#include <string.h>

#define LN2 0.69314718055994530942

/* see ippm_math.h: x = m 2^e with m in [sqrt 1/2, sqrt 2), then
 * ln m = 2 atanh of (m-1)/(m+1), whose series converges fast there. */
double ippm_ln(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof(b));
    int e = (int)((b >> 52) & 0x7ff) - 1023;
    b = (b & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
    double m;
    memcpy(&m, &b, sizeof(m));
    if (m > 1.41421356237309504880) {
        m *= 0.5;
        e++;
    }
    double t = (m - 1.0) / (m + 1.0), t2 = t * t, term = t, sum = 0.0;
    for (int k = 1; k < 40; k += 2) {
        sum += term / k;
        term *= t2;
    }
    return 2.0 * sum + e * LN2;
}

/* see ippm_math.h: 2^k e^r with |r| <= ln2/2, Taylor series. */
double ippm_exp(double x)
{
    /* Below -708 the result is under the smallest normal double and
     * 2^k no longer fits the exponent field. */
    if (x < -708.0)
        return 0.0;
    int k = (int)(x / LN2 + (x < 0 ? -0.5 : 0.5));
    double r = x - k * LN2, term = 1.0, sum = 1.0;
    for (int i = 1; i < 24; i++) {
        term *= r / i;
        sum += term;
    }
    uint64_t b = (uint64_t)(k + 1023) << 52;
    double p;
    memcpy(&p, &b, sizeof(p));
    return sum * p;
}
