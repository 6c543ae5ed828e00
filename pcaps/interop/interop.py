#!/usr/bin/python3
"""ippm's STAMP decoders against independent ones, field by field.

    interop.py --ippm BIN corpus PCAPS_DIR
    interop.py --ippm BIN live PCAPS_DIR
    interop.py --ippm BIN tlvs PCAPS_DIR

`ippm pcap dump` prints what proto/stamp decodes from every STAMP datagram
of a capture. Each is compared, lengths included, with:

  * a decoder written here from the figures of RFC 8762 (every mode),
  * scapy.contrib.stamp (unauthenticated mode, the 44 base octets: scapy
    reads what follows as RFC 8972 TLVs and fails on plain padding; and it
    fills in the fields a short packet lacks, so for those only ippm's
    refusal is checked),
  * tshark's TWAMP-Test dissector (-d udp.port==PORT,twamp.test; it reads
    every packet in the reflector layout, so for sender packets only the
    first 14 octets are compared, and it knows no authenticated STAMP).

corpus: the captures of pcaps/stamp/ (built by gen_stamp.py) and
pcaps/reference/ (another implementation's packets).
The TLVs past the base of an unauthenticated packet are compared with
scapy's STAMPTestTLV reading of the same octets (flags, type, Length,
value), each value decoded here from its figure (RFC 8972 §4.1-§4.8,
RFC 9503, RFC 9534, the drafts); the fields of a packet shorter than the
base with the RFC figures and scapy, as far as the packet holds them.

tlvs: builds a capture with every TLV type (as sent and as reflected,
with the U, M, I and C flags, a forbidden Length, an unknown type, a
truncated TLV) and 30-, 38- and 41-octet packets, and compares as above;
the 38-octet reply must show its sequence numbers and timestamps.
live: captures `ippm stamp reflector` and `ippm stamp sender` on loopback
with dumpcap, compares the decoders on those packets (ippm's own encoder),
and requires `ippm pcap check` to pass every MUST on them.

Exit 0 when everything agrees, 1 on a disagreement, 77 when scapy, tshark
or (live) dumpcap or the stamp commands are missing.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../testsupport"))
from ippmtest import free_port  # noqa: E402

SKIP = 77

try:
    from scapy.all import UDP, bind_layers, load_contrib, rdpcap
    load_contrib("stamp")
    from scapy.contrib.stamp import (STAMPSessionReflectorTestUnauthenticated
                                     as ScapyRefl, STAMPTestTLV,
                                     STAMPSessionSenderTestUnauthenticated
                                     as ScapySend)
    HAVE_SCAPY = True
except ImportError:
    HAVE_SCAPY = False

TSHARK = shutil.which("tshark")
DUMPCAP = shutil.which("dumpcap")

# capture -> (reflector port, authenticated); the rest are open on 862
PORTS = {"stamp-port-20862.pcap": 20862, "stamp-rfc8762cli.pcap": 20862,
         "stamp-rfc8762cli-ptp.pcap": 20863,
         "stamp-twamp-light-38.pcap": 4001}


class Checker:
    def __init__(self):
        self.errors = []
        self.compared = {"struct": 0, "scapy": 0, "tshark": 0, "tlv": 0}

    def expect(self, where, what, ours, theirs):
        if ours != theirs:
            self.errors.append("%s: %s: ippm %r, other %r" %
                               (where, what, ours, theirs))


# ---- decoder from the RFC figures ----

# Where each base field sits, RFC 8762 Figures 3-6 with RFC 8972 §3:
# (name, offset, octets), in ippm dump's names and order.
FIELDS = {
    ("sender", False): [("seq", 0, 4), ("ts", 4, 8), ("errest", 12, 2),
                        ("ssid", 14, 2)],
    ("sender", True): [("seq", 0, 4), ("ts", 16, 8), ("errest", 24, 2),
                       ("ssid", 26, 2)],
    ("reflector", False): [("seq", 0, 4), ("ts", 4, 8), ("errest", 12, 2),
                           ("ssid", 14, 2), ("rx_ts", 16, 8),
                           ("ss_seq", 24, 4), ("ss_ts", 28, 8),
                           ("ss_errest", 36, 2), ("ss_ttl", 40, 1)],
    ("reflector", True): [("seq", 0, 4), ("ts", 16, 8), ("errest", 24, 2),
                          ("ssid", 26, 2), ("rx_ts", 32, 8),
                          ("ss_seq", 48, 4), ("ss_ts", 64, 8),
                          ("ss_errest", 72, 2), ("ss_ttl", 80, 1)],
}
MBZ = {("sender", False): [(16, 44)], ("sender", True): [(4, 16), (28, 96)],
       ("reflector", False): [(38, 40), (41, 44)],
       ("reflector", True): [(4, 16), (28, 32), (40, 48), (52, 64),
                             (74, 80), (81, 96)]}


def short_decode(p, kind, auth):
    """A packet shorter than the base: the error, and every field it is
    long enough to hold; the others are named absent."""
    d = {"error": "IPPM_ERR_SHORT", "base_len": 112 if auth else 44}
    absent = []
    for name, off, n in FIELDS[(kind, auth)]:
        if off + n > len(p):
            absent.append(name)
            continue
        v = int.from_bytes(p[off:off + n], "big")
        d[name] = str(v) if n == 8 else v
    d["mbz_nonzero"] = any(any(p[a:b]) for a, b in MBZ[(kind, auth)])
    if auth:
        absent.append("hmac")
    d["absent"] = absent
    return d


def rfc_decode(p, kind, auth):
    base = 112 if auth else 44
    if len(p) < base:
        return short_decode(p, kind, auth)
    d = {"seq": struct.unpack_from("!I", p)[0]}
    if kind == "sender":
        if auth:  # Figure 4
            ts, e, ssid = struct.unpack_from("!QHH", p, 16)
            mbz = p[4:16] + p[28:96]
        else:     # Figure 3 with RFC 8972 §3
            ts, e, ssid = struct.unpack_from("!QHH", p, 4)
            mbz = p[16:44]
        d.update(ts=str(ts), errest=e, ssid=ssid)
    else:
        if auth:  # Figure 6
            ts, e, ssid = struct.unpack_from("!QHH", p, 16)
            rx, = struct.unpack_from("!Q", p, 32)
            ss_seq, = struct.unpack_from("!I", p, 48)
            ss_ts, ss_e = struct.unpack_from("!QH", p, 64)
            ttl = p[80]
            mbz = p[4:16] + p[28:32] + p[40:48] + p[52:64] + p[74:80] + \
                p[81:96]
        else:     # Figure 5
            ts, e, ssid, rx, ss_seq, ss_ts, ss_e = \
                struct.unpack_from("!QHHQIQH", p, 4)
            ttl = p[40]
            mbz = p[38:40] + p[41:44]
        d.update(ts=str(ts), errest=e, ssid=ssid, rx_ts=str(rx),
                 ss_seq=ss_seq, ss_ts=str(ss_ts), ss_errest=ss_e,
                 ss_ttl=ttl)
    d["mbz_nonzero"] = any(mbz)
    d["extra"] = p[base:].hex()
    if auth:
        d["hmac"] = p[96:112].hex()
    return d


# ---- the other decoders ----

def scapy_payloads(path, port):
    """frame number -> (UDP payload, decoded STAMP layer or None)."""
    bind_layers(UDP, ScapySend, dport=port)
    bind_layers(UDP, ScapyRefl, sport=port)
    out = {}
    for i, pkt in enumerate(rdpcap(path), 1):
        if UDP not in pkt:
            continue
        u = pkt[UDP]
        wire = bytes(u)
        payload = wire[8:u.len] if u.len and u.len <= len(wire) else wire[8:]
        # scapy reads every octet past the base as RFC 8972 TLVs and gives
        # up on plain padding: decode the 44 base octets on their own
        hdr = struct.pack("!HHHH", u.sport, u.dport, 8 + 44, 0)
        base = UDP(hdr + payload[:44]) if len(payload) >= 44 else u
        layer = base.getlayer(ScapySend) or base.getlayer(ScapyRefl)
        out[i] = (payload, layer)
    return out


def scapy_fields(layer):
    """Raw wire values of a scapy STAMP layer, in ippm dump's names."""
    def raw(name):
        fld = layer.get_field(name)
        fld = fld._find_fld_pkt(layer) if hasattr(fld, "_find_fld_pkt") \
            else fld
        return fld.i2m(layer, layer.getfieldval(name))

    def errest(name):
        return int.from_bytes(bytes(layer.getfieldval(name)), "big")

    d = {"seq": raw("seq"), "ts": str(raw("ts")),
         "errest": errest("err_estimate"), "ssid": raw("ssid")}
    if isinstance(layer, ScapyRefl):
        d.update(rx_ts=str(raw("ts_rx")), ss_seq=raw("seq_sender"),
                 ss_ts=str(raw("ts_sender")),
                 ss_errest=errest("err_estimate_sender"),
                 ss_ttl=raw("ttl_sender"))
    return d


