#!/bin/sh
# `ippm conform stamp-sender` grading `ippm stamp sender` on loopback:
# every MUST passes.
#   conform_sender.sh IPPM MODE
# MODE: open | auth | ptp | ssid | defaults (the sender run with no port
# and no timestamp format, graded with --sender-defaults on UDP port 862:
# RFC 8762 §4.1 and §4.2.1 defaults) | ar (--access-report towards a port
# where nothing answers, captured with dumpcap and graded by `ippm pcap
# check --role sender`: the packet is sent again, RFC 8972 §4.6
# STAMP-8972-4.6-05, no more than four times, -4.6-07, keeping its
# Sequence Number without failing 4.2.1-02; about 15 s, the timer is the
# default 3 s). Exit 0 pass, 1 fail, 77 skip (ar: no dumpcap, or it
# cannot capture here).
set -u
IPPM=$1
MODE=$2
# shellcheck source=testsupport/live.sh
. "$(dirname "$0")/../../../testsupport/live.sh"

PORT=$(free_port)

if [ "$MODE" = ar ]; then
    command -v dumpcap >/dev/null 2>&1 || { echo "no dumpcap: skipped"; exit 77; }
    dumpcap -q -i lo -f "udp port $PORT" -w "$dir/ar.pcap" \
        >"$dir/dumpcap.out" 2>"$dir/dumpcap.err" &
    cpid=$!
    pids="$pids $cpid"
    i=0
    while ! grep -q "Capturing on" "$dir/dumpcap.err" 2>/dev/null; do
        i=$((i + 1))
        kill -0 "$cpid" 2>/dev/null ||
            { echo "dumpcap cannot capture here: skipped"; exit 77; }
        [ $i -gt 50 ] && fail "dumpcap did not start"
        sleep 0.1
    done
    # Exit 1, nothing answered: the packet and its re-sends are graded.
    "$IPPM" stamp sender 127.0.0.1 --port "$PORT" --count 1 --wait 0.5 \
        --access-report 1:1 >"$dir/sender.out" 2>"$dir/sender.err"
    sleep 0.5
    kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
    live_forget "$cpid"
    "$IPPM" pcap check "$dir/ar.pcap" --role sender --port "$PORT" \
        --json "$dir/ar.json" >"$dir/check.out" 2>"$dir/check.err"
    "$PY" - "$dir/ar.json" <<'PYEOF' || fail "verdicts"
import json, sys
v = {c["id"]: c["verdict"] for c in json.load(open(sys.argv[1]))["cases"]}
for c in ("STAMP-8972-4.6-05", "STAMP-8972-4.6-07", "STAMP-8762-4.2.1-02"):
    assert v.get(c) == "pass", (c, v.get(c))
PYEOF
    exit 0
fi

KEYOPT=
SOPTS=
COPTS=
SPORT="--port $PORT"
case $MODE in
open) ;;
auth)
    printf 'sender conformance key\n' >"$dir/key"
    chmod 600 "$dir/key"
    KEYOPT="--auth-key-file $dir/key" ;;
ptp) SOPTS="--timestamp ptp" ;;
ssid) SOPTS="--ssid 4660" ;;
defaults) PORT=862; SPORT=; COPTS=--sender-defaults ;;
*) echo "unknown mode $MODE" >&2; exit 2 ;;
esac

# shellcheck disable=SC2086
"$IPPM" conform stamp-sender --listen 127.0.0.1 --port "$PORT" --count 10 \
    --timeout 5 $KEYOPT $COPTS --json "$dir/s.json" >"$dir/conform.out" 2>"$dir/conform.err" &
cpid=$!
pids="$pids $cpid"
i=0
while ! grep -q "listening on" "$dir/conform.err" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 50 ] && fail "conform stamp-sender did not start"
    sleep 0.1
done
# shellcheck disable=SC2086
"$IPPM" stamp sender 127.0.0.1 $SPORT --count 10 --interval 0.01 \
    --wait 0.3 $KEYOPT $SOPTS >"$dir/sender.out" 2>"$dir/sender.err" ||
    fail "ippm stamp sender failed"
wait "$cpid"
rc=$?
live_forget "$cpid"
[ $rc -eq 0 ] || fail "ippm conform stamp-sender exited $rc"

"$PY" - "$dir/s.json" "$MODE" <<'PYEOF' || fail "report check failed"
import json, sys
j = json.load(open(sys.argv[1]))
mode = sys.argv[2]
v = {c["id"]: c["verdict"] for c in j["cases"]}
assert j["suite"] == "stamp-sender"
assert j["totals"]["fail"] == 0, j["totals"]
want = ["STAMP-8762-4.2-03", "STAMP-8762-4.2.1-02", "STAMP-8762-4.2.1-04"]
want += {"open": ["STAMP-8762-4.2.1-01"], "ptp": ["STAMP-8762-4.2.1-01"],
         "auth": ["STAMP-8762-4.4-03", "STAMP-8762-4.2.2-02"],
         "ssid": ["STAMP-8972-3-02"],
         "defaults": ["STAMP-8762-4.1-02", "STAMP-8762-4.2.1-09"]}[mode]
for c in want:
    assert v.get(c) == "pass", (c, v.get(c))
PYEOF
exit 0
