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
