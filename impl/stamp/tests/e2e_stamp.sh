#!/bin/sh
# Live STAMP round trip on loopback: start `ippm stamp reflector`, run
# `ippm stamp sender` against it, check the sender's JSON and the
# reflector's summary.
#   e2e_stamp.sh IPPM MODE
# MODE: v4 | v6 | auth | ptp | dual | badkey | lossy | dupreorder. Exit 0 pass, 1 fail,
# 77 skip (no IPv6 loopback).
set -u
IPPM=$1
MODE=$2
COUNT=20
# shellcheck source=testsupport/live.sh
. "$(dirname "$0")/../../../testsupport/live.sh"

have_v6() {
    "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0))' 2>/dev/null
}

# A port free on both families at the moment we ask.
# Dual-stack, unlike live.sh's: the reflector listens on [::] too.
free_port() {
    "$PY" - <<'PYEOF'
import socket
try:
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", 0))
except OSError:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
print(s.getsockname()[1])
PYEOF
}

start_reflector() {
    "$IPPM" stamp reflector --port "$PORT" "$@" >"$dir/refl.out" 2>"$dir/refl.err" &
    rpid=$!
    pids="$pids $rpid"
    i=0
    while ! grep -q "listening on" "$dir/refl.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "reflector did not start"
        kill -0 "$rpid" 2>/dev/null || fail "reflector exited"
        sleep 0.1
    done
}

stop_reflector() {
    kill -INT "$rpid"
    wait "$rpid"
    rc=$?
    live_forget "$rpid"
    [ $rc -eq 0 ] || fail "reflector exit status $rc after SIGINT"
    grep -q "^ippm stamp reflector: received" "$dir/refl.err" ||
        fail "reflector printed no summary"
}

# check_json FILE PYTHON-EXPRESSION-OVER-j
check_json() {
    "$PY" - "$1" "$2" <<'PYEOF' || fail "JSON check failed: $2"
import json, sys
j = json.load(open(sys.argv[1]))
ok = eval(sys.argv[2], {"j": j})
if not ok:
    print("JSON: sent=%s received=%s lost=%s mode=%s timestamp=%s" % (
        j.get("sent"), j.get("received"), j.get("lost"), j.get("mode"),
        j.get("timestamp")), file=sys.stderr)
sys.exit(0 if ok else 1)
PYEOF
}

# run_sender NAME HOST ARGS...: 20 packets, JSON to $dir/NAME.json
# run_sender NAME HOST [options]; EXPECT_RC (default 0) is the exit status
# the sender must give: 1 when no reply can come back.
run_sender() {
    name=$1
    host=$2
    shift 2
    "$IPPM" stamp sender "$host" --port "$PORT" --count $COUNT \
        --interval 0.01 --wait 1 --json "$dir/$name.json" "$@" \
        >"$dir/$name.out" 2>"$dir/$name.err"
    rc=$?
    [ "$rc" -eq "${EXPECT_RC:-0}" ] || fail "sender exit status $rc, expected ${EXPECT_RC:-0}"
    [ -s "$dir/$name.json" ] || fail "no JSON written"
}

# A UDP relay on LPORT in front of the reflector on PORT. BEHAVIOUR lossy
# drops the 4th request (forward loss) and the 6th reply (backward loss);
# dupreorder sends the 3rd reply twice and holds the 8th reply back until
# the 9th has gone.
start_relay() {
    LPORT=$(free_port)
    "$PY" - "$LPORT" "$PORT" "$dir/relay.ready" "$1" >"$dir/relay.out" 2>&1 <<'PYEOF' &
import select, socket, sys
lport, rport, ready, how = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
front.bind(("127.0.0.1", lport))
back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
back.connect(("127.0.0.1", rport))
open(ready, "w").close()
client, fwd, bwd, held = None, 0, 0, None
while True:
    r, _, _ = select.select([front, back], [], [])
    if front in r:
        data, client = front.recvfrom(65535)
        fwd += 1
        if how != "lossy" or fwd != 4:
            back.send(data)
    if back in r:
        data = back.recv(65535)
        bwd += 1
        if how == "lossy":
            if bwd != 6:
                front.sendto(data, client)
        elif bwd == 8:
            held = data
        else:
            front.sendto(data, client)
            if bwd == 3:
                front.sendto(data, client)
            if bwd == 9 and held:
                front.sendto(held, client)
PYEOF
    ppid_=$!
    pids="$pids $ppid_"
    i=0
    while [ ! -e "$dir/relay.ready" ]; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "relay did not start"
        sleep 0.1
    done
}

ALL_BACK="j['sent'] == $COUNT and j['received'] == $COUNT and j['lost'] == 0 and len(j['packets']) == $COUNT"

