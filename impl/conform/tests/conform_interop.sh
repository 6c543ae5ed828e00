#!/bin/sh
# The interop findings of conformance/interop-notes.md, against stand-ins
# for the peers: ippm's own reflector with --reply-to-short (RFC 8762
# §4.6), a TWAMP-Light style responder that answers 38 octets (twampy), a
# STAMP reflector that zeroes the SSID (no RFC 8972), and a closed port;
# and the one pairing of live runs and captures (issue 9): a reflector
# that copies the Session-Sender Sequence Number plus one (offbyone), or
# copies neither it nor the Timestamp (garbled).
#   conform_interop.sh IPPM MODE
# MODE: short | twamp38 | dead | options | zero-ssid | ux | nothing |
#       offbyone | garbled.
# Exit 0 pass, 1 fail.
set -u
IPPM=$1
MODE=$2
# shellcheck source=testsupport/live.sh
. "$(dirname "$0")/../../../testsupport/live.sh"

# A peer on 127.0.0.1, RFC 8762 Figure 5 by hand. twamp38: twampy's
# responder (24-octet header, then the request's first 14 octets: 38 for
# any request). zero-ssid: a full STAMP reply with the SSID zeroed.
# offbyone, garbled: a full reply whose copied fields are wrong.
cat >"$dir/peer.py" <<'PYEOF'
import socket, struct, sys, time
mode = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print("ready", s.getsockname()[1], flush=True)
def ntp():
    t = time.time()
    return struct.pack("!II", int(t) + 2208988800, int((t % 1) * 2**32))
while True:
    d, a = s.recvfrom(4096)
    rx = ntp()
    if mode == "twamp38":
        if len(d) < 14:
            continue
        rep = d[0:4] + ntp() + b"\x80\x01\0\0" + rx + d[:14]
    else:
        if len(d) < 44:
            continue
        ss = d[0:14]
        if mode == "offbyone":
            ss = struct.pack("!I", (struct.unpack("!I", d[0:4])[0] + 1) &
                             0xFFFFFFFF) + d[4:14]
        elif mode == "garbled":
            ss = b"\xde\xad\xbe\xef" + b"\x11" * 8 + d[12:14]
        rep = (d[0:4] + ntp() + b"\x80\x01\0\0" + rx + ss + b"\0\0" +
               bytes([64]) + b"\0\0\0" + d[44:])
    s.sendto(rep, a)
PYEOF

# start_peer KIND: sets PORT.
start_peer() {
    "$PY" "$dir/peer.py" "$1" >"$dir/peer.out" 2>"$dir/peer.err" &
    pids="$pids $!"
    i=0
    until grep -q ready "$dir/peer.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "peer did not start"
        sleep 0.1
    done
    PORT=$(awk '{print $2}' "$dir/peer.out")
}

# start_reflector ARGS...: ippm's reflector on 127.0.0.1, sets PORT, RPID.
start_reflector() {
    PORT=$(free_port)
    "$IPPM" stamp reflector --listen 127.0.0.1 --port "$PORT" "$@" \
        >"$dir/refl.out" 2>"$dir/refl.err" &
    RPID=$!
    pids="$pids $RPID"
    i=0
    until grep -q "listening on" "$dir/refl.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "reflector did not start"
        sleep 0.1
    done
}

stop_reflector() {
    kill -INT "$RPID" 2>/dev/null
    wait "$RPID" 2>/dev/null
}

# check_json FILE PYTHON-EXPR: v maps case ID to its JSON object.
check_json() {
    "$PY" - "$1" "$2" <<'PYEOF' || fail "JSON check: $2"
import json, sys
j = json.load(open(sys.argv[1]))
v = {c["id"]: c for c in j["cases"]} if "cases" in j else {}
ok = eval(sys.argv[2])
if not ok:
    print(json.dumps(j, indent=1)[:4000], file=sys.stderr)
    sys.exit(1)
PYEOF
}

case $MODE in
short)
    # RFC 8762 §4.6: the base reply to a short request conforms. HOST
    # --port PORT is HOST:PORT's alternative.
    start_reflector --reply-to-short
    "$IPPM" conform stamp-reflector 127.0.0.1 --port "$PORT" --timeout 0.5 \
        --json "$dir/c.json" --junit "$dir/c.xml" >"$dir/c.out" 2>"$dir/c.err"
    rc=$?
    [ $rc -eq 0 ] || fail "conform exited $rc with --reply-to-short"
    # The advisory on amplification (4.6-01) does not warn about the
    # reply the §4.6 sentence it quotes prescribes.
    check_json "$dir/c.json" "v['STAMP-8762-4.2-02']['verdict'] == 'pass' and v['STAMP-8762-4.3-03']['verdict'] == 'pass' and v['STAMP-8762-4.6-01']['verdict'] == 'pass' and not v['STAMP-8762-4.6-01']['fails_run'] and j['totals']['fail'] == 0 and v['STAMP-8762-4.6-01']['level'] == 'MAY' and j['result'] == 'pass'"
    grep -q "<failure" "$dir/c.xml" && fail "JUnit marks a pass as failure"
    # Even --strict.
    "$IPPM" conform stamp-reflector "127.0.0.1:$PORT" --timeout 0.5 --strict \
        >"$dir/s.out" 2>"$dir/s.err" || fail "--strict failed on a MAY"
    stop_reflector
    ;;
