#!/usr/bin/python3
"""Live tests of --metrics (Prometheus, scraped with curl) and --agentx
(SNMP, through a private snmpd in AgentX master mode, read with snmpwalk).

    metrics_live.py IPPM MIB_FILE MODE
    MODE: prom_reflector | prom_sender | prom_errors | prom_slow | snmp | mib

prom_slow (issue 10 item 9): slow and half-open HTTP clients cannot keep
/metrics from a fresh client. Sixteen clients from one address trickling
a header hold at most the per-address limit; then clients from sixteen
addresses fill every slot, trickling an octet every 0.2 s or sending
nothing, and the server still shuts every one of them down (a trickle
does not extend a request's time) and answers a fresh client.

Exit 0 pass, 1 fail, 77 skip (curl, snmpd or snmpwalk missing). Never
touches the system's snmpd or port 161: snmpd runs from a temporary
directory on a free loopback port with its own config and state.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import free_port  # noqa: E402

IPPM, MIB, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
TMP = tempfile.mkdtemp(prefix="ippm-metrics-")
PROCS = []
ROOT = "1.3.6.1.4.1.8072.9999.9999.862"  # NET-SNMP-MIB::netSnmpPlaypen.862
REFL = ROOT + ".1.1.1"
SEND = ROOT + ".1.1.2"
HMAC_CODE = 4  # IPPM_ERR_HMAC in proto/common/ippm_err.h


def fail(msg):
    print("FAIL (%s): %s" % (MODE, msg), file=sys.stderr)
    for name in sorted(os.listdir(TMP)):
        if name.endswith((".out", ".err", ".log")):
            text = open(os.path.join(TMP, name), errors="replace").read()
            if text:
                print("--- %s\n%s" % (name, text), file=sys.stderr)
    sys.exit(1)


def cleanup():
    for p in PROCS:
        if p.poll() is None:
            p.kill()
            p.wait()
    shutil.rmtree(TMP, ignore_errors=True)


def start(name, argv, **kw):
    out = open(os.path.join(TMP, name + ".out"), "w")
    err = open(os.path.join(TMP, name + ".err"), "w")
    p = subprocess.Popen(argv, stdout=out, stderr=err, **kw)
    PROCS.append(p)
    return p


def wait_for(what, pred, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    fail("timed out waiting for " + what)


def read(name):
    return open(os.path.join(TMP, name)).read()


def start_reflector(port, *opts):
    p = start("refl", [IPPM, "stamp", "reflector", "--listen", "127.0.0.1",
                       "--port", str(port)] + list(opts))
    wait_for("reflector", lambda: "listening on" in read("refl.out") or
             p.poll() is not None)
    if p.poll() is not None:
        fail("reflector exited with %d" % p.returncode)
    return p


def stop(p, name):
    p.send_signal(signal.SIGINT)
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        fail("%s did not stop on SIGINT" % name)
    if rc != 0:
        fail("%s exit status %d after SIGINT" % (name, rc))


def sender(name, port, count, *opts, rc=0, background=False):
    argv = [IPPM, "stamp", "sender", "127.0.0.1", "--port", str(port),
            "--count", str(count), "--no-progress"] + list(opts)
    p = start(name, argv)
    if background:
        return p
    if p.wait(timeout=60) != rc:
        fail("sender %s exit status %d, expected %d" % (name, p.returncode,
                                                         rc))
    return p


def key_files():
    good, bad = os.path.join(TMP, "key"), os.path.join(TMP, "bad")
    with open(good, "w") as f:
        f.write("metrics-shared-secret\n")
    with open(bad, "w") as f:
        f.write("not-the-secret\n")
    os.chmod(good, 0o600)
    os.chmod(bad, 0o600)
    return good, bad


# ---- Prometheus ----

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def curl(url, *opts):
    r = subprocess.run(["curl", "-sS", "--max-time", "5"] + list(opts) +
                       [url], capture_output=True, text=True)
    if r.returncode != 0:
        fail("curl %s: %s" % (url, r.stderr.strip()))
    return r.stdout


def scrape(port):
    """Scrapes /metrics with curl and parses the text format strictly:
    returns {(name, frozenset(labels)): value}, checking that every series
    follows the # HELP and # TYPE of its family."""
    out = curl("http://127.0.0.1:%d/metrics" % port, "-i")
    # text mode: curl's CRLFs arrive as newlines
    head, _, body = out.partition("\n\n")
    if not head.startswith("HTTP/1.1 200"):
        fail("scrape status: " + head.splitlines()[0])
    if "content-type: text/plain; version=0.0.4" not in head.lower():
        fail("scrape content type: " + head)
    series, helped, typed = {}, set(), {}
    for line in body.splitlines():
        if line.startswith("# HELP "):
            helped.add(line.split()[2])
            continue
        if line.startswith("# TYPE "):
            _, _, fam, kind = line.split()
            if fam in typed:
                fail("family %s typed twice" % fam)
            typed[fam] = kind
            continue
        m = LINE.match(line)
        if not m:
            fail("not a text-format line: %r" % line)
        name, labels = m.group(1), {}
        if m.group(3):
            pos = 0
            for lm in LABEL.finditer(m.group(3)):
                if lm.start() != pos:
                    fail("bad labels: %r" % line)
                labels[lm.group(1)] = lm.group(2)
                pos = lm.end()
            if pos != len(m.group(3)):
                fail("bad labels: %r" % line)
        fam = re.sub(r"_(sum|count)$", "", name) \
            if typed.get(re.sub(r"_(sum|count)$", "", name)) == "summary" \
            else name
        if fam not in typed or fam not in helped:
            fail("series before its HELP/TYPE: %r" % line)
        series[(name, frozenset(labels.items()))] = float(m.group(4))
    return series


