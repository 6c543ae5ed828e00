# Accuracy of every sender against the relay's ground truth
# (impl/tests/accuracy_<sender>.py). Included by impl/CMakeLists.txt.
#   live: sender -> ippm relay --truth -> stateful reflector on loopback,
#         one test per scenario (the script's --list): loss, duplicate and
#         reordering counts equal the truth file's exactly, per sequence
#         number and per direction; delay medians within 50 us of the
#         injected delay plus the same run's unimpaired baseline.
#         ci/accuracy.sh runs the same scenarios and writes the README
#         table. A later sender adds its script to the list below.

foreach(sender stamp)
  set(script ${CMAKE_CURRENT_SOURCE_DIR}/tests/accuracy_${sender}.py)
  execute_process(COMMAND /usr/bin/python3 ${script} --list
                  OUTPUT_VARIABLE scens RESULT_VARIABLE rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${script} --list failed (${rc})")
  endif()
  string(REPLACE "\n" ";" scens "${scens}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${script})
  foreach(scen ${scens})
    add_test(NAME accuracy_${sender}_${scen}
      COMMAND /usr/bin/python3 ${script} $<TARGET_FILE:ippm> ${scen})
    set_tests_properties(accuracy_${sender}_${scen} PROPERTIES
      LABELS live TIMEOUT 60 SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)
  endforeach()
endforeach()
