# Sourced by ci/test.sh: ctest runs whose skipped tests are counted, so
# the summary says how many tests skipped, not only how many steps (a
# test that skips on every run, metrics_mib without snmpd, must show).
#
#   ctest_counting STEP DIR CTEST_ARGS...   runs ctest, output as usual;
#                                           returns ctest's status and
#                                           adds "STEP: name" to
#                                           CI_SKIPPED_TESTS per skip
#   ctest_skipped_in LOG                    the skipped names in a ctest
#                                           log, one a line
#   ci_summary_line PASSED FAILED SKIPPED   the summary's last line
CI_SKIPPED_TESTS=()

ctest_skipped_in() {
    # ctest ends with "The following tests did not run:" and a line
    # "<tab>  N - name (Skipped)" per test that returned SKIP_RETURN_CODE
    sed -n 's/^[[:space:]]*[0-9][0-9]* - \(.*\) (Skipped)$/\1/p' "$1"
}

ctest_counting() {
    local step=$1 dir=$2 log rc name
    shift 2
    log=$(mktemp) || return 1
    ctest --test-dir "$dir" --output-on-failure "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    while IFS= read -r name; do
        CI_SKIPPED_TESTS+=("$step: $name")
    done < <(ctest_skipped_in "$log")
    rm -f "$log"
    return "$rc"
}

ci_summary_line() {
    local n=${#CI_SKIPPED_TESTS[@]}
    echo "ci: $1 passed, $2 failed, $3 skipped steps; $n test$([ "$n" = 1 ] || echo s) skipped"
}
