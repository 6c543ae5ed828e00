#!/usr/bin/env python3
"""Writes fuzz seeds for the OWAMP/TWAMP test-packet targets, cut from the
perfSONAR captures (../shared/pcaps-reference/{owamp,twamp}-perfsonar-*.pcap
beside the repository, or $IPPM_SHARED/pcaps-reference), each under its
sha256 in fuzz/corpus/<target>/ (committed; CI fuzzes from what is there):

  fuzz_owtw_sender_pkt_decode      every test-packet UDP payload
  fuzz_twamp_reflector_pkt_decode  the same payloads
  fuzz_twamp_reflector_handle      each capture's first packets under a
                                   few option octets, and plaintext
                                   packets of 14/48 octets (+ padding)
                                   whose first octet asks the target to
                                   seal them (layout in the target)
  fuzz_owamp_records_decode        the 10 Fetch-Session records of
                                   owamp-perfsonar-O.pcap (count octet
                                   first), and small skip-range lists
  fuzz_owamp_receiver_take         sessions of 10 packets in each mode
                                   (layout in the target)
  fuzz_owamp_sender_handle         sender runs: on time, late past the
                                   Timeout, stopped early (layout in the
                                   target)

Run with Debian's python (scapy): /usr/bin/python3 fuzz/seed_owtw.py
Idempotent: same captures, same files.
"""
import glob
import hashlib
import os
import struct

from scapy.all import UDP, TCP, Raw, rdpcap  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("IPPM_SHARED", os.path.join(ROOT, "..", "shared"))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def put(target, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha256(data).hexdigest()), "wb") as f:
        f.write(data)


def captures():
    return sorted(glob.glob(os.path.join(SHARED, "pcaps-reference",
                                         "*amp-perfsonar-*.pcap")))


def test_payloads(path):
    """UDP payloads of the test sessions, with the sender's first."""
    out = []
    for p in rdpcap(path):
        if UDP in p and Raw in p:
            out.append(bytes(p[Raw].load))
    return out


def fetch_records(path):
    segs = {}
    for p in rdpcap(path):
        if TCP in p and p[TCP].sport == 18610 and Raw in p:
            segs[p[TCP].seq] = bytes(p[Raw].load)
    data = b"".join(segs[k] for k in sorted(segs))
    return data[-272:-16]


def sender_plain(seq, ts, mode, pad=b""):
    if mode == 1:
        return struct.pack(">IQH", seq, ts, 1) + pad
    return (struct.pack(">I12xQH6x", seq, ts, 1) + bytes(16) + pad)


def main():
    for path in captures():
        for i, pl in enumerate(test_payloads(path)):
            put("fuzz_owtw_sender_pkt_decode", pl)
            put("fuzz_twamp_reflector_pkt_decode", pl)
            # the first exchange of each capture is enough for the machine
            if i < 2 and len(pl) in (14, 41, 48, 75):
                for opt in (0x00, 0x03, 0x04, 0x51):
                    put("fuzz_twamp_reflector_handle", bytes([opt]) + pl)
        if path.endswith("owamp-perfsonar-O.pcap"):
            put("fuzz_owamp_records_decode", bytes([10]) + fetch_records(path))
    ts = 0xeeb14c6c5986a8fc
    for mode in (1, 2, 4):
        for pad in (b"", bytes(range(27)), bytes(range(64))):
            pkt = sender_plain(0x80000000, ts, mode, pad)
            for opt in (0x00, 0x01, 0x02, 0x29):
                put("fuzz_twamp_reflector_handle", bytes([opt]) + pkt)
        m = {1: 0, 2: 1, 4: 2}[mode]
        for seal, nxt, skip in ((0x80, 10, 255), (0x80, 10, 5), (0, 12, 3)):
            s = bytes([m | seal, nxt, skip])
            for k in (0, 3, 1, 2, 4, 6, 7, 9, 9):
                p = sender_plain(k, ts + k * 0x0ccccccc, mode)
                s += bytes([len(p)]) + p
            put("fuzz_owamp_receiver_take", s)
    for mode in (0, 1, 2):
        # 10 packets, 0.05 s exp slots (13/256 s), Timeout 1 s
        put("fuzz_owamp_sender_handle",
            bytes([mode, 13, 13, 9, 15, 0x48]) + bytes([4] * 40))
        # fixed 0.5 s and exp slots, late start: a burst then skips
        put("fuzz_owamp_sender_handle",
            bytes([mode | 4, 0x80 | 64, 32, 20, 7, 3]) + bytes([200, 1, 1, 1,
                                                               0xfe, 30, 0xff]))
    put("fuzz_owamp_records_decode", bytes([0]))
    put("fuzz_owamp_records_decode",
        bytes([3]) + struct.pack(">6I", 0, 9, 12, 12, 20, 30) + bytes(8))
    put("fuzz_owamp_records_decode",
        bytes([2]) + struct.pack(">4I", 5, 9, 9, 12))


if __name__ == "__main__":
    main()
