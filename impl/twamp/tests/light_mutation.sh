#!/bin/sh
# Every TWAMP-Test case can fail (issue 12): one field at a time broken in
# the replies of `ippm twamp light-reflector` by `ippm relay --mutate`,
# and `ippm conform twamp-light-reflector` charges the fault to that
# field's cases and to no other. The relay's STAMP field names sit where
# TWAMP-Light has them (stamp_layout_twamp_light): "ssid" is the MBZ
# after the Error Estimate, "mbz" the one after the Sender Error Estimate.
#   light_mutation.sh IPPM
# Exit 0 pass, 1 fail.
set -u
IPPM=$1
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
free_port() {
    "$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The cases a report fails or warns, sorted, without the TWAMP- prefix.
not_met() {
    "$PY" - "$1" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted(c["id"][len("TWAMP-"):] for c in d["cases"]
                      if c["verdict"] in ("fail", "warn"))))
PYEOF
}

rport=$(free_port)
lport=$(free_port)
"$IPPM" twamp light-reflector "127.0.0.1:$rport" --quiet >"$dir/refl.out" 2>&1 &
pids="$pids $!"
sleep 0.3
# the relay's fault (--mutate in replies; --drop) | conform's mode option |
# the cases that must be charged, and only they
while IFS='|' read -r m mode want; do
    # shellcheck disable=SC2086 # $m: the relay's options
    "$IPPM" relay --listen "127.0.0.1:$lport" --to "127.0.0.1:$rport" \
        --proto none --mutate-dir rev $m --quiet >"$dir/relay.out" 2>&1 &
    relay=$!
    sleep 0.3
    # shellcheck disable=SC2086 # $mode: an option or none
    "$IPPM" conform twamp-light-reflector "127.0.0.1:$lport" $mode \
        --json "$dir/r.json" >"$dir/conform.out" 2>&1
    kill "$relay" 2>/dev/null
    wait "$relay" 2>/dev/null
    if [ ! -s "$dir/r.json" ]; then
        echo "FAIL: $m: no report" >&2
        cat "$dir/conform.out" "$dir/relay.out" >&2
        failures=$((failures + 1))
        continue
    fi
    got=$(not_met "$dir/r.json")
    if [ "$want" != "$got" ]; then
        echo "FAIL: $m: expected not met [$want], got [$got]" >&2
        failures=$((failures + 1))
    else
        echo "ok   $m -> [$got]"
    fi
    rm -f "$dir/r.json"
done <<'LIST'
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
--mutate ttl=+1||5357-4.2-04
--mutate length=+3||6038-5.2.1-01
--mutate length=-1||5357-4.2-04 6038-5.2.1-01
--drop 3||5357-4.2.1-01
LIST
[ "$failures" -eq 0 ] || exit 1
echo "every TWAMP-Test case charged by its mutation alone"