def tshark_frames(path, port):
    """frame number -> twamp.test layer (dict) as tshark -T json -x."""
    out = subprocess.run(
        [TSHARK, "-r", path, "-T", "json", "-x",
         "-d", "udp.port==%d,twamp.test" % port],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    frames = {}
    for pkt in json.loads(out or b"[]"):
        layers = pkt["_source"]["layers"]
        num = int(layers["frame"]["frame.number"])
        frames[num] = layers.get("twamp.test")
    return frames


def traw(layer, name):
    v = layer.get("twamp.test.%s_raw" % name)
    return None if v is None else v[0]


# ---- TLVs: RFC 8972 §4 Figure 5 and each type's figure ----

def flag_letters(f):
    return "".join(c for c, b in (("U", 0x80), ("M", 0x40), ("I", 0x20),
                                  ("C", 0x10)) if f & b)


def ip_text(b):
    return socket.inet_ntop(socket.AF_INET if len(b) == 4 else
                            socket.AF_INET6, b)


def tlv_head(off, flags, typ, value):
    return {"off": off, "type": typ, "flags": flag_letters(flags),
            "flags_raw": flags, "length": len(value)}


def walk(value):
    """(offset, flags, type, value) of each sub-TLV; then the error."""
    out, off = [], 0
    while off < len(value):
        if len(value) - off < 4:
            return out, "IPPM_ERR_SHORT"
        fl, ty, n = struct.unpack_from("!BBH", value, off)
        if off + 4 + n > len(value):
            return out, "IPPM_ERR_TOO_LONG"
        out.append((off, fl, ty, value[off + 4:off + 4 + n]))
        off += 4 + n
    return out, None


def location_subs(value):
    subs, err = walk(value)
    res = []
    for off, fl, ty, v in subs:
        e = tlv_head(off, fl, ty, v)
        if 1 <= ty <= 9 and len(v) != (8 if ty <= 3 else 16):
            e["error"] = "IPPM_ERR_BAD_VALUE"
        if ty in (5, 8) and len(v) >= 4:      # IPv4, RFC 8972 §4.2.1
            e["addr"] = ip_text(v[:4])
        elif ty in (6, 9) and len(v) >= 16:   # IPv6
            e["addr"] = ip_text(v[:16])
        e["hex"] = v.hex()
        res.append(e)
    return res, err


def return_path_subs(value):
    subs, err = walk(value)
    res = []
    for off, fl, ty, v in subs:
        e = tlv_head(off, fl, ty, v)
        ok = {1: len(v) == 4, 2: len(v) in (4, 16),
              3: len(v) > 0 and len(v) % 4 == 0,
              4: len(v) > 0 and len(v) % 16 == 0}.get(ty)
        if ok is False:                       # RFC 9503 §4.1 Lengths
            e["error"] = "IPPM_ERR_BAD_VALUE"
        elif ty == 1:                         # Control Code
            e["control_code"] = struct.unpack("!I", v)[0]
        elif ty == 2:
            e["addr"] = ip_text(v)
        elif ty == 3:
            e["lse"] = [struct.unpack_from("!I", v, i)[0]
                        for i in range(0, len(v), 4)]
        elif ty == 4:
            e["sid"] = [ip_text(v[i:i + 16]) for i in range(0, len(v), 16)]
        e["hex"] = v.hex()
        res.append(e)
    return res, err


# Lengths each type allows (None: any), as proto/stamp's decoders.
TLV_LEN = {3: lambda n: n >= 4, 4: lambda n: n == 4, 5: lambda n: n == 12,
           6: lambda n: n == 4, 7: lambda n: n == 16, 8: lambda n: n == 16,
           9: lambda n: n in (4, 16), 11: lambda n: n == 4,
           12: lambda n: n >= 12, 2: lambda n: n >= 4,
           241: lambda n: n == 4, 242: lambda n: n == 4}
KNOWN = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 240, 241, 242, 246, 247, 0}


