"""ippm udping server on loopback, what the replay test does not cover:
  ipv6       -l ::1, an IPv6 sender, -r as to_host, -N: from_host "::1"
  keepalive  a session is reported about -k after its last packet, not
             before, and the server keeps running
  sigterm    every open session reported at SIGTERM, exit 0, summary
  malformed  short, size, version and guid drops counted by reason (the
             summary, --metrics), one warning per reason (rate-limited)
  quiet      -q: no JSON, statsd only; --statsd-level both: the host:port
             datagram, then the host-level one
  root       started as root, it runs as nobody after binding (skipped
             when not root)

usage: udping_server_live.py IPPM [SCENARIO ...]"""
import json
import os
import pwd
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import free_port  # noqa: E402

IPPM = sys.argv[1]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def packet(guid, seq, size=100, version=1, sent_ns=None):
    t = time.time_ns() if sent_ns is None else sent_ns
    hdr = struct.pack("<B7xq21s3xI4xqqI4x", version, 1796000000,
                      guid.encode(), seq, t // 10**9, t % 10**9, size)
    return hdr + bytes(max(size - 72, 0))


class Server:
    def __init__(self, *args, host="127.0.0.1"):
        self.port = free_port(host=host)
        self.p = subprocess.Popen(
            [IPPM, "udping", "server", "-l", host, "-p", str(self.port)] +
            list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        self.banner = self.p.stderr.readline()
        self.host = host

    def sock(self):
        fam = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.connect((self.host, self.port))
        return s

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        out, err = self.p.communicate(timeout=10)
        return self.p.returncode, out, err


def sc_ipv6():
    s = Server("-N", "-k", "1", "-r", "probe.example", host="::1")
    check("listening on [::1]:%d" % s.port in s.banner, "banner " + s.banner.strip())
    c = s.sock()
    for i in range(5):
        c.send(packet("aaaaaaaaaaaaaaaaaaa6", i))
    time.sleep(0.2)
    rc, out, err = s.stop()
    rows = [json.loads(l) for l in out.splitlines()]
    check(rc == 0 and len(rows) == 1, "one session over IPv6 (exit %d)" % rc)
    if rows:
        r = rows[0]
        check(r["from_host"] == "::1" and r["to_host"] == "probe_example"
              and r["from_port"] == str(c.getsockname()[1])
              and r["count"] == "5" and r["targetCount"] == "5",
              "from ::1, to_host probe_example, 5/5: %s" % r)


def sc_keepalive():
    s = Server("-N", "-k", "1")
    c = s.sock()
    for i in range(3):
        c.send(packet("bbbbbbbbbbbbbbbbbbbb", i))
    t0 = time.monotonic()
    line = s.p.stdout.readline()
    took = time.monotonic() - t0
    check('"guid":"bbbbbbbbbbbbbbbbbbbb"' in line and 0.9 <= took <= 2.5,
          "reported %.2f s after the last packet (-k 1)" % took)
    check(s.p.poll() is None, "still running after the flush")
    c.send(packet("bbbbbbbbbbbbbbbbbbbb", 3))   # a new session, same guid
    time.sleep(0.1)
    rc, out, err = s.stop()
    check(rc == 0 and out.count("bbbbbbbbbbbbbbbbbbbb") == 1,
          "the late packet's session reported at SIGTERM")


def sc_sigterm():
    s = Server("-N", "-k", "60")
    c = s.sock()
    for g in range(20):
        c.send(packet("%020x" % g, 0))
    time.sleep(0.2)
    t0 = time.monotonic()
    rc, out, err = s.stop()
    check(rc == 0 and len(out.splitlines()) == 20,
          "SIGTERM: 20 open sessions reported, exit %d, %.3f s"
          % (rc, time.monotonic() - t0))
    check("20 sessions reported" in err, "summary: " + err.strip().splitlines()[-1])


def sc_malformed():
    mport = free_port(socket.SOCK_STREAM)
    s = Server("-N", "-k", "1", "--metrics", "127.0.0.1:%d" % mport)
    c = s.sock()
    good = packet("cccccccccccccccccccc", 0)
    bad_guid = bytearray(good)
    bad_guid[36] = ord("x")   # no NUL after the 20 characters
    for _ in range(3):
        c.send(b"\x01" * 40)                          # short
        c.send(good[:90])                             # size
        c.send(b"\x02" + good[1:])                    # version
        c.send(bytes(bad_guid))                       # guid
    c.send(good)
    time.sleep(0.3)
    try:
        text = urllib.request.urlopen(
            "http://127.0.0.1:%d/metrics" % mport, timeout=5).read().decode()
    except OSError as e:
        text = str(e)
    for reason in ("short", "size", "version", "guid"):
        check('ippm_udping_server_datagrams_dropped_total{reason="%s"} 3'
              % reason in text, "metrics: 3 dropped as %s" % reason)
    check("ippm_udping_server_datagrams_received_total 13" in text,
          "metrics: 13 received")
    rc, out, err = s.stop()
    warns = [l for l in err.splitlines() if "(from " in l]
    check(len(warns) == 4, "one warning per reason: %s" % warns)
    check("Malformed packet - size 40 is less than header size 72" in err and
          "Malformed packet - expected 100, got 90" in err and
          "Incorrect protocol version.  Expected 1, got 2" in err,
          "the original's warning texts")
    check("dropped (short 3, size 3, version 3, guid 3, table 0)" in err and
          out.count("cccccccccccccccccccc") == 1, "summary counts, the good one reported")


def sc_quiet():
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    sink.settimeout(2)
    s = Server("-N", "-q", "-k", "1", "-s", "127.0.0.1:%d" % sink.getsockname()[1],
               "--statsd-level", "both")
    c = s.sock()
    c.send(packet("dddddddddddddddddddd", 0))
    d = []
    try:
        for _ in range(2):
            d.append(sink.recv(4096).decode())
    except socket.timeout:
        pass
    rc, out, err = s.stop()
    check(out == "" and len(d) == 2 and
          d[0].startswith("127_0_0_1.%d.127_0_0_1.%d.count:1|c\n"
                          % (c.getsockname()[1], s.port)) and
          d[1].startswith("127_0_0_1.127_0_0_1.count:1|c\n"),
          "-q: nothing on stdout; statsd by port, then by host: %r" % d)


def sc_root():
    if os.geteuid() != 0:
        print("skip root: not root")
        return
    s = Server("-N")
    time.sleep(0.2)
    with open("/proc/%d/status" % s.p.pid) as f:
        uid = [l.split()[1] for l in f if l.startswith("Uid:")][0]
    check(int(uid) == pwd.getpwnam("nobody").pw_uid,
          "started as root, runs as nobody (uid %s)" % uid)
    s.stop()


SCENARIOS = {"ipv6": sc_ipv6, "keepalive": sc_keepalive, "sigterm": sc_sigterm,
             "malformed": sc_malformed, "quiet": sc_quiet, "root": sc_root}

if __name__ == "__main__":
    for name in sys.argv[2:] or list(SCENARIOS):
        print("== " + name)
        SCENARIOS[name]()
    print("%d failed" % len(failures))
    sys.exit(1 if failures else 0)
