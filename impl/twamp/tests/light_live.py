#!/usr/bin/python3
"""`ippm twamp light-reflector` and `light-sender` live on loopback
(RFC 5357 §4.1.2, §4.2.1, Appendix I; RFC 6038 §5.1.3, §5.1.4):

  reflector  raw requests of 14, 41 and 60 octets: replies of 41, 41 and
             60 octets, TTL 255, sender fields copied, MBZ zero, padding
             re-used from octet 14 (truncated by 27); --symmetrical from 41
  sender     the light sender against the light reflector: every packet
             answered, 14-octet requests, 41-octet replies whole, JSON
             "protocol": "twamp-light"
  auth, encrypted   the same in mode A or E (RFC 5357 Appendix I, a key
             from a file): 48-octet requests, every reply checked; a
             sender with another key or mode gets nothing back; `ippm
             conform twamp-light-reflector --auth-key-file --mode` grades
             it (exit 0), and with another key grades nothing (exit 4)

usage: light_live.py IPPM SCENARIO     exit 0 pass, 1 fail
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import fail, free_port, ntp_now  # noqa: E402

IPPM, SCEN = sys.argv[1], sys.argv[2]
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../..")


def schema_check(report):
    """The --json report against conformance/schema/ippm-sender.schema.json
    (skipped without python3-jsonschema)."""
    try:
        import jsonschema
    except ImportError:
        return
    with open(os.path.join(SRC, "conformance/schema/"
                           "ippm-sender.schema.json")) as f:
        schema = json.load(f)
    errs = list(jsonschema.Draft202012Validator(schema).iter_errors(report))
    if errs:
        fail("--json against the schema: %s" % errs[0].message)


def start_reflector(*extra):
    for _ in range(5):
        port = free_port()
        refl = subprocess.Popen(
            [IPPM, "twamp", "light-reflector", "127.0.0.1:%d" % port] +
            list(extra), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True)
        if "listening on" in refl.stdout.readline():
            return refl, port
        refl.wait()
    fail("the light reflector did not start")


def request(length, seq):
    pad = bytes((0x80 + i) & 0xff for i in range(14, length))
    return struct.pack("!IQH", seq, ntp_now(), 0x8001) + pad


def reflector(symmetrical):
    refl, port = start_reflector(*(["--symmetrical"] if symmetrical else []))
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, 12, 1)  # IP_RECVTTL
        s.settimeout(2)
        for seq, length in enumerate((14, 41, 60)):
            req = request(length, seq)
            s.sendto(req, ("127.0.0.1", port))
            data, anc, _, _ = s.recvmsg(2048, 64)
            ttl = [struct.unpack("i", d)[0] for lvl, typ, d in anc
                   if typ == 2]  # IP_TTL
            want = max(length, 41)
            if len(data) != want:
                fail("%d-octet request: %d-octet reply, want %d"
                     % (length, len(data), want))
            if ttl != [255]:
                fail("reply TTL %s, want 255 (RFC 5357 §4.2.1)" % ttl)
            sq, ss_seq = struct.unpack("!I", data[:4])[0], \
                struct.unpack("!I", data[24:28])[0]
            if sq != seq or ss_seq != seq:
                fail("seq %d ss_seq %d, want %d" % (sq, ss_seq, seq))
            if data[28:38] != req[4:14]:
                fail("Sender Timestamp / Error Estimate not copied")
            if data[14:16] != b"\0\0" or data[38:40] != b"\0\0":
                fail("MBZ not zero: %s" % data[14:16].hex())
            off = 41 if symmetrical else 14
            if data[41:] != req[off:off + want - 41]:
                fail("padding not re-used from octet %d" % off)
    finally:
        refl.terminate()
        refl.wait()


def keyed(mode):
    """Modes A and E: sender and reflector on one key; another key, and
    the other mode, get no reply (the reflector drops them: HMAC)."""
    with tempfile.TemporaryDirectory() as d:
        key, other = os.path.join(d, "k"), os.path.join(d, "o")
        for path, fill in ((key, "a5"), (other, "5a")):
            with open(path, "w") as f:
                f.write(fill * 64 + "\n")
            os.chmod(path, 0o600)
        enc = ["--encrypted"] if mode == "encrypted" else []
        refl, port = start_reflector("--auth-key-file", key, *enc)
        try:
            out = os.path.join(d, "s.json")
            run = [IPPM, "twamp", "light-sender", "127.0.0.1:%d" % port,
                   "-c", "10", "-i", "5ms", "--wait", "0.5", "-q"]
            p = subprocess.run(run + ["--auth-key-file", key, "--json", out]
                               + enc, capture_output=True, text=True,
                               timeout=30)
            if p.returncode != 0:
                fail("sender exit %d: %s" % (p.returncode, p.stderr))
            j = json.load(open(out))
            schema_check(j)
            if j["mode"] != ("encrypted" if enc else "authenticated") or \
                    j["size"] != 48 or j["received"] != 10:
                fail("mode %s size %s received %s"
                     % (j["mode"], j["size"], j["received"]))
            c = subprocess.run(
                [IPPM, "conform", "twamp-light-reflector",
                 "127.0.0.1:%d" % port, "--auth-key-file", key, "--mode",
                 "encrypted" if enc else "auth", "--json",
                 os.path.join(d, "c.json")], capture_output=True, text=True,
                timeout=60)
            r = json.load(open(os.path.join(d, "c.json")))
            passed = [x["id"] for x in r["cases"] if x["verdict"] == "pass"]
            if c.returncode != 0 or "TWAMP-5357-I-01" not in passed or \
                    len(passed) < 14:
                fail("conform keyed: exit %d, %d passed: %s"
                     % (c.returncode, len(passed), c.stdout[-400:]))
            c = subprocess.run(
                [IPPM, "conform", "twamp-light-reflector",
                 "127.0.0.1:%d" % port, "--auth-key-file", other, "--mode",
                 "encrypted" if enc else "auth"], capture_output=True,
                text=True, timeout=60)
            if c.returncode != 4:
                fail("conform with another key: exit %d, want 4 (nothing "
                     "graded)" % c.returncode)
            for bad in (["--auth-key-file", other] + enc,
                        ["--auth-key-file", key] +
                        ([] if enc else ["--encrypted"])):
                p = subprocess.run(run + bad, capture_output=True,
                                   text=True, timeout=30)
                if p.returncode != 1 or "10 lost" not in p.stdout:
                    fail("%s: exit %d: %s" % (bad, p.returncode, p.stdout))
        finally:
            refl.terminate()
            refl.wait()


def sender():
    refl, port = start_reflector()
    try:
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "s.json")
            p = subprocess.run(
                [IPPM, "twamp", "light-sender", "127.0.0.1:%d" % port, "-c",
                 "20", "-i", "5ms", "--wait", "1", "-q", "--json", out],
                capture_output=True, text=True, timeout=30)
            if p.returncode != 0:
                fail("sender exit %d: %s" % (p.returncode, p.stderr))
            j = json.load(open(out))
            schema_check(j)
            if j["protocol"] != "twamp-light" or j["size"] != 14:
                fail("JSON protocol %s size %s" % (j["protocol"], j["size"]))
            if j["sent"] != 20 or j["received"] != 20:
                fail("sent %s received %s" % (j["sent"], j["received"]))
            if "not STAMP-conformant" in p.stdout:
                fail("41-octet replies called short: " + p.stdout)
            if "TWAMP-Light statistics" not in p.stdout:
                fail("summary: " + p.stdout)
    finally:
        refl.terminate()
        refl.wait()


if SCEN == "reflector":
    reflector(False)
elif SCEN == "symmetrical":
    reflector(True)
elif SCEN == "sender":
    sender()
elif SCEN in ("auth", "encrypted"):
    keyed(SCEN)
else:
    fail("unknown scenario " + SCEN)
print("ok " + SCEN)
