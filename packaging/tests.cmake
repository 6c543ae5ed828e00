# The .deb builds, installs into a scratch root and runs; the man page
# documents every subcommand and option the binary has.
ippm_script_test(packaging_deb LABEL live TIMEOUT 300 SERIAL
  COMMAND sh ${CMAKE_SOURCE_DIR}/packaging/test_deb.sh ${CMAKE_BINARY_DIR})
ippm_script_test(packaging_manpage LABEL unit
  COMMAND sh ${CMAKE_SOURCE_DIR}/packaging/check_manpage.sh
          $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR}/packaging/ippm.1)
