/* Checks of OWAMP-Test packets (RFC 4656 §4.1), mode O: the packets of
 * the graded side's send sessions (owtw_obs_ext.test), decoded with
 * proto/owtw's test-packet codec. */
#include "owtw_checks.h"

#include <stdio.h>

#include "owtw_check_util.h"
#include "proto/common/ippm_time.h"
#include "proto/owtw/owtw_test.h"

/* see owtw_checks.h */
OWTW_CHECK(owtw_chk_test_pkt)
{
    struct owtw_obs_ext x = owtw_obs_ext(obs);
    const struct ippm_exchange *ex = x.test[obs->role];
    size_t n = x.n_test[obs->role];
    struct stamp_acc a = stamp_acc_make(d, cap);
    for (size_t k = 0; k < n; k++) {
        struct stamp_sender_pkt p;
        enum owtw_test_mode mode =
            x.test_mode ? (enum owtw_test_mode)x.test_mode : OWTW_TEST_OPEN;
        if (owtw_sender_pkt_decode(&p, ex[k].req, ex[k].req_len, mode) !=
            IPPM_OK)
            continue;
        if ((arg->type == 1 && ex[k].req_ttl < 0) ||
            (arg->type == 4 && !x.test_mac[obs->role]))
            continue;
        a.n++;
        bool ok;
        uint64_t ts = owtw_ts_decode(p.ts, p.errest, &ok);
        uint64_t off = ts > ex[k].req_ns ? ts - ex[k].req_ns
                                         : ex[k].req_ns - ts;
        if (arg->type == 0 && (p.errest & 0xff) == 0)
            stamp_acc_fail(&a, "packet %u: Error Estimate Multiplier 0",
                           (unsigned)p.seq);
        else if (arg->type == 1 && ex[k].req_ttl != 255)
            stamp_acc_fail(&a, "packet %u: TTL %d, expected 255",
                           (unsigned)p.seq, ex[k].req_ttl);
        else if (arg->type == 2 && !x.ptp && (p.errest & 0x4000))
            stamp_acc_fail(&a, "packet %u: Error Estimate Z bit set without "
                           "PTPv2 timestamps chosen", (unsigned)p.seq);
        else if (arg->type == 4 && x.test_mac[obs->role][k] < 0)
            stamp_acc_fail(&a, "packet %u: HMAC does not verify",
                           (unsigned)p.seq);
        else if (arg->type == 3 &&
                 (!ok || off > (obs->clock_tolerance_ns
                                    ? obs->clock_tolerance_ns
                                    : 1000000000ull)))
            stamp_acc_fail(&a, "packet %u: Timestamp %.3f s from when it was "
                           "seen", (unsigned)p.seq, (double)off / 1e9);
    }
    return stamp_acc_end(&a, "no OWAMP-Test packet of a mode-O session seen");
}
