# --metrics (impl/metrics*.c, Prometheus) and --agentx (impl/snmp_agentx.c,
# SNMP) of the STAMP drivers. Included by impl/CMakeLists.txt.
#   live: impl/tests/metrics_live.py
#     prom_reflector  reflector counters scraped with curl, exact, after a
#                     good sender, a wrong-key sender and a short datagram;
#                     404 and 405
#     prom_sender     sender scraped while running, then RTT summary checked
#                     against the run's own JSON
#     prom_errors     bad --metrics values exit 2, a taken port exits 3
#     snmp            a private snmpd (AgentX master on a unix socket in a
#                     temp dir, UDP on a free loopback port) walked with
#                     snmpwalk: reflector and sender counters, and every OID
#                     served is an object of packaging/IPPM-MIB.txt
#     mib             snmptranslate loads IPPM-MIB (skipped without the IETF
#                     SMI modules; set IPPM_MIBDIRS to a directory of them)
foreach(mode prom_reflector prom_sender prom_errors snmp mib)
  add_test(NAME metrics_${mode}
    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/tests/metrics_live.py
            $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR}/packaging/IPPM-MIB.txt
            ${mode})
  set_tests_properties(metrics_${mode} PROPERTIES
    LABELS live TIMEOUT 120 SKIP_RETURN_CODE 77)
endforeach()

# unit: impl/metrics_test.c (cmocka): label escaping, the text format,
# summaries, and a writer racing a reader.
if(IPPM_TESTS AND NOT IPPM_FUZZ)
  pkg_check_modules(IPPM_METRICS_CMOCKA REQUIRED IMPORTED_TARGET cmocka)
  add_executable(impl_metrics_test ${CMAKE_CURRENT_SOURCE_DIR}/metrics_test.c)
  target_compile_definitions(impl_metrics_test PRIVATE _GNU_SOURCE)
  target_link_libraries(impl_metrics_test PRIVATE ippm_impl
                        PkgConfig::IPPM_METRICS_CMOCKA)
  add_test(NAME impl_metrics_test COMMAND impl_metrics_test)
  set_tests_properties(impl_metrics_test PROPERTIES LABELS unit)
endif()
