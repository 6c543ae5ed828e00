"""The servers the hostile-input suite attacks, one profile each.

A profile says how to start the server on loopback, which UDP and TCP
ports it listens on, how to send one legitimate request and recognise its
reply, and what its summary on SIGTERM looks like. A new server (TWAMP and
OWAMP control and test, UDPST, RMBT, UDPing) is one more entry in PROFILES;
every attack of attacks.py then applies to it: the UDP attacks to its
`udp` service, the TCP attacks to its `tcp` service.

A profile is a dict:
  argv(ports)   the ippm arguments; ports["addr"] the address to listen on
                (a loopback one), ports["udp"] and ports["tcp"] free ports,
                ports["key"] a file holding KEY
  well_known    the UDP port the server listens on by default, where two
                instances of two operators meet (peer-loop), or None
  udp           None, or an object with request(seq, ssid=0) -> bytes (one
                legitimate request) and reply_seq(data) -> the seq a reply
                answers, or None when data is no reply
  tcp           None, or an object with probe(port, timeout, addr) -> True when a
                fresh client is served (an HTTP 200, a TWAMP greeting...)
                and slow_bytes() -> what a slow client trickles
  summary       a regex the server's stderr matches once it has stopped
  control       True for a TWAMP or OWAMP control listener on `tcp`: the
                CONTROL_ATTACKS of attacks.py apply to it
  banner        "stderr" when the server says "listening on" there
                (default: stdout)
  ready         what it says there instead of "listening on" (stderr)
  setup(srv)    None, or what makes srv's udp port listen once the
                server is up (a TWAMP test session set up over control);
                returns what to close with srv
The server prints "listening on" on stdout (or stderr) when it is ready.
"""
import hashlib
import hmac
import re
import socket
import struct
import subprocess
import threading
import time

import owtw
from net import free_port

KEY = b"hostile-suite-key"


class StampUdp:
    """STAMP test packets, RFC 8762 §4.2 (open and authenticated) with the
    SSID of RFC 8972 §3."""

    def __init__(self, auth):
        self.auth = auth

    def request(self, seq, ssid=0):
        if not self.auth:   # seq, timestamp, error estimate, SSID, MBZ
            return struct.pack("!IQHH28x", seq, 0, 0x8001, ssid)
        # seq, MBZ(12), timestamp, error estimate, SSID, MBZ(68), HMAC
        body = struct.pack("!I12xQHH68x", seq, 0, 0x8001, ssid)
        return body + hmac.new(KEY, body, hashlib.sha256).digest()[:16]

    def reply_seq(self, data):
        """The Session-Sender Sequence Number a reply echoes, or None."""
        off, base = (48, 112) if self.auth else (24, 44)
        if len(data) < base:
            return None
        return struct.unpack_from("!I", data, off)[0]


class TwampUdp(StampUdp):
    """TWAMP-Test in unauthenticated mode (RFC 5357 §4.1.2, §4.2.1): the
    layout of STAMP's open mode, which RFC 8762 took from it. A server's
    test session answers only the Sender Port its control client named:
    every session of the suite names sender_port, which the legitimate
    peer binds (net.Peer)."""

    def __init__(self):
        super().__init__(auth=False)
        self._port = None

    @property
    def sender_port(self):
        if self._port is None:
            self._port = free_port(socket.SOCK_DGRAM)
        return self._port


class TwampLightUdp:
    """TWAMP-Light test packets, RFC 5357 §4.1.2 (unauthenticated): 14
    octets and 27 of padding, so that the 41-octet reply (§4.2.1) is no
    larger than the request. There is no SSID."""

    def request(self, seq, ssid=0):
        return struct.pack("!IQH27x", seq, 0, 0x8001)

    def reply_seq(self, data):
        """The Sender Sequence Number a reply echoes, or None."""
        if len(data) < 41:
            return None
        return struct.unpack_from("!I", data, 24)[0]


class RmbtUdp:
    """RMBT UDP ping requests (notes rmbt-udp-ping §1-§3): RP01, seq, a
    token of now minted with KEY for 127.0.0.1, the legitimate peer. The
    server's 8-octet reply is no request: a loop through it dies at once.
    There is no SSID."""

    def request(self, seq, ssid=0):
        t = struct.pack("!I", int(time.time()) & 0xffffffff)
        ip = b"\0" * 10 + b"\xff\xff" + socket.inet_aton("127.0.0.1")
        ph = hmac.new(KEY, t, hashlib.sha256).digest()[:8]
        ih = hmac.new(KEY, t + ip, hashlib.sha256).digest()[:4]
        return b"RP01" + struct.pack("!I", seq & 0xffffffff) + t + ph + ih

    def reply_seq(self, data):
        """The sequence an RR01 or RE01 reply echoes, or None."""
        if len(data) != 8 or data[:4] not in (b"RR01", b"RE01"):
            return None
        return struct.unpack_from("!I", data, 4)[0]


