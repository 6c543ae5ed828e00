#!/usr/bin/python3
"""Every report writer holds hostile names (issue 10 item 6): ippm pcap
check of a capture whose file name carries octets that are not UTF-8,
controls (ESC, SOH, CR, the C1 CSI), quotes, <, & and ]]>, run in a UTS namespace
whose host name is as hostile (the JUnit hostname), writes

  text:  valid UTF-8 with no control but LF (an ESC would drive the
         terminal), the name shown with U+FFFD where it could not be;
  JSON:  valid JSON (strict: no NaN), the target the file name with
         U+FFFD for each octet that is not UTF-8;
  JUnit: well-formed XML (python's expat), the target property the same;
  HTML:  valid UTF-8, no control, and no element or attribute the name
         brought in (python's html.parser sees the same tags as for a
         plain name).

  hostile_names.py IPPM SOURCE_DIR
Exit 0 pass, 1 fail. Without CAP_SYS_ADMIN the host name is left alone.
"""
import ctypes
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

IPPM, SRC = sys.argv[1], sys.argv[2]
CAPTURE = os.path.join(SRC, "pcaps/stamp/stamp-bad-copy-seq.pcap")
HOSTILE = b'a\xff\xfe\xc3(<b&c"d\']]>\x01\x1b[31m\r\xed\xa0\x80\xc2\x9b.pcap'
# What the writers that cannot hold it show instead: one U+FFFD per octet
# that starts no UTF-8 character (\xc3 before "(" and each octet of the
# surrogate \xed\xa0\x80 too).
SHOWN_JSON = ('a\ufffd\ufffd\ufffd(<b&c"d\']]>\x01\x1b[31m\r' + "\ufffd" * 3 +
              "\x9b.pcap")
HOSTNAME = b"h\xff<&\"]]>\x1bx"
CLONE_NEWUTS = 0x04000000


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def hostile_host():
    """Moves into a UTS namespace named HOSTNAME; False when not allowed."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUTS) != 0:
        return False
    return libc.sethostname(HOSTNAME, len(HOSTNAME)) == 0


def no_controls(kind, text, allowed="\n"):
    bad = [c for c in text
           if (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F) and c not in allowed]
    if bad:
        fail("%s carries controls %r" % (kind, sorted(set(bad))))


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(sorted(k for k, _ in attrs))))


def run(d, name):
    path = os.path.join(d, name)
    shutil.copyfile(CAPTURE, path)
    out = {k: os.path.join(d, b"out." + k) for k in (b"json", b"xml", b"html")}
    p = subprocess.run([IPPM.encode(), b"pcap", b"check", path,
                        b"--json", out[b"json"], b"--junit", out[b"xml"],
                        b"--html", out[b"html"]], capture_output=True)
    if p.returncode != 1:  # the capture fails a case
        fail("exit %d, not 1: %r" % (p.returncode, p.stderr[-400:]))
    res = {"text": p.stdout}
    for k, v in out.items():
        with open(v, "rb") as f:
            res[k.decode()] = f.read()
    return res


def main():
    named = hostile_host()
    d = tempfile.mkdtemp(prefix="ippm-hostile-").encode()
    try:
        plain = run(d, b"plain.pcap")
        got = run(d, HOSTILE)
    finally:
        shutil.rmtree(d, ignore_errors=True)

    for kind, raw in got.items():
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            fail("%s is not UTF-8: %s" % (kind, e))
        if kind in ("text", "html"):
            no_controls(kind, text)

    def const(c):
        fail("JSON has " + c)
    report = json.loads(got["json"], parse_constant=const)
    if not report["target"].endswith(SHOWN_JSON):
        fail("JSON target %r, not ending in %r" % (report["target"], SHOWN_JSON))

    try:
        root = ET.fromstring(got["xml"])
    except ET.ParseError as e:
        fail("JUnit is not well-formed XML: %s" % e)
    suite = root.find("testsuite")
    props = {p.get("name"): p.get("value")
             for p in suite.find("properties").findall("property")}
    # XML cannot hold the controls but tab, LF and CR: U+FFFD for them.
    want = SHOWN_JSON.replace("\x01", "\ufffd").replace("\x1b", "\ufffd") \
        .replace("\x9b", "\ufffd")
    if not props["target"].endswith(want):
        fail("JUnit target %r, not ending in %r" % (props["target"], want))
    if named and suite.get("hostname") != "h\ufffd<&\"]]>\ufffdx":
        fail("JUnit hostname %r" % suite.get("hostname"))

    tags = []
    for page in (plain["html"], got["html"]):
        t = Tags()
        t.feed(page.decode("utf-8"))
        tags.append(t.tags)
    if tags[0] != tags[1]:
        fail("the name changed the HTML's elements")

    line = [l for l in got["text"].decode().splitlines() if l.startswith("pcap: ")]
    if not line or "<b&c\"d']]>" not in line[0] or "\ufffd[31m" not in line[0]:
        fail("text names the capture as %r" % line)
    print("hostile names: text, JSON, JUnit and HTML hold them%s"
          % ("" if named else " (host name not set: no CAP_SYS_ADMIN)"))


main()
