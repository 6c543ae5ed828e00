#!/usr/bin/python3
"""Honest clocks (issue 11): what the STAMP sender says of its clocks, its
--histogram, and the HTML report's start time.

  synced    a responder thread here that answers like a STAMP reflector
            whose clock is synchronised (S set, 25 us), against this host's
            own estimate: the summary and --json say whether one-way delay
            can be trusted and name the unsynchronised end when there is
            one; with both synchronised (a host a daemon steers) the
            bound is the sum of the two estimates.
  histogram `ippm stamp reflector` and `--histogram`: the rows count every
            reply once, and one-way delays appear only when trusted.
  html      `--html` carries the absolute start, UTC, ISO 8601, and the
            one-way delay verdict.
  followup  a stateful `ippm stamp reflector`: each Follow-Up Telemetry
            TLV (RFC 8972 §4.7) reports the previous reply's kernel
            transmit time (SO_TIMESTAMPING), not or after its Timestamp
            field and within 100 ms of it; with --no-tx-timestamps (the
            fallback when the kernel refuses) exactly the Timestamp field.
  txts      the sender's --tx-timestamps takes every T1 from the kernel
            (summary and --json).

usage: clocks_live.py IPPM SCENARIO     exit 0 pass, 1 fail
"""
import datetime
import json
import os
import re
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
S_25US = 0x8000 | 9 << 8 | 210   # synchronised, 25.0 us (RFC 4656 §4.1.2)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def errest_ns(v):
    return (v & 0xff) * 10**9 * 2**((v >> 8) & 0x3f) / 2**32


def responder(sock, errest):
    """Answers COUNT requests as a stateless STAMP reflector (RFC 8762
    §4.3.1) with the given Error Estimate."""
    for _ in range(COUNT):
        req, addr = sock.recvfrom(2048)
        rx = ntp_now()
        seq, ts, ss_errest = struct.unpack("!IQH", req[:14])
        rep = struct.pack("!IQHHQIQHHB", seq, ntp_now(), errest, 0, rx, seq,
                          ts, ss_errest, 0, 64)
        rep += b"\0" * (len(req) - len(rep))
        sock.sendto(rep, addr)