twamp38)
    # twampy's responder: 38-octet replies are paired by their
    # Session-Sender Sequence Number and graded, not dropped.
    start_peer twamp38
    "$IPPM" conform stamp-reflector "127.0.0.1:$PORT" --timeout 0.5 \
        --json "$dir/c.json" >"$dir/c.out" 2>"$dir/c.err"
    rc=$?
    [ $rc -eq 1 ] || fail "conform exited $rc against a 38-octet responder"
    grep -q "(0 matched no request)" "$dir/c.out" ||
        fail "replies were left unpaired"
    check_json "$dir/c.json" "v['STAMP-8762-4.2-01']['verdict'] == 'fail' and 'reply length 38, request length 44' in v['STAMP-8762-4.2-01']['detail'] and v['STAMP-8762-4.3-01']['verdict'] == 'pass' and v['STAMP-8762-4.2-02']['verdict'] == 'fail' and v['STAMP-8762-4.3.1-06']['verdict'] == 'fail' and 'too short to carry the Ses-Sender TTL' in v['STAMP-8762-4.3.1-06']['detail'] and v['STAMP-8762-4.3.1-03']['verdict'] == 'pass'"
    ;;
nothing)
    # Issue 9: every case n/a is never a pass, --strict or not: a stateless
    # reflector graded only on the stateful case exits 4 and says why.
    start_reflector
    for strict in "" --strict; do
        # shellcheck disable=SC2086
        "$IPPM" conform stamp-reflector "127.0.0.1:$PORT" --timeout 0.5 \
            --only STAMP-8762-4.3.1-02 $strict --json "$dir/n.json" \
            >"$dir/n.out" 2>"$dir/n.err"
        rc=$?
        [ $rc -eq 4 ] || fail "all n/a $strict: exit $rc, expected 4"
        grep -q "nothing graded: every case is n/a" "$dir/n.err" ||
            fail "all n/a $strict: no reason"
        grep -q -- "-> NOTHING GRADED" "$dir/n.out" ||
            fail "all n/a $strict: totals line"
        check_json "$dir/n.json" "j['result'] != 'pass' and j.get('graded_nothing')"
    done
    stop_reflector
    ;;
dead)
    PORT=$(free_port)
    "$IPPM" conform stamp-reflector "127.0.0.1:$PORT" --timeout 0.3 \
        >"$dir/c.out" 2>"$dir/c.err"
    rc=$?
    [ $rc -eq 4 ] || fail "dead target: exit $rc, expected 4 (nothing graded)"
    [ -s "$dir/c.out" ] && fail "dead target: graded anyway"
    [ "$(wc -l <"$dir/c.err")" -eq 1 ] || fail "dead target: not one line"
    grep -q "no reply from 127.0.0.1:$PORT.*is a STAMP reflector listening?" \
        "$dir/c.err" || fail "dead target: wrong message"
    ;;
options)
    for bad in "--count 3" "--listen 127.0.0.1" "--no-pcap" "--list"; do
        # shellcheck disable=SC2086
        "$IPPM" conform stamp-reflector 127.0.0.1 $bad >"$dir/o.out" 2>"$dir/o.err"
        rc=$?
        [ $rc -eq 2 ] || fail "stamp-reflector $bad: exit $rc, expected 2"
        [ "$(wc -l <"$dir/o.err")" -eq 1 ] && [ ! -s "$dir/o.out" ] ||
            fail "stamp-reflector $bad: not one line on stderr"
    done
    for bad in "--ttl 3" "--stateful" "--timestamp ntp"; do
        # shellcheck disable=SC2086
        "$IPPM" conform stamp-sender $bad >"$dir/o.out" 2>"$dir/o.err"
        rc=$?
        [ $rc -eq 2 ] || fail "stamp-sender $bad: exit $rc, expected 2"
    done
    "$IPPM" conform stamp-reflector 127.0.0.1:5 --port 6 >"$dir/o.out" 2>"$dir/o.err"
    [ $? -eq 2 ] || fail "HOST:PORT and --port disagreeing accepted"
    "$IPPM" conform --help | grep -q "HOST --port" || fail "--help: no --port"
    ;;
