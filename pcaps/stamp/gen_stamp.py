#!/usr/bin/python3
"""Writes the STAMP capture corpus (RFC 8762, RFC 8972 §3) and its MANIFEST.

Run with Debian's python3 (it has python3-scapy):

    /usr/bin/python3 pcaps/stamp/gen_stamp.py [OUTDIR]

STAMP packets are built here with struct from the RFC figures, not with
ippm's encoder and not with scapy.contrib.stamp, so the corpus is a third
opinion on the format. scapy only builds the link, IP and UDP layers and
writes the files. Every time and every value is fixed, so two runs write
the same files byte for byte.

Each capture is taken at the Session-Reflector: the request's IP TTL in
the file is the TTL it arrived with, which the reflector must copy.

MANIFEST lines are `file case-id expected [ippm pcap check options]`,
expected being pass, fail or n/a (BearSSL x509/alltests.txt). Case IDs
are those of conformance/cases/stamp_8762.c.
"""

import hashlib
import hmac
import os
import struct
import sys
from decimal import Decimal

from scapy.all import (IP, UDP, CookedLinux, CookedLinuxV2, Dot1Q, Ether,
                       IPv6, IPv6ExtHdrDestOpt, Loopback, Raw, TCP, ARP)

NTP_UNIX = 2208988800
BASE_S = 1767225600  # 2026-01-01T00:00:00Z
PORT = 862
SENDER4 = "192.0.2.10"
REFLECTOR4 = "192.0.2.20"
SENDER6 = "2001:db8::10"
REFLECTOR6 = "2001:db8::20"
SPORT = 40000
ERREST = 0x0001          # S=0 Z=0 Scale=0 Multiplier=1
ERREST_PTP = 0x4001      # Z=1
KEY = b"ippm-stamp-test-key-not-a-secret"  # test.key: the raw key, one line
KEY_FIXTURE_LINE = "# ippm test fixture: not a secret"  # test.key's first

# Link types as written in the file header.
LINK_EN10MB, LINK_NULL, LINK_RAW, LINK_SLL, LINK_SLL2 = 1, 0, 101, 113, 276


