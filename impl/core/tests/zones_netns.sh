#!/bin/sh
# IPv6 link-local addresses with a zone (issue 11): two network namespaces
# joined by a veth pair, fe80::1 on vethA and fe80::2 on vethB. A
# reflector on fe80::2%vethB (and one on every address, which answers
# from the address a request went to, on its link) must answer a sender
# given fe80::2%vethA, [fe80::2%vethA]:PORT and the interface's index;
# so must bench load, the relay (both ends link-local) and ippm conform.
#   zones_netns.sh IPPM
# Skips (77) when not root or without `ip netns`; removes its namespaces
# whatever happens.
set -u
IPPM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # conform runs elsewhere
[ "$(id -u)" = 0 ] || { echo "skip: needs root for ip netns"; exit 77; }
command -v ip >/dev/null 2>&1 || { echo "skip: no ip command"; exit 77; }
A=ippm-zoneA-$$
B=ippm-zoneB-$$
dir=$(mktemp -d)
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    ip netns del "$A" 2>/dev/null
    ip netns del "$B" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
if ! ip netns add "$A" 2>/dev/null || ! ip netns add "$B" 2>/dev/null; then
    echo "skip: ip netns unavailable"
    exit 77
fi
inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }
set -e
inA ip link add vethA type veth peer name vethB netns "$B"
inA ip link set lo up
inB ip link set lo up
inA ip -6 addr add fe80::1/64 dev vethA nodad
inB ip -6 addr add fe80::2/64 dev vethB nodad
inA ip link set vethA up
inB ip link set vethB up
set +e
# The link comes up (carrier on both ends) a moment later: wait for it,
# as packets sent before are dropped.
for _ in $(seq 50); do
    [ "$(inA cat /sys/class/net/vethA/operstate)" = up ] &&
        [ "$(inB cat /sys/class/net/vethB/operstate)" = up ] && break
    sleep 0.1
done
idx=$(inA cat /sys/class/net/vethA/ifindex)

failures=0
# reflect ARGS...: a reflector in namespace B, in the background (ip
# netns exec becomes the reflector: $! is the process to stop)
reflect() {
    ip netns exec "$B" "$IPPM" stamp reflector "$@" >>"$dir/refl.out" \
        2>>"$dir/refl.err" &
    pids="$pids $!"
    sleep 0.3
}
# reaches ARGS...: a 3-packet sender run in namespace A gets every reply
reaches() {
    inA "$IPPM" stamp sender --count 3 --interval 1ms --wait 1s \
        --no-progress "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    if [ $rc -eq 0 ] && grep -q '3 sent, 3 received' "$dir/out"; then
        echo "ok   ippm stamp sender $*"
    else
        echo "FAIL [$rc] ippm stamp sender $*"
        cat "$dir/out" "$dir/err" "$dir/refl.err"
        failures=$((failures + 1))
    fi
}
# says RC TEXT ARGS...: the sender exits RC with TEXT on stderr
says() {
    want=$1 text=$2
    shift 2
    inA "$IPPM" stamp sender --count 1 --no-progress "$@" >"$dir/out" \
        2>"$dir/err"
    rc=$?
    if [ $rc -eq "$want" ] && grep -qF -- "$text" "$dir/err"; then
        echo "ok   [$rc] ippm stamp sender $*"
    else
        echo "FAIL [$rc, want $want '$text'] ippm stamp sender $*"
        cat "$dir/out" "$dir/err"
        failures=$((failures + 1))
    fi
}

# One address: the reflector's banner names it with its zone.
reflect --listen 'fe80::2%vethB' --port 18862 --stateful
grep -qF 'listening on [fe80::2%vethB]:18862' "$dir/refl.out" ||
    { echo "FAIL: banner without its zone"; cat "$dir/refl.out";
      failures=$((failures + 1)); }
# So does a bind that fails.
inB "$IPPM" stamp reflector --listen '[fe80::2%vethB]:18862' 2>"$dir/err"
rc=$?
if [ $rc -eq 3 ] &&
    grep -qF 'bind [fe80::2%vethB]:18862: Address already in use' "$dir/err"
then
    echo "ok   [3] a second reflector on [fe80::2%vethB]:18862"
