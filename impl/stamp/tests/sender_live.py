#!/usr/bin/python3
"""`ippm stamp sender`'s output for long runs and pipelines (issue 11):

- --count 0 runs until SIGINT, which prints the summary "(interrupted)"
  and exits 0; --report-interval prints one line per interval before it;
- --jsonl FILE is written while the run goes (a record is in the file
  before the run ends: flushed per line), starts with a "start" record,
  ends with the "summary", a "reply" per reply and an "interval" per
  interval, whose counts add up to the summary's;
- --jsonl - leaves stdout to the records alone;
- --duration D alone sends for D and stops by itself (as many packets as D
  takes at --interval), with --count whichever ends first;
- every record, and the --json report (with TLVs and a lost packet),
  validates against conformance/schema/ippm-sender.schema.json.

    sender_live.py IPPM SOURCE_DIR
Exit 0 pass, 1 fail, 77 skip (no python3-jsonschema)."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import free_port  # noqa: E402

try:
    import jsonschema
except ImportError:
    print("no python3-jsonschema: skipped")
    sys.exit(77)

IPPM, SRC = sys.argv[1], sys.argv[2]
with open(os.path.join(SRC, "conformance/schema/ippm-sender.schema.json")) as f:
    SCHEMA = json.load(f)
jsonschema.Draft202012Validator.check_schema(SCHEMA)
REPORT = jsonschema.Draft202012Validator(SCHEMA)
RECORD = jsonschema.Draft202012Validator(
    {"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"],
     "$ref": "#/$defs/jsonl_record"})
TMP = tempfile.mkdtemp(prefix="ippm-sender-live-")


def fail(msg, out=""):
    print("FAIL: %s" % msg)
    if out:
        print(out)
    sys.exit(1)


def valid(validator, doc, what):
    errs = [e.message for e in validator.iter_errors(doc)]
    if errs:
        fail("%s does not follow the schema: %s" % (what, errs[:3]),
             json.dumps(doc)[:800])


def records(text, what):
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        try:
            rec = json.loads(line)
        except ValueError:
            fail("%s line %d is not JSON: %r" % (what, n, line[:200]))
        valid(RECORD, rec, "%s line %d" % (what, n))
        out.append(rec)
    return out


def continuous(port):
    """--count 0 with intervals and --jsonl FILE, stopped by SIGINT."""
    path = os.path.join(TMP, "run.jsonl")
    p = subprocess.Popen([IPPM, "stamp", "sender", "127.0.0.1", "--port",
                          str(port), "--count", "0", "--interval", "0.01",
                          "--report-interval", "0.25", "--wait", "0.2",
                          "--jsonl", path],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    # flushed per line: replies are in the file while the run goes on
    seen = ""
    for _ in range(100):
        time.sleep(0.05)
        with open(path) as f:
            seen = f.read()
        if '"type":"interval"' in seen:
            break
    if p.poll() is not None:
        fail("--count 0 ended by itself", p.communicate()[0])
    if '"type":"reply"' not in seen or '"type":"interval"' not in seen:
        fail("no reply and interval record in the file while running", seen)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    if p.returncode != 0:
        fail("SIGINT: exit %d, not 0" % p.returncode, out + err)
    if "STAMP statistics (interrupted)" not in out:
        fail("SIGINT: no interrupted summary", out)
    lines = re.findall(r"^\[ *([0-9.]+)- *([0-9.]+) s\] sent (\d+), received "
                       r"(\d+), lost (\d+) \(([0-9.]+)%\), rtt (?:min/avg/max "
                       r"[0-9.]+/[0-9.]+/[0-9.]+ ms|n/a), jitter "
                       r"(?:[0-9.]+ ms|n/a)$", out, re.M)
    if len(lines) < 2:
        fail("%d interval lines, expected several" % len(lines), out)
    if out.index("STAMP statistics") < out.rindex("] sent "):
        fail("an interval line after the summary", out)
    sent = re.search(r"^(\d+) sent, (\d+) received", out, re.M)
    if sum(int(x[2]) for x in lines) != int(sent.group(1)):
        fail("interval lines send %d, the summary %s" %
             (sum(int(x[2]) for x in lines), sent.group(1)), out)
    with open(path) as f:
        recs = records(f.read(), "--jsonl")
    kinds = [r["type"] for r in recs]
    if kinds[0] != "start" or kinds[-1] != "summary":
        fail("records from %s to %s, not start to summary" %
             (kinds[0], kinds[-1]))
    summary = recs[-1]
    if recs[0]["count"] != 0 or summary["count"] != 0:
        fail("a continuous run's count is not 0")
    if not summary["interrupted"]:
        fail("the summary record is not interrupted")
    replies = [r for r in recs if r["type"] == "reply"]
    if len(replies) != summary["received"]:
        fail("%d reply records, %d received" %
             (len(replies), summary["received"]))
    ivals = [r for r in recs if r["type"] == "interval"]
    if len(ivals) != len(lines) or \
            sum(i["sent"] for i in ivals) != summary["sent"]:
        fail("interval records do not add up to the summary")
    if [i["index"] for i in ivals] != list(range(len(ivals))):
        fail("interval indexes %r" % [i["index"] for i in ivals])


def to_stdout(port):
    """--jsonl -: stdout carries the records alone, the text is on stderr."""
    p = subprocess.run([IPPM, "stamp", "sender", "127.0.0.1", "--port",
                        str(port), "--count", "20", "--interval", "0.01",
                        "--report-interval", "0.1", "--jsonl", "-"],
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        fail("--jsonl -: exit %d" % p.returncode, p.stderr)
    recs = records(p.stdout, "--jsonl -")
    if recs[-1]["type"] != "summary" or recs[-1]["received"] != 20:
        fail("--jsonl -: the last record is not a summary of 20 replies")
    if "STAMP statistics" not in p.stderr or "] sent " not in p.stderr:
        fail("--jsonl -: the summary and interval lines are not on stderr",
             p.stderr)


def duration(port):
    """--duration: the run ends by itself once D has passed."""
    for extra, want in ((["--duration", "300ms"], 30),
                        (["-d", "1s", "--count", "5"], 5)):
        path = os.path.join(TMP, "dur.json")
        t = time.time()
        p = subprocess.run([IPPM, "stamp", "sender", "127.0.0.1", "--port",
                            str(port), "--interval", "0.01", "--wait", "0.2",
                            "--json", path] + extra,
                           capture_output=True, text=True, timeout=30)
        took = time.time() - t
        if p.returncode != 0:
            fail("%s: exit %d" % (extra, p.returncode), p.stdout + p.stderr)
        with open(path) as f:
            doc = json.load(f)
        valid(REPORT, doc, "the --json report of a --duration run")
        # 300 ms at 10 ms: 30 packets, or 31 when the clock read at the
        # end falls on the last send; --count 5 ends first.
        if not want <= doc["sent"] <= want + 1 or doc["lost"] != 0:
            fail("%s: sent %d, lost %d, expected %d sent, none lost"
                 % (extra, doc["sent"], doc["lost"], want))
        if took > 20:
            fail("%s: did not stop by itself (%.1f s)" % (extra, took))


def json_report(port):
    """--json with TLVs, and a packet lost (no reflector on a port)."""
    path = os.path.join(TMP, "run.json")
    p = subprocess.run([IPPM, "stamp", "sender", "127.0.0.1", "--port",
                        str(port), "--count", "5", "--interval", "0.01",
                        "--location", "--timestamp-info", "--json", path],
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        fail("--json: exit %d" % p.returncode, p.stdout + p.stderr)
    with open(path) as f:
        doc = json.load(f)
    valid(REPORT, doc, "the --json report")
    if doc["schema_version"] != 1 or not doc["ippm_version"]:
        fail("--json: no schema and ippm version")
    path = os.path.join(TMP, "lost.json")
    subprocess.run([IPPM, "stamp", "sender", "127.0.0.1", "--port",
                    str(free_port()), "--count", "2", "--interval", "0.01",
                    "--wait", "0.1", "--json", path],
                   capture_output=True, timeout=30)
    with open(path) as f:
        doc = json.load(f)
    valid(REPORT, doc, "the --json report of a lost run")
    if doc["packets"][0]["state"] != "lost":
        fail("--json: the lost run's packet is not lost")


port = free_port()
refl = subprocess.Popen([IPPM, "stamp", "reflector", "--listen", "127.0.0.1",
                         "--port", str(port)], stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL)
try:
    refl.stdout.readline()  # "listening on ..."
    continuous(port)
    to_stdout(port)
    duration(port)
    json_report(port)
finally:
    refl.terminate()
    refl.wait()
    shutil.rmtree(TMP, ignore_errors=True)
print("PASS")
