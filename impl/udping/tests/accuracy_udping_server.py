#!/usr/bin/python3
"""Accuracy of `ippm udping server` against the relay's truth file.

    accuracy_udping_server.py IPPM [SCENARIO ...] [--markdown FILE] [--list]

A UDPing sender (this script's, from several source ports: the version-1
header of notes §1, a new guid every GUID_EVERY packets of a port, its
sequence numbers going on) -> `ippm relay --proto none --truth T` ->
`ippm udping server -N -k 1`, on loopback with fixed seeds. Every packet
has its own length (72 + its index); the relay numbers packets in the
order they arrive, the sending order on loopback, and each record's
length is checked against the packet's. The "client" scenario sends with
`ippm udping client -v` itself (random sizes, Poisson gaps, guids rolling
over each second), read from its -v lines. From the truth file, per guid:
  count         every copy the relay let through (duplicates count, as the
                original counts every datagram): must match exactly;
  targetCount   1 + maxSeq - minSeq with the original's rule (notes §5):
                min and max move by 1..9 only, over the copies in the
                relay's release order, and a guid whose successor on the
                same port is known closes at successor.minSeq - 1: must
                match exactly. Under a burst loss of 10 or more in a row
                maxSeq freezes, so targetCount is less than the packets
                the guid was sent (the "burst" scenario shows it);
  sessions      one report per guid, none lost;
  delay         with a guid per packet (so each report is one packet's
                latency), the median over guids of sum / count minus the
                same of a run straight to the server, within 50 us of the
                median delay the relay injected.
"""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "../../stamp/tests"))
sys.path.insert(0, os.path.join(HERE, "../../../testsupport"))
import accuracy_stamp as acc  # noqa: E402
import udping_pcap  # noqa: E402
from ippmtest import free_port  # noqa: E402

TOL_NS = 50_000
PORTS = 3
GUID_EVERY = 40     # packets per guid and port
PASSED = acc.PASSED
START = 1796000000  # clientStartTime of every port


