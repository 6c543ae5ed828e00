#!/usr/bin/python3
"""RFC 4656 §3.8 against `ippm owamp server`, in unauthenticated mode: a
scripted client, as owping behaves, asks the server to receive 5 packets
(one every 0.2 s) and to send it 1, all starting together, and answers
the server's Stop-Sessions at once with its own (else sends its own once
its session is complete). The server must not send Stop-Sessions before
the session it receives is complete (Timeout after the scheduled time of
its last packet): then Fetch-Session gives all 5 records; a Stop sent
when its own single packet's Timeout passed cut the session short
(interop: owping saw 9 of 10).
    stop.py IPPM fetch
        then fetches the session over a second connection while the first
        is open, and over a third once it closed (powstream fetches over
        a new connection; RFC 4656 §3.5: the SID "can be used in later
        sessions as an argument for the Fetch-Session command").
    stop.py IPPM reuse
        then asks for a new session on the same connection (the stopped
        session's slot reused) and fetches the first over a new one.
    stop.py IPPM late
        asks the server to send 5 packets whose times passed more than
        Timeout ago: RFC 4656 §4.1.1, it "MUST NOT send the packet" and
        its Stop-Sessions names them in skip ranges.
"""
import os
import select
import socket
import struct
import subprocess
import sys
import time

IPPM = sys.argv[1]
FETCH = len(sys.argv) > 2 and sys.argv[2] == "fetch"
LATE = len(sys.argv) > 2 and sys.argv[2] == "late"
REUSE = len(sys.argv) > 2 and sys.argv[2] == "reuse"
N, GAP, TIMEOUT = 5, 0.2, 0.5


def recv_n(s, n):
    d = b""
    while len(d) < n:
        got = s.recv(n - len(d))
        if not got:
            raise SystemExit("connection closed after %d of %d octets"
                             % (len(d), n))
        d += got
    return d


def ntp(t):
    t += 2208988800
    return (int(t) << 32) | int((t % 1) * (1 << 32))


def request(conf_s, conf_r, rport, sid, n, start):
    m = struct.pack("!BBBBIIHH", 1, 4, conf_s, conf_r, 1, n, 0, rport)
    m += socket.inet_aton("127.0.0.1") + bytes(12)
    m += socket.inet_aton("127.0.0.1") + bytes(12)
    m += sid + struct.pack("!IQQI", 0, ntp(start),
                           int(TIMEOUT * (1 << 32)), 0)
    m += bytes(8) + bytes(16)
    m += struct.pack("!B7xQ", 1, int(GAP * (1 << 32))) + bytes(16)
    return m


def read_stop(c):
    """The rest of a Stop-Sessions whose first octet was read: each
    session's (Next Seqno, [(first, last) skip ranges])."""
    head = b"\x03" + recv_n(c, 15)
    n = struct.unpack("!I", head[4:8])[0]
    body, out = 0, []
    for _ in range(n):
        d = recv_n(c, 24)
        nxt, skips = struct.unpack("!II", d[16:24])
        raw = recv_n(c, 8 * skips)
        out.append((nxt, [struct.unpack("!II", raw[i:i + 8])
                          for i in range(0, len(raw), 8)]))
        body += 24 + 8 * skips
    recv_n(c, (-body) % 16 + 16)  # MBZ to a block, HMAC
    return out


def stop_msg(sid, next_seqno):
    m = struct.pack("!BBxxI8x", 3, 0, 1)
    m += sid + struct.pack("!II", next_seqno, 0)
    return m + bytes((-24) % 16) + bytes(16)


def connect(port):
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    recv_n(c, 64)
    c.sendall(struct.pack("!I", 1) + bytes(160))
    if recv_n(c, 48)[15] != 0:
        raise SystemExit("Server-Start refused")
    return c


def fetch(c, sid):
    """Fetch-Session of every record: (Accept, Number of Records)."""
    c.sendall(struct.pack("!B7xII", 4, 0, 0xffffffff) + sid + bytes(16))
    ack = recv_n(c, 32)
    c.settimeout(0.3)  # the session description and records that follow
    try:
        while c.recv(65536):
            pass
    except socket.timeout:
        pass
    c.settimeout(10)
    return ack[0], struct.unpack("!I", ack[12:16])[0]


def fetch_elsewhere(port, c, rsid):
    """The same SID over a new connection, the first open, then closed."""
    rc = 0
    for when in ("while the first is open", "after the first closed"):
        if when.startswith("after"):
            c.close()
            time.sleep(0.2)  # the server sees the close
        d = connect(port)
        accept, records = fetch(d, rsid)
        d.close()
        if (accept, records) != (0, N):
            print("FAIL Fetch-Session over a new connection %s: Accept %d, "
                  "%d records of %d" % (when, accept, records, N))
            rc = 1
        else:
            print("ok   Fetch-Session over a new connection %s: %d records"
                  % (when, records))
    return rc


