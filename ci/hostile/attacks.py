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
import owtw
from servers import PROFILES, Server

HERE = os.path.dirname(os.path.abspath(__file__))
LOOP_S = 2.0          # how long a loop is watched
LOOP_MAX = 4          # datagrams a loop may leave: the spoofed one + a few
STOP_S = 1.0          # SIGTERM to exit, summary printed
RSS_GROWTH = 1.10     # after a flood / before it
SERVED_MIN = 0.90     # share of a peer's requests answered
SESSIONS = 8192       # session flood: SSIDs from one port, then as many ports
GARBAGE_RATE = float(os.environ.get("HOSTILE_RATE", "100000"))
GARBAGE_S = 3.0
PEER_ADDR = "127.0.0.3"   # the second instance of peer-loop
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
    short = "killed" if worst is None else "%.3f s" % worst
    if not summaries:
        fig += ", no summary"
        short += ", no summary"
    ctx.add(attack, srvs[0].name, "SIGTERM", ok, fig, short)


def check_memory(ctx, attack, srv, idle, before):
    after = net.memory_kb(srv.pid)
    ok = after[0] > 0 and after[0] <= before[0] * RSS_GROWTH
    fig = "RSS %d -> %d kB (%+.1f%%; idle %d, HWM %d)" % (
        before[0], after[0], 100.0 * (after[0] - before[0]) / before[0],
        idle[0], after[1])
    ctx.add(attack, srv.name, "memory", ok, fig, "{:,} → {:,} kB ({:+.1f} %)"
            .format(before[0], after[0],
                    100.0 * (after[0] - before[0]) / before[0]))
    return after


def check_served(ctx, attack, srv, count=50, interval=0.01, note=""):
    peer = net.Peer(srv.udp, srv.udp_port)
    got = peer.run(count, interval)
    peer.close()
    ok = got >= SERVED_MIN * count
    ctx.add(attack, srv.name, "peer served", ok,
            "%d/%d answered (loss %.1f%%)%s"
            % (got, count, 100.0 * (count - got) / count, note),
            "%d/%d" % (got, count))


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


def loop(ctx, attack, srvs):
    """One request spoofed from the first server's address:port to the
    last's: the same server when there is one, a loop between two
    instances when there are two."""
    try:
        pa, pb = srvs[0].udp_port, srvs[-1].udp_port
        spoof = net.Spoofer()
        before = net.memory_kb(srvs[0].pid)
        n = watch_loop(lambda sp, dp: (sp, dp) in ((pa, pb), (pb, pa)),
                       lambda: spoof.send((srvs[0].addr, pa),
                                          (srvs[-1].addr, pb),
                                          srvs[0].udp.request(7)))
        spoof.close()
        ctx.add(attack, srvs[0].name, "dies out",
                n <= LOOP_MAX,
                "%d datagrams in %.0f s" % (n, LOOP_S),
                "{:,} in {:.0f} s".format(n, LOOP_S))
        ctx.load(attack, srvs[0].name, "1 spoofed request")
        check_served(ctx, attack, srvs[0])
        check_memory(ctx, attack, srvs[0], before, before)
        check_stop(ctx, attack, srvs)
    finally:
        for s in srvs:
            s.kill()


def self_loop(ctx, name):
    """A request whose source is the server's own address and port."""
    loop(ctx, "self-loop", [Server(ctx.ippm, name, ctx.tmp)])


def two_instances(ctx, name, port, addr_b):
    a = Server(ctx.ippm, name, ctx.tmp, "-a", udp_port=port)
    try:
        return [a, Server(ctx.ippm, name, ctx.tmp, "-b", addr=addr_b,
                          udp_port=port)]
    except Exception:
        a.kill()
        raise


def peer_loop(ctx, name):
    """Two instances on the server's well-known port, as two operators'
    reflectors on two hosts would be (127.0.0.1 and 127.0.0.3); one
    request spoofed from the first to the second."""
    port = PROFILES[name]["well_known"]
    if port is None:
        ctx.add("peer-loop", name, "dies out", None, "no well-known port")
        return
    try:
        srvs = two_instances(ctx, name, port, PEER_ADDR)
    except RuntimeError as e:
        ctx.add("peer-loop", name, "dies out", None,
                "not run: port %d is taken (%s)" % (port, e))
        return
    loop(ctx, "peer-loop", srvs)


