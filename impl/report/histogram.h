/* A text histogram of a streaming distribution for a terminal summary, as
 * owping -b prints one: every client's --histogram (STAMP's sender today)
 * draws its struct ippm_dist (proto/common/ippm_stats.h) through here, from
 * the statistics it keeps anyway, with no per-packet storage. */
#ifndef IPPM_HISTOGRAM_H
#define IPPM_HISTOGRAM_H

#include <stdio.h>

#include "proto/common/ippm_stats.h"

/* Rows of a terminal histogram: enough to see a shape, few enough to fit. */
#define IPPM_HISTOGRAM_ROWS 16
/* The longest bar, in characters. */
#define IPPM_HISTOGRAM_BAR 40

/* Prints "NAME histogram (ms, ...):" and a row per bin of d, in ms:
 *   "   0.017 -    0.019 ms |##########            3". Nothing when d is
 * empty. */
void ippm_histogram_print(FILE *f, const char *name,
                          const struct ippm_dist *d);

#endif
