#!/usr/bin/env bash
# Loopback throughput of `ippm stamp reflector` against a bare batched UDP
# echo (`ippm bench echo`), both driven by the same load generator
# (`ippm bench load`): replies/s, the ratio to the echo, and the server's
# CPU time per reply (utime+stime from /proc/PID/stat around the run).
# The server and the load are pinned to different cores when there are two.
#
# usage: ci/bench.sh [SECONDS]       (default 10, or $BENCH_SECONDS)
# BENCH_SET=twamp runs the TWAMP reflectors instead (issue 12): the
# TWAMP-Light reflector, stateless and stateful, and `ippm twamp server`
# reflecting one test session in mode O (unauthenticated), which
# ci/bench_twamp_session.py sets up over TWAMP-Control and holds open;
# the same echo baselines and load (TWAMP-Test packets in mode O have
# STAMP's open layout: RFC 8762 took it from RFC 5357). It writes
# ci/bench-results-twamp.md and gates nothing.
# BENCH_SET=rmbt runs `ippm rmbt server` (issue 13) instead: the load sends
# 24-octet RMBT UDP ping requests (`ippm bench load --rmbt-token`, a token
# of now minted for 127.0.0.1 with the bench key, so every request costs
# the server both HMACs and gets RR01), one flow against the echo and the
# server pinned to CPU 1, then FLOWS flows against the echo and the server
# at --threads 1 and --threads 2 --cpus 0-1. It writes
# ci/bench-results-rmbt.md and gates nothing.
# The thread rows (issue 11) run the load as FLOWS (4) generators, each its
# own socket, so that the kernel's SO_REUSEPORT hash spreads them over the
# reflector's workers; their baseline is the bare echo under the same load
# ("echo-flows"), and the reflector there may use both CPUs.
#
# env:   BUILD (build), BATCH (64), WINDOW (256), SIZE (44), ROUNDS (1:
#        with more, each server runs that many times and the median is
#        kept), BENCH_GATE (1: exit 1 when the stateless reflector is
#        below 0.9 of the echo), BENCH_OUT (ci/bench-results.md)
#
# Prints a Markdown table and writes it, with the conditions, to BENCH_OUT.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
SECS=${1:-${BENCH_SECONDS:-10}}
BUILD=${BUILD:-build}
BATCH=${BATCH:-64}
WINDOW=${WINDOW:-256}
SIZE=${SIZE:-44}
ROUNDS=${ROUNDS:-1}
FLOWS=${FLOWS:-4}
BENCH_GATE=${BENCH_GATE:-1}
BENCH_SET=${BENCH_SET:-stamp}
if [ "$BENCH_SET" = twamp ]; then
    BENCH_GATE=0
    OUT=${BENCH_OUT:-$ROOT/ci/bench-results-twamp.md}
else
    OUT=${BENCH_OUT:-$ROOT/ci/bench-results.md}
fi
if [ "$BENCH_SET" = rmbt ]; then
    BENCH_GATE=0
    OUT=${BENCH_OUT:-$ROOT/ci/bench-results-rmbt.md}
