"""What the kernel says of a loopback UDP socket, for the live tests that
flood a server (session_flood.py, signal_flood.py)."""


def udp_socket_state(port):
    """(octets queued, datagrams dropped) of the socket bound to
    127.0.0.1:port, from /proc/net/udp; None when there is none."""
    local = "0100007F:%04X" % port
    with open("/proc/net/udp") as f:
        next(f)
        for line in f:
            col = line.split()
            if col[1] == local:
                return int(col[4].split(":")[1], 16), int(col[-1])
    return None
