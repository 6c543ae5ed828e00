#!/usr/bin/python3
"""The README's example blocks against real runs (issue 11: the sender
printed an ipdv line the README lacked; the conform example showed 26
requests where 81 were sent).

A block checked here follows a marker line:

    <!-- readme-example: NAME [interrupt=SECONDS] [mask=ints] -->
    ```
    $ ippm stamp reflector --port 18862
    ippm stamp reflector listening on [::]:18862 (stateless, open, ntp)

    $ ippm stamp sender 127.0.0.1 --port 18862 --count 5
    ...its output...
    ```

Each "$ ippm ..." line runs on loopback in a scratch folder, the README's
ports 18862 and 18863 replaced by free ones (and put back in the output).
`ippm stamp reflector` and `ippm twamp light-reflector` run in the
background for the rest of the README (their first line is their output; a
block that shows no reflector gets a STAMP one all the same; the README
puts TWAMP Light on 18863); interrupt=SECONDS sends SIGINT after that long
(the block shows "^C"). A last line "..." means the block shows the first
lines only. Lines are compared by shape: decimal figures (times) are
masked, integers (counts) must match unless mask=ints; JSON lines must have
the same members with values of the same types. What depends on the host's
clock discipline (the one-way delay verdict line and "one_way_clocks": a
host that NTP steers says "trusted"; twping's and owping's "(err=...)")
is compared by its first words only. `ippm twamp server` (on 18864) and
`ippm owamp server` (on 18865) run in the background as the reflectors
do.

    readme_examples.py IPPM README [--update]
--update rewrites the marked blocks from the runs instead of checking.
Exit 0 pass, 1 fail."""
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

IPPM, README = os.path.abspath(sys.argv[1]), sys.argv[2]
UPDATE = "--update" in sys.argv[3:]
PORT = "18862"
# the README's ports, each run on a free one: STAMP, TWAMP Light, the
# TWAMP server, the OWAMP server
PORTS = (PORT, "18863", "18864", "18865")
# Commands that run in the background, one of each, for the whole README.
REFLECTORS = (("stamp", "reflector"), ("twamp", "light-reflector"),
              ("twamp", "server"), ("owamp", "server"))
# `ippm rmbt server` (on 18866) too; it says where it listens on stderr,
# in the original's log format, so its first line is read from there.
PORTS += ("18866",)
REFLECTORS += (("rmbt", "server"),)
STDERR_FIRST = (("rmbt", "server"),)
MARK = re.compile(r"^<!-- readme-example: (\S+)((?: \S+=\S+)*) -->$")
FLOAT = re.compile(r"(?<![\d.:])-?\d+\.\d+(?:e-?\d+)?(?![\d.])")
INT = re.compile(r"(?<![\d.:])\d+(?![\d.:])")
# the catalogue's digest, a TWAMP/OWAMP session's SID
HASH = re.compile(r"\b(?:[0-9a-f]{16}|[0-9a-f]{32})\b")
# twping's and owping's error estimate: how good the host's clocks are
ERREST = re.compile(r"\(err=[^)]*\)")
# a time of day ("2026-12-06T12:02:27Z"), and a port after an address,
# with mask=ints (the ephemeral ports of TWAMP/OWAMP test sessions)
ISOTIME = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
ADDRPORT = re.compile(r"(?<=[\d\]]):\d+\b")


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return str(port)


# Facts of the host, not of ippm: whether its clock is synchronised.
HOST_KEYS = ("one_way_clocks",)


def shape_json(v):
    if isinstance(v, dict):
        return {k: "host" if k in HOST_KEYS else shape_json(x)
                for k, x in v.items()}
    if isinstance(v, list):
        return [shape_json(x) for x in v]
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return "number"
    return "string"


def shape(line, mask_ints):
    if line.startswith("one-way delay: "):
        return "one-way delay: (the host's clocks)"
    if line.startswith("{"):
        try:
            return json.dumps(shape_json(json.loads(line)), sort_keys=True)
        except ValueError:
            pass
    line = FLOAT.sub("F", HASH.sub("H", ERREST.sub("(err)", line)))
    line = ISOTIME.sub("T", line)
    if mask_ints:
        line = INT.sub("N", ADDRPORT.sub(":P", line))
    return line.rstrip()


