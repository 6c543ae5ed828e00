#!/usr/bin/python3
"""Writes the RMBT UDP ping capture corpus and its MANIFEST.

Run with Debian's python3 (it has python3-scapy):

    /usr/bin/python3 pcaps/rmbt/gen_rmbt.py [OUTDIR]

Requests and replies are built here with hmac and struct from
../shared/notes/rmbt-udp-ping.md §1-§4, not with ippm's encoder, so the
corpus is a third opinion on the format. A server is simulated by the
notes' §4 rules with one misbehaviour at a time (answering a 23-octet
request, replying 24 octets, answering expired times...). Every time and
value is fixed, so two runs write the same files byte for byte; the
captures' times stand for the server's clock. Secret: topsecret.

MANIFEST lines are `file case-id expected [ippm pcap check options]`;
case IDs are those of conformance/cases/rmbt.c. It also pins the verdicts
of the real programs' capture, ../reference/rmbt-loopback.pcap.
"""

import hashlib
import hmac
import ipaddress
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "stamp"))
from gen_stamp import LINK_EN10MB, write  # noqa: E402
from scapy.all import IP, UDP, IPv6, Raw  # noqa: E402

SECRET = b"topsecret"
NOW = 1767225600          # 2026-01-01T00:00:00Z, the server's clock
CLIENT4, SERVER4 = "192.0.2.10", "192.0.2.20"
CLIENT6, SERVER6 = "2001:db8::10", "2001:db8::20"
CPORT, SPORT = 40000, 444
OTHER_IP = "198.51.100.7"
OPTS_R = "--role reflector --seed topsecret"
OPTS_S = "--role sender --seed topsecret"

REFL = ["4-%02d" % i for i in range(1, 16)] + ["1-01", "1-02", "1-03", "1-04"]
SEND = ["1-05", "1-06", "2-01", "2-02", "3-01", "6-01"]


def ip128(ip):
    a = ipaddress.ip_address(ip)
    if a.version == 4:
        return b"\0" * 10 + b"\xff\xff" + a.packed
    return a.packed


def token(t, ip, key=SECRET):
    tb = struct.pack("!I", t & 0xFFFFFFFF)
    h = hmac.new(key, tb, hashlib.sha256).digest()[:8]
    ih = hmac.new(key, tb + ip128(ip), hashlib.sha256).digest()[:4]
    return tb + h + ih


def request(seq, tok, magic=b"RP01"):
    return magic + struct.pack("!I", seq) + tok


def decide(req, src, now, q):
    """The notes' §4 rules, bent by the quirks q: the reply or None."""
    if "answer-shape" in q and req[8:] == bytes(16):
        return b"RE01"
    if len(req) != 24 or req[:4] != b"RP01":
        answer = "answer-shape" in q or ("answer-23" in q and len(req) == 23)
        return b"RE01" if answer and len(req) >= 8 else None
    t = struct.unpack("!I", req[8:12])[0]
    if t + 14400 < now and "no-back" not in q:
        return None
    if t > now + 30 and "no-ahead" not in q:
        return None
    if "narrow" in q and (t + 14400 == now or t == now + 30):
        return None
    if "no-secret" in q:
        return b"RE01"
    tok = token(t, src)
    if tok[4:12] != req[12:20]:
        return b"RE01" if "answer-shape" in q and t == 0 else None
    if "ip-unchecked" in q:
        return b"RR01"
    return b"RR01" if tok[12:16] == req[20:24] else b"RE01"


