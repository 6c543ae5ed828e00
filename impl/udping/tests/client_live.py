#!/usr/bin/python3
"""ippm udping client, live (issue 13): two network namespaces joined by a
veth pair, because raw frames injected on lo never reach a local socket
(notes §9).
  raw IPv4 and IPv6: frames captured on the peer's end of the veth have
    checksums scapy finds correct (IP header, UDP over the whole
    datagram), IPv4 ID 0 / no DF / TTL 255, IPv6 hop limit 255, the sizes
    the headers say, zero padding, source ports round robin, next-hop
    MACs round robin per port, sequence numbers from 0 per port;
  plain UDP on the namespace's loopback, run as nobody (no root needed);
  end to end to `ippm udping server`: raw IPv4, raw IPv6, plain UDP;
  a stall (SIGSTOP) restarts the schedule instead of a burst;
  not root but with a file CAP_NET_RAW: no capability left once running;
  the send intervals (from the sent timestamps in the headers, at the
    receiver) against the exponential of mean -d (Kolmogorov-Smirnov),
    and ports used evenly.
    client_live.py IPPM
Skips (77) when not root or without ip netns / scapy."""
import math
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

ETH_P_ALL = 0x0003
DPORT = 6000
MAC_A = "02:00:00:00:00:0a"
MAC_B = "02:00:00:00:00:0b"
MAC_X = "02:00:00:00:00:99"  # a second next hop that does not exist


def capture(ifname, out, n, timeout):
    """In the peer namespace: every UDP frame to DPORT on ifname, as hex."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.settimeout(0.2)
    open(out + ".ready", "w").close()
    frames, end = [], time.time() + timeout
    while len(frames) < n and time.time() < end:
        try:
            f, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        et = struct.unpack("!H", f[12:14])[0]
        off = 14 + (20 if et == 0x0800 else 40 if et == 0x86dd else 0)
        proto = f[23] if et == 0x0800 else f[20] if et == 0x86dd else 0
        if off > 14 and proto == 17 and \
                struct.unpack("!H", f[off + 2:off + 4])[0] == DPORT:
            frames.append(f.hex())
    open(out, "w").write("\n".join(frames) + "\n")


def receive(addr, out, n, timeout):
    """A plain UDP receiver: (arrival, source port, payload hex) lines."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, DPORT))
    s.settimeout(0.2)
    open(out + ".ready", "w").close()
    got, end = [], time.time() + timeout
    while len(got) < n and time.time() < end:
        try:
            p, src = s.recvfrom(65535)
        except socket.timeout:
            continue
        got.append("%d %d %s" % (time.time_ns(), src[1], p.hex()))
    open(out, "w").write("\n".join(got) + "\n")


def header(p):
    """The version-1 header (notes §1): version, start, guid, seq, sent
    ns, size."""
    ver = p[0]
    start, = struct.unpack_from("<q", p, 8)
    guid = p[16:36].decode("ascii", "replace")
    seq, = struct.unpack_from("<I", p, 40)
    sec, nsec = struct.unpack_from("<qq", p, 48)
    size, = struct.unpack_from("<I", p, 64)
    return ver, start, guid, seq, sec * 10**9 + nsec, size


def ks_exp(gaps, mean_ms):
    """Kolmogorov-Smirnov D of sorted gaps (ms) against the exponential of
    mean_ms, truncated at 10 x mean_ms as the sender caps each gap."""
    m = len(gaps)
    cap = 10 * mean_ms
    top = 1 - math.exp(-cap / mean_ms)
    d = 0.0
    for i, g in enumerate(gaps):
        f = (1 - math.exp(-min(g, cap) / mean_ms)) / top
        d = max(d, abs(f - i / m), abs((i + 1) / m - f))
    return d


