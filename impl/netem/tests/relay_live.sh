#!/bin/sh
# Live tests of `ippm relay` on loopback: ippm stamp sender -> relay ->
# ippm stamp reflector --stateful.
#   relay_live.sh IPPM MODE
# The relay runs as `IPPM relay ...`.
# MODE:
#   counts    --fwd-drop 3 --rev-drop 7 --rev-dup-list 10,12: the sender's
#             lost, directional and duplicate counts, and which sequence
#             numbers, match the truth file exactly; the same seed gives
#             the same actions twice; --truth is whole or absent
#   mutate    --mutate ttl=5 shows in every reply; --mutate length=-4
#             makes every reply 40 octets, measured but not conformant
#   dscp      ippm conform stamp-reflector --only STAMP-8972-4.4 through
#             the relay to ippm stamp reflector: pass with no impairment
#             (DSCP and ECN carried both ways), fail with
#             --rev-remark-dscp 10 (the truth file records the rewrite,
#             the detail names the path), n/a with --path remark
#   pairing   ippm conform stamp-reflector through --mutate ss-seq=+1:
#             every reply is paired by content (no unmatched reply, no
#             'no reply'), and STAMP-8762-4.3.1-03 (the copy) fails
#   accuracy  10,000 pps: RTT direct, through the relay, and through the
#             relay with --fwd-delay 1ms; prints the delay error (median,
#             p99) and the relay's own lateness. Reported, not asserted.
#   flood     100,000 pps of random datagrams for 3 s while a sender runs
#             through the relay: replies still come back and the relay's
#             RSS grows by less than 1 MiB.
# Exit 0 pass, 1 fail, 77 skip.
set -u
IPPM=$1
MODE=$2
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

dir=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    rm -rf "$dir"
}
trap cleanup EXIT

