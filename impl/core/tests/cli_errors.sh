#!/bin/sh
# Every bad command line must exit 2 with exactly one line on stderr and
# nothing on stdout, and send nothing (the sink below); --help must exit 0 with usage on stdout; a port in
# use is a runtime error (3).
#   cli_errors.sh IPPM
set -u
IPPM=$1
dir=$(mktemp -d)
rpid=
spid=
cleanup() {
    [ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
    [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
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
# --count 0 is a continuous run (issue 11), so no error here
expect 2 stamp sender 127.0.0.1 --report-interval 0
expect 2 stamp sender 127.0.0.1 --report-interval abc
expect 2 stamp sender 127.0.0.1 --jsonl /nonexistent/dir/run.jsonl
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
expect 3 stamp sender host.invalid
expect 2 stamp sender 127.0.0.1 --bogus
expect 2 stamp sender 127.0.0.1 -x
expect 2 stamp reflector --port 70000
expect 3 stamp reflector --listen host.invalid
expect 2 stamp reflector --session-timeout 0
expect 2 stamp reflector --timestamp utc
expect 2 stamp reflector --auth-key-file "$dir/nonexistent"
expect 2 stamp reflector --bogus
# Addresses as people type them (issue 11): bad syntax is 2, a name
# that does not resolve is 3 (README "Exit status"), in every command.
expect 2 stamp sender '[::1'
expect 2 stamp sender '[::1]x'
expect 2 stamp sender '127.0.0.1:'
expect 2 stamp sender '127.0.0.1:70000'
expect 2 stamp sender '[::1]:0'
expect 2 stamp sender '127.0.0.1:5' --port 6
expect 3 stamp sender 'host.invalid:862'
expect 3 stamp sender '[host.invalid]:862'
expect 2 stamp reflector --listen '[::1]:x'
expect 2 stamp reflector --listen '[::1]:5' --port 6
expect 3 stamp reflector --listen 'host.invalid:862'
expect 2 conform stamp-reflector '127.0.0.1:'
expect 3 conform stamp-reflector 'host.invalid:862'
expect 3 conform stamp-sender --listen host.invalid
expect 2 relay --listen 127.0.0.1 --to 127.0.0.1:862
expect 3 relay --listen 127.0.0.1:9 --to host.invalid:862
expect 3 relay --listen host.invalid:9 --to 127.0.0.1:862
expect 2 bench load 127.0.0.1:5 --port 6
expect 2 bench load '[::1'
expect 3 bench load host.invalid:5
expect 3 bench echo --listen host.invalid --port 5
expect 2 stamp reflector extra
expect 0 --help
# Short options (issue 11) and -V / --version in every command.
expect 2 stamp sender 127.0.0.1 -c -1
expect 2 stamp sender 127.0.0.1 --duration 0
expect 2 stamp sender 127.0.0.1 -d 1parsec
expect 2 stamp sender 127.0.0.1 -W 1parsec
expect 2 stamp sender 127.0.0.1 -c
expect 2 stamp sender 127.0.0.1 -i 1parsec
expect 2 stamp sender 127.0.0.1 -p 70000
expect 2 stamp sender 127.0.0.1 -s 43
expect 2 stamp reflector -p 0
expect 2 relay --listen 127.0.0.1:9 --to 127.0.0.1:862 -d 0
expect 2 conform stamp-reflector 127.0.0.1 -c 3
expect 2 catalogue -c
expect 0 -V
expect 0 --version
for c in "stamp sender" "stamp reflector" "conform" "conform stamp-reflector" \
    "conform stamp-sender" "relay" "pcap check" "pcap dump" "catalogue"; do
    # shellcheck disable=SC2086
    for v in -V --version; do
        out=$("$IPPM" $c $v 2>&1)
        rc=$?
        case $rc:$out in
        "0:ippm "[0-9]*) echo "ok   [0] ippm $c $v: $out" ;;
        *) echo "FAIL [$rc] ippm $c $v: $out"; failures=$((failures + 1)) ;;
        esac
    done
done
expect 0 stamp --help
expect 0 stamp sender --help
expect 0 stamp reflector --help

# Fail fast (issue 9): a bad --only or output path is refused before any
# traffic. A UDP sink on loopback counts what reaches it, one line per
# datagram; every case below must leave it at zero. The cases run in $dir
# so the self-test's default reports could not land in the build tree.
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cap="$repo/pcaps/stamp/stamp-open-ntp.pcap"
: >"$dir/sunk"
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
with open(sys.argv[1], "a") as f:
    while True:
        s.recv(65536)
        f.write("x\n")
        f.flush()
' "$dir/sunk" >"$dir/sinkport" &
spid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ -s "$dir/sinkport" ] && break
    sleep 0.1
