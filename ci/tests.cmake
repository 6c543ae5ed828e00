# The CI scripts themselves:
#   unit: the summary counts skipped tests, not only steps
ippm_script_test(ci_ctest_skips LABEL unit
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/ctest_skips.sh ${CMAKE_SOURCE_DIR})
#   live: the README's marked example blocks against real runs on loopback
ippm_script_test(readme_examples LABEL live TIMEOUT 120
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/readme_examples.py
          $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR}/README.md)