else
    echo "FAIL [$rc] a second reflector on [fe80::2%vethB]:18862"
    cat "$dir/err"
    failures=$((failures + 1))
fi
reaches 'fe80::2%vethA' --port 18862
reaches '[fe80::2%vethA]:18862'
reaches "[fe80::2%$idx]:18862"
# bench load reads the same forms (it resolves the host again).
if inA "$IPPM" bench load '[fe80::2%vethA]:18862' --seconds 1 >"$dir/out" \
    2>"$dir/err"; then
    echo "ok   ippm bench load [fe80::2%vethA]:18862"
else
    echo "FAIL ippm bench load [fe80::2%vethA]:18862"
    cat "$dir/out" "$dir/err"
    failures=$((failures + 1))
fi
# --metrics takes the same forms: served on fe80::2%vethB, and its
# HTTP answers over the link; without a zone it is refused (2).
reflect --port 18864 --metrics '[fe80::2%vethB]:9100'
if inA /usr/bin/python3 -c '
import socket, sys
s = socket.create_connection(("fe80::2%vethA", 9100), timeout=5)
s.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
sys.exit(0 if b"ippm_stamp_reflector" in s.makefile("rb").read() else 1)'; then
    echo "ok   --metrics [fe80::2%vethB]:9100 answers over vethA"
else
    echo "FAIL --metrics [fe80::2%vethB]:9100"
    cat "$dir/refl.err"
    failures=$((failures + 1))
fi
inB "$IPPM" stamp reflector --port 18865 --metrics '[fe80::2]:9101' \
    2>"$dir/err"
rc=$?
if [ $rc -eq 2 ] && grep -qF "'fe80::2' is link-local" "$dir/err"; then
    echo "ok   [2] --metrics [fe80::2]:9101"
else
    echo "FAIL [$rc] --metrics [fe80::2]:9101"
    cat "$dir/err"
    failures=$((failures + 1))
fi
# The relay between two link-local addresses, each with its zone.
ip netns exec "$A" "$IPPM" relay --listen '[fe80::1%vethA]:18870' \
    --to '[fe80::2%vethA]:18862' >"$dir/relay.out" 2>&1 &
pids="$pids $!"
sleep 0.3
reaches '[fe80::1%vethA]:18870'
grep -qF 'listening on [fe80::1%vethA]:18870, relaying to [fe80::2%vethA]:18862' \
    "$dir/relay.out" ||
    { echo "FAIL: relay banner"; cat "$dir/relay.out";
      failures=$((failures + 1)); }
# ippm conform probes a reflector reached through its zone.
if (cd "$dir" && inA "$IPPM" conform stamp-reflector '[fe80::2%vethA]:18862' \
    >"$dir/out" 2>&1) && grep -q -- '-> PASS' "$dir/out"; then
    echo "ok   ippm conform stamp-reflector [fe80::2%vethA]:18862"
else
    echo "FAIL ippm conform stamp-reflector [fe80::2%vethA]:18862"
    tail -20 "$dir/out"
    failures=$((failures + 1))
fi
# Every address: replies leave from fe80::2 on vethB (IPV6_PKTINFO).
reflect --listen '[::]:18863'
reaches '[fe80::2%vethA]:18863'
# The sender's summary names the peer with its zone.
reaches '[fe80::2%vethA]:18862'
grep -qF '[fe80::2%vethA]:18862' "$dir/out" ||
    { echo "FAIL: no [fe80::2%vethA]:18862 in the summary"; cat "$dir/out";
      failures=$((failures + 1)); }
# Refusals: no zone (2), an interface that is not here (3), an empty
# zone (2), a zone on a global address (2), as the README shows them.
says 2 'is link-local: name its interface' 'fe80::2' --port 18862
says 3 "no interface 'vethB'" '[fe80::2%vethB]:18862'
says 2 'has an empty zone' 'fe80::2%' --port 18862
says 3 "no interface 'eth9' on this host (zone of 'fe80::2%eth9')" \
    'fe80::2%eth9' --port 18862
says 2 "'2001:db8::1%vethA': a zone (%IFNAME) goes only on an IPv6 link-local" \
    '2001:db8::1%vethA' --port 18862

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all zone forms reached the reflector"
