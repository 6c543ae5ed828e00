#!/usr/bin/env bash
# ci/ctest_skips.sh: the CI summary counts tests that skipped inside a
# ctest step (issue 11: metrics_mib skipped on every run while the last
# line said "0 skipped", which counted steps only). A scratch CMake
# project with one passing, two skipping and no failing test goes through
# ctest_counting; then ci/test.sh with every step left out still ends
# with the line the summary's readers expect.
#   ctest_skips.sh SOURCE_DIR
set -uo pipefail
src=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$tmp/CMakeLists.txt" <<'CMK'
cmake_minimum_required(VERSION 3.16)
project(skips NONE)
enable_testing()
add_test(NAME passes COMMAND true)
add_test(NAME skips_one COMMAND sh -c "exit 77")
add_test(NAME skips_two COMMAND sh -c "exit 77")
set_tests_properties(skips_one skips_two PROPERTIES SKIP_RETURN_CODE 77)
CMK
cmake -S "$tmp" -B "$tmp/b" >/dev/null || fail "cmake"

# shellcheck source=ci/ctest_skips.sh
. "$src/ci/ctest_skips.sh"
ctest_counting release "$tmp/b" >"$tmp/out" 2>&1 || fail "ctest failed"
grep -q "Test #1: passes" "$tmp/out" || fail "ctest's output not shown"
[ ${#CI_SKIPPED_TESTS[@]} -eq 2 ] ||
    fail "${#CI_SKIPPED_TESTS[@]} skipped tests counted, expected 2"
[ "${CI_SKIPPED_TESTS[0]}" = "release: skips_one" ] ||
    fail "first skip named '${CI_SKIPPED_TESTS[0]}'"
line=$(ci_summary_line 7 0 1)
[ "$line" = "ci: 7 passed, 0 failed, 1 skipped steps; 2 tests skipped" ] ||
    fail "summary line '$line'"

# a failing ctest still fails, and its skips still count
echo 'add_test(NAME fails COMMAND false)' >>"$tmp/CMakeLists.txt"
cmake -S "$tmp" -B "$tmp/b" >/dev/null || fail "cmake"
CI_SKIPPED_TESTS=()
ctest_counting live "$tmp/b" >"$tmp/out" 2>&1 && fail "a failing test passed"
[ ${#CI_SKIPPED_TESTS[@]} -eq 2 ] || fail "skips lost after a failure"

last=$(SKIP="setup release purity asan valgrind fuzz quotes live" \
    bash "$src/ci/test.sh" 2>&1 | tail -n 1)
[ "$last" = "ci: 0 passed, 0 failed, 8 skipped steps; 0 tests skipped" ] ||
    fail "ci/test.sh ends with '$last'"
echo PASS
