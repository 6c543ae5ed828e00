/* STAMP checks at the ADVISORY level (ippm_conform.h): fields that break
 * no key word and still mislead every measurement made with the peer.
 * Same signature and conventions as stamp_checks.h; the rows are at the
 * end of cases/stamp_8762.c. Internal to conformance/. */
#ifndef IPPM_STAMP_CHECKS_ADVISORY_H
#define IPPM_STAMP_CHECKS_ADVISORY_H

#include "conformance/stamp/stamp_checks.h"

/* Some reply's Timestamp differs from its Receive Timestamp (one equal
 * pair is a fast reflector; all equal is a clock read once). N/A with
 * fewer than two replies. */
STAMP_CHECK(stamp_chk_adv_ts_not_rxts);

/* A reflector timestamp advances from reply to reply of a session, in
 * the order the replies were seen: arg->type selects the field,
 * STAMP_ADV_TS (Timestamp) or STAMP_ADV_RXTS (Receive Timestamp). */
#define STAMP_ADV_TS 0
#define STAMP_ADV_RXTS 1
STAMP_CHECK(stamp_chk_adv_refl_ts_advances);

/* The Error Estimate claims less than STAMP_ADV_ERREST_MAX_NS: the
 * reply's for a reflector, the request's for a sender (obs->role). */
#define STAMP_ADV_ERREST_MAX_NS (3600ull * 1000000000ull)
STAMP_CHECK(stamp_chk_adv_errest_plausible);

/* When the requests arrived with different TTLs, the Ses-Sender TTL is
 * not the same on every reply. N/A when the arrival TTL never changed or
 * is unknown. */
STAMP_CHECK(stamp_chk_adv_ttl_follows);

/* A sender's Timestamp advances from packet to packet of a session (each
 * later Sequence Number carries a later Timestamp). */
STAMP_CHECK(stamp_chk_adv_send_ts_advances);

#endif