def val(s, name, **labels):
    key = (name, frozenset(labels.items()))
    if key not in s:
        fail("no series %s%s" % (name, labels or ""))
    return s[key]


def expect(s, name, want, **labels):
    got = val(s, name, **labels)
    if got != want:
        fail("%s%s = %s, expected %s" % (name, labels or "", got, want))


def test_prom_reflector():
    good, bad = key_files()
    port, mport = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_STREAM)
    r = start_reflector(port, "--stateful", "--auth-key-file", good,
                        "--metrics", "127.0.0.1:%d" % mport)
    s = scrape(mport)
    expect(s, "ippm_stamp_reflector_packets_received_total", 0)
    expect(s, "ippm_stamp_reflector_sessions", 0)
    # Other paths and methods.
    code = curl("http://127.0.0.1:%d/" % mport, "-o", "/dev/null", "-w",
                "%{http_code}")
    if code != "404":
        fail("GET / gave %s, expected 404" % code)
    code = curl("http://127.0.0.1:%d/metrics" % mport, "-o", "/dev/null",
                "-w", "%{http_code}", "-X", "POST", "-d", "x")
    if code != "405":
        fail("POST /metrics gave %s, expected 405" % code)

    sender("good", port, 20, "--interval", "0.005", "--wait", "1",
           "--auth-key-file", good)
    sender("bad", port, 7, "--interval", "0.005", "--wait", "0.5",
           "--auth-key-file", bad, rc=1)
    # A datagram below the base length: dropped as short.
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.sendto(b"\0" * 10, ("127.0.0.1", port))
    u.close()

    s = wait_for("the reflector to count 28 packets", lambda: (lambda x: x if val(
        x, "ippm_stamp_reflector_packets_received_total") == 28 else None)(
        scrape(mport)))
    expect(s, "ippm_stamp_reflector_packets_sent_total", 20)
    expect(s, "ippm_stamp_reflector_send_failures_total", 0)
    expect(s, "ippm_stamp_reflector_hmac_failures_total", 7)
    expect(s, "ippm_stamp_reflector_packets_dropped_total", 7, reason="hmac")
    expect(s, "ippm_stamp_reflector_packets_dropped_total", 1, reason="short")
    drops = {dict(k[1])["reason"]: v for k, v in s.items()
             if k[0] == "ippm_stamp_reflector_packets_dropped_total"}
    if sum(drops.values()) != 8 or len(drops) < 10:
        fail("drop reasons: %s" % drops)
    # Only the good sender's packets made a session (a bad HMAC makes no
    # state).
    expect(s, "ippm_stamp_reflector_sessions", 1)
    expect(s, "ippm_stamp_reflector_sessions_evicted_total", 0)
    stop(r, "reflector")
    if "received 28, replied 20, dropped 8" not in read("refl.err"):
        fail("reflector summary disagrees with the scrape")


RELAY = r'''
import select, socket, struct, sys
lport, rport, drop = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
front.bind(("127.0.0.1", lport))
back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
back.connect(("127.0.0.1", rport))
print("ready", flush=True)
client = None
while True:
    r, _, _ = select.select([front, back], [], [])
    if front in r:
        data, client = front.recvfrom(65535)
        if struct.unpack("!I", data[:4])[0] != drop:
            back.send(data)
    if back in r:
        front.sendto(back.recv(65535), client)
'''


