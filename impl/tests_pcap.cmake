# Tests of the capture reader (impl/pcap_read.c), label "unit". The corpus
# and interop tests of `ippm pcap` live in pcaps/CMakeLists.txt.
if(IPPM_TESTS AND NOT IPPM_FUZZ)
  pkg_check_modules(IPPM_PCAP_CMOCKA REQUIRED IMPORTED_TARGET cmocka)
  add_executable(impl_pcap_read_test ${CMAKE_CURRENT_SOURCE_DIR}/pcap_read_test.c)
  target_link_libraries(impl_pcap_read_test PRIVATE ippm_impl PkgConfig::IPPM_PCAP_CMOCKA)
  add_test(NAME impl_pcap_read_test COMMAND impl_pcap_read_test)
  set_tests_properties(impl_pcap_read_test PROPERTIES LABELS unit)
endif()
