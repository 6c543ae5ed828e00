# RMBT UDP ping (impl/rmbt/): `ippm rmbt ping` and `ippm rmbt token` live
# on loopback against rmbt_responder.py, a server written from the notes.
foreach(scen rr01 re01 lost v6 sigint token usage)
  ippm_script_test(rmbt_ping_${scen} LABEL live
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/ping_live.py
            $<TARGET_FILE:ippm> ${scen})
endforeach()
