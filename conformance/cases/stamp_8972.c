/* STAMP optional extensions, RFC 8972: the Session-Sender Identifier of
 * §3. IDs are STAMP-8972-<section>-<counter>, never renumbered. */
#include "cases.h"

#include "../stamp_checks.h"

const struct ippm_case ippm_cases_stamp_8972[] = {
    {"STAMP-8972-3-01", "RFC 8972 §3", IPPM_MUST, IPPM_ROLE_REFLECTOR,
     "SSID copied into the reply (N/A when the reflector zeroes it: no "
     "RFC 8972 support)",
     "A conforming implementation of a STAMP Session-Reflector MUST copy "
     "the SSID value from the received test packet and put it into the "
     "reflected packet",
     IPPM_PROBE_STAMP_SSID, stamp_chk_refl_ssid_copied},
    {"STAMP-8972-3-02", "RFC 8972 §3", IPPM_MUST, IPPM_ROLE_SENDER,
     "Sender SSID constant within a session when used",
     "If the SSID is used, it MUST be present in each test packet of the "
     "given test session.",
     0, stamp_chk_send_ssid_constant},
};

const size_t ippm_cases_stamp_8972_n =
    sizeof ippm_cases_stamp_8972 / sizeof ippm_cases_stamp_8972[0];