def test_prom_sender():
    port, lport = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM)
    mport = free_port(socket.SOCK_STREAM)
    r = start_reflector(port)
    # A relay that loses request 19 (the last): the sender then waits out
    # --wait with every counter final, which is when we scrape.
    relay = start("relay", [sys.executable, "-c", RELAY, str(lport),
                            str(port), "19"])
    wait_for("relay", lambda: "ready" in read("relay.out"))
    js = os.path.join(TMP, "s.json")
    p = sender("s", lport, 20, "--interval", "0.05", "--wait", "4",
               "--json", js, "--metrics", "127.0.0.1:%d" % mport,
               background=True)

    def mid():
        try:
            x = scrape_quiet(mport)
        except OSError:
            return None
        n = val(x, "ippm_stamp_sender_packets_sent_total")
        return x if 3 <= n < 20 else None
    s = wait_for("a scrape while sending", mid)
    sent = val(s, "ippm_stamp_sender_packets_sent_total")
    got = val(s, "ippm_stamp_sender_packets_received_total")
    if got > sent:
        fail("mid-run: received %s > sent %s" % (got, sent))

    def final():
        x = scrape_quiet(mport)
        done = val(x, "ippm_stamp_sender_packets_sent_total") == 20 and \
            val(x, "ippm_stamp_sender_rtt_seconds_count",
                peer="127.0.0.1:%d" % lport, ssid="0") == 19
        return x if done else None
    wait_for("sent 20 and 19 RTTs", final)
    # Quantiles trail sum and count by up to STAMP_RTT_PUBLISH_NS (0.1 s);
    # the sender still has over 3 s of --wait to go.
    time.sleep(0.5)
    s = final() or fail("counters moved during --wait")
    if p.wait(timeout=30) != 0:
        fail("sender exit status %d" % p.returncode)
    j = json.load(open(js))
    if j["sent"] != 20 or j["received"] != 19:
        fail("sender JSON: sent %s received %s" % (j["sent"], j["received"]))
    lab = {"peer": "127.0.0.1:%d" % lport, "ssid": "0"}
    expect(s, "ippm_stamp_sender_packets_received_total", 19)
    expect(s, "ippm_stamp_sender_hmac_failures_total", 0)
    expect(s, "ippm_stamp_sender_icmp_errors_total", 0)
    expect(s, "ippm_stamp_sender_short_replies_total", 0)
    expect(s, "ippm_stamp_sender_rtt_seconds_count", j["rtt_ms"]["n"], **lab)
    # The same nearest-rank quantiles as the run's own report.
    for q, k in (("0.5", "median"), ("0.95", "p95"), ("0.99", "p99")):
        got = val(s, "ippm_stamp_sender_rtt_seconds", quantile=q, **lab)
        if abs(got - j["rtt_ms"][k] / 1e3) > 1e-9:
            fail("quantile %s = %r s, JSON %s = %r ms" % (q, got, k,
                                                          j["rtt_ms"][k]))
    total = val(s, "ippm_stamp_sender_rtt_seconds_sum", **lab)
    if abs(total - j["rtt_ms"]["avg"] * j["rtt_ms"]["n"] / 1e3) > 1e-7:
        fail("rtt sum %r s, JSON avg*n %r ms" % (total, j["rtt_ms"]["avg"] *
                                                 j["rtt_ms"]["n"]))
    relay.kill()
    stop(r, "reflector")


