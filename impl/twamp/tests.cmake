# TWAMP Light (RFC 5357 Appendix I) live on loopback: the reflector's
# replies to raw requests, and the sender against it.
foreach(scen reflector symmetrical sender)
  ippm_script_test(twamp_light_${scen} LABEL live
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/light_live.py
            $<TARGET_FILE:ippm> ${scen})
endforeach()

# Every TWAMP-Test case can fail: one field of the light reflector's
# replies broken at a time by `ippm relay --mutate` is charged by `ippm
# conform twamp-light-reflector` to that field's cases and no other.
ippm_script_test(twamp_light_mutation LABEL live TIMEOUT 120
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/light_mutation.sh
          $<TARGET_FILE:ippm>)
