#!/bin/sh
# One pairing, live and from captures (issue 9): `ippm conform
# stamp-reflector` pairs replies through stamp_pairing_reply, as `ippm
# pcap check` does, against stand-in peers on 127.0.0.1:
#   offbyone  copies the Session-Sender Sequence Number plus one: paired by
#             the copied Timestamp, the number graded by its copy case;
#   garbled   copies neither the number nor the Timestamp: each reply is
#             still the answer to the request before it, so the copy cases
#             fail and no request reads as unanswered.
#   conform_pairing.sh IPPM MODE
# Exit 0 pass, 1 fail.
set -u
IPPM=$1
MODE=$2
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

dir=$(mktemp -d) || exit 1
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
fail() {
    echo "FAIL ($MODE): $*" >&2
    for f in "$dir"/*.out "$dir"/*.err; do
        [ -s "$f" ] && { echo "--- $f" >&2; head -c 4000 "$f" >&2; }
    done
    exit 1
}

# RFC 8762 Figure 5 by hand, with the copied fields as MODE says.
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
    if len(d) < 44:
        continue
    seq = struct.unpack("!I", d[0:4])[0]
    if mode == "offbyone":
        ss = struct.pack("!I", (seq + 1) & 0xFFFFFFFF) + d[4:14]
    else:
        ss = b"\xde\xad\xbe\xef" + b"\x11" * 8 + d[12:14]
    rep = (d[0:4] + ntp() + b"\x80\x01\0\0" + rx + ss + b"\0\0" +
           bytes([64]) + b"\0\0\0" + d[44:])
    s.sendto(rep, a)
PYEOF
"$PY" "$dir/peer.py" "$MODE" >"$dir/peer.out" 2>"$dir/peer.err" &
pid=$!
i=0
until grep -q ready "$dir/peer.out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 50 ] && fail "peer did not start"
    sleep 0.1
done
PORT=$(awk '{print $2}' "$dir/peer.out")

"$IPPM" conform stamp-reflector "127.0.0.1:$PORT" --timeout 0.5 \
    --json "$dir/c.json" >"$dir/c.out" 2>"$dir/c.err"
rc=$?
[ $rc -eq 1 ] || fail "exit $rc, expected 1 (a copy case fails)"
grep -q "(0 matched no request)" "$dir/c.out" ||
    fail "replies were left unpaired"
"$PY" - "$dir/c.json" "$MODE" <<'PYEOF' || fail "verdicts"
import json, sys
j = json.load(open(sys.argv[1]))
v = {c["id"]: c for c in j["cases"]}
def want(i, verdict, text=""):
    if v[i]["verdict"] != verdict or text not in v[i]["detail"]:
        sys.exit("%s: %s %s (expected %s, '%s')" % (
            i, v[i]["verdict"], v[i]["detail"], verdict, text))
want("STAMP-8762-4.3-01", "pass")
want("STAMP-8762-4.3.1-03", "fail", "seq 0: Session-Sender Sequence Number")
if sys.argv[2] == "offbyone":
    want("STAMP-8762-4.3.1-04", "pass")
else:
    want("STAMP-8762-4.3.1-04", "fail")
PYEOF
exit 0
