# The capture reader (pcap_read.c); the corpus itself is tested in pcaps/.
ippm_unit_test(impl_pcap_read_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/pcap_read_test.c LIBS ippm_impl)
ippm_unit_test(impl_tcp_reasm_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/tcp_reasm_test.c LIBS ippm_impl)
