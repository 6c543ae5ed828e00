# The CI scripts themselves:
#   unit: the summary counts skipped tests, not only steps
ippm_script_test(ci_ctest_skips LABEL unit
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/ctest_skips.sh ${CMAKE_SOURCE_DIR})
