#!/usr/bin/env python3
"""Writes fuzz seeds cut from STAMP captures (STYLE.md, "Tests, pcaps, fuzz").

Reads ../shared/pcaps-reference/stamp-*.pcap beside the repository (or $IPPM_SHARED/...),
their copies in pcaps/reference/, and
pcaps/stamp/*.pcap when present, and writes each seed under its sha256
into fuzz/corpus/<target>/ (committed: CI fuzzes from what is there and
never rewrites it):

  fuzz_stamp_sender_pkt_decode     every UDP payload, plus a copy cut one
  fuzz_stamp_reflector_pkt_decode  octet short and a copy padded to the
                                   authenticated length (112)
  fuzz_stamp_reflector_handle      per capture and flow, the sender's
                                   packets as records (layout in
                                   fuzz_stamp_reflector_handle.c) under a
                                   few flag octets, each with TLVs off,
                                   on, and every option on
  fuzz_stamp_twl                   TWAMP-Light requests and replies of
                                   pcaps/twamp/*.pcap under each flag
  fuzz_rmbt_request                each RMBT request from its source, under
  fuzz_rmbt_reply                  0/1/3 secrets and the window's edges;
                                   each reply, and base64 tokens
  fuzz_pcap_read                   frames of every reference capture,
                                   as captured (Ethernet) and re-wrapped
                                   as raw IP, DLT_NULL and Linux SLL, and
                                   the small capture files whole (layout
                                   in fuzz_pcap_read.c)

Run with Debian's python (scapy): /usr/bin/python3 fuzz/seed_from_pcaps.py
Idempotent: same captures, same files.
"""
import glob
import hashlib
import os
import socket
import struct
import sys

from scapy.all import UDP, PcapReader, RawPcapReader  # Debian python3-scapy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("IPPM_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
OUT = os.path.join(ROOT, "fuzz", "corpus")

BASE, AUTH_BASE = 44, 112


def captures():
    pats = [os.path.join(SHARED, "pcaps-reference", "stamp-*.pcap"),
            os.path.join(os.path.dirname(ROOT), "shared", "pcaps-reference",
                         "stamp-*.pcap"),
            os.path.join(ROOT, "pcaps", "reference", "stamp-*.pcap"),
            os.path.join(ROOT, "pcaps", "stamp", "*.pcap")]
    seen, out = set(), []
    for pat in pats:
        for f in sorted(glob.glob(pat)):
            real = os.path.realpath(f)
            # the reference captures may be found twice: shared/ and the
            # copies in pcaps/reference/
            ref = "pcaps-reference" in f or "/reference/" in f
            key = os.path.basename(f) if ref else real
            if key in seen:
                continue
            seen.add(key)
            out.append(real)
    return out


def flows(path):
    """{flow: [(is_sender_to_reflector, payload)]}, the sender being the
    side that spoke first."""
    res = {}
    first = {}
    try:
        with PcapReader(path) as rd:
            for p in rd:
                if UDP not in p:
                    continue
                u = p[UDP]
                ip = p.payload
                a = (str(getattr(ip, "src", "")), u.sport)
                b = (str(getattr(ip, "dst", "")), u.dport)
                key = tuple(sorted([a, b]))
                first.setdefault(key, a)
                res.setdefault(key, []).append((a == first[key],
                                                bytes(u.payload)))
    except Exception as e:  # a capture that is not STAMP or is broken
        print(f"seed: skip {path}: {e}", file=sys.stderr)
    return res


def write(target, blob, made):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha256(blob).hexdigest()
    p = os.path.join(d, name)
    if not os.path.exists(p):
        with open(p, "wb") as f:
            f.write(blob)
        made[target] = made.get(target, 0) + 1


# fuzz_stamp_reflector_handle's cfg octet [1]: no TLVs (RFC 8762 only),
# TLVs, and every TLV and source option with the reply in place.
HANDLE_CFGS = (0x00, 0x01, 0xFB)


def write_handle(flags, body, made):
    """One seed per HANDLE_CFGS: flags, cfg, then body (records, after the
    prefill count when flags has bit 7)."""
    for cfg in HANDLE_CFGS:
        write("fuzz_stamp_reflector_handle",
              bytes([flags[0], cfg]) + bytes(flags[1:]) + body, made)


def records(pkts, step_ms=1, peer=1, ttl=64):
    out = b""
    for pl in pkts:
        out += struct.pack(">BBBH", peer, ttl, step_ms, len(pl)) + pl
    return out


# Selector octets of fuzz_pcap_read.c's link table.
SEL = {"en10mb": 1, "raw": 2, "null": 0, "sll": 6}