def tlv_expect(off, flags, typ, v):
    """What ippm pcap dump must say of one TLV, from its figure."""
    e = tlv_head(off, flags, typ, v)
    if typ in TLV_LEN and not TLV_LEN[typ](len(v)):
        e.update(error="IPPM_ERR_BAD_VALUE", hex=v.hex())
        return e
    if typ == 1:
        e.update(len=len(v), zero=not any(v))
    elif typ == 2:
        e["dst_port"], e["src_port"] = struct.unpack_from("!HH", v)
        e["sub"], err = location_subs(v[4:])
        if err:
            e["sub_error"] = err
    elif typ == 3:
        e.update(zip(("sync_src_in", "timestamp_in", "sync_src_out",
                      "timestamp_out"), v[:4]))
        if len(v) > 4:                        # optional sub-TLVs
            e["sub_hex"] = v[4:].hex()
    elif typ == 4:
        w, = struct.unpack_from("!H", v)
        e.update(dscp1=w >> 10, dscp2=(w >> 4) & 0x3f, ecn=(w >> 2) & 3,
                 rp=w & 3, reserved_nonzero=any(v[2:]))
    elif typ == 5:
        e.update(zip(("s_tx", "r_rx", "r_tx"), struct.unpack("!III", v)))
    elif typ == 6:
        e.update(id=v[0] >> 4, code=v[1],
                 reserved_nonzero=bool(v[0] & 15) or any(v[2:]))
    elif typ == 7:
        seq, t = struct.unpack_from("!IQ", v)
        e.update(seq=seq, ts_raw=str(t), mode_raw=v[12],
                 reserved_nonzero=any(v[13:]))
    elif typ == 8:
        e["hmac"] = v.hex()
    elif typ == 9:
        e["addr"] = ip_text(v)
    elif typ == 10:
        e["sub"], err = return_path_subs(v)
        if err:
            e["sub_error"] = err
    elif typ == 11:
        e["sid"], e["rid"] = struct.unpack("!HH", v)
    elif typ == 12:
        e["len"], e["count"], e["interval_ns"] = struct.unpack_from("!HHI", v)
        e["sub_hex"] = v[8:].hex()
    elif typ in (241, 242):
        e["n"] = struct.unpack("!I", v)[0]
    elif typ in (240, 246, 247) or typ not in KNOWN:
        e["hex"] = v.hex()
    return e


