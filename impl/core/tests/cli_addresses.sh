#!/bin/sh
# Every command takes an address as people type it (issue 11): HOST,
# HOST:PORT, [V6]:PORT and a bare V6 for the peer, ADDR, [V6] and
# [V6]:PORT for --listen. Each form must reach a reflector on loopback.
#   cli_addresses.sh IPPM
set -u
IPPM=$1
dir=$(mktemp -d)
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    rm -rf "$dir"
}
trap cleanup EXIT
failures=0
free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# reflect ARGS...: a reflector in the background
reflect() {
    "$IPPM" stamp reflector --quiet "$@" 2>"$dir/refl.err" &
    pids="$pids $!"
    sleep 0.3
}
# reaches ARGS...: a 2-packet sender run gets both replies
reaches() {
    "$IPPM" stamp sender --count 2 --interval 1ms --wait 500ms --no-progress \
        "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    if [ $rc -eq 0 ] && grep -q '2 sent, 2 received' "$dir/out"; then
        echo "ok   ippm stamp sender $*"
    else
        echo "FAIL [$rc] ippm stamp sender $*"
        cat "$dir/out" "$dir/err"
        failures=$((failures + 1))
    fi
}

p4=$(free_port)
reflect --listen "127.0.0.1:$p4"
reaches "127.0.0.1:$p4"
reaches 127.0.0.1 --port "$p4"
reaches "127.0.0.1:$p4" --port "$p4"
# A name: localhost may come out as ::1 or 127.0.0.1, so every address.
pw=$(free_port)
reflect --port "$pw"
reaches "localhost:$pw"
p4b=$(free_port)
reflect --listen 127.0.0.1 --port "$p4b"
reaches "127.0.0.1:$p4b"

if [ -e /proc/net/if_inet6 ] && /usr/bin/python3 -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))' 2>/dev/null; then
    p6=$(free_port)
    reflect --listen "[::1]:$p6"
    reaches "[::1]:$p6"
    reaches ::1 --port "$p6"
    reaches "[::1]" --port "$p6"
    p6b=$(free_port)
    reflect --listen '[::1]' --port "$p6b"
    reaches "[::1]:$p6b"
    p6c=$(free_port)
    reflect --listen ::1 --port "$p6c"
    reaches "[::1]:$p6c"
    # The relay takes the same forms.
    pr=$(free_port)
    "$IPPM" relay --listen "[::1]:$pr" --to "127.0.0.1:$p4" --quiet &
    pids="$pids $!"
    sleep 0.3
    reaches "[::1]:$pr"
    # bench too: one datagram in flight, for a second.
    pb=$(free_port)
    "$IPPM" bench echo --listen "[::1]:$pb" --seconds 2 >"$dir/echo" &
    pids="$pids $!"
    sleep 0.3
    if "$IPPM" bench load "[::1]:$pb" --seconds 1 --window 1 --batch 1 \
        >"$dir/load" 2>&1 && grep -q '"received":[1-9]' "$dir/load"; then
        echo "ok   ippm bench load [::1]:$pb"
    else
        echo "FAIL ippm bench load [::1]:$pb"
        cat "$dir/load"
        failures=$((failures + 1))
    fi
else
    echo "skip IPv6 forms: no ::1 here"
fi

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "every address form reached its reflector"
