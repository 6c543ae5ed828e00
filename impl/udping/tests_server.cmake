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
#         (the capture is in ../shared beside the checkout, as for pcaps/;
#         -DIPPM_SHARED_DIR=... elsewhere)
if(DEFINED IPPM_SHARED_DIR)
  set(udping_shared ${IPPM_SHARED_DIR})
else()
  set(udping_shared ${CMAKE_SOURCE_DIR}/../shared)
endif()
set(udping_replay_pcap ${udping_shared}/pcaps-reference/udping-replay-statsd.pcap)
if(EXISTS ${udping_replay_pcap})
  ippm_script_test(udping_server_replay LABEL live
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/udping_replay_live.py
            $<TARGET_FILE:ippm> ${udping_replay_pcap})
endif()

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