fi
GOAL=0.9
PY=/usr/bin/python3
IPPM=$ROOT/$BUILD/ippm
case "$BUILD" in /*) IPPM=$BUILD/ippm ;; esac

if [ ! -x "$IPPM" ]; then
    echo "bench: building $BUILD (release)"
    cmake -S "$ROOT" -B "$ROOT/$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
        cmake --build "$ROOT/$BUILD" -j 2 >/dev/null || { echo "bench: build failed"; exit 3; }
fi

if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    PIN_SERVER="taskset -c 1"
    PIN_LOAD="taskset -c 0"
    PINNING="server on CPU 1, load on CPU 0"
else
    PIN_SERVER=""
    PIN_LOAD=""
    PINNING="not pinned (one CPU)"
fi
HZ=$(getconf CLK_TCK)
TMP=$(mktemp -d /tmp/ippm-bench.XXXXXX)
SERVER_PID=
SESSION_PID=
cleanup() {
    stop_session
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# The TWAMP control client holding a session (BENCH_SET=twamp), if any.
stop_session() {
    if [ -n "$SESSION_PID" ]; then
        kill "$SESSION_PID" 2>/dev/null
        wait "$SESSION_PID" 2>/dev/null
        SESSION_PID=
    fi
}

# A free UDP port on 127.0.0.1.
free_port() {
    "$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until something listens on UDP port $1 (127.0.0.1), up to 5 s.
wait_bound() {
    local hex i
    hex=$(printf '%04X' "$1")
    for i in $(seq 50); do
        if grep -q ":$hex " /proc/net/udp 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    return 1
}

cpu_ticks() { # utime + stime of PID, in clock ticks
    # the command name may hold spaces: fields after the last ')'
    awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# run_load PORT SECONDS OUT: the load generator, or $CASE_FLOWS of them
# side by side (each with its share of the window), their JSON lines
# summed into one on OUT. Returns the first failure's status.
run_load() {
    local port=$1 secs=$2 out=$3 i rc=0 pids=()
    if [ "$CASE_FLOWS" -le 1 ]; then
        # shellcheck disable=SC2086
        $PIN_LOAD "$IPPM" bench load 127.0.0.1 --port "$port" --seconds "$secs" \
            --batch "$BATCH" --window "$WINDOW" --size "$SIZE" $LOAD_ARGS >"$out" 2>"$out.err"
        return
    fi
    for i in $(seq "$CASE_FLOWS"); do
        # shellcheck disable=SC2086
        "$IPPM" bench load 127.0.0.1 --port "$port" --seconds "$secs" \
            --batch "$BATCH" --window $(( WINDOW / CASE_FLOWS )) --size "$SIZE" \
            $LOAD_ARGS >"$out.$i" 2>"$out.$i.err" &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || rc=$?; done
    # shellcheck disable=SC2046
    "$PY" - $(for i in $(seq "$CASE_FLOWS"); do echo "$out.$i"; done) >"$out" <<'PY'
import json, sys
rows = [json.load(open(f)) for f in sys.argv[1:]]
j = dict(rows[0])
for k in ("sent", "received", "replies_per_s", "short_replies", "stalls",
          "send_errors", "window"):
    j[k] = sum(r[k] for r in rows)
j["flows"] = len(rows)
j["received_over_sent"] = j["received"] / j["sent"] if j["sent"] else 0.0
print(json.dumps(j, separators=(",", ":")))
PY
    return $rc
}

# run_case LABEL SERVER-ARGS...: writes "rate received sent cpu_us_per_reply"
# to $TMP/LABEL.result (in this shell, so the EXIT trap can stop the server)
run_case() {
    local label=$1 port t0 t1 rc pin=$PIN_SERVER
    shift
    port=$(free_port)
    # Several flows: the server may use every CPU (--threads pins itself).
    [ "$CASE_FLOWS" -gt 1 ] && pin=""
    # A TWAMP server's --port is its control port: the load goes to the
    # test session the control client sets up on $port.
    local ctl=$port
    [ "$1 $2" = "twamp server" ] && ctl=$(free_port)
    # shellcheck disable=SC2086
    $pin "$IPPM" "$@" --port "$ctl" >"$TMP/$label.server.out" 2>"$TMP/$label.server.err" &
    SERVER_PID=$!
    if [ "$ctl" != "$port" ]; then
        "$PY" "$ROOT/ci/bench_twamp_session.py" "$ctl" "$port" >"$TMP/$label.session" 2>&1 &
        SESSION_PID=$!
    fi
    if ! wait_bound "$port"; then
        echo "bench: $label did not bind port $port" >&2
        cat "$TMP/$label.server.err" >&2
        kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=
        echo "0 0 0 nan" >"$TMP/$label.result"
        return 1
    fi
    # warm-up: caches, ARP-free loopback route, socket buffers
    run_load "$port" 1 "$TMP/$label.warm.json"
    t0=$(cpu_ticks "$SERVER_PID")
    run_load "$port" "$SECS" "$TMP/$label.load.json"
    rc=$?
    t1=$(cpu_ticks "$SERVER_PID")
    stop_session
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
    cat "$TMP/$label.load.json" >>"$TMP/all.jsonl"
    # the server's own account (echo: JSON on stdout; reflector: stderr)
    { printf '%s: ' "$label"; cat "$TMP/$label.server.out" "$TMP/$label.server.err" |
        grep -v '^$' | tr '\n' ' '; echo; } >>"$TMP/servers.txt"
    "$PY" - "$TMP/$label.load.json" "$t0" "$t1" "$HZ" >"$TMP/$label.result" <<'PY'
import json, sys
try:
    j = json.load(open(sys.argv[1]))
except Exception:
    print("0 0 0 nan"); sys.exit(0)
dt = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[4])
rx = j["received"]
print(j["replies_per_s"], rx, j["sent"], f"{dt * 1e6 / rx:.3f}" if rx else "nan")
PY
    return $rc
}

median() { "$PY" -c 'import sys, statistics; v=[float(x) for x in sys.argv[1:]]; print(statistics.median(v))' "$@"; }

declare -A RATE CPU RECV SENT
# The TLV load (issue: "with TLVs present"): a 256-octet Extra Padding TLV
# and an HMAC TLV over it (RFC 8972 §4.1, §4.8), against a reflector that
# checks and re-signs the HMAC TLV; the echo gets the same datagrams.
KEYF="$TMP/hmac.key"
printf 'ippm-bench-key\n' >"$KEYF"
chmod 600 "$KEYF"
TLV_LOAD="--tlv-padding 256 --hmac-tlv-key $KEYF"
# label | server command | extra load options [| flows]
CASES=(
    "echo|bench echo --listen 127.0.0.1 --batch $BATCH|"
    "echo-meta|bench echo --listen 127.0.0.1 --batch $BATCH --meta|"
    "stamp-stateless|stamp reflector --listen 127.0.0.1 --quiet|"
    "stamp-stateful|stamp reflector --listen 127.0.0.1 --quiet --stateful|"
    "echo-tlv|bench echo --listen 127.0.0.1 --batch $BATCH|$TLV_LOAD"
    "stamp-tlv|stamp reflector --listen 127.0.0.1 --quiet --hmac-key-file $KEYF|$TLV_LOAD"
    "echo-flows|bench echo --listen 127.0.0.1 --batch $BATCH||$FLOWS"
    "stamp-threads-1|stamp reflector --listen 127.0.0.1 --quiet --threads 1||$FLOWS"
    "stamp-threads-2|stamp reflector --listen 127.0.0.1 --quiet --threads 2 --cpus 0-1||$FLOWS"
)
if [ "$BENCH_SET" = twamp ]; then
    CASES=(
        "echo|bench echo --listen 127.0.0.1 --batch $BATCH|"
        "echo-meta|bench echo --listen 127.0.0.1 --batch $BATCH --meta|"
        "stamp-stateless|stamp reflector --listen 127.0.0.1 --quiet|"
        "twamp-light|twamp light-reflector --listen 127.0.0.1|"
        "twamp-light-stateful|twamp light-reflector --listen 127.0.0.1 --stateful|"
        "twamp-server-O|twamp server --listen 127.0.0.1 --quiet --any-sender-port|"
    )
fi
if [ "$BENCH_SET" = rmbt ]; then
    # The token of now for 127.0.0.1 under the bench key (notes
    # rmbt-udp-ping §2, §3): valid for 4 hours, every request RR01.
    RMBT_TOKEN=$("$PY" -c '
import hashlib, hmac, socket, struct, sys, time
k = open(sys.argv[1], "rb").read().strip()
t = struct.pack("!I", int(time.time()))
ip = b"\0" * 10 + b"\xff\xff" + socket.inet_aton("127.0.0.1")
h = lambda m, n: hmac.new(k, m, hashlib.sha256).digest()[:n]
print((t + h(t, 8) + h(t + ip, 4)).hex())' "$KEYF")
    RMBT_LOAD="--rmbt-token $RMBT_TOKEN"
    RMBT="rmbt server --bind 127.0.0.1 --secret-file $KEYF"
    CASES=(
        "echo|bench echo --listen 127.0.0.1 --batch $BATCH|$RMBT_LOAD"
        "echo-meta|bench echo --listen 127.0.0.1 --batch $BATCH --meta|$RMBT_LOAD"
        "rmbt|$RMBT --threads 1|$RMBT_LOAD"
        "rmbt-nosecret|rmbt server --bind 127.0.0.1 --threads 1|$RMBT_LOAD"
        "echo-flows|bench echo --listen 127.0.0.1 --batch $BATCH|$RMBT_LOAD|$FLOWS"
        "rmbt-threads-1|$RMBT --threads 1|$RMBT_LOAD|$FLOWS"
        "rmbt-threads-2|$RMBT --threads 2 --cpus 0-1|$RMBT_LOAD|$FLOWS"
    )
fi
fail=0
declare -A RATES CPUS
# Rounds interleave the servers, so a noisy neighbour hurts them alike.
for r in $(seq "$ROUNDS"); do
    for c in "${CASES[@]}"; do
        label=${c%%|*}
        rest=${c#*|}
        # shellcheck disable=SC2206
        args=(${rest%%|*})
        LOAD_ARGS=${rest#*|}
        CASE_FLOWS=1
        case "$LOAD_ARGS" in *"|"*) CASE_FLOWS=${LOAD_ARGS##*|}; LOAD_ARGS=${LOAD_ARGS%%|*} ;; esac
        run_case "$label" "${args[@]}" || fail=1
        read -r rate got sent cpu <"$TMP/$label.result"
        echo "bench: round $r $label: $rate replies/s, $got/$sent, $cpu us server CPU/reply"
        RATES[$label]="${RATES[$label]:-} $rate"
        CPUS[$label]="${CPUS[$label]:-} $cpu"
        RECV[$label]=$(( ${RECV[$label]:-0} + got ))
        SENT[$label]=$(( ${SENT[$label]:-0} + sent ))
    done
done
for c in "${CASES[@]}"; do
    label=${c%%|*}
    # shellcheck disable=SC2086
    RATE[$label]=$(median ${RATES[$label]})
    # shellcheck disable=SC2086
    CPU[$label]=$(median ${CPUS[$label]} 2>/dev/null || echo nan)
done

echo_rate=${RATE[echo]}
table=$("$PY" - "$echo_rate" <<PY
import sys
echo = float(sys.argv[1])
rows = [
$(for c in "${CASES[@]}"; do l=${c%%|*}; printf '    ("%s", %s, "%s", %s, %s),\n' "$l" "${RATE[$l]}" "${CPU[$l]}" "${RECV[$l]}" "${SENT[$l]}"; done)
]
echo_cpu = float(rows[0][2])
print("| server | replies/s | ratio to echo | received/sent | server CPU µs/reply | CPU vs echo |")
print("|---|---:|---:|---:|---:|---:|")
for name, rate, cpu, rx, tx in rows:
    ratio = rate / echo if echo else float("nan")
    rs = rx / tx if tx else float("nan")
    c = float(cpu)
    print(f"| {name} | {rate:,.0f} | {ratio:.3f} | {rs:.4f} | {c:.2f} | {c / echo_cpu:.2f}× |")
PY
)
# Rounds of one server that disagree mean a busy machine, not a result.
spread=$(for c in "${CASES[@]}"; do l=${c%%|*}; echo "${RATES[$l]}"; done | "$PY" -c '
import sys
worst = 0.0
for line in sys.stdin:
    v = [float(x) for x in line.split() if float(x) > 0]
    if len(v) > 1:
        worst = max(worst, max(v) / min(v) - 1)
print(f"{worst * 100:.0f}")')
noise=""
if [ "${spread:-0}" -gt 20 ]; then
    noise="Warning: replies/s of one server varied by up to ${spread}% between rounds, so the machine was busy (load average $(cut -d' ' -f1-3 /proc/loadavg)); the rate ratios are noise here, trust the CPU columns."
fi

if [ "$BENCH_SET" = twamp ]; then
    commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    {
        echo "# ippm bench: TWAMP reflectors vs bare UDP echo on loopback"
        echo
        echo "Produced by \`BENCH_SET=twamp ci/bench.sh $SECS\` (BATCH=$BATCH WINDOW=$WINDOW SIZE=$SIZE ROUNDS=$ROUNDS)"
        echo "on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit, build \`$BUILD\`;"
        echo "$(nproc) CPU, Linux $(uname -r); $PINNING."
        echo
        echo "$table"
        echo
        if [ -n "$noise" ]; then echo "$noise"; echo; fi
        echo "Load: \`ippm bench load\` as in ci/bench-results.md ($SIZE-octet open-mode"
        echo "test packets, at most $WINDOW unanswered). twamp-server-O reflects one"
        echo "TWAMP test session (mode O) that ci/bench_twamp_session.py set up over"
        echo "TWAMP-Control; the server runs with --any-sender-port, since the load"
        echo "sends from a port of its own."
        echo
        echo '\`\`\`'
        cat "$TMP/servers.txt"
        echo '\`\`\`'
    } >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
    echo
    echo "$table"
    [ -n "$noise" ] && echo "bench: $noise"
    echo "bench: written to ${OUT#$ROOT/}"
    exit $fail
fi
if [ "$BENCH_SET" = rmbt ]; then
    ratio_of() { "$PY" -c "import sys; e=float(sys.argv[1]); r=float(sys.argv[2]); print(f'{r/e:.3f}' if e else 'nan')" "$1" "$2"; }
    r1=$(ratio_of "$echo_rate" "${RATE[rmbt]}")
    t1=$(ratio_of "${RATE[echo-flows]}" "${RATE[rmbt-threads-1]}")
    t2=$(ratio_of "${RATE[echo-flows]}" "${RATE[rmbt-threads-2]}")
    commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    dirty=$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo " (+ uncommitted changes)" || true)
    {
        echo "# ippm bench: RMBT UDP ping server vs bare UDP echo on loopback"
        echo
        echo "Produced by \`BENCH_SET=rmbt ci/bench.sh $SECS\` (BATCH=$BATCH WINDOW=$WINDOW ROUNDS=$ROUNDS FLOWS=$FLOWS)"
        echo "on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit$dirty, build \`$BUILD\`;"
        echo "$(nproc) CPU, Linux $(uname -r); one-flow rows: $PINNING."
        echo
        echo "$table"
        echo
        if [ -n "$noise" ]; then echo "$noise"; echo; fi
        echo "Load: \`ippm bench load 127.0.0.1 --rmbt-token HEX\`: 24-octet RP01 requests"
        echo "carrying one token of now minted for 127.0.0.1 with the bench key (the"
        echo "original client's token mode), at most $WINDOW unanswered; the echo gets the"
        echo "same datagrams and returns all 24 octets, the server 8. rmbt: \`ippm rmbt"
        echo "server --threads 1 --secret-file KEY\` (both HMAC-SHA-256 per request, every"
        echo "reply RR01); rmbt-nosecret: no secret (the time window only, RE01)."
        echo "Goal: server ≥ $GOAL × echo. One flow, pinned: rmbt / echo = $r1."
        echo "$FLOWS flows (unpinned load, each its own socket): rmbt-threads-1 / echo-flows"
        echo "= $t1, rmbt-threads-2 (--threads 2 --cpus 0-1) / echo-flows = $t2."
        echo "CPU µs/reply is the server's utime+stime over the run divided by replies."
        echo
        echo '```'
        cat "$TMP/all.jsonl"
        echo '```'
        echo
        echo '```'
        cat "$TMP/servers.txt"
        echo '```'
    } >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
    echo
    echo "$table"
    [ -n "$noise" ] && echo "bench: $noise"
    echo "bench: rmbt / echo = $r1; threads-1 / echo-flows = $t1, threads-2 / echo-flows = $t2 (goal >= $GOAL)"
    echo "bench: written to ${OUT#$ROOT/}"
    exit $fail
fi
ratio=$("$PY" -c "import sys; e=float(sys.argv[1]); r=float(sys.argv[2]); print(f'{r/e:.3f}' if e else 'nan')" "$echo_rate" "${RATE[stamp-stateless]}")
tlv_ratio=$("$PY" -c "import sys; e=float(sys.argv[1]); r=float(sys.argv[2]); print(f'{r/e:.3f}' if e else 'nan')" "${RATE[echo-tlv]}" "${RATE[stamp-tlv]}")
# --threads (issue 11): each against the echo under the same FLOWS loads.
t1_ratio=$("$PY" -c "import sys; e=float(sys.argv[1]); r=float(sys.argv[2]); print(f'{r/e:.3f}' if e else 'nan')" "${RATE[echo-flows]}" "${RATE[stamp-threads-1]}")
t2_ratio=$("$PY" -c "import sys; e=float(sys.argv[1]); r=float(sys.argv[2]); print(f'{r/e:.3f}' if e else 'nan')" "${RATE[echo-flows]}" "${RATE[stamp-threads-2]}")
tlv_cpu=$("$PY" -c "import sys; e=float(sys.argv[1]); r=float(sys.argv[2]); print(f'{e/r:.3f}' if r else 'nan')" "${CPU[echo-tlv]}" "${CPU[stamp-tlv]}")

commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo " (+ uncommitted changes)" || true)
cpu_model=$(awk -F: '/model name/ { sub(/^ /, "", $2); print $2; exit }' /proc/cpuinfo)
{
    echo "# ippm bench: STAMP reflector vs bare UDP echo on loopback"
    echo
    echo "Produced by \`ci/bench.sh $SECS\` (BATCH=$BATCH WINDOW=$WINDOW SIZE=$SIZE ROUNDS=$ROUNDS)"
    echo "on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit$dirty, build \`$BUILD\`."
    echo "Machine: $(nproc) CPU ($cpu_model), Linux $(uname -r); $PINNING."
    echo
    echo "$table"
    echo
    if [ -n "$noise" ]; then echo "$noise"; echo; fi
    echo "Load: \`ippm bench load 127.0.0.1 --seconds $SECS --batch $BATCH --window $WINDOW --size $SIZE\`,"
    echo "valid $SIZE-octet STAMP Session-Sender packets, at most $WINDOW unanswered."
    echo "replies/s counts replies received before the deadline; CPU is the server's"
    echo "utime+stime over the run (/proc/PID/stat, ${HZ} Hz ticks) divided by replies;"
    echo "with ROUNDS > 1 both are medians over rounds that interleave the servers."
    echo "On loopback the load generator's core also carries the kernel's delivery"
    echo "work, so when the load is the bottleneck replies/s stays near the echo's and"
    echo "CPU µs/reply is the figure that tells the reflector's own cost."
    echo "echo-meta is the echo with the kernel metadata a reflector asks for"
    echo "(SO_TIMESTAMPNS, IP_PKTINFO, IP_RECVTTL, IP_RECVTOS; replies via IP_PKTINFO):"
    echo "the gap echo → echo-meta is the kernel's, echo-meta → stamp is ippm's."
    echo "Goal: stateless reflector ≥ $GOAL × echo; measured $ratio."
    echo "With TLVs (echo-tlv, stamp-tlv: $TLV_LOAD, 44 + 4 + 256 + 20 octets;"
    echo "the reflector walks the TLVs, checks the HMAC TLV and signs its reply's):"
    echo "stamp-tlv / echo-tlv = $tlv_ratio by replies/s, $tlv_cpu by CPU per reply."
    echo "Worker threads (echo-flows, stamp-threads-N: $FLOWS load generators side by"
    echo "side, unpinned, each its own socket and WINDOW/$FLOWS; the reflector with"
    echo "--threads N --cpus 0-1, one SO_REUSEPORT socket per worker):"
    echo "stamp-threads-1 / echo-flows = $t1_ratio, stamp-threads-2 / echo-flows = $t2_ratio."
    echo "The TWAMP reflectors against the same baselines: \`BENCH_SET=twamp ci/bench.sh\`,"
    echo "in ci/bench-results-twamp.md."
    echo
    echo "Raw load results (JSON lines):"
    echo
    echo '```'
    cat "$TMP/all.jsonl"
    echo '```'
    echo
    echo "What each server said when stopped (the reflector's drops and send failures):"
    echo
    echo '```'
    cat "$TMP/servers.txt"
    echo '```'
} >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"

echo
echo "$table"
echo
[ -n "$noise" ] && echo "bench: $noise"
echo "bench: stateless reflector / echo = $ratio (goal >= $GOAL); written to ${OUT#$ROOT/}"
echo "bench: with TLVs, stamp-tlv / echo-tlv = $tlv_ratio (replies/s), $tlv_cpu (CPU per reply)"
echo "bench: --threads 1 / echo = $t1_ratio, --threads 2 / echo = $t2_ratio ($FLOWS flows)"
if [ "$BENCH_GATE" = 1 ] && ! "$PY" -c "import sys; sys.exit(0 if float(sys.argv[1]) >= $GOAL else 1)" "$ratio" 2>/dev/null; then
    echo "bench: below goal"
    fail=1
fi
exit $fail
