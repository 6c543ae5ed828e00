#!/bin/sh
# How much of the catalogue a live run reaches, and that the TLV cases can
# fail live.
#   conform_coverage.sh IPPM MODE
# MODE:
#   self    `ippm conform` (ippm's own implementations in every mode):
#           exit 0, no case fails, and every n/a case is one listed with
#           its reason in self_na.txt beside this script (measured as
#           root with UDP port 862 free); 3 more without port 862
#           (4.1-01, 4.1-02, 4.2.1-09) are not counted: their detail
#           says 862 could not be bound. Another n/a means a probe
#           stopped reaching its cases.
#   mutate  `ippm conform stamp-reflector` through `ippm relay` setting
#           U and M on the first TLV of every reply, in front of `ippm
#           stamp reflector`: exit 1, and the RFC 8972 §4 flag cases
#           (STAMP-8972-4-02, -4-05) fail.
#   ttl     `ippm conform stamp-reflector` through `ippm relay --mutate
#           ttl=64`, which writes one Ses-Sender TTL into every reply
#           while the prober sends base packets at TTL 64 and 63: the
#           advisory STAMP-8762-ADV-06 is not met and 4.3.1-06 fails
#           (exit 1). In self mode ADV-06 passes: the TTL change is
#           followed.
#   ssid    `ippm conform stamp-reflector --ssid-set 100,101` against
#           `ippm stamp reflector --ssid-set 100,101`: STAMP-8972-3-05
#           passes (the outsider SSID is discarded); against one
#           provisioned with none, it fails (exit 1).
#   notlv   `ippm conform stamp-reflector` against `ippm stamp reflector
#           --no-tlv` (TLVs copied as sent, as RFC 8972 §4 lets a
#           reflector without TLV support do): exit 0, no case fails, and
#           the TLV processing cases are n/a saying so.
#   hmac    `ippm conform stamp-reflector --hmac-key-file` against `ippm
#           stamp reflector --hmac-key-file` (open mode): the RFC 8972 §4.8
#           HMAC TLV cases pass: its HMAC TLV verifies, and a wrong one
#           comes back copied with I set.
# Exit 0 pass, 1 fail, 77 skip (no --no-tlv / --hmac-key-file here).
set -u
IPPM=$1
MODE=$2
NA_LIST=$(dirname "$0")/self_na.txt
# shellcheck source=testsupport/live.sh
. "$(dirname "$0")/../../../testsupport/live.sh"

# A JSON report's totals field ("na", "fail", ...).
total() {
    "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["totals"][sys.argv[2]])' "$1" "$2"
}

# A case's verdict in a JSON report.
verdict() {
    "$PY" -c '
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    if c["id"] == sys.argv[2]:
        print(c["verdict"])' "$1" "$2"
}

wait_for() { # FILE PID WHAT
    i=0
    while ! grep -q "$3" "$1" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "$3: not seen in $1"
        kill -0 "$2" 2>/dev/null || fail "exited before '$3'"
        sleep 0.1
    done
}

# `ippm stamp reflector` on a free port behind `ippm relay` with these
# options; LP is the relay's port.
relay_in_front() {
    RP=$(free_port)
    LP=$(free_port)
    "$IPPM" stamp reflector --listen 127.0.0.1 --port "$RP" \
        >"$dir/refl.out" 2>"$dir/refl.err" &
    rpid=$!
    pids="$pids $rpid"
    wait_for "$dir/refl.out" "$rpid" "listening on"
    "$IPPM" relay --listen "127.0.0.1:$LP" --to "127.0.0.1:$RP" "$@" \
        --duration 30 >"$dir/relay.out" 2>"$dir/relay.err" &
    lpid=$!
    pids="$pids $lpid"
    sleep 0.3
    kill -0 "$lpid" 2>/dev/null || fail "relay exited"
}

case $MODE in
self)
    (cd "$dir" && "$IPPM" conform --no-pcap --json "$dir/self.json" \
        >"$dir/self.out" 2>"$dir/self.err") || fail "ippm conform exit $?"
    # n/a for want of UDP port 862 (another test or service holds it)
    # says so in its detail and is not a probe that stopped reaching.
    na=$("$PY" -c '
import json, sys
known = {l.split()[0] for l in open(sys.argv[2])
         if l.strip() and not l.startswith("#")}
new = [c["id"] for c in json.load(open(sys.argv[1]))["cases"]
       if c["verdict"] == "n/a"
       and "could not listen on UDP port 862" not in c["detail"]
       and c["id"] not in known]
print(" ".join(new))' "$dir/self.json" "$NA_LIST")
    nf=$(total "$dir/self.json" fail)
    np=$(total "$dir/self.json" pass)
    [ "$nf" -eq 0 ] || fail "$nf cases fail against ippm's own implementations"
    [ -z "$na" ] ||
        fail "n/a and not in self_na.txt: $na (a live probe no longer reaches them)"
    v=$(verdict "$dir/self.json" STAMP-8762-ADV-06)
    [ "$v" = pass ] || fail "STAMP-8762-ADV-06 is '$v' (expected pass: the prober varies the TTL)"
    echo "PASS: $np pass, $nf fail, every n/a case listed in self_na.txt"
    ;;
mutate)
    relay_in_front --mutate-offset 44=c0
    "$IPPM" conform stamp-reflector "127.0.0.1:$LP" --json "$dir/mut.json" \
        >"$dir/mut.out" 2>"$dir/mut.err"
    rc=$?
    [ $rc -eq 1 ] || fail "conform through the mutating relay exit $rc (expected 1)"
    for id in STAMP-8972-4-02 STAMP-8972-4-05; do
        v=$(verdict "$dir/mut.json" $id)
        [ "$v" = fail ] || fail "$id is '$v' with U and M set on reflected TLVs (expected fail)"
    done
    echo "PASS"
    ;;
