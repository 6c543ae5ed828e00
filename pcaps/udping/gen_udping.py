#!/usr/bin/python3
"""Writes the UDPing capture corpus (../shared/notes/udping.md) and its
MANIFEST.

Run with Debian's python3 (it has python3-scapy):

    /usr/bin/python3 pcaps/udping/gen_udping.py [OUTDIR]

Version-1 datagrams are built here with struct from the notes' §1 table,
not with ippm's encoder, so the corpus is a third opinion on the format.
Frames are what the original client sends (notes §3): Ethernet, IPv4 ID 0
without DF, TTL 255, right checksums, from three source ports to port
6000, a packet every 20 ms in turn, -i 2 with one guid rollover; two
captures hold the 2017 format's (notes §8) with its control packets. Some
captures add the statsd datagrams (notes §6) a receiver sent about the
sessions, 20 us of latency after the capture saw each datagram. Each
non-conforming capture breaks one rule. Every time and value is fixed:
two runs write the same files byte for byte (the file format is
pcaps/stamp/gen_stamp.py's).

MANIFEST lines are `file case-id expected [ippm pcap check options]`;
case IDs are those of conformance/cases/udping.c. The two reference
captures of the real program (reference/, copied from
shared/pcaps-reference/) get their expectations at the end.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "stamp"))
from gen_stamp import LINK_EN10MB, write  # noqa: E402
from scapy.all import IP, UDP, Raw  # noqa: E402

NS = 10**9
B = 1795607126          # an interval boundary of -i 2
START = B - 5           # clientStartTime
PORTS = (5000, 5001, 5002)
DPORT = 6000
STATSD_PORT, TAGGED_PORT = 8125, 8126
HOST = "127.0.0.1"
N = 96                  # datagrams: 32 a port, 16 each side of B
LAT_NS = 20000          # the receiver's clock reads 20 us after the capture

SENDER_CASES = ["UDPING-1-%02d" % i for i in range(1, 14)] + \
    ["UDPING-2-01", "UDPING-2-02", "UDPING-2-03", "UDPING-3-01",
     "UDPING-3-02", "UDPING-3-03", "UDPING-4-01"]
LEGACY_CASES = ["UDPING-8-01", "UDPING-8-02", "UDPING-8-03", "UDPING-8-04"]
RECEIVER_CASES = ["UDPING-5-01", "UDPING-5-02", "UDPING-5-03", "UDPING-5-04",
                  "UDPING-6-01", "UDPING-6-02"]


def guid(port, interval):
    """20 lowercase hex characters, one per port and interval."""
    return ("%08x%04x%08x" % (0x3a7c91e0 + port, 0x1d00 + interval,
                              (port * 7919 + interval * 104729) & 0xffffffff))


def header(ver, start, g, seq, sec, nsec, size):
    """Notes §1: the x86_64 struct, little-endian, padding zero."""
    return struct.pack("<B7xq21s3xI4xqqI4x", ver, start, g.encode() + b"\0",
                       seq, sec, nsec, size)


class Stream:
    """Three ports of one conforming client; each knob breaks one rule."""

    def __init__(self):
        self.dgrams = []  # [sent_ns, port, seq, guid, length, payload]
        t0 = (B - 1) * NS + 20 * 10**6
        for i in range(N):
            port = PORTS[i % 3]
            sent = t0 + i * 20 * 10**6
            length = 72 + (i * 37) % 229
            self.dgrams.append({"sent": sent, "cap": sent + 30000,
                                "port": port, "seq": 100 + i // 3,
                                "guid": guid(port, int(sent >= B * NS)),
                                "len": length, "ver": 1, "start": START,
                                "size": None, "pad": b"", "fill": 0,
                                "ttl": 255, "ipsum": None, "udpsum": None,
                                "nsec": None})

    def frames(self):
        out = []
        for d in self.dgrams:
            sec, nsec = divmod(d["sent"], NS)
            if d["nsec"] is not None:
                nsec = d["nsec"]
            size = d["len"] if d["size"] is None else d["size"]
            p = bytearray(header(d["ver"], d["start"], d["guid"], d["seq"],
                                 sec, nsec, size))
            p += bytes([d["fill"]]) * (d["len"] - 72)
            for off, v in d["pad"]:
                p[off] = v
            p = bytes(p[:d["len"]])
            ip = IP(src=HOST, dst=HOST, ttl=d["ttl"], id=0, flags=0) / \
                UDP(sport=d["port"], dport=DPORT) / Raw(p)
            if d["ipsum"] is not None or d["udpsum"] is not None:
                ip = IP(bytes(ip))  # checksums computed, then one spoiled
                if d["ipsum"] is not None:
                    ip.chksum = d["ipsum"]
                if d["udpsum"] is not None:
                    ip[UDP].chksum = d["udpsum"]
            out.append((d["cap"], ip))
        return out

    def sessions(self):
        """What a conforming receiver reports: (port, guid) -> stats."""
        s = {}
        for d in self.dgrams:
            k = (d["port"], d["guid"])
            lat = (d["cap"] - d["sent"] + LAT_NS) / 1e6
            e = s.setdefault(k, {"count": 0, "min": d["seq"],
                                 "max": d["seq"], "sum": 0.0, "sos": 0.0,
                                 "maxl": lat, "last": 0})
            e["count"] += 1
            e["max"] = max(e["max"], d["seq"])
            e["min"] = min(e["min"], d["seq"])
            e["sum"] += lat
            e["sos"] += lat * lat
            e["maxl"] = max(e["maxl"], lat)
            e["last"] = d["cap"]
        return s


def g6(v):
    """C++ ostream's default: 6 significant digits."""
    return "%g" % v


