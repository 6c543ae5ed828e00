#!/bin/sh
# `ippm relay` refuses impossible impairment specs with one line on stderr
# and exit status 2, before opening any socket.
#   relay_cli.sh IPPM
set -u
IPPM=$1
fails=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# refuse "ARGS..." : exit 2, exactly one line, starting "ippm: "
refuse() {
    "$IPPM" relay --listen 127.0.0.1:9 --to 127.0.0.1:862 "$@" >/dev/null 2>"$out"
    rc=$?
    lines=$(wc -l <"$out")
    if [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -q '^ippm: ' "$out"; then
        echo "FAIL: '$*': rc=$rc, $lines lines:" >&2
        cat "$out" >&2
        fails=$((fails + 1))
    fi
}

refuse --loss 1.5
refuse --loss -0.1
refuse --fwd-loss nan
refuse --rev-dup 2
refuse --corrupt 1.01
refuse --ge 0.1
refuse --ge 0.1,1.2
refuse --ge 0.1,0.2,0.3,0.4,0.5
refuse --delay -5ms
refuse --delay 5
refuse --fwd-jitter 1parsec
refuse --jitter-dist gamma
refuse --reorder 10:0
refuse --reorder 10
refuse --rate 0
refuse --rate -3
refuse --queue 5
refuse --rate 10 --queue 0
refuse --remark-dscp 64
refuse --rev-remark-dscp ef
refuse --rate 10 --queue 5000
refuse --drop 5,,6
refuse --fwd-drop x
refuse --dup-list -1
refuse --corrupt-offsets 70000
refuse --mutate ttl
refuse --mutate ttl=256
refuse --mutate nosuch=1
refuse --mutate hmac=flip
refuse --mutate-dir fwd --mutate ttl=5
refuse --mutate length=4
refuse --mutate-offset 3=zz
refuse --mutate-offset 3=abc
refuse --mutate-dir sideways
refuse --proto twamp
refuse --pool 1
refuse --seed x
refuse --bogus
refuse --listen nowhere
# A truth file that could never be renamed into place: refused while
# parsing (exit 2), not after the relay bound its sockets (issue 9).
tdir=$(mktemp -d)
refuse --truth "$tdir/no/such/dir/t.jsonl" --duration 0.1
refuse --truth "$tdir" --duration 0.1
refuse --truth "" --duration 0.1
[ -z "$(ls -A "$tdir")" ] || { echo "FAIL: --truth left $(ls -A "$tdir")" >&2; fails=$((fails + 1)); }
rm -rf "$tdir"
"$IPPM" relay --to 127.0.0.1:862 >/dev/null 2>"$out"
[ $? -eq 2 ] || { echo "FAIL: missing --listen accepted" >&2; fails=$((fails + 1)); }
"$IPPM" relay --help >/dev/null 2>&1 || { echo "FAIL: --help" >&2; fails=$((fails + 1)); }

[ $fails -eq 0 ] || exit 1
echo "relay CLI: every impossible spec refused"
