/* STAMP check functions, shared by the per-RFC tables in cases/.
 *
 * Every check has the signature of struct ippm_case.check: it looks at
 * obs->ex, classifies the exchanges by their content (never by the live
 * probe that sent them, so pcap replays grade the same way) and returns
 * PASS, FAIL with observed vs expected in detail, or N/A with the reason.
 * arg is the row's argument: the checks that read it say what it selects
 * below; the others ignore it. Offsets come from the packet layouts the
 * observation uses (stamp_obs_pkt_layout(), stamp_obs.h), so a row of
 * another protocol that shares the packet (TWAMP-Light) can point here.
 * Internal to conformance/. */
#ifndef IPPM_STAMP_CHECKS_H
#define IPPM_STAMP_CHECKS_H

#include "conformance/ippm_conform.h"
#include "conformance/stamp/stamp_obs.h"

#define STAMP_CHECK(name)                                                     \
    enum ippm_verdict name(const struct ippm_obs *obs,                        \
                           __attribute__((unused))                            \
                           const struct ippm_case_arg *arg,                   \
                           char *detail, size_t cap)

/* ---- Session-Reflector, RFC 8762 ---- */
STAMP_CHECK(stamp_chk_refl_port_862);
STAMP_CHECK(stamp_chk_refl_symmetric);
STAMP_CHECK(stamp_chk_refl_short_dropped);
STAMP_CHECK(stamp_chk_refl_answers_valid);
STAMP_CHECK(stamp_chk_refl_padding_copied);
STAMP_CHECK(stamp_chk_refl_no_amplification);
STAMP_CHECK(stamp_chk_refl_amplification_advice);
STAMP_CHECK(stamp_chk_refl_one_reply);
STAMP_CHECK(stamp_chk_refl_after_garbage);
STAMP_CHECK(stamp_chk_refl_ignores_mbz);
STAMP_CHECK(stamp_chk_refl_answers_ptp);
STAMP_CHECK(stamp_chk_refl_tsfmt_config);
STAMP_CHECK(stamp_chk_refl_stateless_seq);
STAMP_CHECK(stamp_chk_refl_stateful_seq);
/* Ses-Sender TTL is the TTL the request arrived with; with
 * STAMP_ROW_TTL_OR_255 in arg->flags 255 passes too (RFC 5357 §4.2: a
 * reflector that cannot read the TTL MUST report 255). */
#define STAMP_ROW_TTL_OR_255 4u
STAMP_CHECK(stamp_chk_refl_ttl);
/* The reply left with TTL / Hop Limit 255 (RFC 5357 §4.2.1): read from
 * the reply as seen (ippm_exchange.rep_ttl), above 128 passes, for no
 * initial TTL in use lies between 128 and 255 and no path has 127 hops. */
STAMP_CHECK(stamp_chk_refl_reply_ttl_255);
STAMP_CHECK(stamp_chk_refl_rxts_after_send);
STAMP_CHECK(stamp_chk_refl_ts_after_rxts);
STAMP_CHECK(stamp_chk_refl_ts_before_seen);
STAMP_CHECK(stamp_chk_refl_errest_mult);
STAMP_CHECK(stamp_chk_refl_errest_z);
/* Reply's Session-Sender field arg->type (enum stamp_copy_field) is a copy
 * of the request's, RFC 8762 §4.3.1. */
enum stamp_copy_field { STAMP_COPY_SEQ, STAMP_COPY_TS, STAMP_COPY_ERREST };
STAMP_CHECK(stamp_chk_refl_copy);

/* One MBZ region of the packet layout the observation uses (struct
 * stamp_layout, proto/stamp/stamp.h): arg->type is the index of an MBZ run
 * (-1: none, the region is the SSID field alone); with STAMP_ROW_FROM_SSID
 * the region starts at the SSID field (RFC 8972 §3 took the first two MBZ
 * octets), which a reflector may fill only when the request carried one.
 * STAMP_ROW_AUTH: the region belongs to the authenticated format; in the
 * other mode the row is N/A. */
#define STAMP_ROW_AUTH 1u
#define STAMP_ROW_FROM_SSID 2u
STAMP_CHECK(stamp_chk_refl_mbz);
STAMP_CHECK(stamp_chk_send_mbz);

STAMP_CHECK(stamp_chk_refl_hmac_valid);
STAMP_CHECK(stamp_chk_refl_bad_hmac_dropped);

/* ---- Session-Reflector, RFC 8972 ---- */
STAMP_CHECK(stamp_chk_refl_ssid_copied);
/* RFC 8972 §3: a stateful reflector counts per 4-tuple and SSID. */
STAMP_CHECK(stamp_chk_refl_ssid_sessions);
/* RFC 8972 §3: a request whose SSID is not one the reflector was
 * provisioned with (obs->ssid_set) gets no reply. */
STAMP_CHECK(stamp_chk_refl_ssid_discard);

/* ---- Session-Sender, RFC 8762 ---- */
STAMP_CHECK(stamp_chk_send_min_len);
STAMP_CHECK(stamp_chk_send_seq);
STAMP_CHECK(stamp_chk_send_errest_mult);
STAMP_CHECK(stamp_chk_send_errest_z);
STAMP_CHECK(stamp_chk_send_ts_plausible);
STAMP_CHECK(stamp_chk_send_hmac_valid);
/* RFC 8762 §4.1, §4.2.1: a sender run with its defaults (obs->
 * sender_defaults) sends to UDP port 862, with NTP timestamps (Z = 0);
 * N/A when the defaults were not declared. */
STAMP_CHECK(stamp_chk_send_default_port);
STAMP_CHECK(stamp_chk_send_default_ntp);

/* ---- Session-Sender, RFC 8972 ---- */
STAMP_CHECK(stamp_chk_send_ssid_constant);
/* RFC 8972 §3: no two sessions of one sender share an SSID. */
STAMP_CHECK(stamp_chk_send_ssid_distinct);

/* How far a timestamp may be from the exchange time and still count as
 * read in the right format: NTP read as PTP (or back) is decades off. */
#define STAMP_FORMAT_WINDOW_NS (86400ull * 1000000000ull)

/* Current TAI - UTC. A PTP timestamp may count TAI (IEEE 1588) while the
 * prober's clock counts UTC; checks accept either (deviations.md). */
#define STAMP_TAI_UTC_NS (37ll * 1000000000ll)

#endif
