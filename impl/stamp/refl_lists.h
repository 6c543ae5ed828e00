/* List options of the reflector drivers (STAMP and TWAMP Light). Private
 * to impl/stamp. Each returns 0, or -1 after one line on stderr. */
#ifndef IPPM_STAMP_REFL_LISTS_H
#define IPPM_STAMP_REFL_LISTS_H

#include <stdint.h>

#include "proto/common/ippm_srcguard.h"

/* --dscp-permitted: "all", "none", or DSCPs and ranges ("0,10-14,46")
 * into the bit set *out (bit d: DSCP d). */
int refl_parse_dscp_list(const char *s, uint64_t *out);

/* --allow-src-port 862,5000: ports exempt from the source port rules,
 * added to *src. */
int refl_parse_allow_src(const char *s, struct ippm_src_policy *src);

#endif