def scrape_quiet(port):
    r = subprocess.run(["curl", "-sS", "--max-time", "5",
                        "http://127.0.0.1:%d/metrics" % port],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise OSError(r.stderr)
    out = {}
    for line in r.stdout.splitlines():
        m = LINE.match(line)
        if m and not line.startswith("#"):
            labels = dict((a, b) for a, b, _ in LABEL.findall(m.group(3) or ""))
            out[(m.group(1), frozenset(labels.items()))] = float(m.group(4))
    return out


class Slow:
    """Clients that connect from src and then trickle a request header an
    octet at a time (or, half_open, send nothing); never reconnect."""
    HEAD = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: "

    def __init__(self, port, src, n, half_open=False):
        self.socks, self.sent = [], []
        for _ in range(n):
            s = socket.socket()
            s.bind((src, 0))
            s.connect(("127.0.0.1", port))
            s.setblocking(False)
            self.socks.append(s)
            self.sent.append(-1 if half_open else 0)

    def _step(self, i):
        """Reads what the server sent on connection i and trickles its next
        octet; False when the server has closed it."""
        s = self.socks[i]
        try:
            if s.recv(4096) == b"":
                return False
        except BlockingIOError:
            pass
        if self.sent[i] >= 0:
            k = self.sent[i]
            s.send(self.HEAD[k:k + 1] if k < len(self.HEAD) else b"a")
            self.sent[i] += 1
        return True

    def open_count(self):
        """Trickles one octet on each open connection; returns how many the
        server has not closed."""
        n = 0
        for i, s in enumerate(self.socks):
            if s is None:
                continue
            try:
                alive = self._step(i)
            except BlockingIOError:
                alive = True  # the send buffer is full: still open
            except OSError:
                alive = False
            if not alive:
                s.close()
                self.socks[i] = None
            n += alive
        return n

    def close(self):
        for s in self.socks:
            if s is not None:
                s.close()


def fresh_scrape(port):
    """One GET /metrics from 127.0.0.1; the status, or None if refused,
    reset or not answered within 2 s."""
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=2,
                                     source_address=("127.0.0.1", 0))
        c.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n"
                  b"Connection: close\r\n\r\n")
        data = b""
        while True:
            b = c.recv(65536)
            if not b:
                break
            data += b
        c.close()
    except OSError:
        return None
    return data.split(b"\r\n", 1)[0].decode(errors="replace")


def trickle_until(clients, what, pred, timeout):
    end = time.time() + timeout
    while time.time() < end:
        counts = [c.open_count() for c in clients]
        if pred(counts):
            return counts
        time.sleep(0.2)
    fail("timed out waiting for %s (open: %r)" % (what, counts))


def test_prom_slow():
    port, mport = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_STREAM)
    r = start_reflector(port, "--metrics", "127.0.0.1:%d" % mport)
    scrape(mport)
    # One address: at most 4 of its 16 connections stay; a client from
    # another address is answered meanwhile.
    one = Slow(mport, "127.0.0.2", 16)
    trickle_until([one], "the per-address limit", lambda c: c[0] <= 4, 10)
    st = fresh_scrape(mport)
    if st != "HTTP/1.1 200 OK":
        fail("fresh client beside one slow address: %r" % st)
    # Sixteen addresses, 4 each, trickling or silent: all slots taken.
    # However they trickle, each is shut down; a fresh client is then
    # answered (it retries while the slots are held).
    many = [Slow(mport, "127.0.1.%d" % i, 4, half_open=i % 2 == 0)
            for i in range(1, 17)]
    trickle_until([one] + many, "slow clients shut down",
                  lambda c: sum(c) == 0, 60)
    answered = None
    for _ in range(30):
        answered = fresh_scrape(mport)
        if answered == "HTTP/1.1 200 OK":
            break
    if answered != "HTTP/1.1 200 OK":
        fail("fresh client after the slow ones: %r" % answered)
    for c in [one] + many:
        c.close()
    scrape(mport)
    stop(r, "reflector")


def test_prom_errors():
    port = free_port(socket.SOCK_DGRAM)
    # A name that does not resolve is 3, as in every command (issue 11).
    for bad, want in (("127.0.0.1", 2), ("127.0.0.1:0", 2),
                      ("127.0.0.1:70000", 2), ("::1:9100", 2),
                      ("[::1]9100", 2), ("127.0.0.1:x", 2),
                      ("nosuchhost.invalid:9100", 3)):
        for role in (["reflector", "--port", str(port)],
                     ["sender", "127.0.0.1", "--port", str(port)]):
            r = subprocess.run([IPPM, "stamp"] + role + ["--metrics", bad],
                               capture_output=True, text=True, timeout=20)
            lines = r.stderr.splitlines()
            if r.returncode != want or len(lines) != 1 or \
                    not lines[0].startswith("ippm: --metrics: "):
                fail("--metrics %r (%s): exit %d, stderr %r" %
                     (bad, role[0], r.returncode, r.stderr))
    # Port in use: exit 3, one line.
    hold = socket.socket()
    hold.bind(("127.0.0.1", 0))
    hold.listen()
    taken = hold.getsockname()[1]
    r = subprocess.run([IPPM, "stamp", "reflector", "--port", str(port),
                        "--metrics", "127.0.0.1:%d" % taken],
                       capture_output=True, text=True, timeout=20)
    if r.returncode != 3 or "Address already in use" not in r.stderr or \
            len(r.stderr.splitlines()) != 1:
        fail("port in use: exit %d, stderr %r" % (r.returncode, r.stderr))
    hold.close()


