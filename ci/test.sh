#!/usr/bin/env bash
# Every test of ippm, in one command (what .ci/run executes):
#
#   setup        ci/setup.sh: Debian packages, idempotent
#   release      build/ (-Werror), ctest: every label but fuzz and live
#   purity       ci/check-proto-purity.sh --self-test, then on build/
#   asan         build-asan/ (ASan+UBSan), ctest -L 'unit|pcap'
#   valgrind     memcheck over every unit test executable of build/
#   fuzz         build-fuzz/ (clang, libFuzzer), FUZZ_BUDGET seconds split
#                over the targets
#   quotes       ci/check-quotes.sh, when it exists
#   live         ctest -L live -j LIVE_JOBS in build/: end-to-end loopback runs
#
# Environment: FUZZ_BUDGET (300: seconds of fuzzing in all, split evenly
# over the targets by fuzz/CMakeLists.txt, at least 10 each), FUZZ_SECONDS
# (unset; seconds per target instead of the split), JOBS (2), LIVE_JOBS
# (4), BUILD_TYPE (RelWithDebInfo: optimised, with symbols for valgrind),
# SKIP="fuzz valgrind" to leave steps out while developing (CI never sets
# it).
# Every step runs even after a failure; the exit status is non-zero if any
# failed, and the last line is "ci: N passed, N failed, N skipped steps;
# N tests skipped", the tests that skipped inside the ctest steps listed
# above it (ci/ctest_skips.sh).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
JOBS=${JOBS:-2}
LIVE_JOBS=${LIVE_JOBS:-4}
FUZZ_BUDGET=${FUZZ_BUDGET:-300}
FUZZ_SECONDS=${FUZZ_SECONDS:-}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
SKIP=${SKIP:-}
PY=/usr/bin/python3   # Debian's, with scapy; a pyenv python3 may shadow it
# shellcheck source=ci/ctest_skips.sh
. "$ROOT/ci/ctest_skips.sh"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export CTEST_OUTPUT_ON_FAILURE=1

t0=$(date +%s)
declare -a SUMMARY=()
passed=0 failed=0 skipped=0

# step NAME CMD...: runs CMD, records PASS/FAIL and its time.
# A command that prints "SKIP: reason" on its last line and returns 77
# is recorded as skipped.
step() {
    local name=$1 s rc
    shift
    case " $SKIP " in *" $name "*)
        SUMMARY+=("$(printf '%-10s %-5s %5s  %s' "$name" SKIP - "SKIP=$SKIP")")
        skipped=$((skipped + 1))
        return 0 ;;
    esac
    echo
    echo "======== $name ========"
    STEP=$name
    s=$(date +%s)
    "$@"
    rc=$?
    local dt=$(( $(date +%s) - s ))
    if [ $rc -eq 0 ]; then
        SUMMARY+=("$(printf '%-10s %-5s %4ss' "$name" PASS "$dt")")
        passed=$((passed + 1))
    elif [ $rc -eq 77 ]; then
        SUMMARY+=("$(printf '%-10s %-5s %4ss  %s' "$name" SKIP "$dt" "${SKIP_REASON:-}")")
        skipped=$((skipped + 1))
    else
        SUMMARY+=("$(printf '%-10s %-5s %4ss  exit %s' "$name" FAIL "$dt" "$rc")")
        failed=$((failed + 1))
    fi
    SKIP_REASON=
    return 0
}

# ctest that refuses to call "no tests" a pass: 77 (skip) when the label
# selects nothing.
ctest_labels() {
    local dir=$1 n
    shift
    n=$(ctest --test-dir "$dir" -N "$@" 2>/dev/null | awk '/Total Tests:/ { print $3 }')
    if [ "${n:-0}" -eq 0 ]; then
        SKIP_REASON="no test selected by: $*"
        echo "SKIP: $SKIP_REASON"
        return 77
    fi
    ctest_counting "$STEP" "$dir" "$@"
}

configure_build() { # DIR [cmake args...]
    local dir=$1
    shift
    cmake -S "$ROOT" -B "$dir" "$@" && cmake --build "$dir" -j "$JOBS"
}

do_setup() { bash "$ROOT/ci/setup.sh"; }

do_release() {
    configure_build build -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DIPPM_WERROR=ON \
        -DIPPM_SANITIZE=OFF -DIPPM_FUZZ=OFF || return 1
    ctest_labels build -LE 'fuzz|live' -j "$JOBS"
}

do_purity() {
    bash "$ROOT/ci/check-proto-purity.sh" --self-test || return 1
    bash "$ROOT/ci/check-proto-purity.sh" "$ROOT/build"
}

do_asan() {
    configure_build build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DIPPM_WERROR=ON -DIPPM_SANITIZE=ON -DIPPM_FUZZ=OFF || return 1
    ctest_labels build-asan -L 'unit|pcap' -j "$JOBS"
}