def reuse(port, c, rsid):
    """A new session in the stopped one's slot; the first still fetched."""
    c.sendall(request(0, 1, 0, bytes(16), N, time.time() + 5))
    if recv_n(c, 48)[0] != 0:
        raise SystemExit("second session refused")
    d = connect(port)
    accept, records = fetch(d, rsid)
    d.close()
    c.close()
    if (accept, records) != (0, N):
        print("FAIL the first session once its slot was reused: Accept %d, "
              "%d records of %d" % (accept, records, N))
        return 1
    print("ok   the first session fetched once its slot was reused")
    return 0


def late(port):
    """A Conf-Sender session all of whose packets are over Timeout late."""
    c = connect(port)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    u.settimeout(0.5)
    sid = socket.inet_aton("127.0.0.1") + os.urandom(12)
    c.sendall(request(1, 0, u.getsockname()[1], sid, N, time.time() - 3))
    if recv_n(c, 48)[0] != 0:
        raise SystemExit("sending session refused")
    c.sendall(bytes([2]) + bytes(31))
    recv_n(c, 32)
    if recv_n(c, 1) != b"\x03":
        raise SystemExit("expected Stop-Sessions")
    stop = read_stop(c)
    got = 0
    try:
        while True:
            u.recv(2048)
            got += 1
    except socket.timeout:
        pass
    c.close()
    want = [(N, [(0, N - 1)])]
    if got or stop != want:
        print("FAIL packets over Timeout late: %d sent, Stop-Sessions %r "
              "(want none sent, %r)" % (got, stop, want))
        return 1
    print("ok   %d packets over Timeout late: none sent, skip range 0-%d"
          % (N, N - 1))
    return 0


def run(port):
    if LATE:
        return late(port)
    c = connect(port)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    start = time.time() + 0.5
    c.sendall(request(0, 1, 0, bytes(16), N, start))
    acc = recv_n(c, 48)
    if acc[0] != 0:
        raise SystemExit("receiving session refused: Accept %d" % acc[0])
    rport, rsid = struct.unpack("!H", acc[2:4])[0], acc[4:20]
    ssid = socket.inet_aton("127.0.0.1") + os.urandom(12)
    c.sendall(request(1, 0, u.getsockname()[1], ssid, 1, start))
    if recv_n(c, 48)[0] != 0:
        raise SystemExit("sending session refused")
    c.sendall(bytes([2]) + bytes(31))
    recv_n(c, 32)
    sent = 0
    server_stop = False
    # As owping: our packets on schedule; our Stop-Sessions at once when
    # the server's comes, else once our session is complete (§3.8).
    # RFC 4656 §5: packet k leaves k + 1 slots after the Start Time.
    complete = start + N * GAP + TIMEOUT + 0.05
    while not server_stop:
        due = start + (sent + 1) * GAP if sent < N else complete
        r, _, _ = select.select([c], [], [], max(0.0, due - time.time()))
        if r:
            if recv_n(c, 1) != b"\x03":
                raise SystemExit("expected Stop-Sessions")
            read_stop(c)
            server_stop = True
        elif sent < N:
            u.sendto(struct.pack("!IQH", sent, ntp(time.time()), 1),
                     ("127.0.0.1", rport))
            sent += 1
        else:
            break
    c.sendall(stop_msg(rsid, sent))
    if not server_stop:  # the server answers ours with its own
        if recv_n(c, 1) != b"\x03":
            raise SystemExit("expected Stop-Sessions")
        read_stop(c)
    accept, records = fetch(c, rsid)
    if accept != 0 or records != N:
        print("FAIL Stop-Sessions after %d of %d packets sent; Fetch-Ack "
              "Accept %d, %d records of %d" % (sent, N, accept, records, N))
        return 1
    print("ok   the server's Stop-Sessions waited for the %d packets it "
          "received; Fetch-Session gives %d records" % (N, records))
    if REUSE:
        return reuse(port, c, rsid)
    return fetch_elsewhere(port, c, rsid) if FETCH else 0


s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
srv = subprocess.Popen([IPPM, "owamp", "server", "--listen", "127.0.0.1",
                        "--port", str(port)], stdout=subprocess.PIPE,
                       text=True)
try:
    if "listening on" not in srv.stdout.readline():
        raise SystemExit("server did not start")
    rc = run(port)
finally:
    srv.terminate()
    srv.wait(timeout=10)
sys.exit(rc)
