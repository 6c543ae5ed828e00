# The .deb builds, installs into a scratch root and runs; the man page
# documents every subcommand and option the binary has.
# It runs a reflector on port 862 as the unit would (port862: see
# cmake/IppmTest.cmake).
ippm_script_test(packaging_deb LABEL live TIMEOUT 300 LOCK port862
  COMMAND sh ${CMAKE_SOURCE_DIR}/packaging/test_deb.sh ${CMAKE_BINARY_DIR})
ippm_script_test(packaging_manpage LABEL unit
  COMMAND sh ${CMAKE_SOURCE_DIR}/packaging/check_manpage.sh
          $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR}/packaging/ippm.1)
