#!/usr/bin/python3
"""`ippm stamp` against TWAMP-Light peers (issue 9, "Measure TWAMP-Light
peers instead of calling them lost").

  reply41   a responder answering with TWAMP-Light's 41-octet
            unauthenticated reflector packet (RFC 5357 §4.2.1): the sender
            counts every reply received, with a plausible RTT, and says
            once, in the text summary and in --json, that the peer is not
            STAMP-conformant and why.
  reply30   30-octet truncated replies: still measured (they carry the
            copied sequence number and both timestamps), no Ses-Sender TTL.
  reply20   20-octet replies: nothing to measure, every packet lost, and
            the drop names the 28 octets a reply needs.
  refl_log  `ippm stamp reflector` dropping a TWAMP-Light sender's
            14-octet requests says so on stderr at the first one, not only
            at shutdown, and then holds further lines back (10 s).
  badts     a STAMP responder whose Receive Timestamp does not read (PTP,
            nanoseconds >= 10^9; issue 10 item 8): the sender shows the
            whole RTT, and fwd/bwd as n/a per packet and null in --json,
            never a number; forward and backward have no sample, so the
            summary says n/a and --json nulls, not 0.000.
  onereply  one packet, answered: no IPDV pair, so jitter is n/a and
            null, not 0.000.

The responder is a thread here, on a port from the kernel; every count
asserted is exact however loaded the machine is (nothing is lost on
loopback with 5 packets 20 ms apart and a 5 s --wait).

usage: twamp_light_peer.py IPPM SCENARIO     exit 0 pass, 1 fail
"""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import ntp_now  # noqa: E402

IPPM, SCEN = sys.argv[1], sys.argv[2]
COUNT = 5
NOTICE_41 = ("reflector sent 41-octet replies (TWAMP-Light, RFC 5357 "
             "§4.2.1), not the 44-octet STAMP base (RFC 8762 §4.3): "
             "measured, but not STAMP-conformant")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def twamp_light_reply(req, rx_ts, seq, length):
    """RFC 5357 §4.2.1, unauthenticated: Sequence Number, Timestamp, Error
    Estimate, MBZ, Receive Timestamp, Sender Sequence Number, Sender
    Timestamp, Sender Error Estimate, MBZ, Sender TTL: 41 octets; the
    first length of them."""
    ss_seq, ss_ts, ss_err = struct.unpack("!IQH", req[:14])
    pkt = struct.pack("!IQHHQIQHHB", seq, ntp_now(), 0x0001, 0, rx_ts,
                      ss_seq, ss_ts, ss_err, 0, 255)
    assert len(pkt) == 41
    return pkt[:length]


def bad_ptp_reply(req, rx_ts, seq, length):
    """A 44-octet STAMP reply (RFC 8762 §4.3.1) with the Z bit set (PTP
    timestamps) whose Receive Timestamp has 4294967295 nanoseconds."""
    ss_seq, ss_ts, ss_err = struct.unpack("!IQH", req[:14])
    t = time.time()
    now = (int(t) << 32) | int((t - int(t)) * 1e9)
    pkt = struct.pack("!IQHHQIQHHB3x", seq, now, 0x4001, 0,
                      (int(t) << 32) | 0xFFFFFFFF, ss_seq, ss_ts, ss_err, 0,
                      255)
    assert len(pkt) == 44
    return pkt


def responder(sock, length, stop, build=twamp_light_reply):
    seq = 0
    sock.settimeout(0.05)
    while not stop.is_set():
        try:
            req, peer = sock.recvfrom(2048)
        except socket.timeout:
            continue
        rx_ts = ntp_now()
        if len(req) >= 14:
            sock.sendto(build(req, rx_ts, seq, length), peer)
            seq += 1