def statsd(port, e, tagged, max_type="g"):
    names = [("count", str(e["count"]), "c"),
             ("targetCount", str(e["max"] - e["min"] + 1), "c"),
             ("sum", g6(e["sum"]), "c"), ("sos", g6(e["sos"]), "c"),
             ("max", g6(e["maxl"]), max_type)]
    lines = []
    for m, v, t in names:
        if tagged:
            lines.append("udping.%s,from_host=localhost,from_port=%d,"
                         "to_host=localhost,to_port=%d:%s|%s" %
                         (m, port, DPORT, v, t))
        else:
            lines.append("localhost.%d.localhost.%d.%s:%s|%s" %
                         (port, DPORT, m, v, t))
    return ("\n".join(lines) + "\n").encode()


def reports(stream, keep=None, fix=None, max_type="g"):
    """The receiver's statsd datagrams, plain then tagged, 2.5 s after
    each session's last datagram (-k 2); keep: the sessions reported
    (all); fix(port, e): alters a report's numbers."""
    out = []
    for (port, g), e in sorted(stream.sessions().items(),
                               key=lambda kv: kv[1]["last"]):
        if keep is not None and (port, g) not in keep:
            continue
        e = dict(e)
        if fix:
            fix(port, e)
        t = e["last"] + 2500 * 10**6
        for k, dport in enumerate((STATSD_PORT, TAGGED_PORT)):
            p = IP(src=HOST, dst=HOST, ttl=64, id=7 + k, flags="DF") / \
                UDP(sport=40000, dport=dport) / \
                Raw(statsd(port, e, k == 1, max_type))
            out.append((t + k * 100000, p))
    # the capture runs on past the last report (a datagram to discard)
    end = max(e["last"] for e in stream.sessions().values()) + 5 * NS
    out.append((end, IP(src=HOST, dst=HOST, ttl=64, id=9, flags="DF") /
                UDP(sport=40001, dport=9) / Raw(b"end")))
    return out


