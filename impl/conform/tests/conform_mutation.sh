#!/bin/sh
# The mutation pass of issue 9, kept: break one field at a time in real
# replies (reflector side) and requests (sender side) with `ippm relay
# --mutate`, and check that `ippm conform` charges the fault to the case
# for that field, and to no other. A mutation that changes nothing
# observable (a constant SSID shift in requests, longer requests) must
# leave the run clean. The relay stands in for a NAT, so every run
# declares `--path nat` (the Location TLV then reads n/a).
# twamp-light: the same through `ippm twamp light-reflector` and `ippm
# conform twamp-light-reflector`, one line per TWAMP-Test case, so that
# each is shown to fail (RFC 5357; the relay's STAMP field names sit where
# TWAMP Light has them: "ssid" is the MBZ after the Error Estimate, "mbz"
# the one after the Sender Error Estimate).
#   conform_mutation.sh IPPM reflector|sender|twamp-light
# Exit 0 pass, 1 fail.
set -u
IPPM=$1
SIDE=$2
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

dir=$(mktemp -d)
pids=
cleanup() {
    for p in $pids; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    rm -rf "$dir"
}
trap cleanup EXIT

failures=0
fail() {
    echo "FAIL ($SIDE): $*" >&2
    failures=$((failures + 1))
}

free_port() {
    "$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The cases a report fails or warns, sorted, without the STAMP- or TWAMP-
# prefix.
not_met() {
    "$PY" - "$1" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted(c["id"].split("-", 1)[1] for c in d["cases"]
                      if c["verdict"] in ("fail", "warn"))))
PYEOF
}

start_relay() { # MUTATION DIR LISTEN_PORT TO_PORT
    "$IPPM" relay --listen "127.0.0.1:$3" --to "127.0.0.1:$4" \
        --mutate-dir "$2" --mutate "$1" >"$dir/relay.out" 2>&1 &
    relay=$!
    pids="$pids $relay"
    sleep 0.3
}

stop_relay() {
    kill "$relay" 2>/dev/null
    wait "$relay" 2>/dev/null
}

# check MUTATION EXPECTED GOT
check() {
    if [ "$2" != "$3" ]; then
        fail "--mutate $1: expected not met [$2], got [$3]"
    else
        echo "ok   --mutate $1 -> [$3]"
    fi
}

reflector_side() {
    rport=$(free_port)
    lport=$(free_port)
    "$IPPM" stamp reflector --listen 127.0.0.1 --port "$rport" \
        >"$dir/refl.out" 2>&1 &
    pids="$pids $!"
    sleep 0.3
    # mutation (in replies) | the cases that must be charged, and only they
    while IFS='|' read -r m want; do
        start_relay "$m" rev "$lport" "$rport"
        "$IPPM" conform stamp-reflector 127.0.0.1 --port "$lport" --path nat \
            --json "$dir/r.json" >"$dir/conform.out" 2>&1
        stop_relay
        if [ ! -s "$dir/r.json" ]; then
            fail "--mutate $m: no report"; continue
        fi
        check "$m" "$want" "$(not_met "$dir/r.json")"
        rm -f "$dir/r.json"
    done <<'EOF'
ts=+0|
seq=+1|8762-4.3.1-02 8972-3-04 8972-4.7-04
ts=0|8762-4.3.1-08 8762-4.3.1-09 8762-4.3.1-14
rx-ts=0|8762-4.3.1-07 8762-4.3.1-08 8762-4.3.1-14
ssid=+1|8762-4.3.1-10 8972-3-01
mbz=flip|8762-4.3.1-11
ss-seq=+1|8762-4.3.1-02 8762-4.3.1-03 8972-4.7-04 8972-4.7-05
ss-ts=+1|8762-4.3.1-04
ss-errest=+1|8762-4.3.1-05
ttl=+1|8762-4.3.1-06
EOF
}