def ntp(ns):
    s, f = divmod(ns, 10**9)
    return ((s + NTP_UNIX) << 32) | ((f << 32) // 10**9)


def ptp(ns):
    s, f = divmod(ns, 10**9)
    return (s << 32) | f


def ts(ns, z):
    return ptp(ns) if z else ntp(ns)


def mac(body, key=KEY):
    """RFC 8762 §4.4: HMAC-SHA-256 over the first 96 octets, truncated."""
    return hmac.new(key, body[:96], hashlib.sha256).digest()[:16]


# ---- STAMP packets, RFC 8762 Figures 3-6 ----

def sender_open(seq, t, errest=ERREST, ssid=0):
    return struct.pack("!IQHH28x", seq, t, errest, ssid)


def sender_auth(seq, t, errest=ERREST, ssid=0, key=KEY):
    body = struct.pack("!I12xQHH68x", seq, t, errest, ssid)
    return body + mac(body, key)


def reflector_open(seq, t, errest, ssid, rx, ss_seq, ss_t, ss_errest, ttl):
    return struct.pack("!IQHHQIQHHB3x", seq, t, errest, ssid, rx, ss_seq,
                       ss_t, ss_errest, 0, ttl)


def reflector_auth(seq, t, errest, ssid, rx, ss_seq, ss_t, ss_errest, ttl,
                   key=KEY):
    body = struct.pack("!I12xQHH4xQ8xI12xQH6xB15x", seq, t, errest, ssid, rx,
                       ss_seq, ss_t, ss_errest, ttl)
    assert len(body) == 96
    return body + mac(body, key)


def tlv(t, value, flags=0x80):
    """An RFC 8972 §4 TLV as a sender sends it: U set, M and I clear."""
    return struct.pack("!BBH", flags, t, len(value)) + value


def pattern(n, seed):
    """Deterministic padding: an LCG, so copies can be told from zeros."""
    out = bytearray()
    x = seed
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append((x >> 16) & 0xFF)
    return bytes(out)


class Session:
    """A sender and a conforming reflector; knobs break one rule each."""

    def __init__(self, v6=False, auth=False, z=0, stateful=False, ssid=0,
                 sport=SPORT, port=PORT, t0_s=0):
        self.v6, self.auth, self.z = v6, auth, z
        self.stateful, self.ssid = stateful, ssid
        self.sport, self.port = sport, port
        self.refl_seq = 0
        self.t0 = (BASE_S + t0_s) * 10**9
        self.frames = []  # (time ns, IP packet)

    def ip(self, to_reflector, ttl, payload, ext=False):
        if self.v6:
            src, dst = (SENDER6, REFLECTOR6) if to_reflector else \
                (REFLECTOR6, SENDER6)
            pkt = IPv6(src=src, dst=dst, hlim=ttl)
            if ext:
                pkt = pkt / IPv6ExtHdrDestOpt()
        else:
            src, dst = (SENDER4, REFLECTOR4) if to_reflector else \
                (REFLECTOR4, SENDER4)
            pkt = IP(src=src, dst=dst, ttl=ttl, id=0, flags="DF")
        sp, dp = (self.sport, self.port) if to_reflector else \
            (self.port, self.sport)
        return pkt / UDP(sport=sp, dport=dp) / Raw(payload)

    def exchange(self, seq, i, *, req_len=None, req_extra=b"", ttl=64,
                 reply=True, rep_len=None, copy_extra=True, rep_mbz=False,
                 d_seq=0, d_ts=0, d_ttl=0, bad_req_hmac=False,
                 bad_rep_hmac=False, dups=0, ts_before_rx=False,
                 req_mbz=False, ext=False, raw_reply=None, rep_extra=None):
        """One request (sequence seq, sent at i seconds) and its replies."""
        base = 112 if self.auth else 44
        errest = ERREST_PTP if self.z else ERREST
        t1 = self.t0 + i * 10**9 + 1000 * seq  # sender's send time
        t_arr = t1 + 150_000                    # arrival at the reflector
        t2 = t_arr + 2_000                      # Receive Timestamp
        t3 = t2 + 20_000                        # reflector Timestamp
        t_out = t3 + 3_000                      # capture of the reply
        if self.auth:
            req = bytearray(sender_auth(seq, ts(t1, self.z), errest,
                                        self.ssid))
        else:
            req = bytearray(sender_open(seq, ts(t1, self.z), errest,
                                        self.ssid))
        if req_mbz:
            req[20 if not self.auth else 40] = 0x5A
            if self.auth:
                req[96:112] = mac(bytes(req))
        if bad_req_hmac:
            req[111] ^= 0xFF
        req = bytes(req) + req_extra
        if req_len is not None:
            req = req[:req_len] + bytes(max(0, req_len - len(req)))
        self.frames.append((t_arr, self.ip(True, ttl, req, ext)))
        if not reply:
            return
        rseq = self.refl_seq if self.stateful else seq
        self.refl_seq += 1
        rx, tx = ts(t2, self.z), ts(t3, self.z)
        if ts_before_rx:
            tx = ts(t2 - 5_000, self.z)
        # what the reflector read from the request (RFC 8762 §4.6: a short
        # request gives zeros to copy)
        body = req + bytes(max(0, base - len(req)))
        if self.auth:
            r_seq, r_t, r_e = struct.unpack_from("!I12xQH", body)
        else:
            r_seq, r_t, r_e = struct.unpack_from("!IQH", body)
        args = (rseq, tx, errest, self.ssid, rx, r_seq + d_seq, r_t + d_ts,
                r_e, (ttl + d_ttl) & 0xFF)
        rep = bytearray(reflector_auth(*args) if self.auth
                        else reflector_open(*args))
        if rep_mbz:  # True, or the octet to set
            at = rep_mbz if rep_mbz is not True else (84 if self.auth else 42)
            rep[at] = 0xA5
            if self.auth:
                rep[96:112] = mac(bytes(rep[:96]))
        if bad_rep_hmac:
            rep[100] ^= 0x01
        extra = req[base:] if len(req) > base else b""
        if rep_extra is not None:  # what an RFC 8972 reflector wrote back
            extra = rep_extra
        rep = bytes(rep) + (extra if copy_extra else bytes(len(extra)))
        if rep_len is not None:
            rep = rep[:rep_len] + bytes(max(0, rep_len - len(rep)))
        if raw_reply is not None:
            rep = raw_reply
        for k in range(1 + dups):
            self.frames.append((t_out + k * 1_000,
                                self.ip(False, 64, rep, ext)))


# ---- links and files ----

def framed(link, ip, v6):
    if link == LINK_EN10MB:
        return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / ip
    if link == "vlan":
        return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / \
            Dot1Q(vlan=100) / ip
    if link == LINK_SLL:
        return CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6,
                           src=b"\x02\0\0\0\0\x01\0\0",
                           proto=0x86DD if v6 else 0x0800) / ip
    if link == LINK_SLL2:
        return CookedLinuxV2(proto=0x86DD if v6 else 0x0800, ifindex=1,
                             pkttype=0, lladdrtype=1, lladdrlen=6,
                             src=b"\x02\0\0\0\0\x01\0\0") / ip
    if link == LINK_NULL:
        return Loopback(type=24 if v6 else 2) / ip
    if link == LINK_RAW:
        return ip
    raise ValueError(link)


