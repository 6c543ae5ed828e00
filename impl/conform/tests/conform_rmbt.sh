#!/bin/sh
# `ippm conform rmbt-server` live, on 127.0.0.1:
#   conform_rmbt.sh IPPM MODE
# MODE:
#   good        against rmbt_responder.py (conforming): exit 0, every
#               RMBT reflector case passes, none n/a; JSON and JUnit written
#   answer-bad  a responder that answers bad input: exit 1, the drop rows
#               (RMBT-4-03..06, 4-09..13) fail
#   reply24     one that echoes the 24 octets: 1-01 and 4-14 fail
#   other-port  replies from another port: 1-04 fails
#   twice       two replies a request: 4-15 and 4-14 fail
#   no-edges    a window a second too narrow: 4-07 and 4-08 fail
#   re01        a server with no secret: 4-01 and 4-03 fail
#   dead        nothing listening: exit 3, one line
#   options     bad command lines: exit 2 before any traffic
#   ippm        against `ippm rmbt server`, over IPv4 and IPv6: exit 0,
#               every case passes
# Exit 0 pass, 1 fail, 77 skip (no `ippm rmbt server` yet).
set -u
IPPM=$1
MODE=$2
HERE=$(dirname "$0")
SECRET=topsecret
# shellcheck source=testsupport/live.sh
. "$HERE/../../../testsupport/live.sh"

verdict() {
    "$PY" -c '
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    if c["id"] == sys.argv[2]:
        print(c["verdict"])' "$1" "$2"
}

count() { # JSON VERDICT
    "$PY" -c '
import json, sys
print(sum(1 for c in json.load(open(sys.argv[1]))["cases"]
          if c["verdict"] == sys.argv[2]))' "$1" "$2"
}

start_responder() { # MODE
    PORT=$(free_port)
    "$PY" "$HERE/rmbt_responder.py" "$PORT" "$SECRET" "$1" \
        >"$dir/resp.out" 2>"$dir/resp.err" &
    pids="$pids $!"
    i=0
    while ! grep -q listening "$dir/resp.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "responder did not start"
        sleep 0.1
    done
}

conform() { # expected-exit [options]
    want=$1
    shift
    "$IPPM" conform rmbt-server "127.0.0.1:$PORT" --seed "$SECRET" \
        --json "$dir/r.json" --junit "$dir/r.xml" "$@" \
        >"$dir/conform.out" 2>"$dir/conform.err"
    rc=$?
    [ $rc -eq "$want" ] || fail "conform exit $rc (expected $want)"
}

expect() { # VERDICT ID...
    v=$1
    shift
    for id in "$@"; do
        got=$(verdict "$dir/r.json" "$id")
        [ "$got" = "$v" ] || fail "$id is '$got' (expected $v)"
    done
}

case $MODE in
good)
    start_responder good
    conform 0
    [ "$(count "$dir/r.json" fail)" -eq 0 ] || fail "a case fails"
    [ "$(count "$dir/r.json" n/a)" -eq 0 ] || fail "a case is n/a"
    [ -s "$dir/r.xml" ] || fail "no JUnit report"
    ;;
answer-bad)
    start_responder answer-bad
    conform 1
    expect fail RMBT-4-03 RMBT-4-04 RMBT-4-05 RMBT-4-06 RMBT-4-09 \
        RMBT-4-10 RMBT-4-11 RMBT-4-12 RMBT-4-13
    expect pass RMBT-4-01 RMBT-4-02 RMBT-4-07 RMBT-4-08
    ;;
reply24)
    start_responder reply24
    conform 1
    expect fail RMBT-1-01 RMBT-4-14 RMBT-1-03
    ;;
other-port)
    start_responder other-port
    conform 1
    expect fail RMBT-1-04
    expect pass RMBT-4-01 RMBT-1-02
    ;;
twice)
    start_responder twice
    conform 1
    expect fail RMBT-4-15 RMBT-4-14
    ;;
no-edges)
    start_responder no-edges
    conform 1
    expect fail RMBT-4-07 RMBT-4-08
    expect pass RMBT-4-02 RMBT-4-11 RMBT-4-12
    ;;
re01)
    start_responder re01
    conform 1
    expect fail RMBT-4-01 RMBT-4-03
    expect pass RMBT-4-02 RMBT-4-09
    ;;
dead)
    PORT=$(free_port)
    conform 3 --timeout 0.3
    [ "$(wc -l <"$dir/conform.err")" -eq 1 ] || fail "not one line on stderr"
    ;;
options)
    PORT=$(free_port)
    for args in "" "--seed" "--seed x --ttl 3" "--seed x --ip nonsense" \
        "--seed x --only STAMP-"; do
        # shellcheck disable=SC2086
        "$IPPM" conform rmbt-server "127.0.0.1:$PORT" $args \
            >"$dir/o.out" 2>"$dir/o.err"
        rc=$?
        [ $rc -eq 2 ] || fail "'$args': exit $rc (expected 2)"
        grep -q '^ippm: ' "$dir/o.err" || fail "'$args': no 'ippm:' line"
    done
    "$IPPM" conform stamp-reflector 127.0.0.1 --seed x >"$dir/o.out" \
        2>"$dir/o.err"
    [ $? -eq 2 ] || fail "stamp-reflector took --seed"
    ;;
ippm)
    "$IPPM" rmbt server --help >/dev/null 2>&1 || {
        echo "SKIP: no ippm rmbt server"
        exit 77
    }
    PORT=$(free_port)
    "$IPPM" rmbt server -b 127.0.0.1 -b ::1 -p "$PORT" -s "$SECRET" -t 1 \
        >"$dir/srv.out" 2>"$dir/srv.err" &
    pids="$pids $!"
    sleep 0.5
    conform 0
    [ "$(count "$dir/r.json" fail)" -eq 0 ] || fail "a case fails"
    [ "$(count "$dir/r.json" n/a)" -eq 0 ] || fail "a case is n/a"
    # IPv6: the IP hash of ::1 as it is, no mapping
    "$IPPM" conform rmbt-server "[::1]:$PORT" --seed "$SECRET" \
        --json "$dir/r6.json" >"$dir/conform6.out" 2>"$dir/conform6.err" ||
        fail "conform over IPv6 exit $?"
    [ "$(count "$dir/r6.json" pass)" -eq 19 ] || fail "IPv6: not 19 passes"
    ;;
*)
    fail "unknown mode"
    ;;
esac
echo "PASS ($MODE)"