class HttpGet:
    """One GET on a TCP listener; the reply must start with a 200."""

    def __init__(self, path):
        self.path = path

    def probe(self, port, timeout, addr="127.0.0.1"):
        """True when a fresh client is answered 200 within timeout."""
        try:
            with socket.create_connection((addr, port),
                                          timeout=timeout) as c:
                c.settimeout(timeout)
                c.sendall(b"GET %s HTTP/1.1\r\nHost: x\r\n"
                          b"Connection: close\r\n\r\n" % self.path.encode())
                head = c.recv(64)
                return head.startswith(b"HTTP/1.1 200") or \
                    head.startswith(b"HTTP/1.0 200")
        except OSError:
            return False

    def slow_bytes(self):
        """What a slow client trickles, one octet at a time: a request
        that never ends."""
        head = b"GET %s HTTP/1.1\r\nX-Slow: " % self.path.encode()
        return head + b"a" * 4096


class UdpingUdp:
    """UDPing version-1 datagrams (../shared/notes/udping.md §1): the
    server never answers, so a request counts as served when the server's
    -v line for it (`<guid>:<start>:<seq> - ...` on stdout) comes out.
    Every instance's stdout is read by a thread (attach); each peer starts
    afresh (reset). The legitimate peer's guid is LEGIT; an SSID makes
    another guid, so the session flood opens new sessions."""
    LEGIT = "1e9171e9171e9171e917"

    def __init__(self):
        self._seen = set()
        self._lock = threading.Lock()

    def request(self, seq, ssid=0):
        guid = self.LEGIT if ssid == 0 else "%020x" % ssid
        return struct.pack("<B7xq21s3xI4xqqI4x", 1, 1796000000,
                           guid.encode(), seq & 0xFFFFFFFF,
                           int(time.time()), 0, 72)

    def reply_seq(self, data):
        return None   # nothing ever comes back

    def attach(self, proc):
        def read():
            for line in proc.stdout:
                guid, _, rest = line.partition(":")
                if guid == self.LEGIT:
                    with self._lock:
                        self._seen.add(int(rest.split(":")[1].split()[0]))
        threading.Thread(target=read, daemon=True).start()

    def reset(self):
        with self._lock:
            self._seen.clear()

    def seen(self):
        with self._lock:
            return set(self._seen)


# RFC 8762 §4.2: the fields in which a reply differs from a request are
# MBZ in the request, ignored on receipt; one key signs the same 96
# octets in authenticated mode. Only the source tells a loop apart: the
# reflector's own address and port, and reflecting ports (issue 10 item 1).
STAMP_SUMMARY = re.compile(r"^ippm stamp reflector: received \d+", re.M)


def stamp_argv(extra):
    return lambda p: ["stamp", "reflector", "--listen", p["addr"],
                      "--port", str(p["udp"])] + extra(p)


TWAMP_UDP = TwampUdp()


def twamp_session(srv):
    """One test session on srv's udp port, started."""
    return owtw.open_session(srv, TWAMP_UDP.sender_port)


OWTW_EXTRA = ["--setup-timeout", "2"]


def owtw_argv(proto):
    """--setup-timeout 2 rather than 30, so that greeting-wait's silent
    clients are closed within the attack's time."""
    return lambda p: [proto, "server", "--listen", p["addr"],
                      "--port", str(p["tcp"])] + OWTW_EXTRA