class Runner:
    def __init__(self, tmp):
        self.tmp = tmp
        self.ports = {p: free_port() for p in PORTS}
        self.refl = {}       # (command words) -> process
        self.refl_line = {}  # and its first line

    def argv(self, cmd):
        for readme, real in self.ports.items():
            cmd = cmd.replace(readme, real)
        args = shlex.split(cmd)
        if args[0] != "ippm":
            raise SystemExit("FAIL: README command is not ippm: %s" % cmd)
        return [IPPM] + args[1:]

    def unmap(self, text):
        for readme, real in self.ports.items():
            text = text.replace(real, readme)
        return text

    def reflector(self, cmd):
        """Starts the reflector or server cmd names once and returns its
        first line. free_port() closes the port it found, so another test
        may take it before the reflector binds: a reflector that exits
        without a line gets fresh ports and another try."""
        for _ in range(5):
            args = self.argv(cmd)
            key = tuple(args[1:3])
            if key in self.refl:
                break
            first_on_stderr = key in STDERR_FIRST
            p = subprocess.Popen(
                args, text=True, cwd=self.tmp,
                stdout=subprocess.DEVNULL if first_on_stderr else subprocess.PIPE,
                stderr=subprocess.PIPE if first_on_stderr else subprocess.DEVNULL)
            line = (p.stderr if first_on_stderr else p.stdout).readline()
            if line:  # "" is end of file: it exited
                self.refl[key] = p
                self.refl_line[key] = line.rstrip("\n")
                break
            p.wait()
            for readme in PORTS:
                if readme in cmd:
                    self.ports[readme] = free_port()
        return [self.unmap(self.refl_line.get(key, ""))]

    def run(self, cmd, interrupt):
        args = self.argv(cmd)
        if tuple(args[1:3]) in REFLECTORS:
            return self.reflector(cmd)
        # a block that shows no reflector talks to one all the same
        self.reflector("ippm stamp reflector --port " + PORT)
        p = subprocess.Popen(args, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, cwd=self.tmp)
        before = b""
        if interrupt:
            # what it printed before the ^C, then the rest
            end = time.monotonic() + interrupt
            while time.monotonic() < end:
                r, _, _ = select.select([p.stdout], [], [],
                                        max(0, end - time.monotonic()))
                if r:
                    chunk = os.read(p.stdout.fileno(), 65536)
                    if not chunk:
                        break
                    before += chunk
            p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=120)
        lines = self.unmap(before.decode()).splitlines()
        if interrupt:
            lines.append("^C")
        return lines + self.unmap(out.decode()).splitlines()

    def stop(self):
        for p in self.refl.values():
            p.terminate()
            p.wait()


def blocks(lines):
    """(name, options, first line, last line) of each marked block."""
    i = 0
    while i < len(lines):
        m = MARK.match(lines[i])
        if m and i + 1 < len(lines) and lines[i + 1].startswith("```"):
            opts = dict(o.split("=", 1) for o in m.group(2).split())
            end = i + 2
            while not lines[end].startswith("```"):
                end += 1
            yield m.group(1), opts, i + 2, end
            i = end
        i += 1


def groups(body):
    """[(command, [output lines])] of a block's lines."""
    out = []
    for line in body:
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out and (line or out[-1][1]):
            out[-1][1].append(line)
    return [(c, o[:-1] if o and not o[-1] else o) for c, o in out]


def compare(name, cmd, want, got, mask_ints):
    """Problems with got against the README's want, [] when none."""
    cut = bool(want) and want[-1] == "..."
    if cut:
        want = want[:-1]
        got = got[:len(want)]
    ws = [shape(x, mask_ints) for x in want]
    gs = [shape(x, mask_ints) for x in got]
    if ws == gs:
        return []
    out = ["%s: `%s` prints otherwise than the README shows:" % (name, cmd)]
    for k in range(max(len(ws), len(gs))):
        w = want[k] if k < len(want) else "(nothing)"
        g = got[k] if k < len(got) else "(nothing)"
        if k >= len(ws) or k >= len(gs) or ws[k] != gs[k]:
            out.append("  README: %s\n  real:   %s" % (w, g))
    return out


def main():
    with open(README) as f:
        lines = f.read().split("\n")
    tmp = tempfile.mkdtemp(prefix="ippm-readme-")
    runner = Runner(tmp)
    problems, checked, edits = [], 0, []
    try:
        for name, opts, first, last in blocks(lines):
            new = []
            for cmd, want in groups(lines[first:last]):
                interrupt = float(opts.get("interrupt", 0))
                got = runner.run(cmd, interrupt)
                if want and want[-1] == "...":
                    got = got[:len(want) - 1] + ["..."]
                problems += compare(name, cmd, want, got,
                                    opts.get("mask") == "ints")
                checked += 1
                new += (["" ] if new else []) + ["$ " + cmd] + got
            edits.append((first, last, new))
    finally:
        runner.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    if checked == 0:
        print("FAIL: no marked example block in %s" % README)
        return 1
    if UPDATE:
        for first, last, new in reversed(edits):
            lines[first:last] = new
        with open(README, "w") as f:
            f.write("\n".join(lines))
        print("updated %d commands in %d blocks" % (checked, len(edits)))
        return 0
    if problems:
        print("\n".join(problems))
        print("FAIL: run ci/readme_examples.py IPPM README.md --update, "
              "then review the diff")
        return 1
    print("PASS: %d commands in %d blocks" % (checked, len(edits)))
    return 0


sys.exit(main())