sender_side() {
    cport=$(free_port)
    lport=$(free_port)
    # mutation (in requests) | the cases that must be charged, and only they
    while IFS='|' read -r m want; do
        "$IPPM" conform stamp-sender --listen 127.0.0.1 --port "$cport" \
            --count 20 --path nat --json "$dir/s.json" >"$dir/conform.out" 2>&1 &
        conform=$!
        start_relay "$m" fwd "$lport" "$cport"
        "$IPPM" stamp sender 127.0.0.1 --port "$lport" --count 20 \
            --interval 0.02 >"$dir/sender.out" 2>&1
        wait "$conform"
        stop_relay
        if [ ! -s "$dir/s.json" ]; then
            fail "--mutate $m: no report"; continue
        fi
        check "$m" "$want" "$(not_met "$dir/s.json")"
        rm -f "$dir/s.json"
    done <<'EOF'
ts=+0|
seq=+1|8762-4.2.1-02
ts=0|8762-4.2.1-04 8762-4.2.1-05
errest=flip|8762-4.2.1-04 8762-4.2.1-05
mbz=flip|8762-4.2.1-01
length=-3|8762-4.2-03
ssid=+1|
length=+4|
EOF
}

# Every TWAMP-Test case (cases/twamp_test.c) charged by a fault of its
# own: a field mutated in the light reflector's replies, or (--drop) a
# packet lost; the middle field is conform's mode option, if any.
twamp_light_side() {
    rport=$(free_port)
    lport=$(free_port)
    "$IPPM" twamp light-reflector "127.0.0.1:$rport" --quiet \
        >"$dir/refl.out" 2>&1 &
    pids="$pids $!"
    sleep 0.3
    while IFS='|' read -r m mode want; do
        # shellcheck disable=SC2086 # $m: the relay's options
        "$IPPM" relay --listen "127.0.0.1:$lport" --to "127.0.0.1:$rport" \
            --proto none --mutate-dir rev $m >"$dir/relay.out" 2>&1 &
        relay=$!
        pids="$pids $relay"
        sleep 0.3
        # shellcheck disable=SC2086 # $mode: an option or none
        "$IPPM" conform twamp-light-reflector "127.0.0.1:$lport" $mode \
            --json "$dir/r.json" >"$dir/conform.out" 2>&1
        stop_relay
        if [ ! -s "$dir/r.json" ]; then
            fail "$m: no report"; continue
        fi
        check "$m" "$want" "$(not_met "$dir/r.json")"
        rm -f "$dir/r.json"
    done <<'EOF'
--mutate ts=+0||
--mutate seq=+1||5357-4.2.1-05
--mutate seq=+1|--stateless|5357-I-01
--mutate ts=0||5357-4.2-02 5357-4.2-03 5357-4.2.1-09
--mutate rx-ts=0||5357-4.2-01 5357-4.2-02 5357-4.2.1-09
--mutate errest=0||5357-4.2.1-08
--mutate ssid=+1||5357-4.2.1-06
--mutate mbz=flip||5357-4.2.1-07
--mutate ss-seq=+1||5357-4.2.1-02 5357-4.2.1-05
--mutate ss-ts=+1||5357-4.2.1-03
--mutate ss-errest=+1||5357-4.2.1-04
--mutate ttl=+1||5357-4.2-04 5357-4.2-05
--mutate ttl=255||5357-4.2-04
--mutate ttl=0||5357-4.2-04 5357-4.2-05
--mutate length=+3||6038-5.2.1-01
--mutate length=-1||5357-4.2-04 5357-4.2-05 6038-5.2.1-01
--drop 3||5357-4.2.1-01
EOF
}

case "$SIDE" in
reflector) reflector_side ;;
sender) sender_side ;;
twamp-light) twamp_light_side ;;
*) echo "usage: conform_mutation.sh IPPM reflector|sender|twamp-light" >&2
   exit 2 ;;
esac
[ "$failures" -eq 0 ] || exit 1
echo "conform_mutation $SIDE: every mutation charged to its case"