def linktype(link):
    return LINK_EN10MB if link == "vlan" else link


def pcap_bytes(recs, link, nano):
    """Classic pcap (little endian), microsecond or nanosecond magic."""
    out = [struct.pack("<IHHiIII", 0xA1B23C4D if nano else 0xA1B2C3D4, 2, 4,
                       0, 0, 65535, link)]
    for t, b, wirelen in recs:
        sec, ns = divmod(t, 10**9)
        out.append(struct.pack("<IIII", sec, ns if nano else ns // 1000,
                               len(b), wirelen or len(b)) + b)
    return b"".join(out)


def pcapng_bytes(recs, link):
    """pcapng: one section, one interface with ns resolution, EPBs."""
    def block(btype, body):
        body += bytes(-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    out = [block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)),
           # if_tsresol (option 9) = 9: timestamps in ns
           block(1, struct.pack("<HHI", link, 0, 65535) +
                 struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0))]
    for t, b, wirelen in recs:
        out.append(block(6, struct.pack("<IIIII", 0, t >> 32, t & 0xFFFFFFFF,
                                        len(b), wirelen or len(b)) + b))
    return b"".join(out)


def write(path, frames, link, v6=False, pcapng=False, junk=(), nano=False):
    """frames: (ns, IP packet); junk: (ns, raw frame bytes, wirelen).
    The file formats are written here, not by scapy, so that no float
    time and no host detail gets in."""
    recs = [(t, bytes(framed(link, p, v6)), None) for t, p in frames]
    recs += list(junk)
    recs.sort(key=lambda r: r[0])
    data = pcapng_bytes(recs, linktype(link)) if pcapng else \
        pcap_bytes(recs, linktype(link), nano)
    with open(path, "wb") as f:
        f.write(data)


def junk_frames(t0):
    """Frames ippm pcap check must count and skip without crashing."""
    eth = bytes(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02",
                      type=0x0800))
    good = bytes(IP(src=SENDER4, dst=REFLECTOR4, ttl=64, id=0) /
                 UDP(sport=SPORT, dport=PORT) / Raw(bytes(44)))
    out = []

    def add(k, b, wirelen=None):
        out.append((t0 + k * 1000, b, wirelen))

    add(1, eth[:10])                                    # runt Ethernet
    add(2, eth + bytes([0x4F]) + good[1:])              # IHL 60 > packet
    add(3, eth + bytes([0x43]) + good[1:])              # IHL 12 < 20
    bad_tot = bytearray(good)
    bad_tot[2:4] = struct.pack("!H", 400)               # total length lies
    add(4, eth + bytes(bad_tot))
    bad_udp = bytearray(good)
    bad_udp[24:26] = struct.pack("!H", 300)             # UDP length > IP
    add(5, eth + bytes(bad_udp))
    bad_udp2 = bytearray(good)
    bad_udp2[24:26] = struct.pack("!H", 4)              # UDP length < 8
    add(6, eth + bytes(bad_udp2))
    frag = bytes(IP(src=SENDER4, dst=REFLECTOR4, ttl=64, id=7, frag=100) /
                 Raw(bytes(44)))                        # non-first fragment
    add(7, eth + frag)
    first = bytes(IP(src=SENDER4, dst=REFLECTOR4, ttl=64, id=8,
                     flags="MF") / UDP(sport=SPORT, dport=PORT, len=1008) /
                  Raw(bytes(44)))                       # first fragment
    add(8, eth + first)
    add(9, bytes(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
                 IP(src=SENDER4, dst=REFLECTOR4) / TCP(sport=1, dport=862)))
    add(10, bytes(Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff") /
                  ARP(psrc=SENDER4, pdst=REFLECTOR4, hwsrc="02:00:00:00:00:01")))
    cut = eth + good
    add(11, cut[:50], len(cut))                         # cut by snap length
    v6 = bytes(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
               IPv6(src=SENDER6, dst=REFLECTOR6) / UDP(sport=SPORT,
                                                       dport=PORT) /
               Raw(bytes(44)))
    bad6 = bytearray(v6)
    bad6[14 + 4:14 + 6] = struct.pack("!H", 2000)      # payload length lies
    add(12, bytes(bad6))
    add(13, eth + bytes([0x60]) + good[1:])             # v6 nibble, v4 type
    return out


# ---- what each kind of capture must give ----

def ids(*names):
    return ["STAMP-" + n for n in names]


