"""ippm udping server against the original's own output: the payloads of
udping-replay-statsd.pcap (the real client's 12 guids, 3 ports x 4
intervals) re-sent over UDP on loopback to `ippm udping server -s -t`,
and the statsd datagrams it sends compared with the two the original
udping_server sent in that capture (notes §6, §9), field by field.

Each payload's sent time is moved by (now - its capture time) just before
it goes, so the latency the server measures is the capture's own plus
this host's loopback delay; sum, sos and max are held to the capture's
values within LAT_SLACK_MS per packet (one loopback hop on a loaded
2-core VM), the counts exactly. Every guid must be reported (the original
printed 1 of 12), in JSON on stdout and in both statsd formats.

usage: udping_replay_live.py IPPM PCAP"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import udping_pcap  # noqa: E402

LAT_SLACK_MS = 5.0
KEYS = ["from_host", "from_port", "to_host", "to_port", "guid", "count",
        "targetCount", "sum", "sumOfSquares", "max"]
LINE = re.compile(r"^(?P<name>[^:|\n]+):(?P<value>[^|\n]+)\|(?P<type>[cg])$")

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def statsd_lines(dgram):
    """[(name, value text, type)] of one datagram; every line ends in \\n."""
    text = dgram.decode()
    check(text.endswith("\n"), "datagram ends with a newline: %r" % text[-20:])
    out = []
    for line in text[:-1].split("\n"):
        m = LINE.match(line)
        check(m is not None, "statsd line %r" % line)
        if m:
            out.append((m["name"], m["value"], m["type"]))
    return out


def six_digits(text):
    """The value as C++ ostream writes a double: %g."""
    return "%g" % float(text) == text


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def sender_socket(port):
    """A socket from 127.0.0.1:port, the captured source port when free."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.bind(("127.0.0.1", 0))
    return s


