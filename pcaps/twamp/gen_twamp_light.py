#!/usr/bin/python3
"""Writes the TWAMP-Light capture corpus (RFC 5357 §4.1.2, §4.2.1,
Appendix I; RFC 6038 §5.2.1) and its MANIFEST.

Run with Debian's python3 (it has python3-scapy):

    /usr/bin/python3 pcaps/twamp/gen_twamp_light.py [OUTDIR]

TWAMP-Test packets are built here with struct from RFC 5357's figures, not
with ippm's encoder, so the corpus is a third opinion on the format. The
link, IP and UDP layers and the file format are those of the STAMP corpus
(pcaps/stamp/gen_stamp.py, imported). Every time and value is fixed: two
runs write the same files byte for byte. Captures are taken at the
Session-Reflector, so a request's TTL in the file is the one it arrived
with.

MANIFEST lines are `file case-id expected [ippm pcap check options]`.
Case IDs are those of conformance/cases/twamp_test.c.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "stamp"))
from gen_stamp import (BASE_S, ERREST, LINK_EN10MB, PORT, REFLECTOR4,  # noqa: E402
                       SENDER4, SPORT, ntp, pattern, write)
from scapy.all import IP, UDP, Raw  # noqa: E402

REPLY_LEN = 41    # RFC 5357 §4.2.1, unauthenticated
REQUEST_LEN = 14  # RFC 5357 §4.1.2 (RFC 4656 §4.1.2)


def request(seq, t, errest=ERREST, pad=b""):
    return struct.pack("!IQH", seq, t, errest) + pad


def reply(seq, t, errest, rx, ss_seq, ss_t, ss_errest, ttl, mbz1=0, mbz2=0):
    """RFC 5357 §4.2.1, Figure 'For unauthenticated mode'."""
    return struct.pack("!IQHHQIQHHB", seq, t, errest, mbz1, rx, ss_seq, ss_t,
                       ss_errest, mbz2, ttl)


class Session:
    """A TWAMP-Light sender and a conforming responder; each knob breaks
    one rule."""

    def __init__(self, stateful=False):
        self.stateful = stateful
        self.refl_seq = 0
        self.t0 = BASE_S * 10**9
        self.frames = []

    def ip(self, to_reflector, ttl, payload):
        src, dst = (SENDER4, REFLECTOR4) if to_reflector else \
            (REFLECTOR4, SENDER4)
        sp, dp = (SPORT, PORT) if to_reflector else (PORT, SPORT)
        return IP(src=src, dst=dst, ttl=ttl, id=0, flags="DF") / \
            UDP(sport=sp, dport=dp) / Raw(payload)

    def exchange(self, seq, i, *, pad_len=0, ttl=64, d_ss_ts=0, d_ttl=0,
                 mbz1=0, mbz2=0, rep_len=None, d_seq=0, zero_mult=False,
                 ss_ttl=None, rep_ip_ttl=255):
        """One request (seq, at i seconds) and its reply."""
        t1 = self.t0 + i * 10**9 + 1000 * seq
        t_arr = t1 + 150_000
        t2, t3 = t_arr + 2_000, t_arr + 22_000
        pad = pattern(pad_len, seq + 1)
        req = request(seq, ntp(t1), ERREST, pad)
        self.frames.append((t_arr, self.ip(True, ttl, req)))
        rseq = self.refl_seq if self.stateful else seq
        self.refl_seq += 1
        errest = 0x0000 if zero_mult else ERREST
        if ss_ttl is None:
            ss_ttl = (ttl + d_ttl) & 0xFF
        rep = reply(rseq + d_seq, ntp(t3), errest, ntp(t2), seq,
                    ntp(t1) + d_ss_ts, ERREST, ss_ttl, mbz1, mbz2)
        # RFC 6038 §5.1.3: the padding re-used, truncated by 27 octets
        want = max(len(req), REPLY_LEN) if rep_len is None else rep_len
        rep = (rep + pad)[:want]
        rep += bytes(want - len(rep))
        # RFC 5357 §4.2.1: sent with TTL 255
        self.frames.append((t3 + 3_000, self.ip(False, rep_ip_ttl, rep)))

    def run(self, n=10, lost=(), **knobs):
        """n requests of 14 octets (those in lost never reach the
        reflector), then three padded ones."""
        for k in range(n):
            if k not in lost:
                self.exchange(k, k, **knobs)
        for k, pad in enumerate((27, 46, 114)):  # 41, 60, 128 octets
            self.exchange(n + k, n + k, pad_len=pad, **knobs)
        return self


ALL = ["TWAMP-5357-4.2-01", "TWAMP-5357-4.2-02", "TWAMP-5357-4.2-03",
       "TWAMP-5357-4.2-04", "TWAMP-5357-4.2-05", "TWAMP-5357-4.2.1-01",
       "TWAMP-5357-4.2.1-02",
       "TWAMP-5357-4.2.1-03", "TWAMP-5357-4.2.1-04", "TWAMP-5357-4.2.1-06",
       "TWAMP-5357-4.2.1-07", "TWAMP-5357-4.2.1-08", "TWAMP-5357-4.2.1-09",
       "TWAMP-5357-4.2.1-10", "TWAMP-6038-5.2.1-01"]


def corpus(outdir):
    """(file, {case: expected}, options) for each capture written."""
    out = []

    def cap(name, session, expect, opts=""):
        write(os.path.join(outdir, name), session.frames, LINK_EN10MB)
        out.append((name, expect, opts))

    good = {c: "pass" for c in ALL}
    cap("twl-stateless.pcap", Session().run(),
        dict(good, **{"TWAMP-5357-I-01": "pass",
                      "TWAMP-5357-4.2.1-05": "n/a"}))
    # Requests 3 and 4 lost on the way: a stateful responder's numbers
    # then differ from the sender's.
    cap("twl-stateful.pcap", Session(stateful=True).run(lost=(3, 4)),
        dict(good, **{"TWAMP-5357-4.2.1-05": "pass",
                      "TWAMP-5357-I-01": "n/a"}))
    cap("twl-mbz-after-errest.pcap", Session().run(mbz1=0x5A5A),
        {"TWAMP-5357-4.2.1-06": "fail", "TWAMP-5357-4.2.1-07": "pass"})
    cap("twl-mbz-after-ss-errest.pcap", Session().run(mbz2=0x0101),
        {"TWAMP-5357-4.2.1-07": "fail", "TWAMP-5357-4.2.1-06": "pass"})
    cap("twl-bad-copy-ts.pcap", Session().run(d_ss_ts=1),
        {"TWAMP-5357-4.2.1-03": "fail", "TWAMP-5357-4.2.1-02": "pass"})
    cap("twl-ttl-stuck.pcap", Session().run(d_ttl=1),
        {"TWAMP-5357-4.2-04": "fail", "TWAMP-5357-4.2-05": "fail"})
    # RFC 5357 §4.2: a reflector that cannot read the TTL reports 255
    cap("twl-ttl-unread-255.pcap", Session().run(ss_ttl=255),
        {"TWAMP-5357-4.2-04": "fail", "TWAMP-5357-4.2-05": "pass"})
    cap("twl-ttl-unread-0.pcap", Session().run(ss_ttl=0),
        {"TWAMP-5357-4.2-05": "fail"})
    cap("twl-reply-ttl-64.pcap", Session().run(rep_ip_ttl=64),
        {"TWAMP-5357-4.2.1-10": "fail", "TWAMP-5357-4.2-04": "pass"})
    cap("twl-zero-multiplier.pcap", Session().run(zero_mult=True),
        {"TWAMP-5357-4.2.1-08": "fail"})
    # Replies the size of STAMP's base: auto reads STAMP, so the protocol
    # is named.
    cap("twl-reply-44.pcap", Session().run(rep_len=44),
        {"TWAMP-6038-5.2.1-01": "fail"}, "--protocol twamp-light")
    cap("twl-stateless-own-numbers.pcap", Session().run(d_seq=1000),
        {"TWAMP-5357-I-01": "fail"}, "--stateless")
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else here
    os.makedirs(outdir, exist_ok=True)
    rows = corpus(outdir)
    with open(os.path.join(outdir, "MANIFEST"), "w") as f:
        f.write("# Written by gen_twamp_light.py; do not edit.\n"
                "# file case-id expected [ippm pcap check options]\n")
        for name, expect, opts in rows:
            for case, v in expect.items():
                f.write(("%s %s %s %s" % (name, case, v, opts)).rstrip() +
                        "\n")


if __name__ == "__main__":
    main()
