# TWAMP Light (RFC 5357 Appendix I) live on loopback: the reflector's
# replies to raw requests, and the sender against it, open and in modes A
# and E.
ippm_scenario_tests(twamp_light SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/light_live.py
  SCENARIOS reflector symmetrical sender auth encrypted)

# The light sender's accuracy against the relay's truth file: one test per
# scenario of accuracy_twamp_light.py (--list; the checks of
# impl/stamp/tests/accuracy_stamp.py), about 20 s in all. ci/accuracy.sh
# runs the same script.
ippm_accuracy_tests(accuracy_twamp_light
  SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/accuracy_twamp_light.py
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/../stamp/tests/accuracy_stamp.py)

# ippm twamp client and ippm owamp client --to the same way, their test
# packets through the relay (--test-via): one test per scenario of
# accuracy_twamp_client.py, about 12 s in all.
ippm_accuracy_tests(accuracy_twamp_client
  SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/accuracy_twamp_client.py)

# ippm twamp server and client.
#   unit: the test plane on loopback (sender against reflecting session,
#         modes open, authenticated, encrypted), exact counts
foreach(t twamp_plane_test)
  ippm_unit_test(impl_${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.c LIBS ippm_impl)
endforeach()
