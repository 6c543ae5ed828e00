#!/usr/bin/python3
"""Writes the made-up OWAMP/TWAMP control captures of pcaps/owtw/ from the
control streams of the perfSONAR mode-O captures beside them, so that
ippm pcap check shows its cases failing on the wire (and its TCP
reassembly coping with odd segmentation). Each capture is one loopback
connection, handshake to FIN, messages in the order a real exchange sends
them; one field changed per capture, as named.

  owtw-twamp-segmented.pcap      conforming; 7-octet segments, one
                                 retransmitted, two out of order
  owtw-twamp-count512.pcap       greeting Count 512 (TWAMP-5357-3.1-03)
  owtw-twamp-startack-mbz.pcap   Start-Ack MBZ octet set (-3.7-02)
  owtw-twamp-no-accept.pcap      no Accept-Session, the server closes
                                 (TWAMP-5357-3.5-01)
  owtw-owamp-fetch-unfinished.pcap  Fetch-Ack Finished 0 with Next Seqno
                                 10 (OWAMP-4656-3.9-03)

usage: /usr/bin/python3 gen_owtw.py   (from pcaps/owtw; needs scapy)
Deterministic: the same output every run.
"""
import os
import struct
import sys

from scapy.all import IP, TCP, Ether, wrpcap  # type: ignore

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from extract_control import streams  # noqa: E402

# Message lengths in stream order (mode O), from RFC 4656 §3 / RFC 5357 §3.
TW_C = [164, 112, 32, 32]          # Set-Up, Request-TW, Start, Stop
TW_S = [64, 48, 48, 32]            # Greeting, Server-Start, Accept, Start-Ack
TW_ORDER = "SCSCSCSC"
OW_C = [164, 144, 144, 32, 64, 48]  # Set-Up, 2 Requests, Start, Stop, Fetch
OW_S = [64, 48, 48, 48, 32, 64, 32, 432]
OW_ORDER = "SCSCSCSCSSCCSS"


def cut(data, lens):
    out, off = [], 0
    for n in lens:
        out.append(bytearray(data[off:off + n]))
        off += n
    assert off == len(data), (off, len(data))
    return out


class Conn:
    """One TCP connection, 127.0.0.1:40000 -> 127.0.0.1:port."""

    def __init__(self, port):
        self.pkts, self.t = [], 1764000000.0
        self.seq = {"C": 1000, "S": 5000}
        self.port = port
        self.tcp("C", "S")
        self.tcp("S", "SA")
        self.tcp("C", "A")

    def frame(self, side, flags, payload=b"", seq=None):
        src, dst = ("127.0.0.1", "127.0.0.1")
        sp, dp = (40000, self.port) if side == "C" else (self.port, 40000)
        other = "S" if side == "C" else "C"
        p = (Ether() / IP(src=src, dst=dst, ttl=64) /
             TCP(sport=sp, dport=dp, flags=flags,
                 seq=self.seq[side] if seq is None else seq,
                 ack=self.seq[other]) / payload)
        self.t += 0.0005
        p.time = self.t
        self.pkts.append(p)

    def tcp(self, side, flags):
        self.frame(side, flags)
        if "S" in flags or "F" in flags:
            self.seq[side] += 1

    def send(self, side, data, seg=None, twist=False):
        """data in segments of seg octets (all at once when None); twist:
        the third segment retransmitted, the fourth and fifth swapped."""
        seg = seg or len(data)
        chunks = [(self.seq[side] + i, data[i:i + seg])
                  for i in range(0, len(data), seg)]
        if twist and len(chunks) > 5:
            chunks.insert(3, chunks[2])
            chunks[4], chunks[5] = chunks[5], chunks[4]
        for s, c in chunks:
            self.frame(side, "PA", bytes(c), seq=s)
        self.seq[side] += len(data)

    def close(self, side):
        self.tcp(side, "FA")
        self.tcp("S" if side == "C" else "C", "FA")


def play(port, c_msgs, s_msgs, order, seg=None, twist=False, stop_at=None):
    conn = Conn(port)
    ci = si = 0
    for i, side in enumerate(order):
        if stop_at is not None and i == stop_at:
            conn.close("S")
            return conn.pkts
        if side == "C":
            conn.send("C", c_msgs[ci], seg, twist)
            ci += 1
        else:
            conn.send("S", s_msgs[si], seg, twist)
            si += 1
    conn.close("C")
    return conn.pkts


def main():
    tc, ts = streams(os.path.join(here, "twamp-perfsonar-O.pcap"))
    oc, os_ = streams(os.path.join(here, "owamp-perfsonar-O.pcap"))

    def tw():
        return cut(tc, TW_C), cut(ts, TW_S)

    c, s = tw()
    wrpcap(os.path.join(here, "owtw-twamp-segmented.pcap"),
           play(862, c, s, TW_ORDER, seg=7, twist=True))
    c, s = tw()
    s[0][48:52] = struct.pack("!I", 512)
    wrpcap(os.path.join(here, "owtw-twamp-count512.pcap"),
           play(862, c, s, TW_ORDER))
    c, s = tw()
    s[3][5] = 1
    wrpcap(os.path.join(here, "owtw-twamp-startack-mbz.pcap"),
           play(862, c, s, TW_ORDER))
    c, s = tw()
    wrpcap(os.path.join(here, "owtw-twamp-no-accept.pcap"),
           play(862, c, s, TW_ORDER, stop_at=4))
    c, s = cut(oc, OW_C), cut(os_, OW_S)
    s[6][1] = 0                     # Finished 0
    wrpcap(os.path.join(here, "owtw-owamp-fetch-unfinished.pcap"),
           play(861, c, s, OW_ORDER))


main()
