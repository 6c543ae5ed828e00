# Tests of `ippm conform` and the report writers. Included by
# impl/CMakeLists.txt.
#   live: `ippm conform` against ippm's own reflector on 127.0.0.1, then the
#         pcap corpus, exits 0 (every MUST passes) and writes both reports;
#         `ippm conform stamp-reflector` / `stamp-sender` against
#         `ippm stamp reflector` / `sender` in several modes.
#   unit: report writers (JSON, JUnit XML, table, exit status).

# Run where the default report files can be written, and check they were.
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/conform-self)
add_test(NAME conform_self_live
  COMMAND sh -c "rm -f ippm-report.json ippm-report.junit.xml && \"$0\" conform --pcap-manifest \"$1\" && test -s ippm-report.json && test -s ippm-report.junit.xml"
          $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR}/pcaps/stamp/MANIFEST
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/conform-self)
set_tests_properties(conform_self_live PROPERTIES LABELS live TIMEOUT 120)

# How many cases the self-test leaves n/a (a probing regression shows as
# more), and TLV cases failing live through a relay that rewrites the
# reflected TLV flags; against `ippm stamp reflector --no-tlv`, n/a; the
# open-mode HMAC TLV with the reflector's key and another.
foreach(mode self mutate notlv hmac)
  add_test(NAME conform_coverage_${mode}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/conform_coverage.sh
            $<TARGET_FILE:ippm> ${mode})
  set_tests_properties(conform_coverage_${mode} PROPERTIES
    LABELS live TIMEOUT 60 SKIP_RETURN_CODE 77)
endforeach()

# `ippm conform stamp-reflector` against `ippm stamp reflector`, IPv4 and
# IPv6, stateless and stateful, open and authenticated.
foreach(mode v4 v6 stateful auth)
  add_test(NAME conform_reflector_${mode}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/conform_reflector.sh
            $<TARGET_FILE:ippm> ${mode})
  set_tests_properties(conform_reflector_${mode} PROPERTIES
    LABELS live TIMEOUT 60 SKIP_RETURN_CODE 77)
endforeach()

# `ippm conform stamp-sender` grading `ippm stamp sender`.
foreach(mode open auth ptp ssid)
  add_test(NAME conform_sender_${mode}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/conform_sender.sh
            $<TARGET_FILE:ippm> ${mode})
  set_tests_properties(conform_sender_${mode} PROPERTIES
    LABELS live TIMEOUT 60)
endforeach()

# The interop findings (conformance/interop-notes.md) against stand-in
# peers: RFC 8762 §4.6 base replies, a 38-octet TWAMP-Light responder, a
# dead target, refused options, RFC 8972 §3 zeroed SSIDs, readable output.
foreach(mode short twamp38 dead options zero-ssid ux)
  add_test(NAME conform_interop_${mode}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/conform_interop.sh
            $<TARGET_FILE:ippm> ${mode})
  set_tests_properties(conform_interop_${mode} PROPERTIES
    LABELS live TIMEOUT 60)
endforeach()

# Every case's quote is in shared/rfc (skips, passing, when it is absent).
add_test(NAME conform_quotes
  COMMAND sh ${CMAKE_SOURCE_DIR}/ci/check-quotes.sh)
set_tests_properties(conform_quotes PROPERTIES LABELS unit)

if(IPPM_TESTS AND NOT IPPM_FUZZ)
  pkg_check_modules(IPPM_CONF_CMOCKA REQUIRED IMPORTED_TARGET cmocka)
  add_executable(impl_report_test ${CMAKE_CURRENT_SOURCE_DIR}/report_test.c)
  target_compile_definitions(impl_report_test PRIVATE _GNU_SOURCE)
  target_link_libraries(impl_report_test PRIVATE ippm_impl
                        PkgConfig::IPPM_CONF_CMOCKA)
  add_test(NAME impl_report_test COMMAND impl_report_test)
  set_tests_properties(impl_report_test PROPERTIES LABELS unit)
endif()
