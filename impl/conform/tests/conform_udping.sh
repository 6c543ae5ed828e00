#!/bin/sh
# `ippm conform udping-sender` and `udping-server` on loopback.
#   conform_udping.sh IPPM MODE
# MODE: standin (a conforming sender written here from the notes, three
# ports, -i 1, 2.5 s: every case it can grade passes, exit 0) | broken
# (the same sender resetting seqNum at each new guid: UDPING-1-09 fails,
# exit 1) | client (`ippm udping client` in socket mode: exit 0) |
# nothing (no datagram: exit 4) | server (`ippm conform udping-server`
# against `ippm udping server -k 1` with statsd to us: exit 0) |
# server-silent (the same server without statsd: exit 4) | self
# (`ippm conform --only UDPING`: exit 0, the UDPing cases graded) | options
# (refused options, before any socket: exit 2).
# Exit 0 pass, 1 fail, 77 skip.
set -u
IPPM=$1
MODE=$2
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

dir=$(mktemp -d)
spid=
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT

fail() {
    echo "FAIL ($MODE): $*" >&2
    for f in "$dir"/*.out "$dir"/*.err; do
        [ -s "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
    done
    exit 1
}

PORT=$("$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# A UDPing sender (notes §1, §2): three ports, a guid per port per
# epoch-aligned second, seqNum never reset (unless RESET=1).
cat > "$dir/send.py" <<'PYEOF'
import os, random, socket, struct, sys, time
port, dur, reset = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3] == "1"
socks = []
for _ in range(3):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
start = int(time.time())
seq, cur, guid = [0] * 3, [None] * 3, [None] * 3
end, i = time.time() + dur, 0
while time.time() < end:
    k = i % 3
    now = time.time_ns()
    if cur[k] != now // 10**9:
        cur[k] = now // 10**9
        guid[k] = "".join(random.choice("0123456789abcdef") for _ in range(20))
        if reset:
            seq[k] = 0
    size = max(72, random.randrange(300))
    hdr = struct.pack("<B7xq21s3xI4xqqI4x", 1, start, guid[k].encode() + b"\0",
                      seq[k], now // 10**9, now % 10**9, size)
    socks[k].sendto(hdr + bytes(size - 72), ("127.0.0.1", port))
    seq[k] += 1
    i += 1
    time.sleep(random.expovariate(1 / 0.005))
PYEOF

run_grader() { # extra options...
    "$IPPM" conform udping-sender --listen "127.0.0.1:$PORT" --timeout 1 \
        --json "$dir/r.json" --junit "$dir/r.xml" "$@" \
        >"$dir/conform.out" 2>"$dir/conform.err"
}

case "$MODE" in
standin | broken)
    reset=0
    [ "$MODE" = broken ] && reset=1
    (sleep 0.3; "$PY" "$dir/send.py" "$PORT" 2.5 "$reset") &
    spid=$!
    run_grader
    rc=$?
    wait "$spid"
    spid=
    if [ "$MODE" = standin ]; then
        [ $rc -eq 0 ] || fail "exit $rc, expected 0"
        grep -q "UDPING-1-09 .* pass" "$dir/conform.out" ||
            fail "no guid change graded"
    else
        [ $rc -eq 1 ] || fail "exit $rc, expected 1"
        grep -q "UDPING-1-09 .* fail" "$dir/conform.out" ||
            fail "the seqNum reset was not caught"
    fi
    test -s "$dir/r.json" && test -s "$dir/r.xml" || fail "no reports"
    ;;
client)
    "$IPPM" udping --help >/dev/null 2>&1 || { echo "no ippm udping: skipped"; exit 77; }
    # three free ports in the range the original takes (1024-60000)
    SPORTS=$("$PY" -c 'import random, socket
out = []
while len(out) < 3:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", random.randrange(20000, 50000)))
        out.append(str(s.getsockname()[1]))
    except OSError:
        pass
print(",".join(out))')
    (sleep 0.3; exec "$IPPM" udping client -r 127.0.0.1 -p "$PORT" \
        -l 127.0.0.1 -s "$SPORTS" -d 5 -i 1 -m 300 --duration 2.5 -q) \
        >"$dir/client.out" \
        2>"$dir/client.err" &
    spid=$!
    run_grader --duration 3
    rc=$?
    [ $rc -eq 0 ] || fail "exit $rc, expected 0"
    ;;
server | server-silent)
    # ippm's own server, statsd plain and tagged to us (or none: exit 4)
    SPORT=$("$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    stats="-s 127.0.0.1:$SPORT -t 127.0.0.1:$SPORT"
    [ "$MODE" = server-silent ] && stats=
    # shellcheck disable=SC2086
    "$IPPM" udping server -l 127.0.0.1 -p "$PORT" -k 1 $stats -N -q \
        >"$dir/server.out" 2>"$dir/server.err" &
    spid=$!
    sleep 0.3
    "$IPPM" conform udping-server "127.0.0.1:$PORT" --statsd "127.0.0.1:$SPORT" \
        --timeout 3 --json "$dir/r.json" >"$dir/conform.out" \
        2>"$dir/conform.err"
    rc=$?
    if [ "$MODE" = server ]; then
        [ $rc -eq 0 ] || fail "exit $rc, expected 0"
        grep -q "UDPING-5-02 .* pass" "$dir/conform.out" ||
            fail "targetCount not graded"
    else
        [ $rc -eq 4 ] || fail "exit $rc, expected 4 (no statsd: nothing graded)"
    fi
    ;;
self)
    # `ippm conform --only UDPING`: ippm's own client (both formats) and
    # server graded, every other self-test's run selecting none of its
    # cases without an error
    (cd "$dir" && "$IPPM" conform --only UDPING --no-pcap \
        --json "$dir/r.json" --junit "$dir/r.xml") >"$dir/conform.out" \
        2>"$dir/conform.err"
    rc=$?
    [ $rc -eq 0 ] || fail "exit $rc, expected 0"
    for id in UDPING-1-09 UDPING-2-03 UDPING-5-02 UDPING-5-03 UDPING-8-03; do
        grep -q "$id .* pass" "$dir/conform.out" || fail "$id did not pass"
    done
    ;;
nothing)
    "$IPPM" conform udping-sender --listen "127.0.0.1:$PORT" --duration 0.3 \
        >"$dir/conform.out" 2>"$dir/conform.err"
    rc=$?
    [ $rc -eq 4 ] || fail "exit $rc, expected 4 (nothing graded)"
    grep -q "nothing graded" "$dir/conform.err" || fail "no reason given"
    ;;
options)
    for args in "" "--listen $PORT --stateful" "--listen $PORT --port 9" \
        "--listen $PORT --duration 5x" "--listen 127.0.0.1:99999"; do
        # shellcheck disable=SC2086
        "$IPPM" conform udping-sender $args >"$dir/o.out" 2>"$dir/o.err"
        rc=$?
        [ $rc -eq 2 ] || fail "'$args': exit $rc, expected 2"
        [ "$(wc -l <"$dir/o.err")" -eq 1 ] || fail "'$args': not one line"
    done
    "$IPPM" conform stamp-sender --duration 3 >/dev/null 2>&1
    [ $? -eq 2 ] || fail "stamp-sender took --duration"
    for args in "127.0.0.1:9" "--statsd 9" "127.0.0.1:9 --statsd 9 --listen 9" \
        "127.0.0.1:9 --statsd 9 --duration 1"; do
        # shellcheck disable=SC2086
        "$IPPM" conform udping-server $args >"$dir/o.out" 2>"$dir/o.err"
        rc=$?
        [ $rc -eq 2 ] || fail "udping-server '$args': exit $rc, expected 2"
    done
    ;;
*)
    echo "unknown mode $MODE" >&2
    exit 2
    ;;
esac
exit 0
