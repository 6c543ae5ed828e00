# Tests of the STAMP drivers and the generic impl/ layers (cli, net,
# crypto_openssl, keyfile). Included by impl/CMakeLists.txt.
#   unit: C tests of one file each (cmocka), plus the CLI error script
#   live: loopback reflector + sender round trips (impl/tests/e2e_stamp.sh)

if(IPPM_TESTS AND NOT IPPM_FUZZ)
  # Own prefix: proto/'s PkgConfig::CMOCKA is not visible in this directory.
  pkg_check_modules(IPPM_IMPL_CMOCKA REQUIRED IMPORTED_TARGET cmocka)
  foreach(t cli_test keyfile_test crypto_openssl_test net_test)
    add_executable(impl_${t} ${CMAKE_CURRENT_SOURCE_DIR}/${t}.c)
    target_compile_definitions(impl_${t} PRIVATE _GNU_SOURCE)
    target_link_libraries(impl_${t} PRIVATE ippm_impl PkgConfig::IPPM_IMPL_CMOCKA)
    add_test(NAME impl_${t} COMMAND impl_${t})
    set_tests_properties(impl_${t} PROPERTIES LABELS unit)
  endforeach()
endif()

add_test(NAME impl_cli_errors
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/cli_errors.sh $<TARGET_FILE:ippm>)
set_tests_properties(impl_cli_errors PROPERTIES LABELS unit TIMEOUT 60)

foreach(mode v4 v6 auth badkey ptp dual lossy dupreorder)
  add_test(NAME stamp_e2e_${mode}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/e2e_stamp.sh $<TARGET_FILE:ippm> ${mode})
  set_tests_properties(stamp_e2e_${mode} PROPERTIES
    LABELS live TIMEOUT 60 SKIP_RETURN_CODE 77)
endforeach()

# A stateful reflector under a flood of new source ports: fixed memory,
# SESSION_FULL drops, established sessions unharmed.
add_test(NAME stamp_session_flood
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/tests/session_flood.py
          $<TARGET_FILE:ippm>)
set_tests_properties(stamp_session_flood PROPERTIES LABELS live TIMEOUT 120)