# What a conforming open-mode exchange on port 862 passes.
VALID_OPEN = ids("8762-4.1-01", "8762-4.2-01", "8762-4.3-01", "8762-4.3-03",
                 "8762-4.3-04", "8762-4.3.1-01", "8762-4.3.1-03",
                 "8762-4.3.1-04", "8762-4.3.1-05", "8762-4.3.1-06",
                 "8762-4.3.1-07", "8762-4.3.1-08", "8762-4.3.1-09",
                 "8762-4.3.1-10", "8762-4.3.1-11", "8762-4.3.1-12",
                 "8762-4.3.1-13", "8762-4.3.1-14", "8762-4.2-03",
                 "8762-4.2.1-01", "8762-4.2.1-02", "8762-4.2.1-03",
                 "8762-4.2.1-04", "8762-4.2.1-05")
# What an authenticated conforming exchange passes besides.
VALID_AUTH = ids("8762-4.1-01", "8762-4.2-01", "8762-4.3-01", "8762-4.3-03",
                 "8762-4.3-04", "8762-4.3.1-01", "8762-4.3.1-03",
                 "8762-4.3.1-04", "8762-4.3.1-05", "8762-4.3.1-06",
                 "8762-4.3.1-07", "8762-4.3.1-08", "8762-4.3.1-09",
                 "8762-4.3.1-13", "8762-4.3.1-14", "8762-4.3.2-01",
                 "8762-4.3.2-02", "8762-4.3.2-03", "8762-4.3.2-04",
                 "8762-4.3.2-05", "8762-4.3.2-06", "8762-4.4-01",
                 "8762-4.2-03", "8762-4.2.1-02", "8762-4.2.1-03",
                 "8762-4.2.1-04", "8762-4.2.1-05", "8762-4.2.2-01",
                 "8762-4.2.2-02", "8762-4.4-03")


def verdicts(passes=(), fails=(), nas=(), but=()):
    """passes minus but, then fails and n/a, as (case, verdict) pairs."""
    out = [(c, "pass") for c in passes if c not in but]
    out += [(c, "fail") for c in ids(*fails)]
    out += [(c, "n/a") for c in ids(*nas)]
    return out