def subset(ours, theirs):
    """ours restricted to the keys of theirs, lists of dicts alike."""
    if isinstance(theirs, dict) and isinstance(ours, dict):
        return {k: subset(ours.get(k), v) for k, v in theirs.items()}
    if isinstance(theirs, list) and isinstance(ours, list) and \
            len(ours) == len(theirs):
        return [subset(o, t) for o, t in zip(ours, theirs)]
    return ours


def scapy_tlvs(extra):
    """(offset, flags, type, value) of each TLV as scapy's STAMPTestTLV
    reads the octets past the base. One TLV at a time: the contrib's
    PacketListField cannot dissect under UDP (it reads pkt.parent.len,
    None there, in scapy 2.5)."""
    out, off = [], 0
    while len(extra) - off >= 4:
        t = STAMPTestTLV(extra[off:])
        v = bytes(t.value)
        if len(v) != t.len:  # runs past the end: the walk stops here
            break
        out.append((off, int(t.flags), t.type, v))
        off += 4 + len(v)
    return out


def compare_tlvs(chk, where, d, payload):
    """The TLVs ippm read past the base against scapy's split of the same
    octets, each decoded by its figure."""
    extra = payload[44:]
    if not extra or not any(extra):
        chk.expect(where, "padding", d.get("padding"),
                   len(extra) if extra else None)
        return
    ours = d.get("tlvs")
    if not isinstance(ours, list):
        chk.errors.append("%s: no TLVs decoded from %s" % (where,
                                                           extra.hex()))
        return
    walked, err = walk(extra)
    theirs = [tlv_expect(*t) for t in walked]
    if err:
        end = walked[-1][0] + 4 + len(walked[-1][3]) if walked else 0
        theirs.append({"off": end, "error": err, "hex": extra[end:].hex()})
    # scapy's split must be the same TLVs, as far as the walk got
    sc = scapy_tlvs(extra)
    chk.expect(where, "scapy TLV split", sc[:len(walked)], walked)
    chk.expect(where, "number of TLVs", len(ours), len(theirs))
    for o, t in zip(ours, theirs):
        chk.expect(where, "TLV at %d" % t["off"], subset(o, t), t)
    chk.compared["tlv"] += len(theirs)


# ---- comparison ----

def ippm_dump(ippm, path, port, key):
    cmd = [ippm, "pcap", "dump", path, "--port", str(port)]
    if key:
        cmd += ["--auth-key-file", key]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, check=True).stdout
    return [json.loads(line) for line in out.decode().splitlines() if line]


KEY_FIXTURE_LINE = b"# ippm test fixture: not a secret"


