# One way to register a test, for every folder (ngtcp2 registers its tests
# through one macro too). Labels are unit, pcap, fuzz and live; a live test
# talks over loopback or a namespace it makes itself.
#
#   ippm_unit_test(NAME SOURCES src... [LIBS lib...] [TIMEOUT s])
#       a cmocka executable, label unit; LIBS default to ippm_proto.
#   ippm_script_test(NAME LABEL unit|pcap|live COMMAND cmd...
#                    [TIMEOUT s] [SERIAL] [LOCK resource...]
#                    [WORKING_DIRECTORY dir])
#       a script or a command line; exit 77 means skipped. Every live test
#       must pass under ctest -j4 on a loaded 2-core machine: ports from
#       the kernel (bind to port 0), a mktemp -d of its own, and only
#       counts that are exact whatever the load. SERIAL keeps it off the
#       machine while other tests run, for what measures time (accuracy,
#       delay, benchmarks) or loads both cores on purpose. LOCK names a
#       fixed resource (ctest RESOURCE_LOCK) that tests sharing it take in
#       turn: port862, STAMP's default port, which `ippm conform`'s
#       self-test and the .deb test bind when they can.
include_guard(GLOBAL)

if(IPPM_TESTS AND NOT IPPM_FUZZ)
  pkg_check_modules(IPPM_CMOCKA REQUIRED IMPORTED_TARGET GLOBAL cmocka)
endif()

function(ippm_unit_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT IPPM_TESTS OR IPPM_FUZZ)
    return()
  endif()
  if(NOT T_LIBS)
    set(T_LIBS ippm_proto)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_compile_definitions(${name} PRIVATE _GNU_SOURCE)
  target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::IPPM_CMOCKA)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT ${T_TIMEOUT})
endfunction()

function(ippm_script_test name)
  cmake_parse_arguments(T "SERIAL" "LABEL;TIMEOUT;WORKING_DIRECTORY" "COMMAND;LOCK"
                        ${ARGN})
  if(NOT T_LABEL)
    message(FATAL_ERROR "ippm_script_test(${name}): LABEL is required")
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 60)
  endif()
  if(T_WORKING_DIRECTORY)
    add_test(NAME ${name} COMMAND ${T_COMMAND}
             WORKING_DIRECTORY ${T_WORKING_DIRECTORY})
  else()
    add_test(NAME ${name} COMMAND ${T_COMMAND})
  endif()
  set_tests_properties(${name} PROPERTIES LABELS ${T_LABEL}
    TIMEOUT ${T_TIMEOUT} SKIP_RETURN_CODE 77)
  if(T_SERIAL)
    set_tests_properties(${name} PROPERTIES RUN_SERIAL TRUE)
  endif()
  if(T_LOCK)
    set_tests_properties(${name} PROPERTIES RESOURCE_LOCK "${T_LOCK}")
  endif()
endfunction()

#   ippm_scenario_tests(PREFIX SCRIPT script.py SCENARIOS name...
#                       [SERIAL] [TIMEOUT s])
#       one live test PREFIX_NAME per scenario, each running
#       `python3 script.py IPPM NAME` (the shape of every *_live.py that
#       takes the ippm binary and a scenario).
#   ippm_accuracy_tests(PREFIX SCRIPT script.py [DEPENDS file...])
#       the same for an accuracy script, SERIAL (it measures time), with
#       the scenarios it lists (`script.py --list`, run at configure
#       time); cmake runs again when the script or DEPENDS change, as
#       their lists would (ci/accuracy.sh runs the same scripts).
function(ippm_scenario_tests prefix)
  cmake_parse_arguments(T "SERIAL" "SCRIPT;TIMEOUT" "SCENARIOS" ${ARGN})
  set(extra "")
  if(T_SERIAL)
    list(APPEND extra SERIAL)
  endif()
  if(T_TIMEOUT)
    list(APPEND extra TIMEOUT ${T_TIMEOUT})
  endif()
  foreach(scen ${T_SCENARIOS})
    ippm_script_test(${prefix}_${scen} LABEL live ${extra}
      COMMAND /usr/bin/python3 ${T_SCRIPT} $<TARGET_FILE:ippm> ${scen})
  endforeach()
endfunction()

function(ippm_accuracy_tests prefix)
  cmake_parse_arguments(T "" "SCRIPT" "DEPENDS" ${ARGN})
  execute_process(COMMAND /usr/bin/python3 ${T_SCRIPT} --list
                  OUTPUT_VARIABLE scens RESULT_VARIABLE rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${T_SCRIPT} --list failed (${rc})")
  endif()
  string(REPLACE "\n" ";" scens "${scens}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${T_SCRIPT}
    ${T_DEPENDS})
  ippm_scenario_tests(${prefix} SERIAL SCRIPT ${T_SCRIPT} SCENARIOS ${scens})
endfunction()