# Each kind of capture and the verdicts it must give. Lines left out on
# purpose (the RFC can be read either way) are listed in DISPUTED.
EXPECT = {
    "valid": verdicts(VALID_OPEN, nas=("8762-4.3.1-02", "8762-4.4-01")),
    "valid-ntp": verdicts(VALID_OPEN + ids("8762-4.2.1-08"),
                          nas=("8762-4.3.1-02", "8762-4.2.1-07",
                               "8762-4.1-02", "8762-4.2.1-09")),
    # --sender-defaults: the sender ran with no port and no timestamp
    # format given (RFC 8762 §4.1, §4.2.1)
    "sender-defaults": verdicts(ids("8762-4.1-02", "8762-4.2.1-09")),
    "sender-defaults-port": verdicts(ids("8762-4.2.1-09"),
                                     fails=("8762-4.1-02",)),
    "sender-defaults-ptp": verdicts(ids("8762-4.1-02"),
                                    fails=("8762-4.2.1-09",)),
    "valid-ptp": verdicts(VALID_OPEN + ids("8762-4.2.1-07", "8762-4.2.1-08"),
                          but=ids("8762-4.3-01")),
    "valid-port": verdicts(VALID_OPEN, nas=("8762-4.1-01",),
                           but=ids("8762-4.1-01")),
    # an RFC 8972 sender (SSID) padding with plain octets, not the TLV
    "padded": verdicts(VALID_OPEN + ids("8762-4.3-02", "8972-3-01",
                                        "8972-3-02"),
                       fails=("8972-4.1-03",), nas=("8972-4.1-02",),
                       but=ids("8762-4.3-01")),
    # RFC 8972 §4.1: padding with the Extra Padding TLV, pseudorandom
    "padded-tlv": verdicts(ids("8972-4.1-02", "8972-4.1-03")),
    # RFC 8972 §4.6: a sender whose replies were withheld retransmits its
    # Access Report packet every 3 s, four times, and stops once answered
    "ar-retx": verdicts(ids("8762-4.2.1-02", "8972-4.6-03", "8972-4.6-04",
                            "8972-4.6-05", "8972-4.6-06", "8972-4.6-07",
                            "8972-4.6-08")),
    # ... five times, 1 s apart; again after its reply; and one never
    "ar-bad-retx": verdicts(ids("8972-4.6-03", "8972-4.6-04"),
                            fails=("8972-4.6-05", "8972-4.6-06",
                                   "8972-4.6-07", "8972-4.6-08")),
    # requests arriving with TTL 64, 63, 62: the Ses-Sender TTL follows
    # (STAMP-8762-ADV-06), or stays 64 whatever arrived
    "ttl-varies": verdicts(ids("8762-4.3.1-06", "8762-ADV-06")),
    "ttl-stuck": verdicts(fails=("8762-4.3.1-06",)) +
    [("STAMP-8762-ADV-06", "warn")],
    # RFC 8972 §4.2.2: the Source MAC Address answered in an EUI-48
    # sub-TLV with the request's Ethernet source, or another address
    "loc-mac": verdicts(ids("8972-4.2-02", "8972-4.2-08", "8972-4.2-10")),
    "loc-mac-wrong": verdicts(ids("8972-4.2-02", "8972-4.2-08"),
                              fails=("8972-4.2-10",)),
    # RFC 8972 §3: SSID 0x1234 answered, 0x9999 not: a reflector
    # provisioned with 0x1234 discards the other; told it was provisioned
    # with 0x9999, the answers to 0x1234 should not have come
    "ssid-discard": verdicts(ids("8762-4.1-01", "8972-3-01", "8972-3-05")),
    "ssid-discard-wrong": verdicts(ids("8972-3-01"), fails=("8972-3-05",)),
    # the same TLV filled with one octet repeated
    "padded-tlv-fill": verdicts(ids("8972-4.1-03"),
                                fails=("8972-4.1-02",)),
    "auth": verdicts(VALID_AUTH, nas=("8762-4.3.1-10", "8762-4.3.1-11",
                                      "8762-4.3.1-12")),
    "stateful": verdicts(ids("8762-4.3.1-02", "8762-4.3.1-03",
                             "8762-4.3.1-06"), nas=("8762-4.3.1-01",)),
    "short-noreply": verdicts(ids("8762-4.2-02", "8762-4.3-01",
                                  "8762-4.3-05", "8762-4.6-01"),
                              fails=("8762-4.2-03",)),
    # RFC 8762 §4.6: the base reply passes, the advisory MAY on
    # amplification too (the §4.6 sentence it quotes prescribes it)
    "short-base": verdicts(ids("8762-4.2-02", "8762-4.3-01", "8762-4.3-03",
                               "8762-4.3-05", "8762-4.6-01"),
                           fails=("8762-4.2-03",)),
    "short-short": verdicts(ids("8762-4.3-01", "8762-4.3-03"),
                            fails=("8762-4.2-02", "8762-4.2-03")),
    "rep-shorter": verdicts(ids("8762-4.3-03"),
                            fails=("8762-4.2-01", "8762-4.3-02")),
    "rep-longer": verdicts(fails=("8762-4.2-01", "8762-4.3-03",
                                  "8762-4.6-01")),
    "pad-zeroed": verdicts(ids("8762-4.2-01"), fails=("8762-4.3-02",)),
    "rep-mbz": verdicts(ids("8762-4.3.1-10", "8762-4.3.1-11"),
                        fails=("8762-4.3.1-12",)),
    "rep-mbz-38": verdicts(ids("8762-4.3.1-10", "8762-4.3.1-12"),
                           fails=("8762-4.3.1-11",)),
    "req-mbz": verdicts(ids("8762-4.2.1-06"), fails=("8762-4.2.1-01",)),
    "bad-ts": verdicts(ids("8762-4.3.1-03", "8762-4.3.1-05"),
                       fails=("8762-4.3.1-04",)),
    "bad-ttl": verdicts(ids("8762-4.3.1-03"), fails=("8762-4.3.1-06",)),
    "bad-seq": verdicts(ids("8762-4.3.1-04"), fails=("8762-4.3.1-03",)),
    # off by one: paired by the copied Timestamp, every request answered
    "bad-seq-off-by-one": verdicts(ids("8762-4.3-01", "8762-4.3.1-04"),
                                   fails=("8762-4.3.1-03",)),
    "bad-req-hmac-answered": verdicts(ids("8762-4.4-01"),
                                      fails=("8762-4.4-02", "8762-4.4-03")),
    "bad-req-hmac-dropped": verdicts(ids("8762-4.4-01", "8762-4.4-02"),
                                     fails=("8762-4.4-03",)),
    "bad-rep-hmac": verdicts(ids("8762-4.4-03"), fails=("8762-4.4-01",)),
    "dups": verdicts(ids("8762-4.3.1-03"), fails=("8762-4.3-04",)),
    # replies of 38 octets (a TWAMP-Light responder): too short for STAMP
    "twamp-light-38": verdicts(ids("8762-4.3-01", "8762-4.3.1-03"),
                               fails=("8762-4.2-01", "8762-4.3.1-06")),
    "ts-before-rx": verdicts(ids("8762-4.3.1-07", "8762-4.3.1-09"),
                             fails=("8762-4.3.1-08",)),
}

# (file, case, why): not pinned, written to MANIFEST as comments.
DISPUTED = [
    ("stamp-short-req-noreply.pcap", "STAMP-8762-4.2.1-02",
     "the 30-octet request does carry Sequence Number 1; the catalogue "
     "skips it and sees a gap"),
    ("stamp-stateful.pcap", "STAMP-8762-4.2.1-02",
     "request 2 was lost before the capture point; a capture cannot tell "
     "forward loss from a skipped number"),
]


