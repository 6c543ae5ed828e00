# `ippm relay` (impl/relay.c, impl/cmd_relay.c) and its decision engine
# (proto/relay). Included by impl/CMakeLists.txt.
#   unit: proto/relay/relay_test.c (cmocka): determinism, loss rates,
#         Gilbert-Elliott bursts, lists, delay distributions, token bucket,
#         heap order, pool exhaustion, mutations; the CLI's refusals.
#   live: STAMP sender -> relay -> stateful reflector, counts checked
#         against the truth file; delay accuracy at 10,000 pps (reported,
#         not asserted); a garbage flood with an RSS bound.

if(IPPM_TESTS AND NOT IPPM_FUZZ)
  pkg_check_modules(IPPM_RELAY_CMOCKA REQUIRED IMPORTED_TARGET cmocka)
  add_executable(relay_test ${CMAKE_SOURCE_DIR}/proto/relay/relay_test.c)
  target_link_libraries(relay_test PRIVATE ippm_proto
                        PkgConfig::IPPM_RELAY_CMOCKA)
  add_test(NAME relay_test COMMAND relay_test)
  set_tests_properties(relay_test PROPERTIES LABELS unit)
endif()

add_test(NAME relay_cli_errors
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/relay_cli.sh
          $<TARGET_FILE:ippm>)
set_tests_properties(relay_cli_errors PROPERTIES LABELS unit TIMEOUT 60)

foreach(mode counts mutate accuracy flood)
  add_test(NAME relay_live_${mode}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/relay_live.sh
            $<TARGET_FILE:ippm> ${mode})
  set_tests_properties(relay_live_${mode} PROPERTIES
    LABELS live TIMEOUT 120 SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)
endforeach()
