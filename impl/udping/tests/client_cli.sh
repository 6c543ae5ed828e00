#!/bin/sh
# ippm udping client: every bad command line exits 2 with exactly one
# line on stderr, nothing on stdout, and sends nothing (a sink counts
# what reaches it); a name that does not resolve and an address no
# interface has exit 3; --help exits 0.
#   client_cli.sh IPPM
set -u
IPPM=$1
dir=$(mktemp -d)
spid=
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
failures=0

# A UDP sink on loopback: its port in $dir/port, its count in $dir/count
# when it is stopped.
/usr/bin/python3 - "$dir" <<'PY' &
import signal, socket, sys
d = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(d + "/port.tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(d + "/port.tmp", d + "/port")
n = 0
def stop(*_):
    open(d + "/count", "w").write(str(n)); sys.exit(0)
signal.signal(signal.SIGTERM, stop)
while True:
    s.recv(4096); n += 1
PY
spid=$!
for _ in $(seq 50); do [ -s "$dir/port" ] && break; sleep 0.1; done
P=$(cat "$dir/port")
R="127.0.0.1:$P"

# expect STATUS ARGS...
expect() {
    want=$1
    shift
    "$IPPM" udping client "$@" >"$dir/out" 2>"$dir/err"
    got=$?
    lines=$(wc -l <"$dir/err")
    if [ "$want" -eq 0 ]; then
        ok=$([ $got -eq 0 ] && [ -s "$dir/out" ] && echo y)
    else
        ok=$([ $got -eq "$want" ] && [ "$lines" -eq 1 ] && [ ! -s "$dir/out" ] &&
            grep -q '^ippm: ' "$dir/err" && echo y)
    fi
    if [ "$ok" = y ]; then
        echo "ok   [$got] udping client $*: $(head -1 "$dir/err")"
    else
        echo "FAIL [$got, want $want, $lines stderr lines] udping client $*"
        cat "$dir/err"
        failures=$((failures + 1))
    fi
}

expect 0 --help
expect 0 -h
expect 2
expect 2 -s 5000
expect 2 -r "$R"
expect 2 -r "$R" -s 1023
expect 2 -r "$R" -s 60001
expect 2 -r "$R" -s 5009-5000
expect 2 -r "$R" -s 5000,,5001
expect 2 -r "$R" -s 5000,x
expect 2 -r "$R" -s 5000-5001-5002
expect 2 -r "$R" -s 1024-6024
expect 2 -r "$R" -s 5000 -n 0
expect 2 -r "$R" -s 5000 -n 5001
expect 2 -r "$R" -s 59999 -n 3
expect 2 -r "$R" -s 5000,5001 -n 2
expect 2 -r "$R" -s 5000 -d 0
expect 2 -r "$R" -s 5000 -d 0ms
expect 2 -r "$R" -s 5000 -d -1
expect 2 -r "$R" -s 5000 -d 1001
expect 2 -r "$R" -s 5000 -d 2s
expect 2 -r "$R" -s 5000 -d nan
expect 2 -r "$R" -s 5000 -d fast
expect 2 -r "$R" -s 5000 -i 0
expect 2 -r "$R" -s 5000 -i 901
expect 2 -r "$R" -s 5000 -i 1.5
expect 2 -r "$R" -s 5000 -m 0
expect 2 -r "$R" -s 5000 -m 2001
expect 2 -r "$R" -s 5000 -a 00:11:22:33:44
expect 2 -r "$R" -s 5000 -a 00:11:22:33:44:55,zz
expect 2 -r "$R" -s 5000 -a 00:11:22:33:44:55
expect 2 -r 127.0.0.1 -s 5000
expect 2 -r 127.0.0.1 -p 0 -s 5000
expect 2 -r 127.0.0.1 -p 70000 -s 5000
expect 2 -r "$R" -p 1 -s 5000
expect 2 -r "$R" -s 5000 -l ::1
expect 2 -r "$R" -s 5000 -c 0
expect 2 -r "$R" -s 5000 --duration 1parsec
expect 2 -r "$R" -s 5000 --json /nonexistent/x.json
expect 2 -r "$R" -s 5000 --spin-us 1001
expect 2 -r "$R" -s 5000 -x
expect 2 -r "$R" -s 5000 extra
expect 2 -r "$R" -s 5000 -r
expect 3 -r nowhere.invalid:6000 -s 5000
expect 3 -r "$R" -s 5000 -l 192.0.2.77 -a 00:11:22:33:44:55

kill "$spid" && wait "$spid" 2>/dev/null
spid=
sent=$(cat "$dir/count" 2>/dev/null || echo '?')
if [ "$sent" = 0 ]; then
    echo "ok   nothing reached the sink"
else
    echo "FAIL the sink got $sent datagrams"
    failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] || { echo "$failures failures"; exit 1; }