def peer_loop_port(ctx, name):
    """The same on one port the kernel chose, at the same two addresses:
    two reflectors an operator moved off the well-known port."""
    loop(ctx, "peer-loop-port",
         two_instances(ctx, name, net.free_port(socket.SOCK_DGRAM),
                       PEER_ADDR))


def peer_loop_any(ctx, name):
    """Between two instances on two ports the kernel chose: no source rule
    applies, so the server must know its own reply when it comes back
    (the STAMP reflector: STAMP_ERR_OWN_REPLY)."""
    loop(ctx, "peer-loop-any", two_instances(ctx, name, None, "127.0.0.1"))


def under_attack(ctx, attack, name, kind):
    """Runs the attack kind(srv) against a fresh server: idle memory, then
    kind's prime() (the first of the attack, which touches the buffers
    any traffic needs), memory before, start(), check(ctx) with the
    attack running, memory after, SIGTERM, and finish(ctx) for what can
    only be told once the attack is over."""
    srv = Server(ctx.ippm, name, ctx.tmp)
    att = None
    try:
        if srv.udp:
            warm(srv)
        idle = net.memory_kb(srv.pid)
        att = kind(srv)
        att.prime()
        before = net.memory_kb(srv.pid)
        att.start()
        att.check(ctx, attack)
        check_memory(ctx, attack, srv, idle, before)
        check_stop(ctx, attack, [srv])
        att.finish(ctx, attack)
    finally:
        if att:
            att.close()
        srv.kill()


class Attack:
    """What every attack of under_attack() has: a thread running _run()
    until close(), started by the attack when it wants."""

    def __init__(self, srv):
        self.srv = srv
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        pass

    def finish(self, ctx, attack):
        pass

    def close(self):
        self.done.set()
        if self.thread.is_alive():
            self.thread.join()