def read_key(path):
    """The key in a key file as ippm reads it (impl/core/keyfile.h): one
    line, after the fixture mark when the file starts with it."""
    with open(path, "rb") as f:
        data = f.read()
    for mark in (KEY_FIXTURE_LINE + b"\r\n", KEY_FIXTURE_LINE + b"\n"):
        if data.startswith(mark):
            data = data[len(mark):]
    return data.rstrip(b"\r\n")


def compare(chk, ippm, path, port, key=None):
    auth = key is not None
    name = os.path.basename(path)
    dump = ippm_dump(ippm, path, port, key)
    if not dump:
        chk.errors.append("%s: ippm found no STAMP datagram" % name)
        return
    sc = scapy_payloads(path, port) if HAVE_SCAPY else {}
    ts = tshark_frames(path, port) if TSHARK and not auth else {}
    for d in dump:
        where = "%s frame %d (%s)" % (name, d["frame"], d["kind"])
        if HAVE_SCAPY:
            payload, layer = sc[d["frame"]]
        else:  # the RFC decoder needs the bytes: tshark's frame hex
            payload = None
        # lengths: ippm's idea of the UDP payload against scapy's
        if payload is not None:
            chk.expect(where, "length", d["len"], len(payload))
            ref = rfc_decode(payload, d["kind"], auth)
            ours = {k: v for k, v in d.items() if k in ref}
            chk.expect(where, "RFC-figure decode", ours, ref)
            if key and "hmac_ok" in d:
                import hashlib
                import hmac
                k = read_key(key)
                good = hmac.new(k, payload[:96], hashlib.sha256).digest()[:16]
                chk.expect(where, "hmac_ok", d["hmac_ok"],
                           good == payload[96:112])
            chk.compared["struct"] += 1
        if HAVE_SCAPY and not auth:
            if len(payload) < 44:
                # scapy builds the missing fields from defaults: compare
                # those the packet holds; ippm must say it is short
                chk.expect(where, "short packet", d.get("error"),
                           "IPPM_ERR_SHORT")
                if layer is not None:  # None: scapy cannot (30 octets)
                    held = [f for f, off, n in FIELDS[(d["kind"], False)]
                            if off + n <= len(payload)]
                    theirs = {k: v for k, v in scapy_fields(layer).items()
                              if k in held}
                    ours = {k: d.get(k) for k in theirs}
                    chk.expect(where, "scapy fields of a short packet",
                               ours, theirs)
                    chk.compared["scapy"] += 1
            elif layer is None:
                chk.errors.append("%s: scapy did not decode STAMP" % where)
            else:
                theirs = scapy_fields(layer)
                ours = {k: d.get(k) for k in theirs}
                chk.expect(where, "scapy fields", ours, theirs)
                chk.compared["scapy"] += 1
                compare_tlvs(chk, where, d, payload)
        if ts and not auth:
            layer = ts.get(d["frame"])
            if d["len"] < 44:
                chk.expect(where, "short packet", d.get("error"),
                           "IPPM_ERR_SHORT")
                continue
            if layer is None:
                chk.errors.append("%s: tshark did not decode TWAMP-Test" %
                                  where)
                continue
            theirs = {"seq": int(traw(layer, "seq_number"), 16),
                      "ts": str(int(traw(layer, "timestamp"), 16)),
                      "errest": int(traw(layer, "error_estimate"), 16)}
            if d["kind"] == "reflector":
                # TWAMP-Test reflector layout = STAMP's up to the TTL;
                # tshark's padding starts with STAMP's last 3 MBZ octets
                pad = traw(layer, "padding") or ""
                theirs.update(
                    ssid=int(traw(layer, "mbz1"), 16),
                    rx_ts=str(int(traw(layer, "receive_timestamp"), 16)),
                    ss_seq=int(traw(layer, "sender_seq_number"), 16),
                    ss_ts=str(int(traw(layer, "sender_timestamp"), 16)),
                    ss_errest=int(traw(layer, "sender_error_estimate"), 16),
                    ss_ttl=int(traw(layer, "sender_ttl"), 16),
                    extra=pad[6:])
            ours = {k: d.get(k) for k in theirs}
            chk.expect(where, "tshark fields", ours, theirs)
            chk.compared["tshark"] += 1


# ---- a capture of every TLV and of short packets, built here ----

def tlv(flags, typ, value):
    return struct.pack("!BBH", flags, typ, len(value)) + value


def v4(a):
    return socket.inet_pton(socket.AF_INET, a)


def v6(a):
    return socket.inet_pton(socket.AF_INET6, a)


