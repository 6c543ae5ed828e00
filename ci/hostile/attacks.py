"""The attacks of the hostile-input suite. Each takes the run's context and
a profile name, starts its own instance(s) of the server, attacks, checks
that a legitimate peer is still served, that memory stayed flat, and that
SIGTERM sent while the attack still runs stops the server within STOP_S
with its summary. Each check adds one row to the context's table.

Every attack's traffic comes from the attacker's loopback address
(127.0.0.2), the legitimate peer's from 127.0.0.1.
"""
import os
import random
import socket
import struct
import subprocess
import sys
import threading
import time

import net
from servers import Server

HERE = os.path.dirname(os.path.abspath(__file__))
LOOP_S = 2.0          # how long a loop is watched
LOOP_MAX = 4          # datagrams a loop may leave: the spoofed one + a few
STOP_S = 1.0          # SIGTERM to exit, summary printed
RSS_GROWTH = 1.10     # after a flood / before it
SERVED_MIN = 0.90     # share of a peer's requests answered
SESSIONS = 8192       # session flood: SSIDs from one port, then as many ports
GARBAGE_RATE = float(os.environ.get("HOSTILE_RATE", "100000"))
GARBAGE_S = 3.0
SLOW_N = 66           # idle, half-closed and slow TCP clients (a third each)


def check_stop(ctx, attack, srvs):
    """SIGTERM each server (the attack still running); one row."""
    worst, summaries = 0.0, True
    for s in srvs:
        took, summary = s.stop()
        worst = None if took is None or worst is None else max(worst, took)
        summaries = summaries and summary
    ok = worst is not None and worst <= STOP_S and summaries
    fig = ("did not exit in 2 s (SIGKILL)" if worst is None
           else "%.3f s" % worst)
    if not summaries:
        fig += ", no summary"
    ctx.add(attack, srvs[0].name, "SIGTERM", ok, fig)


def check_memory(ctx, attack, srv, idle, before):
    after = net.memory_kb(srv.pid)
    ok = after[0] > 0 and after[0] <= before[0] * RSS_GROWTH
    fig = "RSS %d -> %d kB (%+.1f%%; idle %d, HWM %d)" % (
        before[0], after[0], 100.0 * (after[0] - before[0]) / before[0],
        idle[0], after[1])
    ctx.add(attack, srv.name, "memory", ok, fig)
    return after


def check_served(ctx, attack, srv, count=50, interval=0.01, note=""):
    peer = net.Peer(srv.udp, srv.udp_port)
    got = peer.run(count, interval)
    peer.close()
    ok = got >= SERVED_MIN * count
    ctx.add(attack, srv.name, "peer served", ok,
            "%d/%d answered (loss %.1f%%)%s"
            % (got, count, 100.0 * (count - got) / count, note))


def warm(srv):
    """A few legitimate requests, so that memory is measured in use."""
    peer = net.Peer(srv.udp, srv.udp_port)
    peer.run(20, 0.002)
    peer.close()


def watch_loop(match, send):
    """Counts the matching datagrams for LOOP_S after send()."""
    counter = net.Counter(match)
    counter.start()
    time.sleep(0.05)
    send()
    time.sleep(LOOP_S)
    return counter.stop()


def self_loop(ctx, name):
    """A request whose source is the server's own address and port."""
    srv = Server(ctx.ippm, name, ctx.tmp)
    try:
        port = srv.udp_port
        spoof = net.Spoofer()
        n = watch_loop(lambda sp, dp: sp == port and dp == port,
                       lambda: spoof.send(("127.0.0.1", port),
                                          ("127.0.0.1", port),
                                          srv.udp.request(7)))
        spoof.close()
        ctx.add("self-loop", name, "dies out", n <= LOOP_MAX,
                "%d datagrams in %.0f s" % (n, LOOP_S))
        check_served(ctx, "self-loop", srv)
        check_stop(ctx, "self-loop", [srv])
    finally:
        srv.kill()