PORT=$(free_port)
case "$MODE" in
v4)
    start_reflector --listen 127.0.0.1
    run_sender s 127.0.0.1
    check_json "$dir/s.json" "$ALL_BACK and j['mode'] == 'open' and j['size'] == 44"
    check_json "$dir/s.json" "all(p['state'] == 'received' and p['ttl'] == 64 for p in j['packets'])"
    stop_reflector
    grep -q "received $COUNT, replied $COUNT, dropped 0" "$dir/refl.err" ||
        fail "reflector counters"
    ;;
v6)
    have_v6 || { echo "no IPv6 loopback: skipped"; exit 77; }
    start_reflector --listen ::1
    run_sender s ::1 --size 100 --per-packet
    check_json "$dir/s.json" "$ALL_BACK and j['peer'].startswith('[::1]') and j['size'] == 100"
    [ "$(grep -c '^seq=.* rtt=' "$dir/s.out")" -eq $COUNT ] || fail "per-packet lines"
    stop_reflector
    ;;
auth)
    printf 'e2e-shared-secret\n' >"$dir/key"
    chmod 600 "$dir/key"
    start_reflector --listen 127.0.0.1 --auth-key-file "$dir/key"
    run_sender s 127.0.0.1 --auth-key-file "$dir/key"
    check_json "$dir/s.json" "$ALL_BACK and j['mode'] == 'authenticated' and j['size'] == 112"
    stop_reflector
    ;;
badkey)
    printf 'right\n' >"$dir/key"
    printf 'wrong\n' >"$dir/bad"
    chmod 600 "$dir/key" "$dir/bad"
    start_reflector --listen 127.0.0.1 --auth-key-file "$dir/key"
    EXPECT_RC=1 run_sender s 127.0.0.1 --auth-key-file "$dir/bad"
    check_json "$dir/s.json" "j['sent'] == $COUNT and j['received'] == 0 and j['lost'] == $COUNT"
    stop_reflector
    grep -q "dropped $COUNT: HMAC does not match" "$dir/refl.err" ||
        fail "reflector did not count HMAC drops"
    ;;
ptp)
    start_reflector --listen 127.0.0.1 --timestamp ptp
    run_sender s 127.0.0.1 --timestamp ptp
    # One host, one clock: one-way delays must be small and positive-ish.
    check_json "$dir/s.json" "$ALL_BACK and j['timestamp'] == 'ptp' and abs(j['fwd_ms']['max']) < 1000 and abs(j['bwd_ms']['max']) < 1000"
    stop_reflector
    ;;
dual)
    # Default bind: one socket for both families, IPv4 arriving mapped.
    start_reflector --stateful
    grep -q "(stateful, open, ntp)" "$dir/refl.out" || fail "startup line"
    run_sender s4 127.0.0.1 --ssid 4
    check_json "$dir/s4.json" "$ALL_BACK and all(p['refl_ssid'] == 4 for p in j['packets'])"
    if have_v6; then
        run_sender s6 ::1 --ssid 6
        check_json "$dir/s6.json" "$ALL_BACK"
    fi
    stop_reflector
    ;;
lossy)
    # Stateful reflector: its own sequence numbers split loss by direction
    # (RFC 8762 §4): one request and one reply dropped by the relay.
    start_reflector --listen 127.0.0.1 --stateful
    start_relay lossy
    PORT=$LPORT run_sender s 127.0.0.1 --per-packet
    check_json "$dir/s.json" "j['sent'] == $COUNT and j['received'] == $COUNT - 2 and j['lost'] == 2"
    check_json "$dir/s.json" "j['directional_loss'] == {'forward': 1, 'backward': 1, 'unknown': 0}"
    grep -q "^seq=3 lost" "$dir/s.out" || fail "no 'seq=3 lost' line"
    grep -q "^directional loss: forward 1, backward 1" "$dir/s.out" ||
        fail "no directional loss line"
    stop_reflector
    ;;
dupreorder)
    start_reflector --listen 127.0.0.1
    start_relay dupreorder
    PORT=$LPORT run_sender s 127.0.0.1 --per-packet
    check_json "$dir/s.json" "$ALL_BACK and j['duplicated'] == 1 and j['reordered'] == 1"
    check_json "$dir/s.json" "j['packets'][2]['duplicates'] == 1 and j['packets'][7]['reordered']"
    grep -q "^seq=2 (DUP)" "$dir/s.out" || fail "no '(DUP)' line"
    grep -q "^seq=7 .*(reordered)" "$dir/s.out" || fail "no '(reordered)' line"
    stop_reflector
    ;;
*)
    fail "unknown mode"
    ;;
esac
echo "PASS ($MODE)"