PROFILES = {
    "stamp": dict(
        argv=stamp_argv(lambda p: []),
        udp=StampUdp(auth=False), tcp=None, summary=STAMP_SUMMARY,
        well_known=862),
    "stamp-stateful": dict(
        argv=stamp_argv(lambda p: ["--stateful"]),
        udp=StampUdp(auth=False), tcp=None, summary=STAMP_SUMMARY,
        well_known=862),
    "stamp-auth": dict(
        argv=stamp_argv(lambda p: ["--auth-key-file",
                                   p["key"]]),
        udp=StampUdp(auth=True), tcp=None, summary=STAMP_SUMMARY,
        well_known=862),
    # TWAMP Light (RFC 5357 Appendix I) on the STAMP reflector's loop.
    "twamp-light": dict(
        argv=lambda p: ["twamp", "light-reflector", "--listen", p["addr"],
                        "--port", str(p["udp"])],
        udp=TwampLightUdp(), tcp=None,
        summary=re.compile(r"^ippm twamp light-reflector: received \d+",
                           re.M),
        well_known=862),
    # The reflector's Prometheus listener; its UDP side is "stamp".
    "metrics-http": dict(
        argv=stamp_argv(lambda p: ["--metrics", "127.0.0.1:%d" % p["tcp"]]),
        udp=None, tcp=HttpGet("/metrics"), summary=STAMP_SUMMARY,
        well_known=None),
    # TWAMP (RFC 5357): the UDP attacks hit one started test session.
    "twamp-server": dict(
        argv=owtw_argv("twamp"), udp=TWAMP_UDP, tcp=owtw.Greeting(),
        well_known=None, setup=twamp_session, control=True,
        summary=re.compile(r"^twamp server: \d+ connections", re.M)),
    # OWAMP (RFC 4656): its test sockets only receive, so only control.
    "owamp-server": dict(
        argv=owtw_argv("owamp"), udp=None, tcp=owtw.Greeting(),
        well_known=None, control=True,
        summary=re.compile(r"^owamp server: \d+ connections", re.M)),
    # The RMBT UDP ping server: two worker threads, the suite's KEY as its
    # one secret (a secret file of one line); it logs on stderr.
    "rmbt": dict(
        argv=lambda p: ["rmbt", "server", "--bind", p["addr"],
                        "--port", str(p["udp"]), "--threads", "2",
                        "--secret-file", p["key"]],
        udp=RmbtUdp(), tcp=None, well_known=444, banner="stderr",
        ready="Listening on",
        summary=re.compile(r"^\d+ \[INFO\] Stopped: received \d+", re.M)),
    # UDPing (yahoo/UDPing): one-way, served = its -v line; -q: no JSON,
    # -N: no reverse DNS of the attackers.
    "udping": dict(
        argv=lambda p: ["udping", "server", "--listen", p["addr"],
                        "--port", str(p["udp"]), "-k", "1", "-N", "-v",
                        "-q"],
        udp=UdpingUdp(), tcp=None, banner="stderr", well_known=None,
        summary=re.compile(r"^ippm udping server: received \d+", re.M)),
}


class Server:
    """One running instance of a profile, with its ports and its output."""

    def __init__(self, ippm, name, tmp, tag="", addr="127.0.0.1",
                 udp_port=None):
        """udp_port: that port rather than a free one (a single try)."""
        self.name = name
        self.addr = addr
        self.prof = PROFILES[name]
        self.udp = self.prof["udp"]
        self.tcp = self.prof["tcp"]
        self.held = None   # what setup() returned
        key = "%s/key" % tmp
        with open(key, "wb") as f:
            f.write(KEY + b"\n")
        self.err_path = "%s/%s%s.err" % (tmp, name, tag)
        for _ in range(1 if udp_port else 5):
            self.ports = {"udp": udp_port or free_port(socket.SOCK_DGRAM),
                          "tcp": free_port(socket.SOCK_STREAM), "key": key,
                          "addr": addr}
            self.err = open(self.err_path, "w+")
            self.proc = subprocess.Popen(
                [ippm] + self.prof["argv"](self.ports),
                stdout=subprocess.PIPE, stderr=self.err, text=True)
            if self._banner() and self._ready() and self._setup():
                if hasattr(self.udp, "attach"):   # a one-way server
                    self.udp.attach(self.proc)
                return
            self.proc.kill()
            self.proc.wait()
        raise RuntimeError("%s did not start: %s" % (name, self.stderr()))

    @property
    def pid(self):
        return self.proc.pid

    @property
    def udp_port(self):
        return self.ports["udp"]

    @property
    def tcp_port(self):
        return self.ports["tcp"]

    def _banner(self):
        """Waits for "listening on" where the profile prints it."""
        if self.prof.get("banner") != "stderr":
            return "listening on" in self.proc.stdout.readline()
        end = time.monotonic() + 3
        while time.monotonic() < end and self.proc.poll() is None:
            if self.prof.get("ready", "listening on") in self.stderr():
                return True
            time.sleep(0.02)
        return False

    def _setup(self):
        if not self.prof.get("setup"):
            return True
        try:
            self.held = self.prof["setup"](self)
            return True
        except OSError as e:
            self.err.write("hostile: setup failed: %s\n" % e)
            return False

    def _ready(self):
        """Waits until the TCP listener, if any, answers."""
        if not self.tcp:
            return True
        end = time.monotonic() + 3
        while time.monotonic() < end:
            if self.tcp.probe(self.tcp_port, 0.5, addr=self.addr):
                return True
            time.sleep(0.05)
        return False

    def stderr(self):
        self.err.flush()
        with open(self.err_path) as f:
            return f.read()

    def stop(self, patience=2.0):
        """SIGTERM; returns (seconds to exit or None when it did not exit
        within patience and was killed, summary printed)."""
        if self.proc.poll() is not None:
            return 0.0, bool(self.prof["summary"].search(self.stderr()))
        t0 = time.monotonic()
        self.proc.terminate()
        try:
            self.proc.wait(patience)
            took = time.monotonic() - t0
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            took = None
        return took, bool(self.prof["summary"].search(self.stderr()))

    def kill(self):
        if self.held:
            self.held.close()
            self.held = None
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.err.close()