def tlv_block(reply):
    """Every TLV type proto/stamp knows, and some it does not: as a
    Session-Sender sends them (U set, fields zero, RFC 8972 §4) or as a
    reflector fills them, with every flag somewhere."""
    U, M, I, C = 0x80, 0x40, 0x20, 0x10
    f = 0 if reply else U
    loc = struct.pack("!HH", 862, 40000) if reply else bytes(4)
    loc += tlv(f, 1, bytes.fromhex("020000aabbcc0000"))        # Source MAC
    loc += tlv(f, 5, v4("192.0.2.20") + bytes(12))            # Dest IPv4
    loc += tlv(f, 8, v4("192.0.2.10") + bytes(12))            # Src IPv4
    loc += tlv(f, 6, v6("2001:db8::20"))                      # Dest IPv6
    rp = tlv(0, 1, struct.pack("!I", 1))                      # same link
    rp += tlv(0, 2, v4("198.51.100.7"))
    rp += tlv(0, 3, struct.pack("!II", 16000 << 12 | 0x100 | 64,
                                16001 << 12 | 0x100 | 64))
    rp += tlv(0, 4, v6("2001:db8:5::1") + v6("2001:db8:5::2"))
    fu = struct.pack("!IQB3s", 6, 0xe9b1c3d400000000, 2, bytes(3)) \
        if reply else bytes(16)
    blk = tlv(f, 1, bytes(12))                                 # padding
    blk += tlv(f, 2, loc)
    blk += tlv(f, 3, bytes([1, 2, 1, 1]) if reply else bytes(4))
    blk += tlv(f, 3, bytes([1, 2, 1, 1]) + tlv(0, 1, b"\x05\x06"))
    blk += tlv(f | (C if reply else 0), 4,
               struct.pack("!HH", 46 << 10 | 10 << 4 | 2 << 2 | 1, 0))
    blk += tlv(f, 5, struct.pack("!III", 7, 7 if reply else 0,
                                 8 if reply else 0))
    blk += tlv(f | (I if reply else 0), 6, bytes([0x10, 3, 0, 0]))
    blk += tlv(f, 7, fu)
    blk += tlv(f, 9, v4("192.0.2.20"))
    blk += tlv(f, 10, rp)
    blk += tlv(f, 11, struct.pack("!HH", 17, 23))
    blk += tlv(f, 12, struct.pack("!HHI", 128, 1, 1000000) + tlv(0, 1, b""))
    blk += tlv(f, 240, bytes.fromhex("a5c3"))
    blk += tlv(f, 241, struct.pack("!I", 3 if reply else 0))
    blk += tlv(f, 242, struct.pack("!I", 1 if reply else 0))
    blk += tlv(f, 246, bytes.fromhex("3c00010400000000"))
    blk += tlv(f, 247, bytes.fromhex("4500002c"))
    blk += tlv(U if reply else 0, 99, b"\x01\x02\x03")          # unknown
    blk += tlv(f | (M if reply else 0), 4, bytes(2))           # bad Length
    blk += tlv(f, 8, bytes(range(16)))                         # HMAC
    return blk


def build_tlv_capture(path):
    """Requests and replies with every TLV, a truncated TLV, and a 30-,
    38- and 41-octet packet (TWAMP-Light replies, RFC 5357 §4.2.1)."""
    from scapy.all import IP, Ether, wrpcap
    t0 = 0xe9b1c3d400000000
    pkts = []

    def add(to_reflector, payload):
        src, dst = ("192.0.2.10", "192.0.2.20") if to_reflector else \
            ("192.0.2.20", "192.0.2.10")
        sp, dp = (40000, 862) if to_reflector else (862, 40000)
        pkts.append(Ether(src="02:00:00:00:00:0a", dst="02:00:00:00:00:14") /
                    IP(src=src, dst=dst, ttl=64) /
                    UDP(sport=sp, dport=dp) / payload)

    def request(seq, extra=b""):
        return struct.pack("!IQHH28s", seq, t0 + seq, 1, 7, bytes(28)) + extra

    def reply(seq, extra=b""):
        return struct.pack("!IQHHQIQHHB3s", 100 + seq, t0 + seq + 3, 1, 7,
                           t0 + seq + 2, seq, t0 + seq, 1, 0, 63,
                           bytes(3)) + extra

    add(True, request(0, tlv_block(False)))
    add(False, reply(0, tlv_block(True)))
    bad_subs = tlv(0x80, 10, tlv(0, 3, bytes(6)) + tlv(0, 9, b"xy")) + \
        tlv(0x80, 2, bytes(4) + tlv(0, 5, v4("192.0.2.20")))
    add(True, request(1, tlv(0x80, 5, bytes(12)) + bad_subs +
                      b"\x80\x07\x00\x40ab"))
    add(False, reply(1, tlv(0, 5, bytes(12)) + b"\x00\x07"))
    add(True, request(2)[:30])
    add(False, reply(2)[:38])
    add(True, request(3))
    add(False, reply(3)[:41])
    wrpcap(path, pkts)


