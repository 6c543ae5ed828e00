#!/bin/sh
# Issue 10 item 5: captures that check nothing never pass. Each input is
# written here; `ippm pcap check` (plain, --strict and --quiet) exits 3
# when no frame of the file can be read, 4 when the file reads but holds
# nothing to grade, and says why in one line on stderr:
#   empty.pcap       0 octets                                        3
#   cut-header.pcap  10 octets of the 24-octet file header           3
#   caplen-ff.pcap   a first record with caplen 0xffffffff           3
#   link-147.pcap    link type 147 (user 0), one frame               3
#   link-147-hdr     link type 147, header only                      3
#   header-only.pcap a raw-IP file header and no record              4
#   pcap_unreadable.sh IPPM
set -u
IPPM=$1
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
command -v "$PY" >/dev/null 2>&1 || { echo "no python3: skipped"; exit 77; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$PY" - "$dir" <<'PYEOF' || exit 1
import struct, sys
out = sys.argv[1]
def hdr(link):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, link)
# a STAMP request (RFC 8762 Figure 3) over IPv4/UDP to port 862
udp = struct.pack("!HHHH", 40000, 862, 52, 0) + struct.pack("!IQHH28x", 0,
                                                             0, 1, 0)
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64,
                 17, 0, bytes([192, 0, 2, 10]), bytes([192, 0, 2, 20])) + udp
def rec(p, caplen=None):
    n = len(p) if caplen is None else caplen
    return struct.pack("<IIII", 1767225600, 0, n, len(p)) + p
files = {
    "empty.pcap": b"",
    "cut-header.pcap": hdr(101)[:10],
    "caplen-ff.pcap": hdr(101) + rec(ip, 0xFFFFFFFF),
    "link-147.pcap": hdr(147) + rec(ip),
    "link-147-hdr.pcap": hdr(147),
    "header-only.pcap": hdr(101),
}
for name, data in files.items():
    with open(out + "/" + name, "wb") as f:
        f.write(data)
PYEOF

# expect FILE STATUS REASON: every way of running it exits STATUS (never
# 0) with REASON on one line of stderr, and no second line of stderr.
expect() {
    f=$1 want=$2 why=$3
    for opt in "" --strict --quiet; do
        # shellcheck disable=SC2086
        "$IPPM" pcap check "$dir/$f" $opt >"$dir/out" 2>"$dir/err"
        rc=$?
        [ $rc -eq "$want" ] || fail "$f $opt: exit $rc, expected $want"
        [ "$(wc -l <"$dir/err")" -eq 1 ] ||
            fail "$f $opt: $(wc -l <"$dir/err") lines on stderr: $(cat "$dir/err")"
        grep -q -- "$why" "$dir/err" || fail "$f $opt: no '$why': $(cat "$dir/err")"
    done
}
expect empty.pcap 3 "empty.pcap: .*file header"
expect cut-header.pcap 3 "cut-header.pcap: .*file header"
expect caplen-ff.pcap 3 "in the first record: no frame could be read"
expect link-147.pcap 3 "link type 147 is not one ippm decodes"
expect link-147-hdr.pcap 3 "link type 147 is not one ippm decodes"
expect header-only.pcap 4 "nothing graded: .*flows seen: none (no frame: the file holds only its header)"

# A MANIFEST line on an unreadable capture is a failure, never a match.
printf 'caplen-ff.pcap STAMP-8762-4.3-01 n/a\n' >"$dir/MANIFEST"
"$IPPM" pcap check --manifest "$dir/MANIFEST" >"$dir/out" 2>"$dir/err"
rc=$?
[ $rc -eq 3 ] || fail "manifest on an unreadable capture: exit $rc, expected 3"

[ $fails -eq 0 ] || exit 1
echo "ok"
