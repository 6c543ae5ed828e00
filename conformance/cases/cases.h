/* The per-RFC case tables that conformance/catalogue.c joins. A protocol
 * adds its tables here and to the list in catalogue.c; nothing else
 * changes (runner, report writers and commands serve every protocol). */
#ifndef IPPM_CASES_H
#define IPPM_CASES_H

#include <stddef.h>

#include "conformance/ippm_conform.h"

extern const struct ippm_case ippm_cases_stamp_8762[];
extern const size_t ippm_cases_stamp_8762_n;
extern const struct ippm_case ippm_cases_stamp_8972[];
extern const size_t ippm_cases_stamp_8972_n;
extern const struct ippm_case ippm_cases_stamp_9503[];
extern const size_t ippm_cases_stamp_9503_n;
extern const struct ippm_case ippm_cases_stamp_9534[];
extern const size_t ippm_cases_stamp_9534_n;
extern const struct ippm_case ippm_cases_stamp_drafts[];
extern const size_t ippm_cases_stamp_drafts_n;
extern const struct ippm_case ippm_cases_twamp_test[];
extern const size_t ippm_cases_twamp_test_n;
extern const struct ippm_case ippm_cases_owamp_4656[];
extern const size_t ippm_cases_owamp_4656_n;
extern const struct ippm_case ippm_cases_twamp_5357[];
extern const size_t ippm_cases_twamp_5357_n;
extern const struct ippm_case ippm_cases_twamp_ext[];
extern const size_t ippm_cases_twamp_ext_n;
extern const struct ippm_case ippm_cases_rmbt[];
extern const size_t ippm_cases_rmbt_n;
extern const struct ippm_case ippm_cases_udping[];
extern const size_t ippm_cases_udping_n;

#endif
