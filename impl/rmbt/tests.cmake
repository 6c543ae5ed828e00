# RMBT UDP ping (impl/rmbt/): `ippm rmbt ping` and `ippm rmbt token` live
# on loopback against rmbt_responder.py, a server written from the notes,
# and (scenario server) against `ippm rmbt server`.
foreach(scen rr01 re01 lost v6 sigint token usage server)
  ippm_script_test(rmbt_ping_${scen} LABEL live
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/ping_live.py
            $<TARGET_FILE:ippm> ${scen})
endforeach()

# `ippm rmbt ping` against the relay's truth file: one test per scenario
# of accuracy_rmbt_ping.py (--list), about 15 s in all. ci/accuracy.sh
# runs the same script (it takes every impl/*/tests/accuracy_*.py).
set(rmbt_acc ${CMAKE_CURRENT_LIST_DIR}/tests/accuracy_rmbt_ping.py)
execute_process(COMMAND /usr/bin/python3 ${rmbt_acc} --list
                OUTPUT_VARIABLE rmbt_scens RESULT_VARIABLE rc
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${rmbt_acc} --list failed (${rc})")
endif()
string(REPLACE "\n" ";" rmbt_scens "${rmbt_scens}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${rmbt_acc}
  ${CMAKE_CURRENT_LIST_DIR}/../stamp/tests/accuracy_stamp.py)
foreach(scen ${rmbt_scens})
  ippm_script_test(accuracy_rmbt_ping_${scen} LABEL live SERIAL
    COMMAND /usr/bin/python3 ${rmbt_acc} $<TARGET_FILE:ippm> ${scen})
endforeach()
# `ippm rmbt server` (impl/rmbt/rmbt_server*.c).
#   unit: the secrets of -s and -f (order, labels, refusals) and v1's --cpus
#   live: the notes' §4 table over 127.0.0.1 and ::1, SIGUSR1, secret
#         files, --threads 2 with --cpus, refusals before binding
#         (tests/server_live.py)
ippm_unit_test(impl_rmbt_server_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/rmbt_server_test.c LIBS ippm_impl)
foreach(scen table nosecret sigusr1 secrets threads metrics config bind badcli)
  ippm_script_test(rmbt_server_${scen} LABEL live
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/server_live.py
            $<TARGET_FILE:ippm> ${scen})
endforeach()
