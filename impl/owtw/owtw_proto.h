/* proto/owtw's two headers in one translation unit. owtw.h (the control
 * core) and owtw_test.h (the test-packet layer) each define struct
 * owtw_slot and OWTW_SLOT_EXP/_FIXED, so no file could include both;
 * the drivers need both. Until proto has one definition, this includes
 * owtw.h as it is and owtw_test.h (with twamp.h and owamp.h, which
 * include it) with its slot named struct owtw_test_slot: the same two
 * members as the library compiled them, the same values for the two
 * types. Every impl file that needs either includes this instead. */
#ifndef IPPM_OWTW_PROTO_H
#define IPPM_OWTW_PROTO_H

#include "proto/owtw/owtw.h"

#undef OWTW_SLOT_EXP
#undef OWTW_SLOT_FIXED
#define owtw_slot owtw_test_slot
#define owtw_slot_type owtw_test_slot_type
#include "proto/owtw/owtw_test.h"
#include "proto/owamp/owamp.h"
#include "proto/twamp/twamp.h"
#undef owtw_slot
#undef owtw_slot_type

#endif