class SessionFlood(Attack):
    """New sessions from the attacker's one address: SESSIONS SSIDs from
    one source port, then SESSIONS source ports, in bursts the server's
    socket can hold; then about 200 new ones a second to keep the table
    full while a peer from another address asks."""

    def __init__(self, srv):
        super().__init__(srv)
        self.spoof = net.Spoofer()
        self.src = net.slow_source()
        self.sent = 0

    def _one(self, sport, ssid):
        self.spoof.send((self.src, sport), ("127.0.0.1", self.srv.udp_port),
                        self.srv.udp.request(self.sent, ssid))
        self.sent += 1
        if self.sent % 256 == 0:
            net.wait_drained(self.srv.udp_port)

    def _burst(self, n, first_port):
        for ssid in range(n):
            self._one(first_port, ssid & 0xFFFF)
        for i in range(n):
            self._one(first_port + 1 + i, 0)
        net.wait_drained(self.srv.udp_port)

    def _run(self):
        i = 0
        while not self.done.is_set():
            self._one(30000 + i % 20000, (i // 20000) & 0xFFFF)
            i += 1
            time.sleep(0.005)

    def prime(self):
        self._burst(SESSIONS // 8, 40000)

    def start(self):
        self._burst(SESSIONS, 20000)
        self.thread.start()

    def check(self, ctx, attack):
        check_served(ctx, attack, self.srv,
                     note=" after %d new sessions from %s"
                     % (self.sent, self.src))
        ctx.load(attack, self.srv.name, "{:,} sessions".format(self.sent))

    def close(self):
        super().close()
        self.spoof.close()


class Garbage(Attack):
    """Random datagrams at GARBAGE_RATE for GARBAGE_S from blast.py while
    a peer sends 100 requests a second."""
    COUNT = 200

    def __init__(self, srv):
        super().__init__(srv)
        self.blaster = None
        self.got = 0

    def _blast(self, seconds):
        return subprocess.Popen(
            [sys.executable, os.path.join(HERE, "blast.py"),
             net.slow_source(), "127.0.0.1", str(self.srv.udp_port),
             str(GARBAGE_RATE), str(seconds)],
            stdout=subprocess.PIPE, text=True)

    def prime(self):
        self._blast(0.3).wait()

    def start(self):
        self.blaster = self._blast(GARBAGE_S)
        time.sleep(0.2)

    def check(self, ctx, attack):
        peer = net.Peer(self.srv.udp, self.srv.udp_port)
        self.got = peer.run(self.COUNT, 0.01)
        peer.close()

    def finish(self, ctx, attack):
        """The peer's row, once blast.py has said what rate it reached."""
        rate = self.blaster.communicate()[0].strip()
        ctx.add(attack, self.srv.name, "peer served",
                self.got >= SERVED_MIN * self.COUNT,
                "%d/%d answered (loss %.1f%%) under %s"
                % (self.got, self.COUNT,
                   100.0 * (self.COUNT - self.got) / self.COUNT, rate),
                "%d/%d" % (self.got, self.COUNT))
        per_s = rate.split("(")[-1].rstrip("/s)")
        ctx.load(attack, self.srv.name, "{:,} a second".format(int(per_s)))

    def close(self):
        super().close()
        if self.blaster and self.blaster.poll() is None:
            self.blaster.kill()
            self.blaster.wait()


class TcpAttack(Attack):
    """The TCP attacks run their thread from the start."""

    def prime(self):
        self.thread.start()
        time.sleep(0.5)


class SlowClients(TcpAttack):
    """SLOW_N connections from the attacker's address, a third of each
    kind: idle (connected, never a byte), half-closed (the start of a
    request, then shutdown(SHUT_WR): half-open from the server's view),
    and slow (one octet a second of a request that never ends); after
    2 s of them a fresh client must be answered within 2 s."""

    def __init__(self, srv):
        super().__init__(srv)
        self.conns = []
        for _ in range(SLOW_N):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.bind((net.slow_source(), 0))
            c.setblocking(False)
            try:
                c.connect(("127.0.0.1", srv.tcp_port))
            except BlockingIOError:
                pass
            self.conns.append(c)

    def _half_close(self, data):
        for c in self.conns[SLOW_N // 3:2 * SLOW_N // 3]:
            try:
                c.send(data[:len(data) // 2])
                c.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def _run(self):
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

    def start(self):
        time.sleep(1.5)

    def check(self, ctx, attack):
        t0 = time.monotonic()
        ok = self.srv.tcp.probe(self.srv.tcp_port, 2.0)
        took = time.monotonic() - t0
        ctx.add(attack, self.srv.name, "client served", ok,
                "%s in %.2f s beside %d idle, half-closed or slow clients"
                % ("answered" if ok else "not answered", took, SLOW_N),
                "%s in %.2f s" % ("answered" if ok else "not answered", took))
        ctx.load(attack, self.srv.name, "%d clients" % SLOW_N)

    def close(self):
        super().close()
        for c in self.conns:
            c.close()


class TcpGarbage(TcpAttack):
    """Connections from the attacker's address, as fast as they go: each
    sends 0..1500 random octets and is reset (SO_LINGER 0, so that no
    TIME_WAIT runs the attacker out of ports), while a fresh client asks
    ten times a second."""

    def __init__(self, srv):
        super().__init__(srv)
        self.conns = 0
        self.rng = random.Random(862)

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

    def start(self):
        self.t0 = time.monotonic()

    def check(self, ctx, attack):
        asked = got = 0
        while time.monotonic() - self.t0 < GARBAGE_S - 1:
            asked += 1
            got += self.srv.tcp.probe(self.srv.tcp_port, 1.0)
            time.sleep(0.1)
        rate = self.conns / (time.monotonic() - self.t0 + 0.5)
        ctx.add(attack, self.srv.name, "client served",
                got >= SERVED_MIN * asked,
                "%d/%d answered under %.0f garbage connections/s"
                % (got, asked, rate), "%d/%d" % (got, asked))
        ctx.load(attack, self.srv.name, "%.0f connections a second" % rate)


def session_flood(ctx, name):
    under_attack(ctx, "session-flood", name, SessionFlood)


def garbage(ctx, name):
    under_attack(ctx, "garbage", name, Garbage)


def slow_clients(ctx, name):
    under_attack(ctx, "slow-clients", name, SlowClients)


def tcp_garbage(ctx, name):
    under_attack(ctx, "tcp-garbage", name, TcpGarbage)


UDP_ATTACKS = [("self-loop", self_loop), ("peer-loop", peer_loop),
               ("peer-loop-port", peer_loop_port),
               ("peer-loop-any", peer_loop_any),
               ("session-flood", session_flood), ("garbage", garbage)]
TCP_ATTACKS = [("slow-clients", slow_clients), ("tcp-garbage", tcp_garbage)]


# ---- TWAMP and OWAMP control (RFC 4656 §3, RFC 5357 §3) ----

SILENT_N = 6          # greeting-wait: clients that never answer (< 8/source)
SETUP_WAIT_S = 3.5    # their server's --setup-timeout (2 s), and slack
CONN_FLOOD_N = 300    # conn-flood: connections held from one address
SESSIONS_ASKED = 200  # many-sessions: Request-TW-Session on one connection
SESSIONS_MAX = 16     # what one connection may hold (OWTW_CTL_MAX_SESSIONS)
OWAMP_PACKETS = 100000000  # many-sessions, OWAMP: packets each asks for
PER_SOURCE = 8        # conn-flood: greeted from one address (--max-conns-per-source)


def attacker_conn(srv, timeout=2.0):
    """A TCP connection from the attacker's address to srv's control port,
    its greeting read; None when the server did not greet it."""
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.settimeout(timeout)
    try:
        c.bind((net.slow_source(), 0))
        c.connect(("127.0.0.1", srv.tcp_port))
        if len(owtw.recv_exact(c, owtw.GREETING)) == owtw.GREETING:
            return c
    except OSError:
        pass
    c.close()
    return None


def closed_by_peer(c, within):
    """True when the server closes c (EOF or reset) within seconds."""
    c.settimeout(within)
    try:
        while c.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except OSError:
        return False


class ControlAttack(TcpAttack):
    """The fresh client's check, as tcp-garbage's: one probe from the
    legitimate address every 0.1 s while the attack runs."""

    def served(self, ctx, attack, seconds=1.0):
        asked = got = 0
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            asked += 1
            got += self.srv.tcp.probe(self.srv.tcp_port, 1.0)
            time.sleep(0.1)
        ctx.add(attack, self.srv.name, "client served",
                got >= SERVED_MIN * asked,
                "%d/%d greeted from 127.0.0.1 %s" % (got, asked, self.what()),
                "%d/%d" % (got, asked))

    def what(self):
        return ""


class GreetingWait(ControlAttack):
    """SILENT_N clients read the Server-Greeting and never answer it: the
    server must close each within its --setup-timeout (SERVWAIT, 900 s,
    counts from the last octets received and is no bound here)."""

    def __init__(self, srv):
        super().__init__(srv)
        self.conns = []

    def prime(self):
        for _ in range(SILENT_N):
            c = attacker_conn(self.srv)
            if c:
                self.conns.append(c)
        self.t0 = time.monotonic()

    def start(self):
        pass

    def check(self, ctx, attack):
        self.served(ctx, attack)
        left = SETUP_WAIT_S - (time.monotonic() - self.t0)
        closed = sum(closed_by_peer(c, max(left, 0.1)) for c in self.conns)
        took = time.monotonic() - self.t0
        ctx.add(attack, self.srv.name, "closed", closed == SILENT_N,
                "%d/%d silent clients closed within %.1f s of their greeting"
                % (closed, SILENT_N, took), "%d/%d" % (closed, SILENT_N))
        ctx.load(attack, self.srv.name, "%d silent clients" % SILENT_N)

    def close(self):
        super().close()
        for c in self.conns:
            c.close()


class ConnFlood(ControlAttack):
    """CONN_FLOOD_N connections from the attacker's one address, held:
    the server greets at most its per-source limit of them, and a client
    from another address is still greeted."""

    def __init__(self, srv):
        super().__init__(srv)
        self.conns = []
        self.greeted = 0

    def start(self):
        for _ in range(CONN_FLOOD_N):
            c = attacker_conn(self.srv, timeout=0.2)
            if c:
                self.greeted += 1
                self.conns.append(c)

    def what(self):
        return "beside %d held from %s" % (CONN_FLOOD_N, net.slow_source())

    def check(self, ctx, attack):
        self.served(ctx, attack)
        ctx.add(attack, self.srv.name, "bounded", self.greeted <= PER_SOURCE,
                "%d of %d connections from one address greeted"
                % (self.greeted, CONN_FLOOD_N),
                "%d/%d greeted" % (self.greeted, CONN_FLOOD_N))
        ctx.load(attack, self.srv.name, "%d connections" % CONN_FLOOD_N)

    def close(self):
        super().close()
        for c in self.conns:
            c.close()


class ManySessions(ControlAttack):
    """One open-mode connection asks for SESSIONS_ASKED test sessions
    (TWAMP Request-TW-Session, RFC 5357 §3.5; OWAMP Request-Session,
    RFC 4656 §3.5, each of OWAMP_PACKETS packets for the server to
    receive): at most SESSIONS_MAX are accepted, memory stays flat (an
    OWAMP receiver keeps a record per packet), and the server keeps
    serving."""

    def __init__(self, srv):
        super().__init__(srv)
        self.accepted = self.answered = 0
        self.ctl = None

    def start(self):
        try:
            self.ctl = owtw.Control(self.srv.tcp_port,
                                    src=net.slow_source())
            for i in range(SESSIONS_ASKED):
                accept, _ = self.ctl.request(
                    20000 + i, 0,
                    None if self.srv.udp else OWAMP_PACKETS)
                self.answered += 1
                self.accepted += accept == 0
        except OSError:
            pass   # closed on us: bounded as well

    def what(self):
        return "beside one connection that asked for %d sessions" \
            % SESSIONS_ASKED

    def check(self, ctx, attack):
        self.served(ctx, attack)
        ctx.add(attack, self.srv.name, "bounded",
                self.accepted <= SESSIONS_MAX,
                "%d of %d requests accepted (%d answered)"
                % (self.accepted, SESSIONS_ASKED, self.answered),
                "%d/%d accepted" % (self.accepted, SESSIONS_ASKED))
        ctx.load(attack, self.srv.name, "%d sessions" % SESSIONS_ASKED)

    def close(self):
        super().close()
        if self.ctl:
            self.ctl.close()


class SetupThenJunk(ControlAttack):
    """Connections that send a valid open-mode Set-Up-Response, read the
    Server-Start, then 32..1500 random octets: each must be closed (a
    command it does not know), and a fresh client greeted meanwhile."""

    def __init__(self, srv):
        super().__init__(srv)
        self.rng = random.Random(4656)
        self.tried = self.closed = 0

    def _one(self):
        c = attacker_conn(self.srv)
        if not c:
            return
        try:
            c.sendall(owtw.setup_response())
            if len(owtw.recv_exact(c, owtw.SERVER_START)) == \
                    owtw.SERVER_START:
                # a byte no command starts with (RFC 5357 §3.4: 1..5, 7)
                # at least one command's length (32): a shorter one is
                # waited for, as any partial message, until SERVWAIT
                c.sendall(b"\xee" + self.rng.randbytes(
                    self.rng.randint(31, 1499)))
                closed = closed_by_peer(c, 2.0)
                self.tried += 1   # with its result: check() may read now
                self.closed += closed
        except OSError:
            pass
        finally:
            c.close()

    def _run(self):
        while not self.done.is_set():
            self._one()

    def start(self):
        pass

    def what(self):
        return "beside set-up-then-junk connections"

    def check(self, ctx, attack):
        self.served(ctx, attack, 2.0)
        n, k = self.tried, self.closed
        ctx.add(attack, self.srv.name, "closed", n > 0 and k == n,
                "%d/%d junk connections closed by the server" % (k, n),
                "%d/%d" % (k, n))
        ctx.load(attack, self.srv.name, "%d junk connections" % n)


def greeting_wait(ctx, name):
    under_attack(ctx, "greeting-wait", name, GreetingWait)


def conn_flood(ctx, name):
    under_attack(ctx, "conn-flood", name, ConnFlood)


def many_sessions(ctx, name):
    under_attack(ctx, "many-sessions", name, ManySessions)


def setup_then_junk(ctx, name):
    under_attack(ctx, "setup-junk", name, SetupThenJunk)


CONTROL_ATTACKS = [("greeting-wait", greeting_wait),
                   ("conn-flood", conn_flood),
                   ("many-sessions", many_sessions),
                   ("setup-junk", setup_then_junk)]
