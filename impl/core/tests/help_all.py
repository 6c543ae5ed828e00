#!/usr/bin/python3
"""--help on every command ippm --help lists, and on each of their own
subcommands (issue 11): exit 0, the text on stdout, an "Exit status"
section. Then the man page: every long option a --help names must be in
the man page's section for that command.
    help_all.py IPPM MANPAGE
"""
import re
import subprocess
import sys

IPPM, MAN = sys.argv[1], sys.argv[2]
failures = []


def run(args):
    p = subprocess.run([IPPM] + args, capture_output=True, text=True,
                       timeout=20)
    return p.returncode, p.stdout, p.stderr


def commands():
    rc, out, _ = run(["--help"])
    assert rc == 0, "ippm --help"
    body = out.split("commands:\n", 1)[1]
    return [l.split()[0] for l in body.splitlines()
            if l.startswith("  ") and l.split()]


def subcommands(cmd, text):
    """Words after 'ippm CMD ' in the usage lines: 'stamp sender',
    'pcap dump', and the alternatives of '[a | b]'."""
    subs = []
    for line in text.splitlines():
        m = re.search(r"ippm %s \[?([a-z][a-z0-9-]*)" % re.escape(cmd), line)
        if not m:
            continue
        subs.append(m.group(1))
        head = line.split("[options]")[0]
        subs += re.findall(r"\| ([a-z][a-z0-9-]*)", head)
    return [s for s in dict.fromkeys(subs) if s != "options"]


def check_help(args):
    rc, out, err = run(args + ["--help"])
    what = "ippm %s --help" % " ".join(args)
    if rc != 0 or not out or err:
        failures.append("%s: exit %d, %d octets out, stderr %r"
                        % (what, rc, len(out), err[:80]))
    elif not re.search(r"^Exit status", out, re.M):
        failures.append("%s: no 'Exit status' section" % what)
    else:
        print("ok   " + what)
    return out


LONG = re.compile(r"--[a-z][a-z0-9-]*[a-z0-9](?![A-Za-z0-9-])")
SECTION = {"stamp reflector": "STAMP REFLECTOR", "stamp sender": "STAMP SENDER",
           "conform": "CONFORM", "pcap": "PCAP", "bench": "BENCH",
           "catalogue": "CATALOGUE", "relay": "RELAY"}


def man_sections():
    text = open(MAN, encoding="utf-8").read().replace("\\-", "-")
    parts = re.split(r'^\.SH "?([^"\n]+)"?$', text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def check_man(args, out, sections):
    key = " ".join(args[:2]) if args[0] == "stamp" else args[0]
    sec = SECTION.get(key)
    if sec is None:
        return
    body = sections.get(sec, "")
    for opt in sorted(set(LONG.findall(out))):
        if opt in ("--help", "--version"):
            continue
        if not re.search(re.escape(opt) + r"(?![a-z0-9-])", body):
            failures.append("man page section %s lacks %s (ippm %s --help)"
                            % (sec, opt, " ".join(args)))


def defined_in_man(body):
    """The long options a section defines: those on the tag line of a .TP
    item (a mention in running text is a cross reference)."""
    tags = re.findall(r"^\.TP\n(.*)$", body, flags=re.M)
    return set(LONG.findall("\n".join(tags)))


sections = man_sections()
helped = {}  # man section: every long option its commands' --help names
for cmd in commands():
    out = check_help([cmd])
    check_man([cmd], out, sections)
    outs = [([cmd], out)]
    for sub in subcommands(cmd, out):
        sout = check_help([cmd, sub])
        check_man([cmd, sub], sout, sections)
        outs.append(([cmd, sub], sout))
    for args, text in outs:
        key = " ".join(args[:2]) if args[0] == "stamp" else args[0]
        if key in SECTION:
            helped.setdefault(SECTION[key], set()).update(LONG.findall(text))
# The other way: the man page documents no option that --help leaves out.
for sec, opts in sorted(helped.items()):
    for opt in sorted(defined_in_man(sections.get(sec, "")) - opts):
        failures.append("man page section %s documents %s, which no --help "
                        "of that command names" % (sec, opt))

for f in failures:
    print("FAIL " + f)
if failures:
    sys.exit(1)
print("every --help exits 0 with its exit statuses; the man page names "
      "every option")
