# The .deb (packaging/CPack.cmake): build it with cpack, unpack it into a
# scratch root, run the installed reflector and sender, check the unit.
# Included by impl/CMakeLists.txt.
#   live: packaging/test_deb.sh (77, skipped, without cpack or dpkg-deb)
#   unit: packaging/check_manpage.sh

add_test(NAME packaging_deb
  COMMAND sh ${CMAKE_SOURCE_DIR}/packaging/test_deb.sh ${CMAKE_BINARY_DIR})
set_tests_properties(packaging_deb PROPERTIES
  LABELS live TIMEOUT 300 SKIP_RETURN_CODE 77 RUN_SERIAL ON)

# Every command and option of `ippm ... --help` is in packaging/ippm.1,
# and groff -ww renders it without a warning.
add_test(NAME packaging_manpage
  COMMAND sh ${CMAKE_SOURCE_DIR}/packaging/check_manpage.sh
          $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR}/packaging/ippm.1)
set_tests_properties(packaging_manpage PROPERTIES LABELS unit TIMEOUT 60)
