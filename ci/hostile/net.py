"""Loopback tools of the hostile-input suite (ci/hostile.sh): spoofed IPv4
datagrams from a raw socket, a packet counter on lo, the server's memory,
a legitimate UDP peer and free ports. Root is needed for the raw sockets.
"""
import os
import socket
import struct
import threading
import time
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../testsupport"))
from ippmtest import free_port  # noqa: E402

PACKET_HOST = 0        # sll_pkttype of a datagram delivered to this host
ETH_P_IP = 0x0800


def ipv4_udp(src, sport, dst, dport, payload):
    """An IPv4 header and a UDP header around payload. The kernel fills in
    the IP checksum, total length and ID of a raw IPPROTO_RAW packet; a
    UDP checksum of 0 means none (RFC 768)."""
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 0, 0, 0, 64, socket.IPPROTO_UDP,
                     0, socket.inet_aton(src), socket.inet_aton(dst))
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    return ip + udp + payload


class Spoofer:
    """Sends UDP datagrams with any IPv4 source address and port."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                                  socket.IPPROTO_RAW)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)

    def send(self, src, dst, payload):
        """src and dst are (address, port)."""
        self.sock.sendto(ipv4_udp(src[0], src[1], dst[0], dst[1], payload),
                         (dst[0], 0))

    def close(self):
        self.sock.close()


class Counter(threading.Thread):
    """Counts the UDP datagrams delivered on lo whose (source port,
    destination port) satisfies match, until stop(). What it misses under
    load makes the count lower, never higher."""

    def __init__(self, match):
        super().__init__(daemon=True)
        self.match = match
        self.count = 0
        self.done = threading.Event()
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                  socket.htons(ETH_P_IP))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind(("lo", ETH_P_IP))
        self.sock.settimeout(0.05)

    def run(self):
        while not self.done.is_set():
            try:
                frame, addr = self.sock.recvfrom(128)
            except socket.timeout:
                continue
            if addr[2] != PACKET_HOST or len(frame) < 14 + 28:
                continue
            ip = frame[14:]
            if ip[9] != socket.IPPROTO_UDP:
                continue
            hl = (ip[0] & 0x0F) * 4
            sport, dport = struct.unpack_from("!HH", ip, hl)
            if self.match(sport, dport):
                self.count += 1

    def stop(self):
        self.done.set()
        self.join()
        self.sock.close()
        return self.count


def memory_kb(pid):
    """(VmRSS, VmHWM) of pid in kB, from /proc/PID/status."""
    rss = hwm = -1
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def rx_queued(port):
    """Octets queued on the UDP socket bound to 127.0.0.1:port or to
    0.0.0.0:port (/proc/net/udp); 0 when there is none."""
    ends = ("0100007F:%04X" % port, "00000000:%04X" % port)
    with open("/proc/net/udp") as f:
        next(f)
        for line in f:
            col = line.split()
            if col[1] in ends:
                return int(col[4].split(":")[1], 16)
    return 0


def wait_drained(port, patience=2.0):
    """Waits (at most patience seconds) until the server has read what is
    queued on its socket, so that a flood is not lost in the kernel."""
    end = time.monotonic() + patience
    while rx_queued(port) and time.monotonic() < end:
        time.sleep(0.001)


class Peer:
    """A legitimate UDP peer of a server profile: sends one request every
    interval and counts the distinct replies the profile recognises."""

    def __init__(self, profile, port, src="127.0.0.1"):
        self.profile = profile
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # a TWAMP session answers only the Sender Port it was asked for
        self.sock.bind((src, getattr(profile, "sender_port", 0)))
        self.sock.connect(("127.0.0.1", port))
        self.sock.setblocking(False)
        self.answered = set()
        self.sent = 0
        if hasattr(profile, "reset"):   # a one-way server (UdpingUdp)
            profile.reset()

    def _drain(self):
        if hasattr(self.profile, "seen"):   # what the server's output says
            self.answered |= self.profile.seen()
        while True:
            try:
                data = self.sock.recv(4096)
            except (BlockingIOError, ConnectionRefusedError):
                return
            seq = self.profile.reply_seq(data)
            if seq is not None:
                self.answered.add(seq)

    def run(self, count, interval, linger=0.5):
        """Sends count requests, one every interval seconds; returns the
        number answered after waiting linger seconds for the last."""
        first = self.sent
        t0 = time.monotonic()
        for i in range(count):
            try:
                self.sock.send(self.profile.request(first + i))
            except OSError:
                pass
            self.sent += 1
            self._drain()
            delay = t0 + (i + 1) * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        end = time.monotonic() + linger
        while time.monotonic() < end:
            self._drain()
            if all(s in self.answered for s in range(first, self.sent)):
                break
            time.sleep(0.005)
        return sum(1 for s in range(first, self.sent) if s in self.answered)

    def close(self):
        self.sock.close()


def slow_source():
    """The attackers' address: another loopback address, so that a limit
    per source address may hold them off without holding off the peer."""
    return os.environ.get("HOSTILE_ATTACKER", "127.0.0.2")
