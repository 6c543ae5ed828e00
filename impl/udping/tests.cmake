# ippm udping client (and, with its own lines, the server).
#   unit: frames, checksums, MACs and port descriptors; the command line's
#         refusals, each one line and exit 2
#   live: the raw-frame path over a veth pair in a network namespace,
#         plain UDP on loopback, and the send intervals against the
#         exponential (Kolmogorov-Smirnov) with the ports' evenness
ippm_unit_test(impl_udping_frame_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/udping_frame_test.c LIBS ippm_impl)
ippm_script_test(impl_udping_client_cli LABEL unit
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/client_cli.sh $<TARGET_FILE:ippm>)
ippm_script_test(impl_udping_client_live LABEL live TIMEOUT 150
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/client_live.py
          $<TARGET_FILE:ippm>)
