#!/bin/sh
# `ippm stamp sender --access-report` towards a port where nothing answers,
# captured on loopback and graded by `ippm pcap check --role sender`: the
# Access Report packet is sent again (RFC 8972 §4.6, STAMP-8972-4.6-05)
# and no more than four times (4.6-07), and the re-sends keep their
# Sequence Number without failing RFC 8762's (4.2.1-02). Takes about 15 s:
# the timer is the default 3 s.
#   pcap_sender_ar.sh IPPM
# Exit 0 pass, 1 fail, 77 skip (no dumpcap, or it cannot capture here).
set -u
IPPM=$1
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
command -v dumpcap >/dev/null 2>&1 || { echo "no dumpcap: skipped"; exit 77; }

dir=$(mktemp -d)
cpid=
cleanup() {
    [ -n "$cpid" ] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for f in "$dir"/*.out "$dir"/*.err; do
        [ -s "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
    done
    exit 1
}

PORT=$("$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dumpcap -q -i lo -f "udp port $PORT" -w "$dir/ar.pcap" \
    >"$dir/dumpcap.out" 2>"$dir/dumpcap.err" &
cpid=$!
i=0
while ! grep -q "Capturing on" "$dir/dumpcap.err" 2>/dev/null; do
    i=$((i + 1))
    kill -0 "$cpid" 2>/dev/null || { echo "dumpcap cannot capture here: skipped"; exit 77; }
    [ $i -gt 50 ] && fail "dumpcap did not start"
    sleep 0.1
done
# Exit 1: nothing answered. The packet and its re-sends are what matter.
"$IPPM" stamp sender 127.0.0.1 --port "$PORT" --count 1 --wait 0.5 \
    --access-report 1:1 >"$dir/sender.out" 2>"$dir/sender.err"
sleep 0.5
kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
cpid=
"$IPPM" pcap check "$dir/ar.pcap" --role sender --port "$PORT" \
    --json "$dir/ar.json" >"$dir/check.out" 2>"$dir/check.err"
"$PY" - "$dir/ar.json" <<'PYEOF' || fail "verdicts"
import json, sys
v = {c["id"]: c["verdict"] for c in json.load(open(sys.argv[1]))["cases"]}
for c in ("STAMP-8972-4.6-05", "STAMP-8972-4.6-07", "STAMP-8762-4.2.1-02"):
    assert v.get(c) == "pass", (c, v.get(c))
PYEOF
echo "PASS"
