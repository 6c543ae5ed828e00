# The hostile-input suite (ci/hostile.sh): spoofed loops, session floods,
# garbage at 100,000 packets/s and slow clients against every server, each
# followed by a legitimate peer, a memory check and SIGTERM. SERIAL: the
# garbage loads both cores on purpose; port862: peer-loop binds STAMP's
# port on two loopback addresses. Bounded at 150 s by the script.
ippm_script_test(hostile LABEL live SERIAL LOCK port862 TIMEOUT 180
  COMMAND bash ${CMAKE_SOURCE_DIR}/ci/hostile.sh $<TARGET_FILE:ippm>)

# The CI scripts themselves:
#   unit: the summary counts skipped tests, not only steps
ippm_script_test(ci_ctest_skips LABEL unit
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/ctest_skips.sh ${CMAKE_SOURCE_DIR})
#   live: the README's marked example blocks against real runs on loopback
ippm_script_test(readme_examples LABEL live TIMEOUT 120
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/readme_examples.py
          $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR}/README.md)
