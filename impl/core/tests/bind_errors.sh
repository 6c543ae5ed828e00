#!/bin/sh
# A port that cannot be bound (issue 11): one line, exit 3, naming the
# address and the port and what to do. A port in use everywhere; port 862
# without privilege when this runs as root and the unprivileged user
# stamptest exists (runuser), else that half is skipped.
#   bind_errors.sh IPPM
set -u
IPPM=$1
dir=$(mktemp -d)
hpid=
cleanup() {
    [ -n "$hpid" ] && kill "$hpid" 2>/dev/null && wait "$hpid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
failures=0

# refused WANT1 WANT2 CMD...: exit 3, one line on stderr holding both
refused() {
    w1=$1 w2=$2
    shift 2
    "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    lines=$(wc -l <"$dir/err")
    if [ $rc -eq 3 ] && [ "$lines" -eq 1 ] && grep -qF -- "$w1" "$dir/err" &&
        grep -qF -- "$w2" "$dir/err"; then
        echo "ok   $(cat "$dir/err")"
    else
        echo "FAIL [$rc, $lines lines, want '$w1' and '$w2'] $*"
        cat "$dir/err"
        failures=$((failures + 1))
    fi
}

# A UDP port held by another process.
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(60)
' >"$dir/port" &
hpid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ -s "$dir/port" ] && break
    sleep 0.1
done
p=$(cat "$dir/port")
refused "127.0.0.1:$p: Address already in use" "--port" \
    "$IPPM" stamp reflector --listen 127.0.0.1 --port "$p"
refused "127.0.0.1:$p: Address already in use" "--port" \
    "$IPPM" stamp reflector --listen "127.0.0.1:$p"
refused ":$p: Address already in use" "--port" \
    "$IPPM" stamp reflector --port "$p"
refused "127.0.0.1:$p: Address already in use" "--port" \
    "$IPPM" conform stamp-sender --listen 127.0.0.1 --port "$p" --timeout 0.1
refused "127.0.0.1:$p: Address already in use" "--listen" \
    "$IPPM" relay --listen "127.0.0.1:$p" --to 127.0.0.1:862

# Port 862 without privilege.
start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)
if [ "$(id -u)" -ne 0 ] || ! id stamptest >/dev/null 2>&1 ||
    ! command -v runuser >/dev/null || [ "$start" -le 862 ] ||
    ! runuser -u stamptest -- "$IPPM" --version >/dev/null 2>&1; then
    echo "skip port 862 without privilege: needs root, the user stamptest" \
        "and ip_unprivileged_port_start above 862"
else
    U="runuser -u stamptest --"
    refused "127.0.0.1:862: Permission denied" "CAP_NET_BIND_SERVICE" \
        $U "$IPPM" stamp reflector --listen 127.0.0.1
    refused ":862: Permission denied" "--port" $U "$IPPM" stamp reflector
    refused ":862: Permission denied" "--port" \
        $U "$IPPM" conform stamp-sender --timeout 0.1
    refused "127.0.0.1:800: Permission denied" "--listen" \
        $U "$IPPM" relay --listen 127.0.0.1:800 --to 127.0.0.1:862
fi

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "every refused bind named its address and port"
