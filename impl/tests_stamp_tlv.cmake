# The TLV options of `ippm stamp sender` and `ippm stamp reflector`
# (stamp_tlv_opts.c, RFC 8972 / RFC 9503 / RFC 9534 and the drafts).
# Included by impl/CMakeLists.txt.
#   unit: tests/stamp_tlv_cli.sh, every bad value exits 2 with one line
#   live: tests/e2e_stamp_tlv.sh, each TLV answered by the reflector on
#         loopback; directional loss from Direct Measurement through
#         `ippm relay` and a stateless reflector; every option as a
#         config file key; Location and Destination Node Address over
#         IPv6

add_test(NAME stamp_tlv_cli_errors
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/stamp_tlv_cli.sh
          $<TARGET_FILE:ippm>)
set_tests_properties(stamp_tlv_cli_errors PROPERTIES LABELS unit TIMEOUT 60)

foreach(mode tlvs refl notlv dmloss v6 config)
  add_test(NAME stamp_tlv_e2e_${mode}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/e2e_stamp_tlv.sh
            $<TARGET_FILE:ippm> ${mode})
  set_tests_properties(stamp_tlv_e2e_${mode} PROPERTIES
    LABELS live TIMEOUT 60 SKIP_RETURN_CODE 77)
endforeach()
