"""Reading UDPing captures without scapy: the UDP datagrams of a classic
pcap file (Ethernet, Linux cooked or BSD loopback), and the version-1
header fields the tests need (notes §1)."""
import struct


def udp_datagrams(path):
    """[(time_s, src, sport, dst, dport, payload)] of every IPv4 UDP
    datagram in the capture, in order."""
    with open(path, "rb") as f:
        d = f.read()
    magic, = struct.unpack("<I", d[:4])
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        raise ValueError("%s: not a little-endian classic pcap" % path)
    scale = 1e9 if magic == 0xA1B23C4D else 1e6
    link, = struct.unpack("<I", d[20:24])
    off, out = 24, []
    while off + 16 <= len(d):
        sec, frac, caplen, _ = struct.unpack("<IIII", d[off:off + 16])
        off += 16
        frame = d[off:off + caplen]
        off += caplen
        if link == 1:
            ethertype, = struct.unpack(">H", frame[12:14])
            ip = frame[14:]
        elif link == 113:
            ethertype, = struct.unpack(">H", frame[14:16])
            ip = frame[16:]
        elif link == 0:
            ethertype, ip = (0x800 if frame[0] == 2 else 0), frame[4:]
        else:
            raise ValueError("%s: link type %d" % (path, link))
        if ethertype != 0x800 or len(ip) < 28 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        sport, dport, ulen = struct.unpack(">HHH", ip[ihl:ihl + 6])
        out.append((sec + frac / scale, ".".join(map(str, ip[12:16])), sport,
                    ".".join(map(str, ip[16:20])), dport,
                    ip[ihl + 8:ihl + ulen]))
    return out


def header(p):
    """The version-1 fields: (client_start, guid, seq, sent_sec, sent_nsec,
    size)."""
    start, = struct.unpack("<q", p[8:16])
    guid = p[16:36].decode()
    seq, = struct.unpack("<I", p[40:44])
    sec, nsec = struct.unpack("<qq", p[48:64])
    size, = struct.unpack("<I", p[64:68])
    return start, guid, seq, sec, nsec, size


def restamp(p, sent_ns):
    """p with its sent time replaced by sent_ns (Unix ns)."""
    return p[:48] + struct.pack("<qq", sent_ns // 10**9, sent_ns % 10**9) + p[64:]


def expected_counts(seqs_by_guid, order):
    """targetCount per guid as the original means it (notes §5): min and
    max move by 1..9 only; a session whose successor (same port and
    client start, the next guid) is known closes at successor.min - 1.
    seqs_by_guid: guid -> seqs in arrival order; order: per port, the
    guids in the order they started."""
    mm = {}
    for g, seqs in seqs_by_guid.items():
        lo = hi = seqs[0]
        for s in seqs[1:]:
            if 1 <= (s - hi) % 2**32 <= 9:
                hi = s
            if 1 <= (lo - s) % 2**32 <= 9:
                lo = s
        mm[g] = [lo, hi]
    for guids in order.values():
        for g, nxt in zip(guids, guids[1:]):
            s = (mm[nxt][0] - 1) % 2**32
            if 1 <= (s - mm[g][1]) % 2**32 <= 9:
                mm[g][1] = s
    return {g: (1 + hi - lo) % 2**32 for g, (lo, hi) in mm.items()}