def reader_seeds(made, frames_per_file=2, whole_max=8 * 1024):
    t = "fuzz_pcap_read"
    pats = [os.path.join(SHARED, "pcaps-reference", "*.pcap"),
            os.path.join(ROOT, "pcaps", "stamp", "*.pcap")]
    for pat in pats:
        for f in sorted(glob.glob(pat)):
            if os.path.getsize(f) <= whole_max:
                write(t, b"\x80" + open(f, "rb").read(), made)
            try:
                rd = RawPcapReader(f)
            except Exception as e:
                print(f"seed: skip {f}: {e}", file=sys.stderr)
                continue
            if rd.linktype != 1:
                rd.close()
                continue
            for i, (frame, _meta) in enumerate(rd):
                if i >= frames_per_file:
                    break
                write(t, bytes([SEL["en10mb"], 0]) + frame, made)
                # a frame cut by the snap length: the wire was longer
                write(t, bytes([SEL["en10mb"], 40]) + frame[:-40], made)
                if len(frame) < 14:
                    continue
                etype, ip = frame[12:14], frame[14:]
                write(t, bytes([SEL["raw"], 0]) + ip, made)
                fam = 2 if etype == b"\x08\x00" else 10
                write(t, bytes([SEL["null"], 0]) + struct.pack("<I", fam) + ip,
                      made)
                sll = struct.pack(">HHH8s", 0, 772, 6, bytes(8)) + etype
                write(t, bytes([SEL["sll"], 0]) + sll + ip, made)
            rd.close()


def twl_seeds(made):
    """fuzz_stamp_twl: the first requests and replies of each TWAMP-Light
    capture (pcaps/twamp), under each flag octet of the harness
    (stateless, stateful, symmetrical, in place)."""
    for f in sorted(glob.glob(os.path.join(ROOT, "pcaps", "twamp",
                                           "*.pcap"))):
        pls = []
        for pkt in PcapReader(f):
            if UDP in pkt:
                pls.append(bytes(pkt[UDP].payload))
        for pl in pls[:4] + pls[-2:]:
            for flags in (0, 1, 2, 5):
                write("fuzz_stamp_twl", bytes([flags]) + pl, made)


# fuzz_rmbt_request's header: flags, clock offset from the token's time
# (seconds), then the source address (16 octets).
RMBT_OFFSETS = (0, 14400, 14401, -30, -31)


def rmbt_seeds(made):
    """fuzz_rmbt_request: each request of the RMBT captures from its real
    source, under 0, 1 and 3 secrets and the window's edges;
    fuzz_rmbt_reply: each reply, and the notes' base64 tokens."""
    pats = [os.path.join(SHARED, "pcaps-reference", "rmbt-*.pcap"),
            os.path.join(ROOT, "pcaps", "reference", "rmbt-*.pcap"),
            os.path.join(ROOT, "pcaps", "rmbt", "*.pcap")]
    for pat in pats:
        for f in sorted(glob.glob(pat)):
            for pkt in PcapReader(f):
                if UDP not in pkt:
                    continue
                pl, ip = bytes(pkt[UDP].payload), pkt[UDP].underlayer
                if pkt[UDP].sport in (444, 44444, 44445):
                    write("fuzz_rmbt_reply", pl, made)
                    continue
                v6 = ip.version == 6
                src = socket.inet_pton(socket.AF_INET6 if v6 else
                                       socket.AF_INET, ip.src)
                src = src + bytes(16 - len(src))
                for n in (0, 1, 3):
                    for off in RMBT_OFFSETS:
                        flags = n | (4 if v6 else 0)
                        write("fuzz_rmbt_request", bytes([flags]) +
                              struct.pack(">i", off) + src + pl, made)
    for tok in ("ZVPxAEzErM6+VBk3ePy2iA==", "ZVPxAEzErM6+VBk3mplrcA==",
                "ZVPxAEzErM6+VBk3ePy2iA"):
        write("fuzz_rmbt_reply", tok.encode(), made)


def main():
    made = {}
    caps = captures()
    if not caps:
        print("seed: no STAMP captures found", file=sys.stderr)
        return 1
    reader_seeds(made)
    for cap in caps:
        for pkts in flows(cap).values():
            # the first few of each direction: later ones differ only in
            # field values, which the decoders treat alike
            firsts = [pl for s, pl in pkts if s and pl][:3] + \
                     [pl for s, pl in pkts if not s and pl][:3]
            for pl in firsts:
                for t in ("fuzz_stamp_sender_pkt_decode",
                          "fuzz_stamp_reflector_pkt_decode"):
                    write(t, pl, made)
                    write(t, pl[:-1], made)
                    if len(pl) < AUTH_BASE:
                        write(t, pl + bytes(AUTH_BASE - len(pl)), made)
            req = [pl for s, pl in pkts if s and pl]
            if not req:
                continue
            req = req[:8]
            auth = [pl + bytes(max(0, AUTH_BASE - len(pl))) for pl in req]
            # open: stateless, stateful, reply_to_short, PTP, small tx
            for flags in (0x00, 0x02, 0x04, 0x08, 0x20):
                write_handle([flags], records(req), made)
            # a short request, both with and without reply_to_short
            for flags in (0x00, 0x04):
                write_handle([flags], records([req[0][:BASE - 1]]), made)
            # auth with HMACs fixed up by the harness, stateless/stateful
            for flags in (0x11, 0x13, 0x01):
                write_handle([flags], records(auth), made)
            # two peers interleaved, then a TIMER (stateful, short timeout)
            two = records(req[::2], peer=1) + records(req[1::2], peer=2)
            two += struct.pack(">BBBH", 0x80, 0, 200, 0)
            two += records(req[:2], peer=3)
            write_handle([0x42], two, made)
            # a full session table: prefill, then the capture's packets
            write_handle([0x82, 200], records(req[:4]), made)
    twl_seeds(made)
    rmbt_seeds(made)
    for t in sorted(made):
        print(f"seed: {t}: {made[t]} new")
    if not made:
        print("seed: corpus already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