class Live:
    def __init__(self, ippm):
        self.ippm = ippm
        self.failures = 0
        self.dir = tempfile.mkdtemp(prefix="ippm-udping-")
        self.a = "ippm-udpA-%d" % os.getpid()
        self.b = "ippm-udpB-%d" % os.getpid()

    def check(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            self.failures += 1

    def ip(self, *args):
        subprocess.run(["ip"] + list(args), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def setup(self):
        self.ip("netns", "add", self.a)
        self.ip("netns", "add", self.b)
        ina = ["-n", self.a]
        inb = ["-n", self.b]
        self.ip(*ina, "link", "add", "vA", "type", "veth", "peer", "name",
                "vB", "netns", self.b)
        self.ip(*ina, "link", "set", "vA", "address", MAC_A)
        self.ip(*inb, "link", "set", "vB", "address", MAC_B)
        self.ip(*ina, "addr", "add", "10.99.0.1/24", "dev", "vA")
        self.ip(*inb, "addr", "add", "10.99.0.2/24", "dev", "vB")
        self.ip(*ina, "-6", "addr", "add", "fd99::1/64", "dev", "vA", "nodad")
        self.ip(*inb, "-6", "addr", "add", "fd99::2/64", "dev", "vB", "nodad")
        for ns, dev in ((self.a, "vA"), (self.b, "vB"), (self.a, "lo"),
                        (self.b, "lo")):
            self.ip("-n", ns, "link", "set", dev, "up")
        self.ip("-n", self.b, "link", "set", "vB", "promisc", "on")
        for _ in range(50):
            st = [subprocess.run(["ip", "netns", "exec", ns, "cat",
                                  "/sys/class/net/%s/operstate" % d],
                                 capture_output=True, text=True).stdout.strip()
                  for ns, d in ((self.a, "vA"), (self.b, "vB"))]
            if st == ["up", "up"]:
                break
            time.sleep(0.1)

    def cleanup(self):
        for ns in (self.a, self.b):
            subprocess.run(["ip", "netns", "del", ns],
                           stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", self.dir])

    def background(self, ns, mode, *args):
        out = os.path.join(self.dir, "%s-%d" % (mode, time.monotonic_ns()))
        p = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable,
                              os.path.abspath(__file__), mode] +
                             [str(a) for a in args] + [out])
        for _ in range(100):
            if os.path.exists(out + ".ready"):
                break
            time.sleep(0.05)
        return p, out

    def client(self, args, user=None):
        cmd = ["ip", "netns", "exec", self.a]
        if user:
            pw = __import__("pwd").getpwnam(user)
            cmd += ["setpriv", "--reuid=%d" % pw.pw_uid,
                    "--regid=%d" % pw.pw_gid, "--clear-groups"]
        cmd += [self.ippm, "udping", "client"] + args
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60)

    # ---- raw frames ----

    def raw(self, v6):
        from scapy.layers.l2 import Ether
        from scapy.layers.inet import IP, UDP
        from scapy.layers.inet6 import IPv6
        n, ports = 60, [5000, 5001, 5002]
        cap, out = self.background(self.b, "--capture", "vB", n, 20)
        dst = "[fd99::2]:%d" % DPORT if v6 else "10.99.0.2:%d" % DPORT
        src = "fd99::1" if v6 else "10.99.0.1"
        r = self.client(["-r", dst, "-l", src, "-s", "5000-5002", "-a",
                         MAC_B + "," + MAC_X, "-d", "2", "-m", "300",
                         "-c", str(n), "--seed", "7"])
        cap.wait(timeout=30)
        name = "raw IPv6" if v6 else "raw IPv4"
        self.check(r.returncode == 0 and "%d sent" % n in r.stdout,
                   "%s: client exit %d, %s" % (name, r.returncode,
                                               r.stdout.strip().splitlines()[-4:-3] or r.stderr))
        frames = [bytes.fromhex(l) for l in open(out).read().split()]
        self.check(len(frames) == n, "%s: %d of %d frames captured on the peer"
                   % (name, len(frames), n))
        bad, seqs, sizes, macs = [], {}, set(), {}
        for i, f in enumerate(frames):
            e = Ether(f)
            l3 = e[IPv6] if v6 else e[IP]
            u = e[UDP]
            pay = bytes(u.payload)
            # scapy recomputes what it is told to forget: equal means right.
            if v6:
                again = Ether(bytes(e))
                del again[UDP].chksum
                ok_ck = Ether(bytes(again))[UDP].chksum == u.chksum
                ok_ip = l3.hlim == 255 and l3.nh == 17 and l3.tc == 0 and \
                    l3.fl == 0 and l3.plen == len(pay) + 8
            else:
                again = Ether(bytes(e))
                del again[IP].chksum
                del again[UDP].chksum
                again = Ether(bytes(again))
                ok_ck = again[IP].chksum == l3.chksum and \
                    again[UDP].chksum == u.chksum
                ok_ip = l3.ttl == 255 and l3.id == 0 and l3.flags == 0 and \
                    l3.frag == 0 and l3.proto == 17 and l3.ihl == 5 and \
                    l3.len == 20 + 8 + len(pay)
            ver, start, guid, seq, sent, size = header(pay)
            port_i = ports.index(u.sport) if u.sport in ports else -1
            want_mac = [MAC_B, MAC_X][port_i % 2] if port_i >= 0 else None
            ok = (ok_ck and ok_ip and u.chksum != 0 and u.dport == DPORT and
                  u.sport == ports[i % 3] and e.src == MAC_A and
                  e.dst == want_mac and ver == 1 and size == len(pay) and
                  72 <= size <= 299 and u.len == 8 + size and
                  pay[72:] == bytes(size - 72) and
                  seq == seqs.get(u.sport, -1) + 1)
            seqs[u.sport] = seq
            sizes.add(size)
            macs.setdefault(e.dst, set()).add(u.sport)
            if not ok:
                bad.append((i, u.sport, e.dst, ok_ck, ok_ip, seq, size))
        self.check(not bad, "%s: every frame right (checksums by scapy, "
                   "headers, size, zero padding, ports and seq round robin, "
                   "next hop per port)%s" % (name, "" if not bad else
                                             ": bad %r" % bad[:3]))
        self.check(macs == {MAC_B: {5000, 5002}, MAC_X: {5001}},
                   "%s: next hops round robin per port: %s" % (
                       name, {m: sorted(p) for m, p in macs.items()}))
        self.check(len(sizes) > 10, "%s: %d different sizes in [72, 299]"
                   % (name, len(sizes)))
        # The check itself can fail: one octet changed in the padding must
        # make scapy's UDP checksum differ from the frame's.
        f = bytearray(frames[0])
        f[-1] ^= 0x01
        e = Ether(bytes(f))
        again = Ether(bytes(e))
        del again[UDP].chksum
        self.check(Ether(bytes(again))[UDP].chksum != e[UDP].chksum,
                   "%s: a frame with one octet changed fails the same check"
                   % name)
        return r

    def raw_drops_root(self):
        """With -a the client runs as nobody once its socket is open."""
        p = subprocess.Popen(["ip", "netns", "exec", self.a, self.ippm,
                              "udping", "client", "-r", "10.99.0.2:6000",
                              "-l", "10.99.0.1", "-s", "5000", "-a", MAC_B,
                              "-d", "100", "-q"])
        user = ""
        for _ in range(50):
            time.sleep(0.1)
            try:
                st = open("/proc/%d/status" % p.pid).read()
            except OSError:
                break
            if "udping" in open("/proc/%d/cmdline" % p.pid).read():
                uid = [l.split()[1] for l in st.splitlines()
                       if l.startswith("Uid:")][0]
                if uid != "0":
                    user = uid
                    break
        p.terminate()
        p.wait(timeout=5)
        # Its --json is written as nobody: a folder only root can write is
        # refused before any frame.
        ro = os.path.join(self.dir, "root-only")
        os.makedirs(ro, mode=0o700, exist_ok=True)
        r = self.client(["-r", "10.99.0.2:6000", "-l", "10.99.0.1", "-s",
                         "5000", "-a", MAC_B, "-c", "5", "--json",
                         os.path.join(ro, "x.json")])
        self.check(r.returncode == 3 and not r.stdout and
                   len(r.stderr.splitlines()) == 1,
                   "raw: --json where nobody cannot write: exit %d, %s" % (
                       r.returncode, r.stderr.strip()))
        nobody = str(__import__("pwd").getpwnam("nobody").pw_uid)
        self.check(user == nobody, "raw: root dropped to nobody (uid %s) "
                   "once the socket is open" % (user or "0"))

    def raw_file_capability(self):
        """Not root but given CAP_NET_RAW by a file capability, the client
        sends raw frames and holds no capability once its socket is
        open."""
        import shutil
        if not shutil.which("setcap"):
            print("skip (no setcap): raw frames with a file capability")
            return
        exe = os.path.join(self.dir, "ippm-cap")
        shutil.copy(self.ippm, exe)
        os.chmod(exe, 0o755)
        subprocess.run(["setcap", "cap_net_raw+ep", exe], check=True)
        pw = __import__("pwd").getpwnam("nobody")
        p = subprocess.Popen(["ip", "netns", "exec", self.a, "setpriv",
                              "--reuid=%d" % pw.pw_uid,
                              "--regid=%d" % pw.pw_gid, "--clear-groups",
                              exe, "udping", "client", "-r", "10.99.0.2:6000",
                              "-l", "10.99.0.1", "-s", "5000", "-a", MAC_B,
                              "-d", "50", "-c", "30", "-q"])
        caps = None
        for _ in range(30):
            time.sleep(0.05)
            try:
                st = open("/proc/%d/status" % p.pid).read()
                if os.readlink("/proc/%d/exe" % p.pid) == exe:
                    caps = [l.split()[1] for l in st.splitlines()
                            if l.startswith(("CapEff:", "CapPrm:"))]
                    if caps == ["0000000000000000"] * 2:
                        break
            except OSError:
                pass
        rc = p.wait(timeout=20)
        self.check(rc == 0 and caps == ["0000000000000000"] * 2,
                   "raw as nobody with a file CAP_NET_RAW: exit %d, "
                   "capabilities once running %s" % (rc, caps))

    # ---- end to end, to ippm's server ----

    def to_server(self, v6, raw):
        """Every packet the client says it sent from a port is counted by
        `ippm udping server` under that port, as expected, across guid
        rollovers (-i 1)."""
        import json
        name = "%s %s to ippm udping server" % ("raw" if raw else "plain",
                                                "IPv6" if v6 else "IPv4")
        out = os.path.join(self.dir, "server-%d-%d.out" % (v6, raw))
        srv = subprocess.Popen(["ip", "netns", "exec", self.b, self.ippm,
                                "udping", "server", "-p", "6002", "-k", "1",
                                "-N"], stdout=open(out, "w"),
                               stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        # With -a the client is nobody when it writes its --json.
        os.chmod(self.dir, 0o711)
        os.makedirs(os.path.join(self.dir, "out"), exist_ok=True)
        os.chmod(os.path.join(self.dir, "out"), 0o777)
        js = os.path.join(self.dir, "out", "client-%d-%d.json" % (v6, raw))
        dst = "[fd99::2]:6002" if v6 else "10.99.0.2:6002"
        args = ["-r", dst, "-s", "5000-5002", "-d", "5", "-i", "1",
                "-m", "1400", "-c", "450", "--json", js, "-q"]
        if raw:
            args += ["-l", "fd99::1" if v6 else "10.99.0.1", "-a", MAC_B]
        r = self.client(args)
        time.sleep(0.5)
        srv.terminate()  # it reports every session still open
        srv.wait(timeout=10)
        sent = {}
        if r.returncode:
            print(r.stderr)
        else:
            sent = {p["port"]: p["sent"] for p in json.load(open(js))["ports"]}
        got, sessions, short = {}, 0, 0
        for line in open(out):
            o = json.loads(line)
            port = int(o["from_port"])
            got[port] = got.get(port, 0) + int(o["count"])
            sessions += 1
            short += o["count"] != o["targetCount"]
        self.check(r.returncode == 0 and got == sent and not short and
                   sessions >= 6, "%s: counted per port %s, sent %s, %d "
                   "sessions, count = targetCount in each" % (
                       name, got, sent, sessions))

    # ---- plain UDP ----

    def plain(self, n, delay, ports, user, tag):
        rx, out = self.background(self.a, "--recv", "127.0.0.1", n, 60)
        r = self.client(["127.0.0.1:%d" % DPORT, "-s", ports, "-d", delay,
                         "-m", "200", "-c", str(n), "-q"], user=user)
        rx.wait(timeout=90)
        got = []
        for line in open(out).read().split("\n"):
            if line:
                t, sport, hexp = line.split()
                got.append((int(t), int(sport), bytes.fromhex(hexp)))
        self.check(r.returncode == 0 and len(got) == n,
                   "%s: client exit %d%s, %d of %d datagrams received" % (
                       tag, r.returncode, (" " + r.stderr.strip())
                       if r.stderr else "", len(got), n))
        return got

    def plain_check(self):
        got = self.plain(30, "2", "5000,5001,5000", "nobody",
                         "plain UDP as nobody")
        sp = [s for _, s, _ in got]
        self.check(sp == [5000, 5001, 5000] * 10,
                   "plain UDP: source ports in the order given, duplicates "
                   "kept (%s...)" % sp[:6])
        hdrs = [header(p) for _, _, p in got]
        ok = all(h[0] == 1 and h[5] == len(p) and 72 <= h[5] < 200
                 for h, (_, _, p) in zip(hdrs, got))
        guids = {h[2] for h in hdrs}
        self.check(ok and len(guids) == 3,
                   "plain UDP: version 1, size = length, 72-199 octets, one "
                   "guid per session (%d)" % len(guids))

    def stall(self):
        """Stopped for 1.5 s (SIGSTOP), the client restarts its schedule
        instead of sending the 150 packets it missed at once: no packet
        leaves more than 10 x -d + 1 s after its deadline."""
        import json
        js = os.path.join(self.dir, "stall.json")
        # ip netns exec becomes the client: p.pid is the client's.
        p = subprocess.Popen(["ip", "netns", "exec", self.a, self.ippm,
                              "udping", "client", "127.0.0.1:9",
                              "-s", "5300", "-d", "10", "--duration", "3",
                              "-q", "--json", js])
        time.sleep(0.5)
        os.kill(p.pid, 19)  # SIGSTOP
        time.sleep(1.5)
        os.kill(p.pid, 18)  # SIGCONT
        rc = p.wait(timeout=20)
        j = json.load(open(js)) if rc == 0 else {}
        late = (j.get("late_ms") or {}).get("max") or 0
        self.check(rc == 0 and j.get("schedule_restarts", 0) >= 1 and
                   late < 1100, "stall: exit %d, schedule restarted %s "
                   "times, latest packet %.1f ms past its deadline" % (
                       rc, j.get("schedule_restarts"), late))

    def ks(self):
        n, mean_ms, ports = 1200, 5.0, [5100, 5101, 5102, 5103]
        got = self.plain(n, "5", "5100-5103", None, "KS run")
        if len(got) < n:
            return
        hdrs = sorted((header(p)[4], s) for _, s, p in got)
        gaps = sorted((b[0] - a[0]) / 1e6 for a, b in zip(hdrs, hdrs[1:]))
        m = len(gaps)
        crit = 1.95 / math.sqrt(m)  # alpha = 0.001
        d = ks_exp(gaps, mean_ms)
        # The test can fail: evenly spaced gaps of the same mean do.
        d_even = ks_exp([mean_ms] * m, mean_ms)
        self.check(d_even > crit, "KS: evenly spaced gaps are refused "
                   "(D = %.3f)" % d_even)
        avg = sum(gaps) / m
        self.check(d < crit, "KS: D = %.4f < %.4f (alpha 0.001) for %d gaps "
                   "against Exp(mean %g ms); mean gap %.3f ms" % (
                       d, crit, m, mean_ms, avg))
        counts = [sum(1 for _, s in hdrs if s == p) for p in ports]
        order = [s for _, s in hdrs]
        rr = all(order[i] == ports[i % 4] for i in range(len(order)))
        self.check(max(counts) - min(counts) <= 1 and rr,
                   "ports even: %s, strictly round robin" % counts)

    def run(self):
        try:
            self.setup()
        except subprocess.CalledProcessError as e:
            print("skip: ip netns / veth unavailable: %s" % e)
            return 77
        try:
            self.raw(False)
            self.raw(True)
            self.raw_drops_root()
            self.raw_file_capability()
            self.to_server(False, True)
            self.to_server(True, True)
            self.to_server(False, False)
            self.plain_check()
            self.stall()
            self.ks()
        finally:
            self.cleanup()
        print("%d failures" % self.failures if self.failures else "all ok")
        return 1 if self.failures else 0


def main():
    if sys.argv[1] == "--capture":
        capture(sys.argv[2], sys.argv[5], int(sys.argv[3]),
                float(sys.argv[4]))
        return 0
    if sys.argv[1] == "--recv":
        receive(sys.argv[2], sys.argv[5], int(sys.argv[3]),
                float(sys.argv[4]))
        return 0
    if os.geteuid() != 0:
        print("skip: needs root for ip netns and raw frames")
        return 77
    try:
        import scapy.layers.l2  # noqa: F401
    except ImportError:
        print("skip: no scapy (apt-get install python3-scapy)")
        return 77
    return Live(os.path.abspath(sys.argv[1])).run()


if __name__ == "__main__":
    sys.exit(main())