ttl)
    relay_in_front --mutate ttl=64
    "$IPPM" conform stamp-reflector "127.0.0.1:$LP" --only STAMP-8762 \
        --json "$dir/ttl.json" >"$dir/ttl.out" 2>"$dir/ttl.err"
    rc=$?
    [ $rc -eq 1 ] || fail "conform through the TTL-writing relay exit $rc (expected 1)"
    v=$(verdict "$dir/ttl.json" STAMP-8762-ADV-06)
    case $v in warn | fail) ;; *) fail "STAMP-8762-ADV-06 is '$v' with a constant Ses-Sender TTL (expected warn)" ;; esac
    v=$(verdict "$dir/ttl.json" STAMP-8762-4.3.1-06)
    [ "$v" = fail ] || fail "STAMP-8762-4.3.1-06 is '$v' with a constant Ses-Sender TTL (expected fail)"
    echo "PASS"
    ;;
ssid)
    for prov in "--ssid-set 100,101" ""; do
        RP=$(free_port)
        # shellcheck disable=SC2086
        "$IPPM" stamp reflector --listen 127.0.0.1 --port "$RP" $prov \
            >"$dir/refl.out" 2>"$dir/refl.err" &
        rpid=$!
        pids="$pids $rpid"
        wait_for "$dir/refl.out" "$rpid" "listening on"
        "$IPPM" conform stamp-reflector "127.0.0.1:$RP" --ssid-set 100,101 \
            --only STAMP-8972-3 --json "$dir/ss.json" >"$dir/ss.out" \
            2>"$dir/ss.err"
        rc=$?
        v=$(verdict "$dir/ss.json" STAMP-8972-3-05)
        want="0 pass"
        [ -n "$prov" ] || want="1 fail"
        [ "$rc $v" = "$want" ] ||
            fail "reflector '$prov': exit $rc, 3-05 '$v' (expected $want)"
        kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
    done
    echo "PASS"
    ;;
notlv)
    "$IPPM" stamp reflector --help 2>&1 | grep -q -- --no-tlv ||
        { echo "no ippm stamp reflector --no-tlv: skipped"; exit 77; }
    RP=$(free_port)
    "$IPPM" stamp reflector --listen 127.0.0.1 --port "$RP" --no-tlv \
        >"$dir/refl.out" 2>"$dir/refl.err" &
    rpid=$!
    pids="$rpid"
    wait_for "$dir/refl.out" "$rpid" "listening on"
    "$IPPM" conform stamp-reflector "127.0.0.1:$RP" --json "$dir/nt.json" \
        >"$dir/nt.out" 2>"$dir/nt.err" || fail "conform exit $?"
    nf=$(total "$dir/nt.json" fail)
    [ "$nf" -eq 0 ] || fail "$nf cases fail against a reflector without TLVs"
    for id in STAMP-8972-4-02 STAMP-8972-4-03 STAMP-9503-4.1.1-01; do
        v=$(verdict "$dir/nt.json" $id)
        [ "$v" = n/a ] || fail "$id is '$v' without TLV support (expected n/a)"
    done
    echo "PASS"
    ;;
hmac)
    "$IPPM" stamp reflector --help 2>&1 | grep -q -- --hmac-key-file ||
        { echo "no ippm stamp reflector --hmac-key-file: skipped"; exit 77; }
    printf 'an HMAC TLV key for conform\n' >"$dir/key"
    chmod 600 "$dir/key"
    RP=$(free_port)
    "$IPPM" stamp reflector --listen 127.0.0.1 --port "$RP" \
        --hmac-key-file "$dir/key" >"$dir/refl.out" 2>"$dir/refl.err" &
    rpid=$!
    pids="$rpid"
    wait_for "$dir/refl.out" "$rpid" "listening on"
    "$IPPM" conform stamp-reflector "127.0.0.1:$RP" --hmac-key-file "$dir/key" \
        --json "$dir/hk.json" >"$dir/hk.out" 2>"$dir/hk.err" ||
        fail "conform exit $?"
    for id in STAMP-8972-4.8-04 STAMP-8972-4.8-06 STAMP-8972-4.8-07 \
        STAMP-8972-4.8-08; do
        v=$(verdict "$dir/hk.json" $id)
        [ "$v" = pass ] || fail "$id is '$v' with the reflector's key (expected pass)"
    done
    echo "PASS"
    ;;
*) echo "unknown mode $MODE" >&2; exit 2 ;;
esac