def main():
    ippm, pcap = sys.argv[1], sys.argv[2]
    dgrams = udping_pcap.udp_datagrams(pcap)
    data = [d for d in dgrams if d[4] == 6000]
    captured = {d[4]: d[5] for d in dgrams if d[4] in (8125, 8126)}
    check(len(data) == 356 and len(captured) == 2,
          "capture: 356 payloads, 2 statsd datagrams")

    plain = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    plain.bind(("127.0.0.1", 0))
    tagged = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tagged.bind(("127.0.0.1", 0))
    port = free_port()
    srv = subprocess.Popen(
        [ippm, "udping", "server", "-l", "127.0.0.1", "-p", str(port),
         "-k", "1", "-s", "127.0.0.1:%d" % plain.getsockname()[1],
         "-t", "127.0.0.1:%d" % tagged.getsockname()[1]],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    banner = srv.stderr.readline()
    check("listening on 127.0.0.1:%d" % port in banner, "banner: " + banner.strip())

    socks, seqs, order, lat = {}, defaultdict(list), defaultdict(list), {}
    for t, _, sport, _, _, p in data:
        start, guid, seq, sec, nsec, _ = udping_pcap.header(p)
        if sport not in socks:
            socks[sport] = sender_socket(sport)
        if guid not in seqs:
            order[(sport, start)].append(guid)
        seqs[guid].append(seq)
        cap_lat = (t - sec - nsec / 1e9) * 1e3
        lat.setdefault(guid, []).append(cap_lat)
        now = time.time_ns()
        shift = now - int(round(t * 1e9))
        socks[sport].sendto(udping_pcap.restamp(p, sec * 10**9 + nsec + shift),
                            ("127.0.0.1", port))
        time.sleep(0.001)
    real_port = {sp: s.getsockname()[1] for sp, s in socks.items()}
    guid_port = {g: real_port[k[0]] for k, gs in order.items() for g in gs}
    expected = udping_pcap.expected_counts(seqs, order)

    time.sleep(0.3)
    srv.send_signal(signal.SIGTERM)
    out, err = srv.communicate(timeout=10)
    check(srv.returncode == 0, "exit status 0 after SIGTERM (%s)" % srv.returncode)
    check("12 sessions reported" in err, "summary: " + err.strip().splitlines()[-1])

    # JSON: one line per guid, keys in order, every value a string.
    rows = {}
    for line in out.splitlines():
        obj = json.loads(line)
        check(list(obj) == KEYS and all(isinstance(v, str) for v in obj.values()),
              "JSON keys in order, values strings: " + line[:60])
        rows[obj["guid"]] = obj
    check(set(rows) == set(seqs), "every guid reported once (%d of %d)"
          % (len(rows), len(seqs)))
    for g, r in rows.items():
        check(r["count"] == str(len(seqs[g])) and
              r["targetCount"] == str(expected[g]) and
              r["from_host"] == "localhost" and
              r["from_port"] == str(guid_port[g]) and
              r["to_host"] == "localhost" and r["to_port"] == str(port) and
              all(re.fullmatch(r"-?\d+\.\d{6}", r[k]) for k in
                  ("sum", "sumOfSquares", "max")),
              "%s: count %s/%d, targetCount %s/%d, %%lf reals"
              % (g, r["count"], len(seqs[g]), r["targetCount"], expected[g]))
        base = sum(lat[g])
        check(base - 0.01 <= float(r["sum"]) <= base + LAT_SLACK_MS * len(lat[g]),
              "%s: sum %s ms, the capture's %.6f + loopback" % (g, r["sum"], base))

    # statsd: a datagram per guid on each socket.
    got = {}
    for name, s in (("plain", plain), ("tagged", tagged)):
        s.settimeout(1.0)
        got[name] = []
        try:
            while True:
                got[name].append(s.recv(4096))
        except socket.timeout:
            pass
        check(len(got[name]) == len(seqs), "%s statsd: %d datagrams for %d guids"
              % (name, len(got[name]), len(seqs)))

    # The original's two datagrams: session 0adf129d27e9b9b45d84 (port 5002).
    g = "0adf129d27e9b9b45d84"
    for name, cport in (("plain", 8125), ("tagged", 8126)):
        want = statsd_lines(captured[cport])
        p = guid_port[g]
        # the port's first interval: 22 packets
        mine = [d for d in got[name] if statsd_lines(d)[0][1] == "22"
                and (b".%d." % p in d if name == "plain" else b"from_port=%d," % p in d)]
        check(len(mine) == 1, "%s: one datagram for %s's port %d with count 22"
              % (name, g, p))
        if not mine:
            continue
        have = statsd_lines(mine[0])
        check(len(have) == 5, "%s: five lines" % name)
        for (wn, wv, wt), (hn, hv, ht) in zip(want, have):
            wn = wn.replace(".5002.", ".%d." % p).replace("=5002,", "=%d," % p)
            wn = wn.replace(".6000.", ".%d." % port).replace("=6000:", "=%d:" % port)
            wn = wn.replace("to_port=6000", "to_port=%d" % port)
            check(hn == wn and ht == wt, "%s: %s|%s is the original's name and type"
                  % (name, hn, ht))
            check(six_digits(hv), "%s: %s in ostream's format" % (name, hv))
            metric = wn.split(",")[0].rsplit(".", 1)[-1]
            if metric in ("count", "targetCount"):
                check(hv == wv, "%s: %s %s, the original's %s" % (name, metric, hv, wv))
            else:
                ref = {"sum": sum(lat[g]), "sos": sum(x * x for x in lat[g]),
                       "max": max(lat[g])}[metric]
                slack = {"sum": LAT_SLACK_MS * 22, "max": LAT_SLACK_MS,
                         "sos": (max(lat[g]) + LAT_SLACK_MS) ** 2 * 22}[metric]
                ok = ref * 0.999 - 1e-6 <= float(hv) <= ref + slack
                check(ok, "%s: %s %s (the original %s; the capture's own "
                       "latencies give %.6g)" % (name, metric, hv, wv, ref))
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