def peer_loop(ctx, name):
    """Two instances; one request spoofed from the first to the second."""
    a = Server(ctx.ippm, name, ctx.tmp, "-a")
    b = Server(ctx.ippm, name, ctx.tmp, "-b")
    try:
        pa, pb = a.udp_port, b.udp_port
        spoof = net.Spoofer()
        n = watch_loop(lambda sp, dp: (sp, dp) in ((pa, pb), (pb, pa)),
                       lambda: spoof.send(("127.0.0.1", pa),
                                          ("127.0.0.1", pb),
                                          a.udp.request(7)))
        spoof.close()
        ctx.add("peer-loop", name, "dies out", n <= LOOP_MAX,
                "%d datagrams in %.0f s" % (n, LOOP_S))
        check_served(ctx, "peer-loop", a)
        check_stop(ctx, "peer-loop", [a, b])
    finally:
        a.kill()
        b.kill()


class SessionFlood:
    """New sessions from the attacker's one address: SESSIONS SSIDs from
    one source port, then SESSIONS source ports, in bursts the server's
    socket can hold; then a trickle of new ones to keep the table full."""

    def __init__(self, srv):
        self.srv = srv
        self.spoof = net.Spoofer()
        self.src = net.slow_source()
        self.sent = 0
        self.done = threading.Event()

    def _one(self, sport, ssid):
        self.spoof.send((self.src, sport), ("127.0.0.1", self.srv.udp_port),
                        self.srv.udp.request(self.sent, ssid))
        self.sent += 1
        if self.sent % 256 == 0:
            net.wait_drained(self.srv.udp_port)

    def burst(self, n, first_port):
        for ssid in range(n):
            self._one(first_port, ssid & 0xFFFF)
        for i in range(n):
            self._one(first_port + 1 + i, 0)
        net.wait_drained(self.srv.udp_port)

    def trickle(self, first_port):
        """About 200 new sessions a second until stop()."""
        i = 0
        while not self.done.is_set():
            self._one(first_port + i % 20000, (i // 20000) & 0xFFFF)
            i += 1
            time.sleep(0.005)

    def stop(self):
        self.done.set()


def session_flood(ctx, name):
    srv = Server(ctx.ippm, name, ctx.tmp)
    flood = SessionFlood(srv)
    bg = None
    try:
        warm(srv)
        idle = net.memory_kb(srv.pid)
        flood.burst(SESSIONS // 8, 40000)
        before = net.memory_kb(srv.pid)
        flood.burst(SESSIONS, 20000)
        bg = threading.Thread(target=flood.trickle, args=(30000,), daemon=True)
        bg.start()
        check_served(ctx, "session-flood", srv,
                     note=" after %d new sessions from %s"
                     % (flood.sent, flood.src))
        check_memory(ctx, "session-flood", srv, idle, before)
        check_stop(ctx, "session-flood", [srv])
    finally:
        flood.stop()
        if bg:
            bg.join()
        flood.spoof.close()
        srv.kill()


def blast(srv, seconds):
    return subprocess.Popen(
        [sys.executable, os.path.join(HERE, "blast.py"), net.slow_source(),
         "127.0.0.1", str(srv.udp_port), str(GARBAGE_RATE), str(seconds)],
        stdout=subprocess.PIPE, text=True)


def garbage(ctx, name):
    """Random datagrams at GARBAGE_RATE while a peer sends 100 a second."""
    srv = Server(ctx.ippm, name, ctx.tmp)
    b = None
    try:
        warm(srv)
        idle = net.memory_kb(srv.pid)
        blast(srv, 0.3).wait()   # touches the receive batches
        before = net.memory_kb(srv.pid)
        b = blast(srv, GARBAGE_S)
        time.sleep(0.2)
        peer = net.Peer(srv.udp, srv.udp_port)
        count = 200
        got = peer.run(count, 0.01)
        peer.close()
        after = check_memory(ctx, "garbage", srv, idle, before)
        del after
        check_stop(ctx, "garbage", [srv])
        rate = b.communicate()[0].strip()
        b = None
        ctx.add("garbage", name, "peer served", got >= SERVED_MIN * count,
                "%d/%d answered (loss %.1f%%) under %s"
                % (got, count, 100.0 * (count - got) / count, rate))
    finally:
        if b:
            b.kill()
            b.wait()
        srv.kill()


class SlowClients:
    """SLOW_N connections from the attacker's address, a third of each
    kind: idle (connected, never a byte), half-closed (the start of a
    request, then shutdown(SHUT_WR): half-open from the server's view),
    and slow (one octet a second of a request that never ends)."""

    def __init__(self, srv):
        self.srv = srv
        self.conns = []
        self.done = threading.Event()
        for _ in range(SLOW_N):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.bind((net.slow_source(), 0))
            c.setblocking(False)
            try:
                c.connect(("127.0.0.1", srv.tcp_port))
            except BlockingIOError:
                pass
            self.conns.append(c)
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _half_close(self, data):
        for c in self.conns[SLOW_N // 3:2 * SLOW_N // 3]:
            try:
                c.send(data[:len(data) // 2])
                c.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def _trickle(self):
        data = self.srv.tcp.slow_bytes()
        i = 0
        while not self.done.wait(1.0 if i else 0.1):
            if i == 0:
                self._half_close(data)
            for c in self.conns[2 * SLOW_N // 3:]:
                try:
                    c.send(data[i:i + 1])
                except OSError:
                    pass
            i += 1

    def close(self):
        self.done.set()
        self.thread.join()
        for c in self.conns:
            c.close()


def slow_clients(ctx, name):
    srv = Server(ctx.ippm, name, ctx.tmp)
    slow = None
    try:
        idle = net.memory_kb(srv.pid)
        slow = SlowClients(srv)
        time.sleep(0.5)
        before = net.memory_kb(srv.pid)
        time.sleep(1.5)
        t0 = time.monotonic()
        ok = srv.tcp.probe(srv.tcp_port, 2.0)
        ctx.add("slow-clients", name, "client served", ok,
                "%s in %.2f s beside %d idle, half-closed or slow clients"
                % ("answered" if ok else "not answered",
                   time.monotonic() - t0, SLOW_N))
        check_memory(ctx, "slow-clients", srv, idle, before)
        check_stop(ctx, "slow-clients", [srv])
    finally:
        if slow:
            slow.close()
        srv.kill()


class TcpGarbage:
    """Connections from the attacker's address, as fast as they go: each
    sends 0..1500 random octets and is reset (SO_LINGER 0, so that no
    TIME_WAIT runs the attacker out of ports)."""

    def __init__(self, srv):
        self.srv = srv
        self.conns = 0
        self.done = threading.Event()
        self.rng = random.Random(862)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _one(self):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        c.settimeout(0.5)
        try:
            c.bind((net.slow_source(), 0))
            c.connect(("127.0.0.1", self.srv.tcp_port))
            c.send(self.rng.randbytes(self.rng.randint(0, 1500)))
            self.conns += 1
        except OSError:
            pass
        finally:
            c.close()

    def _run(self):
        while not self.done.is_set():
            self._one()

    def close(self):
        self.done.set()
        self.thread.join()


def tcp_garbage(ctx, name):
    """Random octets on connection after connection while a client asks
    ten times a second."""
    srv = Server(ctx.ippm, name, ctx.tmp)
    g = None
    try:
        idle = net.memory_kb(srv.pid)
        g = TcpGarbage(srv)
        time.sleep(0.3)
        before = net.memory_kb(srv.pid)
        t0, asked, got = time.monotonic(), 0, 0
        while time.monotonic() - t0 < GARBAGE_S - 1:
            asked += 1
            got += srv.tcp.probe(srv.tcp_port, 1.0)
            time.sleep(0.1)
        secs = time.monotonic() - t0
        ctx.add("tcp-garbage", name, "client served",
                got >= SERVED_MIN * asked,
                "%d/%d answered under %.0f garbage connections/s"
                % (got, asked, g.conns / (secs + 0.3)))
        check_memory(ctx, "tcp-garbage", srv, idle, before)
        check_stop(ctx, "tcp-garbage", [srv])
    finally:
        if g:
            g.close()
        srv.kill()


UDP_ATTACKS = [("self-loop", self_loop), ("peer-loop", peer_loop),
               ("session-flood", session_flood), ("garbage", garbage)]
TCP_ATTACKS = [("slow-clients", slow_clients), ("tcp-garbage", tcp_garbage)]