def own_errest():
    """This host's Error Estimate as ippm sends it: read from a request."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(5)
    p = subprocess.Popen([IPPM, "stamp", "sender", "127.0.0.1", "--port",
                          str(s.getsockname()[1]), "--count", "1", "--wait",
                          "0", "--no-progress"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    req, _ = s.recvfrom(2048)
    p.wait(10)
    s.close()
    return struct.unpack("!H", req[12:14])[0]


def run_sender(port, *extra):
    out = subprocess.run([IPPM, "stamp", "sender", "127.0.0.1", "--port",
                          str(port), "--count", str(COUNT), "--interval",
                          "0.02", "--wait", "5", "--no-progress", *extra],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        fail("sender exit %d: %s" % (out.returncode, out.stderr))
    return out.stdout


def scen_synced():
    mine = own_errest()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    t = threading.Thread(target=responder, args=(s, S_25US), daemon=True)
    t.start()
    with tempfile.TemporaryDirectory() as d:
        js = os.path.join(d, "run.json")
        text = run_sender(s.getsockname()[1], "--json", js)
        rep = json.load(open(js))
    line = [l for l in text.splitlines() if l.startswith("one-way delay:")]
    if len(line) != 1:
        fail("no one-way delay line in:\n" + text)
    line = line[0]
    c = rep["one_way_clocks"]
    if c["replies"] != COUNT or c["reflector"]["errest"] != S_25US:
        fail("one_way_clocks: %r" % c)
    if c["sender"]["errest"] != mine:
        fail("sender errest %r, the request carried %#x" % (c, mine))
    if mine & 0x8000:
        bound = (errest_ns(mine) + errest_ns(S_25US)) / 1e6
        if not c["trusted"] or abs(c["bound_ms"] - bound) > 1e-6:
            fail("both synchronised, want trusted within %g ms: %r"
                 % (bound, c))
        if not line.startswith("one-way delay: trusted"):
            fail(line)
    else:
        if c["trusted"] or c["bound_ms"] is not None:
            fail("our clock is not synchronised, yet %r" % c)
        want = ("one-way delay: not trusted, the sender clock not "
                "synchronised (S bit clear in %d of %d replies;" % (COUNT,
                                                                    COUNT))
        if not line.startswith(want) or "reflector error 25.0 us" not in line:
            fail("want %r..., got %r" % (want, line))
    print("ok: %s" % line)


def start_reflector(*extra):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = subprocess.Popen([IPPM, "stamp", "reflector", "--listen",
                          "127.0.0.1", "--port", str(port), "--quiet",
                          *extra],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.3)
    return r, port


def scen_histogram():
    r, port = start_reflector()
    try:
        text = run_sender(port, "--histogram")
    finally:
        r.terminate()
        r.wait(10)
    heads = re.findall(r"^(\w+) histogram \(ms, (\d+) samples", text, re.M)
    if not heads or heads[0] != ("rtt", str(COUNT)):
        fail("no rtt histogram of %d samples:\n%s" % (COUNT, text))
    rows = re.findall(r"^ +(-?\d+\.\d+) - +(-?\d+\.\d+) \|[# ]+ (\d+)$",
                      text, re.M)
    trusted = "one-way delay: trusted" in text
    per = 3 if trusted else 1
    if sum(int(n) for _, _, n in rows) != per * COUNT:
        fail("histogram rows do not count every reply once:\n" + text)
    if [h[0] for h in heads] != (["rtt", "forward", "backward"] if trusted
                                 else ["rtt"]):
        fail("histograms %r with trusted=%r" % (heads, trusted))
    print("ok: %d histogram rows" % len(rows))


def scen_html():
    r, port = start_reflector()
    before = datetime.datetime.now(datetime.timezone.utc).replace(
        microsecond=0)
    try:
        with tempfile.TemporaryDirectory() as d:
            h = os.path.join(d, "run.html")
            run_sender(port, "--html", h)
            page = open(h, encoding="utf-8").read()
    finally:
        r.terminate()
        r.wait(10)
    m = re.search(r"started \(UTC\)</b><span>(\d{4}-\d\d-\d\dT\d\d:\d\d:"
                  r"\d\dZ)</span>", page)
    if not m:
        fail("no start time in the HTML report")
    when = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%SZ")
    when = when.replace(tzinfo=datetime.timezone.utc)
    after = datetime.datetime.now(datetime.timezone.utc)
    if not before <= when <= after:
        fail("start %s not between %s and %s" % (when, before, after))
    if not re.search(r"one-way delay</b><span>(not )?trusted", page):
        fail("no one-way delay verdict in the HTML report")
    print("ok: started %s" % m.group(1))


def followups(*refl_opts):
    """(Follow-Up ns, the previous reply's t3 ns) of every reply but the
    first, from --json."""
    r, port = start_reflector("--stateful", *refl_opts)
    try:
        with tempfile.TemporaryDirectory() as d:
            js = os.path.join(d, "run.json")
            run_sender(port, "--follow-up", "--json", js)
            pk = json.load(open(js))["packets"]
    finally:
        r.terminate()
        r.wait(10)
    if len(pk) != COUNT or any(p["state"] != "received" for p in pk):
        fail("want %d replies: %r" % (COUNT, pk))
    out = []
    for prev, p in zip(pk, pk[1:]):
        fu = [t for t in p["tlvs"] if t["type"] == "fu"][0]
        if fu["seq"] != prev["refl_seq"] or fu["mode"] != "sw":
            fail("Follow-Up %r after reply %d" % (fu, prev["refl_seq"]))
        sec, ns = fu["ts"].split(".")
        out.append((int(sec) * 10**9 + int(ns), prev["t3_ns"]))
    return out


def scen_followup():
    kernel = followups()
    # Timestamp field and Follow-Up both NTP: 1 ns of rounding each way.
    if any(fu < t3 - 1 or fu - t3 > 100 * 10**6 for fu, t3 in kernel):
        fail("Follow-Up before its Timestamp or 100 ms after: %r" % kernel)
    if not any(fu > t3 + 1 for fu, t3 in kernel):
        fail("Follow-Up is the Timestamp field, not the kernel's: %r"
             % kernel)
    field = followups("--no-tx-timestamps")
    if any(abs(fu - t3) > 1 for fu, t3 in field):
        fail("--no-tx-timestamps: Follow-Up is not the Timestamp: %r"
             % field)
    print("ok: kernel transmit time %s ns after the Timestamp field"
          % [fu - t3 for fu, t3 in kernel])


def scen_txts():
    r, port = start_reflector()
    try:
        with tempfile.TemporaryDirectory() as d:
            js = os.path.join(d, "run.json")
            text = run_sender(port, "--tx-timestamps", "--json", js)
            rep = json.load(open(js))
    finally:
        r.terminate()
        r.wait(10)
    want = ("T1: the kernel's transmit time for %d of %d sent "
            "(SO_TIMESTAMPING)" % (COUNT, COUNT))
    if want not in text:
        fail("want %r in:\n%s" % (want, text))
    if rep["tx_timestamps"] != {"kernel": True, "t1_from_kernel": COUNT}:
        fail("tx_timestamps: %r" % rep["tx_timestamps"])
    print("ok: " + want)


{"synced": scen_synced, "histogram": scen_histogram,
 "html": scen_html, "followup": scen_followup, "txts": scen_txts}.get(SCEN, lambda: fail("unknown scenario"))()
