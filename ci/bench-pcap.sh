#!/usr/bin/env bash
# Speed of `ippm pcap check` against the size of the capture (issue 10
# item 4): replies are matched to requests through a hash index, so the
# time per packet must stay flat from 10 k to 1 M exchanges.
#
# Writes captures of N conforming STAMP exchanges (RFC 8762 Figures 2 and
# 4: a 44-octet request every 10 us, its stateless reply 5 us later, one
# flow, IPv4 raw link type) with /usr/bin/python3 and struct (no scapy),
# or, with SHAPE, captures a hostile peer could hand over: garbled (every
# reply copies neither the number nor the Timestamp), unanswered (requests
# 100 ns apart, none answered: all in flight at the end), flows (each
# exchange on a flow of its own; memory grows with the flows, so keep N
# small);
# times `ippm pcap check --quiet` on each (CPU time, user + system, as
# wait4(2) reports it, best of ROUNDS: on a shared machine the wall clock
# measures the neighbours), and prints the time per packet and the ratio
# of the largest size's to the smallest's (goal: flat, ratio under 1.5-2).
#
# usage: ci/bench-pcap.sh [BUILD_DIR|IPPM_BINARY] [SIZES...]
#        (build; 10000 100000 1000000)
# ROUNDS=N (default 1) runs each size N times and keeps the fastest.
# SHAPE=conforming (default) | garbled | unanswered | flows.
# IPPM=PATH measures another binary (a pre-change one). Not a test: the
# ctest pcap_bench_smoke only runs it at a small size to see it works.
# Exit 0, 1 when a check does not exit 0, 77 when it cannot run.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
rounds=${ROUNDS:-1}
shape=${SHAPE:-conforming}
case $shape in conforming|garbled|unanswered|flows) ;;
*) echo "bench-pcap: SHAPE $shape: conforming, garbled, unanswered or flows" >&2
   exit 2 ;;
esac
case $build in /*) ;; *) build=$root/$build ;; esac
ippm=${IPPM:-$build/ippm}
[ -f "$build" ] && ippm=$build
[ -x "$ippm" ] || { echo "bench-pcap: no $ippm" >&2; exit 77; }
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
command -v "$PY" >/dev/null 2>&1 || { echo "bench-pcap: no python3" >&2; exit 77; }

tmp=$(mktemp -d /tmp/ippm-bench-pcap.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# gen N FILE: N exchanges of SHAPE, records packed with struct.
gen() {
    "$PY" - "$1" "$2" "$shape" <<'PYEOF'
import struct, sys
n, path, shape = int(sys.argv[1]), sys.argv[2], sys.argv[3]
NTP = 2208988800
T0 = 1767225600  # 2026-01-01, Unix seconds

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    return (~(s + (s >> 16))) & 0xFFFF

def ip_udp(src, dst, sp, dp, plen):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + plen, 0, 0x4000, 64, 17,
                    0, bytes(src), bytes(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + struct.pack("!HHHH", sp, dp, 8 + plen, 0)

snd, refl = [192, 0, 2, 10], [192, 0, 2, 20]
hdrs = (ip_udp(snd, refl, 40000, 862, 44), ip_udp(refl, snd, 862, 40000, 44))
EE = 0x8001                      # S = 1, Multiplier 1 (RFC 4656 §4.1.2)
req_pkt = struct.Struct("!IQH30x")                  # RFC 8762 Figure 2
rep_pkt = struct.Struct("!IQHHQIQHHB3x")            # RFC 8762 Figure 4
rec = struct.Struct("<IIII")
frame = 28 + 44

def ntp(ns):
    s, f = divmod(ns, 1000000000)
    return ((s + T0 + NTP) << 32) | ((f << 32) // 1000000000)

with open(path, "wb", buffering=1 << 20) as f:
    f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 101))
    w = f.write
    for i in range(n):
        t = i * (100 if shape == "unanswered" else 10000)
        ts = ntp(t)
        if shape == "flows":     # a source address and port per exchange
            s4 = [10, (i >> 16) & 255, (i >> 8) & 255, i & 255]
            hdrs = (ip_udp(s4, refl, 40000, 862, 44),
                    ip_udp(refl, s4, 862, 40000, 44))
        w(rec.pack(T0 + t // 1000000000, t % 1000000000, frame, frame))
        w(hdrs[0])
        w(req_pkt.pack(i, ts, EE))
        if shape == "unanswered":
            continue
        ss, sts = (0xDEADBEEF, 0x1111111111111111) if shape == "garbled" \
            else (i, ts)
        r = t + 5000
        w(rec.pack(T0 + r // 1000000000, r % 1000000000, frame, frame))
        w(hdrs[1])
        w(rep_pkt.pack(i, ntp(t + 3000), EE, 0, ntp(t + 2000), ss, sts, EE,
                       0, 64))
PYEOF
}

# run FILE: the CPU seconds one check takes, on stdout; its exit status.
run() {
    "$PY" - "$ippm" "$1" "$tmp/out" "$tmp/err" <<'PYEOF'
import os, sys
out = os.open(sys.argv[3], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
err = os.open(sys.argv[4], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
pid = os.fork()
if pid == 0:
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.execv(sys.argv[1], [sys.argv[1], "pcap", "check", "--quiet",
                           sys.argv[2]])
_, status, ru = os.wait4(pid, 0)
print("%.6f" % (ru.ru_utime + ru.ru_stime))
sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)
PYEOF
}

printf 'shape: %s\n| exchanges | packets | CPU s | us/packet |\n|---:|---:|---:|---:|\n' "$shape"
first_pp= last_pp= bad=0
for n in "${sizes[@]}"; do
    f=$tmp/stamp-$n.pcap
    gen "$n" "$f" || { echo "bench-pcap: cannot write $f" >&2; exit 77; }
    best=
    for _ in $(seq "$rounds"); do
        s=$(run "$f")
        rc=$?
        # a hostile shape fails cases or grades nothing: that is its point
        if [ $rc -ne 0 ] && [ "$shape" = conforming ]; then
            echo "bench-pcap: $n exchanges: exit $rc" >&2
            cat "$tmp/out" "$tmp/err" >&2
            bad=1
        fi
        if [ -z "$best" ] || [ "$(echo "$s < $best" | bc -l)" = 1 ]; then
            best=$s
        fi
    done
    pk=$((2 * n))
    [ "$shape" = unanswered ] && pk=$n
    pp=$(echo "$best * 1000000 / $pk" | bc -l)
    printf '| %d | %d | %.4f | %.3f |\n' "$n" "$pk" "$best" "$pp"
    [ -n "$first_pp" ] || first_pp=$pp
    last_pp=$pp
    rm -f "$f"
done
printf 'ratio of time per packet, %s / %s exchanges: %.2f\n' \
    "${sizes[${#sizes[@]}-1]}" "${sizes[0]}" \
    "$(echo "$last_pp / $first_pp" | bc -l)"
exit $bad
