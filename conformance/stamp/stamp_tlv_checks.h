/* STAMP TLV checks: RFC 8972 §4, RFC 9503, RFC 9534 and the drafts
 * stamp-suite implements. The tables citing them are cases/stamp_8972.c,
 * stamp_9503.c, stamp_9534.c and stamp_drafts.c. Same contract as
 * stamp_checks.h: classify exchanges by content, PASS / FAIL with
 * observed vs expected / N/A with the reason. Internal to conformance/. */
#ifndef IPPM_STAMP_TLV_CHECKS_H
#define IPPM_STAMP_TLV_CHECKS_H

#include "stamp_checks.h"

#define STAMP_TLV_CHECKS(X)                                                   \
    /* RFC 8972 §4, flags and the walk */                                     \
    X(tlvchk_refl_u_unknown) X(tlvchk_refl_u_cleared)                         \
    X(tlvchk_refl_m_malformed) X(tlvchk_refl_m_remainder)                     \
    X(tlvchk_refl_m_cleared) X(tlvchk_refl_i_cleared)                         \
    X(tlvchk_refl_unknown_copied) X(tlvchk_refl_reserved_flags)               \
    X(tlvchk_refl_in_order)                                                   \
    X(tlvchk_send_u_set) X(tlvchk_send_m_clear) X(tlvchk_send_i_clear)        \
    X(tlvchk_send_reserved_flags)                                             \
    /* §4.1, §4.2 */                                                          \
    X(tlvchk_refl_padding_len)                                                \
    X(tlvchk_refl_loc_len) X(tlvchk_refl_loc_ports)                           \
    X(tlvchk_send_loc_zero) X(tlvchk_refl_loc_dst_family)                     \
    X(tlvchk_refl_loc_dst_value) X(tlvchk_refl_loc_src_family)                \
    X(tlvchk_refl_loc_src_value) X(tlvchk_refl_loc_mac)                       \
    X(tlvchk_refl_loc_malformed) X(tlvchk_refl_loc_sub_i)                     \
    X(tlvchk_send_loc_sub_i)                                                  \
    /* §4.3 */                                                                \
    X(tlvchk_refl_ts_sync) X(tlvchk_refl_ts_method)                           \
    X(tlvchk_refl_ts_malformed) X(tlvchk_send_ts_zero)                        \
    /* §4.4 */                                                                \
    X(tlvchk_refl_cos_present) X(tlvchk_refl_cos_dscp2)                       \
    X(tlvchk_refl_cos_dscp1_used) X(tlvchk_refl_cos_rp)                       \
    X(tlvchk_send_cos_rp) X(tlvchk_refl_cos_reserved)                         \
    X(tlvchk_refl_cos_malformed)                                              \
    /* §4.5 */                                                                \
    X(tlvchk_refl_dm_present) X(tlvchk_refl_dm_stxc)                          \
    X(tlvchk_refl_dm_rrxc) X(tlvchk_refl_dm_rtxc)                             \
    X(tlvchk_send_dm_stxc) X(tlvchk_send_dm_zero)                             \
    X(tlvchk_refl_dm_malformed)                                               \
    /* §4.6 */                                                                \
    X(tlvchk_refl_ar_present) X(tlvchk_refl_ar_copy)                          \
    X(tlvchk_send_ar_id) X(tlvchk_send_ar_resv)                               \
    /* §4.7 */                                                                \
    X(tlvchk_send_fu_zero) X(tlvchk_refl_fu_stateless)                        \
    X(tlvchk_refl_fu_malformed) X(tlvchk_refl_fu_seq)                         \
    X(tlvchk_refl_fu_ts) X(tlvchk_refl_fu_mode)                               \
    /* §4.8 */                                                                \
    X(tlvchk_send_hmac_present) X(tlvchk_refl_hmac_present)                   \
    X(tlvchk_send_hmac_last) X(tlvchk_refl_hmac_last)                         \
    X(tlvchk_send_hmac_valid) X(tlvchk_refl_hmac_valid)                       \
    X(tlvchk_refl_hmac_i_set) X(tlvchk_refl_hmac_copied)                      \
    X(tlvchk_send_hmac_len)                                                   \
    /* RFC 9503 */                                                            \
    X(tlvchk_send_dna_ssid) X(tlvchk_refl_dna_u_other)                        \
    X(tlvchk_refl_dna_u_self) X(tlvchk_refl_dna_malformed)                    \
    X(tlvchk_send_rp_one) X(tlvchk_refl_rp_u_cannot)                          \
    X(tlvchk_refl_rp_u_can) X(tlvchk_send_rp_sub_once)                        \
    X(tlvchk_send_rp_exclusive) X(tlvchk_refl_rp_no_reply)                    \
    X(tlvchk_send_rp_seg_nonempty) X(tlvchk_send_rp_mpls_mod4)                \
    X(tlvchk_send_rp_srv6_mod16) X(tlvchk_refl_rp_malformed)                  \
    /* RFC 9534 */                                                            \
    X(tlvchk_send_ms_len) X(tlvchk_send_ms_constant)                          \
    X(tlvchk_refl_ms_sender_copied) X(tlvchk_refl_ms_discard)                 \
    X(tlvchk_refl_ms_constant) X(tlvchk_refl_ms_malformed)                    \
    /* drafts */                                                              \
    X(tlvchk_refl_asym_len) X(tlvchk_refl_asym_zero)                          \
    X(tlvchk_refl_asym_padding) X(tlvchk_send_asym_c)                         \
    X(tlvchk_send_asym_min) X(tlvchk_refl_asym_cap)                           \
    X(tlvchk_refl_hdr_len) X(tlvchk_refl_hdr_flag)                            \
    X(tlvchk_refl_ber_count) X(tlvchk_refl_ber_burst)                         \
    X(tlvchk_refl_ber_repair) X(tlvchk_send_ber_pattern)

#define STAMP_TLV_DECL_(name) STAMP_CHECK(name);
STAMP_TLV_CHECKS(STAMP_TLV_DECL_)
#undef STAMP_TLV_DECL_

#endif
