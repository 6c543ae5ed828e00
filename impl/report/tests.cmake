# The report writers: text, JSON, JUnit, HTML, metrics, AgentX.
#   unit: report writers (JSON, JUnit XML, table, exit status), HTML,
#         JSON reports against their schema,
#         XML and HTML escaping,
#         Prometheus text; JUnit against its schema
#   live: HTML rendered by headless Chromium (skips without it), the
#         progress line on a tty, --metrics and --agentx served for real
foreach(t report_test html_report_test metrics_test escape_test clock_report_test)
  ippm_unit_test(impl_${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.c LIBS ippm_impl)
endforeach()

# junit_schema and html_render_conform run ippm conform's self-test, which
# binds port 862 when it can (port862: cmake/IppmTest.cmake).
ippm_script_test(junit_schema LABEL unit LOCK port862
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/junit_schema.sh
          $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR})
foreach(mode sender conform pcap)
  set(lock "")
  if(mode STREQUAL "conform")
    set(lock LOCK port862)
  endif()
  ippm_script_test(html_render_${mode} LABEL live TIMEOUT 180 ${lock}
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/html_render.sh
            $<TARGET_FILE:ippm> ${mode} ${CMAKE_SOURCE_DIR})
endforeach()
ippm_script_test(progress_tty LABEL live
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/progress_tty.py
          $<TARGET_FILE:ippm>)
foreach(mode prom_reflector prom_sender prom_errors prom_slow snmp mib)
  ippm_script_test(metrics_${mode} LABEL live TIMEOUT 120
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/metrics_live.py
            $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR}/packaging/IPPM-MIB.txt
            ${mode})
endforeach()
# Every JSON report validates against conformance/schema/
# ippm-report.schema.json: the capture corpus, and ippm conform (its
# self-test binds port 862 when it can).
ippm_script_test(report_schema_pcap LABEL unit
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/report_schema.py
          $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR} pcap)
ippm_script_test(report_schema_conform LABEL unit TIMEOUT 120 LOCK port862
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/report_schema.py
          $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR} conform)
# Hostile names (octets not UTF-8, controls, quotes, <, &, ]]>) in a
# capture's file name and the host name: every report writer holds them
# (issue 10 item 6).
ippm_script_test(report_hostile_names LABEL unit
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/hostile_names.py
          $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR})
