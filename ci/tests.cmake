# The hostile-input suite (ci/hostile.sh): spoofed loops, session floods,
# garbage at 100,000 packets/s and slow clients against every server, each
# followed by a legitimate peer, a memory check and SIGTERM. SERIAL: the
# garbage loads both cores on purpose; port862: peer-loop binds STAMP's
# port on two loopback addresses. Bounded at 90 s by the script.
ippm_script_test(hostile LABEL live SERIAL LOCK port862 TIMEOUT 120
  COMMAND bash ${CMAKE_SOURCE_DIR}/ci/hostile.sh $<TARGET_FILE:ippm>)
