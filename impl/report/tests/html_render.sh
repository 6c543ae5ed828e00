#!/bin/sh
# The HTML reports, checked the way a person would: write one, open it in
# headless Chromium, take a screenshot and look at it (png_check.py): not
# blank, and the plots and badges are there in their colours.
#   html_render.sh IPPM MODE [SOURCE_DIR]
# MODE sender: `ippm stamp sender --html` against `ippm stamp reflector`
#   on loopback, through a relay that loses, reorders and duplicates, so
#   the loss ticks and reorder rings must show.
# MODE conform: `ippm conform --html` (ippm's own reflector).
# MODE pcap: `ippm pcap check --html` on a capture of the corpus.
# Exit 0 pass, 1 fail, 77 skip (no chromium).
set -u
IPPM=$1
MODE=$2
SRC=${3:-}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
HERE=$(cd "$(dirname "$0")" && pwd)
CHROMIUM=
for c in chromium chromium-browser google-chrome; do
    command -v "$c" >/dev/null 2>&1 && { CHROMIUM=$c; break; }
done
[ -n "$CHROMIUM" ] || { echo "no chromium: skipped"; exit 77; }

dir=$(mktemp -d)
rpid=
ppid_=
cleanup() {
    [ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
    [ -n "$ppid_" ] && kill "$ppid_" 2>/dev/null && wait "$ppid_" 2>/dev/null
    # keep the evidence of a failure for a person to look at
    [ -n "${KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT

fail() {
    echo "FAIL ($MODE): $*" >&2
    for f in "$dir"/*.out "$dir"/*.err; do
        [ -s "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }
    done
    KEEP=1
    echo "files kept in $dir" >&2
    exit 1
}

free_port() {
    "$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Self-contained: no script, and nothing a browser would fetch (the SVG
# namespace is a name, not a request).
check_html() {
    f=$1
    [ -s "$f" ] || fail "no HTML written"
    grep -qi '<script' "$f" && fail "HTML has a script"
    grep -Eio '(src|href)="[a-z]+:[^"]*"' "$f" | grep -q . &&
        fail "HTML refers to something outside: $(grep -Eio '(src|href)="[a-z]+:[^"]*"' "$f" | head -1)"
    grep -qi '@import\|url(' "$f" && fail "HTML style loads something"
    grep -q '</html>' "$f" || fail "HTML is cut short"
    n=$(grep -o '<svg' "$f" | wc -l)
    [ "$n" -ge "$2" ] || fail "HTML has $n plots, expected $2"
}

render() {
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --hide-scrollbars \
        --user-data-dir="$dir/profile" --screenshot="$2" \
        --window-size="$3" "file://$1" >"$dir/chromium.out" 2>&1
    [ -s "$2" ] || fail "chromium wrote no screenshot"
}

case "$MODE" in
sender)
    PORT=$(free_port)
    "$IPPM" stamp reflector --listen 127.0.0.1 --port "$PORT" \
        >"$dir/refl.out" 2>"$dir/refl.err" &
    rpid=$!
    i=0
    while ! grep -q "listening on" "$dir/refl.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "reflector did not start"
        sleep 0.1
    done
    # The relay drops every 15th request, holds every 20th reply back
    # until the next one has gone (reordering) and sends every 33rd twice.
    LPORT=$(free_port)
    "$PY" - "$LPORT" "$PORT" "$dir/relay.ready" >"$dir/relay.out" 2>&1 <<'PYEOF' &
import select, socket, sys
lport, rport, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
front.bind(("127.0.0.1", lport))
back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
back.connect(("127.0.0.1", rport))
open(ready, "w").close()
client, fwd, bwd, held = None, 0, 0, None
while True:
    r, _, _ = select.select([front, back], [], [])
    if front in r:
        data, client = front.recvfrom(65535)
        fwd += 1
        if fwd % 15 != 0:
            back.send(data)
    if back in r:
        data = back.recv(65535)
        bwd += 1
        if bwd % 20 == 0:
            held = data
            continue
        front.sendto(data, client)
        if bwd % 33 == 0:
            front.sendto(data, client)
        if held:
            front.sendto(held, client)
            held = None
PYEOF
    ppid_=$!
    i=0
    while [ ! -e "$dir/relay.ready" ]; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "relay did not start"
        sleep 0.1
    done
    "$IPPM" stamp sender 127.0.0.1 --port "$LPORT" --count 150 \
        --interval 0.01 --wait 0.5 --html "$dir/r.html" \
        >"$dir/sender.out" 2>"$dir/sender.err" || fail "sender exit $?"
    grep -q " lost (" "$dir/sender.out" || fail "no summary"
    cr=$(printf '\r')
    grep -q "$cr" "$dir/sender.err" "$dir/sender.out" &&
        fail "progress line drawn on a pipe"
    check_html "$dir/r.html" 3
    lost=$(sed -n 's/.* received, \([0-9]*\) lost (.*/\1/p' "$dir/sender.out")
    [ "${lost:-0}" -ge 10 ] || fail "the relay lost 10, the sender saw ${lost:-none}"
    grep -q "lost ($lost)" "$dir/r.html" || fail "legend does not count $lost lost"
    grep -q 'reordered (' "$dir/r.html" || fail "no reordered marks"
    grep -q 'duplicated (' "$dir/r.html" || fail "no duplicate marks"
    render "$dir/r.html" "$dir/r.png" 1280,2000
    # RTT blue, forward green, backward purple, lost red, reordered orange
    "$PY" "$HERE/png_check.py" "$dir/r.png" 200 rtt=#1f77b4:2000 \
        forward=#2ca02c:100 backward=#9467bd:1000 lost=#d62728:100 \
        reordered=#ff7f0e:50 || fail "screenshot check"
    ;;
conform)
    cd "$dir" || fail "cd"
    "$IPPM" conform --no-pcap --html "$dir/r.html" --json "$dir/r.json" \
        --junit "$dir/r.xml" >"$dir/conform.out" 2>"$dir/conform.err" ||
        fail "conform exit $?"
    check_html "$dir/r.html" 2
    # every case has a row, a link and the text it links to
    n=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["cases"]))' "$dir/r.json")
    [ "$(grep -c 'href="#quote-' "$dir/r.html")" -eq "$n" ] || fail "not $n section links"
    [ "$(grep -c 'class="q" id="quote-' "$dir/r.html")" -eq "$n" ] || fail "not $n quotes"
    grep -q 'id="quote-STAMP-8762-4.3.1-03"' "$dir/r.html" || fail "no quote anchor"
    # Following a section link opens the folded requirement text (a
    # screenshot of the scrolled page comes out blank in headless mode, so
    # ask the DOM).
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync \
        --user-data-dir="$dir/profile" --dump-dom \
        "file://$dir/r.html#quote-STAMP-8762-4.3.1-03" >"$dir/dom.html" \
        2>"$dir/chromium.out"
    grep -q '<details class="quotes" open' "$dir/dom.html" ||
        fail "a section link does not open the requirement text"
    render "$dir/r.html" "$dir/r.png" 1280,3200
    # pass badges green, n/a grey, the RTT plot blue
    "$PY" "$HERE/png_check.py" "$dir/r.png" 200 pass=#1e8e3e:1000 \
        na=#8a93a3:300 rtt=#1f77b4:1000 || fail "screenshot check"
    ;;
pcap)
    [ -n "$SRC" ] || fail "needs SOURCE_DIR"
    "$IPPM" pcap check "$SRC/pcaps/stamp/stamp-bad-copy-seq.pcap" \
        --html "$dir/r.html" >"$dir/pcap.out" 2>"$dir/pcap.err"
    [ $? -eq 1 ] || fail "pcap check of a bad capture did not exit 1"
    check_html "$dir/r.html" 2
    grep -q 'class="b fail">FAIL<' "$dir/r.html" || fail "no FAIL badge"
    render "$dir/r.html" "$dir/r.png" 1280,3200
    "$PY" "$HERE/png_check.py" "$dir/r.png" 200 pass=#1e8e3e:1000 \
        fail=#d62728:300 rtt=#1f77b4:500 || fail "screenshot check"
    ;;
*)
    fail "unknown mode"
    ;;
esac
echo "PASS ($MODE)"
