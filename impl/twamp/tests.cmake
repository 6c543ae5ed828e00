# TWAMP Light (RFC 5357 Appendix I) live on loopback: the reflector's
# replies to raw requests, and the sender against it, open and in modes A
# and E.
foreach(scen reflector symmetrical sender auth encrypted)
  ippm_script_test(twamp_light_${scen} LABEL live
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/light_live.py
            $<TARGET_FILE:ippm> ${scen})
endforeach()

# The light sender's accuracy against the relay's truth file: one test per
# scenario of accuracy_twamp_light.py (--list; the checks of
# impl/stamp/tests/accuracy_stamp.py), about 20 s in all. ci/accuracy.sh
# runs the same script.
set(twl_acc ${CMAKE_CURRENT_LIST_DIR}/tests/accuracy_twamp_light.py)
execute_process(COMMAND /usr/bin/python3 ${twl_acc} --list
                OUTPUT_VARIABLE twl_scens RESULT_VARIABLE rc
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${twl_acc} --list failed (${rc})")
endif()
string(REPLACE "\n" ";" twl_scens "${twl_scens}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${twl_acc}
  ${CMAKE_CURRENT_LIST_DIR}/../stamp/tests/accuracy_stamp.py)
foreach(scen ${twl_scens})
  ippm_script_test(accuracy_twamp_light_${scen} LABEL live SERIAL
    COMMAND /usr/bin/python3 ${twl_acc} $<TARGET_FILE:ippm> ${scen})
endforeach()

# ippm twamp client and ippm owamp client --to the same way, their test
# packets through the relay (--test-via): one test per scenario of
# accuracy_twamp_client.py, about 12 s in all.
set(twc_acc ${CMAKE_CURRENT_LIST_DIR}/tests/accuracy_twamp_client.py)
execute_process(COMMAND /usr/bin/python3 ${twc_acc} --list
                OUTPUT_VARIABLE twc_scens RESULT_VARIABLE rc
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${twc_acc} --list failed (${rc})")
endif()
string(REPLACE "\n" ";" twc_scens "${twc_scens}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${twc_acc})
foreach(scen ${twc_scens})
  ippm_script_test(accuracy_twamp_client_${scen} LABEL live SERIAL
    COMMAND /usr/bin/python3 ${twc_acc} $<TARGET_FILE:ippm> ${scen})
endforeach()

# ippm twamp server and client.
#   unit: the test plane on loopback (sender against reflecting session,
#         modes open, authenticated, encrypted), exact counts
foreach(t twamp_plane_test)
  ippm_unit_test(impl_${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.c LIBS ippm_impl)
endforeach()
