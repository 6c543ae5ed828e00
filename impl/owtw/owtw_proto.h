/* The proto headers the OWAMP and TWAMP drivers use: owtw.h (the control
 * core), owtw_test.h (the test-packet layer, which includes owtw.h),
 * twamp.h and owamp.h. */
#ifndef IPPM_OWTW_PROTO_H
#define IPPM_OWTW_PROTO_H

#include "proto/owtw/owtw.h"
#include "proto/owtw/owtw_test.h"
#include "proto/owamp/owamp.h"
#include "proto/twamp/twamp.h"

#endif
