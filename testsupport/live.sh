# The start of every live shell test that runs children on loopback:
#   MODE=...; . "$(dirname "$0")/../../../testsupport/live.sh"
# PY is the Python with scapy when there is one; dir a fresh mktemp -d,
# removed at exit with every child whose pid was added to pids
# (pids="$pids $!"; live_forget PID once the test has waited for it
# itself). fail prints its words with MODE and every non-empty
# "$dir"/*.out and *.err, then exits 1. free_port prints a UDP port free
# on 127.0.0.1 now.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

dir=$(mktemp -d)
pids=
live_cleanup() {
    for p in $pids; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    rm -rf "$dir"
}
trap live_cleanup EXIT

live_forget() { # PID
    rest=
    for p in $pids; do
        [ "$p" = "$1" ] || rest="$rest $p"
    done
    pids=$rest
}

fail() {
    echo "FAIL ($MODE): $*" >&2
    for f in "$dir"/*.out "$dir"/*.err; do
        [ -s "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
    done
    exit 1
}

free_port() {
    "$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