fail() {
    echo "FAIL ($MODE): $*" >&2
    for f in "$dir"/*.out "$dir"/*.err; do
        [ -s "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }
    done
    exit 1
}

free_port() {
    "$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() { # wait_for FILE PATTERN PID
    i=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "no '$2' in $1"
        kill -0 "$3" 2>/dev/null || fail "process for $1 exited"
        sleep 0.1
    done
}

start_reflector() {
    PORT=$(free_port)
    "$IPPM" stamp reflector --listen 127.0.0.1 --port "$PORT" --stateful \
        >"$dir/refl.out" 2>"$dir/refl.err" &
    RPID=$!
    pids="$pids $RPID"
    wait_for "$dir/refl.out" "listening on" "$RPID"
}

# start_relay NAME ARGS...: relay on LPORT to the reflector
start_relay() {
    name=$1
    shift
    LPORT=$(free_port)
    "$IPPM" relay --listen "127.0.0.1:$LPORT" --to "127.0.0.1:$PORT" --proto stamp \
        "$@" >"$dir/$name.out" 2>"$dir/$name.err" &
    LPID=$!
    pids="$pids $LPID"
    wait_for "$dir/$name.out" "listening on" "$LPID"
}

stop_relay() {
    kill -INT "$LPID"
    wait "$LPID"
    rc=$?
    [ $rc -eq 0 ] || fail "relay exit status $rc after SIGINT"
}

# sender NAME PORT COUNT INTERVAL [ARGS...]
sender() {
    name=$1 port=$2 count=$3 iv=$4
    shift 4
    "$IPPM" stamp sender 127.0.0.1 --port "$port" --count "$count" \
        --interval "$iv" --wait 1 --json "$dir/$name.json" "$@" \
        >"$dir/$name.out" 2>"$dir/$name.err"
    SRC=$?
}

pycheck() { # pycheck WHAT SCRIPT ARGS...
    what=$1
    shift
    "$PY" - "$@" || fail "$what"
}

mode_counts() {
    start_reflector
    T="$dir/truth.jsonl"
    start_relay relay --seed 5 --fwd-drop 3 --rev-drop 7 --rev-dup-list 10,12 \
        --truth "$T"
    [ -e "$T" ] && fail "truth file exists before the relay stopped"
    sender s "$LPORT" 30 0.01
    [ $SRC -eq 0 ] || fail "sender exit status $SRC"
    stop_relay
    [ -s "$T" ] || fail "no truth file"
    ls "$dir" | grep -q 'truth.jsonl.tmp' && fail "temporary truth file left"
    pycheck "sender and truth disagree" "$dir/s.json" "$T" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
recs = [json.loads(l) for l in open(sys.argv[2])]
summ = recs[-1]
assert summ.get("summary"), "no summary line"
ev = recs[:-1]
def pick(d, act):
    return sorted(r["seq"] for r in ev if r["dir"] == d and r["action"] == act)
fwd_drop, rev_drop = pick("fwd", "dropped"), pick("rev", "dropped")
rev_dup = pick("rev", "duplicated")
lost = sorted(p["seq"] for p in s["packets"] if p["state"] == "lost")
dups = sorted(p["seq"] for p in s["packets"] if p.get("duplicates", 0) > 0)
print("truth: fwd dropped seq %s, rev dropped seq %s, rev duplicated seq %s"
      % (fwd_drop, rev_drop, rev_dup))
print("sender: lost %s, duplicated %s, directional %s"
      % (lost, dups, s["directional_loss"]))
ok = (fwd_drop == [3] and len(rev_drop) == 1 and len(rev_dup) == 2
      and lost == sorted(fwd_drop + rev_drop) and dups == rev_dup
      and s["lost"] == 2 and s["duplicated"] == 2
      and s["directional_loss"] == {"forward": 1, "backward": 1, "unknown": 0}
      and summ["fwd"]["dropped"] == 1 and summ["rev"]["dropped"] == 1
      and summ["rev"]["duplicated"] == 2 and summ["fwd"]["received"] == 30
      and summ["rev"]["sent"] == 30)
sys.exit(0 if ok else 1)
PYEOF
    # The same seed decides the same: two runs with random loss.
    for run in 1 2; do
        start_relay "det$run" --seed 99 --loss 0.3 --fwd-dup 0.2 \
            --fwd-delay 200us --fwd-jitter 100us --truth "$dir/det$run.jsonl"
        sender "d$run" "$LPORT" 40 0.005
        stop_relay
    done
    pycheck "same seed, different actions" "$dir/det1.jsonl" "$dir/det2.jsonl" <<'PYEOF'
import json, sys
def acts(p):
    return [(r["idx"], r["action"], r.get("why"), r.get("copies"),
             r.get("delay_ns"), r.get("seq"))
            for r in map(json.loads, open(p))
            if not r.get("summary") and r["dir"] == "fwd"]
a, b = acts(sys.argv[1]), acts(sys.argv[2])
print("fwd actions, run 1: %d, identical in run 2: %s" % (len(a), a == b))
sys.exit(0 if a == b and len(a) == 40 else 1)
PYEOF
    # Whole or nothing: an unwritable --truth is a bad command line,
    # refused before the relay opens a socket; it creates nothing.
    "$IPPM" relay --listen "127.0.0.1:$(free_port)" --to "127.0.0.1:$PORT" \
        --truth "$dir/no/such/dir/t.jsonl" --duration 0.1 >/dev/null 2>"$dir/bad.err"
    [ $? -eq 2 ] || fail "unwritable --truth did not exit 2"
    [ "$(wc -l <"$dir/bad.err")" -eq 1 ] || fail "unwritable --truth: not one line"
    echo "relay counts: sender and truth file agree; same seed, same actions"
}

mode_mutate() {
    start_reflector
    start_relay m1 --mutate ttl=5 --mutate ss-errest=+0 --truth "$dir/m1.jsonl"
    sender m1 "$LPORT" 10 0.01
    stop_relay
    pycheck "ttl mutation not seen" "$dir/m1.json" "$dir/m1.jsonl" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
t = [json.loads(l) for l in open(sys.argv[2])][:-1]
ttls = {p["refl_ttl"] for p in s["packets"]}
mut = sum(r["action"] == "mutated" for r in t if r["dir"] == "rev")
print("reflected TTLs seen by the sender: %s; rev records mutated: %d" % (ttls, mut))
sys.exit(0 if ttls == {5} and s["received"] == 10 and mut == 10 else 1)
PYEOF
    # 4 octets short (40): a truncated TWAMP-Light-style reply still holds
    # the copied sequence number and the timestamps, so the sender measures
    # it and says the reflector is not STAMP-conformant (issue 9).
    start_relay m2 --mutate length=-4
    sender m2 "$LPORT" 10 0.01
    stop_relay
    [ $SRC -eq 0 ] || fail "sender did not measure 40-octet replies (exit $SRC)"
    grep -q "not STAMP-conformant" "$dir/m2.out" ||
        fail "sender did not say the 40-octet replies are not STAMP"
    pycheck "length mutation not seen" "$dir/m2.json" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
n = s.get("not_stamp_conformant", {})
print("replies 4 octets short: received %d, not_stamp_conformant %s" % (s["received"], n))
sys.exit(0 if s["received"] == 10 and n.get("short_replies") == 10 and n.get("reply_len_max") == 40 else 1)
PYEOF
    # 20 octets short (24): below the 28 that carry the copied sequence
    # number and the timestamps, so nothing can be measured.
    start_relay m3 --mutate length=-20
    sender m3 "$LPORT" 10 0.01
    stop_relay
    [ $SRC -eq 1 ] || fail "sender took 24-octet replies (exit $SRC)"
    pycheck "length mutation not seen" "$dir/m3.json" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
print("replies 20 octets short: received %d, dropped_by %s" % (s["received"], s["dropped_by"]))
sys.exit(0 if s["received"] == 0 and s["dropped_by"].get("IPPM_ERR_SHORT") == 10 else 1)
PYEOF
    echo "relay mutate: the sender sees every mutation"
}

# conform_cos NAME: grade the CoS cases through the relay on LPORT
conform_cos() {
    name=$1
    shift
    "$IPPM" conform stamp-reflector "127.0.0.1:$LPORT" --stateful \
        --only STAMP-8972-4.4 --json "$dir/$name.json" "$@" \
        >"$dir/$name.out" 2>"$dir/$name.err"
    CRC=$?
}

mode_dscp() {
    start_reflector
    start_relay d0
    conform_cos c0
    stop_relay
    [ $CRC -eq 0 ] || fail "CoS cases through a plain relay: exit $CRC"
    grep -q "STAMP-8972-4.4-0[23].*pass" "$dir/c0.out" ||
        fail "CoS DSCP cases did not pass through a plain relay"
    start_relay d1 --rev-remark-dscp 10 --truth "$dir/d1.jsonl"
    conform_cos c1
    stop_relay
    [ $CRC -eq 1 ] || fail "CoS cases through a remarking relay: exit $CRC"
    grep -q '"tos_out":40' "$dir/d1.jsonl" ||
        fail "truth file does not record the remark"
    grep -q -- "--path remark if so" "$dir/c1.out" ||
        fail "a remark failure does not name the path as a cause"
    # Declared: the cases the remark rewrites are n/a, with the reason.
    start_relay d2 --rev-remark-dscp 10
    conform_cos c2 --path remark
    stop_relay
    [ $CRC -eq 0 ] || fail "--path remark through a remarking relay: exit $CRC"
    grep -q "STAMP-8972-4.4-03.*n/a" "$dir/c2.out" ||
        fail "--path remark: STAMP-8972-4.4-03 not n/a"
    grep -q -- "--path remark" "$dir/c2.json" ||
        fail "--path remark: no reason in the JSON report"
    # An unknown path word is a usage error before any traffic.
    "$IPPM" conform stamp-reflector "127.0.0.1:$PORT" --path nat,wormhole \
        >/dev/null 2>"$dir/bad.err"
    [ $? -eq 2 ] || fail "--path wormhole did not exit 2"
    echo "relay dscp: CoS passes through the relay, fails with a remark," \
        "n/a with --path remark"
}

mode_pairing() {
    start_reflector
    start_relay p1 --mutate ss-seq=+1
    "$IPPM" conform stamp-reflector "127.0.0.1:$LPORT" --stateful \
        --only STAMP-8762-4.3.1-03,STAMP-8762-4.3.1-04 --json "$dir/p1.json" \
        >"$dir/p1.out" 2>"$dir/p1.err"
    CRC=$?
    stop_relay
    [ $CRC -eq 1 ] || fail "off-by-one copies: exit $CRC, expected 1"
    grep -q "STAMP-8762-4.3.1-03.*FAIL\|STAMP-8762-4.3.1-03.*fail" \
        "$dir/p1.out" || fail "STAMP-8762-4.3.1-03 did not fail"
    grep -q "STAMP-8762-4.3.1-04.*pass" "$dir/p1.out" ||
        fail "STAMP-8762-4.3.1-04 (Timestamp copy) did not pass"
    grep -q "no reply" "$dir/p1.out" && fail "a reply read as lost"
    grep -q "(0 matched no request)" "$dir/p1.out" ||
        fail "a reply matched no request"
    echo "relay pairing: off-by-one copies paired by content, graded as copies"
}

mode_accuracy() {
    start_reflector
    N=10000
    IV=0.0001
    sender direct "$PORT" $N $IV
    start_relay r0 --truth "$dir/r0.jsonl"
    sender via0 "$LPORT" $N $IV
    stop_relay
    start_relay r1 --fwd-delay 1ms --truth "$dir/r1.jsonl"
    sender via1 "$LPORT" $N $IV
    stop_relay
    grep "lateness" "$dir/r1.err"
    pycheck "accuracy run lost most packets" "$dir/direct.json" "$dir/via0.json" \
        "$dir/via1.json" "$dir/r1.jsonl" <<'PYEOF'
import json, sys
def rtts(p):
    s = json.load(open(p))
    return s, sorted(x["rtt_ms"] * 1e6 for x in s["packets"] if x["state"] == "received")
def q(v, f):
    return v[min(len(v) - 1, int(f * (len(v) - 1) + 0.5))]
d, rd = rtts(sys.argv[1])
z, rz = rtts(sys.argv[2])
o, ro = rtts(sys.argv[3])
summ = [json.loads(l) for l in open(sys.argv[4])][-1]
base = q(rd, 0.5)
err = sorted(abs(x - 1e6 - base) for x in ro)
err0 = sorted(abs(x - 1e6 - q(rz, 0.5)) for x in ro)
print("10,000 pps: received direct %d, via relay %d, via relay+1ms %d of %d"
      % (d["received"], z["received"], o["received"], o["sent"]))
print("RTT median: direct %.1f us, relay %.1f us, relay+1ms %.1f us"
      % (base / 1e3, q(rz, 0.5) / 1e3, q(ro, 0.5) / 1e3))
print("|RTT - 1ms - direct median|: median %.1f us, p99 %.1f us"
      % (q(err, 0.5) / 1e3, q(err, 0.99) / 1e3))
print("|RTT - 1ms - relay(0) median|: median %.1f us, p99 %.1f us"
      % (q(err0, 0.5) / 1e3, q(err0, 0.99) / 1e3))
# One host, one clock: the forward one-way delay is exact, and the delay
# is on the forward direction only.
fd = sorted(x["fwd_ms"] * 1e6 for x in d["packets"] if x["state"] == "received")
fo = sorted(abs(x["fwd_ms"] * 1e6 - 1e6 - q(fd, 0.5))
            for x in o["packets"] if x["state"] == "received")
print("|fwd one-way - 1ms - direct fwd median|: median %.1f us, p99 %.1f us"
      % (q(fo, 0.5) / 1e3, q(fo, 0.99) / 1e3))
for d in ("fwd", "rev"):
    l = summ["late_ns"][d]
    print("relay's %s lateness (send time - kernel arrival - delay): median"
          " %.1f us, p99 %.1f us, max %.1f us over %d sends"
          % (d, l["median"] / 1e3, l["p99"] / 1e3, l["max"] / 1e3, l["n"]))
sys.exit(0 if o["received"] > 0.9 * o["sent"] else 1)
PYEOF
}

rss_kb() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

mode_flood() {
    start_reflector
    start_relay flood
    sender warm "$LPORT" 20 0.01
    before=$(rss_kb "$LPID")
    "$PY" - "$LPORT" 3 100000 >"$dir/flood.out" 2>&1 <<'PYEOF' &
import os, random, socket, sys, time
port, secs, pps = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(4)]
blobs = [os.urandom(random.choice((1, 7, 43, 44, 200, 1400, 1472, 3000)))
         for _ in range(256)]
sent, t0 = 0, time.monotonic()
while True:
    now = time.monotonic() - t0
    if now >= secs:
        break
    target = int(now * pps) + 1000
    while sent < target:
        try:
            socks[sent & 3].sendto(blobs[sent & 255], ("127.0.0.1", port))
        except OSError:
            pass
        sent += 1
print("flood: %d datagrams in %.2f s (%.0f pps)" % (sent, secs, sent / secs))
PYEOF
    FPID=$!
    pids="$pids $FPID"
    sender during "$LPORT" 200 0.01
    wait "$FPID"
    after=$(rss_kb "$LPID")
    stop_relay
    cat "$dir/flood.out"
    grep "ippm relay:" "$dir/flood.err"
    echo "relay RSS: before ${before} kB, after ${after} kB"
    [ $((after - before)) -lt 1024 ] || fail "RSS grew by $((after - before)) kB"
    pycheck "sender got too few replies during the flood" "$dir/during.json" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
print("sender during the flood: %d sent, %d received" % (s["sent"], s["received"]))
sys.exit(0 if s["received"] >= s["sent"] // 2 else 1)
PYEOF
}

case "$MODE" in
counts) mode_counts ;;
mutate) mode_mutate ;;
dscp) mode_dscp ;;
pairing) mode_pairing ;;
accuracy) mode_accuracy ;;
flood) mode_flood ;;
*) echo "unknown mode $MODE" >&2; exit 2 ;;
esac
exit 0
