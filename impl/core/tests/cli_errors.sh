#!/bin/sh
# Every bad command line must exit 2 with exactly one line on stderr and
# nothing on stdout; --help must exit 0 with usage on stdout; a port in
# use is a runtime error (3).
#   cli_errors.sh IPPM
set -u
IPPM=$1
dir=$(mktemp -d)
rpid=
cleanup() {
    [ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
failures=0

# expect STATUS ARGS...
expect() {
    want=$1
    shift
    "$IPPM" "$@" >"$dir/out" 2>"$dir/err"
    got=$?
    lines=$(wc -l <"$dir/err")
    if [ "$want" -eq 0 ]; then
        ok=$([ $got -eq 0 ] && [ -s "$dir/out" ] && echo y)
    else
        ok=$([ $got -eq "$want" ] && [ "$lines" -eq 1 ] && [ ! -s "$dir/out" ] && echo y)
    fi
    if [ "$ok" = y ]; then
        echo "ok   [$got] ippm $*: $(head -1 "$dir/err")"
    else
        echo "FAIL [$got, want $want, $lines stderr lines] ippm $*"
        cat "$dir/err"
        failures=$((failures + 1))
    fi
}

printf 'k\n' >"$dir/key"
chmod 600 "$dir/key"
printf '' >"$dir/empty"
chmod 600 "$dir/empty"

expect 2
expect 2 frob
expect 2 stamp
expect 2 stamp frob
expect 2 stamp sender
expect 2 stamp sender a b
expect 2 stamp sender 127.0.0.1 --port 70000
expect 2 stamp sender 127.0.0.1 --port 0
expect 2 stamp sender 127.0.0.1 --port=
expect 2 stamp sender 127.0.0.1 --port
expect 2 stamp sender 127.0.0.1 --count 0
expect 2 stamp sender 127.0.0.1 --count -1
expect 2 stamp sender 127.0.0.1 --count 12x
expect 2 stamp sender 127.0.0.1 --interval abc
expect 2 stamp sender 127.0.0.1 --interval -0.5
expect 2 stamp sender 127.0.0.1 --interval nan
expect 2 stamp sender 127.0.0.1 --wait inf
expect 2 stamp sender 127.0.0.1 --size 43
expect 2 stamp sender 127.0.0.1 --size 111 --auth-key-file "$dir/key"
expect 2 stamp sender 127.0.0.1 --size 70000
expect 2 stamp sender 127.0.0.1 --dscp 64
expect 2 stamp sender 127.0.0.1 --ttl 256
expect 2 stamp sender 127.0.0.1 --ssid 65536
expect 2 stamp sender 127.0.0.1 --timestamp gps
expect 2 stamp sender 127.0.0.1 --auth-key-file "$dir/nonexistent"
expect 2 stamp sender 127.0.0.1 --auth-key-file "$dir/empty"
expect 2 stamp sender host.invalid
expect 2 stamp sender 127.0.0.1 --bogus
expect 2 stamp sender 127.0.0.1 -x
expect 2 stamp reflector --port 70000
expect 2 stamp reflector --listen host.invalid
expect 2 stamp reflector --session-timeout 0
expect 2 stamp reflector --timestamp utc
expect 2 stamp reflector --auth-key-file "$dir/nonexistent"
expect 2 stamp reflector --bogus
expect 2 stamp reflector extra
expect 0 --help
expect 0 stamp --help
expect 0 stamp sender --help
expect 0 stamp reflector --help

# A port already taken: the second reflector cannot bind.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$IPPM" stamp reflector --listen 127.0.0.1 --port "$port" --quiet 2>/dev/null &
rpid=$!
sleep 0.3
expect 3 stamp reflector --listen 127.0.0.1 --port "$port"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all CLI checks passed"
