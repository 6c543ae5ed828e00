/* ln and exp for proto/, without libm (ippm_sqrt is in ippm_stats.h) (proto links nothing
 * but mem*): the relay's delay distributions (proto/netem) and the
 * statistical tests of the senders' schedules (UDPing's gaps). Within
 * 1e-12 relative over the stated domains (ippm_math_test), which is what
 * a distribution or a test statistic needs; not a general libm. */
#ifndef IPPM_MATH_H
#define IPPM_MATH_H

/* Natural log of x > 0 (normal doubles). */
double ippm_ln(double x);

/* e^x for x <= 700; 0 below -708. */
double ippm_exp(double x);

#endif
