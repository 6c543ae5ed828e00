/* Whether one-way delays can be trusted, in words and in JSON: every
 * client that reports one-way delay (STAMP's sender today; OWAMP's and
 * TWAMP's, which carry the same Error Estimate, RFC 4656 §4.1.2) prints
 * its struct ippm_owd_trust (proto/common/ippm_time.h) through here. */
#ifndef IPPM_CLOCK_REPORT_H
#define IPPM_CLOCK_REPORT_H

#include <jansson.h>
#include <stddef.h>

#include "proto/common/ippm_time.h"

/* One line: "one-way delay: trusted, ... within 55.1 us (...)" or
 * "one-way delay: not trusted, ... clock not synchronised ...". local and
 * remote name the two ends ("sender", "reflector"). Returns buf. */
const char *ippm_owd_trust_line(const struct ippm_owd_trust *t,
                                const char *local, const char *remote,
                                char *buf, size_t len);

/* {"trusted", "bound_ms", "replies", "unsynced_replies",
 *  "unusable_replies", local: {"synced", "error_ms", "errest"},
 *  remote: {...}}: the two ends as their last reply had them; bound_ms is
 * null unless trusted. */
json_t *ippm_owd_trust_json(const struct ippm_owd_trust *t,
                            const char *local, const char *remote);

#endif