# ---- SNMP ----

def snmpwalk(aport, base):
    r = subprocess.run(["snmpwalk", "-v2c", "-c", "public", "-On", "-m", "",
                        "-r", "1", "-t", "2", "127.0.0.1:%d" % aport, base],
                       capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, MIBS="", MIBDIRS="/nonexistent"))
    out = {}
    for line in r.stdout.splitlines():
        m = re.match(r'^\.(\S+) = (\w+): (.*)$', line)
        if m:
            v = m.group(3)
            out[m.group(1)] = (m.group(2), v.strip('"'))
    return out


def mib_oids():
    """Object name -> numeric OID under ROOT, from IPPM-MIB itself."""
    text = re.sub(r'"[^"]*"', '""', open(MIB).read())  # strings hold ':'
    text = re.sub(r"--[^\n]*", "", text)
    text = text[text.index(";") + 1:]  # past IMPORTS
    nodes = {"netSnmpPlaypen": "1.3.6.1.4.1.8072.9999.9999"}
    for name, parent, arc in re.findall(
            r"(\w+)\s+(?:OBJECT IDENTIFIER|OBJECT-TYPE|MODULE-IDENTITY|"
            r"OBJECT-GROUP|MODULE-COMPLIANCE)[^:]*?::=\s*\{\s*(\w+)\s+(\d+)\s*\}",
            text, re.S):
        nodes[name] = (parent, arc)
    def resolve(n):
        v = nodes[n]
        return v if isinstance(v, str) else resolve(v[0]) + "." + v[1]
    return {n: resolve(n) for n in nodes}


def start_snmpd():
    aport = free_port(socket.SOCK_DGRAM)
    sock = os.path.join(TMP, "agentx.sock")
    conf = os.path.join(TMP, "snmpd.conf")
    with open(conf, "w") as f:
        f.write("master agentx\n"
                "agentXSocket %s\n"
                "agentXPerms 0600 0700\n"
                "agentaddress udp:127.0.0.1:%d\n"
                "rocommunity public 127.0.0.1\n"
                "dontLogTCPWrappersConnects yes\n" % (sock, aport))
    # -C: this config only; state under TMP, not /var/lib/snmp.
    snmpd = shutil.which("snmpd", path=os.environ.get("PATH", "") +
                         ":/usr/sbin:/sbin")
    start("snmpd", [snmpd, "-f", "-Lo", "-C", "-c", conf, "-M",
                    "/nonexistent", "-m", "", "-p",
                    os.path.join(TMP, "snmpd.pid")],
          env=dict(os.environ, SNMP_PERSISTENT_DIR=TMP, MIBS=""))
    wait_for("snmpd's AgentX socket", lambda: os.path.exists(sock))
    return aport, sock


def c64(w, oid):
    if oid not in w:
        fail("snmpwalk has no %s" % oid)
    return int(w[oid][1])


