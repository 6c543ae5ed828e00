# RMBT UDP ping (impl/rmbt/): `ippm rmbt ping` and `ippm rmbt token` live
# on loopback against rmbt_responder.py, a server written from the notes,
# and (scenario server) against `ippm rmbt server`.
ippm_scenario_tests(rmbt_ping SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/ping_live.py
  SCENARIOS rr01 re01 lost v6 sigint token usage server)

# `ippm rmbt ping` against the relay's truth file: one test per scenario
# of accuracy_rmbt_ping.py (--list), about 15 s in all. ci/accuracy.sh
# runs the same script (it takes every impl/*/tests/accuracy_*.py).
ippm_accuracy_tests(accuracy_rmbt_ping
  SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/accuracy_rmbt_ping.py
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/../stamp/tests/accuracy_stamp.py)
# `ippm rmbt server` (impl/rmbt/rmbt_server*.c).
#   unit: the secrets of -s and -f (order, labels, refusals) and v1's --cpus
#   live: the notes' §4 table over 127.0.0.1 and ::1, SIGUSR1, secret
#         files, --threads 2 with --cpus, refusals before binding
#         (tests/server_live.py)
ippm_unit_test(impl_rmbt_server_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/rmbt_server_test.c LIBS ippm_impl)
ippm_scenario_tests(rmbt_server SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/server_live.py
  SCENARIOS table nosecret sigusr1 secrets threads metrics config bind badcli)