done
sink=$(cat "$dir/sinkport")
cd "$dir" || exit 1

# silent STATUS ARGS...: as expect, and the sink got nothing
silent() {
    expect "$@"
    sleep 0.1 # a datagram in flight reaches the sink's file by now
    sent=$(wc -l <"$dir/sunk")
    if [ "$sent" -ne 0 ]; then
        echo "FAIL [$sent datagrams sent before the refusal] ippm $*"
        failures=$((failures + 1))
        : >"$dir/sunk"
    fi
}

R="conform stamp-reflector 127.0.0.1:$sink --timeout 0.05"
silent 2 $R --only NOPE
silent 2 $R --only STAMP-8762,NOPE
silent 2 $R --only stamp-8762
silent 2 $R --json /nonexistent/dir/x.json
silent 2 $R --junit /nonexistent/dir/x.xml
silent 2 $R --html /nonexistent/dir/x.html
silent 2 $R --json "$dir"
silent 2 $R --json "$dir/r.out" --junit "$dir/r.out"
silent 2 $R --json "$dir/r.out" --html "./r.out"
silent 2 $R --stateful --stateless
silent 3 conform stamp-reflector host.invalid
S="stamp sender 127.0.0.1 --port $sink --count 3 --interval 0.01 --wait 0.05"
silent 2 $S --json /nonexistent/dir/x.json
silent 2 $S --html /nonexistent/dir/x.html
silent 2 $S --json "$dir/s.out" --html "$dir/s.out"
# Graders that listen: refused before the first wait.
silent 2 conform stamp-sender --port "$sink" --timeout 0.1 --only NOPE
silent 2 conform stamp-sender --port "$sink" --timeout 0.1 --json /nonexistent/x
# The self-test: refused before its own reflector starts.
silent 2 conform --only NOPE
silent 2 conform --list --only NOPE
silent 2 conform --json /nonexistent/dir/x.json
silent 2 conform --pcap-manifest "$dir/nonexistent/MANIFEST"
# pcap check: refused before the capture is graded.
expect 2 pcap check "$cap" --only NOPE
expect 2 pcap check "$cap" --json /nonexistent/dir/x.json
expect 2 pcap check "$cap" --json "$dir/p.out" --junit "$dir/p.out"
expect 2 pcap check "$cap" --stateless --stateful
expect 2 pcap check --manifest "$repo/pcaps/stamp/MANIFEST" --json "$dir/m.json"
expect 2 pcap check --manifest "$repo/pcaps/stamp/MANIFEST" --only STAMP-8762
expect 2 pcap check --manifest "$dir/nonexistent/MANIFEST"
[ -z "$(ls "$dir" | grep -v -e '^key$' -e '^empty$' -e '^sunk$' -e '^sinkport$' -e '^out$' -e '^err$')" ] ||
    { echo "FAIL files left behind: $(ls "$dir")"; failures=$((failures + 1)); }

# A port already taken: the second reflector cannot bind.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$IPPM" stamp reflector --listen 127.0.0.1 --port "$port" --quiet 2>/dev/null &
rpid=$!
sleep 0.3
expect 3 stamp reflector --listen 127.0.0.1 --port "$port"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all CLI checks passed"
