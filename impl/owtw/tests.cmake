# What the TWAMP and OWAMP programs share: options, one direction's
# statistics and report, the control connection's driver loop.
#   unit: owtw_way (owping's counts), --modes; owtw_link with a toy machine;
#         owtw_limits (connections per source, setup deadline, test guard);
#         the servers' Prometheus series
foreach(t owtw_way_test owtw_link_test owtw_metrics_test owtw_limits_test)
  ippm_unit_test(impl_${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.c LIBS ippm_impl)
endforeach()

# Live on loopback: ippm's clients against ippm's servers, TWAMP and OWAMP
# (each direction), in every security mode, every packet counted exactly;
# and a keys file others can read refused by all four programs.
foreach(proto twamp owamp)
  foreach(mode open auth encrypted)
    ippm_script_test(${proto}_live_${mode} LABEL live
      COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/live.py
              $<TARGET_FILE:ippm> ${proto} ${mode})
  endforeach()
endforeach()
ippm_script_test(owtw_keys_refused LABEL unit
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/live.py
          $<TARGET_FILE:ippm> keys)
# The conformance cases ippm's servers once failed, graded by ippm conform
# against them: TWAMP's Accept 3 for Conf-Sender/-Receiver set (RFC 5357
# §3.5) and one Start-Time for every connection (RFC 4656 §3.1), OWAMP's
# refusal of a third party's receiver (RFC 4656 §6.2).
ippm_script_test(twamp_server_conform LABEL live
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/live.py
          $<TARGET_FILE:ippm> conform twamp TWAMP-5357-3.5-03,TWAMP-5357-3.1-07)
ippm_script_test(owamp_server_conform LABEL live
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/live.py
          $<TARGET_FILE:ippm> conform owamp OWAMP-4656-6.2-01)
# Type-P (RFC 4656 §3.5) against a scripted peer: the clients' --dscp in
# the top six bits, the servers' reflected / Conf-Sender packets marked
# with the DSCP asked for (RFC 5357 §3.5), a PHB ID refused with Accept 3.
foreach(role client server)
  foreach(proto twamp owamp)
    ippm_script_test(owtw_typep_${role}_${proto} LABEL live
      COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/typep.py
              $<TARGET_FILE:ippm> ${role} ${proto})
  endforeach()
endforeach()
# RFC 4656 §3.8: the OWAMP server's Stop-Sessions waits until the session
# it receives is complete, so a client answering it at once (as owping
# does) loses no records.
ippm_script_test(owamp_server_stop_waits LABEL live
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/stop.py
          $<TARGET_FILE:ippm>)
# Fetch-Session over a later connection (RFC 4656 §3.5), as powstream
# does: the session kept while its connection is open and after it closed.
ippm_script_test(owamp_server_fetch_later LABEL live
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/stop.py
          $<TARGET_FILE:ippm> fetch)
# RFC 4656 §4.1.1: packets more than Timeout late are not sent, and the
# sender's Stop-Sessions names them in skip ranges (proto/owamp's sender).
ippm_script_test(owamp_server_skips_late LABEL live
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/stop.py
          $<TARGET_FILE:ippm> late)
# A stopped session's slot reused by a new Request-Session: the stopped
# session is closed and kept for Fetch-Session, not overwritten.
ippm_script_test(owamp_server_slot_reuse LABEL live
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/stop.py
          $<TARGET_FILE:ippm> reuse)
