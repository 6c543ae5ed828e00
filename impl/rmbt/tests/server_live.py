#!/usr/bin/python3
"""`ippm rmbt server` live on loopback (notes rmbt-udp-ping §4, §5).
Requests are made here with Python's hmac, their times relative to now.

  table     the §4 table, secret `topsecret`, over 127.0.0.1 and ::1 of one
            dual-stack server: valid RR01, another IP's hash RE01, wrong
            key / magic RP02 / 23 and 25 octets / t = now-4h-10s / now+40s
            dropped, now-4h+60s and now+25s RR01; every reply 8 octets,
            never more octets out than a third of those in
  nosecret  the same table's third column: RE01 for anything in the window
  sigusr1   no debug lines until SIGUSR1 ("Debug logging enabled"), then
            v2.2's lines for a request, none after the second SIGUSR1
  secrets   -s and a -f file with labels: secrets tried in order, the
            matched one named in the TRACE line, start lines list them; a
            warning when group or others may read the file
  threads   -t 2 -c 0-1,1000,1: CPUs 0 and 1 ("Using CPU cores: [0, 1]"),
            one thread pinned to each, both workers answer (flows from 32
            source ports), the summary adds up
  metrics   --metrics: Prometheus counters per drop reason and reply tag
  config    --config [rmbt-server] port and secret-file; a secret or seed
            in the file refused
  bind      -b 127.0.0.1 --bind ::1 at -t 2: four sockets, both answer;
            --deny-from ::1 drops (counted "denied"); a second server on
            the same port is refused (exit 3), not let into the group
  badcli    bad command lines: exit 2, one line `ippm: ...`, before any
            socket (the port stays with the test's own socket)

usage: server_live.py IPPM SCENARIO     exit 0 pass, 1 fail, 77 skip
"""
import atexit
import hashlib
import hmac
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
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import fail, free_port  # noqa: E402

IPPM, SCEN = sys.argv[1], sys.argv[2]
SECRET = b"topsecret"
RUNNING = []  # servers to kill if a check fails before their stop()


@atexit.register
def _kill_running():
    for p in RUNNING:
        if p.poll() is None:
            p.kill()
            p.wait()


def ip128(ip):
    if ":" in ip:
        return socket.inet_pton(socket.AF_INET6, ip)
    return b"\0" * 10 + b"\xff\xff" + socket.inet_aton(ip)


def request(seq, t, secret=SECRET, ip="127.0.0.1"):
    """RP01 ‖ seq ‖ time ‖ HMAC(time)[0:8] ‖ HMAC(time ‖ ip128)[0:4]."""
    tb = struct.pack("!I", t & 0xffffffff)
    ph = hmac.new(secret, tb, hashlib.sha256).digest()[:8]
    ih = hmac.new(secret, tb + ip128(ip), hashlib.sha256).digest()[:4]
    return b"RP01" + struct.pack("!I", seq) + tb + ph + ih


