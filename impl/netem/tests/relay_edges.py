#!/usr/bin/python3
"""What the relay's truth file says at its edges (issue 10 item 11).

  relay_edges.py IPPM toobig|nosocket|stop

toobig    datagrams of 3000 and 65507 octets through --max-size 2048 are
          dropped as too-big with their true lengths (they were recorded
          as 2048 whatever their size); a 100-octet one is forwarded.
nosocket  with RLIMIT_NOFILE too low for a socket per client, 30 clients:
          the ones without an upstream socket are dropped as
          no-upstream-socket, none as flow-table-full (the table of 256
          is nearly empty).
stop      three datagrams delayed 60 s when SIGINT comes: each has its
          "delayed" line and then a "discarded" line, the summary counts
          3 discarded and 0 sent, and stderr says so.

Exit 0 pass, 1 fail.
"""
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

IPPM, SCEN = sys.argv[1], sys.argv[2]
TMP = tempfile.mkdtemp(prefix="ippm-relay-edges-")


def fail(msg):
    print("FAIL (%s): %s" % (SCEN, msg), file=sys.stderr)
    for name in ("relay.out", "relay.err"):
        p = os.path.join(TMP, name)
        if os.path.exists(p):
            print("--- %s\n%s" % (name, open(p).read()), file=sys.stderr)
    sys.exit(1)


def udp(addr="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    s.bind((addr, 0))
    return s


def start_relay(server, *args, nofile=None):
    lport = udp().getsockname()[1]  # a free port (closed when collected)
    truth = os.path.join(TMP, "truth.jsonl")

    def limit():
        if nofile:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    out = open(os.path.join(TMP, "relay.out"), "w")
    err = open(os.path.join(TMP, "relay.err"), "w")
    p = subprocess.Popen(
        [IPPM, "relay", "--listen", "127.0.0.1:%d" % lport, "--to",
         "127.0.0.1:%d" % server.getsockname()[1], "--proto", "none",
         "--truth", truth] + list(args), stdout=out, stderr=err,
        preexec_fn=limit)
    end = time.time() + 20
    while "listening on" not in open(os.path.join(TMP, "relay.out")).read():
        if p.poll() is not None or time.time() > end:
            fail("relay did not start")
        time.sleep(0.05)
    return p, lport, truth


def fds(p):
    return len(os.listdir("/proc/%d/fd" % p.pid))


def stop_relay(p, truth):
    p.send_signal(signal.SIGINT)
    if p.wait(timeout=20) != 0:
        fail("relay exit %d after SIGINT" % p.returncode)
    recs = [json.loads(l) for l in open(truth)]
    if not recs or not recs[-1].get("summary"):
        fail("no summary in the truth file")
    return recs[:-1], recs[-1]


def wait_fds(p, n, what):
    end = time.time() + 20
    while fds(p) < n:
        if time.time() > end:
            fail("relay never handled " + what)
        time.sleep(0.05)


def scen_toobig():
    server = udp()
    p, lport, truth = start_relay(server, "--max-size", "2048")
    c = udp()
    base = fds(p)
    c.sendto(b"x" * 3000, ("127.0.0.1", lport))
    wait_fds(p, base + 1, "the first datagram")  # its flow's socket
    c.sendto(b"y" * 65507, ("127.0.0.1", lport))
    c.sendto(b"z" * 100, ("127.0.0.1", lport))
    server.settimeout(20)
    got = server.recv(70000)
    if got != b"z" * 100:
        fail("server got %d octets, not the 100-octet datagram" % len(got))
    recs, summ = stop_relay(p, truth)
    seen = [(r["idx"], r["len"], r["action"], r.get("why")) for r in recs]
    want = [(0, 3000, "dropped", "too-big"), (1, 65507, "dropped", "too-big"),
            (2, 100, "forwarded", None)]
    if seen != want:
        fail("truth %r, want %r" % (seen, want))
    if summ["fwd"]["dropped_by"]["too-big"] != 2:
        fail("summary %r" % summ["fwd"])


def scen_nosocket():
    server = udp()
    p, lport, truth = start_relay(server, nofile=12)
    clients = [udp() for _ in range(30)]
    for c in clients:
        c.sendto(b"q" * 64, ("127.0.0.1", lport))
    # Every datagram is handled before the stop: the relay reads them in
    # order, and a last one from the first client (which has a flow)
    # comes through to the server.
    clients[0].sendto(b"END", ("127.0.0.1", lport))
    server.settimeout(20)
    while server.recv(2048) != b"END":
        pass
    recs, summ = stop_relay(p, truth)
    by = summ["fwd"]["dropped_by"]
    print("fwd: received %d, dropped_by %s" % (summ["fwd"]["received"], by))
    if by["flow-table-full"] != 0:
        fail("%d counted as flow-table-full with the table nearly empty"
             % by["flow-table-full"])
    if by["no-upstream-socket"] < 1:
        fail("no datagram counted as no-upstream-socket")
    whys = {r.get("why") for r in recs if r["action"] == "dropped"}
    if whys != {"no-upstream-socket"}:
        fail("truth drop reasons %r" % whys)
    if "Too many open files" not in open(os.path.join(TMP,
                                                      "relay.err")).read():
        fail("stderr does not name EMFILE")


def scen_stop():
    server = udp()
    p, lport, truth = start_relay(server, "--fwd-delay", "60s")
    base = fds(p)
    clients = [udp() for _ in range(3)]
    for c in clients:
        c.sendto(b"d" * 64, ("127.0.0.1", lport))
    wait_fds(p, base + 3, "three datagrams")  # a flow socket each
    recs, summ = stop_relay(p, truth)
    delayed = sorted(r["idx"] for r in recs if r["action"] == "delayed")
    discarded = sorted(r["idx"] for r in recs if r["action"] == "discarded")
    if delayed != [0, 1, 2] or discarded != [0, 1, 2]:
        fail("delayed %r, discarded %r; want [0, 1, 2] both"
             % (delayed, discarded))
    last = {}
    for i, r in enumerate(recs):
        last[r["idx"]] = r["action"]
    if set(last.values()) != {"discarded"}:
        fail("a discarded line before its delayed one: %r" % recs)
    f = summ["fwd"]
    if f["discarded"] != 3 or f["sent"] != 0 or f["delayed"] != 3:
        fail("summary %r" % f)
    err = open(os.path.join(TMP, "relay.err")).read()
    if "discarded 3 (queued at the stop)" not in err:
        fail("stderr does not count the discarded datagrams")


try:
    {"toobig": scen_toobig, "nosocket": scen_nosocket,
     "stop": scen_stop}[SCEN]()
    print("PASS (%s)" % SCEN)
finally:
    shutil.rmtree(TMP, ignore_errors=True)