# Valgrind memcheck over every test labelled unit whose command is an
# executable this build made (ELF), with its arguments and working
# directory as ctest knows them; script-driven tests are listed as skipped
# (valgrind would be checking the shell). A memory error, a definite leak
# or a failing test fails the step.
do_valgrind() {
    local list n=0 bad=0 scripts=0
    list=$(ctest --test-dir build -N -L unit --show-only=json-v1 | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
for t in d.get("tests", []):
    cmd = t.get("command") or ["<not built>"]
    wd = ""
    for p in t.get("properties", []):
        if p.get("name") == "WORKING_DIRECTORY":
            wd = p.get("value")
    print("\x1f".join([t["name"], wd] + cmd))
') || return 1
    if [ -z "$list" ]; then
        SKIP_REASON="no unit test registered"
        echo "SKIP: $SKIP_REASON"
        return 77
    fi
    while IFS=$'\x1f' read -r -a f; do
        local name=${f[0]} wd=${f[1]:-$ROOT/build} rc
        local log=$ROOT/build/valgrind-$name.log
        if [ "${f[2]}" = "<not built>" ] ||
           { [[ ${f[2]} == "$ROOT/build/"* ]] && [ ! -e "${f[2]}" ]; }; then
            echo "  FAIL  valgrind $name: its executable was not built"
            n=$((n + 1))
            bad=$((bad + 1))
            continue
        fi
        if [[ ${f[2]} != "$ROOT/build/"* ]] ||
           [ "$(head -c 4 "${f[2]}" 2>/dev/null | od -An -c | tr -d ' ')" != '177ELF' ]; then
            echo "  skip  valgrind $name (runs ${f[2]}, not a test executable)"
            scripts=$((scripts + 1))
            continue
        fi
        n=$((n + 1))
        (cd "$wd" && valgrind -q --error-exitcode=1 --leak-check=full \
            --errors-for-leak-kinds=definite --track-origins=yes \
            --log-file="$log" "${f[@]:2}" >"$log.out" 2>&1)
        rc=$?
        if [ $rc -eq 0 ]; then
            echo "  ok    valgrind $name"
        elif [ -s "$log" ]; then
            echo "  FAIL  valgrind $name: memcheck errors (log: $log)"
            sed 's/^/      /' "$log" | head -60
            bad=$((bad + 1))
        else
            echo "  FAIL  valgrind $name: the test itself failed, exit $rc (output: $log.out)"
            tail -20 "$log.out" | sed 's/^/      /'
            bad=$((bad + 1))
        fi
    done <<<"$list"
    echo "valgrind: $((n - bad)) of $n unit test executables clean ($scripts script tests not run under valgrind)"
    [ $bad -eq 0 ] && [ $n -gt 0 ]
}

do_fuzz() {
    # seeds are the committed fuzz/corpus/ (fuzz/seed_from_pcaps.py makes
    # them); what the run finds goes to build-fuzz/, never to the tree
    CC=clang cmake -S "$ROOT" -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DIPPM_FUZZ=ON -DIPPM_WERROR=ON -DIPPM_FUZZ_BUDGET="$FUZZ_BUDGET" \
        -DIPPM_FUZZ_SECONDS="$FUZZ_SECONDS" || return 1
    cmake --build build-fuzz -j "$JOBS" --target fuzz_all || return 1
    # one after another: each target gets both cores' worth of attention
    local rc=0
    ctest_labels build-fuzz -L fuzz || rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
        echo "fuzz: crash inputs (reproduce with build-fuzz/fuzz/<target> FILE):"
        ls -l build-fuzz/fuzz/artifacts/ 2>/dev/null
    fi
    return $rc
}

do_quotes() {
    if [ ! -f "$ROOT/ci/check-quotes.sh" ]; then
        SKIP_REASON="ci/check-quotes.sh not present"
        echo "SKIP: $SKIP_REASON"
        return 77
    fi
    bash "$ROOT/ci/check-quotes.sh"
}

# -j4 on two cores: CI runs beside other work, and every live test must
# pass so (only the timing tests are SERIAL).
do_live() { ctest_labels build -L live -j "$LIVE_JOBS"; }

step setup do_setup
step release do_release
step purity do_purity
step asan do_asan
step valgrind do_valgrind
step fuzz do_fuzz
step quotes do_quotes
step live do_live

echo
echo "======== summary ($(( $(date +%s) - t0 ))s wall) ========"
printf '%s\n' "${SUMMARY[@]}"
if [ ${#CI_SKIPPED_TESTS[@]} -gt 0 ]; then
    echo "tests skipped:"
    printf '  %s\n' "${CI_SKIPPED_TESTS[@]}"
fi
ci_summary_line "$passed" "$failed" "$skipped"
[ $failed -eq 0 ]
