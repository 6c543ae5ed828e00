#!/usr/bin/python3
"""Type-P (RFC 4656 §3.5) between ippm's programs and a scripted peer on
loopback, in unauthenticated mode, where every control octet is clear:
    typep.py IPPM client twamp|owamp
        ippm's client --dscp 46 must ask for Type-P 0x2e000000 (first two
        bits 00, then the DSCP), as twping -D 46 does.
    typep.py IPPM server twamp|owamp
        ippm's server, asked for DSCP 46, must mark the packets it
        reflects (RFC 5357 §3.5) or sends (OWAMP Conf-Sender) with it,
        and answer a PHB ID it cannot honour with Accept 3.
"""
import os
import socket
import struct
import subprocess
import sys
import time

IPPM, ROLE, PROTO = sys.argv[1], sys.argv[2], sys.argv[3]
DSCP = 46
TYPEP = DSCP << 24
failures = []


def recv_n(s, n):
    d = b""
    while len(d) < n:
        got = s.recv(n - len(d))
        if not got:
            raise SystemExit("connection closed after %d of %d octets"
                             % (len(d), n))
        d += got
    return d


def ntp_now(ahead=0.0):
    t = time.time() + ahead + 2208988800
    return (int(t) << 32) | int((t % 1) * (1 << 32))


def request(cmd, conf_s, conf_r, sport, rport, raddr, sid, typep, slots):
    """Request-Session (cmd 1) or Request-TW-Session (cmd 5), open mode."""
    m = struct.pack("!BBBBIIHH", cmd, 4, conf_s, conf_r, len(slots),
                    5 if slots else 0, sport, rport)
    m += socket.inet_aton("127.0.0.1") + bytes(12)
    m += socket.inet_aton(raddr) + bytes(12)
    m += sid + struct.pack("!IQQI", 0, ntp_now(0.2), 1 << 32, typep)
    m += bytes(8) + bytes(16)  # MBZ, HMAC (zero in open mode)
    if slots:
        for gap in slots:
            m += struct.pack("!B7xQ", 1, int(gap * (1 << 32)))
        m += bytes(16)
    return m


def control(port):
    """Connects, chooses open mode; the connected socket."""
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    greet = recv_n(c, 64)
    if not struct.unpack("!I", greet[12:16])[0] & 1:
        raise SystemExit("server does not offer open mode")
    c.sendall(struct.pack("!I", 1) + bytes(160))
    ss = recv_n(c, 48)
    if ss[15] != 0:
        raise SystemExit("Server-Start refused: Accept %d" % ss[15])
    return c


def tos_of(u):
    """One datagram's TOS (IP_RECVTOS)."""
    data, anc, _, _ = u.recvmsg(2048, socket.CMSG_SPACE(1))
    for level, kind, val in anc:
        if level == socket.IPPROTO_IP and kind == socket.IP_TOS:
            return val[0]
    return None


def udp():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    u.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
    u.settimeout(5)
    return u


def expect_tos(what, u):
    try:
        tos = tos_of(u)
    except socket.timeout:
        failures.append("%s: no test packet came" % what)
        return
    if tos is None or tos >> 2 != DSCP:
        failures.append("%s: DSCP %s, asked for %d" % (
            what, None if tos is None else tos >> 2, DSCP))
    else:
        print("ok   %s: DSCP %d" % (what, DSCP))


def server_twamp(port):
    c = control(port)
    u = udp()
    # A PHB ID (first two bits 01) the reflector cannot set: Accept 3.
    c.sendall(request(5, 0, 0, u.getsockname()[1], 0, "127.0.0.1",
                      bytes(16), 0x40000000 | 0x2e << 10, []))
    refuse("twamp", recv_n(c, 48))
    c.sendall(request(5, 0, 0, u.getsockname()[1], 0, "127.0.0.1",
                      bytes(16), TYPEP, []))
    acc = recv_n(c, 48)
    if acc[0] != 0:
        failures.append("twamp: DSCP 46 refused: Accept %d" % acc[0])
        return
    c.sendall(bytes([2]) + bytes(31))  # Start-Sessions
    recv_n(c, 32)
    refl = struct.unpack("!H", acc[2:4])[0]
    u.sendto(struct.pack("!IQH", 0, ntp_now(), 1) + bytes(27),
             ("127.0.0.1", refl))
    expect_tos("twamp reflected packet", u)
    c.close()


def refuse(what, acc):
    if acc[0] != 3:
        failures.append("%s: PHB ID Type-P answered Accept %d, not 3"
                        % (what, acc[0]))
    else:
        print("ok   %s: PHB ID Type-P refused with Accept 3" % what)


def server_owamp(port):
    c = control(port)
    u = udp()
    sid = socket.inet_aton("127.0.0.1") + struct.pack("!Q", ntp_now()) + \
        os.urandom(4)
    # Conf-Sender: the server sends to our port.
    c.sendall(request(1, 1, 0, 0, u.getsockname()[1], "127.0.0.1", sid,
                      TYPEP, [0.01]))
    acc = recv_n(c, 48)
    if acc[0] != 0:
        failures.append("owamp: DSCP 46 refused: Accept %d" % acc[0])
        return
    c.sendall(request(1, 1, 0, 0, u.getsockname()[1], "127.0.0.1",
                      sid[:15] + b"x", 0x40000000 | 0x2e << 10, [0.01]))
    refuse("owamp", recv_n(c, 48))
    c.sendall(bytes([2]) + bytes(31))  # Start-Sessions
    recv_n(c, 32)
    expect_tos("owamp Conf-Sender packet", u)
    c.close()


def client(proto):
    """A scripted server: takes ippm's request, reads its Type-P, refuses."""
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    lst.settimeout(10)
    port = lst.getsockname()[1]
    args = [IPPM, proto, "client", "127.0.0.1:%d" % port, "--dscp",
            str(DSCP), "--count", "1", "--no-progress"]
    if proto == "owamp":
        args.append("--to")
    cl = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    try:
        c, _ = lst.accept()
        c.settimeout(10)
        c.sendall(bytes(12) + struct.pack("!I", 1) + os.urandom(32) +
                  struct.pack("!I", 1024) + bytes(12))
        recv_n(c, 164)
        c.sendall(bytes(16) + bytes(16) + struct.pack("!Q", ntp_now()) +
                  bytes(8))
        req = recv_n(c, 112)
        typep = struct.unpack("!I", req[84:88])[0]
        c.sendall(bytes([3]) + bytes(47))  # Accept 3: not supported
        c.close()
    finally:
        cl.wait(timeout=10)
    if typep != TYPEP:
        failures.append("%s client --dscp %d: Type-P 0x%08x, want 0x%08x"
                        % (proto, DSCP, typep, TYPEP))
    else:
        print("ok   %s client --dscp %d: Type-P 0x%08x" % (proto, DSCP,
                                                           typep))


def server(proto):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    srv = subprocess.Popen([IPPM, proto, "server", "--listen", "127.0.0.1",
                            "--port", str(port)], stdout=subprocess.PIPE,
                           text=True)
    try:
        line = srv.stdout.readline()
        if "listening on" not in line:
            raise SystemExit("server did not start: %r" % line)
        (server_twamp if proto == "twamp" else server_owamp)(port)
    finally:
        srv.terminate()
        srv.wait(timeout=10)


(client if ROLE == "client" else server)(PROTO)
for f in failures:
    print("FAIL " + f)
sys.exit(1 if failures else 0)