def build_auth_tlv_capture(path, key):
    """Authenticated requests (RFC 8762 Figure 4) with a Direct
    Measurement and an HMAC TLV (RFC 8972 §4.8: over the Sequence Number
    and the TLVs before it), the second HMAC TLV wrong."""
    import hashlib
    import hmac
    from scapy.all import IP, Ether, wrpcap
    pkts = []
    for seq in (0, 1):
        base = struct.pack("!I12sQHH68s", seq, bytes(12),
                           0xe9b1c3d400000000 + seq, 1, 0, bytes(68))
        base += hmac.new(key, base[:96], hashlib.sha256).digest()[:16]
        dm = tlv(0x80, 5, struct.pack("!III", seq, 0, 0))
        mac = hmac.new(key, base[:4] + dm, hashlib.sha256).digest()[:16]
        if seq == 1:
            mac = bytes(16)
        pkts.append(Ether(src="02:00:00:00:00:0a", dst="02:00:00:00:00:14") /
                    IP(src="192.0.2.10", dst="192.0.2.20", ttl=64) /
                    UDP(sport=40000, dport=862) / (base + dm +
                                                   tlv(0x80, 8, mac)))
    wrpcap(path, pkts)


def run_tlvs(chk, ippm, root):
    tmp = tempfile.mkdtemp(prefix="ippm-interop-")
    try:
        cap = os.path.join(tmp, "tlvs.pcap")
        build_tlv_capture(cap)
        compare(chk, ippm, cap, 862)
        dump = {d["frame"]: d for d in ippm_dump(ippm, cap, 862, None)}
        key = os.path.join(tmp, "test.key")
        shutil.copy(os.path.join(root, "stamp", "test.key"), key)
        os.chmod(key, 0o600)
        kb = read_key(key)
        acap = os.path.join(tmp, "tlvs-auth.pcap")
        build_auth_tlv_capture(acap, kb)
        compare(chk, ippm, acap, 862, key)
        adump = ippm_dump(ippm, acap, 862, key)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # authenticated: TLVs past the 112 octets, the HMAC TLV checked
    got = [[(t.get("name"), t.get("off"), t.get("hmac_ok"))
            for t in d.get("tlvs", [])] for d in adump]
    chk.expect("tlvs-auth", "TLVs and HMAC TLV checks", got,
               [[("dm", 0, None), ("hmac", 16, True)],
                [("dm", 0, None), ("hmac", 16, False)]])
    # every type read by its fields, not as octets
    names = [t.get("name") for t in dump[2].get("tlvs", [])]
    chk.expect("tlvs frame 2", "TLV names", names,
               ["pad", "loc", "ts-info", "ts-info", "cos", "dm", "access",
                "fu", "dest", "rp", "micro", "ctrl", "ber-pattern", "ber-bits",
                "ber-burst", "ext-hdr", "ip-hdr", None, "cos", "hmac"])
    # the 38-octet reply: sequence numbers and timestamps are there
    r38 = dump[6]
    chk.expect("tlvs frame 6", "38-octet reply",
               {k: r38.get(k) for k in ("len", "error", "seq", "ts",
                                        "rx_ts", "ss_seq", "ss_ts",
                                        "absent")},
               {"len": 38, "error": "IPPM_ERR_SHORT", "seq": 102,
                "ts": str(0xe9b1c3d400000000 + 5),
                "rx_ts": str(0xe9b1c3d400000000 + 4), "ss_seq": 2,
                "ss_ts": str(0xe9b1c3d400000000 + 2),
                "absent": ["ss_ttl"]})
    return 0


# ---- modes ----

def manifest_files(mdir):
    """(file, options) of a MANIFEST, once each."""
    seen = {}
    with open(os.path.join(mdir, "MANIFEST")) as f:
        for line in f:
            t = line.split()
            if len(t) < 3 or t[0].startswith("#"):
                continue
            seen.setdefault(t[0], t[3:])
    return seen


def run_corpus(chk, ippm, root):
    for sub in ("stamp", "reference"):
        mdir = os.path.join(root, sub)
        for name, opts in manifest_files(mdir).items():
            key = None
            if "--auth-key-file" in opts:
                key = os.path.join(mdir, opts[opts.index("--auth-key-file")
                                              + 1])
            compare(chk, ippm, os.path.join(mdir, name),
                    PORTS.get(name, 862), key)
    return 0


