# TWAMP Light (RFC 5357 Appendix I) live on loopback: the reflector's
# replies to raw requests, and the sender against it.
foreach(scen reflector symmetrical sender)
  ippm_script_test(twamp_light_${scen} LABEL live
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/light_live.py
            $<TARGET_FILE:ippm> ${scen})
endforeach()