def test_snmp():
    for tool in ("snmpd", "snmpwalk"):
        if not shutil.which(tool, path=os.environ.get("PATH", "") +
                            ":/usr/sbin:/sbin"):
            print("%s not installed: skipped" % tool)
            sys.exit(77)
    good, bad = key_files()
    aport, sock = start_snmpd()
    port = free_port(socket.SOCK_DGRAM)
    r = start_reflector(port, "--auth-key-file", good, "--agentx", sock)
    wait_for("the sub-agent's registration",
             lambda: REFL + ".1.0" in snmpwalk(aport, ROOT))
    sender("good", port, 20, "--interval", "0.005", "--wait", "1",
           "--auth-key-file", good)
    sender("bad", port, 7, "--interval", "0.005", "--wait", "0.5",
           "--auth-key-file", bad, rc=1)
    w = wait_for("27 packets over SNMP", lambda: (lambda x: x if c64(
        x, REFL + ".1.0") == 27 else None)(snmpwalk(aport, ROOT)))
    with open(os.path.join(TMP, "walk.log"), "w") as f:
        f.write("".join("%s = %s: %s\n" % (k, t, v)
                        for k, (t, v) in w.items()))
    want = {".1.0": 27, ".2.0": 20, ".3.0": 0, ".4.0": 7, ".6.0": 0,
            ".7.1.3.%d" % HMAC_CODE: 7}
    for suffix, n in want.items():
        if c64(w, REFL + suffix) != n:
            fail("%s = %s, expected %d" % (REFL + suffix, w[REFL + suffix],
                                           n))
    if w[REFL + ".1.0"][0] != "Counter64" or w[REFL + ".5.0"][0] != "Gauge32":
        fail("types: %s %s" % (w[REFL + ".1.0"], w[REFL + ".5.0"]))
    if w.get(REFL + ".7.1.2.%d" % HMAC_CODE) != ("STRING", "hmac"):
        fail("drop table name column: %s" %
             w.get(REFL + ".7.1.2.%d" % HMAC_CODE))
    # Every OID served is an object of IPPM-MIB (scalars .0, table cells
    # .index), and every reflector object of the MIB is served.
    objs = mib_oids()
    served = set()
    for oid in w:
        parts = oid.split(".")
        cut = ".".join(parts[:-1])
        if cut not in objs.values():
            fail("%s is not an IPPM-MIB object instance" % oid)
        served.add(cut)
    for name, oid in objs.items():
        if name.startswith("ippmStampReflector") and \
                name not in ("ippmStampReflector", "ippmStampReflectorGroup") \
                and not name.endswith(("Table", "Entry", "DropReason")) \
                and oid not in served:
            fail("IPPM-MIB's %s (%s) is not served" % (name, oid))
    stop(r, "reflector")
    # With its master there, the sub-agent says nothing on stderr.
    for line in read("refl.err").splitlines():
        if not line.startswith(("ippm stamp reflector: ", "  dropped ")):
            fail("unexpected reflector stderr line %r" % line)

    # The sender's subtree, while it waits out --wait after a wrong key.
    s = sender("snd", port, 5, "--interval", "0.01", "--wait", "5",
               "--auth-key-file", bad, "--agentx", sock, background=True)
    r2 = start_reflector(port, "--auth-key-file", good)
    w = wait_for("the sender's counters over SNMP", lambda: (lambda x: x if (
        SEND + ".1.0" in x and c64(x, SEND + ".1.0") == 5) else None)(
        snmpwalk(aport, SEND)))
    if c64(w, SEND + ".2.0") != 0 or c64(w, SEND + ".8.0") != 0:
        fail("sender received/rtt count: %s %s" % (w[SEND + ".2.0"],
                                                   w[SEND + ".8.0"]))
    if w[SEND + ".10.0"] != ("Gauge32", "0"):
        fail("median before any reply: %s" % (w[SEND + ".10.0"],))
    s.send_signal(signal.SIGINT)
    s.wait(timeout=10)
    stop(r2, "reflector")


def test_mib():
    """snmptranslate loads IPPM-MIB. It imports SNMPv2-SMI, -TC and -CONF,
    which Debian ships only in non-free (snmp-mibs-downloader): skipped
    when they are not on the MIB path or in $IPPM_MIBDIRS."""
    dirs = [d for d in os.environ.get("IPPM_MIBDIRS", "").split(":") if d]
    dirs += ["/usr/share/snmp/mibs", "/usr/share/snmp/mibs/ietf",
             "/usr/share/mibs/ietf", os.path.expanduser("~/.snmp/mibs")]
    have = [d for d in dirs if os.path.exists(os.path.join(d,
                                                           "SNMPv2-SMI.txt"))]
    if not shutil.which("snmptranslate") or not have:
        print("snmptranslate or the SNMPv2-SMI module not found: skipped")
        sys.exit(77)
    path = ":".join(dirs + [os.path.dirname(os.path.abspath(MIB))])
    r = subprocess.run(["snmptranslate", "-M", path, "-m", "IPPM-MIB", "-On",
                        "IPPM-MIB::ippmStampReflectorDropPackets",
                        "IPPM-MIB::ippmStampSenderRttP99"],
                       capture_output=True, text=True, timeout=30)
    want = [".%s.7.1.3" % REFL, ".%s.12" % SEND]
    if r.returncode != 0 or r.stdout.split() != want or r.stderr.strip():
        fail("snmptranslate: exit %d, out %r, err %r" % (
            r.returncode, r.stdout, r.stderr))


try:
    if not shutil.which("curl") and MODE.startswith("prom"):
        print("curl not installed: skipped")
        sys.exit(77)
    {"prom_reflector": test_prom_reflector, "prom_sender": test_prom_sender,
     "prom_errors": test_prom_errors, "prom_slow": test_prom_slow,
     "snmp": test_snmp,
     "mib": test_mib}[MODE]()
    print("PASS (%s)" % MODE)
finally:
    cleanup()