class Server:
    """The server with its stderr collected line by line."""

    def __init__(self, *args, port=None):
        self.port = port or free_port(host="::1")
        self.lines = []
        self.lock = threading.Lock()
        self.p = subprocess.Popen(
            [IPPM, "rmbt", "server", "-p", str(self.port)] + list(args),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        RUNNING.append(self.p)
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(r"worker thread\(s\) total")

    def _read(self):
        for line in self.p.stderr:
            with self.lock:
                self.lines.append(line.rstrip("\n"))

    def text(self):
        with self.lock:
            return list(self.lines)

    def wait_for(self, pattern, timeout=5.0, start=0):
        end = time.time() + timeout
        while time.time() < end:
            for line in self.text()[start:]:
                if re.search(pattern, line):
                    return line
            if self.p.poll() is not None and time.time() > end - timeout + 1:
                break
            time.sleep(0.02)
        fail("no line matching %r; stderr:\n%s" % (pattern,
                                                    "\n".join(self.text())))

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            fail("the server did not stop on SIGTERM")
        if rc != 0:
            fail("exit %d after SIGTERM" % rc)
        return self.wait_for(r"\[INFO\] Stopped: ")


def ask(sock, host, port, pkt, timeout=0.3):
    """The reply to pkt, or None."""
    sock.settimeout(timeout)
    sock.sendto(pkt, (host, port))
    try:
        data = sock.recv(2048)
    except socket.timeout:
        return None
    if len(data) != 8:
        fail("a %d-octet reply (never more than 8)" % len(data))
    return data


def table_rows(host, now, secret):
    """(name, request, expected tag or None for a drop) of notes §4."""
    good = request(1, now, ip=host)
    with_secret = secret is not None
    re01 = b"RE01"
    return [
        ("valid", good, b"RR01" if with_secret else re01),
        ("ip hash of 192.0.2.1", request(2, now, ip="192.0.2.1"), re01),
        ("wrong key", request(3, now, secret=b"other", ip=host),
         None if with_secret else re01),
        ("magic RP02", b"RP02" + good[4:], None),
        ("23 octets", good[:23], None),
        ("25 octets", good + b"\0", None),
        ("t = now-4h-10s", request(4, now - 14410, ip=host), None),
        ("t = now-4h+60s", request(5, now - 14400 + 60, ip=host),
         b"RR01" if with_secret else re01),
        ("t = now+25s", request(6, now + 25, ip=host),
         b"RR01" if with_secret else re01),
        ("t = now+40s", request(7, now + 40, ip=host), None),
        ("token time 0", b"RP01\0\0\0\x08" + b"\0" * 16, None),
    ]


def run_table(srv, secret):
    sent_octets = got_octets = 0
    for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        now = int(time.time())
        for name, pkt, want in table_rows(host, now, secret):
            r = ask(s, host, srv.port, pkt)
            sent_octets += len(pkt)
            got_octets += len(r) if r else 0
            tag = r[:4] if r else None
            if tag != want:
                fail("%s %s: %s, want %s" % (host, name, tag, want))
            if r and r[4:] != pkt[4:8]:
                fail("%s %s: sequence %s, want %s" % (host, name,
                                                      r[4:].hex(),
                                                      pkt[4:8].hex()))
        s.close()
    if got_octets * 3 > sent_octets:
        fail("%d octets out for %d in" % (got_octets, sent_octets))


def scen_table():
    srv = Server("-s", SECRET.decode(), "-t", "1")
    srv.wait_for(r"\[INFO\] Listening on all interfaces, port %d$" % srv.port)
    run_table(srv, SECRET)
    summary = srv.stop()
    for want in ("received 22", "RR01 6", "RE01 2", "length 4", "magic 2",
                 "expired 4", "future 2", "hash 2"):
        if want not in summary:
            fail("summary lacks %r: %s" % (want, summary))
    print("ok: the §4 table over 127.0.0.1 and ::1; " + summary)


def scen_nosecret():
    srv = Server("-t", "1")
    srv.wait_for(r"\[WARN\] No secret")
    run_table(srv, None)
    print("ok: no secret: " + srv.stop())


DEBUG_LINES = [
    r"^\d+ \[DEBUG\] Received \(len=24\): 52503031[0-9a-f]{40}$",
    r"^\d+ \[DEBUG\] Time difference: -?\d+\.\d{3} s$",
    r"^\d+ \[DEBUG\] Source address: ::ffff:127\.0\.0\.1 "
    r"\(00000000000000000000ffff7f000001\)$",
    r"^\d+ \[DEBUG\] HMAC packet received=([0-9a-f]{16}) expected=\1$",
    r"^\d+ \[TRACE\] Secret matched: secret_1$",
    r"^\d+ \[DEBUG\] HMAC IP received=([0-9a-f]{8}) expected=\1$",
    r"^\d+ \[DEBUG\] Sending response: 52523031[0-9a-f]{8}$",
]


def scen_sigusr1():
    srv = Server("-s", SECRET.decode(), "-t", "1")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if ask(s, "127.0.0.1", srv.port, request(1, int(time.time()))) is None:
        fail("no reply")
    time.sleep(0.2)
    if any("[DEBUG]" in line for line in srv.text()):
        fail("debug lines before SIGUSR1")
    srv.p.send_signal(signal.SIGUSR1)
    srv.wait_for(r"^Debug logging enabled$")
    mark = len(srv.text())
    if ask(s, "127.0.0.1", srv.port, request(2, int(time.time()))) is None:
        fail("no reply")
    srv.wait_for(r"Sending response", start=mark)
    got = srv.text()[mark:mark + len(DEBUG_LINES)]
    for pat, line in zip(DEBUG_LINES, got):
        if not re.match(pat, line):
            fail("debug line %r does not match %r" % (line, pat))
    srv.p.send_signal(signal.SIGUSR1)
    srv.wait_for(r"^Debug logging disabled$")
    mark = len(srv.text())
    ask(s, "127.0.0.1", srv.port, request(3, int(time.time())))
    time.sleep(0.2)
    if any("[DEBUG]" in line for line in srv.text()[mark:]):
        fail("debug lines after the second SIGUSR1")
    srv.stop()
    print("ok: SIGUSR1 toggles debug; lines as v2.2's sample")


def scen_secrets():
    with tempfile.NamedTemporaryFile("w", suffix=".secrets") as f:
        f.write("# RMBT secrets\n\n  alpha  ops team\nbeta\n   # x\n"
                "gamma lab\n")
        f.flush()
        srv = Server("--secret", "first", "--secret-file", f.name, "-t", "1",
                     "-d")
        for i, label in enumerate(("secret_1", "ops team", "secret_3",
                                   "lab")):
            srv.wait_for(r"\[INFO\] Secret %d: %s$" % (i + 1, label))
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        for seq, (key, label) in enumerate(((b"gamma", "lab"),
                                            (b"first", "secret_1"),
                                            (b"beta", "secret_3"),
                                            (b"alpha", "ops team"))):
            mark = len(srv.text())
            r = ask(s, "::1", srv.port,
                    request(seq, int(time.time()), secret=key, ip="::1"))
            if not r or r[:4] != b"RR01":
                fail("secret %s: %s" % (key, r))
            srv.wait_for(r"\[TRACE\] Secret matched: %s$" % label, start=mark)
        if ask(s, "::1", srv.port, request(9, int(time.time()),
                                           secret=b"delta", ip="::1")):
            fail("an unknown secret answered")
        srv.stop()
        if any("readable by group" in line for line in srv.text()):
            fail("a warning for a file of mode 0600")
        # readable by others: a warning, and the server runs
        os.chmod(f.name, 0o644)
        srv = Server("--secret-file", f.name, "-t", "1")
        srv.wait_for(r"^ippm: warning: secret file '%s' is readable by "
                     r"group or others \(chmod 600 it\)$" % re.escape(f.name))
        srv.stop()
    print("ok: -s first, then the file's secrets in order, labels shown")


def pinned(pid):
    """{tid: Cpus_allowed_list} of every thread of pid."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
            for line in f:
                if line.startswith("Cpus_allowed_list:"):
                    out[tid] = line.split()[1]
    return out


def scen_threads():
    if not {0, 1} <= os.sched_getaffinity(0):
        print("skip: CPUs 0 and 1 are not both available")
        sys.exit(77)
    srv = Server("-s", SECRET.decode(), "-t", "2", "-c", "0-1,1000,1")
    srv.wait_for(r"\[INFO\] Using CPU cores: \[0, 1\]$")
    srv.wait_for(r"\[INFO\] 2 socket\(s\), 2 worker thread\(s\) total$")
    # threads on one CPU each (a sanitizer's own thread runs on any)
    cpus = sorted(c for c in pinned(srv.p.pid).values() if c.isdigit())
    if cpus != ["0", "1"]:
        fail("threads pinned to %s, want one on 0 and one on 1" % cpus)
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
             for _ in range(32)]
    for i, s in enumerate(socks):
        r = ask(s, "127.0.0.1", srv.port, request(i, int(time.time())),
                timeout=1)
        if not r or r[:4] != b"RR01":
            fail("source port %d: %s" % (s.getsockname()[1], r))
    summary = srv.stop()
    m = re.search(r"received (\d+), .* per worker received (\d+), (\d+)$",
                  summary)
    if not m or int(m.group(1)) != 32 or \
            int(m.group(2)) + int(m.group(3)) != 32:
        fail("summary: %s" % summary)
    if min(int(m.group(2)), int(m.group(3))) == 0:
        fail("one worker answered everything of 32 flows: %s" % summary)
    print("ok: 2 workers pinned to 0 and 1, both answer; " + summary)


def scen_metrics():
    mport = free_port(kind=socket.SOCK_STREAM)
    srv = Server("-s", SECRET.decode(), "-t", "2", "--metrics",
                 "127.0.0.1:%d" % mport)
    run_table(srv, SECRET)
    time.sleep(0.3)
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % mport,
                                timeout=5) as r:
        text = r.read().decode()
    want = {
        'ippm_rmbt_server_requests_received_total': 22,
        'ippm_rmbt_server_replies_total{tag="RR01"}': 6,
        'ippm_rmbt_server_replies_total{tag="RE01"}': 2,
        'ippm_rmbt_server_dropped_total{reason="hash"}': 2,
        'ippm_rmbt_server_dropped_total{reason="length"}': 4,
        'ippm_rmbt_server_dropped_total{reason="magic"}': 2,
        'ippm_rmbt_server_dropped_total{reason="expired"}': 4,
        'ippm_rmbt_server_dropped_total{reason="future"}': 2,
    }
    for series, n in want.items():
        m = re.search(r"^%s (\d+)$" % re.escape(series), text, re.M)
        if not m or int(m.group(1)) != n:
            fail("%s: %s, want %d\n%s" % (series, m and m.group(1), n, text))
    srv.stop()
    print("ok: Prometheus counts every reply by tag and drop by reason")


def scen_config():
    with tempfile.TemporaryDirectory() as d:
        sec = os.path.join(d, "secrets")
        with open(sec, "w") as f:
            f.write("topsecret main\n")
        port = free_port(host="::1")
        conf = os.path.join(d, "ippm.conf")
        with open(conf, "w") as f:
            f.write("[rmbt-server]\nport = %d\nsecret-file = %s\n"
                    "threads = 1\n" % (port, sec))
        srv = Server("--config", conf, port=port)
        srv.wait_for(r"Secret 1: main$")
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        r = ask(s, "127.0.0.1", port, request(1, int(time.time())))
        if not r or r[:4] != b"RR01":
            fail("config server: %s" % r)
        srv.stop()
        for key in ("secret", "seed"):
            with open(conf, "w") as f:
                f.write("[rmbt-server]\n%s = topsecret\n" % key)
            p = subprocess.run([IPPM, "rmbt", "server", "--config", conf],
                               capture_output=True, text=True, timeout=10)
            if p.returncode != 2 or len(p.stderr.splitlines()) != 1:
                fail("config with %s: exit %d, %r" % (key, p.returncode,
                                                      p.stderr))
    print("ok: [rmbt-server] read; secret and seed keys refused")


def scen_bind():
    srv = Server("-s", SECRET.decode(), "-t", "2", "-b", "127.0.0.1",
                 "--bind", "::1", "--deny-from", "::1", "-d")
    for host in ("127.0.0.1", "::1"):
        srv.wait_for(r"\[INFO\] Listening on %s, port %d$"
                     % (re.escape(host), srv.port))
    srv.wait_for(r"\[INFO\] 4 socket\(s\), 2 worker thread\(s\) total$")
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    r = ask(s4, "127.0.0.1", srv.port, request(1, int(time.time())))
    if not r or r[:4] != b"RR01":
        fail("127.0.0.1: %s" % r)
    # v2.2 shows an IPv4 source mapped also on an IPv4 socket
    srv.wait_for(r"Source address: ::ffff:127\.0\.0\.1 ")
    if ask(s6, "::1", srv.port, request(2, int(time.time()), ip="::1")):
        fail("--deny-from ::1 answered")
    srv.wait_for(r"\[DEBUG\] Dropped: denied$")
    # SO_REUSEPORT would let a second server take part of the flows: it
    # is refused (exit 3) while this one holds the port
    p = subprocess.run([IPPM, "rmbt", "server", "-p", str(srv.port), "-b",
                        "127.0.0.1"], capture_output=True, text=True,
                       timeout=10)
    if p.returncode != 3 or "Address already in use" not in p.stderr or \
            len(p.stderr.splitlines()) != 1:
        fail("a second server on the port: exit %d, %r" % (p.returncode,
                                                            p.stderr))
    summary = srv.stop()
    if "denied 1" not in summary or "RR01 1" not in summary:
        fail("summary: %s" % summary)
    print("ok: -b 127.0.0.1 --bind ::1, 4 sockets; --deny-from ::1; "
          + summary)


def scen_badcli():
    held = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    held.bind(("::", 0))
    port = held.getsockname()[1]
    with tempfile.TemporaryDirectory() as d:
        empty = os.path.join(d, "empty")
        open(empty, "w").close()
        comments = os.path.join(d, "comments")
        with open(comments, "w") as f:
            f.write("# nothing\n\n   \n")
        cases = [
            ["-s", ""], ["--secret", "  "], ["-f", empty], ["--seed-file",
                                                            comments],
            ["-f", os.path.join(d, "missing")], ["-p", "0"],
            ["-p", "70000"], ["-t", "0"], ["-t", "65"], ["-c", "x"],
            ["-c", "1000-1001"], ["-b", "[::1"], ["--bogus"], ["extra"],
            ["--rate-burst", "5"], ["--metrics", "nonsense"], ["-t"],
        ]
        for args in cases:
            argv = [IPPM, "rmbt", "server"] + args
            if "-p" not in args:
                argv += ["-p", str(port)]
            p = subprocess.run(argv, capture_output=True, text=True,
                               timeout=10)
            lines = p.stderr.splitlines()
            if p.returncode != 2 or len(lines) != 1 or \
                    not lines[0].startswith("ippm: "):
                fail("%s: exit %d, stderr %r" % (args, p.returncode,
                                                  p.stderr))
    held.close()
    print("ok: %d bad command lines: exit 2, one line, nothing bound"
          % len(cases))


SCENARIOS = {"table": scen_table, "nosecret": scen_nosecret,
             "sigusr1": scen_sigusr1, "secrets": scen_secrets,
             "threads": scen_threads, "metrics": scen_metrics,
             "config": scen_config, "bind": scen_bind,
             "badcli": scen_badcli}

if __name__ == "__main__":
    SCENARIOS[SCEN]()
