# Tests of the HTML report, the progress line and the JUnit schema.
# Included by impl/CMakeLists.txt.
#   unit: html_report_test.c (escaping, links, marks, empty series);
#         the JUnit XML of `ippm conform` and `ippm pcap check` validates
#         against conformance/schema/junit-10.xsd (xmllint; skips without).
#   live: `ippm stamp sender --html` (through a lossy, reordering relay),
#         `ippm conform --html` and `ippm pcap check --html` rendered in
#         headless Chromium; the screenshot must show the plots
#         (impl/tests/html_render.sh, png_check.py; skips without chromium).

add_test(NAME junit_schema
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/junit_schema.sh
          $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR})
set_tests_properties(junit_schema PROPERTIES
  LABELS unit TIMEOUT 60 SKIP_RETURN_CODE 77)

foreach(mode sender conform pcap)
  add_test(NAME html_render_${mode}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/html_render.sh
            $<TARGET_FILE:ippm> ${mode} ${CMAKE_SOURCE_DIR})
  set_tests_properties(html_render_${mode} PROPERTIES
    LABELS live TIMEOUT 180 SKIP_RETURN_CODE 77)
endforeach()

# The progress line of `ippm stamp sender` on a pseudo-terminal: drawn,
# rate-limited, counting down, erased; absent with --no-progress and for
# a short run (a pipe never gets one: html_render_sender checks).
add_test(NAME progress_tty
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/tests/progress_tty.py
          $<TARGET_FILE:ippm>)
set_tests_properties(progress_tty PROPERTIES LABELS live TIMEOUT 60)

if(IPPM_TESTS AND NOT IPPM_FUZZ)
  pkg_check_modules(IPPM_HTML_CMOCKA REQUIRED IMPORTED_TARGET cmocka)
  add_executable(impl_html_report_test
                 ${CMAKE_CURRENT_SOURCE_DIR}/html_report_test.c)
  target_compile_definitions(impl_html_report_test PRIVATE _GNU_SOURCE)
  target_link_libraries(impl_html_report_test PRIVATE ippm_impl
                        PkgConfig::IPPM_HTML_CMOCKA)
  add_test(NAME impl_html_report_test COMMAND impl_html_report_test)
  set_tests_properties(impl_html_report_test PROPERTIES LABELS unit)
endif()
