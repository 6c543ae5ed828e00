#!/bin/sh
# Issue 9, "Nothing graded is never a pass": `ippm pcap check` on captures
# with no STAMP or TWAMP-Light test traffic exits 4 (IPPM_EXIT_NOTHING),
# with --strict too, and says why with the flows it saw; a capture of two
# flows names each in its failures; a capture cut right after a request
# does not fail "valid request got no reply". Issue 10 item 5: files of
# which no frame can be read (empty, a cut file header, a first record
# with caplen 0xffffffff, a link type ippm does not decode) exit 3 with
# the reason in one line; a header-only file exits 4.
#   pcap_nothing_graded.sh IPPM CORPUS_DIR
set -u
IPPM=$1
CORPUS=$2
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null 2>&1 || { echo "no python3: skipped"; exit 77; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# Captures written here with the standard library only: DNS-like UDP
# (12 octets, shorter than any test packet) and TCP; and no frame at all.
"$PY" - "$dir" <<'PYEOF' || exit 1
import struct, sys
out = sys.argv[1]

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    return (~(s + (s >> 16))) & 0xFFFF

def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000,
                    64, proto, 0, bytes(src), bytes(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload

def udp(sp, dp, data):
    return struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data

def tcp(sp, dp):
    return struct.pack("!HHIIBBHHH", sp, dp, 1, 0, 0x50, 0x02, 65535, 0, 0)

T0 = 1767225600

def pcap(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
        for i, p in enumerate(pkts):
            f.write(struct.pack("<IIII", T0 + i, 0, len(p), len(p)))
            f.write(p)

a, b = [10, 0, 0, 1], [10, 0, 0, 2]
pkts = []
for i in range(3):
    pkts.append(ipv4(a, b, 17, udp(5000, 53, bytes(12))))
    pkts.append(ipv4(b, a, 17, udp(53, 5000, bytes(10))))
pkts.append(ipv4(a, b, 6, tcp(40000, 443)))
pcap(out + "/no-test-traffic.pcap", pkts)
pcap(out + "/empty.pcap", [])
# Conforming STAMP requests (RFC 8762 Figure 3), one a second, never
# answered, and the capture runs on: one direction captured.
c, r = [192, 0, 2, 10], [192, 0, 2, 20]
reqs = [ipv4(c, r, 17, udp(40000, 862, struct.pack(
    "!IQHH28x", n, (T0 + n + 2208988800) << 32, 1, 0))) for n in range(3)]
reqs.append(ipv4(a, b, 17, udp(5000, 53, bytes(12))))
reqs.append(ipv4(a, b, 17, udp(5000, 53, bytes(12))))
pcap(out + "/requests-only.pcap", reqs)
# Files with no frame to read: written octet by octet.
def hdr(link):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, link)
def rec(p, caplen):
    return struct.pack("<IIII", T0, 0, caplen, len(p)) + p
for name, data in {
    "zero-octets.pcap": b"",
    "cut-header.pcap": hdr(101)[:10],
    "caplen-ff.pcap": hdr(101) + rec(reqs[0], 0xFFFFFFFF),
    "link-147.pcap": hdr(147) + rec(reqs[0], len(reqs[0])),
    "link-147-hdr.pcap": hdr(147),
}.items():
    with open(out + "/" + name, "wb") as f:
        f.write(data)
PYEOF

# check FILE [OPTIONS...]: exit 4, and the reason on stderr
nothing() {
    f=$1
    shift
    "$IPPM" pcap check "$f" "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    [ $rc -eq 4 ] || fail "$(basename "$f") $*: exit $rc, expected 4"
    grep -q "nothing graded: no STAMP or TWAMP-Light exchange found" \
        "$dir/err" || fail "$(basename "$f") $*: no reason on stderr"
    grep -q -- "-> NOTHING GRADED" "$dir/out" ||
        fail "$(basename "$f") $*: totals line does not say NOTHING GRADED"
}
nothing "$dir/no-test-traffic.pcap"
grep -q "flows seen: 10.0.0.1:5000 -> 10.0.0.2:53 (3 datagrams, 12-12 octets), 10.0.0.2:53 -> 10.0.0.1:5000 (3 datagrams, 10-10 octets)" \
    "$dir/err" || fail "no-test-traffic: flows seen not listed: $(cat "$dir/err")"
nothing "$dir/no-test-traffic.pcap" --strict
nothing "$dir/no-test-traffic.pcap" --quiet --json "$dir/r.json"
grep -q '"result": *"pass"' "$dir/r.json" && fail "JSON says pass"
nothing "$dir/empty.pcap"
grep -q "flows seen: none (no frame: the file holds only its header)" \
    "$dir/err" || fail "empty: $(cat "$dir/err")"
nothing "$dir/empty.pcap" --strict

# unreadable FILE REASON: plain, --strict and --quiet exit 3 (the file
# cannot be read), REASON alone on stderr.
unreadable() {
    f=$1 why=$2
    for opt in "" --strict --quiet; do
        # shellcheck disable=SC2086
        "$IPPM" pcap check "$dir/$f" $opt >"$dir/out" 2>"$dir/err"
        rc=$?
        [ $rc -eq 3 ] || fail "$f $opt: exit $rc, expected 3"
        [ "$(wc -l <"$dir/err")" -eq 1 ] ||
            fail "$f $opt: not one line on stderr: $(cat "$dir/err")"
        grep -q -- "$why" "$dir/err" || fail "$f $opt: no '$why': $(cat "$dir/err")"
    done
}
unreadable zero-octets.pcap "zero-octets.pcap: .*file header"
unreadable cut-header.pcap "cut-header.pcap: .*file header"
unreadable caplen-ff.pcap "in the first record: no frame could be read"
unreadable link-147.pcap "link type 147 is not one ippm decodes"
unreadable link-147-hdr.pcap "link type 147 is not one ippm decodes"
# A MANIFEST line on an unreadable capture fails, never matches.
printf 'caplen-ff.pcap STAMP-8762-4.3-01 n/a\n' >"$dir/MANIFEST"
"$IPPM" pcap check --manifest "$dir/MANIFEST" >/dev/null 2>&1
rc=$?
[ $rc -eq 3 ] || fail "MANIFEST on an unreadable capture: exit $rc, expected 3"

# Requests and no reply at all: the reflector cannot be graded (a
# closed port looks the same), the sender can.
nothing "$dir/requests-only.pcap"
grep -q "reflector port 862: 3 requests, 0 replies" "$dir/err" ||
    fail "requests only: $(cat "$dir/err")"
"$IPPM" pcap check "$dir/requests-only.pcap" --role sender >"$dir/out" 2>&1
rc=$?
[ $rc -eq 0 ] || { fail "requests only, --role sender: exit $rc"; cat "$dir/out"; }

# Two flows: each graded, the failing one named in the detail.
"$IPPM" pcap check "$CORPUS/stamp-two-flows.pcap" >"$dir/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "two flows: exit $rc, expected 1"
grep -q "^flows graded: 2$" "$dir/out" || fail "two flows: not counted"
grep -q "^    192.0.2.10:40000 -> 192.0.2.20:862 (3 requests, 3 replies)$" \
    "$dir/out" || fail "two flows: the first not listed"
grep -q "^    192.0.2.10:40001 -> 192.0.2.20:862 (3 requests, 3 replies)$" \
    "$dir/out" || fail "two flows: the second not listed"
# The table heads each flow's rows.
grep -q "^-- flow 1 of 2: 192.0.2.10:40000 -> 192.0.2.20:862, 3 requests, 3 replies$" \
    "$dir/out" || fail "two flows: no head for the first flow's rows"
grep -q "^-- flow 2 of 2: 192.0.2.10:40001 -> 192.0.2.20:862, 3 requests, 3 replies$" \
    "$dir/out" || fail "two flows: no head for the second flow's rows"
grep -q "^    192.0.2.10:40001 -> 192.0.2.20:862: seq 0: Ses-Sender TTL 63" \
    "$dir/out" || fail "two flows: the failing flow is not named"
grep -q "^    192.0.2.10:40000 -> 192.0.2.20:862: " "$dir/out" &&
    fail "two flows: the conforming flow failed"

"$IPPM" pcap check --quiet "$CORPUS/stamp-two-flows.pcap" \
    --json "$dir/two.json" >/dev/null 2>&1
tr -d ' \n' <"$dir/two.json" | grep -q '"flows":\[{"sender":"192.0.2.10:40000","reflector":"192.0.2.20:862","requests":3,"replies":3},{"sender":"192.0.2.10:40001",' ||
    fail "two flows: the JSON report does not list them"

# A capture cut right after a request: no false "got no reply".
"$IPPM" pcap check "$CORPUS/stamp-cut-after-request.pcap" >"$dir/out" 2>&1
rc=$?
[ $rc -eq 0 ] || { fail "cut after request: exit $rc"; cat "$dir/out"; }
grep -q "in flight: 1 requests" "$dir/out" ||
    fail "cut after request: in-flight request not reported"

# A STAMP sender against a 38-octet TWAMP-Light responder: never a pass.
"$IPPM" pcap check --quiet "$CORPUS/stamp-twamp-light-38.pcap" >/dev/null 2>&1
rc=$?
[ $rc -ne 0 ] || fail "38-octet TWAMP-Light replies: exit 0"

[ $fails -eq 0 ] || exit 1
echo "ok"
