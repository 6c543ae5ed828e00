#!/usr/bin/env python3
"""Writes fuzz seeds for the UDPing targets, cut from the real program's
captures (../shared/pcaps-reference/udping-*.pcap beside the repository,
or $IPPM_SHARED/pcaps-reference), each under its sha256 in
fuzz/corpus/<target>/ (committed; CI fuzzes from what is there):

  fuzz_udping_decode       the first payloads of each port, each also cut
                           one octet short, with a wrong size field, a
                           wrong version, and as a 2017 (legacy) header
  fuzz_udping_server_take  runs of each capture's payloads in arrival
                           order (layout in fuzz/fuzz_udping_server.h):
                           whole with a 2 s keepalive, in a table of one
                           session with and without early reports, and
                           with a flush in the middle
  fuzz_udping_legacy       the same runs rewritten in the 2017 format,
                           with a control packet closing each guid

Run with Debian's python (scapy): /usr/bin/python3 fuzz/seed_udping.py
Idempotent: same captures, same files.
"""
import glob
import os
import struct
import sys

from scapy.all import UDP, PcapReader  # Debian python3-scapy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_from_pcaps import write  # noqa: E402  (one corpus writer)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("IPPM_SHARED",
                        os.path.join(os.path.dirname(ROOT), "shared"))
SERVER_PORT = 6000


def payloads(path):
    """[(time, sport, payload)] of the datagrams sent to the server."""
    out = []
    with PcapReader(path) as rd:
        for p in rd:
            if UDP in p and p[UDP].dport == SERVER_PORT:
                out.append((float(p.time), p[UDP].sport,
                            bytes(p[UDP].payload)))
    return out


def legacy_of(runs):
    """The v1 payloads rewritten as the 2017 client would send them: seq
    from 1 per guid, size at least 65, and a control packet (seq = pings
    + 1) when a port's guid changes."""
    out, sent, last = [], {}, {}
    for t, sport, pl in runs:
        guid = pl[16:37]
        prev = last.get(sport)
        if prev is not None and prev != guid:
            ctl = prev + bytes(3) + struct.pack("<iii", 1, sent[prev] + 1, 0)
            ctl += bytes(4) + bytes(16) + struct.pack("<i", 64) + bytes(4)
            out.append((t, sport, ctl))
        last[sport] = guid
        sent[guid] = sent.get(guid, 0) + 1
        size = max(65, len(pl) - 8)
        sec, nsec = struct.unpack("<qq", pl[48:64])
        hdr = guid + bytes(3) + struct.pack("<iii", 0, sent[guid], 1)
        hdr += bytes(4) + struct.pack("<qqi", sec, nsec, size) + bytes(4)
        out.append((t, sport, hdr + bytes(size - 64)))
    return out


def run(cfg0, cfg1, pkts, flush_at=None):
    """A record stream for fuzz_udping_server.h."""
    blob = bytes([cfg0, cfg1])
    prev = pkts[0][0] if pkts else 0
    for i, (t, sport, pl) in enumerate(pkts):
        step = min(254, max(0, int(round((t - prev) * 1000))))
        prev = t
        peer = ((sport - 5000) & 0x3f) << 2
        blob += struct.pack(">BBH", peer, step, len(pl)) + pl
        if flush_at is not None and i == flush_at:
            blob += struct.pack(">BBH", 0, 254, 0)
    return blob


def decode_seeds(pkts, made):
    t = "fuzz_udping_decode"
    seen = set()
    for _, sport, pl in pkts:
        if sport in seen:
            continue
        seen.add(sport)
        write(t, pl, made)
        write(t, pl[:-1], made)
        write(t, pl[:72], made)  # size field says more
        write(t, b"\x02" + pl[1:], made)
        bad = bytearray(pl)
        bad[36] = 0x41  # guid not terminated
        write(t, bytes(bad), made)
    for _, _, pl in legacy_of(pkts)[:6]:
        write(t, pl, made)


def main():
    made = {}
    # shared/ beside the repository, or beside a worktree's parent
    caps = []
    for base in (SHARED, os.path.join(os.path.dirname(os.path.dirname(ROOT)),
                                      "shared")):
        caps = sorted(glob.glob(os.path.join(base, "pcaps-reference",
                                             "udping-*.pcap")))
        if caps:
            break
    if not caps:
        print("seed: no UDPing captures found", file=sys.stderr)
        return 1
    for cap in caps:
        pkts = payloads(cap)
        if not pkts:
            continue
        decode_seeds(pkts, made)
        # keepalive 2 s is 2000 ms > 31 * 8: the largest the harness
        # octet gives (248 ms) with an 8-session table, all runs cut to
        # keep seeds small
        some = pkts[:60]
        for name, conv in (("fuzz_udping_server_take", lambda x: x),
                           ("fuzz_udping_legacy", legacy_of)):
            rs = conv(some)
            write(name, run(0xFF, 1, rs), made)
            write(name, run(0x07, 0, rs, flush_at=len(rs) // 2), made)
            write(name, run(0x00, 1, rs), made)  # one slot: evictions
            write(name, run(0x00, 0, rs), made)  # one slot, no reports
            write(name, run(0x0F, 1, conv(pkts[-40:])), made)
    for t in sorted(made):
        print(f"seed: {t}: {made[t]} new")
    if not made:
        print("seed: corpus already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