def legacy(break_count=False):
    """Notes §8: the 2017 client's frames, three ports, pings from 1 under
    each interval's guid, a control packet with the old guid (pings + 1,
    timestampCount 0, sent zero, 64 octets) at the rollover."""
    out = []
    t0 = (B - 1) * NS + 20 * 10**6
    seq, rolled = [0] * 3, [False] * 3
    for i in range(N):
        k = i % 3
        port, sent = PORTS[k], t0 + i * 20 * 10**6
        second = sent >= B * NS
        pkts = []
        if second and not rolled[k]:
            n = seq[k] + (0 if break_count and k == 1 else 1)
            pkts.append((struct.pack("<21s3xIII4xqqI4x",
                                     guid(port, 0).encode() + b"\0", 1, n, 0,
                                     0, 0, 64), sent))
            rolled[k], seq[k] = True, 0
        seq[k] += 1
        size = 65 + (i * 37) % 200
        hdr = struct.pack("<21s3xIII4xqqI4x",
                          guid(port, int(second)).encode() + b"\0", 0,
                          seq[k], 1, sent // NS, sent % NS, size)
        pkts.append((hdr + bytes(size - 64), sent + 30000))
        for payload, t in pkts:
            out.append((t, IP(src=HOST, dst=HOST, ttl=255, id=0, flags=0) /
                        UDP(sport=port, dport=DPORT) / Raw(payload)))
    return out


CORPUS = []  # (file, frames, [(case, expected, options)])


def add(name, frames, expect):
    CORPUS.append((name, frames, expect))


def first(stream, port, after_boundary=False):
    for d in stream.dgrams:
        if d["port"] == port and (d["sent"] >= B * NS) == after_boundary:
            return d
    raise ValueError(port)


def build():
    s = Stream()
    add("udping-good.pcap", s.frames(),
        [(c, "pass") for c in SENDER_CASES] +
        [(c, "n/a") for c in RECEIVER_CASES + LEGACY_CASES])

    add("udping-legacy.pcap", legacy(),
        [(c, "pass") for c in LEGACY_CASES] +
        [("UDPING-3-01", "pass"), ("UDPING-3-02", "pass"),
         ("UDPING-1-01", "n/a"), ("UDPING-1-04", "n/a"),
         ("UDPING-2-03", "n/a")])
    add("udping-legacy-control-count.pcap", legacy(break_count=True),
        [("UDPING-8-03", "fail"), ("UDPING-8-02", "pass"),
         ("UDPING-8-04", "pass")])

    s = Stream()
    add("udping-good-statsd.pcap", s.frames() + reports(s),
        [(c, "pass") for c in SENDER_CASES + RECEIVER_CASES])

    s = Stream()
    s.dgrams[40]["size"] = s.dgrams[40]["len"] + 8
    add("udping-size-mismatch.pcap", s.frames(),
        [("UDPING-1-04", "fail"), ("UDPING-1-01", "pass")])

    s = Stream()
    s.dgrams[41]["ver"] = 2
    add("udping-version2.pcap", s.frames(),
        [("UDPING-1-01", "fail"), ("UDPING-1-04", "pass")])

    s = Stream()  # port 5001 starts its second guid at seq 0
    n = 0
    for d in s.dgrams:
        if d["port"] == 5001 and d["sent"] >= B * NS:
            d["seq"] = n
            n += 1
    add("udping-seq-reset.pcap", s.frames(),
        [("UDPING-1-09", "fail"), ("UDPING-1-08", "pass")])

    s = Stream()
    s.dgrams[43]["seq"] += 3
    add("udping-seq-gap.pcap", s.frames(),
        [("UDPING-1-08", "fail"), ("UDPING-1-09", "pass")])

    s = Stream()  # one port's second guid is not hex
    bad = "Z" + guid(5002, 1)[1:].upper()
    for d in s.dgrams:
        if d["port"] == 5002 and d["sent"] >= B * NS:
            d["guid"] = bad
    add("udping-guid-nonhex.pcap", s.frames(),
        [("UDPING-2-01", "warn"), ("UDPING-1-07", "pass"),
         ("UDPING-2-02", "pass")])

    s = Stream()  # two ports share a guid
    g = guid(5000, 0)
    for d in s.dgrams:
        if d["port"] == 5001 and d["sent"] < B * NS:
            d["guid"] = g
    add("udping-guid-shared.pcap", s.frames(),
        [("UDPING-2-02", "fail"), ("UDPING-2-01", "pass")])

    s = Stream()  # port 5000 keeps its guid 100 ms past the boundary
    late = 0
    for d in s.dgrams:
        if d["port"] == 5000 and d["sent"] >= B * NS and late < 2:
            d["guid"] = guid(5000, 0)
            late += 1
    add("udping-guid-late.pcap", s.frames(),
        [("UDPING-2-03", "warn"), ("UDPING-2-02", "pass")])

    s = Stream()
    for d in s.dgrams[30:]:
        d["fill"] = 0xa5
    add("udping-payload-nonzero.pcap", s.frames(),
        [("UDPING-1-06", "warn"), ("UDPING-1-05", "pass")])

    s = Stream()
    s.dgrams[50]["pad"] = [(38, 0x11)]
    add("udping-padding.pcap", s.frames(),
        [("UDPING-1-05", "warn"), ("UDPING-1-06", "pass")])

    s = Stream()
    s.dgrams[44]["len"] = 60
    add("udping-short.pcap", s.frames(),
        [("UDPING-1-02", "fail"), ("UDPING-1-03", "pass")])

    s = Stream()
    s.dgrams[45]["len"] = 2040
    add("udping-long.pcap", s.frames(),
        [("UDPING-1-03", "fail"), ("UDPING-1-02", "pass")])

    s = Stream()
    s.dgrams[46]["start"] = START + 1
    add("udping-start-changes.pcap", s.frames(),
        [("UDPING-1-10", "fail"), ("UDPING-1-11", "pass")])

    s = Stream()
    s.dgrams[47]["nsec"] = NS
    add("udping-nsec.pcap", s.frames(),
        [("UDPING-1-12", "fail")])

    s = Stream()  # a clock 3 s ahead of the capture's
    for d in s.dgrams:
        d["sent"] += 3 * NS
    add("udping-clock-ahead.pcap", s.frames(),
        [("UDPING-1-13", "warn"), ("UDPING-1-12", "pass")])

    s = Stream()  # two packets of port 5000 sent in the wrong order
    a, b = s.dgrams[30], s.dgrams[33]
    a["sent"], b["sent"] = b["sent"], a["sent"]
    add("udping-sent-back.pcap", s.frames(),
        [("UDPING-4-01", "warn"), ("UDPING-1-08", "pass")])

    s = Stream()
    for d in s.dgrams:
        d["ttl"] = 64
    add("udping-ttl64.pcap", s.frames(),
        [("UDPING-3-01", "warn"), ("UDPING-3-02", "pass")])

    s = Stream()
    s.dgrams[20]["ipsum"] = 0x1234
    s.dgrams[21]["udpsum"] = 0x1234
    add("udping-bad-csum.pcap", s.frames(),
        [("UDPING-3-02", "fail"), ("UDPING-3-03", "fail"),
         ("UDPING-3-01", "pass")])

    s = Stream()  # the receiver forgot port 5002's first session
    keep = {k for k in s.sessions() if k != (5002, guid(5002, 0))}
    add("udping-statsd-lost.pcap", s.frames() + reports(s, keep),
        [("UDPING-5-03", "fail"), ("UDPING-5-01", "pass"),
         ("UDPING-5-02", "pass")])

    s = Stream()  # the receiver counts one datagram too many, one too few

    def off_by_one(port, e):
        if port == 5001:
            e["count"] += 1
        if port == 5000:
            e["min"] += 1

    add("udping-statsd-counts.pcap", s.frames() + reports(s, None, off_by_one),
        [("UDPING-5-01", "fail"), ("UDPING-5-02", "fail"),
         ("UDPING-6-01", "pass")])

    s = Stream()  # latency 50 ms a datagram more than the capture allows

    def slow(port, e):
        if port == 5000:
            e["sum"] += 50 * e["count"]

    add("udping-statsd-latency.pcap", s.frames() + reports(s, None, slow),
        [("UDPING-5-04", "warn"), ("UDPING-5-01", "pass")])

    s = Stream()
    add("udping-statsd-format.pcap", s.frames() + reports(s, max_type="c"),
        [("UDPING-6-01", "fail"), ("UDPING-6-02", "fail"),
         ("UDPING-5-01", "pass")])


# The real program's captures (reference/README.md), as notes §9 says.
REFERENCE = [
    ("reference/udping-loopback.pcap",
     [(c, "pass") for c in SENDER_CASES] +
     [(c, "n/a") for c in RECEIVER_CASES + LEGACY_CASES]),
    # Re-sent over sockets (no raw frames, restamped sent times, the
    # original guids kept: they no longer change at the replay's
    # boundaries); the original server reported 1 of 6 finished sessions.
    ("reference/udping-replay-statsd.pcap",
     [(c, "pass") for c in SENDER_CASES
      if c not in ("UDPING-2-03", "UDPING-3-01", "UDPING-3-02",
                   "UDPING-3-03")] +
     [("UDPING-2-03", "warn"), ("UDPING-3-01", "n/a"), ("UDPING-3-02", "n/a"),
      ("UDPING-3-03", "n/a"), ("UDPING-5-01", "pass"), ("UDPING-5-02", "pass"),
      ("UDPING-5-03", "fail"), ("UDPING-5-04", "pass"), ("UDPING-6-01", "pass"),
      ("UDPING-6-02", "pass")]),
]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.abspath(__file__))
    build()
    lines = ["# Written by gen_udping.py; do not edit.",
             "# file case-id expected [ippm pcap check options]"]
    for name, frames, expect in CORPUS:
        write(os.path.join(out, name), frames, LINK_EN10MB, nano=True)
        lines += ["%s %s %s" % (name, c, v) for c, v in expect]
    for name, expect in REFERENCE:
        lines += ["%s %s %s" % (name, c, v) for c, v in expect]
    with open(os.path.join(out, "MANIFEST"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
