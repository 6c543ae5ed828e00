# Tests of --config (config.c) and the IPPM_AUTH_KEY key source
# (keyfile.c). Included by impl/CMakeLists.txt.
#   unit: config_test.c (expansion, every refusal with its line number)
#   live: tests/config.sh (refusals through the binary, then a reflector
#         and a sender configured from one file on loopback)

if(IPPM_TESTS AND NOT IPPM_FUZZ)
  pkg_check_modules(IPPM_CFG_CMOCKA REQUIRED IMPORTED_TARGET cmocka)
  add_executable(impl_config_test ${CMAKE_CURRENT_SOURCE_DIR}/config_test.c)
  target_compile_definitions(impl_config_test PRIVATE _GNU_SOURCE)
  target_link_libraries(impl_config_test PRIVATE ippm_impl
                        PkgConfig::IPPM_CFG_CMOCKA)
  add_test(NAME impl_config_test COMMAND impl_config_test)
  set_tests_properties(impl_config_test PROPERTIES LABELS unit)
endif()

add_test(NAME impl_config_live
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/config.sh $<TARGET_FILE:ippm>)
set_tests_properties(impl_config_live PROPERTIES LABELS live TIMEOUT 60)
