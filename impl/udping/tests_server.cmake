# ippm udping server (U3's part of impl/udping; the client's tests are in
# tests.cmake when it has them).
#   unit: the output formats against the notes' lines and the capture's
#         statsd datagrams
foreach(t udping_out_test)
  ippm_unit_test(impl_${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.c LIBS ippm_impl)
endforeach()
#   unit: the command line's refusals, exit 2 before anything is bound
ippm_script_test(udping_server_cli LABEL unit
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/udping_server_cli.sh $<TARGET_FILE:ippm>)

#   live: the payloads of the original's capture replayed over loopback;
#         the statsd datagrams compared with the two the original sent
#         (the repository's copy of the capture, pcaps/udping/reference/,
#         which pcap_shared_copy_* keeps equal to ../shared's)
set(udping_replay_pcap
    ${CMAKE_SOURCE_DIR}/pcaps/udping/reference/udping-replay-statsd.pcap)
if(EXISTS ${udping_replay_pcap})
  ippm_script_test(udping_server_replay LABEL live
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/udping_replay_live.py
            $<TARGET_FILE:ippm> ${udping_replay_pcap})
endif()

#   live: a statsd collector down for a moment (an ICMP port unreachable
#         left pending on the connected socket) does not cost the next
#         report once it is back
ippm_script_test(udping_server_statsd_back LABEL live
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/statsd_back.py
          $<TARGET_FILE:ippm>)

#   live: IPv6, the keepalive flush, SIGTERM, malformed datagrams counted
#         and warned about, -q, the switch to nobody
ippm_scenario_tests(udping_server
  SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/udping_server_live.py
  SCENARIOS ipv6 keepalive sigterm malformed quiet root)

#   live: the server's counts against the relay's truth file, one test per
#         scenario of accuracy_udping_server.py (--list), about 8 s in all;
#         ci/accuracy.sh runs the same script
ippm_accuracy_tests(accuracy_udping_server
  SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/accuracy_udping_server.py)