zero-ssid)
    # RFC 8972 §3: the sender's behaviour on a zeroed SSID is controlled.
    start_peer zero-ssid
    S="$IPPM stamp sender 127.0.0.1 --port $PORT --ssid 1234 --interval 0.01 --wait 0.5 --no-progress"
    $S --count 5 --json "$dir/w.json" >"$dir/w.out" 2>"$dir/w.err" ||
        fail "warn: sender failed"
    [ "$(grep -c "zeroed SSID" "$dir/w.err")" -eq 1 ] || fail "warn: not one warning"
    check_json "$dir/w.json" "j['received'] == 5 and j['zero_ssid_replies'] == 5 and not j['stopped_on_zero_ssid']"
    $S --count 5 --on-zero-ssid continue >"$dir/k.out" 2>"$dir/k.err" ||
        fail "continue: sender failed"
    grep -q "zeroed SSID" "$dir/k.err" && fail "continue: warned"
    grep -q "5 received" "$dir/k.out" || fail "continue: did not carry on"
    $S --count 200 --interval 0.02 --on-zero-ssid stop --json "$dir/s.json" \
        >"$dir/s.out" 2>"$dir/s.err" || fail "stop: sender failed"
    grep -q "stopped: zeroed SSID" "$dir/s.out" || fail "stop: no summary"
    check_json "$dir/s.json" "j['stopped_on_zero_ssid'] and j['sent'] < 20"
    $S --count 1 --on-zero-ssid maybe >"$dir/b.out" 2>"$dir/b.err"
    [ $? -eq 2 ] || fail "a bad --on-zero-ssid was accepted"
    # Without --ssid there is nothing to say.
    "$IPPM" stamp sender 127.0.0.1 --port "$PORT" --count 3 --interval 0.01 \
        --no-progress >"$dir/n.out" 2>"$dir/n.err" || fail "no --ssid: failed"
    grep -q "zeroed SSID" "$dir/n.err" "$dir/n.out" && fail "no --ssid: warned"
    ;;
ux)
    start_reflector
    # --per-packet shows the reply's TTL and the reflected one.
    "$IPPM" stamp sender 127.0.0.1 --port "$PORT" --count 2 --interval 0.01 \
        --ttl 7 --per-packet >"$dir/p.out" 2>"$dir/p.err" || fail "sender failed"
    grep -q "ttl=64 refl_ttl=7 " "$dir/p.out" || fail "--per-packet: no refl_ttl=7"
    # A TWAMP-Light sender's 14 octets: dropped, and the summary says how
    # to answer them, in words.
    "$PY" -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(bytes(14), ('127.0.0.1', $PORT))"
    sleep 0.2
    stop_reflector
    grep -q "dropped 1: packet shorter than its format .*--reply-to-short" \
        "$dir/refl.err" || fail "reflector summary does not point to --reply-to-short"
    grep -q "IPPM_ERR_" "$dir/refl.err" "$dir/p.out" && fail "enum name in human output"
    # pcap check --quiet still gives the verdict line.
    "$IPPM" pcap check "$(dirname "$0")/../../../pcaps/stamp/stamp-open-ntp.pcap" \
        --quiet >"$dir/q.out" 2>"$dir/q.err" || fail "pcap check failed"
    [ "$(wc -l <"$dir/q.out")" -eq 1 ] && grep -q "cases: .* -> PASS" "$dir/q.out" ||
        fail "pcap check --quiet: no one-line verdict"
    ;;
offbyone|garbled)
    # One pairing (stamp_pairing_reply), live as from captures: each reply
    # is paired and its copy graded, none is left unmatched. By the copied
    # Timestamp (offbyone), every request has its own reply; by position
    # (garbled: the latest unanswered request before it), which one a
    # late reply takes depends on the timing, so only the copies count.
    start_peer "$MODE"
    "$IPPM" conform stamp-reflector "127.0.0.1:$PORT" --timeout 0.5 \
        --json "$dir/c.json" >"$dir/c.out" 2>"$dir/c.err"
    rc=$?
    [ $rc -eq 1 ] || fail "conform exited $rc, expected 1 (a copy case fails)"
    grep -q "(0 matched no request)" "$dir/c.out" ||
        fail "replies were left unpaired"
    if [ "$MODE" = offbyone ]; then
        check_json "$dir/c.json" "v['STAMP-8762-4.3-01']['verdict'] == 'pass' and v['STAMP-8762-4.3.1-03']['verdict'] == 'fail' and 'seq 0: Session-Sender Sequence Number 1 (expected 0)' in v['STAMP-8762-4.3.1-03']['detail'] and v['STAMP-8762-4.3.1-04']['verdict'] == 'pass'"
    else
        check_json "$dir/c.json" "v['STAMP-8762-4.3.1-03']['verdict'] == 'fail' and 'Session-Sender Sequence Number 3735928559' in v['STAMP-8762-4.3.1-03']['detail'] and v['STAMP-8762-4.3.1-04']['verdict'] == 'fail'"
    fi
    ;;
*) echo "unknown mode $MODE" >&2; exit 2 ;;
esac
exit 0
