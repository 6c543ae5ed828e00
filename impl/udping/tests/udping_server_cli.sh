#!/bin/sh
# ippm udping server's command line: each bad value is one line on
# stderr, "ippm: ...", and exit 2 before anything is bound (the port is
# held by another socket here, so a server that bound first would say
# "Address already in use" and exit 3 instead); --help exits 0.
#   udping_server_cli.sh IPPM
IPPM=$1
fails=0
held=$(mktemp)
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(30)' >"$held" &
holder=$!
trap 'kill $holder 2>/dev/null; rm -f "$held"' EXIT
i=0
while [ ! -s "$held" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
P=$(cat "$held")

# expect STATUS LINE-PATTERN ARGS...
expect() {
    want=$1 pat=$2
    shift 2
    err=$("$IPPM" udping server "$@" 2>&1 >/dev/null)
    rc=$?
    lines=$(printf '%s\n' "$err" | grep -c .)
    if [ "$rc" -eq "$want" ] && [ "$lines" -le 1 ] &&
        printf '%s' "$err" | grep -q -- "$pat"; then
        echo "ok   $* -> $rc: $err"
    else
        echo "FAIL $* -> $rc (want $want, /$pat/): $err"
        fails=$((fails + 1))
    fi
}

expect 2 "^ippm: --port: '80' is not a port (1024-65535)" -p 80
expect 2 "^ippm: --port: '65536' is not a port" -p 65536
expect 2 "^ippm: --keepalive: '0' is not a duration" -l 127.0.0.1 -p "$P" -k 0
expect 2 "^ippm: --keepalive: '61' is not a duration" -l 127.0.0.1 -p "$P" -k 61
expect 2 "^ippm: --statsd: 'x' is not a port" -l 127.0.0.1 -p "$P" -s 127.0.0.1:x
expect 2 "^ippm: --statsd-tagged: '\[::1' is not HOST\[:PORT\]" -l 127.0.0.1 -p "$P" -t '[::1'
expect 2 "^ippm: --metric-prefix: '' is not a name" -l 127.0.0.1 -p "$P" -m ''
expect 2 "^ippm: --statsd-level: 'ports' is not port, host or both" -l 127.0.0.1 -p "$P" --statsd-level ports
expect 2 "^ippm: --max-sessions: '0' is not a session count" -l 127.0.0.1 -p "$P" --max-sessions 0
expect 2 "^ippm: udping server: no port" -k 2
expect 2 "^ippm: udping server: unknown option '-x'" -p "$P" -x
expect 2 "^ippm: udping server: unexpected argument 'extra'" -p "$P" extra
expect 3 "^ippm: --statsd: cannot resolve 'nowhere.invalid'" -l 127.0.0.1 -p "$P" -s nowhere.invalid
expect 3 "^ippm: udping server: bind 127.0.0.1:$P: Address already in use" -l 127.0.0.1 -p "$P"
out=$("$IPPM" udping server --help)
rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q '^Exit status'; then
    echo "ok   --help"
else
    echo "FAIL --help -> $rc"
    fails=$((fails + 1))
fi
echo "$fails failed"
[ $fails -eq 0 ]
