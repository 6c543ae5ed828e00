#!/usr/bin/env bash
# Peak memory of `ippm stamp sender` against a count ten times larger:
# the sender's records live in a fixed ring and its statistics stream
# (proto/common/ippm_stats.h), so RSS must not grow with --count.
#
# Runs a reflector on loopback and the sender at --interval 0 (as fast as
# it goes) with COUNT and 10 x COUNT packets, reads each sender's peak RSS
# (VmHWM from /usr/bin/time -v, or /proc/PID/status when time is absent)
# and prints both. Not a timing test: the rate only shortens the run.
#
# usage: ci/bench-memory.sh [BUILD_DIR|IPPM_BINARY] [COUNT] (build, 100000)
#        ci/bench-memory.sh --check [BUILD_DIR] [COUNT]
# With --check it exits 1 unless RSS(10 x COUNT) < 1.2 x RSS(COUNT)
# (ctest stamp_bench_memory, labels live, SERIAL). Exit 77: cannot run.
# IPPM=PATH measures another binary (say, a build from before the ring).
#
#        ci/bench-memory.sh [--check] --continuous [BUILD_DIR] [SECONDS]
# A continuous run instead (--count 0 --interval 0, --report-interval 1
# and --jsonl to /dev/null, as a day-long pipeline would run it) for
# SECONDS (20): its RSS a few seconds in (once the ring has filled)
# against its RSS at the end, then SIGINT, which must print the summary
# and exit 0. With --check it exits 1 unless RSS(end) < 1.2 x RSS(early)
# (ctest stamp_bench_memory_continuous).
set -uo pipefail

check=0 continuous=0
if [ "${1:-}" = "--check" ]; then
    check=1
    shift
fi
if [ "${1:-}" = "--continuous" ]; then
    continuous=1
    shift
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
count=${2:-100000}
case $build in /*) ;; *) build=$root/$build ;; esac
ippm=${IPPM:-$build/ippm}
[ -f "$build" ] && ippm=$build # the binary itself (ctest passes it)   # IPPM=path: another binary (a pre-change one)
[ -x "$ippm" ] || { echo "bench-memory: no $ippm" >&2; exit 77; }

tmp=$(mktemp -d /tmp/ippm-bench-memory.XXXXXX)
refl_pid=
cleanup() {
    [ -n "$refl_pid" ] && kill "$refl_pid" 2>/dev/null && wait "$refl_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# A free port: let the kernel pick one for a moment.
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null) ||
    port=$((20000 + RANDOM % 20000))
"$ippm" stamp reflector --listen 127.0.0.1 --port "$port" >"$tmp/refl.log" 2>&1 &
refl_pid=$!
sleep 0.3
kill -0 "$refl_pid" 2>/dev/null || { echo "bench-memory: reflector did not start" >&2; exit 77; }

# peak_rss N: runs the sender for N packets; prints "kB sent received".
peak_rss() {
    local n=$1 out=$tmp/send-$1.txt
    local args=(stamp sender 127.0.0.1 --port "$port" --count "$n"
                --interval 0 --wait 0.5 --no-progress)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$ippm" "${args[@]}" >"$out" 2>"$tmp/time-$n.txt"
        local kb
        kb=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$tmp/time-$n.txt")
        echo "$kb $(summary "$out")"
    else
        "$ippm" "${args[@]}" >"$out" 2>&1 &
        local pid=$! kb=0 now
        while kill -0 "$pid" 2>/dev/null; do
            now=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
            [ -n "$now" ] && kb=$now
            sleep 0.05
        done
        wait "$pid"
        echo "$kb $(summary "$out")"
    fi
}

# summary FILE: "sent received" from the sender's summary line.
summary() {
    sed -n 's/^\([0-9]*\) sent, \([0-9]*\) received.*/\1 \2/p' "$1"
}

# continuous_rss SECONDS: "early_kB end_kB sent exit" of a --count 0 run
# stopped by SIGINT after SECONDS.
continuous_rss() {
    local secs=$1 out=$tmp/send-continuous.txt early=0 late=0 pid rc
    "$ippm" stamp sender 127.0.0.1 --port "$port" --count 0 --interval 0 \
        --wait 0.5 --report-interval 1 --jsonl /dev/null --no-progress \
        >"$out" 2>&1 &
    pid=$!
    sleep 3
    early=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    sleep $((secs - 3))
    late=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    kill -INT "$pid"
    wait "$pid"
    rc=$?
    grep -q "STAMP statistics (interrupted)" "$out" || rc=99
    echo "${early:-0} ${late:-0} $(summary "$out" | cut -d' ' -f1) $rc"
}

if [ "$continuous" = 1 ]; then
    secs=${2:-20}
    [ "$secs" -gt 3 ] 2>/dev/null || secs=20
    read -r early late sent rc <<<"$(continuous_rss "$secs")"
    if [ "$rc" != 0 ] || [ "$early" = 0 ] || [ -z "$sent" ]; then
        echo "bench-memory: the continuous run failed (exit $rc)" >&2
        cat "$tmp/send-continuous.txt" >&2
        exit 1
    fi
    ratio=$(awk -v a="$early" -v b="$late" 'BEGIN { printf "%.3f", b / a }')
    echo "continuous run: $sent packets in ${secs} s; RSS at 3 s $early kB," \
         "at ${secs} s $late kB; ratio $ratio; SIGINT exit 0 with the summary"
    if [ "$check" = 1 ] && ! awk -v r="$ratio" 'BEGIN { exit !(r < 1.2) }'; then
        echo "bench-memory: FAIL: a continuous run's memory grows" >&2
        exit 1
    fi
    exit 0
fi

read -r rss1 sent1 recv1 <<<"$(peak_rss "$count")"
read -r rss10 sent10 recv10 <<<"$(peak_rss $((count * 10)))"
if [ -z "${rss1:-}" ] || [ -z "${rss10:-}" ] || [ -z "${sent10:-}" ]; then
    echo "bench-memory: a sender run failed" >&2
    cat "$tmp"/send-*.txt "$tmp"/time-*.txt >&2 2>/dev/null
    exit 1
fi
ratio=$(awk -v a="$rss1" -v b="$rss10" 'BEGIN { printf "%.3f", b / a }')
printf '%-10s %10s %10s %12s\n' count sent received "peak RSS kB"
printf '%-10s %10s %10s %12s\n' "$count" "$sent1" "$recv1" "$rss1"
printf '%-10s %10s %10s %12s\n' "$((count * 10))" "$sent10" "$recv10" "$rss10"
echo "RSS(10 x count) / RSS(count) = $ratio"
if [ "$check" = 1 ] && ! awk -v r="$ratio" 'BEGIN { exit !(r < 1.2) }'; then
    echo "bench-memory: FAIL: the sender's memory grows with --count" >&2
    exit 1
fi
exit 0