def wait_for(path, text, proc, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            return False
        try:
            with open(path, errors="replace") as f:
                if text in f.read():
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def run_live(chk, ippm, root):
    if not DUMPCAP:
        print("no dumpcap: skipped")
        return SKIP
    helps = subprocess.run([ippm, "stamp", "reflector", "--help"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if helps.returncode != 0:
        print("ippm stamp reflector not built: skipped")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="ippm-interop-")
    procs = []
    try:
        key = os.path.join(tmp, "test.key")
        shutil.copy(os.path.join(root, "stamp", "test.key"), key)
        os.chmod(key, 0o600)
        p_open, p_auth = free_port(), free_port()
        cap = os.path.join(tmp, "live.pcapng")
        derr = open(os.path.join(tmp, "dumpcap.err"), "w")
        dc = subprocess.Popen(
            [DUMPCAP, "-q", "-i", "lo", "-w", cap, "-f",
             "udp port %d or udp port %d" % (p_open, p_auth)],
            stdout=subprocess.DEVNULL, stderr=derr)
        procs.append(dc)
        if not wait_for(derr.name, "Capturing on", dc):
            print("dumpcap could not capture on lo: skipped")
            return SKIP
        for port, extra in ((p_open, []), (p_auth, ["--auth-key-file", key])):
            out = os.path.join(tmp, "refl-%d.out" % port)
            r = subprocess.Popen([ippm, "stamp", "reflector", "--listen",
                                  "127.0.0.1", "--port", str(port)] + extra,
                                 stdout=open(out, "w"),
                                 stderr=subprocess.STDOUT)
            procs.append(r)
            if not wait_for(out, "listening on", r):
                chk.errors.append("reflector on %d did not start" % port)
                return 1
        runs = [(p_open, []), (p_open, ["--size", "128", "--ssid", "7"]),
                (p_open, ["--timestamp", "ptp"]),
                (p_auth, ["--auth-key-file", key]),
                (p_auth, ["--auth-key-file", key, "--size", "160"])]
        for port, extra in runs:
            s = subprocess.run([ippm, "stamp", "sender", "127.0.0.1",
                                "--port", str(port), "--count", "5",
                                "--interval", "0.02", "--wait", "0.5"] +
                               extra, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            if s.returncode != 0:
                chk.errors.append("sender %s exited %d: %s" %
                                  (extra, s.returncode, s.stdout[-300:]))
        time.sleep(0.5)  # let dumpcap write the last packets
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
    compare(chk, ippm, cap, p_open)
    compare(chk, ippm, cap, p_auth, key)
    # ippm's own reflector and sender: every MUST passes
    for port, extra in ((p_open, []), (p_auth, ["--auth-key-file", key])):
        c = subprocess.run([ippm, "pcap", "check", cap, "--port", str(port)]
                           + extra, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        if c.returncode != 0:
            chk.errors.append("pcap check of the live capture (port %d) "
                              "exited %d:\n%s" % (port, c.returncode,
                                                  c.stdout.decode()))
    keep = os.environ.get("IPPM_INTEROP_KEEP")
    if keep:
        shutil.copy(cap, keep)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ippm", required=True)
    ap.add_argument("mode", choices=("corpus", "live", "tlvs"))
    ap.add_argument("pcaps")
    a = ap.parse_args()
    if not HAVE_SCAPY and not TSHARK:
        print("neither scapy nor tshark: skipped")
        return SKIP
    chk = Checker()
    if a.mode == "tlvs" and not HAVE_SCAPY:
        print("no scapy: skipped")
        return SKIP
    run = {"corpus": run_corpus, "live": run_live, "tlvs": run_tlvs}
    rc = run[a.mode](chk, a.ippm, a.pcaps)
    if rc == SKIP:
        return SKIP
    for e in chk.errors:
        print("MISMATCH " + e)
    print("%s: %d packets against the RFC figures, %d against scapy "
          "(%d TLVs), %d against tshark%s; %d mismatches" %
          (a.mode, chk.compared["struct"], chk.compared["scapy"],
           chk.compared["tlv"], chk.compared["tshark"],
           "" if TSHARK else " (no tshark)", len(chk.errors)))
    if not HAVE_SCAPY:
        print("(no scapy: lengths and the RFC-figure decode not checked)")
    return 1 if chk.errors or rc else 0


if __name__ == "__main__":
    sys.exit(main())