def packet(idx, guid, seq, sent_ns):
    """A version-1 datagram of 72 + idx octets (the index names it)."""
    size = 72 + idx
    hdr = struct.pack("<B7xq21s3xI4xqqI4x", 1, START, guid.encode(), seq,
                      sent_ns // 10**9, sent_ns % 10**9, size)
    return hdr + bytes(size - 72)


def guid_of(port_i, n):
    return "%02x%018x" % (port_i, n)


class Rig:
    def __init__(self, ippm, tmp):
        self.ippm, self.tmp = ippm, tmp
        self.procs = []

    def server(self, name):
        port = free_port()
        err = os.path.join(self.tmp, name + ".server.err")
        out = os.path.join(self.tmp, name + ".server.out")
        p = subprocess.Popen([self.ippm, "udping", "server", "-l", "127.0.0.1",
                              "-p", str(port), "-k", "1", "-N"],
                             stdout=open(out, "w"), stderr=open(err, "w"))
        self.procs.append(p)
        acc.wait_line(err, "listening on", p, "udping server " + name)
        return p, port, out, err

    def send(self, port, count, gap_s, every=GUID_EVERY):
        """count packets round robin over PORTS source ports, a gap_s
        apart, a new guid every `every` packets of a port; returns
        [(idx, port_i, guid, seq, size)]."""
        socks = []
        for _ in range(PORTS):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        sent, t0 = [], time.monotonic()
        for i in range(count):
            pi, seq = i % PORTS, i // PORTS
            guid = guid_of(pi, seq // every)
            socks[pi].sendto(packet(i, guid, seq, time.time_ns()),
                             ("127.0.0.1", port))
            sent.append((i, pi, guid, seq, 72 + i))
            d = t0 + (i + 1) * gap_s - time.monotonic()
            if d > 0:
                time.sleep(d)
        for s in socks:
            s.close()
        return sent

    def stop_server(self, p, out, err, name):
        p.send_signal(signal.SIGTERM)
        rc = p.wait(10)
        self.procs.remove(p)
        if rc != 0:
            raise RuntimeError("server %s exit status %d: %s"
                               % (name, rc, open(err).read()))
        return {r["guid"]: r for r in map(json.loads, open(out))}

    def client(self, port, count, seed):
        """ippm udping client: count packets from PORTS source ports, mean
        gap 1 ms, a new guid per port each second; what it sent from its
        -v lines, [(idx, port_i, guid, seq, size)] in sending order."""
        ports = []
        while len(ports) < PORTS:   # free now, and distinct
            p = free_port()
            if p >= 1024 and p <= 60000 and p not in ports:
                ports.append(p)
        cmd = [self.ippm, "udping", "client", "-r", "127.0.0.1", "-p",
               str(port), "-s", ",".join(map(str, ports)),
               "-d", "1", "-i", "1", "-m", "600", "-c", str(count),
               "--seed", str(seed), "-v"]
        print("  $ %s" % " ".join(cmd[1:]))
        out = subprocess.run(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError("client exit status %d: %s"
                               % (out.returncode, out.stdout[-300:]))
        sent = []
        for line in out.stdout.splitlines():
            if not line.startswith("port="):
                continue
            f = dict(kv.split("=", 1) for kv in line.split())
            sent.append((len(sent), ports.index(int(f["port"])), f["guid"],
                         int(f["seq"]), int(f["size"])))
        if len(sent) != count:
            raise RuntimeError("client -v showed %d packets of %d"
                               % (len(sent), count))
        return sent

    def direct(self, name, count, gap_s, every=GUID_EVERY):
        p, port, out, err = self.server(name)
        sent = self.send(port, count, gap_s, every)
        time.sleep(0.2)
        return sent, self.stop_server(p, out, err, name)

    def run(self, name, relay_args, count, gap_s, seed, every=GUID_EVERY,
            client=False):
        """Sender -> relay -> server; returns (sent, server reports,
        truth records, truth summary)."""
        p, sport, out, err = self.server(name)

        def send(lport):
            sent = (self.client(lport, count, seed) if client
                    else self.send(lport, count, gap_s, every))
            time.sleep(0.3)
            return sent
        sent, recs, summ = acc.through_relay(self, name, sport, "none", seed,
                                             relay_args, send)
        return sent, self.stop_server(p, out, err, name), recs, summ

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def expected(sent, recs, count):
    """Per guid from the truth: (copies delivered, targetCount by the
    rule, seqs sent), and the delays injected into delivered copies."""
    odd = [r for r in recs if r["action"] not in PASSED + ("dropped",)]
    if odd:
        raise RuntimeError("relay dropped on its own (%d, first %s)"
                           % (len(odd), odd[0]))
    fwd = [r for r in recs if r["dir"] == "fwd"]
    if len(fwd) != count:
        raise RuntimeError("relay saw %d packets, sent %d" % (len(fwd), count))
    copies, delays = [], []
    for r in fwd:
        if r["action"] not in PASSED:
            continue
        # The relay numbers packets as they arrive: the sending order on
        # loopback. Each length is checked against what was sent.
        pkt = sent[r["idx"]]
        if r["len"] != pkt[4]:
            raise RuntimeError("truth idx %d: %d octets, sent %d: the relay's"
                               " order is not the sending order"
                               % (r["idx"], r["len"], pkt[4]))
        for _ in range(r.get("copies", 1)):
            copies.append((r.get("release_ns", r["arrival_ns"]), r["idx"], pkt))
            delays.append(r.get("delay_ns", 0))
    copies.sort()
    seqs, order = defaultdict(list), defaultdict(list)
    for pkt in sent:
        if pkt[2] not in order[pkt[1]]:
            order[pkt[1]].append(pkt[2])
    for _, _, (_, _, guid, seq, _) in copies:
        seqs[guid].append(seq)
    order = {k: [g for g in v if g in seqs] for k, v in order.items()}
    target = udping_pcap.expected_counts(seqs, order)
    span = defaultdict(int)
    for _, _, guid, _, _ in sent:
        span[guid] += 1
    return ({g: (len(seqs[g]), target[g], span[g]) for g in seqs}, delays)


def check_reports(rep, scen, sent, reports, recs, count):
    want, delays = expected(sent, recs, count)
    rep.count(scen, "sessions reported", len(want), len(reports))
    rep.count(scen, "count (all guids)", sum(w[0] for w in want.values()),
              sum(int(reports[g]["count"]) for g in want if g in reports))
    bad_c = [g for g in want if g not in reports
             or int(reports[g]["count"]) != want[g][0]]
    bad_t = [g for g in want if g not in reports
             or int(reports[g]["targetCount"]) != want[g][1]]
    rep.count(scen, "guids with count != truth", 0, len(bad_c))
    rep.count(scen, "targetCount (all guids)",
              sum(w[1] for w in want.values()),
              sum(int(reports[g]["targetCount"]) for g in want if g in reports))
    rep.count(scen, "guids with targetCount != rule", 0, len(bad_t))
    for g in (bad_c + bad_t)[:4]:
        print("  %s: truth (count, target, sent) %s, server %s"
              % (g, want[g], reports.get(g)))
    return want, delays


def median_mean_ms(reports):
    """The median over guids of each guid's mean latency, ms: with a guid
    per packet, the median latency (a mean over many packets would carry
    every scheduling hiccup of a loaded host)."""
    return acc.q([float(r["sum"]) / int(r["count"]) for r in reports.values()],
                 0.5)


def sc_loss(rig, rep):
    n = 600
    sent, reports, recs, summ = rig.run("loss", ["--fwd-loss", "0.1"], n,
                                        0.001, 1301)
    want, _ = check_reports(rep, "loss", sent, reports, recs, n)
    rep.count("loss", "lost (truth) = sent - count", summ["fwd"]["dropped"],
              n - sum(int(r["count"]) for r in reports.values()))


def sc_dup(rig, rep):
    n = 600
    sent, reports, recs, summ = rig.run("dup", ["--fwd-dup", "0.1"], n,
                                        0.001, 1302)
    check_reports(rep, "dup", sent, reports, recs, n)
    over = sum(int(r["count"]) - int(r["targetCount"]) for r in reports.values())
    rep.count("dup", "count - targetCount = duplicates", summ["fwd"]["duplicated"],
              over)


def sc_reorder(rig, rep):
    n = 600
    args = ["--fwd-reorder", "30:4", "--fwd-reorder", "100:2",
            "--fwd-reorder", "301:7", "--fwd-reorder", "450:1"]
    sent, reports, recs, _ = rig.run("reorder", args, n, 0.001, 1303)
    check_reports(rep, "reorder", sent, reports, recs, n)


def sc_burst(rig, rep):
    """12 packets in a row of port 0 (indices 3k): its maxSeq freezes."""
    n = 360
    drops = [3 * k for k in range(10, 22)]
    sent, reports, recs, _ = rig.run(
        "burst", ["--fwd-drop", ",".join(map(str, drops))], n, 0.001, 1304)
    want, _ = check_reports(rep, "burst", sent, reports, recs, n)
    g = guid_of(0, 0)
    if g in want:
        rep.row("burst", "targetCount < sent (burst of 12)",
                "%d sent, %d delivered" % (want[g][2], want[g][0]),
                "targetCount %s" % reports.get(g, {}).get("targetCount"),
                "-", int(reports.get(g, {}).get("targetCount", -1)) == want[g][1]
                and want[g][1] < want[g][2])


def sc_tail(rig, rep):
    """The last 3 packets of each of port 1's guids lost: the successor's
    minSeq closes the expected count (notes §5)."""
    n = 600
    drops = [i for i in range(n) if i % PORTS == 1
             and (i // PORTS) % GUID_EVERY >= GUID_EVERY - 3
             and i // PORTS < (n // PORTS) - GUID_EVERY]
    sent, reports, recs, _ = rig.run(
        "tail", ["--fwd-drop", ",".join(map(str, drops))], n, 0.001, 1305)
    want, _ = check_reports(rep, "tail", sent, reports, recs, n)
    closed = [g for g in want if g.startswith("01") and want[g][1] == GUID_EVERY
              and want[g][0] == GUID_EVERY - 3]
    rep.count("tail", "port 1 guids closed by their successor",
              len(drops) // 3, len(closed))


def sc_delay(rig, rep):
    n, gap = 600, 0.002
    _, base = rig.direct("delay-direct", n, gap, every=1)
    sent, reports, recs, summ = rig.run("delay", ["--fwd-delay", "2ms"], n,
                                        gap, 1306, every=1)
    _, delays = check_reports(rep, "delay", sent, reports, recs, n)
    inj = acc.q(delays, 0.5)
    b, m = median_mean_ms(base) * 1e6, median_mean_ms(reports) * 1e6
    err = m - b - inj
    rep.row("delay", "one-way delay median (a guid per packet)",
            "%.3f ms" % (inj / 1e6),
            "%.3f ms (%.3f - base %.3f)" % ((m - b) / 1e6, m / 1e6, b / 1e6),
            "%+.1f us" % (err / 1e3), abs(err) <= TOL_NS,
            "over 50 us" if abs(err) > TOL_NS else "")
    late = summ["late_ns"]["fwd"]
    print("  relay fwd lateness: median %.1f us, p99 %.1f us"
          % (late["median"] / 1e3, late["p99"] / 1e3))


def sc_client(rig, rep):
    """ippm udping client itself (random sizes, Poisson gaps, guids that
    roll over each second, aligned to the epoch) through loss,
    duplication and reordering."""
    n = 900
    args = ["--fwd-loss", "0.05", "--fwd-dup", "0.05", "--fwd-reorder",
            "100:3", "--fwd-reorder", "400:5"]
    sent, reports, recs, summ = rig.run("client", args, n, 0, 1307,
                                        client=True)
    check_reports(rep, "client", sent, reports, recs, n)


SCENARIOS = [
    ("loss", sc_loss, "Bernoulli loss 10%"),
    ("dup", sc_dup, "duplication 10%"),
    ("reorder", sc_reorder, "held back 30:4 100:2 301:7 450:1"),
    ("burst", sc_burst, "12 in a row of one port lost"),
    ("tail", sc_tail, "last 3 of each guid of one port lost"),
    ("delay", sc_delay, "fwd 2 ms at 500 pps"),
    ("client", sc_client, "ippm udping client: loss 5%, dup 5%, 100:3 400:5"),
]
TITLE = ["### UDPing (`ippm udping server`)", "",
         "A UDPing sender (3 source ports, a guid per 40 packets of a port)"
         " -> `ippm relay --proto none --truth` -> `ippm udping server -N -k 1`"
         " on loopback, fixed seeds; the client scenario with `ippm udping"
         " client` itself (impl/udping/tests/accuracy_udping_server.py). Per guid, count"
         " (every copy delivered) and targetCount (the original's 1..9 rule"
         " over the release order, closed by the successor) must match the"
         " truth exactly; delay: with a guid per packet, the median of the"
         " reported latencies, less a run straight to the server, within"
         " 50 us of the injected.", ""]


# The README table's rows (accuracy_stamp.markdown keeps the metrics of
# its KEY set and every row in <details>).
acc.KEY |= {"sessions reported", "count (all guids)",
            "targetCount (all guids)", "lost (truth) = sent - count",
            "count - targetCount = duplicates",
            "targetCount < sent (burst of 12)",
            "port 1 guids closed by their successor",
            "one-way delay median (a guid per packet)"}


if __name__ == "__main__":
    sys.exit(acc.main(sys.argv, SCENARIOS, Rig, TITLE))
