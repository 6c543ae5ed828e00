#!/bin/sh
# `ippm conform twamp-server|owamp-server` against a tiny server
# (fake_owtw_server.py): a conforming one passes every MUST graded; one
# greeting with Count 512 fails TWAMP-5357-3.1-03; one closing on an
# unknown command fails TWAMP-5357-3.5-02 (the live path can fail).
#   conform_owtw_server.sh IPPM
set -u
IPPM=$1
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail=0

start() { # start [fake server options]
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -f "$dir/port"
    python3 "$here/fake_owtw_server.py" "$dir/port" "$@" &
    pid=$!
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        [ -s "$dir/port" ] && break
        sleep 0.2
    done
    port=$(cat "$dir/port")
}

expect() { # expect WHAT EXIT CASE VERDICT target
    what=$1 want=$2 case=$3 verdict=$4 target=$5
    "$IPPM" conform "$target" "127.0.0.1:$port" --timeout 0.3 \
        --json "$dir/r.json" >"$dir/out" 2>&1
    rc=$?
    if [ "$rc" != "$want" ]; then
        echo "FAIL: $what: exit $rc, expected $want"
        cat "$dir/out"
        fail=1
    fi
    got=$(python3 -c "import json,sys
d=json.load(open('$dir/r.json'))
print(next((c['verdict'] for c in d['cases'] if c['id']=='$case'),'absent'))")
    if [ "$got" != "$verdict" ]; then
        echo "FAIL: $what: $case is $got, expected $verdict"
        grep -A2 "$case" "$dir/out"
        fail=1
    fi
}

start
expect "conforming TWAMP server" 0 TWAMP-5357-3.5-02 pass twamp-server
expect "conforming TWAMP server" 0 TWAMP-5357-3.1-11 pass twamp-server
start --count 512
expect "Count 512" 1 TWAMP-5357-3.1-03 fail twamp-server
start --close-on-bad-cmd
expect "close on unknown command" 1 TWAMP-5357-3.5-02 fail twamp-server
start --owamp
expect "conforming OWAMP server" 0 OWAMP-4656-3.7-01 pass owamp-server
expect "conforming OWAMP server" 0 OWAMP-4656-6.2-01 pass owamp-server
exit $fail