def run_sender(length, build=twamp_light_reply, count=COUNT):
    """Runs the sender against a responder cutting replies to length
    octets; returns (exit status, stdout, the --json report)."""
    rsock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rsock.bind(("127.0.0.1", 0))
    port = rsock.getsockname()[1]
    stop = threading.Event()
    th = threading.Thread(target=responder,
                          args=(rsock, length, stop, build))
    th.start()
    tmp = tempfile.mkdtemp(prefix="ippm-twl-")
    jpath = os.path.join(tmp, "r.json")
    try:
        p = subprocess.run(
            [IPPM, "stamp", "sender", "127.0.0.1", "--port", str(port),
             "--count", str(count), "--interval", "0.02", "--wait", "5",
             "--no-progress", "--per-packet", "--json", jpath],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    finally:
        stop.set()
        th.join()
        rsock.close()
    out = p.stdout.decode()
    print(out)
    try:
        with open(jpath) as f:
            rep = json.load(f)
    except (OSError, ValueError) as e:
        fail("no --json report: %s" % e)
    return p.returncode, out, rep


def summary_counts(out):
    m = re.search(r"(\d+) sent, (\d+) received, (\d+) lost", out)
    if not m:
        fail("no 'sent, received, lost' line")
    return tuple(int(v) for v in m.groups())


def check_measured(out, rep, rc, length):
    if rc != 0:
        fail("exit %d, want 0 (every packet answered)" % rc)
    if summary_counts(out) != (COUNT, COUNT, 0):
        fail("want %d sent, %d received, 0 lost" % (COUNT, COUNT))
    if "replies not accepted" in out:
        fail("replies not accepted although every one was measured")
    m = re.search(r"^rtt +min/avg/median/p95/p99/max/stddev = "
                  r"([-\d.]+)/([-\d.]+)/[-\d.]+/[-\d.]+/[-\d.]+/([-\d.]+)/",
                  out, re.M)
    if not m:
        fail("no rtt line")
    lo, hi = float(m.group(1)), float(m.group(3))
    if not (0 <= lo <= hi < 1000):
        fail("rtt min %.3f / max %.3f ms is not a loopback RTT" % (lo, hi))
    if rep.get("received") != COUNT or rep.get("lost") != 0:
        fail("--json: received %s lost %s" % (rep.get("received"),
                                              rep.get("lost")))
    nc = rep.get("not_stamp_conformant")
    if not isinstance(nc, dict):
        fail("--json: no not_stamp_conformant")
    if nc.get("short_replies") != COUNT or nc.get("reply_len_min") != length \
            or nc.get("reply_len_max") != length:
        fail("--json: not_stamp_conformant %r" % nc)
    lines = [l for l in out.splitlines() if "not STAMP-conformant" in l]
    if len(lines) != 1:
        fail("want the notice once in the text, got %d lines" % len(lines))
    if nc.get("reason") != lines[0]:
        fail("--json reason %r differs from the text %r"
             % (nc.get("reason"), lines[0]))
    for pk in rep["packets"]:
        if pk["state"] != "received" or pk.get("reply_len") != length:
            fail("--json packet %r" % pk)
        if not 0 <= pk["rtt_ms"] < 1000:
            fail("--json packet rtt %r" % pk)
    return lines[0]


def scen_reply41():
    rc, out, rep = run_sender(41)
    notice = check_measured(out, rep, rc, 41)
    if notice != NOTICE_41:
        fail("notice %r, want %r" % (notice, NOTICE_41))
    if out.count("refl_ttl=255") != COUNT:
        fail("want refl_ttl=255 on every --per-packet line")
    if any(pk.get("refl_ttl") != 255 for pk in rep["packets"]):
        fail("--json: Ses-Sender TTL not 255")


def scen_reply30():
    rc, out, rep = run_sender(30)
    notice = check_measured(out, rep, rc, 30)
    if not notice.startswith("reflector sent 30-octet replies (truncated") \
            or "no Ses-Sender TTL" not in notice:
        fail("notice %r" % notice)
    if "refl_ttl=" in out:
        fail("a refl_ttl from replies that carry none")
    if any(pk.get("refl_ttl", 0) is not None for pk in rep["packets"]):
        fail("--json: refl_ttl not null")


def scen_reply20():
    rc, out, rep = run_sender(20)
    if rc == 0:
        fail("exit 0 with nothing measured")
    if summary_counts(out) != (COUNT, 0, COUNT):
        fail("want every packet lost")
    want = ("replies not accepted: %d (%d shorter than the 28 octets that "
            "carry the copied sequence number and the timestamps)"
            % (COUNT, COUNT))
    if want not in out:
        fail("want %r" % want)
    if "not STAMP-conformant" in out or "not_stamp_conformant" in rep:
        fail("a conformance notice about replies never measured")


def scen_refl_log():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    tmp = tempfile.mkdtemp(prefix="ippm-twl-")
    errpath = os.path.join(tmp, "stderr")
    with open(errpath, "w") as err:
        refl = subprocess.Popen(
            [IPPM, "stamp", "reflector", "--listen", "127.0.0.1", "--port",
             str(port)], stdout=subprocess.DEVNULL, stderr=err)
    try:
        c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        req = struct.pack("!IQH", 0, ntp_now(), 0x0001)  # RFC 5357 §4.1.2
        first = None
        end = time.time() + 20
        while first is None and time.time() < end:
            c.sendto(req, ("127.0.0.1", port))  # until the reflector is up
            time.sleep(0.1)
            with open(errpath) as f:
                lines = f.read().splitlines()
            if lines:
                first = lines
        if first is None:
            fail("nothing on stderr 20 s after the first short request")
        want = ("ippm stamp reflector: dropped a 14-octet request from "
                "127.0.0.1:%d: below the 44-octet base packet (a TWAMP-Light "
                "sender? --reply-to-short answers it, RFC 8762 §4.6)"
                % c.getsockname()[1])
        if first[0] != want:
            fail("first line %r, want %r" % (first[0], want))
        for _ in range(20):
            c.sendto(req, ("127.0.0.1", port))
        time.sleep(0.5)
        with open(errpath) as f:
            lines = f.read().splitlines()
        if len(lines) != 1:
            fail("more than one line within 10 s: %r" % lines)
    finally:
        refl.send_signal(signal.SIGINT)
        try:
            refl.wait(timeout=10)
        except subprocess.TimeoutExpired:
            refl.kill()
            refl.wait()
    with open(errpath) as f:
        text = f.read()
    print(text)
    if not re.search(r"dropped \d+: .*below the 44-octet base packet", text):
        fail("the shutdown summary lost its short-request line")


def scen_badts():
    rc, out, rep = run_sender(44, bad_ptp_reply)
    if rc != 0 or summary_counts(out) != (COUNT, COUNT, 0):
        fail("exit %d; want every packet received" % rc)
    lines = [l for l in out.splitlines() if l.startswith("seq=")]
    if len(lines) != COUNT:
        fail("want %d --per-packet lines" % COUNT)
    for l in lines:
        m = re.match(r"seq=\d+ rtt=([-\d.]+) ms fwd=n/a bwd=n/a ts=malformed",
                     l)
        if not m or not 0 <= float(m.group(1)) < 1000:
            fail("per-packet line %r" % l)
    for name in ("forward", "backward"):
        if not re.search(r"^%s +min/avg/median/p95/p99/max/stddev = n/a"
                         % name, out, re.M):
            fail("no '%s ... = n/a' line" % name)
    for pk in rep["packets"]:
        if not 0 <= pk["rtt_ms"] < 1000 or not pk["ts_malformed"]:
            fail("--json packet %r" % pk)
        for k in ("fwd_ms", "bwd_ms", "t2_ns", "t3_ns"):
            if pk[k] is not None:
                fail("--json packet %s %r, want null" % (k, pk[k]))
    if rep["rtt_ms"]["n"] != COUNT or not 0 <= rep["rtt_ms"]["max"] < 1000:
        fail("--json rtt_ms %r" % rep["rtt_ms"])
    for k in ("fwd_ms", "bwd_ms"):
        s = rep[k]
        if s["n"] != 0 or any(v is not None for n, v in s.items() if n != "n"):
            fail("--json %s %r, want n 0 and nulls" % (k, s))


def scen_onereply():
    rc, out, rep = run_sender(41, count=1)
    if rc != 0 or summary_counts(out) != (1, 1, 0):
        fail("exit %d; want the packet received" % rc)
    if "jitter   = n/a" not in out:
        fail("jitter not n/a with one reply")
    if rep["jitter_ms"] is not None or rep["ipdv_ms"]["n"] != 0 or \
            rep["ipdv_ms"]["min"] is not None:
        fail("--json jitter_ms %r ipdv_ms %r" % (rep["jitter_ms"],
                                                rep["ipdv_ms"]))


SCENARIOS = {"reply41": scen_reply41, "reply30": scen_reply30,
             "reply20": scen_reply20, "refl_log": scen_refl_log,
             "badts": scen_badts, "onereply": scen_onereply}

if SCEN not in SCENARIOS:
    fail("unknown scenario %r" % SCEN)
SCENARIOS[SCEN]()
print("PASS")