# ---- the corpus ----

CORPUS = []  # (file, [(case key, expected)], options)


def corpus(outdir):
    files = {}

    def emit(name, sess, link, expect, opts="", pcapng=False, junk=(),
             nano=False):
        path = os.path.join(outdir, name)
        write(path, sess.frames, link, sess.v6, pcapng, junk, nano)
        CORPUS.append((name, expect, opts))
        files[name] = path

    def also(name, expect, opts):
        """More MANIFEST lines for a capture emitted above, other options."""
        assert name in files
        CORPUS.append((name, expect, opts))

    key = "--auth-key-file test.key"

    # valid, open mode, NTP, Ethernet
    s = Session()
    for n in range(5):
        s.exchange(n, n)
    emit("stamp-open-ntp.pcap", s, LINK_EN10MB, "valid-ntp",
         "--timestamp ntp")

    # valid, PTP timestamps (Z=1), raw IP link
    s = Session(z=1)
    for n in range(3):
        s.exchange(n, n)
    emit("stamp-open-ptp.pcap", s, LINK_RAW, "valid-ptp", "--timestamp ptp",
         nano=True)

    # the same senders declared run with their defaults: port 862 and NTP
    # pass; PTP timestamps, or another port, fail
    defaults = "--role sender --sender-defaults"
    also("stamp-open-ntp.pcap", "sender-defaults", defaults)
    also("stamp-open-ptp.pcap", "sender-defaults-ptp", defaults)

    # valid, IPv6 with a Destination Options header, pcapng, SLL2
    s = Session(v6=True)
    for n in range(3):
        s.exchange(n, n, ext=(n == 1))
    emit("stamp-ipv6.pcapng", s, LINK_SLL2, "valid", pcapng=True)

    # valid, padded requests, padding copied, 802.1Q tagged
    s = Session(ssid=0x1234)
    for n in range(3):
        s.exchange(n, n, req_extra=pattern(84, n + 1))
    emit("stamp-padded.pcap", s, "vlan", "padded")

    # RFC 8972 §4.1: an Extra Padding TLV of pseudorandom octets, and one
    # of 0xff repeated (a fill, not pseudorandom)
    s = Session(ssid=0x1234)
    for n in range(3):
        s.exchange(n, n, req_extra=tlv(1, pattern(80, n + 11)))
    emit("stamp-padded-tlv.pcap", s, LINK_EN10MB, "padded-tlv")
    s = Session(ssid=0x1234)
    for n in range(3):
        s.exchange(n, n, req_extra=tlv(1, bytes([0xFF]) * 80))
    emit("stamp-padded-tlv-fill.pcap", s, LINK_EN10MB, "padded-tlv-fill")

    # RFC 8972 §4.6 Access Report (ID 1, Return Code 1) retransmissions,
    # captured at a reflector that withheld the replies to packet 0
    report = tlv(6, bytes([0x10, 1, 0, 0]))
    s = Session(ssid=0x1234)
    for k in range(5):
        s.exchange(0, 3 * k, req_extra=report, reply=False)
    s.exchange(1, 13, req_extra=report)
    s.exchange(2, 20)
    emit("stamp-access-report-retx.pcap", s, LINK_EN10MB, "ar-retx",
         "--role sender")
    s = Session(ssid=0x1234)
    for k in range(6):
        s.exchange(0, k, req_extra=report, reply=False)
    s.exchange(1, 6, req_extra=report)
    s.exchange(1, 8, req_extra=report, reply=False)
    s.exchange(2, 9, req_extra=report, reply=False)
    s.exchange(3, 15)
    emit("stamp-access-report-bad-retx.pcap", s, LINK_EN10MB, "ar-bad-retx",
         "--role sender")

    # RFC 8972 §4.2.2: a Location TLV asking for the Source MAC Address;
    # the frames come from 02:00:00:00:00:01 (framed())
    def location(flags, ports, sub_type, mac):
        sub = struct.pack("!BBH", flags, sub_type, 8) + mac + bytes(2)
        return tlv(2, ports + sub, flags)
    ask = location(0x80, bytes(4), 1, bytes(6))
    ports = struct.pack("!HH", PORT, SPORT)
    for name, kind, mac in (
            ("stamp-location-mac.pcap", "loc-mac", bytes([2, 0, 0, 0, 0, 1])),
            ("stamp-location-mac-wrong.pcap", "loc-mac-wrong",
             bytes([2, 0, 0, 0, 0, 9]))):
        s = Session()
        for n in range(3):
            s.exchange(n, n, req_extra=ask,
                       rep_extra=location(0, ports, 2, mac))
        emit(name, s, LINK_EN10MB, kind)

    # RFC 8972 §3: one session with a provisioned SSID, answered, one with
    # another SSID, discarded
    s = Session(ssid=0x1234)
    b = Session(ssid=0x9999, sport=SPORT + 1)
    for n in range(3):
        s.exchange(n, n)
        b.exchange(n, n, reply=False)
    s.frames += [(t + 500_000_000, f) for t, f in b.frames]
    emit("stamp-ssid-discard.pcap", s, LINK_EN10MB, "ssid-discard",
         "--role reflector --ssid-set 4660")
    also("stamp-ssid-discard.pcap", "ssid-discard-wrong",
         "--role reflector --ssid-set 39321")

    # issue 9: the request TTL changes (a route change, or a prober that
    # varies it); a reflector that reads the TTL once copies the first
    s = Session()
    for n in range(3):
        s.exchange(n, n, ttl=64 - n)
    emit("stamp-ttl-varies.pcap", s, LINK_EN10MB, "ttl-varies")
    s = Session()
    for n in range(3):
        s.exchange(n, n, ttl=64 - n, d_ttl=n)
    emit("stamp-ttl-stuck.pcap", s, LINK_EN10MB, "ttl-stuck")

    # valid, authenticated mode, Linux cooked SLL
    s = Session(auth=True)
    for n in range(3):
        s.exchange(n, n)
    emit("stamp-auth.pcap", s, LINK_SLL, "auth", key)

    # valid, stateful reflector; request 2 lost on the way in
    s = Session(stateful=True)
    for n in (0, 1, 3, 4, 5):
        s.exchange(n, n)
    emit("stamp-stateful.pcap", s, LINK_NULL, "stateful")

    # valid exchanges among frames the reader must skip
    s = Session()
    for n in range(3):
        s.exchange(n, n)
    emit("stamp-junk-frames.pcap", s, LINK_EN10MB, "valid",
         junk=junk_frames(s.t0 + 500_000_000))

    # a 30-octet request, not answered (fine), among valid exchanges
    s = Session()
    s.exchange(0, 0)
    s.exchange(1, 1, req_len=30, reply=False)
    s.exchange(2, 2)
    emit("stamp-short-req-noreply.pcap", s, LINK_EN10MB, "short-noreply")

    # a 30-octet request answered with a base packet (RFC 8762 §4.6)
    s = Session()
    s.exchange(0, 0)
    s.exchange(1, 1, req_len=30)
    s.exchange(2, 2)
    emit("stamp-short-req-base-reply.pcap", s, LINK_EN10MB, "short-base")

    # a 30-octet request answered with 30 octets: not a STAMP packet
    s = Session()
    s.exchange(0, 0)
    s.exchange(1, 1, req_len=30, rep_len=30)
    s.exchange(2, 2)
    emit("stamp-short-req-short-reply.pcap", s, LINK_EN10MB, "short-short")

    # reply shorter than the (padded) request
    s = Session()
    for n in range(3):
        s.exchange(n, n, req_extra=pattern(20, n + 7), rep_len=44)
    emit("stamp-reply-shorter.pcap", s, LINK_EN10MB, "rep-shorter")

    # reply longer than the request
    s = Session()
    for n in range(3):
        s.exchange(n, n, rep_len=60)
    emit("stamp-reply-longer.pcap", s, LINK_EN10MB, "rep-longer")

    # padding not copied: zeros instead of the pattern
    s = Session()
    for n in range(3):
        s.exchange(n, n, req_extra=pattern(40, n + 3), copy_extra=False)
    emit("stamp-padding-not-copied.pcap", s, LINK_EN10MB, "pad-zeroed")

    # reflector sets an MBZ octet: after the TTL (41-43), then after the
    # Session-Sender Error Estimate (38-39), RFC 8762 Figure 5
    s = Session()
    for n in range(3):
        s.exchange(n, n, rep_mbz=42)
    emit("stamp-reply-mbz.pcap", s, LINK_EN10MB, "rep-mbz")
    s = Session()
    for n in range(3):
        s.exchange(n, n, rep_mbz=38)
    emit("stamp-reply-mbz-38.pcap", s, LINK_EN10MB, "rep-mbz-38")

    # sender sets an MBZ octet; the reflector must ignore it and answer
    s = Session()
    for n in range(3):
        s.exchange(n, n, req_mbz=True)
    emit("stamp-request-mbz.pcap", s, LINK_EN10MB, "req-mbz")

    # wrong copies: timestamp, TTL (the sequence number in its own files:
    # pairing then goes by the copied Timestamp)
    s = Session()
    for n in range(3):
        s.exchange(n, n, d_ts=1 << 20)
    emit("stamp-bad-copy-ts.pcap", s, LINK_EN10MB, "bad-ts")
    s = Session()
    for n in range(3):
        s.exchange(n, n, d_ttl=-1)
    emit("stamp-bad-copy-ttl.pcap", s, LINK_EN10MB, "bad-ttl")
    s = Session()
    for n in range(3):
        s.exchange(n, n, d_seq=100)
    emit("stamp-bad-copy-seq.pcap", s, LINK_EN10MB, "bad-seq")
    # a Session-Sender Sequence Number off by one names the next request:
    # the copied Timestamp pairs each reply with its own
    s = Session()
    for n in range(3):
        s.exchange(n, n, d_seq=1)
    emit("stamp-bad-copy-seq-off-by-one.pcap", s, LINK_EN10MB,
         "bad-seq-off-by-one")

    # authenticated: bad HMAC in a request, answered anyway
    s = Session(auth=True)
    s.exchange(0, 0)
    s.exchange(1, 1, bad_req_hmac=True)
    s.exchange(2, 2)
    emit("stamp-auth-bad-req-hmac-answered.pcap", s, LINK_EN10MB,
         "bad-req-hmac-answered", key)

    # authenticated: bad HMAC in a request, dropped (fine)
    s = Session(auth=True)
    s.exchange(0, 0)
    s.exchange(1, 1, bad_req_hmac=True, reply=False)
    s.exchange(2, 2)
    emit("stamp-auth-bad-req-hmac-dropped.pcap", s, LINK_EN10MB,
         "bad-req-hmac-dropped", key)

    # authenticated: bad HMAC in a reply
    s = Session(auth=True)
    for n in range(3):
        s.exchange(n, n, bad_rep_hmac=(n == 1))
    emit("stamp-auth-bad-rep-hmac.pcap", s, LINK_EN10MB, "bad-rep-hmac", key)

    # every request answered twice
    s = Session()
    for n in range(3):
        s.exchange(n, n, dups=1)
    emit("stamp-dup-replies.pcap", s, LINK_EN10MB, "dups")

    # reflector Timestamp earlier than its Receive Timestamp
    s = Session()
    for n in range(3):
        s.exchange(n, n, ts_before_rx=True)
    emit("stamp-ts-before-rx.pcap", s, LINK_EN10MB, "ts-before-rx")

    # stateless reflector on a non-default port, to test port detection
    s = Session(port=20862)
    for n in range(3):
        s.exchange(n, n)
    emit("stamp-port-20862.pcap", s, LINK_EN10MB, "valid-port")
    also("stamp-port-20862.pcap", "sender-defaults-port",
         "--role sender --sender-defaults")

    # issue 9: a STAMP sender against a TWAMP-Light responder on port 4001
    # whose replies are 38 octets, shorter than STAMP's 44: found and
    # graded (it used to grade nothing and pass)
    s = Session(port=4001)
    for n in range(3):
        s.exchange(n, n, rep_len=38)
    emit("stamp-twamp-light-38.pcap", s, LINK_EN10MB, "twamp-light-38")

    # issue 9: two senders' flows to one reflector, graded one by one; the
    # second flow's replies carry a wrong TTL copy
    s = Session()
    b = Session(sport=SPORT + 1)
    for n in range(3):
        s.exchange(n, n)
        b.exchange(n, n, d_ttl=-1)
    s.frames += [(t + 500_000_000, f) for t, f in b.frames]
    emit("stamp-two-flows.pcap", s, LINK_EN10MB, "bad-ttl")

    # issue 9: the capture stops right after a request (tcpdump stopped):
    # no reply could be seen yet, so none is missing
    s = Session()
    for n in range(3):
        s.exchange(n, n)
    s.exchange(3, 3, reply=False)
    emit("stamp-cut-after-request.pcap", s, LINK_EN10MB, "valid")
    return files


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else here
    os.makedirs(outdir, exist_ok=True)
    corpus(outdir)
    # A published key, marked as a fixture (impl/core/keyfile.h
    # IPPM_KEY_FIXTURE_LINE): ippm reads the line after the mark and does
    # not warn that a checkout leaves it readable by all.
    with open(os.path.join(outdir, "test.key"), "w") as f:
        f.write(KEY_FIXTURE_LINE + "\n" + KEY.decode() + "\n")
    with open(os.path.join(outdir, "MANIFEST"), "w") as f:
        f.write("# Written by gen_stamp.py; do not edit.\n"
                "# file case-id expected [ippm pcap check options]\n")
        for name, kind, opts in CORPUS:
            for case, verdict in EXPECT[kind]:
                f.write(" ".join(filter(None, (name, case, verdict, opts)))
                        + "\n")
        f.write("# Not pinned: the RFC reads either way here.\n")
        for name, case, why in DISPUTED:
            f.write("# %s %s: %s\n" % (name, case, why))


if __name__ == "__main__":
    main()