class Capture:
    def __init__(self, v6=False):
        self.frames = []
        self.v6 = v6
        self.t = NOW * 10**9 + 200_000_000
        self.client = CLIENT6 if v6 else CLIENT4
        self.server = SERVER6 if v6 else SERVER4

    def pkt(self, src, dst, sport, dport, payload):
        ip = (IPv6(src=src, dst=dst, hlim=64) if self.v6 else
              IP(src=src, dst=dst, ttl=64, id=0))
        self.frames.append((self.t, ip / UDP(sport=sport, dport=dport) /
                            Raw(payload)))
        self.t += 100_000

    def exchange(self, req, q=(), gap_ns=1_000_000):
        """req to the server, and what a server with quirks q sends."""
        self.pkt(self.client, self.server, CPORT, SPORT, req)
        tag = decide(req, self.client, self.t // 10**9, q)
        if tag is not None:
            rep = tag + req[4:8]
            if "reply24" in q:
                rep = req
            if "bad-echo" in q:
                rep = tag + struct.pack("!I", (struct.unpack(
                    "!I", req[4:8])[0] + 1) & 0xFFFFFFFF)
            port = SPORT + 1 if "other-port" in q else SPORT
            for _ in range(2 if "twice" in q else 1):
                self.pkt(self.server, self.client, port, CPORT, rep)
        self.t += gap_ns


def server_probes(c, q=()):
    """One request of every row of the notes' §4 table, as
    `ippm conform rmbt-server` sends them."""
    me, seq = c.client, 0x1000
    rows = [
        request(seq, token(NOW, me)),
        request(seq + 1, token(NOW - 14400 + 60, me)),
        request(seq + 2, token(NOW + 25, me)),
        request(seq + 3, token(NOW, OTHER_IP)),
        request(seq + 4, token(NOW, me, b"not the secret")),
        request(seq + 5, token(NOW, me), b"RP02"),
        request(seq + 6, token(NOW, me))[:23],
        request(seq + 7, token(NOW, me)) + b"\0",
        request(seq + 8, token(NOW - 14400, me)),
        request(seq + 9, token(NOW + 30, me)),
        request(seq + 10, token(NOW - 14401, me)),
        request(seq + 11, token(NOW + 31, me)),
        request(seq + 12, token(NOW - 14410, me)),
        request(seq + 13, token(NOW + 40, me)),
        request(seq + 14, bytes(16)),
        # a valid one last: the drops before it are not cut off by the
        # end of the capture (a request after the last reply is in flight)
        request(seq + 15, token(NOW, me)),
    ]
    for r in rows:
        c.exchange(r, q)


def client_run(c, n=5, seq=0xFFFFFFFE, q=()):
    """A seed-mode client: one request a second, time and hashes anew."""
    me = c.client
    for i in range(n):
        t = NOW + i
        tok = token(t - 14401 if "stale" in q and i == 2 else t,
                    OTHER_IP if "other-ip" in q else me,
                    b"wrong" if "wrong-key" in q and i == 2 else SECRET)
        if "token" in q:
            tok = token(NOW - 3, me)
        s = (seq + i + (5 if "seq-jump" in q and i >= 2 else 0)) & 0xFFFFFFFF
        r = request(s, tok, b"RP02" if "magic" in q and i == 2 else b"RP01")
        if "short" in q and i == 2:
            r = r[:23]
        c.exchange(r, (), gap_ns=10**9)


# (file, quirks, role, {case: verdict} beyond "pass")
SERVERS = [
    ("rmbt-server-good.pcap", (), {}),
    ("rmbt-server-answers-23.pcap", ("answer-23",), {"4-05": "fail"}),
    ("rmbt-server-answers-bad-shape.pcap", ("answer-shape",),
     {"4-04": "fail", "4-05": "fail", "4-06": "fail", "4-13": "fail"}),
    ("rmbt-server-reply-24.pcap", ("reply24",),
     {"1-01": "fail", "1-03": "fail", "4-14": "fail", "4-01": "fail",
      "4-02": "fail", "4-07": "fail", "4-08": "fail"}),
    ("rmbt-server-answers-expired.pcap", ("no-back",),
     {"4-09": "fail", "4-11": "fail"}),
    ("rmbt-server-answers-future.pcap", ("no-ahead",),
     {"4-10": "fail", "4-12": "fail"}),
    ("rmbt-server-drops-boundaries.pcap", ("narrow",),
     {"4-01": "fail", "4-07": "fail", "4-08": "fail"}),
    ("rmbt-server-no-secret.pcap", ("no-secret",),
     {"4-01": "fail", "4-03": "fail", "4-07": "fail", "4-08": "fail"}),
    ("rmbt-server-ip-unchecked.pcap", ("ip-unchecked",), {"4-02": "fail"}),
    ("rmbt-server-other-port.pcap", ("other-port",), {"1-04": "fail"}),
    ("rmbt-server-twice.pcap", ("twice",), {"4-14": "fail", "4-15": "fail"}),
    ("rmbt-server-bad-echo.pcap", ("bad-echo",), {"1-02": "fail"}),
    ("rmbt-server-ipv6.pcap", ("v6",), {}),
]

CLIENTS = [
    ("rmbt-client-good.pcap", (), {}),
    ("rmbt-client-token.pcap", ("token",), {}),
    ("rmbt-client-short.pcap", ("short",), {"1-05": "fail"}),
    ("rmbt-client-magic.pcap", ("magic",), {"1-06": "fail"}),
    ("rmbt-client-stale.pcap", ("stale",), {"3-01": "fail"}),
    ("rmbt-client-seq-jump.pcap", ("seq-jump",), {"6-01": "warn"}),
    ("rmbt-client-wrong-key.pcap", ("wrong-key",), {"2-01": "fail"}),
    ("rmbt-client-other-ip.pcap", ("other-ip",), {"2-02": "warn"}),
]

# The real programs (notes §8): v2.2 on 127.0.0.1:44444 and v1.1 on
# [::1]:44445 answer the Python client in seed and token mode, RE01 to a
# token for another address, and drop every bad-input probe. The probes
# are sent no closer than 10 s past the window, so the one-second rows
# are n/a; without --seed the rows that need the key are n/a.
REF = "../reference/rmbt-loopback.pcap"
REF_NA_SEED = {"4-07", "4-08", "4-11", "4-12"}
REF_NA_NOSEED = REF_NA_SEED | {"4-01", "4-02", "4-03"}
# As a sender the capture holds the notes' deliberate bad-input probes
# (23, 25 octets, RP02, a wrong key, times outside the window) and a
# token minted for another address: those flows fail or warn on purpose;
# the real client's own flows pass (rmbt-client-*.pcap grade clients).
REF_SENDER = {"1-05": "fail", "1-06": "fail", "2-01": "fail",
              "2-02": "warn", "3-01": "fail", "6-01": "pass"}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else here
    os.makedirs(outdir, exist_ok=True)
    lines = []
    for name, q, want in SERVERS:
        c = Capture(v6="v6" in q)
        server_probes(c, q)
        write(os.path.join(outdir, name), c.frames, LINK_EN10MB, v6=c.v6)
        lines += ["%s RMBT-%s %s %s" % (name, k, want.get(k, "pass"), OPTS_R)
                  for k in REFL]
    for name, q, want in CLIENTS:
        c = Capture()
        client_run(c, q=q)
        write(os.path.join(outdir, name), c.frames, LINK_EN10MB)
        lines += ["%s RMBT-%s %s %s" % (name, k, want.get(k, "pass"), OPTS_S)
                  for k in SEND]
    lines += ["# the real programs' capture (notes §8), as a server"]
    lines += ["%s RMBT-%s %s %s" % (REF, k,
                                     "n/a" if k in REF_NA_SEED else "pass",
                                     OPTS_R) for k in REFL]
    lines += ["%s RMBT-%s %s --role reflector" % (
        REF, k, "n/a" if k in REF_NA_NOSEED else "pass") for k in REFL]
    lines += ["# ... and as a client: the probe flows are bad on purpose"]
    lines += ["%s RMBT-%s %s %s" % (REF, k, v, OPTS_S)
              for k, v in REF_SENDER.items()]
    with open(os.path.join(outdir, "MANIFEST"), "w") as f:
        f.write("# Written by gen_rmbt.py; do not edit.\n"
                "# file case-id expected [ippm pcap check options]\n")
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
