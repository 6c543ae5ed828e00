#!/bin/sh
# `ippm conform stamp-reflector` against `ippm stamp reflector` on loopback:
# every MUST passes, and the reports name the mode that was probed.
#   conform_reflector.sh IPPM MODE
# MODE: v4 | v6 | stateful | auth. Exit 0 pass, 1 fail, 77 skip (no IPv6).
set -u
IPPM=$1
MODE=$2
# shellcheck source=testsupport/live.sh
. "$(dirname "$0")/../../../testsupport/live.sh"

PORT=$(free_port)
HOST=127.0.0.1:$PORT
ROPTS=
COPTS="--stateless"
case $MODE in
v4) ;;
v6)
    "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0))' 2>/dev/null || exit 77
    HOST="[::1]:$PORT" ;;
stateful) ROPTS="--stateful"; COPTS="--stateful" ;;
auth)
    printf 'conformance key\n' >"$dir/key"
    chmod 600 "$dir/key"
    ROPTS="--auth-key-file $dir/key"; COPTS="--auth-key-file $dir/key" ;;
*) echo "unknown mode $MODE" >&2; exit 2 ;;
esac

# shellcheck disable=SC2086
"$IPPM" stamp reflector --port "$PORT" $ROPTS >"$dir/refl.out" 2>"$dir/refl.err" &
rpid=$!
pids="$pids $rpid"
i=0
while ! grep -q "listening on" "$dir/refl.out" "$dir/refl.err" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 50 ] && fail "reflector did not start"
    kill -0 "$rpid" 2>/dev/null || fail "reflector exited"
    sleep 0.1
done

# shellcheck disable=SC2086
"$IPPM" conform stamp-reflector "$HOST" $COPTS --timeout 0.5 \
    --json "$dir/r.json" --junit "$dir/r.xml" >"$dir/conform.out" 2>"$dir/conform.err"
rc=$?
[ $rc -eq 0 ] || fail "ippm conform exited $rc"

"$PY" - "$dir/r.json" "$dir/r.xml" "$MODE" <<'PYEOF' || fail "report check failed"
import json, sys, xml.etree.ElementTree as ET
j = json.load(open(sys.argv[1]))
mode = sys.argv[3]
v = {c["id"]: c["verdict"] for c in j["cases"]}
assert j["result"] == "pass", j["result"]
assert j["totals"]["must_fail"] == 0
must_pass = ["STAMP-8762-4.3-01", "STAMP-8762-4.2-01", "STAMP-8762-4.3-02",
             "STAMP-8762-4.3.1-03", "STAMP-8762-4.3.1-06", "STAMP-8762-4.3-05"]
must_pass.append("STAMP-8762-4.3.1-02" if mode == "stateful" else "STAMP-8762-4.3.1-01")
if mode == "auth":
    must_pass += ["STAMP-8762-4.4-01", "STAMP-8762-4.4-02", "STAMP-8762-4.3.2-06"]
for c in must_pass:
    assert v.get(c) == "pass", (c, v.get(c))
t = ET.parse(sys.argv[2]).getroot()
suite = t.find("testsuite")
assert suite.get("name") == "stamp-reflector"
assert int(suite.get("tests")) == len(j["cases"])
PYEOF
exit 0
