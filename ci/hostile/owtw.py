"""TWAMP and OWAMP control (RFC 4656 §3, RFC 5357 §3) in unauthenticated
mode, as much as the hostile-input suite needs: a greeting probe, and a
control client that sets up one TWAMP test session on a chosen port and
starts it, so that the UDP attacks reach the server's test socket.
"""
import socket
import struct
import time

GREETING = 64          # Unused(12) Modes Challenge(16) Salt(16) Count MBZ(12)
SETUP_RESPONSE = 164   # Mode KeyID(80) Token(64) Client-IV(16)
SERVER_START = 48
ACCEPT_SESSION = 48
START_ACK = 32
MODE_OPEN = 1
CMD_REQUEST_TW = 5
CMD_REQUEST_OW = 1
CMD_START = 2
NTP_UNIX = 2208988800


def recv_exact(c, n):
    """n octets from c, or what came before the peer closed."""
    buf = b""
    while len(buf) < n:
        part = c.recv(n - len(buf))
        if not part:
            break
        buf += part
    return buf


def ntp_now(delay=0.0):
    t = time.time() + delay + NTP_UNIX
    return (int(t) << 32) | int((t % 1) * (1 << 32))


def setup_response(mode=MODE_OPEN):
    return struct.pack("!I", mode) + bytes(SETUP_RESPONSE - 4)


def request_tw_session(sender_port, receiver_port, addr="127.0.0.1",
                       timeout_s=2):
    """Request-TW-Session, RFC 5357 §3.5: 112 octets, IPv4."""
    a = socket.inet_aton(addr) + bytes(12)
    return struct.pack("!BBBBIIHH16s16s16sIQQI8x16x", CMD_REQUEST_TW, 4, 0, 0,
                       0, 0, sender_port, receiver_port, a, a, bytes(16), 0,
                       ntp_now(), timeout_s << 32, 0)


def request_session(sender_port, receiver_port, n_packets,
                    addr="127.0.0.1", timeout_s=2):
    """OWAMP Request-Session, RFC 4656 §3.5, the server receiving
    (Conf-Receiver 1): 112 octets, one slot (fixed, 1/4096 s), HMAC."""
    a = socket.inet_aton(addr) + bytes(12)
    body = struct.pack("!BBBBIIHH16s16s16sIQQI8x16x", CMD_REQUEST_OW, 4, 0,
                       1, 1, n_packets, sender_port, receiver_port, a, a,
                       bytes(16), 0, ntp_now(5), timeout_s << 32, 0)
    return body + struct.pack("!B3xI8x", 1, 1 << 20) + bytes(16)


def start_sessions():
    return struct.pack("!B15x16x", CMD_START)


class Control:
    """One control connection, open mode, through Server-Start."""

    def __init__(self, port, dst="127.0.0.1", src="127.0.0.1", timeout=2.0):
        self.c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.c.settimeout(timeout)
        self.c.bind((src, 0))
        self.c.connect((dst, port))
        greet = recv_exact(self.c, GREETING)
        if len(greet) < GREETING or \
                not struct.unpack_from("!I", greet, 12)[0] & MODE_OPEN:
            raise OSError("no greeting offering open mode")
        self.c.sendall(setup_response())
        start = recv_exact(self.c, SERVER_START)
        if len(start) < SERVER_START or start[15] != 0:
            raise OSError("Server-Start refused")

    def request(self, sender_port, receiver_port, owamp_packets=None):
        """Accept-Session's (accept, port); owamp_packets: an OWAMP
        Request-Session of that many packets rather than TWAMP's."""
        self.c.sendall(request_tw_session(sender_port, receiver_port)
                       if owamp_packets is None else
                       request_session(sender_port, receiver_port,
                                       owamp_packets))
        ans = recv_exact(self.c, ACCEPT_SESSION)
        if len(ans) < ACCEPT_SESSION:
            raise OSError("no Accept-Session")
        return ans[0], struct.unpack_from("!H", ans, 2)[0]

    def start(self):
        self.c.sendall(start_sessions())
        ack = recv_exact(self.c, START_ACK)
        if len(ack) < START_ACK or ack[0] != 0:
            raise OSError("Start-Sessions refused")

    def close(self):
        self.c.close()


class Greeting:
    """The TCP side of a TWAMP or OWAMP server: a fresh client is served
    when it gets a Server-Greeting that offers open mode."""

    def probe(self, port, timeout, addr="127.0.0.1"):
        try:
            with socket.create_connection((addr, port),
                                          timeout=timeout) as c:
                c.settimeout(timeout)
                g = recv_exact(c, GREETING)
                return len(g) == GREETING and \
                    struct.unpack_from("!I", g, 12)[0] & MODE_OPEN != 0
        except OSError:
            return False

    def slow_bytes(self):
        """A Set-Up-Response that never ends: its first octets are open
        mode, the rest a KeyID, Token and IV trickled one a second."""
        return setup_response() + bytes(4096)


def open_session(srv, sender_port):
    """Sets up and starts one TWAMP test session on srv's UDP port, from
    127.0.0.1:sender_port; the control connection stays open (closed with
    srv). Raises OSError when the server will not."""
    ctl = Control(srv.tcp_port, srv.addr)
    accept, port = ctl.request(sender_port, srv.udp_port)
    if accept != 0 or port != srv.udp_port:
        ctl.close()
        raise OSError("session refused (accept %d, port %d)" % (accept, port))
    ctl.start()
    return ctl
