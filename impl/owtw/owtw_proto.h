/* proto/owtw's two headers in one translation unit: owtw.h (the control
 * core) and owtw_test.h (the test-packet layer, which includes owtw.h and
 * takes its struct owtw_slot), with twamp.h and owamp.h. struct
 * owtw_test_slot is the name the drivers first gave the schedule's slot,
 * when each header had its own. */
#ifndef IPPM_OWTW_PROTO_H
#define IPPM_OWTW_PROTO_H

#include "proto/owtw/owtw.h"
#include "proto/owtw/owtw_test.h"
#include "proto/owamp/owamp.h"
#include "proto/twamp/twamp.h"

#define owtw_test_slot owtw_slot

#endif
