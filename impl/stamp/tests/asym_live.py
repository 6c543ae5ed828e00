#!/usr/bin/python3
"""Asymmetrical packets live (draft-ietf-ippm-asymmetrical-pkts-14 §3,
issue 11): `ippm stamp reflector` sends the replies a Reflected Test
Packet Control TLV asks for, within its limits, and `ippm stamp sender`
counts them as expected copies, not duplicates.

- open mode, --reflected-open --max-reflected-count 4: a raw request
  asking 3 replies 20 ms apart gets 3 whole replies with C = 0, the same
  copied fields, Timestamps about 20 ms apart (the reflector stamps a
  copy when it is due or later: a lower bound, not a timing assertion);
- the sender asking 3 per request: "copies: 3 replies asked per request,
  10 of 10 extra arrived", 0 duplicated, and the JSON "copies" object;
- asking 5 (above the cap): C = 1 and one reply per request;
- a reflector without --reflected-open: open requests get one reply
  (C = 1): no amplification toward a spoofable source;
- the shutdown summary counts the requests given copies and the copies.

usage: asym_live.py IPPM     exit 0 pass, 1 fail
"""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile

from refl_flood import start_reflector

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import fail, ntp_now  # noqa: E402

IPPM = sys.argv[1]
BASE = 44
TLV_U, TLV_C = 0x80, 0x10
REFL_CONTROL = 12


def request(seq, count, interval_ns):
    """An open-mode request with a Reflected Test Packet Control TLV: the
    reply as long as the request (Length of the Reflected Packet 0)."""
    tlv = struct.pack("!BBHHHI4x", TLV_U, REFL_CONTROL, 12, 0, count,
                      interval_ns)
    return struct.pack("!IQH30x", seq, ntp_now(), 1) + tlv


def replies(sock, want_more=True):
    """Every reply until the socket stays quiet for a second."""
    got = []
    sock.settimeout(1.0 if want_more else 0.5)
    while True:
        try:
            got.append(sock.recv(2048))
        except socket.timeout:
            return got


def raw_copies(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("127.0.0.1", port))
    s.send(request(7, 3, 20000000))
    got = replies(s)
    if len(got) != 3:
        fail("%d replies to a request asking 3 (expected 3)" % len(got))
    ts = []
    for r in got:
        if len(r) != BASE + 16:
            fail("a %d-octet reply (expected %d)" % (len(r), BASE + 16))
        if r[BASE] & TLV_C:
            fail("C = 1 on a request within the limits")
        if r[24:28] != struct.pack("!I", 7):
            fail("a copy lost the Session-Sender Sequence Number")
        if r[16:24] != got[0][16:24]:
            fail("a copy with another Receive Timestamp")
        ts.append(struct.unpack("!Q", r[4:12])[0])
    # The realtime clock may be slewed or stepped by microseconds between
    # two readings (NTP, a virtual machine): 15 ms still tells copies sent
    # at their Interval from copies sent back to back.
    for a, b in zip(ts, ts[1:]):
        if b - a < (15 << 32) // 1000:
            fail("copies stamped %.3f ms apart (expected about 20 ms)"
                 % ((b - a) * 1000.0 / (1 << 32)))
    s.send(request(8, 5, 20000000))  # above --max-reflected-count 4
    got = replies(s, False)
    if len(got) != 1 or not got[0][BASE] & TLV_C:
        fail("asking 5 of a reflector capped at 4: %d replies, C = %d "
             "(expected one, C = 1)" % (len(got), got[0][BASE] & TLV_C
                                        if got else -1))
    s.close()


def sender(port, ctl, tmp):
    out = os.path.join(tmp, "s.json")
    p = subprocess.run([IPPM, "stamp", "sender", "127.0.0.1:%d" % port,
                        "-c", "5", "-i", "50ms", "--reply-control", ctl,
                        "--json", out], capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        fail("sender exit %d: %s" % (p.returncode, p.stderr))
    with open(out) as f:
        return p.stdout, json.load(f)


def sender_counts(port, tmp):
    text, js = sender(port, "44,3,0.005", tmp)
    if "copies: 3 replies asked per request, 10 of 10 extra arrived" \
            not in text:
        fail("sender summary: " + text)
    if js.get("copies") != {"asked_per_request": 3, "expected": 10,
                            "arrived": 10, "refused": 0} or \
            js["duplicated"] != 0:
        fail("sender JSON: copies %s, duplicated %s"
             % (js.get("copies"), js["duplicated"]))
    text, js = sender(port, "44,5,0.005", tmp)
    if js["received"] != 5 or js["copies"] != {
            "asked_per_request": 5, "expected": 0, "arrived": 0,
            "refused": 5} or js["duplicated"] != 0:
        fail("asking 5 of 4: %s" % text)


def stop(refl, err):
    refl.send_signal(signal.SIGINT)
    refl.wait(timeout=30)
    err.seek(0)
    return err.read()


def main():
    with tempfile.TemporaryDirectory() as tmp, \
            tempfile.TemporaryFile("w+") as err:
        refl, port = start_reflector(
            IPPM, ["--reflected-open", "--max-reflected-count", "4"], err)
        try:
            raw_copies(port)
            sender_counts(port, tmp)
        finally:
            summary = stop(refl, err)
        # raw: 1 request given 2; sender: 5 given 2 each.
        if "asymmetrical: 6 requests given 12 extra replies " \
                "(--max-reflected-count 4" not in summary:
            fail("reflector summary: " + summary)
    with tempfile.TemporaryFile("w+") as err:
        refl, port = start_reflector(IPPM, [], err)
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.connect(("127.0.0.1", port))
            s.send(request(1, 3, 1000000))
            got = replies(s, False)
            if len(got) != 1 or not got[0][BASE] & TLV_C:
                fail("open mode without --reflected-open: %d replies "
                     "(expected one, C = 1)" % len(got))
        finally:
            stop(refl, err)
    print("PASS")


main()
